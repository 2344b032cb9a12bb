//! Admission: an application policy (`entity: application`) decides with
//! approve, refer and decline (`decline > refer > approve > none`); the limit
//! set is the initial limit of an approved application, null otherwise. The
//! example policy is `tests/fixtures/valid/admission.policy` over
//! `tests/fixtures/applications.jsonl`.

mod time;

use std::path::Path;
use time::verdict_in;

const FIXTURES: &str = "tests/fixtures";

fn eval(args: &[&str]) -> (i32, String, String) {
    let mut all = vec!["eval", "valid/admission.policy", "applications.jsonl"];
    all.extend_from_slice(args);
    verdict_in(Path::new(FIXTURES), &all)
}

/// Decisions worked out by hand before the engine ran:
/// AP-1 prime (score 720, debt 4000 / income 36000 a year) → approve, limit min(5000, 9000);
/// AP-2 on a watchlist → decline, limit null although `limit-hint` set one;
/// AP-3 under 18 and a thin file → decline beats refer;
/// AP-4 score 540 → refer; AP-5 only `limit-hint` fired → none, limit null;
/// AP-6 challenger arm at 680 → approve, limit min(8000, 5000); AP-7 champion at 680 → none.
#[test]
fn the_example_decides_as_worked_out_by_hand() {
    let (code, out, err) = eval(&[]);
    assert_eq!(code, 0, "{err}");
    let decisions: Vec<serde_json::Value> = out.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    let brief: Vec<String> = decisions
        .iter()
        .map(|d| format!("{} {} {} {}", d["id"], d["outcome"], d["limit"], d["arms"]["admission_test"]))
        .collect();
    assert_eq!(
        brief,
        [
            r#""AP-1" "approve" "5000" "champion""#,
            r#""AP-2" "decline" null "challenger""#,
            r#""AP-3" "decline" null "champion""#,
            r#""AP-4" "refer" null "champion""#,
            r#""AP-5" "none" null "challenger""#,
            r#""AP-6" "approve" "5000" "challenger""#,
            r#""AP-7" "none" null "champion""#,
        ]
    );
    let yaml =
        verdict_in(Path::new(FIXTURES), &["eval", "valid/admission.policy", "applications.jsonl", "--format", "yaml"])
            .1;
    let fingerprint = decisions[0]["policy"]["fingerprint"].as_str().unwrap().to_string();
    insta::assert_snapshot!(yaml.replace(&fingerprint, "sha256:…"));
}

#[test]
fn the_summary_and_guards_count_admission_outcomes() {
    let dir = time::scratch("admission-summary");
    let summary = dir.join("s.json");
    let (code, _, err) =
        eval(&["--summary", summary.to_str().unwrap(), "--output", dir.join("o.jsonl").to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("7 decided (decline 2, refer 1, approve 2, none 2)"), "{err}");
    assert!(err.contains("guard `decline at most 60%`: 2 of 7 decisions are `decline` (bound 4.2): ok"), "{err}");
    let s: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(summary).unwrap()).unwrap();
    assert_eq!(s["outcomes"], serde_json::json!({"decline": 2, "refer": 1, "approve": 2, "none": 2}));
}

#[test]
fn a_breached_admission_guard_exits_3() {
    let dir = time::scratch("admission-guard");
    let text = std::fs::read_to_string("tests/fixtures/valid/admission.policy").unwrap();
    let text =
        text.replace("guard decline at most 60%", "guard decline at most 1").replace("../application", "application");
    std::fs::copy("tests/fixtures/application.schema.yaml", dir.join("application.schema.yaml")).unwrap();
    std::fs::copy("tests/fixtures/applications.jsonl", dir.join("applications.jsonl")).unwrap();
    std::fs::write(dir.join("p.policy"), text).unwrap();
    let (code, _, err) = verdict_in(&dir, &["eval", "p.policy", "applications.jsonl", "--output", "o.jsonl"]);
    assert_eq!(code, 3, "{err}");
    assert!(err.contains("guard breached: `guard decline at most 1`: 2 of 7 decisions are `decline`"), "{err}");
}

#[test]
fn diff_and_tests_work_on_applications() {
    let (dir, text) = time::admission_scratch("admission-diff");
    std::fs::write(dir.join("old.policy"), &text).unwrap();
    std::fs::write(dir.join("new.policy"), text.replace("bureau_score < 560", "bureau_score < 600")).unwrap();
    let (code, out, err) =
        verdict_in(&dir, &["diff", "old.policy", "new.policy", "applications.jsonl", "--format", "json"]);
    assert_eq!(code, 0, "{err}");
    let report: serde_json::Value = serde_json::from_str(&out).unwrap();
    let rows: Vec<&str> = report["matrix"].as_array().unwrap().iter().map(|r| r["old"].as_str().unwrap()).collect();
    assert_eq!(rows, ["decline", "refer", "approve", "none", "error"]);
    // AP-5 (score 620) stays `none`; nothing moves below 600 but AP-4, already referred.
    assert_eq!(report["summary"]["changed"], 0);
    let test = "policy: old.policy\nas_of: 2026-11-01\ncases:\n  - name: a watchlisted applicant is declined\n    snapshot: {application_id: T-1, customer_id: C-2, applied_on: 2026-11-01, requested_limit: '5000', monthly_income: '3000', age: 35, bureau_score: 720, existing_debt: '0', employment: employed, on_watchlist: true}\n    expect: {outcome: decline, limit: null, reasons: [AD01], arms: {admission_test: challenger}}\n";
    std::fs::write(dir.join("a.test.yaml"), test).unwrap();
    let (code, out, err) = verdict_in(&dir, &["test", "a.test.yaml"]);
    assert_eq!(code, 0, "{out}{err}");
}

#[test]
fn account_actions_and_admission_actions_stay_in_their_policies() {
    let account = |body: &str| time::codes(body);
    assert_eq!(account(r#"rule "r" { when score < 500 then approve }"#), ["E0455"]);
    assert_eq!(account("guard refer at most 3\nrule \"r\" { when score < 500 then tag \"x\" }"), ["E0455"]);
    let application = |body: &str| {
        let text = format!("policy \"t\" version \"1\"\nschema \"../application.schema.yaml\"\n{body}\n");
        match verdict::load_policy_source(Path::new("tests/fixtures/valid/t.policy"), &text) {
            Ok(p) => p.warnings.iter().map(|d| d.code).collect::<Vec<_>>(),
            Err(e) => e.diagnostics.iter().map(|d| d.code).collect(),
        }
    };
    for action in ["close", "freeze", "restrict for 30 days", "reinstate"] {
        assert_eq!(application(&format!("rule \"r\" {{ when age < 18 then {action} }}")), ["E0454"], "{action}");
    }
    assert_eq!(application("guard limit at most 3\nrule \"r\" { when age < 18 then decline }"), ["E0454"]);
    assert_eq!(application("rule \"r\" { when age < 18 then decline refer }"), ["E0405"]);
    assert!(application(
        "rule \"r\" { when age < 18 then decline }\nrule \"s\" { when age > 30 then set limit to 100 }"
    )
    .is_empty());
}
