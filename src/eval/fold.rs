//! How an aggregate function combines the values of the elements it
//! selected: the one definition, shared by the interpreter
//! (`expr.rs`) and the lowered code (`run.rs`), which differ only in how
//! they select elements.

use crate::ir::ops::divide;
use crate::ir::{AggFunc, ArithOp, NumKind};
use crate::value::{compare, EvalFailure, Val};
use rust_decimal::Decimal;
use std::cmp::Ordering;

/// What an aggregate has gathered so far.
pub(crate) struct Fold<'a> {
    func: AggFunc,
    /// The result domain of `sum` (an empty sum is `0` of it).
    num: Option<NumKind>,
    /// Elements counted (`count`), or values summed (`avg`).
    count: i64,
    acc: Val<'a>,
}

impl<'a> Fold<'a> {
    /// An empty fold for `func`.
    pub(crate) fn new(func: AggFunc, num: Option<NumKind>) -> Self {
        Fold { func, num, count: 0, acc: Val::None }
    }

    /// Takes the value of one selected element (for `any`/`all` of the list
    /// itself, whether it passed the `where`); `Some` once the result is
    /// known without reading further elements.
    #[inline]
    pub(crate) fn step(&mut self, value: Val<'a>) -> Result<Option<Val<'a>>, EvalFailure> {
        match self.func {
            // `count(list.field)` counts the elements where the field is present.
            AggFunc::Count => self.count += i64::from(value != Val::None),
            AggFunc::Any if value == Val::Bool(true) => return Ok(Some(Val::Bool(true))),
            AggFunc::All if value != Val::Bool(true) => return Ok(Some(Val::Bool(false))),
            AggFunc::Any | AggFunc::All => {}
            AggFunc::Latest => self.acc = value,
            AggFunc::Earliest => return Ok(Some(value)),
            // Absent values are left out of sums, averages and extremes.
            AggFunc::Sum | AggFunc::Avg if value != Val::None => {
                self.count += 1;
                // An average of ints is summed exactly as a decimal: its mean
                // fits an int even where the ints' sum would not.
                let value = match (self.func, value) {
                    (AggFunc::Avg, Val::Int(i)) => Val::Dec(Decimal::from(i)),
                    _ => value,
                };
                self.acc = if self.acc == Val::None { value } else { ArithOp::Add.apply(self.acc, value)? };
            }
            AggFunc::Min | AggFunc::Max if value != Val::None => self.acc = self.extreme(value)?,
            AggFunc::Sum | AggFunc::Avg | AggFunc::Min | AggFunc::Max => {}
        }
        Ok(None)
    }

    fn extreme(&self, value: Val<'a>) -> Result<Val<'a>, EvalFailure> {
        let min = self.func == AggFunc::Min;
        Ok(match (self.acc, value) {
            (Val::None, _) => value,
            (Val::Int(a), Val::Int(v)) => Val::Int(if min { a.min(v) } else { a.max(v) }),
            (current, _) => {
                let ord = compare(value, current)?;
                let better = if min { ord == Ordering::Less } else { ord == Ordering::Greater };
                if better {
                    value
                } else {
                    current
                }
            }
        })
    }

    /// The aggregate's value once every element was taken.
    pub(crate) fn finish(self) -> Result<Val<'a>, EvalFailure> {
        Ok(match self.func {
            AggFunc::Count => Val::Int(self.count),
            AggFunc::Any => Val::Bool(false),
            AggFunc::All => Val::Bool(true),
            AggFunc::Sum => match (self.acc, self.num) {
                (Val::None, Some(NumKind::Int)) => Val::Int(0),
                (Val::None, _) => Val::Dec(Decimal::ZERO),
                (v, _) => v,
            },
            AggFunc::Avg => match self.acc {
                Val::Int(total) => Val::Dec(divide(Decimal::from(total), Decimal::from(self.count))?),
                Val::Dec(total) => Val::Dec(divide(total, Decimal::from(self.count))?),
                v => v,
            },
            AggFunc::Latest | AggFunc::Min | AggFunc::Max => self.acc,
            AggFunc::Earliest => Val::None,
        })
    }
}
