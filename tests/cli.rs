//! The command line as a risk officer uses it: exit codes, stdin, formats.
//! Each test snapshots exit code, stdout and stderr together.

use std::io::Write;
use std::process::{Command, Stdio};

/// Runs `verdict` with `args` (and `stdin`, if given) from the repository root.
fn verdict(args: &[&str], stdin: Option<&str>) -> (i32, String, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_verdict"))
        .args(args)
        .env("NO_COLOR", "1")
        .stdin(if stdin.is_some() { Stdio::piped() } else { Stdio::null() })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run verdict");
    if let Some(input) = stdin {
        // A run refused before it reads (a wrong command line) closes its end early.
        match child.stdin.take().expect("stdin").write_all(input.as_bytes()) {
            Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {}
            written => written.expect("write stdin"),
        }
    }
    let out = child.wait_with_output().expect("wait");
    let mask = |s: &[u8]| {
        let text = String::from_utf8_lossy(s).into_owned();
        // The fingerprint changes with every edit of the example policy; the decisions are what is pinned here.
        let re_start = "sha256:";
        let mut masked = String::with_capacity(text.len());
        let mut rest = text.as_str();
        while let Some(i) = rest.find(re_start) {
            masked.push_str(&rest[..i + re_start.len()]);
            rest = &rest[i + re_start.len()..];
            let hex = rest.chars().take_while(char::is_ascii_hexdigit).count();
            masked.push_str(if hex == 64 { "[fingerprint]" } else { "" });
            rest = &rest[hex..];
        }
        masked.push_str(rest);
        masked
    };
    (out.status.code().unwrap_or(-1), mask(&out.stdout), mask(&out.stderr))
}

fn transcript(args: &[&str], stdin: Option<&str>) -> String {
    let (code, stdout, stderr) = verdict(args, stdin);
    format!("$ verdict {}\nexit: {code}\n--- stdout\n{stdout}--- stderr\n{stderr}", args.join(" "))
}

/// An output file of an earlier run (a decision record), which a run that
/// does not finish must leave as it was.
const PREVIOUS: &str = "{\"id\":\"previous\",\"as_of\":\"2026-11-01\",\"outcome\":\"none\",\"until\":null,\"limit\":null,\"reasons\":[],\"actions\":[],\"fired\":[],\"policy\":{\"name\":\"p\",\"version\":\"1\",\"fingerprint\":\"sha256:0\"}}\n";

const GOOD: &str = r#"{"id":"A-1","as_of":"2026-11-01","status":"active","credit_limit":"10000","balance":"2500","score":700,"opened_on":"2024-01-15","identity":{"verified":true,"mismatch_fields":[]},"tags":[],"score_history":[],"overdues":[],"applications":[]}"#;
// Score 550 and a repayment 12 days overdue: behaviour 600 + 0 - 20 + 25 - 40 + 5 = 570, below
// 620, so the periodic review cuts the limit to 7000 (reasons L02, B04, B02); a high risk 8 to 30
// days overdue is called.
const LOW: &str = r#"{"id":"A-2","as_of":"2026-11-01","status":"active","credit_limit":"10000","balance":"2500","score":550,"opened_on":"2024-01-15","identity":{"verified":true,"mismatch_fields":[]},"tags":[],"score_history":[],"overdues":[{"due_on":"2026-10-20","days":12,"amount":"300"}],"applications":[]}"#;

#[test]
fn check_ok_exits_0() {
    insta::assert_snapshot!(transcript(&["check", "policies/lifecycle.policy"], None));
}

#[test]
fn check_of_a_broken_policy_exits_2_with_every_error() {
    insta::assert_snapshot!(transcript(&["check", "tests/fixtures/invalid/P001_several_items.policy"], None));
}

#[test]
fn check_json_diagnostics() {
    let (code, stdout, _) =
        verdict(&["check", "--error-format", "json", "tests/fixtures/invalid/E0101_unknown_field.policy"], None);
    assert_eq!(code, 2);
    let parsed: serde_json::Value = serde_json::from_str(&stdout).expect("JSON diagnostics");
    assert_eq!(parsed[0]["code"], "E0101");
    assert_eq!(parsed[0]["line"], 3);
    assert_eq!(parsed[0]["column"], 17);
    assert_eq!(parsed[0]["help"], "did you mean `score`?");
    assert_eq!(parsed[0]["related"], serde_json::json!([]));
    // An overlap names the earlier row as a related place.
    let (code, stdout, _) =
        verdict(&["check", "--error-format", "json", "tests/fixtures/invalid/E0606_table_overlap.policy"], None);
    assert_eq!(code, 2);
    let parsed: serde_json::Value = serde_json::from_str(&stdout).expect("JSON diagnostics");
    assert_eq!((parsed[0]["line"].clone(), parsed[0]["label"].clone()), (7.into(), "row 3".into()));
    let related = &parsed[0]["related"][0];
    assert_eq!((related["line"].clone(), related["column"].clone()), (6.into(), 3.into()));
    assert_eq!(related["label"], "row 2 matches it too");
    assert!(related["file"].as_str().unwrap().ends_with("E0606_table_overlap.policy"), "{related}");
}

/// Several policies give one JSON document (a pipeline's `json.load` read
/// the first array and failed on the next), each diagnostic naming the
/// policy whose check found it; a clean policy adds nothing.
#[test]
fn check_json_of_several_policies_is_one_document() {
    let policies = [
        "tests/fixtures/invalid/E0101_unknown_field.policy",
        "policies/simple.policy",
        "tests/fixtures/invalid/E0606_table_overlap.policy",
    ];
    let (code, stdout, _) = verdict(&[&["check", "--error-format", "json"][..], &policies].concat(), None);
    assert_eq!(code, 2);
    let parsed: serde_json::Value = serde_json::from_str(&stdout).expect("one JSON document");
    let found: Vec<(&str, &str)> = parsed
        .as_array()
        .unwrap()
        .iter()
        .map(|d| (d["policy"].as_str().unwrap(), d["code"].as_str().unwrap()))
        .collect();
    assert_eq!(found, [(policies[0], "E0101"), (policies[2], "E0606")]);
}

/// A folder stands for the policies under it, as for `fmt` and `test`; one
/// that holds none is an error (exit 2), never a quiet success.
#[test]
fn check_takes_a_folder_of_policies() {
    let (code, _, err) = verdict(&["check", "policies"], None);
    assert_eq!(code, 0, "{err}");
    for name in ["admission", "lifecycle", "lifecycle-v2", "simple"] {
        assert!(err.contains(&format!("policies/{name}.policy: ok")), "{name}: {err}");
    }
    let (code, _, err) = verdict(&["check", "policies/tests"], None);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("error: no policy (`*.policy`) under `policies/tests`"), "{err}");
}

/// A test file, schema or portfolio given to `check` is said to be one, with
/// the command that reads it.
#[test]
fn check_says_what_a_file_that_is_no_policy_is() {
    for (file, said) in [
        ("policies/tests/lifecycle.test.yaml", "is a test file, not a policy: run it with `verdict test"),
        ("policies/account.schema.yaml", "is a schema, not a policy"),
        ("policies/portfolio.jsonl", "looks like a portfolio, not a policy"),
    ] {
        let (code, _, err) = verdict(&["check", file], None);
        assert_eq!(code, 2, "{err}");
        assert!(err.contains("[P001]") && err.replace("\n        ", " ").contains(said), "{file}: {err}");
    }
}

#[test]
fn deny_warnings_turns_warnings_into_exit_2() {
    let (code, _, _) = verdict(&["check", "tests/fixtures/valid/W0101_unused_let.policy"], None);
    assert_eq!(code, 0);
    let (code, _, stderr) =
        verdict(&["check", "--deny-warnings", "tests/fixtures/valid/W0101_unused_let.policy"], None);
    assert_eq!(code, 2);
    // The last line says why it failed, not "ok".
    let last = stderr.lines().last().unwrap_or_default();
    assert!(last.ends_with("W0101_unused_let.policy: 1 warning, denied by --deny-warnings"), "{stderr}");
}

#[test]
fn fmt_leaves_a_read_only_file_and_a_layout_that_would_not_parse_and_formats_a_file_once() {
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("fmt-safety-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let messy = "policy \"p\" version \"1\"\nschema \"s.yaml\"\nrule \"r\" {   when true then restrict }\n";
    // Read-only: refused with exit 4, the file as it was.
    let ro = dir.join("ro.policy");
    std::fs::write(&ro, messy).unwrap();
    let mut perms = std::fs::metadata(&ro).unwrap().permissions();
    perms.set_readonly(true);
    std::fs::set_permissions(&ro, perms).unwrap();
    let (code, _, stderr) = verdict(&["fmt", ro.to_str().unwrap()], None);
    assert_eq!(code, 4, "{stderr}");
    assert!(stderr.contains("is read-only: left as it is"), "{stderr}");
    assert_eq!(std::fs::read_to_string(&ro).unwrap(), messy);
    // A chain of 300 comparisons, which the canonical layout would bracket past the nesting bound.
    let chain = vec!["true"; 300].join(" == ");
    let deep = dir.join("deep.policy");
    let text = messy.replace("when true", &format!("when {chain}"));
    std::fs::write(&deep, &text).unwrap();
    let (code, _, stderr) = verdict(&["fmt", deep.to_str().unwrap()], None);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("would not parse"), "{stderr}");
    assert_eq!(std::fs::read_to_string(&deep).unwrap(), text);
    // One file named two ways is listed once.
    let twice = dir.join("twice.policy");
    std::fs::write(&twice, messy).unwrap();
    let dotted = format!("{}/./twice.policy", dir.display());
    let (code, stdout, _) = verdict(&["fmt", "--check", twice.to_str().unwrap(), &dotted], None);
    assert_eq!((code, stdout.lines().count()), (1, 1), "{stdout}");
    // A FIFO named as a file is refused at once: reading it would block the
    // run (no writer), and replacing it would leave a regular file there.
    let fifo = dir.join("pipe.policy");
    assert!(std::process::Command::new("mkfifo").arg(&fifo).status().unwrap().success());
    let (code, _, stderr) = verdict(&["fmt", fifo.to_str().unwrap()], None);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("is not a regular file"), "{stderr}");
    assert!(std::os::unix::fs::FileTypeExt::is_fifo(&std::fs::metadata(&fifo).unwrap().file_type()), "still a FIFO");
    let mut perms = std::fs::metadata(&ro).unwrap().permissions();
    #[allow(clippy::permissions_set_readonly_false)]
    perms.set_readonly(false);
    let _ = std::fs::set_permissions(&ro, perms);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn allowed_warnings_pass_deny_warnings_and_never_hide_an_error() {
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("allow-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::copy("tests/fixtures/account.schema.yaml", dir.join("account.schema.yaml")).unwrap();
    let policy = |when: &str| {
        format!(
            "policy \"p\" version \"1\"\nschema \"account.schema.yaml\"\n\n# Fraud closures tell the customer nothing.\n\
             # verdict: allow(W0112, W0111)\nrule \"fraud\" {{\n  when {when}\n  then close reason \"FRAUD\"\n}}\n"
        )
    };
    let path = dir.join("p.policy");
    let path_text = path.to_str().unwrap();
    // Allowed: nothing is reported and --deny-warnings passes; but W0111 is
    // not reported here, so its allow is stale, and that is a warning.
    std::fs::write(&path, policy("\"fraud\" in tags")).unwrap();
    let (code, _, stderr) = verdict(&["check", "--deny-warnings", path_text], None);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("[W0116] no `W0111` (shadowed-rule)") && !stderr.contains("W0112]"), "{stderr}");
    std::fs::write(&path, policy("\"fraud\" in tags").replace(", W0111", "")).unwrap();
    let (code, _, stderr) = verdict(&["check", "--deny-warnings", path_text], None);
    assert_eq!((code, stderr.trim_end().ends_with("p.policy: ok (0 warnings)")), (0, true), "{stderr}");
    // An error is never allowed; and with it the lints wait, so the allow is not called stale.
    std::fs::write(&path, policy("\"fraud\" in tagz")).unwrap();
    let (code, _, stderr) = verdict(&["check", path_text], None);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("[E0101]") && !stderr.contains("W0116"), "{stderr}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn eval_from_stdin_exits_0() {
    insta::assert_snapshot!(transcript(&["eval", "policies/lifecycle.policy"], Some(&format!("{GOOD}\n"))));
}

#[test]
fn eval_with_a_broken_line_exits_1_and_keeps_every_record_in_order() {
    let input = format!("{GOOD}\n{{not json\n{LOW}\n");
    let (code, stdout, stderr) =
        verdict(&["eval", "policies/lifecycle.policy", "-", "--format", "jsonl"], Some(&input));
    assert_eq!(code, 1, "{stderr}");
    let ids: Vec<serde_json::Value> =
        stdout.lines().map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap()["id"].clone()).collect();
    assert_eq!(ids, [serde_json::json!("A-1"), serde_json::Value::Null, serde_json::json!("A-2")]);
}

#[test]
fn eval_of_a_policy_that_does_not_compile_exits_2() {
    insta::assert_snapshot!(transcript(&["eval", "tests/fixtures/invalid/E0106_enum_member.policy"], Some(GOOD)));
}

#[test]
fn wrong_command_lines_exit_2() {
    assert_eq!(verdict(&["eval"], None).0, 2);
    assert_eq!(verdict(&["frobnicate"], None).0, 2);
    assert_eq!(verdict(&["eval", "policies/lifecycle.policy", "--as-of", "2026-13-01"], None).0, 2);
    assert_eq!(verdict(&["eval", "policies/lifecycle.policy", "no/such/file.jsonl"], None).0, 2);
    assert_eq!(
        verdict(&["eval", "policies/lifecycle.policy", "policies/portfolio.jsonl", "--format", "xml"], None).0,
        2
    );
}

#[test]
fn a_breached_guard_writes_every_decision_then_exits_3() {
    let input = format!("{LOW}\n{}\n{GOOD}\n", LOW.replace("A-2", "A-3"));
    insta::assert_snapshot!(transcript(&["eval", "tests/cli/guard.policy", "--format", "table"], Some(&input)));
}

#[test]
fn the_largest_exit_code_wins() {
    // A broken record (1) and a breached guard (3): 3.
    let input = format!("{LOW}\n{}\n{{broken\n", LOW.replace("A-2", "A-3"));
    assert_eq!(verdict(&["eval", "tests/cli/guard.policy"], Some(&input)).0, 3);
}

#[test]
fn as_of_fills_in_missing_dates() {
    let no_date = GOOD.replace(r#""as_of":"2026-11-01","#, "");
    let (code, stdout, _) = verdict(&["eval", "policies/lifecycle.policy"], Some(&no_date));
    assert_eq!(code, 1);
    assert!(stdout.contains(r#""kind":"snapshot""#) && stdout.contains("as_of"), "{stdout}");
    let (code, stdout, _) = verdict(&["eval", "policies/lifecycle.policy", "--as-of", "2026-11-01"], Some(&no_date));
    assert_eq!(code, 0);
    assert!(stdout.contains(r#""as_of":"2026-11-01""#), "{stdout}");
}

#[test]
fn output_formats() {
    let input = format!("{GOOD}\n{LOW}\n{{broken\n");
    for format in ["json", "yaml", "csv", "table"] {
        insta::assert_snapshot!(
            format!("format_{format}"),
            transcript(&["eval", "policies/lifecycle.policy", "--format", format], Some(&input))
        );
    }
}

#[test]
fn trace_shows_each_condition_and_its_value() {
    let (code, stdout, _) = verdict(&["eval", "policies/lifecycle.policy", "--trace", "--format", "json"], Some(LOW));
    assert_eq!(code, 0);
    let decisions: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    insta::assert_snapshot!(serde_json::to_string_pretty(&decisions[0]["trace"]).unwrap());
}

#[test]
fn output_file_is_written_whole_or_not_at_all() {
    let dir = std::env::temp_dir().join(format!("verdict-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let out = dir.join("decisions.jsonl");
    let out_arg = out.to_str().unwrap();
    let (code, stdout, _) =
        verdict(&["eval", "policies/lifecycle.policy", "policies/portfolio.jsonl", "--output", out_arg], None);
    assert_eq!(code, 1, "the example portfolio has broken records");
    assert!(stdout.is_empty());
    assert_eq!(std::fs::read_to_string(&out).unwrap().lines().count(), 43);
    // A run that cannot read all its inputs (here a missing one) leaves the
    // previous file untouched and no partial file behind.
    let (code, _, stderr) = verdict(
        &["eval", "policies/lifecycle.policy", "policies/portfolio.yaml", "missing.jsonl", "--output", out_arg],
        None,
    );
    assert_eq!(code, 2);
    assert!(stderr.contains("was not written, as some input could not be read"), "{stderr}");
    assert!(stderr.contains("error[R001]: `missing.jsonl`: cannot read snapshots: "), "{stderr}");
    assert_eq!(std::fs::read_to_string(&out).unwrap().lines().count(), 43);
    // Nor does one that fails part-way (a directory fails at its first read).
    let (code, _, _) = verdict(
        &[
            "eval",
            "policies/lifecycle.policy",
            "policies/portfolio.yaml",
            "policies",
            "--input-format",
            "yaml",
            "-o",
            out_arg,
        ],
        None,
    );
    assert_eq!(code, 2);
    assert_eq!(std::fs::read_to_string(&out).unwrap().lines().count(), 43);
    let leftovers: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .filter_map(Result::ok)
        .filter(|e| e.file_name() != "decisions.jsonl")
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn an_input_that_cannot_be_read_is_named_and_exits_2() {
    // The readable input is decided; the unreadable one (a folder) is named
    // on stderr, with no record (a record stands for a snapshot), and exit 2.
    let args = ["eval", "policies/lifecycle.policy", "-", "policies", "--input-format", "jsonl"];
    insta::assert_snapshot!(transcript(&args, Some(GOOD)));
    let args =
        ["diff", "policies/lifecycle.policy", "policies/lifecycle-v2.policy", "policies", "--input-format", "jsonl"];
    insta::assert_snapshot!(transcript(&args, None));
    // A diff that could not read its book writes no --changed file, not even a partial one.
    let dir = std::env::temp_dir().join(format!("verdict-diff-unread-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let changed = dir.join("changed.jsonl");
    let (code, _, _) = verdict(
        &[
            "diff",
            "policies/lifecycle.policy",
            "policies/lifecycle-v2.policy",
            "policies/portfolio.yaml",
            "policies",
            "--input-format",
            "yaml",
            "--changed",
            changed.to_str().unwrap(),
        ],
        None,
    );
    assert_eq!(code, 2);
    assert_eq!(std::fs::read_dir(&dir).unwrap().count(), 0, "nothing left in {}", dir.display());
}

#[test]
fn snapshot_and_file_maximums() {
    let long = GOOD.replace("\"tags\":[]", &format!("\"tags\":[\"{}\"]", "x".repeat(400))).replace("A-1", "A-LONG");
    let input = format!("{GOOD}\n{long}\n{LOW}\n");
    insta::assert_snapshot!(transcript(
        &["eval", "policies/lifecycle.policy", "--max-snapshot-bytes", "300"],
        Some(&input)
    ));
    let (code, stdout, _) =
        verdict(&["eval", "policies/lifecycle.policy", "--max-snapshot-bytes", "1KiB"], Some(&input));
    assert_eq!((code, stdout.lines().filter(|l| l.contains("\"error\"")).count()), (0, 0));
    // A long first snapshot after a byte-order mark keeps its id.
    let (code, stdout, _) = verdict(
        &["eval", "policies/lifecycle.policy", "--max-snapshot-bytes", "300"],
        Some(&format!("\u{feff}{long}\n")),
    );
    assert_eq!(code, 1);
    assert!(stdout.starts_with("{\"id\":\"A-LONG\",\"error\":{\"kind\":\"snapshot\""), "{stdout}");
    insta::assert_snapshot!(transcript(
        &["eval", "policies/lifecycle.policy", "policies/portfolio.yaml", "--max-file-bytes", "1kb"],
        None
    ));
    for bad in ["12parsecs", "0", "+5", "99999999999999999999", "1.5MB", "MB"] {
        let (code, _, stderr) =
            verdict(&["eval", "policies/lifecycle.policy", "--max-snapshot-bytes", bad], Some(GOOD));
        assert_eq!(code, 2, "{bad}");
        assert!(stderr.contains("is not a") || stderr.contains("is too large a size"), "{bad}: {stderr}");
    }
}

#[test]
fn an_interrupted_run_leaves_no_partial_file() {
    let dir = std::env::temp_dir().join(format!("verdict-interrupt-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let target = dir.join("decisions.jsonl");
    std::fs::write(&target, PREVIOUS).unwrap();
    for signal in ["INT", "TERM"] {
        let mut child = Command::new(env!("CARGO_BIN_EXE_verdict"))
            .args(["eval", "policies/lifecycle.policy", "-", "--output", target.to_str().unwrap()])
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        // Decisions are on their way into the temporary file; stdin stays open.
        let mut stdin = child.stdin.take().unwrap();
        for _ in 0..5_000 {
            writeln!(stdin, "{GOOD}").unwrap();
        }
        // Its name is unpredictable: `.decisions.jsonl.<random>.partial`.
        let partial_exists = || {
            std::fs::read_dir(&dir).unwrap().any(|e| {
                let name = e.unwrap().file_name().to_string_lossy().into_owned();
                name.starts_with(".decisions.jsonl.") && name.ends_with(".partial")
            })
        };
        let started = std::time::Instant::now();
        while !partial_exists() {
            assert!(started.elapsed().as_secs() < 30, "no temporary file appeared");
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
        let killed = Command::new("sh").args(["-c", &format!("kill -{signal} {}", child.id())]).status().unwrap();
        assert!(killed.success());
        let out = child.wait_with_output().unwrap();
        assert_eq!(out.status.code(), Some(130), "SIG{signal}: {}", String::from_utf8_lossy(&out.stderr));
        drop(stdin);
        assert_eq!(std::fs::read_to_string(&target).unwrap(), PREVIOUS);
        let names: Vec<_> = std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().file_name()).collect();
        assert_eq!(names, ["decisions.jsonl"], "SIG{signal}");
    }
}

/// Every enumerated option lists its choices in `--help` and refuses others
/// as a command-line error; `ndjson` stays a name of JSON Lines.
#[test]
fn enumerated_options_list_their_choices() {
    let choices: [(&str, &str, &[&str]); 5] = [
        ("eval", "--format", &["jsonl", "json", "yaml", "csv", "table"]),
        ("eval", "--input-format", &["json", "jsonl", "yaml", "csv"]),
        ("diff", "--format", &["text", "json"]),
        ("explain", "--format", &["text", "json"]),
        ("check", "--error-format", &["human", "json"]),
    ];
    for (command, option, values) in choices {
        let (code, help, _) = verdict(&[command, "--help"], None);
        assert_eq!(code, 0);
        let from = help.find(&format!("{option} <")).unwrap_or_else(|| panic!("{command} {option} in --help"));
        let section = &help[from..];
        for value in values {
            assert!(section.contains(&format!("- {value}:")), "{command} {option} lists {value}:\n{help}");
        }
        let (code, _, err) = verdict(&[command, option, "bogus", "policies/lifecycle.policy"], None);
        assert_eq!(code, 2, "{command} {option} bogus: {err}");
        assert!(err.contains("invalid value 'bogus'"), "{err}");
    }
    let line = std::fs::read_to_string("policies/portfolio.jsonl").unwrap();
    let (ndjson, out, _) = verdict(&["eval", "policies/lifecycle.policy", "--input-format", "ndjson"], Some(&line));
    let (jsonl, same, _) = verdict(&["eval", "policies/lifecycle.policy", "--input-format", "jsonl"], Some(&line));
    assert_eq!((ndjson, &out), (jsonl, &same));
}

/// A decision record is written with the fields `decision::fields` names, in
/// its order, by the fast JSON Lines encoder as by every other.
#[test]
fn records_carry_the_fields_of_the_vocabulary() {
    use verdict::decision::fields;
    let (_, out, _) = verdict(&["eval", "policies/lifecycle.policy", "policies/portfolio.jsonl"], None);
    let decision = out.lines().find(|l| !l.contains("\"error\":")).expect("a decision");
    let at: Vec<usize> = fields::DECISION
        .iter()
        .map(|f| decision.find(&format!("\"{f}\":")).unwrap_or_else(|| panic!("{f} in {decision}")))
        .collect();
    assert!(at.windows(2).all(|w| w[0] < w[1]), "{decision}");
    let error = out.lines().find(|l| l.contains("\"error\":")).expect("an error record");
    let expected = format!("{{\"{}\":", fields::ID);
    assert!(error.starts_with(&expected), "{error}");
    for f in fields::ERROR_FIELDS {
        assert!(error.contains(&format!("\"{f}\":")), "{f} in {error}");
    }
}

/// Reads our YAML tree back as JSON the way a YAML 1.2 reader would: plain
/// `null`, `true`/`false` and integers are what they say, everything else is a string.
fn yaml_as_json(node: &verdict::yaml::YNode) -> serde_json::Value {
    use serde_json::Value;
    use verdict::yaml::YKind;
    match &node.kind {
        YKind::Scalar { text, plain: true } if text == "null" => Value::Null,
        YKind::Scalar { text, plain: true } if text == "true" || text == "false" => Value::Bool(text == "true"),
        YKind::Scalar { text, plain: true } if text.parse::<i64>().is_ok() => serde_json::from_str(text).unwrap(),
        YKind::Scalar { text, .. } => Value::String(text.clone()),
        YKind::Seq(items) => Value::Array(items.iter().map(yaml_as_json).collect()),
        YKind::Map(entries) => Value::Object(
            entries
                .iter()
                .map(|(key, value)| match &key.kind {
                    YKind::Scalar { text, .. } => (text.clone(), yaml_as_json(value)),
                    other => panic!("a mapping key that is not a scalar: {other:?}"),
                })
                .collect(),
        ),
    }
}

#[test]
fn yaml_output_reads_back_as_the_json_output() {
    // Decisions with quoted-looking strings ("7000", "0"), nulls, empty lists,
    // nested records and error records, with and without a trace.
    for trace in [false, true] {
        let mut args = vec!["eval", "policies/lifecycle.policy", "policies/portfolio.jsonl"];
        if trace {
            args.push("--trace");
        }
        let (_, json, _) = verdict(&[&args[..], &["--format", "json"]].concat(), None);
        let (_, yaml, _) = verdict(&[&args[..], &["--format", "yaml"]].concat(), None);
        let from_json: serde_json::Value = serde_json::from_str(&json).unwrap();
        let from_yaml = yaml_as_json(&verdict::yaml::parse_document(&yaml).unwrap());
        assert_eq!(from_yaml, from_json, "trace: {trace}");
    }
}

/// A snapshot file whose name tells no format gets the same message from
/// every command, listing the extensions that do tell one; the commands with
/// `--input-format` say so.
#[test]
fn a_file_whose_name_tells_no_format_is_refused_alike_everywhere() {
    let known = ".json .jsonl .ndjson .yaml .yml .csv .parquet .pq";
    let refused = format!("cannot tell the format of `policies/EXPECTED.md` from its name ({known})");
    let book = "policies/EXPECTED.md";
    let with_option: [&[&str]; 3] = [
        &["eval", "policies/lifecycle.policy", book],
        &["explain", "policies/lifecycle.policy", book, "--id", "A-1001"],
        &["diff", "policies/lifecycle.policy", "policies/lifecycle-v2.policy", book],
    ];
    for args in with_option {
        let (code, _, stderr) = verdict(args, None);
        assert_eq!(code, 2, "{args:?}: {stderr}");
        assert!(stderr.contains(&format!("{refused}; use --input-format")), "{args:?}: {stderr}");
    }
    let (code, _, stderr) = verdict(&["stability", "policies/lifecycle.policy", book, book], None);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains(&refused), "{stderr}");

    let dir = std::env::temp_dir().join(format!("verdict-unknown-format-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let book_copy = dir.join("book.txt");
    std::fs::copy("policies/portfolio.jsonl", &book_copy).unwrap();
    let tests = dir.join("book.test.yaml");
    let policy = std::fs::canonicalize("policies/lifecycle.policy").unwrap();
    std::fs::write(&tests, format!("policy: {}\ngolden: book.golden.jsonl\nsnapshots: book.txt\n", policy.display()))
        .unwrap();
    let (code, _, stderr) = verdict(&["test", tests.to_str().unwrap()], None);
    // The diagnostic is wrapped to the terminal's width, its lines led by `│`.
    let words = |text: &str| text.replace('│', " ").split_whitespace().collect::<Vec<_>>().join(" ");
    let refused_copy = format!("[T008] cannot tell the format of `{}` from its name ({known})", book_copy.display());
    assert!(words(&stderr).contains(&refused_copy), "{stderr}");
    assert_eq!(code, 2);
    std::fs::remove_dir_all(&dir).unwrap();
}

/// A policy named on the command line may be a pipe (`/dev/stdin`), but a
/// device without end is read only up to the bound of files read whole.
#[test]
fn a_policy_without_end_is_read_only_to_the_bound() {
    let (code, _, stderr) = verdict(&["check", "/dev/zero"], None);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("more than the 1073741824 bytes"), "{stderr}");
    // Paths in a piped policy are relative to its name's folder (`/dev`): this one names its schema whole.
    let schema = format!("\"{}/policies/simple.schema.yaml\"", env!("CARGO_MANIFEST_DIR"));
    let policy = std::fs::read_to_string("policies/simple.policy").unwrap().replace("\"simple.schema.yaml\"", &schema);
    let (code, stdout, stderr) = verdict(&["check", "/dev/stdin"], Some(&policy));
    assert_eq!(code, 0, "{stdout}{stderr}");
}

/// `--as-of` dates only snapshots without an `as_of` of their own: a
/// back-dated run over a book whose every snapshot carries one decided as of
/// the book's dates, and says so; one that dated some says nothing.
#[test]
fn as_of_that_dated_no_snapshot_is_noted() {
    let args = ["eval", "policies/simple.policy", "-", "--as-of", "2026-06-30"];
    let dated =
        "{\"id\":\"A\",\"as_of\":\"2026-11-01\",\"status\":\"active\",\"credit_limit\":\"10\",\"balance\":\"1\",\
                 \"score\":700,\"opened_on\":\"2020-01-01\",\"identity\":{\"verified\":true},\"tags\":[]}\n";
    let (code, stdout, stderr) = verdict(&args, Some(dated));
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.contains("\"as_of\":\"2026-11-01\""), "{stdout}");
    assert!(stderr.contains("note: --as-of 2026-06-30 dated no snapshot: each carries its own `as_of`"), "{stderr}");
    let undated = dated.replace("\"as_of\":\"2026-11-01\",", "");
    let (_, stdout, stderr) = verdict(&args, Some(&format!("{dated}{undated}")));
    assert!(stdout.contains("\"as_of\":\"2026-06-30\"") && !stderr.contains("note:"), "{stdout}{stderr}");
}
