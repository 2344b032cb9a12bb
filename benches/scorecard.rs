//! A 50-characteristic scorecard over 50 int fields, 6 bins each (target:
//! well under a microsecond per account). The same policy without the
//! scorecard is measured beside it; the difference is the scorecard's cost.

use criterion::Criterion;
use std::hint::black_box;
use std::time::Instant;

const CHARACTERISTICS: usize = 50;
const ACCOUNTS: usize = 1_000;

fn schema() -> String {
    let mut s = String::from("entity: application\nkey: id\nfields:\n  id: string\n");
    for i in 0..CHARACTERISTICS {
        s.push_str(&format!("  x{i}: int\n"));
    }
    s
}

fn policy(with_scorecard: bool) -> String {
    let mut p = String::from("policy \"bench\" version \"1\"\nschema \"bench.schema.yaml\"\n");
    if with_scorecard {
        p.push_str("let s = scorecard base 600 {\n");
        for i in 0..CHARACTERISTICS {
            p.push_str(&format!(
                "  x{i} \"C{i:02}\" {{\n    < 10 => -20\n    [10, 20) => -5\n    [20, 40) => 0\n    [40, 60) => 5\n    [60, 80) => 12\n    >= 80 => 20\n  }}\n"
            ));
        }
        p.push_str("}\nrule \"low\" { when s < 600 then tag \"low\" }\n");
    } else {
        p.push_str("rule \"low\" { when x0 < 0 then tag \"low\" }\n");
    }
    p
}

fn snapshots(program: &verdict::compile::Program) -> Vec<verdict::snapshot::Snapshot> {
    let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
    (0..ACCOUNTS)
        .map(|n| {
            let mut line = format!("{{\"id\":\"A{n}\",\"as_of\":\"2026-11-01\"");
            for i in 0..CHARACTERISTICS {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                line.push_str(&format!(",\"x{i}\":{}", state % 100));
            }
            line.push('}');
            verdict::snapshot::parse_json_snapshot(&line, &program.schema).expect("fits the schema")
        })
        .collect()
}

fn per_account(program: &verdict::compile::Program, book: &[verdict::snapshot::Snapshot]) -> f64 {
    let start = Instant::now();
    let rounds = 200;
    for _ in 0..rounds {
        for s in book {
            black_box(verdict::evaluate(program, s, Default::default()).is_ok());
        }
    }
    start.elapsed().as_secs_f64() * 1e9 / (rounds * book.len()) as f64
}

fn main() {
    let dir = std::env::temp_dir().join(format!("verdict-bench-scorecard-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("a temporary directory");
    std::fs::write(dir.join("bench.schema.yaml"), schema()).expect("the schema written");
    let load = |with: bool| {
        verdict::load_policy_source(&dir.join("bench.policy"), &policy(with))
            .unwrap_or_else(|e| panic!("{:#?}", e.diagnostics))
    };
    let (with, without) = (load(true), load(false));
    let book = snapshots(&with.program);
    let mut c = Criterion::default().configure_from_args();
    let mut group = c.benchmark_group("scorecard");
    group.bench_function("decide_with_50_characteristics", |b| {
        b.iter(|| black_box(verdict::evaluate(&with.program, black_box(&book[7]), Default::default()).is_ok()))
    });
    group.bench_function("decide_without_scorecard", |b| {
        b.iter(|| black_box(verdict::evaluate(&without.program, black_box(&book[7]), Default::default()).is_ok()))
    });
    group.finish();
    c.final_summary();
    let (a, b) = (per_account(&with.program, &book), per_account(&without.program, &book));
    println!(
        "RATIO scorecard (target well under 1000 ns): {CHARACTERISTICS} characteristics cost {:.0} ns per account ({a:.0} ns with, {b:.0} ns without)",
        a - b
    );
}
