//! Aggregates of the lowered code: the list's elements in the `within`
//! window (the list read, the window's lower bound computed, the elements
//! charged to the account's bound, in that order and with the failures of
//! `Ctx::aggregate`), then folded. The forms the lifecycle policy uses
//! (`count` without `where`, `min`/`max` of an int field, `sum` of a
//! decimal field, `any`/`all` with a `where`) fold in their own Rust type
//! and return it in registers; the others fold through values ([`Fold`]).

use super::{mismatch, Run, Runner};
use crate::compile::lower::AggCode;
use crate::eval::fold::Fold;
use crate::ir::{AggFunc, NumKind};
use crate::value::{Date, EvalFailure, FailureKind, Record, Val, Value};
use rust_decimal::Decimal;

/// The elements an aggregate goes over, and the window's lower bound (exclusive).
type Selected<'a> = (&'a [Record], Option<Date>);

impl<'a> Runner<'_, 'a> {
    /// An aggregate, as `Ctx::aggregate` computes it, with its `where` lowered.
    pub(super) fn agg(&mut self, agg: &'a AggCode) -> Run<Val<'a>> {
        let (elements, lower) = self.selected(agg)?;
        let saved = self.ctx.element;
        let result = self.fold(agg, elements, lower);
        self.ctx.element = saved;
        result
    }

    /// `count(list [within D])` without `where` ([`IntCode::Count`](crate::compile::lower::IntCode::Count)).
    // Out of line: a dispatcher reaches it by a tail call.
    #[inline(never)]
    pub(super) fn count(&mut self, agg: &'a AggCode) -> Run<i64> {
        let (elements, lower) = self.selected(agg)?;
        Ok(self.counted(agg, elements, lower))
    }

    /// How many of `elements` are in the window.
    #[inline(always)]
    fn counted(&self, agg: &AggCode, elements: &[Record], lower: Option<Date>) -> i64 {
        let n = elements.iter().filter(|e| self.in_window(agg, e, lower)).count();
        i64::try_from(n).unwrap_or(i64::MAX)
    }

    /// `min` / `max` of an int field, `None` when no selected element has a value.
    pub(super) fn extreme(&mut self, agg: &'a AggCode) -> Run<Option<i64>> {
        let (elements, lower) = self.selected(agg)?;
        let Some(slot) = agg.field else {
            return self.fail(EvalFailure::internal("an extreme without a field"));
        };
        let saved = self.ctx.element;
        let result = self.int_extreme(agg, elements, lower, slot);
        self.ctx.element = saved;
        result
    }

    /// `sum` of a decimal field ([`DecCode::Sum`](crate::compile::lower::DecCode::Sum)).
    // Out of line: a dispatcher reaches it by a tail call.
    #[inline(never)]
    pub(super) fn sum(&mut self, agg: &'a AggCode) -> Run<Decimal> {
        let (elements, lower) = self.selected(agg)?;
        let Some(slot) = agg.field else {
            return self.fail(EvalFailure::internal("a sum without a field"));
        };
        let saved = self.ctx.element;
        let result = self.dec_sum(agg, elements, lower, slot);
        self.ctx.element = saved;
        result
    }

    /// `any` / `all` of the list itself, the `where` as the predicate
    /// ([`BoolCode::Agg`](crate::compile::lower::BoolCode::Agg)): the first
    /// element that decides stops the loop, as [`Fold::step`] does.
    pub(super) fn any_all(&mut self, agg: &'a AggCode) -> Run<bool> {
        let any = match agg.func {
            AggFunc::Any => true,
            AggFunc::All => false,
            _ => return self.fail(EvalFailure::internal("`any` or `all` expected")),
        };
        let (elements, lower) = self.selected(agg)?;
        let saved = self.ctx.element;
        let mut result = Ok(!any);
        for element in elements {
            if !self.in_window(agg, element, lower) {
                continue;
            }
            let passes = match &agg.filter {
                Some(filter) => {
                    self.ctx.element = Some(element);
                    match self.bool(filter) {
                        Ok(passes) => passes,
                        Err(failed) => {
                            result = Err(failed);
                            break;
                        }
                    }
                }
                None => true,
            };
            if passes == any {
                result = Ok(any);
                break;
            }
        }
        self.ctx.element = saved;
        result
    }

    /// The list's elements in the window, charged to the account's bound.
    #[inline(always)]
    fn selected(&mut self, agg: &AggCode) -> Run<Selected<'a>> {
        let Some(Value::List(elements)) = self.account.slots.get(agg.list_slot) else {
            return self.fail(EvalFailure::internal("list expected"));
        };
        let elements: &'a [Record] = elements;
        let lower = match agg.window {
            Some((d, _)) => match d.sub_from(self.ctx.as_of) {
                Some(lower) => Some(lower),
                None => {
                    return self.fail(EvalFailure {
                        kind: FailureKind::Eval,
                        message: format!("date out of range: as_of - {d}"),
                    })
                }
            },
            None => None,
        };
        let elements = match (lower, agg.window) {
            (Some(lower), Some((_, key))) => self.ctx.window(elements, key, lower),
            _ => elements,
        };
        let charged = self.ctx.charge(elements.len());
        self.park(charged)?;
        Ok((elements, lower))
    }

    fn in_window(&self, agg: &AggCode, element: &Record, lower: Option<Date>) -> bool {
        match (lower, agg.window) {
            (Some(lower), Some((_, key))) => {
                matches!(element.slots.get(key), Some(Value::Date(d)) if *d > lower && *d <= self.ctx.as_of)
            }
            _ => true,
        }
    }

    fn fold(&mut self, agg: &'a AggCode, elements: &'a [Record], lower: Option<Date>) -> Run<Val<'a>> {
        if agg.filter.is_none() {
            match (agg.func, agg.field) {
                // The latest is the last element in the window: nothing else needs reading.
                (AggFunc::Latest, Some(slot)) => return Ok(elements.last().map_or(Val::None, |e| e.val(slot))),
                (AggFunc::Latest, None) => return Ok(if elements.is_empty() { Val::None } else { Val::Bool(true) }),
                (AggFunc::Count, None) => return Ok(Val::Int(self.counted(agg, elements, lower))),
                _ => {}
            }
        }
        match (agg.func, agg.field, agg.num) {
            (AggFunc::Min | AggFunc::Max, Some(slot), Some(NumKind::Int)) => {
                return self.int_extreme(agg, elements, lower, slot).map(|v| v.map_or(Val::None, Val::Int))
            }
            (AggFunc::Sum, Some(slot), Some(NumKind::Dec)) => {
                return self.dec_sum(agg, elements, lower, slot).map(Val::Dec)
            }
            _ => {}
        }
        // For `any`/`all` of the list itself, the `where` condition is the
        // predicate; everywhere else it selects the elements.
        let predicate = matches!(agg.func, AggFunc::Any | AggFunc::All) && agg.field.is_none();
        let mut fold = Fold::new(agg.func, agg.num);
        for element in elements {
            if !self.in_window(agg, element, lower) {
                continue;
            }
            let mut passes = true;
            if let Some(filter) = &agg.filter {
                self.ctx.element = Some(element);
                passes = self.bool(filter)?;
                if !passes && !predicate {
                    continue;
                }
            }
            let value = match agg.field {
                Some(slot) => element.val(slot),
                None => Val::Bool(passes),
            };
            if let Some(done) = self.park(fold.step(value))? {
                return Ok(done);
            }
        }
        self.park(fold.finish())
    }

    /// Whether `element` is in the window and passes the `where` (which reads it as its element).
    #[inline(always)]
    fn selects(&mut self, agg: &'a AggCode, element: &'a Record, lower: Option<Date>) -> Run<bool> {
        if !self.in_window(agg, element, lower) {
            return Ok(false);
        }
        match &agg.filter {
            Some(filter) => {
                self.ctx.element = Some(element);
                self.bool(filter)
            }
            None => Ok(true),
        }
    }

    /// `min` / `max` of an int field, in an `i64`.
    fn int_extreme(
        &mut self,
        agg: &'a AggCode,
        elements: &'a [Record],
        lower: Option<Date>,
        slot: usize,
    ) -> Run<Option<i64>> {
        let mut acc: Option<i64> = None;
        for element in elements {
            if !self.selects(agg, element, lower)? {
                continue;
            }
            let v = match element.slots.get(slot) {
                Some(Value::Int(v)) => *v,
                Some(Value::None) | None => continue,
                Some(other) => return self.fail(mismatch("int", other.val())),
            };
            acc = Some(match acc {
                None => v,
                Some(a) if agg.func == AggFunc::Min => a.min(v),
                Some(a) => a.max(v),
            });
        }
        Ok(acc)
    }

    /// `sum` of a decimal field, in a `Decimal` (the first value kept as it is, scale included).
    fn dec_sum(&mut self, agg: &'a AggCode, elements: &'a [Record], lower: Option<Date>, slot: usize) -> Run<Decimal> {
        let mut acc: Option<Decimal> = None;
        for element in elements {
            if !self.selects(agg, element, lower)? {
                continue;
            }
            let v = match element.slots.get(slot) {
                Some(Value::Dec(v)) => *v,
                Some(Value::None) | None => continue,
                Some(other) => return self.fail(mismatch("decimal", other.val())),
            };
            acc = Some(match acc {
                None => v,
                Some(a) => match crate::ir::exact::add(a, v) {
                    Some(sum) => sum,
                    None => return self.fail(EvalFailure::overflow()),
                },
            });
        }
        Ok(acc.unwrap_or(Decimal::ZERO))
    }
}
