//! Checking decision tables: inputs typed and given domains, cells checked
//! (`cell.rs`), outputs typed, and the table proved complete, unique (unless
//! `first`) and free of unreachable rows, exactly (`crate::cells::analysis`).
//!
//! Rows are numbered from 1 in written order, `else` counted. A gap is
//! reported at the table's header, an overlap or an unreachable row at the
//! later row; each names the rows and an example input.

use super::expr::{member_name, texpr, to_dec, Checked, Scope};
use super::{scalar_base, Checker, SCALAR_TYPE_NAMES};
use crate::cells::analysis::{prove, Findings, Grid};
use crate::cells::lookup::Lookup;
use crate::cells::{Domain, Sample, ValueSet};
use crate::diagnostic::{codes, did_you_mean, Span};
use crate::ir::table::{TTable, TTableRow};
use crate::ir::{Base, TExpr, TKind, Ty};
use crate::syntax::ast::{Ident, Spanned};
use crate::syntax::table::{TableExpr, TableRow};
use std::sync::Arc;

/// An output's name (none for a single unnamed output) and type.
type Output = (Option<Arc<str>>, Ty);

/// A table's rows other than `else`, and the `else` row's values.
type CheckedRows = (Vec<TTableRow>, Option<Vec<TExpr>>);

impl Checker<'_> {
    /// A table standing as a value: its one unnamed output.
    pub(super) fn table_value(&mut self, t: &TableExpr, span: Span, scope: Scope<'_>) -> Checked {
        if t.named {
            self.err(
                codes::TABLE_SHAPE,
                t.header,
                "a table with named outputs is the whole value of a `let`, and its outputs are used by name",
            )
            .help = Some("write `let plan = table (...) -> (stage: string, ...)` and use `plan.stage`".into());
            return None;
        }
        let table = self.table(t, span, scope)?;
        let ty = table.outputs.first().map(|(_, ty)| ty.clone())?;
        let row = texpr(TKind::TableRow(table.clone()), Ty::req(Base::Int), span);
        Some(texpr(TKind::TableOut { row: Box::new(row), table, output: 0 }, ty, span))
    }

    /// The value of `let NAME = table ...`: the matched row, for a table with
    /// named outputs (read as `NAME.output`), or the single output's value.
    pub(super) fn table_let(&mut self, t: &TableExpr, span: Span) -> Checked {
        let scope = Scope { element: None };
        if !t.named {
            return self.table_value(t, span, scope);
        }
        let table = self.table(t, span, scope)?;
        Some(texpr(TKind::TableRow(table), Ty::req(Base::Int), span))
    }

    /// `plan.stage` where `plan` is a let holding a table with named outputs
    /// (`Some(None)` after reporting); `None` when the path is something else.
    pub(super) fn table_output_path(&mut self, segments: &[Ident], span: Span) -> Option<Checked> {
        let first = segments.first()?;
        let &index = self.let_index.get(first.node.as_str())?;
        let TKind::TableRow(table) = &self.lets.get(index)?.value.kind else {
            return None;
        };
        let table = table.clone();
        self.used_lets.insert(index);
        let names: Vec<&str> = table.outputs.iter().filter_map(|(n, _)| n.as_deref()).collect();
        let Some(field) = segments.get(1).filter(|_| segments.len() == 2) else {
            let list = names.iter().map(|n| format!("`{}.{n}`", first.node)).collect::<Vec<_>>().join(", ");
            self.err(codes::TABLE_SHAPE, span, format!("`{}` is a table with named outputs: use {list}", first.node));
            return Some(None);
        };
        let Some(output) = names.iter().position(|n| *n == field.node) else {
            let help = did_you_mean(&field.node, names.iter().copied())
                .unwrap_or_else(|| format!("its outputs are {}", names.join(", ")));
            self.err(
                codes::UNKNOWN_NAME,
                field.span,
                format!("table `{}` has no output `{}`", first.node, field.node),
            )
            .help = Some(help);
            return Some(None);
        };
        let ty = table.outputs.get(output).map(|(_, ty)| ty.clone())?;
        Some(Some(self.output_let(index, table, output, ty, span)))
    }

    /// `plan.stage` as a let of its own, named so (a name no written let can
    /// have), made at its first use: a let names a value once, so an output
    /// read three times (or calling a hook) is computed once per account,
    /// and a trace lists it among the lets.
    fn output_let(&mut self, table_let: usize, table: Arc<TTable>, output: usize, ty: Ty, span: Span) -> TExpr {
        let output_name = table.outputs.get(output).and_then(|(n, _)| n.as_deref()).unwrap_or("?").to_owned();
        let row = texpr(TKind::Let(table_let), Ty::req(Base::Int), span);
        let value = texpr(TKind::TableOut { row: Box::new(row), table, output }, ty.clone(), span);
        let Some(def) = self.lets.get(table_let) else { return value };
        let (name, declared) = (format!("{}.{output_name}", def.name), def.span);
        let index = match self.let_index.get(&name) {
            Some(&index) => index,
            None => self.push_let(&Ident { node: name, span }, value, declared),
        };
        self.used_lets.insert(index);
        texpr(TKind::Let(index), ty, span)
    }

    fn table(&mut self, t: &TableExpr, span: Span, scope: Scope<'_>) -> Option<Arc<TTable>> {
        let mut inputs = Vec::new();
        let mut domains = Vec::new();
        let mut input_names = Vec::new();
        for e in &t.inputs {
            let typed = self.expr(e, scope);
            let domain = typed.as_ref().and_then(|typed| self.cell_domain(typed));
            input_names.push(self.source_text(e.span));
            inputs.push(typed);
            domains.push(domain);
        }
        let outputs: Vec<Option<Output>> = t
            .outputs
            .iter()
            .map(|o| self.output_type(&o.ty).map(|ty| (o.name.as_ref().map(|n| n.node.as_str().into()), ty)))
            .collect();
        let named_once = self.outputs_named_once(t);
        let rows = self.table_rows(t, &domains, &input_names, &outputs, scope);
        let (Some(inputs), Some(domains), Some(outputs), Some((rows, else_values)), true) = (
            inputs.into_iter().collect::<Option<Vec<_>>>(),
            domains.into_iter().collect::<Option<Vec<_>>>(),
            outputs.into_iter().collect::<Option<Vec<_>>>(),
            rows,
            named_once,
        ) else {
            return None;
        };
        let cells: Vec<Vec<ValueSet>> = rows.iter().map(|r| r.cells.clone()).collect();
        let findings = prove(&Grid { domains: &domains, rows: &cells });
        let row_spans: Vec<Span> = t.rows.iter().map(|r| r.span).collect();
        // A gap or an overlap is reported here and fails the check, but the
        // table still has its declared outputs: their uses are checked too,
        // so one run reports every problem.
        if !self.report_findings(t, &findings, &domains, &input_names, &row_spans, else_values.is_some()) {
            return None;
        }
        let lookup = Lookup::new(&domains, &cells);
        Some(Arc::new(TTable {
            inputs,
            input_names,
            domains,
            outputs,
            first: t.first,
            rows,
            else_values,
            lookup,
            span,
        }))
    }

    /// The rows, checked; `None` after any error.
    fn table_rows(
        &mut self,
        t: &TableExpr,
        domains: &[Option<Domain>],
        names: &[String],
        outputs: &[Option<Output>],
        scope: Scope<'_>,
    ) -> Option<CheckedRows> {
        let mut ok = true;
        let mut rows = Vec::new();
        let mut else_values = None;
        for (i, row) in t.rows.iter().enumerate() {
            if !self.row_shape(t, row, i) {
                ok = false;
                continue;
            }
            let values = self.row_values(row, t, outputs, scope);
            let mut cells = Vec::new();
            for ((cell, domain), name) in row.cells.iter().zip(domains).zip(names) {
                cells.push(domain.as_ref().and_then(|d| self.cell(cell, d, name)));
            }
            match (values, cells.into_iter().collect::<Option<Vec<_>>>()) {
                (Some(values), _) if row.is_else => else_values = Some(values),
                (Some(values), Some(cells)) => rows.push(TTableRow { cells, values, span: row.span }),
                _ => ok = false,
            }
        }
        ok.then_some((rows, else_values))
    }

    /// Whether a row has one cell per input and one value per output, and an
    /// `else` row is last.
    fn row_shape(&mut self, t: &TableExpr, row: &TableRow, index: usize) -> bool {
        let number = index + 1;
        if row.is_else && index + 1 != t.rows.len() {
            self.err(
                codes::TABLE_SHAPE,
                row.span,
                format!("the `else` row (row {number}) must be the table's last row"),
            )
            .help = Some("it matches whatever no other row does; move it to the end".into());
            return false;
        }
        if !row.is_else && row.cells.len() != t.inputs.len() {
            let (n, m) = (row.cells.len(), t.inputs.len());
            self.err(codes::TABLE_SHAPE, row.span, format!("row {number} has {n} cell(s) for {m} input(s)")).help =
                Some("write one cell per input, separated by `|` (`_` for any value)".into());
            return false;
        }
        if row.values.len() != t.outputs.len() {
            let (n, m) = (row.values.len(), t.outputs.len());
            self.err(codes::TABLE_SHAPE, row.span, format!("row {number} has {n} value(s) for {m} output(s)")).help =
                Some("after `=>`, write one value per output, separated by `,`".into());
            return false;
        }
        true
    }

    fn row_values(
        &mut self,
        row: &TableRow,
        t: &TableExpr,
        outputs: &[Option<Output>],
        scope: Scope<'_>,
    ) -> Option<Vec<TExpr>> {
        let mut ok = true;
        let mut values = Vec::new();
        for ((value, output), declared) in row.values.iter().zip(outputs).zip(&t.outputs) {
            if matches!(value.kind, crate::syntax::ast::ExprKind::None) {
                self.err(codes::TABLE_SHAPE, value.span, "`none` is not an output value").help =
                    Some("every row gives a value; a table is complete".into());
                ok = false;
                continue;
            }
            let typed = self.expr(value, scope).and_then(|t| self.present(t, "as a table's output"));
            let (Some(typed), Some((_, ty))) = (typed, output) else {
                ok = false;
                continue;
            };
            match (&ty.base, &typed.ty.base) {
                (want, have) if want == have => values.push(typed),
                (Base::Dec, Base::Int) => values.push(to_dec(typed)),
                // As in a case's branches: an enum member is its name.
                (Base::Str, Base::Enum(_)) => values.push(member_name(typed)),
                (_, have) => {
                    // As declared: `money` and `decimal` are one type to the checker.
                    let (want, have) = (&declared.ty.node, have.describe());
                    self.err(codes::TYPE_MISMATCH, value.span, format!("this output is {want}; found {have}"));
                    ok = false;
                }
            }
        }
        ok.then_some(values)
    }

    /// Whether every output has a name of its own; reports `E0403` for each
    /// name given twice (the second could never be read: `plan.stage` is the first).
    fn outputs_named_once(&mut self, t: &TableExpr) -> bool {
        let mut ok = true;
        let names: Vec<&Spanned<String>> = t.outputs.iter().filter_map(|o| o.name.as_ref()).collect();
        for (i, name) in names.iter().enumerate() {
            let Some(first) = names.iter().take(i).find(|earlier| earlier.node == name.node) else { continue };
            let file = self.file;
            let d = self.err(codes::DUPLICATE_NAME, name.span, format!("the output `{}` is named twice", name.node));
            d.help = Some("give each output of a table its own name".into());
            d.relate(file, first.span, "first named here");
            ok = false;
        }
        ok
    }

    fn output_type(&mut self, written: &Spanned<String>) -> Option<Ty> {
        let Some(base) = scalar_base(&written.node) else {
            let other = &written.node;
            let help = did_you_mean(other, SCALAR_TYPE_NAMES)
                .unwrap_or_else(|| "a table's outputs are bool, int, decimal, money, string or date".into());
            self.err(codes::TABLE_SHAPE, written.span, format!("unknown output type `{other}`")).help = Some(help);
            return None;
        };
        Some(Ty::req(base))
    }

    /// Reports what the proof found; false when the table is too large to
    /// be proved, and so to be looked up.
    fn report_findings(
        &mut self,
        t: &TableExpr,
        found: &Findings,
        domains: &[Domain],
        names: &[String],
        row_spans: &[Span],
        has_else: bool,
    ) -> bool {
        let show = |point: &[Sample]| -> String {
            names
                .iter()
                .zip(domains)
                .zip(point)
                .map(|((n, d), s)| format!("{n} = {}", d.show(s)))
                .collect::<Vec<_>>()
                .join(", ")
        };
        if found.too_large {
            self.err(
                codes::TABLE_TOO_LARGE,
                t.header,
                format!("this table has more than {} cases to prove", crate::cells::analysis::MAX_CASES),
            )
            .help = Some("split it into smaller tables (a table per band of the first input)".into());
            return false;
        }
        if let (Some(gap), false) = (&found.gap, has_else) {
            self.err(codes::TABLE_GAP, t.header, format!("the table is not complete: no row matches {}", show(gap)))
                .help = Some("add a row for these values, or an `else =>` row last".into());
        }
        if !t.first {
            for (a, b, point) in &found.overlaps {
                let span = row_spans.get(*b).copied().unwrap_or(t.header);
                let file = self.file;
                let d = self.err(
                    codes::TABLE_OVERLAP,
                    span,
                    format!("{} matches rows {} and {}", show(point), a + 1, b + 1),
                );
                d.help = Some("in a unique table every input matches one row; narrow a cell, or mark the table `first` to take the first match in order".into());
                d.label = Some(format!("row {}", b + 1));
                if let Some(earlier) = row_spans.get(*a) {
                    d.relate(file, *earlier, format!("row {} matches it too", a + 1));
                }
            }
        }
        for (r, first) in found.first_of_some.iter().enumerate() {
            let span = row_spans.get(r).copied().unwrap_or(t.header);
            match (first, found.matched_by.get(r), found.covered_by.get(r)) {
                (true, ..) => {}
                (false, Some(None), _) => {
                    self.warn(
                        codes::UNREACHABLE_ROW,
                        span,
                        format!("row {} matches no input the inputs' types allow", r + 1),
                    );
                }
                (false, Some(Some(point)), Some(cover)) if t.first => {
                    let mut in_order = cover.clone();
                    in_order.sort_unstable();
                    let rows = in_order.iter().map(|c| (c + 1).to_string()).collect::<Vec<_>>();
                    let first_cover = cover.first().map_or(0, |c| c + 1);
                    let file = self.file;
                    let d = self.warn(
                        codes::UNREACHABLE_ROW,
                        span,
                        format!(
                            "row {} is never reached: {} {} {} every input it matches ({} matches row {first_cover} first)",
                            r + 1,
                            if rows.len() == 1 { "row" } else { "rows" },
                            rows.join(", "),
                            if rows.len() == 1 { "takes" } else { "take" },
                            show(point)
                        ),
                    );
                    d.label = Some(format!("row {}", r + 1));
                    let share = if cover.len() == 1 { "all" } else { "some" };
                    for c in cover {
                        if let Some(earlier) = row_spans.get(*c) {
                            d.relate(file, *earlier, format!("row {} takes {share} of row {}'s inputs", c + 1, r + 1));
                        }
                    }
                }
                _ => {}
            }
        }
        if has_else && found.gap.is_none() {
            let number = found.first_of_some.len() + 1;
            let span = row_spans.get(number - 1).copied().unwrap_or(t.header);
            self.warn(
                codes::UNREACHABLE_ROW,
                span,
                format!("the `else` row (row {number}) is never reached: the rows above match every input"),
            );
        }
        true
    }
}
