//! Replays the fuzzers' minimized corpora (`fuzz/corpus/<target>/`) and every
//! input that once crashed (`tests/fuzz-regressions/<target>/`) through the
//! same entry points the fuzz targets call. Fuzzing itself runs outside CI
//! (see `fuzz/README.md`); what it found runs here on every change.

use std::path::Path;

fn replay(target: &str, run: fn(&[u8])) -> usize {
    let mut n = 0;
    for dir in [format!("fuzz/corpus/{target}"), format!("tests/fuzz-regressions/{target}")] {
        let Ok(entries) = std::fs::read_dir(Path::new(&dir)) else { continue };
        let mut files: Vec<_> = entries.filter_map(Result::ok).map(|e| e.path()).collect();
        files.sort();
        for file in files {
            let data = std::fs::read(&file).unwrap();
            run(&data);
            n += 1;
        }
    }
    n
}

fn text(run: fn(&str)) -> impl Fn(&[u8]) {
    move |data| {
        if let Ok(t) = std::str::from_utf8(data) {
            run(t);
        }
    }
}

#[test]
fn policy_corpus() {
    let n = replay("policy_check", |d| text(verdict::fuzzing::policy_check)(d));
    assert!(n > 0, "the policy corpus is empty");
}

#[test]
fn schema_corpus() {
    let n = replay("schema_yaml", |d| text(verdict::fuzzing::schema_yaml)(d));
    assert!(n > 0, "the schema corpus is empty");
}

#[test]
fn snapshot_corpus() {
    let n = replay("snapshot_read", verdict::fuzzing::snapshot_read);
    assert!(n > 0, "the snapshot corpus is empty");
}

#[test]
fn eval_corpus() {
    let n = replay("eval_snapshot", verdict::fuzzing::eval_snapshot);
    assert!(n > 0, "the eval corpus is empty");
}

#[test]
fn the_eval_target_decides_with_every_policy_including_the_second_edition_forms() {
    let loaded: Vec<&str> = verdict::fuzzing::eval_policies().iter().map(|p| p.program.name.as_str()).collect();
    assert_eq!(
        loaded.len(),
        verdict::fuzzing::EVAL_POLICIES.len(),
        "every policy of the eval target loads: {loaded:?}"
    );
    assert!(loaded.contains(&"fuzz-second-edition") && loaded.contains(&"gc-admission"), "{loaded:?}");
}

#[test]
fn the_policy_corpus_holds_the_second_edition_forms() {
    let texts: Vec<String> = std::fs::read_dir("fuzz/corpus/policy_check")
        .unwrap()
        .filter_map(|e| std::fs::read_to_string(e.unwrap().path()).ok())
        .collect();
    for form in [
        "case when",
        "table (",
        ") first {",
        "scorecard base",
        "reasons from",
        "split ",
        "effective ",
        "reinstate",
        "approve",
        "decline",
    ] {
        assert!(texts.iter().any(|t| t.contains(form)), "no seed of the policy corpus has `{form}`");
    }
}
