//! A checked decision table: typed inputs, rows of cells as exact value
//! sets, typed outputs, and the lookup that finds a row in a few steps.

use super::{TExpr, Ty};
use crate::cells::lookup::Lookup;
use crate::cells::{Domain, ValueSet};
use crate::diagnostic::Span;
use std::sync::Arc;

/// A decision table.
#[derive(Clone, Debug, PartialEq)]
pub struct TTable {
    /// The inputs, in column order.
    pub inputs: Vec<TExpr>,
    /// The inputs as written (`score`, `count(overdues)`), for traces and examples.
    pub input_names: Vec<String>,
    /// Each input's domain.
    pub domains: Vec<Domain>,
    /// The outputs: name (`None` for a single unnamed output) and type.
    pub outputs: Vec<(Option<Arc<str>>, Ty)>,
    /// `first` hit policy (else unique).
    pub first: bool,
    /// The rows other than `else`, in written order.
    pub rows: Vec<TTableRow>,
    /// The `else` row's values, if the table has one.
    pub else_values: Option<Vec<TExpr>>,
    /// Finds the matching row from the inputs' values.
    pub lookup: Lookup,
    /// The whole table expression.
    pub span: Span,
}

/// One row.
#[derive(Clone, Debug, PartialEq)]
pub struct TTableRow {
    /// One cell per input.
    pub cells: Vec<ValueSet>,
    /// One value per output.
    pub values: Vec<TExpr>,
    /// The row as written.
    pub span: Span,
}

impl TTable {
    /// Row `row`'s value for output `output` (`row == rows.len()` is `else`).
    pub fn value(&self, row: usize, output: usize) -> Option<&TExpr> {
        match self.rows.get(row) {
            Some(r) => r.values.get(output),
            None if row == self.rows.len() => self.else_values.as_ref()?.get(output),
            None => None,
        }
    }

    /// How many rows, `else` included (rows are numbered from 1 in written order).
    pub fn row_count(&self) -> usize {
        self.rows.len() + usize::from(self.else_values.is_some())
    }

    /// Every output expression, row by row.
    pub fn all_values(&self) -> impl Iterator<Item = &TExpr> {
        self.rows.iter().flat_map(|r| r.values.iter()).chain(self.else_values.iter().flatten())
    }
}
