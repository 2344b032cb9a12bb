//! Narrowing: where a test has proved an optional value present, it may be
//! used as present. After `x != none and`, in the rest of that `and` chain;
//! after `x == none or`, in the rest of that `or`; in the branch of
//! `case when x != none then …`, and in the branches after `case when x ==
//! none then …`. Only what evaluation order guarantees narrows: the right of
//! `and`/`or` runs only when the left decided so, a case branch only when its
//! condition held and every earlier one did not.
//!
//! A fact names what is present by its checked form ([`TKind`], compared
//! whole), so `overdue_days` and `max(overdues.days)` narrow, and a name that
//! an aggregate's `where` shadows (an element field) is never confused with
//! the account's field of the same name.

use super::Checker;
use crate::diagnostic::Span;
use crate::ir::{Frame, TExpr, TKind};

/// A value proved present, and the aggregate nesting it was proved at (an
/// element field is the same slot of another element one level deeper).
#[derive(Clone, Debug)]
pub(super) struct Fact {
    kind: TKind,
    depth: usize,
}

/// The values `cond` proves present when it evaluates to `holds`.
pub(super) fn present_when(cond: &TExpr, holds: bool, out: &mut Vec<TKind>) {
    match (&cond.kind, holds) {
        (TKind::IsNone { negate, operand }, _) if *negate == holds => out.push(operand.kind.clone()),
        // Both sides held / both failed.
        (TKind::And(a, b), true) | (TKind::Or(a, b), false) => {
            present_when(a, holds, out);
            present_when(b, holds, out);
        }
        (TKind::Not(a), _) => present_when(a, !holds, out),
        _ => {}
    }
}

/// What an `and` (or `or`) chain with an error in it still proves, from its
/// parts that checked: kept so that the chain's next link narrows as it
/// would without the error, instead of reporting a second, false error.
#[derive(Debug)]
pub(super) struct Salvaged {
    /// The failed chain.
    span: Span,
    /// `and`: the facts when it holds; `or`: when it fails. (Nothing is
    /// proved the other way: a failed `a and b` need not mean `a` failed.)
    and: bool,
    facts: Vec<TKind>,
}

impl Checker<'_> {
    /// What the failed chain at `span` proves when it holds (`and`) or fails (`or`).
    pub(super) fn salvaged_facts(&mut self, span: Span, and: bool) -> Vec<TKind> {
        match self.salvaged.take() {
            Some(s) if s.span == span && s.and == and => s.facts,
            _ => Vec::new(),
        }
    }

    /// Records what the failed chain at `span` proves: `facts`, what its left
    /// proved, and what its right (`right`, when it checked) proves.
    pub(super) fn salvage(&mut self, span: Span, and: bool, mut facts: Vec<TKind>, right: Option<&TExpr>) {
        if let Some(right) = right {
            present_when(right, and, &mut facts);
        }
        self.salvaged = Some(Salvaged { span, and, facts });
    }

    /// Carries what the failed chain `operand` proves over to `not operand`
    /// at `span`: it holds when the chain fails, and fails when it holds.
    pub(super) fn salvage_negated(&mut self, operand: Span, span: Span) {
        if let Some(s) = self.salvaged.take().filter(|s| s.span == operand) {
            self.salvaged = Some(Salvaged { span, and: !s.and, facts: s.facts });
        }
    }

    /// Runs `check` with `facts` known, then forgets them.
    pub(super) fn knowing<T>(&mut self, facts: &[TKind], check: impl FnOnce(&mut Self) -> T) -> T {
        let before = self.narrowed.len();
        let depth = self.element_lists.len();
        self.narrowed.extend(facts.iter().map(|kind| Fact { kind: kind.clone(), depth }));
        let out = check(self);
        self.narrowed.truncate(before);
        out
    }

    /// `t` as present when a fact in force says it is.
    pub(super) fn narrow(&self, mut t: TExpr) -> TExpr {
        if !t.ty.optional {
            return t;
        }
        let depth = self.element_lists.len();
        let element = matches!(t.kind, TKind::Field { frame: Frame::Element, .. });
        if self.narrowed.iter().any(|f| f.kind == t.kind && (!element || f.depth == depth)) {
            t.ty.optional = false;
        }
        t
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::Span;
    use crate::ir::{Base, Const, Ty};

    fn field(slot: usize) -> TExpr {
        TExpr { kind: TKind::Field { frame: Frame::Account, slot }, ty: Ty::opt(Base::Int), span: Span::default() }
    }
    fn bool_of(kind: TKind) -> TExpr {
        TExpr { kind, ty: Ty::req(Base::Bool), span: Span::default() }
    }
    fn is_none(slot: usize, negate: bool) -> TExpr {
        bool_of(TKind::IsNone { negate, operand: Box::new(field(slot)) })
    }
    fn facts(cond: &TExpr, holds: bool) -> Vec<TKind> {
        let mut out = Vec::new();
        present_when(cond, holds, &mut out);
        out
    }

    #[test]
    fn only_what_the_outcome_proves_narrows() {
        let present = |slot| TKind::Field { frame: Frame::Account, slot };
        assert_eq!(facts(&is_none(1, true), true), vec![present(1)]);
        assert!(facts(&is_none(1, true), false).is_empty());
        assert_eq!(facts(&is_none(1, false), false), vec![present(1)]);
        assert!(facts(&is_none(1, false), true).is_empty());
        let both = bool_of(TKind::And(Box::new(is_none(1, true)), Box::new(is_none(2, true))));
        assert_eq!(facts(&both, true), vec![present(1), present(2)]);
        assert!(facts(&both, false).is_empty(), "a failed `and` says nothing of either side");
        let either = bool_of(TKind::Or(Box::new(is_none(1, true)), Box::new(is_none(2, true))));
        assert!(facts(&either, true).is_empty(), "a held `or` says nothing of either side");
        let negated = bool_of(TKind::Not(Box::new(is_none(1, false))));
        assert_eq!(facts(&negated, true), vec![present(1)]);
        let other = bool_of(TKind::Const(Const::Bool(true)));
        assert!(facts(&other, true).is_empty());
    }
}
