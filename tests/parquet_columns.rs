//! A Parquet batch is converted column by column: each row's problems must
//! still come out in the schema's field order, as the JSON reader lists
//! them, and the typed columns (INT32, DECIMAL, DATE, BOOLEAN, a struct
//! with nulls) must read exactly as the same snapshot in JSON.

use arrow_array::builder::Decimal128Builder;
use arrow_array::{ArrayRef, BooleanArray, Date32Array, Int32Array, RecordBatch, StringArray, StructArray};
use arrow_buffer::NullBuffer;
use arrow_schema::{DataType, Field, Fields};
use parquet::arrow::ArrowWriter;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use verdict::schema::Schema;
use verdict::snapshot::{open_snapshot_file, parse_json_snapshot, Format, ReadItem, ReadLimits};

const SCHEMA: &str = "entity: account\nkey: id\nfields:\n  id: string\n  grade: enum(a, b)\n  score: int\n  \
limits:\n    line: money\n    since: date\n  active: bool\n";

fn batch() -> RecordBatch {
    let mut line = Decimal128Builder::new();
    line.append_value(125_050);
    line.append_value(99);
    line.append_value(1);
    let line = line.finish().with_precision_and_scale(12, 2).unwrap();
    let limits_fields = Fields::from(vec![
        Field::new("line", DataType::Decimal128(12, 2), true),
        Field::new("since", DataType::Date32, true),
    ]);
    let limits = StructArray::try_new(
        limits_fields,
        vec![Arc::new(line) as ArrayRef, Arc::new(Date32Array::from(vec![Some(20_000), None, Some(1)]))],
        // The third row's `limits` struct is null: its fields are null.
        Some(NullBuffer::from(vec![true, true, false])),
    )
    .unwrap();
    RecordBatch::try_from_iter(vec![
        ("id", Arc::new(StringArray::from(vec!["A", "B", "C"])) as ArrayRef),
        ("grade", Arc::new(StringArray::from(vec!["a", "z", "b"]))),
        ("score", Arc::new(Int32Array::from(vec![Some(700), None, Some(-3)]))),
        ("limits", Arc::new(limits)),
        ("active", Arc::new(BooleanArray::from(vec![Some(true), Some(false), None]))),
    ])
    .unwrap()
}

/// A scratch folder named after `what` (and this process) holding the
/// schema `text`, and the schema loaded from it.
fn scratch(what: &str, text: &str) -> (PathBuf, Arc<Schema>) {
    let dir = std::env::temp_dir().join(format!("verdict-parquet-{what}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let schema_path = dir.join("s.schema.yaml");
    std::fs::write(&schema_path, text).unwrap();
    let schema = Arc::new(verdict::load::load_schema_file(&schema_path).unwrap());
    (dir, schema)
}

/// Writes `batch` as the Parquet book `path` and reads it back, one item per row.
fn write_and_read(path: &Path, batch: &RecordBatch, schema: &Arc<Schema>) -> Vec<ReadItem> {
    let mut writer = ArrowWriter::try_new(std::fs::File::create(path).unwrap(), batch.schema(), None).unwrap();
    writer.write(batch).unwrap();
    writer.close().unwrap();
    open_snapshot_file(path, Format::Parquet, schema.clone(), ReadLimits::default()).unwrap().collect()
}

#[test]
fn each_rows_problems_come_in_field_order_as_from_json() {
    let (dir, schema) = scratch("columns", SCHEMA);
    let items = write_and_read(&dir.join("b.parquet"), &batch(), &schema);
    assert_eq!(items.len(), 3);

    let first = parse_json_snapshot(
        r#"{"id": "A", "grade": "a", "score": 700, "limits": {"line": "1250.50", "since": "2024-10-04"}, "active": true}"#,
        &schema,
    )
    .unwrap();
    assert_eq!(items[0].as_ref().unwrap(), &first);

    let second = parse_json_snapshot(
        r#"{"id": "B", "grade": "z", "score": null, "limits": {"line": "0.99", "since": null}, "active": false}"#,
        &schema,
    )
    .unwrap_err();
    let from_parquet = items[1].as_ref().unwrap_err();
    assert_eq!(from_parquet.message, second.message);
    assert_eq!(
        from_parquet.message,
        r#"grade: expected one of (a, b), found "z"; score: expected int, found null; limits.since: expected date (YYYY-MM-DD), found null"#
    );

    // A null struct leaves its fields unsaid, as a JSON `null` record does.
    let third = items[2].as_ref().unwrap_err();
    let json = r#"{"id": "C", "grade": "b", "score": -3, "limits": null, "active": null}"#;
    assert_eq!(third.message, parse_json_snapshot(json, &schema).unwrap_err().message);
    assert_eq!(
        third.message,
        "active: expected bool, found null; limits.line: missing required field; limits.since: missing required field"
    );
    assert_eq!(third.id.as_ref().map(ToString::to_string).as_deref(), Some("C"));
}

/// A DECIMAL wider than an exact decimal (30 places) is read when its extra
/// places are zeros, refused when one is significant; a negative scale (as
/// Arrow data from Python may have) multiplies, and its error reads as
/// plain digits, as the data's owner would look the value up.
#[test]
fn wide_and_negative_decimal_scales_read_exactly_or_not_at_all() {
    use arrow_array::Decimal128Array;
    let schema = "entity: account\nkey: id\nfields:\n  id: string\n  amount: money\n  fee: money\n";
    let (_, schema) = scratch("scales", schema);
    let tenth = 10i128.pow(29);
    let amount = Decimal128Array::from(vec![15 * tenth, 1, 15 * tenth]).with_precision_and_scale(38, 30).unwrap();
    let fee = Decimal128Array::from(vec![12, 12, i128::MAX / 10]).with_precision_and_scale(38, -2).unwrap();
    let batch = RecordBatch::try_from_iter(vec![
        ("id", Arc::new(StringArray::from(vec!["A", "B", "C"])) as ArrayRef),
        ("amount", Arc::new(amount)),
        ("fee", Arc::new(fee)),
    ])
    .unwrap();
    let mut items = Vec::new();
    verdict::snapshot::bind_batch(&schema, batch).unwrap().convert(&schema, &mut items);
    assert_eq!(items.len(), 3);
    let a = parse_json_snapshot(r#"{"id": "A", "amount": "1.5", "fee": "1200"}"#, &schema).unwrap();
    assert_eq!(items[0].as_ref().unwrap(), &a);
    // Said as the JSON reader says the same number.
    let b = items[1].as_ref().unwrap_err();
    let tiny = r#"{"id": "B", "amount": 0.000000000000000000000000000001, "fee": "1200"}"#;
    let json = parse_json_snapshot(tiny, &schema).unwrap_err();
    assert_eq!(b.message, json.message);
    assert_eq!(
        b.message,
        "amount: expected money, found 0.000000000000000000000000000001 (more digits than an exact decimal holds)"
    );
    let c = items[2].as_ref().unwrap_err();
    assert_eq!(
        c.message,
        "fee: expected money, found 1701411834604692317316873037158841057200 (more digits than an exact decimal holds)"
    );
}

/// Spark and pandas write dates as timestamps: in every unit, zoned or
/// naive, a midnight is that date (also for `as_of`), and any other time of
/// day is an error record for that snapshot naming the column and the value,
/// never a date with its time dropped.
#[test]
fn timestamp_columns_of_midnights_are_dates_in_every_unit() {
    use arrow_array::{
        TimestampMicrosecondArray, TimestampMillisecondArray, TimestampNanosecondArray, TimestampSecondArray,
    };
    let schema = "entity: account\nkey: id\nfields:\n  id: string\n  opened_on: date\n  closed_on: date?\n";
    let (dir, schema) = scratch("timestamps", schema);
    let day = 20_000i64 * 86_400; // 2024-10-04T00:00:00, in seconds
    for (unit, per_second) in [("s", 1i64), ("ms", 1_000), ("us", 1_000_000), ("ns", 1_000_000_000)] {
        for zone in [None, Some("UTC"), Some("+05:00")] {
            // Midnight; 13:45:30 and a half (a whole second in seconds); the day before 1970.
            let counts = vec![day * per_second, (day + 49_530) * per_second + per_second / 2, -86_400 * per_second];
            let column: ArrayRef = match unit {
                "s" => Arc::new(TimestampSecondArray::from(counts).with_timezone_opt(zone)),
                "ms" => Arc::new(TimestampMillisecondArray::from(counts).with_timezone_opt(zone)),
                "us" => Arc::new(TimestampMicrosecondArray::from(counts).with_timezone_opt(zone)),
                _ => Arc::new(TimestampNanosecondArray::from(counts).with_timezone_opt(zone)),
            };
            let batch = RecordBatch::try_from_iter(vec![
                ("id", Arc::new(StringArray::from(vec!["A", "B", "C"])) as ArrayRef),
                ("opened_on", column.clone()),
                ("closed_on", column.clone()),
                ("as_of", column),
            ])
            .unwrap();
            let book = dir.join(format!("b-{unit}-{}.parquet", zone.map_or(0, str::len)));
            let items = write_and_read(&book, &batch, &schema);
            let context = format!("{unit} {zone:?}");
            let json = |id: &str, date: &str| {
                let text =
                    format!(r#"{{"id": "{id}", "opened_on": "{date}", "closed_on": "{date}", "as_of": "{date}"}}"#);
                parse_json_snapshot(&text, &schema).unwrap()
            };
            assert_eq!(items[0].as_ref().unwrap(), &json("A", "2024-10-04"), "{context}");
            assert_eq!(items[2].as_ref().unwrap(), &json("C", "1969-12-31"), "{context}");
            let fraction = if unit == "s" { "" } else { ".500" };
            let utc = if zone.is_some() { "Z, which is not midnight UTC" } else { ", which is not midnight" };
            let found = format!("expected date (YYYY-MM-DD), found the timestamp 2024-10-04T13:45:30{fraction}{utc}");
            let b = items[1].as_ref().unwrap_err();
            for column in ["opened_on", "closed_on", "as_of"] {
                assert!(b.message.contains(&format!("{column}: {found}: ")), "{context}: {}", b.message);
            }
            assert_eq!(b.id.as_ref().map(ToString::to_string).as_deref(), Some("B"));
            // A zone other than UTC is named, with the way to a DATE column.
            let named = b.message.contains("this column's zone is +05:00") && b.message.contains("to_date");
            assert_eq!(named, zone == Some("+05:00"), "{context}: {}", b.message);
        }
    }
}

/// A DATE64 column counts milliseconds: a whole day is that date, and a
/// value with a time of day left in it is an error record for that snapshot,
/// never a date with its time dropped.
#[test]
fn date64_columns_read_whole_days_and_refuse_a_time_of_day() {
    let schema = "entity: account\nkey: id\nfields:\n  id: string\n  opened_on: date\n";
    let (dir, schema) = scratch("date64", schema);
    let day = 20_000i64 * 86_400_000; // 2024-10-04, in milliseconds
    let counts = vec![day, day + 49_530_500, -86_400_000];
    let batch = RecordBatch::try_from_iter(vec![
        ("id", Arc::new(StringArray::from(vec!["A", "B", "C"])) as ArrayRef),
        ("opened_on", Arc::new(arrow_array::Date64Array::from(counts))),
    ])
    .unwrap();
    let items = write_and_read(&dir.join("b.parquet"), &batch, &schema);
    let json = |id: &str, date: &str| {
        parse_json_snapshot(&format!(r#"{{"id": "{id}", "opened_on": "{date}"}}"#), &schema).unwrap()
    };
    assert_eq!(items.len(), 3);
    assert_eq!(items[0].as_ref().unwrap(), &json("A", "2024-10-04"));
    assert_eq!(items[2].as_ref().unwrap(), &json("C", "1969-12-31"));
    let b = items[1].as_ref().unwrap_err();
    assert!(
        b.message.contains(
            "opened_on: expected date (YYYY-MM-DD), found the DATE64 value 1728049530500 ms, which is not a whole day"
        ),
        "{}",
        b.message
    );
    assert_eq!(b.id.as_ref().map(ToString::to_string).as_deref(), Some("B"));
}

/// A DATE column holds days far beyond 0000-01-01 to 9999-12-31, the dates
/// `YYYY-MM-DD` writes (and the text readers take): such a day is its row's
/// error, never a decision dated `+26059-12-28`. Year 0 is read as in text
/// (it was refused in a column and decided in JSON).
#[test]
fn date32_days_outside_years_0_to_9999_are_their_rows_errors() {
    let schema = "entity: account\nkey: id\nfields:\n  id: string\n  opened_on: date\n";
    let (dir, schema) = scratch("date32-range", schema);
    let days = vec![-719_528, 2_932_896, -719_529, 2_932_897, 8_798_688, -7_191_620];
    let batch = RecordBatch::try_from_iter(vec![
        ("id", Arc::new(StringArray::from(vec!["A", "B", "C", "D", "E", "F"])) as ArrayRef),
        ("opened_on", Arc::new(Date32Array::from(days))),
    ])
    .unwrap();
    let items = write_and_read(&dir.join("b.parquet"), &batch, &schema);
    let json = |id: &str, date: &str| {
        parse_json_snapshot(&format!(r#"{{"id": "{id}", "opened_on": "{date}"}}"#), &schema).unwrap()
    };
    assert_eq!(items.len(), 6);
    assert_eq!(items[0].as_ref().unwrap(), &json("A", "0000-01-01"));
    assert_eq!(items[1].as_ref().unwrap(), &json("B", "9999-12-31"));
    for item in &items[2..] {
        let e = item.as_ref().unwrap_err();
        assert!(
            e.message.contains("opened_on: expected date (YYYY-MM-DD), found a date outside 0000-01-01 to 9999-12-31"),
            "{}",
            e.message
        );
    }
}

/// An int key written as a number its type cannot hold (an unsigned one past
/// `i64`, a fraction) still names its row's error record, as the JSON reader
/// names it (`9223372036854775808`, `7.5`): the id was lost.
#[test]
fn an_int_key_out_of_its_type_names_its_error_record() {
    use arrow_array::{Float64Array, UInt64Array};
    let schema = "entity: account\nkey: id\nfields:\n  id: int\n  score: int\n";
    let (dir, schema) = scratch("int-key", schema);
    let ids: [(&str, ArrayRef); 2] = [
        ("unsigned", Arc::new(UInt64Array::from(vec![1, 1 << 63]))),
        ("float", Arc::new(Float64Array::from(vec![1.0, 7.5]))),
    ];
    for (what, id) in ids {
        let batch =
            RecordBatch::try_from_iter(vec![("id", id), ("score", Arc::new(Int32Array::from(vec![1, 2])) as ArrayRef)])
                .unwrap();
        let items = write_and_read(&dir.join(format!("{what}.parquet")), &batch, &schema);
        assert_eq!(items[0].as_ref().map(|s| s.id.to_string()).ok().as_deref(), Some("1"), "{what}");
        let e = items[1].as_ref().unwrap_err();
        let expected = if what == "float" { "7.5" } else { "9223372036854775808" };
        assert_eq!(e.id.as_ref().map(ToString::to_string).as_deref(), Some(expected), "{what}: {}", e.message);
        assert!(e.message.starts_with("id: expected int"), "{}", e.message);
    }
}

/// pyarrow, pandas and polars type a list column whose every list is empty as
/// `list<null>`: it fits a set and a list of records alike, each row read as
/// the same snapshot in JSON, a null item failing its row as in JSON.
#[test]
fn list_of_null_columns_are_empty_sets_and_lists() {
    let schema = "entity: account\nkey: id\nfields:\n  id: string\n  tags: set<string>\n  overdues:\n    list:\n      \
due_on: date\n      days: int\n    by: due_on\n";
    let (dir, schema) = scratch("list-of-null", schema);
    let lists_of_null = || {
        let item = Arc::new(Field::new("item", DataType::Null, true));
        let offsets = arrow_buffer::OffsetBuffer::new(vec![0i32, 0, 0, 1].into());
        let values = Arc::new(arrow_array::NullArray::new(1)) as ArrayRef;
        let nulls = NullBuffer::from(vec![true, false, true]);
        Arc::new(arrow_array::ListArray::try_new(item, offsets, values, Some(nulls)).unwrap()) as ArrayRef
    };
    let batch = RecordBatch::try_from_iter(vec![
        ("id", Arc::new(StringArray::from(vec!["A", "B", "C"])) as ArrayRef),
        ("tags", lists_of_null()),
        ("overdues", lists_of_null()),
    ])
    .unwrap();
    assert_eq!(batch.schema().field(1).data_type().to_string(), "List(Null)");
    let items = write_and_read(&dir.join("b.parquet"), &batch, &schema);
    let from_json = |text: &str| match parse_json_snapshot(text, &schema) {
        Ok(snapshot) => Ok(snapshot),
        Err(e) => Err(e.message),
    };
    let read: Vec<_> = items.into_iter().map(|item| item.map_err(|e| e.message)).collect();
    assert_eq!(
        read,
        vec![
            from_json(r#"{"id": "A", "tags": [], "overdues": []}"#),
            from_json(r#"{"id": "B", "tags": null, "overdues": null}"#),
            // Said as the JSON reader says it (the reference promises its message).
            from_json(r#"{"id": "C", "tags": [null], "overdues": [null]}"#),
        ]
    );
    assert!(read[0].is_ok() && read[1].is_err(), "{read:?}");
    assert_eq!(
        from_json(r#"{"id": "C", "tags": [null], "overdues": [null]}"#).unwrap_err(),
        "tags[0]: expected string, found null; overdues[0]: expected an object, found null"
    );
    // A list of another item type is refused for the set as a whole.
    let numbers = arrow_array::ListArray::from_iter_primitive::<arrow_array::types::Int64Type, _, _>([Some([Some(1)])]);
    let wrong = RecordBatch::try_from_iter(vec![
        ("id", Arc::new(StringArray::from(vec!["A"])) as ArrayRef),
        ("tags", Arc::new(numbers) as ArrayRef),
    ])
    .unwrap();
    let refused = verdict::snapshot::bind_batch(&schema, wrong).err();
    let first = refused.as_ref().and_then(|e| e.problems().first()).map(ToString::to_string);
    assert_eq!(first.as_deref(), Some("Parquet column `tags` is List(Int64); the field needs a list of string"));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_column_of_nulls_where_a_struct_belongs_is_a_null_record() {
    // pandas gives a struct column of an empty frame the type `null` (no value
    // tells it more): `limits.line` and `limits.since` are then nulls, as in
    // a row whose struct is null, not a missing column refusing the table.
    let (dir, schema) = scratch("null-struct", SCHEMA);
    let rows = |n: usize| {
        RecordBatch::try_from_iter(vec![
            ("id", Arc::new(StringArray::from(vec!["A"; n])) as ArrayRef),
            ("grade", Arc::new(StringArray::from(vec!["a"; n]))),
            ("score", Arc::new(Int32Array::from(vec![700; n]))),
            ("limits", Arc::new(arrow_array::NullArray::new(n))),
            ("active", Arc::new(BooleanArray::from(vec![true; n]))),
        ])
        .unwrap()
    };
    let mut items = Vec::new();
    verdict::snapshot::bind_batch(&schema, rows(2)).unwrap().convert(&schema, &mut items);
    // As a null struct in a row reads (see the third row above), and as JSON's `"limits": null`.
    let json = r#"{"id": "A", "grade": "a", "score": 700, "limits": null, "active": true}"#;
    let expected: Result<verdict::snapshot::Snapshot, String> =
        Err(parse_json_snapshot(json, &schema).unwrap_err().message);
    assert_eq!(
        expected.as_ref().unwrap_err(),
        "limits.line: missing required field; limits.since: missing required field"
    );
    let read: Vec<_> = items.into_iter().map(|item| item.map_err(|e| e.message)).collect();
    assert_eq!(read, vec![expected.clone(), expected]);
    let mut none = Vec::new();
    verdict::snapshot::bind_batch(&schema, rows(0)).unwrap().convert(&schema, &mut none);
    assert!(none.is_empty());
    std::fs::remove_dir_all(&dir).unwrap();
}

/// pandas stores a `category` column as a dictionary of its values' type
/// (Decimal, bool, int) in the schema it writes; the Parquet decoders build
/// only dictionaries of text, and asked for another failed every row of a
/// sound file ("damaged"). The values read as the plain column's.
#[test]
fn dictionaries_of_decimals_booleans_and_ints_read_as_their_values() {
    use arrow_array::types::Int8Type;
    use arrow_array::{DictionaryArray, Int8Array};
    let (dir, schema) = scratch("dictionaries", SCHEMA);
    let plain = batch();
    let keys = Int8Array::from(vec![0, 1, 0]);
    let as_dictionary =
        |values: ArrayRef| Arc::new(DictionaryArray::<Int8Type>::try_new(keys.clone(), values).unwrap());
    let mut lines = Decimal128Builder::new();
    lines.append_value(125_050);
    lines.append_value(99);
    let lines = Arc::new(lines.finish().with_precision_and_scale(12, 2).unwrap()) as ArrayRef;
    let limits = StructArray::try_new(
        Fields::from(vec![
            Field::new(
                "line",
                DataType::Dictionary(Box::new(DataType::Int8), Box::new(DataType::Decimal128(12, 2))),
                true,
            ),
            Field::new("since", DataType::Date32, true),
        ]),
        vec![as_dictionary(lines), Arc::new(Date32Array::from(vec![Some(20_000), None, Some(20_000)]))],
        None,
    )
    .unwrap();
    let coded = RecordBatch::try_from_iter(vec![
        ("id", plain.column(0).clone()),
        ("grade", as_dictionary(Arc::new(StringArray::from(vec!["a", "z"])))),
        ("score", as_dictionary(Arc::new(Int32Array::from(vec![700, -3])))),
        ("limits", Arc::new(limits) as ArrayRef),
        ("active", as_dictionary(Arc::new(BooleanArray::from(vec![true, false])))),
    ])
    .unwrap();
    let read = write_and_read(&dir.join("dictionaries.parquet"), &coded, &schema);
    let json = [
        r#"{"id":"A","grade":"a","score":700,"limits":{"line":"1250.50","since":"2024-10-04"},"active":true}"#,
        r#"{"id":"B","grade":"z","score":-3,"limits":{"line":"0.99","since":null},"active":false}"#,
        r#"{"id":"C","grade":"a","score":700,"limits":{"line":"1250.50","since":"2024-10-04"},"active":true}"#,
    ];
    assert_eq!(read.len(), 3);
    for (item, line) in read.iter().zip(json) {
        let expected = parse_json_snapshot(line, &schema);
        assert_eq!(format!("{item:?}"), format!("{expected:?}"), "{line}");
    }
    std::fs::remove_dir_all(dir).unwrap();
}

/// A field given by two columns (two of one name, or a flat `limits.line`
/// beside a struct `limits` holding `line`) is refused by name: which one was
/// meant cannot be told, and reading the first would decide on a guess.
#[test]
fn a_field_given_by_two_columns_refuses_the_file() {
    let (dir, schema) = scratch("two-columns", SCHEMA);
    let plain = batch();
    let limits = plain.column(3).as_any().downcast_ref::<StructArray>().unwrap().clone();
    let cases = [("score", plain.column(2).clone()), ("limits.line", limits.column(0).clone())];
    let names = plain.schema();
    for (field, values) in cases {
        let mut columns: Vec<(&str, ArrayRef)> =
            names.fields().iter().map(|f| f.name().as_str()).zip(plain.columns().iter().cloned()).collect();
        columns.push((field, values));
        let twice = RecordBatch::try_from_iter(columns).unwrap();
        let path = dir.join("twice.parquet");
        let mut writer = ArrowWriter::try_new(std::fs::File::create(&path).unwrap(), twice.schema(), None).unwrap();
        writer.write(&twice).unwrap();
        writer.close().unwrap();
        let error = open_snapshot_file(&path, Format::Parquet, schema.clone(), ReadLimits::default()).unwrap_err();
        assert_eq!(error.code(), "R024", "{error}");
        assert_eq!(error.to_string(), format!("the Parquet file gives the field `{field}` in 2 columns"));
    }
    std::fs::remove_dir_all(dir).unwrap();
}

/// A record's column of a type that cannot hold a record (`identity` as
/// text, a map or a number) is that column's type error, named, not "no
/// column" for a field inside it; whether the field is required or not.
#[test]
fn a_record_given_as_another_type_is_a_type_error_naming_its_column() {
    let schema =
        "entity: account\nkey: id\nfields:\n  id: string\n  identity:\n    verified: bool\n    note: string?\n";
    let (_, schema) = scratch("record-type", schema);
    for (identity, found) in [
        (Arc::new(StringArray::from(vec![r#"{"verified":true}"#])) as ArrayRef, "Utf8"),
        (Arc::new(arrow_array::Int64Array::from(vec![1])) as ArrayRef, "Int64"),
    ] {
        let batch = RecordBatch::try_from_iter(vec![
            ("id", Arc::new(StringArray::from(vec!["A"])) as ArrayRef),
            ("identity", identity),
        ])
        .unwrap();
        let Err(e) = verdict::snapshot::bind_batch(&schema, batch) else { panic!("{found}: bound") };
        assert_eq!(
            e.in_table_terms(),
            format!("column `identity` is {found}; the field needs a struct of the record's fields")
        );
    }
}
