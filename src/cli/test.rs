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
use verdict::terminal::escape;
use verdict::testing::{
    discover, AccountChange, CaseResult, Failure, Mismatch, PolicyCoverage, Runner, Shown, TestOptions,
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
pub struct TestArgs {
    /// Test files, or folders searched recursively for `*.test.yaml` (default: the current folder).
    paths: Vec<PathBuf>,
    /// List, per policy, the rules no case fired and the `first`-group rules never reached.
    #[arg(long)]
    coverage: bool,
    /// Write golden files from the current decisions instead of comparing with them.
    #[arg(long)]
    accept: bool,
}

pub fn run(args: TestArgs) -> Exit {
    let paths = if args.paths.is_empty() { vec![PathBuf::from(".")] } else { args.paths };
    let files = match discover(&paths) {
        Ok(files) => files,
        Err(e) => {
            eprintln!("error: {e}");
            return Exit::Invalid;
        }
    };
    let mut exit = Exit::Ok;
    if files.is_empty() {
        let names: Vec<String> = paths.iter().map(|p| format!("`{}`", p.display())).collect();
        eprintln!("error: no `*.test.yaml` file under {}", names.join(", "));
        exit = Exit::Invalid;
    }
    let mut runner = Runner::new(TestOptions { accept: args.accept, coverage: args.coverage });
    let (mut passed, mut failed) = (0usize, 0usize);
    for path in &files {
        let report = runner.run_file(path);
        say!("{}", report.path.display());
        if !report.diagnostics.is_empty() {
            eprint!("{}", render_all(&report.diagnostics, &report.sources, stderr_color()));
        }
        if !report.is_valid() {
            let errors = report.diagnostics.iter().filter(|d| d.is_error()).count();
            let ran = if report.cases.is_empty() { "not run: " } else { "" };
            say!("  {ran}{errors} error{} in the test file, its policy or a file it names", plural(errors));
            exit = exit.max(Exit::Invalid);
        }
        for case in &report.cases {
            match &case.result {
                CaseResult::Passed { note } => {
                    passed += 1;
                    match note {
                        Some(note) => say!("  PASS {} ({note})", case.name),
                        None => say!("  PASS {}", case.name),
                    }
                }
                CaseResult::Failed(failure) => {
                    failed += 1;
                    exit = exit.max(Exit::Failures);
                    say!("  FAIL {} (line {})", case.name, case.line);
                    say!(raw failure_text(failure));
                }
            }
        }
    }
    if args.coverage {
        for c in runner.coverage() {
            say!(raw coverage_text(&c));
        }
    }
    say!("{passed} passed, {failed} failed");
    exit.max(super::files::stdout_failure())
}

fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

fn failure_text(failure: &Failure) -> String {
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
                path.display()
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
    let mut out = format!("coverage of {policy} ({} record{} evaluated)\n", c.records, plural(c.records));
    if c.never_fired.is_empty() && c.never_reached.is_empty() && c.bins_never_hit.is_empty() {
        out.push_str("  every rule fired at least once\n");
        return out;
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
