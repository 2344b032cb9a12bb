//! A small layout language (after Wadler's "prettier printer") and its renderer.
//!
//! The formatter describes a policy as a [`Doc`]; the renderer decides where
//! lines break. Only `and`/`or` chains ([`Doc::Fill`]) break by width; every
//! other line break is fixed by the canonical layout. Comments ride along as
//! [`Doc::Suffix`] (kept at the end of the line they were on, which ends
//! there) and
//! [`Doc::OwnLine`] (on a line of their own).

/// The widest line the formatter aims for (a chain operand longer than this stays whole).
pub const WIDTH: usize = 88;

/// A layout description.
#[derive(Clone, Debug)]
pub(crate) enum Doc {
    /// Literal text without newlines.
    Text(String),
    /// Several docs one after the other.
    Concat(Vec<Doc>),
    /// Ends the current line, unless already at the start of one.
    Newline,
    /// Ends the current line and leaves one empty line (never at the start of the output).
    BlankLine,
    /// The inner doc with its line starts indented this many more columns.
    Indent(usize, Box<Doc>),
    /// The inner doc with its line starts at the column where it begins.
    Align(Box<Doc>),
    /// Contents separated by a space, or by a line break where the next content
    /// would pass [`WIDTH`] or a trailing comment is waiting for its line to end.
    Fill(Vec<Doc>),
    /// A trailing comment: printed at the end of the current line, which ends there.
    Suffix(String),
    /// A comment on a line of its own at the current indentation.
    OwnLine(String),
}

impl Doc {
    /// Text from anything printable.
    pub(crate) fn text(s: impl Into<String>) -> Doc {
        Doc::Text(s.into())
    }

    /// A block: `head` (which ends with its `{`), `body` indented by
    /// `indent`, and the closing `}` on a line of its own.
    pub(crate) fn braced(mut head: Vec<Doc>, indent: usize, body: Doc) -> Doc {
        // The body ends its last line itself, so that the comments waiting
        // there (a row's) stay in the body, where a comment before `}` is.
        let body = Doc::Concat(vec![body, Doc::Newline]);
        head.extend([Doc::Indent(indent, Box::new(body)), Doc::Newline, Doc::text("}")]);
        Doc::Concat(head)
    }
}

/// Lays a doc out as text; the result ends with a newline unless it is empty.
pub(crate) fn render(doc: &Doc) -> String {
    let mut r = Renderer { out: String::new(), col: 0, at_start: true, pending: Vec::new() };
    r.doc(doc, 0);
    r.newline(0);
    r.out
}

struct Renderer {
    out: String,
    col: usize,
    /// Nothing but (not yet written) indentation on the current line.
    at_start: bool,
    /// Trailing comments waiting for the end of the line.
    pending: Vec<String>,
}

impl Renderer {
    fn doc(&mut self, doc: &Doc, indent: usize) {
        match doc {
            Doc::Text(s) => self.text(s, indent),
            Doc::Concat(docs) => docs.iter().for_each(|d| self.doc(d, indent)),
            Doc::Newline => self.newline(indent),
            Doc::BlankLine => {
                self.newline(indent);
                if !self.out.is_empty() && !self.out.ends_with("\n\n") {
                    self.out.push('\n');
                }
            }
            Doc::Indent(n, inner) => self.doc(inner, indent + n),
            Doc::Align(inner) => {
                let here = if self.at_start { indent } else { self.col };
                self.doc(inner, here);
            }
            Doc::Fill(items) => self.fill(items, indent),
            // A trailing comment with no code before it on its line (the
            // code it followed was laid out on an earlier line, before an
            // own-line comment) has nothing to trail: it gets its own line
            // here, in order. Held for the line's end, it would end the
            // next comment's line, inside that comment's text.
            Doc::Suffix(s) if self.at_start => {
                self.text(s, indent);
                self.newline(indent);
            }
            Doc::Suffix(s) => self.pending.push(s.clone()),
            Doc::OwnLine(s) => {
                self.newline(indent);
                self.text(s, indent);
                self.newline(indent);
            }
        }
    }

    fn fill(&mut self, items: &[Doc], indent: usize) {
        for (i, item) in items.iter().enumerate() {
            if i > 0 && !self.at_start {
                let (width, _) = flat_width(item);
                if !self.pending.is_empty() || self.col + 1 + width > WIDTH {
                    self.newline(indent);
                } else {
                    self.text(" ", indent);
                }
            }
            self.doc(item, indent);
        }
    }

    fn text(&mut self, s: &str, indent: usize) {
        // A trailing comment ends its line: what follows it starts the next one.
        let s = if self.pending.is_empty() || self.at_start {
            s
        } else {
            self.newline(indent);
            s.trim_start()
        };
        if s.is_empty() {
            return;
        }
        if self.at_start {
            self.out.push_str(&" ".repeat(indent));
            self.col = indent;
            self.at_start = false;
        }
        self.out.push_str(s);
        self.col += crate::terminal::width(s);
    }

    /// Ends the line with its trailing comment. When several wait (the code
    /// each followed is now inside one line: a table row written over two,
    /// `>= 600  # a` then `| _ => 1.0  # b`), the last ends the line, after
    /// the code it followed, and the others go on lines of their own just
    /// above it, in order, indented as it is: where the next formatting,
    /// seeing them on lines of their own before the line's first token, puts
    /// them. No comment swallows another.
    fn newline(&mut self, _indent: usize) {
        if self.at_start {
            return;
        }
        // A separator written before a token that a trailing comment pushed to
        // the next line must not widen the gap: the comment always sits two
        // spaces after the code, or formatting would not be idempotent.
        let trimmed = self.out.trim_end_matches(' ').len();
        self.out.truncate(trimmed);
        let mut pending = std::mem::take(&mut self.pending);
        if let Some(last) = pending.pop() {
            self.out.push_str("  ");
            self.out.push_str(&last);
        }
        if !pending.is_empty() {
            let line_start = self.out.rfind('\n').map_or(0, |i| i + 1);
            let line = self.out.get(line_start..).unwrap_or_default();
            let indent = line.len() - line.trim_start_matches(' ').len();
            let above: String = pending.iter().map(|c| format!("{}{c}\n", " ".repeat(indent))).collect();
            self.out.insert_str(line_start, &above);
        }
        self.out.push('\n');
        self.at_start = true;
        self.col = 0;
    }
}

/// The width of a doc laid out flat up to its first forced line break, and
/// whether it has one.
fn flat_width(doc: &Doc) -> (usize, bool) {
    match doc {
        Doc::Text(s) => (crate::terminal::width(s), false),
        Doc::Concat(docs) => sum_widths(docs.iter(), 0),
        Doc::Newline | Doc::BlankLine | Doc::OwnLine(_) => (0, true),
        Doc::Indent(_, inner) | Doc::Align(inner) => flat_width(inner),
        Doc::Fill(items) => sum_widths(items.iter(), 1),
        // A trailing comment ends its line: what follows it is on the next.
        Doc::Suffix(_) => (0, true),
    }
}

fn sum_widths<'a>(docs: impl Iterator<Item = &'a Doc>, gap: usize) -> (usize, bool) {
    let mut total = 0;
    for (i, d) in docs.enumerate() {
        let (w, stop) = flat_width(d);
        total += w + if i > 0 { gap } else { 0 };
        if stop {
            return (total, true);
        }
    }
    (total, false)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(n: usize, w: &str) -> Vec<Doc> {
        (0..n).map(|i| Doc::text(if i == 0 { w.to_string() } else { format!("and {w}") })).collect()
    }

    #[test]
    fn fill_breaks_only_where_the_next_content_does_not_fit() {
        let doc = Doc::Concat(vec![Doc::text("when "), Doc::Align(Box::new(Doc::Fill(words(4, &"x".repeat(30)))))]);
        let out = render(&doc);
        let lines: Vec<&str> = out.lines().collect();
        assert_eq!(lines.len(), 2, "{out}");
        assert!(lines[1].starts_with("     and "), "{out}");
        assert!(lines.iter().all(|l| l.len() <= WIDTH), "{out}");
    }

    #[test]
    fn a_trailing_comment_sits_two_spaces_after_the_code_even_after_a_separator() {
        let doc = Doc::Concat(vec![Doc::text("age "), Doc::Suffix("# c".into()), Doc::Newline, Doc::text("\"A01\"")]);
        assert_eq!(render(&doc), "age  # c\n\"A01\"\n");
    }

    #[test]
    fn a_trailing_comment_ends_its_line_and_forces_the_next_break() {
        let doc = Doc::Fill(vec![Doc::Concat(vec![Doc::text("a"), Doc::Suffix("# why".into())]), Doc::text("and b")]);
        assert_eq!(render(&doc), "a  # why\nand b\n");
    }

    #[test]
    fn own_line_comments_start_a_line_and_never_leave_blank_lines() {
        let doc = Doc::Concat(vec![
            Doc::text("x {"),
            Doc::Indent(2, Box::new(Doc::Concat(vec![Doc::Newline, Doc::OwnLine("# c".into()), Doc::text("y")]))),
            Doc::Newline,
            Doc::text("}"),
        ]);
        assert_eq!(render(&doc), "x {\n  # c\n  y\n}\n");
    }

    #[test]
    fn a_trailing_comment_at_the_start_of_a_line_takes_its_own_line_in_order() {
        let doc = Doc::Concat(vec![
            Doc::text("r {"),
            Doc::Indent(
                2,
                Box::new(Doc::Concat(vec![
                    Doc::OwnLine("# c1".into()),
                    Doc::Suffix("# c2".into()),
                    Doc::OwnLine("# c3".into()),
                    Doc::text("when"),
                ])),
            ),
        ]);
        assert_eq!(render(&doc), "r {\n  # c1\n  # c2\n  # c3\n  when\n");
    }

    #[test]
    fn blank_lines_never_open_the_output_nor_double() {
        let doc = Doc::Concat(vec![Doc::BlankLine, Doc::text("a"), Doc::BlankLine, Doc::BlankLine, Doc::text("b")]);
        assert_eq!(render(&doc), "a\n\nb\n");
    }
}
