//! `# verdict: allow(W0112)`: a warning silenced where the risk officer
//! meant what they wrote (a fraud closure that must not warn the customer,
//! a list of two terms that is not a range), so that `check
//! --deny-warnings` can guard the rest of the policy.
//!
//! An allow covers a whole declaration (a rule, a group and its rules, a
//! let, a table, a scorecard, a hook...): the one it stands above, the one
//! whose last line it ends, or the one it stands inside. Declarations are
//! the unit because `fmt` splits and joins lines within them but never
//! moves a comment out of one, so formatting never changes what an allow
//! silences. Between declarations, with none after it, a comment covers
//! its own line (ending one) or the next. Only warnings are silenced, and
//! an allow that silences nothing is itself a warning (`W0116`), as a
//! stale one would otherwise hide the next real problem there.

use crate::diagnostic::{codes, codes::CodeInfo, nearest_names, Diagnostic, Severity, Span};
use crate::syntax::ast::{Item, PolicyAst};
use crate::syntax::comments::{lex_comments, Comment};
use crate::syntax::parser::item_span;
use crate::syntax::LINE_END;
use std::ops::Range;
use std::path::Path;

/// How a risk officer writes the allow comment, for the messages.
const WRITTEN: &str = "# verdict: allow(W0112)";

/// One code named by an allow comment.
struct Allowed {
    code: &'static str,
    /// Where the code is written in the comment.
    span: Span,
    /// The source the comment covers (bytes).
    covers: Range<usize>,
    used: bool,
}

/// Removes from `diags` the warnings of `file` that an allow comment of
/// `source` covers, and adds a `W0116` for each allow comment that is
/// malformed or names no warning. Whether an allow silenced nothing is told
/// only when the lints ran (`lints_ran`): with errors they do not, and every
/// allow would look unused.
pub(super) fn silence_allowed(
    ast: &PolicyAst,
    file: &Path,
    source: &str,
    diags: &mut Vec<Diagnostic>,
    lints_ran: bool,
) {
    let declarations = declaration_spans(ast);
    let mut allowed = Vec::new();
    let mut problems = Vec::new();
    for comment in lex_comments(source) {
        let Some(list) = allow_list(&comment.text) else { continue };
        let Ok(list) = list else {
            problems.push(malformed(file, &comment));
            continue;
        };
        let covers = covered(&comment, source, &declarations);
        for (offset, written) in list {
            let span = Span::new(comment.start + offset, comment.start + offset + written.len());
            match warning_named(written) {
                Ok(info) => allowed.push(Allowed { code: info.code, span, covers: covers.clone(), used: false }),
                Err((message, help)) => {
                    let problem = Diagnostic::warning(codes::UNUSED_ALLOW, file, span, message);
                    problems.push(Diagnostic { help, ..problem });
                }
            }
        }
    }
    diags.retain(|d| {
        if d.severity != Severity::Warning || d.file != file {
            return true;
        }
        let start = d.span.start as usize;
        let mut silenced = false;
        // Every allow covering it counts as used, not only the first.
        for a in allowed.iter_mut().filter(|a| a.code == d.code && a.covers.contains(&start)) {
            a.used = true;
            silenced = true;
        }
        !silenced
    });
    if lints_ran {
        problems.extend(allowed.iter().filter(|a| !a.used).map(|a| unused(file, a)));
    }
    diags.extend(problems);
}

/// The codes an allow comment lists, each with its byte offset in the
/// comment: `None` when the comment is not an allow comment, `Err` when it
/// starts as one but is not written as one.
fn allow_list(text: &str) -> Option<Result<Vec<(usize, &str)>, ()>> {
    let body = text.strip_prefix('#')?.trim_start();
    let after = body.strip_prefix("verdict:")?.trim_start().strip_prefix("allow")?;
    let Some(inside) = after.trim_start().strip_prefix('(') else { return Some(Err(())) };
    let Some(close) = inside.find(')') else { return Some(Err(())) };
    let mut offset = text.len() - inside.len();
    let mut list = Vec::new();
    for part in inside[..close].split(',') {
        let name = part.trim();
        if !name.is_empty() {
            list.push((offset + (part.len() - part.trim_start().len()), name));
        }
        offset += part.len() + 1;
    }
    Some(if list.is_empty() { Err(()) } else { Ok(list) })
}

/// The warning a code (`W0112`) or name (`close-without-notify`) stands for,
/// or why it stands for none (a message and a help).
fn warning_named(written: &str) -> Result<&'static CodeInfo, (String, Option<String>)> {
    let found = codes::ALL.iter().find(|c| c.code.eq_ignore_ascii_case(written) || c.name == written);
    match found {
        Some(info) if info.code == codes::UNUSED_ALLOW => {
            Err((format!("`{}` cannot be allowed: correct or remove the allow comment it is about", info.code), None))
        }
        // Said of the batch file, where no comment of the policy stands.
        Some(info) if info.code == codes::REPEATED_BATCH_ID => {
            let message = format!("`{}` is reported in the batch file, where no allow comment can stand", info.code);
            Err((message, Some("remove the repeated id from the batch file".to_owned())))
        }
        Some(info) if info.severity == Severity::Warning => Ok(info),
        Some(info) => {
            Err((format!("`{}` ({}) is an error: an error cannot be allowed, only fixed", info.code, info.name), None))
        }
        None => {
            let warnings = codes::ALL.iter().filter(|c| c.severity == Severity::Warning);
            let candidates: Vec<&str> = warnings.flat_map(|c| [c.code, c.name]).collect();
            let help = match nearest_names(written, candidates.iter().copied(), 1).first() {
                Some(near) => format!("did you mean `{near}`? docs/diagnostics.md lists every warning"),
                None => "name a warning by its code or name, as docs/diagnostics.md lists them".to_string(),
            };
            Err((format!("`{written}` is not a warning's code or name"), Some(help)))
        }
    }
}

fn malformed(file: &Path, comment: &Comment) -> Diagnostic {
    let span = Span::new(comment.start, comment.end);
    Diagnostic::warning(
        codes::UNUSED_ALLOW,
        file,
        span,
        "this allow comment silences nothing: it is not written as one",
    )
    .with_help(format!("list the codes or names of the warnings in parentheses: `{WRITTEN}`"))
}

fn unused(file: &Path, allowed: &Allowed) -> Diagnostic {
    let name = codes::info(allowed.code).map_or("", |i| i.name);
    let message = format!("no `{}` ({name}) warning is reported where this allow applies", allowed.code);
    Diagnostic::warning(codes::UNUSED_ALLOW, file, allowed.span, message).with_help(
        "remove it: an allow covers the declaration it stands above, ends the last line of, or stands inside",
    )
}

/// The source an allow comment covers: the declaration starting where the
/// code resumes after it (on a line of its own), else those ending on its
/// line before it (ending a line), else the innermost declaration holding
/// it, else its own line (ending one) or the next.
fn covered(comment: &Comment, source: &str, declarations: &[Span]) -> Range<usize> {
    let line_start = source.get(..comment.start).and_then(|s| s.rfind(LINE_END)).map_or(0, |i| i + 1);
    let next = next_code(source, comment.end);
    let starts_after = !comment.trailing && declarations.iter().any(|d| Some(d.start as usize) == next);
    let ends_before = |d: &&Span| (line_start..=comment.start).contains(&(d.end as usize));
    let ended = declarations.iter().filter(ends_before).map(|d| d.start as usize).min();
    let inside = declarations
        .iter()
        .filter(|d| (d.start as usize..d.end as usize).contains(&comment.start))
        .min_by_key(|d| d.end - d.start);
    match (starts_after, comment.trailing, ended, inside) {
        (true, ..) | (false, false, _, None) => line_after(next, source, declarations),
        (false, true, Some(start), _) => start.min(line_start)..comment.start,
        (false, _, _, Some(d)) => d.start as usize..d.end as usize,
        (false, true, None, None) => line_start..comment.start,
    }
}

/// The line where the code resumes at `next`, and the declaration starting
/// there (however many lines it runs over); nothing at the end of the text.
fn line_after(next: Option<usize>, source: &str, declarations: &[Span]) -> Range<usize> {
    let Some(next) = next else { return 0..0 };
    let rest = source.get(next..).unwrap_or_default();
    let line_end = rest.find(LINE_END).map_or(source.len(), |n| next + n);
    let declared = declarations.iter().filter(|s| s.start as usize == next).map(|s| s.end as usize);
    next..declared.fold(line_end, usize::max)
}

/// Where code resumes at or after `at`, past whitespace and comments.
fn next_code(source: &str, mut at: usize) -> Option<usize> {
    loop {
        let rest = source.get(at..)?;
        let code = rest.trim_start();
        at += rest.len() - code.len();
        if code.is_empty() {
            return None;
        }
        if !code.starts_with('#') {
            return Some(at);
        }
        at += code.find(LINE_END).unwrap_or(code.len());
    }
}

/// Every declaration an allow comment can cover: the items, and the rules of groups.
fn declaration_spans(ast: &PolicyAst) -> Vec<Span> {
    let mut spans: Vec<Span> = ast.items.iter().map(item_span).collect();
    for item in &ast.items {
        if let Item::Group(g) = item {
            spans.extend(g.rules.iter().map(|r| r.span));
        }
    }
    spans
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_allow_lists_its_codes_with_their_offsets() {
        let text = "# verdict: allow( W0112 ,list-like-a-range) a note";
        let list = allow_list(text).and_then(Result::ok).unwrap_or_default();
        assert_eq!(list, [(18, codes::CLOSE_WITHOUT_NOTIFY), (25, "list-like-a-range")]);
        assert_eq!(&text[18..23], codes::CLOSE_WITHOUT_NOTIFY);
        assert_eq!(allow_list("#verdict:allow(W0101)").and_then(Result::ok), Some(vec![(15, codes::UNUSED_LET)]));
        // Not an allow comment at all: nothing to say.
        assert!(allow_list("# the verdict: allow nothing").is_none());
        assert!(allow_list("# verdict: the rules").is_none());
        // Begun as one but not written as one.
        for malformed in
            ["# verdict: allow W0112", "# verdict: allow(W0112", "# verdict: allow()", "# verdict: allow( , )"]
        {
            assert_eq!(allow_list(malformed), Some(Err(())), "{malformed}");
        }
    }

    #[test]
    fn code_resumes_after_blank_lines_and_comments() {
        assert_eq!(next_code("# a\n\n  # b\r\n  rule", 0), Some(14));
        assert_eq!(next_code("# a\n  # b", 0), None);
    }
}
