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
use verdict::syntax::lone_carriage_returns_as_newlines;
use verdict::terminal::{acts_on_terminal, invisible};

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
        let text = match lone_carriage_returns_as_newlines(&text) {
            std::borrow::Cow::Owned(shown) => shown.into(),
            std::borrow::Cow::Borrowed(_) => text,
        };
        // A character a terminal acts on, printed in an excerpt, would clear
        // the reader's screen (an escape sequence), ring, or reorder the
        // excerpt (a bidirectional control): each is shown as a character of
        // as many bytes, so the spans still point where they did (W0119
        // names it by its code point).
        let text = if text.chars().any(shown_otherwise) { controls_shown(&text).into() } else { text };
        // Every line ends with `\n` now.
        let ends = text.bytes().enumerate().filter(|&(_, b)| b == b'\n').map(|(i, _)| i + 1);
        let line_starts = std::iter::once(0).chain(ends).collect();
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

/// Characters of a line too wide to show whole kept either side of a span.
const CLIPPED_CONTEXT_CHARS: usize = 60;
/// Characters of a span itself kept on a line too wide to show whole.
const CLIPPED_SPAN_CHARS: usize = 120;
/// What stands for the part of a line left out.
const LEFT_OUT: &str = "…";

/// The part of one line too wide to show whole (a generated policy written on
/// one line) around a span, with `…` for what is left out, read by miette
/// as if it were that line: the excerpt keeps the line's number, and the
/// header the span's column in the file.
#[derive(Debug)]
pub(super) struct ClippedLine {
    name: String,
    text: String,
    /// 0-based number of the line.
    line: usize,
    /// Byte offsets in the file of the first and past the last byte kept.
    kept: (usize, usize),
    /// 0-based column, in characters, of the first byte kept.
    column: usize,
    /// Bytes of the `…` before the kept part (0 when the line starts there).
    prefix: usize,
}

impl ClippedLine {
    /// Where the file's byte `offset` is in the clipped line, if it was kept.
    pub(super) fn place(&self, offset: usize) -> Option<usize> {
        (self.kept.0..=self.kept.1).contains(&offset).then(|| offset - self.kept.0 + self.prefix)
    }

    /// The end of the kept part, as a place in the clipped line.
    pub(super) fn kept_end(&self) -> usize {
        self.kept.1 - self.kept.0 + self.prefix
    }
}

impl FileSource {
    /// The start of the character holding byte `offset`.
    fn char_start(&self, mut offset: usize) -> usize {
        while offset > 0 && !self.text.is_char_boundary(offset) {
            offset -= 1;
        }
        offset
    }

    /// The part of the line of byte `start` around `start..end`.
    pub(super) fn clipped(&self, start: usize, end: usize) -> ClippedLine {
        let line = self.line_of(start);
        let begin = self.line_starts.get(line).copied().unwrap_or(0);
        let next = self.line_starts.get(line + 1).copied().unwrap_or(self.text.len());
        let line_text = self.text.get(begin..next).unwrap_or_default();
        let line_end = begin + line_text.trim_end_matches(['\n', '\r']).len();
        // What the line shows starts after a byte-order mark opening the
        // file: it is no character of the line, nor a column.
        let shown = match begin {
            0 => self.text.strip_prefix('\u{feff}').map_or(0, |rest| self.text.len() - rest.len()),
            _ => begin,
        };
        let start = self.char_start(start.clamp(shown, line_end));
        let end = self.char_start(end.min(line_end));
        let back = |from: usize, chars: usize| {
            let before = self.text.get(shown..from).unwrap_or_default();
            before.char_indices().rev().nth(chars.saturating_sub(1)).map_or(shown, |(i, _)| shown + i)
        };
        let ahead = |from: usize, chars: usize| {
            let after = self.text.get(from..line_end).unwrap_or_default();
            after.char_indices().nth(chars).map_or(line_end, |(i, _)| from + i)
        };
        let kept_start = back(start, CLIPPED_CONTEXT_CHARS);
        let shown_end = end.clamp(start, ahead(start, CLIPPED_SPAN_CHARS));
        let kept_end = ahead(shown_end, CLIPPED_CONTEXT_CHARS);
        let kept = self.text.get(kept_start..kept_end).unwrap_or_default();
        let (before, after) =
            (if kept_start > shown { LEFT_OUT } else { "" }, if kept_end < line_end { LEFT_OUT } else { "" });
        ClippedLine {
            name: self.name.clone(),
            text: format!("{before}{kept}{after}"),
            line,
            kept: (kept_start, kept_end),
            column: char_column(&self.text, kept_start, kept_start - begin),
            prefix: before.len(),
        }
    }
}

impl SourceCode for ClippedLine {
    fn read_span<'a>(
        &'a self,
        span: &SourceSpan,
        _: usize,
        _: usize,
    ) -> Result<Box<dyn SpanContents<'a> + 'a>, MietteError> {
        // The whole clipped line, whatever is asked: it is the only line there is.
        let from = span.offset().clamp(self.prefix, self.text.len());
        let column = self.column + self.text.get(self.prefix..from).map_or(0, |t| t.chars().count());
        Ok(Box::new(MietteSpanContents::new_named(
            self.name.clone(),
            self.text.as_bytes(),
            SourceSpan::new(0.into(), self.text.len()),
            self.line,
            column,
            1,
        )))
    }
}

/// A character an excerpt does not print as itself: one a terminal acts on,
/// but for the tab and the line ends, which miette lays out.
fn shown_otherwise(c: char) -> bool {
    // A tag character (four bytes) has no stand-in of its length; it is
    // invisible but does nothing to the terminal.
    (acts_on_terminal(c) || (invisible(c).is_some() && c.len_utf8() < 4)) && !matches!(c, '\t' | '\n' | '\r')
}

/// `text` with each character [`shown_otherwise`] replaced by one of as
/// many bytes: `?` for an ASCII control (ESC, BEL, DEL), `¿` for a
/// two-byte one (a C1 control such as U+009B, which some terminals take as
/// ESC `[`; a soft hyphen), U+FFFD for a bidirectional control, a line
/// separator or a zero-width character.
fn controls_shown(text: &str) -> String {
    // The characters a terminal acts on are 1 to 3 bytes long (C0, C1, and
    // the format and separator characters of the BMP), as their stand-ins.
    let shown = |c: char| match c.len_utf8() {
        1 => '?',
        2 => '\u{bf}',
        _ => '\u{fffd}',
    };
    // A byte-order mark opening the file is the encoding's: kept, and not
    // counted in columns (`char_column`).
    let (mark, rest) = match text.strip_prefix('\u{feff}') {
        Some(rest) => ("\u{feff}", rest),
        None => ("", text),
    };
    let mut out = String::with_capacity(text.len());
    out.push_str(mark);
    out.extend(rest.chars().map(|c| if shown_otherwise(c) { shown(c) } else { c }));
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
    fn controls_are_shown_as_characters_of_as_many_bytes_in_place() {
        let text = "# a \u{202e}b\u{2066} c\u{1b}[2J\u{7f}\u{9b}\tx\nlet x = 1\n";
        let shown = controls_shown(text);
        assert_eq!(shown, "# a \u{fffd}b\u{fffd} c?[2J?\u{bf}\tx\nlet x = 1\n");
        assert_eq!(shown.len(), text.len());
        let source = FileSource::new("p.policy".into(), Arc::from(text));
        assert!(!source.text.contains('\u{202e}') && source.line_starts == [0, 23, 33], "{:?}", source.line_starts);
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

    #[test]
    fn a_clipped_line_keeps_the_part_around_the_span_and_its_place() {
        let line = format!("{}x{}", "é".repeat(100), "a".repeat(100));
        let source = FileSource::new("f".into(), format!("first\r\n{line}\r\nlast\n").into());
        let x = 7 + 200;
        let clip = source.clipped(x, x + 1);
        assert_eq!(clip.text, format!("…{}x{}…", "é".repeat(60), "a".repeat(60)));
        assert_eq!(clip.place(x), Some(LEFT_OUT.len() + 120));
        assert_eq!(clip.place(7), None, "the line's start is left out");
        let read = clip.read_span(&SourceSpan::new(LEFT_OUT.len().into(), 1), 1, 1).expect("read");
        assert_eq!((read.line(), read.column(), read.line_count()), (1, 40, 1));
        let read = clip.read_span(&SourceSpan::new((LEFT_OUT.len() + 120).into(), 1), 0, 0).expect("read");
        assert_eq!(read.column(), 100, "the span's column in the file, in characters");
        // At the line's start and end nothing is marked left out there.
        let start = source.clipped(7, 8);
        assert!(start.text.starts_with('é') && start.text.ends_with('…'), "{}", start.text);
        let end = source.clipped(7 + 300, 7 + 301);
        assert!(end.text.starts_with('…') && end.text.ends_with('a'), "{}", end.text);
        assert_eq!(end.kept_end(), end.text.len());
    }
}
