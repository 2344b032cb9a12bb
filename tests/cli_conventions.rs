//! The command line behaves as Unix tools do: `-o -`, `-j`, `--quiet`,
//! `--color`, completions and a man page, `test --format json|junit`,
//! examples and exit codes in every subcommand's help, tables aligned by
//! display width, one directory walker.

mod common;

use common::verdict_in;
use std::path::{Path, PathBuf};
use std::process::Command;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn verdict(args: &[&str]) -> (i32, String, String) {
    verdict_in(root(), args)
}

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("verdict-conventions-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

const BOOK: &str = "policies/portfolio.jsonl";
const POLICY: &str = "policies/lifecycle.policy";

#[test]
fn output_dash_is_standard_output_and_no_file_named_dash_is_made() {
    let dir = scratch("dash");
    let policy = root().join(POLICY);
    let book = root().join(BOOK);
    let (code, stdout, _) = verdict_in(&dir, &["eval", policy.to_str().unwrap(), book.to_str().unwrap(), "-o", "-"]);
    let (_, plain, _) = verdict(&["eval", POLICY, BOOK]);
    assert_eq!(code, 1, "three snapshots of the book are broken on purpose");
    assert_eq!(stdout, plain);
    assert!(!dir.join("-").exists(), "a file named - was created");
    let schema = root().join("policies/account.schema.yaml");
    let (code, stdout, _) = verdict_in(&dir, &["synth", schema.to_str().unwrap(), "-n", "3", "-o", "-"]);
    assert_eq!((code, stdout.lines().count()), (0, 3));
    assert!(!dir.join("-").exists());
}

#[test]
fn dash_j_is_jobs() {
    let (_, short, _) = verdict(&["eval", POLICY, BOOK, "-j", "2"]);
    let (_, long, _) = verdict(&["eval", POLICY, BOOK, "--jobs", "2"]);
    assert_eq!(short, long);
    assert_eq!(verdict(&["eval", POLICY, BOOK, "-j", "99999"]).0, 2);
}

#[test]
fn quiet_leaves_only_errors_and_breached_guards_on_stderr() {
    let (code, _, stderr) = verdict(&["eval", POLICY, BOOK, "--quiet"]);
    assert_eq!((code, stderr.as_str()), (1, ""), "the summary is left out");
    let (_, _, loud) = verdict(&["eval", POLICY, BOOK]);
    assert!(loud.contains("40 decided"), "{loud}");

    let dir = scratch("quiet-guard");
    let text = std::fs::read_to_string(root().join(POLICY)).unwrap().replace("at most 20%", "at most 1%");
    let strict = common::policy_beside_example_files(&dir, "strict.policy", &text);
    let book = root().join(BOOK);
    let (code, _, stderr) = verdict(&["eval", strict.to_str().unwrap(), book.to_str().unwrap(), "-q"]);
    assert_eq!(code, 3);
    // A breach is never quiet, and it is all a quiet run says: no summary around it.
    assert!(stderr.starts_with("guard breached: `guard close at most 1%`: "), "{stderr}");
    assert_eq!(stderr.lines().count(), 1, "{stderr}");

    let (code, _, stderr) = verdict(&["check", POLICY, "-q"]);
    assert_eq!((code, stderr.as_str()), (0, ""));
    let (code, stdout, _) = verdict(&["test", "policies/tests/lifecycle.test.yaml", "-q"]);
    assert_eq!(code, 0);
    assert!(!stdout.contains("PASS") && stdout.contains("passed, 0 failed"), "{stdout}");
}

#[test]
fn color_always_and_never_override_the_terminal_test_and_no_color() {
    let broken = scratch("color").join("broken.policy");
    std::fs::write(&broken, "policy \"p\" version \"1\"\nschema \"missing.yaml\"\n").unwrap();
    let (_, _, always) = verdict(&["--color", "always", "check", broken.to_str().unwrap()]);
    assert!(always.contains('\u{1b}'), "NO_COLOR is set by the test helper, and --color always wins: {always}");
    let (_, _, never) = verdict(&["check", "--color", "never", broken.to_str().unwrap()]);
    assert!(!never.contains('\u{1b}'));
    assert_eq!(verdict(&["check", "--color", "sometimes", POLICY]).0, 2);
}

#[test]
fn completions_and_the_man_page_come_from_the_command_line_itself() {
    for shell in ["bash", "zsh", "fish", "elvish", "powershell"] {
        let (code, stdout, _) = verdict(&["completions", shell]);
        assert_eq!(code, 0, "{shell}");
        for subcommand in ["eval", "diff", "explain", "synth"] {
            assert!(stdout.contains(subcommand), "{shell} completes {subcommand}");
        }
    }
    let (code, page, _) = verdict(&["man"]);
    assert_eq!(code, 0);
    assert!(page.contains(".TH verdict 1"), "{page}");
    assert!(page.contains("synth"), "the man page lists every subcommand");
    assert!(page.contains("verdict\\-eval(1)"), "and names their pages");
    let (code, page, _) = verdict(&["man", "eval"]);
    assert_eq!(code, 0);
    assert!(page.contains(".TH verdict-eval 1") && page.contains("\\fBverdict eval\\fR"), "{page}");
    let (code, _, stderr) = verdict(&["man", "evaluate"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("no subcommand `evaluate`"), "{stderr}");
}

#[test]
fn every_subcommand_help_has_an_example_and_the_exit_codes() {
    let (_, top, _) = verdict(&["--help"]);
    let every = [
        "check",
        "eval",
        "test",
        "fmt",
        "explain",
        "diff",
        "synth",
        "completions",
        "man",
        "lsp",
        "serve",
        "import",
        "import scorecard",
        "stability",
    ];
    for subcommand in every {
        assert!(
            top.contains(subcommand.split(' ').next().unwrap_or(subcommand)),
            "`verdict --help` lists {subcommand}"
        );
        let args: Vec<&str> = subcommand.split(' ').chain(["--help"]).collect();
        let (code, help, _) = verdict(&args);
        assert_eq!(code, 0);
        assert!(help.contains("Examples:\n  verdict "), "{subcommand}: {help}");
        assert!(help.contains("Exit codes"), "{subcommand}");
    }
    // Each lists the codes it can end with, in its own words: `fmt` has no
    // guard, and its 1 is `--check`'s.
    let exit_codes = |subcommand: &str| {
        let (_, help, _) = verdict(&[subcommand, "--help"]);
        help.split_once("Exit codes").map(|(_, codes)| codes.to_owned()).unwrap_or_default()
    };
    let fmt = exit_codes("fmt");
    assert!(fmt.contains("  1    with --check: a file would be reformatted\n"), "{fmt}");
    assert!(!fmt.contains("  3 ") && !fmt.contains("  5 ") && fmt.contains("  4 "), "{fmt}");
    let eval = exit_codes("eval");
    assert!(eval.contains("  3    a guard was breached\n") && eval.contains("  141  "), "{eval}");
    let listed: Vec<u32> = eval.lines().filter_map(|l| l.split_whitespace().next()?.parse().ok()).collect();
    assert!(listed.windows(2).all(|w| w[0] < w[1]), "in order: {listed:?}");
    assert!(!exit_codes("check").contains("  1 "), "`check` has no 1");
}

#[test]
fn test_results_as_json_and_junit() {
    let dir = scratch("junit");
    let failing = dir.join("failing.test.yaml");
    let policy = root().join(POLICY);
    std::fs::write(
        &failing,
        format!(
            "policy: {}\nas_of: 2026-11-01\ncases:\n  - name: a <wrong> & \"quoted\" expectation\n    snapshot: {{id: A1, status: active, credit_limit: \"100\", balance: \"0\", score: 700, opened_on: 2024-01-01, identity: {{verified: true, mismatch_fields: []}}, tags: [], score_history: [], overdues: [], applications: []}}\n    expect: {{outcome: close}}\n",
            policy.display()
        ),
    )
    .unwrap();
    let (code, json, _) = verdict(&["test", failing.to_str().unwrap(), "--format", "json"]);
    assert_eq!(code, 1);
    let doc: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!((doc["passed"].as_u64(), doc["failed"].as_u64()), (Some(0), Some(1)));
    assert_eq!(doc["files"][0]["cases"][0]["result"], "failed");
    assert!(doc["files"][0]["cases"][0]["failure"].as_str().unwrap().contains("outcome"));
    // The same difference as data, for a CI system to show in its own way.
    let differences = &doc["files"][0]["cases"][0]["differences"];
    assert_eq!(differences[0]["field"], "outcome");
    assert_eq!((differences[0]["expected"].as_str(), differences[0]["got"].as_str()), (Some("close"), Some("none")));
    assert_eq!(differences.as_array().map(Vec::len), Some(1), "only the outcome is expected");

    let (code, xml, _) = verdict(&["test", failing.to_str().unwrap(), "policies/tests", "--format", "junit"]);
    assert_eq!(code, 1);
    let doc = roxmltree::Document::parse(&xml).unwrap();
    let suites: Vec<_> = doc.descendants().filter(|n| n.has_tag_name("testsuite")).collect();
    assert_eq!(suites.len(), 4, "one suite per test file");
    assert_eq!(suites[0].attribute("failures"), Some("1"));
    let case = doc.descendants().find(|n| n.has_tag_name("testcase")).unwrap();
    assert_eq!(case.attribute("name"), Some("a <wrong> & \"quoted\" expectation"));
    let failure = case.children().find(|n| n.has_tag_name("failure")).unwrap();
    // The one line a CI server lists: where, and the first difference.
    let message = failure.attribute("message").unwrap();
    assert!(message.starts_with("line 4: ") && message.contains("outcome"), "{message}");
    let passed: usize = suites[1..].iter().map(|s| s.attribute("tests").unwrap().parse::<usize>().unwrap()).sum();
    assert_eq!(passed, 66, "the shipped tests all pass");
}

#[test]
fn coverage_says_a_test_file_with_an_error_did_not_run() {
    let dir = scratch("coverage");
    let broken = dir.join("broken.test.yaml");
    let policy = root().join(POLICY);
    std::fs::write(&broken, format!("policy: {}\ncases:\n  - name: no snapshot\n", policy.display())).unwrap();
    let (code, stdout, _) = verdict(&["test", "--coverage", broken.to_str().unwrap()]);
    assert_eq!(code, 2);
    assert!(stdout.contains("did not run"), "{stdout}");
    assert!(!stdout.contains("never fired"), "no rule is reported as never fired by cases that never ran: {stdout}");
}

#[test]
fn the_table_shows_actions_and_aligns_wide_characters() {
    let line = r#"{"id":"账户-1","as_of":"2026-11-01","status":"active","credit_limit":"10000","balance":"2000","score":720,"opened_on":"2024-03-15","identity":{"verified":true,"mismatch_fields":[]},"tags":[],"score_history":[],"overdues":[{"due_on":"2026-10-20","days":12,"amount":"50"}],"applications":[]}"#;
    let other = line.replace("账户-1", "A-2");
    let mut child = Command::new(env!("CARGO_BIN_EXE_verdict"))
        .args(["eval", POLICY, "--format", "table", "-q"])
        .current_dir(root())
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::Write;
    child.stdin.take().unwrap().write_all(format!("{line}\n{other}\n{{\n").as_bytes()).unwrap();
    let out = String::from_utf8(child.wait_with_output().unwrap().stdout).unwrap();
    let lines: Vec<&str> = out.lines().collect();
    assert!(lines[0].contains("ACTIONS"), "{out}");
    assert!(lines[1].contains("push:overdue-reminder"), "a collections-only decision shows its action: {out}");
    assert!(lines[3].starts_with("(no id)"), "{out}");
    // OUTCOME starts at the same display column on every line: 账户 takes four columns.
    let column = |l: &str| {
        let at = l.find(['n', 'O', 'E']).unwrap();
        unicode_width(&l[..at])
    };
    assert_eq!(column(lines[1]), column(lines[0]), "{out}");
    assert_eq!(column(lines[2]), column(lines[0]), "{out}");
}

/// Display width, as a terminal shows it (CJK characters take two columns).
fn unicode_width(text: &str) -> usize {
    text.chars().map(|c| if ('\u{4e00}'..='\u{9fff}').contains(&c) { 2 } else { 1 }).sum()
}

#[cfg(unix)]
#[test]
fn fmt_does_not_follow_a_folder_link_loop() {
    let dir = scratch("fmt-loop");
    std::fs::copy(root().join("policies/simple.policy"), dir.join("simple.policy")).unwrap();
    std::os::unix::fs::symlink(".", dir.join("loop")).unwrap();
    let (code, _, stderr) = verdict_in(&dir, &["fmt", "--check", "."]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stderr.contains("1 already formatted"), "one file, once: {stderr}");
}
