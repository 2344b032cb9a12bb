//! Panics of third-party code, caught where it reads what we were given.
//!
//! Our own code does not panic (clippy denies the ways to), but a decoder we
//! call may: the `parquet` crate indexes out of bounds on a damaged page, and
//! `arrow-ipc` unwraps an out-of-range integer in a damaged schema. Such a
//! panic must become an error for that input, never a crash or (on a worker
//! thread) a run that ends quietly short of records. [`catch`] runs the call,
//! and while it runs the binary's panic hook stays silent
//! ([`crate::hooks::quiet_hook_panics`]), as the panic is reported as an error.

use std::cell::Cell;
use std::panic::{catch_unwind, AssertUnwindSafe};

thread_local! {
    /// Whether [`catch`] is running a call on this thread.
    static CATCHING: Cell<bool> = const { Cell::new(false) };
}

/// Runs `f`; a panic inside it is returned as its message. The caller must
/// not use again what `f` was working on when it panicked: it may be half
/// updated (hence `AssertUnwindSafe`, which is only sound with that rule).
///
/// # Errors
///
/// The panic's message, when `f` panicked.
pub fn catch<T>(f: impl FnOnce() -> T) -> Result<T, String> {
    let outer = CATCHING.with(|c| c.replace(true));
    let result = catch_unwind(AssertUnwindSafe(f));
    CATCHING.with(|c| c.set(outer));
    result.map_err(|panic| {
        panic
            .downcast_ref::<&str>()
            .map(|s| (*s).to_string())
            .or_else(|| panic.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "a panic without a message".into())
    })
}

/// Whether a panic on this thread now would be caught by [`catch`].
pub fn catching() -> bool {
    CATCHING.with(Cell::get)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panic_is_its_message_and_the_flag_is_restored() {
        assert_eq!(catch(|| 7), Ok(7));
        let caught = catch(|| -> u8 { panic!("damaged page {}", 3) });
        assert_eq!(caught, Err("damaged page 3".into()));
        assert!(!catching());
        assert_eq!(catch(|| catch(catching)), Ok(Ok(true)));
    }
}
