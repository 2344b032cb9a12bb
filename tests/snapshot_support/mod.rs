//! Shared by the snapshot-reading tests: a flat schema, loading a schema
//! from text, reading a whole input, and a field's value by its path.

// Each test crate includes this module and uses only some of it.
#![allow(dead_code)]

use std::path::Path;
use std::sync::Arc;
use verdict::schema::{load_schema, Schema};
use verdict::snapshot::{read_snapshots, Format, ReadItem};
use verdict::value::{Record, Value};

/// An account schema without lists, so that CSV can hold it.
pub const FLAT_SCHEMA: &str = "
entity: account
key: id
fields:
  id: string
  status: enum(active, restricted, frozen, closed)
  credit_limit: money
  score: int
  identity:
    verified: bool
  appeal_open: bool?
  tags: set<string>
";

pub fn schema(text: &str) -> Arc<Schema> {
    Arc::new(load_schema(Path::new("test.schema.yaml"), text).unwrap())
}

pub fn read(format: Format, input: &str, schema: &Arc<Schema>) -> Vec<ReadItem> {
    read_snapshots(input.as_bytes(), format, schema.clone()).unwrap().collect()
}

/// The value of the account field at a dotted path.
pub fn get<'r>(schema: &Schema, record: &'r Record, path: &str) -> &'r Value {
    let slot = schema.lookup(path).unwrap().slot.unwrap();
    &record.slots[slot]
}
