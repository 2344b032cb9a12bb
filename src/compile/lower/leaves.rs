//! Each rule's condition lowered leaf by leaf, for traces: a traced rule
//! records what every leaf read (both sides of a comparison, the needle of
//! an `in`), so it cannot run the rule's condition as one piece of code; it
//! runs these, one per leaf, in the order [`Condition::of`] fixed.
//!
//! What the lowered code cannot do is log the branch a `case` took, which a
//! trace shows: a leaf with a `case` in it stays with the interpreter
//! ([`LeafCode::Interpreted`]), and so does, when tracing, every let with
//! one ([`TraceCode::let_logs`]). Every other lowered let is computed by its
//! lowered code when tracing, also when the interpreter reads it.

use super::{lower_bool, lower_value, BoolCode, OptCode};
use crate::compile::Rule;
use crate::ir::{LetDef, TExpr, TKind};
use std::sync::Arc;

/// The traced code of a program: each rule's leaves, and which lets log cases.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct TraceCode {
    /// Each rule's leaves, by rule index (evaluation order), then leaf index.
    pub rules: Vec<Box<[LeafCode]>>,
    /// By let index: the let's value holds a `case`, so when tracing it is
    /// computed by the interpreter, which logs the branch taken.
    pub let_logs: Box<[bool]>,
    /// All rules' leaves together: a trace holds at most this many.
    pub leaves: usize,
    /// Each rule's name, by rule index: every trace shares this one list
    /// (one reference count per decision, not one per traced rule).
    pub rule_names: Arc<[Arc<str>]>,
}

/// One leaf of a traced condition, lowered.
#[derive(Clone, Debug, PartialEq)]
pub enum LeafCode {
    /// `left OP right`: both sides, each to its value.
    Compare {
        /// The left side.
        left: OptCode,
        /// The right side.
        right: OptCode,
    },
    /// `needle in ...` (a list, a batch) or `needle in set` (`set` given).
    Member {
        /// The value looked for.
        needle: OptCode,
        /// The set field's code, for `in` a set.
        set: Option<OptCode>,
    },
    /// Any other leaf: a condition.
    Bool(BoolCode),
    /// A leaf with a `case` in it: run by the interpreter.
    Interpreted,
}

impl TraceCode {
    /// The traced code of `rules` (in evaluation order) and `lets`.
    pub fn of<'c>(rules: impl IntoIterator<Item = &'c Rule> + Clone, lets: &[LetDef]) -> TraceCode {
        let rule_names = rules.clone().into_iter().map(|r| r.name.clone()).collect();
        let rules: Vec<Box<[LeafCode]>> =
            rules.into_iter().map(|r| r.condition.leaves.iter().map(|l| leaf(&l.expr)).collect()).collect();
        TraceCode {
            leaves: rules.iter().map(|r| r.len()).sum(),
            rules,
            rule_names,
            let_logs: lets.iter().map(|l| has_case(&l.value)).collect(),
        }
    }
}

fn leaf(e: &TExpr) -> LeafCode {
    if has_case(e) {
        return LeafCode::Interpreted;
    }
    match &e.kind {
        TKind::Cmp { lhs, rhs, .. } => LeafCode::Compare { left: lower_value(lhs), right: lower_value(rhs) },
        TKind::InList { needle, .. } | TKind::InBatch { needle, .. } => {
            LeafCode::Member { needle: lower_value(needle), set: None }
        }
        TKind::InSet { needle, set, .. } => {
            LeafCode::Member { needle: lower_value(needle), set: Some(lower_value(set)) }
        }
        _ => LeafCode::Bool(lower_bool(e)),
    }
}

/// `e` holds a `case` (lets it reads are not looked into: each let is
/// judged on its own, and computed by its own code).
fn has_case(e: &TExpr) -> bool {
    matches!(e.kind, TKind::Case { .. }) || e.children().into_iter().any(has_case)
}
