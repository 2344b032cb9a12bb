//! A list field given whole to a hook (`hook h(overdues: list) -> ...`,
//! spec §4: "sets and lists arrays (records as maps)"): what the script
//! sees, the decisions it makes, traces, and the sandbox's size limit.

mod common;

use common::{temp_folder, verdict_in};
use serde_json::Value;
use std::path::{Path, PathBuf};

fn folder() -> PathBuf {
    common::repo_root().join("tests/data/hook_lists")
}

fn lines(stdout: &str) -> Vec<Value> {
    stdout.lines().map(|l| serde_json::from_str(l).expect("a JSON line")).collect()
}

fn without_trace(mut d: Value) -> Value {
    if let Some(m) = d.as_object_mut() {
        m.remove("trace");
    }
    d
}

#[test]
fn the_script_sees_each_element_as_a_map_of_the_schemas_fields() {
    let (code, stdout, _) = verdict_in(&folder(), &["eval", "lists.policy", "book.jsonl", "--trace"]);
    assert_eq!(code, 0);
    let decisions = lines(&stdout);
    let hooks = &decisions[0]["trace"]["hooks"];
    let shown = hooks.as_array().unwrap().iter().find(|h| h["hook"] == "shown").expect("shown was called");
    // Oldest first by the list's time key (the snapshot gives them newest
    // first); dates as text, money exact, `none` as `()`, enum members by
    // name, sets as arrays, nested records as maps, and the prohibited
    // `collector` left out of the map.
    assert_eq!(
        shown["printed"][0],
        "2026-03-01|10|0.05||app|[]|true|false|1|;2026-05-01|60|100.10||branch|[\"a\", \"b\"]|false|false|3|0.015;"
    );
    assert_eq!(shown["args"], serde_json::json!([{"records": 2}]));
    assert_eq!(shown["result"], 2);
}

#[test]
fn decisions_over_lists_are_exact_and_the_same_traced_or_not() {
    let (code, plain, _) = verdict_in(&folder(), &["eval", "lists.policy", "book.jsonl"]);
    assert_eq!(code, 0);
    let plain = lines(&plain);
    // 100.10 unrepaid (the repaid 0.05 left out) is over 100: exact money.
    assert_eq!(plain[0]["outcome"], "restrict");
    assert_eq!(plain[0]["fired"], serde_json::json!(["owes", "counted"]));
    assert_eq!(plain[1]["outcome"], "none");
    assert_eq!(plain[1]["fired"], serde_json::json!([]));
    let (_, traced, _) = verdict_in(&folder(), &["eval", "lists.policy", "book.jsonl", "--trace"]);
    let traced: Vec<Value> = lines(&traced).into_iter().map(without_trace).collect();
    assert_eq!(traced, plain, "the traced interpreter and the lowered code agree");
}

#[test]
fn explain_shows_how_many_records_a_hook_was_given_and_what_it_printed() {
    let (code, stdout, _) = verdict_in(&folder(), &["explain", "lists.policy", "book.jsonl", "--id", "A-1"]);
    assert_eq!(code, 0);
    assert!(stdout.contains("unrepaid(overdues = 2 records) → 100.1"), "{stdout}");
    assert!(stdout.contains("counted(overdues = 2 records, applications = 1 record) → 2001"), "{stdout}");
    // What a script prints is shown under its call.
    assert!(stdout.contains("  shown(overdues = 2 records) → 2\n      printed: 2026-03-01|10|0.05||app|"), "{stdout}");
    let (_, stdout, _) = verdict_in(&folder(), &["explain", "lists.policy", "book.jsonl", "--id", "A-2"]);
    assert!(stdout.contains("unrepaid(overdues = 0 records) → 0"), "{stdout}");
}

/// A book of one account with `n` applications, then a small one.
fn book_with_applications(dir: &Path, n: usize) -> PathBuf {
    let applications = vec![r#"{"at":"2026-10-30"}"#; n].join(",");
    let big = format!(r#"{{"id":"BIG","as_of":"2026-11-01","score":1,"overdues":[],"applications":[{applications}]}}"#);
    let small = r#"{"id":"SMALL","as_of":"2026-11-01","score":1,"overdues":[],"applications":[]}"#;
    let path = dir.join("book.jsonl");
    std::fs::write(&path, format!("{big}\n{small}\n")).unwrap();
    path
}

#[test]
fn a_list_larger_than_a_script_may_hold_fails_that_account_alone() {
    let dir = temp_folder("hook-lists", "too-large");
    for file in ["account.schema.yaml", "lists.policy"] {
        std::fs::copy(folder().join(file), dir.join(file)).unwrap();
    }
    std::fs::create_dir_all(dir.join("hooks")).unwrap();
    std::fs::copy(folder().join("hooks/lists.rhai"), dir.join("hooks/lists.rhai")).unwrap();
    let refused = |n: usize| {
        book_with_applications(&dir, n);
        let (code, stdout, _) = verdict_in(&dir, &["eval", "lists.policy", "book.jsonl"]);
        let records = lines(&stdout);
        assert_eq!(records.len(), 2, "one record per snapshot");
        assert_eq!(records[1]["id"], "SMALL");
        assert_eq!(records[1]["outcome"], "none", "the next account is decided");
        match records[0]["error"]["message"].as_str() {
            Some(message) => {
                assert_eq!((code, &records[0]["id"], &records[0]["error"]["kind"]), (1, &"BIG".into(), &"hook".into()));
                Some(message.to_string())
            }
            None => {
                assert_eq!(code, 0);
                None
            }
        }
    };
    // Past rhai's array limit: refused before the array is built.
    let message = refused(verdict::hooks::MAX_ARRAY_SIZE + 1).expect("refused");
    assert!(message.contains("a list of 10001 records is more than a script may hold"), "{message}");
    // Each element's date is 10 bytes of text, and rhai counts every string of
    // the argument against its 64 KiB: 6,553 elements fit, 6,554 do not.
    assert_eq!(refused(6553), None);
    let message = refused(6554).expect("refused");
    assert!(message.contains("it makes at least 6554 items, 6554 entries, 65540 bytes"), "{message}");
}
