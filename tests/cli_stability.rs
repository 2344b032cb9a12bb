//! `verdict stability POLICY BASELINE CURRENT` from the outside: the PSI of a
//! shifted portfolio is flagged, an unchanged one is stable, and the exit codes.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const SCHEMA: &str = "entity: account\nkey: id\nfields:\n  id: string\n  score: int\n  status: enum(active, frozen)\n";

const POLICY: &str = r#"policy "stability" version "1"
schema "account.schema.yaml"
let behaviour = scorecard base 600 {
  score "S01" "Score" {
    < 600      => -20
    [600, 700) => 0
    >= 700     => 25
  }
  status "ST1" "Status" {
    "active" => 10
    "frozen" => -30
  }
}
rule "r" { when behaviour < 0 then tag "x" }
"#;

/// A folder of the test's own: tests run in parallel threads, and one
/// rewriting `p.policy` while another's `verdict` reads it made a failure
/// that came and went.
fn dir(test: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("cli-stability-{}-{test}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("account.schema.yaml"), SCHEMA).unwrap();
    std::fs::write(dir.join("p.policy"), POLICY).unwrap();
    dir
}

/// A portfolio of `n` accounts with scores spread evenly from `low` (step 3), the first `frozen` of them frozen.
fn portfolio(dir: &Path, name: &str, n: usize, low: usize, frozen: usize) -> PathBuf {
    let mut text = String::new();
    for i in 0..n {
        let status = if i < frozen { "frozen" } else { "active" };
        text.push_str(&format!(
            "{{\"id\":\"A{i}\",\"as_of\":\"2026-11-01\",\"score\":{},\"status\":\"{status}\"}}\n",
            low + 3 * i
        ));
    }
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

fn verdict(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_verdict")).args(args).current_dir(dir).env("NO_COLOR", "1").output().unwrap()
}

fn json(out: &Output) -> serde_json::Value {
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn the_same_portfolio_is_stable() {
    let dir = dir("the_same_portfolio_is_stable");
    portfolio(&dir, "same.jsonl", 100, 500, 10);
    let out = verdict(&dir, &["stability", "p.policy", "same.jsonl", "same.jsonl", "--format", "json"]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let report = json(&out);
    let card = &report["scorecards"][0];
    assert_eq!(card["name"], "behaviour");
    assert_eq!(card["psi"]["value"], "0");
    assert_eq!(card["psi"]["flag"], "stable");
    assert_eq!(card["characteristics"][1]["code"], "ST1");
    assert_eq!(card["characteristics"][1]["csi"]["bins"][1]["bin"], "\"frozen\"");
    assert_eq!(card["characteristics"][1]["csi"]["bins"][1]["baseline"], 10);
}

#[test]
fn a_shifted_portfolio_is_flagged() {
    let dir = dir("a_shifted_portfolio_is_flagged");
    portfolio(&dir, "base.jsonl", 100, 500, 10);
    // Scores 150 lower, and four times as many frozen accounts.
    portfolio(&dir, "low.jsonl", 100, 350, 40);
    let out = verdict(&dir, &["stability", "p.policy", "base.jsonl", "low.jsonl", "--format", "json"]);
    assert_eq!(out.status.code(), Some(0));
    let report = json(&out);
    let card = &report["scorecards"][0];
    assert_eq!(card["psi"]["flag"], "shift");
    assert_eq!(card["characteristics"][1]["csi"]["flag"], "shift");
    // The status CSI by hand: (0.4 - 0.1) ln 4 + (0.6 - 0.9) ln(2/3) = 0.5375...
    assert_eq!(card["characteristics"][1]["csi"]["value"], "0.5375");
    let text = verdict(&dir, &["stability", "p.policy", "base.jsonl", "low.jsonl"]);
    let shown = String::from_utf8_lossy(&text.stdout);
    assert!(shown.contains("scorecard behaviour: PSI"), "{shown}");
    assert!(shown.contains("SHIFT (>= 0.25)"), "{shown}");
}

#[test]
fn a_long_characteristic_keeps_its_csi_in_the_column() {
    let dir = dir("a_long_characteristic_keeps_its_csi_in_the_column");
    let long = "installment_rate_in_percentage_of_disposable_income";
    let schema = format!("{SCHEMA}  {long}: int\n");
    std::fs::write(dir.join("account.schema.yaml"), schema).unwrap();
    // A reason code wider than six columns (Chinese takes two a character).
    let policy =
        POLICY.replace("  status \"ST1\"", &format!("  {long} \"收入占比L01\" {{ _ => 0 }}\n  status \"ST1\""));
    std::fs::write(dir.join("p.policy"), policy).unwrap();
    let book: String = (0..20)
        .map(|i| {
            format!(
                "{{\"id\":\"A{i}\",\"as_of\":\"2026-11-01\",\"score\":{},\"status\":\"active\",\"{long}\":3}}\n",
                500 + 9 * i
            )
        })
        .collect();
    std::fs::write(dir.join("book.jsonl"), book).unwrap();
    let out = verdict(&dir, &["stability", "p.policy", "book.jsonl", "book.jsonl"]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let shown = String::from_utf8_lossy(&out.stdout);
    // In display columns: where a terminal shows the CSI.
    let column = |code: &str| {
        let line = shown.lines().find(|l| l.trim_start().starts_with(code)).unwrap();
        let at = line.find("0 ").unwrap_or_else(|| panic!("{line}"));
        unicode_width::UnicodeWidthStr::width(&line[..at])
    };
    assert_eq!(column("S01"), column("收入占比L01"), "{shown}");
    assert_eq!(column("ST1"), column("收入占比L01"), "{shown}");
    // And by name: the input column starts after the widest code.
    let input = |code: &str| {
        let line = shown.lines().find(|l| l.trim_start().starts_with(code)).unwrap();
        let at = line.find(|c: char| c.is_ascii_lowercase()).unwrap_or_else(|| panic!("{line}"));
        unicode_width::UnicodeWidthStr::width(&line[..at])
    };
    assert_eq!(input("S01"), input("收入占比L01"), "{shown}");
}

#[test]
fn exit_codes() {
    let dir = dir("exit_codes");
    portfolio(&dir, "base.jsonl", 20, 500, 2);
    std::fs::write(
        dir.join("broken.jsonl"),
        "{\"id\":\"A1\",\"as_of\":\"2026-11-01\",\"score\":600,\"status\":\"active\"}\n{\"id\":\n",
    )
    .unwrap();
    let out = verdict(&dir, &["stability", "p.policy", "base.jsonl", "broken.jsonl"]);
    assert_eq!(out.status.code(), Some(1), "a snapshot that cannot be scored");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("1 of the current snapshots could not be scored: left out of the index (the first: "),
        "{stderr}"
    );
    assert!(String::from_utf8_lossy(&out.stdout)
        .starts_with("baseline 20 accounts, current 1 account (1 left out: not scored)"));
    // Why, and how many, for a program too.
    std::fs::write(dir.join("no-as-of.jsonl"), "{\"id\":\"A9\",\"score\":600,\"status\":\"active\"}\n").unwrap();
    let out = verdict(&dir, &["stability", "p.policy", "base.jsonl", "no-as-of.jsonl", "--format", "json"]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("(the first: A9: the snapshot has no `as_of`"), "{stderr}");
    let report = json(&out);
    assert_eq!((report["current_accounts"].as_u64(), report["current_unscored"].as_u64()), (Some(0), Some(1)));
    assert_eq!(report["baseline_unscored"], 0);
    assert!(report["scorecards"][0]["psi"].is_null());
    let out = verdict(&dir, &["stability", "p.policy", "base.jsonl", "missing.jsonl"]);
    assert_eq!(out.status.code(), Some(2), "a missing portfolio");
    // A portfolio whose reading stops part-way (here a folder) is no
    // population to compare: refused, not reported short.
    std::fs::create_dir_all(dir.join("folder.jsonl")).unwrap();
    let out = verdict(&dir, &["stability", "p.policy", "base.jsonl", "folder.jsonl"]);
    assert_eq!(out.status.code(), Some(2), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stderr).contains("cannot read `folder.jsonl`"));
    assert!(out.stdout.is_empty(), "no report of a population read in part");
    std::fs::write(
        dir.join("bad.policy"),
        "policy \"x\"\nschema \"account.schema.yaml\"\nrule \"r\" { when nope then close }\n",
    )
    .unwrap();
    let out = verdict(&dir, &["stability", "bad.policy", "base.jsonl", "base.jsonl"]);
    assert_eq!(out.status.code(), Some(2), "a policy that does not compile");
    std::fs::write(
        dir.join("plain.policy"),
        "policy \"x\"\nschema \"account.schema.yaml\"\nrule \"r\" { when score < 0 then tag \"x\" }\n",
    )
    .unwrap();
    let out = verdict(&dir, &["stability", "plain.policy", "base.jsonl", "base.jsonl"]);
    assert_eq!(out.status.code(), Some(2), "a policy without a scorecard");
    assert!(String::from_utf8_lossy(&out.stderr).contains("declares no scorecard"));
}

/// Two empty books compare nothing: the run says so and fails (exit 2, an
/// input it cannot work on) rather than printing a report that reads as
/// stable and exiting 0.
#[test]
fn an_empty_portfolio_is_refused_not_reported_stable() {
    let dir = dir("empty");
    portfolio(&dir, "base.jsonl", 20, 500, 2);
    std::fs::write(dir.join("empty.jsonl"), "").unwrap();
    std::fs::write(dir.join("blank.jsonl"), "\n\n").unwrap();
    let out = verdict(&dir, &["stability", "p.policy", "empty.jsonl", "blank.jsonl"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty(), "no report of nothing");
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "error: the baseline portfolio `empty.jsonl` holds no snapshots: a stability index compares two populations, \
         so nothing was compared\nerror: the current portfolio `blank.jsonl` holds no snapshots: a stability index \
         compares two populations, so nothing was compared\n"
    );
    let out = verdict(&dir, &["stability", "p.policy", "base.jsonl", "empty.jsonl"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("the current portfolio `empty.jsonl` holds no snapshots"));
}

/// A portfolio may come on standard input, or under a name that does not
/// say its format, as in `eval` and `diff`: `--input-format` says it.
#[test]
fn a_portfolio_on_standard_input_or_of_any_name() {
    let dir = dir("a_portfolio_on_standard_input_or_of_any_name");
    let baseline = portfolio(&dir, "base.jsonl", 100, 500, 10);
    std::fs::copy(&baseline, dir.join("current.txt")).unwrap();
    // The baseline compared with itself, piped in: stable, PSI 0.
    let piped_in = |args: &[&str]| {
        let out = Command::new(env!("CARGO_BIN_EXE_verdict"))
            .args(["stability", "p.policy"])
            .args(args)
            .args(["--format", "json"])
            .current_dir(&dir)
            .stdin(std::fs::File::open(&baseline).unwrap())
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
        assert_eq!(json(&out)["scorecards"][0]["psi"]["value"], "0", "{args:?}");
    };
    piped_in(&["base.jsonl", "-"]);
    let unnamed = verdict(&dir, &["stability", "p.policy", "base.jsonl", "current.txt"]);
    assert_eq!(unnamed.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&unnamed.stderr).contains("use --input-format"), "{unnamed:?}");
    let told = verdict(&dir, &["stability", "p.policy", "base.jsonl", "current.txt", "--input-format", "jsonl"]);
    assert_eq!(told.status.code(), Some(0), "{}", String::from_utf8_lossy(&told.stderr));
    // `--input-format` names standard input's format, not a named file's.
    let csv: String = std::iter::once("id,as_of,score,status\n".to_string())
        .chain(
            (0..100).map(|i| format!("A{i},2026-11-01,{},{}\n", 500 + 3 * i, if i < 10 { "frozen" } else { "active" })),
        )
        .collect();
    std::fs::write(dir.join("base.csv"), csv).unwrap();
    piped_in(&["base.csv", "-", "--input-format", "jsonl"]);
    // Standard input can be read once: both portfolios from it are refused.
    let twice = verdict(&dir, &["stability", "p.policy", "-", "-"]);
    assert_eq!(twice.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&twice.stderr).contains("named more than once"), "{twice:?}");
}
