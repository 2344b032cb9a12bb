//! The hand-written lifecycle policy of the benchmarks decides exactly as the
//! compiled `policies/lifecycle.policy`, so the in-process benchmark compares
//! like with like.

#[path = "../benches/support/native_lifecycle.rs"]
mod native_lifecycle;

use native_lifecycle::NativeLifecycle;
use verdict::snapshot::parse_json_snapshot;
use verdict::synth::snapshot_json;
use verdict::value::parse_date;
use verdict::{evaluate, load_policy, EvalOptions};

fn same_decisions(lines: impl Iterator<Item = String>) -> usize {
    let policy = load_policy("policies/lifecycle.policy".as_ref()).unwrap();
    let program = &policy.program;
    let native = NativeLifecycle::new(program).expect("the example schema");
    let mut compared = 0;
    for line in lines {
        let Ok(snapshot) = parse_json_snapshot(&line, &program.schema) else { continue };
        let engine = evaluate(program, &snapshot, EvalOptions::default());
        let hand = native.decide(&snapshot, None);
        assert_eq!(engine, hand, "decisions differ for {line}");
        compared += 1;
    }
    compared
}

#[test]
fn hand_written_policy_matches_the_example_portfolio() {
    let text = std::fs::read_to_string("policies/portfolio.jsonl").unwrap();
    let compared = same_decisions(text.lines().map(String::from));
    assert_eq!(compared, 40, "the 40 readable snapshots of the example portfolio");
}

#[test]
fn hand_written_policy_matches_a_generated_portfolio() {
    let policy = load_policy("policies/lifecycle.policy".as_ref()).unwrap();
    let schema = policy.program.schema.clone();
    let as_of = parse_date("2026-11-01").unwrap();
    let lines = (0..20_000).map(|i| {
        let mut line = String::new();
        snapshot_json(&schema, 7, i, as_of, &mut line);
        line
    });
    assert_eq!(same_decisions(lines), 20_000);
}

#[test]
fn hand_written_policy_matches_a_generated_portfolio_before_reinstatement_took_effect() {
    // `reinstate-after-six-clean-months` is in effect from 2026-07-01: the day
    // before, neither side may reinstate, and everything else decides alike.
    let policy = load_policy("policies/lifecycle.policy".as_ref()).unwrap();
    let schema = policy.program.schema.clone();
    let as_of = parse_date("2026-06-30").unwrap();
    let lines: Vec<String> = (0..5_000)
        .map(|i| {
            let mut line = String::new();
            snapshot_json(&schema, 13, i, as_of, &mut line);
            line
        })
        .collect();
    assert_eq!(same_decisions(lines.iter().cloned()), 5_000);
    let reinstated = lines
        .iter()
        .filter_map(|l| parse_json_snapshot(l, &policy.program.schema).ok())
        .filter(|s| {
            evaluate(&policy.program, s, EvalOptions::default())
                .is_ok_and(|d| d.fired.iter().any(|r| &**r == "reinstate-after-six-clean-months"))
        })
        .count();
    assert_eq!(reinstated, 0, "not in effect before 2026-07-01");
    let after = parse_date("2026-07-01").unwrap();
    let reinstated_after = (0..5_000)
        .filter_map(|i| {
            let mut line = String::new();
            snapshot_json(&schema, 13, i, after, &mut line);
            parse_json_snapshot(&line, &policy.program.schema).ok()
        })
        .filter(|s| {
            evaluate(&policy.program, s, EvalOptions::default())
                .is_ok_and(|d| d.fired.iter().any(|r| &**r == "reinstate-after-six-clean-months"))
        })
        .count();
    assert!(reinstated_after > 20, "in effect from 2026-07-01 ({reinstated_after})");
}

#[test]
fn hand_written_policy_fails_like_the_engine() {
    // A balance too large to divide: the same error record, with the same chain of lets.
    let text = std::fs::read_to_string("tests/testing/overflow.jsonl").unwrap();
    assert_eq!(same_decisions(text.lines().map(String::from)), text.lines().count());
}
