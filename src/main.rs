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
static ALLOCATOR: WordAligned = WordAligned;

/// mimalloc, asked through plain `mi_malloc` when a word's alignment is
/// enough. `mimalloc::MiMalloc` always calls `mi_malloc_aligned`, whose
/// alignment check and fallback cost about 60 instructions more per call
/// (callgrind: 89 per allocation, 15 allocations per snapshot).
struct WordAligned;

/// Every mimalloc block is aligned to at least a word: its size classes are
/// whole words and its pages start aligned.
const WORD: usize = std::mem::size_of::<usize>();

// SAFETY: `mi_malloc` and `mi_realloc` return blocks aligned to a word (see
// `WORD`), which satisfies any layout whose alignment is at most a word;
// larger alignments go to `MiMalloc`, which asks for them. Every block,
// however allocated, belongs to mimalloc and is freed by `MiMalloc::dealloc`
// (`mi_free`); a block reallocated here had a word's alignment or less.
unsafe impl std::alloc::GlobalAlloc for WordAligned {
    unsafe fn alloc(&self, layout: std::alloc::Layout) -> *mut u8 {
        if layout.align() <= WORD {
            // SAFETY: see the impl.
            unsafe { libmimalloc_sys::mi_malloc(layout.size()).cast() }
        } else {
            // SAFETY: forwarded with the caller's guarantees.
            unsafe { mimalloc::MiMalloc.alloc(layout) }
        }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: std::alloc::Layout) {
        // SAFETY: `ptr` came from mimalloc (see the impl).
        unsafe { mimalloc::MiMalloc.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: std::alloc::Layout, new_size: usize) -> *mut u8 {
        if layout.align() <= WORD {
            // SAFETY: `ptr` came from mimalloc; the new block keeps a word's alignment.
            unsafe { libmimalloc_sys::mi_realloc(ptr.cast(), new_size).cast() }
        } else {
            // SAFETY: forwarded with the caller's guarantees.
            unsafe { mimalloc::MiMalloc.realloc(ptr, layout, new_size) }
        }
    }
}

fn main() -> std::process::ExitCode {
    // A panic inside a hook call is caught and becomes that account's hook
    // error; it must not print a panic report as if verdict had crashed.
    verdict::hooks::quiet_hook_panics();
    cli::run()
}

#[cfg(test)]
mod tests {
    use super::WordAligned;
    use std::alloc::{GlobalAlloc, Layout};

    /// Every block has the alignment its layout asks for, through `mi_malloc`
    /// (a word or less) and `mi_malloc_aligned` (more), and keeps it when it grows.
    #[test]
    fn blocks_have_their_layouts_alignment() {
        for align in [1, 2, 4, 8, 16, 32, 64, 4096] {
            for size in (1..=130).chain([1000, 5000, 100_000]) {
                let layout = Layout::from_size_align(size, align).unwrap();
                // SAFETY: the layout's size is not zero; the block is freed with the layout it has.
                unsafe {
                    let block = WordAligned.alloc(layout);
                    assert!(!block.is_null() && block as usize % align == 0, "size {size}, align {align}");
                    block.write_bytes(7, size);
                    let grown = WordAligned.realloc(block, layout, size * 3);
                    assert!(!grown.is_null() && grown as usize % align == 0, "grown {size}, align {align}");
                    assert_eq!(*grown.add(size - 1), 7);
                    WordAligned.dealloc(grown, Layout::from_size_align(size * 3, align).unwrap());
                }
            }
        }
    }
}
