//! `verdict test [PATHS...]`: run decision tests (`*.test.yaml`, spec §7).
//!
//! Prints each test file, one `PASS name` / `FAIL name` line per case with the
//! differences under a failure, the coverage when asked, and last the line
//! `N passed, N failed` that CI tooling reads. Problems with a test file or
//! its policy go to stderr as diagnostics.

use super::render::{render_all, stderr_color};
use super::Exit;
use std::borrow::Cow;
use std::path::PathBuf;
use verdict::terminal::{counted, escape};
use verdict::testing::{
    discover_each, AccountChange, CaseResult, Failure, FileReport, Mismatch, PolicyCoverage, Runner, Shown, TestOptions,
};

/// Writes to stdout; a failure (a closed pipe, a full disk) ends the output
/// and is reported at the end ([`super::files::stdout_failure`]), not in a panic.
/// A formatted line is escaped for the terminal whole (case names, ids and
/// values are data); `raw` text is several lines, its data escaped as it is built.
macro_rules! say {
    (raw $text:expr) => {{
        super::files::print_or_remember(&$text);
    }};
    ($($arg:tt)*) => {{
        let text = format!($($arg)*);
        let line = escape(&text);
        super::files::print_or_remember(&format!("{line}\n"));
    }};
}

/// Lists longer than this are shown one item per line.
const LIST_WIDTH: usize = 80;

/// Arguments of `verdict test`.
#[derive(clap::Args)]
#[command(after_help = super::examples_and_exit_codes("  verdict test policies/\n  verdict test --coverage policies/tests/lifecycle.test.yaml", &[
    (0, "every case passed"),
    (1, "a case failed"),
    (2, "a test file or its policy is invalid, a path does not exist, no test file was found, or the command line is wrong"),
]))]
pub struct TestArgs {
    /// Test files, or folders searched recursively for `*.test.yaml` (default: the current folder).
    paths: Vec<PathBuf>,
    /// List, per policy, the rules no case fired and the `first`-group rules never reached.
    #[arg(long)]
    coverage: bool,
    /// Write golden files from the current decisions instead of comparing with them.
    #[arg(long)]
    accept: bool,
    /// How results are written to standard output.
    #[arg(long, value_name = "FORMAT", default_value = "text")]
    format: TestFormat,
}

pub fn run(args: TestArgs) -> Exit {
    let paths = if args.paths.is_empty() { vec![PathBuf::from(".")] } else { args.paths };
    let found = discover_each(&paths);
    let files: Vec<PathBuf> = found.iter().filter_map(|f| f.as_ref().ok().cloned()).collect();
    let mut exit = Exit::Ok;
    if found.is_empty() {
        let names: Vec<String> = paths.iter().map(|p| format!("`{}`", verdict::terminal::shown_path(p))).collect();
        eprintln!("error: no `*.test.yaml` file under {}", names.join(", "));
        exit = Exit::Invalid;
    }
    let mut runner = Runner::new(TestOptions { accept: args.accept, coverage: args.coverage });
    runner.run_over(&files);
    let mut counts = Counts::default();
    let mut reports = Vec::new();
    for item in &found {
        let report = match item {
            Ok(path) => runner.run_file(path),
            Err((path, message)) => FileReport::unreadable(path, message.clone()),
        };
        exit = exit.max(counts.add(&report));
        match args.format {
            TestFormat::Text => say_file(&report),
            TestFormat::Json | TestFormat::Junit => reports.push(report),
        }
    }
    let coverage = if args.coverage { runner.coverage() } else { Vec::new() };
    match args.format {
        TestFormat::Text => {
            for c in &coverage {
                say!(raw coverage_text(c));
            }
            say!("{} passed, {} failed", counts.passed, counts.failed);
        }
        TestFormat::Json => say!(raw super::test_report::json(&reports, &coverage, counts.passed, counts.failed)),
        TestFormat::Junit => say!(raw super::test_report::junit(&reports)),
    }
    exit.max(super::files::stdout_failure())
}

/// `--format` of `verdict test`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum TestFormat {
    /// PASS/FAIL lines for a terminal, the differences under each failure.
    Text,
    /// One JSON document: every file, case, failure and diagnostic.
    Json,
    /// JUnit XML, which CI systems show as they show code tests.
    Junit,
}

/// Cases passed and failed so far.
#[derive(Default)]
struct Counts {
    passed: usize,
    failed: usize,
}

impl Counts {
    /// Counts one file's cases; the exit code the file calls for.
    fn add(&mut self, report: &FileReport) -> Exit {
        let failed = report.cases.iter().filter(|c| matches!(c.result, CaseResult::Failed(_))).count();
        self.failed += failed;
        self.passed += report.cases.len() - failed;
        let mut exit = if failed > 0 { Exit::Failures } else { Exit::Ok };
        if !report.is_valid() {
            exit = exit.max(Exit::Invalid);
        }
        // A golden file `--accept` could not write is an output lost, as
        // for every other command, not a test file in error.
        if report.diagnostics.iter().any(|d| d.code == verdict::diagnostic::codes::TEST_GOLDEN_WRITE) {
            exit = exit.max(Exit::Output);
        }
        exit
    }
}

/// One file's results as text: its name, its problems, a line per case.
fn say_file(report: &FileReport) {
    say!("{}", verdict::terminal::shown_path(&report.path));
    if !report.diagnostics.is_empty() {
        eprint!("{}", render_all(&report.diagnostics, &report.sources, stderr_color()));
    }
    if !report.is_valid() {
        let errors = report.diagnostics.iter().filter(|d| d.is_error()).count();
        let ran = if report.cases.is_empty() { "not run: " } else { "" };
        say!("  {ran}{} in the test file, its policy or a file it names", counted(errors, "error"));
    }
    for case in &report.cases {
        match &case.result {
            CaseResult::Passed { .. } if super::render::quiet() => {}
            CaseResult::Passed { note: Some(note) } => say!("  PASS {} ({note})", case.name),
            CaseResult::Passed { note: None } => say!("  PASS {}", case.name),
            CaseResult::Failed(failure) => {
                say!("  FAIL {} (line {})", case.name, case.line);
                say!(raw failure_text(failure));
            }
        }
    }
}

/// A failure as indented text (its data escaped for a terminal).
pub(super) fn failure_text(failure: &Failure) -> String {
    let mut out = String::new();
    match failure {
        Failure::Fields(mismatches) => {
            for m in mismatches {
                mismatch_text(m, "      ", &mut out);
            }
        }
        Failure::GoldenMissing { path } => {
            out.push_str(&format!(
                "      the golden file `{}` does not exist yet: run `verdict test --accept` to write it\n",
                verdict::terminal::shown_path(path)
            ));
        }
        Failure::Golden(accounts) => {
            for a in accounts {
                match &a.change {
                    AccountChange::Changed(fields) => {
                        out.push_str(&format!("      {} changed\n", escape(&a.account)));
                        for m in fields {
                            mismatch_text(m, "        ", &mut out);
                        }
                    }
                    AccountChange::Added(what) => {
                        let (account, what) = (escape(&a.account), escape(what));
                        out.push_str(&format!("      {account} is new (not in the golden file): {what}\n"))
                    }
                    AccountChange::Removed(what) => out.push_str(&format!(
                        "      {} is gone (in the golden file, not in the portfolio): {}\n",
                        escape(&a.account),
                        escape(what)
                    )),
                }
            }
            out.push_str(&format!(
                "      {} {} from the golden file; review, then run `verdict test --accept` to record {}\n",
                accounts.len(),
                if accounts.len() == 1 { "account differs" } else { "accounts differ" },
                if accounts.len() == 1 { "it" } else { "them" },
            ));
        }
    }
    out
}

/// The first difference of a failure on one line (`reasons: expected [S01,
/// S04], got [S04]`, `A-1: outcome: expected close, got none`): what a CI
/// server lists for a failed case (JUnit's `message`).
pub(super) fn first_difference(failure: &Failure) -> String {
    let one_line = |m: &Mismatch| {
        let shown = |s: &Shown| match s {
            Shown::One(v) => escape(v).into_owned(),
            Shown::List(items) => format!("[{}]", items.iter().map(|i| escape(i)).collect::<Vec<_>>().join(", ")),
        };
        format!("{}: expected {}, got {}", escape(&m.field), shown(&m.expected), shown(&m.actual))
    };
    match failure {
        Failure::Fields(mismatches) => mismatches.first().map(one_line).unwrap_or_default(),
        Failure::Golden(accounts) => {
            let Some(a) = accounts.first() else { return String::new() };
            let account = escape(&a.account);
            match &a.change {
                AccountChange::Changed(fields) => {
                    format!("{account}: {}", fields.first().map(one_line).unwrap_or_else(|| "changed".into()))
                }
                AccountChange::Added(_) => format!("{account} is new (not in the golden file)"),
                AccountChange::Removed(_) => format!("{account} is gone (in the golden file, not in the portfolio)"),
            }
        }
        Failure::GoldenMissing { .. } => failure_text(failure).trim().to_string(),
    }
}

/// `field: expected X, got Y`, or both lists under the field's name.
fn mismatch_text(m: &Mismatch, indent: &str, out: &mut String) {
    match (&m.expected, &m.actual) {
        (Shown::One(e), Shown::One(a)) => {
            out.push_str(&format!("{indent}{}: expected {}, got {}\n", escape(&m.field), escape(e), escape(a)));
        }
        (e, a) => {
            out.push_str(&format!("{indent}{}:\n", escape(&m.field)));
            shown_text("expected:", e, &format!("{indent}  "), out);
            shown_text("got:     ", a, &format!("{indent}  "), out);
        }
    }
}

fn shown_text(label: &str, shown: &Shown, indent: &str, out: &mut String) {
    match shown {
        Shown::One(v) => out.push_str(&format!("{indent}{label} {}\n", escape(v))),
        Shown::List(items) => {
            let items: Vec<Cow<'_, str>> = items.iter().map(|item| escape(item)).collect();
            let inline = format!("[{}]", items.join(", "));
            if indent.len() + label.len() + 1 + inline.len() <= LIST_WIDTH {
                out.push_str(&format!("{indent}{label} {inline}\n"));
            } else {
                out.push_str(&format!("{indent}{}\n", label.trim_end()));
                for item in &items {
                    out.push_str(&format!("{indent}  - {item}\n"));
                }
            }
        }
    }
}

fn coverage_text(c: &PolicyCoverage) -> String {
    let policy = escape(&c.policy.display().to_string()).into_owned();
    let mut out = format!("coverage of {policy} ({} evaluated)\n", counted(c.records, "record"));
    for file in &c.not_run {
        out.push_str(&format!(
            "  {} did not run (an error in the file): its cases are not counted\n",
            escape(&file.display().to_string())
        ));
    }
    if c.records == 0 && !c.not_run.is_empty() {
        out.push_str("  no record was decided, so nothing is known of its rules\n");
        return out;
    }
    if c.never_fired.is_empty() && c.never_reached.is_empty() {
        out.push_str("  every rule fired at least once\n");
    }
    if !c.rows_never_hit.is_empty() {
        out.push_str("  table rows no record matched:\n");
        for (table, rows) in &c.rows_never_hit {
            let rows = rows.iter().map(usize::to_string).collect::<Vec<_>>().join(", ");
            out.push_str(&format!("    {}: row{} {rows}\n", escape(table), if rows.contains(',') { "s" } else { "" }));
        }
    }
    if !c.never_fired.is_empty() {
        out.push_str("  never fired:\n");
        for rule in &c.never_fired {
            out.push_str(&format!("    {}\n", escape(rule)));
        }
    }
    if !c.never_reached.is_empty() {
        out.push_str("  never reached (an earlier rule of its `first` group always fired):\n");
        for u in &c.never_reached {
            out.push_str(&format!(
                "    {} (group \"{}\"; fired instead: {})\n",
                escape(&u.rule),
                escape(&u.group),
                escape(&u.fired_instead.join(", "))
            ));
        }
    }
    if !c.bins_never_hit.is_empty() {
        out.push_str("  scorecard bins no record fell in:\n");
        for b in &c.bins_never_hit {
            out.push_str(&format!(
                "    {} {} bin {} ({} points)\n",
                escape(&b.scorecard),
                escape(&b.code),
                b.bin,
                b.points
            ));
        }
    }
    out
}
