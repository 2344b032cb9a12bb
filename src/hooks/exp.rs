//! `exp` on exact decimals for hooks: the Decimal nearest e^x, in well under a
//! microsecond.
//!
//! rust_decimal's `checked_exp` sums a Taylor series over [0, 1) in 192-bit
//! decimal arithmetic, a division and a multiplication per term: about 2.4 µs
//! for `exp(2.6)`, most of the shipped fraud hook's time. Here
//! e^x = e^n · e^(j/64) · e^t with n = floor(x), j/64 ≤ x − n < (j+1)/64 and
//! t < 1/64: the first two factors come from tables, e^t from 16 terms of its
//! series in 128-bit binary fixed point (only multiplications: the 1/k! are
//! tabled too), and each product of two 128-bit mantissas keeps its top 128
//! bits. The error is a few units in the 125th bit, far below half a unit in
//! the last of the 28 or 29 digits a Decimal holds, so the result is the
//! Decimal nearest e^x (with its trailing zeros removed). The tables and the
//! test vectors in `tests/data/exp_vectors.txt` are computed independently
//! with Python's decimal module (`scripts/gen-exp-tables.py`).

use super::exp_tables::{E_FRAC, E_INT, INV_FACT_Q127, INV_POW10};
use rust_decimal::Decimal;

/// Below this, e^x rounds to zero at 28 decimal places (e^-66 ≈ 2.2e-29).
const SMALLEST_ARGUMENT: i64 = -66;
/// From this on, e^x is beyond the largest Decimal (e^66.55 ≈ 7.97e28).
const OVERFLOW_ARGUMENT: i64 = 67;
/// A Decimal's mantissa is below 2^96.
const MAX_MANTISSA: u128 = (1 << 96) - 1;
const MAX_SCALE: u32 = 28;

/// A positive binary float: mantissa · 2^exponent, with the mantissa's top bit set.
#[derive(Clone, Copy)]
struct Wide {
    mantissa: u128,
    exponent: i32,
}

impl Wide {
    fn from_table((mantissa, exponent): (u128, i32)) -> Wide {
        Wide { mantissa, exponent }
    }

    /// The product, truncated to 128 bits of mantissa.
    fn times(self, other: Wide) -> Wide {
        let (hi, lo) = mul_full(self.mantissa, other.mantissa);
        let exponent = self.exponent + other.exponent;
        if hi >> 127 == 1 {
            Wide { mantissa: hi, exponent: exponent + 128 }
        } else {
            Wide { mantissa: (hi << 1) | (lo >> 127), exponent: exponent + 127 }
        }
    }
}

/// e^x rounded to the nearest Decimal (what a hook's `exp` returns); `None`
/// when it is beyond the largest Decimal, zero when it is below 10^-28 / 2.
pub fn exp(x: Decimal) -> Option<Decimal> {
    if x.is_zero() {
        return Some(Decimal::ONE);
    }
    if x >= Decimal::from(OVERFLOW_ARGUMENT) {
        return None;
    }
    if x < Decimal::from(SMALLEST_ARGUMENT) {
        return Some(Decimal::ZERO);
    }
    let floor = x.floor();
    let n = i64::try_from(floor).ok()?;
    let fraction = fixed_fraction(x.checked_sub(floor)?)?;
    let j = usize::try_from(fraction >> 122).ok()?;
    let t = fraction & ((1 << 122) - 1);
    let e_n = Wide::from_table(*E_INT.get(usize::try_from(n - SMALLEST_ARGUMENT).ok()?)?);
    let e_j = Wide::from_table(*E_FRAC.get(j)?);
    to_decimal(e_n.times(e_j).times(exp_small(t)))
}

/// A fraction in [0, 1) as a fixed-point number with 128 fraction bits.
fn fixed_fraction(r: Decimal) -> Option<u128> {
    if r.is_zero() {
        return Some(0);
    }
    let mantissa = u128::try_from(r.mantissa()).ok()?;
    // r = mantissa · 10^-scale = mantissa · m · 2^e, and the result is r · 2^128.
    let (m, e) = *INV_POW10.get(usize::try_from(r.scale()).ok()?)?;
    let (hi, lo) = mul_full(mantissa, m);
    let shift = u32::try_from(-(e + 128)).ok()?;
    if !(1..128).contains(&shift) {
        return None;
    }
    Some((hi << (128 - shift)) | (lo >> shift))
}

/// e^t for t < 1/64 given with 128 fraction bits: 1 + t·Σ t^(k-1)/k!, k = 1..=16
/// (the first term left out is below 2^-140).
fn exp_small(t: u128) -> Wide {
    // Horner's rule in fixed point with 127 fraction bits, from 1/16! down to 1/1!;
    // the sum stays below 1.01, so it cannot overflow.
    let sum = INV_FACT_Q127.iter().skip(1).rev().fold(0, |sum, inv_fact| inv_fact + mul_full(t, sum).0);
    let t_times_sum = mul_full(t, sum).0;
    Wide { mantissa: (1 << 127) + t_times_sum, exponent: -127 }
}

/// The Decimal nearest `w`: the largest scale up to 28 whose mantissa fits.
fn to_decimal(w: Wide) -> Option<Decimal> {
    // log10(w) is about (exponent + 127) · log10(2), and log10(2) ≈ 77/256: the
    // first scale tried is at least the one that fits, at most three above it.
    let digits_before_point = ((i64::from(w.exponent) + 127) * 77).div_euclid(256);
    let mut scale = u32::try_from((i64::from(MAX_SCALE) + 1 - digits_before_point).clamp(0, 28)).ok()?;
    loop {
        let (hi, lo) = mul_full(w.mantissa, 10u128.pow(scale));
        let shift = u32::try_from(-w.exponent).ok()?;
        if let Some(mantissa) = shift_rounded(hi, lo, shift).filter(|m| *m <= MAX_MANTISSA) {
            let value = Decimal::try_from_i128_with_scale(i128::try_from(mantissa).ok()?, scale).ok()?;
            return Some(value.normalize());
        }
        scale = scale.checked_sub(1)?;
    }
}

/// (hi · 2^128 + lo) / 2^shift rounded to nearest, half up (e^x of a nonzero
/// decimal is transcendental: it never lies halfway), or `None` past 128 bits.
fn shift_rounded(hi: u128, lo: u128, shift: u32) -> Option<u128> {
    let (quotient, half) = match shift {
        0 => return (hi == 0).then_some(lo),
        1..128 => {
            if hi >> shift != 0 {
                return None;
            }
            ((hi << (128 - shift)) | (lo >> shift), (lo >> (shift - 1)) & 1)
        }
        128 => (hi, lo >> 127),
        129..256 => (hi >> (shift - 128), (hi >> (shift - 129)) & 1),
        _ => (0, 0),
    };
    quotient.checked_add(half)
}

/// The full 256-bit product of two 128-bit numbers, as (high, low) halves.
fn mul_full(a: u128, b: u128) -> (u128, u128) {
    let low64 = |v: u128| v & u128::from(u64::MAX);
    let (a1, a0) = (a >> 64, low64(a));
    let (b1, b0) = (b >> 64, low64(b));
    let (p00, p01, p10, p11) = (a0 * b0, a0 * b1, a1 * b0, a1 * b1);
    let middle = (p00 >> 64) + low64(p01) + low64(p10);
    let lo = low64(p00) | (middle << 64);
    let hi = p11 + (p01 >> 64) + (p10 >> 64) + (middle >> 64);
    (hi, lo)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    /// Every vector of `tests/data/exp_vectors.txt`: arguments that visit every
    /// table entry, both ends of the range and the edges of rounding to zero.
    #[test]
    fn exp_is_the_nearest_decimal() {
        let vectors = include_str!("../../tests/data/exp_vectors.txt");
        let mut checked = 0;
        for line in vectors.lines().filter(|l| !l.starts_with('#')) {
            let fields: Vec<&str> = line.split(' ').collect();
            let x = Decimal::from_str(fields[0]).expect("argument");
            let got = exp(x).map(|d| format!("{} {}", d.mantissa(), d.scale()));
            let want = (fields[1] != "overflow").then(|| format!("{} {}", fields[1], fields[2]));
            assert_eq!(got, want, "exp({x})");
            checked += 1;
        }
        assert!(checked > 700, "only {checked} vectors");
    }

    #[test]
    fn products_keep_the_top_bits() {
        assert_eq!(mul_full(u128::MAX, u128::MAX), (u128::MAX - 1, 1));
        assert_eq!(mul_full(1 << 127, 2), (1, 0));
        assert_eq!(shift_rounded(0, 3, 1), Some(2));
        assert_eq!(shift_rounded(1, 0, 129), Some(1));
        assert_eq!(shift_rounded(1, 0, 127), Some(2));
        assert_eq!(shift_rounded(2, 0, 1), None);
    }
}
