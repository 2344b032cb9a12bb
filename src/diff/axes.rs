//! The two axes of a diff's figures: the swap-set matrix's rows (an outcome,
//! or an error) and the bands of limit change.

use crate::eval::Outputs;
use crate::ir::Outcome;
use rust_decimal::Decimal;

/// A row or column of the swap-set matrix: an outcome, or `error` for an account
/// that version could not decide.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Row {
    /// `close`
    Close,
    /// `freeze`
    Freeze,
    /// `restrict`
    Restrict,
    /// `limit`
    Limit,
    /// `none`
    None,
    /// An error record.
    Error,
    /// `reinstate`
    Reinstate,
    /// `decline`
    Decline,
    /// `refer`
    Refer,
    /// `approve`
    Approve,
}

/// Every row, indexed by [`Row::index`]; a report shows those of its policies' entity ([`DiffReport::rows`]).
pub const ROWS: [Row; 10] = [
    Row::Close,
    Row::Freeze,
    Row::Restrict,
    Row::Limit,
    Row::None,
    Row::Error,
    Row::Reinstate,
    Row::Decline,
    Row::Refer,
    Row::Approve,
];

/// The rows an account report shows, most severe first (`reinstate` only
/// when a version can reinstate).
pub fn shown_rows(application: bool, reinstates: bool) -> Vec<Row> {
    if application {
        return vec![Row::Decline, Row::Refer, Row::Approve, Row::None, Row::Error];
    }
    let mut rows = vec![Row::Close, Row::Freeze, Row::Restrict, Row::Limit, Row::None, Row::Error];
    if reinstates {
        rows.insert(3, Row::Reinstate);
    }
    rows
}

impl Row {
    /// The row's name in reports.
    pub fn name(self) -> &'static str {
        match self {
            Row::Close => "close",
            Row::Freeze => "freeze",
            Row::Restrict => "restrict",
            Row::Limit => "limit",
            Row::None => "none",
            Row::Error => "error",
            Row::Reinstate => "reinstate",
            Row::Decline => "decline",
            Row::Refer => "refer",
            Row::Approve => "approve",
        }
    }

    /// Where a decision (or error) falls.
    pub fn of(record: &Outputs) -> Row {
        match record {
            Ok(d) => Row::from_outcome(d.outcome),
            Err(_) => Row::Error,
        }
    }

    /// The row of an outcome.
    pub fn from_outcome(outcome: Outcome) -> Row {
        match outcome {
            Outcome::Close => Row::Close,
            Outcome::Freeze => Row::Freeze,
            Outcome::Restrict => Row::Restrict,
            Outcome::Limit => Row::Limit,
            Outcome::None => Row::None,
            Outcome::Reinstate => Row::Reinstate,
            Outcome::Decline => Row::Decline,
            Outcome::Refer => Row::Refer,
            Outcome::Approve => Row::Approve,
        }
    }

    /// Position in [`ROWS`].
    pub fn index(self) -> usize {
        self as usize
    }

    /// How severe: close 6 … none 1 (decline 4, refer 3, approve 2); errors 0
    /// (for colouring a move as tighter or looser).
    pub fn severity(self) -> u8 {
        match self {
            Row::Close => 6,
            Row::Freeze => 5,
            Row::Restrict | Row::Decline => 4,
            Row::Reinstate | Row::Refer => 3,
            Row::Limit | Row::Approve => 2,
            Row::None => 1,
            Row::Error => 0,
        }
    }
}

/// A band of limit change, current limit → limit after the decision.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Bucket {
    /// Cut by more than 50% (a close cuts 100%).
    CutOver50,
    /// Cut by 20% to 50%, both included.
    Cut20To50,
    /// Cut by less than 20%.
    CutUnder20,
    /// The same limit.
    Unchanged,
    /// Raised by less than 20%.
    RaiseUnder20,
    /// Raised by 20% to 50%, both included.
    Raise20To50,
    /// Raised by more than 50% (or from a current limit of 0).
    RaiseOver50,
}

impl Bucket {
    /// Every band, deepest cut first.
    pub const ALL: [Bucket; 7] = [
        Bucket::CutOver50,
        Bucket::Cut20To50,
        Bucket::CutUnder20,
        Bucket::Unchanged,
        Bucket::RaiseUnder20,
        Bucket::Raise20To50,
        Bucket::RaiseOver50,
    ];

    /// The band's label.
    pub fn label(self) -> &'static str {
        match self {
            Bucket::CutOver50 => "cut > 50%",
            Bucket::Cut20To50 => "cut 20–50%",
            Bucket::CutUnder20 => "cut < 20%",
            Bucket::Unchanged => "unchanged",
            Bucket::RaiseUnder20 => "raise < 20%",
            Bucket::Raise20To50 => "raise 20–50%",
            Bucket::RaiseOver50 => "raise > 50%",
        }
    }

    /// The band of a change from `current` to `after`, computed exactly (no division).
    pub fn of(current: Decimal, after: Decimal) -> Bucket {
        let Some(change) = after.checked_sub(current) else {
            return if after > current { Bucket::RaiseOver50 } else { Bucket::CutOver50 };
        };
        let base = current.abs();
        // |change| * k compared with the base; an overflow means a change far beyond any band.
        let beyond = |k: i64| change.abs().checked_mul(Decimal::from(k)).is_none_or(|v| v > base);
        let at_least = |k: i64| change.abs().checked_mul(Decimal::from(k)).is_none_or(|v| v >= base);
        match change.cmp(&Decimal::ZERO) {
            std::cmp::Ordering::Equal => Bucket::Unchanged,
            std::cmp::Ordering::Less if beyond(2) => Bucket::CutOver50,
            std::cmp::Ordering::Less if at_least(5) => Bucket::Cut20To50,
            std::cmp::Ordering::Less => Bucket::CutUnder20,
            std::cmp::Ordering::Greater if beyond(2) => Bucket::RaiseOver50,
            std::cmp::Ordering::Greater if at_least(5) => Bucket::Raise20To50,
            std::cmp::Ordering::Greater => Bucket::RaiseUnder20,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Decimal {
        s.parse().unwrap()
    }

    #[test]
    fn limit_bands_are_exact_at_their_edges() {
        let b = |cur: &str, after: &str| Bucket::of(d(cur), d(after));
        assert_eq!(b("10000", "0"), Bucket::CutOver50);
        assert_eq!(b("10000", "4999.99"), Bucket::CutOver50);
        assert_eq!(b("10000", "5000"), Bucket::Cut20To50);
        assert_eq!(b("10000", "7000"), Bucket::Cut20To50);
        assert_eq!(b("10000", "8000"), Bucket::Cut20To50);
        assert_eq!(b("10000", "8000.01"), Bucket::CutUnder20);
        assert_eq!(b("10000", "10000.00"), Bucket::Unchanged);
        assert_eq!(b("10000", "11500"), Bucket::RaiseUnder20);
        assert_eq!(b("10000", "12000"), Bucket::Raise20To50);
        assert_eq!(b("10000", "15000"), Bucket::Raise20To50);
        assert_eq!(b("10000", "15000.01"), Bucket::RaiseOver50);
        assert_eq!(b("0", "0"), Bucket::Unchanged);
        assert_eq!(b("0", "100"), Bucket::RaiseOver50);
    }
}
