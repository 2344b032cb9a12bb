//! The keyword tokens of the grammar (`kw_*` in `grammar/policy.pest`).
//!
//! Keywords carry no meaning of their own once the pair they introduce is
//! built, so the AST builder skips them; it knows them by this table, not by
//! the text of their rule's name.

use super::Rule;

/// Each keyword's rule and its text.
const KEYWORDS: [(Rule, &str); 46] = [
    (Rule::kw_policy, "policy"),
    (Rule::kw_version, "version"),
    (Rule::kw_schema, "schema"),
    (Rule::kw_hook, "hook"),
    (Rule::kw_from, "from"),
    (Rule::kw_budget, "budget"),
    (Rule::kw_batch, "batch"),
    (Rule::kw_let, "let"),
    (Rule::kw_guard, "guard"),
    (Rule::kw_at, "at"),
    (Rule::kw_most, "most"),
    (Rule::kw_rule, "rule"),
    (Rule::kw_priority, "priority"),
    (Rule::kw_group, "group"),
    (Rule::kw_when, "when"),
    (Rule::kw_then, "then"),
    (Rule::kw_close, "close"),
    (Rule::kw_freeze, "freeze"),
    (Rule::kw_restrict, "restrict"),
    (Rule::kw_for, "for"),
    (Rule::kw_set, "set"),
    (Rule::kw_limit, "limit"),
    (Rule::kw_to, "to"),
    (Rule::kw_notify, "notify"),
    (Rule::kw_escalate, "escalate"),
    (Rule::kw_review, "review"),
    (Rule::kw_reason, "reason"),
    (Rule::kw_tag, "tag"),
    (Rule::kw_where, "where"),
    (Rule::kw_within, "within"),
    (Rule::kw_case, "case"),
    (Rule::kw_else, "else"),
    (Rule::kw_end, "end"),
    (Rule::kw_effective, "effective"),
    (Rule::kw_split, "split"),
    (Rule::kw_by, "by"),
    (Rule::kw_salt, "salt"),
    (Rule::kw_reinstate, "reinstate"),
    (Rule::kw_approve, "approve"),
    (Rule::kw_refer, "refer"),
    (Rule::kw_decline, "decline"),
    (Rule::kw_table, "table"),
    (Rule::kw_scorecard, "scorecard"),
    (Rule::kw_base, "base"),
    (Rule::kw_reasons, "reasons"),
    (Rule::kw_top, "top"),
];

/// The text of every keyword, in the grammar's order.
pub fn keyword_texts() -> impl Iterator<Item = &'static str> {
    KEYWORDS.iter().map(|(_, text)| *text)
}

/// The text of a keyword rule (`None` for any other rule).
pub(super) fn keyword_text(rule: Rule) -> Option<&'static str> {
    KEYWORDS.iter().find(|(keyword, _)| *keyword == rule).map(|(_, text)| *text)
}

/// Whether a pair of this rule is a keyword token.
pub(super) fn is_keyword(rule: Rule) -> bool {
    KEYWORDS.iter().any(|(keyword, _)| *keyword == rule)
}

/// A keyword a number follows with that number glued on (`priorit100`,
/// `priority1_000`): the keyword meant with the number kept, so that a quick
/// fix taking the suggestion does not drop it. Only keywords a number
/// follows: `when1` is `when`, not `when 1`.
pub(super) fn number_glued_to_keyword(word: &str, candidates: &[&str]) -> Option<String> {
    const NUMBER_AFTER: [&str; 8] = ["priority", "most", "top", "base", "for", "within", "budget", "to"];
    let (prefix, number) = word.split_at(word.find(|c: char| c.is_ascii_digit())?);
    let number = number.trim_end_matches('_');
    if prefix.is_empty() || !number.chars().all(|c| c.is_ascii_digit() || c == '_') {
        return None;
    }
    let wanted: Vec<&str> = candidates.iter().copied().filter(|c| NUMBER_AFTER.contains(c)).collect();
    let meant = wanted
        .iter()
        .copied()
        .find(|c| *c == prefix)
        .or_else(|| crate::diagnostic::nearest_names(prefix, wanted.iter().copied(), 1).first().copied())?;
    Some(format!("did you mean `{meant} {number}`?"))
}

#[cfg(test)]
mod tests {
    use super::super::PolicyParser;
    use super::*;
    use pest::Parser as _;

    #[test]
    fn the_table_holds_every_keyword_of_the_grammar() {
        let grammar = include_str!("../../../grammar/policy.pest");
        let defined = grammar.lines().filter(|l| l.starts_with("kw_")).count();
        assert_eq!(defined, KEYWORDS.len(), "a `kw_` rule of the grammar is missing from KEYWORDS");
        for (rule, text) in KEYWORDS {
            assert!(PolicyParser::parse(rule, text).is_ok(), "{text} is its keyword");
            assert!(is_keyword(rule));
        }
        assert!(!is_keyword(Rule::ident));
    }
}
