//! Splits: each account's arm from SHA-256 of `salt:value`, exactly as the
//! contract writes it, pinned against values computed independently.

mod time;

use time::{codes, decide, decide_with, load};

const LIMIT_TEST: &str = r#"
split limit_test by id salt "2026-q4" {
  champion   90%
  challenger 10%
}
rule "challenger-raise" priority 10 {
  when limit_test == "challenger" and score >= 660
  then set limit to credit_limit * 1.2
}
"#;

fn arms_of(body: &str, fields: &str) -> Vec<(String, String)> {
    decide(body, fields).arms.iter().map(|a| (a.split.to_string(), a.arm.to_string())).collect()
}

fn arm(body: &str, id: &str) -> String {
    arms_of(body, &format!(r#"{{"id":"{id}"}}"#)).remove(0).1
}

/// Hashes computed with Python's hashlib, not with this crate:
/// python3 -c "import hashlib; print(int.from_bytes(hashlib.sha256(b'2026-q4:A-1').digest()[:8], 'big'))"
#[test]
fn the_hash_is_the_first_eight_bytes_of_sha256_big_endian() {
    assert_eq!(verdict::eval::split_hash("2026-q4", b"A-1"), 14_779_140_469_815_084_168);
    assert_eq!(verdict::eval::split_hash("2026-q4", b"A-2"), 17_184_436_507_264_396_628);
    assert_eq!(verdict::eval::split_hash("s", b"-5"), 15_852_192_673_630_348_389);
}

/// for i in range(1, 21): h = int.from_bytes(hashlib.sha256(f'2026-q4:A-{i}'.encode()).digest()[:8], 'big');
///     print(i, 'challenger' if h * 100 >= 90 * 2**64 else 'champion')
#[test]
fn arms_match_an_independent_computation() {
    let challengers: Vec<usize> = (1..=20).filter(|i| arm(LIMIT_TEST, &format!("A-{i}")) == "challenger").collect();
    assert_eq!(challengers, [2, 7]);
}

/// The salt defaults to the split's name:
/// h = int.from_bytes(hashlib.sha256(f'limit_test:A-{i}'.encode()).digest()[:8], 'big'); 'b' if h * 100 >= 70 * 2**64
#[test]
fn the_salt_defaults_to_the_name() {
    let body = "split limit_test by id { a 70% b 30% }";
    let arms: String = (1..=10).map(|i| arm(body, &format!("A-{i}"))).collect();
    assert_eq!(arms, "abbaabbaba");
}

/// An int field is hashed as its decimal text:
/// [int.from_bytes(hashlib.sha256(f's:{v}'.encode()).digest()[:8], 'big') * 2 >= 2**64 for v in (700, -5, 0)]
#[test]
fn an_int_field_is_hashed_as_its_decimal_text() {
    let body = "split s by score { a 50% b 50% }";
    let arm_of = |score: i64| arms_of(body, &format!(r#"{{"score":{score}}}"#)).remove(0).1;
    assert_eq!([arm_of(700), arm_of(-5), arm_of(0)], ["b", "b", "a"]);
}

#[test]
fn a_split_is_an_enum_of_its_arms_in_conditions() {
    let d = decide(LIMIT_TEST, r#"{"id":"A-2"}"#);
    assert_eq!(d.limit.map(|l| l.to_string()), Some("12000.0".into()));
    assert!(decide(LIMIT_TEST, r#"{"id":"A-1"}"#).limit.is_none());
    let body = format!("{LIMIT_TEST}\nrule \"in\" {{ when limit_test in [\"champion\"] and limit_test != \"challenger\" then tag \"c\" }}");
    assert_eq!(decide(&body, r#"{"id":"A-1"}"#).fired.len(), 1);
    assert!(decide(&body, r#"{"id":"A-2"}"#).fired.iter().all(|f| &**f != "in"));
}

#[test]
fn every_decision_lists_every_split_in_declaration_order() {
    let body = "split b_test by id salt \"2026-q4\" { x 90% y 10% }\nsplit a_test by id { p 100% }\nrule \"r\" { when score > 0 then tag \"t\" }";
    assert_eq!(arms_of(body, r#"{"id":"A-7"}"#), [("b_test".into(), "y".into()), ("a_test".into(), "p".into())]);
    assert!(decide("rule \"r\" { when score > 0 then tag \"t\" }", "{}").arms.is_empty());
}

#[test]
fn the_trace_and_the_fast_path_agree_on_arms() {
    let policy = load(LIMIT_TEST);
    for id in ["A-1", "A-2", "A-7", "A-20"] {
        let fields = format!(r#"{{"id":"{id}"}}"#);
        let fast = decide_with(&policy, &fields, false);
        let traced = decide_with(&policy, &fields, true);
        assert_eq!(fast, verdict::eval::Decision { trace: None, ..traced });
    }
}

#[test]
fn a_misspelt_arm_is_caught_with_a_suggestion() {
    assert_eq!(codes(&LIMIT_TEST.replace("limit_test == \"challenger\"", "limit_test == \"chalenger\"")), ["E0106"]);
}

#[test]
fn weights_must_be_hundredths_summing_to_exactly_100() {
    assert_eq!(codes("split s by id { a 90% b 9.99% }"), ["E0451"]);
    assert_eq!(codes("split s by id { a 90.005% b 9.995% }"), ["E0451", "E0451"]);
    assert!(codes("split s by id { a 33.33% b 33.33% c 33.34% none_left 0% }").is_empty());
    assert_eq!(codes("split s by id { a 60% b 60% }"), ["E0451"]);
    assert_eq!(codes("split s by id { }"), ["E0453"]);
    assert_eq!(codes("split s by id { a 50% a 50% }"), ["E0453"]);
}

#[test]
fn by_is_a_required_string_or_int_field() {
    assert!(codes("split s by score { a 100% }").is_empty());
    assert_eq!(codes("split s by balance { a 100% }"), ["E0452"]);
    assert_eq!(codes("split s by appeal_open { a 100% }"), ["E0452"]);
    assert_eq!(codes("split s by status { a 100% }"), ["E0452"]);
    assert_eq!(codes("split s by nope { a 100% }"), ["E0101"]);
}

#[test]
fn split_names_are_names_like_any_other() {
    assert_eq!(codes("split score by id { a 100% }"), ["E0403"]);
    let found = codes("split s by id { a 100% }\nlet s = 1\nrule \"r\" { when s == \"a\" then tag \"x\" }");
    assert_eq!(found, ["E0403"]);
}

fn book(ids: &[&str]) -> String {
    ids.iter().map(|id| time::account(&format!(r#"{{"id":"{id}"}}"#)) + "\n").collect()
}

/// The policy, book and every output format, as a user sees them.
#[test]
fn every_output_format_lists_the_arms() {
    let dir = time::scratch("split-formats");
    time::write_policy(&dir, "p.policy", LIMIT_TEST);
    std::fs::write(dir.join("book.jsonl"), book(&["A-1", "A-2"])).unwrap();
    let mut shown = String::new();
    for format in ["jsonl", "yaml", "csv", "table"] {
        let (code, out, err) = time::verdict_in(&dir, &["eval", "p.policy", "book.jsonl", "--format", format]);
        assert_eq!(code, 0, "{err}");
        let out = out.replace(&load(LIMIT_TEST).program.fingerprint, "sha256:…");
        shown.push_str(&format!("--- {format}\n{out}"));
    }
    let shown = regex_lite_fingerprint(&shown);
    insta::assert_snapshot!(shown);
}

/// Fingerprints differ with the folder's files; the snapshot shows them elided.
fn regex_lite_fingerprint(text: &str) -> String {
    text.split("sha256:")
        .enumerate()
        .map(|(i, part)| {
            if i == 0 {
                part.to_string()
            } else {
                format!("sha256:…{}", part.trim_start_matches(|c: char| c.is_ascii_hexdigit() || c == '…'))
            }
        })
        .collect()
}

#[test]
fn the_eval_summary_breaks_outcomes_down_by_arm() {
    let dir = time::scratch("split-summary");
    time::write_policy(&dir, "p.policy", LIMIT_TEST);
    let ids: Vec<String> = (1..=20).map(|i| format!("A-{i}")).collect();
    std::fs::write(dir.join("book.jsonl"), book(&ids.iter().map(String::as_str).collect::<Vec<_>>())).unwrap();
    let (code, _, err) =
        time::verdict_in(&dir, &["eval", "p.policy", "book.jsonl", "--summary", "s.json", "--output", "out.jsonl"]);
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("  arms of limit_test: champion 18 (none 18); challenger 2 (limit 2)\n"), "{err}");
    let summary: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("s.json")).unwrap()).unwrap();
    let arms = &summary["arms"][0];
    assert_eq!(arms["split"], "limit_test");
    assert_eq!(arms["arms"][1]["arm"], "challenger");
    assert_eq!(arms["arms"][1]["decided"], 2);
    assert_eq!(arms["arms"][1]["outcomes"]["limit"], 2);
    assert_eq!(arms["arms"][0]["outcomes"]["none"], 18);
}

/// An account read but not decided still fell in an arm: a challenger
/// failing more accounts than its champion shows in the summary.
#[test]
fn the_eval_summary_counts_each_arm_s_errors() {
    let dir = time::scratch("split-summary-errors");
    let failing = format!("{LIMIT_TEST}rule \"ratio\" {{ when balance / credit_limit > 2 then tag \"over\" }}\n");
    time::write_policy(&dir, "p.policy", &failing);
    let mut lines: String =
        (1..=20).map(|i| time::account(&format!(r#"{{"id":"A-{i}","credit_limit":"0"}}"#)) + "\n").collect();
    lines.push_str("{\"id\":\"A-21\"}\n");
    std::fs::write(dir.join("book.jsonl"), lines).unwrap();
    let (code, _, err) =
        time::verdict_in(&dir, &["eval", "p.policy", "book.jsonl", "--summary", "s.json", "--output", "out.jsonl"]);
    assert_eq!(code, 1, "{err}");
    // The unreadable snapshot (A-21) has no arm: it is counted among the errors alone.
    assert!(err.contains("  arms of limit_test: champion 18 (18 errors); challenger 2 (2 errors)\n"), "{err}");
    let summary: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("s.json")).unwrap()).unwrap();
    assert_eq!(summary["arms"][0]["arms"][0]["errors"], 18);
    assert_eq!(summary["arms"][0]["arms"][1]["errors"], 2);
    assert_eq!(summary["errors"]["eval"], 20);
    assert_eq!(summary["errors"]["snapshot"], 1);

    // A limit Parquet's column cannot hold is that account's eval error
    // there, and its arm's: an unrounded third of every limit.
    let third = format!("{LIMIT_TEST}rule \"third\" {{ when score > 0 then set limit to credit_limit / 3 }}\n");
    time::write_policy(&dir, "third.policy", &third);
    let book: String =
        (1..=20).map(|i| time::account(&format!(r#"{{"id":"A-{i}","credit_limit":"1000"}}"#)) + "\n").collect();
    std::fs::write(dir.join("thirds.jsonl"), book).unwrap();
    let args = ["eval", "third.policy", "thirds.jsonl", "--format", "parquet", "--output", "out.parquet"];
    let (code, _, err) = time::verdict_in(&dir, &args);
    assert_eq!(code, 1, "{err}");
    // The challengers' raise comes first and fits.
    assert!(err.contains("  arms of limit_test: champion 18 (18 errors); challenger 2 (limit 2)\n"), "{err}");
}

#[test]
fn diff_breaks_outcomes_down_by_arm() {
    let dir = time::scratch("split-diff");
    time::write_policy(&dir, "old.policy", "rule \"r\" { when score > 900 then close notify sms \"x\" }");
    time::write_policy(&dir, "new.policy", LIMIT_TEST);
    let ids: Vec<String> = (1..=20).map(|i| format!("A-{i}")).collect();
    std::fs::write(dir.join("book.jsonl"), book(&ids.iter().map(String::as_str).collect::<Vec<_>>())).unwrap();
    let (code, out, err) = time::verdict_in(&dir, &["diff", "old.policy", "new.policy", "book.jsonl"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("By arm\n  limit_test=champion: 18 accounts, 0 changed; old none 18 → new none 18\n  limit_test=challenger: 2 accounts, 2 changed; old none 2 → new limit 2\n"), "{out}");
    let (_, json, _) = time::verdict_in(&dir, &["diff", "old.policy", "new.policy", "book.jsonl", "--format", "json"]);
    let report: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(report["arms"][1]["arm"], "challenger");
    assert_eq!(report["arms"][1]["new"]["limit"], 2);
    assert_eq!(report["arms"][1]["changed"], 2);
    let (code, _, err) =
        time::verdict_in(&dir, &["diff", "old.policy", "new.policy", "book.jsonl", "--html", "r.html"]);
    assert_eq!(code, 0, "{err}");
    let html = std::fs::read_to_string(dir.join("r.html")).unwrap();
    assert!(html.contains("<td>limit_test</td><td>challenger</td><td class=\"num\">2</td><td class=\"num\">2</td><td class=\"num\">0</td><td>none 2</td><td>limit 2</td>"), "{html}");
}

/// Weights changed, rules the same: no decision changes, but the accounts
/// that moved arm are counted in the arm they moved to.
#[test]
fn diff_counts_the_accounts_that_changed_arm() {
    let dir = time::scratch("split-moves");
    let split = |a: u32, b: u32| {
        format!("split t by id {{\n  control {a}%\n  test {b}%\n}}\nrule \"r\" {{ when score > 900 then tag \"x\" }}")
    };
    time::write_policy(&dir, "old.policy", &split(50, 50));
    time::write_policy(&dir, "new.policy", &split(10, 90));
    let ids: Vec<String> = (1..=400).map(|i| format!("A-{i}")).collect();
    std::fs::write(dir.join("book.jsonl"), book(&ids.iter().map(String::as_str).collect::<Vec<_>>())).unwrap();
    // The arms each version gives, from its own decisions.
    let arms = |policy: &str| -> Vec<String> {
        let (_, out, _) = time::verdict_in(&dir, &["eval", policy, "book.jsonl"]);
        out.lines().map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap()["arms"]["t"].to_string()).collect()
    };
    let (old, new) = (arms("old.policy"), arms("new.policy"));
    let moved_to = |arm: &str| old.iter().zip(&new).filter(|(o, n)| o != n && n.contains(arm)).count() as u64;
    let (to_control, to_test) = (moved_to("control"), moved_to("test"));
    assert!(to_test > 100, "about 40% of 400 move to test: {to_test}");
    let (code, json, err) =
        time::verdict_in(&dir, &["diff", "old.policy", "new.policy", "book.jsonl", "--format", "json"]);
    assert_eq!(code, 0, "{err}");
    let report: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(report["changed"]["total"], 0);
    assert_eq!(report["arms"][0]["moved_in"], to_control);
    assert_eq!(report["arms"][1]["moved_in"], to_test);
    let (_, text, _) = time::verdict_in(&dir, &["diff", "old.policy", "new.policy", "book.jsonl"]);
    assert!(
        text.contains(&format!(
            "  t=test: {} accounts ({to_test} from another arm), 0 changed;",
            report["arms"][1]["accounts"]
        )),
        "{text}"
    );
}

#[test]
fn test_files_may_expect_arms() {
    let dir = time::scratch("split-test-file");
    time::write_policy(&dir, "p.policy", LIMIT_TEST);
    let case = |name: &str, id: &str, arm: &str| {
        format!(
            "  - name: {name}\n    snapshot: {}\n    expect: {{arms: {{limit_test: {arm}}}}}\n",
            time::account(&format!(r#"{{"id":"{id}"}}"#))
        )
    };
    let passing =
        format!("policy: p.policy\ncases:\n{}{}", case("a2", "A-2", "challenger"), case("a1", "A-1", "champion"));
    std::fs::write(dir.join("ok.test.yaml"), passing).unwrap();
    let (code, out, err) = time::verdict_in(&dir, &["test", "ok.test.yaml"]);
    assert_eq!(code, 0, "{out}{err}");
    std::fs::write(dir.join("bad.test.yaml"), format!("policy: p.policy\ncases:\n{}", case("a1", "A-1", "challenger")))
        .unwrap();
    let (code, out, err) = time::verdict_in(&dir, &["test", "bad.test.yaml"]);
    assert_eq!(code, 1, "{out}{err}");
    assert!(format!("{out}{err}").contains("champion"), "{out}{err}");
    std::fs::write(dir.join("typo.test.yaml"), format!("policy: p.policy\ncases:\n{}", case("a1", "A-1", "chalenger")))
        .unwrap();
    let (code, out, err) = time::verdict_in(&dir, &["test", "typo.test.yaml"]);
    assert_eq!(code, 2, "{out}{err}");
    assert!(format!("{out}{err}").contains("did you mean `challenger`"), "{out}{err}");
}

#[test]
fn explain_shows_the_arms_and_what_a_rule_read() {
    let dir = time::scratch("split-explain");
    time::write_policy(&dir, "p.policy", LIMIT_TEST);
    std::fs::write(dir.join("book.jsonl"), book(&["A-1"])).unwrap();
    let (code, out, err) = time::verdict_in(&dir, &["explain", "p.policy", "book.jsonl", "--id", "A-1"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("  arms     limit_test = champion\n"), "{out}");
    assert!(
        out.contains(r#"limit_test == "challenger" → limit_test = "champion", rule needs == "challenger""#),
        "{out}"
    );
}

#[test]
fn a_split_replaced_by_a_let_of_its_name_is_one_change_in_diff() {
    // Ending a trial: every account on the champion, the rules unchanged.
    let dir = time::scratch("split-ended");
    time::write_policy(&dir, "old.policy", LIMIT_TEST);
    let ended = LIMIT_TEST.replace(
        "split limit_test by id salt \"2026-q4\" {\n  champion   90%\n  challenger 10%\n}",
        "let limit_test = \"champion\"",
    );
    assert_ne!(ended, LIMIT_TEST);
    time::write_policy(&dir, "new.policy", &ended);
    std::fs::write(dir.join("book.jsonl"), book(&["A-1", "A-2"])).unwrap();
    let (code, out, err) = time::verdict_in(&dir, &["diff", "old.policy", "new.policy", "book.jsonl"]);
    assert_eq!(code, 0, "{err}");
    let expected = "  let limit_test: changed\n    - split limit_test by id salt \"2026-q4\" { champion 90% challenger 10% }\n    + let limit_test\n";
    assert!(out.contains(expected), "{out}");
    assert!(!out.contains("limit_test: added") && !out.contains("limit_test: removed"), "{out}");
    let (_, json, _) = time::verdict_in(&dir, &["diff", "old.policy", "new.policy", "book.jsonl", "--format", "json"]);
    let report: serde_json::Value = serde_json::from_str(&json).unwrap();
    let lets: Vec<_> = report["lets"].as_array().unwrap().iter().filter(|l| l["let"] == "limit_test").collect();
    assert_eq!(lets.len(), 1, "{json}");
    assert_eq!(lets[0]["status"], "changed");
}
