//! The `verdict` command line: a thin layer over the library.

// As in the library: the command line must not panic on any input either.
#![cfg_attr(not(test), deny(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing))]
// Standard output and error are written through `cli::files`, which reports
// a failure instead of panicking as std's `print!` and `eprint!` do.
#![cfg_attr(not(test), deny(clippy::print_stdout, clippy::print_stderr))]

/// `eprint!` for the whole binary, in place of std's, which panics when
/// standard error cannot be written (`2>/dev/full`, a closed pipe): the
/// failure is remembered for the exit code instead (`cli::files::to_stderr`).
/// Defined before `mod cli` so that every `eprint!` in it is this one.
macro_rules! eprint {
    ($($arg:tt)*) => {
        $crate::cli::files::to_stderr(format_args!($($arg)*))
    };
}

/// `eprintln!` for the whole binary; see `eprint!` above.
macro_rules! eprintln {
    () => {
        $crate::cli::files::to_stderr(format_args!("\n"))
    };
    ($($arg:tt)*) => {
        $crate::cli::files::to_stderr(format_args!("{}\n", format_args!($($arg)*)))
    };
}

mod cli;

/// Snapshots and decisions are many small allocations made and freed on every
/// worker; mimalloc's thread-local free lists measured faster than glibc's malloc.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    // A panic inside a hook call is caught and becomes that account's hook
    // error; it must not print a panic report as if verdict had crashed.
    verdict::hooks::quiet_hook_panics();
    cli::run()
}
