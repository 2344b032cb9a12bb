//! How much of one input verdict agrees to hold in memory.
//!
//! A snapshot is read whole before it is decided, so one enormous snapshot
//! (a 100 MB JSON line, a runaway CSV row) would otherwise be buffered in
//! full. JSON Lines is read with [`read_line_bounded`], which stops keeping a
//! line's bytes once it passes the maximum and skips to the next line: the
//! oversize line becomes an error record for that line alone, in its place,
//! and memory stays at the maximum whatever the line's length.

use super::{Key, SnapshotError};
use std::io::{self, BufRead};

/// Bounds on reading snapshots. The defaults suit any realistic credit book;
/// both can be raised (or lowered) per run.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ReadLimits {
    /// Bytes of one snapshot's text: a JSON Lines line, a CSV row, an element
    /// of a JSON array, a whole single-object JSON file. A larger snapshot is
    /// an error record in its place. Default 64 MiB.
    pub max_snapshot_bytes: u64,
    /// Bytes of a JSON or YAML file, which is read whole before its snapshots
    /// are split apart (JSON Lines and CSV stream and have no such bound). A
    /// larger file cannot be read at all. Default 1 GiB.
    pub max_file_bytes: u64,
}

/// 64 MiB: a snapshot with a thousand repayments is a few hundred KiB.
pub const DEFAULT_MAX_SNAPSHOT_BYTES: u64 = 64 << 20;
/// 1 GiB of JSON or YAML, read whole (JSON Lines streams any size).
pub const DEFAULT_MAX_FILE_BYTES: u64 = 1 << 30;

impl Default for ReadLimits {
    fn default() -> Self {
        ReadLimits { max_snapshot_bytes: DEFAULT_MAX_SNAPSHOT_BYTES, max_file_bytes: DEFAULT_MAX_FILE_BYTES }
    }
}

impl ReadLimits {
    /// Whether a snapshot of `bytes` bytes is over the maximum.
    #[must_use]
    pub fn snapshot_too_large(&self, bytes: usize) -> bool {
        u64::try_from(bytes).map_or(true, |b| b > self.max_snapshot_bytes)
    }

    /// The error record for a snapshot of `bytes` bytes over the maximum, at
    /// `place` (e.g. `line 7`), with its id when it could be read.
    #[must_use]
    pub fn oversize_snapshot(&self, place: &str, bytes: u64, id: Option<Key>) -> SnapshotError {
        SnapshotError {
            id,
            message: format!(
                "{place}: the snapshot is {} bytes, over the maximum of {} bytes (--max-snapshot-bytes)",
                bytes, self.max_snapshot_bytes
            ),
        }
    }
}

/// How much of a line over the maximum is kept: enough to read the id of a
/// snapshot that names it first, as exports do, for its error record.
pub const KEPT_OF_A_LONG_LINE: usize = 4096;

/// What [`read_line_bounded`] found.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LineRead {
    /// The input had ended; nothing was appended.
    End,
    /// One line (with its `\n`, unless it was the last) was appended. A line
    /// over the maximum that holds nothing but whitespace (after a leading
    /// byte-order mark on the first line) is blank, not too long: it is
    /// appended as a bare `\n`, so it is skipped like any blank line.
    Line,
    /// The line was longer than the maximum: its first bytes (at most
    /// [`KEPT_OF_A_LONG_LINE`], so its id can still be read) were appended,
    /// the rest read and dropped, and this is its length in bytes (without
    /// its line end: the snapshot's size, whatever ends its line).
    TooLong(u64),
}

/// Appends the next line of `input` (up to and including its end: `\n` or
/// `\r\n`, as JSON Lines defines them; a lone `\r` is whitespace inside the
/// line, as JSON reads it, so a snapshot written with one stays whole) to `buf`, like
/// [`BufRead::read_until`], unless it is longer than `max` bytes, its line
/// end not counted: then at most its first bytes are kept (the rest read and
/// dropped), so memory never grows past `max` and a line end (or the
/// [`KEPT_OF_A_LONG_LINE`] bytes kept for an id, if more) whatever the
/// line's length. `first_line` says whether a
/// leading byte-order mark may be ignored when telling a blank line.
///
/// # Errors
///
/// An I/O error from `input` (other than `Interrupted`, which is retried).
/// `buf` is then left as it was before the call.
pub fn read_line_bounded<R: BufRead + ?Sized>(
    input: &mut R,
    buf: &mut Vec<u8>,
    max: u64,
    first_line: bool,
) -> io::Result<LineRead> {
    let start = buf.len();
    // The line is held whole up to the maximum and the longest line end,
    // and at least up to the start kept of a long line (for its id).
    let hold = max.saturating_add(2).max(KEPT_OF_A_LONG_LINE as u64);
    let mut length: u64 = 0;
    let mut skipping = false;
    // Only while skipping: whether the line is blank after all.
    let mut blank = BlankCheck::new(first_line);
    // The line so far ends in a `\r`: a `\n` next makes a `\r\n` line end.
    let mut after_cr = false;
    loop {
        let available = match input.fill_buf() {
            Ok(available) => available,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => {
                buf.truncate(start);
                return Err(e);
            }
        };
        let (piece, ends_line) = line_piece(available);
        let at_end = piece.is_empty();
        // Bytes of the line end counted in `length` once this piece is (a
        // last line's trailing `\r`, with no `\n` after it, ends it too).
        let ending = match (ends_line, piece) {
            (true, [.., b'\r', b'\n']) => 2,
            (true, [b'\n']) if after_cr => 2,
            (true, _) => 1,
            (false, []) if after_cr => 1,
            (false, _) => 0,
        };
        if !at_end {
            after_cr = piece.last() == Some(&b'\r');
        }
        let taken = piece.len();
        length = length.saturating_add(taken as u64);
        if !skipping && length > hold {
            // Past the maximum: give back all but the line's start, and drop the rest unread.
            skipping = true;
            blank.feed(buf.get(start..).unwrap_or_default());
            keep_line_start(buf, start, piece);
        }
        if skipping {
            blank.feed(piece);
        } else {
            // Grow by doubling as usual, but never past the maximum, so a
            // line just under it does not reserve twice its size.
            let needed = buf.len() + taken;
            if needed > buf.capacity() {
                let ceiling = start.saturating_add(usize::try_from(hold).unwrap_or(usize::MAX));
                let target = buf.capacity().saturating_mul(2).min(ceiling).max(needed);
                buf.reserve_exact(target - buf.len());
            }
            buf.extend_from_slice(piece);
        }
        input.consume(taken);
        if ends_line || at_end {
            return Ok(line_read(skipping, (length, ending), max, &mut blank, buf, start));
        }
    }
}

/// The part of `available` up to and including the first `\n`, and whether
/// there was one.
fn line_piece(available: &[u8]) -> (&[u8], bool) {
    // memchr, not `iter().position`: this scan is the reader thread's
    // main cost, and the byte-at-a-time loop was 6% of a whole run's CPU.
    match memchr::memchr(b'\n', available) {
        Some(at) => (available.get(..=at).unwrap_or(available), true),
        None => (available, false),
    }
}

/// Of a line found too long, keeps its first bytes, from `buf` past `start`
/// and then from `piece`: at most [`KEPT_OF_A_LONG_LINE`], whatever the
/// maximum (an id is read from there however low it is set).
fn keep_line_start(buf: &mut Vec<u8>, start: usize, piece: &[u8]) {
    let end = start.saturating_add(KEPT_OF_A_LONG_LINE);
    buf.truncate(end);
    let room = end.saturating_sub(buf.len());
    buf.extend_from_slice(piece.get(..room).unwrap_or(piece));
}

/// What a finished line of `length` bytes, `ending` of them its line end,
/// was once its bytes are read.
fn line_read(
    skipping: bool,
    (length, ending): (u64, u64),
    max: u64,
    blank: &mut BlankCheck,
    buf: &mut Vec<u8>,
    start: usize,
) -> LineRead {
    let content = length.saturating_sub(ending);
    match (skipping, length) {
        (false, 0) => LineRead::End,
        (false, _) if content <= max => LineRead::Line,
        (false, _) => {
            // Held whole: over the maximum by no more than a line end, or
            // shorter than the start kept of a long line.
            blank.feed(buf.get(start..).unwrap_or_default());
            if blank.is_blank() {
                return LineRead::Line;
            }
            let kept = usize::try_from(content).map_or(KEPT_OF_A_LONG_LINE, |c| c.min(KEPT_OF_A_LONG_LINE));
            buf.truncate(start.saturating_add(kept));
            LineRead::TooLong(content)
        }
        (true, _) if blank.is_blank() => {
            buf.truncate(start);
            buf.push(b'\n');
            LineRead::Line
        }
        (true, _) => LineRead::TooLong(content),
    }
}

/// Tells, as a line's bytes go by, whether it is blank: nothing but ASCII
/// whitespace, after a leading byte-order mark where one is ignored (as
/// [`super::json_line_content`] tells it of a line read whole).
struct BlankCheck {
    /// A BOM may still start the line, and this much of it has been seen.
    bom: Option<usize>,
    blank: bool,
}

impl BlankCheck {
    const BOM: &'static [u8] = "\u{feff}".as_bytes();

    fn new(first_line: bool) -> BlankCheck {
        BlankCheck { bom: first_line.then_some(0), blank: true }
    }

    fn feed(&mut self, bytes: &[u8]) {
        for &b in bytes {
            if !self.blank {
                return;
            }
            if let Some(seen) = self.bom {
                if Self::BOM.get(seen) == Some(&b) {
                    self.bom = (seen + 1 < Self::BOM.len()).then_some(seen + 1);
                    continue;
                }
                // Not a BOM after all; the part of one already seen is text.
                self.bom = None;
                if seen > 0 {
                    self.blank = false;
                    return;
                }
            }
            self.blank = b.is_ascii_whitespace();
        }
    }

    fn is_blank(&self) -> bool {
        // A BOM begun but never finished is text.
        self.blank && self.bom.is_none_or(|seen| seen == 0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(input: &[u8], max: u64) -> Vec<Result<Vec<u8>, u64>> {
        // A tiny buffer, so lines straddle many fill_buf calls.
        let mut reader = io::BufReader::with_capacity(3, input);
        let mut out = Vec::new();
        loop {
            let mut buf = Vec::new();
            match read_line_bounded(&mut reader, &mut buf, max, out.is_empty()).unwrap() {
                LineRead::End => return out,
                LineRead::Line => out.push(Ok(buf)),
                LineRead::TooLong(n) => {
                    // Only the line's start is kept, enough for its id.
                    assert!(buf.len() <= KEPT_OF_A_LONG_LINE, "{buf:?}");
                    out.push(Err(n));
                }
            }
        }
    }

    #[test]
    fn splits_lines_like_read_until() {
        let got = lines(b"ab\n\ncdefg\nh", 100);
        assert_eq!(got, vec![Ok(b"ab\n".to_vec()), Ok(b"\n".to_vec()), Ok(b"cdefg\n".to_vec()), Ok(b"h".to_vec())]);
    }

    #[test]
    fn a_lone_carriage_return_stays_in_its_line_and_a_crlf_is_one_line_end() {
        // JSON Lines ends lines at `\n` alone; a `\r` elsewhere is whitespace
        // inside a snapshot (JSON allows it between tokens).
        let input = b"a\rb\r\nc\nd\r\re\r";
        let want: Vec<Result<Vec<u8>, u64>> =
            [&b"a\rb\r\n"[..], b"c\n", b"d\r\re\r"].iter().map(|l| Ok(l.to_vec())).collect();
        // Every buffer size, so a `\r` ends a buffer with its `\n` in the next, or not.
        for capacity in 1..=input.len() + 1 {
            let mut reader = io::BufReader::with_capacity(capacity, &input[..]);
            let mut got = Vec::new();
            loop {
                let mut buf = Vec::new();
                match read_line_bounded(&mut reader, &mut buf, 100, got.is_empty()).unwrap() {
                    LineRead::End => break,
                    LineRead::Line => got.push(Ok(buf)),
                    LineRead::TooLong(n) => got.push(Err(n)),
                }
            }
            assert_eq!(got, want, "buffer of {capacity}");
        }
        // A `\r\n` split over two buffers (`abcd\r` | `\nab\n`) is one line
        // end: the line is not too long.
        let mut reader = io::BufReader::with_capacity(5, &b"abcd\r\nab\n"[..]);
        let mut buf = Vec::new();
        assert_eq!(read_line_bounded(&mut reader, &mut buf, 4, true).unwrap(), LineRead::Line);
        assert_eq!(buf, b"abcd\r\n");
        // A long line holding a `\r` is skipped up to its `\n`.
        assert_eq!(lines(b"abc\rdefgh\nab\n", 4), vec![Err(9), Ok(b"ab\n".to_vec())]);
    }

    #[test]
    fn skips_only_the_long_line_and_counts_its_bytes() {
        let got = lines(b"ab\nabcdefghij\ncd\nklmnopqrstuv", 5);
        assert_eq!(got, vec![Ok(b"ab\n".to_vec()), Err(10), Ok(b"cd\n".to_vec()), Err(12)]);
    }

    #[test]
    fn a_line_of_exactly_the_maximum_is_kept_whatever_ends_it() {
        assert_eq!(lines(b"abcd\n", 5), vec![Ok(b"abcd\n".to_vec())]);
        // The maximum is the snapshot's, not its line end's.
        for line in [&b"abcde\n"[..], b"abcde\r\n", b"abcde\r", b"abcde"] {
            assert_eq!(lines(line, 5), vec![Ok(line.to_vec())], "{line:?}");
        }
        for line in [&b"abcdef\n"[..], b"abcdef\r\n", b"abcdef\r", b"abcdef", b"abcdefg\r\n"] {
            assert_eq!(lines(line, 5), vec![Err(line.trim_ascii_end().len() as u64)], "{line:?}");
        }
        assert_eq!(lines(b"abcdef\r\nab\n", 5), vec![Err(6), Ok(b"ab\n".to_vec())]);
    }

    #[test]
    fn a_long_blank_line_is_blank() {
        // Longer than the start kept for an id, so skipped as it is read.
        let spaces = " ".repeat(KEPT_OF_A_LONG_LINE + 10);
        let long = [spaces.as_bytes(), b"\t\r\nab\n"].concat();
        assert_eq!(lines(&long, 3), vec![Ok(b"\n".to_vec()), Ok(b"ab\n".to_vec())]);
        let bom_then_spaces = ["\u{feff}".as_bytes(), spaces.as_bytes(), b"\n"].concat();
        assert_eq!(lines(&bom_then_spaces, 3), vec![Ok(b"\n".to_vec())]);
        // Shorter: held whole, and blank.
        assert_eq!(lines(b"      \t\r\nab\n", 3), vec![Ok(b"      \t\r\n".to_vec()), Ok(b"ab\n".to_vec())]);
        assert_eq!(lines(b"\xef\xbb\xbf    \n", 3), vec![Ok(b"\xef\xbb\xbf    \n".to_vec())]);
        // A byte-order mark is only ignored at the start of the input.
        let mut reader = io::BufReader::with_capacity(2, &bom_then_spaces[..]);
        let mut buf = Vec::new();
        let bytes = (bom_then_spaces.len() - 1) as u64;
        assert_eq!(read_line_bounded(&mut reader, &mut buf, 3, false).unwrap(), LineRead::TooLong(bytes));
        // Nor is a lone BOM prefix followed by text.
        assert_eq!(lines(&[&"\u{feff}".as_bytes()[..2], b"   \n"].concat(), 3), vec![Err(5)]);
    }

    #[test]
    fn appends_after_what_the_buffer_holds() {
        let mut reader = io::BufReader::with_capacity(2, &b"xyz\n0123456789\n"[..]);
        let mut buf = b"kept".to_vec();
        assert_eq!(read_line_bounded(&mut reader, &mut buf, 8, false).unwrap(), LineRead::Line);
        assert_eq!(buf, b"keptxyz\n");
        assert_eq!(read_line_bounded(&mut reader, &mut buf, 8, false).unwrap(), LineRead::TooLong(10));
        assert_eq!(buf, b"keptxyz\n0123456789", "the long line's start, for its id, without its line end");
    }

    #[test]
    fn of_a_long_line_at_most_its_first_kilobytes_are_kept() {
        let long = [&b"{\"id\": \"A-1\", \"note\": \""[..], &vec![b'n'; 3 * KEPT_OF_A_LONG_LINE], b"\"}\n"].concat();
        let mut reader = io::BufReader::with_capacity(1000, &long[..]);
        let mut buf = Vec::new();
        let max = 2 * KEPT_OF_A_LONG_LINE as u64;
        assert_eq!(
            read_line_bounded(&mut reader, &mut buf, max, true).unwrap(),
            LineRead::TooLong(long.len() as u64 - 1)
        );
        assert_eq!(buf, long[..KEPT_OF_A_LONG_LINE]);
    }
}
