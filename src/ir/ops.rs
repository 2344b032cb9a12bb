//! The operators of the typed IR and their algebra, written once: the
//! checker's reasoning about conditions (`check::facts`), the evaluator,
//! explanations and reports all read it from here.

use crate::syntax::ast::BinaryOp;
use crate::value::{EvalFailure, Val};
use rust_decimal::Decimal;
use std::cmp::Ordering;

/// A comparison (`== != < <= > >=`) of two present values.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum CmpOp {
    /// `==`
    Eq,
    /// `!=`
    Ne,
    /// `<`
    Lt,
    /// `<=`
    Le,
    /// `>`
    Gt,
    /// `>=`
    Ge,
}

impl CmpOp {
    /// Every comparison.
    pub const ALL: [CmpOp; 6] = [CmpOp::Eq, CmpOp::Ne, CmpOp::Lt, CmpOp::Le, CmpOp::Gt, CmpOp::Ge];

    /// The comparison a binary operator of the syntax stands for, if it is one.
    pub fn from_binary(op: BinaryOp) -> Option<CmpOp> {
        Some(match op {
            BinaryOp::Eq => CmpOp::Eq,
            BinaryOp::Ne => CmpOp::Ne,
            BinaryOp::Lt => CmpOp::Lt,
            BinaryOp::Le => CmpOp::Le,
            BinaryOp::Gt => CmpOp::Gt,
            BinaryOp::Ge => CmpOp::Ge,
            _ => return None,
        })
    }

    /// Whether the comparison holds for two values ordered as `ord`.
    #[inline(always)]
    pub fn holds(self, ord: Ordering) -> bool {
        match self {
            CmpOp::Eq => ord == Ordering::Equal,
            CmpOp::Ne => ord != Ordering::Equal,
            CmpOp::Lt => ord == Ordering::Less,
            CmpOp::Le => ord != Ordering::Greater,
            CmpOp::Gt => ord == Ordering::Greater,
            CmpOp::Ge => ord != Ordering::Less,
        }
    }

    /// `not (a OP b)` is `a OP.negate() b` (compared values are never absent).
    pub fn negate(self) -> CmpOp {
        match self {
            CmpOp::Eq => CmpOp::Ne,
            CmpOp::Ne => CmpOp::Eq,
            CmpOp::Lt => CmpOp::Ge,
            CmpOp::Le => CmpOp::Gt,
            CmpOp::Gt => CmpOp::Le,
            CmpOp::Ge => CmpOp::Lt,
        }
    }

    /// `a OP b` is `b OP.flip() a`.
    pub fn flip(self) -> CmpOp {
        match self {
            CmpOp::Lt => CmpOp::Gt,
            CmpOp::Le => CmpOp::Ge,
            CmpOp::Gt => CmpOp::Lt,
            CmpOp::Ge => CmpOp::Le,
            same => same,
        }
    }

    /// The operator as written.
    pub fn symbol(self) -> &'static str {
        match self {
            CmpOp::Eq => "==",
            CmpOp::Ne => "!=",
            CmpOp::Lt => "<",
            CmpOp::Le => "<=",
            CmpOp::Gt => ">",
            CmpOp::Ge => ">=",
        }
    }
}

/// Exact arithmetic (`+ - * /`) on numbers.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ArithOp {
    /// `+`
    Add,
    /// `-`
    Sub,
    /// `*`
    Mul,
    /// `/` (always decimal: `int / int` is a decimal)
    Div,
}

impl ArithOp {
    /// The arithmetic a binary operator of the syntax stands for, if it is one.
    pub fn from_binary(op: BinaryOp) -> Option<ArithOp> {
        Some(match op {
            BinaryOp::Add => ArithOp::Add,
            BinaryOp::Sub => ArithOp::Sub,
            BinaryOp::Mul => ArithOp::Mul,
            BinaryOp::Div => ArithOp::Div,
            _ => return None,
        })
    }

    /// The operator as written.
    pub fn symbol(self) -> &'static str {
        match self {
            ArithOp::Add => "+",
            ArithOp::Sub => "-",
            ArithOp::Mul => "*",
            ArithOp::Div => "/",
        }
    }

    /// `a OP b` on two ints: an int, except for `/`, whose result is a decimal.
    #[inline]
    pub fn ints(self, a: i64, b: i64) -> Result<Val<'static>, EvalFailure> {
        let v = match self {
            ArithOp::Add => a.checked_add(b),
            ArithOp::Sub => a.checked_sub(b),
            ArithOp::Mul => a.checked_mul(b),
            ArithOp::Div => return divide(Decimal::from(a), Decimal::from(b)).map(Val::Dec),
        };
        v.map(Val::Int).ok_or_else(EvalFailure::overflow)
    }

    /// `a OP b` on two decimals.
    #[inline]
    pub fn decimals(self, a: Decimal, b: Decimal) -> Result<Decimal, EvalFailure> {
        let v = match self {
            // Exactly, or an overflow: never a rounded sum or product.
            ArithOp::Add => super::exact::add(a, b),
            ArithOp::Sub => super::exact::sub(a, b),
            ArithOp::Mul => super::exact::mul(a, b),
            ArithOp::Div => return divide(a, b),
        };
        v.ok_or_else(EvalFailure::overflow)
    }

    /// `l OP r` on two numbers, an int widened to a decimal beside a decimal.
    pub fn apply<'a>(self, l: Val<'a>, r: Val<'a>) -> Result<Val<'a>, EvalFailure> {
        match (l, r) {
            (Val::Int(a), Val::Int(b)) => self.ints(a, b),
            (Val::Dec(a), Val::Dec(b)) => self.decimals(a, b).map(Val::Dec),
            (Val::Int(a), Val::Dec(b)) => self.decimals(Decimal::from(a), b).map(Val::Dec),
            (Val::Dec(a), Val::Int(b)) => self.decimals(a, Decimal::from(b)).map(Val::Dec),
            _ => Err(EvalFailure::internal(format!("arithmetic on {l:?} and {r:?}"))),
        }
    }
}

/// `a / b`, exact or rounded only below [`super::exact::KEPT_PLACES`],
/// failing on a zero divisor or an overflow.
pub fn divide(a: Decimal, b: Decimal) -> Result<Decimal, EvalFailure> {
    if b.is_zero() {
        return Err(EvalFailure::eval("division by zero"));
    }
    super::exact::div(a, b).ok_or_else(EvalFailure::overflow)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn negation_and_flipping_agree_with_holding() {
        for op in CmpOp::ALL {
            for ord in [Ordering::Less, Ordering::Equal, Ordering::Greater] {
                assert_eq!(op.negate().holds(ord), !op.holds(ord), "{op:?} {ord:?}");
                assert_eq!(op.flip().holds(ord.reverse()), op.holds(ord), "{op:?} {ord:?}");
            }
            assert_eq!(op.negate().negate(), op);
            assert_eq!(op.flip().flip(), op);
            assert_eq!(CmpOp::from_binary(op_as_binary(op)), Some(op));
        }
    }

    fn op_as_binary(op: CmpOp) -> BinaryOp {
        [BinaryOp::Eq, BinaryOp::Ne, BinaryOp::Lt, BinaryOp::Le, BinaryOp::Gt, BinaryOp::Ge]
            .into_iter()
            .find(|b| b.symbol() == op.symbol())
            .unwrap()
    }

    #[test]
    fn int_division_is_decimal_and_failures_are_records() {
        assert_eq!(ArithOp::Div.ints(7, 2), Ok(Val::Dec(Decimal::new(35, 1))));
        assert_eq!(ArithOp::Add.ints(i64::MAX, 1), Err(EvalFailure::overflow()));
        assert_eq!(ArithOp::Div.ints(1, 0).map_err(|e| e.message), Err("division by zero".to_string()));
        assert_eq!(ArithOp::Mul.apply(Val::Int(2), Val::Dec(Decimal::new(15, 1))), Ok(Val::Dec(Decimal::new(30, 1))));
    }
}
