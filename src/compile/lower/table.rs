//! Lowering decision tables: the inputs lowered by type (so a table over a
//! field and a quotient reads a slot and divides, with no value dispatch),
//! the row found by the checked table's own lookup (`cells::lookup`), and
//! each output's values lowered by the output's type, indexed by row.

use super::scorecard::{lower_input, Input};
use super::IntCode;
use crate::ir::table::TTable;
use crate::ir::TExpr;
use std::sync::Arc;

/// The row a table's inputs match, numbered from 1 (`else` last).
#[derive(Clone, Debug, PartialEq)]
pub struct RowCode {
    /// The inputs, in column order, lowered by type.
    pub inputs: Vec<Input>,
    /// The checked table: its lookup, and whether it has an `else` row.
    pub table: Arc<TTable>,
}

/// One output of a table: the row, then that row's value.
#[derive(Clone, Debug, PartialEq)]
pub struct OutCode<T> {
    /// The row number (a table's row, or a let holding one).
    pub row: IntCode,
    /// The output's value in each row, `else` last.
    pub values: Vec<T>,
}

/// Lowers the row of a table.
pub fn row(table: &Arc<TTable>) -> RowCode {
    RowCode { inputs: table.inputs.iter().map(|e| lower_input(&e.ty, e)).collect(), table: table.clone() }
}

/// Lowers output `output` of the row `row` of `table`, its values by `value`.
pub fn out<T>(row: &TExpr, table: &TTable, output: usize, value: impl Fn(&TExpr) -> T) -> Option<OutCode<T>> {
    let values = (0..table.row_count()).map(|r| table.value(r, output).map(&value)).collect::<Option<Vec<T>>>()?;
    Some(OutCode { row: super::lower_int(row), values })
}
