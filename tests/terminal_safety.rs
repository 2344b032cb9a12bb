//! Reports written for a terminal show the control characters of ids,
//! strings, rule names and messages as escapes (`\n`, `\u{1b}`): a newline in
//! an id must not draw a fake row, an escape sequence must not retitle or
//! clear the terminal. Machine formats (JSON) escape them their own way.

mod common;

use std::path::{Path, PathBuf};

/// An id with a newline, a title-setting sequence and a bell.
const ID: &str = "A\n1\u{1b}]0;pwned\u{7}";
/// How reports write [`ID`].
const ID_SHOWN: &str = "A\\n1\\u{1b}]0;pwned\\u{7}";

const SCHEMA: &str = "entity: account\nkey: id\nfields:\n  id: string\n  note: string\n  score: int\n";

/// A rule whose name holds a newline (`\n` is an escape of the policy language).
const OLD: &str = r#"policy "old" version "1"
schema "s.schema.yaml"
rule "fake\nrow" { when score > 1 and note != "x" then restrict reason "R1" "low" tag "t" }
"#;
const NEW: &str =
    "policy \"new\" version \"2\"\nschema \"s.schema.yaml\"\nrule \"calm\" { when score > 100 then close }\n";

/// A folder of the test's own with the schema, both policies and the snapshots.
fn scratch(test: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("verdict-terminal-{test}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("s.schema.yaml"), SCHEMA).unwrap();
    std::fs::write(dir.join("old.policy"), OLD).unwrap();
    std::fs::write(dir.join("new.policy"), NEW).unwrap();
    let account = serde_json::json!({"id": ID, "as_of": "2026-01-01", "note": "n\u{1b}[2J", "score": 5});
    let broken = serde_json::json!({"id": "B\u{1b}[2J", "as_of": "2026-01-01", "note": "n", "score": "x\u{1b}[2J"});
    std::fs::write(dir.join("s.jsonl"), format!("{account}\n{broken}\n")).unwrap();
    dir
}

/// Runs verdict in `dir`: exit code, stdout and stderr.
fn verdict(dir: &Path, args: &[&str]) -> (i32, String, String) {
    common::verdict_in(dir, args)
}

#[track_caller]
fn assert_safe(what: &str, text: &str) {
    let acting: Vec<char> = text.chars().filter(|c| c.is_control() && *c != '\n').collect();
    assert!(acting.is_empty(), "{what} prints {acting:?} as is:\n{text}");
}

#[test]
fn the_decision_table_shows_one_row_per_account_whatever_its_id() {
    let dir = scratch("the_decision_table_shows_one_row_per_account_whatever_its_id");
    let (_, stdout, stderr) = verdict(&dir, &["eval", "old.policy", "s.jsonl", "--format", "table"]);
    assert_safe("the table", &stdout);
    assert_safe("eval's stderr", &stderr);
    assert_eq!(stdout.lines().count(), 3, "a header and two rows:\n{stdout}");
    let row = stdout.lines().nth(1).unwrap();
    assert!(row.starts_with(ID_SHOWN) && row.contains("fake\\nrow"), "{stdout}");
    assert!(stdout.lines().nth(2).unwrap().starts_with("B\\u{1b}[2J"), "{stdout}");
}

#[test]
fn json_output_escapes_control_characters_itself() {
    let dir = scratch("json_output_escapes_control_characters_itself");
    let (_, stdout, _) = verdict(&dir, &["eval", "old.policy", "s.jsonl", "--format", "jsonl"]);
    assert_safe("JSON Lines", &stdout);
    assert_eq!(stdout.lines().count(), 2, "{stdout}");
    let first: serde_json::Value = serde_json::from_str(stdout.lines().next().unwrap()).unwrap();
    assert_eq!(first["id"], ID);
}

#[test]
fn explain_shows_ids_values_and_rule_names_escaped() {
    let dir = scratch("explain_shows_ids_values_and_rule_names_escaped");
    let (code, stdout, stderr) = verdict(&dir, &["explain", "old.policy", "s.jsonl", "--id", ID]);
    assert_eq!(code, 0, "{stdout}{stderr}");
    assert_safe("explain", &stdout);
    assert!(stdout.contains(&format!("account {ID_SHOWN}")), "{stdout}");
    assert!(stdout.contains("fake\\nrow") && stdout.contains("n\\u{1b}[2J"), "{stdout}");
    // Not found: the ids the file does hold are named in the help.
    let (code, _, stderr) = verdict(&dir, &["explain", "old.policy", "s.jsonl", "--id", "C-\u{1b}[2J"]);
    assert_eq!(code, 2);
    assert_safe("explain's error", &stderr);
}

#[test]
fn the_diff_report_shows_ids_and_rule_names_escaped() {
    let dir = scratch("the_diff_report_shows_ids_and_rule_names_escaped");
    let (_, stdout, stderr) = verdict(&dir, &["diff", "old.policy", "new.policy", "s.jsonl"]);
    assert_safe("the diff report", &stdout);
    assert_safe("diff's stderr", &stderr);
    assert!(stdout.contains(ID_SHOWN) && stdout.contains("fake\\nrow"), "{stdout}");
}

#[test]
fn test_failures_show_data_escaped() {
    let dir = scratch("test_failures_show_data_escaped");
    let cases = "policy: old.policy\nas_of: 2026-01-01\ncases:\n  - name: \"case \\e[2J\"\n    snapshot: {id: \"T\\e]0;x\\a\", note: \"n\", score: 5}\n    expect: {outcome: close, fired: []}\n  - name: broken\n    snapshot: {id: \"U\", note: \"n\", score: \"x\\e[2J\"}\n    expect: {outcome: close}\n";
    std::fs::write(dir.join("t.test.yaml"), cases).unwrap();
    let (code, stdout, stderr) = verdict(&dir, &["test", "t.test.yaml"]);
    assert_eq!(code, 1, "{stdout}{stderr}");
    assert_safe("verdict test", &stdout);
    assert_safe("verdict test's stderr", &stderr);
    assert!(stdout.contains("FAIL case \\u{1b}[2J") && stdout.contains("fake\\nrow"), "{stdout}");
}

#[test]
fn diagnostics_show_data_escaped() {
    // A test file's value is named in the diagnostic's message and help.
    let dir = scratch("diagnostics_show_data_escaped");
    let cases = "policy: old.policy\nas_of: 2026-01-01\ncases:\n  - name: c\n    snapshot: {id: V, note: n, score: 5}\n    expect: {outcome: \"clo\\e[2Jse\"}\n";
    std::fs::write(dir.join("d.test.yaml"), cases).unwrap();
    let (code, stdout, stderr) = verdict(&dir, &["test", "d.test.yaml"]);
    assert_eq!(code, 2, "{stdout}{stderr}");
    assert_safe("a diagnostic", &stderr);
    assert!(stderr.contains("`clo\\u{1b}[2Jse` is not an outcome"), "{stderr}");
}

/// The lines under a changed rule quote both versions' text: an escape
/// sequence written raw in a string is shown, not sent (a reset written into
/// a reason made the two lines look alike on screen), and spaces inside a
/// string are kept (two spaces for one was a change with no line at all).
#[test]
fn the_diff_report_shows_the_changed_text_as_written_and_escaped() {
    let dir = scratch("the_diff_report_shows_the_changed_text_as_written_and_escaped");
    let policy = |text: &str| {
        format!("policy \"p\" version \"1\"\nschema \"s.schema.yaml\"\nrule \"r\" {{ when score > 1 then restrict reason \"R1\" \"{text}\" }}\n")
    };
    std::fs::write(dir.join("a.policy"), policy("low score")).unwrap();
    std::fs::write(dir.join("b.policy"), policy("low\u{1b}[m score")).unwrap();
    std::fs::write(dir.join("c.policy"), policy("low  score")).unwrap();
    let (_, stdout, stderr) = verdict(&dir, &["diff", "a.policy", "b.policy", "s.jsonl"]);
    assert_safe("the diff report", &stdout);
    assert_safe("diff's stderr", &stderr);
    assert!(stdout.contains("+ then restrict reason \"R1\" \"low\\u{1b}[m score\""), "{stdout}");
    let (_, stdout, _) = verdict(&dir, &["diff", "a.policy", "c.policy", "s.jsonl"]);
    assert!(stdout.contains("- then restrict reason \"R1\" \"low score\""), "{stdout}");
    assert!(stdout.contains("+ then restrict reason \"R1\" \"low  score\""), "{stdout}");
}

/// A file named with an escape sequence, and a line of it holding one, are
/// named and quoted visibly by `check` and `fmt --check`.
#[test]
fn paths_and_source_lines_are_shown_escaped() {
    let dir = scratch("paths_and_source_lines_are_shown_escaped");
    let name = "bad\u{1b}[2J\u{7}.policy";
    let text = "policy \"p\" version \"1\"\nschema \"s.schema.yaml\"\nrule \"r\" { when scor > 1 and note != \"\u{1b}]0;t\u{7}\" then  close }\n";
    std::fs::write(dir.join(name), text).unwrap();
    let (code, stdout, stderr) = verdict(&dir, &["check", name]);
    assert_eq!(code, 2, "{stderr}");
    assert_safe("check's stderr", &stderr);
    assert!(stderr.contains("bad\\u{1b}[2J\\u{7}.policy:3:"), "{stderr}");
    assert!(stderr.contains("note != \"?]0;t?\""), "the excerpt: {stderr}");
    std::fs::write(dir.join(name), text.replace("scor ", "score ")).unwrap();
    let (code, stdout_fmt, stderr) = verdict(&dir, &["fmt", "--check", name]);
    assert_eq!(code, 1, "{stdout}{stderr}");
    assert_safe("fmt --check", &stdout_fmt);
    assert_eq!(stdout_fmt.trim(), "bad\\u{1b}[2J\\u{7}.policy");
}

/// `stability` names a book's ids and a scorecard's codes visibly.
#[test]
fn the_stability_report_shows_ids_and_codes_escaped() {
    let dir = scratch("the_stability_report_shows_ids_and_codes_escaped");
    let policy = "policy \"p\" version \"1\"\nschema \"s.schema.yaml\"\n\
                  let card = scorecard base 600 {\n  score \"S\u{1b}]0;x\u{7}\" \"Score\" {\n    < 10 => -5\n    >= 10 => 5\n  }\n}\n\
                  rule \"r\" { when card < 600 then restrict }\n";
    std::fs::write(dir.join("card.policy"), policy).unwrap();
    let (code, stdout, stderr) = verdict(&dir, &["stability", "card.policy", "s.jsonl", "s.jsonl"]);
    assert_eq!(code, 1, "the broken snapshot is left out: {stdout}{stderr}");
    assert_safe("the stability report", &stdout);
    assert_safe("stability's stderr", &stderr);
    assert!(stdout.contains("S\\u{1b}]0;x\\u{7}"), "{stdout}");
    assert!(stderr.contains("B\\u{1b}[2J"), "{stderr}");
}
