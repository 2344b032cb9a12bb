//! Evaluating decision tables: every input computed (when the table's value
//! is first needed), the row found by the table's lookup (a binary search
//! per input, then one array read or an AND of row bitsets, whatever the
//! number of rows), and
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
        let row = match table.lookup.first_row(atoms) {
            Some(row) => row,
            None if table.else_values.is_some() => table.rows.len(),
            None => return Err(EvalFailure::internal("no row of a table matched (check proves every table complete)")),
        };
        self.log_table(table, row);
        Ok(row)
    }

    /// When tracing, records the row (from 0) an account-level table matched.
    #[inline]
    pub(crate) fn log_table(&mut self, table: &TTable, row: usize) {
        if let (Some(log), None) = (&mut self.table_log, self.element) {
            log.push(super::trace::TableTaken { at: table.span, row: row + 1 });
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

/// A table of a policy with the name a report gives it: the let it is the
/// value of, or the let or rule it stands in.
#[derive(Clone, Debug)]
pub struct NamedTable {
    /// `limit_factor`, or `a table in rule "collections"`.
    pub name: String,
    /// The table.
    pub table: std::sync::Arc<TTable>,
}

/// Every table of a program, lets first (in order), then rules'.
pub fn tables(program: &crate::compile::Program) -> Vec<NamedTable> {
    let mut out: Vec<NamedTable> = Vec::new();
    let mut add = |e: &TExpr, name: &dyn Fn(bool) -> String| {
        let mut found = Vec::new();
        collect(e, &mut found);
        let whole = matches!(&e.kind, crate::ir::TKind::TableRow(_) | crate::ir::TKind::TableOut { .. });
        for (i, table) in found.into_iter().enumerate() {
            if !out.iter().any(|t| std::sync::Arc::ptr_eq(&t.table, &table)) {
                // Only a table that is the let's whole value is known by the let's name.
                out.push(NamedTable { name: name(whole && i == 0), table });
            }
        }
    };
    for def in &program.lets {
        add(&def.value, &|whole| if whole { def.name.clone() } else { format!("a table in let `{}`", def.name) });
    }
    for rule in &program.rules {
        add(&rule.when, &|_| format!("a table in rule \"{}\"", rule.name));
        for action in &rule.actions {
            if let crate::ir::TAction::SetLimit(e) = action {
                add(e, &|_| format!("a table in rule \"{}\"", rule.name));
            }
        }
    }
    out
}

fn collect(e: &TExpr, out: &mut Vec<std::sync::Arc<TTable>>) {
    if let crate::ir::TKind::TableRow(table) = &e.kind {
        out.push(table.clone());
    }
    for child in e.children() {
        collect(child, out);
    }
}

/// The row (numbered from 1, `else` last) each table's inputs match for one
/// account; `None` where an input fails to compute or the account has no date.
pub fn matched_rows(
    program: &crate::compile::Program,
    snapshot: &crate::snapshot::Snapshot,
    default_as_of: Option<crate::value::Date>,
    tables: &[NamedTable],
) -> Vec<Option<usize>> {
    let Some(as_of) = snapshot.as_of.or(default_as_of) else {
        return vec![None; tables.len()];
    };
    let mut ctx = Ctx::new(program, &snapshot.record, as_of);
    tables.iter().map(|t| ctx.table_row(&t.table).ok().map(|r| r + 1)).collect()
}

/// How one account met a table: its inputs, the row it matched, and the
/// nearest row that would have given another value (for `explain`).
#[derive(Clone, Debug, serde::Serialize)]
pub struct TableMatch {
    /// The table's name (see [`NamedTable`]).
    pub table: String,
    /// Each input as written, with the account's value.
    pub inputs: Vec<(String, String)>,
    /// The row matched, numbered from 1 (`else` last).
    pub row: usize,
    /// The nearest row with other values: the fewest cells that do not hold
    /// the account's inputs, ties to the row nearest the one matched, then
    /// to the earlier.
    pub nearest: Option<NearMiss>,
}

/// A row the account nearly matched.
#[derive(Clone, Debug, serde::Serialize)]
pub struct NearMiss {
    /// The row, numbered from 1.
    pub row: usize,
    /// The inputs whose cells in that row do not hold the account's value.
    pub missed: Vec<String>,
}

/// Whether each row (`else` left out) is taken by some input the types
/// allow (`check` warns of the others, `W0601`). A table too large to
/// prove keeps every row.
fn rows_that_can_be_taken(table: &crate::ir::table::TTable) -> Vec<bool> {
    let cells: Vec<Vec<crate::cells::ValueSet>> = table.rows.iter().map(|r| r.cells.clone()).collect();
    let findings =
        crate::cells::analysis::prove(&crate::cells::analysis::Grid { domains: &table.domains, rows: &cells });
    if findings.too_large {
        return vec![true; cells.len()];
    }
    if table.first {
        findings.first_of_some
    } else {
        findings.matched_by.iter().map(Option::is_some).collect()
    }
}

/// How one account met a table; `None` when an input fails to compute or the account has no date.
pub fn table_match(
    program: &crate::compile::Program,
    snapshot: &crate::snapshot::Snapshot,
    default_as_of: Option<crate::value::Date>,
    named: &NamedTable,
) -> Option<TableMatch> {
    let as_of = snapshot.as_of.or(default_as_of)?;
    let mut ctx = Ctx::new(program, &snapshot.record, as_of);
    let table = &named.table;
    let row = ctx.table_row(table).ok()?;
    let mut values = Vec::new();
    for input in &table.inputs {
        values.push(ctx.eval(input).ok()?);
    }
    let inputs = table
        .input_names
        .iter()
        .zip(&values)
        .zip(&table.domains)
        .map(|((name, v), d)| {
            let members = match &d.kind {
                crate::cells::DomainKind::Enum(m) => Some(&m[..]),
                _ => None,
            };
            (name.clone(), crate::value::Traced::of(*v, members).to_string())
        })
        .collect();
    let same_values = |other: usize| {
        (0..table.outputs.len()).all(|o| match (table.value(row, o), table.value(other, o)) {
            (Some(a), Some(b)) => {
                matches!((&a.kind, &b.kind), (crate::ir::TKind::Const(x), crate::ir::TKind::Const(y)) if x == y)
            }
            _ => false,
        })
    };
    let can_be_taken = rows_that_can_be_taken(table);
    let nearest = table
        .rows
        .iter()
        .enumerate()
        .filter(|(r, _)| *r != row && !same_values(*r))
        .map(|(r, cand)| {
            let missed: Vec<String> = cand
                .cells
                .iter()
                .zip(&values)
                .zip(&table.input_names)
                .filter(|((cell, v), _)| !cell.contains(**v))
                .map(|(_, name)| name.clone())
                .collect();
            NearMiss { row: r + 1, missed }
        })
        // A row no input reaches is no near miss; one this account matches
        // too is shown still, as why the table took another.
        .filter(|n| n.missed.is_empty() || can_be_taken.get(n.row - 1).copied().unwrap_or(true))
        // Ties go to the row nearest the one matched: in a ladder (days past
        // due, tiers) the bucket next door, not always the first row.
        .min_by_key(|n| (n.missed.len(), n.row.abs_diff(row + 1), n.row));
    Some(TableMatch { table: named.name.clone(), inputs, row: row + 1, nearest })
}
