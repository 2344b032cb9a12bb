//! The checked, name-resolved form of a policy. Produced by [`crate::check`],
//! lowered by [`crate::compile`] and run by [`crate::eval`]. No node holds a
//! name that evaluation would need to look up: fields are slots, lets and
//! batches and hooks are indices.

use crate::diagnostic::Span;
use crate::value::{Date, Duration, ElementShape, SetItem, Val};

pub mod condition;
pub mod exact;
pub mod ops;
pub mod scorecard;
pub mod split;
pub mod table;
pub use condition::{Condition, Leaf, Shape};
pub use ops::{ArithOp, CmpOp};
use rust_decimal::Decimal;
pub use split::TSplit;
use std::sync::Arc;

/// The type of an expression.
#[derive(Clone, Debug, PartialEq)]
pub struct Ty {
    /// What kind of value.
    pub base: Base,
    /// May be `none`.
    pub optional: bool,
}

/// Base types.
#[derive(Clone, Debug, PartialEq)]
pub enum Base {
    /// `bool`
    Bool,
    /// `int`
    Int,
    /// `decimal` / `money`
    Dec,
    /// `string`
    Str,
    /// `date`
    Date,
    /// A duration literal.
    Duration,
    /// A member of this enum.
    Enum(Arc<[Box<str>]>),
    /// `set<T>` with elements of this type.
    Set(Box<Base>),
    /// The literal `none`.
    NoneLit,
    /// A list field given whole to a hook (`list` in its declaration),
    /// with its elements' fields.
    Records(Arc<ElementShape>),
}

impl Ty {
    /// A type that is never absent.
    pub fn req(base: Base) -> Ty {
        Ty { base, optional: false }
    }
    /// The same type, possibly absent.
    pub fn opt(base: Base) -> Ty {
        Ty { base, optional: true }
    }
    /// Readable name for messages.
    pub fn describe(&self) -> String {
        let base = self.base.describe();
        if self.optional {
            format!("optional {base}")
        } else {
            base
        }
    }
}

impl Base {
    /// Readable name for messages.
    pub fn describe(&self) -> String {
        match self {
            Base::Bool => "bool".into(),
            Base::Int => "int".into(),
            Base::Dec => "decimal".into(),
            Base::Str => "string".into(),
            Base::Date => "date".into(),
            Base::Duration => "duration".into(),
            Base::Enum(m) => format!("enum({})", crate::schema::enum_members_text(m)),
            Base::Set(e) => format!("set<{}>", e.describe()),
            Base::NoneLit => "none".into(),
            Base::Records(_) => "list".into(),
        }
    }
    /// `int` or `decimal`.
    pub fn is_numeric(&self) -> bool {
        matches!(self, Base::Int | Base::Dec)
    }
}

/// A constant known at check time.
#[derive(Clone, Debug, PartialEq)]
pub enum Const {
    /// `none`
    None,
    /// `true` / `false`
    Bool(bool),
    /// A whole number.
    Int(i64),
    /// An exact decimal.
    Dec(Decimal),
    /// A string (or an enum member before it is resolved).
    Str(Arc<str>),
    /// An enum member by index.
    Enum(u32),
    /// A date.
    Date(Date),
    /// A duration.
    Duration(Duration),
}

impl Const {
    /// The constant as an evaluation value (`none` for a duration, which is
    /// only ever an operand of date arithmetic).
    #[inline(always)]
    pub fn val(&self) -> Val<'_> {
        match self {
            Const::None | Const::Duration(_) => Val::None,
            Const::Bool(b) => Val::Bool(*b),
            Const::Int(i) => Val::Int(*i),
            Const::Dec(d) => Val::Dec(*d),
            Const::Str(s) => Val::Str(s),
            Const::Enum(e) => Val::Enum(*e),
            Const::Date(d) => Val::Date(*d),
        }
    }
}

/// Which record a field slot is read from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Frame {
    /// The account.
    Account,
    /// The list element an enclosing aggregate is visiting.
    Element,
}

/// A typed expression.
#[derive(Clone, Debug, PartialEq)]
pub struct TExpr {
    /// What it computes.
    pub kind: TKind,
    /// Its type.
    pub ty: Ty,
    /// Where it was written.
    pub span: Span,
}

/// How two values are compared, decided at check time.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CmpKind {
    /// Both are int.
    Int,
    /// Numbers, at least one decimal.
    Dec,
    /// Strings.
    Str,
    /// Enum members by index.
    Enum,
    /// Dates.
    Date,
    /// Booleans.
    Bool,
}

/// Arithmetic domain, decided at check time.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NumKind {
    /// i64 with overflow checks.
    Int,
    /// Exact decimal with overflow checks.
    Dec,
}

/// Aggregate functions over a list (or set).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AggFunc {
    /// `count`
    Count,
    /// `sum`
    Sum,
    /// `min`
    Min,
    /// `max`
    Max,
    /// `avg`
    Avg,
    /// `any`
    Any,
    /// `all`
    All,
    /// `latest` (by the list's time key)
    Latest,
    /// `earliest` (by the list's time key)
    Earliest,
}

/// The most decimal places `round(x, places)` takes (rust_decimal's scale);
/// fewer than 0 or more than this is refused, never clamped.
pub const MAX_ROUND_PLACES: i64 = 28;

/// Scalar built-in functions.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Builtin {
    /// `abs(x)`
    Abs,
    /// `round(x, places)`, half away from zero
    Round,
    /// `floor(x)`
    Floor,
    /// `ceil(x)`
    Ceil,
    /// `min(x, y)`
    Min2,
    /// `max(x, y)`
    Max2,
    /// `days_between(a, b)`
    DaysBetween,
    /// `months_between(a, b)`
    MonthsBetween,
    /// `len(string)`
    LenStr,
    /// `len(set)`
    LenSet,
}

/// The kinds of typed expression.
#[derive(Clone, Debug, PartialEq)]
pub enum TKind {
    /// A literal.
    Const(Const),
    /// A field slot.
    Field { frame: Frame, slot: usize },
    /// The snapshot's `as_of` date.
    AsOf,
    /// A `let`, by index.
    Let(usize),
    /// `not x`
    Not(Box<TExpr>),
    /// `-x`
    Neg(NumKind, Box<TExpr>),
    /// `a and b` (short-circuit)
    And(Box<TExpr>, Box<TExpr>),
    /// `a or b` (short-circuit)
    Or(Box<TExpr>, Box<TExpr>),
    /// A comparison.
    Cmp { op: CmpOp, kind: CmpKind, lhs: Box<TExpr>, rhs: Box<TExpr> },
    /// `x == none` (`negate`: `x != none`)
    IsNone { negate: bool, operand: Box<TExpr> },
    /// `a ?? b`
    Coalesce(Box<TExpr>, Box<TExpr>),
    /// `a + b` etc. on numbers.
    Arith { op: ArithOp, kind: NumKind, lhs: Box<TExpr>, rhs: Box<TExpr> },
    /// An int used where a decimal is needed.
    ToDec(Box<TExpr>),
    /// `date + duration` (`subtract`: `date - duration`)
    DateShift { subtract: bool, date: Box<TExpr>, by: Duration },
    /// `x in [..]` (`negate` for `not in`); the list is constants.
    InList { negate: bool, needle: Box<TExpr>, items: Vec<Const> },
    /// `x in set_field`
    InSet { negate: bool, needle: Box<TExpr>, set: Box<TExpr> },
    /// `x in batch`
    InBatch { negate: bool, needle: Box<TExpr>, batch: usize },
    /// An aggregate over a list field of the account.
    Agg(Box<Aggregate>),
    /// `count(set)`
    SetCount(Box<TExpr>),
    /// A scalar built-in.
    Call { func: Builtin, args: Vec<TExpr> },
    /// A hook call, by hook index.
    Hook { hook: usize, args: Vec<TExpr> },
    /// `case when c then v ... [else v] end`: the value of the first branch
    /// whose condition holds, else `otherwise` (absent when there is none).
    Case { branches: Vec<(TExpr, TExpr)>, otherwise: Option<Box<TExpr>> },
    /// An enum member as its name: a case mixing members with strings is a string.
    EnumName(Box<TExpr>),
    /// The account's arm of a split, by split index (an enum of its arms).
    Split(usize),
    /// The row of a decision table that the inputs match, as its number
    /// counted from 1 in written order (`else` last); all inputs are computed.
    TableRow(Arc<table::TTable>),
    /// One output of a table: the value of that output in the row `row` gives.
    TableOut { row: Box<TExpr>, table: Arc<table::TTable>, output: usize },
    /// A scorecard (the whole value of a let): base plus each characteristic's points.
    Scorecard(Box<scorecard::TScorecard>),
}

/// `func(list[.field] [where COND] [within D])`.
#[derive(Clone, Debug, PartialEq)]
pub struct Aggregate {
    /// Which aggregate.
    pub func: AggFunc,
    /// Slot of the list field in the account frame.
    pub list_slot: usize,
    /// Element slot of the projected field (`overdues.days`), if any.
    pub field: Option<usize>,
    /// Result domain for sum/min/max/avg.
    pub num: Option<NumKind>,
    /// `where` condition, in the element frame.
    pub filter: Option<TExpr>,
    /// `within` window, on the element slot of the list's time key.
    pub window: Option<(Duration, usize)>,
    /// The time key's element slot (for `latest`/`earliest`).
    pub by_slot: Option<usize>,
}

/// A `let`.
#[derive(Clone, Debug, PartialEq)]
pub struct LetDef {
    /// Its name.
    pub name: String,
    /// Its value.
    pub value: TExpr,
    /// The declaration.
    pub span: Span,
}

impl LetDef {
    /// Whether the let is a table of named outputs: no value of its own (its
    /// row is), read by its outputs (`plan.stage`).
    pub fn is_table_of_outputs(&self) -> bool {
        matches!(self.value.kind, TKind::TableRow(_))
    }
}

/// Notification channels.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Channel {
    /// `sms`
    Sms,
    /// `push`
    Push,
    /// `email`
    Email,
    /// `call`
    Call,
    /// `letter`
    Letter,
}

impl Channel {
    /// All channels with their names.
    pub const ALL: [(&'static str, Channel); 5] = [
        ("sms", Channel::Sms),
        ("push", Channel::Push),
        ("email", Channel::Email),
        ("call", Channel::Call),
        ("letter", Channel::Letter),
    ];
    /// The channel's name.
    pub fn name(self) -> &'static str {
        match self {
            Channel::Sms => "sms",
            Channel::Push => "push",
            Channel::Email => "email",
            Channel::Call => "call",
            Channel::Letter => "letter",
        }
    }
}

/// A checked action.
#[derive(Clone, Debug, PartialEq)]
pub enum TAction {
    /// `close`
    Close,
    /// `freeze [for D]`
    Freeze(Option<Duration>),
    /// `restrict [for D]`
    Restrict(Option<Duration>),
    /// `reinstate`
    Reinstate,
    /// `approve`, `refer`, `decline`: an application's admission decision.
    Admit(Outcome),
    /// `set limit to EXPR` (a decimal expression)
    SetLimit(TExpr),
    /// `notify CHANNEL "template"`
    Notify(Channel, TText),
    /// `escalate to "stage"`
    Escalate(TText),
    /// `review "queue"`
    Review(TText),
    /// `reason "CODE" ["text"]`
    Reason(TText, Option<TText>),
    /// `tag "label"`
    Tag(TText),
    /// `reasons from SCORECARD [top N]`: the scorecard's let index, and N.
    ReasonsFrom { scorecard: usize, top: usize },
}

/// A string an action carries: a literal, built once at load, or a string
/// expression (a case, a let) computed when the rule fires.
#[derive(Clone, Debug, PartialEq)]
pub enum TText {
    /// Written as a literal.
    Lit(Arc<str>),
    /// Computed: a present `string` expression.
    Expr(TExpr),
}

impl TText {
    /// The literal, when it is one.
    pub fn literal(&self) -> Option<&Arc<str>> {
        match self {
            TText::Lit(s) => Some(s),
            TText::Expr(_) => None,
        }
    }
}

/// A checked rule.
#[derive(Clone, Debug, PartialEq)]
pub struct TRule {
    /// Its name.
    pub name: Arc<str>,
    /// Its priority.
    pub priority: i64,
    /// Index of its `first` group, if in one.
    pub group: Option<usize>,
    /// Position in the file (ties in priority keep file order).
    pub file_order: usize,
    /// Its condition.
    pub when: TExpr,
    /// Its actions.
    pub actions: Vec<TAction>,
    /// The days it takes part (its own and its group's); `None`: every day.
    pub effective: Option<EffectiveDays>,
    /// The rule's span.
    pub span: Span,
}

impl TRule {
    /// Where the rule runs among the others: highest priority first, ties
    /// in file order (which wins a tie, which of a `first` group fires).
    pub fn run_order(&self) -> (std::cmp::Reverse<i64>, usize) {
        (std::cmp::Reverse(self.priority), self.file_order)
    }
}

/// The days a rule takes part (`effective FROM [to TO]`, both included): the
/// rule's own dates and its group's, intersected.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct EffectiveDays {
    /// The first day.
    pub from: Date,
    /// The last day, if any.
    pub to: Option<Date>,
}

impl EffectiveDays {
    /// Whether a snapshot of `as_of` is within the days.
    #[inline(always)]
    pub fn holds(&self, as_of: Date) -> bool {
        as_of >= self.from && self.to.is_none_or(|to| as_of <= to)
    }

    /// Days within both (empty when `from` ends up after `to`).
    pub fn intersect(self, other: EffectiveDays) -> EffectiveDays {
        let to = match (self.to, other.to) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
        EffectiveDays { from: self.from.max(other.from), to }
    }
}

impl std::fmt::Display for EffectiveDays {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "effective {}", self.from)?;
        match self.to {
            Some(to) => write!(f, " to {to}"),
            None => Ok(()),
        }
    }
}

/// A checked group.
#[derive(Clone, Debug, PartialEq)]
pub struct TGroup {
    /// Its name.
    pub name: Arc<str>,
    /// Only the first matching rule fires.
    pub first: bool,
}

/// The outcomes a decision can have, least severe first: an account's
/// (`close > freeze > restrict > reinstate > limit > none`), then an
/// application's (`decline > refer > approve > none`). A policy decides one
/// entity, so outcomes of the two never meet in one decision.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[non_exhaustive]
pub enum Outcome {
    /// Nothing changes.
    None,
    /// The limit changes.
    Limit,
    /// A restriction or freeze is lifted.
    Reinstate,
    /// The account is restricted.
    Restrict,
    /// The account is frozen.
    Freeze,
    /// The account is closed.
    Close,
    /// The application is approved.
    Approve,
    /// The application is referred to a person.
    Refer,
    /// The application is declined.
    Decline,
}

impl Outcome {
    /// The outcome's name in decisions.
    pub fn name(self) -> &'static str {
        match self {
            Outcome::None => "none",
            Outcome::Limit => "limit",
            Outcome::Reinstate => "reinstate",
            Outcome::Restrict => "restrict",
            Outcome::Freeze => "freeze",
            Outcome::Close => "close",
            Outcome::Approve => "approve",
            Outcome::Refer => "refer",
            Outcome::Decline => "decline",
        }
    }
    /// Every outcome: an account's most severe first, then an application's.
    pub const ALL: [Outcome; 9] = [
        Outcome::Close,
        Outcome::Freeze,
        Outcome::Restrict,
        Outcome::Reinstate,
        Outcome::Limit,
        Outcome::None,
        Outcome::Decline,
        Outcome::Refer,
        Outcome::Approve,
    ];
    /// An account's outcomes, most severe first.
    pub const ACCOUNT: [Outcome; 6] =
        [Outcome::Close, Outcome::Freeze, Outcome::Restrict, Outcome::Reinstate, Outcome::Limit, Outcome::None];
    /// An application's outcomes, most severe first.
    pub const APPLICATION: [Outcome; 4] = [Outcome::Decline, Outcome::Refer, Outcome::Approve, Outcome::None];
    /// Whether the outcome is an application's admission decision.
    pub fn is_admission(self) -> bool {
        matches!(self, Outcome::Approve | Outcome::Refer | Outcome::Decline)
    }
    /// Parses an outcome name.
    pub fn from_name(name: &str) -> Option<Outcome> {
        Outcome::ALL.into_iter().find(|o| o.name() == name)
    }
}

/// A checked guard.
#[derive(Clone, Debug, PartialEq)]
pub struct TGuard {
    /// The outcome it bounds.
    pub outcome: Outcome,
    /// The bound.
    pub bound: crate::syntax::ast::GuardBound,
    /// As written, for reports (`close at most 2%`).
    pub text: String,
}

/// A declared hook's signature.
#[derive(Clone, Debug, PartialEq)]
pub struct HookSig {
    /// The function name.
    pub name: String,
    /// Parameter names and types.
    pub params: Vec<(String, Ty)>,
    /// Result type.
    pub result: Ty,
    /// Script path as resolved.
    pub path: std::path::PathBuf,
    /// Script path as the policy writes it, from the policy's folder (`./`
    /// and `dir/..` folded): what a decision's hook error names, the same
    /// whichever folder the policy was run from (a golden file accepted in
    /// one folder passes in another; `diff` of two checkouts agrees).
    pub named: std::path::PathBuf,
    /// Operation budget per call.
    pub budget: Option<u64>,
    /// The declaration.
    pub span: Span,
}

/// Values a set element or list constant may be compared with.
pub fn const_set_item(c: &Const) -> Option<SetItem> {
    match c {
        Const::Str(s) => Some(SetItem::Str(s.as_ref().into())),
        Const::Int(i) => Some(SetItem::Int(*i)),
        Const::Date(d) => Some(SetItem::Date(*d)),
        _ => None,
    }
}

impl TExpr {
    /// The direct subexpressions, in evaluation order.
    pub fn children(&self) -> Vec<&TExpr> {
        match &self.kind {
            TKind::Const(_) | TKind::Field { .. } | TKind::AsOf | TKind::Let(_) | TKind::Split(_) => Vec::new(),
            TKind::Not(a) | TKind::Neg(_, a) | TKind::ToDec(a) | TKind::SetCount(a) | TKind::EnumName(a) => vec![a],
            TKind::IsNone { operand, .. } => vec![operand],
            TKind::DateShift { date, .. } => vec![date],
            TKind::And(a, b) | TKind::Or(a, b) | TKind::Coalesce(a, b) => vec![a, b],
            TKind::Cmp { lhs, rhs, .. } | TKind::Arith { lhs, rhs, .. } => vec![lhs, rhs],
            TKind::InList { needle, .. } | TKind::InBatch { needle, .. } => vec![needle],
            TKind::InSet { needle, set, .. } => vec![needle, set],
            TKind::Agg(agg) => agg.filter.iter().collect(),
            TKind::Call { args, .. } | TKind::Hook { args, .. } => args.iter().collect(),
            TKind::Case { branches, otherwise } => {
                branches.iter().flat_map(|(w, v)| [w, v]).chain(otherwise.as_deref()).collect()
            }
            TKind::TableRow(table) => table.inputs.iter().collect(),
            TKind::TableOut { row, table, output } => std::iter::once(row.as_ref())
                .chain(table.rows.iter().filter_map(|r| r.values.get(*output)))
                .chain(table.else_values.iter().filter_map(|v| v.get(*output)))
                .collect(),
            TKind::Scorecard(card) => card.characteristics.iter().map(|c| &c.input).collect(),
        }
    }

    /// How deep evaluation recurses for this expression, counting the lets it
    /// reads (`let_depths[i]` is let `i`'s own depth).
    pub fn eval_depth(&self, let_depths: &[usize]) -> usize {
        let own = match &self.kind {
            TKind::Let(i) => let_depths.get(*i).copied().unwrap_or(0),
            _ => 0,
        };
        1 + self.children().iter().map(|c| c.eval_depth(let_depths)).max().unwrap_or(0).max(own)
    }
}

/// The deepest evaluation a policy may ask for: far beyond any condition a
/// person writes, and shallow enough for evaluation on a 2 MiB thread stack.
pub const MAX_EVAL_DEPTH: usize = 128;
