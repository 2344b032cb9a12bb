//! Reinstatement: `reinstate` lifts a restriction or freeze, between
//! `restrict` and `limit` in severity, and `check` warns when a reinstating
//! rule can fire on an account that is neither restricted nor frozen.

mod time;

use time::{codes, decide};
use verdict::ir::Outcome;

const REINSTATE: &str = r#"
rule "clean-six-months" {
  when status in ["restricted", "frozen"] and count(overdues within 6 months) == 0
  then reinstate reason "RI1" "Six clean months"
}
"#;

#[test]
fn reinstate_is_an_outcome_of_its_own() {
    let d = decide(REINSTATE, r#"{"status":"restricted"}"#);
    assert_eq!(d.outcome, Outcome::Reinstate);
    assert_eq!(d.outcome.name(), "reinstate");
    assert_eq!((d.until, d.limit), (None, None));
    assert_eq!(decide(REINSTATE, r#"{"status":"active"}"#).outcome, Outcome::None);
}

#[test]
fn the_order_is_close_freeze_restrict_reinstate_limit_none() {
    let body = |other: &str| {
        format!("{REINSTATE}\nrule \"other\" {{ when score > 0 then {other} }}\nrule \"raise\" {{ when score > 0 then set limit to 12000 }}")
    };
    let frozen = r#"{"status":"frozen"}"#;
    assert_eq!(decide(&body("close notify sms \"x\""), frozen).outcome, Outcome::Close);
    assert_eq!(decide(&body("freeze"), frozen).outcome, Outcome::Freeze);
    assert_eq!(decide(&body("restrict for 30 days"), frozen).outcome, Outcome::Restrict);
    let d = decide(&body("tag \"t\""), frozen);
    assert_eq!(d.outcome, Outcome::Reinstate);
    // With a `set limit` in the same decision, `limit` carries the new limit.
    assert_eq!(d.limit.map(|l| l.to_string()), Some("12000".into()));
    assert_eq!(decide(&body("tag \"t\""), r#"{"status":"active"}"#).outcome, Outcome::Limit);
}

#[test]
fn a_rule_takes_one_status_action() {
    assert_eq!(codes(r#"rule "r" { when score > 0 then restrict reinstate }"#), ["E0405"]);
}

#[test]
fn guards_may_name_reinstate() {
    assert!(codes(&format!("guard reinstate at most 5%\n{REINSTATE}")).is_empty());
}

fn warns(body: &str) -> bool {
    codes(body).contains(&"W0150")
}

#[test]
fn the_warning_reasons_through_status_comparisons_and_lets() {
    let rule = |when: &str| format!("rule \"r\" {{ when {when} then reinstate }}");
    assert!(warns(&rule("score > 700")));
    assert!(warns(&rule("status != \"closed\"")));
    assert!(warns(&rule("status in [\"restricted\", \"active\"]")));
    assert!(warns(&rule("status == \"restricted\" or score > 700")));
    assert!(!warns(&rule("status == \"restricted\"")));
    assert!(!warns(&rule("status in [\"restricted\", \"frozen\"] and score > 700")));
    assert!(!warns(&rule("status not in [\"active\", \"closed\"]")));
    assert!(!warns(&rule("status != \"active\" and status != \"closed\"")));
    assert!(!warns(&rule("(status == \"frozen\" or status == \"restricted\") and score > 1")));
    let with_let = "let held = status in [\"restricted\", \"frozen\"]\n";
    assert!(!warns(&format!("{with_let}{}", rule("held and score > 600"))));
    assert!(warns(&format!("{with_let}{}", rule("held or score > 600"))));
    assert!(!warns(REINSTATE));
    // A let that names the field is the field.
    let alias = "let st = status\n";
    assert!(!warns(&format!("{alias}{}", rule("st == \"frozen\""))));
    assert!(!warns(&format!("{alias}{}", rule("st in [\"restricted\", \"frozen\"] and score > 1"))));
    assert!(warns(&format!("{alias}{}", rule("st == \"active\""))));
}
