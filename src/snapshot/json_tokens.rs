//! The tokens of JSON text, read in one pass over its bytes for
//! [`super::json_direct`]: strings (borrowed unless they hold an escape),
//! numbers as their exact text, `true`/`false`/`null`, and the punctuation of
//! objects and arrays.
//!
//! The cursor accepts no more than `serde_json` does: anything it does not
//! accept — broken syntax, and a few valid oddities it leaves to `serde_json`
//! — is a [`Bail`], and the snapshot is then read again by the `serde_json`
//! reader, which says what is wrong in its own words. So a text this cursor
//! accepts is one `serde_json` accepts too.

use std::borrow::Cow;

/// The direct reader stopped: the text is not JSON, or holds something it
/// leaves to the `serde_json` reader.
#[derive(Debug)]
pub(super) struct Bail;

/// A step of reading that may bail.
pub(super) type Step<T> = Result<T, Bail>;

/// Objects and arrays nested deeper than this are left to `serde_json`,
/// which refuses 128 levels; below it, the readers' recursion is bounded.
const MAX_DEPTH: usize = 100;

/// `true`, `false` or `null`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Literal {
    /// `true` or `false`.
    Bool(bool),
    /// `null`.
    Null,
}

/// A position in JSON text.
#[derive(Debug)]
pub(super) struct Cursor<'t> {
    text: &'t str,
    pos: usize,
    /// Objects and arrays entered and not yet left.
    depth: usize,
}

impl<'t> Cursor<'t> {
    /// A cursor at the start of `text`.
    pub(super) fn new(text: &'t str) -> Cursor<'t> {
        Cursor { text, pos: 0, depth: 0 }
    }

    fn bytes(&self) -> &'t [u8] {
        self.text.as_bytes()
    }

    #[inline]
    fn byte(&self) -> Option<u8> {
        self.bytes().get(self.pos).copied()
    }

    /// The next byte that is not whitespace, left unread.
    #[inline]
    pub(super) fn peek(&mut self) -> Step<u8> {
        loop {
            match self.byte() {
                Some(b' ' | b'\n' | b'\r' | b'\t') => self.pos += 1,
                Some(b) => return Ok(b),
                None => return Err(Bail),
            }
        }
    }

    /// Reads `byte` after any whitespace.
    #[inline]
    fn expect(&mut self, byte: u8) -> Step<()> {
        if self.peek()? == byte {
            self.pos += 1;
            Ok(())
        } else {
            Err(Bail)
        }
    }

    /// True when nothing but whitespace is left.
    pub(super) fn at_end(&mut self) -> bool {
        self.peek().is_err()
    }

    /// Reads the `{` or `[` the cursor is at.
    pub(super) fn enter(&mut self) -> Step<()> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(Bail);
        }
        self.pos += 1;
        Ok(())
    }

    /// Reads the `,` before the next member of an object or array (unless
    /// `first`), or its closing `close`: true when a member follows.
    #[inline]
    fn next_member(&mut self, first: bool, close: u8) -> Step<bool> {
        let b = self.peek()?;
        if b == close {
            self.pos += 1;
            self.depth = self.depth.saturating_sub(1);
            return Ok(false);
        }
        if !first {
            if b != b',' {
                return Err(Bail);
            }
            self.pos += 1;
        }
        Ok(true)
    }

    /// The next key of an object (after [`Cursor::enter`]) and its `:`, or
    /// `None` after the closing `}`. `first` says no key was read yet.
    pub(super) fn next_key(&mut self, first: bool) -> Step<Option<Cow<'t, str>>> {
        if !self.next_key_start(first)? {
            return Ok(None);
        }
        self.key().map(Some)
    }

    /// Reads the `,` before the next key of an object (unless `first`) or its
    /// closing `}`: true when a key follows, and the cursor is at its `"`.
    #[inline]
    pub(super) fn next_key_start(&mut self, first: bool) -> Step<bool> {
        if !self.next_member(first, b'}')? {
            return Ok(false);
        }
        if self.peek()? != b'"' {
            return Err(Bail);
        }
        Ok(true)
    }

    /// Reads the key at the cursor (after [`Cursor::next_key_start`]) and its `:`.
    pub(super) fn key(&mut self) -> Step<Cow<'t, str>> {
        let key = self.string()?;
        self.expect(b':')?;
        Ok(key)
    }

    /// Reads the key at the cursor (after [`Cursor::next_key_start`]) and its
    /// `:` if it is `name` written as itself, without escapes; true if so.
    /// Comparing with the name the key is likely to be spares scanning it.
    /// `name` holds no `"`, `\` or control character (it is a field name,
    /// which is an identifier), so the quote after it is the key's end.
    #[inline]
    pub(super) fn key_is(&mut self, name: &str) -> Step<bool> {
        let name = name.as_bytes();
        let rest = self.bytes().get(self.pos + 1..).unwrap_or_default();
        let is = rest.get(name.len()) == Some(&b'"') && starts_with_short(rest, name);
        if is {
            self.pos += name.len() + 2;
            self.expect(b':')?;
        }
        Ok(is)
    }

    /// Whether another element of an array (after [`Cursor::enter`]) follows;
    /// false after the closing `]`. `first` says no element was read yet.
    pub(super) fn next_element(&mut self, first: bool) -> Step<bool> {
        self.next_member(first, b']')
    }

    /// Reads `true`, `false` or `null`.
    #[inline]
    pub(super) fn literal(&mut self) -> Step<Literal> {
        let rest = self.bytes().get(self.pos..).unwrap_or_default();
        let (literal, len) = if rest.starts_with(b"true") {
            (Literal::Bool(true), 4)
        } else if rest.starts_with(b"false") {
            (Literal::Bool(false), 5)
        } else if rest.starts_with(b"null") {
            (Literal::Null, 4)
        } else {
            return Err(Bail);
        };
        self.pos += len;
        Ok(literal)
    }

    /// A number's text exactly as written, checked against JSON's grammar
    /// (`-`? integer without leading zeros, `.` digits?, exponent?).
    pub(super) fn number(&mut self) -> Step<&'t str> {
        let start = self.pos;
        if self.byte() == Some(b'-') {
            self.pos += 1;
        }
        match self.byte() {
            Some(b'0') => {
                self.pos += 1;
                if self.byte().is_some_and(|b| b.is_ascii_digit()) {
                    return Err(Bail);
                }
            }
            Some(b'1'..=b'9') => self.digits(),
            _ => return Err(Bail),
        }
        if self.byte() == Some(b'.') {
            self.pos += 1;
            self.some_digits()?;
        }
        if matches!(self.byte(), Some(b'e' | b'E')) {
            self.pos += 1;
            if matches!(self.byte(), Some(b'+' | b'-')) {
                self.pos += 1;
            }
            self.some_digits()?;
        }
        self.text.get(start..self.pos).ok_or(Bail)
    }

    fn digits(&mut self) {
        while self.byte().is_some_and(|b| b.is_ascii_digit()) {
            self.pos += 1;
        }
    }

    fn some_digits(&mut self) -> Step<()> {
        let start = self.pos;
        self.digits();
        if self.pos == start {
            return Err(Bail);
        }
        Ok(())
    }

    /// Reads the string the cursor is at (its `"`), unescaped: borrowed from
    /// the text unless it holds an escape.
    #[inline]
    pub(super) fn string(&mut self) -> Step<Cow<'t, str>> {
        let start = self.pos + 1;
        self.pos = start;
        let end = self.plain_run();
        match self.byte() {
            Some(b'"') => {
                self.pos += 1;
                self.text.get(start..end).map(Cow::Borrowed).ok_or(Bail)
            }
            Some(b'\\') => self.escaped_from(start, end).map(Cow::Owned),
            _ => Err(Bail),
        }
    }

    /// The string that started at `start` and holds an escape at `end`,
    /// unescaped. Out of line and cold: few strings hold an escape, and
    /// kept inline its `String` made [`Cursor::string`] too large to inline
    /// (it saved and restored six registers for every string).
    #[cold]
    #[inline(never)]
    fn escaped_from(&mut self, start: usize, end: usize) -> Step<String> {
        let mut out = String::from(self.text.get(start..end).ok_or(Bail)?);
        self.escaped(&mut out)?;
        Ok(out)
    }

    /// Moves over characters that stand for themselves in a string, to the
    /// next `"`, `\` or control character (or the end); returns where it stopped.
    #[inline]
    fn plain_run(&mut self) -> usize {
        self.pos += plain_len(self.bytes().get(self.pos..).unwrap_or_default());
        self.pos
    }

    /// The rest of a string from its first `\`, unescaped onto `out`, up to and including its closing `"`.
    fn escaped(&mut self, out: &mut String) -> Step<()> {
        loop {
            match self.byte() {
                Some(b'"') => {
                    self.pos += 1;
                    return Ok(());
                }
                Some(b'\\') => {
                    self.pos += 1;
                    out.push(self.escape()?);
                }
                _ => return Err(Bail),
            }
            let start = self.pos;
            let end = self.plain_run();
            out.push_str(self.text.get(start..end).ok_or(Bail)?);
        }
    }

    /// The character an escape after its `\` stands for. A surrogate must be
    /// half of a pair written as two escapes, as `serde_json` requires of a string.
    fn escape(&mut self) -> Step<char> {
        let b = self.byte().ok_or(Bail)?;
        self.pos += 1;
        Ok(match b {
            b'"' => '"',
            b'\\' => '\\',
            b'/' => '/',
            b'b' => '\u{8}',
            b'f' => '\u{c}',
            b'n' => '\n',
            b'r' => '\r',
            b't' => '\t',
            b'u' => {
                let high = self.hex4()?;
                let code = match high {
                    0xD800..=0xDBFF => {
                        if self.bytes().get(self.pos..self.pos + 2) != Some(b"\\u") {
                            return Err(Bail);
                        }
                        self.pos += 2;
                        let low = self.hex4()?;
                        if !(0xDC00..=0xDFFF).contains(&low) {
                            return Err(Bail);
                        }
                        0x1_0000 + ((high - 0xD800) << 10) + (low - 0xDC00)
                    }
                    code => code,
                };
                char::from_u32(code).ok_or(Bail)?
            }
            _ => return Err(Bail),
        })
    }

    /// Four hex digits.
    fn hex4(&mut self) -> Step<u32> {
        let digits = self.bytes().get(self.pos..self.pos + 4).ok_or(Bail)?;
        let mut value = 0;
        for &d in digits {
            value = value * 16 + char::from(d).to_digit(16).ok_or(Bail)?;
        }
        self.pos += 4;
        Ok(value)
    }

    /// Reads over one value of any kind.
    pub(super) fn skip_value(&mut self) -> Step<()> {
        match self.peek()? {
            b'"' => self.string().map(drop),
            b'{' => {
                self.enter()?;
                let mut first = true;
                while self.next_key(first)?.is_some() {
                    self.skip_value()?;
                    first = false;
                }
                Ok(())
            }
            b'[' => {
                self.enter()?;
                let mut first = true;
                while self.next_element(first)? {
                    self.skip_value()?;
                    first = false;
                }
                Ok(())
            }
            b't' | b'f' | b'n' => self.literal().map(drop),
            _ => self.number().map(drop),
        }
    }
}

/// Whether a byte ends a run of string text that stands for itself.
fn ends_run(b: u8) -> bool {
    matches!(b, b'"' | b'\\' | 0..=0x1f)
}

/// Whether `text` starts with `name`. Field names are short, so they are
/// compared a word at a time (two overlapping loads cover any length up to
/// twice the word) instead of through a `memcmp` call, whose call and set-up
/// cost more than the comparison: 2% of a whole `eval` run's instructions.
#[inline]
fn starts_with_short(text: &[u8], name: &[u8]) -> bool {
    let Some(text) = text.get(..name.len()) else { return false };
    let ends_eq = |n: usize| match n {
        8 => text.first_chunk::<8>() == name.first_chunk::<8>() && text.last_chunk::<8>() == name.last_chunk::<8>(),
        4 => text.first_chunk::<4>() == name.first_chunk::<4>() && text.last_chunk::<4>() == name.last_chunk::<4>(),
        _ => text.first() == name.first() && text.get(1) == name.get(1) && text.last() == name.last(),
    };
    match name.len() {
        0 => true,
        1..=3 => ends_eq(1),
        4..=7 => ends_eq(4),
        8..=16 => ends_eq(8),
        _ => text == name,
    }
}

/// The length of the run of string text at the start of `bytes` that stands
/// for itself: up to the first `"`, `\` or control character, or all of it.
/// Eight bytes at a time: strings are most of a snapshot's bytes.
#[inline(always)]
fn plain_len(bytes: &[u8]) -> usize {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    // `(x - ONES * n) & !x & HIGH` flags bytes below `n` (a zero byte for
    // n = 1); the lowest flag is exact, which is the one used.
    let below = |x: u64, n: u8| x.wrapping_sub(ONES * u64::from(n)) & !x & HIGH;
    let mut chunks = bytes.chunks_exact(8);
    let mut len = 0;
    for chunk in &mut chunks {
        let Ok(eight) = <[u8; 8]>::try_from(chunk) else { break };
        let word = u64::from_le_bytes(eight);
        let found =
            below(word ^ (ONES * u64::from(b'"')), 1) | below(word ^ (ONES * u64::from(b'\\')), 1) | below(word, 0x20);
        if found != 0 {
            return len + (found.trailing_zeros() / 8) as usize;
        }
        len += 8;
    }
    let rest = chunks.remainder();
    len + rest.iter().position(|&b| ends_run(b)).unwrap_or(rest.len())
}

/// A JSON number as `serde_json` (with `arbitrary_precision`) hands it to a
/// visitor: a `u64` or `i64` when it is an integer that fits, else its text.
#[derive(Debug, PartialEq, Eq)]
pub(super) enum Number<'t> {
    /// A non-negative integer that fits `u64`.
    Unsigned(u64),
    /// A negative integer that fits `i64` (not `-0`).
    Signed(i64),
    /// Anything else, as [`number_text`] gives it.
    Text(Cow<'t, str>),
}

impl<'t> Number<'t> {
    /// The number written as `raw` (text [`Cursor::number`] accepted).
    pub(super) fn of(raw: &'t str) -> Number<'t> {
        if raw.starts_with('-') {
            if raw != "-0" {
                if let Ok(signed) = raw.parse() {
                    return Number::Signed(signed);
                }
            }
        } else if let Ok(unsigned) = raw.parse() {
            return Number::Unsigned(unsigned);
        }
        Number::Text(number_text(raw))
    }
}

/// A number's text as `serde_json` passes it on: as written, except that an
/// exponent is written `e`, with its sign (`1E3` is `1e+3`).
pub(super) fn number_text(raw: &str) -> Cow<'_, str> {
    let Some(e) = raw.find(['e', 'E']) else {
        return Cow::Borrowed(raw);
    };
    let (mantissa, exponent) = raw.split_at(e);
    let exponent = exponent.get(1..).unwrap_or_default();
    let sign = if exponent.starts_with(['+', '-']) { "" } else { "+" };
    Cow::Owned(format!("{mantissa}e{sign}{exponent}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn string(text: &str) -> Option<String> {
        let mut cursor = Cursor::new(text);
        let s = cursor.string().ok()?;
        cursor.at_end().then(|| s.into_owned())
    }

    fn number(text: &str) -> Option<&str> {
        let mut cursor = Cursor::new(text);
        let n = cursor.number().ok()?;
        cursor.at_end().then_some(n)
    }

    #[test]
    fn strings_are_unescaped() {
        assert_eq!(string(r#""plain""#).as_deref(), Some("plain"));
        assert_eq!(string(r#""a\"b\\c\/d\b\f\n\r\t""#).as_deref(), Some("a\"b\\c/d\u{8}\u{c}\n\r\t"));
        assert_eq!(string(r#""\u00e9t\u00C9""#).as_deref(), Some("étÉ"));
        assert_eq!(string(r#""\ud83d\ude00!""#).as_deref(), Some("😀!"));
        assert_eq!(string("\"é😀\"").as_deref(), Some("é😀"));
    }

    #[test]
    fn strings_serde_json_refuses_are_refused() {
        for bad in [
            r#""\ud83d""#,
            r#""\ud83d\u0041""#,
            r#""\ude00""#,
            r#""\ud83dx""#,
            r#""\x""#,
            r#""\u12g4""#,
            r#""\u12""#,
            "\"tab\there\"",
            "\"unclosed",
            r#""ends in \"#,
        ] {
            assert_eq!(string(bad), None, "{bad}");
        }
    }

    #[test]
    fn plain_runs_end_at_the_first_quote_backslash_or_control_character() {
        let naive = |bytes: &[u8]| bytes.iter().position(|&b| ends_run(b)).unwrap_or(bytes.len());
        let alphabet = [b'a', b'"', b'\\', 0, 0x1f, b' ', 0x7f, 0x80, 0xe9, 0xff, b'!', b'#', b'[', b'\\' + 1];
        let mut state = 0x2545_f491_4f6c_dd1d_u64;
        for _ in 0..20_000 {
            state = crate::snapshot::xorshift(state);
            let len = (state % 24) as usize;
            let bytes: Vec<u8> = (0..len)
                .map(|i| {
                    let pick = (state >> (i % 60)) as usize;
                    if pick.is_multiple_of(5) {
                        alphabet[pick / 5 % alphabet.len()]
                    } else {
                        b'x'
                    }
                })
                .collect();
            assert_eq!(plain_len(&bytes), naive(&bytes), "{bytes:?}");
        }
        for at in 0..20 {
            for stop in [b'"', b'\\', 0, 0x1f] {
                let mut bytes = vec![0xc3; 20];
                bytes[at] = stop;
                assert_eq!(plain_len(&bytes), at);
            }
        }
    }

    #[test]
    fn keys_are_matched_as_written() {
        let key_is = |text: &str, name: &str| {
            let mut cursor = Cursor::new(text);
            let is = cursor.enter().and_then(|()| cursor.next_key_start(true)).and_then(|_| cursor.key_is(name));
            let is = is.unwrap_or(false);
            (is, cursor.pos)
        };
        assert_eq!(key_is(r#"{ "score" : 1}"#, "score"), (true, 11));
        assert_eq!(key_is(r#"{"score":1}"#, "scor"), (false, 1));
        assert_eq!(key_is(r#"{"scores":1}"#, "score"), (false, 1));
        assert_eq!(key_is(r#"{"sc\u006fre":1}"#, "score"), (false, 1));
        assert_eq!(key_is(r#"{"score"}"#, "score"), (false, 8), "a key without its colon is broken");
        assert_eq!(key_is(r#"{"score"#, "score"), (false, 1));
    }

    #[test]
    fn short_names_are_compared_at_every_byte() {
        let text: Vec<u8> = (b'a'..=b'z').chain(b'A'..=b'Z').collect();
        for len in 0..=text.len() {
            let name = &text[..len];
            assert!(starts_with_short(&text, name), "length {len}");
            assert_eq!(starts_with_short(&text[..len.saturating_sub(1)], name), len == 0, "shorter text, length {len}");
            for at in 0..len {
                let mut other = name.to_vec();
                other[at] = b'_';
                assert!(!starts_with_short(&text, &other), "length {len}, differing at {at}");
            }
        }
    }

    #[test]
    fn numbers_follow_the_json_grammar() {
        for good in ["0", "-0", "7", "-12", "0.5", "10.25", "1e3", "1E+3", "2.5e-7", "123456789012345678901234567890"] {
            assert_eq!(number(good), Some(good));
        }
        for bad in ["", "-", "01", "-01", "1.", ".5", "+1", "1e", "1e+", "1.e3", "--1", "0x10"] {
            assert_eq!(number(bad), None, "{bad}");
        }
    }

    #[test]
    fn numbers_reach_readers_as_serde_json_hands_them_over() {
        assert_eq!(Number::of("720"), Number::Unsigned(720));
        assert_eq!(Number::of("18446744073709551615"), Number::Unsigned(u64::MAX));
        assert_eq!(Number::of("18446744073709551616"), Number::Text("18446744073709551616".into()));
        assert_eq!(Number::of("-3"), Number::Signed(-3));
        assert_eq!(Number::of("-0"), Number::Text("-0".into()));
        assert_eq!(Number::of("-9223372036854775809"), Number::Text("-9223372036854775809".into()));
        assert_eq!(Number::of("1.50"), Number::Text("1.50".into()));
        assert_eq!(Number::of("1E3"), Number::Text("1e+3".into()));
        assert_eq!(Number::of("-2.5e-7"), Number::Text("-2.5e-7".into()));
    }

    #[test]
    fn nesting_past_the_maximum_bails() {
        let deep = format!("{}{}", "[".repeat(MAX_DEPTH), "]".repeat(MAX_DEPTH));
        assert!(Cursor::new(&deep).skip_value().is_ok());
        let deeper = format!("{}{}", "[".repeat(MAX_DEPTH + 1), "]".repeat(MAX_DEPTH + 1));
        assert!(Cursor::new(&deeper).skip_value().is_err());
        assert!(Cursor::new(&"[".repeat(1_000_000)).skip_value().is_err());
    }

    #[test]
    fn trailing_commas_and_missing_colons_bail() {
        for bad in ["[1,]", "{\"a\":1,}", "{\"a\" 1}", "[1 2]", "{,}", "[,1]", "{1:2}", "nul", "tru"] {
            assert!(Cursor::new(bad).skip_value().is_err(), "{bad}");
        }
        for good in ["[]", "{}", " [ 1 , {\"a\" : [ ] } ] ", "{\"\":null}"] {
            let mut cursor = Cursor::new(good);
            assert!(cursor.skip_value().is_ok() && cursor.at_end(), "{good}");
        }
    }
}
