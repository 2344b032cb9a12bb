//! The example policies run entirely as lowered code on the fast path: no
//! rule condition, limit or let is left to the interpreter (`Generic`). A
//! form that falls back is not a wrong decision, only a slower one, which
//! no decision test would catch; this test does.

use verdict::compile::lower::census::generic_nodes;
use verdict::load_policy;

/// Where each `Generic` node of a policy's fast path is.
fn generic_places(path: &str) -> Vec<String> {
    let policy = load_policy(path.as_ref()).expect("the example policy compiles");
    generic_nodes(&policy.program).into_iter().map(|n| format!("{}: {:?}", n.place, n.expr.kind)).collect()
}

#[test]
fn the_lifecycle_policy_has_no_generic_node() {
    let places = generic_places("policies/lifecycle.policy");
    assert!(places.is_empty(), "left to the interpreter:\n{}", places.join("\n"));
}

/// The census looks inside the fused nodes: a `where` the lowering leaves
/// to the interpreter is found inside a fused `min`/`max ?? d`, `sum` and
/// `any`, and the default of `?? d` is searched too.
#[test]
fn the_census_finds_generic_nodes_inside_fused_ones() {
    let source = r#"
policy "census-fused" version "1"
schema "account.schema.yaml"
let worst = max(overdues.days where floor(amount) > 10) ?? len(id)
let spend = sum(applications.amount where floor(amount) > 3 within 30 days)
rule "fused" { when worst > 3 and spend > 0 and any(overdues where floor(amount) > 100) then tag "x" }
"#;
    let policy = verdict::load_policy_source("policies/census-fused.policy".as_ref(), source).expect("compiles");
    let places: Vec<String> = generic_nodes(&policy.program).into_iter().map(|n| n.place).collect();
    assert_eq!(places, ["rule \"fused\"", "let worst", "let worst", "let spend"], "{places:?}");
}

/// The lifecycle policy's common shapes run as fused nodes: the five
/// collections rules compare the `collections_rung` let in place, the
/// counts in windows and the extremes `?? d` fold in their own types.
#[test]
fn the_lifecycle_policy_runs_its_common_shapes_fused() {
    use verdict::compile::lower::{BoolCode, IntCode, LetCode};
    let policy = load_policy("policies/lifecycle.policy".as_ref()).expect("the example policy compiles");
    let program = &policy.program;
    for name in ["legal", "agent", "call", "push", "sms"] {
        let rule = program.rules.iter().find(|r| &*r.name == name).expect("a collections rule");
        assert!(matches!(rule.code, BoolCode::StrLetCmp { .. }), "{name}: {:?}", rule.code);
    }
    let code = |name: &str| &program.let_code[program.lets.iter().position(|l| l.name == name).expect("a let")];
    assert!(matches!(code("recent_overdues"), LetCode::Int(IntCode::Count(_))));
    assert!(matches!(code("open_overdue_days"), LetCode::Int(IntCode::ExtremeOr { .. })));
    assert!(
        matches!(code("score_drop"), LetCode::Int(IntCode::Arith(_, a, _)) if matches!(**a, IntCode::ExtremeOr { .. }))
    );
}
