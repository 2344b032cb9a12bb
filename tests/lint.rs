//! The reviewer lints (W0110 never fires, W0111 shadowed, W0112 close
//! without notify): what they must find, and what they must not flag.

use std::path::Path;

/// Codes of the warnings for a policy over the fixture schema, whose rules are `rules`.
fn warnings(rules: &str) -> Vec<&'static str> {
    let text = format!(
        "policy \"t\" version \"1\"\nschema \"../account.schema.yaml\"\nlet days_late = max(overdues.days) ?? 0\n{rules}\nrule \"uses-days\" {{ when days_late > 0 then tag \"d\" }}\n"
    );
    let path = Path::new("tests/fixtures/valid/inline.policy");
    match verdict::load_policy_source(path, &text) {
        Ok(loaded) => loaded.warnings.iter().map(|d| d.code).collect(),
        Err(e) => panic!("does not compile: {:?}", e.diagnostics),
    }
}

fn rule(cond: &str) -> String {
    format!("rule \"r\" {{ when {cond} then tag \"t\" }}")
}

#[track_caller]
fn never_fires(cond: &str) {
    assert_eq!(warnings(&rule(cond)), ["W0110"], "`{cond}` can never hold");
}

#[track_caller]
fn may_fire(cond: &str) {
    assert_eq!(warnings(&rule(cond)), Vec::<&str>::new(), "`{cond}` can hold");
}

#[test]
fn contradictions_are_found() {
    never_fires("score < 600 and score > 700");
    never_fires("score <= 600 and score >= 601");
    never_fires("score > 600 and score < 601");
    never_fires("600 > score and score > 700");
    never_fires("score == 1 and score == 2");
    never_fires("score == 1 and score != 1");
    never_fires("score >= 5 and score <= 5 and score != 5");
    never_fires("score in [1, 2] and score > 5");
    never_fires("balance > 100.5 and balance < 100.5");
    never_fires("balance > -1 and balance < -2");
    never_fires("status == \"active\" and status == \"closed\"");
    never_fires("status in [\"active\", \"frozen\"] and status not in [\"active\", \"frozen\"]");
    never_fires("status != \"active\" and status != \"restricted\" and status != \"frozen\" and status != \"closed\"");
    never_fires("not (score >= 600) and score > 700");
    never_fires("not (score < 600 or score > 700) and score == 800");
    never_fires("identity.verified and not identity.verified");
    never_fires("identity.verified == false and identity.verified");
    never_fires("appeal_open == none and appeal_open != none");
    never_fires("opened_on > 2026-01-01 and opened_on < 2026-01-02");
    never_fires("opened_on > as_of - 30 days and opened_on < as_of - 12 months");
    never_fires("opened_on > as_of and opened_on < as_of - 1 day");
    never_fires("days_between(opened_on, as_of) > 90 and days_between(opened_on, as_of) < 30");
    never_fires("(score < 1 and score > 2) or (score > 10 and score < 5)");
    never_fires("false");
    never_fires("days_late > 30 and false");
}

#[test]
fn satisfiable_conditions_are_left_alone() {
    may_fire("score > 600 or score < 500");
    may_fire("score > 600 and score < 602");
    may_fire("balance > 100 and balance < 100.5");
    may_fire("status != \"active\" and status != \"closed\"");
    may_fire("opened_on > as_of - 30 days and opened_on < as_of - 1 month");
    may_fire("opened_on >= as_of and opened_on <= as_of");
    may_fire("score < 600 and balance > 700");
    may_fire("(score < 1 and score > 2) or score > 10");
    may_fire("count(overdues) > 3 and count(overdues where days > 30) < 1");
    may_fire("not (score < 600 and score > 700)");
    may_fire("true");
    may_fire("2% < 1");
}

#[test]
fn shadowing_needs_implication_in_evaluation_order() {
    let group = |a: &str, b: &str| {
        warnings(&format!("group \"g\" first {{\n rule \"a\" {{ when {a} then tag \"a\" }}\n rule \"b\" {{ when {b} then tag \"b\" }}\n}}"))
    };
    assert_eq!(group("days_late > 30", "days_late > 60"), ["W0111"]);
    assert_eq!(
        group("days_late > 60", "days_late > 30"),
        Vec::<&str>::new(),
        "the broader rule after the narrower is fine"
    );
    assert_eq!(group("score < 600", "score < 600 and balance > 0"), ["W0111"]);
    assert_eq!(group("score < 600 or balance > 0", "balance > 10"), ["W0111"]);
    assert_eq!(group("score < 600", "balance > 10"), Vec::<&str>::new());
    // Not a `first` group: every matching rule fires.
    let plain = warnings("group \"g\" {\n rule \"a\" { when days_late > 30 then tag \"a\" }\n rule \"b\" { when days_late > 60 then tag \"b\" }\n}");
    assert_eq!(plain, Vec::<&str>::new());
    // Priority, not file order, decides which rule comes first.
    let prioritized = warnings("group \"g\" first {\n rule \"a\" { when days_late > 60 then tag \"a\" }\n rule \"b\" priority 5 { when days_late > 30 then tag \"b\" }\n}");
    assert_eq!(prioritized, ["W0111"]);
}

#[test]
fn closing_without_telling_the_customer_is_flagged() {
    assert_eq!(warnings("rule \"c\" { when score < 300 then close }"), ["W0112"]);
    assert_eq!(warnings("rule \"c\" { when score < 300 then close notify sms \"closing\" }"), Vec::<&str>::new());
    assert_eq!(warnings("rule \"c\" { when score < 300 then freeze }"), Vec::<&str>::new());
}

#[test]
fn the_example_policies_are_warning_free() {
    for path in ["policies/lifecycle.policy", "policies/simple.policy"] {
        let loaded = verdict::load_policy(Path::new(path)).unwrap();
        assert!(loaded.warnings.is_empty(), "{path}: {:?}", loaded.warnings);
    }
}

/// The text the `W0101` warning of a policy whose lets are `lets` points at.
fn unused_let_spans(lets: &str) -> Vec<String> {
    let text = format!(
        "policy \"t\" version \"1\"\nschema \"../account.schema.yaml\"\n{lets}\nrule \"r\" {{ when score < 1 then restrict }}\n"
    );
    let path = Path::new("tests/fixtures/valid/inline.policy");
    let loaded = verdict::load_policy_source(path, &text).unwrap_or_else(|e| panic!("{:?}", e.diagnostics));
    let unused = loaded.warnings.iter().filter(|d| d.code == "W0101");
    unused.map(|d| text[d.span.range()].to_string()).collect()
}

#[test]
fn an_unused_let_is_pointed_at_up_to_its_last_token() {
    // An expression ending in a call, a name or a literal once took in the
    // blank lines and comments after it.
    for value in ["max(score, 1)", "score", "1", "-score", "\"a # b\"", "(score)", "score + 1"] {
        let lets = format!("let a = {value}\n\n# about b\n\nlet b = {value}  # b's comment\n");
        assert_eq!(unused_let_spans(&lets), [format!("let a = {value}"), format!("let b = {value}")]);
    }
}
