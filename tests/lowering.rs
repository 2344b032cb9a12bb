//! The lowered fast path (`compile::lower`, `eval::run`) decides exactly as
//! the interpreter: every generated account is decided both ways, untraced
//! (the rules run their lowered code) and traced (the rules run their
//! `Condition` leaf by leaf through the interpreter), and the decisions and
//! error records must be identical. The policies are the shipped ones and one
//! that exercises every specialised form, failures included.

mod both_ways;

use both_ways::same_both_ways;
use verdict::compile::lower::{BoolCode, DecCode, IntCode, LetCode};
use verdict::compile::Program;
use verdict::{load_policy, load_policy_source};

/// Every form the lowering specialises, and each failure it must report as
/// the interpreter does: division by zero, overflow, a date out of range
/// (all inside lets and outside), and, with a small bound, the element-visit
/// bound.
const FORMS: &str = r#"
policy "lowering-forms" version "1"
schema "account.schema.yaml"
batch reg from "batches/reg-2023-q3.txt"
hook fraud_risk(score: int, utilization: decimal) -> decimal from "hooks/fraud_risk.rhai"

let is_open = status != "closed"
let n_apps = count(applications)
let spend = sum(applications.amount within 30 days)
let avg_app = avg(applications.amount) ?? 0
let worst = max(overdues.days) ?? 0
let least = min(overdues.days where repaid_on != none) ?? -1
let first_due = earliest(overdues.due_on) ?? opened_on
let last_due = latest(overdues.due_on) ?? opened_on
let paid_total = sum(overdues.amount where repaid_on != none)
let days_open = days_between(opened_on, as_of)
let far = (last_review_on ?? 9990-01-01) + 100 years
let shaky = balance / (count(overdues) - 2)
let tier = case when score >= 740 then "prime" when score >= 680 then status else "subprime" end
let factor = case when score < 600 then 0.5 when score < 700 then 1 else 1.25 end
let bonus = case when count(overdues) > 2 then 1 when balance / (count(overdues) - 1) > 100 then 2 end ?? 0
let review_due = case when last_review_on != none then last_review_on + 1 year else opened_on end
let open_band = case when worst > 90 then 3 when worst > 30 then 2 end

split arm_test by id salt "lowering" {
  control 50%
  test    30%
  third   20%
}

rule "enum-eq" priority 9 { when status == "frozen" then tag "frozen" }
rule "enum-in" priority 9 { when status not in ["active", "closed"] and 5 < score then tag "not-in" }
rule "enum-in-let" priority 9 { when is_open and status in ["restricted"] then tag "in" }
rule "opt-bool" priority 9 { when (appeal_open ?? true) or not (income_verified ?? false) then tag "bools" }
rule "bool-field" priority 9 { when identity.verified and not (closure_requested ?? false) then tag "verified" }
rule "is-none" priority 9 { when last_review_on == none and closure_requested != none then tag "none-tests" }
rule "slots" priority 9 { when score >= 700 and balance > 1000.50 and credit_limit != 0 then tag "slots" }
rule "arith" priority 9 { when -score + 2 * score - score == 0 and balance * 2 - balance <= balance + 0 then tag "arith" }
rule "aggs" priority 8 {
  when n_apps > 2 and spend >= avg_app and worst >= least and paid_total >= 0
       and any(overdues where days > 30 and amount > 100) and all(score_history where value > 300)
  then tag "aggs"
}
rule "dates" priority 8 {
  when first_due <= last_due and days_open > 365 and months_between(opened_on, as_of) < 1000
       and opened_on + 2 weeks < as_of - 1 day and latest(score_history.scored_on) != none
  then tag "dates"
}
rule "sets" priority 8 { when count(tags) >= 1 and len(identity.mismatch_fields) == 0 or "vip" in tags then tag "sets" }
rule "rounding" priority 8 {
  when round(balance / 3, 2) > 10 and floor(balance) >= 0 and max(score, 600) > 0 and min(balance, 0.5) <= 0.50
  then set limit to round(credit_limit * 1.1, 0)
}
rule "div-zero" priority 5 { when count(overdues) == 1 and balance / (count(overdues) - 1) > 0 then tag "never" }
rule "div-zero-let" priority 5 { when score < 560 and shaky > 0 then tag "shaky" }
rule "overflow" priority 5 { when count(applications) >= 5 and score * 4000000000000000000 > 0 then tag "never" }
rule "date-range" priority 5 { when score < 550 and far > as_of then tag "never" }
rule "hook" priority 4 {
  when score > 750 and credit_limit > 0 and fraud_risk(score, balance / credit_limit) < 0.5
  then tag "hooked"
}
rule "case" priority 7 {
  when (tier == "prime" or factor > 1) and bonus >= 1 and review_due < as_of
       and case when score > 700 then true else identity.verified end and (open_band ?? 0) < 3
  then set limit to case when score > 750 then credit_limit * factor else round(balance * factor, 2) end
}
rule "arm-eq" priority 4 { when arm_test == "test" then tag "test-arm" }
rule "arm-in" priority 4 { when arm_test not in ["control"] and score > 600 then tag "arm-in" }
rule "dated" priority 4 effective 2026-01-01 to 2026-12-31 { when score > 0 then tag "dated" }
rule "dated-out" priority 4 effective 2027-01-01 { when balance / 0 > 1 then tag "never" }
rule "batch" priority 4 { when id in reg or id not in reg and "hardship" not in tags then tag "batched" }
"#;

fn forms() -> std::sync::Arc<Program> {
    load_policy_source("policies/lowering-forms.policy".as_ref(), FORMS).unwrap().program
}

#[test]
fn shipped_policies_decide_alike_both_ways() {
    for path in ["policies/lifecycle.policy", "policies/lifecycle-v2.policy", "policies/simple.policy"] {
        let program = load_policy(path.as_ref()).unwrap().program;
        for seed in [1, 7, 42] {
            same_both_ways(&program, seed, 3_000, verdict::eval::MAX_ELEMENT_VISITS);
        }
    }
}

#[test]
fn every_specialised_form_decides_alike_both_ways_failures_included() {
    let program = forms();
    let mut failures = 0;
    for seed in [1, 7, 42, 2026] {
        failures += same_both_ways(&program, seed, 3_000, verdict::eval::MAX_ELEMENT_VISITS).1;
    }
    assert!(failures > 100, "the failing rules fail for some accounts ({failures})");
}

#[test]
fn the_element_visit_bound_fails_the_same_accounts_both_ways() {
    let program = forms();
    let failures = same_both_ways(&program, 3, 2_000, 12).1;
    assert!(failures > 100, "a bound of 12 elements fails many accounts ({failures})");
}

#[test]
fn the_lowering_specialises_the_common_forms() {
    let program = forms();
    let generic_rules: Vec<&str> =
        program.rules.iter().filter(|r| matches!(r.code, BoolCode::Generic(_))).map(|r| &*r.name).collect();
    assert!(generic_rules.is_empty(), "no rule falls back to the interpreter at the top: {generic_rules:?}");
    let typed_lets = program.let_code.iter().filter(|c| !matches!(c, LetCode::Generic)).count();
    let case_rule = program.rules.iter().find(|r| &*r.name == "case").unwrap();
    assert!(matches!(case_rule.limit_code, Some(DecCode::Case(_))), "{:?}", case_rule.limit_code);
    assert_eq!(typed_lets, program.lets.len(), "every let of a required type runs lowered");
}

/// The fused nodes (`count(..) OP k`, `min`/`max(..) ?? d` and `sum(..)`
/// folded in their own types, `any`/`all` without values, a string let
/// against a literal), each with a failure inside: a `where` dividing by
/// zero for some elements, a default that overflows.
const FUSED: &str = r#"
policy "lowering-fused" version "1"
schema "account.schema.yaml"

let recent = count(overdues within 12 months)
let worst = max(overdues.days where repaid_on == none) ?? 0
let best_recent = min(score_history.value within 90 days) ?? score
let risky_worst = max(overdues.days where amount / (days - 30) > 1) ?? score * 4000000000000000000
let spend = sum(applications.amount within 30 days)
let risky_spend = sum(overdues.amount where balance / (days - 20) > 0 within 12 months)
let rung = case when worst > 60 then "legal" when worst > 30 then "call" when worst > 0 then "sms" else "none" end

rule "count-cmp" priority 9 { when count(applications within 7 days) >= 2 or 1 < count(overdues) then tag "counted" }
rule "count-eq" priority 9 { when count(overdues within 6 months) == 0 and recent != 1 then tag "clean" }
rule "extremes" priority 9 {
  when worst >= 30 or best_recent < 600 or (max(score_history.value) ?? 0) - score > 50 then tag "extremes"
}
rule "extreme-fails" priority 8 { when risky_worst > 30 then tag "risky" }
rule "sums" priority 8 { when sum(applications.amount within 30 days) > 2 * credit_limit or spend >= balance then tag "spent" }
rule "sum-fails" priority 8 { when score < 640 and risky_spend > 100 then tag "risky-spend" }
rule "any-all" priority 7 {
  when any(overdues where days > 60) or all(score_history where value > 600 within 90 days) then tag "quantified"
}
rule "any-fails" priority 7 { when score > 700 and any(overdues where amount / (days - 45) > 5) then tag "any" }
rule "all-fails" priority 7 { when score < 600 and all(overdues where amount / (days - 15) > 0) then tag "all" }
rule "rungs" priority 6 { when rung == "legal" or rung != "none" and "call" == rung then tag "rung" }
"#;

fn fused() -> std::sync::Arc<Program> {
    load_policy_source("policies/lowering-fused.policy".as_ref(), FUSED).unwrap().program
}

#[test]
fn the_fused_nodes_decide_alike_both_ways_failures_included() {
    let program = fused();
    let mut failures = 0;
    for seed in [1, 7, 42, 2026] {
        failures += same_both_ways(&program, seed, 3_000, verdict::eval::MAX_ELEMENT_VISITS).1;
    }
    assert!(failures > 100, "the failing lets and `where`s fail for some accounts ({failures})");
    for bound in [3, 12] {
        let failures = same_both_ways(&program, 5, 2_000, bound).1;
        assert!(failures > 100, "a bound of {bound} elements fails many accounts ({failures})");
    }
}

#[test]
fn the_common_shapes_lower_to_fused_nodes() {
    let program = fused();
    let rule = |name: &str| &program.rules.iter().find(|r| &*r.name == name).unwrap().code;
    let lets = |name: &str| &program.let_code[program.lets.iter().position(|l| l.name == name).unwrap()];
    assert!(
        matches!(rule("count-cmp"), BoolCode::Or(a, b)
            if matches!(**a, BoolCode::CountCmp { .. }) && matches!(**b, BoolCode::CountCmp { .. })),
        "{:?}",
        rule("count-cmp")
    );
    assert!(matches!(lets("recent"), LetCode::Int(IntCode::Count(_))), "{:?}", lets("recent"));
    for name in ["worst", "best_recent", "risky_worst"] {
        assert!(matches!(lets(name), LetCode::Int(IntCode::ExtremeOr { .. })), "{name}: {:?}", lets(name));
    }
    for name in ["spend", "risky_spend"] {
        assert!(matches!(lets(name), LetCode::Dec(DecCode::Sum(_))), "{name}: {:?}", lets(name));
    }
    // A case of literals is an enum of them: its let against a literal is a mask.
    assert!(matches!(rule("rungs"), BoolCode::Or(a, _) if matches!(**a, BoolCode::EnumLetMask { .. })));
}

/// The dispatchers (`Runner::bool`, `int`, `dec`, `opt`) decide a leaf in
/// place when its let is cached and hand it to an out-of-line handler when
/// it is not (or when the slot fails): each let here is read first by a
/// comparison with a literal in some accounts (the handler computes it,
/// failures included) and from the cache in others, under `and`/`or`/`not`
/// chains that stop at different operands.
const DISPATCH: &str = r#"
policy "lowering-dispatch" version "1"
schema "account.schema.yaml"

let ratio = balance / (count(overdues) - 1)
let big = score * (count(applications) * 1000000000000000000)
let rung = case when ratio > 100 then "high" when score > 700 then "prime" else "low" end
let ok = score > 650 and ratio > 1
let fee = credit_limit * 0.01 + ratio

rule "dec-let-first" priority 9 { when score < 620 and ratio > 50 then tag "dec-first" }
rule "int-let-first" priority 9 { when big > 10 or score > 790 then tag "int-first" }
rule "str-let-first" priority 9 { when not (rung == "low") and rung != "prime" then tag "str-first" }
rule "bool-let-first" priority 9 { when ok or score < 500 and not ok then tag "bool-first" }
rule "cached" priority 8 { when ratio > 10 and big >= 0 and rung == "high" or not ok then tag "cached" }
rule "chains" priority 8 {
  when score > 600 and balance > 100 and (credit_limit > 0 or ratio < 0 or big < 0) and not (status == "closed")
  then tag "chains"
}
rule "arith" priority 7 { when fee > 20 or score > 700 then set limit to credit_limit * 1.1 + fee }
"#;

#[test]
fn lets_read_cached_or_first_by_a_comparison_decide_alike_both_ways() {
    let program = load_policy_source("policies/lowering-dispatch.policy".as_ref(), DISPATCH).unwrap().program;
    let rule = |name: &str| &program.rules.iter().find(|r| &*r.name == name).unwrap().code;
    assert!(matches!(rule("dec-let-first"), BoolCode::And(_, b) if matches!(**b, BoolCode::DecLetCmp { .. })));
    assert!(matches!(rule("int-let-first"), BoolCode::Or(a, _) if matches!(**a, BoolCode::IntLetCmp { .. })));
    assert!(matches!(rule("str-let-first"), BoolCode::And(a, b)
        if matches!(**a, BoolCode::Not(_)) && matches!(**b, BoolCode::EnumLetMask { .. })));
    assert!(matches!(rule("chains"), BoolCode::All(_)), "{:?}", rule("chains"));
    let mut failures = 0;
    for seed in [1, 7, 42, 2026] {
        failures += same_both_ways(&program, seed, 3_000, verdict::eval::MAX_ELEMENT_VISITS).1;
    }
    assert!(failures > 100, "the failing lets fail for some accounts ({failures})");
}
