//! Straight-line hooks run without the script engine (issue 12): for every
//! recognised script and many arguments, edges included, the native form
//! computes exactly what rhai computes (value and scale), gives up exactly
//! where rhai fails, and charges the operations rhai counts; every other
//! script stays on rhai.

mod common;

use common::Rng;
use rust_decimal::Decimal;
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;
use verdict::eval::{EvalOptions, Val};
use verdict::hooks::{Hook, Number};

const SCHEMA: &str = "entity: account\nkey: id\nfields:\n  id: string\n  score: int\n  balance: money\n  \
                      payments:\n    list:\n      paid_on: date\n      amount: int\n    by: paid_on\n";

/// A policy whose hook `f` has the signature `sig` (two parameters `a`, `b`)
/// and the body `body`, with a rule that calls it with `call`.
fn load_hook(sig: &str, body: &str, call: &str) -> verdict::LoadedPolicy {
    load_script(sig, &format!("fn f(a, b) {{\n  {body}\n}}\n"), call)
}

/// A policy whose hook `f` has the signature `sig` and is defined in `script`.
fn load_script(sig: &str, script: &str, call: &str) -> verdict::LoadedPolicy {
    static N: AtomicUsize = AtomicUsize::new(0);
    let dir = common::temp_folder("hook-native", &N.fetch_add(1, Ordering::Relaxed).to_string());
    std::fs::write(dir.join("account.schema.yaml"), SCHEMA).unwrap();
    std::fs::write(dir.join("f.rhai"), script).unwrap();
    let text = format!(
        "policy \"t\" version \"1\"\nschema \"account.schema.yaml\"\nhook f{sig} from \"f.rhai\"\n\
         rule \"r\" {{ when {call} then tag \"x\" }}\n"
    );
    match verdict::load_policy_source(&dir.join("t.policy"), &text) {
        Ok(p) => p,
        Err(e) => panic!("{script}: the policy does not compile: {:#?}", e.diagnostics),
    }
}

/// The kinds of a hook's two parameters.
#[derive(Clone, Copy)]
enum Params {
    IntInt,
    IntDec,
    DecInt,
    DecDec,
}

impl Params {
    fn sig(self, result: &str) -> String {
        let (a, b) = match self {
            Params::IntInt => ("int", "int"),
            Params::IntDec => ("int", "decimal"),
            Params::DecInt => ("decimal", "int"),
            Params::DecDec => ("decimal", "decimal"),
        };
        format!("(a: {a}, b: {b}) -> {result}")
    }

    /// A call in the policy's rule with arguments of the right types.
    fn call(self) -> &'static str {
        match self {
            Params::IntInt => "f(score, 2) != 0",
            Params::IntDec => "f(score, balance) != 0",
            Params::DecInt => "f(balance, score) != 0",
            Params::DecDec => "f(balance, balance) != 0",
        }
    }

    fn args(self, rng: &mut Rng) -> [Val<'static>; 2] {
        match self {
            Params::IntInt => [Val::Int(int(rng)), Val::Int(int(rng))],
            Params::IntDec => [Val::Int(int(rng)), Val::Dec(dec(rng))],
            Params::DecInt => [Val::Dec(dec(rng)), Val::Int(int(rng))],
            Params::DecDec => [Val::Dec(dec(rng)), Val::Dec(dec(rng))],
        }
    }
}

/// An integer: an edge one time in four, else of a random magnitude and sign.
fn int(rng: &mut Rng) -> i64 {
    const EDGES: [i64; 12] = [0, 1, -1, 2, -2, 3, 700, -700, i64::MAX, i64::MIN, i64::MAX - 1, i64::MIN + 1];
    if rng.below(4) == 0 {
        return EDGES[rng.below(EDGES.len() as u64) as usize];
    }
    let magnitude = rng.next() >> rng.below(64);
    let value = (magnitude >> 1) as i64;
    if rng.below(2) == 0 {
        value
    } else {
        -value
    }
}

/// A decimal: an edge one time in four, else a random mantissa of a random
/// width at a random scale (0 to 28) and sign.
fn dec(rng: &mut Rng) -> Decimal {
    let edges = [
        Decimal::ZERO,
        Decimal::new(0, 5),
        Decimal::ONE,
        Decimal::NEGATIVE_ONE,
        Decimal::new(5, 1),
        Decimal::new(-5, 1),
        Decimal::new(25, 1),
        Decimal::new(3, 1),
        Decimal::MAX,
        Decimal::MIN,
        Decimal::new(1, 28),
        Decimal::from_i128_with_scale(1_234_567_890_123_456_789_012_345_678, 28),
        Decimal::from_i128_with_scale(-79_228_162_514_264_337_593_543_950_335, 28),
        Decimal::new(66, 0),
        Decimal::new(-67, 0),
        Decimal::new(-655, 1),
    ];
    if rng.below(4) == 0 {
        return edges[rng.below(edges.len() as u64) as usize];
    }
    let bits = rng.below(97) as u32;
    let mantissa = (u128::from(rng.next()) << 64 | u128::from(rng.next())) >> (128 - bits.max(1));
    let mantissa = i128::try_from(mantissa).unwrap();
    let mantissa = if rng.below(2) == 0 { mantissa } else { -mantissa };
    Decimal::from_i128_with_scale(mantissa, rng.below(29) as u32)
}

/// A number's kind, and its exact bits (a decimal's mantissa, scale and sign).
fn exact(n: Number) -> (char, [u8; 16]) {
    match n {
        Number::Int(i) => ('i', i128::from(i).to_le_bytes()),
        Number::Dec(d) => ('d', d.serialize()),
    }
}

/// Calls of each hook in the differential test.
const CALLS: usize = 2_000;

/// Checks `hook` over `CALLS` argument pairs: the native number is rhai's,
/// bit for bit, wherever rhai succeeds and only there; rhai's operation count
/// is the same for every successful call; and a whole call (native once the
/// count is known) returns what the call through rhai returns, error messages
/// and charged operations included. Returns how many calls succeeded.
fn agrees(hook: &Hook, params: Params, what: &str, seed: u64) -> usize {
    assert!(hook.has_native_form(), "{what}: not recognised");
    let mut rng = Rng(seed);
    let mut operations = None;
    let mut succeeded = 0;
    for _ in 0..CALLS {
        let args = params.args(&mut rng);
        let native = hook.native_number(&args);
        let script = hook.script_number(&args);
        let ops = verdict::hooks::operations_of_last_call();
        match (native, &script) {
            (Some(n), Ok(Some(s))) => {
                assert_eq!(exact(n), exact(*s), "{what} {args:?}: native {n:?}, rhai {s:?}");
                assert_eq!(*operations.get_or_insert(ops), ops, "{what} {args:?}: rhai's count moved");
                succeeded += 1;
            }
            (None, Err(_)) => {}
            _ => panic!("{what} {args:?}: native {native:?}, rhai {script:?}"),
        }
        let whole = hook.call(&args);
        let whole_ops = verdict::hooks::operations_of_last_call();
        let through_rhai = hook.call_script_within(&args, Duration::from_secs(60));
        assert_eq!(whole, through_rhai, "{what} {args:?}");
        assert_eq!(whole_ops, verdict::hooks::operations_of_last_call(), "{what} {args:?}: charged operations");
    }
    assert_eq!(hook.native_operations(), operations, "{what}: the learnt count");
    succeeded
}

/// Recognised bodies over each kind of parameters, and the declared result.
const CASES: &[(Params, &str, &str)] = &[
    // the benches' small arithmetic hook
    (Params::IntDec, "decimal", "b * 2 - (a - 600) * 0.01"),
    // every operator, on integers (`/` is integer division), decimals and both mixes
    (Params::IntInt, "int", "a + b"),
    (Params::IntInt, "int", "a - b"),
    (Params::IntInt, "int", "a * b"),
    (Params::IntInt, "int", "a / b"),
    (Params::IntInt, "decimal", "let q = a / b; let r = a - q * b; q * 1000 + r"),
    (Params::DecDec, "decimal", "a + b"),
    (Params::DecDec, "decimal", "a - b"),
    (Params::DecDec, "decimal", "a * b"),
    (Params::DecDec, "decimal", "a / b"),
    (Params::IntDec, "decimal", "a + b"),
    (Params::IntDec, "decimal", "a - b"),
    (Params::IntDec, "decimal", "a * b"),
    (Params::IntDec, "decimal", "a / b"),
    (Params::DecInt, "decimal", "a + b"),
    (Params::DecInt, "decimal", "a - b"),
    (Params::DecInt, "decimal", "a * b"),
    (Params::DecInt, "decimal", "a / b"),
    // a decimal result declared `int`: whole, fractional and out of range
    (Params::DecInt, "int", "a * b"),
    (Params::IntInt, "decimal", "a * b"),
    // negative numbers, unary minus and plus, literals of both kinds
    (Params::IntInt, "int", "-a - -b + -(3)"),
    (Params::DecInt, "decimal", "-(a * -2.50) + +b - -0.001"),
    (Params::IntDec, "decimal", "-a / -b"),
    // long decimals from a division, rounding to several places
    (Params::DecDec, "decimal", "1 / a * 3 + b / 7"),
    (Params::DecInt, "decimal", "round(a / 3, 2) + round(a * 7 / 3, 5) - round(b / 7.0)"),
    (Params::DecInt, "decimal", "round(a, b)"),
    // halves, where half away from zero and half to even part
    (Params::IntDec, "decimal", "round(a * 0.5) + round(b) + round(-b)"),
    (Params::IntInt, "decimal", "round(a / 8.0, 2) + round(b * 0.005, 2)"),
    (Params::DecDec, "decimal", "round(a / b, 28) + round(a, 0)"),
    // exp far negative and positive, ln / log / sqrt at their edges
    (Params::DecInt, "decimal", "exp(a)"),
    (Params::IntDec, "decimal", "exp(a) + exp(-b)"),
    (Params::DecInt, "decimal", "ln(a) + log(b)"),
    (Params::IntDec, "decimal", "sqrt(a) - sqrt(b) + ln(b) - log(a)"),
    // the other functions the sandbox has for numbers
    (Params::IntDec, "decimal", "abs(a) + abs(b) + floor(b) - ceiling(b) + to_decimal(a) + to_decimal(b)"),
    (Params::IntInt, "int", "abs(a) - abs(b)"),
    // lets, shadowing, `return`, constants the optimizer folds (and one it cannot)
    (Params::IntDec, "decimal", "let a = a * 2; let a = a + b; let c = a / 3; c - a"),
    (Params::DecInt, "decimal", "let x = a * 2;\n  return x / b;"),
    (Params::IntInt, "int", "10 / 4 * a + 2 * 3 - b"),
    (Params::IntInt, "int", "a + 1 / 0"),
    (Params::IntInt, "int", "const K = 7; a * K + b"),
];

#[test]
fn native_results_are_rhais_bit_for_bit() {
    let mut some_succeed = 0;
    for (i, (params, result, body)) in CASES.iter().enumerate() {
        let p = load_hook(&params.sig(result), body, params.call());
        let succeeded = agrees(&p.program.hooks[0], *params, body, 0x9e37_79b9_7f4a_7c15 ^ i as u64);
        some_succeed += usize::from(succeeded > CALLS / 20);
    }
    // every case but `a + 1 / 0` succeeds for a good share of its arguments
    assert_eq!(some_succeed, CASES.len() - 1);
}

#[test]
fn the_shipped_fraud_risk_runs_natively_with_rhais_results() {
    let example = verdict::load_policy(Path::new("policies/lifecycle.policy")).expect("the example compiles");
    let fraud = example.program.hooks.iter().find(|h| h.name() == "fraud_risk").expect("fraud_risk");
    let succeeded = agrees(fraud, Params::IntDec, "fraud_risk", 7);
    assert!(succeeded > CALLS / 2, "{succeeded}");
    // and over the range its arguments take: scores and utilizations of real accounts
    let mut rng = Rng(11);
    for _ in 0..CALLS {
        let score = rng.int(300, 551);
        let utilization = Decimal::new(rng.int(0, 15_000), 4) / Decimal::new(rng.int(1, 97), 0);
        let args = [Val::Int(score), Val::Dec(utilization)];
        let native = fraud.native_number(&args).map(exact);
        assert_eq!(native, fraud.script_number(&args).expect("rhai").map(exact), "{args:?}");
    }
}

/// Decimal arithmetic in a hook is exact or an error, natively and through
/// rhai, as in the policy: a sum, difference, product or quotient that
/// would be rounded above the tenth place after the point (the cents of a
/// sum near the largest decimal; a quotient rounded at the units) is a hook
/// error, never a changed amount.
#[test]
fn a_result_rounded_above_the_tenth_place_is_a_hook_error_natively_and_through_rhai() {
    let d = |s: &str| Val::Dec(s.parse::<Decimal>().expect("a decimal"));
    let max = "79228162514264337593543950335";
    let refused = [
        ("a + b", d("7922816251426433759354395033.5"), d("0.05")),
        ("a + b", d("123456789012345678901"), d("0.1234567890123")),
        ("a - b", d(max), d("0.5")),
        ("a * b", d(max), d("0.5")),
        ("a / b", d(max), d("2")),
        ("a / b", d("100000000000000000000"), d("3")),
    ];
    for (body, a, b) in refused {
        let p = load_hook("(a: decimal, b: decimal) -> decimal", body, "f(balance, balance) > 0");
        let hook = &p.program.hooks[0];
        assert!(hook.has_native_form(), "{body}");
        let args = [a, b];
        assert_eq!(hook.native_number(&args).map(exact), None, "{body} {args:?}: natively");
        let err = hook.call(&args).expect_err("refused");
        assert!(err.message.contains("arithmetic overflow"), "{body}: {}", err.message);
        // The same through the interpreter: a loop keeps the hook off the native path.
        let looped = format!("let r = a; for i in 0..1 {{ r {}= b; }} r", &body[2..3]);
        let p = load_hook("(a: decimal, b: decimal) -> decimal", &looped, "f(balance, balance) > 0");
        let err = p.program.hooks[0].call(&args).expect_err("refused through rhai");
        assert!(err.message.contains("arithmetic overflow"), "{looped}: {}", err.message);
    }
    // Through rhai only: a constant its optimizer could have folded with the
    // built-in, an `INT` variable given a decimal, a power.
    for (script, args) in [
        ("fn f(a, b) { 7922816251426433759354395033.5 + 0.05 }", [d("1"), d("1")]),
        ("fn f(a, b) { let x = 3; x /= 0.0000000000000000000000000007; x }", [d("1"), d("1")]),
        ("fn f(a, b) { let x = 100000000000000000000; x / 3 }", [d("1"), d("1")]),
        ("fn f(a, b) { a ** 2 }", [d("7922816251426.4337593543950335"), d("1")]),
        ("fn f(a, b) { let x = a; x **= 3; x }", [d("12345678.1234"), d("1")]),
    ] {
        let p = load_script("(a: decimal, b: decimal) -> decimal", script, "f(balance, balance) > 0");
        let err = p.program.hooks[0].call(&args).expect_err(script);
        let message = &err.message;
        assert!(
            message.contains("arithmetic overflow") || message.contains("Exponential overflow"),
            "{script}: {message}"
        );
    }
    // Exact results, and quotients rounded below the tenth place, are kept.
    let p = load_hook("(a: decimal, b: decimal) -> decimal", "a / b + a * b - b", "f(balance, balance) > 0");
    let hook = &p.program.hooks[0];
    let args = [d("1"), d("3")];
    assert_eq!(hook.call(&args), Ok(Val::Dec("0.3333333333333333333333333333".parse::<Decimal>().expect("d"))));
    assert_eq!(hook.call(&[d("7922816251426433759354395033.5"), d("1")]).map(|_| ()), Ok(()));
}

/// The native form waits for a call through rhai to learn the operation
/// count, then charges the same: the account's work bound binds at the same
/// number of hook calls.
#[test]
fn native_calls_charge_rhais_operations_to_the_work_bound() {
    let p = load_hook("(a: int, b: int) -> int", "let x = a * 2; x - b", "count(payments where f(amount, 1) > 0) > 0");
    let hook = &p.program.hooks[0];
    assert_eq!(hook.native_operations(), None, "nothing learnt before a call");
    let payments: Vec<String> =
        (0..1_000).map(|i| format!(r#"{{"paid_on":"2026-10-01","amount":{}}}"#, 5_000 + i)).collect();
    let account =
        format!(r#"{{"id":"A-1","as_of":"2026-11-01","score":700,"balance":"1","payments":[{}]}}"#, payments.join(","));
    let snapshot = verdict::snapshot::parse_json_snapshot(&account, &p.program.schema).expect("snapshot");
    let decide = |max_element_visits| {
        verdict::evaluate(&p.program, &snapshot, EvalOptions { max_element_visits, ..Default::default() })
    };
    decide(usize::MAX).expect("decided");
    let per_call = usize::try_from(hook.native_operations().expect("learnt")).unwrap();
    assert!(per_call > 2, "{per_call}");
    // 1,000 elements and 1,000 calls: exactly at the bound passes, one below fails
    let work = 1_000 + 1_000 * per_call;
    assert_eq!(decide(work).expect("within the bound").fired.len(), 1);
    let err = decide(work - 1).expect_err("beyond the bound");
    assert!(err.message.starts_with("too much work for one account"), "{}", err.message);
}

/// A traced call of a native hook returns what it returns through rhai, and
/// prints nothing, as the script prints nothing.
#[test]
fn traced_native_calls_print_nothing() {
    let p = load_hook("(a: int, b: decimal) -> decimal", "round(b / 3, 4) + a", "f(score, balance) > 0");
    let hook = &p.program.hooks[0];
    let args = [Val::Int(3), Val::Dec(Decimal::new(1, 0))];
    let through_rhai = hook.call_traced(&args, Duration::from_secs(60));
    assert!(hook.native_operations().is_some());
    assert_eq!(hook.call_traced(&args, Duration::from_secs(60)), through_rhai);
    assert_eq!(through_rhai.0, Ok(Val::Dec(Decimal::new(33_333, 4))));
}

/// `script` (defining `f(a, b)` over two integers) is not recognised, and
/// rhai computes `want` for `f(5, 1)`.
fn stays_on_rhai(script: &str, result: &str, want: Val<'static>) {
    let p = load_script(&format!("(a: int, b: int) -> {result}"), script, "f(score, 2) != f(score, 2)");
    let hook = &p.program.hooks[0];
    assert!(!hook.has_native_form(), "{script}");
    for _ in 0..2 {
        assert_eq!(hook.call(&[Val::Int(5), Val::Int(1)]), Ok(want), "{script}");
    }
    assert_eq!(hook.native_operations(), None, "{script}");
}

fn body(body: &str) -> String {
    format!("fn f(a, b) {{\n  {body}\n}}\n")
}

#[test]
fn a_condition_stays_on_rhai() {
    stays_on_rhai(&body("if a > b { a } else { b }"), "int", Val::Int(5));
    stays_on_rhai(&body("switch b { 1 => a, _ => b }"), "int", Val::Int(5));
}

#[test]
fn loops_stay_on_rhai() {
    stays_on_rhai(&body("let n = 0; for i in 0..a { n += b; } n"), "int", Val::Int(5));
    stays_on_rhai(&body("let n = a; while n > b { n -= 1; } n"), "int", Val::Int(1));
}

#[test]
fn logic_and_comparisons_stay_on_rhai() {
    stays_on_rhai(&body("a > 0 && b > 0"), "bool", Val::Bool(true));
    stays_on_rhai(&body("a < 0 || b < 0"), "bool", Val::Bool(false));
    stays_on_rhai(&body("a > b"), "bool", Val::Bool(true));
}

#[test]
fn string_operations_stay_on_rhai() {
    stays_on_rhai(&body("let s = \"x\" + a; s.len() + b"), "int", Val::Int(3));
}

#[test]
fn print_stays_on_rhai() {
    stays_on_rhai(&body("print(a); a + b"), "int", Val::Int(6));
    stays_on_rhai(&body("debug(a); a + b"), "int", Val::Int(6));
}

#[test]
fn calls_of_script_functions_stay_on_rhai() {
    stays_on_rhai("fn g(x) { x * 2 }\nfn f(a, b) { g(a) + b }", "int", Val::Int(11));
    // rhai finds the script's own `exp` before the sandbox's
    stays_on_rhai("fn exp(x) { x }\nfn f(a, b) { exp(a) + b }", "int", Val::Int(6));
}

#[test]
fn other_forms_stay_on_rhai() {
    for (want, body_text) in [
        (1, "a % 2"),
        (25, "a ** 2"),
        (6, "a.abs() + b"),
        (5, "let c = [a, b]; c[0]"),
        (6, "let x = a; x += b; x"),
        (6, "let m = #{ x: a }; m.x + b"),
        (5, "{ let x = a; x }"),
        (5, "a + b; a"),
    ] {
        stays_on_rhai(&body(body_text), "int", Val::Int(want));
    }
    // calls rhai would not resolve, `throw`, a body without a final value, a
    // parameter of another type: not recognised, and rhai reports as before
    for (sig, body, call) in [
        ("(a: int, b: decimal) -> decimal", "round(a) + b", "f(score, balance) > 0"),
        ("(a: int, b: decimal) -> decimal", "round(b, b)", "f(score, balance) > 0"),
        ("(a: int, b: decimal) -> decimal", "throw a;", "f(score, balance) > 0"),
        ("(a: int, b: decimal) -> decimal", "let x = a;", "f(score, balance) > 0"),
        ("(a: int, b: string) -> int", "a", "f(score, id) > 0"),
    ] {
        let p = load_hook(sig, body, call);
        assert!(!p.program.hooks[0].has_native_form(), "{body}");
    }
}
