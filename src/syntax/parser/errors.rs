//! Syntax errors: their messages ("expected ..." in words, not rule names),
//! recovery after the first so that one run reports every broken item, and
//! the nesting bound checked before pest runs.

use super::stop::Stop;
use super::*;
use crate::syntax::LINE_END;

/// After a syntax error, parse each top-level item on its own to find the others.
pub(super) fn recover_errors(file: &Path, text: &str, first: Diagnostic) -> Vec<Diagnostic> {
    recover_errors_noting_broken(file, text, first).0
}

/// [`recover_errors`], with the byte ranges of the items that do not parse
/// on their own (which [`super::salvage`] blanks out).
pub(super) fn recover_errors_noting_broken(
    file: &Path,
    text: &str,
    first: Diagnostic,
) -> (Vec<Diagnostic>, Vec<std::ops::Range<usize>>) {
    let mut broken = Vec::new();
    // Where errors were reported, so a file of many broken items is not
    // compared error by error.
    let mut reported: HashSet<u32> = HashSet::from([first.span.start]);
    let mut diags = Vec::new();
    // Whether the item holding the first error parses on its own: then the
    // error is the parser running on from a broken item before it into one
    // that is fine, and that item's own error says it better.
    let mut first_spilled_over = false;
    let mut found_another = false;
    let starts = item_starts(text);
    for (i, &start) in starts.iter().enumerate() {
        let end = starts.get(i + 1).copied().unwrap_or(text.len());
        let Some(chunk) = text.get(start..end) else {
            continue;
        };
        let holds_first = (start..end).contains(&(first.span.start as usize));
        match PolicyParser::parse(Rule::policy_file, chunk) {
            Err(e) => {
                broken.push(start..end);
                let d = syntax_error(file, &e, (chunk, start));
                if reported.insert(d.span.start) {
                    diags.push(d);
                    found_another = true;
                }
            }
            Ok(pairs) => {
                first_spilled_over |= holds_first;
                // An item that parses may still not build (an impossible date):
                // said now, not after the syntax errors are fixed.
                let built = build_items(file, pairs).1.into_iter().map(|d| shifted(d, start));
                diags.extend(built.filter(|d| reported.insert(d.span.start)));
            }
        }
    }
    if !first_spilled_over || !found_another {
        diags.push(first);
    }
    diags.sort_by_key(|d| d.span.start);
    (diags.into_iter().map(|d| note_unclosed(d, file, text, &starts)).collect(), broken)
}

/// A diagnostic found in a text that starts at `offset` of the file, placed in the file.
fn shifted(mut d: Diagnostic, offset: usize) -> Diagnostic {
    let shift = |span: Span| Span::new(span.start as usize + offset, span.end as usize + offset);
    d.span = shift(d.span);
    for related in &mut d.related {
        related.span = shift(related.span);
    }
    d
}

/// A syntax error met where an item ends (the end of the file, the next
/// item's keyword at the start of a line) or, in brackets, at `then` or a
/// closing brace, while a bracket or a `case` is still open: the opener is
/// the likely cause, and is pointed at. Only the item the error ends is
/// searched for openers (the one begun before it, by `item_starts`), so a
/// file of thousands of broken items is not read again for each.
fn note_unclosed(mut d: Diagnostic, file: &Path, text: &str, item_starts: &[usize]) -> Diagnostic {
    let at = d.span.start as usize;
    let item = item_starts.partition_point(|&start| start < at).checked_sub(1).and_then(|i| item_starts.get(i));
    let from = item.copied().unwrap_or(0);
    let (Some(before), Some(rest)) = (text.get(from..at), text.get(at..)) else { return d };
    let Some((open, opener)) = innermost_open(before) else { return d };
    let open = from + open;
    let word: String = rest.chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '_').collect();
    let line_start = before.rsplit('\n').next().is_some_and(|l| l.trim().is_empty());
    let at_end = rest.lines().all(|l| l.trim().is_empty() || l.trim_start().starts_with('#'));
    let at_item = line_start && ITEM_KEYWORDS.contains(&word.as_str());
    let in_brackets = matches!(opener, "(" | "[") && (word == "then" || rest.starts_with(['}', '{']));
    if !(at_end || at_item || in_brackets) {
        return d;
    }
    let closer = match opener {
        "(" => "a `)`",
        "[" => "a `]`",
        "{" => "a `}`",
        _ => "an `end`",
    };
    d.relate(file, Span::new(open, open + opener.len()), format!("this `{opener}` is not closed"));
    if d.help.is_none() {
        d.help = Some(format!("is {closer} missing?"));
    }
    d
}

/// The innermost bracket or `case` still open at the end of `text`: its
/// offset and itself. Strings and comments are text, not nesting.
fn innermost_open(text: &str) -> Option<(usize, &'static str)> {
    let mut open: Vec<(usize, &'static str)> = Vec::new();
    let (mut in_string, mut escaped, mut in_comment) = (false, false, false);
    let mut chars = text.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        match c {
            '\n' => in_comment = false,
            _ if in_comment => {}
            _ if escaped => escaped = false,
            '\\' if in_string => escaped = true,
            '"' => in_string = !in_string,
            _ if in_string => {}
            '#' => in_comment = true,
            '(' => open.push((i, "(")),
            '[' => open.push((i, "[")),
            '{' => open.push((i, "{")),
            ')' | ']' | '}' => {
                open.pop();
            }
            c if c.is_ascii_alphabetic() || c == '_' => {
                let mut end = i + c.len_utf8();
                while let Some(&(j, n)) = chars.peek() {
                    if !(n.is_ascii_alphanumeric() || n == '_') {
                        break;
                    }
                    end = j + n.len_utf8();
                    chars.next();
                }
                match text.get(i..end) {
                    Some("case") => open.push((i, "case")),
                    Some("end") => {
                        open.pop();
                    }
                    _ => {}
                }
            }
            _ => {}
        }
    }
    open.pop()
}

/// The keywords that start a top-level item.
pub(super) const ITEM_KEYWORDS: [&str; 9] =
    ["policy", "schema", "hook", "batch", "let", "guard", "rule", "group", "split"];

/// The words of a duration's unit.
pub(super) const UNITS: [&str; 8] = ["days", "weeks", "months", "years", "day", "week", "month", "year"];

/// Byte offsets of lines that start a top-level item (outside braces, strings, comments).
///
/// A brace left open (a rule being typed) would hide every item after it:
/// an item keyword at the start of a line (no indent) also starts an item
/// inside braces, unless it is a `rule` inside a `group`, where rules stand.
/// The item before it is then broken on its own, and the rest still read.
pub(super) fn item_starts(text: &str) -> Vec<usize> {
    let mut starts = Vec::new();
    let mut depth = 0i32;
    let mut offset = 0;
    let mut open_item = "";
    for line in text.split_inclusive(LINE_END) {
        let trimmed = line.trim_start();
        let first_word: &str =
            &trimmed[..trimmed.find(|c: char| !(c.is_ascii_alphanumeric() || c == '_')).unwrap_or(trimmed.len())];
        let keyword = ITEM_KEYWORDS.iter().find(|k| **k == first_word);
        let at_margin = trimmed.len() == line.len();
        let restarts = depth > 0 && at_margin && !(open_item == "group" && first_word == "rule");
        if let Some(keyword) = keyword.filter(|_| depth <= 0 || restarts) {
            starts.push(offset + (line.len() - trimmed.len()));
            open_item = keyword;
            depth = 0;
        }
        depth += brace_balance(line);
        offset += line.len();
    }
    starts
}

fn brace_balance(line: &str) -> i32 {
    let mut balance = 0;
    let mut in_string = false;
    let mut escaped = false;
    for c in line.chars() {
        match c {
            _ if escaped => escaped = false,
            '\\' if in_string => escaped = true,
            '"' => in_string = !in_string,
            '#' if !in_string => break,
            '{' if !in_string => balance += 1,
            '}' if !in_string => balance -= 1,
            _ => {}
        }
    }
    balance
}

/// Where the first bracket nested deeper than [`MAX_NESTING`] opens, if one
/// does: a cheap pre-check before the parser's recursion gets a chance to
/// overflow. Brackets in strings and comments are text, not nesting.
pub(super) fn too_deep_at(text: &str) -> Option<usize> {
    let mut depth = 0usize;
    let (mut in_string, mut escaped, mut in_comment) = (false, false, false);
    let bytes = text.as_bytes();
    let word_char = |b: u8| b.is_ascii_alphanumeric() || b == b'_';
    for (i, &b) in bytes.iter().enumerate() {
        // `case ... end` nests like a bracket (the parser recurses into its branches).
        let after_word = i > 0 && bytes.get(i - 1).is_some_and(|p| word_char(*p) || *p == b'.');
        let word_start = !in_string && !in_comment && word_char(b) && !after_word;
        let word = if word_start { word_at(bytes, i) } else { &[][..] };
        match b {
            b'\n' => (in_string, escaped, in_comment) = (false, false, false),
            _ if in_comment => {}
            _ if escaped => escaped = false,
            b'\\' if in_string => escaped = true,
            b'"' => in_string = !in_string,
            _ if in_string => {}
            b'#' => in_comment = true,
            b'(' | b'[' => {
                depth += 1;
                if depth > MAX_NESTING {
                    return Some(i);
                }
            }
            _ if word == b"case" => {
                depth += 1;
                if depth > MAX_NESTING {
                    return Some(i);
                }
            }
            b')' | b']' => depth = depth.saturating_sub(1),
            _ if word == b"end" => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    None
}

/// The word (letters, digits, `_`) starting at `at`.
fn word_at(bytes: &[u8], at: usize) -> &[u8] {
    let rest = bytes.get(at..).unwrap_or_default();
    let len = rest.iter().take_while(|b| b.is_ascii_alphanumeric() || **b == b'_').count();
    rest.get(..len).unwrap_or_default()
}

/// The diagnostic of pest's `error`, in words and with the likely fix;
/// `parsed` is the text pest was given, which starts at byte `base` of the file.
pub(super) fn syntax_error(file: &Path, error: &pest::error::Error<Rule>, (parsed, base): (&str, usize)) -> Diagnostic {
    let pos = match error.location {
        InputLocation::Pos(p) => p,
        InputLocation::Span((s, _)) => s,
    };
    // The line and column as the language ends lines (a lone `\r` too), not
    // as pest does (at `\n` alone): after a lone `\r` pest's line and column
    // disagreed by one, and the word at the error lost a letter.
    let (line, col) = line_and_column(parsed, pos);
    // The word at the error (`weekz`), or else the character, whole: a span
    // ending inside a multi-byte character (an emoji) is not a place an
    // editor can show.
    let word = word_at_col(line, col);
    let width = match word.len() {
        0 => line.chars().nth(col).map_or(1, char::len_utf8),
        len => len,
    };
    let span = Span::new(base + pos, base + pos + width);
    let diagnostic = Diagnostic::error(codes::SYNTAX, file, span, message_of(error, parsed.get(..pos)));
    if let ErrorVariant::ParsingError { positives, .. } = &error.variant {
        let stop = Stop::new(&diagnostic, positives, line, (col, base + pos), &word);
        let idiom = idioms::action_idiom(&stop)
            .or_else(|| idioms::decimal_for_whole(&stop))
            .or_else(|| idioms::duration_shorthand(&stop));
        if let Some(fixed) = idiom {
            return fixed;
        }
        if let Some(fixed) = misspelt_action(&diagnostic, positives, &word, base + pos) {
            return fixed;
        }
        if let Some(fixed) = unit_out_of_place(&diagnostic, positives, &word, base + pos) {
            return fixed;
        }
        if let Some(fixed) = unclosed_string(&diagnostic, line, col, base + pos) {
            return fixed;
        }
        if let Some(fixed) = row_errors::word_as_cell(&stop)
            .or_else(|| body_errors::broken_bin(&stop))
            .or_else(|| body_errors::characteristic_without_code(&stop))
            .or_else(|| body_errors::header_without_brace(&stop))
            .or_else(|| body_errors::foreign_character_in_head(&stop))
            .or_else(|| row_errors::comma_between_cells(&stop))
            .or_else(|| row_errors::unclosed_interval(&stop))
            .or_else(|| row_errors::first_after_the_body(&stop))
        {
            return fixed;
        }
        let help = look_alike(line, col)
            .or_else(|| idioms::idiom_help(&stop))
            .or_else(|| operator_from_elsewhere(positives, line, col))
            .or_else(|| thousands_separator(positives, line, col))
            .or_else(|| percent_apart(line, col))
            .or_else(|| scorecard_inside(positives, &word))
            .or_else(|| unquoted_text(positives, &word))
            .or_else(|| reserved_word(positives, &word))
            .or_else(|| misspelt_keyword(positives, &word));
        if let Some(help) = help {
            return diagnostic.with_help(help);
        }
        if let Some(fixed) = idioms::wrote_if(&stop) {
            return fixed;
        }
    }
    diagnostic
}

/// What the parser wanted, in words; `before` is the text before the error.
fn message_of(error: &pest::error::Error<Rule>, before: Option<&str>) -> String {
    match &error.variant {
        ErrorVariant::ParsingError { positives, .. } => {
            let before = before.unwrap_or_default().trim_end();
            let word_char = |c: char| c.is_alphanumeric() || c == '_';
            let after_case = before.strip_suffix("case").is_some_and(|b| !b.ends_with(word_char));
            expected_message(positives, after_case)
        }
        ErrorVariant::CustomError { message } => message.clone(),
    }
}

/// Where an action may start and another word stands (`closee`,
/// `frobnicate`): that word's diagnostic, naming the action meant if one is
/// close, and every action.
fn misspelt_action(diagnostic: &Diagnostic, positives: &[Rule], word: &str, start: usize) -> Option<Diagnostic> {
    if !positives.iter().any(|r| rule_words(*r) == "an action") || !is_plain_word(word) {
        return None;
    }
    // A word with letters left out (`frez`, `esc`) is as likely a typo as one letter off.
    let cut_short = || {
        let mut starting =
            crate::syntax::ACTION_WORDS.iter().filter(|a| word.chars().count() >= 3 && holds_in_order(a, word));
        match (starting.next(), starting.next()) {
            (Some(a), None) => Some(format!("did you mean `{a}`?")),
            _ => None,
        }
    };
    let meant = match crate::diagnostic::did_you_mean(word, crate::syntax::ACTION_WORDS).or_else(cut_short) {
        Some(m) => format!("{m} The actions"),
        None => "the actions".into(),
    };
    let mut fixed = diagnostic.clone();
    fixed.message = format!("unknown action `{word}`");
    fixed.span = Span::new(start, start + word.len());
    Some(fixed.with_help(format!(
        "{meant}: `close`, `freeze [for D]`, `restrict [for D]`, `reinstate`, `set limit to EXPR`, \
         `approve`, `refer`, `decline`, `notify CHANNEL \"template\"`, `escalate to \"stage\"`, `review \"queue\"`, \
         `reason \"CODE\" [\"text\"]`, `reasons from SCORECARD [top N]`, `tag \"label\"`"
    )))
}

/// A unit where the parser wanted none (`as_of + 1.5 days`, `score days`):
/// a duration is a whole number written with its unit, not a value times one.
fn unit_out_of_place(diagnostic: &Diagnostic, positives: &[Rule], word: &str, start: usize) -> Option<Diagnostic> {
    // Where a number was wanted (`freeze for days`), "expected a whole number" says it.
    if positives.iter().any(|r| matches!(r, Rule::unit | Rule::int_lit | Rule::signed_int)) || !UNITS.contains(&word) {
        return None;
    }
    let mut fixed = diagnostic.clone();
    fixed.message = format!("`{word}` must follow a whole number written in the policy");
    fixed.span = Span::new(start, start + word.len());
    Some(fixed.with_help(
        "a duration is a whole number and its unit (`30 days`, `6 months`), never a decimal or a computed \
         value; to compare with a number of days that is computed, use `days_between(from, to)` or \
         `months_between(from, to)`",
    ))
}

/// A `"` at `col` whose string does not close on its line (`tag "a` with
/// `b"` on the next line): the parser stops at the quote, wanting something
/// else, and "expected an expression" would not say what is wrong.
fn unclosed_string(diagnostic: &Diagnostic, line: &str, col: usize, start: usize) -> Option<Diagnostic> {
    let mut rest = line.chars().skip(col);
    if rest.next()? != '"' {
        return None;
    }
    let mut escaped = false;
    for c in rest {
        match c {
            _ if escaped => escaped = false,
            '\\' => escaped = true,
            '"' => return None,
            _ => {}
        }
    }
    let mut fixed = diagnostic.clone();
    fixed.message = "this string is not closed on its line".into();
    fixed.span = Span::new(start, start + 1);
    Some(fixed.with_help("close it with `\"` before the line ends: a string cannot span lines"))
}

/// Whether `letters` appear in `word` in order (`frez` in `freeze`).
fn holds_in_order(word: &str, letters: &str) -> bool {
    let mut rest = word.chars();
    letters.chars().all(|l| rest.any(|c| c == l))
}

/// The line of `text` holding byte `pos` (without its line end) and the
/// 0-based column of `pos` in it, in characters; lines end at `\n` or a lone
/// `\r`, as the grammar's and the diagnostics' do.
fn line_and_column(text: &str, pos: usize) -> (&str, usize) {
    let before = text.get(..pos).unwrap_or_default();
    // The `\n` of a `\r\n` is the end of the line the `\r` ends.
    let inside_crlf = before.ends_with('\r') && text.get(pos..).is_some_and(|rest| rest.starts_with('\n'));
    let before = if inside_crlf { before.get(..pos - 1).unwrap_or_default() } else { before };
    let start = before.rfind(LINE_END).map_or(0, |i| i + 1);
    let rest = text.get(start..).unwrap_or_default();
    let line = rest.get(..rest.find(LINE_END).unwrap_or(rest.len())).unwrap_or_default();
    (line, before.get(start..).map_or(0, |b| b.chars().count()))
}

/// The word (letters, digits, `_`) at character column `col` of `line`.
fn word_at_col(line: &str, col: usize) -> String {
    line.chars().skip(col).take_while(|c| c.is_alphanumeric() || *c == '_').collect()
}

/// Whether `word` is a word and not one of the language's keywords.
fn is_plain_word(word: &str) -> bool {
    !word.is_empty() && !super::keywords::keyword_texts().any(|k| k == word)
}

/// `scorecard` inside an expression (`1 + scorecard base 0 { ... }`): a
/// scorecard is only ever the whole value of a let.
fn scorecard_inside(positives: &[Rule], word: &str) -> Option<String> {
    (word == "scorecard" && positives.iter().any(|r| is_expression_start(*r))).then(|| {
        "a scorecard is the whole value of a let: `let behaviour = scorecard base 600 { ... }`, then use \
         `behaviour` in the expression"
            .into()
    })
}

/// A keyword where the parser wanted a name (`let case = 1`), not an
/// expression (where a keyword may end one: `score > then`): it is reserved.
fn reserved_word(positives: &[Rule], word: &str) -> Option<String> {
    let expression = positives.iter().any(|r| *r != Rule::ident && is_expression_start(*r));
    if !positives.contains(&Rule::ident) || expression || !crate::syntax::is_reserved(word) {
        return None;
    }
    Some(format!("`{word}` is a reserved word of the language; choose another name, such as `{word}_value`"))
}

/// "did you mean" for a word that is not a keyword where the parser wanted
/// a keyword close to it (`priorty` for `priority`).
fn misspelt_keyword(positives: &[Rule], word: &str) -> Option<String> {
    if !is_plain_word(word) {
        return None;
    }
    let keywords = positives.iter().filter_map(|r| super::keywords::keyword_text(*r));
    let units = UNITS.into_iter().filter(|_| positives.contains(&Rule::unit));
    let outcomes = GUARD_OUTCOMES.into_iter().filter(|_| positives.contains(&Rule::guard_outcome));
    let first = positives.iter().any(|r| matches!(r, Rule::table_first | Rule::group_first)).then_some("first");
    let candidates: Vec<&str> = keywords.chain(units).chain(outcomes).chain(first).collect();
    super::keywords::number_glued_to_keyword(word, &candidates)
        .or_else(|| crate::diagnostic::did_you_mean(word, candidates.iter().copied()))
}

/// The outcomes a guard may bound, as the grammar's `guard_outcome` spells them.
const GUARD_OUTCOMES: [&str; 8] = ["close", "freeze", "restrict", "reinstate", "limit", "decline", "refer", "approve"];

/// A character at `col` that is not the language's though it may look like
/// it: what word processors, spreadsheets and Chinese input methods put in
/// text pasted into a policy (a no-break space, curly quotes, `≥`, a
/// full-width parenthesis). Named by its code point, as some are invisible.
pub(super) fn look_alike(line: &str, col: usize) -> Option<String> {
    let c = line.chars().nth(col)?;
    let code = format!("U+{:04X}", u32::from(c));
    if c.is_ascii_control() && !matches!(c, '\t' | '\n' | '\r') {
        // Invisible in most editors, and so the hardest to find: a form feed
        // from a printed page, a NUL from a botched export.
        let name = match c {
            '\0' => "a NUL",
            '\u{b}' => "a vertical tab",
            '\u{c}' => "a form feed",
            '\u{7f}' => "a DEL",
            _ => "a control character",
        };
        return Some(format!("{code} ({name}) is an invisible character the language does not take: delete it"));
    }
    if c.is_ascii() {
        return None;
    }
    if let Some(plain) = crate::diagnostic::full_width_form_of(c) {
        return Some(format!("`{c}` ({code}) is a full-width `{plain}`: write `{plain}`"));
    }
    let (what, meant): (String, &str) = match c {
        '\u{a0}' | '\u{202f}' => (format!("{code} (a no-break space)"), "a plain space"),
        '\u{3000}' => (format!("{code} (a full-width space)"), "a plain space"),
        '\u{2000}'..='\u{200b}' | '\u{feff}' => (format!("{code} (a typographic or invisible space)"), "a plain space"),
        '\u{201c}' | '\u{201d}' | '\u{201e}' | '\u{2033}' | '\u{ab}' | '\u{bb}' => {
            (format!("`{c}` ({code}, a typographic quote)"), "`\"`")
        }
        '\u{2018}' | '\u{2019}' | '\u{2032}' => {
            (format!("`{c}` ({code}, a typographic apostrophe)"), "`\"` (text is written in double quotes)")
        }
        '≥' => (format!("`{c}` ({code})"), "`>=`"),
        '≤' => (format!("`{c}` ({code})"), "`<=`"),
        '≠' => (format!("`{c}` ({code})"), "`!=`"),
        '\u{2010}'..='\u{2015}' | '\u{2212}' => (format!("`{c}` ({code}, a dash)"), "`-`"),
        '×' => (format!("`{c}` ({code})"), "`*`"),
        '÷' => (format!("`{c}` ({code})"), "`/`"),
        '\u{3001}' => return Some(format!("`{c}` ({code}) is an ideographic comma: write `,`")),
        _ => {
            return Some(format!(
                "`{c}` ({code}) is not part of the language: names are ASCII letters, digits and `_`, and \
                 other characters belong inside quoted text"
            ))
        }
    };
    Some(format!("{what} is not {meant}, though it may look like it: write {meant}"))
}

/// Operators of other languages at `col`, and the policy language's own:
/// binary ones where the parser wanted an operator, `!` where it wanted an
/// expression.
fn operator_from_elsewhere(positives: &[Rule], line: &str, col: usize) -> Option<String> {
    let binary = positives.iter().any(|r| is_operator(*r));
    let operand = positives.iter().any(|r| is_expression_start(*r));
    let rest: String = line.chars().skip(col).take(2).collect();
    let (written, meant) = match rest.as_str() {
        "&&" if binary => ("&&", "and"),
        "||" if binary => ("||", "or"),
        "=>" if binary => ("=>", ">="),
        "=<" if binary => ("=<", "<="),
        "<>" if binary => ("<>", "!="),
        "==" | "!=" => return None,
        s if binary && s.starts_with('=') => ("=", "=="),
        s if operand && s.starts_with('!') => ("!", "not"),
        _ => return None,
    };
    Some(format!("the policy language writes `{meant}` where other languages write `{written}`"))
}

/// Words a risk officer understands for what the parser wanted;
/// `after_case`: the error follows the word `case`.
fn expected_message(positives: &[Rule], after_case: bool) -> String {
    let has = |r: Rule| positives.contains(&r);
    if has(Rule::kw_then) {
        return "expected `then` after the condition".into();
    }
    if has(Rule::kw_when) && (has(Rule::kw_end) || has(Rule::kw_else)) {
        return "expected `when`, `else` or `end` in the case".into();
    }
    if has(Rule::kw_when) && after_case {
        return "expected `when` to start the case's first branch: `case when COND then VALUE ... end`".into();
    }
    if has(Rule::kw_when) {
        return "expected `when` to start the rule's condition".into();
    }
    // Nothing of the file parsed (`policy_file`), or an item ended and no other began.
    if has(Rule::policy_file) || has(Rule::EOI) && positives.iter().any(|r| is_item_keyword(*r)) {
        return format!("expected a declaration: {}", declaration_list());
    }
    let mut words: Vec<String> = Vec::new();
    // Where an expression may start, listing every kind of literal helps nobody.
    let expression = has(Rule::path) || has(Rule::call) || has(Rule::paren) || has(Rule::expr);
    if expression {
        words.push("an expression".into());
    }
    let mut operator = false;
    for rule in positives {
        if is_operator(*rule) {
            operator = true;
            continue;
        }
        if expression && is_expression_start(*rule) {
            continue;
        }
        let word = match (rule_words(*rule), super::keywords::keyword_text(*rule)) {
            ("something else", Some(keyword)) => format!("`{keyword}`"),
            (word, _) => word.to_owned(),
        };
        if !words.contains(&word) {
            words.push(word);
        }
    }
    if operator {
        words.push("an operator".into());
    }
    // A header's last part was wanted, or its body's `{` (which pest does not list).
    if !positives.is_empty() && positives.iter().all(|r| body_errors::before_a_body(*r)) {
        words.push("`{`".into());
    }
    match words.as_slice() {
        [] => "syntax error".into(),
        [one] => format!("expected {one}"),
        [init @ .., last] => format!("expected {} or {last}", init.join(", ")),
    }
}

fn is_expression_start(rule: Rule) -> bool {
    matches!(
        rule,
        Rule::expr
            | Rule::paren
            | Rule::case_expr
            | Rule::kw_case
            | Rule::path
            | Rule::call
            | Rule::ident
            | Rule::op_not
            | Rule::op_neg
            | Rule::list_lit
            | Rule::date_lit
            | Rule::duration_lit
            | Rule::percent_lit
            | Rule::decimal_lit
            | Rule::int_lit
            | Rule::string_lit
            | Rule::true_lit
            | Rule::false_lit
            | Rule::none_lit
            | Rule::table_expr
            | Rule::kw_table
            | Rule::scorecard
            | Rule::kw_scorecard
    )
}

/// `5,000` where an operator was wanted after `5`: a number is written
/// without separators.
fn thousands_separator(positives: &[Rule], line: &str, col: usize) -> Option<String> {
    let chars: Vec<char> = line.chars().collect();
    let before = chars.get(..col)?.iter().rev().take_while(|c| c.is_ascii_digit()).count();
    let after = chars.get(col + 1..)?.iter().take_while(|c| c.is_ascii_digit()).count();
    let comma = chars.get(col) == Some(&',');
    let binary = positives.iter().any(|r| is_operator(*r));
    if !(comma && binary && before > 0 && after == 3) {
        return None;
    }
    let token = chars.get(col - before..)?.iter().take_while(|c| c.is_ascii_digit() || matches!(c, ',' | '.'));
    let number: String = token.filter(|c| **c != ',').collect();
    Some(format!("numbers are written without thousands separators: `{number}`"))
}

/// `20 %`: a percentage is one token, its `%` against its number.
fn percent_apart(line: &str, col: usize) -> Option<String> {
    let chars: Vec<char> = line.chars().collect();
    let before: String = chars.get(..col)?.iter().collect();
    let spaced = before.len() - before.trim_end().len();
    let digits = before.trim_end().chars().rev().take_while(|c| c.is_ascii_digit() || *c == '.').count();
    (chars.get(col) == Some(&'%') && spaced > 0 && digits > 0).then(|| {
        let number: String = before.trim_end().chars().skip(before.trim_end().chars().count() - digits).collect();
        format!("a percentage is written against its number: `{number}%`")
    })
}

/// A bare word where only a quoted string may stand (`rule r {`, `notify sms x`).
fn unquoted_text(positives: &[Rule], word: &str) -> Option<String> {
    let only_text = positives.iter().all(|r| *r == Rule::string_lit);
    (only_text && !positives.is_empty() && is_plain_word(word))
        .then(|| format!("names and texts are quoted: `\"{word}\"`"))
}

fn is_item_keyword(rule: Rule) -> bool {
    super::keywords::keyword_text(rule).is_some_and(|k| ITEM_KEYWORDS.contains(&k))
}

/// "`policy`, `schema`, … `group` or `split`": every declaration keyword.
fn declaration_list() -> String {
    let quoted: Vec<String> = ITEM_KEYWORDS.iter().map(|k| format!("`{k}`")).collect();
    match quoted.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("{} or {last}", rest.join(", ")),
        _ => quoted.concat(),
    }
}

fn rule_words(rule: Rule) -> &'static str {
    match rule {
        Rule::EOI => "the end of the file",
        Rule::expr
        | Rule::primary
        | Rule::op_not
        | Rule::op_neg
        | Rule::paren
        | Rule::table_expr
        | Rule::kw_table
        | Rule::scorecard
        | Rule::kw_scorecard => "an expression",
        Rule::cell | Rule::table_row | Rule::cell_lit | Rule::cell_any | Rule::cell_cmp | Rule::cell_interval => {
            "a row of cells (`< 600 | _ => value`)"
        }
        Rule::table_else | Rule::kw_else => "`else =>`",
        Rule::path | Rule::ident => "a name",
        Rule::string_lit => "a quoted string",
        Rule::int_lit | Rule::signed_int => "a whole number",
        Rule::percent_lit => "a percentage",
        Rule::duration_lit => "a duration such as `30 days`",
        Rule::unit => "a unit (`days`, `weeks`, `months` or `years`)",
        Rule::type_name => "a type such as `int` or `decimal`",
        Rule::guard_outcome => {
            "an outcome (`close`, `freeze`, `restrict`, `reinstate` or `limit`; for applications `decline`, \
             `refer` or `approve`)"
        }
        Rule::date_lit => "a date such as `2026-11-01`",
        Rule::effective | Rule::kw_effective => "`effective`",
        Rule::points | Rule::cell_neg | Rule::decimal_lit => "points (a number such as `20` or `-15`)",
        Rule::bin => "a bin, `CELL => POINTS`",
        Rule::channel => "a channel (`sms`, `push`, `email`, `call` or `letter`)",
        Rule::close_action
        | Rule::freeze_action
        | Rule::restrict_action
        | Rule::set_limit_action
        | Rule::notify_action
        | Rule::escalate_action
        | Rule::review_action
        | Rule::reason_action
        | Rule::tag_action
        | Rule::reinstate_action
        | Rule::approve_action
        | Rule::refer_action
        | Rule::decline_action
        | Rule::reasons_from_action
        | Rule::kw_reinstate
        | Rule::kw_approve
        | Rule::kw_refer
        | Rule::kw_decline
        | Rule::kw_reasons
        | Rule::kw_close
        | Rule::kw_freeze
        | Rule::kw_restrict
        | Rule::kw_set
        | Rule::kw_notify
        | Rule::kw_escalate
        | Rule::kw_review
        | Rule::kw_reason
        | Rule::kw_tag => "an action",
        Rule::priority | Rule::kw_priority => "`priority`",
        Rule::kw_rule | Rule::rule_decl => "`rule`",
        Rule::where_clause | Rule::kw_where => "`where`",
        Rule::within_clause | Rule::kw_within => "`within`",
        Rule::kw_version => "`version`",
        Rule::case_else => "`else`",
        Rule::kw_end => "`end`",
        Rule::case_branch => "`when`",
        Rule::kw_from => "`from`",
        Rule::kw_to => "`to`",
        Rule::kw_limit => "`limit`",
        Rule::kw_at => "`at`",
        Rule::kw_most => "`most`",
        Rule::kw_for => "`for`",
        Rule::group_first => "`first`",
        Rule::table_first => "`first` or the table's `{`",
        Rule::hook_param => "a parameter `name: type`",
        Rule::hook_budget | Rule::kw_budget => "`budget`",
        _ => "something else",
    }
}

#[cfg(test)]
mod tests {
    use crate::syntax::parse_policy;
    use std::path::Path;

    #[test]
    fn a_syntax_error_spans_the_whole_character_it_stops_at() {
        for (text, stop) in [("let 😀x = 1\n", "😀"), ("let a = 1 ≥ 2\n", "≥"), ("let a = = 1\n", "=")] {
            let Err(diagnostics) = parse_policy(Path::new("t.policy"), text) else { panic!("{text} parsed") };
            let span = diagnostics.first().map(|d| d.span.range()).unwrap_or_default();
            assert_eq!(text.get(span.clone()), Some(stop), "{text}: {span:?}");
        }
    }

    #[test]
    fn recovery_finds_the_items_of_a_file_of_any_line_ends() {
        let text = "policy \"p\"\nlet a = 2026-02-30\nlet b = 2026-02-31\nlet c = = 1\n";
        for line_end in ["\n", "\r\n", "\r"] {
            let text = text.replace('\n', line_end);
            let Err(diagnostics) = parse_policy(Path::new("t.policy"), &text) else { panic!("parsed") };
            let found: Vec<&str> = diagnostics.iter().filter_map(|d| text.get(d.span.range())).collect();
            assert_eq!(found, ["2026-02-30", "2026-02-31", "="], "{line_end:?}");
        }
    }

    #[test]
    fn a_position_is_on_the_line_the_language_ends() {
        let text = "ab\rcd\r\néf";
        assert_eq!(super::line_and_column(text, 4), ("cd", 1));
        // At the `\n` of a `\r\n`: the end of the line before it.
        assert_eq!(super::line_and_column(text, 6), ("cd", 2));
        assert_eq!(super::line_and_column(text, 9), ("éf", 1));
    }
}
