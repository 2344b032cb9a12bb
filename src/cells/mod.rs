//! Cells as sets of values, exactly: what a decision-table cell (or a
//! scorecard bin) matches, the algebra `check` proves tables with, and the
//! matcher evaluation runs.
//!
//! Each input has a [`Domain`] (what values its type allows); a checked cell
//! is a [`ValueSet`] over it. Numbers are [`IntervalSet`]s (ints and dates
//! over whole numbers and days, decimals and money over exact decimals),
//! enum members and booleans bitsets, strings a finite set of literals or
//! everything but one, and absence a point of its own.

pub mod analysis;
pub mod atoms;
pub mod dense;
pub mod interval;
pub mod lookup;
pub mod scaled;

pub use interval::{Cut, IntervalSet};

use crate::value::{Date, Val};
use chrono::Datelike;
use rust_decimal::Decimal;
use std::collections::BTreeSet;
use std::sync::Arc;

/// The values an input's type allows.
#[derive(Clone, Debug, PartialEq)]
pub struct Domain {
    /// The kind of value.
    pub kind: DomainKind,
    /// Whether the input may be absent (`none`).
    pub optional: bool,
}

/// The kinds of input a cell can test.
#[derive(Clone, Debug, PartialEq)]
pub enum DomainKind {
    /// Whole numbers; `non_negative` for `count(...)` and `len(...)`.
    Int { non_negative: bool },
    /// Exact decimals (`decimal`, `money`).
    Dec,
    /// Dates, reasoned over as whole days.
    Date,
    /// Members of an enum, by index.
    Enum(Arc<[Box<str>]>),
    /// `true` and `false`.
    Bool,
    /// Strings.
    Str,
}

/// A set of enum members (or booleans: `false` is 0, `true` is 1), by index.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Bits {
    words: Vec<u64>,
    len: usize,
}

impl Bits {
    /// No member of `len`.
    pub fn none(len: usize) -> Self {
        Bits { words: vec![0; len.div_ceil(64)], len }
    }
    /// Every member of `len`.
    pub fn all(len: usize) -> Self {
        Bits::none(len).complement()
    }
    /// Adds member `i` (ignored past the end).
    pub fn insert(&mut self, i: usize) {
        if i < self.len {
            if let Some(w) = self.words.get_mut(i / 64) {
                *w |= 1 << (i % 64);
            }
        }
    }
    /// Whether member `i` is in.
    pub fn contains(&self, i: usize) -> bool {
        self.words.get(i / 64).is_some_and(|w| w & (1 << (i % 64)) != 0)
    }
    fn zip(&self, other: &Self, f: impl Fn(u64, u64) -> u64) -> Self {
        let words = self.words.iter().zip(&other.words).map(|(a, b)| f(*a, *b)).collect();
        Bits { words, len: self.len.min(other.len) }
    }
    /// Members in both.
    pub fn intersect(&self, other: &Self) -> Self {
        self.zip(other, |a, b| a & b)
    }
    /// Members in either.
    pub fn union(&self, other: &Self) -> Self {
        self.zip(other, |a, b| a | b)
    }
    /// Members not in it.
    pub fn complement(&self) -> Self {
        let mut out = Bits { words: self.words.iter().map(|w| !w).collect(), len: self.len };
        let extra = out.words.len() * 64 - self.len;
        if let Some(last) = out.words.last_mut() {
            *last &= u64::MAX.checked_shr(extra as u32).unwrap_or(0);
        }
        out
    }
    /// The lowest member in it.
    pub fn first(&self) -> Option<usize> {
        self.words.iter().enumerate().find(|(_, w)| **w != 0).map(|(i, w)| i * 64 + w.trailing_zeros() as usize)
    }
    /// Its members, lowest first.
    pub fn members(&self) -> impl Iterator<Item = usize> + '_ {
        self.words.iter().enumerate().flat_map(|(i, &word)| {
            let mut rest = word;
            std::iter::from_fn(move || {
                (rest != 0).then(|| {
                    let bit = rest.trailing_zeros() as usize;
                    rest &= rest - 1;
                    i * 64 + bit
                })
            })
        })
    }
    /// How many members it could hold.
    pub fn len(&self) -> usize {
        self.len
    }
    /// The words it is stored in (its length over 64, rounded up).
    pub fn word_count(&self) -> usize {
        self.words.len()
    }
    /// Whether it is empty.
    pub fn is_empty(&self) -> bool {
        self.words.iter().all(|w| *w == 0)
    }
}

/// A set of strings: finitely many, or every string but finitely many.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StrSet {
    /// The strings listed.
    pub items: BTreeSet<Arc<str>>,
    /// The set is every string *but* `items`.
    pub cofinite: bool,
}

impl StrSet {
    fn ops(&self, other: &Self, both: bool) -> Self {
        // De Morgan over (items, cofinite): intersection when `both`, else union.
        let (a, b) = (&self.items, &other.items);
        let (items, cofinite) = match (self.cofinite, other.cofinite, both) {
            (false, false, true) => (a.intersection(b).cloned().collect(), false),
            (false, false, false) => (a.union(b).cloned().collect(), false),
            (true, true, true) => (a.union(b).cloned().collect(), true),
            (true, true, false) => (a.intersection(b).cloned().collect(), true),
            (false, true, true) => (a.difference(b).cloned().collect(), false),
            (true, false, true) => (b.difference(a).cloned().collect(), false),
            (false, true, false) => (b.difference(a).cloned().collect(), true),
            (true, false, false) => (a.difference(b).cloned().collect(), true),
        };
        StrSet { items, cofinite }
    }
    /// Whether `s` is in.
    pub fn contains(&self, s: &str) -> bool {
        self.items.contains(s) != self.cofinite
    }
    /// A string in it: the first listed, or one listed nowhere (`"other"`, `"other 2"`, ...).
    pub fn example(&self) -> Option<Arc<str>> {
        if !self.cofinite {
            return self.items.iter().next().cloned();
        }
        let candidates = std::iter::once("other".to_string()).chain((2..).map(|n| format!("other {n}")));
        candidates.take(self.items.len() + 1).find(|c| !self.items.contains(c.as_str())).map(Arc::from)
    }
}

/// The values of one input's domain that a set holds (absence apart).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Values {
    /// Ints, or dates as day numbers.
    Ints(IntervalSet<i64>),
    /// Decimals and money.
    Decs(IntervalSet<Decimal>),
    /// Enum members, or booleans (`false` 0, `true` 1).
    Bits(Bits),
    /// Strings.
    Strs(StrSet),
}

/// A set of an input's values: what a cell matches.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ValueSet {
    /// The values it holds.
    pub values: Values,
    /// Whether it holds absence (`none`).
    pub absent: bool,
}

/// One value of an input (or its absence), an example in a diagnostic or an
/// atom's representative.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Sample {
    /// The input is absent.
    Absent,
    /// A whole number.
    Int(i64),
    /// A decimal.
    Dec(Decimal),
    /// A date.
    Date(Date),
    /// An enum member by index.
    Enum(u32),
    /// A boolean.
    Bool(bool),
    /// A string.
    Str(Arc<str>),
}

/// A date as its day number (days since 0001-01-01, that day being 1).
pub fn day_number(d: Date) -> i64 {
    i64::from(d.num_days_from_ce())
}

/// The date of a day number, if it is one.
pub fn date_of_day(n: i64) -> Option<Date> {
    i32::try_from(n).ok().and_then(Date::from_num_days_from_ce_opt)
}

impl Domain {
    /// Every value the domain allows, absence included when it is optional.
    pub fn universe(&self) -> ValueSet {
        ValueSet { values: self.all_values(), absent: self.optional }
    }

    /// Every present value.
    pub fn all_values(&self) -> Values {
        match &self.kind {
            DomainKind::Int { non_negative: true } => Values::Ints(IntervalSet::between(Cut::Below(0), Cut::PosInf)),
            DomainKind::Int { .. } => Values::Ints(IntervalSet::all()),
            // Only the days verdict reads: a date past 9999-12-31 is no input,
            // so `[2020-01-01, 9999-12-31]` leaves no gap above it.
            DomainKind::Date => Values::Ints(IntervalSet::between(
                Cut::Below(day_number(crate::value::FIRST_WRITTEN_DATE)),
                Cut::Above(day_number(crate::value::LAST_WRITTEN_DATE)),
            )),
            DomainKind::Dec => Values::Decs(IntervalSet::all()),
            DomainKind::Enum(members) => Values::Bits(Bits::all(members.len())),
            DomainKind::Bool => Values::Bits(Bits::all(2)),
            DomainKind::Str => Values::Strs(StrSet { items: BTreeSet::new(), cofinite: true }),
        }
    }

    /// No value (absence neither).
    pub fn nothing(&self) -> ValueSet {
        ValueSet { values: self.all_values().minus(&self.all_values()), absent: false }
    }

    /// A sample as text a risk officer reads (`600`, `0.3`, `"prime"`, `none`).
    pub fn show(&self, sample: &Sample) -> String {
        match sample {
            Sample::Absent => "none".into(),
            Sample::Int(i) => match self.kind {
                DomainKind::Date => date_of_day(*i).map_or_else(|| format!("day {i}"), |d| d.to_string()),
                _ => i.to_string(),
            },
            Sample::Dec(d) => crate::value::format_decimal(*d),
            Sample::Date(d) => d.to_string(),
            Sample::Enum(i) => match &self.kind {
                // Quoted as the policy writes it: `"car, other"`, `"a\"b"`.
                DomainKind::Enum(m) => crate::terminal::quoted(m.get(*i as usize).map_or("?", |s| s)),
                _ => i.to_string(),
            },
            Sample::Bool(b) => b.to_string(),
            Sample::Str(s) => crate::terminal::quoted(s),
        }
    }

    /// A present sample of the values of `values` (of this domain), if any.
    fn present_example(&self, values: &Values) -> Option<Sample> {
        match values {
            Values::Ints(s) => {
                let v = s.example()?;
                Some(match self.kind {
                    DomainKind::Date => date_of_day(v).map_or(Sample::Int(v), Sample::Date),
                    _ => Sample::Int(v),
                })
            }
            Values::Decs(s) => s.example().map(Sample::Dec),
            Values::Bits(b) => {
                let i = b.first()?;
                Some(match self.kind {
                    DomainKind::Bool => Sample::Bool(i == 1),
                    _ => Sample::Enum(u32::try_from(i).ok()?),
                })
            }
            Values::Strs(s) => s.example().map(Sample::Str),
        }
    }
}

impl Values {
    fn combine(&self, other: &Values, both: bool) -> Values {
        match (self, other) {
            (Values::Ints(a), Values::Ints(b)) => Values::Ints(if both { a.intersect(b) } else { a.union(b) }),
            (Values::Decs(a), Values::Decs(b)) => Values::Decs(if both { a.intersect(b) } else { a.union(b) }),
            (Values::Bits(a), Values::Bits(b)) => Values::Bits(if both { a.intersect(b) } else { a.union(b) }),
            (Values::Strs(a), Values::Strs(b)) => Values::Strs(a.ops(b, both)),
            // Sets of different domains never meet: one domain per input.
            (a, _) => {
                if both {
                    a.minus(a)
                } else {
                    a.clone()
                }
            }
        }
    }

    /// The values in both.
    pub fn intersect(&self, other: &Values) -> Values {
        self.combine(other, true)
    }
    /// The values in either.
    pub fn union(&self, other: &Values) -> Values {
        self.combine(other, false)
    }
    /// Every value of the same kind not in it (the domain's bounds apart).
    pub fn complement(&self) -> Values {
        match self {
            Values::Ints(a) => Values::Ints(a.complement()),
            Values::Decs(a) => Values::Decs(a.complement()),
            Values::Bits(a) => Values::Bits(a.complement()),
            Values::Strs(a) => Values::Strs(StrSet { items: a.items.clone(), cofinite: !a.cofinite }),
        }
    }
    /// The values in it and not in `other`.
    pub fn minus(&self, other: &Values) -> Values {
        self.intersect(&other.complement())
    }
    /// Whether it holds no value.
    pub fn is_empty(&self) -> bool {
        match self {
            Values::Ints(a) => a.is_empty(),
            Values::Decs(a) => a.is_empty(),
            Values::Bits(a) => a.is_empty(),
            Values::Strs(a) => !a.cofinite && a.items.is_empty(),
        }
    }
}

impl ValueSet {
    /// The values in both.
    pub fn intersect(&self, other: &ValueSet) -> ValueSet {
        ValueSet { values: self.values.intersect(&other.values), absent: self.absent && other.absent }
    }
    /// The values in either.
    pub fn union(&self, other: &ValueSet) -> ValueSet {
        ValueSet { values: self.values.union(&other.values), absent: self.absent || other.absent }
    }
    /// The values of `domain` not in it.
    pub fn complement(&self, domain: &Domain) -> ValueSet {
        domain.universe().minus(self)
    }
    /// The values in it and not in `other`.
    pub fn minus(&self, other: &ValueSet) -> ValueSet {
        ValueSet { values: self.values.minus(&other.values), absent: self.absent && !other.absent }
    }
    /// Whether it holds nothing, absence neither.
    pub fn is_empty(&self) -> bool {
        !self.absent && self.values.is_empty()
    }
    /// A value it holds, present values first (absence when it holds only that).
    pub fn example(&self, domain: &Domain) -> Option<Sample> {
        domain.present_example(&self.values).or(if self.absent { Some(Sample::Absent) } else { None })
    }

    /// Whether a sample is in it.
    pub fn contains_sample(&self, sample: &Sample) -> bool {
        match sample {
            Sample::Absent => self.absent,
            Sample::Int(i) => self.contains(Val::Int(*i)),
            Sample::Dec(d) => self.contains(Val::Dec(*d)),
            Sample::Date(d) => self.contains(Val::Date(*d)),
            Sample::Enum(e) => self.contains(Val::Enum(*e)),
            Sample::Bool(b) => self.contains(Val::Bool(*b)),
            Sample::Str(s) => self.contains(Val::Str(s)),
        }
    }

    /// Whether a value (during evaluation) is in it: the cell matcher.
    pub fn contains(&self, v: Val<'_>) -> bool {
        match (v, &self.values) {
            (Val::None, _) => self.absent,
            (Val::Int(i), Values::Ints(s)) => s.contains(i),
            (Val::Int(i), Values::Decs(s)) => s.contains(Decimal::from(i)),
            (Val::Dec(d), Values::Decs(s)) => s.contains(d),
            (Val::Date(d), Values::Ints(s)) => s.contains(day_number(d)),
            (Val::Enum(e), Values::Bits(b)) => b.contains(e as usize),
            (Val::Bool(x), Values::Bits(b)) => b.contains(usize::from(x)),
            (Val::Str(s), Values::Strs(set)) => set.contains(s),
            _ => false,
        }
    }
}

#[cfg(test)]
mod tests;
