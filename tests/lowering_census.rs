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
