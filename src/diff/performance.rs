//! Realised performance for a diff (`--performance FILE`): per account id, a
//! bad flag and/or a loss amount, read from CSV or JSON Lines, to be joined
//! to the swap-set matrix (`swap_sets.rs`).
//!
//! The file is read whole before the book is decided (it is the smaller
//! side: one short row per account); the book still streams. Every problem
//! names the file and line: a malformed row or a repeated id stops the run,
//! since a join over part of the file would report figures nobody asked for.

use crate::diagnostic::codes;
use crate::value::parse_decimal;
use rust_decimal::Decimal;
use std::collections::HashMap;
use std::io::BufRead;
use std::path::Path;

/// The column (field) names a performance file is read by.
pub const ID: &str = "id";
/// The bad flag: `true`/`false` or `1`/`0`.
pub const BAD: &str = "bad";
/// The loss amount: an exact decimal.
pub const LOSS: &str = "loss";

/// Why a performance file cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum PerformanceError {
    /// The file cannot be opened, is not CSV or JSON Lines by its name, or is not text.
    #[error("`{file}`: {message}")]
    File {
        /// The file as named.
        file: String,
        /// What went wrong.
        message: String,
    },
    /// The header (or the first JSON Lines record) lacks `id`, or both `bad` and `loss`.
    #[error("`{file}`:{line}: {message}")]
    Columns {
        /// The file as named.
        file: String,
        /// The header's line (the first record's, for JSON Lines).
        line: u64,
        /// What is missing.
        message: String,
        /// The names the file has, for the hint.
        found: Vec<String>,
    },
    /// A row whose id, flag or amount cannot be read.
    #[error("`{file}`:{line}: {message}")]
    Row {
        /// The file as named.
        file: String,
        /// The row's line (1-based).
        line: u64,
        /// What is wrong with it.
        message: String,
    },
    /// Two rows give the same id: which one is the account's outcome is not ours to guess.
    #[error("`{file}`:{line}: the id `{id}` is already on line {first}")]
    Duplicate {
        /// The file as named.
        file: String,
        /// The second row's line.
        line: u64,
        /// The repeated id.
        id: String,
        /// The first row's line.
        first: u64,
    },
}

impl PerformanceError {
    /// A stable code for docs and tests.
    pub fn code(&self) -> &'static str {
        match self {
            PerformanceError::File { .. } | PerformanceError::Columns { .. } => codes::PERFORMANCE_FILE,
            PerformanceError::Row { .. } => codes::PERFORMANCE_ROW,
            PerformanceError::Duplicate { .. } => codes::PERFORMANCE_DUPLICATE,
        }
    }

    /// How to fix it, where that can be said.
    pub fn help(&self) -> Option<String> {
        match self {
            PerformanceError::Columns { found, .. } => Some(columns_help(found)),
            PerformanceError::File { .. } => None,
            PerformanceError::Row { .. } => {
                Some(format!("`{BAD}` is true/false or 1/0; `{LOSS}` is a plain decimal such as 1250.40"))
            }
            PerformanceError::Duplicate { .. } => Some("give each account's realised outcome once".into()),
        }
    }
}

fn columns_help(found: &[String]) -> String {
    let mut help = format!(
        "a performance file gives each account's `{ID}` with a `{BAD}` flag (true/false, 1/0), a `{LOSS}` amount, or both"
    );
    let names: Vec<&str> = found.iter().map(String::as_str).collect();
    if let Some(delimiter) = crate::diagnostic::other_csv_delimiter(names.iter().copied()) {
        return format!("{help}; {delimiter}");
    }
    let guesses: Vec<String> = [ID, BAD, LOSS]
        .iter()
        .filter(|want| !names.contains(want))
        .filter_map(|want| {
            let near = names.iter().find(|n| n.eq_ignore_ascii_case(want)).copied();
            near.or_else(|| crate::diagnostic::nearest_names(want, names.iter().copied(), 1).first().copied())
                .map(|n| format!("`{n}` for `{want}`"))
        })
        .collect();
    if !guesses.is_empty() {
        help.push_str(&format!("; did you mean {}?", guesses.join(", ")));
    } else if !names.is_empty() {
        help.push_str(&format!(
            "; this one has {}",
            names.iter().map(|n| format!("`{n}`")).collect::<Vec<_>>().join(", ")
        ));
    }
    help
}

/// One account's realised outcome.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Realised {
    /// The row's line in the file.
    pub line: u64,
    /// Went bad (when the file has `bad`).
    pub bad: Option<bool>,
    /// The loss (when the file has `loss`).
    pub loss: Option<Decimal>,
}

/// A performance file, read whole: realised outcomes by account id, in file order.
#[derive(Clone, Debug, Default)]
pub struct Performance {
    /// The file as named on the command line.
    pub file: String,
    /// Whether rows carry a bad flag.
    pub has_bad: bool,
    /// Whether rows carry a loss amount.
    pub has_loss: bool,
    /// Ids in file order, with their outcomes.
    pub rows: Vec<(Box<str>, Realised)>,
    index: HashMap<Box<str>, usize>,
}

impl Performance {
    /// Reads a performance file; its format is told by its name (`.csv`, `.jsonl`, `.ndjson`).
    ///
    /// # Errors
    ///
    /// Any [`PerformanceError`].
    pub fn read(path: &Path) -> Result<Performance, PerformanceError> {
        let file = path.display().to_string();
        let fail = |message: String| PerformanceError::File { file: file.clone(), message };
        let ext = path.extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase);
        let csv = match ext.as_deref() {
            Some("csv") => true,
            Some("jsonl" | "ndjson") => false,
            _ => return Err(fail("cannot tell its format from its name: name it `.csv` or `.jsonl`".into())),
        };
        let bytes = std::fs::read(path).map_err(|e| fail(format!("cannot read it: {e}")))?;
        if let Some(encoding) = crate::diagnostic::utf16_by_its_mark(&bytes) {
            return Err(fail(format!("it is {encoding} text, not UTF-8: save it as UTF-8")));
        }
        if csv {
            Performance::from_csv(&bytes, &file)
        } else {
            Performance::from_jsonl(bytes.as_slice(), &file)
        }
    }

    /// Reads CSV with a header naming `id` and `bad` and/or `loss` (other columns are ignored).
    ///
    /// # Errors
    ///
    /// Any [`PerformanceError`].
    pub fn from_csv(input: &[u8], file: &str) -> Result<Performance, PerformanceError> {
        let mut reader = csv::ReaderBuilder::new().has_headers(true).from_reader(input);
        // The csv crate's line numbers skip blank lines; lines are counted from byte offsets instead.
        let mut lines = LineCounter { text: input, byte: 0, line: 1 };
        let header: Vec<String> = match reader.headers() {
            Ok(h) => h.iter().map(|c| c.trim().trim_start_matches('\u{feff}').to_string()).collect(),
            Err(e) => return Err(csv_error(file, &e, &mut lines)),
        };
        let at = |name: &str| header.iter().position(|c| c == name);
        let (id, bad, loss) = (at(ID), at(BAD), at(LOSS));
        let mut perf = Performance::start(file, bad.is_some(), loss.is_some());
        let Some(id) = id else { return Err(perf.missing(1, ID, header)) };
        if bad.is_none() && loss.is_none() {
            return Err(perf.missing(1, "both", header));
        }
        for record in reader.records() {
            let record = record.map_err(|e| csv_error(file, &e, &mut lines))?;
            // A row of empty cells (`,,`, as a spreadsheet writes under its
            // table) holds no account, as an empty line does not.
            if record.iter().all(|cell| cell.trim().is_empty()) {
                continue;
            }
            let line = record.position().map_or(0, |p| lines.at(p.byte()));
            let cell = |i: Option<usize>| i.map(|i| record.get(i).unwrap_or("").trim());
            let row = Cells {
                id: cell(Some(id)).map(Text::Csv),
                bad: cell(bad).map(Text::Csv),
                loss: cell(loss).map(Text::Csv),
            };
            perf.push(line, row)?;
        }
        Ok(perf)
    }

    /// Reads JSON Lines: one object a line with `id` and `bad` and/or `loss`. The
    /// first record says which of `bad` and `loss` the file gives; every record
    /// gives the same. Blank lines are skipped.
    ///
    /// # Errors
    ///
    /// Any [`PerformanceError`].
    pub fn from_jsonl<R: BufRead>(input: R, file: &str) -> Result<Performance, PerformanceError> {
        let mut perf: Option<Performance> = None;
        let mut first_line = 0;
        for (n, text) in input.lines().enumerate() {
            let line = n as u64 + 1;
            let text = text
                .map_err(|e| PerformanceError::File { file: file.into(), message: format!("cannot read it: {e}") })?;
            // A byte-order mark, as Windows tools save one, starts the first line.
            let text = if n == 0 { text.strip_prefix('\u{feff}').unwrap_or(&text) } else { &text };
            if text.trim().is_empty() {
                continue;
            }
            let row_error = |message: String| PerformanceError::Row { file: file.into(), line, message };
            let value: serde_json::Value =
                serde_json::from_str(text).map_err(|e| row_error(format!("not a JSON object: {e}")))?;
            let serde_json::Value::Object(object) = value else {
                return Err(row_error("not a JSON object".into()));
            };
            let perf = match &mut perf {
                Some(p) => p,
                None => {
                    first_line = line;
                    perf.insert(Performance::first_jsonl(file, line, &object)?)
                }
            };
            // A column the first record lacks would be read for no record
            // and its values lost without a word.
            for (name, given) in [(BAD, perf.has_bad), (LOSS, perf.has_loss)] {
                if !given && object.contains_key(name) {
                    return Err(row_error(format!(
                        "gives `{name}`, which the first record (line {first_line}) does not: every record \
                         gives the same of `{BAD}` and `{LOSS}`"
                    )));
                }
            }
            let field = |name: &str, wanted: bool| wanted.then(|| object.get(name).map_or(Text::Missing, Text::Json));
            let row = Cells { id: field(ID, true), bad: field(BAD, perf.has_bad), loss: field(LOSS, perf.has_loss) };
            perf.push(line, row)?;
        }
        // Without a record nothing says which of `bad` and `loss` the file gives: an empty
        // extract is a mistake upstream, not a book without performance.
        perf.ok_or_else(|| PerformanceError::File {
            file: file.into(),
            message: format!("it has no record: nothing gives `{ID}` with `{BAD}` or `{LOSS}`"),
        })
    }

    /// The file's shape from its first record: it must name `id` and `bad` or `loss`.
    fn first_jsonl(
        file: &str,
        line: u64,
        object: &serde_json::Map<String, serde_json::Value>,
    ) -> Result<Performance, PerformanceError> {
        let perf = Performance::start(file, object.contains_key(BAD), object.contains_key(LOSS));
        let found = || object.keys().cloned().collect();
        if !object.contains_key(ID) {
            return Err(perf.missing(line, ID, found()));
        }
        if !perf.has_bad && !perf.has_loss {
            return Err(perf.missing(line, "both", found()));
        }
        Ok(perf)
    }

    fn start(file: &str, has_bad: bool, has_loss: bool) -> Performance {
        Performance { file: file.into(), has_bad, has_loss, ..Performance::default() }
    }

    fn missing(&self, line: u64, what: &str, found: Vec<String>) -> PerformanceError {
        let message = if what == ID {
            format!("no `{ID}` column: the performance file is joined to the book by account id")
        } else {
            format!("neither a `{BAD}` nor a `{LOSS}` column: there is no performance to report")
        };
        PerformanceError::Columns { file: self.file.clone(), line, message, found }
    }

    /// Adds one row, read from its cells.
    fn push(&mut self, line: u64, cells: Cells<'_>) -> Result<(), PerformanceError> {
        let row_error = |message: String| PerformanceError::Row { file: self.file.clone(), line, message };
        let id = cells.id.map_or(Err(format!("no `{ID}`")), |t| t.id()).map_err(row_error)?;
        let bad = cells.bad.map(|t| t.bad()).transpose().map_err(row_error)?;
        let loss = cells.loss.map(|t| t.loss()).transpose().map_err(row_error)?;
        if let Some(&first) = self.index.get(id.as_str()) {
            let first = self.rows.get(first).map_or(0, |(_, r)| r.line);
            return Err(PerformanceError::Duplicate { file: self.file.clone(), line, id, first });
        }
        let id: Box<str> = id.into();
        self.index.insert(id.clone(), self.rows.len());
        self.rows.push((id, Realised { line, bad, loss }));
        Ok(())
    }

    /// The position (in [`Performance::rows`]) of the row for an account id.
    pub fn position(&self, id: &str) -> Option<usize> {
        self.index.get(id).copied()
    }
}

/// Line numbers of records from their byte offsets, met in increasing order.
struct LineCounter<'a> {
    text: &'a [u8],
    byte: usize,
    line: u64,
}

impl LineCounter<'_> {
    fn at(&mut self, byte: u64) -> u64 {
        let mut byte = usize::try_from(byte).unwrap_or(usize::MAX).min(self.text.len());
        // A record's offset is where the reader resumed, before any blank lines it skipped.
        while matches!(self.text.get(byte), Some(b'\n' | b'\r')) {
            byte += 1;
        }
        if byte >= self.byte {
            let skipped = self.text.get(self.byte..byte).unwrap_or_default();
            self.line += memchr::memchr_iter(b'\n', skipped).count() as u64;
            self.byte = byte;
        }
        self.line
    }
}

fn csv_error(file: &str, e: &csv::Error, lines: &mut LineCounter<'_>) -> PerformanceError {
    let line = e.position().map_or(0, |p| lines.at(p.byte()));
    let message = match e.kind() {
        csv::ErrorKind::UnequalLengths { expected_len, len, .. } => {
            format!("{len} fields where the header has {expected_len}")
        }
        csv::ErrorKind::Utf8 { .. } => "not UTF-8 text".into(),
        _ => e.to_string(),
    };
    if line == 0 {
        return PerformanceError::File { file: file.into(), message };
    }
    PerformanceError::Row { file: file.into(), line, message }
}

/// A row's cells before they are read.
struct Cells<'a> {
    id: Option<Text<'a>>,
    bad: Option<Text<'a>>,
    loss: Option<Text<'a>>,
}

/// One cell: CSV text, a JSON value, or a JSON field the record lacks.
#[derive(Clone, Copy)]
enum Text<'a> {
    Csv(&'a str),
    Json(&'a serde_json::Value),
    Missing,
}

impl Text<'_> {
    /// The cell as text, or why it is none (`null`, an object, absent).
    fn text(self, name: &str) -> Result<String, String> {
        match self {
            Text::Csv(s) => Ok(s.to_string()),
            Text::Json(serde_json::Value::String(s)) => Ok(s.trim().to_string()),
            Text::Json(serde_json::Value::Number(n)) => Ok(n.to_string()),
            Text::Json(serde_json::Value::Bool(b)) => Ok(b.to_string()),
            Text::Json(other) => Err(format!("`{name}` is {}", json_kind(other))),
            Text::Missing => Err(format!("no `{name}` (the first record has one, so every record does)")),
        }
    }

    fn id(self) -> Result<String, String> {
        let id = self.text(ID)?;
        match id.as_str() {
            "" => Err(format!("the `{ID}` is empty")),
            _ => Ok(id),
        }
    }

    fn bad(self) -> Result<bool, String> {
        let text = self.text(BAD)?;
        match text.to_ascii_lowercase().as_str() {
            "true" | "1" => Ok(true),
            "false" | "0" => Ok(false),
            "" => Err(format!("the `{BAD}` flag is empty")),
            _ => Err(format!("`{BAD}` is `{text}`, not true/false or 1/0")),
        }
    }

    fn loss(self) -> Result<Decimal, String> {
        let text = self.text(LOSS)?;
        if text.is_empty() {
            return Err(format!("the `{LOSS}` amount is empty"));
        }
        parse_decimal(&text).ok_or_else(|| format!("`{LOSS}` is `{text}`, not a plain decimal"))
    }
}

fn json_kind(v: &serde_json::Value) -> &'static str {
    match v {
        serde_json::Value::Null => "null",
        serde_json::Value::Array(_) => "a list",
        serde_json::Value::Object(_) => "an object",
        serde_json::Value::Bool(_) => "a bool",
        serde_json::Value::Number(_) => "a number",
        serde_json::Value::String(_) => "a string",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn csv(text: &str) -> Result<Performance, PerformanceError> {
        Performance::from_csv(text.as_bytes(), "p.csv")
    }

    fn jsonl(text: &str) -> Result<Performance, PerformanceError> {
        Performance::from_jsonl(text.as_bytes(), "p.jsonl")
    }

    #[test]
    fn csv_rows_are_read_exactly_with_their_lines() {
        let p = csv("id,segment,bad,loss\nA,x,1,1200.10\nB,y,false,0\n\nC,z,TRUE,0.05\n").unwrap();
        assert!(p.has_bad && p.has_loss);
        let c = &p.rows[2];
        assert_eq!((&*c.0, c.1.line, c.1.bad), ("C", 5, Some(true)));
        assert_eq!(c.1.loss, Some(Decimal::new(5, 2)));
        assert_eq!(p.position("B"), Some(1));
        assert_eq!(p.position("D"), None);
    }

    #[test]
    fn jsonl_takes_its_shape_from_the_first_record() {
        let p = jsonl("{\"id\":\"A\",\"loss\":\"10.5\"}\n\n{\"id\":7,\"loss\":0.10}\n").unwrap();
        assert!(!p.has_bad && p.has_loss);
        assert_eq!(p.rows[1].0.as_ref(), "7");
        assert_eq!(p.rows[1].1.loss.map(|d| d.to_string()), Some("0.10".into()));
        assert_eq!(p.rows[1].1.line, 3);
        let e = jsonl("{\"id\":\"A\",\"loss\":1}\n{\"id\":\"B\"}\n").unwrap_err();
        assert_eq!(e.to_string(), "`p.jsonl`:2: no `loss` (the first record has one, so every record does)");
        let e = jsonl("\n\n").unwrap_err();
        assert_eq!(
            (e.code(), e.to_string()),
            (codes::PERFORMANCE_FILE, "`p.jsonl`: it has no record: nothing gives `id` with `bad` or `loss`".into())
        );
        // A CSV file with a header and no rows is a file without rows.
        assert!(csv("id,bad\n").unwrap().rows.is_empty());
    }

    #[test]
    fn problems_name_the_line() {
        let e = csv("id,bad\nA,1\nB,yes\n").unwrap_err();
        assert_eq!(
            (e.code(), e.to_string()),
            (codes::PERFORMANCE_ROW, "`p.csv`:3: `bad` is `yes`, not true/false or 1/0".into())
        );
        let e = csv("id,loss\nA,1e3\n").unwrap_err();
        assert_eq!(e.to_string(), "`p.csv`:2: `loss` is `1e3`, not a plain decimal");
        let e = csv("id,bad\nA,1\nA,0\n").unwrap_err();
        assert_eq!(
            (e.code(), e.to_string()),
            (codes::PERFORMANCE_DUPLICATE, "`p.csv`:3: the id `A` is already on line 2".into())
        );
        let e = csv("id,bad\nA,1,9\n").unwrap_err();
        assert_eq!(e.to_string(), "`p.csv`:2: 3 fields where the header has 2");
        let e = jsonl("{\"id\":\"A\",\"bad\":null}\n").unwrap_err();
        assert_eq!(e.to_string(), "`p.jsonl`:1: `bad` is null");
    }

    #[test]
    fn a_file_without_bad_or_loss_is_refused_with_a_hint() {
        let e = csv("id,Bad,lose\nA,1,2\n").unwrap_err();
        assert_eq!(e.code(), codes::PERFORMANCE_FILE);
        assert_eq!(e.to_string(), "`p.csv`:1: neither a `bad` nor a `loss` column: there is no performance to report");
        assert!(e.help().unwrap().ends_with("did you mean `Bad` for `bad`, `lose` for `loss`?"), "{:?}", e.help());
        let e = csv("account,bad\nA,1\n").unwrap_err();
        assert!(e.to_string().contains("no `id` column"), "{e}");
        assert!(e.help().unwrap().ends_with("this one has `account`, `bad`"), "{:?}", e.help());
        // Excel where the decimal mark is a comma separates by `;`.
        let e = csv("id;bad\nA;1\n").unwrap_err();
        assert!(e
            .help()
            .unwrap()
            .ends_with("the header seems to be separated by `;`: verdict reads comma-separated values"));
    }
}
