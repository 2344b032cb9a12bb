//! Traces made by the lowered code are the interpreter's: a traced leaf runs
//! its operands' lowered code, and these tests trace generated books both
//! that way and by the interpreter alone (`interpret_traces`), requiring
//! identical decisions, error records and traces (leaves and what they read,
//! lets, hook calls, the branch each case took, scorecards), also for the
//! accounts whose evaluation fails part-way.

mod both_ways;

use both_ways::generated_accounts;
use verdict::compile::lower::leaves::{LeafCode, NumberCode};
use verdict::compile::Program;
use verdict::eval::{evaluate_traced_with, Operand, Operands};
use verdict::value::ShortStr;
use verdict::{load_policy, load_policy_source, EvalOptions};

/// Cases in leaves, in lets read by lowered lets, scorecards and tables;
/// every kind of leaf operand; failures in leaves and in lets.
const FORMS: &str = r#"
policy "traced-forms" version "1"
schema "account.schema.yaml"
batch reg from "batches/reg-2023-q3.txt"
hook fraud_risk(score: int, utilization: decimal) -> decimal from "hooks/fraud_risk.rhai"

let is_open = status != "closed"
let band = case when score >= 700 then 2 when score >= 600 then 1 else 0 end
let double_band = band * 2
let tier = case when band == 2 then "prime" when band == 1 then "near" end
let usage = case when credit_limit > 0 then balance / credit_limit end
let shaky = balance / (count(overdues) - 2)
let recent = count(overdues within 12 months)
let card = scorecard base 500 {
  usage "U1" "usage" {
    none   => 0
    < 50%  => 20
    >= 50% => -20
  }
  band "B1" "band" {
    <= 0 => -10
    1    => 0
    >= 2 => 10
  }
}
let matrix = table (card, usage) -> decimal {
  < 500       | _    => 0.5
  >= 500      | none => 1
  >= 500      | < 1  => 1.1
  >= 500      | >= 1 => 0.9
}
let level = case when recent > 1 then "many" when card > 520 then "scored" else "few" end

rule "case-leaf" priority 9 {
  when is_open and case when score > 700 then true else identity.verified end
  then tag "case-leaf"
}
rule "case-lets" priority 9 { when double_band >= 2 and (tier ?? "none") != "near" then tag "banded" }
rule "scored" priority 9 { when card > 500 and matrix >= 1 and (usage ?? 0) < 0.5 then tag "scored" }
rule "case-reads-lets" priority 8 { when level != "few" and is_open then tag "level" }
rule "members" priority 8 {
  when status in ["active", "restricted"] and "hardship" not in tags or id in reg
  then tag "members"
}
rule "compares" priority 8 {
  when balance > 1000.5 and opened_on + 1 year < as_of and (last_review_on ?? opened_on) <= as_of
       and recent <= 3 and sum(applications.amount within 30 days) < 3 * credit_limit
       and score * 10 > credit_limit and balance >= 0
  then tag "compares"
}
rule "hooked" priority 7 {
  when credit_limit > 0 and fraud_risk(score, balance / credit_limit) < 0.5
  then tag "hooked"
}
rule "div-zero-leaf" priority 5 { when count(overdues) == 1 and balance / (count(overdues) - 1) > 0 then tag "never" }
rule "div-zero-let" priority 5 { when score < 560 and shaky > 0 then tag "shaky" }
"#;

/// Traces `count` generated accounts of `seed` both ways; returns (decided, failed).
fn same_traces_both_ways(program: &Program, seed: u64, count: u64) -> (usize, usize) {
    let lowered = EvalOptions { trace: true, ..EvalOptions::default() };
    let interpreted = EvalOptions { interpret_traces: true, ..lowered };
    let (mut decided, mut failed) = (0, 0);
    for (i, line, snapshot) in generated_accounts(program, seed, count) {
        let by_code = evaluate_traced_with(program, &snapshot, lowered);
        let by_interpreter = evaluate_traced_with(program, &snapshot, interpreted);
        assert_eq!(by_code, by_interpreter, "seed {seed}, account {i}: {line}");
        match by_code.0 {
            Ok(_) => decided += 1,
            Err(_) => failed += 1,
        }
    }
    (decided, failed)
}

#[test]
fn shipped_policies_trace_alike_both_ways() {
    for path in ["policies/lifecycle.policy", "policies/lifecycle-v2.policy", "policies/simple.policy"] {
        let program = load_policy(path.as_ref()).unwrap().program;
        for seed in [1, 7] {
            let (decided, _) = same_traces_both_ways(&program, seed, 2_000);
            assert!(decided > 1_000, "{path}: most accounts decide ({decided})");
        }
    }
}

#[test]
fn every_traced_form_traces_alike_both_ways_failures_included() {
    let program = load_policy_source("policies/traced-forms.policy".as_ref(), FORMS).unwrap().program;
    let (mut decided, mut failed) = (0, 0);
    for seed in [1, 7, 42] {
        let (d, f) = same_traces_both_ways(&program, seed, 2_000);
        decided += d;
        failed += f;
    }
    assert!(decided > 1_000 && failed > 100, "both outcomes are compared ({decided} decided, {failed} failed)");
}

#[test]
fn leaves_run_lowered_except_those_that_log_a_case() {
    let program = load_policy_source("policies/traced-forms.policy".as_ref(), FORMS).unwrap().program;
    let leaves = |name: &str| {
        let index = program.rules.iter().position(|r| &*r.name == name).unwrap();
        program.trace_code.rules[index].to_vec()
    };
    assert!(matches!(leaves("case-leaf")[..], [LeafCode::Bool(_), LeafCode::Interpreted]));
    assert!(matches!(
        leaves("members")[..],
        [LeafCode::Member { set: None, .. }, LeafCode::Member { set: Some(_), .. }, LeafCode::Member { set: None, .. }]
    ));
    assert!(matches!(
        leaves("compares")[..],
        [
            LeafCode::Numbers { left: NumberCode::Dec(_), right: NumberCode::Dec(_) },
            LeafCode::Dates { .. },
            LeafCode::Dates { .. },
            LeafCode::Numbers { left: NumberCode::Int(_), right: NumberCode::Int(_) },
            LeafCode::Numbers { left: NumberCode::Dec(_), right: NumberCode::Dec(_) },
            // The checker widens an int compared with a decimal, a literal included.
            LeafCode::Numbers { left: NumberCode::Dec(_), right: NumberCode::Dec(_) },
            LeafCode::Numbers { left: NumberCode::Dec(_), right: NumberCode::Dec(_) },
        ]
    ));
    // What may be absent, and what is not a number or a date, is compared as a value.
    assert!(matches!(leaves("case-lets")[..], [LeafCode::Numbers { .. }, LeafCode::Compare { .. }]));
    let logs: Vec<&str> = program
        .lets
        .iter()
        .zip(program.trace_code.let_logs.iter())
        .filter(|(_, logs)| **logs)
        .map(|(l, _)| &*l.name)
        .collect();
    assert_eq!(logs, ["band", "tier", "usage", "level"]);
}

#[test]
fn a_trace_shares_its_rule_names_and_keeps_short_strings_in_place() {
    let program = load_policy("policies/lifecycle.policy".as_ref()).unwrap().program;
    let options = EvalOptions { trace: true, ..EvalOptions::default() };
    let (mut short, mut rules) = (0, 0);
    for (_, _, snapshot) in generated_accounts(&program, 3, 200) {
        let (_, trace) = evaluate_traced_with(&program, &snapshot, options);
        // One list for every trace of the program, not a name per rule.
        assert!(std::sync::Arc::ptr_eq(&trace.rule_names, &program.trace_code.rule_names));
        for rt in &trace.rules {
            assert_eq!(trace.rule_name(rt), &*program.rules[rt.index].name);
            rules += 1;
        }
        let strings = trace.leaves.iter().filter_map(|l| l.operands.as_ref()).flat_map(|o| match o {
            Operands::Compare { left, right, .. } => vec![left, right],
            Operands::Member { needle, .. } => vec![needle],
        });
        for operand in strings {
            let read = trace.operand(operand);
            let Some(text) = read.as_str() else { continue };
            let fits = text.len() <= ShortStr::CAPACITY;
            assert_eq!(matches!(operand, Operand::ShortStr(_)), fits, "{operand:?}");
            assert_eq!(matches!(operand, Operand::Kept(_)), !fits, "{operand:?}");
            short += usize::from(fits);
        }
    }
    assert!(rules > 1_000 && short > 1_000, "{rules} rules, {short} short strings traced");
}

#[test]
fn a_scorecard_ranked_for_reasons_is_traced_as_scored_afresh() {
    // Traced, the breakdown that ranks `reasons from` is the one the trace
    // shows (not worked out twice): the same bins, each scorecard once, in
    // declaration order, as scoring the account alone gives.
    let program = load_policy("policies/lifecycle.policy".as_ref()).unwrap().program;
    let options = EvalOptions { trace: true, ..EvalOptions::default() };
    let (mut ranked, mut decided) = (0, 0);
    for (_, _, snapshot) in generated_accounts(&program, 5, 400) {
        let (decision, trace) = evaluate_traced_with(&program, &snapshot, options);
        let Ok(decision) = decision else {
            assert!(trace.scorecards.is_empty(), "an account that failed shows no scorecard");
            continue;
        };
        decided += 1;
        ranked += usize::from(decision.reasons.iter().any(|r| r.code.starts_with('B')));
        let scored = verdict::eval::scorecard::score_snapshot(&program, &snapshot, None).unwrap();
        let traced: Vec<(usize, Vec<usize>)> = trace
            .scorecards
            .iter()
            .map(|card| (card.scorecard, card.characteristics.iter().map(|c| c.bin).collect()))
            .collect();
        let fresh: Vec<(usize, Vec<usize>)> = scored.into_iter().map(|(i, _, bins)| (i, bins)).collect();
        assert_eq!(traced, fresh);
    }
    assert!(decided > 300 && ranked > 20, "{decided} decided, {ranked} with reasons from the scorecard");
}
