//! A file's text as miette reads it to render a diagnostic, a few lines at a time.
//!
//! miette's `SourceCode` for a string scans from the start of the file to find
//! the lines around a span, and the renderer used to copy the whole text for
//! every diagnostic: N diagnostics on one file cost N passes over it (20,000
//! warnings on a 640 KB policy took 25 s). [`FileSource`] is built once per
//! file, keeps the offsets where its lines start, and hands miette's own
//! reader only the lines asked for, then shifts the result back, so miette sees
//! exactly what a scan of the whole file would have given it.

use miette::{MietteError, MietteSpanContents, SourceCode, SourceSpan, SpanContents};
use std::sync::Arc;

/// One file's text, its name as diagnostics print it, and where its lines start.
#[derive(Debug)]
pub(super) struct FileSource {
    name: String,
    text: Arc<str>,
    /// Byte offset of each line's first byte, first 0, by miette's reckoning of
    /// line ends: `\n`, `\r\n` and a lone `\r` (which `LineIndex` does not count).
    line_starts: Vec<usize>,
}

impl FileSource {
    pub(super) fn new(name: String, text: Arc<str>) -> FileSource {
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
            contents.column(),
            contents.line_count() + first,
        )))
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
        let whole = NamedSource::new("f.policy", text.to_string());
        // Spans start inside the text: the renderer pads a text with a space
        // for a diagnostic at its end, and miette's own scan panics on a span
        // starting past the end of what it is given.
        for offset in 0..text.len() {
            for len in 0..4 {
                for context in 0..3 {
                    let span = SourceSpan::new(offset.into(), len);
                    let got = windowed.read_span(&span, context, context).map(|c| fields(&*c));
                    let want = whole.read_span(&span, context, context).map(|c| fields(&*c));
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
        ] {
            same_as_whole_file_scan(text);
        }
    }

    proptest::proptest! {
        #[test]
        fn reads_what_a_whole_file_scan_reads_on_any_text(text in "[ab\n\ré]{0,30}") {
            same_as_whole_file_scan(&text);
        }
    }
}
