//! Decisions written as Parquet from chunks decided on several workers: the
//! file is the same whatever the number of jobs and the chunk size, in input
//! order, and a limit that does not fit the column is that account's error
//! row, the others decided. A book `synth` writes follows its name, too.

mod common;

use arrow_array::{Array, Decimal128Array, RecordBatch, StringArray};
use common::{repo_root as root, verdict_in};
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
use std::path::{Path, PathBuf};

fn temp(name: &str) -> PathBuf {
    common::temp_folder("parquet-output", name)
}

fn run(dir: &Path, args: &[&str]) -> String {
    let (code, out, err) = verdict_in(dir, args);
    assert!(code == 0 || code == 1, "exit {code}: {err}");
    out
}

fn read(path: &Path) -> Vec<RecordBatch> {
    let file = std::fs::File::open(path).unwrap();
    ParquetRecordBatchReaderBuilder::try_new(file).unwrap().build().unwrap().map(Result::unwrap).collect()
}

#[test]
fn decisions_as_parquet_are_the_same_file_for_any_jobs_and_chunk_size() {
    let dir = temp("order");
    let book = dir.join("book.parquet");
    let book_arg = book.to_str().unwrap();
    run(
        &root(),
        &[
            "synth",
            "policies/account.schema.yaml",
            "--count",
            "1500",
            "--seed",
            "5",
            "--format",
            "parquet",
            "--output",
            book_arg,
        ],
    );
    let policy = "policies/lifecycle.policy";
    let decide = |jobs: &str, chunk: &str| {
        let out = dir.join(format!("decisions-{jobs}-{chunk}.parquet"));
        let args = ["eval", policy, book_arg, "--format", "parquet", "--output", out.to_str().unwrap()];
        run(&root(), &[&args[..], &["--jobs", jobs, "--chunk", chunk]].concat());
        read(&out)
    };
    let whole = decide("1", "1500");
    for (jobs, chunk) in [("2", "1"), ("3", "37"), ("4", "256")] {
        assert_eq!(decide(jobs, chunk), whole, "--jobs {jobs} --chunk {chunk}");
    }
    // In the book's order: the ids as the JSON decisions give them.
    let json = run(&root(), &["eval", policy, book_arg, "--jobs", "3", "--chunk", "37"]);
    let expected: Vec<String> =
        json.lines().map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap()["id"].to_string()).collect();
    let ids: Vec<String> = whole
        .iter()
        .flat_map(|batch| {
            let ids = batch.column(0).as_any().downcast_ref::<StringArray>().unwrap().clone();
            (0..ids.len()).map(move |row| format!("\"{}\"", ids.value(row)))
        })
        .collect();
    assert_eq!(ids.len(), 1500);
    assert_eq!(ids, expected);

    // The footer names the policy that decided, as each JSON decision does.
    let file = std::fs::File::open(dir.join("decisions-1-1500.parquet")).unwrap();
    let builder = ParquetRecordBatchReaderBuilder::try_new(file).unwrap();
    let pairs: Vec<(String, String)> = builder
        .metadata()
        .file_metadata()
        .key_value_metadata()
        .into_iter()
        .flatten()
        .filter(|kv| kv.key.starts_with("verdict."))
        .map(|kv| (kv.key.clone(), kv.value.clone().unwrap_or_default()))
        .collect();
    let first: serde_json::Value = serde_json::from_str(json.lines().next().unwrap()).unwrap();
    let named = |key: &str| first["policy"][key].as_str().unwrap().to_owned();
    assert_eq!(
        pairs,
        [
            ("verdict.policy.name".to_owned(), named("name")),
            ("verdict.policy.version".to_owned(), named("version")),
            ("verdict.policy.fingerprint".to_owned(), named("fingerprint")),
        ]
    );
}

/// A folder with a schema of `id`, `credit_limit` and `more` fields, and a
/// policy of one rule setting the limit to `limit` when `when` holds.
fn limit_rule(name: &str, more: &str, when: &str, limit: &str) -> PathBuf {
    let dir = temp(name);
    let schema = format!("entity: account\nkey: id\nfields:\n  id: string\n  credit_limit: money\n{more}");
    std::fs::write(dir.join("s.schema.yaml"), schema).unwrap();
    let policy = format!(
        "policy \"p\" version \"1\"\nschema \"s.schema.yaml\"\n\nrule \"r\" {{\n  when {when}\n  then set limit to {limit}\n}}\n"
    );
    std::fs::write(dir.join("p.policy"), policy).unwrap();
    dir
}

#[test]
fn a_limit_that_does_not_fit_the_column_is_that_accounts_error_row() {
    let dir = limit_rule("limit", "  score: int\n", "score < 2", "credit_limit / 3");
    let book: String = (1..=50)
        .map(|i| format!("{{\"id\":\"A{i}\",\"credit_limit\":\"1000\",\"score\":{}}}\n", if i == 40 { 1 } else { 5 }))
        .collect();
    std::fs::write(dir.join("b.jsonl"), book).unwrap();
    for jobs in ["1", "2"] {
        let args =
            ["eval", "p.policy", "b.jsonl", "--as-of", "2026-11-01", "--format", "parquet", "--output", "o.parquet"];
        let (code, _, err) = verdict_in(&dir, &[&args[..], &["--jobs", jobs, "--chunk", "7"]].concat());
        assert_eq!(code, 1, "--jobs {jobs}: {err}");
        assert!(err.contains("50 snapshots: 49 decided (none 49), 1 error"), "--jobs {jobs}: {err}");
        let batches = read(&dir.join("o.parquet"));
        let column = |name: &str| -> Vec<Option<String>> {
            let strings = |b: &RecordBatch| {
                let c = b.column_by_name(name).unwrap().as_any().downcast_ref::<StringArray>().unwrap().clone();
                (0..c.len()).map(|i| c.is_valid(i).then(|| c.value(i).to_string())).collect::<Vec<_>>()
            };
            batches.iter().flat_map(strings).collect()
        };
        let ids = column("id");
        assert_eq!(ids.len(), 50, "--jobs {jobs}");
        assert_eq!(ids[39].as_deref(), Some("A40"));
        assert_eq!(column("error_kind")[39].as_deref(), Some("eval"));
        assert_eq!(
            column("error_message")[39].as_deref(),
            Some(
                "the limit 333.33333333333333333333333333 does not fit the Parquet column DECIMAL(38, 18); \
                 it is never rounded to fit (round it in the policy)"
            )
        );
        assert_eq!(column("outcome").iter().filter(|o| o.as_deref() == Some("none")).count(), 49);
    }
}

#[test]
fn a_limit_with_trailing_zeros_past_the_columns_scale_is_written_exactly() {
    // Money read from a DECIMAL(38, 18) column (as Spark writes one) times 0.9
    // keeps its zeros: 90.000000000000000000000 is 90, and fits the column.
    let dir = limit_rule("zeros", "", "credit_limit > 0", "credit_limit * 0.9");
    let zeros = "0".repeat(21);
    let book = format!(
        "{{\"id\":\"A1\",\"credit_limit\":\"100.{zeros}\"}}\n{{\"id\":\"A2\",\"credit_limit\":\"12345.67{zeros}\"}}\n"
    );
    std::fs::write(dir.join("b.jsonl"), book).unwrap();
    let args = ["eval", "p.policy", "b.jsonl", "--as-of", "2026-11-01", "--format", "parquet", "--output", "o.parquet"];
    let (code, _, err) = verdict_in(&dir, &args);
    assert_eq!(code, 0, "{err}");
    let limits: Vec<i128> = read(&dir.join("o.parquet"))
        .iter()
        .flat_map(|b| {
            let c = b.column_by_name("limit").unwrap().as_any().downcast_ref::<Decimal128Array>().unwrap().clone();
            (0..c.len()).map(move |i| c.value(i))
        })
        .collect();
    let e18 = 10i128.pow(18);
    assert_eq!(limits, [90 * e18, 11_111_103 * e18 / 1000]);
}

#[test]
fn a_text_format_into_a_file_named_parquet_is_written_as_asked_with_a_warning() {
    let dir = temp("misnamed");
    let policy = "policies/lifecycle.policy";
    let book = "policies/portfolio.jsonl";
    let named = dir.join("decisions.parquet");
    let (code, _, err) = verdict_in(&root(), &["eval", policy, book, "--output", named.to_str().unwrap()]);
    assert_eq!(code, 1, "the shipped portfolio has broken snapshots: {err}");
    assert!(
        err.contains("is named .parquet but the decisions are written as jsonl; add --format parquet"),
        "stderr: {err}"
    );
    let text = std::fs::read_to_string(&named).unwrap();
    let stdout = run(&root(), &["eval", policy, book]);
    assert_eq!(text, stdout, "the file holds the JSON Lines that were asked for");
    // Parquet asked for, or a text name: no warning.
    let parquet = dir.join("real.parquet");
    let (_, _, err) =
        verdict_in(&root(), &["eval", policy, book, "--format", "parquet", "--output", parquet.to_str().unwrap()]);
    assert!(!err.contains("is named .parquet"), "stderr: {err}");
    assert!(!read(&parquet).is_empty());
    let jsonl = dir.join("decisions.jsonl");
    let (_, _, err) = verdict_in(&root(), &["eval", policy, book, "--output", jsonl.to_str().unwrap()]);
    assert!(!err.contains("is named .parquet"), "stderr: {err}");
}

/// `synth` writes the format a book's name says, as every command reads it
/// by its name; a `--format` against the name is written as asked, and said.
#[test]
fn synth_writes_a_book_named_parquet_as_parquet() {
    let dir = temp("synth-named");
    let schema = "policies/account.schema.yaml";
    let named = dir.join("book.parquet");
    let (code, _, err) = verdict_in(&root(), &["synth", schema, "-n", "40", "-o", named.to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
    assert!(err.is_empty(), "no warning for a name that matches: {err}");
    assert_eq!(read(&named).iter().map(RecordBatch::num_rows).sum::<usize>(), 40);
    let from_parquet = run(&root(), &["eval", "policies/lifecycle.policy", named.to_str().unwrap()]);
    let jsonl = dir.join("book.jsonl");
    let (code, _, err) = verdict_in(&root(), &["synth", schema, "-n", "40", "-o", jsonl.to_str().unwrap()]);
    assert_eq!((code, err.as_str()), (0, ""));
    assert_eq!(run(&root(), &["eval", "policies/lifecycle.policy", jsonl.to_str().unwrap()]), from_parquet);
    for (name, format, read_as) in [("asked.parquet", "jsonl", "parquet"), ("asked.jsonl", "parquet", "jsonl")] {
        let path = dir.join(name);
        let (code, _, err) =
            verdict_in(&root(), &["synth", schema, "-n", "2", "--format", format, "-o", path.to_str().unwrap()]);
        assert_eq!(code, 0, "{err}");
        let said = format!("is written as {format} but its name makes it read as {read_as}; name it .{format}");
        assert!(err.contains(&said), "stderr: {err}");
    }
    let json = dir.join("book.json");
    let (_, _, err) = verdict_in(&root(), &["synth", schema, "-n", "2", "-o", json.to_str().unwrap()]);
    assert!(err.contains("is written as jsonl but its name makes it read as json"), "stderr: {err}");
}
