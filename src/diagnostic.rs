//! Diagnostics as data: what went wrong, where, and how to fix it.
//!
//! Every stage (parse, schema, check, hooks) reports problems as [`Diagnostic`]
//! values. Rendering them (with the source line and a caret) is the CLI's job;
//! the library only keeps the source texts in a [`SourceMap`] so a renderer can.

pub mod codes;

use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// A byte range `start..end` in one source file. Ignored by AST equality.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Span {
    /// First byte.
    pub start: u32,
    /// One past the last byte.
    pub end: u32,
}

impl Span {
    /// A span from byte offsets.
    pub fn new(start: usize, end: usize) -> Span {
        Span { start: clamp_u32(start), end: clamp_u32(end.max(start)) }
    }
    /// The smallest span covering both.
    pub fn to(self, other: Span) -> Span {
        Span { start: self.start.min(other.start), end: self.end.max(other.end) }
    }
    /// Byte range for slicing.
    pub fn range(self) -> std::ops::Range<usize> {
        self.start as usize..self.end as usize
    }
}

fn clamp_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// How bad a diagnostic is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    /// Worth a look; does not stop the policy from compiling.
    Warning,
    /// The policy cannot be compiled.
    Error,
}

/// One problem found in a policy, schema, hook script, batch or test file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    /// Error or warning.
    pub severity: Severity,
    /// Stable code, e.g. `E0102`, that docs and tests can name.
    pub code: &'static str,
    /// One-line statement of the problem.
    pub message: String,
    /// File the span points into.
    pub file: PathBuf,
    /// Where; an empty span at 0 when the problem concerns the whole file.
    pub span: Span,
    /// Short text printed under the caret.
    pub label: Option<String>,
    /// How to fix it, e.g. "did you mean `score`?".
    pub help: Option<String>,
    /// The other places the problem involves (the earlier row of an overlap,
    /// the first definition of a name), each with its own label.
    pub related: Vec<Related>,
}

/// A second place a diagnostic points at.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Related {
    /// File the span points into (the diagnostic's own, or e.g. the schema).
    pub file: PathBuf,
    /// Where.
    pub span: Span,
    /// What is there, e.g. "row 2 matches it too".
    pub label: String,
}

impl Diagnostic {
    /// A new error diagnostic.
    pub fn error(code: &'static str, file: &Path, span: Span, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Error,
            code,
            message: message.into(),
            file: file.to_path_buf(),
            span,
            label: None,
            help: None,
            related: Vec::new(),
        }
    }
    /// A new warning diagnostic.
    pub fn warning(code: &'static str, file: &Path, span: Span, message: impl Into<String>) -> Self {
        Diagnostic { severity: Severity::Warning, ..Diagnostic::error(code, file, span, message) }
    }
    /// Adds the text printed under the caret.
    pub fn with_label(mut self, label: impl Into<String>) -> Self {
        self.label = Some(label.into());
        self
    }
    /// Adds a help line.
    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }
    /// Adds another place the problem involves, in `file`.
    pub fn with_related(mut self, file: &Path, span: Span, label: impl Into<String>) -> Self {
        self.related.push(Related { file: file.to_path_buf(), span, label: label.into() });
        self
    }
    /// Adds another place the problem involves, to a diagnostic already made.
    pub fn relate(&mut self, file: &Path, span: Span, label: impl Into<String>) -> &mut Self {
        self.related.push(Related { file: file.to_path_buf(), span, label: label.into() });
        self
    }
    /// Adds a help line only when there is one.
    pub fn with_help_opt(mut self, help: Option<String>) -> Self {
        self.help = help;
        self
    }
    /// True for errors.
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}[{}]: {}", if self.is_error() { "error" } else { "warning" }, self.code, self.message)
    }
}

/// The text of one loaded file, kept for rendering diagnostics.
#[derive(Clone, Debug)]
pub struct SourceFile {
    /// Path as the user named it (relative paths stay relative).
    pub path: PathBuf,
    /// Full text.
    pub text: Arc<str>,
}

/// Every file a load read, so diagnostics can be rendered with their source lines.
#[derive(Clone, Debug, Default)]
pub struct SourceMap {
    files: Vec<SourceFile>,
}

impl SourceMap {
    /// Remembers a file's text.
    pub fn add(&mut self, path: &Path, text: Arc<str>) {
        if self.get(path).is_none() {
            self.files.push(SourceFile { path: path.to_path_buf(), text });
        }
    }
    /// The text of a file, if it was read.
    pub fn get(&self, path: &Path) -> Option<&SourceFile> {
        self.files.iter().find(|f| f.path == path)
    }
    /// 1-based line and column (in characters) of a byte offset.
    pub fn line_col(&self, path: &Path, offset: u32) -> (usize, usize) {
        match self.get(path) {
            Some(file) => line_col(&file.text, offset as usize),
            None => (1, 1),
        }
    }
    /// All files, in the order they were read.
    pub fn files(&self) -> &[SourceFile] {
        &self.files
    }
}

/// 1-based line and column (in characters) of a byte offset in `text`.
/// Lines end at `\n`, `\r\n` or a lone `\r`, as the parser ends a comment
/// and as an editor counts them.
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    // An offset inside a character counts over the whole text, as `LineIndex` does.
    let offset = if text.is_char_boundary(offset) { offset } else { text.len() };
    let before = text.get(..offset).unwrap_or(text);
    let (ends, line_start) = line_ends(before.as_bytes(), text.as_bytes().get(offset).copied())
        .fold((0, 0), |(count, _), start| (count + 1, start));
    let col = before.get(line_start..).map_or(1, |s| column(s, line_start == 0));
    (ends + 1, col)
}

/// The byte offset just after each line end of `text` (`\n`, `\r\n`, or a
/// lone `\r`): where its lines after the first start.
pub fn line_ends_of(text: &str) -> impl Iterator<Item = usize> + '_ {
    line_ends(text.as_bytes(), None)
}

/// The byte offset just after each line end of `bytes` (`\n`, `\r\n`, or a
/// lone `\r`); `next` is the byte after them, which decides whether a final
/// `\r` is half of a `\r\n`.
fn line_ends(bytes: &[u8], next: Option<u8>) -> impl Iterator<Item = usize> + '_ {
    bytes.iter().enumerate().filter_map(move |(i, &b)| {
        let after = bytes.get(i + 1).copied().or(next);
        let ends = b == b'\n' || (b == b'\r' && after != Some(b'\n'));
        ends.then_some(i + 1)
    })
}

/// The 1-based column after `line_before`, the text of a line before an
/// offset, in characters. A byte order mark starting the file is not one: an
/// editor does not show it.
fn column(line_before: &str, first_line: bool) -> usize {
    let shown = if first_line { line_before.strip_prefix('\u{feff}').unwrap_or(line_before) } else { line_before };
    shown.chars().count() + 1
}

/// Where each line of a text starts, found once so that the line and column
/// of many offsets cost a binary search each instead of a scan from the start
/// (20,000 diagnostics on a 640 KB file made [`line_col`] read 6 GB).
#[derive(Clone, Debug)]
pub struct LineIndex {
    /// Byte offsets just after each line end (`\n`, `\r\n`, a lone `\r`).
    starts: Vec<usize>,
}

impl LineIndex {
    /// Indexes `text`.
    pub fn new(text: &str) -> LineIndex {
        LineIndex { starts: line_ends_of(text).collect() }
    }

    /// The same as [`line_col`]`(text, offset)`, for the `text` this index was made from.
    pub fn line_col(&self, text: &str, offset: usize) -> (usize, usize) {
        // `line_col` counts over the whole text when the offset is not on a
        // character boundary; so does this.
        let offset = offset.min(text.len());
        let offset = if text.is_char_boundary(offset) { offset } else { text.len() };
        let newlines_before = self.starts.partition_point(|&start| start <= offset);
        let line_start = newlines_before.checked_sub(1).and_then(|i| self.starts.get(i)).copied().unwrap_or(0);
        let col = text.get(line_start..offset).map_or(1, |s| column(s, line_start == 0));
        (newlines_before + 1, col)
    }
}

/// Names longer than this (in characters) get no suggestion. A person's typo
/// is far shorter; without a bound a 64,000-character name made the checker
/// compare it with every candidate at quadratic cost. Candidates need no bound
/// of their own: one within the allowed distance of a name this short is short.
pub const MAX_SUGGESTED_NAME_CHARS: usize = 128;

/// A file's bytes as text, or (not UTF-8) a diagnostic at its first bad
/// byte and the text to show it in: the bytes with each bad sequence as
/// U+FFFD (identical up to the span, which covers that replacement).
pub fn utf8_text(code: &'static str, path: &Path, bytes: Vec<u8>) -> Result<String, (Box<Diagnostic>, String)> {
    if let Some(encoding) = utf16_by_its_mark(&bytes) {
        let message = format!("`{}` is {encoding} text (its first bytes say so), not UTF-8", path.display());
        let d = Diagnostic::error(code, path, Span::new(0, 0), message).with_help(SAVE_AS_UTF8);
        return Err((Box::new(d), String::new()));
    }
    String::from_utf8(bytes).map_err(|e| {
        let at = e.utf8_error().valid_up_to();
        let byte = e.as_bytes().get(at).copied().unwrap_or_default();
        let shown = String::from_utf8_lossy(e.as_bytes()).into_owned();
        let message = format!("`{}` is not UTF-8 text: byte 0x{byte:02X} is not part of a character", path.display());
        let d = Diagnostic::error(code, path, Span::new(at, at + '\u{FFFD}'.len_utf8()), message)
            .with_label("not UTF-8")
            .with_help(SAVE_AS_UTF8_NOT_ANSI);
        (Box::new(d), shown)
    })
}

/// The ASCII character `c` is the full-width form of (U+FF01–U+FF5E:
/// `Ａ`, `７`, `－`, `，`), as Chinese and Japanese input methods type them.
pub fn full_width_form_of(c: char) -> Option<char> {
    let ascii = u32::from(c).checked_sub(0xfee0).and_then(char::from_u32);
    ascii.filter(|_| ('\u{ff01}'..='\u{ff5e}').contains(&c))
}

/// The ASCII punctuation `c` is the full-width form of (what a Chinese or
/// Japanese input method types: `，` `：` `（` `）` `＜`), or `,` for the
/// ideographic comma `、`: a character that looks like the syntax meant.
pub fn ascii_for_full_width(c: char) -> Option<char> {
    match c {
        '\u{3001}' => Some(','),
        c => full_width_form_of(c).filter(char::is_ascii_punctuation),
    }
}

/// "`，` (U+FF0C) is a full-width `,`": said the same way wherever one is met.
pub fn full_width_said(c: char, meant: char) -> String {
    if c == '\u{3001}' {
        return format!("`{c}` (U+3001) is an ideographic comma, not `{meant}`");
    }
    format!("`{c}` (U+{:04X}) is a full-width `{meant}`", u32::from(c))
}

/// A help for a YAML syntax error at `span` of `text` whose line, or the
/// line before it (where a scanner's error about a key often starts), holds
/// a full-width colon outside quotes and comments: `status：int` is a
/// scalar to YAML, not a key. (Other full-width punctuation is at home in
/// a value's or a comment's text.)
pub fn full_width_near(text: &str, span: Span) -> Option<String> {
    let at = (span.start as usize).min(text.len());
    let line_start = text.get(..at).and_then(|before| before.rfind('\n')).map_or(0, |i| i + 1);
    let previous_start = text.get(..line_start.saturating_sub(1)).and_then(|b| b.rfind('\n')).map_or(0, |i| i + 1);
    let line_end = text.get(at..).and_then(|after| after.find('\n')).map_or(text.len(), |i| at + i);
    let near = text.get(previous_start..line_end)?;
    let colon = near.lines().any(|line| {
        let mut quote = None;
        for (i, c) in line.char_indices() {
            match (quote, c) {
                (None, '"' | '\'') => quote = Some(c),
                (Some(q), c) if c == q => quote = None,
                (None, '#') if i == 0 || line[..i].ends_with([' ', '\t']) => return false,
                (None, '\u{ff1a}') => return true,
                _ => {}
            }
        }
        false
    });
    colon.then(|| format!("{}: write `:`", full_width_said('\u{ff1a}', ':')))
}

/// The help for a CSV header that reads as one cell because its file is
/// separated by something else (Excel writes `;` where the decimal mark is a
/// comma; a tab-separated export): `None` when no cell holds such a mark.
pub fn other_csv_delimiter<'a>(cells: impl IntoIterator<Item = &'a str>) -> Option<String> {
    let cells: Vec<&str> = cells.into_iter().collect();
    let delimiter = [';', '\t', '|'].into_iter().find(|d| cells.iter().any(|cell| cell.contains(*d)))?;
    Some(format!(
        "the header seems to be separated by `{}`: verdict reads comma-separated values",
        delimiter.escape_default()
    ))
}

/// How to save a file in a system's own encoding (Excel's "CSV", Notepad's
/// "ANSI": GBK on a Chinese Windows, Latin-1 on a Western one) as UTF-8.
pub const SAVE_AS_UTF8_NOT_ANSI: &str =
    "save the file as UTF-8 (Excel: \"CSV UTF-8\", not \"CSV\", which writes the system's encoding, such as GBK or Latin-1)";

/// How to save a file that is not UTF-8 (a UTF-16 one) as UTF-8.
pub const SAVE_AS_UTF8: &str =
    "save the file as UTF-8 (Excel: \"CSV UTF-8\"; PowerShell 5: `Out-File -Encoding utf8`, or `>` in PowerShell 7)";

/// `UTF-16 LE` or `UTF-16 BE` when `bytes` start as that encoding does:
/// with its byte-order mark (what Excel's "Unicode text" and PowerShell 5's
/// `>` write), or, without one, with a NUL beside each of the first two
/// letters (what some exporters write), which UTF-8 text never holds. Read
/// as UTF-8, such a file is bytes that are not UTF-8, or text with a NUL
/// after each letter.
pub fn utf16_by_its_mark(bytes: &[u8]) -> Option<&'static str> {
    match bytes {
        [0xFF, 0xFE, ..] => Some("UTF-16 LE"),
        [0xFE, 0xFF, ..] => Some("UTF-16 BE"),
        [a, 0, b, 0, ..] if *a != 0 && *b != 0 => Some("UTF-16 LE"),
        [0, a, 0, b, ..] if *a != 0 && *b != 0 => Some("UTF-16 BE"),
        _ => None,
    }
}

/// The candidate closest to `name` by edit distance, if it is close enough to be a likely typo.
///
/// Among equally close candidates the first one wins.
pub fn did_you_mean<'a>(name: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<String> {
    nearest_names(name, candidates, 1).first().map(|c| format!("did you mean `{c}`?"))
}

/// Up to `n` candidates within a third of `name`'s length in edits (at least
/// one), nearest first, ties in the candidates' order: for a help that lists
/// a few ("did you mean `sum` or `min`?") and, with `n = 1`, [`did_you_mean`].
pub fn nearest_names<'a>(name: &str, candidates: impl IntoIterator<Item = &'a str>, n: usize) -> Vec<&'a str> {
    let name_chars = name.chars().count();
    if name_chars > MAX_SUGGESTED_NAME_CHARS {
        return Vec::new();
    }
    let limit = (name_chars / 3).max(1);
    let mut scored: Vec<(usize, usize, &str)> = candidates
        .into_iter()
        .enumerate()
        // A candidate whose length differs by more than the limit needs more
        // edits than that: skipped before any distance is computed, so a very
        // long candidate costs nothing.
        .filter(|(_, c)| name_chars.abs_diff(c.chars().count()) <= limit)
        .filter_map(|(i, c)| {
            // Optimal string alignment: a swap of neighbours is one edit (`scroe`).
            let d = strsim::osa_distance(name, c);
            (d <= limit).then_some((d, i, c))
        })
        .collect();
    scored.sort_unstable();
    scored.into_iter().take(n).map(|(_, _, c)| c).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A full-width colon where a key's belongs is named; one in a comment
    /// or a quoted value is text, and the error there is another's.
    #[test]
    fn a_full_width_colon_is_named_only_outside_quotes_and_comments() {
        let at = |text: &str| full_width_near(text, Span::new(text.len() - 3, text.len() - 3));
        assert!(at("fields:\n  status：int\n  score: int\n").is_some_and(|h| h.contains("U+FF1A")));
        assert_eq!(at("fields:\n  status: [a, b   # 账户状态：必填\n  x: 1\n"), None);
        assert_eq!(at("fields:\n  note: \"备注：自由文本\n  x: 1\n"), None);
    }

    #[test]
    fn line_col_counts_characters() {
        assert_eq!(line_col("ab\ncé d", 6), (2, 3));
        assert_eq!(line_col("x", 0), (1, 1));
        assert_eq!(line_col("\u{feff}rule x", 8), (1, 6), "a byte order mark is not a column");
        assert_eq!(line_col("\u{feff}a\n\u{feff}b", 8), (2, 2), "only at the start of the file");
    }

    #[test]
    fn a_lone_carriage_return_ends_a_line_as_the_parser_takes_it() {
        assert_eq!(line_col("a\rbc", 3), (2, 2));
        assert_eq!(line_col("a\r\nbc", 4), (2, 2), "\\r\\n is one line end");
        assert_eq!(line_col("a\r\nbc", 1), (1, 2), "before the \\r of a \\r\\n");
        assert_eq!(LineIndex::new("a\rbc").line_col("a\rbc", 3), (2, 2));
    }

    proptest::proptest! {
        #[test]
        fn the_line_index_agrees_with_line_col(text in "[a\né\r\u{feff}]{0,40}", offset in 0usize..45) {
            let index = LineIndex::new(&text);
            proptest::prop_assert_eq!(index.line_col(&text, offset), line_col(&text, offset));
        }
    }

    #[test]
    fn nearest_names_come_first_and_far_ones_not_at_all() {
        let names = ["count", "sum", "min", "max", "avg", "days_between", "months_between"];
        assert_eq!(nearest_names("mix", names, 3), ["min", "max"]);
        assert_eq!(nearest_names("day_between", names, 3), ["days_between"]);
        assert_eq!(nearest_names("cuont", names, 3), ["count"], "a swap of neighbours is one edit");
        assert!(nearest_names("frobnicate", names, 3).is_empty());
    }

    #[test]
    fn suggests_close_names_only() {
        assert_eq!(did_you_mean("scroe", ["score", "status"]).as_deref(), Some("did you mean `score`?"));
        assert_eq!(did_you_mean("zzzzz", ["score"]), None);
        assert_eq!(did_you_mean("balanse", ["balance", "score"]).as_deref(), Some("did you mean `balance`?"));
    }

    /// The suggestion by definition: the first candidate at the least
    /// distance within the limit, every candidate measured in full.
    fn did_you_mean_reference(name: &str, candidates: &[&str]) -> Option<String> {
        let limit = (name.chars().count() / 3).max(1);
        candidates
            .iter()
            .map(|c| (strsim::osa_distance(name, c), c))
            .filter(|(d, _)| *d <= limit)
            .min_by_key(|(d, _)| *d)
            .map(|(_, c)| format!("did you mean `{c}`?"))
    }

    proptest::proptest! {
        // Small alphabets make close pairs, swaps and ties common; the length
        // test that skips candidates must never skip the right one.
        #[test]
        fn suggestions_are_those_of_the_definition(
            name in "[abcd_]{0,15}",
            candidates in proptest::collection::vec("[abcd_]{0,15}", 0..12),
        ) {
            let candidates: Vec<&str> = candidates.iter().map(String::as_str).collect();
            proptest::prop_assert_eq!(
                did_you_mean(&name, candidates.iter().copied()),
                did_you_mean_reference(&name, &candidates)
            );
        }
    }

    #[test]
    fn a_name_too_long_to_be_a_typo_gets_no_suggestion() {
        let at_bound = "x".repeat(MAX_SUGGESTED_NAME_CHARS);
        let near = format!("{}y", "x".repeat(MAX_SUGGESTED_NAME_CHARS - 1));
        assert!(did_you_mean(&at_bound, [near.as_str()]).is_some());
        let long = "x".repeat(100_000);
        let long_near = format!("{}y", "x".repeat(99_999));
        assert_eq!(did_you_mean(&long, [long_near.as_str()]), None);
    }
}
