//! Hostile and careless inputs at every entry point: each is refused with a
//! located diagnostic or an error record, or decided exactly; none is
//! silently read as something else.

mod common;

use common::codes;

use std::path::PathBuf;
use verdict::diagnostic::Diagnostic;

fn workdir(name: &str) -> PathBuf {
    let dir = common::temp_folder("robustness", name);
    std::fs::copy("policies/account.schema.yaml", dir.join("account.schema.yaml")).unwrap();
    dir
}

/// Writes `p.policy` in `dir`, one rule over the example schema, and returns its text.
fn write_small_policy(dir: &std::path::Path) -> &'static str {
    let policy =
        "policy \"p\" version \"1\"\nschema \"account.schema.yaml\"\nrule \"r\" { when score < 500 then restrict }\n";
    std::fs::write(dir.join("p.policy"), policy).unwrap();
    policy
}

fn load(name: &str, body: &str) -> Result<verdict::LoadedPolicy, Vec<Diagnostic>> {
    common::load_beside_schema("robustness", name, body)
}

#[test]
fn a_decimal_literal_an_exact_decimal_cannot_hold_is_refused_not_rounded() {
    // 29 and 32 decimal places: rust_decimal's `parse` rounds them to 0.
    for literal in ["0.00000000000000000000000000001", "0.00000000000000000000000000000001"] {
        let rule = format!("rule \"r\" {{ when balance >= {literal} then restrict }}\n");
        assert_eq!(codes(load("literal", &rule)), ["P003"], "{literal}");
    }
    // A percentage is its number moved two places: 27 places become 29.
    let rule = "rule \"r\" { when balance / credit_limit > 0.000000000000000000000000001% then restrict }\n";
    assert_eq!(codes(load("percent", rule)), ["P003"]);
    // 28 places, and 26 before a `%`, are exact and accepted.
    let exact = "rule \"r\" { when balance >= 0.0000000000000000000000000001 and balance / credit_limit > 0.00000000000000000000000001% then restrict }\n";
    assert_eq!(codes(load("exact", exact)), Vec::<&str>::new());
}

#[test]
fn an_enum_member_listed_twice_is_a_schema_error() {
    let dir = workdir("enum-twice");
    for (members, refused) in [("a, b, a", true), ("a, \"a\"", true), ("a, A", false), ("\"a b\", a", false)] {
        let schema = format!("entity: account\nkey: id\nfields:\n  id: string\n  kind: enum({members})\n");
        std::fs::write(dir.join("s.schema.yaml"), schema).unwrap();
        let policy =
            "policy \"p\" version \"1\"\nschema \"s.schema.yaml\"\nrule \"r\" { when kind == \"a\" then restrict }\n";
        let result = verdict::load_policy_source(&dir.join("p.policy"), policy).map_err(|e| e.diagnostics);
        let want: &[&str] = if refused { &["S003"] } else { &[] };
        assert_eq!(codes(result), want, "enum({members})");
    }
}

/// Runs `verdict` in `dir`, killing it if it has not ended within `secs`:
/// its exit code, or `None` if it had to be killed.
fn run_for_at_most(dir: &std::path::Path, args: &[&str], secs: u64) -> (Option<i32>, String) {
    use std::io::Read;
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_verdict"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(secs);
    let code = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status.code();
        }
        if std::time::Instant::now() > deadline {
            child.kill().unwrap();
            child.wait().unwrap();
            break None;
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    };
    let mut stderr = String::new();
    child.stderr.take().unwrap().read_to_string(&mut stderr).unwrap();
    (code, stderr)
}

#[test]
fn the_decision_log_is_never_a_file_the_policy_reads() {
    let dir = workdir("serve-log");
    let policy = write_small_policy(&dir);
    for log in ["p.policy", "account.schema.yaml", "./p.policy"] {
        let (code, stderr) =
            run_for_at_most(&dir, &["serve", "p.policy", "--addr", "127.0.0.1:0", "--decision-log", log], 20);
        assert_eq!(code, Some(2), "--decision-log {log}: {stderr}");
        assert!(stderr.contains("(--decision-log) is the same file as"), "{stderr}");
    }
    assert_eq!(std::fs::read_to_string(dir.join("p.policy")).unwrap(), policy);
}

/// Runs `command` (a shell command line) with a terminal as its standard
/// output, through util-linux `script`: the transcript, and the exit code
/// the command line printed last (`EXIT=n`). `None` where `script` is missing.
fn on_a_terminal(dir: &std::path::Path, command: &str) -> Option<(String, String)> {
    let wrapped = format!("{command}; echo EXIT=$?");
    let out = std::process::Command::new("script")
        .args(["-qec", &wrapped, "/dev/null"])
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .stdin(std::process::Stdio::null())
        .output()
        .ok()?;
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    let exit = text.rsplit("EXIT=").next()?.trim().to_string();
    Some((text, exit))
}

#[test]
fn parquet_is_not_written_to_a_terminal() {
    let dir = workdir("parquet-tty");
    let (code, _, stderr) = common::verdict_in(&dir, &["synth", "account.schema.yaml", "-n", "5", "-o", "book.jsonl"]);
    assert_eq!(code, 0, "{stderr}");
    write_small_policy(&dir);
    let verdict = env!("CARGO_BIN_EXE_verdict");
    for command in [
        format!("{verdict} eval p.policy book.jsonl --format parquet"),
        format!("{verdict} synth account.schema.yaml -n 3 --format parquet"),
    ] {
        let Some((transcript, exit)) = on_a_terminal(&dir, &command) else {
            eprintln!("skipped: util-linux `script` is not installed");
            return;
        };
        assert_eq!(exit, "2", "{command}: {transcript}");
        assert!(!transcript.contains("PAR1"), "no Parquet bytes on the terminal: {transcript}");
        assert!(transcript.contains("--output FILE"), "{transcript}");
        // Through a pipe the same command writes the file's bytes.
        let piped = std::process::Command::new("sh").args(["-c", &command]).current_dir(&dir).output().unwrap();
        assert_eq!(piped.status.code(), Some(0), "{command}");
        assert!(piped.stdout.starts_with(b"PAR1"), "{command}");
    }
}

/// Decisions written to the terminal the progress bar is drawn on were glued
/// to its redraws: the bar is drawn only when the decisions go elsewhere.
#[test]
fn no_progress_bar_is_drawn_over_decisions_written_to_the_terminal() {
    let dir = workdir("progress-tty");
    let (code, _, stderr) =
        common::verdict_in(&dir, &["synth", "account.schema.yaml", "-n", "100000", "-o", "book.jsonl"]);
    assert_eq!(code, 0, "{stderr}");
    write_small_policy(&dir);
    let verdict = env!("CARGO_BIN_EXE_verdict");
    let Some((to_terminal, _)) = on_a_terminal(&dir, &format!("{verdict} eval p.policy book.jsonl --format table"))
    else {
        eprintln!("skipped: util-linux `script` is not installed");
        return;
    };
    assert!(!to_terminal.contains("ETA"), "no bar among the rows");
    assert!(to_terminal.contains("A-0100000"), "every row shown");
    let (to_file, _) =
        on_a_terminal(&dir, &format!("{verdict} eval p.policy book.jsonl -o out.jsonl")).unwrap_or_default();
    assert!(to_file.contains("ETA"), "the bar, with the decisions in a file: {to_file}");
}

/// Ctrl-C under a progress bar clears the bar's line and says the run was
/// interrupted: the bar's last state ("39% … ETA 3s") stayed on the
/// terminal as if the run were still going. Exit 130, no output left.
#[test]
fn an_interrupt_clears_the_progress_bar_and_says_so() {
    let dir = workdir("interrupt-tty");
    let (code, _, stderr) =
        common::verdict_in(&dir, &["synth", "account.schema.yaml", "-n", "300000", "-o", "book.jsonl"]);
    assert_eq!(code, 0, "{stderr}");
    write_small_policy(&dir);
    let verdict = env!("CARGO_BIN_EXE_verdict");
    let run = format!("{verdict} eval p.policy book.jsonl -o out.jsonl & pid=$!; sleep 1; kill -INT $pid; wait $pid");
    let Some((shown, exit)) = on_a_terminal(&dir, &run) else {
        eprintln!("skipped: util-linux `script` is not installed");
        return;
    };
    if exit == "0" {
        eprintln!("skipped: the run ended within a second, before the interrupt");
        return;
    }
    assert_eq!(exit, "130", "{shown}");
    assert!(shown.contains("\r\x1b[2Kverdict: interrupted"), "{shown:?}");
    assert!(!dir.join("out.jsonl").exists());
}

#[test]
fn a_json_line_that_is_not_utf8_is_an_error_record_with_its_id_when_readable() {
    let dir = workdir("utf8-line");
    write_small_policy(&dir);
    let mut book = Vec::new();
    book.extend_from_slice(b"{\"id\":\"A-1\",\"note\":\"caf\xe9\"}\n"); // Latin-1 in an ignored field
    book.extend_from_slice(b"{\"id\":\"A-\xff2\"}\n"); // in the key itself: no id
    book.extend_from_slice(b"\xff\n");
    std::fs::write(dir.join("book.jsonl"), book).unwrap();
    let (code, stdout, _) =
        common::verdict_in(&dir, &["eval", "-q", "p.policy", "book.jsonl", "--as-of", "2026-11-01"]);
    assert_eq!(code, 1);
    let records: Vec<serde_json::Value> = stdout.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    let ids: Vec<_> = records.iter().map(|r| r["id"].clone()).collect();
    assert_eq!(ids, [serde_json::json!("A-1"), serde_json::Value::Null, serde_json::Value::Null]);
    for (record, line) in records.iter().zip(1..) {
        let message = record["error"]["message"].as_str().unwrap();
        assert!(message.starts_with(&format!("line {line}: not UTF-8 text")), "{message}");
    }
}

#[test]
fn a_json_array_element_that_is_not_utf8_is_its_own_error_record() {
    // The file was refused whole (R002, exit 2): one bad byte cost every account.
    let dir = workdir("utf8-array");
    write_small_policy(&dir);
    let portfolio = std::fs::read_to_string("policies/portfolio.jsonl").unwrap();
    let lines: Vec<&str> = portfolio.lines().take(3).collect();
    let mut book = b"\xef\xbb\xbf[\n".to_vec();
    book.extend_from_slice(lines[0].as_bytes());
    book.extend_from_slice(b",\n");
    // Latin-1 in a field the schema does not name (`\u{1}` stands for the byte 0xff).
    book.extend_from_slice(lines[1].replacen('{', "{\"note\": \"caf\u{1}\", ", 1).as_bytes());
    book.extend_from_slice(b",\n");
    book.extend_from_slice(lines[2].as_bytes());
    book.extend_from_slice(b"\n]\n");
    let book: Vec<u8> = book.iter().map(|&b| if b == 1 { 0xff } else { b }).collect();
    std::fs::write(dir.join("book.json"), &book).unwrap();
    let (code, stdout, stderr) =
        common::verdict_in(&dir, &["eval", "-q", "p.policy", "book.json", "--format", "jsonl"]);
    assert_eq!(code, 1, "{stderr}");
    let records: Vec<serde_json::Value> = stdout.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    let ids: Vec<_> = records.iter().map(|r| r["id"].as_str().unwrap_or("-").to_string()).collect();
    assert_eq!(ids, ["A-1001", "A-1002", "A-1003"]);
    assert!(records[0].get("error").is_none() && records[2].get("error").is_none(), "{stdout}");
    let message = records[1]["error"]["message"].as_str().unwrap();
    assert!(
        message.starts_with("the array element at line 3, column 1: not UTF-8 text (the byte at position "),
        "{message}"
    );

    // A file of one object is that snapshot's error record, as a JSON line is.
    let one: Vec<u8> =
        lines[1].replacen('{', "{\"note\": \"caf\u{1}\", ", 1).bytes().map(|b| if b == 1 { 0xff } else { b }).collect();
    std::fs::write(dir.join("one.json"), one).unwrap();
    let (code, stdout, stderr) = common::verdict_in(&dir, &["eval", "-q", "p.policy", "one.json", "--format", "jsonl"]);
    assert_eq!(code, 1, "{stderr}");
    let record: serde_json::Value = serde_json::from_str(stdout.trim()).unwrap();
    assert_eq!(record["id"], "A-1002");
    let message = record["error"]["message"].as_str().unwrap();
    assert_eq!(
        message,
        format!(
            "the file's one JSON object: not UTF-8 text (the byte at position 14 is not part of a UTF-8 character); {}",
            verdict::diagnostic::SAVE_AS_UTF8_NOT_ANSI
        )
    );
}

/// A YAML list item, or document, with a byte that is not UTF-8 is that
/// snapshot's error record, with its id; the file was refused whole (R002,
/// exit 2), every other account with it.
#[test]
fn a_yaml_snapshot_that_is_not_utf8_is_its_own_error_record() {
    let dir = workdir("utf8-yaml");
    write_small_policy(&dir);
    let portfolio = std::fs::read_to_string("policies/portfolio.jsonl").unwrap();
    let lines: Vec<&str> = portfolio.lines().take(3).collect();
    let latin1 = |text: String| -> Vec<u8> { text.bytes().map(|b| if b == 1 { 0xe9 } else { b }).collect() };
    // `\u{1}` stands for the Latin-1 byte 0xe9 (`é`), in a field the schema does not name.
    let noted = lines[1].replacen('{', "{\"note\": \"caf\u{1}\", ", 1);
    let list = latin1(format!("- {}\n- {noted}\n- {}\n", lines[0], lines[2]));
    let documents = latin1(format!("{}\n---\n{noted}\n---\n{}\n", lines[0], lines[2]));
    for (name, book, place) in
        [("list.yaml", list, "the list item at line 2"), ("docs.yaml", documents, "the document at line 2")]
    {
        std::fs::write(dir.join(name), book).unwrap();
        let (code, stdout, stderr) = common::verdict_in(&dir, &["eval", "-q", "p.policy", name, "--format", "jsonl"]);
        assert_eq!(code, 1, "{name}: {stderr}");
        let records: Vec<serde_json::Value> = stdout.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
        let ids: Vec<_> = records.iter().map(|r| r["id"].as_str().unwrap_or("-").to_string()).collect();
        assert_eq!(ids, ["A-1001", "A-1002", "A-1003"], "{name}");
        assert!(records[0].get("error").is_none() && records[2].get("error").is_none(), "{name}: {stdout}");
        let message = records[1]["error"]["message"].as_str().unwrap();
        assert!(message.starts_with(&format!("{place}, column 1: not UTF-8 text (the byte at position ")), "{message}");
    }
}

#[test]
fn a_damaged_parquet_file_is_an_input_error_never_a_panic_or_a_quiet_success() {
    // A file of 40 rows (`synth policies/simple.schema.yaml -n 40`) with a
    // few bytes of its schema changed: the `parquet` crate panics reading it.
    let dir = common::temp_folder("robustness", "damaged-parquet");
    std::fs::copy("policies/simple.schema.yaml", dir.join("simple.schema.yaml")).unwrap();
    std::fs::copy("policies/simple.policy", dir.join("simple.policy")).unwrap();
    std::fs::copy("tests/data/damaged/bad-schema.parquet", dir.join("bad-schema.parquet")).unwrap();
    for jobs in ["1", "2"] {
        let (code, stdout, stderr) =
            common::verdict_in(&dir, &["eval", "-q", "-j", jobs, "simple.policy", "bad-schema.parquet"]);
        assert_eq!((code, stdout.as_str()), (2, ""), "-j {jobs}: {stderr}");
        assert!(stderr.contains("the file is damaged: its decoder failed"), "{stderr}");
        assert!(!stderr.contains("panicked"), "the caught panic is not reported as a crash: {stderr}");
    }
}

#[test]
fn a_parquet_file_in_a_codec_not_built_in_is_refused_whole_saying_which() {
    // `synth policies/simple.schema.yaml -n 3` written by pyarrow with
    // `compression="brotli"`: a sound file, but only Snappy and Zstandard
    // are built in; each row used to be an error record calling it damaged.
    let dir = common::temp_folder("robustness", "brotli-parquet");
    std::fs::copy("policies/simple.schema.yaml", dir.join("simple.schema.yaml")).unwrap();
    std::fs::copy("policies/simple.policy", dir.join("simple.policy")).unwrap();
    std::fs::copy("tests/data/brotli.parquet", dir.join("brotli.parquet")).unwrap();
    let (code, stdout, stderr) = common::verdict_in(&dir, &["eval", "-q", "simple.policy", "brotli.parquet"]);
    assert_eq!((code, stdout.as_str()), (2, ""), "{stderr}");
    assert!(stderr.contains("the file is compressed with Brotli, which verdict does not read"), "{stderr}");
    assert!(!stderr.contains("damaged"), "{stderr}");
}

#[test]
fn a_damaged_row_group_costs_its_own_rows_each_an_error_record() {
    // `bad-page`: 40 rows in one row group whose first page makes the
    // decoder panic. `bad-group`: 30 rows in row groups of 10 (`synth -n 30`
    // written by pyarrow), the page header of the second group's first
    // column overwritten; the decoder fails there part-way. `bad-checksum`:
    // the same rows written by pyarrow with page checksums, one id of the
    // second group changed (`A-0000015` to `A-0000019`): only the checksum
    // tells, and without it the book read a duplicate id and lost one.
    let dir = common::temp_folder("robustness", "damaged-row-group");
    std::fs::copy("policies/simple.schema.yaml", dir.join("simple.schema.yaml")).unwrap();
    std::fs::copy("policies/simple.policy", dir.join("simple.policy")).unwrap();
    for (file, damaged) in
        [("bad-page.parquet", 1..=40), ("bad-group.parquet", 11..=20), ("bad-checksum.parquet", 11..=20)]
    {
        std::fs::copy(format!("tests/data/damaged/{file}"), dir.join(file)).unwrap();
        let rows = if file == "bad-page.parquet" { 40 } else { 30 };
        for (jobs, chunk) in [("1", "1024"), ("2", "1024"), ("2", "3")] {
            let args = ["eval", "-q", "-j", jobs, "--chunk", chunk, "simple.policy", file];
            let (code, stdout, stderr) = common::verdict_in(&dir, &args);
            assert_eq!(code, 1, "{file}, -j {jobs}: the damaged rows are error records: {stderr}");
            assert!(!stderr.contains("panicked"), "the caught panic is not reported as a crash: {stderr}");
            let records: Vec<serde_json::Value> = stdout.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
            assert_eq!(records.len(), rows, "{file}: one record per row");
            let mut lost = Vec::new();
            for (record, row) in records.iter().zip(1..) {
                if let Some(message) = record["error"]["message"].as_str() {
                    let group = if file == "bad-page.parquet" { 1 } else { 2 };
                    let expected = format!("row {row}: not read: row group {group} of the file is damaged: ");
                    assert!(message.starts_with(&expected), "{file} row {row}: {message}");
                    lost.push(row);
                } else {
                    // The rows of the sound groups are decided, in order.
                    assert_eq!(record["id"], format!("A-{row:07}"), "{file} row {row}: {record}");
                    assert!(record.get("outcome").is_some(), "{record}");
                }
            }
            // Rows decoded before the decoder failed are kept: with batches
            // of 3 rows a few of the damaged group's first rows may be.
            let last = lost.last().copied();
            assert_eq!(last, Some(*damaged.end()), "{file}, --chunk {chunk}: the group's rows from the damage on");
            assert!(lost.windows(2).all(|w| w[1] == w[0] + 1), "{file}: {lost:?}");
            if chunk == "1024" {
                assert_eq!(lost, damaged.clone().collect::<Vec<_>>(), "{file}: the whole group");
            }
        }
    }
}

#[test]
fn a_footer_whose_row_counts_disagree_is_refused_before_any_row() {
    // A damaged group's rows are counted from the footer, so a footer that
    // contradicts itself cannot be trusted for them: the file's `num_rows`
    // (the first i64 field of the footer's FileMetaData, thrift compact
    // header 0x16, after the schema, which holds no i64) says 4 where its
    // one row group holds 3.
    let dir = common::temp_folder("robustness", "footer-row-counts");
    std::fs::copy("policies/simple.schema.yaml", dir.join("simple.schema.yaml")).unwrap();
    std::fs::copy("policies/simple.policy", dir.join("simple.policy")).unwrap();
    let synth = ["synth", "simple.schema.yaml", "-n", "3", "--format", "parquet", "-o", "good.parquet"];
    assert_eq!(common::verdict_in(&dir, &synth).0, 0);
    let mut bytes = std::fs::read(dir.join("good.parquet")).unwrap();
    let end = bytes.len() - 8;
    let length = u32::from_le_bytes(bytes[end..end + 4].try_into().unwrap()) as usize;
    let footer = end - length;
    let at = (footer..end).find(|&i| bytes[i] == 0x16 && bytes[i + 1] == 0x06).expect("num_rows = 3 in the footer");
    bytes[at + 1] = 0x08;
    std::fs::write(dir.join("bad.parquet"), bytes).unwrap();
    let (code, stdout, stderr) = common::verdict_in(&dir, &["eval", "-q", "simple.policy", "good.parquet"]);
    assert_eq!((code, stdout.lines().count()), (0, 3), "{stderr}");
    let (code, stdout, stderr) = common::verdict_in(&dir, &["eval", "-q", "simple.policy", "bad.parquet"]);
    assert_eq!((code, stdout.as_str()), (2, ""), "{stderr}");
    assert!(stderr.contains("R020"), "{stderr}");
    assert!(stderr.contains("its footer's row counts disagree"), "{stderr}");
}

/// Gives some JSON Lines, then panics, as a bug below the reader would.
struct PanickingInput {
    text: std::io::Cursor<Vec<u8>>,
}

impl std::io::Read for PanickingInput {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        match std::io::Read::read(&mut self.text, buf)? {
            0 => panic!("a bug while reading"),
            n => Ok(n),
        }
    }
}

#[test]
fn a_panic_while_reading_ends_the_run_as_a_crash_whatever_the_jobs() {
    use verdict::stream::{evaluate_stream, Source, StreamOptions};
    let policy = verdict::load_policy(std::path::Path::new("policies/simple.policy")).unwrap();
    let line = r#"{"id":"S","as_of":"2026-11-01","status":"active","credit_limit":"5000","balance":"100","score":700,"opened_on":"2020-01-01","identity":{"verified":true},"tags":[]}"#;
    let text = format!("{line}\n").repeat(500).into_bytes();
    for jobs in [1, 2] {
        let input = std::io::BufReader::new(PanickingInput { text: std::io::Cursor::new(text.clone()) });
        let source = Source {
            name: "buggy".into(),
            input: Box::new(input),
            format: verdict::snapshot::Format::Jsonl,
            file: None,
        };
        let options = StreamOptions { jobs, chunk: 100, ..StreamOptions::default() };
        let run = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            evaluate_stream(&policy.program, vec![source], Vec::new(), &options, |_| {}).map(|(report, _)| report)
        }));
        // Before, two jobs returned Ok: a run short of records, reported as whole.
        assert!(run.is_err(), "-j {jobs}: the panic must reach the caller, not a quiet Ok");
    }
}

#[test]
fn summary_dash_is_standard_output_never_a_file_named_dash() {
    let dir = common::temp_folder("robustness", "summary-dash");
    for file in ["simple.policy", "simple.schema.yaml", "simple-portfolio.csv"] {
        std::fs::copy(format!("policies/{file}"), dir.join(file)).unwrap();
    }
    let args = ["eval", "-q", "simple.policy", "simple-portfolio.csv", "-o", "d.jsonl", "--summary", "-"];
    let (code, stdout, stderr) = common::verdict_in(&dir, &args);
    assert!(code <= 3, "{stderr}");
    let summary: serde_json::Value = serde_json::from_str(&stdout).expect("the summary alone, as JSON");
    assert!(summary.get("errors").is_some(), "{stdout}");
    assert!(std::fs::read_to_string(dir.join("d.jsonl")).unwrap().lines().count() > 0);
    // With the decisions on standard output too, the two would interleave.
    let (code, stdout, stderr) =
        common::verdict_in(&dir, &["eval", "simple.policy", "simple-portfolio.csv", "--summary", "-"]);
    assert_eq!((code, stdout.as_str()), (2, ""), "{stderr}");
    assert!(stderr.contains("write one of them to a file"), "{stderr}");
    assert!(!dir.join("-").exists(), "a file named - was created");
}

#[test]
fn diff_files_beside_the_report_are_never_named_dash() {
    let dir = common::temp_folder("robustness", "diff-dash");
    for file in ["simple.policy", "simple.schema.yaml", "simple-portfolio.csv"] {
        std::fs::copy(format!("policies/{file}"), dir.join(file)).unwrap();
    }
    for option in ["--html", "--changed"] {
        let args = ["diff", "simple.policy", "simple.policy", "simple-portfolio.csv", option, "-"];
        let (code, _, stderr) = common::verdict_in(&dir, &args);
        assert_eq!(code, 2, "{option} -: {stderr}");
        assert!(stderr.contains("the report is on standard output"), "{stderr}");
        assert!(!dir.join("-").exists(), "{option} - made a file named -");
    }
}

#[test]
fn a_json_array_cut_off_after_a_bad_element_still_says_it_is_cut_off() {
    let schema = std::sync::Arc::new(
        verdict::load::load_schema_file(std::path::Path::new("policies/simple.schema.yaml")).unwrap(),
    );
    for text in [r#"[{"id":"a"},{"id":"c"}"#, r#"[{"id":"a"},{"id":"c","score":"#] {
        let items: Vec<_> =
            verdict::snapshot::read_snapshots(text.as_bytes(), verdict::snapshot::Format::Json, schema.clone())
                .unwrap()
                .collect();
        assert_eq!(items.len(), 2, "{text}");
        let Some(Err(last)) = items.last() else { panic!("the last element is an error: {text}") };
        assert!(last.message.contains("the array is not closed with `]` (is the file cut off?)"), "{}", last.message);
    }
}

#[test]
fn files_a_policy_names_are_regular_files_never_devices_or_pipes() {
    // `/dev/zero` was read without end (21 GB in 30 s); `/dev/stdin` read the
    // language server's own input as the schema, and the server hung.
    let dir = common::temp_folder("robustness", "named-devices");
    std::fs::copy("policies/simple.schema.yaml", dir.join("simple.schema.yaml")).unwrap();
    for (schema, hook) in [("/dev/zero", None), ("/dev/stdin", None), ("simple.schema.yaml", Some("/dev/zero"))] {
        let hook_line = hook.map(|h| format!("hook h(x: int) -> int from \"{h}\"\n")).unwrap_or_default();
        let uses = if hook.is_some() { "h(score) > 1" } else { "score > 1" };
        let policy = format!(
            "policy \"p\" version \"1\"\nschema \"{schema}\"\n{hook_line}rule \"r\" {{ when {uses} then tag \"a\" }}\n"
        );
        std::fs::write(dir.join("p.policy"), policy).unwrap();
        let (code, _, stderr) = common::verdict_in(&dir, &["check", "p.policy"]);
        assert_eq!(code, 2, "{stderr}");
        let named = hook.unwrap_or(schema);
        assert!(stderr.contains(&format!("cannot read `{named}`: it is not a regular file")), "{stderr}");
    }
    // The policy itself may come from a pipe: only the files it names are held to this.
    let schema = std::fs::canonicalize("policies/simple.schema.yaml").unwrap();
    let policy = format!(
        "policy \"p\" version \"1\"\nschema \"{}\"\nrule \"r\" {{ when score > 1 then tag \"a\" }}\n",
        schema.display()
    );
    let out = common::verdict_with_stdin(&["check", "/dev/stdin"], &policy);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
}

/// A policy, a hook script or a test file that is not UTF-8 is said at its
/// first bad byte, with the line shown and a caret, by `check`, `fmt` and
/// `test`; `fmt` leaves the file as it is.
#[test]
fn a_file_that_is_not_utf8_is_said_at_its_byte() {
    let dir = workdir("not-utf8-at-its-byte");
    let latin1 = |text: &str| -> Vec<u8> { text.bytes().map(|b| if b == b'~' { 0xe9 } else { b }).collect() };
    let policy = latin1("policy \"p\" version \"1\"\nschema \"account.schema.yaml\"\n# caf~ au lait\nrule \"r\" { when score < 500 then restrict }\n");
    std::fs::write(dir.join("latin.policy"), &policy).unwrap();
    for command in ["check", "fmt"] {
        let (code, _, stderr) = common::verdict_in(&dir, &[command, "latin.policy"]);
        assert_eq!(code, 2, "{command}: {stderr}");
        assert!(stderr.contains("[E0108] `latin.policy` is not UTF-8 text: byte 0xE9"), "{command}: {stderr}");
        assert!(stderr.contains("[latin.policy:3:6]") && stderr.contains("3 │ # caf� au lait"), "{command}: {stderr}");
        assert!(stderr.contains("save the file as UTF-8"), "{command}: {stderr}");
    }
    assert_eq!(std::fs::read(dir.join("latin.policy")).unwrap(), policy, "fmt left it as it was");
    // The same through standard input.
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_verdict"))
        .args(["fmt", "-"])
        .env("NO_COLOR", "1")
        .stdin(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    std::io::Write::write_all(&mut child.stdin.take().unwrap(), &policy).unwrap();
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("[<stdin>:3:6]") && out.stdout.is_empty(), "{stderr}");

    // A hook script: said in the script, and where the policy names it.
    std::fs::write(dir.join("risk.rhai"), latin1("fn risk(score) {\n    score // ~\n}\n")).unwrap();
    let hooked =
        "policy \"p\" version \"1\"\nschema \"account.schema.yaml\"\nhook risk(score: int) -> int from \"risk.rhai\"\n\
                  rule \"r\" { when risk(score) < 500 then restrict }\n";
    std::fs::write(dir.join("hooked.policy"), hooked).unwrap();
    let (code, _, stderr) = common::verdict_in(&dir, &["check", "hooked.policy"]);
    assert_eq!(code, 2, "{stderr}");
    // At the declaration (where an editor shows the policy's problems), the byte's place said.
    assert!(stderr.contains("[hooked.policy:3:1]"), "{stderr}");
    let (_, stdout, _) = common::verdict_in(&dir, &["check", "--error-format", "json", "hooked.policy"]);
    let said: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    let message = said[0]["message"].as_str().unwrap();
    assert_eq!(message, "`risk.rhai` is not UTF-8 text: byte 0xE9 is not part of a character (at line 2, column 14)");
    let related = &said[0]["related"][0];
    let at = (related["file"].as_str(), related["line"].as_u64(), related["column"].as_u64());
    assert_eq!(at, (Some("risk.rhai"), Some(2), Some(14)), "{stdout}");

    std::fs::write(dir.join("latin.test.yaml"), latin1("policy: p.policy\ncases:\n  - name: caf~\n")).unwrap();
    let (code, stdout, stderr) = common::verdict_in(&dir, &["test", "latin.test.yaml"]);
    assert_eq!(code, 2, "{stdout}{stderr}");
    let said = format!("{stdout}{stderr}");
    assert!(
        said.contains("[T001] `latin.test.yaml` is not UTF-8 text") && said.contains("[latin.test.yaml:3:14]"),
        "{said}"
    );
}

/// A misspelt file name is answered with the name of the file beside it
/// that is likely meant: only the name, since the folder is written in the
/// policy relative to the policy's folder, not to where `check` runs (a
/// path from there, followed, named `shipcopy/shipcopy/...`).
#[test]
fn a_misspelt_file_is_answered_with_the_name_meant() {
    let dir = common::temp_folder("robustness", "misspelt-file");
    let copy = dir.join("shipcopy");
    std::fs::create_dir_all(copy.join("hooks")).unwrap();
    std::fs::create_dir_all(copy.join("batches")).unwrap();
    for file in ["lifecycle.policy", "account.schema.yaml", "hooks/fraud_risk.rhai", "batches/reg-2023-q3.txt"] {
        std::fs::copy(format!("policies/{file}"), copy.join(file)).unwrap();
    }
    let policy = std::fs::read_to_string(copy.join("lifecycle.policy")).unwrap();
    let misspelt = policy.replace("reg-2023-q3.txt", "reg-2023-q3.tx").replace("fraud_risk.rhai", "fraud-risk.rhai");
    std::fs::write(copy.join("lifecycle.policy"), misspelt).unwrap();
    let (code, _, stderr) = common::verdict_in(&dir, &["check", "shipcopy/lifecycle.policy"]);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("help: did you mean `reg-2023-q3.txt`?"), "{stderr}");
    assert!(stderr.contains("help: did you mean `fraud_risk.rhai`?"), "{stderr}");
}

/// A JSON syntax error's column counts characters, as an editor and every
/// other position do (serde_json counts bytes: three for each `客`), in a
/// JSON line, inside a JSON array's element and between elements.
#[test]
fn a_json_syntax_error_is_placed_in_characters() {
    let dir = workdir("json-columns-in-characters");
    write_small_policy(&dir);
    let element = "{\"id\":\"客户客户\",\"as_of\":\"2026-11-01\",\"score\":5x}";
    let column = element.chars().position(|c| c == 'x').unwrap() + 1;
    let cases = [
        ("b.jsonl", format!("{element}\n"), format!("line 1, column {column}:")),
        ("b.json", format!("[\n  {element}\n]\n"), format!("line 2, column {}:", column + 2)),
        ("c.json", "[{\"id\":\"客户\",\"as_of\":\"2026-11-01\"} x]\n".into(), "line 1, column 35:".into()),
    ];
    for (name, book, place) in cases {
        std::fs::write(dir.join(name), book).unwrap();
        let (_, stdout, stderr) = common::verdict_in(&dir, &["eval", "-q", "p.policy", name, "--format", "jsonl"]);
        assert!(stdout.contains(&format!("invalid JSON at {place}")), "{name}: {place}: {stdout}{stderr}");
    }
}

/// A column renamed upstream (`Appeal_Open`) or misspelt, beside a schema
/// whose optional `appeal_open` no column gives: each row reads the field as
/// `none` (spec §3), and the run says so once per input, naming the column
/// and the field, in CSV and Parquet alike. `--quiet` keeps it back.
#[test]
fn a_column_like_an_optional_field_no_column_gives_is_warned_of() {
    let dir = workdir("near-miss-columns");
    let schema = "entity: account\nkey: id\nfields:\n  id: string\n  score: int\n  appeal_open: bool?\n";
    std::fs::write(dir.join("s.schema.yaml"), schema).unwrap();
    std::fs::write(dir.join("renamed.schema.yaml"), schema.replace("appeal_open", "Appeal_Open")).unwrap();
    let policy = "policy \"p\" version \"1\"\nschema \"s.schema.yaml\"\n\
                  rule \"r\" { when score < 500 and not (appeal_open ?? false) then restrict }\n";
    std::fs::write(dir.join("p.policy"), policy).unwrap();
    std::fs::write(dir.join("b.csv"), "id,as_of,score,Appeal_Open\nA,2026-11-01,300,true\n").unwrap();
    let (code, _, stderr) =
        common::verdict_in(&dir, &["synth", "renamed.schema.yaml", "--count", "3", "-o", "b.parquet"]);
    assert_eq!(code, 0, "{stderr}");
    for book in ["b.csv", "b.parquet"] {
        let (code, stdout, stderr) = common::verdict_in(&dir, &["eval", "p.policy", book]);
        assert_eq!(code, 0, "{stderr}");
        assert!(!stdout.is_empty());
        let said = format!(
            "warning: `{book}`: the column `Appeal_Open` is no field of the schema: is it `appeal_open`? That \
             optional field is in no column, so every row reads it as none"
        );
        assert!(stderr.contains(&said), "{stderr}");
        let (_, _, stderr) = common::verdict_in(&dir, &["eval", "-q", "p.policy", book]);
        assert!(!stderr.contains("Appeal_Open"), "{stderr}");
    }
    // A column the schema does not name and like no absent field is no warning.
    std::fs::write(dir.join("c.csv"), "id,as_of,score,region\nA,2026-11-01,300,east\n").unwrap();
    let (_, _, stderr) = common::verdict_in(&dir, &["eval", "p.policy", "c.csv"]);
    assert!(!stderr.contains("warning"), "{stderr}");
}

/// A value quoted in a message keeps the combining marks of its script
/// (Thai vowel signs and tones), which `{:?}` wrote as `\u{e31}`, and still
/// escapes what would act on a terminal or hide.
#[test]
fn a_quoted_value_keeps_its_scripts_combining_marks() {
    let dir = workdir("quoted-combining-marks");
    write_small_policy(&dir);
    let text = std::fs::read_to_string("policies/portfolio.jsonl").unwrap();
    let line = text.lines().next().unwrap();
    let book = [r#""status": "สวัสดี""#, r#""status": "a\u202eb""#]
        .iter()
        .map(|status| line.replacen(r#""status": "active""#, status, 1))
        .collect::<Vec<_>>()
        .join("\n");
    std::fs::write(dir.join("b.jsonl"), book + "\n").unwrap();
    let (_, stdout, _) = common::verdict_in(&dir, &["eval", "-q", "p.policy", "b.jsonl"]);
    let messages: Vec<String> = stdout
        .lines()
        .map(|l| {
            serde_json::from_str::<serde_json::Value>(l).unwrap()["error"]["message"].as_str().unwrap().to_string()
        })
        .collect();
    assert!(messages[0].ends_with("found \"สวัสดี\""), "{messages:?}");
    assert!(messages[1].ends_with("found \"a\\u{202e}b\""), "{messages:?}");
}

/// A run killed before it could remove its temporary file (`kill -9`, an
/// out-of-memory kill) leaves it hidden beside the output, as large as the
/// decisions: the next run names it, and leaves it (it may be another
/// run's, still writing).
#[test]
fn a_temporary_file_a_killed_run_left_is_named() {
    let dir = workdir("left-beside");
    write_small_policy(&dir);
    let book = std::fs::read_to_string("policies/portfolio.jsonl").unwrap();
    std::fs::write(dir.join("b.jsonl"), book.lines().next().unwrap().to_string() + "\n").unwrap();
    let left = dir.join(".out.jsonl.0123456789abcdef.partial");
    std::fs::write(&left, "{\"id\":").unwrap();
    std::fs::write(dir.join(".out.jsonl.not-ours.partial"), "").unwrap();
    let (code, _, stderr) = common::verdict_in(&dir, &["eval", "p.policy", "b.jsonl", "-o", "out.jsonl"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stderr.contains("note: `.out.jsonl.0123456789abcdef.partial` beside `out.jsonl` was left"), "{stderr}");
    assert!(!stderr.contains("not-ours"), "{stderr}");
    assert!(left.exists() && dir.join("out.jsonl").exists());
    let (_, _, stderr) = common::verdict_in(&dir, &["eval", "-q", "p.policy", "b.jsonl", "-o", "out.jsonl"]);
    assert!(!stderr.contains("note:"), "{stderr}");
}
