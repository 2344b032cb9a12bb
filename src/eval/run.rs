//! Running lowered code ([`crate::compile::lower`]) over one account: the
//! rules' fast path. Each code type runs to its own Rust type (`bool`, `i64`,
//! `Decimal`, `Date`), so results stay in registers; a failure is parked in
//! the context ([`Ctx::parked`]) and signalled by the zero-sized [`Failed`],
//! out of band. Lets share the interpreter's cache ([`Ctx::lets`]): a let
//! computed here is never computed again by a generic node, and the other
//! way round.
//!
//! Whatever a lowered node does, the interpreter does the same for the same
//! `TExpr` (same order of evaluation, same failures, same work charged):
//! `tests/lowering.rs` decides generated books both ways.

mod aggregate;
mod conditions;
mod scorecard;
mod table;
mod typed_lets;

pub(crate) use scorecard::reasons as scorecard_reasons;

use super::expr::{list_val, member_name, set_contains, Ctx, LetState};
use crate::compile::lower::{BoolCode, CaseCode, DateCode, DecCode, HookArg, HookCode, IntCode, LetCode, OptCode};
use crate::ir::{ArithOp, CmpOp, Frame, TExpr};
use crate::value::{days_between, months_between, Date, EvalFailure, Record, Val, Value};
use rust_decimal::{Decimal, RoundingStrategy};

/// A failure, parked in [`Ctx::parked`].
pub(crate) struct Failed;

type Run<T> = Result<T, Failed>;

/// Runs one step of lowered code over `ctx`: a runner is made for it, and a
/// failure it parked comes back as the `EvalFailure` it was.
#[inline(always)]
fn run<'a, T>(ctx: &mut Ctx<'a>, step: impl FnOnce(&mut Runner<'_, 'a>) -> Run<T>) -> Result<T, EvalFailure> {
    let account = ctx.account;
    let mut runner = Runner { ctx, account };
    match step(&mut runner) {
        Ok(v) => Ok(v),
        Err(Failed) => Err(runner.ctx.parked.take().unwrap_or_else(|| EvalFailure::internal("a failure was lost"))),
    }
}

/// Decides a lowered condition.
// Inlined into `run_rules`' loop (the untraced fast path) as it was when it
// had no other caller; the traced walk calls it for a leaf too.
#[inline(always)]
pub(crate) fn holds<'a>(ctx: &mut Ctx<'a>, code: &'a BoolCode) -> Result<bool, EvalFailure> {
    run(ctx, |runner| runner.bool(code))
}

/// Computes a lowered decimal (a new limit; a side of a traced comparison).
pub(crate) fn decimal<'a>(ctx: &mut Ctx<'a>, code: &'a DecCode) -> Result<Decimal, EvalFailure> {
    run(ctx, |runner| runner.dec(code))
}

/// An int computed by its lowered code (a side of a traced comparison).
pub(crate) fn integer<'a>(ctx: &mut Ctx<'a>, code: &'a IntCode) -> Result<i64, EvalFailure> {
    run(ctx, |runner| runner.int(code))
}

/// A date computed by its lowered code (a side of a traced comparison).
pub(crate) fn date<'a>(ctx: &mut Ctx<'a>, code: &'a DateCode) -> Result<Date, EvalFailure> {
    run(ctx, |runner| runner.date(code))
}

/// A value computed by its lowered code (a traced leaf's operand).
pub(crate) fn value<'a>(ctx: &mut Ctx<'a>, code: &'a OptCode) -> Result<Val<'a>, EvalFailure> {
    run(ctx, |runner| runner.opt(code))
}

/// A let's value, computed (once) by its lowered code.
pub(crate) fn let_value<'a>(ctx: &mut Ctx<'a>, index: usize) -> Result<Val<'a>, EvalFailure> {
    run(ctx, |runner| runner.let_value(index))
}

struct Runner<'c, 'a> {
    ctx: &'c mut Ctx<'a>,
    /// `ctx.account`, one indirection closer.
    account: &'a Record,
}

/// `a OP b` on strings; equality tests the lengths and the first bytes
/// before calling `memcmp` (the collections rules' rungs mostly differ in
/// length or first letter: "none" against "call" and "push").
#[inline(always)]
fn str_holds(op: CmpOp, a: &str, b: &str) -> bool {
    match op {
        CmpOp::Eq => str_eq(a, b),
        CmpOp::Ne => !str_eq(a, b),
        _ => op.holds(a.cmp(b)),
    }
}

#[inline(always)]
fn str_eq(a: &str, b: &str) -> bool {
    a.len() == b.len() && a.as_bytes().first() == b.as_bytes().first() && a == b
}

#[cold]
fn mismatch(what: &str, v: Val<'_>) -> EvalFailure {
    EvalFailure::internal(format_args!("{what} expected, found {v:?}"))
}

impl<'a> Runner<'_, 'a> {
    #[cold]
    fn fail<T>(&mut self, e: EvalFailure) -> Run<T> {
        self.ctx.parked = Some(e);
        Err(Failed)
    }

    fn park<T>(&mut self, r: Result<T, EvalFailure>) -> Run<T> {
        r.or_else(|e| self.fail(e))
    }

    #[inline(always)]
    fn val(&self, frame: Frame, slot: usize) -> Val<'a> {
        match frame {
            Frame::Account => self.account.val(slot),
            Frame::Element => self.ctx.element.map_or(Val::None, |r| r.val(slot)),
        }
    }

    #[inline(always)]
    fn stored(&self, frame: Frame, slot: usize) -> Option<&'a Value> {
        match frame {
            Frame::Account => self.account.slots.get(slot),
            Frame::Element => self.ctx.element?.slots.get(slot),
        }
    }

    fn generic(&mut self, e: &'a TExpr) -> Run<Val<'a>> {
        let v = self.ctx.eval(e);
        self.park(v)
    }

    /// Decides a condition. A dispatcher that needs no stack frame: each
    /// hot leaf (a slot or a cached let against a literal, an enum mask) is
    /// decided here without a call, and every other node is a tail call to
    /// a handler that pays its own prologue. A frame here would be paid by
    /// every node of every rule (the lifecycle policy's conditions are
    /// mostly such leaves under `and` chains).
    fn bool(&mut self, code: &'a BoolCode) -> Run<bool> {
        match code {
            BoolCode::Const(b) => Ok(*b),
            BoolCode::All(operands) => self.all(operands),
            BoolCode::Any(operands) => self.any(operands),
            BoolCode::And(a, b) => self.and(a, b),
            BoolCode::Or(a, b) => self.or(a, b),
            BoolCode::Not(a) => self.not(a),
            BoolCode::Slot(frame, slot) => match self.stored(*frame, *slot) {
                Some(Value::Bool(b)) => Ok(*b),
                _ => self.bool_other(code),
            },
            BoolCode::SlotOr { frame, slot, default } => match self.stored(*frame, *slot) {
                Some(Value::Bool(b)) => Ok(*b),
                _ => Ok(*default),
            },
            BoolCode::IntSlotCmp { frame, slot, op, k } => match self.stored(*frame, *slot) {
                Some(Value::Int(v)) => Ok(op.holds(v.cmp(k))),
                _ => self.bool_other(code),
            },
            BoolCode::DecSlotCmp { frame, slot, op, k } => self.dec_slot_cmp(*frame, *slot, *op, k),
            BoolCode::Let(i) => match self.ctx.lets.get(*i) {
                Some(LetState::Done(Val::Bool(b))) => Ok(*b),
                _ => self.let_bool(*i),
            },
            BoolCode::IntLetCmp { index, op, k } => match self.ctx.lets.get(*index) {
                Some(LetState::Done(Val::Int(v))) => Ok(op.holds(v.cmp(k))),
                _ => self.int_let_cmp(*index, *op, *k),
            },
            BoolCode::DecLetCmp { index, op, k } => self.dec_let_cmp(*index, *op, k),
            BoolCode::EnumMask { frame, slot, mask, absent } => match self.stored(*frame, *slot) {
                Some(Value::Enum(i)) => Ok(mask.checked_shr(*i).is_some_and(|m| m & 1 == 1)),
                Some(Value::None) | None => Ok(*absent),
                _ => self.bool_other(code),
            },
            BoolCode::ArmMask { split, mask } => match self.ctx.arms.get(*split) {
                Some(arm) => Ok(mask.checked_shr(*arm).is_some_and(|m| m & 1 == 1)),
                None => self.bool_other(code),
            },
            BoolCode::StrLetCmp { index, op, k } => self.str_let_cmp(*index, *op, k),
            BoolCode::EnumLetMask { index, mask, absent } => match self.ctx.lets.get(*index) {
                Some(LetState::Done(Val::Enum(i))) => Ok(mask.checked_shr(*i).is_some_and(|m| m & 1 == 1)),
                _ => self.enum_let_mask(*index, *mask, *absent),
            },
            _ => self.bool_other(code),
        }
    }

    /// The conditions [`Runner::bool`] does not decide itself nor hand to
    /// a handler of their own (`run/conditions.rs`), out of line so that the
    /// dispatcher stays frameless.
    #[inline(never)]
    fn bool_other(&mut self, code: &'a BoolCode) -> Run<bool> {
        Ok(match code {
            BoolCode::Coalesce(a, b) => match self.opt(a)? {
                Val::None => self.bool(b)?,
                Val::Bool(x) => x,
                v => return self.fail(mismatch("bool", v)),
            },
            BoolCode::IntCmp(op, l, r) => op.holds(self.int_operand(l)?.cmp(&self.int_operand(r)?)),
            BoolCode::DecCmp(op, l, r) => op.holds(self.dec_operand(l)?.cmp(&self.dec_operand(r)?)),
            BoolCode::DateCmp(op, l, r) => op.holds(self.date(l)?.cmp(&self.date(r)?)),
            BoolCode::StrCmp(op, l, r) => match (self.opt(l)?, self.opt(r)?) {
                (Val::Str(a), Val::Str(b)) => op.holds(a.cmp(b)),
                (Val::Enum(a), Val::Enum(b)) => op.holds(a.cmp(&b)),
                (a, b) => return self.fail(EvalFailure::internal(format_args!("cannot compare {a:?} with {b:?}"))),
            },
            BoolCode::StrLetCmp { index, op, k } => return self.str_let_cmp(*index, *op, k),
            BoolCode::EnumLetMask { index, mask, absent } => return self.enum_let_mask(*index, *mask, *absent),
            BoolCode::CountCmp { agg, op, k } => op.holds(self.count(agg)?.cmp(k)),
            BoolCode::BoolCmp(op, l, r) => op.holds(self.bool(l)?.cmp(&self.bool(r)?)),
            BoolCode::IsNone { negate, operand } => (self.opt(operand)? == Val::None) != *negate,
            BoolCode::InBatch { frame, slot, batch, negate } => {
                let found = match (self.stored(*frame, *slot), self.ctx.program.batches.get(*batch)) {
                    (Some(Value::Str(s)), Some(b)) => b.ids.contains(s),
                    (Some(Value::Int(i)), Some(b)) => b.numbers.contains(i),
                    _ => false,
                };
                found != *negate
            }
            BoolCode::SetHas { frame, slot, needle, negate } => match self.stored(*frame, *slot) {
                Some(Value::Set(items)) => set_contains(items, needle.val()) != *negate,
                _ => return self.fail(EvalFailure::internal("set expected")),
            },
            BoolCode::Agg(agg) => self.any_all(agg)?,
            BoolCode::Case(case) => {
                let value = self.branch(case)?;
                self.bool(value)?
            }
            BoolCode::TableOut(out) => {
                let value = self.table_value(out)?;
                self.bool(value)?
            }
            BoolCode::Hook(h) => match self.hook(h)? {
                Val::Bool(b) => b,
                v => return self.fail(mismatch("bool", v)),
            },
            BoolCode::Generic(e) => {
                let t = self.ctx.truth(e);
                self.park(t)?
            }
            // The leaves the dispatcher decides, here too for their
            // failures: a failing call would make the dispatcher's tail
            // call a call (its result is known to be an error) and give
            // it a frame.
            BoolCode::Slot(frame, slot) => match self.stored(*frame, *slot) {
                Some(Value::Bool(b)) => *b,
                _ => return self.fail(mismatch("bool", self.val(*frame, *slot))),
            },
            BoolCode::IntSlotCmp { frame, slot, op, k } => match self.stored(*frame, *slot) {
                Some(Value::Int(v)) => op.holds(v.cmp(k)),
                _ => return self.fail(mismatch("int", self.val(*frame, *slot))),
            },
            BoolCode::EnumMask { frame, slot, mask, absent } => match self.stored(*frame, *slot) {
                Some(Value::Enum(i)) => mask.checked_shr(*i).is_some_and(|m| m & 1 == 1),
                Some(Value::None) | None => *absent,
                _ => return self.fail(mismatch("enum member", self.val(*frame, *slot))),
            },
            BoolCode::ArmMask { split, mask } => match self.ctx.arms.get(*split) {
                Some(arm) => mask.checked_shr(*arm).is_some_and(|m| m & 1 == 1),
                None => return self.fail(EvalFailure::internal("a split the program does not have")),
            },
            // Handed to a handler of their own by the dispatcher.
            BoolCode::Const(_)
            | BoolCode::All(_)
            | BoolCode::Any(_)
            | BoolCode::And(..)
            | BoolCode::Or(..)
            | BoolCode::Not(_)
            | BoolCode::SlotOr { .. }
            | BoolCode::DecSlotCmp { .. }
            | BoolCode::Let(_)
            | BoolCode::IntLetCmp { .. }
            | BoolCode::DecLetCmp { .. } => return self.bool(code),
        })
    }

    /// An operand of arithmetic or a comparison: a literal or a present
    /// account field read here, anything else through [`Runner::int`] (one
    /// call fewer for the commonest operands, the same value and failures).
    #[inline(always)]
    fn int_operand(&mut self, code: &'a IntCode) -> Run<i64> {
        match code {
            IntCode::Const(i) => Ok(*i),
            IntCode::Slot(Frame::Account, slot) => match self.account.slots.get(*slot) {
                Some(Value::Int(i)) => Ok(*i),
                _ => self.int(code),
            },
            _ => self.int(code),
        }
    }

    /// A decimal operand, as [`Runner::int_operand`].
    #[inline(always)]
    fn dec_operand(&mut self, code: &'a DecCode) -> Run<Decimal> {
        match code {
            DecCode::Const(d) => Ok(*d),
            DecCode::Slot(Frame::Account, slot) => match self.account.slots.get(*slot) {
                Some(Value::Dec(d)) => Ok(*d),
                _ => self.dec(code),
            },
            _ => self.dec(code),
        }
    }

    /// An int. Frameless, as [`Runner::bool`]: a literal, a present slot
    /// and a cached let here, every other node in [`Runner::int_other`].
    fn int(&mut self, code: &'a IntCode) -> Run<i64> {
        match code {
            IntCode::Const(i) => Ok(*i),
            IntCode::Slot(frame, slot) => match self.stored(*frame, *slot) {
                Some(Value::Int(i)) => Ok(*i),
                _ => self.int_other(code),
            },
            IntCode::Let(i) => match self.ctx.lets.get(*i) {
                Some(LetState::Done(Val::Int(v))) => Ok(*v),
                _ => self.let_int(*i),
            },
            IntCode::Count(agg) => self.count(agg),
            IntCode::TableRow(row) => self.table_row(row),
            IntCode::Scorecard(card) => self.int_score(card),
            _ => self.int_other(code),
        }
    }

    /// Any int node, out of line.
    #[inline(never)]
    fn int_other(&mut self, code: &'a IntCode) -> Run<i64> {
        let v = match code {
            IntCode::Const(i) => return Ok(*i),
            IntCode::Slot(frame, slot) => match self.stored(*frame, *slot) {
                Some(Value::Int(i)) => return Ok(*i),
                _ => self.val(*frame, *slot),
            },
            IntCode::Let(i) => match self.ctx.lets.get(*i) {
                Some(LetState::Done(Val::Int(v))) => return Ok(*v),
                _ => return self.let_int(*i),
            },
            IntCode::Arith(op, l, r) => {
                let (l, r) = (self.int_operand(l)?, self.int_operand(r)?);
                let v = match op {
                    ArithOp::Add => l.checked_add(r),
                    ArithOp::Sub => l.checked_sub(r),
                    ArithOp::Mul => l.checked_mul(r),
                    ArithOp::Div => return self.fail(EvalFailure::internal("int division")),
                };
                return v.map_or_else(|| self.fail(EvalFailure::overflow()), Ok);
            }
            IntCode::Neg(a) => {
                let a = self.int(a)?;
                return a.checked_neg().map_or_else(|| self.fail(EvalFailure::overflow()), Ok);
            }
            IntCode::Coalesce(a, b) => match self.opt(a)? {
                Val::None => return self.int(b),
                v => v,
            },
            IntCode::SetLen(frame, slot) => match self.stored(*frame, *slot) {
                Some(Value::Set(items)) => return Ok(i64::try_from(items.len()).unwrap_or(i64::MAX)),
                _ => self.val(*frame, *slot),
            },
            IntCode::DaysBetween(a, b) => return Ok(days_between(self.date(a)?, self.date(b)?)),
            IntCode::MonthsBetween(a, b) => return Ok(months_between(self.date(a)?, self.date(b)?)),
            IntCode::Pick { max, a, b } => {
                let (a, b) = (self.int(a)?, self.int(b)?);
                let pick_a = if *max { a >= b } else { a <= b };
                return Ok(if pick_a { a } else { b });
            }
            IntCode::Agg(agg) => self.agg(agg)?,
            IntCode::Count(agg) => return self.count(agg),
            IntCode::ExtremeOr { agg, default } => {
                return match self.extreme(agg)? {
                    Some(v) => Ok(v),
                    None => self.int(default),
                }
            }
            IntCode::Case(case) => {
                let value = self.branch(case)?;
                return self.int(value);
            }
            IntCode::Scorecard(card) => return self.int_score(card),
            IntCode::TableRow(row) => return self.table_row(row),
            IntCode::TableOut(out) => {
                // A table's outputs are mostly literals: read here, no call.
                return match self.table_value(out)? {
                    IntCode::Const(i) => Ok(*i),
                    value => self.int(value),
                };
            }
            IntCode::Hook(h) => self.hook(h)?,
            IntCode::Generic(e) => self.generic(e)?,
        };
        match v {
            Val::Int(i) => Ok(i),
            v => self.fail(mismatch("int", v)),
        }
    }

    /// A decimal. Frameless, as [`Runner::int`]; every other node in
    /// [`Runner::dec_other`].
    fn dec(&mut self, code: &'a DecCode) -> Run<Decimal> {
        match code {
            DecCode::Const(d) => Ok(*d),
            DecCode::Slot(frame, slot) => match self.stored(*frame, *slot) {
                Some(Value::Dec(d)) => Ok(*d),
                _ => self.dec_other(code),
            },
            DecCode::Let(i) => match self.ctx.lets.get(*i) {
                Some(LetState::Done(Val::Dec(d))) => Ok(*d),
                _ => self.let_dec(*i),
            },
            DecCode::Arith(op, l, r) => self.dec_arith(*op, l, r),
            DecCode::TableOut(out) => self.dec_table_out(out),
            DecCode::Sum(agg) => self.sum(agg),
            DecCode::Scorecard(card) => self.dec_score(card),
            _ => self.dec_other(code),
        }
    }

    /// Any decimal node, out of line.
    #[inline(never)]
    fn dec_other(&mut self, code: &'a DecCode) -> Run<Decimal> {
        let v = match code {
            DecCode::Const(d) => return Ok(*d),
            DecCode::Slot(frame, slot) => match self.stored(*frame, *slot) {
                Some(Value::Dec(d)) => return Ok(*d),
                _ => self.val(*frame, *slot),
            },
            DecCode::Let(i) => match self.ctx.lets.get(*i) {
                Some(LetState::Done(Val::Dec(d))) => return Ok(*d),
                _ => return self.let_dec(*i),
            },
            DecCode::FromInt(a) => return self.int(a).map(Decimal::from),
            DecCode::Arith(op, l, r) => {
                let (l, r) = (self.dec_operand(l)?, self.dec_operand(r)?);
                return self.park(op.decimals(l, r));
            }
            DecCode::Neg(a) => return self.dec(a).map(|d| -d),
            DecCode::Coalesce(a, b) => match self.opt(a)? {
                Val::None => return self.dec(b),
                v => v,
            },
            DecCode::Round(a, places) => {
                let d = self.dec(a)?;
                return Ok(d.round_dp_with_strategy(*places, RoundingStrategy::MidpointAwayFromZero));
            }
            DecCode::Pick { max, a, b } => {
                let (a, b) = (self.dec(a)?, self.dec(b)?);
                let pick_a = if *max { a >= b } else { a <= b };
                return Ok(if pick_a { a } else { b });
            }
            DecCode::Agg(agg) => self.agg(agg)?,
            DecCode::Sum(agg) => return self.sum(agg),
            DecCode::Case(case) => {
                let value = self.branch(case)?;
                return self.dec(value);
            }
            DecCode::Scorecard(card) => return self.dec_score(card),
            DecCode::TableOut(out) => {
                // As for ints: a literal read here.
                return match self.table_value(out)? {
                    DecCode::Const(d) => Ok(*d),
                    value => self.dec(value),
                };
            }
            DecCode::Hook(h) => self.hook(h)?,
            DecCode::Generic(e) => self.generic(e)?,
        };
        match v {
            Val::Dec(d) => Ok(d),
            v => self.fail(mismatch("decimal", v)),
        }
    }

    /// A date. Frameless, as [`Runner::int`]; every other node in
    /// [`Runner::date_other`].
    fn date(&mut self, code: &'a DateCode) -> Run<Date> {
        match code {
            DateCode::Const(d) => Ok(*d),
            DateCode::AsOf => Ok(self.ctx.as_of),
            DateCode::Slot(frame, slot) => match self.stored(*frame, *slot) {
                Some(Value::Date(d)) => Ok(*d),
                _ => self.date_other(code),
            },
            _ => self.date_other(code),
        }
    }

    /// Any date node, out of line.
    #[inline(never)]
    fn date_other(&mut self, code: &'a DateCode) -> Run<Date> {
        let v = match code {
            DateCode::Const(d) => return Ok(*d),
            DateCode::AsOf => return Ok(self.ctx.as_of),
            DateCode::Slot(frame, slot) => match self.stored(*frame, *slot) {
                Some(Value::Date(d)) => return Ok(*d),
                _ => self.val(*frame, *slot),
            },
            DateCode::Let(i) => match self.ctx.lets.get(*i) {
                Some(LetState::Done(Val::Date(d))) => return Ok(*d),
                _ => self.let_value(*i)?,
            },
            DateCode::Shift { subtract, date, by } => {
                let d = self.date(date)?;
                return match by.shift_within_range(d, *subtract) {
                    Ok(shifted) => Ok(shifted),
                    Err(out) => self.fail(EvalFailure::eval(format!(
                        "date out of range: {d} {} {by} is {out}",
                        if *subtract { "-" } else { "+" }
                    ))),
                };
            }
            DateCode::Coalesce(a, b) => match self.opt(a)? {
                Val::None => return self.date(b),
                v => v,
            },
            DateCode::Case(case) => {
                let value = self.branch(case)?;
                return self.date(value);
            }
            DateCode::TableOut(out) => {
                let value = self.table_value(out)?;
                return self.date(value);
            }
            DateCode::Generic(e) => self.generic(e)?,
        };
        match v {
            Val::Date(d) => Ok(d),
            v => self.fail(mismatch("date", v)),
        }
    }

    /// A value that may be absent. Frameless, as [`Runner::int`]; every
    /// other node in [`Runner::opt_other`].
    fn opt(&mut self, code: &'a OptCode) -> Run<Val<'a>> {
        match code {
            OptCode::Slot(frame, slot) => Ok(self.val(*frame, *slot)),
            OptCode::Const(c) => Ok(c.val()),
            OptCode::Let(i) => match self.ctx.lets.get(*i) {
                Some(LetState::Done(v)) => Ok(*v),
                _ => self.opt_other(code),
            },
            _ => self.opt_other(code),
        }
    }

    /// Any node of a value that may be absent, out of line.
    #[inline(never)]
    fn opt_other(&mut self, code: &'a OptCode) -> Run<Val<'a>> {
        match code {
            OptCode::Slot(frame, slot) => Ok(self.val(*frame, *slot)),
            OptCode::Agg(agg) => self.agg(agg),
            OptCode::Const(c) => Ok(c.val()),
            OptCode::Absent => Ok(Val::None),
            OptCode::Bool(c) => self.bool(c).map(Val::Bool),
            OptCode::Int(c) => self.int(c).map(Val::Int),
            OptCode::Dec(c) => self.dec(c).map(Val::Dec),
            OptCode::Date(c) => self.date(c).map(Val::Date),
            OptCode::Case(case) => {
                let value = self.branch(case)?;
                self.opt(value)
            }
            OptCode::Let(i) => match self.ctx.lets.get(*i) {
                Some(LetState::Done(v)) => Ok(*v),
                _ => self.let_value(*i),
            },
            OptCode::Hook(h) => self.hook(h),
            OptCode::Coalesce(a, b) => match self.opt(a)? {
                Val::None => self.opt(b),
                v => Ok(v),
            },
            OptCode::TableOut(out) => {
                let value = self.table_value(out)?;
                self.opt(value)
            }
            OptCode::EnumName(named) => {
                let v = self.opt(&named.0)?;
                Ok(member_name(v, &named.1))
            }
            OptCode::Generic(e) => self.generic(e),
        }
    }

    /// A hook's result, its arguments computed in written order (an enum
    /// member given by name), as the interpreter calls it.
    fn hook(&mut self, code: &'a HookCode) -> Run<Val<'a>> {
        let mut values = Vec::with_capacity(code.args.len());
        for arg in &code.args {
            values.push(match arg {
                HookArg::Value(code, members) => {
                    let v = self.opt(code)?;
                    members.as_deref().map_or(v, |members| member_name(v, members))
                }
                HookArg::List { slot, shape } => list_val(self.account.slots.get(*slot), shape),
            });
        }
        let called = self.ctx.call_hook_with(code.hook, &values);
        self.park(called)
    }

    /// The value code of a case's first branch whose condition holds (the
    /// `else` when none does); later conditions are not run.
    fn branch<T>(&mut self, case: &'a CaseCode<T>) -> Run<&'a T> {
        for (when, then) in &case.branches {
            if self.bool(when)? {
                return Ok(then);
            }
        }
        Ok(&case.otherwise)
    }

    /// A let's value: from the account's cache, or computed (once) by its
    /// lowered code, failures naming the let as the interpreter does.
    fn let_value(&mut self, index: usize) -> Run<Val<'a>> {
        if let Some(LetState::Done(v)) = self.ctx.lets.get(index) {
            return Ok(*v);
        }
        let program = self.ctx.program;
        let (Some(def), Some(code)) = (program.lets.get(index), program.let_code.get(index)) else {
            return self.fail(EvalFailure::internal("unknown let"));
        };
        if self.ctx.case_log.is_some() {
            if let Some(v) = self.traced_let(index) {
                return v;
            }
        }
        // Lets are account-level: computed outside any aggregate's element.
        let saved = self.ctx.element.take();
        let v = match code {
            LetCode::Bool(c) => self.bool(c).map(Val::Bool),
            LetCode::Int(c) => self.int(c).map(Val::Int),
            LetCode::Dec(c) => self.dec(c).map(Val::Dec),
            LetCode::Date(c) => self.date(c).map(Val::Date),
            LetCode::Opt(c) => self.opt(c),
            LetCode::Generic => {
                self.ctx.element = saved;
                let v = self.ctx.let_value(index);
                return self.park(v);
            }
        };
        self.ctx.element = saved;
        match v {
            Ok(v) => {
                if let Some(slot) = self.ctx.lets.get_mut(index) {
                    *slot = LetState::Done(v);
                }
                Ok(v)
            }
            Err(Failed) => {
                if let Some(e) = &mut self.ctx.parked {
                    e.message = format!("{} (in let `{}`)", e.message, def.name);
                }
                Err(Failed)
            }
        }
    }

    /// When tracing, a let that holds a `case` is the interpreter's, which
    /// logs the branch taken (the lowered code does not); `None` for other
    /// lets. Out of line: the untraced path only tests that no case is logged.
    #[cold]
    #[inline(never)]
    fn traced_let(&mut self, index: usize) -> Option<Run<Val<'a>>> {
        if self.ctx.program.trace_code.let_logs.get(index) != Some(&true) {
            return None;
        }
        let v = self.ctx.let_value(index);
        Some(self.park(v))
    }
}

#[cfg(test)]
mod tests {
    use super::str_holds;
    use crate::ir::CmpOp;

    #[test]
    fn strings_compare_as_str_does_whatever_their_first_bytes() {
        let words = ["", "a", "none", "call", "push", "nonf", "legal", "agent", "é", "éa"];
        for a in words {
            for b in words {
                for op in CmpOp::ALL {
                    assert_eq!(str_holds(op, a, b), op.holds(a.cmp(b)), "{a:?} {op:?} {b:?}");
                }
            }
        }
    }

    #[test]
    fn an_enum_mask_reads_one_bit_per_member() {
        let mask: u64 = 0b0101;
        let holds = |i: u32| mask.checked_shr(i).is_some_and(|m| m & 1 == 1);
        assert!(holds(0) && !holds(1) && holds(2) && !holds(64));
        assert!(CmpOp::Le.holds(1.cmp(&2)));
    }
}
