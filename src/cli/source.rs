//! A file's text as miette reads it to render a diagnostic, a few lines at a time.
//!
//! miette's `SourceCode` for a string scans from the start of the file to find
//! the lines around a span, and the renderer used to copy the whole text for
//! every diagnostic: N diagnostics on one file cost N passes over it (20,000
//! warnings on a 640 KB policy took 25 s). [`FileSource`] is built once per
//! file, keeps the offsets where its lines start, and hands miette's own
//! reader only the lines asked for, then shifts the result back, so miette sees
//! exactly what a scan of the whole file would have given it, but for two
//! things it gets right where the scan does not: the column it reports (for
//! the `╭─[file:line:col]` header) counts characters, as every other place
//! that prints a position does, not bytes; and a lone `\r` ends a line in the
//! excerpt as it does for the parser and in the line number.

use miette::{MietteError, MietteSpanContents, SourceCode, SourceSpan, SpanContents};
use std::sync::Arc;

/// One file's text, its name as diagnostics print it, and where its lines start.
#[derive(Debug)]
pub(super) struct FileSource {
    name: String,
    text: Arc<str>,
    /// Byte offset of each line's first byte, first 0 (line ends: `\n`, `\r\n`).
    line_starts: Vec<usize>,
}

impl FileSource {
    pub(super) fn new(name: String, text: Arc<str>) -> FileSource {
        // miette's excerpt splits lines at `\n` only: a lone `\r` becomes a `\n`,
        // one byte for one, so every span still points where it did.
        let text = if text.contains('\r') { lone_carriage_returns_as_newlines(&text).into() } else { text };
        let bytes = text.as_bytes();
        let mut line_starts = vec![0];
        for (i, &b) in bytes.iter().enumerate() {
            let ends_line = b == b'\n' || (b == b'\r' && bytes.get(i + 1) != Some(&b'\n'));
            if ends_line {
                line_starts.push(i + 1);
            }
        }
        FileSource { name, text, line_starts }
    }

    /// 0-based line holding byte `offset` (the last line for offsets past the end).
    fn line_of(&self, offset: usize) -> usize {
        self.line_starts.partition_point(|&start| start <= offset).saturating_sub(1)
    }

    /// The length in bytes of the longest line an excerpt of `start..end`
    /// shows (one line of context either side).
    pub(super) fn widest_line_near(&self, start: usize, end: usize) -> usize {
        let first = self.line_of(start).saturating_sub(1);
        let last = self.line_of(end).saturating_add(1).min(self.line_starts.len().saturating_sub(1));
        (first..=last)
            .map(|line| {
                let begin = self.line_starts.get(line).copied().unwrap_or(self.text.len());
                let next = self.line_starts.get(line + 1).copied().unwrap_or(self.text.len());
                next.saturating_sub(begin)
            })
            .max()
            .unwrap_or(0)
    }

    /// The lines miette's scan would read for `span`: from `before` lines above
    /// it to two lines more than `after` below it (the scan stops at the end of
    /// the `after`-th line past the span's last; the margin costs a line or two
    /// and spares an exact argument). Returns the first line's number, its
    /// byte offset, and the text.
    fn window(&self, span: &SourceSpan, before: usize, after: usize) -> Option<(usize, usize, &str)> {
        // miette's scan takes an empty span to end on the byte before it, and
        // may stop there: start from that byte's line. Starting at an earlier
        // line start is always safe, a later one never.
        let anchor = if span.is_empty() { span.offset().saturating_sub(1) } else { span.offset() };
        let first = self.line_of(anchor).saturating_sub(before);
        let last = self.line_of(span.offset().saturating_add(span.len()));
        let start = *self.line_starts.get(first)?;
        let end =
            self.line_starts.get(last.saturating_add(after).saturating_add(2)).copied().unwrap_or(self.text.len());
        Some((first, start, self.text.get(start..end)?))
    }
}

impl SourceCode for FileSource {
    fn read_span<'a>(
        &'a self,
        span: &SourceSpan,
        context_lines_before: usize,
        context_lines_after: usize,
    ) -> Result<Box<dyn SpanContents<'a> + 'a>, MietteError> {
        // The window starts at a line start and holds every line miette's scan
        // would look at, so its answer differs from a whole-file scan only by
        // the lines and bytes before the window, added back here.
        let (first, start, window) = match self.window(span, context_lines_before, context_lines_after) {
            Some(w) if span.offset() >= w.1 => w,
            _ => (0, 0, &*self.text),
        };
        let shifted = SourceSpan::new((span.offset() - start).into(), span.len());
        let contents = window.read_span(&shifted, context_lines_before, context_lines_after)?;
        let read = contents.span();
        Ok(Box::new(MietteSpanContents::new_named(
            self.name.clone(),
            contents.data(),
            SourceSpan::new((read.offset() + start).into(), read.len()),
            contents.line() + first,
            char_column(&self.text, span.offset(), contents.column()),
            contents.line_count() + first,
        )))
    }
}

/// `text` with each `\r` that is not followed by `\n` replaced by `\n`.
fn lone_carriage_returns_as_newlines(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        out.push(if c == '\r' && chars.peek() != Some(&'\n') { '\n' } else { c });
    }
    out
}

/// The 0-based column of byte `offset` in characters, given miette's column
/// in bytes: the characters of the `byte_column` bytes before it, a byte
/// order mark starting the file not counted (an editor does not show one).
fn char_column(text: &str, offset: usize, byte_column: usize) -> usize {
    let line_start = offset.saturating_sub(byte_column);
    match text.get(line_start..offset) {
        Some(before) if line_start == 0 => before.strip_prefix('\u{feff}').unwrap_or(before).chars().count(),
        Some(before) => before.chars().count(),
        None => byte_column,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use miette::NamedSource;

    /// Every field miette reads from a span's contents.
    fn fields(c: &dyn SpanContents<'_>) -> (Vec<u8>, SourceSpan, usize, usize, usize, Option<String>) {
        (c.data().to_vec(), *c.span(), c.line(), c.column(), c.line_count(), c.name().map(String::from))
    }

    fn same_as_whole_file_scan(text: &str) {
        let windowed = FileSource::new("f.policy".into(), text.into());
        let text = &lone_carriage_returns_as_newlines(text);
        let whole = NamedSource::new("f.policy", text.to_string());
        // Spans start inside the text: the renderer pads a text with a space
        // for a diagnostic at its end, and miette's own scan panics on a span
        // starting past the end of what it is given.
        for offset in 0..text.len() {
            for len in 0..4 {
                for context in 0..3 {
                    let span = SourceSpan::new(offset.into(), len);
                    let got = windowed.read_span(&span, context, context).map(|c| fields(&*c));
                    // miette's scan counts the column in bytes; ours in characters.
                    let want = whole.read_span(&span, context, context).map(|c| {
                        let mut f = fields(&*c);
                        f.3 = char_column(text, offset, f.3);
                        f
                    });
                    match (got, want) {
                        (Ok(got), Ok(want)) => assert_eq!(got, want, "{text:?} at {offset}+{len}, context {context}"),
                        (Err(_), Err(_)) => {}
                        (got, want) => panic!("{text:?} at {offset}+{len}: {got:?} but {want:?}"),
                    }
                }
            }
        }
    }

    #[test]
    fn reads_what_a_whole_file_scan_reads() {
        for text in [
            "",
            "x",
            "\n",
            "let a = 1\nlet b = a\n\nrule \"r\" { when b > 0 then close }\n",
            "no newline at the end\nsecond",
            "crlf\r\nlines\r\n\r\nhere\r\n",
            "lone\rcarriage\rreturns\n\rmixed\r\n",
            "é\nçà\n€x\n",
            "\u{feff}ab\nc",
        ] {
            same_as_whole_file_scan(text);
        }
    }

    #[test]
    fn the_column_counts_characters_and_no_byte_order_mark() {
        let source = FileSource::new("f.policy".into(), "\u{feff}é x\nçà y".into());
        let column = |offset: usize| source.read_span(&SourceSpan::new(offset.into(), 1), 0, 0).map(|c| c.column());
        assert_eq!(column(6).ok(), Some(2), "`x` after a byte order mark, `é` and a space");
        assert_eq!(column(13).ok(), Some(3), "`y` after `çà `");
    }

    proptest::proptest! {
        #[test]
        fn reads_what_a_whole_file_scan_reads_on_any_text(text in "[ab\n\ré]{0,30}") {
            same_as_whole_file_scan(&text);
        }
    }
}
