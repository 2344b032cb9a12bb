//! Decision tables through the command line: decisions of a table-using
//! policy over a small book (worked out by hand in tests/tables/README.md),
//! `explain`'s matched rows and near misses, `test --coverage` and `diff`.

mod common;

use common::verdict_in;
use std::path::Path;

const POLICY: &str = "tests/fixtures/valid/tables.policy";
const BOOK: &str = "tests/tables/book.jsonl";

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn decisions_of_the_table_policy() {
    let (code, stdout, stderr) = verdict_in(root(), &["eval", POLICY, BOOK, "--format", "table"]);
    assert_eq!(code, 0, "{stderr}");
    insta::assert_snapshot!(stdout);
    let (_, traced, _) = verdict_in(root(), &["eval", POLICY, BOOK, "--trace"]);
    // A table with named outputs shows the row it matched, numbered from 1,
    // under `tables`; among the lets only its outputs (`plan` is no value).
    let fourth = traced.lines().nth(3).unwrap_or_default();
    assert!(fourth.contains(r#"{"let":"plan","row":5}"#) && fourth.contains(r#""plan.stage":"legal""#), "{traced}");
    assert!(!fourth.contains(r#""plan":"#), "{traced}");
}

#[test]
fn explain_names_the_matched_row_and_the_nearest_miss() {
    let (code, stdout, stderr) = verdict_in(root(), &["explain", POLICY, BOOK, "--id", "T-6"]);
    assert_eq!(code, 0, "{stderr}");
    let tables = stdout.split("decision tables\n").nth(1).and_then(|t| t.split("\nhook calls").next()).unwrap();
    insta::assert_snapshot!(tables);
}

#[test]
fn a_row_no_input_reaches_is_no_near_miss() {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("near-miss-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let schema = root().join("tests/fixtures/account.schema.yaml");
    // Row 1 (`< 0`) can never hold a count (check warns W0601); row 2 is one cell away.
    let policy = format!(
        "policy \"p\" version \"1\"\nschema \"{}\"\nlet n = count(overdues within 12 months)\n\
         let q = table (n) -> int {{\n  < 0 => 9\n  0 => 0\n  [1, 2] => 1\n  >= 3 => 2\n}}\n\
         rule \"r\" {{ when q > 0 then tag \"q\" }}\n",
        schema.display()
    );
    std::fs::write(dir.join("p.policy"), policy).unwrap();
    let book = std::fs::read_to_string(root().join(BOOK)).unwrap();
    let one = book.lines().find(|l| l.contains(r#""id": "T-2""#)).unwrap();
    std::fs::write(dir.join("book.jsonl"), format!("{one}\n")).unwrap();
    let (code, stdout, stderr) = verdict_in(&dir, &["explain", "p.policy", "book.jsonl", "--id", "T-2"]);
    assert_eq!(code, 0, "{stderr}");
    let tables = stdout.split("decision tables\n").nth(1).unwrap_or_default();
    let near = tables.lines().nth(1).unwrap_or_default();
    assert!(near.contains("nearest other row: row ") && !near.contains("row 1 "), "{tables}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn coverage_lists_the_rows_no_case_matched() {
    let (code, stdout, stderr) = verdict_in(root(), &["test", "--coverage", "tests/tables/tables.test.yaml"]);
    assert_eq!(code, 0, "{stdout}{stderr}");
    insta::assert_snapshot!(stdout);
    // The JSON report lists the same rows.
    let (_, json, _) = verdict_in(root(), &["test", "--coverage", "--format", "json", "tests/tables/tables.test.yaml"]);
    let doc: serde_json::Value = serde_json::from_str(&json).unwrap();
    let rows = &doc["coverage"][0]["rows_never_hit"];
    assert_eq!(rows[0], serde_json::json!({"table": "limit_factor", "rows": [2, 3]}), "{doc}");
    assert_eq!(rows.as_array().map(Vec::len), Some(4), "{doc}");
    // And the scorecard bins no record fell in, as the text lists them.
    let admission = ["test", "--coverage", "--format", "json", "policies/tests/admission.test.yaml"];
    let (_, json, _) = verdict_in(root(), &admission);
    let doc: serde_json::Value = serde_json::from_str(&json).unwrap();
    let bins = &doc["coverage"][0]["bins_never_hit"];
    let first = serde_json::json!({"scorecard": "app_score", "code": "R01", "bin": 5, "points": "-55"});
    assert_eq!(bins[0], first, "{doc}");
    assert_eq!(bins.as_array().map(Vec::len), Some(9), "{doc}");
}

#[test]
fn diff_lists_the_changed_rows() {
    let dir = std::env::temp_dir().join(format!("verdict-tables-diff-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let old = std::fs::read_to_string(root().join(POLICY)).unwrap();
    let new = old
        .replace("[600, 680) | < 30%  => 1\n", "[600, 680) | < 25%  => 1\n")
        .replace("[600, 680) | >= 30% => 0.8\n", "[600, 680) | >= 25% => 0.8\n");
    assert_ne!(old, new);
    let schema = root().join("tests/fixtures/account.schema.yaml");
    for (name, text) in [("old.policy", &old), ("new.policy", &new)] {
        std::fs::write(dir.join(name), text.replace("../account.schema.yaml", &schema.display().to_string())).unwrap();
    }
    let book = root().join(BOOK);
    let (code, stdout, stderr) = verdict_in(&dir, &["diff", "old.policy", "new.policy", &book.display().to_string()]);
    assert_eq!(code, 0, "{stderr}");
    let lets = stdout
        .lines()
        .filter(|l| l.starts_with("  table ") || l.starts_with("    - row") || l.starts_with("    + row"));
    insta::assert_snapshot!(lets.collect::<Vec<_>>().join("\n"));
}
