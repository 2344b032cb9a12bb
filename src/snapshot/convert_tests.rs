//! Tests of `convert.rs`: the short paths against the general ones.

use super::*;
use crate::value::parse_date;

/// Texts around the shapes the short paths take or refuse.
fn samples() -> Vec<String> {
    let mut out: Vec<String> = [
        "0",
        "-0",
        "0.00",
        "-0.00",
        "+1",
        "1.",
        ".5",
        "-.5",
        "1.2.3",
        "12000.10",
        "-350.40",
        "007.50",
        "999999999999999999",
        "9999999999999999999",
        "-999999999999999999",
        "0.000000000000000001",
        "1e3",
        " 1",
        "1 ",
        "",
        "-",
        "1_0",
        "١٢",
        "2026-05-01",
        " 2026-05-01",
        "2026-5-01",
        "2026-02-29",
        "2024-02-29",
        "0000-01-01",
        "9999-12-31",
        "2026-13-01",
        "2026-00-10",
        "2026-01-32",
        "2026/01/01",
        "20260-01-01",
        "+026-01-01",
        "2026-01-0x",
        "２０２６-01-01",
    ]
    .map(String::from)
    .to_vec();
    let mut state = 0x9e37_79b9_7f4a_7c15_u64;
    for _ in 0..5_000 {
        state = crate::snapshot::xorshift(state);
        let len = (state % 22) as usize;
        let text: String =
            (0..len).map(|i| b"0123456789.-+ e"[((state >> (i * 3 % 60)) % 15) as usize] as char).collect();
        out.push(text);
    }
    out
}

#[test]
fn small_sets_hold_what_was_inserted() {
    let mut set = SmallSet::default();
    let mut mask = 0u128;
    for index in [0, 1, 63, 64, 65, 100, 127, 5, 64, 127, 0] {
        assert_eq!(set.insert(index), mask & (1 << index) == 0, "{index}");
        mask |= 1 << index;
        assert_eq!(set.mask(), mask);
    }
    for index in 0..SmallSet::CAPACITY {
        assert_eq!(set.contains(index), mask & (1 << index) != 0, "{index}");
    }
    for beyond in [128, 129, 1000, usize::MAX] {
        assert!(!set.insert(beyond) && !set.contains(beyond));
    }
    assert_eq!(set.mask(), mask);
}

#[test]
fn short_decimals_are_the_decimals_the_long_way_reads() {
    let long_way = |t: &str| lossless_decimal(t.trim());
    let mut taken = 0;
    for text in samples() {
        if let Some(short) = short_decimal(&text) {
            let long = long_way(&text).unwrap_or_else(|| panic!("{text:?} is read only the short way"));
            assert_eq!(short.serialize(), long.serialize(), "{text:?}");
            taken += 1;
        }
    }
    assert!(taken > 500, "only {taken} samples took the short way");
}

#[test]
fn quoted_scalars_stored_the_quick_way_are_what_scalar_reads() {
    let members: std::sync::Arc<[Box<str>]> = ["active", "closed", "2026-05-01"].map(Box::from).into();
    let types = [
        ScalarType::Date,
        ScalarType::Decimal,
        ScalarType::Money,
        ScalarType::String,
        ScalarType::Enum(members),
        ScalarType::Bool,
        ScalarType::Int,
    ];
    let mut texts = samples();
    texts.extend(["active", " closed ", "Active", "", "é", "true"].map(String::from));
    let mut taken = 0;
    for ty in &types {
        for text in &texts {
            let mut frame = Frame { slots: vec![Value::None], marks: Marks::Small(SmallSet::default()) };
            if frame.set_quoted_quick(0, ty, text) {
                let read = scalar(ty, Lexeme::Quoted(text));
                assert_eq!(Ok(&frame.slots[0]), read.as_ref(), "{ty:?} {text:?}");
                assert!(frame.is_marked(0));
                taken += 1;
            } else {
                assert_eq!(frame.slots[0], Value::None, "nothing stored for {ty:?} {text:?}");
                assert!(!frame.is_marked(0));
            }
        }
    }
    assert!(taken > 6_000, "only {taken} texts took the quick way");
}

#[test]
fn dates_are_the_dates_parse_date_reads() {
    for text in samples() {
        assert_eq!(date(&text), parse_date(&text), "{text:?}");
    }
    // The ends of every month of every four-digit year, and the days around them.
    for year in 0..=9999 {
        for (month, day) in [(1, 1), (2, 28), (2, 29), (2, 30), (3, 1), (4, 30), (4, 31), (12, 31), (12, 32)] {
            let text = format!("{year:04}-{month:02}-{day:02}");
            assert_eq!(date(&text), Date::from_ymd_opt(year, month, day), "{text}");
        }
    }
    for year in [0, 1, 4, 100, 400, 1600, 1700, 1900, 2000, 2023, 2024, 2100, 9996, 9999] {
        for month in 0..=13 {
            for day in 0..=32 {
                let text = format!("{year:04}-{month:02}-{day:02}");
                assert_eq!(date(&text), parse_date(&text), "{text}");
            }
        }
    }
}
