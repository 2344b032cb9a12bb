//! One column's cells with its Arrow type resolved once per batch.
//!
//! A batch is converted column by column (see `rows`): each leaf's array is
//! downcast here once, to the concrete array its schema type reads, and its
//! nulls (its own and those of the structs above it) joined into one bitmap.
//! Reading a cell is then an index into a typed array, with no match on the
//! column's data type and no downcast per cell. The common column types of a
//! book (the ones `synth` and pandas write) have a variant each; any other
//! type the plan accepted is read through [`scalar_at`], which every variant
//! agrees with cell for cell.

use super::timestamp::{day_of, Day, Timestamps};
use crate::columns::from_date32;
use crate::schema::ScalarType;
use crate::snapshot::convert::{scalar, Leaf, Lexeme, TOO_MANY_DIGITS};
use crate::value::{Date, Value};
use arrow_array::cast::AsArray;
use arrow_array::types::{
    Date32Type, Decimal128Type, Decimal256Type, Decimal32Type, Decimal64Type, Float32Type, Float64Type, Int16Type,
    Int32Type, Int64Type, Int8Type, UInt16Type, UInt32Type, UInt64Type, UInt8Type,
};
use arrow_array::{Array, ArrayRef, BooleanArray, Date32Array, Decimal128Array, Int32Array, Int64Array, StringArray};
use arrow_buffer::{i256, NullBuffer};
use arrow_schema::DataType;
use std::cell::Cell;

/// Milliseconds in a day (a DATE64 value counts milliseconds since 1970-01-01).
const MS_PER_DAY: i64 = 86_400_000;
use rust_decimal::Decimal;

/// A column's cells, read as one schema type.
pub(crate) struct Cells {
    /// Null where the column or a struct above it is null.
    nulls: Option<NullBuffer>,
    read: Read,
}

/// The typed array a column is read from.
enum Read {
    Bool(BooleanArray),
    Int64(Int64Array),
    Int32(Int32Array),
    /// A DECIMAL column and its scale, for `decimal` or `money` (which).
    Dec128(Decimal128Array, i8, ScalarType),
    Date32(Date32Array, DayCache),
    /// A timestamp column for a `date`: each value must be a midnight.
    Timestamp(Timestamps),
    /// Text for a `string`, an enum, a date or a decimal, read as the JSON reader reads a string.
    Utf8(StringArray, ScalarType),
    /// A dictionary-encoded column: each row's key (resolved once) into its values' cells.
    Dictionary(Vec<usize>, Box<Cells>),
    /// Any other column type: read cell by cell through [`scalar_at`].
    Other(ArrayRef, ScalarType),
}

impl Cells {
    /// `array` read as `ty`; `above` the nulls of the structs holding it.
    pub(crate) fn new(ty: &ScalarType, array: &ArrayRef, above: Option<&NullBuffer>) -> Cells {
        // Logical nulls: a dictionary's null values are null cells, and a
        // `Null` column (which keeps no null buffer) is null throughout.
        let nulls = NullBuffer::union(array.logical_nulls().as_ref(), above);
        if let Some(dictionary) = array.as_any_dictionary_opt() {
            let values = Cells::new(ty, dictionary.values(), None);
            return Cells { nulls, read: Read::Dictionary(dictionary.normalized_keys(), Box::new(values)) };
        }
        let read = match (ty, array.data_type()) {
            (ScalarType::Bool, DataType::Boolean) => array.as_boolean_opt().cloned().map(Read::Bool),
            (ScalarType::Int, DataType::Int64) => array.as_primitive_opt::<Int64Type>().cloned().map(Read::Int64),
            (ScalarType::Int, DataType::Int32) => array.as_primitive_opt::<Int32Type>().cloned().map(Read::Int32),
            (ScalarType::Decimal | ScalarType::Money, DataType::Decimal128(_, scale)) => {
                array.as_primitive_opt::<Decimal128Type>().cloned().map(|a| Read::Dec128(a, *scale, ty.clone()))
            }
            (ScalarType::Date, DataType::Date32) => {
                array.as_primitive_opt::<Date32Type>().cloned().map(|a| Read::Date32(a, DayCache::new()))
            }
            (ScalarType::Date, DataType::Timestamp(..)) => Timestamps::of(array.as_ref()).map(Read::Timestamp),
            (_, DataType::Utf8) => array.as_string_opt::<i32>().cloned().map(|a| Read::Utf8(a, ty.clone())),
            _ => None,
        };
        Cells { nulls, read: read.unwrap_or_else(|| Read::Other(array.clone(), ty.clone())) }
    }

    /// True when the cell at `row` is null (or under a null struct).
    #[inline]
    pub(crate) fn is_null(&self, row: usize) -> bool {
        self.nulls.as_ref().is_some_and(|n| n.is_null(row))
    }

    /// The non-null cell at `row` as its schema type's value, or why it is not one.
    #[inline]
    pub(crate) fn value(&self, row: usize) -> Result<Value, String> {
        match &self.read {
            Read::Bool(a) => Ok(Value::Bool(a.value(row))),
            Read::Int64(a) => Ok(Value::Int(a.value(row))),
            Read::Int32(a) => Ok(Value::Int(i64::from(a.value(row)))),
            Read::Dec128(a, scale, ty) => {
                let value = Some(a.value(row));
                decimal(value, *scale).ok_or_else(|| out_of_range(ty, value, *scale))
            }
            Read::Date32(a, days) => days
                .date(a.value(row))
                .map(Value::Date)
                .ok_or_else(|| Leaf::Scalar(&ScalarType::Date).mismatch(&crate::columns::outside_the_dates())),
            Read::Timestamp(t) => t.date(row),
            Read::Utf8(a, ty) => scalar(ty, Lexeme::Quoted(a.value(row))),
            Read::Dictionary(keys, values) => match keys.get(row) {
                Some(&key) => values.value(key),
                None => Err("a dictionary key out of range".to_string()),
            },
            Read::Other(a, ty) => scalar_at(ty, a.as_ref(), row),
        }
    }
}

/// The dates a DATE column's day numbers were last turned into, by day
/// number modulo [`DAY_CACHE`]: a book's dates fall on few distinct days
/// (its `as_of`, months of due dates), and chrono's conversion costs about
/// 60 instructions where a hit costs a few (about 8 dates a snapshot).
pub(crate) struct DayCache {
    /// Each entry a day number and what [`from_date32`] made of it.
    entries: Box<[DayEntry; DAY_CACHE]>,
}

/// A day number and its date, if it is one.
type DayEntry = Cell<(i32, Option<Date>)>;

/// Entries of a [`DayCache`]: a power of two, as the index is a mask.
const DAY_CACHE: usize = 256;

impl DayCache {
    fn new() -> DayCache {
        // `i32::MIN` is no date (`from_date32` says `None` for it), so every
        // entry starts true.
        DayCache { entries: Box::new(std::array::from_fn(|_| Cell::new((i32::MIN, None)))) }
    }

    /// [`from_date32`] of `days`, converted once per entry.
    #[inline]
    fn date(&self, days: i32) -> Option<Date> {
        let index = usize::try_from(days.rem_euclid(DAY_CACHE as i32)).unwrap_or(0);
        let Some(entry) = self.entries.get(index) else { return from_date32(days) };
        match entry.get() {
            (cached, date) if cached == days => date,
            _ => {
                let date = from_date32(days);
                entry.set((days, date));
                date
            }
        }
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
            match float_at(array, row) {
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
            decimal(value, *scale).ok_or_else(|| out_of_range(ty, value, *scale))
        }
        (ScalarType::Decimal | ScalarType::Money, DataType::Decimal256(_, scale)) => {
            let value = array.as_primitive_opt::<Decimal256Type>().map(|a| a.value(row));
            match value.map(|v| narrow(v, *scale)) {
                Some(Some((mantissa, scale))) => {
                    decimal(Some(mantissa), scale).ok_or_else(|| out_of_range(ty, Some(mantissa), scale))
                }
                Some(None) => Err(mismatch(&format!(
                    "{}{TOO_MANY_DIGITS}",
                    plain_digits(&value.unwrap_or_default().to_string(), *scale)
                ))),
                None => Err(mismatch("another type")),
            }
        }
        (ScalarType::Decimal | ScalarType::Money, DataType::Decimal64(_, scale)) => {
            let value = array.as_primitive_opt::<Decimal64Type>().map(|a| i128::from(a.value(row)));
            decimal(value, *scale).ok_or_else(|| out_of_range(ty, value, *scale))
        }
        (ScalarType::Decimal | ScalarType::Money, DataType::Decimal32(_, scale)) => {
            let value = array.as_primitive_opt::<Decimal32Type>().map(|a| i128::from(a.value(row)));
            decimal(value, *scale).ok_or_else(|| out_of_range(ty, value, *scale))
        }
        (ScalarType::Decimal | ScalarType::Money, _) => match int_at(array, row) {
            Some(i) => decimal(Some(i), 0).ok_or_else(|| out_of_range(ty, Some(i), 0)),
            None => Err(mismatch("another type")),
        },
        (ScalarType::Date, DataType::Date32) => {
            let days = array.as_primitive_opt::<Date32Type>().map(|a| a.value(row));
            days.and_then(from_date32).map(Value::Date).ok_or_else(|| mismatch(&crate::columns::outside_the_dates()))
        }
        (ScalarType::Date, DataType::Timestamp(..)) => match Timestamps::of(array) {
            Some(t) => t.date(row),
            None => Err(mismatch("another type")),
        },
        (ScalarType::Date, DataType::Date64) => {
            let Some(ms) = array.as_primitive_opt::<arrow_array::types::Date64Type>().map(|a| a.value(row)) else {
                return Err(mismatch("another type"));
            };
            // DATE64 counts milliseconds, and a writer may leave a time of day
            // in them: a date is never had by dropping it (as for timestamps).
            match day_of(ms, MS_PER_DAY) {
                Day::Whole(day) => Ok(Value::Date(day)),
                Day::Partial => Err(format!(
                    "expected date (YYYY-MM-DD), found the DATE64 value {ms} ms, which is not a whole day: \
                     a date must be stored as midnight"
                )),
                Day::OutOfRange => Err(mismatch(&crate::columns::outside_the_dates())),
            }
        }
        _ => Err(mismatch("another type")),
    }
}

/// A DECIMAL beyond an exact decimal, said as the JSON reader says a number
/// with too many digits: `expected money, found 0.000…001 (more digits …)`.
fn out_of_range(ty: &ScalarType, value: Option<i128>, scale: i8) -> String {
    match value {
        Some(v) => Leaf::Scalar(ty).mismatch(&format!("{}{TOO_MANY_DIGITS}", plain_digits(&v.to_string(), scale))),
        None => Leaf::Scalar(ty).mismatch("another type"),
    }
}

/// A mantissa's digits (`-12`) at a scale as plain decimal text, as the
/// data's owner sees the value: the value is mantissa × 10^-scale, so 12 at
/// scale 2 is `0.12` and at scale -2 `1200`. Never an exponent, which no
/// decimal text of the language has.
fn plain_digits(mantissa: &str, scale: i8) -> String {
    let (sign, digits) = mantissa.strip_prefix('-').map_or(("", mantissa), |d| ("-", d));
    let places = usize::from(scale.unsigned_abs());
    if scale <= 0 {
        let zeros = if digits == "0" { 0 } else { places };
        return format!("{sign}{digits}{}", "0".repeat(zeros));
    }
    let padded = format!("{}{digits}", "0".repeat((places + 1).saturating_sub(digits.len())));
    let (whole, fraction) = padded.split_at(padded.len() - places);
    format!("{sign}{whole}.{fraction}")
}

/// A Parquet decimal (mantissa, scale) as an exact decimal, when it fits one
/// (28 decimal places, a 96-bit mantissa). A wide column (`DECIMAL(38, 30)`)
/// is read by dropping trailing zeros it cannot hold; a significant digit is
/// never dropped: such a value does not fit.
fn decimal(mantissa: Option<i128>, scale: i8) -> Option<Value> {
    let mut mantissa = mantissa?;
    // A negative scale multiplies: 12 at scale -2 is 1200 at scale 0.
    let mut places = match u32::try_from(scale) {
        Ok(places) => places,
        Err(_) => {
            mantissa = mantissa.checked_mul(10i128.checked_pow(u32::from(scale.unsigned_abs()))?)?;
            0
        }
    };
    loop {
        if let Ok(value) = Decimal::try_from_i128_with_scale(mantissa, places) {
            return Some(Value::Dec(value));
        }
        if places == 0 || mantissa % 10 != 0 {
            return None;
        }
        mantissa /= 10;
        places -= 1;
    }
}

/// A 256-bit decimal mantissa as a 128-bit one, dropping trailing zeros of
/// its fraction until it fits (never a significant digit); `None` when it cannot.
fn narrow(mut mantissa: i256, mut scale: i8) -> Option<(i128, i8)> {
    let ten = i256::from_i128(10);
    loop {
        if let Some(narrow) = mantissa.to_i128() {
            return Some((narrow, scale));
        }
        if scale <= 0 || mantissa.checked_rem(ten)? != i256::ZERO {
            return None;
        }
        mantissa = mantissa.checked_div(ten)?;
        scale -= 1;
    }
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
/// A floating-point cell as an `f64` (a `Float32` widened); `None` for another type.
pub(super) fn float_at(array: &dyn Array, row: usize) -> Option<f64> {
    match array.data_type() {
        DataType::Float64 => array.as_primitive_opt::<Float64Type>().map(|a| a.value(row)),
        DataType::Float32 => array.as_primitive_opt::<Float32Type>().map(|a| f64::from(a.value(row))),
        _ => None,
    }
}

pub(super) fn int_at(array: &dyn Array, row: usize) -> Option<i128> {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn out_of_range_decimals_are_written_as_plain_digits() {
        for (mantissa, scale, text) in [
            ("12", 2, "0.12"),
            ("-12", 2, "-0.12"),
            ("12", -2, "1200"),
            ("0", -3, "0"),
            ("1", 30, "0.000000000000000000000000000001"),
            ("12345678901234567890123456789012", 2, "123456789012345678901234567890.12"),
            ("-5", 0, "-5"),
        ] {
            assert_eq!(plain_digits(mantissa, scale), text, "{mantissa} at {scale}");
        }
    }

    /// The cache answers as `from_date32` does, whether an entry is hit,
    /// missed or taken over by another day with the same index.
    #[test]
    fn day_cache_agrees_with_the_conversion() {
        let cache = DayCache::new();
        let far = [i32::MIN, i32::MIN + 1, -1_000_000_000, -719_163, -719_162, -1, 0, 1, 20_000, 2_932_896, i32::MAX];
        let near = (-600..600).map(|d| 20_000 + d * 37);
        let days: Vec<i32> = far.into_iter().chain(near).collect();
        for _ in 0..2 {
            for &day in days.iter().chain(days.iter().rev()) {
                assert_eq!(cache.date(day), from_date32(day), "day {day}");
                // Another day at the same index, then this one again.
                let other = day.wrapping_add(DAY_CACHE as i32);
                assert_eq!(cache.date(other), from_date32(other), "day {other}");
                assert_eq!(cache.date(day), from_date32(day), "day {day} again");
            }
        }
    }
}
