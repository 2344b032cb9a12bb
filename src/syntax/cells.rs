//! The syntax of a cell: one test of one input, as written in a row of a
//! decision table or a bin of a scorecard characteristic (`< 600`,
//! `[600, 680)`, `["A", "B"]`, `_`, `none`).
//!
//! A cell is checked against its input's type by `check::cell`, which turns
//! it into the set of values it matches (`crate::cells::ValueSet`).

use super::ast::Spanned;
use crate::diagnostic::Span;
use crate::value::Date;
use rust_decimal::Decimal;

/// A cell with where it was written.
#[derive(Clone, Debug)]
pub struct Cell {
    /// What it tests.
    pub kind: CellKind,
    /// Where it was written.
    pub span: Span,
}

impl PartialEq for Cell {
    fn eq(&self, other: &Self) -> bool {
        self.kind == other.kind
    }
}

/// The forms of a cell.
#[derive(Clone, Debug, PartialEq)]
pub enum CellKind {
    /// `_`: any value, absence included.
    Any,
    /// `none`: the input is absent.
    None,
    /// A literal (`op` is `Eq`) or a comparison with one (`< 600`).
    Cmp { op: Spanned<CellOp>, lit: CellLit },
    /// `[a, b)`, `(a, b]`, ...: `lo_closed` for `[`, `hi_closed` for `]`.
    Interval { lo: CellLit, lo_closed: bool, hi: CellLit, hi_closed: bool },
    /// `["A", "B"]`: one of them.
    List(Vec<CellLit>),
}

/// The comparison of a cell with its literal.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CellOp {
    /// A bare literal: equal to it.
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
}

impl CellOp {
    /// The operator as written (empty for a bare literal).
    pub fn symbol(self) -> &'static str {
        match self {
            CellOp::Eq => "",
            CellOp::Ne => "!=",
            CellOp::Lt => "<",
            CellOp::Le => "<=",
            CellOp::Gt => ">",
            CellOp::Ge => ">=",
        }
    }
}

/// A literal in a cell.
pub type CellLit = Spanned<LitKind>;

/// The literals a cell may hold.
#[derive(Clone, Debug, PartialEq)]
pub enum LitKind {
    /// `620`, `-5`
    Int(i64),
    /// `0.2`; `30%` is stored as `0.3` with `percent` set.
    Decimal { value: Decimal, percent: bool },
    /// `"prime"`
    Str(String),
    /// `2026-11-01`
    Date(Date),
    /// `true` / `false`
    Bool(bool),
}

impl LitKind {
    /// What kind of literal, for messages.
    pub fn describe(&self) -> &'static str {
        match self {
            LitKind::Int(_) => "a whole number",
            LitKind::Decimal { percent: true, .. } => "a percentage",
            LitKind::Decimal { .. } => "a decimal",
            LitKind::Str(_) => "a string",
            LitKind::Date(_) => "a date",
            LitKind::Bool(_) => "a boolean",
        }
    }
}
