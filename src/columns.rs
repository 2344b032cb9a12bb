//! Decisions as Arrow columns: the table `eval --format parquet` writes and
//! the Python package's `decide_table` returns, one row per record in order.
//!
//! The columns are `id`, `outcome`, `until`, `limit`, `reasons`, `actions`,
//! `fired` (lists), `scores`, `arms` (maps of strings), `error_kind` and
//! `error_message` (null unless the row failed). `id` is text whatever the
//! key's type, so every policy's table has the same schema. A reason is a struct of its
//! JSON fields (`code`, `text`, `rule`) and an action a struct of every key
//! an action may have (`notify`, `template`, `escalate`, `review`, `tag`,
//! `rule`), null where that action has none, so each row says what its JSON
//! decision says.

use crate::decision::fields;
use crate::eval::{ActionRecord, Decision, ErrorKind, ErrorRecord, Outputs};
use crate::output::DecimalText;
use crate::snapshot::Key;
use crate::value::{format_decimal, Date};
use arrow_array::builder::{
    ArrayBuilder, Date32Builder, Decimal128Builder, ListBuilder, MapBuilder, MapFieldNames, PrimitiveBuilder,
    StringBuilder,
};
use arrow_array::types::ArrowPrimitiveType;
use arrow_array::{ArrayRef, ListArray, MapArray, PrimitiveArray, RecordBatch, StringArray, StructArray};
use arrow_buffer::{NullBufferBuilder, OffsetBuffer};
use arrow_schema::{ArrowError, DataType, Field, Fields, Schema, SchemaRef};
use parquet::arrow::ArrowWriter;
use parquet::basic::Compression;
use parquet::file::metadata::KeyValue;
use parquet::file::properties::{EnabledStatistics, WriterProperties};
use parquet::schema::types::ColumnPath;
use rust_decimal::Decimal;
use std::fmt::Write as _;
use std::io;
use std::sync::Arc;

/// How the `limit` column holds the new credit limit.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LimitColumn {
    /// `DECIMAL(38, 18)` (Parquet files), the type Spark gives a decimal of
    /// unknown scale: 20 digits before the point, 18 after, exact.
    Decimal,
    /// The exact value as the JSON decision writes it (`"14400"`): Python.
    String,
}

/// Precision and scale of [`LimitColumn::Decimal`].
pub const LIMIT_PRECISION: u8 = 38;
/// See [`LIMIT_PRECISION`].
pub const LIMIT_SCALE: i8 = 18;

/// Days from 0001-01-01 (CE day 1) to 1970-01-01, for Arrow's `Date32`.
const UNIX_EPOCH_CE_DAYS: i32 = 719_163;

/// A date as Arrow's `Date32`: days since 1970-01-01.
#[must_use]
pub fn date32(date: Date) -> i32 {
    use chrono::Datelike;
    date.num_days_from_ce() - UNIX_EPOCH_CE_DAYS
}

/// A `Date32` (days since 1970-01-01) as a date, if it is one `YYYY-MM-DD`
/// can write (the text readers' range, [`crate::value::in_written_range`]):
/// chrono holds years far beyond, which decisions would then show as
/// `+26059-12-28`.
#[must_use]
pub fn from_date32(days: i32) -> Option<Date> {
    let ce_day = days.checked_add(UNIX_EPOCH_CE_DAYS)?;
    Date::from_num_days_from_ce_opt(ce_day).filter(|date| crate::value::in_written_range(*date))
}

/// What a column's date outside [`from_date32`]'s range is called.
#[must_use]
pub fn outside_the_dates() -> String {
    use crate::value::{FIRST_WRITTEN_DATE, LAST_WRITTEN_DATE};
    format!("a date outside {FIRST_WRITTEN_DATE} to {LAST_WRITTEN_DATE}")
}

fn reason_fields() -> Fields {
    Fields::from(vec![
        Field::new(fields::CODE, DataType::Utf8, false),
        Field::new(fields::TEXT, DataType::Utf8, true),
        Field::new(fields::RULE, DataType::Utf8, false),
    ])
}

fn action_fields() -> Fields {
    Fields::from(fields::ACTION.map(|name| Field::new(name, DataType::Utf8, name != fields::RULE)).to_vec())
}

fn map_names() -> MapFieldNames {
    MapFieldNames { entry: "entries".into(), key: "key".into(), value: "value".into() }
}

/// Builds the decision columns row by row.
pub struct DecisionColumns {
    limit_as: LimitColumn,
    id: StringBuilder,
    outcome: StringBuilder,
    until: Date32Builder,
    limit_dec: Decimal128Builder,
    limit_str: StringBuilder,
    reasons: StringStructs,
    actions: StringStructs,
    fired: ListBuilder<StringBuilder>,
    scores: MapBuilder<StringBuilder, StringBuilder>,
    arms: MapBuilder<StringBuilder, StringBuilder>,
    error_kind: StringBuilder,
    error_message: StringBuilder,
    schema: SchemaRef,
}

impl DecisionColumns {
    /// Empty columns, the limit held as `limit_as`.
    #[must_use]
    pub fn new(limit_as: LimitColumn) -> DecisionColumns {
        let map = || MapBuilder::new(Some(map_names()), StringBuilder::new(), StringBuilder::new());
        let mut columns = DecisionColumns {
            limit_as,
            id: StringBuilder::new(),
            outcome: StringBuilder::new(),
            until: Date32Builder::new(),
            limit_dec: Decimal128Builder::new(),
            limit_str: StringBuilder::new(),
            reasons: StringStructs::new(reason_fields()),
            actions: StringStructs::new(action_fields()),
            fired: ListBuilder::new(StringBuilder::new()),
            scores: map(),
            arms: map(),
            error_kind: StringBuilder::new(),
            error_message: StringBuilder::new(),
            schema: Arc::new(Schema::empty()),
        };
        columns.schema = columns.finish_columns().map_or_else(|_| Arc::new(Schema::empty()), |b| b.schema());
        columns
    }

    /// The schema of the batches [`DecisionColumns::finish`] makes.
    #[must_use]
    pub fn schema(&self) -> SchemaRef {
        self.schema.clone()
    }

    /// Rows added since the last [`DecisionColumns::finish`].
    #[must_use]
    pub fn len(&self) -> usize {
        self.outcome.len()
    }

    /// True when no row was added since the last [`DecisionColumns::finish`].
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Adds one record's row.
    ///
    /// # Errors
    ///
    /// When a limit does not fit `DECIMAL(38, 18)` (more than 18 fractional
    /// digits, or 20 integer digits): a Parquet column has one scale, and the
    /// value is never rounded to fit it.
    pub fn push(&mut self, record: &Outputs) -> Result<(), ArrowError> {
        match record {
            Ok(decision) => self.push_decision(decision),
            Err(error) => {
                self.push_id(error.id.as_ref());
                self.outcome.append_null();
                self.until.append_null();
                self.push_limit(None)?;
                self.reasons.end_list(false);
                self.actions.end_list(false);
                self.fired.append_null();
                self.scores.append(false)?;
                self.arms.append(false)?;
                self.error_kind.append_value(error.kind.name());
                self.error_message.append_value(&error.message);
                Ok(())
            }
        }
    }

    fn push_decision(&mut self, d: &Decision) -> Result<(), ArrowError> {
        self.push_id(Some(&d.id));
        self.outcome.append_value(d.outcome.name());
        self.until.append_option(d.until.map(date32));
        self.push_limit(d.limit)?;
        for reason in &d.reasons {
            self.reasons.push(&[Some(&*reason.code), reason.text.as_deref(), Some(&*reason.rule)]);
        }
        self.reasons.end_list(true);
        for action in &d.actions {
            push_action(&mut self.actions, action);
        }
        self.actions.end_list(true);
        for rule in &d.fired {
            self.fired.values().append_value(&**rule);
        }
        self.fired.append(true);
        // Every scorecard and split of the policy, in declaration order, as
        // the JSON decision lists them (empty maps for a policy without any).
        for score in &d.scores {
            self.scores.keys().append_value(&*score.name);
            self.scores.values().append_value(DecimalText::of(score.value).as_str());
        }
        self.scores.append(true)?;
        for arm in &d.arms {
            self.arms.keys().append_value(&*arm.split);
            self.arms.values().append_value(&*arm.arm);
        }
        self.arms.append(true)?;
        self.error_kind.append_null();
        self.error_message.append_null();
        Ok(())
    }

    /// The key as text whatever its type, so every policy's table has one schema.
    fn push_id(&mut self, id: Option<&Key>) {
        match id {
            None => self.id.append_null(),
            Some(Key::Str(s)) => self.id.append_value(s),
            Some(Key::Int(i)) => {
                // Written into the builder's own buffer: no string per row.
                let _ = write!(self.id, "{i}");
                self.id.append_value("");
            }
        }
    }

    fn push_limit(&mut self, limit: Option<Decimal>) -> Result<(), ArrowError> {
        match (self.limit_as, limit) {
            (LimitColumn::String, None) => self.limit_str.append_null(),
            (LimitColumn::String, Some(limit)) => self.limit_str.append_value(DecimalText::of(limit).as_str()),
            (LimitColumn::Decimal, None) => self.limit_dec.append_null(),
            (LimitColumn::Decimal, Some(limit)) => self.limit_dec.append_value(limit_mantissa(limit)?),
        }
        Ok(())
    }

    /// The rows added so far as one batch; the builders start empty again.
    ///
    /// # Errors
    ///
    /// Only if the columns disagree in length, which `push` never lets happen.
    pub fn finish(&mut self) -> Result<RecordBatch, ArrowError> {
        self.finish_columns()
    }

    /// Every builder is finished into its column and left empty with room
    /// for as much again (see [`finish_strings`]).
    fn finish_columns(&mut self) -> Result<RecordBatch, ArrowError> {
        let id: ArrayRef = Arc::new(finish_strings(&mut self.id));
        let limit: ArrayRef = match self.limit_as {
            LimitColumn::String => Arc::new(finish_strings(&mut self.limit_str)),
            LimitColumn::Decimal => {
                Arc::new(finish_primitive(&mut self.limit_dec).with_precision_and_scale(LIMIT_PRECISION, LIMIT_SCALE)?)
            }
        };
        let columns: Vec<(&str, ArrayRef)> = vec![
            (fields::ID, id),
            (fields::OUTCOME, Arc::new(finish_strings(&mut self.outcome))),
            (fields::UNTIL, Arc::new(finish_primitive(&mut self.until))),
            (fields::LIMIT, limit),
            (fields::REASONS, self.reasons.finish()?),
            (fields::ACTIONS, self.actions.finish()?),
            (fields::FIRED, Arc::new(finish_list(&mut self.fired))),
            ("scores", Arc::new(finish_map(&mut self.scores))),
            ("arms", Arc::new(finish_map(&mut self.arms))),
            ("error_kind", Arc::new(finish_strings(&mut self.error_kind))),
            ("error_message", Arc::new(finish_strings(&mut self.error_message))),
        ];
        // Every column nullable, whatever this batch holds: one schema for every batch.
        let fields: Vec<Field> =
            columns.iter().map(|(name, a)| Field::new(*name, a.data_type().clone(), true)).collect();
        let arrays = columns.into_iter().map(|(_, a)| a).collect();
        RecordBatch::try_new(Arc::new(Schema::new(fields)), arrays)
    }
}

/// Finishes a string column and leaves its builder empty with room for as
/// many rows and bytes again. A finished builder starts from nothing, and
/// the next chunk's column (about the same size) would grow into it by
/// doubling, each growth a copy into memory not yet in cache (a tenth of the
/// run's last-level cache misses, by callgrind's simulation).
fn finish_strings(builder: &mut StringBuilder) -> StringArray {
    let room = StringBuilder::with_capacity(builder.len(), builder.values_slice().len());
    std::mem::replace(builder, room).finish()
}

/// [`finish_strings`] for a column of fixed-width values.
fn finish_primitive<T: ArrowPrimitiveType>(builder: &mut PrimitiveBuilder<T>) -> PrimitiveArray<T> {
    let room = PrimitiveBuilder::<T>::with_capacity(builder.len());
    std::mem::replace(builder, room).finish()
}

/// [`finish_strings`] for a list of strings (`fired`).
fn finish_list(builder: &mut ListBuilder<StringBuilder>) -> ListArray {
    let values = builder.values();
    let values = StringBuilder::with_capacity(values.len(), values.values_slice().len());
    let room = ListBuilder::with_capacity(values, builder.len());
    std::mem::replace(builder, room).finish()
}

/// [`finish_strings`] for a map of strings to strings (`scores`, `arms`).
fn finish_map(builder: &mut MapBuilder<StringBuilder, StringBuilder>) -> MapArray {
    let like = |b: &StringBuilder| StringBuilder::with_capacity(b.len(), b.values_slice().len());
    let (keys, values) = (like(builder.keys()), like(builder.values()));
    let room = MapBuilder::with_capacity(Some(map_names()), keys, values, builder.len());
    std::mem::replace(builder, room).finish()
}

/// A decision whose limit does not fit [`LimitColumn::Decimal`] (more than
/// 18 fractional digits, or 20 integer digits) as that account's `eval`
/// error record, for a Parquet file of decisions: the column has one scale
/// and the limit is never rounded to fit it, and the other accounts are still
/// decided and written, one row each.
pub fn fit_decimal_limit(record: Outputs) -> Outputs {
    let misfit = match &record {
        Ok(decision) => decision.limit.filter(|&limit| limit_mantissa(limit).is_err()),
        Err(_) => None,
    };
    match (record, misfit) {
        (Ok(decision), Some(limit)) => Err(ErrorRecord {
            id: Some(decision.id),
            kind: ErrorKind::Eval,
            message: format!(
                "the limit {} does not fit the Parquet column DECIMAL({LIMIT_PRECISION}, {LIMIT_SCALE}); \
                 it is never rounded to fit (round it in the policy)",
                format_decimal(limit)
            ),
        }),
        (record, _) => record,
    }
}

/// The `i128` mantissa of `limit` at scale 18, or why it does not fit.
/// Its value decides, not the zeros it carries: `90.000…000` with 21
/// decimals (money read from a `DECIMAL(38, 18)` column, times `0.9`) is 90.
fn limit_mantissa(limit: Decimal) -> Result<i128, ArrowError> {
    let limit = limit.normalize();
    let misfit = || {
        ArrowError::InvalidArgumentError(format!(
            "the limit {} does not fit DECIMAL({LIMIT_PRECISION}, {LIMIT_SCALE}); it is never rounded to fit",
            format_decimal(limit)
        ))
    };
    let scale = u32::try_from(LIMIT_SCALE).map_err(|_| misfit())?;
    let extra = scale.checked_sub(limit.scale()).ok_or_else(misfit)?;
    let mantissa = limit.mantissa().checked_mul(10i128.checked_pow(extra).ok_or_else(misfit)?).ok_or_else(misfit)?;
    if mantissa.unsigned_abs() >= 10u128.pow(u32::from(LIMIT_PRECISION)) {
        return Err(misfit());
    }
    Ok(mantissa)
}

fn push_action(entries: &mut StringStructs, action: &ActionRecord) {
    let (key, value, template, rule) = match action {
        ActionRecord::Notify { channel, template, rule } => (0, channel.name(), Some(&**template), rule),
        ActionRecord::Escalate { stage, rule } => (2, &**stage, None, rule),
        ActionRecord::Review { queue, rule } => (3, &**queue, None, rule),
        ActionRecord::Tag { label, rule } => (4, &**label, None, rule),
    };
    // Fields in `fields::ACTION` order: notify, template, escalate, review, tag, rule.
    let row = [0, 1, 2, 3, 4, 5].map(|index| match index {
        1 => template,
        5 => Some(&**rule),
        _ => (index == key).then_some(value),
    });
    entries.push(&row);
}

/// A list column of structs whose fields are all strings (reasons, actions),
/// built without downcasting builders.
struct StringStructs {
    fields: Fields,
    columns: Vec<StringBuilder>,
    offsets: Vec<i32>,
    valid: NullBufferBuilder,
}

impl StringStructs {
    fn new(fields: Fields) -> StringStructs {
        let columns = fields.iter().map(|_| StringBuilder::new()).collect();
        StringStructs { fields, columns, offsets: vec![0], valid: NullBufferBuilder::new(0) }
    }

    /// Adds one struct to the current list; `row` holds a value per field.
    fn push(&mut self, row: &[Option<&str>]) {
        for (column, value) in self.columns.iter_mut().zip(row) {
            column.append_option(*value);
        }
    }

    /// Ends the current list (a null list when `valid` is false).
    fn end_list(&mut self, valid: bool) {
        let len = self.columns.first().map_or(0, ArrayBuilder::len);
        self.offsets.push(i32::try_from(len).unwrap_or(i32::MAX));
        self.valid.append(valid);
    }

    fn finish(&mut self) -> Result<ArrayRef, ArrowError> {
        let columns: Vec<ArrayRef> = self.columns.iter_mut().map(|c| Arc::new(finish_strings(c)) as ArrayRef).collect();
        let entries = StructArray::try_new(self.fields.clone(), columns, None)?;
        let mut room = Vec::with_capacity(self.offsets.len());
        room.push(0);
        let offsets = OffsetBuffer::new(std::mem::replace(&mut self.offsets, room).into());
        let item = Arc::new(Field::new("item", DataType::Struct(self.fields.clone()), false));
        Ok(Arc::new(ListArray::try_new(item, offsets, Arc::new(entries), self.valid.finish())?))
    }
}

/// Which policy decided a table of decisions, for its metadata (a Parquet
/// file's key-value metadata, a `decide_table` result's schema metadata):
/// the audit trail travels with the table, as each JSON decision carries
/// its `policy`.
pub fn policy_metadata(program: &crate::compile::Program) -> [(&'static str, String); 3] {
    [
        ("verdict.policy.name", program.name.clone()),
        ("verdict.policy.version", program.version.clone()),
        ("verdict.policy.fingerprint", program.fingerprint.clone()),
    ]
}

/// Rows of decisions gathered before they are handed to the Parquet encoder.
const ROWS_PER_WRITE: usize = 8192;

/// Rows per Parquet row group: the encoder holds one row group in memory.
const ROWS_PER_GROUP: usize = 128 * 1024;

/// Writes decisions to a Parquet file as they come, a row group at a time.
///
/// The encoder writes into a buffer that is handed on to the output after
/// every batch, so the output need not be `Send` nor seekable (Parquet is
/// written front to back, its index last).
pub struct ParquetDecisions {
    columns: DecisionColumns,
    writer: ArrowWriter<Vec<u8>>,
}

impl ParquetDecisions {
    /// A writer of decisions (the limit as `DECIMAL(38, 18)`), Snappy-compressed,
    /// its footer naming the policy that decided (see [`policy_metadata`]).
    ///
    /// # Errors
    ///
    /// Only if the encoder refuses the schema, which is fixed.
    pub fn new(policy: &[(&'static str, String)]) -> io::Result<ParquetDecisions> {
        let columns = DecisionColumns::new(LimitColumn::Decimal);
        // Ids are unique and error messages nearly so: a dictionary of them is
        // built only to be dropped when it outgrows its page, so they go plain.
        // Statistics only where a reader can prune by them (the date and the
        // limit), per column chunk: min and max of every string column cost
        // the writer a comparison per value, and nobody filters decisions by
        // reason text or by page.
        let mut properties = WriterProperties::builder()
            .set_compression(Compression::SNAPPY)
            .set_max_row_group_row_count(Some(ROWS_PER_GROUP))
            .set_column_dictionary_enabled(ColumnPath::from(fields::ID), false)
            .set_column_dictionary_enabled(ColumnPath::from("error_message"), false)
            .set_statistics_enabled(EnabledStatistics::None);
        for column in [fields::UNTIL, fields::LIMIT] {
            properties = properties.set_column_statistics_enabled(ColumnPath::from(column), EnabledStatistics::Chunk);
        }
        if !policy.is_empty() {
            let pairs = policy.iter().map(|(k, v)| KeyValue::new((*k).to_owned(), v.clone())).collect();
            properties = properties.set_key_value_metadata(Some(pairs));
        }
        let properties = properties.build();
        let writer = ArrowWriter::try_new(Vec::new(), columns.schema(), Some(properties)).map_err(io::Error::other)?;
        Ok(ParquetDecisions { columns, writer })
    }

    /// Adds one record, writing the gathered rows to `out` when there are enough.
    ///
    /// # Errors
    ///
    /// When a limit does not fit the column ([`DecisionColumns::push`]) or writing fails.
    pub fn push(&mut self, record: &Outputs, out: &mut impl io::Write) -> io::Result<()> {
        self.columns.push(record).map_err(io::Error::other)?;
        if self.columns.len() >= ROWS_PER_WRITE {
            self.flush_rows(out)?;
        }
        Ok(())
    }

    /// Writes rows already gathered as columns (by [`DecisionColumns`] on
    /// another thread), after any rows pushed one by one.
    ///
    /// # Errors
    ///
    /// When encoding or writing fails.
    pub fn write_batch(&mut self, batch: &RecordBatch, out: &mut impl io::Write) -> io::Result<()> {
        self.flush_rows(out)?;
        self.writer.write(batch).map_err(io::Error::other)?;
        self.hand_on(out)
    }

    fn flush_rows(&mut self, out: &mut impl io::Write) -> io::Result<()> {
        if !self.columns.is_empty() {
            let batch = self.columns.finish().map_err(io::Error::other)?;
            self.writer.write(&batch).map_err(io::Error::other)?;
        }
        self.hand_on(out)
    }

    /// Hands what the encoder wrote on to `out`, keeping the buffer: a fresh
    /// one would grow from nothing to a row group's size at every row group,
    /// each growth fresh pages the kernel zeroes.
    fn hand_on(&mut self, out: &mut impl io::Write) -> io::Result<()> {
        let buffer = self.writer.inner_mut();
        if buffer.is_empty() {
            return Ok(());
        }
        out.write_all(buffer)?;
        buffer.clear();
        Ok(())
    }

    /// Writes what is left and the file's footer to `out`.
    ///
    /// # Errors
    ///
    /// When encoding or writing fails.
    pub fn finish(mut self, out: &mut impl io::Write) -> io::Result<()> {
        self.flush_rows(out)?;
        let rest = self.writer.into_inner().map_err(io::Error::other)?;
        out.write_all(&rest)
    }
}
