//! In-process evaluation: the compiled `policies/lifecycle.policy` versus the
//! same rules written by hand in Rust, over the same parsed snapshots. A
//! second ratio leaves `limit-raise`'s `fraud_risk` hook out of both (the
//! rhai hook's exact-decimal `exp` is ~40% of either side's time), to show
//! the evaluator's own cost against hand-written code. A third runs the
//! shipped policy with tracing on (`--trace`: every condition's leaves and
//! values recorded), against the same hand-written code (target: 5×).

#[path = "support/native_lifecycle.rs"]
mod native_lifecycle;
#[path = "support/ratio.rs"]
mod ratio;

use criterion::{Criterion, Throughput};
use native_lifecycle::{NativeLifecycle, WITHOUT_HOOK};
use std::hint::black_box;
use verdict::snapshot::{parse_json_snapshot, Snapshot};
use verdict::synth::snapshot_json;
use verdict::value::parse_date;
use verdict::{evaluate, load_policy, load_policy_source, EvalOptions};

const ACCOUNTS: u64 = 10_000;

fn main() {
    let policy = load_policy("policies/lifecycle.policy".as_ref()).expect("the example policy compiles");
    let program = &policy.program;
    let native = NativeLifecycle::new(program).expect("the example schema");
    let text = std::fs::read_to_string("policies/lifecycle.policy").expect("the example policy");
    assert!(text.contains(WITHOUT_HOOK), "the hook call the hook-free variant leaves out");
    let hook_free = load_policy_source("policies/lifecycle.policy".as_ref(), &text.replace(WITHOUT_HOOK, ""))
        .expect("the hook-free variant compiles");
    let hook_free = &hook_free.program;
    let native_hook_free = NativeLifecycle::new(hook_free).expect("the example schema").without_hook();
    let as_of = parse_date("2026-11-01").expect("a date");
    let snapshots: Vec<Snapshot> = (0..ACCOUNTS)
        .filter_map(|i| {
            let mut line = String::new();
            snapshot_json(&program.schema, 42, i, as_of, &mut line);
            parse_json_snapshot(&line, &program.schema).ok()
        })
        .collect();
    let options = EvalOptions::default();
    let mut engine = || {
        for s in &snapshots {
            black_box(evaluate(program, black_box(s), options).is_ok());
        }
    };
    let mut hand = || {
        for s in &snapshots {
            black_box(native.decide(black_box(s), None).is_ok());
        }
    };
    let traced_options = EvalOptions { trace: true, ..options };
    let mut engine_traced = || {
        for s in &snapshots {
            black_box(evaluate(program, black_box(s), traced_options).is_ok());
        }
    };

    let mut engine_hook_free = || {
        for s in &snapshots {
            black_box(evaluate(hook_free, black_box(s), options).is_ok());
        }
    };
    let mut hand_hook_free = || {
        for s in &snapshots {
            black_box(native_hook_free.decide(black_box(s), None).is_ok());
        }
    };

    let mut c = Criterion::default().configure_from_args();
    let mut group = c.benchmark_group("in_process");
    group.throughput(Throughput::Elements(ACCOUNTS));
    group.bench_function("compiled_policy", |b| b.iter(&mut engine));
    group.bench_function("hand_written", |b| b.iter(&mut hand));
    group.bench_function("compiled_policy_traced", |b| b.iter(&mut engine_traced));
    group.bench_function("compiled_policy_hook_free", |b| b.iter(&mut engine_hook_free));
    group.bench_function("hand_written_hook_free", |b| b.iter(&mut hand_hook_free));
    group.finish();
    c.final_summary();

    let rounds = if ratio::benchmarking() { 31 } else { 1 };
    ratio::interleaved(
        "in-process, shipped policy with its rhai hook (target <= 1.5x)",
        ACCOUNTS,
        rounds,
        ("compiled policy", &mut engine),
        ("hand-written Rust", &mut hand),
    );
    ratio::interleaved(
        "in-process, shipped policy traced (target <= 5x)",
        ACCOUNTS,
        rounds,
        ("traced policy", &mut engine_traced),
        ("hand-written Rust", &mut hand),
    );
    ratio::interleaved(
        "in-process, hook-free variant: the evaluator's own cost",
        ACCOUNTS,
        rounds,
        ("compiled policy", &mut engine_hook_free),
        ("hand-written Rust", &mut hand_hook_free),
    );
}
