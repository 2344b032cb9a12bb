//! Decimal arithmetic in hooks as in the policy language: exact, or an error.
//!
//! rhai's built-in `+ - * /` on decimals are rust_decimal's `checked_*`,
//! which round a result needing more than 28 places or a 96-bit mantissa to
//! one that fits: `7922816251426433759354395033.5 + 0.05` came out as
//! `7922816251426433759354395034`, the cents gone, where the same sum in a
//! policy is an `eval` error record. The sandbox overrides the four
//! operators (and their assignments) on decimals with [`crate::ir::exact`]'s,
//! so that a formula moved between a policy and a hook gives the same value
//! or the same refusal. An override is looked up only with rhai's fast
//! operators off, which [`super::Hook::load`] sets for every script.

use crate::ir::exact;
use rhai::{Engine, EvalAltResult, INT};
use rust_decimal::Decimal;

/// One of the four operators, as the sandbox computes it on decimals.
#[derive(Clone, Copy)]
enum Op {
    Add,
    Sub,
    Mul,
    Div,
}

impl Op {
    fn symbol(self) -> &'static str {
        match self {
            Op::Add => "+",
            Op::Sub => "-",
            Op::Mul => "*",
            Op::Div => "/",
        }
    }

    /// `x OP y` exactly (a quotient rounded only below the tenth place), or
    /// the script's error: rhai's own words for a zero divisor.
    fn apply(self, x: Decimal, y: Decimal) -> Result<Decimal, Box<EvalAltResult>> {
        let value = match self {
            Op::Add => exact::add(x, y),
            Op::Sub => exact::sub(x, y),
            Op::Mul => exact::mul(x, y),
            Op::Div if y.is_zero() => return Err(format!("Division by zero: {x} / {y}").into()),
            Op::Div => exact::div(x, y),
        };
        value.ok_or_else(|| {
            let symbol = self.symbol();
            format!(
                "arithmetic overflow: {x} {symbol} {y} needs more digits than an exact decimal holds \
                 (it would be rounded above the tenth place after the point)"
            )
            .into()
        })
    }
}

/// Registers the exact operators on decimals, a decimal beside an `INT`
/// (widened, as rhai's built-ins widen it), and their assignments.
pub(super) fn register_exact_operators(engine: &mut Engine) {
    for op in [Op::Add, Op::Sub, Op::Mul, Op::Div] {
        let symbol = op.symbol();
        let assign = format!("{symbol}=");
        engine.register_fn(symbol, move |x: Decimal, y: Decimal| op.apply(x, y));
        engine.register_fn(symbol, move |x: Decimal, y: INT| op.apply(x, Decimal::from(y)));
        engine.register_fn(symbol, move |x: INT, y: Decimal| op.apply(Decimal::from(x), y));
        engine.register_fn(&assign, move |x: &mut Decimal, y: Decimal| op.apply(*x, y).map(|v| *x = v));
        engine.register_fn(&assign, move |x: &mut Decimal, y: INT| op.apply(*x, Decimal::from(y)).map(|v| *x = v));
    }
}
