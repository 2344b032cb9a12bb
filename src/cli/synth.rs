//! `verdict synth SCHEMA --count N --seed S`: a generated portfolio (JSON Lines or Parquet).

use super::eval::with_output;
use super::files::{output_failed, refuse_binary_on_terminal, refuse_clashes};
use super::render::{render_all, stderr_color};
use super::Exit;
use std::path::PathBuf;
use verdict::snapshot::Format;
use verdict::synth::{write_portfolio, write_portfolio_parquet, SynthOptions};
use verdict::value::parse_date;

/// The default `as_of`: fixed, so that a seed alone names a portfolio (no clock involved).
const DEFAULT_AS_OF: &str = "2026-11-01";

/// Arguments of `verdict synth`.
#[derive(clap::Args)]
#[command(after_help = super::examples_and_exit_codes("  verdict synth policies/account.schema.yaml -n 1000000 --seed 7 -o book.jsonl", &[
    (0, "the book was written"),
    (2, "the schema cannot be read, or the command line is wrong"),
]))]
pub struct SynthArgs {
    /// The snapshot schema (YAML).
    schema: PathBuf,
    /// How many snapshots to write.
    #[arg(long, short = 'n', value_name = "N")]
    count: u64,
    /// Seed of the generator: the same seed gives the same portfolio.
    #[arg(long, default_value_t = 1, value_name = "S")]
    seed: u64,
    /// The snapshots' date (YYYY-MM-DD); generated dates fall before it.
    #[arg(long, value_name = "DATE", default_value = DEFAULT_AS_OF)]
    as_of: String,
    /// Write to FILE instead of standard output (a new file: an existing book is never written over; `-` is standard output).
    #[arg(long, short, value_name = "FILE", value_parser = super::output_path)]
    output: Option<super::OutputPath>,
    /// The book's format: JSON Lines, or a Parquet file (columns as `eval` reads them).
    /// [default: as the output's name says (`.parquet`, `.pq`), else jsonl]
    #[arg(long)]
    format: Option<BookFormat>,
}

/// What `synth` writes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
enum BookFormat {
    /// One JSON object per line.
    Jsonl,
    /// Apache Parquet.
    Parquet,
}

pub fn run(args: SynthArgs) -> Exit {
    let schema = match verdict::load::load_schema_file(&args.schema) {
        Ok(s) => s,
        Err(e) => {
            eprint!("{}", render_all(&e.diagnostics, &e.sources, stderr_color()));
            return Exit::Invalid;
        }
    };
    let Some(as_of) = parse_date(&args.as_of) else {
        eprintln!("error: --as-of `{}` is {}", args.as_of, verdict::value::not_a_date(&args.as_of));
        return Exit::Invalid;
    };
    let output = args.output.as_ref().and_then(super::OutputPath::file);
    if let Some(output) = output {
        if refuse_clashes(&[("--output", output)], &[("the schema", &args.schema)]) || refuse_existing_book(output) {
            return Exit::Invalid;
        }
    }
    let format = args.format.unwrap_or_else(|| named_format(output));
    if format == BookFormat::Parquet && refuse_binary_on_terminal("Parquet", output.is_none()) {
        return Exit::Invalid;
    }
    if let Some(output) = output {
        warn_if_read_otherwise(output, format);
    }
    let options = SynthOptions { count: args.count, seed: args.seed, as_of };
    let written = with_output(output, |out| match format {
        BookFormat::Jsonl => write_portfolio(&schema, &options, out),
        BookFormat::Parquet => write_portfolio_parquet(&schema, &options, out),
    });
    match written {
        Ok(()) => Exit::Ok,
        Err(e) => output_failed(&e),
    }
}

/// The format an output's name asks for: Parquet for a `.parquet` file, as
/// every command reads it; JSON Lines for any other name and standard output.
fn named_format(output: Option<&std::path::Path>) -> BookFormat {
    match output.and_then(Format::from_path) {
        Some(Format::Parquet) => BookFormat::Parquet,
        _ => BookFormat::Jsonl,
    }
}

/// A book whose name makes `eval` read it as another format than the one
/// written (`--format jsonl -o book.parquet`, `-o book.json`): every reader
/// would fail on it. It is written as asked, and said.
fn warn_if_read_otherwise(output: &std::path::Path, format: BookFormat) {
    let written = match format {
        BookFormat::Jsonl => Format::Jsonl,
        BookFormat::Parquet => Format::Parquet,
    };
    if let Some(read) = Format::from_path(output).filter(|&read| read != written) {
        eprintln!(
            "warning: `{}` is written as {} but its name makes it read as {}; name it .{}",
            output.display(),
            written.name(),
            read.name(),
            written.name()
        );
    }
}

/// Refuses an existing file as the book to generate: a generated book looks
/// like any other book, so one synth wrote cannot be told from a real one,
/// and a real one is never written over. An empty file, a device or a pipe
/// is written as asked. Says so on stderr; returns whether it refused.
fn refuse_existing_book(output: &std::path::Path) -> bool {
    let holds_data = std::fs::metadata(output).is_ok_and(|m| m.is_file() && m.len() > 0);
    let refused = holds_data && verdict::outfile::replaces(output);
    if refused {
        eprintln!(
            "error: `{}` exists: synth writes a new book and never writes over one, as a generated book \
             cannot be told from a real one\n  help: name a new file, or remove this one first",
            output.display()
        );
    }
    refused
}
