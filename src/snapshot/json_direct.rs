//! JSON snapshots read in one pass over their bytes, straight into the
//! schema's slots: each key is matched against the record's layout as it is
//! read, each value converted by its field's type (numbers from their exact
//! text, never an `f64`), and values no field names are skipped unread.
//!
//! This is the reader every JSON snapshot goes through first. It means
//! exactly what the `serde_json` reader in [`super::json`] means — same
//! values, same problems in the same order, same messages — and where it
//! cannot be sure of that (broken syntax, whose message is `serde_json`'s; a
//! lone surrogate escape; the key `serde_json` uses for numbers), it bails and
//! the `serde_json` reader reads the snapshot instead. The fuzz target and
//! `tests/json_readers_agree.rs` hold the two to agreeing.

use super::convert::{
    date, finish_list, finish_set, finish_snapshot, scalar, set_item, Errors, Frame, Leaf, Lexeme, PathSeg, SeenKeys,
    DATE,
};
use super::json::{Role, NUMBER_TOKEN};
use super::json_tokens::{number_text, Bail, Cursor, Literal, Number, Step};
use super::ReadItem;
use crate::schema::{FieldKind, ListLayout, RecordLayout, ScalarType, Schema};
use crate::value::{Record, SetItem, Value};
use std::borrow::Cow;
use std::cell::Cell;

/// Reads one snapshot from `text`; `None` when the text is left to the
/// `serde_json` reader (it is not valid JSON, or holds one of the oddities above).
pub(crate) fn read(text: &str, schema: &Schema) -> Option<ReadItem> {
    let Scratch { elements, items } = SCRATCH.with(Cell::take);
    let mut reader = Reader { cursor: Cursor::new(text), errors: Errors::default(), elements, items };
    let mut frame = Frame::new(&schema.root);
    let mut as_of = None;
    let read = reader.record(&schema.root, &mut frame, &PathSeg::Root, Role::Snapshot(&mut as_of));
    let done = read.is_ok() && reader.cursor.at_end();
    SCRATCH.with(|scratch| scratch.set(Scratch::keep(reader.elements, reader.items)));
    done.then(|| finish_snapshot(schema, frame, as_of, reader.errors))
}

/// Room for list elements and set items, kept from one snapshot to the
/// next on a thread so that reading one does not grow them afresh.
#[derive(Default)]
struct Scratch {
    elements: Vec<Record>,
    items: Vec<SetItem>,
}

impl Scratch {
    /// More than this much room is not kept: one huge snapshot should not hold memory for the rest of the run.
    const MAX_KEPT: usize = 1024;

    /// The room of `elements` and `items`, emptied.
    fn keep(mut elements: Vec<Record>, mut items: Vec<SetItem>) -> Scratch {
        elements.clear();
        items.clear();
        if elements.capacity() > Scratch::MAX_KEPT {
            elements = Vec::new();
        }
        if items.capacity() > Scratch::MAX_KEPT {
            items = Vec::new();
        }
        Scratch { elements, items }
    }
}

thread_local! {
    static SCRATCH: Cell<Scratch> = Cell::new(Scratch::default());
}

/// A leaf's value, or the problem with it (recorded by the caller).
type LeafResult = Result<Value, String>;

/// The walk of one snapshot's text against its schema.
struct Reader<'t> {
    cursor: Cursor<'t>,
    errors: Errors,
    /// The elements of the lists being read, innermost last: each list's are
    /// moved out into one allocation of the right size when it ends.
    elements: Vec<Record>,
    /// The items of the set being read, likewise.
    items: Vec<SetItem>,
}

/// A record being read: its layout, the frame its leaves go to, and its path.
#[derive(Clone, Copy)]
struct Target<'a> {
    layout: &'a RecordLayout,
    path: &'a PathSeg<'a>,
}

/// How many fields from the expected one a key is compared with before it is looked up.
const EXPECTED_AHEAD: usize = 4;

/// What an object's key names.
enum Key<'t> {
    /// The layout's field at this index.
    Field(usize),
    /// The snapshot's `as_of`.
    AsOf,
    /// A key the schema does not name (skipped, but not to be given twice).
    Other(Cow<'t, str>),
}

impl<'t> Reader<'t> {
    /// Reads the value at the cursor as the record `layout`, in the role `role`.
    fn record(&mut self, layout: &RecordLayout, frame: &mut Frame, path: &PathSeg<'_>, role: Role<'_>) -> Step<()> {
        let target = Target { layout, path };
        let found = match self.cursor.peek()? {
            b'{' => return self.object(target, frame, role),
            b'"' => Lexeme::Quoted(&self.cursor.string()?).found(),
            b'[' => {
                self.cursor.skip_value()?;
                "a list".into()
            }
            b't' | b'f' | b'n' => match self.cursor.literal()? {
                Literal::Null if matches!(role, Role::Nested) => return Ok(()),
                Literal::Null => "null".into(),
                Literal::Bool(v) => bool_text(v).into(),
            },
            _ => number_text(self.cursor.number()?).into_owned(),
        };
        let what = match role {
            Role::Snapshot(_) => "a JSON object (one snapshot)",
            Role::Nested | Role::Element => "an object",
        };
        self.errors.push(path, format!("expected {what}, found {found}"));
        frame.mark_all(layout);
        Ok(())
    }

    /// Reads an object's members into `frame`: known fields by their type,
    /// `as_of` on the snapshot, anything else skipped; a key given twice is a problem.
    fn object(&mut self, target: Target<'_>, frame: &mut Frame, mut role: Role<'_>) -> Step<()> {
        self.cursor.enter()?;
        let top = matches!(role, Role::Snapshot(_));
        let mut seen = SeenKeys::default();
        // Where the next key is looked for first: after the previous one's
        // field, since snapshots are usually written in schema order.
        let mut hint = 0;
        let mut first = true;
        while self.cursor.next_key_start(first)? {
            first = false;
            let key = match self.expected_key(target.layout, top, hint)? {
                Some(key) => key,
                None => self.any_key(target.layout, top)?,
            };
            let (fresh, name) = match &key {
                Key::Field(index) => {
                    hint = index + 1;
                    (seen.field(*index), target.layout.fields.get(*index).map_or("", |f| f.name.as_str()))
                }
                Key::AsOf => (seen.as_of(), "as_of"),
                Key::Other(text) => (seen.unknown(text), &**text),
            };
            if !fresh {
                self.errors.push(&target.path.field(name), SeenKeys::DUPLICATE);
                self.cursor.skip_value()?;
                continue;
            }
            match key {
                Key::Field(index) => self.field(target, index, frame)?,
                Key::AsOf => self.as_of(&mut role)?,
                Key::Other(_) => self.cursor.skip_value()?,
            }
        }
        Ok(())
    }

    /// The key at the cursor when it is one of the few fields from `hint`
    /// on (or the snapshot's `as_of`), matched without reading it as a string.
    fn expected_key(&mut self, layout: &RecordLayout, top: bool, hint: usize) -> Step<Option<Key<'static>>> {
        for (index, field) in layout.fields.iter().enumerate().skip(hint).take(EXPECTED_AHEAD) {
            if self.cursor.key_is(&field.name)? {
                return Ok(Some(Key::Field(index)));
            }
        }
        if top && self.cursor.key_is("as_of")? {
            return Ok(Some(Key::AsOf));
        }
        Ok(None)
    }

    /// The key at the cursor, whatever it is.
    fn any_key(&mut self, layout: &RecordLayout, top: bool) -> Step<Key<'t>> {
        let key = self.cursor.key()?;
        // `as_of` first: no field of the snapshot itself is called that.
        if top && key == "as_of" {
            return Ok(Key::AsOf);
        }
        if let Some(index) = layout.position(&key) {
            return Ok(Key::Field(index));
        }
        if key == NUMBER_TOKEN {
            return Err(Bail);
        }
        Ok(Key::Other(key))
    }

    /// Reads the value of the layout's field `index`.
    fn field(&mut self, target: Target<'_>, index: usize, frame: &mut Frame) -> Step<()> {
        let Some(field) = target.layout.fields.get(index) else {
            return self.cursor.skip_value();
        };
        let path = target.path.field(&field.name);
        if let FieldKind::Record(inner) = &field.kind {
            return self.record(inner, frame, &path, Role::Nested);
        }
        let Some((leaf, slot)) = Leaf::of(field) else {
            return self.cursor.skip_value();
        };
        if self.quick_leaf(leaf, slot, frame, &path)? {
            return Ok(());
        }
        let value = self.leaf(leaf, field.optional, &path)?;
        frame.store(slot, value, &path, &mut self.errors);
        Ok(())
    }

    /// Reads the leaf at the cursor into `slot` when it has one of the
    /// commonest shapes: a quoted scalar, a plain integer for an `int`,
    /// `true` or `false` for a `bool`, a list of records. True when it did
    /// (a problem with it recorded as [`Reader::leaf`] would); false, with
    /// nothing read, when the leaf is left to [`Reader::leaf`].
    ///
    /// Each shape stores its value into the frame where it is made: passed
    /// back as a `Result<Value, String>` through `leaf`'s join it was
    /// written and reloaded piecewise, stalling the store-to-load forward
    /// (a third of `record`'s and `leaf`'s samples in `perf`).
    #[inline(always)]
    fn quick_leaf(&mut self, leaf: Leaf<'_>, slot: usize, frame: &mut Frame, path: &PathSeg<'_>) -> Step<bool> {
        match (leaf, self.cursor.peek()?) {
            (Leaf::Scalar(ty), b'"') => {
                let text = self.cursor.string()?;
                if !frame.set_quoted_quick(slot, ty, &text) {
                    frame.store(slot, scalar(ty, Lexeme::Quoted(&text)), path, &mut self.errors);
                }
            }
            (Leaf::Scalar(ScalarType::Int), b'-' | b'0'..=b'9') => {
                let raw = self.cursor.number()?;
                match plain_int(raw) {
                    Some(v) => frame.set(slot, Value::Int(v)),
                    None => frame.store(slot, number_leaf(leaf, raw), path, &mut self.errors),
                }
            }
            (Leaf::Scalar(ScalarType::Bool), b't' | b'f') => match self.cursor.literal()? {
                Literal::Bool(v) => frame.set(slot, Value::Bool(v)),
                // Not met: the text starts with `t` or `f`. Left to `serde_json` if it were.
                Literal::Null => return Err(Bail),
            },
            (Leaf::List(list), b'[') => {
                let value = self.list(list, path)?;
                frame.set(slot, value);
            }
            _ => return Ok(false),
        }
        Ok(true)
    }

    /// Reads the snapshot's `as_of`: a quoted date the quick way, anything else as a leaf.
    fn as_of(&mut self, role: &mut Role<'_>) -> Step<()> {
        let path = PathSeg::Root.field("as_of");
        let read = if self.cursor.peek()? == b'"' {
            let text = self.cursor.string()?;
            match date(&text) {
                Some(date) => Ok(Value::Date(date)),
                None => scalar(&DATE, Lexeme::Quoted(&text)),
            }
        } else {
            self.leaf(Leaf::Scalar(&DATE), true, &path)?
        };
        match read {
            Ok(Value::Date(date)) => {
                if let Role::Snapshot(as_of) = role {
                    **as_of = Some(date);
                }
            }
            Ok(_) => {}
            Err(message) => self.errors.push(&path, message),
        }
        Ok(())
    }

    /// Reads one leaf (scalar, set or list) to its value or its problem.
    /// Problems inside a set or list element are recorded here, at the element's path.
    fn leaf(&mut self, leaf: Leaf<'_>, optional: bool, path: &PathSeg<'_>) -> Step<LeafResult> {
        Ok(match self.cursor.peek()? {
            b'"' => {
                let text = self.cursor.string()?;
                match leaf {
                    Leaf::Scalar(ty) => scalar(ty, Lexeme::Quoted(&text)),
                    _ => Err(leaf.mismatch(&Lexeme::Quoted(&text).found())),
                }
            }
            b'[' => match leaf {
                Leaf::Set(ty) => self.set(ty, path)?,
                Leaf::List(list) => Ok(self.list(list, path)?),
                Leaf::Scalar(_) => {
                    self.cursor.skip_value()?;
                    Err(leaf.mismatch("a list"))
                }
            },
            b'{' => {
                self.skip_object()?;
                Err(leaf.mismatch("an object"))
            }
            b't' | b'f' | b'n' => match (self.cursor.literal()?, leaf) {
                (Literal::Null, _) => leaf.null(optional),
                (Literal::Bool(v), Leaf::Scalar(ScalarType::Bool)) => Ok(Value::Bool(v)),
                (Literal::Bool(v), _) => Err(leaf.mismatch(bool_text(v))),
            },
            _ => number_leaf(leaf, self.cursor.number()?),
        })
    }

    /// Reads a `set<ty>`: its items sorted and deduplicated.
    fn set(&mut self, ty: &ScalarType, path: &PathSeg<'_>) -> Step<LeafResult> {
        self.cursor.enter()?;
        self.items.clear();
        let mut index = 0;
        while self.cursor.next_element(index == 0)? {
            match self.set_item(ty)? {
                Ok(item) => self.items.push(item),
                Err(message) => self.errors.push(&path.index(index), message),
            }
            index += 1;
        }
        Ok(Ok(finish_set(self.items.drain(..).collect())))
    }

    /// Reads one item of a `set<ty>`.
    fn set_item(&mut self, ty: &ScalarType) -> Step<Result<SetItem, String>> {
        let mismatch = |found: &str| Leaf::Scalar(ty).mismatch(found);
        Ok(match self.cursor.peek()? {
            b'"' => set_item(ty, Lexeme::Quoted(&self.cursor.string()?)),
            b'[' => {
                self.cursor.skip_value()?;
                Err(mismatch("a list"))
            }
            b'{' => {
                self.skip_object()?;
                Err(mismatch("an object"))
            }
            b't' | b'f' | b'n' => match self.cursor.literal()? {
                Literal::Null => Err(mismatch("null")),
                Literal::Bool(v) => Err(mismatch(bool_text(v))),
            },
            _ => set_item(ty, Lexeme::Number(&number_text(self.cursor.number()?))),
        })
    }

    /// Reads a list of records, each into a frame of its own, sorted by the time key.
    fn list(&mut self, list: &ListLayout, path: &PathSeg<'_>) -> Step<Value> {
        self.cursor.enter()?;
        let start = self.elements.len();
        while self.cursor.next_element(self.elements.len() == start)? {
            let path = path.index(self.elements.len() - start);
            let mut frame = Frame::new(&list.element);
            self.record(&list.element, &mut frame, &path, Role::Element)?;
            let record = frame.finish(&list.element, &path, &mut self.errors);
            self.elements.push(record);
        }
        let records = self.elements.drain(start..).collect();
        Ok(finish_list(records, list))
    }

    /// Skips an object where a leaf or set item was expected. `serde_json`
    /// would take one whose first key is its number key for a number: left to it.
    fn skip_object(&mut self) -> Step<()> {
        self.cursor.enter()?;
        let mut first = true;
        while let Some(key) = self.cursor.next_key(first)? {
            if first && key == NUMBER_TOKEN {
                return Err(Bail);
            }
            self.cursor.skip_value()?;
            first = false;
        }
        Ok(())
    }
}

/// A JSON number read as `leaf`, as the `serde_json` reader's visitors convert it.
fn number_leaf(leaf: Leaf<'_>, raw: &str) -> LeafResult {
    let number = Number::of(raw);
    match (leaf, &number) {
        (Leaf::Scalar(ScalarType::Int), Number::Signed(v)) => return Ok(Value::Int(*v)),
        (Leaf::Scalar(ScalarType::Int), Number::Unsigned(v)) => {
            if let Ok(v) = i64::try_from(*v) {
                return Ok(Value::Int(v));
            }
        }
        (Leaf::Scalar(ScalarType::Decimal | ScalarType::Money), Number::Signed(v)) => {
            return Ok(Value::Dec((*v).into()))
        }
        (Leaf::Scalar(ScalarType::Decimal | ScalarType::Money), Number::Unsigned(v)) => {
            return Ok(Value::Dec((*v).into()))
        }
        _ => {}
    }
    match number {
        Number::Text(text) => number_from_text(leaf, &text),
        Number::Signed(_) | Number::Unsigned(_) => number_from_text(leaf, raw),
    }
}

/// A JSON integer of at most 18 digits (`raw` is text [`Cursor::number`]
/// accepted), which an `i64` holds: the value [`number_leaf`] gives an
/// `int` for it. `None` for anything else (a fraction, an exponent, more
/// digits), which `number_leaf` reads.
#[inline(always)]
fn plain_int(raw: &str) -> Option<i64> {
    let (negative, digits) = match raw.as_bytes() {
        [b'-', rest @ ..] => (true, rest),
        bytes => (false, bytes),
    };
    if digits.is_empty() || digits.len() > 18 {
        return None;
    }
    let mut value: i64 = 0;
    for &b in digits {
        let digit = b.wrapping_sub(b'0');
        if digit > 9 {
            return None;
        }
        value = value * 10 + i64::from(digit);
    }
    Some(if negative { -value } else { value })
}

/// A number that is not a plain integer of the leaf's type, from its text.
fn number_from_text(leaf: Leaf<'_>, text: &str) -> LeafResult {
    match leaf {
        Leaf::Scalar(ty) => scalar(ty, Lexeme::Number(text)),
        Leaf::Set(_) | Leaf::List(_) => Err(leaf.mismatch(text)),
    }
}

fn bool_text(v: bool) -> &'static str {
    if v {
        "true"
    } else {
        "false"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Integer texts around the ends of what the quick read takes.
    fn integer_texts() -> Vec<String> {
        let mut texts: Vec<String> = [
            "0",
            "-0",
            "7",
            "-12",
            "007",
            "-",
            "1.5",
            "1e3",
            "-1E+2",
            "999999999999999999",
            "-999999999999999999",
            "1000000000000000000",
            "-1000000000000000000",
            "9223372036854775807",
            "9223372036854775808",
            "-9223372036854775808",
            "-9223372036854775809",
            "18446744073709551615",
            "18446744073709551616",
        ]
        .map(String::from)
        .to_vec();
        let mut state = 0x51_7cc1_b727_220a_u64;
        for _ in 0..5_000 {
            state = crate::snapshot::xorshift(state);
            let len = 1 + (state % 21) as usize;
            let digits: String = (0..len).map(|i| char::from(b'0' + ((state >> (i * 3 % 60)) % 10) as u8)).collect();
            texts.push(if state.is_multiple_of(3) { format!("-{digits}") } else { digits });
        }
        texts
    }

    #[test]
    fn plain_ints_are_the_ints_number_leaf_reads() {
        let mut taken = 0;
        for text in integer_texts() {
            let mut cursor = Cursor::new(&text);
            let Ok(raw) = cursor.number() else { continue };
            if !cursor.at_end() {
                continue;
            }
            if let Some(v) = plain_int(raw) {
                assert_eq!(number_leaf(Leaf::Scalar(&ScalarType::Int), raw), Ok(Value::Int(v)), "{text}");
                taken += 1;
            } else {
                assert!(raw.len() > 18 || raw.contains(['.', 'e', 'E']), "{text} left to number_leaf");
            }
        }
        assert!(taken > 3_000, "only {taken} texts took the quick way");
    }
}
