//! Diagnostics as data: what went wrong, where, and how to fix it.
//!
//! Every stage (parse, schema, check, hooks) reports problems as [`Diagnostic`]
//! values. Rendering them (with the source line and a caret) is the CLI's job;
//! the library only keeps the source texts in a [`SourceMap`] so a renderer can.

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
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    let before = text.get(..offset).unwrap_or(text);
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let col = before.get(line_start..).map_or(0, |s| s.chars().count()) + 1;
    (line, col)
}

/// The candidate closest to `name` by edit distance, if it is close enough to be a likely typo.
pub fn did_you_mean<'a>(name: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<String> {
    let limit = (name.chars().count() / 3).max(1);
    candidates
        .into_iter()
        .map(|c| (edit_distance(name, c), c))
        .filter(|(d, _)| *d <= limit)
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| format!("did you mean `{c}`?"))
}

/// Edit distance over characters counting a swap of neighbours as one edit
/// (optimal string alignment), so `scroe` is one edit from `score`.
#[expect(
    clippy::indexing_slicing,
    reason = "`d` has `(a.len() + 1) * (b.len() + 1)` cells and `i`, `j` stay within `1..=a.len()` and `1..=b.len()`"
)]
fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let width = b.len() + 1;
    let mut d = vec![0usize; (a.len() + 1) * width];
    let at = |i: usize, j: usize| i * width + j;
    for i in 0..=a.len() {
        d[at(i, 0)] = i;
    }
    for j in 0..=b.len() {
        d[at(0, j)] = j;
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut best = (d[at(i - 1, j)] + 1).min(d[at(i, j - 1)] + 1).min(d[at(i - 1, j - 1)] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                best = best.min(d[at(i - 2, j - 2)] + 1);
            }
            d[at(i, j)] = best;
        }
    }
    d[at(a.len(), b.len())]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_col_counts_characters() {
        assert_eq!(line_col("ab\ncé d", 6), (2, 3));
        assert_eq!(line_col("x", 0), (1, 1));
    }

    #[test]
    fn suggests_close_names_only() {
        assert_eq!(did_you_mean("scroe", ["score", "status"]).as_deref(), Some("did you mean `score`?"));
        assert_eq!(did_you_mean("zzzzz", ["score"]), None);
        assert_eq!(did_you_mean("balanse", ["balance", "score"]).as_deref(), Some("did you mean `balance`?"));
    }
}
