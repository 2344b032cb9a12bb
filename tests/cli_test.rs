//! `verdict test` through the binary: exit code, stdout and stderr snapshotted together.
//!
//! The shipped decision tests (`policies/tests/`) must pass; fixtures under
//! `tests/testing/` show failures, coverage and every test-file diagnostic;
//! the golden workflow runs in a scratch folder so `--accept` writes nothing
//! into the repository.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};

/// Runs `verdict ARGS` in `dir`; the exit code, stdout and stderr as one text.
fn verdict(dir: &Path, args: &[&str]) -> (i32, String) {
    let (code, stdout, stderr) = common::verdict_in(dir, args);
    (code, format!("exit: {code}\n--- stdout\n{stdout}--- stderr\n{stderr}"))
}

fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn the_shipped_policy_tests_pass() {
    let (code, out) = verdict(repo(), &["test", "policies/"]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("\n66 passed, 0 failed\n--- stderr\n"), "{out}");
    insta::assert_snapshot!(out);
}

#[test]
fn coverage_of_the_shipped_tests_reaches_every_rule() {
    let (code, out) = verdict(repo(), &["test", "--coverage", "policies/tests"]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("coverage of policies/lifecycle.policy"), "{out}");
    assert_eq!(out.matches("every rule fired at least once").count(), 3, "{out}");
}

#[test]
fn coverage_names_rules_never_fired_and_never_reached() {
    let (code, out) = verdict(repo(), &["test", "--coverage", "tests/testing/ladder.test.yaml"]);
    assert_eq!(code, 0, "{out}");
    insta::assert_snapshot!(out);
}

#[test]
fn a_rule_that_fired_before_an_error_record_counts_as_never_fired() {
    let dir = std::env::temp_dir().join(format!("verdict-coverage-error-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let schema = repo().join("policies/simple.schema.yaml");
    let policy = format!(
        "policy \"p\" version \"1\"\nschema \"{}\"\n\
         rule \"first\" priority 2 {{ when score < 500 then tag \"low\" }}\n\
         rule \"boom\" priority 1 {{ when balance / (score - score) > 1 then close notify letter \"x\" }}\n",
        schema.display()
    );
    std::fs::write(dir.join("p.policy"), policy).unwrap();
    let test = "policy: p.policy\nas_of: 2026-11-01\ncases:\n  - name: fails\n    snapshot: {id: A, status: active, \
                credit_limit: \"1\", balance: \"1\", score: 400, opened_on: 2020-01-01, identity: {verified: true}, tags: []}\n    \
                expect: {error: eval}\n";
    std::fs::write(dir.join("c.test.yaml"), test).unwrap();
    let (code, out) = verdict(&dir, &["test", "--coverage", "c.test.yaml"]);
    assert_eq!(code, 0, "{out}");
    // The account has no decision: `first` fired in none.
    let never: Vec<&str> = out.lines().skip_while(|l| !l.contains("never fired")).skip(1).take(2).collect();
    assert_eq!(never, ["    first", "    boom"], "{out}");
}

#[test]
fn failures_show_what_differs() {
    let (code, out) = verdict(repo(), &["test", "tests/testing/failing.fails.yaml"]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("\n1 passed, 6 failed\n"), "{out}");
    insta::assert_snapshot!(out);
}

#[test]
fn every_mistake_of_a_test_file_is_a_diagnostic() {
    let (code, out) = verdict(repo(), &["test", "tests/testing/invalid.invalid.yaml"]);
    assert_eq!(code, 2, "{out}");
    for c in ["T002", "T003", "T004", "T005", "T006", "T007", "T008"] {
        assert!(out.contains(&format!("[{c}]")), "{c} missing:\n{out}");
    }
    insta::assert_snapshot!(out);
}

#[test]
fn a_policy_given_for_a_test_file_is_said_to_be_one() {
    let (code, out) = verdict(repo(), &["test", "policies/simple.policy"]);
    assert_eq!(code, 2, "{out}");
    assert!(out.contains("[T001] this is a policy, not a test file"), "{out}");
    assert!(out.contains("[policies/simple.policy:"), "{out}");
    assert!(!out.contains("not valid YAML"), "{out}");
    // One that YAML reads as a long string, as many are.
    let (code, out) = verdict(repo(), &["test", "tests/fixtures/valid/W0107_empty_group.policy"]);
    assert_eq!(code, 2, "{out}");
    assert!(out.contains("[T001] this is a policy, not a test file") && !out.contains("T002"), "{out}");
}

#[test]
fn an_empty_policy_name_is_said_to_be_empty() {
    let dir = common::temp_folder("cli-test", "empty-policy-name");
    std::fs::write(
        dir.join("e.test.yaml"),
        "policy: \"\"\ncases:\n  - name: a\n    snapshot: {id: a}\n    expect: {outcome: none}\n",
    )
    .unwrap();
    let (code, out) = verdict(&dir, &["test", "e.test.yaml"]);
    assert_eq!(code, 2, "{out}");
    assert!(out.contains("the test file's `policy` is empty") && out.contains("[e.test.yaml:1:9]"), "{out}");
    assert!(!out.contains("directory"), "{out}");
}

#[test]
fn a_path_that_does_not_exist_is_reported_with_the_others_run() {
    let (code, out) = verdict(repo(), &["test", "--format", "json", "policies/tests", "no-such.test.yaml"]);
    assert_eq!(code, 2, "{out}");
    let json = out.split("--- stdout\n").nth(1).and_then(|s| s.split("--- stderr").next()).unwrap();
    let report: serde_json::Value = serde_json::from_str(json).unwrap_or_else(|e| panic!("{e}: {out}"));
    assert_eq!(report["passed"], 66, "{out}");
    let files = report["files"].as_array().unwrap();
    let missing = files.last().unwrap();
    assert_eq!(missing["path"], "no-such.test.yaml", "{out}");
    assert!(missing["diagnostics"][0]["message"].as_str().unwrap().contains("No such file"), "{out}");
    let (code, out) = verdict(repo(), &["test", "no-such.test.yaml", "no-such.test.yaml"]);
    assert_eq!(code, 2, "{out}");
    assert!(out.contains("[T001] cannot read `no-such.test.yaml`") && out.contains("0 passed, 0 failed"), "{out}");
    assert_eq!(out.matches("[T001]").count(), 1, "named twice, said once: {out}");
}

#[test]
fn a_broken_policy_is_reported_once() {
    let (code, out) =
        verdict(repo(), &["test", "tests/testing/broken-a.invalid.yaml", "tests/testing/broken-b.invalid.yaml"]);
    assert_eq!(code, 2, "{out}");
    assert_eq!(out.matches("[E0101]").count(), 1, "{out}");
    insta::assert_snapshot!(out);
}

#[test]
fn unreadable_files_point_at_the_line_naming_them() {
    let (code, out) =
        verdict(repo(), &["test", "tests/testing/no-policy.invalid.yaml", "tests/testing/malformed.invalid.yaml"]);
    assert_eq!(code, 2, "{out}");
    insta::assert_snapshot!(out);
}

/// A misspelt policy file is named with the file it likely means, as a
/// misspelt schema is in a policy.
#[test]
fn a_misspelt_policy_is_named_with_the_file_meant() {
    let (code, out) = verdict(repo(), &["test", "tests/testing/misspelt-policy.invalid.yaml"]);
    assert_eq!(code, 2, "{out}");
    assert!(out.contains("[T008] cannot read `tests/testing/laddr.policy`"), "{out}");
    assert!(out.contains("help: did you mean `ladder.policy`?"), "{out}");
}

/// A test file without a single case could never fail: it is an invalid
/// test file (exit 2, like any test file that cannot be run as written),
/// not a pass, and it is named.
#[test]
fn a_test_file_with_no_cases_is_invalid() {
    let (code, out) =
        verdict(repo(), &["test", "tests/testing/empty-cases.invalid.yaml", "tests/testing/ladder.test.yaml"]);
    assert_eq!(code, 2, "{out}");
    assert!(out.contains("[T004]") && out.contains("tests/testing/empty-cases.invalid.yaml:4:8"), "{out}");
    insta::assert_snapshot!(out);
}

#[test]
fn a_case_without_a_name_is_pointed_at_by_its_first_line() {
    // The case's own span runs to the next case: pointing at it drew a
    // bracket over four lines, into a case that is fine.
    let dir = common::temp_folder("cli_test", "nameless");
    let policy = repo().join("policies/simple.policy");
    let text = format!(
        "policy: {}\ncases:\n  - snapshot: {{id: S-01}}\n    expect:\n      outcome: none\n  - name: fine\n    snapshot: {{id: S-02}}\n    expect: {{outcome: none}}\n",
        policy.display()
    );
    std::fs::write(dir.join("nameless.test.yaml"), text).unwrap();
    let (code, out) = verdict(&dir, &["test", "nameless.test.yaml"]);
    assert_eq!(code, 2, "{out}");
    assert!(out.contains("[T004] this case has no `name`"), "{out}");
    assert!(out.contains("nameless.test.yaml:3:5]"), "{out}");
    assert!(out.contains(" 3 │   - snapshot: {id: S-01}\n   ·     ^^^^^^^^\n"), "{out}");
    assert!(!out.contains('▶'), "{out}");
    // An empty name names nothing either; and a policy without a scorecard says so.
    let text = format!(
        "policy: {}\ncases:\n  - name: \"\"\n    snapshot: {{id: S-01}}\n    expect: {{scores: {{app: 1}}}}\n",
        policy.display()
    );
    std::fs::write(dir.join("empty.test.yaml"), text).unwrap();
    let (code, out) = verdict(&dir, &["test", "empty.test.yaml"]);
    assert_eq!(code, 2, "{out}");
    assert!(out.contains("[T004] a case's `name` is empty"), "{out}");
    assert!(out.contains("help: the policy declares no scorecard"), "{out}");
}

#[test]
fn a_snapshot_key_the_schema_does_not_name_is_warned_once() {
    // `balanse` leaves the base's balance in place: the case tests another
    // account than the one written. A base key is laid under every case but
    // warned once; `as_of` is a snapshot's own key, not a field.
    let dir = common::temp_folder("cli_test", "snapshot_keys");
    let policy = repo().join("policies/simple.policy");
    let text = format!(
        "policy: {}\nas_of: 2026-11-01\nbase_snapshot:\n  status: active\n  credit_limit: \"5000\"\n  balance: \"1000\"\n  score: 700\n  opened_on: 2022-01-15\n  identity: {{verified: true, verifed: false}}\n  tags: []\n  extra_note: x\ncases:\n  - name: one\n    snapshot: {{id: S-01, balanse: \"4900\", score: 640}}\n    expect: {{outcome: none}}\n  - name: two\n    snapshot: {{id: S-02, as_of: 2026-10-01}}\n    expect: {{outcome: none}}\n",
        policy.display()
    );
    std::fs::write(dir.join("keys.test.yaml"), text).unwrap();
    let (code, out) = verdict(&dir, &["test", "keys.test.yaml"]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("2 passed, 0 failed"), "{out}");
    assert_eq!(out.matches("[T010]").count(), 3, "{out}");
    assert!(out.contains("[T010] `balanse` is not a field of the schema"), "{out}");
    assert!(out.contains("keys.test.yaml:14:26]"), "{out}");
    assert!(out.contains("did you mean `balance`?"), "{out}");
    assert!(out.contains("did you mean `verified`?"), "{out}");
    assert!(out.contains("[T010] `extra_note`"), "{out}");
    assert!(!out.contains("`as_of` is not"), "{out}");
}

#[test]
fn a_case_without_a_date_is_told_where_to_give_one() {
    // `verdict test` has no `--as-of`: the test file's `as_of:` is the place.
    let dir = common::temp_folder("cli_test", "no_as_of");
    let policy = repo().join("policies/simple.policy");
    let text = format!(
        "policy: {}\ncases:\n  - name: undated\n    snapshot: {{id: S-01, status: active, credit_limit: \"5000\", balance: \"1000\", score: 700, opened_on: 2022-01-15, identity: {{verified: true}}, tags: []}}\n    expect: {{outcome: none}}\n",
        policy.display()
    );
    std::fs::write(dir.join("undated.test.yaml"), text).unwrap();
    let (code, out) = verdict(&dir, &["test", "undated.test.yaml"]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("add `as_of: YYYY-MM-DD` at the top of the test file"), "{out}");
    assert!(!out.contains("--as-of"), "{out}");
}

#[test]
fn a_failure_and_an_invalid_file_exit_2() {
    let (code, out) =
        verdict(repo(), &["test", "tests/testing/failing.fails.yaml", "tests/testing/malformed.invalid.yaml"]);
    assert_eq!(code, 2, "{out}");
    assert!(out.contains("\n1 passed, 6 failed\n"), "{out}");
}

#[test]
fn paths_without_tests_are_an_error() {
    let (code, out) = verdict(repo(), &["test", "grammar"]);
    assert_eq!(code, 2, "{out}");
    insta::assert_snapshot!("no_test_files", out);
    let (code, out) = verdict(repo(), &["test", "no/such/folder"]);
    assert_eq!(code, 2, "{out}");
    assert!(out.contains("[T001] cannot read `no/such/folder`"), "{out}");
}

/// A scratch folder with the ladder policy, its schema, a portfolio and a golden test file.
fn golden_workdir() -> PathBuf {
    static N: AtomicUsize = AtomicUsize::new(0);
    let dir = std::env::temp_dir().join(format!(
        "verdict-cli-golden-{}-{}",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed)
    ));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let policy = std::fs::read_to_string(repo().join("tests/testing/ladder.policy")).unwrap();
    let policy = policy.replace("../../policies/simple.schema.yaml", "simple.schema.yaml");
    std::fs::write(dir.join("ladder.policy"), policy).unwrap();
    std::fs::copy(repo().join("policies/simple.schema.yaml"), dir.join("simple.schema.yaml")).unwrap();
    std::fs::write(dir.join("portfolio.jsonl"), PORTFOLIO).unwrap();
    std::fs::write(
        dir.join("ladder.test.yaml"),
        "policy: ladder.policy\nas_of: 2026-11-01\ngolden: ladder.golden.jsonl\nsnapshots: portfolio.jsonl\n",
    )
    .unwrap();
    dir
}

const PORTFOLIO: &str = r#"{"id":"G-1","status":"active","credit_limit":"1000","balance":"100","score":450,"opened_on":"2020-01-01","identity":{"verified":true},"tags":[]}
{"id":"G-2","status":"active","credit_limit":"1000","balance":"100","score":700,"opened_on":"2020-01-01","identity":{"verified":true},"tags":["watchlist"]}
{"id":"G-3","status":"active","credit_limit":"1000","balance":"100","score":"n/a","opened_on":"2020-01-01","identity":{"verified":true},"tags":[]}
"#;

/// A golden test over a portfolio with no snapshot compares nothing: it is
/// an invalid test file (exit 2), not a pass, with `--accept` too, and no
/// golden file is written.
#[test]
fn a_golden_test_over_an_empty_portfolio_is_invalid() {
    let dir = golden_workdir();
    std::fs::write(dir.join("portfolio.jsonl"), "").unwrap();
    for args in [&["test"][..], &["test", "--accept"][..]] {
        let (code, out) = verdict(&dir, args);
        assert_eq!(code, 2, "{out}");
        assert!(out.contains("[T004]") && out.contains("`portfolio.jsonl` holds no snapshot"), "{out}");
        assert!(out.contains("ladder.test.yaml:4:12"), "{out}");
    }
    assert!(!dir.join("ladder.golden.jsonl").exists());
}

/// A golden file holds what `verdict eval` writes, error records included:
/// a snapshot without a date, in a test file that gives none, is refused in
/// `eval`'s words, so an accepted file equals `eval`'s output and passes.
#[test]
fn a_golden_record_of_a_snapshot_without_a_date_is_what_eval_writes() {
    let dir = golden_workdir();
    std::fs::write(
        dir.join("ladder.test.yaml"),
        "policy: ladder.policy\ngolden: ladder.golden.jsonl\nsnapshots: portfolio.jsonl\n",
    )
    .unwrap();
    let dated = PORTFOLIO.replacen(r#""id":"G-1","#, r#""id":"G-1","as_of":"2026-11-01","#, 1);
    std::fs::write(dir.join("portfolio.jsonl"), dated).unwrap();
    let eval = Command::new(env!("CARGO_BIN_EXE_verdict"))
        .args(["eval", "ladder.policy", "portfolio.jsonl"])
        .current_dir(&dir)
        .output()
        .unwrap();
    let eval = String::from_utf8_lossy(&eval.stdout).into_owned();
    assert!(eval.contains("no default was given"), "{eval}");
    std::fs::write(dir.join("ladder.golden.jsonl"), &eval).unwrap();
    let (code, out) = verdict(&dir, &["test"]);
    assert_eq!(code, 0, "{out}");
    let (code, out) = verdict(&dir, &["test", "--accept"]);
    assert_eq!(code, 0, "{out}");
    assert_eq!(std::fs::read_to_string(dir.join("ladder.golden.jsonl")).unwrap(), eval);
}

#[test]
fn golden_files_are_written_by_accept_and_compared_after() {
    let dir = golden_workdir();
    let golden = dir.join("ladder.golden.jsonl");

    let (code, missing) = verdict(&dir, &["test"]);
    assert_eq!(code, 1, "{missing}");
    insta::assert_snapshot!("golden_1_missing", missing);

    let (code, accepted) = verdict(&dir, &["test", "--accept"]);
    assert_eq!(code, 0, "{accepted}");
    insta::assert_snapshot!("golden_2_accepted", accepted);
    let written = std::fs::read_to_string(&golden).unwrap();
    assert_eq!(written.lines().count(), 3);
    assert!(written.lines().take(2).all(|l| l.contains(r#""fingerprint":"sha256:"#)), "{written}");
    // The lines are exactly what `verdict eval` writes for the portfolio.
    let eval = Command::new(env!("CARGO_BIN_EXE_verdict"))
        .args(["eval", "ladder.policy", "portfolio.jsonl", "--as-of", "2026-11-01"])
        .current_dir(&dir)
        .output()
        .unwrap();
    assert_eq!(String::from_utf8_lossy(&eval.stdout), written);

    let (code, unchanged) = verdict(&dir, &["test"]);
    assert_eq!(code, 0, "{unchanged}");
    insta::assert_snapshot!("golden_3_unchanged", unchanged);

    // A comment changes the fingerprint, not a decision: still a pass, with a note.
    let policy = std::fs::read_to_string(dir.join("ladder.policy")).unwrap();
    std::fs::write(dir.join("ladder.policy"), format!("# reviewed\n{policy}")).unwrap();
    let (code, fingerprint) = verdict(&dir, &["test"]);
    assert_eq!(code, 0, "{fingerprint}");
    insta::assert_snapshot!("golden_4_fingerprint_only", fingerprint);

    // G-1 now decides differently, G-3 reads fine, G-2 is gone and G-4 is new.
    let portfolio = PORTFOLIO
        .replace(r#""score":450"#, r#""score":550"#)
        .replace(r#""score":"n/a""#, r#""score":800"#)
        .replace(r#""id":"G-2""#, r#""id":"G-4""#);
    std::fs::write(dir.join("portfolio.jsonl"), portfolio).unwrap();
    let (code, changed) = verdict(&dir, &["test"]);
    assert_eq!(code, 1, "{changed}");
    insta::assert_snapshot!("golden_5_changed", changed);

    let (code, _) = verdict(&dir, &["test", "--accept"]);
    assert_eq!(code, 0);
    let (code, again) = verdict(&dir, &["test", "ladder.test.yaml"]);
    assert_eq!(code, 0, "{again}");

    std::fs::write(&golden, "{\"id\":\"G-1\",\"outcome\":\"none\"}\nnot json\n").unwrap();
    let (code, corrupt) = verdict(&dir, &["test"]);
    assert_eq!(code, 2, "{corrupt}");
    insta::assert_snapshot!("golden_6_corrupt", corrupt);
    // A portfolio named as the golden file is not compared record by record
    // (every field "differs"): it is said to be no golden file.
    std::fs::copy(dir.join("portfolio.jsonl"), &golden).unwrap();
    let (code, portfolio) = verdict(&dir, &["test"]);
    assert_eq!(code, 2, "{portfolio}");
    assert!(portfolio.contains("has a key no decision") && portfolio.contains("is not a golden file"), "{portfolio}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_golden_file_accept_cannot_write_is_left_as_it_was_and_the_run_exits_4() {
    let dir = golden_workdir();
    let golden = dir.join("ladder.golden.jsonl");
    let (code, out) = verdict(&dir, &["test", "--accept"]);
    assert_eq!(code, 0, "{out}");
    let accepted = std::fs::read_to_string(&golden).unwrap();
    std::fs::write(dir.join("portfolio.jsonl"), PORTFOLIO.replace(r#""score":450"#, r#""score":550"#)).unwrap();
    let mut read_only = std::fs::metadata(&golden).unwrap().permissions();
    read_only.set_readonly(true);
    std::fs::set_permissions(&golden, read_only).unwrap();
    let (code, out) = verdict(&dir, &["test", "--accept"]);
    assert_eq!(code, 4, "{out}");
    assert!(out.contains("[T011] cannot write the golden file") && out.contains("read-only"), "{out}");
    assert_eq!(std::fs::read_to_string(&golden).unwrap(), accepted);
    // The cases ran: JUnit says what failed, not that the file could not run.
    let (code, junit) = verdict(&dir, &["test", "--accept", "--format", "junit"]);
    assert_eq!(code, 4, "{junit}");
    assert!(
        junit.contains("<error message=\"the golden file could not be written\">") && junit.contains("T011"),
        "{junit}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_case_snapshot_is_read_as_strictly_as_a_book() {
    let (code, out) = verdict(repo(), &["test", "tests/testing/repeated-key.fails.yaml"]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("got snapshot error: score: duplicate key (given more than once)\n"), "{out}");
    assert!(out.contains(r#"got snapshot error: credit_limit: expected money, found "12_50""#), "{out}");
    assert!(out.contains("\n1 passed, 2 failed\n"), "{out}");
}

/// A scratch folder holding the flat schema, `policy` as `p.policy`, and a
/// test file whose one case expects the reason code `Q9`.
fn reason_workdir(policy_rules: &str) -> PathBuf {
    static N: AtomicUsize = AtomicUsize::new(0);
    let dir = common::temp_folder("cli-test-reasons", &N.fetch_add(1, Ordering::Relaxed).to_string());
    std::fs::copy(repo().join("policies/simple.schema.yaml"), dir.join("simple.schema.yaml")).unwrap();
    let policy = format!("policy \"p\" version \"1\"\nschema \"simple.schema.yaml\"\n{policy_rules}\n");
    std::fs::write(dir.join("p.policy"), policy).unwrap();
    std::fs::write(
        dir.join("p.test.yaml"),
        "policy: p.policy\nas_of: 2026-11-01\ncases:\n  - name: q\n    snapshot: {id: Q-1, status: active, \
         credit_limit: \"1\", balance: \"1\", score: 1, opened_on: 2020-01-01, identity: {verified: true}, tags: []}\n    \
         expect: {reasons: [Q9]}\n",
    )
    .unwrap();
    dir
}

#[test]
fn an_unknown_reason_code_names_the_policys_codes_once_each_or_says_there_are_none() {
    let none = reason_workdir(r#"rule "r" { when score < 0 then tag "t" }"#);
    let (code, out) = verdict(&none, &["test", "p.test.yaml"]);
    assert_eq!(code, 2, "{out}");
    assert!(out.contains("[T006]") && out.contains("the policy gives no reason codes"), "{out}");
    assert!(!out.contains("reason codes are"), "{out}");

    let repeated = reason_workdir(
        r#"rule "a" { when score < 0 then tag "a" reason "A1" "a" }
rule "b" { when score < 0 then tag "b" reason "B1" "b" }
rule "c" { when score < 0 then tag "c" reason "A1" "a" }"#,
    );
    let (code, out) = verdict(&repeated, &["test", "p.test.yaml"]);
    assert_eq!(code, 2, "{out}");
    assert!(out.contains("the policy's reason codes are A1, B1"), "{out}");
    assert!(!out.contains("A1, B1, A1"), "{out}");
}

/// A portfolio whose snapshots happen to hold an `outcome` (last year's
/// decision, kept as data) is still no golden file: `--accept` refuses to
/// write over it, even where a case of the same file reads it, and a file
/// whose golden file is refused runs none of its cases.
#[test]
fn a_golden_file_that_is_a_portfolio_or_notes_is_refused_before_any_case_runs() {
    let dir = golden_workdir();
    let book: String =
        PORTFOLIO.lines().map(|l| l.replacen('{', "{\"outcome\":\"approved-2025\",", 1) + "\n").collect();
    std::fs::write(dir.join("book.jsonl"), &book).unwrap();
    std::fs::write(dir.join("notes.txt"), "my notes\n").unwrap();
    let case = "cases:\n  - name: from the book\n    snapshot_file: book.jsonl\n    snapshot_id: G-1\n    \
                expect: {outcome: none}\n";
    for golden in ["book.jsonl", "notes.txt"] {
        std::fs::write(
            dir.join("ladder.test.yaml"),
            format!("policy: ladder.policy\nas_of: 2026-11-01\n{case}golden: {golden}\nsnapshots: portfolio.jsonl\n"),
        )
        .unwrap();
        for args in [&["test"][..], &["test", "--accept"][..]] {
            let (code, out) = verdict(&dir, args);
            assert_eq!(code, 2, "{golden} {args:?}: {out}");
            // Refused as the file a case reads, or as no golden file.
            let refused =
                [format!("the same file as `{golden}`, which"), format!("`{golden}` exists and is not a golden file")];
            assert!(out.contains("[T008]") && refused.iter().any(|r| out.contains(r.as_str())), "{golden}: {out}");
            assert!(!out.contains("from the book"), "no case runs: {out}");
        }
    }
    assert_eq!(std::fs::read_to_string(dir.join("book.jsonl")).unwrap(), book);
    assert_eq!(std::fs::read_to_string(dir.join("notes.txt")).unwrap(), "my notes\n");
    let _ = std::fs::remove_dir_all(&dir);
}
