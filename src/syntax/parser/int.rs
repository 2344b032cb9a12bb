//! Whole-number literals, with the one that only fits negated.
//!
//! An int is an `i64`, so `-9223372036854775808` is a value while
//! `9223372036854775808` is not: the literal after a minus is read with its
//! sign, never as a positive number that the minus then negates.

use super::{AstBuilder, Built, Pair, Rule};
use crate::diagnostic::{codes, Diagnostic};
use crate::syntax::ast::{Expr, ExprKind};

/// The smallest int's digits, the one literal that is only a value negated.
const MIN_MAGNITUDE: &str = "9223372036854775808";

impl AstBuilder<'_> {
    /// An `int_lit` (or `signed_int`) pair, negated when `negative`.
    pub(super) fn signed_int(&self, pair: &Pair<'_, Rule>, negative: bool) -> Built<i64> {
        let digits: String = pair.as_str().chars().filter(|c| *c != '_').collect();
        let signed = if negative { format!("-{digits}") } else { digits };
        signed.parse::<i64>().map_err(|_| {
            let (bound, other) = if negative {
                ("the smallest whole number is -9223372036854775808", "a decimal such as `-9223372036854775809.0`")
            } else {
                ("the largest whole number is 9223372036854775807", "a decimal such as `9223372036854775808.0`")
            };
            Box::new(
                Diagnostic::error(
                    codes::INCOMPLETE_DECLARATION,
                    self.file,
                    super::span_of(pair),
                    format!("number too large ({bound})"),
                )
                .with_label("not a whole number an int can hold")
                .with_help(format!(
                    "an int is 64 bits, so no int field or input holds this value; to compare with one, \
                     write it as {other}"
                )),
            )
        })
    }

    /// Whether `pair` writes the smallest int's digits, a value only after a minus.
    pub(super) fn is_min_magnitude(pair: &Pair<'_, Rule>) -> bool {
        pair.as_str().replace('_', "") == MIN_MAGNITUDE
    }

    /// `-` applied to an operand that could not be built: when the operand is
    /// the literal `9223372036854775808` right after the sign, the two are
    /// the smallest int; any other failure stays what it was.
    pub(super) fn negated_literal(&self, op: &Pair<'_, Rule>, failure: Box<Diagnostic>) -> Built<Expr> {
        let input = op.get_input();
        let between = input.get(op.as_span().end()..failure.span.start as usize);
        let literal = input.get(failure.span.range()).map(|t| t.replace('_', ""));
        let is_min = failure.code == codes::INCOMPLETE_DECLARATION
            && between.is_some_and(|b| b.chars().all(char::is_whitespace))
            && literal.as_deref() == Some(MIN_MAGNITUDE);
        if !is_min {
            return Err(failure);
        }
        Ok(Expr { span: super::span_of(op).to(failure.span), kind: ExprKind::Int(i64::MIN) })
    }
}
