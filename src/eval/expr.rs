//! Evaluating typed expressions over one account's slots.
//!
//! Values borrow from the program and the snapshot ([`Val`] is `Copy`), lets
//! are computed at most once per account and only when first needed, and
//! `and`/`or` short-circuit. Nothing here allocates per rule.

use super::fold::Fold;
use super::trace::HookCall;
use crate::compile::Program;
use crate::ir::*;
use crate::value::{
    compare, days_between, months_between, order, Date, ElementShape, EvalFailure, FailureKind, Record, SetItem,
    Traced, Val, Value,
};
use rust_decimal::{Decimal, RoundingStrategy};
use std::cmp::Ordering;

pub(crate) type EvalResult<'a> = Result<Val<'a>, EvalFailure>;

#[cold]
fn fail<T>(message: impl Into<String>) -> Result<T, EvalFailure> {
    Err(EvalFailure::eval(message))
}

/// A let's state during one account's evaluation.
#[derive(Clone, Copy, Debug)]
pub(crate) enum LetState<'a> {
    NotYet,
    Done(Val<'a>),
}

/// What an `in` / `not in` test read.
pub(crate) struct Membership<'a> {
    /// Whether the test (with its `not`) holds.
    pub holds: bool,
    /// The value looked for (enum members as their names when looked for in a set).
    pub needle: Val<'a>,
    /// The set searched, when it is a set field.
    pub set: Option<Val<'a>>,
}

/// Everything one account's evaluation reads and caches.
pub struct Ctx<'a> {
    pub(crate) program: &'a Program,
    pub(crate) account: &'a Record,
    pub(crate) element: Option<&'a Record>,
    pub(crate) as_of: Date,
    pub(crate) lets: super::lets::LetCache<'a>,
    /// When tracing, hook calls are recorded here.
    pub(crate) hook_log: Option<Vec<HookCall>>,
    /// When tracing, the branch each case took is recorded here.
    pub(crate) case_log: Option<Vec<super::trace::CaseTaken>>,
    /// When tracing, the row each table matched is recorded here.
    pub(crate) table_log: Option<Vec<super::trace::TableTaken>>,
    /// When tracing, run conditions by the interpreter alone
    /// ([`super::EvalOptions::interpret_traces`]).
    pub(crate) interpret_traces: bool,
    /// List elements the aggregates have gone over and operations the hooks
    /// have run so far, and how many they may together.
    visits: usize,
    pub(crate) max_visits: usize,
    /// How long one hook call may run before it fails the run.
    pub(crate) hook_backstop: std::time::Duration,
    /// The account's arm of each split, by split index.
    pub(crate) arms: super::split::ArmIndices,
    /// The failure the lowered code parked (`eval/run.rs`), until the step
    /// that met it returns it. Here, not in each runner: a runner then has
    /// nothing to drop, and each rule's run no longer tests for a failure
    /// to free after its condition held or not.
    pub(crate) parked: Option<EvalFailure>,
}

/// List elements all aggregates together may go over for one account, with
/// the operations its hook calls run, unless
/// [`super::EvalOptions::max_element_visits`] says otherwise. One
/// pass over a list is linear, but an aggregate nested in another's `where`
/// goes over its list once per element of the outer one: 20,000 overdues
/// would take seconds, a million hours; a hook in a `where` runs once per
/// element. Past this bound the account is an `eval` error record. A
/// million-element list read by every aggregate of the example policy is well
/// within it.
pub const MAX_ELEMENT_VISITS: usize = 100_000_000;

/// Lists up to this long have their `within` window found by a scan rather
/// than a binary search ([`Ctx::window`]).
const LINEAR_WINDOW: usize = 16;

/// How many records a log of the trace holds (none when not tracing).
fn log_len<T>(log: &Option<Vec<T>>) -> usize {
    log.as_ref().map_or(0, Vec::len)
}

/// Forgets what a log recorded after its first `len` records.
fn truncate_log<T>(log: &mut Option<Vec<T>>, len: usize) {
    if let Some(log) = log {
        log.truncate(len);
    }
}

impl<'a> Ctx<'a> {
    /// A fresh context for one account. Inlined: called, it built the
    /// 500-byte context through a pointer behind six saved registers, and
    /// the options set after it were stored twice.
    #[inline(always)]
    pub fn new(program: &'a Program, account: &'a Record, as_of: Date) -> Self {
        let lets = super::lets::LetCache::new(program.lets.len());
        // Before the literal: with a call among its fields, the fields
        // before it were staged on the stack and copied by loads wider
        // than their stores (stalled forwards in every decision).
        let arms = super::split::assign_all(&program.splits, account);
        Ctx {
            program,
            account,
            element: None,
            as_of,
            lets,
            hook_log: None,
            case_log: None,
            table_log: None,
            interpret_traces: false,
            visits: 0,
            max_visits: MAX_ELEMENT_VISITS,
            hook_backstop: crate::hooks::DEFAULT_BACKSTOP,
            arms,
            parked: None,
        }
    }

    /// Runs `f` as an aside that leaves no mark on the account's evaluation:
    /// the work it does is not counted against the bound, and the hook
    /// calls, case branches and table rows it meets are not recorded (a
    /// trace looking again at what a leaf read).
    pub(crate) fn aside<T>(&mut self, f: impl FnOnce(&mut Self) -> T) -> T {
        let visits = self.visits;
        let logged = (log_len(&self.hook_log), log_len(&self.case_log), log_len(&self.table_log));
        let out = f(self);
        self.visits = visits;
        truncate_log(&mut self.hook_log, logged.0);
        truncate_log(&mut self.case_log, logged.1);
        truncate_log(&mut self.table_log, logged.2);
        out
    }

    /// Counts `work` (list elements, hook operations) toward the account's bound.
    pub(crate) fn charge(&mut self, work: usize) -> Result<(), EvalFailure> {
        self.visits = self.visits.saturating_add(work);
        if self.visits > self.max_visits {
            return fail(format!(
                "too much work for one account: more than {} list elements gone over by its aggregates and \
                 operations run by its hooks (an aggregate inside another's `where` goes over its list once per \
                 element, and a hook there runs once per element)",
                self.max_visits
            ));
        }
        Ok(())
    }

    /// Evaluates a let (once per account).
    #[inline(never)]
    pub(crate) fn let_value(&mut self, index: usize) -> EvalResult<'a> {
        match self.lets.get(index) {
            Some(LetState::Done(v)) => Ok(*v),
            Some(LetState::NotYet) => {
                let program = self.program;
                let Some(def) = program.lets.get(index) else {
                    return fail("internal: unknown let");
                };
                if self.traced_by_lowered_code(index) {
                    return super::run::let_value(self, index);
                }
                // Lets are account-level: evaluate outside any aggregate's element.
                let saved = self.element.take();
                let v = self.eval(&def.value);
                self.element = saved;
                let v =
                    v.map_err(|e| EvalFailure { message: format!("{} (in let `{}`)", e.message, def.name), ..e })?;
                if let Some(slot) = self.lets.get_mut(index) {
                    *slot = LetState::Done(v);
                }
                Ok(v)
            }
            None => fail("internal: unknown let"),
        }
    }

    /// When tracing, a let read by the interpreter (a leaf or a let with a
    /// `case`) is still computed by its lowered code when that logs the
    /// same: it holds no `case` and is lowered.
    fn traced_by_lowered_code(&self, index: usize) -> bool {
        self.case_log.is_some()
            && !self.interpret_traces
            && self.program.trace_code.let_logs.get(index) == Some(&false)
            && !matches!(self.program.let_code.get(index), Some(crate::compile::lower::LetCode::Generic) | None)
    }

    /// Evaluates a condition to a bool.
    ///
    /// `and`, `or`, `not` and comparisons are decided here without going
    /// through a [`Val`]: conditions are most of what a policy evaluates.
    pub fn truth(&mut self, e: &'a TExpr) -> Result<bool, EvalFailure> {
        match &e.kind {
            TKind::And(a, b) => Ok(self.truth(a)? && self.truth(b)?),
            TKind::Or(a, b) => Ok(self.truth(a)? || self.truth(b)?),
            TKind::Not(a) => Ok(!self.truth(a)?),
            TKind::Cmp { op, lhs, rhs, .. } => match self.compare_with_literal(lhs, rhs) {
                Some(ord) => Ok(op.holds(ord)),
                None => self.truth_other(e),
            },
            TKind::Field { .. } => match self.stored(e) {
                Some(Value::Bool(b)) => Ok(*b),
                _ => self.truth_other(e),
            },
            TKind::Let(i) => match self.lets.get(*i) {
                Some(LetState::Done(Val::Bool(b))) => Ok(*b),
                _ => self.truth_other(e),
            },
            _ => self.truth_other(e),
        }
    }

    /// The conditions [`Ctx::truth`] does not decide itself, kept out of line
    /// so that its recursion stays cheap.
    #[inline(never)]
    fn truth_other(&mut self, e: &'a TExpr) -> Result<bool, EvalFailure> {
        match &e.kind {
            TKind::Cmp { op, lhs, rhs, .. } => {
                let (l, r) = (self.operand(lhs)?, self.operand(rhs)?);
                let ord = match (l, r) {
                    (Val::Int(a), Val::Int(b)) => a.cmp(&b),
                    _ => compare(l, r)?,
                };
                Ok(op.holds(ord))
            }
            TKind::Coalesce(a, b) => match self.stored(a) {
                Some(Value::Bool(x)) => Ok(*x),
                Some(Value::None) => self.truth(b),
                _ => match self.operand(a)? {
                    Val::None => self.truth(b),
                    Val::Bool(x) => Ok(x),
                    other => Err(not_a_condition(other)),
                },
            },
            TKind::IsNone { negate, operand } => match self.stored(operand) {
                Some(v) => Ok(matches!(v, Value::None | Value::List(_)) != *negate),
                None => Ok(matches!(self.operand(operand)?, Val::None) != *negate),
            },
            _ => match self.operand(e)? {
                Val::Bool(b) => Ok(b),
                other => Err(not_a_condition(other)),
            },
        }
    }

    /// The slot a field expression reads, if `e` is one (and its record is at hand).
    #[inline(always)]
    fn stored(&self, e: &'a TExpr) -> Option<&'a Value> {
        match &e.kind {
            TKind::Field { frame: Frame::Account, slot } => self.account.slots.get(*slot),
            TKind::Field { frame: Frame::Element, slot } => self.element?.slots.get(*slot),
            _ => None,
        }
    }

    /// `field OP literal` and `let OP literal` (with the let computed), the
    /// most common comparisons, ordered straight from where the values live,
    /// without building a [`Val`]; `None` for anything else (and for absent
    /// values), which the general path handles.
    #[inline(always)]
    fn compare_with_literal(&self, lhs: &'a TExpr, rhs: &'a TExpr) -> Option<Ordering> {
        let TKind::Const(c) = &rhs.kind else {
            return None;
        };
        match &lhs.kind {
            TKind::Field { frame: Frame::Account, slot } => order(self.account.slots.get(*slot)?.val(), c.val()),
            TKind::Field { frame: Frame::Element, slot } => order(self.element?.slots.get(*slot)?.val(), c.val()),
            TKind::Let(i) => match self.lets.get(*i)? {
                LetState::Done(v) => order(*v, c.val()),
                LetState::NotYet => None,
            },
            _ => None,
        }
    }

    /// [`Ctx::eval`] with literals, fields and computed lets read in place:
    /// most operands are one of those, and a call returning a value through
    /// memory costs more than reading it.
    #[inline(always)]
    fn operand(&mut self, e: &'a TExpr) -> EvalResult<'a> {
        match &e.kind {
            TKind::Const(c) => Ok(c.val()),
            TKind::Field { frame: Frame::Account, slot } => Ok(self.account.val(*slot)),
            TKind::Field { frame: Frame::Element, slot } if self.element.is_some() => {
                Ok(self.element.map_or(Val::None, |r| r.val(*slot)))
            }
            TKind::Let(i) => match self.lets.get(*i) {
                Some(LetState::Done(v)) => Ok(*v),
                _ => self.let_value(*i),
            },
            _ => self.eval(e),
        }
    }

    /// Evaluates an expression.
    ///
    /// The common, cheap forms are handled here and everything else in
    /// `Ctx::eval_other`, kept out of line so that this function, which
    /// recurses for every node, stays small.
    pub fn eval(&mut self, e: &'a TExpr) -> EvalResult<'a> {
        match &e.kind {
            TKind::Const(c) => Ok(c.val()),
            TKind::Field { frame: Frame::Account, slot } => Ok(self.account.val(*slot)),
            TKind::Field { frame: Frame::Element, slot } => match self.element {
                Some(r) => Ok(r.val(*slot)),
                None => fail("internal: element field outside an aggregate"),
            },
            TKind::AsOf => Ok(Val::Date(self.as_of)),
            TKind::Let(i) => match self.lets.get(*i) {
                Some(LetState::Done(v)) => Ok(*v),
                _ => self.let_value(*i),
            },
            TKind::Split(i) => match self.arms.get(*i) {
                Some(arm) => Ok(Val::Enum(*arm)),
                None => fail("internal: a split the program does not have"),
            },
            TKind::Not(_) | TKind::And(..) | TKind::Or(..) | TKind::Cmp { .. } => self.truth(e).map(Val::Bool),
            TKind::IsNone { negate, operand } => {
                let is_none = matches!(self.operand(operand)?, Val::None);
                Ok(Val::Bool(is_none != *negate))
            }
            TKind::Coalesce(a, b) => match self.operand(a)? {
                Val::None => self.operand(b),
                v => Ok(v),
            },
            _ => self.eval_other(e),
        }
    }

    /// The forms [`Ctx::eval`] does not handle itself.
    #[inline(never)]
    fn eval_other(&mut self, e: &'a TExpr) -> EvalResult<'a> {
        match &e.kind {
            TKind::Const(_)
            | TKind::Field { .. }
            | TKind::AsOf
            | TKind::Let(_)
            | TKind::Split(_)
            | TKind::Not(_)
            | TKind::And(..)
            | TKind::Or(..)
            | TKind::Cmp { .. }
            | TKind::IsNone { .. }
            | TKind::Coalesce(..) => self.eval(e),
            TKind::Neg(kind, a) => match (kind, self.eval(a)?) {
                (NumKind::Int, Val::Int(i)) => i.checked_neg().map(Val::Int).ok_or_else(EvalFailure::overflow),
                (_, Val::Dec(d)) => Ok(Val::Dec(-d)),
                (_, v) => fail(format!("internal: cannot negate {v:?}")),
            },
            TKind::Arith { op, lhs, rhs, .. } => {
                let (l, r) = (self.operand(lhs)?, self.operand(rhs)?);
                op.apply(l, r)
            }
            TKind::ToDec(a) => match self.eval(a)? {
                Val::Int(i) => Ok(Val::Dec(Decimal::from(i))),
                v => Ok(v),
            },
            TKind::DateShift { subtract, date, by } => {
                let Val::Date(d) = self.eval(date)? else {
                    return fail("internal: date expected");
                };
                by.shift_within_range(d, *subtract).map(Val::Date).or_else(|out| {
                    fail(format!("date out of range: {d} {} {by} is {out}", if *subtract { "-" } else { "+" }))
                })
            }
            TKind::InList { .. } | TKind::InSet { .. } | TKind::InBatch { .. } => match self.membership(e)? {
                Some(m) => Ok(Val::Bool(m.holds)),
                None => fail("internal: membership expected"),
            },
            TKind::Agg(agg) => self.aggregate(agg),
            TKind::SetCount(s) => match self.eval(s)? {
                Val::Set(items) => Ok(Val::Int(i64::try_from(items.len()).unwrap_or(i64::MAX))),
                _ => fail("internal: set expected"),
            },
            TKind::Call { func, args } => self.builtin(*func, args),
            TKind::Hook { hook, args } => self.call_hook(*hook, args),
            TKind::Case { branches, otherwise } => self.case(e, branches, otherwise.as_deref()),
            TKind::EnumName(a) => {
                let v = self.eval(a)?;
                Ok(enum_as_str(v, a))
            }
            TKind::TableRow(table) => {
                // Rows are numbered from 1 in written order (`else` counted), as
                // diagnostics, traces and `explain` name them.
                self.table_row(table).map(|row| Val::Int(i64::try_from(row).map_or(i64::MAX, |r| r + 1)))
            }
            TKind::TableOut { row, table, output } => self.table_output(row, table, *output),
            TKind::Scorecard(card) => super::scorecard::score(self, card),
        }
    }

    /// Evaluates an `in` / `not in` test, keeping what it read (for traces);
    /// `None` when `e` is not a membership test.
    pub(crate) fn membership(&mut self, e: &'a TExpr) -> Result<Option<Membership<'a>>, EvalFailure> {
        let (needle, set) = match &e.kind {
            TKind::InList { needle, .. } | TKind::InBatch { needle, .. } => (self.eval(needle)?, None),
            TKind::InSet { needle, set, .. } => (self.eval(needle)?, Some(self.eval(set)?)),
            _ => return Ok(None),
        };
        self.member_of(e, needle, set)
    }

    /// Decides the `in` / `not in` test `e` given its needle's value and,
    /// for `in` a set field, the set's (however they were computed).
    pub(crate) fn member_of(
        &self,
        e: &'a TExpr,
        n: Val<'a>,
        set: Option<Val<'a>>,
    ) -> Result<Option<Membership<'a>>, EvalFailure> {
        Ok(Some(match &e.kind {
            TKind::InList { negate, items, .. } => {
                let found = items.iter().any(|c| compare(n, c.val()).is_ok_and(|o| o == Ordering::Equal));
                Membership { holds: found != *negate, needle: n, set: None }
            }
            TKind::InSet { negate, needle, .. } => {
                let n = enum_as_str(n, needle);
                let Some(Val::Set(items)) = set else {
                    return fail("internal: set expected");
                };
                Membership { holds: set_contains(items, n) != *negate, needle: n, set: Some(Val::Set(items)) }
            }
            TKind::InBatch { negate, batch, .. } => {
                let found = match (n, self.program.batches.get(*batch)) {
                    (Val::Str(s), Some(b)) => b.ids.contains(s),
                    (Val::Int(i), Some(b)) => b.numbers.contains(&i),
                    _ => false,
                };
                Membership { holds: found != *negate, needle: n, set: None }
            }
            _ => return Ok(None),
        }))
    }

    fn builtin(&mut self, func: Builtin, args: &'a [TExpr]) -> EvalResult<'a> {
        let arg = |ctx: &mut Self, i: usize| -> EvalResult<'a> {
            match args.get(i) {
                Some(a) => ctx.eval(a),
                None => fail("internal: missing argument"),
            }
        };
        let a = arg(self, 0)?;
        match func {
            Builtin::Abs => match a {
                Val::Int(i) => i.checked_abs().map(Val::Int).ok_or_else(EvalFailure::overflow),
                Val::Dec(d) => Ok(Val::Dec(d.abs())),
                v => fail(format!("internal: abs of {v:?}")),
            },
            Builtin::Floor => match a {
                Val::Dec(d) => Ok(Val::Dec(d.floor())),
                v => Ok(v),
            },
            Builtin::Ceil => match a {
                Val::Dec(d) => Ok(Val::Dec(d.ceil())),
                v => Ok(v),
            },
            Builtin::Round => {
                let Val::Int(places) = arg(self, 1)? else {
                    return fail("internal: round places");
                };
                let in_range = u32::try_from(places).ok().filter(|_| places <= MAX_ROUND_PLACES);
                let Some(places) = in_range else {
                    return fail(format!(
                        "round: {places} decimal places is not allowed (use 0 to {MAX_ROUND_PLACES})"
                    ));
                };
                match a {
                    Val::Dec(d) => {
                        Ok(Val::Dec(d.round_dp_with_strategy(places, RoundingStrategy::MidpointAwayFromZero)))
                    }
                    v => Ok(v),
                }
            }
            Builtin::Min2 | Builtin::Max2 => {
                let b = arg(self, 1)?;
                let ord = compare(a, b)?;
                let pick_a = if func == Builtin::Min2 { ord != Ordering::Greater } else { ord != Ordering::Less };
                Ok(if pick_a { a } else { b })
            }
            Builtin::DaysBetween | Builtin::MonthsBetween => {
                let (Val::Date(x), Val::Date(y)) = (a, arg(self, 1)?) else {
                    return fail("internal: dates expected");
                };
                Ok(Val::Int(if func == Builtin::DaysBetween { days_between(x, y) } else { months_between(x, y) }))
            }
            Builtin::LenStr => match a {
                Val::Str(s) => Ok(Val::Int(i64::try_from(s.chars().count()).unwrap_or(i64::MAX))),
                _ => fail("internal: string expected"),
            },
            Builtin::LenSet => match a {
                Val::Set(s) => Ok(Val::Int(i64::try_from(s.len()).unwrap_or(i64::MAX))),
                _ => fail("internal: set expected"),
            },
        }
    }

    fn aggregate(&mut self, agg: &'a Aggregate) -> EvalResult<'a> {
        let Some(Value::List(elements)) = self.account.slots.get(agg.list_slot) else {
            return fail("internal: list expected");
        };
        let elements: &'a [Record] = elements;
        // The window's start is only compared with the elements' dates, never
        // written: one before year 0000 (as_of 0003-06-01, `within 5 years`)
        // is exact, and selects every element up to as_of.
        let lower = self.window_start(agg)?;
        let saved = self.element;
        let result = self.fold_elements(agg, elements, lower);
        self.element = saved;
        result
    }

    fn fold_elements(&mut self, agg: &'a Aggregate, elements: &'a [Record], lower: Option<Date>) -> EvalResult<'a> {
        let elements = match (lower, agg.window) {
            (Some(lower), Some((_, key))) => self.window(elements, key, lower),
            _ => elements,
        };
        // Counted per aggregate, not per element: one addition, whatever the list's length.
        self.charge(elements.len())?;
        if agg.func == AggFunc::Latest && agg.filter.is_none() {
            // The latest is the last element in the window: nothing else needs reading.
            return Ok(match (elements.last(), agg.field) {
                (Some(element), Some(slot)) => element.val(slot),
                (Some(_), None) => Val::Bool(true),
                (None, _) => Val::None,
            });
        }
        // For `any`/`all` of the list itself, the `where` condition is the
        // predicate; everywhere else it selects the elements.
        let predicate = matches!(agg.func, AggFunc::Any | AggFunc::All) && agg.field.is_none();
        let mut fold = Fold::new(agg.func, agg.num);
        for element in elements {
            if !self.in_window(element, agg, lower) {
                continue;
            }
            let mut passes = true;
            if let Some(filter) = &agg.filter {
                self.element = Some(element);
                passes = self.truth(filter)?;
                if !passes && !predicate {
                    continue;
                }
            }
            let value = match agg.field {
                Some(slot) => element.val(slot),
                None => Val::Bool(passes),
            };
            if let Some(done) = fold.step(value)? {
                return Ok(done);
            }
        }
        fold.finish()
    }

    /// Where an aggregate's `within` window starts (exclusive), if it has one.
    pub(crate) fn window_start(&self, agg: &Aggregate) -> Result<Option<Date>, EvalFailure> {
        match agg.window {
            Some((d, _)) => d.sub_from(self.as_of).map(Some).ok_or_else(|| EvalFailure {
                kind: FailureKind::Eval,
                message: format!("date out of range: as_of - {d}"),
            }),
            None => Ok(None),
        }
    }

    /// Whether `element` lies in an aggregate's window `(lower, as_of]`
    /// (`lower` from [`Ctx::window_start`]); every element does without one.
    #[inline]
    pub(crate) fn in_window(&self, element: &Record, agg: &Aggregate, lower: Option<Date>) -> bool {
        match (lower, agg.window) {
            (Some(lower), Some((_, key))) => {
                matches!(element.slots.get(key), Some(Value::Date(d)) if *d > lower && *d <= self.as_of)
            }
            _ => true,
        }
    }

    /// The elements whose time key lies in `(lower, as_of]`, found by binary search.
    ///
    /// INVARIANT: a list is sorted by its time key, oldest first ([`Value::List`],
    /// `snapshot::convert::finish_list`), and `within` windows on that key; the
    /// caller still checks each element's date, so a list that broke the
    /// invariant would lose elements, never gain them.
    ///
    /// A short list (the usual: a few overdues, a few scores) is scanned from
    /// its oldest element: for a sorted list the same bounds as the binary
    /// search, without its mispredicted branches.
    pub(crate) fn window(&self, elements: &'a [Record], key: usize, lower: Date) -> &'a [Record] {
        let as_of = self.as_of;
        let after_lower = |e: &Record| matches!(e.slots.get(key), Some(Value::Date(d)) if *d > lower);
        let until_as_of = |e: &Record| matches!(e.slots.get(key), Some(Value::Date(d)) if *d <= as_of);
        if elements.len() <= LINEAR_WINDOW {
            let start = elements.iter().position(after_lower).unwrap_or(elements.len());
            let rest = elements.get(start..).unwrap_or_default();
            let end = rest.iter().position(|e| !until_as_of(e)).unwrap_or(rest.len());
            return rest.get(..end).unwrap_or_default();
        }
        let start = elements.partition_point(|e| !after_lower(e));
        let rest = elements.get(start..).unwrap_or_default();
        let end = rest.partition_point(until_as_of);
        rest.get(..end).unwrap_or_default()
    }

    fn call_hook(&mut self, hook: usize, args: &'a [TExpr]) -> EvalResult<'a> {
        let mut values = Vec::with_capacity(args.len());
        for a in args {
            values.push(match (&a.ty.base, &a.kind) {
                (Base::Records(shape), TKind::Field { slot, .. }) => list_val(self.account.slots.get(*slot), shape),
                _ => enum_as_str(self.eval(a)?, a),
            });
        }
        self.call_hook_with(hook, &values)
    }

    /// Calls hook `hook` with its arguments' values (the lowered code's call too).
    pub(crate) fn call_hook_with(&mut self, hook: usize, values: &[Val<'a>]) -> EvalResult<'a> {
        let program = self.program;
        let Some(h) = program.hooks.get(hook) else {
            return fail("internal: unknown hook");
        };
        let backstop = self.hook_backstop;
        let Some(log) = &mut self.hook_log else {
            let value = h.call_within(values, backstop)?;
            self.charge_hook_operations()?;
            return Ok(value);
        };
        let (result, printed) = h.call_traced(values, backstop);
        log.push(HookCall {
            hook,
            args: values.iter().map(|v| Traced::of(*v, None)).collect(),
            result: result.as_ref().map(|v| Traced::of(*v, None)).map_err(|e| e.message.clone()),
            printed,
        });
        let value = result?;
        self.charge_hook_operations()?;
        Ok(value)
    }

    /// Counts the operations of the hook call just made toward the account's bound.
    fn charge_hook_operations(&mut self) -> Result<(), EvalFailure> {
        let operations = crate::hooks::operations_of_last_call();
        self.charge(usize::try_from(operations).unwrap_or(usize::MAX))
    }
}

#[cold]
pub(crate) fn not_a_condition(v: Val<'_>) -> EvalFailure {
    EvalFailure::internal(format_args!("condition yielded {v:?}"))
}

/// An enum member as its name (sets of enum members and hooks see names).
fn enum_as_str<'a>(v: Val<'a>, e: &'a TExpr) -> Val<'a> {
    match &e.ty.base {
        Base::Enum(members) => member_name(v, members),
        _ => v,
    }
}

/// A list field given whole to a hook (an absent slot as an empty list).
pub(crate) fn list_val<'a>(stored: Option<&'a Value>, shape: &'a ElementShape) -> Val<'a> {
    match stored {
        Some(Value::List(records)) => Val::List(records, shape),
        _ => Val::List(&[], shape),
    }
}

/// An enum member of `members` as its name (the lowered hook call's too);
/// any other value as it is.
pub(crate) fn member_name<'a>(v: Val<'a>, members: &'a [Box<str>]) -> Val<'a> {
    match v {
        Val::Enum(i) => members.get(i as usize).map_or(Val::None, |m| Val::Str(m)),
        _ => v,
    }
}

pub(crate) fn set_contains(items: &[SetItem], needle: Val<'_>) -> bool {
    match needle {
        Val::Str(s) => items
            .binary_search_by(|i| match i {
                SetItem::Str(x) => (**x).cmp(s),
                SetItem::Int(_) => Ordering::Less,
                SetItem::Date(_) => Ordering::Greater,
            })
            .is_ok(),
        Val::Int(n) => items.binary_search(&SetItem::Int(n)).is_ok(),
        Val::Date(d) => items.binary_search(&SetItem::Date(d)).is_ok(),
        _ => false,
    }
}
