//! Decimal arithmetic in hooks as in the policy language: exact, or an error.
//!
//! rhai's built-in `+ - * /` on decimals are rust_decimal's `checked_*`,
//! which round a result needing more than 28 places or a 96-bit mantissa to
//! one that fits: `7922816251426433759354395033.5 + 0.05` came out as
//! `7922816251426433759354395034`, the cents gone, where the same sum in a
//! policy is an `eval` error record. The sandbox overrides the four
//! operators (and their assignments) on decimals with the policy's own
//! ([`ArithOp::decimals`]), and `**` with a whole power worked out by those
//! products, so that a formula moved between a policy and a hook gives the
//! same value or the same refusal. An override is looked up only with rhai's
//! fast operators off, which the sandbox sets for every script.

use crate::ir::exact;
use crate::ir::ops::ArithOp;
use rhai::{Engine, EvalAltResult, Position, INT};
use rust_decimal::{Decimal, MathematicalOps};

/// The largest power `**` raises to, as rhai's own `power` allows.
const MAX_POWER: u32 = 1_000_000;

/// Registers the exact operators on decimals, a decimal beside an `INT`
/// (widened, as rhai's built-ins widen it), their assignments, and `**`.
pub(super) fn register_exact_operators(engine: &mut Engine) {
    for op in [ArithOp::Add, ArithOp::Sub, ArithOp::Mul, ArithOp::Div] {
        let symbol = op.symbol();
        let assign = format!("{symbol}=");
        engine.register_fn(symbol, move |x: Decimal, y: Decimal| apply(op, x, y));
        engine.register_fn(symbol, move |x: Decimal, y: INT| apply(op, x, Decimal::from(y)));
        engine.register_fn(symbol, move |x: INT, y: Decimal| apply(op, Decimal::from(x), y));
        engine.register_fn(&assign, move |x: &mut Decimal, y: Decimal| apply(op, *x, y).map(|v| *x = v));
        engine.register_fn(&assign, move |x: &mut Decimal, y: INT| apply(op, *x, Decimal::from(y)).map(|v| *x = v));
    }
    engine.register_fn("**", power);
    engine.register_fn("**", |x: INT, y: Decimal| power(Decimal::from(x), y));
    engine.register_fn("**", |x: Decimal, y: INT| power(x, Decimal::from(y)));
    engine.register_fn("**=", |x: &mut Decimal, y: Decimal| power(*x, y).map(|v| *x = v));
    engine.register_fn("**=", |x: &mut Decimal, y: INT| power(*x, Decimal::from(y)).map(|v| *x = v));
    engine.register_fn("parse_decimal", parse_decimal);
}

/// rhai's `parse_decimal` (plain or scientific notation, the scale as
/// written), refusing a number whose digits an exact decimal cannot all hold,
/// which rhai's rounded silently (`"12.3456789012345678901234567890123"`,
/// `"1.2345e-27"`); the same digits written as a literal are refused by
/// `check` (`E0315`). Zeros before or after the digits are not digits lost.
fn parse_decimal(text: &str) -> Result<Decimal, Box<EvalAltResult>> {
    use std::str::FromStr;
    let value = Decimal::from_str(text)
        .or_else(|_| Decimal::from_scientific(text))
        .map_err(|err| arithmetic_error(format!("Error parsing decimal number '{text}': {err}")))?;
    let written = text.split(['e', 'E']).next().unwrap_or_default();
    let written: String = written.chars().filter(char::is_ascii_digit).collect();
    let written = written.trim_start_matches('0').trim_end_matches('0').len();
    let kept = if value.is_zero() { 0 } else { value.normalize().mantissa().unsigned_abs().to_string().len() };
    if kept < written {
        return Err(arithmetic_error(format!(
            "Error parsing decimal number '{text}': it has more digits than an exact decimal holds (28 after the \
             point, 29 in all)"
        )));
    }
    Ok(value)
}

/// `x OP y` as the policy computes it; its failure in rhai's words (an
/// arithmetic error, as rhai's built-ins raise).
fn apply(op: ArithOp, x: Decimal, y: Decimal) -> Result<Decimal, Box<EvalAltResult>> {
    let symbol = op.symbol();
    if op == ArithOp::Div && y.is_zero() {
        return Err(arithmetic_error(format!("Division by zero: {x} / {y}")));
    }
    op.decimals(x, y).map_err(|_| {
        arithmetic_error(format!(
            "arithmetic overflow: {x} {symbol} {y} does not fit an exact decimal to ten places after the point"
        ))
    })
}

/// `x ** y`: a whole power from 0 to a million by exact products (an error
/// where one would be rounded above the tenth place, as for `x * x`); a
/// power that is not whole by rust_decimal's `checked_powd`, which is as
/// near as a decimal holds, not exact; a negative number to such a power
/// has no real result (rhai's took |x|'s power and put the sign back:
/// `(-8.0) ** 0.5` was -2.83).
fn power(x: Decimal, y: Decimal) -> Result<Decimal, Box<EvalAltResult>> {
    let whole = y.fract().is_zero();
    if x.is_sign_negative() && !x.is_zero() && !whole {
        return Err(arithmetic_error(format!(
            "{x} ** {y} has no real result (a negative number to a power that is not whole)"
        )));
    }
    let overflow = || arithmetic_error(format!("Exponential overflow: {x} ** {y}"));
    let n = u32::try_from(y.round()).ok().filter(|n| *n <= MAX_POWER).ok_or_else(overflow)?;
    if !whole {
        return x.checked_powd(y).ok_or_else(overflow);
    }
    exact_power(x, n).ok_or_else(overflow)
}

/// `x ** n` by squaring, each product exact or rounded below the tenth
/// place. Roundings carry into the products after them: a power for which
/// one was rounded is kept only below [`ROUNDED_POWER_BOUND`], where what
/// they add up to stays below the tenth place. Each rounding is at most 5e-28
/// of the value rounded (28 significant digits at least from 1 up; below 1,
/// the products shrink what was rounded), and squaring twenty times (a
/// power up to a million) doubles it twenty times: about 1e-21 of the result
/// in all, under 1e-11 for a result under 1e10.
fn exact_power(x: Decimal, mut n: u32) -> Option<Decimal> {
    let (mut result, mut base, mut rounded) = (Decimal::ONE, x, false);
    let mut times = |a: Decimal, b: Decimal| {
        let product = exact::mul(a, b)?;
        rounded |= product.scale() < a.scale() + b.scale();
        Some(product)
    };
    while n > 0 {
        if n & 1 == 1 {
            result = times(result, base)?;
        }
        n >>= 1;
        if n > 0 {
            base = times(base, base)?;
        }
    }
    (!rounded || result.abs() < ROUNDED_POWER_BOUND).then_some(result)
}

/// See [`exact_power`]: 10^10.
const ROUNDED_POWER_BOUND: Decimal = Decimal::from_parts(1_410_065_408, 2, 0, false, 0);

fn arithmetic_error(message: String) -> Box<EvalAltResult> {
    Box::new(EvalAltResult::ErrorArithmetic(message, Position::NONE))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(text: &str) -> Decimal {
        text.parse().unwrap_or_default()
    }

    #[test]
    fn whole_powers_are_exact_or_refused() {
        assert_eq!(power(d("1.1"), d("2")).ok(), Some(d("1.21")));
        assert_eq!(power(d("-2.0"), d("3")).ok(), Some(d("-8.000")));
        assert_eq!(power(d("1.01"), d("10")).ok(), Some(d("1.10462212541120451001")));
        // 1881676016690875476274.676136120904 would keep six places: refused.
        assert!(power(d("12345678.1234"), d("3")).is_err());
        assert_eq!(power(d("5"), d("0")).ok(), Some(Decimal::ONE));
        // 7922816251426.4337593543950335 squared needs more digits above the tenth place.
        assert!(power(d("7922816251426.4337593543950335"), d("2")).is_err());
        assert!(power(d("2"), d("-1")).is_err());
        assert!(power(d("-8.0"), d("0.5")).is_err());
        // Roundings carried through twenty squarings reach the eighth place:
        // refused above 1e10; below it they stay far below the tenth.
        assert!(power(d("1.0001"), d("400000")).is_err());
        assert!(power(d("1.1"), d("450")).is_err());
        assert_eq!(ROUNDED_POWER_BOUND, d("10000000000"));
        let small = power(d("1.0001"), d("100000")).unwrap_or_default();
        assert!(small > d("22015") && small < d("22016"), "{small}");
        // Not whole: as near as rust_decimal's `powd` comes.
        let root = power(d("4"), d("0.5")).unwrap_or_default();
        assert!((root - d("2")).abs() < d("0.000000000000000000001"), "{root}");
    }

    #[test]
    fn parsed_decimals_are_exact_or_refused() {
        assert_eq!(parse_decimal("12.50").map(|v| v.to_string()).ok(), Some("12.50".into()));
        assert_eq!(parse_decimal("0.10000000000000000000000000000000").ok(), Some(d("0.1")));
        assert_eq!(parse_decimal("-0.000").map(|v| v.is_zero()).ok(), Some(true));
        assert_eq!(parse_decimal("1.5e3").ok(), Some(d("1500")));
        assert!(parse_decimal("12.3456789012345678901234567890123").is_err());
        assert!(parse_decimal("1.2345e-27").is_err());
        assert!(parse_decimal("9.99999999999999999999999999999").is_err());
        assert!(parse_decimal("abc").is_err());
    }

    #[test]
    fn operator_errors_are_arithmetic_errors() {
        let err = apply(ArithOp::Div, d("1"), Decimal::ZERO).err().map(|e| e.to_string()).unwrap_or_default();
        assert!(err.starts_with("Division by zero: 1 / 0"), "{err}");
        let err = apply(ArithOp::Add, Decimal::MAX, d("1")).err().map(|e| e.to_string()).unwrap_or_default();
        assert!(err.starts_with("arithmetic overflow: 79228162514264337593543950335 + 1"), "{err}");
    }
}
