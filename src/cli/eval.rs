//! `verdict eval POLICY [SNAPSHOTS...]`: one decision per snapshot, in input order.

use super::render::{render_all, stderr_color};
use super::Exit;
use rayon::prelude::*;
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use verdict::compile::Program;
use verdict::eval::{evaluate, EvalOptions, Outputs};
use verdict::output::{OutputFormat, RecordWriter};
use verdict::snapshot::{read_snapshots, Format};
use verdict::value::parse_date;

/// Snapshots evaluated together; bounds memory whatever the portfolio's size.
const CHUNK: usize = 4096;

/// Arguments of `verdict eval`.
#[derive(clap::Args)]
pub struct EvalArgs {
    /// The policy file.
    policy: PathBuf,
    /// Snapshot files (`-` or none: standard input, JSON Lines unless --input-format says otherwise).
    snapshots: Vec<PathBuf>,
    /// Output format.
    #[arg(long, default_value = "jsonl", value_parser = ["jsonl", "json", "yaml", "csv", "table"])]
    format: String,
    /// Format of the snapshots when it cannot be told from the file name (stdin).
    #[arg(long, value_parser = ["json", "jsonl", "ndjson", "yaml", "csv"])]
    input_format: Option<String>,
    /// Add each rule's evaluation (matched or not, the value of each condition) to its decision.
    #[arg(long)]
    trace: bool,
    /// The snapshots' date when they have no `as_of` (YYYY-MM-DD).
    #[arg(long, value_name = "DATE")]
    as_of: Option<String>,
    /// Worker threads (default: all cores).
    #[arg(long, value_name = "N")]
    jobs: Option<usize>,
    /// Write decisions to FILE instead of standard output (replaced only once the run completes).
    #[arg(long, short, value_name = "FILE")]
    output: Option<PathBuf>,
}

/// What a run counted, for guards and the summary.
#[derive(Default)]
struct Tally {
    records: usize,
    decided: usize,
    errors: usize,
    by_outcome: std::collections::BTreeMap<verdict::ir::Outcome, usize>,
}

pub fn run(args: EvalArgs) -> Exit {
    let loaded = match verdict::load_policy(&args.policy) {
        Ok(l) => l,
        Err(e) => {
            eprint!("{}", render_all(&e.diagnostics, &e.sources, stderr_color()));
            return Exit::Invalid;
        }
    };
    let default_as_of = match args.as_of.as_deref().map(|s| (s, parse_date(s))) {
        Some((s, None)) => {
            eprintln!("error: --as-of `{s}` is not a YYYY-MM-DD date");
            return Exit::Invalid;
        }
        Some((_, d)) => d,
        None => None,
    };
    let format = match args.format.as_str() {
        "json" => OutputFormat::Json,
        "yaml" => OutputFormat::Yaml,
        "csv" => OutputFormat::Csv,
        "table" => OutputFormat::Table,
        _ => OutputFormat::Jsonl,
    };
    let pool = match rayon::ThreadPoolBuilder::new().num_threads(args.jobs.unwrap_or(0)).build() {
        Ok(p) => p,
        Err(e) => {
            eprintln!("error: cannot start worker threads: {e}");
            return Exit::Invalid;
        }
    };
    let options = EvalOptions { default_as_of, trace: args.trace };
    let program = &loaded.program;
    let inputs = if args.snapshots.is_empty() { vec![PathBuf::from("-")] } else { args.snapshots.clone() };

    let result = with_output(args.output.as_deref(), |out| {
        let mut writer = RecordWriter::new(out, format);
        let mut tally = Tally::default();
        let mut exit = Exit::Ok;
        for input in &inputs {
            let code =
                decide_input(input, args.input_format.as_deref(), program, options, &pool, &mut writer, &mut tally)?;
            exit = exit.max(code);
        }
        writer.finish()?;
        Ok((exit, tally))
    });
    let (mut exit, tally) = match result {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: {e}");
            return Exit::Failures;
        }
    };
    if tally.errors > 0 {
        exit = exit.max(Exit::Failures);
    }
    eprintln!("{}", summary_line(&tally));
    if guards_breached(program, &tally) {
        exit = exit.max(Exit::Guard);
    }
    exit
}

/// Runs `body` with standard output, or with a temporary file renamed over `path` only on success.
fn with_output<T>(path: Option<&Path>, body: impl FnOnce(&mut dyn Write) -> std::io::Result<T>) -> std::io::Result<T> {
    match path {
        None => {
            let stdout = std::io::stdout();
            let mut lock = std::io::BufWriter::with_capacity(1 << 16, stdout.lock());
            body(&mut lock)
        }
        Some(path) => {
            let tmp = temp_path(path);
            let file = std::fs::File::create(&tmp)
                .map_err(|e| std::io::Error::new(e.kind(), format!("cannot create `{}`: {e}", tmp.display())))?;
            let mut w = std::io::BufWriter::with_capacity(1 << 16, file);
            let result = body(&mut w).and_then(|r| {
                w.flush()?;
                w.get_ref().sync_all()?;
                Ok(r)
            });
            drop(w);
            match result {
                Ok(r) => {
                    std::fs::rename(&tmp, path).map_err(|e| {
                        std::io::Error::new(e.kind(), format!("cannot write `{}`: {e}", path.display()))
                    })?;
                    Ok(r)
                }
                Err(e) => {
                    let _ = std::fs::remove_file(&tmp);
                    Err(e)
                }
            }
        }
    }
}

fn temp_path(path: &Path) -> PathBuf {
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| "decisions".into());
    path.with_file_name(format!(".{name}.{}.partial", std::process::id()))
}

fn decide_input(
    input: &Path,
    input_format: Option<&str>,
    program: &Program,
    options: EvalOptions,
    pool: &rayon::ThreadPool,
    writer: &mut RecordWriter<&mut dyn Write>,
    tally: &mut Tally,
) -> std::io::Result<Exit> {
    let is_stdin = input.as_os_str() == "-";
    let format = match input_format.and_then(Format::from_name) {
        Some(f) => f,
        None if is_stdin => Format::Jsonl,
        None => match Format::from_path(input) {
            Some(f) => f,
            None => {
                eprintln!("error: cannot tell the format of `{}` from its name; use --input-format", input.display());
                return Ok(Exit::Invalid);
            }
        },
    };
    let reader: Box<dyn BufRead + Send> = if is_stdin {
        Box::new(BufReader::new(std::io::stdin()))
    } else {
        match std::fs::File::open(input) {
            Ok(f) => Box::new(BufReader::with_capacity(1 << 16, f)),
            Err(e) => {
                eprintln!("error: cannot read `{}`: {e}", input.display());
                return Ok(Exit::Invalid);
            }
        }
    };
    let snapshots = match read_snapshots(reader, format, program.schema.clone()) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("error: `{}`: {e}", input.display());
            return Ok(Exit::Invalid);
        }
    };
    let mut chunk = Vec::with_capacity(CHUNK);
    let mut snapshots = snapshots.peekable();
    while snapshots.peek().is_some() {
        chunk.clear();
        chunk.extend(snapshots.by_ref().take(CHUNK));
        let decided: Vec<Outputs> = pool.install(|| {
            chunk
                .par_iter()
                .map(|item| match item {
                    Ok(snapshot) => evaluate(program, snapshot, options),
                    Err(e) => Err(e.clone().into()),
                })
                .collect()
        });
        for record in &decided {
            tally.records += 1;
            match record {
                Ok(d) => {
                    tally.decided += 1;
                    *tally.by_outcome.entry(d.outcome).or_default() += 1;
                }
                Err(_) => tally.errors += 1,
            }
            writer.write(record, program)?;
        }
    }
    Ok(Exit::Ok)
}

fn summary_line(t: &Tally) -> String {
    let outcomes: Vec<String> = verdict::ir::Outcome::ALL
        .iter()
        .filter_map(|o| t.by_outcome.get(o).map(|n| format!("{} {n}", o.name())))
        .collect();
    format!(
        "verdict: {} snapshot{}: {} decided ({}), {} error{}",
        t.records,
        if t.records == 1 { "" } else { "s" },
        t.decided,
        if outcomes.is_empty() { "none".into() } else { outcomes.join(", ") },
        t.errors,
        if t.errors == 1 { "" } else { "s" },
    )
}

/// Reports every breached guard on stderr; true when any was breached.
fn guards_breached(program: &Program, t: &Tally) -> bool {
    let mut breached = false;
    for guard in &program.guards {
        let count = t.by_outcome.get(&guard.outcome).copied().unwrap_or(0);
        let (over, bound_text) = verdict::eval::guard_check(guard, count, t.decided);
        if over {
            breached = true;
            eprintln!(
                "guard breached: `guard {}`: {count} of {} decisions are `{}` (bound {bound_text})",
                guard.text,
                t.decided,
                guard.outcome.name()
            );
        }
    }
    breached
}
