//! Expected values computed independently with Python's `math.log` in
//! floating point (the shares below are exact there or within 1e-16):
//!
//! ```python
//! def psi(e, a, eps=0.0001):
//!     s = 0
//!     for x, y in zip(e, a):
//!         if x == 0 and y == 0: continue
//!         pe = x / sum(e) if x else eps; pa = y / sum(a) if y else eps
//!         s += (pa - pe) * math.log(pa / pe)
//!     return s
//! ```

use super::*;
use std::str::FromStr;

fn d(text: &str) -> Decimal {
    Decimal::from_str(text).unwrap()
}

fn ints(values: impl IntoIterator<Item = i64>) -> Vec<Decimal> {
    values.into_iter().map(Decimal::from).collect()
}

fn value(expected: &[u64], actual: &[u64]) -> String {
    stability_index(expected, actual).unwrap().value.to_string()
}

#[test]
fn deciles_of_distinct_scores_cut_ten_equal_bands() {
    let baseline = ints(1..=100);
    let cuts = decile_cuts(&baseline);
    assert_eq!(cuts, ints([11, 21, 31, 41, 51, 61, 71, 81, 91]));
    assert_eq!(band_counts(&cuts, &baseline), vec![10; 10]);
    // The baseline's order does not matter.
    assert_eq!(decile_cuts(&ints((1..=100).rev())), cuts);
    assert_eq!(band(&cuts, d("10.99")), 0);
    assert_eq!(band(&cuts, d("11")), 1);
    assert_eq!(band(&cuts, d("1000")), 9);
    assert_eq!(band(&cuts, d("-5")), 0);
}

#[test]
fn tied_scores_make_fewer_bands_none_of_them_empty_in_the_baseline() {
    let baseline = ints(std::iter::repeat_n(1, 50).chain(std::iter::repeat_n(2, 50)));
    let cuts = decile_cuts(&baseline);
    assert_eq!(cuts, ints([2]));
    assert_eq!(band_counts(&cuts, &baseline), [50, 50]);
    assert_eq!(decile_cuts(&ints([7; 20])), Vec::<Decimal>::new());
    assert_eq!(decile_cuts(&[]), Vec::<Decimal>::new());
}

#[test]
fn the_index_matches_an_independent_computation() {
    // 0.06348120630460691
    assert_eq!(value(&[10; 10], &[5, 7, 9, 10, 10, 11, 11, 12, 12, 13]), "0.0635");
    // 0.18217511302400674
    assert_eq!(value(&[10; 10], &[20, 15, 12, 10, 10, 8, 8, 7, 5, 5]), "0.1822");
    // 0.05493061443340545
    assert_eq!(value(&[300, 500, 200], &[250, 450, 300]), "0.0549");
    // An empty band counts as 0.01%: 4.60431846666895
    assert_eq!(value(&[50, 50], &[100, 0]), "4.6043");
    // Empty in the baseline, and empty in both: 0.33423025157348196
    assert_eq!(value(&[120, 80, 0, 0], &[100, 90, 10, 0]), "0.3342");
    assert_eq!(value(&[3, 4], &[30, 40]), "0");
}

#[test]
fn terms_carry_exact_shares_and_never_negative_contributions() {
    let index = stability_index(&[300, 500, 200], &[250, 450, 300]).unwrap();
    assert_eq!(index.terms[0].expected_share, d("0.3"));
    assert_eq!(index.terms[2].actual_share, d("0.3"));
    assert!(index.terms.iter().all(|t| t.contribution >= Decimal::ZERO));
    // (0.3 − 0.2) × ln(1.5) = 0.1 × 0.4054651081081644
    assert!((index.terms[2].contribution - d("0.04054651081081644")).abs() < d("1e-15"));
}

#[test]
fn the_logarithm_is_close_to_pythons() {
    for (x, ln) in [
        ("1.2", "0.1823215567939546"),
        ("0.0002", "-8.517193191416238"),
        ("2", "0.6931471805599453"),
        ("0.9", "-0.10536051565782628"),
        ("0.3333333333333333333333333333", "-1.0986122886681098"),
    ] {
        let got = d(x).checked_ln().unwrap();
        assert!((got - d(ln)).abs() < d("1e-12"), "ln {x} = {got}, Python says {ln}");
    }
}

#[test]
fn flags_at_the_usual_thresholds() {
    assert_eq!(Flag::of(d("0.0999")), Flag::Stable);
    assert_eq!(Flag::of(d("0.1")), Flag::Watch);
    assert_eq!(Flag::of(d("0.2499")), Flag::Watch);
    assert_eq!(Flag::of(d("0.25")), Flag::Shift);
    assert_eq!(stability_index(&[10; 10], &[20, 15, 12, 10, 10, 8, 8, 7, 5, 5]).unwrap().flag, Flag::Watch);
    assert_eq!(stability_index(&[50, 50], &[100, 0]).unwrap().flag, Flag::Shift);
}

#[test]
fn empty_portfolios_or_mismatched_bands_have_no_index() {
    assert_eq!(stability_index(&[0, 0], &[1, 2]), None);
    assert_eq!(stability_index(&[1, 2], &[0, 0]), None);
    assert_eq!(stability_index(&[1, 2], &[1, 2, 3]), None);
}

/// An index just under a threshold is shown under it, with the flag below
/// it: 1/11 and 10/11 against 0.2 and 0.8 sum to 0.0999594…, which rounded
/// to 4 places would read 0.1 beside `stable`; it reads 0.09996.
#[test]
fn an_index_just_under_a_threshold_reads_under_it() {
    let index = stability_index(&[20, 80, 0], &[1, 10, 0]).unwrap();
    assert_eq!(index.value, d("0.09996"));
    assert_eq!(index.flag, Flag::Stable);
    // Anywhere else, 4 places, rounded.
    assert_eq!(shown(d("0.0999499")), d("0.0999"));
    assert_eq!(shown(d("0.25004")), d("0.25"));
    assert_eq!(shown(d("0.2499999999999")), d("0.249999999999"));
}
