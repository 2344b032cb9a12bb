//! `verdict diff`: the JSON report of the two example policy versions (snapshotted,
//! and its key figures checked against hand-worked values), schemas that differ,
//! streaming of changed accounts, and the command line's exit codes.

mod common;

use std::io::BufReader;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::atomic::{AtomicUsize, Ordering};
use verdict::diff::{ChangedAccount, DiffError, DiffOptions, DiffReport, Differ, ReportMeta, Row};
use verdict::snapshot::Format;

/// An output file of an earlier run (a decision record), which a run that
/// does not finish must leave as it was.
/// A previous run's `--changed` file, which a failed diff must leave as it is.
const PREVIOUS: &str =
    "{\"input\":\"book.jsonl\",\"record\":1,\"id\":\"previous\",\"differs\":[\"outcome\"],\"old\":{},\"new\":{}}\n";

const OLD: &str = "policies/lifecycle.policy";
const NEW: &str = "policies/lifecycle-v2.policy";
const PORTFOLIO: &str = "policies/portfolio.jsonl";

fn load(path: &Path) -> verdict::LoadedPolicy {
    match verdict::load_policy(path) {
        Ok(p) => p,
        Err(e) => panic!("{} does not compile: {:#?}", path.display(), e.diagnostics),
    }
}

/// Runs a diff through the library; returns the report and every account the sink saw.
fn diff(old: &Path, new: &Path, inputs: &[&Path], options: DiffOptions) -> (DiffReport, Vec<ChangedAccount>) {
    let (o, n) = (load(old), load(new));
    let differ = Differ::new((old, &o), (new, &n), options).expect("the policies can be compared");
    let mut run = differ.run();
    let mut seen = Vec::new();
    for input in inputs {
        let format = Format::from_path(input).unwrap();
        let reader = BufReader::new(std::fs::File::open(input).unwrap());
        let pairs = differ.read(reader, format).unwrap();
        run.feed(&input.display().to_string(), pairs, None, &mut |a| {
            seen.push(a.clone());
            Ok(())
        })
        .unwrap();
    }
    let meta = ReportMeta {
        generated: "2026-11-01T08:00:00Z".into(),
        inputs: inputs.iter().map(|p| p.display().to_string()).collect(),
    };
    (run.finish(meta), seen)
}

fn example() -> (DiffReport, Vec<ChangedAccount>) {
    diff(OLD.as_ref(), NEW.as_ref(), &[PORTFOLIO.as_ref()], DiffOptions::default())
}

fn ids(accounts: &[ChangedAccount]) -> Vec<String> {
    accounts.iter().map(|a| a.id.as_ref().map(ToString::to_string).unwrap_or_default()).collect()
}

#[test]
fn json_report_of_the_two_example_versions() {
    let (report, _) = example();
    let json = serde_json::to_string_pretty(&report).unwrap();
    // Fingerprints cover the policy files; checked here, redacted in the snapshot so that
    // a comment edit in an example policy does not churn it.
    assert_eq!(report.old.fingerprint, load(OLD.as_ref()).program.fingerprint);
    assert_eq!(report.new.fingerprint, load(NEW.as_ref()).program.fingerprint);
    let json = json.replace(&report.old.fingerprint, "sha256:[old]").replace(&report.new.fingerprint, "sha256:[new]");
    insta::assert_snapshot!("lifecycle_v1_to_v2", json);
}

/// The figures of the example, worked out by hand from policies/EXPECTED.md (the
/// old decisions) and the change memo at the top of lifecycle-v2.policy.
#[test]
fn example_figures_match_the_hand_worked_ones() {
    let (r, seen) = example();
    assert_eq!(r.records, 43);
    // EXPECTED.md: close 7 · freeze 4 · restrict 4 · reinstate 1 · limit 12 · none 12, 3 errors.
    let rows = [Row::Close, Row::Freeze, Row::Restrict, Row::Reinstate, Row::Limit, Row::None, Row::Error];
    let old: Vec<u64> = rows.iter().map(|&row| r.old_total(row)).collect();
    assert_eq!(old, [7, 4, 4, 1, 12, 12, 3]);
    let new: Vec<u64> = rows.iter().map(|&row| r.new_total(row)).collect();
    assert_eq!(new, [7, 5, 5, 1, 10, 12, 3]);
    // A-1011 (drop 80, score 600) now freezes; A-1026 (75 days open) is now restricted
    // (both keep their cut to 5600 and 7000).
    assert_eq!(r.cell(Row::Limit, Row::Freeze), 1);
    assert_eq!(r.cell(Row::Limit, Row::Restrict), 1);
    assert_eq!(r.cell(Row::Error, Row::Error), 3);
    let off_diagonal: u64 = verdict::diff::ROWS
        .iter()
        .flat_map(|&o| verdict::diff::ROWS.iter().map(move |&n| (o, n)))
        .filter(|(o, n)| o != n)
        .map(|(o, n)| r.cell(o, n))
        .sum();
    assert_eq!(off_diagonal, 2);
    // The others keep their outcome: A-1007 gains R07, A-1024 gets the sms instead of the push,
    // the raises shrink (A-1001 is the challenger: 10000 x (1.15 + 0.1) = 12500).
    assert_eq!(r.changed, 9);
    assert_eq!(ids(&seen), ["A-1001", "A-1007", "A-1011", "A-1017", "A-1024", "A-1026", "A-1034", "A-1035", "A-1039"]);
    assert_eq!(ids(&r.accounts), ids(&seen));
    let e = r.exposure.as_ref().expect("the schema has credit_limit");
    // The three unreadable snapshots are left out, not counted as without a limit.
    assert_eq!((e.accounts, e.without_limit, e.undecided), (40, 0, 3));
    let dec = |s: &str| Some(s.parse::<rust_decimal::Decimal>().unwrap());
    assert_eq!(e.current, dec("383512.375"));
    assert_eq!(e.old, dec("313612.625"));
    // The five smaller raises: 13000→12500, 12002→11501, 6000→5750, 9601→9201, 18000→17250.
    assert_eq!(e.new, dec("311211.625"));
    // Cuts of 30% (and A-1020's 20%) are "cut 20–50%"; a 1.15x raise is "raise < 20%".
    assert_eq!(e.buckets_old, [7, 8, 0, 19, 1, 5, 0]);
    assert_eq!(e.buckets_new, [7, 8, 0, 19, 5, 1, 0]);
    let guards: Vec<(&str, u64, &str, bool)> =
        r.guards.iter().map(|g| (g.guard.as_str(), g.count, g.bound.as_str(), g.breached)).collect();
    assert_eq!(
        guards,
        [
            ("close at most 20%", 7, "8", false),
            ("freeze at most 5000", 5, "5000", false),
            ("restrict at most 15%", 5, "6", false)
        ]
    );
}

#[test]
fn rules_are_compared_by_text_and_counted_per_version() {
    let (r, _) = example();
    let row = |name: &str| r.rules.iter().find(|x| x.rule == name).unwrap();
    let s = |name: &str| row(name).status.name();
    assert_eq!((s("score-drop-freeze"), row("score-drop-freeze").parts.clone()), ("changed", vec!["condition"]));
    // The smaller raise is a changed cell of the limit matrix: the raise's own text is unchanged.
    assert_eq!((s("limit-raise"), row("limit-raise").parts.clone()), ("unchanged", vec![]));
    assert_eq!(row("limit-raise").via_lets, ["limit_matrix"]);
    assert_eq!(s("serious-delinquency-restrict"), "added");
    assert_eq!(s("push"), "removed");
    assert_eq!(s("limit-cut"), "unchanged");
    let fires = |name: &str| (row(name).old_fires, row(name).new_fires, row(name).gained, row(name).lost);
    assert_eq!(fires("score-drop-freeze"), (Some(4), Some(5), 1, 0));
    assert_eq!(fires("serious-delinquency-restrict"), (None, Some(2), 2, 0)); // A-1007, A-1026
    assert_eq!(fires("push"), (Some(1), None, 0, 1)); // A-1024 …
    assert_eq!(fires("sms"), (Some(1), Some(2), 1, 0)); // … now gets the sms rung
    assert_eq!(fires("limit-raise"), (Some(6), Some(6), 0, 0));
    assert_eq!(r.rules.last().unwrap().rule, "push", "removed rules come last");
}

#[test]
fn the_same_policy_twice_changes_nothing() {
    let (r, seen) = diff(OLD.as_ref(), OLD.as_ref(), &[PORTFOLIO.as_ref()], DiffOptions::default());
    assert_eq!(r.changed, 0);
    assert!(seen.is_empty());
    assert!(r.rules.iter().all(|x| x.status.name() == "unchanged" && x.gained == 0 && x.lost == 0));
    let e = r.exposure.unwrap();
    assert_eq!(e.old, e.new);
}

#[test]
fn only_the_first_changed_accounts_are_kept_but_all_are_streamed() {
    let options = DiffOptions { keep: 2, ..DiffOptions::default() };
    let portfolio: &Path = PORTFOLIO.as_ref();
    let (r, seen) = diff(OLD.as_ref(), NEW.as_ref(), &[portfolio, portfolio], options);
    assert_eq!(r.records, 86);
    assert_eq!(r.changed, 18);
    assert_eq!(seen.len(), 18);
    assert_eq!(ids(&r.accounts), ["A-1001", "A-1007"]);
    // Positions count within each input.
    assert_eq!((seen[10].record, seen[10].id.as_ref().unwrap().to_string()), (7, "A-1007".to_string()));
}

fn workdir() -> PathBuf {
    static N: AtomicUsize = AtomicUsize::new(0);
    let dir =
        std::env::temp_dir().join(format!("verdict-diff-{}-{}", std::process::id(), N.fetch_add(1, Ordering::Relaxed)));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

const SCHEMA: &str = "entity: account\nkey: id\nfields:\n  id: string\n  credit_limit: money\n  score: int\n";

/// A folder with `old.policy` over SCHEMA and `new.policy` over `new_schema`.
fn pair(old_body: &str, new_schema: &str, new_body: &str) -> PathBuf {
    let dir = workdir();
    std::fs::write(dir.join("old.schema.yaml"), SCHEMA).unwrap();
    std::fs::write(dir.join("new.schema.yaml"), new_schema).unwrap();
    let head = |v: &str, s: &str| format!("policy \"p\" version \"{v}\"\nschema \"{s}\"\n");
    std::fs::write(dir.join("old.policy"), head("1", "old.schema.yaml") + old_body).unwrap();
    std::fs::write(dir.join("new.policy"), head("2", "new.schema.yaml") + new_body).unwrap();
    dir
}

/// The paths of [`pair`]'s two policies and of a book written beside them
/// holding `book`, as command-line arguments.
fn pair_with_book(dir: &Path, book: &str) -> [String; 3] {
    std::fs::write(dir.join("book.jsonl"), book).unwrap();
    ["old.policy", "new.policy", "book.jsonl"].map(|f| dir.join(f).to_str().unwrap().to_string())
}

/// A scorecard characteristic whose bins changed lists them as a changed
/// table lists its rows (the old version's numbering for a removed bin, the
/// new one's for an added bin), and says when what it scores changed; the
/// committee saw only "characteristic `s.A` changed".
#[test]
fn a_changed_scorecard_bin_is_listed_old_and_new() {
    let card = |cut: &str, text: &str, input: &str| {
        format!(
            "let s = scorecard base 600 {{\n  {input} \"A\"{text} {{\n    < {cut} => -20\n    >= {cut} => 0\n  }}\n  \
             score \"B\" {{\n    _ => 1\n  }}\n}}\nrule \"r\" {{ when s < 590 then close reason \"low\" }}\n"
        )
    };
    let dir = pair(&card("650", "", "score"), SCHEMA, &card("640", " \"Score\"", "score + 0"));
    let (r, _) = diff(&dir.join("old.policy"), &dir.join("new.policy"), &[], DiffOptions::default());
    let changes: Vec<(&str, &str, &[String])> =
        r.lets.iter().map(|l| (l.name.as_str(), l.kind, l.rows.as_slice())).collect();
    assert_eq!(
        changes,
        [
            ("s", "scorecard", &[][..]),
            (
                "s.A",
                "characteristic",
                &[
                    "- score \"A\"".to_owned(),
                    "+ score + 0 \"A\" \"Score\"".to_owned(),
                    "- bin 1: < 650 => -20".to_owned(),
                    "- bin 2: >= 650 => 0".to_owned(),
                    "+ bin 1: < 640 => -20".to_owned(),
                    "+ bin 2: >= 640 => 0".to_owned(),
                ][..]
            ),
        ]
    );
}

/// A rule that reads a scorecard only through `reasons from` reads it all
/// the same: a changed bin reorders its reasons, and the rule was said to
/// be "unchanged" with nothing read changed.
#[test]
fn a_rule_giving_a_changed_scorecards_reasons_reads_it() {
    let card = |points: &str| {
        format!(
            "let s = scorecard base 600 {{\n  score \"A\" {{\n    < 650 => {points}\n    >= 650 => 0\n  }}\n}}\n\
             rule \"r\" {{ when score > 0 then close reasons from s }}\n"
        )
    };
    let dir = pair(&card("-20"), SCHEMA, &card("-30"));
    let (r, _) = diff(&dir.join("old.policy"), &dir.join("new.policy"), &[], DiffOptions::default());
    let rule = r.rules.iter().find(|c| c.rule == "r").expect("the rule");
    assert_eq!(rule.via_lets, ["s"], "{rule:?}");
}

/// A change of effective dates is shown with the dates, and the report
/// says the date it decided as of: `--as-of` 2026-12-31 and 2027-01-01 give
/// opposite reports for the same two versions, which a committee could not
/// tell apart when neither said its date.
#[test]
fn effective_dates_and_the_date_decided_as_of_are_shown() {
    let rule = |dates: &str| format!("rule \"raise\" {dates} {{ when score > 700 then close reason \"S05\" }}\n");
    let dir = pair(&rule("effective 2026-01-01 to 2026-12-31"), SCHEMA, &rule("effective 2027-01-01"));
    let [old, new, book] = pair_with_book(&dir, "{\"id\":\"A\",\"credit_limit\":\"10\",\"score\":720}\n");
    for (as_of, moved) in [("2026-12-31", "old 1, new 0"), ("2027-01-01", "old 0, new 1")] {
        let out = verdict(&["diff", &old, &new, &book, "--as-of", as_of]);
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(text.contains(&format!("1 snapshot as of {as_of} · ")), "{text}");
        assert!(
            text.contains("- effective 2026-01-01 to 2026-12-31\n") && text.contains("+ effective 2027-01-01\n"),
            "{text}"
        );
        let json: serde_json::Value =
            serde_json::from_slice(&verdict(&["diff", &old, &new, &book, "--as-of", as_of, "--format", "json"]).stdout)
                .unwrap();
        assert_eq!(json["as_of"], serde_json::json!({"from": as_of, "to": as_of}));
        let raise = json["rules"].as_array().unwrap().iter().find(|r| r["rule"] == "raise").unwrap();
        assert_eq!(
            raise["lines"],
            serde_json::json!(["- effective 2026-01-01 to 2026-12-31", "+ effective 2027-01-01"])
        );
        let fires = format!("old {}, new {}", raise["old_fires"], raise["new_fires"]);
        assert_eq!(fires, moved);
    }
}

/// A snapshot the new schema cannot read (a field it requires is missing)
/// still falls in the new version's arm, hashed from the id the old schema
/// read: it was counted in the old version's arm, under the old weights.
#[test]
fn an_account_unreadable_under_the_new_schema_is_in_the_new_versions_arm() {
    let new_schema = format!("{SCHEMA}  region: string\n");
    let body =
        |weights: &str| format!("split exp by id {{ {weights} }}\nrule \"r\" {{ when score < 500 then restrict }}\n");
    let dir = pair(&body("a 90% b 10%"), &new_schema, &body("a 20% b 80%"));
    let ids: Vec<String> = (0..200).map(|i| format!("C-{i:03}")).collect();
    let line = |id: &str, region: &str| {
        format!("{{\"id\":\"{id}\",\"as_of\":\"2026-11-01\",\"credit_limit\":\"1000\",\"score\":600{region}}}\n")
    };
    let book = dir.join("book.jsonl");
    std::fs::write(&book, ids.iter().map(|id| line(id, "")).collect::<String>()).unwrap();
    let (r, _) = diff(&dir.join("old.policy"), &dir.join("new.policy"), &[&book], DiffOptions::default());
    let counted: Vec<(String, u64)> = r.arms.iter().map(|a| (a.arm.to_string(), a.accounts)).collect();
    // The oracle: the new version's own arms, once the snapshots carry the field.
    let with_region = dir.join("with-region.jsonl");
    std::fs::write(&with_region, ids.iter().map(|id| line(id, ",\"region\":\"x\"")).collect::<String>()).unwrap();
    let new = load(&dir.join("new.policy"));
    let reader = verdict::snapshot::open_snapshot_file(
        &with_region,
        Format::Jsonl,
        new.program.schema.clone(),
        verdict::snapshot::ReadLimits::default(),
    )
    .unwrap();
    let mut expected = [("a".to_string(), 0u64), ("b".to_string(), 0u64)];
    for snapshot in reader {
        let decision = verdict::eval::evaluate(&new.program, &snapshot.unwrap(), Default::default()).unwrap();
        let arm = &decision.arms[0].arm;
        expected.iter_mut().find(|(name, _)| **name == **arm).unwrap().1 += 1;
    }
    assert_eq!(counted, expected, "{:?}", r.arms);
    assert!(expected[1].1 > 100, "mostly b under the new weights: {expected:?}");
}

/// A batch whose ids changed and a hook whose script changed, with the
/// policy text the same: each is a changed name, and the rules reading it
/// list it, though their own text is unchanged.
#[test]
fn a_changed_batch_file_or_hook_script_is_named_and_its_rules_list_it() {
    let copy = |name: &str| {
        let dir = workdir().join(name);
        std::fs::create_dir_all(dir.join("batches")).unwrap();
        std::fs::create_dir_all(dir.join("hooks")).unwrap();
        for file in ["lifecycle.policy", "account.schema.yaml", "batches/reg-2023-q3.txt", "hooks/fraud_risk.rhai"] {
            std::fs::copy(Path::new("policies").join(file), dir.join(file)).unwrap();
        }
        dir
    };
    let (old, new) = (copy("old"), copy("new"));
    let batch = new.join("batches/reg-2023-q3.txt");
    let ids = std::fs::read_to_string(&batch).unwrap();
    std::fs::write(&batch, format!("{ids}A-1001\n")).unwrap();
    let hook = new.join("hooks/fraud_risk.rhai");
    let script = std::fs::read_to_string(&hook).unwrap();
    std::fs::write(&hook, script.replacen("fn fraud_risk", "// recalibrated\nfn fraud_risk", 1)).unwrap();
    let (r, _) = diff(
        &old.join("lifecycle.policy"),
        &new.join("lifecycle.policy"),
        &[PORTFOLIO.as_ref()],
        DiffOptions::default(),
    );
    let names: Vec<&str> = r.lets.iter().map(|l| l.name.as_str()).collect();
    assert_eq!(names, ["reg_2023_q3", "fraud_risk"]);
    assert!(r.lets[0].rows[1].ends_with("(1 added, 0 removed)"), "{:?}", r.lets[0].rows);
    let reading = |name: &str| r.rules.iter().filter(|row| row.via_lets.iter().any(|l| l == name)).count();
    assert!(reading("reg_2023_q3") > 0 && reading("fraud_risk") > 0, "{:?}", r.rules);
    // Each is called what it is, not a let.
    let reads: Vec<String> =
        r.rules.iter().filter(|row| !row.via_lets.is_empty()).map(|row| r.reads_changed(row)).collect();
    assert!(reads.contains(&"batch reg_2023_q3".to_string()), "{reads:?}");
    assert!(reads.contains(&"hook fraud_risk".to_string()), "{reads:?}");
    assert!(reads.iter().all(|text| !text.contains("let")), "{reads:?}");
}

#[test]
fn a_new_schema_field_is_read_from_the_same_snapshot() {
    let new_schema = format!("{SCHEMA}  watchlist: bool?\n");
    let dir = pair(
        "rule \"low\" { when score < 500 then freeze }\n",
        &new_schema,
        "rule \"low\" { when score < 500 then freeze }\nrule \"watch\" { when watchlist ?? false then restrict }\n",
    );
    let lines = [
        r#"{"id":"A","as_of":"2026-11-01","credit_limit":"1000","score":400}"#,
        r#"{"id":"B","as_of":"2026-11-01","credit_limit":"1000","score":700,"watchlist":true}"#,
        r#"{"id":"C","as_of":"2026-11-01","credit_limit":"1000","score":700,"watchlist":"yes"}"#,
        r#"{"id":"D","as_of":"2026-11-01","credit_limit":"1000","score":700}"#,
    ];
    std::fs::write(dir.join("s.jsonl"), lines.join("\n")).unwrap();
    // A CSV header must fit both schemas: the new, optional column is simply absent here.
    let csv = "id,as_of,credit_limit,score\nA,2026-11-01,1000,400\nB,2026-11-01,1000,700\n";
    std::fs::write(dir.join("s.csv"), csv).unwrap();
    let inputs: [&Path; 2] = [&dir.join("s.jsonl"), &dir.join("s.csv")];
    let (r, seen) = diff(&dir.join("old.policy"), &dir.join("new.policy"), &inputs, DiffOptions::default());
    assert!(!r.same_schema);
    assert_eq!(r.records, 6);
    // B is newly restricted; C's `watchlist` is not a bool, which only the new schema
    // reads, so only the new version has an error record for it.
    assert_eq!(ids(&seen), ["B", "C"]);
    assert_eq!(seen[1].differs, ["error"]);
    assert!(seen[1].old.is_ok() && seen[1].new.is_err());
    assert_eq!(r.cell(Row::None, Row::Restrict), 1);
    assert_eq!(r.cell(Row::None, Row::Error), 1);
    assert_eq!(r.cell(Row::Freeze, Row::Freeze), 2);
    assert_eq!(r.cell(Row::None, Row::None), 2);

    // A CSV column that only the new schema knows is ignored by the old schema's
    // reader (spec §3), but a header either schema cannot read is refused, naming which.
    let (o, n) = (load(&dir.join("old.policy")), load(&dir.join("new.policy")));
    let differ =
        Differ::new((&dir.join("old.policy"), &o), (&dir.join("new.policy"), &n), DiffOptions::default()).unwrap();
    let wide = "id,as_of,credit_limit,score,watchlist\nA,2026-11-01,1000,400,true\n";
    assert!(differ.read(wide.as_bytes(), Format::Csv).is_ok(), "the old schema ignores the watchlist column");
    let narrow = "id,as_of,credit_limit\nA,2026-11-01,1000\n";
    let e = differ.read(narrow.as_bytes(), Format::Csv).err().expect("neither schema reads a CSV without score");
    assert_eq!(e.code(), "D003");
    assert!(
        e.to_string()
            .starts_with("under the old policy's schema: the CSV header has no column for the required field `score`"),
        "{e}"
    );
}

#[test]
fn schemas_with_different_keys_are_refused() {
    let other = SCHEMA.replace("key: id", "key: score");
    let dir = pair("rule \"r\" { when score < 1 then close }\n", &other, "rule \"r\" { when score < 1 then close }\n");
    let (o, n) = (load(&dir.join("old.policy")), load(&dir.join("new.policy")));
    let e =
        Differ::new((&dir.join("old.policy"), &o), (&dir.join("new.policy"), &n), DiffOptions::default()).unwrap_err();
    assert!(matches!(e, DiffError::IncompatibleSchemas(_)), "{e}");
    assert_eq!(e.code(), "D001");
    assert!(e.to_string().contains("`id` (string)") && e.to_string().contains("`score` (int)"), "{e}");
}

#[test]
fn an_application_policy_and_an_account_policy_are_refused() {
    // Their outcomes share no cell: every snapshot of one side would be out of the matrix.
    let applications = SCHEMA.replace("entity: account", "entity: application");
    let dir = pair(
        "rule \"r\" { when score < 1 then close }\n",
        &applications,
        "rule \"r\" { when score < 1 then decline }\n",
    );
    let (o, n) = (load(&dir.join("old.policy")), load(&dir.join("new.policy")));
    let e =
        Differ::new((&dir.join("old.policy"), &o), (&dir.join("new.policy"), &n), DiffOptions::default()).unwrap_err();
    assert_eq!(e.code(), "D001");
    assert!(e.to_string().contains("the old policy decides accounts, the new one applications"), "{e}");
}

#[test]
fn accounts_a_version_could_not_decide_are_left_out_of_the_exposure() {
    // The new version fails on B (a negative limit) and C (a division by
    // zero): what it would do to their limits is unknown, so neither counts
    // as unchanged nor adds its current limit to a total; D has no current
    // limit; A alone is in the totals, on all three of them.
    let schema = SCHEMA.replace("credit_limit: money", "credit_limit: money?\n  cut: money");
    let old = "rule \"r\" { when true then set limit to 100 }\n";
    let new = "rule \"r\" { when true then set limit to (credit_limit ?? 1000) * 100 / cut - 500 }\n";
    let dir = pair(old, &schema, new);
    std::fs::write(dir.join("old.schema.yaml"), &schema).unwrap();
    let book = "{\"id\":\"A\",\"as_of\":\"2026-11-01\",\"credit_limit\":\"1000\",\"cut\":\"40\",\"score\":1}\n\
                {\"id\":\"B\",\"as_of\":\"2026-11-01\",\"credit_limit\":\"2000\",\"cut\":\"1000\",\"score\":1}\n\
                {\"id\":\"C\",\"as_of\":\"2026-11-01\",\"credit_limit\":\"4000\",\"cut\":\"0\",\"score\":1}\n\
                {\"id\":\"D\",\"as_of\":\"2026-11-01\",\"cut\":\"100\",\"score\":1}\n";
    std::fs::write(dir.join("book.jsonl"), book).unwrap();
    let (r, _) =
        diff(&dir.join("old.policy"), &dir.join("new.policy"), &[&dir.join("book.jsonl")], DiffOptions::default());
    let e = r.exposure.as_ref().expect("the schema has credit_limit");
    assert_eq!((e.accounts, e.without_limit, e.undecided), (1, 1, 2));
    let dec = |s: &str| Some(s.parse::<rust_decimal::Decimal>().unwrap());
    // A: 1000 now, 100 after the old version (a cut over 50%), 1000 * 100 / 40 - 500 = 2000
    // after the new (a raise over 50%).
    assert_eq!((e.current, e.old, e.new), (dec("1000"), dec("100"), dec("2000")));
    assert_eq!(e.buckets_old, [1, 0, 0, 0, 0, 0, 0]);
    assert_eq!(e.buckets_new, [0, 0, 0, 0, 0, 0, 1]);
}

#[test]
fn the_limit_field_can_be_named_and_must_be_money() {
    let dir = pair("rule \"r\" { when score < 1 then close }\n", SCHEMA, "rule \"r\" { when score < 1 then close }\n");
    let (o, n) = (load(&dir.join("old.policy")), load(&dir.join("new.policy")));
    let make = |field: &str| {
        let options = DiffOptions { limit_field: Some(field.into()), ..DiffOptions::default() };
        Differ::new((&dir.join("old.policy"), &o), (&dir.join("new.policy"), &n), options)
    };
    assert_eq!(make("credit_limit").unwrap().limit_field(), Some("credit_limit"));
    let e = make("score").unwrap_err();
    assert_eq!(e.code(), "D002");
    assert!(e.to_string().contains("int, not money"), "{e}");
    assert!(make("nope").is_err());
}

// ---- the command line --------------------------------------------------------------

fn verdict(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_verdict")).args(args).env("NO_COLOR", "1").output().expect("run verdict")
}

fn code(out: &Output) -> i32 {
    out.status.code().unwrap_or(-1)
}

/// The shipped portfolio without its three deliberately broken snapshots.
fn clean_portfolio() -> PathBuf {
    let broken = ["\"A-1090\"", "\"A-1091\"", "\"A-1092\""];
    let text = std::fs::read_to_string(PORTFOLIO).unwrap();
    let kept: String =
        text.lines().filter(|l| !broken.iter().any(|id| l.contains(id))).map(|l| format!("{l}\n")).collect();
    assert_eq!(kept.lines().count(), text.lines().count() - 3, "the broken snapshots are the ones named");
    let path = workdir().join("clean.jsonl");
    std::fs::write(&path, kept).unwrap();
    path
}

#[test]
fn a_completed_run_exits_0_even_with_changes() {
    let clean = clean_portfolio();
    let out = verdict(&["diff", OLD, NEW, clean.to_str().unwrap()]);
    assert_eq!(code(&out), 0, "{}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.starts_with("verdict diff: jiebei-lifecycle 2026.11.1 → jiebei-lifecycle 2027.01.1\n"), "{text}");
    assert!(text.contains("9 decisions change"), "{text}");
    assert!(text.contains("A-1011  limit 5600"), "{text}");
}

/// §6: exit 1 when some snapshots failed. The report is still written whole;
/// the failed accounts are counted in it, but what the change does to them is
/// unknown, so the run is not a success.
#[test]
fn a_failed_snapshot_exits_1_after_the_whole_report() {
    let out = verdict(&["diff", OLD, NEW, PORTFOLIO]);
    assert_eq!(code(&out), 1, "{}", String::from_utf8_lossy(&out.stderr));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("3 snapshot(s) failed under one version or both"), "{stderr}");
    assert!(String::from_utf8_lossy(&out.stdout).contains("9 decisions change"));
    let out = verdict(&["diff", OLD, OLD, PORTFOLIO, "--format", "json"]);
    assert_eq!(code(&out), 1, "the same policy twice still failed three snapshots");
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["summary"]["errors_new"], 3, "{report}");
}

#[test]
fn fail_on_change_exits_1_only_when_a_decision_differs() {
    let clean = clean_portfolio();
    let out = verdict(&["diff", OLD, NEW, clean.to_str().unwrap(), "--fail-on-change"]);
    assert_eq!(code(&out), 1);
    assert!(String::from_utf8_lossy(&out.stderr).contains("9 decision(s) differ"));
    let out = verdict(&["diff", OLD, OLD, clean.to_str().unwrap(), "--fail-on-change"]);
    assert_eq!(code(&out), 0, "{}", String::from_utf8_lossy(&out.stderr));
}

#[test]
fn invalid_policies_and_command_lines_exit_2() {
    let out = verdict(&["diff", OLD, "tests/fixtures/invalid/E0101_unknown_field.policy", PORTFOLIO]);
    assert_eq!(code(&out), 2);
    assert!(String::from_utf8_lossy(&out.stderr).contains("E0101"));
    assert_eq!(code(&verdict(&["diff", OLD])), 2, "a missing argument");
    assert_eq!(code(&verdict(&["diff", OLD, NEW, "policies/nope.jsonl"])), 2, "an input that cannot be read");
    assert_eq!(code(&verdict(&["diff", OLD, NEW, PORTFOLIO, "--limit-field", "score"])), 2);
    assert_eq!(code(&verdict(&["diff", OLD, NEW, PORTFOLIO, "--as-of", "2026-13-01"])), 2);
}

#[test]
fn a_breached_guard_of_the_new_policy_exits_3() {
    let dir = workdir();
    let text = std::fs::read_to_string(NEW).unwrap().replace("guard restrict at most 15%", "guard restrict at most 4");
    let tight = common::policy_beside_example_files(&dir, "tight.policy", &text);
    let out = verdict(&["diff", OLD, tight.to_str().unwrap(), PORTFOLIO, "--fail-on-change"]);
    assert_eq!(code(&out), 3, "the larger code wins: {}", String::from_utf8_lossy(&out.stderr));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("guard breached: `guard restrict at most 4` of the new policy: 5 of 40"), "{stderr}");
    assert!(String::from_utf8_lossy(&out.stdout).contains("BREACHED"));
    // The report says which guards are new, which replaced an old bound, which were dropped.
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("(bound 4; old version 4; new)"), "{stdout}");
    let text =
        text.replace("guard close at most 20%", "guard close at most 25%").replace("guard freeze at most 5000\n", "");
    let changed = common::policy_beside_example_files(&dir, "changed.policy", &text);
    let out = verdict(&["diff", OLD, changed.to_str().unwrap(), PORTFOLIO]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("; was `guard close at most 20%`)"), "{stdout}");
    assert!(stdout.contains("removed   guard freeze at most 5000"), "{stdout}");
    let out = verdict(&["diff", OLD, changed.to_str().unwrap(), PORTFOLIO, "--format", "json"]);
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["guards"][0]["was"], "close at most 20%", "{}", report["guards"]);
    assert_eq!(report["guards_removed"], serde_json::json!(["freeze at most 5000"]));
    let page = dir.join("changed.html");
    verdict(&["diff", OLD, changed.to_str().unwrap(), PORTFOLIO, "--html", page.to_str().unwrap()]);
    let html = std::fs::read_to_string(&page).unwrap();
    assert!(html.contains("was <code>guard close at most 20%</code>"), "{html}");
    assert!(html.contains("<code>guard freeze at most 5000</code><br/><span class=\"note\">removed</span>"), "{html}");
}

/// A hook call of either version past the wall-clock backstop is no decision
/// to compare: the diff counts it, and the command fails with exit 5 without
/// a report or a `--changed` file, as `eval` does.
#[test]
fn a_hook_past_the_backstop_fails_the_diff() {
    let slow =
        "fn h(score) {\n  let b = []; b.pad(9999, 0);\n  if score == 2 { loop { b.contains(1); } }\n  score\n}\n";
    let body = "hook h(score: int) -> int from \"h.rhai\"\nrule \"r\" { when h(score) > 500 then restrict }\n";
    let dir = pair(body, SCHEMA, body);
    std::fs::write(dir.join("h.rhai"), slow).unwrap();
    let snapshots = "{\"id\":\"A-1\",\"as_of\":\"2026-11-01\",\"credit_limit\":\"1\",\"score\":700}\n\
                     {\"id\":\"A-2\",\"as_of\":\"2026-11-01\",\"credit_limit\":\"1\",\"score\":2}\n";
    std::fs::write(dir.join("book.jsonl"), snapshots).unwrap();
    let (old, new, book) = (dir.join("old.policy"), dir.join("new.policy"), dir.join("book.jsonl"));

    let options = DiffOptions {
        eval: verdict::EvalOptions { hook_backstop: std::time::Duration::from_millis(200), ..Default::default() },
        ..DiffOptions::default()
    };
    let (o, n) = (load(&old), load(&new));
    let differ = Differ::new((&old, &o), (&new, &n), options).unwrap();
    let mut run = differ.run();
    let pairs = differ.read(std::io::BufReader::new(std::fs::File::open(&book).unwrap()), Format::Jsonl).unwrap();
    run.feed("book.jsonl", pairs, None, &mut |_| Ok(())).unwrap();
    assert_eq!(run.timeouts(), 2, "A-2 met the backstop under both versions");

    let changed = dir.join("changed.jsonl");
    std::fs::write(&changed, PREVIOUS).unwrap();
    let [old, new, book, changed] = [&old, &new, &book, &changed].map(|p| p.to_str().unwrap().to_string());
    let out = verdict(&["diff", &old, &new, &book, "--hook-backstop-ms", "200", "--changed", &changed]);
    assert_eq!(code(&out), 5, "{}", String::from_utf8_lossy(&out.stderr));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("error: a hook call ran past the wall-clock backstop of 0.2 s, and 2 decisions"),
        "{stderr}"
    );
    assert!(out.stdout.is_empty(), "no report of a partial diff");
    assert_eq!(std::fs::read_to_string(&changed).unwrap(), PREVIOUS);
}

/// The changed accounts and the HTML report replace their files together,
/// before the report is printed: an HTML file that cannot be replaced (kept
/// read-only) leaves the changed accounts' file as it was too, and prints no
/// report, where the changed accounts were replaced and the report printed
/// before the HTML failed.
#[test]
fn changed_accounts_and_the_html_report_are_replaced_together() {
    let dir = workdir();
    let (changed, html) = (dir.join("changed.jsonl"), dir.join("report.html"));
    let files = ["--changed", changed.to_str().unwrap(), "--html", html.to_str().unwrap()];
    let out = verdict(&[&["diff", OLD, NEW, PORTFOLIO][..], &files].concat());
    assert_eq!(code(&out), 1, "{}", String::from_utf8_lossy(&out.stderr));
    let (earlier, kept) = (std::fs::read_to_string(&changed).unwrap(), std::fs::read_to_string(&html).unwrap());
    let mut readonly = std::fs::metadata(&html).unwrap().permissions();
    readonly.set_readonly(true);
    std::fs::set_permissions(&html, readonly).unwrap();
    // The other way round: other changed accounts, another report.
    let out = verdict(&[&["diff", NEW, OLD, PORTFOLIO][..], &files].concat());
    assert_eq!(code(&out), 4, "{}", String::from_utf8_lossy(&out.stderr));
    assert!(out.stdout.is_empty(), "no report beside files left as they were");
    assert_eq!(std::fs::read_to_string(&changed).unwrap(), earlier);
    assert_eq!(std::fs::read_to_string(&html).unwrap(), kept);
}

#[test]
fn changed_accounts_are_written_as_json_lines() {
    let dir = workdir();
    let file = dir.join("changed.jsonl");
    let out =
        verdict(&["diff", OLD, NEW, PORTFOLIO, "--format", "json", "--top", "3", "--changed", file.to_str().unwrap()]);
    assert_eq!(code(&out), 1, "the portfolio's three broken snapshots");
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["changed"]["total"], 9);
    assert_eq!(report["changed"]["shown"], 3);
    let lines: Vec<serde_json::Value> =
        std::fs::read_to_string(&file).unwrap().lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(lines.len(), 9);
    let a1011 = &lines[2];
    assert_eq!(a1011["id"], "A-1011");
    assert_eq!(a1011["record"], 12);
    assert_eq!(a1011["current_limit"], "8000");
    assert_eq!(a1011["old"]["outcome"], "limit");
    assert_eq!(a1011["new"]["outcome"], "freeze");
    assert_eq!(a1011["new"]["until"], "2027-04-30");
    assert_eq!(a1011["new"]["fired"], serde_json::json!(["score-drop-freeze", "limit-cut"]));
    assert_eq!(a1011["differs"], serde_json::json!(["outcome", "until", "reasons", "actions"]));
    // The report's first accounts are the file's first lines.
    assert_eq!(report["changed"]["accounts"][2], lines[2]);
}

/// Each side of a changed account is the decision `eval` writes for it, less
/// `id`, `as_of` and `policy` (the account record holds them): scores and arms
/// included, byte for byte.
#[test]
fn each_side_of_a_changed_account_is_the_decision_eval_writes() {
    let dir = workdir();
    let file = dir.join("changed.jsonl");
    let out = verdict(&["diff", OLD, NEW, PORTFOLIO, "--changed", file.to_str().unwrap()]);
    assert_eq!(code(&out), 1, "the portfolio's broken snapshots: {}", String::from_utf8_lossy(&out.stderr));
    // `{"id":…,"as_of":"YYYY-MM-DD",REST,"policy":{…}}` becomes `{REST}`, by id.
    let sides = |policy: &str| -> std::collections::HashMap<String, String> {
        let out = verdict(&["eval", policy, PORTFOLIO]);
        let text = String::from_utf8(out.stdout).unwrap();
        text.lines()
            .filter(|l| !l.contains("\"error\""))
            .map(|l| {
                let id = serde_json::from_str::<serde_json::Value>(l).unwrap()["id"].as_str().unwrap().to_string();
                let rest = &l[l.find("\"outcome\"").unwrap()..l.rfind(",\"policy\":").unwrap()];
                (id, format!("{{{rest}}}"))
            })
            .collect()
    };
    let (old, new) = (sides(OLD), sides(NEW));
    let changed = std::fs::read_to_string(&file).unwrap();
    assert_eq!(changed.lines().count(), 9);
    for line in changed.lines() {
        let id = serde_json::from_str::<serde_json::Value>(line).unwrap()["id"].as_str().unwrap().to_string();
        assert!(old[&id].contains("\"scores\":{") && old[&id].contains("\"arms\":{"), "{}", old[&id]);
        let expected = format!("\"old\":{},\"new\":{}}}", old[&id], new[&id]);
        assert!(line.ends_with(&expected), "{id}:\n{line}\nshould end with\n{expected}");
    }
}

#[test]
fn snapshots_can_come_from_standard_input() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_verdict"))
        .args(["diff", OLD, NEW, "--format", "json"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let input = std::fs::read(PORTFOLIO).unwrap();
    std::io::Write::write_all(child.stdin.as_mut().unwrap(), &input).unwrap();
    drop(child.stdin.take());
    let out = child.wait_with_output().unwrap();
    assert_eq!(code(&out), 1, "the portfolio's three broken snapshots");
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["records"], 43);
    assert_eq!(report["inputs"], serde_json::json!(["-"]));
    assert_eq!(report["changed"]["total"], 9);
}

/// A book without a snapshot compares nothing: an extract that came out
/// empty must not pass `--fail-on-change` and every guard with "no change".
#[test]
fn an_empty_book_is_refused_not_reported_unchanged() {
    let body = "rule \"r\" { when score < 500 then restrict }\n";
    let dir = pair(body, SCHEMA, body);
    std::fs::write(dir.join("empty.jsonl"), "\n").unwrap();
    let changed = dir.join("changed.jsonl");
    std::fs::write(&changed, PREVIOUS).unwrap();
    let [old, new, book, changed_arg] =
        [dir.join("old.policy"), dir.join("new.policy"), dir.join("empty.jsonl"), changed.clone()]
            .map(|p| p.to_str().unwrap().to_string());
    let out = verdict(&["diff", &old, &new, &book, "--fail-on-change", "--changed", &changed_arg]);
    assert_eq!(code(&out), 2);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("holds no snapshots: a diff measures a change over accounts"), "{stderr}");
    assert!(out.stdout.is_empty(), "no report");
    assert_eq!(std::fs::read_to_string(&changed).unwrap(), PREVIOUS);
}

#[test]
fn the_rule_table_says_which_changed_lets_an_unchanged_rule_reads() {
    let out = verdict(&["diff", OLD, NEW, PORTFOLIO]);
    let text = String::from_utf8_lossy(&out.stdout);
    let line = |rule: &str| text.lines().find(|l| l.trim_start().starts_with(&format!("{rule} "))).unwrap_or("");
    assert!(line("limit-raise").contains("unchanged; reads changed table limit_matrix"), "{text}");
    // A rule the new version dropped reads nothing in it.
    assert!(line("push").contains("removed") && !line("push").contains("reads"), "{text}");
}

/// Two versions of a small policy with splits, and a book with an account
/// the new version fails on and one that cannot be read.
fn arm_workdir() -> std::path::PathBuf {
    let dir = common::temp_folder("diff", "arms");
    let schema = "entity: account\nkey: id\nfields:\n  id: string\n  cust: int\n  score: int\n  balance: money\n  credit_limit: money\n";
    std::fs::write(dir.join("s.yaml"), schema).unwrap();
    let splits = "split trial by id salt \"t\" {\n  champion 50%\n  challenger 50%\n}\nsplit cx by cust {\n  a 33.33%\n  b 33.33%\n  c 33.34%\n}\n";
    let rules = "rule \"low\" priority 2 { when score < 500 then restrict }\nrule \"back\" priority 1 { when score > 700 then reinstate }\n";
    std::fs::write(dir.join("old.policy"), format!("policy \"o\" version \"1\"\nschema \"s.yaml\"\n{splits}{rules}"))
        .unwrap();
    // The new version retires `trial`, keeps `cx`, and divides by the limit.
    let cx_only = "split cx by cust {\n  a 33.33%\n  b 33.33%\n  c 33.34%\n}\n";
    let cut = "rule \"cut\" priority 3 { when balance / credit_limit > 0.9 then set limit to balance }\n";
    std::fs::write(
        dir.join("new.policy"),
        format!("policy \"n\" version \"2\"\nschema \"s.yaml\"\n{cx_only}{cut}{rules}"),
    )
    .unwrap();
    let book = [
        r#"{"id":"A1","as_of":"2026-11-01","cust":7,"score":400,"balance":"10","credit_limit":"100"}"#,
        r#"{"id":"A2","as_of":"2026-11-01","cust":7,"score":800,"balance":"10","credit_limit":"100"}"#,
        r#"{"id":"A3","as_of":"2026-11-01","cust":7,"score":600,"balance":"10","credit_limit":"0"}"#,
        r#"{"id":"A4","as_of":"2026-11-01","cust":7,"balance":"10","credit_limit":"100"}"#,
    ];
    std::fs::write(dir.join("book.jsonl"), book.join("\n") + "\n").unwrap();
    dir
}

#[test]
fn by_arm_lists_every_declared_arm_of_both_versions_and_every_account() {
    let dir = arm_workdir();
    let run = |format: &str| {
        Command::new(env!("CARGO_BIN_EXE_verdict"))
            .args(["diff", "old.policy", "new.policy", "book.jsonl", "--format", format])
            .current_dir(&dir)
            .env("NO_COLOR", "1")
            .output()
            .expect("run verdict")
    };
    let out = run("json");
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let arms: Vec<(String, String, u64)> = report["arms"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| {
            (a["split"].as_str().unwrap().into(), a["arm"].as_str().unwrap().into(), a["accounts"].as_u64().unwrap())
        })
        .collect();
    // `cx` (the new version's) with its empty arms, then the retired `trial`
    // (the old version's): the three readable accounts in each, A3 too,
    // though the new version fails on it.
    let in_split = |split: &str| arms.iter().filter(|a| a.0 == split).map(|a| a.2).sum::<u64>();
    assert_eq!(
        arms.iter().map(|a| format!("{}={}", a.0, a.1)).collect::<Vec<_>>(),
        ["cx=a", "cx=b", "cx=c", "trial=champion", "trial=challenger"]
    );
    assert_eq!((in_split("cx"), in_split("trial")), (3, 3), "{arms:?}");
    assert_eq!(report["arms_unassigned"], 1);
    let all = report["arms"].as_array().unwrap();
    let a = all.iter().find(|a| a["split"] == "cx" && a["accounts"] == 3).expect("one arm holds cust 7");
    assert_eq!((a["new"]["error"].as_u64(), a["old"]["error"].as_u64()), (Some(1), Some(0)), "{a}");

    let text = String::from_utf8_lossy(&run("text").stdout).into_owned();
    // Outcomes in the matrix's order (reinstate before none), one account in the singular.
    let arm = a["arm"].as_str().unwrap();
    let wanted = format!("  cx={arm}: 3 accounts, 1 changed; old restrict 1, reinstate 1, none 1 → new restrict 1, reinstate 1, error 1\n");
    assert!(text.contains(&wanted), "{text}");
    assert!(text.contains(": 0 accounts, 0 changed; old - → new -\n"), "{text}");
    assert!(text.contains(": 1 account, "), "{text}");
    assert!(text.contains("  1 snapshot could not be read and has no arm\n"), "{text}");
}

/// A changed rule's condition, actions or priority, old and new, and an
/// added rule's text, are shown as written; a removed rule whose text an
/// added one has is named as a likely rename.
#[test]
fn a_changed_rules_text_is_shown_old_and_new() {
    let out = verdict(&["diff", OLD, NEW, PORTFOLIO]);
    let text = String::from_utf8_lossy(&out.stdout);
    let at = text.find("  rule score-drop-freeze: changed\n").expect("the changed rule's lines");
    let lines: Vec<&str> = text[at..].lines().skip(1).take(2).map(str::trim).collect();
    assert!(lines[0].starts_with("- when ") && lines[0].contains("score_drop >= 100"), "{text}");
    assert!(lines[1].starts_with("+ when ") && lines[1].contains("score_drop >= 80"), "{text}");
    assert!(text.contains("    + when is_open and open_overdue_days > 60\n"), "{text}");
    assert!(text.contains("    + then restrict reason \"R07\""), "{text}");
    let page = workdir().join("impact-rules.html");
    let out = verdict(&["diff", OLD, NEW, PORTFOLIO, "--html", page.to_str().unwrap()]);
    assert_eq!(code(&out), 1, "{}", String::from_utf8_lossy(&out.stderr));
    let html = std::fs::read_to_string(&page).unwrap();
    assert!(html.contains("<code>rule score-drop-freeze</code> changed\n- when "), "the page shows them too");
    assert!(html.contains("score_drop &gt;= 80"), "escaped");

    let body = "rule \"old-name\" priority 5 { when score < 500 then restrict }\n";
    let dir = pair(body, SCHEMA, &body.replace("old-name", "new-name"));
    let [old, new, book] =
        pair_with_book(&dir, "{\"id\":\"A-1\",\"as_of\":\"2026-11-01\",\"credit_limit\":\"1\",\"score\":400}\n");
    let out = verdict(&["diff", &old, &new, &book]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("  rule new-name: added\n    = the text of the removed rule `old-name`: renamed?\n"),
        "{text}"
    );
}

/// Two versions whose fingerprints differ are told apart for a reviewer:
/// the same policy written otherwise (comments, layout) says so, and two
/// different policies under one version name are told to raise it.
#[test]
fn fingerprints_that_differ_are_explained() {
    let body = "rule \"r\" { when score < 500 then restrict }\n";
    let dir = pair(body, SCHEMA, &format!("# a note\n{}", body.replace("when", "when  ")));
    let [old, new, book] =
        pair_with_book(&dir, "{\"id\":\"A-1\",\"as_of\":\"2026-11-01\",\"credit_limit\":\"1\",\"score\":400}\n");
    let text = String::from_utf8_lossy(&verdict(&["diff", &old, &new, &book]).stdout).into_owned();
    assert!(text.contains("(the same policy written otherwise: only comments or layout differ"), "{text}");

    let dir = pair(body, SCHEMA, &body.replace("500", "600"));
    let [old, new] = [dir.join("old.policy"), dir.join("new.policy")].map(|p| p.to_str().unwrap().to_string());
    let same_version = std::fs::read_to_string(&new).unwrap().replace("version \"2\"", "version \"1\"");
    std::fs::write(&new, same_version).unwrap();
    let text = String::from_utf8_lossy(&verdict(&["diff", &old, &new, &book]).stdout).into_owned();
    assert!(
        text.contains("both versions are called `1`: their decisions are told apart by fingerprint alone"),
        "{text}"
    );
    assert!(!text.contains("written otherwise"), "{text}");
}

/// When the schemas differ, the fields that were added, removed or retyped
/// are named (the terminal, JSON's `schema_changes`): a field made required
/// turned most accounts into errors with nothing saying which.
#[test]
fn schema_changes_name_their_fields() {
    let body = "rule \"r\" { when score < 500 then restrict }\n";
    let new_schema = "entity: account\nkey: id\nfields:\n  id: string\n  credit_limit: money?\n  score: int\n  \
                      overdues:\n    list:\n      days: int\n";
    let dir = pair(body, new_schema, body);
    let [old, new, book] =
        pair_with_book(&dir, "{\"id\":\"A-1\",\"as_of\":\"2026-11-01\",\"credit_limit\":\"1\",\"score\":400}\n");
    let text = String::from_utf8_lossy(&verdict(&["diff", &old, &new, &book]).stdout).into_owned();
    assert!(
        text.contains("    ~ credit_limit: money → money?\n    + overdues: list\n    + overdues[].days: int\n"),
        "{text}"
    );
    let json = verdict(&["diff", &old, &new, &book, "--format", "json"]);
    let report: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    assert_eq!(report["schema_changes"][0], "~ credit_limit: money → money?");
}

/// A book both versions fail on says why: the error records by kind under
/// each version, and the first of them (a book without `as_of` read "0
/// decided ... 0 decisions change" with the cause nowhere).
#[test]
fn error_records_are_counted_by_kind_with_the_first_said() {
    let body = "rule \"r\" { when score < 500 then restrict }\n";
    let dir = pair(body, SCHEMA, body);
    let [old, new, book] = pair_with_book(&dir, "{\"id\":\"A-1\",\"credit_limit\":\"1\",\"score\":400}\n");
    let out = verdict(&["diff", &old, &new, &book]);
    assert_eq!(code(&out), 1);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("  errors (old · new): snapshot 1 · 1; the first: A-1: the snapshot has no `as_of` date"),
        "{text}"
    );
}
