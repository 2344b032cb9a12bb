//! `within` windows: several windows of the same list with different bounds,
//! an empty list, elements at a window's exact bounds (the start excluded,
//! `as_of` included, a later date excluded), and lists short enough to be
//! scanned and long enough to be searched. Each account is decided by the
//! lowered code and by the interpreter (traced), and both must give the
//! counts worked out here by hand.

mod inline;

use verdict::eval::Decision;
use verdict::{evaluate, EvalOptions};

const SCHEMA: &str =
    "entity: account\nkey: id\nfields:\n  id: string\n  events:\n    list:\n      on: date\n      n: int\n    by: on\n";

/// Three windows of one list, packed into the limit: `week` millions,
/// `month` thousands, the sum of `n` over a year in units.
const BODY: &str = r#"
let week = count(events within 7 days)
let month = count(events within 30 days)
let year = sum(events.n within 12 months)
rule "windows" { when week >= 0 then set limit to week * 1000000 + month * 1000 + year }
"#;

const ACCOUNT: &str = r#"{"id": "A-1", "as_of": "2026-11-01", "events": []}"#;

/// The limit both ways (asserting they agree).
fn limit(events: &[(&str, i64)]) -> i64 {
    let policy = inline::load_over(SCHEMA, BODY).expect("the policy loads");
    let list: Vec<String> = events.iter().map(|(on, n)| format!(r#"{{"on": "{on}", "n": {n}}}"#)).collect();
    let snapshot = inline::snapshot(&policy, ACCOUNT, &format!(r#"{{"events": [{}]}}"#, list.join(", ")));
    let fast = evaluate(&policy.program, &snapshot, EvalOptions::default()).expect("decides");
    let traced = EvalOptions { trace: true, ..EvalOptions::default() };
    let slow = evaluate(&policy.program, &snapshot, traced).expect("decides");
    assert_eq!(fast, Decision { trace: None, ..slow }, "lowered and interpreted differ");
    let limit = fast.limit.expect("the rule fires");
    i64::try_from(limit.mantissa()).expect("a whole number") / 10i64.pow(limit.scale())
}

/// `count`, `count`, `sum` packed as [`limit`] packs them.
fn packed(week: i64, month: i64, year: i64) -> i64 {
    week * 1_000_000 + month * 1_000 + year
}

#[test]
fn an_empty_list_has_empty_windows() {
    assert_eq!(limit(&[]), packed(0, 0, 0));
}

#[test]
fn a_window_excludes_its_start_and_includes_as_of() {
    // as_of 2026-11-01: `within 7 days` is (2026-10-25, 2026-11-01].
    let events = [("2026-10-25", 1), ("2026-10-26", 10), ("2026-11-01", 100), ("2026-11-02", 1000)];
    // 30 days: (2026-10-02, ..]; 12 months: (2025-11-01, ..].
    assert_eq!(limit(&events), packed(2, 3, 111));
    let edges = [("2025-11-01", 1), ("2025-11-02", 10), ("2026-10-02", 100), ("2026-10-03", 1000)];
    assert_eq!(limit(&edges), packed(0, 1, 1110));
}

#[test]
fn windows_of_one_list_with_different_bounds_differ() {
    let events = [("2026-01-10", 1), ("2026-10-20", 10), ("2026-10-30", 100)];
    assert_eq!(limit(&events), packed(1, 2, 111));
}

#[test]
fn short_and_long_lists_give_the_same_windows() {
    // One event a day from 2026-11-05 back, with n its age in days (-4 for the
    // newest, in the future): every length from a scanned list to a searched one.
    let as_of = verdict::value::parse_date("2026-11-01").unwrap();
    for len in [1usize, 2, 5, 15, 16, 17, 40, 400] {
        let days: Vec<(String, i64)> = (0..len as i64)
            .rev()
            .map(|k| {
                let age = k - 4;
                let on = if age >= 0 {
                    as_of - chrono::Days::new(age as u64)
                } else {
                    as_of + chrono::Days::new((-age) as u64)
                };
                (on.to_string(), age)
            })
            .collect();
        let events: Vec<(&str, i64)> = days.iter().map(|(on, n)| (on.as_str(), *n)).collect();
        let ages = || events.iter().map(|(_, age)| *age);
        let week = ages().filter(|a| (0..7).contains(a)).count() as i64;
        let month = ages().filter(|a| (0..30).contains(a)).count() as i64;
        let year: i64 = ages().filter(|a| (0..365).contains(a)).sum();
        assert_eq!(limit(&events), packed(week, month, year), "{len} events");
    }
}
