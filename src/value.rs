//! Runtime values: what a snapshot slot holds and what an expression yields.
//!
//! Money is `rust_decimal::Decimal` from input to output; no `f64` anywhere.

use chrono::{Datelike, Months, NaiveDate};
use rust_decimal::Decimal;
use std::cmp::Ordering;
use std::fmt;
use std::sync::Arc;

mod records;
mod short_str;
pub use records::{ElementShape, FieldShape};
pub use short_str::ShortStr;

/// A calendar date.
pub type Date = NaiveDate;

/// A length of time as written in a policy (`7 days`, `2 weeks`, `12 months`, `1 year`).
///
/// Days and weeks are exact; months and years are calendar months (a year is 12),
/// clamped to the last day of a shorter month.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Duration {
    /// A number of days (weeks are stored as 7 days each).
    Days(i64),
    /// A number of calendar months (years are stored as 12 months each).
    Months(i64),
}

/// The longest duration a policy may write, in months (100 years).
///
/// Durations move dates, and dates stay within the years verdict reads
/// ([`in_written_range`]); a century is beyond any freeze, restriction or
/// look-back a credit policy means, so a longer one is a typo (`check`
/// refuses it, `E0207`) rather than a date of year 300000 at run time.
pub const MAX_DURATION_MONTHS: i64 = 1_200;
/// The longest duration a policy may write, in days (100 years of 365¼ days; 5,217 weeks).
pub const MAX_DURATION_DAYS: i64 = 36_525;

impl Duration {
    /// Whether the duration is at most [`MAX_DURATION_MONTHS`] or [`MAX_DURATION_DAYS`] long, either way.
    pub fn within_max(self) -> bool {
        match self {
            Duration::Days(d) => d.unsigned_abs() <= MAX_DURATION_DAYS.unsigned_abs(),
            Duration::Months(m) => m.unsigned_abs() <= MAX_DURATION_MONTHS.unsigned_abs(),
        }
    }
    /// `date + self`, or `None` when the result leaves the calendar.
    pub fn add_to(self, date: Date) -> Option<Date> {
        match self {
            Duration::Days(d) => date.checked_add_signed(chrono::TimeDelta::try_days(d)?),
            Duration::Months(m) if m >= 0 => date.checked_add_months(Months::new(u32::try_from(m).ok()?)),
            Duration::Months(m) => date.checked_sub_months(Months::new(u32::try_from(m.checked_neg()?).ok()?)),
        }
    }
    /// `date - self`, or `None` when the result leaves the calendar.
    pub fn sub_from(self, date: Date) -> Option<Date> {
        self.negate()?.add_to(date)
    }
    /// `date + self` (or `- self`), only if the result is a date verdict can
    /// write and read back ([`in_written_range`]).
    pub fn shift_within_range(self, date: Date, subtract: bool) -> Result<Date, DateRangeError> {
        let shifted = if subtract { self.sub_from(date) } else { self.add_to(date) };
        match shifted {
            Some(d) if in_written_range(d) => Ok(d),
            Some(d) if d > date => Err(DateRangeError::After),
            Some(_) => Err(DateRangeError::Before),
            None if subtract == self.is_negative() => Err(DateRangeError::After),
            None => Err(DateRangeError::Before),
        }
    }
    fn is_negative(self) -> bool {
        matches!(self, Duration::Days(n) | Duration::Months(n) if n < 0)
    }
    fn negate(self) -> Option<Duration> {
        Some(match self {
            Duration::Days(d) => Duration::Days(d.checked_neg()?),
            Duration::Months(m) => Duration::Months(m.checked_neg()?),
        })
    }
}

impl fmt::Display for Duration {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (n, unit) = match *self {
            Duration::Days(d) if d % 7 == 0 && d != 0 => (d / 7, "week"),
            Duration::Days(d) => (d, "day"),
            Duration::Months(m) if m % 12 == 0 && m != 0 => (m / 12, "year"),
            Duration::Months(m) => (m, "month"),
        };
        f.write_str(&crate::terminal::counted(n, unit))
    }
}

/// The first and last years of a date verdict reads (`parse_date`: four digits).
const WRITTEN_YEARS: std::ops::RangeInclusive<i32> = 0..=9999;

/// The earliest date verdict reads and writes, 0000-01-01.
pub const FIRST_WRITTEN_DATE: Date = match NaiveDate::from_ymd_opt(*WRITTEN_YEARS.start(), 1, 1) {
    Some(d) => d,
    None => NaiveDate::MIN,
};

/// The last date verdict reads and writes, 9999-12-31.
pub const LAST_WRITTEN_DATE: Date = match NaiveDate::from_ymd_opt(*WRITTEN_YEARS.end(), 12, 31) {
    Some(d) => d,
    None => NaiveDate::MAX,
};

/// Whether a computed date can be written as verdict reads dates: 0000-01-01
/// to 9999-12-31. An `until` of year 10000 would be a decision verdict itself
/// refuses as input.
pub fn in_written_range(date: Date) -> bool {
    WRITTEN_YEARS.contains(&date.year())
}

/// Which way a computed date left the range verdict reads and writes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DateRangeError {
    /// Before 0000-01-01.
    Before,
    /// After 9999-12-31.
    After,
}

impl fmt::Display for DateRangeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            DateRangeError::Before => "before 0000-01-01",
            DateRangeError::After => "after 9999-12-31",
        })
    }
}

/// `b - a` in days.
pub fn days_between(a: Date, b: Date) -> i64 {
    (b - a).num_days()
}

/// The largest whole `m` with `a + m months <= b` (negative when `b < a`).
pub fn months_between(a: Date, b: Date) -> i64 {
    let guess = i64::from(b.year() - a.year()) * 12 + i64::from(b.month()) - i64::from(a.month());
    // `a + guess months` is in b's month, on a's day clamped to that month's
    // length (`a + guess + 1 months` is in a later month: after b). Most
    // calls end here, without any calendar arithmetic.
    if a.day().min(days_in_month(b.year(), b.month())) <= b.day() {
        return guess;
    }
    // Else `guess` overshoots; the month before b's is earlier than b when
    // the calendar has it, and the trial below says what it says at the edge.
    let fits = |m: i64| Duration::Months(m).add_to(a).is_some_and(|d| d <= b);
    let mut m = guess - 1;
    while m > guess - 2 {
        if fits(m) {
            return m;
        }
        m -= 1;
    }
    m
}

/// How many days month `month` (1–12) of `year` has.
fn days_in_month(year: i32, month: u32) -> u32 {
    match month {
        4 | 6 | 9 | 11 => 30,
        2 if year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) => 29,
        2 => 28,
        _ => 31,
    }
}

/// Parses an ISO `YYYY-MM-DD` date.
#[expect(clippy::indexing_slicing, reason = "the length was checked to be 10 just above")]
pub fn parse_date(text: &str) -> Option<Date> {
    let bytes = text.as_bytes();
    if bytes.len() != 10 || bytes[4] != b'-' || bytes[7] != b'-' {
        return None;
    }
    let num = |r: std::ops::Range<usize>| -> Option<u32> {
        let s = text.get(r)?;
        if s.bytes().all(|b| b.is_ascii_digit()) {
            s.parse().ok()
        } else {
            None
        }
    };
    NaiveDate::from_ymd_opt(i32::try_from(num(0..4)?).ok()?, num(5..7)?, num(8..10)?)
}

/// Whether `text` has a date's shape, `DDDD-DD-DD` (a day that may not exist).
#[must_use]
pub fn is_date_shaped(text: &str) -> bool {
    text.len() == 10
        && text.bytes().enumerate().all(|(i, b)| if i == 4 || i == 7 { b == b'-' } else { b.is_ascii_digit() })
}

/// What `text`, which [`parse_date`] refused, is not, for a message: `not a
/// calendar date` when it has a date's shape (`2027-02-31`), else `not a
/// YYYY-MM-DD date`.
pub fn not_a_date(text: &str) -> &'static str {
    if is_date_shaped(text) {
        "not a calendar date"
    } else {
        "not a YYYY-MM-DD date"
    }
}

/// Parses an exact decimal from plain decimal text such as `12000.10`, `-3`
/// or `+5` (surrounding whitespace ignored). Anything else is refused: `1e3`
/// (exponents are ambiguous for money), and `12_50`, `1.`, `.5`, which
/// `rust_decimal` would read (as 1250, 1 and 0.5) but which no system
/// exporting money writes: underscores belong to the policy language's
/// literals, never to data. So is plain text an exact decimal cannot hold
/// (more than 28 decimal places, or more than 96 bits of digits), which
/// `rust_decimal` would round to another number.
pub fn parse_decimal(text: &str) -> Option<Decimal> {
    let t = text.trim();
    if !is_plain_decimal(t) {
        return None;
    }
    Decimal::from_str_exact(t.strip_prefix('+').unwrap_or(t)).ok()
}

/// Whether `text` is written as [`parse_decimal`] reads it: an optional
/// sign, digits, and optionally a point followed by digits. Such text that
/// does not parse holds more digits than an exact decimal.
pub fn is_plain_decimal(text: &str) -> bool {
    let unsigned = text.strip_prefix(['+', '-']).unwrap_or(text);
    let (whole, fraction) = unsigned.split_once('.').unwrap_or((unsigned, "0"));
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    digits(whole) && digits(fraction)
}

/// `value` to `places` decimal places, half away from zero, trailing zeros
/// dropped: how every figure of a report rounds (a diff's means and bad
/// rates, a stability index and its shares: 2.65% reads 2.7%), not to even.
#[must_use]
pub fn round_half_away(value: Decimal, places: u32) -> Decimal {
    value.round_dp_with_strategy(places, rust_decimal::RoundingStrategy::MidpointAwayFromZero).normalize()
}

/// Formats a decimal as the decision format wants: exact, no exponent, no trailing fractional zeros.
pub fn format_decimal(d: Decimal) -> String {
    d.normalize().to_string()
}

/// A value stored in a snapshot slot.
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    /// An optional field that is absent (`none`).
    None,
    /// `bool`.
    Bool(bool),
    /// `int`.
    Int(i64),
    /// `decimal` or `money`.
    Dec(Decimal),
    /// `string`.
    Str(Box<str>),
    /// A member of an `enum(...)`, by its index in the schema's list.
    Enum(u32),
    /// `date`.
    Date(Date),
    /// `set<T>`: sorted and without duplicates, so membership is a binary search.
    Set(Box<[SetItem]>),
    /// A list of records, sorted by the list's time key (oldest first).
    List(Box<[Record]>),
}

/// An element of a set.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum SetItem {
    /// From a `set<string>` (or a set of enum members, by name).
    Str(Box<str>),
    /// From a `set<int>`.
    Int(i64),
    /// From a `set<date>`.
    Date(Date),
}

impl fmt::Display for SetItem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SetItem::Str(s) => f.write_str(s),
            SetItem::Int(i) => write!(f, "{i}"),
            SetItem::Date(d) => write!(f, "{d}"),
        }
    }
}

/// The slots of one record: the account itself, or one element of a list field.
///
/// Nested records (`identity.verified`) are flattened into their parent's slots,
/// so every leaf field has one fixed slot index known at compile time.
#[derive(Clone, Debug, PartialEq)]
pub struct Record {
    /// One value per leaf field, in the layout's slot order.
    pub slots: Box<[Value]>,
}

impl Record {
    /// The value in `slot` (`none` for a list, or a slot the record lacks).
    #[inline(always)]
    pub fn val(&self, slot: usize) -> Val<'_> {
        self.slots.get(slot).map_or(Val::None, Value::val)
    }
}

impl Value {
    /// The stored value as an evaluation value (`none` for a list: lists are
    /// only read by aggregates).
    #[inline(always)]
    pub fn val(&self) -> Val<'_> {
        match self {
            Value::Bool(b) => Val::Bool(*b),
            Value::Int(i) => Val::Int(*i),
            Value::Dec(d) => Val::Dec(*d),
            Value::Str(s) => Val::Str(s),
            Value::Enum(e) => Val::Enum(*e),
            Value::Date(d) => Val::Date(*d),
            Value::Set(items) => Val::Set(items),
            Value::None | Value::List(_) => Val::None,
        }
    }
}

/// A value during evaluation.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Val<'a> {
    /// Absent.
    None,
    /// A boolean.
    Bool(bool),
    /// A whole number.
    Int(i64),
    /// An exact decimal.
    Dec(Decimal),
    /// A string.
    Str(&'a str),
    /// An enum member by index.
    Enum(u32),
    /// A date.
    Date(Date),
    /// A set's sorted elements.
    Set(&'a [SetItem]),
    /// A list of records with its elements' fields (only ever a hook's
    /// argument: the rest of the language reads lists through aggregates).
    List(&'a [Record], &'a ElementShape),
}

/// Why evaluating one account failed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EvalFailure {
    /// `eval` or `hook`.
    pub kind: FailureKind,
    /// What happened and where.
    pub message: String,
}

/// The kinds of evaluation failure (the decision's `error.kind`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FailureKind {
    /// Arithmetic or date failure (division by zero, overflow).
    Eval,
    /// A hook failed.
    Hook,
    /// A hook call ran past the wall-clock backstop: no decision, and a run
    /// that is not whole (see [`crate::hooks::DEFAULT_BACKSTOP`]).
    Timeout,
}

impl EvalFailure {
    /// An `eval` failure.
    #[cold]
    pub fn eval(message: impl Into<String>) -> EvalFailure {
        EvalFailure { kind: FailureKind::Eval, message: message.into() }
    }
    /// Exact arithmetic overflowed.
    #[cold]
    pub fn overflow() -> EvalFailure {
        EvalFailure::eval("arithmetic overflow")
    }
    /// A state the checker rules out; reaching it is a bug, reported as an
    /// `eval` failure of that account rather than a crash of the run.
    #[cold]
    pub fn internal(what: impl std::fmt::Display) -> EvalFailure {
        EvalFailure::eval(format!("internal: {what}"))
    }
}

/// How two present values of the same domain are ordered (an int beside a
/// decimal is widened); `None` for an absent value or two domains that are
/// not compared. The one ordering of values: literals, slots and computed
/// values are all ordered through it.
#[inline(always)]
pub fn order(l: Val<'_>, r: Val<'_>) -> Option<Ordering> {
    Some(match (l, r) {
        (Val::Int(a), Val::Int(b)) => a.cmp(&b),
        (Val::Dec(a), Val::Dec(b)) => a.cmp(&b),
        (Val::Int(a), Val::Dec(b)) => Decimal::from(a).cmp(&b),
        (Val::Dec(a), Val::Int(b)) => a.cmp(&Decimal::from(b)),
        (Val::Date(a), Val::Date(b)) => a.cmp(&b),
        (Val::Str(a), Val::Str(b)) => a.cmp(b),
        (Val::Enum(a), Val::Enum(b)) => a.cmp(&b),
        (Val::Bool(a), Val::Bool(b)) => a.cmp(&b),
        _ => return None,
    })
}

/// [`order`], where two values that cannot be ordered are a failure (the
/// checker rules them out).
pub fn compare(l: Val<'_>, r: Val<'_>) -> Result<Ordering, EvalFailure> {
    order(l, r).ok_or_else(|| EvalFailure::internal(format_args!("cannot compare {l:?} with {r:?}")))
}

/// A value recorded in a trace, owned and typed until an output encoder
/// writes it: as text for people ([`fmt::Display`]) or as typed JSON (the
/// output's `TracedJson`, streamed). Enum members are kept by name.
#[derive(Clone, Debug)]
pub enum Traced {
    /// Absent.
    None,
    /// A boolean.
    Bool(bool),
    /// A whole number.
    Int(i64),
    /// An exact decimal.
    Dec(Decimal),
    /// A string (one longer than [`ShortStr::CAPACITY`] bytes, as the
    /// tracer records it; [`Traced::as_str`] reads either form).
    Str(Box<str>),
    /// A string of at most [`ShortStr::CAPACITY`] bytes, kept in place:
    /// the tracer records most strings with no allocation.
    ShortStr(ShortStr),
    /// An enum member: its enum's member names (the schema's, shared: the
    /// tracer records a member with a reference count, not a copy of its
    /// name) and its index among them. Fields of the variant rather than a
    /// struct of their own, so that a `Traced` stays three words.
    Member {
        /// The enum's members.
        names: Arc<[Box<str>]>,
        /// This one's index in `names`.
        index: u32,
    },
    /// A date.
    Date(Date),
    /// A set's sorted elements.
    Set(Box<[SetItem]>),
    /// A list of records given to a hook, by its length (a trace shows how
    /// many elements the script was given, not each one).
    Records(usize),
}

impl Traced {
    /// Keeps `v`, naming an enum member from `enum_members` (the enum of the
    /// expression that gave it).
    pub fn of(v: Val<'_>, enum_members: Option<&[Box<str>]>) -> Traced {
        match v {
            Val::Enum(i) => match enum_members.and_then(|m| m.get(i as usize)) {
                Some(name) => Traced::member_named(name),
                None => Traced::unnamed(i),
            },
            v => Traced::of_plain(v),
        }
    }

    /// [`Traced::of`], an enum member sharing its enum's names (the traced
    /// path: no copy of the name).
    pub fn of_shared(v: Val<'_>, enum_members: Option<&Arc<[Box<str>]>>) -> Traced {
        match (v, enum_members) {
            (Val::Enum(i), Some(names)) if names.get(i as usize).is_some() => {
                Traced::Member { names: Arc::clone(names), index: i }
            }
            (Val::Enum(i), _) => Traced::unnamed(i),
            (v, _) => Traced::of_plain(v),
        }
    }

    /// A member known by its name alone.
    pub fn member_named(name: &str) -> Traced {
        Traced::Member { names: Arc::new([name.into()]), index: 0 }
    }

    /// An enum member's name; `None` for other values.
    pub fn member_name(&self) -> Option<&str> {
        match self {
            Traced::Member { names, index } => names.get(*index as usize).map(|n| &**n),
            _ => None,
        }
    }

    /// A string value, in place when it is short.
    #[inline]
    pub fn text(s: &str) -> Traced {
        match ShortStr::new(s) {
            Some(short) => Traced::ShortStr(short),
            None => Traced::Str(s.into()),
        }
    }

    /// A string's text (either form); `None` for other values.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Traced::Str(s) => Some(s),
            Traced::ShortStr(s) => Some(s.as_str()),
            _ => None,
        }
    }

    /// A member of an enum not known here, by its index.
    #[cold]
    fn unnamed(i: u32) -> Traced {
        Traced::member_named(&format!("#{i}"))
    }

    /// Any value but an enum member.
    fn of_plain(v: Val<'_>) -> Traced {
        match v {
            Val::None => Traced::None,
            Val::Bool(b) => Traced::Bool(b),
            Val::Int(i) => Traced::Int(i),
            Val::Dec(d) => Traced::Dec(d),
            Val::Str(s) => Traced::text(s),
            Val::Enum(i) => Traced::unnamed(i),
            Val::Date(d) => Traced::Date(d),
            Val::Set(items) => Traced::Set(items.into()),
            Val::List(records, _) => Traced::Records(records.len()),
        }
    }
}

/// Members are equal when their names are, whichever enum list holds them.
impl PartialEq for Traced {
    fn eq(&self, other: &Traced) -> bool {
        match (self, other) {
            (Traced::None, Traced::None) => true,
            (Traced::Bool(a), Traced::Bool(b)) => a == b,
            (Traced::Int(a), Traced::Int(b)) => a == b,
            (Traced::Dec(a), Traced::Dec(b)) => a == b,
            (Traced::Str(_) | Traced::ShortStr(_), Traced::Str(_) | Traced::ShortStr(_)) => {
                self.as_str() == other.as_str()
            }
            (Traced::Member { .. }, Traced::Member { .. }) => self.member_name() == other.member_name(),
            (Traced::Date(a), Traced::Date(b)) => a == b,
            (Traced::Set(a), Traced::Set(b)) => a == b,
            (Traced::Records(a), Traced::Records(b)) => a == b,
            _ => false,
        }
    }
}

/// For people: decimals exact, strings and members quoted, sets as a list.
impl fmt::Display for Traced {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Traced::None => f.write_str("none"),
            Traced::Bool(b) => write!(f, "{b}"),
            Traced::Int(i) => write!(f, "{i}"),
            Traced::Dec(d) => f.write_str(&format_decimal(*d)),
            Traced::Str(s) => f.write_str(&crate::terminal::quoted(s)),
            Traced::ShortStr(s) => f.write_str(&crate::terminal::quoted(s.as_str())),
            Traced::Member { .. } => f.write_str(&crate::terminal::quoted(self.member_name().unwrap_or_default())),
            Traced::Date(d) => write!(f, "{d}"),
            Traced::Set(items) => {
                f.write_str("[")?;
                // Each member as the policy writes it: text quoted, numbers and dates bare.
                for (i, item) in items.iter().enumerate() {
                    let sep = if i == 0 { "" } else { ", " };
                    match item {
                        SetItem::Str(s) => write!(f, "{sep}{}", crate::terminal::quoted(s))?,
                        SetItem::Int(n) => write!(f, "{sep}{n}")?,
                        SetItem::Date(d) => write!(f, "{sep}{d}")?,
                    }
                }
                f.write_str("]")
            }
            Traced::Records(1) => f.write_str("1 record"),
            Traced::Records(n) => write!(f, "{n} records"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Date {
        parse_date(s).unwrap()
    }

    #[test]
    fn a_traced_set_shows_its_members_as_a_policy_writes_them() {
        let set = |items: Vec<SetItem>| Traced::Set(items.into_boxed_slice()).to_string();
        assert_eq!(set(vec![SetItem::Int(7), SetItem::Int(-8)]), "[7, -8]");
        assert_eq!(set(vec![SetItem::Date(d("2026-01-01"))]), "[2026-01-01]");
        assert_eq!(set(vec![SetItem::Str("a \"b\"".into())]), r#"["a \"b\""]"#);
    }

    #[test]
    fn a_date_that_is_not_is_told_by_its_shape() {
        assert_eq!(not_a_date("2027-02-31"), "not a calendar date");
        assert_eq!(not_a_date("2027-2-3"), "not a YYYY-MM-DD date");
        assert_eq!(not_a_date("2027/02/03"), "not a YYYY-MM-DD date");
    }

    #[test]
    fn a_traced_member_shares_its_enums_names_and_equals_the_same_name() {
        let names: Arc<[Box<str>]> = vec!["active".into(), "closed".into()].into();
        let shared = Traced::of_shared(Val::Enum(1), Some(&names));
        assert!(matches!(&shared, Traced::Member { names: n, .. } if Arc::ptr_eq(n, &names)));
        assert_eq!(shared.member_name(), Some("closed"));
        assert_eq!(shared, Traced::of(Val::Enum(1), Some(&names)));
        assert_ne!(shared, Traced::of_shared(Val::Enum(0), Some(&names)));
        assert_eq!(Traced::of_shared(Val::Enum(2), Some(&names)).to_string(), "\"#2\"");
        assert_ne!(shared, Traced::Str("closed".into()));
    }

    #[test]
    fn a_string_is_the_same_value_in_place_or_boxed() {
        let short = Traced::of(Val::Str("legal"), None);
        assert!(matches!(short, Traced::ShortStr(_)), "{short:?}");
        assert_eq!(short, Traced::Str("legal".into()));
        assert_eq!(Traced::Str("legal".into()), short);
        assert_ne!(short, Traced::Str("legals".into()));
        assert_eq!(short.to_string(), Traced::Str("legal".into()).to_string());
        assert_eq!(short.as_str(), Some("legal"));
        let long = "a string too long to be kept in place";
        assert!(matches!(Traced::of(Val::Str(long), None), Traced::Str(s) if &*s == long));
    }

    #[test]
    fn a_traced_value_is_three_words() {
        // Leaf traces are written for every leaf a traced decision evaluates.
        assert!(std::mem::size_of::<Traced>() <= 24, "{}", std::mem::size_of::<Traced>());
    }

    #[test]
    fn months_clamp_to_month_end() {
        assert_eq!(Duration::Months(1).sub_from(d("2026-03-31")), Some(d("2026-02-28")));
        assert_eq!(Duration::Months(12).sub_from(d("2024-02-29")), Some(d("2023-02-28")));
        assert_eq!(Duration::Months(1).add_to(d("2024-01-31")), Some(d("2024-02-29")));
        assert_eq!(Duration::Days(7).add_to(d("2026-12-28")), Some(d("2027-01-04")));
    }

    #[test]
    fn shifts_stay_within_the_dates_verdict_reads() {
        let shift = |by: Duration, date: &str, subtract: bool| by.shift_within_range(d(date), subtract);
        assert_eq!(shift(Duration::Days(1), "9999-12-30", false), Ok(d("9999-12-31")));
        assert_eq!(shift(Duration::Days(2), "9999-12-30", false), Err(DateRangeError::After));
        assert_eq!(shift(Duration::Months(1), "0000-01-31", true), Err(DateRangeError::Before));
        assert_eq!(shift(Duration::Months(-1), "0000-01-31", false), Err(DateRangeError::Before));
        assert_eq!(shift(Duration::Months(1), "0000-02-29", true), Ok(d("0000-01-29")));
        // past chrono's own calendar, the direction still tells which end was left
        assert_eq!(shift(Duration::Days(i64::MAX), "2026-01-01", false), Err(DateRangeError::After));
        assert_eq!(shift(Duration::Days(i64::MAX), "2026-01-01", true), Err(DateRangeError::Before));
        assert_eq!(shift(Duration::Months(i64::MIN), "2026-01-01", false), Err(DateRangeError::Before));
        assert!(Duration::Months(1_200).within_max() && !Duration::Months(1_201).within_max());
        assert!(Duration::Days(-36_525).within_max() && !Duration::Days(36_526).within_max());
    }

    #[test]
    fn months_between_is_the_largest_whole_month() {
        assert_eq!(months_between(d("2026-01-31"), d("2026-02-28")), 1);
        assert_eq!(months_between(d("2026-01-31"), d("2026-02-27")), 0);
        assert_eq!(months_between(d("2026-05-01"), d("2026-11-01")), 6);
        assert_eq!(months_between(d("2026-05-02"), d("2026-11-01")), 5);
        assert_eq!(months_between(d("2026-11-01"), d("2026-05-01")), -6);
        assert_eq!(months_between(d("2024-02-29"), d("2025-02-28")), 12);
    }

    /// The month count as the definition reads: the largest `m` of the three
    /// around the calendar guess with `a + m months <= b` (what
    /// `months_between` computed by trial before it read the answer off the
    /// day of month).
    fn months_by_trial(a: Date, b: Date) -> i64 {
        let guess = i64::from(b.year() - a.year()) * 12 + i64::from(b.month()) - i64::from(a.month());
        let fits = |m: i64| Duration::Months(m).add_to(a).is_some_and(|d| d <= b);
        let mut m = guess + 1;
        while m > guess - 2 {
            if fits(m) {
                return m;
            }
            m -= 1;
        }
        m
    }

    #[test]
    fn months_between_agrees_with_the_trial_on_every_day_of_four_years() {
        // Every pair of a month's last days, leap years, and each day of four
        // years against a few fixed days, both ways round.
        let start = d("2023-01-01");
        let days: Vec<Date> = (0..4 * 366).filter_map(|n| start.checked_add_days(chrono::Days::new(n))).collect();
        let anchors: Vec<Date> =
            ["2024-02-29", "2023-01-31", "2024-03-30", "2025-12-31", "2026-06-15", "2023-02-28"].map(d).to_vec();
        for x in &days {
            for y in &anchors {
                assert_eq!(months_between(*x, *y), months_by_trial(*x, *y), "{x} to {y}");
                assert_eq!(months_between(*y, *x), months_by_trial(*y, *x), "{y} to {x}");
            }
        }
        let ends: Vec<Date> = days.iter().copied().filter(|x| x.succ_opt().is_some_and(|n| n.day() == 1)).collect();
        for x in &ends {
            for y in &ends {
                assert_eq!(months_between(*x, *y), months_by_trial(*x, *y), "{x} to {y}");
            }
        }
        // At the calendar's edges.
        for (x, y) in [(Date::MIN, Date::MAX), (Date::MAX, Date::MIN), (Date::MIN, Date::MIN), (Date::MAX, Date::MAX)] {
            assert_eq!(months_between(x, y), months_by_trial(x, y), "{x} to {y}");
        }
        let last_month = Date::MAX.with_day(1).unwrap();
        for x in [d("2026-01-31"), d("2026-01-01"), Date::MIN] {
            assert_eq!(months_between(x, last_month), months_by_trial(x, last_month));
            assert_eq!(months_between(last_month, x), months_by_trial(last_month, x));
        }
    }

    #[test]
    fn dates_are_strict_iso() {
        assert!(parse_date("2026-02-29").is_none());
        assert!(parse_date("2024-02-29").is_some());
        assert!(parse_date("2026-1-01").is_none());
        assert!(parse_date("+026-01-01").is_none());
    }

    #[test]
    fn decimals_are_exact_and_printed_plainly() {
        assert_eq!(format_decimal(parse_decimal("12000.10").unwrap()), "12000.1");
        assert_eq!(format_decimal(parse_decimal("14400.00").unwrap()), "14400");
        assert_eq!(format_decimal(parse_decimal("10000.625").unwrap()), "10000.625");
        assert!(parse_decimal("1e3").is_none());
        assert!(parse_decimal("0.00000000000000000000000000001").is_none(), "29 places would round to 0");
        assert!(parse_decimal("79228162514264337593543950336").is_none(), "past 96 bits");
        assert_eq!(parse_decimal("+0.0000000000000000000000000001").map(|d| d.scale()), Some(28));
    }
}
