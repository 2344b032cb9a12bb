//! Evaluation: one snapshot → one [`Decision`] (or an [`ErrorRecord`]).
//!
//! Rules run in the program's order (priority, then file order); in a `first`
//! group only the first matching rule fires. The outcome is the most severe
//! status action fired; its winning rule is the first fired rule carrying it.

mod action_text;
mod assembly;
mod case;
mod expr;
mod failure;
mod fold;
mod lets;
mod run;
pub mod scorecard;
mod split;
mod table;
mod trace;

pub use crate::value::{EvalFailure, FailureKind, Traced, Val};
pub use expr::{Ctx, MAX_ELEMENT_VISITS};
pub use failure::{let_failure, LetFailure};
pub use split::{arm_of, hash as split_hash, Arm};
pub use table::{matched_rows, table_match, tables, NamedTable, NearMiss, TableMatch};
pub(crate) use trace::enum_members;
pub use trace::{CaseTaken, HookCall, Kept, LeafTrace, Operand, Operands, RuleStatus, RuleTrace, TableTaken, Trace};

use crate::compile::{Program, Rule};
use crate::ir::{Channel, Outcome, TAction};
use crate::snapshot::{Key, Snapshot, SnapshotError};
use crate::value::{Date, Record, Value};
use assembly::{new_limit, Assembly, Verdict};
use rust_decimal::Decimal;
use std::sync::Arc;

/// The decision for one account (spec §5).
#[derive(Clone, Debug, PartialEq)]
pub struct Decision {
    /// The account's key.
    pub id: Key,
    /// The snapshot's date.
    pub as_of: Date,
    /// The most severe status action fired.
    pub outcome: Outcome,
    /// `as_of` plus the winning freeze/restrict's duration.
    pub until: Option<Date>,
    /// The new credit limit (0 for `close`).
    pub limit: Option<Decimal>,
    /// Reasons in firing order, one per code.
    pub reasons: Vec<Reason>,
    /// Notifications, escalations, reviews and tags in firing order, without duplicates.
    pub actions: Vec<ActionRecord>,
    /// Rules that fired, in evaluation order.
    pub fired: Vec<Arc<str>>,
    /// The account's arm of every split of the policy, in declaration order.
    pub arms: Vec<Arm>,
    /// Every scorecard's value, in declaration order (empty without scorecards).
    pub scores: Vec<scorecard::Score>,
    /// Present when tracing was asked for.
    pub trace: Option<Trace>,
}

/// A reason given by a fired rule.
#[derive(Clone, Debug, PartialEq)]
pub struct Reason {
    /// The code, e.g. `R01`.
    pub code: Arc<str>,
    /// The text, if the rule gave one.
    pub text: Option<Arc<str>>,
    /// The rule that gave it.
    pub rule: Arc<str>,
}

/// A non-status action of a fired rule.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub enum ActionRecord {
    /// `notify CHANNEL "template"`
    Notify {
        /// How the customer is told.
        channel: Channel,
        /// The message template.
        template: Arc<str>,
        /// The rule that gave the action.
        rule: Arc<str>,
    },
    /// `escalate to "stage"`
    Escalate {
        /// The collections stage.
        stage: Arc<str>,
        /// The rule that gave the action.
        rule: Arc<str>,
    },
    /// `review "queue"`
    Review {
        /// The review queue.
        queue: Arc<str>,
        /// The rule that gave the action.
        rule: Arc<str>,
    },
    /// `tag "label"`
    Tag {
        /// The label.
        label: Arc<str>,
        /// The rule that gave the action.
        rule: Arc<str>,
    },
}

impl ActionRecord {
    /// The action as a policy writes it: `notify sms "overdue-reminder"`,
    /// `escalate to "legal"`, `review "closure-desk"`, `tag "kyc-refresh"`.
    pub fn policy_text(&self) -> String {
        use crate::terminal::quoted;
        match self {
            ActionRecord::Notify { channel, template, .. } => format!("notify {} {}", channel.name(), quoted(template)),
            ActionRecord::Escalate { stage, .. } => format!("escalate to {}", quoted(stage)),
            ActionRecord::Review { queue, .. } => format!("review {}", quoted(queue)),
            ActionRecord::Tag { label, .. } => format!("tag {}", quoted(label)),
        }
    }

    /// The rule that gave the action.
    pub fn rule(&self) -> &str {
        match self {
            ActionRecord::Notify { rule, .. }
            | ActionRecord::Escalate { rule, .. }
            | ActionRecord::Review { rule, .. }
            | ActionRecord::Tag { rule, .. } => rule,
        }
    }
}

/// What makes two actions the same: all but the rule that gave them. Compared
/// borrowed (`S = &Arc<str>`, nothing cloned) while an account's actions are
/// few, and owned in the hash set kept once they are many.
#[derive(PartialEq, Eq, Hash)]
pub(crate) enum ActionKey<S> {
    Notify(Channel, S),
    Escalate(S),
    Review(S),
    Tag(S),
}

impl ActionKey<&Arc<str>> {
    fn owned(self) -> ActionKey<Arc<str>> {
        match self {
            ActionKey::Notify(channel, template) => ActionKey::Notify(channel, template.clone()),
            ActionKey::Escalate(stage) => ActionKey::Escalate(stage.clone()),
            ActionKey::Review(queue) => ActionKey::Review(queue.clone()),
            ActionKey::Tag(label) => ActionKey::Tag(label.clone()),
        }
    }
}

impl ActionRecord {
    pub(crate) fn key(&self) -> ActionKey<&Arc<str>> {
        match self {
            ActionRecord::Notify { channel, template, .. } => ActionKey::Notify(*channel, template),
            ActionRecord::Escalate { stage, .. } => ActionKey::Escalate(stage),
            ActionRecord::Review { queue, .. } => ActionKey::Review(queue),
            ActionRecord::Tag { label, .. } => ActionKey::Tag(label),
        }
    }
}

/// Up to this many reasons or actions, a new one is compared with each in
/// turn (an account fires a handful of rules, and nothing is allocated);
/// beyond it, a hash set keeps the check constant however many rules fire.
const DEDUP_IN_ORDER: usize = 16;

/// A snapshot that produced no decision.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ErrorRecord {
    /// The account's key, as far as it could be read.
    pub id: Option<Key>,
    /// `snapshot`, `eval` or `hook`.
    pub kind: ErrorKind,
    /// What went wrong.
    pub message: String,
}

impl std::fmt::Display for ErrorRecord {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let kind = self.kind.name();
        match &self.id {
            Some(id) => write!(f, "{kind} error for {id}: {}", self.message),
            None => write!(f, "{kind} error: {}", self.message),
        }
    }
}

impl std::error::Error for ErrorRecord {}

/// The kinds of error record.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum ErrorKind {
    /// The snapshot could not be read or does not match the schema.
    Snapshot,
    /// Evaluation failed (division by zero, overflow).
    Eval,
    /// A hook failed.
    Hook,
    /// A hook call ran past the wall-clock backstop: the account is not
    /// decided, and the run is not whole (`verdict eval` exits 5).
    Timeout,
}

impl ErrorKind {
    /// The kind's name in decisions.
    pub fn name(self) -> &'static str {
        match self {
            ErrorKind::Snapshot => "snapshot",
            ErrorKind::Eval => "eval",
            ErrorKind::Hook => "hook",
            ErrorKind::Timeout => "timeout",
        }
    }
}

/// One output record: a decision or an error.
pub type Outputs = Result<Decision, ErrorRecord>;

impl From<SnapshotError> for ErrorRecord {
    fn from(e: SnapshotError) -> Self {
        ErrorRecord { id: e.id, kind: ErrorKind::Snapshot, message: e.message }
    }
}

/// Options for evaluation.
#[derive(Clone, Copy, Debug)]
pub struct EvalOptions {
    /// `as_of` for snapshots that have none.
    pub default_as_of: Option<Date>,
    /// Record a [`Trace`].
    pub trace: bool,
    /// Trace by the interpreter alone (the traced path otherwise runs each
    /// leaf's lowered code): the differential tests of the lowering compare
    /// decisions made this way with untraced ones.
    pub interpret_traces: bool,
    /// List elements the aggregates may go over, and operations the hooks may
    /// run, for one account before it is an `eval` error record (default
    /// [`MAX_ELEMENT_VISITS`]).
    pub max_element_visits: usize,
    /// How long one hook call may run before it is stopped with a
    /// [`ErrorKind::Timeout`] record (default [`crate::hooks::DEFAULT_BACKSTOP`]).
    pub hook_backstop: std::time::Duration,
}

impl Default for EvalOptions {
    fn default() -> Self {
        EvalOptions {
            default_as_of: None,
            trace: false,
            interpret_traces: false,
            max_element_visits: MAX_ELEMENT_VISITS,
            hook_backstop: crate::hooks::DEFAULT_BACKSTOP,
        }
    }
}

/// Decides one snapshot.
pub fn evaluate(program: &Program, snapshot: &Snapshot, options: EvalOptions) -> Outputs {
    if !options.trace {
        // Returned as built: no copy of the decision to set a `trace` of `None`.
        return decide_untraced(program, snapshot, &options);
    }
    decide_with_trace(program, snapshot, options)
}

/// [`evaluate`] with a trace in the decision. Out of line: its frame (the
/// trace built beside the decision, then moved into it) made every untraced
/// call reserve a kilobyte of stack and spill registers before it branched.
#[inline(never)]
fn decide_with_trace(program: &Program, snapshot: &Snapshot, options: EvalOptions) -> Outputs {
    let mut trace = Some(Trace::default());
    let decided = decide(program, snapshot, options, trace.as_mut());
    decided.map(|d| Decision { trace, ..d })
}

/// Decides one snapshot and returns its trace beside the result, also when
/// evaluation fails: the trace then ends with the rule that failed, and holds
/// the lets and hook calls computed until then (for `verdict explain`).
pub fn evaluate_traced(program: &Program, snapshot: &Snapshot, default_as_of: Option<Date>) -> (Outputs, Trace) {
    evaluate_traced_with(program, snapshot, EvalOptions { default_as_of, ..EvalOptions::default() })
}

/// [`evaluate_traced`] with every option given (`trace` is taken as set).
pub fn evaluate_traced_with(program: &Program, snapshot: &Snapshot, options: EvalOptions) -> (Outputs, Trace) {
    let mut trace = Trace::default();
    let options = EvalOptions { trace: true, ..options };
    let decided = decide(program, snapshot, options, Some(&mut trace));
    (decided, trace)
}

/// The snapshot's date, or the account's error record when it has none.
/// Inlined, the error built out of line: called, it returned the date
/// through a 64-byte `Result` in memory on every decision.
#[inline(always)]
fn as_of_of(snapshot: &Snapshot, options: &EvalOptions) -> Result<Date, ErrorRecord> {
    match snapshot.as_of.or(options.default_as_of) {
        Some(as_of) => Ok(as_of),
        None => Err(no_as_of(snapshot)),
    }
}

/// Why a snapshot without `as_of` cannot be decided, wherever it is decided.
pub(crate) const NO_AS_OF: &str =
    "the snapshot has no `as_of` date and no default was given (`--as-of` on the command line, `as_of=` in Python; the decision service takes only the snapshot's own)";

#[cold]
#[inline(never)]
fn no_as_of(snapshot: &Snapshot) -> ErrorRecord {
    ErrorRecord { id: Some(snapshot.id.clone()), kind: ErrorKind::Snapshot, message: NO_AS_OF.into() }
}

/// Decides one snapshot without a trace: the path every untraced decision
/// takes, in a function of its own so that the decision is written straight
/// into the caller's `Outputs` (sharing a tail with the traced path, it was
/// built aside and copied, a 288-byte `memcpy` per account).
fn decide_untraced(program: &Program, snapshot: &Snapshot, options: &EvalOptions) -> Outputs {
    let as_of = as_of_of(snapshot, options)?;
    warm(program, &snapshot.record);
    // Cloned first, not in the literal at the end: the clone is a locked
    // increment with an abort path, and with it among the decision's fields
    // the lists were staged through extra stack copies (16 instructions per
    // decision, and loads wider than the stores they read).
    let id = snapshot.id.clone();
    let mut ctx = Ctx::new(program, &snapshot.record, as_of);
    ctx.max_visits = options.max_element_visits;
    ctx.hook_backstop = options.hook_backstop;
    let mut state = Assembly::default();
    run_rules(&mut ctx, &mut state, snapshot, None)?;
    // Most policies have no scorecard: no call, no `Result` to unwrap.
    let scores = if program.frame.scorecards { all_scores(&mut ctx, snapshot, true)? } else { Vec::new() };
    let arms = split::named(&program.splits, &ctx.arms);
    let Verdict { outcome, until, limit } = state.verdict(program);
    // The lists moved out field by field: the assembly is not copied whole,
    // and what is left of it (the dedup sets, mostly `None`) drops inline.
    let Assembly { reasons, actions, fired, .. } = state;
    Ok(Decision { id, as_of, outcome, until, limit, reasons, actions, fired, arms, scores, trace: None })
}

/// Touches the account slots the policy reads, and the elements of the
/// lists it aggregates, before the split's hash and the rules run. The
/// loads are independent, so their cache misses overlap: one wait instead
/// of one per leaf or window scan that first reads a line, each behind the
/// indirect jump of its node (the profile put half of the dispatcher's
/// samples on such a first read). Plain loads: a prefetch would need
/// `unsafe`. A hint only: what it reads decides nothing. Out of line: inlined,
/// it changed how the caller builds the decision (+25 instructions on the
/// 1,000-row table).
#[inline(never)]
fn warm(program: &Program, record: &Record) {
    let warm = &program.warm;
    let mut absent = 0usize;
    for slot in warm.slots.iter() {
        absent += usize::from(matches!(record.slots.get(*slot), Some(Value::None)));
    }
    for slot in warm.lists.iter() {
        if let Some(Value::List(elements)) = record.slots.get(*slot) {
            for e in elements.iter() {
                // Slots are 24 bytes: every second one starts in a new
                // 64-byte line or the next, so no line is skipped.
                absent += e.slots.iter().step_by(2).filter(|v| matches!(v, Value::None)).count();
            }
        }
    }
    std::hint::black_box(absent);
}

/// Decides one snapshot, filling `trace` when one is given (the decision's own `trace` stays `None`).
fn decide(program: &Program, snapshot: &Snapshot, options: EvalOptions, trace: Option<&mut Trace>) -> Outputs {
    let Some(trace) = trace else {
        return decide_untraced(program, snapshot, &options);
    };
    let as_of = as_of_of(snapshot, &options)?;
    warm(program, &snapshot.record);
    let mut ctx = Ctx::new(program, &snapshot.record, as_of);
    ctx.max_visits = options.max_element_visits;
    ctx.hook_backstop = options.hook_backstop;
    let mut state = Assembly::default();
    ctx.hook_log = Some(Vec::new());
    ctx.case_log = Some(Vec::new());
    ctx.table_log = Some(Vec::new());
    ctx.interpret_traces = options.interpret_traces;
    let ran = run_rules(&mut ctx, &mut state, snapshot, Some(trace));
    // Every scorecard is computed for an account that decides: its lets,
    // cases and hook calls belong to the trace like the rules' own.
    let scores = ran.and_then(|()| all_scores(&mut ctx, snapshot, false));
    // Lets and hook calls are kept even when a rule failed: they show how far evaluation got.
    // Sized once: a filtered iterator would grow the vector step by step.
    trace.lets = Vec::with_capacity(program.lets.len());
    trace.lets.extend(program.lets.iter().zip(ctx.lets.as_slice()).enumerate().filter_map(|(i, (def, state))| {
        match state {
            expr::LetState::Done(v) => Some((i, trace.kept.operand(*v, trace::enum_members(&def.value)))),
            expr::LetState::NotYet => None,
        }
    }));
    trace.hooks = ctx.hook_log.take().unwrap_or_default();
    trace.cases = ctx.case_log.take().unwrap_or_default();
    trace.tables = ctx.table_log.take().unwrap_or_default();
    // Breakdowns kept while ranking reasons; the trace shows scorecards
    // only once the account decided.
    let kept = std::mem::take(&mut trace.scorecards);
    let scores = scores?;
    trace.scorecards = scorecard::traces(&mut ctx, kept).unwrap_or_default();
    Ok(state.finish(snapshot.id.clone(), as_of, &ctx, scores))
}

/// Every scorecard's value for a deciding account; one that fails is the account's error.
fn all_scores(ctx: &mut Ctx<'_>, snapshot: &Snapshot, lowered: bool) -> Result<Vec<scorecard::Score>, ErrorRecord> {
    scorecard::scores(ctx, lowered).map_err(|e| ErrorRecord {
        id: Some(snapshot.id.clone()),
        kind: match e.kind {
            FailureKind::Hook => ErrorKind::Hook,
            FailureKind::Timeout => ErrorKind::Timeout,
            FailureKind::Eval => ErrorKind::Eval,
        },
        message: format!("{} while computing the scorecards", e.message),
    })
}

/// Runs every rule in evaluation order, firing those that match. Inlined
/// into both callers: untraced, `trace` is a constant `None` and every
/// per-rule test of it folds away.
#[inline(always)]
fn run_rules<'a>(
    ctx: &mut Ctx<'a>,
    state: &mut Assembly,
    snapshot: &Snapshot,
    mut trace: Option<&mut Trace>,
) -> Result<(), ErrorRecord> {
    let program = ctx.program;
    if let Some(t) = &mut trace {
        t.rules.reserve(program.rules.len());
        t.rule_names = Arc::clone(&program.trace_code.rule_names);
        t.leaves.reserve(program.trace_code.leaves);
    }
    // Filled only once a grouped rule fires (most accounts fire none): no allocation otherwise.
    let mut group_winner: Vec<Option<&Arc<str>>> = Vec::new();
    for (index, rule) in program.rules.iter().enumerate() {
        if let Some(days) = rule.effective.filter(|days| !days.holds(ctx.as_of)) {
            if let Some(t) = &mut trace {
                let status = RuleStatus::NotInEffect(days);
                t.rules.push(RuleTrace { index, status, leaves: 0..0 });
            }
            continue;
        }
        let group = rule.group.and_then(|g| program.groups.get(g).map(|grp| (g, grp)));
        if let Some((g, grp)) = group {
            if grp.first {
                if let Some(Some(winner)) = group_winner.get(g) {
                    if let Some(t) = &mut trace {
                        t.rules.push(RuleTrace {
                            index,
                            status: RuleStatus::Skipped { group: grp.name.clone(), by: (*winner).clone() },
                            leaves: 0..0,
                        });
                    }
                    continue;
                }
            }
        }
        let matched = match &mut trace {
            Some(t) => {
                let (matched, leaves) = trace::traced(ctx, index, &rule.condition, &mut t.leaves, &mut t.kept);
                let status = if matches!(matched, Ok(true)) { RuleStatus::Fired } else { RuleStatus::NotMatched };
                t.rules.push(RuleTrace { index, status, leaves });
                matched
            }
            None => run::holds(ctx, &rule.code),
        };
        let matched = matched.map_err(|e| failure_of(&mut trace, snapshot, index, rule, e))?;
        if !matched {
            continue;
        }
        if let Some((g, _)) = group {
            if group_winner.len() <= g {
                group_winner.resize(program.groups.len().max(g + 1), None);
            }
            if let Some(slot) = group_winner.get_mut(g) {
                *slot = Some(&rule.name);
            }
        }
        // Untraced, a scorecard's reasons are ranked by its lowered code too;
        // traced, the breakdown that ranks them is kept for the trace.
        let cards = trace.as_deref_mut().map(|t| &mut t.scorecards);
        let fired = state.fire(ctx, index, rule, cards);
        fired.map_err(|e| failure_of(&mut trace, snapshot, index, rule, e))?;
    }
    // The limit last: only the one the decision carries is computed.
    let limit_rule = state.limit_rule.filter(|_| state.carries_limit(program));
    if let Some((index, rule)) = limit_rule.and_then(|i| Some((i, program.rules.get(i)?))) {
        let limit = limit_of(ctx, rule, trace.is_none());
        state.limit = limit.map_err(|e| failure_of(&mut trace, snapshot, index, rule, e))?;
    }
    Ok(())
}

/// The limit the first `set limit to` of `rule` computes: by its lowered
/// code untraced, by the interpreter otherwise.
fn limit_of<'a>(ctx: &mut Ctx<'a>, rule: &'a Rule, lowered: bool) -> Result<Option<Decimal>, EvalFailure> {
    if let (true, Some(code)) = (lowered, &rule.limit_code) {
        return new_limit(run::decimal(ctx, code)?).map(Some);
    }
    let first = rule.actions.iter().find_map(|a| match a {
        TAction::SetLimit(e) => Some(e),
        _ => None,
    });
    let Some(e) = first else { return Ok(None) };
    match ctx.eval(e)? {
        Val::Dec(d) => new_limit(d).map(Some),
        Val::Int(i) => new_limit(Decimal::from(i)).map(Some),
        _ => Ok(None),
    }
}

/// The error record of rule `index` failing, noted in the trace when there is one.
#[cold]
fn failure_of(
    trace: &mut Option<&mut Trace>,
    snapshot: &Snapshot,
    index: usize,
    rule: &Rule,
    e: EvalFailure,
) -> ErrorRecord {
    if let Some(t) = trace {
        t.failed_rule = Some(index);
    }
    failure(snapshot, rule, e)
}

fn failure(snapshot: &Snapshot, rule: &Rule, e: EvalFailure) -> ErrorRecord {
    ErrorRecord {
        id: Some(snapshot.id.clone()),
        kind: match e.kind {
            FailureKind::Eval => ErrorKind::Eval,
            FailureKind::Hook => ErrorKind::Hook,
            FailureKind::Timeout => ErrorKind::Timeout,
        },
        message: format!("{} in rule \"{}\"", e.message, rule.name),
    }
}

/// Whether `count` accounts with the guard's outcome, out of `decided`,
/// breach it (strictly more than the bound), and the bound as a number.
pub fn guard_check(guard: &crate::ir::TGuard, count: usize, decided: usize) -> (bool, String) {
    use crate::syntax::ast::GuardBound;
    match guard.bound {
        GuardBound::Count(n) => (count as u64 > n, n.to_string()),
        GuardBound::Percent(p) => {
            // Exact: count > p% of decided  ⇔  count * 100 > p * decided.
            let bound = p * Decimal::from(decided as u64) / Decimal::ONE_HUNDRED;
            (Decimal::from(count as u64) > bound, crate::value::format_decimal(bound))
        }
    }
}
