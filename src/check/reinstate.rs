//! `W0150`: a rule that reinstates can fire on an account that is neither
//! restricted nor frozen, when the schema has an enum `status` field. The
//! rule's condition, with `status not in ["restricted", "frozen"]` added, is
//! put through the reviewer's reasoning (`lint.rs`, `facts.rs`): comparisons
//! of `status` (`==`, `!=`, `in` / `not in` members) joined by `and`, also
//! through lets defined as such. In a `first` group the rule is reached
//! only when no earlier rule of the group matched, so their conditions,
//! negated, are added too. Only a proof that the rule cannot fire then
//! keeps the warning away.

use super::expr::Scope;
use super::{lint, CheckedPolicy, Checker};
use crate::diagnostic::{codes, Span};
use crate::ir::{Base, Const, TAction, TExpr, TKind, TRule, Ty};
use crate::syntax::ast::Spanned;

/// The members a reinstated account should have had.
const LIFTED: [&str; 2] = ["restricted", "frozen"];

impl Checker<'_> {
    /// Warns about each reinstating rule that can fire on an account neither restricted nor frozen.
    pub(super) fn reinstate_warnings(&mut self, policy: &CheckedPolicy) {
        let reinstating: Vec<_> =
            policy.rules.iter().filter(|r| r.actions.iter().any(|a| matches!(a, TAction::Reinstate))).collect();
        if reinstating.is_empty() || self.schema.root.field("status").is_none() {
            return;
        }
        let status = Spanned::new("status".to_string(), Span::default());
        let Some(field) = self.path(std::slice::from_ref(&status), Span::default(), Scope { element: None }) else {
            return;
        };
        let Base::Enum(members) = &field.ty.base else { return };
        let lifted: Vec<(u32, &str)> = members
            .iter()
            .enumerate()
            .filter(|(_, m)| LIFTED.contains(&&***m))
            .filter_map(|(i, m)| u32::try_from(i).ok().map(|i| (i, &**m)))
            .collect();
        // An enum with neither member has no status to test: every rule would warn, and no condition could help.
        let (state, help) = match lifted.as_slice() {
            [] => return,
            [(_, one)] => (format!("is not {one}"), format!("add `status == \"{one}\"` to its condition")),
            several => {
                let quoted: Vec<String> = several.iter().map(|(_, m)| format!("\"{m}\"")).collect();
                (
                    "is neither restricted nor frozen".into(),
                    format!("add `status in [{}]` to its condition", quoted.join(", ")),
                )
            }
        };
        let items: Vec<Const> = lifted.iter().map(|(i, _)| Const::Enum(*i)).collect();
        let not_lifted = TExpr {
            kind: TKind::InList { negate: true, needle: Box::new(field.clone()), items },
            ty: Ty::req(Base::Bool),
            span: Span::default(),
        };
        for rule in reinstating {
            let reached = earlier_in_first_group(policy, rule).map(|e| negated(&e.when));
            let all = reached.fold(lint::conjunction(rule.when.clone(), not_lifted.clone()), lint::conjunction);
            if lint::never_holds(&all, &policy.lets) {
                continue;
            }
            self.warn(
                codes::REINSTATE_NOT_RESTRICTED,
                rule.when.span,
                format!("rule \"{}\" reinstates, and can fire on an account that {state}", rule.name),
            )
            .help = Some(help.clone());
        }
    }
}

/// The rules of `rule`'s `first` group that run before it and take part on
/// every day it does: when one of them matches, `rule` is not reached.
fn earlier_in_first_group<'p>(policy: &'p CheckedPolicy, rule: &'p TRule) -> impl Iterator<Item = &'p TRule> {
    let group = rule.group.filter(|&g| policy.groups.get(g).is_some_and(|g| g.first));
    policy.rules.iter().filter(move |other| {
        group.is_some()
            && other.group == group
            && other.run_order() < rule.run_order()
            && lint::in_effect_whenever(other, rule)
    })
}

fn negated(e: &TExpr) -> TExpr {
    TExpr { span: e.span, ty: Ty::req(Base::Bool), kind: TKind::Not(Box::new(e.clone())) }
}
