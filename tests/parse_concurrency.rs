//! Parsing holds no process-wide state: policies parsed at once on several
//! threads (a library caller, a server) never bound or change each other.

use std::num::NonZeroUsize;
use std::sync::Mutex;
use verdict::syntax::{ast::PolicyAst, parse_policy};

/// Held by each test: one of them sets pest's process-wide limit for a moment,
/// which would bound the other's parses.
static PEST_LIMIT: Mutex<()> = Mutex::new(());

fn parse(text: &str) -> Option<PolicyAst> {
    parse_policy("p.policy".as_ref(), text).ok()
}

/// True when pest's process-wide call limit stops a parse of `calls` calls.
fn pest_call_limit_stops(calls: usize) -> bool {
    pest::state::<(), _>("", |mut state| {
        for _ in 0..calls {
            state = state.optional(Ok)?;
        }
        Ok(state)
    })
    .is_err()
}

#[test]
fn parsing_leaves_pests_process_wide_call_limit_alone() {
    // pest captures its one process-wide limit when a parse starts; a parser
    // that set it for its own text would set it for every other parse too.
    let _alone = PEST_LIMIT.lock().unwrap_or_else(|e| e.into_inner());
    pest::set_call_limit(None);
    let text = "policy \"p\" version \"1\"\nschema \"s.yaml\"\nlet a = score + 1\n";
    assert!(parse(text).is_some());
    assert!(!pest_call_limit_stops(2_000_000), "no call limit was left set for other parses");
    pest::set_call_limit(NonZeroUsize::new(10));
    assert!(pest_call_limit_stops(100), "the limit set for this check is in force");
    pest::set_call_limit(None);
}

fn large_policy(rules: usize) -> String {
    let header = "policy \"large\" version \"1\"\nschema \"s.yaml\"\n".to_string();
    let rule = |i| format!("rule \"r{i}\" {{ when score > {i} and balance < 100 then restrict }}\n");
    std::iter::once(header).chain((0..rules).map(rule)).collect()
}

#[test]
fn a_large_and_a_deeply_nested_policy_parse_right_side_by_side() {
    // A large text takes far more parser calls than a small one; each parse
    // must be bounded by its own text, never by the other thread's.
    let _alone = PEST_LIMIT.lock().unwrap_or_else(|e| e.into_inner());
    let rules = 1_500;
    let large = large_policy(rules);
    let deep = format!("{}score{}", "(".repeat(250), ")".repeat(250));
    let small = format!("policy \"small\" version \"1\"\nschema \"s.yaml\"\nlet d = {deep} + 1\n");
    let repeat = |text: String, runs: usize, items: usize| {
        std::thread::Builder::new()
            .stack_size(64 << 20)
            .spawn(move || (0..runs).all(|_| parse(&text).is_some_and(|ast| ast.items.len() == items)))
            .unwrap()
    };
    let large_runs = repeat(large, 10, rules + 2);
    let small_runs = repeat(small, 400, 3);
    assert!(small_runs.join().unwrap(), "the deeply nested policy parsed right every time");
    assert!(large_runs.join().unwrap(), "the large policy parsed right every time");
}
