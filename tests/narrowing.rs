//! Narrowing: after `x != none and`, after `x == none or`, and in the branch
//! of `case when x != none then`, an optional `x` may be used as present;
//! nowhere else (not under the left of `or`, not through `not` of an `and`,
//! not in a later rule). Each accepted form decides alike lowered and traced.

mod inline;

use verdict::eval::{Decision, EvalOptions};

const SCHEMA: &str = r#"
entity: account
key: id
fields:
  id: string
  score: int
  opened_on: date
  last_review_on: date?
  income: money?
  overdues:
    list:
      due_on: date
      repaid_on: date?
    by: due_on
"#;

fn load(body: &str) -> Result<verdict::LoadedPolicy, Vec<String>> {
    inline::load_over(SCHEMA, body).map_err(|e| {
        e.diagnostics.iter().filter(|d| d.is_error()).map(|d| format!("[{}] {}", d.code, d.message)).collect()
    })
}

/// Whether `cond` holds for an account with these fields, deciding it lowered and traced.
fn holds(cond: &str, fields: &str) -> bool {
    let policy =
        load(&format!("rule \"r\" {{ when {cond} then tag \"yes\" }}")).unwrap_or_else(|e| panic!("{cond}: {e:?}"));
    let account = r#"{"id":"A","as_of":"2026-11-01","score":700,"opened_on":"2020-01-01","overdues":[]}"#;
    let snapshot = inline::snapshot(&policy, account, fields);
    let fast = verdict::evaluate(&policy.program, &snapshot, EvalOptions::default()).expect("decides");
    let traced = verdict::evaluate(&policy.program, &snapshot, EvalOptions { trace: true, ..Default::default() });
    assert_eq!(Ok(fast.clone()), traced.map(|d| Decision { trace: None, ..d }));
    !fast.fired.is_empty()
}

fn rejected(cond: &str) -> Vec<String> {
    load(&format!("rule \"r\" {{ when {cond} then tag \"yes\" }}"))
        .err()
        .unwrap_or_else(|| panic!("{cond} should not check"))
}

#[test]
fn the_issues_example_checks_and_decides() {
    let cond = "last_review_on != none and last_review_on + 30 days <= as_of";
    assert!(holds(cond, r#"{"last_review_on":"2026-09-01"}"#));
    assert!(!holds(cond, r#"{"last_review_on":"2026-10-15"}"#));
    assert!(!holds(cond, r#"{"last_review_on":null}"#), "absent: the right is never evaluated");
    assert!(!holds(cond, "{}"));
}

#[test]
fn narrowing_reaches_the_rest_of_the_chain_and_the_right_of_or() {
    assert!(holds("score > 0 and income != none and score > 1 and income * 2 > 100", r#"{"income":"60"}"#));
    assert!(holds(
        "(income != none and last_review_on != none) and income > 0 and last_review_on < as_of",
        r#"{"income":"1","last_review_on":"2026-01-01"}"#
    ));
    assert!(holds("income == none or income < 100", "{}"));
    assert!(holds("income == none or income < 100", r#"{"income":"5"}"#));
    assert!(!holds("income == none or income < 100", r#"{"income":"500"}"#));
    assert!(holds("not (income == none) and income > 1", r#"{"income":"5"}"#));
    assert!(holds("not (income != none and income > 100)", r#"{"income":"5"}"#));
}

#[test]
fn case_branches_narrow() {
    let cond = "case when last_review_on != none then last_review_on + 1 year < as_of else true end";
    assert!(holds(cond, "{}"));
    assert!(holds(cond, r#"{"last_review_on":"2025-01-01"}"#));
    assert!(!holds(cond, r#"{"last_review_on":"2026-06-01"}"#));
    // After `when x == none then …`, the later branches know x is present.
    let later = "case when income == none then false when income > 100 then true else false end";
    assert!(holds(later, r#"{"income":"101"}"#));
    assert!(!holds(later, "{}"));
}

#[test]
fn aggregates_and_element_fields_narrow_in_their_own_scope() {
    assert!(holds(
        "any(overdues where repaid_on != none and repaid_on > due_on)",
        r#"{"overdues":[{"due_on":"2026-01-01","repaid_on":"2026-02-01"}]}"#
    ));
    assert!(holds(
        "max(overdues.due_on) != none and max(overdues.due_on) < as_of",
        r#"{"overdues":[{"due_on":"2026-01-01"}]}"#
    ));
}

#[test]
fn nothing_narrows_where_evaluation_order_does_not_prove_it() {
    for cond in [
        // The left of `or` held: nothing is known of the right.
        "income != none or income > 100",
        // A failed `and` proves nothing.
        "not (income != none and score > 0) and income > 1",
        // `==` proves absence, not presence.
        "income == none and income > 1",
        // The fact stays inside its chain.
        "(income != none and score > 0) or income > 1",
        // A branch does not narrow the next one through its own condition.
        "case when income != none then true when income > 1 then true else false end",
        // Nor the else.
        "case when income != none then true else income > 1 end",
        // Another field is not narrowed.
        "income != none and last_review_on < as_of",
    ] {
        let errors = rejected(cond);
        assert!(errors.iter().all(|e| e.starts_with("[E0103]")) && !errors.is_empty(), "{cond}: {errors:?}");
    }
    // A let's value is checked on its own: a rule's test does not narrow inside it.
    let body = "let doubled = income * 2\nrule \"r\" { when income != none and doubled > 1 then tag \"x\" }";
    assert!(load(body).is_err());
}

#[test]
fn an_error_in_a_chain_does_not_undo_what_its_other_links_prove() {
    // Only the misspelt name is an error: the test before it still narrows
    // the links after it, and only as the chain would without the error.
    for cond in [
        "income != none and scroe > 0 and income > 1",
        "income != none and (scroe > 0 and income > 1)",
        "income != none and score > 0 and scroe > 0 and income > 1",
        "income == none or scroe > 0 or income > 1",
        "income != none and last_review_on != none and scroe > 0 and last_review_on < as_of and income > 1",
        // Through `not`: it holds when the chain fails, and fails when it holds.
        "not (income == none or scroe > 0) and income > 1",
        "not (income != none and scroe > 0) or income > 1",
        "not not (income != none and scroe > 0) and income > 1",
    ] {
        assert_eq!(rejected(cond), ["[E0101] unknown name `scroe`"], "{cond}");
    }
    for cond in [
        // A failed `and` still proves nothing to the right of `or`.
        "(income != none and scroe > 0) or income > 1",
        // Nor does a failed `or` to the right of `and`.
        "(income == none or scroe > 0) and income > 1",
        // Nor a `not` of a failed `and` to the right of `and`.
        "not (income != none and scroe > 0) and income > 1",
    ] {
        assert_eq!(rejected(cond).len(), 2, "{cond}: the unknown name and the absent income");
    }
}
