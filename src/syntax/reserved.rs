//! The reserved words: no let, batch, hook or schema field may be named by
//! one, since the grammar reads them as part of the language (`case`, `end`,
//! `table`, ...). The grammar's `reserved` rule and this list are kept equal
//! by a test.

/// Every reserved word, as the grammar's `reserved` rule lists them.
pub const RESERVED_WORDS: [&str; 18] = [
    "and",
    "or",
    "not",
    "in",
    "where",
    "within",
    "true",
    "false",
    "none",
    "when",
    "then",
    "case",
    "else",
    "end",
    "table",
    "scorecard",
    "split",
    "effective",
];

/// Whether `name` is a reserved word.
#[must_use]
pub fn is_reserved(name: &str) -> bool {
    RESERVED_WORDS.contains(&name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_list_is_the_grammars_reserved_rule() {
        let grammar = include_str!("../../grammar/policy.pest");
        let start = grammar.find("reserved    = @{").expect("the grammar has a `reserved` rule");
        let rule = grammar.get(start..).and_then(|r| r.split("~ !ident_char").next()).unwrap_or_default();
        let mut listed: Vec<&str> = rule.split('"').skip(1).step_by(2).collect();
        let mut ours = RESERVED_WORDS.to_vec();
        listed.sort_unstable();
        ours.sort_unstable();
        assert_eq!(listed, ours);
        for word in RESERVED_WORDS {
            let text = format!("policy \"p\"\nlet {word} = 1\n");
            assert!(super::super::parse_policy("t.policy".as_ref(), &text).is_err(), "`{word}` is reserved");
        }
    }
}
