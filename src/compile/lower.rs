//! Lowering a rule's typed condition (and every `let`) into code specialised
//! by what the checker knows: one code type per result type (`bool`, `int`,
//! `decimal`, `date`), so that running it never dispatches on a value's tag;
//! comparisons of a slot with a literal as one node; enum equality and
//! `in [..]` as a bitmask over member indices; `opt ?? default` without
//! building a value; aggregates with their `where` lowered too.
//!
//! Every form not specialised here is kept as [`BoolCode::Generic`] (and its
//! siblings), which the evaluator runs with the interpreter (`Ctx::eval`):
//! the lowering is always correct and grows form by form.
//!
//! Why typed trees rather than closures or a flat instruction array: a tree
//! of enums runs as one `match` per node with its operands inline (a slot
//! index, a literal), which is what closures would compile to minus the
//! indirect call per node, and it stays inspectable (`Debug`, `PartialEq`,
//! so tests can see what was specialised) and `Clone` like the rest of the
//! [`super::Program`]. A flat array would need a value stack or registers by
//! type, i.e. tags again. Measured (`cargo bench --bench in_process`, the
//! hook-free ratio): the interpreter 3.70x the hand-written Rust, these
//! trees 2.5x in the same conditions. The closure and flat-array forms
//! were not built to compare; `perf` puts the remaining time in the
//! per-node calls of `Runner::bool`/`int` and in the aggregates' element
//! loops, which closures would not remove.

pub mod census;
pub mod leaves;
pub mod scorecard;
pub mod table;

use crate::ir::*;
use crate::value::Duration;
use rust_decimal::Decimal;

/// A condition.
#[derive(Clone, Debug, PartialEq)]
pub enum BoolCode {
    /// A literal.
    Const(bool),
    /// `not x`
    Not(Box<BoolCode>),
    /// `a and b`
    And(Box<BoolCode>, Box<BoolCode>),
    /// `a or b`
    Or(Box<BoolCode>, Box<BoolCode>),
    /// `a and b and c ...`: a chain of three or more, run in one loop
    /// rather than one nested `And` per link.
    All(Box<[BoolCode]>),
    /// `a or b or c ...`: a chain of three or more.
    Any(Box<[BoolCode]>),
    /// A bool field that is never absent.
    Slot(Frame, usize),
    /// `field ?? default` on an optional bool field.
    SlotOr { frame: Frame, slot: usize, default: bool },
    /// `opt ?? x` in general.
    Coalesce(Box<OptCode>, Box<BoolCode>),
    /// A bool `let`.
    Let(usize),
    /// `int_field OP k`
    IntSlotCmp { frame: Frame, slot: usize, op: CmpOp, k: i64 },
    /// `decimal_field OP k`
    DecSlotCmp { frame: Frame, slot: usize, op: CmpOp, k: Decimal },
    /// `int_let OP k`
    IntLetCmp { index: usize, op: CmpOp, k: i64 },
    /// `decimal_let OP k`
    DecLetCmp { index: usize, op: CmpOp, k: Decimal },
    /// Two ints compared.
    IntCmp(CmpOp, Box<IntCode>, Box<IntCode>),
    /// Two decimals compared.
    DecCmp(CmpOp, Box<DecCode>, Box<DecCode>),
    /// Two dates compared.
    DateCmp(CmpOp, Box<DateCode>, Box<DateCode>),
    /// Two strings, or two members of one enum by `==`/`!=`, compared (a
    /// literal is an [`OptCode::Const`]).
    StrCmp(CmpOp, Box<OptCode>, Box<OptCode>),
    /// `string_let OP "literal"`: the let read from the cache and compared
    /// in place (the five collections rules of the lifecycle policy), where
    /// [`BoolCode::StrCmp`] would run both operands as values.
    StrLetCmp { index: usize, op: CmpOp, k: std::sync::Arc<str> },
    /// `count(list [within D]) OP k` without `where`: the elements in the
    /// window counted and compared, no value built in between.
    CountCmp { agg: Box<AggCode>, op: CmpOp, k: i64 },
    /// Two booleans compared.
    BoolCmp(CmpOp, Box<BoolCode>, Box<BoolCode>),
    /// An enum field's member is one of a set (`==`, `!=`, `in`, `not in`
    /// with literals): bit `i` of `mask` says whether member `i` makes it
    /// hold; `absent` is the result for `none` (an optional field).
    EnumMask { frame: Frame, slot: usize, mask: u64, absent: bool },
    /// A split's arm is one of a set (`==`, `!=`, `in`, `not in`): bit `i`
    /// of `mask` says whether arm `i` makes it hold.
    ArmMask { split: usize, mask: u64 },
    /// An enum let's member is one of a set (a case of string literals
    /// compared with one of them): as [`BoolCode::EnumMask`], the let read
    /// from the cache or computed first.
    EnumLetMask { index: usize, mask: u64, absent: bool },
    /// `x == none` (`negate`: `x != none`).
    IsNone { negate: bool, operand: Box<OptCode> },
    /// `field in batch` (`negate`: `not in`) on a string or int field.
    InBatch { frame: Frame, slot: usize, batch: usize, negate: bool },
    /// `literal in set_field` (`negate`: `not in`). The needle boxed:
    /// inline, its 24 bytes made every bool node 40 bytes, not 32 (two to a
    /// cache line).
    SetHas { frame: Frame, slot: usize, needle: Box<Const>, negate: bool },
    /// `any` / `all` of a list with a `where`.
    Agg(Box<AggCode>),
    /// A case of conditions.
    Case(Box<CaseCode<BoolCode>>),
    /// A table's bool output.
    TableOut(Box<table::OutCode<BoolCode>>),
    /// A hook's result.
    Hook(Box<HookCode>),
    /// Anything else, run by the interpreter. Boxed: inline, the 80-byte
    /// `TExpr` made every node of every code type 80 bytes, and its kind's
    /// tag the enum's niche (three more instructions in each dispatch).
    Generic(Box<TExpr>),
}

// INVARIANT: the nodes the dispatchers read stay small, so that a chain's
// operands share cache lines (two bool nodes to a line): what is large is
// boxed. A variant that grows one of them fails the build here.
const _: () = assert!(std::mem::size_of::<BoolCode>() <= 32);
const _: () = assert!(std::mem::size_of::<IntCode>() <= 24);
const _: () = assert!(std::mem::size_of::<DecCode>() <= 24);
const _: () = assert!(std::mem::size_of::<OptCode>() <= 24);

/// An int that is never absent.
#[derive(Clone, Debug, PartialEq)]
pub enum IntCode {
    /// A literal.
    Const(i64),
    /// An int field that is never absent.
    Slot(Frame, usize),
    /// An int `let`.
    Let(usize),
    /// `a + b`, `a - b`, `a * b` with overflow checks.
    Arith(ArithOp, Box<IntCode>, Box<IntCode>),
    /// `-x`
    Neg(Box<IntCode>),
    /// `opt ?? x`
    Coalesce(Box<OptCode>, Box<IntCode>),
    /// `count(set_field)`, `len(set_field)`.
    SetLen(Frame, usize),
    /// `days_between(a, b)`
    DaysBetween(Box<DateCode>, Box<DateCode>),
    /// `months_between(a, b)`
    MonthsBetween(Box<DateCode>, Box<DateCode>),
    /// `min(a, b)` (`max`: `max(a, b)`), the first on a tie.
    Pick { max: bool, a: Box<IntCode>, b: Box<IntCode> },
    /// `count(..)` or an int `sum(..)`.
    Agg(Box<AggCode>),
    /// `count(list [within D])` without `where`, counted in an `i64`.
    Count(Box<AggCode>),
    /// `min(list.f ..) ?? default` / `max(..) ?? default` of an int field:
    /// the extreme folded in an `i64`, `default` run only when no element
    /// had a value.
    ExtremeOr { agg: Box<AggCode>, default: Box<IntCode> },
    /// A case of ints with an `else`.
    Case(Box<CaseCode<IntCode>>),
    /// An int scorecard (the whole value of a let), added up in an `i64`.
    Scorecard(Box<scorecard::ScoreCode<i64>>),
    /// The row a table's inputs match, numbered from 1.
    TableRow(Box<table::RowCode>),
    /// A table's int output.
    TableOut(Box<table::OutCode<IntCode>>),
    /// A hook's result.
    Hook(Box<HookCode>),
    /// Anything else, run by the interpreter (boxed, as [`BoolCode::Generic`]).
    Generic(Box<TExpr>),
}

/// A decimal that is never absent.
#[derive(Clone, Debug, PartialEq)]
pub enum DecCode {
    /// A literal.
    Const(Decimal),
    /// A decimal field that is never absent.
    Slot(Frame, usize),
    /// A decimal `let`.
    Let(usize),
    /// An int widened.
    FromInt(Box<IntCode>),
    /// Exact arithmetic.
    Arith(ArithOp, Box<DecCode>, Box<DecCode>),
    /// `-x`
    Neg(Box<DecCode>),
    /// `opt ?? x`
    Coalesce(Box<OptCode>, Box<DecCode>),
    /// `round(x, places)` with literal places in range.
    Round(Box<DecCode>, u32),
    /// `min(a, b)` (`max`: `max(a, b)`), the first on a tie (which keeps its scale).
    Pick { max: bool, a: Box<DecCode>, b: Box<DecCode> },
    /// A decimal `sum(..)`.
    Agg(Box<AggCode>),
    /// `sum(list.f ..)` of a decimal field, added up in a `Decimal`.
    Sum(Box<AggCode>),
    /// A case of decimals with an `else`.
    Case(Box<CaseCode<DecCode>>),
    /// A decimal scorecard (the whole value of a let), added up exactly.
    Scorecard(Box<scorecard::ScoreCode<Decimal>>),
    /// A table's decimal output.
    TableOut(Box<table::OutCode<DecCode>>),
    /// A hook's result.
    Hook(Box<HookCode>),
    /// Anything else, run by the interpreter (boxed, as [`BoolCode::Generic`]).
    Generic(Box<TExpr>),
}

/// A date that is never absent.
#[derive(Clone, Debug, PartialEq)]
pub enum DateCode {
    /// A literal.
    Const(crate::value::Date),
    /// A date field that is never absent.
    Slot(Frame, usize),
    /// `as_of`
    AsOf,
    /// A date `let`.
    Let(usize),
    /// `date ± duration`
    Shift { subtract: bool, date: Box<DateCode>, by: Duration },
    /// `opt ?? x`
    Coalesce(Box<OptCode>, Box<DateCode>),
    /// A case of dates with an `else`.
    Case(Box<CaseCode<DateCode>>),
    /// A table's date output.
    TableOut(Box<table::OutCode<DateCode>>),
    /// Anything else, run by the interpreter (boxed, as [`BoolCode::Generic`]).
    Generic(Box<TExpr>),
}

/// A value that may be absent (the left of `??`, the operand of `== none`),
/// of any type: it runs to a value.
#[derive(Clone, Debug, PartialEq)]
pub enum OptCode {
    /// A field.
    Slot(Frame, usize),
    /// An aggregate (`max`, `latest`, ...).
    Agg(Box<AggCode>),
    /// A literal (a case's branch value).
    Const(Const),
    /// The absent value (a case without `else` when no branch holds).
    Absent,
    /// A present value of a lowered type (a case's branch value).
    Bool(Box<BoolCode>),
    /// A present int (a case's branch value).
    Int(Box<IntCode>),
    /// A present decimal (a case's branch value).
    Dec(Box<DecCode>),
    /// A present date (a case's branch value).
    Date(Box<DateCode>),
    /// A case of any type, with or without `else`.
    Case(Box<CaseCode<OptCode>>),
    /// A `let` of any type, computed (once) by its own code.
    Let(usize),
    /// `opt ?? x` of any type.
    Coalesce(Box<OptCode>, Box<OptCode>),
    /// A table's output of any type (a string, an enum, an optional value).
    TableOut(Box<table::OutCode<OptCode>>),
    /// A hook's result.
    Hook(Box<HookCode>),
    /// An enum's member as its name (compared with a computed string), by
    /// the enum's members (one box: the members' pointer is wide).
    EnumName(Box<(OptCode, std::sync::Arc<[Box<str>]>)>),
    /// Anything else (lets included), run by the interpreter (boxed, as
    /// [`BoolCode::Generic`]).
    Generic(Box<TExpr>),
}

/// `case when c then v ... else v end`: the conditions lowered, and the
/// values by the case's type.
#[derive(Clone, Debug, PartialEq)]
pub struct CaseCode<T> {
    /// Each branch's condition and value, in written order.
    pub branches: Vec<(BoolCode, T)>,
    /// The value when no condition holds ([`OptCode::Absent`] without `else`).
    pub otherwise: T,
}

/// A hook call: its arguments lowered, run in written order.
#[derive(Clone, Debug, PartialEq)]
pub struct HookCode {
    /// The hook's index in the program.
    pub hook: usize,
    /// Each argument.
    pub args: Vec<HookArg>,
}

/// One argument of a hook call.
#[derive(Clone, Debug, PartialEq)]
pub enum HookArg {
    /// A value's code, with its enum's members when it is an enum (a hook
    /// is given a member by its name).
    Value(OptCode, Option<Members>),
    /// A list field of the account, given whole with its elements' fields.
    List {
        /// The list's slot.
        slot: usize,
        /// Its elements' fields.
        shape: std::sync::Arc<crate::value::ElementShape>,
    },
}

/// An enum's members, by index.
pub type Members = std::sync::Arc<[Box<str>]>;

fn hook_code(hook: usize, args: &[TExpr]) -> Box<HookCode> {
    let args = args
        .iter()
        .map(|a| match (&a.ty.base, &a.kind) {
            (Base::Records(shape), TKind::Field { slot, .. }) => HookArg::List { slot: *slot, shape: shape.clone() },
            (Base::Enum(members), _) => HookArg::Value(lower_value(a), Some(members.clone())),
            _ => HookArg::Value(lower_value(a), None),
        })
        .collect();
    Box::new(HookCode { hook, args })
}

/// An aggregate with its `where` lowered.
#[derive(Clone, Debug, PartialEq)]
pub struct AggCode {
    /// Which aggregate, over which list, which field, which window.
    pub func: AggFunc,
    /// Slot of the list field in the account frame.
    pub list_slot: usize,
    /// Element slot of the projected field, if any.
    pub field: Option<usize>,
    /// Result domain for sum/min/max/avg.
    pub num: Option<NumKind>,
    /// `where`, lowered.
    pub filter: Option<BoolCode>,
    /// `within` window, on the element slot of the list's time key.
    pub window: Option<(Duration, usize)>,
}

/// A `let`'s code, by its type.
#[derive(Clone, Debug, PartialEq)]
pub enum LetCode {
    /// A condition.
    Bool(BoolCode),
    /// An int.
    Int(IntCode),
    /// A decimal.
    Dec(DecCode),
    /// A date.
    Date(DateCode),
    /// A case of another type (a string, an enum) or an optional one.
    Opt(OptCode),
    /// Any other type (or an optional one): computed by the interpreter.
    Generic,
}

fn required(e: &TExpr, base: &Base) -> bool {
    !e.ty.optional && e.ty.base == *base
}

/// Lowers a `let`: a scorecard (named by its let in decisions) or any other value.
pub fn lower_let_def(def: &LetDef) -> LetCode {
    if let TKind::Scorecard(card) = &def.value.kind {
        let lowered = if card.int {
            scorecard::lower(&def.name, card).map(|code| LetCode::Int(IntCode::Scorecard(Box::new(code))))
        } else {
            scorecard::lower(&def.name, card).map(|code| LetCode::Dec(DecCode::Scorecard(Box::new(code))))
        };
        if let Some(code) = lowered {
            return code;
        }
    }
    lower_let(&def.value)
}

/// Lowers a `let`'s value.
pub fn lower_let(value: &TExpr) -> LetCode {
    if let TKind::Case { .. } = value.kind {
        if value.ty.optional || !matches!(value.ty.base, Base::Bool | Base::Int | Base::Dec | Base::Date) {
            return LetCode::Opt(lower_opt(value));
        }
    }
    match &value.ty {
        Ty { optional: true, .. } => opt_let(value),
        Ty { base: Base::Bool, .. } => LetCode::Bool(lower_bool(value)),
        Ty { base: Base::Int, .. } => LetCode::Int(lower_int(value)),
        Ty { base: Base::Dec, .. } => LetCode::Dec(lower_dec(value)),
        Ty { base: Base::Date, .. } => LetCode::Date(lower_date(value)),
        _ => opt_let(value),
    }
}

/// A let of another type (a string, an enum, a set) or an optional one: its
/// value lowered as an [`OptCode`] when that specialises it (a table's
/// output, an aggregate, a field), else the interpreter's.
fn opt_let(value: &TExpr) -> LetCode {
    match lower_opt(value) {
        OptCode::Generic(_) => LetCode::Generic,
        code => LetCode::Opt(code),
    }
}

/// Lowers a condition.
pub fn lower_bool(e: &TExpr) -> BoolCode {
    let boxed = |e: &TExpr| Box::new(lower_bool(e));
    match &e.kind {
        TKind::Const(Const::Bool(b)) => BoolCode::Const(*b),
        TKind::Not(a) => BoolCode::Not(boxed(a)),
        TKind::And(a, b) => chain(e, true).unwrap_or_else(|| BoolCode::And(boxed(a), boxed(b))),
        TKind::Or(a, b) => chain(e, false).unwrap_or_else(|| BoolCode::Or(boxed(a), boxed(b))),
        TKind::Field { frame, slot } if required(e, &Base::Bool) => BoolCode::Slot(*frame, *slot),
        TKind::Let(i) if required(e, &Base::Bool) => BoolCode::Let(*i),
        TKind::Coalesce(a, b) if required(e, &Base::Bool) => match (&a.kind, &b.kind) {
            (TKind::Field { frame, slot }, TKind::Const(Const::Bool(default))) => {
                BoolCode::SlotOr { frame: *frame, slot: *slot, default: *default }
            }
            _ => BoolCode::Coalesce(Box::new(lower_opt(a)), boxed(b)),
        },
        TKind::Cmp { op, kind, lhs, rhs } => lower_cmp(e, *op, *kind, lhs, rhs),
        TKind::IsNone { negate, operand } => {
            BoolCode::IsNone { negate: *negate, operand: Box::new(lower_opt(operand)) }
        }
        TKind::InList { negate, needle, items } => enum_in(needle, items.iter(), *negate).unwrap_or_else(|| generic(e)),
        TKind::InBatch { negate, needle, batch } => match (&needle.kind, needle.ty.optional) {
            (TKind::Field { frame, slot }, false) => {
                BoolCode::InBatch { frame: *frame, slot: *slot, batch: *batch, negate: *negate }
            }
            _ => generic(e),
        },
        TKind::InSet { negate, needle, set } => match (&needle.kind, &set.kind, set.ty.optional) {
            (
                TKind::Const(c @ (Const::Str(_) | Const::Int(_) | Const::Date(_))),
                TKind::Field { frame, slot },
                false,
            ) => BoolCode::SetHas { frame: *frame, slot: *slot, needle: Box::new(c.clone()), negate: *negate },
            _ => generic(e),
        },
        TKind::Agg(agg) if matches!(agg.func, AggFunc::Any | AggFunc::All) && agg.field.is_none() => {
            BoolCode::Agg(Box::new(lower_agg(agg)))
        }
        TKind::Case { branches, otherwise: Some(o) } if required(e, &Base::Bool) => {
            BoolCode::Case(Box::new(lower_case(branches, o, lower_bool)))
        }
        TKind::TableOut { row, table, output } if required(e, &Base::Bool) => {
            table::out(row, table, *output, lower_bool).map_or_else(|| generic(e), |c| BoolCode::TableOut(Box::new(c)))
        }
        TKind::Hook { hook, args } if required(e, &Base::Bool) => BoolCode::Hook(hook_code(*hook, args)),
        _ => generic(e),
    }
}

/// An `and` (`all`) or `or` chain of three or more operands as one node, its
/// operands in written order (`a and (b and c)` and `(a and b) and c` alike:
/// both run a, b, c in turn and stop at the first that decides).
fn chain(e: &TExpr, all: bool) -> Option<BoolCode> {
    let mut operands = Vec::new();
    links(e, all, &mut operands);
    if operands.len() < 3 {
        return None;
    }
    let lowered = operands.into_iter().map(lower_bool).collect();
    Some(if all { BoolCode::All(lowered) } else { BoolCode::Any(lowered) })
}

/// The operands of the `and` (`all`) or `or` chain `e`, left to right.
fn links<'e>(e: &'e TExpr, all: bool, out: &mut Vec<&'e TExpr>) {
    match &e.kind {
        TKind::And(a, b) if all => {
            links(a, all, out);
            links(b, all, out);
        }
        TKind::Or(a, b) if !all => {
            links(a, all, out);
            links(b, all, out);
        }
        _ => out.push(e),
    }
}

/// A case whose value is never absent, its values lowered by `value`.
fn lower_case<T>(branches: &[(TExpr, TExpr)], otherwise: &TExpr, value: impl Fn(&TExpr) -> T) -> CaseCode<T> {
    CaseCode {
        branches: branches.iter().map(|(when, then)| (lower_bool(when), value(then))).collect(),
        otherwise: value(otherwise),
    }
}

/// A case's branch value, lowered by its type.
pub(crate) fn lower_value(e: &TExpr) -> OptCode {
    match &e.ty {
        Ty { optional: true, .. } => lower_opt(e),
        _ if matches!(e.kind, TKind::Const(_) | TKind::Field { .. }) => lower_opt(e),
        Ty { base: Base::Bool, .. } => OptCode::Bool(Box::new(lower_bool(e))),
        Ty { base: Base::Int, .. } => OptCode::Int(Box::new(lower_int(e))),
        Ty { base: Base::Dec, .. } => OptCode::Dec(Box::new(lower_dec(e))),
        Ty { base: Base::Date, .. } => OptCode::Date(Box::new(lower_date(e))),
        _ => lower_opt(e),
    }
}

fn generic(e: &TExpr) -> BoolCode {
    BoolCode::Generic(Box::new(e.clone()))
}

fn lower_cmp(e: &TExpr, op: CmpOp, kind: CmpKind, lhs: &TExpr, rhs: &TExpr) -> BoolCode {
    if lhs.ty.optional || rhs.ty.optional {
        return generic(e);
    }
    // A literal on the left is a literal on the right, the operator flipped.
    let (op, lhs, rhs) = match (&lhs.kind, &rhs.kind) {
        (TKind::Const(_), TKind::Const(_)) => (op, lhs, rhs),
        (TKind::Const(_), _) => (op.flip(), rhs, lhs),
        _ => (op, lhs, rhs),
    };
    match (kind, &lhs.kind, &rhs.kind) {
        (CmpKind::Int, TKind::Field { frame, slot }, TKind::Const(Const::Int(k))) => {
            BoolCode::IntSlotCmp { frame: *frame, slot: *slot, op, k: *k }
        }
        (CmpKind::Int, TKind::Let(index), TKind::Const(Const::Int(k))) => {
            BoolCode::IntLetCmp { index: *index, op, k: *k }
        }
        (CmpKind::Int, TKind::Agg(agg), TKind::Const(Const::Int(k))) if plain_count(agg) => {
            BoolCode::CountCmp { agg: Box::new(lower_agg(agg)), op, k: *k }
        }
        (CmpKind::Int, ..) => BoolCode::IntCmp(op, Box::new(lower_int(lhs)), Box::new(lower_int(rhs))),
        (CmpKind::Dec, TKind::Field { frame, slot }, TKind::Const(Const::Dec(k))) if lhs.ty.base == Base::Dec => {
            BoolCode::DecSlotCmp { frame: *frame, slot: *slot, op, k: *k }
        }
        (CmpKind::Dec, TKind::Let(index), TKind::Const(Const::Dec(k))) if lhs.ty.base == Base::Dec => {
            BoolCode::DecLetCmp { index: *index, op, k: *k }
        }
        (CmpKind::Dec, ..) => BoolCode::DecCmp(op, Box::new(lower_dec(lhs)), Box::new(lower_dec(rhs))),
        (CmpKind::Date, ..) => BoolCode::DateCmp(op, Box::new(lower_date(lhs)), Box::new(lower_date(rhs))),
        (CmpKind::Str, TKind::Let(index), TKind::Const(Const::Str(k))) => {
            BoolCode::StrLetCmp { index: *index, op, k: k.clone() }
        }
        (CmpKind::Str, ..) => BoolCode::StrCmp(op, Box::new(lower_opt(lhs)), Box::new(lower_opt(rhs))),
        (CmpKind::Bool, ..) => BoolCode::BoolCmp(op, Box::new(lower_bool(lhs)), Box::new(lower_bool(rhs))),
        // A field, split or let against a member is a mask; any other two members compare as values.
        (CmpKind::Enum, _, rhs_kind) if matches!(op, CmpOp::Eq | CmpOp::Ne) => {
            let masked = match rhs_kind {
                TKind::Const(c) => enum_in(lhs, std::iter::once(c), op == CmpOp::Ne),
                _ => None,
            };
            masked.unwrap_or_else(|| BoolCode::StrCmp(op, Box::new(lower_opt(lhs)), Box::new(lower_opt(rhs))))
        }
        _ => generic(e),
    }
}

/// `field in [members]` (or `==` one member) as a bitmask, when the field is
/// an enum of at most 64 members and every item is one of them.
fn enum_in<'c>(needle: &TExpr, items: impl Iterator<Item = &'c Const>, negate: bool) -> Option<BoolCode> {
    let Base::Enum(members) = &needle.ty.base else { return None };
    if !matches!(needle.kind, TKind::Field { .. } | TKind::Split(_) | TKind::Let(_)) {
        return None;
    }
    if members.len() > 64 {
        return None;
    }
    let mut mask: u64 = 0;
    for item in items {
        let Const::Enum(i) = item else { return None };
        mask |= 1u64.checked_shl(*i)?;
    }
    // Members beyond the enum never occur; `not in` holds for any member outside the list.
    let mask = if negate { !mask } else { mask };
    Some(match &needle.kind {
        TKind::Field { frame, slot } => BoolCode::EnumMask { frame: *frame, slot: *slot, mask, absent: negate },
        TKind::Split(split) => BoolCode::ArmMask { split: *split, mask },
        TKind::Let(index) => BoolCode::EnumLetMask { index: *index, mask, absent: negate },
        _ => return None,
    })
}

/// Lowers an int expression that is never absent.
pub fn lower_int(e: &TExpr) -> IntCode {
    let boxed = |e: &TExpr| Box::new(lower_int(e));
    let date = |e: &TExpr| Box::new(lower_date(e));
    if !required(e, &Base::Int) {
        return IntCode::Generic(Box::new(e.clone()));
    }
    match &e.kind {
        TKind::Const(Const::Int(i)) => IntCode::Const(*i),
        TKind::Field { frame, slot } => IntCode::Slot(*frame, *slot),
        TKind::Let(i) => IntCode::Let(*i),
        TKind::Arith { op: op @ (ArithOp::Add | ArithOp::Sub | ArithOp::Mul), kind: NumKind::Int, lhs, rhs }
            if required(lhs, &Base::Int) && required(rhs, &Base::Int) =>
        {
            IntCode::Arith(*op, boxed(lhs), boxed(rhs))
        }
        TKind::Neg(NumKind::Int, a) => IntCode::Neg(boxed(a)),
        TKind::Coalesce(a, b) => match &a.kind {
            TKind::Agg(agg) if int_extreme(agg) => {
                IntCode::ExtremeOr { agg: Box::new(lower_agg(agg)), default: boxed(b) }
            }
            _ => IntCode::Coalesce(Box::new(lower_opt(a)), boxed(b)),
        },
        TKind::SetCount(s) => set_len(e, s),
        TKind::Call { func: Builtin::LenSet, args } => match args.as_slice() {
            [s] => set_len(e, s),
            _ => IntCode::Generic(Box::new(e.clone())),
        },
        TKind::Call { func: Builtin::DaysBetween, args } => match args.as_slice() {
            [a, b] if required(a, &Base::Date) && required(b, &Base::Date) => IntCode::DaysBetween(date(a), date(b)),
            _ => IntCode::Generic(Box::new(e.clone())),
        },
        TKind::Call { func: Builtin::MonthsBetween, args } => match args.as_slice() {
            [a, b] if required(a, &Base::Date) && required(b, &Base::Date) => IntCode::MonthsBetween(date(a), date(b)),
            _ => IntCode::Generic(Box::new(e.clone())),
        },
        TKind::Call { func: func @ (Builtin::Min2 | Builtin::Max2), args } => match args.as_slice() {
            [a, b] if required(a, &Base::Int) && required(b, &Base::Int) => {
                IntCode::Pick { max: *func == Builtin::Max2, a: boxed(a), b: boxed(b) }
            }
            _ => IntCode::Generic(Box::new(e.clone())),
        },
        TKind::Agg(agg) if plain_count(agg) => IntCode::Count(Box::new(lower_agg(agg))),
        TKind::Agg(agg) if agg.func == AggFunc::Count || agg.func == AggFunc::Sum => {
            IntCode::Agg(Box::new(lower_agg(agg)))
        }
        TKind::Case { branches, otherwise: Some(o) } => IntCode::Case(Box::new(lower_case(branches, o, lower_int))),
        TKind::TableRow(t) => IntCode::TableRow(Box::new(table::row(t))),
        TKind::TableOut { row, table, output } => table::out(row, table, *output, lower_int)
            .map_or_else(|| IntCode::Generic(Box::new(e.clone())), |c| IntCode::TableOut(Box::new(c))),
        TKind::Hook { hook, args } => IntCode::Hook(hook_code(*hook, args)),
        _ => IntCode::Generic(Box::new(e.clone())),
    }
}

/// `count(set)` / `len(set)` of a set field that is never absent.
fn set_len(e: &TExpr, set: &TExpr) -> IntCode {
    match (&set.kind, &set.ty) {
        (TKind::Field { frame, slot }, Ty { base: Base::Set(_), optional: false }) => IntCode::SetLen(*frame, *slot),
        _ => IntCode::Generic(Box::new(e.clone())),
    }
}

/// Lowers a decimal expression that is never absent.
pub fn lower_dec(e: &TExpr) -> DecCode {
    let boxed = |e: &TExpr| Box::new(lower_dec(e));
    if !required(e, &Base::Dec) {
        return DecCode::Generic(Box::new(e.clone()));
    }
    match &e.kind {
        TKind::Const(Const::Dec(d)) => DecCode::Const(*d),
        TKind::Field { frame, slot } => DecCode::Slot(*frame, *slot),
        TKind::Let(i) => DecCode::Let(*i),
        TKind::ToDec(a) if required(a, &Base::Int) => DecCode::FromInt(Box::new(lower_int(a))),
        TKind::Arith { op, kind: NumKind::Dec, lhs, rhs } if required(lhs, &Base::Dec) && required(rhs, &Base::Dec) => {
            DecCode::Arith(*op, boxed(lhs), boxed(rhs))
        }
        TKind::Neg(NumKind::Dec, a) => DecCode::Neg(boxed(a)),
        TKind::Coalesce(a, b) => DecCode::Coalesce(Box::new(lower_opt(a)), boxed(b)),
        TKind::Call { func: Builtin::Round, args } => match args.as_slice() {
            [x, TExpr { kind: TKind::Const(Const::Int(places)), .. }] if required(x, &Base::Dec) => {
                match u32::try_from(*places).ok().filter(|_| *places <= MAX_ROUND_PLACES) {
                    Some(places) => DecCode::Round(boxed(x), places),
                    None => DecCode::Generic(Box::new(e.clone())),
                }
            }
            _ => DecCode::Generic(Box::new(e.clone())),
        },
        TKind::Call { func: func @ (Builtin::Min2 | Builtin::Max2), args } => match args.as_slice() {
            [a, b] if required(a, &Base::Dec) && required(b, &Base::Dec) => {
                DecCode::Pick { max: *func == Builtin::Max2, a: boxed(a), b: boxed(b) }
            }
            _ => DecCode::Generic(Box::new(e.clone())),
        },
        TKind::Agg(agg) if agg.func == AggFunc::Sum && agg.field.is_some() && agg.num == Some(NumKind::Dec) => {
            DecCode::Sum(Box::new(lower_agg(agg)))
        }
        TKind::Agg(agg) if agg.func == AggFunc::Sum => DecCode::Agg(Box::new(lower_agg(agg))),
        TKind::Case { branches, otherwise: Some(o) } => DecCode::Case(Box::new(lower_case(branches, o, lower_dec))),
        TKind::TableOut { row, table, output } => table::out(row, table, *output, lower_dec)
            .map_or_else(|| DecCode::Generic(Box::new(e.clone())), |c| DecCode::TableOut(Box::new(c))),
        TKind::Hook { hook, args } => DecCode::Hook(hook_code(*hook, args)),
        _ => DecCode::Generic(Box::new(e.clone())),
    }
}

/// Lowers a date expression that is never absent.
pub fn lower_date(e: &TExpr) -> DateCode {
    if !required(e, &Base::Date) {
        return DateCode::Generic(Box::new(e.clone()));
    }
    match &e.kind {
        TKind::Const(Const::Date(d)) => DateCode::Const(*d),
        TKind::Field { frame, slot } => DateCode::Slot(*frame, *slot),
        TKind::AsOf => DateCode::AsOf,
        TKind::Let(i) => DateCode::Let(*i),
        TKind::DateShift { subtract, date, by } => {
            DateCode::Shift { subtract: *subtract, date: Box::new(lower_date(date)), by: *by }
        }
        TKind::Coalesce(a, b) => DateCode::Coalesce(Box::new(lower_opt(a)), Box::new(lower_date(b))),
        TKind::Case { branches, otherwise: Some(o) } => DateCode::Case(Box::new(lower_case(branches, o, lower_date))),
        TKind::TableOut { row, table, output } => table::out(row, table, *output, lower_date)
            .map_or_else(|| DateCode::Generic(Box::new(e.clone())), |c| DateCode::TableOut(Box::new(c))),
        _ => DateCode::Generic(Box::new(e.clone())),
    }
}

/// Lowers a value that may be absent.
pub fn lower_opt(e: &TExpr) -> OptCode {
    match &e.kind {
        TKind::Field { frame, slot } => OptCode::Slot(*frame, *slot),
        TKind::Agg(agg) => OptCode::Agg(Box::new(lower_agg(agg))),
        // `none` and durations are no values a case gives; they stay with the interpreter.
        TKind::Const(c) if !matches!(c, Const::None | Const::Duration(_)) => OptCode::Const(c.clone()),
        TKind::Case { branches, otherwise } => OptCode::Case(Box::new(CaseCode {
            branches: branches.iter().map(|(when, then)| (lower_bool(when), lower_value(then))).collect(),
            otherwise: otherwise.as_deref().map_or(OptCode::Absent, lower_value),
        })),
        TKind::Let(i) => OptCode::Let(*i),
        TKind::Coalesce(a, b) => OptCode::Coalesce(Box::new(lower_opt(a)), Box::new(lower_value(b))),
        TKind::TableOut { row, table, output } => table::out(row, table, *output, lower_value)
            .map_or_else(|| OptCode::Generic(Box::new(e.clone())), |c| OptCode::TableOut(Box::new(c))),
        TKind::Hook { hook, args } => OptCode::Hook(hook_code(*hook, args)),
        TKind::EnumName(a) => match &a.ty.base {
            Base::Enum(members) => OptCode::EnumName(Box::new((lower_opt(a), members.clone()))),
            _ => OptCode::Generic(Box::new(e.clone())),
        },
        _ => OptCode::Generic(Box::new(e.clone())),
    }
}

/// `count(list [within D])`: no field (which would count present values)
/// and no `where`.
fn plain_count(agg: &Aggregate) -> bool {
    agg.func == AggFunc::Count && agg.field.is_none() && agg.filter.is_none()
}

/// `min` / `max` of an int field (absent when no element has a value).
fn int_extreme(agg: &Aggregate) -> bool {
    matches!(agg.func, AggFunc::Min | AggFunc::Max) && agg.field.is_some() && agg.num == Some(NumKind::Int)
}

fn lower_agg(agg: &Aggregate) -> AggCode {
    AggCode {
        func: agg.func,
        list_slot: agg.list_slot,
        field: agg.field,
        num: agg.num,
        filter: agg.filter.as_ref().map(lower_bool),
        window: agg.window,
    }
}
