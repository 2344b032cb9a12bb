//! Building `table_expr` pairs into [`TableExpr`]s.

use super::{span_of, AstBuilder, Built, Rule};
use crate::diagnostic::Span;
use crate::syntax::ast::{ExprKind, Spanned};
use crate::syntax::table::{TableExpr, TableOutput, TableRow};
use pest::iterators::Pair;

impl AstBuilder<'_> {
    /// A `table_expr` pair.
    pub(super) fn table(&self, pair: Pair<'_, Rule>) -> Built<ExprKind> {
        let start = span_of(&pair).start as usize;
        let mut header_end = start;
        let mut table = TableExpr {
            inputs: Vec::new(),
            outputs: Vec::new(),
            named: false,
            first: false,
            rows: Vec::new(),
            header: Span::default(),
        };
        for p in pair.into_inner() {
            match p.as_rule() {
                Rule::table_inputs => {
                    header_end = span_of(&p).end as usize;
                    for e in p.into_inner() {
                        table.inputs.push(self.expr(e)?);
                    }
                }
                Rule::table_outputs => {
                    header_end = span_of(&p).end as usize;
                    self.table_outputs(p, &mut table)?;
                }
                Rule::table_first => {
                    header_end = span_of(&p).end as usize;
                    table.first = true;
                }
                Rule::table_row | Rule::table_else => table.rows.push(self.table_row(p)?),
                _ => {}
            }
        }
        table.header = Span::new(start, header_end);
        Ok(ExprKind::Table(Box::new(table)))
    }

    fn table_outputs(&self, pair: Pair<'_, Rule>, table: &mut TableExpr) -> Built<()> {
        for p in pair.into_inner() {
            match p.as_rule() {
                Rule::type_name => table.outputs.push(TableOutput { name: None, ty: self.type_written(&p) }),
                Rule::table_output => {
                    let mut it = p.clone().into_inner();
                    let name = self.ident(self.next(&mut it, &p)?);
                    let ty = self.type_written(&self.next(&mut it, &p)?);
                    table.named = true;
                    table.outputs.push(TableOutput { name: Some(name), ty });
                }
                _ => {}
            }
        }
        Ok(())
    }

    fn type_written(&self, pair: &Pair<'_, Rule>) -> Spanned<String> {
        Spanned::new(pair.as_str().to_string(), span_of(pair))
    }

    fn table_row(&self, pair: Pair<'_, Rule>) -> Built<TableRow> {
        let span = span_of(&pair);
        let is_else = pair.as_rule() == Rule::table_else;
        let mut row = TableRow { cells: Vec::new(), is_else, values: Vec::new(), span };
        for p in pair.into_inner() {
            match p.as_rule() {
                Rule::cell => row.cells.push(self.cell(p)?),
                Rule::table_value => row.values.push(self.expr(p)?),
                _ => {}
            }
        }
        Ok(row)
    }
}
