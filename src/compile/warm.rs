//! The account slots a policy reads, settled at compile time so that
//! evaluation can touch them before deciding (`eval::warm`): their cache
//! misses then overlap instead of being met one at a time, each behind the
//! indirect jump of the node that first reads it.

use crate::ir::{Frame, TAction, TExpr, TKind};
use std::collections::BTreeSet;

/// What [`crate::eval`] touches of an account before running the rules.
/// Missing a slot here costs time, never a wrong decision: this is a hint.
#[derive(Debug, Default)]
pub(crate) struct Warm {
    /// Account slots the rules, lets and limits read, ascending.
    pub(crate) slots: Box<[usize]>,
    /// Account list slots they aggregate over, ascending: each element is touched whole.
    pub(crate) lists: Box<[usize]>,
}

impl Warm {
    /// The slots `exprs` and the limits among `actions` read.
    pub(crate) fn of<'e>(
        exprs: impl IntoIterator<Item = &'e TExpr>,
        actions: impl IntoIterator<Item = &'e TAction>,
    ) -> Warm {
        let limits = actions.into_iter().filter_map(|a| match a {
            TAction::SetLimit(e) => Some(e),
            _ => None,
        });
        let mut pending: Vec<&TExpr> = exprs.into_iter().chain(limits).collect();
        let (mut slots, mut lists) = (BTreeSet::new(), BTreeSet::new());
        while let Some(e) = pending.pop() {
            match &e.kind {
                TKind::Field { frame: Frame::Account, slot } => {
                    slots.insert(*slot);
                }
                TKind::Agg(agg) => {
                    slots.insert(agg.list_slot);
                    lists.insert(agg.list_slot);
                }
                _ => {}
            }
            pending.extend(e.children());
        }
        Warm { slots: slots.into_iter().collect(), lists: lists.into_iter().collect() }
    }
}

#[cfg(test)]
mod tests {
    use super::Warm;
    use crate::load_policy_source;

    #[test]
    fn the_slots_of_rules_lets_limits_and_aggregates_are_found() {
        let source = r#"
policy "warm" version "1"
schema "account.schema.yaml"
let worst = max(overdues.days) ?? 0
rule "a" { when score > 700 and worst < 30 then set limit to credit_limit * 2 }
"#;
        let program = load_policy_source("policies/warm.policy".as_ref(), source).unwrap().program;
        let slot = |path: &str| program.schema.lookup(path).and_then(|f| f.slot).unwrap();
        let warm: &Warm = &program.warm;
        for field in ["score", "credit_limit", "overdues"] {
            assert!(warm.slots.contains(&slot(field)), "{field}: {warm:?}");
        }
        assert_eq!(&*warm.lists, &[slot("overdues")]);
        assert_eq!(warm.slots.len(), 3, "{warm:?}");
    }
}
