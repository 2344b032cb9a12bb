//! A 1,000-row decision table (40 score bands × 25 utilization bands) decides
//! in the time a 4-row one does: the lookup is a binary search per input and
//! an AND of row bitsets, not a scan of the rows. Prints a `RATIO` line:
//! the 1,000-row table's time per decision over the 4-row table's. The rule
//! reads the table's value and never fires, so both policies do the same
//! work apart from the lookup.

use criterion::Criterion;
use std::hint::black_box;
use std::path::Path;
use std::time::Instant;

fn matrix_policy(score_bands: usize, util_bands: usize) -> String {
    let mut t = String::from(
        "policy \"bench\" version \"1\"\nschema \"account.schema.yaml\"\nlet factor = table (score, balance / credit_limit) -> decimal {\n",
    );
    for s in 0..score_bands {
        let score = if s == 0 {
            "< 310".to_string()
        } else if s + 1 == score_bands {
            format!(">= {}", 300 + s * 10)
        } else {
            format!("[{}, {})", 300 + s * 10, 310 + s * 10)
        };
        for u in 0..util_bands {
            let util = if u == 0 {
                "< 4%".to_string()
            } else if u + 1 == util_bands {
                format!(">= {}%", u * 4)
            } else {
                format!("[{}%, {}%)", u * 4, u * 4 + 4)
            };
            t.push_str(&format!("  {score} | {util} => {}.{}\n", 1 + s % 3, u % 10));
        }
    }
    t.push_str("}\nrule \"raise\" { when factor > 100 then set limit to credit_limit * factor reason \"L\" \"l\" }\n");
    t
}

fn main() {
    let path = Path::new("policies/bench-tables.policy");
    let big = verdict::load_policy_source(path, &matrix_policy(40, 25)).expect("the 1,000-row table compiles");
    let small = verdict::load_policy_source(path, &matrix_policy(2, 2)).expect("the 4-row table compiles");
    let accounts: Vec<String> = (0..1000)
        .map(|i| {
            format!(
                r#"{{"id":"A-{i}","as_of":"2026-11-01","status":"active","credit_limit":"10000","balance":"{}","score":{},"opened_on":"2024-01-15","identity":{{"verified":true,"mismatch_fields":[]}},"tags":[],"score_history":[],"overdues":[],"applications":[]}}"#,
                (i * 37) % 10000,
                300 + (i * 13) % 420
            )
        })
        .collect();
    let snaps = |p: &verdict::LoadedPolicy| -> Vec<_> {
        accounts.iter().map(|a| verdict::snapshot::parse_json_snapshot(a, &p.program.schema).expect("fits")).collect()
    };
    let (big_snaps, small_snaps) = (snaps(&big), snaps(&small));
    let run = |p: &verdict::LoadedPolicy, s: &[verdict::snapshot::Snapshot]| {
        s.iter().filter(|s| verdict::evaluate(&p.program, s, Default::default()).is_ok()).count()
    };
    let mut c = Criterion::default().configure_from_args();
    let mut group = c.benchmark_group("tables");
    group.bench_function("decide_1000_accounts_1000_row_table", |b| b.iter(|| black_box(run(&big, &big_snaps))));
    group.bench_function("decide_1000_accounts_4_row_table", |b| b.iter(|| black_box(run(&small, &small_snaps))));
    group.finish();
    c.final_summary();
    let time = |p: &verdict::LoadedPolicy, s: &[verdict::snapshot::Snapshot]| {
        let start = Instant::now();
        for _ in 0..50 {
            black_box(run(p, s));
        }
        start.elapsed().as_secs_f64() / (50.0 * s.len() as f64)
    };
    let (b, s) = (time(&big, &big_snaps), time(&small, &small_snaps));
    println!("per decision: 1,000-row table {:.0} ns, 4-row table {:.0} ns", b * 1e9, s * 1e9);
    println!("RATIO tables 1000-row/4-row {:.2}", b / s);
}
