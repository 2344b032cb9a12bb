//! Enum values compared as strings (spec §4: "Enum values are compared as
//! strings (`status == "closed"`); `check` rejects a string that is not a
//! member of the enum"): a literal names a member, any other string (a
//! field, a let, a case) or another enum is compared with the member's name.

mod common;

use common::{temp_folder, verdict_in};

const SCHEMA: &str = "entity: account
key: id
fields:
  id: string
  status: enum(active, frozen, closed)
  previous: enum(active, frozen, closed, written_off)
  label: string
  score: int
";

const POLICY: &str = r#"policy "enums" version "1"
schema "account.schema.yaml"
let target = case when score > 600 then "active" else "frozen" end
rule "same-as-label" { when status == label then tag "label" }
rule "label-differs" { when label != status then tag "not-label" }
rule "on-target" { when status == target then tag "target" }
rule "unchanged" { when status == previous then tag "unchanged" }
rule "literal" { when status == "frozen" then tag "literal" }
"#;

const BOOK: &str = r#"{"id":"A","as_of":"2026-11-01","status":"active","previous":"active","label":"active","score":700}
{"id":"B","as_of":"2026-11-01","status":"frozen","previous":"written_off","label":"closed","score":700}
{"id":"C","as_of":"2026-11-01","status":"frozen","previous":"frozen","label":"frozen","score":500}
"#;

fn fired(stdout: &str) -> Vec<(String, Vec<String>)> {
    stdout
        .lines()
        .map(|l| {
            let d: serde_json::Value = serde_json::from_str(l).unwrap();
            let fired = d["fired"].as_array().unwrap().iter().map(|f| f.as_str().unwrap().to_string()).collect();
            (d["id"].as_str().unwrap().to_string(), fired)
        })
        .collect()
}

#[test]
fn enum_members_compare_with_computed_strings_and_other_enums_by_name() {
    let dir = temp_folder("enum-strings", "compare");
    std::fs::write(dir.join("account.schema.yaml"), SCHEMA).unwrap();
    std::fs::write(dir.join("p.policy"), POLICY).unwrap();
    std::fs::write(dir.join("book.jsonl"), BOOK).unwrap();
    let (code, stdout, stderr) = verdict_in(&dir, &["eval", "p.policy", "book.jsonl"]);
    assert_eq!(code, 0, "{stderr}");
    let expected = [
        ("A", vec!["same-as-label", "on-target", "unchanged"]),
        ("B", vec!["label-differs", "literal"]),
        ("C", vec!["same-as-label", "on-target", "unchanged", "literal"]),
    ];
    let expected: Vec<(String, Vec<String>)> =
        expected.iter().map(|(id, f)| (id.to_string(), f.iter().map(|s| s.to_string()).collect())).collect();
    assert_eq!(fired(&stdout), expected);
    // The traced interpreter agrees with the lowered code.
    let (_, traced, _) = verdict_in(&dir, &["eval", "p.policy", "book.jsonl", "--trace"]);
    assert_eq!(fired(&traced), expected);
}

#[test]
fn a_literal_that_is_not_a_member_is_still_an_error() {
    let dir = temp_folder("enum-strings", "literal");
    std::fs::write(dir.join("account.schema.yaml"), SCHEMA).unwrap();
    let policy = POLICY.replace(r#"status == "frozen""#, r#"status == "frozn""#);
    std::fs::write(dir.join("p.policy"), policy).unwrap();
    let (code, _, stderr) = verdict_in(&dir, &["check", "p.policy"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("[E0106] \"frozn\" is not a member of enum(active, frozen, closed)"), "{stderr}");
    assert!(stderr.contains("did you mean `frozen`?"), "{stderr}");
    assert!(stderr.contains("1 error"), "only the literal is an error: {stderr}");
}
