//! Text from snapshots, policies and test files, made safe to print on a
//! terminal.
//!
//! An account id, a string field, a rule name or an error message may hold a
//! newline (which draws a fake row in a table) or an escape sequence (which
//! can retitle or clear the terminal, or hide what follows). Every report
//! written for people passes such text through [`escape`]; JSON, YAML and CSV
//! have escapes of their own and are left to their encoders.

use std::borrow::Cow;
use std::fmt::Write;

/// `text` with every character a terminal would act on written visibly, as
/// Rust writes it: `\n`, `\r`, `\t`, and `\u{1b}` for the others (control
/// characters, Unicode line separators and bidirectional overrides), and
/// every [`invisible`] one too (`A4` and `A4` with a zero-width space read
/// apart). Other text, backslashes and quotes included, is unchanged.
pub fn escape(text: &str) -> Cow<'_, str> {
    let shown_otherwise = |c: char| acts_on_terminal(c) || invisible(c).is_some();
    if !text.chars().any(shown_otherwise) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if shown_otherwise(c) => {
                let _ = write!(out, "\\u{{{:x}}}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

/// A file's path as reports for people name it, [`escape`]d: a file named
/// with an escape sequence in it (one bad name in a checked-out folder is
/// enough) must not act on the terminal of whoever checks the folder.
pub fn shown_path(path: &std::path::Path) -> String {
    escape(&path.display().to_string()).into_owned()
}

/// True for a character that moves the cursor, starts an escape sequence or
/// reorders the text around it rather than printing as itself.
pub fn acts_on_terminal(c: char) -> bool {
    c.is_control() || matches!(c, '\u{2028}' | '\u{2029}' | '\u{61c}' | '\u{200e}' | '\u{200f}') || is_bidi_control(c)
}

/// A bidirectional embedding, override or isolate (U+202A–U+202E,
/// U+2066–U+2069): it reorders the text after it as shown, not as read
/// (the Trojan Source trick). Escaped here, named by `check` (`W0119`), and
/// replaced in diagnostic excerpts.
pub fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// What a bidirectional control is called.
pub const BIDI: &str = "a bidirectional control";

/// What U+2028 and U+2029 are called.
pub const LINE_SEPARATOR: &str = "a line or paragraph separator";

/// What an invisible character is, or `None` for a character one can see:
/// what `check` names in a policy's texts and comments (`W0119`) and in a
/// batch file's ids (`W0121`), and what a diagnostic's excerpt shows by a
/// stand-in.
pub fn invisible(c: char) -> Option<&'static str> {
    Some(match c {
        c if is_bidi_control(c) => BIDI,
        // Joiners (U+200C, U+200D) and direction marks belong to the text
        // they sit in (an emoji sequence, a Persian word, Hebrew): not said.
        '\u{200b}' | '\u{2060}' | '\u{feff}' | '\u{180e}' | '\u{034f}' => "a zero-width character",
        '\u{2061}'..='\u{2064}' => "an invisible operator",
        '\u{00ad}' => "a soft hyphen",
        // Blank in most fonts: looks like nothing, or like a space.
        '\u{115f}' | '\u{1160}' | '\u{3164}' | '\u{ffa0}' => "a Hangul filler",
        '\u{e0000}'..='\u{e007f}' => "a tag character",
        // An editor breaks the line there; the parser does not, so what
        // follows in a comment looks like code and is not.
        '\u{2028}' | '\u{2029}' => LINE_SEPARATOR,
        '\0' => "a NUL",
        '\t' | '\n' | '\r' => return None,
        c if c.is_control() => "a control character",
        _ => return None,
    })
}

/// `text` in double quotes, as Rust's `{:?}` writes it (`\"`, `\\`, `\n`,
/// and `\u{..}` for a control or invisible character), but for the
/// combining marks inside it: Thai, Hindi or Vietnamese text keeps its
/// vowel signs and tones (`"สวัสดี"`, where `{:?}` wrote `"สว\u{e31}สด\u{e35}"`).
/// One that opens the text is still escaped, as it would join the quote.
pub fn quoted(text: &str) -> String {
    // `str::escape_debug` escapes a combining mark only at the start; it
    // also escapes `'`, which `{:?}` of a string leaves as it is.
    let escaped = text.escape_debug().to_string().replace("\\'", "'");
    format!("\"{escaped}\"")
}

/// A count with its noun, as reports and messages say it: `1 argument`,
/// `2 arguments`, `0 errors`.
pub fn counted<N: PartialEq + From<u8> + std::fmt::Display>(n: N, noun: &str) -> String {
    let s = if n == N::from(1) { "" } else { "s" };
    format!("{n} {noun}{s}")
}

/// The columns `text` takes on a terminal: East Asian wide characters take
/// two, combining marks none (Unicode's East Asian Width), so tables of
/// Chinese ids or template names line up.
pub fn width(text: &str) -> usize {
    unicode_width::UnicodeWidthStr::width(text)
}

/// `text` followed by spaces up to `columns` display columns.
pub fn pad_right(text: &str, columns: usize) -> String {
    format!("{text}{}", " ".repeat(columns.saturating_sub(width(text))))
}

/// Spaces up to `columns` display columns, then `text`.
pub fn pad_left(text: &str, columns: usize) -> String {
    format!("{}{text}", " ".repeat(columns.saturating_sub(width(text))))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoted_text_is_debug_quoting_but_keeps_combining_marks() {
        for text in ["plain", "a \"q\" and \\ and 'a'", "tab\tnl\n\0", "\u{202e}x\u{200b}", "\\'", "日本"] {
            assert_eq!(quoted(text), format!("{text:?}"), "{text:?}");
        }
        assert_eq!(quoted("สวัสดี"), "\"สวัสดี\"");
        assert_eq!(quoted("\u{301}e"), "\"\\u{301}e\"");
    }

    #[test]
    fn control_characters_are_written_visibly() {
        assert_eq!(escape("A-1\nB\r\tC"), "A-1\\nB\\r\\tC");
        assert_eq!(escape("\u{1b}]0;title\u{7}\u{1b}[2J"), "\\u{1b}]0;title\\u{7}\\u{1b}[2J");
        assert_eq!(escape("\u{7f}\u{9b}\u{202e}\u{2028}"), "\\u{7f}\\u{9b}\\u{202e}\\u{2028}");
        assert_eq!(escape("A4\u{200b} \u{feff}x\u{ad}"), "A4\\u{200b} \\u{feff}x\\u{ad}");
    }

    #[test]
    fn ordinary_text_is_borrowed_unchanged() {
        for text in ["A-1", "say \"hi\" \\ back", "näme – ✓ 名前", ""] {
            assert!(matches!(escape(text), Cow::Borrowed(t) if t == text), "{text}");
        }
    }
}
