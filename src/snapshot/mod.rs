//! Reading account snapshots (spec §3) straight into the schema's slot layout.
//!
//! Every input snapshot yields exactly one [`ReadItem`], in input order: a
//! [`Snapshot`] or a [`SnapshotError`] for that snapshot alone.
//!
//! [`read_snapshots`] reads a stream in any [`Format`] (JSON Lines and CSV
//! stream row by row); [`parse_json_snapshot`] reads one JSON object and
//! [`snapshot_from_yaml`] one YAML mapping. JSON is read in one pass straight
//! into the schema's slots, and money is never an `f64`: numbers are
//! converted from their exact text.

use crate::value::{Date, Record};
use std::fmt;
use std::sync::Arc;

/// The value of a snapshot's key field.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Key {
    /// A string key (shared: the decision names its account by the same text).
    Str(Arc<str>),
    /// An integer key.
    Int(i64),
}

impl fmt::Display for Key {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Key::Str(s) => f.write_str(s),
            Key::Int(i) => write!(f, "{i}"),
        }
    }
}

/// One account snapshot, laid out in slots.
#[derive(Clone, Debug, PartialEq)]
pub struct Snapshot {
    /// The key field's value.
    pub id: Key,
    /// `as_of` from the snapshot, if it had one.
    pub as_of: Option<Date>,
    /// The account's slots (schema `root` layout).
    pub record: Record,
}

/// A snapshot that could not be read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SnapshotError {
    /// The key, as far as it could be read.
    pub id: Option<Key>,
    /// What is wrong, naming the field path (e.g. `overdues[2].days: expected int, found "x"`).
    pub message: String,
}

impl SnapshotError {
    /// Whether the snapshot failed as JSON (its syntax, or a string the
    /// reader cannot decode), not as a record of the schema.
    pub fn is_invalid_json(&self) -> bool {
        self.message.starts_with(json::INVALID_JSON)
    }
}

impl fmt::Display for SnapshotError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.id {
            Some(id) => write!(f, "snapshot {id}: {}", self.message),
            None => write!(f, "snapshot: {}", self.message),
        }
    }
}

impl std::error::Error for SnapshotError {}

/// One input snapshot's reading.
pub type ReadItem = Result<Snapshot, SnapshotError>;

pub(crate) mod convert;
mod csv;
mod csv_quotes;
mod json;
mod json_array;
mod json_direct;
mod json_tokens;
mod limits;
mod near_miss;
mod parquet;
mod reader;
mod table_terms;
mod yaml;
mod yaml_items;

pub use json::parse_json_snapshot;
pub(crate) use json::{parse_with_serde, Origin};
pub(crate) use json_direct::read as read_json_direct;
pub use limits::{
    read_line_bounded, LineRead, ReadLimits, DEFAULT_MAX_FILE_BYTES, DEFAULT_MAX_SNAPSHOT_BYTES, KEPT_OF_A_LONG_LINE,
};
pub use near_miss::NearMiss;
pub(crate) use near_miss::{near_misses, near_misses_among};
pub use parquet::{
    bind_batch, open_parquet, BatchRows, BookWriter, Lost, ParquetBatch, ParquetBatches, Piece, DEFAULT_BATCH_ROWS,
};
pub(crate) use reader::id_of_long_snapshot;
pub use reader::{
    json_line_content, open_input_file, open_snapshot_file, opening_error, parse_json_line, read_snapshots,
    read_snapshots_with, reading_stopped, Format, ReadError, SnapshotReader, UnknownFormat,
};
pub use yaml::snapshot_from_yaml;

/// The next state of a xorshift64 sequence: cheap, reproducible inputs for
/// the readers' exhaustive unit tests.
#[cfg(test)]
fn xorshift(mut state: u64) -> u64 {
    state ^= state << 13;
    state ^= state >> 7;
    state ^= state << 17;
    state
}
