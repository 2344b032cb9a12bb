//! A JSON array of snapshots, read element by element: the file is read
//! whole, its elements split apart by a light scan and each converted alone,
//! so an element that is not JSON (or not UTF-8, or too large) is one error
//! record in its place and a `,` missing between two elements costs neither
//! its snapshot. An element whose damage hides where it ends (a string not
//! closed on its line, a `}` closing a `[`, a `}` missing) ends before the
//! next line that starts an element as it did (a `{` no further right than
//! its own), so the snapshots after it keep their records.

use super::json::{parse_at, Origin, INVALID_JSON};
use super::limits::ReadLimits;
use super::reader::{bad_in, id_despite_bad_bytes, id_of_long_snapshot, not_utf8_message, placed};
use super::{ReadItem, SnapshotError};
use crate::schema::Schema;
use std::sync::Arc;

/// The elements of a JSON array, split apart by a light scan and converted one
/// at a time, so a syntax error inside one element spoils only that element.
#[derive(Debug)]
pub(super) struct JsonArray {
    text: String,
    schema: Arc<Schema>,
    limits: ReadLimits,
    /// Byte offset of the next thing to read.
    pos: usize,
    /// Line of `pos` (1-based) and the byte offset where that line starts.
    line: usize,
    line_start: usize,
    state: ArrayState,
    /// Where the element before the next one ended without a `,` after it:
    /// the next element is read, and is the error record that says so.
    missing_comma: Option<Origin>,
    /// Offsets of bytes that were not UTF-8 (NULs in `text`), ascending.
    bad_bytes: Vec<usize>,
    /// The brackets open in the element being scanned (kept between elements
    /// for its capacity).
    open: Vec<u8>,
}

/// What ends an array element.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Closer {
    /// A `,`: another element follows.
    Comma,
    /// The array's `]`.
    Bracket,
    /// A complete object (or array) followed by neither: a `,` is missing
    /// (`{...}\n{...}`), and the element ends where the object does.
    Nothing,
}

#[derive(Debug, PartialEq, Eq)]
enum ArrayState {
    /// Before the opening `[`.
    Start,
    /// Between elements.
    Elements,
    /// After the closing `]`: only whitespace, or another array, may follow.
    Closed,
    /// Values one after another with no array around them: JSON Lines, or
    /// objects written one after the other, in a file named `.json`.
    Sequence,
    /// Nothing more to yield.
    Done,
}

impl JsonArray {
    /// The array of `text`, whose bytes at `bad_bytes` were not UTF-8.
    pub(super) fn new(text: String, bad_bytes: Vec<usize>, schema: Arc<Schema>, limits: ReadLimits) -> JsonArray {
        JsonArray {
            text,
            schema,
            limits,
            pos: 0,
            line: 1,
            line_start: 0,
            state: ArrayState::Start,
            missing_comma: None,
            bad_bytes,
            open: Vec::new(),
        }
    }

    /// The values of `text`, one after another with no array around them
    /// (see [`holds_a_sequence`]).
    pub(super) fn sequence(text: String, bad_bytes: Vec<usize>, schema: Arc<Schema>, limits: ReadLimits) -> JsonArray {
        JsonArray { state: ArrayState::Sequence, ..JsonArray::new(text, bad_bytes, schema, limits) }
    }

    /// Moves `pos` to `to`, counting the lines passed.
    fn advance(&mut self, to: usize) {
        let to = to.min(self.text.len());
        for (i, b) in self.text.as_bytes().iter().enumerate().take(to).skip(self.pos) {
            if *b == b'\n' {
                self.line += 1;
                self.line_start = i + 1;
            }
        }
        self.pos = to;
    }

    fn skip_whitespace(&mut self) {
        let rest = self.text.as_bytes().get(self.pos..).unwrap_or_default();
        let n = rest.iter().take_while(|b| b.is_ascii_whitespace()).count();
        self.advance(self.pos + n);
    }

    fn origin(&self) -> Origin {
        let column = self.pos - self.line_start + 1;
        let before = self.text.get(self.line_start..self.pos);
        Origin { line: self.line, column, shown: before.map_or(column, |b| b.chars().count() + 1) }
    }

    fn peek(&self) -> Option<u8> {
        self.text.as_bytes().get(self.pos).copied()
    }

    /// An error at `pos`, after which nothing more is read.
    fn error_here(&mut self, what: &str) -> SnapshotError {
        self.state = ArrayState::Done;
        let Origin { line, shown, .. } = self.origin();
        SnapshotError { id: None, message: format!("{INVALID_JSON} at line {line}, column {shown}: {what}") }
    }

    pub(super) fn next(&mut self) -> Option<ReadItem> {
        self.skip_whitespace();
        // Objects one after another may be written with commas between them.
        while self.state == ArrayState::Sequence && self.peek() == Some(b',') {
            self.advance(self.pos + 1);
            self.skip_whitespace();
        }
        match self.state {
            ArrayState::Done => return None,
            ArrayState::Closed | ArrayState::Sequence if self.peek().is_none() => {
                self.state = ArrayState::Done;
                return None;
            }
            // Arrays one after another (`[...]\n[...]`): each is read.
            ArrayState::Closed if self.peek() == Some(b'[') => {
                self.state = ArrayState::Start;
                return self.next();
            }
            ArrayState::Closed => return Some(Err(self.error_here("unexpected text after the closing `]`"))),
            ArrayState::Start => {
                self.advance(self.pos + 1); // INVARIANT: read_snapshots only builds a JsonArray for text starting with `[`.
                self.skip_whitespace();
                self.state = ArrayState::Elements;
                if self.peek() == Some(b']') {
                    self.advance(self.pos + 1);
                    self.state = ArrayState::Closed;
                    return self.next();
                }
            }
            ArrayState::Elements if self.peek() == Some(b']') => {
                // A `,` before the `]` (`[{...},]`) hides no snapshot: every
                // element before it has had its record.
                self.advance(self.pos + 1);
                self.state = ArrayState::Closed;
                return self.next();
            }
            ArrayState::Elements | ArrayState::Sequence => {}
        }
        let bare = self.state == ArrayState::Sequence;
        let start = self.pos;
        let origin = self.origin();
        let Some((end, closer)) = scan_element(self.text.as_bytes(), start, &mut self.open, bare) else {
            return Some(self.damaged(start, origin));
        };
        let item = self.element(start..end, origin);
        let item = self.after_gap(item);
        match closer {
            Closer::Comma => self.advance(end + 1),
            Closer::Bracket => {
                self.advance(end + 1);
                self.state = ArrayState::Closed;
            }
            Closer::Nothing if bare => self.advance(end),
            Closer::Nothing => {
                self.advance(end);
                self.missing_comma = Some(self.origin());
            }
        }
        Some(item)
    }
}

impl JsonArray {
    /// The snapshot of the element at `range` (starting at `origin`), or its
    /// error record: bytes that are not UTF-8, too large, or not one.
    fn element(&self, range: std::ops::Range<usize>, origin: Origin) -> ReadItem {
        let text = self.text.get(range.clone()).unwrap_or_default();
        let place = || format!("the array element at line {}, column {}", origin.line, origin.shown);
        let bad = bad_in(&self.bad_bytes, range.start, range.end);
        if !bad.is_empty() {
            Err(not_utf8((range.start, text), &place(), bad, &self.schema))
        } else if self.limits.snapshot_too_large(text.len()) {
            let id = id_of_long_snapshot(text.as_bytes(), origin.line, &self.schema);
            Err(self.limits.oversize_snapshot(&place(), text.len() as u64, id))
        } else {
            parse_at(text, &self.schema, origin).map_err(|e| placed(e, origin.line))
        }
    }

    /// The element at `start` whose end the scan could not find: up to the
    /// next line that starts an element or closes the array, or else to the
    /// end of the text.
    fn damaged(&mut self, start: usize, origin: Origin) -> ReadItem {
        let bytes = self.text.as_bytes();
        let next = next_element_line(bytes, start, origin.column);
        let Some(next) = next.or_else(|| next_element_on_the_line(bytes, start)) else {
            return self.cut_off(start, origin);
        };
        let before = self.text.as_bytes().get(start..next).unwrap_or_default();
        let kept = before.iter().rposition(|b| !b.is_ascii_whitespace()).map_or(0, |i| i + 1);
        let end = start + kept - usize::from(before.get(kept.wrapping_sub(1)) == Some(&b','));
        let item = self.element(start..end, origin);
        let item = self.after_gap(item);
        self.advance(next);
        item
    }

    /// The last element, from `start` to the end of a text that ends before
    /// the array's `]` (or, in a sequence, inside the value): its own
    /// record, saying the file is cut off.
    fn cut_off(&mut self, start: usize, origin: Origin) -> ReadItem {
        let unclosed = if self.state == ArrayState::Sequence {
            "the file ends inside this value (is it cut off?)"
        } else {
            "the array is not closed with `]` (is the file cut off?)"
        };
        let item = parse_at(self.text.get(start..).unwrap_or_default(), &self.schema, origin);
        let item = self.after_gap(item);
        self.advance(self.text.len());
        match item {
            // The element's own error, and the file's: both are news.
            Err(mut e) => {
                self.state = ArrayState::Done;
                e.message.push_str("; ");
                e.message.push_str(unclosed);
                Err(e)
            }
            Ok(snapshot) => {
                let error = self.error_here(unclosed);
                Err(SnapshotError { id: Some(snapshot.id), ..error })
            }
        }
    }

    /// `item`, or its error record when no `,` came before it.
    fn after_gap(&mut self, item: ReadItem) -> ReadItem {
        match self.missing_comma.take() {
            Some(after) => Err(without_comma(item, after)),
            None => item,
        }
    }
}

/// The record of an element with no `,` between it and the element before:
/// the file is not JSON there, but both snapshots are whole, so each keeps a
/// record of its own and the one after the gap says what is missing.
fn without_comma(item: ReadItem, after: Origin) -> SnapshotError {
    let Origin { line, shown, .. } = after;
    let what = format!("{INVALID_JSON} at line {line}, column {shown}: a `,` is missing between this array element and the one before it");
    match item {
        Ok(snapshot) => SnapshotError { id: Some(snapshot.id), message: what },
        Err(e) => SnapshotError { id: e.id, message: format!("{what}; {}", e.message) },
    }
}

/// The end of the array element starting at `start`: the offset of the `,` or
/// `]` after it, or of the end of an object or array that neither follows;
/// `None` when the text ends first or the element is damaged so that where
/// it ends cannot be told (a string running past its line, which JSON does
/// not allow, or a bracket closed by the other kind). In a sequence
/// (`bare`), a value ends where its outermost bracket closes. `open` is
/// scratch.
fn scan_element(bytes: &[u8], start: usize, open: &mut Vec<u8>, bare: bool) -> Option<(usize, Closer)> {
    open.clear();
    let mut in_string = false;
    let mut escaped = false;
    // The last byte outside strings that is not whitespace (a string counts
    // as its closing `"`): a nested `{` or `[` stands only after a `:`, a
    // `[` or an array's `,`, so one anywhere else (the next element, after a
    // `}` that is missing) ends the scan where the damage is, not at the end
    // of the text.
    let mut last = 0u8;
    for (i, &b) in bytes.iter().enumerate().skip(start) {
        if in_string {
            match b {
                _ if escaped => escaped = false,
                b'\\' => escaped = true,
                b'"' => (in_string, last) = (false, b'"'),
                b'\n' | b'\r' => return None,
                _ => {}
            }
            continue;
        }
        match b {
            b'"' => in_string = true,
            b'[' | b'{' => {
                let in_array = open.last() == Some(&b'[');
                if !(open.is_empty() || matches!(last, b':' | b'[') || (last == b',' && in_array)) {
                    return None;
                }
                open.push(b);
            }
            b']' | b'}' if !open.is_empty() => {
                let opened = open.pop();
                if opened != Some(if b == b']' { b'[' } else { b'{' }) {
                    return None;
                }
                let next = bytes.iter().skip(i + 1).find(|b| !b.is_ascii_whitespace());
                if open.is_empty() && (bare || next.is_some_and(|&n| n != b',' && n != b']')) {
                    return Some((i + 1, Closer::Nothing));
                }
            }
            // In a sequence a value outside brackets (`null`, `42`) ends with its line.
            b'\n' | b'\r' if bare && open.is_empty() => return Some((i, Closer::Nothing)),
            b']' if !bare => return Some((i, Closer::Bracket)),
            b',' if open.is_empty() && !bare => return Some((i, Closer::Comma)),
            _ => {}
        }
        if !b.is_ascii_whitespace() {
            last = b;
        }
    }
    None
}

/// Whether `text` (read from a file named `.json`) holds several JSON
/// objects one after another rather than one: JSON Lines, as Spark's and
/// BigQuery's "JSON" exports are, or objects written one after the other.
/// Read as one value, all but the first would be lost.
pub(super) fn holds_a_sequence(text: &str) -> bool {
    let bytes = text.as_bytes();
    let Some(start) = bytes.iter().position(|b| !b.is_ascii_whitespace()) else { return false };
    if bytes.get(start) != Some(&b'{') {
        return false;
    }
    match scan_element(bytes, start, &mut Vec::new(), true) {
        Some((end, _)) => bytes.get(end..).is_some_and(|rest| rest.iter().any(|b| !b.is_ascii_whitespace())),
        // The first is damaged: another starting a line after it says there are several.
        None => {
            let column =
                start - bytes.get(..start).and_then(|b| b.iter().rposition(|&c| c == b'\n')).map_or(0, |i| i + 1);
            next_element_line(bytes, start, column + 1).is_some_and(|at| bytes.get(at) == Some(&b'{'))
        }
    }
}

/// Where the line after `start`'s that starts another element begins (its
/// first byte a `{` at `column` or to the left of it) or that closes the
/// array (a `]` there), if one does.
fn next_element_line(bytes: &[u8], start: usize, column: usize) -> Option<usize> {
    let blank = |line: &[u8]| line.iter().take_while(|&&b| b == b' ' || b == b'\t').count();
    let mut line_start = start + bytes.get(start..)?.iter().position(|&b| b == b'\n')? + 1;
    loop {
        let line = bytes.get(line_start..)?;
        let indent = blank(line);
        match line.get(indent) {
            Some(b'{' | b']') if indent < column => return Some(line_start + indent),
            // Comma-first layouts (`, {...}`): the element after the comma.
            Some(b',') if indent < column => {
                let after = indent + 1 + blank(line.get(indent + 1..).unwrap_or_default());
                if line.get(after) == Some(&b'{') {
                    return Some(line_start + after);
                }
            }
            _ => {}
        }
        line_start += line.iter().position(|&b| b == b'\n')? + 1;
    }
}

/// In an array written on one line, where the element after the damaged one
/// at `start` most likely starts: at the `{` of the first `}` followed by a
/// `,` and a `{` on its line (`..."x"}, {"id": ...`).
fn next_element_on_the_line(bytes: &[u8], start: usize) -> Option<usize> {
    let line = bytes.get(start..)?;
    let line = line.split(|&b| b == b'\n' || b == b'\r').next().unwrap_or_default();
    let skip = |from: usize| {
        from + line.get(from..).unwrap_or_default().iter().take_while(|b| b.is_ascii_whitespace()).count()
    };
    line.iter().enumerate().skip(1).filter(|(_, &b)| b == b'}').find_map(|(i, _)| {
        let comma = skip(i + 1);
        let brace = skip(comma + 1);
        (line.get(comma) == Some(&b',') && line.get(brace) == Some(&b'{')).then_some(start + brace)
    })
}

/// The error record of the snapshot at `place`, `text` (which starts at
/// offset `start` of the input's text), holding bytes that are not UTF-8
/// (`bad`, offsets in the input's text, now NULs).
pub(super) fn not_utf8((start, text): (usize, &str), place: &str, bad: &[usize], schema: &Schema) -> SnapshotError {
    let first = bad.first().map_or(0, |b| b.saturating_sub(start));
    let readable = text.replace('\0', "\u{fffd}");
    SnapshotError {
        id: id_despite_bad_bytes(readable.as_bytes(), 1, schema),
        message: not_utf8_message(place, first + 1),
    }
}
