//! A 1,000-row decision table (40 score bands × 25 utilization bands) decides
//! in the time a 4-row one does: the lookup is a binary search per input and
//! one array read (the row of every combination of bands, computed when the
//! policy is checked), not a scan of the rows. Prints two `RATIO` lines:
//! the 1,000-row table's time per decision over the 4-row table's, and the
//! engine with the 1,000-row table over the same matrix written by hand in
//! Rust (target <= 1.5x; it decides alike, checked at start-up). The rule
//! reads the table's value and never fires, so both policies do the same
//! work apart from the lookup.

#[path = "support/ratio.rs"]
mod ratio;

use criterion::Criterion;
use rust_decimal::Decimal;
use std::hint::black_box;
use std::path::Path;
use std::sync::Arc;
use std::time::Instant;
use verdict::eval::{Decision, ErrorKind, ErrorRecord, Outputs, Reason};
use verdict::ir::Outcome;
use verdict::snapshot::Snapshot;
use verdict::value::Value;

/// The matrix written by hand: each input's band found by a binary search
/// over its band boundaries (how a matrix of uneven bands is written; these
/// are even only to generate them), the factor read from an array.
struct Hand {
    score: usize,
    balance: usize,
    credit_limit: usize,
    score_starts: Vec<i64>,
    util_starts: Vec<Decimal>,
    factors: Vec<Vec<Decimal>>,
    raise: Arc<str>,
    code: Arc<str>,
    text: Arc<str>,
}

impl Hand {
    fn new(program: &verdict::compile::Program, score_bands: usize, util_bands: usize) -> Hand {
        let slot = |name: &str| verdict::schema::lookup_path(&program.schema.root, name).and_then(|f| f.slot);
        Hand {
            score: slot("score").expect("score"),
            balance: slot("balance").expect("balance"),
            credit_limit: slot("credit_limit").expect("credit_limit"),
            score_starts: (1..score_bands).map(|s| 300 + s as i64 * 10).collect(),
            util_starts: (1..util_bands).map(|u| Decimal::new(u as i64 * 4, 2)).collect(),
            factors: (0..score_bands)
                .map(|s| (0..util_bands).map(|u| Decimal::new((1 + s as i64 % 3) * 10 + u as i64 % 10, 1)).collect())
                .collect(),
            raise: "raise".into(),
            code: "L".into(),
            text: "l".into(),
        }
    }

    fn decide(&self, snapshot: &Snapshot) -> Outputs {
        let fail = |message: &str| ErrorRecord {
            id: Some(snapshot.id.clone()),
            kind: ErrorKind::Eval,
            message: message.into(),
        };
        let a = &snapshot.record.slots;
        let (Some(Value::Int(score)), Some(Value::Dec(balance)), Some(Value::Dec(limit))) =
            (a.get(self.score), a.get(self.balance), a.get(self.credit_limit))
        else {
            return Err(fail("fields"));
        };
        let util = balance.checked_div(*limit).ok_or_else(|| fail("division by zero"))?;
        let s = self.score_starts.partition_point(|b| *b <= *score);
        let u = self.util_starts.partition_point(|b| *b <= util);
        let factor = self.factors.get(s).and_then(|row| row.get(u)).ok_or_else(|| fail("no row"))?;
        let as_of = snapshot.as_of.ok_or_else(|| fail("no as_of"))?;
        // `raise` (never met by this book): the limit and its reason.
        let raise = *factor > Decimal::ONE_HUNDRED;
        let fired: Vec<Arc<str>> = if raise { vec![self.raise.clone()] } else { Vec::new() };
        let reasons = if raise {
            vec![Reason { code: self.code.clone(), text: Some(self.text.clone()), rule: self.raise.clone() }]
        } else {
            Vec::new()
        };
        let limit = if raise { Some(limit.checked_mul(*factor).ok_or_else(|| fail("overflow"))?) } else { None };
        Ok(Decision {
            id: snapshot.id.clone(),
            as_of,
            outcome: if raise { Outcome::Limit } else { Outcome::None },
            until: None,
            limit,
            reasons,
            actions: Vec::new(),
            fired,
            arms: Vec::new(),
            scores: Vec::new(),
            trace: None,
        })
    }
}

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
    let hand = Hand::new(&big.program, 40, 25);
    let run_hand = |s: &[verdict::snapshot::Snapshot]| s.iter().filter(|s| hand.decide(black_box(s)).is_ok()).count();
    let mut c = Criterion::default().configure_from_args();
    let mut group = c.benchmark_group("tables");
    group.bench_function("decide_1000_accounts_1000_row_table", |b| b.iter(|| black_box(run(&big, &big_snaps))));
    group.bench_function("decide_1000_accounts_4_row_table", |b| b.iter(|| black_box(run(&small, &small_snaps))));
    // The hand-written side alone, for `perf stat` and `perf record` beside the engine's.
    group.bench_function("decide_1000_accounts_hand_written_matrix", |b| b.iter(|| black_box(run_hand(&big_snaps))));
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

    for snap in &big_snaps {
        assert_eq!(verdict::evaluate(&big.program, snap, Default::default()), hand.decide(snap), "decides alike");
    }
    let rounds = if ratio::benchmarking() { 31 } else { 1 };
    ratio::interleaved(
        "1,000-row table vs the matrix written by hand (target <= 1.5x)",
        big_snaps.len() as u64,
        rounds,
        ("compiled policy", &mut || {
            black_box(run(&big, &big_snaps));
        }),
        ("hand-written Rust", &mut || {
            black_box(run_hand(&big_snaps));
        }),
    );
}
