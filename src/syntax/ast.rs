//! The abstract syntax tree of a policy. Every node carries its [`Span`];
//! spans are ignored when two nodes are compared.

use crate::diagnostic::Span;
use crate::value::{Date, Duration};
use rust_decimal::Decimal;

/// A value with the span it was written at.
#[derive(Clone, Debug)]
pub struct Spanned<T> {
    /// The value.
    pub node: T,
    /// Where it was written.
    pub span: Span,
}

impl<T: PartialEq> PartialEq for Spanned<T> {
    fn eq(&self, other: &Self) -> bool {
        self.node == other.node
    }
}

impl<T> Spanned<T> {
    /// Wraps a value with its span.
    pub fn new(node: T, span: Span) -> Self {
        Spanned { node, span }
    }
}

/// A name (of a let, hook, batch, field segment...).
pub type Ident = Spanned<String>;

/// A parsed policy file: its items in file order (the formatter keeps that order).
#[derive(Clone, Debug, PartialEq)]
pub struct PolicyAst {
    /// Top-level declarations in file order.
    pub items: Vec<Item>,
}

/// A top-level declaration.
#[derive(Clone, Debug)]
pub enum Item {
    /// `policy "name" version "v"`
    Policy { name: Spanned<String>, version: Option<Spanned<String>>, span: Span },
    /// `schema "path"`
    Schema { path: Spanned<String>, span: Span },
    /// `hook name(params) -> type from "path" [budget N]`
    Hook(HookDecl),
    /// `batch name from "path"`
    Batch { name: Ident, path: Spanned<String>, span: Span },
    /// `let name = expr`
    Let { name: Ident, value: Expr, span: Span },
    /// `let name = scorecard base N { ... }`
    Scorecard { name: Ident, card: Box<crate::syntax::scorecard::ScorecardDecl>, span: Span },
    /// `guard outcome at most N[%]`
    Guard(GuardDecl),
    /// A rule outside any group.
    Rule(RuleDecl),
    /// `group "name" [first] { rules }`
    Group(GroupDecl),
    /// `split name by field [salt "s"] { arm N% ... }`
    Split(SplitDecl),
}

/// `split NAME by FIELD [salt "S"] { ARM PCT% ... }`.
#[derive(Clone, Debug)]
pub struct SplitDecl {
    /// Its name (a value whose type is the enum of its arms).
    pub name: Ident,
    /// The field whose value decides the arm (`id`, `customer.id`), by its segments.
    pub by: Vec<Ident>,
    /// `salt "S"` (the name when not given).
    pub salt: Option<Spanned<String>>,
    /// The arms in declared order, each with its weight as written (`10.5` for `10.5%`).
    pub arms: Vec<(Ident, Spanned<Decimal>)>,
    /// The whole declaration.
    pub span: Span,
}

/// A hook declaration.
#[derive(Clone, Debug)]
pub struct HookDecl {
    /// The function name (also the rhai function called).
    pub name: Ident,
    /// Parameters with their declared type names.
    pub params: Vec<(Ident, Spanned<String>)>,
    /// Declared result type name.
    pub result: Spanned<String>,
    /// Script path, relative to the policy file.
    pub path: Spanned<String>,
    /// Operation budget per call, overriding the default.
    pub budget: Option<Spanned<u64>>,
    /// The whole declaration.
    pub span: Span,
}

/// `guard OUTCOME at most BOUND`.
#[derive(Clone, Debug)]
pub struct GuardDecl {
    /// `close`, `freeze`, `restrict`, `reinstate`, `limit`, `decline`, `refer` or `approve`.
    pub outcome: Spanned<String>,
    /// The bound.
    pub bound: Spanned<GuardBound>,
    /// The whole declaration.
    pub span: Span,
}

/// How many accounts a guard allows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum GuardBound {
    /// `at most N`
    Count(u64),
    /// `at most N%` (the number as written, e.g. `2` for 2%).
    Percent(Decimal),
}

/// A group of rules.
#[derive(Clone, Debug)]
pub struct GroupDecl {
    /// Its name.
    pub name: Spanned<String>,
    /// `first`: only the first matching rule fires.
    pub first: bool,
    /// `effective FROM [to TO]`: the days its rules take part.
    pub effective: Option<Effective>,
    /// Its rules, in file order.
    pub rules: Vec<RuleDecl>,
    /// The whole group.
    pub span: Span,
}

/// A rule.
#[derive(Clone, Debug)]
pub struct RuleDecl {
    /// Its name, unique in the policy.
    pub name: Spanned<String>,
    /// `priority N` (default 0).
    pub priority: Option<Spanned<i64>>,
    /// `effective FROM [to TO]`: the days the rule takes part.
    pub effective: Option<Effective>,
    /// The `when` condition.
    pub when: Expr,
    /// The actions after `then`, in order.
    pub actions: Vec<Action>,
    /// The whole rule.
    pub span: Span,
}

/// `effective FROM [to TO]` on a rule or group: both days included.
#[derive(Clone, Debug)]
pub struct Effective {
    /// The first day.
    pub from: Spanned<Date>,
    /// The last day, if any.
    pub to: Option<Spanned<Date>>,
    /// The whole clause.
    pub span: Span,
}

/// An action of a rule.
#[derive(Clone, Debug)]
pub struct Action {
    /// Which action.
    pub kind: ActionKind,
    /// Where it was written.
    pub span: Span,
}

/// The actions of spec §4.
#[derive(Clone, Debug, PartialEq)]
pub enum ActionKind {
    /// `close`
    Close,
    /// `freeze [for D]`
    Freeze(Option<Spanned<Duration>>),
    /// `restrict [for D]`
    Restrict(Option<Spanned<Duration>>),
    /// `reinstate`
    Reinstate,
    /// `approve` (an application policy)
    Approve,
    /// `refer` (an application policy)
    Refer,
    /// `decline` (an application policy)
    Decline,
    /// `set limit to EXPR`
    SetLimit(Expr),
    /// `notify CHANNEL "template"` (the template any string expression)
    Notify { channel: Spanned<String>, template: Expr },
    /// `escalate to "stage"` (any string expression)
    Escalate(Expr),
    /// `review "queue"` (any string expression)
    Review(Expr),
    /// `reason "CODE" ["text"]` (each any string expression)
    Reason { code: Expr, text: Option<Expr> },
    /// `tag "label"` (any string expression)
    Tag(Expr),
    /// `reasons from SCORECARD [top N]`
    ReasonsFrom { scorecard: Ident, top: Option<Spanned<u64>> },
}

impl ActionKind {
    /// The expressions the action computes, in written order.
    pub fn exprs(&self) -> Vec<&Expr> {
        match self {
            ActionKind::Close
            | ActionKind::Freeze(_)
            | ActionKind::Restrict(_)
            | ActionKind::Reinstate
            | ActionKind::Approve
            | ActionKind::Refer
            | ActionKind::Decline
            | ActionKind::ReasonsFrom { .. } => Vec::new(),
            ActionKind::SetLimit(e)
            | ActionKind::Notify { template: e, .. }
            | ActionKind::Escalate(e)
            | ActionKind::Review(e)
            | ActionKind::Tag(e) => vec![e],
            ActionKind::Reason { code, text } => std::iter::once(code).chain(text).collect(),
        }
    }
}

/// An expression.
#[derive(Clone, Debug)]
pub struct Expr {
    /// What it is.
    pub kind: ExprKind,
    /// Where it was written.
    pub span: Span,
}

impl PartialEq for Expr {
    fn eq(&self, other: &Self) -> bool {
        self.kind == other.kind
    }
}

/// The kinds of expression.
#[derive(Clone, Debug, PartialEq)]
pub enum ExprKind {
    /// `620`, `50_000`
    Int(i64),
    /// `0.2`; a percentage `2%` is stored as `0.02` with `percent` set.
    Decimal { value: Decimal, percent: bool },
    /// `"text"`
    Str(String),
    /// `2026-11-01`
    Date(Date),
    /// `7 days`
    Duration(Duration),
    /// `true` / `false`
    Bool(bool),
    /// `none`
    None,
    /// `["A", "B"]`
    List(Vec<Expr>),
    /// `a.b.c`: a field, a let, a batch, or `as_of`, by its segments.
    Path(Vec<Ident>),
    /// `f(args [where COND] [within D])`
    Call { name: Ident, args: Vec<Expr>, filter: Option<Box<Expr>>, window: Option<Spanned<Duration>> },
    /// `not x`, `-x`
    Unary { op: Spanned<UnaryOp>, operand: Box<Expr> },
    /// `a op b`
    Binary { op: Spanned<BinaryOp>, lhs: Box<Expr>, rhs: Box<Expr> },
    /// `table (inputs) -> outputs [first] { rows }`
    Table(Box<super::table::TableExpr>),
    /// `case when c then v ... [else v] end`
    Case { branches: Vec<CaseBranch>, otherwise: Option<Box<Expr>> },
}

/// One `when COND then VALUE` of a case expression.
#[derive(Clone, Debug, PartialEq)]
pub struct CaseBranch {
    /// The condition.
    pub when: Expr,
    /// The value when the condition is the first to hold.
    pub then: Expr,
}

/// Prefix operators.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UnaryOp {
    /// `not`
    Not,
    /// `-`
    Neg,
}

/// Infix operators.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum BinaryOp {
    /// `or`
    Or,
    /// `and`
    And,
    /// `==`
    Eq,
    /// `!=`
    Ne,
    /// `<`
    Lt,
    /// `<=`
    Le,
    /// `>`
    Gt,
    /// `>=`
    Ge,
    /// `in`
    In,
    /// `not in`
    NotIn,
    /// `??`
    Coalesce,
    /// `+`
    Add,
    /// `-`
    Sub,
    /// `*`
    Mul,
    /// `/`
    Div,
}

impl BinaryOp {
    /// The operator as written.
    pub fn symbol(self) -> &'static str {
        match self {
            BinaryOp::Or => "or",
            BinaryOp::And => "and",
            BinaryOp::Eq => "==",
            BinaryOp::Ne => "!=",
            BinaryOp::Lt => "<",
            BinaryOp::Le => "<=",
            BinaryOp::Gt => ">",
            BinaryOp::Ge => ">=",
            BinaryOp::In => "in",
            BinaryOp::NotIn => "not in",
            BinaryOp::Coalesce => "??",
            BinaryOp::Add => "+",
            BinaryOp::Sub => "-",
            BinaryOp::Mul => "*",
            BinaryOp::Div => "/",
        }
    }
    /// Binding strength; higher binds tighter. Shared by the parser and the formatter.
    pub fn precedence(self) -> u8 {
        match self {
            BinaryOp::Or => 1,
            BinaryOp::And => 2,
            // 3 is prefix `not`
            BinaryOp::Eq
            | BinaryOp::Ne
            | BinaryOp::Lt
            | BinaryOp::Le
            | BinaryOp::Gt
            | BinaryOp::Ge
            | BinaryOp::In
            | BinaryOp::NotIn => 4,
            BinaryOp::Coalesce => 5,
            BinaryOp::Add | BinaryOp::Sub => 6,
            BinaryOp::Mul | BinaryOp::Div => 7,
            // 8 is prefix `-`
        }
    }
}

impl Expr {
    /// Calls `f` on each expression written directly inside this one, in
    /// source order (a call's arguments, then its `where`; a table's inputs,
    /// then its rows' values; a case's conditions and values, then `else`).
    pub fn for_each_child<'a>(&'a self, mut f: impl FnMut(&'a Expr)) {
        match &self.kind {
            ExprKind::List(items) => items.iter().for_each(f),
            ExprKind::Call { args, filter, .. } => {
                args.iter().for_each(&mut f);
                filter.iter().for_each(|e| f(e));
            }
            ExprKind::Unary { operand, .. } => f(operand),
            ExprKind::Binary { lhs, rhs, .. } => {
                f(lhs);
                f(rhs);
            }
            ExprKind::Table(table) => {
                table.inputs.iter().for_each(&mut f);
                table.rows.iter().flat_map(|row| &row.values).for_each(f);
            }
            ExprKind::Case { branches, otherwise } => {
                for branch in branches {
                    f(&branch.when);
                    f(&branch.then);
                }
                otherwise.iter().for_each(|e| f(e));
            }
            ExprKind::Int(_)
            | ExprKind::Decimal { .. }
            | ExprKind::Str(_)
            | ExprKind::Date(_)
            | ExprKind::Duration(_)
            | ExprKind::Bool(_)
            | ExprKind::None
            | ExprKind::Path(_) => {}
        }
    }

    /// The dotted name of a path expression.
    pub fn path_name(&self) -> Option<String> {
        match &self.kind {
            ExprKind::Path(segments) => Some(segments.iter().map(|s| s.node.as_str()).collect::<Vec<_>>().join(".")),
            _ => None,
        }
    }
}

impl RuleDecl {
    /// The rule's priority (0 when not written).
    pub fn priority(&self) -> i64 {
        self.priority.as_ref().map_or(0, |p| p.node)
    }
}

/// Implements equality that compares the listed fields and ignores `span`,
/// so two parses of differently laid-out text compare equal.
macro_rules! eq_ignoring_span {
    ($t:ty: $($field:ident),+) => {
        impl PartialEq for $t {
            fn eq(&self, other: &Self) -> bool {
                true $(&& self.$field == other.$field)+
            }
        }
    };
}

eq_ignoring_span!(HookDecl: name, params, result, path, budget);
eq_ignoring_span!(GuardDecl: outcome, bound);
eq_ignoring_span!(GroupDecl: name, first, effective, rules);
eq_ignoring_span!(RuleDecl: name, priority, effective, when, actions);
eq_ignoring_span!(Effective: from, to);
eq_ignoring_span!(SplitDecl: name, by, salt, arms);
eq_ignoring_span!(Action: kind);

impl PartialEq for Item {
    fn eq(&self, other: &Self) -> bool {
        match (self, other) {
            (Item::Policy { name: a, version: b, .. }, Item::Policy { name: c, version: d, .. }) => a == c && b == d,
            (Item::Schema { path: a, .. }, Item::Schema { path: b, .. }) => a == b,
            (Item::Hook(a), Item::Hook(b)) => a == b,
            (Item::Batch { name: a, path: b, .. }, Item::Batch { name: c, path: d, .. }) => a == c && b == d,
            (Item::Let { name: a, value: b, .. }, Item::Let { name: c, value: d, .. }) => a == c && b == d,
            (Item::Scorecard { name: a, card: b, .. }, Item::Scorecard { name: c, card: d, .. }) => a == c && b == d,
            (Item::Guard(a), Item::Guard(b)) => a == b,
            (Item::Rule(a), Item::Rule(b)) => a == b,
            (Item::Group(a), Item::Group(b)) => a == b,
            (Item::Split(a), Item::Split(b)) => a == b,
            _ => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::syntax::parse_policy;

    #[test]
    fn equality_ignores_layout() {
        let a = parse_policy(
            "a.policy".as_ref(),
            "policy \"p\"\nlet x = 1 + 2\nrule \"r\" { when x > 1 then close notify sms \"t\" }",
        )
        .unwrap();
        let b = parse_policy(
            "b.policy".as_ref(),
            "# same policy, other layout\npolicy   \"p\"\n\nlet x = (1 + 2)\n\nrule \"r\" {\n  when x > 1\n  then close\n       notify sms \"t\"\n}\n",
        )
        .unwrap();
        assert_eq!(a, b);
        let c = parse_policy(
            "c.policy".as_ref(),
            "policy \"p\"\nlet x = 1 + 2\nrule \"r\" { when x > 2 then close notify sms \"t\" }",
        )
        .unwrap();
        assert_ne!(a, c);
    }
}
