//! The arithmetic and calendar corners of spec §4, one small policy each.
//! Values are observed through `set limit to EXPR`, conditions through `fired`.

use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use verdict::eval::{Decision, ErrorKind, EvalOptions};
use verdict::ir::Outcome;

const SCHEMA: &str = r#"
entity: account
key: id
fields:
  id: string
  status: enum(active, frozen, closed, "written off", "say \"hi\"")
  credit_limit: money
  balance: money
  score: int
  opened_on: date
  appeal_open: bool?
  tags: set<string>
  overdues:
    list:
      due_on: date
      days: int
      amount: money
      repaid_on: date?
      fee: money?
      collector:
        agency: string?
        charge: money?
    by: due_on
"#;

fn workdir() -> PathBuf {
    static N: AtomicUsize = AtomicUsize::new(0);
    let dir = std::env::temp_dir().join(format!(
        "verdict-semantics-{}-{}",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed)
    ));
    std::fs::create_dir_all(dir.join("batches")).unwrap();
    std::fs::write(dir.join("account.schema.yaml"), SCHEMA).unwrap();
    std::fs::write(dir.join("batches/b.txt"), "# ids\nA-1\n\nA-3\n").unwrap();
    dir
}

/// Decides one snapshot (given as JSON fields merged over a default account) with the given policy body.
fn run(body: &str, fields: &str) -> verdict::Outputs {
    run_with(body, fields, Default::default())
}

fn run_with(body: &str, fields: &str, options: EvalOptions) -> verdict::Outputs {
    let dir = workdir();
    let text = format!("policy \"t\" version \"1\"\nschema \"account.schema.yaml\"\n{body}\n");
    let path = dir.join("t.policy");
    let policy = match verdict::load_policy_source(&path, &text) {
        Ok(p) => p,
        Err(e) => panic!("policy does not compile: {:#?}", e.diagnostics),
    };
    let mut account: serde_json::Map<String, serde_json::Value> = serde_json::from_str(
        r#"{"id":"A-1","as_of":"2026-11-01","status":"active","credit_limit":"10000","balance":"2500",
            "score":700,"opened_on":"2020-01-15","tags":[],"overdues":[]}"#,
    )
    .unwrap();
    let extra: serde_json::Map<String, serde_json::Value> = serde_json::from_str(fields).unwrap();
    account.extend(extra);
    let line = serde_json::to_string(&account).unwrap();
    let snapshot = verdict::snapshot::parse_json_snapshot(&line, &policy.program.schema).expect("snapshot fits");
    verdict::evaluate(&policy.program, &snapshot, options)
}

fn decide(body: &str, fields: &str) -> Decision {
    run(body, fields).expect("decision")
}

/// The value of `expr`, as a trace shows it: computed as a let that a rule
/// reads (not as a new limit, which may not be negative).
fn value(expr: &str, fields: &str) -> String {
    let body = format!("let v = {expr}\nrule \"v\" {{ when v == v then tag \"x\" }}");
    let d = run_with(&body, fields, EvalOptions { trace: true, ..Default::default() }).expect("decision");
    let trace = d.trace.expect("traced");
    // `v` is the policy's only let.
    trace.lets.iter().find(|(index, _)| *index == 0).map(|(_, v)| trace.operand(v).to_string()).expect("v computed")
}

/// Whether `cond` holds.
fn holds(cond: &str, fields: &str) -> bool {
    let d = decide(&format!("rule \"c\" {{ when {cond} then tag \"yes\" }}"), fields);
    !d.fired.is_empty()
}

#[test]
fn months_clamp_to_the_end_of_a_shorter_month() {
    assert!(holds("as_of - 1 month == 2026-02-28", r#"{"as_of":"2026-03-31"}"#));
    assert!(holds("as_of + 1 month == 2026-04-30", r#"{"as_of":"2026-03-31"}"#));
    assert!(holds("as_of - 1 year == 2023-02-28", r#"{"as_of":"2024-02-29"}"#));
    assert!(holds("as_of + 4 years == 2028-02-29", r#"{"as_of":"2024-02-29"}"#));
    assert!(holds("as_of + 2 weeks == 2027-01-04", r#"{"as_of":"2026-12-21"}"#));
}

#[test]
fn months_between_counts_whole_calendar_months() {
    assert_eq!(value("months_between(opened_on, as_of)", r#"{"opened_on":"2026-01-31","as_of":"2026-02-28"}"#), "1");
    assert_eq!(value("months_between(opened_on, as_of)", r#"{"opened_on":"2026-01-31","as_of":"2026-02-27"}"#), "0");
    assert_eq!(value("days_between(opened_on, as_of)", r#"{"opened_on":"2024-02-28","as_of":"2024-03-01"}"#), "2");
}

#[test]
fn windows_exclude_their_lower_edge_and_the_future() {
    let overdues = |dates: &[&str]| {
        let items: Vec<String> =
            dates.iter().map(|d| format!(r#"{{"due_on":"{d}","days":10,"amount":"1"}}"#)).collect();
        format!(r#"{{"overdues":[{}]}}"#, items.join(","))
    };
    let count = |dates: &[&str]| value("count(overdues within 12 months)", &overdues(dates));
    assert_eq!(count(&["2025-11-01"]), "0", "exactly as_of - 12 months is outside");
    assert_eq!(count(&["2025-11-02"]), "1");
    assert_eq!(count(&["2026-11-01"]), "1", "as_of itself is inside");
    assert_eq!(count(&["2026-11-02"]), "0", "after as_of is outside");
    assert_eq!(value("count(overdues within 7 days)", &overdues(&["2026-10-25", "2026-10-26"])), "1");
}

/// An aggregate projects a field of a record inside the list's elements
/// (`overdues.collector.charge`) as it projects one of the element's own,
/// `within` and absent values included.
#[test]
fn an_aggregate_projects_a_field_of_a_record_in_the_elements() {
    let overdues = r#"{"overdues":[
        {"due_on":"2026-01-10","days":40,"amount":"100","collector":{"agency":"X","charge":"7.25"}},
        {"due_on":"2026-10-20","days":12,"amount":"50","collector":{"charge":"2.5"}},
        {"due_on":"2026-10-25","days":3,"amount":"10"}]}"#;
    assert_eq!(value("sum(overdues.collector.charge)", overdues), "9.75");
    assert_eq!(value("max(overdues.collector.charge within 30 days) ?? 0", overdues), "2.5");
    // The field of the latest element, which has no collector: none.
    assert_eq!(value("latest(overdues.collector.charge) ?? 0", overdues), "0");
    assert_eq!(value("latest(overdues.collector.charge where collector.charge != none) ?? 0", overdues), "2.5");
    assert_eq!(value("earliest(overdues.collector.agency) ?? \"none\"", overdues), "\"X\"");
    assert_eq!(value("count(overdues where (collector.charge ?? 0) > 5)", overdues), "1");
}

/// Every date verdict computes stays within the dates it reads (four-digit
/// years, 0000-01-01 to 9999-12-31); one that would leave them fails its
/// account with an `eval` error record instead of being written or compared.
#[test]
fn computed_dates_stay_within_the_years_verdict_reads() {
    let late = r#"{"as_of":"9990-06-01"}"#;
    // `until`: 9990-06-01 + 10 years would be year 10000, which verdict refuses as input
    let e = run("rule \"f\" { when true then freeze for 10 years }", late).unwrap_err();
    assert_eq!(e.kind, ErrorKind::Eval);
    assert_eq!(e.message, "the freeze would end after 9999-12-31 (9990-06-01 + 10 years) in rule \"f\"");
    let e = run("rule \"r\" { when true then restrict for 3650 days }", late).unwrap_err();
    assert_eq!(e.message, "the restriction would end after 9999-12-31 (9990-06-01 + 3650 days) in rule \"r\"");
    // computed when it fires, whichever outcome wins; a later freeze's end is not computed
    let closed = "rule \"c\" priority 5 { when true then close }\nrule \"f\" { when true then freeze for 10 years }";
    assert_eq!(run(closed, late).unwrap_err().kind, ErrorKind::Eval);
    let second =
        "rule \"a\" priority 5 { when true then freeze for 1 year }\nrule \"b\" { when true then freeze for 10 years }";
    assert_eq!(decide(second, late).until.map(|d| d.to_string()).as_deref(), Some("9991-06-01"));
    let last = decide("rule \"f\" { when true then freeze for 9 years }", r#"{"as_of":"9990-12-31"}"#);
    assert_eq!(last.until.map(|d| d.to_string()).as_deref(), Some("9999-12-31"), "the last date is fine");
    // date ± duration in an expression, both ways
    let e = run("rule \"c\" { when as_of + 20 years > opened_on then tag \"x\" }", late).unwrap_err();
    assert_eq!(
        (e.kind, e.message.as_str()),
        (ErrorKind::Eval, "date out of range: 9990-06-01 + 20 years is after 9999-12-31 in rule \"c\"")
    );
    let early = r#"{"opened_on":"0005-03-01"}"#;
    let e = run("rule \"c\" { when opened_on - 6 years < as_of then tag \"x\" }", early).unwrap_err();
    assert_eq!(e.message, "date out of range: 0005-03-01 - 6 years is before 0000-01-01 in rule \"c\"");
    assert!(holds("opened_on - 5 years == 0000-03-01", early));
    // a `within` window's start is only compared, never a value: one reaching
    // before year 0000 takes every element from the first date on
    let window = r#"{"as_of":"0003-06-01","overdues":[{"due_on":"0000-01-01","days":1,"amount":"1"}]}"#;
    assert_eq!(value("count(overdues within 5 years)", window), "1");
    // whole months and days between the first and the last date
    let span = r#"{"opened_on":"0000-01-01","as_of":"9999-12-31"}"#;
    assert_eq!(value("months_between(opened_on, as_of)", span), "119999");
    assert_eq!(value("days_between(opened_on, as_of)", span), "3652424");
    assert_eq!(
        value("months_between(as_of, opened_on)", r#"{"opened_on":"0000-01-15","as_of":"9999-12-31"}"#),
        "-120000"
    );
}

#[test]
fn rounding_is_half_away_from_zero() {
    assert_eq!(value("round(2.5, 0)", "{}"), "3");
    assert_eq!(value("round(-2.5, 0)", "{}"), "-3");
    assert_eq!(value("round(10000.625, 2)", "{}"), "10000.63");
    assert_eq!(value("round(-0.125, 2)", "{}"), "-0.13");
    assert_eq!(value("floor(-1.5)", "{}"), "-2");
    assert_eq!(value("ceil(1.2)", "{}"), "2");
}

#[test]
fn rounding_to_more_than_28_places_computed_per_account_is_an_error_record() {
    assert_eq!(value("round(1.5, score - 672)", "{}"), "1.5");
    for places in ["score - 671", "score - 701"] {
        let e = run(&format!("rule \"r\" {{ when round(1.5, {places}) > 0 then restrict }}"), "{}").unwrap_err();
        assert_eq!(e.kind, ErrorKind::Eval);
        assert!(e.message.contains("use 0 to 28"), "{}", e.message);
    }
}

#[test]
fn arithmetic_is_exact_decimal() {
    assert_eq!(value("7 / 2", "{}"), "3.5");
    // 28 significant digits: a third is not exact, and verdict does not pretend it is.
    assert_eq!(value("1 / 3 * 3", "{}"), "0.9999999999999999999999999999");
    assert_eq!(value("credit_limit * 1.2", r#"{"credit_limit":"10000.625"}"#), "12000.75");
    assert_eq!(value("credit_limit * 1.2", r#"{"credit_limit":10000.625}"#), "12000.75");
    assert_eq!(value("0.1 + 0.2", "{}"), "0.3");
    assert_eq!(value("credit_limit * 2%", "{}"), "200");
    assert_eq!(value("balance / credit_limit", "{}"), "0.25");
}

#[test]
fn empty_aggregates() {
    assert_eq!(value("count(overdues)", "{}"), "0");
    assert_eq!(value("sum(overdues.amount)", "{}"), "0");
    assert_eq!(value("max(overdues.days) ?? -1", "{}"), "-1");
    assert_eq!(value("avg(overdues.days) ?? -1", "{}"), "-1");
    assert!(!holds("any(overdues where days > 0)", "{}"));
    assert!(holds("all(overdues where days > 0)", "{}"));
    assert!(holds("latest(overdues.days) == none", "{}"));
}

#[test]
fn aggregates_over_elements() {
    let o = r#"{"overdues":[
        {"due_on":"2026-09-01","days":40,"amount":"100.10"},
        {"due_on":"2026-01-01","days":5,"amount":"50","repaid_on":"2026-01-06"},
        {"due_on":"2026-10-01","days":20,"amount":"10.005"}]}"#;
    assert_eq!(value("sum(overdues.amount)", o), "160.105");
    assert_eq!(value("count(overdues)", o), "3");
    assert_eq!(value("count(overdues.repaid_on)", o), "1", "counts the elements where the field is present");
    assert_eq!(value("sum(overdues.amount where repaid_on == none)", o), "110.105");
    assert_eq!(value("max(overdues.days) ?? 0", o), "40");
    assert_eq!(value("min(overdues.days) ?? 0", o), "5");
    assert_eq!(value("avg(overdues.days) ?? 0", o), "21.666666666666666666666666667");
    // The mean of ints whose sum would overflow an int is still their mean.
    let huge = r#"{"overdues":[
        {"due_on":"2026-09-01","days":9223372036854775807,"amount":"1"},
        {"due_on":"2026-10-01","days":9223372036854775805,"amount":"1"}]}"#;
    assert_eq!(value("avg(overdues.days) ?? 0", huge), "9223372036854775806");
    assert_eq!(value("latest(overdues.days) ?? 0", o), "20", "latest by the date key, not by input order");
    assert_eq!(value("earliest(overdues.days) ?? 0", o), "5");
    assert!(holds("any(overdues where days > 30 and repaid_on == none)", o));
    assert!(!holds("all(overdues where repaid_on != none)", o));
    assert!(holds("all(overdues where days >= 5)", o));
    assert!(holds("all(overdues where days > 10 within 3 months)", o), "the window selects, the where tests");
}

#[test]
fn element_fields_shadow_account_fields() {
    let schema_has_days_only_in_elements = r#"{"overdues":[{"due_on":"2026-10-01","days":3,"amount":"9999"}]}"#;
    // `amount` inside `where` is the element's; `balance` is the account's.
    assert!(holds("any(overdues where amount > balance)", schema_has_days_only_in_elements));
}

#[test]
fn lets_are_lazy_and_and_or_short_circuit() {
    let body = "let utilization = balance / credit_limit\nrule \"r\" { when credit_limit > 0 and utilization > 0.9 then restrict }";
    let d = decide(body, r#"{"credit_limit":"0"}"#);
    assert_eq!(d.outcome, Outcome::None);
    let e = run("let u = balance / credit_limit\nrule \"r\" { when u > 0.9 then restrict }", r#"{"credit_limit":"0"}"#)
        .unwrap_err();
    assert_eq!(e.kind, ErrorKind::Eval);
    assert!(e.message.contains("division by zero"), "{}", e.message);
}

#[test]
fn overflow_is_an_error_record() {
    let e = run(r#"rule "r" { when score * 9223372036854775807 > 0 then restrict }"#, "{}").unwrap_err();
    assert_eq!(e.kind, ErrorKind::Eval);
    assert!(e.message.contains("overflow"), "{}", e.message);
}

/// A sum, difference or product that a decimal could only hold rounded at
/// one of the first ten places after the point is an overflow, as one too
/// large is: money is never silently rounded. Exact results at any scale are
/// kept, and so is a rounding below ten places, where a quotient is rounded.
#[test]
fn sums_and_products_that_would_be_rounded_are_error_records() {
    let wide = r#"{"balance":"7922816251426433759354395033.5"}"#;
    let long = r#"{"balance":"12345678901234567890.123456789"}"#;
    let fees = r#"{"overdues":[{"due_on":"2026-10-01","days":3,"amount":"7922816251426433759354395033.5"},
                               {"due_on":"2026-10-02","days":3,"amount":"0.05"}]}"#;
    for (expr, fields) in
        [("balance * 1.5", long), ("balance + 0.05", wide), ("balance - 0.05", wide), ("sum(overdues.amount)", fees)]
    {
        let body = format!("let v = {expr}\nrule \"v\" {{ when v > 0 then tag \"x\" }}");
        for trace in [false, true] {
            let e = run_with(&body, fields, EvalOptions { trace, ..Default::default() }).unwrap_err();
            assert_eq!(e.kind, ErrorKind::Eval, "{expr}");
            assert!(e.message.starts_with("arithmetic overflow"), "{expr}: {}", e.message);
        }
    }
    assert_eq!(
        value("balance * 1.5", r#"{"balance":"0.000000000000000000000000002"}"#),
        "0.000000000000000000000000003"
    );
    // At scale 2 the sum's digits would not fit; at scale 1 they do, exactly.
    assert_eq!(
        value("balance + 0.10", r#"{"balance":"7922816251426433759354395033.0"}"#),
        "7922816251426433759354395033.1"
    );
    assert_eq!(
        value("balance * 0.5", r#"{"balance":"0.0000000000000000000000000010"}"#),
        "0.0000000000000000000000000005"
    );
    // A quotient's own rounding carried on: 333.33...33 (28 digits) × 1.2.
    let thousand = r#"{"balance":"1000"}"#;
    assert_eq!(value("balance / 3 * 1.2", thousand), "400");
    assert_eq!(value("round(balance / 3 * 1.2, 2)", thousand), "400");
    assert_eq!(value("balance / 3 + 100000", thousand), "100333.33333333333333333333333");
    assert_eq!(
        value("balance * 1.5", r#"{"balance":"0.0000000000000000000000000001"}"#),
        "0.0000000000000000000000000002"
    );
}

/// A new limit below zero is no decision: the account is an `eval` error
/// record naming the rule and the value; zero (a limit cut to nothing) is one.
#[test]
fn a_negative_limit_is_an_error_record() {
    for (expr, shown) in [("balance - credit_limit", "-7500"), ("-1", "-1"), ("score * -0.01", "-7")] {
        let e = run(&format!("rule \"cut\" {{ when true then set limit to {expr} }}"), "{}").unwrap_err();
        assert_eq!(e.kind, ErrorKind::Eval, "{expr}");
        assert_eq!(e.message, format!("the new limit {shown} is negative in rule \"cut\""), "{expr}");
    }
    for zero in ["balance - 2500", "-0", "0 - 0.00", "-0.00"] {
        let d = decide(&format!("rule \"cut\" {{ when true then set limit to {zero} }}"), "{}");
        assert_eq!(d.limit.map(verdict::value::format_decimal).as_deref(), Some("0"), "{zero}");
    }
    // under a close the decision carries no computed limit, so none is computed (the limit is 0)
    let body = "rule \"c\" { when true then close }\nrule \"l\" { when true then set limit to -5 }";
    assert_eq!(decide(body, "{}").limit.map(verdict::value::format_decimal).as_deref(), Some("0"));
    // only the winning limit is computed: a later negative one does not fail the account
    let body =
        "rule \"a\" priority 5 { when true then set limit to 100 }\nrule \"b\" { when true then set limit to -5 }";
    assert_eq!(decide(body, "{}").limit.map(verdict::value::format_decimal).as_deref(), Some("100"));
}

#[test]
fn membership() {
    assert!(holds("\"vip\" in tags", r#"{"tags":["x","vip"]}"#));
    assert!(holds("\"vip\" not in tags", r#"{"tags":["x"]}"#));
    assert!(holds("status in [\"active\", \"frozen\"]", "{}"));
    assert!(holds("score in [600, 700]", "{}"));
    let batch = "batch b from \"batches/b.txt\"\nrule \"r\" { when id in b then tag \"in\" }";
    assert_eq!(decide(batch, r#"{"id":"A-3"}"#).fired.len(), 1);
    assert_eq!(decide(batch, r#"{"id":"A-2"}"#).fired.len(), 0);
    assert_eq!(decide(batch, r##"{"id":"# ids"}"##).fired.len(), 0, "comment lines are not ids");
}

#[test]
fn optional_fields_default() {
    assert!(holds("not (appeal_open ?? false)", "{}"));
    assert!(holds("not (appeal_open ?? false)", r#"{"appeal_open":null}"#));
    assert!(!holds("not (appeal_open ?? false)", r#"{"appeal_open":true}"#));
    assert!(holds("appeal_open == none", "{}"));
}

#[test]
fn a_default_is_the_value_of_an_absent_condition() {
    // Defaults other than `false`: a `??` that ignored its right side would pass `?? false` tests.
    assert!(holds("appeal_open ?? true", "{}"));
    assert!(holds("appeal_open ?? true", r#"{"appeal_open":null}"#));
    assert!(!holds("appeal_open ?? true", r#"{"appeal_open":false}"#));
    assert!(holds("(appeal_open ?? (score > 600)) and score == 700", "{}"));
    assert!(!holds("appeal_open ?? (score > 900)", "{}"));
    assert_eq!(value("max(overdues.days) ?? score", "{}"), "700");
}

#[test]
fn filtered_latest_and_earliest_pick_by_date_among_the_matches() {
    let o = r#"{"overdues":[
        {"due_on":"2026-10-01","days":20,"amount":"3"},
        {"due_on":"2026-01-01","days":5,"amount":"1","repaid_on":"2026-01-06"},
        {"due_on":"2026-09-01","days":40,"amount":"2"},
        {"due_on":"2026-10-15","days":7,"amount":"4","repaid_on":"2026-10-20"}]}"#;
    assert_eq!(value("latest(overdues.days where repaid_on == none) ?? 0", o), "20");
    assert_eq!(value("earliest(overdues.days where repaid_on == none) ?? 0", o), "40");
    assert_eq!(value("latest(overdues.days where repaid_on != none) ?? 0", o), "7");
    assert_eq!(value("earliest(overdues.days where repaid_on != none) ?? 0", o), "5");
    assert_eq!(value("latest(overdues.days where days > 100) ?? -1", o), "-1");
}

/// Elements sharing a date keep the order the snapshot lists them in: of
/// two on one day the latest is the one listed last, the earliest the one
/// listed first, with or without a `where`, traced or not (the documented
/// rule; a book whose exporter does not keep a list's order must sort it).
#[test]
fn elements_of_one_date_are_latest_in_the_order_listed() {
    let listed = |first: u32, second: u32| {
        format!(
            r#"{{"overdues":[{{"due_on":"2026-10-01","days":{first},"amount":"1"}},
               {{"due_on":"2026-10-01","days":{second},"amount":"1"}}]}}"#
        )
    };
    for (first, second) in [(20, 70), (70, 20)] {
        let o = listed(first, second);
        assert_eq!(value("latest(overdues.days) ?? 0", &o), second.to_string());
        assert_eq!(value("earliest(overdues.days) ?? 0", &o), first.to_string());
        assert_eq!(value("latest(overdues.days where days > 0) ?? 0", &o), second.to_string());
        assert_eq!(value("earliest(overdues.days where days > 0) ?? 0", &o), first.to_string());
        assert!(holds(&format!("(latest(overdues.days) ?? 0) == {second}"), &o), "untraced");
        assert!(holds(&format!("(earliest(overdues.days where days > 0) ?? 0) == {first}"), &o), "untraced");
    }
}

#[test]
fn aggregates_of_an_optional_field_skip_absent_values() {
    let o = r#"{"overdues":[
        {"due_on":"2026-01-01","days":1,"amount":"1","fee":"10"},
        {"due_on":"2026-02-01","days":1,"amount":"1"},
        {"due_on":"2026-03-01","days":1,"amount":"1","fee":"20"}]}"#;
    assert_eq!(value("avg(overdues.fee) ?? 0", o), "15", "the average of the present values");
    assert_eq!(value("sum(overdues.fee)", o), "30");
    assert_eq!(value("min(overdues.fee) ?? 0", o), "10");
    assert_eq!(value("max(overdues.fee) ?? 0", o), "20");
    assert_eq!(value("count(overdues.fee)", o), "2");
    assert_eq!(value("latest(overdues.fee) ?? 0", o), "20");
    assert_eq!(
        value("avg(overdues.fee) ?? -1", r#"{"overdues":[{"due_on":"2026-01-01","days":1,"amount":"1"}]}"#),
        "-1"
    );
}

#[test]
fn outcome_severity_limit_and_until() {
    let body = r#"
rule "raise" priority 10 { when true then set limit to 20000 reason "L1" }
rule "cut" priority 20 { when true then set limit to 5000 reason "L2" }
rule "restrict" { when true then restrict for 30 days reason "R" notify sms "a" }
rule "freeze-long" priority 1 { when true then freeze for 1 year reason "F1" notify sms "a" }
rule "freeze-short" priority 2 { when true then freeze for 10 days reason "F2" reason "R" }
"#;
    let d = decide(body, "{}");
    assert_eq!(d.outcome, Outcome::Freeze);
    assert_eq!(d.until.map(|u| u.to_string()).as_deref(), Some("2026-11-11"), "the first fired freeze wins");
    assert_eq!(d.limit.map(verdict::value::format_decimal).as_deref(), Some("5000"), "the highest-priority limit wins");
    let fired: Vec<&str> = d.fired.iter().map(|f| &**f).collect();
    assert_eq!(fired, ["cut", "raise", "freeze-short", "freeze-long", "restrict"]);
    let codes: Vec<&str> = d.reasons.iter().map(|r| &*r.code).collect();
    assert_eq!(codes, ["L2", "L1", "F2", "R", "F1"], "a code already given is left out");
    assert_eq!(d.actions.len(), 1, "an action equal but for its rule is left out");

    let closed = decide(
        "rule \"c\" { when true then close notify sms \"x\" }\nrule \"l\" priority 5 { when true then set limit to 1 }",
        "{}",
    );
    assert_eq!(closed.outcome, Outcome::Close);
    assert_eq!(closed.limit.map(verdict::value::format_decimal).as_deref(), Some("0"));
    assert_eq!(closed.until, None);
}

#[test]
fn first_groups_fire_one_rule_and_others_fire_all() {
    let body = r#"
group "ladder" first {
  rule "a" { when score > 100 then escalate to "a" }
  rule "b" { when score > 50 then escalate to "b" }
}
group "all" {
  rule "c" { when score > 100 then tag "c" }
  rule "d" { when score > 50 then tag "d" }
}
"#;
    let fired: Vec<String> = decide(body, "{}").fired.iter().map(|f| f.to_string()).collect();
    assert_eq!(fired, ["a", "c", "d"]);
}

#[test]
fn ties_in_priority_keep_file_order() {
    let body = "rule \"z\" { when true then tag \"z\" }\nrule \"a\" { when true then tag \"a\" }\nrule \"m\" priority 1 { when true then tag \"m\" }";
    let fired: Vec<String> = decide(body, "{}").fired.iter().map(|f| f.to_string()).collect();
    assert_eq!(fired, ["m", "z", "a"]);
}

#[test]
fn a_snapshot_without_as_of_is_an_error_unless_given() {
    let dir = workdir();
    let policy = verdict::load_policy_source(
        &dir.join("p.policy"),
        "policy \"p\"\nschema \"account.schema.yaml\"\nrule \"r\" { when true then tag \"x\" }",
    )
    .unwrap();
    let line = r#"{"id":"A-9","status":"active","credit_limit":"1","balance":"0","score":1,"opened_on":"2020-01-01","tags":[],"overdues":[]}"#;
    let snapshot = verdict::snapshot::parse_json_snapshot(line, &policy.program.schema).unwrap();
    let e = verdict::evaluate(&policy.program, &snapshot, Default::default()).unwrap_err();
    assert_eq!(e.kind, ErrorKind::Snapshot);
    let options =
        verdict::EvalOptions { default_as_of: verdict::value::parse_date("2026-01-01"), ..Default::default() };
    assert!(verdict::evaluate(&policy.program, &snapshot, options).is_ok());
}

#[test]
fn quoted_enum_members_compare_like_any_other() {
    assert!(holds(r#"status == "written off""#, r#"{"status":"written off"}"#));
    assert!(!holds(r#"status == "written off""#, r#"{"status":"closed"}"#));
    assert!(holds(r#"status in ["say \"hi\"", "closed"]"#, r#"{"status":"say \"hi\""}"#));
    let dir = workdir();
    let text = "policy \"t\" version \"1\"\nschema \"account.schema.yaml\"\nrule \"r\" { when status == \"written\" then restrict }\n";
    let diags = verdict::load_policy_source(&dir.join("t.policy"), text).unwrap_err().diagnostics;
    let e0106 = diags.iter().find(|d| d.code == "E0106").expect("E0106");
    assert!(
        e0106.message.ends_with(r#"enum(active, frozen, closed, "written off", "say \"hi\"")"#),
        "{}",
        e0106.message
    );
}
