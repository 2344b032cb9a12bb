//! Checking cells (decision-table rows, scorecard bins) against their
//! input's type, into the exact set of values each matches.
//!
//! Literals have the input's type: an int literal stands for a decimal or
//! money value, a decimal or percentage for an `int` input is an error, an
//! enum's strings must be members. An interval that holds no value is an
//! error at the cell, and `none` only fits an input that may be absent.

use super::Checker;
use crate::cells::{day_number, Bits, Cut, Domain, DomainKind, IntervalSet, StrSet, ValueSet, Values};
use crate::diagnostic::{codes, did_you_mean};
use crate::ir::{AggFunc, Base, Builtin, TExpr, TKind};
use crate::syntax::cells::{Cell, CellKind, CellLit, CellOp, LitKind};
use rust_decimal::Decimal;
use std::collections::BTreeSet;
use std::sync::Arc;

/// A cell literal as a point of its input's domain.
enum Point {
    Int(i64),
    Dec(Decimal),
    Member(usize),
    Str(Arc<str>),
}

impl Checker<'_> {
    /// The domain of a cell's input, or `None` (reported) for a type a cell cannot test.
    pub(super) fn cell_domain(&mut self, input: &TExpr) -> Option<Domain> {
        let kind = match &input.ty.base {
            Base::Int => DomainKind::Int { non_negative: never_negative(input, &self.lets) },
            Base::Dec => DomainKind::Dec,
            Base::Date => DomainKind::Date,
            Base::Enum(members) => DomainKind::Enum(members.clone()),
            Base::Bool => DomainKind::Bool,
            Base::Str => DomainKind::Str,
            other => {
                let what = other.describe();
                self.err(
                    codes::CELL_TYPE,
                    input.span,
                    format!("a table input is a number, date, string, enum or bool, not {what}"),
                )
                .help = Some("compute a value from it first, e.g. `count(...)` of a set".into());
                return None;
            }
        };
        Some(Domain { kind, optional: input.ty.optional })
    }

    /// Checks a cell against its input's domain; `None` after reporting.
    pub(super) fn cell(&mut self, cell: &Cell, domain: &Domain, input: &str) -> Option<ValueSet> {
        match &cell.kind {
            CellKind::Any => Some(domain.universe()),
            CellKind::None => {
                if domain.optional {
                    return Some(ValueSet { absent: true, ..domain.nothing() });
                }
                self.err(
                    codes::NONE_CELL,
                    cell.span,
                    format!("`{input}` is never absent, so `none` matches nothing"),
                )
                .help = Some(none_cell_help(domain));
                None
            }
            CellKind::Cmp { op, lit } => {
                let point = self.cell_point(lit, domain, input)?;
                let ordered = matches!(domain.kind, DomainKind::Int { .. } | DomainKind::Dec | DomainKind::Date);
                if !ordered && !matches!(op.node, CellOp::Eq | CellOp::Ne) {
                    self.err(
                        codes::CELL_TYPE,
                        op.span,
                        format!("`{}` needs a number or a date; `{input}` has no order", op.node.symbol()),
                    )
                    .help = Some("test a value with a literal, `!=` or a list `[\"A\", \"B\"]`".into());
                    return None;
                }
                let values = cmp_values(op.node, &point, domain);
                Some(ValueSet { values: values.intersect(&domain.all_values()), absent: false })
            }
            CellKind::Interval { lo, lo_closed, hi, hi_closed } => {
                let (lo_p, hi_p) = (self.cell_point(lo, domain, input), self.cell_point(hi, domain, input));
                let (values, order) = match (lo_p?, hi_p?) {
                    (Point::Int(a), Point::Int(b)) => (
                        Values::Ints(from_bottom(IntervalSet::between(lower(a, *lo_closed), upper(b, *hi_closed)))),
                        a.cmp(&b),
                    ),
                    (Point::Dec(a), Point::Dec(b)) => {
                        (Values::Decs(IntervalSet::between(lower(a, *lo_closed), upper(b, *hi_closed))), a.cmp(&b))
                    }
                    _ => {
                        self.err(
                            codes::CELL_TYPE,
                            cell.span,
                            format!("an interval needs numbers or dates; `{input}` has no order"),
                        )
                        .help = Some("use a list `[\"A\", \"B\"]` for one of several values".into());
                        return None;
                    }
                };
                if values.is_empty() {
                    let text = self.source_text(cell.span);
                    let help = match order {
                        std::cmp::Ordering::Greater => {
                            "write the lower end first: `[a, b)` holds every value from a up to, not including, b"
                        }
                        std::cmp::Ordering::Equal => "`[a, a]` holds the one value a; an open end leaves a out",
                        // `(5, 6)` over an int input: no whole number lies strictly between.
                        std::cmp::Ordering::Less if matches!(domain.kind, DomainKind::Date) => {
                            "no day lies between its ends (the input is a date): close an end, as in `[a, b)`"
                        }
                        std::cmp::Ordering::Less => {
                            "no whole number lies between its ends (the input is an int): close an end, as in `[a, b)`"
                        }
                    };
                    self.err(codes::EMPTY_CELL, cell.span, format!("the interval `{text}` holds no value")).help =
                        Some(help.into());
                    return None;
                }
                Some(ValueSet { values: values.intersect(&domain.all_values()), absent: false })
            }
            CellKind::List(items) => self.list_cell(cell, items, domain, input),
        }
    }

    fn list_cell(&mut self, cell: &Cell, items: &[CellLit], domain: &Domain, input: &str) -> Option<ValueSet> {
        if !matches!(domain.kind, DomainKind::Enum(_) | DomainKind::Str) {
            self.err(
                codes::CELL_TYPE,
                cell.span,
                format!("a list cell holds strings or enum members; `{input}` is {}", describe(domain)),
            )
            .help =
                Some("an interval `[a, b]` or a comparison such as `>= a` tests a range of numbers or dates".into());
            return None;
        }
        let mut values = domain.nothing().values;
        let mut ok = true;
        for item in items {
            match self.cell_point(item, domain, input) {
                Some(p) => values = values.union(&cmp_values(CellOp::Eq, &p, domain)),
                None => ok = false,
            }
        }
        ok.then_some(ValueSet { values, absent: false })
    }

    /// A literal as a point of the domain; `None` after reporting.
    fn cell_point(&mut self, lit: &CellLit, domain: &Domain, input: &str) -> Option<Point> {
        let point = match (&domain.kind, &lit.node) {
            (DomainKind::Int { .. }, LitKind::Int(i)) => Some(Point::Int(*i)),
            (DomainKind::Int { .. }, LitKind::Decimal { percent, .. }) => {
                let what = if *percent { "a percentage" } else { "a decimal" };
                self.err(codes::CELL_TYPE, lit.span, format!("`{input}` is an int; {what} cannot stand for it")).help =
                    Some("write a whole number (an int input is compared with whole numbers)".into());
                return None;
            }
            (DomainKind::Dec, LitKind::Int(i)) => Some(Point::Dec(Decimal::from(*i))),
            (DomainKind::Dec, LitKind::Decimal { value, .. }) => Some(Point::Dec(*value)),
            (DomainKind::Date, LitKind::Date(d)) => Some(Point::Int(day_number(*d))),
            (DomainKind::Bool, LitKind::Bool(b)) => Some(Point::Member(usize::from(*b))),
            (DomainKind::Str, LitKind::Str(s)) => Some(Point::Str(s.as_str().into())),
            (DomainKind::Enum(members), LitKind::Str(s)) => match members.iter().position(|m| **m == **s) {
                Some(i) => Some(Point::Member(i)),
                None => {
                    let help = did_you_mean(s, members.iter().map(|m| &**m))
                        .unwrap_or_else(|| format!("the members are {}", crate::schema::enum_members_text(members)));
                    self.err(
                        codes::NOT_A_MEMBER,
                        lit.span,
                        format!("\"{s}\" is not a member of enum({})", crate::schema::enum_members_text(members)),
                    )
                    .help = Some(help);
                    return None;
                }
            },
            _ => None,
        };
        if point.is_none() {
            self.err(
                codes::CELL_TYPE,
                lit.span,
                format!("`{input}` is {}; this cell holds {}", describe(domain), lit.node.describe()),
            );
        }
        point
    }
}

fn describe(domain: &Domain) -> String {
    match &domain.kind {
        DomainKind::Int { .. } => "an int".into(),
        DomainKind::Dec => "a decimal".into(),
        DomainKind::Date => "a date".into(),
        DomainKind::Enum(m) => format!("an enum({})", crate::schema::enum_members_text(m)),
        DomainKind::Bool => "a bool".into(),
        DomainKind::Str => "a string".into(),
    }
}

/// Over ints nothing lies below the smallest int, so the cut just below it
/// is the bottom of the line: written so, a cell `[-9223372036854775808, 0)`
/// does not split off an empty atom beneath its lowest value.
fn from_bottom(set: IntervalSet<i64>) -> IntervalSet<i64> {
    let bottom = |c: Cut<i64>| if matches!(c, Cut::Below(i64::MIN)) { Cut::NegInf } else { c };
    set.segments()
        .iter()
        .fold(IntervalSet::empty(), |acc, (a, b)| acc.union(&IntervalSet::between(bottom(*a), bottom(*b))))
}

fn lower<T: crate::cells::interval::Point>(v: T, closed: bool) -> Cut<T> {
    if closed {
        Cut::Below(v)
    } else {
        Cut::Above(v)
    }
}

fn upper<T: crate::cells::interval::Point>(v: T, closed: bool) -> Cut<T> {
    if closed {
        Cut::Above(v)
    } else {
        Cut::Below(v)
    }
}

/// The values `op point` holds (`Eq` for a bare literal).
fn cmp_values(op: CellOp, point: &Point, domain: &Domain) -> Values {
    fn range<T: crate::cells::interval::Point>(op: CellOp, v: T) -> IntervalSet<T> {
        match op {
            CellOp::Eq => IntervalSet::point(v),
            CellOp::Ne => IntervalSet::point(v).complement(),
            CellOp::Lt => IntervalSet::between(Cut::NegInf, Cut::Below(v)),
            CellOp::Le => IntervalSet::between(Cut::NegInf, Cut::Above(v)),
            CellOp::Gt => IntervalSet::between(Cut::Above(v), Cut::PosInf),
            CellOp::Ge => IntervalSet::between(Cut::Below(v), Cut::PosInf),
        }
    }
    let eq = match point {
        Point::Int(v) => return Values::Ints(from_bottom(range(op, *v))),
        Point::Dec(v) => return Values::Decs(range(op, *v)),
        Point::Member(i) => {
            let len = match &domain.kind {
                DomainKind::Enum(m) => m.len(),
                _ => 2,
            };
            let mut bits = Bits::none(len);
            bits.insert(*i);
            Values::Bits(bits)
        }
        Point::Str(s) => Values::Strs(StrSet { items: BTreeSet::from([s.clone()]), cofinite: false }),
    };
    if op == CellOp::Ne {
        eq.complement()
    } else {
        eq
    }
}

/// What is known of a number's values whatever the account: its least and
/// greatest, and how a person is told why.
#[derive(Clone, Debug, PartialEq)]
pub(super) struct KnownRange {
    pub(super) low: Option<Decimal>,
    pub(super) high: Option<Decimal>,
    pub(super) why: String,
}

/// The range `e` always falls in, when it is a count or a length (never
/// below 0), a scorecard's score (from its base with each characteristic's
/// fewest points to its base with each one's most), or a let of one.
pub(super) fn known_range(e: &TExpr, lets: &[crate::ir::LetDef]) -> Option<KnownRange> {
    match &e.kind {
        TKind::ToDec(inner) => known_range(inner, lets),
        TKind::Let(i) => {
            let def = lets.get(*i)?;
            match &def.value.kind {
                TKind::Scorecard(card) => {
                    let (low, high) =
                        card.characteristics.iter().try_fold((card.base, card.base), |(low, high), c| {
                            let points = c.bins.iter().map(|b| b.points);
                            Some((low.checked_add(points.clone().min()?)?, high.checked_add(points.max()?)?))
                        })?;
                    let (shown_low, shown_high) =
                        (crate::value::format_decimal(low), crate::value::format_decimal(high));
                    let why = format!("the scorecard `{}` scores from {shown_low} to {shown_high}", def.name);
                    Some(KnownRange { low: Some(low), high: Some(high), why })
                }
                _ => known_range(&def.value, lets),
            }
        }
        _ if never_negative(e, lets) => Some(KnownRange {
            low: Some(Decimal::ZERO),
            high: None,
            why: "a count or a length is never below 0".into(),
        }),
        _ => None,
    }
}

/// Whether `e` is never below 0: a count, a length, or a let of one.
pub(super) fn never_negative(e: &TExpr, lets: &[crate::ir::LetDef]) -> bool {
    match &e.kind {
        TKind::Agg(agg) => agg.func == AggFunc::Count,
        TKind::SetCount(_) => true,
        TKind::Call { func, .. } => matches!(func, Builtin::LenStr | Builtin::LenSet),
        TKind::Let(i) => lets.get(*i).is_some_and(|l| never_negative(&l.value, lets)),
        _ => false,
    }
}

/// The help for a `none` cell on an input that is never absent: an enum with
/// a member named `none` is matched by the quoted name, as any member is.
fn none_cell_help(domain: &Domain) -> String {
    match &domain.kind {
        DomainKind::Enum(members) if members.iter().any(|m| &**m == "none") => {
            "unquoted, `none` is the absent value; the member named none is written `\"none\"`".into()
        }
        _ => "`none` is for an optional input; use `_` for any value".into(),
    }
}
