//! Entry points shared by the `cargo fuzz` targets (`fuzz/`) and the
//! regression test that replays their minimized corpus (`tests/fuzz_corpus.rs`),
//! so CI runs exactly what the fuzzers ran. Each function may reject its input;
//! none may panic, hang or lose a record.

use crate::schema::{load_schema, Schema};
use crate::snapshot::{read_snapshots_with, Format, ReadLimits};
use std::path::Path;
use std::sync::{Arc, OnceLock};

const SCHEMA_TEXT: &str = include_str!("../policies/account.schema.yaml");

fn example_schema() -> Option<&'static Schema> {
    static SCHEMA: OnceLock<Option<Schema>> = OnceLock::new();
    SCHEMA.get_or_init(|| load_schema(Path::new("account.schema.yaml"), SCHEMA_TEXT).ok()).as_ref()
}

/// Parses and checks `text` as a policy over the example schema; for a
/// policy that parses, checks that the formatter keeps its meaning (the
/// formatted text parses to the same tree) and is idempotent.
pub fn policy_check(text: &str) {
    let Some(schema) = example_schema() else { return };
    let path = Path::new("fuzz.policy");
    // On a large stack, as `load_policy` runs these stages: the deepest policy
    // the parser accepts needs more than a test thread's 2 MiB in a debug build.
    let checked = crate::load::on_large_stack(|| {
        if let Ok(ast) = crate::syntax::parse_policy(path, text) {
            let _ = crate::check::check(&ast, path, text, schema);
            let formatted = crate::format::format_ast(&ast, text);
            let reparsed = crate::syntax::parse_policy(path, &formatted);
            assert!(reparsed.as_ref().is_ok_and(|again| *again == ast), "formatting keeps the policy's meaning");
            assert_eq!(
                crate::format::format_source(path, &formatted).ok(),
                Some(formatted),
                "formatting is idempotent"
            );
        }
    });
    assert!(checked.is_ok(), "a thread to check on");
}

/// Loads `text` as a schema.
pub fn schema_yaml(text: &str) {
    let _ = load_schema(Path::new("fuzz.schema.yaml"), text);
}

/// Reads `data` as snapshots in every format, with the default limits and
/// with tiny ones (so the oversize paths run too); for JSON Lines, checks that
/// every non-blank line yields exactly one record either way.
pub fn snapshot_read(data: &[u8]) {
    let Some(schema) = example_schema() else { return };
    let schema = Arc::new(schema.clone());
    let tiny = ReadLimits { max_snapshot_bytes: 24, max_file_bytes: 512 };
    for limits in [ReadLimits::default(), tiny] {
        // Parquet too: its decoder panics on some damaged files, which must
        // come out as a reading error (`caught`).
        for format in [Format::Json, Format::Jsonl, Format::Yaml, Format::Csv, Format::Parquet] {
            if let Ok(reader) = read_snapshots_with(data, format, schema.clone(), limits) {
                let records = reader.count();
                if format == Format::Jsonl && std::str::from_utf8(data).is_ok() {
                    assert_eq!(records, json_lines(data), "one record per JSON line");
                }
            }
        }
    }
    if let Ok(text) = std::str::from_utf8(data) {
        json_readers_agree(&schema, text);
        for line in text.lines() {
            json_readers_agree(&schema, line);
        }
    }
}

/// Reads `text` as one JSON snapshot with both JSON readers: whenever the
/// one-pass reader reads it (rather than leaving it to `serde_json`), it must
/// give the same snapshot or error record as the `serde_json` reader, down to
/// each decimal's scale. Returns whether the one-pass reader read it.
pub fn json_readers_agree(schema: &Schema, text: &str) -> bool {
    let Some(direct) = crate::snapshot::read_json_direct(text, schema) else {
        return false;
    };
    let serde = crate::snapshot::parse_with_serde(text, schema, crate::snapshot::Origin::START);
    // Debug text, not `==`: decimals compare by value, and 1.0 must not pass for 1.00.
    assert_eq!(format!("{direct:?}"), format!("{serde:?}"), "the JSON readers disagree on {text:?}");
    true
}

/// Non-blank lines, counted independently of the reader: a line is blank if
/// it is all ASCII whitespace, after a byte-order mark on the first line.
fn json_lines(data: &[u8]) -> usize {
    let bom = "\u{feff}".as_bytes();
    // A line ends at `\n` (`\r\n` is a `\n` after whitespace); a lone
    // `\r` is whitespace inside a line, as JSON Lines defines it.
    data.split(|b| *b == b'\n')
        .enumerate()
        .map(|(i, line)| if i == 0 { line.strip_prefix(bom).unwrap_or(line) } else { line })
        .filter(|line| !line.iter().all(u8::is_ascii_whitespace))
        .count()
}

/// The policies `eval_snapshot` decides with: the shipped examples (the
/// admission policy reads applications, the others accounts) and
/// `fuzz/policies/second-edition.policy`, which uses every form of the
/// language's second edition (case, tables, scorecards, a split,
/// effective dates, reinstatement).
pub const EVAL_POLICIES: [&str; 5] = [
    "policies/lifecycle.policy",
    "policies/lifecycle-v2.policy",
    "policies/simple.policy",
    "policies/admission.policy",
    "fuzz/policies/second-edition.policy",
];

/// The policies of [`EVAL_POLICIES`] that load (all of them, in a checkout).
pub fn eval_policies() -> &'static [crate::LoadedPolicy] {
    static POLICIES: OnceLock<Vec<crate::LoadedPolicy>> = OnceLock::new();
    POLICIES.get_or_init(|| {
        EVAL_POLICIES
            .iter()
            .filter_map(|name| crate::load_policy(&Path::new(env!("CARGO_MANIFEST_DIR")).join(name)).ok())
            .collect()
    })
}

/// Decides `data` (a JSON snapshot) with each policy of [`EVAL_POLICIES`]
/// that can read it, with traces; checks that deciding twice gives the same
/// record, that the untraced fast path (the lowered code) gives the record
/// the traced interpreter gives, and that the record encodes as one line of
/// valid JSON.
pub fn eval_snapshot(data: &[u8]) {
    let policies = eval_policies();
    let Ok(text) = std::str::from_utf8(data) else { return };
    let options = crate::EvalOptions {
        default_as_of: crate::value::parse_date("2026-11-01"),
        trace: true,
        ..crate::EvalOptions::default()
    };
    for policy in policies {
        let program = &policy.program;
        let Ok(snapshot) = crate::snapshot::parse_json_snapshot(text, &program.schema) else { continue };
        let record = crate::evaluate(program, &snapshot, options);
        assert_eq!(record, crate::evaluate(program, &snapshot, options), "deciding is deterministic");
        let fast = crate::evaluate(program, &snapshot, crate::EvalOptions { trace: false, ..options });
        let untraced = record.clone().map(|d| crate::eval::Decision { trace: None, ..d });
        assert_eq!(fast, untraced, "the lowered code decides as the interpreter");
        let mut writer = crate::output::RecordWriter::new(Vec::new(), crate::output::OutputFormat::Jsonl);
        if writer.write(&record, program).is_ok() {
            if let Ok(line) = writer.finish() {
                assert!(serde_json::from_slice::<serde_json::Value>(&line).is_ok(), "the record encodes as JSON");
                assert_eq!(line.iter().filter(|b| **b == b'\n').count(), 1, "the record is one line");
            }
        }
    }
}
