//! The stability report of a policy's scorecards between a baseline and a
//! current portfolio: per scorecard the PSI of its score over bands at the
//! baseline's deciles, and per characteristic the CSI over its bins.

use super::index::{band_counts, decile_cuts, stability_index, StabilityIndex};
use crate::compile::Program;
use crate::diagnostic::Span;
use crate::eval::scorecard::AccountScores;
use crate::ir::TKind;
use rust_decimal::Decimal;

/// What one portfolio's accounts scored.
#[derive(Clone, Debug, Default)]
pub struct Portfolio {
    /// Per scorecard (declaration order): its scores, and per characteristic the count of each bin.
    cards: Vec<(Vec<Decimal>, Vec<Vec<u64>>)>,
    /// Accounts scored.
    pub scored: u64,
    /// Accounts that could not be read or scored.
    pub failed: u64,
    /// Why the first of them failed (`A-7: as_of: missing …`).
    pub first_failure: Option<String>,
}

impl Portfolio {
    /// An empty portfolio for `program`'s scorecards.
    pub fn new(program: &Program) -> Portfolio {
        let cards = scorecards(program)
            .map(|(_, card)| (Vec::new(), card.characteristics.iter().map(|c| vec![0; c.bins.len()]).collect()))
            .collect();
        Portfolio { cards, scored: 0, failed: 0, first_failure: None }
    }

    /// Counts one account that could not be read or scored, and why.
    pub fn fail(&mut self, id: Option<&dyn std::fmt::Display>, message: &str) {
        self.failed += 1;
        if self.first_failure.is_none() {
            self.first_failure = Some(match id {
                Some(id) => format!("{id}: {message}"),
                None => message.to_owned(),
            });
        }
    }

    /// Adds one account's scores (from [`crate::eval::scorecard::score_snapshot`]).
    pub fn add(&mut self, account: &AccountScores) {
        self.scored += 1;
        for ((scores, bins), (_, score, account_bins)) in self.cards.iter_mut().zip(account) {
            scores.push(*score);
            for (counts, &bin) in bins.iter_mut().zip(account_bins) {
                if let Some(count) = counts.get_mut(bin) {
                    *count += 1;
                }
            }
        }
    }
}

/// The scorecards of a program: `(let name, scorecard)` in declaration order.
fn scorecards(program: &Program) -> impl Iterator<Item = (&str, &crate::ir::scorecard::TScorecard)> {
    program.lets.iter().filter_map(|l| match &l.value.kind {
        TKind::Scorecard(card) => Some((l.name.as_str(), &**card)),
        _ => None,
    })
}

/// The report.
#[derive(Clone, Debug, PartialEq)]
pub struct Report {
    /// One per scorecard, in declaration order.
    pub scorecards: Vec<CardReport>,
    /// Accounts scored in the baseline and the current portfolio.
    pub counts: (u64, u64),
    /// Snapshots of each that could not be read or scored, left out.
    pub unscored: (u64, u64),
}

/// One scorecard's stability.
#[derive(Clone, Debug, PartialEq)]
pub struct CardReport {
    /// The scorecard's let.
    pub name: String,
    /// The score bands (`< 560`, `[560, 585)`, ..., `>= 650`).
    pub bands: Vec<String>,
    /// The PSI over those bands (`None` when a portfolio is empty).
    pub psi: Option<StabilityIndex>,
    /// Each characteristic's CSI.
    pub characteristics: Vec<CharacteristicReport>,
}

/// One characteristic's stability.
#[derive(Clone, Debug, PartialEq)]
pub struct CharacteristicReport {
    /// Its reason code.
    pub code: String,
    /// Its expression as written.
    pub input: String,
    /// Its bins as written.
    pub bins: Vec<String>,
    /// The CSI over them.
    pub csi: Option<StabilityIndex>,
}

/// Compares `current` with `baseline`; `text` gives the source text at a span
/// (a characteristic's expression, a bin).
pub fn report(program: &Program, baseline: &Portfolio, current: &Portfolio, text: impl Fn(Span) -> String) -> Report {
    let mut out = Vec::new();
    for (((name, card), base), cur) in scorecards(program).zip(&baseline.cards).zip(&current.cards) {
        let cuts = decile_cuts(&base.0);
        let psi = stability_index(&band_counts(&cuts, &base.0), &band_counts(&cuts, &cur.0));
        let characteristics = card
            .characteristics
            .iter()
            .zip(base.1.iter().zip(&cur.1))
            .map(|(c, (b, a))| CharacteristicReport {
                code: c.code.to_string(),
                input: text(c.input.span),
                bins: c.bins.iter().map(|bin| bin_text(&text(bin.span))).collect(),
                csi: stability_index(b, a),
            })
            .collect();
        out.push(CardReport { name: name.to_owned(), bands: band_labels(&cuts), psi, characteristics });
    }
    Report { scorecards: out, counts: (baseline.scored, current.scored), unscored: (baseline.failed, current.failed) }
}

/// A bin's cell, without its `=> points`.
fn bin_text(bin: &str) -> String {
    bin.split("=>").next().unwrap_or(bin).trim().to_owned()
}

/// `< c1`, `[c1, c2)`, ..., `>= c9` (one `_` band when there is no cut).
pub fn band_labels(cuts: &[Decimal]) -> Vec<String> {
    let show = |d: &Decimal| crate::value::format_decimal(*d);
    match (cuts.first(), cuts.last()) {
        (Some(first), Some(last)) => std::iter::once(format!("< {}", show(first)))
            .chain(cuts.windows(2).filter_map(|w| match w {
                [a, b] => Some(format!("[{}, {})", show(a), show(b))),
                _ => None,
            }))
            .chain(std::iter::once(format!(">= {}", show(last))))
            .collect(),
        _ => vec!["_".to_owned()],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bands_are_labelled_like_cells() {
        let d = |n: i64| Decimal::from(n);
        assert_eq!(band_labels(&[d(560), d(585), d(650)]), ["< 560", "[560, 585)", "[585, 650)", ">= 650"]);
        assert_eq!(band_labels(&[d(2)]), ["< 2", ">= 2"]);
        assert_eq!(band_labels(&[]), ["_"]);
        assert_eq!(bin_text("[26, 35)   => 0"), "[26, 35)");
        assert_eq!(bin_text("else => -5"), "else");
    }
}
