//! The one-pass JSON reader against the `serde_json` reader it replaced, on
//! generated snapshots: well-formed ones with values of every kind in every
//! field (wrong types, exponents, huge and negative-zero numbers, escapes,
//! unknown and repeated keys), and the same texts broken byte by byte. Where
//! the one-pass reader reads a text, both must give the same record, to the
//! decimal scale; well-formed text it must read itself.

use proptest::prelude::*;
use std::path::Path;
use verdict::fuzzing::json_readers_agree;
use verdict::schema::{load_schema, Schema};

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
    address:
      city: string?
      since: date?
  appeal_open: bool?
  tags: set<string>
  codes: set<int>
  days: set<date>?
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

fn schema() -> &'static Schema {
    static SCHEMA_ONCE: std::sync::OnceLock<Schema> = std::sync::OnceLock::new();
    SCHEMA_ONCE.get_or_init(|| load_schema(Path::new("test.schema.yaml"), SCHEMA).unwrap())
}

/// JSON string text (with its quotes) for `s`, escaped by serde_json or, when
/// `escape_all`, with every character that is not plain ASCII as `\uXXXX`
/// (surrogate pairs beyond the BMP).
fn quoted(s: &str, escape_all: bool) -> String {
    if !escape_all {
        return serde_json::to_string(s).unwrap();
    }
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            ' ' | '-' | '.' | '0'..='9' | 'a'..='z' | 'A'..='Z' => out.push(c),
            _ => {
                let mut units = [0u16; 2];
                for unit in c.encode_utf16(&mut units) {
                    out.push_str(&format!("\\u{unit:04x}"));
                }
            }
        }
    }
    out.push('"');
    out
}

fn string_text() -> impl Strategy<Value = String> {
    let words = prop_oneof![
        Just("active".to_string()),
        Just("frozen".to_string()),
        Just("sms".to_string()),
        Just("vip".to_string()),
        Just("2026-05-01".to_string()),
        Just("2026-02-30".to_string()),
        Just(" 2026-05-01 ".to_string()),
        Just("12000.10".to_string()),
        Just("-0.00".to_string()),
        Just("1e3".to_string()),
        Just("720".to_string()),
        Just("true".to_string()),
        "[0-9.\\-+ ]{0,12}",
        "\\PC{0,8}",
        any::<String>().prop_map(|s| s.chars().take(12).collect()),
    ];
    (words, any::<bool>()).prop_map(|(s, all)| quoted(&s, all))
}

fn number_text() -> impl Strategy<Value = String> {
    prop_oneof![
        "-?(0|[1-9][0-9]{0,3})",
        "-?(0|[1-9][0-9]{0,30})",
        "-?(0|[1-9][0-9]{0,20})\\.[0-9]{1,32}",
        "-?(0|[1-9][0-9]{0,4})(\\.[0-9]{1,4})?[eE][+-]?[0-9]{1,3}",
        Just("-0".to_string()),
        Just("9223372036854775807".to_string()),
        Just("9223372036854775808".to_string()),
        Just("-9223372036854775808".to_string()),
        Just("-9223372036854775809".to_string()),
        Just("18446744073709551616".to_string()),
    ]
}

/// Any JSON value, as text.
fn any_value() -> impl Strategy<Value = String> {
    let leaf = prop_oneof![
        Just("null".to_string()),
        Just("true".to_string()),
        Just("false".to_string()),
        number_text(),
        string_text(),
    ];
    leaf.prop_recursive(3, 16, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(|items| format!("[{}]", items.join(","))),
            prop::collection::vec((string_text(), inner), 0..4).prop_map(|members| {
                let members: Vec<String> = members.into_iter().map(|(k, v)| format!("{k}:{v}")).collect();
                format!("{{{}}}", members.join(","))
            }),
        ]
    })
}

/// Mostly a value of the right kind, sometimes anything at all.
fn field(good: impl Strategy<Value = String> + 'static) -> BoxedStrategy<String> {
    prop_oneof![6 => good, 1 => any_value()].boxed()
}

fn set_of(item: impl Strategy<Value = String> + 'static) -> BoxedStrategy<String> {
    field(prop::collection::vec(field(item), 0..5).prop_map(|items| format!("[{}]", items.join(","))))
}

fn date() -> BoxedStrategy<String> {
    field((2000..2030u32, 1..13u32, 1..32u32).prop_map(|(y, m, d)| format!("\"{y}-{m:02}-{d:02}\"")))
}

fn decimal() -> BoxedStrategy<String> {
    field(prop_oneof!["\"-?[0-9]{1,6}(\\.[0-9]{1,3})?\"", number_text()])
}

fn object(members: Vec<(&'static str, BoxedStrategy<String>)>) -> BoxedStrategy<String> {
    let strategies: Vec<_> =
        members.into_iter().map(|(name, value)| (Just(name), prop::option::weighted(0.9, value))).collect();
    (strategies, any::<bool>())
        .prop_map(|(members, spaced)| {
            let sep = if spaced { ", " } else { "," };
            let members: Vec<String> =
                members.into_iter().filter_map(|(name, value)| value.map(|v| format!("\"{name}\":{v}"))).collect();
            format!("{{{}}}", members.join(sep))
        })
        .boxed()
}

fn overdue() -> BoxedStrategy<String> {
    field(object(vec![
        ("due_on", date()),
        ("days", field(number_text())),
        ("amount", decimal()),
        ("repaid_on", field(prop_oneof![Just("null".to_string()), date()])),
        ("note", any_value().boxed()),
    ]))
}

fn snapshot() -> BoxedStrategy<String> {
    let identity = object(vec![
        ("verified", field(any::<bool>().prop_map(|b| b.to_string()))),
        ("mismatch_fields", set_of(string_text())),
        ("address", field(object(vec![("city", field(string_text())), ("since", date())]))),
    ]);
    object(vec![
        ("id", field(string_text())),
        ("as_of", field(prop_oneof![Just("null".to_string()), date()])),
        ("status", field(string_text())),
        ("credit_limit", decimal()),
        ("rate", decimal()),
        ("score", field(number_text())),
        ("opened_on", date()),
        ("identity", field(identity)),
        ("appeal_open", field(prop_oneof![Just("null".to_string()), Just("true".to_string())])),
        ("tags", set_of(string_text())),
        ("codes", set_of(number_text())),
        ("days", set_of(date())),
        ("channels", set_of(string_text())),
        ("overdues", field(prop::collection::vec(overdue(), 0..4).prop_map(|e| format!("[{}]", e.join(","))))),
        ("birth_year", field(number_text())),
        ("extra", any_value().boxed()),
    ])
}

/// A snapshot with a key given twice: `key` inserted again after the opening brace.
fn with_repeated_key(text: &str, key: &str, value: &str) -> String {
    format!("{{\"{key}\":{value},{}", text.get(1..).unwrap_or_default())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]

    #[test]
    fn well_formed_snapshots_read_alike(text in snapshot()) {
        prop_assert!(json_readers_agree(schema(), &text), "the one-pass reader left {text} to serde_json");
    }

    #[test]
    fn repeated_keys_read_alike(text in snapshot(), key in "id|score|as_of|identity|extra|overdues", value in any_value()) {
        let text = with_repeated_key(&text, &key, &value);
        prop_assert!(json_readers_agree(schema(), &text), "the one-pass reader left {text} to serde_json");
    }

    #[test]
    fn broken_snapshots_read_alike(
        text in snapshot(),
        edits in prop::collection::vec((any::<prop::sample::Index>(), 0..4u8, prop::sample::select(&b"{}[],:\"\\ 0-.eE\x01n"[..])), 1..4),
    ) {
        let mut bytes = text.into_bytes();
        for (at, kind, byte) in edits {
            let at = at.index(bytes.len() + 1);
            match kind {
                0 => bytes.insert(at, byte),
                1 if at < bytes.len() => { bytes.remove(at); }
                2 if at < bytes.len() => bytes[at] = byte,
                _ => bytes.truncate(at),
            }
        }
        if let Ok(text) = String::from_utf8(bytes) {
            json_readers_agree(schema(), &text);
        }
    }
}

#[test]
fn oddities_are_left_to_serde_json_and_read_alike() {
    let base = r#""id":"A","status":"active","credit_limit":"1","rate":"1","score":1,"opened_on":"2026-01-01","identity":{"verified":true,"mismatch_fields":[]},"tags":[],"codes":[],"channels":[],"overdues":[]"#;
    let cases = [
        // A lone surrogate: serde_json skips it in a value no field names, refuses it in a key or a field's value.
        (format!(r#"{{{base},"extra":"\ud800"}}"#), false),
        (format!(r#"{{{base},"\ud800":1}}"#), false),
        (format!(r#"{{{base},"id":"\udc00"}}"#), false),
        // serde_json's private number key.
        (format!("{{{}}}", base.replace(r#""score":1"#, r#""score":{"$serde_json::private::Number":"5"}"#)), false),
        (r#"{"$serde_json::private::Number":"5"}"#.to_string(), false),
        // Deep nesting in an ignored value.
        (format!("{{{base},\"extra\":{}{}}}", "[".repeat(127), "]".repeat(127)), false),
        (format!("{{{base},\"extra\":{}{}}}", "[".repeat(200), "]".repeat(200)), false),
        // Broken syntax: serde_json's message.
        (format!("{{{base},}}"), false),
        (format!("{{{base}"), false),
        (format!("{{{base}}} x"), false),
        (String::new(), false),
        // Read directly: escapes, exponents, and values of the wrong kind.
        (format!(r#"{{{base},"extra":"\ud83d\ude00","tags":["\u0076ip","v\u0069p"]}}"#), true),
        (format!(r#"{{"sc\u006fre":2,{}}}"#, base.replacen(r#","score":1"#, "", 1)), true),
        (format!(r#"{{{base},"birth_year":1E3,"rate":-0,"codes":[1e2,-0,2.50]}}"#), true),
        ("[1]".to_string(), true),
        ("\"x\"".to_string(), true),
        ("-0".to_string(), true),
        ("2.5E-3".to_string(), true),
    ];
    for (text, direct) in cases {
        assert_eq!(json_readers_agree(schema(), &text), direct, "{text}");
    }
}
