//! Decision tables: hit policies, `else`, `none` cells, lazy outputs,
//! several outputs by name, and `check`'s proofs against brute force.

mod common;
mod inline;

use common::Rng;

use verdict::cells::analysis::{prove, Grid};
use verdict::cells::{Bits, Cut, Domain, DomainKind, IntervalSet, Sample, ValueSet, Values};
use verdict::eval::{Decision, EvalOptions};

const SCHEMA: &str = r#"
entity: account
key: id
fields:
  id: string
  status: enum(active, frozen, closed)
  credit_limit: money
  balance: money
  score: int
  reviewed_on: date?
  flag: bool?
  overdues:
    list:
      due_on: date
      days: int
    by: due_on
"#;

fn policy(body: &str) -> Result<verdict::LoadedPolicy, String> {
    inline::load_over(SCHEMA, body).map_err(|e| format!("{:#?}", e.diagnostics))
}

fn decide(body: &str, fields: &str) -> Result<Decision, String> {
    let policy = policy(body).unwrap_or_else(|e| panic!("policy does not compile: {e}"));
    let account = r#"{"id":"A-1","as_of":"2026-11-01","status":"active","credit_limit":"10000","balance":"2500",
            "score":700,"overdues":[]}"#;
    let snapshot = inline::snapshot(&policy, account, fields);
    verdict::evaluate(&policy.program, &snapshot, EvalOptions::default()).map_err(|e| e.message.clone())
}

/// The tags fired: each rule `tag_V` fires when the table's value is V.
fn tags(body: &str, fields: &str) -> Vec<String> {
    decide(body, fields).expect("decision").actions.iter().map(|a| format!("{a:?}")).collect()
}

fn value_of(table: &str, values: &[&str], fields: &str) -> String {
    let mut body = format!("let v = {table}\n");
    for (i, v) in values.iter().enumerate() {
        body.push_str(&format!("rule \"is {i}\" {{ when v == {v} then tag \"t\" }}\n"));
    }
    let d = decide(&body, fields).expect("decision");
    assert_eq!(d.fired.len(), 1, "exactly one value: {:?}", d.fired);
    let i: usize = d.fired[0].trim_start_matches("is ").parse().unwrap();
    values[i].to_string()
}

const LIMIT_FACTOR: &str = "table (score, balance / credit_limit) -> decimal {
  < 600      | _      => 0.5
  [600, 680) | < 30%  => 1.0
  [600, 680) | >= 30% => 0.8
  >= 680     | _      => 1.2
}";

#[test]
fn a_unique_table_takes_its_one_matching_row() {
    let values = ["0.5", "1.0", "0.8", "1.2"];
    assert_eq!(value_of(LIMIT_FACTOR, &values, r#"{"score":599}"#), "0.5");
    assert_eq!(value_of(LIMIT_FACTOR, &values, r#"{"score":600,"balance":"2999.99"}"#), "1.0");
    assert_eq!(value_of(LIMIT_FACTOR, &values, r#"{"score":679,"balance":"3000"}"#), "0.8");
    assert_eq!(value_of(LIMIT_FACTOR, &values, r#"{"score":680}"#), "1.2");
}

#[test]
fn a_first_table_takes_the_first_match_and_else_the_rest() {
    let t = "table (max(overdues.days) ?? 0, status) -> string first {
      <= 0     | _        => \"none\"
      [1, 15]  | _        => \"remind\"
      [16, 60] | \"active\" => \"gentle\"
      [1, 60]  | _        => \"call\"
      else                => \"legal\"
    }";
    let values = ["\"none\"", "\"remind\"", "\"gentle\"", "\"call\"", "\"legal\""];
    let od = |days: i64, status: &str| {
        format!(r#"{{"status":"{status}","overdues":[{{"due_on":"2026-10-01","days":{days}}}]}}"#)
    };
    assert_eq!(value_of(t, &values, "{}"), "\"none\"");
    assert_eq!(value_of(t, &values, &od(15, "active")), "\"remind\"");
    assert_eq!(value_of(t, &values, &od(16, "active")), "\"gentle\"");
    assert_eq!(value_of(t, &values, &od(16, "frozen")), "\"call\"");
    assert_eq!(value_of(t, &values, &od(61, "active")), "\"legal\"");
}

#[test]
fn none_cells_match_absence_and_only_wildcards_do_too() {
    let t = "table (reviewed_on, flag) -> int {
      none          | _     => 0
      < 2026-01-01  | true  => 1
      < 2026-01-01  | false => 2
      < 2026-01-01  | none  => 3
      >= 2026-01-01 | _     => 4
    }";
    let values = ["0", "1", "2", "3", "4"];
    assert_eq!(value_of(t, &values, r#"{"reviewed_on":null}"#), "0");
    assert_eq!(value_of(t, &values, r#"{"reviewed_on":"2025-12-31","flag":true}"#), "1");
    assert_eq!(value_of(t, &values, r#"{"reviewed_on":"2025-12-31","flag":false}"#), "2");
    assert_eq!(value_of(t, &values, r#"{"reviewed_on":"2025-12-31"}"#), "3");
    assert_eq!(value_of(t, &values, r#"{"reviewed_on":"2026-01-01"}"#), "4");
}

#[test]
fn several_outputs_are_used_by_name_and_only_the_matched_rows_are_computed() {
    // Row 1's second output divides by zero: it is never computed, because
    // accounts with a limit match row 2, and row 1's `stage` is not read.
    let body = "let plan = table (credit_limit) -> (stage: string, factor: decimal) {
      <= 0 => \"none\", 1 / credit_limit
      > 0  => \"review\", balance / credit_limit
    }
    rule \"r\" { when plan.stage == \"review\" and plan.factor == 0.25 then tag \"ok\" }
    rule \"s\" { when plan.stage == \"none\" then tag \"no limit\" }";
    assert_eq!(tags(body, "{}").len(), 1);
    let d = decide(body, r#"{"credit_limit":"0"}"#).expect("row 1's factor is never read");
    assert_eq!(d.fired.iter().map(|f| f.to_string()).collect::<Vec<_>>(), vec!["s".to_string()]);
}

#[test]
fn a_named_output_read_many_times_is_computed_once_a_let_of_its_own() {
    // The output's case records its branch each time it is computed.
    let body = "let plan = table (score) -> (stage: string, n: int) {
      < 600  => case when balance > 0 then \"owing\" else \"clear\" end, 1
      >= 600 => \"fine\", 2
    }
    rule \"r\" { when plan.stage == \"owing\" and plan.stage != \"x\" then tag plan.stage reason \"R\" plan.stage }";
    let policy = policy(body).unwrap_or_else(|e| panic!("{e}"));
    let account = r#"{"id":"A-1","as_of":"2026-11-01","status":"active","credit_limit":"10000","balance":"2500",
            "score":500,"overdues":[]}"#;
    let snapshot = inline::snapshot(&policy, account, "{}");
    let options = EvalOptions { trace: true, ..EvalOptions::default() };
    let d = verdict::evaluate(&policy.program, &snapshot, options).expect("decision");
    assert_eq!(d.fired.len(), 1);
    let trace = d.trace.expect("traced");
    assert_eq!(trace.cases.len(), 1, "the output was computed once: {:?}", trace.cases);
    let lets: Vec<&str> = trace.lets.iter().map(|(i, _)| policy.program.lets[*i].name.as_str()).collect();
    assert!(lets.contains(&"plan") && lets.contains(&"plan.stage") && !lets.contains(&"plan.n"), "{lets:?}");
}

#[test]
fn inputs_are_computed_when_the_value_is_first_needed() {
    // The table's input divides by zero for this account: the table is only
    // read behind `credit_limit > 0`, so the account decides.
    let body = format!("let f = {LIMIT_FACTOR}\nrule \"r\" {{ when credit_limit > 0 and f > 1 then tag \"up\" }}");
    assert!(decide(&body, r#"{"credit_limit":"0"}"#).is_ok());
    assert!(decide(
        &format!("let f = {LIMIT_FACTOR}\nrule \"r\" {{ when f > 1 then tag \"up\" }}"),
        r#"{"credit_limit":"0"}"#
    )
    .is_err());
}

#[test]
fn a_table_with_named_outputs_is_read_by_name() {
    let body =
        "let plan = table (score) -> (a: int, b: int) { _ => 1, 2 }\nrule \"r\" { when plan > 0 then tag \"x\" }";
    let Err(err) = policy(body) else { panic!("`plan` alone is not a value") };
    assert!(err.contains("E0604") && err.contains("plan.a"), "{err}");
    let body =
        "let plan = table (score) -> (a: int, b: int) { _ => 1, 2 }\nrule \"r\" { when plan.c > 0 then tag \"x\" }";
    let Err(err) = policy(body) else { panic!("no output c") };
    assert!(err.contains("E0101"), "{err}");
    // Each output has a name of its own: `plan.a` could only ever be the first.
    let body =
        "let plan = table (score) -> (a: int, a: string) { _ => 1, \"x\" }\nrule \"r\" { when plan.a > 0 then tag \"x\" }";
    let Err(err) = policy(body) else { panic!("an output named twice") };
    assert!(err.contains("E0403") && err.contains("the output `a` is named twice"), "{err}");
}

#[test]
fn an_enum_member_is_a_string_output_by_its_name() {
    let body = "let stage = table (score) -> string { < 600 => status\n >= 600 => \"ok\" }
        rule \"r\" { when stage == \"frozen\" then tag stage }";
    let fired = tags(body, r#"{"score": 500, "status": "frozen"}"#);
    assert!(fired.len() == 1 && fired[0].contains("\"frozen\""), "{fired:?}");
    assert!(tags(body, r#"{"score": 500, "status": "active"}"#).is_empty());
    assert!(tags(body, r#"{"score": 700, "status": "frozen"}"#).is_empty());
}

// ------------------------------------------------------------ proofs vs brute force

/// One small column: an int domain (values -3..=3 reasoned over all ints,
/// or non-negative), an enum of 3, a bool; each maybe optional.
fn domain(rng: &mut Rng) -> Domain {
    let kind = match rng.below(4) {
        0 => DomainKind::Int { non_negative: false },
        1 => DomainKind::Int { non_negative: true },
        2 => DomainKind::Enum(vec!["a".into(), "b".into(), "c".into()].into()),
        _ => DomainKind::Bool,
    };
    Domain { kind, optional: rng.below(3) == 0 }
}

fn cell(rng: &mut Rng, d: &Domain) -> ValueSet {
    if rng.below(5) == 0 {
        return d.universe();
    }
    if d.optional && rng.below(6) == 0 {
        return ValueSet { absent: true, ..d.nothing() };
    }
    let values = match &d.kind {
        DomainKind::Int { .. } => {
            let a = rng.below(7) as i64 - 3;
            let b = a + rng.below(4) as i64;
            let lo = if rng.below(4) == 0 { Cut::NegInf } else { Cut::Below(a) };
            let hi = if rng.below(4) == 0 { Cut::PosInf } else { Cut::Above(b) };
            Values::Ints(IntervalSet::between(lo, hi))
        }
        DomainKind::Enum(_) | DomainKind::Bool => {
            let len = if matches!(d.kind, DomainKind::Bool) { 2 } else { 3 };
            let mut bits = Bits::none(len);
            for i in 0..len {
                if rng.below(2) == 0 {
                    bits.insert(i);
                }
            }
            Values::Bits(bits)
        }
        _ => unreachable!(),
    };
    ValueSet { values, absent: false }.intersect(&d.universe())
}

/// Every value of a small domain that matters: the ints -5..=5 cover every
/// cell end the generator writes (-3..=6) and beyond on both sides.
fn values(d: &Domain) -> Vec<Sample> {
    let mut out: Vec<Sample> = match &d.kind {
        DomainKind::Int { non_negative } => (-5..=8).filter(|v| !non_negative || *v >= 0).map(Sample::Int).collect(),
        DomainKind::Enum(_) => (0..3).map(Sample::Enum).collect(),
        _ => vec![Sample::Bool(false), Sample::Bool(true)],
    };
    if d.optional {
        out.push(Sample::Absent);
    }
    out
}

fn all_inputs(domains: &[Domain]) -> Vec<Vec<Sample>> {
    let mut out = vec![Vec::new()];
    for d in domains {
        out = out.into_iter().flat_map(|p| values(d).into_iter().map(move |v| [p.clone(), vec![v]].concat())).collect();
    }
    out
}

#[test]
fn proofs_agree_with_brute_force_on_small_tables() {
    let mut rng = Rng(0x5eed_7ab1e);
    for case in 0..3000 {
        let columns = 1 + rng.below(3) as usize;
        let domains: Vec<Domain> = (0..columns).map(|_| domain(&mut rng)).collect();
        let rows: Vec<Vec<ValueSet>> =
            (0..1 + rng.below(6)).map(|_| domains.iter().map(|d| cell(&mut rng, d)).collect()).collect();
        assert_proof_agrees(case, &domains, &rows);
    }
}

/// Wide tables of many rows, where paths through different cells reach a
/// column with the same rows still matching (walked once).
#[test]
fn proofs_agree_with_brute_force_on_wide_tables() {
    let mut rng = Rng(0x71de_7ab1e);
    for case in 0..150 {
        let columns = 4 + rng.below(3) as usize;
        let domains: Vec<Domain> = (0..columns)
            .map(|_| loop {
                let d = domain(&mut rng);
                if !matches!(d.kind, DomainKind::Int { .. }) {
                    break d;
                }
            })
            .collect();
        let rows: Vec<Vec<ValueSet>> =
            (0..5 + rng.below(20)).map(|_| domains.iter().map(|d| cell(&mut rng, d)).collect()).collect();
        let found = assert_proof_agrees(case, &domains, &rows);
        assert!(!found.too_large, "case {case}");
    }
}

/// A `first` table of six int inputs and sixty rows of scattered bands (a
/// strategy matrix grown by hand): proved whole, where walking each
/// column's classes on every path gave up past a million cases.
#[test]
fn a_wide_table_of_scattered_bands_is_proved() {
    let mut rng = Rng(0xba2d_5eed);
    let domains = vec![Domain { kind: DomainKind::Int { non_negative: false }, optional: false }; 6];
    let rows: Vec<Vec<ValueSet>> = (0..60)
        .map(|_| {
            (0..6)
                .map(|_| {
                    let a = rng.int(0, 100);
                    let b = a + rng.int(1, 50);
                    let values = match rng.below(4) {
                        0 => IntervalSet::between(Cut::Below(a), Cut::Below(b)),
                        1 => IntervalSet::between(Cut::NegInf, Cut::Below(a)),
                        2 => IntervalSet::between(Cut::Below(a), Cut::PosInf),
                        _ => IntervalSet::between(Cut::NegInf, Cut::PosInf),
                    };
                    ValueSet { values: Values::Ints(values), absent: false }
                })
                .collect()
        })
        .collect();
    let found = prove(&Grid { domains: &domains, rows: &rows });
    assert!(!found.too_large);
    // Every claim checked by its example input, which is cheap where
    // enumerating every input is not.
    let matching = |input: &[Sample]| -> Vec<usize> {
        (0..rows.len()).filter(|r| rows[*r].iter().zip(input).all(|(c, v)| c.contains_sample(v))).collect()
    };
    let gap = found.gap.as_ref().expect("sixty bands leave inputs no row takes");
    assert!(matching(gap).is_empty(), "the gap's example matches a row");
    for r in 0..rows.len() {
        let example = found.matched_by[r].as_ref().expect("every row's bands meet");
        let m = matching(example);
        assert!(m.contains(&r), "row {r}'s example does not match it");
        if !found.first_of_some[r] {
            assert!(m[0] < r && found.covered_by[r].contains(&m[0]), "row {r}: unreachable, yet first for {example:?}");
        }
    }
    assert!(found.first_of_some.iter().any(|f| !f), "some rows are taken by earlier ones");
    for (a, b, example) in &found.overlaps {
        let m = matching(example);
        assert!(m.contains(a) && m.contains(b), "overlap example of rows {a} and {b}");
    }
}

/// A table whose rows still matching differ on every path: one bool input
/// per row, each row asking `true` of its own input only. Past a column,
/// any subset of the earlier rows may remain, so the walk has 2^22 states
/// to visit and gives up (E0607), rather than run for minutes.
#[test]
fn a_table_of_exponentially_many_row_sets_is_too_large() {
    let n = 22;
    let domains = vec![Domain { kind: DomainKind::Bool, optional: false }; n];
    let rows: Vec<Vec<ValueSet>> = (0..n)
        .map(|r| {
            (0..n)
                .map(|c| {
                    let mut bits = Bits::none(2);
                    bits.insert(1);
                    if c != r {
                        bits.insert(0);
                    }
                    ValueSet { values: Values::Bits(bits), absent: false }
                })
                .collect()
        })
        .collect();
    assert!(prove(&Grid { domains: &domains, rows: &rows }).too_large);
}

/// Checks every finding of the proof of `rows` against every input there is.
fn assert_proof_agrees(case: usize, domains: &[Domain], rows: &[Vec<ValueSet>]) -> verdict::cells::analysis::Findings {
    let found = prove(&Grid { domains, rows });
    let matching = |input: &[Sample]| -> Vec<usize> {
        (0..rows.len()).filter(|r| rows[*r].iter().zip(input).all(|(c, v)| c.contains_sample(v))).collect()
    };
    let inputs = all_inputs(domains);
    let gap = inputs.iter().any(|i| matching(i).is_empty());
    assert_eq!(found.gap.is_some(), gap, "case {case}: gap {:?}", found.gap);
    if let Some(example) = &found.gap {
        assert!(matching(example).is_empty(), "case {case}: the gap's example matches a row");
    }
    let overlapping: Vec<usize> = (0..rows.len())
        .filter(|r| inputs.iter().any(|i| matching(i).iter().skip(1).any(|x| x == r) && matching(i)[0] != *r))
        .collect();
    let mut later: Vec<usize> = found.overlaps.iter().map(|(_, b, _)| *b).collect();
    later.sort();
    assert_eq!(later, overlapping, "case {case}: overlapping rows");
    for (a, b, example) in &found.overlaps {
        let m = matching(example);
        assert!(m.contains(a) && m.contains(b), "case {case}: overlap example");
    }
    for r in 0..rows.len() {
        let first_somewhere = inputs.iter().any(|i| matching(i).first() == Some(&r));
        assert_eq!(found.first_of_some[r], first_somewhere, "case {case}: row {r} reachable");
        let matched = inputs.iter().any(|i| matching(i).contains(&r));
        assert_eq!(found.matched_by[r].is_some(), matched, "case {case}: row {r} matches something");
        let mut covered: Vec<usize> = inputs
            .iter()
            .filter_map(|i| {
                let m = matching(i);
                (m.contains(&r) && m[0] != r).then(|| m[0])
            })
            .collect();
        covered.sort();
        covered.dedup();
        let mut said = found.covered_by[r].clone();
        said.sort();
        assert_eq!(said, covered, "case {case}: row {r} covered by");
    }
    found
}

#[test]
fn the_lookup_agrees_with_matching_row_by_row() {
    let mut rng = Rng(0xfeed_beef);
    for case in 0..500 {
        let columns = 1 + rng.below(3) as usize;
        let domains: Vec<Domain> = (0..columns).map(|_| domain(&mut rng)).collect();
        let rows: Vec<Vec<ValueSet>> =
            (0..1 + rng.below(70)).map(|_| domains.iter().map(|d| cell(&mut rng, d)).collect()).collect();
        let lookup = verdict::cells::lookup::Lookup::new(&domains, &rows);
        for input in all_inputs(&domains) {
            let expected = (0..rows.len()).find(|r| rows[*r].iter().zip(&input).all(|(c, v)| c.contains_sample(v)));
            let vals: Vec<verdict::eval::Val<'_>> = input
                .iter()
                .map(|s| match s {
                    Sample::Absent => verdict::eval::Val::None,
                    Sample::Int(i) => verdict::eval::Val::Int(*i),
                    Sample::Enum(e) => verdict::eval::Val::Enum(*e),
                    Sample::Bool(b) => verdict::eval::Val::Bool(*b),
                    other => panic!("not generated: {other:?}"),
                })
                .collect();
            assert_eq!(lookup.find(&vals), expected, "case {case}: {input:?}");
        }
    }
}
