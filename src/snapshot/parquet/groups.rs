//! A Parquet file read one row group at a time, so that a damaged row group
//! costs its own rows and nothing else.
//!
//! The decoder of a damaged page fails (or panics) part-way through a batch,
//! and a batch may span row groups: reading the file as one stream lost the
//! rows decoded before the damage in the same batch, and every row after it.
//! Each row group here has its own decoder over the footer read once, so the
//! rows of every sound group are decided and each row of a damaged one gets
//! an error record of its own (its count is in the footer): one record per
//! row, in file order, as a JSON Lines file with a broken line gets.

use crate::caught;
use crate::snapshot::{ReadError, ReadItem, SnapshotError};
use ::parquet::arrow::arrow_reader::{
    ArrowReaderMetadata, ArrowReaderOptions, ParquetRecordBatchReader, ParquetRecordBatchReaderBuilder,
};
use ::parquet::errors::Result as ParquetResult;
use ::parquet::file::reader::{ChunkReader, Length};
use arrow_array::RecordBatch;
use arrow_schema::{DataType, Field, Fields, Schema, SchemaRef};
use std::sync::Arc;

/// One input shared by the decoders of its row groups (each takes its reader by value).
pub(super) struct Shared<C>(pub(super) Arc<C>);

impl<C> Clone for Shared<C> {
    fn clone(&self) -> Self {
        Shared(self.0.clone())
    }
}

impl<C: Length> Length for Shared<C> {
    fn len(&self) -> u64 {
        self.0.len()
    }
}

impl<C: ChunkReader> ChunkReader for Shared<C> {
    type T = C::T;

    fn get_read(&self, start: u64) -> ParquetResult<Self::T> {
        self.0.get_read(start)
    }

    fn get_bytes(&self, start: u64, length: usize) -> ParquetResult<bytes::Bytes> {
        self.0.get_bytes(start, length)
    }
}

/// Opens the decoder of one row group.
type OpenGroup = Box<dyn Fn(usize) -> Result<ParquetRecordBatchReader, String> + Send>;

/// The row groups of a file, read in order: batches of rows, and the rows
/// of a damaged group as [`Lost`] pieces.
pub(super) struct RowGroups {
    open: OpenGroup,
    /// Rows in each group, from the footer.
    sizes: Vec<u64>,
    batch_rows: usize,
    /// The group being read, its decoder (`None` once it failed: a decoder
    /// that panicked may be half updated, so it is not called again) and the
    /// rows it has given.
    group: usize,
    decoder: Option<ParquetRecordBatchReader>,
    given: u64,
    /// Rows of the file before the current group.
    before: u64,
    /// Why the current group's remaining rows are lost, once they are.
    damage: Option<Arc<str>>,
}

/// What reading a row group gives next.
pub(super) enum Read {
    Rows(RecordBatch),
    Lost(Lost),
}

impl RowGroups {
    /// Row groups of `input`, whose footer `metadata` holds, decoded `batch_rows` at a time.
    pub(super) fn new<C: ChunkReader + 'static>(
        input: C,
        metadata: ArrowReaderMetadata,
        batch_rows: usize,
    ) -> RowGroups {
        let sizes =
            metadata.metadata().row_groups().iter().map(|group| u64::try_from(group.num_rows()).unwrap_or(0)).collect();
        let input = Shared(Arc::new(input));
        let batch = batch_rows.max(1);
        let open: OpenGroup = Box::new(move |group| {
            let builder = ParquetRecordBatchReaderBuilder::new_with_metadata(input.clone(), metadata.clone());
            let build = || builder.with_row_groups(vec![group]).with_batch_size(batch).build();
            match caught::catch(build) {
                Ok(decoder) => decoder.map_err(|e| e.to_string()),
                Err(panic) => Err(panic),
            }
        });
        RowGroups { open, sizes, batch_rows: batch, group: 0, decoder: None, given: 0, before: 0, damage: None }
    }

    /// The next batch of rows or of lost rows, in file order; `None` at the end.
    pub(super) fn next(&mut self) -> Option<Read> {
        loop {
            let size = *self.sizes.get(self.group)?;
            if let Some(why) = &self.damage {
                if self.given < size {
                    return Some(Read::Lost(self.lose(size, why.clone())));
                }
                self.next_group(size);
                continue;
            }
            if self.decoder.is_none() && self.given == 0 {
                match (self.open)(self.group) {
                    Ok(decoder) => self.decoder = Some(decoder),
                    Err(why) => {
                        self.damage = Some(why.into());
                        continue;
                    }
                }
            }
            let Some(decoder) = self.decoder.as_mut() else {
                self.next_group(size);
                continue;
            };
            match caught::catch(|| decoder.next()) {
                Ok(Some(Ok(batch))) => {
                    self.given += batch.num_rows() as u64;
                    return Some(Read::Rows(batch));
                }
                Ok(None) if self.given >= size => self.next_group(size),
                // Fewer rows than the footer counts is damage too.
                Ok(None) => self.damage = Some(format!("it ends after {} of its {size} rows", self.given).into()),
                Ok(Some(Err(e))) => self.damage = Some(e.to_string().into()),
                Err(panic) => self.damage = Some(format!("its decoder failed ({panic})").into()),
            }
        }
    }

    /// Up to a batch of the current group's rows not given, as lost.
    fn lose(&mut self, size: u64, why: Arc<str>) -> Lost {
        self.decoder = None;
        let count = (size - self.given).min(self.batch_rows as u64);
        let lost = Lost { first_row: self.before + self.given + 1, count, group: self.group + 1, why };
        self.given += count;
        lost
    }

    fn next_group(&mut self, size: u64) {
        self.before += size;
        self.group += 1;
        self.given = 0;
        self.decoder = None;
        self.damage = None;
    }
}

/// Rows of a damaged row group that could not be read: `count` rows from
/// row `first_row` of the file (1-based), in group `group` (1-based).
#[derive(Clone, Debug)]
pub struct Lost {
    first_row: u64,
    count: u64,
    group: usize,
    why: Arc<str>,
}

impl Lost {
    /// How many rows were lost.
    #[must_use]
    pub fn len(&self) -> usize {
        usize::try_from(self.count).unwrap_or(usize::MAX)
    }

    /// True when no row was lost.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.count == 0
    }

    /// One error record per lost row, in order.
    pub fn records(&self) -> impl Iterator<Item = ReadItem> + '_ {
        (self.first_row..self.first_row + self.count).map(|row| {
            let message = format!("row {row}: not read: row group {} of the file is damaged: {}", self.group, self.why);
            Err(SnapshotError { id: None, message })
        })
    }
}

/// The footer of `input`, read once for every row group's decoder. Its row
/// counts are checked against each other: a damaged group's rows are
/// counted from them, so a count no larger file could hold is refused.
pub(super) fn footer<C: ChunkReader>(input: &C) -> Result<ArrowReaderMetadata, ReadError> {
    let load = |options| {
        let loaded = caught::catch(|| ArrowReaderMetadata::load(input, options)).map_err(super::damaged)?;
        loaded.map_err(|e| ReadError::Parquet(e.to_string()))
    };
    let mut footer = load(ArrowReaderOptions::new())?;
    if let Some(plain) = without_odd_dictionaries(footer.schema()) {
        footer = load(ArrowReaderOptions::new().with_schema(plain))?;
    }
    let meta = footer.metadata();
    let groups: Option<i64> = meta
        .row_groups()
        .iter()
        .try_fold(0i64, |sum, group| (group.num_rows() >= 0).then(|| sum.checked_add(group.num_rows())).flatten());
    if groups != Some(meta.file_metadata().num_rows()) {
        let message =
            "the file is damaged: its footer's row counts disagree (its row groups' do not add up to the file's)";
        return Err(ReadError::Parquet(message.into()));
    }
    Ok(footer)
}

/// The file's Arrow schema with each dictionary of values other than text
/// read as its values, or `None` when it has none. pandas writes a
/// `category` of Decimals or booleans as such a dictionary in the schema it
/// stores, and the Parquet decoders only build dictionaries of text: asked
/// for another, they fail or panic ("unsupported data type for byte array
/// dictionary reader"), and every row of a sound file was lost. The values
/// are the same read plainly; only the encoding in memory differs.
fn without_odd_dictionaries(schema: &SchemaRef) -> Option<SchemaRef> {
    let fields: Vec<Field> = schema.fields().iter().map(|f| plain_field(f)).collect();
    let changed = fields.iter().zip(schema.fields().iter()).any(|(new, old)| new != old.as_ref());
    changed.then(|| Arc::new(Schema::new_with_metadata(fields, schema.metadata().clone())))
}

fn plain_field(field: &Field) -> Field {
    field.clone().with_data_type(plain_type(field.data_type()))
}

fn plain_type(ty: &DataType) -> DataType {
    match ty {
        DataType::Dictionary(_, values) if !is_text_or_bytes(values) => plain_type(values),
        DataType::Struct(children) => DataType::Struct(children.iter().map(|f| plain_field(f)).collect::<Fields>()),
        DataType::List(item) => DataType::List(Arc::new(plain_field(item))),
        DataType::LargeList(item) => DataType::LargeList(Arc::new(plain_field(item))),
        other => other.clone(),
    }
}

fn is_text_or_bytes(ty: &DataType) -> bool {
    matches!(ty, DataType::Utf8 | DataType::LargeUtf8 | DataType::Binary | DataType::LargeBinary)
}
