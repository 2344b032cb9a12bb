//! Sets of numbers as sorted, disjoint intervals, exactly: over whole numbers
//! (ints, and dates as day numbers) and over exact decimals.
//!
//! An interval is a pair of *cuts*: a cut lies just below or just above a
//! value, so `[a, b)` is the cuts `below a` and `below b`, and whether an end
//! is open or closed is part of the cut. Over whole numbers the cut just
//! above `v` is the cut just below `v + 1`, so `[1, 15]` and `[16, 30]` meet
//! with no gap; over decimals `(0, 1)` and `(1, 2)` leave `1` between them.

use rust_decimal::Decimal;
use std::cmp::Ordering;

/// A number an interval set can hold.
pub trait Point: Copy + Ord + std::fmt::Debug {
    /// Whether between two values there are only finitely many (ints, days).
    const DISCRETE: bool;
    /// The next value (discrete points only; `None` at the top).
    fn succ(self) -> Option<Self>;
    /// A value below `self`, as close as reads well (`v - 1`).
    fn below(self) -> Option<Self>;
    /// A value above `self` (`v + 1`).
    fn above(self) -> Option<Self>;
    /// A value strictly between two (dense points only).
    fn between(self, other: Self) -> Option<Self>;
    /// The value an unbounded set offers as its example.
    fn zero() -> Self;
}

impl Point for i64 {
    const DISCRETE: bool = true;
    fn succ(self) -> Option<Self> {
        self.checked_add(1)
    }
    fn below(self) -> Option<Self> {
        self.checked_sub(1)
    }
    fn above(self) -> Option<Self> {
        self.checked_add(1)
    }
    fn between(self, other: Self) -> Option<Self> {
        (self.checked_add(1)? < other).then(|| self + (other - self) / 2)
    }
    fn zero() -> Self {
        0
    }
}

impl Point for Decimal {
    const DISCRETE: bool = false;
    fn succ(self) -> Option<Self> {
        None
    }
    fn below(self) -> Option<Self> {
        self.checked_sub(Decimal::ONE)
    }
    fn above(self) -> Option<Self> {
        self.checked_add(Decimal::ONE)
    }
    fn between(self, other: Self) -> Option<Self> {
        let two = Decimal::TWO;
        let mid = self.checked_div(two)?.checked_add(other.checked_div(two)?)?.normalize();
        (self < mid && mid < other).then_some(mid)
    }
    fn zero() -> Self {
        Decimal::ZERO
    }
}

/// A place between values: the ends of intervals.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Cut<T> {
    /// Below every value.
    NegInf,
    /// Just below a value (it is on the upper side).
    Below(T),
    /// Just above a value (it is on the lower side).
    Above(T),
    /// Above every value.
    PosInf,
}

impl<T: Point> Cut<T> {
    /// The same cut written the one way a discrete set writes it: `above v` as `below v + 1`.
    fn normal(self) -> Self {
        match self {
            Cut::Above(v) if T::DISCRETE => v.succ().map_or(Cut::PosInf, Cut::Below),
            c => c,
        }
    }
    fn rank(self) -> (u8, Option<(T, u8)>) {
        match self {
            Cut::NegInf => (0, None),
            Cut::Below(v) => (1, Some((v, 0))),
            Cut::Above(v) => (1, Some((v, 1))),
            Cut::PosInf => (2, None),
        }
    }
}

impl<T: Point> PartialOrd for Cut<T> {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl<T: Point> Ord for Cut<T> {
    fn cmp(&self, other: &Self) -> Ordering {
        self.normal().rank().cmp(&other.normal().rank())
    }
}

/// A set of numbers: sorted intervals `[lo, hi)` in cuts, disjoint and not
/// touching (so two equal sets have equal representations).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IntervalSet<T> {
    // INVARIANT: each `lo < hi`; for consecutive intervals `hi < next lo`;
    // every cut is in its `normal` form.
    segments: Vec<(Cut<T>, Cut<T>)>,
}

impl<T: Point> IntervalSet<T> {
    /// No value.
    pub fn empty() -> Self {
        IntervalSet { segments: Vec::new() }
    }

    /// Every value.
    pub fn all() -> Self {
        IntervalSet { segments: vec![(Cut::NegInf, Cut::PosInf)] }
    }

    /// The values between two cuts (none if `lo >= hi`).
    pub fn between(lo: Cut<T>, hi: Cut<T>) -> Self {
        Self::normalized(vec![(lo, hi)])
    }

    /// One value.
    pub fn point(v: T) -> Self {
        Self::between(Cut::Below(v), Cut::Above(v))
    }

    fn normalized(mut segments: Vec<(Cut<T>, Cut<T>)>) -> Self {
        segments.retain(|(lo, hi)| lo < hi);
        segments.sort_by_key(|a| a.0);
        let mut out: Vec<(Cut<T>, Cut<T>)> = Vec::with_capacity(segments.len());
        for (lo, hi) in segments {
            let (lo, hi) = (lo.normal(), hi.normal());
            match out.last_mut() {
                // Overlapping or touching (`hi` of one is the `lo` of the next): one interval.
                Some(last) if lo <= last.1 => last.1 = last.1.max(hi),
                _ => out.push((lo, hi)),
            }
        }
        IntervalSet { segments: out }
    }

    /// Whether it holds no value.
    pub fn is_empty(&self) -> bool {
        self.segments.is_empty()
    }

    /// Its intervals, as cuts.
    pub fn segments(&self) -> &[(Cut<T>, Cut<T>)] {
        &self.segments
    }

    /// Whether it holds `v`.
    pub fn contains(&self, v: T) -> bool {
        let (at_lo, at_hi) = (Cut::Below(v), Cut::Above(v));
        self.segments.iter().any(|(lo, hi)| *lo <= at_lo && at_hi <= *hi)
    }

    /// The values in either.
    pub fn union(&self, other: &Self) -> Self {
        Self::normalized(self.segments.iter().chain(&other.segments).copied().collect())
    }

    /// The values in both.
    pub fn intersect(&self, other: &Self) -> Self {
        let mut out = Vec::new();
        for (a_lo, a_hi) in &self.segments {
            for (b_lo, b_hi) in &other.segments {
                out.push(((*a_lo).max(*b_lo), (*a_hi).min(*b_hi)));
            }
        }
        Self::normalized(out)
    }

    /// The values not in it.
    pub fn complement(&self) -> Self {
        let mut out = Vec::with_capacity(self.segments.len() + 1);
        let mut from = Cut::NegInf;
        for (lo, hi) in &self.segments {
            out.push((from, *lo));
            from = *hi;
        }
        out.push((from, Cut::PosInf));
        Self::normalized(out)
    }

    /// The values in it and not in `other`.
    pub fn minus(&self, other: &Self) -> Self {
        self.intersect(&other.complement())
    }

    /// A value it holds, as a person would pick one: the lowest value when
    /// there is one, else the highest, else a value in the middle.
    pub fn example(&self) -> Option<T> {
        let (lo, hi) = self.segments.first()?;
        example_between(*lo, *hi)
    }
}

/// A value between two cuts (`lo < hi`), preferring the ends.
pub fn example_between<T: Point>(lo: Cut<T>, hi: Cut<T>) -> Option<T> {
    match (lo, hi) {
        (Cut::Below(v), _) => Some(v),
        (Cut::NegInf, Cut::Above(v)) => Some(v),
        (Cut::NegInf, Cut::Below(v)) => v.below(),
        (Cut::NegInf, _) => Some(T::zero()),
        (Cut::Above(v), Cut::Above(w)) if v < w => Some(w),
        (Cut::Above(v), Cut::Below(w)) => v.between(w),
        (Cut::Above(v), Cut::PosInf) => v.above(),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ints(lo: Cut<i64>, hi: Cut<i64>) -> IntervalSet<i64> {
        IntervalSet::between(lo, hi)
    }

    #[test]
    fn whole_numbers_meet_without_a_gap() {
        let a = ints(Cut::Below(1), Cut::Above(15));
        let b = ints(Cut::Below(16), Cut::Above(30));
        assert_eq!(a.union(&b), ints(Cut::Below(1), Cut::Above(30)));
        assert!(a.intersect(&b).is_empty());
        let gap = ints(Cut::Below(1), Cut::Above(30)).minus(&a.union(&b));
        assert!(gap.is_empty());
    }

    #[test]
    fn decimals_keep_the_point_between_open_ends() {
        let a = IntervalSet::between(Cut::Above(Decimal::ZERO), Cut::Below(Decimal::ONE));
        let b = IntervalSet::between(Cut::Above(Decimal::ONE), Cut::Below(Decimal::TWO));
        let gap = IntervalSet::between(Cut::Above(Decimal::ZERO), Cut::Below(Decimal::TWO)).minus(&a.union(&b));
        assert_eq!(gap, IntervalSet::point(Decimal::ONE));
        assert_eq!(gap.example(), Some(Decimal::ONE));
    }

    #[test]
    fn complement_and_examples() {
        let below_600 = ints(Cut::NegInf, Cut::Below(600));
        assert_eq!(below_600.example(), Some(599));
        let rest = below_600.complement();
        assert_eq!(rest, ints(Cut::Below(600), Cut::PosInf));
        assert_eq!(rest.example(), Some(600));
        assert_eq!(IntervalSet::<i64>::all().example(), Some(0));
        assert!(below_600.union(&rest) == IntervalSet::all());
        let empty = ints(Cut::Below(740), Cut::Below(680));
        assert!(empty.is_empty());
        let open_point = IntervalSet::between(Cut::Above(Decimal::from(5)), Cut::Below(Decimal::from(5)));
        assert!(open_point.is_empty());
        let mid = IntervalSet::between(Cut::Above(Decimal::ONE), Cut::Below(Decimal::TWO));
        assert_eq!(mid.example(), Some(Decimal::new(15, 1)));
    }

    #[test]
    fn ne_is_two_intervals_and_contains_agrees() {
        let five = IntervalSet::point(5i64);
        let not_five = five.complement();
        assert_eq!(not_five.segments().len(), 2);
        for v in -3..10 {
            assert_eq!(not_five.contains(v), v != 5);
            assert_eq!(five.contains(v), v == 5);
        }
        assert!(not_five.contains(i64::MIN) && not_five.contains(i64::MAX));
    }

    #[test]
    fn extremes_do_not_overflow() {
        let top = IntervalSet::between(Cut::Below(i64::MAX), Cut::Above(i64::MAX));
        assert!(top.contains(i64::MAX));
        assert_eq!(top.complement().example(), Some(i64::MAX - 1));
    }
}
