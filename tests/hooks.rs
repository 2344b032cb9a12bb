//! rhai hooks (spec §4, issue 3): how values cross into a script and back,
//! the sandbox against hostile scripts, and hook calls in traces.

mod common;

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};
use verdict::eval::{Decision, ErrorKind, EvalOptions};
use verdict::{LoadedPolicy, Outputs};

const SCHEMA: &str = r#"
entity: account
key: id
fields:
  id: string
  status: enum(active, frozen, closed)
  credit_limit: money
  balance: money
  score: int
  opened_on: date
  verified: bool
  tags: set<string>
  codes: set<int>
  holidays: set<date>
  payments:
    list:
      paid_on: date
      amount: int
    by: paid_on
"#;

const ACCOUNT: &str = r#"{"id":"A-1","as_of":"2026-11-01","status":"active","credit_limit":"10000","balance":"2500",
    "score":700,"opened_on":"2020-01-15","verified":true,"tags":["vip","student"],"codes":[30,4,210],
    "holidays":["2026-12-25","2026-01-01"],"payments":[]}"#;

/// A fresh folder with the schema and the given `hooks/NAME.rhai` scripts.
fn workdir(scripts: &[(&str, &str)]) -> PathBuf {
    static N: AtomicUsize = AtomicUsize::new(0);
    let dir = std::env::temp_dir().join(format!(
        "verdict-hooks-{}-{}",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed)
    ));
    std::fs::create_dir_all(dir.join("hooks")).unwrap();
    std::fs::write(dir.join("account.schema.yaml"), SCHEMA).unwrap();
    for (name, text) in scripts {
        std::fs::write(dir.join(format!("hooks/{name}.rhai")), text).unwrap();
    }
    dir
}

fn policy_text(body: &str) -> String {
    format!("policy \"t\" version \"1\"\nschema \"account.schema.yaml\"\n{body}\n")
}

/// Loads a policy whose hook `h` is defined by `script`.
fn load(body: &str, script: &str) -> LoadedPolicy {
    let dir = workdir(&[("h", script)]);
    match verdict::load_policy_source(&dir.join("t.policy"), &policy_text(body)) {
        Ok(p) => p,
        Err(e) => panic!("policy does not compile: {:#?}", e.diagnostics),
    }
}

/// An account: the default one with some fields replaced.
fn account(fields: &str) -> String {
    let mut account: serde_json::Map<String, serde_json::Value> = serde_json::from_str(ACCOUNT).unwrap();
    let extra: serde_json::Map<String, serde_json::Value> = serde_json::from_str(fields).unwrap();
    account.extend(extra);
    serde_json::to_string(&account).unwrap()
}

fn decide_with(policy: &LoadedPolicy, fields: &str, options: EvalOptions) -> Outputs {
    let snapshot =
        verdict::snapshot::parse_json_snapshot(&account(fields), &policy.program.schema).expect("snapshot fits");
    verdict::evaluate(&policy.program, &snapshot, options)
}

fn decide(policy: &LoadedPolicy, fields: &str) -> Outputs {
    decide_with(policy, fields, EvalOptions::default())
}

/// The limit a decision set, as text.
fn limit(d: &Decision) -> String {
    verdict::value::format_decimal(d.limit.expect("a limit was set"))
}

/// The value of `call` with hook `h` declared as `decl` (`h(...) -> type`) and
/// defined by `script`, as a trace shows it: computed as a let that a rule
/// reads (not as a new limit, which may not be negative).
fn value(decl: &str, script: &str, call: &str) -> String {
    let p = load(
        &format!("hook {decl} from \"hooks/h.rhai\"\nlet v = {call}\nrule \"v\" {{ when v == v then tag \"x\" }}"),
        script,
    );
    let d = decide_with(&p, "{}", EvalOptions { trace: true, ..Default::default() }).expect("decision");
    let trace = d.trace.expect("traced");
    // `v` is the policy's only let.
    trace.lets.iter().find(|(index, _)| *index == 0).map(|(_, v)| trace.operand(v).to_string()).expect("v computed")
}

/// Whether the bool hook holds.
fn holds(decl: &str, script: &str, call: &str) -> bool {
    let p = load(&format!("hook {decl} from \"hooks/h.rhai\"\nrule \"c\" {{ when {call} then tag \"yes\" }}"), script);
    !decide(&p, "{}").expect("decision").fired.is_empty()
}

const SCORE_UTIL: &str = "h(score: int, utilization: decimal) -> decimal";
const CALL: &str = "h(score, balance / credit_limit)"; // score 700, utilization 0.25

#[test]
fn decimals_and_integers_mix_like_the_script_author_expects() {
    let cond = "h(score: int, utilization: decimal) -> bool";
    assert!(holds(cond, "fn h(score, utilization) { utilization < 0.5 }", CALL));
    assert!(!holds(cond, "fn h(score, utilization) { utilization > 0.25 }", CALL));
    assert!(holds(cond, "fn h(score, utilization) { utilization < 1 }", CALL));
    assert!(holds(cond, "fn h(score, utilization) { score > 699.5 }", CALL));
    assert!(holds(cond, "fn h(score, utilization) { score == 700.0 }", CALL));
    assert!(holds(cond, "fn h(score, utilization) { utilization == 0.250 }", CALL));

    assert_eq!(value(SCORE_UTIL, "fn h(score, utilization) { score * 2 }", CALL), "1400");
    assert_eq!(value(SCORE_UTIL, "fn h(score, utilization) { utilization * 0.2 + 1 }", CALL), "1.05");
    assert_eq!(value(SCORE_UTIL, "fn h(score, utilization) { utilization * 2 + 1 }", CALL), "1.5");
    assert_eq!(value(SCORE_UTIL, "fn h(score, utilization) { score * 0.01 }", CALL), "7");
    assert_eq!(value(SCORE_UTIL, "fn h(score, utilization) { score + utilization }", CALL), "700.25");
    assert_eq!(value(SCORE_UTIL, "fn h(score, utilization) { 1 - utilization }", CALL), "0.75");
    assert_eq!(value(SCORE_UTIL, "fn h(score, utilization) { (score - 600) / 100.0 }", CALL), "1");
    assert_eq!(value(SCORE_UTIL, "fn h(score, utilization) { 0.1 + 0.2 }", CALL), "0.3");
    // rhai's own integer division, documented in src/hooks.rs
    assert_eq!(value(SCORE_UTIL, "fn h(score, utilization) { score / 1000 }", CALL), "0");
}

#[test]
fn results_are_converted_to_the_declared_type() {
    // an integer result for a decimal hook
    assert_eq!(value(SCORE_UTIL, "fn h(score, utilization) { 3 }", CALL), "3");
    // a whole decimal for an int hook
    let int_hook = "h(score: int, utilization: decimal) -> int";
    assert_eq!(value(int_hook, "fn h(score, utilization) { score * 1.5 }", CALL), "1050");
    assert_eq!(value(int_hook, "fn h(score, utilization) { 2.000 }", CALL), "2");
    // an int hook's result mixes with decimals in the policy
    assert_eq!(value(int_hook, "fn h(score, utilization) { score }", "h(score, 0.5) * 0.5"), "350");
    // exact decimal math, also on integer arguments
    assert_eq!(value(SCORE_UTIL, "fn h(score, utilization) { (exp(2) - exp(2.0)).abs() }", CALL), "0");
    assert_eq!(value(SCORE_UTIL, "fn h(score, utilization) { round(exp(utilization), 6) }", CALL), "1.284025");
    assert_eq!(value(SCORE_UTIL, "fn h(score, utilization) { sqrt(16) + ln(1) }", CALL), "4");
    // `round` rounds half away from zero, as in the policy language (rhai's own rounds half to even)
    assert_eq!(value(SCORE_UTIL, "fn h(score, utilization) { round(0.125, 2) + round(2.5) }", CALL), "3.13");
    assert_eq!(value(SCORE_UTIL, "fn h(score, utilization) { (-0.125).round(2) }", CALL), "-0.13");
    // an int literal argument for a decimal parameter
    assert_eq!(value(SCORE_UTIL, "fn h(score, utilization) { utilization * 3 }", "h(1, 2)"), "6");
}

#[test]
fn arguments_arrive_as_the_spec_says() {
    let body = |decl: &str, call: &str| {
        format!("hook h({decl}) -> bool from \"hooks/h.rhai\"\nrule \"c\" {{ when h({call}) then tag \"yes\" }}")
    };
    let cases = [
        ("x: money", "balance", "type_of(x) == \"decimal\" && x == 2500"),
        ("x: decimal", "balance / credit_limit", "type_of(x) == \"decimal\" && x == 0.25"),
        ("x: int", "score", "type_of(x) == \"i64\" && x == 700"),
        ("x: bool", "verified", "x == true"),
        ("x: string", "id", "x == \"A-1\""),
        ("x: string", "status", "x == \"active\""),
        ("x: date", "opened_on", "x == \"2020-01-15\""),
        ("x: date", "as_of", "x.sub_string(0, 4) == \"2026\""),
        ("x: set<string>", "tags", "type_of(x) == \"array\" && x.contains(\"vip\") && x.len() == 2"),
        ("x: set<int>", "codes", "type_of(x[0]) == \"i64\" && x.contains(210) && x.len() == 3"),
        ("x: set<date>", "holidays", "x.contains(\"2026-12-25\")"),
    ];
    for (decl, call, test) in cases {
        let p = load(&body(decl, call), &format!("fn h(x) {{ {test} }}"));
        let d = decide(&p, "{}").expect("decision");
        assert_eq!(d.fired.len(), 1, "h({decl}) called with {call} should satisfy `{test}`");
    }
    // a date result
    let p = load(
        "hook h(d: date) -> date from \"hooks/h.rhai\"\nrule \"c\" { when h(opened_on) == 2021-01-15 then tag \"yes\" }",
        r#"fn h(d) { let y = parse_int(d.sub_string(0, 4)); `${y + 1}${d.sub_string(4)}` }"#,
    );
    assert_eq!(decide(&p, "{}").expect("decision").fired.len(), 1);
}

/// A policy calling `h(score)`; the script misbehaves only for the account whose score is 666.
fn hostile(script: &str) -> LoadedPolicy {
    load(
        "hook h(score: int) -> decimal from \"hooks/h.rhai\"\n\
         rule \"raise\" { when h(score) < 1 then set limit to h(score) * credit_limit }",
        script,
    )
}

/// Asserts the hostile account fails with a hook error whose message names the
/// hook and contains `wanted`, within bounded time, and that the next account is
/// still decided correctly.
fn assert_contained(policy: &LoadedPolicy, wanted: &str) -> String {
    let started = Instant::now();
    let err = decide(policy, r#"{"id":"A-666","score":666}"#).expect_err("the hostile account fails");
    let spent = started.elapsed();
    // Not a speed test: the message below says which budget stopped the
    // call; this only tells a budget apart from the 60 s wall-clock backstop
    // with room for a loaded machine.
    assert!(spent < Duration::from_secs(30), "a hostile hook took {spent:?}");
    assert_eq!(err.kind, ErrorKind::Hook, "{err:?}");
    assert_eq!(err.id.map(|k| k.to_string()).as_deref(), Some("A-666"));
    assert!(err.message.starts_with("hook `h` failed "), "{}", err.message);
    assert!(err.message.contains("hooks/h.rhai"), "{}", err.message);
    assert!(err.message.contains(wanted), "{} should contain {wanted}", err.message);
    let d = decide(policy, r#"{"id":"A-2","score":700}"#).expect("the next account is decided");
    assert_eq!(limit(&d), "7000");
    err.message
}

#[test]
fn an_infinite_loop_runs_out_of_budget() {
    let script = "fn h(score) {\n  if score == 666 {\n    loop { score += 1; }\n  }\n  score / 1000.0\n}\n";
    let message = assert_contained(&hostile(script), "ran out of its budget of 100000 operations");
    assert!(message.contains("hooks/h.rhai:1:1"), "{message}");
}

#[test]
fn a_budget_can_be_set_per_hook() {
    let script = "fn h(score) {\n  let n = 0;\n  for i in 0..200 { n += 1; }\n  score / 1000.0\n}\n";
    let generous = load(
        "hook h(score: int) -> decimal from \"hooks/h.rhai\"\nrule \"r\" { when true then set limit to h(score) }",
        script,
    );
    assert_eq!(limit(&decide(&generous, "{}").unwrap()), "0.7");
    let tight = load(
        "hook h(score: int) -> decimal from \"hooks/h.rhai\" budget 50\nrule \"r\" { when true then set limit to h(score) }",
        script,
    );
    let err = decide(&tight, "{}").unwrap_err();
    assert!(err.message.contains("ran out of its budget of 50 operations"), "{}", err.message);
}

#[test]
fn a_budget_has_a_maximum() {
    let body = |budget: u64| {
        format!("hook h(score: int) -> decimal from \"hooks/h.rhai\" budget {budget}\nrule \"r\" {{ when true then set limit to h(score) }}")
    };
    let dir = workdir(&[("h", "fn h(score) { score / 1000.0 }")]);
    let largest = verdict::hooks::MAX_BUDGET;
    assert_eq!(largest, 10_000_000);
    let load = |budget| verdict::load_policy_source(&dir.join("t.policy"), &policy_text(&body(budget)));
    assert!(load(largest).is_ok());
    for budget in [largest + 1, u64::MAX >> 1] {
        let err = load(budget).expect_err("over the maximum");
        assert_eq!(err.diagnostics[0].code, "E0304");
        assert_eq!(err.diagnostics[0].message, "a hook's budget is at most 10000000 operations");
    }
}

#[test]
fn runaway_recursion_is_stopped() {
    let script = "fn down(n) { down(n + 1) }\nfn h(score) {\n  if score == 666 { down(0) }\n  score / 1000.0\n}\n";
    let message = assert_contained(&hostile(script), "more than 32 levels deep");
    // rhai gives no position for a stack overflow: the location is the hook's function
    assert!(message.contains("hooks/h.rhai:2:1: "), "{message}");
}

#[test]
fn recursion_with_deep_expressions_does_not_overflow_the_native_stack() {
    // every level nests expressions as deep as the limit allows, so the evaluator's own recursion is deep
    let script = |depth: usize| {
        let nested = format!("{}down(n + 1){}", "1 + (".repeat(depth), ")".repeat(depth));
        format!("fn down(n) {{ {nested} }}\nfn h(score) {{\n  if score == 666 {{ down(0) }}\n  score / 1000.0\n}}\n")
    };
    let body = "hook h(score: int) -> decimal from \"hooks/h.rhai\"\n\
                rule \"raise\" { when h(score) < 1 then set limit to h(score) * credit_limit }";
    let (depth, policy) = (1..40)
        .rev()
        .find_map(|depth| {
            let dir = workdir(&[("h", &script(depth))]);
            verdict::load_policy_source(&dir.join("t.policy"), &policy_text(body)).ok().map(|p| (depth, p))
        })
        .expect("some depth compiles");
    assert!(depth >= 10, "only {depth} nested expressions compile");
    // on a thread with the small stack of a worker
    std::thread::Builder::new()
        .stack_size(2 * 1024 * 1024)
        .spawn(move || {
            assert_contained(&policy, "more than 32 levels deep");
        })
        .unwrap()
        .join()
        .unwrap();
}

#[test]
fn string_doubling_hits_the_size_limit() {
    let script = "fn h(score) {\n  let s = \"x\";\n  if score == 666 { loop { s += s; } }\n  score / 1000.0\n}\n";
    assert_contained(&hostile(script), "Length of string over the limit");
}

/// A negative number to a power that is not whole has no real result:
/// rhai's own `**` (rust_decimal's `checked_powd`) gave the power of its
/// absolute value with its sign, `(-8.0) ** 0.5` = -2.83, also when folded
/// as a constant and through `**=`. Whole powers of negatives stay exact.
#[test]
fn a_negative_number_to_a_fractional_power_is_a_hook_error() {
    let script = "fn h(score) {\n  let b = (600 - score) * 1.0;\n  \
                  if score == 601 { return b ** 0.5; }\n  \
                  if score == 602 { let x = b; x **= 0.5; return x; }\n  \
                  if score == 603 { return (-8.0) ** 0.5; }\n  \
                  if score == 604 { return (600 - score) ** 0.5; }\n  \
                  if score == 605 { return (-2.0) ** 2 + (-2.0) ** 3.0 + 100; }\n  \
                  2.0 ** 0.5\n}\n";
    let p = load(
        "hook h(score: int) -> decimal from \"hooks/h.rhai\"\nrule \"r\" { when true then set limit to h(score) }",
        script,
    );
    for score in 601..=604 {
        let err = decide(&p, &format!(r#"{{"score":{score}}}"#)).expect_err("no real result");
        assert!(err.message.contains("** 0.5 has no real result"), "{score}: {}", err.message);
    }
    assert_eq!(limit(&decide(&p, r#"{"score":605}"#).unwrap()), "96");
    assert_eq!(limit(&decide(&p, r#"{"score":700}"#).unwrap()), "1.4142135623730950488016887244");
}

#[test]
fn anonymous_functions_that_capture_nothing_run() {
    // sort, filter and map with anonymous functions: score 700 gives [2, 3] doubled, 0.7 + 10
    let script = "fn h(score) {\n  let a = [3, 1, 2];\n  a.sort(|p, q| p - q);\n  \
                  let b = a.filter(|x| x > 1).map(|x| x * 2);\n  score / 1000.0 + b[0] + b[1]\n}\n";
    let p = load(
        "hook h(score: int) -> decimal from \"hooks/h.rhai\"\nrule \"r\" { when true then set limit to h(score) }",
        script,
    );
    assert_eq!(limit(&decide(&p, "{}").unwrap()), "10.7");
}

#[test]
fn a_huge_array_hits_the_size_limit() {
    let script = "fn h(score) {\n  if score == 666 { let a = []; a.pad(100000000, 0); }\n  score / 1000.0\n}\n";
    assert_contained(&hostile(script), "Size of array/BLOB over the limit");
    // many strings held in one array count together
    let script = "fn h(score) {\n  let s = \"\"; s.pad(60000, \"x\");\n  let a = [];\n  \
                  if score == 666 { for i in 0..100 { a.push(s); } }\n  score / 1000.0\n}\n";
    assert_contained(&hostile(script), "over the limit");
    // doubling an array of arrays
    let script =
        "fn h(score) {\n  let a = [[1, 2], [3]];\n  if score == 666 { loop { a += a; } }\n  score / 1000.0\n}\n";
    assert_contained(&hostile(script), "Size of array/BLOB over the limit");
}

#[test]
fn an_undefined_function_fails_at_its_call() {
    // Called as a method, a function is looked up when the call runs.
    let script = "fn h(score) {\n  if score == 666 { return score.nope(); }\n  score / 1000.0\n}\n";
    assert_contained(&hostile(script), "hooks/h.rhai:2:34: Function not found: nope (i64)");
    // Called as a function, it is refused when the policy is checked (E0314).
    let script = "fn h(score) {\n  if score == 666 { return nope(score); }\n  score / 1000.0\n}\n";
    assert_eq!(load_codes(script), ["E0314"]);
}

/// The codes of loading a policy whose hook `h` is defined by `script` (none when it loads).
fn load_codes(script: &str) -> Vec<&'static str> {
    let dir = workdir(&[("h", script)]);
    let body = "hook h(score: int) -> decimal from \"hooks/h.rhai\"\nrule \"r\" { when h(score) > 0 then tag \"x\" }";
    match verdict::load_policy_source(&dir.join("t.policy"), &policy_text(body)) {
        Ok(_) => Vec::new(),
        Err(e) => e.diagnostics.iter().map(|d| d.code).collect(),
    }
}

#[test]
fn a_wrong_return_type_is_a_hook_error() {
    let script = "fn h(score) {\n  if score == 666 { return \"high\"; }\n  score / 1000.0\n}\n";
    assert_contained(&hostile(script), "returned a string, but it is declared to return decimal");
    let script = "fn h(score) {\n  if score == 666 { return; }\n  score / 1000.0\n}\n";
    assert_contained(&hostile(script), "returned nothing, but it is declared to return decimal");
    let script = "fn h(score) {\n  if score == 666 { return [1]; }\n  score / 1000.0\n}\n";
    assert_contained(&hostile(script), "returned an array");
    // a fractional decimal for an int hook
    let p = load(
        "hook h(score: int) -> int from \"hooks/h.rhai\"\nrule \"r\" { when true then set limit to h(score) }",
        "fn h(score) { score / 1000.0 }",
    );
    let err = decide(&p, "{}").unwrap_err();
    assert!(err.message.contains("returned 0.7, which is not a whole number, but it is declared to return int"));
    // a date hook returning a non-date
    let p = load(
        "hook h(d: date) -> date from \"hooks/h.rhai\"\nrule \"r\" { when h(opened_on) > as_of then tag \"x\" }",
        "fn h(d) { d + \"!\" }",
    );
    let err = decide(&p, "{}").unwrap_err();
    assert!(err.message.contains("returned \"2020-01-15!\", which is not a YYYY-MM-DD date"), "{}", err.message);
}

#[test]
fn division_by_zero_inside_the_script_is_a_hook_error() {
    let script = "fn h(score) {\n  let r = 1 / (score - 666);\n  score / 1000.0\n}\n";
    assert_contained(&hostile(script), "hooks/h.rhai:2:13: Division by zero: 1 / 0");
    let script = "fn h(score) {\n  score / (score - 666.0)\n}\n";
    let p = load(
        "hook h(score: int) -> decimal from \"hooks/h.rhai\"\nrule \"r\" { when h(score) > 0 then tag \"x\" }",
        script,
    );
    let err = decide(&p, r#"{"score":666}"#).unwrap_err();
    assert!(err.message.contains("Division by zero"), "{}", err.message);
    assert_eq!(decide(&p, "{}").unwrap().fired.len(), 1);
}

/// A hook's `exp` is the decimal nearest e^x (values from Python's decimal
/// module at 60 digits), on decimals and integers, and zero far below 1.
#[test]
fn exp_in_a_hook_is_the_nearest_decimal() {
    let exp_of = |call: &str| value("h(x: decimal) -> decimal", "fn h(x) { exp(x) }", call);
    assert_eq!(exp_of("h(1)"), "2.7182818284590452353602874714");
    assert_eq!(exp_of("h(-2.6)"), "0.0742735782143338804282105702");
    assert_eq!(exp_of("h(0.25)"), "1.2840254166877414840734205681");
    assert_eq!(exp_of("h(-65.5)"), "0");
    let on_int = value("h(x: int) -> decimal", "fn h(x) { exp(x) }", "h(3)");
    assert_eq!(on_int, "20.085536923187667740928529655");
}

#[test]
fn overflow_and_math_errors_are_hook_errors() {
    let script = "fn h(score) {\n  if score == 666 { return exp(score); }\n  score / 1000.0\n}\n";
    assert_contained(&hostile(script), "exp(666) has no decimal result");
    let script = "fn h(score) {\n  if score == 666 { return exp(score / 10.0); }\n  score / 1000.0\n}\n";
    assert_contained(&hostile(script), "exp(66.6) has no decimal result");
    let script = "fn h(score) {\n  if score == 666 { return 9223372036854775807 + score; }\n  score / 1000.0\n}\n";
    assert_contained(&hostile(script), "Addition overflow");
}

#[test]
fn scripts_cannot_reach_outside_the_sandbox() {
    for (script, what) in [
        ("fn h(score) { eval(\"1\") }", "eval"),
        ("import \"os\" as os;\nfn h(score) { 1 }", "import"),
        ("fn h(score) { y * 2 }", "an undefined variable"),
    ] {
        let dir = workdir(&[("h", script)]);
        let body =
            "hook h(score: int) -> decimal from \"hooks/h.rhai\"\nrule \"r\" { when h(score) > 0 then tag \"x\" }";
        let err = verdict::load_policy_source(&dir.join("t.policy"), &policy_text(body))
            .expect_err(&format!("{what} must not compile"));
        assert_eq!(err.diagnostics[0].code, "E0310", "{what}: {:?}", err.diagnostics);
    }
    // functions of the clock, files and the environment are not there to
    // call: refused when checked, and not found as methods at run time
    for call in ["timestamp()", "open_file(\"/etc/passwd\")", "env(\"HOME\")", "sleep(10)"] {
        let script = format!("fn h(score) {{\n  if score == 666 {{ return {call}; }}\n  score / 1000.0\n}}\n");
        assert_eq!(load_codes(&script), ["E0314"], "{call}");
    }
    for call in ["\"/etc/passwd\".open_file()", "\"HOME\".env()", "score.sleep()"] {
        let script = format!("fn h(score) {{\n  if score == 666 {{ return {call}; }}\n  score / 1000.0\n}}\n");
        assert_contained(&hostile(&script), "Function not found");
    }
}

#[test]
fn top_level_statements_never_run() {
    let script = "loop {}\nfn h(score) { score / 1000.0 }\n";
    let p = load(
        "hook h(score: int) -> decimal from \"hooks/h.rhai\"\nrule \"r\" { when true then set limit to h(score) }",
        script,
    );
    assert_eq!(limit(&decide(&p, "{}").unwrap()), "0.7");
}

#[test]
fn traces_show_hook_calls_and_what_they_printed() {
    let p = load(
        "hook h(score: int, utilization: decimal) -> decimal from \"hooks/h.rhai\"\n\
         rule \"r\" { when h(score, balance / credit_limit) < 1 then tag \"low\" }",
        "fn h(score, utilization) {\n  print(`score ${score}`);\n  debug(utilization);\n  utilization * 2\n}\n",
    );
    let d = decide_with(&p, "{}", EvalOptions { trace: true, ..Default::default() }).expect("decision");
    let trace = d.trace.expect("a trace");
    assert_eq!(trace.hooks.len(), 1);
    let call = &trace.hooks[0];
    assert_eq!(p.program.hooks[call.hook].name(), "h");
    let args: Vec<String> = call.args.iter().map(ToString::to_string).collect();
    assert_eq!(args, ["700", "0.25"]);
    assert_eq!(call.result.as_ref().map(ToString::to_string), Ok("0.5".to_string()));
    assert_eq!(call.printed, ["score 700", "0.25 (debug at 3:3)"]);
    // without a trace nothing is collected (and nothing printed: see the CLI test)
    assert!(decide(&p, "{}").unwrap().trace.is_none());
}

// ---- through the command line -------------------------------------------------

fn verdict(dir: &Path, args: &[&str]) -> (i32, String, String) {
    common::verdict_in(dir, args)
}

/// `t.policy` in `dir`: raise the limit by the hook `h(score)` when it is below 1.
fn write_raise_policy(dir: &Path) {
    let policy = "hook h(score: int) -> decimal from \"hooks/h.rhai\"\n\
                  rule \"raise\" { when h(score) < 1 then set limit to h(score) * credit_limit }";
    std::fs::write(dir.join("t.policy"), policy_text(policy)).unwrap();
}

/// A hook's error record names its script as the policy writes it, so the
/// same policy gives the same records from any folder: a golden file
/// accepted beside the policy passes from its `tests/` folder, from `/` with
/// an absolute path, and in a copy (a second checkout for `diff`).
#[test]
fn a_hook_error_names_its_script_the_same_from_any_folder() {
    let dir = workdir(&[("h", "fn h(score) {\n  let a = [1];\n  a[score]\n}\n")]);
    write_raise_policy(&dir);
    std::fs::create_dir_all(dir.join("tests")).unwrap();
    std::fs::write(dir.join("accounts.jsonl"), account(r#"{"id":"A-1","score":7}"#) + "\n").unwrap();
    let absolute = dir.join("t.policy").display().to_string();
    let book = dir.join("accounts.jsonl").display().to_string();
    let mut records = Vec::new();
    for (folder, policy) in [(dir.clone(), "t.policy"), (dir.join("tests"), "../t.policy"), ("/".into(), &absolute)] {
        let (code, stdout, stderr) = verdict(&folder, &["eval", policy, &book]);
        assert_eq!(code, 1, "{stderr}");
        records.push(stdout);
    }
    assert!(records[0].contains("failed at hooks/h.rhai:3:5"), "{}", records[0]);
    assert!(records.iter().all(|r| *r == records[0]), "{records:#?}");
}

/// Hostile accounts among good ones: each fails alone, the others are decided, nothing is printed.
#[test]
fn cli_eval_contains_hostile_hooks() {
    let script = "fn h(score) {\n  print(\"noise\");\n  debug(\"more noise\");\n  \
                  if score == 1 { loop {} }\n  \
                  if score == 2 { let s = \"x\"; loop { s += s; } }\n  \
                  if score == 3 { return h(score); }\n  \
                  if score == 4 { return \"x\"; }\n  \
                  score / 1000.0\n}\n";
    let dir = workdir(&[("h", script)]);
    write_raise_policy(&dir);
    let lines: Vec<String> = [(1, "A-1"), (700, "A-2"), (2, "A-3"), (3, "A-4"), (4, "A-5"), (650, "A-6")]
        .iter()
        .map(|(score, id)| account(&format!(r#"{{"id":"{id}","score":{score}}}"#)))
        .collect();
    std::fs::write(dir.join("accounts.jsonl"), lines.join("\n") + "\n").unwrap();
    for jobs in ["1", "3"] {
        let started = Instant::now();
        let (code, stdout, stderr) = verdict(&dir, &["eval", "t.policy", "accounts.jsonl", "--jobs", jobs]);
        assert!(started.elapsed() < Duration::from_secs(10));
        assert_eq!(code, 1, "failures exit 1; stderr: {stderr}");
        assert!(!stdout.contains("noise") && !stderr.contains("noise"), "print must go nowhere:\n{stdout}\n{stderr}");
        let records: Vec<serde_json::Value> = stdout.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
        let summary: Vec<String> = records
            .iter()
            .map(|r| match &r["error"] {
                serde_json::Value::Null => {
                    format!("{} limit {}", r["id"].as_str().unwrap(), r["limit"].as_str().unwrap())
                }
                e => format!(
                    "{} {}: {}",
                    r["id"].as_str().unwrap(),
                    e["kind"].as_str().unwrap(),
                    e["message"].as_str().unwrap()
                ),
            })
            .collect();
        assert_eq!(
            summary,
            [
                "A-1 hook: hook `h` failed at hooks/h.rhai:1:1: ran out of its budget of 100000 operations in rule \"raise\"",
                "A-2 limit 7000",
                "A-3 hook: hook `h` failed at hooks/h.rhai:1:1: Length of string over the limit (strings 65536 bytes, arrays \
                 10000 items, maps 10000 entries) in rule \"raise\"",
                "A-4 hook: hook `h` failed at hooks/h.rhai:1:1: called functions more than 32 levels deep in rule \"raise\"",
                "A-5 hook: hook `h` failed in hooks/h.rhai: returned a string, but it is declared to return decimal in rule \
                 \"raise\"",
                "A-6 limit 6500",
            ],
            "with --jobs {jobs}"
        );
    }
}

/// Through the command line: a panic in the engine prints no panic report
/// (with one worker and with several), and a call past the backstop fails
/// the run with exit 5 and leaves `--output` as it was.
#[test]
fn cli_engine_panics_are_quiet_and_the_backstop_fails_the_run() {
    let script = "fn h(score) {\n  let a = [];\n  for i in 0..30 { a.push((i * 7919) % 101); }\n  \
                  if score == 1 { a.sort(|x, y| if (x + y) % 3 == 0 { -1 } else { 1 }); }\n  \
                  let b = []; b.pad(9999, 0);\n  \
                  if score == 2 { loop { b.contains(1); } }\n  \
                  score / 1000.0\n}\n";
    let dir = workdir(&[("h", script)]);
    write_raise_policy(&dir);
    let panicking =
        [(1, "A-1"), (700, "A-2"), (1, "A-3")].map(|(s, id)| account(&format!(r#"{{"id":"{id}","score":{s}}}"#)));
    std::fs::write(dir.join("panics.jsonl"), panicking.join("\n") + "\n").unwrap();
    for jobs in ["1", "2"] {
        let (code, stdout, stderr) = verdict(&dir, &["eval", "t.policy", "panics.jsonl", "--jobs", jobs]);
        assert_eq!(code, 1, "{stderr}");
        assert!(!stderr.contains("panicked") && !stderr.contains("RUST_BACKTRACE"), "--jobs {jobs}: {stderr}");
        let kinds: Vec<String> = stdout
            .lines()
            .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap())
            .map(|r| r["error"]["kind"].as_str().unwrap_or("decided").to_string())
            .collect();
        assert_eq!(kinds, ["hook", "decided", "hook"], "--jobs {jobs}");
    }

    let slow =
        [(700, "A-1"), (2, "A-2"), (650, "A-3")].map(|(s, id)| account(&format!(r#"{{"id":"{id}","score":{s}}}"#)));
    std::fs::write(dir.join("slow.jsonl"), slow.join("\n") + "\n").unwrap();
    std::fs::write(dir.join("out.jsonl"), "{\"id\":\"previous\",\"as_of\":\"2026-11-01\",\"outcome\":\"none\",\"until\":null,\"limit\":null,\"reasons\":[],\"actions\":[],\"fired\":[],\"policy\":{\"name\":\"p\",\"version\":\"1\",\"fingerprint\":\"sha256:0\"}}\n").unwrap();
    let args = ["eval", "t.policy", "slow.jsonl", "--hook-backstop-ms", "300", "--jobs", "1"];
    let (code, stdout, stderr) = verdict(&dir, &args);
    assert_eq!(code, 5, "{stderr}");
    let records: Vec<serde_json::Value> = stdout.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(records.len(), 3, "every account has its record");
    assert!(records[0].get("outcome").is_some(), "decided before the backstop was met: {}", records[0]);
    assert_eq!(records[1]["error"]["kind"], "timeout");
    // The run has failed: the calls after the one that met the backstop give
    // up at once, instead of each running up to the backstop too.
    assert_eq!(records[2]["error"]["kind"], "timeout");
    let given_up = records[2]["error"]["message"].as_str().unwrap();
    assert!(
        given_up.starts_with("hook `h` was not called: a call before it met the wall-clock backstop"),
        "{given_up}"
    );
    assert!(
        stderr.contains("error: a hook call ran past the wall-clock backstop of 0.3 s, and 2 accounts are not decided"),
        "{stderr}"
    );
    let (code, _, stderr) = verdict(&dir, &[&args[..], &["--output", "out.jsonl"]].concat());
    assert_eq!(code, 5, "{stderr}");
    assert_eq!(
        std::fs::read_to_string(dir.join("out.jsonl")).unwrap(),
        "{\"id\":\"previous\",\"as_of\":\"2026-11-01\",\"outcome\":\"none\",\"until\":null,\"limit\":null,\"reasons\":[],\"actions\":[],\"fired\":[],\"policy\":{\"name\":\"p\",\"version\":\"1\",\"fingerprint\":\"sha256:0\"}}\n",
        "--output is not replaced"
    );
    assert!(stderr.contains("`out.jsonl` was not written"), "{stderr}");
}

#[test]
fn cli_trace_shows_hook_calls() {
    let dir = workdir(&[("h", "fn h(score, utilization) {\n  print(\"scored\");\n  utilization * 2\n}\n")]);
    std::fs::write(
        dir.join("t.policy"),
        policy_text("hook h(score: int, utilization: decimal) -> decimal from \"hooks/h.rhai\"\nrule \"r\" { when h(score, balance / credit_limit) < 1 then tag \"low\" }"),
    )
    .unwrap();
    std::fs::write(dir.join("a.jsonl"), account("{}") + "\n").unwrap();
    let (code, stdout, stderr) = verdict(&dir, &["eval", "t.policy", "a.jsonl", "--trace"]);
    assert_eq!(code, 0, "{stderr}");
    let record: serde_json::Value = serde_json::from_str(stdout.trim()).unwrap();
    assert_eq!(
        record["trace"]["hooks"],
        serde_json::json!([{"hook": "h", "args": [700, "0.25"], "result": "0.5", "printed": ["scored"]}])
    );
}

#[test]
fn assigning_into_elements_is_rejected_at_load() {
    for script in [
        "fn h(score) { let m = #{}; m[`${score}`] = 1; 1 }",
        "fn h(score) { let a = [0]; a[0] = score; 1 }",
        "fn h(score) { let a = [[0]]; a[0][0] += score; 1 }",
        "fn h(score) { let m = #{ k: 1 }; m.k = score; 1 }",
        "fn helper(m) { m.k.j = 1; m }\nfn h(score) { 1 }",
    ] {
        let dir = workdir(&[("h", script)]);
        let body =
            "hook h(score: int) -> decimal from \"hooks/h.rhai\"\nrule \"r\" { when h(score) > 0 then tag \"x\" }";
        let err = verdict::load_policy_source(&dir.join("t.policy"), &policy_text(body)).expect_err(script);
        assert_eq!(err.diagnostics[0].code, "E0312", "{script}: {:?}", err.diagnostics);
    }
    // assigning whole variables, and growing values through (checked) calls, is fine
    let p = load(
        "hook h(score: int) -> decimal from \"hooks/h.rhai\"\nrule \"r\" { when true then set limit to h(score) }",
        "fn h(score) { let a = []; a.push(score); a += [1]; let m = #{ k: 2 }; m += #{ j: 3 }; a.len() + m.len() + m.k }",
    );
    assert_eq!(limit(&decide(&p, "{}").unwrap()), "6");
}

/// A number past an exact decimal's 28 places is rounded by rhai, and a
/// shift by 64 loses every bit, both without a word: refused at load.
#[test]
fn numbers_rhai_would_round_and_bit_shifts_are_rejected_at_load() {
    let body = "hook h(score: int) -> decimal from \"hooks/h.rhai\"\nrule \"r\" { when h(score) > 0 then tag \"x\" }";
    for (script, said) in [
        (
            "fn h(score) { 1.99999999999999999999999999999 }",
            "the number `1.99999999999999999999999999999` has more digits",
        ),
        ("fn h(score) {\n  0.00000000000000000000000000009 }", "the number `0.00000000000000000000000000009`"),
        ("fn h(score) { 9.0000000000000000000000000001 }", "the number `9.0000000000000000000000000001` has more"),
        ("fn h(score) { 1 << 64 }", "a hook may not shift bits (`<<`)"),
        ("fn h(score) { let x = score; x >>= 1; x }", "a hook may not shift bits (`>>=`)"),
    ] {
        let dir = workdir(&[("h", script)]);
        let err = verdict::load_policy_source(&dir.join("t.policy"), &policy_text(body)).expect_err(script);
        assert_eq!(err.diagnostics[0].code, "E0315", "{script}: {:?}", err.diagnostics);
        assert!(err.diagnostics[0].message.contains(said), "{script}: {:?}", err.diagnostics);
    }
    // 28 places, digit groups and a whole number past i64 are exact.
    let p = load(
        "hook h(score: int) -> decimal from \"hooks/h.rhai\"\nrule \"r\" { when true then set limit to h(score) }",
        "fn h(score) { 1_000.25 + 0.0000000000000000000000000001 * 0 + 99999999999999999999 * 0 + 0.0000000000000000000000000000000 }",
    );
    assert_eq!(limit(&decide(&p, "{}").unwrap()), "1000.25");
}

/// A script within its budget but slow per operation (each `contains` is one
/// operation comparing 10,000 items) is not decided by the clock: past the
/// wall-clock backstop, far beyond any legitimate call, its account is a
/// `timeout` record, which fails the whole run (exit 5), never a `hook` error
/// that reads like a decision. The backstop is lowered here to keep the test short.
#[test]
fn a_slow_loop_within_budget_meets_the_backstop_which_is_not_a_decision() {
    let script = "fn h(score) {\n  let a = [];\n  a.pad(9999, 0);\n  if score == 666 { loop { a.contains(1); } }\n  \
                  score / 1000.0\n}\n";
    let policy = hostile(script);
    let options = EvalOptions { hook_backstop: Duration::from_millis(300), ..Default::default() };
    let started = Instant::now();
    let err = decide_with(&policy, r#"{"id":"A-666","score":666}"#, options).expect_err("not decided");
    assert!(started.elapsed() < Duration::from_secs(5), "took {:?}", started.elapsed());
    assert_eq!(err.kind, ErrorKind::Timeout, "{err:?}");
    assert!(err.message.starts_with("hook `h` ran past the wall-clock backstop of 0.3 s"), "{}", err.message);
    assert_eq!(ErrorKind::Timeout.name(), "timeout");
    // the same hook decides every other account, whatever the backstop
    let d = decide_with(&policy, r#"{"id":"A-2","score":700}"#, options).expect("decided");
    assert_eq!(limit(&d), "7000");
    // the backstop is a minute by default, far beyond the largest budget's second
    assert_eq!(EvalOptions::default().hook_backstop, Duration::from_secs(60));
}

/// The operations of every hook call count toward the account's work bound,
/// with the list elements its aggregates go over: a hook in a `where` runs
/// once per element.
#[test]
fn hook_operations_count_toward_the_work_bound() {
    let script = "fn h(amount) {\n  let n = 0;\n  for i in 0..100 { n += i; }\n  amount > n\n}\n";
    let p = load(
        "hook h(amount: int) -> bool from \"hooks/h.rhai\"\n\
         rule \"r\" { when count(payments where h(amount)) > 0 then tag \"paid\" }",
        script,
    );
    let payments: Vec<String> =
        (0..1_000).map(|i| format!(r#"{{"paid_on":"2026-10-01","amount":{}}}"#, 5_000 + i)).collect();
    let fields = format!(r#"{{"payments":[{}]}}"#, payments.join(","));
    // 1,000 elements, and 1,000 calls of some 300 operations each
    let bound = |max_element_visits| EvalOptions { max_element_visits, ..Default::default() };
    assert_eq!(decide_with(&p, &fields, bound(1_000_000)).expect("within the bound").fired.len(), 1);
    let err = decide_with(&p, &fields, bound(100_000)).expect_err("beyond the bound");
    assert_eq!(err.kind, ErrorKind::Eval);
    assert!(err.message.starts_with("too much work for one account: more than 100000"), "{}", err.message);
    // without the hook, the same list is well within that bound
    let plain = load("rule \"r\" { when count(payments where amount > 5000) > 0 then tag \"paid\" }", script);
    assert_eq!(decide_with(&plain, &fields, bound(100_000)).expect("decided").fired.len(), 1);
}

/// A panic inside the script engine (Rust's sort finds the comparator
/// inconsistent; rhai catches that one itself) is a hook error for that
/// account, not a crash of the run. Other panics are caught around the call;
/// none prints a panic report (see the command-line test below).
#[test]
fn a_panic_inside_the_engine_is_a_hook_error() {
    let script = "fn h(score) {\n  let a = [];\n  for i in 0..30 { a.push((i * 7919) % 101); }\n  \
                  if score == 666 { a.sort(|x, y| if (x + y) % 3 == 0 { -1 } else { 1 }); }\n  \
                  score / 1000.0\n}\n";
    assert_contained(&hostile(script), "error in comparer for sorting");
}

/// The example policy's fraud score over the example portfolio: every call with
/// its arguments and result (the hook is last in `limit-raise` and in
/// `limit-raise-challenger`, so only the accounts that pass every other
/// condition of one of them reach it), and the raise it let through. The values
/// were checked by hand: z = -3.2 - 0.03 (score - 700) + 4 utilization,
/// p = 1 / (1 + e^-z), e.g. A-1017: z = -2.60015, p = 0.0691.
#[test]
fn the_example_fraud_score_over_the_example_portfolio() {
    let policy = verdict::load_policy(Path::new("policies/lifecycle.policy")).expect("the example compiles");
    let input = std::io::BufReader::new(std::fs::File::open("policies/portfolio.jsonl").unwrap());
    let reader =
        verdict::snapshot::read_snapshots(input, verdict::snapshot::Format::Jsonl, policy.program.schema.clone())
            .unwrap();
    let options = EvalOptions { trace: true, ..Default::default() };
    let mut calls = Vec::new();
    for item in reader {
        let Ok(snapshot) = item else { continue };
        let Ok(decision) = verdict::evaluate(&policy.program, &snapshot, options) else { continue };
        for call in decision.trace.expect("traced").hooks {
            let raised = decision.fired.iter().find(|r| r.starts_with("limit-raise"));
            calls.push(format!(
                "{}: {}({}) = {} -> {}",
                decision.id,
                policy.program.hooks[call.hook].name(),
                call.args.iter().map(ToString::to_string).collect::<Vec<_>>().join(", "),
                call.result.as_ref().map_or_else(|e| format!("error: {e}"), ToString::to_string),
                raised.map_or_else(|| "blocked".to_string(), |r| format!("{r} fired"))
            ));
        }
    }
    insta::assert_yaml_snapshot!(calls);
}

/// A hook's values may nest as deep as its size limits let them (an array
/// in a map in an array…, up to about 20,000 levels): deciding with one is
/// a decision, never a stack overflow killing the run (10,000 levels here,
/// which overflowed a worker's default stack; rhai measures the whole value
/// at each step, so one account takes seconds).
#[test]
fn values_nested_as_deep_as_the_limits_allow_do_not_overflow_a_stack() {
    let script = "fn h(x) {\n  let a = [];\n  for i in 0..9990 { a = [a]; }\n  x * 1.0\n}\n";
    let dir = workdir(&[("h", script)]);
    let body = "hook h(x: int) -> decimal from \"hooks/h.rhai\"\nrule \"r\" { when h(score) > 0 then tag \"hit\" }";
    std::fs::write(dir.join("t.policy"), policy_text(body)).unwrap();
    let book: String = (1..=1)
        .map(|i| format!("{{\"id\":\"A{i}\",\"as_of\":\"2026-11-01\",\"status\":\"active\",\"credit_limit\":\"1\",\"balance\":\"1\",\"score\":{i},\"opened_on\":\"2020-01-01\",\"verified\":true,\"tags\":[],\"codes\":[],\"holidays\":[],\"payments\":[]}}\n"))
        .collect();
    std::fs::write(dir.join("book.jsonl"), book).unwrap();
    // Two jobs: the account is decided on a worker thread, not the main one.
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_verdict"))
        .args(["eval", "t.policy", "book.jsonl", "--jobs", "2"])
        .current_dir(&dir)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(stdout.matches("\"fired\":[\"r\"]").count(), 1, "{stdout}");
}
