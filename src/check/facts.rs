//! Facts a condition states about the values it compares, and when a
//! conjunction of them cannot hold (for the reviewer lints in `lint.rs`).
//!
//! A comparison of an expression (a field, a let, any computed value: the
//! *term*) with a constant bounds the term. The constants are numbers, dates,
//! strings, enum members, and dates relative to `as_of` (`as_of - 30 days`):
//! `as_of` is one fixed day per evaluation, and `as_of ± n days` (or months)
//! is ordered by `n` within one unit. Integer and date terms are discrete, so
//! `days > 30 and days < 31` cannot hold. Conditions of any other form are
//! opaque, but a condition and its negation still contradict.

use super::cell::KnownRange;
use crate::diagnostic::Span;
use crate::ir::{Base, CmpOp, Const, TExpr, TKind};
use crate::value::{Date, Duration};
use rust_decimal::Decimal;
use std::cmp::Ordering;
use std::sync::Arc;

/// A condition of a conjunction, `not` already applied.
#[derive(Clone, Debug)]
pub(super) struct Lit {
    atom: Atom,
    span: Span,
    /// The condition as written holds (false: its negation is meant).
    pub(super) holds: bool,
}

#[derive(Clone, Debug)]
enum Atom {
    /// `term op value`
    Cmp { term: Term, op: CmpOp, val: Val },
    /// `term in [values]` (`negate`: `not in`)
    Member { term: Term, vals: Vec<Val>, negate: bool },
    /// Any other condition, by its shape, holding or not.
    Opaque { key: String, holds: bool },
}

/// The compared expression.
#[derive(Clone, Debug)]
struct Term {
    /// Its shape (spans left out), so two mentions of one expression match.
    key: String,
    /// Its values are whole numbers.
    int: bool,
    /// Its values are dates.
    date: bool,
    /// Every value it can take, for enums.
    domain: Option<Vec<Val>>,
    /// The range it always falls in (a count, a length, a score).
    range: Option<Arc<KnownRange>>,
}

/// A constant a term is compared with.
#[derive(Clone, Debug, PartialEq)]
enum Val {
    Num(Decimal),
    Date(Date),
    /// `as_of + offset` days (or calendar months).
    AsOf {
        months: bool,
        offset: i64,
    },
    Str(Arc<str>),
    Enum(u32),
    Bool(bool),
}

fn cmp(a: &Val, b: &Val) -> Option<Ordering> {
    match (a, b) {
        (Val::Num(x), Val::Num(y)) => Some(x.cmp(y)),
        (Val::Date(x), Val::Date(y)) => Some(x.cmp(y)),
        // `as_of + n units` grows strictly with `n`.
        (Val::AsOf { months: m1, offset: o1 }, Val::AsOf { months: m2, offset: o2 }) if m1 == m2 => Some(o1.cmp(o2)),
        (Val::AsOf { months: false, offset: days }, Val::AsOf { months: true, offset: months }) => {
            days_vs_months(*days, *months)
        }
        (Val::AsOf { months: true, offset: months }, Val::AsOf { months: false, offset: days }) => {
            days_vs_months(*days, *months).map(Ordering::reverse)
        }
        (Val::Str(x), Val::Str(y)) => Some(x.cmp(y)),
        (Val::Enum(x), Val::Enum(y)) => Some(x.cmp(y)),
        (Val::Bool(x), Val::Bool(y)) => Some(x.cmp(y)),
        _ => None,
    }
}

/// `as_of + days` against `as_of + months`: `n` calendar months span between
/// `28 n` and `31 n` days, so only offsets outside that range compare.
fn days_vs_months(days: i64, months: i64) -> Option<Ordering> {
    let (a, b) = (months.checked_mul(28)?, months.checked_mul(31)?);
    let (least, most) = (a.min(b), a.max(b));
    if days == 0 && months == 0 {
        Some(Ordering::Equal)
    } else if days < least {
        Some(Ordering::Less)
    } else if days > most {
        Some(Ordering::Greater)
    } else {
        None
    }
}

fn same(a: &Val, b: &Val) -> bool {
    cmp(a, b) == Some(Ordering::Equal)
}

impl Lit {
    /// Where the condition is written.
    pub(super) fn span(&self) -> Span {
        self.span
    }
    /// The condition `e` (`holds` false: its negation); `known` tells the
    /// range a term always falls in (counts, lengths, scores, lets of them).
    pub(super) fn new(e: &TExpr, holds: bool, known: &dyn Fn(&TExpr) -> Option<KnownRange>) -> Lit {
        let atom = atom(e, holds, known).unwrap_or_else(|| Atom::Opaque { key: key(e), holds });
        Lit { atom, span: e.span, holds }
    }

    /// Why the compared value always falls in a range, when it does.
    pub(super) fn known_range(&self) -> Option<&str> {
        term_of(&self.atom)?.range.as_deref().map(|r| r.why.as_str())
    }
}

fn atom(e: &TExpr, holds: bool, known: &dyn Fn(&TExpr) -> Option<KnownRange>) -> Option<Atom> {
    let term = |e: &TExpr| Term { range: known(e).map(Arc::new), ..term(e) };
    match &e.kind {
        TKind::Cmp { op, lhs, rhs, .. } => {
            let op = *op;
            let op = if holds { op } else { op.negate() };
            let (term, op, val) = match (value(rhs), value(lhs)) {
                (Some(v), None) => (term(lhs), op, v),
                (None, Some(v)) => (term(rhs), op.flip(), v),
                // `as_of` against a day: a bound on the day of the evaluation.
                (Some(v @ Val::Date(_)), Some(_)) if matches!(lhs.kind, TKind::AsOf) => (term(lhs), op, v),
                (Some(_), Some(v @ Val::Date(_))) if matches!(rhs.kind, TKind::AsOf) => (term(rhs), op.flip(), v),
                _ => return None,
            };
            match (&val, op) {
                // `x == true` is the condition `x`.
                (Val::Bool(b), CmpOp::Eq | CmpOp::Ne) => {
                    Some(Atom::Opaque { key: term.key, holds: *b == (op == CmpOp::Eq) })
                }
                (Val::Str(_) | Val::Enum(_) | Val::Bool(_), CmpOp::Lt | CmpOp::Le | CmpOp::Gt | CmpOp::Ge) => None,
                _ => Some(Atom::Cmp { term, op, val }),
            }
        }
        TKind::InList { negate, needle, items } => {
            let vals = items.iter().map(const_val).collect::<Option<Vec<_>>>()?;
            Some(Atom::Member { term: term(needle), vals, negate: *negate == holds })
        }
        TKind::IsNone { negate, operand } => {
            Some(Atom::Opaque { key: format!("none?{}", key(operand)), holds: *negate != holds })
        }
        // `"vip" in tags` and `"vip" not in tags` are one condition and its negation.
        TKind::InSet { negate, needle, set } => {
            Some(Atom::Opaque { key: format!("in-set?{}?{}", key(needle), key(set)), holds: *negate != holds })
        }
        TKind::InBatch { negate, needle, batch } => {
            Some(Atom::Opaque { key: format!("in-batch?{}?{batch}", key(needle)), holds: *negate != holds })
        }
        _ => None,
    }
}

fn const_val(c: &Const) -> Option<Val> {
    Some(match c {
        Const::Int(i) => Val::Num(Decimal::from(*i)),
        Const::Dec(d) => Val::Num(*d),
        Const::Date(d) => Val::Date(*d),
        Const::Str(s) => Val::Str(s.clone()),
        Const::Enum(i) => Val::Enum(*i),
        Const::Bool(b) => Val::Bool(*b),
        Const::None | Const::Duration(_) => return None,
    })
}

/// The expression as a constant (or a date relative to `as_of`), if it is one.
fn value(e: &TExpr) -> Option<Val> {
    match &e.kind {
        TKind::Const(c) => const_val(c),
        TKind::ToDec(inner) => value(inner),
        TKind::Neg(_, inner) => match value(inner)? {
            Val::Num(n) => Some(Val::Num(-n)),
            _ => None,
        },
        TKind::AsOf => Some(Val::AsOf { months: false, offset: 0 }),
        TKind::DateShift { subtract, date, by } if matches!(date.kind, TKind::AsOf) => {
            let (months, n) = match by {
                Duration::Days(n) => (false, *n),
                Duration::Months(n) => (true, *n),
            };
            let offset = if *subtract { n.checked_neg()? } else { n };
            Some(Val::AsOf { months, offset })
        }
        _ => None,
    }
}

fn term(e: &TExpr) -> Term {
    let e = match &e.kind {
        // An int compared with a decimal is widened; its values are still whole.
        TKind::ToDec(inner) => inner,
        _ => e,
    };
    let domain = match &e.ty.base {
        Base::Enum(members) => Some((0..members.len()).filter_map(|i| u32::try_from(i).ok()).map(Val::Enum).collect()),
        _ => None,
    };
    Term { key: key(e), int: e.ty.base == Base::Int, date: e.ty.base == Base::Date, domain, range: None }
}

/// The expression's shape without spans: equal for two mentions of one expression.
fn key(e: &TExpr) -> String {
    let debug = format!("{:?}", e.kind);
    let mut out = String::with_capacity(debug.len());
    let mut rest = debug.as_str();
    while let Some(i) = rest.find("Span {") {
        out.push_str(&rest[..i]);
        rest = rest[i..].find('}').map_or("", |j| &rest[i + j + 1..]);
    }
    out.push_str(rest);
    out
}

/// Why conditions cannot all hold, for the reviewer's help.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Conflict {
    /// Bounds that leave no number or date (`x < 600 and x > 700`).
    Bounds,
    /// Two different values asked of one term at once (`tier == "low" and
    /// tier == "high"`): `or` was meant.
    TwoValues,
    /// Exclusions that leave no value of an enum (`!= "a" and != "b"` over
    /// every member).
    NothingLeft,
    /// A condition and its negation.
    Negation,
}

/// When the conditions of a conjunction cannot all hold: those that
/// together are impossible (two, or every condition on one term when it
/// takes more), and why.
#[expect(clippy::indexing_slicing, reason = "`i` comes from enumerating `conj`, so `i + 1 ..` is at most its length")]
pub(super) fn contradiction(conj: &[Lit]) -> Option<(Vec<&Lit>, Conflict)> {
    for (i, a) in conj.iter().enumerate() {
        for b in &conj[i + 1..] {
            if pair_conflict(&a.atom, &b.atom) {
                let lits = vec![a, b];
                let why = conflict_of(&lits);
                return Some((lits, why));
            }
        }
    }
    let mut keys: Vec<&str> = conj.iter().filter_map(|l| term_of(&l.atom)).map(|t| t.key.as_str()).collect();
    keys.sort_unstable();
    keys.dedup();
    keys.into_iter().find_map(|k| {
        let lits: Vec<&Lit> = conj.iter().filter(|l| term_of(&l.atom).is_some_and(|t| t.key == k)).collect();
        group_conflict(&lits).then(|| {
            let why = conflict_of(&lits);
            (lits, why)
        })
    })
}

fn conflict_of(lits: &[&Lit]) -> Conflict {
    let asks_a_value = |a: &Atom| matches!(a, Atom::Cmp { op: CmpOp::Eq, .. } | Atom::Member { negate: false, .. });
    let excludes = |a: &Atom| matches!(a, Atom::Cmp { op: CmpOp::Ne, .. } | Atom::Member { negate: true, .. });
    let atoms = || lits.iter().map(|l| &l.atom);
    let asked = atoms().filter(|a| asks_a_value(a)).count();
    let excluded = atoms().filter(|a| excludes(a)).count();
    // `x == "a"` beside `x != "a"` (or `is_open`, which reads `status != "closed"`).
    let opposite = lits.len() == 2 && asked == 1 && excluded == 1;
    if opposite || atoms().all(|a| matches!(a, Atom::Opaque { .. })) {
        Conflict::Negation
    } else if asked >= 2 && asked + excluded == lits.len() {
        Conflict::TwoValues
    } else if atoms().all(excludes) || atoms().any(|a| term_of(a).is_some_and(|t| t.domain.is_some())) {
        Conflict::NothingLeft
    } else {
        Conflict::Bounds
    }
}

fn term_of(atom: &Atom) -> Option<&Term> {
    match atom {
        Atom::Cmp { term, .. } | Atom::Member { term, .. } => Some(term),
        Atom::Opaque { .. } => None,
    }
}

fn pair_conflict(a: &Atom, b: &Atom) -> bool {
    match (a, b) {
        (Atom::Opaque { key: k1, holds: h1 }, Atom::Opaque { key: k2, holds: h2 }) => k1 == k2 && h1 != h2,
        (Atom::Cmp { term: t1, .. }, _) | (Atom::Member { term: t1, .. }, _) => {
            let Some(t2) = term_of(b) else { return false };
            t1.key == t2.key && !satisfiable(t1, &[a, b])
        }
        _ => false,
    }
}

/// Three or more conditions on one term that only together are impossible
/// (`status != "a" and status != "b" and ...` over every member, `x >= 5 and x <= 5 and x != 5`).
fn group_conflict(lits: &[&Lit]) -> bool {
    let Some(term) = lits.first().and_then(|l| term_of(&l.atom)) else { return false };
    let atoms: Vec<&Atom> = lits.iter().map(|l| &l.atom).collect();
    !satisfiable(term, &atoms)
}

/// Whether some value of `term` meets every one of `atoms` (all about `term`).
/// Errs on the side of "yes" wherever values cannot be compared.
fn satisfiable(term: &Term, atoms: &[&Atom]) -> bool {
    let mut lowers = Vec::new();
    let mut uppers = Vec::new();
    if let Some(range) = &term.range {
        lowers.extend(range.low.map(|low| (Val::Num(low), false)));
        uppers.extend(range.high.map(|high| (Val::Num(high), false)));
    }
    let mut excluded = Vec::new();
    let mut candidates: Option<Vec<Val>> = term.domain.clone();
    let keep_only = |candidates: &mut Option<Vec<Val>>, allowed: &[Val]| {
        let current = candidates.take().unwrap_or_else(|| allowed.to_vec());
        *candidates = Some(current.into_iter().filter(|v| allowed.iter().any(|a| same(a, v))).collect());
    };
    for atom in atoms {
        match atom {
            Atom::Cmp { op, val, .. } => match op {
                CmpOp::Eq => keep_only(&mut candidates, std::slice::from_ref(val)),
                CmpOp::Ne => excluded.push(val.clone()),
                CmpOp::Gt | CmpOp::Ge => lowers.push(tighten(term, val, *op == CmpOp::Gt, true)),
                CmpOp::Lt | CmpOp::Le => uppers.push(tighten(term, val, *op == CmpOp::Lt, false)),
            },
            Atom::Member { vals, negate: false, .. } => keep_only(&mut candidates, vals),
            Atom::Member { vals, negate: true, .. } => excluded.extend(vals.iter().cloned()),
            Atom::Opaque { .. } => {}
        }
    }
    for (lo, lo_strict) in &lowers {
        for (hi, hi_strict) in &uppers {
            match cmp(lo, hi) {
                Some(Ordering::Greater) => return false,
                Some(Ordering::Equal) if *lo_strict || *hi_strict => return false,
                // Pinned to one value: it must not be excluded.
                Some(Ordering::Equal) if excluded.iter().any(|x| same(x, lo)) => return false,
                _ => {}
            }
        }
    }
    match candidates {
        Some(values) => values.iter().any(|v| {
            !excluded.iter().any(|x| same(x, v))
                && lowers.iter().all(|(lo, strict)| cmp(v, lo).is_none_or(|o| o.is_gt() || (o.is_eq() && !strict)))
                && uppers.iter().all(|(hi, strict)| cmp(v, hi).is_none_or(|o| o.is_lt() || (o.is_eq() && !strict)))
        }),
        None => true,
    }
}

/// A bound on a discrete term made inclusive (`days > 30` is `days >= 31`);
/// other bounds keep their strictness.
fn tighten(term: &Term, val: &Val, strict: bool, lower: bool) -> (Val, bool) {
    let step = |n: i64| if lower { n } else { -n };
    match val {
        Val::Num(n) if term.int => {
            let whole = if lower { n.ceil() } else { n.floor() };
            let bump = strict && whole == *n;
            (Val::Num(if bump { whole + Decimal::from(step(1)) } else { whole }), false)
        }
        Val::Date(d) if term.date && strict => match Duration::Days(step(1)).add_to(*d) {
            Some(next) => (Val::Date(next), false),
            None => (val.clone(), strict),
        },
        Val::AsOf { months: false, offset } if term.date && strict => match offset.checked_add(step(1)) {
            Some(o) => (Val::AsOf { months: false, offset: o }, false),
            None => (val.clone(), strict),
        },
        _ => (val.clone(), strict),
    }
}
