//! Scorecards: the score, its type, `reasons from` ranked by points lost,
//! `"scores"` in decisions, and a failing characteristic as an error record.

mod inline;

use verdict::eval::{Decision, ErrorKind};

const SCHEMA: &str = r#"
entity: account
key: id
fields:
  id: string
  status: enum(active, frozen, closed)
  credit_limit: money
  balance: money
  score: int
  income: money?
  appeal_open: bool?
"#;

fn load(body: &str) -> Result<verdict::LoadedPolicy, verdict::LoadError> {
    inline::load_over(SCHEMA, body)
}

fn run(body: &str, fields: &str) -> verdict::Outputs {
    let policy = load(body).unwrap_or_else(|e| panic!("policy does not compile: {:#?}", e.diagnostics));
    let account =
        r#"{"id":"A-1","as_of":"2026-11-01","status":"active","credit_limit":"10000","balance":"2500","score":700}"#;
    let snapshot = inline::snapshot(&policy, account, fields);
    verdict::evaluate(&policy.program, &snapshot, Default::default())
}

fn decide(body: &str, fields: &str) -> Decision {
    run(body, fields).expect("decision")
}

fn scores(d: &Decision) -> Vec<(String, String)> {
    d.scores.iter().map(|s| (s.name.to_string(), s.value.to_string())).collect()
}

fn codes(d: &Decision) -> Vec<&str> {
    d.reasons.iter().map(|r| &*r.code).collect()
}

/// The example of the language reference: age, utilization, income.
const APP: &str = r#"
let app_score = scorecard base 600 {
  score "A01" "Score too low" {
    < 600      => -15
    [600, 700) => 0
    >= 700     => 20
  }
  balance / credit_limit "U01" "Proportion of balances to credit limits is too high" {
    < 30%      => 30
    [30%, 70%) => 0
    >= 70%     => -40
  }
  income "I01" "Income insufficient" {
    none       => -20
    < 3000     => -10
    >= 3000    => 15
  }
}
"#;

fn app(rule: &str) -> String {
    format!("{APP}{rule}")
}

#[test]
fn the_score_is_base_plus_each_characteristics_bin() {
    let body = app(r#"rule "r" { when app_score < 0 then tag "x" }"#);
    // 700 → 20; 2500/10000 = 25% → 30; no income → -20.
    assert_eq!(scores(&decide(&body, "{}")), [("app_score".into(), "630".into())]);
    // 599 → -15; 80% → -40; 3000 → 15.
    let d = decide(&body, r#"{"score":599,"balance":"8000","income":"3000"}"#);
    assert_eq!(scores(&d), [("app_score".into(), "560".into())]);
    // Interval ends: 600 is in [600, 700), 70% in >= 70%, 2999.99 in < 3000.
    let d = decide(&body, r#"{"score":600,"balance":"7000","income":"2999.99"}"#);
    assert_eq!(scores(&d), [("app_score".into(), "550".into())]);
}

#[test]
fn a_decimal_point_makes_the_score_a_decimal() {
    let card = |base: &str, points: &str| {
        format!(
            "let s = scorecard base {base} {{\n  score \"A\" {{\n    < 650 => {points}\n    >= 650 => 1\n  }}\n}}\n\
             rule \"r\" {{ when s == 601 then tag \"int\" }}"
        )
    };
    assert!(load(&card("600", "-2")).is_ok());
    // An int compared with a decimal literal works either way; the type shows in a decimal comparison.
    let d = decide(&card("600.5", "-2"), r#"{"score":700}"#);
    assert_eq!(scores(&d), [("s".into(), "601.5".into())]);
    let d = decide(&card("600", "-2.25"), r#"{"score":600}"#);
    assert_eq!(scores(&d), [("s".into(), "597.75".into())]);
    // `limit` needs money; an int score is accepted as one, so is a decimal.
    let body = "let s = scorecard base 600 {\n  score \"A\" {\n    _ => 5\n  }\n}\nrule \"r\" { when s > 0 then set limit to s }";
    assert_eq!(decide(body, "{}").limit.map(|l| l.to_string()), Some("605".into()));
}

#[test]
fn reasons_rank_characteristics_by_points_lost() {
    // Lost: A01 20 - (-15) = 35, U01 30 - (-40) = 70, I01 15 - (-20) = 35.
    let body = app(r#"rule "r" { when app_score < 600 then reasons from app_score }"#);
    let d = decide(&body, r#"{"score":599,"balance":"8000"}"#);
    assert_eq!(codes(&d), ["U01", "A01", "I01"]);
    assert_eq!(d.reasons[0].text.as_deref(), Some("Proportion of balances to credit limits is too high"));
    assert_eq!(&*d.reasons[0].rule, "r");
    // Only characteristics that lost more than 0: 700 gets A01's best bin.
    let d = decide(&body, r#"{"score":700,"balance":"8000"}"#);
    assert_eq!(codes(&d), ["U01", "I01"]);
}

#[test]
fn top_takes_n_then_leaves_out_codes_already_given() {
    let top = |n: &str, before: &str| {
        app(&format!(r#"rule "r" {{ when app_score < 600 then {before} reasons from app_score {n} }}"#))
    };
    let fields = r#"{"score":599,"balance":"8000"}"#;
    assert_eq!(codes(&decide(&top("top 2", ""), fields)), ["U01", "A01"]);
    assert_eq!(codes(&decide(&top("top 1", ""), fields)), ["U01"]);
    // U01 was already given by the rule: top 2 takes U01 and A01, then leaves U01 out.
    let d = decide(&top("top 2", r#"reason "U01" "given""#), fields);
    assert_eq!(codes(&d), ["U01", "A01"]);
    assert_eq!(d.reasons[0].text.as_deref(), Some("given"));
    let d = decide(&top("top 1", r#"reason "U01" "given""#), fields);
    assert_eq!(codes(&d), ["U01"]);
}

#[test]
fn ties_keep_declaration_order_and_the_default_is_four() {
    let mut body = String::from("let s = scorecard base 0 {\n");
    for i in 1..=6 {
        body.push_str(&format!("  score \"C{i}\" {{\n    < 650 => 0\n    >= 650 => 10\n  }}\n"));
    }
    body.push_str("}\nrule \"r\" { when s < 10 then reasons from s }");
    assert_eq!(codes(&decide(&body, r#"{"score":600}"#)), ["C1", "C2", "C3", "C4"]);
}

#[test]
fn every_scorecard_is_listed_in_declaration_order_and_none_without_one() {
    let body = "let z = scorecard base 1 {\n  score \"Z\" {\n    _ => 1\n  }\n}\n\
                let a = scorecard base 2.5 {\n  status \"A\" {\n    \"active\" => 1\n    else => 0\n  }\n}\n\
                rule \"r\" { when score > 0 then tag \"x\" }";
    assert_eq!(scores(&decide(body, "{}")), [("z".into(), "2".into()), ("a".into(), "3.5".into())]);
    assert!(decide(r#"rule "r" { when score > 0 then tag "x" }"#, "{}").scores.is_empty());
}

#[test]
fn a_characteristic_that_fails_makes_an_eval_error_record() {
    let body =
        "let s = scorecard base 0 {\n  balance / (credit_limit - 10000) \"D\" {\n    < 1 => 0\n    >= 1 => 5\n  }\n}\n\
                rule \"r\" { when score > 0 then tag \"x\" }";
    let err = run(body, "{}").expect_err("division by zero");
    assert_eq!(err.kind, ErrorKind::Eval);
    assert!(err.message.contains("scorecard"), "{}", err.message);
    // Where the characteristic can be computed, the same policy decides.
    assert!(run(body, r#"{"credit_limit":"20000"}"#).is_ok());
}

#[test]
fn optional_inputs_take_their_none_bin() {
    let body =
        "let s = scorecard base 0 {\n  appeal_open \"AP\" {\n    none => 1\n    true => 2\n    false => 3\n  }\n}\n\
                rule \"r\" { when score > 0 then tag \"x\" }";
    assert_eq!(scores(&decide(body, "{}"))[0].1, "1");
    assert_eq!(scores(&decide(body, r#"{"appeal_open":true}"#))[0].1, "2");
    assert_eq!(scores(&decide(body, r#"{"appeal_open":false}"#))[0].1, "3");
}

/// A directory with the schema, `APP`'s policy and one account, for the command line.
fn cli_dir(rule: &str) -> std::path::PathBuf {
    let dir = inline::folder_with_schema(SCHEMA);
    let policy = format!("policy \"t\" version \"1\"\nschema \"account.schema.yaml\"\n{}\n", app(rule));
    std::fs::write(dir.join("t.policy"), policy).unwrap();
    std::fs::write(
        dir.join("book.jsonl"),
        r#"{"id":"A-1","as_of":"2026-11-01","status":"active","credit_limit":"10000","balance":"8000","score":599}
"#,
    )
    .unwrap();
    dir
}

fn verdict(dir: &std::path::Path, args: &[&str]) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_verdict"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .output()
        .unwrap()
}

#[test]
fn tests_may_expect_scores_and_scorecard_reasons() {
    let dir = cli_dir(r#"rule "r" { when app_score < 600 then reasons from app_score top 2 }"#);
    let case = |score: &str| {
        format!(
            "policy: t.policy\ncases:\n  - name: low\n    snapshot: {{id: A-1, as_of: 2026-11-01, status: active, credit_limit: \"10000\", balance: \"8000\", score: 599}}\n    expect:\n      scores: {{app_score: {score}}}\n      reasons: [U01, A01]\n"
        )
    };
    // 599 → -15, 8000 / 10000 → -40, no income → -20.
    std::fs::write(dir.join("ok.test.yaml"), case("525")).unwrap();
    let out = verdict(&dir, &["test", "ok.test.yaml"]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    std::fs::write(dir.join("off.test.yaml"), case("526")).unwrap();
    let out = verdict(&dir, &["test", "off.test.yaml"]);
    assert_eq!(out.status.code(), Some(1));
    let shown = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert!(shown.contains("expected app_score 526, got app_score 525"), "{shown}");
    std::fs::write(dir.join("typo.test.yaml"), case("525").replace("{app_score:", "{app_scor:")).unwrap();
    let out = verdict(&dir, &["test", "typo.test.yaml"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no scorecard `app_scor`"));
}

/// CSV gives each scorecard a column named after it, unless a column of
/// the record has that name: then it is `scores.NAME`, so a reader by
/// column name never takes the score for the new limit.
#[test]
fn a_scorecards_csv_column_never_shares_a_records_column_name() {
    let dir = cli_dir(r#"rule "r" { when app_score < 600 then set limit to 5000 reason "L" }"#);
    let out = verdict(&dir, &["eval", "t.policy", "book.jsonl", "--format", "csv"]);
    let csv = String::from_utf8_lossy(&out.stdout);
    let header = csv.lines().next().unwrap_or_default();
    assert!(header.ends_with(",policy_fingerprint,app_score"), "{csv}");
    let policy = std::fs::read_to_string(dir.join("t.policy")).unwrap().replace("app_score", "limit");
    std::fs::write(dir.join("t.policy"), policy).unwrap();
    let out = verdict(&dir, &["eval", "t.policy", "book.jsonl", "--format", "csv"]);
    let csv = String::from_utf8_lossy(&out.stdout);
    let rows: Vec<Vec<&str>> = csv.lines().map(|l| l.split(',').collect()).collect();
    let column = |name: &str| rows[0].iter().position(|c| *c == name).expect(name);
    assert_eq!(rows[0].iter().filter(|c| **c == "limit").count(), 1, "{csv}");
    assert_eq!((rows[1][column("limit")], rows[1][column("scores.limit")]), ("5000", "525"), "{csv}");
}

#[test]
fn trace_and_explain_show_each_characteristic() {
    let dir = cli_dir(r#"rule "r" { when app_score < 600 then reasons from app_score }"#);
    let out = verdict(&dir, &["eval", "t.policy", "book.jsonl", "--trace"]);
    let record: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let rows = &record["trace"]["scorecards"]["app_score"];
    assert_eq!(
        rows[1],
        serde_json::json!({"characteristic": "U01", "value": "0.8", "bin": 3, "points": "-40", "lost": "70"})
    );
    assert_eq!(rows[2]["value"], serde_json::Value::Null);
    let out = verdict(&dir, &["explain", "t.policy", "book.jsonl", "--id", "A-1"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("scorecard app_score (base 600)"), "{text}");
    assert!(text.contains("U01    balance / credit_limit = 0.8, >= 70% → -40 (lost 70)"), "{text}");
    assert!(text.contains("I01    income = none, none → -20 (lost 35)"), "{text}");
}

#[test]
fn explain_and_trace_show_every_score_even_one_no_rule_reads() {
    // No rule reads app_score: it is still computed, listed in the decision and in the trace's lets.
    let dir = cli_dir(r#"rule "r" { when score < 600 then tag "low" }"#);
    let out = verdict(&dir, &["eval", "t.policy", "book.jsonl", "--trace"]);
    let record: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(record["scores"], serde_json::json!({"app_score": "525"}));
    assert_eq!(record["trace"]["lets"]["app_score"], serde_json::json!(525));
    let out = verdict(&dir, &["explain", "t.policy", "book.jsonl", "--id", "A-1"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("  fired    r\n  scores   app_score = 525\n"), "{text}");
    assert!(text.contains("  app_score = 525  scorecard base 600 { 3 characteristics }"), "{text}");
}

#[test]
fn diff_shows_a_changed_base_old_and_new() {
    let dir = cli_dir(r#"rule "r" { when app_score < 600 then reasons from app_score }"#);
    let old = std::fs::read_to_string(dir.join("t.policy")).unwrap();
    std::fs::write(dir.join("new.policy"), old.replace("scorecard base 600", "scorecard base 620")).unwrap();
    let out = verdict(&dir, &["diff", "t.policy", "new.policy", "book.jsonl"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("  scorecard app_score: changed\n    - base 600\n    + base 620\n"), "{text}");
    // No characteristic changed, so none is listed.
    assert!(!text.contains("app_score."), "{text}");
    assert!(text.contains("(shift 20); 1 account rose, 0 fell, of 1"), "{text}");
    let out = verdict(&dir, &["diff", "t.policy", "new.policy", "book.jsonl", "--format", "json"]);
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let lets = json["lets"].as_array().or_else(|| json["text"]["lets"].as_array()).cloned().unwrap_or_default();
    assert!(
        lets.iter().any(|l| l["let"] == "app_score" && l["rows"] == serde_json::json!(["- base 600", "+ base 620"])),
        "{json}"
    );
}

/// An account whose scorecard cannot be computed: `explain` names the
/// characteristic whose input failed, not only the let.
#[test]
fn explain_names_the_characteristic_that_failed() {
    let dir = cli_dir(r#"rule "r" { when app_score < 600 then reasons from app_score }"#);
    let zero_limit =
        r#"{"id":"A-1","as_of":"2026-11-01","status":"active","credit_limit":"0","balance":"8000","score":599}"#;
    std::fs::write(dir.join("book.jsonl"), format!("{zero_limit}\n")).unwrap();
    let out = verdict(&dir, &["explain", "t.policy", "book.jsonl", "--id", "A-1"]);
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("  app_score (failed)  scorecard base 600 { 3 characteristics }\n"), "{text}");
    assert!(text.contains("failed: division by zero, in characteristic U01 `balance / credit_limit`\n"), "{text}");
    let out = verdict(&dir, &["explain", "t.policy", "book.jsonl", "--id", "A-1", "--format", "json"]);
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["lets"][0]["failed"], "division by zero, in characteristic U01 `balance / credit_limit`");
    // An account that scores has no `failed`.
    std::fs::write(dir.join("book.jsonl"), format!("{}\n", zero_limit.replace("\"0\"", "\"10000\""))).unwrap();
    let out = verdict(&dir, &["explain", "t.policy", "book.jsonl", "--id", "A-1", "--format", "json"]);
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["lets"][0].get("failed"), None, "{json}");
}

#[test]
fn coverage_lists_the_bins_no_case_fell_in() {
    let dir = cli_dir(r#"rule "r" { when app_score < 600 then reasons from app_score }"#);
    let case = "policy: t.policy\ncases:\n  - name: low\n    snapshot: {id: A-1, as_of: 2026-11-01, status: active, credit_limit: \"10000\", balance: \"8000\", score: 599}\n    expect: {scores: {app_score: 525}}\n";
    std::fs::write(dir.join("c.test.yaml"), case).unwrap();
    let out = verdict(&dir, &["test", "c.test.yaml", "--coverage"]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let shown = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    // The case fell in A01 bin 1, U01 bin 3 and I01 bin 1 (none): the six others were never hit.
    assert!(shown.contains("scorecard bins no record fell in:"), "{shown}");
    for unhit in [
        "app_score A01 bin 2 (0 points)",
        "app_score A01 bin 3 (20 points)",
        "app_score U01 bin 1 (30 points)",
        "app_score U01 bin 2 (0 points)",
        "app_score I01 bin 2 (-10 points)",
        "app_score I01 bin 3 (15 points)",
    ] {
        assert!(shown.contains(unhit), "{unhit} in {shown}");
    }
    assert!(!shown.contains("A01 bin 1 "), "{shown}");
}

#[test]
fn diff_reports_changed_bins_and_the_score_shift() {
    let dir = cli_dir(r#"rule "r" { when app_score < 600 then reasons from app_score }"#);
    let old = std::fs::read_to_string(dir.join("t.policy")).unwrap();
    // U01's top bin loses 10 points fewer; A01 is untouched.
    std::fs::write(dir.join("new.policy"), old.replace(">= 70%     => -40", ">= 70%     => -30")).unwrap();
    std::fs::write(
        dir.join("two.jsonl"),
        concat!(
            r#"{"id":"A-1","as_of":"2026-11-01","status":"active","credit_limit":"10000","balance":"8000","score":599}"#,
            "\n",
            r#"{"id":"A-2","as_of":"2026-11-01","status":"active","credit_limit":"10000","balance":"1000","score":720}"#,
            "\n"
        ),
    )
    .unwrap();
    let out = verdict(&dir, &["diff", "t.policy", "new.policy", "two.jsonl"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("  scorecard app_score: changed"), "{text}");
    assert!(text.contains("  characteristic app_score.U01: changed"), "{text}");
    assert!(!text.contains("app_score.A01"), "{text}");
    assert!(!text.contains("base"), "the base did not change: {text}");
    // A-1: 525 → 535; A-2: 630 → 630. Means 577.5 → 582.5.
    assert!(text.contains("scorecard app_score: mean 577.5 → 582.5 (shift 5); 1 account rose, 0 fell, of 2"), "{text}");
}
