//! Running a lowered scorecard ([`crate::compile::lower::scorecard`]): per
//! characteristic a typed input, a search over precomputed boundaries and
//! one add. The interpreter's `eval::scorecard` gives the same score, the
//! same failures in the same order, and the same reasons; traces and
//! `explain` keep using it, for the bins they show.

use super::{Ctx, Failed, Run, Runner};
use crate::compile::lower::scorecard::{atom_of, CharCode, Input, Points, ScoreCode, Search};
use crate::compile::lower::{DecCode, IntCode, LetCode};
use crate::value::{EvalFailure, Val};
use rust_decimal::Decimal;
use std::cell::Cell;
use std::thread::LocalKey;

/// The characteristics `reasons from` the scorecard of let `index` adds,
/// by index, most points lost first (ties in declaration order), at most
/// `top`, each passed to `each`; `None` when that scorecard is not lowered.
pub(crate) fn reasons<'a>(
    ctx: &mut Ctx<'a>,
    index: usize,
    top: usize,
    mut each: impl FnMut(usize),
) -> Option<Result<(), EvalFailure>> {
    let program = ctx.program;
    let account = ctx.account;
    let mut runner = Runner { ctx, account };
    let ranked = match program.let_code.get(index)? {
        LetCode::Int(IntCode::Scorecard(code)) => runner.rank(code, top, &mut each),
        LetCode::Dec(DecCode::Scorecard(code)) => runner.rank(code, top, &mut each),
        _ => return None,
    };
    Some(
        ranked
            .map_err(|Failed| runner.ctx.parked.take().unwrap_or_else(|| EvalFailure::internal("a failure was lost"))),
    )
}

/// Per-thread buffers for the points lost of one account's characteristics
/// (one per point type), so that ranking reasons allocates nothing once a
/// worker has ranked its first account.
pub(crate) trait LostBuffer: Points {
    /// Runs `f` with this thread's buffer (a fresh one if it is in use).
    fn with_buffer<R>(f: impl FnOnce(&mut Vec<Self>) -> R) -> R;
}

thread_local! {
    static LOST_INT: Cell<Vec<i64>> = const { Cell::new(Vec::new()) };
    static LOST_DEC: Cell<Vec<Decimal>> = const { Cell::new(Vec::new()) };
}

/// Runs `f` with the thread's buffer, taken out for the call and put back
/// after it (a nested call, or one while the thread is ending, gets a fresh one).
fn with<P, R>(buffer: &'static LocalKey<Cell<Vec<P>>>, f: impl FnOnce(&mut Vec<P>) -> R) -> R {
    let mut kept = buffer.try_with(Cell::take).unwrap_or_default();
    let r = f(&mut kept);
    let _ = buffer.try_with(|cell| cell.set(kept));
    r
}

impl LostBuffer for i64 {
    fn with_buffer<R>(f: impl FnOnce(&mut Vec<Self>) -> R) -> R {
        with(&LOST_INT, f)
    }
}

impl LostBuffer for Decimal {
    fn with_buffer<R>(f: impl FnOnce(&mut Vec<Self>) -> R) -> R {
        with(&LOST_DEC, f)
    }
}

/// Calls `each` with the indices of the `top` largest positive losses,
/// largest first, ties in index order: the first `top` of a stable sort by
/// loss, descending, without sorting (`top` passes over the losses).
pub(crate) fn for_top<P: Points>(lost: &[P], top: usize, mut each: impl FnMut(usize)) {
    let mut prev: Option<(P, usize)> = None;
    for _ in 0..top {
        let mut best: Option<(P, usize)> = None;
        for (k, l) in lost.iter().enumerate() {
            let after_prev = prev.is_none_or(|(pl, pk)| *l < pl || (*l == pl && k > pk));
            if *l > P::ZERO && after_prev && best.is_none_or(|(bl, _)| *l > bl) {
                best = Some((*l, k));
            }
        }
        let Some(found) = best else { return };
        each(found.1);
        prev = Some(found);
    }
}

impl<'a> Runner<'_, 'a> {
    /// An int scorecard's score, added up in an `i64`; past its range, in a
    /// `Decimal` as the interpreter adds it (same value, same failures).
    // Out of line: a dispatcher reaches it by a tail call.
    #[inline(never)]
    pub(super) fn int_score(&mut self, code: &'a ScoreCode<i64>) -> Run<i64> {
        let mut total = code.base;
        for (k, c) in code.characteristics.iter().enumerate() {
            let points = self.points(code, k, c)?;
            match total.checked_add(points) {
                Some(t) => total = t,
                None => return self.int_score_wide(code, k, total, points),
            }
        }
        Ok(total)
    }

    #[cold]
    fn int_score_wide(&mut self, code: &'a ScoreCode<i64>, k: usize, total: i64, points: i64) -> Run<i64> {
        let mut wide = Decimal::from(total).checked_add(Decimal::from(points));
        for (j, c) in code.characteristics.iter().enumerate().skip(k + 1) {
            let points = self.points(code, j, c)?;
            wide = wide.and_then(|w| w.checked_add(Decimal::from(points)));
            if wide.is_none() {
                break;
            }
        }
        match wide.map(i64::try_from) {
            Some(Ok(whole)) => Ok(whole),
            Some(Err(_)) => self.fail(EvalFailure::eval("the score is out of range")),
            None => self.fail(EvalFailure::eval("the score overflows")),
        }
    }

    /// A decimal scorecard's score, added up exactly in declaration order.
    // Out of line: a dispatcher reaches it by a tail call.
    #[inline(never)]
    pub(super) fn dec_score(&mut self, code: &'a ScoreCode<Decimal>) -> Run<Decimal> {
        let mut total = code.base;
        for (k, c) in code.characteristics.iter().enumerate() {
            let points = self.points(code, k, c)?;
            match crate::ir::exact::add(total, points) {
                Some(t) => total = t,
                None => return self.fail(EvalFailure::eval("the score overflows")),
            }
        }
        Ok(total)
    }

    /// Characteristic `k`'s points and points lost for this account.
    #[inline]
    fn scored<P: Points>(&mut self, code: &'a ScoreCode<P>, k: usize, c: &'a CharCode<P>) -> Run<(P, P)> {
        match self.atom(c)? {
            Ok(atom) => match c.at(atom) {
                Some(found) => Ok(found),
                None => self.atom_without_points(code, k),
            },
            Err(v) => self.by_bins(code, k, v),
        }
    }

    /// Characteristic `k`'s points for this account (the score's path: points lost are not read).
    #[inline]
    fn points<P: Points>(&mut self, code: &'a ScoreCode<P>, k: usize, c: &'a CharCode<P>) -> Run<P> {
        match self.atom(c)?.map(|atom| c.points.get(atom)) {
            Ok(Some(points)) => Ok(*points),
            Ok(None) => self.atom_without_points(code, k),
            Err(v) => self.by_bins(code, k, v).map(|(p, _)| p),
        }
    }

    /// The atom of a characteristic's input for this account, or the value
    /// when it finds none. An int input searched by its boundaries (the
    /// common case: a field or an int let) and a decimal input searched by
    /// its cuts are located by their type, never wrapped in a `Val` to be
    /// matched again (the same atom [`CharCode::locate`] finds).
    #[inline(always)]
    fn atom<P: Points>(&mut self, c: &'a CharCode<P>) -> Run<Result<usize, Val<'a>>> {
        match (&c.input, &c.search) {
            (Input::Int(input), Search::Ints(starts)) => return Ok(Ok(atom_of(starts, self.int_operand(input)?))),
            (Input::Dec(input), Search::Atoms(atoms)) => {
                let d = self.dec_operand(input)?;
                return Ok(atoms.locate_dec(d).ok_or(Val::Dec(d)));
            }
            _ => {}
        }
        let v = match &c.input {
            Input::Int(input) => Val::Int(self.int(input)?),
            Input::Dec(input) => Val::Dec(self.dec(input)?),
            Input::Date(input) => Val::Date(self.date(input)?),
            Input::Value(input) => self.opt(input)?,
        };
        Ok(c.locate(v).ok_or(v))
    }

    /// An atom past the points table: never (the table has a row per atom).
    #[cold]
    fn atom_without_points<P: Points, T>(&mut self, code: &ScoreCode<P>, k: usize) -> Run<T> {
        match code.card.characteristics.get(k) {
            Some(c) => self.fail(crate::eval::scorecard::no_bin(c)),
            None => self.fail(EvalFailure::internal("a characteristic the scorecard does not have")),
        }
    }

    /// A value that found no atom, matched bin by bin as the interpreter does.
    #[cold]
    fn by_bins<P: Points>(&mut self, code: &ScoreCode<P>, k: usize, v: Val<'_>) -> Run<(P, P)> {
        let Some(c) = code.card.characteristics.get(k) else {
            return self.fail(EvalFailure::internal("a characteristic the scorecard does not have"));
        };
        let points = c.bin_of(v).and_then(|b| c.bins.get(b)).map(|b| b.points);
        match points.and_then(|p| Some((P::of(p)?, P::minus(P::of(c.best)?, P::of(p)?)?))) {
            Some(found) => Ok(found),
            None => self.fail(crate::eval::scorecard::no_bin(c)),
        }
    }

    /// Ranks the characteristics by points lost (see [`reasons`]).
    fn rank<P: LostBuffer>(&mut self, code: &'a ScoreCode<P>, top: usize, each: &mut dyn FnMut(usize)) -> Run<()> {
        P::with_buffer(|lost| {
            lost.clear();
            for (k, c) in code.characteristics.iter().enumerate() {
                let (_, l) = self.scored(code, k, c)?;
                lost.push(l);
            }
            for_top(lost, top, each);
            Ok(())
        })
    }
}

#[cfg(test)]
mod tests {
    use super::for_top;

    fn top(lost: &[i64], n: usize) -> Vec<usize> {
        let mut out = Vec::new();
        for_top(lost, n, |k| out.push(k));
        out
    }

    #[test]
    fn the_top_losses_come_in_the_order_of_a_stable_sort() {
        let lost = [0, 5, 3, 5, -1, 3, 7];
        assert_eq!(top(&lost, 4), [6, 1, 3, 2]);
        assert_eq!(top(&lost, 10), [6, 1, 3, 2, 5], "only positive losses");
        assert_eq!(top(&lost, 1), [6]);
        assert_eq!(top(&[0, 0], 3), Vec::<usize>::new());
        // Against the interpreter's own procedure, a stable sort.
        let mut sorted: Vec<(usize, i64)> = lost.iter().copied().enumerate().filter(|(_, l)| *l > 0).collect();
        sorted.sort_by_key(|l| std::cmp::Reverse(l.1));
        assert_eq!(top(&lost, 3), sorted.iter().take(3).map(|l| l.0).collect::<Vec<_>>());
    }
}
