//! The language contract, read the way an outside acceptance suite reads it:
//! each test follows one of the contract's sentences word for word, through
//! the command line (a schema, a policy and snapshots of its own in a fresh
//! folder) and nothing of verdict's own documentation. Grouped by the
//! contract's sections.

mod common;

use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};

use serde_json::Value;

/// A schema with a field of every kind the tests need.
const SCHEMA: &str = "entity: account
key: id
fields:
  id: string
  customer: string
  status: enum(active, restricted, frozen, closed)
  score: int
  credit_limit: money
  balance: money
  income: money?
  tags: set<string>
  overdues:
    list:
      due_on: date
      days: int
    by: due_on
";

/// Two accounts: `A1` with a limit, `A2` with a limit of 0.
const BOOK: &str = r#"{"id":"A1","customer":"C1","as_of":"2026-11-01","status":"active","score":700,"credit_limit":"10000","balance":"2500","income":"4000","tags":["x"],"overdues":[]}
{"id":"A2","customer":"C2","as_of":"2026-11-01","status":"frozen","score":590,"credit_limit":"0","balance":"2500","tags":[],"overdues":[{"due_on":"2026-10-01","days":40}]}
"#;

/// A fresh folder holding `SCHEMA` as `s.yaml`, `BOOK` as `book.jsonl`, and
/// the policy `t.policy` of `body` (after its `policy` and `schema` lines).
fn folder(body: &str) -> PathBuf {
    static N: AtomicUsize = AtomicUsize::new(0);
    let name = format!("{}", N.fetch_add(1, Ordering::Relaxed));
    let dir = common::temp_folder("contract-language", &name);
    std::fs::write(dir.join("s.yaml"), SCHEMA).unwrap();
    std::fs::write(dir.join("book.jsonl"), BOOK).unwrap();
    let policy = format!("policy \"p\" version \"1\"\nschema \"s.yaml\"\n{body}\n");
    std::fs::write(dir.join("t.policy"), policy).unwrap();
    dir
}

/// The records of JSON Lines output.
fn records(stdout: &str) -> Vec<Value> {
    stdout.lines().map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}"))).collect()
}

/// The book as one JSON array, the way a `.json` snapshot file holds several accounts.
fn book_as_json_array() -> String {
    let rows: Vec<Value> = records(BOOK);
    serde_json::to_string(&rows).unwrap()
}

// §3 and §6: one output record per snapshot in every output format, whatever
// the input format.

#[test]
fn json_output_is_one_json_array_whatever_the_input_format() {
    let dir = folder(r#"rule "r" { when score > 600 then tag "good" }"#);
    std::fs::write(dir.join("book.json"), book_as_json_array()).unwrap();
    let yaml = "- {id: A1, customer: C1, as_of: 2026-11-01, status: active, score: 700, credit_limit: 1, balance: 0, tags: [], overdues: []}\n- {id: A2, customer: C2, as_of: 2026-11-01, status: active, score: 500, credit_limit: 1, balance: 0, tags: [], overdues: []}\n";
    std::fs::write(dir.join("book.yaml"), yaml).unwrap();
    for input in ["book.jsonl", "book.json", "book.yaml"] {
        for jobs in ["1", "2"] {
            let (code, out, err) =
                common::verdict_in(&dir, &["eval", "t.policy", input, "--format", "json", "--jobs", jobs]);
            assert_eq!(code, 0, "{input}: {err}");
            let all: Value = serde_json::from_str(&out).unwrap_or_else(|e| panic!("{input}: {e}:\n{out}"));
            let ids: Vec<&str> = all.as_array().unwrap().iter().map(|d| d["id"].as_str().unwrap()).collect();
            assert_eq!(ids, ["A1", "A2"], "{input}");
        }
    }
}

#[test]
fn yaml_output_is_one_yaml_list_whatever_the_input_format() {
    let dir = folder(r#"rule "r" { when score > 600 then tag "good" }"#);
    std::fs::write(dir.join("book.json"), book_as_json_array()).unwrap();
    let (code, out, err) = common::verdict_in(&dir, &["eval", "t.policy", "book.json", "--format", "yaml"]);
    assert_eq!(code, 0, "{err}");
    // A list of two items, and nothing after the last (an empty list is `[]`).
    let items: Vec<&str> = out.lines().filter(|l| l.starts_with("- ")).collect();
    assert_eq!(items.len(), 2, "{out}");
    assert!(out.lines().all(|l| l.starts_with("- ") || l.starts_with("  ")), "{out}");
}

#[test]
fn csv_output_has_one_header_and_a_row_per_snapshot_whatever_the_input_format() {
    let dir = folder(r#"rule "r" { when score > 600 then tag "good" }"#);
    std::fs::write(dir.join("book.json"), book_as_json_array()).unwrap();
    for input in ["book.jsonl", "book.json"] {
        let (code, out, err) = common::verdict_in(&dir, &["eval", "t.policy", input, "--format", "csv"]);
        assert_eq!(code, 0, "{err}");
        let firsts: Vec<&str> = out.lines().map(|l| l.split(',').next().unwrap_or("")).collect();
        assert_eq!(firsts, ["id", "A1", "A2"], "{input}:\n{out}");
    }
}
