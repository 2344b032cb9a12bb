//! Golden tests: a whole portfolio's records pinned in a JSON Lines file (the
//! very lines `verdict eval` writes), rewritten by `--accept` and compared
//! record by record, by account, on every other run.
//!
//! Records are compared without their `policy` member, so editing a comment in
//! the policy (which changes its fingerprint) does not fail a golden test; the
//! fingerprint is still written, so a reviewer sees which policy decided.

use super::expect::{show, show_action, show_error, show_members, show_reason, summary};
use super::file::{GoldenSpec, Reader};
use super::{AccountChange, AccountDiff, CaseResult, Failure, Mismatch, Shown};
use crate::decision::fields;
use crate::diagnostic::{codes, Diagnostic, SourceMap, Span};
use crate::outfile::FileIdentity;
use serde_json::Value;
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// What one `verdict test` run has met across its test files: a golden
/// file may be none of the run's test files, nor a file an earlier test
/// read, nor (with `--accept`) a golden file an earlier test wrote.
#[derive(Default)]
pub(crate) struct RunFiles {
    /// Every test file of the run.
    pub test_files: Vec<PathBuf>,
    /// The snapshots and policy files of the tests run so far, each with its test file.
    read: Vec<(PathBuf, PathBuf)>,
    /// The golden files accepted so far, each with the test file that wrote it.
    accepted: Vec<(PathBuf, PathBuf)>,
}

impl RunFiles {
    /// Records the files a test that ran read, and the golden file it accepted.
    pub(crate) fn ran(&mut self, test_file: &Path, read: Vec<PathBuf>, accepted: Option<&Path>) {
        self.read.extend(read.into_iter().map(|p| (p, test_file.to_path_buf())));
        if let Some(golden) = accepted {
            self.accepted.push((golden.to_path_buf(), test_file.to_path_buf()));
        }
    }
}

/// Refuses a golden file that is also a file a test of the run reads (the
/// test file, the snapshots, the policy or a file the policy loads, or any
/// of those of another test in the run), or, with `accept`, one another
/// test has just written; and a portfolio that another test's `--accept`
/// has just written. Compared by identity, so `./x`, `x` and a link to `x`
/// are one.
pub(crate) fn refuse_an_input(
    spec: &GoldenSpec,
    test_file: &Path,
    policy_files: &[PathBuf],
    (run, accept): (&RunFiles, bool),
    r: &mut Reader<'_>,
) {
    // A device or a pipe is no file to compare with or write over (`/dev/zero`
    // would be read without end).
    if let Some(why) = crate::load::not_a_file_to_read(&spec.golden) {
        let message = format!("the golden file `{}` cannot be used: {why}", spec.golden.display());
        r.error_help(codes::TEST_FILE, spec.golden_span, message, "name a regular file for the golden records");
        return;
    }
    let Some(golden) = FileIdentity::of(&spec.golden) else { return };
    let same = |p: &Path| FileIdentity::of(p).as_ref() == Some(&golden);
    let own =
        [("the test file itself".to_owned(), test_file), ("its `snapshots:`".to_owned(), spec.snapshots.as_path())]
            .into_iter()
            .chain(policy_files.iter().map(|p| ("its policy or a file the policy loads".to_owned(), p.as_path())));
    let others = run.test_files.iter().map(|t| ("a test file of this run".to_owned(), t.as_path()));
    let read = run.read.iter().map(|(p, by)| (format!("which `{}` reads", by.display()), p.as_path()));
    if let Some((role, input)) = own.chain(others).chain(read).find(|(_, input)| same(input)) {
        let message =
            format!("the golden file is the same file as `{}`, {role}: `--accept` would overwrite it", input.display());
        r.error_help(
            codes::TEST_FILE,
            spec.golden_span,
            message,
            "name a file of its own for the golden records, such as `portfolio.golden.jsonl`",
        );
        return;
    }
    // An existing file that is not a golden file (a portfolio, notes) is
    // refused before any case runs, whether or not the run accepts.
    if let Some(why) = std::fs::read_to_string(&spec.golden).ok().as_deref().and_then(not_a_golden_file) {
        let message = format!(
            "`{}` exists and is not a golden file ({why}): `--accept` writes over golden files only",
            spec.golden.display()
        );
        r.error_help(
            codes::TEST_FILE,
            spec.golden_span,
            message,
            "name a new file for the golden records (or remove this one if it is an old golden file)",
        );
        return;
    }
    if !accept {
        return;
    }
    if let Some((_, by)) = run.accepted.iter().find(|(g, _)| same(g)) {
        let message = format!(
            "`{}` has just accepted its records into this golden file: two tests cannot share one",
            by.display()
        );
        r.error_help(codes::TEST_FILE, spec.golden_span, message, "give each test a golden file of its own");
    }
    let Some(snapshots) = FileIdentity::of(&spec.snapshots) else { return };
    if let Some((golden, by)) = run.accepted.iter().find(|(g, _)| FileIdentity::of(g).as_ref() == Some(&snapshots)) {
        let message = format!(
            "`{}` is the golden file `{}` has just written: decisions, not snapshots",
            golden.display(),
            by.display()
        );
        r.error_help(codes::TEST_FILE, spec.snapshots_span, message, "name the portfolio the golden test decides");
    }
}

/// Why `text`, an existing file named as a golden file, is not one (its
/// first line that is not a decision or error record), if it is not:
/// `--accept` writes over golden files only, never over a portfolio, a
/// policy or a test file named by mistake.
/// A golden file's text without the byte-order mark a Windows editor saves
/// it with: its records are what it holds.
fn without_byte_order_mark(text: &str) -> &str {
    text.strip_prefix('\u{feff}').unwrap_or(text)
}

fn not_a_golden_file(text: &str) -> Option<String> {
    let text = without_byte_order_mark(text);
    let lines = text.lines().enumerate().filter(|(_, l)| !l.trim().is_empty());
    for (n, line) in lines {
        let why = match serde_json::from_str::<Value>(line.trim_end()) {
            Err(_) => "is not JSON",
            Ok(v) => match not_a_record(&v) {
                Some(why) => why,
                None => continue,
            },
        };
        return Some(format!("its line {} {why}", n + 1));
    }
    None
}

/// Why a line's value is not a decision or error record, if it is not: a
/// record has a record's keys only, and a decision its `outcome`, `fired`
/// and `policy`, an error its `error`. A snapshot that happens to hold an
/// `outcome` (last year's, say) is not one, and its file is not overwritten.
fn not_a_record(value: &Value) -> Option<&'static str> {
    let Some(object) = value.as_object() else { return Some("is not a JSON object") };
    let record_key = |k: &String| fields::RECORD.contains(&k.as_str()) || k == fields::TRACE;
    if !object.keys().all(record_key) {
        return Some("has a key no decision record has (a snapshot's field?)");
    }
    let decision = [fields::OUTCOME, fields::FIRED, fields::POLICY].iter().all(|k| object.contains_key(*k));
    let error = object.get(fields::ERROR).is_some_and(Value::is_object);
    (!decision && !error).then_some("is neither a decision (`outcome`, `fired`, `policy`) nor an error record")
}

/// Compares (or with `accept`, writes) the golden file for `lines`, the
/// portfolio's records as JSON Lines.
pub(crate) fn check_golden(
    spec: &GoldenSpec,
    test_file: &Path,
    lines: &[String],
    accept: bool,
    sources: &mut SourceMap,
) -> Result<CaseResult, Box<Diagnostic>> {
    let existing = match std::fs::read_to_string(&spec.golden) {
        Ok(text) => Some(without_byte_order_mark(&text).to_owned()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
        Err(e) => {
            return Err(Box::new(Diagnostic::error(
                codes::TEST_FILE,
                test_file,
                spec.golden_span,
                format!("cannot read the golden file `{}`: {e}", spec.golden.display()),
            )))
        }
    };
    let mut text = lines.join("\n");
    text.push('\n');
    if accept {
        if existing.as_deref() == Some(text.as_str()) {
            return Ok(CaseResult::Passed { note: Some(format!("{} records, unchanged", lines.len())) });
        }
        // An existing file that is no golden file was refused by
        // `refuse_an_input` before the cases ran: this one holds records.
        crate::outfile::write_whole(&spec.golden, text.as_bytes()).map_err(|e| {
            Box::new(Diagnostic::error(
                codes::TEST_GOLDEN_WRITE,
                test_file,
                spec.golden_span,
                format!("cannot write the golden file: {e}"),
            ))
        })?;
        let note = format!("accepted: {} records written to {}", lines.len(), spec.golden.display());
        return Ok(CaseResult::Passed { note: Some(note) });
    }
    let Some(existing) = existing else {
        return Ok(CaseResult::Failed(Failure::GoldenMissing { path: spec.golden.clone() }));
    };
    sources.add(&spec.golden, existing.as_str().into());
    let golden = parse_lines(&existing, &spec.golden)?;
    let actual = parse_lines(&text, &spec.golden)?;
    let diffs = compare(&golden, &actual);
    if !diffs.is_empty() {
        return Ok(CaseResult::Failed(Failure::Golden(diffs)));
    }
    let policy_changed = golden.iter().zip(&actual).any(|(g, a)| g.get(fields::POLICY) != a.get(fields::POLICY));
    let note = if policy_changed {
        format!("{} records; the policy's fingerprint changed, no decision did: `--accept` records it", lines.len())
    } else {
        format!("{} records", lines.len())
    };
    Ok(CaseResult::Passed { note: Some(note) })
}

/// One JSON value per non-blank line.
fn parse_lines(text: &str, path: &Path) -> Result<Vec<Value>, Box<Diagnostic>> {
    let mut out = Vec::new();
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let start = offset;
        offset += line.len();
        let body = line.trim_end();
        if body.trim().is_empty() {
            continue;
        }
        match serde_json::from_str::<Value>(body) {
            Ok(v) => match not_a_record(&v) {
                None => out.push(v),
                Some(why) => {
                    let span = Span::new(start, start + body.len());
                    return Err(Box::new(
                        Diagnostic::error(codes::TEST_FILE, path, span, format!("this line {why}: not a record"))
                            .with_help(
                                "each line of a golden file is a record as `verdict eval` writes it; if this file is \
                                 a portfolio, name a new file for the golden records and run `verdict test --accept`",
                            ),
                    ));
                }
            },
            Err(e) => {
                return Err(Box::new(
                    Diagnostic::error(
                        codes::TEST_FILE,
                        path,
                        Span::new(start, start + body.len()),
                        format!("this line of the golden file is not JSON: {e}"),
                    )
                    .with_help("rewrite the file with `verdict test --accept`, then review the difference"),
                ))
            }
        }
    }
    Ok(out)
}

/// Each record's account key: its id, and how many records before it had the same id.
fn keys(records: &[Value]) -> Vec<(String, usize)> {
    let mut seen: HashMap<String, usize> = HashMap::new();
    records
        .iter()
        .map(|r| {
            let id = match r.get(fields::ID) {
                None | Some(Value::Null) => "(no id)".to_string(),
                Some(v) => show(v),
            };
            let n = seen.entry(id.clone()).or_default();
            *n += 1;
            (id, *n)
        })
        .collect()
}

/// How many records have each id, in whichever of the two files has more.
fn repeats<'k>(golden: &'k [(String, usize)], actual: &'k [(String, usize)]) -> HashMap<&'k str, usize> {
    let mut most: HashMap<&str, usize> = HashMap::new();
    for (id, n) in golden.iter().chain(actual) {
        let m = most.entry(id.as_str()).or_default();
        *m = (*m).max(*n);
    }
    most
}

/// An account as reports name it: its id, and which of the records with
/// that id when there are several (a book may hold an id twice, matched to
/// the golden file's in order; the second is new when the golden file has
/// it once).
fn named((id, n): &(String, usize), repeats: &HashMap<&str, usize>) -> String {
    match repeats.get(id.as_str()) {
        Some(&total) if total > 1 => format!("{id} (record {n} of {total} with this id)"),
        _ => id.clone(),
    }
}

/// Every account whose record changed, appeared or disappeared, in portfolio order.
fn compare(golden: &[Value], actual: &[Value]) -> Vec<AccountDiff> {
    let golden_keys = keys(golden);
    let actual_keys = keys(actual);
    let repeats = repeats(&golden_keys, &actual_keys);
    let index: HashMap<&(String, usize), &Value> = golden_keys.iter().zip(golden).collect();
    let mut diffs = Vec::new();
    for (key, record) in actual_keys.iter().zip(actual) {
        let account = named(key, &repeats);
        match index.get(key) {
            None => diffs.push(AccountDiff { account, change: AccountChange::Added(describe(record)) }),
            Some(expected) => {
                let fields = record_diff(expected, record);
                if !fields.is_empty() {
                    diffs.push(AccountDiff { account, change: AccountChange::Changed(fields) });
                }
            }
        }
    }
    let present: std::collections::HashSet<&(String, usize)> = actual_keys.iter().collect();
    for (key, record) in golden_keys.iter().zip(golden) {
        if !present.contains(key) {
            diffs.push(AccountDiff { account: named(key, &repeats), change: AccountChange::Removed(describe(record)) });
        }
    }
    diffs
}

/// A record in a few words.
fn describe(record: &Value) -> String {
    match record.get(fields::ERROR) {
        Some(e) => show_error(e),
        None => format!("decided {}", summary(record)),
    }
}

/// The fields that differ between two records (ignoring `policy`).
fn record_diff(expected: &Value, actual: &Value) -> Vec<Mismatch> {
    if expected.get(fields::ERROR).is_some() != actual.get(fields::ERROR).is_some() {
        let one = |v: &Value| Shown::One(describe(v));
        return vec![Mismatch { field: "record".into(), expected: one(expected), actual: one(actual) }];
    }
    let extra = |v: &Value| -> Vec<String> {
        v.as_object()
            .map(|m| m.keys().filter(|k| !fields::RECORD.contains(&k.as_str())).cloned().collect())
            .unwrap_or_default()
    };
    // The fields in the order differences are reported; `policy` is not compared.
    let mut names: Vec<String> =
        fields::RECORD.iter().filter(|f| **f != fields::POLICY).map(|f| f.to_string()).collect();
    for k in extra(expected).into_iter().chain(extra(actual)) {
        if !names.contains(&k) {
            names.push(k);
        }
    }
    names
        .iter()
        .filter_map(|name| {
            let (e, a) = (expected.get(name.as_str()), actual.get(name.as_str()));
            if e == a || (name == fields::ERROR && same_error(e, a)) {
                return None;
            }
            let (e, a) = (e.unwrap_or(&Value::Null), a.unwrap_or(&Value::Null));
            Some(Mismatch { field: name.clone(), expected: shown(name, e), actual: shown(name, a) })
        })
        .collect()
}

/// Two error records' `error`s alike but for where in the input they
/// were: a record moved by reordering the portfolio keeps its kind and
/// message, not its line.
fn same_error(expected: Option<&Value>, actual: Option<&Value>) -> bool {
    // The whole `error`, its message without places: every other member
    // (the kind, and any other) is still compared as it is.
    let placeless = |v: Option<&Value>| {
        let mut error = v?.clone();
        let message = without_places(error.get("message")?.as_str()?);
        error.as_object_mut()?.insert("message".into(), Value::String(message));
        Some(error)
    };
    matches!((placeless(expected), placeless(actual)), (Some(e), Some(a)) if e == a)
}

/// `message` with the number after each `line`, `column` or `row` left out
/// (`invalid JSON at line 2, column 7` → `invalid JSON at line _, column _`).
fn without_places(message: &str) -> String {
    let mut out = String::with_capacity(message.len());
    let mut rest = message;
    while let Some(at) = rest.find(|c: char| c.is_ascii_digit()) {
        let (before, digits_on) = rest.split_at(at);
        let digits = digits_on.find(|c: char| !c.is_ascii_digit()).unwrap_or(digits_on.len());
        out.push_str(before);
        let place = ["line ", "column ", "row "].iter().any(|word| before.ends_with(word));
        out.push_str(if place { "_" } else { digits_on.get(..digits).unwrap_or_default() });
        rest = digits_on.get(digits..).unwrap_or_default();
    }
    out.push_str(rest);
    out
}

fn shown(field: &str, v: &Value) -> Shown {
    let items = || v.as_array().cloned().unwrap_or_default();
    match field {
        fields::REASONS => Shown::List(items().iter().map(|r| show_reason(r, true)).collect()),
        fields::ACTIONS => Shown::List(items().iter().map(|a| show_action(a, true)).collect()),
        fields::FIRED => Shown::List(items().iter().map(show).collect()),
        fields::ERROR => Shown::One(show_error(v)),
        _ if v.is_object() => Shown::One(show_members(v)),
        _ => Shown::One(show(v)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn recs(lines: &[&str]) -> Vec<Value> {
        lines.iter().map(|l| serde_json::from_str(l).unwrap()).collect()
    }

    #[test]
    fn matches_accounts_by_id_not_position() {
        let golden = recs(&[r#"{"id":"A","outcome":"none"}"#, r#"{"id":"B","outcome":"close"}"#]);
        let actual = recs(&[r#"{"id":"B","outcome":"close"}"#, r#"{"id":"A","outcome":"none"}"#]);
        assert!(compare(&golden, &actual).is_empty());
    }

    #[test]
    fn an_error_record_moved_in_the_portfolio_is_not_a_change() {
        let error =
            |id: &str, message: &str| format!(r#"{{"id":"{id}","error":{{"kind":"snapshot","message":"{message}"}}}}"#);
        let golden = recs(&[&error("B", "invalid JSON at line 2, column 15: EOF"), r#"{"id":"A","outcome":"none"}"#]);
        let moved = recs(&[&error("B", "invalid JSON at line 1, column 15: EOF"), r#"{"id":"A","outcome":"none"}"#]);
        assert!(compare(&golden, &moved).is_empty());
        // Anything else in the message is a change: a number that is not a place, other words.
        for message in ["invalid JSON at line 1, column 15: EOF 2", "invalid JSON at line 2, column 15: EOS"] {
            let changed = recs(&[&error("B", message), r#"{"id":"A","outcome":"none"}"#]);
            assert_eq!(compare(&golden, &changed).len(), 1, "{message}");
        }
        assert_eq!(without_places("row 3001: not read: row group 4 of 7"), "row _: not read: row group 4 of 7");
        // Any other member of `error` is compared as it is.
        let with =
            |hook: &str| format!(r#"{{"id":"B","error":{{"kind":"hook","message":"at line 3","hook":"{hook}"}}}}"#);
        assert_eq!(compare(&recs(&[&with("a")]), &recs(&[&with("b")])).len(), 1);
    }

    #[test]
    fn reports_changed_added_and_removed_accounts() {
        let golden = recs(&[r#"{"id":"A","outcome":"none","fired":[]}"#, r#"{"id":"B","outcome":"close"}"#]);
        let actual = recs(&[r#"{"id":"A","outcome":"freeze","fired":["f"]}"#, r#"{"id":"C","outcome":"none"}"#]);
        let diffs = compare(&golden, &actual);
        assert_eq!(diffs.len(), 3);
        let AccountChange::Changed(fields) = &diffs[0].change else { panic!("A changed") };
        assert_eq!(fields.iter().map(|m| m.field.as_str()).collect::<Vec<_>>(), ["outcome", "fired"]);
        assert!(matches!(diffs[1].change, AccountChange::Added(_)) && diffs[1].account == "C");
        assert!(matches!(diffs[2].change, AccountChange::Removed(_)) && diffs[2].account == "B");
    }

    #[test]
    fn a_repeated_id_names_which_of_its_records_differs() {
        let golden = recs(&[r#"{"id":"A","outcome":"none"}"#]);
        let actual = recs(&[r#"{"id":"A","outcome":"none"}"#, r#"{"id":"A","outcome":"close"}"#]);
        let diffs = compare(&golden, &actual);
        assert_eq!(diffs.len(), 1);
        assert!(matches!(diffs[0].change, AccountChange::Added(_)));
        assert_eq!(diffs[0].account, "A (record 2 of 2 with this id)");
        let removed = compare(&actual, &golden);
        assert!(matches!(removed[0].change, AccountChange::Removed(_)));
        assert_eq!(removed[0].account, "A (record 2 of 2 with this id)");
        // The first of two records is named as such too.
        let both = recs(&[r#"{"id":"A","outcome":"freeze"}"#, r#"{"id":"A","outcome":"close"}"#]);
        let first = compare(&both, &actual);
        assert_eq!(first.len(), 1);
        assert_eq!(first[0].account, "A (record 1 of 2 with this id)");
    }

    #[test]
    fn object_members_read_as_a_case_shows_them() {
        let golden = recs(&[r#"{"id":"A","outcome":"none","scores":{"behaviour":"710","fraud":"0.1"}}"#]);
        let actual = recs(&[r#"{"id":"A","outcome":"none","scores":{"behaviour":"670","fraud":"0.1"}}"#]);
        let diffs = compare(&golden, &actual);
        let AccountChange::Changed(fields) = &diffs[0].change else { panic!("A changed") };
        let one = |s: &str| Shown::One(s.into());
        assert_eq!(fields[0].expected, one("behaviour 710, fraud 0.1"));
        assert_eq!(fields[0].actual, one("behaviour 670, fraud 0.1"));
        let none = compare(&golden, &recs(&[r#"{"id":"A","outcome":"none","scores":{}}"#]));
        let AccountChange::Changed(fields) = &none[0].change else { panic!("A changed") };
        assert_eq!(fields[0].actual, one("none"));
    }

    #[test]
    fn ignores_the_policy_member() {
        let golden = recs(&[r#"{"id":"A","outcome":"none","policy":{"fingerprint":"sha256:1"}}"#]);
        let actual = recs(&[r#"{"id":"A","outcome":"none","policy":{"fingerprint":"sha256:2"}}"#]);
        assert!(compare(&golden, &actual).is_empty());
    }
}
