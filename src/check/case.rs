//! Checking `case when … then … [else …] end`: each condition a present
//! bool, the branch values of one type (`int` and `decimal` mix to
//! `decimal`; strings and enum members to `string`; string literals alone
//! to an enum of them), `none` never a branch
//! value, and the case optional when it has no `else` (or a branch may be
//! absent).

use super::expr::{member_name, texpr, to_dec, Checked, Scope};
use super::narrow::present_when;
use super::Checker;
use crate::diagnostic::{codes, Span};
use crate::ir::*;
use crate::syntax::ast::{CaseBranch, Expr, ExprKind};
use std::sync::Arc;

impl Checker<'_> {
    /// Checks a case expression. Each condition and value is checked knowing
    /// that every earlier condition failed, a value also that its own held.
    pub(super) fn case(
        &mut self,
        branches: &[CaseBranch],
        otherwise: Option<&Expr>,
        span: Span,
        scope: Scope<'_>,
    ) -> Checked {
        let mut failed: Vec<TKind> = Vec::new();
        let mut conditions = Vec::with_capacity(branches.len());
        let mut values = Vec::with_capacity(branches.len() + 1);
        for branch in branches {
            let when = self.knowing(&failed, |c| c.condition(&branch.when, scope, "as a case's condition"));
            let mut held = failed.clone();
            if let Some(w) = &when {
                present_when(w, true, &mut held);
            }
            values.push(self.knowing(&held, |c| c.branch_value(&branch.then, scope, false)));
            if let Some(w) = &when {
                present_when(w, false, &mut failed);
            }
            conditions.push(when);
        }
        if let Some(e) = otherwise {
            values.push(self.knowing(&failed, |c| c.branch_value(e, scope, true)));
        }
        let conditions: Vec<TExpr> = conditions.into_iter().collect::<Option<_>>()?;
        let values: Vec<TExpr> = values.into_iter().collect::<Option<_>>()?;
        let (base, mut values) = self.branch_type(values)?;
        let optional = otherwise.is_none() || values.iter().any(|v| v.ty.optional);
        let otherwise = if otherwise.is_some() { values.pop().map(Box::new) } else { None };
        let branches = conditions.into_iter().zip(values).collect();
        Some(texpr(TKind::Case { branches, otherwise }, Ty { base, optional }, span))
    }

    /// A branch's value: anything but `none` and a duration.
    fn branch_value(&mut self, e: &Expr, scope: Scope<'_>, is_else: bool) -> Checked {
        if matches!(e.kind, ExprKind::None) {
            let help = if is_else {
                "leave `else` out: a case without `else` is none when no branch holds (then say what none means with `?? default` where it is used)"
            } else {
                "leave this branch out and the `else` too: a case is none when no branch holds"
            };
            self.err(codes::NONE_BRANCH, e.span, "`none` is not a case branch's value").help = Some(help.into());
            return None;
        }
        let t = self.expr(e, scope)?;
        if t.ty.base == Base::Duration {
            self.err(
                codes::TYPE_MISMATCH,
                t.span,
                "a case cannot give a duration; write the duration where it is used",
            );
            return None;
        }
        Some(t)
    }

    /// The type the branch values share, and the values converted to it.
    fn branch_type(&mut self, values: Vec<TExpr>) -> Option<(Base, Vec<TExpr>)> {
        if let Some(named) = literal_members(&values) {
            return Some(named);
        }
        let first = values.first()?.ty.base.clone();
        let all = |f: &dyn Fn(&Base) -> bool| values.iter().all(|v| f(&v.ty.base));
        if all(&|b| *b == first) {
            return Some((first, values));
        }
        if all(&Base::is_numeric) {
            return Some((Base::Dec, values.into_iter().map(to_dec).collect()));
        }
        if all(&|b| matches!(b, Base::Str | Base::Enum(_))) {
            let as_strings = values.into_iter().map(member_name).collect();
            return Some((Base::Str, as_strings));
        }
        let odd = values.iter().find(|v| !same_family(&v.ty.base, &first))?;
        let message = format!(
            "the branches of a case must give one type: the first gives {}, this one {}",
            first.describe(),
            odd.ty.base.describe()
        );
        self.err(codes::TYPE_MISMATCH, odd.span, message).help = Some(
            "numbers mix (int and decimal give decimal), strings mix with enum members; other types do not".into(),
        );
        None
    }
}

/// A case whose every value is a string literal (`"low"`, `"high"`) gives
/// one of those strings and nothing else: an enum of them, in the order they
/// are first written, so a misspelt member compared with it or written in a
/// table's cell is reported with "did you mean", and a table over it is
/// complete when it covers them all.
fn literal_members(values: &[TExpr]) -> Option<(Base, Vec<TExpr>)> {
    let mut members: Vec<Box<str>> = Vec::new();
    let mut indices = Vec::with_capacity(values.len());
    for v in values {
        let TKind::Const(Const::Str(s)) = &v.kind else { return None };
        let i = members.iter().position(|m| **m == **s).unwrap_or_else(|| {
            members.push(Box::from(&**s));
            members.len() - 1
        });
        indices.push(u32::try_from(i).ok()?);
    }
    let members: Arc<[Box<str>]> = members.into();
    let base = Base::Enum(members);
    let values = values
        .iter()
        .zip(indices)
        .map(|(v, i)| texpr(TKind::Const(Const::Enum(i)), Ty::req(base.clone()), v.span))
        .collect();
    Some((base, values))
}

/// Whether two branch types can share a case.
fn same_family(a: &Base, b: &Base) -> bool {
    a == b
        || (a.is_numeric() && b.is_numeric())
        || (matches!(a, Base::Str | Base::Enum(_)) && matches!(b, Base::Str | Base::Enum(_)))
}
