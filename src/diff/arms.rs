//! The diff broken down by arm: for each arm of each split, how many accounts
//! fell in it, how many changed, and their outcomes under each version. An
//! account's arm is the new version's (the strategy being approved), or the
//! old one's when the new version has no split or could not decide it.

use super::report::{Row, ROWS};
use crate::eval::{Arm, Outputs};
use std::fmt::Write as _;
use std::sync::Arc;

/// Running counts per arm, in the order arms were first met.
#[derive(Default)]
pub(crate) struct ArmTally {
    arms: Vec<ArmRow>,
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
    /// Their rows under the old version, indexed by [`Row::index`].
    pub old: [u64; ROWS.len()],
    /// Their rows under the new version.
    pub new: [u64; ROWS.len()],
}

impl ArmTally {
    /// Counts one account pair.
    pub(crate) fn add(&mut self, old: &Outputs, new: &Outputs, changed: bool) {
        fn arms(o: &Outputs) -> Option<&[Arm]> {
            o.as_ref().ok().map(|d| d.arms.as_slice()).filter(|a| !a.is_empty())
        }
        let Some(arms) = arms(new).or_else(|| arms(old)) else { return };
        let (old_row, new_row) = (Row::of(old), Row::of(new));
        for Arm { split, arm, index } in arms {
            let at = match self.arms.iter().position(|r| r.split == *split && r.arm == *arm) {
                Some(at) => at,
                None => {
                    let row = ArmRow {
                        split: split.clone(),
                        arm: arm.clone(),
                        index: *index,
                        accounts: 0,
                        changed: 0,
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
                bump(&mut row.old, old_row.index());
                bump(&mut row.new, new_row.index());
            }
        }
    }

    /// The rows: splits in the order met (a decision lists them in declaration
    /// order), each split's arms together in declared order.
    pub(crate) fn finish(mut self) -> Vec<ArmRow> {
        let splits: Vec<Arc<str>> = self.arms.iter().fold(Vec::new(), |mut seen, r| {
            if !seen.contains(&r.split) {
                seen.push(r.split.clone());
            }
            seen
        });
        self.arms.sort_by_key(|r| (splits.iter().position(|s| *s == r.split), r.index));
        self.arms
    }
}

fn bump(counts: &mut [u64; ROWS.len()], index: usize) {
    if let Some(c) = counts.get_mut(index) {
        *c += 1;
    }
}

impl ArmRow {
    /// The non-zero rows under one version: `[("limit", 3), ("none", 97)]`.
    pub fn outcomes(counts: &[u64; ROWS.len()]) -> Vec<(&'static str, u64)> {
        ROWS.iter().zip(counts).filter(|(_, n)| **n > 0).map(|(r, n)| (r.name(), *n)).collect()
    }
}

/// The text report's section: one line per arm.
pub(crate) fn render(out: &mut String, arms: &[ArmRow]) {
    if arms.is_empty() {
        return;
    }
    out.push_str("\nBy arm\n");
    let shown = |counts: &[u64; ROWS.len()]| {
        let pairs: Vec<String> = ArmRow::outcomes(counts).iter().map(|(n, c)| format!("{n} {c}")).collect();
        if pairs.is_empty() {
            "-".to_string()
        } else {
            pairs.join(", ")
        }
    };
    for a in arms {
        let _ = writeln!(
            out,
            "  {}={}: {} accounts, {} changed; old {} → new {}",
            crate::terminal::escape(&a.split),
            crate::terminal::escape(&a.arm),
            a.accounts,
            a.changed,
            shown(&a.old),
            shown(&a.new)
        );
    }
}

/// The HTML report's section: a table of arms (nothing without splits).
pub(crate) fn html(h: &mut String, arms: &[ArmRow]) {
    use super::html::esc;
    if arms.is_empty() {
        return;
    }
    h.push_str(
        "<section id=\"arms\">\n<h2>By arm</h2>\n<p class=\"note\">Accounts by the arm of each split (the \
         proposed policy's), how many changed, and their outcomes under each version.</p>\n\
         <table class=\"grid\" id=\"arm-table\">\n<thead><tr><th>split</th><th>arm</th>\
         <th class=\"num\">accounts</th><th class=\"num\">changed</th><th>in force</th><th>proposed</th></tr>\
         </thead>\n<tbody>\n",
    );
    let shown = |counts: &[u64; ROWS.len()]| {
        let pairs: Vec<String> = ArmRow::outcomes(counts).iter().map(|(n, c)| format!("{n} {c}")).collect();
        pairs.join(", ")
    };
    for a in arms {
        let _ = writeln!(
            h,
            "<tr><td>{}</td><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td>{}</td><td>{}</td></tr>",
            esc(&a.split),
            esc(&a.arm),
            a.accounts,
            a.changed,
            esc(&shown(&a.old)),
            esc(&shown(&a.new))
        );
    }
    h.push_str("</tbody>\n</table>\n</section>\n");
}
