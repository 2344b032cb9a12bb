//! Comments: silent in the grammar, found again in the source text by the
//! formatter (which keeps them) and the checker (which reads
//! `# verdict: allow(...)` in them).

use super::LINE_END;

/// One `# ...` comment.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Comment {
    /// Byte offset of the `#`.
    pub start: usize,
    /// Byte offset just past its last character (before the newline).
    pub end: usize,
    /// The comment as written, without trailing whitespace.
    pub text: String,
    /// Code precedes it on its line: it stays at the end of a line.
    pub trailing: bool,
}

/// Every comment of a source text, in order. Strings are skipped, so a `#`
/// inside `"..."` is not a comment.
pub fn lex_comments(src: &str) -> Vec<Comment> {
    let mut comments = Vec::new();
    let mut code_on_line = false;
    let mut in_string = false;
    let mut escaped = false;
    let mut chars = src.char_indices();
    while let Some((i, c)) = chars.next() {
        if in_string {
            match c {
                _ if escaped => escaped = false,
                '\\' => escaped = true,
                '"' | '\n' => in_string = false,
                _ => {}
            }
            if c == '\n' {
                code_on_line = false;
            }
            continue;
        }
        match c {
            '\n' | '\r' => code_on_line = false,
            '"' => {
                in_string = true;
                code_on_line = true;
            }
            '#' => {
                let end = src[i..].find(LINE_END).map_or(src.len(), |n| i + n);
                // Spaces and tabs that end the line are layout; any other
                // character (a full-width space, a no-break space) is the
                // comment's text, kept as written.
                let text = src[i..end].trim_end_matches([' ', '\t']).to_string();
                comments.push(Comment { start: i, end: i + text.len(), text, trailing: code_on_line });
                // Skip to the newline, which the loop then sees.
                while chars.clone().next().is_some_and(|(j, _)| j < end) {
                    chars.next();
                }
            }
            c if c.is_whitespace() => {}
            // A byte order mark starting the file is not code: a comment after it leads.
            '\u{feff}' if i == 0 => {}
            _ => code_on_line = true,
        }
    }
    comments
}
