//! The syntax of a scorecard: `let NAME = scorecard base N { ... }`, each
//! characteristic an expression, a reason code and text, and bins (one-column
//! table rows, `crate::syntax::cells`) whose values are points.

use super::ast::{Expr, Spanned};
use super::cells::Cell;
use crate::diagnostic::Span;
use rust_decimal::Decimal;

/// `scorecard base N { CHARACTERISTIC... }`.
#[derive(Clone, Debug, PartialEq)]
pub struct ScorecardDecl {
    /// The base points.
    pub base: Spanned<Points>,
    /// Its characteristics, in written order.
    pub characteristics: Vec<CharacteristicDecl>,
}

/// `EXPR "CODE" ["TEXT"] { BIN... }`.
#[derive(Clone, Debug)]
pub struct CharacteristicDecl {
    /// What is scored.
    pub input: Expr,
    /// The reason code it gives when it loses points.
    pub code: Spanned<String>,
    /// The reason's text.
    pub text: Option<Spanned<String>>,
    /// Its bins, in written order.
    pub bins: Vec<BinDecl>,
    /// From the expression to the closing brace.
    pub span: Span,
}

impl PartialEq for CharacteristicDecl {
    fn eq(&self, other: &Self) -> bool {
        (&self.input, &self.code, &self.text, &self.bins) == (&other.input, &other.code, &other.text, &other.bins)
    }
}

/// `CELL => POINTS` or `else => POINTS`.
#[derive(Clone, Debug)]
pub struct BinDecl {
    /// The cell; `None` for `else`.
    pub cell: Option<Cell>,
    /// Its points.
    pub points: Spanned<Points>,
    /// The whole bin.
    pub span: Span,
}

impl PartialEq for BinDecl {
    fn eq(&self, other: &Self) -> bool {
        (&self.cell, &self.points) == (&other.cell, &other.points)
    }
}

/// A points literal: its exact value, and whether it was written as an int.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Points {
    /// The value.
    pub value: Decimal,
    /// Written without a decimal point (`-15`, not `-15.0`).
    pub int: bool,
}
