//! Forms from SQL, spreadsheets and other rule languages that the policy
//! language writes otherwise: `between`, `600..700`, `effective from`, a
//! split's weight without its `%`, `'text'`, `if`, actions joined by `and`
//! or `,`, `set limit =`, `escalate` without `to`, a notification without
//! its template, a decimal where a whole number goes (`for 1.5 months`), a
//! duration in shorthand (`within 90d`), a comment in `//` or `/* */`.
//! Each gives the help a risk officer needs to write it the language's
//! way, with their own operands where the line shows them.

use super::stop::Stop;
use super::*;

/// The help for an idiom at the word (or character) the parser stopped on.
pub(super) fn idiom_help(stop: &Stop<'_>) -> Option<String> {
    between(stop)
        .or_else(|| dotted_range(stop))
        .or_else(|| effective_from(stop))
        .or_else(|| weight_without_percent(stop))
        .or_else(|| effective_until(stop))
        .or_else(|| split_punctuation(stop))
        .or_else(|| single_quoted(stop))
        .or_else(|| half_open_list(stop))
        .or_else(|| c_comment(stop))
}

/// `// why` or `/* why */`: a comment in another language's marks.
fn c_comment(stop: &Stop<'_>) -> Option<String> {
    // After a value, pest reads the first `/` as a division and stops at the second mark.
    let divided = stop.before.ends_with('/');
    let marks = ["//", "/*"].into_iter().find(|m| {
        stop.rest.starts_with(m) || (divided && m.get(1..).is_some_and(|second| stop.rest.starts_with(second)))
    })?;
    Some(format!("a comment starts with `#` and runs to the end of its line; `{marks}` starts none"))
}

/// `score in [600, 700)`: a table's half-open interval in a condition.
fn half_open_list(stop: &Stop<'_>) -> Option<String> {
    if stop.at() != Some(')') || stop.in_a_row() {
        return None;
    }
    let (head, list) = stop.before.rsplit_once('[')?;
    let (low, high) = list.split_once(',')?;
    let (low, high) = (low.trim(), high.trim());
    let mut words = head.split_whitespace().rev();
    let subject = match (words.next(), words.next()) {
        (Some("in"), Some(subject)) => subject,
        _ => return None,
    };
    Some(format!(
        "`[{low}, {high})` is a range only in a table's cell; in a condition write `{subject} >= {low} and \
         {subject} < {high}`"
    ))
}

/// `status == 'active'`: text in single quotes.
fn single_quoted(stop: &Stop<'_>) -> Option<String> {
    let quoted = stop.rest.strip_prefix('\'')?;
    let text = quoted.split_once('\'').map_or("text", |(text, _)| text);
    Some(format!("text is written in double quotes: `\"{text}\"`"))
}

/// `let tier = if score > 600 …`: pest stops at `if`, or just after it when
/// it took `if` for a name. Said at the `if` either way.
pub(super) fn wrote_if(stop: &Stop<'_>) -> Option<Diagnostic> {
    let is_word = |c: char| c.is_alphanumeric() || c == '_';
    let start = if stop.word == "if" {
        stop.before.len()
    } else {
        let trimmed = stop.before.trim_end();
        let start = trimmed.strip_suffix("if").map(str::len)?;
        if trimmed.get(..start)?.ends_with(is_word) {
            return None;
        }
        start
    };
    Some(stop.said_at(
        (start, start + 2),
        "the language has no `if`",
        "use `case when … then … else … end` (see docs/reference.md#case-expressions)",
    ))
}

/// `for 1.5 months`, `top 2.5`: a decimal where only a whole number goes.
/// Said over the whole number, not its first digits.
pub(super) fn decimal_for_whole(stop: &Stop<'_>) -> Option<Diagnostic> {
    if !stop.wants(&[Rule::int_lit]) {
        return None;
    }
    let digits = |s: &str| s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len());
    let whole = digits(stop.rest);
    let fraction = digits(stop.rest.get(whole + 1..)?);
    if whole == 0 || fraction == 0 || stop.rest.get(whole..=whole) != Some(".") {
        return None;
    }
    let end = whole + 1 + fraction;
    let number = stop.rest.get(..end)?;
    let after = stop.rest.get(end..)?.trim_start();
    let unit = after.get(..after.find(|c: char| !c.is_ascii_alphabetic()).unwrap_or(after.len()))?;
    let help = if super::errors::UNITS.contains(&unit) {
        format!(
            "a duration is a whole number and its unit: round it, or count in a smaller unit (`45 days`, not \
             `{number} {unit}`)"
        )
    } else {
        "only a whole number goes here".to_owned()
    };
    let at = stop.before.len();
    Some(stop.said_at((at, at + end), format!("expected a whole number, found `{number}`"), help))
}

/// `within 90d`, `freeze for 3m`, `for 30days`: a duration in a shorthand
/// (or without its space), said over the whole of it with the duration
/// the language writes.
pub(super) fn duration_shorthand(stop: &Stop<'_>) -> Option<Diagnostic> {
    if !stop.wants(&[Rule::int_lit]) {
        return None;
    }
    let digits = stop.rest.find(|c: char| !c.is_ascii_digit()).unwrap_or(stop.rest.len());
    let letters = stop.rest.get(digits..)?;
    let letters = letters.get(..letters.find(|c: char| !c.is_ascii_alphabetic()).unwrap_or(letters.len()))?;
    let unit = match letters.to_ascii_lowercase().as_str() {
        "d" | "ds" | "dy" | "dys" | "day" | "days" => "days",
        "w" | "wk" | "wks" | "week" | "weeks" => "weeks",
        "m" | "mo" | "mos" | "mon" | "mth" | "mths" | "month" | "months" => "months",
        "y" | "yr" | "yrs" | "year" | "years" => "years",
        _ => return None,
    };
    let number = stop.rest.get(..digits).filter(|n| !n.is_empty())?;
    let unit = if number == "1" { unit.trim_end_matches('s') } else { unit };
    let at = stop.before.len();
    let written = stop.rest.get(..digits + letters.len())?;
    Some(stop.said_at(
        (at, at + written.len()),
        format!("expected a whole number and its unit, found `{written}`"),
        format!("write `{number} {unit}`"),
    ))
}

/// `score between 600 and 700`.
fn between(stop: &Stop<'_>) -> Option<String> {
    if stop.word != "between" {
        return None;
    }
    let after = stop.rest.get("between".len()..)?;
    let subject = stop.before.split_whitespace().last().unwrap_or("x");
    let words: Vec<&str> = after.split_whitespace().collect();
    let (low, high) = match words.as_slice() {
        [low, "and", high, ..] => (*low, *high),
        _ => ("LOW", "HIGH"),
    };
    Some(format!(
        "the language has no `between`: write `{subject} >= {low} and {subject} <= {high}` (in a table's cell, \
         `[{low}, {high}]`)"
    ))
}

/// `score in 600..700`: a range where the parser wanted an expression.
fn dotted_range(stop: &Stop<'_>) -> Option<String> {
    let (low, high) = stop.rest.split_once("..")?;
    let low = low.trim();
    let high: String =
        high.trim_start().chars().take_while(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '%')).collect();
    if low.is_empty() || high.is_empty() || low.contains(char::is_whitespace) {
        return None;
    }
    let mut words = stop.before.split_whitespace().rev();
    let subject = match (words.next(), words.next()) {
        (Some("in"), Some(subject)) => subject,
        _ => "x",
    };
    Some(format!(
        "a range is two comparisons: `{subject} >= {low} and {subject} <= {high}`; in a table's cell, \
         `[{low}, {high}]` (or `[{low}, {high})` to leave {high} out)"
    ))
}

/// `effective from 2026-01-01`.
fn effective_from(stop: &Stop<'_>) -> Option<String> {
    (stop.word == "from" && stop.wants(&[Rule::date_lit, Rule::effective])).then(|| {
        "write the first day straight after `effective` (`effective 2026-01-01`), and the last, if it has \
         one, after `to` (`effective 2026-01-01 to 2026-12-31`)"
            .to_owned()
    })
}

/// `effective 2026-01-01 until 2026-12-31`: the last day follows `to`.
fn effective_until(stop: &Stop<'_>) -> Option<String> {
    let last_day = matches!(stop.word, "until" | "till" | "through" | "thru");
    (last_day && stop.wants(&[Rule::kw_to]) && stop.before.contains("effective")).then(|| {
        format!(
            "did you mean `to`? The last day follows `to`: `effective 2026-01-01 to 2026-12-31` (`{}` is no keyword)",
            stop.word
        )
    })
}

/// `champion: 90%` or `champion 90%, challenger 10%` in a split: an arm is
/// its name and its weight, one after another.
fn split_punctuation(stop: &Stop<'_>) -> Option<String> {
    let colon = stop.at() == Some(':') && stop.positives == [Rule::percent_lit];
    let comma = stop.at() == Some(',') && stop.before.trim_end().ends_with('%') && stop.wants(&[Rule::ident]);
    (colon || comma).then(|| {
        "an arm is its name and its weight, with nothing between or after them: `champion 90%` \
         then `challenger 10%`, on one line or several"
            .to_owned()
    })
}

/// `freeze until 2027-01-01`, `reinstate for 30 days`: a restriction or a
/// freeze lasts `for` a duration, and a reinstatement has none.
fn duration_idiom(stop: &Stop<'_>) -> Option<Diagnostic> {
    let action = stop.before.split_whitespace().next_back()?;
    match (action, stop.word) {
        ("freeze" | "restrict", "until" | "till" | "through") => Some(stop.said(
            format!("`{action}` lasts for a duration, not until a date"),
            format!(
                "write `{action} for 30 days` (or weeks, months, years): the decision's `until` is worked out from \
                 the snapshot's `as_of`"
            ),
        )),
        ("reinstate", "for" | "until") => Some(stop.said(
            "`reinstate` takes no duration",
            "a reinstated account is active again with no end date (its decision's `until` is null): write `reinstate` alone",
        )),
        _ => None,
    }
}

/// `a 50` in a split: a weight is a percentage. A share written as a
/// fraction (`a 0.9`) is turned into the percentage it stands for.
fn weight_without_percent(stop: &Stop<'_>) -> Option<String> {
    let number: &str = stop.rest.split(|c: char| !(c.is_ascii_digit() || c == '.')).next().unwrap_or("");
    let is_number = !number.is_empty() && number.chars().next().is_some_and(|c| c.is_ascii_digit());
    if stop.positives != [Rule::percent_lit] || !is_number {
        return None;
    }
    let fraction = number
        .parse::<rust_decimal::Decimal>()
        .ok()
        .filter(|d| number.contains('.') && *d <= rust_decimal::Decimal::ONE);
    Some(match fraction {
        Some(share) => format!(
            "a split's weight is a percentage: `{}%` for a share of {number} (the weights add up to 100%)",
            (share * rust_decimal::Decimal::ONE_HUNDRED).normalize()
        ),
        None => format!("a split's weight is a percentage: `{number}%` (the weights add up to 100%)"),
    })
}

/// Between or in a rule's actions: `restrict and notify …`, `restrict,
/// notify …`, `set limit = x`, `notify email` without its template. Said
/// at the token, in place of pest's list (or of "unknown action `and`").
pub(super) fn action_idiom(stop: &Stop<'_>) -> Option<Diagnostic> {
    let at = stop.at()?;
    let an_action_may_start = stop.positives.contains(&Rule::kw_notify);
    if an_action_may_start && (stop.word == "and" || at == ',') {
        return Some(stop.said(
            format!("actions follow one another without `{}`", if at == ',' { "," } else { "and" }),
            "write them one after another, on one line or several: `then restrict notify sms \"limit-restricted\"`; \
             every action of a `then` applies",
        ));
    }
    if at == '=' && stop.positives.contains(&Rule::kw_to) && stop.before.trim_end().ends_with("limit") {
        let value = stop.rest.get(1..).unwrap_or_default().trim().trim_end_matches('}').trim_end();
        return Some(stop.said("`set limit` takes `to`, not `=`", format!("write `set limit to {value}`")));
    }
    if let Some(fixed) = without_to(stop) {
        return Some(fixed);
    }
    if let Some(fixed) = duration_idiom(stop) {
        return Some(fixed);
    }
    let mut last_two = stop.before.split_whitespace().rev();
    match (last_two.next(), last_two.next()) {
        (Some(channel), Some("notify")) if channel.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') => {
            Some(stop.said(
                format!("expected the template after `notify {channel}`"),
                format!("name the message's template in quotes: `notify {channel} \"limit-review\"`"),
            ))
        }
        _ => None,
    }
}

/// `escalate "legal"`, `set limit credit_limit * 0.8`: the `to` left out.
fn without_to(stop: &Stop<'_>) -> Option<Diagnostic> {
    if !stop.wants(&[Rule::kw_to]) {
        return None;
    }
    let mut last_two = stop.before.split_whitespace().rev();
    let action = match (last_two.next(), last_two.next()) {
        (Some("escalate"), _) => "escalate",
        (Some("limit"), Some("set")) => "set limit",
        _ => return None,
    };
    let rest = stop.rest.trim_start();
    let value = if action == "escalate" {
        match rest.strip_prefix('"').and_then(|r| r.find('"')) {
            Some(end) => rest.get(..end + 2).unwrap_or(rest).to_owned(),
            None => match rest.split(|c: char| !(c.is_alphanumeric() || c == '_')).next() {
                Some(word) if !word.is_empty() => format!("\"{word}\""),
                _ => "\"legal\"".to_owned(),
            },
        }
    } else {
        // The amount runs to the next action or the rule's end.
        let words = rest.split_whitespace().take_while(|w| !crate::syntax::ACTION_WORDS.contains(w) && *w != "}");
        let amount = words.collect::<Vec<_>>().join(" ");
        if amount.is_empty() {
            "credit_limit * 0.8".to_owned()
        } else {
            amount
        }
    };
    Some(stop.said(format!("expected `to` after `{action}`"), format!("write `{action} to {value}`")))
}

#[cfg(test)]
mod tests {
    use crate::syntax::parse_policy;
    use std::path::Path;

    fn help(text: &str) -> String {
        let Err(diagnostics) = parse_policy(Path::new("t.policy"), text) else { panic!("{text} parsed") };
        diagnostics.into_iter().next().and_then(|d| d.help).unwrap_or_default()
    }

    #[test]
    fn between_is_two_comparisons() {
        let help = help("rule \"r\" { when score between 600 and 700 then close }\n");
        assert!(help.contains("`score >= 600 and score <= 700`"), "{help}");
    }

    #[test]
    fn a_dotted_range_is_two_comparisons_or_an_interval() {
        let help = help("rule \"r\" { when score in 600..700 then close }\n");
        assert!(help.contains("`score >= 600 and score <= 700`") && help.contains("`[600, 700]`"), "{help}");
    }

    #[test]
    fn effective_takes_its_date_without_from() {
        let help = help("rule \"r\" effective from 2026-01-01 { when score < 1 then close }\n");
        assert!(help.contains("`effective 2026-01-01`"), "{help}");
    }

    fn first(text: &str) -> (String, String) {
        let Err(diagnostics) = parse_policy(Path::new("t.policy"), text) else { panic!("{text} parsed") };
        let d = diagnostics.into_iter().next().expect("a diagnostic");
        (d.message, d.help.unwrap_or_default())
    }

    #[test]
    fn actions_are_written_one_after_another() {
        let rule = |then: &str| format!("rule \"r\" {{ when score < 600 then {then} }}\n");
        assert_eq!(first(&rule("restrict and notify sms \"x\"")).0, "actions follow one another without `and`");
        assert_eq!(first(&rule("restrict, notify sms \"x\"")).0, "actions follow one another without `,`");
        let (message, help) = first(&rule("set limit = credit_limit * 0.8"));
        assert_eq!(
            (message.as_str(), help.as_str()),
            ("`set limit` takes `to`, not `=`", "write `set limit to credit_limit * 0.8`")
        );
        let (message, help) = first(&rule("notify email"));
        assert_eq!(message, "expected the template after `notify email`");
        assert!(help.contains("`notify email \"limit-review\"`"), "{help}");
    }

    #[test]
    fn a_weight_without_percent_is_asked_for_one() {
        let help = help("split s by id { a 50 b 50 }\n");
        assert_eq!(help, "a split's weight is a percentage: `50%` (the weights add up to 100%)");
    }

    #[test]
    fn escalate_and_set_limit_without_to_are_shown_with_it() {
        let rule = |then: &str| format!("rule \"r\" {{ when score < 600 then {then} }}\n");
        let (message, help) = first(&rule("escalate legal notify letter \"x\""));
        assert_eq!(
            (message.as_str(), help.as_str()),
            ("expected `to` after `escalate`", "write `escalate to \"legal\"`")
        );
        let (_, help) = first(&rule("escalate \"legal desk\" notify letter \"x\""));
        assert_eq!(help, "write `escalate to \"legal desk\"`");
        let (_, help) = first(&rule("set limit credit_limit / 2 close"));
        assert_eq!(help, "write `set limit to credit_limit / 2`");
    }

    #[test]
    fn a_decimal_where_a_whole_number_goes_is_said_over_the_whole_number() {
        let text = "rule \"r\" { when score < 600 then freeze for 2.25 weeks }\n";
        let Err(diagnostics) = parse_policy(Path::new("t.policy"), text) else { panic!("parsed") };
        let d = &diagnostics[0];
        assert_eq!(d.message, "expected a whole number, found `2.25`");
        let start = text.find("2.25").unwrap_or_default() as u32;
        assert_eq!((d.span.start, d.span.end), (start, start + 4));
        assert!(d.help.as_deref().unwrap_or_default().contains("not `2.25 weeks`"), "{d:?}");
    }

    #[test]
    fn a_duration_in_shorthand_is_said_with_the_unit_written_out() {
        for (written, wanted) in [("90d", "90 days"), ("3M", "3 months"), ("1y", "1 year"), ("2wks", "2 weeks")] {
            let text = format!("let n = count(overdues within {written})\nrule \"r\" {{ when n > 1 then restrict }}\n");
            let Err(diagnostics) = parse_policy(Path::new("t.policy"), &text) else { panic!("parsed") };
            let d = &diagnostics[0];
            assert_eq!(d.message, format!("expected a whole number and its unit, found `{written}`"));
            let start = text.find(written).unwrap_or_default() as u32;
            assert_eq!((d.span.start, d.span.end), (start, start + written.len() as u32));
            assert_eq!(d.help.as_deref(), Some(format!("write `{wanted}`").as_str()));
        }
        let text = "rule \"r\" { when score < 600 then freeze for 30days }\n";
        let Err(diagnostics) = parse_policy(Path::new("t.policy"), text) else { panic!("parsed") };
        assert_eq!(diagnostics[0].help.as_deref(), Some("write `30 days`"));
    }

    #[test]
    fn if_is_pointed_at_where_it_was_written() {
        let text = "let tier = if score > 600 then \"a\" else \"b\"\n";
        let Err(diagnostics) = parse_policy(Path::new("t.policy"), text) else { panic!("parsed") };
        let start = text.find("if").unwrap_or_default() as u32;
        assert_eq!((diagnostics[0].message.as_str(), diagnostics[0].span.start), ("the language has no `if`", start));
        // A name that ends in `if` is not `if`.
        let (message, _) = first("let x = motif score\n");
        assert_ne!(message, "the language has no `if`");
    }

    #[test]
    fn a_half_open_range_in_a_condition_is_two_comparisons() {
        assert_eq!(
            help("rule \"r\" { when score in [600, 700) then close }\n"),
            "`[600, 700)` is a range only in a table's cell; in a condition write `score >= 600 and score < 700`"
        );
    }

    #[test]
    fn single_quotes_are_asked_to_be_double() {
        assert_eq!(
            help("rule \"r\" { when status == 'frozen' then close }\n"),
            "text is written in double quotes: `\"frozen\"`"
        );
    }
}
