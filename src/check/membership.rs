//! Checking `x in ...` and `x not in ...`: a batch, a literal list or a set.

use super::expr::{texpr, Checked, Scope};
use super::Checker;
use crate::diagnostic::{codes, Span};
use crate::ir::*;
use crate::syntax::ast::{Expr, ExprKind};

impl Checker<'_> {
    /// Checks `lhs in rhs` (`negate`: `not in`) against a batch, a literal list or a set.
    pub(super) fn membership(&mut self, negate: bool, lhs: &Expr, rhs: &Expr, span: Span, scope: Scope<'_>) -> Checked {
        let what = "on the left of `in`";
        let needle = self.expr(lhs, scope).and_then(|t| self.present(t, what));
        if let Some(batch) = self.batch_named(rhs, scope) {
            return self.in_batch(negate, needle?, batch, span);
        }
        if let ExprKind::List(items) = &rhs.kind {
            return self.in_list(negate, needle?, items, span, scope);
        }
        let set = self.expr(rhs, scope).and_then(|t| self.present(t, "on the right of `in`"));
        let (needle, set) = (needle?, set?);
        let Base::Set(elem) = &set.ty.base else {
            self.err(
                codes::TYPE_MISMATCH,
                set.span,
                format!("`in` needs a list `[...]`, a set field or a batch on its right, found {}", set.ty.describe()),
            )
            .help = Some("for a batch, declare it: `batch name from \"file.txt\"`".into());
            return None;
        };
        let compatible = match (&**elem, &needle.ty.base) {
            (Base::Enum(_), Base::Str) | (Base::Str, Base::Enum(_)) => true,
            (a, b) => a == b,
        };
        if !compatible {
            self.err(
                codes::TYPE_MISMATCH,
                needle.span,
                format!("the set holds {}, but the left of `in` is {}", elem.describe(), needle.ty.describe()),
            );
            return None;
        }
        // A set of enum members holds member names only: a text that names
        // none (`"zz" in kinds`) could never be in it, as in a comparison.
        if let (Base::Enum(members), TKind::Const(Const::Str(_))) = (&**elem, &needle.kind) {
            let members = members.clone();
            self.enum_literal(needle.clone(), &members)?;
        }
        Some(texpr(TKind::InSet { negate, needle: Box::new(needle), set: Box::new(set) }, Ty::req(Base::Bool), span))
    }

    /// The batch a right-hand side of `in` names (a single name that no
    /// element field shadows), marked as used.
    fn batch_named(&mut self, rhs: &Expr, scope: Scope<'_>) -> Option<usize> {
        let ExprKind::Path(segs) = &rhs.kind else { return None };
        let [name] = segs.as_slice() else { return None };
        if scope.element.is_some_and(|e| e.field(&name.node).is_some()) {
            return None;
        }
        let batch = self.batches.iter().position(|b| *b == name.node)?;
        self.used_batches.insert(batch);
        Some(batch)
    }

    /// `id in batch`: a batch holds account ids, strings or whole numbers.
    fn in_batch(&mut self, negate: bool, needle: TExpr, batch: usize, span: Span) -> Checked {
        if !matches!(needle.ty.base, Base::Str | Base::Int) {
            self.err(
                codes::TYPE_MISMATCH,
                needle.span,
                format!("a batch holds account ids; expected a string or int, found {}", needle.ty.describe()),
            );
            return None;
        }
        if needle.ty.base == Base::Int {
            self.int_batch_uses.entry(batch).or_insert(needle.span);
        }
        Some(texpr(TKind::InBatch { negate, needle: Box::new(needle), batch }, Ty::req(Base::Bool), span))
    }

    /// `x in [a, b]`: literal items of the needle's type. Every item is
    /// checked, so two misspelt members are reported in one run.
    fn in_list(&mut self, negate: bool, needle: TExpr, items: &[Expr], span: Span, scope: Scope<'_>) -> Checked {
        let checked: Vec<Option<Const>> = items.iter().map(|item| self.list_item(&needle, item, scope)).collect();
        let consts: Vec<Const> = checked.into_iter().collect::<Option<_>>()?;
        self.list_like_a_range((negate, span), &needle, items, &consts);
        Some(texpr(TKind::InList { negate, needle: Box::new(needle), items: consts }, Ty::req(Base::Bool), span))
    }

    /// One item of `x in [...]`: a literal of the needle's type, or reported.
    fn list_item(&mut self, needle: &TExpr, item: &Expr, scope: Scope<'_>) -> Option<Const> {
        let t = self.expr(item, scope)?;
        let t = match (&needle.ty.base, &t.ty.base) {
            (Base::Enum(m), Base::Str) if matches!(t.kind, TKind::Const(_)) => {
                let m = m.clone();
                self.enum_literal(t, &m)?
            }
            // A string that is not a literal (`status in ["active", id]`): what is
            // wrong is the item, as for any other list, not a comparison.
            (Base::Enum(_), Base::Str) => {
                self.err(codes::LIST_ITEM_NOT_LITERAL, t.span, "list items must be literals");
                return None;
            }
            (a, b) if a == b || (a.is_numeric() && b.is_numeric()) => t,
            _ => {
                self.err(
                    codes::TYPE_MISMATCH,
                    t.span,
                    format!("list item is {}, but the left of `in` is {}", t.ty.describe(), needle.ty.describe()),
                );
                return None;
            }
        };
        match negated_literal(t) {
            TExpr { kind: TKind::Const(c), .. } => Some(numeric_like(c, &needle.ty.base)),
            t => {
                self.err(codes::LIST_ITEM_NOT_LITERAL, t.span, "list items must be literals");
                None
            }
        }
    }

    /// `W0115`: `score in [600, 700]` holds for 600 and 700 only, though a
    /// table's cell writes the range from 600 to 700 the same way. Two
    /// ascending numbers or dates with values between them are more likely
    /// meant as the range; the warning says how to write either.
    fn list_like_a_range(&mut self, (negate, span): (bool, Span), needle: &TExpr, items: &[Expr], consts: &[Const]) {
        let apart = match consts {
            [Const::Int(a), Const::Int(b)] => b.checked_sub(*a).is_some_and(|d| d > 1),
            [Const::Dec(a), Const::Dec(b)] => a < b,
            [Const::Date(a), Const::Date(b)] => crate::value::days_between(*a, *b) > 1,
            _ => false,
        };
        let [low, high] = items else { return };
        if !apart {
            return;
        }
        let x = self.source_text(needle.span);
        let (low, high) = (self.source_text(low.span), self.source_text(high.span));
        let (range, values) = range_or_values(&x, (&low, &high), negate);
        let (written, holds, for_range) =
            if negate { ("not in", "fails", "to leave the range out") } else { ("in", "holds", "for the range") };
        self.warn(
            codes::LIST_LIKE_A_RANGE,
            span,
            format!("`{x} {written} [{low}, {high}]` {holds} for {low} and {high} only, not for the values between"),
        )
        .help = Some(format!(
            "{for_range}, write `{range}` (`[{low}, {high}]` is a range only in a table's cell); for the two \
             values, `{values}`"
        ));
    }
}

/// `x in [low, high]` written both ways it may mean (W0115): the range
/// from `low` to `high`, and the two values; for `not in`, their negations.
/// The warning's help and the editor's quick fixes both write these.
#[must_use]
pub fn range_or_values(x: &str, (low, high): (&str, &str), negate: bool) -> (String, String) {
    if negate {
        (format!("{x} < {low} or {x} > {high}"), format!("{x} != {low} and {x} != {high}"))
    } else {
        (format!("{x} >= {low} and {x} <= {high}"), format!("{x} == {low} or {x} == {high}"))
    }
}

fn numeric_like(c: Const, target: &Base) -> Const {
    match (c, target) {
        (Const::Int(i), Base::Dec) => Const::Dec(i.into()),
        (c, _) => c,
    }
}

/// `-5` in a list is the literal -5 (a literal negated is still a literal).
fn negated_literal(t: TExpr) -> TExpr {
    let negated = match &t.kind {
        TKind::Neg(_, inner) => match &inner.kind {
            TKind::Const(c) => super::constant::negated(c).ok().flatten(),
            _ => None,
        },
        _ => None,
    };
    match negated {
        Some(c) => TExpr { kind: TKind::Const(c), ..t },
        None => t,
    }
}
