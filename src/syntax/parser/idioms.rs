//! Forms from SQL, spreadsheets and other rule languages that the policy
//! language writes otherwise: `between`, `600..700`, `effective from`, a
//! split's weight without its `%`, actions joined by `and` or `,`, `set
//! limit =`, a notification without its template. Each gives the help a risk officer needs
//! to write it the language's way, with their own operands where the line
//! shows them.

use super::*;

/// The help for an idiom at the word (or character) the parser stopped on.
pub(super) fn idiom_help(positives: &[Rule], line: &str, col: usize, word: &str) -> Option<String> {
    between(line, col, word)
        .or_else(|| dotted_range(line, col))
        .or_else(|| effective_from(positives, word))
        .or_else(|| weight_without_percent(positives, word))
}

/// `score between 600 and 700`.
fn between(line: &str, col: usize, word: &str) -> Option<String> {
    if word != "between" {
        return None;
    }
    let before: String = line.chars().take(col).collect();
    let after: String = line.chars().skip(col + word.len()).collect();
    let subject = before.split_whitespace().last().unwrap_or("x");
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
fn dotted_range(line: &str, col: usize) -> Option<String> {
    let rest: String = line.chars().skip(col).collect();
    let (low, high) = rest.split_once("..")?;
    let low = low.trim();
    let high: String =
        high.trim_start().chars().take_while(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '%')).collect();
    if low.is_empty() || high.is_empty() || low.contains(char::is_whitespace) {
        return None;
    }
    let before: String = line.chars().take(col).collect();
    let mut words = before.split_whitespace().rev();
    let subject = match (words.next(), words.next()) {
        (Some("in"), Some(subject)) => subject.to_owned(),
        _ => "x".to_owned(),
    };
    Some(format!(
        "a range is two comparisons: `{subject} >= {low} and {subject} <= {high}`; in a table's cell, \
         `[{low}, {high}]` (or `[{low}, {high})` to leave {high} out)"
    ))
}

/// `effective from 2026-01-01`.
fn effective_from(positives: &[Rule], word: &str) -> Option<String> {
    let wants_a_date = positives.iter().any(|r| matches!(r, Rule::date_lit | Rule::effective));
    (word == "from" && wants_a_date).then(|| {
        "write the first day straight after `effective` (`effective 2026-01-01`), and the last, if it has \
         one, after `to` (`effective 2026-01-01 to 2026-12-31`)"
            .to_owned()
    })
}

/// `a 50` in a split: a weight is a percentage.
fn weight_without_percent(positives: &[Rule], word: &str) -> Option<String> {
    let is_number = !word.is_empty() && word.chars().all(|c| c.is_ascii_digit());
    (positives == [Rule::percent_lit] && is_number)
        .then(|| format!("a split's weight is a percentage: `{word}%` (the weights add up to 100%)"))
}

/// Between or in a rule's actions: `restrict and notify …`, `restrict,
/// notify …`, `set limit = x`, `notify email` without its template. Said
/// at the token, in place of pest's list (or of "unknown action `and`").
pub(super) fn action_idiom(
    diagnostic: &Diagnostic,
    positives: &[Rule],
    line: &str,
    col: usize,
    word: &str,
) -> Option<Diagnostic> {
    let at: char = line.chars().nth(col)?;
    let before: String = line.chars().take(col).collect();
    let an_action_may_start = positives.contains(&Rule::kw_notify);
    let mut fixed = diagnostic.clone();
    if an_action_may_start && (word == "and" || at == ',') {
        fixed.message = format!("actions follow one another without `{}`", if at == ',' { "," } else { "and" });
        return Some(fixed.with_help(
            "write them one after another, on one line or several: `then restrict notify sms \"limit-restricted\"`; \
             every action of a `then` applies",
        ));
    }
    if at == '=' && positives.contains(&Rule::kw_to) && before.trim_end().ends_with("limit") {
        let rest: String = line.chars().skip(col + 1).collect();
        let value = rest.trim().trim_end_matches('}').trim_end();
        fixed.message = "`set limit` takes `to`, not `=`".into();
        return Some(fixed.with_help(format!("write `set limit to {value}`")));
    }
    let mut last_two = before.split_whitespace().rev();
    if let (Some(channel), Some("notify")) = (last_two.next(), last_two.next()) {
        if channel.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
            fixed.message = format!("expected the template after `notify {channel}`");
            return Some(
                fixed.with_help(format!("name the message's template in quotes: `notify {channel} \"limit-review\"`")),
            );
        }
    }
    None
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
