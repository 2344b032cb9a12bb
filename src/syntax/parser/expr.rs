//! Building expressions from their pairs: operators by precedence (the
//! Pratt parser), literals, paths and calls.

use super::*;

impl AstBuilder<'_> {
    pub(super) fn expr(&self, pair: Pair<'_, Rule>) -> Built<Expr> {
        // A chain of operators becomes a tree as deep as the chain is long, and
        // every later stage walks it recursively: bound it here, before the
        // Pratt parser recurses, so no policy can overflow a stack.
        let beyond = pair
            .clone()
            .into_inner()
            .flatten()
            .filter(|p| is_operator(p.as_rule()) || matches!(p.as_rule(), Rule::op_not | Rule::op_neg))
            .nth(MAX_OPERATORS);
        if let Some(operator) = beyond {
            // Pointed at the operator past the bound, not the whole expression:
            // an excerpt of a 10,000-line expression printed every line.
            let mut d = Diagnostic::error(
                codes::TOO_DEEP,
                self.file,
                span_of(&operator),
                format!("expression has more than {MAX_OPERATORS} operators"),
            )
            .with_help("split it into several `let`s");
            d.label = Some(format!("operator {}", MAX_OPERATORS + 1));
            return Err(Box::new(d));
        }
        PRATT
            .map_primary(|p| self.primary(p))
            .map_prefix(|op, operand| {
                let operand = match operand {
                    Err(failure) if op.as_rule() == Rule::op_neg => return self.negated_literal(&op, failure),
                    operand => operand?,
                };
                let op_span = span_of(&op);
                let kind = if op.as_rule() == Rule::op_not { UnaryOp::Not } else { UnaryOp::Neg };
                Ok(Expr {
                    span: op_span.to(operand.span),
                    kind: ExprKind::Unary { op: Spanned::new(kind, op_span), operand: Box::new(operand) },
                })
            })
            .map_infix(|lhs, op, rhs| {
                let (lhs, rhs) = (lhs?, rhs?);
                let kind = match op.as_rule() {
                    Rule::op_or => BinaryOp::Or,
                    Rule::op_and => BinaryOp::And,
                    Rule::op_eq => BinaryOp::Eq,
                    Rule::op_ne => BinaryOp::Ne,
                    Rule::op_lt => BinaryOp::Lt,
                    Rule::op_le => BinaryOp::Le,
                    Rule::op_gt => BinaryOp::Gt,
                    Rule::op_ge => BinaryOp::Ge,
                    Rule::op_in => BinaryOp::In,
                    Rule::op_not_in => BinaryOp::NotIn,
                    Rule::op_coalesce => BinaryOp::Coalesce,
                    Rule::op_add => BinaryOp::Add,
                    Rule::op_sub => BinaryOp::Sub,
                    Rule::op_mul => BinaryOp::Mul,
                    Rule::op_div => BinaryOp::Div,
                    _ => return Err(self.bad(&op, "unexpected operator")),
                };
                Ok(Expr {
                    span: lhs.span.to(rhs.span),
                    kind: ExprKind::Binary {
                        op: Spanned::new(kind, span_of(&op)),
                        lhs: Box::new(lhs),
                        rhs: Box::new(rhs),
                    },
                })
            })
            .parse(pair.into_inner())
    }

    pub(super) fn primary(&self, pair: Pair<'_, Rule>) -> Built<Expr> {
        let span = span_of(&pair);
        let kind = match pair.as_rule() {
            Rule::paren => {
                let inner = pair.clone().into_inner().next().ok_or_else(|| self.bad(&pair, "empty parentheses"))?;
                let mut e = self.expr(inner)?;
                e.span = span;
                return Ok(e);
            }
            Rule::int_lit => match self.int(&pair) {
                Ok(n) => ExprKind::Int(n),
                // The smallest int is only a value after its minus, which
                // reads this failure (`negated_literal`).
                Err(failure) if Self::is_min_magnitude(&pair) => return Err(failure),
                Err(failure) => ExprKind::Int(self.stand_in(*failure, 1)),
            },
            Rule::decimal_lit => {
                let value = self.decimal_text(&pair, pair.as_str()).unwrap_or_else(|f| self.stand_in(*f, Decimal::ONE));
                ExprKind::Decimal { value, percent: false }
            }
            Rule::percent_lit => {
                let value = self.percentage(&pair).unwrap_or_else(|f| self.stand_in(*f, Decimal::new(1, 2)));
                ExprKind::Decimal { value, percent: true }
            }
            Rule::date_lit => ExprKind::Date(self.date(&pair)),
            Rule::duration_lit => {
                ExprKind::Duration(self.duration(&pair).unwrap_or_else(|f| self.stand_in(*f, Duration::Days(1))))
            }
            Rule::string_lit => ExprKind::Str(self.string(pair)?.node),
            Rule::true_lit => ExprKind::Bool(true),
            Rule::false_lit => ExprKind::Bool(false),
            Rule::none_lit => ExprKind::None,
            Rule::list_lit => ExprKind::List(pair.into_inner().map(|p| self.expr(p)).collect::<Built<_>>()?),
            Rule::path => ExprKind::Path(self.segments(&pair)),
            Rule::call => self.call(pair)?,
            Rule::case_expr => self.case(pair)?,
            Rule::table_expr => self.table(pair)?,
            _ => return Err(self.bad(&pair, "unexpected expression")),
        };
        Ok(Expr { kind, span })
    }

    /// A path's segments, each with its own span.
    pub(super) fn segments(&self, pair: &Pair<'_, Rule>) -> Vec<Ident> {
        let mut offset = span_of(pair).start as usize;
        let mut segments = Vec::new();
        for part in pair.as_str().split('.') {
            segments.push(Spanned::new(part.to_string(), Span::new(offset, offset + part.len())));
            offset += part.len() + 1;
        }
        segments
    }

    pub(super) fn call(&self, pair: Pair<'_, Rule>) -> Built<ExprKind> {
        let mut name = None;
        let mut args = Vec::new();
        let mut filter = None;
        let mut window = None;
        for p in pair.clone().into_inner() {
            match p.as_rule() {
                Rule::ident => name = Some(self.ident(p)),
                Rule::expr => args.push(self.expr(p)?),
                Rule::where_clause => {
                    if filter.is_some() {
                        return Err(self.bad(&p, "only one `where` per aggregate"));
                    }
                    let e = p.clone().into_inner().find(|x| x.as_rule() == Rule::expr);
                    let e = e.ok_or_else(|| self.bad(&p, "expected a condition after `where`"))?;
                    filter = Some(Box::new(self.expr(e)?));
                }
                Rule::within_clause => {
                    if window.is_some() {
                        return Err(self.bad(&p, "only one `within` per aggregate"));
                    }
                    let d = p.clone().into_inner().find(|x| x.as_rule() == Rule::duration_lit);
                    let d = d.ok_or_else(|| self.bad(&p, "expected a duration after `within`"))?;
                    window = Some(Spanned::new(self.duration(&d)?, span_of(&d)));
                }
                _ => {}
            }
        }
        let name = name.ok_or_else(|| self.bad(&pair, "call lacks a function name"))?;
        Ok(ExprKind::Call { name, args, filter, window })
    }
}
