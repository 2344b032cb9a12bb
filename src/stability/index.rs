//! The arithmetic of population stability: bands at a baseline's deciles,
//! counts per band or bin, and the stability index of two distributions,
//!
//! ```text
//! index = Σ (actual% − expected%) × ln(actual% / expected%)
//! ```
//!
//! called PSI over a score's bands and CSI over a characteristic's bins. The
//! shares are exact decimals (counts divided in `rust_decimal`, 28 digits);
//! only the logarithm is approximated, by `rust_decimal`'s series, which the
//! tests hold to within 1e-12 of Python's `math.log` on the shares that occur.
//! The index is reported to 4 decimal places, far above that error.

use rust_decimal::{Decimal, MathematicalOps, RoundingStrategy};

/// The share an empty band or bin counts as, so that its logarithm is finite
/// (the usual practice: 0.01%). Bands and bins empty in both portfolios add nothing.
pub const EMPTY_SHARE: Decimal = Decimal::from_parts(1, 0, 0, false, 4);

/// The index from which a distribution has shifted enough to watch.
pub const WATCH: Decimal = Decimal::from_parts(1, 0, 0, false, 1);

/// The index from which a distribution has shifted enough to act on.
pub const SHIFT: Decimal = Decimal::from_parts(25, 0, 0, false, 2);

/// How far a distribution has moved, by the usual thresholds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Flag {
    /// Below 0.1: no significant change.
    Stable,
    /// From 0.1 to below 0.25: a moderate shift, worth watching.
    Watch,
    /// 0.25 or more: a significant shift; the scorecard needs a review.
    Shift,
}

impl Flag {
    /// The flag an index gets.
    pub fn of(index: Decimal) -> Flag {
        if index >= SHIFT {
            Flag::Shift
        } else if index >= WATCH {
            Flag::Watch
        } else {
            Flag::Stable
        }
    }

    /// Its name in reports.
    pub fn name(self) -> &'static str {
        match self {
            Flag::Stable => "stable",
            Flag::Watch => "watch",
            Flag::Shift => "shift",
        }
    }
}

/// One band's or bin's part of an index.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Term {
    /// Baseline accounts in it.
    pub expected_count: u64,
    /// Current accounts in it.
    pub actual_count: u64,
    /// Its share of the baseline.
    pub expected_share: Decimal,
    /// Its share of the current portfolio.
    pub actual_share: Decimal,
    /// `(actual − expected) × ln(actual / expected)`, never negative.
    pub contribution: Decimal,
}

/// A stability index and its terms.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StabilityIndex {
    /// The sum of the terms' contributions, to 4 decimal places (more just
    /// under a threshold, so that it reads under it).
    pub value: Decimal,
    /// Its flag.
    pub flag: Flag,
    /// One per band or bin, in order.
    pub terms: Vec<Term>,
}

/// The cut points of bands at the deciles of `baseline`: band 1 holds the
/// scores below the first cut, band k the scores from cut k−1 up to (not
/// including) cut k, the last band the rest. A cut is the score at sorted
/// position ⌊k·n/10⌋ (k = 1..9); repeated cuts and a cut at the lowest score
/// are dropped, so ties make fewer bands and every band holds a baseline score.
pub fn decile_cuts(baseline: &[Decimal]) -> Vec<Decimal> {
    let mut sorted = baseline.to_vec();
    sorted.sort_unstable();
    let Some(&lowest) = sorted.first() else { return Vec::new() };
    let mut cuts: Vec<Decimal> = Vec::with_capacity(9);
    for k in 1..10 {
        let Some(&cut) = sorted.get(k * sorted.len() / 10) else { continue };
        if cut > lowest && cuts.last() != Some(&cut) {
            cuts.push(cut);
        }
    }
    cuts
}

/// The band a score falls in (0-based), for `cuts` from [`decile_cuts`].
pub fn band(cuts: &[Decimal], score: Decimal) -> usize {
    cuts.partition_point(|&cut| cut <= score)
}

/// How many scores fall in each of the `cuts.len() + 1` bands.
pub fn band_counts(cuts: &[Decimal], scores: &[Decimal]) -> Vec<u64> {
    let mut counts = vec![0; cuts.len() + 1];
    for &score in scores {
        if let Some(count) = counts.get_mut(band(cuts, score)) {
            *count += 1;
        }
    }
    counts
}

/// The stability index of `actual` counts against `expected` counts, band by
/// band (or bin by bin); `None` when either portfolio is empty or the two
/// have different numbers of bands.
pub fn stability_index(expected: &[u64], actual: &[u64]) -> Option<StabilityIndex> {
    if expected.len() != actual.len() {
        return None;
    }
    let expected_total: u64 = expected.iter().sum();
    let actual_total: u64 = actual.iter().sum();
    if expected_total == 0 || actual_total == 0 {
        return None;
    }
    let mut terms = Vec::with_capacity(expected.len());
    let mut sum = Decimal::ZERO;
    for (&e, &a) in expected.iter().zip(actual) {
        let expected_share = share(e, expected_total)?;
        let actual_share = share(a, actual_total)?;
        let contribution = contribution(e, a, expected_share, actual_share)?;
        sum = sum.checked_add(contribution)?;
        terms.push(Term { expected_count: e, actual_count: a, expected_share, actual_share, contribution });
    }
    Some(StabilityIndex { value: shown(sum), flag: Flag::of(sum), terms })
}

/// An index as reported: to 4 decimal places, or as many more as it takes
/// for the value shown to fall on the same side of the thresholds as the
/// exact one. 0.099959 rounded to 0.1 beside `stable` would contradict
/// itself (and flagged from its rounding, `watch`, it would flag what is
/// under the threshold); it reads 0.09996.
fn shown(index: Decimal) -> Decimal {
    (4..=12)
        .map(|places| crate::value::round_half_away(index, places))
        .find(|rounded| Flag::of(*rounded) == Flag::of(index))
        .unwrap_or_else(|| index.round_dp_with_strategy(12, RoundingStrategy::ToZero).normalize())
}

/// `count / total`, exactly to 28 digits.
fn share(count: u64, total: u64) -> Option<Decimal> {
    Decimal::from(count).checked_div(Decimal::from(total))
}

fn contribution(expected: u64, actual: u64, expected_share: Decimal, actual_share: Decimal) -> Option<Decimal> {
    if expected == 0 && actual == 0 {
        return Some(Decimal::ZERO);
    }
    let e = if expected == 0 { EMPTY_SHARE } else { expected_share };
    let a = if actual == 0 { EMPTY_SHARE } else { actual_share };
    let ratio = a.checked_div(e)?;
    let ln = if ratio == Decimal::ONE { Decimal::ZERO } else { ratio.checked_ln()? };
    a.checked_sub(e)?.checked_mul(ln)
}

#[cfg(test)]
#[path = "index_tests.rs"]
mod tests;
