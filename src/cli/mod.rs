//! Subcommands, one file each; every one returns an [`Exit`] code.

mod check;
mod diff;
mod eval;
mod explain;
mod files;
mod fmt;
mod generate;
mod import;
mod lsp;
mod render;
mod serve;
mod source;
mod stability;
mod synth;
mod test;
mod test_report;

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
    /// An output could not be written (a full disk, a closed standard output, an I/O error).
    Output = 4,
    /// A hook call ran past the wall-clock backstop: some accounts are not
    /// decided, and whether a call meets the backstop depends on the machine.
    HookTimeout = 5,
    /// A reader of the output went away (`| head`): the run stopped quietly, as a
    /// filter killed by SIGPIPE does, with the status a shell gives one (128 + 13).
    BrokenPipe = 141,
}

/// What each exit code means across the subcommands, for `verdict --help`
/// (those every subcommand shares are added by [`exit_codes`]).
const GENERAL_EXIT_CODES: &[(u8, &str)] = &[
    (0, "success"),
    (1, "some snapshots failed, or tests failed"),
    (
        2,
        "the policy (or schema, hook, batch) does not compile, an input cannot be read or is also an output, or the \
         command line is wrong",
    ),
    (3, "a guard was breached"),
    (5, "a hook call ran past the wall-clock backstop (a minute): the run is not whole"),
];

#[derive(Parser)]
#[command(
    name = "verdict",
    version,
    about = "Credit-lifecycle policies: check, evaluate, test, format, explain, diff, serve",
    after_help = exit_codes(GENERAL_EXIT_CODES)
)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
    /// Only a policy's diagnostics (errors and warnings), errors and breached guards on standard error: no summaries, progress, "ok" lines or warnings about the inputs read.
    #[arg(long, short, global = true)]
    quiet: bool,
    /// When to color diagnostics and help (`auto`: on a terminal, unless NO_COLOR is set to something or TERM is `dumb`).
    #[arg(long, value_name = "WHEN", global = true, default_value = "auto")]
    color: render::ColorChoice,
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
    /// Print a shell completion script (bash, zsh, fish, elvish, powershell).
    Completions(generate::CompletionsArgs),
    /// Print the man page (roff).
    Man(generate::ManArgs),
    /// A language server for editors, over standard input and output.
    Lsp(lsp::LspArgs),
    /// Serve decisions over HTTP (the decision service).
    Serve(serve::ServeArgs),
    /// Turn a scoring package's output into policy text.
    Import(import::ImportArgs),
    /// Population stability of the policy's scorecards between two portfolios (PSI, CSI).
    Stability(stability::StabilityArgs),
}

/// `--format` of a report (`explain`, `diff`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum ReportFormat {
    /// For a terminal.
    Text,
    /// For programs.
    Json,
}

/// `--error-format` of `check`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum ErrorFormat {
    /// Rendered with the source line and a caret, on standard error.
    Human,
    /// One JSON document on standard output.
    Json,
}

/// A subcommand's `--help` epilogue: its examples, then the exit codes it
/// can end with, `codes` saying what each of its own means (0 to 3, 5),
/// followed by those every subcommand shares (4, 130, 141). A code the
/// subcommand never gives is not listed: `fmt --help` has no guard.
pub fn examples_and_exit_codes(examples: &str, codes: &[(u8, &str)]) -> String {
    format!("Examples:\n{examples}\n\n{}", exit_codes(codes))
}

/// The exit codes `codes` means, with those every subcommand shares (4,
/// 130, 141), in order.
fn exit_codes(codes: &[(u8, &str)]) -> String {
    let mut text = String::from("Exit codes (when several apply, the largest wins):\n");
    let shared = [
        (
            Exit::Output as u8,
            "an output could not be written (a read-only file, a full disk, a closed standard output)",
        ),
        (files::INTERRUPTED, "interrupted (Ctrl-C, SIGTERM)"),
        (Exit::BrokenPipe as u8, "the reader of the output went away (a closed pipe, as with `| head`)"),
    ];
    let mut all: Vec<(u8, &str)> = codes.iter().copied().chain(shared).collect();
    all.sort_by_key(|&(code, _)| code);
    for (code, meaning) in all {
        text.push_str(&format!("  {code:<4} {meaning}\n"));
    }
    text.truncate(text.trim_end().len());
    text
}

/// Where `--output` writes: a file, or standard output for `-` (as for
/// every Unix filter; a file named `-` is written as `./-`).
#[derive(Clone, Debug)]
pub enum OutputPath {
    /// Standard output.
    Stdout,
    /// A file.
    File(std::path::PathBuf),
}

impl OutputPath {
    /// The file, or `None` for standard output.
    pub fn file(&self) -> Option<&std::path::Path> {
        match self {
            OutputPath::Stdout => None,
            OutputPath::File(path) => Some(path),
        }
    }
}

/// `--output FILE`, with `-` for standard output.
pub fn output_path(text: &str) -> Result<OutputPath, String> {
    match text {
        "-" => Ok(OutputPath::Stdout),
        "" => Err("an output file needs a name (`-` is standard output)".into()),
        _ => Ok(OutputPath::File(text.into())),
    }
}

/// A file written beside a report that standard output carries (`diff
/// --html`, `--changed`): `-` would make a file of that name in a folder
/// where `-` means standard output everywhere else, so it is refused.
pub fn file_beside_the_report(text: &str) -> Result<std::path::PathBuf, String> {
    match text {
        "-" => Err("the report is on standard output; give this a file name (`./-` for a file named `-`)".into()),
        "" => Err("an output file needs a name".into()),
        _ => Ok(text.into()),
    }
}

/// `--as-of DATE`: a strict `YYYY-MM-DD` date, checked by clap so a wrong one
/// is a command-line error (exit 2) in every subcommand alike.
pub fn as_of_date(text: &str) -> Result<verdict::value::Date, String> {
    verdict::value::parse_date(text).ok_or_else(|| format!("`{text}` is {}", verdict::value::not_a_date(text)))
}

/// `--jobs N`: worker threads, 0 for one per core, at most
/// [`verdict::stream::MAX_JOBS`] (a larger number is a command-line error, exit 2).
pub fn jobs(text: &str) -> Result<usize, String> {
    let max = verdict::stream::MAX_JOBS;
    match text.trim().parse::<u64>() {
        Ok(n) if n <= max as u64 => Ok(n as usize),
        Ok(_) => Err(format!("{text} jobs are too many: at most {max} (0 means one per core)")),
        Err(_) => Err(format!("`{text}` is not a number of jobs (0 means one per core, at most {max})")),
    }
}

/// The wall-clock backstop of one hook call: `--hook-backstop-ms` (hidden,
/// for tests), else [`verdict::hooks::DEFAULT_BACKSTOP`].
pub fn hook_backstop(ms: Option<u64>) -> std::time::Duration {
    ms.map_or(verdict::hooks::DEFAULT_BACKSTOP, std::time::Duration::from_millis)
}

/// A size in bytes for `--max-snapshot-bytes` and `--max-file-bytes`: a
/// number, optionally followed by a unit (`KB`, `MB`, `GB` in powers of
/// 1,000; `KiB`, `MiB`, `GiB` in powers of 1,024; case-insensitive).
pub fn byte_size(text: &str) -> Result<u64, String> {
    let trimmed = text.trim();
    let split = trimmed.find(|c: char| !c.is_ascii_digit()).unwrap_or(trimmed.len());
    let (digits, unit) = trimmed.split_at(split);
    let scale: u64 = match unit.trim().to_ascii_lowercase().as_str() {
        "" | "b" => 1,
        "k" | "kb" => 1_000,
        "kib" => 1 << 10,
        "m" | "mb" => 1_000_000,
        "mib" => 1 << 20,
        "g" | "gb" => 1_000_000_000,
        "gib" => 1 << 30,
        _ => return Err(format!("`{text}` is not a size: use bytes, or a number with KB, MB, GB, KiB, MiB or GiB")),
    };
    let number: u64 = match digits.parse() {
        Ok(n) => n,
        // All digits, yet no u64: too large, not "not a number".
        Err(_) if !digits.is_empty() => return Err(format!("`{text}` is too large a size: it must fit 64 bits")),
        Err(_) => return Err(format!("`{text}` is not a size: it needs a whole number")),
    };
    match number.checked_mul(scale) {
        Some(0) | None => Err(format!("`{text}` is not a usable size: it must be at least 1 byte and fit 64 bits")),
        Some(bytes) => Ok(bytes),
    }
}

/// `--max-snapshot-bytes` and `--max-file-bytes`, shared by the commands that read portfolios.
#[derive(clap::Args, Clone, Copy, Debug)]
pub struct LimitArgs {
    /// Largest snapshot read (a JSON line, CSV row, JSON array element); a larger one is an error record [default: 64MiB].
    #[arg(long, value_name = "SIZE", value_parser = byte_size)]
    max_snapshot_bytes: Option<u64>,
    /// Largest JSON or YAML file, which is read whole (JSON Lines streams any size) [default: 1GiB].
    #[arg(long, value_name = "SIZE", value_parser = byte_size)]
    max_file_bytes: Option<u64>,
}

impl LimitArgs {
    /// The limits these options give.
    pub fn limits(self) -> verdict::snapshot::ReadLimits {
        let defaults = verdict::snapshot::ReadLimits::default();
        verdict::snapshot::ReadLimits {
            max_snapshot_bytes: self.max_snapshot_bytes.unwrap_or(defaults.max_snapshot_bytes),
            max_file_bytes: self.max_file_bytes.unwrap_or(defaults.max_file_bytes),
        }
    }
}

/// What clap has to say (an error, the help, the version), styled for a
/// terminal only: it is printed here rather than by clap, whose printing
/// ignores a failed write.
fn clap_text(e: &clap::Error, color: bool) -> String {
    let text = e.render();
    if color {
        text.ansi().to_string()
    } else {
        text.to_string()
    }
}

/// What clap stopped at: a command-line error on stderr (exit 2), or the
/// `--help` or `--version` asked for on standard output.
fn clap_failure(e: &clap::Error) -> std::process::ExitCode {
    if e.use_stderr() {
        eprint!("{}", clap_text(e, render::stderr_color()));
        return std::process::ExitCode::from(Exit::Invalid.max(files::stderr_failure()) as u8);
    }
    let color = render::color_for(std::io::IsTerminal::is_terminal(&std::io::stdout()));
    let exit = files::print(&clap_text(e, color)).map_or_else(|e| files::output_failed(&e), |()| Exit::Ok);
    std::process::ExitCode::from(exit.max(files::stderr_failure()) as u8)
}

/// Parses the command line and runs the subcommand.
pub fn run() -> std::process::ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            // The options are not set: `--color` as written decides.
            render::set_presentation(render::Presentation {
                color: render::color_in_args(std::env::args_os()),
                quiet: false,
            });
            return clap_failure(&e);
        }
    };
    render::set_presentation(render::Presentation { color: cli.color, quiet: cli.quiet });
    // The service handles its own signals: SIGTERM and Ctrl-C drain it.
    if !matches!(cli.command, Command::Serve(_)) {
        files::remove_partial_files_on_interrupt();
    }
    let exit = match cli.command {
        Command::Serve(args) => serve::run(args),
        Command::Check(args) => check::run(args),
        Command::Eval(args) => eval::run(args),
        Command::Test(args) => test::run(args),
        Command::Fmt(args) => fmt::run(args),
        Command::Explain(args) => explain::run(args),
        Command::Diff(args) => diff::run(args),
        Command::Synth(args) => synth::run(args),
        Command::Completions(args) => generate::completions(args),
        Command::Man(args) => generate::man(args),
        Command::Lsp(args) => lsp::run(args),
        Command::Import(args) => import::run(args),
        Command::Stability(args) => stability::run(args),
    };
    let exit = exit.max(files::stderr_failure());
    std::process::ExitCode::from(exit as u8)
}

#[cfg(test)]
mod tests {
    use super::{byte_size, Cli};
    use clap::{CommandFactory, Parser};

    /// Every `verdict …` line of every `--help` epilogue: an example that
    /// names a flag its subcommand lacks teaches the reader an error.
    #[test]
    fn every_help_example_parses() {
        let cli = Cli::command();
        let mut examples = 0;
        for sub in cli.get_subcommands() {
            let help = sub.get_after_help().map(ToString::to_string).unwrap_or_default();
            for line in help.lines().filter_map(|l| l.trim().split(" | ").last()) {
                let Some(args) = line.strip_prefix("verdict ") else { continue };
                // Neither the shell's redirections nor a remark are the command's arguments.
                let words = args
                    .split_whitespace()
                    .take_while(|w| !w.starts_with(['>', '<', '(', '#']) && !w.starts_with("2>"));
                let words = std::iter::once("verdict").chain(words);
                if let Err(e) = Cli::try_parse_from(words) {
                    panic!("`{line}` in `verdict {} --help` does not parse:\n{e}", sub.get_name());
                }
                examples += 1;
            }
        }
        assert!(examples > 20, "only {examples} examples found");
    }

    #[test]
    fn sizes_take_decimal_and_binary_units() {
        let ok = |t: &str| byte_size(t).unwrap();
        assert_eq!(ok("300"), 300);
        assert_eq!(ok("300B"), 300);
        assert_eq!(ok("1kb"), 1_000);
        assert_eq!(ok("1KiB"), 1_024);
        assert_eq!(ok("64 MiB"), 64 << 20);
        assert_eq!(ok("100MB"), 100_000_000);
        assert_eq!(ok("2GiB"), 2 << 30);
        for bad in ["", "MB", "0", "1.5MB", "-1", "12 parsecs", "99999999999GiB"] {
            assert!(byte_size(bad).is_err(), "{bad}");
        }
        assert_eq!(
            byte_size("99999999999999999999").unwrap_err(),
            "`99999999999999999999` is too large a size: it must fit 64 bits"
        );
        assert_eq!(byte_size("MB").unwrap_err(), "`MB` is not a size: it needs a whole number");
    }
}
