//! `verdict fmt`: a formatted policy parses to the same AST, formatting is
//! idempotent and keeps every comment — over every fixture, over fixtures
//! with a comment slipped in at every token boundary, and over random ASTs.

use proptest::prelude::*;
use rayon::prelude::*;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use verdict::diagnostic::Span;
use verdict::format::{format_source, print_ast};
use verdict::syntax::ast::*;
use verdict::syntax::parse_policy;
use verdict::value::Duration;

/// Every `.policy` under the fixture folders and `policies/` that parses.
fn parsable_policies() -> Vec<(PathBuf, String)> {
    policies_in(&["tests/fixtures/valid", "tests/fixtures/invalid", "policies"])
}

fn policies_in(dirs: &[&str]) -> Vec<(PathBuf, String)> {
    let mut out = Vec::new();
    for dir in dirs {
        let mut paths: Vec<PathBuf> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|x| x == "policy"))
            .collect();
        paths.sort();
        for path in paths {
            let text = std::fs::read_to_string(&path).unwrap();
            if parse_policy(&path, &text).is_ok() {
                out.push((path, text));
            }
        }
    }
    assert!(out.len() > dirs.len(), "expected policies in {dirs:?}, found {}", out.len());
    out
}

/// The AST without its spans (the derived `PartialEq` of items, rules and
/// actions compares their spans; expressions and names ignore theirs).
fn shape(ast: &PolicyAst) -> String {
    let debug = format!("{ast:?}");
    let mut out = String::with_capacity(debug.len());
    let mut rest = debug.as_str();
    while let Some(i) = rest.find("Span { start: ") {
        out.push_str(&rest[..i]);
        out.push('_');
        rest = rest[i..].find('}').map_or("", |j| &rest[i + j + 1..]);
    }
    out.push_str(rest);
    out
}

/// The comments of a text (outside strings), in order.
fn comments(text: &str) -> Vec<String> {
    code_and_comments(text).1
}

/// Offsets just past each token outside strings and comments, and the comment texts.
fn code_and_comments(text: &str) -> (Vec<usize>, Vec<String>) {
    let (mut ends, mut comments) = (Vec::new(), Vec::new());
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'#' => {
                // A comment ends at `\n` or a lone `\r`, as in the grammar.
                let end = text[i..].find(['\n', '\r']).map_or(text.len(), |n| i + n);
                comments.push(text[i..end].trim_end().to_string());
                i = end;
            }
            b'"' => {
                i += 1;
                while i < bytes.len() && bytes[i] != b'"' {
                    i += if bytes[i] == b'\\' { 2 } else { 1 };
                }
                i += 1;
                ends.push(i);
            }
            c if c.is_ascii_whitespace() => i += 1,
            _ => {
                i += 1;
                if i < bytes.len() && bytes[i].is_ascii_whitespace() {
                    ends.push(i);
                }
            }
        }
    }
    (ends, comments)
}

/// The formatter's contract for one text: same AST, idempotent, same comments in the same order.
fn assert_formats_well(path: &Path, text: &str) -> String {
    let ast = parse_policy(path, text).unwrap();
    let once = format_source(path, text).unwrap();
    let reparsed = parse_policy(path, &once)
        .unwrap_or_else(|e| panic!("{}: output does not parse: {e:?}\n{once}", path.display()));
    assert!(
        shape(&reparsed) == shape(&ast),
        "{}: formatting changed the AST\n--- input\n{text}\n--- output\n{once}",
        path.display()
    );
    let twice = format_source(path, &once).unwrap();
    assert!(twice == once, "{}: not idempotent\n--- once\n{once}\n--- twice\n{twice}", path.display());
    assert_eq!(comments(&once), comments(text), "{}: comments lost or reordered\n{once}", path.display());
    once
}

#[test]
fn every_fixture_formats_to_the_same_ast_idempotently_with_its_comments() {
    for (path, text) in parsable_policies() {
        assert_formats_well(&path, &text);
    }
}

#[test]
fn a_comment_at_any_token_boundary_survives_and_formatting_stays_idempotent() {
    // The example policies hold every construct; the small fixtures add time, not cases,
    // and so does lifecycle-v2 (lifecycle.policy with a few rules changed): the cost
    // grows with the square of a file's length.
    let files = policies_in(&["tests/fixtures/valid", "policies"]);
    let rich = files.iter().filter(|(p, _)| {
        !p.file_name().is_some_and(|n| n.to_string_lossy().starts_with('W') || n == "lifecycle-v2.policy")
    });
    // Thousands of independent texts: spread over the cores (a panic on any
    // thread fails the test with its message).
    for (path, text) in rich {
        let (ends, _) = code_and_comments(text);
        ends.par_iter().enumerate().for_each(|(n, &at)| {
            for style in [format!(" # c{n}\n"), format!("\n# c{n}\n")] {
                let mut t = text.clone();
                t.insert_str(at, &style);
                assert_formats_well(path, &t);
            }
        });
    }
}

/// A comment at every token boundary at once, in three mixes of trailing
/// and own-line comments: an own-line comment before a `{` or `(` and a
/// trailing one after it merged into one comment, out of order, and a
/// trailing comment slid one token on at each formatting.
#[test]
fn comments_at_every_token_boundary_at_once_survive_and_formatting_stays_idempotent() {
    let files = policies_in(&["policies"]);
    let rich = files.iter().filter(|(p, _)| p.file_name().is_some_and(|n| n != "lifecycle-v2.policy"));
    for (path, text) in rich {
        let (ends, _) = code_and_comments(text);
        (0..3).into_par_iter().for_each(|phase| {
            let mut t = text.clone();
            for (n, &at) in ends.iter().enumerate().rev() {
                let style = match (n + phase) % 3 {
                    0 => format!(" # t{n}\n"),
                    1 => format!("\n# o{n}\n"),
                    _ => format!("\n# o{n}\n # t{n}\n"),
                };
                t.insert_str(at, &style);
            }
            assert_formats_well(path, &t);
        });
    }
}

/// Two trailing comments at neighbouring token boundaries (`and  # a` then
/// `(  # b`): the second waits for a line of its own, which must be where
/// the next formatting puts it.
#[test]
fn two_comments_at_neighbouring_boundaries_survive_and_formatting_stays_idempotent() {
    let path = Path::new("policies/lifecycle.policy");
    let text = std::fs::read_to_string(path).unwrap();
    let (ends, _) = code_and_comments(&text);
    ends.par_windows(2).enumerate().for_each(|(n, pair)| {
        let mut t = text.clone();
        t.insert_str(pair[1], &format!("  # b{n}\n"));
        t.insert_str(pair[0], &format!("  # a{n}\n"));
        assert_formats_well(path, &t);
    });
}

#[test]
fn the_example_policies_are_formatted() {
    for name in ["policies/lifecycle.policy", "policies/simple.policy"] {
        let text = std::fs::read_to_string(name).unwrap();
        assert_eq!(format_source(Path::new(name), &text).unwrap(), text, "run `verdict fmt {name}`");
    }
}

#[test]
fn canonical_layout() {
    let src = r#"# header comment

policy "p"   version "1"
schema "s.yaml"        # where the schema is
hook h(a:int,b: decimal)->decimal from "h.rhai" budget 10_000
batch b from "b.txt"
let x = ( score )
let y = 50_000 + 2%*x     # trailing


let z = (a and b) or c and not (d ?? false) or not e == f
guard close at most 2.50%
rule "r" priority -5 { # after brace
  when a > 1 # after a
  # before and
  and b < 2 then close reason "R" "t" # after reason
  notify sms "x"
  # before brace
}
group "g" first {   # what the group does
  rule "one" { when x > 30 then tag "a" }
  # about two
  rule "two" { when x > 60 and (y ?? 0) - -1 > 2 then tag "b" }
}
# the end
"#;
    let out = assert_formats_well(Path::new("t.policy"), src);
    insta::assert_snapshot!(out);
}

#[test]
fn cells_of_wide_characters_line_up_by_display_width() {
    // A Chinese character takes two columns of a terminal or an editor:
    // padding by characters left the `=>` of a row in Chinese two columns per
    // character short of the others.
    let src = r#"policy "p" version "1"
schema "s.yaml"
let t = table (segment) -> int first {
  "优质客户" => 1
  "x" => 2
  else => 3
}
let s = scorecard base 600 {
  segment "A01" "Segment" {
    "优质客户" => 10
    ["x", "y"] => 0
  }
}
"#;
    let out = assert_formats_well(Path::new("t.policy"), src);
    let arrow_columns: Vec<usize> = out
        .lines()
        .filter(|l| l.contains(" => "))
        .map(|l| verdict::terminal::width(l.split(" => ").next().unwrap_or("")))
        .collect();
    assert_eq!(arrow_columns.len(), 5, "{out}");
    assert!(arrow_columns[..3].iter().all(|c| *c == arrow_columns[0]), "{arrow_columns:?}\n{out}");
    assert_eq!(arrow_columns[3], arrow_columns[4], "{out}");
}

/// A comment among a row's cells or before its `=>` ends the row's line, or
/// (when the row's last code has a comment of its own, which ends the line
/// after the code it followed) goes on its own line above the row: left
/// where it was, it broke the row, and its value read as another row.
#[test]
fn a_comment_inside_a_table_row_ends_the_rows_line() {
    let src = r#"policy "p" version "1"
schema "s.yaml"
let t = table (score, segment) -> int {
  < 600 | # why
    "a" => 1 # one
  >= 600 | _ # two
    => 2
  else => # three
    3
}
"#;
    let out = assert_formats_well(Path::new("t.policy"), src);
    let rows: Vec<&str> = out.lines().skip_while(|l| !l.starts_with("let t")).skip(1).take(4).collect();
    assert_eq!(
        rows,
        ["  # why", "  < 600  | \"a\" => 1  # one", "  >= 600 | _   => 2  # two", "  else         => 3  # three"],
        "{out}"
    );
}

/// Several comments a line collects (inside a row, after a scorecard's
/// last bin) stay in their block's indentation, in their order: the last
/// ends the line, after the code it followed, the others stand above it.
/// A second formatting changes nothing.
#[test]
fn comments_a_row_or_bin_collects_keep_their_order_and_indentation() {
    let src = r#"policy "p" version "1"
schema "s.yaml"
let t = table (status) -> int {
  "active" => 1 # c0
  ["frozen", # c1
   "restricted", "closed"] # c2
  => 2 # c3
}
let u = table (score) -> (a: string, n: int) {
  < 600 # d1
  => "x", # d2
  1
  >= 600 => "y", 2
}
let s = scorecard base 1 {
  score "S" {
    < 0 => 1
    >= 0 => -  # z1
45  # z2
  }
}
"#;
    let out = assert_formats_well(Path::new("t.policy"), src);
    let body: Vec<&str> = out.lines().skip(3).collect();
    assert_eq!(
        body,
        [
            "let t = table (status) -> int {",
            "  \"active\"                           => 1  # c0",
            "  # c1",
            "  # c2",
            "  [\"frozen\", \"restricted\", \"closed\"] => 2  # c3",
            "}",
            "let u = table (score) -> (a: string, n: int) {",
            "  # d1",
            "  < 600  => \"x\", 1  # d2",
            "  >= 600 => \"y\", 2",
            "}",
            "let s = scorecard base 1 {",
            "  score \"S\" {",
            "    < 0  => 1",
            "    # z1",
            "    >= 0 => -45  # z2",
            "  }",
            "}",
        ],
        "{out}"
    );
}

/// `where`, `within` and a case's `then` are not tokens of their own in the
/// AST: a comment before one stays before it, one after it after it; a
/// comment on its own line before a call's `)` stays inside the call.
#[test]
fn a_comment_beside_where_within_or_then_stays_on_its_side() {
    let src = r#"policy "p" version "1"
schema "s.yaml"
let n = count(overdues # a
  where # w
  days > 3 # x
  within # b
  12 months # c
  # own line before the parenthesis
  ) # d
let k = case when n > 1 # e
  then # f
  2 # g
  else 3 end
"#;
    let out = assert_formats_well(Path::new("t.policy"), src);
    let body: Vec<&str> = out.lines().skip(3).collect();
    assert_eq!(
        body,
        [
            "let n = count(overdues  # a",
            "        where  # w",
            "              days > 3  # x",
            "        within  # b",
            "        12 months  # c",
            "        # own line before the parenthesis",
            "        )  # d",
            "let k = case",
            "  when n > 1  # e",
            "  then  # f",
            "       2  # g",
            "  else 3",
            "end",
        ],
        "{out}"
    );
}

/// A sign is written against its number wherever a literal is copied from
/// the source, and never inside a string.
#[test]
fn signs_join_their_numbers_and_strings_keep_their_text() {
    let src = r#"policy "p" version "1"
schema "s.yaml"
let t = table (status) -> int { "a - b" => - 1  _ => 2 }
let u = table (score) -> int { < - 5 => 1  >= - 5 => 2 }
let s = scorecard base 1 { score "S" { < 0 => - 19  >= 0 => -  2.5 } }
"#;
    let out = assert_formats_well(Path::new("t.policy"), src);
    for wanted in ["\"a - b\" => -1", "< -5  => 1", "< 0  => -19", ">= 0 => -2.5"] {
        assert!(out.contains(wanted), "{wanted}:\n{out}");
    }
}

#[test]
fn a_comment_inside_a_header_stays_after_its_token_and_the_header_goes_on_indented() {
    let src = r#"policy "p" version "1"
schema "s.yaml"
split strategy by id # by account
  salt "2026" # fixed salt
{
  old 50%
  new 50%
}
rule "r" priority 3 # high
  effective 2026-01-01 # launch
  to 2026-12-31 # end of year
{
  when score < 10 then freeze
}
group "g" first # one of them
{
  rule "x" { when score < 5 then freeze }
}
let band = table (
  # the bureau score
  score,
  # and the balance
  balance) -> int {
  < 600 | _ => 1
  >= 600 | _ => 2
}
"#;
    let out = assert_formats_well(Path::new("t.policy"), src);
    // `# by account` stays after `id` (not after `salt`), and no part of a
    // header or a table's inputs starts a line at column 0.
    assert!(out.contains("split strategy by id  # by account\n    salt \"2026\" {"), "{out}");
    assert!(out.contains("effective 2026-01-01  # launch\n    to 2026-12-31 {"), "{out}");
    assert!(out.contains("table (\n    # the bureau score\n    score,"), "{out}");
    insta::assert_snapshot!(out);
}

#[test]
fn a_comment_after_an_opening_brace_stays_on_its_line() {
    let src = r#"policy "p" version "1"
schema "s.yaml"
split sp by id { # the trial
  a 50%
  b 50%
}
let s = scorecard base 600 { # behaviour
  score "A01" "Score" { # bureau
    < 600 => -10 # low
    >= 600 => 10
  }
}
"#;
    let out = assert_formats_well(Path::new("t.policy"), src);
    // Each comment stays on the line of the brace it follows (it moved onto the next line's item).
    insta::assert_snapshot!(out);
}

#[test]
fn a_comment_after_the_last_item_of_a_list_or_call_stays_before_its_closing_bracket() {
    let src = r#"policy "p" version "1"
schema "s.yaml"
let tier = case
  when status in [
    "active", # c1
    "restricted" # c2
  ] then "a"
  else "b"
end
let n = count(overdues # c3
  within 12 months # c4
)
"#;
    let out = assert_formats_well(Path::new("t.policy"), src);
    // `# c2` stays on the line of "restricted" (not after `then`, which moved "a" off its line).
    insta::assert_snapshot!(out);
}

#[test]
fn long_conditions_break_before_and_or_aligned_under_the_condition() {
    let src = "rule \"limit-raise\" priority 10 { when months_between(opened_on, as_of) >= 6 and recent_overdues == 0 and fraud_risk(score, utilization) < 0.2 then set limit to min(round(credit_limit * 1.2, 0), 50000) }";
    let out = assert_formats_well(Path::new("t.policy"), src);
    assert_eq!(
        out,
        "rule \"limit-raise\" priority 10 {\n  when months_between(opened_on, as_of) >= 6 and recent_overdues == 0\n       and fraud_risk(score, utilization) < 0.2\n  then set limit to min(round(credit_limit * 1.2, 0), 50000)\n}\n"
    );
}

// ------------------------------------------------------------------ the command line

mod common;

fn verdict(dir: &Path, args: &[&str]) -> String {
    shown(
        &Command::new(env!("CARGO_BIN_EXE_verdict")).args(args).current_dir(dir).env("NO_COLOR", "1").output().unwrap(),
    )
}

/// Exit code, stdout and stderr in one text, for snapshots and comparisons.
fn shown(out: &Output) -> String {
    format!(
        "exit: {}\n--- stdout\n{}--- stderr\n{}",
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("verdict-fmt-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("messy.policy"), "policy \"m\"\nrule \"r\" { when  a>1 then close }  # end\n").unwrap();
    std::fs::write(dir.join("tidy.policy"), "policy \"t\"\n").unwrap();
    dir
}

#[test]
fn fmt_check_lists_files_that_would_change_and_exits_1() {
    let dir = scratch("check");
    let before = std::fs::read_to_string(dir.join("messy.policy")).unwrap();
    insta::assert_snapshot!(verdict(&dir, &["fmt", "--check", "messy.policy", "tidy.policy"]));
    assert_eq!(std::fs::read_to_string(dir.join("messy.policy")).unwrap(), before, "--check changes nothing");
    insta::assert_snapshot!(verdict(&dir, &["fmt", "--check", "tidy.policy"]));
}

#[test]
fn fmt_rewrites_files_in_place_and_lists_them() {
    let dir = scratch("write");
    insta::assert_snapshot!(verdict(&dir, &["fmt", "."]));
    insta::assert_snapshot!(std::fs::read_to_string(dir.join("messy.policy")).unwrap());
    assert_eq!(verdict(&dir, &["fmt", "--check", "."]).lines().next(), Some("exit: 0"));
    let leftovers: Vec<_> = std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().file_name()).collect();
    assert_eq!(leftovers.len(), 2, "no temp files left behind: {leftovers:?}");
}

#[test]
fn fmt_keeps_a_windows_file_as_it_was_saved() {
    let dir = scratch("windows");
    let messy = "\u{feff}policy \"w\"\r\nrule \"r\" { when  a>1 then close }  # end\r\n";
    std::fs::write(dir.join("messy.policy"), messy).unwrap();
    let tidy = "\u{feff}policy \"w\"\r\n\r\nrule \"r\" {\r\n  when a > 1\r\n  then close\r\n}  # end\r\n";
    std::fs::write(dir.join("tidy.policy"), tidy).unwrap();
    assert_eq!(
        verdict(&dir, &["fmt", "--check", "tidy.policy"]),
        "exit: 0\n--- stdout\n--- stderr\n0 files would be reformatted, 1 already formatted\n"
    );
    assert!(verdict(&dir, &["fmt", "messy.policy"]).starts_with("exit: 0\n--- stdout\nmessy.policy\n"));
    assert_eq!(std::fs::read_to_string(dir.join("messy.policy")).unwrap(), tidy);
    assert!(verdict(&dir, &["fmt", "--check", "messy.policy"]).starts_with("exit: 0\n"));
}

#[test]
fn fmt_reports_a_file_that_does_not_parse_and_exits_2() {
    let dir = scratch("broken");
    std::fs::write(dir.join("broken.policy"), "policy \"b\"\nrule \"r\" { when a > then close }\n").unwrap();
    insta::assert_snapshot!(verdict(&dir, &["fmt", "broken.policy", "messy.policy"]));
    assert_eq!(
        std::fs::read_to_string(dir.join("broken.policy")).unwrap(),
        "policy \"b\"\nrule \"r\" { when a > then close }\n"
    );
}

fn verdict_stdin(args: &[&str], input: &str) -> String {
    shown(&common::verdict_with_stdin(args, input))
}

#[test]
fn fmt_of_stdin_is_a_filter_writing_the_policy_alone() {
    let messy = "policy \"m\"\nrule \"r\" { when  a>1 then close }\n";
    let tidy = "policy \"m\"\n\nrule \"r\" {\n  when a > 1\n  then close\n}\n";
    assert_eq!(verdict_stdin(&["fmt", "-"], messy), format!("exit: 0\n--- stdout\n{tidy}--- stderr\n"));
    assert_eq!(verdict_stdin(&["fmt", "-"], tidy), format!("exit: 0\n--- stdout\n{tidy}--- stderr\n"));
    // --check writes no policy: `-` is listed when it would change, as a file would be.
    assert_eq!(
        verdict_stdin(&["fmt", "--check", "-"], messy),
        "exit: 1\n--- stdout\n-\n--- stderr\n1 file would be reformatted, 0 already formatted\n"
    );
    assert_eq!(
        verdict_stdin(&["fmt", "--check", "-"], tidy),
        "exit: 0\n--- stdout\n--- stderr\n0 files would be reformatted, 1 already formatted\n"
    );
    let broken = verdict_stdin(&["fmt", "-"], "policy \"b\"\nrule \"r\" { when a > then close }\n");
    assert!(broken.starts_with("exit: 2\n--- stdout\n--- stderr\n"), "{broken}");
    assert!(broken.contains("<stdin>:2:"), "{broken}");
    // Its diagnostics alone: no summary, as for a policy that formats.
    assert!(!broken.contains("could not be formatted"), "{broken}");
    // A path that is not there is a file that could not be formatted, and counted so.
    let missing = verdict_stdin(&["fmt", "no-such.policy"], "");
    assert!(missing.starts_with("exit: 2\n"), "{missing}");
    assert!(
        missing.ends_with("0 files reformatted, 0 already formatted, 1 file could not be formatted\n"),
        "{missing}"
    );
}

// ------------------------------------------------------------------ random ASTs

fn sp<T>(node: T) -> Spanned<T> {
    Spanned::new(node, Span::default())
}

fn str_lit(s: String) -> Expr {
    ex(ExprKind::Str(s))
}

fn ex(kind: ExprKind) -> Expr {
    Expr { kind, span: Span::default() }
}

fn name() -> impl Strategy<Value = String> {
    prop::sample::select(vec!["score", "balance", "identity", "verified", "overdues", "days", "as_of", "x_1", "_y"])
        .prop_map(str::to_string)
}

fn text() -> impl Strategy<Value = String> {
    "[a-zA-Z0-9 #()\\[\\]\"\\\\\n\té-]{0,10}"
}

fn duration() -> impl Strategy<Value = Duration> {
    prop_oneof![(0i64..400).prop_map(Duration::Days), (0i64..400).prop_map(Duration::Months)]
}

fn leaf() -> impl Strategy<Value = Expr> {
    prop_oneof![
        (0i64..=i64::MAX).prop_map(|i| ex(ExprKind::Int(i))),
        // The one int literal written with its sign.
        Just(ex(ExprKind::Int(i64::MIN))),
        (0i64..10_000_000, 1u32..6)
            .prop_map(|(m, s)| ex(ExprKind::Decimal { value: rust_decimal::Decimal::new(m, s), percent: false })),
        (0i64..100_000, 0u32..3).prop_map(|(m, s)| ex(ExprKind::Decimal {
            // As the parser computes it from the printed (normalized) number.
            value: rust_decimal::Decimal::new(m, s).normalize() / rust_decimal::Decimal::ONE_HUNDRED,
            percent: true
        })),
        text().prop_map(|s| ex(ExprKind::Str(s))),
        (1900i32..2100, 1u32..13, 1u32..29)
            .prop_map(|(y, m, d)| ex(ExprKind::Date(chrono::NaiveDate::from_ymd_opt(y, m, d).unwrap()))),
        duration().prop_map(|d| ex(ExprKind::Duration(d))),
        any::<bool>().prop_map(|b| ex(ExprKind::Bool(b))),
        Just(ex(ExprKind::None)),
        prop::collection::vec(name(), 1..4).prop_map(|s| ex(ExprKind::Path(s.into_iter().map(sp).collect()))),
    ]
}

const BINARY: [BinaryOp; 15] = [
    BinaryOp::Or,
    BinaryOp::And,
    BinaryOp::Eq,
    BinaryOp::Ne,
    BinaryOp::Lt,
    BinaryOp::Le,
    BinaryOp::Gt,
    BinaryOp::Ge,
    BinaryOp::In,
    BinaryOp::NotIn,
    BinaryOp::Coalesce,
    BinaryOp::Add,
    BinaryOp::Sub,
    BinaryOp::Mul,
    BinaryOp::Div,
];

fn expr() -> impl Strategy<Value = Expr> {
    leaf().prop_recursive(5, 64, 4, |inner| {
        prop_oneof![
            (any::<bool>(), inner.clone()).prop_map(|(not, e)| ex(ExprKind::Unary {
                op: sp(if not { UnaryOp::Not } else { UnaryOp::Neg }),
                operand: Box::new(e)
            })),
            (prop::sample::select(BINARY.to_vec()), inner.clone(), inner.clone())
                .prop_map(|(op, l, r)| ex(ExprKind::Binary { op: sp(op), lhs: Box::new(l), rhs: Box::new(r) })),
            prop::collection::vec(inner.clone(), 0..3).prop_map(|v| ex(ExprKind::List(v))),
            (prop::collection::vec((inner.clone(), inner.clone()), 1..3), prop::option::of(inner.clone())).prop_map(
                |(branches, otherwise)| ex(ExprKind::Case {
                    branches: branches.into_iter().map(|(when, then)| CaseBranch { when, then }).collect(),
                    otherwise: otherwise.map(Box::new),
                })
            ),
            (name(), prop::collection::vec(inner.clone(), 0..3), prop::option::of(inner), prop::option::of(duration()))
                .prop_map(|(n, args, filter, window)| ex(ExprKind::Call {
                    name: sp(n),
                    args,
                    filter: filter.map(Box::new),
                    window: window.map(sp)
                })),
        ]
    })
}

fn action() -> impl Strategy<Value = Action> {
    let kind = prop_oneof![
        Just(ActionKind::Close),
        prop::option::of(duration()).prop_map(|d| ActionKind::Freeze(d.map(sp))),
        prop::option::of(duration()).prop_map(|d| ActionKind::Restrict(d.map(sp))),
        expr().prop_map(ActionKind::SetLimit),
        (name(), text()).prop_map(|(c, t)| ActionKind::Notify { channel: sp(c), template: str_lit(t) }),
        text().prop_map(|s| ActionKind::Escalate(str_lit(s))),
        text().prop_map(|s| ActionKind::Review(str_lit(s))),
        (text(), prop::option::of(text()))
            .prop_map(|(c, t)| ActionKind::Reason { code: str_lit(c), text: t.map(str_lit) }),
        text().prop_map(|s| ActionKind::Tag(str_lit(s))),
        // Computed strings: a name or a case of literals.
        (name(), text()).prop_map(|(n, t)| ActionKind::Escalate(ex(ExprKind::Case {
            branches: vec![CaseBranch { when: ex(ExprKind::Path(vec![sp(n)])), then: str_lit(t.clone()) }],
            otherwise: Some(Box::new(str_lit(t))),
        }))),
        (name(), name()).prop_map(|(c, t)| ActionKind::Reason {
            code: ex(ExprKind::Path(vec![sp(c)])),
            text: Some(ex(ExprKind::Path(vec![sp(t)])))
        }),
    ];
    kind.prop_map(|kind| Action { kind, span: Span::default() })
}

/// `effective FROM [to TO]` (the printer does not judge the order of the days).
fn effective() -> impl Strategy<Value = Option<Effective>> {
    let first = chrono::NaiveDate::from_ymd_opt(1990, 1, 1).unwrap();
    let day = move || (0u64..40_000).prop_map(move |n| first + chrono::Days::new(n));
    prop::option::of((day(), prop::option::of(day())).prop_map(|(from, to)| Effective {
        from: sp(from),
        to: to.map(sp),
        span: Span::default(),
    }))
}

fn rule() -> impl Strategy<Value = RuleDecl> {
    (text(), prop::option::of(any::<i32>()), effective(), expr(), prop::collection::vec(action(), 1..4)).prop_map(
        |(name, priority, effective, when, actions)| RuleDecl {
            name: sp(name),
            priority: priority.map(|p| sp(i64::from(p))),
            effective,
            when,
            actions,
            span: Span::default(),
        },
    )
}

fn item() -> impl Strategy<Value = Item> {
    let types = || prop::sample::select(vec!["int", "decimal", "set<string>"]).prop_map(|t| sp(t.to_string()));
    prop_oneof![
        (text(), prop::option::of(text())).prop_map(|(n, v)| Item::Policy {
            name: sp(n),
            version: v.map(sp),
            span: Span::default()
        }),
        text().prop_map(|p| Item::Schema { path: sp(p), span: Span::default() }),
        (
            name(),
            prop::collection::vec((name(), types()), 0..3),
            types(),
            text(),
            prop::option::of(0..=i64::MAX as u64)
        )
            .prop_map(|(n, params, result, path, budget)| Item::Hook(HookDecl {
                name: sp(n),
                params: params.into_iter().map(|(p, t)| (sp(p), t)).collect(),
                result,
                path: sp(path),
                budget: budget.map(sp),
                span: Span::default(),
            })),
        (name(), text()).prop_map(|(n, p)| Item::Batch { name: sp(n), path: sp(p), span: Span::default() }),
        (name(), expr()).prop_map(|(n, e)| Item::Let { name: sp(n), value: e, span: Span::default() }),
        (
            prop::sample::select(vec!["close", "freeze", "restrict", "limit"]),
            prop_oneof![
                (0..=i64::MAX as u64).prop_map(GuardBound::Count),
                (0i64..100_000, 0u32..3).prop_map(|(m, s)| GuardBound::Percent(rust_decimal::Decimal::new(m, s)))
            ]
        )
            .prop_map(|(o, b)| Item::Guard(GuardDecl {
                outcome: sp(o.to_string()),
                bound: sp(b),
                span: Span::default()
            })),
        rule().prop_map(Item::Rule),
        (text(), any::<bool>(), effective(), prop::collection::vec(rule(), 0..3)).prop_map(
            |(n, first, effective, rules)| Item::Group(GroupDecl {
                name: sp(n),
                first,
                effective,
                rules,
                span: Span::default()
            })
        ),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn printed_expressions_parse_back_to_the_same_ast(e in expr()) {
        let ast = PolicyAst { items: vec![Item::Let { name: sp("v".into()), value: e, span: Span::default() }] };
        let printed = print_ast(&ast);
        let parsed = parse_policy(Path::new("p.policy"), &printed);
        prop_assert!(parsed.as_ref().is_ok_and(|p| shape(p) == shape(&ast)), "printed:\n{printed}\nparsed: {parsed:?}");
        prop_assert_eq!(format_source(Path::new("p.policy"), &printed).unwrap(), printed);
    }

    #[test]
    fn formatting_keeps_crlf_line_ends_and_a_bom(items in prop::collection::vec(item(), 0..6), bom: bool) {
        let printed = print_ast(&PolicyAst { items });
        let windows = saved_on_windows(&printed, bom);
        let once = format_source(Path::new("p.policy"), &windows).unwrap();
        prop_assert_eq!(&once, &saved_on_windows(&printed, bom));
        prop_assert_eq!(format_source(Path::new("p.policy"), &once).unwrap(), once);
    }

    #[test]
    fn printed_policies_parse_back_to_the_same_ast(items in prop::collection::vec(item(), 0..6)) {
        let ast = PolicyAst { items };
        let printed = print_ast(&ast);
        let parsed = parse_policy(Path::new("p.policy"), &printed);
        prop_assert!(parsed.as_ref().is_ok_and(|p| shape(p) == shape(&ast)), "printed:\n{printed}\nparsed: {parsed:?}");
        prop_assert_eq!(format_source(Path::new("p.policy"), &printed).unwrap(), printed);
    }
}

#[test]
fn chains_of_negations_format_without_parentheses() {
    // Parenthesizing each sign nested a chain of 300 one level per sign, past
    // the parser's limit: the formatted policy no longer parsed.
    let minus = "- ".repeat(300);
    let nots = "not ".repeat(300);
    let text = format!(
        "policy \"n\" version \"1\"\nschema \"s.yaml\"\nrule \"r\" {{ when {minus}score > 0 and {nots}(score > 1) then restrict }}\n"
    );
    let once = assert_formats_well(Path::new("n.policy"), &text);
    assert!(!once.contains('('.to_string().repeat(2).as_str()), "{once}");
    assert!(once.contains("- - -score > 0") && once.contains("not not not (score > 1)"), "{once}");
    // `not` binds looser than a comparison: under a sign it keeps its parentheses.
    let mixed = "policy \"n\" version \"1\"\nschema \"s.yaml\"\nrule \"r\" { when -(not score) == 0 and not -score > 1 then restrict }\n";
    let once = assert_formats_well(Path::new("m.policy"), mixed);
    assert!(once.contains("-(not score) == 0 and not (-score > 1)"), "{once}");
}

#[test]
fn the_smallest_int_is_written_as_one_literal_with_its_sign() {
    let text = "policy \"n\" version \"1\"\nschema \"s.yaml\"\n\
                rule \"r\" { when score > - 9223372036854775808 and score in [-9223372036854775808, 1] \
                and - -9223372036854775808 < 0 then restrict }\n";
    let once = assert_formats_well(Path::new("min.policy"), text);
    assert!(once.contains("score > -9223372036854775808 and"), "{once}");
    assert!(once.contains("[-9223372036854775808, 1]") && once.contains("- -9223372036854775808 < 0"), "{once}");
}

#[test]
fn the_blank_line_after_a_let_is_kept_whatever_its_value_ends_in() {
    for value in ["1", "score", "max(score, 1)", "1 + 2", "\"s\"", "-(1 + 2)"] {
        let text = format!(
            "policy \"p\" version \"1\"\nschema \"s.yaml\"\n\nlet a = {value}\n\nlet b = {value}\n# about c\n\nlet c = {value}\n"
        );
        assert_eq!(assert_formats_well(Path::new("p.policy"), &text), text);
    }
}

#[test]
fn a_byte_order_mark_is_kept() {
    let text = "# about p\npolicy \"p\" version \"1\"\nschema \"s.yaml\"\n";
    let with_bom = format!("\u{feff}{text}");
    assert_eq!(format_source(Path::new("p.policy"), &with_bom).unwrap(), with_bom);
}

/// The file as Windows saves it: CRLF line ends, maybe a byte-order mark.
fn saved_on_windows(text: &str, bom: bool) -> String {
    format!("{}{}", if bom { "\u{feff}" } else { "" }, text.replace('\n', "\r\n"))
}

#[test]
fn every_fixture_keeps_its_line_ends_and_bom_through_formatting() {
    for (path, text) in parsable_policies() {
        let text = text.trim_start_matches('\u{feff}').replace("\r\n", "\n");
        if text.contains('\r') {
            continue; // Lone carriage returns are their own line-end style.
        }
        let unix = format_source(&path, &text).unwrap();
        for bom in [false, true] {
            let windows = saved_on_windows(&text, bom);
            let once = assert_formats_well(&path, &windows);
            assert_eq!(once, saved_on_windows(&unix, bom), "{}", path.display());
        }
        // Lone carriage returns, as classic Mac OS saved text: the same layout, blank lines kept.
        let once = assert_formats_well(&path, &text.replace('\n', "\r"));
        assert_eq!(once, unix.replace('\n', "\r"), "{}", path.display());
    }
}

/// A lone carriage return ends a line, and so a comment (old Mac line ends
/// are read as the others). Found by fuzzing: the parser ended the comment
/// at the `\r` while the formatter kept the rest of the line in it, so the
/// code after it came out twice.
#[test]
fn a_lone_carriage_return_ends_a_comment_for_the_formatter_too() {
    let text = "policy \"p\" version \"1\"\nschema \"s.yaml\"\n\
                rule \"r\" { when score > 0 # note\r- 1\n then restrict }\n";
    let once = assert_formats_well(Path::new("cr.policy"), text);
    assert!(!once.contains("# note\r") && once.contains("# note"), "{once:?}");
    // Windows line ends: the `\r` before each newline is not part of the comment either.
    let crlf = text.replace('\r', "").replace('\n', "\r\n");
    let formatted = assert_formats_well(Path::new("crlf.policy"), &crlf);
    assert!(formatted.contains("# note") && !formatted.contains("# note\r"), "{formatted:?}");
}

/// A table row with more cells than the table has inputs is an error for the
/// checker, but formatting keeps every cell. Found by fuzzing: the extra
/// cells were dropped, changing the policy.
#[test]
fn a_row_with_more_cells_than_inputs_keeps_them_all() {
    let text = "policy \"p\" version \"1\"\nschema \"s.yaml\"\n\
                let t = table (score) -> int {\n  < 600 | _ | 7 => 1\n  >= 600 => 2\n}\n\
                rule \"r\" { when t > 1 then restrict }\n";
    let once = assert_formats_well(Path::new("cells.policy"), text);
    assert!(once.contains("< 600  | _ | 7 => 1\n"), "{once}");
}

/// `[16, 6,]` is a list of two numbers (which the checker refuses), `[16, 6]`
/// an interval; formatting keeps the comma that tells them apart. Found by
/// fuzzing.
#[test]
fn a_list_of_two_numbers_keeps_its_trailing_comma() {
    let text = "policy \"p\" version \"1\"\nschema \"s.yaml\"\n\
                let t = table (score) -> int {\n  [16, 6,] => 1\n  [2026-01-01, 2026-02-01,] => 2\n  [1, 2] => 3\n  [\"a\", \"b\",] => 4\n}\n\
                rule \"r\" { when t > 1 then restrict }\n";
    let once = assert_formats_well(Path::new("list.policy"), text);
    assert!(once.contains("  [16, 6,]                  => 1\n"), "{once}");
    assert!(once.contains("[2026-01-01, 2026-02-01,] => 2\n"), "{once}");
    assert!(once.contains("  [1, 2]                    => 3\n"), "{once}");
    assert!(once.contains("  [\"a\", \"b\"]                => 4\n"), "{once}");
}

#[test]
fn arithmetic_inside_a_default_keeps_its_parentheses() {
    // `a ?? 0 + 1` is `a ?? (0 + 1)`, but reads as `(a ?? 0) + 1`: the
    // parentheses the author wrote are kept, and written where they were not.
    let text = "policy \"p\" version \"1\"\nschema \"s.yaml\"\n\
                let a = fee ?? (amount * 2%)\nlet b = fee ?? 0 + 1\nlet c = (fee ?? 0) + 1\nlet d = fee ?? credit ?? 0\n";
    let once = assert_formats_well(Path::new("p.policy"), text);
    assert!(once.contains("let a = fee ?? (amount * 2%)\n"), "{once}");
    assert!(once.contains("let b = fee ?? (0 + 1)\n"), "{once}");
    assert!(once.contains("let c = (fee ?? 0) + 1\n"), "{once}");
    assert!(once.contains("let d = fee ?? credit ?? 0\n"), "{once}");
}

#[test]
fn a_comment_inside_a_spaced_negative_number_survives() {
    // The example policies write `-15`, where no comment fits between the
    // sign and the digits: a text that spaces them gets every boundary too.
    let text = "policy \"p\" version \"1\"\nschema \"s.yaml\"\n\
                let s = scorecard base - 10 {\n  score \"S1\" {\n    < - 5 => - 15\n    [- 5, 600) => - 2.5\n    else => 10\n  }\n}\n\
                let t = table (score) -> decimal {\n  < - 5 => - 1.5\n  else => 2\n}\n";
    let (ends, _) = code_and_comments(text);
    for (n, &at) in ends.iter().enumerate() {
        for style in [format!(" # c{n}\n"), format!("\n# c{n}\n")] {
            let mut t = text.to_string();
            t.insert_str(at, &style);
            assert_formats_well(Path::new("p.policy"), &t);
        }
    }
}

#[test]
fn a_hook_parameter_after_a_comment_lines_up_under_the_first() {
    let text =
        "policy \"h\" version \"1\"\nschema \"s.yaml\"\n\nhook f(a: int,  # first\nb: int) -> int from \"x.rhai\"\n";
    let expected = "policy \"h\" version \"1\"\nschema \"s.yaml\"\n\nhook f(a: int,  # first\n       b: int) -> int from \"x.rhai\"\n";
    assert_eq!(assert_formats_well(Path::new("h.policy"), text), expected);
}

/// Spaces and tabs ending a comment's line are layout and go; any other
/// character is the comment's text and stays (a full-width space typed
/// with a Chinese input method, a no-break space).
#[test]
fn a_comment_keeps_its_text_to_the_last_character_but_trailing_spaces() {
    let src = "policy \"p\" version \"1\"\nschema \"s.yaml\"\n# 注释\u{3000}\nlet a = 1  # x\u{a0} \t\n";
    let out = assert_formats_well(Path::new("t.policy"), src);
    assert!(out.contains("# 注释\u{3000}\n") && out.contains("# x\u{a0}\n"), "{out:?}");
}
