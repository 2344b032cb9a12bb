//! The `verdict` command line: a thin layer over the library.

mod cli;

/// Snapshots and decisions are many small allocations made and freed on every
/// worker; mimalloc's thread-local free lists measured faster than glibc's malloc.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    cli::run()
}
