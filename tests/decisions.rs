//! The shipped example policies over their portfolios, decisions snapshotted.
//! Every decision here was checked by hand against `policies/EXPECTED.md`.

use std::path::Path;
use verdict::output::RecordView;
use verdict::snapshot::{read_snapshots, Format};

/// Decides every snapshot of `portfolio` with `policy`, as JSON values with the fingerprint masked.
fn decide(policy: &str, portfolio: &str) -> Vec<serde_json::Value> {
    let loaded = verdict::load_policy(Path::new(policy)).expect("example policy compiles");
    let program = &loaded.program;
    let format = Format::from_path(Path::new(portfolio)).expect("known format");
    let file = std::fs::File::open(portfolio).expect("portfolio exists");
    let reader = read_snapshots(std::io::BufReader::new(file), format, program.schema.clone()).expect("readable");
    reader
        .map(|item| {
            let record = item.map_err(Into::into).and_then(|s| verdict::evaluate(program, &s, Default::default()));
            let mut value = serde_json::to_value(RecordView { record: &record, program }).expect("serializable");
            if let Some(fp) = value.pointer_mut("/policy/fingerprint") {
                assert!(fp.as_str().is_some_and(|f| f.starts_with("sha256:") && f.len() == 71));
                *fp = "sha256:[masked]".into();
            }
            value
        })
        .collect()
}

#[test]
fn lifecycle_over_the_jsonl_portfolio() {
    let decisions = decide("policies/lifecycle.policy", "policies/portfolio.jsonl");
    assert_eq!(decisions.len(), 43, "one record per input line, broken ones included");
    insta::assert_yaml_snapshot!(decisions);
}

#[test]
fn lifecycle_over_the_yaml_portfolio_agrees_with_jsonl() {
    let yaml = decide("policies/lifecycle.policy", "policies/portfolio.yaml");
    let jsonl = decide("policies/lifecycle.policy", "policies/portfolio.jsonl");
    assert_eq!(yaml.len(), 4);
    for d in &yaml {
        let twin = jsonl.iter().find(|j| j["id"] == d["id"]).expect("same account in the JSONL portfolio");
        assert_eq!(d, twin, "the same account decides the same whatever its file format");
    }
}

#[test]
fn simple_over_the_csv_portfolio() {
    let decisions = decide("policies/simple.policy", "policies/simple-portfolio.csv");
    assert_eq!(decisions.len(), 9);
    insta::assert_yaml_snapshot!(decisions);
}

#[test]
fn the_fingerprint_covers_every_file_the_decisions_depend_on() {
    let dir = std::env::temp_dir().join(format!("verdict-fp-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("batches")).unwrap();
    std::fs::create_dir_all(dir.join("hooks")).unwrap();
    let files = ["lifecycle.policy", "account.schema.yaml", "batches/reg-2023-q3.txt", "hooks/fraud_risk.rhai"];
    for f in files {
        std::fs::copy(Path::new("policies").join(f), dir.join(f)).unwrap();
    }
    let fp = || verdict::load_policy(&dir.join("lifecycle.policy")).unwrap().program.fingerprint.clone();
    let original = fp();
    let shipped = verdict::load_policy(Path::new("policies/lifecycle.policy")).unwrap().program.fingerprint.clone();
    assert_eq!(original, shipped, "the same files give the same fingerprint wherever they live");
    for f in files {
        let path = dir.join(f);
        let text = std::fs::read_to_string(&path).unwrap();
        let comment = if f.ends_with(".rhai") { "// edited" } else { "# edited" };
        std::fs::write(&path, format!("{text}\n{comment}\n")).unwrap();
        assert_ne!(fp(), original, "editing {f} changes the fingerprint");
        std::fs::write(&path, text).unwrap();
        assert_eq!(fp(), original);
    }
}
