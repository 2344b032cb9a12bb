//! The hook-free variant of the hand-written lifecycle policy (the in-process
//! bench's second ratio) decides exactly as the compiled policy with
//! `limit-raise`'s hook call left out of its text.

#[path = "../benches/support/native_lifecycle.rs"]
mod native_lifecycle;

use native_lifecycle::{NativeLifecycle, WITHOUT_HOOK};
use verdict::snapshot::parse_json_snapshot;
use verdict::synth::snapshot_json;
use verdict::value::parse_date;
use verdict::{evaluate, load_policy_source, EvalOptions};

#[test]
fn hook_free_variants_decide_alike() {
    let text = std::fs::read_to_string("policies/lifecycle.policy").unwrap();
    assert!(text.contains(WITHOUT_HOOK));
    let policy = load_policy_source("policies/lifecycle.policy".as_ref(), &text.replace(WITHOUT_HOOK, "")).unwrap();
    let program = &policy.program;
    let native = NativeLifecycle::new(program).unwrap().without_hook();
    let as_of = parse_date("2026-11-01").unwrap();
    let mut raised = 0;
    for i in 0..10_000 {
        let mut line = String::new();
        snapshot_json(&program.schema, 11, i, as_of, &mut line);
        let Ok(snapshot) = parse_json_snapshot(&line, &program.schema) else { continue };
        let engine = evaluate(program, &snapshot, EvalOptions::default());
        assert_eq!(engine, native.decide(&snapshot, None), "decisions differ for {line}");
        raised += usize::from(engine.is_ok_and(|d| d.fired.iter().any(|r| &**r == "limit-raise")));
    }
    assert!(raised > 100, "limit-raise fires without its hook ({raised})");
}
