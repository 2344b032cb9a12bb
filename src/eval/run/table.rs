//! Running lowered decision tables ([`crate::compile::lower::table`]): the
//! inputs computed in column order by their typed code, each input's atom
//! found by the table's lookup, the first row holding every atom (`else`
//! when none), then the wanted output's value in that row. The same row,
//! the same failures in the same order as the interpreter's `Ctx::table_row`.
//! A table with the array of rows by combination of atoms (`cells::dense`)
//! folds each atom into the array's index as its input is computed: no
//! atoms kept, one read at the end.

use super::{Run, Runner};
use crate::cells::dense::Dense;
use crate::compile::lower::scorecard::Input;
use crate::compile::lower::table::{OutCode, RowCode};
use crate::ir::table::TTable;
use crate::value::EvalFailure;
use std::cell::Cell;

/// Inputs whose atoms are kept on the stack; a wider table uses a per-thread buffer.
const INLINE_INPUTS: usize = 8;

thread_local! {
    static WIDE_ATOMS: Cell<Vec<usize>> = const { Cell::new(Vec::new()) };
}

impl<'a> Runner<'_, 'a> {
    /// The row a table's inputs match, numbered from 1 (`else` last).
    // Out of line: a dispatcher reaches it by a tail call.
    #[inline(never)]
    pub(super) fn table_row(&mut self, code: &'a RowCode) -> Run<i64> {
        let count = code.inputs.len();
        let row = if let Some(dense) = code.table.lookup.dense().filter(|d| d.inputs() == count) {
            self.dense_row(code, dense)
        } else if count <= INLINE_INPUTS {
            let mut atoms = [0usize; INLINE_INPUTS];
            self.matched_row(code, atoms.get_mut(..count).unwrap_or_default())
        } else {
            let mut atoms = WIDE_ATOMS.try_with(Cell::take).unwrap_or_default();
            atoms.clear();
            atoms.resize(count, 0);
            let row = self.matched_row(code, &mut atoms);
            let _ = WIDE_ATOMS.try_with(|cell| cell.set(atoms));
            row
        }?;
        self.ctx.log_table(&code.table, row);
        Ok(i64::try_from(row).map_or(i64::MAX, |r| r + 1))
    }

    /// The atom of input `c`'s value. An int, decimal or date input is
    /// computed and located by its type: its value stays in registers
    /// instead of going through a `Val` in memory, written by the callee and
    /// read back by fields of another width (a stalled store-to-load
    /// forward per input, in the profile of the 1,000-row table).
    #[inline(always)]
    fn input_atom(&mut self, table: &TTable, c: usize, input: &'a Input) -> Run<usize> {
        let atoms = table.lookup.column(c);
        let atom = match input {
            Input::Int(code) => {
                let i = self.int_operand(code)?;
                atoms.and_then(|a| a.locate_int(i))
            }
            Input::Dec(code) => {
                let d = self.dec_operand(code)?;
                atoms.and_then(|a| a.locate_dec(d))
            }
            Input::Date(code) => {
                let d = self.date(code)?;
                atoms.and_then(|a| a.locate_date(d))
            }
            Input::Value(code) => {
                let v = self.opt(code)?;
                atoms.and_then(|a| a.locate(v))
            }
        };
        match atom {
            Some(atom) => Ok(atom),
            None => self.wrong_type(table, c),
        }
    }

    /// The row by the array: each input's atom folded into the index as it is found.
    fn dense_row(&mut self, code: &'a RowCode, dense: &'a Dense) -> Run<usize> {
        let table = &*code.table;
        // `Some` until an atom is out of its input's range (never, as atoms
        // are built); then no row, as the bitsets would say.
        let mut index = Some(0usize);
        for (c, (input, radix)) in code.inputs.iter().zip(dense.radixes()).enumerate() {
            let atom = self.input_atom(table, c, input)?;
            index = index.and_then(|i| Dense::next_index(i, atom, *radix));
        }
        let row = index.and_then(|i| dense.row_at(i));
        self.row_or_else(table, row)
    }

    fn matched_row(&mut self, code: &'a RowCode, atoms: &mut [usize]) -> Run<usize> {
        let table = &*code.table;
        for (c, (input, slot)) in code.inputs.iter().zip(atoms.iter_mut()).enumerate() {
            *slot = self.input_atom(table, c, input)?;
        }
        let row = table.lookup.first_row(atoms);
        self.row_or_else(table, row)
    }

    #[inline(always)]
    fn row_or_else(&mut self, table: &TTable, row: Option<usize>) -> Run<usize> {
        match row {
            Some(row) => Ok(row),
            None if table.else_values.is_some() => Ok(table.rows.len()),
            None => self.fail(EvalFailure::internal("no row of a table matched (check proves every table complete)")),
        }
    }

    #[cold]
    fn wrong_type<T>(&mut self, table: &TTable, column: usize) -> Run<T> {
        let name = table.input_names.get(column).map_or("?", String::as_str);
        let message = format!("a value of the wrong type for table input `{name}`");
        self.fail(EvalFailure::internal(message))
    }

    /// The code of an output's value in the row its table's inputs match.
    pub(super) fn table_value<T>(&mut self, code: &'a OutCode<T>) -> Run<&'a T> {
        let row = self.int(&code.row)?;
        // Rows are numbered from 1 (see `TKind::TableRow`).
        match usize::try_from(row).ok().and_then(|r| r.checked_sub(1)).and_then(|r| code.values.get(r)) {
            Some(value) => Ok(value),
            None => self.fail(EvalFailure::internal("a table's row out of range")),
        }
    }
}
