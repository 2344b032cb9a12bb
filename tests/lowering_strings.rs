//! Strings and booleans compared, lets of any type and tables of strings,
//! lowered: each form decides exactly as the interpreter (every generated
//! account both ways, failures included), and none of them is left to the
//! interpreter on the fast path.

mod both_ways;

use both_ways::same_both_ways;
use verdict::compile::lower::census::generic_nodes;
use verdict::compile::lower::{BoolCode, LetCode, OptCode};
use verdict::compile::Program;
use verdict::load_policy_source;

const FORMS: &str = r#"
policy "lowering-strings" version "1"
schema "account.schema.yaml"

let ratio = balance / (count(overdues) - 1)
let band = table (score, ratio) -> string first {
  < 600  | _      => "low"
  < 700  | > 1000 => "mid-high"
  < 700  | _      => "mid"
  else            => "top"
}
let tier = case when score >= 700 then "prime" else "plain" end
let worst = max(overdues.days)
let maybe_tier = case when score >= 720 then "prime" end
let flagged = table (status, identity.verified) -> bool first {
  "active"  | true  => false
  "active"  | false => true
  _         | _     => true
}

rule "str-eq" priority 9 { when band == "mid" then tag "mid" }
rule "str-ne" priority 9 { when band != "low" and tier != band then tag "not-low" }
rule "str-lit-left" priority 9 { when "top" == band or "plain" != tier then tag "literal-left" }
rule "str-field" priority 9 { when id != band and id == id then tag "ids" }
rule "str-opt" priority 9 { when (maybe_tier ?? "x") == "prime" or maybe_tier != none then tag "sex" }
rule "bool-eq" priority 8 { when identity.verified == (score > 650) then tag "agree" }
rule "bool-ne" priority 8 { when flagged != (appeal_open ?? false) and (true == flagged) then tag "flag" }
rule "opt-let" priority 8 { when worst == none or (worst ?? 0) > 30 then tag "worst" }
"#;

fn forms() -> std::sync::Arc<Program> {
    load_policy_source("policies/lowering-strings.policy".as_ref(), FORMS).unwrap().program
}

#[test]
fn string_and_bool_comparisons_decide_alike_both_ways() {
    let program = forms();
    let mut failures = 0;
    for seed in [1, 7, 42, 2026] {
        failures += same_both_ways(&program, seed, 3_000, verdict::eval::MAX_ELEMENT_VISITS).1;
    }
    // `ratio` divides by zero for an account with one overdue: the string
    // table fails inside its input, both ways alike.
    assert!(failures > 10, "the table's input fails for some accounts ({failures})");
}

#[test]
fn strings_booleans_and_lets_of_any_type_run_lowered() {
    let program = forms();
    let left: Vec<String> = generic_nodes(&program).iter().map(|n| format!("{}: {:?}", n.place, n.expr.kind)).collect();
    assert!(left.is_empty(), "left to the interpreter:\n{}", left.join("\n"));
    let rule = |name: &str| &program.rules.iter().find(|r| &*r.name == name).unwrap().code;
    // A string let against a literal is one node, the literal on either side
    // (`tier`, a case of literals, is an enum of them: a mask).
    for name in ["str-eq", "str-ne", "str-lit-left"] {
        let fused = |c: &BoolCode| matches!(c, BoolCode::StrLetCmp { .. } | BoolCode::EnumLetMask { .. });
        let holds = match rule(name) {
            BoolCode::Or(a, b) | BoolCode::And(a, b) => fused(a) && (fused(b) || name == "str-ne"),
            code => fused(code),
        };
        assert!(holds, "{name}: {:?}", rule(name));
    }
    assert!(matches!(rule("str-field"), BoolCode::And(a, _) if matches!(**a, BoolCode::StrCmp(..))));
    // `(maybe_tier ?? "x") == "prime"`: two members of the widened enum.
    assert!(
        matches!(rule("str-opt"), BoolCode::Or(a, _) if matches!(**a, BoolCode::StrCmp(..))),
        "{:?}",
        rule("str-opt")
    );
    assert!(matches!(rule("bool-eq"), BoolCode::BoolCmp(..)), "{:?}", rule("bool-eq"));
    let band = program.lets.iter().position(|l| l.name == "band").unwrap();
    assert!(matches!(program.let_code[band], LetCode::Opt(OptCode::TableOut(_))), "{:?}", program.let_code[band]);
}
