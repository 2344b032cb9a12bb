//! Dates written as timestamps. Spark and pandas often store a date column
//! as `timestamp[us]` or `timestamp[ns]` (with or without a time zone), each
//! value midnight. Such a column is read for a `date` field when the value
//! is exactly midnight — UTC for a zoned timestamp, as written for a naive
//! one (both are the stored count since 1970-01-01T00:00) — and any other
//! time of day is an error for that snapshot naming the value: a date is
//! never had by dropping a time.

use crate::columns::from_date32;
use crate::value::Value;
use arrow_array::cast::AsArray;
use arrow_array::types::{
    Int64Type, TimestampMicrosecondType, TimestampMillisecondType, TimestampNanosecondType, TimestampSecondType,
};
use arrow_array::{Array, Int64Array};
use arrow_schema::{DataType, TimeUnit};

/// A timestamp column's stored counts, its unit and whether it has a zone.
pub(crate) struct Timestamps {
    counts: Int64Array,
    unit: TimeUnit,
    zoned: bool,
    /// The zone the column names, when it is not UTC, for the message.
    local_zone: Option<std::sync::Arc<str>>,
}

impl Timestamps {
    /// The column as timestamps, when it is a timestamp column.
    pub(crate) fn of(array: &dyn Array) -> Option<Timestamps> {
        let DataType::Timestamp(unit, zone) = array.data_type() else { return None };
        let counts = match unit {
            TimeUnit::Second => array.as_primitive_opt::<TimestampSecondType>()?.reinterpret_cast::<Int64Type>(),
            TimeUnit::Millisecond => {
                array.as_primitive_opt::<TimestampMillisecondType>()?.reinterpret_cast::<Int64Type>()
            }
            TimeUnit::Microsecond => {
                array.as_primitive_opt::<TimestampMicrosecondType>()?.reinterpret_cast::<Int64Type>()
            }
            TimeUnit::Nanosecond => {
                array.as_primitive_opt::<TimestampNanosecondType>()?.reinterpret_cast::<Int64Type>()
            }
        };
        let local_zone = zone.clone().filter(|z| !matches!(&**z, "UTC" | "Etc/UTC" | "Z" | "+00:00" | "utc"));
        Some(Timestamps { counts, unit: *unit, zoned: zone.is_some(), local_zone })
    }

    /// The non-null cell at `row` as a date, or why it is not one.
    #[inline]
    pub(crate) fn date(&self, row: usize) -> Result<Value, String> {
        let count = self.counts.value(row);
        match day_of(count, per_second(self.unit) * 86_400) {
            Day::Whole(day) => Ok(Value::Date(day)),
            Day::Partial => Err(match &self.local_zone {
                // Local midnight in a zone east or west of UTC is another time of day in UTC.
                Some(zone) => format!(
                    "expected date (YYYY-MM-DD), found the timestamp {}, which is not midnight UTC: \
                     a zoned timestamp (this column's zone is {zone}) is an instant, a date only at \
                     midnight UTC; write the column as a DATE (Spark `to_date`, pandas `.dt.date`)",
                    self.shown(count)
                ),
                None => format!(
                    "expected date (YYYY-MM-DD), found the timestamp {}, which is not midnight{}: \
                     a date stored as a timestamp must be a whole day",
                    self.shown(count),
                    if self.zoned { " UTC" } else { "" }
                ),
            }),
            Day::OutOfRange => {
                Err(format!("expected date (YYYY-MM-DD), found the timestamp {count} ({:?}), out of range", self.unit))
            }
        }
    }

    /// The timestamp as a person reads it: `2026-03-01T13:45:00` (with `Z` when zoned).
    fn shown(&self, count: i64) -> String {
        let per = per_second(self.unit);
        let (seconds, fraction) = (count.div_euclid(per), count.rem_euclid(per));
        let nanos = u32::try_from(fraction * (1_000_000_000 / per)).unwrap_or(0);
        match chrono::DateTime::from_timestamp(seconds, nanos) {
            Some(t) => {
                let text = t.naive_utc().format("%Y-%m-%dT%H:%M:%S%.f").to_string();
                if self.zoned {
                    format!("{text}Z")
                } else {
                    text
                }
            }
            None => format!("{count} ({:?})", self.unit),
        }
    }
}

/// What a count of time units since 1970-01-01T00:00 is as a date.
pub(crate) enum Day {
    /// Exactly midnight of this day.
    Whole(crate::value::Date),
    /// A time of day: a date is never had by dropping it.
    Partial,
    /// Outside the dates verdict reads.
    OutOfRange,
}

/// The day `count` falls on, `per_day` counts to a day (a TIMESTAMP's unit,
/// or DATE64's milliseconds).
pub(crate) fn day_of(count: i64, per_day: i64) -> Day {
    match i32::try_from(count.div_euclid(per_day)).ok().and_then(from_date32) {
        Some(day) if count.rem_euclid(per_day) == 0 => Day::Whole(day),
        Some(_) => Day::Partial,
        None => Day::OutOfRange,
    }
}

/// How many counts of `unit` make a second.
fn per_second(unit: TimeUnit) -> i64 {
    match unit {
        TimeUnit::Second => 1,
        TimeUnit::Millisecond => 1_000,
        TimeUnit::Microsecond => 1_000_000,
        TimeUnit::Nanosecond => 1_000_000_000,
    }
}
