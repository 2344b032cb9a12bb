//! Input that is easy to misread: every record of a file is accounted for,
//! and a value means what a person reading the file would take it to mean.
//! (Issue 11: CSV headers and quotes, duplicate keys, plain decimals, empty
//! inputs, one bad YAML document among good ones.)

use std::path::Path;
use std::sync::Arc;
use verdict::schema::{load_schema, Schema};
use verdict::snapshot::{read_snapshots, Format, Key, ReadError, ReadItem};

const SCHEMA: &str = "
entity: account
key: id
fields:
  id: string
  status: enum(active, frozen)
  credit_limit: money
  rate: decimal?
  score: int
  identity:
    verified: bool
  tags: set<string>
";

const HEADER: &str = "id,status,credit_limit,score,identity.verified,tags";

fn schema() -> Arc<Schema> {
    Arc::new(load_schema(Path::new("test.schema.yaml"), SCHEMA).unwrap())
}

fn read(format: Format, input: &str) -> Vec<ReadItem> {
    read_snapshots(input.as_bytes(), format, schema()).unwrap().collect()
}

fn refused(format: Format, input: &str) -> ReadError {
    match read_snapshots(input.as_bytes(), format, schema()) {
        Ok(mut items) => match items.take_header_fault() {
            // A header's fault: every row is still an error item of its own.
            Some(fault) => {
                let rows = items.collect::<Vec<_>>();
                assert!(rows.iter().all(Result::is_err), "{rows:?}");
                assert_eq!(rows.len(), input.lines().filter(|l| !l.is_empty()).count() - 1, "{rows:?}");
                fault
            }
            None => panic!("expected the input to be refused, got {:?}", items.collect::<Vec<_>>()),
        },
        Err(e) => e,
    }
}

/// Each item as `id: ok` or `id: error message` (`-` for no id).
fn outline(items: &[ReadItem]) -> Vec<String> {
    let id = |k: &Option<Key>| k.as_ref().map_or("-".to_string(), Key::to_string);
    items
        .iter()
        .map(|item| match item {
            Ok(s) => format!("{}: ok", s.id),
            Err(e) => format!("{}: {}", id(&e.id), e.message),
        })
        .collect()
}

fn json(id: &str, extra: &str) -> String {
    format!(
        r#"{{"id": "{id}", "as_of": "2026-11-01", "status": "active", "credit_limit": "10", "score": 700, "identity": {{"verified": true}}, "tags": []{extra}}}"#
    )
}

fn yaml(id: &str) -> String {
    format!("id: {id}\nas_of: 2026-11-01\nstatus: active\ncredit_limit: 10\nscore: 700\nidentity: {{verified: true}}\ntags: []\n")
}

// ---- 5. CSV -----------------------------------------------------------------

#[test]
fn a_csv_header_that_names_no_field_is_the_headers_fault() {
    let rows = "A;active;10;700;true;t\n";
    let e = refused(Format::Csv, &format!("{}\n{rows}", HEADER.replace(',', ";")));
    assert_eq!(e.code(), "R011");
    let message = e.to_string();
    assert!(message.starts_with("no column of the CSV header names a field of the schema"), "{message}");
    assert!(message.contains("`id`") && message.contains("`credit_limit`"), "expected columns are named: {message}");
    assert!(e.help().unwrap().contains("`;`"), "{:?}", e.help());

    let e = refused(Format::Csv, &format!("{}\nA,active,10,700,true,t\n", HEADER.to_uppercase()));
    assert!(e.help().unwrap().contains("`ID`"), "{:?}", e.help());

    let e = refused(Format::Csv, "A,active,10,700,true,t\nB,active,10,700,true,t\n");
    assert!(e.help().unwrap().contains("header"), "{:?}", e.help());

    // A file with no line at all has no snapshots and no header to check.
    assert!(read(Format::Csv, "").is_empty());
}

#[test]
fn a_csv_with_a_byte_order_mark_reads_its_first_column() {
    let input = format!("\u{feff}{HEADER}\nA,active,10,700,true,t\n");
    assert_eq!(outline(&read(Format::Csv, &input)), ["A: ok"]);
    let quoted = format!("\u{feff}\"id\",{}\nA,active,10,700,true,t\n", &HEADER[3..]);
    assert_eq!(outline(&read(Format::Csv, &quoted)), ["A: ok"]);
}

#[test]
fn an_unclosed_csv_quote_reports_the_rows_it_hides() {
    let input = format!(
        "{HEADER}\nA,active,10,700,true,t\nB,active,\"10,700,true,t\nC,active,10,700,true,t\n\nD,frozen,\"\"x\"\",1,true,t\n"
    );
    let never_closed = "line 3, column 10: this quote is never closed, so the rest of the file was read as one cell";
    let hidden = |line: usize| format!("line {line}: not read: it lies inside the quote opened at line 3, column 10");
    assert_eq!(
        outline(&read(Format::Csv, &input)),
        ["A: ok".to_string(), format!("B: {never_closed}"), format!("C: {}", hidden(4)), format!("D: {}", hidden(6))]
    );

    // In the last column the row has all its cells, and would have passed.
    let input = format!("{HEADER}\nA,active,10,700,true,\"t\r\nB,active,10,700,true,t\r\n");
    let items = read(Format::Csv, &input);
    assert_eq!(outline(&items).len(), 2);
    assert!(items.iter().all(Result::is_err), "{:?}", outline(&items));

    // A quote opened in the key's cell: that cell is the rest of the file, not an id.
    let input = format!("{HEADER}\nA,active,10,700,true,t\n\"B,active,10,700,true,t\nC,active,10,700,true,t\n");
    let never_closed = "line 3, column 1: this quote is never closed, so the rest of the file was read as one cell";
    let hidden = "line 4: not read: it lies inside the quote opened at line 3, column 1";
    assert_eq!(
        outline(&read(Format::Csv, &input)),
        ["A: ok".to_string(), format!("-: {never_closed}"), format!("C: {hidden}")]
    );

    // A quoted cell that spans lines and is closed is one cell, as before.
    let input = format!("{HEADER}\nA,active,10,700,true,\"t\nu\"\nB,active,10,700,true,t\n");
    assert_eq!(outline(&read(Format::Csv, &input)), ["A: ok", "B: ok"]);
}

// ---- 6. Duplicate keys ------------------------------------------------------

#[test]
fn a_key_given_twice_in_json_is_a_snapshot_error() {
    let items = read(Format::Jsonl, &format!("{}\n{}\n", json("A", r#", "score": 300"#), json("B", "")));
    assert_eq!(outline(&items), ["A: score: duplicate key (given more than once)", "B: ok"]);

    let nested = json("A", r#", "identity": {"verified": false, "verified": true}"#);
    let outlined = outline(&read(Format::Json, &nested));
    assert_eq!(outlined, ["A: identity: duplicate key (given more than once)"]);
    let inner = json("A", "").replace(r#"{"verified": true}"#, r#"{"verified": false, "verified": true}"#);
    let outlined = outline(&read(Format::Json, &inner));
    assert_eq!(outlined, ["A: identity.verified: duplicate key (given more than once)"]);

    let as_of = json("A", r#", "as_of": "2026-12-01""#);
    assert_eq!(outline(&read(Format::Json, &as_of)), ["A: as_of: duplicate key (given more than once)"]);
    let unknown = json("A", r#", "note": 1, "note": 2"#);
    assert_eq!(outline(&read(Format::Json, &unknown)), ["A: note: duplicate key (given more than once)"]);

    let element = r#"{"n": 1, "xs": [{"d": "2026-01-01", "d": "2026-02-01"}]}"#;
    let s = Arc::new(
        load_schema(Path::new("l.yaml"), "key: n\nfields:\n  n: int\n  xs:\n    list:\n      d: date\n    by: d\n")
            .unwrap(),
    );
    let e = verdict::snapshot::parse_json_snapshot(element, &s).unwrap_err();
    assert_eq!(e.message, "xs[0].d: duplicate key (given more than once)");
}

#[test]
fn a_key_given_twice_in_yaml_is_a_snapshot_error() {
    let doubled = format!("{}score: 300\n", yaml("A"));
    let items = read(Format::Yaml, &format!("{doubled}---\n{}", yaml("B")));
    assert_eq!(outline(&items), ["A: score: duplicate key (given more than once)", "B: ok"]);
    let nested = yaml("A").replace("{verified: true}", "{verified: true, verified: false}");
    assert_eq!(outline(&read(Format::Yaml, &nested)), ["A: identity.verified: duplicate key (given more than once)"]);
}

// ---- 7. Plain decimals ------------------------------------------------------

#[test]
fn underscores_are_not_digits_in_snapshot_data() {
    let money = |items: Vec<ReadItem>| outline(&items);
    let refused = r#"A: credit_limit: expected money, found "12_50""#;
    assert_eq!(money(read(Format::Json, &json("A", "").replace(r#""10""#, r#""12_50""#))), [refused]);
    assert_eq!(money(read(Format::Yaml, &yaml("A").replace("limit: 10", "limit: 12_50"))), [refused]);
    assert_eq!(money(read(Format::Yaml, &yaml("A").replace("limit: 10", "limit: '12_50'"))), [refused]);
    let csv = r#"A: line 2: credit_limit: expected money, found "12_50""#;
    assert_eq!(money(read(Format::Csv, &format!("{HEADER}\nA,active,12_50,700,true,\n"))), [csv]);
    let rate = read(Format::Json, &json("A", r#", "rate": "0.0_5""#));
    assert_eq!(outline(&rate), [r#"A: rate: expected decimal, found "0.0_5""#]);
    let score = read(Format::Yaml, &yaml("A").replace("score: 700", "score: 7_00"));
    assert_eq!(outline(&score), [r#"A: score: expected int, found "7_00""#]);
    let as_of = read(Format::Json, &json("A", "").replace("2026-11-01", "2026_11_01"));
    assert_eq!(outline(&as_of), [r#"A: as_of: expected date (YYYY-MM-DD), found "2026_11_01""#]);

    assert_eq!(verdict::value::parse_decimal("12_50"), None);
    assert_eq!(verdict::value::parse_decimal("_1"), None);
    assert_eq!(verdict::value::parse_decimal("1."), None);
    assert_eq!(verdict::value::parse_decimal(" +12.50 "), Some(rust_decimal::Decimal::new(1250, 2)));
}

// ---- 9. One bad YAML document -----------------------------------------------

#[test]
fn one_bad_yaml_document_is_one_error_record() {
    let alias = format!("{}---\nid: &x B\nnote: *x\n---\n{}", yaml("A"), yaml("C"));
    let outlined = outline(&read(Format::Yaml, &alias));
    assert_eq!(outlined.len(), 3, "{outlined:?}");
    assert_eq!(outlined[0], "A: ok");
    // Named by its id, read from the lines before the alias.
    assert!(outlined[1].starts_with("B: invalid YAML at line 10, column 7: YAML aliases"), "{outlined:?}");
    assert_eq!(outlined[2], "C: ok");

    // A syntax error: the documents after it are read afresh from the next `---`.
    let broken = format!("{}---\nid: [B\nscore: 1\n---\n{}---\n{}", yaml("A"), yaml("C"), yaml("D"));
    let outlined = outline(&read(Format::Yaml, &broken));
    assert_eq!(outlined.len(), 4, "{outlined:?}");
    assert!(outlined[1].starts_with("-: invalid YAML at line "), "{outlined:?}");
    assert_eq!([&outlined[0], &outlined[2], &outlined[3]], ["A: ok", "C: ok", "D: ok"]);

    // A list at the margin with an alias is read item by item: the alias's
    // item is its error record in its place; the file's other documents are read.
    let list = format!(
        "- {}\n- &y {}\n- *y\n---\n{}",
        yaml("L1").replace('\n', "\n  "),
        yaml("L2").replace('\n', "\n  "),
        yaml("E")
    );
    let outlined = outline(&read(Format::Yaml, &list));
    assert_eq!(outlined.len(), 4, "{outlined:?}");
    assert_eq!([&outlined[0], &outlined[1], &outlined[3]], ["L1: ok", "L2: ok", "E: ok"]);
    assert!(outlined[2].starts_with("-: invalid YAML at line 17, column 3: "), "{outlined:?}");
}

// ---- 10. Empty input --------------------------------------------------------

#[test]
fn an_empty_json_file_is_not_json() {
    for text in ["", "  \n\t\n", "\u{feff}"] {
        let e = refused(Format::Json, text);
        assert_eq!(e.code(), "R010");
        assert_eq!(e.to_string(), "the file is empty: a JSON file holds one snapshot object or an array of them");
    }
    // An empty array is JSON: no snapshots.
    assert!(read(Format::Json, "[]").is_empty());
}

// ---- 8. Batch files and policies --------------------------------------------

/// A policy over [`SCHEMA`] whose batch file holds `batch` and whose own text is `policy` (with `{}` for the rules).
fn load_with_batch(name: &str, batch: &str, policy: &str) -> verdict::LoadedPolicy {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("reading-{}-{name}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("test.schema.yaml"), SCHEMA).unwrap();
    std::fs::write(dir.join("reg.txt"), batch).unwrap();
    let path = dir.join("p.policy");
    std::fs::write(&path, policy).unwrap();
    verdict::load_policy(&path).unwrap_or_else(|e| panic!("{:#?}", e.diagnostics))
}

const BATCH_POLICY: &str = "policy \"p\" version \"1\"\nschema \"test.schema.yaml\"\nbatch reg from \"reg.txt\"\nrule \"r\" { when id in reg then restrict }\n";

/// The ids of `ids` that the batch of `policy` holds.
fn in_batch(policy: &verdict::LoadedPolicy, ids: &[&str]) -> Vec<String> {
    let lines: String = ids.iter().map(|id| json(id, "") + "\n").collect();
    let items: Vec<ReadItem> = read(Format::Jsonl, &lines);
    items
        .into_iter()
        .map(|item| item.unwrap())
        .filter(|s| verdict::evaluate(&policy.program, s, Default::default()).unwrap().fired.len() == 1)
        .map(|s| s.id.to_string())
        .collect()
}

#[test]
fn batch_files_are_read_as_a_person_means_them() {
    let ids = ["A-1", "A-2", "A-3", "A-4", "A#5", "X"];
    for (name, text) in [
        ("bom-crlf", "\u{feff}A-1\r\nA-2\r\n# a comment\r\nA-3  # from the regulator\r\n\tA-4\t\r\nA#5\r\n"),
        ("cr", "\u{feff}A-1\rA-2\r#\rA-3 # why\rA-4\rA#5"),
        ("lf", "A-1\nA-2\n\nA-3\t# why\n  A-4\nA#5\n"),
    ] {
        let policy = load_with_batch(name, text, BATCH_POLICY);
        assert_eq!(in_batch(&policy, &ids), ["A-1", "A-2", "A-3", "A-4", "A#5"], "{name}");
        assert!(policy.warnings.is_empty(), "{name}: {:?}", policy.warnings);
    }
}

#[test]
fn a_batch_listing_an_id_twice_is_warned_about() {
    let policy = load_with_batch("repeat", "A-1\nA-2\nA-1 # again\nA-2\nA-3\n", BATCH_POLICY);
    let [warning] = policy.warnings.as_slice() else { panic!("{:?}", policy.warnings) };
    assert_eq!(warning.code, "W0113");
    assert_eq!(warning.message, "batch `reg` lists 2 ids more than once: `A-1`, `A-2`");
    assert!(warning.file.ends_with("reg.txt"));
    assert_eq!(warning.span.start, 8, "at the first repeat");
}

#[test]
fn a_policy_with_cr_or_crlf_line_ends_reads_as_with_lf() {
    let with_comments = "# a policy\npolicy \"p\" version \"1\" # name\nschema \"test.schema.yaml\"\nbatch reg from \"reg.txt\"\n# rules\nrule \"r\" { when id in reg # the batch\n then restrict }\n";
    for ending in ["\r\n", "\r"] {
        let policy = load_with_batch("ends", "A-1\n", &with_comments.replace('\n', ending));
        assert_eq!(in_batch(&policy, &["A-1", "A-2"]), ["A-1"], "{ending:?}");
    }
}
