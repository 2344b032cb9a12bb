//! Turning a batch of Arrow rows into snapshots, one [`ReadItem`] per row.
//!
//! A batch is converted column by column: each leaf's column is resolved to
//! its typed array once (`cells`), then read down all the batch's rows into
//! their frames, so no cell pays for a match on its column's data type or a
//! downcast. A list of records is read element by element within its row,
//! its element columns resolved once per batch the same way.
//!
//! The plan (see `bind`) has checked every column's type, so what can still
//! go wrong is one row's: a null in a required field, a string that is not a
//! date or an enum member, a decimal out of an exact decimal's range. Each is
//! that row's error record, naming the field as the other formats do, its
//! problems in the order of the schema's fields as a row-by-row reading
//! would find them.

use super::bind::{FilePlan, LeafKind, LeafPlan, RecordPlan};
use super::cells::Cells;
use crate::schema::{ListLayout, RecordLayout, ScalarType, Schema};
use crate::snapshot::convert::{
    finish_list, finish_set, finish_snapshot, key_as_written, named_as_written, Errors, Frame, Leaf, PathSeg, DATE,
};
use crate::snapshot::Key;
use crate::snapshot::ReadItem;
use crate::value::{Date, Record, SetItem, Value};
use arrow_array::cast::AsArray;
use arrow_array::{Array, ArrayRef, RecordBatch, StructArray};
use arrow_buffer::{NullBuffer, OffsetBuffer};
use arrow_schema::DataType;

/// Appends one [`ReadItem`] per row of `batch` to `out`, in order.
pub(crate) fn convert(
    plan: &FilePlan,
    schema: &Schema,
    batch: &RecordBatch,
    first_row: Option<u64>,
    out: &mut Vec<ReadItem>,
) {
    let mut rows = BatchRows::bind(plan, batch, first_row);
    let len = rows.len();
    rows.convert(schema, 0..len, out);
}

/// How many rows of a batch are converted into snapshots before they are
/// decided ([`BatchRows::next_block`]; `eval` and Python's `decide_table`).
/// Measured (callgrind's cache simulation, 100,000 accounts): last-level
/// misses 45 a record converting whole batches of 1,024, 26 in blocks of
/// 256, 21.5 in blocks of 64, 21 in blocks of 16, where first-level misses
/// are fewest at 64 (167 a record against 185 at 16 and 203 at 1,024).
const ROWS_PER_BLOCK: usize = 64;

/// A batch's columns bound to the plan once, its rows then converted a block
/// at a time ([`BatchRows::next_block`]): a caller that decides each block
/// before converting the next finds the block's snapshots still in cache,
/// and their memory comes back to it for the next block, where a whole batch
/// converted at once (a megabyte or more of frames) is out of cache again by
/// the time it is decided, and takes fresh pages from the allocator.
pub struct BatchRows<'p> {
    root: BoundRecord<'p>,
    as_of: Option<Cells>,
    /// The key's column, to name a row whose key is not of the key's type.
    key: Option<ArrayRef>,
    rows: usize,
    /// The first row [`BatchRows::next_block`] has not converted.
    next: usize,
    /// The block's frames while it is read; emptied by each block, its capacity kept.
    frames: Vec<(Frame, Errors)>,
    /// The file's row number of the batch's first row, if it came from a file.
    first_row: Option<u64>,
}

impl<'p> BatchRows<'p> {
    /// `batch`'s columns bound to `plan` (each column resolved to its typed array once).
    pub(crate) fn bind(plan: &'p FilePlan, batch: &RecordBatch, first_row: Option<u64>) -> BatchRows<'p> {
        let columns = batch.columns();
        let root = bind_record(&plan.root, columns, None);
        let as_of = plan.as_of.and_then(|i| columns.get(i)).map(|array| Cells::new(&DATE, array, None));
        let key = plan.key.and_then(|i| columns.get(i)).cloned();
        BatchRows { root, as_of, key, rows: batch.num_rows(), next: 0, frames: Vec::new(), first_row }
    }

    /// Rows in the batch.
    #[must_use]
    pub fn len(&self) -> usize {
        self.rows
    }

    /// True when the batch has no rows.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.rows == 0
    }

    /// Appends one [`ReadItem`] for each of the next [`ROWS_PER_BLOCK`] rows
    /// (fewer at the batch's end) to `out`; false, with nothing appended,
    /// once every row has been converted.
    pub fn next_block(&mut self, schema: &Schema, out: &mut Vec<ReadItem>) -> bool {
        let start = self.next;
        if start >= self.rows {
            return false;
        }
        self.next = start.saturating_add(ROWS_PER_BLOCK).min(self.rows);
        self.convert(schema, start..self.next, out);
        true
    }

    /// Appends one [`ReadItem`] per row of `rows` (within the batch) to
    /// `out`, in order: the block column by column, as [`convert`] does the
    /// whole batch, so each cell costs what it does there.
    pub fn convert(&mut self, schema: &Schema, rows: std::ops::Range<usize>, out: &mut Vec<ReadItem>) {
        let rows = rows.start.min(self.rows)..rows.end.min(self.rows);
        self.frames.clear();
        self.frames.extend(rows.clone().map(|_| (Frame::new(&schema.root), Errors::default())));
        for leaf in &self.root.leaves {
            let here = PathSeg::Root.field(&leaf.plan.name);
            for (row, (frame, errors)) in rows.clone().zip(self.frames.iter_mut()) {
                read_leaf(leaf, row, frame, &here, errors);
            }
        }
        out.reserve(rows.len());
        for (row, (frame, mut errors)) in rows.zip(self.frames.drain(..)) {
            let as_of = as_of_at(self.as_of.as_ref(), row, &mut errors);
            let item = finish_snapshot(schema, frame, as_of, errors);
            let item = named_as_written(item, || self.key.as_ref().and_then(|key| key_written(key, row)));
            out.push(match self.first_row {
                Some(first) => in_row(item, first + row as u64),
                None => item,
            });
        }
    }
}

/// A key cell of a number type the key's cannot hold (an unsigned one past
/// `i64`, a fraction for an int key) as the text its error message shows:
/// the id its row's error record names it by, as a JSON reader keeps it.
/// `None` for a null or another type.
fn key_written(key: &ArrayRef, row: usize) -> Option<Key> {
    if key.is_null(row) {
        return None;
    }
    let text = match super::cells::int_at(key, row) {
        Some(int) => int.to_string(),
        None => super::cells::float_at(key, row).filter(|f| f.is_finite())?.to_string(),
    };
    key_as_written(&text)
}

/// An error record without an id names the file's row it came from: nothing
/// else would find that row among a million (a lost row's record says its
/// row already, see `Lost`).
fn in_row(item: ReadItem, row: u64) -> ReadItem {
    item.map_err(|mut e| {
        if e.id.is_none() {
            e.message = format!("row {row}: {}", e.message);
        }
        e
    })
}

/// The `as_of` date of `row`, if the file has the column and the row a date there.
fn as_of_at(as_of: Option<&Cells>, row: usize, errors: &mut Errors) -> Option<Date> {
    match as_of.filter(|cells| !cells.is_null(row))?.value(row) {
        Ok(Value::Date(date)) => Some(date),
        Ok(_) => None,
        Err(message) => {
            errors.push(&PathSeg::Root.field("as_of"), message);
            None
        }
    }
}

/// A record's leaves bound to one batch's arrays.
struct BoundRecord<'p> {
    leaves: Vec<BoundLeaf<'p>>,
}

struct BoundLeaf<'p> {
    plan: &'p LeafPlan,
    /// Nulls of the structs above the column: a null struct nulls its fields.
    above: Option<NullBuffer>,
    column: Column<'p>,
}

/// A leaf's column, resolved for its kind.
enum Column<'p> {
    /// The file has no such column (an optional field): always null.
    Absent,
    Scalar(Cells),
    /// A list column: its nulls, its rows' ranges, and what its items are.
    List {
        nulls: Option<NullBuffer>,
        offsets: Offsets,
        items: Items<'p>,
    },
    /// A column that cannot be read as the leaf (the plan refuses these; kept
    /// as each row's error rather than trusted).
    Unreadable {
        nulls: Option<NullBuffer>,
        message: String,
    },
}

/// The items of a list column.
enum Items<'p> {
    /// A set's scalars.
    Set(Cells),
    /// A list of records' elements, their fields bound to the list's values.
    Records(BoundRecord<'p>),
}

/// The offsets of a list column, whichever width.
enum Offsets {
    Small(OffsetBuffer<i32>),
    Large(OffsetBuffer<i64>),
}

impl Offsets {
    /// The range of items of row `row`.
    fn range(&self, row: usize) -> Option<(usize, usize)> {
        let (start, end) = match self {
            Offsets::Small(o) => (usize::try_from(*o.get(row)?).ok()?, usize::try_from(*o.get(row + 1)?).ok()?),
            Offsets::Large(o) => (usize::try_from(*o.get(row)?).ok()?, usize::try_from(*o.get(row + 1)?).ok()?),
        };
        (start <= end).then_some((start, end))
    }
}

impl BoundLeaf<'_> {
    fn is_null(&self, row: usize) -> bool {
        let nulls = match &self.column {
            Column::Absent => return true,
            Column::Scalar(cells) => return cells.is_null(row),
            Column::List { nulls, .. } | Column::Unreadable { nulls, .. } => nulls,
        };
        nulls.as_ref().is_some_and(|n| n.is_null(row))
    }
}

fn bind_record<'p>(plan: &'p RecordPlan, columns: &[ArrayRef], above: Option<&NullBuffer>) -> BoundRecord<'p> {
    BoundRecord { leaves: plan.leaves.iter().map(|leaf| bind_leaf(leaf, columns, above)).collect() }
}

fn bind_leaf<'p>(plan: &'p LeafPlan, columns: &[ArrayRef], above: Option<&NullBuffer>) -> BoundLeaf<'p> {
    let mut nulls = above.cloned();
    let mut array: Option<ArrayRef> = None;
    for (depth, &index) in plan.column.iter().enumerate() {
        let next = match (depth, &array) {
            (0, _) => columns.get(index).cloned(),
            (_, Some(parent)) => parent.as_struct_opt().and_then(|s: &StructArray| {
                nulls = NullBuffer::union(nulls.as_ref(), s.nulls());
                s.columns().get(index).cloned()
            }),
            (_, None) => None,
        };
        array = next;
    }
    let column = match array {
        // A column of nulls only (the plan took it for any field) is null in every row.
        Some(array) if array.data_type() == &DataType::Null => Column::Absent,
        None => Column::Absent,
        Some(array) => column(&plan.kind, &array, nulls.as_ref()),
    };
    BoundLeaf { plan, above: nulls, column }
}

/// A leaf's column resolved for the leaf's kind.
fn column<'p>(kind: &'p LeafKind, array: &ArrayRef, above: Option<&NullBuffer>) -> Column<'p> {
    let list = || -> Option<(Option<NullBuffer>, Offsets, ArrayRef)> {
        let nulls = NullBuffer::union(array.nulls(), above);
        match array.data_type() {
            DataType::List(_) => {
                let list = array.as_list_opt::<i32>()?;
                Some((nulls, Offsets::Small(list.offsets().clone()), list.values().clone()))
            }
            DataType::LargeList(_) => {
                let list = array.as_list_opt::<i64>()?;
                Some((nulls, Offsets::Large(list.offsets().clone()), list.values().clone()))
            }
            _ => None,
        }
    };
    let unreadable = |message: String| Column::Unreadable { nulls: NullBuffer::union(array.nulls(), above), message };
    match kind {
        LeafKind::Scalar(ty) => Column::Scalar(Cells::new(ty, array, above)),
        LeafKind::Set(ty) => match list() {
            Some((nulls, offsets, values)) => {
                Column::List { nulls, offsets, items: Items::Set(Cells::new(ty, &values, None)) }
            }
            None => unreadable(Leaf::Set(ty).mismatch("another type")),
        },
        LeafKind::Records(_, element) => match list() {
            Some((nulls, offsets, values)) => {
                let values_columns = values.as_struct_opt().map(|s| s.columns().to_vec()).unwrap_or_default();
                // Logical nulls: a `list<null>`'s elements (a `Null` array keeps no null buffer) are null records.
                let elements = bind_record(element, &values_columns, values.logical_nulls().as_ref());
                Column::List { nulls, offsets, items: Items::Records(elements) }
            }
            None => unreadable("expected a list of records".to_string()),
        },
    }
}

/// Reads one leaf of the record at `row` into `frame`.
#[inline]
fn read_leaf(leaf: &BoundLeaf, row: usize, frame: &mut Frame, here: &PathSeg, errors: &mut Errors) {
    let plan = leaf.plan;
    if leaf.is_null(row) {
        // A null struct above leaves its fields unsaid, as a JSON record
        // written `null` does: a required one is then "missing", not "null".
        if plan.under_null_record || leaf.above.as_ref().is_some_and(|nulls| nulls.is_null(row)) {
            return;
        }
        let null = match &plan.kind {
            LeafKind::Scalar(ty) => Leaf::Scalar(ty).null(plan.optional),
            LeafKind::Set(ty) => Leaf::Set(ty).null(plan.optional),
            LeafKind::Records(list, _) => Leaf::List(list).null(plan.optional),
        };
        frame.store(plan.slot, null, here, errors);
        return;
    }
    let value = match (&leaf.column, &plan.kind) {
        (Column::Scalar(cells), _) => cells.value(row),
        (Column::List { offsets, items: Items::Set(items), .. }, LeafKind::Set(ty)) => {
            match set_at(ty, offsets, items, row) {
                Ok(set) => Ok(set),
                // An item's problem is named at the item (`tags[2]: …`), as the JSON reader names it.
                Err((index, message)) => {
                    frame.store(plan.slot, Err(message), &here.index(index), errors);
                    return;
                }
            }
        }
        (Column::List { offsets, items: Items::Records(elements), .. }, LeafKind::Records(list, _)) => {
            Ok(records_at(list, elements, offsets, row, here, errors))
        }
        (Column::Unreadable { message, .. }, _) => Err(message.clone()),
        // `column` resolves each kind to its own variant; any other pairing reads as null.
        _ => Ok(Value::None),
    };
    frame.store(plan.slot, value, here, errors);
}

/// A list of records at `row`: each element read into its own frame.
fn records_at(
    list: &ListLayout,
    elements: &BoundRecord,
    offsets: &Offsets,
    row: usize,
    path: &PathSeg,
    errors: &mut Errors,
) -> Value {
    let (start, end) = offsets.range(row).unwrap_or((0, 0));
    let mut records: Vec<Record> = Vec::with_capacity(end - start);
    for (index, element) in (start..end).enumerate() {
        let here = path.index(index);
        records.push(element_record(&list.element, elements, element, &here, errors));
    }
    finish_list(records, list)
}

fn element_record(
    layout: &RecordLayout,
    elements: &BoundRecord,
    element: usize,
    path: &PathSeg,
    errors: &mut Errors,
) -> Record {
    let mut frame = Frame::new(layout);
    let null_element = elements.leaves.first().is_some_and(|l| l.above.as_ref().is_some_and(|n| n.is_null(element)))
        && elements.leaves.iter().all(|l| l.is_null(element));
    if null_element {
        // As the JSON reader says it of a `null` element.
        errors.push(path, "expected an object, found null");
        frame.mark_all(layout);
    } else {
        for leaf in &elements.leaves {
            read_leaf(leaf, element, &mut frame, &path.field(&leaf.plan.name), errors);
        }
    }
    frame.finish(layout, path, errors)
}

/// A `set<T>` at `row`: its items converted, sorted and without duplicates;
/// else the first bad item's place in the set and what is wrong with it.
fn set_at(ty: &ScalarType, offsets: &Offsets, items: &Cells, row: usize) -> Result<Value, (usize, String)> {
    let (start, end) = offsets.range(row).unwrap_or((0, 0));
    let mut set = Vec::with_capacity(end - start);
    for index in start..end {
        let item = if items.is_null(index) { Err(Leaf::Scalar(ty).mismatch("null")) } else { items.value(index) };
        set.push(item.and_then(|value| set_item(ty, value)).map_err(|m| (index - start, m))?);
    }
    Ok(finish_set(set))
}

fn set_item(ty: &ScalarType, value: Value) -> Result<SetItem, String> {
    match (ty, value) {
        (ScalarType::Enum(members), Value::Enum(index)) => usize::try_from(index)
            .ok()
            .and_then(|i| members.get(i))
            .map(|name| SetItem::Str(name.clone()))
            .ok_or_else(|| Leaf::Scalar(ty).mismatch("another member")),
        (_, Value::Str(s)) => Ok(SetItem::Str(s)),
        (_, Value::Int(i)) => Ok(SetItem::Int(i)),
        (_, Value::Date(d)) => Ok(SetItem::Date(d)),
        _ => Err(format!("a set cannot hold {}", ty.describe())),
    }
}
