use super::analysis::{prove, prove_afresh, Grid};
use super::atoms::Atoms;
use super::*;

fn int_domain(optional: bool) -> Domain {
    Domain { kind: DomainKind::Int { non_negative: false }, optional }
}

fn ints(lo: Cut<i64>, hi: Cut<i64>) -> ValueSet {
    ValueSet { values: Values::Ints(IntervalSet::between(lo, hi)), absent: false }
}

fn enum_domain() -> Domain {
    let members: Arc<[Box<str>]> = vec!["prime".into(), "near".into(), "sub".into()].into();
    Domain { kind: DomainKind::Enum(members), optional: false }
}

fn member(i: usize) -> ValueSet {
    let mut bits = Bits::none(3);
    bits.insert(i);
    ValueSet { values: Values::Bits(bits), absent: false }
}

#[test]
fn absence_is_a_point_of_its_own() {
    let d = int_domain(true);
    let any = d.universe();
    let none = ValueSet { absent: true, ..d.nothing() };
    let present = any.minus(&none);
    assert!(!present.absent && !present.is_empty());
    assert_eq!(none.example(&d), Some(Sample::Absent));
    assert!(none.complement(&d) == present);
    assert!(any.contains(Val::None) && !present.contains(Val::None));
}

#[test]
fn enum_and_string_sets() {
    let d = enum_domain();
    let not_prime = member(0).complement(&d);
    assert_eq!(not_prime.example(&d), Some(Sample::Enum(1)));
    assert!(member(0).union(&not_prime) == d.universe());
    let a = StrSet { items: ["A".into()].into(), cofinite: false };
    let not_a = StrSet { items: ["A".into()].into(), cofinite: true };
    assert!(a.contains("A") && !not_a.contains("A") && not_a.contains("B"));
    assert_eq!(not_a.example().as_deref(), Some("other"));
    let strs = |s: StrSet| ValueSet { values: Values::Strs(s), absent: false };
    assert!(strs(a).intersect(&strs(not_a)).is_empty());
}

#[test]
fn non_negative_ints_start_at_zero() {
    let d = Domain { kind: DomainKind::Int { non_negative: true }, optional: false };
    let rest = ints(Cut::Below(1), Cut::PosInf).complement(&d);
    assert_eq!(rest.example(&d), Some(Sample::Int(0)));
    let zero_or_more = ints(Cut::NegInf, Cut::Above(0)).union(&ints(Cut::Below(1), Cut::PosInf));
    assert!(zero_or_more.complement(&d).is_empty());
}

#[test]
fn atoms_split_at_every_end_and_locate_values() {
    let d = int_domain(true);
    let cells =
        [ints(Cut::NegInf, Cut::Above(0)), ints(Cut::Below(1), Cut::Above(15)), ints(Cut::Below(16), Cut::PosInf)];
    let atoms = Atoms::of(&d, &cells.iter().collect::<Vec<_>>());
    assert_eq!(atoms.samples, vec![Sample::Int(0), Sample::Int(1), Sample::Int(16), Sample::Absent]);
    for (v, atom) in [(-5, 0), (0, 0), (1, 1), (15, 1), (16, 2), (1000, 2)] {
        assert_eq!(atoms.locate(Val::Int(v)), Some(atom), "{v}");
    }
    assert_eq!(atoms.locate(Val::None), Some(3));
}

#[test]
fn decimal_atoms_keep_points_apart() {
    let d = Domain { kind: DomainKind::Dec, optional: false };
    let lt = ValueSet {
        values: Values::Decs(IntervalSet::between(Cut::NegInf, Cut::Below(Decimal::new(3, 1)))),
        absent: false,
    };
    let ge = lt.complement(&d);
    let atoms = Atoms::of(&d, &[&lt, &ge]);
    assert_eq!(atoms.samples, vec![Sample::Dec(Decimal::new(-7, 1)), Sample::Dec(Decimal::new(3, 1))]);
    assert_eq!(atoms.locate(Val::Dec(Decimal::new(29, 2))), Some(0));
    assert_eq!(atoms.locate(Val::Dec(Decimal::new(3, 1))), Some(1));
    assert!(
        matches!(&atoms.locator, super::atoms::Locator::Decs { cuts } if cuts.is_scaled()),
        "the cuts are searched as mantissas: {:?}",
        atoms.locator
    );
    // A 28-digit quotient and a whole number, at other scales than the cut's.
    let third = Decimal::ONE / Decimal::from(3);
    assert_eq!(atoms.locate(Val::Dec(third)), Some(1));
    assert_eq!(atoms.locate(Val::Dec(Decimal::new(2999, 4))), Some(0));
    assert_eq!(atoms.locate(Val::Int(0)), Some(0));
    assert_eq!(atoms.locate(Val::Int(1)), Some(1));
    let le = ValueSet {
        values: Values::Decs(IntervalSet::between(Cut::NegInf, Cut::Above(Decimal::new(3, 1)))),
        absent: false,
    };
    let atoms = Atoms::of(&d, &[&le, &ge]);
    assert_eq!(atoms.samples.len(), 3, "below 0.3, 0.3 itself, above 0.3");
}

#[test]
fn proof_finds_the_gap_the_overlap_and_the_covered_row() {
    let d = [int_domain(false), enum_domain()];
    let rows = vec![
        vec![ints(Cut::NegInf, Cut::Below(600)), d[1].universe()],
        vec![ints(Cut::Below(600), Cut::Above(700)), member(0)],
        vec![ints(Cut::Below(650), Cut::PosInf), d[1].universe()],
    ];
    let found = prove(&Grid { domains: &d, rows: &rows });
    // 600..649 with "near" or "sub" matches nothing.
    assert_eq!(found.gap, Some(vec![Sample::Int(600), Sample::Enum(1)]));
    assert_eq!(found.overlaps, vec![(1, 2, vec![Sample::Int(650), Sample::Enum(0)])]);
    assert_eq!(found.first_of_some, vec![true, true, true]);
    assert_eq!(found.covered_by[2], vec![1]);
}

#[test]
fn a_row_inside_earlier_ones_is_never_first() {
    let d = [int_domain(false)];
    let rows = vec![
        vec![ints(Cut::NegInf, Cut::Above(10))],
        vec![ints(Cut::Below(11), Cut::PosInf)],
        vec![ints(Cut::Below(5), Cut::Above(20))],
    ];
    let found = prove(&Grid { domains: &d, rows: &rows });
    assert_eq!(found.gap, None);
    assert_eq!(found.first_of_some, vec![true, true, false]);
    assert_eq!(found.covered_by[2], vec![0, 1]);
}

#[test]
fn an_enum_member_is_shown_quoted_as_a_policy_writes_it() {
    let members: Arc<[Box<str>]> = vec!["prime".into(), "a\"b".into(), "x\\y".into()].into();
    let d = Domain { kind: DomainKind::Enum(members), optional: false };
    assert_eq!(d.show(&Sample::Enum(0)), "\"prime\"");
    assert_eq!(d.show(&Sample::Enum(1)), "\"a\\\"b\"");
    assert_eq!(d.show(&Sample::Enum(2)), "\"x\\\\y\"");
}

#[test]
fn bits_list_their_members_in_order_across_words() {
    let mut bits = Bits::none(200);
    for i in [0, 5, 63, 64, 130, 199, 250] {
        bits.insert(i);
    }
    assert_eq!(bits.members().collect::<Vec<_>>(), [0, 5, 63, 64, 130, 199]);
    assert_eq!(Bits::none(70).members().count(), 0);
    assert_eq!(Bits::all(70).members().count(), 70);
}

/// A large table's proof is remembered by the whole grid: two tables that
/// differ only in their last row are proved each as itself, however often
/// and in whatever order they are checked.
#[test]
fn a_remembered_proof_is_the_proof_of_that_very_table() {
    let d = [int_domain(false)];
    // 100 one-value rows from 0, then everything from 101 on: 100 is a gap.
    let mut with_gap: Vec<Vec<ValueSet>> = (0..100).map(|i| vec![ints(Cut::Below(i), Cut::Above(i))]).collect();
    with_gap.insert(0, vec![ints(Cut::NegInf, Cut::Below(0))]);
    let mut closed = with_gap.clone();
    with_gap.push(vec![ints(Cut::Below(101), Cut::PosInf)]);
    closed.push(vec![ints(Cut::Below(100), Cut::PosInf)]);
    for _ in 0..2 {
        for rows in [&with_gap, &closed] {
            let grid = Grid { domains: &d, rows };
            assert_eq!(prove(&grid), prove_afresh(&grid));
        }
    }
    assert_eq!(prove(&Grid { domains: &d, rows: &with_gap }).gap, Some(vec![Sample::Int(100)]));
    assert_eq!(prove(&Grid { domains: &d, rows: &closed }).gap, None);
}

/// `held_by` finds by search exactly the atoms a test of every atom finds,
/// for every kind of cell: ints, dates, decimals (points and open ends),
/// enum members, strings listed and all but some, with absence or not.
mod held_by {
    use super::*;
    use proptest::prelude::*;

    fn tested(atoms: &Atoms, cell: &ValueSet) -> Vec<usize> {
        (0..atoms.len()).filter(|a| atoms.samples.get(*a).is_some_and(|s| cell.contains_sample(s))).collect()
    }

    fn cut_i(kind: u8, v: i64) -> Cut<i64> {
        match kind % 4 {
            0 => Cut::NegInf,
            1 => Cut::Below(v),
            2 => Cut::Above(v),
            _ => Cut::PosInf,
        }
    }

    fn cut_d(kind: u8, v: i64) -> Cut<Decimal> {
        let d = Decimal::new(v, 1);
        match kind % 4 {
            0 => Cut::NegInf,
            1 => Cut::Below(d),
            2 => Cut::Above(d),
            _ => Cut::PosInf,
        }
    }

    fn same_for(domain: &Domain, cells: &[ValueSet]) {
        let refs: Vec<&ValueSet> = cells.iter().collect();
        let atoms = Atoms::of(domain, &refs);
        for cell in cells.iter().chain([&domain.universe(), &domain.nothing()]) {
            assert_eq!(atoms.held_by(cell), tested(&atoms, cell), "{cell:?} over {atoms:?}");
        }
    }

    proptest! {
        #[test]
        fn over_numbers(rows in proptest::collection::vec((0u8..4, -20i64..20, 0u8..4, -20i64..20, any::<bool>()), 1..12), optional: bool, dates: bool) {
            let kind = if dates { DomainKind::Date } else { DomainKind::Int { non_negative: false } };
            let domain = Domain { kind, optional };
            let cells: Vec<ValueSet> = rows.iter().map(|&(a, x, b, y, absent)| {
                let set = IntervalSet::between(cut_i(a, x.min(y)), cut_i(b, x.max(y)));
                ValueSet { values: Values::Ints(set), absent: absent && optional }
            }).collect();
            same_for(&domain, &cells);
            let domain = Domain { kind: DomainKind::Dec, optional };
            let cells: Vec<ValueSet> = rows.iter().map(|&(a, x, b, y, absent)| {
                let lo = IntervalSet::between(cut_d(a, x.min(y)), cut_d(b, x.max(y)));
                let set = if a == b { lo.union(&IntervalSet::point(Decimal::new(y, 1))) } else { lo };
                ValueSet { values: Values::Decs(set), absent: absent && optional }
            }).collect();
            same_for(&domain, &cells);
        }

        #[test]
        fn over_members_and_strings(rows in proptest::collection::vec((0u8..8, any::<bool>()), 1..8)) {
            let domain = enum_domain();
            let cells: Vec<ValueSet> = rows.iter().map(|&(m, _)| {
                let mut bits = Bits::none(3);
                (0..3).filter(|i| m & (1 << i) != 0).for_each(|i| bits.insert(i));
                ValueSet { values: Values::Bits(bits), absent: false }
            }).collect();
            same_for(&domain, &cells);
            let domain = Domain { kind: DomainKind::Str, optional: true };
            let names = ["A", "B", "C"];
            let cells: Vec<ValueSet> = rows.iter().map(|&(m, cofinite)| {
                let items = (0..3).filter(|i| m & (1 << i) != 0).filter_map(|i| names.get(i)).map(|n| Arc::from(*n)).collect();
                ValueSet { values: Values::Strs(StrSet { items, cofinite }), absent: m % 2 == 0 }
            }).collect();
            same_for(&domain, &cells);
        }
    }
}
