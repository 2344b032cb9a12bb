//! What every snapshot format shares: field paths for messages, error
//! collection, slot frames with their "was this field given" marks, and the
//! conversion of scalar text to values.
//!
//! The format readers (JSON, YAML, CSV) walk their input and call into here,
//! so a value means the same thing whichever format it came in.

use super::{Key, ReadItem, Snapshot, SnapshotError};
use crate::schema::{FieldDef, FieldKind, ListLayout, RecordLayout, ScalarType, Schema};
use crate::value::{is_plain_decimal, parse_decimal, Date, Record, SetItem, Value};
use std::collections::HashSet;
use std::fmt;

/// A field path, built on the stack as a reader descends and rendered only
/// when an error names it (`overdues[1].days`).
#[derive(Clone, Copy, Debug)]
pub(crate) enum PathSeg<'a> {
    /// The snapshot itself (or a list element's own frame).
    Root,
    /// A named field below a parent.
    Field(&'a PathSeg<'a>, &'a str),
    /// The element of a list or set at an index.
    Index(&'a PathSeg<'a>, usize),
}

impl<'a> PathSeg<'a> {
    /// The path of the field `name` below this one.
    pub(crate) fn field(&'a self, name: &'a str) -> PathSeg<'a> {
        PathSeg::Field(self, name)
    }
    /// The path of element `index` below this one.
    pub(crate) fn index(&'a self, index: usize) -> PathSeg<'a> {
        PathSeg::Index(self, index)
    }
}

impl fmt::Display for PathSeg<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PathSeg::Root => Ok(()),
            PathSeg::Field(PathSeg::Root, name) => f.write_str(name),
            PathSeg::Field(parent, name) => write!(f, "{parent}.{name}"),
            PathSeg::Index(parent, index) => write!(f, "{parent}[{index}]"),
        }
    }
}

/// How many problems one error record spells out before summarising the rest.
const MAX_SHOWN: usize = 5;

/// The problems found in one snapshot; it is an error record when any were found.
#[derive(Debug, Default)]
pub(crate) struct Errors {
    shown: Vec<String>,
    more: usize,
}

impl Errors {
    /// Records a problem at `path` (an empty path for the snapshot as a whole).
    pub(crate) fn push(&mut self, path: &PathSeg<'_>, message: impl fmt::Display) {
        if self.shown.len() >= MAX_SHOWN {
            self.more += 1;
        } else if matches!(path, PathSeg::Root) {
            self.shown.push(message.to_string());
        } else {
            self.shown.push(format!("{path}: {message}"));
        }
    }
    /// True when nothing is wrong.
    pub(crate) fn is_empty(&self) -> bool {
        self.shown.is_empty()
    }
    /// The problems as one message.
    pub(crate) fn into_message(self) -> String {
        let message = self.shown.join("; ");
        match self.more {
            0 => message,
            more => format!("{message}; and {more} more"),
        }
    }
}

/// A set of indices below 128, as two words: a `u128` shifted by a
/// variable amount takes a dozen instructions (both halves, and a branch
/// on the half), and every key of every object sets a bit twice (the key
/// seen, the slot given), about 3% of a whole `eval` run's instructions.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct SmallSet([u64; 2]);

impl SmallSet {
    /// The largest index plus one.
    pub(crate) const CAPACITY: usize = 128;

    /// Adds `index`; false when it was there already (or is not below [`SmallSet::CAPACITY`]).
    #[inline(always)]
    pub(crate) fn insert(&mut self, index: usize) -> bool {
        let Some(word) = self.0.get_mut(index / 64) else { return false };
        let bit = 1u64 << (index % 64);
        let fresh = *word & bit == 0;
        *word |= bit;
        fresh
    }

    /// Whether `index` is in the set.
    pub(crate) fn contains(self, index: usize) -> bool {
        self.0.get(index / 64).is_some_and(|word| word & (1u64 << (index % 64)) != 0)
    }

    /// The set as a mask, bit `i` for index `i`.
    pub(crate) fn mask(self) -> u128 {
        let [low, high] = self.0;
        u128::from(high) << 64 | u128::from(low)
    }
}

/// The keys one object (or mapping) has given so far, so that a key given
/// twice is an error rather than the last one silently winning.
#[derive(Debug, Default)]
pub(crate) struct SeenKeys {
    /// The layout's fields by index: a bit each for the first 128, a set beyond.
    small: SmallSet,
    large: Option<HashSet<usize>>,
    as_of: bool,
    /// Keys the schema does not name: ignored, but not given twice either.
    /// (The sets are made when first needed: most objects need neither.)
    unknown: Option<HashSet<Box<str>>>,
}

impl SeenKeys {
    /// The message for a key given twice, recorded at the key's path.
    pub(crate) const DUPLICATE: &'static str = "duplicate key (given more than once)";

    /// Notes the layout's field `index`; false when it was given before.
    /// Inline: every key of every object comes through here.
    #[inline]
    pub(crate) fn field(&mut self, index: usize) -> bool {
        if index < SmallSet::CAPACITY {
            self.small.insert(index)
        } else {
            self.large.get_or_insert_with(HashSet::new).insert(index)
        }
    }

    /// Notes the snapshot's `as_of`; false when it was given before.
    pub(crate) fn as_of(&mut self) -> bool {
        !std::mem::replace(&mut self.as_of, true)
    }

    /// Notes a key the schema does not name; false when it was given before.
    pub(crate) fn unknown(&mut self, key: &str) -> bool {
        let unknown = self.unknown.get_or_insert_with(HashSet::new);
        !unknown.contains(key) && unknown.insert(key.into())
    }
}

/// Which slots of a frame the input gave a value (or a wrong value) for.
#[derive(Debug)]
enum Marks {
    Small(SmallSet),
    Large(Vec<bool>),
}

/// The slots of one record being read, and which of them the input mentioned.
#[derive(Debug)]
pub(crate) struct Frame {
    slots: Vec<Value>,
    marks: Marks,
}

impl Frame {
    /// An empty frame for a frame-root layout (the account, or a list element).
    pub(crate) fn new(layout: &RecordLayout) -> Frame {
        let n = layout.slot_count;
        let marks =
            if n <= SmallSet::CAPACITY { Marks::Small(SmallSet::default()) } else { Marks::Large(vec![false; n]) };
        let mut slots = Vec::with_capacity(n);
        slots.resize_with(n, || Value::None);
        Frame { slots, marks }
    }

    /// Notes that the input mentioned `slot` (so it is not reported missing).
    #[inline(always)]
    pub(crate) fn mark(&mut self, slot: usize) {
        match &mut self.marks {
            Marks::Small(bits) => {
                bits.insert(slot);
            }
            Marks::Large(flags) => {
                if let Some(flag) = flags.get_mut(slot) {
                    *flag = true;
                }
            }
        }
    }

    fn is_marked(&self, slot: usize) -> bool {
        match &self.marks {
            Marks::Small(bits) => bits.contains(slot),
            Marks::Large(flags) => flags.get(slot).copied().unwrap_or(false),
        }
    }

    /// Stores a value read for `slot`.
    #[inline(always)]
    pub(crate) fn set(&mut self, slot: usize, value: Value) {
        self.mark(slot);
        if let Some(place) = self.slots.get_mut(slot) {
            // A slot is stored once (a key given twice is refused), so what
            // is replaced is the `None` the frame started with: nothing to drop.
            let old = std::mem::replace(place, value);
            if let Value::None = old {
                std::mem::forget(old);
            }
        }
    }

    /// Stores the quoted scalar `text` of type `ty` in `slot` when it is of
    /// the commonest shapes (a date, a short decimal, a string, an enum
    /// member) and converts the quick way; false, with nothing stored, when
    /// [`scalar`] must read it (for the problem's message, or a rarer shape).
    /// What it stores is what [`scalar`] gives for `Lexeme::Quoted(text)`.
    /// The value goes straight into the slot: a `Result<Value, String>`
    /// handed back through the callers was stored and reloaded piecewise, a
    /// stalled store-to-load forward for every leaf of every snapshot.
    #[inline(always)]
    pub(crate) fn set_quoted_quick(&mut self, slot: usize, ty: &ScalarType, text: &str) -> bool {
        let value = match ty {
            ScalarType::Date => match date(text) {
                Some(date) => Value::Date(date),
                None => return false,
            },
            ScalarType::Decimal | ScalarType::Money => match short_decimal(text) {
                Some(dec) => Value::Dec(dec),
                None => return false,
            },
            ScalarType::String => Value::Str(text.into()),
            ScalarType::Enum(members) => match member(members, text) {
                Some(index) => Value::Enum(index),
                None => return false,
            },
            ScalarType::Bool | ScalarType::Int => return false,
        };
        self.set(slot, value);
        true
    }

    /// Stores the outcome of reading a leaf: the value, or the problem at `path`.
    #[inline]
    pub(crate) fn store(
        &mut self,
        slot: usize,
        result: Result<Value, String>,
        path: &PathSeg<'_>,
        errors: &mut Errors,
    ) {
        match result {
            Ok(value) => self.set(slot, value),
            Err(message) => {
                self.mark(slot);
                errors.push(path, message);
            }
        }
    }

    /// Marks every leaf below `layout`, after a problem already reported for the whole record.
    pub(crate) fn mark_all(&mut self, layout: &RecordLayout) {
        for field in &layout.fields {
            match (&field.kind, field.slot) {
                (FieldKind::Record(inner), _) => self.mark_all(inner),
                (_, Some(slot)) => self.mark(slot),
                (_, None) => {}
            }
        }
    }

    /// Reports required leaves the input did not mention and hands back the record.
    pub(crate) fn finish(self, layout: &RecordLayout, path: &PathSeg<'_>, errors: &mut Errors) -> Record {
        let all_given = match (&self.marks, layout.required_slots()) {
            (Marks::Small(marks), Some(required)) => marks.mask() & required == required,
            _ => false,
        };
        if !all_given {
            self.report_missing(layout, path, errors);
        }
        Record { slots: self.slots.into_boxed_slice() }
    }

    fn report_missing(&self, layout: &RecordLayout, path: &PathSeg<'_>, errors: &mut Errors) {
        for field in &layout.fields {
            let here = path.field(&field.name);
            match (&field.kind, field.slot) {
                (FieldKind::Record(inner), _) => self.report_missing(inner, &here, errors),
                (_, Some(slot)) if !field.optional && !self.is_marked(slot) => {
                    errors.push(&here, "missing required field");
                }
                _ => {}
            }
        }
    }
}

/// What a leaf field holds, borrowed from its definition.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Leaf<'a> {
    /// A single scalar.
    Scalar(&'a ScalarType),
    /// `set<T>`.
    Set(&'a ScalarType),
    /// A list of records.
    List(&'a ListLayout),
}

/// The type of the built-in `as_of` field.
pub(crate) static DATE: ScalarType = ScalarType::Date;

impl<'a> Leaf<'a> {
    /// The leaf a field is, with its slot; `None` for a nested record.
    pub(crate) fn of(field: &'a FieldDef) -> Option<(Leaf<'a>, usize)> {
        let leaf = match &field.kind {
            FieldKind::Scalar(ty) => Leaf::Scalar(ty),
            FieldKind::Set(ty) => Leaf::Set(ty),
            FieldKind::List(list) => Leaf::List(list),
            FieldKind::Record(_) => return None,
        };
        Some((leaf, field.slot?))
    }

    /// What the input should have held, for messages (`int`, `a list of string`).
    pub(crate) fn expected(self) -> String {
        match self {
            Leaf::Scalar(ty) => expected(ty),
            Leaf::Set(ty) => format!("a list of {}", expected(ty)),
            Leaf::List(_) => "a list of records".into(),
        }
    }

    /// The message for a value of the wrong kind (`expected int, found "ten"`).
    pub(crate) fn mismatch(self, found: &str) -> String {
        format!("expected {}, found {found}", self.expected())
    }

    /// The value of an absent or null leaf: `none` when optional, else an error message.
    pub(crate) fn null(self, optional: bool) -> Result<Value, String> {
        if optional {
            Ok(Value::None)
        } else {
            Err(self.mismatch("null"))
        }
    }
}

/// A type as an error message names it.
pub(crate) fn expected(ty: &ScalarType) -> String {
    match ty {
        ScalarType::Date => "date (YYYY-MM-DD)".into(),
        ScalarType::Enum(members) => format!("one of ({})", crate::schema::enum_members_text(members)),
        other => other.describe(),
    }
}

/// A piece of input text and how it was written, which decides the types it may stand for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Lexeme<'t> {
    /// A JSON string or a quoted YAML scalar: not a `bool` or an `int`.
    Quoted(&'t str),
    /// A JSON number's exact text: only an `int`, `decimal` or `money`.
    Number(&'t str),
    /// A plain YAML scalar or a CSV cell: any type, by the schema.
    Plain(&'t str),
    /// A plain YAML `true` or `false` (in any of YAML's three cases): only a `bool`.
    Bool(&'t str),
}

impl Lexeme<'_> {
    /// How the value is shown in a message: numbers as written, text quoted.
    pub(crate) fn found(self) -> String {
        match self {
            Lexeme::Number(text) | Lexeme::Bool(text) => shorten(text),
            Lexeme::Quoted(text) | Lexeme::Plain(text) => crate::terminal::quoted(&shorten(text)),
        }
    }
}

/// Cuts long input down for a message.
pub(crate) fn shorten(text: &str) -> String {
    const MAX: usize = 40;
    match text.char_indices().nth(MAX) {
        Some((cut, _)) => format!("{}…", &text[..cut]),
        None => text.to_string(),
    }
}

/// Converts one scalar from its text, as the schema type `ty` says. The
/// text is taken as it is: `"active\n"` is no member and `" 5 "` no number
/// (CSV trims its cells before they come here, as spreadsheets pad them).
pub(crate) fn scalar(ty: &ScalarType, lexeme: Lexeme<'_>) -> Result<Value, String> {
    scalar_as_written(ty, lexeme).map_err(|mut message| {
        // Said only where the value without them would do (`" true "` is
        // refused for its quotes as well).
        let trimmed = match lexeme {
            Lexeme::Number(t) => Lexeme::Number(t.trim()),
            Lexeme::Bool(t) => Lexeme::Bool(t.trim()),
            Lexeme::Quoted(t) => Lexeme::Quoted(t.trim()),
            Lexeme::Plain(t) => Lexeme::Plain(t.trim()),
        };
        if trimmed != lexeme && scalar_as_written(ty, trimmed).is_ok() {
            message.push_str(" (with no spaces or line breaks around it)");
        }
        message
    })
}

fn scalar_as_written(ty: &ScalarType, lexeme: Lexeme<'_>) -> Result<Value, String> {
    let mismatch = || format!("expected {}, found {}", expected(ty), lexeme.found());
    match (ty, lexeme) {
        (ScalarType::Bool, Lexeme::Plain(text) | Lexeme::Bool(text)) => match text {
            t if t.eq_ignore_ascii_case("true") => Ok(Value::Bool(true)),
            t if t.eq_ignore_ascii_case("false") => Ok(Value::Bool(false)),
            _ => Err(mismatch()),
        },
        (ScalarType::Int, Lexeme::Plain(text) | Lexeme::Number(text)) => {
            int(text).map(Value::Int).map_err(|why| format!("{}{why}", mismatch()))
        }
        (
            ScalarType::Decimal | ScalarType::Money,
            Lexeme::Plain(text) | Lexeme::Number(text) | Lexeme::Quoted(text),
        ) => exact_decimal(text).map(Value::Dec).map_err(|why| format!("{}{why}", mismatch())),
        (ScalarType::String, Lexeme::Plain(text) | Lexeme::Quoted(text)) => Ok(Value::Str(text.into())),
        (ScalarType::Date, Lexeme::Plain(text) | Lexeme::Quoted(text)) => {
            // A date's shape with no such day (`2026-02-29`) is said to be
            // one: "expected YYYY-MM-DD" alone reads as wrong for it.
            date(text).map(Value::Date).ok_or_else(|| {
                if crate::value::is_date_shaped(text) {
                    format!("{} ({})", mismatch(), crate::value::not_a_date(text))
                } else {
                    mismatch()
                }
            })
        }
        (ScalarType::Enum(members), Lexeme::Plain(text) | Lexeme::Quoted(text)) => member(members, text)
            .map(Value::Enum)
            .ok_or_else(|| format!("{}{}", mismatch(), member_hint(members, text))),
        _ => Err(mismatch()),
    }
}

/// Converts one element of a `set<T>` from its text.
pub(crate) fn set_item(ty: &ScalarType, lexeme: Lexeme<'_>) -> Result<SetItem, String> {
    match (ty, scalar(ty, lexeme)?) {
        (ScalarType::Enum(members), Value::Enum(index)) => {
            let name = usize::try_from(index).ok().and_then(|i| members.get(i));
            name.map(|n| SetItem::Str(n.clone())).ok_or_else(|| format!("expected {}", expected(ty)))
        }
        (_, Value::Str(s)) => Ok(SetItem::Str(s)),
        (_, Value::Int(i)) => Ok(SetItem::Int(i)),
        (_, Value::Date(d)) => Ok(SetItem::Date(d)),
        _ => Err(format!("a set cannot hold {}", ty.describe())),
    }
}

/// A date from `YYYY-MM-DD`, as [`parse_date`] reads it, without its
/// parse of each part.
#[inline]
pub(crate) fn date(text: &str) -> Option<Date> {
    match *text.as_bytes() {
        [y1, y2, y3, y4, b'-', m1, m2, b'-', d1, d2] => {
            let digit = |b: u8| u32::from(b.wrapping_sub(b'0'));
            let [y1, y2, y3, y4, m1, m2, d1, d2] =
                [digit(y1), digit(y2), digit(y3), digit(y4), digit(m1), digit(m2), digit(d1), digit(d2)];
            // Every digit checked with one branch (`|`, not `||`): a byte
            // that is not a digit is above 9 after the subtraction.
            if (y1 > 9) | (y2 > 9) | (y3 > 9) | (y4 > 9) | (m1 > 9) | (m2 > 9) | (d1 > 9) | (d2 > 9) {
                return None;
            }
            calendar_date(y1 * 1000 + y2 * 100 + y3 * 10 + y4, m1 * 10 + m2, d1 * 10 + d2)
        }
        _ => None,
    }
}

/// The date `year-month-day` for a year of four digits, or `None` when the
/// month or the day does not exist. Counted to its day of the year here
/// (chrono's `from_ymd_opt` takes its month-day tables, about 40
/// instructions a date, eight dates a snapshot).
#[inline]
fn calendar_date(year: u32, month: u32, day: u32) -> Option<Date> {
    /// Days in the months before each month of a common year.
    const DAYS_BEFORE: [u32; 12] = [0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334];
    let leap = year.is_multiple_of(4) && (!year.is_multiple_of(100) || year.is_multiple_of(400));
    let days_in_month = match month {
        2 => 28 + u32::from(leap),
        4 | 6 | 9 | 11 => 30,
        1..=12 => 31,
        _ => return None,
    };
    if day == 0 || day > days_in_month {
        return None;
    }
    let before = DAYS_BEFORE.get(usize::try_from(month).ok()?.checked_sub(1)?)? + u32::from(leap && month > 2);
    Date::from_yo_opt(i32::try_from(year).ok()?, before + day)
}

/// For a member written in another case (`Active`, `ACTIVE`): which one it
/// is, since members are matched exactly and a book exported from another
/// system often capitalises them.
fn member_hint(members: &[Box<str>], text: &str) -> String {
    let text = text.trim();
    members.iter().find(|m| m.eq_ignore_ascii_case(text) && &***m != text).map_or_else(String::new, |m| {
        format!(" (did you mean {}? members are matched exactly, case included)", crate::terminal::quoted(m))
    })
}

/// The index of `text` among an enum's members.
fn member(members: &[Box<str>], text: &str) -> Option<u32> {
    let index = members.iter().position(|m| &**m == text)?;
    u32::try_from(index).ok()
}

/// An `int` from decimal digits, with a reason appended to the message on failure.
fn int(text: &str) -> Result<i64, &'static str> {
    let digits = text.strip_prefix(['-', '+']).unwrap_or(text);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err("");
    }
    text.parse::<i64>().map_err(|_| " (out of range for int)")
}

/// Said after a number with more digits than an exact decimal holds (28
/// places, a 96-bit mantissa), whichever format it came in.
pub(crate) const TOO_MANY_DIGITS: &str = " (more digits than an exact decimal holds)";

/// An exact decimal: refuses exponents and anything `rust_decimal` would round.
fn exact_decimal(text: &str) -> Result<rust_decimal::Decimal, &'static str> {
    if let Some(value) = short_decimal(text) {
        return Ok(value);
    }
    let t = text;
    if t.contains(['e', 'E']) && t.bytes().any(|b| b.is_ascii_digit()) {
        return Err(" (write it without an exponent)");
    }
    if !is_plain_decimal(t) {
        return Err(if grouped_digits(t) {
            // `5,000` or `1,234.50` from a spreadsheet: never guessed, as `1,5` is 1.5 in half the world.
            " (write it without thousands separators: `5000`, `1234.50`)"
        } else {
            ""
        });
    }
    // Zeros that end a fraction add no value: `1000.` and thirty zeros is
    // 1000 exactly, as a Parquet DECIMAL(38, 30) column gives it.
    lossless_decimal(t).or_else(|| lossless_decimal(without_ending_zeros(t))).ok_or(TOO_MANY_DIGITS)
}

/// `text` (a plain decimal) parsed keeping every fractional digit as scale:
/// `None` where rust_decimal would round (past 28 places or a 96-bit mantissa).
fn lossless_decimal(text: &str) -> Option<rust_decimal::Decimal> {
    let value = parse_decimal(text)?;
    let fraction_digits = text.split_once('.').map_or(0, |(_, frac)| frac.len());
    (usize::try_from(value.scale()).ok() == Some(fraction_digits)).then_some(value)
}

/// A plain decimal without the zeros that end its fraction (`1.500` → `1.5`, `2.000` → `2`).
fn without_ending_zeros(text: &str) -> &str {
    match text.split_once('.') {
        Some(_) => text.trim_end_matches('0').trim_end_matches('.'),
        None => text,
    }
}

/// Digits grouped by commas in threes (`5,000`, `-1,234,567.50`).
fn grouped_digits(text: &str) -> bool {
    let whole = text.strip_prefix('-').unwrap_or(text);
    let whole =
        whole.split_once('.').map_or(whole, |(w, f)| if f.bytes().all(|b| b.is_ascii_digit()) { w } else { "" });
    let mut groups = whole.split(',');
    let first = groups.next().unwrap_or("");
    let rest: Vec<&str> = groups.collect();
    !rest.is_empty()
        && (1..=3).contains(&first.len())
        && first.bytes().all(|b| b.is_ascii_digit())
        && rest.iter().all(|g| g.len() == 3 && g.bytes().all(|b| b.is_ascii_digit()))
}

/// A decimal written plainly (`12000.10`, `-3`, `0.5`) in at most 18 digits,
/// which an `i64` mantissa holds exactly; `None` for any other text (`-0`,
/// `+1`, `1.`, spaces, more digits), which [`exact_decimal`] reads the long way.
#[inline]
fn short_decimal(text: &str) -> Option<rust_decimal::Decimal> {
    let (negative, digits) = match text.as_bytes() {
        [b'-', rest @ ..] => (true, rest),
        bytes => (false, bytes),
    };
    let mut mantissa: i64 = 0;
    let mut count = 0;
    let mut point = None;
    for (i, &b) in digits.iter().enumerate() {
        match b {
            b'0'..=b'9' if count < 18 => {
                mantissa = mantissa * 10 + i64::from(b - b'0');
                count += 1;
            }
            b'.' if point.is_none() && i > 0 && i + 1 < digits.len() => point = Some(i),
            _ => return None,
        }
    }
    if count == 0 || (negative && mantissa == 0) {
        return None;
    }
    let scale = point.map_or(0, |p| digits.len() - p - 1);
    let mantissa = if negative { -mantissa } else { mantissa };
    rust_decimal::Decimal::try_new(mantissa, u32::try_from(scale).ok()?).ok()
}

/// A set's value: its items sorted and without duplicates.
pub(crate) fn finish_set(mut items: Vec<SetItem>) -> Value {
    items.sort_unstable();
    items.dedup();
    Value::Set(items.into_boxed_slice())
}

/// A list's value: its elements stably sorted by the time key (oldest first).
pub(crate) fn finish_list(mut records: Vec<Record>, list: &ListLayout) -> Value {
    if let Some((_, slot)) = &list.by {
        records.sort_by_key(|r| match r.slots.get(*slot) {
            Some(Value::Date(d)) => Some(*d),
            _ => None,
        });
    }
    Value::List(records.into_boxed_slice())
}

/// The snapshot key held in a slot, if it holds one.
pub(crate) fn key_of(value: Option<&Value>) -> Option<Key> {
    match value? {
        Value::Str(s) => Some(Key::Str(std::sync::Arc::from(&**s))),
        Value::Int(i) => Some(Key::Int(*i)),
        _ => None,
    }
}

/// Names the account of an error record whose key could not be read as its
/// type (`5` for a string key, `"A-1"` for an int key) by the key that
/// `written` finds as the input wrote it ([`key_as_written`]): the record
/// names its account as far as it could be read.
pub(crate) fn named_as_written(item: ReadItem, written: impl FnOnce() -> Option<Key>) -> ReadItem {
    match item {
        Err(SnapshotError { id: None, message }) => Err(SnapshotError { id: written(), message }),
        read => read,
    }
}

/// A key's text as the input wrote it, as a text key (the id column is text
/// whatever the key's type).
pub(crate) fn key_as_written(text: &str) -> Option<Key> {
    (!text.is_empty()).then(|| Key::Str(std::sync::Arc::from(text)))
}

/// Completes a snapshot read into `frame`: missing fields, the key, and the verdict.
pub(crate) fn finish_snapshot(schema: &Schema, frame: Frame, as_of: Option<Date>, mut errors: Errors) -> ReadItem {
    let record = frame.finish(&schema.root, &PathSeg::Root, &mut errors);
    let id = key_of(record.slots.get(schema.key_slot));
    if !errors.is_empty() {
        return Err(SnapshotError { id, message: errors.into_message() });
    }
    match id {
        Some(id) => Ok(Snapshot { id, as_of, record }),
        None => Err(SnapshotError { id: None, message: format!("{}: the key field has no value", schema.key) }),
    }
}

#[cfg(test)]
#[path = "convert_tests.rs"]
mod tests;
