//! String functions whose result the sandbox bounds before it is built.
//!
//! rhai checks a string's size against the limit after the function that
//! made it returns. `replace` can make a result far larger than its inputs
//! (each of 60,000 `x` replaced by a 60,000-byte string: 3.6 GB), so a
//! three-line hook took 9 GB for one account, and a run under a memory cap
//! aborted. The sandbox's `replace` works out the result's length first and
//! refuses one past the limit, as rhai would after building it.

use super::MAX_STRING_SIZE;
use rhai::{Engine, EvalAltResult, ImmutableString, Position};

/// Registers the bounded `replace` for each of rhai's four signatures
/// (a string or a character found, a string or a character put in).
pub(super) fn register_bounded_strings(engine: &mut Engine) {
    engine.register_fn("replace", |s: &mut ImmutableString, find: &str, put: &str| replace(s, find, put));
    engine.register_fn("replace", |s: &mut ImmutableString, find: &str, put: char| {
        replace(s, find, put.encode_utf8(&mut [0; 4]))
    });
    engine.register_fn("replace", |s: &mut ImmutableString, find: char, put: &str| {
        replace(s, find.encode_utf8(&mut [0; 4]), put)
    });
    engine.register_fn("replace", |s: &mut ImmutableString, find: char, put: char| {
        replace(s, find.encode_utf8(&mut [0; 4]), put.encode_utf8(&mut [0; 4]))
    });
}

/// rhai's `replace` (every occurrence of `find` in `s` by `put`, nothing
/// done to an empty string), refused before it is built when the result
/// would be longer than the limit.
fn replace(s: &mut ImmutableString, find: &str, put: &str) -> Result<(), Box<EvalAltResult>> {
    if s.is_empty() {
        return Ok(());
    }
    if replaced_len(s, find, put) > MAX_STRING_SIZE {
        return Err(Box::new(EvalAltResult::ErrorDataTooLarge("Length of string".into(), Position::NONE)));
    }
    *s = s.replace(find, put).into();
    Ok(())
}

/// The length in bytes of `s` with every `find` replaced by `put`, counted
/// without building it (saturating: any length past `usize` is past the limit).
fn replaced_len(s: &str, find: &str, put: &str) -> usize {
    let found = s.matches(find).count();
    let kept = s.len().saturating_sub(found.saturating_mul(find.len()));
    kept.saturating_add(found.saturating_mul(put.len()))
}

#[cfg(test)]
mod tests {
    use super::replaced_len;

    /// 60,000 `x`, each replaced by the 60,000 of them: refused before 3.6 GB
    /// are built. A replacement within the limit is made.
    #[test]
    fn a_replacement_past_the_limit_is_refused_before_it_is_built() {
        let engine = super::super::sandbox(super::super::DEFAULT_BUDGET);
        let script = r#"let s = ""; s.pad(60000, "x"); let r = s; r.replace("x", s); r.len()"#;
        let err = engine.eval::<rhai::INT>(script).err().map(|e| e.to_string()).unwrap_or_default();
        assert!(err.contains("Length of string"), "{err}");
        let err = engine.eval::<rhai::INT>(&script.replace(r#""x", s"#, "'x', s")).err().map(|e| e.to_string());
        assert!(err.unwrap_or_default().contains("Length of string"));
        let made = engine.eval::<rhai::INT>(r#"let s = "a-b-c"; s.replace("-", "::"); s.replace('a', 'A'); s.len()"#);
        assert_eq!(made.ok(), Some(7));
    }

    #[test]
    fn the_length_is_the_built_strings() {
        for (s, find, put) in [("hello, world", "o", "0"), ("aaa", "a", "bcd"), ("abc", "", "--"), ("abc", "x", "y")] {
            assert_eq!(replaced_len(s, find, put), s.replace(find, put).len(), "{s} {find} {put}");
        }
    }
}
