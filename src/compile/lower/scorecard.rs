//! Lowering a scorecard: each characteristic's input lowered by its type,
//! and its bins turned into a table from the input's atoms to points (and
//! to points lost, for `reasons from`), so that scoring an account is, per
//! characteristic, a typed read, a search over a few precomputed
//! boundaries and one add, in an `i64` for an int scorecard and in an exact
//! `Decimal` otherwise. Nothing of the bins' cells is read at run time.
//!
//! Int and date inputs get their boundaries as plain `i64`s (dates as day
//! numbers), with neighbouring atoms of equal points merged; other inputs
//! keep their atoms' locator (`cells::atoms`).

use super::{lower_date, lower_dec, lower_int, lower_opt, DateCode, DecCode, IntCode, OptCode};
use crate::cells::atoms::{Atoms, Locator};
use crate::ir::scorecard::{TCharacteristic, TScorecard};
use crate::ir::{Base, Ty};
use rust_decimal::Decimal;
use std::sync::Arc;

/// Points as a scorecard adds them: `i64` for an int scorecard, `Decimal` otherwise.
pub trait Points: Copy + Ord + std::fmt::Debug + PartialEq {
    /// No points (a characteristic that lost nothing).
    const ZERO: Self;
    /// A checked point value in this type (`None`: it does not fit, and the
    /// scorecard stays with the interpreter).
    fn of(d: Decimal) -> Option<Self>;
    /// `a - b`, when it fits.
    fn minus(a: Self, b: Self) -> Option<Self>;
}

impl Points for i64 {
    const ZERO: Self = 0;
    fn of(d: Decimal) -> Option<Self> {
        // Only whole numbers written without a fraction: their sum in an i64
        // is the interpreter's sum in a Decimal, exactly.
        if d.scale() != 0 {
            return None;
        }
        i64::try_from(d).ok()
    }
    fn minus(a: Self, b: Self) -> Option<Self> {
        a.checked_sub(b)
    }
}

impl Points for Decimal {
    const ZERO: Self = Decimal::ZERO;
    fn of(d: Decimal) -> Option<Self> {
        Some(d)
    }
    fn minus(a: Self, b: Self) -> Option<Self> {
        crate::ir::exact::sub(a, b)
    }
}

/// A scorecard, lowered.
#[derive(Clone, Debug, PartialEq)]
pub struct ScoreCode<P> {
    /// The scorecard's `let`, as decisions name it (shared, not copied per account).
    pub name: Arc<str>,
    /// Base points.
    pub base: P,
    /// The characteristics, in declaration order (the order points are added in).
    pub characteristics: Vec<CharCode<P>>,
    /// The checked scorecard, for a value that finds no atom (bin by bin, as
    /// the interpreter does) and for the reason codes.
    pub card: Box<TScorecard>,
}

/// One characteristic, lowered.
#[derive(Clone, Debug, PartialEq)]
pub struct CharCode<P> {
    /// Its input, typed.
    pub input: Input,
    /// How a value finds its atom.
    pub search: Search,
    /// Each atom's points.
    pub points: Box<[P]>,
    /// Each atom's points lost (the characteristic's best points minus the atom's).
    pub lost: Box<[P]>,
    /// The atom of absence, for an optional input.
    pub absent: Option<usize>,
}

/// A characteristic's input.
#[derive(Clone, Debug, PartialEq)]
pub enum Input {
    /// An int that is never absent.
    Int(IntCode),
    /// A decimal that is never absent.
    Dec(DecCode),
    /// A date that is never absent.
    Date(DateCode),
    /// Anything else (an enum, a bool, a string, an optional value).
    Value(OptCode),
}

/// How a value finds its atom.
#[derive(Clone, Debug, PartialEq)]
pub enum Search {
    /// Ints and dates (as day numbers): the atom is the number of
    /// boundaries at or below the value. INVARIANT: sorted, no duplicates.
    Ints(Box<[i64]>),
    /// Any other input: its atoms' locator (a decimal input's cuts searched
    /// as mantissas at one scale: `cells::scaled`).
    Atoms(Atoms),
}

/// Boundaries up to which [`atom_of`] counts instead of searching.
///
/// Why: with the values of a book scattered over the bins, a binary search
/// mispredicts about one branch in two, while the count is branch-free (the
/// compiler vectorises it). Measured with `cargo bench --bench scorecard`
/// (50 characteristics of 6 bins, i.e. 5 boundaries, values spread
/// uniformly; the RATIO line's engine time, three runs of each build one
/// after the other): counting 723–746 ns per account, `partition_point`
/// 763–776 ns, i.e. about 0.8 ns saved per characteristic. The count grows
/// linearly and the search logarithmically; 16 boundaries (16 compares
/// against 4 steps) is where the count stops being the cheaper one by
/// that reckoning, not by a measurement.
pub const COUNT_UP_TO: usize = 16;

/// The atom of `v`: how many of the sorted `starts` are at or below it.
#[inline]
pub fn atom_of(starts: &[i64], v: i64) -> usize {
    if starts.len() <= COUNT_UP_TO {
        starts.iter().map(|s| usize::from(*s <= v)).sum()
    } else {
        starts.partition_point(|s| *s <= v)
    }
}

impl<P: Points> CharCode<P> {
    /// The points and points lost of atom `atom`.
    #[inline]
    pub fn at(&self, atom: usize) -> Option<(P, P)> {
        Some((*self.points.get(atom)?, *self.lost.get(atom)?))
    }

    /// The atom of a value (`None`: a value of another type, which the
    /// interpreter then matches bin by bin).
    #[inline]
    pub fn locate(&self, v: crate::value::Val<'_>) -> Option<usize> {
        use crate::value::Val;
        match (&self.search, v) {
            (_, Val::None) => self.absent,
            (Search::Ints(starts), Val::Int(i)) => Some(atom_of(starts, i)),
            (Search::Ints(starts), Val::Date(d)) => Some(atom_of(starts, crate::cells::day_number(d))),
            (Search::Atoms(atoms), v) => atoms.locate(v),
            (Search::Ints(_), _) => None,
        }
    }
}

/// Lowers a scorecard whose points all fit `P`; `None` leaves it to the interpreter.
pub fn lower<P: Points>(name: &str, card: &TScorecard) -> Option<ScoreCode<P>> {
    let base = P::of(card.base)?;
    let characteristics = card.characteristics.iter().map(characteristic).collect::<Option<Vec<_>>>()?;
    Some(ScoreCode { name: name.into(), base, characteristics, card: Box::new(card.clone()) })
}

fn characteristic<P: Points>(c: &TCharacteristic) -> Option<CharCode<P>> {
    let best = P::of(c.best)?;
    // Each atom's points; an atom without a bin (never, once `check` has
    // proved the bins complete) keeps the characteristic with the interpreter.
    let points = c
        .atom_bin
        .iter()
        .map(|b| c.bins.get(usize::try_from(*b).ok()?).and_then(|b| P::of(b.points)))
        .collect::<Option<Vec<P>>>()?;
    let input = lower_input(&c.input.ty, &c.input);
    let (search, points) = match &c.atoms.locator {
        Locator::Ints { starts, .. } => merged(starts, &points, c.atoms.absent),
        _ => (Search::Atoms(c.atoms.clone()), points),
    };
    let absent = match &search {
        Search::Ints(starts) => c.atoms.absent.map(|_| starts.len() + 1),
        Search::Atoms(atoms) => atoms.absent,
    };
    let lost = points.iter().map(|p| P::minus(best, *p)).collect::<Option<Vec<P>>>()?;
    Some(CharCode { input, search, points: points.into(), lost: lost.into(), absent })
}

/// Int boundaries with neighbouring atoms of equal points merged: fewer
/// boundaries to count. The atom of absence, if any, comes last.
fn merged<P: Points>(starts: &[i64], points: &[P], absent: Option<usize>) -> (Search, Vec<P>) {
    let present = points.get(..starts.len() + 1).unwrap_or(points);
    let mut kept_starts = Vec::with_capacity(starts.len());
    let mut kept_points: Vec<P> = present.first().copied().into_iter().collect();
    for (start, p) in starts.iter().zip(present.iter().skip(1)) {
        if kept_points.last() != Some(p) {
            kept_starts.push(*start);
            kept_points.push(*p);
        }
    }
    if let Some(p) = absent.and_then(|a| points.get(a)) {
        kept_points.push(*p);
    }
    (Search::Ints(kept_starts.into()), kept_points)
}

/// An input lowered by its type (a table's input too).
pub(super) fn lower_input(ty: &Ty, e: &crate::ir::TExpr) -> Input {
    match ty {
        Ty { optional: false, base: Base::Int } => Input::Int(lower_int(e)),
        Ty { optional: false, base: Base::Dec } => Input::Dec(lower_dec(e)),
        Ty { optional: false, base: Base::Date } => Input::Date(lower_date(e)),
        _ => Input::Value(lower_opt(e)),
    }
}
