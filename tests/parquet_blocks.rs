//! A Parquet batch converted a block of rows at a time (as `eval` does, to
//! decide each block while it is in cache) gives exactly the snapshots and
//! error records of the batch converted whole, whatever the block size:
//! lists of varying length, null lists and null elements, broken elements,
//! null keys and broken scalars among them.

mod common;

use arrow_array::{ArrayRef, Date32Array, Int64Array, ListArray, RecordBatch, StringArray, StructArray};
use arrow_buffer::{NullBuffer, OffsetBuffer};
use arrow_schema::{DataType, Field, Fields};
use std::sync::Arc;
use verdict::schema::Schema;
use verdict::snapshot::{bind_batch, ParquetBatch, ReadItem};

const SCHEMA: &str = "entity: account\nkey: id\nfields:\n  id: string\n  score: int\n  tags: set<string>\n  \
events:\n    list:\n      on: date\n      amount: int?\n    by: on\n";

/// More than two of `eval`'s blocks of 64, the last one short.
const ROWS: usize = 150;

/// The schema, written to a folder of the calling test's own: the tests run
/// in parallel, and one writing the file while another reads it gave the
/// reader an empty schema.
fn schema(test: &str) -> Arc<Schema> {
    let path = common::temp_folder("parquet-blocks", test).join("s.schema.yaml");
    std::fs::write(&path, SCHEMA).unwrap();
    Arc::new(verdict::load::load_schema_file(&path).unwrap())
}

/// `ROWS` accounts: row `i` has `i % 5` events (a null list every 8th row,
/// some elements null, some without their required date, some without their
/// optional amount), a null key every 11th row, a null score every 7th, a
/// null `tags` list every 6th and a null tag inside every 9th.
fn batch() -> RecordBatch {
    let ids: Vec<Option<String>> = (0..ROWS).map(|i| (i % 11 != 5).then(|| format!("A{i}"))).collect();
    let scores: Vec<Option<i64>> = (0..ROWS).map(|i| (i % 7 != 3).then_some(i as i64 * 10)).collect();

    let (mut tag_offsets, mut tags, mut tag_valid) = (vec![0i32], Vec::new(), Vec::new());
    for i in 0..ROWS {
        if i % 6 != 1 {
            tags.extend((0..i % 3).map(|t| Some(format!("t{}", (i + t) % 4))));
            if i % 9 == 4 {
                tags.push(None);
            }
        }
        tag_offsets.push(tags.len() as i32);
        tag_valid.push(i % 6 != 1);
    }
    let tag_item = Arc::new(Field::new("item", DataType::Utf8, true));
    let tags = ListArray::new(
        tag_item,
        OffsetBuffer::new(tag_offsets.into()),
        Arc::new(StringArray::from(tags)),
        Some(NullBuffer::from(tag_valid)),
    );

    let (mut offsets, mut on, mut amount, mut element_valid, mut list_valid) =
        (vec![0i32], Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for i in 0..ROWS {
        for e in 0..i % 5 {
            let n = on.len();
            // Out of date order on purpose: the list is sorted by its time key.
            on.push((n % 13 != 5).then_some(19_000 + ((i * 7 + e * 13) % 40) as i32));
            amount.push((n % 4 != 2).then_some(n as i64));
            element_valid.push(n % 17 != 8);
        }
        offsets.push(on.len() as i32);
        list_valid.push(i % 8 != 6);
    }
    let event_fields =
        Fields::from(vec![Field::new("on", DataType::Date32, true), Field::new("amount", DataType::Int64, true)]);
    let elements = StructArray::try_new(
        event_fields.clone(),
        vec![Arc::new(Date32Array::from(on)) as ArrayRef, Arc::new(Int64Array::from(amount))],
        Some(NullBuffer::from(element_valid)),
    )
    .unwrap();
    let events = ListArray::new(
        Arc::new(Field::new("item", DataType::Struct(event_fields), true)),
        OffsetBuffer::new(offsets.into()),
        Arc::new(elements),
        Some(NullBuffer::from(list_valid)),
    );
    RecordBatch::try_from_iter(vec![
        ("id", Arc::new(StringArray::from(ids)) as ArrayRef),
        ("score", Arc::new(Int64Array::from(scores))),
        ("tags", Arc::new(tags)),
        ("events", Arc::new(events)),
    ])
    .unwrap()
}

/// The book's schema (written for `test`), its batch bound, and the batch
/// converted whole: what every block is held to.
fn bound(test: &str) -> (Arc<Schema>, ParquetBatch, Vec<ReadItem>) {
    let schema = schema(test);
    let batch = bind_batch(&schema, batch()).unwrap();
    let mut whole = Vec::new();
    batch.convert(&schema, &mut whole);
    (schema, batch, whole)
}

/// The batch's rows converted `block` rows at a time, the bound columns kept across blocks.
fn by_blocks(batch: &ParquetBatch, schema: &Schema, block: usize) -> Vec<ReadItem> {
    let mut rows = batch.rows();
    let mut out = Vec::new();
    let mut converted = Vec::new();
    for start in (0..rows.len()).step_by(block) {
        rows.convert(schema, start..start + block, &mut converted);
        out.append(&mut converted);
    }
    out
}

#[test]
fn blocks_of_any_size_convert_as_the_whole_batch() {
    let (schema, batch, whole) = bound("blocks");
    assert_eq!(whole.len(), ROWS);
    // The book exercises both kinds of row, and lists of several lengths.
    let errors = whole.iter().filter(|item| item.is_err()).count();
    assert!(errors > 5 && errors < ROWS - 5, "{errors} error records of {ROWS}");
    let lengths: std::collections::BTreeSet<usize> = whole
        .iter()
        .filter_map(|item| item.as_ref().ok())
        .filter_map(|s| match s.record.slots.iter().find(|v| matches!(v, verdict::value::Value::List(_))) {
            Some(verdict::value::Value::List(list)) => Some(list.len()),
            _ => None,
        })
        .collect();
    assert!(lengths.len() >= 3, "list lengths {lengths:?}");

    for block in [1, 2, 3, 5, 8, 28, 29, 64, ROWS - 1, ROWS] {
        assert_eq!(by_blocks(&batch, &schema, block), whole, "blocks of {block}");
    }
}

#[test]
fn a_block_past_the_batch_end_stops_at_its_last_row() {
    let (schema, batch, whole) = bound("past-end");
    let mut rows = batch.rows();
    let mut tail = Vec::new();
    rows.convert(&schema, ROWS - 3..ROWS + 100, &mut tail);
    assert_eq!(tail, whole[ROWS - 3..]);
    tail.clear();
    rows.convert(&schema, ROWS + 1..ROWS + 5, &mut tail);
    assert!(tail.is_empty());
}

#[test]
fn the_next_blocks_in_turn_convert_as_the_whole_batch() {
    let (schema, batch, whole) = bound("next-block");
    let mut rows = batch.rows();
    let (mut out, mut block, mut blocks) = (Vec::new(), Vec::new(), 0);
    while rows.next_block(&schema, &mut block) {
        assert!(!block.is_empty() && block.len() <= 64, "a block of {}", block.len());
        out.append(&mut block);
        blocks += 1;
    }
    assert_eq!(blocks, ROWS.div_ceil(64));
    assert_eq!(out, whole);
    // Once every row is converted, nothing more comes.
    assert!(!rows.next_block(&schema, &mut block));
    assert!(block.is_empty());
}
