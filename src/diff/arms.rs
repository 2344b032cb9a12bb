//! The diff broken down by arm: for each arm of each split, how many accounts
//! fell in it, how many changed, and their outcomes under each version. For
//! a split the new version has, an account's arm is the new version's (the
//! strategy being approved); for one only the old version has (a retired
//! experiment), the old one's. A version that could not decide the account
//! still gives its arm, from the snapshot; only a snapshot that could not be
//! read has none.

use super::axes::{Row, ROWS};
use super::Judged;
use crate::eval::{Arm, Outputs};
use crate::ir::split::TSplit;
use std::fmt::Write as _;
use std::sync::Arc;

/// Running counts per arm, in the order arms were first met.
#[derive(Default)]
pub(crate) struct ArmTally {
    arms: Vec<ArmRow>,
    /// Snapshots of a policy with splits that no version could read: no arm.
    unassigned: u64,
}

/// The arms a version's decision lists (none for an error record).
fn decided(outputs: &Outputs) -> &[Arm] {
    outputs.as_ref().map_or(&[], |d| d.arms.as_slice())
}

/// The account's arm of each split, as "By arm" counts it (see the module's
/// documentation): the new version's splits first, then the old one's.
pub(crate) fn account_arms(j: &Judged) -> Vec<&Arm> {
    let (old_failed, new_failed) = &j.arms_of_failed;
    let mut out: Vec<&Arm> = Vec::new();
    for arm in decided(&j.new).iter().chain(new_failed).chain(decided(&j.old)).chain(old_failed) {
        if !out.iter().any(|a| a.split == arm.split) {
            out.push(arm);
        }
    }
    out
}

/// One arm's accounts under both versions.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ArmRow {
    /// The split.
    pub split: Arc<str>,
    /// The arm.
    pub arm: Arc<str>,
    /// The arm's place in its split's declared order.
    pub index: u32,
    /// Accounts in this arm.
    pub accounts: u64,
    /// Those whose decision differs.
    pub changed: u64,
    /// Those the old version put in another arm of the same split (its
    /// weights, salt or `by` changed): they change arm, whatever their
    /// decision does.
    pub moved_in: u64,
    /// Their rows under the old version, indexed by [`Row::index`].
    pub old: [u64; ROWS.len()],
    /// Their rows under the new version.
    pub new: [u64; ROWS.len()],
}

impl ArmTally {
    /// Counts one account pair (`splits`: whether either version has any).
    pub(crate) fn add(&mut self, j: &Judged, changed: bool, splits: bool) {
        if !splits {
            return;
        }
        let arms = account_arms(j);
        if arms.is_empty() {
            self.unassigned += 1;
            return;
        }
        let (old_row, new_row) = (Row::of(&j.old), Row::of(&j.new));
        for Arm { split, arm, index } in &arms {
            let moved = decided(&j.old).iter().chain(&j.arms_of_failed.0).any(|o| o.split == *split && o.arm != *arm);
            let at = match self.arms.iter().position(|r| r.split == *split && r.arm == *arm) {
                Some(at) => at,
                None => {
                    let row = ArmRow {
                        split: split.clone(),
                        arm: arm.clone(),
                        index: *index,
                        accounts: 0,
                        changed: 0,
                        moved_in: 0,
                        old: [0; ROWS.len()],
                        new: [0; ROWS.len()],
                    };
                    self.arms.push(row);
                    self.arms.len() - 1
                }
            };
            if let Some(row) = self.arms.get_mut(at) {
                row.accounts += 1;
                row.changed += u64::from(changed);
                row.moved_in += u64::from(moved);
                bump(&mut row.old, old_row.index());
                bump(&mut row.new, new_row.index());
            }
        }
    }

    /// The rows: the new version's splits, then those only the old version
    /// has, each in declared order with every declared arm (one no account
    /// fell in with zeros); and how many snapshots had no arm.
    pub(crate) fn finish(mut self, new: &[TSplit], old: &[TSplit]) -> (Vec<ArmRow>, u64) {
        let declared: Vec<&TSplit> =
            new.iter().chain(old.iter().filter(|o| !new.iter().any(|n| n.name == o.name))).collect();
        for split in &declared {
            for (index, arm) in split.arm_names.iter().enumerate() {
                if !self.arms.iter().any(|r| r.split == split.name && r.arm == *arm) {
                    self.arms.push(ArmRow {
                        split: split.name.clone(),
                        arm: arm.clone(),
                        index: u32::try_from(index).unwrap_or(u32::MAX),
                        accounts: 0,
                        changed: 0,
                        moved_in: 0,
                        old: [0; ROWS.len()],
                        new: [0; ROWS.len()],
                    });
                }
            }
        }
        self.arms.sort_by_key(|r| (declared.iter().position(|s| s.name == r.split), r.index));
        (self.arms, self.unassigned)
    }
}

fn bump(counts: &mut [u64; ROWS.len()], index: usize) {
    if let Some(c) = counts.get_mut(index) {
        *c += 1;
    }
}

impl ArmRow {
    /// The non-zero rows under one version, in the report's row order
    /// (`rows`: severity, as the matrix lists them): `[("limit", 3), ("none", 97)]`.
    pub fn outcomes(counts: &[u64; ROWS.len()], rows: &[Row]) -> Vec<(&'static str, u64)> {
        let count = |r: &Row| counts.get(r.index()).copied().unwrap_or(0);
        rows.iter().filter(|r| count(r) > 0).map(|r| (r.name(), count(r))).collect()
    }
}

/// The text report's section: one line per arm.
pub(crate) fn render(out: &mut String, arms: &[ArmRow], rows: &[Row], unassigned: u64) {
    if arms.is_empty() {
        return;
    }
    out.push_str("\nBy arm\n");
    let shown = |counts: &[u64; ROWS.len()]| {
        let pairs: Vec<String> = ArmRow::outcomes(counts, rows).iter().map(|(n, c)| format!("{n} {c}")).collect();
        if pairs.is_empty() {
            "-".to_string()
        } else {
            pairs.join(", ")
        }
    };
    for a in arms {
        let moved = if a.moved_in > 0 { format!(" ({} from another arm)", a.moved_in) } else { String::new() };
        let _ = writeln!(
            out,
            "  {}={}: {} {}{moved}, {} changed; old {} → new {}",
            crate::terminal::escape(&a.split),
            crate::terminal::escape(&a.arm),
            a.accounts,
            if a.accounts == 1 { "account" } else { "accounts" },
            a.changed,
            shown(&a.old),
            shown(&a.new)
        );
    }
    if unassigned > 0 {
        let (noun, verb) = if unassigned == 1 { ("snapshot", "has") } else { ("snapshots", "have") };
        let _ = writeln!(out, "  {unassigned} {noun} could not be read and {verb} no arm");
    }
}

/// The HTML report's section: a table of arms (nothing without splits).
pub(crate) fn html(h: &mut String, arms: &[ArmRow], rows: &[Row]) {
    use super::html::esc;
    if arms.is_empty() {
        return;
    }
    h.push_str(
        "<section id=\"arms\">\n<h2>By arm</h2>\n<p class=\"note\">Accounts by the arm of each split (the \
         proposed policy's), how many changed, and their outcomes under each version.</p>\n\
         <table class=\"grid\" id=\"arm-table\">\n<thead><tr><th>split</th><th>arm</th>\
         <th class=\"num\">accounts</th><th class=\"num\">changed</th><th class=\"num\">from another arm</th>\
         <th>in force</th><th>proposed</th></tr>\
         </thead>\n<tbody>\n",
    );
    let shown = |counts: &[u64; ROWS.len()]| {
        let pairs: Vec<String> = ArmRow::outcomes(counts, rows).iter().map(|(n, c)| format!("{n} {c}")).collect();
        pairs.join(", ")
    };
    for a in arms {
        let _ = writeln!(
            h,
            "<tr><td>{}</td><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td>\
             <td>{}</td><td>{}</td></tr>",
            esc(&a.split),
            esc(&a.arm),
            a.accounts,
            a.changed,
            a.moved_in,
            esc(&shown(&a.old)),
            esc(&shown(&a.new))
        );
    }
    h.push_str("</tbody>\n</table>\n</section>\n");
}
