//! `verdict explain` through the binary: exit code, stdout and stderr
//! snapshotted together, on accounts of the shipped portfolio whose decisions
//! are worked out by hand in `policies/EXPECTED.md`.

mod common;

use std::path::Path;
use std::process::Command;

/// Runs `verdict explain ARGS` from the repository root; the exit code, stdout and stderr as one text.
fn explain(args: &[&str]) -> (i32, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_verdict"))
        .arg("explain")
        .args(args)
        .current_dir(Path::new(env!("CARGO_MANIFEST_DIR")))
        .env("NO_COLOR", "1")
        .output()
        .expect("run verdict");
    let stdout = redact_fingerprints(&String::from_utf8_lossy(&out.stdout));
    let code = out.status.code().unwrap_or(-1);
    (code, format!("exit: {code}\n--- stdout\n{stdout}--- stderr\n{}", String::from_utf8_lossy(&out.stderr)))
}

/// `sha256:<hex>` → `sha256:[fingerprint]`, so that editing a comment in a policy does not change these snapshots.
fn redact_fingerprints(text: &str) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(i) = rest.find("sha256:") {
        let (head, tail) = rest.split_at(i + "sha256:".len());
        out.push_str(head);
        out.push_str("[fingerprint]");
        rest = tail.trim_start_matches(|c: char| c.is_ascii_hexdigit());
    }
    out.push_str(rest);
    out
}

/// Explains one account of `policies/portfolio.jsonl` with the lifecycle policy, checking it fits 100 columns.
fn portfolio(id: &str) -> (i32, String) {
    let (code, out) = explain(&["policies/lifecycle.policy", "policies/portfolio.jsonl", "--id", id]);
    fits_a_terminal(&out);
    (code, out)
}

/// A scratch folder holding the example's simple schema and `file`, a
/// policy over it with the given rules.
fn beside_the_simple_schema(test: &str, file: &str, rules: &str) -> std::path::PathBuf {
    let dir = common::temp_folder("explain", test);
    std::fs::copy("policies/simple.schema.yaml", dir.join("simple.schema.yaml")).unwrap();
    let policy = format!("policy \"c\" version \"1\"\nschema \"simple.schema.yaml\"\n{rules}");
    std::fs::write(dir.join(file), policy).unwrap();
    dir
}

fn fits_a_terminal(out: &str) {
    for line in out.lines() {
        assert!(line.chars().count() <= 100, "wider than 100 columns: {line:?}");
    }
}

#[test]
fn a_frozen_account() {
    // A-1008: drop 110, score 590 -> freeze until 2027-04-30; the cut (4904) fires too.
    let (code, out) = portfolio("A-1008");
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("✓ score-drop-freeze (priority 80): fired"), "{out}");
    assert!(out.contains("✓ score_drop >= 100 → score_drop = 110"), "{out}");
    insta::assert_snapshot!(out);
}

#[test]
fn a_limit_cut() {
    // A-1011: the 800 of 2026-08-03 is outside the window: drop 80 misses the freeze by 20, cuts to 5600.
    let (code, out) = portfolio("A-1011");
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("score_drop = 80, rule needs >= 100 (20 below the bound)"), "{out}");
    insta::assert_snapshot!(out);
}

#[test]
fn a_collections_rung() {
    // A-1025: 31 days open, a medium risk -> row 6 of the plan, the call rung; the other rungs
    // read the same table and do not match.
    let (code, out) = portfolio("A-1025");
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("collections_rung: open_overdue_days = 31, risk_tier = \"medium\" → row 6"), "{out}");
    assert!(
        out.contains("✗ collections_rung == \"agent\" → collections_rung = \"call\", rule needs == \"agent\""),
        "{out}"
    );
    assert!(out.contains("B02    open_overdue_days = 31, > 30 → -70 (lost 100)"), "{out}");
    insta::assert_snapshot!(out);
}

#[test]
fn an_account_where_nothing_fired() {
    // A-1006: the overdue due 2025-11-01 is outside 12 months: 2 recent overdues, one short of closing.
    let (code, out) = portfolio("A-1006");
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("recent_overdues = 2, rule needs >= 3 (1 below the bound)"), "{out}");
    insta::assert_snapshot!(out);
}

#[test]
fn json_has_the_same_content() {
    // A-1024 read from the YAML portfolio: 30 days open, a medium risk: the push rung (and a cut).
    let (code, out) =
        explain(&["policies/lifecycle.policy", "policies/portfolio.yaml", "--id", "A-1024", "--format", "json"]);
    assert_eq!(code, 0, "{out}");
    let json = out.split("--- stdout\n").nth(1).and_then(|s| s.split("--- stderr\n").next()).unwrap();
    let v: serde_json::Value = serde_json::from_str(json).unwrap();
    assert_eq!(v["record"]["fired"], serde_json::json!(["limit-cut", "push"]));
    assert_eq!(v["rules"].as_array().unwrap().len(), 16);
    let call = &v["rules"][13];
    assert_eq!(call["rule"], "call");
    assert_eq!(call["conditions"][0]["reads"][0]["value"], "push");
    insta::assert_snapshot!(out);
}

#[test]
fn json_values_are_typed_as_in_a_trace() {
    // A leaf's value is a boolean, a read or a let keeps its type (an int a
    // number, a decimal an exact string), a hook call has its result or
    // `error: …`, as in a trace.
    let json = |policy: &str| {
        let (code, out) = explain(&[policy, "policies/simple-portfolio.csv", "--id", "S-01", "--format", "json"]);
        let body = out.split("--- stdout\n").nth(1).and_then(|s| s.split("--- stderr\n").next()).unwrap_or("");
        (code, serde_json::from_str::<serde_json::Value>(body).unwrap_or_else(|e| panic!("{e}: {out}")))
    };
    let (code, v) = json("tests/testing/hooked.policy");
    assert_eq!(code, 0, "{v}");
    let leaf = &v["rules"][0]["conditions"][0];
    assert_eq!(leaf["value"], serde_json::json!(true), "{leaf}");
    assert_eq!(leaf["reads"][0], serde_json::json!({"expr": "credit_limit", "value": "5000"}));
    assert_eq!(v["lets"][0]["value"], "0.98");
    let call = serde_json::json!([{"hook": "risk", "args": [{"name": "score", "value": 640}, {"name": "utilization", "value": "0.98"}], "result": "0.6"}]);
    assert_eq!(v["hooks"], call);

    let dir = common::temp_folder("cli_explain", "hook_error");
    let text = std::fs::read_to_string("tests/testing/hooked.policy").unwrap();
    let root = common::repo_root();
    let text =
        text.replace("../../policies/", &format!("{}/policies/", root.display())).replace("../fixtures/hooks/", "");
    std::fs::write(dir.join("risk.rhai"), "fn risk(score, utilization) { throw `no model for score ${score}`; }\n")
        .unwrap();
    let policy = dir.join("failing-hook.policy");
    std::fs::write(&policy, text).unwrap();
    let (code, v) = json(policy.to_str().unwrap());
    assert_eq!(code, 1, "{v}");
    let call = &v["hooks"][0];
    assert!(
        call["result"].as_str().is_some_and(|e| e.starts_with("error: ") && e.contains("no model for score 640")),
        "{call}"
    );
    assert_eq!(call["args"][0]["value"], 640);
}

#[test]
fn a_snapshot_error_is_shown_and_exits_1() {
    let (code, out) = portfolio("A-1091");
    assert_eq!(code, 1, "{out}");
    insta::assert_snapshot!(out);
}

#[test]
fn an_evaluation_error_shows_how_far_evaluation_got() {
    let (code, out) = explain(&["policies/lifecycle.policy", "tests/testing/overflow.jsonl", "--id", "X-OVERFLOW"]);
    assert_eq!(code, 1, "{out}");
    fits_a_terminal(&out);
    assert!(out.contains("! review_factor < 1 → evaluation failed here"), "{out}");
    insta::assert_snapshot!(out);
}

#[test]
fn hook_calls_show_arguments_and_results() {
    // S-01 of the CSV portfolio: utilization 0.98, so the fixture's risk hook gives 0.6.
    let (code, out) = explain(&["tests/testing/hooked.policy", "policies/simple-portfolio.csv", "--id", "S-01"]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("risk(score = 640, utilization = 0.98) → 0.6"), "{out}");
    insta::assert_snapshot!(out);
}

#[test]
fn an_unknown_id_suggests_a_close_one() {
    let (code, out) = portfolio("A-10O8");
    assert_eq!(code, 2, "{out}");
    insta::assert_snapshot!("unknown_id_typo", out);
    let (code, out) = portfolio("B-7");
    assert_eq!(code, 2, "{out}");
    insta::assert_snapshot!("unknown_id_range", out);
}

#[test]
fn a_policy_that_does_not_compile_exits_2() {
    let (code, out) = explain(&["tests/testing/broken.policy", "policies/simple-portfolio.csv", "--id", "S-01"]);
    assert_eq!(code, 2, "{out}");
    assert!(out.contains("[E0101]"), "{out}");
}

#[test]
fn as_of_comes_from_the_command_line_when_the_snapshot_has_none() {
    let (code, out) = explain(&["policies/simple.policy", "tests/testing/no-as-of.yaml", "--id", "N-1"]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("snapshot error: the snapshot has no `as_of` date"), "{out}");
    assert!(out.contains("no rule was evaluated"), "{out}");
    // 4900 / 5000 = 0.98 > 95%: the cut to 4000 of S-01.
    let (code, out) =
        explain(&["policies/simple.policy", "tests/testing/no-as-of.yaml", "--id", "N-1", "--as-of", "2026-11-01"]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains(", as of 2026-11-01\n"), "{out}");
    assert!(out.contains("  limit    4000 (high-utilization-cut)\n           = round(credit_limit * 80%, 0)\n           with credit_limit = 5000\n"), "{out}");
    let (code, out) =
        explain(&["policies/simple.policy", "tests/testing/no-as-of.yaml", "--id", "N-1", "--as-of", "soon"]);
    assert_eq!(code, 2, "{out}");
}

#[test]
fn an_account_is_explained_from_standard_input() {
    // Integration tests run in the repository's root, where the paths below are.
    let run = |args: &[&str], input: &str| {
        let out = common::verdict_with_stdin(&[&["explain"], args].concat(), input);
        let text = |b: &[u8]| String::from_utf8_lossy(b).into_owned();
        (out.status.code(), text(&out.stdout), text(&out.stderr))
    };
    let book =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("policies/portfolio.jsonl")).expect("book");
    let (_, from_file) = portfolio("A-1008");

    // `-` reads JSON Lines from standard input: the same explanation as the file's, named `standard input`.
    let (code, stdout, stderr) = run(&["policies/lifecycle.policy", "-", "--id", "A-1008"], &book);
    assert_eq!(code, Some(0), "{stderr}");
    let from_file = from_file.split("--- stdout\n").nth(1).and_then(|s| s.split("--- stderr").next()).expect("stdout");
    assert_eq!(
        redact_fingerprints(&stdout),
        from_file.replace("of policies/portfolio.jsonl", "of standard input"),
        "standard input explains as the file does"
    );

    // Another format is named with --input-format; an id not there is exit 2, naming `-`.
    let first = book.lines().next().expect("a first line");
    let (code, _, stderr) = run(&["policies/lifecycle.policy", "-", "--input-format", "json", "--id", "C-2"], first);
    assert_eq!(code, Some(2));
    assert!(stderr.contains("no account `C-2` in `-` (1 snapshot)"), "{stderr}");
    assert!(stderr.contains("help: its only id is `A-1001`"), "{stderr}");

    // A YAML book piped in without `--input-format`: read as JSON Lines, not
    // one snapshot is read, and the help says what to try.
    let yaml =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("policies/portfolio.yaml")).expect("book");
    let (code, _, stderr) = run(&["policies/lifecycle.policy", "-", "--id", "A-1008"], &yaml);
    assert_eq!(code, Some(2));
    assert!(stderr.contains("none of its snapshots could be read (the first: "), "{stderr}");
    assert!(stderr.contains("say which with `--input-format`"), "{stderr}");
}

#[test]
fn a_named_output_is_a_let_of_its_own_computed_once() {
    let dir = common::temp_folder("explain", "named-output");
    std::fs::write(dir.join("s.yaml"), "entity: account\nkey: id\nfields:\n  id: string\n  score: int\n").unwrap();
    std::fs::write(dir.join("h.rhai"), "fn h(x) { x + 1 }\n").unwrap();
    let policy = "policy \"p\" version \"1\"\nschema \"s.yaml\"\nhook h(x: int) -> int from \"h.rhai\"
let plan = table (score) -> (a: int, b: string) {
  < 600  => h(score), \"lo\"
  >= 600 => h(score + 1), \"hi\"
}
rule \"r\" { when plan.a > 0 and plan.a < 100000 then tag plan.b set limit to plan.a }\n";
    std::fs::write(dir.join("p.policy"), policy).unwrap();
    std::fs::write(dir.join("b.jsonl"), "{\"id\":\"A1\",\"as_of\":\"2026-11-01\",\"score\":600}\n").unwrap();
    let (code, out, err) = common::verdict_in(&dir, &["explain", "p.policy", "b.jsonl", "--id", "A1"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("plan   = row 2  table (score) -> (a: int, b: string) { 2 rows }"), "{out}");
    assert!(out.contains("plan.a = 602    output `a` of the table `plan`"), "{out}");
    assert!(out.contains("plan.b = \"hi\"   output `b` of the table `plan`"), "{out}");
    assert_eq!(out.matches("h(x = 601) → 602").count(), 1, "one hook call for three reads: {out}");
}

#[test]
fn a_comment_inside_a_condition_is_not_quoted_with_it() {
    let dir = beside_the_simple_schema(
        "comment-in-condition",
        "c.policy",
        "rule \"r\" {\n  when score # the bureau's\n    > 600 and \"#1\" not in tags\n  then freeze\n}\n",
    );
    let book = r##"{"id":"C-1","as_of":"2026-11-01","status":"active","credit_limit":"10","balance":"1","score":700,"opened_on":"2020-01-01","identity":{"verified":true},"tags":[]}"##;
    std::fs::write(dir.join("c.jsonl"), format!("{book}\n")).unwrap();
    let (code, out, err) = common::verdict_in(&dir, &["eval", "-q", "c.policy", "c.jsonl", "--trace"]);
    assert_eq!(code, 0, "{err}");
    let record: serde_json::Value = serde_json::from_str(&out).unwrap();
    let exprs: Vec<&str> = record["trace"]["rules"][0]["conditions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["expr"].as_str().unwrap())
        .collect();
    assert_eq!(exprs, ["score > 600", "\"#1\" not in tags"]);
    let (code, out, err) = common::verdict_in(&dir, &["explain", "c.policy", "c.jsonl", "--id", "C-1"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("score > 600") && !out.contains("bureau"), "{out}");
}

#[test]
fn only_the_tables_a_decision_needed_are_shown_and_covered() {
    // `deep` is read only after `score < 500`, which an account of 700 fails:
    // its row was never the decision's, so neither explain, the trace nor
    // coverage may say it matched.
    let dir = common::temp_folder("explain", "needed-tables");
    std::fs::write(dir.join("s.yaml"), "entity: account\nkey: id\nfields:\n  id: string\n  score: int\n").unwrap();
    let policy = "policy \"p\" version \"1\"\nschema \"s.yaml\"
let band = table (score) -> int {
  < 650  => 1
  >= 650 => 2
}
let deep = table (score) -> int {
  < 300  => 1
  >= 300 => 2
}
rule \"low\" { when score < 500 and deep == 1 then freeze }
rule \"banded\" { when band == 2 and table (score) -> int { < 100 => 1  >= 100 => 2 } == 2 then tag \"prime\" }\n";
    std::fs::write(dir.join("p.policy"), policy).unwrap();
    std::fs::write(dir.join("b.jsonl"), "{\"id\":\"A1\",\"as_of\":\"2026-11-01\",\"score\":700}\n").unwrap();
    let (code, out, err) = common::verdict_in(&dir, &["explain", "p.policy", "b.jsonl", "--id", "A1"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("\n  band: score = 700 → row 2\n"), "{out}");
    assert!(!out.contains("deep: score"), "{out}");

    let (code, out, err) = common::verdict_in(&dir, &["eval", "-q", "p.policy", "b.jsonl", "--trace"]);
    assert_eq!(code, 0, "{err}");
    let record: serde_json::Value = serde_json::from_str(&out).unwrap();
    // A table inside a rule's condition is named by the rule.
    let tables = serde_json::json!([{"let": "band", "row": 2}, {"in_rule": "banded", "row": 2}]);
    assert_eq!(record["trace"]["tables"], tables, "{out}");

    let test = "policy: p.policy\nas_of: 2026-11-01\ncases:\n  - name: prime\n    snapshot: {id: A1, score: 700}\n    expect: {outcome: none, fired: [banded]}\n";
    std::fs::write(dir.join("p.test.yaml"), test).unwrap();
    let (code, out, err) = common::verdict_in(&dir, &["test", "p.test.yaml", "--coverage"]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("    band: row 1\n"), "{out}");
    assert!(out.contains("    deep: rows 1, 2\n"), "{out}");
}

#[test]
fn a_failure_is_laid_on_the_rule_that_failed_or_on_none() {
    // The limit is computed after every rule and the scorecards after that:
    // neither failure belongs to the last rule evaluated.
    let dir = common::temp_folder("explain", "failed-rule");
    let schema =
        "entity: account\nkey: id\nfields:\n  id: string\n  score: int\n  balance: money\n  credit_limit: money\n";
    std::fs::write(dir.join("s.yaml"), schema).unwrap();
    let card = "let usage = balance / credit_limit
let behaviour = scorecard base 600 {
  usage \"B1\" \"Usage too high\" {
    < 50% => 10
    else  => -20
  }
}
rule \"low-score\" priority 2 { when score < 500 then freeze }
rule \"very-low-score\" priority 1 { when score < 100 then restrict }\n";
    std::fs::write(dir.join("card.policy"), format!("policy \"c\" version \"1\"\nschema \"s.yaml\"\n{card}")).unwrap();
    let limit = "rule \"cut\" priority 2 { when score > 600 then set limit to balance / credit_limit }
rule \"later\" priority 1 { when score < 100 then restrict }\n";
    std::fs::write(dir.join("limit.policy"), format!("policy \"l\" version \"1\"\nschema \"s.yaml\"\n{limit}"))
        .unwrap();
    let book = "{\"id\":\"A1\",\"as_of\":\"2026-11-01\",\"score\":700,\"balance\":\"10\",\"credit_limit\":\"0\"}\n";
    std::fs::write(dir.join("b.jsonl"), book).unwrap();

    let (code, out, err) = common::verdict_in(&dir, &["explain", "card.policy", "b.jsonl", "--id", "A1"]);
    assert_eq!(code, 1, "an account in error: {err}");
    assert!(out.contains("while computing the"), "{out}");
    assert!(out.contains("✗ very-low-score (priority 1): not matched"), "{out}");
    assert!(!out.contains("evaluation failed"), "{out}");

    let (code, out, err) = common::verdict_in(&dir, &["explain", "limit.policy", "b.jsonl", "--id", "A1"]);
    assert_eq!(code, 1, "an account in error: {err}");
    assert!(out.contains("! cut (priority 2): evaluation failed: division by zero"), "{out}");
    assert!(out.contains("✗ later (priority 1): not matched"), "{out}");
}

/// A condition whose trace holds no operands says what it looked at beside
/// its value: the field behind `??` and `!= none`, and the element that
/// decided an `any` or an `all` (with the fields its `where` read).
#[test]
fn a_condition_says_what_it_looked_at_beside_its_value() {
    let dir = common::temp_folder("explain", "looked-at");
    let schema = "entity: account\nkey: id\nfields:\n  id: string\n  hold: bool?\n  since: date?\n  dues:\n    list:\n      on: date\n      days: int\n      paid: date?\n    by: on\n";
    std::fs::write(dir.join("s.yaml"), schema).unwrap();
    let policy = "policy \"p\" version \"1\"\nschema \"s.yaml\"
rule \"held\" { when (hold ?? false) then freeze }
rule \"since\" { when since != none and any(dues where days > 30) then restrict }
rule \"paid\" { when all(dues where paid != none) then tag \"clean\" }\n";
    std::fs::write(dir.join("p.policy"), policy).unwrap();
    // Written newest first: the list is read in date order (its `by:`), so
    // an element is named by its date, not by a position the book does not have.
    let book = r#"{"id":"A1","as_of":"2026-11-01","since":"2026-01-02","dues":[{"on":"2026-03-01","days":60},{"on":"2026-02-01","days":45},{"on":"2026-01-01","days":3,"paid":"2026-01-04"}]}"#;
    std::fs::write(dir.join("b.jsonl"), format!("{book}\n")).unwrap();
    let (code, out, err) = common::verdict_in(&dir, &["explain", "p.policy", "b.jsonl", "--id", "A1"]);
    assert_eq!(code, 0, "{err}");
    for wanted in [
        "(hold ?? false) → false (hold = none), rule needs true",
        "since != none → true (since = 2026-01-02)",
        // The first element over 30 days, not the first element.
        "any(dues where days > 30) → true (dues[on=2026-02-01].days = 45)",
        // The first element that is not paid decided `all`.
        "all(dues where paid != none) → false (dues[on=2026-02-01].paid = none), rule needs true",
    ] {
        assert!(out.contains(wanted), "{wanted:?} in:\n{out}");
    }
    let (code, out, err) =
        common::verdict_in(&dir, &["explain", "p.policy", "b.jsonl", "--id", "A1", "--format", "json"]);
    assert_eq!(code, 0, "{err}");
    let json: serde_json::Value = serde_json::from_str(&out).unwrap();
    let reads = &json["rules"][1]["conditions"][1]["reads"];
    assert_eq!(reads, &serde_json::json!([{"expr": "dues[on=2026-02-01].days", "value": 45}]), "{out}");
}

#[test]
fn a_table_of_named_outputs_is_traced_by_its_outputs_not_as_a_value() {
    // `plan` alone is not a value (E0403 where a policy reads it): the trace
    // lists `plan.factor` and `plan.tier` among the lets and the row under
    // `tables`, never a `plan` holding the row number.
    let dir = common::temp_folder("explain", "named-outputs-trace");
    std::fs::write(dir.join("s.yaml"), "entity: account\nkey: id\nfields:\n  id: string\n  score: int\n").unwrap();
    let policy = "policy \"p\" version \"1\"\nschema \"s.yaml\"
let plan = table (score) -> (factor: decimal, tier: int) {
  < 650  => 0.5, 1
  else   => 0.9, 2
}
rule \"r\" { when plan.tier == 2 then tag \"prime\" }\n";
    std::fs::write(dir.join("p.policy"), policy).unwrap();
    std::fs::write(dir.join("b.jsonl"), "{\"id\":\"A1\",\"as_of\":\"2026-11-01\",\"score\":700}\n").unwrap();
    let (code, out, err) = common::verdict_in(&dir, &["eval", "-q", "p.policy", "b.jsonl", "--trace"]);
    assert_eq!(code, 0, "{err}");
    let record: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(record["trace"]["lets"], serde_json::json!({"plan.tier": 2}), "{out}");
    assert_eq!(record["trace"]["tables"], serde_json::json!([{"let": "plan", "row": 2}]), "{out}");
}

/// A book of monthly snapshots holds an account several times: the first is
/// explained, with a note; `--nth N` explains another; one past the last is
/// an error (exit 2), never the wrong snapshot.
#[test]
fn the_nth_snapshot_of_an_account_is_explained() {
    let dir = common::temp_folder("explain-nth", "book");
    let portfolio = std::fs::read_to_string(common::repo_root().join("policies/portfolio.jsonl")).unwrap();
    let line = portfolio.lines().find(|l| l.contains("\"A-1001\"")).unwrap();
    let month = |as_of: &str| {
        let mut snapshot: serde_json::Value = serde_json::from_str(line).unwrap();
        snapshot["as_of"] = as_of.into();
        format!("{snapshot}\n")
    };
    let book = dir.join("monthly.jsonl");
    std::fs::write(&book, [month("2026-10-01"), month("2026-11-01")].concat()).unwrap();
    let policy = common::repo_root().join("policies/lifecycle.policy");
    let run = |nth: &str| {
        let (p, b) = (policy.to_str().unwrap(), book.to_str().unwrap());
        common::verdict_in(&dir, &["explain", p, b, "--id", "A-1001", "--nth", nth])
    };
    let (code, out, err) = run("1");
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("as of 2026-10-01"), "{out}");
    assert!(err.contains("2 snapshots of") && err.contains("this is the first (snapshot 1); `--nth N`"), "{err}");
    let (code, out, err) = run("2");
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("(snapshot 2 of") && out.contains("as of 2026-11-01"), "{out}");
    assert!(err.contains("this is number 2 (snapshot 2)"), "{err}");
    let (code, out, err) = run("3");
    assert_eq!((code, out.as_str()), (2, ""), "{err}");
    assert!(err.contains("`--nth 3`: only 2 snapshots of") && err.contains("have the id `A-1001`"), "{err}");
}

/// An int key is asked for as a number: `--id 007` and `--id +7` find
/// account 7, as a batch file reads `007`; the account is named as its
/// decision names it.
#[test]
fn an_int_key_is_found_by_its_number() {
    let dir = common::temp_folder("cli_explain", "int-key");
    std::fs::write(dir.join("s.schema.yaml"), "entity: account\nkey: id\nfields:\n  id: int\n  score: int\n").unwrap();
    std::fs::write(
        dir.join("p.policy"),
        "policy \"p\" version \"1\"\nschema \"s.schema.yaml\"\nrule \"low\" { when score < 500 then restrict }\n",
    )
    .unwrap();
    let book = "{\"id\":7,\"as_of\":\"2026-11-01\",\"score\":400}\n{\"id\":8,\"as_of\":\"2026-11-01\",\"score\":700}\n";
    std::fs::write(dir.join("b.jsonl"), book).unwrap();
    for asked in ["7", "007", "+7"] {
        let (code, stdout, stderr) = common::verdict_in(&dir, &["explain", "p.policy", "b.jsonl", "--id", asked]);
        assert_eq!(code, 0, "{asked}: {stderr}");
        assert!(stdout.starts_with("account 7 (snapshot 1 of b.jsonl)"), "{asked}: {stdout}");
    }
    let (code, _, stderr) = common::verdict_in(&dir, &["explain", "p.policy", "b.jsonl", "--id", "9"]);
    assert_eq!(code, 2, "{stderr}");
}

#[test]
fn an_application_is_called_one() {
    // The schema's entity names what is explained, and what is not found.
    let (code, out) = explain(&["policies/admission.policy", "policies/applications.jsonl", "--id", "GC-0004"]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("--- stdout\napplication GC-0004 (snapshot 1 of policies/applications.jsonl)"), "{out}");
    let (code, out) = explain(&["policies/admission.policy", "policies/applications.jsonl", "--id", "GC-0"]);
    assert_eq!(code, 2, "{out}");
    assert!(out.contains("error: no application `GC-0` in `policies/applications.jsonl`"), "{out}");
}

#[test]
fn a_default_taken_is_told_from_a_value_equal_to_it() {
    // `income` absent and `income` 0 compare alike; only the first took `?? 0`.
    let dir = common::temp_folder("explain", "fallbacks");
    let schema = "entity: account\nkey: id\nfields:\n  id: string\n  income: money?\n  salary: money?\n  last_review_on: date?\n  opened_on: date\n";
    std::fs::write(dir.join("s.yaml"), schema).unwrap();
    let policy = "policy \"n\" version \"1\"\nschema \"s.yaml\"\n\
                  let review_due = (last_review_on ?? opened_on) + 6 months <= as_of\n\
                  rule \"e\" { when (income ?? 0) > 500 or review_due then tag \"e\" }\n\
                  rule \"f\" { when (income ?? salary ?? 0) > 500 then tag \"f\" }\n\
                  let paid = case when opened_on < as_of then income ?? 0 else 1 end\n\
                  rule \"g\" { when paid > 500 then tag \"g\" }\n";
    std::fs::write(dir.join("n.policy"), policy).unwrap();
    let book = "{\"id\":\"absent\",\"as_of\":\"2026-11-01\",\"opened_on\":\"2020-01-01\"}\n\
                {\"id\":\"zero\",\"as_of\":\"2026-11-01\",\"income\":\"0\",\"opened_on\":\"2020-01-01\",\"last_review_on\":\"2020-01-01\"}\n";
    std::fs::write(dir.join("d.jsonl"), book).unwrap();
    let run = |id: &str, json: bool| {
        let mut args = vec!["n.policy", "d.jsonl", "--id", id];
        if json {
            args.extend(["--format", "json"]);
        }
        let out = Command::new(env!("CARGO_BIN_EXE_verdict"))
            .arg("explain")
            .args(&args)
            .current_dir(&dir)
            .env("NO_COLOR", "1")
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0));
        String::from_utf8(out.stdout).unwrap()
    };
    let absent = run("absent", false);
    assert!(absent.contains("✗ (income ?? 0) > 500 → 0 > 500 (income = none)"), "{absent}");
    assert!(absent.contains("with last_review_on = none"), "{absent}");
    // A chain takes each default in turn: both `income` and `salary` were none.
    assert!(absent.contains("→ 0 > 500 (income = none, salary = none)"), "{absent}");
    // In the branch a case took.
    let paid = absent.lines().skip_while(|l| !l.trim_start().starts_with("paid ")).nth(2).unwrap_or("");
    assert!(paid.trim_start() == "with income = none", "{absent}");
    let zero = run("zero", false);
    // The rule fired on `review_due`: the income condition was not needed.
    assert!(zero.contains("✗ (income ?? 0) > 500 → 0 > 500 (not needed: the rest of the condition held)\n"), "{zero}");
    assert!(!zero.contains("= none"), "{zero}");
    let json: serde_json::Value = serde_json::from_str(&run("absent", true)).unwrap();
    let condition = &json["rules"][0]["conditions"][0];
    assert_eq!(condition["fallbacks"], serde_json::json!([{"expr": "income", "value": null}]));
    assert_eq!(json["lets"][0]["fallbacks"], serde_json::json!([{"expr": "last_review_on", "value": null}]));
    let json: serde_json::Value = serde_json::from_str(&run("zero", true)).unwrap();
    assert!(json["rules"][0]["conditions"][0].get("fallbacks").is_none(), "{json}");

    // The decision's own trace says the same of its leaves.
    let out = Command::new(env!("CARGO_BIN_EXE_verdict"))
        .args(["eval", "n.policy", "d.jsonl", "--trace"])
        .current_dir(&dir)
        .output()
        .unwrap();
    let traced: Vec<serde_json::Value> =
        String::from_utf8(out.stdout).unwrap().lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    let leaf = |record: &serde_json::Value, rule: usize| record["trace"]["rules"][rule]["conditions"][0].clone();
    assert_eq!(leaf(&traced[0], 0)["fallbacks"], serde_json::json!(["income"]));
    assert_eq!(leaf(&traced[0], 1)["fallbacks"], serde_json::json!(["income", "salary"]));
    assert!(leaf(&traced[1], 0).get("fallbacks").is_none() && leaf(&traced[1], 1).get("fallbacks").is_none());
}

/// A rule that fired on `not (A and B)` with A true: `not A` did not hold
/// and was not needed, which the text says, so it does not read as a failed
/// condition of a fired rule; one that decided is left as it was.
#[test]
fn a_condition_a_fired_rule_did_not_need_is_said_so() {
    let dir = beside_the_simple_schema(
        "not-needed",
        "p.policy",
        "rule \"small-or-low\" { when not (score > 600 and balance > 1000) then restrict }\n",
    );
    let book =
        "{\"id\":\"N\",\"as_of\":\"2026-11-01\",\"status\":\"active\",\"credit_limit\":\"5000\",\"balance\":\"500\",\
                \"score\":700,\"opened_on\":\"2020-01-01\",\"identity\":{\"verified\":true},\"tags\":[]}\n";
    std::fs::write(dir.join("b.jsonl"), book).unwrap();
    let (code, out, _) = common::verdict_in(&dir, &["explain", "p.policy", "b.jsonl", "--id", "N"]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("✗ not (score > 600) → score = 700 (not needed: the rest of the condition held)\n"), "{out}");
    assert!(out.contains("✓ not (balance > 1000) → balance = 500\n"), "{out}");
    let (_, json, _) = common::verdict_in(&dir, &["explain", "p.policy", "b.jsonl", "--id", "N", "--format", "json"]);
    let x: serde_json::Value = serde_json::from_str(&json).unwrap();
    let needed: Vec<_> =
        x["rules"][0]["conditions"].as_array().unwrap().iter().map(|c| c.get("not_needed").cloned()).collect();
    assert_eq!(needed, [Some(true.into()), None]);
}
