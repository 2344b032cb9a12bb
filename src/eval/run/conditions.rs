//! The handlers the dispatchers ([`Runner::bool`], [`Runner::dec`]) hand
//! their nodes to: chains, leaves that call something (a decimal
//! comparison, a let not computed yet), decimal arithmetic, table outputs.
//! Each is out of line on purpose: the dispatcher reaches it by a tail
//! call and stays frameless, and a handler saves only the registers its
//! own node needs (a chain's cursor, a comparison's operator across the
//! call), paid once per chain rather than once per operand.

use super::{mismatch, str_holds, Run, Runner};
use crate::compile::lower::table::OutCode;
use crate::compile::lower::{BoolCode, DecCode};
use crate::eval::expr::LetState;
use crate::ir::{ArithOp, CmpOp, Frame};
use crate::value::{EvalFailure, Val, Value};
use rust_decimal::Decimal;
use std::sync::Arc;

impl<'a> Runner<'_, 'a> {
    /// `a and b and c ...`: false at the first operand that is false.
    #[inline(never)]
    pub(super) fn all(&mut self, operands: &'a [BoolCode]) -> Run<bool> {
        for c in operands {
            if !self.bool(c)? {
                return Ok(false);
            }
        }
        Ok(true)
    }

    /// `a or b or c ...`: true at the first operand that is true.
    #[inline(never)]
    pub(super) fn any(&mut self, operands: &'a [BoolCode]) -> Run<bool> {
        for c in operands {
            if self.bool(c)? {
                return Ok(true);
            }
        }
        Ok(false)
    }

    /// `a and b`; `b` is a tail call.
    #[inline(never)]
    pub(super) fn and(&mut self, a: &'a BoolCode, b: &'a BoolCode) -> Run<bool> {
        if self.bool(a)? {
            self.bool(b)
        } else {
            Ok(false)
        }
    }

    /// `a or b`; `b` is a tail call.
    #[inline(never)]
    pub(super) fn or(&mut self, a: &'a BoolCode, b: &'a BoolCode) -> Run<bool> {
        if self.bool(a)? {
            Ok(true)
        } else {
            self.bool(b)
        }
    }

    /// `not a`.
    #[inline(never)]
    pub(super) fn not(&mut self, a: &'a BoolCode) -> Run<bool> {
        self.bool(a).map(|b| !b)
    }

    /// `decimal_field OP k`.
    #[inline(never)]
    pub(super) fn dec_slot_cmp(&mut self, frame: Frame, slot: usize, op: CmpOp, k: &Decimal) -> Run<bool> {
        match self.stored(frame, slot) {
            Some(Value::Dec(v)) => Ok(op.holds(v.cmp(k))),
            _ => self.fail(mismatch("decimal", self.val(frame, slot))),
        }
    }

    /// `int_let OP k` when the let is not computed yet: computed by its type.
    #[inline(never)]
    pub(super) fn int_let_cmp(&mut self, index: usize, op: CmpOp, k: i64) -> Run<bool> {
        Ok(op.holds(self.let_int(index)?.cmp(&k)))
    }

    /// `decimal_let OP k`: read from the cache, or computed by its type.
    #[inline(never)]
    pub(super) fn dec_let_cmp(&mut self, index: usize, op: CmpOp, k: &Decimal) -> Run<bool> {
        match self.ctx.lets.get(index) {
            Some(LetState::Done(Val::Dec(v))) => Ok(op.holds(v.cmp(k))),
            _ => Ok(op.holds(self.let_dec(index)?.cmp(k))),
        }
    }

    /// `string_let OP "literal"`: read from the cache and compared in place,
    /// or computed first.
    #[inline(never)]
    pub(super) fn str_let_cmp(&mut self, index: usize, op: CmpOp, k: &Arc<str>) -> Run<bool> {
        let v = match self.ctx.lets.get(index) {
            Some(LetState::Done(v)) => *v,
            _ => self.let_value(index)?,
        };
        match v {
            Val::Str(s) => Ok(str_holds(op, s, k)),
            v => self.fail(EvalFailure::internal(format_args!("cannot compare {v:?} with {:?}", Val::Str(k)))),
        }
    }

    /// An enum let's member tested against a mask: read from the cache, or
    /// computed first (absent only where a narrowed optional let is).
    #[inline(never)]
    pub(super) fn enum_let_mask(&mut self, index: usize, mask: u64, absent: bool) -> Run<bool> {
        let v = match self.ctx.lets.get(index) {
            Some(LetState::Done(v)) => *v,
            _ => self.let_value(index)?,
        };
        match v {
            Val::Enum(i) => Ok(mask.checked_shr(i).is_some_and(|m| m & 1 == 1)),
            Val::None => Ok(absent),
            v => self.fail(EvalFailure::internal(format_args!("an enum member expected, found {v:?}"))),
        }
    }

    /// `a OP b` on decimals, the commonest decimal node that is not a leaf.
    #[inline(never)]
    pub(super) fn dec_arith(&mut self, op: ArithOp, l: &'a DecCode, r: &'a DecCode) -> Run<Decimal> {
        let (l, r) = (self.dec_operand(l)?, self.dec_operand(r)?);
        self.park(op.decimals(l, r))
    }

    /// A table's decimal output: mostly a literal, read here.
    #[inline(never)]
    pub(super) fn dec_table_out(&mut self, out: &'a OutCode<DecCode>) -> Run<Decimal> {
        match self.table_value(out)? {
            DecCode::Const(d) => Ok(*d),
            value => self.dec(value),
        }
    }
}
