//! Swap sets with realised performance: each account's realised outcome (from
//! `--performance`, see `performance.rs`) joined by id to its cell of the
//! swap-set matrix, summed per cell and per arm, and summarised by swap set.
//!
//! A policy **takes** an account when it approves an application (admission
//! policies) or closes, freezes or restricts an account (account policies):
//! the booking decision and the adverse action are what a strategy change is
//! approved on. Every account falls in exactly one set:
//!
//! - **swapped in**: the new version takes it, the old did not;
//! - **swapped out**: the old version took it, the new does not;
//! - **kept**: both take it (whatever the outcome, e.g. restrict → close);
//! - **neither**: both decided it and neither takes it;
//! - **undecided**: either version could not decide it (an `error`).

use super::arms::ArmRow;
use super::axes::{Row, ROWS};
use super::performance::Performance;
use super::Judged;
use crate::eval::Arm;
use crate::snapshot::Key;
use rust_decimal::Decimal;
use std::sync::Arc;

/// Ids not in the book listed in the report (all of them are counted).
pub const LISTED: usize = 20;

/// Realised performance summed over a group of accounts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Figures {
    /// Accounts in the group.
    pub accounts: u64,
    /// Of those, accounts with a row in the performance file (the base of the bad rate).
    pub with_performance: u64,
    /// Of those, accounts flagged bad.
    pub bad: u64,
    /// Their total loss (`None`: the sum overflowed).
    pub loss: Option<Decimal>,
}

impl Default for Figures {
    fn default() -> Figures {
        Figures { accounts: 0, with_performance: 0, bad: 0, loss: Some(Decimal::ZERO) }
    }
}

impl Figures {
    /// Accounts with no row in the performance file (excluded from the rates).
    pub fn no_performance(&self) -> u64 {
        self.accounts - self.with_performance
    }

    /// `bad / with_performance` as a percentage, rounded to two decimal places
    /// with halves away from zero (`1/8` is `12.50`); `None` without performance.
    pub fn bad_rate(&self) -> Option<Decimal> {
        if self.with_performance == 0 {
            return None;
        }
        let rate = Decimal::from(self.bad).checked_mul(Decimal::ONE_HUNDRED)?;
        let mut rate = crate::value::round_half_away(rate.checked_div(Decimal::from(self.with_performance))?, 2);
        rate.rescale(2);
        Some(rate)
    }

    fn add(&mut self, realised: Option<&super::performance::Realised>) {
        self.accounts += 1;
        let Some(r) = realised else { return };
        self.with_performance += 1;
        self.bad += u64::from(r.bad == Some(true));
        if let Some(loss) = r.loss {
            self.loss = self.loss.and_then(|t| t.checked_add(loss));
        }
    }

    fn merge(&mut self, other: &Figures) {
        self.accounts += other.accounts;
        self.with_performance += other.with_performance;
        self.bad += other.bad;
        self.loss = self.loss.zip(other.loss).and_then(|(a, b)| a.checked_add(b));
    }
}

/// Figures per cell of the matrix, indexed by old row × new row ([`Row::index`]).
pub type Grid = [[Figures; ROWS.len()]; ROWS.len()];

/// A swap set (see the module doc).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SwapSet {
    /// Taken by the new version only.
    SwappedIn,
    /// Taken by the old version only.
    SwappedOut,
    /// Taken by both.
    Kept,
    /// Decided by both, taken by neither.
    Neither,
    /// An error under either version.
    Undecided,
}

impl SwapSet {
    /// Every set, in report order.
    pub const ALL: [SwapSet; 5] =
        [SwapSet::SwappedIn, SwapSet::SwappedOut, SwapSet::Kept, SwapSet::Neither, SwapSet::Undecided];

    /// The set's name in the JSON report.
    pub fn name(self) -> &'static str {
        match self {
            SwapSet::SwappedIn => "swapped_in",
            SwapSet::SwappedOut => "swapped_out",
            SwapSet::Kept => "kept",
            SwapSet::Neither => "neither",
            SwapSet::Undecided => "undecided",
        }
    }

    /// The set's label in the text and HTML reports.
    pub fn label(self) -> &'static str {
        match self {
            SwapSet::SwappedIn => "swapped in",
            SwapSet::SwappedOut => "swapped out",
            SwapSet::Kept => "kept",
            SwapSet::Neither => "neither",
            SwapSet::Undecided => "undecided",
        }
    }

    /// The set of an account with these outcomes, given the outcomes a policy takes.
    pub fn of(old: Row, new: Row, taken: &[Row]) -> SwapSet {
        if old == Row::Error || new == Row::Error {
            return SwapSet::Undecided;
        }
        match (taken.contains(&old), taken.contains(&new)) {
            (false, true) => SwapSet::SwappedIn,
            (true, false) => SwapSet::SwappedOut,
            (true, true) => SwapSet::Kept,
            (false, false) => SwapSet::Neither,
        }
    }
}

/// The outcomes a policy takes an account with: approve for applications;
/// close, freeze and restrict for accounts (a `limit` outcome may raise or cut).
pub fn taken_rows(application: bool) -> Vec<Row> {
    if application {
        vec![Row::Approve]
    } else {
        vec![Row::Close, Row::Freeze, Row::Restrict]
    }
}

/// One arm's figures.
#[derive(Clone, Debug)]
pub struct ArmGrid {
    /// The split.
    pub split: Arc<str>,
    /// The arm.
    pub arm: Arc<str>,
    /// Its accounts' figures per cell.
    pub grid: Box<Grid>,
}

/// Running figures of a diff with performance.
pub(crate) struct PerfTally {
    perf: Performance,
    /// Per row of the file: whether an account of the book had its id.
    matched: Vec<bool>,
    /// Snapshots of the book whose id an earlier one had (joined once only).
    repeated: u64,
    all: Box<Grid>,
    arms: Vec<ArmGrid>,
}

impl PerfTally {
    pub(crate) fn new(perf: Performance) -> PerfTally {
        PerfTally { matched: vec![false; perf.rows.len()], perf, repeated: 0, all: Box::default(), arms: Vec::new() }
    }

    /// Joins one account's realised outcome (if any) to its cell, overall and in its arms.
    pub(crate) fn add(&mut self, j: &Judged) {
        let at = account_id(j).and_then(|id| match id {
            Key::Str(s) => self.perf.position(s),
            Key::Int(i) => self.perf.position(&i.to_string()),
        });
        // An account's realised outcome counts once: a snapshot repeating an
        // id already joined (a book holding an account twice) is counted
        // without performance, or its bad flag and loss would count twice.
        let at = at.filter(|&i| match self.matched.get_mut(i) {
            Some(seen) if *seen => {
                self.repeated += 1;
                false
            }
            Some(seen) => {
                *seen = true;
                true
            }
            None => false,
        });
        let realised = at.and_then(|i| self.perf.rows.get(i)).map(|(_, r)| r);
        let (old, new) = (Row::of(&j.old).index(), Row::of(&j.new).index());
        let add = |grid: &mut Grid| {
            if let Some(cell) = grid.get_mut(old).and_then(|r| r.get_mut(new)) {
                cell.add(realised);
            }
        };
        add(&mut self.all);
        for Arm { split, arm, .. } in &super::arms::account_arms(j) {
            let at = match self.arms.iter().position(|a| a.split == *split && a.arm == *arm) {
                Some(at) => at,
                None => {
                    self.arms.push(ArmGrid { split: split.clone(), arm: arm.clone(), grid: Box::default() });
                    self.arms.len() - 1
                }
            };
            if let Some(a) = self.arms.get_mut(at) {
                add(&mut a.grid);
            }
        }
    }

    pub(crate) fn finish(self, application: bool, arms: &[ArmRow]) -> PerformanceReport {
        let not_in_book: Vec<&str> =
            self.perf.rows.iter().zip(&self.matched).filter(|(_, seen)| !**seen).map(|((id, _), _)| &**id).collect();
        // The arms in the order the diff's arm table lists them.
        let mut grids = self.arms;
        grids.sort_by_key(|g| arms.iter().position(|a| a.split == g.split && a.arm == g.arm));
        PerformanceReport {
            file: self.perf.file,
            has_bad: self.perf.has_bad,
            has_loss: self.perf.has_loss,
            taken: taken_rows(application),
            rows: self.perf.rows.len() as u64,
            not_in_book: not_in_book.len() as u64,
            not_in_book_ids: not_in_book.iter().take(LISTED).map(|s| (*s).to_string()).collect(),
            repeated_in_book: self.repeated,
            all: self.all,
            arms: grids,
        }
    }
}

/// The account's key, as far as either version read it.
fn account_id(j: &Judged) -> Option<&Key> {
    match (&j.old, &j.new) {
        (Ok(d), _) | (_, Ok(d)) => Some(&d.id),
        (Err(a), Err(b)) => a.id.as_ref().or(b.id.as_ref()),
    }
}

/// Realised performance joined to the swap-set matrix.
#[derive(Clone, Debug)]
pub struct PerformanceReport {
    /// The performance file as named.
    pub file: String,
    /// Whether it gives a bad flag.
    pub has_bad: bool,
    /// Whether it gives a loss amount.
    pub has_loss: bool,
    /// The outcomes with which a policy takes an account (see [`SwapSet`]).
    pub taken: Vec<Row>,
    /// Rows in the file.
    pub rows: u64,
    /// Rows whose id no account of the book has.
    pub not_in_book: u64,
    /// The first [`LISTED`] of those ids, in file order.
    pub not_in_book_ids: Vec<String>,
    /// Snapshots of the book repeating an id whose row an earlier one was
    /// joined to: counted without performance, so no row counts twice.
    pub repeated_in_book: u64,
    /// Figures per cell over the whole book.
    pub all: Box<Grid>,
    /// Figures per cell for each arm of each split.
    pub arms: Vec<ArmGrid>,
}

impl PerformanceReport {
    /// Rows of the file whose id is in the book.
    pub fn matched(&self) -> u64 {
        self.rows - self.not_in_book
    }

    /// The figures of one cell.
    pub fn cell(grid: &Grid, old: Row, new: Row) -> Figures {
        grid.get(old.index()).and_then(|r| r.get(new.index())).copied().unwrap_or_default()
    }

    /// The figures of one swap set, summed over its cells.
    pub fn set(&self, grid: &Grid, set: SwapSet) -> Figures {
        self.sum(grid, |o, n| SwapSet::of(o, n, &self.taken) == set)
    }

    /// The figures of every account.
    pub fn total(&self, grid: &Grid) -> Figures {
        self.sum(grid, |_, _| true)
    }

    fn sum(&self, grid: &Grid, within: impl Fn(Row, Row) -> bool) -> Figures {
        let mut total = Figures::default();
        for old in ROWS {
            for new in ROWS.into_iter().filter(|&n| within(old, n)) {
                total.merge(&Self::cell(grid, old, new));
            }
        }
        total
    }

    /// The bad count, when the file gives a bad flag.
    pub fn bad(&self, f: &Figures) -> Option<u64> {
        self.has_bad.then_some(f.bad)
    }

    /// The bad rate (see [`Figures::bad_rate`]), when the file gives a bad flag.
    pub fn bad_rate(&self, f: &Figures) -> Option<Decimal> {
        self.has_bad.then(|| f.bad_rate()).flatten()
    }

    /// The total loss, when the file gives one (and it did not overflow).
    pub fn loss(&self, f: &Figures) -> Option<Decimal> {
        self.has_loss.then_some(f.loss).flatten()
    }

    /// The outcomes taken, as words: `approve`, `close, freeze or restrict`.
    pub fn taken_words(&self) -> String {
        let names: Vec<&str> = self.taken.iter().map(|r| r.name()).collect();
        match names.split_last() {
            Some((last, rest)) if !rest.is_empty() => format!("{} or {last}", rest.join(", ")),
            _ => names.join(""),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rates_round_half_away_from_zero_to_two_places() {
        let f = |bad, with| Figures { accounts: with, with_performance: with, bad, loss: None };
        assert_eq!(f(1, 8).bad_rate().map(|d| d.to_string()), Some("12.50".into()));
        assert_eq!(f(1, 3).bad_rate().map(|d| d.to_string()), Some("33.33".into()));
        assert_eq!(f(2, 3).bad_rate().map(|d| d.to_string()), Some("66.67".into()));
        // 1/1600 = 0.0625%: a half at the third place rounds up.
        assert_eq!(f(1, 1600).bad_rate().map(|d| d.to_string()), Some("0.06".into()));
        assert_eq!(f(1, 800).bad_rate().map(|d| d.to_string()), Some("0.13".into()));
        assert_eq!(f(0, 0).bad_rate(), None);
    }

    #[test]
    fn sets_partition_the_matrix() {
        let account = taken_rows(false);
        assert_eq!(SwapSet::of(Row::None, Row::Freeze, &account), SwapSet::SwappedIn);
        assert_eq!(SwapSet::of(Row::Limit, Row::Restrict, &account), SwapSet::SwappedIn);
        assert_eq!(SwapSet::of(Row::Close, Row::Limit, &account), SwapSet::SwappedOut);
        assert_eq!(SwapSet::of(Row::Restrict, Row::Close, &account), SwapSet::Kept);
        assert_eq!(SwapSet::of(Row::Limit, Row::None, &account), SwapSet::Neither);
        assert_eq!(SwapSet::of(Row::Close, Row::Error, &account), SwapSet::Undecided);
        let application = taken_rows(true);
        assert_eq!(SwapSet::of(Row::Refer, Row::Approve, &application), SwapSet::SwappedIn);
        assert_eq!(SwapSet::of(Row::Approve, Row::Decline, &application), SwapSet::SwappedOut);
        assert_eq!(SwapSet::of(Row::Decline, Row::Refer, &application), SwapSet::Neither);
    }
}
