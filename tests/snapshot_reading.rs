//! Reading snapshots (spec §3): every format, exact decimals, and one item per
//! input snapshot, in input order, with errors that name the field path.

mod snapshot_support;

use snapshot_support::{get, read, schema, FLAT_SCHEMA};

use rust_decimal::Decimal;
use std::path::Path;
use std::str::FromStr;
use verdict::schema::{load_schema, FieldKind};
use verdict::snapshot::{parse_json_snapshot, read_snapshots, Format, Key, ReadError, ReadItem, Snapshot};
use verdict::value::{parse_date, SetItem, Value};

const SCHEMA: &str = "
entity: account
key: id
fields:
  id: string
  status: enum(active, restricted, frozen, closed)
  credit_limit: money
  rate: decimal
  score: int
  opened_on: date
  identity:
    verified: bool
    mismatch_fields: set<string>
  appeal_open: bool?
  tags: set<string>
  codes: set<int>
  channels: set<enum(sms, push, email)>
  overdues:
    list:
      due_on: date
      days: int
      amount: money
      repaid_on: date?
    by: due_on
  birth_year: int?
";

/// A valid snapshot for [`SCHEMA`], as JSON.
const BASE: &str = r#"{"id": "A-1", "as_of": "2026-11-01", "status": "active", "credit_limit": "10000",
  "rate": "0.05", "score": 720, "opened_on": "2024-03-15",
  "identity": {"verified": true, "mismatch_fields": []}, "tags": [], "codes": [], "channels": [],
  "overdues": []}"#;

/// [`BASE`] with top-level keys replaced by raw JSON (`None` removes the key).
fn with(changes: &[(&str, Option<&str>)]) -> String {
    let mut object: serde_json::Map<String, serde_json::Value> = serde_json::from_str(BASE).unwrap();
    for (key, raw) in changes {
        match raw {
            Some(raw) => object.insert(key.to_string(), serde_json::from_str(raw).unwrap()),
            None => object.remove(*key),
        };
    }
    serde_json::to_string(&object).unwrap()
}

fn ok(item: ReadItem) -> Snapshot {
    item.unwrap_or_else(|e| panic!("expected a snapshot, got error: {}", e.message))
}

fn err_message(item: ReadItem) -> String {
    match item {
        Ok(s) => panic!("expected an error, got snapshot {}", s.id),
        Err(e) => e.message,
    }
}

fn dec(text: &str) -> Value {
    Value::Dec(Decimal::from_str(text).unwrap())
}

fn date(text: &str) -> Value {
    Value::Date(parse_date(text).unwrap())
}

fn strs(items: &[&str]) -> Value {
    Value::Set(items.iter().map(|s| SetItem::Str((*s).into())).collect())
}

#[test]
fn a_valid_snapshot_fills_every_slot() {
    let s = schema(SCHEMA);
    let snap = ok(parse_json_snapshot(BASE, &s));
    assert_eq!(snap.id, Key::Str("A-1".into()));
    assert_eq!(snap.as_of, parse_date("2026-11-01"));
    assert_eq!(snap.record.slots.len(), s.root.slot_count);
    assert_eq!(get(&s, &snap.record, "status"), &Value::Enum(0));
    assert_eq!(get(&s, &snap.record, "score"), &Value::Int(720));
    assert_eq!(get(&s, &snap.record, "opened_on"), &date("2024-03-15"));
    assert_eq!(get(&s, &snap.record, "identity.verified"), &Value::Bool(true));
    assert_eq!(get(&s, &snap.record, "identity.mismatch_fields"), &strs(&[]));
    assert_eq!(get(&s, &snap.record, "appeal_open"), &Value::None);
    assert_eq!(get(&s, &snap.record, "overdues"), &Value::List(Box::new([])));
}

#[test]
fn decimals_are_exact_from_strings_and_numbers() {
    let s = schema(SCHEMA);
    let limit = |raw: &str| {
        let snap = ok(parse_json_snapshot(&with(&[("credit_limit", Some(raw))]), &s));
        get(&s, &snap.record, "credit_limit").clone()
    };
    assert_eq!(limit(r#""12000.10""#), dec("12000.10"));
    assert_eq!(limit("12000.10"), dec("12000.10"));
    assert_eq!(limit("10000.625"), dec("10000.625"));
    assert_eq!(limit("0.1"), dec("0.1"));
    assert_eq!(limit("7005"), dec("7005"));
    assert_eq!(limit("-0"), dec("0"));
    // 28 significant digits, well past what an f64 keeps.
    assert_eq!(limit("12345678901234567890.12345678"), dec("12345678901234567890.12345678"));
    assert_eq!(limit(r#""12345678901234567890.12345678""#), dec("12345678901234567890.12345678"));
    let Value::Dec(d) = limit("12000.10") else { panic!() };
    assert_eq!(d.to_string(), "12000.10");
    // Zeros ending a fraction past 28 places add no value: read as a Parquet
    // DECIMAL(38, 30) column gives the same amount.
    let zeros = "0".repeat(30);
    assert_eq!(limit(&format!("1000.{zeros}")), dec("1000"));
    assert_eq!(limit(&format!(r#""-0.5{zeros}""#)), dec("-0.5"));
}

#[test]
fn decimals_that_cannot_be_exact_are_refused() {
    let s = schema(SCHEMA);
    let limit = |raw: &str| err_message(parse_json_snapshot(&with(&[("credit_limit", Some(raw))]), &s));
    // serde_json hands exponents over normalized (`1e3` as `1e+3`); refused either way.
    assert_eq!(limit("1e3"), "credit_limit: expected money, found 1e+3 (write it without an exponent)");
    assert!(limit("0.123456789012345678901234567891").contains("more digits than an exact decimal holds"));
    // A spreadsheet's grouped digits are named; a decimal comma (`1,5`) is not guessed at either.
    let grouped = " (write it without thousands separators: `5000`, `1234.50`)";
    assert_eq!(limit(r#""12,000""#), format!(r#"credit_limit: expected money, found "12,000"{grouped}"#));
    assert!(limit(r#""-1,234,567.50""#).ends_with(grouped));
    for odd in [r#""1,5""#, r#""12,34""#, r#""1,2345""#, r#""1,234.5x""#, r#"",123""#] {
        assert!(!limit(odd).contains("thousands"), "{odd}: {}", limit(odd));
    }
    assert!(limit("true").contains("credit_limit: expected money, found true"));
}

#[test]
fn ints_are_json_integers_only() {
    let s = schema(SCHEMA);
    let score = |raw: &str| parse_json_snapshot(&with(&[("score", Some(raw))]), &s);
    assert_eq!(get(&s, &ok(score("-3")).record, "score"), &Value::Int(-3));
    assert_eq!(get(&s, &ok(score("9223372036854775807")).record, "score"), &Value::Int(i64::MAX));
    assert_eq!(err_message(score("1.5")), "score: expected int, found 1.5");
    assert_eq!(err_message(score("720.0")), "score: expected int, found 720.0");
    assert_eq!(err_message(score(r#""720""#)), r#"score: expected int, found "720""#);
    assert_eq!(
        err_message(score("9223372036854775808")),
        "score: expected int, found 9223372036854775808 (out of range for int)"
    );
    // An integer is a fine decimal.
    let snap = ok(parse_json_snapshot(&with(&[("rate", Some("3"))]), &s));
    assert_eq!(get(&s, &snap.record, "rate"), &dec("3"));
}

#[test]
fn missing_required_fields_are_named() {
    let s = schema(SCHEMA);
    let e = parse_json_snapshot(&with(&[("opened_on", None)]), &s).unwrap_err();
    assert_eq!(e.message, "opened_on: missing required field");
    assert_eq!(e.id, Some(Key::Str("A-1".into())));

    let e = err_message(parse_json_snapshot(&with(&[("identity", Some(r#"{"mismatch_fields": []}"#))]), &s));
    assert_eq!(e, "identity.verified: missing required field");

    let e = err_message(parse_json_snapshot(&with(&[("identity", None)]), &s));
    assert_eq!(e, "identity.verified: missing required field; identity.mismatch_fields: missing required field");

    let e = err_message(parse_json_snapshot(&with(&[("score", Some("null"))]), &s));
    assert_eq!(e, "score: expected int, found null");
}

#[test]
fn null_or_missing_optional_fields_are_none() {
    let s = schema(SCHEMA);
    for changes in [[("appeal_open", Some("null"))], [("appeal_open", None)]] {
        let snap = ok(parse_json_snapshot(&with(&changes), &s));
        assert_eq!(get(&s, &snap.record, "appeal_open"), &Value::None);
    }
    let snap = ok(parse_json_snapshot(&with(&[("appeal_open", Some("false")), ("birth_year", Some("1988"))]), &s));
    assert_eq!(get(&s, &snap.record, "appeal_open"), &Value::Bool(false));
    assert_eq!(get(&s, &snap.record, "birth_year"), &Value::Int(1988));
    // `as_of` may be null or missing: the command line can supply it.
    assert_eq!(ok(parse_json_snapshot(&with(&[("as_of", None)]), &s)).as_of, None);
    assert_eq!(ok(parse_json_snapshot(&with(&[("as_of", Some("null"))]), &s)).as_of, None);
    let e = err_message(parse_json_snapshot(&with(&[("as_of", Some(r#""2026-13-01""#))]), &s));
    assert_eq!(e, r#"as_of: expected date (YYYY-MM-DD), found "2026-13-01" (not a calendar date)"#);
    let e = err_message(parse_json_snapshot(&with(&[("as_of", Some(r#""2026-02-29""#))]), &s));
    assert_eq!(e, r#"as_of: expected date (YYYY-MM-DD), found "2026-02-29" (not a calendar date)"#);
    // A text of another shape is no date at all: nothing more is said.
    let e = err_message(parse_json_snapshot(&with(&[("as_of", Some(r#""2026-2-28""#))]), &s));
    assert_eq!(e, r#"as_of: expected date (YYYY-MM-DD), found "2026-2-28""#);
}

#[test]
fn enums_must_be_members() {
    let s = schema(SCHEMA);
    let snap = ok(parse_json_snapshot(&with(&[("status", Some(r#""frozen""#))]), &s));
    assert_eq!(get(&s, &snap.record, "status"), &Value::Enum(2));
    // A member in another case (a book exported from another system) is named.
    let e = err_message(parse_json_snapshot(&with(&[("status", Some(r#""Frozen""#))]), &s));
    let hint = r#" (did you mean "frozen"? members are matched exactly, case included)"#;
    assert_eq!(e, format!(r#"status: expected one of (active, restricted, frozen, closed), found "Frozen"{hint}"#));
    let e = err_message(parse_json_snapshot(&with(&[("status", Some(r#""pending""#))]), &s));
    assert_eq!(e, r#"status: expected one of (active, restricted, frozen, closed), found "pending""#);
    let yaml = read(Format::Yaml, "- {id: A-1, as_of: 2026-11-01, status: ACTIVE}\n", &s);
    let e = yaml.into_iter().next().map(err_message).unwrap_or_default();
    assert!(e.contains(r#"found "ACTIVE" (did you mean "active"?"#), "{e}");
}

/// `"active\n"` is no member and `" 5 "` no number in JSON (or YAML, or
/// Parquet): the value is taken as written, and the message says why. CSV
/// trims its cells, as spreadsheets pad them (see `csv_rows_with_sets_…`).
#[test]
fn values_with_spaces_around_them_are_refused_outside_csv() {
    let s = schema(SCHEMA);
    let spaced = " (with no spaces or line breaks around it)";
    let cases = [
        (
            "status",
            r#""active\n""#,
            "status: expected one of (active, restricted, frozen, closed), found \"active\\n\"",
        ),
        ("credit_limit", r#"" 5 ""#, "credit_limit: expected money, found \" 5 \""),
        ("opened_on", r#"" 2024-03-15""#, "opened_on: expected date (YYYY-MM-DD), found \" 2024-03-15\""),
    ];
    for (field, raw, message) in cases {
        let e = err_message(parse_json_snapshot(&with(&[(field, Some(raw))]), &s));
        assert_eq!(e, format!("{message}{spaced}"));
        let lines = read(Format::Jsonl, &format!("{}\n", with(&[(field, Some(raw))])), &s);
        assert_eq!(lines.into_iter().map(err_message).collect::<Vec<_>>(), [format!("{message}{spaced}")]);
    }
    // Not said where the value is refused without them too (an int in
    // quotes); a member in another case is still named.
    let e = err_message(parse_json_snapshot(&with(&[("score", Some(r#"" 640""#))]), &s));
    assert_eq!(e, r#"score: expected int, found " 640""#);
    let e = err_message(parse_json_snapshot(&with(&[("status", Some(r#"" Active ""#))]), &s));
    assert!(
        e.ends_with(r#"found " Active " (did you mean "active"? members are matched exactly, case included)"#),
        "{e}"
    );
    let yaml = read(Format::Yaml, "- {id: A-1, as_of: \"2026-11-01 \"}\n", &s);
    assert!(yaml.into_iter().next().map(err_message).unwrap_or_default().contains(spaced));
}

#[test]
fn sets_are_sorted_and_deduplicated() {
    let s = schema(SCHEMA);
    let snap = ok(parse_json_snapshot(
        &with(&[
            ("tags", Some(r#"["vip", "paperless", "vip"]"#)),
            ("codes", Some("[30, 4, 30, 12]")),
            ("channels", Some(r#"["sms", "email", "sms"]"#)),
        ]),
        &s,
    ));
    assert_eq!(get(&s, &snap.record, "tags"), &strs(&["paperless", "vip"]));
    let codes = Value::Set([4, 12, 30].map(SetItem::Int).into());
    assert_eq!(get(&s, &snap.record, "codes"), &codes);
    assert_eq!(get(&s, &snap.record, "channels"), &strs(&["email", "sms"]));

    let e = err_message(parse_json_snapshot(&with(&[("channels", Some(r#"["sms", "fax"]"#))]), &s));
    assert_eq!(e, r#"channels[1]: expected one of (sms, push, email), found "fax""#);
    let e = err_message(parse_json_snapshot(&with(&[("tags", Some(r#""vip""#))]), &s));
    assert_eq!(e, r#"tags: expected a list of string, found "vip""#);
}

#[test]
fn lists_are_stably_sorted_by_their_time_key() {
    let s = schema(SCHEMA);
    let overdues = r#"[
        {"due_on": "2026-05-01", "days": 1, "amount": "10"},
        {"due_on": "2025-01-01", "days": 2, "amount": 20.50, "repaid_on": "2025-02-01"},
        {"due_on": "2026-05-01", "days": 3, "amount": "30", "repaid_on": null}
    ]"#;
    let snap = ok(parse_json_snapshot(&with(&[("overdues", Some(overdues))]), &s));
    let Value::List(elements) = get(&s, &snap.record, "overdues") else { panic!("not a list") };
    let FieldKind::List(layout) = &s.lookup("overdues").unwrap().kind else { panic!() };
    let slot = |name: &str| layout.element.field(name).unwrap().slot.unwrap();
    let days: Vec<&Value> = elements.iter().map(|e| &e.slots[slot("days")]).collect();
    assert_eq!(days, [&Value::Int(2), &Value::Int(1), &Value::Int(3)]);
    assert!(elements.iter().all(|e| e.slots.len() == layout.element.slot_count));
    assert_eq!(elements[0].slots[slot("amount")], dec("20.50"));
    assert_eq!(elements[0].slots[slot("repaid_on")], date("2025-02-01"));
    assert_eq!(elements[2].slots[slot("repaid_on")], Value::None);
}

#[test]
fn errors_inside_list_elements_name_the_element() {
    let s = schema(SCHEMA);
    let overdues = r#"[{"due_on": "2026-05-01", "days": 1, "amount": "10"},
                       {"due_on": "2026-06-01", "days": "ten", "amount": "10"},
                       {"days": 1, "amount": "10"}, 5]"#;
    let e = parse_json_snapshot(&with(&[("overdues", Some(overdues))]), &s).unwrap_err();
    assert_eq!(
        e.message,
        r#"overdues[1].days: expected int, found "ten"; overdues[2].due_on: missing required field; overdues[3]: expected an object, found 5"#
    );
    assert_eq!(e.id, Some(Key::Str("A-1".into())));
}

#[test]
fn nested_records_and_unknown_keys() {
    let s = schema(SCHEMA);
    let text = with(&[
        ("identity", Some(r#"{"verified": false, "mismatch_fields": ["phone"], "checked_by": {"x": [1, 2]}}"#)),
        ("extra", Some(r#"{"deep": [{"a": 1.5}, null, "x"]}"#)),
        ("overdues", Some(r#"[{"due_on": "2026-05-01", "days": 1, "amount": "10", "note": [1]}]"#)),
    ]);
    let snap = ok(parse_json_snapshot(&text, &s));
    assert_eq!(get(&s, &snap.record, "identity.verified"), &Value::Bool(false));
    assert_eq!(get(&s, &snap.record, "identity.mismatch_fields"), &strs(&["phone"]));

    let e = err_message(parse_json_snapshot(&with(&[("identity", Some("true"))]), &s));
    assert_eq!(e, "identity: expected an object, found true");
}

#[test]
fn the_id_is_reported_when_it_can_be_read() {
    let s = schema(SCHEMA);
    let e = parse_json_snapshot(&with(&[("score", Some(r#""high""#))]), &s).unwrap_err();
    assert_eq!(e.id, Some(Key::Str("A-1".into())));
    let e = parse_json_snapshot(&with(&[("id", None)]), &s).unwrap_err();
    assert_eq!((e.id, e.message.as_str()), (None, "id: missing required field"));
    // A key of the wrong type names the account as the input wrote it.
    let e = parse_json_snapshot(&with(&[("id", Some("17"))]), &s).unwrap_err();
    assert_eq!((e.id, e.message.as_str()), (Some(Key::Str("17".into())), "id: expected string, found 17"));
    for (written, id) in [("1.50", Some("1.50")), ("true", Some("true")), ("null", None), ("[1]", None), ("{}", None)] {
        let e = parse_json_snapshot(&with(&[("id", Some(written))]), &s).unwrap_err();
        assert_eq!(e.id, id.map(|id| Key::Str(id.into())), "{written}");
    }
    // YAML reads its plain numbers and booleans as JSON reads them (its core
    // schema): text only when quoted, so a string field refuses them alike.
    let flat = schema(FLAT_SCHEMA);
    let yaml = |id: &str, tags: &str| {
        format!("- {{id: {id}, status: active, credit_limit: 10, score: 700, identity: {{verified: true}}, tags: {tags}}}\n")
    };
    for (id, tags, message) in [
        ("17", "[]", "id: expected string, found 17"),
        ("0x1F", "[]", "id: expected string, found 0x1F"),
        ("true", "[]", "id: expected string, found true"),
        ("-1.5e3", "[]", "id: expected string, found -1.5e3"),
        ("A-1", "[vip, 2024, False]", "tags[1]: expected string, found 2024; tags[2]: expected string, found False"),
    ] {
        let e = read(Format::Yaml, &yaml(id, tags), &flat).remove(0).unwrap_err();
        assert_eq!((e.id, e.message.as_str()), (Some(Key::Str(id.into())), message), "{id} {tags}");
    }
    for (id, tags) in [("\"17\"", "[\"2024\"]"), ("A-1.5", "[vip, 2024-11-01, .5x, truey]")] {
        assert!(read(Format::Yaml, &yaml(id, tags), &flat).remove(0).is_ok(), "{id} {tags}");
    }
    // Broken syntax: the id as far as it could be read, that is when the key
    // was read whole before the break; none when the break is before or in it.
    let e = parse_json_snapshot(r#"{"id": "A-1", "score": 7"#, &s).unwrap_err();
    assert_eq!(e.id, Some(Key::Str("A-1".into())));
    assert!(e.message.starts_with("invalid JSON at line 1, column 24:"), "{}", e.message);
    let e = parse_json_snapshot(r#"{"score": 7, "id": "A-"#, &s).unwrap_err();
    assert_eq!(e.id, None);
    // An int key.
    let s = schema("key: n\nfields:\n  n: int\n");
    assert_eq!(ok(parse_json_snapshot(r#"{"n": 42}"#, &s)).id, Key::Int(42));
    for (format, input) in [
        (Format::Jsonl, "{\"n\": \"A-1\"}\n{\"n\": 12345678901234567890}\n"),
        (Format::Yaml, "- n: A-1\n- n: 12345678901234567890\n"),
        (Format::Csv, "n\nA-1\n12345678901234567890\n"),
    ] {
        let ids: Vec<Option<Key>> = read(format, input, &s).into_iter().map(|item| item.unwrap_err().id).collect();
        let written = vec![Some(Key::Str("A-1".into())), Some(Key::Str("12345678901234567890".into()))];
        assert_eq!(ids, written, "{format:?}");
    }
    // Nested keys are found by their path.
    let s = schema("key: who.n\nfields:\n  who:\n    n: int\n");
    let e = parse_json_snapshot(r#"{"who": {"n": "B-2"}}"#, &s).unwrap_err();
    assert_eq!(e.id, Some(Key::Str("B-2".into())));
}

#[test]
fn json_lines_yield_one_item_per_line() {
    let s = schema(SCHEMA);
    let input = format!(
        "{}\n\n{}\r\n{{\"id\": \"A-3\", \"score\": 12\n   \n{}\n[1]\n",
        with(&[("id", Some(r#""A-1""#))]),
        with(&[("id", Some(r#""A-2""#))]),
        with(&[("id", Some(r#""A-4""#))]),
    );
    let items = read(Format::Jsonl, &input, &s);
    assert_eq!(items.len(), 5);
    let ids: Vec<Option<String>> = items
        .iter()
        .map(|i| match i {
            Ok(s) => Some(s.id.to_string()),
            Err(e) => e.id.as_ref().map(Key::to_string),
        })
        .collect();
    assert_eq!(ids, [Some("A-1".into()), Some("A-2".into()), Some("A-3".into()), Some("A-4".into()), None]);
    let broken = items[2].as_ref().unwrap_err();
    assert!(broken.message.starts_with("invalid JSON at line 4, column"), "{}", broken.message);
    // A record without an id names its line (blank lines make its place no guide).
    assert_eq!(items[4].as_ref().unwrap_err().message, "line 7: expected a JSON object (one snapshot), found a list");
    let no_id = read(Format::Jsonl, &format!("\n\n{}\n", with(&[("id", None)])), &s);
    assert_eq!(no_id.into_iter().map(err_message).collect::<Vec<_>>(), ["line 3: id: missing required field"]);
    // So does a JSON array's element, or a YAML list's item: the line it starts on.
    let array = format!("[{},\n\n  {}]\n", with(&[("id", Some(r#""A-1""#))]), with(&[("id", None)]));
    let errors: Vec<_> =
        read(Format::Json, &array, &s).into_iter().filter_map(Result::err).map(|e| e.message).collect();
    assert_eq!(errors, ["line 3: id: missing required field"]);
    let yaml = "- {id: A-1, as_of: 2026-11-01}\n\n# no id:\n- as_of: 2026-11-01\n";
    let errors: Vec<_> = read(Format::Yaml, yaml, &s).into_iter().map(err_message).collect();
    assert!(!errors[0].starts_with("line"), "{errors:?}");
    assert!(errors[1].starts_with("line 4: id: missing required field"), "{errors:?}");
}

#[test]
fn a_json_array_yields_one_item_per_element() {
    let s = schema(SCHEMA);
    let input = format!(
        "[\n{},\n{},\n{}\n]\n",
        with(&[("id", Some(r#""A-1""#))]),
        with(&[("id", Some(r#""A-2""#)), ("score", Some(r#"{"nested": [1, {"x": 2}]}"#))]),
        with(&[("id", Some(r#""A-3""#))]),
    );
    let items = read(Format::Json, &input, &s);
    assert_eq!(items.len(), 3);
    assert!(items[0].is_ok() && items[2].is_ok());
    let e = items[1].as_ref().unwrap_err();
    assert_eq!(
        (e.id.clone(), e.message.as_str()),
        (Some(Key::Str("A-2".into())), "score: expected int, found an object")
    );

    // A syntax error inside one element spoils that element only.
    let input = format!("[{}, {{\"id\": \"B\",, }}, {}]", BASE, BASE);
    let items = read(Format::Json, &input, &s);
    assert_eq!(items.iter().map(Result::is_ok).collect::<Vec<_>>(), [true, false, true]);

    // A `,` missing between two elements: each keeps its record, the one
    // after the gap an error saying so (it took the next snapshot with it).
    let b = BASE.replace("A-1", "B");
    let c = BASE.replace("A-1", "C");
    let d = BASE.replace("A-1", "D");
    let input = format!("[\n{BASE}\n{b},\n{c}\n{d}\n]");
    let items = read(Format::Json, &input, &s);
    let ids: Vec<_> = items.iter().map(|i| i.as_ref().map_or_else(|e| e.id.clone(), |s| Some(s.id.clone()))).collect();
    let want = ["A-1", "B", "C", "D"].map(|id| Some(Key::Str(id.into())));
    assert_eq!(ids, want);
    assert_eq!(items.iter().map(Result::is_ok).collect::<Vec<_>>(), [true, false, true, false]);
    let gap = items[1].as_ref().unwrap_err();
    // Where A-1 ends: the place of the missing `,`.
    let (line, column) = (2 + BASE.matches('\n').count(), BASE.rsplit('\n').next().map_or(0, str::len) + 1);
    let missing = "a `,` is missing between this array element and the one before it";
    assert_eq!(gap.message, format!("invalid JSON at line {line}, column {column}: {missing}"));
    // A `,` before the `]` hides no snapshot.
    let items = read(Format::Json, &format!("[{BASE},\n]"), &s);
    assert_eq!(items.iter().map(Result::is_ok).collect::<Vec<_>>(), [true]);

    // A cut-off file ends with one error.
    let input = format!("[{}, {}", BASE, &BASE[..40]);
    let items = read(Format::Json, &input, &s);
    assert_eq!(items.len(), 2);
    assert!(items[1].as_ref().unwrap_err().message.starts_with("invalid JSON"));

    assert!(read(Format::Json, " [ ] ", &s).is_empty());
    let empty = read_snapshots("".as_bytes(), Format::Json, s.clone()).map(|_| ()).unwrap_err();
    assert!(matches!(empty, ReadError::EmptyJson), "an empty file is not JSON: {empty:?}");
    assert_eq!(read(Format::Json, BASE, &s).len(), 1);
    assert!(ok(read(Format::Json, BASE, &s).remove(0)).id == Key::Str("A-1".into()));
}

/// The ids of the records read, in order, and which were snapshots.
fn ids_and_oks(items: &[ReadItem]) -> (Vec<Option<Key>>, Vec<bool>) {
    let ids = items.iter().map(|i| i.as_ref().map_or_else(|e| e.id.clone(), |s| Some(s.id.clone()))).collect();
    (ids, items.iter().map(Result::is_ok).collect())
}

#[test]
fn a_damaged_array_element_costs_no_other_snapshot() {
    let s = schema(SCHEMA);
    let one_line = BASE.replace('\n', " ");
    let line = |id: &str| one_line.replace("A-1", id);
    let want = |ids: &[&str]| ids.iter().map(|id| Some(Key::Str((*id).into()))).collect::<Vec<_>>();
    // A string not closed on its line, a `}` closing a `[`, a `}` missing:
    // each spoils its own element only, one element to a line or laid out.
    let damages =
        [("\"active\"", "\"active"), ("\"tags\": []", "\"tags\": [}"), ("\"overdues\": []}", "\"overdues\": []")];
    for (good, bad) in damages {
        let b = line("B");
        assert!(b.contains(good), "{good}");
        let input = format!("[\n{},\n{},\n{},\n{}\n]\n", line("A"), b.replacen(good, bad, 1), line("C"), line("D"));
        let (ids, oks) = ids_and_oks(&read(Format::Json, &input, &s));
        assert_eq!(oks, [true, false, true, true], "{bad}: {input}");
        assert_eq!(ids[0], want(&["A"])[0]);
        assert_eq!(ids[2..], want(&["C", "D"]), "{bad}");
        // The last element damaged: the `]` after it still closes the array.
        let input = format!("[\n{},\n{}\n]\n", line("A"), line("D").replacen(good, bad, 1));
        assert_eq!(ids_and_oks(&read(Format::Json, &input, &s)).1, [true, false], "{bad}");
    }
    // Laid out as json.dump(indent=2) writes it: the next element's `{` at the element's own indent.
    let laid_out = |id: &str| format!("  {{\n    \"id\": \"{id}\",\n    \"status\": \"active\"\n  }}");
    let input =
        format!("[\n{},\n{},\n{}\n]\n", laid_out("A"), laid_out("B").replace("\"active\"", "\"active"), laid_out("C"));
    let (ids, _) = ids_and_oks(&read(Format::Json, &input, &s));
    assert_eq!(ids.len(), 3, "{ids:?}");
    assert_eq!((&ids[0], &ids[2]), (&want(&["A"])[0], &want(&["C"])[0]));
}

#[test]
fn a_json_file_of_several_objects_or_arrays_is_read_whole() {
    let s = schema(SCHEMA);
    let line = |id: &str| BASE.replace('\n', " ").replace("A-1", id);
    // JSON Lines in a file named `.json` (as Spark and BigQuery write them): one record each.
    let input = format!("{}\n{}\n{}\n", line("A"), line("B"), line("C"));
    let (ids, oks) = ids_and_oks(&read(Format::Json, &input, &s));
    assert_eq!((ids.len(), oks), (3, vec![true, true, true]));
    // One of them broken: its own error record, in its place.
    let input = format!("{}\n{}\n{}\n", line("A"), &line("B")[..30], line("C"));
    assert_eq!(ids_and_oks(&read(Format::Json, &input, &s)).1, [true, false, true]);
    // Objects laid out over several lines, one after another; arrays one after another.
    let (ids, oks) = ids_and_oks(&read(Format::Json, &format!("{BASE}\n{}\n", BASE.replace("A-1", "B")), &s));
    assert_eq!((ids.len(), oks), (2, vec![true, true]));
    let arrays = format!("[{}]\n[{}, {}]\n", line("A"), line("B"), line("C"));
    assert_eq!(ids_and_oks(&read(Format::Json, &arrays, &s)).1, [true, true, true]);
}

#[test]
fn damage_anywhere_in_a_json_file_costs_its_own_record_only() {
    let s = schema(SCHEMA);
    let line = |id: &str| BASE.replace('\n', " ").replace("A-1", id);
    let (a, b, c) = (line("A"), line("B"), line("C"));
    let oks = |text: &str| ids_and_oks(&read(Format::Json, text, &s)).1;
    // A sequence: a line that is no object (`null`, `42`, a stray `]`) is one error record.
    assert_eq!(oks(&format!("{a}\nnull\n{b}\n42\n{c}\n")), [true, false, true, false, true]);
    assert_eq!(oks(&format!("{a}\n]\n{b}\n{c}\n")), [true, false, true, true]);
    // Objects one after another with commas between them: three records.
    assert_eq!(oks(&format!("{a},\n{b},\n{c}\n")), [true, true, true]);
    let broken = "{\"id\": \"X\", \"tags\": [\"a\"}";
    // Comma-first layout, and an array on one line, each with a damaged element.
    assert_eq!(oks(&format!("[ {a}\n, {broken}\n, {b}\n, {c}\n]\n")), [true, false, true, true]);
    assert_eq!(oks(&format!("[{a}, {broken}, {b}, {c}]")), [true, false, true, true]);
    let unclosed = "{\"id\": \"X\", \"s\": \"abc}";
    assert_eq!(oks(&format!("[{a}, {unclosed}, {b}]")), [true, false, true]);
    // A `}` missing: the next element's `{` where no value may stand ends the damaged one there.
    let open = "{\"id\": \"X\", \"status\": \"active\",";
    assert_eq!(oks(&format!("[\n{a},\n{open}\n{b}\n]\n")), [true, false, true]);
    // Valid layouts with a nested `{` at the start of a line are not taken for damage.
    let nested = BASE.replace("\"identity\": {", "\"identity\":\n{").replace("  ", "");
    assert_eq!(oks(&format!("[{nested},\n{b}]")), [true, true]);
}

#[test]
fn yaml_lists_and_documents() {
    let s = schema(SCHEMA);
    let one = "id: Y-1\nas_of: 2026-11-01\nstatus: active\ncredit_limit: 12000.10\nrate: \"0.05\"\nscore: 720
opened_on: 2024-03-15\nidentity: {verified: true, mismatch_fields: [phone, address, phone]}
appeal_open: null\ntags: []\ncodes: [3, 1]\nchannels: [push]
overdues:\n  - {due_on: 2026-05-01, days: 3, amount: 10000.625}\n  - {due_on: 2025-05-01, days: 1, amount: \"5\"}\n";
    let list = format!("- {}\n- {}", one.replace('\n', "\n  "), one.replace("Y-1", "Y-2").replace('\n', "\n  "));
    let items = read(Format::Yaml, &list, &s);
    assert_eq!(items.len(), 2);
    let snap = ok(items.into_iter().next().unwrap());
    assert_eq!(snap.id, Key::Str("Y-1".into()));
    assert_eq!(snap.as_of, parse_date("2026-11-01"));
    assert_eq!(get(&s, &snap.record, "credit_limit"), &dec("12000.10"));
    assert_eq!(get(&s, &snap.record, "identity.mismatch_fields"), &strs(&["address", "phone"]));
    assert_eq!(get(&s, &snap.record, "appeal_open"), &Value::None);
    let Value::List(overdues) = get(&s, &snap.record, "overdues") else { panic!() };
    assert_eq!(overdues[0].slots[0], date("2025-05-01"));
    assert_eq!(overdues[1].slots[2], dec("10000.625"));

    let docs = format!("---\n{one}---\n{}\n---\n", one.replace("Y-1", "Y-3").replace("score: 720", "score: ten"));
    let items = read(Format::Yaml, &docs, &s);
    assert_eq!(items.len(), 2);
    assert!(items[0].is_ok());
    let e = items[1].as_ref().unwrap_err();
    assert_eq!(
        (e.id.clone(), e.message.as_str()),
        (Some(Key::Str("Y-3".into())), r#"score: expected int, found "ten""#)
    );
    // An empty document is no snapshot; a `~` or `null` written as one is an error record in its place.
    let docs = format!("---\n{one}---\n---\n~\n---\nnull\n---\n{one}");
    assert_eq!(read(Format::Yaml, &docs, &s).iter().map(Result::is_ok).collect::<Vec<_>>(), [true, false, false, true]);

    // A quoted "true" is a string, never a bool; a quoted int is refused too.
    let quoted = one.replace("verified: true", "verified: \"true\"").replace("score: 720", "score: '720'");
    let e = err_message(read(Format::Yaml, &quoted, &s).remove(0));
    assert_eq!(e, r#"score: expected int, found "720"; identity.verified: expected bool, found "true""#);

    let items = read(Format::Yaml, "- {id: [unclosed\n", &s);
    assert_eq!(items.len(), 1);
    assert!(items[0].as_ref().unwrap_err().message.starts_with("invalid YAML at line"));
}

#[test]
fn a_yaml_list_broken_in_one_item_gives_each_item_its_record() {
    let s = schema(SCHEMA);
    let one = "id: Y-1\nas_of: 2026-11-01\nstatus: active\ncredit_limit: 10\nrate: \"0.05\"\nscore: 720
opened_on: 2024-03-15\nidentity: {verified: true, mismatch_fields: []}\ntags: []\ncodes: []\nchannels: []
overdues: []\n";
    let item = |id: &str| format!("- {}", one.replace("Y-1", id).trim_end().replace('\n', "\n  "));
    let list = format!("# a book\n{}\n- id: Y-2\n  tags: [unclosed\n{}\n", item("Y-1"), item("Y-3"));
    let items = read(Format::Yaml, &list, &s);
    let ids: Vec<_> = items.iter().map(|i| i.as_ref().ok().map(|s| s.id.clone())).collect();
    assert_eq!(ids, [Some(Key::Str("Y-1".into())), None, Some(Key::Str("Y-3".into()))]);
    let broken = items[1].as_ref().unwrap_err();
    assert_eq!(broken.message, "invalid YAML at line 16, column 1: while parsing a flow sequence, expected ',' or ']'");
    // Its id as far as it could be read: from its lines before the break.
    assert_eq!(broken.id, Some(Key::Str("Y-2".into())));

    // Lines ended by a lone CR, as the parser ends them: the same records
    // (the recovery once split at `\n` alone, and the book became one error).
    for ending in ["\r", "\r\n"] {
        let items = read(Format::Yaml, &list.replace('\n', ending), &s);
        let outline: Vec<_> =
            items.iter().map(|i| i.as_ref().map(|s| s.id.clone()).map_err(|e| e.id.clone())).collect();
        let key = |id: &str| Key::Str(id.into());
        assert_eq!(outline, [Ok(key("Y-1")), Err(Some(key("Y-2"))), Ok(key("Y-3"))], "{ending:?}");
    }

    // The same list as a second document: the first is read as it was.
    let docs = format!("{}\n---\n{list}", item("Y-0"));
    let lone_cr = read(Format::Yaml, &docs.replace('\n', "\r"), &s);
    assert_eq!(lone_cr.iter().map(Result::is_ok).collect::<Vec<_>>(), [true, true, false, true]);
    assert_eq!(read(Format::Yaml, &docs, &s).iter().map(Result::is_ok).collect::<Vec<_>>(), [true, true, false, true]);
    // Not a list at the margin: one record for the document, as before.
    let items = read(Format::Yaml, "snapshots:\n- {id: [unclosed\n- id: B\n", &s);
    assert_eq!(items.len(), 1);

    // A key that lost its indentation belongs to its item, which fails
    // alone; a `-` glued to its key starts an item, and says what is wrong.
    let margin =
        format!("{}\n- id: Y-2\nscore: 1\n{}\n-id: Y-4\n  score: 1\n{}\n", item("Y-1"), item("Y-3"), item("Y-5"));
    let items = read(Format::Yaml, &margin, &s);
    let outline: Vec<_> =
        items.iter().map(|i| i.as_ref().map(|s| s.id.to_string()).map_err(|e| e.id.clone())).collect();
    let key = |id: &str| Some(Key::Str(id.into()));
    assert_eq!(outline, [Ok("Y-1".into()), Err(key("Y-2")), Ok("Y-3".into()), Err(key("Y-4")), Ok("Y-5".into())]);
    assert!(items[3]
        .as_ref()
        .unwrap_err()
        .message
        .ends_with("; a `-` starts a list item only with a space after it (`- id: …`)"));

    // A list indented as a whole, and a flow list of one mapping a line,
    // are read item by item too.
    let flat = |id: &str| one.replace("Y-1", id).trim_end().replace('\n', ", ").replace(": []", ": [ ]");
    let indented = format!("  - {{{}}}\n  - {{id: Y-2, score: [5, tags: 1}}\n  - {{{}}}\n", flat("Y-1"), flat("Y-3"));
    let flow = format!("[{{{}}},\n {{id: Y-2, score: [5, tags: 1}},\n {{{}}}]\n", flat("Y-1"), flat("Y-3"));
    for text in [indented, flow] {
        let items = read(Format::Yaml, &text, &s);
        let outline: Vec<_> =
            items.iter().map(|i| i.as_ref().map(|s| s.id.to_string()).map_err(|e| e.message.clone())).collect();
        assert_eq!(outline.len(), 3, "{text}\n{outline:?}");
        assert_eq!((&outline[0], &outline[2]), (&Ok("Y-1".into()), &Ok("Y-3".into())), "{text}");
        assert!(outline[1].as_ref().is_err_and(|e| e.starts_with("invalid YAML at line ")), "{outline:?}");
        // The broken item's id, from its entries before the break.
        assert_eq!(items[1].as_ref().unwrap_err().id, Some(Key::Str("Y-2".into())), "{text}");
    }
    // The broken item last, another document after it (where the parser
    // finds the break): the list before is still read item by item.
    let last_broken =
        format!("  - {{{}}}\n  - {{id: Y-2, score: [5, tags: 1}}\n---\n- {{{}}}\n", flat("Y-1"), flat("Y-3"));
    let outline: Vec<_> = read(Format::Yaml, &last_broken, &s)
        .iter()
        .map(|i| i.as_ref().map(|s| s.id.to_string()).map_err(|e| e.id.clone()))
        .collect();
    assert_eq!(outline, [Ok("Y-1".into()), Err(Some(Key::Str("Y-2".into()))), Ok("Y-3".into())], "{last_broken}");
    // Comments around a flow list's items, and a nested mapping opening a
    // line in the items' column, cost no item its record.
    let flow = format!(
        "[  # a book\n{{{}}},  # first\n# between\n {{id: Y-2, score: [5, tags: 1}},\n {{{}, identity:\n {{verified: true, mismatch_fields: []}}}}]  # end\n",
        flat("Y-1"),
        flat("Y-3").replace(", identity: {verified: true, mismatch_fields: [ ]}", ""),
    );
    let items = read(Format::Yaml, &flow, &s);
    let outline: Vec<_> =
        items.iter().map(|i| i.as_ref().map(|s| s.id.to_string()).map_err(|e| e.id.clone())).collect();
    assert_eq!(outline, [Ok("Y-1".into()), Err(Some(Key::Str("Y-2".into()))), Ok("Y-3".into())], "{flow}");

    // An alias in an item is refused as an alias, though alone it is an unknown anchor.
    let aliased = "- id: Y-1\n  note: &n x\n- id: Y-2\n  score: *n\n";
    let items = read(Format::Yaml, aliased, &s);
    let e = items[1].as_ref().unwrap_err();
    assert_eq!(e.id, key("Y-2"));
    assert_eq!(
        e.message,
        "invalid YAML at line 4, column 10: YAML aliases (`*name`) are not supported; write the value out"
    );
}

#[test]
fn csv_rows_with_sets_empty_cells_and_bad_rows() {
    let s = schema(FLAT_SCHEMA);
    let input = "id,as_of,status,credit_limit,score,identity.verified,appeal_open,tags
S-1,2026-11-01,active,12000.10,640,true,,
S-2,2026-11-01,frozen, 10000.625 ,700,FALSE,false,vip|paperless|vip
S-3,2026-11-01,active,4000,n/a,true,,
S-4,2026-11-01,active,4000
S-5,,active,1,1,true,,
";
    let items = read(Format::Csv, input, &s);
    assert_eq!(items.len(), 5);
    let s1 = ok(items[0].clone());
    assert_eq!(get(&s, &s1.record, "credit_limit"), &dec("12000.10"));
    assert_eq!(get(&s, &s1.record, "appeal_open"), &Value::None);
    assert_eq!(get(&s, &s1.record, "tags"), &strs(&[]));
    assert_eq!(s1.as_of, parse_date("2026-11-01"));
    let s2 = ok(items[1].clone());
    assert_eq!(get(&s, &s2.record, "status"), &Value::Enum(2));
    assert_eq!(get(&s, &s2.record, "credit_limit"), &dec("10000.625"));
    assert_eq!(get(&s, &s2.record, "identity.verified"), &Value::Bool(false));
    assert_eq!(get(&s, &s2.record, "appeal_open"), &Value::Bool(false));
    assert_eq!(get(&s, &s2.record, "tags"), &strs(&["paperless", "vip"]));
    let e = items[2].as_ref().unwrap_err();
    assert_eq!(
        (e.id.clone(), e.message.as_str()),
        (Some(Key::Str("S-3".into())), r#"line 4: score: expected int, found "n/a""#)
    );
    let e = items[3].as_ref().unwrap_err();
    assert_eq!(e.id, Some(Key::Str("S-4".into())));
    assert_eq!(e.message, "line 5: expected 8 cells (one per header column), found 4");
    assert_eq!(ok(items[4].clone()).as_of, None);
}

/// A row's line counts the empty lines the `csv` crate skips, and the lines
/// of a quoted cell that spans several (the crate's own line numbers count
/// neither the first nor, here, CR line ends).
#[test]
fn csv_row_lines_count_empty_lines_and_quoted_line_breaks() {
    let s = schema(FLAT_SCHEMA);
    let lines = |input: &str| -> Vec<String> {
        read(Format::Csv, input, &s).into_iter().filter_map(Result::err).map(|e| e.message).collect()
    };
    let header = "id,as_of,status,credit_limit,score,identity.verified,appeal_open,tags";
    let input = format!("{header}\nS-1,2026-11-01,active,1,640,true,,\n\n\nS-2,1\n\nS-3,1\n");
    assert_eq!(
        lines(&input),
        [
            "line 5: expected 8 cells (one per header column), found 2",
            "line 7: expected 8 cells (one per header column), found 2"
        ]
    );
    let input = format!("\u{feff}{header}\r\n\r\n\"S\r\n4\",1\r\n\r\nS-5,1\r\n");
    assert_eq!(
        lines(&input),
        [
            "line 3: expected 8 cells (one per header column), found 2",
            "line 6: expected 8 cells (one per header column), found 2"
        ]
    );
    // A line of spaces or a tab is skipped as an empty one is, not a row.
    let input = format!("{header}\nS-1,2026-11-01,active,1,640,true,,\n \n\t\n  \t \r\nS-2,1\n \n");
    assert_eq!(lines(&input), ["line 6: expected 8 cells (one per header column), found 2"]);
    assert_eq!(read(Format::Csv, &input, &s).len(), 2);
    // In a one-column book too.
    let one = schema("key: id\nfields:\n  id: string\n");
    let ids: Vec<_> =
        read(Format::Csv, "id\nA\n   \n\t\nB\n", &one).into_iter().map(|i| ok(i).id.to_string()).collect();
    assert_eq!(ids, ["A", "B"]);
    // Old Mac line ends: a lone `\r` ends a row, and so a line.
    let input = format!("{header}\rS-1,2026-11-01,active,1,640,true,,\r\rS-2,1\r\"S\r3\",1\rS-4,1");
    assert_eq!(
        lines(&input),
        [
            "line 4: expected 8 cells (one per header column), found 2",
            "line 5: expected 8 cells (one per header column), found 2",
            "line 7: expected 8 cells (one per header column), found 2"
        ]
    );
}

#[test]
fn csv_headers_are_checked_against_the_schema() {
    // The file's fault: refused at opening (lists), or the header's fault,
    // handed over once, with every row under it an error item naming it.
    let err = |schema_text: &str, input: &str| match read_snapshots(input.as_bytes(), Format::Csv, schema(schema_text))
    {
        Ok(mut reader) => {
            let fault = reader.take_header_fault().expect("a header fault");
            let rows: Vec<ReadItem> = reader.collect();
            assert_eq!(rows.len(), input.lines().count() - 1, "one item per row");
            for row in rows {
                let message = err_message(row);
                assert!(message.contains(&format!("not read: {}", fault.problems()[0])), "{message}");
            }
            fault
        }
        Err(e) => e,
    };
    let e = err(SCHEMA, "id\n");
    assert!(matches!(&e, ReadError::CsvWithLists { field } if field == "overdues"));
    assert_eq!(e.to_string(), "a schema with list fields cannot be read from CSV: `overdues` is a list");

    // An unknown column is ignored (spec §3), but a misspelt required one is pointed out.
    let e = err(FLAT_SCHEMA, "id,status,credit_limit,score,identity.verifed,tags\n");
    assert_eq!(e.to_string(), "the CSV header has no column for the required field `identity.verified`");
    assert_eq!(e.help().as_deref(), Some("is it the column `identity.verifed` misspelt?"));
    let ok = read(
        Format::Csv,
        "id,status,credit_limit,score,identity.verified,tags,notes\nS-1,active,10,700,true,,call back\n",
        &schema(FLAT_SCHEMA),
    );
    assert_eq!(ok.len(), 1);
    assert!(ok[0].is_ok(), "an extra `notes` column is ignored: {:?}", ok[0]);

    let e =
        err(FLAT_SCHEMA, "id,status,credit_limit,identity.verified,tags\nS-1,active,10,true,\nS-2,active,10,true,\n");
    assert_eq!(e.to_string(), "the CSV header has no column for the required field `score`");
    let e = err(FLAT_SCHEMA, "id,id\n");
    assert!(matches!(e.problems()[0], ReadError::DuplicateColumn { .. }), "{e}");
    let e = err(FLAT_SCHEMA, "id,identity\n");
    assert!(matches!(e.problems()[0], ReadError::RecordColumn { .. }), "{e}");

    // Every problem of a header at once, in header order, then what is
    // missing; a record's fields are not called missing beside its column.
    let e = err(FLAT_SCHEMA, "id,status,identity,credit_limit,scor,status,status,tags\n");
    let problems: Vec<(&str, String)> = e.problems().iter().map(|p| (p.code(), p.to_string())).collect();
    assert_eq!(
        problems,
        [
            (
                "R005",
                "CSV column `identity` is a record; a column holds one of its fields, such as `identity.verified`"
                    .into()
            ),
            ("R006", "CSV column `status` appears more than once".into()),
            ("R007", "the CSV header has no column for the required field `score`".into()),
        ]
    );
    assert_eq!(e.problems()[2].help().as_deref(), Some("is it the column `scor` misspelt?"));

    assert!(read(Format::Csv, "", &schema(FLAT_SCHEMA)).is_empty());
}

#[test]
fn formats_follow_the_extension_or_name() {
    assert_eq!(Format::from_path(Path::new("a/b.json")), Some(Format::Json));
    assert_eq!(Format::from_path(Path::new("b.JSONL")), Some(Format::Jsonl));
    assert_eq!(Format::from_path(Path::new("b.ndjson")), Some(Format::Jsonl));
    assert_eq!(Format::from_path(Path::new("b.yml")), Some(Format::Yaml));
    assert_eq!(Format::from_path(Path::new("b.yaml")), Some(Format::Yaml));
    assert_eq!(Format::from_path(Path::new("b.csv")), Some(Format::Csv));
    assert_eq!(Format::from_path(Path::new("b.txt")), None);
    assert_eq!(Format::from_path(Path::new("json")), None);
    assert_eq!(Format::from_name("ndjson"), Some(Format::Jsonl));
    assert_eq!(Format::from_name("yaml"), Some(Format::Yaml));
    assert_eq!(Format::from_name("xml"), None);
}

#[test]
fn the_shipped_portfolios_read_as_expected() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("policies");
    let load = |name: &str| schema(&std::fs::read_to_string(root.join(name)).unwrap());
    let account = load("account.schema.yaml");
    let jsonl = std::fs::read_to_string(root.join("portfolio.jsonl")).unwrap();
    let items = read(Format::Jsonl, &jsonl, &account);
    assert_eq!(items.len(), 43);
    let failed: Vec<usize> = items.iter().enumerate().filter(|(_, i)| i.is_err()).map(|(n, _)| n + 1).collect();
    assert_eq!(failed, [8, 21, 37]);
    let yaml = std::fs::read_to_string(root.join("portfolio.yaml")).unwrap();
    assert!(read(Format::Yaml, &yaml, &account).iter().all(Result::is_ok));
    let csv = std::fs::read_to_string(root.join("simple-portfolio.csv")).unwrap();
    let items = read(Format::Csv, &csv, &load("simple.schema.yaml"));
    assert_eq!(items.iter().filter(|i| i.is_err()).count(), 1);
}

#[test]
fn a_wide_schema_reports_the_missing_field() {
    let fields: String = (0..200).map(|i| format!("  f{i}: int\n")).collect();
    let s = schema(&format!("key: f0\nfields:\n{fields}"));
    let object: Vec<String> = (0..200).filter(|i| *i != 150).map(|i| format!("\"f{i}\": {i}")).collect();
    let e = parse_json_snapshot(&format!("{{{}}}", object.join(", ")), &s).unwrap_err();
    assert_eq!((e.id, e.message.as_str()), (Some(Key::Int(0)), "f150: missing required field"));
}

#[test]
fn values_that_are_not_objects_are_error_items() {
    let s = schema(SCHEMA);
    let items = read(Format::Jsonl, "1.5\nnull\n\"x\"\n7\n", &s);
    let messages: Vec<String> = items.into_iter().map(err_message).collect();
    let expected = ["1.5", "null", "\"x\"", "7"]
        .iter()
        .enumerate()
        .map(|(i, f)| format!("line {}: expected a JSON object (one snapshot), found {f}", i + 1))
        .collect::<Vec<_>>();
    assert_eq!(messages, expected);
}

#[test]
fn an_input_that_fails_mid_stream_ends_with_one_error_item() {
    struct Failing;
    impl std::io::Read for Failing {
        fn read(&mut self, _: &mut [u8]) -> std::io::Result<usize> {
            Err(std::io::Error::other("disk on fire"))
        }
    }
    let s = schema(SCHEMA);
    let first_line = format!("{}\n", with(&[]));
    let input = std::io::BufReader::new(std::io::Read::chain(first_line.as_bytes(), Failing));
    let mut reader = read_snapshots(input, Format::Jsonl, s).unwrap();
    let items: Vec<ReadItem> = reader.by_ref().collect();
    assert_eq!(items.len(), 2);
    assert!(items[0].is_ok());
    let e = items[1].as_ref().unwrap_err();
    assert_eq!((e.id.clone(), e.message.as_str()), (None, "reading stopped here: cannot read snapshots: disk on fire"));
    assert!(matches!(reader.take_error(), Some(ReadError::Io(_))));
    // Named, the reader says which input failed.
    let input = std::io::BufReader::new(std::io::Read::chain(first_line.as_bytes(), Failing));
    let items: Vec<ReadItem> =
        read_snapshots(input, Format::Jsonl, schema(SCHEMA)).unwrap().named("book.jsonl").collect();
    let e = items[1].as_ref().unwrap_err();
    assert_eq!(e.message, "reading `book.jsonl` stopped here: cannot read snapshots: disk on fire");
}

#[test]
fn enum_members_may_be_quoted_with_escapes() {
    let text = r#"
entity: loan
key: id
fields:
  id: string
  purpose: enum("car, other", none, "say \"hi\"", "back\\slash", "(x)")?
  kinds: set<enum("a, b", c)>
"#;
    let s = schema(text);
    let members = ["car, other", "none", "say \"hi\"", "back\\slash", "(x)"];
    let purpose = s.lookup("purpose").unwrap();
    let quoted = r#"enum("car, other", none, "say \"hi\"", "back\\slash", "(x)")"#;
    match &purpose.kind {
        FieldKind::Scalar(t) => assert_eq!(t.describe(), quoted, "the type is written back as it reads"),
        other => panic!("{other:?}"),
    }
    assert!(purpose.optional);
    for (i, member) in members.iter().enumerate() {
        let line = serde_json::json!({"id": "L-1", "purpose": member, "kinds": ["a, b"]}).to_string();
        let snap = ok(parse_json_snapshot(&line, &s));
        assert_eq!(get(&s, &snap.record, "purpose"), &Value::Enum(i as u32), "{member}");
    }
    let e = err_message(parse_json_snapshot(r#"{"id": "L-1", "purpose": "car", "kinds": []}"#, &s));
    assert!(e.contains(r#"("car, other", none, "say \"hi\"""#), "{e}");
    for bad in [r#"enum("car, other)"#, r#"enum("a" b)"#, r#"enum("a\q")"#, r#"enum(a, "")"#, "enum(a,)"] {
        let text = format!("entity: loan\nkey: id\nfields:\n  id: string\n  purpose: {bad}\n");
        let diags = load_schema(Path::new("bad.schema.yaml"), &text).unwrap_err();
        assert_eq!(diags.iter().map(|d| d.code).collect::<Vec<_>>(), ["S003"], "{bad}");
    }
}

/// JSON Lines ends a line at `\n` (or `\r\n`) alone: a lone `\r` between a
/// snapshot's tokens is JSON whitespace, so the snapshot stays whole and
/// one record, and the lines after it keep their numbers.
#[test]
fn a_lone_carriage_return_inside_a_json_line_is_whitespace() {
    let account = schema(SCHEMA);
    let line = |id: &str| with(&[("id", Some(&format!("\"{id}\"")))]);
    let a = line("a").replacen(",", ",\r", 1);
    assert!(a.contains(",\r"), "{a}");
    let text = format!("{a}\r\n{}\r\n{{\"id\": \"bad\"\n{}\n{}\r", line("b"), line("c"), line("d"));
    let items = read(Format::Jsonl, &text, &account);
    assert_eq!(items.len(), 5);
    let mut items = items.into_iter();
    for id in ["a", "b"] {
        assert_eq!(ok(items.next().unwrap()).id.to_string(), id);
    }
    let message = err_message(items.next().unwrap());
    assert!(message.contains("at line 3,"), "{message}");
    for id in ["c", "d"] {
        assert_eq!(ok(items.next().unwrap()).id.to_string(), id);
    }
    // A file whose lines end with `\r` alone is one line: its error says why.
    let old_mac = format!("{}\r{}\r", line("e"), line("f"));
    let items = read(Format::Jsonl, &old_mac, &account);
    assert_eq!(items.len(), 1);
    let message = err_message(items.into_iter().next().unwrap());
    assert!(message.contains("trailing characters (a `\r` alone parts two objects on this line"), "{message}");
}
