//! Evaluating decision tables: every input computed (when the table's value
//! is first needed), the row found by the table's lookup (a binary search
//! per input and an AND of row bitsets, whatever the number of rows), and
//! only the used output of the matched row computed.

use super::expr::{Ctx, EvalResult};
use crate::ir::table::TTable;
use crate::ir::TExpr;
use crate::value::{EvalFailure, Val};

/// Inputs whose atoms are kept on the stack while a row is looked up.
const INLINE_INPUTS: usize = 8;

impl<'a> Ctx<'a> {
    /// The index of the row a table's inputs match (`rows.len()` for `else`).
    pub(crate) fn table_row(&mut self, table: &'a TTable) -> Result<usize, EvalFailure> {
        let count = table.inputs.len();
        let mut inline = [0usize; INLINE_INPUTS];
        let mut heap = Vec::new();
        let atoms: &mut [usize] = match inline.get_mut(..count) {
            Some(atoms) => atoms,
            None => {
                heap.resize(count, 0);
                &mut heap
            }
        };
        for ((c, input), slot) in table.inputs.iter().enumerate().zip(atoms.iter_mut()) {
            let v = self.eval(input)?;
            *slot = table.lookup.atom(c, v).ok_or_else(|| {
                EvalFailure::internal(format!("a value of the wrong type for table input `{}`", name(table, c)))
            })?;
        }
        match table.lookup.first_row(atoms) {
            Some(row) => Ok(row),
            None if table.else_values.is_some() => Ok(table.rows.len()),
            None => Err(EvalFailure::internal("no row of a table matched (check proves every table complete)")),
        }
    }

    /// One output of the row `row` evaluates to.
    pub(crate) fn table_output(&mut self, row: &'a TExpr, table: &'a TTable, output: usize) -> EvalResult<'a> {
        let Val::Int(r) = self.eval(row)? else {
            return Err(EvalFailure::internal("a table's row is a number"));
        };
        // The row is numbered from 1 (see `TKind::TableRow`).
        let value = usize::try_from(r).ok().and_then(|r| r.checked_sub(1)).and_then(|r| table.value(r, output));
        match value {
            Some(e) => self.eval(e),
            None => Err(EvalFailure::internal("a table's row out of range")),
        }
    }
}

fn name(table: &TTable, column: usize) -> &str {
    table.input_names.get(column).map_or("?", String::as_str)
}
