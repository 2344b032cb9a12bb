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
    // However the policy's path is spelled, and whatever its own name.
    let cwd = std::env::current_dir().unwrap();
    for spelled in [
        "./policies/lifecycle.policy".into(),
        "policies/../policies/lifecycle.policy".into(),
        cwd.join("policies/lifecycle.policy"),
        cwd.join("policies/./hooks/../lifecycle.policy"),
    ] {
        let program = verdict::load_policy(&spelled).unwrap().program;
        assert_eq!(program.fingerprint, original, "{}", spelled.display());
    }
    std::fs::rename(dir.join("lifecycle.policy"), dir.join("renamed.policy")).unwrap();
    let renamed = verdict::load_policy(&dir.join("renamed.policy")).unwrap().program.fingerprint.clone();
    assert_eq!(renamed, original, "the same bytes under another name");
    // A file the policy names under another name is another policy text, so another fingerprint.
    let text = std::fs::read_to_string(dir.join("renamed.policy")).unwrap();
    std::fs::rename(dir.join("hooks/fraud_risk.rhai"), dir.join("hooks/risk.rhai")).unwrap();
    std::fs::write(dir.join("renamed.policy"), text.replace("hooks/fraud_risk.rhai", "hooks/risk.rhai")).unwrap();
    assert_ne!(fp_of(&dir.join("renamed.policy")), original);
}

fn fp_of(policy: &Path) -> String {
    verdict::load_policy(policy).unwrap().program.fingerprint.clone()
}

/// The sections of `policies/EXPECTED.md` that pin a run: `## \`POLICY\` over \`PORTFOLIO\``,
/// with the body up to the next section.
fn expected_sections() -> Vec<(String, String, String)> {
    let text = std::fs::read_to_string("policies/EXPECTED.md").expect("EXPECTED.md");
    let mut sections = Vec::new();
    for part in text.split("\n## ").skip(1) {
        let (title, body) = part.split_once('\n').unwrap_or((part, ""));
        let names: Vec<&str> = title.split('`').skip(1).step_by(2).collect();
        if let [policy, portfolio] = names[..] {
            if title.contains(" over ") {
                sections.push((format!("policies/{policy}"), format!("policies/{portfolio}"), body.to_string()));
            }
        }
    }
    sections
}

/// A decision as EXPECTED.md writes it: the JSON blocks leave out `policy`, and
/// for an error record only `id` and `error.kind` are meant.
fn as_documented(decision: &serde_json::Value) -> serde_json::Value {
    let mut d = decision.clone();
    if let Some(obj) = d.as_object_mut() {
        obj.remove("policy");
        if let Some(error) = obj.get_mut("error").and_then(|e| e.as_object_mut()) {
            error.remove("message");
        }
    }
    d
}

fn cell_list(cell: &str, sep: char) -> Vec<String> {
    if cell == "—" {
        return Vec::new();
    }
    cell.split(sep).map(|s| s.trim().to_string()).filter(|s| !s.is_empty()).collect()
}

/// Checks one row of a summary table (`| n | id | outcome | until | limit | reasons | fired |`,
/// then, for a policy with scorecards or splits, one column per score and per arm, each
/// group ordered by name).
fn check_table_row(cells: &[&str], decisions: &[serde_json::Value], section: &str) {
    let n: usize = cells[0].parse().expect("row number");
    let d = &decisions[n - 1];
    let at = format!("{section}, row {n}");
    if cells[2].contains("**error**") {
        let kind = cells[2].split('(').nth(1).and_then(|k| k.split(')').next()).expect("error kind");
        assert_eq!(d["error"]["kind"], kind, "{at}");
        if !cells[1].starts_with('*') {
            assert_eq!(d["id"], cells[1], "{at}");
        }
        return;
    }
    assert_eq!(d["id"], cells[1], "{at}");
    assert_eq!(d["outcome"], cells[2], "{at}");
    let or_null = |c: &str| if c == "—" { serde_json::Value::Null } else { c.into() };
    assert_eq!(d["until"], or_null(cells[3]), "{at}");
    assert_eq!(d["limit"], or_null(cells[4]), "{at}");
    let reasons: Vec<String> =
        d["reasons"].as_array().expect("reasons").iter().map(|r| r["code"].as_str().unwrap_or("").into()).collect();
    assert_eq!(reasons, cell_list(cells[5], ' '), "{at}");
    let fired: Vec<String> =
        d["fired"].as_array().expect("fired").iter().map(|f| f.as_str().unwrap_or("").into()).collect();
    assert_eq!(fired, cell_list(cells[6], ','), "{at}");
    let values = |key: &str| -> Vec<String> {
        d[key].as_object().map_or_else(Vec::new, |m| m.values().map(|v| v.as_str().unwrap_or("").into()).collect())
    };
    let extra: Vec<String> = values("scores").into_iter().chain(values("arms")).collect();
    assert_eq!(extra, cells[7..].iter().map(|c| c.to_string()).collect::<Vec<_>>(), "{at}: scores and arms");
}

/// `policies/EXPECTED.md` was worked out by hand before the engine existed;
/// every table row and JSON block in it must be what the engine decides.
#[test]
fn decisions_are_the_ones_worked_out_by_hand_in_expected_md() {
    let sections = expected_sections();
    assert!(sections.len() >= 3, "the lifecycle (JSON Lines and YAML) and simple sections");
    for (policy, portfolio, body) in sections {
        let name = format!("{policy} over {portfolio}");
        let decisions = decide(&policy, &portfolio);
        let mut rows = 0;
        for line in body.lines().filter(|l| l.starts_with("| ")) {
            let cells: Vec<&str> = line.trim_matches('|').split('|').map(str::trim).collect();
            if cells.len() >= 7 && cells[0].parse::<usize>().is_ok() {
                check_table_row(&cells, &decisions, &name);
                rows += 1;
            }
        }
        assert_eq!(rows, decisions.len(), "{name}: one table row per record");
        let blocks: Vec<&str> =
            body.split("```json\n").skip(1).map(|b| b.split("\n```").next().unwrap_or_default()).collect();
        if blocks.is_empty() {
            continue;
        }
        assert_eq!(blocks.len(), decisions.len(), "{name}: one JSON block per record");
        for (i, (block, decision)) in blocks.iter().zip(&decisions).enumerate() {
            let mut expected: serde_json::Value = serde_json::from_str(block).expect("JSON block");
            if let Some(error) = expected.get_mut("error").and_then(|e| e.as_object_mut()) {
                error.remove("message");
            }
            let mut actual = as_documented(decision);
            // A line cut off before it parses: EXPECTED.md allows a null id or
            // the one salvaged from its prefix, and compares only the kind.
            if expected.get("error").is_some() && expected["id"].is_null() {
                for record in [&mut actual, &mut expected] {
                    if let Some(o) = record.as_object_mut() {
                        o.remove("id");
                    }
                }
            }
            assert_eq!(actual, expected, "{name}, record {}", i + 1);
        }
    }
}
