//! The snapshot schema (spec §2): which fields a snapshot has, with their types,
//! and the slot layout that compiled policies and snapshot readers share.
//!
//! Nested records are flattened: every leaf field of the account (or of one
//! element of a list field) gets a fixed slot index, so evaluation reads
//! `record.slots[i]` and never looks a name up.

use crate::diagnostic::{codes, did_you_mean, Diagnostic, Span};
use crate::yaml::{self, YKind, YNode};
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

mod load;
pub use load::load_schema;

/// A scalar type a field or set element can have.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ScalarType {
    /// `bool`
    Bool,
    /// `int` (i64)
    Int,
    /// `decimal`
    Decimal,
    /// `money` (an exact decimal, like `decimal`, named for what it holds)
    Money,
    /// `string`
    String,
    /// `date` (ISO `YYYY-MM-DD`)
    Date,
    /// `enum(a, b, ...)`: the members in schema order.
    Enum(Arc<[Box<str>]>),
}

impl ScalarType {
    /// The type as written in a schema.
    pub fn describe(&self) -> String {
        match self {
            ScalarType::Bool => "bool".into(),
            ScalarType::Int => "int".into(),
            ScalarType::Decimal => "decimal".into(),
            ScalarType::Money => "money".into(),
            ScalarType::String => "string".into(),
            ScalarType::Date => "date".into(),
            ScalarType::Enum(members) => format!("enum({})", enum_members_text(members)),
        }
    }
}

/// An enum's members as a schema writes them: comma-separated, a member
/// quoted (with `\"` and `\\` escapes) when it holds a comma, a
/// parenthesis, a quote, a backslash or a space, or is empty.
pub fn enum_members_text(members: &[Box<str>]) -> String {
    let written: Vec<String> = members.iter().map(|m| enum_member_text(m)).collect();
    written.join(", ")
}

fn enum_member_text(member: &str) -> String {
    let plain =
        !member.is_empty() && !member.chars().any(|c| matches!(c, ',' | '(' | ')' | '"' | '\\') || c.is_whitespace());
    if plain {
        member.to_string()
    } else {
        format!("\"{}\"", member.replace('\\', "\\\\").replace('"', "\\\""))
    }
}

/// What is wrong with the members of an `enum(...)` type.
enum EnumProblem {
    /// They cannot be read (the text says why).
    Malformed(String),
    /// This member is listed more than once.
    Twice(String),
    /// An unquoted member holds a full-width comma (`正常，冻结`, typed
    /// with a Chinese input method): one member where the author meant
    /// several, which every snapshot would then fail to match.
    FullWidth {
        /// The character written.
        found: char,
        /// The ASCII one it looks like.
        meant: char,
    },
}

/// `text` with each full-width comma outside double quotes written `,`:
/// what an author typing with a Chinese input method meant.
fn ascii_commas_outside_quotes(text: &str) -> String {
    let mut quoted = false;
    text.chars()
        .map(|c| {
            quoted ^= c == '"';
            if !quoted && is_full_width_comma(c) {
                ','
            } else {
                c
            }
        })
        .collect()
}

/// `，` or `、`: what a Chinese input method types for `,`. Other full-width
/// punctuation (`（自然人）`) is at home inside a member's text.
fn is_full_width_comma(c: char) -> bool {
    matches!(c, '\u{ff0c}' | '\u{3001}')
}

impl From<String> for EnumProblem {
    fn from(problem: String) -> Self {
        EnumProblem::Malformed(problem)
    }
}

/// The members between `enum(` and `)`: plain words or quoted strings
/// (`enum("car, other", none)`), separated by commas. Errs with what is wrong.
fn parse_enum_members(inner: &str) -> Result<Vec<Box<str>>, EnumProblem> {
    let mut members = Vec::new();
    // A member listed twice would get two indices for one value: tables and
    // `case` would see a member no snapshot can hold.
    let mut seen = std::collections::HashSet::new();
    let mut rest = inner.trim_start();
    loop {
        let (member, after) = match rest.strip_prefix('"') {
            Some(quoted) => parse_quoted_member(quoted)?,
            None => {
                let end = rest.find(',').unwrap_or(rest.len());
                let (word, after) = rest.split_at(end);
                let word = word.trim();
                if word.contains(['"', '\\']) {
                    return Err(format!("member `{word}` holds a quote or a backslash: quote the whole member").into());
                }
                if let Some(found) = word.chars().find(|c| is_full_width_comma(*c)) {
                    return Err(EnumProblem::FullWidth { found, meant: ',' });
                }
                (word.to_string(), after)
            }
        };
        if member.is_empty() {
            return Err(String::from("an empty member").into());
        }
        if !seen.insert(member.clone()) {
            return Err(EnumProblem::Twice(member));
        }
        members.push(member.into());
        let after = after.trim_start();
        match after.strip_prefix(',') {
            Some(next) => rest = next.trim_start(),
            None if after.is_empty() => return Ok(members),
            None => return Err(format!("expected `,` or the end after a member, found `{after}`").into()),
        }
    }
}

/// A quoted member after its opening quote: its text, unescaped, and what follows the closing quote.
fn parse_quoted_member(text: &str) -> Result<(String, &str), String> {
    let mut member = String::new();
    let mut chars = text.char_indices();
    while let Some((i, c)) = chars.next() {
        match c {
            '"' => return Ok((member, text.get(i + 1..).unwrap_or(""))),
            '\\' => match chars.next() {
                Some((_, escaped @ ('"' | '\\'))) => member.push(escaped),
                _ => return Err("in a quoted member only `\\\"` and `\\\\` are escapes".into()),
            },
            c => member.push(c),
        }
    }
    Err("a quoted member is not closed".into())
}

/// What a field holds.
#[derive(Clone, Debug, PartialEq)]
pub enum FieldKind {
    /// A single scalar.
    Scalar(ScalarType),
    /// `set<T>`.
    Set(ScalarType),
    /// A nested record; its leaves live in the parent's slots.
    Record(RecordLayout),
    /// A list of records.
    List(ListLayout),
}

/// One field of a record.
#[derive(Clone, Debug, PartialEq)]
pub struct FieldDef {
    /// Its name within the record.
    pub name: String,
    /// Its type.
    pub kind: FieldKind,
    /// `T?`: may be absent (`none`).
    pub optional: bool,
    /// The slot of a leaf (scalar, set or list) in its frame; `None` for a nested record.
    pub slot: Option<usize>,
    /// Where the field is written in the schema file: a leaf's type, a
    /// record's or list's name (its type is the block below it).
    pub span: Span,
}

impl FieldDef {
    /// Its type as a schema writes it: `money?`, `set<string>`, `record`,
    /// `list (by due_on)`.
    #[must_use]
    pub fn type_text(&self) -> String {
        let base = match &self.kind {
            FieldKind::Scalar(t) => t.describe(),
            FieldKind::Set(t) => format!("set<{}>", t.describe()),
            FieldKind::Record(_) => "record".into(),
            FieldKind::List(list) => match &list.by {
                Some((by, _)) => format!("list (by {by})"),
                None => "list".into(),
            },
        };
        if self.optional {
            format!("{base}?")
        } else {
            base
        }
    }
}

/// The fields of a record and the number of slots its frame needs.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct RecordLayout {
    /// Fields in schema order.
    pub fields: Vec<FieldDef>,
    /// Slots of the frame this record (and its nested records) lives in; only
    /// meaningful on a frame root (the account, or a list element).
    pub slot_count: usize,
    /// Field positions by name, for records too wide to search in order
    /// (readers look up every key of every snapshot).
    by_name: HashMap<Box<str>, usize>,
    /// On a frame root: the slots of its required leaves as a bit mask, when
    /// they are all below 128 (see [`RecordLayout::required_slots`]).
    required: Option<u128>,
}

/// Up to this many fields, a search in order beats hashing the name.
const SEARCHED_IN_ORDER: usize = 16;

impl RecordLayout {
    fn new(fields: Vec<FieldDef>) -> RecordLayout {
        let by_name = if fields.len() > SEARCHED_IN_ORDER {
            fields.iter().enumerate().map(|(i, f)| (f.name.as_str().into(), i)).collect()
        } else {
            HashMap::new()
        };
        RecordLayout { fields, slot_count: 0, by_name, required: None }
    }

    /// This record as the root of a frame of `slot_count` slots (the account, or a list element).
    fn into_frame_root(self, slot_count: usize) -> RecordLayout {
        let mut required = Some(0);
        self.add_required(&mut required);
        RecordLayout { slot_count, required, ..self }
    }

    fn add_required(&self, mask: &mut Option<u128>) {
        for field in &self.fields {
            match (&field.kind, field.slot) {
                (FieldKind::Record(inner), _) => inner.add_required(mask),
                (_, Some(slot)) if !field.optional => {
                    let bit = u32::try_from(slot).ok().and_then(|s| 1u128.checked_shl(s));
                    *mask = mask.zip(bit).map(|(m, bit)| m | bit);
                }
                _ => {}
            }
        }
    }

    /// On a frame root (the account, or a list element), the slots of the
    /// leaves a snapshot must give, as a bit mask (bit `i` for slot `i`);
    /// `None` elsewhere, or when a required slot is past 127. Readers check
    /// it to skip looking for missing fields when none is.
    pub fn required_slots(&self) -> Option<u128> {
        self.required
    }

    /// The position of the field called `name` in [`RecordLayout::fields`].
    pub fn position(&self, name: &str) -> Option<usize> {
        if self.fields.len() > SEARCHED_IN_ORDER {
            self.by_name.get(name).copied()
        } else {
            self.fields.iter().position(|f| f.name == name)
        }
    }

    /// The field called `name`.
    pub fn field(&self, name: &str) -> Option<&FieldDef> {
        self.position(name).and_then(|i| self.fields.get(i))
    }
    /// Every leaf below this record, with its dotted path relative to the frame.
    pub fn leaves(&self) -> Vec<(String, &FieldDef)> {
        let mut out = Vec::new();
        collect_leaves(self, "", &mut out);
        out
    }
}

fn collect_leaves<'a>(record: &'a RecordLayout, prefix: &str, out: &mut Vec<(String, &'a FieldDef)>) {
    for field in &record.fields {
        let path = if prefix.is_empty() { field.name.clone() } else { format!("{prefix}.{}", field.name) };
        match &field.kind {
            FieldKind::Record(inner) => collect_leaves(inner, &path, out),
            _ => out.push((path, field)),
        }
    }
}

/// A list field: the layout of one element and its time key.
#[derive(Clone, Debug, PartialEq)]
pub struct ListLayout {
    /// One element's fields (a frame of its own).
    pub element: RecordLayout,
    /// The element field named by `by:`, and its slot; elements are kept sorted by it.
    pub by: Option<(String, usize)>,
}

impl Schema {
    /// Whether the snapshots are credit applications (`entity: application`,
    /// decided with approve, refer and decline). Any other entity (`account`,
    /// the default, or a name of the team's own such as `loan`) is decided
    /// as accounts are.
    pub fn is_application(&self) -> bool {
        self.entity == "application"
    }
}

/// A loaded, validated schema.
#[derive(Clone, Debug, PartialEq)]
pub struct Schema {
    /// The file it came from.
    pub path: PathBuf,
    /// `entity:` (e.g. `account`).
    pub entity: String,
    /// `key:`, the dotted path of the field that identifies a snapshot.
    pub key: String,
    /// The key's slot in the account frame.
    pub key_slot: usize,
    /// `prohibited:` field paths no policy may read.
    pub prohibited: Vec<String>,
    /// The account's fields.
    pub root: RecordLayout,
}

impl Schema {
    /// Resolves a dotted path from the account root, through nested records.
    pub fn lookup(&self, path: &str) -> Option<&FieldDef> {
        lookup_path(&self.root, path)
    }
    /// True when any field is a list (such a schema cannot be read from CSV).
    pub fn has_lists(&self) -> bool {
        self.root.leaves().iter().any(|(_, f)| matches!(f.kind, FieldKind::List(_)))
    }
    /// Whether `path` is one of the `prohibited` fields or lies inside one:
    /// never read by a policy, and never offered or suggested for one.
    pub fn is_prohibited(&self, path: &str) -> bool {
        self.prohibited
            .iter()
            .any(|p| path.strip_prefix(p.as_str()).is_some_and(|rest| rest.is_empty() || rest.starts_with('.')))
    }
}

/// Resolves a dotted path within a record, through nested records.
pub fn lookup_path<'a>(record: &'a RecordLayout, path: &str) -> Option<&'a FieldDef> {
    let mut current = record;
    let mut parts = path.split('.').peekable();
    while let Some(part) = parts.next() {
        let field = current.field(part)?;
        if parts.peek().is_none() {
            return Some(field);
        }
        match &field.kind {
            FieldKind::Record(inner) => current = inner,
            _ => return None,
        }
    }
    None
}

/// Resolves a dotted path through nested records and list elements
/// (`overdues.amount` names the `amount` of every element of `overdues`).
pub fn lookup_through_lists<'a>(record: &'a RecordLayout, path: &str) -> Option<&'a FieldDef> {
    let (head, rest) = match path.split_once('.') {
        Some((head, rest)) => (head, Some(rest)),
        None => (path, None),
    };
    let field = record.field(head)?;
    match (rest, &field.kind) {
        (None, _) => Some(field),
        (Some(rest), FieldKind::Record(inner)) => lookup_through_lists(inner, rest),
        (Some(rest), FieldKind::List(list)) => lookup_through_lists(&list.element, rest),
        (Some(_), _) => None,
    }
}

/// A type name of SQL, Python or a spreadsheet, as the schema and hooks
/// spell it (`integer` is `int`): for "did you mean".
#[must_use]
pub fn type_written_otherwise(name: &str) -> Option<&'static str> {
    Some(match name.to_ascii_lowercase().as_str() {
        "integer" | "long" | "bigint" | "smallint" | "i64" | "i32" => "int",
        "boolean" | "bit" => "bool",
        "str" | "text" | "varchar" | "char" => "string",
        "float" | "double" | "real" | "number" | "numeric" | "f64" => "decimal",
        "datetime" | "timestamp" | "day" => "date",
        "currency" | "amount" => "money",
        _ => return None,
    })
}

const TYPE_NAMES: [&str; 9] = ["bool", "int", "decimal", "money", "string", "date", "enum(...)", "set<T>", "list:"];

/// True for `[A-Za-z_][A-Za-z0-9_]*`.
pub fn is_identifier(name: &str) -> bool {
    let mut chars = name.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}
