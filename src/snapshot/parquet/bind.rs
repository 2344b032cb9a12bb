//! Binding a Parquet file's columns to the schema's fields, once per file.
//!
//! A field is found by its path: a column named `limits.credit_line`, or a
//! struct column `limits` with a child `credit_line` (any mix of the two).
//! A list of records is a list of structs whose children are the element's
//! fields, found the same way. Every column type is checked here, so a file
//! whose columns cannot hold the schema is refused before any row is read;
//! what is left to a row (a null in a required field, a date string that is
//! not a date) is that row's error record.

use super::super::ReadError;
use crate::schema::{FieldDef, FieldKind, ListLayout, RecordLayout, ScalarType, Schema};
use arrow_schema::{DataType, Field, Fields};

/// How one record's fields (the account's, or a list element's) come out of columns.
#[derive(Debug)]
pub(crate) struct RecordPlan {
    pub(crate) leaves: Vec<LeafPlan>,
}

/// One leaf field and the column it comes from.
#[derive(Debug)]
pub(crate) struct LeafPlan {
    /// The field's path within its record, for messages (`limits.credit_line`).
    pub(crate) name: String,
    /// Its slot in the record's frame.
    pub(crate) slot: usize,
    /// `T?`: a null (or a missing column) is `none`.
    pub(crate) optional: bool,
    /// Child indices from the record's columns down to the column; empty when
    /// the file has no such column (an optional field: always `none`).
    pub(crate) column: Vec<usize>,
    /// What it holds.
    pub(crate) kind: LeafKind,
    /// The column is a column of nulls standing for a struct above the
    /// field: every row's record there is `null`, so the field is unsaid.
    pub(crate) under_null_record: bool,
}

/// What a leaf holds, as read from its column.
#[derive(Debug)]
pub(crate) enum LeafKind {
    /// A scalar.
    Scalar(ScalarType),
    /// `set<T>` from a list of scalars.
    Set(ScalarType),
    /// A list of records from a list of structs.
    Records(Box<ListLayout>, RecordPlan),
}

/// The plan for a whole file: the account's fields and its `as_of` column.
#[derive(Debug)]
pub(crate) struct FilePlan {
    pub(crate) root: RecordPlan,
    /// The `as_of` column's index, if the file has one.
    pub(crate) as_of: Option<usize>,
    /// The key's column, if the file has it at the top level: a cell not of
    /// the key's type still names its row's error record.
    pub(crate) key: Option<usize>,
    /// Top-level columns that name no field but look like an optional
    /// field the file gives no column for.
    pub(crate) near_misses: Vec<crate::snapshot::NearMiss>,
}

/// Binds `schema` to a file's top-level `columns`. Every column problem is
/// reported at once (a [`ReadError::Header`] when there are several).
pub(crate) fn bind(schema: &Schema, columns: &Fields) -> Result<FilePlan, ReadError> {
    let (mut leaves, mut problems) = (Vec::new(), Vec::new());
    collect(&schema.root, columns, "", Some(&schema.key), &mut leaves, &mut problems);
    let as_of = find(columns, &["as_of"]);
    if let Some((_, field)) = as_of.as_ref().filter(|(_, field)| !is_all_null(field)) {
        problems.extend(check_type(&crate::snapshot::convert::DATE, field, "as_of").err());
    }
    ReadError::all(problems)?;
    let key = find(columns, &[schema.key.as_str()]).filter(|(path, _)| path.len() == 1);
    let top = |found: Option<(Vec<usize>, &Field)>| found.and_then(|(path, _)| path.first().copied());
    let near_misses = near_misses(schema, columns, &leaves);
    Ok(FilePlan { root: RecordPlan { leaves }, as_of: top(as_of), key: top(key), near_misses })
}

/// The file's top-level columns that no field path starts with, each that
/// looks like an optional field bound to no column.
fn near_misses(schema: &Schema, columns: &Fields, leaves: &[LeafPlan]) -> Vec<crate::snapshot::NearMiss> {
    let absent: Vec<&str> =
        leaves.iter().filter(|l| l.optional && l.column.is_empty()).map(|l| l.name.as_str()).collect();
    let paths = schema.root.leaves();
    let names_a_field = |column: &str| {
        column == "as_of"
            || paths
                .iter()
                .any(|(path, _)| path.strip_prefix(column).is_some_and(|rest| rest.is_empty() || rest.starts_with('.')))
    };
    let unknown = columns.iter().map(|c| c.name().as_str()).filter(|c| !names_a_field(c));
    crate::snapshot::near_misses_among(unknown, &absent)
}

/// Binds a record's leaves (nested records flattened) below `prefix`.
fn bind_record(
    layout: &RecordLayout,
    columns: &Fields,
    prefix: &str,
    key: Option<&str>,
) -> Result<RecordPlan, ReadError> {
    let mut leaves = Vec::new();
    let mut problems = Vec::new();
    collect(layout, columns, prefix, key, &mut leaves, &mut problems);
    ReadError::all(problems)?;
    Ok(RecordPlan { leaves })
}

/// Binds each leaf below `prefix` into `leaves`, each problem into `problems`.
fn collect(
    layout: &RecordLayout,
    columns: &Fields,
    prefix: &str,
    key: Option<&str>,
    leaves: &mut Vec<LeafPlan>,
    problems: &mut Vec<ReadError>,
) {
    for field in &layout.fields {
        let name = if prefix.is_empty() { field.name.clone() } else { format!("{prefix}.{}", field.name) };
        if let FieldKind::Record(inner) = &field.kind {
            collect(inner, columns, &name, None, leaves, problems);
            continue;
        }
        let Some(slot) = field.slot else { continue };
        let is_key = key == Some(name.as_str());
        match bind_leaf(field, slot, columns, name, is_key) {
            Ok(leaf) => leaves.push(leaf),
            Err(e) => problems.extend(e.into_problems()),
        }
    }
}

fn bind_leaf(
    field: &FieldDef,
    slot: usize,
    columns: &Fields,
    name: String,
    is_key: bool,
) -> Result<LeafPlan, ReadError> {
    let segments: Vec<&str> = name.split('.').collect();
    let optional = field.optional && !is_key;
    let mut givers = givers(columns, &segments).into_iter();
    let Some(Giver { column, field: arrow, as_nulls }) = givers.next() else {
        // `identity` given as a string (or a map): the record's column is
        // there, of a type that cannot hold it; not a missing column.
        if let Some((head, column)) = not_a_struct(columns, &segments) {
            return Err(wrong_type(column, &head, "a struct of the record's fields"));
        }
        if optional {
            let kind = leaf_kind(field, None, &name)?;
            return Ok(LeafPlan { name, slot, optional, column: Vec::new(), kind, under_null_record: false });
        }
        return Err(ReadError::ParquetMissingColumn { field: name.clone(), suggestion: suggest(columns, &name) });
    };
    // A column of nulls standing for a struct gives no value: no rival.
    let rivals = givers.filter(|giver| !giver.as_nulls).count();
    if rivals > 0 {
        return Err(ReadError::ParquetDuplicateColumn { field: name, routes: rivals + 1 });
    }
    let kind = leaf_kind(field, Some(arrow), &name)?;
    Ok(LeafPlan { name, slot, optional, column, kind, under_null_record: as_nulls })
}

/// What a leaf holds, its column's type checked against it (`None`: no column).
fn leaf_kind(field: &FieldDef, arrow: Option<&Field>, name: &str) -> Result<LeafKind, ReadError> {
    // A column of nulls only fits any field: each row reads as a null there.
    let arrow = arrow.filter(|f| !is_all_null(f));
    Ok(match &field.kind {
        FieldKind::Scalar(ty) => {
            if let Some(arrow) = arrow {
                check_type(ty, arrow, name)?;
            }
            LeafKind::Scalar(ty.clone())
        }
        FieldKind::Set(ty) => {
            if let Some(arrow) = arrow {
                // A list of nulls only (`list<null>`: pyarrow's, pandas' and polars' type
                // for a column whose every list is empty) fits any set; a null item is
                // that row's error.
                let fits = list_item(arrow).is_some_and(|item| is_all_null(item) || check_type(ty, item, name).is_ok());
                if !fits {
                    return Err(wrong_type(arrow, name, &format!("a list of {}", ty.describe())));
                }
            }
            LeafKind::Set(ty.clone())
        }
        FieldKind::List(list) => {
            let plan = match arrow {
                Some(arrow) => match list_item(arrow).map(Field::data_type) {
                    Some(DataType::Struct(children)) => {
                        bind_record(&list.element, children, "", None).map_err(|e| within(e, name))?
                    }
                    // `list<null>`: every list empty, or its elements null (each one that row's error).
                    Some(DataType::Null) => absent_record(&list.element, ""),
                    _ => return Err(wrong_type(arrow, name, "a list of structs")),
                },
                None => RecordPlan { leaves: Vec::new() },
            };
            LeafKind::Records(Box::new(list.clone()), plan)
        }
        // `collect` flattens nested records before binding leaves; a record is no leaf.
        FieldKind::Record(_) => {
            return Err(ReadError::ParquetColumnType {
                column: name.to_string(),
                found: arrow.map_or_else(|| "absent".to_string(), |f| f.data_type().to_string()),
                expected: "a struct".into(),
            })
        }
    })
}

/// A record's leaves bound to no column: each reads as null (a required one is
/// that element's error).
fn absent_record(layout: &RecordLayout, prefix: &str) -> RecordPlan {
    let mut leaves = Vec::new();
    for field in &layout.fields {
        let name = if prefix.is_empty() { field.name.clone() } else { format!("{prefix}.{}", field.name) };
        match (&field.kind, field.slot) {
            (FieldKind::Record(inner), _) => leaves.extend(absent_record(inner, &name).leaves),
            (_, Some(slot)) => {
                // With no column, no type to refuse: every leaf kind binds.
                if let Ok(kind) = leaf_kind(field, None, &name) {
                    let optional = field.optional;
                    leaves.push(LeafPlan { name, slot, optional, column: Vec::new(), kind, under_null_record: false });
                }
            }
            (_, None) => {}
        }
    }
    RecordPlan { leaves }
}

/// Names the list field an element's column error is inside of.
fn within(error: ReadError, list: &str) -> ReadError {
    match error {
        ReadError::Header(problems) => ReadError::Header(problems.into_iter().map(|p| within(p, list)).collect()),
        ReadError::ParquetDuplicateColumn { field, routes } => {
            ReadError::ParquetDuplicateColumn { field: format!("{list}[].{field}"), routes }
        }
        ReadError::ParquetMissingColumn { field, suggestion } => {
            ReadError::ParquetMissingColumn { field: format!("{list}[].{field}"), suggestion }
        }
        ReadError::ParquetColumnType { column, found, expected } => {
            ReadError::ParquetColumnType { column: format!("{list}[].{column}"), found, expected }
        }
        ReadError::ParquetFloatMoney { column, found } => {
            ReadError::ParquetFloatMoney { column: format!("{list}[].{column}"), found }
        }
        other => other,
    }
}

/// The item field of a list column.
fn list_item(field: &Field) -> Option<&Field> {
    match field.data_type() {
        DataType::List(item) | DataType::LargeList(item) => Some(item),
        _ => None,
    }
}

/// True for a column typed `Null` (Arrow's type for a column that holds
/// nothing but nulls, as pyarrow and pandas infer it when no row has a value).
pub(crate) fn is_all_null(field: &Field) -> bool {
    field.data_type() == &DataType::Null
}

/// True for the string column types.
pub(crate) fn is_text(ty: &DataType) -> bool {
    matches!(ty, DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View)
}

/// True for the integer column types.
pub(crate) fn is_integer(ty: &DataType) -> bool {
    ty.is_integer()
}

/// Checks that a column of `field`'s type can hold values of `ty`.
fn check_type(ty: &ScalarType, field: &Field, name: &str) -> Result<(), ReadError> {
    // A dictionary-encoded column (pandas' `category`) holds its values' type.
    let data = match field.data_type() {
        DataType::Dictionary(_, values) => values.as_ref(),
        data => data,
    };
    let fits = match ty {
        ScalarType::Bool => matches!(data, DataType::Boolean),
        // pandas keeps an integer column with nulls as floats: whole values are taken, row by row.
        ScalarType::Int => is_integer(data) || matches!(data, DataType::Float32 | DataType::Float64),
        ScalarType::Decimal | ScalarType::Money => {
            if data.is_floating() {
                return Err(ReadError::ParquetFloatMoney { column: name.to_string(), found: data.to_string() });
            }
            matches!(
                data,
                DataType::Decimal32(..) | DataType::Decimal64(..) | DataType::Decimal128(..) | DataType::Decimal256(..)
            ) || is_integer(data)
                || is_text(data)
        }
        ScalarType::String | ScalarType::Enum(_) => is_text(data),
        ScalarType::Date => {
            matches!(data, DataType::Date32 | DataType::Date64 | DataType::Timestamp(..)) || is_text(data)
        }
    };
    if fits {
        Ok(())
    } else {
        Err(wrong_type(field, name, &expected_columns(ty)))
    }
}

/// The column types a field of `ty` may come from, for messages.
fn expected_columns(ty: &ScalarType) -> String {
    match ty {
        ScalarType::Bool => "a BOOLEAN column".into(),
        ScalarType::Int => "an integer column".into(),
        ScalarType::Decimal | ScalarType::Money => "a DECIMAL, integer or string column".into(),
        ScalarType::String => "a string column".into(),
        ScalarType::Enum(_) => "a string column holding the enum's members".into(),
        ScalarType::Date => "a DATE, TIMESTAMP (of midnights) or string (YYYY-MM-DD) column".into(),
    }
}

fn wrong_type(field: &Field, name: &str, expected: &str) -> ReadError {
    ReadError::ParquetColumnType {
        column: name.to_string(),
        found: field.data_type().to_string(),
        expected: expected.to_string(),
    }
}

/// The column for a field path: a column named by the whole path, or by a
/// first part of it that is a struct holding the rest.
pub(crate) fn find<'f>(columns: &'f Fields, path: &[&str]) -> Option<(Vec<usize>, &'f Field)> {
    givers(columns, path).into_iter().next().map(|giver| (giver.column, giver.field))
}

/// A column that gives a field path: its child indices from the top, and
/// the column.
struct Giver<'f> {
    column: Vec<usize>,
    field: &'f Field,
    /// A column of nulls standing for a struct above the field (pandas gives
    /// one for a struct column of an empty frame: no value to tell its
    /// type); it holds every path below it as nulls.
    as_nulls: bool,
}

/// Every column that gives the field at `path`, the one [`find`] reads
/// first: a column named by the whole path before a struct named by a
/// shorter first part of it. Two that are not columns of nulls means either
/// could be the one meant (two columns of one name, or `identity.verified`
/// beside a struct `identity` holding `verified`).
fn givers<'f>(columns: &'f Fields, path: &[&str]) -> Vec<Giver<'f>> {
    let mut out = Vec::new();
    for split in (1..=path.len()).rev() {
        let (Some(head), Some(rest)) = (path.get(..split), path.get(split..)) else { continue };
        let head = head.join(".");
        for (index, field) in columns.iter().enumerate().filter(|(_, column)| column.name() == &head) {
            let found = match field.data_type() {
                _ if rest.is_empty() => vec![Giver { column: Vec::new(), field, as_nulls: false }],
                _ if is_all_null(field) => vec![Giver { column: Vec::new(), field, as_nulls: true }],
                DataType::Struct(children) => givers(children, rest),
                _ => Vec::new(),
            };
            out.extend(found.into_iter().map(|mut giver| {
                giver.column.insert(0, index);
                giver
            }));
        }
    }
    out
}

/// A column named by a first part of `path` (a record above the field)
/// whose type is no struct, so it cannot give the field: its name and column.
fn not_a_struct<'f>(columns: &'f Fields, path: &[&str]) -> Option<(String, &'f Field)> {
    for split in 1..path.len() {
        let (Some(head), Some(rest)) = (path.get(..split), path.get(split..)) else { continue };
        let head = head.join(".");
        for field in columns.iter().filter(|column| column.name() == &head) {
            match field.data_type() {
                _ if is_all_null(field) => {}
                DataType::Struct(children) => {
                    if let Some((inner, column)) = not_a_struct(children, rest) {
                        return Some((format!("{head}.{inner}"), column));
                    }
                }
                _ => return Some((head, field)),
            }
        }
    }
    None
}

/// A column name that looks like a misspelling of `name`.
fn suggest(columns: &Fields, name: &str) -> Option<String> {
    crate::diagnostic::did_you_mean(name, columns.iter().map(|f| f.name().as_str()))
}
