//! Effective dates on rules and groups: a rule takes part only for snapshots
//! whose `as_of` lies within its dates (both days included) and its group's.

mod time;

use time::{codes, decide, decide_with, fired, load};
use verdict::eval::RuleStatus;

const DATED: &str = r#"
rule "from-2027" priority 10 effective 2027-01-01 { when score > 0 then tag "new" }
rule "only-2026" priority 10 effective 2026-01-01 to 2026-12-31 { when score > 0 then tag "old" }
rule "always" { when score > 0 then tag "always" }
"#;

fn fired_on(body: &str, as_of: &str) -> Vec<String> {
    fired(&decide(body, &format!(r#"{{"as_of":"{as_of}"}}"#)))
}

#[test]
fn a_rule_takes_part_on_its_first_and_last_day_and_between() {
    assert_eq!(fired_on(DATED, "2025-12-31"), ["always"]);
    assert_eq!(fired_on(DATED, "2026-01-01"), ["only-2026", "always"]);
    assert_eq!(fired_on(DATED, "2026-12-31"), ["only-2026", "always"]);
    assert_eq!(fired_on(DATED, "2027-01-01"), ["from-2027", "always"]);
    assert_eq!(fired_on(DATED, "2099-06-30"), ["from-2027", "always"]);
}

#[test]
fn a_rule_out_of_effect_is_not_evaluated() {
    // Evaluating the rule would divide by zero; out of effect, the account is decided.
    let body = r#"rule "r" effective 2027-01-01 { when balance / (credit_limit - credit_limit) > 1 then close }"#;
    let d = decide(body, r#"{"as_of":"2026-11-01"}"#);
    assert!(d.fired.is_empty());
    let policy = load(body);
    let line = time::account(r#"{"as_of":"2027-01-01"}"#);
    let snapshot = verdict::snapshot::parse_json_snapshot(&line, &policy.program.schema).unwrap();
    let failed = verdict::evaluate(&policy.program, &snapshot, Default::default());
    assert!(failed.is_err(), "in effect, the rule is evaluated and fails");
}

#[test]
fn a_dated_group_bounds_its_rules_and_both_dates_must_hold() {
    let body = r#"
group "g" first effective 2026-06-01 to 2026-12-31 {
  rule "early" effective 2026-01-01 to 2026-09-30 { when score > 0 then tag "early" }
  rule "late" { when score > 0 then tag "late" }
}
"#;
    assert_eq!(fired_on(body, "2026-05-31"), Vec::<String>::new());
    assert_eq!(fired_on(body, "2026-06-01"), ["early"]);
    assert_eq!(fired_on(body, "2026-09-30"), ["early"]);
    // `early` is out of effect: it cannot win the `first` group, so `late` does.
    assert_eq!(fired_on(body, "2026-10-01"), ["late"]);
    assert_eq!(fired_on(body, "2027-01-01"), Vec::<String>::new());
}

#[test]
fn the_trace_says_not_in_effect() {
    let policy = load(DATED);
    let d = decide_with(&policy, r#"{"as_of":"2026-11-01"}"#, true);
    let trace = d.trace.clone().expect("traced");
    let status = |name: &str| trace.rules.iter().find(|r| trace.rule_name(r) == name).map(|r| r.status.clone());
    assert!(matches!(status("from-2027"), Some(RuleStatus::NotInEffect(_))));
    assert_eq!(status("only-2026"), Some(RuleStatus::Fired));
    let json = verdict::output::RecordView { record: &Ok(d), program: &policy.program };
    let text = serde_json::to_string(&json).unwrap();
    assert!(
        text.contains(r#""rule":"from-2027","matched":null,"skipped":"not in effect (effective 2027-01-01)""#),
        "{text}"
    );
}

#[test]
fn the_last_day_before_the_first_is_an_error() {
    assert_eq!(codes(r#"rule "r" effective 2026-12-31 to 2026-01-01 { when score > 0 then close }"#), ["E0450"]);
    assert_eq!(
        codes("group \"g\" effective 2026-12-31 to 2026-12-30 { rule \"r\" { when score > 0 then close } }"),
        ["E0450"]
    );
    // One day is a period.
    assert!(codes(r#"rule "r" effective 2026-12-31 to 2026-12-31 { when score > 0 then tag "x" }"#).is_empty());
}

#[test]
fn effective_is_a_reserved_word() {
    let found = codes("let effective = 1\nrule \"r\" { when effective > 0 then tag \"x\" }");
    assert!(!found.is_empty() && found.iter().all(|c| *c == "P001"), "{found:?}");
}

#[test]
fn fmt_keeps_the_dates_as_written() {
    let text = "policy \"t\"\nschema \"s.yaml\"\nrule   \"r\"  priority 5   effective  2026-01-01   to 2026-12-31{when score>1 then close}\n\
                group \"g\"   first effective 2026-06-01 { rule \"a\" effective 2027-01-01 { when score > 2 then close } }\n";
    let formatted = verdict::format::format_source("t.policy".as_ref(), text).unwrap();
    assert_eq!(
        formatted,
        "policy \"t\"\nschema \"s.yaml\"\n\nrule \"r\" priority 5 effective 2026-01-01 to 2026-12-31 {\n  when score > 1\n  then close\n}\n\n\
         group \"g\" first effective 2026-06-01 {\n  rule \"a\" effective 2027-01-01 {\n    when score > 2\n    then close\n  }\n}\n"
    );
}

#[test]
fn diff_reports_changed_effective_dates() {
    let dir = time::scratch("effective-diff");
    time::write_policy(&dir, "old.policy", r#"rule "r" effective 2026-01-01 { when score > 600 then tag "x" }"#);
    time::write_policy(&dir, "new.policy", r#"rule "r" effective 2027-01-01 { when score > 600 then tag "x" }"#);
    std::fs::write(dir.join("book.jsonl"), time::account("{}") + "\n").unwrap();
    let (code, out, err) = time::verdict_in(&dir, &["diff", "old.policy", "new.policy", "book.jsonl"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("changed: effective"), "{out}");
}

#[test]
fn explain_says_not_in_effect() {
    let dir = time::scratch("effective-explain");
    time::write_policy(&dir, "p.policy", DATED);
    std::fs::write(dir.join("book.jsonl"), time::account("{}") + "\n").unwrap();
    let (code, out, err) = time::verdict_in(&dir, &["explain", "p.policy", "book.jsonl", "--id", "A-1"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("not in effect: effective 2027-01-01"), "{out}");
}

#[test]
fn a_dated_rule_shadows_only_on_its_own_days() {
    let group = |a: &str, b: &str| {
        format!(
            "group \"g\" first {{\n  rule \"a\" {a} {{ when score > 600 then tag \"a\" }}\n  \
             rule \"b\" {b} {{ when score > 700 then tag \"b\" }}\n}}"
        )
    };
    // Last year's strategy does not hide next year's.
    assert!(codes(&group("effective 2026-01-01 to 2026-12-31", "effective 2027-01-01")).is_empty());
    assert!(codes(&group("effective 2026-01-01", "")).is_empty());
    // Dates that cover the later rule's still shadow it.
    assert_eq!(codes(&group("effective 2026-01-01", "effective 2026-06-01 to 2026-12-31")), ["W0111"]);
    assert_eq!(codes(&group("", "effective 2027-01-01")), ["W0111"]);
}

#[test]
fn a_rule_whose_dates_miss_its_groups_never_fires() {
    let body = "group \"g\" effective 2026-06-01 to 2026-12-31 {\n  rule \"r\" effective 2027-01-01 { when score > 0 then tag \"x\" }\n}";
    assert_eq!(codes(body), ["W0110"]);
    assert!(fired_on(body, "2027-01-01").is_empty());
}
