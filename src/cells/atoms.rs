//! The atoms of one input: the coarsest split of its domain such that every
//! cell of a table (or every bin of a characteristic) holds each piece
//! entirely or not at all. A cell is then a set of atoms, an atom is tested
//! by one representative value, and proofs and lookups work over atoms.
//!
//! Numbers: the cells' interval ends, sorted, cut the line into elementary
//! intervals (and points, over decimals); enums and booleans: each member;
//! strings: each literal written, and one atom for every other string;
//! absence: one atom of its own.

use super::interval::{example_between, Cut};
use super::scaled::DecCuts;
use super::{date_of_day, day_number, Domain, DomainKind, Sample, StrSet, ValueSet, Values};
use crate::value::Val;
use rust_decimal::Decimal;
use std::collections::BTreeSet;
use std::sync::Arc;

/// How a value finds its atom at run time.
#[derive(Clone, Debug, PartialEq)]
pub enum Locator {
    /// Ints and days: atom `i` starts at `starts[i - 1]` (atom 0 at the domain's bottom).
    Ints { starts: Vec<i64>, dates: bool },
    /// Decimals: the interior cuts as `(value, 0 below / 1 above)`, sorted,
    /// searched as mantissas at one scale where they fit.
    Decs { cuts: DecCuts },
    /// Enum members and booleans: the atom is the member.
    Members,
    /// Strings: the literals, sorted; any other string is the atom after them.
    Strs { items: Vec<Arc<str>> },
}

/// One input's atoms: a representative of each, and how values find theirs.
#[derive(Clone, Debug, PartialEq)]
pub struct Atoms {
    /// A value of each atom, in atom order; absence last when the input is optional.
    pub samples: Vec<Sample>,
    /// Present values to atoms.
    pub locator: Locator,
    /// The atom of absence, for an optional input.
    pub absent: Option<usize>,
}

impl Atoms {
    /// Splits `domain` by the sets `cells` (each of this domain).
    pub fn of(domain: &Domain, cells: &[&ValueSet]) -> Atoms {
        let (mut samples, locator) = match domain.all_values() {
            Values::Ints(universe) => int_atoms(&universe, cells, matches!(domain.kind, DomainKind::Date)),
            Values::Decs(_) => dec_atoms(cells),
            Values::Bits(_) => member_atoms(domain),
            Values::Strs(_) => str_atoms(cells),
        };
        let absent = domain.optional.then(|| {
            samples.push(Sample::Absent);
            samples.len() - 1
        });
        Atoms { samples, locator, absent }
    }

    /// How many atoms.
    pub fn len(&self) -> usize {
        self.samples.len()
    }

    /// Whether there is none (never: a domain has at least one value).
    pub fn is_empty(&self) -> bool {
        self.samples.is_empty()
    }

    /// The atoms `cell` holds, lowest first: the atoms whose sample the cell
    /// contains, found by searching the atoms (each of a cell's intervals
    /// holds a run of them, each string or member one) instead of testing
    /// every atom against every cell, which made checking a table of 20,000
    /// rows take seconds.
    pub fn held_by(&self, cell: &ValueSet) -> Vec<usize> {
        let present = self.absent.unwrap_or(self.samples.len());
        let samples = self.samples.get(..present).unwrap_or_default();
        let searched = match (&cell.values, &self.locator) {
            (Values::Ints(set), Locator::Ints { .. }) => runs(samples, set.segments(), |s| match s {
                Sample::Int(i) => Some(*i),
                Sample::Date(d) => Some(day_number(*d)),
                _ => None,
            }),
            (Values::Decs(set), Locator::Decs { .. }) => {
                runs(samples, set.segments(), |s| if let Sample::Dec(d) = s { Some(*d) } else { None })
            }
            (Values::Bits(bits), Locator::Members) => Some(bits.members().filter(|m| *m < present).collect()),
            (Values::Strs(set), Locator::Strs { items }) => {
                let listed = set.items.iter().filter_map(|item| items.binary_search(item).ok());
                Some(if set.cofinite {
                    let listed: BTreeSet<usize> = listed.collect();
                    (0..present).filter(|a| !listed.contains(a)).collect()
                } else {
                    listed.collect()
                })
            }
            _ => None,
        };
        // Any other pairing (none is built) is tested atom by atom, as before.
        let mut held = searched.unwrap_or_else(|| {
            (0..present).filter(|a| samples.get(*a).is_some_and(|s| cell.contains_sample(s))).collect()
        });
        if let (true, Some(absent)) = (cell.absent, self.absent) {
            held.push(absent);
        }
        held
    }

    /// The atom of a value (`None` for a value of another type).
    #[inline]
    pub fn locate(&self, v: Val<'_>) -> Option<usize> {
        match (&self.locator, v) {
            (_, Val::None) => self.absent,
            (_, Val::Int(i)) => self.locate_int(i),
            (_, Val::Dec(d)) => self.locate_dec(d),
            (_, Val::Date(d)) => self.locate_date(d),
            (Locator::Members, Val::Enum(e)) => Some(e as usize),
            (Locator::Members, Val::Bool(b)) => Some(usize::from(b)),
            (Locator::Strs { items }, Val::Str(s)) => {
                Some(items.binary_search_by(|probe| probe.as_ref().cmp(s)).unwrap_or(items.len()))
            }
            _ => None,
        }
    }

    /// The atom of a whole number, as [`Atoms::locate`] finds it: typed,
    /// so that a table's int input is never wrapped in a `Val` to be matched
    /// again (the lowered code knows each input's type).
    #[inline]
    pub fn locate_int(&self, i: i64) -> Option<usize> {
        match &self.locator {
            Locator::Ints { starts, .. } => Some(starts.partition_point(|s| *s <= i)),
            Locator::Decs { cuts } => Some(cuts.atom(Decimal::from(i))),
            _ => None,
        }
    }

    /// The atom of a decimal, as [`Atoms::locate`] finds it.
    #[inline]
    pub fn locate_dec(&self, d: Decimal) -> Option<usize> {
        match &self.locator {
            Locator::Decs { cuts } => Some(cuts.atom(d)),
            _ => None,
        }
    }

    /// The atom of a date, as [`Atoms::locate`] finds it.
    #[inline]
    pub fn locate_date(&self, d: crate::value::Date) -> Option<usize> {
        match &self.locator {
            Locator::Ints { starts, .. } => {
                let day = day_number(d);
                Some(starts.partition_point(|s| *s <= day))
            }
            _ => None,
        }
    }
}

/// The atoms (their samples ascending, each read by `value`) inside the
/// segments: a run of atoms per segment, found by two binary searches.
/// `None` if a sample is not of the segments' type.
fn runs<T: super::interval::Point>(
    samples: &[Sample],
    segments: &[(Cut<T>, Cut<T>)],
    value: impl Fn(&Sample) -> Option<T>,
) -> Option<Vec<usize>> {
    let mut mismatch = false;
    let mut read = |s: &Sample| {
        let v = value(s);
        mismatch |= v.is_none();
        v
    };
    let mut held = Vec::new();
    for (lo, hi) in segments {
        let start = samples.partition_point(|s| read(s).is_some_and(|v| *lo > Cut::Below(v)));
        let end = samples.partition_point(|s| read(s).is_some_and(|v| Cut::Above(v) <= *hi));
        held.extend(start..end.max(start));
    }
    (!mismatch).then_some(held)
}

fn int_atoms(universe: &super::IntervalSet<i64>, cells: &[&ValueSet], dates: bool) -> (Vec<Sample>, Locator) {
    let (lo, hi) = universe.segments().first().copied().unwrap_or((Cut::NegInf, Cut::PosInf));
    let mut cuts = BTreeSet::new();
    for cell in cells {
        if let Values::Ints(set) = &cell.values {
            for (a, b) in set.segments() {
                cuts.extend([*a, *b].into_iter().filter(|c| lo < *c && *c < hi));
            }
        }
    }
    // Over whole numbers every interior cut is `below v` (cuts are normal).
    let starts: Vec<i64> = cuts.iter().filter_map(|c| if let Cut::Below(v) = c { Some(*v) } else { None }).collect();
    let bounds: Vec<Cut<i64>> = std::iter::once(lo).chain(starts.iter().map(|s| Cut::Below(*s))).chain([hi]).collect();
    let samples = bounds
        .windows(2)
        .filter_map(|w| match w {
            [a, b] => example_between(*a, *b),
            _ => None,
        })
        .map(|v| if dates { date_of_day(v).map_or(Sample::Int(v), Sample::Date) } else { Sample::Int(v) })
        .collect();
    (samples, Locator::Ints { starts, dates })
}

fn dec_atoms(cells: &[&ValueSet]) -> (Vec<Sample>, Locator) {
    let mut cuts = BTreeSet::new();
    for cell in cells {
        if let Values::Decs(set) = &cell.values {
            for (a, b) in set.segments() {
                cuts.extend([*a, *b].into_iter().filter(|c| !matches!(c, Cut::NegInf | Cut::PosInf)));
            }
        }
    }
    let bounds: Vec<Cut<Decimal>> =
        std::iter::once(Cut::NegInf).chain(cuts.iter().copied()).chain([Cut::PosInf]).collect();
    let samples =
        bounds.windows(2).filter_map(|w| if let [a, b] = w { example_between(*a, *b) } else { None }).map(Sample::Dec);
    let keys = cuts
        .iter()
        .filter_map(|c| match c {
            Cut::Below(v) => Some((*v, 0)),
            Cut::Above(v) => Some((*v, 1)),
            _ => None,
        })
        .collect();
    (samples.collect(), Locator::Decs { cuts: DecCuts::new(keys) })
}

fn member_atoms(domain: &Domain) -> (Vec<Sample>, Locator) {
    let samples = match &domain.kind {
        DomainKind::Enum(members) => {
            (0..members.len()).filter_map(|i| u32::try_from(i).ok()).map(Sample::Enum).collect()
        }
        _ => vec![Sample::Bool(false), Sample::Bool(true)],
    };
    (samples, Locator::Members)
}

fn str_atoms(cells: &[&ValueSet]) -> (Vec<Sample>, Locator) {
    let mut items = BTreeSet::new();
    for cell in cells {
        if let Values::Strs(set) = &cell.values {
            items.extend(set.items.iter().cloned());
        }
    }
    let other = StrSet { items: items.clone(), cofinite: true }.example();
    let items: Vec<Arc<str>> = items.into_iter().collect();
    let samples = items.iter().cloned().map(Sample::Str).chain(other.map(Sample::Str)).collect();
    (samples, Locator::Strs { items })
}
