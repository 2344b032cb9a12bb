//! The diff report: running totals while the snapshots stream by ([`Tally`]),
//! and the finished [`DiffReport`] (its JSON form is in `json.rs`).

use super::axes::{shown_rows, Bucket, Row, ROWS};
use super::rules::{ChangeStatus, LetChange};
use super::{Differ, Judged};
use crate::compile::Program;
use crate::decision::fields;
use crate::eval::Outputs;
use crate::ir::Outcome;
use crate::snapshot::Key;
use crate::value::{round_half_away, Date};
use rust_decimal::Decimal;
use serde::Serialize;
use std::collections::{HashMap, HashSet};
use std::sync::Arc;

/// Running totals of a diff.
pub(crate) struct Tally {
    pub(crate) records: u64,
    matrix: [[u64; ROWS.len()]; ROWS.len()],
    /// Per outcome: accounts keeping it under both versions whose decision still differs.
    same_outcome_changed: [u64; ROWS.len()],
    pub(crate) changed: u64,
    /// Per part of a decision (outcome, until, limit, reasons, actions, error): accounts where it differs.
    parts: [u64; 6],
    fires: HashMap<Arc<str>, Fires>,
    exposure: Option<ExposureTally>,
    /// Hook calls of either version stopped by the wall-clock backstop: no
    /// decisions to compare, so the diff is incomplete.
    pub(crate) timeouts: u64,
    /// Error records by kind: the kind's name, under the old version and the new.
    errors: Vec<(&'static str, u64, u64)>,
    /// The first error record's account and message, under either version.
    first_error: Option<String>,
    /// Accounts by arm.
    arms: super::arms::ArmTally,
    /// Whether either version has a split.
    splits: bool,
    /// Per scorecard both versions have: how its score moved.
    scores: Vec<ScoreShift>,
    /// Realised performance joined to the matrix, with `--performance`.
    pub(crate) performance: Option<super::swap_sets::PerfTally>,
    /// The earliest and latest date a decision was made as of.
    as_of: Option<(Date, Date)>,
}

/// How one scorecard's score moved between the versions, over the accounts
/// both decided.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ScoreShift {
    /// The scorecard.
    pub scorecard: String,
    /// Accounts both versions scored.
    pub accounts: u64,
    /// Of those, accounts whose score rose.
    pub rose: u64,
    /// Accounts whose score fell.
    pub fell: u64,
    /// The mean score under the version in force (2 decimal places).
    pub old_mean: Option<Decimal>,
    /// The mean score under the proposed version.
    pub new_mean: Option<Decimal>,
    /// The mean change of score, rounded as the means are (not the
    /// difference of the rounded means).
    pub shift: Option<Decimal>,
    old_total: Decimal,
    new_total: Decimal,
}

impl ScoreShift {
    fn add(&mut self, old: Decimal, new: Decimal) {
        self.accounts += 1;
        self.rose += u64::from(new > old);
        self.fell += u64::from(new < old);
        self.old_total = self.old_total.saturating_add(old);
        self.new_total = self.new_total.saturating_add(new);
    }

    fn finish(mut self) -> ScoreShift {
        // Half away from zero, as every other rounded figure of the reports
        // (bad rates, PSI, a hook's `round`): 620.625 is 620.63.
        let mean = |total: Decimal| total.checked_div(Decimal::from(self.accounts)).map(|m| round_half_away(m, 2));
        self.old_mean = mean(self.old_total);
        self.new_mean = mean(self.new_total);
        // The mean of the differences, rounded once: the difference of the
        // rounded means can be a hundredth off (593.33 → 596.67 is 3.34, the shift 10/3).
        self.shift = (self.accounts > 0).then(|| self.new_total.checked_sub(self.old_total)).flatten().and_then(mean);
        self
    }
}

#[derive(Clone, Copy, Default)]
struct Fires {
    old: u64,
    new: u64,
    gained: u64,
    lost: u64,
}

struct ExposureTally {
    /// Applications: the current limit of each is 0 and no band is counted.
    granted: bool,
    accounts: u64,
    without: u64,
    undecided: u64,
    /// Totals; `None` once a sum overflowed.
    current: Option<Decimal>,
    old: Option<Decimal>,
    new: Option<Decimal>,
    buckets_old: [u64; 7],
    buckets_new: [u64; 7],
}

const PARTS: [&str; 6] =
    [fields::OUTCOME, fields::UNTIL, fields::LIMIT, fields::REASONS, fields::ACTIONS, fields::ERROR];

fn bump<const N: usize>(counts: &mut [u64; N], index: usize) {
    if let Some(c) = counts.get_mut(index) {
        *c += 1;
    }
}

impl Tally {
    pub(crate) fn new(differ: &Differ) -> Tally {
        Tally {
            as_of: None,
            records: 0,
            matrix: [[0; ROWS.len()]; ROWS.len()],
            same_outcome_changed: [0; ROWS.len()],
            changed: 0,
            parts: [0; 6],
            fires: HashMap::new(),
            exposure: differ.limit.as_ref().map(|limit| ExposureTally {
                granted: limit.granted(),
                accounts: 0,
                without: 0,
                undecided: 0,
                current: Some(Decimal::ZERO),
                old: Some(Decimal::ZERO),
                new: Some(Decimal::ZERO),
                buckets_old: [0; 7],
                buckets_new: [0; 7],
            }),
            timeouts: 0,
            errors: Vec::new(),
            first_error: None,
            arms: super::arms::ArmTally::default(),
            splits: !(differ.old.splits.is_empty() && differ.new.splits.is_empty()),
            scores: Vec::new(),
            performance: None,
        }
    }

    /// Counts the pair's error records by kind, and keeps the first message.
    fn count_errors(&mut self, j: &Judged) {
        for (side, outputs) in [(0, &j.old), (1, &j.new)] {
            let Err(e) = outputs else { continue };
            let at = match self.errors.iter().position(|(kind, ..)| *kind == e.kind.name()) {
                Some(at) => at,
                None => {
                    self.errors.push((e.kind.name(), 0, 0));
                    self.errors.len() - 1
                }
            };
            if let Some((_, old, new)) = self.errors.get_mut(at) {
                *(if side == 0 { old } else { new }) += 1;
            }
            if self.first_error.is_none() {
                let id = e.id.as_ref().map_or_else(|| "a snapshot".to_string(), ToString::to_string);
                self.first_error = Some(format!("{id}: {}", e.message));
            }
        }
    }

    pub(crate) fn add(&mut self, j: &Judged, differs: &[&'static str]) {
        self.records += 1;
        for decided in [&j.old, &j.new].into_iter().flatten() {
            let (first, last) = self.as_of.get_or_insert((decided.as_of, decided.as_of));
            *first = (*first).min(decided.as_of);
            *last = (*last).max(decided.as_of);
        }
        let timed_out = |o: &Outputs| matches!(o, Err(e) if e.kind == crate::eval::ErrorKind::Timeout);
        self.timeouts += u64::from(timed_out(&j.old)) + u64::from(timed_out(&j.new));
        self.count_errors(j);
        self.arms.add(j, !differs.is_empty(), self.splits);
        if let Some(p) = &mut self.performance {
            p.add(j);
        }
        let (old_row, new_row) = (Row::of(&j.old), Row::of(&j.new));
        if let Some(row) = self.matrix.get_mut(old_row.index()) {
            bump(row, new_row.index());
        }
        if !differs.is_empty() {
            self.changed += 1;
            if old_row == new_row {
                bump(&mut self.same_outcome_changed, old_row.index());
            }
            for part in differs {
                if let Some(i) = PARTS.iter().position(|p| p == part) {
                    bump(&mut self.parts, i);
                }
            }
        }
        if let (Ok(a), Ok(b)) = (&j.old, &j.new) {
            for new_score in &b.scores {
                let Some(old_score) = a.scores.iter().find(|s| s.name == new_score.name) else { continue };
                let shift = match self.scores.iter_mut().position(|s| *s.scorecard == *new_score.name) {
                    Some(i) => self.scores.get_mut(i),
                    None => {
                        self.scores.push(ScoreShift { scorecard: new_score.name.to_string(), ..ScoreShift::default() });
                        self.scores.last_mut()
                    }
                };
                if let Some(shift) = shift {
                    shift.add(old_score.value, new_score.value);
                }
            }
        }
        let fired = |o: &Outputs| -> Vec<Arc<str>> { o.as_ref().map(|d| d.fired.clone()).unwrap_or_default() };
        let (old_fired, new_fired) = (fired(&j.old), fired(&j.new));
        let (in_old, in_new) = (FiredSet::new(&old_fired), FiredSet::new(&new_fired));
        for rule in &old_fired {
            let f = self.fires.entry(rule.clone()).or_default();
            f.old += 1;
            if !in_new.contains(rule) {
                f.lost += 1;
            }
        }
        for rule in &new_fired {
            let f = self.fires.entry(rule.clone()).or_default();
            f.new += 1;
            if !in_old.contains(rule) {
                f.gained += 1;
            }
        }
        if let Some(e) = &mut self.exposure {
            // What a version would have done with an account it could not
            // decide is unknown: counting its current limit would report an
            // unchanged limit, so such accounts are left out of every total
            // and band (as are unreadable snapshots, which neither decides).
            let (Ok(old_decision), Ok(new_decision)) = (&j.old, &j.new) else {
                e.undecided += 1;
                return;
            };
            let current = match j.current_limit {
                Some(current) => current,
                // An application's credit before its decision: none.
                None if e.granted => Decimal::ZERO,
                None => {
                    e.without += 1;
                    return;
                }
            };
            let after = |d: &crate::Decision| d.limit.unwrap_or(current);
            let (old_after, new_after) = (after(old_decision), after(new_decision));
            e.accounts += 1;
            e.current = e.current.and_then(|t| t.checked_add(current));
            e.old = e.old.and_then(|t| t.checked_add(old_after));
            e.new = e.new.and_then(|t| t.checked_add(new_after));
            // A change from nothing has no percentage: applications count in no band.
            if !e.granted {
                bump(&mut e.buckets_old, Bucket::of(current, old_after) as usize);
                bump(&mut e.buckets_new, Bucket::of(current, new_after) as usize);
            }
        }
    }
}

/// The caller's part of the report: when it was made and from what.
#[derive(Clone, Debug, Default, Serialize)]
pub struct ReportMeta {
    /// When the report was made, as the caller wants it shown (e.g. `2026-11-01 09:30 UTC`).
    pub generated: String,
    /// The snapshot inputs, as named on the command line.
    pub inputs: Vec<String>,
}

/// Which policy a side of the report is.
#[derive(Clone, Debug, Serialize)]
pub struct PolicyInfo {
    /// The policy file as given.
    pub path: String,
    /// `policy "name"`.
    pub name: String,
    /// `version "v"`.
    pub version: String,
    /// `sha256:` over every file its decisions depend on.
    pub fingerprint: String,
}

impl PolicyInfo {
    fn of(path: &str, p: &Program) -> PolicyInfo {
        PolicyInfo {
            path: path.into(),
            name: p.name.clone(),
            version: p.version.clone(),
            fingerprint: p.fingerprint.clone(),
        }
    }
}

/// One cell of the swap-set matrix.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MatrixCell {
    /// Outcome under the old version.
    pub old: Row,
    /// Outcome under the new version.
    pub new: Row,
    /// Accounts.
    pub count: u64,
}

/// One rule of either version: how its text changed and how often it fired.
#[derive(Clone, Debug, Serialize)]
pub struct RuleRow {
    /// The rule's name.
    pub rule: String,
    /// Added, removed, changed or unchanged (by its text).
    pub status: ChangeStatus,
    /// For a changed rule: `condition`, `actions`, `priority`, `group`.
    pub parts: Vec<&'static str>,
    /// Changed lets the rule reads (directly or through other lets).
    pub via_lets: Vec<String>,
    /// What changed in its text, as written: `- when OLD` / `+ when NEW`,
    /// `- then` / `+ then`, `- priority` / `+ priority` (an added rule's
    /// `+` lines alone).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub lines: Vec<String>,
    /// Decisions it fired in under the old version (`null`: not in that version).
    pub old_fires: Option<u64>,
    /// Decisions it fired in under the new version (`null`: not in that version).
    pub new_fires: Option<u64>,
    /// Accounts where it fires under the new version but did not under the old.
    pub gained: u64,
    /// Accounts where it fired under the old version but does not under the new.
    pub lost: u64,
}

/// Total credit limits before and after, and how limits move.
#[derive(Clone, Debug)]
pub struct Exposure {
    /// The field read as the current limit (`limit` for applications).
    pub field: String,
    /// Application policies: no application has a current limit, so
    /// `current` is 0, `old` and `new` are the credit each version's
    /// approvals grant (the decisions' `limit`), and no band is counted.
    pub granted: bool,
    /// Accounts with a known current limit (the totals are over these).
    pub accounts: u64,
    /// Accounts both versions decided without a current limit (the optional field absent).
    pub without_limit: u64,
    /// Records left out because a version could not decide them (an unreadable
    /// snapshot, an `eval` or `hook` error): their limit after is unknown.
    pub undecided: u64,
    /// Total current limit (`None`: the sum overflowed).
    pub current: Option<Decimal>,
    /// Total limit after the old version's decisions.
    pub old: Option<Decimal>,
    /// Total limit after the new version's decisions.
    pub new: Option<Decimal>,
    /// Accounts per band of change, old version, in [`Bucket::ALL`] order.
    pub buckets_old: [u64; 7],
    /// Accounts per band of change, new version.
    pub buckets_new: [u64; 7],
}

impl Exposure {
    /// `after - current`, when both totals are known.
    pub fn change(current: Option<Decimal>, after: Option<Decimal>) -> Option<Decimal> {
        after?.checked_sub(current?)
    }
}

/// A guard of the new version, checked over the run.
#[derive(Clone, Debug, Serialize)]
pub struct GuardRow {
    /// As written (`close at most 20%`).
    pub guard: String,
    /// The outcome it bounds.
    pub outcome: &'static str,
    /// Accounts with that outcome under the new version.
    pub count: u64,
    /// Accounts with that outcome under the old version, for comparison.
    pub old_count: u64,
    /// Decisions the new version made (the base of a percentage).
    pub decided: u64,
    /// The bound as a number of accounts.
    pub bound: String,
    /// `count` is strictly above the bound.
    pub breached: bool,
    /// The old version's guard this one replaces, as written, when the bound
    /// changed (`close at most 20%` tightened to `close at most 5%`).
    pub was: Option<String>,
    /// The old version had no guard on this outcome.
    pub added: bool,
}

/// An account whose decision differs.
#[derive(Clone, Debug)]
pub struct ChangedAccount {
    /// The input it came from.
    pub input: Arc<str>,
    /// Its position in that input (1-based).
    pub record: u64,
    /// The account's key, as far as it could be read.
    pub id: Option<Key>,
    /// The snapshot's date, when a version decided it.
    pub as_of: Option<Date>,
    /// What differs (see [`super::differences`]).
    pub differs: Vec<&'static str>,
    /// The account's current limit, when known.
    pub current_limit: Option<Decimal>,
    /// The old version's decision.
    pub old: Outputs,
    /// The new version's decision.
    pub new: Outputs,
}

impl ChangedAccount {
    pub(crate) fn new(input: Arc<str>, record: u64, differs: Vec<&'static str>, j: Judged) -> ChangedAccount {
        let id = match (&j.old, &j.new) {
            (Ok(d), _) | (_, Ok(d)) => Some(d.id.clone()),
            (Err(a), Err(b)) => a.id.clone().or_else(|| b.id.clone()),
        };
        let as_of = j.old.as_ref().ok().or(j.new.as_ref().ok()).map(|d| d.as_of);
        ChangedAccount { input, record, id, as_of, differs, current_limit: j.current_limit, old: j.old, new: j.new }
    }
}

/// What a policy change would do to the book.
#[derive(Clone, Debug)]
pub struct DiffReport {
    /// When and from what.
    pub meta: ReportMeta,
    /// The version in force.
    pub old: PolicyInfo,
    /// The proposed version.
    pub new: PolicyInfo,
    /// Both versions read snapshots with the same schema layout.
    pub same_schema: bool,
    /// How the schemas' fields differ (see [`super::Differ::schema_changes`]).
    pub schema_changes: Vec<String>,
    /// Error records by kind (`snapshot`, `eval`, `hook`, `timeout`): the
    /// kind, how many under the old version and under the new.
    pub errors: Vec<(&'static str, u64, u64)>,
    /// The first error record, `ID: message`, so that a book every version
    /// fails on (no `as_of`, a wrong file) says why.
    pub first_error: Option<String>,
    /// The same policy written otherwise (see [`super::Differ::same_text`]).
    pub same_text: bool,
    /// The earliest and the latest date the decisions were made as of (each
    /// snapshot's `as_of`, else the default given): what effective dates
    /// were judged against. `None` when no snapshot was decided.
    pub as_of: Option<(Date, Date)>,
    /// Snapshots read.
    pub records: u64,
    /// Accounts by old row × new row, indexed by [`Row::index`].
    pub matrix: [[u64; ROWS.len()]; ROWS.len()],
    /// Per old row: accounts keeping that outcome whose decision differs all the same.
    pub same_outcome_changed: [u64; ROWS.len()],
    /// Accounts whose decision differs.
    pub changed: u64,
    /// Accounts where each part differs: outcome, until, limit, reasons, actions, error.
    pub parts: [(&'static str, u64); 6],
    /// Every rule: the new version's in evaluation order, then the removed ones.
    pub rules: Vec<RuleRow>,
    /// Lets added, removed or changed.
    pub lets: Vec<LetChange>,
    /// Limit exposure, when the current limit could be read.
    pub exposure: Option<Exposure>,
    /// Why there is no limit exposure.
    pub exposure_note: Option<String>,
    /// The new version's guards.
    pub guards: Vec<GuardRow>,
    /// The old version's guards that the new one dropped, as written.
    pub guards_removed: Vec<String>,
    /// The first changed accounts, in input order.
    pub accounts: Vec<ChangedAccount>,
    /// Accounts by arm of each split (empty when neither version has one).
    pub arms: Vec<super::arms::ArmRow>,
    /// Snapshots of a policy with splits that could not be read: in no arm.
    pub arms_unassigned: u64,
    /// The rows (and columns) the matrix shows: the outcomes of the
    /// policies' entity, most severe first, then `error`.
    pub rows: Vec<Row>,
    /// Per scorecard both versions have: how its score moved.
    pub scores: Vec<ScoreShift>,
    /// Realised performance joined to the matrix (with `--performance`).
    pub performance: Option<super::swap_sets::PerformanceReport>,
}

impl DiffReport {
    /// The dates decided as of, as the reports say them: `as of 2026-11-01`,
    /// or `as of 2026-10-01 to 2026-11-01` when the snapshots' dates differ.
    pub fn as_of_text(&self) -> Option<String> {
        self.as_of.map(|(first, last)| match first == last {
            true => format!("as of {first}"),
            false => format!("as of {first} to {last}"),
        })
    }

    /// What changed that `rule` reads though its text did not, each name
    /// called what the policy declares it (`let a, b; batch reg`): a batch or
    /// a split read as "let" sent a reviewer looking for a let that is not there.
    pub fn reads_changed(&self, rule: &RuleRow) -> String {
        let kind_of = |name: &str| self.lets.iter().find(|l| l.name == name).map_or("let", |l| l.kind);
        let mut groups: Vec<(&str, Vec<&str>)> = Vec::new();
        for name in &rule.via_lets {
            let kind = kind_of(name);
            match groups.iter_mut().find(|(k, _)| *k == kind) {
                Some((_, names)) => names.push(name),
                None => groups.push((kind, vec![name])),
            }
        }
        let plural = |kind: &str| if kind.ends_with('h') { format!("{kind}es") } else { format!("{kind}s") };
        let group = |(kind, names): &(&str, Vec<&str>)| {
            let noun = if names.len() == 1 { (*kind).to_string() } else { plural(kind) };
            format!("{noun} {}", names.join(", "))
        };
        groups.iter().map(group).collect::<Vec<_>>().join("; ")
    }

    /// Accounts in one cell of the matrix.
    pub fn cell(&self, old: Row, new: Row) -> u64 {
        self.matrix.get(old.index()).and_then(|r| r.get(new.index())).copied().unwrap_or(0)
    }
    /// Accounts with this row under the old version.
    pub fn old_total(&self, row: Row) -> u64 {
        ROWS.iter().map(|&n| self.cell(row, n)).sum()
    }
    /// Whether the matrix shows this row.
    pub fn shows(&self, row: Row) -> bool {
        self.rows.contains(&row)
    }
    /// Accounts with this row under the new version.
    pub fn new_total(&self, row: Row) -> u64 {
        ROWS.iter().map(|&o| self.cell(o, row)).sum()
    }
    /// Accounts that move into `row` under the new version (from any other row).
    pub fn newly(&self, row: Row) -> u64 {
        self.new_total(row) - self.cell(row, row)
    }
    /// Accounts that failed under either version (a bad snapshot fails under both).
    pub fn failed(&self) -> u64 {
        self.old_total(Row::Error) + self.new_total(Row::Error) - self.cell(Row::Error, Row::Error)
    }
    /// Whether a guard of the new version is breached.
    pub fn guard_breached(&self) -> bool {
        self.guards.iter().any(|g| g.breached)
    }
}

/// The rules one side fired, to ask whether it fired a rule: searched in
/// order when few (as nearly always), hashed when many, so an account that
/// fires thousands of rules is not compared rule by rule.
pub(crate) struct FiredSet<'a> {
    list: &'a [Arc<str>],
    set: Option<HashSet<&'a str>>,
}

impl<'a> FiredSet<'a> {
    pub(crate) fn new(list: &'a [Arc<str>]) -> FiredSet<'a> {
        FiredSet { list, set: (list.len() > 16).then(|| list.iter().map(|r| &**r).collect()) }
    }

    pub(crate) fn contains(&self, rule: &str) -> bool {
        match &self.set {
            Some(set) => set.contains(rule),
            None => self.list.iter().any(|r| &**r == rule),
        }
    }
}

pub(crate) fn build(differ: &Differ, tally: Tally, kept: Vec<ChangedAccount>, meta: ReportMeta) -> DiffReport {
    let (old, new) = (&differ.old, &differ.new);
    let mut rules = Vec::new();
    let mut row = |name: &Arc<str>, in_old: bool, in_new: bool| {
        let fires = tally.fires.get(name).copied().unwrap_or_default();
        let change = differ.text.rules.get(&**name);
        rules.push(RuleRow {
            rule: name.to_string(),
            status: change.map_or(ChangeStatus::Unchanged, |c| c.status),
            parts: change.map(|c| c.parts.clone()).unwrap_or_default(),
            via_lets: change.map(|c| c.via_lets.clone()).unwrap_or_default(),
            lines: change.map(|c| c.lines.clone()).unwrap_or_default(),
            old_fires: in_old.then_some(fires.old),
            new_fires: in_new.then_some(fires.new),
            gained: fires.gained,
            lost: fires.lost,
        });
    };
    // Name sets, so a policy of many rules is not compared name by name with each other rule.
    let old_names: HashSet<&str> = old.rules.iter().map(|r| &*r.name).collect();
    let new_names: HashSet<&str> = new.rules.iter().map(|r| &*r.name).collect();
    for rule in &new.rules {
        row(&rule.name, old_names.contains(&*rule.name), true);
    }
    for rule in old.rules.iter().filter(|r| !new_names.contains(&*r.name)) {
        row(&rule.name, true, false);
    }
    let (arms, arms_unassigned) = tally.arms.finish(&new.splits, &old.splits);
    let application = new.schema.is_application();
    let performance = tally.performance.map(|p| p.finish(application, &arms));
    let mut report = DiffReport {
        meta,
        old: PolicyInfo::of(&differ.paths.0, old),
        new: PolicyInfo::of(&differ.paths.1, new),
        same_schema: differ.same_schema,
        same_text: differ.same_text,
        schema_changes: differ.schema_changes.clone(),
        records: tally.records,
        matrix: tally.matrix,
        same_outcome_changed: tally.same_outcome_changed,
        errors: tally.errors.clone(),
        first_error: tally.first_error.clone(),
        as_of: tally.as_of,
        changed: tally.changed,
        parts: [("", 0); 6],
        rules,
        lets: differ.text.lets.clone(),
        exposure: None,
        exposure_note: differ.limit_note.clone(),
        guards: Vec::new(),
        guards_removed: Vec::new(),
        accounts: kept,
        arms,
        arms_unassigned,
        performance,
        rows: shown_rows(
            application,
            [old, new].iter().any(|p| p.rules.iter().any(|r| r.status == Outcome::Reinstate)),
        ),
        scores: tally.scores.iter().cloned().map(ScoreShift::finish).collect(),
    };
    for (slot, (name, count)) in report.parts.iter_mut().zip(PARTS.iter().zip(tally.parts)) {
        *slot = (name, count);
    }
    report.exposure = tally.exposure.zip(differ.limit.as_ref()).map(|(e, source)| Exposure {
        field: source.field.clone(),
        granted: e.granted,
        accounts: e.accounts,
        without_limit: e.without,
        undecided: e.undecided,
        current: e.current,
        old: e.old,
        new: e.new,
        buckets_old: e.buckets_old,
        buckets_new: e.buckets_new,
    });
    let decided = ROWS.iter().filter(|r| **r != Row::Error).map(|&r| report.new_total(r)).sum::<u64>();
    let (changes, removed) = super::guards::guard_changes(&old.guards, &new.guards);
    report.guards_removed = removed;
    report.guards = new
        .guards
        .iter()
        .zip(changes)
        .map(|(g, (was, added))| {
            let row = Row::from_outcome(g.outcome);
            let count = report.new_total(row);
            let (breached, bound) = crate::eval::guard_check(
                g,
                usize::try_from(count).unwrap_or(usize::MAX),
                usize::try_from(decided).unwrap_or(usize::MAX),
            );
            GuardRow {
                guard: g.text.clone(),
                outcome: g.outcome.name(),
                count,
                old_count: report.old_total(row),
                decided,
                bound,
                breached,
                was,
                added,
            }
        })
        .collect();
    report
}

#[cfg(test)]
mod tests {

    #[test]
    fn the_score_shift_is_the_mean_change_rounded_once() {
        // 525/635/620 → 515/645/630: the means are 593.33 and 596.67 (rounded),
        // the shift 10/3 = 3.33, not the 3.34 between the rounded means.
        let mut shift = ScoreShift::default();
        for (old, new) in [(525, 515), (635, 645), (620, 630)] {
            shift.add(Decimal::from(old), Decimal::from(new));
        }
        let shift = shift.finish();
        let text = |d: Option<Decimal>| d.map(|d| d.to_string());
        assert_eq!(text(shift.old_mean).as_deref(), Some("593.33"));
        assert_eq!(text(shift.new_mean).as_deref(), Some("596.67"));
        assert_eq!(text(shift.shift).as_deref(), Some("3.33"));
        assert_eq!(ScoreShift::default().finish().shift, None);
        // A tie rounds away from zero, as the reports' other figures do:
        // 620.625 is 620.63 and a shift of -0.625 is -0.63 (not to the even 620.62).
        let mut tie = ScoreShift::default();
        for (old, new) in
            [(620, 620), (621, 620), (620, 620), (621, 620), (620, 620), (621, 620), (620, 620), (622, 620)]
        {
            tie.add(Decimal::from(old), Decimal::from(new));
        }
        let tie = tie.finish();
        assert_eq!(text(tie.old_mean).as_deref(), Some("620.63"));
        assert_eq!(text(tie.shift).as_deref(), Some("-0.63"));
    }

    use super::*;

    #[test]
    fn fired_sets_answer_alike_searched_or_hashed() {
        for n in [3, 17, 200] {
            let list: Vec<Arc<str>> = (0..n).map(|i| Arc::from(format!("r{i}"))).collect();
            let set = FiredSet::new(&list);
            assert_eq!(set.set.is_some(), n > 16);
            assert!((0..n).all(|i| set.contains(&format!("r{i}"))));
            assert!(!set.contains("r-1") && !set.contains(&format!("r{n}")));
        }
    }
}
