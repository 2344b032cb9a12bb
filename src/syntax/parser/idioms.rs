//! Forms from SQL, spreadsheets and other rule languages that the policy
//! language writes otherwise: `between`, `600..700`, `effective from`, a
//! split's weight without its `%`, actions joined by `and` or `,`, `set
//! limit =`, a notification without its template. Each gives the help a risk officer needs
//! to write it the language's way, with their own operands where the line
//! shows them.

use super::stop::Stop;
use super::*;

/// The help for an idiom at the word (or character) the parser stopped on.
pub(super) fn idiom_help(stop: &Stop<'_>) -> Option<String> {
    between(stop)
        .or_else(|| dotted_range(stop))
        .or_else(|| effective_from(stop))
        .or_else(|| weight_without_percent(stop))
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

/// `a 50` in a split: a weight is a percentage.
fn weight_without_percent(stop: &Stop<'_>) -> Option<String> {
    let word = stop.word;
    let is_number = !word.is_empty() && word.chars().all(|c| c.is_ascii_digit());
    (stop.positives == [Rule::percent_lit] && is_number)
        .then(|| format!("a split's weight is a percentage: `{word}%` (the weights add up to 100%)"))
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
}
