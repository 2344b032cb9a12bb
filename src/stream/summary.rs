//! What a run counted ([`Tally`]) and the report made of it ([`Summary`]):
//! accounts, decisions per outcome, fires per rule, errors per kind, and the
//! guards with their counts and bounds.

use crate::compile::Program;
use crate::eval::{arm_of, guard_check, ErrorKind, Outputs};
use crate::ir::Outcome;
use crate::value::Record;
use serde::Serialize;
use std::sync::Arc;

/// Counts over a run, mergeable across chunks.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Tally {
    /// Records written (decisions and errors).
    pub records: u64,
    /// Records that are decisions.
    pub decided: u64,
    /// Decisions per outcome, indexed by `Outcome as usize`.
    pub outcomes: [u64; OUTCOMES],
    /// Error records per kind: snapshot, eval, hook, timeout.
    pub errors: [u64; 4],
    /// Fires per rule, indexed like [`Program::rules`] (evaluation order).
    pub fired: Vec<u64>,
    /// Decisions per arm and outcome: the arms of every split one after the
    /// other, [`OUTCOMES`] counts each, indexed by `Outcome as usize`.
    pub arms: Vec<u64>,
    /// Accounts per arm (in [`Tally::arms`]' order of arms) that were read
    /// but not decided (an eval, hook or timeout error): a challenger that
    /// fails more accounts than its champion is told apart by this.
    pub arm_errors: Vec<u64>,
    /// Snapshots read without an `as_of` of their own: decided as of the
    /// run's default (`--as-of`), or an error without one.
    pub undated: u64,
}

/// Counts kept per outcome (indexed by `Outcome as usize`).
const OUTCOMES: usize = Outcome::ALL.len();

/// Where each split's arms start in [`Tally::arms`] (in arms, not counts).
fn arm_offsets(program: &Program) -> impl Iterator<Item = usize> + '_ {
    program.splits.iter().scan(0, |next, s| {
        let at = *next;
        *next += s.arms.len();
        Some(at)
    })
}

fn error_index(kind: ErrorKind) -> usize {
    match kind {
        ErrorKind::Snapshot => 0,
        ErrorKind::Eval => 1,
        ErrorKind::Hook => 2,
        ErrorKind::Timeout => 3,
    }
}

impl Tally {
    /// Zero counts for `program`'s rules.
    pub fn new(program: &Program) -> Tally {
        let arms: usize = program.splits.iter().map(|s| s.arms.len()).sum();
        Tally {
            fired: vec![0; program.rules.len()],
            arms: vec![0; arms * OUTCOMES],
            arm_errors: vec![0; arms],
            ..Tally::default()
        }
    }

    /// Back to zero, keeping the rule count.
    pub fn clear(&mut self) {
        self.records = 0;
        self.decided = 0;
        self.outcomes = [0; OUTCOMES];
        self.errors = [0; 4];
        self.fired.iter_mut().for_each(|n| *n = 0);
        self.arms.iter_mut().for_each(|n| *n = 0);
        self.arm_errors.iter_mut().for_each(|n| *n = 0);
        self.undated = 0;
    }

    /// Counts a snapshot that was read but not decided in its arm of each
    /// split (its error record, counted by [`Tally::add`], names none).
    /// Out of line: it sits in the run's per-snapshot loop, whose body is
    /// kept small (see `decide!` in `stream/mod.rs`).
    #[cold]
    #[inline(never)]
    pub fn add_failed_in_arms(&mut self, program: &Program, record: &Record) {
        for (offset, split) in arm_offsets(program).zip(&program.splits) {
            if let Some(n) = self.arm_errors.get_mut(offset + arm_of(split, record).index as usize) {
                *n += 1;
            }
        }
    }

    /// Counts one output record of `program`.
    pub fn add(&mut self, record: &Outputs, program: &Program) {
        self.records += 1;
        match record {
            Ok(d) => {
                self.decided += 1;
                if let Some(n) = self.outcomes.get_mut(d.outcome as usize) {
                    *n += 1;
                }
                for (offset, arm) in arm_offsets(program).zip(&d.arms) {
                    let at = (offset + arm.index as usize) * OUTCOMES + d.outcome as usize;
                    if let Some(n) = self.arms.get_mut(at) {
                        *n += 1;
                    }
                }
                // INVARIANT: `fired` lists rules in evaluation order, as `program.rules` does,
                // so one forward walk finds them all.
                let mut cursor = 0;
                for name in &d.fired {
                    let found = program
                        .rules
                        .get(cursor..)
                        .and_then(|rest| rest.iter().position(|r| Arc::ptr_eq(&r.name, name)))
                        .map(|offset| cursor + offset)
                        .or_else(|| program.rules.iter().position(|r| r.name == *name));
                    if let Some(i) = found {
                        if let Some(n) = self.fired.get_mut(i) {
                            *n += 1;
                        }
                        cursor = i + 1;
                    }
                }
            }
            Err(e) => {
                if let Some(n) = self.errors.get_mut(error_index(e.kind)) {
                    *n += 1;
                }
            }
        }
    }

    /// Adds another tally of the same program.
    pub fn merge(&mut self, other: &Tally) {
        self.undated += other.undated;
        self.records += other.records;
        self.decided += other.decided;
        for (a, b) in self.outcomes.iter_mut().zip(other.outcomes) {
            *a += b;
        }
        for (a, b) in self.errors.iter_mut().zip(other.errors) {
            *a += b;
        }
        if self.fired.len() < other.fired.len() {
            self.fired.resize(other.fired.len(), 0);
        }
        for (a, b) in self.fired.iter_mut().zip(&other.fired) {
            *a += b;
        }
        if self.arms.len() < other.arms.len() {
            self.arms.resize(other.arms.len(), 0);
        }
        for (a, b) in self.arms.iter_mut().zip(&other.arms) {
            *a += b;
        }
        if self.arm_errors.len() < other.arm_errors.len() {
            self.arm_errors.resize(other.arm_errors.len(), 0);
        }
        for (a, b) in self.arm_errors.iter_mut().zip(&other.arm_errors) {
            *a += b;
        }
    }

    /// Decisions of arm `arm` (in [`Tally::arms`] order) with `outcome`.
    fn arm_outcome(&self, arm: usize, outcome: Outcome) -> u64 {
        self.arms.get(arm * OUTCOMES + outcome as usize).copied().unwrap_or(0)
    }

    /// Decisions with `outcome`.
    pub fn outcome(&self, outcome: Outcome) -> u64 {
        self.outcomes.get(outcome as usize).copied().unwrap_or(0)
    }

    /// Error records of `kind`.
    pub fn errors_of(&self, kind: ErrorKind) -> u64 {
        self.errors.get(error_index(kind)).copied().unwrap_or(0)
    }

    /// All error records.
    pub fn error_count(&self) -> u64 {
        self.errors.iter().sum()
    }
}

/// A run's report, as `--summary FILE` writes it (JSON).
#[derive(Clone, Debug, Serialize)]
pub struct Summary {
    /// The policy that decided.
    pub policy: PolicyInfo,
    /// Records written: one per input snapshot.
    pub accounts: u64,
    /// Records that are decisions.
    pub decided: u64,
    /// Decisions per outcome.
    pub outcomes: OutcomeCounts,
    /// Error records per kind.
    pub errors: ErrorCounts,
    /// Every rule in evaluation order with the number of decisions it fired in.
    pub fired: Vec<RuleCount>,
    /// Every guard with its count and bound.
    pub guards: Vec<GuardReport>,
    /// Decisions per outcome in each arm of each split (left out without splits).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub arms: Vec<SplitCounts>,
    /// Wall-clock seconds of the run, when measured.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub seconds: Option<f64>,
    /// Records per second, when measured.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub accounts_per_second: Option<f64>,
}

/// Which policy a summary is about.
#[derive(Clone, Debug, Serialize)]
pub struct PolicyInfo {
    /// `policy "name"`.
    pub name: String,
    /// `version "v"`.
    pub version: String,
    /// The decisions' fingerprint.
    pub fingerprint: String,
}

/// Decisions per outcome, most severe first: the outcomes the policy's
/// decisions may have ([`Program::outcomes`]), written as a JSON object.
#[derive(Clone, Debug)]
pub struct OutcomeCounts {
    /// Each outcome's name and count.
    pub counts: Vec<(&'static str, u64)>,
}

impl Serialize for OutcomeCounts {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut m = s.serialize_map(Some(self.counts.len()))?;
        for (name, n) in &self.counts {
            m.serialize_entry(name, n)?;
        }
        m.end()
    }
}

/// One split's decisions by arm.
#[derive(Clone, Debug, Serialize)]
pub struct SplitCounts {
    /// The split.
    pub split: String,
    /// Its arms in declared order.
    pub arms: Vec<ArmCounts>,
}

/// One arm's decisions.
#[derive(Clone, Debug, Serialize)]
pub struct ArmCounts {
    /// The arm.
    pub arm: String,
    /// Decisions that fell in it.
    pub decided: u64,
    /// Those decisions per outcome.
    pub outcomes: OutcomeCounts,
    /// Its accounts that were read but not decided (eval, hook or timeout errors).
    pub errors: u64,
}

impl OutcomeCounts {
    /// The counts `count` gives each of `program`'s outcomes.
    fn of(program: &Program, count: impl Fn(Outcome) -> u64) -> OutcomeCounts {
        OutcomeCounts { counts: program.outcomes().into_iter().map(|o| (o.name(), count(o))).collect() }
    }

    /// The counts as (outcome, count), most severe first.
    pub fn pairs(&self) -> Vec<(&'static str, u64)> {
        self.counts.clone()
    }

    /// The count of the outcome named `name` (0 when the policy cannot decide it).
    pub fn get(&self, name: &str) -> u64 {
        self.counts.iter().find(|(n, _)| *n == name).map_or(0, |(_, c)| *c)
    }
}

/// Each split's decisions by arm and outcome.
fn split_counts(program: &Program, tally: &Tally) -> Vec<SplitCounts> {
    program
        .splits
        .iter()
        .zip(arm_offsets(program))
        .map(|(s, offset)| SplitCounts {
            split: s.name.to_string(),
            arms: s
                .arm_names
                .iter()
                .enumerate()
                .map(|(i, name)| {
                    let outcomes = OutcomeCounts::of(program, |o| tally.arm_outcome(offset + i, o));
                    let decided = outcomes.pairs().iter().map(|(_, n)| n).sum();
                    let errors = tally.arm_errors.get(offset + i).copied().unwrap_or(0);
                    ArmCounts { arm: name.to_string(), decided, outcomes, errors }
                })
                .collect(),
        })
        .collect()
}

/// Error records per kind.
#[derive(Clone, Debug, Serialize)]
pub struct ErrorCounts {
    /// All of them.
    pub total: u64,
    /// Snapshots that could not be read.
    pub snapshot: u64,
    /// Evaluation failures.
    pub eval: u64,
    /// Hook failures.
    pub hook: u64,
    /// Hook calls stopped by the wall-clock backstop (each fails the run);
    /// written only when there were some.
    #[serde(skip_serializing_if = "is_zero")]
    pub timeout: u64,
}

fn is_zero(n: &u64) -> bool {
    *n == 0
}

/// One rule's fires.
#[derive(Clone, Debug, Serialize)]
pub struct RuleCount {
    /// The rule.
    pub rule: String,
    /// Decisions it fired in.
    pub count: u64,
}

/// One guard over the run.
#[derive(Clone, Debug, Serialize)]
pub struct GuardReport {
    /// As written (`close at most 2%`).
    pub guard: String,
    /// The outcome it bounds.
    pub outcome: &'static str,
    /// Decisions with that outcome.
    pub count: u64,
    /// The bound as a number of decisions (exact; `2%` of 1234 is `24.68`).
    pub bound: String,
    /// Strictly more than the bound.
    pub breached: bool,
}

impl Summary {
    /// The report of a run of `program` that counted `tally`.
    pub fn new(program: &Program, tally: &Tally) -> Summary {
        let decided = usize::try_from(tally.decided).unwrap_or(usize::MAX);
        let guards = program
            .guards
            .iter()
            .map(|g| {
                let count = tally.outcome(g.outcome);
                let (breached, bound) = guard_check(g, usize::try_from(count).unwrap_or(usize::MAX), decided);
                GuardReport { guard: g.text.clone(), outcome: g.outcome.name(), count, bound, breached }
            })
            .collect();
        Summary {
            policy: PolicyInfo {
                name: program.name.clone(),
                version: program.version.clone(),
                fingerprint: program.fingerprint.clone(),
            },
            accounts: tally.records,
            decided: tally.decided,
            outcomes: OutcomeCounts::of(program, |o| tally.outcome(o)),
            errors: ErrorCounts {
                total: tally.error_count(),
                snapshot: tally.errors_of(ErrorKind::Snapshot),
                eval: tally.errors_of(ErrorKind::Eval),
                hook: tally.errors_of(ErrorKind::Hook),
                timeout: tally.errors_of(ErrorKind::Timeout),
            },
            fired: program
                .rules
                .iter()
                .zip(tally.fired.iter().chain(std::iter::repeat(&0)))
                .map(|(r, n)| RuleCount { rule: r.name.to_string(), count: *n })
                .collect(),
            guards,
            arms: split_counts(program, tally),
            seconds: None,
            accounts_per_second: None,
        }
    }

    /// Adds the run's wall-clock time.
    #[must_use]
    pub fn timed(mut self, seconds: f64) -> Summary {
        self.seconds = Some(seconds);
        self.accounts_per_second = (seconds > 0.0).then(|| self.accounts as f64 / seconds);
        self
    }

    /// True when any guard is breached.
    pub fn breached(&self) -> bool {
        self.guards.iter().any(|g| g.breached)
    }
}
