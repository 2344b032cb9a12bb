//! Writing snapshots as a Parquet book (`synth --format parquet`), in the
//! layout the reader reads: a column per top-level field, nested records as
//! structs, sets as lists, lists of records as lists of structs, `as_of` a
//! DATE column. Money is `DECIMAL(38, 4)` and other decimals
//! `DECIMAL(38, 10)`: a value with more fractional digits is refused, never
//! rounded.

use crate::columns::date32;
use crate::schema::{FieldKind, RecordLayout, ScalarType, Schema};
use crate::snapshot::Snapshot;
use crate::value::{Record, SetItem, Value};
use ::parquet::arrow::ArrowWriter;
use ::parquet::basic::{Compression, ZstdLevel};
use ::parquet::file::properties::WriterProperties;
use arrow_array::builder::{BooleanBuilder, Date32Builder, Decimal128Builder, Int64Builder, StringBuilder};
use arrow_array::{ArrayRef, ListArray, RecordBatch, StructArray};
use arrow_buffer::{NullBufferBuilder, OffsetBuffer};
use arrow_schema::{ArrowError, DataType, Field, Fields};
use std::io;
use std::sync::Arc;

/// Snapshots gathered before they are encoded as one batch.
const ROWS_PER_BATCH: usize = 8192;

/// Writes snapshots to a Parquet file, a batch at a time. The encoder writes
/// into a buffer handed on to the output after every batch, so the output
/// need be neither `Send` nor seekable.
pub struct BookWriter<'s> {
    schema: &'s Schema,
    pending: Vec<Snapshot>,
    writer: ArrowWriter<Vec<u8>>,
}

impl<'s> BookWriter<'s> {
    /// A writer of books of `schema`, Zstandard-compressed.
    ///
    /// # Errors
    ///
    /// Only if the encoder refuses the schema.
    pub fn new(schema: &'s Schema) -> io::Result<BookWriter<'s>> {
        let empty = batch(schema, &[]).map_err(io::Error::other)?;
        let properties = WriterProperties::builder()
            .set_compression(Compression::ZSTD(ZstdLevel::default()))
            .set_max_row_group_row_count(Some(128 * 1024))
            .build();
        let writer = ArrowWriter::try_new(Vec::new(), empty.schema(), Some(properties)).map_err(io::Error::other)?;
        Ok(BookWriter { schema, pending: Vec::new(), writer })
    }

    /// Adds one snapshot.
    ///
    /// # Errors
    ///
    /// When a decimal does not fit its column, or writing fails.
    pub fn push<W: io::Write + ?Sized>(&mut self, snapshot: Snapshot, out: &mut W) -> io::Result<()> {
        self.pending.push(snapshot);
        if self.pending.len() >= ROWS_PER_BATCH {
            self.flush(out)?;
        }
        Ok(())
    }

    fn flush<W: io::Write + ?Sized>(&mut self, out: &mut W) -> io::Result<()> {
        if !self.pending.is_empty() {
            let rows = batch(self.schema, &self.pending).map_err(io::Error::other)?;
            self.writer.write(&rows).map_err(io::Error::other)?;
            self.pending.clear();
        }
        out.write_all(&std::mem::take(self.writer.inner_mut()))
    }

    /// Writes what is left and the footer.
    ///
    /// # Errors
    ///
    /// When encoding or writing fails.
    pub fn finish<W: io::Write + ?Sized>(mut self, out: &mut W) -> io::Result<()> {
        self.flush(out)?;
        out.write_all(&self.writer.into_inner().map_err(io::Error::other)?)
    }
}

/// The snapshots as one batch of the book's columns.
fn batch(schema: &Schema, snapshots: &[Snapshot]) -> Result<RecordBatch, ArrowError> {
    let records: Vec<&Record> = snapshots.iter().map(|s| &s.record).collect();
    let (fields, mut columns) = record_columns(&schema.root, &records)?;
    let mut fields: Vec<Field> = fields.iter().map(|f| f.as_ref().clone()).collect();
    let mut as_of = Date32Builder::with_capacity(snapshots.len());
    for snapshot in snapshots {
        as_of.append_option(snapshot.as_of.map(date32));
    }
    fields.push(Field::new("as_of", DataType::Date32, true));
    columns.push(Arc::new(as_of.finish()));
    RecordBatch::try_new(Arc::new(arrow_schema::Schema::new(fields)), columns)
}

/// The columns of a record's fields over `records`.
fn record_columns(layout: &RecordLayout, records: &[&Record]) -> Result<(Fields, Vec<ArrayRef>), ArrowError> {
    let mut fields = Vec::with_capacity(layout.fields.len());
    let mut columns = Vec::with_capacity(layout.fields.len());
    for field in &layout.fields {
        let column: ArrayRef = match (&field.kind, field.slot) {
            (FieldKind::Record(inner), _) => {
                let (children, arrays) = record_columns(inner, records)?;
                Arc::new(StructArray::try_new(children, arrays, None)?)
            }
            (FieldKind::Scalar(ty), Some(slot)) => {
                let values: Vec<&Value> = records.iter().map(|r| r.slots.get(slot).unwrap_or(&Value::None)).collect();
                scalars(ty, &values)?
            }
            (FieldKind::Set(ty), Some(slot)) => set_column(ty, records, slot)?,
            (FieldKind::List(list), Some(slot)) => list_column(&list.element, records, slot)?,
            (_, None) => continue,
        };
        fields.push(Field::new(&field.name, column.data_type().clone(), true));
        columns.push(column);
    }
    Ok((Fields::from(fields), columns))
}

fn set_column(ty: &ScalarType, records: &[&Record], slot: usize) -> Result<ArrayRef, ArrowError> {
    let mut items: Vec<Value> = Vec::new();
    let mut offsets = vec![0i32];
    let mut valid = NullBufferBuilder::new(records.len());
    for record in records {
        match record.slots.get(slot) {
            Some(Value::Set(set)) => {
                items.extend(set.iter().map(|item| set_value(ty, item)));
                valid.append_non_null();
            }
            _ => valid.append_null(),
        }
        offsets.push(offset(items.len())?);
    }
    let refs: Vec<&Value> = items.iter().collect();
    let values = scalars(ty, &refs)?;
    let item = Arc::new(Field::new("item", values.data_type().clone(), true));
    Ok(Arc::new(ListArray::try_new(item, OffsetBuffer::new(offsets.into()), values, valid.finish())?))
}

fn list_column(element: &RecordLayout, records: &[&Record], slot: usize) -> Result<ArrayRef, ArrowError> {
    let mut elements: Vec<&Record> = Vec::new();
    let mut offsets = vec![0i32];
    let mut valid = NullBufferBuilder::new(records.len());
    for record in records {
        match record.slots.get(slot) {
            Some(Value::List(list)) => {
                elements.extend(list.iter());
                valid.append_non_null();
            }
            _ => valid.append_null(),
        }
        offsets.push(offset(elements.len())?);
    }
    let (fields, arrays) = record_columns(element, &elements)?;
    let values = StructArray::try_new(fields.clone(), arrays, None)?;
    let item = Arc::new(Field::new("item", DataType::Struct(fields), true));
    Ok(Arc::new(ListArray::try_new(item, OffsetBuffer::new(offsets.into()), Arc::new(values), valid.finish())?))
}

fn offset(len: usize) -> Result<i32, ArrowError> {
    i32::try_from(len).map_err(|_| ArrowError::InvalidArgumentError("a list column over 2^31 items".into()))
}

/// A set item as the scalar value it was read from (an enum member by name).
fn set_value(ty: &ScalarType, item: &SetItem) -> Value {
    match (ty, item) {
        (ScalarType::Enum(members), SetItem::Str(name)) => {
            members.iter().position(|m| m == name).and_then(|i| u32::try_from(i).ok()).map_or(Value::None, Value::Enum)
        }
        (_, SetItem::Str(s)) => Value::Str(s.clone()),
        (_, SetItem::Int(i)) => Value::Int(*i),
        (_, SetItem::Date(d)) => Value::Date(*d),
    }
}

/// The decimal scale a book's column of `ty` has.
fn decimal_scale(ty: &ScalarType) -> u32 {
    if *ty == ScalarType::Money {
        4
    } else {
        10
    }
}

/// One column of scalars (`Value::None` is null).
fn scalars(ty: &ScalarType, values: &[&Value]) -> Result<ArrayRef, ArrowError> {
    Ok(match ty {
        ScalarType::Bool => {
            let mut b = BooleanBuilder::with_capacity(values.len());
            values.iter().for_each(|v| b.append_option(if let Value::Bool(x) = v { Some(*x) } else { None }));
            Arc::new(b.finish())
        }
        ScalarType::Int => {
            let mut b = Int64Builder::with_capacity(values.len());
            values.iter().for_each(|v| b.append_option(if let Value::Int(x) = v { Some(*x) } else { None }));
            Arc::new(b.finish())
        }
        ScalarType::Decimal | ScalarType::Money => {
            let scale = decimal_scale(ty);
            let mut b = Decimal128Builder::with_capacity(values.len());
            for value in values {
                match value {
                    Value::Dec(d) => b.append_value(rescaled(*d, scale)?),
                    _ => b.append_null(),
                }
            }
            Arc::new(b.finish().with_precision_and_scale(38, i8::try_from(scale).unwrap_or(0))?)
        }
        ScalarType::String | ScalarType::Enum(_) => {
            let mut b = StringBuilder::with_capacity(values.len(), values.len() * 8);
            for value in values {
                match (ty, value) {
                    (_, Value::Str(s)) => b.append_value(s),
                    (ScalarType::Enum(members), Value::Enum(i)) => {
                        b.append_option(usize::try_from(*i).ok().and_then(|i| members.get(i)).map(|m| &**m));
                    }
                    _ => b.append_null(),
                }
            }
            Arc::new(b.finish())
        }
        ScalarType::Date => {
            let mut b = Date32Builder::with_capacity(values.len());
            values.iter().for_each(|v| b.append_option(if let Value::Date(d) = v { Some(date32(*d)) } else { None }));
            Arc::new(b.finish())
        }
    })
}

/// The mantissa of `d` at `scale`, refusing a value with more fractional digits.
fn rescaled(d: rust_decimal::Decimal, scale: u32) -> Result<i128, ArrowError> {
    let misfit = || ArrowError::InvalidArgumentError(format!("{d} has more than {scale} decimal places"));
    let d = if d.scale() > scale { d.normalize() } else { d };
    let extra = scale.checked_sub(d.scale()).ok_or_else(misfit)?;
    d.mantissa().checked_mul(10i128.checked_pow(extra).ok_or_else(misfit)?).ok_or_else(misfit)
}
