//! The integrations contract read as an outside acceptance suite reads it:
//! books as Parquet (in and out, and `diff` and `test` over them), the
//! decision service's bodies and status codes. Each test follows the
//! contract's own words; tests that another file already pins are not
//! repeated here.

mod common;
mod serve_support;

use arrow_array::cast::AsArray;
use arrow_array::types::Decimal128Type;
use arrow_array::{Array, ArrayRef, MapArray, RecordBatch, StringArray, StructArray};
use common::verdict_in;
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
use parquet::arrow::ArrowWriter;
use serde_json::{json, Value};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// A schema of every kind of field the contract names.
const SCHEMA: &str = "\
entity: account
key: id
fields:
  id: string
  status: enum(active, restricted, frozen, closed)
  credit_limit: money
  balance: money
  score: int
  opened_on: date
  identity:
    verified: bool
    mismatch_fields: set<string>
  appeal_open: bool?
  tags: set<string>
  overdues:
    list:
      due_on: date
      days: int
      amount: money
      repaid_on: date?
    by: due_on
";

/// A policy with a scorecard and a split (so decisions carry `scores` and
/// `arms`), a freeze (`until`), a reason without text and every kind of action.
const POLICY: &str = r#"policy "probe" version "1.2.3"
schema "s.schema.yaml"

let risk = scorecard base 600 {
  score "S01" "Score low" {
    < 600 => -50
    >= 600 => 20
  }
  balance "B01" {
    < 1000 => 10
    >= 1000 => -5
  }
}

split exp by id salt "s1" {
  champion 50%
  challenger 50%
}

rule "freeze-low" priority 20 {
  when score < 500
  then freeze for 30 days
       reason "R02" "Credit score dropped sharply"
       reasons from risk
       notify sms "overdue-reminder"
       escalate to "collections"
}

rule "raise" priority 10 {
  when score >= 700 and exp == "challenger"
  then set limit to credit_limit * 1.2
       reason "L1"
       review "limits"
       tag "raised"
}

rule "close-bad" priority 30 {
  when score < 300
  then close reason "C1" "Closed" notify letter "closure-notice"
}
"#;

/// One account as JSON, with the fields that vary between the tests' accounts.
fn account(id: &str, status: &str, score: i64, balance: &str) -> String {
    format!(
        r#"{{"id":"{id}","as_of":"2026-11-01","status":"{status}","credit_limit":"12000.10","balance":"{balance}","score":{score},"opened_on":"2020-01-01","identity":{{"verified":true,"mismatch_fields":["a"]}},"tags":["x"],"overdues":[{{"due_on":"2026-01-01","days":3,"amount":"10.5"}}]}}"#
    )
}

/// A book whose decisions cover a freeze, a limit, a close, `none` and an error record.
fn book() -> String {
    [
        account("A1", "active", 450, "500"),
        account("A2", "active", 720, "1500"),
        account("A3", "active", 720, "1500"),
        account("A4", "active", 200, "1500"),
        account("A5", "dormant", 200, "1500"),
        account("A6", "active", 720, "900"),
        account("A7", "frozen", 650, "100"),
        account("A8", "active", 710, "2000"),
    ]
    .join("\n")
        + "\n"
}

/// A fresh folder holding the schema, the policy and the book as JSON Lines.
fn probe(name: &str) -> PathBuf {
    let dir = common::temp_folder("contract-int", name);
    std::fs::write(dir.join("s.schema.yaml"), SCHEMA).unwrap();
    std::fs::write(dir.join("p.policy"), POLICY).unwrap();
    std::fs::write(dir.join("book.jsonl"), book()).unwrap();
    dir
}

/// Runs `verdict` in `dir`; stdout, the exit code checked against `codes`.
fn run(dir: &Path, args: &[&str], codes: &[i32]) -> String {
    let (code, out, err) = verdict_in(dir, args);
    assert!(codes.contains(&code), "verdict {args:?}: exit {code}\n{err}");
    out
}

/// The JSON decisions `eval` writes for the book.
fn json_decisions(dir: &Path, book: &str) -> Vec<Value> {
    run(dir, &["eval", "p.policy", book], &[0, 1]).lines().map(|l| serde_json::from_str(l).unwrap()).collect()
}

fn write_parquet(path: &Path, batch: &RecordBatch) {
    let mut writer = ArrowWriter::try_new(std::fs::File::create(path).unwrap(), batch.schema(), None).unwrap();
    writer.write(batch).unwrap();
    writer.close().unwrap();
}

fn read_parquet(path: &Path) -> Vec<RecordBatch> {
    let file = std::fs::File::open(path).unwrap();
    ParquetRecordBatchReaderBuilder::try_new(file).unwrap().build().unwrap().map(Result::unwrap).collect()
}

/// The book as Parquet, written from the JSON Lines by the library's own book writer.
fn book_parquet(dir: &Path) -> PathBuf {
    let policy = verdict::load_policy(&dir.join("p.policy")).unwrap();
    let schema = &policy.program.schema;
    let mut bytes = Vec::new();
    let mut writer = verdict::snapshot::BookWriter::new(schema).unwrap();
    for line in book().lines() {
        if let Ok(snapshot) = verdict::snapshot::parse_json_snapshot(line, schema) {
            writer.push(snapshot, &mut bytes).unwrap();
        }
    }
    writer.finish(&mut bytes).unwrap();
    let path = dir.join("book.parquet");
    std::fs::write(&path, bytes).unwrap();
    path
}

/// A string cell of a decision table (`None` for null).
fn text(column: &ArrayRef, row: usize) -> Option<String> {
    let strings = column.as_any().downcast_ref::<StringArray>().expect("a string column");
    (!strings.is_null(row)).then(|| strings.value(row).to_string())
}

/// A map cell as a JSON object in the map's own entry order (`null` for a null map).
fn map_cell(column: &ArrayRef, row: usize) -> Value {
    let maps = column.as_any().downcast_ref::<MapArray>().expect("a map column");
    if maps.is_null(row) {
        return Value::Null;
    }
    let entries = maps.value(row);
    let (keys, values) = (entries.column(0).as_string::<i32>(), entries.column(1).as_string::<i32>());
    let pairs: serde_json::Map<String, Value> =
        (0..entries.len()).map(|i| (keys.value(i).to_string(), json!(values.value(i)))).collect();
    Value::Object(pairs)
}

/// The keys of a map cell in the map's order.
fn map_keys(column: &ArrayRef, row: usize) -> Vec<String> {
    let maps = column.as_any().downcast_ref::<MapArray>().expect("a map column");
    let entries = maps.value(row);
    let keys = entries.column(0).as_string::<i32>();
    (0..keys.len()).map(|i| keys.value(i).to_string()).collect()
}

/// A list-of-structs cell as JSON objects holding the struct's non-null fields.
fn struct_list(column: &ArrayRef, row: usize, keep_null: &[&str]) -> Value {
    let list = column.as_list::<i32>();
    let items = list.value(row);
    let items: &StructArray = items.as_struct();
    let rows = (0..items.len())
        .map(|i| {
            let mut object = serde_json::Map::new();
            for (field, child) in items.fields().iter().zip(items.columns()) {
                let cell = text(child, i);
                if cell.is_some() || keep_null.contains(&field.name().as_str()) {
                    object.insert(field.name().clone(), cell.map_or(Value::Null, Value::String));
                }
            }
            Value::Object(object)
        })
        .collect();
    Value::Array(rows)
}

/// "`eval --format parquet --output FILE` writes decisions as Parquet, one row
/// per snapshot in input order, with the columns of `decide_table`": each
/// row says what the JSON decision says, `scores` and `arms` included.
#[test]
fn parquet_decisions_say_what_the_json_decisions_say_scores_and_arms_included() {
    let dir = probe("parquet-out");
    let input = book_parquet(&dir);
    let json = json_decisions(&dir, "book.jsonl");
    run(
        &dir,
        &["eval", "p.policy", input.to_str().unwrap(), "--format", "parquet", "--output", "out.parquet"],
        &[0, 1],
    );
    let batches = read_parquet(&dir.join("out.parquet"));
    let mut row_index = 0;
    for batch in &batches {
        let column = |name: &str| batch.column_by_name(name).unwrap_or_else(|| panic!("a column {name}")).clone();
        for row in 0..batch.num_rows() {
            // The book as Parquet holds only the readable snapshots: skip the JSON's error record of A5.
            while json[row_index].get("error").is_some() {
                row_index += 1;
            }
            let expected = &json[row_index];
            row_index += 1;
            assert_eq!(text(&column("id"), row).as_deref(), expected["id"].as_str());
            assert_eq!(text(&column("outcome"), row).as_deref(), expected["outcome"].as_str());
            let until = column("until");
            let until = until.as_primitive::<arrow_array::types::Date32Type>();
            let until =
                (!until.is_null(row)).then(|| verdict::columns::from_date32(until.value(row)).unwrap().to_string());
            assert_eq!(until.as_deref(), expected["until"].as_str());
            let limit = column("limit");
            let limit = limit.as_primitive::<Decimal128Type>();
            let limit = (!limit.is_null(row))
                .then(|| rust_decimal::Decimal::from_i128_with_scale(limit.value(row), 18).normalize().to_string());
            assert_eq!(limit.as_deref(), expected["limit"].as_str());
            assert_eq!(struct_list(&column("reasons"), row, &["text"]), expected["reasons"]);
            assert_eq!(struct_list(&column("actions"), row, &[]), expected["actions"]);
            assert_eq!(map_cell(&column("scores"), row), expected["scores"], "{}", expected["id"]);
            assert_eq!(map_cell(&column("arms"), row), expected["arms"], "{}", expected["id"]);
            assert_eq!(text(&column("error_kind"), row), None);
        }
    }
    assert_eq!(row_index, json.len());
}

/// The error record's row: `error_kind` and `error_message` set, the decision's columns null.
#[test]
fn a_parquet_row_that_failed_holds_its_error_and_null_maps() {
    let dir = probe("parquet-error");
    let json = json_decisions(&dir, "book.jsonl");
    run(&dir, &["eval", "p.policy", "book.jsonl", "--format", "parquet", "--output", "out.parquet"], &[1]);
    let batches = read_parquet(&dir.join("out.parquet"));
    let [batch] = &batches[..] else { panic!("a small book is one batch") };
    assert_eq!(batch.num_rows(), json.len(), "one row per snapshot");
    let failed = json.iter().position(|d| d.get("error").is_some()).unwrap();
    let column = |name: &str| batch.column_by_name(name).unwrap().clone();
    assert_eq!(text(&column("id"), failed).as_deref(), Some("A5"));
    assert_eq!(text(&column("error_kind"), failed).as_deref(), Some("snapshot"));
    assert_eq!(text(&column("error_message"), failed).as_deref(), json[failed]["error"]["message"].as_str());
    for name in ["outcome", "until", "limit", "reasons", "actions", "fired", "scores", "arms"] {
        assert!(column(name).is_null(failed), "{name} is null on an error row");
    }
    // Keys of `scores` and `arms` come in declaration order.
    assert_eq!(map_keys(&column("scores"), 0), ["risk"]);
    assert_eq!(map_keys(&column("arms"), 0), ["exp"]);
}

fn strings(values: &[Option<&str>]) -> ArrayRef {
    Arc::new(StringArray::from(values.to_vec()))
}

/// A small schema for column types: an enum, money, optional string and date, a set.
const SMALL_SCHEMA: &str = "\
entity: account
key: id
fields:
  id: string
  status: enum(active, frozen)
  credit_limit: money
  score: int
  note: string?
  closed_on: date?
  tags: set<string>
";

const SMALL_POLICY: &str = r#"policy "small" version "1"
schema "s.schema.yaml"

rule "watch" {
  when status == "frozen" or credit_limit > 1000 or (note ?? "") == "n" or closed_on != none or "x" in tags
  then tag "watched"
}
"#;

/// A folder with the small schema and policy.
fn small(name: &str) -> PathBuf {
    let dir = common::temp_folder("contract-int", name);
    std::fs::write(dir.join("s.schema.yaml"), SMALL_SCHEMA).unwrap();
    std::fs::write(dir.join("p.policy"), SMALL_POLICY).unwrap();
    dir
}

/// `eval`'s JSON Lines for a book file of `dir`, `as_of` given on the command line.
fn decide_small(dir: &Path, book: &str) -> String {
    run(dir, &["eval", "p.policy", book, "--as-of", "2026-11-01"], &[0, 1])
}

/// A set column of `rows` lists of strings.
fn string_lists(rows: &[&[&str]]) -> ArrayRef {
    let mut builder = arrow_array::builder::ListBuilder::new(arrow_array::builder::StringBuilder::new());
    for row in rows {
        for item in *row {
            builder.values().append_value(item);
        }
        builder.append(true);
    }
    Arc::new(builder.finish())
}

/// Three accounts as JSON Lines: what the Parquet books below hold.
const SMALL_JSON: &str = r#"{"id":"S1","status":"active","credit_limit":"500.25","score":1,"tags":[]}
{"id":"S2","status":"frozen","credit_limit":"10","score":2,"tags":["x"]}
{"id":"S3","status":"active","credit_limit":"1000.01","score":3,"tags":["y"]}
"#;

fn small_columns() -> Vec<(&'static str, ArrayRef)> {
    let mut limit = arrow_array::builder::Decimal128Builder::new();
    for cents in [50_025, 1_000, 100_001] {
        limit.append_value(cents);
    }
    vec![
        ("id", strings(&[Some("S1"), Some("S2"), Some("S3")])),
        ("status", strings(&[Some("active"), Some("frozen"), Some("active")])),
        ("credit_limit", Arc::new(limit.finish().with_precision_and_scale(12, 2).unwrap())),
        ("score", Arc::new(arrow_array::Int64Array::from(vec![1, 2, 3]))),
        ("tags", string_lists(&[&[], &["x"], &["y"]])),
    ]
}

/// `batch` written as `name` in `dir`; `eval`'s decisions of it.
fn decide_batch(dir: &Path, name: &str, columns: Vec<(&str, ArrayRef)>) -> String {
    write_parquet(&dir.join(name), &RecordBatch::try_from_iter(columns).unwrap());
    decide_small(dir, name)
}

/// "`T?` for optional": a column that holds only nulls (pyarrow and pandas
/// type it `null` when no row has a value) is `none` in every row of an
/// optional field, and each row's own error for a required one.
#[test]
fn an_all_null_column_reads_as_absent_values() {
    let dir = small("null-column");
    std::fs::write(dir.join("book.jsonl"), SMALL_JSON).unwrap();
    let expected = decide_small(&dir, "book.jsonl");
    let mut columns = small_columns();
    columns.push(("note", Arc::new(arrow_array::NullArray::new(3))));
    columns.push(("closed_on", Arc::new(arrow_array::NullArray::new(3))));
    assert_eq!(decide_batch(&dir, "nulls.parquet", columns), expected);

    let mut columns = small_columns();
    columns[3] = ("score", Arc::new(arrow_array::NullArray::new(3)));
    let decided = decide_batch(&dir, "required.parquet", columns);
    let errors: Vec<Value> =
        decided.lines().map(|l| serde_json::from_str::<Value>(l).unwrap()["error"].clone()).collect();
    assert_eq!(errors.len(), 3);
    for error in errors {
        assert_eq!(error, json!({"kind": "snapshot", "message": "score: expected int, found null"}));
    }
}

/// "columns named by field paths": a string column may be dictionary-encoded
/// (what pandas writes for a `category` column, and what Parquet readers
/// hand over for a dictionary page); its values are read as the strings they are.
#[test]
fn dictionary_encoded_string_columns_read_as_their_strings() {
    use arrow_array::types::Int32Type;
    use arrow_array::DictionaryArray;
    let dir = small("dictionary");
    std::fs::write(dir.join("book.jsonl"), SMALL_JSON).unwrap();
    let expected = decide_small(&dir, "book.jsonl");
    let mut columns = small_columns();
    let status: DictionaryArray<Int32Type> = ["active", "frozen", "active"].into_iter().collect();
    columns[1] = ("status", Arc::new(status));
    let ids: DictionaryArray<Int32Type> = ["S1", "S2", "S3"].into_iter().collect();
    columns[0] = ("id", Arc::new(ids));
    let note: DictionaryArray<Int32Type> = [Some("n"), None, Some("m")].into_iter().collect();
    columns.push(("note", Arc::new(note)));
    // S1's note makes it watched: the dictionary's value was read, not its index.
    let with_notes = SMALL_JSON.replacen(r#""score":1,"#, r#""score":1,"note":"n","#, 1).replacen(
        r#""score":3,"#,
        r#""score":3,"note":"m","#,
        1,
    );
    std::fs::write(dir.join("notes.jsonl"), with_notes).unwrap();
    let expected_notes = decide_small(&dir, "notes.jsonl");
    assert_ne!(expected_notes, expected);
    assert_eq!(decide_batch(&dir, "dictionary.parquet", columns), expected_notes);
}

/// "`money`/`decimal` from Parquet DECIMAL": a DECIMAL wider than 38 digits
/// (Arrow's Decimal256) holds the same exact amounts.
#[test]
fn a_wide_parquet_decimal_reads_exactly() {
    use arrow_buffer::i256;
    let dir = small("decimal256");
    std::fs::write(dir.join("book.jsonl"), SMALL_JSON).unwrap();
    let expected = decide_small(&dir, "book.jsonl");
    let mut columns = small_columns();
    let cents = [50_025, 1_000, 100_001].map(i256::from_i128);
    let wide = arrow_array::Decimal256Array::from(cents.to_vec()).with_precision_and_scale(40, 2).unwrap();
    columns[2] = ("credit_limit", Arc::new(wide));
    assert_eq!(decide_batch(&dir, "wide.parquet", columns), expected);
}

/// "`eval`, `diff` and `test` snapshot files read `.parquet`": `diff` over a
/// Parquet book reports what it reports over the same book as JSON Lines,
/// and a test case takes its snapshot from one.
#[test]
fn diff_and_test_read_parquet_books() {
    let dir = probe("diff-test");
    book_parquet(&dir);
    // The same book without its unreadable line, so both files hold the same snapshots.
    let readable: String = book().lines().filter(|l| !l.contains("dormant")).map(|l| format!("{l}\n")).collect();
    std::fs::write(dir.join("readable.jsonl"), readable).unwrap();
    std::fs::write(dir.join("q.policy"), POLICY.replace("score < 500", "score < 400")).unwrap();
    let report = |book: &str| -> Value {
        let out = run(&dir, &["diff", "p.policy", "q.policy", book, "--format", "json"], &[0]);
        let mut report: Value = serde_json::from_str(&out).unwrap();
        // Everything but when it ran and which file each account came from.
        report.as_object_mut().unwrap().retain(|key, _| !["generated", "inputs"].contains(&key.as_str()));
        for account in report["changed"]["accounts"].as_array_mut().unwrap() {
            account.as_object_mut().unwrap().remove("input");
        }
        report
    };
    let from_parquet = report("book.parquet");
    assert_eq!(from_parquet["summary"]["changed"], 1, "{from_parquet}");
    assert_eq!(from_parquet, report("readable.jsonl"));

    std::fs::write(
        dir.join("p.test.yaml"),
        "policy: p.policy\ncases:\n  - name: from a Parquet book\n    snapshot_file: book.parquet\n    \
         snapshot_id: A2\n    expect:\n      outcome: limit\n      limit: \"14400.12\"\n      reasons: [L1]\n",
    )
    .unwrap();
    let out = run(&dir, &["test", "p.test.yaml"], &[0]);
    assert!(out.contains("1 passed, 0 failed"), "{out}");
    std::fs::write(
        dir.join("p.test.yaml"),
        std::fs::read_to_string(dir.join("p.test.yaml")).unwrap().replace("A2", "A3"),
    )
    .unwrap();
    let out = run(&dir, &["test", "p.test.yaml"], &[1]);
    assert!(out.contains("0 passed, 1 failed"), "{out}");
}

/// "a snapshot that does not fit the schema 422": a snapshot without its
/// `as_of` (every snapshot has one, and the service has no `--as-of`) is one.
#[test]
fn the_service_refuses_a_snapshot_without_as_of_with_422() {
    let dir = probe("serve-as-of");
    let server = serve_support::Server::start(&dir.join("p.policy"), &[]);
    let snapshot = account("A2", "active", 720, "1500").replace(r#""as_of":"2026-11-01","#, "");
    let reply = server.decide(&snapshot);
    assert_eq!(reply.status, 422, "{}", reply.body);
    let record: Value = serde_json::from_str(&reply.body).unwrap();
    assert_eq!(record["id"], "A2");
    assert_eq!(record["error"]["kind"], "snapshot");
    // In JSON Lines the line has its record, and the response is 200.
    let lines = format!("{snapshot}\n{}\n", account("A3", "active", 720, "1500"));
    let reply = server.decide_lines(&lines);
    assert_eq!(reply.status, 200);
    let records: Vec<Value> = reply.body.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(records[0]["error"]["kind"], "snapshot");
    assert_eq!(records[1]["outcome"], "none");
}

/// "A body over `--max-request-bytes` (default 16 MiB) is refused with 413
/// without being read whole": 16 MiB is 16 × 2^20 bytes.
#[test]
fn the_default_body_limit_is_16_mib() {
    let dir = probe("serve-limit");
    let server = serve_support::Server::start(&dir.join("p.policy"), &[]);
    let limit = 16 * 1024 * 1024;
    let mut stream = server.connect();
    let head = format!(
        "POST /v1/decide HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n",
        limit + 1
    );
    serve_support::send(&mut stream, head.as_bytes());
    let answer = serve_support::read_all(&mut stream);
    assert!(answer.starts_with("HTTP/1.1 413"), "{answer}");
    assert!(answer.contains(r#""kind":"request""#), "an error record: {answer}");
    let mut body = account("A3", "active", 720, "1500").into_bytes();
    body.resize(limit, b' ');
    let reply = server.post("/v1/decide", Some("application/json"), &body);
    assert_eq!(reply.status, 200, "exactly the limit is taken: {}", &reply.body[..reply.body.len().min(200)]);
}
