//! Decision tables laid out as aligned columns: each input's cells padded to
//! the column's widest, `|` between them, `=>` aligned (the `else` row's
//! too), comments kept on their lines (those written inside a row at the
//! end of the row's line).

use super::doc::Doc;
use super::expr::quote;
use super::source::literal_text;
use super::Printer;
use crate::syntax::ast::Expr;
use crate::syntax::cells::{Cell, CellKind, CellLit, CellOp, LitKind};
use crate::syntax::table::TableExpr;
use crate::terminal::{pad_right, width};
use rust_decimal::Decimal;

/// How far rows are indented under the table's line.
const ROW_INDENT: usize = 2;

impl Printer<'_> {
    /// A table: its header, its rows as aligned columns, and `}`.
    pub(super) fn table(&mut self, t: &TableExpr, whole: &Expr) -> Doc {
        let mut head = vec![self.tok(whole.span.start as usize, "table (")];
        // A line a comment among the inputs breaks continues indented.
        let mut inputs = Vec::new();
        for (i, input) in t.inputs.iter().enumerate() {
            if i > 0 {
                inputs.push(Doc::text(", "));
            }
            inputs.push(self.expr(input));
        }
        head.push(Doc::Indent(super::HEADER_INDENT, Box::new(Doc::Concat(inputs))));
        head.push(Doc::text(") -> "));
        let outputs: Vec<String> = t
            .outputs
            .iter()
            .map(|o| match &o.name {
                Some(n) => format!("{}: {}", n.node, o.ty.node),
                None => o.ty.node.clone(),
            })
            .collect();
        head.push(Doc::text(if t.named { format!("({})", outputs.join(", ")) } else { outputs.join(", ") }));
        head.push(Doc::text(if t.first { " first {" } else { " {" }));
        // A comment at the end of the header's line stays there.
        let close = (whole.span.end as usize).saturating_sub(1);
        let first_row = t.rows.first().map_or(close, |r| r.span.start as usize);
        head.push(self.comments.trailing_before(first_row));
        let texts: Vec<Vec<String>> =
            t.rows.iter().map(|r| r.cells.iter().map(|c| self.cell_text(c)).collect()).collect();
        // A row may have more cells than the table has inputs (the checker
        // says so); the formatter keeps every one of them.
        let columns = texts.iter().map(Vec::len).max().unwrap_or(0).max(t.inputs.len());
        let mut widths = vec![0usize; columns];
        for row in texts.iter().zip(&t.rows).filter(|(_, r)| !r.is_else).map(|(t, _)| t) {
            for (w, text) in widths.iter_mut().zip(row) {
                *w = (*w).max(width(text));
            }
        }
        let total = (widths.iter().sum::<usize>() + 3 * widths.len().saturating_sub(1)).max(4);
        let mut body = Vec::new();
        for (index, (row, cells)) in t.rows.iter().zip(&texts).enumerate() {
            body.push(Doc::Newline);
            body.push(self.comments.before(row.span.start as usize));
            // A comment among a row's cells or values, or before its `=>`,
            // ends the row's line, in order with the others: kept where it
            // was, it would push the rest of the row onto a line that reads
            // as another row.
            let inside: Vec<Doc> = std::iter::from_fn(|| {
                self.comments.peek_before(row.span.end as usize)?;
                self.comments.pop().map(|c| Doc::Suffix(c.text))
            })
            .collect();
            if row.is_else {
                body.push(Doc::text(format!("{:<total$} => ", "else")));
            } else {
                let last = cells.len().saturating_sub(1);
                for (i, (text, w)) in cells.iter().zip(&widths).enumerate() {
                    let sep = if i == last { "" } else { " | " };
                    body.push(Doc::text(format!("{}{sep}", pad_right(text, *w))));
                }
                let used = widths.iter().sum::<usize>() + 3 * last;
                body.push(Doc::text(format!("{} => ", " ".repeat(total.saturating_sub(used)))));
            }
            for (i, value) in row.values.iter().enumerate() {
                if i > 0 {
                    body.push(Doc::text(", "));
                }
                body.push(self.expr(value));
            }
            body.extend(inside);
            // A comment at the end of the row's line belongs to it.
            let next = t.rows.get(index + 1).map_or(close, |r| r.span.start as usize);
            body.push(self.comments.trailing_before(next));
        }
        body.push(self.comments.before(close));
        Doc::braced(head, ROW_INDENT, Doc::Concat(body))
    }

    fn cell_text(&self, cell: &Cell) -> String {
        match &cell.kind {
            CellKind::Any => "_".into(),
            CellKind::None => "none".into(),
            CellKind::Cmp { op, lit } if op.node == CellOp::Eq => self.lit_text(lit),
            CellKind::Cmp { op, lit } => format!("{} {}", op.node.symbol(), self.lit_text(lit)),
            CellKind::Interval { lo, lo_closed, hi, hi_closed } => format!(
                "{}{}, {}{}",
                if *lo_closed { "[" } else { "(" },
                self.lit_text(lo),
                self.lit_text(hi),
                if *hi_closed { "]" } else { ")" }
            ),
            CellKind::List(items) => {
                let texts: Vec<String> = items.iter().map(|l| self.lit_text(l)).collect();
                // `[a, b]` of two numbers or dates reads as an interval; such a
                // list (which the checker refuses) keeps its trailing comma.
                let bound = |l: &CellLit| !matches!(l.node, LitKind::Str(_) | LitKind::Bool(_));
                let comma = if items.len() == 2 && items.iter().all(bound) { "," } else { "" };
                format!("[{}{comma}]", texts.join(", "))
            }
        }
    }

    fn lit_text(&self, lit: &CellLit) -> String {
        if let Some(text) = self.src.and_then(|s| literal_text(s, lit.span.start as usize, lit.span.end as usize)) {
            return text;
        }
        match &lit.node {
            LitKind::Int(i) => i.to_string(),
            LitKind::Decimal { value, percent: true } => {
                format!("{}%", value.checked_mul(Decimal::ONE_HUNDRED).unwrap_or(*value).normalize())
            }
            LitKind::Decimal { value, .. } if value.scale() == 0 => format!("{value}.0"),
            LitKind::Decimal { value, .. } => value.to_string(),
            LitKind::Str(s) => quote(s),
            LitKind::Date(d) => d.format("%Y-%m-%d").to_string(),
            LitKind::Bool(b) => b.to_string(),
        }
    }
}

/// A split on one line (`split exp by id { champion 90% challenger 10% }`), for reports.
pub fn split_text(s: &crate::syntax::ast::SplitDecl) -> String {
    let by = s.by.iter().map(|seg| seg.node.as_str()).collect::<Vec<_>>().join(".");
    let salt = s.salt.as_ref().map(|salt| format!(" salt {}", super::expr::quote(&salt.node))).unwrap_or_default();
    let arms: Vec<String> = s.arms.iter().map(|(arm, weight)| format!("{} {}%", arm.node, weight.node)).collect();
    format!("split {} by {by}{salt} {{ {} }}", s.name.node, arms.join(" "))
}

/// A scorecard characteristic's head on one line (`age "A01" "Age"`), for reports.
pub fn characteristic_head(c: &crate::syntax::scorecard::CharacteristicDecl) -> String {
    let mut printer = Printer { src: None, comments: super::source::CommentQueue::new(Vec::new()) };
    let input = super::doc::render(&printer.expr(&c.input)).trim_end().to_string();
    let text = c.text.as_ref().map(|t| format!(" {}", super::expr::quote(&t.node))).unwrap_or_default();
    format!("{input} {}{text}", super::expr::quote(&c.code.node))
}

/// A scorecard bin in canonical form on one line (`[26, 35) => 0`), for reports.
pub fn bin_text(bin: &crate::syntax::scorecard::BinDecl) -> String {
    let cell = bin.cell.as_ref().map_or_else(|| "else".to_owned(), super::scorecard::cell_text);
    format!("{cell} => {}", bin.points.node.value)
}

/// A rule's condition in canonical form on one line (`score < 500 and ...`), for reports.
pub fn condition_text(when: &crate::syntax::ast::Expr) -> String {
    let mut printer = Printer { src: None, comments: super::source::CommentQueue::new(Vec::new()) };
    crate::syntax::one_line(&super::doc::render(&printer.expr(when)))
}

/// A rule's actions in canonical form on one line (`freeze notify sms "x"`), for reports.
pub fn actions_text(actions: &[crate::syntax::ast::Action]) -> String {
    let mut printer = Printer { src: None, comments: super::source::CommentQueue::new(Vec::new()) };
    crate::syntax::one_line(&super::doc::render(&printer.actions(actions, 0)))
}

/// An `effective FROM [to TO]` clause in canonical form, for reports: the
/// printer's own (which, without a source, writes `effective` and `to`).
pub fn effective_text(effective: &crate::syntax::ast::Effective) -> String {
    let mut printer = Printer { src: None, comments: super::source::CommentQueue::new(Vec::new()) };
    crate::syntax::one_line(&super::doc::render(&printer.effective(effective))).trim().to_owned()
}

/// A row in canonical form on one line (`[600, 680) | < 30% => 1.0`), for reports.
pub fn row_text(row: &crate::syntax::table::TableRow) -> String {
    let mut printer = Printer { src: None, comments: super::source::CommentQueue::new(Vec::new()) };
    let cells = if row.is_else {
        "else".to_string()
    } else {
        row.cells.iter().map(|c| printer.cell_text(c)).collect::<Vec<_>>().join(" | ")
    };
    let values: Vec<String> =
        row.values.iter().map(|v| super::doc::render(&printer.expr(v)).trim_end().to_string()).collect();
    format!("{cells} => {}", values.join(", "))
}
