//! The canonical layout of a scorecard: one characteristic per block, its
//! bins one per line with their `=>` aligned, comments kept.
//!
//! ```text
//! let app_score = scorecard base 600 {
//!   age "A01" "Age of applicant" {
//!     < 26     => -15
//!     [26, 35) => 0
//!   }
//! }
//! ```

use super::doc::Doc;
use super::expr::quote;
use super::source::literal_text;
use super::Printer;
use crate::diagnostic::Span;
use crate::syntax::ast::Ident;
use crate::syntax::cells::{Cell, CellKind, CellLit, LitKind};
use crate::syntax::scorecard::{BinDecl, CharacteristicDecl, ScorecardDecl};

impl Printer<'_> {
    pub(super) fn scorecard(&mut self, name: &Ident, card: &ScorecardDecl, span: Span) -> Doc {
        let base = self.source_or(card.base.span, card.base.node.value.to_string());
        let close = (span.end as usize).saturating_sub(1);
        let first = card.characteristics.first().map_or(close, |c| c.span.start as usize);
        let docs = vec![
            self.tok(span.start as usize, "let "),
            self.tok(name.span.start as usize, format!("{} = scorecard base ", name.node)),
            self.tok(card.base.span.start as usize, base),
            Doc::text(" {"),
            // A comment after the opening brace stays on its line.
            self.comments.trailing_before(first),
        ];
        let mut body = Vec::new();
        for (i, c) in card.characteristics.iter().enumerate() {
            let next = card.characteristics.get(i + 1).map_or(close, |n| n.span.start as usize);
            body.push(Doc::Newline);
            body.push(self.characteristic(c));
            body.push(self.comments.trailing_before(next));
        }
        body.push(self.comments.before(close));
        Doc::braced(docs, 2, Doc::Concat(body))
    }

    fn characteristic(&mut self, c: &CharacteristicDecl) -> Doc {
        let mut docs = vec![self.comments.before(c.input.span.start as usize), self.expr(&c.input), Doc::text(" ")];
        docs.push(self.string(&c.code));
        if let Some(t) = &c.text {
            docs.push(Doc::text(" "));
            docs.push(self.string(t));
        }
        docs.push(Doc::text(" {"));
        let close = (c.span.end as usize).saturating_sub(1);
        let cells: Vec<String> = c.bins.iter().map(|b| self.bin_cell(b)).collect();
        let width = cells.iter().map(|t| crate::terminal::width(t)).max().unwrap_or(0);
        let mut body = Vec::new();
        if let Some(first) = c.bins.first() {
            body.push(self.comments.trailing_before(first.span.start as usize));
        }
        for (i, (bin, cell)) in c.bins.iter().zip(&cells).enumerate() {
            let next = c.bins.get(i + 1).map_or(close, |n| n.span.start as usize);
            let points = self.source_or(bin.points.span, bin.points.node.value.to_string());
            body.push(Doc::Newline);
            body.push(
                self.tok(bin.span.start as usize, format!("{} => {points}", crate::terminal::pad_right(cell, width))),
            );
            body.push(self.comments.trailing_before(next));
        }
        body.push(self.comments.before(close));
        Doc::braced(docs, 2, Doc::Concat(body))
    }

    fn bin_cell(&self, bin: &BinDecl) -> String {
        match &bin.cell {
            None => "else".to_owned(),
            Some(cell) => cell_text(cell),
        }
    }

    /// A literal's text as written (comments inside it left to the comment
    /// queue, which places them), or `fallback` without a source.
    fn source_or(&self, span: Span, fallback: String) -> String {
        self.src.and_then(|s| literal_text(s, span.start as usize, span.end as usize)).unwrap_or(fallback)
    }
}

/// A cell in the canonical spelling (`< 26`, `[26, 35)`, `["A", "B"]`).
pub(crate) fn cell_text(cell: &Cell) -> String {
    match &cell.kind {
        CellKind::Any => "_".to_owned(),
        CellKind::None => "none".to_owned(),
        CellKind::Cmp { op, lit } => {
            let symbol = op.node.symbol();
            if symbol.is_empty() {
                lit_text(lit)
            } else {
                format!("{symbol} {}", lit_text(lit))
            }
        }
        CellKind::Interval { lo, lo_closed, hi, hi_closed } => format!(
            "{}{}, {}{}",
            if *lo_closed { "[" } else { "(" },
            lit_text(lo),
            lit_text(hi),
            if *hi_closed { "]" } else { ")" }
        ),
        CellKind::List(items) => format!("[{}]", items.iter().map(lit_text).collect::<Vec<_>>().join(", ")),
    }
}

fn lit_text(lit: &CellLit) -> String {
    match &lit.node {
        LitKind::Int(i) => i.to_string(),
        LitKind::Decimal { value, percent: true } => {
            format!("{}%", (value * rust_decimal::Decimal::ONE_HUNDRED).normalize())
        }
        LitKind::Decimal { value, .. } => value.to_string(),
        LitKind::Str(s) => quote(s),
        LitKind::Date(d) => d.to_string(),
        LitKind::Bool(b) => b.to_string(),
    }
}
