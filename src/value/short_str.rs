//! A short string kept in place: the traced path records every string a
//! leaf reads (both sides of `collections_rung == "legal"`, the needle of
//! `id in ...`), and most are a few bytes long. Kept inside the [`Traced`]
//! value itself, such a string costs no allocation to record and none to
//! free when the trace is dropped (two calls into the allocator each, most
//! of a string's cost in a trace before).
//!
//! [`Traced`]: super::Traced

use std::fmt;

/// A string of at most [`ShortStr::CAPACITY`] bytes, stored inline.
/// 23 bytes with byte alignment, so that a [`super::Traced`] holding one
/// stays three words.
#[derive(Clone, Copy)]
pub struct ShortStr {
    len: u8,
    bytes: [u8; ShortStr::CAPACITY],
}

impl ShortStr {
    /// The longest string kept in place, in bytes.
    pub const CAPACITY: usize = 22;

    /// `s` kept in place; `None` when it is longer than [`ShortStr::CAPACITY`].
    #[inline]
    pub fn new(s: &str) -> Option<ShortStr> {
        let len = u8::try_from(s.len()).ok()?;
        let mut bytes = [0; ShortStr::CAPACITY];
        bytes.get_mut(..s.len())?.copy_from_slice(s.as_bytes());
        Some(ShortStr { len, bytes })
    }

    /// The string.
    pub fn as_str(&self) -> &str {
        // Built from a whole `&str` only, so the bytes are always UTF-8: the
        // check runs when a trace is read, never while deciding.
        self.bytes.get(..usize::from(self.len)).and_then(|b| std::str::from_utf8(b).ok()).unwrap_or_default()
    }
}

impl PartialEq for ShortStr {
    fn eq(&self, other: &ShortStr) -> bool {
        self.as_str() == other.as_str()
    }
}

impl fmt::Debug for ShortStr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.as_str(), f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_short_string_is_kept_whole_and_a_long_one_is_not() {
        for s in ["", "legal", "été ☃", "exactly twenty-two by!"] {
            assert_eq!(ShortStr::new(s).map(|t| t.as_str().to_owned()), Some(s.to_owned()));
        }
        assert_eq!("exactly twenty-two by!".len(), ShortStr::CAPACITY);
        assert!(ShortStr::new("twenty-three bytes long").is_none());
        assert!(ShortStr::new(&"x".repeat(300)).is_none());
        assert_eq!(format!("{:?}", ShortStr::new("a\"b").unwrap()), "\"a\\\"b\"");
    }
}
