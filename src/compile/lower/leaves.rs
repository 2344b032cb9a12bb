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

use super::{lower_bool, lower_date, lower_dec, lower_int, lower_value, BoolCode, DateCode, DecCode, IntCode, OptCode};
use crate::compile::Rule;
use crate::ir::{Base, LetDef, TExpr, TKind};
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
    /// `left OP right` between two present numbers (an int beside a decimal
    /// is widened only to compare): each side runs to its own type, as the
    /// untraced comparisons do, and becomes a traced value only when recorded.
    Numbers {
        /// The left side.
        left: NumberCode,
        /// The right side.
        right: NumberCode,
    },
    /// `left OP right` between two present dates, each side to its date.
    Dates {
        /// The left side.
        left: DateCode,
        /// The right side.
        right: DateCode,
    },
    /// Any other `left OP right` (strings, members, booleans, what may be
    /// absent): both sides, each to its value.
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

/// One side of a comparison between numbers, run to its own type (the
/// trace records an int as an int, whatever the other side is).
#[derive(Clone, Debug, PartialEq)]
pub enum NumberCode {
    /// An `int`.
    Int(IntCode),
    /// A `decimal` or `money`.
    Dec(DecCode),
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
        TKind::Cmp { lhs, rhs, .. } => typed_compare(lhs, rhs)
            .unwrap_or_else(|| LeafCode::Compare { left: lower_value(lhs), right: lower_value(rhs) }),
        TKind::InList { needle, .. } | TKind::InBatch { needle, .. } => {
            LeafCode::Member { needle: lower_value(needle), set: None }
        }
        TKind::InSet { needle, set, .. } => {
            LeafCode::Member { needle: lower_value(needle), set: Some(lower_value(set)) }
        }
        _ => LeafCode::Bool(lower_bool(e)),
    }
}

/// A comparison whose sides are both present numbers or both present
/// dates, each side lowered to its own type; `None` for any other.
fn typed_compare(lhs: &TExpr, rhs: &TExpr) -> Option<LeafCode> {
    if lhs.ty.optional || rhs.ty.optional {
        return None;
    }
    match (&lhs.ty.base, &rhs.ty.base) {
        (Base::Date, Base::Date) => Some(LeafCode::Dates { left: lower_date(lhs), right: lower_date(rhs) }),
        _ => Some(LeafCode::Numbers { left: number(lhs)?, right: number(rhs)? }),
    }
}

/// `e` lowered to its own numeric type; `None` when it is not a number.
fn number(e: &TExpr) -> Option<NumberCode> {
    match e.ty.base {
        Base::Int => Some(NumberCode::Int(lower_int(e))),
        Base::Dec => Some(NumberCode::Dec(lower_dec(e))),
        _ => None,
    }
}

/// `e` holds a `case` (lets it reads are not looked into: each let is
/// judged on its own, and computed by its own code).
fn has_case(e: &TExpr) -> bool {
    matches!(e.kind, TKind::Case { .. }) || e.children().into_iter().any(has_case)
}
