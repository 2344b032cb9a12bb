//! YAML snapshots, from the spanned tree of [`crate::yaml`], which keeps every
//! scalar's exact text: a plain `12000.10` is an exact decimal and a plain
//! `true` a boolean, while a quoted `"true"` is only ever a string.

use super::convert::{
    finish_list, finish_set, finish_snapshot, key_as_written, named_as_written, scalar, set_item, Errors, Frame, Leaf,
    Lexeme, PathSeg, SeenKeys, DATE,
};
use super::reader::placed;
use super::yaml_items::{document_around, id_before, invalid_yaml, not_utf8, read_items_apart};
use super::{ReadItem, SnapshotError};
use crate::diagnostic::line_col;
use crate::schema::{FieldKind, RecordLayout, Schema};
use crate::value::{Date, Value};
use crate::yaml::{parse_each_document, YKind, YNode, YamlError};

/// Reads every snapshot of a YAML stream: each document is one snapshot or a
/// list of them; empty documents are skipped (a `null` document is an error). A document that cannot be read
/// (broken syntax, an alias) is one error item, and the others are read; a
/// list at the left margin broken in one item is read item by item
/// ([`read_items_apart`]). `bad` lists the offsets of bytes that were not
/// UTF-8 (now NULs): the snapshot holding one is its error record.
pub(crate) fn read_yaml(text: &str, bad: &[usize], schema: &Schema) -> Vec<ReadItem> {
    // A lone `\r` ends a line for YAML as `\n` does (and a scalar's line
    // breaks read as `\n` either way); written so, one byte for one, the
    // recovery of a broken item finds the lines the parser counted.
    let text = &*crate::syntax::lone_carriage_returns_as_newlines(text);
    let mut items = Vec::new();
    for doc in parse_each_document(text) {
        let doc = match doc {
            Ok(doc) => doc,
            Err(e) => {
                match read_items_apart((text, bad), &e, schema) {
                    Some(apart) => items.extend(apart),
                    None => items.push(Err(unreadable_document((text, bad), &e, schema))),
                }
                continue;
            }
        };
        let read = |node: &YNode, what: &str| {
            let (start, end) = (node.span.start as usize, node.span.end as usize);
            let unit = (start, text.get(start..end).unwrap_or_default());
            not_utf8(text, unit, what, bad, schema)
                .map_or_else(|| snapshot_from_yaml(node, schema).map_err(|e| placed(e, line_col(text, start).0)), Err)
        };
        match &doc.kind {
            YKind::Seq(snapshots) => items.extend(snapshots.iter().map(|s| read(s, "list item"))),
            // An empty document (`---` then nothing) is no snapshot; a `~` or
            // `null` written as one is a snapshot that is not a record.
            YKind::Scalar { text, plain: true } if text.is_empty() => {}
            _ => items.push(read(&doc, "document")),
        }
    }
    items
}

/// The error record of a document that cannot be read, with the id its
/// lines before the error give.
fn unreadable_document((text, bad): (&str, &[usize]), error: &YamlError, schema: &Schema) -> SnapshotError {
    let at = error.span.start as usize;
    let (start, end) = document_around(text, at);
    let document = text.get(start..end).unwrap_or_default();
    if let Some(error) = not_utf8(text, (start, document), "document", bad, schema) {
        return error;
    }
    let id = id_before(document, at.saturating_sub(start), schema);
    SnapshotError { id, ..invalid_yaml(text, at, &error.message) }
}

/// Reads one snapshot from a YAML mapping (as in a decision test's `snapshot:`).
///
/// # Errors
///
/// An error record (with the id when it could be read) when the node is not a
/// mapping or does not match the schema.
pub fn snapshot_from_yaml(node: &YNode, schema: &Schema) -> ReadItem {
    let mut frame = Frame::new(&schema.root);
    let mut errors = Errors::default();
    let mut as_of = None;
    let mut reader = RecordReader { frame: &mut frame, errors: &mut errors };
    reader.record(node, &schema.root, &PathSeg::Root, Role::Snapshot(&mut as_of));
    let written = || {
        let key = schema.key.split('.').try_fold(node, |record, name| record.get(name))?;
        key.as_scalar().and_then(key_as_written)
    };
    named_as_written(finish_snapshot(schema, frame, as_of, errors), written)
}

/// Which record is being read; decides what `null` and `as_of` mean.
enum Role<'a> {
    /// The snapshot itself: `as_of` is read here; `null` is an error.
    Snapshot(&'a mut Option<Date>),
    /// A nested record: `null` leaves its fields missing.
    Nested,
    /// An element of a list: `null` is an error.
    Element,
}

/// Reads YAML nodes into one frame.
struct RecordReader<'a> {
    frame: &'a mut Frame,
    errors: &'a mut Errors,
}

impl RecordReader<'_> {
    fn record(&mut self, node: &YNode, layout: &RecordLayout, path: &PathSeg<'_>, mut role: Role<'_>) {
        let YKind::Map(entries) = &node.kind else {
            if matches!(role, Role::Nested) && node.is_null() {
                return;
            }
            let what = if matches!(role, Role::Snapshot(_)) { "a mapping (one snapshot)" } else { "a mapping" };
            self.errors.push(path, format!("expected {what}, found {}", found(node)));
            self.frame.mark_all(layout);
            return;
        };
        let mut seen = SeenKeys::default();
        for (key, value) in entries {
            let Some(name) = key.as_scalar() else {
                continue;
            };
            let index = layout.position(name);
            let first = match index {
                Some(index) => seen.field(index),
                None if name == "as_of" && matches!(role, Role::Snapshot(_)) => seen.as_of(),
                None => seen.unknown(name),
            };
            if !first {
                self.errors.push(&path.field(name), SeenKeys::DUPLICATE);
            } else if let Some(field) = index.and_then(|i| layout.fields.get(i)) {
                let here = path.field(&field.name);
                match (&field.kind, Leaf::of(field)) {
                    (FieldKind::Record(inner), _) => self.record(value, inner, &here, Role::Nested),
                    (_, Some((leaf, slot))) => {
                        let result = leaf_value(value, leaf, field.optional, &here, self.errors);
                        self.frame.store(slot, result, &here, self.errors);
                    }
                    (_, None) => {}
                }
            } else if let (Role::Snapshot(as_of), "as_of") = (&mut role, name) {
                let here = PathSeg::Root.field("as_of");
                match leaf_value(value, Leaf::Scalar(&DATE), true, &here, self.errors) {
                    Ok(Value::Date(d)) => **as_of = Some(d),
                    Ok(_) => {}
                    Err(message) => self.errors.push(&here, message),
                }
            }
        }
    }
}

/// Reads one leaf; problems inside set or list elements go to `errors` directly.
fn leaf_value(
    node: &YNode,
    leaf: Leaf<'_>,
    optional: bool,
    path: &PathSeg<'_>,
    errors: &mut Errors,
) -> Result<Value, String> {
    if node.is_null() {
        return leaf.null(optional);
    }
    match (leaf, &node.kind) {
        (Leaf::Scalar(ty), YKind::Scalar { text, plain }) => scalar(ty, lexeme(text, *plain)),
        (Leaf::Set(ty), YKind::Seq(items)) => {
            let mut set = Vec::with_capacity(items.len());
            for (index, item) in items.iter().enumerate() {
                let result = match &item.kind {
                    YKind::Scalar { text, plain } if !item.is_null() => set_item(ty, lexeme(text, *plain)),
                    _ => Err(Leaf::Scalar(ty).mismatch(&found(item))),
                };
                match result {
                    Ok(item) => set.push(item),
                    Err(message) => errors.push(&path.index(index), message),
                }
            }
            Ok(finish_set(set))
        }
        (Leaf::List(list), YKind::Seq(items)) => {
            let mut records = Vec::with_capacity(items.len());
            for (index, item) in items.iter().enumerate() {
                let here = path.index(index);
                let mut frame = Frame::new(&list.element);
                RecordReader { frame: &mut frame, errors: &mut *errors }.record(
                    item,
                    &list.element,
                    &here,
                    Role::Element,
                );
                records.push(frame.finish(&list.element, &here, errors));
            }
            Ok(finish_list(records, list))
        }
        _ => Err(leaf.mismatch(&found(node))),
    }
}

/// A scalar as YAML's core schema reads it: a plain `true` is a bool and a
/// plain `5` a number, which a `string` field refuses as JSON's `5` is
/// refused (`"5"` is the text); any other plain scalar is text for the
/// schema to read.
fn lexeme(text: &str, plain: bool) -> Lexeme<'_> {
    match text {
        _ if !plain => Lexeme::Quoted(text),
        "true" | "True" | "TRUE" | "false" | "False" | "FALSE" => Lexeme::Bool(text),
        _ if is_core_number(text) => Lexeme::Number(text),
        _ => Lexeme::Plain(text),
    }
}

/// Whether a plain scalar is an int or a float of YAML 1.2's core schema
/// (`12`, `-3`, `0x1F`, `0o17`, `1.5`, `.5`, `1e3`, `.inf`, `.nan`).
fn is_core_number(text: &str) -> bool {
    let digits = |s: &str, radix: u32| !s.is_empty() && s.chars().all(|c| c.is_digit(radix));
    if let Some(hex) = text.strip_prefix("0x") {
        return digits(hex, 16);
    }
    if let Some(octal) = text.strip_prefix("0o") {
        return digits(octal, 8);
    }
    if matches!(text, ".nan" | ".NaN" | ".NAN") {
        return true;
    }
    let unsigned = text.strip_prefix(['-', '+']).unwrap_or(text);
    if matches!(unsigned, ".inf" | ".Inf" | ".INF") {
        return true;
    }
    let (mantissa, exponent) = match unsigned.split_once(['e', 'E']) {
        Some((m, e)) => (m, Some(e.strip_prefix(['-', '+']).unwrap_or(e))),
        None => (unsigned, None),
    };
    let mantissa_ok = match mantissa.split_once('.') {
        Some((whole, fraction)) => {
            (digits(whole, 10) && fraction.chars().all(|c| c.is_ascii_digit()))
                || (whole.is_empty() && digits(fraction, 10))
        }
        None => digits(mantissa, 10),
    };
    mantissa_ok && exponent.is_none_or(|e| digits(e, 10))
}

/// How a node is shown in a message.
fn found(node: &YNode) -> String {
    match &node.kind {
        _ if node.is_null() => "null".into(),
        YKind::Scalar { text, plain } => lexeme(text, *plain).found(),
        _ => node.kind_name().into(),
    }
}
