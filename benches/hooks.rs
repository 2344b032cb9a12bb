//! The cost of a hook call: one account decided by a small policy, without and
//! with a small arithmetic hook in its condition; the difference is the
//! per-call overhead (argument conversion, the sandboxed rhai call, the result
//! conversion). Also the example fraud score (`exp` on decimals) called alone,
//! and where its time goes: `RATIO` lines compare, in interleaved rounds, a
//! call of `fraud_risk` with a hook that returns its argument and with the
//! same script without `exp`; a native call of `fraud_risk` (the hook is
//! straight-line arithmetic, so it runs without the script engine) with the
//! same call through rhai; and the hooks' `exp` with rust_decimal's
//! `checked_exp`.
//!
//! `cargo bench --bench hooks`

#[path = "support/ratio.rs"]
mod ratio;

use criterion::Criterion;
use rust_decimal::{Decimal, MathematicalOps};
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
    let args = [Val::Int(700), Val::Dec(Decimal::new(25, 2))];
    c.bench_function("call/small arithmetic hook", |b| b.iter(|| hook.call(black_box(&args))));

    let example = verdict::load_policy(Path::new("policies/lifecycle.policy")).expect("the example compiles");
    let fraud = example.program.hooks.iter().find(|h| h.name() == "fraud_risk").expect("fraud_risk");
    let args = [Val::Int(720), Val::Dec(Decimal::new(3, 1))];
    c.bench_function("call/example fraud_risk (exp)", |b| b.iter(|| fraud.call(black_box(&args))));
    c.bench_function("call/example fraud_risk through rhai", |b| {
        b.iter(|| fraud.call_script_within(black_box(&args), verdict::hooks::DEFAULT_BACKSTOP))
    });
}

/// Calls of one hook per interleaved round (about 5 ms of `fraud_risk`).
const CALLS: u64 = 1_000;

/// A hook over `(score, utilization)` whose body is `body`, loaded through a policy.
fn body_hook(dir: &Path, name: &str, body: &str) -> verdict::LoadedPolicy {
    let file = format!("{name}.rhai");
    std::fs::write(dir.join(&file), format!("fn {name}(score, utilization) {{ {body} }}\n")).expect("script");
    let text = format!(
        "policy \"bench\" version \"1\"\nschema \"account.schema.yaml\"\n\
         hook {name}(score: int, utilization: decimal) -> decimal from \"{file}\"\n\
         rule \"r\" {{ when {name}(score, 0.5) < 1 then tag \"ok\" }}\n"
    );
    match verdict::load_policy_source(&dir.join(format!("{name}.policy")), &text) {
        Ok(p) => p,
        Err(e) => panic!("bench policy does not compile: {:#?}", e.diagnostics),
    }
}

/// Where a call of the shipped `fraud_risk` spends its time (`RATIO` lines).
fn breakdown() {
    let dir = workdir();
    let example = verdict::load_policy(Path::new("policies/lifecycle.policy")).expect("the example compiles");
    let fraud = example.program.hooks.iter().find(|h| h.name() == "fraud_risk").expect("fraud_risk");
    // score 720, utilization 0.3: z = -2.60, so the hook computes exp(2.60)
    let args = [Val::Int(720), Val::Dec(Decimal::new(3, 1))];
    let identity = body_hook(&dir, "identity", "utilization");
    let without_exp = body_hook(
        &dir,
        "without_exp",
        "let z = -3.2 - 0.03 * (score - 700) + 4 * utilization; round(1 / (1 + (-z)), 4)",
    );
    fn calls<'a>(hook: &'a verdict::hooks::Hook, args: &'a [Val<'a>]) -> impl FnMut() + 'a {
        move || {
            for _ in 0..CALLS {
                black_box(hook.call(black_box(args)).is_ok());
            }
        }
    }
    let rounds = if ratio::benchmarking() { 31 } else { 1 };
    // the first call goes through rhai and tells the native form its operation count
    assert!(fraud.has_native_form(), "fraud_risk is straight-line arithmetic");
    assert_eq!(fraud.call(&args), fraud.call_script_within(&args, verdict::hooks::DEFAULT_BACKSTOP));
    let mut native = calls(fraud, &args);
    let mut through_rhai = || {
        for _ in 0..CALLS {
            black_box(fraud.call_script_within(black_box(&args), verdict::hooks::DEFAULT_BACKSTOP).is_ok());
        }
    };
    ratio::interleaved(
        "hook call: fraud_risk natively vs through rhai",
        CALLS,
        rounds,
        ("native", &mut native),
        ("rhai", &mut through_rhai),
    );
    let mut fraud_calls = calls(fraud, &args);
    for (title, name, mut other) in [
        (
            "hook call: fraud_risk vs a hook returning its argument",
            "identity hook",
            calls(&identity.program.hooks[0], &args),
        ),
        (
            "hook call: fraud_risk vs the same script without exp",
            "without exp",
            calls(&without_exp.program.hooks[0], &args),
        ),
    ] {
        ratio::interleaved(title, CALLS, rounds, ("fraud_risk", &mut fraud_calls), (name, &mut other));
    }
    // exp(2.60) as fraud_risk computes it, and exp of a 28-digit argument (a
    // utilization from a division has 28 digits)
    for (title, z) in [
        ("exp(2.60)", Decimal::new(260, 2)),
        (
            "exp(2.6123456789012345678901234567)",
            Decimal::from_i128_with_scale(26_123_456_789_012_345_678_901_234_567, 28),
        ),
    ] {
        let mut ours = || {
            for _ in 0..CALLS {
                black_box(verdict::hooks::exp(black_box(z)));
            }
        };
        let mut theirs = || {
            for _ in 0..CALLS {
                black_box(black_box(z).checked_exp());
            }
        };
        ratio::interleaved(
            &format!("{title}: the hooks' exp vs rust_decimal's checked_exp"),
            CALLS,
            rounds,
            ("hooks exp", &mut ours),
            ("checked_exp", &mut theirs),
        );
    }
}

fn main() {
    let mut c = Criterion::default().configure_from_args();
    decide(&mut c);
    call(&mut c);
    c.final_summary();
    breakdown();
}
