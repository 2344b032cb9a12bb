//! Why one account was decided as it was: its decision, then every rule in
//! evaluation order with each condition, the values it read and, for a rule
//! that did not fire, the condition that stopped it and how far it was from
//! holding (`recent_overdues = 2, rule needs >= 3`).
//!
//! [`explain`] finds the account in a snapshot file, evaluates it with a trace
//! ([`crate::eval::evaluate_traced`]) and pairs the trace with the rules'
//! conditions as written. Rendering is the command line's job;
//! [`Explanation::view`] gives the same content as data (for JSON).

mod find;
mod values;

use crate::compile::{Program, Rule};
use crate::eval::{evaluate_traced, ErrorKind, ErrorRecord, Operands, Outputs, RuleStatus, RuleTrace, Trace};
use crate::ir::{CmpKind, CmpOp, Shape, TExpr, TKind};
use crate::load::LoadedPolicy;
use crate::output::{RecordView, TracedJson};
use crate::snapshot::{
    open_snapshot_file, opening_error, read_snapshots_with, Format, ReadError, ReadItem, ReadLimits, SnapshotReader,
};
use crate::value::{format_decimal, Date, Traced};
use rust_decimal::Decimal;
use serde::Serialize;
use std::io::BufRead;
use std::path::{Path, PathBuf};

/// Why no explanation could be given.
#[derive(Debug, thiserror::Error)]
pub enum ExplainError {
    /// The snapshot file cannot be read.
    #[error("{0}")]
    Read(String),
    /// No snapshot of the file has the id.
    #[error("no {entity} `{id}` in `{}` ({})", .file.display(), crate::terminal::counted(*.count, "snapshot"))]
    NotFound {
        /// What the schema's snapshots are of (`account`, `application`).
        entity: String,
        /// The id asked for.
        id: String,
        /// The snapshot file.
        file: PathBuf,
        /// How many snapshots it holds.
        count: usize,
        /// A close id, or the range of ids, to help.
        help: Option<String>,
    },
    /// Fewer snapshots have the id than the one asked for (`--nth`).
    #[error("`--nth {nth}`: only {} of `{}` {} the id `{id}`", if *.same_id == 1 { "one snapshot".to_string() } else { format!("{same_id} snapshots") }, .file.display(), if *.same_id == 1 { "has" } else { "have" })]
    FewerThanNth {
        /// The id asked for.
        id: String,
        /// The snapshot file.
        file: PathBuf,
        /// How many snapshots have the id.
        same_id: usize,
        /// Which of them was asked for (1-based).
        nth: usize,
    },
}

/// One account's decision with the reasoning behind it.
#[derive(Debug)]
pub struct Explanation {
    /// The account's id.
    pub id: String,
    /// The snapshot file.
    pub file: PathBuf,
    /// The account's position in the file (1-based, counting snapshots).
    pub position: usize,
    /// How many snapshots of the file have this id (the first is explained).
    pub same_id: usize,
    /// The decision, or the error record.
    pub record: Outputs,
    /// Every rule in evaluation order (empty when the snapshot could not be read).
    pub rules: Vec<RuleExplanation>,
    /// Every `let` of the policy, with its value when it was computed.
    pub lets: Vec<LetExplanation>,
    /// Hook calls, in call order.
    pub hooks: Vec<HookExplanation>,
    /// Each decision table: the row the account matched and its nearest miss.
    pub tables: Vec<crate::eval::TableMatch>,
    /// Each scorecard, characteristic by characteristic (empty without scorecards or a decision).
    pub scorecards: Vec<ScorecardExplanation>,
    /// How the decision's new limit was computed (none without one, or for a `close`).
    pub limit: Option<LimitExplanation>,
}

/// The `set limit to` a decision's limit comes from: the first rule to fire
/// with one, its expression as written and the values it read, so that
/// `13000` is seen to be `round(credit_limit * (review_factor + 0.1), 0)`
/// with `credit_limit = 10000, review_factor = 1.2`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LimitExplanation {
    /// The rule.
    pub rule: String,
    /// The expression as written.
    pub expr: String,
    /// The account fields and lets it read directly, with their values.
    pub reads: Vec<Read>,
}

/// A scorecard's part in the decision.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ScorecardExplanation {
    /// Its name.
    pub scorecard: String,
    /// Its base points.
    pub base: String,
    /// One per characteristic, in declaration order.
    pub characteristics: Vec<CharacteristicExplanation>,
}

/// One characteristic: its value, the bin it fell in, its points and the points it lost.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CharacteristicExplanation {
    /// Its reason code.
    pub code: String,
    /// Its expression as written.
    pub characteristic: String,
    /// The account's value.
    #[serde(serialize_with = "typed")]
    pub value: Traced,
    /// The bin's cell as written.
    pub bin: String,
    /// The bin's points.
    pub points: String,
    /// The best bin's points minus these.
    pub lost: String,
}

/// One rule's part in the decision.
#[derive(Debug, Serialize)]
pub struct RuleExplanation {
    /// The rule's name.
    pub rule: String,
    /// Its priority.
    pub priority: i64,
    /// Its group, if any.
    pub group: Option<String>,
    /// What happened to it.
    #[serde(flatten)]
    pub status: RuleOutcome,
    /// Each leaf condition (below `and`, `or`, `not`), in evaluation order.
    pub conditions: Vec<ConditionExplanation>,
}

/// What happened to a rule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "status")]
pub enum RuleOutcome {
    /// Its condition held and it fired.
    Fired,
    /// Its condition did not hold.
    NotMatched,
    /// An earlier rule of its `first` group fired.
    Skipped {
        /// That rule.
        by: String,
    },
    /// Evaluating it failed (the account's record is an error).
    Failed {
        /// Why.
        message: String,
    },
    /// Evaluation stopped at an earlier rule that failed.
    NotEvaluated,
    /// The snapshot's `as_of` is outside the rule's dates: it was not evaluated.
    NotInEffect {
        /// Its dates (`effective 2027-01-01 to 2027-12-31`).
        days: String,
    },
}

/// One leaf condition.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ConditionExplanation {
    /// The condition as written, with `not ` in front when it is negated.
    #[serde(rename = "expr")]
    pub text: String,
    /// The leaf's own value (before any `not`); `None` when it was not evaluated.
    pub value: Option<bool>,
    /// Whether the condition (with its `not`) held; `None` when not evaluated.
    pub holds: Option<bool>,
    /// This condition is why the rule did not fire.
    pub blocking: bool,
    /// Evaluating this condition failed (the rule's status is [`RuleOutcome::Failed`]).
    pub failed: bool,
    /// The values it read.
    pub reads: Vec<Read>,
    /// A comparison with the values it read in place (`2 >= 3`), its operator
    /// turned around when the comparison stands under a `not`.
    pub compared: Option<String>,
    /// What the rule needed of it, when it did not hold (`>= 3`, `in reg_2023_q3`).
    pub needs: Option<String>,
    /// How far it was from holding (`1 below the bound`).
    pub gap: Option<String>,
    /// The fallbacks it took: the `x` of each `x ?? d` that was none (its
    /// value `null`), so a default is told from a value that equals it.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub fallbacks: Vec<Read>,
    /// The reads are what the condition looked at beside its value (a
    /// flag's field, the element an `any` found), not the operands of a
    /// comparison or membership that say the value themselves.
    #[serde(skip)]
    pub reads_beside: bool,
    /// A condition that did not hold in a rule that fired: another part of
    /// an `or` (or of a `not (.. and ..)`) held, so the rule did not need it.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub not_needed: bool,
}

/// `balance = 10, credit_limit = 0`: values read, as the text report and a
/// failed let's reason say them.
#[must_use]
pub fn reads_text(reads: &[Read]) -> String {
    reads.iter().map(|r| format!("{} = {}", r.expr, r.value)).collect::<Vec<_>>().join(", ")
}

/// A value a condition read: a side of a comparison, the needle of an `in`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Read {
    /// The expression as written.
    pub expr: String,
    /// Its value.
    #[serde(serialize_with = "typed")]
    pub value: Traced,
}

/// A hook argument.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Argument {
    /// The hook's parameter.
    pub name: String,
    /// The value passed.
    #[serde(serialize_with = "typed")]
    pub value: Traced,
}

/// A `let` and its value.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LetExplanation {
    /// Its name.
    pub name: String,
    /// Its definition as written.
    pub definition: String,
    /// Its value; `None` when no rule needed it.
    #[serde(serialize_with = "typed_or_null")]
    pub value: Option<Traced>,
    /// When its value is a case that was computed, the branch that gave it
    /// (`when score >= 740`, `else`, or `no branch held`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub branch: Option<String>,
    /// Its value is the row a table of several outputs matched (the outputs
    /// are lets of their own): shown as `row N`, not as a number of the policy's.
    #[serde(skip)]
    pub is_row: bool,
    /// Why it could not be computed, when the account's record is an error
    /// this let is on the path of (for a scorecard, with the characteristic
    /// whose input failed).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub failed: Option<String>,
    /// The fallbacks its value took (see [`ConditionExplanation::fallbacks`]).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub fallbacks: Vec<Read>,
}

/// A hook call.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct HookExplanation {
    /// The hook.
    pub hook: String,
    /// Each argument with its parameter's name.
    pub args: Vec<Argument>,
    /// The result, or why the call failed (in JSON `"error: …"`, as in a trace).
    #[serde(serialize_with = "hook_result")]
    pub result: Result<Traced, String>,
    /// What the script printed during the call (`print`, `debug`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub printed: Vec<String>,
}

/// Explains the account `id` of the snapshot file `snapshots` under `policy`;
/// the file's format is `format`, or else told from its name.
///
/// # Errors
///
/// When the file cannot be read or has no snapshot with that id.
pub fn explain(
    policy: &LoadedPolicy,
    snapshots: &Path,
    format: Option<Format>,
    (id, nth): (&str, usize),
    default_as_of: Option<Date>,
) -> Result<Explanation, ExplainError> {
    let format = match format {
        Some(format) => format,
        None => Format::of_file(snapshots).map_err(|e| ExplainError::Read(format!("{e}; use --input-format")))?,
    };
    let schema = policy.program.schema.clone();
    let reader = open_snapshot_file(snapshots, format, schema, ReadLimits::default())
        .and_then(SnapshotReader::refusing_header_faults)
        .map_err(|e| cannot_read(snapshots, &e))?;
    let found = find::find(reader, snapshots, (id, nth), &policy.program.schema.entity)?;
    Ok(explain_found(policy, snapshots, found, id, default_as_of))
}

/// Explains the account `id` of the snapshots read from `input` in `format`
/// (standard input, say), named `name` in messages.
///
/// # Errors
///
/// When the input cannot be read or has no snapshot with that id.
pub fn explain_read<R: BufRead>(
    policy: &LoadedPolicy,
    input: R,
    name: &Path,
    format: Format,
    (id, nth): (&str, usize),
    default_as_of: Option<Date>,
) -> Result<Explanation, ExplainError> {
    let schema = policy.program.schema.clone();
    let reader = read_snapshots_with(input, format, schema, ReadLimits::default())
        .and_then(SnapshotReader::refusing_header_faults)
        .map_err(|e| cannot_read(name, &e))?;
    let found = find::find(reader, name, (id, nth), &policy.program.schema.entity)?;
    Ok(explain_found(policy, name, found, id, default_as_of))
}

fn cannot_read(name: &Path, e: &ReadError) -> ExplainError {
    ExplainError::Read(format!("cannot read `{}`: {}", name.display(), opening_error(e)))
}

/// The explanation of the account found at `position` (1-based) of
/// `snapshots`, one of `same_id` snapshots with its id.
fn explain_found(
    policy: &LoadedPolicy,
    snapshots: &Path,
    (position, item, same_id): (usize, ReadItem, usize),
    id: &str,
    default_as_of: Option<Date>,
) -> Explanation {
    let program = &policy.program;
    let source = policy.sources.files().first().map_or("", |f| &*f.text);
    let (record, trace) = match &item {
        Ok(snapshot) => {
            let (record, trace) = evaluate_traced(program, snapshot, default_as_of);
            (record, Some(trace))
        }
        Err(e) => (Err(e.clone().into()), None),
    };
    let (rules, lets, hooks) = match (&trace, &record) {
        // A snapshot error (unreadable, or no `as_of`) comes before any rule runs.
        (None, _) | (_, Err(ErrorRecord { kind: ErrorKind::Snapshot, .. })) => (Vec::new(), Vec::new(), Vec::new()),
        (Some(trace), _) => (
            rules(program, trace, &record, source),
            values::lets(program, trace, source),
            values::hooks(program, trace),
        ),
    };
    // The tables the decision needed, not every table of the policy: one a
    // rule never reached had no say in it.
    let needed =
        |t: &&crate::eval::NamedTable| trace.as_ref().is_some_and(|tr| tr.tables.iter().any(|n| n.at == t.table.span));
    let tables = match &item {
        Ok(snapshot) if !rules.is_empty() => crate::eval::tables(program)
            .iter()
            .filter(needed)
            .filter_map(|t| crate::eval::table_match(program, snapshot, default_as_of, t))
            .collect(),
        _ => Vec::new(),
    };
    let scorecards = trace.as_ref().map(|t| scorecards(program, t, source)).unwrap_or_default();
    let (mut rules, mut lets) = (rules, lets);
    if let Ok(snapshot) = &item {
        values::fill_reads(&mut rules, &mut lets, program, snapshot, default_as_of, source);
    }
    if let (Ok(snapshot), Err(error)) = (&item, &record) {
        values::mark_failed(&mut lets, program, snapshot, default_as_of, &error.message, source);
    }
    let limit = match (&item, &record) {
        // A close sets the limit to 0 itself, whatever a rule computed.
        (Ok(snapshot), Ok(d)) if d.limit.is_some() && d.outcome != crate::ir::Outcome::Close => {
            values::limit(&rules, program, snapshot, default_as_of, source)
        }
        _ => None,
    };
    // As the key is written in decisions (`--id 007` finds account 7).
    let id = match &item {
        Ok(snapshot) => snapshot.id.to_string(),
        Err(e) => e.id.as_ref().map_or_else(|| id.to_string(), ToString::to_string),
    };
    Explanation {
        id,
        file: snapshots.to_path_buf(),
        position,
        same_id,
        record,
        rules,
        lets,
        hooks,
        tables,
        scorecards,
        limit,
    }
}

fn scorecards(program: &Program, trace: &Trace, source: &str) -> Vec<ScorecardExplanation> {
    let text = |span: crate::diagnostic::Span| squash(source.get(span.range()).unwrap_or("?"));
    let dec = crate::value::format_decimal;
    trace
        .scorecards
        .iter()
        .filter_map(|t| {
            let card = crate::eval::scorecard::scorecard_of(program, t.scorecard)?;
            let characteristics = card
                .characteristics
                .iter()
                .zip(&t.characteristics)
                .map(|(c, got)| CharacteristicExplanation {
                    code: c.code.to_string(),
                    characteristic: text(c.input.span),
                    value: got.value.clone(),
                    bin: c
                        .bins
                        .get(got.bin)
                        .map(|b| text(b.span))
                        .map(|b| b.split("=>").next().unwrap_or("").trim().to_string())
                        .unwrap_or_default(),
                    points: dec(got.points),
                    lost: dec(got.lost),
                })
                .collect();
            Some(ScorecardExplanation {
                scorecard: program.lets.get(t.scorecard)?.name.clone(),
                base: dec(card.base),
                characteristics,
            })
        })
        .collect()
}

fn rules(program: &Program, trace: &Trace, record: &Outputs, source: &str) -> Vec<RuleExplanation> {
    // The trace names the rule that failed, if one did: a limit is computed
    // after every rule, and the scorecards after that.
    let failed = match record {
        Err(e) if e.kind != ErrorKind::Snapshot => trace.failed_rule,
        _ => None,
    };
    program
        .rules
        .iter()
        .enumerate()
        .map(|(i, rule)| {
            let group = rule.group.and_then(|g| program.groups.get(g)).map(|g| g.name.to_string());
            let rt = trace.rules.get(i);
            let status = match (rt, failed == Some(i), record) {
                (None, _, _) => RuleOutcome::NotEvaluated,
                (Some(_), true, Err(e)) => RuleOutcome::Failed { message: e.message.clone() },
                (Some(rt), _, _) => match &rt.status {
                    RuleStatus::Fired => RuleOutcome::Fired,
                    RuleStatus::NotMatched => RuleOutcome::NotMatched,
                    RuleStatus::Skipped { by, .. } => RuleOutcome::Skipped { by: by.to_string() },
                    RuleStatus::NotInEffect(days) => RuleOutcome::NotInEffect { days: days.to_string() },
                },
            };
            let conditions = match (&status, rt) {
                (RuleOutcome::Skipped { .. } | RuleOutcome::NotInEffect { .. } | RuleOutcome::NotEvaluated, _)
                | (_, None) => Vec::new(),
                (_, Some(rt)) => conditions(program, rule, trace, rt, &status, source),
            };
            RuleExplanation { rule: rule.name.to_string(), priority: rule.priority, group, status, conditions }
        })
        .collect()
}

/// The leaves that gave `n` the value it has: for a rule that did not fire,
/// the conditions that stopped it.
fn blame(n: &Shape, vals: &[Option<bool>], out: &mut Vec<usize>) {
    match n {
        Shape::Leaf(i) => out.push(*i),
        Shape::Not(a) => blame(a, vals, out),
        Shape::And(a, b) | Shape::Or(a, b) => {
            // `and` is decided by a false side, `or` by a true one; otherwise both count.
            let decisive = matches!(n, Shape::Or(..));
            if a.value(vals) == Some(decisive) {
                blame(a, vals, out);
            } else if b.value(vals) == Some(decisive) {
                blame(b, vals, out);
            } else {
                blame(a, vals, out);
                blame(b, vals, out);
            }
        }
    }
}

fn conditions(
    program: &Program,
    rule: &Rule,
    trace: &Trace,
    rule_trace: &RuleTrace,
    status: &RuleOutcome,
    source: &str,
) -> Vec<ConditionExplanation> {
    let traced = trace.leaves_of(rule_trace);
    let leaves = &rule.condition.leaves;
    let vals: Vec<Option<bool>> = (0..leaves.len()).map(|i| traced.get(i).and_then(|l| l.value)).collect();
    // What decided the condition's value: in a rule that did not match, the
    // conditions that blocked it; in one that fired, the ones it needed.
    let mut deciding = Vec::new();
    if matches!(status, RuleOutcome::NotMatched | RuleOutcome::Fired) {
        blame(&rule.condition.shape, &vals, &mut deciding);
    }
    let blocking = if *status == RuleOutcome::NotMatched { deciding.as_slice() } else { &[] };
    leaves
        .iter()
        .enumerate()
        .map(|(i, leaf)| {
            let leaf_trace = traced.get(i);
            let value = leaf_trace.and_then(|l| l.value);
            let holds = vals.get(i).copied().flatten().map(|v| v != leaf.negated);
            let operands = leaf_trace.and_then(|l| l.operands.as_ref());
            let mut c = ConditionExplanation {
                text: if leaf.negated { negate_text(&leaf.text) } else { leaf.text.clone() },
                value,
                holds,
                blocking: blocking.contains(&i),
                not_needed: *status == RuleOutcome::Fired && holds == Some(false) && !deciding.contains(&i),
                failed: matches!(status, RuleOutcome::Failed { .. }) && i == traced.len(),
                reads: Vec::new(),
                compared: None,
                needs: None,
                gap: None,
                fallbacks: Vec::new(),
                reads_beside: false,
            };
            describe(&mut c, &leaf.expr, leaf.negated, operands, trace, program, source);
            if c.reads.is_empty() && leaf.negated {
                // `not x`: show what `x` itself was.
                if let Some(v) = c.value {
                    c.reads.push(Read { expr: leaf.text.clone(), value: Traced::Bool(v) });
                }
            }
            c
        })
        .collect()
}

fn negate_text(text: &str) -> String {
    let atomic = text.starts_with('(') && text.ends_with(')') || !text.contains(' ');
    if atomic {
        format!("not {text}")
    } else {
        format!("not ({text})")
    }
}

/// Fills in what a leaf read, what it needed and how far it was.
fn describe(
    c: &mut ConditionExplanation,
    e: &TExpr,
    negated: bool,
    operands: Option<&Operands>,
    trace: &Trace,
    program: &Program,
    source: &str,
) {
    let text_of = |e: &TExpr| squash(source.get(e.span.range()).unwrap_or("?"));
    match (&e.kind, operands) {
        (TKind::Cmp { op, kind, lhs, rhs }, Some(operands @ Operands::Compare { left, right, .. })) => {
            // Speak of the side that is not a literal (`0 < x` reads as `x > 0`).
            let swap = is_const(lhs) && !is_const(rhs);
            let (l, r, lv, rv) = if swap { (rhs, lhs, right, left) } else { (lhs, rhs, left, right) };
            let (lv, rv) = (trace.operand(lv).into_owned(), trace.operand(rv).into_owned());
            let mut op = if swap { op.flip() } else { *op };
            let delta = operands.delta();
            let delta = if swap { delta.map(|d| -d) } else { delta };
            if negated {
                op = op.negate();
            }
            c.compared = Some(format!("{lv} {} {rv}", op.symbol()));
            let bound = if is_const(r) { rv.to_string() } else { text_of(r) };
            c.reads.push(Read { expr: text_of(l), value: lv });
            if !is_const(r) {
                c.reads.push(Read { expr: text_of(r), value: rv });
            }
            if c.holds == Some(false) {
                c.needs = Some(format!("{} {bound}", op.symbol()));
                c.gap = delta.and_then(|d| gap(d, op, *kind));
            }
        }
        (TKind::InList { negate, needle, .. }, Some(Operands::Member { needle: nv, set }))
        | (TKind::InSet { negate, needle, .. }, Some(Operands::Member { needle: nv, set }))
        | (TKind::InBatch { negate, needle, .. }, Some(Operands::Member { needle: nv, set })) => {
            if !is_const(needle) {
                c.reads.push(Read { expr: text_of(needle), value: trace.operand(nv).into_owned() });
            }
            let collection = match &e.kind {
                TKind::InBatch { batch, .. } => program.batches.get(*batch).map(|b| b.name.clone()),
                TKind::InSet { set: s, .. } => Some(text_of(s)),
                _ => None,
            }
            .unwrap_or_else(|| after_in(&text_of(e), &text_of(needle)));
            if let (Some(set), TKind::InSet { set: s, .. }) = (set, &e.kind) {
                c.reads.push(Read { expr: text_of(s), value: trace.operand(set).into_owned() });
            }
            if c.holds == Some(false) {
                let wants_in = negate == &negated;
                let word = if wants_in { "in" } else { "not in" };
                c.needs = Some(format!("{} {word} {collection}", text_of(needle)));
            }
        }
        _ => {
            if c.holds == Some(false) {
                c.needs = Some(if negated { "false" } else { "true" }.into());
            }
        }
    }
}

fn is_const(e: &TExpr) -> bool {
    matches!(e.kind, TKind::Const(_))
}

/// The list after `in` / `not in` in a membership test's text.
fn after_in(text: &str, needle: &str) -> String {
    let rest = text.strip_prefix(needle).unwrap_or(text).trim_start();
    let rest = rest.strip_prefix("not").map_or(rest, str::trim_start);
    rest.strip_prefix("in").map_or(rest, str::trim_start).to_string()
}

/// Source text on one line, as traces show conditions.
fn squash(text: &str) -> String {
    crate::syntax::one_line(text)
}

/// How far the left side is from the bound (`right - left` is `delta`): for
/// numbers the difference, for dates the days; nothing for `!=`.
fn gap(delta: Decimal, op: CmpOp, kind: CmpKind) -> Option<String> {
    if op == CmpOp::Ne {
        return None;
    }
    if delta.is_zero() {
        return Some("at the bound".into());
    }
    let size = format_decimal(delta.abs());
    Some(match kind {
        CmpKind::Date => {
            let days = if delta.abs() == Decimal::ONE { "day" } else { "days" };
            let side = if delta > Decimal::ZERO { "before" } else { "after" };
            format!("{size} {days} {side} the bound")
        }
        CmpKind::Int | CmpKind::Dec => {
            format!("{size} {} the bound", if delta > Decimal::ZERO { "below" } else { "above" })
        }
        _ => return None,
    })
}

impl Explanation {
    /// The explanation as data (for `--format json`): the record exactly as
    /// `verdict eval` writes it, then the rules, lets and hook calls.
    pub fn view<'a>(&'a self, program: &'a Program) -> impl Serialize + 'a {
        ExplanationView {
            id: &self.id,
            snapshot: SnapshotRef { file: self.file.display().to_string(), position: self.position },
            record: RecordView { record: &self.record, program },
            rules: &self.rules,
            lets: &self.lets,
            hooks: &self.hooks,
            tables: &self.tables,
            scorecards: &self.scorecards,
            limit: self.limit.as_ref(),
        }
    }
}

#[derive(Serialize)]
struct ExplanationView<'a> {
    id: &'a str,
    snapshot: SnapshotRef,
    record: RecordView<'a>,
    rules: &'a [RuleExplanation],
    lets: &'a [LetExplanation],
    hooks: &'a [HookExplanation],
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    tables: &'a [crate::eval::TableMatch],
    #[serde(skip_serializing_if = "<[ScorecardExplanation]>::is_empty")]
    scorecards: &'a [ScorecardExplanation],
    #[serde(skip_serializing_if = "Option::is_none")]
    limit: Option<&'a LimitExplanation>,
}

/// A value as typed JSON, as in a decision's trace.
fn typed<S: serde::Serializer>(value: &Traced, s: S) -> Result<S::Ok, S::Error> {
    TracedJson(value).serialize(s)
}

fn typed_or_null<S: serde::Serializer>(value: &Option<Traced>, s: S) -> Result<S::Ok, S::Error> {
    value.as_ref().map(TracedJson).serialize(s)
}

/// The value, or `"error: …"`, as a hook call's result in a trace.
fn hook_result<S: serde::Serializer>(result: &Result<Traced, String>, s: S) -> Result<S::Ok, S::Error> {
    match result {
        Ok(v) => TracedJson(v).serialize(s),
        Err(message) => s.collect_str(&format_args!("error: {message}")),
    }
}

#[derive(Serialize)]
struct SnapshotRef {
    file: String,
    position: usize,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gaps_read_as_distance_to_the_bound() {
        assert_eq!(gap(Decimal::ONE, CmpOp::Ge, CmpKind::Int).as_deref(), Some("1 below the bound"));
        assert_eq!(gap(Decimal::ZERO, CmpOp::Gt, CmpKind::Int).as_deref(), Some("at the bound"));
        assert_eq!(gap(Decimal::new(-25, 1), CmpOp::Lt, CmpKind::Dec).as_deref(), Some("2.5 above the bound"));
        assert_eq!(gap(Decimal::NEGATIVE_ONE, CmpOp::Le, CmpKind::Date).as_deref(), Some("1 day after the bound"));
        assert_eq!(gap(Decimal::ONE, CmpOp::Ne, CmpKind::Int), None);
    }

    #[test]
    fn negated_conditions_read_as_written() {
        assert_eq!(negate_text("(appeal_open ?? false)"), "not (appeal_open ?? false)");
        assert_eq!(negate_text("identity.verified"), "not identity.verified");
        assert_eq!(negate_text("score > 3"), "not (score > 3)");
        assert_eq!(after_in("id not in reg_2023_q3", "id"), "reg_2023_q3");
        assert_eq!(after_in(r#"status in ["a", "b"]"#, "status"), r#"["a", "b"]"#);
    }

    #[test]
    fn blame_finds_the_conditions_that_decided() {
        // (a and b) or c, with a = true, b = false, c = false: b and c stopped it.
        let n = Shape::Or(
            Box::new(Shape::And(Box::new(Shape::Leaf(0)), Box::new(Shape::Leaf(1)))),
            Box::new(Shape::Leaf(2)),
        );
        let vals = [Some(true), Some(false), Some(false)];
        let mut out = Vec::new();
        blame(&n, &vals, &mut out);
        assert_eq!(out, [1, 2]);
        // a and b, with a = false (b not evaluated): only a.
        let n = Shape::And(Box::new(Shape::Leaf(0)), Box::new(Shape::Leaf(1)));
        let mut out = Vec::new();
        blame(&n, &[Some(false), None], &mut out);
        assert_eq!(out, [0]);
        // not a, with a = true.
        let n = Shape::Not(Box::new(Shape::Leaf(0)));
        let mut out = Vec::new();
        blame(&n, &[Some(true)], &mut out);
        assert_eq!(out, [0]);
    }
}
