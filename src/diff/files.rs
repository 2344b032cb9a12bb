//! What changed in the files a policy loads rather than in its text: a batch
//! whose ids differ, a hook whose script differs. The policy text can be the
//! same (`batch reg from "reg.txt"` in both) while every rule reading the
//! name decides differently, so each is a changed name among the lets, and
//! the rules reading it list it in `via_lets`.

use super::rules::{ChangeStatus, LetChange};
use crate::compile::Program;

/// The batches and hooks of both versions, matched by name, whose contents differ.
pub fn changed_files(old: &Program, new: &Program) -> Vec<LetChange> {
    let mut out = Vec::new();
    for batch in &new.batches {
        let Some(before) = old.batches.iter().find(|b| b.name == batch.name) else { continue };
        if before.ids != batch.ids {
            let added = batch.ids.difference(&before.ids).count();
            let removed = before.ids.difference(&batch.ids).count();
            let rows = vec![
                format!("- batch {}: {} ids", batch.name, before.ids.len()),
                format!("+ batch {}: {} ids ({added} added, {removed} removed)", batch.name, batch.ids.len()),
            ];
            out.push(LetChange { name: batch.name.clone(), kind: "batch", status: ChangeStatus::Changed, rows });
        }
    }
    for hook in &new.hooks {
        let Some(before) = old.hooks.iter().find(|h| h.name() == hook.name()) else { continue };
        if before.script() != hook.script() {
            let lines = |script: &str| script.lines().count();
            let rows = vec![
                format!("- hook {}: a script of {} lines", hook.name(), lines(before.script())),
                format!("+ hook {}: its script changed ({} lines)", hook.name(), lines(hook.script())),
            ];
            out.push(LetChange { name: hook.name().to_owned(), kind: "hook", status: ChangeStatus::Changed, rows });
        }
    }
    out
}
