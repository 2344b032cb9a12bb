//! `verdict test --format json|junit`: the results for programs and CI
//! systems, built once every file has run.

use super::render::diagnostics_json;
use super::test::failure_text;
use serde_json::{json, Value};
use verdict::testing::{AccountChange, CaseResult, Failure, FileReport, Mismatch, PolicyCoverage, Shown};

/// Every file, case, failure and diagnostic as one JSON document.
pub fn json(reports: &[FileReport], coverage: &[PolicyCoverage], passed: usize, failed: usize) -> String {
    let files: Vec<Value> = reports.iter().map(file_json).collect();
    let mut document = serde_json::Map::new();
    document.insert("files".into(), files.into());
    document.insert("passed".into(), passed.into());
    document.insert("failed".into(), failed.into());
    if !coverage.is_empty() {
        document.insert("coverage".into(), coverage.iter().map(coverage_json).collect());
    }
    format!("{}\n", serde_json::to_string_pretty(&document).unwrap_or_default())
}

fn file_json(report: &FileReport) -> Value {
    let cases: Vec<Value> = report
        .cases
        .iter()
        .map(|case| match &case.result {
            CaseResult::Passed { note } => {
                json!({ "name": case.name, "line": case.line, "result": "passed", "note": note })
            }
            CaseResult::Failed(failure) => json!({
                "name": case.name, "line": case.line, "result": "failed", "failure": failure_text(failure),
                "differences": differences_json(failure),
            }),
        })
        .collect();
    json!({
        "path": report.path.display().to_string(),
        "policy": report.policy.as_ref().map(|p| p.display().to_string()),
        "ran": report.is_valid() || !report.cases.is_empty(),
        "diagnostics": diagnostics_json(&report.diagnostics, &report.sources),
        "cases": cases,
    })
}

/// A failure as data: each field that differs with what was expected and
/// what was decided (a string, or a list of strings for `reasons`,
/// `actions`, `fired`); for a golden test, each account with its change.
fn differences_json(failure: &Failure) -> Value {
    match failure {
        Failure::Fields(mismatches) => mismatches.iter().map(mismatch_json).collect(),
        Failure::GoldenMissing { path } => json!([{ "golden_missing": path.display().to_string() }]),
        Failure::Golden(accounts) => accounts
            .iter()
            .map(|a| match &a.change {
                AccountChange::Changed(fields) => json!({
                    "account": a.account, "change": "changed",
                    "fields": fields.iter().map(mismatch_json).collect::<Vec<_>>(),
                }),
                AccountChange::Added(record) => json!({ "account": a.account, "change": "new", "record": record }),
                AccountChange::Removed(record) => json!({ "account": a.account, "change": "gone", "record": record }),
            })
            .collect(),
    }
}

fn mismatch_json(m: &Mismatch) -> Value {
    let shown = |s: &Shown| match s {
        Shown::One(v) => json!(v),
        Shown::List(items) => json!(items),
    };
    json!({ "field": m.field, "expected": shown(&m.expected), "got": shown(&m.actual) })
}

fn coverage_json(c: &PolicyCoverage) -> Value {
    json!({
        "policy": c.policy.display().to_string(),
        "records": c.records,
        "not_run": c.not_run.iter().map(|p| p.display().to_string()).collect::<Vec<_>>(),
        "never_fired": c.never_fired,
        "never_reached": c.never_reached.iter().map(|u| json!({
            "rule": u.rule, "group": u.group, "fired_instead": u.fired_instead
        })).collect::<Vec<_>>(),
        // What the text lists under "table rows no record matched" and the scorecards' bins.
        "rows_never_hit": c.rows_never_hit.iter().map(|(table, rows)| json!({"table": table, "rows": rows}))
            .collect::<Vec<_>>(),
        "bins_never_hit": c.bins_never_hit.iter().map(|b| json!({
            "scorecard": b.scorecard, "code": b.code, "bin": b.bin, "points": b.points
        })).collect::<Vec<_>>(),
    })
}

/// JUnit XML: a `testsuite` per test file, a `testcase` per case; a failed
/// case carries a `failure`, a file that could not run an `error` case
/// holding its diagnostics.
pub fn junit(reports: &[FileReport]) -> String {
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"verdict test\">\n");
    for report in reports {
        suite(report, &mut out);
    }
    out.push_str("</testsuites>\n");
    out
}

fn suite(report: &FileReport, out: &mut String) {
    let name = verdict::markup::escape(&report.path.display().to_string());
    let failures = report.cases.iter().filter(|c| matches!(c.result, CaseResult::Failed(_))).count();
    let errors = usize::from(!report.is_valid());
    let tests = report.cases.len() + errors;
    out.push_str(&format!(
        "  <testsuite name=\"{name}\" tests=\"{tests}\" failures=\"{failures}\" errors=\"{errors}\">\n"
    ));
    if !report.is_valid() {
        let messages: Vec<String> = report
            .diagnostics
            .iter()
            .filter(|d| d.is_error())
            .map(|d| format!("{}: [{}] {}", d.file.display(), d.code, d.message))
            .collect();
        // A golden file `--accept` could not write (`T011`) comes after the
        // cases ran; any other error stopped them from running.
        let unwritten = report.diagnostics.iter().any(|d| d.code == verdict::diagnostic::codes::TEST_GOLDEN_WRITE);
        let what = if unwritten { "the golden file could not be written" } else { "the test file could not run" };
        out.push_str(&format!(
            "    <testcase name=\"{name}\" classname=\"{name}\">\n      <error message=\"{what}\">{}</error>\n    </testcase>\n",
            verdict::markup::escape(&messages.join("\n"))
        ));
    }
    for case in &report.cases {
        let case_name = verdict::markup::escape(&case.name);
        match &case.result {
            CaseResult::Passed { .. } => {
                out.push_str(&format!("    <testcase name=\"{case_name}\" classname=\"{name}\"/>\n"));
            }
            CaseResult::Failed(failure) => {
                let text = failure_text(failure);
                // What a CI server shows as the failure's one line: where, and the first difference.
                let summary = format!("line {}: {}", case.line, super::test::first_difference(failure));
                out.push_str(&format!(
                    "    <testcase name=\"{case_name}\" classname=\"{name}\">\n      <failure message=\"{}\">{}</failure>\n    </testcase>\n",
                    verdict::markup::escape(&summary),
                    verdict::markup::escape(&text)
                ));
            }
        }
    }
    out.push_str("  </testsuite>\n");
}
