//! What the formatter recovers from the source text that the AST does not
//! keep: comments (silent in the grammar), blank lines, the position of
//! keywords, and literals as they were written.

use super::doc::Doc;
pub(crate) use crate::syntax::comments::{lex_comments, Comment};
use crate::syntax::LINE_END;

/// The comments of a file, handed out in source order as the formatter reaches them.
pub(crate) struct CommentQueue {
    comments: Vec<Comment>,
    next: usize,
}

impl CommentQueue {
    /// A queue over these comments (in source order).
    pub(crate) fn new(comments: Vec<Comment>) -> Self {
        CommentQueue { comments, next: 0 }
    }

    /// The next comment not yet placed, if it starts before `pos`.
    pub(crate) fn peek_before(&self, pos: usize) -> Option<&Comment> {
        self.comments.get(self.next).filter(|c| c.start < pos)
    }

    /// Places every comment that starts before `pos`.
    pub(crate) fn before(&mut self, pos: usize) -> Doc {
        let mut docs = Vec::new();
        while let Some(c) = self.peek_before(pos) {
            docs.push(comment_doc(c));
            self.next += 1;
        }
        Doc::Concat(docs)
    }

    /// Places the trailing comments (those after code on their line) that start
    /// before `pos`, stopping at the first comment on a line of its own.
    pub(crate) fn trailing_before(&mut self, pos: usize) -> Doc {
        let mut docs = Vec::new();
        while let Some(c) = self.peek_before(pos).filter(|c| c.trailing) {
            docs.push(comment_doc(c));
            self.next += 1;
        }
        Doc::Concat(docs)
    }

    /// Takes the next comment (the caller peeked it).
    pub(crate) fn pop(&mut self) -> Option<Comment> {
        let c = self.comments.get(self.next).cloned();
        self.next += usize::from(c.is_some());
        c
    }
}

/// A comment as a layout element.
pub(crate) fn comment_doc(c: &Comment) -> Doc {
    if c.trailing {
        Doc::Suffix(c.text.clone())
    } else {
        Doc::OwnLine(c.text.clone())
    }
}

/// True when the whitespace between two offsets holds an empty line: two
/// line ends, each `\n`, `\r\n` or a lone `\r`.
pub(crate) fn blank_between(src: &str, from: usize, to: usize) -> bool {
    src.get(from..to).is_some_and(|gap| gap.replace("\r\n", "\n").matches(['\n', '\r']).count() >= 2)
}

/// The offset of keyword `kw` in `src[from..to]`, outside comments; the last
/// occurrence when there are several.
pub(crate) fn keyword(src: &str, from: usize, to: usize, kw: &str) -> Option<usize> {
    let gap = src.get(from..to)?;
    let mut found = None;
    let mut offset = 0;
    for line in gap.split_inclusive(LINE_END) {
        let code = line.split('#').next().unwrap_or("");
        let mut search = 0;
        while let Some(i) = code[search..].find(kw) {
            let at = search + i;
            let before_ok = code[..at].chars().next_back().is_none_or(|c| !is_word(c));
            let after_ok = code[at + kw.len()..].chars().next().is_none_or(|c| !is_word(c));
            if before_ok && after_ok {
                found = Some(from + offset + at);
            }
            search = at + kw.len();
        }
        offset += line.len();
    }
    found
}

fn is_word(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

/// A literal as written (`50_000`, `2%`, `12 months`, `"a\"b"`), from the
/// source text of its span: parentheses around it, comments and extra
/// whitespace are left out, and a sign is written against its number.
pub(crate) fn literal_text(src: &str, start: usize, end: usize) -> Option<String> {
    let text = src.get(start..end)?;
    let mut tokens: Vec<&str> = Vec::new();
    let mut rest = text;
    loop {
        rest = rest.trim_start();
        let Some(c) = rest.chars().next() else { break };
        let len = match c {
            '#' => {
                rest = rest.find(LINE_END).map_or("", |n| &rest[n..]);
                continue;
            }
            '"' => string_len(rest),
            '(' | ')' => 1,
            _ => rest.find(|c: char| c.is_whitespace() || matches!(c, '#' | '(' | ')' | '"')).unwrap_or(rest.len()),
        };
        tokens.push(&rest[..len]);
        rest = &rest[len..];
    }
    let inner: Vec<&str> = tokens.into_iter().filter(|t| *t != "(" && *t != ")").collect();
    // A sign is written against its number (`- 5` is `-5`); the text of a
    // string is never touched.
    let mut text = String::new();
    for (i, token) in inner.iter().enumerate() {
        if i > 0 && inner.get(i - 1) != Some(&"-") {
            text.push(' ');
        }
        text.push_str(token);
    }
    (!text.is_empty()).then_some(text)
}

/// Length of the string literal that `s` starts with (through its closing quote).
fn string_len(s: &str) -> usize {
    let mut escaped = false;
    for (i, c) in s.char_indices().skip(1) {
        match c {
            _ if escaped => escaped = false,
            '\\' => escaped = true,
            '"' => return i + 1,
            _ => {}
        }
    }
    s.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn comments_inside_strings_are_not_comments() {
        let src = "rule \"a#b\" { # real\n  when x # also\n# own\n";
        let c = lex_comments(src);
        assert_eq!(
            c.iter().map(|c| (c.text.as_str(), c.trailing)).collect::<Vec<_>>(),
            [("# real", true), ("# also", true), ("# own", false)]
        );
        assert_eq!(&src[c[0].start..c[0].end], "# real");
    }

    #[test]
    fn escaped_quotes_do_not_end_strings() {
        let c = lex_comments("reason \"R\" \"say \\\"#1\\\"\" # note\n");
        assert_eq!(c.len(), 1);
        assert_eq!(c[0].text, "# note");
    }

    #[test]
    fn keywords_are_found_outside_comments_as_whole_words() {
        let src = "{ # when then\n  when whenever when\n";
        assert_eq!(keyword(src, 0, src.len(), "when"), Some(src.rfind("when").unwrap_or(0)));
        assert_eq!(keyword("{ # when\n", 0, 9, "when"), None);
    }

    #[test]
    fn literals_keep_their_text_without_parentheses_or_comments() {
        assert_eq!(literal_text("( 50_000 )", 0, 10).as_deref(), Some("50_000"));
        assert_eq!(literal_text("12 # c\n months", 0, 14).as_deref(), Some("12 months"));
        assert_eq!(literal_text("(\"a)#\\\"\")", 0, 9).as_deref(), Some("\"a)#\\\"\""));
        assert_eq!(literal_text("- # c\n 2.5%", 0, 11).as_deref(), Some("-2.5%"));
        assert_eq!(literal_text("\"a - b\"", 0, 7).as_deref(), Some("\"a - b\""));
    }
}
