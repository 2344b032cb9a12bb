//! `verdict diff OLD NEW [SNAPSHOTS...]`: the impact of a policy change over a portfolio.
//!
//! Exit codes: 0 the run completed (a difference is not a failure); 1 when a
//! snapshot failed under either version (the report counts and lists it, but
//! that account's impact is unknown), or with `--fail-on-change` when any
//! decision differs; 2 a policy does not compile,
//! the schemas cannot be paired, an input (or the `--performance` file) cannot
//! be read or is also an output, or the command line is wrong; 3 a guard of the new policy is
//! breached over the run; 4 an output cannot be written (141 quietly when its
//! reader went away); 5 a hook call ran past the wall-clock backstop (then no
//! report is written). When several apply, the largest wins.

use super::files::{
    output_failed, policy_files, refuse_clashes, refuse_not_ours, refuse_stdin_twice, standard_output, OutputFile,
};
use super::render::{read_error, render_all, stderr_color};
use super::Exit;
use std::io::Write;
use std::path::{Path, PathBuf};
use verdict::diff::{ChangedAccount, DiffOptions, DiffReport, DiffRun, Differ, Performance, ReportMeta};
use verdict::eval::EvalOptions;
use verdict::outfile::Prepared;
use verdict::snapshot::Format;
use verdict::LoadedPolicy;

/// Arguments of `verdict diff`.
#[derive(clap::Args)]
#[command(after_help = super::examples_and_exit_codes("  verdict diff policies/lifecycle.policy policies/lifecycle-v2.policy policies/portfolio.jsonl\n  verdict diff old.policy new.policy book.jsonl --html impact.html --fail-on-change\n  verdict diff old.policy new.policy book.jsonl --performance outcomes.csv --html impact.html", &[
    (0, "the run completed: differences are the report, not a failure"),
    (1, "a snapshot failed under either version, or --fail-on-change and a decision differs"),
    (2, "a policy does not compile, the schemas cannot be paired, an input cannot be read or is also an output, the book holds no snapshot, or the command line is wrong"),
    (3, "a guard of the new version was breached"),
    (5, "a hook call of either version ran past the wall-clock backstop: no report is written"),
]))]
pub struct DiffArgs {
    /// The policy in force.
    old: PathBuf,
    /// The proposed policy.
    new: PathBuf,
    /// Snapshot files (`-` or none: standard input, JSON Lines unless --input-format says otherwise).
    snapshots: Vec<PathBuf>,
    /// Report format on standard output.
    #[arg(long, default_value = "text")]
    format: super::ReportFormat,
    /// Also write the report as one self-contained HTML page to FILE.
    #[arg(long, value_name = "FILE", value_parser = super::file_beside_the_report)]
    html: Option<PathBuf>,
    /// Write every changed account to FILE as JSON Lines (the report lists only the first --top).
    #[arg(long, value_name = "FILE", value_parser = super::file_beside_the_report)]
    changed: Option<PathBuf>,
    /// Changed accounts listed in the JSON and HTML reports.
    #[arg(long, value_name = "N", default_value_t = 200)]
    top: usize,
    /// The money field holding an account's current credit limit [default: credit_limit, if the schema has it].
    #[arg(long, value_name = "NAME")]
    limit_field: Option<String>,
    /// Realised outcomes per account (`id`, and `bad` and/or `loss`; CSV or JSON Lines by the
    /// name), joined to the swap-set matrix: bad rate and loss per cell, swap set and arm.
    #[arg(long, value_name = "FILE")]
    performance: Option<PathBuf>,
    /// Exit with 1 when any decision differs (for review pipelines).
    #[arg(long)]
    fail_on_change: bool,
    /// Format of the snapshots when it cannot be told from the file name (stdin).
    #[arg(long)]
    input_format: Option<Format>,
    /// The snapshots' date when they have no `as_of` (YYYY-MM-DD).
    #[arg(long, value_name = "DATE", value_parser = super::as_of_date)]
    as_of: Option<verdict::value::Date>,
    /// Worker threads, at most 1024 (default, or 0: one per core).
    #[arg(long, short = 'j', value_name = "N", value_parser = super::jobs)]
    jobs: Option<usize>,
    #[command(flatten)]
    limits: super::LimitArgs,
    /// Milliseconds one hook call may run before it fails the run (for tests; default a minute).
    #[arg(long, value_name = "MS", hide = true)]
    hook_backstop_ms: Option<u64>,
}

/// Runs the diff and reports it; see the module doc for the exit codes.
pub fn run(args: DiffArgs) -> Exit {
    // One run a process: after a call meets its backstop, the rest give up at once.
    verdict::hooks::give_up_after_a_timeout();
    match diff(&args) {
        Ok(exit) | Err(exit) => exit,
    }
}

/// The diff from loading to the report; `Err` is an exit before the report.
fn diff(args: &DiffArgs) -> Result<Exit, Exit> {
    let (old, new) = load_both(args)?;
    if refuses_its_outputs(args, [&old.sources, &new.sources]) {
        return Err(Exit::Invalid);
    }
    let options = DiffOptions {
        eval: EvalOptions {
            default_as_of: args.as_of,
            hook_backstop: super::hook_backstop(args.hook_backstop_ms),
            ..EvalOptions::default()
        },
        limit_field: args.limit_field.clone(),
        keep: args.top,
        limits: args.limits.limits(),
    };
    let differ = Differ::new((&args.old, &old), (&args.new, &new), options).map_err(|e| {
        eprintln!("error[{}]: {e}", e.code());
        Exit::Invalid
    })?;
    let pool = rayon::ThreadPoolBuilder::new().num_threads(args.jobs.unwrap_or(0)).build().map_err(|e| {
        eprintln!("error: cannot start worker threads: {e}");
        Exit::Invalid
    })?;
    let performance = args.performance.as_deref().map(read_performance).transpose()?;
    let inputs = if args.snapshots.is_empty() { vec![PathBuf::from("-")] } else { args.snapshots.clone() };

    // Written whole or not at all: replaced only once the diff has completed.
    let mut changed_out = match args.changed.as_deref().map(OutputFile::create) {
        None => None,
        Some(Ok(w)) => Some(w),
        Some(Err(e)) => return Err(output_failed(&e)),
    };
    let mut sink = |account: &ChangedAccount| -> std::io::Result<()> {
        if let Some(w) = &mut changed_out {
            serde_json::to_writer(&mut *w, account)?;
            w.write_all(b"\n")?;
        }
        Ok(())
    };
    let mut run = differ.run();
    if let Some(performance) = performance {
        run = run.with_performance(performance);
    }
    for input in &inputs {
        feed(&differ, &mut run, input, args.input_format, &pool, &mut sink)?;
    }
    refuse_timeouts(run.timeouts(), args)?;
    refuse_empty(run.records(), &inputs)?;
    let changed = changed_out.map(OutputFile::prepare).transpose().map_err(|e| output_failed(&e))?;
    let any_change = run.any_change();
    let meta = ReportMeta { generated: now(), inputs: inputs.iter().map(|p| p.display().to_string()).collect() };
    let report = run.finish(meta);
    write_report(args, &report, changed)?;
    Ok(exit_for(args, any_change, &report))
}

/// Both policies, or their diagnostics reported.
fn load_both(args: &DiffArgs) -> Result<(LoadedPolicy, LoadedPolicy), Exit> {
    match (verdict::load_policy(&args.old), verdict::load_policy(&args.new)) {
        (Ok(o), Ok(n)) => Ok((o, n)),
        (o, n) => {
            for e in [o.err(), n.err()].into_iter().flatten() {
                eprint!("{}", render_all(&e.diagnostics, &e.sources, stderr_color()));
            }
            Err(Exit::Invalid)
        }
    }
}

/// The `--performance` file, or its error reported.
fn read_performance(path: &Path) -> Result<Performance, Exit> {
    Performance::read(path).map_err(|e| {
        eprintln!("error[{}]: {}", e.code(), verdict::terminal::escape(&e.to_string()));
        if let Some(help) = e.help() {
            eprintln!("  help: {}", verdict::terminal::escape(&help));
        }
        Exit::Invalid
    })
}

/// Reads one input's snapshot pairs into the run; an input that cannot be
/// read whole stops the diff (the report would cover part of the book).
fn feed(
    differ: &Differ,
    run: &mut DiffRun<'_>,
    input: &Path,
    input_format: Option<Format>,
    pool: &rayon::ThreadPool,
    sink: &mut dyn FnMut(&ChangedAccount) -> std::io::Result<()>,
) -> Result<(), Exit> {
    let (reader, format) = super::files::open_snapshots(input, input_format).map_err(|message| {
        eprintln!("error: {message}");
        Exit::Invalid
    })?;
    let name = input.display().to_string();
    let mut pairs = match differ.read(reader, format) {
        Ok(p) => p.named(&name),
        Err(e) => {
            eprintln!("error[{}]: `{}`: {e}", e.code(), input.display());
            return Err(Exit::Invalid);
        }
    };
    run.feed(&name, &mut pairs, Some(pool), sink).map_err(|e| output_failed(&e))?;
    if let Some(e) = pairs.take_error() {
        eprint!("{}", read_error(&name, &e));
        return Err(Exit::Invalid);
    }
    Ok(())
}

/// Refuses a diff in which hook calls ran past the backstop: those accounts'
/// decisions depend on the machine's speed, so the diff is not whole.
fn refuse_timeouts(timeouts: u64, args: &DiffArgs) -> Result<(), Exit> {
    if timeouts == 0 {
        return Ok(());
    }
    eprintln!(
        "error: a hook call ran past the wall-clock backstop of {} s, and {timeouts} decision{} not made (the \
         calls after it are given up): the diff is incomplete, and no report or changed accounts are written",
        super::hook_backstop(args.hook_backstop_ms).as_secs_f64(),
        if timeouts == 1 { " is" } else { "s are" }
    );
    Err(Exit::HookTimeout)
}

/// Refuses a diff over a book without a single snapshot: its report would
/// read "no change" and pass `--fail-on-change` and every guard, when an
/// extract that came out empty is what happened (`stability` refuses one too).
fn refuse_empty(records: u64, inputs: &[PathBuf]) -> Result<(), Exit> {
    if records > 0 {
        return Ok(());
    }
    let names: Vec<String> = inputs.iter().map(|p| format!("`{}`", p.display())).collect();
    eprintln!(
        "error: {} {} no snapshots: a diff measures a change over accounts, so nothing was compared, and no \
         report or changed accounts are written",
        names.join(", "),
        if names.len() == 1 { "holds" } else { "hold" }
    );
    Err(Exit::Invalid)
}

/// Writes the report to standard output (text or JSON) and, if asked, as
/// HTML. The files (the changed accounts, prepared, and the HTML) replace
/// theirs together before the report is printed: a failure or an interrupt
/// before leaves both as they were and prints nothing.
fn write_report(args: &DiffArgs, report: &DiffReport, changed: Option<Prepared>) -> Result<(), Exit> {
    let text = if args.format == super::ReportFormat::Json {
        match serde_json::to_string_pretty(report) {
            Ok(mut t) => {
                t.push('\n');
                t
            }
            Err(e) => {
                eprintln!("error: cannot write the report: {e}");
                return Err(Exit::Invalid);
            }
        }
    } else {
        verdict::diff::render_text(report)
    };
    let html = args.html.as_deref().map(|path| -> std::io::Result<Prepared> {
        let mut file = OutputFile::create(path)?;
        file.write_all(verdict::diff::render_html(report).as_bytes())?;
        file.prepare()
    });
    let html = html.transpose().map_err(|e| output_failed(&e))?;
    verdict::outfile::commit_together(changed.into_iter().chain(html).collect()).map_err(|e| output_failed(&e))?;
    super::files::print(&text).map_err(|e| output_failed(&e))
}

/// The exit code of a completed diff: `--fail-on-change` and the new policy's guards.
fn exit_for(args: &DiffArgs, any_change: bool, report: &DiffReport) -> Exit {
    let mut exit = Exit::Ok;
    let failed = report.failed();
    if failed > 0 {
        eprintln!("verdict diff: {failed} snapshot(s) failed under one version or both; their impact is unknown");
        exit = exit.max(Exit::Failures);
    }
    if args.fail_on_change && any_change {
        eprintln!("verdict diff: {} decision(s) differ (--fail-on-change)", report.changed);
        exit = exit.max(Exit::Failures);
    }
    for g in report.guards.iter().filter(|g| g.breached) {
        eprintln!(
            "guard breached: `guard {}` of the new policy: {} `{}` (bound {})",
            g.guard,
            super::eval::guard_share(g.count, g.decided),
            g.outcome,
            g.bound
        );
        exit = exit.max(Exit::Guard);
    }
    exit
}

/// Names, and refuses, an output that is also an input or the other output,
/// and standard input named twice.
fn refuses_its_outputs(args: &DiffArgs, policies: [&verdict::diagnostic::SourceMap; 2]) -> bool {
    let mut outputs = vec![standard_output()];
    outputs.extend(args.html.as_deref().map(|p| ("--html", p)));
    outputs.extend(args.changed.as_deref().map(|p| ("--changed", p)));
    let mut inputs: Vec<_> = policies.into_iter().flat_map(policy_files).collect();
    inputs.extend(args.snapshots.iter().map(|p| ("a snapshot file", p.as_path())));
    inputs.extend(args.performance.as_deref().map(|p| ("the performance file", p)));
    if args.snapshots.is_empty() {
        inputs.push((verdict::stream::STANDARD_INPUT, Path::new("-")));
    }
    // A file that clashes is named once, not again as not ours.
    (refuse_stdin_twice(&args.snapshots) | refuse_clashes(&outputs, &inputs)) || refuse_not_ours(&outputs)
}

/// Now, in UTC to the second, as RFC 3339 (`2026-12-06T06:20:00Z`) so that a
/// consumer of the JSON report parses it with any date library
/// (`SOURCE_DATE_EPOCH`, when set, for reproducible reports).
fn now() -> String {
    let secs =
        std::env::var("SOURCE_DATE_EPOCH").ok().and_then(|s| s.trim().parse::<i64>().ok()).unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| i64::try_from(d.as_secs()).unwrap_or(0))
                .unwrap_or(0)
        });
    chrono::DateTime::from_timestamp(secs, 0).map_or_else(String::new, |t| t.format("%Y-%m-%dT%H:%M:%SZ").to_string())
}
