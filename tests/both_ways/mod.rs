//! Deciding generated accounts both ways, for the tests of the lowering: untraced
//! (the lowered code) and traced by the interpreter alone, leaf by leaf
//! (`interpret_traces`: a traced leaf otherwise runs its lowered code too).

use verdict::compile::Program;
use verdict::eval::Outputs;
use verdict::snapshot::parse_json_snapshot;
use verdict::synth::snapshot_json;
use verdict::value::parse_date;
use verdict::{evaluate, EvalOptions};

/// Decides `count` generated accounts of `seed` both ways with the bound
/// `max_element_visits`, asserting identical decisions and error records;
/// returns (decided, failed).
pub fn same_both_ways(program: &Program, seed: u64, count: u64, max_element_visits: usize) -> (usize, usize) {
    let as_of = parse_date("2026-11-01").unwrap();
    let fast = EvalOptions { max_element_visits, ..EvalOptions::default() };
    let traced = EvalOptions { trace: true, interpret_traces: true, ..fast };
    let (mut decided, mut failed) = (0, 0);
    for i in 0..count {
        let mut line = String::new();
        snapshot_json(&program.schema, seed, i, as_of, &mut line);
        let Ok(snapshot) = parse_json_snapshot(&line, &program.schema) else { continue };
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
