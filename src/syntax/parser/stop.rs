//! Where the parser stopped, read once for the rewriters of its message
//! (`body_errors`, `row_errors`, `idioms`): the line split at the column,
//! the word there, the rules pest wanted and where the line starts in the
//! file. Each rewriter reads what it needs instead of splitting the line by
//! characters again.

use super::*;

/// The parser's stop, and the diagnostic it gave there.
pub(super) struct Stop<'a> {
    /// The diagnostic to rewrite ("expected …" in words).
    pub diagnostic: &'a Diagnostic,
    /// The rules pest wanted.
    pub positives: &'a [Rule],
    /// The whole line the parser stopped on.
    pub line: &'a str,
    /// The line before the stop.
    pub before: &'a str,
    /// The line from the stop on.
    pub rest: &'a str,
    /// The word at the stop (letters, digits, `_`), empty at any other character.
    pub word: &'a str,
    /// The byte offset in the file where the line starts.
    line_start: Option<usize>,
}

impl<'a> Stop<'a> {
    /// The stop at character column `col` of `line`, which is byte `at` of the file.
    pub fn new(
        diagnostic: &'a Diagnostic,
        positives: &'a [Rule],
        line: &'a str,
        (col, at): (usize, usize),
        word: &'a str,
    ) -> Stop<'a> {
        let split = line.char_indices().nth(col).map_or(line.len(), |(b, _)| b);
        let (before, rest) = line.split_at(split);
        Stop { diagnostic, positives, line, before, rest, word, line_start: at.checked_sub(split) }
    }

    /// The character the parser stopped at.
    pub fn at(&self) -> Option<char> {
        self.rest.chars().next()
    }

    /// The file's byte offset of byte `i` of the line.
    pub fn offset(&self, i: usize) -> Option<usize> {
        self.line_start.map(|start| start + i)
    }

    /// Whether pest wanted any of these rules.
    pub fn wants(&self, rules: &[Rule]) -> bool {
        self.positives.iter().any(|r| rules.contains(r))
    }

    /// Whether the parser was reading a table's row or a scorecard's bin
    /// (a literal alone, such as a date, may be wanted anywhere).
    pub fn in_a_row(&self) -> bool {
        self.wants(&[
            Rule::bin,
            Rule::table_row,
            Rule::cell,
            Rule::cell_lit,
            Rule::cell_neg,
            Rule::cell_bound,
            Rule::cell_close,
            Rule::points,
        ])
    }

    /// The diagnostic rewritten: `message`, and `help`.
    pub fn said(&self, message: impl Into<String>, help: impl Into<String>) -> Diagnostic {
        let mut fixed = self.diagnostic.clone();
        fixed.message = message.into();
        fixed.with_help(help)
    }

    /// [`Stop::said`], pointing at bytes `start..end` of the line instead
    /// of the stop (a whole `1.5`, the `if` before the stop).
    pub fn said_at(
        &self,
        (start, end): (usize, usize),
        message: impl Into<String>,
        help: impl Into<String>,
    ) -> Diagnostic {
        let mut fixed = self.said(message, help);
        if let (Some(start), Some(end)) = (self.offset(start), self.offset(end)) {
            fixed.span = Span::new(start, end);
        }
        fixed
    }
}

/// `line` up to a `#` that is not in a string.
pub(super) fn without_comment(line: &str) -> &str {
    let mut in_string = false;
    for (i, c) in line.char_indices() {
        match c {
            '"' => in_string = !in_string,
            '#' if !in_string => return line.get(..i).unwrap_or(line),
            _ => {}
        }
    }
    line
}
