//! The diff report as a compact text for a terminal.

use super::axes::{Bucket, Row};
use super::report::{ChangedAccount, DiffReport, Exposure, FiredSet};
use super::rules::ChangeStatus;
use crate::eval::Outputs;
use crate::terminal::{counted, escape};
use crate::value::format_decimal;
use rust_decimal::Decimal;
use std::borrow::Cow;
use std::fmt::Write;

/// Changed accounts listed in the terminal (the JSON and HTML reports keep more).
const SHOWN: usize = 20;

/// A cell's alignment.
#[derive(Clone, Copy)]
pub(crate) enum Align {
    Left,
    Right,
}

/// Lays out rows of cells in columns, two spaces apart, indented by two; the
/// cells escaped for a terminal (ids and rule names are data).
pub(crate) fn table(rows: &[Vec<String>], align: &[Align]) -> String {
    let rows: Vec<Vec<Cow<'_, str>>> = rows.iter().map(|row| row.iter().map(|c| escape(c)).collect()).collect();
    let mut widths: Vec<usize> = Vec::new();
    for row in &rows {
        for (i, cell) in row.iter().enumerate() {
            let w = crate::terminal::width(cell);
            match widths.get_mut(i) {
                Some(old) => *old = (*old).max(w),
                None => widths.push(w),
            }
        }
    }
    let mut out = String::new();
    for row in &rows {
        let mut line = String::from(" ");
        for (i, cell) in row.iter().enumerate() {
            let w = widths.get(i).copied().unwrap_or(0);
            line.push(' ');
            match align.get(i).copied().unwrap_or(Align::Left) {
                Align::Left => line.push_str(&crate::terminal::pad_right(cell, w)),
                Align::Right => line.push_str(&crate::terminal::pad_left(cell, w)),
            }
            line.push(' ');
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

fn count(n: u64) -> String {
    if n == 0 {
        "·".into()
    } else {
        n.to_string()
    }
}

/// A signed amount: `+1200`, `-350.5`, `0`.
pub(crate) fn signed(d: Decimal) -> String {
    if d > Decimal::ZERO {
        format!("+{}", format_decimal(d))
    } else {
        format_decimal(d)
    }
}

fn short_fingerprint(f: &str) -> String {
    let cut: String = f.chars().take(19).collect();
    if cut.len() < f.len() {
        format!("{cut}…")
    } else {
        cut
    }
}

/// One side of a changed account in a few words: `limit 5600`, `freeze until 2027-04-30, limit 5600`.
pub(crate) fn side_summary(o: &Outputs) -> String {
    match o {
        Ok(d) => {
            let mut s = d.outcome.name().to_string();
            if let Some(u) = d.until {
                let _ = write!(s, " until {u}");
            }
            match d.limit {
                Some(l) if d.outcome == crate::ir::Outcome::Limit => {
                    let _ = write!(s, " {}", format_decimal(l));
                }
                Some(l) => {
                    let _ = write!(s, ", limit {}", format_decimal(l));
                }
                None => {}
            }
            s
        }
        Err(e) => format!("error ({})", e.kind.name()),
    }
}

/// Rules that fire only on one side: `+new-rule −old-rule`.
pub(crate) fn fired_delta(a: &ChangedAccount) -> String {
    let fired = |o: &Outputs| o.as_ref().map(|d| d.fired.clone()).unwrap_or_default();
    let (old, new) = (fired(&a.old), fired(&a.new));
    let (in_old, in_new) = (FiredSet::new(&old), FiredSet::new(&new));
    let mut parts: Vec<String> = new.iter().filter(|r| !in_old.contains(r)).map(|r| format!("+{r}")).collect();
    parts.extend(old.iter().filter(|r| !in_new.contains(r)).map(|r| format!("−{r}")));
    parts.join(" ")
}

/// The report as text.
pub fn render_text(r: &DiffReport) -> String {
    let mut out = String::new();
    header(&mut out, r);
    matrix(&mut out, r);
    super::arms::render(&mut out, &r.arms, &r.rows, r.arms_unassigned);
    if let Some(p) = &r.performance {
        super::swap_render::render(&mut out, r, p);
    }
    rules(&mut out, r);
    match (&r.exposure, &r.exposure_note) {
        (Some(e), _) => exposure(&mut out, e),
        (None, Some(note)) => {
            let _ = writeln!(out, "\nLimit exposure: {}", escape(note));
        }
        (None, None) => {}
    }
    guards(&mut out, r);
    changed_accounts(&mut out, r);
    out
}

/// The two versions, the counts, and whether the schemas differ.
fn header(out: &mut String, r: &DiffReport) {
    let (old, new) = (&r.old, &r.new);
    let _ = writeln!(
        out,
        "verdict diff: {} {} → {} {}",
        escape(&old.name),
        escape(&old.version),
        escape(&new.name),
        escape(&new.version)
    );
    let _ = writeln!(out, "  old  {}  {}", escape(&old.path), short_fingerprint(&old.fingerprint));
    let _ = writeln!(out, "  new  {}  {}", escape(&new.path), short_fingerprint(&new.fingerprint));
    let decided_old = r.records - r.old_total(Row::Error);
    let decided_new = r.records - r.new_total(Row::Error);
    let parts: Vec<String> = r.parts.iter().filter(|(_, n)| *n > 0).map(|(p, n)| format!("{p} {n}")).collect();
    let _ = writeln!(
        out,
        "{}{} · {decided_old} decided by the old version, {decided_new} by the new · {} change{}",
        counted(r.records, "snapshot"),
        r.as_of_text().map(|d| format!(" {d}")).unwrap_or_default(),
        counted(r.changed, "decision"),
        if parts.is_empty() { String::new() } else { format!(" ({})", parts.join(", ")) },
    );
    if let Some(errors) = errors_line(r) {
        let _ = writeln!(out, "  {}", escape(&errors));
    }
    if !r.same_schema {
        let _ = writeln!(out, "  (the schemas differ: each snapshot was read with each version's schema)");
        for change in &r.schema_changes {
            let _ = writeln!(out, "    {}", escape(change));
        }
    }
    if let Some(note) = versions_note(r) {
        let _ = writeln!(out, "  ({})", escape(&note));
    }
}

/// The error records by kind under each version, and the first of them
/// (`errors (old · new): snapshot 3 · 3; the first: A-1: ...`): a book both
/// versions fail on must say why (plain text, escaped by each report).
pub(crate) fn errors_line(r: &DiffReport) -> Option<String> {
    let kinds: Vec<String> = r.errors.iter().map(|(kind, old, new)| format!("{kind} {old} · {new}")).collect();
    let first = r.first_error.as_deref()?;
    Some(format!("errors (old · new): {}; the first: {first}", kinds.join(", ")))
}

/// What a reviewer should know of two versions whose fingerprints differ:
/// that they are one policy written otherwise, or that they share a version
/// (plain text: each report escapes it as its medium needs).
pub(crate) fn versions_note(r: &DiffReport) -> Option<String> {
    if r.old.fingerprint == r.new.fingerprint {
        return None;
    }
    if r.same_text {
        return Some(
            "the same policy written otherwise: only comments or layout differ, in the policy or the files it \
             loads; no decision can change, and the fingerprints differ as they are over the files' bytes"
                .into(),
        );
    }
    (r.old.version == r.new.version).then(|| {
        format!(
            "both versions are called `{}`: their decisions are told apart by fingerprint alone; raise the version",
            r.new.version
        )
    })
}

/// Which outcome each account had under each version.
fn matrix(out: &mut String, r: &DiffReport) {
    out.push_str("\nSwap-set matrix (rows: old outcome, columns: new outcome)\n");
    let mut rows = vec![std::iter::once(String::new())
        .chain(r.rows.iter().map(|c| c.name().to_string()))
        .chain(std::iter::once("total".into()))
        .collect::<Vec<_>>()];
    for &old in &r.rows {
        let mut row = vec![old.name().to_string()];
        row.extend(r.rows.iter().map(|&new| count(r.cell(old, new))));
        row.push(r.old_total(old).to_string());
        rows.push(row);
    }
    let mut total = vec!["total".to_string()];
    total.extend(r.rows.iter().map(|&new| r.new_total(new).to_string()));
    total.push(r.records.to_string());
    rows.push(total);
    let mut align = vec![Align::Left];
    align.extend(std::iter::repeat_n(Align::Right, r.rows.len() + 1));
    out.push_str(&table(&rows, &align));
}

/// Each rule's change and firing counts, and the changed lets.
fn rules(out: &mut String, r: &DiffReport) {
    out.push_str("\nRules\n");
    let mut rows = vec![["rule", "text", "old", "new", "gained", "lost"].map(String::from).to_vec()];
    for rule in &r.rules {
        let mut status = rule.status.name().to_string();
        if rule.status == ChangeStatus::Changed {
            let _ = write!(status, ": {}", rule.parts.join(", "));
        }
        // A rule the new version no longer has reads nothing in it.
        if !rule.via_lets.is_empty() && rule.status != ChangeStatus::Removed {
            let _ = write!(status, "; reads changed {}", r.reads_changed(rule));
        }
        let fires = |f: Option<u64>| f.map_or("—".into(), |n| n.to_string());
        rows.push(vec![
            rule.rule.clone(),
            status,
            fires(rule.old_fires),
            fires(rule.new_fires),
            count(rule.gained),
            count(rule.lost),
        ]);
    }
    out.push_str(&table(&rows, &[Align::Left, Align::Left, Align::Right, Align::Right, Align::Right, Align::Right]));
    // Names, conditions, actions and rows quote the policies' text, which may
    // hold what a terminal would act on (an escape sequence, a bidirectional
    // override): written visibly, so that the lines show what changed.
    for rule in r.rules.iter().filter(|rule| !rule.lines.is_empty()) {
        let _ = writeln!(out, "  rule {}: {}", escape(&rule.rule), rule.status.name());
        for line in &rule.lines {
            let _ = writeln!(out, "    {}", escape(line));
        }
    }
    for l in &r.lets {
        let _ = writeln!(out, "  {} {}: {}", l.kind, escape(&l.name), l.status.name());
        for row in &l.rows {
            let _ = writeln!(out, "    {}", escape(row));
        }
    }
    for s in &r.scores {
        let show = |d: Option<rust_decimal::Decimal>| d.map_or_else(|| "-".to_owned(), crate::value::format_decimal);
        let _ = writeln!(
            out,
            "  scorecard {}: mean {} → {} (shift {}); {} {} rose, {} fell, of {}",
            s.scorecard,
            show(s.old_mean),
            show(s.new_mean),
            show(s.shift),
            s.rose,
            if s.rose == 1 { "account" } else { "accounts" },
            s.fell,
            s.accounts
        );
    }
}

/// The new version's guards over the portfolio.
fn guards(out: &mut String, r: &DiffReport) {
    if !r.guards.is_empty() || !r.guards_removed.is_empty() {
        out.push_str("\nGuards of the new version\n");
        let mut rows: Vec<Vec<String>> = r
            .guards
            .iter()
            .map(|g| {
                let change = match (&g.was, g.added) {
                    (Some(was), _) => format!("; was `guard {was}`"),
                    (None, true) => "; new".to_owned(),
                    (None, false) => String::new(),
                };
                vec![
                    if g.breached { "BREACHED".into() } else { "ok".into() },
                    format!("guard {}", g.guard),
                    format!("{} of {} (bound {}; old version {}{change})", g.count, g.decided, g.bound, g.old_count),
                ]
            })
            .collect();
        rows.extend(r.guards_removed.iter().map(|g| vec!["removed".into(), format!("guard {g}"), "—".into()]));
        out.push_str(&table(&rows, &[Align::Left, Align::Left, Align::Left]));
    }
}

/// The first changed accounts, each side summarised.
fn changed_accounts(out: &mut String, r: &DiffReport) {
    if r.changed > 0 {
        let shown = r.accounts.len().min(SHOWN);
        let _ = writeln!(
            out,
            "\nChanged accounts ({}{})",
            r.changed,
            if (shown as u64) < r.changed {
                format!("; first {shown} shown, all with --changed FILE")
            } else {
                "".into()
            }
        );
        let rows: Vec<Vec<String>> = r
            .accounts
            .iter()
            .take(shown)
            .map(|a| {
                vec![
                    a.id.as_ref().map_or_else(|| format!("#{}", a.record), ToString::to_string),
                    side_summary(&a.old),
                    "→".into(),
                    side_summary(&a.new),
                    a.differs.join(","),
                    fired_delta(a),
                ]
            })
            .collect();
        out.push_str(&table(&rows, &[Align::Left; 6]));
    }
}

/// An application policy's exposure: the credit each version's approvals
/// grant (no application has a limit before its decision, so no band).
fn granted(out: &mut String, e: &Exposure) {
    let amount = |d: Option<Decimal>| d.map_or("overflow".into(), format_decimal);
    let _ = writeln!(out, "\nCredit granted ({}{})", counted(e.accounts, "application"), left_out(e));
    let rows = vec![
        vec!["by old".into(), amount(e.old)],
        vec!["by new".into(), amount(e.new)],
        vec!["new − old".into(), Exposure::change(e.old, e.new).map_or("—".into(), signed)],
    ];
    out.push_str(&table(&rows, &[Align::Left, Align::Right]));
}

/// The records the exposure totals leave out, and why.
fn left_out(e: &Exposure) -> String {
    let mut text = String::new();
    if e.without_limit > 0 {
        let _ = write!(text, "; {} without a current limit", e.without_limit);
    }
    if e.undecided > 0 {
        let _ = write!(text, "; {} left out, a version could not decide them", e.undecided);
    }
    text
}

fn exposure(out: &mut String, e: &Exposure) {
    let amount = |d: Option<Decimal>| d.map_or("overflow".into(), format_decimal);
    if e.granted {
        granted(out, e);
        return;
    }
    let _ = writeln!(out, "\nLimit exposure ({}, {}{})", escape(&e.field), counted(e.accounts, "account"), left_out(e));
    let change = |from, to| Exposure::change(from, to).map_or(String::new(), |c| format!("({})", signed(c)));
    let rows = vec![
        vec!["current".into(), amount(e.current), String::new()],
        vec!["after old".into(), amount(e.old), change(e.current, e.old)],
        vec!["after new".into(), amount(e.new), change(e.current, e.new)],
        vec!["new − old".into(), Exposure::change(e.old, e.new).map_or("—".into(), signed), String::new()],
    ];
    out.push_str(&table(&rows, &[Align::Left, Align::Right, Align::Left]));
    let mut rows = vec![vec!["change".to_string(), "old".into(), "new".into()]];
    for (i, b) in Bucket::ALL.iter().enumerate() {
        rows.push(vec![
            b.label().into(),
            count(e.buckets_old.get(i).copied().unwrap_or(0)),
            count(e.buckets_new.get(i).copied().unwrap_or(0)),
        ]);
    }
    out.push_str(&table(&rows, &[Align::Left, Align::Right, Align::Right]));
}
