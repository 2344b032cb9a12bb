//! `verdict diff --performance FILE`: realised outcomes joined by account id to
//! the swap-set matrix, per cell, per swap set and per arm, in the text, JSON
//! and HTML reports; and the file's problems as errors with their line.
//!
//! Every figure below was worked out by hand from the fixture before the
//! engine ran (the comments show the working).

mod time;

use std::path::{Path, PathBuf};
use time::verdict_in;

/// Old: freeze below 600. New: close below 450, freeze from 550 to 649, and
/// the challenger arm (A-2 and A-7 of A-1..A-10: see tests/splits.rs) raises from 660.
const OLD: &str = "rule \"low\" { when score < 600 then freeze }";
const NEW: &str = r#"
split limit_test by id salt "2026-q4" {
  champion   90%
  challenger 10%
}
rule "very-low" { when score < 450 then close }
rule "low" { when score >= 550 and score < 650 then freeze }
rule "challenger-raise" { when limit_test == "challenger" and score >= 660 then set limit to credit_limit * 1.2 }
"#;

/// id, score; old → new outcome, swap set (taken: close, freeze, restrict), arm:
/// A-1 400 freeze → close kept champion; A-2 700 none → limit neither challenger;
/// A-3 500 freeze → none out; A-4 580 freeze → freeze kept; A-5 620 none → freeze in;
/// A-6 640 none → freeze in; A-7 610 none → freeze in challenger; A-8 700 none → none neither;
/// A-9 520 freeze → none out; A-10 unreadable score: error → error, undecided, no arm.
const SCORES: [(&str, &str); 10] = [
    ("A-1", "400"),
    ("A-2", "700"),
    ("A-3", "500"),
    ("A-4", "580"),
    ("A-5", "620"),
    ("A-6", "640"),
    ("A-7", "610"),
    ("A-8", "700"),
    ("A-9", "520"),
    ("A-10", "\"x\""),
];

/// A-7 has no row; Z-1 and Z-2 are not in the book.
const PERFORMANCE: &str = "id,bad,loss\nA-1,1,1500.50\nA-2,0,0\nA-3,0,0\nA-4,1,800\nA-5,1,2000.25\nA-6,0,0\n\
                           A-8,0,0\nA-9,true,300\nA-10,1,100\nZ-1,1,999\nZ-2,FALSE,0\n";

fn fixture(name: &str) -> PathBuf {
    let dir = time::scratch(name);
    time::write_policy(&dir, "old.policy", OLD);
    time::write_policy(&dir, "new.policy", NEW);
    let book: String =
        SCORES.iter().map(|(id, score)| time::account(&format!(r#"{{"id":"{id}","score":{score}}}"#)) + "\n").collect();
    std::fs::write(dir.join("book.jsonl"), book).unwrap();
    std::fs::write(dir.join("perf.csv"), PERFORMANCE).unwrap();
    dir
}

fn diff(dir: &Path, extra: &[&str]) -> (i32, String, String) {
    let mut args = vec!["diff", "old.policy", "new.policy", "book.jsonl"];
    args.extend_from_slice(extra);
    verdict_in(dir, &args)
}

fn json_report(dir: &Path) -> serde_json::Value {
    let (code, out, err) = diff(dir, &["--performance", "perf.csv", "--format", "json"]);
    assert_eq!(code, 1, "A-10 fails under both versions: {err}");
    serde_json::from_str(&out).unwrap()
}

/// `[accounts, with_performance, no_performance, bad, bad_rate, loss]` of a figures object.
fn figures(v: &serde_json::Value) -> serde_json::Value {
    serde_json::json!([v["accounts"], v["with_performance"], v["no_performance"], v["bad"], v["bad_rate"], v["loss"]])
}

fn row(accounts: u64, with: u64, bad: Option<u64>, rate: Option<&str>, loss: Option<&str>) -> serde_json::Value {
    serde_json::json!([accounts, with, accounts - with, bad, rate, loss])
}

#[test]
fn swap_sets_carry_the_hand_worked_figures() {
    let dir = fixture("perf-sets");
    let report = json_report(&dir);
    let p = &report["performance"];
    assert_eq!(p["file"], "perf.csv");
    assert_eq!(p["taken"], serde_json::json!(["close", "freeze", "restrict"]));
    // 11 rows: 9 accounts of the book (all but A-7) and Z-1, Z-2.
    assert_eq!((&p["rows"], &p["matched"], &p["not_in_book"]), (&11.into(), &9.into(), &2.into()));
    assert_eq!(p["not_in_book_ids"], serde_json::json!(["Z-1", "Z-2"]));
    let sets = &p["swap_sets"];
    // In: A-5 (bad, 2000.25), A-6 (good, 0), A-7 (no row): 1 of 2 bad.
    assert_eq!(figures(&sets["swapped_in"]), row(3, 2, Some(1), Some("50.00"), Some("2000.25")));
    // Out: A-3 (good), A-9 (bad, 300).
    assert_eq!(figures(&sets["swapped_out"]), row(2, 2, Some(1), Some("50.00"), Some("300")));
    // Kept: A-1 (bad, 1500.50) and A-4 (bad, 800).
    assert_eq!(figures(&sets["kept"]), row(2, 2, Some(2), Some("100.00"), Some("2300.5")));
    assert_eq!(figures(&sets["neither"]), row(2, 2, Some(0), Some("0.00"), Some("0")));
    assert_eq!(figures(&sets["undecided"]), row(1, 1, Some(1), Some("100.00"), Some("100")));
    // 5 bad of 9 with performance = 55.555…% → 55.56; 1500.50 + 800 + 2000.25 + 300 + 100.
    assert_eq!(figures(&sets["total"]), row(10, 9, Some(5), Some("55.56"), Some("4700.75")));
}

/// A book holding an account twice joins its performance row once: the
/// second snapshot is counted without performance, and the report says so.
/// (Joined twice, A-1's bad flag and its 1500.50 counted twice.)
#[test]
fn a_repeated_id_in_the_book_joins_its_row_once() {
    let dir = fixture("perf-repeated");
    let again = time::account(r#"{"id":"A-1","score":400}"#);
    let book = std::fs::read_to_string(dir.join("book.jsonl")).unwrap() + again.as_str() + "\n";
    std::fs::write(dir.join("book.jsonl"), book).unwrap();
    let report = json_report(&dir);
    let p = &report["performance"];
    assert_eq!((&p["matched"], &p["repeated_in_book"]), (&9.into(), &1.into()));
    // Kept: A-1 twice (bad, 1500.50, once) and A-4 (bad, 800).
    assert_eq!(figures(&p["swap_sets"]["kept"]), row(3, 2, Some(2), Some("100.00"), Some("2300.5")));
    assert_eq!(figures(&p["swap_sets"]["total"]), row(11, 9, Some(5), Some("55.56"), Some("4700.75")));
    let (_, text, _) = diff(&dir, &["--performance", "perf.csv"]);
    assert!(
        text.contains("; 1 snapshot of the book repeats an id already joined, counted without performance"),
        "{text}"
    );
}

#[test]
fn cells_and_arms_carry_the_hand_worked_figures() {
    let dir = fixture("perf-cells");
    let report = json_report(&dir);
    let p = &report["performance"];
    let cells: Vec<(String, serde_json::Value)> = p["cells"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| (format!("{} → {} {}", c["old"], c["new"], c["set"]).replace('"', ""), figures(c)))
        .collect();
    let expected = [
        ("freeze → close kept", row(1, 1, Some(1), Some("100.00"), Some("1500.5"))),
        ("freeze → freeze kept", row(1, 1, Some(1), Some("100.00"), Some("800"))),
        ("freeze → none swapped_out", row(2, 2, Some(1), Some("50.00"), Some("300"))),
        ("none → freeze swapped_in", row(3, 2, Some(1), Some("50.00"), Some("2000.25"))),
        ("none → limit neither", row(1, 1, Some(0), Some("0.00"), Some("0"))),
        ("none → none neither", row(1, 1, Some(0), Some("0.00"), Some("0"))),
        ("error → error undecided", row(1, 1, Some(1), Some("100.00"), Some("100"))),
    ];
    let expected: Vec<(String, serde_json::Value)> = expected.into_iter().map(|(k, v)| (k.to_string(), v)).collect();
    assert_eq!(cells, expected);

    let arms = p["arms"].as_array().unwrap();
    assert_eq!(arms.len(), 2, "A-10 could not be decided, so it is in no arm");
    // Champion: A-1, A-3, A-4, A-5, A-6, A-8, A-9; 4 bad of 7 = 57.142…% → 57.14.
    assert_eq!((&arms[0]["split"], &arms[0]["arm"]), (&"limit_test".into(), &"champion".into()));
    assert_eq!(figures(&arms[0]["swap_sets"]["swapped_in"]), row(2, 2, Some(1), Some("50.00"), Some("2000.25")));
    assert_eq!(figures(&arms[0]["swap_sets"]["total"]), row(7, 7, Some(4), Some("57.14"), Some("4600.75")));
    // Challenger: A-7 swapped in without performance (no rate), A-2 neither.
    assert_eq!(arms[1]["arm"], "challenger");
    assert_eq!(figures(&arms[1]["swap_sets"]["swapped_in"]), row(1, 0, Some(0), None, Some("0")));
    assert_eq!(figures(&arms[1]["swap_sets"]["neither"]), row(1, 1, Some(0), Some("0.00"), Some("0")));
    assert_eq!(arms[1]["cells"].as_array().unwrap().len(), 2);
}

/// The whole `performance` member, read line by line against the figures above.
#[test]
fn json_report_member() {
    let dir = fixture("perf-json");
    let (code, out, err) = diff(&dir, &["--performance", "perf.csv", "--format", "json"]);
    assert_eq!(code, 1, "A-10 fails under both versions: {err}");
    // The member as written (a parsed `Value` would sort its keys): from its name to the next member's.
    let start = out.find("\n  \"performance\": ").expect("a performance member");
    let end = out.find("\n  \"rules\": ").expect("the rules member");
    insta::assert_snapshot!(&out[start + 1..end]);
    // Without --performance the report has no such member.
    let (_, out, _) = diff(&dir, &["--format", "json"]);
    assert!(!out.contains("\"performance\""));
}

#[test]
fn the_text_report_shows_the_sets_cells_and_arms() {
    let dir = fixture("perf-text");
    let (code, out, err) = diff(&dir, &["--performance", "perf.csv"]);
    assert_eq!(code, 1, "A-10 fails under both versions: {err}");
    let section = out.split_once("\nPerformance").map(|(_, s)| s).expect("a performance section");
    let section = section.split_once("\nRules").map_or(section, |(s, _)| s);
    insta::assert_snapshot!(section);
}

#[test]
fn the_html_report_has_a_performance_section() {
    let dir = fixture("perf-html");
    let (code, _, err) = diff(&dir, &["--performance", "perf.csv", "--html", "r.html"]);
    assert_eq!(code, 1, "A-10 fails under both versions: {err}");
    let html = std::fs::read_to_string(dir.join("r.html")).unwrap();
    assert!(html.contains("<section id=\"performance\">"), "{html}");
    assert!(html.contains(
        "<tr><td>swapped in</td><td class=\"num\">3</td><td class=\"num\">2</td><td class=\"num\">1</td>\
         <td class=\"num\">50.00%</td><td class=\"num\">2000.25</td></tr>"
    ));
    assert!(html.contains("<tr><td>limit_test</td><td>challenger</td><td>swapped in</td><td class=\"num\">1</td>"));
    assert!(html.contains("Not in the book: Z-1, Z-2"));
    let options = roxmltree::ParsingOptions { allow_dtd: true, ..Default::default() };
    roxmltree::Document::parse_with_options(&html, options).expect("the page stays well-formed XHTML");
}

/// Swap sets of an admission policy are about approvals, read here from JSON
/// Lines with a bad flag only. New: `prime` from 610 (was 700) but only under
/// 10% debt to income (was 40%). AP-1 (4000 / 36000 = 11%) is no longer
/// approved; AP-5 (620) and AP-7 (680, champion) newly are; AP-6 stays
/// approved; AP-2, AP-3 decline and AP-4 refers under both.
#[test]
fn admission_swap_sets_are_about_approvals() {
    let (dir, text) = time::admission_scratch("perf-admission");
    std::fs::write(dir.join("old.policy"), &text).unwrap();
    let new = text.replace("bureau_score >= 700", "bureau_score >= 610").replace("< 40%", "< 10%");
    std::fs::write(dir.join("new.policy"), new).unwrap();
    let perf = "{\"id\":\"AP-1\",\"bad\":true}\n{\"id\":\"AP-6\",\"bad\":false}\n{\"id\":\"AP-7\",\"bad\":1}\n\
                {\"id\":\"AP-4\",\"bad\":\"0\"}\n{\"id\":\"AP-99\",\"bad\":false}\n";
    std::fs::write(dir.join("perf.jsonl"), perf).unwrap();
    let args = ["diff", "old.policy", "new.policy", "applications.jsonl", "--performance", "perf.jsonl"];
    let (code, out, err) = verdict_in(&dir, &[&args[..], &["--format", "json"]].concat());
    assert_eq!(code, 0, "{err}");
    let p = serde_json::from_str::<serde_json::Value>(&out).unwrap()["performance"].clone();
    assert_eq!(p["taken"], serde_json::json!(["approve"]));
    assert_eq!(p["not_in_book_ids"], serde_json::json!(["AP-99"]));
    let sets = &p["swap_sets"];
    // In: AP-5 (no row), AP-7 (bad). Out: AP-1 (bad). Kept: AP-6 (good). Neither: AP-2, AP-3, AP-4 (good).
    assert_eq!(figures(&sets["swapped_in"]), row(2, 1, Some(1), Some("100.00"), None));
    assert_eq!(figures(&sets["swapped_out"]), row(1, 1, Some(1), Some("100.00"), None));
    assert_eq!(figures(&sets["kept"]), row(1, 1, Some(0), Some("0.00"), None));
    assert_eq!(figures(&sets["neither"]), row(3, 1, Some(0), Some("0.00"), None));
    assert_eq!(figures(&sets["total"]), row(7, 4, Some(2), Some("50.00"), None));
    // Arms by customer id: AP-2, AP-5, AP-6 are challengers (tests/admission.rs).
    let arm = |i: usize, set: &str| figures(&p["arms"][i]["swap_sets"][set]);
    assert_eq!(p["arms"][0]["arm"], "champion");
    assert_eq!(arm(0, "swapped_in"), row(1, 1, Some(1), Some("100.00"), None));
    assert_eq!(arm(1, "swapped_in"), row(1, 0, Some(0), None, None));
    assert_eq!(arm(1, "kept"), row(1, 1, Some(0), Some("0.00"), None));
    let (_, text, _) = verdict_in(&dir, &args);
    assert!(text.contains("  taken: approve (swapped in: by the new version only;"), "{text}");
    assert!(text.contains("  swapped in          2           1    1   100.00%     —\n"), "{text}");
}

/// An application has no limit before its decision: the exposure of an
/// admission diff is the credit each version's approvals grant, the sum of
/// their decisions' limits as `eval` writes them, with no band; a field
/// named as the "current limit" is refused.
#[test]
fn admission_exposure_is_the_credit_granted() {
    let (dir, text) = time::admission_scratch("exposure-admission");
    std::fs::write(dir.join("old.policy"), &text).unwrap();
    let new = text.replace("bureau_score >= 700", "bureau_score >= 610").replace("< 40%", "< 10%");
    std::fs::write(dir.join("new.policy"), new).unwrap();
    let granted = |policy: &str| {
        let (_, out, _) = verdict_in(&dir, &["eval", policy, "applications.jsonl"]);
        out.lines()
            .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
            .filter(|d| d["outcome"] == "approve")
            .filter_map(|d| d["limit"].as_str().and_then(|l| l.parse::<rust_decimal::Decimal>().ok()))
            .sum::<rust_decimal::Decimal>()
    };
    let (old, new) = (granted("old.policy"), granted("new.policy"));
    assert_ne!(old, new, "the versions grant differently");
    let args = ["diff", "old.policy", "new.policy", "applications.jsonl"];
    let (code, out, err) = verdict_in(&dir, &[&args[..], &["--format", "json"]].concat());
    assert_eq!(code, 0, "{err}");
    let e = serde_json::from_str::<serde_json::Value>(&out).unwrap()["exposure"].clone();
    assert_eq!(e["granted"], true);
    assert_eq!(e["current"], "0");
    assert_eq!(e["old"], old.to_string());
    assert_eq!(e["new"], new.to_string());
    assert_eq!(e["new_vs_old"], (new - old).to_string());
    assert!(e["buckets"].as_array().unwrap().iter().all(|b| b["old"] == 0 && b["new"] == 0), "{e}");
    let (_, text, _) = verdict_in(&dir, &args);
    assert!(text.contains("\nCredit granted (7 applications)\n"), "{text}");
    assert!(!text.contains("Limit exposure") && !text.contains("cut > 50%"), "{text}");
    let (code, _, err) = verdict_in(&dir, &[&args[..], &["--limit-field", "requested_limit"]].concat());
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("an application has no current limit"), "{err}");
    // The page: no column of blank current limits, no bands in its footer.
    let (code, _, err) = verdict_in(&dir, &[&args[..], &["--html", "r.html"]].concat());
    assert_eq!(code, 0, "{err}");
    let html = std::fs::read_to_string(dir.join("r.html")).unwrap();
    assert!(html.contains("<h2>Credit granted</h2>") && html.contains("id=\"changed-table\""), "{html}");
    assert!(!html.contains("<th class=\"num\">current limit</th>") && !html.contains("Limit bands"), "{html}");
    let options = roxmltree::ParsingOptions { allow_dtd: true, ..roxmltree::ParsingOptions::default() };
    roxmltree::Document::parse_with_options(&html, options).expect("the page stays well-formed XHTML");
}

/// The file's problems: exit 2, the code, the file and line, and a hint.
#[test]
fn a_bad_performance_file_exits_2_naming_the_line() {
    let dir = fixture("perf-errors");
    let cases = [
        ("dup.csv", "id,bad\nA-1,1\nA-2,0\nA-1,0\n", "error[D006]: `dup.csv`:4: the id `A-1` is already on line 2"),
        ("bad.csv", "id,bad\nA-1,1\nA-2,maybe\n", "error[D005]: `bad.csv`:3: `bad` is `maybe`, not true/false or 1/0"),
        (
            "loss.jsonl",
            "{\"id\":\"A-1\",\"loss\":\"12.5\"}\n{\"id\":\"A-2\",\"loss\":\"1,200\"}\n",
            "error[D005]: `loss.jsonl`:2: `loss` is `1,200`, not a plain decimal",
        ),
        ("short.csv", "id,bad,loss\nA-1,1\n", "error[D005]: `short.csv`:2: 2 fields where the header has 3"),
        (
            "later.jsonl",
            "{\"id\":\"A-1\",\"loss\":\"5\"}\n{\"id\":\"A-2\",\"bad\":\"1\",\"loss\":\"7\"}\n",
            "error[D005]: `later.jsonl`:2: gives `bad`, which the first record (line 1) does not",
        ),
        (
            "none.csv",
            "id,default_flag,amount\nA-1,1,2\n",
            "error[D004]: `none.csv`:1: neither a `bad` nor a `loss` column",
        ),
        ("noid.jsonl", "{\"account\":\"A-1\",\"bad\":true}\n", "error[D004]: `noid.jsonl`:1: no `id` column"),
        (
            "perf.txt",
            "id,bad\n",
            "error[D004]: `perf.txt`: cannot tell its format from its name: name it `.csv` or `.jsonl`",
        ),
        ("missing.csv", "", "error[D004]: `missing.csv`: cannot read it"),
    ];
    for (name, text, expected) in cases {
        if name != "missing.csv" {
            std::fs::write(dir.join(name), text).unwrap();
        }
        let (code, out, err) = diff(&dir, &["--performance", name]);
        assert_eq!(code, 2, "{name}: {err}");
        assert!(err.starts_with(expected), "{name}: {err}");
        assert!(out.is_empty(), "{name}: no report: {out}");
    }
    let (_, _, err) = diff(&dir, &["--performance", "none.csv"]);
    assert!(err.contains("help: a performance file gives each account's `id` with a `bad` flag"), "{err}");
    // The file is an input: it cannot also be an output.
    let (code, _, err) = diff(&dir, &["--performance", "perf.csv", "--html", "perf.csv"]);
    assert_eq!(code, 2, "{err}");
    assert_eq!(std::fs::read_to_string(dir.join("perf.csv")).unwrap(), PERFORMANCE);
}
