//! Building cells (`grammar/policy.pest`: `cell` and its parts) into
//! [`Cell`]s. Shared by decision-table rows and scorecard bins.

use super::{span_of, AstBuilder, Built, Rule};
use crate::syntax::ast::Spanned;
use crate::syntax::cells::{Cell, CellKind, CellLit, CellOp, LitKind};
use pest::iterators::Pair;
use rust_decimal::Decimal;

impl AstBuilder<'_> {
    /// A `cell` pair as a [`Cell`].
    pub(super) fn cell(&self, pair: Pair<'_, Rule>) -> Built<Cell> {
        let span = span_of(&pair);
        let inner = pair.clone().into_inner().next().ok_or_else(|| self.bad(&pair, "empty cell"))?;
        let kind = match inner.as_rule() {
            Rule::cell_any => CellKind::Any,
            Rule::none_lit => CellKind::None,
            Rule::cell_lit => CellKind::Cmp { op: Spanned::new(CellOp::Eq, span), lit: self.cell_lit(inner)? },
            Rule::cell_cmp => {
                let mut parts = inner.clone().into_inner();
                let op_pair = self.next(&mut parts, &inner)?;
                let op = match op_pair.as_str() {
                    "<" => CellOp::Lt,
                    "<=" => CellOp::Le,
                    ">" => CellOp::Gt,
                    ">=" => CellOp::Ge,
                    _ => CellOp::Ne,
                };
                let lit = self.cell_lit(self.next(&mut parts, &inner)?)?;
                CellKind::Cmp { op: Spanned::new(op, span_of(&op_pair)), lit }
            }
            Rule::cell_interval => {
                let mut parts = inner.clone().into_inner();
                let open = self.next(&mut parts, &inner)?;
                let lo = self.cell_lit(self.next(&mut parts, &inner)?)?;
                let hi = self.cell_lit(self.next(&mut parts, &inner)?)?;
                let close = self.next(&mut parts, &inner)?;
                CellKind::Interval { lo, lo_closed: open.as_str() == "[", hi, hi_closed: close.as_str() == "]" }
            }
            Rule::cell_list => CellKind::List(inner.into_inner().map(|p| self.cell_lit(p)).collect::<Built<Vec<_>>>()?),
            _ => return Err(self.bad(&inner, "unexpected cell")),
        };
        Ok(Cell { kind, span })
    }

    /// A `cell_lit` or `cell_bound` pair: an optional `-` and a literal.
    fn cell_lit(&self, pair: Pair<'_, Rule>) -> Built<CellLit> {
        let span = span_of(&pair);
        let mut negative = false;
        let mut lit = None;
        for p in pair.clone().into_inner() {
            match p.as_rule() {
                Rule::cell_neg => negative = true,
                _ => lit = Some(p),
            }
        }
        let lit = lit.ok_or_else(|| self.bad(&pair, "expected a literal"))?;
        let kind = match lit.as_rule() {
            Rule::int_lit => LitKind::Int(self.signed_int(&lit, negative)?),
            Rule::decimal_lit => {
                let v = self.decimal_text(&lit, lit.as_str())?;
                LitKind::Decimal { value: if negative { -v } else { v }, percent: false }
            }
            Rule::percent_lit => {
                let number = self.decimal_text(&lit, lit.as_str().trim_end_matches('%'))?;
                let v =
                    number.checked_div(Decimal::ONE_HUNDRED).ok_or_else(|| self.bad(&lit, "percentage too large"))?;
                LitKind::Decimal { value: if negative { -v } else { v }, percent: true }
            }
            Rule::date_lit if negative => return Err(self.bad(&pair, "a date cannot be negative")),
            Rule::date_lit => LitKind::Date(self.date(&lit)),
            Rule::string_lit => LitKind::Str(self.string(lit)?.node),
            Rule::true_lit => LitKind::Bool(true),
            Rule::false_lit => LitKind::Bool(false),
            _ => return Err(self.bad(&lit, "unexpected literal")),
        };
        Ok(Spanned::new(kind, span))
    }
}

/// Parses one cell on its own (`< 600`, `[1, 15]`), for tests and tools.
pub fn parse_cell(file: &std::path::Path, text: &str) -> Result<Cell, Box<crate::diagnostic::Diagnostic>> {
    use pest::Parser as _;
    let builder = AstBuilder::new(file);
    let mut pairs = super::PolicyParser::parse(Rule::cell_only, text)
        .map_err(|e| Box::new(super::syntax_error(file, &e, (text, 0))))?;
    let cell = pairs.next().and_then(|p| p.into_inner().find(|p| p.as_rule() == Rule::cell));
    match cell {
        Some(cell) => {
            let built = builder.cell(cell)?;
            match builder.noted.take().into_iter().next() {
                Some(impossible) => Err(Box::new(impossible)),
                None => Ok(built),
            }
        }
        None => Err(Box::new(crate::diagnostic::Diagnostic::error(
            crate::diagnostic::codes::SYNTAX,
            file,
            crate::diagnostic::Span::new(0, text.len()),
            "expected a cell",
        ))),
    }
}
