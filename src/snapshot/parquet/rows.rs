//! Turning a batch of Arrow rows into snapshots, one [`ReadItem`] per row.
//!
//! The plan (see `bind`) has checked every column's type, so what can still
//! go wrong is one row's: a null in a required field, a string that is not a
//! date or an enum member, a decimal out of an exact decimal's range. Each is
//! that row's error record, naming the field as the other formats do.

use super::bind::{FilePlan, LeafKind, LeafPlan, RecordPlan};
use crate::columns::from_date32;
use crate::schema::{ListLayout, RecordLayout, ScalarType, Schema};
use crate::snapshot::convert::{
    finish_list, finish_set, finish_snapshot, scalar, Errors, Frame, Leaf, Lexeme, PathSeg,
};
use crate::snapshot::ReadItem;
use crate::value::{Record, SetItem, Value};
use arrow_array::cast::AsArray;
use arrow_array::types::{
    Decimal128Type, Decimal32Type, Decimal64Type, Int16Type, Int32Type, Int64Type, Int8Type, UInt16Type, UInt32Type,
    UInt64Type, UInt8Type,
};
use arrow_array::{Array, ArrayRef, RecordBatch, StructArray};
use arrow_buffer::NullBuffer;
use arrow_schema::DataType;
use rust_decimal::Decimal;

/// Appends one [`ReadItem`] per row of `batch` to `out`, in order.
pub(crate) fn convert(plan: &FilePlan, schema: &Schema, batch: &RecordBatch, out: &mut Vec<ReadItem>) {
    let columns: Vec<ArrayRef> = batch.columns().to_vec();
    let root = bind_record(&plan.root, &columns, None);
    let as_of = plan.as_of.and_then(|i| columns.get(i));
    for row in 0..batch.num_rows() {
        let mut errors = Errors::default();
        let mut frame = Frame::new(&schema.root);
        fill(&root, row, &mut frame, &PathSeg::Root, &mut errors);
        let as_of = match as_of.filter(|a| !a.is_null(row)) {
            None => None,
            Some(array) => match scalar_at(&crate::snapshot::convert::DATE, array.as_ref(), row) {
                Ok(Value::Date(date)) => Some(date),
                Ok(_) => None,
                Err(message) => {
                    errors.push(&PathSeg::Root.field("as_of"), message);
                    None
                }
            },
        };
        out.push(finish_snapshot(schema, frame, as_of, errors));
    }
}

/// A record's leaves bound to one batch's arrays.
struct BoundRecord<'p> {
    leaves: Vec<BoundLeaf<'p>>,
}

struct BoundLeaf<'p> {
    plan: &'p LeafPlan,
    /// The column; `None` when the file has none (an optional field).
    array: Option<ArrayRef>,
    /// Nulls of the structs above the column: a null struct nulls its fields.
    above: Option<NullBuffer>,
    /// For a list of records: its elements' fields, bound to the list's values.
    elements: Option<BoundRecord<'p>>,
}

impl BoundLeaf<'_> {
    fn is_null(&self, row: usize) -> bool {
        match &self.array {
            None => true,
            Some(array) => array.is_null(row) || self.above.as_ref().is_some_and(|n| n.is_null(row)),
        }
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
    let elements = match (&plan.kind, &array) {
        (LeafKind::Records(_, element), Some(list)) => list_values(list.as_ref()).map(|values| {
            let values_columns = values.as_struct_opt().map(|s| s.columns().to_vec()).unwrap_or_default();
            bind_record(element, &values_columns, values.nulls())
        }),
        _ => None,
    };
    BoundLeaf { plan, array, above: nulls, elements }
}

/// Reads every leaf of a record at `row` into `frame`.
fn fill(record: &BoundRecord, row: usize, frame: &mut Frame, path: &PathSeg, errors: &mut Errors) {
    for leaf in &record.leaves {
        let plan = leaf.plan;
        let here = path.field(&plan.name);
        let array = match &leaf.array {
            Some(array) if !leaf.is_null(row) => array.as_ref(),
            _ => {
                let null = match &plan.kind {
                    LeafKind::Scalar(ty) => Leaf::Scalar(ty).null(plan.optional),
                    LeafKind::Set(ty) => Leaf::Set(ty).null(plan.optional),
                    LeafKind::Records(list, _) => Leaf::List(list).null(plan.optional),
                };
                frame.store(plan.slot, null, &here, errors);
                continue;
            }
        };
        let value = match &plan.kind {
            LeafKind::Scalar(ty) => scalar_at(ty, array, row),
            LeafKind::Set(ty) => set_at(ty, array, row),
            LeafKind::Records(list, _) => match &leaf.elements {
                Some(elements) => Ok(records_at(list, elements, array, row, &here, errors)),
                None => Err("expected a list of records".to_string()),
            },
        };
        frame.store(plan.slot, value, &here, errors);
    }
}

/// A list of records at `row`: each element read into its own frame.
fn records_at(
    list: &ListLayout,
    elements: &BoundRecord,
    array: &dyn Array,
    row: usize,
    path: &PathSeg,
    errors: &mut Errors,
) -> Value {
    let (start, end) = list_range(array, row).unwrap_or((0, 0));
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
        errors.push(path, "expected a record, found null");
        frame.mark_all(layout);
    } else {
        fill(elements, element, &mut frame, path, errors);
    }
    frame.finish(layout, path, errors)
}

/// A `set<T>` at `row`: its items converted, sorted and without duplicates.
fn set_at(ty: &ScalarType, array: &dyn Array, row: usize) -> Result<Value, String> {
    let (start, end) = list_range(array, row).ok_or_else(|| Leaf::Set(ty).mismatch("another type"))?;
    let values = list_values(array).ok_or_else(|| Leaf::Set(ty).mismatch("another type"))?;
    let mut items = Vec::with_capacity(end - start);
    for index in start..end {
        if values.is_null(index) {
            return Err(format!("[{}]: a set holds no nulls", index - start));
        }
        let value = scalar_at(ty, values.as_ref(), index).map_err(|m| format!("[{}]: {m}", index - start))?;
        items.push(set_item(ty, value)?);
    }
    Ok(finish_set(items))
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

/// The element range of a list column at `row`.
fn list_range(array: &dyn Array, row: usize) -> Option<(usize, usize)> {
    let range = |start: usize, end: usize| (start <= end).then_some((start, end));
    match array.data_type() {
        DataType::List(_) => {
            let offsets = array.as_list_opt::<i32>()?.value_offsets();
            range(usize::try_from(*offsets.get(row)?).ok()?, usize::try_from(*offsets.get(row + 1)?).ok()?)
        }
        DataType::LargeList(_) => {
            let offsets = array.as_list_opt::<i64>()?.value_offsets();
            range(usize::try_from(*offsets.get(row)?).ok()?, usize::try_from(*offsets.get(row + 1)?).ok()?)
        }
        _ => None,
    }
}

/// The values (all rows' elements) of a list column.
fn list_values(array: &dyn Array) -> Option<ArrayRef> {
    match array.data_type() {
        DataType::List(_) => Some(array.as_list_opt::<i32>()?.values().clone()),
        DataType::LargeList(_) => Some(array.as_list_opt::<i64>()?.values().clone()),
        _ => None,
    }
}

/// One non-null scalar of a column, as the schema type `ty` says.
pub(crate) fn scalar_at(ty: &ScalarType, array: &dyn Array, row: usize) -> Result<Value, String> {
    if let Some(text) = text_at(array, row) {
        return scalar(ty, Lexeme::Quoted(text));
    }
    let mismatch = |found: &str| Leaf::Scalar(ty).mismatch(found);
    match (ty, array.data_type()) {
        (ScalarType::Bool, DataType::Boolean) => Ok(Value::Bool(array.as_boolean().value(row))),
        (ScalarType::Int, DataType::Float64 | DataType::Float32) => {
            let value = match array.data_type() {
                DataType::Float64 => array.as_primitive_opt::<arrow_array::types::Float64Type>().map(|a| a.value(row)),
                _ => array.as_primitive_opt::<arrow_array::types::Float32Type>().map(|a| f64::from(a.value(row))),
            };
            match value {
                // Whole and within ±2^53, where every f64 is an exact integer.
                Some(v) if v.fract() == 0.0 && v.abs() <= 9_007_199_254_740_992.0 => Ok(Value::Int(v as i64)),
                Some(v) => Err(mismatch(&v.to_string())),
                None => Err(mismatch("another type")),
            }
        }
        (ScalarType::Int, _) => match int_at(array, row) {
            Some(i) => i64::try_from(i)
                .map(Value::Int)
                .map_err(|_| format!("{} (out of range for int)", mismatch(&i.to_string()))),
            None => Err(mismatch("another type")),
        },
        (ScalarType::Decimal | ScalarType::Money, DataType::Decimal128(_, scale)) => {
            let value = array.as_primitive_opt::<Decimal128Type>().map(|a| a.value(row));
            decimal(value, *scale).ok_or_else(|| out_of_range(value, *scale))
        }
        (ScalarType::Decimal | ScalarType::Money, DataType::Decimal64(_, scale)) => {
            let value = array.as_primitive_opt::<Decimal64Type>().map(|a| i128::from(a.value(row)));
            decimal(value, *scale).ok_or_else(|| out_of_range(value, *scale))
        }
        (ScalarType::Decimal | ScalarType::Money, DataType::Decimal32(_, scale)) => {
            let value = array.as_primitive_opt::<Decimal32Type>().map(|a| i128::from(a.value(row)));
            decimal(value, *scale).ok_or_else(|| out_of_range(value, *scale))
        }
        (ScalarType::Decimal | ScalarType::Money, _) => match int_at(array, row) {
            Some(i) => decimal(Some(i), 0).ok_or_else(|| out_of_range(Some(i), 0)),
            None => Err(mismatch("another type")),
        },
        (ScalarType::Date, DataType::Date32) => {
            let days = array.as_primitive_opt::<arrow_array::types::Date32Type>().map(|a| a.value(row));
            days.and_then(from_date32).map(Value::Date).ok_or_else(|| mismatch("a date out of range"))
        }
        (ScalarType::Date, DataType::Date64) => {
            let ms = array.as_primitive_opt::<arrow_array::types::Date64Type>().map(|a| a.value(row));
            let days = ms.and_then(|ms| i32::try_from(ms.div_euclid(86_400_000)).ok());
            days.and_then(from_date32).map(Value::Date).ok_or_else(|| mismatch("a date out of range"))
        }
        _ => Err(mismatch("another type")),
    }
}

fn out_of_range(value: Option<i128>, scale: i8) -> String {
    match value {
        Some(v) => format!("the decimal {v}e-{scale} is out of range for an exact decimal"),
        None => "expected a decimal".to_string(),
    }
}

/// A Parquet decimal (mantissa, scale) as an exact decimal, when it fits one.
fn decimal(mantissa: Option<i128>, scale: i8) -> Option<Value> {
    let mantissa = mantissa?;
    let value = if scale >= 0 {
        Decimal::try_from_i128_with_scale(mantissa, u32::try_from(scale).ok()?).ok()?
    } else {
        let factor = 10i128.checked_pow(u32::from(scale.unsigned_abs()))?;
        Decimal::try_from_i128_with_scale(mantissa.checked_mul(factor)?, 0).ok()?
    };
    Some(Value::Dec(value))
}

/// The text of a string column at `row`; `None` for other columns.
fn text_at(array: &dyn Array, row: usize) -> Option<&str> {
    match array.data_type() {
        DataType::Utf8 => Some(array.as_string_opt::<i32>()?.value(row)),
        DataType::LargeUtf8 => Some(array.as_string_opt::<i64>()?.value(row)),
        DataType::Utf8View => Some(array.as_string_view_opt()?.value(row)),
        _ => None,
    }
}

/// The value of an integer column at `row`; `None` for other columns.
fn int_at(array: &dyn Array, row: usize) -> Option<i128> {
    Some(match array.data_type() {
        DataType::Int8 => i128::from(array.as_primitive_opt::<Int8Type>()?.value(row)),
        DataType::Int16 => i128::from(array.as_primitive_opt::<Int16Type>()?.value(row)),
        DataType::Int32 => i128::from(array.as_primitive_opt::<Int32Type>()?.value(row)),
        DataType::Int64 => i128::from(array.as_primitive_opt::<Int64Type>()?.value(row)),
        DataType::UInt8 => i128::from(array.as_primitive_opt::<UInt8Type>()?.value(row)),
        DataType::UInt16 => i128::from(array.as_primitive_opt::<UInt16Type>()?.value(row)),
        DataType::UInt32 => i128::from(array.as_primitive_opt::<UInt32Type>()?.value(row)),
        DataType::UInt64 => i128::from(array.as_primitive_opt::<UInt64Type>()?.value(row)),
        _ => return None,
    })
}
