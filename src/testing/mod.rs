//! Decision tests (spec §7): `*.test.yaml` files that pin what a policy decides.
//!
//! A test file names its policy and holds cases (a snapshot, inline or in a
//! file, and the decision fields it expects) and optionally a golden test (a
//! whole portfolio's records kept in a JSON Lines file). [`Runner`] runs test
//! files one at a time, loading each policy once, and returns reports as data;
//! the command line renders them. The format is documented in `docs/testing.md`.
//!
//! ```
//! use verdict::testing::{Runner, TestOptions, CaseResult};
//!
//! let mut runner = Runner::new(TestOptions::default());
//! let report = runner.run_file("policies/tests/simple.test.yaml".as_ref());
//! assert!(report.diagnostics.is_empty());
//! assert!(report.cases.iter().all(|c| matches!(c.result, CaseResult::Passed { .. })));
//! ```

mod expect;
mod file;
mod golden;
mod snapshot_keys;

pub use file::normalize;

use crate::compile::Program;
use crate::diagnostic::{codes, did_you_mean, Diagnostic, LineIndex, SourceMap, Span};
use crate::eval::{evaluate, evaluate_traced, ErrorKind, ErrorRecord, EvalOptions, Outputs, RuleStatus, Trace};
use crate::output::RecordView;
use crate::schema::Schema;
use crate::snapshot::{open_snapshot_file, opening_error, snapshot_from_yaml, Format, ReadItem, ReadLimits};
use crate::value::Date;
use file::{CaseSpec, Reader, SnapshotSource};
use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// How to run tests.
#[derive(Clone, Copy, Debug, Default)]
pub struct TestOptions {
    /// Write golden files instead of comparing with them.
    pub accept: bool,
    /// Record which rules fired and were reached (see [`Runner::coverage`]).
    pub coverage: bool,
}

/// What running one test file gave.
#[derive(Debug)]
pub struct FileReport {
    /// The test file.
    pub path: PathBuf,
    /// The policy it tests, once known.
    pub policy: Option<PathBuf>,
    /// Each case (and the golden test, last), in file order.
    pub cases: Vec<CaseReport>,
    /// Problems with the test file or its policy; when there is an error, no case ran.
    pub diagnostics: Vec<Diagnostic>,
    /// The texts the diagnostics point into.
    pub sources: SourceMap,
}

impl FileReport {
    /// The report of a test file (or a folder of them) that cannot be read: `T001`.
    pub fn unreadable(path: &Path, message: String) -> FileReport {
        FileReport {
            path: path.to_path_buf(),
            policy: None,
            cases: Vec::new(),
            diagnostics: vec![Diagnostic::error(codes::TEST_READ, path, Span::default(), message)],
            sources: SourceMap::default(),
        }
    }

    /// True when the file and its policy were valid (its cases ran).
    pub fn is_valid(&self) -> bool {
        !self.diagnostics.iter().any(Diagnostic::is_error)
    }
}

/// One case's result.
#[derive(Debug)]
pub struct CaseReport {
    /// The case's name (`golden FILE` for a golden test).
    pub name: String,
    /// The line of the test file where the case starts.
    pub line: usize,
    /// Passed or failed, and how.
    pub result: CaseResult,
}

/// Whether a case passed.
#[derive(Debug)]
pub enum CaseResult {
    /// The decision is as expected.
    Passed {
        /// Something worth saying anyway (a golden test's record count, a file written by `--accept`).
        note: Option<String>,
    },
    /// The decision differs from the expectation.
    Failed(Failure),
}

/// How a case failed.
#[derive(Debug)]
pub enum Failure {
    /// The decision fields that differ.
    Fields(Vec<Mismatch>),
    /// The golden file does not exist yet.
    GoldenMissing {
        /// Where it should be.
        path: PathBuf,
    },
    /// The accounts whose records differ from the golden file.
    Golden(Vec<AccountDiff>),
}

/// One field that differs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mismatch {
    /// The decision field (`outcome`, `fired`, ...; `record` when a decision became an error or back).
    pub field: String,
    /// What the test expects.
    pub expected: Shown,
    /// What the policy decided.
    pub actual: Shown,
}

/// A value as shown in a difference.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Shown {
    /// A single value.
    One(String),
    /// A list, item by item.
    List(Vec<String>),
}

/// An account whose golden record changed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountDiff {
    /// The account's id (`(no id)` for a record without one).
    pub account: String,
    /// What changed.
    pub change: AccountChange,
}

/// How an account's golden record changed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AccountChange {
    /// These fields differ.
    Changed(Vec<Mismatch>),
    /// The account is in the portfolio but not in the golden file (its record, in a few words).
    Added(String),
    /// The account is in the golden file but no longer in the portfolio.
    Removed(String),
}

/// Which rules of one policy the run exercised.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PolicyCoverage {
    /// The policy.
    pub policy: PathBuf,
    /// How many records (cases and golden accounts) it decided.
    pub records: usize,
    /// Rules that never fired (leaving out those in `never_reached`), in evaluation order.
    pub never_fired: Vec<String>,
    /// Rules of `first` groups never evaluated because an earlier rule of the group always fired.
    pub never_reached: Vec<Unreached>,
    /// Test files of the policy that did not run (an error in the file): what
    /// they would have covered is unknown, so a rule listed above may be one
    /// of theirs.
    pub not_run: Vec<PathBuf>,
    /// Per decision table (by name), its rows (numbered from 1, `else` last)
    /// that no record's inputs matched; tables whose every row was hit are left out.
    pub rows_never_hit: Vec<(String, Vec<usize>)>,
    /// Scorecard bins no record fell in.
    pub bins_never_hit: Vec<UnhitBin>,
}

/// A scorecard bin that no record fell in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnhitBin {
    /// The scorecard.
    pub scorecard: String,
    /// The characteristic's reason code.
    pub code: String,
    /// The bin's number in its characteristic (from 1).
    pub bin: usize,
    /// Its points.
    pub points: String,
}

/// A `first`-group rule that no record reached.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unreached {
    /// The rule.
    pub rule: String,
    /// Its group.
    pub group: String,
    /// The rules of the group that fired before it could be evaluated.
    pub fired_instead: Vec<String>,
}

/// What the run saw of one rule.
#[derive(Debug, Default, Clone)]
struct RuleStats {
    fired: usize,
    evaluated: usize,
    skipped_by: BTreeSet<String>,
}

/// One policy as loaded for the run.
struct PolicyRun {
    path: PathBuf,
    /// Every file the policy read (itself, its schema, hooks, batches), which a golden file must not be.
    files: Vec<PathBuf>,
    /// `None` when it does not compile.
    program: Option<Arc<Program>>,
    /// By rule, in the program's order (a traced rule's `index`).
    stats: Vec<RuleStats>,
    records: usize,
    /// Test files of this policy that could not run (an error in the file).
    not_run: Vec<PathBuf>,
    /// The policy's decision tables, and for each, which of its rows a record matched.
    tables: Vec<crate::eval::NamedTable>,
    row_hits: Vec<Vec<bool>>,
    /// Scorecard bins some record fell in: (scorecard's let, characteristic, bin).
    bins_hit: std::collections::HashSet<(usize, usize, usize)>,
}

/// Why a case's snapshot without `as_of` cannot be decided, in the test file's terms.
const NO_TEST_AS_OF: &str = "the snapshot has no `as_of` date and the test file gives none: add `as_of: YYYY-MM-DD` \
     at the top of the test file (the date every case is decided on), or an `as_of` to this snapshot";

/// Whose terms an error record is worded in.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Words {
    /// The test file's (a case: "add `as_of:` to the test file").
    TestFile,
    /// `verdict eval`'s, which a golden file holds.
    Eval,
}

/// Runs test files, loading each policy once.
pub struct Runner {
    options: TestOptions,
    policies: Vec<PolicyRun>,
    by_path: HashMap<PathBuf, usize>,
    /// What the run's test files read and accepted, which no golden file may overwrite.
    run: golden::RunFiles,
}

impl Runner {
    /// A runner with the given options.
    pub fn new(options: TestOptions) -> Self {
        Runner { options, policies: Vec::new(), by_path: HashMap::new(), run: golden::RunFiles::default() }
    }

    /// Names every test file the run will read: no test's golden file may be one of them.
    pub fn run_over(&mut self, test_files: &[PathBuf]) {
        self.run.test_files = test_files.to_vec();
    }

    /// Runs every case of one test file.
    pub fn run_file(&mut self, path: &Path) -> FileReport {
        let mut report = FileReport {
            path: path.to_path_buf(),
            policy: None,
            cases: Vec::new(),
            diagnostics: Vec::new(),
            sources: SourceMap::default(),
        };
        let text = match std::fs::read(path).map(|bytes| crate::diagnostic::utf8_text(codes::TEST_READ, path, bytes)) {
            Ok(Ok(t)) => t,
            Ok(Err((d, shown))) => {
                report.sources.add(path, shown.into());
                report.diagnostics.push(*d);
                return report;
            }
            Err(e) => {
                return FileReport::unreadable(path, format!("cannot read the test file `{}`: {e}", path.display()))
            }
        };
        report.sources.add(path, text.as_str().into());
        // Many a policy is also YAML (one long string): told by its first line instead.
        if let Some(at) = policy_declared(&text) {
            let d = Diagnostic::error(codes::TEST_READ, path, at, "this is a policy, not a test file").with_help(
                "give `verdict test` the policy's tests (`*.test.yaml`, or their folder); `verdict check` checks a policy",
            );
            report.diagnostics.push(d);
            return report;
        }
        let doc = match crate::yaml::parse_document(&text) {
            Ok(doc) => doc,
            Err(e) => {
                let message = format!("the test file is not valid YAML: {}", e.message);
                report.diagnostics.push(Diagnostic::error(codes::TEST_READ, path, e.span, message));
                return report;
            }
        };
        let mut r = Reader { file: path, diags: Vec::new() };
        let spec = file::read_test_file(&doc, &mut r);
        let file_ok = !r.diags.iter().any(Diagnostic::is_error);
        let Some(spec) = spec else {
            report.diagnostics = in_file_order(r.diags, path);
            return report;
        };
        report.policy = Some(spec.policy.clone());
        let Some((index, program)) = self.policy(&spec.policy, spec.policy_span, &mut r, &mut report.sources) else {
            report.diagnostics = in_file_order(r.diags, path);
            return report;
        };
        // Read every expectation and snapshot first: a mistake in the file stops it before any case runs.
        let mut warned = std::collections::HashSet::new();
        let prepared: Vec<_> = spec
            .cases
            .iter()
            .filter_map(|case| {
                let expectation = expect::read_expectation(&case.expect, &program, &mut r);
                if let SnapshotSource::Inline(node) = &case.snapshot {
                    snapshot_keys::warn_unknown_keys(node, &program.schema.root, &mut warned, &mut r);
                }
                let snapshot = case_snapshot(case, &program.schema, &mut r);
                Some((case, expectation?, snapshot?))
            })
            .collect();
        // The files this test reads, its cases' snapshot files among them,
        // are known to the run before its golden file is judged: it may be none of them.
        let mut read = self.policies.get(index).map(|p| p.files.clone()).unwrap_or_default();
        read.extend(spec.cases.iter().filter_map(|case| match &case.snapshot {
            SnapshotSource::File { path, .. } => Some(path.clone()),
            SnapshotSource::Inline(_) => None,
        }));
        self.run.ran(path, read, None);
        if let (Some(g), Some(policy)) = (&spec.golden, self.policies.get(index)) {
            golden::refuse_an_input(g, path, &policy.files, (&self.run, self.options.accept), &mut r);
        }
        if !file_ok || r.diags.iter().any(Diagnostic::is_error) {
            if let Some(policy) = self.policies.get_mut(index) {
                policy.not_run.push(path.to_path_buf());
            }
            report.diagnostics = in_file_order(r.diags, path);
            return report;
        }
        // Each case's line, found by a search, not a scan from the start: a
        // file of 20,000 cases took minutes to run by scanning.
        let lines = LineIndex::new(&text);
        for (case, expectation, snapshot) in prepared {
            let record = self.decide(index, &program, &snapshot, spec.as_of, Words::TestFile);
            let actual = serde_json::to_value(RecordView { record: &record, program: &program })
                .unwrap_or(serde_json::Value::Null);
            let mismatches = expectation.compare(&actual);
            let result = if mismatches.is_empty() {
                CaseResult::Passed { note: None }
            } else {
                CaseResult::Failed(Failure::Fields(mismatches))
            };
            let line = lines.line_col(&text, case.span.start as usize).0;
            report.cases.push(CaseReport { name: case.name.clone(), line, result });
        }
        if let Some(g) = &spec.golden {
            let name =
                g.golden.file_name().map_or_else(|| g.golden.display().to_string(), |n| n.to_string_lossy().into());
            let line = lines.line_col(&text, g.golden_span.start as usize).0;
            let result = self.golden(index, &program, g, path, spec.as_of, &mut report.sources);
            let accepted = (self.options.accept && result.is_ok()).then_some(g.golden.as_path());
            self.run.ran(path, vec![g.snapshots.clone()], accepted);
            match result {
                Ok(result) => report.cases.push(CaseReport { name: format!("golden {name}"), line, result }),
                Err(d) => report.diagnostics.push(*d),
            }
        }
        report.diagnostics.extend(r.diags);
        report
    }

    /// Per policy, the rules no record fired or reached (with [`TestOptions::coverage`]).
    pub fn coverage(&self) -> Vec<PolicyCoverage> {
        self.policies
            .iter()
            .filter_map(|p| {
                let program = p.program.as_ref()?;
                let mut never_fired = Vec::new();
                let mut never_reached = Vec::new();
                for (rule, stats) in program.rules.iter().zip(&p.stats) {
                    if stats.fired > 0 {
                        continue;
                    }
                    let group = rule.group.and_then(|g| program.groups.get(g));
                    match group {
                        Some(g) if g.first && stats.evaluated == 0 && !stats.skipped_by.is_empty() => {
                            never_reached.push(Unreached {
                                rule: rule.name.to_string(),
                                group: g.name.to_string(),
                                fired_instead: stats.skipped_by.iter().cloned().collect(),
                            });
                        }
                        _ => never_fired.push(rule.name.to_string()),
                    }
                }
                let rows_never_hit = p
                    .tables
                    .iter()
                    .zip(&p.row_hits)
                    .filter_map(|(t, hits)| {
                        let missed: Vec<usize> =
                            hits.iter().enumerate().filter(|(_, hit)| !**hit).map(|(r, _)| r + 1).collect();
                        (!missed.is_empty()).then(|| (t.name.clone(), missed))
                    })
                    .collect();
                let bins_never_hit = unhit_bins(program, &p.bins_hit);
                Some(PolicyCoverage {
                    policy: p.path.clone(),
                    records: p.records,
                    never_fired,
                    never_reached,
                    not_run: p.not_run.clone(),
                    rows_never_hit,
                    bins_never_hit,
                })
            })
            .collect()
    }

    /// The policy at `path`, loaded on first use; `None` (with a diagnostic) when it does not compile.
    fn policy(
        &mut self,
        path: &Path,
        span: Span,
        r: &mut Reader<'_>,
        sources: &mut SourceMap,
    ) -> Option<(usize, Arc<Program>)> {
        let key = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
        if let Some(&index) = self.by_path.get(&key) {
            let program = self.policies.get(index).and_then(|p| p.program.clone());
            if program.is_none() {
                r.error(
                    codes::TEST_POLICY,
                    span,
                    format!("the policy `{}` does not compile (its errors are reported above)", path.display()),
                );
            }
            return program.map(|p| (index, p));
        }
        let mut files = Vec::new();
        let program = match crate::load_policy(path) {
            Ok(loaded) => {
                files = loaded.sources.files().iter().map(|f| f.path.clone()).collect();
                Some(loaded.program)
            }
            Err(e) if e.sources.get(path).is_none() => {
                // The policy file itself could not be read: point at the line naming it.
                let first = e.diagnostics.first();
                let why = first.map_or_else(String::new, |d| d.message.clone());
                match first.and_then(|d| d.help.clone()) {
                    Some(help) => r.error_help(codes::TEST_FILE, span, why, help),
                    None => r.error(codes::TEST_FILE, span, why),
                }
                None
            }
            Err(e) => {
                for f in e.sources.files() {
                    sources.add(&f.path, f.text.clone());
                }
                r.diags.extend(e.diagnostics);
                None
            }
        };
        let rules = program.as_ref().map_or(0, |p| p.rules.len());
        let index = self.policies.len();
        let tables = program.as_deref().map(crate::eval::tables).unwrap_or_default();
        let row_hits = tables.iter().map(|t| vec![false; t.table.row_count()]).collect();
        self.policies.push(PolicyRun {
            tables,
            row_hits,
            path: path.to_path_buf(),
            files,
            program: program.clone(),
            stats: vec![RuleStats::default(); rules],
            records: 0,
            not_run: Vec::new(),
            bins_hit: std::collections::HashSet::new(),
        });
        self.by_path.insert(key, index);
        program.map(|p| (index, p))
    }

    /// Decides one snapshot, recording coverage when asked to. A golden
    /// file's records are compared with what `verdict eval` writes, so
    /// `words` says whose terms a snapshot without a date is refused in.
    fn decide(
        &mut self,
        index: usize,
        program: &Program,
        item: &ReadItem,
        as_of: Option<Date>,
        words: Words,
    ) -> Outputs {
        let snapshot = match item {
            Ok(s) => s,
            Err(e) => return Err(e.clone().into()),
        };
        // Said here in the test file's terms: the evaluator's own message names `--as-of`, which `test` has not.
        if snapshot.as_of.is_none() && as_of.is_none() && words == Words::TestFile {
            return Err(ErrorRecord {
                id: Some(snapshot.id.clone()),
                kind: ErrorKind::Snapshot,
                message: NO_TEST_AS_OF.into(),
            });
        }
        if !self.options.coverage {
            return evaluate(program, snapshot, EvalOptions { default_as_of: as_of, ..EvalOptions::default() });
        }
        let (record, trace) = evaluate_traced(program, snapshot, as_of);
        // An error record is no decision: the rules that fired before the
        // failure decided nothing, and count as neither fired nor reached.
        if record.is_err() {
            if let Some(p) = self.policies.get_mut(index) {
                p.records += 1;
            }
            return record;
        }
        if let Some(p) = self.policies.get_mut(index) {
            p.record(&trace);
            // Only the tables the decision needed: a row of one it never computed was not tested.
            for taken in &trace.tables {
                let Some(at) = p.tables.iter().position(|t| t.table.span == taken.at) else { continue };
                let hit = p.row_hits.get_mut(at).and_then(|hits| hits.get_mut(taken.row.checked_sub(1)?));
                if let Some(hit) = hit {
                    *hit = true;
                }
            }
        }
        record
    }

    /// Decides the golden test's portfolio and compares (or writes) its golden file.
    fn golden(
        &mut self,
        index: usize,
        program: &Program,
        spec: &file::GoldenSpec,
        test_file: &Path,
        as_of: Option<Date>,
        sources: &mut SourceMap,
    ) -> Result<CaseResult, Box<Diagnostic>> {
        let items = read_snapshot_file(&spec.snapshots, &program.schema)
            .map_err(|why| Box::new(Diagnostic::error(codes::TEST_FILE, test_file, spec.snapshots_span, why)))?;
        // A golden test over no snapshot compares nothing and could never fail.
        if items.is_empty() {
            let why = format!("`{}` holds no snapshot: a golden test over it tests nothing", spec.snapshots.display());
            return Err(Box::new(
                Diagnostic::error(codes::TEST_MISSING, test_file, spec.snapshots_span, why)
                    .with_help("name a portfolio with one or more snapshots"),
            ));
        }
        let lines: Vec<String> = items
            .iter()
            .map(|item| {
                let record = self.decide(index, program, item, as_of, Words::Eval);
                serde_json::to_string(&RecordView { record: &record, program }).unwrap_or_default()
            })
            .collect();
        golden::check_golden(spec, test_file, &lines, self.options.accept, sources)
    }
}

impl PolicyRun {
    fn record(&mut self, trace: &Trace) {
        self.records += 1;
        for card in &trace.scorecards {
            for (c, got) in card.characteristics.iter().enumerate() {
                self.bins_hit.insert((card.scorecard, c, got.bin));
            }
        }
        for rt in &trace.rules {
            let Some(stats) = self.stats.get_mut(rt.index) else {
                continue;
            };
            match &rt.status {
                RuleStatus::Fired => {
                    stats.fired += 1;
                    stats.evaluated += 1;
                }
                RuleStatus::NotMatched => stats.evaluated += 1,
                RuleStatus::Skipped { by, .. } => {
                    stats.skipped_by.insert(by.to_string());
                }
                RuleStatus::NotInEffect(_) => {}
            }
        }
    }
}

/// Every bin of every scorecard that is not in `hit`, in declaration order.
fn unhit_bins(program: &Program, hit: &std::collections::HashSet<(usize, usize, usize)>) -> Vec<UnhitBin> {
    let mut out = Vec::new();
    for (i, def) in program.lets.iter().enumerate() {
        let crate::ir::TKind::Scorecard(card) = &def.value.kind else { continue };
        for (c, characteristic) in card.characteristics.iter().enumerate() {
            for (b, bin) in characteristic.bins.iter().enumerate() {
                if !hit.contains(&(i, c, b)) {
                    out.push(UnhitBin {
                        scorecard: def.name.clone(),
                        code: characteristic.code.to_string(),
                        bin: b + 1,
                        points: crate::value::format_decimal(bin.points),
                    });
                }
            }
        }
    }
    out
}

/// The test file's own diagnostics by position (those of other files, such as the policy, after them).
fn in_file_order(mut diags: Vec<Diagnostic>, test_file: &Path) -> Vec<Diagnostic> {
    // A stable sort: the policy's own diagnostics keep the order the loader gave them.
    diags.sort_by_key(|d| if d.file == test_file { (false, d.span.start) } else { (true, 0) });
    diags
}

/// A case's snapshot, read (a snapshot that does not fit the schema is an
/// error record the case may expect); `None` with a diagnostic when its file is unusable.
fn case_snapshot(case: &CaseSpec, schema: &Arc<Schema>, r: &mut Reader<'_>) -> Option<ReadItem> {
    match &case.snapshot {
        SnapshotSource::Inline(node) => Some(snapshot_from_yaml(node, schema)),
        SnapshotSource::File { path, span, id } => {
            let items = match read_snapshot_file(path, schema) {
                Ok(items) => items,
                Err(why) => {
                    r.error(codes::TEST_FILE, *span, why);
                    return None;
                }
            };
            let item_id = |item: &ReadItem| match item {
                Ok(s) => Some(s.id.to_string()),
                Err(e) => e.id.as_ref().map(ToString::to_string),
            };
            match id {
                Some((wanted, id_span)) => {
                    let mut matching = items.iter().filter(|item| item_id(item).as_deref() == Some(wanted.as_str()));
                    let found = matching.next();
                    let others = matching.count();
                    if others > 0 {
                        // Which of them the case meant is not written anywhere: never guessed.
                        let message =
                            format!("{} snapshots in `{}` have the id `{wanted}`", others + 1, path.display());
                        let help = "give the case a file (or an inline `snapshot:`) where the id is one account's";
                        r.error_help(codes::TEST_FILE, *id_span, message, help);
                        return None;
                    }
                    if found.is_none() {
                        let ids: Vec<String> = items.iter().filter_map(item_id).collect();
                        let help = did_you_mean(wanted, ids.iter().map(String::as_str))
                            .unwrap_or_else(|| format!("`{}` has {} snapshots", path.display(), items.len()));
                        let message = format!("no snapshot with id `{wanted}` in `{}`", path.display());
                        r.error_help(codes::TEST_FILE, *id_span, message, help);
                    }
                    found.cloned()
                }
                None if items.len() == 1 => items.into_iter().next(),
                None => {
                    let message = format!("`{}` has {} snapshots, not one", path.display(), items.len());
                    r.error_help(codes::TEST_FILE, *span, message, "pick one with `snapshot_id: ID`");
                    None
                }
            }
        }
    }
}

/// Reads every snapshot of a file, its format told by its extension.
///
/// # Errors
///
/// A message when the file cannot be read at all or its format is unknown; a
/// snapshot that does not fit the schema is an error item, not an error.
pub fn read_snapshot_file(path: &Path, schema: &Arc<Schema>) -> Result<Vec<ReadItem>, String> {
    let format = Format::of_file(path).map_err(|e| e.to_string())?;
    let mut reader = open_snapshot_file(path, format, schema.clone(), ReadLimits::default())
        .and_then(crate::snapshot::SnapshotReader::refusing_header_faults)
        .map_err(|e| format!("cannot read `{}`: {}", path.display(), opening_error(&e)))?;
    let items: Vec<ReadItem> = reader.by_ref().collect();
    match reader.take_error() {
        Some(e) => Err(format!("cannot read `{}`: {e}", path.display())),
        None => Ok(items),
    }
}

/// Every test file under `paths`: folders are searched recursively (skipping
/// hidden ones) for `*.test.yaml`, in sorted order; a file named directly is
/// run whatever its name. Each file appears once.
///
/// # Errors
///
/// A message naming a path that does not exist or cannot be listed.
pub fn discover(paths: &[PathBuf]) -> Result<Vec<PathBuf>, String> {
    let found = crate::walk::find_files(paths, ".test.yaml").map_err(|e| e.to_string())?;
    Ok(found.iter().map(|path| normalize(path)).collect())
}

/// The test files under each of `paths`, in order, each once; a path that
/// cannot be read (or listed) is there as its error, so that the others
/// still run and every report, in any format, says what was not.
pub fn discover_each(paths: &[PathBuf]) -> Vec<Result<PathBuf, (PathBuf, String)>> {
    let mut out = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for path in paths {
        match discover(std::slice::from_ref(path)) {
            Ok(found) => {
                let new =
                    found.into_iter().filter(|f| seen.insert(std::fs::canonicalize(f).unwrap_or_else(|_| f.clone())));
                out.extend(new.map(Ok));
            }
            // Named twice, said once.
            Err(message) if seen.insert(path.clone()) => out.push(Err((path.clone(), message))),
            Err(_) => {}
        }
    }
    out
}

/// Where a text opens as a policy does (`policy "…"` on its first line that
/// is not blank or a comment): the span of that line.
fn policy_declared(text: &str) -> Option<Span> {
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let trimmed = line.trim();
        if !trimmed.is_empty() && !trimmed.starts_with('#') {
            let start = offset + (line.len() - line.trim_start().len());
            return trimmed.starts_with("policy \"").then(|| Span::new(start, start + trimmed.len()));
        }
        offset += line.len();
    }
    None
}
