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

// §4 Expressions: "only the `set limit` expression whose value the decision
// carries is computed (none under `close`)".

#[test]
fn a_limit_is_not_computed_under_close_even_when_set_first() {
    // The limit rule runs first (higher priority) and would divide by zero on A2.
    let dir = folder(
        r#"rule "raise" priority 5 { when score > 0 then set limit to balance / credit_limit }
rule "shut" { when score > 0 then close }"#,
    );
    let (code, out, err) = common::verdict_in(&dir, &["eval", "t.policy", "book.jsonl"]);
    assert_eq!(code, 0, "{out}{err}");
    for d in records(&out) {
        assert_eq!(d["outcome"], "close", "{d}");
        assert_eq!(d["limit"], "0", "{d}");
        assert_eq!(d["fired"], serde_json::json!(["raise", "shut"]), "{d}");
    }
}

#[test]
fn a_limit_is_computed_when_the_decision_carries_it() {
    // The same policy without `close`: the division by zero is A2's error record.
    let dir = folder(r#"rule "raise" priority 5 { when score > 0 then set limit to balance / credit_limit }"#);
    let (code, out, _) = common::verdict_in(&dir, &["eval", "t.policy", "book.jsonl"]);
    assert_eq!(code, 1);
    let all = records(&out);
    assert_eq!(all[0]["limit"], "0.25");
    assert_eq!(all[1]["error"]["kind"], "eval");
}

// §10.4: "the decision's `limit` is null unless the outcome is `approve`", and
// (§4) only the limit a decision carries is computed.

#[test]
fn an_application_limit_is_computed_only_when_approved() {
    let dir = folder("");
    std::fs::write(
        dir.join("app.yaml"),
        "entity: application\nkey: id\nfields:\n  id: string\n  amount: money\n  income: money\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("apps.jsonl"),
        "{\"id\":\"P1\",\"as_of\":\"2026-11-01\",\"amount\":\"100\",\"income\":\"0\"}\n\
         {\"id\":\"P2\",\"as_of\":\"2026-11-01\",\"amount\":\"100\",\"income\":\"50\"}\n\
         {\"id\":\"P3\",\"as_of\":\"2026-11-01\",\"amount\":\"100\",\"income\":\"400\"}\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("a.policy"),
        r#"policy "a" version "1"
schema "app.yaml"
rule "ok" priority 5 { when amount > 0 then approve set limit to amount / income }
rule "no" { when income < 10 then decline reason "D1" "low income" }
rule "ref" { when income < 100 then refer }
"#,
    )
    .unwrap();
    let (code, out, err) = common::verdict_in(&dir, &["eval", "a.policy", "apps.jsonl"]);
    assert_eq!(code, 0, "{out}{err}");
    let all = records(&out);
    let decided: Vec<(&str, &Value)> = all.iter().map(|d| (d["outcome"].as_str().unwrap(), &d["limit"])).collect();
    assert_eq!(decided, [("decline", &Value::Null), ("refer", &Value::Null), ("approve", &Value::from("0.25"))]);
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

// §9.4 Completeness: "`count(...)` and `len(...)` are known never to be
// negative; any other int may be", "also through a `let` defined as one".

#[test]
fn count_and_len_start_at_zero_directly_and_through_a_let() {
    let table = |input: &str| {
        format!(
            "let n = count(overdues)\nlet k = len(tags)\n\
             let t = table ({input}) -> int {{\n  0 => 1\n  > 0 => 2\n}}\n\
             rule \"r\" {{ when t > 1 and n >= 0 and k >= 0 then tag \"x\" }}"
        )
    };
    for input in ["count(overdues)", "len(tags)", "len(customer)", "n", "k"] {
        let (code, _, err) = common::verdict_in(&folder(&table(input)), &["check", "t.policy"]);
        assert_eq!(code, 0, "{input}: {err}");
    }
    let (code, _, err) = common::verdict_in(&folder(&table("score")), &["check", "t.policy"]);
    assert_eq!(code, 2);
    assert!(err.contains("E0605") && err.contains("score = -1"), "{err}");
}

// §9.4 Where diagnostics point: "Rows are numbered from 1 in written order,
// `else` counted, comment lines not"; an overlap at the later row.

#[test]
fn rows_are_numbered_without_comment_lines() {
    let body = "let f = table (score) -> int {\n  # low scores\n  < 600 => 1\n  # the middle\n  # (two lines)\n  [600, 700] => 2\n  >= 700 => 3\n}\nrule \"r\" { when f > 1 then tag \"x\" }";
    let (code, _, err) = common::verdict_in(&folder(body), &["check", "t.policy"]);
    assert_eq!(code, 2);
    assert!(err.contains("score = 700 matches rows 2 and 3"), "{err}");
    // At the later row: row 3, on line 9 of the policy file.
    assert!(err.contains("t.policy:9:3"), "{err}");
}

// §9.3 Reasons: points lost are "the characteristic's highest bin points (an
// `else` bin's included) minus the points the account got"; §9.4 Order:
// "`reasons from S` adds its reasons at its place".

#[test]
fn scorecard_reasons_count_the_else_bin_and_come_at_their_place() {
    let body = r#"let sc = scorecard base 0 {
  score "S01" {
    < 650 => 5
    else => 50
  }
  income "I01" "Income" {
    >= 3000 => 10
    else => -5
  }
}
rule "r" { when score > 0 then reason "X" reasons from sc reason "Y" "y" }"#;
    let (code, out, err) = common::verdict_in(&folder(body), &["eval", "t.policy", "book.jsonl"]);
    assert_eq!(code, 0, "{err}");
    let all = records(&out);
    let codes = |d: &Value| -> Vec<String> {
        d["reasons"].as_array().unwrap().iter().map(|r| r["code"].as_str().unwrap().to_owned()).collect()
    };
    // A1: 700 falls in `else` (50, lost 0) and income 4000 in `>= 3000` (lost 0).
    assert_eq!(codes(&all[0]), ["X", "Y"]);
    assert_eq!(all[0]["scores"]["sc"], "60");
    // A2: 590 lost 50 - 5 = 45; no income lost 10 - (-5) = 15.
    assert_eq!(codes(&all[1]), ["X", "S01", "I01", "Y"]);
    assert_eq!(all[1]["reasons"][1], serde_json::json!({"code": "S01", "text": null, "rule": "r"}));
    assert_eq!(all[1]["scores"]["sc"], "0");
}

// §10.2: "an arm may have `0%`"; "The decision lists the arm of every split
// of the policy, whether or not a rule consulted it".

#[test]
fn an_arm_of_zero_percent_takes_no_account() {
    // Declared in an order that is not the alphabetical one.
    let body = "split z_rollout by customer {\n  off 0%\n  on  100%\n}\nsplit a_unused by id {\n  a 50%\n  b 50%\n}\n\
                rule \"r\" { when z_rollout == \"on\" then tag \"new\" }";
    let (code, out, err) = common::verdict_in(&folder(body), &["eval", "t.policy", "book.jsonl"]);
    assert_eq!(code, 0, "{err}");
    for line in out.lines() {
        assert!(line.contains(r#""arms":{"z_rollout":"on","a_unused":""#), "{line}");
    }
}
