//! Quick fixes: each diagnostic whose help suggests a name ("did you mean
//! `score`?") offers to write that name in place of the one written, a
//! misspelt member keeping its quotes; each warning offers to allow it
//! there with a `# verdict: allow(CODE)` comment.

use super::diagnostics::convert;
use super::document::Document;
use crate::diagnostic::{codes, Diagnostic, Severity, Span};
use crate::syntax::LINE_END;
use lsp_types::{CodeAction, CodeActionKind, CodeActionOrCommand, TextEdit, WorkspaceEdit};
use std::collections::HashMap;

/// The quick fixes of the diagnostics that touch the bytes `from..=to`.
pub fn quick_fixes(doc: &Document, from: usize, to: usize) -> Vec<CodeActionOrCommand> {
    let mut out = Vec::new();
    let own = doc.analysis.diagnostics.iter().filter(|d| d.file == doc.path || d.file.as_os_str().is_empty());
    for d in own.filter(|d| d.span.start as usize <= to && from <= d.span.end as usize) {
        let Some(written) = doc.text.get(d.span.range()) else { continue };
        if d.code == codes::LIST_LIKE_A_RANGE {
            for (title, new_text) in range_rewrites(written) {
                out.push(fix(doc, d, title, new_text, false));
            }
        } else {
            let suggested = suggestions(d);
            for (i, name) in suggested.iter().enumerate() {
                let Some(new_text) = replacement(written, name) else { continue };
                let title = format!("Change `{written}` to `{new_text}`");
                // The nearest name first; an editor may apply a preferred fix by itself.
                out.push(fix(doc, d, title, new_text, i == 0 && suggested.len() == 1));
            }
        }
        // A fix of the text first; allowing the warning as it stands last.
        if d.severity == Severity::Warning && d.code != codes::UNUSED_ALLOW {
            out.push(allow_here(doc, d));
        }
    }
    out
}

/// A quick fix writing `new_text` over the diagnostic's span.
fn fix(doc: &Document, d: &Diagnostic, title: String, new_text: String, preferred: bool) -> CodeActionOrCommand {
    action(doc, d, title, (d.span, new_text), preferred)
}

/// A warning allowed where it is: `# verdict: allow(CODE)` on a line of
/// its own above the warning's line, indented as it is (such a comment
/// covers the declaration starting on that line, or else the line).
fn allow_here(doc: &Document, d: &Diagnostic) -> CodeActionOrCommand {
    let before = doc.text.get(..d.span.start as usize).unwrap_or_default();
    let line_start = before.rfind(LINE_END).map_or(0, |i| i + 1);
    let line = doc.text.get(line_start..).unwrap_or_default();
    let indent = &line[..line.len() - line.trim_start_matches([' ', '\t']).len()];
    let line_end = crate::syntax::line_end_of(&doc.text);
    let at = Span::new(line_start, line_start);
    let title = format!("Allow `{}` here", d.code);
    action(doc, d, title, (at, format!("{indent}# verdict: allow({}){line_end}", d.code)), false)
}

/// A quick fix for `d` writing the text over the span.
fn action(
    doc: &Document,
    d: &Diagnostic,
    title: String,
    (span, new_text): (Span, String),
    preferred: bool,
) -> CodeActionOrCommand {
    let edit = TextEdit::new(doc.lines.range(&doc.text, span), new_text);
    CodeActionOrCommand::CodeAction(CodeAction {
        title,
        kind: Some(CodeActionKind::QUICKFIX),
        diagnostics: convert(doc, d).map(|(_, converted)| vec![converted]),
        edit: Some(WorkspaceEdit {
            changes: Some(HashMap::from([(doc.uri.clone(), vec![edit])])),
            ..WorkspaceEdit::default()
        }),
        is_preferred: Some(preferred),
        ..CodeAction::default()
    })
}

/// `x in [a, b]` (W0115) rewritten both ways it may have meant: the range
/// from `a` to `b`, or the two values; `not in` as their negations. In
/// parentheses, so that either reads the same wherever it stands.
fn range_rewrites(written: &str) -> Vec<(String, String)> {
    // A comment inside would swallow the rewrite's closing bracket: no fix then.
    if written.contains('#') {
        return Vec::new();
    }
    // The test as written in parentheses (`not (score in [600, 700])`) is
    // the diagnostic's span with them: rewritten inside them.
    let written = without_outer_parentheses(written);
    // The list is the last bracket: the left side may hold one of its own
    // (`count(overdues where days in [1, 2]) in [1, 5]`).
    let Some((head, list)) = written.rsplit_once('[') else { return Vec::new() };
    let Some((low, high)) = list.trim_end().strip_suffix(']').and_then(|l| l.split_once(',')) else {
        return Vec::new();
    };
    let (low, high) = (low.trim(), high.trim());
    let (x, negate) = match (head.trim_end().strip_suffix(" not in"), head.trim_end().strip_suffix(" in")) {
        (Some(x), _) => (x.trim(), true),
        (None, Some(x)) => (x.trim(), false),
        (None, None) => return Vec::new(),
    };
    let (range, values) = crate::check::range_or_values(x, (low, high), negate);
    let range_title = if negate { "Leave out the range" } else { "Write the range" };
    vec![
        (format!("{range_title}: `{range}`"), format!("({range})")),
        (format!("Keep the two values: `{values}`"), format!("({values})")),
    ]
}

/// `text` without the parentheses around all of it, however many pairs:
/// `((a in [1, 2]))` gives `a in [1, 2]`; `(a) + (b)` is left as it is.
fn without_outer_parentheses(mut text: &str) -> &str {
    while let Some(inner) = text.trim().strip_prefix('(').and_then(|t| t.strip_suffix(')')) {
        if !balanced(inner) {
            break;
        }
        text = inner;
    }
    text.trim()
}

/// Every parenthesis of `text` outside its quoted texts closes one opened
/// before it, and all are closed.
fn balanced(text: &str) -> bool {
    let (mut depth, mut quoted, mut escaped) = (0usize, false, false);
    for c in text.chars() {
        match (quoted, c) {
            (true, _) if escaped => escaped = false,
            (true, '\\') => escaped = true,
            (true, '"') | (false, '"') => quoted = !quoted,
            (false, '(') => depth += 1,
            (false, ')') => match depth.checked_sub(1) {
                Some(d) => depth = d,
                None => return false,
            },
            _ => {}
        }
    }
    depth == 0 && !quoted
}

/// The names a diagnostic's help suggests: "did you mean `a`?" or "did you mean `a` or `b`?".
fn suggestions(d: &Diagnostic) -> Vec<&str> {
    let Some(rest) = d.help.as_deref().and_then(|h| h.strip_prefix("did you mean ")) else { return Vec::new() };
    let question = rest.split('?').next().unwrap_or_default();
    question.split('`').skip(1).step_by(2).filter(|name| !name.is_empty()).collect()
}

/// What replaces `written` with `name`: a word by the word, a quoted member
/// by the member in quotes; anything else is not a name to swap.
fn replacement(written: &str, name: &str) -> Option<String> {
    let word = |s: &str| !s.is_empty() && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    // A suggestion that is no name (`days_between(opened_on, as_of)`) is said, not swapped in.
    if word(written) {
        return word(name).then(|| name.to_owned());
    }
    let inner = written.strip_prefix('"')?.strip_suffix('"')?;
    (!inner.contains(['"', '\\']) && !name.contains(['"', '\\'])).then(|| format!("\"{name}\""))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_suggestion_replaces_a_word_or_a_quoted_member() {
        assert_eq!(replacement("scroe", "score").as_deref(), Some("score"));
        assert_eq!(replacement("\"closd\"", "closed").as_deref(), Some("\"closed\""));
        assert_eq!(replacement("a.b", "c"), None);
        assert_eq!(replacement("days_since", "days_between(opened_on, as_of)"), None);
        let d = |help: &str| {
            let mut d = Diagnostic::error(
                crate::diagnostic::codes::UNKNOWN_NAME,
                std::path::Path::new("t"),
                crate::diagnostic::Span::new(0, 1),
                "m",
            );
            d.help = Some(help.into());
            d
        };
        assert_eq!(suggestions(&d("did you mean `sum` or `min`? the functions are ...")), ["sum", "min"]);
        assert_eq!(suggestions(&d("did you mean `freeze`? The actions: `close`")), ["freeze"]);
        assert!(suggestions(&d("names and texts are quoted: `\"r\"`")).is_empty());
    }

    #[test]
    fn a_list_like_a_range_is_rewritten_both_ways() {
        let fixes = range_rewrites("score in [600, 700]");
        let texts: Vec<&str> = fixes.iter().map(|(_, t)| t.as_str()).collect();
        assert_eq!(texts, ["(score >= 600 and score <= 700)", "(score == 600 or score == 700)"]);
        let fixes = range_rewrites("opened_on not in [2026-01-01, 2026-06-30]");
        assert_eq!(fixes[0].1, "(opened_on < 2026-01-01 or opened_on > 2026-06-30)");
        assert_eq!(fixes[1].1, "(opened_on != 2026-01-01 and opened_on != 2026-06-30)");
        assert!(range_rewrites("score").is_empty());
        // The list is the last bracket, whatever the left side holds.
        let fixes = range_rewrites("count(overdues where days in [1, 2, 3]) in [1, 5]");
        assert_eq!(
            fixes[0].1,
            "(count(overdues where days in [1, 2, 3]) >= 1 and count(overdues where days in [1, 2, 3]) <= 5)"
        );
        // In parentheses (the diagnostic's span then holds them), rewritten inside them.
        for written in ["(score in [600, 700])", "( (score in [600, 700]) )"] {
            let texts: Vec<String> = range_rewrites(written).into_iter().map(|(_, t)| t).collect();
            assert_eq!(texts, ["(score >= 600 and score <= 700)", "(score == 600 or score == 700)"], "{written}");
        }
        assert_eq!(without_outer_parentheses("(a) + (b)"), "(a) + (b)");
        assert_eq!(
            without_outer_parentheses("(count(x where k == \")\") in [1, 5])"),
            "count(x where k == \")\") in [1, 5]"
        );
        // A comment inside would swallow the closing bracket of the rewrite.
        assert!(range_rewrites("score in [600, 700 # upper\n  ]").is_empty());
    }
}
