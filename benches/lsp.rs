//! `verdict lsp` re-checking a 1,000-rule policy after a keystroke (target:
//! under 100 ms): the change applied to the document's text, then the whole
//! check the server runs before publishing diagnostics (parse, schema, names
//! and types, the reviewer's warnings, batches and hooks), and the outline
//! and hover index built from it.

#[path = "support/big_policy.rs"]
mod big_policy;

use criterion::Criterion;
use lsp_types::{Position, Range, TextDocumentContentChangeEvent, Uri};
use std::hint::black_box;
use std::str::FromStr;
use verdict::lsp::Document;

fn main() {
    let text = big_policy::big_policy(1_000);
    let path = std::env::current_dir().expect("a current folder").join("policies/generated-1k.policy");
    let uri = Uri::from_str(&format!("file://{}", path.display())).expect("a file URI");
    let mut doc = Document::new(uri, text, 1);
    doc.check();
    assert!(doc.analysis.checked.is_some(), "the generated policy checks: {:?}", doc.analysis.diagnostics.first());
    // A keystroke in the middle of the file: a space typed at the end of a
    // line, then deleted, so every other check sees the same text.
    let line = (doc.text.lines().count() / 2) as u32;
    let end = doc.text.lines().nth(line as usize).map_or(0, |l| l.encode_utf16().count()) as u32;
    let at = Position::new(line, end);
    let typed =
        TextDocumentContentChangeEvent { range: Some(Range::new(at, at)), range_length: None, text: " ".into() };
    let deleted = TextDocumentContentChangeEvent {
        range: Some(Range::new(at, Position::new(line, end + 1))),
        range_length: None,
        text: String::new(),
    };
    let mut c = Criterion::default().configure_from_args();
    let mut group = c.benchmark_group("lsp");
    group.sample_size(20);
    let mut flip = false;
    group.bench_function("keystroke_recheck_1k_rules", |b| {
        b.iter(|| {
            flip = !flip;
            doc.apply(vec![if flip { typed.clone() } else { deleted.clone() }]);
            doc.check();
            black_box(doc.analysis.diagnostics.len())
        })
    });
    group.finish();
    // CPU time per re-check, steadier than wall time on a shared machine:
    // the process's user + system time (the check runs on its own thread).
    let rounds = 30;
    let (cpu_before, wall) = (cpu_seconds(), std::time::Instant::now());
    for _ in 0..rounds {
        flip = !flip;
        doc.apply(vec![if flip { typed.clone() } else { deleted.clone() }]);
        doc.check();
    }
    let (cpu, wall) = (cpu_seconds() - cpu_before, wall.elapsed().as_secs_f64());
    println!(
        "KEYSTROKE 1,000 rules: {:.1} ms CPU, {:.1} ms wall per re-check ({rounds} rounds; target < 100 ms)",
        cpu * 1e3 / f64::from(rounds),
        wall * 1e3 / f64::from(rounds)
    );
}

/// User + system time of this process so far, from `/proc/self/stat` (Linux; 0 elsewhere).
fn cpu_seconds() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    // Fields after the command name (which is in parentheses and may hold spaces).
    let after = stat.rsplit_once(')').map_or("", |(_, rest)| rest);
    let fields: Vec<&str> = after.split_whitespace().collect();
    let ticks = |i: usize| fields.get(i).and_then(|f| f.parse::<f64>().ok()).unwrap_or(0.0);
    // utime and stime are fields 14 and 15 of the line, 12 and 13 after the name; 100 ticks a second on Linux.
    (ticks(11) + ticks(12)) / 100.0
}
