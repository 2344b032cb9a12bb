//! The exact bytes `verdict eval --trace` writes, in every format that writes
//! traces (JSON Lines, JSON, YAML): key order, numbers, decimals and dates as
//! strings, sets as arrays, escapes. One policy uses every part of a trace:
//! comparisons of ints, decimals, dates and strings, memberships in a list,
//! a batch and a set field, leaves not evaluated, lets of every type (and an
//! absent one), hook calls with printed lines, a scorecard, cases (a branch,
//! `else`, none), rules that fire, fail to match, are skipped by their `first`
//! group or are not in effect.

mod common;

use common::{policy_beside_example_files, temp_folder, verdict_in};
use verdict::eval::{EvalOptions, HookCall};
use verdict::value::Traced;

const POLICY: &str = r#"policy "trace-bytes" version "1"
schema "account.schema.yaml"

batch reg_2023_q3 from "batches/reg-2023-q3.txt"
hook echo(score: int, ratio: decimal, name: string) -> decimal from "hooks/echo.rhai"

let is_open = status != "closed"
let utilization = balance / credit_limit
let drop = 0 - balance
let months = months_between(opened_on, as_of)
let next_review = opened_on + 6 months
let name = id
let state = status
let labels = tags
let appeal = appeal_open
let echoed = echo(score, utilization, id)
let tier = case
  when score >= 740 then "prime"
  when score >= 680 then "near-prime"
  else "subprime"
end
let band = case
  when utilization > 2 then "over"
end
let card = scorecard base 600 {
  score "S01" "Score too low" {
    < 600 => -40
    >= 600 => 30
  }
  utilization "U01" "Balance too high" {
    < 30% => 25
    >= 30% => -35
  }
  appeal_open "A01" "Appeal" {
    none => 0
    true => 5
    false => -5
  }
}

rule "batch" priority 100 {
  when is_open and id in reg_2023_q3
  then close reason "REG" "Regulatory"
}

rule "compare" priority 90 {
  when balance > 100.50 and opened_on < as_of and score >= 700 and name != "x\"y"
  then tag "compared"
}

rule "members" priority 80 {
  when status in ["active", "restricted"] and "vip" in tags and not ("kyc \"old\"" in tags)
  then tag "member"
}

rule "short" priority 70 {
  when (closure_requested ?? false) and balance <= 0 and months > 3
  then close reason "C01" "Closed"
}

rule "future" priority 60 effective 2099-01-01 {
  when score > 0
  then tag "future"
}

rule "hooked" priority 50 {
  when echoed < 10000 and drop < 0
  then tag "hooked"
}

group "pick" first {
  rule "first-pick" {
    when tier != "prime" and band == none and card > 0 and state == "active" and "zzz" not in labels and next_review < as_of and appeal == none
    then tag "first"
  }
  rule "second-pick" {
    when score > 0
    then tag "second"
  }
}
"#;

const HOOK: &str = "fn echo(score, ratio, name) {\n  print(`score ${score} for \"${name}\" ☃`);\n  debug(ratio);\n  score * 2 + ratio\n}\n";

const BOOK: &str = concat!(
    r#"{"id":"A-\"1\" é\t☃","as_of":"2026-11-01","status":"active","credit_limit":"10000.00","balance":"2500.50","score":720,"opened_on":"2020-01-15","identity":{"verified":true,"mismatch_fields":[]},"tags":["vip","kyc \"old\"","a\\b"],"score_history":[],"overdues":[],"applications":[]}"#,
    "\n",
    r#"{"id":"ACC-2","as_of":"2026-11-01","status":"frozen","credit_limit":"500","balance":"-0.10","score":599,"opened_on":"2026-10-01","identity":{"verified":false,"mismatch_fields":["name"]},"appeal_open":true,"closure_requested":true,"tags":[],"score_history":[],"overdues":[],"applications":[]}"#,
    "\n",
);

/// A folder with the policy, its hook, the example schema and batches, and the book.
fn folder(name: &str) -> std::path::PathBuf {
    let dir = temp_folder("trace-bytes", name);
    policy_beside_example_files(&dir, "t.policy", POLICY);
    std::fs::write(dir.join("hooks/echo.rhai"), HOOK).unwrap();
    std::fs::write(dir.join("book.jsonl"), BOOK).unwrap();
    dir
}

fn traced(dir: &std::path::Path, format: &str) -> String {
    let (code, stdout, stderr) = verdict_in(dir, &["eval", "t.policy", "book.jsonl", "--trace", "--format", format]);
    assert_eq!(code, 0, "{stderr}");
    stdout
}

/// The bytes of every traced format, as written (not re-serialized).
#[test]
fn traced_records_are_written_byte_for_byte() {
    let dir = folder("formats");
    let jsonl = traced(&dir, "jsonl");
    insta::assert_snapshot!("jsonl", jsonl);
    insta::assert_snapshot!("json", traced(&dir, "json"));
    insta::assert_snapshot!("yaml", traced(&dir, "yaml"));
    // Every part of a trace is there to be pinned.
    for part in [
        "\"evaluated\":false",
        "\"needle\":",
        "\"set\":[",
        "\"left\":\"2020-",
        "\"skipped\":\"group",
        "\"skipped\":\"not in effect",
        "\"printed\":[",
        "\"scorecards\":{",
        "\"branch\":\"else\"",
        "\"branch\":null",
        "\"branch\":2",
        "\"labels\":[",
    ] {
        assert!(jsonl.contains(part), "{part} missing from {jsonl}");
    }
}

/// A hook call that failed (which the command line never shows: the account
/// becomes an error record) and one of a hook the program does not have,
/// written through the library's record view.
#[test]
fn failed_and_unknown_hook_calls_are_written_byte_for_byte() {
    let dir = folder("hook-errors");
    let policy = verdict::load_policy(&dir.join("t.policy")).unwrap();
    let program = &policy.program;
    let snapshot = verdict::snapshot::parse_json_snapshot(BOOK.lines().next().unwrap(), &program.schema).unwrap();
    let mut record = verdict::evaluate(program, &snapshot, EvalOptions { trace: true, ..EvalOptions::default() });
    let trace = record.as_mut().unwrap().trace.as_mut().unwrap();
    trace.hooks.push(HookCall {
        hook: 0,
        args: vec![Traced::Int(-3), Traced::Dec("-0.000".parse().unwrap()), Traced::Str("\u{1}\"".into())],
        result: Err("division by zero in \"echo\"\nat 2:3".into()),
        printed: vec!["before ☃".into(), String::new()],
    });
    trace.hooks.push(HookCall { hook: 7, args: Vec::new(), result: Ok(Traced::None), printed: Vec::new() });
    let view = verdict::output::RecordView { record: &record, program };
    insta::assert_snapshot!(serde_json::to_string(&view).unwrap());
}
