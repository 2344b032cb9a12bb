//! A decimal input's cuts, searched as whole numbers at the scale of the
//! value: no rescaling at all for a value of at least the cuts' scale. A
//! quotient such as `balance / credit_limit` has 28 digits after the point
//! and the cuts two: `rust_decimal` compares such a pair by rescaling it
//! each time, which was about a third of a table decision's time.
//!
//! Exact: at one scale, two decimals compare as their mantissas. The cuts
//! are kept at every scale from their own up to 28 (the most a `Decimal`
//! has) where they fit an `i128`; a value of a smaller scale is brought up
//! to the cuts' scale instead. Where neither fits, the decimals themselves
//! are searched.

use rust_decimal::Decimal;

/// The most digits after the point a `Decimal` has.
const MAX_SCALE: u32 = 28;

/// Cuts at one scale as keys `2 × mantissa + side` (side 0 below, 1
/// above): one `i128` compare per cut, where the pair took two, and the
/// value `(m, 0)` is searched as `2 × m`. The order is the pairs' order:
/// `2a + s <= 2m` holds exactly when `a < m`, or `a == m` and `s == 0`.
type Mantissas = Box<[i128]>;

/// A decimal input's interior cuts, and how a value finds its atom among them.
#[derive(Clone, Debug, PartialEq)]
pub struct DecCuts {
    /// The cuts as `(value, 0 below / 1 above)`. INVARIANT: sorted.
    cuts: Box<[(Decimal, u8)]>,
    /// The same cuts at each scale from theirs up to 28 (`None`: they do
    /// not fit an `i128` at their own scale).
    scaled: Option<ScaledCuts>,
}

impl DecCuts {
    /// The cuts `(value, 0 below / 1 above)`, sorted, with their mantissas
    /// at every scale computed once.
    pub fn new(cuts: Vec<(Decimal, u8)>) -> DecCuts {
        let scaled = ScaledCuts::of(&cuts);
        DecCuts { cuts: cuts.into(), scaled }
    }

    /// Whether values are searched among the cuts' mantissas (every cut fits
    /// an `i128` at the cuts' own scale).
    pub fn is_scaled(&self) -> bool {
        self.scaled.is_some()
    }

    /// The atom of `d`: how many cuts are at or below `(d, 0)`, among the
    /// mantissas where they and `d` fit an `i128` at one scale, else among
    /// the decimals (the same count: see the tests).
    #[inline]
    pub fn atom(&self, d: Decimal) -> usize {
        match self.scaled.as_ref().and_then(|s| s.atom(d)) {
            Some(atom) => atom,
            None => self.cuts.partition_point(|c| *c <= (d, 0)),
        }
    }
}

/// Sorted cuts as mantissas at each scale from theirs up to 28.
#[derive(Clone, Debug, PartialEq)]
struct ScaledCuts {
    /// The largest scale of the cuts.
    scale: u32,
    /// At index `k`: the cuts' keys at scale `scale + k` (`None` where one
    /// does not fit an `i128`). INVARIANT: sorted, as the cuts they come from.
    by_scale: Box<[Option<Mantissas>]>,
}

impl ScaledCuts {
    /// The cuts at every scale from their largest (`None` when they do not fit an `i128` there).
    fn of(cuts: &[(Decimal, u8)]) -> Option<ScaledCuts> {
        let scale = cuts.iter().map(|(d, _)| d.scale()).max().unwrap_or(0);
        let key = |d: Decimal, side: u8, s: u32| at_scale(d, s)?.checked_mul(2)?.checked_add(i128::from(side));
        let at = |s: u32| cuts.iter().map(|(d, side)| key(*d, *side, s)).collect::<Option<Box<[_]>>>();
        let by_scale: Box<[_]> = (scale..=MAX_SCALE.max(scale)).map(at).collect();
        by_scale.first()?.as_ref()?;
        Some(ScaledCuts { scale, by_scale })
    }

    /// The atom of `d`, as [`DecCuts::atom`] counts it (`None` when the cuts
    /// do not fit an `i128` at `d`'s scale, or `d` at theirs).
    #[inline]
    fn atom(&self, d: Decimal) -> Option<usize> {
        let (cuts, m) = match d.scale().checked_sub(self.scale) {
            Some(k) => (self.by_scale.get(usize::try_from(k).ok()?)?.as_ref()?, d.mantissa()),
            None => (self.by_scale.first()?.as_ref()?, at_scale(d, self.scale)?),
        };
        let key = m.checked_mul(2)?;
        Some(cuts.partition_point(|c| *c <= key))
    }
}

/// `d`'s mantissa at `scale` (at least its own).
fn at_scale(d: Decimal, scale: u32) -> Option<i128> {
    let up = scale.checked_sub(d.scale())?;
    d.mantissa().checked_mul(10i128.checked_pow(up)?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    fn dec(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

    fn cuts(items: &[(&str, u8)]) -> Vec<(Decimal, u8)> {
        items.iter().map(|(d, side)| (dec(d), *side)).collect()
    }

    /// The reference: the search over the decimals themselves.
    fn reference(cuts: &[(Decimal, u8)], d: Decimal) -> usize {
        cuts.partition_point(|c| *c <= (d, 0))
    }

    #[test]
    fn every_value_finds_the_atom_the_decimal_search_finds() {
        let cuts = cuts(&[("-1.5", 0), ("0", 0), ("0", 1), ("0.3", 0), ("0.7", 1), ("0.9", 1), ("2", 0), ("12.25", 1)]);
        let scaled = ScaledCuts::of(&cuts).unwrap();
        let located = DecCuts::new(cuts.clone());
        assert!(located.is_scaled());
        let third = Decimal::ONE / Decimal::from(3);
        let values = [
            "-2",
            "-1.5",
            "-1.49999999999999999999999999",
            "-0.0000001",
            "0",
            "0.00",
            "0.0000000000000000000000000001",
            "0.29999999999999999999999999",
            "0.3",
            "0.30",
            "0.3000000001",
            "0.7",
            "0.70000",
            "0.7000000000000000000000000001",
            "0.9",
            "1",
            "2",
            "2.0000000000000000000000000001",
            "12.25",
            "12.250",
            "12.2500000000000000000000001",
            "1000",
            "-79228162514264337593543950335",
            "79228162514264337593543950335",
        ];
        for v in values.iter().map(|s| dec(s)).chain([third, -third, third * Decimal::from(3)]) {
            assert_eq!(scaled.atom(v), Some(reference(&cuts, v)), "value {v}");
            assert_eq!(located.atom(v), reference(&cuts, v), "value {v}");
        }
    }

    #[test]
    fn a_value_too_wide_for_the_cuts_scale_is_left_to_the_atoms() {
        let small = cuts(&[("0.0000000001", 0)]);
        let scaled = ScaledCuts::of(&small).unwrap();
        assert_eq!(scaled.atom(dec("79228162514264337593543950335")), None);
        assert_eq!(scaled.atom(dec("0.00000000005")), Some(0));
        assert_eq!(scaled.atom(dec("0.0000000001")), Some(1));
        // A cut too large for the scale of a 28-digit value.
        let large = cuts(&[("10000000000000", 0)]);
        let scaled = ScaledCuts::of(&large).unwrap();
        assert_eq!(scaled.atom(dec("0.3333333333333333333333333333")), None);
        assert_eq!(scaled.atom(dec("10000000000000.5")), Some(1));
        // Where the mantissas give up, the decimals answer.
        assert_eq!(DecCuts::new(small).atom(dec("79228162514264337593543950335")), 1);
        assert_eq!(DecCuts::new(large).atom(dec("0.3333333333333333333333333333")), 0);
    }

    #[test]
    fn cuts_too_wide_for_their_own_scale_are_searched_as_decimals() {
        // The largest mantissa, brought up to the scale of a 28-digit cut, overflows an `i128`.
        let wide = cuts(&[("-79228162514264337593543950335", 0), ("0.0000000000000000000000000001", 1)]);
        assert_eq!(ScaledCuts::of(&wide), None);
        let located = DecCuts::new(wide.clone());
        assert!(!located.is_scaled());
        for v in ["-79228162514264337593543950335", "-1", "0", "0.0000000000000000000000000001", "1"] {
            assert_eq!(located.atom(dec(v)), reference(&wide, dec(v)), "value {v}");
        }
    }

    #[test]
    fn no_cuts_put_every_value_in_one_atom() {
        let located = DecCuts::new(Vec::new());
        assert!(located.is_scaled());
        assert_eq!(located.atom(dec("-79228162514264337593543950335")), 0);
        assert_eq!(located.atom(dec("0.0000000000000000000000000001")), 0);
    }
}
