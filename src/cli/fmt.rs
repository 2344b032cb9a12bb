//! `verdict fmt [--check] FILES...`: rewrites policies in the canonical layout
//! (docs/formatting.md).
//!
//! Files that change are listed on stdout, one path per line, and a summary
//! goes to stderr. `--check` changes nothing and exits 1 when a file would
//! change. A file that does not parse is reported and left alone (exit 2).
//! `-` is a filter, as editors call formatters: the policy on stdin comes
//! out formatted on stdout and nothing else is written, unless it does not
//! parse; with `--check` nothing is written to stdout but `-` when it would
//! change.

use super::render::{render_all, stderr_color};
use super::Exit;
use std::io::Read;
use std::path::{Path, PathBuf};
use verdict::diagnostic::{codes, utf8_text, SourceMap};
use verdict::format::format_source;

/// Arguments of `verdict fmt`.
#[derive(clap::Args)]
#[command(after_help = super::examples_and_exit_codes("  verdict fmt policies/\n  verdict fmt --check policies/lifecycle.policy", &[
    (0, "every file is in the canonical layout (rewritten, without --check)"),
    (1, "with --check: a file would be reformatted"),
    (2, "a file does not parse or cannot be read, or the command line is wrong"),
]))]
pub struct FmtArgs {
    /// Policy files, or folders to search for `*.policy`; `-` formats stdin to stdout.
    #[arg(required = true)]
    files: Vec<PathBuf>,
    /// Change nothing; list the files that are not formatted and exit 1 if there are any.
    #[arg(long)]
    check: bool,
}

/// What formatting one file came to.
enum Outcome {
    Unchanged,
    Changed,
    Failed(Exit),
}

pub fn run(args: FmtArgs) -> Exit {
    let mut exit = Exit::Ok;
    let mut files = Vec::new();
    // Paths that could not be read or listed: counted with the files that could not be formatted.
    let mut unreadable = 0;
    // One file named twice (`e.policy ./e.policy`, a link to it) is formatted once.
    let mut seen = std::collections::HashSet::new();
    for path in &args.files {
        if path.as_os_str() == "-" {
            files.push(path.clone());
            continue;
        }
        match verdict::walk::find_files(std::slice::from_ref(path), ".policy") {
            Ok(found) => {
                for file in found {
                    if seen.insert(std::fs::canonicalize(&file).unwrap_or_else(|_| file.clone())) {
                        files.push(file);
                    }
                }
            }
            Err(e) => {
                eprintln!("verdict fmt: {e}");
                exit = Exit::Invalid;
                unreadable += 1;
            }
        }
    }
    let (mut changed, mut unchanged, mut failed) = (0, 0, unreadable);
    for path in &files {
        let outcome = if path.as_os_str() == "-" { stdin(args.check) } else { one_file(path, args.check) };
        match outcome {
            Outcome::Unchanged => unchanged += 1,
            Outcome::Changed => {
                changed += 1;
                if args.check {
                    exit = exit.max(Exit::Failures);
                }
            }
            Outcome::Failed(e) => {
                failed += 1;
                exit = exit.max(e);
            }
        }
    }
    let files = |n: usize| verdict::terminal::counted(n, "file");
    let verb = if args.check { "would be reformatted" } else { "reformatted" };
    let failed = if failed > 0 { format!(", {} could not be formatted", files(failed)) } else { String::new() };
    // A filter's output is the formatted policy alone, or the diagnostics
    // of one that does not parse: a summary would be noise in the editor or
    // pipe that reads it.
    let filter_only = !args.check && files_given(&args.files) == 0;
    if !filter_only && (!super::render::quiet() || !failed.is_empty()) {
        eprintln!("{} {verb}, {unchanged} already formatted{failed}", files(changed));
    }
    exit.max(super::files::stdout_failure())
}

/// How many of the arguments name files or folders rather than stdin.
fn files_given(args: &[PathBuf]) -> usize {
    args.iter().filter(|p| p.as_os_str() != "-").count()
}

fn one_file(path: &Path, check: bool) -> Outcome {
    // A FIFO or a device named as a file would block the run, or be read
    // and then replaced by a regular file: fmt rewrites files in place.
    if std::fs::metadata(path).is_ok_and(|m| !m.is_file()) {
        eprintln!(
            "verdict fmt: {} is not a regular file (a FIFO, socket or device): left as it is; \
             to format a stream, pipe it into `verdict fmt -`",
            verdict::terminal::shown_path(path)
        );
        return Outcome::Failed(Exit::Invalid);
    }
    let bytes = match std::fs::read(path) {
        Ok(b) => b,
        Err(e) => {
            eprintln!("verdict fmt: cannot read {}: {e}", verdict::terminal::shown_path(path));
            return Outcome::Failed(Exit::Invalid);
        }
    };
    let text = match utf8_text(codes::UNREADABLE_FILE, path, bytes) {
        Ok(text) => text,
        Err((d, shown)) => return refused(path, shown, &[*d]),
    };
    let formatted = match format_source(path, &text) {
        Ok(f) => f,
        Err(diags) => return refused(path, text, &diags),
    };
    if formatted == text {
        return Outcome::Unchanged;
    }
    if !check {
        // Replacing the file by a rename would ignore its own write bit: a
        // file its owner made read-only is left as it is, and said so.
        if std::fs::metadata(path).is_ok_and(|m| m.permissions().readonly()) {
            eprintln!(
                "verdict fmt: {} is read-only: left as it is (it would be reformatted)",
                verdict::terminal::shown_path(path)
            );
            return Outcome::Failed(Exit::Output);
        }
        if let Err(e) = super::files::write_whole(path, formatted.as_bytes()) {
            return Outcome::Failed(super::files::output_failed(&e));
        }
    }
    super::files::print_or_remember(&format!("{}\n", verdict::terminal::shown_path(path)));
    Outcome::Changed
}

/// Says why `text` (the contents of `path`) was not formatted.
fn refused(path: &Path, text: String, diags: &[verdict::diagnostic::Diagnostic]) -> Outcome {
    let mut sources = SourceMap::default();
    sources.add(path, text.into());
    eprint!("{}", render_all(diags, &sources, stderr_color()));
    Outcome::Failed(Exit::Invalid)
}

/// Formats stdin to stdout; with `check`, writes only `-` when it would change.
fn stdin(check: bool) -> Outcome {
    let mut bytes = Vec::new();
    if let Err(e) = std::io::stdin().read_to_end(&mut bytes) {
        eprintln!("verdict fmt: cannot read stdin: {e}");
        return Outcome::Failed(Exit::Invalid);
    }
    let path = Path::new("<stdin>");
    let text = match utf8_text(codes::UNREADABLE_FILE, path, bytes) {
        Ok(text) => text,
        Err((d, shown)) => return refused(path, shown, &[*d]),
    };
    match format_source(path, &text) {
        Ok(formatted) => {
            let changed = formatted != text;
            let written = match (check, changed) {
                (false, _) => super::files::print(&formatted),
                (true, true) => super::files::print("-\n"),
                (true, false) => Ok(()),
            };
            if let Err(e) = written {
                return Outcome::Failed(super::files::output_failed(&e));
            }
            if changed {
                Outcome::Changed
            } else {
                Outcome::Unchanged
            }
        }
        Err(diags) => refused(path, text, &diags),
    }
}
