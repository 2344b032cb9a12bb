//! The syntax of a decision table: `table (inputs) -> outputs [first] { rows }`.

use super::ast::{Expr, Ident, Spanned};
use super::cells::Cell;
use crate::diagnostic::Span;

/// A decision table as written.
#[derive(Clone, Debug)]
pub struct TableExpr {
    /// The inputs, in column order.
    pub inputs: Vec<Expr>,
    /// The outputs: one unnamed (`-> decimal`) or several named.
    pub outputs: Vec<TableOutput>,
    /// Whether the outputs were written as a named list `(name: type, ...)`.
    pub named: bool,
    /// `first`: the first matching row wins; otherwise the table is unique.
    pub first: bool,
    /// The rows in written order (an `else` row among them, last when valid).
    pub rows: Vec<TableRow>,
    /// From `table` to the outputs (and `first`): where a gap is reported.
    pub header: Span,
}

/// One output of a table.
#[derive(Clone, Debug, PartialEq)]
pub struct TableOutput {
    /// Its name (`None` for the single unnamed output).
    pub name: Option<Ident>,
    /// Its type as written.
    pub ty: Spanned<String>,
}

/// One row: cells (none for `else`) and values.
#[derive(Clone, Debug)]
pub struct TableRow {
    /// One cell per input; empty for `else`.
    pub cells: Vec<Cell>,
    /// `else =>`.
    pub is_else: bool,
    /// One value per output.
    pub values: Vec<Expr>,
    /// The whole row.
    pub span: Span,
}

impl PartialEq for TableExpr {
    fn eq(&self, other: &Self) -> bool {
        self.inputs == other.inputs
            && self.outputs == other.outputs
            && self.named == other.named
            && self.first == other.first
            && self.rows == other.rows
    }
}

impl PartialEq for TableRow {
    fn eq(&self, other: &Self) -> bool {
        self.cells == other.cells && self.is_else == other.is_else && self.values == other.values
    }
}
