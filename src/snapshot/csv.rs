//! CSV snapshots: a header of field paths (`identity.verified`, `as_of`), one
//! snapshot per row, sets as `|`-separated values.
//!
//! The header is checked once, up front: a header in which no cell names a
//! field (a wrong delimiter, no header row), a column naming a nested record,
//! a repeated column or a missing required field is the header's fault
//! ([`ReadError`], handed to the caller once by [`CsvRows::take_header_fault`]
//! to report), and every row under it is an error item naming that fault:
//! each snapshot still yields its record (spec §3), none is decided from a
//! header that does not fit the schema. A row with the wrong number of cells
//! or a bad value is an error item for that row alone. A quote never closed, which
//! the `csv` crate reads as one cell running to the end of the file, is an
//! error item for its row and one for each row it hid.

use super::convert::{
    finish_set, finish_snapshot, key_as_written, key_of, named_as_written, scalar, set_item, shorten, Errors, Frame,
    Lexeme, PathSeg,
};
use super::csv_quotes::{hidden_lines, lines, QuoteWatch};
use super::limits::ReadLimits;
use super::{Key, ReadError, ReadItem, SnapshotError};
use crate::diagnostic::did_you_mean;
use crate::schema::{FieldKind, ScalarType, Schema};
use crate::value::{Date, Value};
use ::csv::{ByteRecord, Reader, ReaderBuilder};
use std::collections::{HashSet, VecDeque};
use std::io::Read;
use std::sync::Arc;

/// What a column holds.
#[derive(Debug)]
enum Column {
    /// A column with a blank name (a spreadsheet's trailing comma): ignored.
    Blank,
    /// The snapshot's `as_of`.
    AsOf,
    /// A leaf of the account.
    Leaf {
        /// Its dotted path, for messages.
        path: String,
        /// Its slot in the account frame.
        slot: usize,
        /// Its type.
        kind: CellKind,
        /// `T?`
        optional: bool,
    },
}

/// The types a CSV cell can hold.
#[derive(Debug)]
enum CellKind {
    Scalar(ScalarType),
    Set(ScalarType),
}

/// Rows of a CSV file, read one at a time.
#[derive(Debug)]
pub(crate) struct CsvRows<R> {
    reader: Reader<QuoteWatch<R>>,
    columns: Vec<Column>,
    schema: Arc<Schema>,
    limits: ReadLimits,
    row: ByteRecord,
    /// Error records for the rows an unclosed quote hid, yielded after its own row.
    hidden: VecDeque<ReadItem>,
    /// The line the current row starts on.
    line: u64,
    done: bool,
    /// What is wrong with the header, until the caller takes it to report.
    header_fault: Option<ReadError>,
    /// That fault's words, the message of every row's error item.
    header_message: Option<String>,
    /// Columns that look like an optional field no column gives, until the caller takes them.
    near_misses: Vec<super::NearMiss>,
}

/// Opens a CSV stream and checks its header against the schema.
pub(crate) fn open<R: Read>(input: R, schema: Arc<Schema>, limits: ReadLimits) -> Result<CsvRows<R>, ReadError> {
    let leaves = schema.root.leaves();
    if let Some((path, _)) = leaves.iter().find(|(_, f)| matches!(f.kind, FieldKind::List(_))) {
        return Err(ReadError::CsvWithLists { field: path.clone() });
    }
    let mut reader = ReaderBuilder::new().flexible(true).from_reader(QuoteWatch::new(input));
    let header = reader.byte_headers().map_err(csv_error)?.clone();
    // The header is the first record: the rows' lines come after it.
    reader.get_mut().take_record_line();
    if let Some((line, column)) = reader.get_ref().unclosed() {
        return Err(ReadError::Csv(format!(
            "the quote at line {line}, column {column} is never closed, so the header ran to the end of the file"
        )));
    }
    let mut columns: Vec<Column> = Vec::with_capacity(header.len());
    let mut names: Vec<String> = Vec::with_capacity(header.len());
    // A set beside the list: a header of many thousand columns is not compared cell by cell.
    let mut seen: HashSet<String> = HashSet::with_capacity(header.len());
    // Every problem of the header is reported at once (`ReadError::all` says
    // a column repeated three times once).
    let mut problems = Vec::new();
    for cell in &header {
        let name = String::from_utf8_lossy(cell).trim().to_string();
        let resolved = if !name.is_empty() && !seen.insert(name.clone()) {
            problems.push(ReadError::DuplicateColumn { column: name.clone() });
            Column::Blank
        } else {
            column(&schema, &name).unwrap_or_else(|problem| {
                problems.push(problem);
                Column::Blank
            })
        };
        columns.push(resolved);
        names.push(name);
    }
    // A file without a single line has no header to check, and no snapshots.
    let done = header.is_empty();
    if !done {
        check_header(&schema, &columns, &names, &seen, &mut problems);
    }
    // No cell names a field: the first line may be a snapshot (the header row
    // is missing), whose record would be lost, or a header in another
    // delimiter or letter case; either way no row could be read, so the file
    // is refused whole, as one that cannot be read is.
    if let [ReadError::NoSchemaColumns { .. }] = problems.as_slice() {
        return Err(problems.remove(0));
    }
    let near_misses = super::near_misses(&schema, names.iter().map(String::as_str));
    let header_fault = ReadError::all(problems).err();
    let header_message = header_fault.as_ref().map(header_message);
    Ok(CsvRows {
        reader,
        columns,
        schema,
        limits,
        row: ByteRecord::new(),
        hidden: VecDeque::new(),
        line: 0,
        done,
        header_fault,
        header_message,
        near_misses,
    })
}

/// A header fault as a row's error message: each problem with its help.
fn header_message(fault: &ReadError) -> String {
    format!("not read: {}", fault.with_help())
}

/// Checks that the header names some field, and every required one, adding
/// what is wrong to `problems`. A field under a record written as one
/// column is not reported missing: the record's column says what to write.
fn check_header(
    schema: &Schema,
    columns: &[Column],
    names: &[String],
    seen: &HashSet<String>,
    problems: &mut Vec<ReadError>,
) {
    if problems.is_empty() && columns.iter().all(|c| matches!(c, Column::Blank)) {
        problems.push(no_schema_columns(schema, names));
        return;
    }
    let records: Vec<String> = problems
        .iter()
        .filter_map(|p| match p {
            ReadError::RecordColumn { column, .. } => Some(format!("{column}.")),
            _ => None,
        })
        .collect();
    let leaves = schema.root.leaves();
    let key_path = schema.key.as_str();
    let required = leaves.iter().filter(|(path, f)| !f.optional || path == key_path);
    for (path, _) in required.filter(|(path, _)| !seen.contains(path)) {
        if records.iter().any(|r| path.starts_with(r.as_str())) {
            continue;
        }
        let unknown = names.iter().filter(|n| !n.is_empty() && schema.lookup(n).is_none() && *n != "as_of");
        let suggestion = did_you_mean(path, unknown.map(String::as_str))
            .map(|s| s.replace("did you mean", "is it the column").replace('?', " misspelt?"));
        problems.push(ReadError::MissingColumn { field: path.clone(), suggestion });
    }
}

/// The error for a header in which no cell names a field: a wrong
/// delimiter, fields in the wrong letter case, or no header row at all. Read
/// on, it would have been a file of no snapshots.
fn no_schema_columns(schema: &Schema, names: &[String]) -> ReadError {
    let leaves = schema.root.leaves();
    let key = schema.key.as_str();
    let wanted: Vec<&str> = std::iter::once(key)
        .chain(leaves.iter().filter(|(path, f)| !f.optional && path != key).map(|(path, _)| path.as_str()))
        .collect();
    let mut expected: Vec<String> = wanted.iter().take(4).map(|p| format!("`{p}`")).collect();
    if wanted.len() > 4 {
        expected.push("…".into());
    }
    let delimiter = crate::diagnostic::other_csv_delimiter(names.iter().map(String::as_str));
    let other_case = names.iter().find_map(|n| {
        let field = leaves.iter().find(|(path, _)| path.eq_ignore_ascii_case(n))?;
        Some((n, &field.0))
    });
    let hint = match (delimiter, other_case) {
        (Some(help), _) => help,
        (None, Some((cell, field))) => {
            format!("column names are field paths and case-sensitive: the column `{cell}` would be `{field}`")
        }
        (None, None) => format!(
            "the first line must be a header naming fields (`{},…`); is the header row missing?",
            wanted.iter().take(3).copied().collect::<Vec<_>>().join(",")
        ),
    };
    ReadError::NoSchemaColumns { header: shorten(&names.join(",")), expected: expected.join(", "), hint }
}

/// Resolves one header cell.
fn column(schema: &Schema, name: &str) -> Result<Column, ReadError> {
    match name {
        "" => return Ok(Column::Blank),
        "as_of" => return Ok(Column::AsOf),
        _ => {}
    }
    // Spec §3: fields the schema does not name are ignored (a spreadsheet may
    // carry notes); a misspelt required field is caught as a missing column.
    let Some(field) = schema.lookup(name) else {
        return Ok(Column::Blank);
    };
    let kind = match &field.kind {
        FieldKind::Scalar(ty) => CellKind::Scalar(ty.clone()),
        FieldKind::Set(ty) => CellKind::Set(ty.clone()),
        FieldKind::Record(inner) => {
            let example = inner.leaves().first().map_or_else(|| name.to_string(), |(p, _)| format!("{name}.{p}"));
            return Err(ReadError::RecordColumn { column: name.to_string(), example });
        }
        FieldKind::List(_) => return Err(ReadError::CsvWithLists { field: name.to_string() }),
    };
    let Some(slot) = field.slot else {
        return Ok(Column::Blank);
    };
    Ok(Column::Leaf { path: name.to_string(), slot, kind, optional: field.optional })
}

/// Maps a `csv` error to a reading failure.
fn csv_error(e: ::csv::Error) -> ReadError {
    if e.is_io_error() {
        if let ::csv::ErrorKind::Io(io) = e.into_kind() {
            return ReadError::Io(io);
        }
        return ReadError::Csv("I/O error".into());
    }
    ReadError::Csv(e.to_string())
}

impl<R: Read> Iterator for CsvRows<R> {
    type Item = Result<ReadItem, ReadError>;

    fn next(&mut self) -> Option<Self::Item> {
        if let Some(item) = self.hidden.pop_front() {
            return Some(Ok(item));
        }
        if self.done {
            return None;
        }
        loop {
            match self.reader.read_byte_record(&mut self.row) {
                Ok(true) => {
                    self.note_line();
                    match self.reader.get_ref().unclosed() {
                        Some(opened) => {
                            self.done = true;
                            return Some(Ok(self.unclosed_quote(opened)));
                        }
                        None if self.blank_row() => {}
                        None => return Some(Ok(self.convert_row())),
                    }
                }
                Ok(false) => {
                    self.done = true;
                    return None;
                }
                Err(e) => {
                    self.done = true;
                    return Some(Err(csv_error(e)));
                }
            }
        }
    }
}

impl<R: Read> CsvRows<R> {
    /// Notes the line the row just read starts on (taken for every row, so
    /// the watch holds only the lines of the rows the reader has read ahead).
    fn note_line(&mut self) {
        self.line = self.reader.get_mut().take_record_line().unwrap_or(0);
    }
}

impl<R> CsvRows<R> {
    /// A line of spaces or tabs alone, or of separators alone (`,,,,`, the
    /// rows Excel writes under a table once cells below it were formatted or
    /// cleared): skipped as an empty line is (the csv crate skips those), not
    /// a row of cells short of the header's or an account with no field.
    fn blank_row(&self) -> bool {
        self.row.as_slice().iter().all(|b| matches!(b, b' ' | b'\t' | b'\r'))
    }

    /// What is wrong with the header, if anything (taken: a second call
    /// gives `None`); the rows are error items naming it either way.
    pub(crate) fn take_header_fault(&mut self) -> Option<ReadError> {
        self.header_fault.take()
    }

    pub(crate) fn take_near_misses(&mut self) -> Vec<super::NearMiss> {
        std::mem::take(&mut self.near_misses)
    }

    fn convert_row(&self) -> ReadItem {
        if let Some(message) = &self.header_message {
            let line = self.line;
            return Err(SnapshotError { id: self.read_key(), message: format!("line {line}: {message}") });
        }
        let mut frame = Frame::new(&self.schema.root);
        let mut errors = Errors::default();
        let mut as_of = None;
        // The csv crate has no bound of its own: the row was read whole, but
        // an oversize one is refused before it is converted.
        // Its cells and the commas between them; its line end is not the snapshot's.
        let bytes = self.row.as_slice().len() + self.row.len().saturating_sub(1);
        if self.limits.snapshot_too_large(bytes) {
            let line = self.line;
            return Err(self.limits.oversize_snapshot(&format!("line {line}"), bytes as u64, self.read_key()));
        }
        if self.row.len() != self.columns.len() {
            let line = self.line;
            let message = format!(
                "line {line}: expected {} cells (one per header column), found {}",
                self.columns.len(),
                self.row.len()
            );
            return Err(SnapshotError { id: self.read_key(), message });
        }
        for (column, cell) in self.columns.iter().zip(&self.row) {
            match column {
                Column::Blank => {}
                Column::AsOf => as_of = read_as_of(cell, &mut errors),
                Column::Leaf { path, slot, kind, optional } => {
                    let here = PathSeg::Root.field(path);
                    let result = leaf(cell, kind, *optional);
                    frame.store(*slot, result, &here, &mut errors);
                }
            }
        }
        // Its line, as every other error of a row says it: a row's place
        // among the records is not its line (quoted line breaks, skipped
        // empty lines), and a row without its key has no other name.
        let line = self.line;
        let read = finish_snapshot(&self.schema, frame, as_of, errors)
            .map_err(|e| SnapshotError { message: format!("line {line}: {}", e.message), ..e });
        named_as_written(read, || self.read_key())
    }

    /// The error record of the row whose quote at `opened` is never closed
    /// (the `csv` crate read the rest of the file into its last cell), after
    /// queueing one for each row that quote hid.
    fn unclosed_quote(&mut self, (line, column): (u64, u64)) -> ReadItem {
        let last = self.row.len().checked_sub(1).and_then(|i| self.row.get(i)).unwrap_or_default();
        let hidden = hidden_lines(last);
        let mut row = ByteRecord::new();
        // INVARIANT: inside an unclosed quote every `"` was doubled, so no
        // quote spans lines here: each line holds its own rows.
        for (at, text) in (line + 1..).zip(lines(&hidden)) {
            let mut rows = ReaderBuilder::new().has_headers(false).flexible(true).from_reader(text);
            while let Ok(true) = rows.read_byte_record(&mut row) {
                let message =
                    format!("line {at}: not read: it lies inside the quote opened at line {line}, column {column}");
                self.hidden.push_back(Err(SnapshotError { id: self.key_in(&row), message }));
            }
        }
        let message = format!(
            "line {line}, column {column}: this quote is never closed, so the rest of the file was read as one cell"
        );
        // A key in the cell the quote opened is the rest of the file, not an id.
        let mut before_quote = self.row.clone();
        before_quote.truncate(self.row.len().saturating_sub(1));
        Err(SnapshotError { id: self.key_in(&before_quote), message })
    }

    /// The key of the current row, read on its own (for a row that is otherwise unreadable).
    fn read_key(&self) -> Option<Key> {
        self.key_in(&self.row)
    }

    /// The key held by `row`, read on its own: as the file wrote it when it
    /// is not of the key's type.
    fn key_in(&self, row: &ByteRecord) -> Option<Key> {
        self.columns.iter().zip(row).find_map(|(column, cell)| match column {
            Column::Leaf { path, kind, .. } if *path == self.schema.key => {
                let written = || std::str::from_utf8(cell).ok().and_then(key_as_written);
                key_of(leaf(cell, kind, false).ok().as_ref()).or_else(written)
            }
            _ => None,
        })
    }
}

/// The `as_of` cell: a date, or none when empty.
fn read_as_of(cell: &[u8], errors: &mut Errors) -> Option<Date> {
    match leaf(cell, &CellKind::Scalar(ScalarType::Date), true) {
        Ok(Value::Date(d)) => Some(d),
        Ok(_) => None,
        Err(message) => {
            errors.push(&PathSeg::Root.field("as_of"), message);
            None
        }
    }
}

/// Converts one cell. An empty cell is `none` for an optional field and the
/// empty set for a set; for any other field it is missing.
fn leaf(cell: &[u8], kind: &CellKind, optional: bool) -> Result<Value, String> {
    let Ok(text) = std::str::from_utf8(cell) else {
        return Err(format!("the cell is not UTF-8 text; {}", crate::diagnostic::SAVE_AS_UTF8_NOT_ANSI));
    };
    let empty = text.trim().is_empty();
    match kind {
        CellKind::Set(ty) => {
            let mut items = Vec::new();
            for part in text.split('|').map(str::trim).filter(|p| !p.is_empty()) {
                items.push(set_item(ty, Lexeme::Plain(part))?);
            }
            Ok(finish_set(items))
        }
        CellKind::Scalar(_) if empty && optional => Ok(Value::None),
        CellKind::Scalar(_) if empty => Err("missing required field (empty cell)".into()),
        CellKind::Scalar(ty @ ScalarType::String) => scalar(ty, Lexeme::Plain(text)),
        CellKind::Scalar(ty) => scalar(ty, Lexeme::Plain(text.trim())),
    }
}
