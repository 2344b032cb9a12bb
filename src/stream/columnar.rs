//! Parquet output: each worker gathers its chunk's decisions as Arrow
//! columns, so the writer thread, which must write chunks one after another,
//! is left only the file's encoding. Building the columns on the writer
//! capped `--jobs 2` (a serial stage on two cores), and the decisions were
//! freed on a thread other than the one that made them.

use crate::columns::{DecisionColumns, LimitColumn};
use crate::eval::Outputs;
use arrow_array::RecordBatch;
use arrow_schema::ArrowError;

/// One chunk's decisions as columns, the builders kept from chunk to chunk.
pub(super) struct Columnar {
    builder: Option<DecisionColumns>,
    /// The sealed chunk, or why a decision could not be put in a column (a
    /// limit that does not fit the column's scale), for the writer to report
    /// in its place.
    sealed: Option<Result<RecordBatch, ArrowError>>,
}

impl Columnar {
    pub(super) fn new() -> Columnar {
        Columnar { builder: None, sealed: None }
    }

    pub(super) fn clear(&mut self) {
        self.sealed = None;
    }

    /// Adds one decision; after a failure the chunk's later ones are left out.
    pub(super) fn push(&mut self, record: &Outputs) {
        if matches!(self.sealed, Some(Err(_))) {
            return;
        }
        let builder = self.builder.get_or_insert_with(|| DecisionColumns::new(LimitColumn::Decimal));
        if let Err(error) = builder.push(record) {
            self.sealed = Some(Err(error));
        }
    }

    /// Closes the chunk: its rows become one batch.
    pub(super) fn seal(&mut self) {
        if self.sealed.is_none() {
            let builder = self.builder.get_or_insert_with(|| DecisionColumns::new(LimitColumn::Decimal));
            self.sealed = Some(builder.finish());
        } else if let Some(builder) = &mut self.builder {
            // Rows before the failure are dropped with the chunk.
            let _ = builder.finish();
        }
    }

    /// The sealed batch, taken by the writer.
    pub(super) fn take(&mut self) -> Option<Result<RecordBatch, ArrowError>> {
        self.sealed.take()
    }
}
