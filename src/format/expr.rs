//! Expressions in canonical form.
//!
//! Parentheses: only where precedence needs them ([`BinaryOp::precedence`]),
//! plus five kinds that a reader should not have to work out:
//! an `and` inside an `or` (`a or (b and c)`), a comparison inside a
//! comparison (`(a < b) == c`), a `??` inside any other operator
//! (`(closure_requested ?? false) and ...`), any other operator inside a
//! `??` (`fee ?? (amount * 2%)`), and a `not` or `-` of anything
//! but a name, call or literal (`not (appeal_open ?? false)`). Everything else the author
//! wrapped in parentheses is unwrapped; the AST stays the same either way.
//!
//! `and`/`or` chains break by width before the operator, continuation lines
//! aligned with the chain's first operand.

use super::doc::Doc;
use super::source::literal_text;
use super::Printer;
use crate::syntax::ast::{BinaryOp, Expr, ExprKind, Spanned, UnaryOp};
use crate::value::Duration;
use rust_decimal::Decimal;

/// Which operand of a binary operator.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Side {
    Left,
    Right,
}

/// Binding strength of prefix `not` (between `and` and comparisons).
const NOT_PRECEDENCE: u8 = 3;

fn is_comparison(op: BinaryOp) -> bool {
    op.precedence() == 4
}

/// Names, calls, literals and lists: they never need parentheses.
fn is_atom(e: &Expr) -> bool {
    !matches!(e.kind, ExprKind::Unary { .. } | ExprKind::Binary { .. })
}

/// Whether `child`, an operand of `parent`, is printed in parentheses.
fn needs_parens(child: &Expr, parent: BinaryOp, side: Side) -> bool {
    match &child.kind {
        ExprKind::Binary { op, .. } => {
            let (c, p) = (op.node.precedence(), parent.precedence());
            let right_assoc = parent == BinaryOp::Coalesce;
            c < p
                || (c == p && (side == Side::Right) != right_assoc)
                || (parent == BinaryOp::Or && op.node == BinaryOp::And)
                || (is_comparison(parent) && is_comparison(op.node))
                || (op.node == BinaryOp::Coalesce && parent != BinaryOp::Coalesce)
                // `a ?? (b + 1)`: without them it reads as `(a ?? b) + 1`.
                || (parent == BinaryOp::Coalesce && op.node != BinaryOp::Coalesce)
        }
        ExprKind::Unary { op, .. } => op.node == UnaryOp::Not && parent.precedence() > NOT_PRECEDENCE,
        _ => false,
    }
}

/// A value after `let name = ` or `set limit to `: aligned under its start,
/// except a case, whose branches indent from the line's start (`end` under `let`).
pub(super) fn hang(e: &Expr, doc: Doc) -> Doc {
    match e.kind {
        // A table's rows, like a case's branches, indent under the `let`.
        ExprKind::Case { .. } | ExprKind::Table(_) => doc,
        _ => Doc::Align(Box::new(doc)),
    }
}

/// Whether `e` printed starts with a word that starts an action (`review`,
/// `review ?? "x"`): after an action's text it would read as the next
/// action, so its parentheses stay (see [`crate::syntax::ACTION_WORDS`]).
pub(super) fn starts_with_action_word(e: &Expr) -> bool {
    let is_action = |word: &str| crate::syntax::ACTION_WORDS.contains(&word);
    match &e.kind {
        ExprKind::Path(segments) => segments.first().is_some_and(|s| is_action(&s.node)),
        ExprKind::Call { name, .. } => is_action(&name.node),
        ExprKind::Binary { lhs, .. } => starts_with_action_word(lhs),
        _ => false,
    }
}

pub(super) fn paren(inner: Doc) -> Doc {
    Doc::Concat(vec![Doc::text("("), Doc::Align(Box::new(inner)), Doc::text(")")])
}

impl Printer<'_> {
    /// An expression in canonical form.
    pub(super) fn expr(&mut self, e: &Expr) -> Doc {
        match &e.kind {
            ExprKind::Path(segments) => {
                let name = segments.iter().map(|s| s.node.as_str()).collect::<Vec<_>>().join(".");
                let start = segments.first().map_or(e.span.start, |s| s.span.start);
                self.tok(start as usize, name)
            }
            ExprKind::List(items) => {
                let mut docs = vec![self.tok(e.span.start as usize, "[")];
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        docs.push(Doc::text(", "));
                    }
                    docs.push(self.expr(item));
                }
                // A comment after the last item stays with it, not with what follows `]`.
                docs.push(self.comments.trailing_before(e.span.end as usize));
                docs.push(Doc::text("]"));
                Doc::Concat(docs)
            }
            ExprKind::Call { name, args, filter, window } => {
                let mut docs = vec![self.tok(name.span.start as usize, format!("{}(", name.node))];
                for (i, arg) in args.iter().enumerate() {
                    if i > 0 {
                        docs.push(Doc::text(", "));
                    }
                    docs.push(self.expr(arg));
                }
                // Comments before `where` and `within` stay before them, those
                // after them after: the keywords are found in the source.
                let mut end = args.last().map_or(name.span.end, |a| a.span.end) as usize;
                if let Some(f) = filter {
                    let at = self.keyword(end, f.span.start as usize, "where");
                    docs.push(self.comments.trailing_before(at));
                    docs.push(Doc::text(if args.is_empty() { "where " } else { " where " }));
                    let cond = self.expr(f);
                    docs.push(Doc::Align(Box::new(cond)));
                    end = f.span.end as usize;
                }
                if let Some(w) = window {
                    let at = self.keyword(end, w.span.start as usize, "within");
                    docs.push(self.comments.trailing_before(at));
                    docs.push(Doc::text(if args.is_empty() && filter.is_none() { "within " } else { " within " }));
                    docs.push(self.duration(w));
                }
                // Comments after the last argument, on its line or on lines
                // of their own, stay before `)`.
                docs.push(self.comments.before(e.span.end as usize));
                docs.push(Doc::text(")"));
                Doc::Concat(docs)
            }
            ExprKind::Unary { op, operand } => {
                let symbol = match op.node {
                    UnaryOp::Not => "not ",
                    UnaryOp::Neg => "-",
                };
                let head = self.tok(op.span.start as usize, symbol);
                let body = self.expr(operand);
                let body = match (op.node, &operand.kind) {
                    // A unary operand needs no parentheses (`not not x`, `- -x`,
                    // `not -x`): adding them would nest a chain of negations one
                    // level per sign, past the parser's nesting limit for a long
                    // chain. Two signs keep a space between them.
                    (UnaryOp::Neg, ExprKind::Unary { op: inner, .. }) if inner.node == UnaryOp::Neg => {
                        Doc::Concat(vec![Doc::text(" "), body])
                    }
                    // The smallest int is written with its sign: `- -9223372036854775808`.
                    (UnaryOp::Neg, ExprKind::Int(i)) if *i < 0 => Doc::Concat(vec![Doc::text(" "), body]),
                    // But `-(not x)` keeps them: `not` binds looser than a
                    // comparison, so `-not x == y` would read as `-(not (x == y))`.
                    (UnaryOp::Neg, ExprKind::Unary { .. }) => paren(body),
                    (_, ExprKind::Unary { .. }) => body,
                    _ if is_atom(operand) => body,
                    _ => paren(body),
                };
                Doc::Concat(vec![head, body])
            }
            ExprKind::Case { branches, otherwise } => self.case(e, branches, otherwise.as_deref()),
            ExprKind::Table(table) => self.table(table, e),
            ExprKind::Binary { op, .. } if matches!(op.node, BinaryOp::And | BinaryOp::Or) => self.chain(e, op.node),
            ExprKind::Binary { op, lhs, rhs } => {
                let l = self.operand(lhs, op.node, Side::Left);
                let o = self.tok(op.span.start as usize, op.node.symbol());
                let r = self.operand(rhs, op.node, Side::Right);
                Doc::Concat(vec![l, Doc::text(" "), o, Doc::text(" "), r])
            }
            _ => {
                let text = self.literal(e);
                self.tok(e.span.start as usize, text)
            }
        }
    }

    fn operand(&mut self, e: &Expr, parent: BinaryOp, side: Side) -> Doc {
        let doc = self.expr(e);
        if needs_parens(e, parent, side) {
            paren(doc)
        } else {
            doc
        }
    }

    /// `a and b and c`: the left spine of one operator, as a [`Doc::Fill`] that
    /// breaks before the operator.
    fn chain(&mut self, e: &Expr, op: BinaryOp) -> Doc {
        let mut operands = Vec::new();
        let mut node = e;
        while let ExprKind::Binary { op: o, lhs, rhs } = &node.kind {
            if o.node != op {
                break;
            }
            operands.push((Some(o), rhs.as_ref()));
            node = lhs;
        }
        operands.push((None, node));
        operands.reverse();
        let mut contents: Vec<Doc> = Vec::new();
        for (o, operand) in operands {
            let side = if o.is_some() { Side::Right } else { Side::Left };
            let head = match o {
                Some(o) => {
                    let pos = o.span.start as usize;
                    // A comment at the end of the previous operand's line belongs to it.
                    if let Some(Doc::Concat(prev)) = contents.last_mut() {
                        prev.push(self.comments.trailing_before(pos));
                    }
                    self.tok(pos, format!("{} ", op.symbol()))
                }
                None => Doc::Concat(Vec::new()),
            };
            let body = self.operand(operand, op, side);
            contents.push(Doc::Concat(vec![head, body]));
        }
        Doc::Align(Box::new(Doc::Fill(contents)))
    }

    /// A duration as written (`12 months`), or in days/months when there is no source.
    pub(super) fn duration(&mut self, d: &Spanned<Duration>) -> Doc {
        let text = match self.written(d.span.start as usize, d.span.end as usize) {
            Some(t) => t,
            None => duration_text(d.node),
        };
        self.tok(d.span.start as usize, text)
    }

    fn literal(&self, e: &Expr) -> String {
        if let Some(text) = self.written(e.span.start as usize, e.span.end as usize) {
            // The smallest int is its sign and digits as one literal: `- 9…8` is written `-9…8`.
            if matches!(e.kind, ExprKind::Int(i) if i < 0) {
                return text.split_whitespace().collect();
            }
            return text;
        }
        match &e.kind {
            ExprKind::Int(i) => i.to_string(),
            ExprKind::Decimal { value, percent: true } => {
                let number = value.checked_mul(Decimal::ONE_HUNDRED).unwrap_or(*value);
                format!("{}%", number.normalize())
            }
            ExprKind::Decimal { value, percent: false } if value.scale() == 0 => format!("{value}.0"),
            ExprKind::Decimal { value, .. } => value.to_string(),
            ExprKind::Str(s) => quote(s),
            ExprKind::Date(d) => d.format("%Y-%m-%d").to_string(),
            ExprKind::Duration(d) => duration_text(*d),
            ExprKind::Bool(b) => b.to_string(),
            ExprKind::None => "none".into(),
            // Not literals; `expr` prints them.
            ExprKind::List(_)
            | ExprKind::Path(_)
            | ExprKind::Call { .. }
            | ExprKind::Unary { .. }
            | ExprKind::Binary { .. }
            | ExprKind::Case { .. }
            | ExprKind::Table(_) => String::new(),
        }
    }

    /// Source text of a literal, when the printer has the source.
    fn written(&self, start: usize, end: usize) -> Option<String> {
        self.src.and_then(|src| literal_text(src, start, end))
    }
}

/// `n days` / `n months` (weeks and years are stored as days and months).
pub(super) fn duration_text(d: Duration) -> String {
    let (n, unit) = match d {
        Duration::Days(n) => (n, "day"),
        Duration::Months(n) => (n, "month"),
    };
    crate::terminal::counted(n, unit)
}

/// A string literal for `s`, escaped as the grammar reads it.
pub(crate) fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}
