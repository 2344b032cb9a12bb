//! A 50-characteristic scorecard over 50 int fields, 6 bins each (target:
//! well under a microsecond per account, and within 1.5x of the same
//! scorecard written by hand in Rust). The policy scores every application
//! and ranks the reasons (`reasons from s top 4`) for the half of them
//! below 840. Two `RATIO` lines: the engine against the hand-written
//! function below (which decides exactly alike: checked at start-up), and
//! the scorecard's own cost (the same policy without the scorecard beside it).

#[path = "support/ratio.rs"]
mod ratio;

use criterion::Criterion;
use rust_decimal::Decimal;
use std::hint::black_box;
use std::sync::Arc;
use std::time::Instant;
use verdict::compile::Program;
use verdict::eval::{scorecard::Score, ActionRecord, Decision, ErrorKind, ErrorRecord, Outputs, Reason};
use verdict::ir::Outcome;
use verdict::snapshot::Snapshot;
use verdict::value::Value;

const CHARACTERISTICS: usize = 50;
const ACCOUNTS: usize = 1_000;
/// `reasons from s top 4` for the accounts scoring below this.
const REVIEW_BELOW: i64 = 840;

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
                "  x{i} \"C{i:02}\" \"Characteristic {i}\" {{\n    < 10 => -20\n    [10, 20) => -5\n    [20, 40) => 0\n    [40, 60) => 5\n    [60, 80) => 12\n    >= 80 => 20\n  }}\n"
            ));
        }
        p.push_str("}\nrule \"low\" { when s < 600 then tag \"low\" }\n");
        p.push_str(&format!(
            "rule \"review\" {{ when s < {REVIEW_BELOW} then tag \"review\" reasons from s top 4 }}\n"
        ));
    } else {
        p.push_str("rule \"low\" { when x0 < 0 then tag \"low\" }\n");
    }
    p
}

fn snapshots(program: &Program) -> Vec<Snapshot> {
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

/// The same scorecard and rules written by hand, over the same parsed
/// snapshots: slots resolved once, each characteristic's bin found by an
/// `if` chain, the points added in an `i64`, the reasons ranked on the stack.
struct Hand {
    slots: Vec<usize>,
    codes: Vec<Arc<str>>,
    texts: Vec<Option<Arc<str>>>,
    name: Arc<str>,
    low: Arc<str>,
    review: Arc<str>,
}

impl Hand {
    fn new(program: &Program) -> Hand {
        let root = &program.schema.root;
        let slot = |i: usize| verdict::schema::lookup_path(root, &format!("x{i}")).and_then(|f| f.slot);
        Hand {
            slots: (0..CHARACTERISTICS).map(|i| slot(i).expect("a slot")).collect(),
            codes: (0..CHARACTERISTICS).map(|i| Arc::from(format!("C{i:02}"))).collect(),
            texts: (0..CHARACTERISTICS).map(|i| Some(Arc::from(format!("Characteristic {i}")))).collect(),
            name: "s".into(),
            low: "low".into(),
            review: "review".into(),
        }
    }

    fn points(x: i64) -> i64 {
        if x < 10 {
            -20
        } else if x < 20 {
            -5
        } else if x < 40 {
            0
        } else if x < 60 {
            5
        } else if x < 80 {
            12
        } else {
            20
        }
    }

    fn decide(&self, snapshot: &Snapshot) -> Outputs {
        let Some(as_of) = snapshot.as_of else {
            return Err(ErrorRecord {
                id: Some(snapshot.id.clone()),
                kind: ErrorKind::Snapshot,
                message: "no as_of".into(),
            });
        };
        let mut lost = [(0i64, 0usize); CHARACTERISTICS];
        let mut total: i64 = 600;
        for (i, slot) in self.slots.iter().enumerate() {
            let Some(Value::Int(x)) = snapshot.record.slots.get(*slot) else {
                return Err(ErrorRecord { id: Some(snapshot.id.clone()), kind: ErrorKind::Eval, message: "x".into() });
            };
            let p = Self::points(*x);
            total += p;
            lost[i] = (20 - p, i);
        }
        let mut d = Decision {
            id: snapshot.id.clone(),
            as_of,
            outcome: Outcome::None,
            until: None,
            limit: None,
            reasons: Vec::new(),
            actions: Vec::new(),
            fired: Vec::new(),
            arms: Vec::new(),
            scores: vec![Score { name: self.name.clone(), value: Decimal::from(total) }],
            trace: None,
        };
        if total < 600 {
            d.fired.push(self.low.clone());
            d.actions.push(ActionRecord::Tag { label: self.low.clone(), rule: self.low.clone() });
        }
        if total < REVIEW_BELOW {
            d.fired.push(self.review.clone());
            d.actions.push(ActionRecord::Tag { label: self.review.clone(), rule: self.review.clone() });
            lost.sort_unstable_by_key(|(l, i)| (std::cmp::Reverse(*l), *i));
            for (_, i) in lost.iter().take(4).filter(|(l, _)| *l > 0) {
                let (code, text) = (self.codes[*i].clone(), self.texts[*i].clone());
                d.reasons.push(Reason { code, text, rule: self.review.clone() });
            }
        }
        Ok(d)
    }
}

fn per_account(program: &Program, book: &[Snapshot]) -> f64 {
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
    let hand = Hand::new(&with.program);
    let mut reviewed = 0;
    for s in &book {
        let engine = verdict::evaluate(&with.program, s, Default::default());
        assert_eq!(engine, hand.decide(s), "the hand-written scorecard decides alike");
        reviewed += usize::from(engine.is_ok_and(|d| !d.reasons.is_empty()));
    }
    println!("{reviewed} of {ACCOUNTS} accounts get scorecard reasons");

    let mut c = Criterion::default().configure_from_args();
    let mut group = c.benchmark_group("scorecard");
    group.bench_function("decide_with_50_characteristics", |b| {
        b.iter(|| black_box(verdict::evaluate(&with.program, black_box(&book[7]), Default::default()).is_ok()))
    });
    group.bench_function("hand_written_50_characteristics", |b| {
        b.iter(|| black_box(hand.decide(black_box(&book[7])).is_ok()))
    });
    group.bench_function("decide_without_scorecard", |b| {
        b.iter(|| black_box(verdict::evaluate(&without.program, black_box(&book[7]), Default::default()).is_ok()))
    });
    group.finish();
    c.final_summary();

    let rounds = if ratio::benchmarking() { 31 } else { 1 };
    ratio::interleaved(
        "scorecard of 50 characteristics, reasons for half the book (target <= 1.5x)",
        ACCOUNTS as u64,
        rounds,
        ("compiled policy", &mut || {
            for s in &book {
                black_box(verdict::evaluate(&with.program, black_box(s), Default::default()).is_ok());
            }
        }),
        ("hand-written Rust", &mut || {
            for s in &book {
                black_box(hand.decide(black_box(s)).is_ok());
            }
        }),
    );
    // The same, over the accounts that get no reasons: the score alone.
    let plain: Vec<&Snapshot> = book.iter().filter(|s| hand.decide(s).is_ok_and(|d| d.reasons.is_empty())).collect();
    ratio::interleaved(
        "scorecard of 50 characteristics, accounts without reasons (target <= 1.5x)",
        plain.len() as u64,
        rounds,
        ("compiled policy", &mut || {
            for s in &plain {
                black_box(verdict::evaluate(&with.program, black_box(s), Default::default()).is_ok());
            }
        }),
        ("hand-written Rust", &mut || {
            for s in &plain {
                black_box(hand.decide(black_box(s)).is_ok());
            }
        }),
    );
    let (a, b) = (per_account(&with.program, &book), per_account(&without.program, &book));
    println!(
        "RATIO scorecard (target well under 1000 ns): {CHARACTERISTICS} characteristics cost {:.0} ns per account ({a:.0} ns with, {b:.0} ns without)",
        a - b
    );
}
