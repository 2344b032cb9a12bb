//! Computed strings in actions: the stage of `escalate to`, the queue of
//! `review`, the label of `tag`, the template of `notify` and a reason's
//! code and text may be any string expression. Decisions deduplicate them as
//! literal ones; literals stay values built at load; `test`, `diff` and
//! `explain` work with them.

mod common;

use common::verdict_in;
use std::path::{Path, PathBuf};
use verdict::eval::EvalOptions;
use verdict::ir::{TAction, TText};

const SCHEMA: &str = r#"
entity: account
key: id
fields:
  id: string
  status: enum(active, frozen, closed)
  score: int
  overdue_days: int
  note: string?
"#;

const POLICY: &str = r#"policy "t" version "1"
schema "account.schema.yaml"

let tier = case
  when score >= 740 then "prime"
  else "standard"
end

rule "collect" priority 2 {
  when overdue_days > 0
  then escalate to case when overdue_days > 90 then "legal" else "call" end
       notify sms case when tier == "prime" then "gentle-reminder" else "overdue-reminder" end
       reason case when overdue_days > 30 then "C30" else "C01" end tier
       tag tier
       review status
}

rule "again" priority 1 {
  when overdue_days > 0
  then tag tier
       reason "C01" "already given"
       escalate to "call"
}
"#;

fn dir_with(policy: &str) -> PathBuf {
    static N: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let n = N.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let dir = std::env::temp_dir().join(format!("verdict-action-text-{}-{n}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("account.schema.yaml"), SCHEMA).unwrap();
    std::fs::write(dir.join("t.policy"), policy).unwrap();
    std::fs::write(
        dir.join("book.jsonl"),
        concat!(
            r#"{"id":"A","as_of":"2026-11-01","status":"active","score":750,"overdue_days":12}"#,
            "\n",
            r#"{"id":"B","as_of":"2026-11-01","status":"frozen","score":600,"overdue_days":120}"#,
            "\n",
            r#"{"id":"C","as_of":"2026-11-01","status":"active","score":600,"overdue_days":0}"#,
            "\n"
        ),
    )
    .unwrap();
    dir
}

fn decisions(dir: &Path) -> Vec<serde_json::Value> {
    let (code, out, err) = verdict_in(dir, &["eval", "t.policy", "book.jsonl"]);
    assert_eq!(code, 0, "{err}");
    out.lines().map(|l| serde_json::from_str(l).unwrap()).collect()
}

#[test]
fn computed_strings_decide_and_deduplicate_like_literals() {
    let d = decisions(&dir_with(POLICY));
    assert_eq!(
        d[0]["actions"],
        serde_json::json!([
            {"escalate": "call", "rule": "collect"},
            {"notify": "sms", "template": "gentle-reminder", "rule": "collect"},
            {"tag": "prime", "rule": "collect"},
            {"review": "active", "rule": "collect"},
        ]),
        "the later tag \"prime\" and escalate \"call\" of `again` are equal but for their rule"
    );
    assert_eq!(d[0]["reasons"], serde_json::json!([{"code": "C01", "text": "prime", "rule": "collect"}]));
    assert_eq!(
        d[1]["actions"],
        serde_json::json!([
            {"escalate": "legal", "rule": "collect"},
            {"notify": "sms", "template": "overdue-reminder", "rule": "collect"},
            {"tag": "standard", "rule": "collect"},
            {"review": "frozen", "rule": "collect"},
            {"escalate": "call", "rule": "again"},
        ])
    );
    assert_eq!(
        d[1]["reasons"],
        serde_json::json!([
            {"code": "C30", "text": "standard", "rule": "collect"},
            {"code": "C01", "text": "already given", "rule": "again"},
        ])
    );
    assert_eq!(d[2]["actions"], serde_json::json!([]));
}

#[test]
fn literals_stay_values_built_at_load_and_only_computed_ones_are_expressions() {
    let dir = dir_with(POLICY);
    let policy = verdict::load_policy(&dir.join("t.policy")).unwrap();
    let again = policy.program.rules.iter().find(|r| &*r.name == "again").unwrap();
    assert!(again.actions.iter().all(|a| match a {
        TAction::Tag(t) => matches!(t, TText::Expr(_)),
        TAction::Reason(code, text) => code.literal().is_some() && text.as_ref().is_some_and(|t| t.literal().is_some()),
        TAction::Escalate(t) => t.literal().is_some(),
        _ => true,
    }));
    // Lowered and traced decide alike.
    let line = r#"{"id":"B","as_of":"2026-11-01","status":"frozen","score":600,"overdue_days":120}"#;
    let snapshot = verdict::snapshot::parse_json_snapshot(line, &policy.program.schema).unwrap();
    let fast = verdict::evaluate(&policy.program, &snapshot, EvalOptions::default()).unwrap();
    let traced =
        verdict::evaluate(&policy.program, &snapshot, EvalOptions { trace: true, ..Default::default() }).unwrap();
    assert_eq!(fast, verdict::eval::Decision { trace: None, ..traced });
}

#[test]
fn an_actions_string_must_be_a_present_string() {
    for (action, code) in [("tag score", "E0102"), ("review note", "E0103"), ("notify sms overdue_days > 1", "E0102")] {
        let dir = dir_with(&POLICY.replace("tag tier\n       review status", action));
        let (exit, _, err) = verdict_in(&dir, &["check", "t.policy"]);
        assert_eq!(exit, 2, "{action}: {err}");
        assert!(err.contains(&format!("[{code}]")), "{action}: {err}");
    }
}

#[test]
fn tests_diff_and_explain_work_with_computed_strings() {
    let dir = dir_with(POLICY);
    std::fs::write(
        dir.join("t.test.yaml"),
        "policy: t.policy\nas_of: 2026-11-01\ncases:\n  - name: computed\n    snapshot: {id: B, status: frozen, score: 600, overdue_days: 120}\n    expect:\n      reasons: [C30, C01]\n      actions:\n        - {escalate: legal}\n        - {notify: sms, template: overdue-reminder}\n        - {tag: standard}\n        - {review: frozen}\n        - {escalate: call}\n",
    )
    .unwrap();
    let (code, out, err) = verdict_in(&dir, &["test", "t.test.yaml", "--coverage"]);
    assert_eq!(code, 0, "{out}{err}");
    std::fs::write(dir.join("new.policy"), POLICY.replace("\"gentle-reminder\"", "\"prime-reminder\"")).unwrap();
    let (code, out, err) = verdict_in(&dir, &["diff", "t.policy", "new.policy", "book.jsonl", "--html", "r.html"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("collect  changed: actions") && out.contains("A  none  →  none  actions"), "{out}");
    let html = std::fs::read_to_string(dir.join("r.html")).unwrap();
    assert!(html.contains("collect"), "the HTML report names the changed rule");
    let (code, out, err) = verdict_in(&dir, &["explain", "t.policy", "book.jsonl", "--id", "B"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("escalate to \"legal\"") || out.contains("legal"), "{out}");
    assert!(out.contains("took else") && !out.contains("took when score >= 740"), "{out}");
}
