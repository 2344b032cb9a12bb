//! The reader facade: pick a format, get one [`ReadItem`] per input snapshot,
//! in input order.
//!
//! JSON Lines and CSV stream (constant memory however long the input); a JSON
//! file and a YAML file are read whole, though a JSON array's elements are
//! still converted one at a time as the reader is advanced.

use super::csv::{self as csv_rows, CsvRows};
use super::json::{parse_at, Origin};
use super::json_array::{holds_a_sequence, not_utf8, JsonArray};
use super::limits::{read_line_bounded, LineRead, ReadLimits, KEPT_OF_A_LONG_LINE};
use super::parquet::{open_parquet, ParquetRows, DEFAULT_BATCH_ROWS};
use super::yaml::read_yaml;
use super::{Key, ReadItem, SnapshotError};
use crate::diagnostic::codes;
use crate::schema::Schema;
use std::io::{self, BufRead, Read};
use std::path::Path;
use std::sync::Arc;

/// A snapshot file format (spec §3); `--input-format` takes its names.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "cli", derive(clap::ValueEnum))]
#[non_exhaustive]
pub enum Format {
    /// One JSON object, or a JSON array of objects (`.json`).
    Json,
    /// One JSON object per line (`.jsonl`, `.ndjson`); blank lines are skipped.
    #[cfg_attr(feature = "cli", value(alias = "ndjson"))]
    Jsonl,
    /// A YAML document, a list of them, or several `---` documents (`.yaml`, `.yml`).
    Yaml,
    /// A header of field paths, then one snapshot per row (`.csv`).
    Csv,
    /// Apache Parquet: columns named by field paths, nested records as structs (`.parquet`).
    Parquet,
}

/// Every file extension (and `--input-format` name) with the format it names.
const FORMAT_NAMES: [(&str, Format); 8] = [
    ("json", Format::Json),
    ("jsonl", Format::Jsonl),
    ("ndjson", Format::Jsonl),
    ("yaml", Format::Yaml),
    ("yml", Format::Yaml),
    ("csv", Format::Csv),
    ("parquet", Format::Parquet),
    ("pq", Format::Parquet),
];

/// A file whose name does not tell its format: the one message every command gives.
#[derive(Debug, thiserror::Error)]
#[error("cannot tell the format of `{}` from its name ({})", .path.display(), known_extensions())]
pub struct UnknownFormat {
    /// The file.
    pub path: std::path::PathBuf,
}

fn known_extensions() -> String {
    FORMAT_NAMES.iter().map(|(name, _)| format!(".{name}")).collect::<Vec<_>>().join(" ")
}

impl Format {
    /// The format a file's extension names (case-insensitive), if any.
    #[must_use]
    pub fn from_path(path: &Path) -> Option<Format> {
        Format::from_name(path.extension()?.to_str()?)
    }

    /// The format a file's extension names, or an error that lists the known ones.
    ///
    /// # Errors
    ///
    /// When the name has no extension or one no format has.
    pub fn of_file(path: &Path) -> Result<Format, UnknownFormat> {
        Format::from_path(path).ok_or_else(|| UnknownFormat { path: path.to_path_buf() })
    }

    /// The format called `name` (`json`, `jsonl`, `ndjson`, `yaml`, `yml`, `csv`, `parquet`, `pq`,
    /// case-insensitive).
    #[must_use]
    pub fn from_name(name: &str) -> Option<Format> {
        FORMAT_NAMES.iter().find(|(known, _)| known.eq_ignore_ascii_case(name)).map(|&(_, format)| format)
    }

    /// The format's canonical name.
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            Format::Json => "json",
            Format::Jsonl => "jsonl",
            Format::Yaml => "yaml",
            Format::Csv => "csv",
            Format::Parquet => "parquet",
        }
    }
}

/// A failure that is not one snapshot's fault: the input cannot be read at all,
/// or (for CSV) its header does not fit the schema.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    /// Reading the input failed (from [`read_snapshots`], or mid-stream from the reader).
    #[error("cannot read snapshots: {0}")]
    Io(#[from] io::Error),
    /// A JSON or YAML input (read whole) is not UTF-8 text.
    #[error("the snapshots are not UTF-8 text (invalid byte at offset {offset})")]
    NotUtf8 {
        /// Byte offset of the first invalid byte.
        offset: usize,
    },
    /// The input starts with a UTF-16 byte-order mark (Excel's "Unicode
    /// text", PowerShell 5's `>`): read as UTF-8, every line would be an
    /// error record.
    #[error("the snapshots are {encoding} text, not UTF-8 (the file's first bytes say so)")]
    Utf16 {
        /// `UTF-16 LE` or `UTF-16 BE`.
        encoding: &'static str,
    },
    /// CSV was asked for with a schema that has a list field.
    #[error("a schema with list fields cannot be read from CSV: `{field}` is a list")]
    CsvWithLists {
        /// The first list field's path.
        field: String,
    },
    /// A CSV header cell names a nested record rather than one of its fields.
    #[error("CSV column `{column}` is a record; a column holds one of its fields, such as `{example}`")]
    RecordColumn {
        /// The header cell.
        column: String,
        /// One of the record's field paths.
        example: String,
    },
    /// A CSV header names the same field twice.
    #[error("CSV column `{column}` appears more than once")]
    DuplicateColumn {
        /// The repeated header cell.
        column: String,
    },
    /// A CSV header has no column for a required field (or the key).
    #[error("the CSV header has no column for the required field `{field}`")]
    MissingColumn {
        /// The field's path.
        field: String,
        /// A header cell that looks like a misspelling of it.
        suggestion: Option<String>,
    },
    /// The CSV is malformed in a way the `csv` crate reports.
    #[error("invalid CSV: {0}")]
    Csv(String),
    /// A JSON file (not JSON Lines) holds nothing but whitespace: that is not
    /// JSON, and most likely an export that failed.
    #[error("the file is empty: a JSON file holds one snapshot object or an array of them")]
    EmptyJson,
    /// No cell of a CSV header names a field of the schema (or `as_of`): the
    /// file is not read as having no snapshots.
    #[error("no column of the CSV header names a field of the schema (the header reads `{header}`); expected columns such as {expected}")]
    NoSchemaColumns {
        /// The header as read, shortened.
        header: String,
        /// A few of the fields a header should name, each in backticks.
        expected: String,
        /// What seems to be wrong with it.
        hint: String,
    },
    /// A Parquet input cannot be read (not Parquet, damaged, or cut off).
    #[error("cannot read the Parquet file: {0}")]
    Parquet(String),
    /// A Parquet file has no column for a required field (or the key).
    #[error("the Parquet file has no column for the required field `{field}`")]
    ParquetMissingColumn {
        /// The field's path.
        field: String,
        /// A column name that looks like a misspelling of it.
        suggestion: Option<String>,
    },
    /// A Parquet column's type cannot hold its field's values.
    #[error("Parquet column `{column}` is {found}; the field needs {expected}")]
    ParquetColumnType {
        /// The field's path.
        column: String,
        /// The column's Arrow type.
        found: String,
        /// The column types that would do.
        expected: String,
    },
    /// A Parquet column of floats is given for a `money` or `decimal` field.
    #[error("Parquet column `{column}` holds binary floating point ({found}), which cannot hold money exactly")]
    ParquetFloatMoney {
        /// The field's path.
        column: String,
        /// The column's Arrow type.
        found: String,
    },
    /// A field is given by more than one column.
    #[error("the Parquet file gives the field `{field}` in {routes} columns")]
    ParquetDuplicateColumn {
        /// The field's path.
        field: String,
        /// How many columns give it.
        routes: usize,
    },
    /// A JSON or YAML input, read whole, is larger than [`ReadLimits::max_file_bytes`].
    #[error("the file is over the maximum of {limit} bytes for JSON or YAML, which are read whole (--max-file-bytes)")]
    FileTooLarge {
        /// The maximum.
        limit: u64,
    },
    /// Several problems of one header (a CSV header, a Parquet file's or a
    /// table's columns), all reported at once (never fewer than two; each
    /// is one of the other variants).
    #[error("{}", .0.iter().map(ToString::to_string).collect::<Vec<_>>().join("; "))]
    Header(Vec<ReadError>),
}

impl ReadError {
    /// The problems this error holds: those of a [`ReadError::Header`], or itself.
    #[must_use]
    pub fn problems(&self) -> &[ReadError] {
        match self {
            ReadError::Header(problems) => problems,
            one => std::slice::from_ref(one),
        }
    }

    /// The problems this error holds, owned.
    pub(crate) fn into_problems(self) -> Vec<ReadError> {
        match self {
            ReadError::Header(problems) => problems,
            one => vec![one],
        }
    }

    /// `problems` as one error: the only one, or a [`ReadError::Header`]; none
    /// is no error. A problem said twice (each field of a record given as a
    /// column of another type) is said once.
    pub(crate) fn all(problems: Vec<ReadError>) -> Result<(), ReadError> {
        let mut said = std::collections::HashSet::new();
        let mut problems: Vec<ReadError> =
            problems.into_iter().filter(|p| said.insert((p.code(), p.to_string()))).collect();
        match problems.len() {
            0 => Ok(()),
            1 => Err(problems.remove(0)),
            _ => Err(ReadError::Header(problems)),
        }
    }

    /// A stable code for docs and tests (a header's first problem's).
    #[must_use]
    pub fn code(&self) -> &'static str {
        match self {
            ReadError::Header(problems) => problems.first().map_or(codes::CSV_MALFORMED, ReadError::code),
            ReadError::Io(_) => codes::READ_IO,
            ReadError::NotUtf8 { .. } | ReadError::Utf16 { .. } => codes::NOT_UTF8,
            ReadError::CsvWithLists { .. } => codes::CSV_WITH_LISTS,
            ReadError::RecordColumn { .. } => codes::CSV_RECORD_COLUMN,
            ReadError::DuplicateColumn { .. } => codes::CSV_DUPLICATE_COLUMN,
            ReadError::MissingColumn { .. } => codes::CSV_MISSING_COLUMN,
            ReadError::Csv(_) => codes::CSV_MALFORMED,
            ReadError::FileTooLarge { .. } => codes::FILE_TOO_LARGE,
            ReadError::EmptyJson => codes::EMPTY_JSON,
            ReadError::NoSchemaColumns { .. } => codes::CSV_NO_SCHEMA_COLUMNS,
            ReadError::Parquet(_) => codes::PARQUET_MALFORMED,
            ReadError::ParquetMissingColumn { .. } => codes::PARQUET_MISSING_COLUMN,
            ReadError::ParquetColumnType { .. } => codes::PARQUET_COLUMN_TYPE,
            ReadError::ParquetFloatMoney { .. } => codes::PARQUET_FLOAT_MONEY,
            ReadError::ParquetDuplicateColumn { .. } => codes::PARQUET_DUPLICATE_COLUMN,
        }
    }

    /// Each problem with its help in parentheses, `; ` between them: for a
    /// message of one line (an error record, `explain`'s error), where
    /// there is no room for a help line of its own.
    #[must_use]
    pub fn with_help(&self) -> String {
        let said: Vec<String> = self
            .problems()
            .iter()
            .map(|p| match p.help() {
                Some(help) => format!("{p} ({help})"),
                None => p.to_string(),
            })
            .collect();
        said.join("; ")
    }

    /// How to fix it, when there is something to suggest.
    #[must_use]
    pub fn help(&self) -> Option<String> {
        match self {
            ReadError::Utf16 { .. } => Some(crate::diagnostic::SAVE_AS_UTF8.into()),
            ReadError::NotUtf8 { .. } => Some(crate::diagnostic::SAVE_AS_UTF8_NOT_ANSI.into()),
            ReadError::CsvWithLists { .. } => {
                Some("keep these snapshots as JSON, JSON Lines or YAML, which can hold lists".into())
            }
            ReadError::MissingColumn { field, suggestion } => {
                Some(suggestion.clone().unwrap_or_else(|| format!("add a column `{field}`")))
            }
            ReadError::ParquetMissingColumn { field, suggestion } => Some(match (suggestion, field.split_once("[].")) {
                (Some(hint), _) => hint.clone(),
                // A field of a list's records is a member of the list column's structs, never a column of its own.
                (None, Some((list, member))) => {
                    format!("add `{member}` to the structs of the list column `{list}` (a list of structs)")
                }
                (None, None) => format!("add a column `{field}` (or a struct column holding it)"),
            }),
            ReadError::ParquetFloatMoney { .. } => Some(
                "write the column as DECIMAL (e.g. DECIMAL(18, 2)), as an integer of whole units, or as strings of the \
                 exact amounts; a float has already rounded the amounts"
                    .into(),
            ),
            ReadError::ParquetDuplicateColumn { field, .. } => Some(format!(
                "keep one column for `{field}`: two columns of one name, or a column `{field}` beside a struct \
                 holding it, could each be the one meant"
            )),
            ReadError::EmptyJson => Some("an empty book is `[]`; JSON Lines (`.jsonl`) may be empty".into()),
            ReadError::NoSchemaColumns { hint, .. } => Some(hint.clone()),
            ReadError::FileTooLarge { .. } => {
                Some("convert it to JSON Lines, which is streamed whatever its size, or raise --max-file-bytes".into())
            }
            _ => None,
        }
    }
}

/// Starts reading snapshots of `format` from `input`, within the default [`ReadLimits`].
///
/// # Errors
///
/// As [`read_snapshots_with`].
pub fn read_snapshots<R: BufRead>(
    input: R,
    format: Format,
    schema: Arc<Schema>,
) -> Result<SnapshotReader<R>, ReadError> {
    read_snapshots_with(input, format, schema, ReadLimits::default())
}

/// Starts reading snapshots of `format` from `input`; a snapshot over
/// `limits.max_snapshot_bytes` is an error record in its place.
///
/// # Errors
///
/// Fails up front when the input cannot be read at all (a JSON or YAML input
/// is read whole here, and must fit `limits.max_file_bytes`), when a JSON
/// input is empty, or for CSV when the schema has list fields or the header
/// does not fit the schema. A
/// snapshot that does not match the schema is not an error here: the reader
/// yields its error record in its place.
pub fn read_snapshots_with<R: BufRead>(
    mut input: R,
    format: Format,
    schema: Arc<Schema>,
    limits: ReadLimits,
) -> Result<SnapshotReader<R>, ReadError> {
    if let Some(encoding) = crate::diagnostic::utf16_by_its_mark(input.fill_buf()?) {
        return Err(ReadError::Utf16 { encoding });
    }
    let inner = match format {
        Format::Jsonl => Inner::Lines(JsonLines { input, buf: Vec::new(), line: 0, schema, limits, done: false }),
        Format::Csv => Inner::Csv(Box::new(csv_rows::open(input, schema, limits)?)),
        Format::Json => {
            let (text, bad) = read_text_marking_bad_bytes(input, limits)?;
            match text.trim_start().as_bytes().first() {
                None => return Err(ReadError::EmptyJson),
                Some(b'[') => Inner::Array(JsonArray::new(text, bad, schema, limits)),
                Some(_) if holds_a_sequence(&text) => Inner::Array(JsonArray::sequence(text, bad, schema, limits)),
                Some(_) if !bad.is_empty() => {
                    let error = not_utf8((0, &text), "the file's one JSON object", &bad, &schema);
                    Inner::Items(vec![Err(error)].into_iter())
                }
                Some(_) if limits.snapshot_too_large(text.len()) => {
                    let id = id_of_long_snapshot(text.as_bytes(), 1, &schema);
                    let error = limits.oversize_snapshot("the file's one JSON object", text.len() as u64, id);
                    Inner::Items(vec![Err(error)].into_iter())
                }
                Some(_) => Inner::Items(vec![parse_at(&text, &schema, Origin::START)].into_iter()),
            }
        }
        Format::Yaml => {
            let (text, bad) = read_text_marking_bad_bytes(input, limits)?;
            Inner::Items(read_yaml(&text, &bad, &schema).into_iter())
        }
        Format::Parquet => {
            // Parquet keeps its index at its end: an input that is not a file
            // (standard input) is read whole first, as JSON is.
            let bytes = read_whole(input, limits)?;
            let batches = open_parquet(bytes::Bytes::from(bytes), &schema, DEFAULT_BATCH_ROWS)?;
            Inner::Parquet(Box::new(ParquetRows::new(batches, schema)))
        }
    };
    Ok(SnapshotReader { inner, failure: None, name: None })
}

/// Opens a snapshot file of `format` for reading: a Parquet file is read
/// from the file itself a batch at a time (memory flat in its size), any
/// other format as [`read_snapshots_with`] reads it.
///
/// # Errors
///
/// When the file cannot be opened, and as [`read_snapshots_with`].
pub fn open_snapshot_file(
    path: &Path,
    format: Format,
    schema: Arc<Schema>,
    limits: ReadLimits,
) -> Result<SnapshotReader<std::io::BufReader<std::fs::File>>, ReadError> {
    let file = open_input_file(path)?;
    if format != Format::Parquet {
        return read_snapshots_with(std::io::BufReader::with_capacity(1 << 16, file), format, schema, limits);
    }
    let batches = open_parquet(file, &schema, DEFAULT_BATCH_ROWS)?;
    let inner = Inner::Parquet(Box::new(ParquetRows::new(batches, schema)));
    Ok(SnapshotReader { inner, failure: None, name: None })
}

/// Opens an input file of snapshots. A folder opens, and fails only at its
/// first read: it is refused here, as a file that cannot be opened, not
/// read into a "reading stopped" record that stands for no snapshot.
///
/// # Errors
///
/// When the file cannot be opened, or is a folder.
pub fn open_input_file(path: &Path) -> std::io::Result<std::fs::File> {
    let file = std::fs::File::open(path)?;
    match file.metadata() {
        Ok(meta) if meta.is_dir() => {
            Err(std::io::Error::new(std::io::ErrorKind::IsADirectory, "it is a folder, not a file of snapshots"))
        }
        _ => Ok(file),
    }
}

/// A failure of [`open_snapshot_file`] as a message after "cannot read `PATH`: ":
/// the system's own words for a file that cannot be opened, any other
/// failure (a header's fault) with its help.
#[must_use]
pub fn opening_error(error: &ReadError) -> String {
    match error {
        ReadError::Io(e) => e.to_string(),
        other => other.with_help(),
    }
}

/// Reads a whole input's bytes, refusing one over `limits.max_file_bytes`
/// (without reading more than that): JSON, YAML and Parquet from standard
/// input are read whole.
fn read_whole<R: BufRead>(input: R, limits: ReadLimits) -> Result<Vec<u8>, ReadError> {
    let mut bytes = Vec::new();
    input.take(limits.max_file_bytes.saturating_add(1)).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > limits.max_file_bytes {
        return Err(ReadError::FileTooLarge { limit: limits.max_file_bytes });
    }
    Ok(bytes)
}

/// Reads a whole input (within `--max-file-bytes`), without its byte order
/// mark, as text, with each byte that is not part of a UTF-8 character
/// replaced by a NUL (which neither JSON nor YAML text holds) and listed by
/// its offset in the text: a JSON array or YAML list with one bad byte is
/// one snapshot's error record, not a file that cannot be read.
fn read_text_marking_bad_bytes<R: BufRead>(input: R, limits: ReadLimits) -> Result<(String, Vec<usize>), ReadError> {
    let mut bytes = read_whole(input, limits)?;
    let bom = bytes.len() - without_bom(&bytes, 1).len();
    let mut bad = Vec::new();
    let mut from = bom;
    while let Err(e) = std::str::from_utf8(bytes.get(from..).unwrap_or_default()) {
        let at = from + e.valid_up_to();
        let len = e.error_len().unwrap_or(bytes.len() - at);
        for offset in at..at + len {
            if let Some(byte) = bytes.get_mut(offset) {
                *byte = 0;
                bad.push(offset - bom);
            }
        }
        from = at + len;
    }
    bytes.drain(..bom);
    let text = String::from_utf8(bytes).map_err(|e| ReadError::NotUtf8 { offset: e.utf8_error().valid_up_to() })?;
    Ok((text, bad))
}

/// An iterator over the snapshots of one input, in input order: one
/// [`ReadItem`] per snapshot (the snapshot, or that snapshot's error record).
///
/// If the input stops being readable mid-stream (an I/O error, a CSV the
/// `csv` crate cannot split), the reader yields one last error item with
/// `id: None` saying so (naming the input, if [`SnapshotReader::named`] was
/// called), then ends; [`SnapshotReader::take_error`] hands over the
/// [`ReadError`] itself for a caller that treats it as fatal.
#[derive(Debug)]
pub struct SnapshotReader<R> {
    inner: Inner<R>,
    failure: Option<ReadError>,
    name: Option<String>,
}

impl<R> SnapshotReader<R> {
    /// Names the input (a path) in the error item that ends a failed read.
    #[must_use]
    pub fn named(mut self, name: impl Into<String>) -> Self {
        self.name = Some(name.into());
        self
    }

    /// The failure that ended reading early, if any (taken: a second call gives `None`).
    pub fn take_error(&mut self) -> Option<ReadError> {
        self.failure.take()
    }

    /// What is wrong with a CSV header that does not fit the schema (a
    /// required field without a column, a repeated column, ...), if anything
    /// (taken: a second call gives `None`). Every row under such a header is
    /// an error item naming it, so no snapshot goes without its record; the
    /// fault is handed over once, for the caller to report.
    pub fn take_header_fault(&mut self) -> Option<ReadError> {
        match &mut self.inner {
            Inner::Csv(rows) => rows.take_header_fault(),
            _ => None,
        }
    }

    /// The columns of a CSV header that name no field but look like an
    /// optional field no column gives ([`super::NearMiss`]), for the caller
    /// to warn of (taken: a second call gives none).
    pub fn take_near_misses(&mut self) -> Vec<super::NearMiss> {
        match &mut self.inner {
            Inner::Csv(rows) => rows.take_near_misses(),
            _ => Vec::new(),
        }
    }

    /// The reader, or its CSV header's fault as an error: for a caller that
    /// reads a book for one account or one figure (`explain`, a test's
    /// snapshot file, `stability`), where a record per row is no answer and
    /// the header's fault is.
    ///
    /// # Errors
    ///
    /// The header's fault, when it has one.
    pub fn refusing_header_faults(mut self) -> Result<Self, ReadError> {
        match self.take_header_fault() {
            Some(fault) => Err(fault),
            None => Ok(self),
        }
    }
}

#[derive(Debug)]
enum Inner<R> {
    Parquet(Box<ParquetRows>),
    Lines(JsonLines<R>),
    Array(JsonArray),
    Items(std::vec::IntoIter<ReadItem>),
    Csv(Box<CsvRows<R>>),
}

impl<R: BufRead> Iterator for SnapshotReader<R> {
    type Item = ReadItem;

    fn next(&mut self) -> Option<ReadItem> {
        let next = match &mut self.inner {
            Inner::Lines(lines) => lines.next(),
            Inner::Array(array) => array.next().map(Ok),
            Inner::Items(items) => items.next().map(Ok),
            Inner::Csv(rows) => rows.next(),
            Inner::Parquet(rows) => rows.next().map(Ok),
        };
        match next? {
            Ok(item) => Some(item),
            Err(failure) => {
                let record = reading_stopped(self.name.as_deref(), &failure);
                self.failure = Some(failure);
                Some(Err(record))
            }
        }
    }
}

/// The error record that ends an input whose reading failed part-way, naming
/// the input when known (the last record of that input, in its place).
#[must_use]
pub fn reading_stopped(name: Option<&str>, failure: &ReadError) -> SnapshotError {
    let message = match name {
        Some(name) => format!("reading `{name}` stopped here: {failure}"),
        None => format!("reading stopped here: {failure}"),
    };
    SnapshotError { id: None, message }
}

/// JSON Lines, one line at a time.
#[derive(Debug)]
struct JsonLines<R> {
    input: R,
    buf: Vec<u8>,
    line: usize,
    schema: Arc<Schema>,
    limits: ReadLimits,
    done: bool,
}

impl<R: BufRead> JsonLines<R> {
    fn next(&mut self) -> Option<Result<ReadItem, ReadError>> {
        while !self.done {
            self.buf.clear();
            let max = self.limits.max_snapshot_bytes;
            match read_line_bounded(&mut self.input, &mut self.buf, max, self.line == 0) {
                Ok(LineRead::End) => self.done = true,
                Ok(LineRead::Line) => {
                    self.line += 1;
                    if let Some(item) = self.convert_line() {
                        return Some(Ok(item));
                    }
                }
                Ok(LineRead::TooLong(bytes)) => {
                    self.line += 1;
                    let id = id_of_long_snapshot(&self.buf, self.line, &self.schema);
                    return Some(Ok(Err(self.limits.oversize_snapshot(&format!("line {}", self.line), bytes, id))));
                }
                Err(e) => {
                    self.done = true;
                    return Some(Err(ReadError::Io(e)));
                }
            }
        }
        None
    }

    /// The current line's snapshot; `None` for a blank line.
    fn convert_line(&self) -> Option<ReadItem> {
        parse_json_line(&self.buf, self.line, &self.schema)
    }
}

/// `bytes` without the byte-order mark it starts with when it is `line` 1
/// of its input: the encoding's mark, not the text's.
fn without_bom(bytes: &[u8], line: usize) -> &[u8] {
    match line {
        1 => bytes.strip_prefix("\u{feff}".as_bytes()).unwrap_or(bytes),
        _ => bytes,
    }
}

/// The content of line number `line` (1-based) of a JSON Lines input, without
/// its line ending (and, on line 1, a byte-order mark); `None` when the line is
/// blank, which is no snapshot.
#[must_use]
pub fn json_line_content(bytes: &[u8], line: usize) -> Option<&[u8]> {
    let mut bytes = without_bom(bytes, line);
    bytes = bytes.strip_suffix(b"\n").unwrap_or(bytes);
    bytes = bytes.strip_suffix(b"\r").unwrap_or(bytes);
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return None;
    }
    Some(bytes)
}

/// Reads line number `line` (1-based) of a JSON Lines input, exactly as
/// [`read_snapshots`] does (so a caller can split lines on one thread and
/// parse them on many): `None` for a blank line, else the snapshot or its
/// error record, with syntax errors placed on that line.
#[must_use]
pub fn parse_json_line(bytes: &[u8], line: usize, schema: &Schema) -> Option<ReadItem> {
    let bytes = json_line_content(bytes, line)?;
    Some(match std::str::from_utf8(bytes) {
        Ok(text) => parse_at(text, schema, Origin::line_start(line)).map_err(|e| placed(lone_cr_hint(e, text), line)),
        Err(e) => Err(SnapshotError {
            id: id_despite_bad_bytes(bytes, line, schema),
            // A byte count, not a column: the line is not text to count characters of.
            message: not_utf8_message(&format!("line {line}"), e.valid_up_to() + 1),
        }),
    })
}

/// An error record without an id names the line its snapshot starts on:
/// blank lines are skipped (and a JSON array's or YAML list's elements
/// span lines), so a record's place among the output's is no guide to it,
/// and nothing else would find it. (A syntax error's message says its line
/// already.)
pub(super) fn placed(mut e: SnapshotError, line: usize) -> SnapshotError {
    if e.id.is_none() && !e.message.starts_with("invalid JSON at line ") && !e.message.starts_with("invalid YAML at") {
        e.message = format!("line {line}: {}", e.message);
    }
    e
}

/// An error of a line holding `}` and `{` parted by a lone `\r`: most likely
/// a file whose lines end with `\r` alone, which JSON Lines reads as one
/// line (a `\r` is whitespace inside a line). Said, so the cause is found.
fn lone_cr_hint(mut e: SnapshotError, text: &str) -> SnapshotError {
    let parted = text.contains("}\r{") || text.contains("}\r\r{");
    if parted {
        e.message.push_str(
            " (a `\r` alone parts two objects on this line: JSON Lines ends a line with `\n`, so a file whose \
             lines end with `\r` alone is read as one line)",
        );
    }
    e
}

/// The key of a snapshot over the maximum size, from its first bytes (as
/// [`read_line_bounded`] keeps of a long line): exports name the id first.
pub(crate) fn id_of_long_snapshot(text: &[u8], line: usize, schema: &Schema) -> Option<Key> {
    // A byte-order mark opening the file is skipped, as it is before a snapshot of any size.
    let text = without_bom(text, line);
    let kept = text.get(..KEPT_OF_A_LONG_LINE).unwrap_or(text);
    id_despite_bad_bytes(kept, line, schema)
}

/// The key of a line that is not UTF-8 text, as far as it can be read: from
/// the line with each bad byte shown as U+FFFD, unless the key itself held
/// one (a key that is not what the file says names no account).
pub(super) fn id_despite_bad_bytes(bytes: &[u8], line: usize, schema: &Schema) -> Option<Key> {
    let text = String::from_utf8_lossy(bytes);
    let id = match parse_at(&text, schema, Origin::line_start(line)) {
        Ok(snapshot) => Some(snapshot.id),
        Err(e) => e.id,
    };
    unless_replaced(id)
}

/// A key read with bad bytes shown as U+FFFD, unless one is in it: such a
/// key is not what the file says, and names no account.
pub(super) fn unless_replaced(id: Option<Key>) -> Option<Key> {
    id.filter(|id| !matches!(id, Key::Str(s) if s.contains(char::REPLACEMENT_CHARACTER)))
}

/// The offsets of `bad` (sorted) that lie in `start..end`.
pub(super) fn bad_in(bad: &[usize], start: usize, end: usize) -> &[usize] {
    let from = bad.partition_point(|&b| b < start);
    let to = bad.partition_point(|&b| b < end);
    bad.get(from..to).unwrap_or_default()
}

/// The message of a snapshot at `place` whose byte at `position` (from 1) is
/// not UTF-8: a position, said so, since a bare number reads as the byte's value.
pub(super) fn not_utf8_message(place: &str, position: usize) -> String {
    format!(
        "{place}: not UTF-8 text (the byte at position {position} is not part of a UTF-8 character); {}",
        crate::diagnostic::SAVE_AS_UTF8_NOT_ANSI
    )
}
