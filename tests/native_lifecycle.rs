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
