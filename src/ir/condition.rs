//! A rule's condition as a structure: its leaves (the conditions below
//! `and`, `or` and `not`) in evaluation order, and the shape that combines
//! them. Built once at compile time by [`Condition::of`], the one place that
//! decides the order of leaves; the tracer, `explain`, `test` coverage and
//! `diff` all index leaves by that order, so they can never disagree.

use super::{TExpr, TKind};

/// A rule's condition.
#[derive(Clone, Debug, PartialEq)]
pub struct Condition {
    /// The leaves, in evaluation order.
    pub leaves: Vec<Leaf>,
    /// How the leaves combine.
    pub shape: Shape,
}

/// One leaf of a condition.
#[derive(Clone, Debug, PartialEq)]
pub struct Leaf {
    /// The leaf's expression (a boolean that is not `and`, `or` or `not`).
    pub expr: TExpr,
    /// The leaf as written, whitespace collapsed, for traces and explanations.
    pub text: String,
    /// It stands under an odd number of `not`s.
    pub negated: bool,
    /// The `x` of each `x ?? d` the leaf always evaluates (not inside a
    /// case, an `and`/`or`, an aggregate, a table or a scorecard), in
    /// order: a trace says which of them were none, so that a default
    /// taken is told from a value equal to it. At most [`MAX_FALLBACKS`].
    pub fallbacks: Vec<Fallback>,
}

/// The most `??` a leaf's trace follows (a bit each in [`crate::eval::LeafTrace`]).
pub const MAX_FALLBACKS: usize = 16;

/// One `x ?? d` of a leaf: its `x`, and when that is evaluated.
#[derive(Clone, Debug, PartialEq)]
pub struct Fallback {
    /// The `x`.
    pub first: TExpr,
    /// As written, whitespace collapsed.
    pub text: String,
    /// Evaluated only when this earlier fallback of the leaf was none (the
    /// `b` of `a ?? b ?? 0`); `None`: whenever the leaf is.
    pub after: Option<usize>,
}

/// How leaves combine, by their index in [`Condition::leaves`].
#[derive(Clone, Debug, PartialEq)]
pub enum Shape {
    /// The leaf at this index.
    Leaf(usize),
    /// `not x`
    Not(Box<Shape>),
    /// `a and b` (`b` only when `a` holds)
    And(Box<Shape>, Box<Shape>),
    /// `a or b` (`b` only when `a` does not hold)
    Or(Box<Shape>, Box<Shape>),
}

impl Condition {
    /// Splits `when` into leaves and shape; `source` is the policy text its spans index.
    pub fn of(when: &TExpr, source: &str) -> Condition {
        let mut leaves = Vec::new();
        let shape = split(when, false, source, &mut leaves);
        Condition { leaves, shape }
    }
}

fn split(e: &TExpr, negated: bool, source: &str, leaves: &mut Vec<Leaf>) -> Shape {
    // INVARIANT: the left operand's leaves come before the right's, which is
    // the order `and`/`or` evaluate them in.
    match &e.kind {
        TKind::And(a, b) => {
            Shape::And(Box::new(split(a, negated, source, leaves)), Box::new(split(b, negated, source, leaves)))
        }
        TKind::Or(a, b) => {
            Shape::Or(Box::new(split(a, negated, source, leaves)), Box::new(split(b, negated, source, leaves)))
        }
        TKind::Not(a) => Shape::Not(Box::new(split(a, !negated, source, leaves))),
        _ => {
            let text = crate::syntax::one_line(source.get(e.span.range()).unwrap_or("?"));
            let mut fallbacks = Vec::new();
            fallbacks_of(e, None, source, &mut fallbacks);
            fallbacks.truncate(MAX_FALLBACKS);
            leaves.push(Leaf { expr: e.clone(), text, negated, fallbacks });
            Shape::Leaf(leaves.len() - 1)
        }
    }
}

/// The `??` of `e` that are evaluated whenever `e` is (or, after `after`,
/// whenever that fallback was none), in evaluation order.
fn fallbacks_of(e: &TExpr, after: Option<usize>, source: &str, out: &mut Vec<Fallback>) {
    match &e.kind {
        TKind::Coalesce(first, default) => {
            fallbacks_of(first, after, source, out);
            // What a trace may look at again without running anything twice:
            // an account field, a let (computed once), an aggregate (its
            // elements' fields are its own to say; a literal is never none).
            let read =
                matches!(first.kind, TKind::Field { frame: super::Frame::Account, .. } | TKind::Let(_) | TKind::Agg(_));
            let here = read.then(|| {
                let text = crate::syntax::one_line(source.get(first.span.range()).unwrap_or("?"));
                out.push(Fallback { first: (**first).clone(), text, after });
                out.len() - 1
            });
            // The default is evaluated only when `x` was none.
            if let Some(here) = here {
                fallbacks_of(default, Some(here), source, out);
            }
        }
        TKind::Case { .. }
        | TKind::And(..)
        | TKind::Or(..)
        | TKind::Agg(_)
        | TKind::TableRow(_)
        | TKind::TableOut { .. }
        | TKind::Scorecard(_) => {}
        _ => e.children().into_iter().for_each(|c| fallbacks_of(c, after, source, out)),
    }
}

impl Shape {
    /// The value of this part of the condition, given each leaf's value
    /// (`None`: not evaluated), as `and`/`or` short-circuit.
    pub fn value(&self, leaves: &[Option<bool>]) -> Option<bool> {
        match self {
            Shape::Leaf(i) => leaves.get(*i).copied().flatten(),
            Shape::Not(a) => a.value(leaves).map(|v| !v),
            Shape::And(a, b) => match a.value(leaves)? {
                false => Some(false),
                true => b.value(leaves),
            },
            Shape::Or(a, b) => match a.value(leaves)? {
                true => Some(true),
                false => b.value(leaves),
            },
        }
    }
}
