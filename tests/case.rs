//! `case when … then … else … end`: which branch gives the value, what is
//! never computed, the absent value without `else`, the types branches mix
//! to, and that it stands wherever an expression may.

mod inline;

use verdict::eval::{Decision, ErrorKind, EvalOptions};
use verdict::output::TracedJson;

const SCHEMA: &str = r#"
entity: account
key: id
fields:
  id: string
  status: enum(active, frozen, closed)
  credit_limit: money
  balance: money
  score: int
  opened_on: date
  last_review_on: date?
  income: money?
  tags: set<string>
"#;

fn load(body: &str) -> Result<verdict::LoadedPolicy, Vec<String>> {
    inline::load_over(SCHEMA, body)
        .map_err(|e| e.diagnostics.iter().map(|d| format!("[{}] {} {:?}", d.code, d.message, d.help)).collect())
}

/// Decides one account (JSON fields over a default account), lowered and traced; both must agree.
fn run(body: &str, fields: &str) -> verdict::Outputs {
    let policy = load(body).unwrap_or_else(|d| panic!("policy does not compile: {d:#?}"));
    let account = r#"{"id":"A-1","as_of":"2026-11-01","status":"active","credit_limit":"10000","balance":"2500",
            "score":700,"opened_on":"2020-01-15","tags":[]}"#;
    let snapshot = inline::snapshot(&policy, account, fields);
    let fast = verdict::evaluate(&policy.program, &snapshot, EvalOptions::default());
    let traced = verdict::evaluate(&policy.program, &snapshot, EvalOptions { trace: true, ..Default::default() });
    assert_eq!(fast, traced.clone().map(|d| Decision { trace: None, ..d }), "lowered and interpreted agree");
    traced
}

/// The value of `expr` as a let that a rule reads, as a JSON trace writes it
/// (decimals as strings, ints as numbers, none as null).
fn value(expr: &str, fields: &str) -> String {
    let body = format!("let v = {expr}\nrule \"v\" {{ when v == none or v != none then tag \"x\" }}");
    let d = run(&body, fields).expect("decision");
    let trace = d.trace.expect("traced");
    let found = trace.lets.iter().find(|(i, _)| *i == 0);
    found.map(|(_, v)| serde_json::to_string(&TracedJson(&trace.operand(v))).unwrap()).expect("computed")
}

const TIER: &str = r#"case
  when score >= 740 then "prime"
  when score >= 680 then "near-prime"
  else "subprime"
end"#;

#[test]
fn the_first_branch_that_holds_gives_the_value() {
    assert_eq!(value(TIER, r#"{"score":800}"#), "\"prime\"");
    assert_eq!(value(TIER, r#"{"score":740}"#), "\"prime\"");
    assert_eq!(value(TIER, r#"{"score":739}"#), "\"near-prime\"");
    assert_eq!(value(TIER, r#"{"score":600}"#), "\"subprime\"");
    // Overlapping conditions: order decides.
    let overlapping = "case when score > 100 then 1 when score > 600 then 2 else 3 end";
    assert_eq!(value(overlapping, r#"{"score":700}"#), "1");
}

#[test]
fn later_branches_are_never_computed() {
    let guarded = "case when credit_limit == 0 then 0 when balance / credit_limit > 0.5 then 1 else 2 end";
    assert_eq!(value(guarded, r#"{"credit_limit":"0"}"#), "0", "the division would fail");
    assert_eq!(value(guarded, r#"{"balance":"6000"}"#), "1");
    // The else is not computed when a branch holds, nor a value of a branch not taken.
    let lazy_else = "case when score > 0 then 1 else balance / (credit_limit - credit_limit) end";
    assert_eq!(value(lazy_else, "{}"), "\"1\"");
    let lazy_value = "case when score < 0 then balance / (credit_limit - credit_limit) else 2 end";
    assert_eq!(value(lazy_value, "{}"), "\"2\"");
    // A condition that fails is an error record like any division by zero.
    let failing = "case when balance / (credit_limit - credit_limit) > 0 then 1 else 2 end";
    let body = format!("let v = {failing}\nrule \"v\" {{ when v == 1 then tag \"x\" }}");
    let err = run(&body, "{}").expect_err("division by zero");
    assert_eq!(err.kind, ErrorKind::Eval);
}

#[test]
fn without_else_the_value_is_absent_when_no_branch_holds() {
    let open = "case when score >= 740 then 2 when score >= 680 then 1 end";
    assert_eq!(value(&format!("{open} ?? 0"), r#"{"score":600}"#), "0");
    assert_eq!(value(&format!("{open} ?? 0"), r#"{"score":700}"#), "1");
    assert_eq!(value(open, r#"{"score":600}"#), "null");
    let body = format!("let v = {open}\nrule \"t\" {{ when v == none then tag \"none\" }}");
    assert_eq!(run(&body, r#"{"score":1}"#).unwrap().fired, [std::sync::Arc::<str>::from("t")]);
    // Used without saying what absence means, it is the absent-value error.
    let errors = load(&format!("rule \"t\" {{ when {open} > 0 then tag \"x\" }}")).unwrap_err();
    assert!(errors[0].starts_with("[E0103]"), "{errors:?}");
}

#[test]
fn branch_types_mix_as_numbers_and_strings_do() {
    assert_eq!(value("case when score > 0 then 1 else 1.5 end", "{}"), "\"1\"", "int and decimal give decimal");
    assert_eq!(value("case when score > 0 then balance else 2 end", "{}"), "\"2500\"", "money with an int");
    assert_eq!(
        value("case when score > 900 then \"vip\" else status end", "{}"),
        "\"active\"",
        "enum members mix to string"
    );
    assert_eq!(
        value("case when score > 0 then status else status end", "{}"),
        "\"active\"",
        "one enum stays that enum"
    );
    assert_eq!(value("case when score > 0 then opened_on + 1 day else as_of end", "{}"), "\"2020-01-16\"");
    // A string case compares with any string (it is no enum).
    let body = "let tier = case when score > 900 then \"vip\" else status end\nrule \"t\" { when tier == \"active\" then tag \"a\" }";
    assert_eq!(run(body, "{}").unwrap().fired, [std::sync::Arc::<str>::from("t")]);
}

#[test]
fn mismatched_branches_and_none_values_are_errors() {
    let errors = load("let v = case when score > 0 then 1 else \"x\" end\nrule \"t\" { when v == v then tag \"x\" }")
        .unwrap_err();
    assert!(
        errors[0].starts_with("[E0102]") && errors[0].contains("int") && errors[0].contains("string"),
        "{errors:?}"
    );
    let errors = load("let v = case when score > 0 then 1 else none end\nrule \"t\" { when v == v then tag \"x\" }")
        .unwrap_err();
    assert!(errors[0].starts_with("[E0220]") && errors[0].contains("leave `else` out"), "{errors:?}");
    let errors = load("let v = case when score > 0 then none else 1 end\nrule \"t\" { when v == v then tag \"x\" }")
        .unwrap_err();
    assert!(errors[0].starts_with("[E0220]"), "{errors:?}");
    let errors =
        load("let v = case when score then 1 else 2 end\nrule \"t\" { when v == v then tag \"x\" }").unwrap_err();
    assert!(errors[0].starts_with("[E0102]") && errors[0].contains("case's condition"), "{errors:?}");
}

#[test]
fn a_case_stands_wherever_an_expression_may() {
    // In a condition, in a set limit, nested, and as a function's argument.
    let body = r#"
rule "r" {
  when case when score > 650 then balance < credit_limit else false end
       and max(case when score > 0 then 1 else 2 end, 0) == 1
  then set limit to case
         when score >= 740 then credit_limit * 2
         when score >= 680 then round(credit_limit * case when balance > 0 then 1.5 else 1 end, 0)
         else credit_limit
       end
}"#;
    assert_eq!(run(body, r#"{"score":700}"#).unwrap().limit, Some("15000".parse().unwrap()));
    assert_eq!(run(body, r#"{"score":800}"#).unwrap().limit, Some("20000".parse().unwrap()));
    assert!(run(body, r#"{"score":600}"#).unwrap().fired.is_empty());
}

#[test]
fn a_trace_names_the_branch_a_let_took() {
    let body = format!("let tier = {TIER}\nrule \"t\" {{ when tier == \"prime\" then tag \"p\" }}");
    let d = run(&body, r#"{"score":700}"#).unwrap();
    let cases = d.trace.unwrap().cases;
    assert_eq!(cases.len(), 1);
    assert_eq!(
        (cases[0].branch, serde_json::to_value(TracedJson(&cases[0].value)).unwrap()),
        (Some(1), serde_json::json!("near-prime"))
    );
}

#[test]
fn case_end_and_else_are_reserved() {
    for word in ["case", "else", "end"] {
        assert!(load(&format!("let {word} = 1\nrule \"t\" {{ when {word} > 0 then tag \"x\" }}")).is_err(), "{word}");
    }
}

/// A case of string literals alone gives one of them: a misspelt one
/// compared with it, listed with it or written in a table's cell is an
/// error with "did you mean", and a table over it needs no `else` once it
/// names them all.
#[test]
fn a_case_of_literals_gives_one_of_them() {
    let tier = format!("let tier = {TIER}\n");
    let errors = load(&format!("{tier}rule \"t\" {{ when tier == \"prme\" then tag \"p\" }}")).unwrap_err();
    assert!(errors[0].starts_with("[E0106]") && errors[0].contains("did you mean `prime`"), "{errors:?}");
    let errors =
        load(&format!("{tier}rule \"t\" {{ when tier in [\"prime\", \"sub-prime\"] then tag \"p\" }}")).unwrap_err();
    assert!(errors[0].starts_with("[E0106]") && errors[0].contains("subprime"), "{errors:?}");
    let table = |rows: &str| {
        format!("{tier}let cap = table (tier) -> int {{\n{rows}\n}}\nrule \"t\" {{ when cap > 1 then tag \"c\" }}")
    };
    let whole = table("  \"prime\" => 3\n  \"near-prime\" => 2\n  \"subprime\" => 1");
    assert!(load(&whole).is_ok(), "every tier named: {:?}", load(&whole).err());
    let errors = load(&table("  \"prime\" => 3\n  \"subprime\" => 1")).unwrap_err();
    assert!(errors[0].starts_with("[E0605]") && errors[0].contains("near-prime"), "{errors:?}");
    let errors = load(&table("  \"prime\" => 3\n  \"near prime\" => 2\n  \"subprime\" => 1")).unwrap_err();
    assert!(errors.iter().any(|e| e.starts_with("[E0106]") && e.contains("near-prime")), "{errors:?}");
    // It decides, traces and measures as the string it names.
    let body = format!("{whole}\nrule \"n\" {{ when len(tier) == 10 and tier != \"prime\" then tag \"n\" }}");
    let d = run(&body, r#"{"score":700}"#).unwrap();
    assert_eq!(d.fired, [std::sync::Arc::<str>::from("t"), std::sync::Arc::<str>::from("n")]);
    assert_eq!(value(TIER, r#"{"score":600}"#), "\"subprime\"");
    // A default after `??` that is no member joins them; a misspelt one is an error.
    let maybe = "let m = case when score > 750 then \"prime\" end\n";
    let body =
        format!("{maybe}rule \"d\" {{ when (m ?? \"none\") == \"none\" and (m ?? id) != \"x\" then tag \"d\" }}");
    assert_eq!(run(&body, r#"{"score":700}"#).unwrap().fired, [std::sync::Arc::<str>::from("d")]);
    assert!(run(&body, r#"{"score":800}"#).unwrap().fired.is_empty());
    let errors =
        load(&format!("{maybe}rule \"d\" {{ when (m ?? \"prme\") == \"prime\" then tag \"d\" }}")).unwrap_err();
    assert!(errors[0].starts_with("[E0106]") && errors[0].contains("did you mean `prime`"), "{errors:?}");
}
