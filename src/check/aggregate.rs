//! Checking aggregates: `count`, `sum`, `min`, `max`, `avg`, `any`, `all`,
//! `latest`, `earliest` over a list field (or `count` of a set), with their
//! `where` and `within` clauses.

use super::call::CallSite;
use super::expr::{num_kind, texpr, Checked, Scope};
use super::Checker;
use crate::diagnostic::{codes, Span};
use crate::ir::*;
use crate::schema::{FieldKind, ListLayout, ScalarType};
use crate::syntax::ast::{Expr, ExprKind, Ident, Spanned};
use crate::value::Duration;

impl<'a> Checker<'a> {
    /// Checks an aggregate call: its one list argument, `where`, `within`,
    /// and the type the aggregate gives.
    pub(super) fn aggregate(&mut self, func: AggFunc, call: CallSite<'_>, scope: Scope<'_>) -> Checked {
        let fname = call.name.node.as_str();
        let [arg] = call.args else {
            self.err(codes::ARITY, call.span, format!("`{fname}` takes one list, such as `{fname}(overdues)`"));
            return None;
        };
        let ExprKind::Path(segments) = &arg.kind else {
            self.err(
                codes::NOT_AGGREGATABLE,
                arg.span,
                format!("`{fname}` aggregates a list field (or a set), such as `{fname}(overdues.days)`"),
            );
            return None;
        };
        let (list_slot, list, field_seg) = match self.resolve_list(segments, arg.span, scope)? {
            ListOrSet::Set(t) => return self.set_count(func, call, t),
            ListOrSet::List { slot, layout, field, path } => {
                self.element_lists.push(path);
                (slot, layout, field)
            }
        };
        let reported = self.diags.len();
        let (filter_t, projected) = self.element_parts(list, field_seg, call.filter);
        if let (None, Some(filter)) = (&filter_t, call.filter) {
            let list_name = segments.iter().map(|s| s.node.as_str()).collect::<Vec<_>>().join(".");
            self.note_shadowing(filter, &list.element, &list_name, reported);
        }
        self.element_lists.pop();
        let filter = filter_t?;
        let window = self.window(call.window, list)?;
        let by_slot = list.by.as_ref().map(|(_, s)| *s);
        let projected = projected?;
        let mut agg = Aggregate { func, list_slot, field: None, num: None, filter, window, by_slot };
        let ty = match func {
            AggFunc::Count => Ty::req(Base::Int),
            AggFunc::Any | AggFunc::All => self.bool_aggregate(fname, projected.as_ref())?,
            AggFunc::Sum | AggFunc::Min | AggFunc::Max | AggFunc::Avg | AggFunc::Latest | AggFunc::Earliest => {
                let list_name = segments.first().map_or("", |s| s.node.as_str());
                let (ty, num) = self.valued_aggregate(&agg, call, list, projected.as_ref(), arg, list_name)?;
                agg.num = num;
                ty
            }
        };
        if let Some(TExpr { kind: TKind::Field { slot, .. }, .. }) = projected {
            agg.field = Some(slot);
        }
        Some(texpr(TKind::Agg(Box::new(agg)), ty, call.span))
    }

    /// `count(set)`; a set supports no other aggregate, nor `where`/`within`.
    fn set_count(&mut self, func: AggFunc, call: CallSite<'_>, set: TExpr) -> Checked {
        if func != AggFunc::Count || call.filter.is_some() || call.window.is_some() {
            let fname = call.name.node.as_str();
            self.err(codes::NOT_AGGREGATABLE, call.span, format!("a set supports `count(set)` and `len(set)` only; `{fname}` with `where`/`within` needs a list field"));
            return None;
        }
        Some(texpr(TKind::SetCount(Box::new(set)), Ty::req(Base::Int), call.span))
    }

    /// The `where` condition and the projected field, both in the element's
    /// scope; `None` for a part with an error (reported).
    fn element_parts(
        &mut self,
        list: &ListLayout,
        field_path: Option<&[Ident]>,
        filter: Option<&Expr>,
    ) -> (Option<Option<TExpr>>, Option<Option<TExpr>>) {
        let elem_scope = Scope { element: Some(&list.element) };
        let filter_t = match filter {
            Some(f) => self.condition(f, elem_scope, "after `where`").map(Some),
            None => Some(None),
        };
        let projected = match (&filter_t, field_path) {
            (Some(_), Some(segments)) => {
                let span = match (segments.first(), segments.last()) {
                    (Some(first), Some(last)) => first.span.to(last.span),
                    _ => Span::default(),
                };
                self.field_path(&list.element, Frame::Element, segments, span).map(Some)
            }
            (Some(_), None) => Some(None),
            (None, _) => None,
        };
        (filter_t, projected)
    }

    /// The `within` window on the list's date key; `None` after an error.
    fn window(&mut self, window: Option<&Spanned<Duration>>, list: &ListLayout) -> Option<Option<(Duration, usize)>> {
        let Some(w) = window else { return Some(None) };
        if !self.duration_within_max(w.node, w.span) {
            return None;
        }
        match &list.by {
            Some((_, by_slot)) => Some(Some((w.node, *by_slot))),
            None => {
                self.err(
                    codes::NO_DATE_KEY,
                    w.span,
                    "`within` needs the list to have a date key (`by:` in the schema)",
                );
                None
            }
        }
    }

    /// `any`/`all`: of the elements, or of a bool field of theirs.
    fn bool_aggregate(&mut self, fname: &str, projected: Option<&TExpr>) -> Option<Ty> {
        if let Some(p) = projected {
            if p.ty.base != Base::Bool {
                self.err(
                    codes::NOT_AGGREGATABLE,
                    p.span,
                    format!("`{fname}` of a field needs a bool field, found {}", p.ty.describe()),
                );
                return None;
            }
        }
        Some(Ty::req(Base::Bool))
    }

    /// `sum`, `min`, `max`, `avg`, `latest`, `earliest`: of a field of the
    /// list, which must be of a type the aggregate takes. Gives the type and
    /// the number domain.
    fn valued_aggregate(
        &mut self,
        agg: &Aggregate,
        call: CallSite<'_>,
        list: &ListLayout,
        projected: Option<&TExpr>,
        arg: &Expr,
        list_name: &str,
    ) -> Option<(Ty, Option<NumKind>)> {
        let (func, fname, span) = (agg.func, call.name.node.as_str(), call.span);
        let Some(p) = projected else {
            let example = list
                .element
                .fields
                .iter()
                .find(|f| {
                    matches!(f.kind, FieldKind::Scalar(ScalarType::Int | ScalarType::Decimal | ScalarType::Money))
                })
                .or(list.element.fields.first())
                .map_or("amount", |f| f.name.as_str());
            self.err(
                codes::NOT_AGGREGATABLE,
                arg.span,
                format!("`{fname}` needs a field of the list, such as `{fname}({list_name}.{example})`"),
            );
            return None;
        };
        if matches!(func, AggFunc::Latest | AggFunc::Earliest) && agg.by_slot.is_none() {
            self.err(
                codes::NO_DATE_KEY,
                span,
                format!("`{fname}` needs the list to have a date key (`by:` in the schema)"),
            );
            return None;
        }
        let base = p.ty.base.clone();
        let ok = match func {
            AggFunc::Sum | AggFunc::Avg => base.is_numeric(),
            AggFunc::Min | AggFunc::Max => base.is_numeric() || base == Base::Date,
            _ => true,
        };
        if !ok {
            self.err(
                codes::NOT_AGGREGATABLE,
                p.span,
                format!("`{fname}` needs a number field, found {}", p.ty.describe()),
            );
            return None;
        }
        let num = if base.is_numeric() { Some(num_kind(&base)) } else { None };
        Some(match func {
            AggFunc::Sum => (Ty::req(base), num),
            AggFunc::Avg => (Ty::opt(Base::Dec), Some(NumKind::Dec)),
            _ => (Ty::opt(base), num),
        })
    }

    #[expect(
        clippy::indexing_slicing,
        reason = "paths have at least one segment (the grammar requires a first name), argument counts are checked before arguments are read, and let and hook indices come from lookups in the same vectors"
    )]
    fn resolve_list<'s>(&mut self, segments: &'s [Ident], span: Span, scope: Scope<'_>) -> Option<ListOrSet<'a, 's>> {
        let schema: &'a crate::schema::Schema = self.schema;
        let mut current = &schema.root;
        for (i, seg) in segments.iter().enumerate() {
            let Some(field) = current.field(&seg.node) else {
                // Not a field: maybe a set-valued let, or a typo.
                break;
            };
            let path_so_far = segments[..=i].iter().map(|s| s.node.as_str()).collect::<Vec<_>>().join(".");
            self.check_prohibited(&path_so_far, span);
            match &field.kind {
                FieldKind::Record(inner) => current = inner,
                FieldKind::List(layout) => {
                    // The element's field, through its records (`txns.fee.amount`).
                    let rest = &segments[i + 1..];
                    return Some(ListOrSet::List {
                        slot: field.slot.unwrap_or(0),
                        layout,
                        field: (!rest.is_empty()).then_some(rest),
                        path: path_so_far,
                    });
                }
                FieldKind::Set(_) | FieldKind::Scalar(_) => break,
            }
        }
        let t = self.path(segments, span, scope)?;
        match t.ty.base {
            Base::Set(_) => Some(ListOrSet::Set(self.present(t, "in an aggregate")?)),
            _ => {
                self.err(
                    codes::NOT_AGGREGATABLE,
                    span,
                    format!("`{}` is {}, not a list field or a set", self.source_text(span), t.ty.describe()),
                );
                None
            }
        }
    }
}

enum ListOrSet<'a, 's> {
    Set(TExpr),
    List { slot: usize, layout: &'a ListLayout, field: Option<&'s [Ident]>, path: String },
}
