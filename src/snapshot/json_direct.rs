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
    finish_list, finish_set, finish_snapshot, scalar, set_item, Errors, Frame, Leaf, Lexeme, PathSeg, SeenKeys, DATE,
};
use super::json::{Role, NUMBER_TOKEN};
use super::json_tokens::{number_text, Bail, Cursor, Literal, Number, Step};
use super::ReadItem;
use crate::schema::{FieldKind, ListLayout, RecordLayout, ScalarType, Schema};
use crate::value::{Record, SetItem, Value};

/// Reads one snapshot from `text`; `None` when the text is left to the
/// `serde_json` reader (it is not valid JSON, or holds one of the oddities above).
pub(crate) fn read(text: &str, schema: &Schema) -> Option<ReadItem> {
    let mut reader = Reader { cursor: Cursor::new(text), errors: Errors::default() };
    let mut frame = Frame::new(&schema.root);
    let mut as_of = None;
    reader.record(&schema.root, &mut frame, &PathSeg::Root, Role::Snapshot(&mut as_of)).ok()?;
    if !reader.cursor.at_end() {
        return None;
    }
    Some(finish_snapshot(schema, frame, as_of, reader.errors))
}

/// A leaf's value, or the problem with it (recorded by the caller).
type LeafResult = Result<Value, String>;

/// The walk of one snapshot's text against its schema.
struct Reader<'t> {
    cursor: Cursor<'t>,
    errors: Errors,
}

/// A record being read: its layout, the frame its leaves go to, and its path.
#[derive(Clone, Copy)]
struct Target<'a> {
    layout: &'a RecordLayout,
    path: &'a PathSeg<'a>,
}

impl Reader<'_> {
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
        // The field tried first: the one after the previous key's, since
        // snapshots are usually written in schema order.
        let mut hint = 0;
        let mut first = true;
        while let Some(key) = self.cursor.next_key(first)? {
            first = false;
            let layout = target.layout;
            let index = match layout.fields.get(hint) {
                Some(field) if field.name == *key => Some(hint),
                _ => layout.position(&key),
            };
            let (fresh, name) = match index {
                Some(index) => {
                    hint = index + 1;
                    (seen.field(index), layout.fields.get(index).map_or("", |f| f.name.as_str()))
                }
                None if top && key == "as_of" => (seen.as_of(), "as_of"),
                None if key == NUMBER_TOKEN => return Err(Bail),
                None => (seen.unknown(&key), &*key),
            };
            if !fresh {
                self.errors.push(&target.path.field(name), SeenKeys::DUPLICATE);
                self.cursor.skip_value()?;
                continue;
            }
            match index {
                Some(index) => self.field(target, index, frame)?,
                None if top && key == "as_of" => self.as_of(&mut role)?,
                None => self.cursor.skip_value()?,
            }
        }
        Ok(())
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
        let value = self.leaf(leaf, field.optional, &path)?;
        frame.store(slot, value, &path, &mut self.errors);
        Ok(())
    }

    /// Reads the snapshot's `as_of`.
    fn as_of(&mut self, role: &mut Role<'_>) -> Step<()> {
        let path = PathSeg::Root.field("as_of");
        match self.leaf(Leaf::Scalar(&DATE), true, &path)? {
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
                Leaf::List(list) => self.list(list, path)?,
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
        let mut items = Vec::new();
        let mut index = 0;
        while self.cursor.next_element(index == 0)? {
            match self.set_item(ty)? {
                Ok(item) => items.push(item),
                Err(message) => self.errors.push(&path.index(index), message),
            }
            index += 1;
        }
        Ok(Ok(finish_set(items)))
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
    fn list(&mut self, list: &ListLayout, path: &PathSeg<'_>) -> Step<LeafResult> {
        self.cursor.enter()?;
        let mut records: Vec<Record> = Vec::new();
        while self.cursor.next_element(records.is_empty())? {
            let path = path.index(records.len());
            let mut frame = Frame::new(&list.element);
            self.record(&list.element, &mut frame, &path, Role::Element)?;
            records.push(frame.finish(&list.element, &path, &mut self.errors));
        }
        Ok(Ok(finish_list(records, list)))
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
