//! `verdict eval` and `verdict synth` from the outside: exit codes, stderr
//! summaries, files, and identical output whatever the number of jobs.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn verdict(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_verdict")).args(args).env("NO_COLOR", "1").output().expect("run verdict")
}

fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("cli-eval-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir.join(name)
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Exit code, then stderr: what a person running the command sees.
fn shown(o: &Output) -> String {
    format!("exit: {}\n{}", o.status.code().unwrap_or(-1), stderr(o))
}

/// A synth portfolio of `n` snapshots with broken lines mixed in, written to a scratch file.
fn broken_portfolio(name: &str, n: usize) -> PathBuf {
    let out = verdict(&["synth", "policies/account.schema.yaml", "--count", &n.to_string(), "--seed", "5"]);
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    let mut mixed = String::new();
    for (i, line) in text.lines().enumerate() {
        match i % 1000 {
            3 => mixed.push_str("{\"id\": \"A-broken\", \"score\": 7"),
            500 => mixed.push_str(&line.replacen("\"score\":", "\"score\":null,\"x\":", 1)),
            _ => mixed.push_str(line),
        }
        mixed.push('\n');
    }
    let path = scratch(name);
    std::fs::write(&path, mixed).unwrap();
    path
}

#[test]
fn the_example_portfolio_summary() {
    let out = verdict(&["eval", "policies/lifecycle.policy", "policies/portfolio.jsonl"]);
    assert_eq!(String::from_utf8_lossy(&out.stdout).lines().count(), 43);
    insta::assert_snapshot!(shown(&out));
}

#[test]
fn jobs_do_not_change_a_byte() {
    let input = broken_portfolio("mixed.jsonl", 20_000);
    let input = input.to_str().unwrap();
    let one = verdict(&["eval", "policies/lifecycle.policy", input, "--jobs", "1"]);
    let two = verdict(&["eval", "policies/lifecycle.policy", input, "--jobs", "2"]);
    let small = verdict(&["eval", "policies/lifecycle.policy", input, "--jobs", "2", "--chunk", "7"]);
    assert_eq!(one.status.code(), Some(1), "broken snapshots make exit code 1");
    assert!(one.stdout == two.stdout, "--jobs 1 and --jobs 2 differ");
    assert!(one.stdout == small.stdout, "small chunks differ");
    assert_eq!(stderr(&one), stderr(&two));
    let records = String::from_utf8(two.stdout.clone()).unwrap();
    assert_eq!(records.lines().count(), 20_000, "one record per snapshot");
    assert_eq!(records.lines().filter(|l| l.contains("\"error\":")).count(), 40);
    assert!(stderr(&two).starts_with("verdict: 20000 snapshots: 19960 decided ("));
    assert!(stderr(&two).contains("  errors: snapshot 40\n"));
}

#[test]
fn a_breached_guard_still_writes_every_decision() {
    let input = broken_portfolio("guarded.jsonl", 5_000);
    let text = std::fs::read_to_string("policies/lifecycle.policy").unwrap().replace("at most 20%", "at most 1%");
    let policy = common::policy_beside_example_files(&scratch("guard"), "strict.policy", &text);
    let output = scratch("guarded-decisions.jsonl");
    let summary = scratch("guarded-summary.json");
    let out = verdict(&[
        "eval",
        policy.to_str().unwrap(),
        input.to_str().unwrap(),
        "--jobs",
        "2",
        "--chunk",
        "100",
        "--output",
        output.to_str().unwrap(),
        "--summary",
        summary.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    assert!(out.stdout.is_empty());
    let written = std::fs::read_to_string(&output).unwrap();
    assert_eq!(written.lines().count(), 5_000);
    let closes = written.lines().filter(|l| l.contains("\"outcome\":\"close\"")).count();
    let err = stderr(&out);
    let decided = 5_000 - 10;
    assert!(
        err.contains(&format!("guard breached: `guard close at most 1%`: {closes} of {decided} decisions are `close`")),
        "{err}"
    );
    let summary: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&summary).unwrap()).unwrap();
    assert_eq!(summary["guards"][0]["count"], closes);
    assert_eq!(summary["guards"][0]["breached"], true);
    assert_eq!(summary["guards"][0]["bound"], "49.9");
    assert_eq!(summary["accounts"], 5_000);
}

#[test]
fn the_summary_file() {
    let path = scratch("summary.json");
    let out = verdict(&[
        "eval",
        "policies/lifecycle.policy",
        "policies/portfolio.jsonl",
        "--summary",
        path.to_str().unwrap(),
        "--output",
        scratch("portfolio-decisions.jsonl").to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(1));
    let mut summary: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    let timing = summary.as_object_mut().unwrap();
    assert!(timing.remove("seconds").is_some_and(|s| s.as_f64().is_some()));
    assert!(timing.remove("accounts_per_second").is_some());
    // The fingerprint changes with every edit of the policy files; its format is what matters here.
    let fingerprint = summary["policy"]["fingerprint"].take();
    assert!(fingerprint.as_str().is_some_and(|f| f.starts_with("sha256:") && f.len() == 71));
    insta::assert_snapshot!(serde_json::to_string_pretty(&summary).unwrap());
}

#[test]
fn synth_is_deterministic_for_a_seed() {
    let args = ["synth", "policies/account.schema.yaml", "--count", "500", "--seed", "11"];
    let a = verdict(&args);
    let b = verdict(&args);
    let c = verdict(&["synth", "policies/account.schema.yaml", "--count", "500", "--seed", "12"]);
    assert!(a.status.success());
    assert!(a.stdout == b.stdout);
    assert!(a.stdout != c.stdout);
    // Account i does not depend on how many are asked for.
    let fewer = verdict(&["synth", "policies/account.schema.yaml", "--count", "3", "--seed", "11"]);
    assert!(a.stdout.starts_with(&fewer.stdout));
    insta::assert_snapshot!(String::from_utf8(fewer.stdout).unwrap());
}

/// A generated account's history agrees with itself: an overdue's `days`
/// are the days from its due date to its repayment (or to `as_of`, while
/// open), no status starts before the account opened, and the holder was an
/// adult at opening; an application's ages and durations are of their kind.
#[test]
fn synth_histories_agree_with_themselves() {
    let out = verdict(&["synth", "policies/account.schema.yaml", "--count", "5000", "--seed", "7"]);
    assert!(out.status.success());
    let date = |v: &serde_json::Value| chrono::NaiveDate::parse_from_str(v.as_str().unwrap(), "%Y-%m-%d").unwrap();
    let (mut overdues, mut open) = (0, 0);
    for line in String::from_utf8(out.stdout).unwrap().lines() {
        let r: serde_json::Value = serde_json::from_str(line).unwrap();
        let (as_of, opened) = (date(&r["as_of"]), date(&r["opened_on"]));
        if !r["status_since"].is_null() {
            assert!(date(&r["status_since"]) >= opened, "{line}");
        }
        if let Some(born) = r["birth_year"].as_i64() {
            assert!((18..=70).contains(&(i64::from(chrono::Datelike::year(&opened)) - born)), "{line}");
        }
        for o in r["overdues"].as_array().unwrap() {
            overdues += 1;
            let until = if o["repaid_on"].is_null() {
                open += 1;
                as_of
            } else {
                date(&o["repaid_on"])
            };
            assert!(until <= as_of, "{line}");
            assert_eq!((until - date(&o["due_on"])).num_days(), o["days"].as_i64().unwrap(), "{line}");
        }
    }
    assert!(overdues > 500 && open > 50, "{overdues} overdues, {open} open");

    let out = verdict(&["synth", "policies/application.schema.yaml", "--count", "500", "--seed", "7"]);
    for line in String::from_utf8(out.stdout).unwrap().lines() {
        let r: serde_json::Value = serde_json::from_str(line).unwrap();
        assert!((18..=75).contains(&r["age_in_years"].as_i64().unwrap()), "{line}");
        assert!((4..=72).contains(&r["duration_in_month"].as_i64().unwrap()), "{line}");
    }
}

#[test]
fn synth_output_reads_back_for_any_schema() {
    let schema = scratch("every-type.schema.yaml");
    std::fs::write(
        &schema,
        "entity: loan\nkey: loan_no\nfields:\n  loan_no: int\n  kind: enum(mortgage, auto, card, \"car, other\", \"say \\\"hi\\\"\")\n  rate: decimal\n  \
         principal: money\n  signed_on: date\n  note: string?\n  flags: set<enum(a, b, c)>\n  codes: set<int>\n  \
         holidays: set<date>\n  borrower:\n    name: string\n    address:\n      city: string\n      moved_on: date?\n  \
         payments:\n    list:\n      paid_on: date\n      amount: money\n      late: bool?\n    by: paid_on\n  \
         notes:\n    list:\n      text: string\n",
    )
    .unwrap();
    let output = scratch("loans.jsonl");
    let out = verdict(&[
        "synth",
        schema.to_str().unwrap(),
        "-n",
        "300",
        "--seed",
        "3",
        "--as-of",
        "2025-06-30",
        "--output",
        output.to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let loaded = verdict::load::load_schema_file(&schema).unwrap();
    let text = std::fs::read_to_string(&output).unwrap();
    assert_eq!(text.lines().count(), 300);
    // A quoted enum member is written as its text, without the schema's quotes.
    assert!(text.contains(r#""kind":"car, other""#) && text.contains(r#""kind":"say \"hi\"""#), "{text}");
    let as_of = verdict::value::parse_date("2025-06-30");
    for (i, line) in text.lines().enumerate() {
        let snapshot =
            verdict::snapshot::parse_json_snapshot(line, &loaded).unwrap_or_else(|e| panic!("{line}: {e:?}"));
        assert_eq!(snapshot.id, verdict::snapshot::Key::Int(i as i64 + 1));
        assert_eq!(snapshot.as_of, as_of);
    }
    for schema in ["policies/account.schema.yaml", "policies/simple.schema.yaml"] {
        let loaded = verdict::load::load_schema_file(Path::new(schema)).unwrap();
        let out = verdict(&["synth", schema, "-n", "2000", "--seed", "8"]);
        for line in String::from_utf8(out.stdout).unwrap().lines() {
            assert!(verdict::snapshot::parse_json_snapshot(line, &loaded).is_ok(), "{line}");
        }
    }
}

/// Synthetic snapshots for an `as_of` early in year 0000 hold only dates
/// verdict reads: a history reaching further back stops at 0000-01-01 rather
/// than writing `-0005-07-08`.
#[test]
fn synth_dates_stay_within_the_years_verdict_reads() {
    let schema = verdict::load::load_schema_file(Path::new("policies/account.schema.yaml")).unwrap();
    for as_of in ["0000-01-10", "9999-12-31"] {
        let as_of = verdict::value::parse_date(as_of).unwrap();
        for i in 0..200 {
            let mut line = String::new();
            verdict::synth::snapshot_json(&schema, 4, i, as_of, &mut line);
            assert!(verdict::snapshot::parse_json_snapshot(&line, &schema).is_ok(), "{line}");
        }
    }
}

#[test]
fn synth_portfolios_look_like_a_book() {
    let out = verdict(&["synth", "policies/account.schema.yaml", "-n", "4000", "--seed", "1"]);
    let schema = verdict::load::load_schema_file(Path::new("policies/account.schema.yaml")).unwrap();
    let (mut scores, mut with_overdues, mut bursts, mut mismatches) = (Vec::new(), 0, 0, 0);
    for line in String::from_utf8(out.stdout).unwrap().lines() {
        let v: serde_json::Value = serde_json::from_str(line).unwrap();
        assert!(verdict::snapshot::parse_json_snapshot(line, &schema).is_ok());
        scores.push(v["score"].as_i64().unwrap());
        with_overdues += usize::from(!v["overdues"].as_array().unwrap().is_empty());
        bursts += usize::from(v["applications"].as_array().unwrap().len() >= 6);
        mismatches += usize::from(
            v["identity"]["verified"] == false || !v["identity"]["mismatch_fields"].as_array().unwrap().is_empty(),
        );
        let limit = v["credit_limit"].as_str().unwrap();
        assert!(limit.split('.').nth(1).is_some_and(|cents| cents.len() == 2), "money has 2 decimals: {limit}");
    }
    scores.sort_unstable();
    let (p10, p90) = (scores[400], scores[3600]);
    assert!(p10 >= 550 && p90 <= 800, "most scores within 550..800: p10 {p10}, p90 {p90}");
    assert!((200..1200).contains(&with_overdues), "a minority has overdues: {with_overdues}");
    assert!((10..200).contains(&bursts), "a few application bursts: {bursts}");
    assert!((20..300).contains(&mismatches), "occasional identity mismatch: {mismatches}");
}

#[test]
fn bad_command_lines() {
    let out = verdict(&["synth", "policies/account.schema.yaml", "-n", "1", "--as-of", "2026-02-30"]);
    assert_eq!(out.status.code(), Some(2));
    // Dates are plain ISO dates: no underscores, as anywhere in data.
    let out = verdict(&["eval", "policies/simple.policy", "policies/simple-portfolio.csv", "--as-of", "2026_11_01"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("`2026_11_01` is not a YYYY-MM-DD date"), "{}", stderr(&out));
    let out = verdict(&["eval", "policies/lifecycle.policy", "policies/portfolio.jsonl", "--jobs", "0"]);
    // --jobs 0 means one worker per core, like no --jobs.
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn an_empty_input_is_said_to_be_empty() {
    let empty_lines = scratch("empty.jsonl");
    std::fs::write(&empty_lines, "\n  \n").unwrap();
    let header_only = scratch("header-only.csv");
    std::fs::write(&header_only, "id,status,credit_limit,balance,score,opened_on,identity.verified,tags\n").unwrap();
    let out =
        verdict(&["eval", "policies/simple.policy", empty_lines.to_str().unwrap(), header_only.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(out.stdout.is_empty());
    let said = stderr(&out);
    assert!(
        said.contains(&format!(
            "warning: `{}` holds no snapshots; nothing was decided from it\n",
            empty_lines.display()
        )),
        "{said}"
    );
    assert!(said.contains(&format!("warning: `{}` holds no snapshots", header_only.display())), "{said}");
    assert!(said.contains("verdict: 0 snapshots: 0 decided, 0 errors\n"), "{said}");

    let out = common::verdict_with_stdin(&["eval", "policies/simple.policy"], "");
    assert_eq!(out.status.code(), Some(0));
    assert!(
        stderr(&out).starts_with("warning: standard input holds no snapshots; nothing was decided from it\n"),
        "{}",
        stderr(&out)
    );

    // `--quiet` keeps standard error to errors and breached guards.
    let out = common::verdict_with_stdin(&["eval", "--quiet", "policies/simple.policy"], "");
    assert_eq!((out.status.code(), stderr(&out)), (Some(0), String::new()));

    // A book that holds snapshots says nothing of the kind.
    let out = verdict(&["eval", "policies/simple.policy", "policies/simple-portfolio.csv"]);
    assert!(!stderr(&out).contains("warning:"), "{}", stderr(&out));
}

/// A CSV or YAML file cut off inside its last value reads as a whole row
/// (`12000.50` cut to `120`): its last line without a line end is the one
/// sign of it, and it is said. A JSON Lines line cut off does not parse.
#[test]
fn a_csv_or_yaml_file_whose_last_line_has_no_line_end_is_said() {
    let book = std::fs::read_to_string("policies/simple-portfolio.csv").unwrap();
    assert!(book.ends_with('\n'));
    let cut = scratch("cut.csv");
    std::fs::write(&cut, book.trim_end()).unwrap();
    let out = verdict(&["eval", "policies/simple.policy", cut.to_str().unwrap()]);
    let whole = verdict(&["eval", "policies/simple.policy", "policies/simple-portfolio.csv"]);
    // The decisions and the exit code are the whole file's: a warning only.
    assert_eq!((out.status.code(), &out.stdout), (whole.status.code(), &whole.stdout));
    let warning = format!(
        "warning: the last line of `{}` has no line end: if the file was cut off, its last snapshot was decided \
         on what was left of it\n",
        cut.display()
    );
    assert!(stderr(&out).contains(&warning), "{}", stderr(&out));
    assert!(!stderr(&whole).contains("line end"), "{}", stderr(&whole));
    let yaml = std::fs::read_to_string("policies/portfolio.yaml").unwrap();
    let out = common::verdict_with_stdin(
        &["eval", "policies/lifecycle.policy", "-", "--input-format", "yaml"],
        yaml.trim_end(),
    );
    assert!(stderr(&out).contains("warning: the last line of standard input has no line end"), "{}", stderr(&out));
    let out = verdict(&["eval", "--quiet", "policies/simple.policy", cut.to_str().unwrap()]);
    assert!(!stderr(&out).contains("warning"), "{}", stderr(&out));
    // Old Mac line ends: the last line ends with its `\r`, however long.
    let cr = scratch("cr.csv");
    std::fs::write(&cr, book.replace('\n', "\r")).unwrap();
    let out = verdict(&["eval", "policies/simple.policy", cr.to_str().unwrap()]);
    assert!(!stderr(&out).contains("line end"), "{}", stderr(&out));
    // A last line of spaces, or a YAML comment, holds no snapshot to cut.
    let spaces = scratch("spaces.csv");
    std::fs::write(&spaces, format!("{book}   ")).unwrap();
    let out = verdict(&["eval", "policies/simple.policy", spaces.to_str().unwrap()]);
    assert!(!stderr(&out).contains("line end"), "{}", stderr(&out));
    let out = common::verdict_with_stdin(
        &["eval", "policies/lifecycle.policy", "-", "--input-format", "yaml"],
        &format!("{yaml}# the end"),
    );
    assert!(!stderr(&out).contains("line end"), "{}", stderr(&out));
}

#[test]
fn an_empty_json_file_exits_2_and_a_csv_header_naming_no_field_fails_each_row() {
    let empty = scratch("empty.json");
    std::fs::write(&empty, "").unwrap();
    let out = verdict(&["eval", "policies/simple.policy", empty.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).starts_with(&format!(
            "error[R010]: `{}`: the file is empty: a JSON file holds one snapshot object or an array of them\n",
            empty.display()
        )),
        "{}",
        stderr(&out)
    );

    let semicolons = scratch("semicolons.csv");
    let book = std::fs::read_to_string("policies/simple-portfolio.csv").unwrap().replace(',', ";");
    std::fs::write(&semicolons, book).unwrap();
    let out = verdict(&["eval", "policies/simple.policy", semicolons.to_str().unwrap()]);
    // Refused whole: the first line may be a snapshot (no header row).
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(String::from_utf8_lossy(&out.stdout), "", "no row can be read");
    // `explain`, looking for one account, says what is wrong with the header.
    let first_id = std::fs::read_to_string("policies/simple-portfolio.csv").unwrap();
    let first_id = first_id.lines().nth(1).and_then(|l| l.split(',').next()).unwrap().to_owned();
    let explained = verdict(&["explain", "policies/simple.policy", semicolons.to_str().unwrap(), "--id", &first_id]);
    assert_eq!(explained.status.code(), Some(2));
    assert!(stderr(&explained).contains("no column of the CSV header names a field"), "{}", stderr(&explained));
    // With its help, as eval gives it: here, the delimiter.
    assert!(stderr(&explained).contains("(the header seems to be separated by `;`"), "{}", stderr(&explained));
    let said = stderr(&out);
    assert!(said.contains("error[R011]: "), "{said}");
    assert!(
        said.contains("  help: the header seems to be separated by `;`: verdict reads comma-separated values\n"),
        "{said}"
    );

    // Without its header row, the first snapshot would have been taken for
    // the header and lost: the file is refused, and `-o` not written.
    let headerless = scratch("headerless.csv");
    let book = std::fs::read_to_string("policies/simple-portfolio.csv").unwrap();
    std::fs::write(&headerless, book.split_once('\n').unwrap().1).unwrap();
    let written = scratch("headerless-decisions.jsonl");
    let args = ["eval", "policies/simple.policy", headerless.to_str().unwrap(), "-o", written.to_str().unwrap()];
    let out = verdict(&args);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("is the header row missing?"), "{}", stderr(&out));
    assert!(!written.exists(), "nothing is written from a run that lost an input");
}

/// `--jobs` above `MAX_JOBS` is a command-line error (exit 2) at once, not a
/// hundred thousand threads being started.
#[test]
fn too_many_jobs_is_a_command_line_error() {
    for command in [
        vec!["eval", "policies/lifecycle.policy", "policies/portfolio.jsonl"],
        vec!["diff", "policies/lifecycle.policy", "policies/lifecycle.policy", "policies/portfolio.jsonl"],
    ] {
        let started = std::time::Instant::now();
        let out = verdict(&[command.as_slice(), &["--jobs", "100000"]].concat());
        assert!(started.elapsed() < std::time::Duration::from_secs(10), "{command:?} took {:?}", started.elapsed());
        assert_eq!(out.status.code(), Some(2), "{command:?}: {}", stderr(&out));
        assert!(stderr(&out).contains("at most 1024"), "{command:?}: {}", stderr(&out));
        assert!(out.stdout.is_empty(), "{command:?}");
        // the largest allowed number is accepted: the run gets as far as the
        // policy, which is missing here (a thousand threads on a shared test
        // machine are not worth starting to show it)
        let mut missing = command.clone();
        missing[1] = "policies/missing.policy";
        let out = verdict(&[missing.as_slice(), &["--jobs", "1024"]].concat());
        assert_eq!(out.status.code(), Some(2), "{missing:?}");
        assert!(stderr(&out).contains("missing.policy") && !stderr(&out).contains("jobs"), "{}", stderr(&out));
    }
}

/// A JSON Lines line ends at `\n` or `\r\n`, as JSON Lines defines it; a
/// lone `\r` between a snapshot's tokens is JSON whitespace: each line is
/// one snapshot, in order, and an error record names its line.
#[test]
fn json_lines_with_lone_carriage_returns_inside_are_one_snapshot_each() {
    let out = verdict(&["synth", "policies/account.schema.yaml", "--count", "5", "--seed", "9"]);
    let text = String::from_utf8(out.stdout).unwrap();
    let mut lines: Vec<String> = text.lines().map(|l| l.replacen(',', ",\r", 1)).collect();
    lines[2] = "{\"id\": \"A-broken\",\r \"score\": 7".into();
    let ends = ["\n", "\r\n", "\n", "\r\n", "\n"];
    let mixed: String = lines.iter().zip(ends).map(|(l, e)| format!("{l}{e}")).collect();
    let path = scratch("lone-cr.jsonl");
    std::fs::write(&path, mixed).unwrap();
    for input in ["file", "stdin"] {
        let out = match input {
            "file" => verdict(&["eval", "policies/lifecycle.policy", path.to_str().unwrap()]),
            _ => common::verdict_with_stdin(
                &["eval", "policies/lifecycle.policy"],
                &std::fs::read_to_string(&path).unwrap(),
            ),
        };
        assert_eq!(out.status.code(), Some(1), "{input}: {}", stderr(&out));
        let records: Vec<serde_json::Value> =
            String::from_utf8(out.stdout).unwrap().lines().map(|l| serde_json::from_str(l).unwrap()).collect();
        let ids: Vec<Option<&str>> = records.iter().map(|r| r["id"].as_str()).collect();
        let want: Vec<Option<String>> = lines
            .iter()
            .map(|l| serde_json::from_str::<serde_json::Value>(l).ok().map(|v| v["id"].to_string()))
            .collect();
        let mut want: Vec<Option<&str>> = want.iter().map(|w| w.as_deref().map(|w| w.trim_matches('"'))).collect();
        // The broken line's id was read before the break.
        want[2] = Some("A-broken");
        assert_eq!(ids, want, "{input}");
        let message = records[2]["error"]["message"].as_str().unwrap();
        assert!(message.contains("at line 3,"), "{input}: {message}");
        assert!(records.iter().enumerate().all(|(i, r)| (i == 2) == r.get("error").is_some()), "{input}: {records:?}");
    }
}

#[test]
fn trace_in_a_format_without_room_for_it_is_said() {
    let args = ["eval", "policies/lifecycle.policy", "policies/portfolio.jsonl", "--trace", "-q", "--format"];
    for format in ["csv", "table"] {
        let out = verdict(&[&args[..], &[format]].concat());
        let untraced =
            verdict(&["eval", "policies/lifecycle.policy", "policies/portfolio.jsonl", "-q", "--format", format]);
        assert_eq!(out.status.code(), untraced.status.code(), "{}", stderr(&out));
        assert_eq!(out.stdout, untraced.stdout);
        assert_eq!(
            stderr(&out),
            format!(
                "warning: --trace is not written in --format {format}; the trace is in --format jsonl, json or \
                 yaml, and `verdict explain` shows one account's\n"
            )
        );
    }
    let out = verdict(&[&args[..], &["json"]].concat());
    assert_eq!(stderr(&out), "");
    assert!(String::from_utf8_lossy(&out.stdout).contains("\"trace\":"));
}

/// An error record carries the id as far as it could be read: from a line
/// broken after its key, the key; from one broken before or inside it, null.
#[test]
fn a_broken_line_keeps_the_id_read_before_the_break() {
    let book = "{\"id\": \"A-1\", \"score\": 7\n{\"score\": 7, \"id\": \"A-2\", x}\n{\"id\": \"A-3\"}{\"id\": \"A-4\"}\n{\"id\": \"A-\n{\"as_of\": \"2026-11-01\", \"id\":\n";
    let out = common::verdict_with_stdin(&["eval", "policies/lifecycle.policy"], book);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let ids: Vec<serde_json::Value> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap()["id"].clone())
        .collect();
    assert_eq!(
        ids,
        ["A-1", "A-2", "A-3"]
            .map(serde_json::Value::from)
            .into_iter()
            .chain([().into(), ().into()])
            .collect::<Vec<_>>()
    );
}

#[test]
fn a_batch_matched_against_an_int_key_reads_whole_numbers() {
    let dir = scratch("int-batch");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::copy("tests/fixtures/schemas/int-key.schema.yaml", dir.join("s.yaml")).unwrap();
    let policy = dir.join("p.policy");
    std::fs::write(
        &policy,
        "policy \"p\" version \"1\"\nschema \"s.yaml\"\nbatch reg from \"reg.txt\"\n\
         rule \"r\" { when id in reg then restrict }\n",
    )
    .unwrap();
    let book = dir.join("book.jsonl");
    let line = |id: i64| {
        format!("{{\"id\": {id}, \"as_of\": \"2026-11-01\", \"status\": \"active\", \"credit_limit\": \"100\"}}\n")
    };
    std::fs::write(&book, [1001, 7, 8, 9].map(line).concat()).unwrap();

    // Leading zeros and a sign are the number: 007 is account 7, +8 is 8.
    std::fs::write(dir.join("reg.txt"), "# ids\n1001\n007\n+8\n").unwrap();
    let out = verdict(&["eval", policy.to_str().unwrap(), book.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let outcomes: Vec<String> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap()["outcome"].to_string())
        .collect();
    assert_eq!(outcomes, ["\"restrict\"", "\"restrict\"", "\"restrict\"", "\"none\""]);

    // A line that is no whole number could never match: refused, every such line named.
    std::fs::write(dir.join("reg.txt"), "1001\n9.0\nA-10\n").unwrap();
    let out = verdict(&["eval", policy.to_str().unwrap(), book.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(
        err.contains("[E0109] batch `reg` is matched against an int, but 2 of its lines are not whole numbers"),
        "{err}"
    );
    assert!(err.contains("reg.txt:2:1"), "{err}");
    assert!(err.contains("not a whole number either"), "{err}");
    assert!(out.stdout.is_empty(), "nothing is decided by a policy that does not load");
}

/// A snapshot broken after its int key names its account by the number, in
/// YAML as in JSON Lines (`"id": 3`, as every decision names it), and a
/// key written as text stays the text it was.
#[test]
fn a_broken_snapshot_names_an_int_key_as_a_number_in_every_format() {
    let dir = scratch("int-key-broken");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::copy("tests/fixtures/schemas/int-key.schema.yaml", dir.join("s.yaml")).unwrap();
    let policy = dir.join("p.policy");
    std::fs::write(&policy, "policy \"p\" version \"1\"\nschema \"s.yaml\"\n").unwrap();
    let yaml = dir.join("b.yaml");
    std::fs::write(&yaml, "---\nid: 3\nstatus: [\n---\nid: \"4\"\nstatus: [\n").unwrap();
    let jsonl = dir.join("b.jsonl");
    std::fs::write(&jsonl, "{\"id\": 3, \"status\": [\n").unwrap();
    let ids = |book: &Path| {
        let out = verdict(&["eval", policy.to_str().unwrap(), book.to_str().unwrap(), "--as-of", "2026-11-01"]);
        String::from_utf8(out.stdout)
            .unwrap()
            .lines()
            .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap()["id"].clone())
            .collect::<Vec<_>>()
    };
    assert_eq!(ids(&yaml), [serde_json::json!(3), serde_json::json!("4")]);
    assert_eq!(ids(&jsonl), [serde_json::json!(3)]);
}

#[test]
fn standard_input_named_twice_is_refused() {
    let book = std::fs::read_to_string("policies/portfolio.jsonl").unwrap();
    for command in ["eval", "diff"] {
        let args: Vec<&str> = match command {
            "eval" => vec!["eval", "policies/lifecycle.policy", "-", "-"],
            _ => vec!["diff", "policies/lifecycle.policy", "policies/lifecycle.policy", "-", "-"],
        };
        let out = common::verdict_with_stdin(&args, &book);
        assert_eq!(out.status.code(), Some(2), "{command}: {}", stderr(&out));
        assert!(stderr(&out).contains("standard input (`-`) is named more than once"), "{}", stderr(&out));
        assert!(out.stdout.is_empty(), "{command}: nothing is decided");
    }
}

/// With several inputs, "line 8" alone does not say whose line: each error
/// record then names the input it came from (standard input by that name),
/// whatever its format. One input keeps the message as it was.
#[test]
fn error_records_name_their_input_when_there_are_several() {
    let bad = scratch("several-bad.jsonl");
    std::fs::write(&bad, "{\"id\":\"X-1\",\"as_of\":\"2026-11-01\"\n\u{ff}\n").unwrap();
    let bad_arg = bad.to_str().unwrap();
    let messages = |out: &Output| -> Vec<String> {
        String::from_utf8_lossy(&out.stdout)
            .lines()
            .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
            .filter_map(|r| r["error"]["message"].as_str().map(str::to_owned))
            .collect()
    };
    let portfolio = std::fs::read_to_string("policies/portfolio.jsonl").unwrap();
    let out = common::verdict_with_stdin(&["eval", "policies/lifecycle.policy", "-", bad_arg], &portfolio);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let got = messages(&out);
    assert_eq!(got.len(), 5, "{got:#?}");
    assert_eq!(got[0], "standard input: invalid JSON at line 8, column 98: EOF while parsing an object");
    assert_eq!(got[1], "standard input: score: expected int, found \"high\"");
    assert_eq!(got[3], format!("{bad_arg}: invalid JSON at line 1, column 32: EOF while parsing an object"));
    assert_eq!(got[4], format!("{bad_arg}: invalid JSON at line 2, column 1: expected value"));

    let yaml = scratch("several-bad.yaml");
    std::fs::write(&yaml, "- id: Y-1\n  as_of: 2026-11-01\n  score: high\n").unwrap();
    let yaml_arg = yaml.to_str().unwrap();
    let out = verdict(&["eval", "policies/lifecycle.policy", yaml_arg, bad_arg]);
    let got = messages(&out);
    assert_eq!(got.len(), 3, "{got:#?}");
    assert!(got[0].starts_with(&format!("{yaml_arg}: ")), "{got:#?}");
    assert!(got[1].starts_with(&format!("{bad_arg}: ")), "{got:#?}");

    let out = verdict(&["eval", "policies/lifecycle.policy", bad_arg]);
    let got = messages(&out);
    assert_eq!(got[0], "invalid JSON at line 1, column 32: EOF while parsing an object", "one input: unnamed");
}

/// A CSV header with several problems names them all, each with its code
/// and help, in one run; nothing is decided from the file, but each row
/// still has its record (spec §3), an error naming the header's fault, and
/// the run fails as failed snapshots do (exit 1, not 2: the policy and the
/// command line are fine).
#[test]
fn every_problem_of_a_csv_header_is_reported_at_once() {
    let book = scratch("header.csv");
    let header = "id,as_of,status,credit_limit,balanc,score,opened_on,identity,balanc,tags\n";
    let row = |id: &str| format!("{id},2026-11-01,active,1000,5,700,2020-01-01,x,5,\n");
    std::fs::write(&book, format!("{header}{}{}", row("A-1"), row("A-2"))).unwrap();
    let out = verdict(&["eval", "policies/simple.policy", book.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1), "{}", shown(&out));
    let records: Vec<serde_json::Value> =
        String::from_utf8_lossy(&out.stdout).lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(records.len(), 2, "{}", shown(&out));
    for (record, (id, line)) in records.iter().zip([("A-1", 2), ("A-2", 3)]) {
        assert_eq!(record["id"], id);
        let message = record["error"]["message"].as_str().unwrap();
        assert!(message.starts_with(&format!("line {line}: not read: CSV column `identity` is a record")), "{message}");
        assert!(message.ends_with("`balance` (is it the column `balanc` misspelt?)"), "{message}");
    }
    let errors: Vec<String> = stderr(&out)
        .lines()
        .filter(|l| l.starts_with("error[") || l.starts_with("  help:"))
        .map(|l| l.replace(book.to_str().unwrap(), "header.csv"))
        .collect();
    assert_eq!(
        errors,
        [
            "error[R005]: `header.csv`: CSV column `identity` is a record; a column holds one of its fields, such as `identity.verified`",
            "error[R006]: `header.csv`: CSV column `balanc` appears more than once",
            "error[R007]: `header.csv`: the CSV header has no column for the required field `balance`",
            "  help: is it the column `balanc` misspelt?",
        ]
    );
}

/// A folder given as an input is one that cannot be read (exit 2), said
/// once, and adds no record: a record stands for a snapshot.
#[test]
fn a_folder_given_as_an_input_is_refused_without_a_record() {
    let folder = scratch("folder.jsonl");
    std::fs::create_dir_all(&folder).unwrap();
    let out = verdict(&["eval", "policies/simple.policy", folder.to_str().unwrap(), "policies/simple-portfolio.csv"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let records = String::from_utf8_lossy(&out.stdout).lines().count();
    let rows = std::fs::read_to_string("policies/simple-portfolio.csv").unwrap().lines().count() - 1;
    assert_eq!(records, rows, "the book's records alone");
    assert!(stderr(&out).contains("it is a folder, not a file of snapshots"), "{}", stderr(&out));
    assert!(stderr(&out).contains("note: the run is incomplete (1 input could not be read)"), "{}", stderr(&out));
    let explained = verdict(&["explain", "policies/simple.policy", folder.to_str().unwrap(), "--id", "S-01"]);
    assert_eq!(explained.status.code(), Some(2), "{}", stderr(&explained));
    assert!(stderr(&explained).contains("it is a folder"), "{}", stderr(&explained));
}
