//! Watching CSV quotes: the `csv` crate reads a quote that is never closed
//! as a cell running to the end of the file, without a word, so every row
//! after it would vanish. [`QuoteWatch`] passes the bytes through unchanged
//! while following the crate's quoting rules, so the reader can tell when
//! that happened and where the quote opened.

use std::collections::VecDeque;
use std::io::{self, Read};

/// Where a field's quote is, as the `csv` crate's defaults read it (RFC 4180:
/// a `"` that starts a field quotes it, `""` inside is one quote character, a
/// `"` inside an unquoted field is an ordinary character).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum State {
    /// At the start of a field.
    FieldStart,
    /// Inside an unquoted field.
    Field,
    /// Inside a quoted field.
    Quoted,
    /// Just after a `"` inside a quoted field: it closes the quote, unless another `"` follows.
    QuoteInQuoted,
}

const BOM: [u8; 3] = [0xEF, 0xBB, 0xBF];

/// A reader that passes bytes through and follows their CSV quoting.
#[derive(Debug)]
pub(crate) struct QuoteWatch<R> {
    inner: R,
    state: State,
    /// Bytes passed so far.
    offset: u64,
    /// How many bytes of a byte-order mark the input started with.
    bom: u64,
    /// Line (1-based) and column (1-based, in characters) of the next byte.
    /// Lines end at `\n`, `\r\n` or a lone `\r`, as the `csv` crate ends records.
    line: u64,
    column: u64,
    /// True just after a `\r`: a `\n` then completes that line end, not another.
    after_cr: bool,
    /// Where the quote of the current quoted field opened.
    opened: (u64, u64),
    /// True once the input has ended.
    ended: bool,
    /// True where a record may start: at the beginning, and after a line end
    /// outside quotes (the `csv` crate skips empty lines).
    at_record_start: bool,
    /// The lines on which the records passed on but not yet read start: only
    /// those the `csv` crate has read ahead, as one is taken per record.
    record_lines: VecDeque<u64>,
}

impl<R> QuoteWatch<R> {
    pub(crate) fn new(inner: R) -> Self {
        QuoteWatch {
            inner,
            state: State::FieldStart,
            offset: 0,
            bom: 0,
            line: 1,
            column: 1,
            after_cr: false,
            opened: (0, 0),
            ended: false,
            at_record_start: true,
            record_lines: VecDeque::new(),
        }
    }

    /// The line on which the next record starts, taken once per record the
    /// `csv` crate reads, header included. (The crate's own line numbers
    /// leave out the empty lines it skips.)
    pub(crate) fn take_record_line(&mut self) -> Option<u64> {
        self.record_lines.pop_front()
    }

    /// The line and column of a quote still open when the input ended (the
    /// `csv` crate's last record then holds the rest of the file in one cell).
    pub(crate) fn unclosed(&self) -> Option<(u64, u64)> {
        (self.ended && self.state == State::Quoted).then_some(self.opened)
    }

    fn step(&mut self, byte: u8) {
        // The csv crate drops a byte-order mark at the very start: it is not
        // field text, and a quote right after it still opens a quoted field.
        let offset = self.offset;
        self.offset += 1;
        if offset == self.bom && BOM.get(offset as usize) == Some(&byte) {
            self.bom += 1;
            return;
        }
        if self.bom > 0 && self.bom < 3 && offset == self.bom {
            // Only the start of a byte-order mark: those bytes were field text.
            self.state = State::Field;
            self.column += 1;
        }
        let line_end = matches!(byte, b'\n' | b'\r');
        if self.at_record_start && !line_end {
            self.record_lines.push_back(self.line);
            self.at_record_start = false;
        } else if line_end && self.state != State::Quoted {
            self.at_record_start = true;
        }
        self.state = match (self.state, byte) {
            (State::FieldStart, b'"') => {
                self.opened = (self.line, self.column);
                State::Quoted
            }
            (State::Quoted, b'"') => State::QuoteInQuoted,
            (State::QuoteInQuoted, b'"') | (State::Quoted, _) => State::Quoted,
            (_, b',' | b'\n' | b'\r') => State::FieldStart,
            _ => State::Field,
        };
        let second_half_of_crlf = byte == b'\n' && self.after_cr;
        self.after_cr = byte == b'\r';
        if line_end && !second_half_of_crlf {
            self.line += 1;
            self.column = 1;
        } else if !line_end && byte & 0xC0 != 0x80 {
            self.column += 1;
        }
    }
}

impl<R: Read> Read for QuoteWatch<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        if n == 0 && !buf.is_empty() {
            self.ended = true;
        }
        for &byte in buf.get(..n).unwrap_or_default() {
            self.step(byte);
        }
        Ok(n)
    }
}

/// The lines of `bytes`, each without its end (`\n`, or a lone `\r`; a `\r`
/// before `\n` stays with its line, which the `csv` crate reads as a row end).
pub(crate) fn lines(bytes: &[u8]) -> Vec<&[u8]> {
    let mut lines = Vec::new();
    let mut start = 0;
    for (i, &b) in bytes.iter().enumerate() {
        let ends = b == b'\n' || (b == b'\r' && bytes.get(i + 1) != Some(&b'\n'));
        if ends {
            lines.push(bytes.get(start..i).unwrap_or_default());
            start = i + 1;
        }
    }
    lines.push(bytes.get(start..).unwrap_or_default());
    lines
}

/// The text of the lines after the first one in a cell that ran to the end
/// of the file from an unclosed quote, as they stand in the file (the `csv`
/// crate turned each `""` of them into `"`); empty when the cell is one line.
pub(crate) fn hidden_lines(cell: &[u8]) -> Vec<u8> {
    let Some(end) = cell.iter().position(|&b| b == b'\n' || b == b'\r') else {
        return Vec::new();
    };
    let rest = cell.get(end..).unwrap_or_default();
    let terminator = if rest.starts_with(b"\r\n") { 2 } else { 1 };
    let rest = rest.get(terminator..).unwrap_or_default();
    let mut raw = Vec::with_capacity(rest.len());
    for &byte in rest {
        raw.push(byte);
        if byte == b'"' {
            raw.push(b'"');
        }
    }
    raw
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Where a quote left open at the end of `text` opened, read through a [`QuoteWatch`].
    fn unclosed(text: &str) -> Option<(u64, u64)> {
        let mut watch = QuoteWatch::new(text.as_bytes());
        std::io::copy(&mut watch, &mut std::io::sink()).unwrap();
        watch.unclosed()
    }

    #[test]
    fn follows_the_csv_crates_quoting() {
        assert_eq!(unclosed("a,b\n1,\"2\n3,4\n"), Some((2, 3)));
        assert_eq!(unclosed("a,b\n1,\"2\n3\",4\n"), None, "closed on the next line");
        assert_eq!(unclosed("a,\"b\"\"c\n"), Some((1, 3)), "a doubled quote is one quote character");
        assert_eq!(unclosed("a,\"b\"\"\"\n"), None);
        assert_eq!(unclosed("a,b\"c\n"), None, "a quote inside an unquoted field is a character");
        assert_eq!(unclosed("a,\"b\"c\"d\n"), None, "after a closed quote the field goes on unquoted");
        assert_eq!(unclosed("\u{feff}\"a,b\n"), Some((1, 1)), "a quote after a byte-order mark opens a field");
        assert_eq!(unclosed("é,\"x"), Some((1, 3)), "columns count characters");
        assert_eq!(unclosed("a\r\"b"), Some((2, 1)), "a lone \\r ends a line, as it ends a row");
        assert_eq!(unclosed("a\r\n\"b"), Some((2, 1)), "\\r\\n is one line end");
        assert_eq!(unclosed(""), None);
    }

    #[test]
    fn lines_end_at_newlines_and_lone_carriage_returns() {
        assert_eq!(lines(b"a\rb\r\nc\nd"), [&b"a"[..], b"b\r", b"c", b"d"]);
        assert_eq!(lines(b""), [&b""[..]]);
    }

    #[test]
    fn hidden_lines_are_as_in_the_file() {
        assert_eq!(hidden_lines(b"2"), b"");
        assert_eq!(hidden_lines(b"2\r\n3,4\r\n5,\"x\"\r\n"), b"3,4\r\n5,\"\"x\"\"\r\n");
        assert_eq!(hidden_lines(b"2\n\n3"), b"\n3");
    }
}
