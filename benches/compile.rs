//! Checking and compiling a generated 10,000-rule policy (target: under 1
//! second), and the parts that once grew with the square of the rule count: a
//! 10,000-rule `first` group (shadowed-rule warnings) and the per-rule table
//! of a diff between two 10,000-rule policies.

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
    // One `first` group of 10,000 rules with disjoint conditions: every rule is
    // a candidate for W0111 against every earlier one.
    let mut ladder =
        String::from("policy \"ladder\" version \"1\"\nschema \"account.schema.yaml\"\ngroup \"g\" first {\n");
    for i in 0..10_000 {
        ladder.push_str(&format!(
            "  rule \"r{i}\" {{ when balance > {i} and balance <= {} then restrict notify sms \"t\" }}\n",
            i + 1
        ));
    }
    ladder.push_str("}\n");
    group.bench_function("check_first_group_of_10k_rules", |b| {
        b.iter(|| black_box(verdict::load_policy_source(path, black_box(&ladder)).is_ok()))
    });
    // The diff's report over an empty portfolio: only the per-rule comparison.
    if let Ok(loaded) = verdict::load_policy_source(path, &text) {
        let differ = verdict::diff::Differ::new((path, &loaded), (path, &loaded), Default::default());
        if let Ok(differ) = differ {
            group.bench_function("diff_report_of_10k_rules", |b| {
                b.iter(|| {
                    let meta = verdict::diff::ReportMeta { generated: String::new(), inputs: Vec::new() };
                    black_box(differ.run().finish(meta).rules.len())
                })
            });
        }
    }
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
