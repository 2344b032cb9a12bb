//! Syntax errors in a decision table's rows and a scorecard's bins, said in
//! a risk officer's words: cells separated by `,`, an interval closed with
//! `[`, an enum member written without its quotes, an expression where a
//! cell holds a literal, and `first` written after the table's `}`.
//!
//! pest reports these as "expected …" lists of grammar rules at a place
//! that is seldom the one to fix, so each reads the line the parser
//! stopped on.

use super::stop::{without_comment, Stop};
use super::*;

/// `>= 600 , _ => 2`: a `,` between a row's cells (outside an interval or a
/// list, before the `=>`), pointed at, with the separator a row uses.
pub(super) fn comma_between_cells(stop: &Stop<'_>) -> Option<Diagnostic> {
    if !stop.in_a_row() {
        return None;
    }
    let code = without_comment(stop.line);
    let cells = code.get(..code.find("=>")?)?;
    let start = stop.offset(top_level_comma(cells)?)?;
    let row = format!("{} => …", cells.split(',').map(str::trim).collect::<Vec<_>>().join(" | "));
    let mut fixed = stop.said(
        "a row's cells are separated by `|`, not `,`",
        format!(
            "write `{row}`: one cell per input, in the order of the table's inputs; a `,` separates only the \
             bounds of an interval `[600, 680)`, the items of a list `[\"A\", \"B\"]` and a row's values after `=>`"
        ),
    );
    fixed.span = Span::new(start, start + 1);
    Some(fixed)
}

/// The byte offset of the first `,` in `cells` that is neither in brackets
/// nor in a string.
fn top_level_comma(cells: &str) -> Option<usize> {
    let (mut depth, mut in_string) = (0_i32, false);
    for (i, c) in cells.char_indices() {
        match c {
            '"' => in_string = !in_string,
            '[' | '(' if !in_string => depth += 1,
            ']' | ')' if !in_string => depth -= 1,
            ',' if !in_string && depth <= 0 => return Some(i),
            _ => {}
        }
    }
    None
}

/// `[600, 680[`: an interval closed the French way, or not closed at all.
pub(super) fn unclosed_interval(stop: &Stop<'_>) -> Option<Diagnostic> {
    (stop.positives == [Rule::cell_close]).then(|| {
        stop.said(
            "expected `)` or `]` to close the interval",
            "a bracket takes its bound in, a parenthesis leaves it out: `[600, 680)` holds 600 up to but not \
             680, `[600, 680]` holds both",
        )
    })
}

/// `north => 1` or `< as_of - 6 months => 1`: a word where a cell's literal
/// stands. At a cell's start it is an enum member or a text without its
/// quotes; after a comparison, a name in an expression, which a cell cannot
/// hold.
pub(super) fn word_as_cell(stop: &Stop<'_>) -> Option<Diagnostic> {
    let word = stop.word;
    let is_name = word.chars().next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_');
    // `els`, `nonne`: a misspelt word a cell may be is said as such elsewhere.
    let near_a_cell_word = crate::diagnostic::did_you_mean(word, ["else", "none", "true", "false"]).is_some();
    // After the `=>`, a word is no cell but a value (a bin's extra words, said by `broken_bin`).
    if !stop.in_a_row() || !is_name || word == "_" || near_a_cell_word || stop.before.contains("=>") {
        return None;
    }
    if stop.before.trim_end().ends_with(['<', '>', '=']) {
        return Some(stop.said(
            format!("a cell compares with a literal, not with `{word}`"),
            "a cell holds literals only (`< 600`, `>= 2026-01-01`, `[0.2, 0.5)`); to compare with a computed \
             value, make it one of the table's inputs, e.g. `table (months_between(opened_on, as_of)) -> …` \
             with the cell `< 6`",
        ));
    }
    if matches!(word.to_ascii_lowercase().as_str(), "null" | "nil" | "na" | "missing") {
        return Some(stop.said(
            format!("`{word}` is not a cell: the absent value is `none`"),
            "write `none` for a row that holds when the input is absent",
        ));
    }
    Some(stop.said(
        format!("`{word}` is not a cell: enum members and texts are quoted"),
        format!("write `\"{word}\"`, or `[\"{word}\", …]` for one of several"),
    ))
}

/// `} first`: `first` after a table's (or group's) `}` rather than before
/// its `{`.
pub(super) fn first_after_the_body(stop: &Stop<'_>) -> Option<Diagnostic> {
    (stop.word == "first" && stop.before.trim_end().ends_with('}')).then(|| {
        stop.said(
            "`first` goes before the `{`, not after the `}`",
            "write `table (score) -> int first {` (or `group \"g\" first {`): the first row or rule that \
             matches wins; without `first` a table's rows must not overlap",
        )
    })
}

#[cfg(test)]
mod tests {
    use crate::syntax::parse_policy;
    use std::path::Path;

    fn first_error(rows: &str) -> (String, String, String) {
        let text = format!("let t = table (score, status) -> int {{\n  {rows}\n  else => 0\n}}\n");
        let Err(diagnostics) = parse_policy(Path::new("t.policy"), &text) else { panic!("{text} parsed") };
        let d = diagnostics.into_iter().next().expect("a diagnostic");
        let at = text.get(d.span.range()).unwrap_or_default().to_owned();
        (d.message, at, d.help.unwrap_or_default())
    }

    #[test]
    fn a_comma_between_cells_is_pointed_at() {
        let (message, at, help) = first_error(">= 600 , \"active\" => 2");
        assert_eq!((message.as_str(), at.as_str()), ("a row's cells are separated by `|`, not `,`", ","));
        assert!(help.contains("`>= 600 | \"active\" => …`"), "{help}");
        // The commas of an interval and a list are not the culprit.
        let (message, at, _) = first_error("[600, 680) , [\"active\", \"frozen\"] => 2");
        assert_eq!((message.as_str(), at.as_str()), ("a row's cells are separated by `|`, not `,`", ","));
    }

    #[test]
    fn an_interval_closed_with_an_open_bracket_says_how_it_closes() {
        let (message, at, help) = first_error("[600, 680[ | _ => 2");
        assert_eq!((message.as_str(), at.as_str()), ("expected `)` or `]` to close the interval", "["));
        assert!(help.contains("`[600, 680)`"));
    }

    #[test]
    fn an_unquoted_member_is_asked_to_be_quoted() {
        let (message, at, help) = first_error("_ | active => 1");
        assert_eq!(message, "`active` is not a cell: enum members and texts are quoted");
        assert_eq!(
            (at.as_str(), help.as_str()),
            ("active", "write `\"active\"`, or `[\"active\", …]` for one of several")
        );
        assert_eq!(first_error("els => 1").2, "did you mean `else`?");
        assert_eq!(first_error("null | _ => 1").0, "`null` is not a cell: the absent value is `none`");
        // In a scorecard's bin too.
        let card = "let s = scorecard base 600 {\n  status \"S1\" {\n    active => 1\n    else => 0\n  }\n}\n";
        let Err(diagnostics) = parse_policy(Path::new("t.policy"), card) else { panic!("parsed") };
        assert_eq!(diagnostics[0].message, "`active` is not a cell: enum members and texts are quoted");
    }

    #[test]
    fn an_expression_in_a_cell_suggests_an_input() {
        let (message, at, help) = first_error("< as_of - 6 | _ => 1");
        assert_eq!((message.as_str(), at.as_str()), ("a cell compares with a literal, not with `as_of`", "as_of"));
        assert!(help.contains("months_between(opened_on, as_of)"));
    }

    #[test]
    fn first_after_the_closing_brace_is_moved_before_the_opening_one() {
        let text = "let t = table (score) -> int {\n  >= 700 => 1\n  else => 2\n} first\n";
        let Err(diagnostics) = parse_policy(Path::new("t.policy"), text) else { panic!("parsed") };
        let d = &diagnostics[0];
        assert_eq!(d.message, "`first` goes before the `{`, not after the `}`");
        assert_eq!(text.get(d.span.range()), Some("first"));
    }
}
