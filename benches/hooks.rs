//! The cost of a hook call: one account decided by a small policy, without and
//! with a small arithmetic hook in its condition; the difference is the
//! per-call overhead (argument conversion, the sandboxed rhai call, the result
//! conversion). Also the example fraud score (`exp` on decimals) called alone.
//!
//! `cargo bench --bench hooks`

use criterion::{criterion_group, criterion_main, Criterion};
use std::hint::black_box;
use std::path::{Path, PathBuf};
use verdict::eval::{EvalOptions, Val};

const SCHEMA: &str =
    "entity: account\nkey: id\nfields:\n  id: string\n  credit_limit: money\n  balance: money\n  score: int\n";
const ACCOUNT: &str = r#"{"id":"A-1","as_of":"2026-11-01","credit_limit":"10000","balance":"2500","score":700}"#;
const SCRIPT: &str = "fn risk(score, utilization) { utilization * 2 - (score - 600) * 0.01 }\n";

fn workdir() -> PathBuf {
    let dir = std::env::temp_dir().join(format!("verdict-bench-hooks-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    std::fs::write(dir.join("account.schema.yaml"), SCHEMA).expect("schema");
    std::fs::write(dir.join("risk.rhai"), SCRIPT).expect("script");
    dir
}

fn load(dir: &Path, body: &str) -> verdict::LoadedPolicy {
    let text = format!(
        "policy \"bench\" version \"1\"\nschema \"account.schema.yaml\"\n\
         hook risk(score: int, utilization: decimal) -> decimal from \"risk.rhai\"\n\
         let utilization = balance / credit_limit\n{body}\n"
    );
    match verdict::load_policy_source(&dir.join("bench.policy"), &text) {
        Ok(p) => p,
        Err(e) => panic!("bench policy does not compile: {:#?}", e.diagnostics),
    }
}

fn decide(c: &mut Criterion) {
    let dir = workdir();
    // the same work but for the hook: both compute utilization and compare a decimal
    let plain = load(&dir, "rule \"r\" { when score > 600 and utilization * 2 < 1 then tag \"ok\" }");
    let hooked = load(&dir, "rule \"r\" { when score > 600 and risk(score, utilization) < 1 then tag \"ok\" }");
    let snapshot = verdict::snapshot::parse_json_snapshot(ACCOUNT, &plain.program.schema).expect("snapshot");
    for (policy, name) in [(&plain, "decide/without hook"), (&hooked, "decide/with hook")] {
        let d = verdict::evaluate(&policy.program, &snapshot, EvalOptions::default()).expect("decision");
        assert_eq!(d.fired.len(), 1, "{name}: the rule fires");
        c.bench_function(name, |b| {
            b.iter(|| verdict::evaluate(black_box(&policy.program), black_box(&snapshot), EvalOptions::default()))
        });
    }
}

fn call(c: &mut Criterion) {
    let dir = workdir();
    let small = load(&dir, "rule \"r\" { when risk(score, 0.5) < 1 then tag \"ok\" }");
    let hook = &small.program.hooks[0];
    let args = [Val::Int(700), Val::Dec(rust_decimal::Decimal::new(25, 2))];
    c.bench_function("call/small arithmetic hook", |b| b.iter(|| hook.call(black_box(&args))));

    let example = verdict::load_policy(Path::new("policies/lifecycle.policy")).expect("the example compiles");
    let fraud = example.program.hooks.iter().find(|h| h.name() == "fraud_risk").expect("fraud_risk");
    let args = [Val::Int(720), Val::Dec(rust_decimal::Decimal::new(3, 1))];
    c.bench_function("call/example fraud_risk (exp)", |b| b.iter(|| fraud.call(black_box(&args))));
}

criterion_group!(benches, decide, call);
criterion_main!(benches);
