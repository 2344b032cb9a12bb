//! Scoring an account: each characteristic's value finds its bin (one search
//! over the input's atoms), the points add up to the score, and the points
//! lost rank the scorecard's reasons.

use super::expr::{Ctx, EvalResult};
use super::Reason;
use crate::compile::lower::{DecCode, IntCode, LetCode};
use crate::compile::Program;
use crate::ir::exact;
use crate::ir::scorecard::{TCharacteristic, TScorecard};
use crate::ir::TKind;
use crate::value::{EvalFailure, Val};
use rust_decimal::Decimal;
use std::sync::Arc;

/// A scorecard's value for one account.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Score {
    /// The scorecard's let.
    pub name: Arc<str>,
    /// Its value, exactly.
    pub value: Decimal,
}

/// How one characteristic scored.
#[derive(Clone, Copy, Debug)]
pub struct CharacteristicScore<'a> {
    /// The input's value.
    pub value: Val<'a>,
    /// The bin it fell in (index into the characteristic's bins).
    pub bin: usize,
    /// The bin's points.
    pub points: Decimal,
    /// The characteristic's best points minus these.
    pub lost: Decimal,
}

/// The score: base plus each characteristic's points.
pub(crate) fn score<'a>(ctx: &mut Ctx<'a>, card: &'a TScorecard) -> EvalResult<'a> {
    let mut total = card.base;
    for c in &card.characteristics {
        let v = ctx.eval(&c.input)?;
        let points = points_of(c, v)?;
        total = exact::add(total, points).ok_or_else(|| EvalFailure::eval("the score overflows"))?;
    }
    if card.int {
        let whole = i64::try_from(total).map_err(|_| EvalFailure::eval("the score is out of range"))?;
        Ok(Val::Int(whole))
    } else {
        Ok(Val::Dec(total))
    }
}

#[inline]
fn points_of(c: &TCharacteristic, v: Val<'_>) -> Result<Decimal, EvalFailure> {
    c.bin_of(v).and_then(|b| c.bins.get(b)).map(|b| b.points).ok_or_else(|| no_bin(c))
}

#[cold]
pub(crate) fn no_bin(c: &TCharacteristic) -> EvalFailure {
    EvalFailure::eval(format!("internal: no bin of characteristic {} matched", c.code))
}

/// Each characteristic's value, bin, points and points lost, in declaration order.
pub fn breakdown<'a>(ctx: &mut Ctx<'a>, card: &'a TScorecard) -> Result<Vec<CharacteristicScore<'a>>, EvalFailure> {
    let mut out = Vec::with_capacity(card.characteristics.len());
    for c in &card.characteristics {
        let value = ctx.eval(&c.input)?;
        let bin = c.bin_of(value).ok_or_else(|| no_bin(c))?;
        let points = c.bins.get(bin).map(|b| b.points).ok_or_else(|| no_bin(c))?;
        out.push(CharacteristicScore { value, bin, points, lost: c.best - points });
    }
    Ok(out)
}

/// The scorecard of let `index`, if it is one.
pub fn scorecard_of(program: &Program, index: usize) -> Option<&TScorecard> {
    match &program.lets.get(index)?.value.kind {
        TKind::Scorecard(card) => Some(card),
        _ => None,
    }
}

/// The reasons `reasons from` adds: the characteristics that lost points,
/// most first (ties in declaration order), at most `top`, leaving out codes
/// the decision already has (`has`). `card` is the scorecard of a let (by
/// index); when tracing, its breakdown is kept in `cards` (once), so that
/// the trace does not work it out again ([`traces`]).
pub(crate) fn reasons<'a>(
    ctx: &mut Ctx<'a>,
    (let_index, card): (usize, &'a TScorecard),
    top: usize,
    rule: &Arc<str>,
    has: impl Fn(&str) -> bool,
    cards: Option<&mut Vec<ScorecardTrace>>,
) -> Result<Vec<Reason>, EvalFailure> {
    let scored = breakdown(ctx, card)?;
    if let Some(cards) = cards.filter(|cards| cards.iter().all(|kept| kept.scorecard != let_index)) {
        cards.push(ScorecardTrace { scorecard: let_index, characteristics: traced_characteristics(card, &scored) });
    }
    let mut losing: Vec<(usize, Decimal)> =
        scored.iter().enumerate().filter(|(_, s)| s.lost > Decimal::ZERO).map(|(i, s)| (i, s.lost)).collect();
    // A stable sort keeps declaration order among equal losses.
    losing.sort_by_key(|l| std::cmp::Reverse(l.1));
    let mut out: Vec<Reason> = Vec::new();
    for (i, _) in losing.into_iter().take(top) {
        let Some(c) = card.characteristics.get(i) else { continue };
        if has(&c.code) || out.iter().any(|r| r.code == c.code) {
            continue;
        }
        out.push(Reason { code: c.code.clone(), text: c.text.clone(), rule: rule.clone() });
    }
    Ok(out)
}

/// Every scorecard of the policy, in declaration order, for one account;
/// `lowered`: computed by the lowered code (the untraced fast path).
pub(crate) fn scores(ctx: &mut Ctx<'_>, lowered: bool) -> Result<Vec<Score>, EvalFailure> {
    let program = ctx.program;
    // Sized once from the compile-time list: an empty vector went through
    // `grow_one` on every decision's first score.
    let mut out = Vec::with_capacity(program.scorecard_lets.len());
    for &i in program.scorecard_lets.iter() {
        let Some(def) = program.lets.get(i) else { continue };
        let value = if lowered { super::run::let_value(ctx, i)? } else { ctx.let_value(i)? };
        let value = match value {
            Val::Int(n) => Decimal::from(n),
            Val::Dec(d) => d,
            _ => return Err(EvalFailure::eval(format!("internal: scorecard `{}` is not a number", def.name))),
        };
        // A lowered scorecard has its name shared; another is named afresh.
        let name = match program.let_code.get(i) {
            Some(LetCode::Int(IntCode::Scorecard(code))) => code.name.clone(),
            Some(LetCode::Dec(DecCode::Scorecard(code))) => code.name.clone(),
            _ => def.name.as_str().into(),
        };
        out.push(Score { name, value });
    }
    Ok(out)
}

/// One account's scorecards, each with the bin every characteristic fell in
/// (for `verdict stability`): `(let index, score, bins)`, in declaration order.
pub type AccountScores = Vec<(usize, Decimal, Vec<usize>)>;

/// Scores one snapshot on every scorecard of `program`, without running the rules.
///
/// # Errors
///
/// A characteristic that fails, or a snapshot without `as_of` and no default.
pub fn score_snapshot(
    program: &Program,
    snapshot: &crate::snapshot::Snapshot,
    default_as_of: Option<crate::value::Date>,
) -> Result<AccountScores, EvalFailure> {
    let as_of = snapshot.as_of.or(default_as_of).ok_or_else(|| EvalFailure::eval(super::NO_AS_OF))?;
    let mut ctx = Ctx::new(program, &snapshot.record, as_of);
    let mut out = Vec::new();
    for (i, def) in program.lets.iter().enumerate() {
        let TKind::Scorecard(card) = &def.value.kind else { continue };
        let scored = breakdown(&mut ctx, card)?;
        let mut total = card.base;
        for s in &scored {
            total = exact::add(total, s.points).ok_or_else(|| EvalFailure::eval("the score overflows"))?;
        }
        out.push((i, total, scored.iter().map(|s| s.bin).collect()));
    }
    Ok(out)
}

/// A scorecard as `--trace` and `explain` show it.
#[derive(Clone, Debug, PartialEq)]
pub struct ScorecardTrace {
    /// The scorecard's let.
    pub scorecard: usize,
    /// One per characteristic, in declaration order.
    pub characteristics: Vec<CharacteristicTrace>,
}

/// One characteristic's value, bin, points and points lost.
#[derive(Clone, Debug, PartialEq)]
pub struct CharacteristicTrace {
    /// The input's value.
    pub value: crate::value::Traced,
    /// The bin it fell in (index into the characteristic's bins).
    pub bin: usize,
    /// The bin's points.
    pub points: Decimal,
    /// The characteristic's best points minus these.
    pub lost: Decimal,
}

/// Every scorecard's breakdown for a traced account, in declaration order;
/// those in `kept` (worked out while ranking reasons) are not worked out again.
pub(crate) fn traces(ctx: &mut Ctx<'_>, mut kept: Vec<ScorecardTrace>) -> Result<Vec<ScorecardTrace>, EvalFailure> {
    let program = ctx.program;
    let mut out = Vec::with_capacity(program.scorecard_lets.len());
    for &i in program.scorecard_lets.iter() {
        let Some(TKind::Scorecard(card)) = program.lets.get(i).map(|def| &def.value.kind) else { continue };
        if let Some(at) = kept.iter().position(|k| k.scorecard == i) {
            out.push(kept.swap_remove(at));
            continue;
        }
        let characteristics = traced_characteristics(card, &breakdown(ctx, card)?);
        out.push(ScorecardTrace { scorecard: i, characteristics });
    }
    Ok(out)
}

/// A scorecard's breakdown as a trace keeps it.
fn traced_characteristics(card: &TScorecard, scored: &[CharacteristicScore<'_>]) -> Vec<CharacteristicTrace> {
    card.characteristics
        .iter()
        .zip(scored)
        .map(|(c, s)| CharacteristicTrace {
            value: crate::value::Traced::of_shared(s.value, super::trace::enum_members(&c.input)),
            bin: s.bin,
            points: s.points,
            lost: s.lost,
        })
        .collect()
}
