//! Parquet books: the columns bound to the schema once per file, then rows
//! read a batch at a time (a row group is decoded in batches, never the file
//! whole), each row one [`ReadItem`] in file order.

mod bind;
mod cells;
mod groups;
mod rows;
mod timestamp;
mod write;

use super::{ReadError, ReadItem};
use crate::schema::Schema;
use ::parquet::file::reader::ChunkReader;
use arrow_array::RecordBatch;
use groups::RowGroups;
use std::collections::VecDeque;
use std::sync::Arc;

pub(crate) use bind::FilePlan;
pub use groups::Lost;
pub use rows::BatchRows;
pub use write::BookWriter;

/// Rows per batch read from a file unless the caller asks otherwise.
pub const DEFAULT_BATCH_ROWS: usize = 1024;

/// A Parquet file opened for reading: its plan, and its batches in order.
pub struct ParquetBatches {
    plan: Arc<FilePlan>,
    groups: RowGroups,
    rows: u64,
}

impl ParquetBatches {
    /// The rows the file holds, from its footer.
    #[must_use]
    pub fn rows(&self) -> u64 {
        self.rows
    }
}

/// What a Parquet file gives next, in file order.
pub enum Piece {
    /// Rows decoded, to convert.
    Rows(ParquetBatch),
    /// Rows of a damaged row group, each an error record.
    Lost(Lost),
}

impl std::fmt::Debug for Piece {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Piece::Rows(batch) => f.debug_tuple("Rows").field(&batch.len()).finish(),
            Piece::Lost(lost) => f.debug_tuple("Lost").field(lost).finish(),
        }
    }
}

impl std::fmt::Debug for ParquetBatches {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ParquetBatches").finish_non_exhaustive()
    }
}

/// A batch of rows and the plan that turns them into snapshots: what the
/// reader hands a worker, which converts it ([`ParquetBatch::convert`]).
#[derive(Clone)]
pub struct ParquetBatch {
    plan: Arc<FilePlan>,
    batch: RecordBatch,
    /// The file's row number (1-based) of the batch's first row, when it
    /// came from a file: an error record without an id then names its row.
    /// (A table's rows give their records in place, one for one; a Spark
    /// partition's batch numbers nothing the user sees.)
    first_row: Option<u64>,
}

impl ParquetBatch {
    /// Rows in the batch.
    #[must_use]
    pub fn len(&self) -> usize {
        self.batch.num_rows()
    }

    /// True when the batch has no rows.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Appends one [`ReadItem`] per row to `out`, in order.
    pub fn convert(&self, schema: &Schema, out: &mut Vec<ReadItem>) {
        rows::convert(&self.plan, schema, &self.batch, self.first_row, out);
    }

    /// The rows bound for conversion a block at a time ([`BatchRows::convert`]),
    /// for a caller that decides each block before converting the next.
    #[must_use]
    pub fn rows(&self) -> BatchRows<'_> {
        BatchRows::bind(&self.plan, &self.batch, self.first_row)
    }
}

/// Reads Arrow data of any origin (a Python table, a Spark partition) as
/// snapshots: binds `batch`'s columns to `schema`.
///
/// # Errors
///
/// When the columns cannot hold the schema (see [`open_parquet`]).
pub fn bind_batch(schema: &Schema, batch: RecordBatch) -> Result<ParquetBatch, ReadError> {
    let plan = bind::bind(schema, batch.schema().fields())?;
    Ok(ParquetBatch { plan: Arc::new(plan), batch, first_row: None })
}

impl ParquetBatch {
    /// The batch's columns.
    #[must_use]
    pub fn schema(&self) -> arrow_schema::SchemaRef {
        self.batch.schema()
    }

    /// Top-level columns that name no field but look like an optional field
    /// no column gives ([`crate::snapshot::NearMiss`]).
    #[must_use]
    pub fn near_misses(&self) -> &[crate::snapshot::NearMiss] {
        &self.plan.near_misses
    }

    /// The same plan over another batch of the same columns (see [`ParquetBatch::schema`]).
    #[must_use]
    pub fn with_batch(&self, batch: RecordBatch) -> ParquetBatch {
        ParquetBatch { plan: self.plan.clone(), batch, first_row: None }
    }
}

/// Opens a Parquet file (a `File`, or bytes in memory) for `schema`,
/// reading `batch_rows` rows at a time.
///
/// # Errors
///
/// When the file is not Parquet, or a required field has no column, or a
/// column's type cannot hold its field (a float for money among them).
pub fn open_parquet<C: ChunkReader + 'static>(
    input: C,
    schema: &Schema,
    batch_rows: usize,
) -> Result<ParquetBatches, ReadError> {
    // The decoders panic on some damaged files (a schema or a page): caught,
    // such a file is an error like any other that is not Parquet.
    let footer = groups::footer(&input)?;
    let plan = bind::bind(schema, footer.schema().fields())?;
    let rows = u64::try_from(footer.metadata().file_metadata().num_rows()).unwrap_or(0);
    let groups = RowGroups::new(input, footer, batch_rows);
    Ok(ParquetBatches { plan: Arc::new(plan), groups, rows })
}

impl ParquetBatches {
    /// Top-level columns that name no field but look like an optional field
    /// the file gives no column for ([`crate::snapshot::NearMiss`]).
    #[must_use]
    pub fn near_misses(&self) -> &[crate::snapshot::NearMiss] {
        &self.plan.near_misses
    }
}

/// The error for a file whose decoding panicked.
fn damaged(panic: String) -> ReadError {
    ReadError::Parquet(format!("the file is damaged: its decoder failed ({panic})"))
}

impl Iterator for ParquetBatches {
    type Item = Piece;

    fn next(&mut self) -> Option<Piece> {
        Some(match self.groups.next()? {
            groups::Read::Rows(batch, first_row) => {
                Piece::Rows(ParquetBatch { plan: self.plan.clone(), batch, first_row: Some(first_row) })
            }
            groups::Read::Lost(lost) => Piece::Lost(lost),
        })
    }
}

/// The rows of a Parquet file one [`ReadItem`] at a time, for the
/// [`super::SnapshotReader`].
#[derive(Debug)]
pub(crate) struct ParquetRows {
    batches: ParquetBatches,
    schema: Arc<Schema>,
    ready: VecDeque<ReadItem>,
    buffer: Vec<ReadItem>,
    done: bool,
}

impl ParquetRows {
    pub(crate) fn new(batches: ParquetBatches, schema: Arc<Schema>) -> ParquetRows {
        ParquetRows { batches, schema, ready: VecDeque::new(), buffer: Vec::new(), done: false }
    }

    pub(crate) fn next(&mut self) -> Option<ReadItem> {
        loop {
            if let Some(item) = self.ready.pop_front() {
                return Some(item);
            }
            if self.done {
                return None;
            }
            match self.batches.next() {
                None => self.done = true,
                Some(Piece::Rows(batch)) => {
                    batch.convert(&self.schema, &mut self.buffer);
                    self.ready.extend(self.buffer.drain(..));
                }
                Some(Piece::Lost(lost)) => self.ready.extend(lost.records()),
            }
        }
    }
}
