//! Reading: JSON Lines snapshots parsed straight into the schema's slots
//! versus `serde_json::from_str::<serde_json::Value>` of the same lines.

#[path = "support/ratio.rs"]
mod ratio;

use criterion::{Criterion, Throughput};
use std::hint::black_box;
use verdict::snapshot::parse_json_snapshot;
use verdict::synth::snapshot_json;
use verdict::value::parse_date;

const ACCOUNTS: u64 = 10_000;

fn main() {
    let schema = verdict::load::load_schema_file("policies/account.schema.yaml".as_ref()).expect("the example schema");
    let as_of = parse_date("2026-11-01").expect("a date");
    let lines: Vec<String> = (0..ACCOUNTS)
        .map(|i| {
            let mut line = String::new();
            snapshot_json(&schema, 42, i, as_of, &mut line);
            line
        })
        .collect();
    let bytes: usize = lines.iter().map(|l| l.len() + 1).sum();
    let mut slots = || {
        for l in &lines {
            black_box(parse_json_snapshot(black_box(l), &schema).is_ok());
        }
    };
    let mut value = || {
        for l in &lines {
            black_box(serde_json::from_str::<serde_json::Value>(black_box(l)).is_ok());
        }
    };

    let mut c = Criterion::default().configure_from_args();
    let mut group = c.benchmark_group("reading");
    group.throughput(Throughput::Bytes(bytes as u64));
    group.bench_function("snapshot_slots", |b| b.iter(&mut slots));
    group.bench_function("serde_json_value", |b| b.iter(&mut value));
    group.finish();
    c.final_summary();

    let rounds = if ratio::benchmarking() { 31 } else { 1 };
    println!("({} bytes of JSON Lines, {:.0} bytes per snapshot)", bytes, bytes as f64 / ACCOUNTS as f64);
    ratio::interleaved(
        "reading (target <= 0.5x: twice as fast)",
        ACCOUNTS,
        rounds,
        ("snapshot parsing", &mut slots),
        ("serde_json::Value", &mut value),
    );
}
