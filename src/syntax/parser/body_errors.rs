//! Syntax errors in the bodies and headers of the second edition's items,
//! said in their own words: a scorecard's characteristics and bins, and the
//! `{` a header of a rule, group or split is missing. pest's "expected"
//! lists name grammar rules, never a literal such as `{` or `=>`, so these
//! read the line the parser stopped on ([`Stop`]).

use super::errors::{look_alike, ITEM_KEYWORDS};
use super::stop::{without_comment, Stop};
use super::*;

/// A scorecard bin the parser could not read (it wanted a `bin`, `CELL =>
/// POINTS`, or the characteristic's `}`): what is wrong with it, at the token
/// that is.
pub(super) fn broken_bin(stop: &Stop<'_>) -> Option<Diagnostic> {
    let code = without_comment(stop.line);
    let arrow = code.find("=>");
    if let (Some(wrong), None) = (code.find("->"), arrow) {
        // Where a row's cells end, `->` is met after any of their parts.
        if stop.in_a_row() {
            let start = stop.offset(wrong)?;
            let mut fixed = stop.said(
                "`->` where `=>` is meant",
                "a scorecard's bin is `CELL => POINTS` (`[8, 16) => 17`), a table's row `CELLS => VALUE`",
            );
            fixed.span = Span::new(start, start + 2);
            return Some(fixed);
        }
    }
    let Some(arrow) = arrow else {
        return stop
            .in_a_row()
            .then(|| stop.said("expected `=>` after the cells, then the points or the value", BIN_FORMS));
    };
    if stop.positives != [Rule::bin] {
        return None;
    }
    let after = code.get(arrow + 2..)?.trim();
    if after.ends_with('%') {
        let points = after.trim_end_matches('%');
        return Some(stop.said(
            "a bin's points are a number, not a percentage",
            format!("write `=> {points}`: points are added to the scorecard's base"),
        ));
    }
    if after.split_whitespace().nth(1).is_some() {
        return Some(
            stop.said(
                "a bin ends with its points",
                "write one bin per line, `CELL => POINTS`, and comments after a `#`",
            ),
        );
    }
    Some(stop.said("expected a bin, `CELL => POINTS`, or the characteristic's `}`", BIN_FORMS))
}

const BIN_FORMS: &str =
    "a scorecard's bin is a cell and its points: `< 8 => 63`, `[8, 16) => 17`, `\"A\" => 5`, `none => 0`, \
     `else => -5`; a table's row is its cells and its value: `< 600 | _ => 0.5`";

/// `age {` in a scorecard: a characteristic without its reason code (the
/// parser wanted more of the input's expression or a quoted string, and met
/// the `{`).
pub(super) fn characteristic_without_code(stop: &Stop<'_>) -> Option<Diagnostic> {
    let wants_code = stop.positives.contains(&Rule::string_lit) && stop.positives.iter().any(|r| is_operator(*r));
    if !wants_code || stop.at() != Some('{') {
        return None;
    }
    let input = stop.before.trim();
    Some(stop.said(
        format!("the characteristic `{input}` has no reason code"),
        format!(
            "write its reason code, and if you like its text, after the input: `{input} \"R01\" \"What lowers the \
             score\" {{`; a decline names its principal reasons by these codes"
        ),
    ))
}

/// A declaration the parser gave up on at its first word (it wanted another
/// declaration there) whose header line has no `{`: the body's `{` is
/// missing (pest tried nothing after the header that it could report).
pub(super) fn header_without_brace(stop: &Stop<'_>) -> Option<Diagnostic> {
    let keyword = ["split", "rule", "group"].into_iter().find(|k| {
        let rest = stop.line.trim_start().strip_prefix(k);
        rest.is_some_and(|r| r.starts_with(char::is_whitespace))
    })?;
    let at_item_start = stop.before.chars().all(char::is_whitespace);
    let code = without_comment(stop.line).trim_end();
    let wanted_an_item =
        stop.wants(&[Rule::kw_split, Rule::split_decl, Rule::kw_rule, Rule::rule_decl, Rule::policy_file]);
    if !wanted_an_item || !at_item_start || code.contains('{') {
        return None;
    }
    let end = stop.offset(code.len())?;
    let body = match keyword {
        "split" => "its arms",
        "group" => "its rules",
        _ => "its `when … then …`",
    };
    let mut fixed =
        stop.said(format!("expected `{{` after the {keyword}'s header"), format!("{body} go between `{{` and `}}`"));
    fixed.span = Span::new(end.saturating_sub(1), end);
    Some(fixed)
}

/// The rules a header may end with before its body's `{`: when only these
/// were wanted, the `{` was wanted too (pest does not list literals).
pub(super) fn before_a_body(rule: Rule) -> bool {
    matches!(
        rule,
        Rule::kw_to
            | Rule::kw_priority
            | Rule::priority
            | Rule::kw_effective
            | Rule::effective
            | Rule::group_first
            | Rule::kw_salt
            | Rule::split_salt
    )
}

/// A declaration whose head holds a character that is not the language's
/// (`let café = ...`): pest gives up on the whole declaration and stops at
/// its keyword, as if the keyword were wrong. The character is the place to
/// show, with what it is.
pub(super) fn foreign_character_in_head(stop: &Stop<'_>) -> Option<Diagnostic> {
    if !ITEM_KEYWORDS.contains(&stop.word) || !stop.before.trim().is_empty() {
        return None;
    }
    // The head: the keyword and the name, up to the value, parameters or body.
    let code = without_comment(stop.rest);
    let head = code.find(['=', '(', '{', '"']).map_or(code, |end| code.get(..end).unwrap_or(code));
    let (at, c) = head.char_indices().find(|(_, c)| !c.is_ascii())?;
    let start = stop.before.len() + at;
    let col = stop.before.chars().count() + head.get(..at)?.chars().count();
    let help = look_alike(stop.line, col)?;
    Some(stop.said_at((start, start + c.len_utf8()), format!("`{c}` cannot stand in a name"), help))
}

#[cfg(test)]
mod tests {
    use crate::syntax::parse_policy;
    use std::path::Path;

    fn first_error(text: &str) -> (String, String, Option<String>) {
        let Err(diagnostics) = parse_policy(Path::new("t.policy"), text) else { panic!("{text} parsed") };
        let d = diagnostics.into_iter().next().expect("a diagnostic");
        let at = text.get(d.span.range()).unwrap_or_default().to_owned();
        (d.message, at, d.help)
    }

    fn card(bin: &str) -> String {
        format!("let s = scorecard base 600 {{\n  age \"A1\" {{\n    {bin}\n    else => 0\n  }}\n}}\n")
    }

    #[test]
    fn a_broken_bin_is_named_at_what_breaks_it() {
        let (message, at, _) = first_error(&card("< 30 -> 5"));
        assert_eq!((message.as_str(), at.as_str()), ("`->` where `=>` is meant", "->"));
        let (message, at, _) = first_error(&card("[30, 40) -> 5"));
        assert_eq!((message.as_str(), at.as_str()), ("`->` where `=>` is meant", "->"));
        let table = "let t = table (x, y) -> int {\n  < 30 | _ -> 5\n  else => 0\n}\n";
        assert_eq!(first_error(table).0, "`->` where `=>` is meant");
        let (message, _, help) = first_error(&card("< 30 => 5%"));
        assert_eq!(message, "a bin's points are a number, not a percentage");
        assert!(help.is_some_and(|h| h.contains("`=> 5`")));
        let (message, _, _) = first_error(&card("< 30 => 5 young"));
        assert_eq!(message, "a bin ends with its points");
        let (message, _, _) = first_error(&card("< 30 =>"));
        assert_eq!(message, "expected points (a number such as `20` or `-15`)");
        let (message, _, help) = first_error(&card("< 30 5"));
        assert_eq!(message, "expected `=>` after the cells, then the points or the value");
        assert!(help.is_some_and(|h| h.contains("else => -5")));
    }

    #[test]
    fn a_characteristic_without_a_reason_code_is_named() {
        let text = "let s = scorecard base 600 {\n  months_on_book {\n    < 12 => 4\n    else => 0\n  }\n}\n";
        let (message, at, help) = first_error(text);
        assert_eq!(message, "the characteristic `months_on_book` has no reason code");
        assert_eq!(at, "{");
        assert!(help.is_some_and(|h| h.contains("`months_on_book \"R01\"")));
    }

    #[test]
    fn a_header_without_its_brace_asks_for_one() {
        for (text, wanted) in [
            ("rule \"x\" effective 2026-01-01\n  when true then close\n}\n", "expected `priority`, `to` or `{`"),
            (
                "group \"g\" first effective 2026-01-01\n  rule \"x\" { when true then close }\n}\n",
                "expected `to` or `{`",
            ),
            ("split s by account_id\n  a 50%\n  b 50%\n", "expected `salt` or `{`"),
            ("split s by account_id salt \"x\"  # q4\n  a 50%\n  b 50%\n}\n", "expected `{` after the split's header"),
        ] {
            assert_eq!(first_error(text).0, wanted, "{text}");
        }
    }
}
