//! Shared by the tests of effective dates, splits, reinstatement and
//! admission: a policy body over the fixtures' account schema, decided for
//! one account given as JSON fields over a default account.

#![allow(dead_code)]

use std::path::Path;
use verdict::eval::{Decision, EvalOptions};

/// The default account: active, nothing overdue.
const ACCOUNT: &str = r#"{"id":"A-1","as_of":"2026-11-01","status":"active","credit_limit":"10000",
  "balance":"2500","score":700,"opened_on":"2020-01-15",
  "identity":{"verified":true,"mismatch_fields":[]},"tags":[],
  "score_history":[],"overdues":[],"applications":[]}"#;

/// Loads `body` as a policy over `tests/fixtures/account.schema.yaml`.
pub fn load(body: &str) -> verdict::LoadedPolicy {
    let text = format!("policy \"t\" version \"1\"\nschema \"account.schema.yaml\"\n{body}\n");
    match verdict::load_policy_source(Path::new("tests/fixtures/t.policy"), &text) {
        Ok(p) => p,
        Err(e) => panic!("policy does not compile: {:#?}", e.diagnostics),
    }
}

/// The diagnostics' codes of a policy body that does not compile (or its warnings).
pub fn codes(body: &str) -> Vec<&'static str> {
    let text = format!("policy \"t\" version \"1\"\nschema \"account.schema.yaml\"\n{body}\n");
    match verdict::load_policy_source(Path::new("tests/fixtures/t.policy"), &text) {
        Ok(p) => p.warnings.iter().map(|d| d.code).collect(),
        Err(e) => e.diagnostics.iter().map(|d| d.code).collect(),
    }
}

/// One account: the default one with `fields` (a JSON object) over it.
pub fn account(fields: &str) -> String {
    let mut account: serde_json::Map<String, serde_json::Value> = serde_json::from_str(ACCOUNT).unwrap();
    let extra: serde_json::Map<String, serde_json::Value> = serde_json::from_str(fields).unwrap();
    account.extend(extra);
    serde_json::to_string(&account).unwrap()
}

/// Decides one account with a loaded policy.
pub fn decide_with(policy: &verdict::LoadedPolicy, fields: &str, trace: bool) -> Decision {
    let line = account(fields);
    let snapshot = verdict::snapshot::parse_json_snapshot(&line, &policy.program.schema).expect("snapshot fits");
    verdict::evaluate(&policy.program, &snapshot, EvalOptions { trace, ..Default::default() }).expect("decision")
}

/// Decides one account with a policy body.
pub fn decide(body: &str, fields: &str) -> Decision {
    decide_with(&load(body), fields, false)
}

/// The rules that fired.
pub fn fired(d: &Decision) -> Vec<String> {
    d.fired.iter().map(|f| f.to_string()).collect()
}

/// A fresh folder holding the fixtures' account schema, for CLI runs.
pub fn scratch(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("verdict-time-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::copy("tests/fixtures/account.schema.yaml", dir.join("account.schema.yaml")).unwrap();
    dir
}

/// A scratch folder with the fixtures' application schema and applications
/// beside the account schema; returns it and the text of the fixture
/// admission policy, its schema path made local to that folder.
pub fn admission_scratch(name: &str) -> (std::path::PathBuf, String) {
    let dir = scratch(name);
    let text = std::fs::read_to_string("tests/fixtures/valid/admission.policy")
        .unwrap()
        .replace("../application", "application");
    std::fs::copy("tests/fixtures/application.schema.yaml", dir.join("application.schema.yaml")).unwrap();
    std::fs::copy("tests/fixtures/applications.jsonl", dir.join("applications.jsonl")).unwrap();
    (dir, text)
}

/// Writes `body` as policy `name` in `dir` (over `account.schema.yaml`).
pub fn write_policy(dir: &Path, name: &str, body: &str) {
    let text = format!("policy \"t\" version \"1\"\nschema \"account.schema.yaml\"\n{body}\n");
    std::fs::write(dir.join(name), text).unwrap();
}

/// Runs the binary in `dir`: exit code, stdout, stderr.
pub fn verdict_in(dir: &Path, args: &[&str]) -> (i32, String, String) {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_verdict"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .output()
        .expect("run verdict");
    let text = |b: &[u8]| String::from_utf8_lossy(b).into_owned();
    (out.status.code().unwrap_or(-1), text(&out.stdout), text(&out.stderr))
}
