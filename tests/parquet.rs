//! Parquet books: read by `eval`, `explain` and `test` as JSON Lines is,
//! every column type the reader takes, bad rows as error records in place,
//! float money refused, decisions written as Parquet, order under any --jobs.

mod common;

use arrow_array::builder::{Date32Builder, Decimal128Builder, Int32Builder, ListBuilder, StringBuilder};
use arrow_array::{
    Array, ArrayRef, BooleanArray, Float64Array, Int64Array, ListArray, RecordBatch, StringArray, StructArray,
};
use arrow_buffer::OffsetBuffer;
use arrow_schema::{DataType, Field, Fields};
use common::{repo_root as root, verdict_in};
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
use parquet::arrow::ArrowWriter;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use verdict::snapshot::{
    open_snapshot_file, parse_json_snapshot, read_snapshots, BookWriter, Format, ReadError, ReadLimits,
};

fn temp(name: &str) -> PathBuf {
    common::temp_folder("parquet", name)
}

fn write_batch(path: &Path, batch: &RecordBatch) {
    let file = std::fs::File::create(path).unwrap();
    let mut writer = ArrowWriter::try_new(file, batch.schema(), None).unwrap();
    writer.write(batch).unwrap();
    writer.close().unwrap();
}

fn lifecycle() -> verdict::LoadedPolicy {
    verdict::load_policy(&root().join("policies/lifecycle.policy")).unwrap()
}

/// The shipped portfolio's readable snapshots as a Parquet book and as the
/// JSON Lines they came from (lines that do not fit the schema left out of both).
fn portfolio_books(dir: &Path) -> (PathBuf, PathBuf) {
    let policy = lifecycle();
    let schema = &policy.program.schema;
    let text = std::fs::read_to_string(root().join("policies/portfolio.jsonl")).unwrap();
    let mut book = BookWriter::new(schema).unwrap();
    let mut parquet = Vec::new();
    let mut lines = String::new();
    for line in text.lines().filter(|l| !l.trim().is_empty()) {
        if let Ok(snapshot) = parse_json_snapshot(line, schema) {
            book.push(snapshot, &mut parquet).unwrap();
            lines.push_str(line);
            lines.push('\n');
        }
    }
    book.finish(&mut parquet).unwrap();
    let (pq, jsonl) = (dir.join("portfolio.parquet"), dir.join("portfolio.jsonl"));
    std::fs::write(&pq, parquet).unwrap();
    std::fs::write(&jsonl, lines).unwrap();
    (pq, jsonl)
}

fn eval(args: &[&str]) -> String {
    let (code, out, err) = verdict_in(&root(), args);
    assert!(code == 0 || code == 1, "exit {code}: {err}");
    out
}

#[test]
fn the_portfolio_decides_the_same_from_parquet_as_from_json_lines() {
    let dir = temp("portfolio");
    let (pq, jsonl) = portfolio_books(&dir);
    let policy = "policies/lifecycle.policy";
    let from_json = eval(&["eval", policy, jsonl.to_str().unwrap()]);
    assert!(from_json.lines().count() > 30, "{from_json}");
    for jobs in ["1", "2", "3"] {
        let from_parquet = eval(&["eval", policy, pq.to_str().unwrap(), "--jobs", jobs, "--chunk", "4"]);
        assert_eq!(from_parquet, from_json, "--jobs {jobs}");
    }
}

#[test]
fn a_generated_book_decides_the_same_from_parquet_as_from_json_lines() {
    let dir = temp("generated");
    let (pq, jsonl) = (dir.join("book.parquet"), dir.join("book.jsonl"));
    for (format, path) in [("parquet", &pq), ("jsonl", &jsonl)] {
        let args = ["synth", "policies/account.schema.yaml", "-n", "3000", "--seed", "7", "--format", format];
        let (code, _, err) = verdict_in(&root(), &[&args[..], &["--output", path.to_str().unwrap()]].concat());
        assert_eq!(code, 0, "{err}");
    }
    let policy = "policies/lifecycle.policy";
    let from_json = eval(&["eval", policy, jsonl.to_str().unwrap(), "--jobs", "2"]);
    assert_eq!(from_json.lines().count(), 3000);
    for (jobs, chunk) in [("1", "1000"), ("2", "37"), ("4", "256")] {
        let from_parquet = eval(&["eval", policy, pq.to_str().unwrap(), "--jobs", jobs, "--chunk", chunk]);
        assert_eq!(from_parquet, from_json, "--jobs {jobs} --chunk {chunk}");
    }
}

#[test]
fn decisions_written_as_parquet_hold_what_the_json_decisions_say() {
    let dir = temp("output");
    let (pq, jsonl) = portfolio_books(&dir);
    let out = dir.join("decisions.parquet");
    let policy = "policies/lifecycle.policy";
    eval(&[
        "eval",
        policy,
        pq.to_str().unwrap(),
        "--format",
        "parquet",
        "--output",
        out.to_str().unwrap(),
        "--jobs",
        "2",
    ]);
    let json: Vec<serde_json::Value> =
        eval(&["eval", policy, jsonl.to_str().unwrap()]).lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    let reader = ParquetRecordBatchReaderBuilder::try_new(std::fs::File::open(&out).unwrap()).unwrap().build().unwrap();
    let mut rows = 0;
    for batch in reader {
        let batch = batch.unwrap();
        let schema = batch.schema();
        let names: Vec<&str> = schema.fields().iter().map(|f| f.name().as_str()).collect();
        assert_eq!(
            names,
            [
                "id",
                "outcome",
                "until",
                "limit",
                "reasons",
                "actions",
                "fired",
                "scores",
                "arms",
                "error_kind",
                "error_message"
            ]
        );
        assert_eq!(batch.column(3).data_type(), &DataType::Decimal128(38, 18));
        let ids = batch.column(0).as_any().downcast_ref::<StringArray>().unwrap();
        let outcomes = batch.column(1).as_any().downcast_ref::<StringArray>().unwrap();
        let limits = batch.column(3).as_any().downcast_ref::<arrow_array::Decimal128Array>().unwrap();
        let fired = batch.column(6).as_any().downcast_ref::<ListArray>().unwrap();
        let reasons = batch.column(4).as_any().downcast_ref::<ListArray>().unwrap();
        for row in 0..batch.num_rows() {
            let expected = &json[rows];
            assert_eq!(ids.value(row), expected["id"].as_str().unwrap());
            assert_eq!(outcomes.value(row), expected["outcome"].as_str().unwrap());
            let limit = (!limits.is_null(row)).then(|| {
                let d = rust_decimal::Decimal::from_i128_with_scale(limits.value(row), 18).normalize();
                d.to_string()
            });
            assert_eq!(limit.as_deref(), expected["limit"].as_str(), "row {rows}");
            let fired_row = fired.value(row);
            let fired_row = fired_row.as_any().downcast_ref::<StringArray>().unwrap();
            let fired_json: Vec<&str> =
                expected["fired"].as_array().unwrap().iter().map(|v| v.as_str().unwrap()).collect();
            assert_eq!(fired_row.iter().map(Option::unwrap).collect::<Vec<_>>(), fired_json);
            assert_eq!(reasons.value(row).len(), expected["reasons"].as_array().unwrap().len());
            rows += 1;
        }
    }
    assert_eq!(rows, json.len());
}

/// A snapshot of `tests/fixtures`'s small schema with every column type the reader takes.
fn every_type_schema(dir: &Path) -> PathBuf {
    let path = dir.join("every.schema.yaml");
    std::fs::write(
        &path,
        "entity: account\nkey: id\nfields:\n  id: int\n  grade: enum(a, b)\n  limit: money\n  rate: decimal\n  \
         cash: money\n  whole: money\n  opened_on: date\n  closed_on: date?\n  active: bool\n  note: string?\n  \
         limits:\n    credit: money\n    cash: money?\n  tags: set<string>\n  events:\n    list:\n      on: date\n      \
         days: int\n    by: on\n",
    )
    .unwrap();
    path
}

fn every_type_batch() -> RecordBatch {
    let mut limit = Decimal128Builder::new();
    limit.append_value(1_000_050);
    limit.append_value(-25);
    let limit = limit.finish().with_precision_and_scale(18, 2).unwrap();
    let mut opened = Date32Builder::new();
    opened.append_value(20_000);
    opened.append_value(0);
    let mut tags = ListBuilder::new(StringBuilder::new());
    tags.values().append_value("vip");
    tags.values().append_value("b");
    tags.values().append_value("vip");
    tags.append(true);
    tags.append(true);
    let credit = Arc::new(StringArray::from(vec!["500.5", "7"])) as ArrayRef;
    let inner_cash = Arc::new(Int64Array::from(vec![Some(3), None])) as ArrayRef;
    let limits_fields =
        Fields::from(vec![Field::new("credit", DataType::Utf8, false), Field::new("cash", DataType::Int64, true)]);
    let limits = StructArray::try_new(limits_fields, vec![credit, inner_cash], None).unwrap();
    let event_fields =
        Fields::from(vec![Field::new("on", DataType::Utf8, false), Field::new("days", DataType::Int32, false)]);
    let on = Arc::new(StringArray::from(vec!["2026-02-01", "2026-01-01", "2025-05-05"])) as ArrayRef;
    let mut days = Int32Builder::new();
    days.append_slice(&[10, 20, 30]);
    let events = StructArray::try_new(event_fields.clone(), vec![on, Arc::new(days.finish())], None).unwrap();
    let item = Arc::new(Field::new("item", DataType::Struct(event_fields), true));
    let events = ListArray::try_new(item, OffsetBuffer::new(vec![0, 2, 3].into()), Arc::new(events), None).unwrap();
    RecordBatch::try_from_iter(vec![
        ("id", Arc::new(arrow_array::Int32Array::from(vec![1, 2])) as ArrayRef),
        ("grade", Arc::new(StringArray::from(vec!["a", "b"]))),
        ("limit", Arc::new(limit)),
        ("rate", Arc::new(StringArray::from(vec!["0.125", "1"]))),
        ("cash", Arc::new(Int64Array::from(vec![100, 0]))),
        ("whole", Arc::new(arrow_array::UInt8Array::from(vec![1, 2]))),
        ("opened_on", Arc::new(opened.finish())),
        ("closed_on", Arc::new(StringArray::from(vec![Some("2026-03-04"), None]))),
        ("active", Arc::new(BooleanArray::from(vec![true, false]))),
        ("limits", Arc::new(limits)),
        ("tags", Arc::new(tags.finish())),
        ("events", Arc::new(events)),
        ("as_of", Arc::new(StringArray::from(vec![Some("2026-11-01"), None]))),
    ])
    .unwrap()
}

const EVERY_TYPE_JSON: [&str; 2] = [
    r#"{"id":1,"grade":"a","limit":"10000.50","rate":"0.125","cash":"100","whole":"1","opened_on":"2024-10-04",
        "closed_on":"2026-03-04","active":true,"limits":{"credit":"500.5","cash":"3"},"tags":["vip","b"],
        "events":[{"on":"2026-02-01","days":10},{"on":"2026-01-01","days":20}],"as_of":"2026-11-01"}"#,
    r#"{"id":2,"grade":"b","limit":"-0.25","rate":"1","cash":"0","whole":"2","opened_on":"1970-01-01",
        "active":false,"limits":{"credit":"7"},"tags":[],"events":[{"on":"2025-05-05","days":30}]}"#,
];

#[test]
fn every_column_type_reads_as_the_same_snapshot_as_json() {
    let dir = temp("types");
    let schema_path = every_type_schema(&dir);
    let schema = Arc::new(verdict::load::load_schema_file(&schema_path).unwrap());
    let book = dir.join("every.parquet");
    write_batch(&book, &every_type_batch());
    let items: Vec<_> =
        open_snapshot_file(&book, Format::Parquet, schema.clone(), ReadLimits::default()).unwrap().collect();
    assert_eq!(items.len(), 2);
    for (item, json) in items.into_iter().zip(EVERY_TYPE_JSON) {
        let expected = parse_json_snapshot(&json.replace('\n', " "), &schema).unwrap();
        assert_eq!(item.unwrap(), expected);
    }
    // Standard input (read whole) gives the same rows.
    let bytes = std::fs::read(&book).unwrap();
    let from_stdin: Vec<_> = read_snapshots(std::io::Cursor::new(bytes), Format::Parquet, schema).unwrap().collect();
    assert!(from_stdin.iter().all(Result::is_ok));
}

#[test]
fn synth_books_round_trip_through_parquet() {
    let policy = lifecycle();
    let schema = &policy.program.schema;
    let dir = temp("roundtrip");
    let mut bytes = Vec::new();
    let mut book = BookWriter::new(schema).unwrap();
    let mut expected = Vec::new();
    for index in 0..500 {
        let mut line = String::new();
        verdict::synth::snapshot_json(schema, 3, index, verdict::value::parse_date("2026-11-01").unwrap(), &mut line);
        let snapshot = parse_json_snapshot(&line, schema).unwrap();
        expected.push(snapshot.clone());
        book.push(snapshot, &mut bytes).unwrap();
    }
    book.finish(&mut bytes).unwrap();
    let path = dir.join("synth.parquet");
    std::fs::write(&path, bytes).unwrap();
    let read: Vec<_> = open_snapshot_file(&path, Format::Parquet, schema.clone(), ReadLimits::default())
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert_eq!(read.len(), expected.len());
    for (a, b) in read.iter().zip(&expected) {
        assert_eq!(a.id, b.id);
        assert_eq!(a.as_of, b.as_of);
        // Money comes back at the book's scale (4 places): equal values, not equal text.
        assert_eq!(format!("{:?}", normalized(&a.record)), format!("{:?}", normalized(&b.record)));
    }
}

fn normalized(record: &verdict::value::Record) -> Vec<String> {
    use verdict::value::Value;
    record
        .slots
        .iter()
        .map(|v| match v {
            Value::Dec(d) => d.normalize().to_string(),
            Value::List(list) => format!("{:?}", list.iter().map(normalized).collect::<Vec<_>>()),
            other => format!("{other:?}"),
        })
        .collect()
}

#[test]
fn a_row_that_does_not_fit_is_an_error_record_in_its_place() {
    let dir = temp("bad");
    let schema_path = dir.join("s.schema.yaml");
    std::fs::write(
        &schema_path,
        "entity: account\nkey: id\nfields:\n  id: string\n  grade: enum(a, b)\n  opened_on: date\n  score: int\n",
    )
    .unwrap();
    let batch = RecordBatch::try_from_iter(vec![
        ("id", Arc::new(StringArray::from(vec![Some("A"), Some("B"), Some("C"), None, Some("E")])) as ArrayRef),
        ("grade", Arc::new(StringArray::from(vec!["a", "z", "b", "a", "a"]))),
        (
            "opened_on",
            Arc::new(StringArray::from(vec!["2026-01-01", "2026-01-01", "2026-13-01", "2026-01-01", "2026-01-02"])),
        ),
        ("score", Arc::new(Int64Array::from(vec![Some(1), Some(2), Some(3), Some(4), None]))),
    ])
    .unwrap();
    let book = dir.join("bad.parquet");
    write_batch(&book, &batch);
    let schema = Arc::new(verdict::load::load_schema_file(&schema_path).unwrap());
    let items: Vec<_> = open_snapshot_file(&book, Format::Parquet, schema, ReadLimits::default()).unwrap().collect();
    assert_eq!(items.len(), 5);
    assert!(items[0].is_ok());
    let message = |i: usize| items[i].as_ref().unwrap_err().message.clone();
    assert_eq!(message(1), r#"grade: expected one of (a, b), found "z""#);
    assert_eq!(message(2), r#"opened_on: expected date (YYYY-MM-DD), found "2026-13-01" (not a calendar date)"#);
    assert_eq!(message(3), "row 4: id: expected string, found null");
    assert_eq!(message(4), "score: expected int, found null");
    assert_eq!(items[1].as_ref().unwrap_err().id.as_ref().map(ToString::to_string).as_deref(), Some("B"));

    // The CLI writes them in place, whatever the number of jobs.
    let policy = dir.join("p.policy");
    std::fs::write(&policy, "policy \"p\" version \"1\"\nschema \"s.schema.yaml\"\n\nrule \"low\" {\n  when score < 2\n  then tag \"low\"\n}\n").unwrap();
    for jobs in ["1", "2"] {
        let (code, out, err) = verdict_in(
            &dir,
            &["eval", "p.policy", "bad.parquet", "--as-of", "2026-11-01", "--jobs", jobs, "--chunk", "2"],
        );
        assert_eq!(code, 1, "{err}");
        let kinds: Vec<String> = out
            .lines()
            .map(|l| {
                let v: serde_json::Value = serde_json::from_str(l).unwrap();
                v.get("error").map_or_else(|| v["outcome"].to_string(), |e| e["kind"].to_string())
            })
            .collect();
        assert_eq!(kinds, [r#""none""#, r#""snapshot""#, r#""snapshot""#, r#""snapshot""#, r#""snapshot""#], "{out}");
        // The record without an id names its row of the file, across chunks.
        let fourth: serde_json::Value = serde_json::from_str(out.lines().nth(3).unwrap()).unwrap();
        assert_eq!(fourth["error"]["message"], "row 4: id: expected string, found null", "{out}");
    }
}

#[test]
fn an_int_field_takes_whole_floats_as_pandas_writes_nullable_ints() {
    let dir = temp("float-int");
    std::fs::write(dir.join("s.schema.yaml"), "entity: account\nkey: id\nfields:\n  id: string\n  year: int?\n")
        .unwrap();
    let batch = RecordBatch::try_from_iter(vec![
        ("id", Arc::new(StringArray::from(vec!["A", "B", "C"])) as ArrayRef),
        ("year", Arc::new(Float64Array::from(vec![Some(1988.0), None, Some(1.5)]))),
    ])
    .unwrap();
    write_batch(&dir.join("y.parquet"), &batch);
    let schema = Arc::new(verdict::load::load_schema_file(&dir.join("s.schema.yaml")).unwrap());
    let items: Vec<_> =
        open_snapshot_file(&dir.join("y.parquet"), Format::Parquet, schema.clone(), ReadLimits::default())
            .unwrap()
            .collect();
    let json = |t: &str| parse_json_snapshot(t, &schema).unwrap();
    assert_eq!(items[0].as_ref().unwrap(), &json(r#"{"id":"A","year":1988}"#));
    assert_eq!(items[1].as_ref().unwrap(), &json(r#"{"id":"B"}"#));
    assert_eq!(items[2].as_ref().unwrap_err().message, "year: expected int, found 1.5");
}

#[test]
fn float_money_is_refused_with_a_clear_error() {
    let dir = temp("float");
    std::fs::write(dir.join("s.schema.yaml"), "entity: account\nkey: id\nfields:\n  id: string\n  balance: money\n")
        .unwrap();
    let batch = RecordBatch::try_from_iter(vec![
        ("id", Arc::new(StringArray::from(vec!["A"])) as ArrayRef),
        ("balance", Arc::new(Float64Array::from(vec![0.1]))),
    ])
    .unwrap();
    write_batch(&dir.join("f.parquet"), &batch);
    let schema = Arc::new(verdict::load::load_schema_file(&dir.join("s.schema.yaml")).unwrap());
    let error = open_snapshot_file(&dir.join("f.parquet"), Format::Parquet, schema, ReadLimits::default()).unwrap_err();
    assert!(matches!(error, ReadError::ParquetFloatMoney { .. }), "{error}");
    assert_eq!(error.code(), "R023");
    std::fs::write(dir.join("p.policy"), "policy \"p\" version \"1\"\nschema \"s.schema.yaml\"\n").unwrap();
    let (code, out, err) = verdict_in(&dir, &["eval", "p.policy", "f.parquet", "--as-of", "2026-11-01"]);
    assert_eq!(code, 2, "{out}{err}");
    assert!(err.contains("Parquet column `balance` holds binary floating point (Float64)"), "{err}");
    assert!(err.contains("DECIMAL"), "{err}");
    assert!(out.is_empty());
}

#[test]
fn a_missing_column_and_a_wrong_column_type_are_named() {
    let dir = temp("columns");
    std::fs::write(
        dir.join("s.schema.yaml"),
        "entity: account\nkey: id\nfields:\n  id: string\n  score: int\n  note: string?\n",
    )
    .unwrap();
    let schema = Arc::new(verdict::load::load_schema_file(&dir.join("s.schema.yaml")).unwrap());
    let missing = RecordBatch::try_from_iter(vec![
        ("id", Arc::new(StringArray::from(vec!["A"])) as ArrayRef),
        ("scor", Arc::new(Int64Array::from(vec![1]))),
    ])
    .unwrap();
    write_batch(&dir.join("m.parquet"), &missing);
    let error =
        open_snapshot_file(&dir.join("m.parquet"), Format::Parquet, schema.clone(), ReadLimits::default()).unwrap_err();
    assert_eq!(error.to_string(), "the Parquet file has no column for the required field `score`");
    assert_eq!(error.help().as_deref(), Some("did you mean `scor`?"));
    let wrong = RecordBatch::try_from_iter(vec![
        ("id", Arc::new(StringArray::from(vec!["A"])) as ArrayRef),
        ("score", Arc::new(StringArray::from(vec!["1"]))),
    ])
    .unwrap();
    write_batch(&dir.join("w.parquet"), &wrong);
    let error =
        open_snapshot_file(&dir.join("w.parquet"), Format::Parquet, schema.clone(), ReadLimits::default()).unwrap_err();
    assert_eq!(error.to_string(), "Parquet column `score` is Utf8; the field needs an integer column");
    // Every column problem at once: a missing field, a wrong type, a bad `as_of`.
    let both = RecordBatch::try_from_iter(vec![
        ("scor", Arc::new(Int64Array::from(vec![1])) as ArrayRef),
        ("note", Arc::new(Int64Array::from(vec![1]))),
        ("as_of", Arc::new(Int64Array::from(vec![1]))),
    ])
    .unwrap();
    write_batch(&dir.join("b.parquet"), &both);
    let error =
        open_snapshot_file(&dir.join("b.parquet"), Format::Parquet, schema.clone(), ReadLimits::default()).unwrap_err();
    let problems: Vec<(&str, String)> = error.problems().iter().map(|p| (p.code(), p.to_string())).collect();
    assert_eq!(
        problems,
        [
            ("R021", "the Parquet file has no column for the required field `id`".into()),
            ("R021", "the Parquet file has no column for the required field `score`".into()),
            ("R022", "Parquet column `note` is Int64; the field needs a string column".into()),
            ("R022", "Parquet column `as_of` is Int64; the field needs a DATE, TIMESTAMP (of midnights) or string (YYYY-MM-DD) column".into()),
        ],
        "{error}"
    );
    std::fs::write(dir.join("x.parquet"), "not parquet").unwrap();
    let error = open_snapshot_file(&dir.join("x.parquet"), Format::Parquet, schema, ReadLimits::default()).unwrap_err();
    assert_eq!(error.code(), "R020", "{error}");
}

/// A field of a list's records is a member of the list column's structs:
/// the help says where to add it, never a column named `txns[].kind`.
#[test]
fn a_missing_member_of_a_list_s_records_is_said_to_go_in_its_structs() {
    let missing = ReadError::ParquetMissingColumn { field: "txns[].kind".into(), suggestion: None };
    assert_eq!(
        missing.help().as_deref(),
        Some("add `kind` to the structs of the list column `txns` (a list of structs)")
    );
    let missing = ReadError::ParquetMissingColumn { field: "identity.verified".into(), suggestion: None };
    assert_eq!(missing.help().as_deref(), Some("add a column `identity.verified` (or a struct column holding it)"));
}

#[test]
fn explain_and_test_read_parquet_snapshot_files() {
    let dir = temp("explain");
    let (pq, _) = portfolio_books(&dir);
    let (code, out, err) =
        verdict_in(&root(), &["explain", "policies/lifecycle.policy", pq.to_str().unwrap(), "--id", "A-1001"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("A-1001"), "{out}");
}

/// A book of 40 rows in row groups of 16 (`id`, `score`, `note`) whose
/// rows `bad_ids` (0-based) hold an `id`, and row 26 a `note`, that is not
/// UTF-8 (markers patched after writing), with or without dictionary encoding.
fn book_with_bad_text(dir: &Path, dictionary: bool, bad_ids: &[usize]) {
    std::fs::write(
        dir.join("s.schema.yaml"),
        "entity: account\nkey: id\nfields:\n  id: string\n  score: int\n  note: string?\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("p.policy"),
        "policy \"p\" version \"1\"\nschema \"s.schema.yaml\"\nrule \"low\" { when score < 20 then restrict }\n",
    )
    .unwrap();
    // Markers of their own length, unique in the file, patched afterwards.
    let ids: Vec<String> =
        (0..40).map(|i| if bad_ids.contains(&i) { format!("QQ~{i:02}") } else { format!("R-{i:02}") }).collect();
    let notes: Vec<Option<String>> = (0..40).map(|i| (i == 25).then(|| "NN~25".to_string())).collect();
    let batch = RecordBatch::try_from_iter([
        ("id", Arc::new(StringArray::from(ids)) as ArrayRef),
        ("score", Arc::new(Int64Array::from((0..40).collect::<Vec<i64>>())) as ArrayRef),
        ("note", Arc::new(StringArray::from(notes)) as ArrayRef),
    ])
    .unwrap();
    let props = parquet::file::properties::WriterProperties::builder()
        .set_max_row_group_row_count(Some(16))
        .set_dictionary_enabled(dictionary)
        .set_statistics_enabled(parquet::file::properties::EnabledStatistics::None)
        .build();
    let mut bytes = Vec::new();
    let mut writer = ArrowWriter::try_new(&mut bytes, batch.schema(), Some(props)).unwrap();
    writer.write(&batch).unwrap();
    writer.close().unwrap();
    let markers = bad_ids.iter().map(|i| format!("QQ~{i:02}")).chain(["NN~25".to_string()]);
    for marker in markers {
        let marker = marker.as_bytes();
        let at: Vec<usize> = (0..bytes.len() - 5).filter(|&i| &bytes[i..i + 5] == marker).collect();
        assert_eq!(at.len(), 1, "the marker once, uncompressed");
        bytes[at[0] + 1] = 0xff;
    }
    std::fs::write(dir.join("book.parquet"), &bytes).unwrap();
}

/// The records of `book.parquet` in `dir` at `--jobs` and `--chunk`.
fn bad_text_records(dir: &Path, jobs: &str, chunk: &str) -> Vec<serde_json::Value> {
    let args = ["eval", "-q", "-j", jobs, "--chunk", chunk, "--as-of", "2026-11-01", "p.policy", "book.parquet"];
    let (code, stdout, stderr) = verdict_in(dir, &args);
    assert_eq!(code, 1, "-j {jobs} --chunk {chunk}: {stderr}");
    stdout.lines().map(|l| serde_json::from_str(l).unwrap()).collect()
}

/// A text value that is not UTF-8 (a dirty export) costs its own row, not
/// its row group: the decoder checks a batch's text as a whole, so one such
/// value used to make every row of its group an error record. Every other
/// row is decided, in order, at any `--jobs` and `--chunk`.
#[test]
fn a_text_value_that_is_not_utf8_costs_its_own_row_alone() {
    let dir = temp("not-utf8");
    book_with_bad_text(&dir, false, &[7]);
    for (jobs, chunk) in [("1", "1024"), ("2", "1024"), ("2", "3")] {
        let records = bad_text_records(&dir, jobs, chunk);
        assert_eq!(records.len(), 40, "one record per row");
        for (i, record) in records.iter().enumerate() {
            if i == 7 || i == 25 {
                let message = record["error"]["message"].as_str().unwrap_or_default();
                let expected = format!("row {}: not read: ", i + 1);
                assert!(message.starts_with(&expected) && message.contains("not UTF-8"), "row {}: {record}", i + 1);
            } else {
                assert_eq!(record["id"], format!("R-{i:02}"), "row {}: {record}", i + 1);
                assert_eq!(record["outcome"], if i < 20 { "restrict" } else { "none" }, "{record}");
            }
        }
    }
}

/// A bad value in a dictionary page (checked when the page is loaded)
/// fails every row of its group: the group is lost, as a damaged one is,
/// after a few rows, not halved down to each row in turn (that took a
/// minute for 40,000 rows); the other groups are decided.
#[test]
fn a_bad_text_value_in_a_dictionary_costs_its_group() {
    let dir = temp("not-utf8-dictionary");
    book_with_bad_text(&dir, true, &[7]);
    let records = bad_text_records(&dir, "1", "1024");
    assert_eq!(records.len(), 40, "one record per row");
    // Row 8 is in group 1 (rows 1-16), row 26 in group 2 (rows 17-32).
    for (i, record) in records.iter().enumerate() {
        let lost = record.get("error").is_some();
        assert_eq!(lost, i < 32, "row {}: {record}", i + 1);
        if lost {
            let message = record["error"]["message"].as_str().unwrap_or_default();
            assert!(message.starts_with(&format!("row {}: not read: ", i + 1)), "{message}");
        }
    }
}

/// Bad values side by side (three rows in a row, then one more two rows on)
/// are each their row's alone: three rows lost in a row make the reader try
/// the group's last row, which reads, so it goes on halving (a dictionary's
/// bad value fails that row too).
#[test]
fn bad_text_values_side_by_side_cost_their_rows_alone() {
    let dir = temp("not-utf8-together");
    let bad = [0, 1, 2, 3, 10, 11, 12, 14];
    book_with_bad_text(&dir, false, &bad);
    for (jobs, chunk) in [("1", "1024"), ("2", "3")] {
        let records = bad_text_records(&dir, jobs, chunk);
        assert_eq!(records.len(), 40, "one record per row");
        let lost: Vec<usize> =
            records.iter().enumerate().filter(|(_, r)| r.get("error").is_some()).map(|(i, _)| i).collect();
        assert_eq!(lost, [&bad[..], &[25]].concat(), "-j {jobs} --chunk {chunk}");
    }
}
