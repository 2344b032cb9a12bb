//! Pathological inputs end in a clear error or complete; none overflows a
//! stack, exhausts memory or hangs. Maximums are in docs/limits.md.

mod common;

use common::codes;
use verdict::diagnostic::Diagnostic;

fn load(name: &str, body: &str) -> Result<verdict::LoadedPolicy, Vec<Diagnostic>> {
    common::load_beside_schema("limits", name, body)
}

#[test]
fn ten_thousand_nested_parentheses_are_a_diagnostic() {
    let deep = format!("{}1{}", "(".repeat(10_000), ")".repeat(10_000));
    assert_eq!(codes(load("parens", &format!("rule \"r\" {{ when {deep} > 0 then restrict }}\n"))), ["P002"]);
}

#[test]
fn a_hundred_thousand_operators_are_a_diagnostic() {
    let chain = vec!["1"; 100_000].join(" + ");
    assert_eq!(codes(load("chain", &format!("rule \"r\" {{ when {chain} > 0 then restrict }}\n"))), ["P002"]);
    let nots = "not ".repeat(100_000);
    assert_eq!(codes(load("nots", &format!("rule \"r\" {{ when {nots}true then restrict }}\n"))), ["P002"]);
    // Pointed at the operator past the bound, not the whole expression: an
    // excerpt of a 10,000-line `case` printed every line.
    let body = format!("rule \"r\" {{ when {chain} > 0 then restrict }}\n");
    let Err(diags) = load("chain_at", &body) else { panic!("a chain of 100,000 operators loaded") };
    let header = "policy \"limits\" version \"1\"\nschema \"account.schema.yaml\"\n".len();
    let operator_1001 = body.match_indices('+').nth(1000).map(|(at, _)| header + at);
    let spans: Vec<(usize, usize)> = diags.iter().map(|d| (d.span.start as usize, d.span.end as usize)).collect();
    assert_eq!(spans, [(operator_1001.unwrap_or_default(), operator_1001.unwrap_or_default() + 1)]);
}

#[test]
fn expressions_deeper_than_evaluation_allows_are_a_diagnostic() {
    let chain = vec!["score"; 1000].join(" + ");
    assert_eq!(codes(load("deep", &format!("rule \"r\" {{ when {chain} > 0 then restrict }}\n"))), ["E0130"]);
    // Depth through lets counts too.
    let mut lets = String::from("let l0 = score\n");
    for i in 1..200 {
        lets.push_str(&format!("let l{i} = l{} + 1\n", i - 1));
    }
    lets.push_str("rule \"r\" { when l199 > 0 then restrict }\n");
    assert!(codes(load("deep-lets", &lets)).contains(&"E0130"));
}

#[test]
fn the_deepest_allowed_expression_evaluates_on_a_small_stack() {
    let chain = vec!["score"; verdict::ir::MAX_EVAL_DEPTH - 2].join(" + ");
    let policy = load("fine", &format!("rule \"r\" {{ when {chain} > 0 then restrict }}\n")).expect("compiles");
    let line = big_account(4, 0);
    let snapshot = verdict::snapshot::parse_json_snapshot(&line, &policy.program.schema).unwrap();
    // Evaluation runs on the caller's stack: a test thread's default 2 MiB.
    let decision = verdict::evaluate(&policy.program, &snapshot, Default::default()).unwrap();
    assert_eq!(decision.outcome, verdict::ir::Outcome::Restrict);
}

#[test]
fn a_policy_of_a_hundred_thousand_rules_compiles() {
    let mut body = String::with_capacity(100_000 * 80);
    for i in 0..100_000 {
        body.push_str(&format!(
            "rule \"r{i}\" priority {} {{ when score < {} then restrict reason \"C{i}\" }}\n",
            i % 7,
            300 + i % 500
        ));
    }
    let policy = load("many", &body).expect("compiles");
    assert_eq!(policy.program.rules.len(), 100_000);
}

#[test]
fn yaml_alias_bombs_are_refused() {
    let bomb = "a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\n";
    let schema = verdict::schema::load_schema("bomb.yaml".as_ref(), bomb).unwrap_err();
    assert_eq!(schema[0].code, "S001");
    let loaded = verdict::load_policy("policies/lifecycle.policy".as_ref()).unwrap();
    let reader = verdict::snapshot::read_snapshots(
        bomb.as_bytes(),
        verdict::snapshot::Format::Yaml,
        loaded.program.schema.clone(),
    )
    .unwrap();
    let items: Vec<_> = reader.collect();
    assert_eq!(items.len(), 1);
    assert!(items[0].as_ref().is_err_and(|e| e.message.contains("alias")), "{:?}", items[0]);
}

fn big_account(strings: usize, overdues: usize) -> String {
    let overdue = r#"{"due_on":"2026-10-01","days":3,"amount":"1.5"}"#;
    let list = vec![overdue; overdues].join(",");
    format!(
        r#"{{"id":"{}","as_of":"2026-11-01","status":"active","credit_limit":"1000","balance":"10","score":700,"opened_on":"2020-01-01","identity":{{"verified":true,"mismatch_fields":[]}},"tags":[],"score_history":[],"overdues":[{list}],"applications":[]}}"#,
        "A".repeat(strings)
    )
}

#[test]
fn a_ten_megabyte_string_and_a_million_element_list_are_decided() {
    let loaded = verdict::load_policy("policies/lifecycle.policy".as_ref()).unwrap();
    let program = &loaded.program;
    for line in [big_account(10 << 20, 0), big_account(8, 1_000_000)] {
        let snapshot = verdict::snapshot::parse_json_snapshot(&line, &program.schema).expect("fits the schema");
        let decision = verdict::evaluate(program, &snapshot, Default::default()).expect("decided");
        assert!(!decision.id.to_string().is_empty());
    }
}

#[test]
fn a_first_group_of_twenty_thousand_rules_checks_with_a_bounded_shadow_search() {
    // Comparing every rule with every earlier one would take minutes; W0111
    // stops after a fixed number of comparisons, early rules still checked.
    let mut body = String::from("group \"g\" first {\n  rule \"wide\" { when score < 700 then restrict }\n  rule \"narrow\" { when score < 600 then restrict }\n");
    for i in 0..20_000 {
        // Disjoint ranges: no rule shadows another, so each is compared with all before it.
        body.push_str(&format!("  rule \"r{i}\" {{ when balance > {i} and balance <= {} then restrict }}\n", i + 1));
    }
    body.push_str("  rule \"late\" { when score < 500 then restrict }\n}\n");
    let policy = load("first-group", &body).expect("compiles");
    assert_eq!(policy.program.rules.len(), 20_003);
    let shadowed: Vec<&str> = policy
        .warnings
        .iter()
        .filter(|d| d.code == "W0111")
        .map(|d| d.message.split('"').nth(1).unwrap_or(""))
        .collect();
    // "narrow" is found; "late", shadowed by "wide" too, is past the search's bound.
    assert!(
        shadowed == ["narrow"],
        "{} W0111 warnings, the first {:?}",
        shadowed.len(),
        &shadowed[..shadowed.len().min(3)]
    );
}

#[test]
fn nested_aggregates_over_a_long_list_are_bounded_per_account() {
    // An aggregate inside another's `where` goes over its list once per outer
    // element: quadratic. The work is bounded per account, and past the bound
    // the account is an error record, not a run that never ends.
    let body = "let near_max = count(overdues where days >= (max(overdues.days) ?? 0) - 5)\n\
                rule \"r\" { when near_max > 3 then restrict }\n";
    let policy = load("nested", body).expect("compiles");
    let line = big_account(4, 2_000);
    let snapshot = verdict::snapshot::parse_json_snapshot(&line, &policy.program.schema).unwrap();
    // 2,000 × 2,000 visits fit the default bound; with a bound of 1,000,000 they do not.
    assert!(verdict::evaluate(&policy.program, &snapshot, Default::default()).is_ok());
    let tight = verdict::EvalOptions { max_element_visits: 1_000_000, ..Default::default() };
    let e = verdict::evaluate(&policy.program, &snapshot, tight).unwrap_err();
    assert_eq!(e.kind, verdict::eval::ErrorKind::Eval);
    assert!(e.message.contains("more than 1000000 list elements"), "{}", e.message);
    // (One pass per aggregate over a million elements, as the example policy
    // makes, stays within the default: see the million-element test above.)
}

#[test]
fn nested_condition_lets_do_not_blow_up_the_reviewer_warnings() {
    // Each let reads the one before sixteen times: expanded for the
    // can-never-fire and shadowed-rule warnings, its normal form would have
    // 16^8 terms. The expansion stops early and the warnings say nothing.
    let mut body = String::from("let l0 = score > 1\n");
    for i in 1..=8 {
        // A balanced `and` of 16 copies, so nesting stays shallow.
        let mut copies = format!("l{}", i - 1);
        for _ in 0..4 {
            copies = format!("({copies} and {copies})");
        }
        body.push_str(&format!("let l{i} = {copies}\n"));
    }
    body.push_str("group \"g\" first {\n  rule \"a\" { when l8 then restrict }\n  rule \"b\" { when l8 and score > 2 then restrict }\n}\n");
    let policy = load("nested-lets", &body).expect("compiles");
    assert_eq!(policy.program.rules.len(), 2);
}

#[test]
fn thousands_of_firing_rules_keep_reasons_and_actions_once_in_order() {
    // Past a handful, repeats are found by hashing instead of comparing each
    // new reason or action with all before it; the result is the same.
    let mut body = String::new();
    for i in 0..3_000 {
        body.push_str(&format!(
            "rule \"r{i}\" {{ when score > 0 then reason \"C{}\" tag \"t{}\" notify sms \"n{}\" }}\n",
            i % 1_000,
            i % 700,
            i % 40
        ));
    }
    let policy = load("many-fire", &body).expect("compiles");
    let snapshot = verdict::snapshot::parse_json_snapshot(&big_account(4, 0), &policy.program.schema).unwrap();
    let decision = verdict::evaluate(&policy.program, &snapshot, Default::default()).unwrap();
    assert_eq!(decision.fired.len(), 3_000);
    let codes: Vec<String> = decision.reasons.iter().map(|r| r.code.to_string()).collect();
    assert_eq!(codes, (0..1_000).map(|i| format!("C{i}")).collect::<Vec<_>>());
    // Each reason names the first rule that gave it.
    assert_eq!(&*decision.reasons[999].rule, "r999");
    let tags = decision.actions.iter().filter(|a| matches!(a, verdict::eval::ActionRecord::Tag { .. })).count();
    let notes = decision.actions.iter().filter(|a| matches!(a, verdict::eval::ActionRecord::Notify { .. })).count();
    assert_eq!((tags, notes, decision.actions.len()), (700, 40, 740));
}

fn errors(r: Result<verdict::LoadedPolicy, Vec<Diagnostic>>) -> Vec<Diagnostic> {
    match r {
        Ok(_) => panic!("the policy compiled; an error was expected"),
        Err(diags) => diags,
    }
}

#[test]
fn a_hundred_thousand_character_misspelt_name_is_reported_without_a_suggestion() {
    // Comparing it with a let one edit away filled a 10^10-cell table (40 GB)
    // before "did you mean" had a length bound.
    let let_name = "x".repeat(100_000);
    let misspelt = format!("{}y", "x".repeat(99_999));
    let body = format!("let {let_name} = 1\nrule \"r\" {{ when {misspelt} > 0 then restrict }}\n");
    let diags = errors(load("long-name", &body));
    let unknown: Vec<&Diagnostic> = diags.iter().filter(|d| d.code == "E0101").collect();
    assert_eq!(unknown.len(), 1);
    assert_eq!(unknown[0].help, None);
    // A name of ordinary length is still corrected.
    let diags = errors(load("short-name", "rule \"r\" { when scroe > 0 then restrict }\n"));
    assert_eq!(diags[0].help.as_deref(), Some("did you mean `score`?"));
}

#[test]
fn unknown_names_past_the_hundredth_are_reported_without_a_suggestion() {
    let body: String = (0..150).map(|i| format!("rule \"r{i}\" {{ when scroe > {i} then restrict }}\n")).collect();
    let diags = errors(load("many-unknown", &body));
    let helps: Vec<Option<&str>> = diags.iter().filter(|d| d.code == "E0101").map(|d| d.help.as_deref()).collect();
    assert_eq!(helps.len(), 150, "every unknown name is still an error");
    assert!(helps[..100].iter().all(|h| *h == Some("did you mean `score`?")));
    assert!(helps[100..].iter().all(Option::is_none));
}

#[test]
fn formatting_the_deepest_policy_needs_nothing_of_the_callers_stack() {
    // Like loading, formatting runs on a large stack of its own: a caller on
    // a small thread can format the deepest policy the parser accepts.
    let deep = format!("{}score{}", "(".repeat(250), ")".repeat(250));
    let text =
        format!("policy \"d\" version \"1\"\nschema \"s.yaml\"\nrule \"r\" {{ when {deep} > 0 then restrict }}\n");
    let formatted = std::thread::Builder::new()
        .stack_size(128 << 10)
        .spawn(move || verdict::format::format_source("d.policy".as_ref(), &text).map(|f| f.len()))
        .unwrap()
        .join()
        .unwrap();
    assert!(formatted.is_ok_and(|len| len > 0));
}

#[test]
fn every_one_of_twenty_thousand_broken_rules_is_reported() {
    // Each broken item is parsed on its own after the first error; repeats
    // are found by position in a set, not by comparing with every error so far.
    let body: String = (0..20_000).map(|i| format!("rule \"r{i}\" {{ when score < then restrict }}\n")).collect();
    let diags = errors(load("broken", &body));
    assert_eq!(diags.len(), 20_000);
    assert!(diags.iter().all(|d| d.code == "P001"));
}

#[test]
fn deep_unclosed_brackets_of_every_kind_are_a_syntax_error() {
    // No call limit stops the parser: its work on a broken text stays linear,
    // each bracket level retried at most once, and it ends in a diagnostic.
    let shapes = [
        format!("let a = {}x\n", "f(".repeat(255)),
        format!("let a = {}x\n", "[f(".repeat(85)),
        format!("let a = {}x\n", "count(a where ".repeat(255)),
        format!("let a = {}x{}\n", "f(".repeat(255), ", ]".repeat(255)),
        format!("rule \"r\" {{ when {} then restrict }}\n", "not (".repeat(255)),
    ];
    for (i, shape) in shapes.iter().enumerate() {
        assert_eq!(codes(load(&format!("unclosed-{i}"), shape)), ["P001"], "{shape}");
    }
}

#[test]
fn brackets_in_strings_and_comments_do_not_count_as_nesting() {
    // Only brackets the parser recurses on are bounded: a reason text or a
    // comment may hold any number of them.
    let parens = "(".repeat(300);
    let body = format!(
        "# {parens}\nrule \"r\" {{ when score > 1 then restrict reason \"R1\" \"{parens} \\\" [[[\" # {parens}\n}}\n"
    );
    assert_eq!(codes(load("quoted-brackets", &body)), Vec::<&str>::new());
    let deep = format!("let d = \"(\" + {}score{}\n", "(".repeat(257), ")".repeat(257));
    assert_eq!(codes(load("deep-after-string", &deep)), ["P002"]);
}

/// `-9223372036854775808` is an int wherever an int literal stands; the
/// same digits without the sign are too large, and say which bound holds.
#[test]
fn the_smallest_int_can_be_written_everywhere_an_int_literal_stands() {
    let min = "-9223372036854775808";
    let body = format!(
        "let tier = case when score == {min} then {min} else 0 end\n\
         let band = table (score) -> int {{\n  [{min}, 0) => {min}\n  >= 0 => 1\n}}\n\
         let card = scorecard base 0 {{\n  score \"S1\" {{\n    {min} => -1\n    > {min} => 1\n  }}\n}}\n\
         rule \"r\" {{ when score in [{min}, -5] and tier == band and card < 0 and score == - 9223372036854775808 \
         then restrict }}\n"
    );
    let policy = load("min", &body).unwrap_or_else(|d| panic!("{d:#?}"));
    let decide = |score: &str| {
        let line = big_account(0, 0).replacen("\"score\":700", &format!("\"score\":{score}"), 1);
        assert!(line.contains(score), "{line}");
        let snapshot = verdict::snapshot::parse_json_snapshot(&line, &policy.program.schema).unwrap();
        verdict::evaluate(&policy.program, &snapshot, Default::default()).unwrap().outcome
    };
    assert_eq!(decide(min), verdict::ir::Outcome::Restrict);
    assert_eq!(decide("-9223372036854775807"), verdict::ir::Outcome::None);

    let too_large = errors(load("max", "rule \"r\" { when score < 9223372036854775808 then restrict }\n"));
    assert_eq!(too_large.iter().map(|d| d.code).collect::<Vec<_>>(), ["P003"]);
    assert!(too_large[0].message.contains("the largest whole number is 9223372036854775807"), "{too_large:?}");
    // A sign before parentheses negates their value, which does not fit first.
    let parenthesized = errors(load("paren", "rule \"r\" { when score < -(9223372036854775808) then restrict }\n"));
    assert_eq!(parenthesized.iter().map(|d| d.code).collect::<Vec<_>>(), ["P003"]);
    let below =
        errors(load("below", "let t = table (score) -> int {\n  < -9223372036854775809 => 1\n  else => 2\n}\n"));
    assert!(below[0].message.contains("the smallest whole number is -9223372036854775808"), "{below:?}");
}

/// `verdict import scorecard` compares at most `MAX_BIN_PAIRS` pairs of bins
/// for overlaps (I004): a variable of 20,000 bins, an overlap at its end,
/// imports instead of comparing 200 million pairs; `check` still refuses
/// the overlap (E0612). Within the bound, the same overlap is refused.
#[test]
fn bins_past_the_pair_bound_are_left_to_check() {
    use verdict::import::{import_scorecard, ImportOptions, MAX_BIN_PAIRS};
    let table = |bins: usize| {
        let mut text = String::from("variable,bin,points\n");
        for i in 0..bins {
            text.push_str(&format!("v,\"[{i},{})\",1\n", i + 1));
        }
        text.push_str("v,\"[0,2)\",1\n");
        text
    };
    let options = ImportOptions::default();
    let small = import_scorecard(std::path::Path::new("small.csv"), &table(10), &options).unwrap_err();
    assert_eq!(small.iter().map(|d| d.code).collect::<Vec<_>>(), ["I004"]);
    const { assert!(20_000 * 19_999 / 2 > MAX_BIN_PAIRS) };
    assert!(import_scorecard(std::path::Path::new("large.csv"), &table(20_000), &options).is_ok());
}

#[test]
fn a_table_of_more_than_a_million_cases_is_a_diagnostic() {
    // Each input compared with 110 values, each by rows that leave the other
    // inputs open: every combination leaves other rows matching, so the
    // proof cannot merge any: 221^3 (10.8 million) cases, refused after the
    // first million.
    let mut rows = String::new();
    for i in 0..110 {
        rows.push_str(&format!("  {i} | _ | _ => 1\n  _ | {i} | _ => 2\n  _ | _ | {i} => 3\n"));
    }
    rows.push_str("  else => 0\n");
    let body = format!(
        "let t = table (score, score + 1, score + 2) -> int first {{\n{rows}}}\nrule \"r\" {{ when t > 0 then restrict }}\n"
    );
    assert_eq!(codes(load("huge-table", &body)), ["E0607"]);
}
