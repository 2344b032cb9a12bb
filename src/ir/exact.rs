//! Sums and products of decimals: exact, or rounded only far below money.
//!
//! `rust_decimal` rounds a sum or product that needs more than 28 digits
//! after the point, or a mantissa wider than 96 bits, to one that fits:
//! `7922816251426433759354395033.5 + 0.05` comes out as
//! `7922816251426433759354395034`, a rounding at the cents. The language
//! allows rounding only where a quotient is rounded, at the 28th or 29th
//! significant digit, and only when at least [`KEPT_PLACES`] places after
//! the point survive: `1000 / 3 * 1.2` is `400.00000000000000000000000000`
//! (the quotient's own rounding carried on), while the sum above is an
//! `eval` error record. Rounding always lowers the result's scale below the
//! operands' natural one (the larger of the two for a sum, their total for a
//! product), so a result that keeps that scale, or [`KEPT_PLACES`] of it, is
//! accepted with one comparison; any other result is checked against the
//! exact value, worked out in 256-bit integers.

use rust_decimal::Decimal;

/// Places after the point a sum, difference or product never rounds away:
/// more than money or a rate is written with, so rounding below them is the
/// precision limit every quotient already has, never a changed amount.
pub const KEPT_PLACES: u32 = 10;

/// Below this, a decimal has room for [`KEPT_PLACES`] places after its point:
/// `2^96 / 10^10`, rounded down.
const ROOM_FOR_KEPT_PLACES: Decimal = Decimal::from_parts(1_593_240_287, 1_844_674_407, 0, false, 0);

/// Whether a result at `scale` kept enough of the operands' `natural` scale.
#[inline]
fn kept(scale: u32, natural: u32) -> bool {
    scale >= natural.min(KEPT_PLACES)
}

/// `a + b`, or `None` when it overflows or would be rounded above [`KEPT_PLACES`].
#[inline]
pub fn add(a: Decimal, b: Decimal) -> Option<Decimal> {
    let sum = a.checked_add(b)?;
    if kept(sum.scale(), a.scale().max(b.scale())) {
        return Some(sum);
    }
    is_exact_sum(sum, a, b).then_some(sum)
}

/// `a - b`, or `None` when it overflows or would be rounded above [`KEPT_PLACES`].
#[inline]
pub fn sub(a: Decimal, b: Decimal) -> Option<Decimal> {
    let difference = a.checked_sub(b)?;
    if kept(difference.scale(), a.scale().max(b.scale())) {
        return Some(difference);
    }
    is_exact_sum(difference, a, -b).then_some(difference)
}

/// `a * b`, or `None` when it overflows or would be rounded above [`KEPT_PLACES`].
#[inline]
pub fn mul(a: Decimal, b: Decimal) -> Option<Decimal> {
    let product = a.checked_mul(b)?;
    // A zero from non-zero operands is a product under 0.5e-28 rounded,
    // which `rust_decimal` hands back at scale 0.
    if kept(product.scale(), a.scale() + b.scale()) || product.is_zero() {
        return Some(product);
    }
    let exact = Wide::from(magnitude(a)).times(magnitude(b))?;
    let negative = a.is_sign_negative() != b.is_sign_negative();
    is(product, negative, exact, a.scale() + b.scale()).then_some(product)
}

/// `a / b` for a `b` that is not zero, or `None` when it overflows or would
/// be rounded above [`KEPT_PLACES`]: a quotient is exact, or rounded at its
/// 28th or 29th significant digit with at least [`KEPT_PLACES`] places after
/// the point left (`1 / 3`), never at the units (`100000000000000000000 / 3`
/// keeps nine places; `Decimal::MAX / 2` would lose its `.5`).
#[inline]
pub fn div(a: Decimal, b: Decimal) -> Option<Decimal> {
    let quotient = a.checked_div(b)?;
    // A zero from a non-zero dividend is a quotient under 0.5e-28 rounded, as
    // for a product. A quotient with room for ten places after its point was
    // rounded, if at all, below them: rust_decimal fills the room it has, and
    // drops the zeros that end it (`2770083102493074792.243767313` is
    // `…2.2437673130` rounded at the tenth place), so its scale alone does
    // not say where it was rounded.
    if quotient.scale() >= KEPT_PLACES || quotient.is_zero() || quotient.abs() < ROOM_FOR_KEPT_PLACES {
        return Some(quotient);
    }
    // No room for ten places (a quotient of 7.9e18 or more): kept only if
    // exact, the quotient times the divisor giving the dividend back (the
    // signs agree for any non-zero quotient).
    let product = Wide::from(magnitude(quotient)).times(magnitude(b))?;
    let negative = quotient.is_sign_negative() != b.is_sign_negative();
    is(a, negative, product, quotient.scale() + b.scale()).then_some(quotient)
}

#[cold]
fn is_exact_sum(result: Decimal, a: Decimal, b: Decimal) -> bool {
    let scale = a.scale().max(b.scale());
    let (Some(x), Some(y)) = (
        Wide::from(magnitude(a)).times_ten_to(scale - a.scale()),
        Wide::from(magnitude(b)).times_ten_to(scale - b.scale()),
    ) else {
        return false;
    };
    let (negative, value) = match (a.is_sign_negative(), b.is_sign_negative()) {
        (same_a, same_b) if same_a == same_b => match x.plus(y) {
            Some(total) => (same_a, total),
            None => return false,
        },
        (negative_a, _) if x >= y => (negative_a, x.minus(y)),
        (_, negative_b) => (negative_b, y.minus(x)),
    };
    is(result, negative, value, scale)
}

/// Whether `result` is the value of sign `negative` and magnitude `value` at `scale`.
fn is(result: Decimal, negative: bool, value: Wide, scale: u32) -> bool {
    let got = Wide::from(magnitude(result));
    let equal = if result.scale() <= scale {
        got.times_ten_to(scale - result.scale()) == Some(value)
    } else {
        value.times_ten_to(result.scale() - scale) == Some(got)
    };
    equal && (value == Wide::ZERO || result.is_sign_negative() == negative)
}

fn magnitude(d: Decimal) -> u128 {
    d.mantissa().unsigned_abs()
}

/// An unsigned 256-bit integer: four 64-bit limbs, the most significant
/// first (so the derived order is the numbers' order).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
struct Wide([u64; 4]);

impl From<u128> for Wide {
    fn from(v: u128) -> Wide {
        Wide([0, 0, (v >> 64) as u64, v as u64])
    }
}

impl Wide {
    const ZERO: Wide = Wide([0; 4]);

    /// `self * m`, `None` past 256 bits.
    fn times_small(self, m: u64) -> Option<Wide> {
        let mut out = [0u64; 4];
        let mut carry = 0u128;
        for (limb, out) in self.0.iter().zip(out.iter_mut()).rev() {
            let step = u128::from(*limb) * u128::from(m) + carry;
            *out = step as u64;
            carry = step >> 64;
        }
        (carry == 0).then_some(Wide(out))
    }

    /// `self * m` for a 128-bit `m`, `None` past 256 bits.
    fn times(self, m: u128) -> Option<Wide> {
        let low = self.times_small(m as u64)?;
        let high = self.times_small((m >> 64) as u64)?;
        // `high` is worth 2^64 times its value: it moves up one limb.
        if high.0[0] != 0 {
            return None;
        }
        low.plus(Wide([high.0[1], high.0[2], high.0[3], 0]))
    }

    /// `self * 10^k`, `None` past 256 bits.
    fn times_ten_to(self, k: u32) -> Option<Wide> {
        (0..k).try_fold(self, |w, _| w.times_small(10))
    }

    /// `self + other`, `None` past 256 bits.
    fn plus(self, other: Wide) -> Option<Wide> {
        let mut out = [0u64; 4];
        let mut carry = false;
        for ((a, b), out) in self.0.iter().zip(other.0.iter()).zip(out.iter_mut()).rev() {
            let (step, first) = a.overflowing_add(*b);
            let (step, second) = step.overflowing_add(u64::from(carry));
            *out = step;
            carry = first || second;
        }
        (!carry).then_some(Wide(out))
    }

    /// `self - other`, for `self >= other`.
    fn minus(self, other: Wide) -> Wide {
        let mut out = [0u64; 4];
        let mut borrow = false;
        for ((a, b), out) in self.0.iter().zip(other.0.iter()).zip(out.iter_mut()).rev() {
            let (step, first) = a.overflowing_sub(*b);
            let (step, second) = step.overflowing_sub(u64::from(borrow));
            *out = step;
            borrow = first || second;
        }
        Wide(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    fn d(text: &str) -> Decimal {
        Decimal::from_str(text).unwrap()
    }

    #[test]
    fn exact_results_pass_at_any_scale() {
        assert_eq!(add(d("1.5"), d("0.05")), Some(d("1.55")));
        assert_eq!(sub(d("1.00"), d("3")), Some(d("-2.00")));
        assert_eq!(mul(d("1.5"), d("1.5")), Some(d("2.25")));
        assert_eq!(mul(d("-2.0"), d("0.5")), Some(d("-1.00")));
        // Scaled down without rounding: trailing zeros are all that goes.
        let tiny = d("0.00000000000000000000000002");
        assert_eq!(mul(tiny, d("50")), Some(d("0.000000000000000000000001")));
        assert_eq!(mul(d("0.0000000000000000000000000010"), d("0.5")), Some(d("0.0000000000000000000000000005")));
        assert_eq!(add(d("79228162514264337593543950334"), d("1")), Some(Decimal::MAX));
        assert_eq!(sub(d("0.1"), d("0.1")).map(|z| z.is_zero()), Some(true));
    }

    #[test]
    fn results_rounded_above_the_kept_places_are_refused() {
        assert_eq!(add(d("7922816251426433759354395033.5"), d("0.05")), None);
        assert_eq!(sub(d("7922816251426433759354395033.5"), d("-0.05")), None);
        assert_eq!(mul(d("12345678901234567890.123456789"), d("1.5")), None);
        assert_eq!(mul(d("1234567890123456789012.5"), d("1.0000001")), None);
        assert_eq!(add(Decimal::MAX, d("1")), None);
        assert_eq!(mul(Decimal::MAX, d("2")), None);
    }

    #[test]
    fn results_rounded_below_the_kept_places_are_a_quotients_rounding_carried_on() {
        let third = d("1000") / d("3");
        assert_eq!(third, d("333.33333333333333333333333333"));
        assert_eq!(mul(third, d("1.2")), Some(d("400.00000000000000000000000000")));
        assert_eq!(add(third, d("100000")), Some(d("100333.33333333333333333333333")));
        assert_eq!(sub(d("-100000"), third), Some(d("-100333.33333333333333333333333")));
        assert_eq!(mul(d("0.0000000000000000000000000001"), d("1.5")), Some(d("0.0000000000000000000000000002")));
        let tiny = d("0.0000000000000000000000000001");
        assert_eq!(mul(tiny, tiny).map(|z| z.is_zero()), Some(true));
        // Ten places survive at any size a decimal holds with them.
        let big = d("1234567890123456.0123456789");
        assert_eq!(mul(big, d("1.0000000001")), Some(d("1234567890246912.8013580245012")));
    }

    #[test]
    fn room_for_the_kept_places_is_two_to_the_96_over_ten_to_the_ten() {
        assert_eq!(ROOM_FOR_KEPT_PLACES, d("7922816251426433759"));
        assert!(ROOM_FOR_KEPT_PLACES.mantissa() * 10_000_000_000 <= Decimal::MAX.mantissa());
        assert!((ROOM_FOR_KEPT_PLACES.mantissa() + 1) * 10_000_000_000 > Decimal::MAX.mantissa());
    }

    #[test]
    fn quotients_are_exact_or_rounded_below_the_kept_places() {
        assert_eq!(div(d("1"), d("4")), Some(d("0.25")));
        assert_eq!(div(d("-1234.56"), d("5000")), Some(d("-0.246912")));
        assert_eq!(div(d("100000000000000000000"), d("4")), Some(d("25000000000000000000")));
        assert_eq!(div(d("1.000"), d("2")).map(|q| q == d("0.5")), Some(true));
        assert_eq!(div(d("1"), d("3")), Some(d("0.3333333333333333333333333333")));
        assert_eq!(div(d("0.0000000000000000000000000001"), d("3")).map(|q| q.is_zero()), Some(true));
        // Rounded at the tenth place, its final zero dropped by rust_decimal.
        assert_eq!(div(d("10000000000000000000.0"), d("3.61")), Some(d("2770083102493074792.243767313")));
        assert_eq!(
            div(d("37872747497.783167321827468641"), d("0.0450545420060805")).map(|q| q.scale() < 10),
            Some(true)
        );
        assert!(div(d("3961408125713216879677197516.7"), d("4294967296")).is_some());
        // Rounded with fewer than ten places left: at the units, or the ninth place.
        assert_eq!(div(Decimal::MAX, d("2")), None);
        assert_eq!(div(d("100000000000000000000"), d("3")), None);
        assert_eq!(div(d("2"), d("0.0000000000000000000000000003")), None);
        assert_eq!(div(Decimal::MAX, d("0.5")), None);
        // A quotient times the divisor past 128 bits.
        let wide_divisor = d("1.0000000000000000000");
        assert_eq!(div(Decimal::MAX, wide_divisor).map(|q| q == Decimal::MAX), Some(true));
        assert_eq!(div(d("-79228162514264337593543950330"), d("-10")), Some(d("7922816251426433759354395033")));
        assert_eq!(div(d("7922816251426433759354395033.5"), d("0.5")), Some(d("15845632502852867518708790067")));
    }

    #[test]
    fn wide_arithmetic_carries_across_limbs() {
        let max = Wide::from(u128::MAX);
        assert_eq!(max.plus(Wide::from(1)), Some(Wide([0, 1, 0, 0])));
        assert_eq!(Wide([0, 1, 0, 0]).minus(Wide::from(1)), max);
        assert_eq!(max.times(u128::MAX), Some(Wide([u64::MAX, u64::MAX - 1, 0, 1])));
        assert_eq!(Wide([1, 0, 0, 0]).times_small(u64::MAX), Some(Wide([u64::MAX, 0, 0, 0])));
        assert_eq!(Wide([2, 0, 0, 0]).times_small(u64::MAX), None);
        assert_eq!(Wide::from(1).times_ten_to(78), None);
        assert!(Wide::from(1).times_ten_to(77).is_some());
    }
}
