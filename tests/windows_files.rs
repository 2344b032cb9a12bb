//! Files as Windows tools save them: a byte-order mark on a hook, a golden
//! file or a performance file; UTF-16 from Excel's "Unicode text" or
//! PowerShell 5's `>`; a lone CR ending a hook's lines; the rows of empty
//! cells Excel writes under a table. Each is read as the file it is, or
//! refused naming what it is.

mod common;

use std::path::{Path, PathBuf};

const SCHEMA: &str = "entity: account\nkey: id\nfields:\n  id: string\n  score: int\n";
const BOM: &str = "\u{feff}";

fn folder(name: &str) -> PathBuf {
    let dir = common::temp_folder("windows-files", name);
    std::fs::write(dir.join("s.schema.yaml"), SCHEMA).unwrap();
    dir
}

fn verdict(dir: &Path, args: &[&str]) -> (i32, String, String) {
    common::verdict_in(dir, args)
}

/// `text` in UTF-16 LE with its byte-order mark.
fn utf16(text: &str) -> Vec<u8> {
    let mut bytes = vec![0xFF, 0xFE];
    bytes.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
    bytes
}

/// `p.policy`: one rule over the schema.
fn write_policy(dir: &Path) {
    let policy = "policy \"p\" version \"1\"\nschema \"s.schema.yaml\"\nrule \"r\" { when score > 1 then restrict }\n";
    std::fs::write(dir.join("p.policy"), policy).unwrap();
}

fn policy_with_hook(dir: &Path, script: &str) {
    std::fs::write(dir.join("h.rhai"), script).unwrap();
    let policy = "policy \"p\" version \"1\"\nschema \"s.schema.yaml\"\nhook h(score: int) -> int from \"h.rhai\"\n\
                  rule \"r\" { when h(score) > 1 then restrict }\n";
    std::fs::write(dir.join("p.policy"), policy).unwrap();
}

#[test]
fn a_hook_saved_with_a_byte_order_mark_and_crlf_compiles() {
    let dir = folder("hook-bom");
    policy_with_hook(&dir, &format!("{BOM}// doubles\r\nfn h(score) {{\r\n  score * 2\r\n}}\r\n"));
    let (code, _, stderr) = verdict(&dir, &["check", "p.policy"]);
    assert_eq!(code, 0, "{stderr}");
    std::fs::write(dir.join("b.jsonl"), "{\"id\":\"A\",\"as_of\":\"2026-01-01\",\"score\":3}\n").unwrap();
    let (_, stdout, stderr) = verdict(&dir, &["eval", "p.policy", "b.jsonl"]);
    assert!(stdout.contains("\"outcome\":\"restrict\""), "{stdout}{stderr}");
    // A syntax error on its first line is placed as an editor shows it.
    policy_with_hook(&dir, &format!("{BOM}fn h(score) {{ score * }}\r\n"));
    let (code, _, stderr) = verdict(&dir, &["check", "p.policy"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("h.rhai:1:"), "{stderr}");
}

#[test]
fn a_hook_whose_lines_end_with_a_lone_cr_is_placed_on_its_lines() {
    let dir = folder("hook-cr");
    policy_with_hook(&dir, "// one\r// two\rfn h(score) {\r  let x = score;\r  x / 0\r}\r");
    std::fs::write(dir.join("b.jsonl"), "{\"id\":\"A\",\"as_of\":\"2026-01-01\",\"score\":3}\n").unwrap();
    let (_, stdout, _) = verdict(&dir, &["eval", "p.policy", "b.jsonl"]);
    assert!(stdout.contains("h.rhai:5:"), "the division on line 5: {stdout}");
}

#[test]
fn utf16_books_and_policies_are_refused_naming_the_encoding() {
    let dir = folder("utf16");
    write_policy(&dir);
    let book = "{\"id\":\"A\",\"as_of\":\"2026-01-01\",\"score\":3}\r\n{\"id\":\"B\",\"as_of\":\"2026-01-01\",\"score\":0}\r\n";
    std::fs::write(dir.join("b.jsonl"), utf16(book)).unwrap();
    let (code, stdout, stderr) = verdict(&dir, &["eval", "p.policy", "b.jsonl"]);
    assert_eq!(code, 2, "an input that cannot be read: {stdout}{stderr}");
    assert!(stderr.contains("[R002]") && stderr.contains("UTF-16 LE text"), "{stderr}");
    std::fs::write(dir.join("u.policy"), utf16("policy \"p\" version \"1\"\n")).unwrap();
    let (code, _, stderr) = verdict(&dir, &["check", "u.policy"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("is UTF-16 LE text") && stderr.contains("save the file as UTF-8"), "{stderr}");
    std::fs::write(dir.join("t.csv"), utf16("variable,bin,points\r\nscore,\"[-inf,600)\",-10\r\n")).unwrap();
    let (code, _, stderr) = verdict(&dir, &["import", "scorecard", "t.csv"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("is UTF-16 LE text, not UTF-8"), "{stderr}");
    std::fs::write(dir.join("perf.csv"), utf16("id,bad\r\nA,true\r\n")).unwrap();
    std::fs::write(dir.join("b8.jsonl"), book).unwrap();
    let (code, _, stderr) = verdict(&dir, &["diff", "p.policy", "p.policy", "b8.jsonl", "--performance", "perf.csv"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("UTF-16 LE text, not UTF-8"), "{stderr}");
}

/// UTF-16 without a byte-order mark (some exporters write it so) holds a
/// NUL beside each letter, which UTF-8 text never does: refused as UTF-16,
/// not read as one error record per line.
#[test]
fn utf16_without_a_byte_order_mark_is_refused_naming_the_encoding() {
    let dir = folder("utf16-no-bom");
    write_policy(&dir);
    let book = "{\"id\":\"A\",\"as_of\":\"2026-01-01\",\"score\":3}\n";
    let little: Vec<u8> = book.encode_utf16().flat_map(u16::to_le_bytes).collect();
    let big: Vec<u8> = book.encode_utf16().flat_map(u16::to_be_bytes).collect();
    for (bytes, encoding) in [(little, "UTF-16 LE"), (big, "UTF-16 BE")] {
        std::fs::write(dir.join("b.jsonl"), bytes).unwrap();
        let (code, stdout, stderr) = verdict(&dir, &["eval", "p.policy", "b.jsonl"]);
        assert_eq!(code, 2, "{stdout}{stderr}");
        assert!(stderr.contains(&format!("{encoding} text")), "{stderr}");
    }
}

/// Excel's plain "CSV" on a Chinese Windows writes GBK: each row with
/// Chinese text is an error record that says how to save the file, and
/// every other row is decided.
#[test]
fn a_gbk_book_says_how_to_save_it_as_utf8() {
    let dir = folder("gbk");
    std::fs::write(dir.join("s.schema.yaml"), format!("{SCHEMA}  name: string\n")).unwrap();
    write_policy(&dir);
    // "张三" in GBK.
    let name: &[u8] = &[0xD5, 0xC5, 0xC8, 0xFD];
    let mut csv = b"id,as_of,score,name\r\nA,2026-01-01,3,Li\r\nB,2026-01-01,3,".to_vec();
    csv.extend(name);
    csv.extend(b"\r\nC,2026-01-01,3,Wu\r\n");
    std::fs::write(dir.join("b.csv"), &csv).unwrap();
    let mut jsonl = b"{\"id\":\"A\",\"as_of\":\"2026-01-01\",\"score\":3,\"name\":\"Li\"}\n".to_vec();
    jsonl.extend(b"{\"id\":\"B\",\"as_of\":\"2026-01-01\",\"score\":3,\"name\":\"");
    jsonl.extend(name);
    jsonl.extend(b"\"}\n");
    std::fs::write(dir.join("b.jsonl"), &jsonl).unwrap();
    for book in ["b.csv", "b.jsonl"] {
        let (code, stdout, stderr) = verdict(&dir, &["eval", "p.policy", book]);
        assert_eq!(code, 1, "{stdout}{stderr}");
        let records: Vec<serde_json::Value> = stdout.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
        let bad: Vec<_> = records.iter().filter(|r| r.get("error").is_some()).collect();
        assert_eq!((records.len(), bad.len()), (if book == "b.csv" { 3 } else { 2 }, 1), "{stdout}");
        let message = bad[0]["error"]["message"].as_str().unwrap();
        assert!(
            message.contains("not UTF-8 text") && message.contains("\"CSV UTF-8\"") && message.contains("GBK"),
            "{message}"
        );
    }
}

#[test]
fn rows_of_empty_cells_under_a_csv_table_are_no_accounts() {
    let dir = folder("csv-blank-rows");
    write_policy(&dir);
    std::fs::write(dir.join("b.csv"), "id,as_of,score\r\nA,2026-01-01,3\r\n,,\r\n,,\r\n").unwrap();
    let (code, stdout, stderr) = verdict(&dir, &["eval", "p.policy", "b.csv"]);
    assert_eq!((code, stdout.lines().count()), (0, 1), "{stdout}{stderr}");
    std::fs::write(
        dir.join("t.csv"),
        "variable,bin,points\r\nscore,\"[-inf,600)\",-10\r\nscore,\"[600,inf)\",5\r\n,,\r\n",
    )
    .unwrap();
    let (code, stdout, stderr) = verdict(&dir, &["import", "scorecard", "t.csv"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.contains("scorecard"), "{stdout}");
}

#[test]
fn a_golden_file_and_a_performance_file_saved_with_a_byte_order_mark_are_read() {
    let dir = folder("bom-outputs");
    write_policy(&dir);
    std::fs::write(dir.join("b.jsonl"), "{\"id\":\"A\",\"as_of\":\"2026-01-01\",\"score\":3}\n").unwrap();
    std::fs::write(dir.join("p.test.yaml"), "policy: p.policy\ngolden: g.jsonl\nsnapshots: b.jsonl\n").unwrap();
    let (code, _, stderr) = verdict(&dir, &["test", "--accept", "p.test.yaml"]);
    assert_eq!(code, 0, "{stderr}");
    let golden = std::fs::read_to_string(dir.join("g.jsonl")).unwrap();
    std::fs::write(dir.join("g.jsonl"), format!("{BOM}{}", golden.replace('\n', "\r\n"))).unwrap();
    let (code, stdout, stderr) = verdict(&dir, &["test", "p.test.yaml"]);
    assert_eq!(code, 0, "{stdout}{stderr}");
    std::fs::write(dir.join("perf.jsonl"), format!("{BOM}{{\"id\":\"A\",\"bad\":true}}\r\n")).unwrap();
    let (code, stdout, stderr) =
        verdict(&dir, &["diff", "p.policy", "p.policy", "b.jsonl", "--performance", "perf.jsonl"]);
    assert_eq!(code, 0, "{stdout}{stderr}");
}

/// A path written with Windows' `\` is not found on other systems, and the
/// file "named alike" beside the policy would be another one: the help says
/// to write `/`.
#[test]
fn a_path_written_with_backslashes_is_told_to_use_slashes() {
    let dir = folder("backslashes");
    std::fs::create_dir_all(dir.join("schemas")).unwrap();
    std::fs::write(dir.join("schemas/s.schema.yaml"), SCHEMA).unwrap();
    std::fs::write(dir.join("p.policy"), "policy \"p\" version \"1\"\nschema \"schemas\\\\s.schema.yaml\"\n").unwrap();
    let (code, _, stderr) = verdict(&dir, &["check", "p.policy"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("on Windows too: `schemas/s.schema.yaml`") && !stderr.contains("did you mean"), "{stderr}");
    std::fs::write(dir.join("q.policy"), "policy \"p\" version \"1\"\nschema \"schemas\\s.schema.yaml\"\n").unwrap();
    let (_, _, stderr) = verdict(&dir, &["check", "q.policy"]);
    assert!(stderr.contains("[P004]") && stderr.contains("written with `/`"), "{stderr}");
}
