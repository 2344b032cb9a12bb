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
use crate::value::{EvalFailure, Val};
use std::cell::Cell;

/// Inputs whose atoms are kept on the stack; a wider table uses a per-thread buffer.
const INLINE_INPUTS: usize = 8;

thread_local! {
    static WIDE_ATOMS: Cell<Vec<usize>> = const { Cell::new(Vec::new()) };
}

impl<'a> Runner<'_, 'a> {
    /// A typed input's value.
    #[inline]
    pub(super) fn input(&mut self, input: &'a Input) -> Run<Val<'a>> {
        Ok(match input {
            Input::Int(code) => Val::Int(self.int(code)?),
            Input::Dec(code) => Val::Dec(self.dec(code)?),
            Input::Date(code) => Val::Date(self.date(code)?),
            Input::Value(code) => self.opt(code)?,
        })
    }

    /// The row a table's inputs match, numbered from 1 (`else` last).
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
        Ok(i64::try_from(row).map_or(i64::MAX, |r| r + 1))
    }

    /// The row by the array: each input's atom folded into the index as it is found.
    fn dense_row(&mut self, code: &'a RowCode, dense: &'a Dense) -> Run<usize> {
        let table = &*code.table;
        // `Some` until an atom is out of its input's range (never, as atoms
        // are built); then no row, as the bitsets would say.
        let mut index = Some(0usize);
        for (c, (input, radix)) in code.inputs.iter().zip(dense.radixes()).enumerate() {
            let v = self.input(input)?;
            let Some(atom) = table.lookup.atom(c, v) else { return self.wrong_type(table, c) };
            index = index.and_then(|i| Dense::next_index(i, atom, *radix));
        }
        let row = index.and_then(|i| dense.row_at(i));
        self.row_or_else(table, row)
    }

    fn matched_row(&mut self, code: &'a RowCode, atoms: &mut [usize]) -> Run<usize> {
        let table = &*code.table;
        for (c, (input, slot)) in code.inputs.iter().zip(atoms.iter_mut()).enumerate() {
            let v = self.input(input)?;
            match table.lookup.atom(c, v) {
                Some(atom) => *slot = atom,
                None => return self.wrong_type(table, c),
            }
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
