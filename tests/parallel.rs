//! Whole-book runs through the library: order, determinism and counts do not
//! depend on the number of workers or the chunk size, broken records included.

mod common;

use std::io::Cursor;
use std::path::{Path, PathBuf};
use verdict::compile::Program;
use verdict::ir::Outcome;
use verdict::output::OutputFormat;
use verdict::snapshot::Format;
use verdict::stream::{evaluate_stream, RunReport, Source, StreamOptions, Summary};
use verdict::synth::snapshot_json;
use verdict::value::parse_date;

/// A generated portfolio of `n` lines in which every 499th is broken in one of
/// several ways and every 701st is followed by a blank line. Returns the text
/// and the number of snapshots (non-blank lines) and broken ones.
fn portfolio(program: &Program, n: u64) -> (String, usize, usize) {
    let as_of = parse_date("2026-11-01").unwrap();
    let mut text = String::new();
    let (mut snapshots, mut broken) = (0, 0);
    for i in 0..n {
        let mut line = String::new();
        snapshot_json(&program.schema, 99, i, as_of, &mut line);
        if i % 499 == 17 {
            broken += 1;
            line = match (i / 499) % 4 {
                0 => "{\"id\": \"X\", \"score\": ".to_string(), // cut off
                1 => line.replacen("\"score\":", "\"score\":\"high\",\"was\":", 1), // wrong type
                2 => "[1, 2, 3]".to_string(),                   // not an object
                _ => line.replacen("\"status\":\"", "\"status\":\"x", 1), // not an enum member
            };
        }
        text.push_str(&line);
        text.push('\n');
        snapshots += 1;
        if i % 701 == 5 {
            text.push_str("   \n");
        }
    }
    (text, snapshots, broken)
}

fn lifecycle() -> verdict::LoadedPolicy {
    verdict::load_policy(Path::new("policies/lifecycle.policy")).unwrap()
}

fn run(program: &Program, text: &str, jobs: usize, chunk: usize, output: OutputFormat) -> (Vec<u8>, RunReport) {
    let source =
        Source { name: "-".into(), input: Box::new(Cursor::new(text.to_string())), format: Format::Jsonl, file: None };
    let options = StreamOptions { output, jobs, chunk, ..StreamOptions::default() };
    let (report, out) = evaluate_stream(program, vec![source], Vec::new(), &options, |_| {}).unwrap();
    (out, report)
}

#[test]
fn output_is_byte_identical_for_any_jobs_and_chunk_size() {
    let policy = lifecycle();
    let program = &policy.program;
    let (text, snapshots, broken) = portfolio(program, 20_000);
    let (reference, report) = run(program, &text, 1, 1024, OutputFormat::Jsonl);
    for (jobs, chunk) in [(2, 1024), (2, 7), (4, 1), (3, 333)] {
        let (out, other) = run(program, &text, jobs, chunk, OutputFormat::Jsonl);
        assert!(out == reference, "--jobs {jobs} with chunks of {chunk} differs from --jobs 1");
        assert_eq!(other.tally, report.tally);
    }
    // One record per snapshot, errors included, in input order.
    let records: Vec<serde_json::Value> = reference
        .split(|b| *b == b'\n')
        .filter(|l| !l.is_empty())
        .map(|l| serde_json::from_slice(l).unwrap())
        .collect();
    assert_eq!(records.len(), snapshots);
    assert_eq!(report.tally.records as usize, snapshots);
    assert_eq!(report.tally.error_count() as usize, broken);
    assert_eq!(records.iter().filter(|r| r.get("error").is_some()).count(), broken);
    let ids: Vec<&str> = records.iter().filter_map(|r| r["id"].as_str()).filter(|id| id.starts_with("A-")).collect();
    let mut sorted = ids.clone();
    sorted.sort_unstable();
    assert_eq!(ids, sorted, "decisions come out in input order");
}

#[test]
fn framed_formats_are_identical_across_jobs() {
    let policy = lifecycle();
    let program = &policy.program;
    let (text, _, _) = portfolio(program, 3_000);
    for format in [OutputFormat::Json, OutputFormat::Csv, OutputFormat::Yaml, OutputFormat::Table] {
        let (one, _) = run(program, &text, 1, 1000, format);
        let (many, _) = run(program, &text, 2, 13, format);
        assert!(one == many, "{format:?} differs between --jobs 1 and --jobs 2");
    }
    let (json, _) = run(program, &text, 2, 13, OutputFormat::Json);
    let array: Vec<serde_json::Value> = serde_json::from_slice(&json).unwrap();
    assert_eq!(array.len(), 3_000);
    let (empty, _) = run(program, "", 2, 13, OutputFormat::Json);
    assert_eq!(empty, b"[]\n");
}

#[test]
fn the_tally_counts_every_record() {
    let policy = lifecycle();
    let program = &policy.program;
    let (text, snapshots, broken) = portfolio(program, 5_000);
    let (out, report) = run(program, &text, 2, 64, OutputFormat::Jsonl);
    let t = &report.tally;
    assert_eq!(t.records as usize, snapshots);
    assert_eq!(t.decided + t.error_count(), t.records);
    assert_eq!(t.errors_of(verdict::eval::ErrorKind::Snapshot) as usize, broken);
    assert_eq!(t.outcomes.iter().sum::<u64>(), t.decided);
    // Fires per rule agree with the `fired` lists written.
    let text = String::from_utf8(out).unwrap();
    for (rule, fired) in program.rules.iter().zip(&t.fired) {
        let needle = format!("\"{}\"", rule.name);
        let written = text
            .lines()
            .filter(|l| {
                l.split("\"fired\":").nth(1).is_some_and(|f| f.split(']').next().unwrap_or("").contains(&needle))
            })
            .count();
        assert_eq!(*fired as usize, written, "fires of {}", rule.name);
    }
    let summary = Summary::new(program, t);
    assert_eq!(summary.outcomes.get("close"), t.outcome(Outcome::Close));
    assert_eq!(summary.fired.len(), program.rules.len());
}

/// A copy of the lifecycle policy with its guards replaced, in a scratch folder next to copies of its files.
fn guarded_policy(guards: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("guards-{}", std::process::id()));
    let text = std::fs::read_to_string("policies/lifecycle.policy").unwrap();
    let text: String =
        text.lines().filter(|l| !l.starts_with("guard ")).map(|l| format!("{l}\n")).collect::<String>() + guards;
    common::policy_beside_example_files(&dir, "guarded.policy", &text)
}

#[test]
fn guards_are_counted_over_the_whole_parallel_run() {
    let path = guarded_policy("guard close at most 1%\nguard freeze at most 10\n");
    let policy = verdict::load_policy(&path).unwrap();
    let program = &policy.program;
    let (text, _, _) = portfolio(program, 20_000);
    let (_, one) = run(program, &text, 1, 1024, OutputFormat::Jsonl);
    let (_, two) = run(program, &text, 2, 50, OutputFormat::Jsonl);
    let (s1, s2) = (Summary::new(program, &one.tally), Summary::new(program, &two.tally));
    let guards = |s: &Summary| s.guards.iter().map(|g| (g.count, g.bound.clone(), g.breached)).collect::<Vec<_>>();
    assert_eq!(guards(&s1), guards(&s2));
    // The generated book closes about 2.5% of accounts and freezes about 1%: both guards are breached,
    // on counts no single chunk reaches.
    assert!(s2.guards.iter().all(|g| g.breached), "{:?}", s2.guards);
    assert!(s2.guards[1].count > 10);
}

/// Gives some JSON Lines, then fails like a disk or a pipe can.
struct FailingInput {
    text: std::io::Cursor<Vec<u8>>,
}

impl std::io::Read for FailingInput {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        match std::io::Read::read(&mut self.text, buf)? {
            0 => Err(std::io::Error::other("the disk went away")),
            n => Ok(n),
        }
    }
}

#[test]
fn an_input_failing_mid_stream_ends_with_one_error_record() {
    let policy = lifecycle();
    let program = &policy.program;
    let (text, snapshots, _) = portfolio(program, 3_000);
    for jobs in [1, 2] {
        let input = std::io::BufReader::new(FailingInput { text: Cursor::new(text.clone().into_bytes()) });
        let source = Source { name: "flaky".into(), input: Box::new(input), format: Format::Jsonl, file: None };
        let options = StreamOptions { jobs, chunk: 100, ..StreamOptions::default() };
        let (report, out) = evaluate_stream(program, vec![source], Vec::new(), &options, |_| {}).unwrap();
        let out = String::from_utf8(out).unwrap();
        assert_eq!(out.lines().count(), snapshots + 1);
        assert_eq!(report.tally.records as usize, snapshots + 1);
        let last = out.lines().last().unwrap();
        assert!(last.contains("reading `flaky` stopped here: cannot read snapshots: the disk went away"), "{last}");
        // The caller hears of it too, naming the input.
        let names: Vec<&str> = report.input_errors.iter().map(|e| e.name.as_str()).collect();
        assert_eq!(names, ["flaky"]);
    }
}

#[test]
fn several_inputs_make_one_run() {
    let policy = lifecycle();
    let program = &policy.program;
    let (text, snapshots, broken) = portfolio(program, 2_000);
    let yaml = std::fs::read_to_string("policies/portfolio.yaml").unwrap();
    let sources = || {
        vec![
            Source { name: "a".into(), input: Box::new(Cursor::new(text.clone())), format: Format::Jsonl, file: None },
            Source { name: "b".into(), input: Box::new(Cursor::new(yaml.clone())), format: Format::Yaml, file: None },
            Source { name: "c".into(), input: Box::new(Cursor::new("id,score\n")), format: Format::Csv, file: None },
            Source { name: "d".into(), input: Box::new(Cursor::new(text.clone())), format: Format::Jsonl, file: None },
        ]
    };
    let mut outputs = Vec::new();
    for jobs in [1, 2] {
        let options = StreamOptions { jobs, chunk: 64, ..StreamOptions::default() };
        let (report, out) = evaluate_stream(program, sources(), Vec::new(), &options, |_| {}).unwrap();
        // The CSV input cannot be read at all (a schema with lists); the others all count.
        assert_eq!(report.input_errors.len(), 1);
        assert_eq!(report.input_errors[0].name, "c");
        let yaml_records = report.tally.records as usize - 2 * snapshots;
        assert!(yaml_records > 0);
        assert!(report.tally.error_count() as usize >= 2 * broken);
        outputs.push(out);
    }
    assert!(outputs[0] == outputs[1]);
}

/// A library caller asking for more than `MAX_JOBS` workers gets an error at
/// once, with nothing written, instead of a run that starts that many threads.
#[test]
fn more_workers_than_the_maximum_is_an_error() {
    let policy = lifecycle();
    let (text, _, _) = portfolio(&policy.program, 10);
    let source = Source { name: "-".into(), input: Box::new(Cursor::new(text)), format: Format::Jsonl, file: None };
    let options = StreamOptions { jobs: verdict::stream::MAX_JOBS + 1, ..StreamOptions::default() };
    let started = std::time::Instant::now();
    let result = evaluate_stream(&policy.program, vec![source], Vec::new(), &options, |_| {});
    assert!(started.elapsed() < std::time::Duration::from_secs(5));
    let err = result.expect_err("too many workers is an error");
    assert!(err.to_string().contains("at most 1024"), "{err}");
}
