//! Every file and stream verdict writes: nothing destroyed that is not ours,
//! nothing lost without a word.
//!
//! - A path that is not a regular file (a FIFO, a device, a descriptor's name
//!   such as `/dev/fd/1`) is written through; a symbolic link stays a link and
//!   its target gets the content.
//! - Temporary files have names no one can plant a link under.
//! - An output that is also an input is refused before anything runs (exit 2),
//!   as is an existing file verdict did not write (notes, a book).
//! - A write that fails exits 4 with a message; a reader that went away
//!   (`| head`) ends the run quietly with 141.
//!
//! The real `/dev/null` is never named as an output: special files here are
//! FIFOs made in a scratch folder, `/dev/fd/1` over a pipe, and links to
//! `/dev/full` (safe to write to: every write fails with "no space").

#![cfg(unix)]

mod common;

use std::io::{Read, Write};
use std::os::unix::fs::{FileTypeExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};

const BIN: &str = env!("CARGO_BIN_EXE_verdict");
const POLICY: &str = "policies/lifecycle.policy";
const PORTFOLIO: &str = "policies/portfolio.jsonl";
const SCHEMA: &str = "policies/account.schema.yaml";
/// Decisions the example portfolio gives (three of them error records: exit 1).
const RECORDS: usize = 43;

fn verdict(args: &[&str]) -> Output {
    Command::new(BIN).args(args).env("NO_COLOR", "1").stdin(Stdio::null()).output().expect("run verdict")
}

/// Runs `verdict ARGS` through `sh -c` with `redirect` applied to it (`>&-`, `>/dev/full`).
fn verdict_redirected(args: &[&str], redirect: &str) -> Output {
    let quoted: Vec<String> = args.iter().map(|a| format!("'{a}'")).collect();
    let script = format!("exec '{BIN}' {} {redirect}", quoted.join(" "));
    Command::new("sh").args(["-c", &script]).env("NO_COLOR", "1").output().expect("run sh")
}

fn code(o: &Output) -> i32 {
    o.status.code().unwrap_or(-1)
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// A fresh scratch folder.
fn scratch(name: &str) -> PathBuf {
    static N: AtomicUsize = AtomicUsize::new(0);
    let n = N.fetch_add(1, Ordering::Relaxed);
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("cli-output-{}-{n}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

fn mkfifo(path: &Path) {
    assert!(Command::new("mkfifo").arg(path).status().unwrap().success());
}

/// `cat FIFO`, started before the writer so that neither waits for the other.
fn read_fifo(path: &Path) -> Child {
    Command::new("cat").arg(path).stdout(Stdio::piped()).spawn().unwrap()
}

/// What the reader of `fifo` got, once `fifo` is known to still be one (a
/// FIFO replaced by a file has no writer; its reader is then stopped).
fn fifo_content(fifo: &Path, mut reader: Child) -> String {
    let still_a_fifo = std::fs::symlink_metadata(fifo).unwrap().file_type().is_fifo();
    if !still_a_fifo {
        let _ = reader.kill();
        let _ = reader.wait();
        panic!("`{}` was replaced by a regular file", fifo.display());
    }
    let mut text = String::new();
    reader.stdout.take().unwrap().read_to_string(&mut text).unwrap();
    reader.wait().unwrap();
    text
}

fn names_in(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> =
        std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    names.sort();
    names
}

#[test]
fn an_output_that_is_a_fifo_is_written_through() {
    let dir = scratch("fifo");
    let fifo = dir.join("decisions");
    mkfifo(&fifo);
    let reader = read_fifo(&fifo);
    let out = verdict(&["eval", POLICY, PORTFOLIO, "--output", s(&fifo)]);
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    assert_eq!(fifo_content(&fifo, reader).lines().count(), RECORDS);

    // The summary too, and a diff's HTML page.
    let reader = read_fifo(&fifo);
    let out = verdict(&["eval", POLICY, PORTFOLIO, "--output", s(&dir.join("d.jsonl")), "--summary", s(&fifo)]);
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    assert!(fifo_content(&fifo, reader).contains("\"accounts\": 43"));
    let reader = read_fifo(&fifo);
    let out = verdict(&["diff", POLICY, "policies/lifecycle-v2.policy", PORTFOLIO, "--html", s(&fifo)]);
    assert_eq!(code(&out), 1, "the portfolio's broken snapshots: {}", stderr(&out));
    assert!(fifo_content(&fifo, reader).contains("<html"));
    assert_eq!(names_in(&dir), ["d.jsonl", "decisions"], "no temporary file left behind");

    // What went through cannot be taken back when an input turns out unreadable: said so.
    let reader = read_fifo(&fifo);
    let out = verdict(&["eval", POLICY, PORTFOLIO, "missing.jsonl", "--output", s(&fifo)]);
    assert_eq!(code(&out), 2, "{}", stderr(&out));
    assert_eq!(fifo_content(&fifo, reader).lines().count(), RECORDS);
    assert!(stderr(&out).contains("is written through, not replaced"), "{}", stderr(&out));
}

#[test]
fn an_output_named_by_its_descriptor_is_written_through() {
    // `/dev/fd/1` is this run's standard output (here a pipe), not a file in a folder to replace.
    let out = verdict(&["eval", POLICY, PORTFOLIO, "--output", "/dev/fd/1"]);
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    assert_eq!(String::from_utf8_lossy(&out.stdout).lines().count(), RECORDS);
    // (Not `/dev/stdout` itself: should this ever regress, a run as root
    // would replace the machine's `/dev/stdout`; `/proc` refuses new files.)
    let out = verdict(&["synth", SCHEMA, "--count", "5", "-o", "/proc/self/fd/1"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_eq!(String::from_utf8_lossy(&out.stdout).lines().count(), 5);
}

#[test]
fn a_symbolic_link_stays_a_link_and_its_target_gets_the_content() {
    let dir = scratch("links");
    let link_to = |name: &str, target: &str| {
        let link = dir.join(name);
        std::os::unix::fs::symlink(target, &link).unwrap();
        link
    };
    let is_link = |p: &Path| std::fs::symlink_metadata(p).unwrap().file_type().is_symlink();

    std::fs::write(dir.join("decisions.jsonl"), "{\"id\":\"old\",\"as_of\":\"2026-11-01\",\"outcome\":\"none\",\"until\":null,\"limit\":null,\"reasons\":[],\"actions\":[],\"fired\":[],\"policy\":{\"name\":\"p\",\"version\":\"1\",\"fingerprint\":\"sha256:0\"}}\n").unwrap();
    let link = link_to("latest.jsonl", "decisions.jsonl");
    let out = verdict(&["eval", POLICY, PORTFOLIO, "-o", s(&link)]);
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    assert!(is_link(&link));
    assert_eq!(std::fs::read_to_string(dir.join("decisions.jsonl")).unwrap().lines().count(), RECORDS);

    // A link to a file that does not exist yet: the file is made, the link kept.
    let dangling = link_to("summary-link.json", "summary.json");
    let out = verdict(&["synth", SCHEMA, "--count", "3", "-o", s(&dangling)]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert!(is_link(&dangling));
    assert_eq!(std::fs::read_to_string(dir.join("summary.json")).unwrap().lines().count(), 3);

    // `fmt` rewrites the policy a link names, in place.
    std::fs::write(dir.join("real.policy"), "policy  \"p\" version \"1\"\nschema \"s.yaml\"\n").unwrap();
    let policy_link = link_to("linked.policy", "real.policy");
    let out = verdict(&["fmt", s(&policy_link)]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert!(is_link(&policy_link));
    assert!(std::fs::read_to_string(dir.join("real.policy")).unwrap().starts_with("policy \"p\""));
    assert_eq!(
        names_in(&dir),
        ["decisions.jsonl", "latest.jsonl", "linked.policy", "real.policy", "summary-link.json", "summary.json"]
    );
}

#[test]
fn a_link_planted_under_a_temporary_name_redirects_nothing() {
    // Temporary names used to be `.NAME.PID.partial`: anyone who could write to
    // the folder could plant a link there, and the decisions went where it pointed.
    let dir = scratch("planted");
    let victim = dir.join("victim.txt");
    std::fs::write(&victim, "precious\n").unwrap();
    let target = dir.join("decisions.jsonl");
    let mut child = Command::new(BIN)
        .args(["eval", POLICY, "-", "--output", s(&target)])
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let planted = dir.join(format!(".decisions.jsonl.{}.partial", child.id()));
    std::os::unix::fs::symlink(&victim, &planted).unwrap();
    let portfolio = std::fs::read(PORTFOLIO).unwrap();
    child.stdin.take().unwrap().write_all(&portfolio).unwrap();
    assert_eq!(child.wait().unwrap().code(), Some(1));
    assert!(std::fs::read_to_string(&victim).unwrap() == "precious\n", "the decisions went through the planted link");
    assert!(std::fs::symlink_metadata(&planted).unwrap().file_type().is_symlink(), "the planted link is not ours");
    assert_eq!(std::fs::read_to_string(&target).unwrap().lines().count(), RECORDS);
}

/// An existing file that verdict did not write (notes, a book of
/// snapshots) is refused as an output before anything runs (exit 2), by
/// every command that writes files; verdict's own outputs, in every format,
/// are replaced on the next run.
#[test]
fn an_existing_file_that_is_not_ours_is_never_overwritten() {
    let dir = scratch("not-ours");
    let notes = dir.join("notes.txt");
    let book = dir.join("book.jsonl");
    std::fs::write(&notes, "the desk's notes\n").unwrap();
    std::fs::copy(PORTFOLIO, &book).unwrap();
    let v2 = "policies/lifecycle-v2.policy";
    let refused: [&[&str]; 6] = [
        &["eval", POLICY, PORTFOLIO, "-o", s(&notes)],
        &["eval", POLICY, PORTFOLIO, "-o", s(&book)],
        &["eval", POLICY, PORTFOLIO, "-o", "-", "--summary", s(&notes)],
        &["synth", SCHEMA, "-n", "3", "-o", s(&notes)],
        &["diff", POLICY, v2, PORTFOLIO, "--changed", s(&notes)],
        &["diff", POLICY, v2, PORTFOLIO, "--html", s(&book)],
    ];
    for args in refused {
        let out = verdict(args);
        assert_eq!(code(&out), 2, "{args:?}: {}", stderr(&out));
        let said = if args[0] == "synth" {
            "exists: synth writes a new book"
        } else {
            "exists and is not a file verdict may write over"
        };
        assert!(stderr(&out).contains(said), "{}", stderr(&out));
        assert!(out.stdout.is_empty(), "{args:?}: refused before anything ran");
    }
    assert_eq!(std::fs::read_to_string(&notes).unwrap(), "the desk's notes\n");
    assert_eq!(std::fs::read(&book).unwrap(), std::fs::read(PORTFOLIO).unwrap());

    for format in ["jsonl", "json", "yaml", "csv", "table", "parquet"] {
        let out_file = dir.join(format!("decisions.{format}"));
        for run in 0..2 {
            let out = verdict(&["eval", POLICY, PORTFOLIO, "--format", format, "-o", s(&out_file)]);
            assert_eq!(code(&out), 1, "{format}, run {run}: {}", stderr(&out));
        }
    }
    // A first record longer than the 8 MiB looked at is known by its start.
    let first = std::fs::read_to_string(PORTFOLIO).unwrap().lines().next().unwrap().to_owned();
    let id = "Z".repeat(9 << 20);
    let long = dir.join("long.jsonl");
    std::fs::write(&long, first.replacen("\"A-1001\"", &format!("\"{id}\""), 1) + "\n").unwrap();
    let long_out = dir.join("long-decisions.jsonl");
    for run in 0..2 {
        let out = verdict(&["eval", POLICY, s(&long), "-o", s(&long_out)]);
        assert_eq!(code(&out), 0, "run {run}: {}", stderr(&out));
    }
    // A book whose first snapshot is that long is not: by what follows the
    // id (a note after it, or the id itself past the 8 MiB), never outcome.
    let note = first.replacen("\"as_of\"", &format!("\"note\":\"{}\",\"as_of\"", "n".repeat(9 << 20)), 1);
    for (name, first_line) in [("noted.jsonl", note), ("long-book.jsonl", std::fs::read_to_string(&long).unwrap())] {
        let book = dir.join(name);
        std::fs::write(&book, first_line.trim_end().to_owned() + "\n").unwrap();
        let before = std::fs::read(&book).unwrap();
        let out = verdict(&["eval", POLICY, PORTFOLIO, "-o", s(&book)]);
        assert_eq!(code(&out), 2, "{name}: {}", stderr(&out));
        assert!(stderr(&out).contains("exists and is not a file verdict may write over"), "{}", stderr(&out));
        assert!(std::fs::read(&book).unwrap() == before, "{name} is untouched");
    }
    let (changed, html, summary) = (dir.join("changed.jsonl"), dir.join("impact.html"), dir.join("run.json"));
    for _ in 0..2 {
        let out = verdict(&["diff", POLICY, v2, PORTFOLIO, "--changed", s(&changed), "--html", s(&html)]);
        assert_eq!(code(&out), 1, "{}", stderr(&out));
        let out = verdict(&["eval", POLICY, PORTFOLIO, "-o", "-", "--summary", s(&summary)]);
        assert_eq!(code(&out), 1, "{}", stderr(&out));
    }
}

#[test]
fn a_replaced_file_keeps_its_permissions() {
    let dir = golden_workdir();
    let golden = dir.join("ladder.golden.jsonl");
    std::fs::write(&golden, "").unwrap();
    std::fs::set_permissions(&golden, std::fs::Permissions::from_mode(0o640)).unwrap();
    let out = Command::new(BIN).args(["test", "--accept"]).current_dir(&dir).output().unwrap();
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_eq!(std::fs::read_to_string(&golden).unwrap().lines().count(), 2);
    assert_eq!(std::fs::metadata(&golden).unwrap().permissions().mode() & 0o7777, 0o640);

    let decisions = dir.join("decisions.jsonl");
    std::fs::write(&decisions, "").unwrap();
    std::fs::set_permissions(&decisions, std::fs::Permissions::from_mode(0o600)).unwrap();
    let out = verdict(&["eval", POLICY, PORTFOLIO, "-o", s(&decisions)]);
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    assert_eq!(std::fs::metadata(&decisions).unwrap().permissions().mode() & 0o7777, 0o600);
}

#[test]
fn a_golden_file_behind_a_link_is_written_through_it() {
    let dir = golden_workdir();
    std::fs::create_dir_all(dir.join("kept")).unwrap();
    let link = dir.join("ladder.golden.jsonl");
    std::os::unix::fs::symlink("kept/ladder.jsonl", &link).unwrap();
    let out = Command::new(BIN).args(["test", "--accept"]).current_dir(&dir).output().unwrap();
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert!(std::fs::symlink_metadata(&link).unwrap().file_type().is_symlink());
    assert_eq!(std::fs::read_to_string(dir.join("kept/ladder.jsonl")).unwrap().lines().count(), 2);
    assert_eq!(names_in(&dir.join("kept")), ["ladder.jsonl"]);
}

/// A device or a FIFO named as the golden file is refused before anything
/// is read from it (`/dev/zero` was read until the memory ran out).
#[test]
fn a_golden_file_that_is_a_device_or_a_fifo_is_refused() {
    let dir = golden_workdir();
    mkfifo(&dir.join("pipe.jsonl"));
    for golden in ["/dev/zero", "pipe.jsonl"] {
        write_test_file(&dir, golden);
        for accept in [false, true] {
            let args: &[&str] = if accept { &["test", "--accept"] } else { &["test"] };
            let out = Command::new(BIN).args(args).current_dir(&dir).stdin(Stdio::null()).output().unwrap();
            assert_eq!(code(&out), 2, "{golden}: {}", stderr(&out));
            assert!(stderr(&out).contains("is not a regular file"), "{golden}: {}", stderr(&out));
        }
    }
}

/// A scratch folder with the ladder policy, its schema, a portfolio and a golden test file.
fn golden_workdir() -> PathBuf {
    let dir = scratch("golden");
    let policy = std::fs::read_to_string("tests/testing/ladder.policy").unwrap();
    let policy = policy.replace("../../policies/simple.schema.yaml", "simple.schema.yaml");
    std::fs::write(dir.join("ladder.policy"), policy).unwrap();
    std::fs::copy("policies/simple.schema.yaml", dir.join("simple.schema.yaml")).unwrap();
    let snapshot = r#"{"id":"G-1","status":"active","credit_limit":"1000","balance":"100","score":450,"opened_on":"2020-01-01","identity":{"verified":true},"tags":[]}"#;
    std::fs::write(dir.join("portfolio.jsonl"), format!("{snapshot}\n{}\n", snapshot.replace("G-1", "G-2"))).unwrap();
    write_test_file(&dir, "ladder.golden.jsonl");
    dir
}

fn write_test_file(dir: &Path, golden: &str) {
    let text = format!("policy: ladder.policy\nas_of: 2026-11-01\ngolden: {golden}\nsnapshots: portfolio.jsonl\n");
    std::fs::write(dir.join("ladder.test.yaml"), text).unwrap();
}

#[test]
fn an_output_that_is_an_input_is_refused_before_anything_runs() {
    let dir = scratch("clash");
    let snapshots = dir.join("book.jsonl");
    std::fs::copy(PORTFOLIO, &snapshots).unwrap();
    let book = std::fs::read(&snapshots).unwrap();
    let text = std::fs::read_to_string(POLICY).unwrap();
    let policy = common::policy_beside_example_files(&dir, "lifecycle.policy", &text);
    let schema = dir.join("account.schema.yaml");
    let schema_text = std::fs::read(&schema).unwrap();
    let link = dir.join("link.jsonl");
    std::os::unix::fs::symlink("book.jsonl", &link).unwrap();
    let dotted = format!("{}/./book.jsonl", dir.display());
    let new = dir.join("new.json");
    let new_dotted = format!("{}/./new.json", dir.display());

    let refused: Vec<Vec<&str>> = vec![
        vec!["eval", s(&policy), s(&snapshots), "--output", &dotted],
        vec!["eval", s(&policy), s(&snapshots), "--output", s(&link)],
        vec!["eval", s(&policy), s(&snapshots), "--summary", s(&snapshots)],
        vec!["eval", s(&policy), s(&snapshots), "--output", s(&schema)],
        vec!["eval", s(&policy), s(&snapshots), "--output", s(&policy)],
        vec!["eval", s(&policy), s(&snapshots), "-o", s(&new), "--summary", &new_dotted],
        vec!["diff", s(&policy), POLICY, s(&snapshots), "--changed", s(&link)],
        vec!["diff", s(&policy), POLICY, s(&snapshots), "--html", s(&new), "--changed", &new_dotted],
        vec!["synth", s(&schema), "--count", "3", "--output", s(&schema)],
    ];
    for args in &refused {
        let out = verdict(args);
        assert_eq!(code(&out), 2, "{args:?}: {}", stderr(&out));
        assert!(stderr(&out).contains("is the same file as"), "{args:?}: {}", stderr(&out));
        assert!(out.stdout.is_empty(), "{args:?}: nothing runs");
    }
    // Standard output is an output too: appended to the book, the decisions
    // would be read back as snapshots without end; so is standard input an input.
    let book_arg = format!("'{}'", s(&snapshots));
    for (args, redirect) in [
        (vec!["eval", s(&policy), s(&snapshots)], format!(">> {book_arg}")),
        (vec!["eval", s(&policy)], format!("< {book_arg} >> {book_arg}")),
        (vec!["diff", s(&policy), POLICY, "-"], format!("< {book_arg} >> {book_arg}")),
    ] {
        let appended = verdict_redirected(&args, &redirect);
        assert_eq!(code(&appended), 2, "{args:?}: {}", stderr(&appended));
        assert!(stderr(&appended).contains("(standard output) is the same file as"), "{}", stderr(&appended));
    }
    assert_eq!(std::fs::read(&snapshots).unwrap(), book);
    assert_eq!(std::fs::read(&schema).unwrap(), schema_text);
    assert!(!new.exists());
    let out = verdict(&["eval", s(&policy), s(&snapshots), "--output", s(&dir.join("ok.jsonl"))]);
    assert_eq!(code(&out), 1, "a different file is fine: {}", stderr(&out));
}

#[test]
fn two_outputs_through_one_stream_both_reach_it() {
    // Nothing is replaced, so nothing is lost: the summary follows the decisions down the pipe.
    let out = verdict(&["eval", POLICY, PORTFOLIO, "--summary", "/dev/fd/1"]);
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(stdout.lines().take_while(|l| l.starts_with("{\"id\"")).count(), RECORDS);
    assert!(stdout.contains("\"accounts\": 43"), "{stdout}");
}

#[test]
fn a_golden_file_that_is_an_input_is_refused() {
    let dir = golden_workdir();
    let policy = std::fs::read(dir.join("ladder.policy")).unwrap();
    let portfolio = std::fs::read(dir.join("portfolio.jsonl")).unwrap();
    for golden in ["ladder.policy", "./portfolio.jsonl", "simple.schema.yaml", "ladder.test.yaml"] {
        write_test_file(&dir, golden);
        let out = Command::new(BIN).args(["test", "--accept"]).current_dir(&dir).output().unwrap();
        assert_eq!(code(&out), 2, "{golden}: {}", stderr(&out));
        assert!(stderr(&out).contains("[T008] the golden file is the same file as"), "{golden}: {}", stderr(&out));
    }
    assert_eq!(std::fs::read(dir.join("ladder.policy")).unwrap(), policy);
    assert_eq!(std::fs::read(dir.join("portfolio.jsonl")).unwrap(), portfolio);
}

#[test]
fn accept_never_writes_over_another_tests_files_or_a_file_that_is_no_golden_file() {
    let dir = golden_workdir();
    let write = |name: &str, golden: &str, snapshots: &str| {
        let text = format!("policy: ladder.policy\nas_of: 2026-11-01\ngolden: {golden}\nsnapshots: {snapshots}\n");
        std::fs::write(dir.join(name), text).unwrap();
    };
    let accept =
        |files: &[&str]| Command::new(BIN).args(["test", "--accept"]).args(files).current_dir(&dir).output().unwrap();
    std::fs::copy(dir.join("portfolio.jsonl"), dir.join("book.jsonl")).unwrap();
    std::fs::write(dir.join("notes.txt"), "the desk's notes\n").unwrap();
    let kept: Vec<(&str, Vec<u8>)> = ["book.jsonl", "notes.txt", "ladder.test.yaml", "ladder.policy"]
        .into_iter()
        .map(|f| (f, std::fs::read(dir.join(f)).unwrap()))
        .collect();
    // A portfolio (another test's snapshots) and a text file are no golden files.
    write("a.test.yaml", "book.jsonl", "portfolio.jsonl");
    write("b.test.yaml", "b.golden.jsonl", "book.jsonl");
    write("n.test.yaml", "notes.txt", "portfolio.jsonl");
    // Another test file of the run, and a golden file two tests name.
    write("c.test.yaml", "ladder.test.yaml", "portfolio.jsonl");
    write("s1.test.yaml", "shared.golden.jsonl", "portfolio.jsonl");
    write("s2.test.yaml", "shared.golden.jsonl", "book.jsonl");
    for (files, says) in [
        (
            vec!["a.test.yaml", "b.test.yaml"],
            "`book.jsonl` exists and is not a golden file (its line 1 has a key no decision",
        ),
        (vec!["n.test.yaml"], "`notes.txt` exists and is not a golden file (its line 1 is not JSON)"),
        (vec!["c.test.yaml", "ladder.test.yaml"], "the same file as `ladder.test.yaml`, a test file of this run"),
        (vec!["s1.test.yaml", "s2.test.yaml"], "`s1.test.yaml` has just accepted its records into this golden file"),
    ] {
        let out = accept(&files);
        assert_eq!(code(&out), 2, "{files:?}: {}", stderr(&out));
        assert!(stderr(&out).contains(says), "{files:?}: {}", stderr(&out));
    }
    for (file, bytes) in &kept {
        assert_eq!(&std::fs::read(dir.join(file)).unwrap(), bytes, "{file} was written over");
    }
    // An existing golden file is rewritten as before.
    let out = accept(&["s1.test.yaml"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
}

#[test]
fn a_full_disk_is_a_failure_of_its_own_for_every_command() {
    let full = "> /dev/full";
    let commands: Vec<Vec<&str>> = vec![
        vec!["eval", POLICY, PORTFOLIO],
        vec!["synth", SCHEMA, "--count", "10"],
        vec!["explain", POLICY, PORTFOLIO, "--id", "A-1001"],
        vec!["test", "tests/testing/ladder.test.yaml"],
        vec!["check", "--error-format", "json", POLICY],
        vec!["diff", POLICY, "policies/lifecycle-v2.policy", PORTFOLIO],
        vec!["fmt", "-"],
        vec!["--help"],
    ];
    for args in &commands {
        let out = verdict_redirected(args, &format!("{full} < {POLICY}"));
        assert_eq!(code(&out), 4, "{args:?}: {}", stderr(&out));
        assert!(stderr(&out).contains("cannot write to standard output: No space left"), "{args:?}: {}", stderr(&out));
    }
}

#[test]
fn a_closed_standard_output_is_a_failure_not_silence() {
    for args in [vec!["eval", POLICY, PORTFOLIO], vec!["synth", SCHEMA, "--count", "10"], vec!["test", "tests/testing"]]
    {
        let out = verdict_redirected(&args, ">&-");
        assert_eq!(code(&out), 4, "{args:?}: {}", stderr(&out));
        assert!(stderr(&out).contains("cannot write to standard output: it is closed"), "{args:?}: {}", stderr(&out));
    }
    // Closed, not merely discarded: `>/dev/null` is a choice, and succeeds,
    // also opened for reading and writing as Python's DEVNULL and Go's exec do.
    let out = verdict_redirected(&["synth", SCHEMA, "--count", "10"], ">/dev/null");
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let null = || std::fs::OpenOptions::new().read(true).write(true).open("/dev/null").unwrap();
    let status = Command::new(BIN)
        .args(["check", POLICY])
        .stdout(Stdio::from(null()))
        .stderr(Stdio::from(null()))
        .status()
        .unwrap();
    assert_eq!(status.code(), Some(0));
}

#[test]
fn a_file_output_that_cannot_be_written_exits_4() {
    let dir = scratch("full");
    let full = dir.join("full.jsonl");
    std::os::unix::fs::symlink("/dev/full", &full).unwrap();
    let decisions = dir.join("d.jsonl");
    let cases: Vec<Vec<&str>> = vec![
        vec!["eval", POLICY, PORTFOLIO, "--output", s(&full)],
        vec!["eval", POLICY, PORTFOLIO, "--output", s(&decisions), "--summary", s(&full)],
        vec!["synth", SCHEMA, "--count", "10", "--output", s(&full)],
        vec!["diff", POLICY, "policies/lifecycle-v2.policy", PORTFOLIO, "--changed", s(&full)],
        vec!["diff", POLICY, "policies/lifecycle-v2.policy", PORTFOLIO, "--html", s(&full)],
    ];
    for args in &cases {
        let out = verdict(args);
        assert_eq!(code(&out), 4, "{args:?}: {}", stderr(&out));
        let named = format!("cannot write `{}`: No space left on device", full.display());
        assert!(stderr(&out).contains(&named), "{args:?}: {}", stderr(&out));
    }
    // A folder that does not exist cannot hold the file.
    let out = verdict(&["synth", SCHEMA, "--count", "1", "-o", s(&dir.join("no/such/folder.jsonl"))]);
    assert_eq!(code(&out), 4, "{}", stderr(&out));
    assert!(std::fs::symlink_metadata(&full).unwrap().file_type().is_symlink());
}

#[test]
fn a_standard_error_that_cannot_be_written_is_no_panic() {
    let out = verdict_redirected(&["eval", POLICY, PORTFOLIO], "2>/dev/full >/dev/null");
    assert_eq!(code(&out), 4, "the summary was lost");
    let out = verdict_redirected(&["check", POLICY], "2>&-");
    assert_eq!(code(&out), 4, "the verdict of the check was lost");
    // A quiet run with nothing to say loses nothing: its own exit code.
    let out = verdict_redirected(&["check", "-q", POLICY], "2>&-");
    assert_eq!(code(&out), 0, "nothing was lost");
    let out = verdict_redirected(&["fmt", "--check", "-q", POLICY], "2>&-");
    assert_eq!(code(&out), 0, "nothing was lost");
}

#[test]
fn a_reader_that_goes_away_ends_the_run_quietly_with_141() {
    // Far more than a pipe holds: the reader is gone before the end.
    let mut child = Command::new(BIN)
        .args(["synth", SCHEMA, "--count", "200000"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = [0u8; 1];
    child.stdout.take().unwrap().read_exact(&mut first).unwrap();
    // The pipe's reading end is now closed.
    let out = child.wait_with_output().unwrap();
    assert_eq!(code(&out), 141, "{}", stderr(&out));
    assert_eq!(stderr(&out), "", "quietly");
    // `eval`, whose output goes through its worker threads.
    let mut child =
        Command::new(BIN).args(["eval", POLICY, "-"]).stdin(Stdio::piped()).stdout(Stdio::piped()).spawn().unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let line = std::fs::read_to_string(PORTFOLIO).unwrap();
    let line = line.lines().next().unwrap().to_string();
    stdin.write_all(format!("{line}\n").as_bytes()).unwrap();
    drop(child.stdout.take().unwrap());
    // Decisions keep coming; the first one written after the reader left ends the run.
    for _ in 0..200_000 {
        if stdin.write_all(format!("{line}\n").as_bytes()).is_err() {
            break;
        }
    }
    drop(stdin);
    assert_eq!(child.wait().unwrap().code(), Some(141));
}

/// Each output replaces only a file of its own kind: a diff's changed
/// accounts never replace a test's golden decisions (the test could no
/// longer run), an impact page never replaces decisions, decisions never a
/// run's summary or a diff's changed accounts.
#[test]
fn an_output_replaces_only_a_file_of_its_own_kind() {
    let dir = scratch("own-kind");
    let v2 = "policies/lifecycle-v2.policy";
    let golden = dir.join("lifecycle.golden.jsonl");
    let changed = dir.join("changed.jsonl");
    let summary = dir.join("run.json");
    assert_eq!(code(&verdict(&["eval", POLICY, PORTFOLIO, "-o", s(&golden), "--summary", s(&summary)])), 1);
    assert_eq!(code(&verdict(&["diff", POLICY, v2, PORTFOLIO, "--changed", s(&changed)])), 1);
    let kept: Vec<Vec<u8>> = [&golden, &changed, &summary].iter().map(|f| std::fs::read(f).unwrap()).collect();
    for (args, holds) in [
        (
            vec!["diff", POLICY, v2, PORTFOLIO, "--changed", s(&golden)],
            "it holds decisions, not a diff's changed accounts",
        ),
        (vec!["diff", POLICY, v2, PORTFOLIO, "--html", s(&golden)], "it holds decisions, not a diff's impact page"),
        (vec!["eval", POLICY, PORTFOLIO, "-o", s(&changed)], "it holds a diff's changed accounts, not decisions"),
        (vec!["eval", POLICY, PORTFOLIO, "-o", s(&summary)], "it holds a run's summary, not decisions"),
        (vec!["eval", POLICY, PORTFOLIO, "--summary", s(&golden)], "it holds decisions, not a run's summary"),
    ] {
        let out = verdict(&args);
        assert_eq!(code(&out), 2, "{args:?}: {}", stderr(&out));
        assert!(stderr(&out).contains(holds), "{args:?}: {}", stderr(&out));
        assert!(out.stdout.is_empty(), "{args:?}: refused before anything ran");
    }
    let now: Vec<Vec<u8>> = [&golden, &changed, &summary].iter().map(|f| std::fs::read(f).unwrap()).collect();
    assert!(now == kept, "every file is untouched");
}

/// `--summary` is opened with `--output`, before any snapshot is read: one
/// that cannot be written stops the run with the decisions' file as it was,
/// and one FIFO named by both is one stream to its reader.
#[test]
fn a_summary_that_cannot_be_written_leaves_the_decisions_as_they_were() {
    let dir = scratch("summary-first");
    let decisions = dir.join("d.jsonl");
    let out = verdict(&["eval", POLICY, PORTFOLIO, "-q", "--output", s(&decisions)]);
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    let before = std::fs::read(&decisions).unwrap();
    let one = dir.join("one.jsonl");
    let first = std::fs::read_to_string(PORTFOLIO).unwrap().lines().next().unwrap().to_string();
    std::fs::write(&one, first + "\n").unwrap();
    // Read-only, in no folder, and a full disk: exit 4, the decisions untouched.
    let summary = dir.join("s.json");
    let out = verdict(&["eval", POLICY, PORTFOLIO, "-q", "--output", s(&decisions), "--summary", s(&summary)]);
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    std::fs::set_permissions(&summary, std::fs::Permissions::from_mode(0o444)).unwrap();
    let missing = dir.join("no-such-folder/s.json");
    for target in [s(&summary), s(&missing), "/dev/full"] {
        let out = verdict(&["eval", POLICY, s(&one), "-q", "--output", s(&decisions), "--summary", target]);
        assert_eq!(code(&out), 4, "{target}: {}", stderr(&out));
        assert_eq!(std::fs::read(&decisions).unwrap(), before, "{target}: the decisions were replaced");
    }
    std::fs::set_permissions(&summary, std::fs::Permissions::from_mode(0o644)).unwrap();
    // An input that cannot be read: neither output is replaced, and both are named.
    let kept = std::fs::read(&summary).unwrap();
    let out = verdict(&["eval", POLICY, s(&one), "missing.jsonl", "--output", s(&decisions), "--summary", s(&summary)]);
    assert_eq!(code(&out), 2, "{}", stderr(&out));
    assert_eq!((std::fs::read(&decisions).unwrap(), std::fs::read(&summary).unwrap()), (before.clone(), kept));
    assert!(stderr(&out).contains("s.json` was not written"), "{}", stderr(&out));
    assert_eq!(names_in(&dir), ["d.jsonl", "one.jsonl", "s.json"], "no temporary file left behind");
    // One FIFO for both: the decisions, then the summary, to one reader.
    let fifo = dir.join("both");
    mkfifo(&fifo);
    let reader = read_fifo(&fifo);
    let out = verdict(&["eval", POLICY, PORTFOLIO, "-q", "--output", s(&fifo), "--summary", s(&fifo)]);
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    let both = fifo_content(&fifo, reader);
    assert_eq!(both.lines().filter(|l| l.starts_with("{\"id\"")).count(), RECORDS, "{both}");
    assert!(both.contains("\"accounts\": 43"), "{both}");
}

/// A closed standard input is a pipe never attached, not an empty book.
#[test]
fn a_closed_standard_input_is_refused_not_read_as_empty() {
    let dir = scratch("closed-stdin");
    let decisions = dir.join("d.jsonl");
    let out = verdict(&["eval", POLICY, PORTFOLIO, "-q", "--output", s(&decisions)]);
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    let before = std::fs::read(&decisions).unwrap();
    let eval: &[&str] = &["eval", POLICY, "-q", "--output", s(&decisions)];
    let explain: &[&str] = &["explain", POLICY, "-", "--id", "A-1001"];
    for args in [eval, explain] {
        let out = verdict_redirected(args, "<&-");
        assert_eq!(code(&out), 2, "{args:?}: {}", stderr(&out));
        assert!(stderr(&out).contains("standard input is closed"), "{args:?}: {}", stderr(&out));
    }
    assert_eq!(std::fs::read(&decisions).unwrap(), before);
}
