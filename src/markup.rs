//! Text written into XML or HTML (the JUnit report, `diff --html`): the
//! markup characters escaped, and the characters XML 1.0 cannot carry at
//! all (C0 controls other than tab and line ends, U+FFFE, U+FFFF) written
//! as U+FFFD, so that a rule name or a message from the data never makes
//! the file unreadable.

/// `text` as character data or a quoted attribute value.
#[must_use]
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if (c as u32) < 0x20 || matches!(c, '\u{fffe}' | '\u{ffff}') => out.push('\u{fffd}'),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::escape;

    #[test]
    fn markup_and_characters_xml_cannot_carry_are_escaped() {
        assert_eq!(escape("<b>\"A&B\"</b> 'x'"), "&lt;b&gt;&quot;A&amp;B&quot;&lt;/b&gt; &#39;x&#39;");
        assert_eq!(escape("a\u{1}b\u{fffe}c\u{ffff}\td\n"), "a\u{fffd}b\u{fffd}c\u{fffd}\td\n");
        assert_eq!(escape("中文 😀"), "中文 😀");
    }
}
