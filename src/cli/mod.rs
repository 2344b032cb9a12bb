//! Subcommands, one file each; every one returns an [`Exit`] code.

mod check;
mod diff;
mod eval;
mod explain;
mod fmt;
mod render;
mod synth;
mod test;

use clap::{Parser, Subcommand};

/// Exit codes of spec §6. When several apply, the largest wins.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Exit {
    /// Success.
    Ok = 0,
    /// Some snapshots failed, or tests failed.
    Failures = 1,
    /// The policy (or schema, hook, batch) does not compile, or the command line is wrong.
    Invalid = 2,
    /// A guard was breached.
    Guard = 3,
}

#[derive(Parser)]
#[command(name = "verdict", version, about = "Credit-lifecycle policies: check, evaluate, test, format, explain, diff")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Parse, type-check and lint a policy.
    Check(check::CheckArgs),
    /// Decide every snapshot with a policy.
    Eval(eval::EvalArgs),
    /// Run decision tests (`*.test.yaml`).
    Test(test::TestArgs),
    /// Rewrite policies in the canonical layout.
    Fmt(fmt::FmtArgs),
    /// One account's decision with its full trace, readable.
    Explain(explain::ExplainArgs),
    /// The impact of a policy change over a portfolio.
    Diff(diff::DiffArgs),
    /// Generate a realistic, schema-conforming portfolio.
    Synth(synth::SynthArgs),
}

/// `--as-of DATE`: a strict `YYYY-MM-DD` date, checked by clap so a wrong one
/// is a command-line error (exit 2) in every subcommand alike.
pub fn as_of_date(text: &str) -> Result<verdict::value::Date, String> {
    verdict::value::parse_date(text).ok_or_else(|| format!("`{text}` is not a YYYY-MM-DD date"))
}

/// Parses the command line and runs the subcommand.
pub fn run() -> std::process::ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            let code = if e.use_stderr() { Exit::Invalid } else { Exit::Ok };
            return std::process::ExitCode::from(code as u8);
        }
    };
    let exit = match cli.command {
        Command::Check(args) => check::run(args),
        Command::Eval(args) => eval::run(args),
        Command::Test(args) => test::run(args),
        Command::Fmt(args) => fmt::run(args),
        Command::Explain(args) => explain::run(args),
        Command::Diff(args) => diff::run(args),
        Command::Synth(args) => synth::run(args),
    };
    std::process::ExitCode::from(exit as u8)
}
