//! A table's row by one array read (`cells::dense`): on generated tables of
//! every input kind (ints, decimals, dates, enums, booleans, strings, each
//! maybe optional), the array and the bitset search name the same row for
//! every combination of atoms, and the lookup from values names the first
//! row whose cells hold them; tables with too many combinations keep the
//! bitsets; a policy's 1,000-row matrix is read from the array and matches
//! the rows its cells say, through the interpreter as through the lowered code.

mod common;
mod inline;

use common::Rng;

use rust_decimal::Decimal;
use std::collections::BTreeSet;
use std::sync::Arc;
use verdict::cells::dense::MAX_ENTRIES;
use verdict::cells::lookup::Lookup;
use verdict::cells::{Bits, Cut, Domain, DomainKind, IntervalSet, Sample, StrSet, ValueSet, Values};
use verdict::eval::{EvalOptions, Val};

fn domain(rng: &mut Rng) -> Domain {
    let kind = match rng.below(7) {
        0 => DomainKind::Int { non_negative: false },
        1 => DomainKind::Int { non_negative: true },
        2 => DomainKind::Dec,
        3 => DomainKind::Date,
        4 => DomainKind::Enum(vec!["a".into(), "b".into(), "c".into(), "d".into()].into()),
        5 => DomainKind::Bool,
        _ => DomainKind::Str,
    };
    Domain { kind, optional: rng.below(3) == 0 }
}

fn interval<T: Copy>(rng: &mut Rng, a: T, b: T) -> (Cut<T>, Cut<T>) {
    let lo = match rng.below(4) {
        0 => Cut::NegInf,
        1 => Cut::Above(a),
        _ => Cut::Below(a),
    };
    let hi = match rng.below(4) {
        0 => Cut::PosInf,
        1 => Cut::Below(b),
        _ => Cut::Above(b),
    };
    (lo, hi)
}

/// A cell: the whole domain, `none`, or a random set of the input's kind.
fn cell(rng: &mut Rng, d: &Domain) -> ValueSet {
    if rng.below(6) == 0 {
        return d.universe();
    }
    if d.optional && rng.below(5) == 0 {
        return ValueSet { absent: true, ..d.nothing() };
    }
    let values = match &d.kind {
        DomainKind::Int { .. } | DomainKind::Date => {
            let base = if matches!(d.kind, DomainKind::Date) { 739_000 } else { 0 };
            let a = base + rng.int(-4, 12);
            let b = a + rng.int(0, 5);
            let (lo, hi) = interval(rng, a, b);
            Values::Ints(IntervalSet::between(lo, hi))
        }
        DomainKind::Dec => {
            // Cuts of different scales, so the locator's mantissa search is exercised.
            let a = Decimal::new(rng.int(-40, 80), rng.below(3) as u32);
            let b = a + Decimal::new(rng.int(0, 30), 1);
            let (lo, hi) = interval(rng, a, b);
            Values::Decs(IntervalSet::between(lo, hi))
        }
        DomainKind::Enum(_) | DomainKind::Bool => {
            let len = if matches!(d.kind, DomainKind::Bool) { 2 } else { 4 };
            let mut bits = Bits::none(len);
            (0..len).filter(|_| rng.below(2) == 0).for_each(|i| bits.insert(i));
            Values::Bits(bits)
        }
        DomainKind::Str => {
            let items: BTreeSet<Arc<str>> =
                (0..1 + rng.below(3)).map(|_| Arc::from(["p", "q", "r", "s", "t"][rng.below(5) as usize])).collect();
            Values::Strs(StrSet { items, cofinite: rng.below(4) == 0 })
        }
    };
    ValueSet { values, absent: false }.intersect(&d.universe())
}

fn val(sample: &Sample) -> Val<'_> {
    match sample {
        Sample::Absent => Val::None,
        Sample::Int(i) => Val::Int(*i),
        Sample::Dec(d) => Val::Dec(*d),
        Sample::Date(d) => Val::Date(*d),
        Sample::Enum(e) => Val::Enum(*e),
        Sample::Bool(b) => Val::Bool(*b),
        Sample::Str(s) => Val::Str(s),
    }
}

/// Every combination of atoms of `lookup`, the last input counting fastest.
fn combinations(lookup: &Lookup) -> Vec<Vec<usize>> {
    let mut out = vec![Vec::new()];
    for c in 0..lookup.inputs() {
        let atoms = lookup.column(c).unwrap().len();
        out = out.into_iter().flat_map(|p| (0..atoms).map(move |a| [p.clone(), vec![a]].concat())).collect();
    }
    out
}

fn table(rng: &mut Rng, max_columns: u64, max_rows: u64) -> (Vec<Domain>, Vec<Vec<ValueSet>>) {
    let domains: Vec<Domain> = (0..1 + rng.below(max_columns)).map(|_| domain(rng)).collect();
    let rows = (0..1 + rng.below(max_rows)).map(|_| domains.iter().map(|d| cell(rng, d)).collect()).collect();
    (domains, rows)
}

#[test]
fn the_array_and_the_bitsets_name_the_same_row_for_every_combination_of_atoms() {
    let mut rng = Rng(0xd3_75e);
    let (mut dense, mut multi_word) = (0, 0);
    for case in 0..200 {
        // Up to 200 rows: bitsets of up to four words, the first match in any of them.
        let (domains, rows) = table(&mut rng, 4, 200);
        let lookup = Lookup::new(&domains, &rows);
        let combos = combinations(&lookup);
        assert_eq!(lookup.is_dense(), combos.len() <= MAX_ENTRIES, "case {case}: {} combinations", combos.len());
        dense += usize::from(lookup.is_dense());
        multi_word += usize::from(lookup.is_dense() && rows.len() > 64);
        for atoms in &combos {
            assert_eq!(lookup.first_row(atoms), lookup.first_row_in_bits(atoms), "case {case}: atoms {atoms:?}");
        }
        // And both are the first row whose cells hold each atom's sample.
        for atoms in combos.iter().step_by(combos.len().div_ceil(1000)) {
            let samples: Vec<&Sample> =
                atoms.iter().enumerate().map(|(c, a)| &lookup.column(c).unwrap().samples[*a]).collect();
            let values: Vec<Val<'_>> = samples.iter().map(|s| val(s)).collect();
            let expected = rows.iter().position(|r| r.iter().zip(&samples).all(|(cell, s)| cell.contains_sample(s)));
            assert_eq!(lookup.find(&values), expected, "case {case}: {samples:?}");
        }
    }
    assert!(dense > 150 && multi_word > 60, "the generator reaches the array: {dense} dense, {multi_word} wide");
}

#[test]
fn an_atom_out_of_range_matches_no_row_either_way() {
    let mut rng = Rng(0x0dd_a70);
    for _ in 0..100 {
        let (domains, rows) = table(&mut rng, 3, 40);
        let lookup = Lookup::new(&domains, &rows);
        let mut atoms: Vec<usize> = vec![0; lookup.inputs()];
        for c in 0..lookup.inputs() {
            atoms[c] = lookup.column(c).unwrap().len();
            assert_eq!(lookup.first_row(&atoms), None);
            assert_eq!(lookup.first_row_in_bits(&atoms), None);
            atoms[c] = 0;
        }
    }
}

/// `[k, k + 1)` for an int input: one atom per row (and two outside).
fn int_band(k: i64) -> ValueSet {
    ValueSet { values: Values::Ints(IntervalSet::between(Cut::Below(k), Cut::Below(k + 1))), absent: false }
}

#[test]
fn tables_with_too_many_combinations_keep_the_bitsets_and_still_find_rows() {
    let int = Domain { kind: DomainKind::Int { non_negative: false }, optional: false };
    let any = int.universe();
    // 3 inputs of 42 atoms each: 74,088 combinations, over the bound.
    let rows: Vec<Vec<ValueSet>> = (0..40).map(|k| vec![int_band(k), int_band(k), any.clone()]).collect();
    let mut wide = rows.clone();
    wide.iter_mut().zip(0..).for_each(|(r, k)| r[2] = int_band(k));
    let lookup = Lookup::new(&[int.clone(), int.clone(), int.clone()], &wide);
    assert!(!lookup.is_dense());
    for k in [-1, 0, 17, 39, 40] {
        let expected = (0..40).contains(&k).then_some(k as usize);
        assert_eq!(lookup.find(&[Val::Int(k), Val::Int(k), Val::Int(k)]), expected);
    }
    assert_eq!(lookup.find(&[Val::Int(3), Val::Int(3), Val::Int(4)]), None);
    // The same table with its last input any value: 42 × 42 × 1, read from the array.
    let narrow = Lookup::new(&[int.clone(), int.clone(), int], &rows);
    assert!(narrow.is_dense());
    assert_eq!(narrow.find(&[Val::Int(3), Val::Int(3), Val::Int(4)]), Some(3));
}

const SCHEMA: &str = r#"
entity: account
key: id
fields:
  id: string
  credit_limit: money
  balance: money
  score: int
  segment: string?
"#;

/// A 40 × 25 matrix over an int and a quotient, like `benches/tables.rs`,
/// with a third, optional string input, `first` and an `else` row.
fn matrix() -> String {
    let mut t = String::from("let factor = table (score, balance / credit_limit, segment) -> decimal first {\n");
    for s in 0..40 {
        let score = match s {
            0 => "< 310".to_string(),
            39 => ">= 690".to_string(),
            _ => format!("[{}, {})", 300 + s * 10, 310 + s * 10),
        };
        for u in 0..25 {
            let util = match u {
                0 => "< 4%".to_string(),
                24 => ">= 96%".to_string(),
                _ => format!("[{}%, {}%)", u * 4, u * 4 + 4),
            };
            let segment = ["\"gold\"", "none", "_", "[\"gold\", \"silver\"]"][(s + u) % 4];
            t.push_str(&format!("  {score} | {util} | {segment} => {}.{}\n", 1 + s % 3, u % 10));
        }
    }
    t.push_str("  else => 9.9\n}\n");
    // One rule per value the table gives: the decision names the row's value.
    for value in (1..=3).flat_map(|a| (0..10).map(move |b| format!("{a}.{b}"))).chain(["9.9".to_string()]) {
        t.push_str(&format!("rule \"{value}\" {{ when factor == {value} then tag \"t\" }}\n"));
    }
    t
}

/// The value the matrix gives in row `row` (numbered from 0, `else` last).
fn matrix_value(row: usize) -> String {
    let (s, u) = (row / 25, row % 25);
    if s >= 40 {
        "9.9".to_string()
    } else {
        format!("{}.{}", 1 + s % 3, u % 10)
    }
}

#[test]
fn a_policy_matrix_is_read_from_the_array_and_matches_its_cells() {
    let policy = inline::load_over(SCHEMA, &matrix()).map_err(|e| format!("{:#?}", e.diagnostics)).unwrap();
    let tables = verdict::eval::tables(&policy.program);
    let table = &tables[0].table;
    assert!(table.lookup.is_dense(), "a 40 × 25 × 4 matrix is read from the array");
    let segments = [r#"null"#, r#""gold""#, r#""silver""#, r#""bronze""#];
    for i in 0..3000i64 {
        let (score, balance) = (290 + (i * 13) % 420, (i * 37) % 10_500);
        let segment = segments[(i % 4) as usize];
        let fields = format!(r#"{{"score":{score},"balance":"{balance}","segment":{segment}}}"#);
        let account = r#"{"id":"A-1","as_of":"2026-11-01","credit_limit":"10000","balance":"0","score":0}"#;
        let snapshot = inline::snapshot(&policy, account, &fields);
        let util = Decimal::from(balance) / Decimal::from(10_000);
        let seg = serde_json::from_str::<Option<String>>(segment).unwrap();
        let values = [Val::Int(score), Val::Dec(util), seg.as_deref().map_or(Val::None, Val::Str)];
        let expected = table
            .rows
            .iter()
            .position(|r| r.cells.iter().zip(values).all(|(c, v)| c.contains(v)))
            .unwrap_or(table.rows.len());
        // The interpreter (traces, explain, test, diff) ...
        let rows = verdict::eval::matched_rows(&policy.program, &snapshot, None, &tables);
        assert_eq!(rows, vec![Some(expected + 1)], "account {i}: {fields}");
        // ... and the lowered code, through the decision: the rule of the row's value fires.
        let decided = verdict::evaluate(&policy.program, &snapshot, EvalOptions::default()).unwrap();
        let fired: Vec<&str> = decided.fired.iter().map(|f| &**f).collect();
        assert_eq!(fired, vec![matrix_value(expected).as_str()], "account {i}: {fields}");
    }
}
