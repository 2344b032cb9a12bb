//! A generated 10,000-rule policy checks and compiles (its time is measured
//! by `cargo bench --bench compile`, not here: debug builds and a shared
//! machine make timings in tests meaningless).

#[path = "../benches/support/big_policy.rs"]
mod big_policy;

#[test]
fn a_ten_thousand_rule_policy_checks_and_compiles() {
    let text = big_policy::big_policy(10_000);
    let loaded = match verdict::load_policy_source("policies/generated-10k.policy".as_ref(), &text) {
        Ok(l) => l,
        Err(e) => panic!("{:#?}", e.diagnostics.iter().take(5).collect::<Vec<_>>()),
    };
    assert_eq!(loaded.program.rules.len(), 10_000);
    assert_eq!(loaded.program.groups.len(), 100);
}
