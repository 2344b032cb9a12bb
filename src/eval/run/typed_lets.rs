//! Lets of a known type (decimal, int, bool) computed and read by that
//! type: the value comes back in registers and is recorded in the cache
//! once, instead of being wrapped in a `Val` by [`Runner::let_value`],
//! returned through memory and matched again by the caller. The profile of the 1,000-row table put
//! about a tenth of its time on that round trip (stores of one width read
//! back by loads of another, which the processor cannot forward). Anything
//! else (a let of another type, a trace logging cases) takes
//! [`Runner::let_value`]: the same value, the same failures.

use super::{mismatch, Failed, Run, Runner};
use crate::compile::lower::LetCode;
use crate::eval::expr::LetState;
use crate::value::Val;
use rust_decimal::Decimal;

impl<'a> Runner<'_, 'a> {
    /// A decimal let's value.
    // Out of line: a dispatcher reaches it by a tail call.
    #[inline(never)]
    pub(super) fn let_dec(&mut self, index: usize) -> Run<Decimal> {
        if let Some(LetState::Done(Val::Dec(d))) = self.ctx.lets.get(index) {
            return Ok(*d);
        }
        if let Some(LetCode::Dec(code)) = self.typed_let_code(index) {
            let saved = self.ctx.element.take();
            let d = self.dec(code);
            self.ctx.element = saved;
            return self.record_let(index, d, Val::Dec);
        }
        match self.let_value(index)? {
            Val::Dec(d) => Ok(d),
            v => self.fail(mismatch("decimal", v)),
        }
    }

    /// An int let's value.
    // Out of line: a dispatcher reaches it by a tail call.
    #[inline(never)]
    pub(super) fn let_int(&mut self, index: usize) -> Run<i64> {
        if let Some(LetState::Done(Val::Int(i))) = self.ctx.lets.get(index) {
            return Ok(*i);
        }
        if let Some(LetCode::Int(code)) = self.typed_let_code(index) {
            let saved = self.ctx.element.take();
            let i = self.int(code);
            self.ctx.element = saved;
            return self.record_let(index, i, Val::Int);
        }
        match self.let_value(index)? {
            Val::Int(i) => Ok(i),
            v => self.fail(mismatch("int", v)),
        }
    }

    /// A bool let's value (`is_open`, `review_due` in the lifecycle policy,
    /// each read first by a rule's condition).
    // Out of line: a dispatcher reaches it by a tail call.
    #[inline(never)]
    pub(super) fn let_bool(&mut self, index: usize) -> Run<bool> {
        if let Some(LetState::Done(Val::Bool(b))) = self.ctx.lets.get(index) {
            return Ok(*b);
        }
        if let Some(LetCode::Bool(code)) = self.typed_let_code(index) {
            let saved = self.ctx.element.take();
            let b = self.bool(code);
            self.ctx.element = saved;
            return self.record_let(index, b, Val::Bool);
        }
        match self.let_value(index)? {
            Val::Bool(b) => Ok(b),
            v => self.fail(mismatch("bool", v)),
        }
    }

    /// The lowered code of a let not computed yet, when [`Runner::let_value`]
    /// would run it as it is (no trace logging the branches of its cases).
    #[inline(always)]
    fn typed_let_code(&self, index: usize) -> Option<&'a LetCode> {
        let program = self.ctx.program;
        let not_yet = matches!(self.ctx.lets.get(index), Some(LetState::NotYet));
        let known = index < program.lets.len();
        (not_yet && known && self.ctx.case_log.is_none()).then(|| program.let_code.get(index)).flatten()
    }

    /// Records a computed let, or names it in the failure, as [`Runner::let_value`] does.
    #[inline(always)]
    fn record_let<T: Copy>(&mut self, index: usize, computed: Run<T>, wrap: fn(T) -> Val<'a>) -> Run<T> {
        match computed {
            Ok(v) => {
                if let Some(slot) = self.ctx.lets.get_mut(index) {
                    *slot = LetState::Done(wrap(v));
                }
                Ok(v)
            }
            Err(Failed) => {
                if let (Some(e), Some(def)) = (&mut self.ctx.parked, self.ctx.program.lets.get(index)) {
                    e.message = format!("{} (in let `{}`)", e.message, def.name);
                }
                Err(Failed)
            }
        }
    }
}
