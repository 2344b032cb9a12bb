//! Parsing: policy text → AST with spans.

pub mod ast;
pub mod cells;
pub mod comments;
pub mod parser;
mod reserved;
pub mod scorecard;
pub mod table;

pub use parser::parse_policy;
pub use reserved::{is_reserved, RESERVED_WORDS};

/// The words that start an action, as a risk officer writes them. They are
/// not reserved (a let may be named `review`), so after an action's text
/// such a name reads as the next action unless it is in parentheses
/// (`reason "R1" (review)`), which `fmt` therefore keeps.
pub const ACTION_WORDS: [&str; 14] = [
    "close",
    "freeze",
    "restrict",
    "reinstate",
    "set",
    "approve",
    "refer",
    "decline",
    "notify",
    "escalate",
    "review",
    "reason",
    "reasons",
    "tag",
];

/// Where a line, and so a comment, ends: `\n`, or a lone `\r` (old Mac
/// line ends), as in the grammar's `COMMENT`. The formatter's comment scans
/// and the parser's span trimming end a comment at the same places.
pub const LINE_END: [char; 2] = ['\n', '\r'];

/// `text` with each `\r` not followed by `\n` written `\n`: the same lines at
/// the same byte offsets, for code that ends lines at `\n` alone (miette's
/// excerpts, the YAML reader's recovery of a broken book item by item).
pub fn lone_carriage_returns_as_newlines(text: &str) -> std::borrow::Cow<'_, str> {
    let bytes = text.as_bytes();
    let lone = |i: usize| bytes.get(i) == Some(&b'\r') && bytes.get(i + 1) != Some(&b'\n');
    // Most texts have no `\r` at all: found by the library's fast search.
    if !text.contains('\r') || !(0..bytes.len()).any(lone) {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        out.push(if c == '\r' && chars.peek() != Some(&'\n') { '\n' } else { c });
    }
    std::borrow::Cow::Owned(out)
}

/// The line end a text is saved with: that of its first line (`\r\n`, a
/// lone `\r`, or `\n`, also when it has none). `fmt` writes its lines so,
/// and the editor's edits insert lines so.
pub fn line_end_of(text: &str) -> &'static str {
    match text.find(LINE_END).map(|at| text.get(at..).unwrap_or_default()) {
        Some(rest) if rest.starts_with("\r\n") => "\r\n",
        Some(rest) if rest.starts_with('\r') => "\r",
        _ => "\n",
    }
}

/// Source text on one line, as traces, reports and messages quote it:
/// comments left out (a `#` outside a string, to the end of its line) and
/// every run of whitespace outside strings one space. A string keeps its
/// spaces: `"a  b"` is another text than `"a b"`, and a report that showed
/// both alike would hide the change.
pub fn one_line(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let (mut in_string, mut escaped, mut in_comment, mut space) = (false, false, false, false);
    for c in text.chars() {
        if in_comment {
            if LINE_END.contains(&c) {
                in_comment = false;
                space = true;
            }
            continue;
        }
        if in_string {
            match c {
                _ if escaped => escaped = false,
                '\\' => escaped = true,
                '"' => in_string = false,
                _ => {}
            }
            out.push(c);
            continue;
        }
        match c {
            '#' => (in_comment, space) = (true, true),
            _ if c.is_whitespace() => space = true,
            _ => {
                if space && !out.is_empty() {
                    out.push(' ');
                }
                space = false;
                in_string = c == '"';
                out.push(c);
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::one_line;

    #[test]
    fn one_line_leaves_out_comments_but_not_a_hash_in_a_string() {
        assert_eq!(one_line("id # c1\n  in # c2\r reg_2023_q3"), "id in reg_2023_q3");
        assert_eq!(one_line("tag == \"#1 \\\"#\\\"\" # why\n"), "tag == \"#1 \\\"#\\\"\"");
        assert_eq!(one_line("a\n\tand  b"), "a and b");
        assert_eq!(one_line("# only a comment"), "");
        assert_eq!(
            one_line("reason \"R1\"  \"two  spaces\t\"\n  tag \"x\""),
            "reason \"R1\" \"two  spaces\t\" tag \"x\""
        );
    }
}
