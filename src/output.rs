//! Decisions as data for the outside world (spec §5): JSON Lines, JSON, YAML,
//! CSV and a terminal table. Money is written as an exact string with no
//! exponent and no trailing fractional zeros.

use crate::compile::Program;
use crate::decision::fields;
use crate::eval::{ActionRecord, Decision, ErrorRecord, Outputs};
use crate::snapshot::Key;
use crate::value::format_decimal;
use serde::ser::{SerializeMap, SerializeSeq, Serializer};
use serde::Serialize;

mod fast_json;
mod json_parts;
mod trace_json;

pub(crate) use json_parts::DecimalText;
pub use trace_json::TracedJson;

/// One output record with the policy it came from, ready to serialize.
pub struct RecordView<'a> {
    /// The decision or error.
    pub record: &'a Outputs,
    /// The program that decided.
    pub program: &'a Program,
}

impl Serialize for RecordView<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self.record {
            Ok(d) => DecisionView { d, program: self.program }.serialize(s),
            Err(e) => ErrorRecordView(e).serialize(s),
        }
    }
}

/// A snapshot key as JSON: a string key as a string, an integer key as a number.
pub struct KeyView<'a>(pub &'a Key);

impl Serialize for KeyView<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self.0 {
            Key::Str(k) => s.serialize_str(k),
            Key::Int(i) => s.serialize_i64(*i),
        }
    }
}

/// An error record's `error`: `{"kind": …, "message": …}`.
pub struct ErrorView<'a>(pub &'a ErrorRecord);

impl Serialize for ErrorView<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(2))?;
        m.serialize_entry(fields::KIND, self.0.kind.name())?;
        m.serialize_entry(fields::MESSAGE, &self.0.message)?;
        m.end()
    }
}

/// A whole error record: `{"id": …, "error": …}`.
struct ErrorRecordView<'a>(&'a ErrorRecord);

impl Serialize for ErrorRecordView<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(2))?;
        m.serialize_entry(fields::ID, &self.0.id.as_ref().map(KeyView))?;
        m.serialize_entry(fields::ERROR, &ErrorView(self.0))?;
        m.end()
    }
}

struct DecisionView<'a> {
    d: &'a Decision,
    program: &'a Program,
}

impl Serialize for DecisionView<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let d = self.d;
        let mut m = s.serialize_map(None)?;
        m.serialize_entry(fields::ID, &KeyView(&d.id))?;
        m.serialize_entry(fields::AS_OF, &d.as_of.to_string())?;
        m.serialize_entry(fields::OUTCOME, d.outcome.name())?;
        m.serialize_entry(fields::UNTIL, &d.until.map(|u| u.to_string()))?;
        m.serialize_entry(fields::LIMIT, &d.limit.map(format_decimal))?;
        m.serialize_entry(fields::REASONS, &Reasons(d))?;
        m.serialize_entry(fields::ACTIONS, &Actions(&d.actions))?;
        m.serialize_entry(fields::FIRED, &d.fired.iter().map(|f| &**f).collect::<Vec<_>>())?;
        if !d.scores.is_empty() {
            m.serialize_entry(fields::SCORES, &Scores(&d.scores))?;
        }
        if !d.arms.is_empty() {
            m.serialize_entry(fields::ARMS, &ArmsView(&d.arms))?;
        }
        m.serialize_entry(fields::POLICY, &PolicyView(self.program))?;
        if let Some(t) = &d.trace {
            m.serialize_entry(fields::TRACE, &trace_json::TraceView(t, self.program))?;
        }
        m.end()
    }
}

/// A decision's scores: `{"app_score": "585", …}` in declaration order.
pub struct Scores<'a>(pub &'a [crate::eval::scorecard::Score]);

impl Serialize for Scores<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(self.0.len()))?;
        for score in self.0 {
            m.serialize_entry(&*score.name, &format_decimal(score.value))?;
        }
        m.end()
    }
}

/// A decision's reasons: `[{"code": …, "text": …, "rule": …}, …]`.
pub struct Reasons<'a>(pub &'a Decision);

impl Serialize for Reasons<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut seq = s.serialize_seq(Some(self.0.reasons.len()))?;
        for r in &self.0.reasons {
            seq.serialize_element(&Entry(&[
                (fields::CODE, Some(&r.code)),
                (fields::TEXT, r.text.as_ref()),
                (fields::RULE, Some(&r.rule)),
            ]))?;
        }
        seq.end()
    }
}

/// A map of optional string values, in the given order.
struct Entry<'a>(&'a [(&'a str, Option<&'a std::sync::Arc<str>>)]);

impl Serialize for Entry<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(self.0.len()))?;
        for (k, v) in self.0 {
            m.serialize_entry(k, &v.map(|v| &**v))?;
        }
        m.end()
    }
}

struct Actions<'a>(&'a [ActionRecord]);

impl Serialize for Actions<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut seq = s.serialize_seq(Some(self.0.len()))?;
        for a in self.0 {
            seq.serialize_element(&ActionView(a))?;
        }
        seq.end()
    }
}

/// One action of a decision as spec §5 writes it (`{"notify":…,"template":…,"rule":…}` and the like).
pub struct ActionView<'a>(pub &'a ActionRecord);

impl Serialize for ActionView<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(None)?;
        match self.0 {
            ActionRecord::Notify { channel, template, rule } => {
                m.serialize_entry(fields::NOTIFY, channel.name())?;
                m.serialize_entry(fields::TEMPLATE, &**template)?;
                m.serialize_entry(fields::RULE, &**rule)?;
            }
            ActionRecord::Escalate { stage, rule } => {
                m.serialize_entry(fields::ESCALATE, &**stage)?;
                m.serialize_entry(fields::RULE, &**rule)?;
            }
            ActionRecord::Review { queue, rule } => {
                m.serialize_entry(fields::REVIEW, &**queue)?;
                m.serialize_entry(fields::RULE, &**rule)?;
            }
            ActionRecord::Tag { label, rule } => {
                m.serialize_entry(fields::TAG, &**label)?;
                m.serialize_entry(fields::RULE, &**rule)?;
            }
        }
        m.end()
    }
}

/// A decision's arms: `{"limit_test": "challenger", …}` in declaration order.
pub struct ArmsView<'a>(pub &'a [crate::eval::Arm]);

impl Serialize for ArmsView<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(self.0.len()))?;
        for arm in self.0 {
            m.serialize_entry(&*arm.split, &*arm.arm)?;
        }
        m.end()
    }
}

struct PolicyView<'a>(&'a Program);

impl Serialize for PolicyView<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(3))?;
        m.serialize_entry(fields::NAME, &self.0.name)?;
        m.serialize_entry(fields::VERSION, &self.0.version)?;
        m.serialize_entry(fields::FINGERPRINT, &self.0.fingerprint)?;
        m.end()
    }
}

/// Output formats of `verdict eval` (its `--format` takes their names).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "cli", derive(clap::ValueEnum))]
#[non_exhaustive]
pub enum OutputFormat {
    /// One JSON object per line (default).
    Jsonl,
    /// A JSON array.
    Json,
    /// A YAML list.
    Yaml,
    /// CSV with one row per record.
    Csv,
    /// An aligned table for a terminal.
    Table,
    /// Apache Parquet, one row per record (the columns of Python's `decide_table`); to `--output`, or to a standard output that is not a terminal.
    Parquet,
}

/// Writes records one at a time in a chosen format (streaming for JSON Lines and CSV).
pub struct RecordWriter<W: std::io::Write> {
    out: W,
    format: OutputFormat,
    count: usize,
    table: Vec<[String; TABLE_COLUMNS]>,
    /// The table has an ARMS column (the policy has splits).
    table_arms: bool,
    /// One JSON record at a time, reused so that writing allocates nothing.
    scratch: Vec<u8>,
    /// The policy's part of every JSON record, encoded once.
    tail: json_parts::PolicyTail,
    /// The Parquet encoder, made at the first record.
    parquet: Option<Box<crate::columns::ParquetDecisions>>,
    /// The policy a Parquet file's footer names ([`RecordWriter::naming`]).
    policy: Vec<(&'static str, String)>,
}

/// The Parquet encoder of a [`RecordWriter`], made at its first use with the
/// policy its footer names.
fn parquet_encoder<'p>(
    slot: &'p mut Option<Box<crate::columns::ParquetDecisions>>,
    policy: &[(&'static str, String)],
) -> std::io::Result<&'p mut crate::columns::ParquetDecisions> {
    let encoder = take_parquet_encoder(slot, policy)?;
    Ok(slot.insert(encoder))
}

/// The Parquet encoder taken out of `slot` (to finish it), made if it never was.
fn take_parquet_encoder(
    slot: &mut Option<Box<crate::columns::ParquetDecisions>>,
    policy: &[(&'static str, String)],
) -> std::io::Result<Box<crate::columns::ParquetDecisions>> {
    match slot.take() {
        Some(encoder) => Ok(encoder),
        None => Ok(Box::new(crate::columns::ParquetDecisions::new(policy)?)),
    }
}

/// The decision's fields up to `fired`, then the error's and the policy's fingerprint.
const CSV_HEADER: [&str; 11] = {
    let d = fields::DECISION;
    [d[0], d[1], d[2], d[3], d[4], d[5], d[6], d[7], "error_kind", "error_message", "policy_fingerprint"]
};

impl<W: std::io::Write> RecordWriter<W> {
    /// A writer of the given format.
    pub fn new(out: W, format: OutputFormat) -> Self {
        RecordWriter::resume(out, format, 0)
    }

    /// A writer that continues an output of which `written` records were
    /// already written elsewhere, so that chunks of one output can be encoded
    /// on several threads (JSON separators and the CSV header depend on it)
    /// and joined with [`RecordWriter::append_encoded`]. Not for
    /// [`OutputFormat::Table`], whose layout needs every row.
    pub fn resume(out: W, format: OutputFormat, written: usize) -> Self {
        RecordWriter {
            out,
            format,
            count: written,
            table: Vec::new(),
            table_arms: false,
            scratch: Vec::new(),
            tail: json_parts::PolicyTail::default(),
            parquet: None,
            policy: Vec::new(),
        }
    }

    /// Names `program` in the output's metadata where the format has room
    /// for it (a Parquet file's footer); records carry it in every format.
    #[must_use]
    pub fn naming(mut self, program: &Program) -> Self {
        self.policy = crate::columns::policy_metadata(program).into();
        self
    }

    /// True when the format can be encoded in chunks with [`RecordWriter::resume`].
    pub fn chunkable(format: OutputFormat) -> bool {
        !matches!(format, OutputFormat::Table | OutputFormat::Parquet)
    }

    /// Appends `records` records encoded by a [`RecordWriter::resume`]d writer.
    pub fn append_encoded(&mut self, bytes: &[u8], records: usize) -> std::io::Result<()> {
        self.out.write_all(bytes)?;
        self.count += records;
        Ok(())
    }

    /// Appends `batch`, `records` decisions already gathered as Parquet's
    /// columns (see [`crate::columns::DecisionColumns`]) on another thread,
    /// so that only the file's encoding is left to the writer.
    pub fn append_columns(&mut self, batch: &arrow_array::RecordBatch, records: usize) -> std::io::Result<()> {
        parquet_encoder(&mut self.parquet, &self.policy)?.write_batch(batch, &mut self.out)?;
        self.count += records;
        Ok(())
    }

    /// The format written.
    pub fn format(&self) -> OutputFormat {
        self.format
    }

    /// The records written so far.
    pub fn count(&self) -> usize {
        self.count
    }

    /// Writes one record.
    pub fn write(&mut self, record: &Outputs, program: &Program) -> std::io::Result<()> {
        let view = RecordView { record, program };
        match self.format {
            OutputFormat::Jsonl => {
                self.scratch.clear();
                json_record(&mut self.scratch, &view, &mut self.tail)?;
                self.scratch.push(b'\n');
                self.out.write_all(&self.scratch)?;
            }
            OutputFormat::Json => {
                self.scratch.clear();
                self.scratch.extend_from_slice(if self.count == 0 { b"[\n  " } else { b",\n  " });
                json_record(&mut self.scratch, &view, &mut self.tail)?;
                self.out.write_all(&self.scratch)?;
            }
            OutputFormat::Yaml => {
                let json = serde_json::to_string(&view).map_err(std::io::Error::other)?;
                let text = crate::yaml::record_as_list_item(&json).map_err(std::io::Error::other)?;
                self.out.write_all(text.as_bytes())?;
            }
            OutputFormat::Csv => {
                let mut writer = csv::Writer::from_writer(&mut self.out);
                let arms = !program.splits.is_empty();
                if self.count == 0 {
                    let header = csv_header(arms);
                    let scores = score_columns(program, &header);
                    writer
                        .write_record(header.iter().copied().chain(scores.iter().map(String::as_str)))
                        .map_err(std::io::Error::other)?;
                }
                let mut row = csv_row(record, program, arms);
                row.extend(csv_scores(record, program));
                writer.write_record(row).map_err(std::io::Error::other)?;
                writer.flush()?;
            }
            OutputFormat::Table => {
                self.table_arms |= !program.splits.is_empty();
                self.table.push(table_row(record));
            }
            OutputFormat::Parquet => {
                parquet_encoder(&mut self.parquet, &self.policy)?.push(record, &mut self.out)?;
            }
        }
        self.count += 1;
        Ok(())
    }

    /// Finishes the output (closes the JSON array, lays out the table).
    ///
    /// With no record written, a CSV header has no scorecard columns (the
    /// program is not at hand); it names the fixed columns only.
    pub fn finish(mut self) -> std::io::Result<W> {
        match self.format {
            OutputFormat::Json => self.out.write_all(if self.count == 0 { b"[]\n" } else { b"\n]\n" })?,
            OutputFormat::Yaml if self.count == 0 => self.out.write_all(b"[]\n")?,
            OutputFormat::Csv if self.count == 0 => {
                let mut w = csv::Writer::from_writer(&mut self.out);
                w.write_record(CSV_HEADER).map_err(std::io::Error::other)?;
                w.flush()?;
            }
            OutputFormat::Table => {
                let text = render_table(&self.table, self.table_arms);
                self.out.write_all(text.as_bytes())?;
            }
            OutputFormat::Parquet => {
                take_parquet_encoder(&mut self.parquet, &self.policy)?.finish(&mut self.out)?;
            }
            _ => {}
        }
        self.out.flush()?;
        Ok(self.out)
    }
}

impl RecordWriter<&mut Vec<u8>> {
    /// Writes one record into memory, as [`RecordWriter::write`] does: a
    /// JSON Lines record is encoded straight onto the buffer instead of
    /// through `scratch` and a copy (a chunk of a whole-book run).
    pub fn write_in_memory(&mut self, record: &Outputs, program: &Program) -> std::io::Result<()> {
        if self.format != OutputFormat::Jsonl {
            return self.write(record, program);
        }
        json_record(self.out, &RecordView { record, program }, &mut self.tail)?;
        self.out.push(b'\n');
        self.count += 1;
        Ok(())
    }
}

/// Appends one record as compact JSON: decisions without a trace by hand (the
/// bulk of a whole-book run), anything else through serde. Both give the same bytes.
fn json_record(buf: &mut Vec<u8>, view: &RecordView, tail: &mut json_parts::PolicyTail) -> std::io::Result<()> {
    match view.record {
        Ok(d) if d.trace.is_none() => {
            fast_json::body(buf, d);
            buf.extend_from_slice(tail.of(view.program, fast_json::policy_tail));
            Ok(())
        }
        _ => serde_json::to_writer(buf, view).map_err(std::io::Error::other),
    }
}

fn key_text(id: Option<&Key>) -> String {
    id.map(ToString::to_string).unwrap_or_default()
}

fn action_text(a: &ActionRecord) -> String {
    match a {
        ActionRecord::Notify { channel, template, .. } => format!("notify {} {template}", channel.name()),
        ActionRecord::Escalate { stage, .. } => format!("escalate {stage}"),
        ActionRecord::Review { queue, .. } => format!("review {queue}"),
        ActionRecord::Tag { label, .. } => format!("tag {label}"),
    }
}

/// Items in one CSV cell, `|` between them; a `|` or `\` inside an item
/// (a rule named `r|1`, a computed tag) is written `\|` or `\\`, so that
/// the cell splits back into its items.
fn csv_list<S: AsRef<str>>(items: impl Iterator<Item = S>) -> String {
    let mut cell = String::new();
    for (i, item) in items.enumerate() {
        if i > 0 {
            cell.push('|');
        }
        for c in item.as_ref().chars() {
            if c == '|' || c == '\\' {
                cell.push('\\');
            }
            cell.push(c);
        }
    }
    cell
}

/// The CSV header: with an `arms` column after `fired` when the policy has splits.
fn csv_header(arms: bool) -> Vec<&'static str> {
    let mut header = CSV_HEADER.to_vec();
    if arms {
        header.insert(8, fields::ARMS);
    }
    header
}

/// A decision's arms in a CSV or table cell: `limit_test=challenger|other=b`.
fn arms_text(arms: &[crate::eval::Arm], separator: &str) -> String {
    arms.iter().map(|a| format!("{}={}", a.split, a.arm)).collect::<Vec<_>>().join(separator)
}

fn csv_row(record: &Outputs, program: &Program, arms: bool) -> Vec<String> {
    let mut row = csv_cells(record, program);
    if arms {
        let cell = match record {
            Ok(d) => csv_list(d.arms.iter().map(|a| format!("{}={}", a.split, a.arm))),
            Err(_) => String::new(),
        };
        row.insert(8, cell);
    }
    row
}

fn csv_cells(record: &Outputs, program: &Program) -> Vec<String> {
    match record {
        Ok(d) => vec![
            key_text(Some(&d.id)),
            d.as_of.to_string(),
            d.outcome.name().into(),
            d.until.map(|u| u.to_string()).unwrap_or_default(),
            d.limit.map(format_decimal).unwrap_or_default(),
            csv_list(d.reasons.iter().map(|r| &*r.code)),
            csv_list(d.actions.iter().map(action_text)),
            csv_list(d.fired.iter().map(|f| &**f)),
            String::new(),
            String::new(),
            program.fingerprint.clone(),
        ],
        Err(e) => {
            let mut row = vec![key_text(e.id.as_ref())];
            row.extend(std::iter::repeat_n(String::new(), 7));
            row.extend([e.kind.name().to_string(), e.message.clone(), program.fingerprint.clone()]);
            row
        }
    }
}

/// The scorecards' CSV columns, in declaration order: each named after its
/// scorecard, or `scores.NAME` when the record has a column of that name
/// (a scorecard called `limit`), so no two columns share a name.
fn score_columns(program: &Program, header: &[&str]) -> Vec<String> {
    program
        .scorecards()
        .map(|l| match header.contains(&l.name.as_str()) {
            true => format!("{}.{}", fields::SCORES, l.name),
            false => l.name.clone(),
        })
        .collect()
}

/// A record's scorecard columns: each score, or empty in an error row.
fn csv_scores(record: &Outputs, program: &Program) -> Vec<String> {
    match record {
        Ok(d) => d.scores.iter().map(|s| format_decimal(s.value)).collect(),
        Err(_) => vec![String::new(); program.scorecards().count()],
    }
}

/// Columns of `--format table`: ID, OUTCOME, UNTIL, LIMIT, REASONS, ACTIONS,
/// SCORES, ARMS, FIRED / ERROR. SCORES is shown only when some row has a
/// score, ARMS only for a policy with splits.
const TABLE_COLUMNS: usize = 9;

/// One row of `--format table`, its cells escaped for a terminal.
fn table_row(record: &Outputs) -> [String; TABLE_COLUMNS] {
    table_cells(record).map(|cell| crate::terminal::escape(&cell).into_owned())
}

fn table_cells(record: &Outputs) -> [String; TABLE_COLUMNS] {
    match record {
        Ok(d) => [
            key_text(Some(&d.id)),
            d.outcome.name().into(),
            d.until.map(|u| u.to_string()).unwrap_or_else(|| "-".into()),
            d.limit.map(format_decimal).unwrap_or_else(|| "-".into()),
            if d.reasons.is_empty() {
                "-".into()
            } else {
                d.reasons.iter().map(|r| &*r.code).collect::<Vec<_>>().join(",")
            },
            if d.actions.is_empty() {
                "-".into()
            } else {
                d.actions.iter().map(action_cell).collect::<Vec<_>>().join(" ")
            },
            d.scores.iter().map(|s| format!("{}={}", s.name, format_decimal(s.value))).collect::<Vec<_>>().join(" "),
            if d.arms.is_empty() { "-".into() } else { arms_text(&d.arms, ",") },
            if d.fired.is_empty() { "-".into() } else { d.fired.iter().map(|f| &**f).collect::<Vec<_>>().join(", ") },
        ],
        Err(e) => [
            e.id.as_ref().map_or_else(|| "(no id)".into(), |id| key_text(Some(id))),
            format!("ERROR ({})", e.kind.name()),
            "-".into(),
            "-".into(),
            "-".into(),
            "-".into(),
            String::new(),
            "-".into(),
            e.message.clone(),
        ],
    }
}

/// An action in a table cell, short so the table fits a terminal:
/// `sms:overdue-reminder`, `escalate:legal`, `review:closure-desk`, `tag:kyc-refresh`.
fn action_cell(action: &ActionRecord) -> String {
    match action {
        ActionRecord::Notify { channel, template, .. } => format!("{}:{template}", channel.name()),
        ActionRecord::Escalate { stage, .. } => format!("escalate:{stage}"),
        ActionRecord::Review { queue, .. } => format!("review:{queue}"),
        ActionRecord::Tag { label, .. } => format!("tag:{label}"),
    }
}

fn render_table(rows: &[[String; TABLE_COLUMNS]], arms: bool) -> String {
    const SCORES: usize = 6;
    const ARMS: usize = 7;
    let with_scores = rows.iter().any(|r| r.get(SCORES).is_some_and(|c| !c.is_empty()));
    let keep = |i: &usize| (arms || *i != ARMS) && (with_scores || *i != SCORES);
    let pick = |row: &[String; TABLE_COLUMNS]| -> Vec<String> {
        row.iter().enumerate().filter(|(i, _)| keep(i)).map(|(_, c)| c.clone()).collect()
    };
    let header: Vec<&str> =
        ["ID", "OUTCOME", "UNTIL", "LIMIT", "REASONS", "ACTIONS", "SCORES", "ARMS", "FIRED / ERROR"]
            .into_iter()
            .enumerate()
            .filter(|(i, _)| keep(i))
            .map(|(_, h)| h)
            .collect();
    let rows: Vec<Vec<String>> = rows.iter().map(pick).collect();
    let mut widths: Vec<usize> = header.iter().map(|h| crate::terminal::width(h)).collect();
    for row in &rows {
        for (w, cell) in widths.iter_mut().zip(row.iter()) {
            *w = (*w).max(crate::terminal::width(cell));
        }
    }
    let mut out = String::new();
    let mut line = |cells: &[&str]| {
        let mut l = String::new();
        for (i, (cell, w)) in cells.iter().zip(widths.iter()).enumerate() {
            if i + 1 == cells.len() {
                l.push_str(cell);
            } else {
                l.push_str(&crate::terminal::pad_right(cell, *w));
                l.push_str("  ");
            }
        }
        out.push_str(l.trim_end());
        out.push('\n');
    };
    line(&header);
    for row in &rows {
        line(&row.iter().map(String::as_str).collect::<Vec<_>>());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::eval::Reason;
    use crate::ir::{Channel, Outcome};
    use std::sync::Arc;

    #[test]
    fn a_csv_list_escapes_its_separator_inside_items() {
        assert_eq!(csv_list(["C1", "C|2", "a\\b"].into_iter()), "C1|C\\|2|a\\\\b");
        assert_eq!(csv_list(std::iter::empty::<&str>()), "");
    }

    /// The hand-written JSON of a decision is byte for byte serde's, escapes and all.
    #[test]
    fn fast_decision_json_is_serdes() {
        let policy = crate::load_policy("policies/lifecycle.policy".as_ref()).unwrap();
        let program = &policy.program;
        let a = |s: &str| Arc::<str>::from(s);
        let date = |s: &str| crate::value::parse_date(s).unwrap();
        let mut d = Decision {
            id: Key::Str("A-\"1\"\\ é \u{1}\n".into()),
            as_of: date("2026-11-01"),
            outcome: Outcome::Freeze,
            until: Some(date("0999-01-31")),
            limit: Some(rust_decimal::Decimal::new(1440000, 2)),
            reasons: vec![
                Reason { code: a("R\t1"), text: None, rule: a("r") },
                Reason { code: a("R2"), text: Some(a("ünïcode ☃ \u{7f}")), rule: a("r") },
            ],
            actions: vec![
                ActionRecord::Notify { channel: Channel::Sms, template: a("t"), rule: a("r") },
                ActionRecord::Escalate { stage: a("legal"), rule: a("r") },
                ActionRecord::Review { queue: a("q/\u{1f}"), rule: a("r") },
                ActionRecord::Tag { label: a("x"), rule: a("r") },
            ],
            fired: vec![a("r"), a("s")],
            arms: Vec::new(),
            scores: Vec::new(),
            trace: None,
        };
        for id in [Key::Int(-42), d.id.clone(), Key::Str("ACC-0000123456789012345\\".into())] {
            d.id = id;
            for until in [None, Some(date("0999-01-31")), Some(date("0001-12-09")), Some(date("9999-10-31"))] {
                d.until = until;
                // With and without scorecards.
                d.scores = if until.is_some() {
                    let score = |n: &str, v: i64, dp| crate::eval::scorecard::Score {
                        name: a(n),
                        value: rust_decimal::Decimal::new(v, dp),
                    };
                    vec![score("app_score", 5850, 1), score("b\"x", -125, 2)]
                } else {
                    Vec::new()
                };
                let record: Outputs = Ok(d.clone());
                let view = RecordView { record: &record, program };
                let mut fast = Vec::new();
                fast_json::decision(&mut fast, &d, program);
                assert_eq!(String::from_utf8(fast).unwrap(), serde_json::to_string(&view).unwrap());
            }
        }
        let arm = |split: &str, arm: &str| crate::eval::Arm { split: a(split), arm: a(arm), index: 0 };
        d.arms = vec![arm("limit_test", "challenger"), arm("t\"2", "ü\n")];
        d.scores = Vec::new();
        let record: Outputs = Ok(d.clone());
        let mut fast = Vec::new();
        fast_json::decision(&mut fast, &d, program);
        let serde = serde_json::to_string(&RecordView { record: &record, program }).unwrap();
        assert_eq!(String::from_utf8(fast).unwrap(), serde);
        assert!(
            serde.contains(r#""fired":["r","s"],"arms":{"limit_test":"challenger","t\"2":"ü\n"},"policy""#),
            "{serde}"
        );
    }

    /// The word-at-a-time escape check agrees with the byte-at-a-time one for
    /// every byte at every position of a word and of the tail.
    #[test]
    fn needs_escape_finds_every_byte_that_needs_it() {
        for len in 1..=17 {
            for at in 0..len {
                for b in 0..=255u8 {
                    let mut bytes = vec![b'a'; len];
                    bytes[at] = b;
                    let expected = b < 0x20 || b == b'"' || b == b'\\';
                    assert_eq!(fast_json::needs_escape(&bytes), expected, "byte {b:#x} at {at} of {len}");
                }
            }
        }
        assert!(!fast_json::needs_escape("ünïcode ☃ \u{7f} ~ ]^_`".as_bytes()));
    }
}
