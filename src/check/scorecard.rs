//! Checking scorecards: each characteristic's input, its bins as cells
//! (`check::cell`), proved complete and unique by the same reasoning as
//! decision tables (`cells::analysis`), and the `reasons from` action.

use super::expr::{texpr, Scope};
use super::Checker;
use crate::cells::analysis::{prove, Grid};
use crate::cells::atoms::Atoms;
use crate::cells::{Cut, Domain, ValueSet, Values};
use crate::diagnostic::{codes, did_you_mean, Span};
use crate::ir::scorecard::{TBin, TCharacteristic, TScorecard};
use crate::ir::{Base, TAction, TKind, Ty};
use crate::syntax::ast::{Ident, Spanned};
use crate::syntax::scorecard::{CharacteristicDecl, ScorecardDecl};
use rust_decimal::Decimal;

/// The default of `reasons from S` without `top`.
pub const DEFAULT_TOP: usize = 4;

impl Checker<'_> {
    /// `let NAME = scorecard base N { ... }`.
    pub(super) fn scorecard_decl(&mut self, name: &Ident, card: &ScorecardDecl, span: Span) {
        if !self.let_name_free(name) {
            return;
        }
        self.reason_codes_once(card);
        let mut int = card.base.node.int;
        let mut characteristics = Vec::with_capacity(card.characteristics.len());
        let mut ok = true;
        for decl in &card.characteristics {
            int &= decl.bins.iter().all(|b| b.points.node.int);
            match self.characteristic(decl) {
                Some(c) => characteristics.push(c),
                None => ok = false,
            }
        }
        let ty = Ty::req(if int { Base::Int } else { Base::Dec });
        let value = texpr(
            TKind::Scorecard(Box::new(TScorecard { base: card.base.node.value, int, characteristics })),
            ty,
            span,
        );
        // A characteristic with an error (a gap, say) fails the check, but
        // the score keeps its type (its points'), so its uses are checked
        // too and one run reports every problem. Only with an error reported
        // may the scorecard stand without that characteristic.
        let reported = self.diags.iter().any(crate::diagnostic::Diagnostic::is_error);
        if (!ok && !reported) || !self.shallow_enough(&value) {
            self.poisoned.insert(name.node.clone());
            return;
        }
        // Every scorecard is computed for every account: it is never unused.
        let index = self.push_let(name, value, span);
        self.used_lets.insert(index);
    }

    /// `W0613` for each characteristic whose reason code an earlier one has.
    fn reason_codes_once(&mut self, card: &ScorecardDecl) {
        for (i, decl) in card.characteristics.iter().enumerate() {
            let code = &decl.code.node;
            let Some(first) = card.characteristics.iter().take(i).find(|earlier| earlier.code.node == *code) else {
                continue;
            };
            let file = self.file;
            let d = self.warn(
                codes::SHARED_REASON_CODE,
                decl.code.span,
                format!("the reason code `{code}` is already the code of another characteristic of this scorecard"),
            );
            d.help = Some("give each characteristic its own code: a decline naming it would not say which".into());
            d.relate(file, first.code.span, "first given here");
        }
    }

    fn characteristic(&mut self, decl: &CharacteristicDecl) -> Option<TCharacteristic> {
        let input = self.expr(&decl.input, Scope { element: None })?;
        let domain = self.cell_domain(&input)?;
        let shown = self.source_text(decl.input.span);
        if decl.code.node.trim().is_empty() {
            self.err(codes::EMPTY_REASON_CODE, decl.code.span, "a reason code cannot be empty");
            return None;
        }
        let bins = self.bins(decl, &domain, &shown)?;
        let cells: Vec<Vec<ValueSet>> = bins.iter().filter_map(|b| b.cell.clone().map(|c| vec![c])).collect();
        let has_else = bins.last().is_some_and(|b| b.cell.is_none());
        let findings = prove(&Grid { domains: std::slice::from_ref(&domain), rows: &cells });
        let show = |sample: &Option<Vec<crate::cells::Sample>>| {
            sample.as_ref().and_then(|s| s.first()).map_or_else(|| "a value".to_owned(), |s| domain.show(s))
        };
        let mut proved = true;
        match (&findings.gap, has_else) {
            (Some(_), false) => {
                let example = show(&findings.gap);
                self.err(
                    codes::SCORECARD_GAP,
                    decl.input.span,
                    format!("no bin of `{shown}` matches {shown} = {example}"),
                )
                .help = Some(format!("add a bin for {example}, or an `else` bin last"));
                proved = false;
            }
            (None, true) => {
                let span = bins.last().map_or(decl.span, |b| b.span);
                self.warn(codes::UNREACHABLE_ELSE_BIN, span, format!("the `else` bin of `{shown}` is never used"))
                    .help = Some("the other bins already cover every value; remove it".into());
            }
            _ => {}
        }
        for (earlier, later, sample) in &findings.overlaps {
            let span = bins.get(*later).map_or(decl.span, |b| b.span);
            let example = show(&Some(sample.clone()));
            let file = self.file;
            let d = self.err(
                codes::SCORECARD_OVERLAP,
                span,
                format!("bins {} and {} of `{shown}` both match {shown} = {example}", earlier + 1, later + 1),
            );
            d.help = Some("each value must fall in exactly one bin; narrow one of them".into());
            d.label = Some(format!("bin {}", later + 1));
            if let Some(first) = bins.get(*earlier) {
                d.relate(file, first.span, format!("bin {} matches it too", earlier + 1));
            }
            proved = false;
        }
        if !proved {
            return None;
        }
        self.monotone(decl, &bins, &shown);
        let refs: Vec<&ValueSet> = bins.iter().filter_map(|b| b.cell.as_ref()).collect();
        let atoms = Atoms::of(&domain, &refs);
        let else_bin = if has_else { u32::try_from(bins.len() - 1).ok() } else { None };
        // Each atom's first bin: bins marked last to first, so the first holding an atom has it.
        let mut first_bin: Vec<Option<u32>> = vec![None; atoms.len()];
        for (b, bin) in bins.iter().enumerate().rev() {
            for a in bin.cell.as_ref().map(|cell| atoms.held_by(cell)).unwrap_or_default() {
                if let Some(slot) = first_bin.get_mut(a) {
                    *slot = u32::try_from(b).ok();
                }
            }
        }
        let atom_bin = first_bin.into_iter().map(|b| b.or(else_bin).unwrap_or(u32::MAX)).collect();
        let best = bins.iter().map(|b| b.points).max().unwrap_or_default();
        let text = decl.text.as_ref().map(|t| t.node.as_str().into());
        Some(TCharacteristic {
            input,
            code: decl.code.node.as_str().into(),
            text,
            bins,
            best,
            atoms,
            atom_bin,
            span: decl.span,
        })
    }

    /// The bins as checked cells; `else` only last, once.
    fn bins(&mut self, decl: &CharacteristicDecl, domain: &Domain, shown: &str) -> Option<Vec<TBin>> {
        let mut bins = Vec::with_capacity(decl.bins.len());
        let mut ok = true;
        for (i, bin) in decl.bins.iter().enumerate() {
            let cell = match &bin.cell {
                Some(cell) => match self.cell(cell, domain, shown) {
                    Some(set) => Some(set),
                    None => {
                        ok = false;
                        continue;
                    }
                },
                None if i + 1 != decl.bins.len() => {
                    self.err(
                        codes::SCORECARD_ELSE,
                        bin.span,
                        format!("the `else` bin of `{shown}` must be its last"),
                    )
                    .help = Some("move it after the other bins".into());
                    ok = false;
                    continue;
                }
                None => None,
            };
            bins.push(TBin { cell, points: bin.points.node.value, span: bin.span });
        }
        ok.then_some(bins)
    }

    /// Warns when the points of ordered numeric bins go up and down.
    fn monotone(&mut self, decl: &CharacteristicDecl, bins: &[TBin], shown: &str) {
        let mut ordered: Vec<(Cut<Decimal>, Decimal)> = Vec::new();
        for bin in bins {
            match bin.cell.as_ref().map(|c| &c.values) {
                Some(Values::Ints(set)) if set.segments().len() == 1 => {
                    let Some((lo, _)) = set.segments().first() else { return };
                    ordered.push((widen(*lo), bin.points));
                }
                Some(Values::Decs(set)) if set.segments().len() == 1 => {
                    let Some((lo, _)) = set.segments().first() else { return };
                    ordered.push((*lo, bin.points));
                }
                // `none`, `else`: outside the order.
                Some(_) if bin.cell.as_ref().is_some_and(|c| c.absent && c.values.is_empty()) => {}
                None => {}
                Some(_) => return,
            }
        }
        ordered.sort_by_key(|a| a.0);
        let steps: Vec<std::cmp::Ordering> =
            ordered.windows(2).filter_map(|w| if let [a, b] = w { Some(b.1.cmp(&a.1)) } else { None }).collect();
        let rises = steps.contains(&std::cmp::Ordering::Greater);
        let falls = steps.contains(&std::cmp::Ordering::Less);
        if rises && falls {
            let points: Vec<String> = ordered.iter().map(|(_, p)| p.normalize().to_string()).collect();
            self.warn(
                codes::NON_MONOTONE_SCORECARD,
                decl.input.span,
                format!("the points of `{shown}` go up and down over its ordered bins ({})", points.join(", ")),
            )
            .help = Some("a non-monotone characteristic is a common validation finding: check its binning".into());
        }
    }

    /// `E0614` for `reasons from NAME` where `NAME` is a let of another kind
    /// (`is_let`) or no let at all, with the scorecard it likely means.
    fn not_a_scorecard(&mut self, name: &Ident, is_let: bool) {
        let cards: Vec<&str> =
            self.lets.iter().filter(|l| matches!(l.value.kind, TKind::Scorecard(_))).map(|l| l.name.as_str()).collect();
        let message = if is_let {
            format!("`{}` is a let, but not a scorecard", name.node)
        } else {
            format!("`{}` is not a scorecard: no let has this name", name.node)
        };
        let help = did_you_mean(&name.node, cards.iter().copied()).unwrap_or_else(|| match cards.as_slice() {
            [] => "name a let whose value is `scorecard base N { ... }`".into(),
            cards => {
                format!("the scorecards are {}", cards.iter().map(|c| format!("`{c}`")).collect::<Vec<_>>().join(", "))
            }
        });
        self.err(codes::NOT_A_SCORECARD, name.span, message).help = Some(help);
    }

    /// `reasons from NAME [top N]`.
    pub(super) fn reasons_from(&mut self, name: &Ident, top: Option<&Spanned<u64>>) -> Option<TAction> {
        let index = self.let_index.get(&name.node).copied();
        // Named, so not "never used", even when it is not a scorecard (`E0614` says so).
        if let Some(i) = index {
            self.used_lets.insert(i);
        }
        let is_card = index.and_then(|i| self.lets.get(i)).is_some_and(|l| matches!(l.value.kind, TKind::Scorecard(_)));
        let Some(index) = index.filter(|_| is_card) else {
            if !self.poisoned.contains(&name.node) {
                self.not_a_scorecard(name, index.is_some());
            }
            return None;
        };
        let top = match top {
            None => DEFAULT_TOP,
            Some(n) if n.node == 0 => {
                self.err(codes::NOT_A_SCORECARD, n.span, "`top 0` would add no reason").help =
                    Some("leave `top` out for the default of 4".into());
                return None;
            }
            Some(n) => usize::try_from(n.node).unwrap_or(usize::MAX),
        };
        Some(TAction::ReasonsFrom { scorecard: index, top })
    }
}

/// An int cut on the decimal line, to order int bins with one comparison.
fn widen(cut: Cut<i64>) -> Cut<Decimal> {
    match cut {
        Cut::NegInf => Cut::NegInf,
        Cut::Below(v) => Cut::Below(Decimal::from(v)),
        Cut::Above(v) => Cut::Above(Decimal::from(v)),
        Cut::PosInf => Cut::PosInf,
    }
}
