//! Reading snapshots at the limits (spec §3): a snapshot over the maximum
//! size is an error record in its place, a whole file over it is not read,
//! and very wide headers and schemas are read without quadratic work.

mod snapshot_support;

use snapshot_support::{get, read, schema, FLAT_SCHEMA};
use std::path::Path;
use verdict::schema::load_schema;
use verdict::snapshot::{read_snapshots, read_snapshots_with, Format, ReadError, ReadLimits};
use verdict::value::Value;

/// Reads with a maximum snapshot size of `max` bytes; the ids (or `-`) and error messages.
fn read_limited(format: Format, input: &str, max: u64) -> Vec<(String, String)> {
    let limits = ReadLimits { max_snapshot_bytes: max, ..ReadLimits::default() };
    let reader = read_snapshots_with(input.as_bytes(), format, schema(FLAT_SCHEMA), limits).unwrap();
    reader
        .map(|item| match item {
            Ok(s) => (s.id.to_string(), String::new()),
            Err(e) => (e.id.map_or("-".into(), |k| k.to_string()), e.message),
        })
        .collect()
}

fn flat(id: &str, tag: &str) -> String {
    format!(
        r#"{{"id": "{id}", "as_of": "2026-11-01", "status": "active", "credit_limit": "10", "score": 700, "identity": {{"verified": true}}, "tags": ["{tag}"]}}"#
    )
}

#[test]
fn a_snapshot_over_the_maximum_is_an_error_record_in_its_place() {
    let big_tag = "x".repeat(500);
    let (a, big, c) = (flat("A", "t"), flat("B", &big_tag), flat("C", "t"));
    let over = |place: &str, bytes: usize| {
        format!("{place}: the snapshot is {bytes} bytes, over the maximum of 300 bytes (--max-snapshot-bytes)")
    };
    let ok = |id: &str| (id.to_string(), String::new());

    // JSON Lines: the line (without its line end) is measured and skipped
    // unread but for its start, where the id is read from.
    let lines = format!("{a}\n{big}\r\n\n{c}\n");
    assert_eq!(read_limited(Format::Jsonl, &lines, 300), [ok("A"), ("B".into(), over("line 2", big.len())), ok("C")]);
    // A line of exactly the maximum is read whatever ends it, last line or not.
    let max = a.len() as u64;
    for end in ["\n", "\r\n", "\r", ""] {
        assert_eq!(read_limited(Format::Jsonl, &format!("{a}{end}"), max), [ok("A")], "{end:?}");
        let one_over = format!("{{ {}{end}", &a[1..]);
        assert_eq!(read_limited(Format::Jsonl, &one_over, max), [("A".into(), over_by(max, max + 1))], "{end:?}");
    }
    // Its first 4 KiB are kept for the id however low the maximum: an id
    // there is read, one after them is not guessed at.
    let early = format!("{{\"tags\": [\"{big_tag}\"], \"id\": \"E\"}}");
    assert_eq!(read_limited(Format::Jsonl, &early, 300), [("E".into(), over("line 1", early.len()))]);
    assert_eq!(read_limited(Format::Jsonl, &a, 5), [("A".into(), over_by(5, a.len() as u64))]);
    // After a byte-order mark opening the file, too (as a snapshot of any size is read).
    let marked = format!("\u{feff}{big}\n");
    assert_eq!(read_limited(Format::Jsonl, &marked, 300)[0].0, "B");
    assert_eq!(read_limited(Format::Json, &marked, 300)[0].0, "B");
    let late = format!("{{\"tags\": [\"{}\"], \"id\": \"L\"}}", "x".repeat(5000));
    assert_eq!(read_limited(Format::Jsonl, &late, 300), [("-".into(), over("line 1", late.len()))]);

    // A JSON array: the element.
    let array = format!("[{a},\n {big},\n {c}]");
    let place = "the array element at line 2, column 2";
    assert_eq!(read_limited(Format::Json, &array, 300), [ok("A"), ("B".into(), over(place, big.len())), ok("C")]);

    // A file of one JSON object: the file.
    assert_eq!(read_limited(Format::Json, &big, 300), [("B".into(), over("the file's one JSON object", big.len()))]);
    assert_eq!(read_limited(Format::Json, &a, 300), [ok("A")]);

    // CSV: the row's cells (and separators); the key is still named.
    let csv = format!("id,status,credit_limit,score,identity.verified,tags\nA,active,10,700,true,t\nB,active,10,700,true,{big_tag}\nC,active,10,700,true,t\n");
    let row = 1 + 6 + 2 + 3 + 4 + big_tag.len() + 5;
    assert_eq!(read_limited(Format::Csv, &csv, 300), [ok("A"), ("B".into(), over("line 3", row)), ok("C")]);
    let a_row = "A,active,10,700,true,t";
    let exactly = format!("id,status,credit_limit,score,identity.verified,tags\r\n{a_row}\r\n");
    assert_eq!(read_limited(Format::Csv, &exactly, a_row.len() as u64), [ok("A")]);

    // Within the maximum, all of them are read.
    for format in [Format::Jsonl, Format::Json] {
        let input = if format == Format::Jsonl { &lines } else { &array };
        assert!(read_limited(format, input, 10_000).iter().all(|(_, e)| e.is_empty()));
    }
}

/// The message of a snapshot of `bytes` on line 1 over a maximum of `max`.
fn over_by(max: u64, bytes: u64) -> String {
    format!("line 1: the snapshot is {bytes} bytes, over the maximum of {max} bytes (--max-snapshot-bytes)")
}

#[test]
fn a_json_or_yaml_file_over_the_maximum_is_not_read() {
    let limits = ReadLimits { max_file_bytes: 100, ..ReadLimits::default() };
    let text = format!("[{}]", flat("A", "t"));
    for format in [Format::Json, Format::Yaml] {
        let e = read_snapshots_with(text.as_bytes(), format, schema(FLAT_SCHEMA), limits).unwrap_err();
        assert!(matches!(e, ReadError::FileTooLarge { limit: 100 }), "{e:?}");
        assert_eq!(e.code(), "R009");
        assert!(e.help().unwrap().contains("JSON Lines"));
    }
    // Exactly at the maximum is fine; streamed formats have no file maximum.
    let limits = ReadLimits { max_file_bytes: text.len() as u64, ..ReadLimits::default() };
    assert_eq!(read_snapshots_with(text.as_bytes(), Format::Json, schema(FLAT_SCHEMA), limits).unwrap().count(), 1);
    let limits = ReadLimits { max_file_bytes: 1, ..ReadLimits::default() };
    let lines = format!("{}\n{}\n", flat("A", "t"), flat("B", "t"));
    assert_eq!(read_snapshots_with(lines.as_bytes(), Format::Jsonl, schema(FLAT_SCHEMA), limits).unwrap().count(), 2);
}

#[test]
fn a_csv_header_of_a_hundred_thousand_columns_is_read() {
    // Columns the schema does not name are ignored; checking the header for
    // repeats must not compare every cell with every other.
    let extra: Vec<String> = (0..100_000).map(|i| format!("note{i}")).collect();
    let header = format!("id,status,credit_limit,score,identity.verified,tags,{}", extra.join(","));
    let row = format!("A,active,10,700,true,t,{}", ",".repeat(extra.len() - 1));
    let items = read(Format::Csv, &format!("{header}\n{row}\n"), &schema(FLAT_SCHEMA));
    assert_eq!(items.len(), 1);
    assert!(items[0].is_ok(), "{:?}", items[0]);
    let repeated = format!("{header},note77\n{row},\n");
    let mut reader = read_snapshots(repeated.as_bytes(), Format::Csv, schema(FLAT_SCHEMA)).unwrap();
    let e = reader.take_header_fault().unwrap();
    assert!(matches!(e, ReadError::DuplicateColumn { column } if column == "note77"));
    assert_eq!(reader.filter(Result::is_err).count(), 1, "the row is an error item");
}

#[test]
fn a_schema_of_twenty_thousand_fields_reads_keys_in_any_order() {
    // Keys are looked up by name, not searched field by field (in order, a
    // snapshot's keys are matched by position before any lookup).
    let n = 20_000;
    let mut text = String::from("entity: account\nkey: id\nfields:\n  id: string\n");
    for i in 0..n {
        text.push_str(&format!("  f{i}: int?\n"));
    }
    let s = schema(&text);
    let reversed: Vec<String> = (0..n).rev().map(|i| format!("\"f{i}\": {i}")).collect();
    let json = format!("{{\"id\": \"W\", \"as_of\": \"2026-11-01\", {}}}", reversed.join(", "));
    let yaml: String = std::iter::once("id: W\nas_of: 2026-11-01\n".to_string())
        .chain((0..n).rev().map(|i| format!("f{i}: {i}\n")))
        .collect();
    for (format, input) in [(Format::Jsonl, json), (Format::Yaml, yaml)] {
        let items = read(format, &input, &s);
        let snapshot = items[0].as_ref().unwrap();
        for i in [0, 1, 16, 17, 9_999, n - 1] {
            assert_eq!(get(&s, &snapshot.record, &format!("f{i}")), &Value::Int(i as i64), "{format:?} f{i}");
        }
    }
    // A field named twice is still found, however many there are.
    let e = load_schema(Path::new("w.schema.yaml"), &format!("{text}  f77: int\n")).unwrap_err();
    assert!(e.iter().any(|d| d.code == "S007" && d.message.contains("`f77` is defined twice")), "{e:?}");
}
