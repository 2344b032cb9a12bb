//! Traces: why a decision came out as it did. A traced rule runs its
//! compiled [`Condition`] leaf by leaf, in the one order the compiler fixed,
//! recording each leaf's typed value and what it read. Values stay typed
//! ([`Traced`]) until an output encoder writes them.

use super::expr::{not_a_condition, Ctx, Membership};
use super::run;
use crate::compile::lower::leaves::{LeafCode, NumberCode};
use crate::ir::{ArithOp, Base, CmpOp, Condition, Shape, TExpr, TKind};
use crate::value::{compare, days_between, Date, EvalFailure, ShortStr, Traced, Val};
use rust_decimal::Decimal;
use std::borrow::Cow;
use std::ops::Range;
use std::sync::Arc;

/// Why a decision came out as it did.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct Trace {
    /// Every rule in evaluation order.
    pub rules: Vec<RuleTrace>,
    /// The traced rules' leaves, rule after rule (one vector for the whole
    /// decision rather than one per rule): a rule's are [`Trace::leaves_of`].
    /// The records own nothing (what a leaf read that owns memory is in
    /// [`Trace::kept`]), so dropping them is freeing one buffer.
    pub leaves: Vec<LeafTrace>,
    /// What the leaves' [`Operand`]s refer to rather than own; read through
    /// [`Trace::operand`].
    pub kept: Kept,
    /// Lets that were computed (by index into the program's lets), with
    /// their values (read through [`Trace::operand`], as a leaf's are).
    pub lets: Vec<(usize, Operand)>,
    /// Hook calls with arguments and results.
    pub hooks: Vec<HookCall>,
    /// Each scorecard, characteristic by characteristic (when the account decided).
    pub scorecards: Vec<super::scorecard::ScorecardTrace>,
    /// The branch each case expression took (outside aggregates), in evaluation order.
    pub cases: Vec<CaseTaken>,
    /// The row each table the decision needed matched, in evaluation order
    /// (outside aggregates; a let's table once).
    pub tables: Vec<TableTaken>,
    /// The rule whose condition, actions or limit failed to evaluate, when
    /// one did (a scorecard failing after the rules ran names none).
    pub failed_rule: Option<usize>,
    /// The program's rule names, by rule index ([`Trace::rule_name`]):
    /// shared by every trace of the program, so that recording a rule
    /// copies no name and takes no reference count.
    pub rule_names: Arc<[Arc<str>]>,
}

/// Which branch of a `case` gave its value.
#[derive(Clone, Debug, PartialEq)]
pub struct CaseTaken {
    /// The whole case expression.
    pub at: crate::diagnostic::Span,
    /// The branch taken, from 0 in written order; `None`: no condition held
    /// (the `else`, or none without one).
    pub branch: Option<usize>,
    /// The case has an `else` (which gave the value when `branch` is `None`).
    pub otherwise: bool,
    /// The condition that held, where it was written.
    pub when: Option<crate::diagnostic::Span>,
    /// The case's value.
    pub value: Traced,
}

/// The row a table matched, for an account (not for an element of one of its lists).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TableTaken {
    /// The whole table expression (which names the table in its policy).
    pub at: crate::diagnostic::Span,
    /// The row matched, numbered from 1 (`else` last).
    pub row: usize,
}

/// One rule's evaluation.
#[derive(Clone, Debug, PartialEq)]
pub struct RuleTrace {
    /// The rule, by its index in the program's rules (which holds its
    /// condition's leaves); [`Trace::rule_name`] names it.
    pub index: usize,
    /// What happened.
    pub status: RuleStatus,
    /// Where its leaves are in [`Trace::leaves`]: each leaf of the rule's
    /// condition, at the leaf's index. When evaluating a leaf failed, the
    /// range ends just before that leaf; empty for a rule not evaluated.
    pub leaves: Range<usize>,
}

impl Trace {
    /// The name of `rule` (one of [`Trace::rules`]).
    pub fn rule_name(&self, rule: &RuleTrace) -> &str {
        self.rule_names.get(rule.index).map_or("", |name| name)
    }

    /// The leaves of `rule` (one of [`Trace::rules`]), each at its index in the rule's condition.
    pub fn leaves_of(&self, rule: &RuleTrace) -> &[LeafTrace] {
        self.leaves.get(rule.leaves.clone()).unwrap_or_default()
    }

    /// The value `operand` (read by one of this trace's leaves) stands for:
    /// borrowed from [`Trace::kept`] when kept there, else built in place
    /// (an enum member takes a reference count on its enum's names). An
    /// operand of another trace may name what this one does not keep: `none`.
    pub fn operand(&self, operand: &Operand) -> Cow<'_, Traced> {
        Cow::Owned(match *operand {
            Operand::None => Traced::None,
            Operand::Bool(b) => Traced::Bool(b),
            Operand::Int(i) => Traced::Int(i),
            Operand::Dec(d) => Traced::Dec(d),
            Operand::Date(d) => Traced::Date(d),
            Operand::ShortStr(s) => Traced::ShortStr(s),
            Operand::Member { names, index } => match self.kept.enums.get(names) {
                Some(names) => Traced::Member { names: Arc::clone(names), index },
                None => Traced::None,
            },
            Operand::Kept(at) => return self.kept.values.get(at).map_or(Cow::Owned(Traced::None), Cow::Borrowed),
        })
    }
}

/// What a trace's leaf records and lets refer to rather than own, so that
/// the records themselves own nothing and drop as plain memory.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct Kept {
    /// Values that own memory (strings longer than [`ShortStr::CAPACITY`]
    /// bytes, sets, members of an enum not known), by [`Operand::Kept`].
    pub values: Vec<Traced>,
    /// The member names of each enum a leaf read a member of, once per
    /// trace (shared with the schema), by [`Operand::Member`]'s `names`.
    pub enums: Vec<Arc<[Box<str>]>>,
}

impl Kept {
    /// `v` as a leaf records it, naming an enum member from `enum_members`
    /// (the enum of the expression that gave it), as [`Traced::of_shared`]
    /// would keep it.
    #[inline]
    pub(crate) fn operand(&mut self, v: Val<'_>, enum_members: Option<&Arc<[Box<str>]>>) -> Operand {
        match v {
            Val::None => Operand::None,
            Val::Bool(b) => Operand::Bool(b),
            Val::Int(i) => Operand::Int(i),
            Val::Dec(d) => Operand::Dec(d),
            Val::Date(d) => Operand::Date(d),
            Val::Str(s) => match ShortStr::new(s) {
                Some(short) => Operand::ShortStr(short),
                None => self.keep(Traced::Str(s.into())),
            },
            Val::Enum(index) => match enum_members {
                Some(names) if names.get(index as usize).is_some() => {
                    Operand::Member { names: self.enum_names(names), index }
                }
                _ => self.keep(Traced::of_shared(v, None)),
            },
            Val::Set(_) | Val::List(..) => self.keep(Traced::of_shared(v, None)),
        }
    }

    /// Keeps `value`; where it is.
    #[cold]
    fn keep(&mut self, value: Traced) -> Operand {
        self.values.push(value);
        Operand::Kept(self.values.len() - 1)
    }

    /// Where `names` are in [`Kept::enums`], added on first use: a policy
    /// reads members of a few enums, so the search is a few pointer compares.
    fn enum_names(&mut self, names: &Arc<[Box<str>]>) -> usize {
        match self.enums.iter().position(|kept| Arc::ptr_eq(kept, names)) {
            Some(at) => at,
            None => {
                self.enums.push(Arc::clone(names));
                self.enums.len() - 1
            }
        }
    }
}

/// A value a leaf read, owning nothing: [`Traced`]'s plain values in place,
/// the rest by where the trace keeps them ([`Trace::operand`] reads either).
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Operand {
    /// Absent.
    None,
    /// A boolean.
    Bool(bool),
    /// A whole number.
    Int(i64),
    /// An exact decimal.
    Dec(Decimal),
    /// A date.
    Date(Date),
    /// A string of at most [`ShortStr::CAPACITY`] bytes.
    ShortStr(ShortStr),
    /// An enum member.
    Member {
        /// Its enum's names, at this index in [`Kept::enums`].
        names: usize,
        /// Its index among them.
        index: u32,
    },
    /// A value that owns memory, at this index in [`Kept::values`].
    Kept(usize),
}

/// One leaf of a traced condition. `Copy`: it owns nothing.
#[derive(Clone, Copy, Debug, PartialEq, Default)]
pub struct LeafTrace {
    /// The leaf's own value (before any `not`): a leaf is a condition, so
    /// always a boolean; `None`: not evaluated (short-circuited).
    pub value: Option<bool>,
    /// What it read: both sides of a comparison, the needle of an `in` test;
    /// `None` for other leaves and for leaves not evaluated.
    pub operands: Option<Operands>,
    /// The leaf's fallbacks ([`crate::ir::Leaf::fallbacks`]) that were none,
    /// a bit each: the defaults it took.
    pub fallbacks: u16,
}

/// The values a leaf condition read, so a reader can see how far it was
/// from holding; each read through [`Trace::operand`].
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Operands {
    /// `left OP right`, both sides as evaluated.
    Compare {
        /// The comparison operator.
        op: CmpOp,
        /// The left side's value.
        left: Operand,
        /// The right side's value.
        right: Operand,
    },
    /// `needle in collection` (or `not in`).
    Member {
        /// The value looked for.
        needle: Operand,
        /// The set's elements when the collection is a set field (lists and batches are in the policy).
        set: Option<Operand>,
    },
}

impl Operands {
    /// For a comparison, how far it was from holding: `right - left`, exact
    /// for numbers, in days for dates; `None` for other types (and on an
    /// overflow), which have no distance, and for a membership test.
    /// Worked out when asked (by `explain`), not by the tracer for every leaf.
    pub fn delta(&self) -> Option<Decimal> {
        match self {
            Operands::Compare { left, right, .. } => delta(distance_operand(left)?, distance_operand(right)?),
            Operands::Member { .. } => None,
        }
    }
}

/// A traced value that may have a distance to another, as the value it was.
fn distance_operand(t: &Operand) -> Option<Val<'static>> {
    match t {
        Operand::Int(i) => Some(Val::Int(*i)),
        Operand::Dec(d) => Some(Val::Dec(*d)),
        Operand::Date(d) => Some(Val::Date(*d)),
        _ => None,
    }
}

/// What happened to a rule.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RuleStatus {
    /// Matched and fired.
    Fired,
    /// Did not match.
    NotMatched,
    /// Not evaluated: an earlier rule of its `first` group fired.
    Skipped {
        /// The `first` group.
        group: Arc<str>,
        /// The rule of the group that fired first.
        by: Arc<str>,
    },
    /// Not evaluated: the snapshot's `as_of` is outside the rule's (or its group's) dates.
    NotInEffect(crate::ir::EffectiveDays),
}

/// Hook call recorded for traces.
#[derive(Clone, Debug, PartialEq)]
pub struct HookCall {
    /// The hook, by index into the program's hooks.
    pub hook: usize,
    /// Arguments.
    pub args: Vec<Traced>,
    /// Result, or why the call failed.
    pub result: Result<Traced, String>,
    /// What the script printed (`print`, `debug`) during the call.
    pub printed: Vec<String>,
}

/// The enum an expression's value belongs to, to name its members.
pub(crate) fn enum_members(e: &TExpr) -> Option<&Arc<[Box<str>]>> {
    match &e.ty.base {
        Base::Enum(m) => Some(m),
        _ => None,
    }
}

/// Evaluates `condition` (rule `rule`'s) leaf by leaf, as the fast path
/// would (same leaves, same short-circuits), returning whether it holds and
/// where in `leaves` its leaves' traces were appended. Each leaf runs its
/// lowered code ([`crate::compile::lower::leaves`]) unless the interpreter
/// alone is asked for.
pub(crate) fn traced<'a>(
    ctx: &mut Ctx<'a>,
    rule: usize,
    condition: &'a Condition,
    leaves: &mut Vec<LeafTrace>,
    kept: &mut Kept,
) -> (Result<bool, EvalFailure>, Range<usize>) {
    let start = leaves.len();
    // Filled in place rather than cloned from a template leaf.
    leaves.resize_with(start + condition.leaves.len(), LeafTrace::default);
    let program = ctx.program;
    let codes = match program.trace_code.rules.get(rule) {
        Some(codes) if !ctx.interpret_traces && codes.len() == condition.leaves.len() => Some(&**codes),
        _ => None,
    };
    let out = leaves.get_mut(start..).unwrap_or_default();
    let mut walker = Walker { ctx, condition, codes, out, kept, failed_at: None, failure: None };
    let held = walker.walk(&condition.shape);
    let (failed_at, failure) = (walker.failed_at, walker.failure);
    let held = held.map_err(|Stopped| failure.unwrap_or_else(|| EvalFailure::internal("a failure was lost")));
    if let Some(at) = failed_at {
        leaves.truncate(start + at);
    }
    (held, start..leaves.len())
}

/// One traced condition being walked.
struct Walker<'w, 'a> {
    ctx: &'w mut Ctx<'a>,
    condition: &'a Condition,
    /// Each leaf's lowered code; `None`: the interpreter runs every leaf.
    codes: Option<&'a [LeafCode]>,
    out: &'w mut [LeafTrace],
    /// What the records refer to rather than own.
    kept: &'w mut Kept,
    /// The leaf whose evaluation failed.
    failed_at: Option<usize>,
    /// Why the walk stopped, parked here: each step returns only its truth
    /// (or [`Stopped`]), in a register rather than through memory.
    failure: Option<EvalFailure>,
}

/// The walk stopped; why is in [`Walker::failure`].
struct Stopped;

impl<'a> Walker<'_, 'a> {
    fn walk(&mut self, shape: &Shape) -> Result<bool, Stopped> {
        match shape {
            Shape::Leaf(i) => self.leaf(*i),
            Shape::Not(a) => Ok(!self.walk(a)?),
            Shape::And(a, b) => Ok(self.walk(a)? && self.walk(b)?),
            Shape::Or(a, b) => Ok(self.walk(a)? || self.walk(b)?),
        }
    }

    fn leaf(&mut self, i: usize) -> Result<bool, Stopped> {
        let (Some(leaf), Some(slot)) = (self.condition.leaves.get(i), self.out.get_mut(i)) else {
            return self.stop(None, EvalFailure::internal("a condition's shape names a leaf it does not have"));
        };
        // What the leaf read is written into its record in place, not moved
        // there through return values (the records are most of a trace's stores).
        let held = match self.codes.and_then(|c| c.get(i)) {
            None | Some(LeafCode::Interpreted) => {
                match read_leaf(self.ctx, &leaf.expr, Read { operands: &mut slot.operands, kept: self.kept }) {
                    Ok(Val::Bool(b)) => Ok(b),
                    // A leaf is a condition: the checker gives it no other type,
                    // and the untraced interpreter refuses one the same way.
                    Ok(v) => Err(not_a_condition(v)),
                    Err(e) => Err(e),
                }
            }
            Some(code) => {
                read_lowered(self.ctx, &leaf.expr, code, Read { operands: &mut slot.operands, kept: self.kept })
            }
        };
        match held {
            // The truth stored by its own assignment, not built on the stack
            // and copied into the record (a stalled store forward, by perf).
            Ok(b) => {
                slot.value = Some(b);
                if !leaf.fallbacks.is_empty() {
                    slot.fallbacks = fallbacks_taken(self.ctx, &leaf.fallbacks);
                }
                Ok(b)
            }
            Err(e) => self.stop(Some(i), e),
        }
    }

    /// Parks why the walk stopped (at leaf `at`, when a leaf failed).
    #[cold]
    fn stop(&mut self, at: Option<usize>, failure: EvalFailure) -> Result<bool, Stopped> {
        self.failed_at = at;
        self.failure = Some(failure);
        Err(Stopped)
    }
}

/// Which of a leaf's fallbacks were none, a bit each: each evaluated again
/// on its own (only when tracing, and only for a leaf with a `??`), one
/// after a fallback only when that one was none, as the leaf evaluated it.
#[cold]
fn fallbacks_taken<'a>(ctx: &mut Ctx<'a>, fallbacks: &'a [crate::ir::condition::Fallback]) -> u16 {
    let mut taken = 0u16;
    for (bit, f) in fallbacks.iter().enumerate().take(crate::ir::condition::MAX_FALLBACKS) {
        let reached = f.after.is_none_or(|earlier| taken & (1 << earlier) != 0);
        let none = |ctx: &mut Ctx<'a>| match f.first.kind {
            // Read in place: most defaults are an optional field's.
            TKind::Field { frame: crate::ir::Frame::Account, slot } => matches!(ctx.account.val(slot), Val::None),
            _ => ctx.aside(|ctx| matches!(ctx.eval(&f.first), Ok(Val::None))),
        };
        if reached && none(ctx) {
            taken |= 1 << bit;
        }
    }
    taken
}

/// `r - l`: exact for numbers, in days for dates; `None` for other types
/// (and on an overflow), which have no distance.
fn delta(l: Val<'_>, r: Val<'_>) -> Option<Decimal> {
    match (l, r) {
        (Val::Date(a), Val::Date(b)) => Some(Decimal::from(days_between(a, b))),
        // Only numbers are subtracted: for other types `apply` would build
        // an error message only to have it dropped.
        (Val::Int(_) | Val::Dec(_), Val::Int(_) | Val::Dec(_)) => match ArithOp::Sub.apply(r, l) {
            Ok(Val::Dec(d)) => Some(d),
            Ok(Val::Int(i)) => Some(Decimal::from(i)),
            _ => None,
        },
        _ => None,
    }
}

/// Where a leaf's operands are written: its record, in place, and the
/// trace's [`Kept`] for what owns memory.
struct Read<'o> {
    operands: &'o mut Option<Operands>,
    kept: &'o mut Kept,
}

/// Evaluates one leaf exactly as [`Ctx::eval`] would (each side once),
/// keeping what it read in `operands`.
fn read_leaf<'a>(ctx: &mut Ctx<'a>, e: &'a TExpr, operands: Read<'_>) -> Result<Val<'a>, EvalFailure> {
    match &e.kind {
        TKind::Cmp { op, lhs, rhs, .. } => {
            let (l, r) = (ctx.eval(lhs)?, ctx.eval(rhs)?);
            compared(*op, lhs, rhs, l, r, operands).map(Val::Bool)
        }
        TKind::InList { .. } | TKind::InSet { .. } | TKind::InBatch { .. } => match ctx.membership(e)? {
            Some(m) => Ok(Val::Bool(member(e, m, operands))),
            None => ctx.eval(e),
        },
        _ => ctx.eval(e),
    }
}

/// Evaluates one leaf by its lowered code, keeping what [`read_leaf`] keeps;
/// whether it holds.
fn read_lowered<'a>(
    ctx: &mut Ctx<'a>,
    e: &'a TExpr,
    code: &'a LeafCode,
    operands: Read<'_>,
) -> Result<bool, EvalFailure> {
    match (code, &e.kind) {
        (LeafCode::Numbers { left, right }, TKind::Cmp { op, .. }) => {
            let l = number(ctx, left)?;
            let r = number(ctx, right)?;
            Ok(compared_numbers(*op, l, r, operands.operands))
        }
        (LeafCode::Dates { left, right }, TKind::Cmp { op, .. }) => {
            let l = run::date(ctx, left)?;
            let r = run::date(ctx, right)?;
            *operands.operands = Some(Operands::Compare { op: *op, left: Operand::Date(l), right: Operand::Date(r) });
            Ok(op.holds(l.cmp(&r)))
        }
        (LeafCode::Compare { left, right }, TKind::Cmp { op, lhs, rhs, .. }) => {
            let l = run::value(ctx, left)?;
            let r = run::value(ctx, right)?;
            compared(*op, lhs, rhs, l, r, operands)
        }
        (LeafCode::Member { needle, set }, _) => {
            let n = run::value(ctx, needle)?;
            let set = match set {
                Some(code) => Some(run::value(ctx, code)?),
                None => None,
            };
            match ctx.member_of(e, n, set)? {
                Some(m) => Ok(member(e, m, operands)),
                None => Err(EvalFailure::internal("membership expected")),
            }
        }
        (LeafCode::Bool(code), _) => run::holds(ctx, code),
        // A code is lowered from its own leaf: a comparison's from a comparison.
        _ => read_leaf(ctx, e, operands).map(|v| matches!(v, Val::Bool(true))),
    }
}

/// A side of a comparison between numbers, in its own type.
#[derive(Clone, Copy)]
enum Number {
    Int(i64),
    Dec(Decimal),
}

/// A side of a comparison between numbers, run to its own type.
#[inline]
fn number<'a>(ctx: &mut Ctx<'a>, code: &'a NumberCode) -> Result<Number, EvalFailure> {
    match code {
        NumberCode::Int(code) => run::integer(ctx, code).map(Number::Int),
        NumberCode::Dec(code) => run::decimal(ctx, code).map(Number::Dec),
    }
}

/// Whether `l OP r` holds, an int beside a decimal widened as [`compare`]
/// widens it; both sides kept, each in its own type. Each arm writes its
/// record whole (no value built first and copied in).
fn compared_numbers(op: CmpOp, l: Number, r: Number, operands: &mut Option<Operands>) -> bool {
    let ordering = match (l, r) {
        (Number::Int(a), Number::Int(b)) => {
            *operands = Some(Operands::Compare { op, left: Operand::Int(a), right: Operand::Int(b) });
            a.cmp(&b)
        }
        (Number::Dec(a), Number::Dec(b)) => {
            *operands = Some(Operands::Compare { op, left: Operand::Dec(a), right: Operand::Dec(b) });
            a.cmp(&b)
        }
        (Number::Int(a), Number::Dec(b)) => {
            *operands = Some(Operands::Compare { op, left: Operand::Int(a), right: Operand::Dec(b) });
            Decimal::from(a).cmp(&b)
        }
        (Number::Dec(a), Number::Int(b)) => {
            *operands = Some(Operands::Compare { op, left: Operand::Dec(a), right: Operand::Int(b) });
            a.cmp(&Decimal::from(b))
        }
    };
    op.holds(ordering)
}

/// Whether a comparison holds, its sides evaluated; its operands kept.
fn compared<'a>(
    op: CmpOp,
    lhs: &'a TExpr,
    rhs: &'a TExpr,
    l: Val<'a>,
    r: Val<'a>,
    operands: Read<'_>,
) -> Result<bool, EvalFailure> {
    let holds = op.holds(compare(l, r)?);
    let (left, right) = (operands.kept.operand(l, enum_members(lhs)), operands.kept.operand(r, enum_members(rhs)));
    *operands.operands = Some(Operands::Compare { op, left, right });
    Ok(holds)
}

/// Whether a membership test holds; its operands kept.
fn member<'a>(e: &'a TExpr, m: Membership<'a>, operands: Read<'_>) -> bool {
    let needle = match &e.kind {
        TKind::InList { needle, .. } | TKind::InSet { needle, .. } | TKind::InBatch { needle, .. } => {
            enum_members(needle)
        }
        _ => None,
    };
    let needle = operands.kept.operand(m.needle, needle);
    let set = m.set.map(|s| operands.kept.operand(s, None));
    *operands.operands = Some(Operands::Member { needle, set });
    m.holds
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::value::parse_date;

    #[test]
    fn a_comparison_is_as_far_from_holding_as_its_right_side_minus_its_left() {
        assert_eq!(delta(Val::Int(3), Val::Int(10)), Some(Decimal::from(7)));
        assert_eq!(delta(Val::Dec(Decimal::new(150, 2)), Val::Int(1)), Some(Decimal::new(-50, 2)));
        assert_eq!(delta(Val::Int(2), Val::Dec(Decimal::new(25, 1))), Some(Decimal::new(5, 1)));
        let (a, b) = (parse_date("2026-01-31").unwrap(), parse_date("2026-03-01").unwrap());
        assert_eq!(delta(Val::Date(a), Val::Date(b)), Some(Decimal::from(29)));
    }

    #[test]
    fn a_traced_comparison_has_the_distance_of_its_values() {
        let compare = |left, right| Operands::Compare { op: CmpOp::Lt, left, right };
        assert_eq!(compare(Operand::Int(3), Operand::Dec(Decimal::new(45, 1))).delta(), Some(Decimal::new(15, 1)));
        let (a, b) = (parse_date("2026-03-01").unwrap(), parse_date("2026-01-31").unwrap());
        assert_eq!(compare(Operand::Date(a), Operand::Date(b)).delta(), Some(Decimal::from(-29)));
        let text = |s| Operand::ShortStr(ShortStr::new(s).unwrap());
        assert_eq!(compare(text("a"), text("b")).delta(), None);
        assert_eq!(compare(Operand::None, Operand::Int(1)).delta(), None);
        assert_eq!(Operands::Member { needle: Operand::Int(1), set: None }.delta(), None);
    }

    #[test]
    fn numbers_compare_widened_and_are_kept_in_their_own_types() {
        let mut kept = None;
        let (int, dec) = (Number::Int(3), Number::Dec(Decimal::new(25, 1)));
        assert!(compared_numbers(CmpOp::Gt, int, dec, &mut kept));
        assert_eq!(
            kept,
            Some(Operands::Compare { op: CmpOp::Gt, left: Operand::Int(3), right: Operand::Dec(Decimal::new(25, 1)) })
        );
        assert!(!compared_numbers(CmpOp::Ge, dec, int, &mut kept));
        assert_eq!(
            kept,
            Some(Operands::Compare { op: CmpOp::Ge, left: Operand::Dec(Decimal::new(25, 1)), right: Operand::Int(3) })
        );
        // 3 and 3.0 are equal numbers, each kept as it was.
        assert!(compared_numbers(CmpOp::Eq, Number::Dec(Decimal::new(30, 1)), int, &mut kept));
        assert!(compared_numbers(CmpOp::Le, Number::Int(i64::MIN), Number::Int(i64::MAX), &mut kept));
        assert!(compared_numbers(CmpOp::Ne, Number::Dec(Decimal::MAX), Number::Dec(Decimal::MIN), &mut kept));
        for (l, r) in [(int, dec), (dec, int), (int, int), (dec, dec)] {
            let as_val = |n| match n {
                Number::Int(i) => Val::Int(i),
                Number::Dec(d) => Val::Dec(d),
            };
            for op in [CmpOp::Eq, CmpOp::Ne, CmpOp::Lt, CmpOp::Le, CmpOp::Gt, CmpOp::Ge] {
                let by_value = op.holds(compare(as_val(l), as_val(r)).unwrap());
                assert_eq!(compared_numbers(op, l, r, &mut kept), by_value, "{op:?}");
            }
        }
    }

    #[test]
    fn an_operand_reads_back_as_the_value_the_interpreter_would_keep() {
        use crate::value::SetItem;
        let names: Arc<[Box<str>]> = vec!["active".into(), "closed".into()].into();
        let other: Arc<[Box<str>]> = vec!["legal".into()].into();
        let long = "a string too long to be kept in place";
        let set = [SetItem::Str("fraud".into()), SetItem::Str(long.into())];
        let date = crate::value::parse_date("2026-03-01").unwrap();
        type ValueRead<'r> = (Val<'r>, Option<&'r Arc<[Box<str>]>>);
        let reads: [ValueRead<'_>; 14] = [
            (Val::None, None),
            (Val::Bool(true), None),
            (Val::Int(-7), None),
            (Val::Dec(Decimal::new(-12345, 2)), None),
            (Val::Date(date), None),
            (Val::Str(""), None),
            (Val::Str("exactly twenty-two by!"), None),
            (Val::Str(long), None),
            (Val::Enum(1), Some(&names)),
            (Val::Enum(0), Some(&other)),
            (Val::Enum(0), Some(&names)),
            (Val::Enum(2), Some(&names)),
            (Val::Enum(3), None),
            (Val::Set(&set), None),
        ];
        let mut trace = Trace::default();
        let operands: Vec<Operand> = reads.iter().map(|(v, enum_of)| trace.kept.operand(*v, *enum_of)).collect();
        for ((v, enum_of), operand) in reads.iter().zip(&operands) {
            let expected = Traced::of_shared(*v, *enum_of);
            let read = trace.operand(operand);
            assert_eq!(*read, expected, "{v:?}");
            assert_eq!(read.to_string(), expected.to_string(), "{v:?}");
            assert_eq!(format!("{:?}", *read), format!("{expected:?}"), "{v:?}");
        }
        // Only what owns memory is kept aside: the long string, the two
        // members no enum names, the set; each enum's names once, shared.
        assert_eq!(trace.kept.values.len(), 4, "{:?}", trace.kept.values);
        assert_eq!(trace.kept.enums.len(), 2);
        assert!(Arc::ptr_eq(&trace.kept.enums[0], &names) && Arc::ptr_eq(&trace.kept.enums[1], &other));
        assert!(matches!(operands[6], Operand::ShortStr(_)) && matches!(operands[7], Operand::Kept(0)));
        // An operand this trace does not keep reads as none, never a panic.
        assert_eq!(*Trace::default().operand(&operands[7]), Traced::None);
        assert_eq!(*Trace::default().operand(&operands[8]), Traced::None);
    }

    #[test]
    fn values_without_a_distance_have_none() {
        assert_eq!(delta(Val::Str("a"), Val::Str("b")), None);
        assert_eq!(delta(Val::Enum(0), Val::Enum(2)), None);
        assert_eq!(delta(Val::Bool(true), Val::Bool(false)), None);
        assert_eq!(delta(Val::None, Val::Int(1)), None);
        // An overflow is no distance either.
        assert_eq!(delta(Val::Int(i64::MIN), Val::Int(i64::MAX)), None);
    }
}
