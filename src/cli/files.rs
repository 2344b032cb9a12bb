//! Where the command line's words and files go, and what happens when they
//! cannot get there.
//!
//! Files are written by [`verdict::outfile`]: whole or not at all, and
//! through what is not ours. Here: the interrupt handler that removes
//! unfinished files; standard output and error, which a closed descriptor or
//! a full disk must not turn into silence or a panic; and the refusal of an
//! output that is also an input.

use super::Exit;
use std::io::{self, IsTerminal, Write};
use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicU8, Ordering};
use verdict::outfile::FileIdentity;

pub use verdict::outfile::{write_whole, OutputFile};

/// Exit status after an interrupt (128 + SIGINT, as shells report it).
pub const INTERRUPTED: u8 = 130;

/// Installs the Ctrl-C / SIGTERM handler that removes uncommitted temporary
/// files and exits. The handler runs on a thread of its own, not in signal
/// context, so it may touch the file system.
pub fn remove_partial_files_on_interrupt() {
    let _ = ctrlc::set_handler(|| {
        let replaced = verdict::outfile::remove_partial_files();
        // A progress bar's last line would stay on the terminal, as if the
        // run were still going: cleared, and the stop said.
        if io::stderr().is_terminal() {
            let said: &[u8] = if replaced {
                b"\r\x1b[2Kverdict: interrupted (the output files were already written)\n"
            } else {
                b"\r\x1b[2Kverdict: interrupted\n"
            };
            let _ = io::stderr().write_all(said);
        }
        std::process::exit(i32::from(INTERRUPTED));
    });
}

/// Notes the temporary files earlier runs left beside `target`
/// ([`verdict::outfile::left_beside`]): hidden, and as large as a book's
/// decisions, they would pile up unseen after each killed run. Not removed:
/// one may be another run's, writing now.
pub fn note_left_beside(target: &Path) {
    if super::render::quiet() {
        return;
    }
    for file in verdict::outfile::left_beside(target) {
        eprintln!(
            "note: `{}` beside `{}` was left by a run that was killed (or is another run's, still writing): \
             delete it if no run is writing `{}`",
            verdict::terminal::shown_path(&file),
            verdict::terminal::shown_path(target),
            verdict::terminal::shown_path(target)
        );
    }
}

/// Standard output was closed when verdict started (`>&-`).
static STDOUT_CLOSED: AtomicBool = AtomicBool::new(false);
/// Standard error was closed when verdict started (`2>&-`).
static STDERR_CLOSED: AtomicBool = AtomicBool::new(false);
/// Standard input was closed when verdict started (`<&-`): std reads it as
/// `/dev/null`, an empty book, where a pipe that was never attached is meant.
static STDIN_CLOSED: AtomicBool = AtomicBool::new(false);
/// The worst failure writing to standard error, as an [`Exit`] (0: none).
static STDERR_LOST: AtomicU8 = AtomicU8::new(0);

/// Notes, before std's start-up, which standard streams verdict was started
/// with closed (`>&-`). std then gives each closed one `/dev/null` (so that
/// no file opened later takes its descriptor) and writes there without a
/// word; the flags kept here make those writes errors instead. Only then can
/// a closed stream be told from one a caller chose to point at `/dev/null`.
/// An `.init_array` entry runs as the program is loaded, ahead of `main` and
/// of std's own start-up, as constructors do in C.
#[cfg(target_os = "linux")]
#[used]
#[link_section = ".init_array"]
static NOTE_CLOSED_STANDARD_STREAMS: extern "C" fn() = note_closed_standard_streams;

#[cfg(target_os = "linux")]
extern "C" fn note_closed_standard_streams() {
    STDIN_CLOSED.store(closed(0), Ordering::Relaxed);
    STDOUT_CLOSED.store(closed(1), Ordering::Relaxed);
    STDERR_CLOSED.store(closed(2), Ordering::Relaxed);
}

/// The error for reading standard input when verdict was started with it
/// closed; `None` when it is open (a pipe, a file, a terminal).
pub fn stdin_closed() -> Option<String> {
    STDIN_CLOSED.load(Ordering::Relaxed).then(|| {
        format!(
            "{} is closed: there is nothing to read (name the snapshot file, or give the pipe)",
            verdict::stream::STANDARD_INPUT
        )
    })
}

/// True when descriptor `fd` is not open (its `/proc` entry is missing; with
/// no `/proc` to ask, it is taken as open).
#[cfg(target_os = "linux")]
fn closed(fd: u8) -> bool {
    std::fs::read_link(format!("/proc/self/fd/{fd}")).is_err_and(|e| e.kind() == io::ErrorKind::NotFound)
}

/// Standard output, buffered, for a command's results; its errors say they
/// are standard output's.
pub struct Stdout(io::BufWriter<io::StdoutLock<'static>>);

/// Standard output, for a command's results.
///
/// # Errors
///
/// When standard output was closed.
pub fn stdout() -> io::Result<Stdout> {
    if STDOUT_CLOSED.load(Ordering::Relaxed) {
        return Err(on_stdout(io::Error::other("it is closed")));
    }
    Ok(Stdout(io::BufWriter::with_capacity(1 << 16, io::stdout().lock())))
}

fn on_stdout(e: io::Error) -> io::Error {
    io::Error::new(e.kind(), format!("cannot write to standard output: {e}"))
}

impl Write for Stdout {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0.write(buf).map_err(on_stdout)
    }
    fn write_all(&mut self, buf: &[u8]) -> io::Result<()> {
        self.0.write_all(buf).map_err(on_stdout)
    }
    fn flush(&mut self) -> io::Result<()> {
        self.0.flush().map_err(on_stdout)
    }
}

/// Writes `text` to standard output and flushes it.
///
/// # Errors
///
/// When standard output was closed or the write fails.
pub fn print(text: &str) -> io::Result<()> {
    let mut out = stdout()?;
    out.write_all(text.as_bytes())?;
    out.flush()
}

/// The first failure of [`print_or_remember`], reported by [`stdout_failure`].
static STDOUT_LOST: std::sync::Mutex<Option<io::Error>> = std::sync::Mutex::new(None);

/// Writes `text` to standard output as [`print`] does, for a command that
/// prints as it goes: the first failure is remembered, and nothing more is
/// written after it.
pub fn print_or_remember(text: &str) {
    let Ok(mut lost) = STDOUT_LOST.lock() else { return };
    if lost.is_none() {
        *lost = print(text).err();
    }
}

/// Reports the failure [`print_or_remember`] met, if any, as [`output_failed`] does.
pub fn stdout_failure() -> Exit {
    match STDOUT_LOST.lock().ok().and_then(|mut lost| lost.take()) {
        Some(e) => output_failed(&e),
        None => Exit::Ok,
    }
}

/// Writes to standard error, for `eprint!`/`eprintln!` (see main.rs): a
/// failure cannot be reported anywhere else, so it is remembered for the exit
/// code ([`stderr_failure`]) instead of ending in a panic as std's macros do.
pub fn to_stderr(args: std::fmt::Arguments<'_>) {
    let written = if STDERR_CLOSED.load(Ordering::Relaxed) {
        // Nothing to say is nothing lost (a quiet run's empty list of breached
        // guards): a closed standard error fails only a run that had words for it.
        if std::fmt::format(args).is_empty() {
            return;
        }
        Err(io::Error::other("standard error is closed"))
    } else {
        io::stderr().lock().write_fmt(args)
    };
    if let Err(e) = written {
        STDERR_LOST.fetch_max(lost(&e) as u8, Ordering::Relaxed);
    }
}

/// The exit code standard error's failures call for ([`Exit::Ok`] if none).
pub fn stderr_failure() -> Exit {
    match STDERR_LOST.load(Ordering::Relaxed) {
        0 => Exit::Ok,
        n if n == Exit::BrokenPipe as u8 => Exit::BrokenPipe,
        _ => Exit::Output,
    }
}

/// The exit code for an output that could not be written: a closed pipe
/// (the reader has gone, as with `| head`) ends quietly; anything else is
/// reported (the error names the file, or standard output).
pub fn output_failed(e: &io::Error) -> Exit {
    let exit = lost(e);
    if exit != Exit::BrokenPipe {
        eprintln!("error: {e}");
    }
    exit
}

fn lost(e: &io::Error) -> Exit {
    if e.kind() == io::ErrorKind::BrokenPipe {
        Exit::BrokenPipe
    } else {
        Exit::Output
    }
}

/// An output named on the command line: the option naming it and its path.
pub type Named<'a> = (&'a str, &'a Path);

/// Refuses, before anything runs, an output that is also one of `inputs`
/// (`-` is standard input), or another output replaced whole: writing it
/// would destroy what is being read, or what was just written. (Two outputs
/// through one stream, such as a pipe, both reach it.) Each clash is named on
/// stderr; returns whether there was one.
pub fn refuse_clashes<'a>(outputs: &[Named<'a>], inputs: &[Named<'a>]) -> bool {
    let inputs: Vec<_> = inputs.iter().filter_map(identity).collect();
    let mut replaced: Vec<(FileIdentity, &str, &Path)> = Vec::new();
    let mut clash = false;
    for (id, what, path) in outputs.iter().filter_map(identity) {
        let earlier = inputs.iter().chain(&replaced).find(|(other, ..)| *other == id);
        if let Some((_, other, other_path)) = earlier {
            eprintln!(
                "error: `{}` ({what}) is the same file as `{}` ({other}); refusing to overwrite it",
                path.display(),
                other_path.display()
            );
            clash = true;
        }
        if verdict::outfile::replaces(path) {
            replaced.push((id, what, path));
        }
    }
    clash
}

/// Refuses, before anything runs, an output that would replace an existing
/// file verdict did not write (notes, a book of snapshots:
/// [`verdict::outfile::not_ours`]), which a mistyped name would destroy.
/// Each is named on stderr; returns whether there was one.
pub fn refuse_not_ours(outputs: &[Named<'_>]) -> bool {
    let mut refused = false;
    for &(what, path) in outputs {
        if path.as_os_str() == "-" || !verdict::outfile::replaces(path) {
            continue;
        }
        if let Some(why) = verdict::outfile::not_ours(path, output_kind(what)) {
            eprintln!(
                "error: `{}` ({what}) exists and is not a file verdict may write over ({why}); refusing to overwrite it\n  \
                 help: name a new file, or remove this one first if its contents may go",
                path.display()
            );
            refused = true;
        }
    }
    refused
}

/// What the output named `what` holds: each replaces only a file of its kind.
fn output_kind(what: &str) -> verdict::outfile::OutputKind {
    use verdict::outfile::OutputKind;
    match what {
        "--summary" => OutputKind::Summary,
        "--changed" => OutputKind::Changed,
        "--html" => OutputKind::Html,
        _ => OutputKind::Decisions,
    }
}

/// What makes a named file itself (`-` is standard input); `None` for a
/// stream such as a terminal, which may be read and written at once.
fn identity<'a>(&(what, path): &Named<'a>) -> Option<(FileIdentity, &'a str, &'a Path)> {
    let path = if path.as_os_str() == "-" { Path::new("/dev/stdin") } else { path };
    FileIdentity::of(path).map(|id| (id, what, path))
}

/// The first of `inputs` that is the same file as `output`, as
/// [`refuse_clashes`] judges it, for a check that must not print.
pub fn input_that_is<'a>(output: Named<'a>, inputs: &[Named<'a>]) -> Option<&'a Path> {
    let (id, ..) = identity(&output)?;
    inputs.iter().filter_map(identity).find(|(other, ..)| *other == id).map(|(_, _, path)| path)
}

/// An input named in running text: standard input as such, a file quoted.
pub fn quoted_input_name(name: &str) -> String {
    match verdict::stream::input_name(name) {
        shown if shown != name => shown.to_owned(),
        file => format!("`{file}`"),
    }
}

/// Refuses standard input (`-`) named more than once among the snapshot
/// files: it can be read once, so the second `-` would silently decide
/// nothing. Says so on stderr; returns whether it refused.
pub fn refuse_stdin_twice(snapshots: &[std::path::PathBuf]) -> bool {
    let refused = snapshots.iter().filter(|p| p.as_os_str() == "-").count() > 1;
    if refused {
        eprintln!(
            "error: {} (`-`) is named more than once; it can be read only once (`./-` for a file named `-`)",
            verdict::stream::STANDARD_INPUT
        );
    }
    refused
}

/// Refuses to write a binary `format` (Parquet) to standard output when it
/// is a terminal, as `gzip` and `zstd` do: bytes that are not text garble
/// the terminal and are no use to read. Says what to do instead; returns
/// whether it refused. A pipe or a redirection is written to as asked.
pub fn refuse_binary_on_terminal(format: &str, to_stdout: bool) -> bool {
    let refused = to_stdout && std::io::stdout().is_terminal();
    if refused {
        eprintln!(
            "error: {format} is binary and standard output is a terminal; write it with --output FILE, or redirect standard output"
        );
    }
    refused
}

/// Standard output as an output to compare with the inputs: `eval book.jsonl
/// >> book.jsonl` would read its own decisions back without end. (Where
/// `/dev/stdout` does not exist it names no input, and nothing is refused.)
pub fn standard_output() -> Named<'static> {
    ("standard output", Path::new("/dev/stdout"))
}

/// Every file a loaded policy read (the policy, its schema, hooks and batches), each named by its role.
pub fn policy_files(sources: &verdict::diagnostic::SourceMap) -> Vec<Named<'_>> {
    sources.files().iter().map(|f| ("read by the policy", f.path.as_path())).collect()
}

/// The format of the snapshot input `path`: the one its name tells
/// (`.jsonl`, `.csv`, `.parquet`, ...), else `--input-format`; standard
/// input (`-`) is `--input-format` or JSON Lines. `--input-format` never
/// overrides a name that tells, so one flag serves a piped input beside a
/// named file (`stability p.policy base.csv - --input-format jsonl`).
///
/// # Errors
///
/// A file whose name does not tell its format, without `--input-format`.
pub fn input_format(
    input: &Path,
    asked: Option<verdict::snapshot::Format>,
) -> Result<verdict::snapshot::Format, String> {
    use verdict::snapshot::Format;
    if input.as_os_str() == "-" {
        return Ok(asked.unwrap_or(Format::Jsonl));
    }
    match (Format::of_file(input), asked) {
        (Ok(told), _) => Ok(told),
        (Err(_), Some(asked)) => Ok(asked),
        (Err(e), None) => Err(format!("{e}; use --input-format")),
    }
}

/// A snapshot file to read, `-` for standard input, with its format
/// ([`input_format`]).
///
/// # Errors
///
/// A format that cannot be told from the name, or a file that cannot be opened.
pub fn open_snapshots(
    input: &Path,
    asked: Option<verdict::snapshot::Format>,
) -> Result<(Box<dyn io::BufRead>, verdict::snapshot::Format), String> {
    let format = input_format(input, asked)?;
    let path = input.display().to_string();
    let shown = verdict::terminal::escape(&path);
    let reader: Box<dyn io::BufRead> = if input.as_os_str() == "-" {
        if let Some(closed) = stdin_closed() {
            return Err(closed);
        }
        Box::new(io::BufReader::new(std::io::stdin()))
    } else {
        let file = verdict::snapshot::open_input_file(input).map_err(|e| format!("cannot read `{shown}`: {e}"))?;
        Box::new(io::BufReader::with_capacity(1 << 16, file))
    };
    Ok((reader, format))
}
