//! Deciding generated accounts both ways, for the tests of the lowering: untraced
//! (the lowered code) and traced by the interpreter alone, leaf by leaf
//! (`interpret_traces`: a traced leaf otherwise runs its lowered code too).

#![allow(dead_code, reason = "each test crate that includes this module uses part of it")]

use verdict::compile::Program;
use verdict::eval::Outputs;
use verdict::snapshot::{parse_json_snapshot, Snapshot};
use verdict::synth::snapshot_json;
use verdict::value::parse_date;
use verdict::{evaluate, EvalOptions};

/// Decides `count` generated accounts of `seed` both ways with the bound
/// `max_element_visits`, asserting identical decisions and error records;
/// returns (decided, failed).
pub fn same_both_ways(program: &Program, seed: u64, count: u64, max_element_visits: usize) -> (usize, usize) {
    let fast = EvalOptions { max_element_visits, ..EvalOptions::default() };
    let traced = EvalOptions { trace: true, interpret_traces: true, ..fast };
    let (mut decided, mut failed) = (0, 0);
    for (i, line, snapshot) in generated_accounts(program, seed, count) {
        let lowered = evaluate(program, &snapshot, fast);
        let interpreted: Outputs =
            evaluate(program, &snapshot, traced).map(|d| verdict::eval::Decision { trace: None, ..d });
        assert_eq!(lowered, interpreted, "seed {seed}, account {i}: {line}");
        match lowered {
            Ok(_) => decided += 1,
            Err(_) => failed += 1,
        }
    }
    (decided, failed)
}

/// Each of `count` generated accounts of `seed` that fits the schema: its
/// number, its JSON line (for failure messages) and its snapshot.
pub fn generated_accounts(
    program: &Program,
    seed: u64,
    count: u64,
) -> impl Iterator<Item = (u64, String, Snapshot)> + '_ {
    let as_of = parse_date("2026-11-01").unwrap();
    (0..count).filter_map(move |i| {
        let mut line = String::new();
        snapshot_json(&program.schema, seed, i, as_of, &mut line);
        let snapshot = parse_json_snapshot(&line, &program.schema).ok()?;
        Some((i, line, snapshot))
    })
}
