//! The `verdict` command line: a thin layer over the library.

// As in the library: the command line must not panic on any input either.
#![cfg_attr(not(test), deny(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing))]

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
