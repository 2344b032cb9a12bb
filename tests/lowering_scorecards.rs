//! Lowered scorecards (`compile::lower::scorecard`, `eval::run::scorecard`)
//! decide exactly as the interpreter: generated accounts decided untraced
//! (the lowered code: scores added in an `i64` or an exact decimal, bins
//! found by a search over precomputed boundaries, reasons ranked from a
//! reused buffer) and traced (the interpreter, bin by bin) give identical
//! decisions and error records, failures and overflows included.

mod both_ways;

use both_ways::same_both_ways;
use verdict::compile::lower::{DecCode, IntCode, LetCode};
use verdict::compile::Program;
use verdict::eval::MAX_ELEMENT_VISITS;
use verdict::snapshot::parse_json_snapshot;
use verdict::synth::snapshot_json;
use verdict::value::parse_date;
use verdict::{evaluate, load_policy, load_policy_source, EvalOptions};

/// Scorecards over every kind of input (int, decimal, date, enum, bool,
/// string, optional, aggregate, computed), an int one and a decimal one
/// with `reasons from`, one whose characteristic fails (division by zero),
/// and two whose points pass an `i64` while adding up: one comes back in
/// range, the other does not.
const CARDS: &str = r#"
policy "lowering-scorecards" version "1"
schema "account.schema.yaml"

let behaviour = scorecard base 500 {
  score "S01" "Score" {
    < 580 => -40
    [580, 640) => -10
    [640, 700) => -10
    [700, 760) => 15
    >= 760 => 30
  }
  balance / credit_limit "U01" "Utilization" {
    < 30% => 25
    [30%, 70%) => 0
    >= 70% => -35
  }
  opened_on "T01" "Time on book" {
    < 2020-01-01 => 20
    [2020-01-01, 2024-06-01) => 5
    >= 2024-06-01 => -15
  }
  status "P01" "Status" {
    "active" => 10
    ["restricted", "frozen"] => -25
    "closed" => -50
  }
  identity.verified "V01" "Identity" {
    true => 5
    false => -30
  }
  last_review_on "L01" "Last review" {
    none => -5
    < 2026-01-01 => 0
    else => 8
  }
  count(overdues) "D01" "Overdues" {
    0 => 20
    [1, 2] => -5
    > 2 => -45
  }
  max(overdues.days) ?? 0 "D02" "Days overdue" {
    < 30 => 0
    [30, 90) => -20
    else => -60
  }
  id "I01" "Named account" {
    "A-7" => 100
    else => 0
  }
}

let pricing = scorecard base 1.5 {
  score "S11" "Score band" {
    < 600 => -0.25
    [600, 700) => 0
    >= 700 => 0.125
  }
  balance "B11" "Balance" {
    < 1000 => 0.10
    [1000, 5000) => 0
    >= 5000 => -0.2
  }
  income_verified ?? false "V11" "Income proof" {
    true => 0.05
    false => -0.05
  }
}

let wide = scorecard base 0 {
  score "W01" {
    < 700 => 5000000000000000000
    >= 700 => 9000000000000000000
  }
  balance "W02" {
    < 2000 => 5000000000000000000
    >= 2000 => 1000
  }
  credit_limit "W03" {
    < 5000 => -9000000000000000000
    else => 0
  }
}

let shaky = scorecard base 0 {
  balance / (count(overdues) - 1) "F01" {
    < 0 => -1
    else => 1
  }
}

rule "decline-like" priority 9 {
  when behaviour < 520 or pricing < 1.4
  then restrict reasons from behaviour top 3 reasons from pricing
}
rule "all-reasons" priority 8 { when score < 640 then tag "low" reasons from behaviour top 20 }
rule "given-first" priority 7 { when status == "frozen" then reason "U01" "given" reasons from behaviour }
rule "shaky" priority 1 { when count(overdues) == 1 and score < 560 and shaky > 0 then tag "never" }
"#;

fn cards() -> std::sync::Arc<Program> {
    load_policy_source("policies/lowering-scorecards.policy".as_ref(), CARDS)
        .unwrap_or_else(|e| panic!("{:#?}", e.diagnostics))
        .program
}

#[test]
fn scorecards_decide_alike_both_ways_failures_and_overflows_included() {
    let program = cards();
    let (mut decided, mut failed) = (0, 0);
    let (mut reasons, mut out_of_range) = (0, 0);
    for seed in [1, 7, 42] {
        let (d, f) = same_both_ways(&program, seed, 2_000, MAX_ELEMENT_VISITS);
        decided += d;
        failed += f;
    }
    // What the books exercised, so that the comparison above is not vacuous.
    let as_of = parse_date("2026-11-01").unwrap();
    for i in 0..2_000 {
        let mut line = String::new();
        snapshot_json(&program.schema, 1, i, as_of, &mut line);
        let Ok(snapshot) = parse_json_snapshot(&line, &program.schema) else { continue };
        match evaluate(&program, &snapshot, EvalOptions::default()) {
            Ok(d) => reasons += usize::from(d.reasons.len() >= 3),
            Err(e) => out_of_range += usize::from(e.message.contains("out of range")),
        }
    }
    assert!(decided > 1_000 && failed > 100, "decided {decided}, failed {failed}");
    assert!(reasons > 50, "accounts with several scorecard reasons: {reasons}");
    assert!(out_of_range > 50, "accounts whose `wide` score leaves an i64: {out_of_range}");
}

#[test]
fn an_i64_overflow_on_the_way_is_no_failure_when_the_score_fits() {
    let program = cards();
    let (schema, as_of) = (&program.schema, "2026-11-01");
    // W01 9e18 + W02 5e18 passes i64::MAX; W03 brings it back to 5e18.
    let line = format!(
        r#"{{"id":"A-1","as_of":"{as_of}","status":"active","credit_limit":"4000","balance":"100","score":720,"opened_on":"2021-01-01","identity":{{"verified":true,"mismatch_fields":[]}},"tags":[],"score_history":[],"overdues":[],"applications":[]}}"#
    );
    let snapshot = parse_json_snapshot(&line, schema).unwrap();
    let d = evaluate(&program, &snapshot, EvalOptions::default()).unwrap();
    let wide = d.scores.iter().find(|s| &*s.name == "wide").unwrap();
    assert_eq!(wide.value.to_string(), "5000000000000000000");
    let names: Vec<&str> = d.scores.iter().map(|s| &*s.name).collect();
    assert_eq!(names, ["behaviour", "pricing", "wide", "shaky"]);
}

#[test]
fn every_scorecard_is_lowered_in_its_own_type() {
    let program = cards();
    let kinds: Vec<&str> = program
        .let_code
        .iter()
        .map(|c| match c {
            LetCode::Int(IntCode::Scorecard(_)) => "int",
            LetCode::Dec(DecCode::Scorecard(_)) => "decimal",
            _ => "other",
        })
        .collect();
    assert_eq!(kinds, ["int", "decimal", "int", "int"]);
}

#[test]
fn the_shipped_admission_policy_decides_alike_both_ways() {
    let policy = load_policy("policies/admission.policy".as_ref()).unwrap();
    let program = &policy.program;
    assert!(program.let_code.iter().any(|c| matches!(c, LetCode::Int(IntCode::Scorecard(_)))));
    let text = std::fs::read_to_string("policies/applications.jsonl").unwrap();
    let mut compared = 0;
    for line in text.lines() {
        let Ok(snapshot) = parse_json_snapshot(line, &program.schema) else { continue };
        let fast = evaluate(program, &snapshot, EvalOptions::default());
        let traced = EvalOptions { trace: true, ..EvalOptions::default() };
        let slow = evaluate(program, &snapshot, traced).map(|d| verdict::eval::Decision { trace: None, ..d });
        assert_eq!(fast, slow, "{line}");
        compared += 1;
    }
    assert!(compared >= 10, "{compared} applications");
}

/// The fuzz target's policy of every second-edition form (case, tables of
/// both hit policies and every cell form, scorecards, a split, effective
/// dates, reinstatement): lowered tables and scorecards decide as the
/// interpreter over generated books.
#[test]
fn tables_and_every_second_edition_form_decide_alike_both_ways() {
    let policy = load_policy("fuzz/policies/second-edition.policy".as_ref()).unwrap();
    let program = &policy.program;
    let lowered_tables = program
        .let_code
        .iter()
        .filter(|c| {
            matches!(
                c,
                LetCode::Dec(DecCode::TableOut(_))
                    | LetCode::Int(IntCode::TableRow(_) | IntCode::TableOut(_))
                    | LetCode::Bool(verdict::compile::lower::BoolCode::TableOut(_))
            )
        })
        .count();
    assert_eq!(lowered_tables, 4, "factor, plan (its row), review_due, band");
    let mut decided = 0;
    for seed in [1, 7, 42] {
        decided += same_both_ways(program, seed, 2_000, MAX_ELEMENT_VISITS).0;
    }
    assert!(decided > 5_000, "{decided}");
}
