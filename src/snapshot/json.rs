//! JSON snapshots, deserialized straight into slots by schema-driven seeds
//! (no `serde_json::Value` in between). Every snapshot is first read by the
//! one-pass reader in [`super::json_direct`], which means the same; this one
//! reads what that one leaves to it, chiefly broken syntax, so that the
//! message is `serde_json`'s.
//!
//! A value of the wrong type is recorded as a problem and skipped with
//! [`IgnoredAny`], so the parser stays in step and a JSON array still yields one
//! item per element. Only broken syntax makes `serde_json` return an error.
//!
//! With `arbitrary_precision`, a number that does not fit `i64`/`u64` (any
//! decimal, exponent or huge integer) reaches a visitor as a one-entry map whose
//! key is [`NUMBER_TOKEN`] and whose value is the number's exact text.

use super::convert::{
    finish_list, finish_set, finish_snapshot, key_as_written, named_as_written, scalar, set_item, Errors, Frame, Leaf,
    Lexeme, PathSeg, SeenKeys, DATE,
};
use super::{ReadItem, SnapshotError};
use crate::schema::{FieldKind, ListLayout, RecordLayout, ScalarType, Schema};
use crate::value::{Date, Record, SetItem, Value};
use serde::de::{DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use std::fmt;

/// The map key `serde_json` uses to hand over a number's exact text.
pub(super) const NUMBER_TOKEN: &str = "$serde_json::private::Number";

/// Where a piece of JSON text starts in its file (1-based), for syntax error positions.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Origin {
    /// Line of the text's first byte.
    pub(crate) line: usize,
    /// Column of the text's first byte, in bytes (what the readers' own
    /// arithmetic counts).
    pub(crate) column: usize,
    /// The same column in characters, as messages say it (an editor's
    /// column: `日` is one).
    pub(crate) shown: usize,
}

impl Origin {
    /// The start of a file.
    pub(crate) const START: Origin = Origin::line_start(1);

    /// The first column of line `line`.
    pub(crate) const fn line_start(line: usize) -> Origin {
        Origin { line, column: 1, shown: 1 }
    }
}

/// Reads one snapshot from a JSON object (one line of JSON Lines, say).
///
/// # Errors
///
/// An error record (with the id when it could be read) when the text is not
/// valid JSON, not an object, or does not match the schema.
pub fn parse_json_snapshot(text: &str, schema: &Schema) -> ReadItem {
    parse_at(text, schema, Origin::START)
}

/// Reads one snapshot from JSON text that starts at `origin` in its file: in
/// one pass by [`super::json_direct`], or by `serde_json` when that bails
/// (broken syntax, whose message is `serde_json`'s, or a rare oddity).
pub(crate) fn parse_at(text: &str, schema: &Schema, origin: Origin) -> ReadItem {
    let item = match super::json_direct::read(text, schema) {
        Some(item) => item,
        None => parse_with_serde(text, schema, origin),
    };
    named_as_written(item, || written_key(text, &schema.key).as_deref().and_then(key_as_written))
}

/// The key's value as the text wrote it, when the text is JSON and the value a
/// scalar (read only for an error record without an id).
fn written_key(text: &str, key: &str) -> Option<String> {
    let snapshot: serde_json::Value = serde_json::from_str(text).ok()?;
    match key.split('.').try_fold(&snapshot, |record, name| record.get(name))? {
        // With `arbitrary_precision` a number's text is the text of the input.
        serde_json::Value::Number(n) => Some(n.to_string()),
        serde_json::Value::Bool(b) => Some(b.to_string()),
        serde_json::Value::String(s) => Some(s.clone()),
        _ => None,
    }
}

/// Reads one snapshot with `serde_json`, deserializing straight into slots.
pub(crate) fn parse_with_serde(text: &str, schema: &Schema, origin: Origin) -> ReadItem {
    let mut de = serde_json::Deserializer::from_str(text);
    let mut frame = Frame::new(&schema.root);
    let mut errors = Errors::default();
    let mut as_of = None;
    let seed = RecordSeed {
        layout: &schema.root,
        frame: &mut frame,
        path: &PathSeg::Root,
        errors: &mut errors,
        role: Role::Snapshot(&mut as_of),
    };
    if let Err(e) = seed.deserialize(&mut de).and_then(|()| de.end()) {
        // The id as far as it could be read: the key, when it was read whole before the break.
        let record = frame.finish(&schema.root, &PathSeg::Root, &mut Errors::default());
        let id = super::convert::key_of(record.slots.get(schema.key_slot));
        return Err(SnapshotError { id, message: syntax_message(&e, origin, text) });
    }
    finish_snapshot(schema, frame, as_of, errors)
}

/// How a syntax error's message begins ([`super::SnapshotError::is_invalid_json`]).
pub(crate) const INVALID_JSON: &str = "invalid JSON";

/// `invalid JSON at line L, column C: …`, with the position counted in the
/// whole file, the column in characters (`serde_json` counts bytes).
pub(crate) fn syntax_message(e: &serde_json::Error, origin: Origin, json: &str) -> String {
    let said = e.to_string();
    let what = said.rfind(" at line ").map_or(said.as_str(), |cut| &said[..cut]);
    if e.line() == 0 {
        return format!("{INVALID_JSON}: {what}");
    }
    let line = origin.line + e.line() - 1;
    let in_line = json.split('\n').nth(e.line() - 1).unwrap_or_default();
    let before = in_line.as_bytes().get(..e.column().saturating_sub(1)).unwrap_or(in_line.as_bytes());
    // A byte inside a character counts as that character.
    let chars = before.iter().filter(|&&b| (b as i8) >= -0x40).count();
    let column = if e.line() == 1 { origin.shown + chars } else { chars + 1 };
    format!("{INVALID_JSON} at line {line}, column {}: {what}", column.max(1))
}

/// Which record a reader reads; decides what `null` and `as_of` mean.
pub(super) enum Role<'a> {
    /// The snapshot itself: `as_of` is read here; `null` is an error.
    Snapshot(&'a mut Option<Date>),
    /// A nested record: `null` leaves its fields missing.
    Nested,
    /// An element of a list: `null` is an error.
    Element,
}

/// Reads a JSON object into the slots of `frame` for `layout`.
struct RecordSeed<'a> {
    layout: &'a RecordLayout,
    frame: &'a mut Frame,
    path: &'a PathSeg<'a>,
    errors: &'a mut Errors,
    role: Role<'a>,
}

impl RecordSeed<'_> {
    /// Reports a value that is not an object and marks the record's fields as given.
    fn wrong_type(self, found: &str) {
        let what = match self.role {
            Role::Snapshot(_) => "a JSON object (one snapshot)",
            Role::Nested | Role::Element => "an object",
        };
        self.errors.push(self.path, format!("expected {what}, found {found}"));
        self.frame.mark_all(self.layout);
    }

    /// The name of `key` when the object gave it before (noting it in `seen` otherwise).
    fn repeated(&self, key: &FieldKey, seen: &mut SeenKeys) -> Option<Box<str>> {
        let first = match key {
            FieldKey::Field(index) => seen.field(*index),
            FieldKey::AsOf => seen.as_of(),
            FieldKey::Repeated(_) => false,
            FieldKey::Number | FieldKey::Unknown => true,
        };
        match key {
            _ if first => None,
            FieldKey::Field(index) => self.layout.fields.get(*index).map(|f| f.name.as_str().into()),
            FieldKey::AsOf => Some("as_of".into()),
            FieldKey::Repeated(name) => Some(name.clone()),
            FieldKey::Number | FieldKey::Unknown => None,
        }
    }

    fn field<'de, A: MapAccess<'de>>(&mut self, index: usize, map: &mut A) -> Result<(), A::Error> {
        let Some(field) = self.layout.fields.get(index) else {
            return map.next_value::<IgnoredAny>().map(drop);
        };
        let path = self.path.field(&field.name);
        if let FieldKind::Record(inner) = &field.kind {
            let errors = &mut *self.errors;
            let frame = &mut *self.frame;
            return map.next_value_seed(RecordSeed { layout: inner, frame, path: &path, errors, role: Role::Nested });
        }
        let Some((leaf, slot)) = Leaf::of(field) else {
            return map.next_value::<IgnoredAny>().map(drop);
        };
        let value =
            map.next_value_seed(LeafSeed { leaf, optional: field.optional, path: &path, errors: self.errors })?;
        self.frame.store(slot, value, &path, self.errors);
        Ok(())
    }
}

impl<'de> DeserializeSeed<'de> for RecordSeed<'_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for RecordSeed<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an object")
    }

    fn visit_map<A: MapAccess<'de>>(mut self, mut map: A) -> Result<(), A::Error> {
        let top = matches!(self.role, Role::Snapshot(_));
        let mut first = true;
        let mut hint = 0;
        let mut seen = SeenKeys::default();
        while let Some(key) = map.next_key_seed(KeySeed { layout: self.layout, top, hint, seen: Some(&mut seen) })? {
            if let FieldKey::Field(index) = key {
                hint = index + 1;
            }
            if let Some(name) = self.repeated(&key, &mut seen) {
                self.errors.push(&self.path.field(&name), SeenKeys::DUPLICATE);
                map.next_value::<IgnoredAny>()?;
                first = false;
                continue;
            }
            match key {
                FieldKey::Number if first => {
                    let text: String = map.next_value()?;
                    self.wrong_type(&text);
                    return Ok(());
                }
                FieldKey::Field(index) => self.field(index, &mut map)?,
                FieldKey::AsOf => {
                    let path = PathSeg::Root.field("as_of");
                    let seed = LeafSeed { leaf: Leaf::Scalar(&DATE), optional: true, path: &path, errors: self.errors };
                    match map.next_value_seed(seed)? {
                        Ok(Value::Date(d)) => {
                            if let Role::Snapshot(as_of) = &mut self.role {
                                **as_of = Some(d);
                            }
                        }
                        Ok(_) => {}
                        Err(message) => self.errors.push(&path, message),
                    }
                }
                FieldKey::Number | FieldKey::Unknown | FieldKey::Repeated(_) => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
            first = false;
        }
        Ok(())
    }

    fn visit_unit<E>(self) -> Result<(), E> {
        if !matches!(self.role, Role::Nested) {
            self.wrong_type("null");
        }
        Ok(())
    }
    fn visit_none<E: serde::de::Error>(self) -> Result<(), E> {
        self.visit_unit()
    }
    fn visit_bool<E>(self, v: bool) -> Result<(), E> {
        self.wrong_type(if v { "true" } else { "false" });
        Ok(())
    }
    fn visit_i64<E>(self, v: i64) -> Result<(), E> {
        self.wrong_type(&v.to_string());
        Ok(())
    }
    fn visit_u64<E>(self, v: u64) -> Result<(), E> {
        self.wrong_type(&v.to_string());
        Ok(())
    }
    fn visit_f64<E>(self, v: f64) -> Result<(), E> {
        self.wrong_type(&v.to_string());
        Ok(())
    }
    fn visit_str<E>(self, v: &str) -> Result<(), E> {
        self.wrong_type(&Lexeme::Quoted(v).found());
        Ok(())
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        self.wrong_type("a list");
        Ok(())
    }
}

/// What an object key names.
enum FieldKey {
    /// The layout's field at this index.
    Field(usize),
    /// The snapshot's `as_of`.
    AsOf,
    /// `serde_json`'s private number key: the "object" is really a number.
    Number,
    /// A key the schema does not name (ignored).
    Unknown,
    /// A key the schema does not name, given a second time in the object.
    Repeated(Box<str>),
}

/// Resolves an object key against a layout without allocating.
struct KeySeed<'a> {
    layout: &'a RecordLayout,
    top: bool,
    /// The field tried first: the one after the previous key's, since
    /// snapshots are usually written in schema order.
    hint: usize,
    /// The object's keys so far, to tell a repeated unknown key (which is
    /// only seen here, as the key is not kept).
    seen: Option<&'a mut SeenKeys>,
}

impl<'de> DeserializeSeed<'de> for KeySeed<'_> {
    type Value = FieldKey;
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<FieldKey, D::Error> {
        deserializer.deserialize_str(self)
    }
}

impl<'de> Visitor<'de> for KeySeed<'_> {
    type Value = FieldKey;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a field name")
    }
    fn visit_str<E>(self, key: &str) -> Result<FieldKey, E> {
        if self.layout.fields.get(self.hint).is_some_and(|f| f.name == key) {
            return Ok(FieldKey::Field(self.hint));
        }
        if let Some(index) = self.layout.position(key) {
            return Ok(FieldKey::Field(index));
        }
        Ok(match key {
            "as_of" if self.top => FieldKey::AsOf,
            NUMBER_TOKEN => FieldKey::Number,
            _ => match self.seen {
                Some(seen) => {
                    if seen.unknown(key) {
                        FieldKey::Unknown
                    } else {
                        FieldKey::Repeated(key.into())
                    }
                }
                None => FieldKey::Unknown,
            },
        })
    }
}

/// Reads one leaf (scalar, set or list) to its value or a problem message.
///
/// Problems inside a set or list element are pushed to `errors` with the
/// element's path; the leaf's own problem is returned for the caller to record.
struct LeafSeed<'a> {
    leaf: Leaf<'a>,
    optional: bool,
    path: &'a PathSeg<'a>,
    errors: &'a mut Errors,
}

type LeafResult = Result<Value, String>;

impl LeafSeed<'_> {
    fn number(&self, text: &str) -> LeafResult {
        match self.leaf {
            Leaf::Scalar(ty) => scalar(ty, Lexeme::Number(text)),
            _ => Err(self.leaf.mismatch(text)),
        }
    }

    fn set<'de, A: SeqAccess<'de>>(self, ty: &ScalarType, mut seq: A) -> Result<LeafResult, A::Error> {
        let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(64));
        let mut index = 0;
        while let Some(item) = seq.next_element_seed(SetItemSeed { ty })? {
            match item {
                Ok(item) => items.push(item),
                Err(message) => self.errors.push(&self.path.index(index), message),
            }
            index += 1;
        }
        Ok(Ok(finish_set(items)))
    }

    fn list<'de, A: SeqAccess<'de>>(self, list: &ListLayout, mut seq: A) -> Result<LeafResult, A::Error> {
        let mut records = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(64));
        loop {
            let path = self.path.index(records.len());
            let seed = ElementSeed { layout: &list.element, path: &path, errors: &mut *self.errors };
            match seq.next_element_seed(seed)? {
                Some(record) => records.push(record),
                None => break,
            }
        }
        Ok(Ok(finish_list(records, list)))
    }
}

impl<'de> DeserializeSeed<'de> for LeafSeed<'_> {
    type Value = LeafResult;
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<LeafResult, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for LeafSeed<'_> {
    type Value = LeafResult;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.leaf.expected())
    }

    fn visit_bool<E>(self, v: bool) -> Result<LeafResult, E> {
        Ok(match self.leaf {
            Leaf::Scalar(ScalarType::Bool) => Ok(Value::Bool(v)),
            _ => Err(self.leaf.mismatch(if v { "true" } else { "false" })),
        })
    }
    fn visit_i64<E>(self, v: i64) -> Result<LeafResult, E> {
        Ok(match self.leaf {
            Leaf::Scalar(ScalarType::Int) => Ok(Value::Int(v)),
            Leaf::Scalar(ScalarType::Decimal | ScalarType::Money) => Ok(Value::Dec(v.into())),
            _ => self.number(&v.to_string()),
        })
    }
    fn visit_u64<E>(self, v: u64) -> Result<LeafResult, E> {
        Ok(match (self.leaf, i64::try_from(v)) {
            (Leaf::Scalar(ScalarType::Int), Ok(v)) => Ok(Value::Int(v)),
            (Leaf::Scalar(ScalarType::Decimal | ScalarType::Money), _) => Ok(Value::Dec(v.into())),
            _ => self.number(&v.to_string()),
        })
    }
    fn visit_f64<E>(self, v: f64) -> Result<LeafResult, E> {
        // Unreachable with `arbitrary_precision`; refuse rather than round.
        Ok(Err(self.leaf.mismatch(&format!("the binary float {v}"))))
    }
    fn visit_str<E>(self, v: &str) -> Result<LeafResult, E> {
        Ok(match self.leaf {
            Leaf::Scalar(ty) => scalar(ty, Lexeme::Quoted(v)),
            _ => Err(self.leaf.mismatch(&Lexeme::Quoted(v).found())),
        })
    }
    fn visit_unit<E>(self) -> Result<LeafResult, E> {
        Ok(self.leaf.null(self.optional))
    }
    fn visit_none<E: serde::de::Error>(self) -> Result<LeafResult, E> {
        self.visit_unit()
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<LeafResult, A::Error> {
        match self.leaf {
            Leaf::Set(ty) => self.set(ty, seq),
            Leaf::List(list) => self.list(list, seq),
            Leaf::Scalar(_) => {
                while seq.next_element::<IgnoredAny>()?.is_some() {}
                Ok(Err(self.leaf.mismatch("a list")))
            }
        }
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<LeafResult, A::Error> {
        if number_text(&mut map)? {
            let text: String = map.next_value()?;
            return Ok(self.number(&text));
        }
        Ok(Err(self.leaf.mismatch("an object")))
    }
}

/// Reads a map's first key: true when the map is really a number (its value
/// is then the next to read); otherwise consumes the whole map.
fn number_text<'de, A: MapAccess<'de>>(map: &mut A) -> Result<bool, A::Error> {
    let empty = RecordLayout::default();
    match map.next_key_seed(KeySeed { layout: &empty, top: false, hint: 0, seen: None })? {
        Some(FieldKey::Number) => Ok(true),
        Some(_) => {
            map.next_value::<IgnoredAny>()?;
            while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
            Ok(false)
        }
        None => Ok(false),
    }
}

/// Reads one element of a list field into a frame of its own.
struct ElementSeed<'a> {
    layout: &'a RecordLayout,
    path: &'a PathSeg<'a>,
    errors: &'a mut Errors,
}

impl<'de> DeserializeSeed<'de> for ElementSeed<'_> {
    type Value = Record;
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Record, D::Error> {
        let mut frame = Frame::new(self.layout);
        let seed = RecordSeed {
            layout: self.layout,
            frame: &mut frame,
            path: self.path,
            errors: self.errors,
            role: Role::Element,
        };
        deserializer.deserialize_any(seed)?;
        Ok(frame.finish(self.layout, self.path, self.errors))
    }
}

/// Reads one element of a set.
struct SetItemSeed<'a> {
    ty: &'a ScalarType,
}

impl SetItemSeed<'_> {
    fn mismatch(&self, found: &str) -> String {
        Leaf::Scalar(self.ty).mismatch(found)
    }
}

impl<'de> DeserializeSeed<'de> for SetItemSeed<'_> {
    type Value = Result<SetItem, String>;
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for SetItemSeed<'_> {
    type Value = Result<SetItem, String>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.ty.describe())
    }
    fn visit_bool<E>(self, v: bool) -> Result<Self::Value, E> {
        Ok(Err(self.mismatch(if v { "true" } else { "false" })))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Self::Value, E> {
        Ok(set_item(self.ty, Lexeme::Number(&v.to_string())))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Self::Value, E> {
        Ok(set_item(self.ty, Lexeme::Number(&v.to_string())))
    }
    fn visit_f64<E>(self, v: f64) -> Result<Self::Value, E> {
        Ok(Err(self.mismatch(&format!("the binary float {v}"))))
    }
    fn visit_str<E>(self, v: &str) -> Result<Self::Value, E> {
        Ok(set_item(self.ty, Lexeme::Quoted(v)))
    }
    fn visit_unit<E>(self) -> Result<Self::Value, E> {
        Ok(Err(self.mismatch("null")))
    }
    fn visit_none<E: serde::de::Error>(self) -> Result<Self::Value, E> {
        self.visit_unit()
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(Err(self.mismatch("a list")))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        if number_text(&mut map)? {
            let text: String = map.next_value()?;
            return Ok(set_item(self.ty, Lexeme::Number(&text)));
        }
        Ok(Err(self.mismatch("an object")))
    }
}
