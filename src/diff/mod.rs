//! Impact analysis: what a policy change would do to the book.
//!
//! Two versions of a policy decide the same snapshots in one streaming pass:
//! every snapshot is read once, decided by both ([`Differ::judge`]), and
//! folded into running totals ([`DiffRun`]); accounts whose decision differs
//! are handed to a sink one at a time (for `--changed FILE`) and only the
//! first few are kept for the report. Memory does not grow with the portfolio.
//!
//! ```text
//! input ──tee?──▶ (old snapshot, new snapshot) ──rayon chunk──▶ (old decision, new decision)
//!        ──▶ swap-set matrix, rule fires, limit exposure, guards ──▶ DiffReport ──▶ text / JSON / HTML
//! ```
//!
//! When the two schemas lay snapshots out alike, each snapshot is read once
//! and shared. When they differ (the new version adds a field, say), each raw
//! snapshot is read with each schema from the same bytes (`tee`); schemas
//! whose key fields differ cannot be paired and are refused.

mod arms;
mod axes;
mod files;
mod guards;
mod html;
mod json;
mod performance;
mod report;
mod rules;
mod scorecards;
mod swap_render;
mod swap_sets;
mod tee;
mod text;

pub use axes::{Bucket, Row, ROWS};
pub use html::render_html;
pub use json::SideView;
pub use performance::{Performance, PerformanceError, Realised};
pub use report::{ChangedAccount, DiffReport, Exposure, GuardRow, MatrixCell, PolicyInfo, ReportMeta, RuleRow};
pub use rules::{compare as compare_text, ChangeStatus, LetChange, RuleChange, TextChanges};
pub use swap_sets::{taken_rows, ArmGrid, Figures, Grid, PerformanceReport, SwapSet};
pub use text::render_text;

use crate::compile::Program;
use crate::decision::fields;
use crate::diagnostic::codes;
use crate::eval::{evaluate, EvalOptions, Outputs};
use crate::ir::split::TSplit;
use crate::schema::{FieldDef, FieldKind, RecordLayout, ScalarType, Schema};
use crate::snapshot::{
    read_snapshots_with, Format, ReadError, ReadItem, ReadLimits, Snapshot, SnapshotError, SnapshotReader,
};
use crate::value::Value;
use crate::LoadedPolicy;
use rayon::prelude::*;
use report::Tally;
use rust_decimal::Decimal;
use std::io::{self, BufRead};
use std::sync::Arc;
use tee::TeeReader;

/// Snapshot pairs decided together; bounds memory whatever the portfolio's size.
const CHUNK: usize = 4096;

/// The money field read as an account's current credit limit unless `--limit-field` names another.
pub const DEFAULT_LIMIT_FIELD: &str = "credit_limit";

/// Why a diff cannot run.
#[derive(Debug, thiserror::Error)]
pub enum DiffError {
    /// The two schemas cannot be paired snapshot by snapshot (their keys differ).
    #[error("the two policies' schemas cannot be compared: {0}")]
    IncompatibleSchemas(String),
    /// `--limit-field` names no money or decimal field of the account in either schema.
    #[error("`{field}` cannot be the credit limit: {problem}")]
    LimitField {
        /// The field asked for.
        field: String,
        /// What is wrong with it.
        problem: String,
    },
    /// An input cannot be read at all under one of the schemas (e.g. a CSV header that does not fit it).
    #[error("under the {side} policy's schema: {error}")]
    Read {
        /// `old` or `new`.
        side: &'static str,
        /// The reader's error.
        error: ReadError,
    },
}

impl DiffError {
    /// A stable code for docs and tests.
    pub fn code(&self) -> &'static str {
        match self {
            DiffError::IncompatibleSchemas(_) => codes::INCOMPATIBLE_SCHEMAS,
            DiffError::LimitField { .. } => codes::LIMIT_FIELD,
            DiffError::Read { .. } => codes::DIFF_READ,
        }
    }
}

/// How a diff runs.
#[derive(Clone, Debug)]
pub struct DiffOptions {
    /// Evaluation options shared by both versions (`--as-of`); tracing is never needed.
    pub eval: EvalOptions,
    /// The field holding an account's current credit limit. `None`: `credit_limit` if the
    /// schema has it as money or decimal, otherwise the report has no limit exposure.
    pub limit_field: Option<String>,
    /// Changed accounts kept for the report's table (all of them go to the sink).
    pub keep: usize,
    /// How large a snapshot (and a JSON or YAML file) may be.
    pub limits: ReadLimits,
}

impl Default for DiffOptions {
    fn default() -> Self {
        DiffOptions { eval: EvalOptions::default(), limit_field: None, keep: 200, limits: ReadLimits::default() }
    }
}

/// Which version's snapshot an account's current limit is read from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum LimitSide {
    Old,
    New,
    /// Applications: none has a current limit; the exposure is the credit
    /// the approvals grant (see [`report::Exposure::granted`]).
    Granted,
}

/// Where the current credit limit lives.
#[derive(Clone, Debug)]
struct LimitSource {
    field: String,
    side: LimitSide,
    slot: usize,
}

impl LimitSource {
    /// Whether the exposure is the credit granted to applications.
    fn granted(&self) -> bool {
        self.side == LimitSide::Granted
    }
}

/// Two compiled policies ready to be compared over snapshots.
#[derive(Debug)]
pub struct Differ {
    /// The version in force.
    pub old: Arc<Program>,
    /// The proposed version.
    pub new: Arc<Program>,
    /// Whether both read snapshots with the same layout (one read serves both).
    pub same_schema: bool,
    /// How the new schema's fields differ from the old's, when they do:
    /// `+ PATH: TYPE`, `- PATH: TYPE`, `~ PATH: OLD → NEW`.
    pub schema_changes: Vec<String>,
    /// Whether the two are the same policy written otherwise: the same
    /// items once printed (comments, layout, the `policy` and `schema`
    /// lines aside), the same schema layout, batches and hook scripts.
    pub same_text: bool,
    /// Paths the policies were loaded from, for the report.
    paths: (String, String),
    limit: Option<LimitSource>,
    /// Why there is no limit exposure, when there is none.
    limit_note: Option<String>,
    text: TextChanges,
    options: DiffOptions,
}

impl Differ {
    /// Prepares a comparison of `old` with `new`.
    ///
    /// # Errors
    ///
    /// [`DiffError::IncompatibleSchemas`] when the schemas' keys differ, and
    /// [`DiffError::LimitField`] when an explicit limit field is not a money or
    /// decimal field of the account, or is given for application policies.
    pub fn new(
        old: (&std::path::Path, &LoadedPolicy),
        new: (&std::path::Path, &LoadedPolicy),
        options: DiffOptions,
    ) -> Result<Differ, DiffError> {
        let (old_program, new_program) = (old.1.program.clone(), new.1.program.clone());
        same_entity(&old_program.schema, &new_program.schema)?;
        let same_schema = same_layout(&old_program.schema, &new_program.schema);
        if !same_schema {
            keys_compatible(&old_program.schema, &new_program.schema)?;
        }
        let (limit, limit_note) = limit_source(&old_program.schema, &new_program.schema, &options)?;
        let changed_files = files::changed_files(&old_program, &new_program);
        let same_text =
            same_schema && changed_files.is_empty() && deciding_text(&old.1.ast) == deciding_text(&new.1.ast);
        Ok(Differ {
            text: rules::compare(&old.1.ast, &new.1.ast, changed_files),
            schema_changes: schema_changes(&old_program.schema, &new_program.schema),
            same_text,
            old: old_program,
            new: new_program,
            same_schema,
            paths: (old.0.display().to_string(), new.0.display().to_string()),
            limit,
            limit_note,
            options,
        })
    }

    /// The field read as the current credit limit, if any (none for
    /// applications, which have no current limit: see [`report::Exposure::granted`]).
    pub fn limit_field(&self) -> Option<&str> {
        self.limit.as_ref().filter(|l| !l.granted()).map(|l| l.field.as_str())
    }

    /// Starts reading snapshot pairs from one input.
    ///
    /// # Errors
    ///
    /// [`DiffError::Read`] when the input cannot be read at all under one of the schemas.
    pub fn read<R: BufRead>(&self, input: R, format: Format) -> Result<PairReader<R>, DiffError> {
        let inner = if self.same_schema {
            PairInner::Shared(Box::new(self.open_side(input, format, "old")?))
        } else {
            let (a, b) = tee::tee(input);
            let old = self.open_side(a, format, "old")?;
            let new = self.open_side(b, format, "new")?;
            PairInner::Split(Box::new((old, new)))
        };
        Ok(PairReader { inner })
    }

    /// The snapshots of `input` as one version's (`side`'s) schema reads
    /// them. A CSV header that schema cannot read refuses the book (where
    /// `eval` makes each row an error record): a comparison whose one side
    /// is all errors would measure the header, not the policy change.
    fn open_side<T: BufRead>(
        &self,
        input: T,
        format: Format,
        side: &'static str,
    ) -> Result<SnapshotReader<T>, DiffError> {
        let schema = if side == "old" { &self.old.schema } else { &self.new.schema };
        read_snapshots_with(input, format, schema.clone(), self.options.limits)
            .and_then(SnapshotReader::refusing_header_faults)
            .map_err(|error| DiffError::Read { side, error })
    }

    /// Decides one snapshot pair with both versions.
    pub fn judge(&self, pair: &Pair) -> Judged {
        let options = EvalOptions { trace: false, ..self.options.eval };
        let decide = |program: &Program, item: &ReadItem| match item {
            Ok(snapshot) => evaluate(program, snapshot, options),
            Err(e) => Err(e.clone().into()),
        };
        let (old_item, new_item) = match pair {
            Pair::Shared(item) => (item, item),
            Pair::Split { old, new } => (old, new),
        };
        let (old, new) = (decide(&self.old, old_item), decide(&self.new, new_item));
        let current_limit = self.limit.as_ref().and_then(|l| match (l.side, pair) {
            (LimitSide::Granted, _) => None,
            (_, Pair::Shared(item)) => read_limit(item, l.slot),
            (LimitSide::Old, Pair::Split { old, .. }) => read_limit(old, l.slot),
            (LimitSide::New, Pair::Split { new, .. }) => read_limit(new, l.slot),
        });
        let arms_if_failed = |outputs: &Outputs, program: &Program, item: &ReadItem, other: (&Program, &ReadItem)| {
            match (outputs, item, other.1) {
                (Err(_), Ok(snapshot), _) => {
                    program.splits.iter().map(|s| crate::eval::arm_of(s, &snapshot.record)).collect()
                }
                // Unreadable under this version's schema, read under the
                // other's: the split's field is taken from there, when that
                // schema has it alike (it fell in the other version's arm).
                (Err(_), Err(_), Ok(snapshot)) => program
                    .splits
                    .iter()
                    .filter_map(|s| arm_read_elsewhere(s, &program.schema, &other.0.schema, snapshot))
                    .collect(),
                _ => Vec::new(),
            }
        };
        let arms_of_failed = (
            arms_if_failed(&old, &self.old, old_item, (&self.new, new_item)),
            arms_if_failed(&new, &self.new, new_item, (&self.old, old_item)),
        );
        Judged { old, new, current_limit, arms_of_failed }
    }

    /// Starts a run: feed it inputs, then [`DiffRun::finish`] it into a report.
    pub fn run(&self) -> DiffRun<'_> {
        DiffRun { differ: self, tally: Tally::new(self), kept: Vec::new() }
    }
}

/// One input snapshot, as each version reads it.
#[derive(Debug)]
pub enum Pair {
    /// Both schemas lay snapshots out alike: one reading serves both.
    Shared(ReadItem),
    /// Read once with each schema, from the same raw snapshot.
    Split {
        /// Read with the old policy's schema.
        old: ReadItem,
        /// Read with the new policy's schema.
        new: ReadItem,
    },
}

/// Both decisions for one snapshot, with the account's current credit limit.
#[derive(Debug)]
pub struct Judged {
    /// The old version's decision (or error record).
    pub old: Outputs,
    /// The new version's decision (or error record).
    pub new: Outputs,
    /// The account's current limit, when the limit field could be read.
    pub current_limit: Option<Decimal>,
    /// When a version could not decide: the account's arm of each split of
    /// that version, from its snapshot (so that "By arm" still counts it);
    /// the old version's, then the new one's.
    pub arms_of_failed: (Vec<crate::eval::Arm>, Vec<crate::eval::Arm>),
}

/// An iterator over the snapshot pairs of one input, in input order.
pub struct PairReader<R: BufRead> {
    inner: PairInner<R>,
}

type SplitReaders<R> = (SnapshotReader<TeeReader<R>>, SnapshotReader<TeeReader<R>>);

enum PairInner<R: BufRead> {
    Shared(Box<SnapshotReader<R>>),
    Split(Box<SplitReaders<R>>),
}

impl<R: BufRead> PairReader<R> {
    /// Names the input (a path) in the error record that ends a failed read.
    #[must_use]
    pub fn named(self, name: &str) -> Self {
        let inner = match self.inner {
            PairInner::Shared(reader) => PairInner::Shared(Box::new(reader.named(name))),
            PairInner::Split(readers) => {
                let (old, new) = *readers;
                PairInner::Split(Box::new((old.named(name), new.named(name))))
            }
        };
        PairReader { inner }
    }

    /// The failure that stopped reading part-way, if any (taken: a second call gives `None`).
    pub fn take_error(&mut self) -> Option<ReadError> {
        match &mut self.inner {
            PairInner::Shared(reader) => reader.take_error(),
            PairInner::Split(readers) => {
                let (old, new) = (readers.0.take_error(), readers.1.take_error());
                old.or(new)
            }
        }
    }
}

impl<R: BufRead> Iterator for PairReader<R> {
    type Item = Pair;

    fn next(&mut self) -> Option<Pair> {
        match &mut self.inner {
            PairInner::Shared(reader) => reader.next().map(Pair::Shared),
            PairInner::Split(readers) => {
                let (old, new) = (readers.0.next(), readers.1.next());
                // Both readers split the same bytes into snapshots the same way, so they end
                // together; if one ever ended first, its side of the pair becomes an error record.
                let missing = |other: &ReadItem| SnapshotError {
                    id: match other {
                        Ok(s) => Some(s.id.clone()),
                        Err(e) => e.id.clone(),
                    },
                    message: "this schema's reader ended before the other's".into(),
                };
                match (old, new) {
                    (None, None) => None,
                    (Some(old), Some(new)) => Some(Pair::Split { old, new }),
                    (Some(old), None) => Some(Pair::Split { new: Err(missing(&old)), old }),
                    (None, Some(new)) => Some(Pair::Split { old: Err(missing(&new)), new }),
                }
            }
        }
    }
}

/// A diff in progress: running totals, and the first changed accounts.
pub struct DiffRun<'a> {
    differ: &'a Differ,
    tally: Tally,
    kept: Vec<ChangedAccount>,
}

impl DiffRun<'_> {
    /// Decides every pair of one input (in parallel chunks, on `pool` or else rayon's global
    /// pool) and folds the decisions in, in input order. Each changed account is passed to `sink`.
    ///
    /// # Errors
    ///
    /// Only the sink's errors.
    pub fn feed<I: Iterator<Item = Pair>>(
        &mut self,
        input: &str,
        pairs: I,
        pool: Option<&rayon::ThreadPool>,
        sink: &mut dyn FnMut(&ChangedAccount) -> io::Result<()>,
    ) -> io::Result<()> {
        let input: Arc<str> = Arc::from(input);
        let mut pairs = pairs.peekable();
        let mut record = 0u64;
        let mut chunk = Vec::with_capacity(CHUNK);
        while pairs.peek().is_some() {
            chunk.clear();
            chunk.extend(pairs.by_ref().take(CHUNK));
            let differ = self.differ;
            let decide = || -> Vec<Judged> { chunk.par_iter().map(|p| differ.judge(p)).collect() };
            let judged = match pool {
                Some(pool) => pool.install(decide),
                None => decide(),
            };
            for j in judged {
                record += 1;
                let differs = differences(&j.old, &j.new);
                self.tally.add(&j, &differs);
                if !differs.is_empty() {
                    let account = ChangedAccount::new(input.clone(), record, differs, j);
                    sink(&account)?;
                    if self.kept.len() < self.differ.options.keep {
                        self.kept.push(account);
                    }
                }
            }
        }
        Ok(())
    }

    /// Joins realised performance (`--performance`) to the swap-set matrix:
    /// call before the first [`DiffRun::feed`], so every account is joined.
    #[must_use]
    pub fn with_performance(mut self, performance: Performance) -> Self {
        self.tally.performance = Some(swap_sets::PerfTally::new(performance));
        self
    }

    /// Snapshots compared so far (read or not).
    pub fn records(&self) -> u64 {
        self.tally.records
    }

    /// Whether any decision has differed so far.
    pub fn any_change(&self) -> bool {
        self.tally.changed > 0
    }

    /// Hook calls of either version stopped so far by the wall-clock backstop
    /// ([`crate::eval::ErrorKind::Timeout`]): while there are any, the diff is
    /// not whole, whatever it reports.
    pub fn timeouts(&self) -> u64 {
        self.tally.timeouts
    }

    /// The report.
    pub fn finish(self, meta: ReportMeta) -> DiffReport {
        report::build(self.differ, self.tally, self.kept, meta)
    }
}

/// The parts of a decision that differ: `error` (one side failed, or both failed
/// differently), else any of `outcome`, `until`, `limit`, `reasons`, `actions`.
/// Reasons and actions are compared without the rule that gave them, so renaming
/// a rule alone changes no decision; `fired` is not compared for the same reason.
pub fn differences(old: &Outputs, new: &Outputs) -> Vec<&'static str> {
    match (old, new) {
        (Ok(a), Ok(b)) => {
            let mut out = Vec::new();
            if a.outcome != b.outcome {
                out.push(fields::OUTCOME);
            }
            if a.until != b.until {
                out.push(fields::UNTIL);
            }
            if a.limit != b.limit {
                out.push(fields::LIMIT);
            }
            let reasons = |d: &crate::Decision| -> Vec<(Arc<str>, Option<Arc<str>>)> {
                d.reasons.iter().map(|r| (r.code.clone(), r.text.clone())).collect()
            };
            if reasons(a) != reasons(b) {
                out.push(fields::REASONS);
            }
            if a.actions.len() != b.actions.len() || a.actions.iter().zip(&b.actions).any(|(x, y)| x.key() != y.key()) {
                out.push(fields::ACTIONS);
            }
            out
        }
        (Err(a), Err(b)) if a.kind == b.kind && a.message == b.message => Vec::new(),
        _ => vec![fields::ERROR],
    }
}

fn read_limit(item: &ReadItem, slot: usize) -> Option<Decimal> {
    let snapshot: &Snapshot = item.as_ref().ok()?;
    match snapshot.record.slots.get(slot)? {
        Value::Dec(d) => Some(*d),
        Value::Int(i) => Some(Decimal::from(*i)),
        _ => None,
    }
}

/// The fields added, removed or retyped from `old` to `new` (a list's
/// element fields as `list[].field`), in the new schema's order, then the
/// removed ones in the old's.
fn schema_changes(old: &Schema, new: &Schema) -> Vec<String> {
    let (old, new) = (all_fields(&old.root, ""), all_fields(&new.root, ""));
    let mut out = Vec::new();
    for (path, ty) in &new {
        match old.iter().find(|(p, _)| p == path) {
            None => out.push(format!("+ {path}: {ty}")),
            Some((_, before)) if before != ty => out.push(format!("~ {path}: {before} → {ty}")),
            Some(_) => {}
        }
    }
    let gone = old.iter().filter(|(path, _)| !new.iter().any(|(p, _)| p == path));
    out.extend(gone.map(|(path, ty)| format!("- {path}: {ty}")));
    out
}

/// Every field below `record` with its type as a schema writes it.
fn all_fields(record: &RecordLayout, prefix: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for field in &record.fields {
        let path = format!("{prefix}{}", field.name);
        out.push((path.clone(), field.type_text()));
        match &field.kind {
            FieldKind::Record(inner) => out.extend(all_fields(inner, &format!("{path}."))),
            FieldKind::List(list) => out.extend(all_fields(&list.element, &format!("{path}[]."))),
            FieldKind::Scalar(_) | FieldKind::Set(_) => {}
        }
    }
    out
}

/// A policy's items as `fmt` prints them, without comments and without its
/// `policy` and `schema` lines (a version raised, a schema copied under
/// another name and compared by its layout): what decides.
fn deciding_text(ast: &crate::syntax::ast::PolicyAst) -> String {
    use crate::syntax::ast::{Item, PolicyAst};
    let deciding = ast.items.iter().filter(|item| !matches!(item, Item::Policy { .. } | Item::Schema { .. }));
    crate::format::print_ast(&PolicyAst { items: deciding.cloned().collect() })
}

/// Whether two schemas lay snapshots out alike (spans and file paths aside).
fn same_layout(a: &Schema, b: &Schema) -> bool {
    a.key == b.key && a.key_slot == b.key_slot && record_eq(&a.root, &b.root)
}

fn record_eq(a: &RecordLayout, b: &RecordLayout) -> bool {
    a.slot_count == b.slot_count && a.fields.len() == b.fields.len() && a.fields.iter().zip(&b.fields).all(field_eq)
}

fn field_eq((a, b): (&FieldDef, &FieldDef)) -> bool {
    a.name == b.name
        && a.optional == b.optional
        && a.slot == b.slot
        && match (&a.kind, &b.kind) {
            (FieldKind::Scalar(x), FieldKind::Scalar(y)) | (FieldKind::Set(x), FieldKind::Set(y)) => x == y,
            (FieldKind::Record(x), FieldKind::Record(y)) => record_eq(x, y),
            (FieldKind::List(x), FieldKind::List(y)) => x.by == y.by && record_eq(&x.element, &y.element),
            _ => false,
        }
}

/// Snapshots can be paired across two schemas only if both identify them by the same key.
fn keys_compatible(old: &Schema, new: &Schema) -> Result<(), DiffError> {
    let describe = |s: &Schema| match s.lookup(&s.key).map(|f| &f.kind) {
        Some(FieldKind::Scalar(t)) => t.describe(),
        _ => "?".into(),
    };
    if old.key != new.key || describe(old) != describe(new) {
        return Err(DiffError::IncompatibleSchemas(format!(
            "the old schema identifies an account by `{}` ({}), the new one by `{}` ({})",
            old.key,
            describe(old),
            new.key,
            describe(new)
        )));
    }
    Ok(())
}

/// Both policies decide applications, or both accounts: an application's
/// outcomes (approve, refer, decline) have no cell among an account's, so
/// the matrix would lose every snapshot of one side.
fn same_entity(old: &Schema, new: &Schema) -> Result<(), DiffError> {
    if old.is_application() == new.is_application() {
        return Ok(());
    }
    let decides = |schema: &Schema| if schema.is_application() { "applications" } else { "accounts" };
    Err(DiffError::IncompatibleSchemas(format!(
        "the old policy decides {}, the new one {}: approve, refer and decline have no counterpart among close, freeze, restrict and reinstate",
        decides(old),
        decides(new)
    )))
}

/// Finds the current-limit field: in the old schema if it has it, else in the new one.
fn limit_source(
    old: &Schema,
    new: &Schema,
    options: &DiffOptions,
) -> Result<(Option<LimitSource>, Option<String>), DiffError> {
    if old.is_application() {
        // An application has no limit yet: what a version changes is the
        // credit it grants. A field named as the "current limit" (the amount
        // requested) would count every declined application at its request.
        if let Some(field) = &options.limit_field {
            let problem = "an application has no current limit; a diff of application policies counts the credit \
                           their approvals grant, with no field named"
                .to_string();
            return Err(DiffError::LimitField { field: field.clone(), problem });
        }
        // `field` names the decisions' field the totals sum; no slot is read.
        return Ok((Some(LimitSource { field: fields::LIMIT.into(), side: LimitSide::Granted, slot: 0 }), None));
    }
    let field = options.limit_field.clone().unwrap_or_else(|| DEFAULT_LIMIT_FIELD.into());
    let slot_in = |schema: &Schema| -> Result<usize, String> {
        let Some(def) = schema.lookup(&field) else {
            return Err(format!("`{}` has no such field", schema.path.display()));
        };
        match (&def.kind, def.slot) {
            (FieldKind::Scalar(ScalarType::Money | ScalarType::Decimal), Some(slot)) => Ok(slot),
            (kind, _) => Err(format!(
                "in `{}` it is {}, not money or decimal",
                schema.path.display(),
                match kind {
                    FieldKind::Scalar(t) | FieldKind::Set(t) => t.describe(),
                    FieldKind::Record(_) => "a record".into(),
                    FieldKind::List(_) => "a list".into(),
                }
            )),
        }
    };
    match (slot_in(old), slot_in(new)) {
        (Ok(slot), _) => Ok((Some(LimitSource { field, side: LimitSide::Old, slot }), None)),
        (Err(_), Ok(slot)) => Ok((Some(LimitSource { field, side: LimitSide::New, slot }), None)),
        (Err(problem), Err(_)) if options.limit_field.is_some() => Err(DiffError::LimitField { field, problem }),
        (Err(problem), Err(_)) => Ok((
            None,
            Some(format!("no limit exposure: `{field}` is not a money field ({problem}); name one with --limit-field")),
        )),
    }
}

/// The arm `split` (of a version whose schema is `own`) gives a snapshot read
/// under another schema, `other`: its `by` field, a top-level one, found by
/// name there with the same type and requiredness; `None` when it is not.
fn arm_read_elsewhere(split: &TSplit, own: &Schema, other: &Schema, snapshot: &Snapshot) -> Option<crate::eval::Arm> {
    let (path, def) =
        own.root.leaves().into_iter().find(|(path, d)| d.slot == Some(split.slot) && !path.contains('.'))?;
    let there = other.lookup(&path)?;
    if there.kind != def.kind || there.optional != def.optional {
        return None;
    }
    let moved = TSplit { slot: there.slot?, ..split.clone() };
    Some(crate::eval::arm_of(&moved, &snapshot.record))
}
