//! Guards at their exact bounds: a guard is breached only when the count is
//! strictly greater than its bound (spec §4), and a percentage is of the
//! snapshots that produced a decision, error records left out.

use std::io::Write;
use std::process::{Command, Stdio};

const POLICY: &str = "tests/cli/guard-bounds.policy";

fn account(id: &str, score: i64) -> String {
    format!(
        r#"{{"id":"{id}","as_of":"2026-11-01","status":"active","credit_limit":"10000","balance":"2500","score":{score},"opened_on":"2024-01-15","identity":{{"verified":true,"mismatch_fields":[]}},"tags":[],"score_history":[],"overdues":[],"applications":[]}}"#
    )
}

/// Runs `eval` over the given lines; the exit code and stderr.
fn eval(lines: &[String]) -> (i32, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_verdict"))
        .args(["eval", POLICY])
        .env("NO_COLOR", "1")
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run verdict");
    let input: String = lines.iter().map(|l| format!("{l}\n")).collect();
    child.stdin.take().expect("stdin").write_all(input.as_bytes()).expect("write stdin");
    let out = child.wait_with_output().expect("wait");
    (out.status.code().unwrap_or(-1), String::from_utf8_lossy(&out.stderr).into_owned())
}

fn good(n: usize) -> Vec<String> {
    (0..n).map(|i| account(&format!("G-{i}"), 700)).collect()
}

#[test]
fn a_count_guard_holds_at_its_bound_and_breaks_one_above() {
    let mut at = good(6);
    at.push(account("C-1", 400));
    let (code, stderr) = eval(&at);
    assert_eq!(code, 0, "one close with `at most 1` is within the guard: {stderr}");

    at.push(account("C-2", 400));
    let (code, stderr) = eval(&at);
    assert_eq!(code, 3, "two closes breach `at most 1`");
    assert!(stderr.contains("guard close at most 1"), "{stderr}");
    assert!(stderr.contains("2 of 8"), "{stderr}");
}

#[test]
fn a_percentage_guard_holds_at_its_bound_and_breaks_one_above() {
    // 8 decisions, 25% of them is exactly 2.
    let mut lines = good(6);
    lines.push(account("R-1", 550));
    lines.push(account("R-2", 550));
    let (code, stderr) = eval(&lines);
    assert_eq!(code, 0, "2 of 8 is exactly 25%: {stderr}");

    // 3 of 8 is above 25%.
    lines[0] = account("R-3", 550);
    let (code, stderr) = eval(&lines);
    assert_eq!(code, 3, "3 of 8 breaches 25%");
    assert!(stderr.contains("guard restrict at most 25%"), "{stderr}");
}

#[test]
fn a_percentage_is_of_the_decisions_not_of_the_error_records() {
    // 2 restricts of 8 decisions is 25%; the broken lines (errors, exit 1) do not
    // enlarge the base, which would hide a breach of 3 of 8.
    let mut lines = good(5);
    for i in 0..3 {
        lines.push(account(&format!("R-{i}"), 550));
    }
    lines.push("{broken".into());
    lines.push("{broken".into());
    lines.push("{broken".into());
    lines.push("{broken".into());
    let (code, stderr) = eval(&lines);
    assert_eq!(code, 3, "3 of 8 decisions breach 25% even with 4 error records beside them: {stderr}");
}
