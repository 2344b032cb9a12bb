//! Checking and compiling a generated 10,000-rule policy (target: under 1 second).

#[path = "support/big_policy.rs"]
mod big_policy;

use criterion::Criterion;
use std::hint::black_box;
use std::path::Path;
use std::time::Instant;

fn main() {
    let text = big_policy::big_policy(10_000);
    let path = Path::new("policies/generated-10k.policy");
    let mut c = Criterion::default().configure_from_args();
    let mut group = c.benchmark_group("compile");
    group.sample_size(10);
    group.bench_function("check_and_compile_10k_rules", |b| {
        b.iter(|| black_box(verdict::load_policy_source(path, black_box(&text)).is_ok()))
    });
    group.finish();
    c.final_summary();

    let start = Instant::now();
    let loaded = verdict::load_policy_source(path, &text);
    let seconds = start.elapsed().as_secs_f64();
    let rules = loaded.as_ref().map(|l| l.program.rules.len()).unwrap_or(0);
    println!(
        "RATIO compile (target <= 1x): {rules} rules, {} bytes checked and compiled in {seconds:.3} s: {seconds:.2}x the 1 s budget",
        text.len()
    );
}
