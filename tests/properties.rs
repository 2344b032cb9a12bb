//! Properties over generated portfolios: whatever mix of good and broken
//! snapshots comes in, exactly one record comes out per snapshot, in input
//! order (snapshots over the maximum size included), and the number of worker
//! threads never changes a byte.

use proptest::prelude::*;
use std::io::Write;
use std::process::{Command, Stdio};

/// One generated input line and what it must produce.
#[derive(Clone, Debug)]
enum Line {
    Good {
        id: String,
        json: String,
    },
    /// Valid JSON that does not fit the schema; its id is still readable.
    Misfit {
        id: String,
        json: String,
    },
    /// Not JSON at all.
    Garbage(String),
    /// A good account over the maximum snapshot size ([`MAX`]): skipped unread.
    Oversize(String),
}

/// `--max-snapshot-bytes` in every run: well above any generated good line.
const MAX: &str = "2000";

impl Line {
    fn text(&self) -> &str {
        match self {
            Line::Good { json, .. } | Line::Misfit { json, .. } => json,
            Line::Garbage(g) | Line::Oversize(g) => g,
        }
    }
    fn expected_id(&self) -> serde_json::Value {
        match self {
            Line::Good { id, .. } | Line::Misfit { id, .. } => id.clone().into(),
            Line::Garbage(_) => serde_json::Value::Null,
            // Read from the line's start, which names it first.
            Line::Oversize(json) => serde_json::from_str::<serde_json::Value>(json).unwrap()["id"].clone(),
        }
    }
}

fn account(id: u32, score: i64, limit: &str, overdue_days: &[i64]) -> serde_json::Value {
    let overdues: Vec<serde_json::Value> = overdue_days
        .iter()
        .enumerate()
        .map(
            |(i, d)| serde_json::json!({"due_on": format!("2026-{:02}-15", 1 + i % 10), "days": d, "amount": "120.50"}),
        )
        .collect();
    serde_json::json!({
        "id": format!("P-{id}"), "as_of": "2026-11-01", "status": "active",
        "credit_limit": limit, "balance": "2500.00", "score": score, "opened_on": "2023-03-31",
        "identity": {"verified": score % 7 != 0, "mismatch_fields": []},
        "tags": [], "score_history": [{"scored_on": "2026-09-30", "value": score + 120}],
        "overdues": overdues, "applications": []
    })
}

fn line_strategy() -> impl Strategy<Value = Line> {
    let good = (
        0u32..1_000_000,
        300i64..850,
        prop::sample::select(vec!["0", "1000", "10000.625", "49999.99"]),
        prop::collection::vec(0i64..200, 0..5),
    )
        .prop_map(|(id, score, limit, days)| Line::Good {
            id: format!("P-{id}"),
            json: account(id, score, limit, &days).to_string(),
        });
    let misfit = (0u32..1_000_000, prop::sample::select(vec!["score", "opened_on", "identity", "credit_limit"]))
        .prop_map(|(id, field)| {
            let mut a = account(id, 700, "1000", &[]);
            a[field] = serde_json::json!("not-a-valid-value");
            Line::Misfit { id: format!("P-{id}"), json: a.to_string() }
        });
    let garbage = "[a-z{}\\[\\]:,\"0-9 ]{1,40}"
        .prop_filter("not valid JSON", |s| {
            serde_json::from_str::<serde_json::Value>(s).is_err() && !s.trim().is_empty()
        })
        .prop_map(Line::Garbage);
    let oversize = (0u32..1_000_000, 2000usize..6000).prop_map(|(id, length)| {
        let mut a = account(id, 700, "1000", &[]);
        a["note"] = serde_json::json!("n".repeat(length));
        Line::Oversize(a.to_string())
    });
    prop_oneof![6 => good, 2 => misfit, 1 => garbage, 1 => oversize]
}

fn run(args: &[&str], input: &str) -> (i32, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_verdict"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let input = input.to_string();
    let writer = std::thread::spawn(move || stdin.write_all(input.as_bytes()));
    let out = child.wait_with_output().unwrap();
    writer.join().unwrap().unwrap();
    (out.status.code().unwrap_or(-1), String::from_utf8(out.stdout).unwrap())
}

/// The exit code a run of the example policy must end with: 3 when its guards
/// (`close at most 20%`, `freeze at most 5000`) are breached, else 1 when a
/// record is an error, else 0.
fn expected_exit_code(records: &[serde_json::Value]) -> i32 {
    let decided = records.iter().filter(|r| r.get("error").is_none()).count();
    let with = |outcome: &str| records.iter().filter(|r| r["outcome"] == outcome).count();
    let breached = with("close") * 100 > 20 * decided || with("freeze") > 5000;
    if breached {
        3
    } else if decided < records.len() {
        1
    } else {
        0
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    #[test]
    fn one_record_per_snapshot_in_input_order(lines in prop::collection::vec(line_strategy(), 1..120)) {
        let input: String = lines.iter().map(|l| format!("{}\n", l.text())).collect();
        let (code, stdout) = run(&["eval", "policies/lifecycle.policy", "--jobs", "2", "--max-snapshot-bytes", MAX], &input);
        let records: Vec<serde_json::Value> = stdout.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
        prop_assert_eq!(records.len(), lines.len());
        for (line, record) in lines.iter().zip(&records) {
            prop_assert_eq!(&record["id"], &line.expected_id());
            let is_error = record.get("error").is_some();
            match line {
                // A good account is decided: the example policy guards every division and its hook cannot fail on these values.
                Line::Good { .. } => prop_assert!(!is_error, "{record}"),
                Line::Misfit { .. } | Line::Garbage(_) | Line::Oversize(_) => {
                    prop_assert_eq!(&record["error"]["kind"], "snapshot")
                }
            }
        }
        prop_assert_eq!(code, expected_exit_code(&records), "exit code");
    }

    #[test]
    fn worker_count_never_changes_a_byte(lines in prop::collection::vec(line_strategy(), 1..300)) {
        let input: String = lines.iter().map(|l| format!("{}\n", l.text())).collect();
        let one = run(&["eval", "policies/lifecycle.policy", "--jobs", "1", "--trace", "--max-snapshot-bytes", MAX], &input);
        let two = run(&["eval", "policies/lifecycle.policy", "--jobs", "2", "--trace", "--max-snapshot-bytes", MAX], &input);
        prop_assert_eq!(one, two);
    }
}
