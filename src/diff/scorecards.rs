//! What changed between two versions' scorecards, characteristic by
//! characteristic (by reason code): reported beside the changed lets, as
//! `app_score` (the scorecard: its base, shown old and new, or any
//! characteristic) and
//! `app_score.A01` (a characteristic added, removed, or with other bins).

use super::rules::{ChangeStatus, LetChange};
use crate::syntax::ast::{Item, PolicyAst};
use crate::syntax::scorecard::{CharacteristicDecl, ScorecardDecl};

fn scorecards_of(ast: &PolicyAst) -> Vec<(&str, &ScorecardDecl)> {
    ast.items
        .iter()
        .filter_map(|item| match item {
            Item::Scorecard { name, card, .. } => Some((name.node.as_str(), &**card)),
            _ => None,
        })
        .collect()
}

/// The scorecards added, removed or changed, and their changed characteristics.
pub(super) fn compare(old: &PolicyAst, new: &PolicyAst) -> Vec<LetChange> {
    let (old_cards, new_cards) = (scorecards_of(old), scorecards_of(new));
    let change = |name: String, status| LetChange { name, kind: "scorecard", status, rows: Vec::new() };
    let mut out = Vec::new();
    for (name, card) in &new_cards {
        match old_cards.iter().find(|(n, _)| n == name) {
            None => out.push(change((*name).to_owned(), ChangeStatus::Added)),
            Some((_, before)) if *before != *card => {
                let mut changed = change((*name).to_owned(), ChangeStatus::Changed);
                if before.base.node != card.base.node {
                    changed.rows =
                        vec![format!("- base {}", before.base.node.value), format!("+ base {}", card.base.node.value)];
                }
                out.push(changed);
                out.extend(characteristics(name, &before.characteristics, &card.characteristics));
            }
            Some(_) => {}
        }
    }
    for (name, _) in &old_cards {
        if !new_cards.iter().any(|(n, _)| n == name) {
            out.push(change((*name).to_owned(), ChangeStatus::Removed));
        }
    }
    out
}

fn characteristics(card: &str, old: &[CharacteristicDecl], new: &[CharacteristicDecl]) -> Vec<LetChange> {
    let named = |c: &CharacteristicDecl| format!("{card}.{}", c.code.node);
    let change =
        |c: &CharacteristicDecl, status| LetChange { name: named(c), kind: "characteristic", status, rows: Vec::new() };
    let mut out = Vec::new();
    for c in new {
        match old.iter().find(|o| o.code.node == c.code.node) {
            None => out.push(change(c, ChangeStatus::Added)),
            Some(o) if o != c => {
                let mut changed = change(c, ChangeStatus::Changed);
                changed.rows = changed_bins(o, c);
                out.push(changed);
            }
            Some(_) => {}
        }
    }
    for o in old {
        if !new.iter().any(|c| c.code.node == o.code.node) {
            out.push(change(o, ChangeStatus::Removed));
        }
    }
    out
}

/// What changed in a characteristic kept under its reason code: its head
/// (what is scored, the reason's text) as `- `/`+ ` lines, then its bins
/// that are not in the other version, as `- bin N: CELL => POINTS` (the old
/// version's numbering) and `+ bin N: ...` (the new one's), as a changed
/// table lists its rows.
fn changed_bins(old: &CharacteristicDecl, new: &CharacteristicDecl) -> Vec<String> {
    let mut out = Vec::new();
    let (old_head, new_head) = (crate::format::characteristic_head(old), crate::format::characteristic_head(new));
    if old_head != new_head {
        out.push(format!("- {old_head}"));
        out.push(format!("+ {new_head}"));
    }
    out.extend(super::rules::numbered_changes("bin", &old.bins, &new.bins, crate::format::bin_text));
    if out.is_empty() && old != new {
        out.push("the same bins in another order".to_owned());
    }
    out
}
