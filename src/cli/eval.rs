//! `verdict eval POLICY [SNAPSHOTS...]`: one decision per snapshot, in input order.

use super::files::{
    output_failed, policy_files, refuse_binary_on_terminal, refuse_clashes, refuse_not_ours, refuse_stdin_twice,
    standard_output, OutputFile,
};
use super::render::{read_error, render_all, stderr_color};
use super::Exit;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::{BufRead, BufReader, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::time::Instant;
use verdict::compile::Program;
use verdict::eval::{ErrorKind, EvalOptions};
use verdict::outfile::Prepared;
use verdict::output::OutputFormat;
use verdict::snapshot::Format;
use verdict::stream::STANDARD_INPUT;
use verdict::stream::{evaluate_stream, Progress, RuleCount, RunReport, Source, StreamOptions, Summary, DEFAULT_CHUNK};
use verdict::terminal::counted;

/// Arguments of `verdict eval`.
#[derive(clap::Args)]
#[command(after_help = super::examples_and_exit_codes("  verdict eval policies/lifecycle.policy policies/portfolio.jsonl --format table\n  verdict eval policy.policy book.jsonl -j 2 -o decisions.jsonl --summary run.json\n  cat book.jsonl | verdict eval policy.policy --trace -q", &[
    (0, "success: every snapshot decided"),
    (1, "some snapshots failed (each has its error record)"),
    (2, "the policy (or schema, hook, batch) does not compile, an input cannot be read or is also an output, or the command line is wrong"),
    (3, "a guard was breached"),
    (5, "a hook call ran past the wall-clock backstop (a minute): the run is not whole"),
]))]
pub struct EvalArgs {
    /// The policy file.
    policy: PathBuf,
    /// Snapshot files (`-` or none: standard input, JSON Lines unless --input-format says otherwise).
    snapshots: Vec<PathBuf>,
    /// Output format.
    #[arg(long, default_value = "jsonl")]
    format: OutputFormat,
    /// Format of the snapshots when it cannot be told from the file name (stdin).
    #[arg(long)]
    input_format: Option<Format>,
    /// Add each rule's evaluation (matched or not, the value of each condition) to its decision.
    #[arg(long)]
    trace: bool,
    /// The snapshots' date when they have no `as_of` (YYYY-MM-DD).
    #[arg(long, value_name = "DATE", value_parser = super::as_of_date)]
    as_of: Option<verdict::value::Date>,
    /// Worker threads, at most 1024 (default, or 0: one per core).
    #[arg(long, short = 'j', value_name = "N", value_parser = super::jobs)]
    jobs: Option<usize>,
    /// Write decisions to FILE instead of standard output (replaced only once the run completes; `-` is standard output).
    #[arg(long, short, value_name = "FILE", value_parser = super::output_path)]
    output: Option<super::OutputPath>,
    /// Also write the run's summary (counts per outcome, rule, error kind; guards) to FILE as JSON
    /// (`-` is standard output, when the decisions go to a file).
    #[arg(long, value_name = "FILE", value_parser = super::output_path)]
    summary: Option<super::OutputPath>,
    #[command(flatten)]
    limits: super::LimitArgs,
    /// Snapshots per unit of parallel work (for tests and tuning).
    #[arg(long, value_name = "N", hide = true)]
    chunk: Option<usize>,
    /// Milliseconds one hook call may run before it fails the run (for tests; default a minute).
    #[arg(long, value_name = "MS", hide = true)]
    hook_backstop_ms: Option<u64>,
}

pub fn run(args: EvalArgs) -> Exit {
    let started = Instant::now();
    // One run a process: after a call meets its backstop, the rest give up at once.
    verdict::hooks::give_up_after_a_timeout();
    let loaded = match verdict::load_policy(&args.policy) {
        Ok(l) => l,
        Err(e) => {
            eprint!("{}", render_all(&e.diagnostics, &e.sources, stderr_color()));
            return Exit::Invalid;
        }
    };
    if refuses_its_outputs(&args, &loaded.sources) {
        return Exit::Invalid;
    }
    let to_stdout = args.output.as_ref().and_then(super::OutputPath::file).is_none();
    if args.format == OutputFormat::Parquet && refuse_binary_on_terminal("Parquet", to_stdout) {
        return Exit::Invalid;
    }
    if let Some(path) = args.output.as_ref().and_then(super::OutputPath::file) {
        warn_if_named_parquet(path, args.format);
    }
    warn_if_trace_dropped(args.trace, args.format);
    let default_as_of = args.as_of;
    let format = args.format;
    let options = StreamOptions {
        eval: EvalOptions {
            default_as_of,
            trace: args.trace,
            hook_backstop: super::hook_backstop(args.hook_backstop_ms),
            ..EvalOptions::default()
        },
        output: format,
        jobs: args.jobs.unwrap_or(0),
        chunk: args.chunk.unwrap_or(DEFAULT_CHUNK),
        limits: args.limits.limits(),
    };
    let program = &loaded.program;
    // Opened before any snapshot is read, as the decisions' file is: a
    // summary that cannot be written (read-only, no such folder) stops the
    // run at once rather than after the decisions replaced their file.
    let mut summary_file = match args.summary.as_ref().and_then(super::OutputPath::file).map(OutputFile::create) {
        Some(Ok(file)) => Some(file),
        Some(Err(e)) => return output_failed(&e),
        None => None,
    };
    let inputs = if args.snapshots.is_empty() { vec![PathBuf::from("-")] } else { args.snapshots.clone() };
    let (sources, size, mut exit) = open_sources(&inputs, args.input_format);
    let unopened = inputs.len() - sources.len();

    // Decisions written to the terminal the bar is drawn on would be glued to
    // its redraws: no bar then (the records are the progress).
    let bar = if to_stdout && std::io::stdout().is_terminal() { None } else { progress_bar(size) };
    // A run that could not read all its inputs, or whose hook calls met the
    // backstop, is not the book's decisions: the output file is then left as it was.
    let all_opened = exit == Exit::Ok;
    let timeouts = |report: &RunReport| report.tally.errors_of(ErrorKind::Timeout);
    let complete = |report: &RunReport| all_opened && report.input_errors.is_empty() && timeouts(report) == 0;
    let report = with_output_if(
        args.output.as_ref().and_then(super::OutputPath::file),
        |out| {
            let (report, _) = evaluate_stream(program, sources, out, &options, |p| {
                if let Some(bar) = &bar {
                    show_progress(bar, p, size, started);
                }
            })?;
            Ok(report)
        },
        complete,
        // Written and synced before either file is replaced, then renamed
        // after the decisions with no interrupt between: an error (a full
        // disk) or an interrupt before leaves both as they were; only a
        // failing rename of the summary (its folder removed) leaves it
        // behind the decisions.
        |report, complete| match summary_file.take() {
            Some(file) => write_summary(file, program, report, started, complete),
            None => Ok(None),
        },
    );
    if let Some(bar) = &bar {
        bar.finish_and_clear();
    }
    let report = match report {
        Ok(r) => r,
        Err(e) => return exit.max(output_failed(&e)),
    };
    let timed_out = timeouts(&report);
    exit = exit.max(report_incomplete(&report, timed_out, options.eval.hook_backstop));
    if !complete(&report) {
        let outputs = [args.output.as_ref(), args.summary.as_ref()];
        for path in outputs.into_iter().flatten().filter_map(super::OutputPath::file) {
            not_written(path, timed_out);
        }
    }
    let summary = summarize(program, &report, started, args.summary.as_ref());
    // Every snapshot carried its own `as_of`, which comes first: a
    // back-dated run ("what would we have decided on ...") decided nothing
    // as of the date it names.
    if let Some(default) = args.as_of.filter(|_| report.tally.decided > 0 && report.tally.undated == 0) {
        if !super::render::quiet() {
            eprintln!(
                "note: --as-of {default} dated no snapshot: each carries its own `as_of`, which comes first; to \
                 decide as of {default}, drop `as_of` from the snapshots"
            );
        }
    }
    // The counts and guards above look like a run's; they are only what was read.
    let n = report.input_errors.len() + unopened;
    if n > 0 && !super::render::quiet() {
        eprintln!(
            "note: the run is incomplete ({} could not be read): the counts and guards above cover only the \
             snapshots that were read",
            counted(n, "input")
        );
    }
    exit.max(summary)
}

/// Reports inputs that could not be read or held nothing, and hook calls
/// that met the backstop; the exit code they call for.
fn report_incomplete(report: &RunReport, timed_out: u64, backstop: std::time::Duration) -> Exit {
    let mut exit = Exit::Ok;
    for e in &report.input_errors {
        eprint!("{}", read_error(&e.name, &e.error));
        exit = exit.max(Exit::Invalid);
    }
    // Every row under such a header is an error record already; the fault is
    // said once here, with its help, and fails the run as those records do
    // (also a header with no row under it).
    for e in &report.header_faults {
        eprint!("{}", read_error(&e.name, &e.error));
        exit = exit.max(Exit::Failures);
    }
    // A warning: `--quiet` keeps standard error to errors and breached guards.
    for name in report.empty_inputs.iter().filter(|_| !super::render::quiet()) {
        let name = super::files::quoted_input_name(name);
        eprintln!("warning: {name} holds no snapshots; nothing was decided from it");
    }
    for (name, near) in report.near_misses.iter().filter(|_| !super::render::quiet()) {
        eprintln!(
            "warning: {}: {}",
            super::files::quoted_input_name(name),
            verdict::terminal::escape(&near.to_string())
        );
    }
    for name in report.unterminated_inputs.iter().filter(|_| !super::render::quiet()) {
        let name = super::files::quoted_input_name(name);
        eprintln!(
            "warning: the last line of {name} has no line end: if the file was cut off, its last snapshot was \
             decided on what was left of it"
        );
    }
    if timed_out > 0 {
        eprintln!(
            "error: a hook call ran past the wall-clock backstop of {} s, and {timed_out} account{} not decided \
             (the calls after it are given up): the run is incomplete, as meeting the backstop depends on the machine",
            backstop.as_secs_f64(),
            if timed_out == 1 { " is" } else { "s are" }
        );
        exit = exit.max(Exit::HookTimeout);
    }
    exit
}

/// A decisions file named `.parquet` that `--format` writes as text: every
/// reader that trusts the name fails on it. The run writes what was asked
/// (the default format is JSON Lines, as the contract says), and says so.
fn warn_if_named_parquet(path: &std::path::Path, format: OutputFormat) {
    let named_parquet = path.extension().is_some_and(|e| e.eq_ignore_ascii_case("parquet"));
    if named_parquet && format != OutputFormat::Parquet {
        let written =
            clap::ValueEnum::to_possible_value(&format).map_or_else(String::new, |v| v.get_name().to_string());
        eprintln!(
            "warning: `{}` is named .parquet but the decisions are written as {written}; add --format parquet to write Parquet",
            path.display()
        );
    }
}

/// `--trace` asked for what a row of CSV, a table or Parquet has no place
/// for: said, rather than the trace silently left out.
fn warn_if_trace_dropped(trace: bool, format: OutputFormat) {
    if trace && matches!(format, OutputFormat::Csv | OutputFormat::Table | OutputFormat::Parquet) {
        let written =
            clap::ValueEnum::to_possible_value(&format).map_or_else(String::new, |v| v.get_name().to_string());
        eprintln!(
            "warning: --trace is not written in --format {written}; the trace is in --format jsonl, json or yaml, \
             and `verdict explain` shows one account's"
        );
    }
}

/// Says why `--output` did not get the run, and what became of the file.
fn not_written(path: &Path, timed_out: u64) {
    let why = if timed_out > 0 { "a hook call ran past the backstop" } else { "some input could not be read" };
    if verdict::outfile::replaces(path) {
        eprintln!("error: `{}` was not written, as {why}; a previous file is unchanged", path.display());
    } else {
        eprintln!("error: `{}` got an incomplete run, as {why} (it is written through, not replaced)", path.display());
    }
}

/// Prints the run's summary (and writes it to `--summary -`; a file was
/// written with the decisions); the exit code its errors and guards call for.
fn summarize(program: &Program, report: &RunReport, started: Instant, summary_to: Option<&super::OutputPath>) -> Exit {
    let mut exit = Exit::Ok;
    let summary = Summary::new(program, &report.tally).timed(started.elapsed().as_secs_f64());
    if summary.errors.total > 0 {
        exit = exit.max(Exit::Failures);
    }
    if !super::render::quiet() {
        eprint!("{}", render_summary(&summary, std::io::stderr().is_terminal()));
    } else {
        // Quiet runs keep what a pipeline must not miss: a breached guard, alone.
        eprint!("{}", render_breaches(&summary));
    }
    if summary.breached() {
        exit = exit.max(Exit::Guard);
    }
    // A summary file was written with the decisions (see `write_summary`).
    if let Some(super::OutputPath::Stdout) = summary_to {
        let written = with_output(None, |out| summary_json(out, &summary));
        if let Err(e) = written {
            exit = exit.max(output_failed(&e));
        }
    }
    exit
}

/// The `--summary` file of a run, replacing what it held only when the run
/// is `complete` (as the decisions' file is).
fn write_summary(
    mut file: OutputFile,
    program: &Program,
    report: &RunReport,
    started: Instant,
    complete: bool,
) -> std::io::Result<Option<Prepared>> {
    let summary = Summary::new(program, &report.tally).timed(started.elapsed().as_secs_f64());
    summary_json(&mut file, &summary)?;
    if complete {
        return file.prepare().map(Some);
    }
    Ok(None)
}

fn summary_json(out: &mut dyn Write, summary: &Summary) -> std::io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, summary).map_err(std::io::Error::other)?;
    out.write_all(b"\n")
}

/// Names, and refuses, an output that is also an input or the other output,
/// and standard input named twice.
fn refuses_its_outputs(args: &EvalArgs, policy: &verdict::diagnostic::SourceMap) -> bool {
    let mut outputs = vec![match args.output.as_ref().and_then(super::OutputPath::file) {
        Some(path) => ("--output", path),
        None => standard_output(),
    }];
    let summary_to_stdout = matches!(args.summary, Some(super::OutputPath::Stdout));
    let decisions_to_stdout = args.output.as_ref().and_then(super::OutputPath::file).is_none();
    if summary_to_stdout && decisions_to_stdout {
        // One stream cannot be both JSON Lines and a JSON document.
        eprintln!("error: --summary - and the decisions would both go to standard output; write one of them to a file");
        return true;
    }
    outputs.extend(args.summary.as_ref().and_then(super::OutputPath::file).map(|p| ("--summary", p)));
    let mut inputs = policy_files(policy);
    inputs.extend(args.snapshots.iter().map(|p| ("a snapshot file", p.as_path())));
    if args.snapshots.is_empty() {
        inputs.push((STANDARD_INPUT, Path::new("-")));
    }
    // A file that clashes is named once, not again as not ours.
    (refuse_stdin_twice(&args.snapshots) | refuse_clashes(&outputs, &inputs)) || refuse_not_ours(&outputs)
}

/// Opens every input (a failure is reported and skipped), with their total
/// size when every input is a regular file.
fn open_sources(inputs: &[PathBuf], input_format: Option<Format>) -> (Vec<Source>, Option<u64>, Exit) {
    let mut sources = Vec::new();
    let mut size = Some(0u64);
    let mut exit = Exit::Ok;
    for input in inputs {
        let is_stdin = input.as_os_str() == "-";
        let format = match super::files::input_format(input, input_format) {
            Ok(f) => f,
            Err(e) => {
                eprintln!("error: {e}");
                exit = Exit::Invalid;
                continue;
            }
        };
        let mut file = None;
        if let Some(closed) = is_stdin.then(super::files::stdin_closed).flatten() {
            eprintln!("error: {closed}");
            exit = Exit::Invalid;
            continue;
        }
        let mut reader: Box<dyn BufRead + Send> = if is_stdin {
            size = None;
            Box::new(BufReader::with_capacity(1 << 16, std::io::stdin()))
        } else {
            match verdict::snapshot::open_input_file(input) {
                Ok(f) => {
                    let len = f.metadata().ok().filter(|m| m.is_file()).map(|m| m.len());
                    size = size.zip(len).map(|(a, b)| a + b);
                    if format == Format::Parquet && len.is_some() {
                        file = Some(f);
                        Box::new(std::io::empty())
                    } else {
                        Box::new(BufReader::with_capacity(1 << 16, f))
                    }
                }
                Err(e) => {
                    let error = verdict::snapshot::ReadError::Io(e);
                    eprint!("{}", super::render::read_error(&input.display().to_string(), &error));
                    exit = Exit::Invalid;
                    continue;
                }
            }
        };
        // UTF-16 (Excel's "Unicode text", PowerShell 5's `>`) read as UTF-8
        // would make every line an error record: the input is refused whole.
        if let Some(encoding) = reader.fill_buf().ok().and_then(verdict::diagnostic::utf16_by_its_mark) {
            let error = verdict::snapshot::ReadError::Utf16 { encoding };
            eprint!("{}", super::render::read_error(&input.display().to_string(), &error));
            exit = Exit::Invalid;
            continue;
        }
        sources.push(Source { name: input.display().to_string(), input: reader, format, file });
    }
    (sources, size, exit)
}

/// A progress bar on stderr when it is a terminal; `None` otherwise (silent).
fn progress_bar(size: Option<u64>) -> Option<ProgressBar> {
    if !std::io::stderr().is_terminal() || super::render::quiet() {
        return None;
    }
    let bar = match size {
        Some(len) => {
            let bar = ProgressBar::new(len);
            let style = ProgressStyle::with_template(
                "{spinner} {elapsed_precise} [{wide_bar}] {percent:>3}%  {msg}  ETA {eta}",
            )
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .progress_chars("=> ");
            bar.set_style(style);
            bar
        }
        None => {
            let bar = ProgressBar::new_spinner();
            let style = ProgressStyle::with_template("{spinner} {elapsed_precise}  {msg}")
                .unwrap_or_else(|_| ProgressStyle::default_spinner());
            bar.set_style(style);
            bar
        }
    };
    bar.set_draw_target(ProgressDrawTarget::stderr());
    Some(bar)
}

fn show_progress(bar: &ProgressBar, p: Progress, size: Option<u64>, started: Instant) {
    let seconds = started.elapsed().as_secs_f64();
    let rate = if seconds > 0.0 { p.records as f64 / seconds } else { 0.0 };
    if size.is_some() {
        bar.set_position(p.bytes);
    } else {
        bar.tick();
    }
    bar.set_message(format!("{} accounts, {}/s", thousands(p.records), thousands(rate as u64)));
}

/// `1234567` → `1,234,567`.
fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// Rules listed by name in the human summary; the rest are counted (all are in `--summary`).
const FIRED_SHOWN: usize = 20;

/// One line per breached guard.
fn render_breaches(s: &Summary) -> String {
    s.guards.iter().filter(|g| g.breached).map(|g| guard_line(g, s.decided)).collect()
}

/// A guard's line: `  guard …: ok` when it held, `guard breached: …` when not.
fn guard_line(g: &verdict::stream::GuardReport, decided: u64) -> String {
    let share = guard_share(g.count, decided);
    if g.breached {
        format!("guard breached: `guard {}`: {share} `{}` (bound {})\n", g.guard, g.outcome, g.bound)
    } else {
        format!("  guard `{}`: {share} `{}` (bound {}): ok\n", g.guard, g.outcome, g.bound)
    }
}

/// The summary for people: the classic first line, then errors, fires and guards.
fn render_summary(s: &Summary, timed: bool) -> String {
    let by_name = |o: &verdict::stream::OutcomeCounts| -> Vec<String> {
        o.pairs().iter().filter(|(_, n)| *n > 0).map(|(name, n)| format!("{name} {n}")).collect()
    };
    let outcomes = by_name(&s.outcomes);
    // Nothing decided reads "0 decided", not "0 decided (none)", which reads as the outcome `none`.
    let by_outcome = if outcomes.is_empty() { String::new() } else { format!(" ({})", outcomes.join(", ")) };
    let mut out = format!(
        "verdict: {}: {} decided{by_outcome}, {}\n",
        counted(s.accounts, "snapshot"),
        s.decided,
        counted(s.errors.total, "error"),
    );
    if s.errors.total > 0 {
        let e = &s.errors;
        let kinds: Vec<String> = [("snapshot", e.snapshot), ("eval", e.eval), ("hook", e.hook), ("timeout", e.timeout)]
            .iter()
            .filter(|(_, n)| *n > 0)
            .map(|(k, n)| format!("{k} {n}"))
            .collect();
        out.push_str(&format!("  errors: {}\n", kinds.join(", ")));
    }
    let mut fired: Vec<&RuleCount> = s.fired.iter().filter(|r| r.count > 0).collect();
    if !fired.is_empty() {
        let more = fired.len().saturating_sub(FIRED_SHOWN);
        if more > 0 {
            // Keep the most-fired rules, shown in evaluation order.
            let mut by_count: Vec<(usize, &RuleCount)> = fired.iter().copied().enumerate().collect();
            by_count.sort_by(|(i, a), (j, b)| b.count.cmp(&a.count).then(i.cmp(j)));
            let mut keep: Vec<(usize, &RuleCount)> = by_count.into_iter().take(FIRED_SHOWN).collect();
            keep.sort_unstable_by_key(|(i, _)| *i);
            fired = keep.into_iter().map(|(_, r)| r).collect();
        }
        let list: Vec<String> =
            fired.iter().map(|r| format!("{} {}", verdict::terminal::escape(&r.rule), r.count)).collect();
        let rest = if more > 0 { format!(", and {}", counted(more, "more rule")) } else { String::new() };
        out.push_str(&format!("  fired: {}{rest}\n", list.join(", ")));
    }
    for split in &s.arms {
        let arms: Vec<String> = split
            .arms
            .iter()
            .map(|a| {
                let mut outcomes = by_name(&a.outcomes);
                if a.errors > 0 {
                    outcomes.push(counted(a.errors, "error").to_string());
                }
                let detail = if outcomes.is_empty() { String::new() } else { format!(" ({})", outcomes.join(", ")) };
                format!("{} {}{detail}", verdict::terminal::escape(&a.arm), a.decided + a.errors)
            })
            .collect();
        out.push_str(&format!(
            "  arms of {}: {}
",
            verdict::terminal::escape(&split.split),
            arms.join("; ")
        ));
    }
    for g in s.guards.iter().filter(|g| !g.breached) {
        out.push_str(&guard_line(g, s.decided));
    }
    out.push_str(&render_breaches(s));
    if timed {
        if let (Some(secs), Some(rate)) = (s.seconds, s.accounts_per_second) {
            out.push_str(&format!("  time: {secs:.2} s, {} accounts/s\n", thousands(rate as u64)));
        }
    }
    out
}

/// Runs `body` with standard output, or with a file that replaces `path` only on success.
pub(super) fn with_output<T>(
    path: Option<&Path>,
    body: impl FnOnce(&mut dyn Write) -> std::io::Result<T>,
) -> std::io::Result<T> {
    with_output_if(path, body, |_| true, |_, _| Ok(None))
}

/// As [`with_output`], but the file replaces `path` only if `complete` says
/// the result is whole; otherwise the temporary file is removed. `beside`
/// writes a second output from the result (told whether it is whole) and
/// hands it back prepared: it is renamed after the first, with no
/// interrupt between them.
pub(super) fn with_output_if<T>(
    path: Option<&Path>,
    body: impl FnOnce(&mut dyn Write) -> std::io::Result<T>,
    complete: impl FnOnce(&T) -> bool,
    beside: impl FnOnce(&T, bool) -> std::io::Result<Option<Prepared>>,
) -> std::io::Result<T> {
    let (result, first) = match path {
        None => {
            let mut out = super::files::stdout()?;
            let result = body(&mut out)?;
            out.flush()?;
            (result, None)
        }
        Some(path) => {
            let mut file = OutputFile::create(path)?;
            super::files::note_left_beside(path);
            (body(&mut file)?, Some(file))
        }
    };
    let whole = complete(&result);
    let second = beside(&result, whole)?;
    if whole {
        let first = first.map(OutputFile::prepare).transpose()?;
        verdict::outfile::commit_together(first.into_iter().chain(second).collect())?;
    }
    Ok(result)
}

/// How many of the decisions a guard counted, as a sentence's subject and
/// verb: "1 of 3 decisions is", "2 of 3 decisions are", "1 of 1 decision is".
pub(super) fn guard_share(count: u64, decided: u64) -> String {
    let noun = if decided == 1 && count == 1 { "decision" } else { "decisions" };
    let verb = if count == 1 { "is" } else { "are" };
    format!("{count} of {decided} {noun} {verb}")
}

#[cfg(test)]
mod tests {
    use super::guard_share;

    #[test]
    fn a_guards_share_agrees_with_its_count() {
        assert_eq!(guard_share(1, 3), "1 of 3 decisions is");
        assert_eq!(guard_share(2, 3), "2 of 3 decisions are");
        assert_eq!(guard_share(0, 1), "0 of 1 decisions are");
        assert_eq!(guard_share(1, 1), "1 of 1 decision is");
        assert_eq!(guard_share(0, 0), "0 of 0 decisions are");
    }
}
