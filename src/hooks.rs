//! rhai scoring hooks: compiled once at load, called per account in a sandbox.
//!
//! The engine starts from `Engine::new_raw()` with only the arithmetic, logic,
//! math, string, array, map and iterator packages. rhai is built with
//! `no_module` and `no_time`, and `eval` is disabled, so a script cannot import
//! anything, read a file, the network, the clock or the environment, nor run
//! code it builds from strings. Every call has an operation budget and limits
//! on call depth, expression depth, string, array and map size, so a hostile
//! script ends in an error record for that account, the same on every
//! machine, never a hung or crashed run; a panic inside rhai is caught and is
//! a hook error too. A wall-clock backstop far beyond any legitimate call
//! stops what the budget lets run too long, and fails the run (a `timeout`
//! record): the clock never decides an account. Undefined variables, `eval` and
//! assignments into elements (which rhai does not hold to the size limits)
//! are rejected when the script is loaded.
//!
//! Only the declared function runs: a script's top-level statements never do.
//!
//! rhai is built with `decimal` and `no_float`: a literal like `0.5` in a
//! script is an exact decimal, so `utilization < 0.5` compares exactly, and
//! rhai's built-in operators mix integers with decimals (`score * 0.01`,
//! `utilization * 2 + 1`). `/` on two integers stays rhai's integer division.
//! `round` rounds half away from zero, as in the policy language.
//!
//! `print` and `debug` go nowhere, unless the call is traced: then their lines
//! are collected in a thread-local buffer, so one compiled engine serves every
//! evaluation thread.
//!
//! A hook whose function is straight-line arithmetic (`let`s and a final
//! expression over `int` and `decimal` parameters, see `src/hooks/native.rs`) runs
//! without the script engine once its first call through rhai has told its
//! operation count: same value, and on any failure the call runs through rhai.

mod arithmetic;
mod bounded;
mod exp;
mod exp_tables;
mod native;
mod script;

use script::{compile_script, fn_location};
pub use script::{function_defined, script_problems, Declared};

pub use exp::exp;
pub use native::Number;

use crate::diagnostic::Diagnostic;
use crate::ir::{Base, HookSig};
use crate::value::{ElementShape, FieldShape, Record, SetItem, Value};
use crate::value::{EvalFailure, FailureKind, Val};
use rhai::packages::{
    ArithmeticPackage, BasicArrayPackage, BasicIteratorPackage, BasicMapPackage, BasicMathPackage, BasicStringPackage,
    LogicPackage, MoreStringPackage, Package,
};
use rhai::{CallFnOptions, Dynamic, Engine, EvalAltResult, Position, Scope, AST, INT};
use rust_decimal::{Decimal, MathematicalOps, RoundingStrategy};
use std::cell::{Cell, RefCell};
use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

/// Operations a hook call may use unless the policy sets `budget N`.
///
/// A small scoring function takes a few dozen operations; 100 000 lets a
/// script loop over a few thousand items and still ends a runaway loop within
/// milliseconds.
pub const DEFAULT_BUDGET: u64 = 100_000;

/// The largest `budget N` a hook may declare (`check` refuses more, `E0304`).
///
/// The operation budget is the bound that decides, the same on every machine;
/// without a maximum, `budget 9223372036854775807` let a loop run forever. Ten
/// million operations take about a second, a hundred times the default, and
/// every call's operations count toward the account's work bound
/// ([`crate::eval::MAX_ELEMENT_VISITS`]).
pub const MAX_BUDGET: u64 = 10_000_000;

/// The stack of every thread that may call a hook. A hook's values nest as
/// deep as its size limits let them (an array in an array in a map…, up to
/// [`MAX_ARRAY_SIZE`] + [`MAX_MAP_SIZE`] levels), and rhai copies, measures
/// and drops them recursively: on a thread's default 2 MiB stack such a
/// value overflowed it and killed the process. Only the pages a call
/// touches are ever used.
pub const HOOK_STACK: usize = 256 << 20;

/// Deepest chain of nested script function calls (runaway recursion stops here).
pub const MAX_CALL_LEVELS: usize = 32;
/// Deepest expression nesting, at the top level and inside functions.
pub const MAX_EXPR_DEPTHS: (usize, usize) = (64, 32);
/// Longest string a script may build, in bytes (strings inside arrays and maps count too).
pub const MAX_STRING_SIZE: usize = 64 * 1024;
/// Most elements in one array.
pub const MAX_ARRAY_SIZE: usize = 10_000;
/// Most entries in one map.
pub const MAX_MAP_SIZE: usize = 10_000;
/// The wall-clock time one call may take unless
/// [`crate::eval::EvalOptions::hook_backstop`] says otherwise.
///
/// A backstop, not a bound that decides: the operation budget and the size
/// limits decide, the same on every machine. An operation usually takes tens
/// of nanoseconds (the largest budget about a second), but one call of a
/// collection function (`contains` on a 10,000-item array) is a single
/// operation doing thousands of comparisons, so a hostile script within its
/// budget could run for minutes. A call that meets the backstop fails the run
/// (a `timeout` record, exit 5), because whether it is met depends on the
/// machine and its load.
pub const DEFAULT_BACKSTOP: Duration = Duration::from_secs(60);
/// Whether every later hook call of the process gives up at once after one
/// met its backstop ([`give_up_after_a_timeout`]).
static GIVE_UP_AFTER_A_TIMEOUT: AtomicBool = AtomicBool::new(false);
/// Whether a hook call of the process met its backstop.
static A_CALL_MET_THE_BACKSTOP: AtomicBool = AtomicBool::new(false);

/// For a process that runs one batch (`eval`, `diff`): once a hook call has
/// met its wall-clock backstop the run has failed (exit 5, its output
/// withheld), so every later call gives up at once, a `timeout` of its own,
/// instead of running up to the backstop too (a book of N such accounts took
/// N minutes to fail). Not for the service or the library, whose calls
/// belong to requests of their own.
pub fn give_up_after_a_timeout() {
    GIVE_UP_AFTER_A_TIMEOUT.store(true, Ordering::Relaxed);
}

/// Lines of `print`/`debug` output a traced call keeps.
pub const MAX_PRINTED_LINES: usize = 64;
/// Characters kept of one printed line.
const MAX_PRINTED_CHARS: usize = 1_000;

thread_local! {
    // INVARIANT: `Some` only for the duration of one `Hook::call_traced` on this
    // thread; hooks cannot call hooks, so calls never nest.
    static PRINTED: RefCell<Option<Vec<String>>> = const { RefCell::new(None) };
    /// When the hook running on this thread must stop (set by `Hook::call`).
    static DEADLINE: Cell<Option<Instant>> = const { Cell::new(None) };
    /// Operations the current (or last) hook call on this thread has run.
    static OPERATIONS: Cell<u64> = const { Cell::new(0) };
    /// Whether a hook call is running on this thread, for [`quiet_hook_panics`].
    static IN_CALL: Cell<bool> = const { Cell::new(false) };
}

/// Operations the last hook call on this thread ran (they count toward the
/// account's work bound, as list elements do).
pub fn operations_of_last_call() -> u64 {
    OPERATIONS.with(Cell::get)
}

/// Installs a panic hook that prints nothing for a panic inside a hook call
/// (which [`Hook::call`] catches and turns into a hook error for the account)
/// and defers to the previous hook for every other panic. For binaries: a
/// library does not own the process's panic hook. The flag it reads is per
/// thread, and a call runs on one thread, so it holds for every worker.
pub fn quiet_hook_panics() {
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        // A panic that `caught::catch` turns into an input's error is quiet too.
        if !IN_CALL.with(Cell::get) && !crate::caught::catching() {
            previous(info);
        }
    }));
}

/// Operations between two looks at the clock: keeps the cost of the look
/// negligible while a call overruns its backstop by at most a few milliseconds.
const CLOCK_EVERY: u64 = 16;

/// rhai's progress callback: counts the call's operations, and stops the
/// script once the thread's deadline has passed.
fn past_deadline(operations: u64) -> Option<Dynamic> {
    OPERATIONS.with(|o| o.set(operations));
    if !operations.is_multiple_of(CLOCK_EVERY) {
        return None;
    }
    let deadline = DEADLINE.with(Cell::get)?;
    (Instant::now() > deadline).then_some(Dynamic::UNIT)
}

fn capture(line: &str) {
    PRINTED.with(|p| {
        if let Some(lines) = p.borrow_mut().as_mut() {
            if lines.len() < MAX_PRINTED_LINES {
                lines.push(line.chars().take(MAX_PRINTED_CHARS).collect());
            }
        }
    });
}

/// A loaded hook: its signature, its sandboxed engine and its compiled script.
pub struct Hook {
    sig: HookSig,
    engine: Engine,
    ast: AST,
    /// The script's text, to locate a failing function when rhai gives no position.
    script: Box<str>,
    /// The function compiled to run without rhai, when it is straight-line arithmetic.
    native: Option<native::Native>,
    /// The operations rhai counts for one call of `native`'s function (value-independent
    /// for straight-line code), learnt from the first successful rhai call; 0 until then,
    /// and the native form runs only once it is known.
    native_operations: AtomicU64,
}

impl std::fmt::Debug for Hook {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Hook").field("sig", &self.sig).finish_non_exhaustive()
    }
}

/// Fixes rhai's hashing seed before the process's first engine: rhai seeds
/// it afresh in each process otherwise, and an anonymous function's name
/// holds such a hash, so a hook printing one (`(|| 0).to_string()`) could
/// decide differently from run to run. Every engine is made after this.
pub(crate) fn fix_hashing_seed() {
    static FIXED: std::sync::Once = std::sync::Once::new();
    FIXED.call_once(|| {
        // Refused only when already set, which nothing else in the process does.
        let _ = rhai::config::hashing::set_hashing_seed(Some([0x7665_7264, 0x6963_7421, 0x686f_6f6b, 0x7321_0001]));
    });
}

/// A sandboxed engine with the given operation budget per call (the wall-clock
/// backstop applies to calls made through [`Hook::call`]).
pub fn sandbox(budget: u64) -> Engine {
    fix_hashing_seed();
    let mut engine = Engine::new_raw();
    engine.register_global_module(ArithmeticPackage::new().as_shared_module());
    engine.register_global_module(LogicPackage::new().as_shared_module());
    engine.register_global_module(BasicMathPackage::new().as_shared_module());
    engine.register_global_module(BasicStringPackage::new().as_shared_module());
    engine.register_global_module(MoreStringPackage::new().as_shared_module());
    engine.register_global_module(BasicArrayPackage::new().as_shared_module());
    engine.register_global_module(BasicMapPackage::new().as_shared_module());
    engine.register_global_module(BasicIteratorPackage::new().as_shared_module());
    // The engine's own functions are found before the packages': this `exp` is
    // the nearest decimal and ten times as fast as rust_decimal's (see `exp`).
    engine.register_fn("exp", |x: Decimal| rhai_math(exp::exp(x), "exp", x));
    // rhai's decimal math takes only decimals: `exp(2)` should work like `exp(2.0)`.
    engine.register_fn("exp", |x: INT| rhai_math(exp::exp(Decimal::from(x)), "exp", x));
    engine.register_fn("ln", |x: INT| rhai_math(Decimal::from(x).checked_ln(), "ln", x));
    engine.register_fn("log", |x: INT| rhai_math(Decimal::from(x).checked_log10(), "log", x));
    engine.register_fn("sqrt", |x: INT| rhai_math(Decimal::from(x).sqrt(), "sqrt", x));
    // Rounding as in the policy language (half away from zero), not rhai's half-to-even.
    engine.register_fn("round", |x: Decimal| x.round_dp_with_strategy(0, RoundingStrategy::MidpointAwayFromZero));
    engine.register_fn("round", |x: Decimal, places: INT| match u32::try_from(places) {
        Ok(places) => Ok(x.round_dp_with_strategy(places, RoundingStrategy::MidpointAwayFromZero)),
        Err(_) => Err(Box::<EvalAltResult>::from(format!("round({x}, {places}): places must be 0 or more"))),
    });
    // `+ - * /` and `**` on decimals as the policy computes them: exact, or
    // an error (`arithmetic`). An override is looked up only with rhai's fast
    // operators off (a built-in operator on built-in types is otherwise
    // called directly). That makes every operator a function lookup, about
    // 1 µs more per call of a typical script; a straight-line hook does not
    // pay it, running without rhai (`native`).
    engine.set_fast_operators(false);
    arithmetic::register_exact_operators(&mut engine);
    bounded::register_bounded_strings(&mut engine);
    // `eval` would run code built from strings at run time, past the check.
    engine.disable_symbol("eval");
    // A variable the script never defines is a check-time error, not a per-account one.
    engine.set_strict_variables(true);
    engine.set_max_operations(budget);
    engine.set_max_call_levels(MAX_CALL_LEVELS);
    engine.set_max_expr_depths(MAX_EXPR_DEPTHS.0, MAX_EXPR_DEPTHS.1);
    engine.set_max_string_size(MAX_STRING_SIZE);
    engine.set_max_array_size(MAX_ARRAY_SIZE);
    engine.set_max_map_size(MAX_MAP_SIZE);
    engine.set_max_functions(256);
    engine.set_max_variables(256);
    engine.on_progress(past_deadline);
    engine.on_print(capture);
    engine.on_debug(|text, _source, pos| match line_col(pos) {
        Some((line, col)) => capture(&format!("{text} (debug at {line}:{col})")),
        None => capture(text),
    });
    engine
}

fn rhai_math(result: Option<Decimal>, name: &str, x: impl std::fmt::Display) -> Result<Decimal, Box<EvalAltResult>> {
    result.ok_or_else(|| format!("{name}({x}) has no decimal result").into())
}

impl Hook {
    /// Compiles a hook's script and checks that it defines the declared function.
    pub fn load(sig: HookSig, script_path: &Path, script: &str, decl_file: &Path) -> Result<Hook, Vec<Diagnostic>> {
        let engine = sandbox(sig.budget.unwrap_or(DEFAULT_BUDGET));
        let ast = compile_script(&engine, script_path, script)?;
        let declared = Declared { name: &sig.name, arity: sig.params.len(), file: decl_file, span: sig.span };
        match declared.defined_in(&ast, script_path) {
            Some(d) => Err(vec![d]),
            None => {
                let native = native::Native::compile(&ast, &sig);
                Ok(Hook { sig, engine, ast, script: script.into(), native, native_operations: AtomicU64::new(0) })
            }
        }
    }

    /// The hook's name.
    pub fn name(&self) -> &str {
        &self.sig.name
    }

    /// The script's text (for `verdict diff`, which says when it changed).
    pub fn script(&self) -> &str {
        &self.script
    }

    /// The hook's signature.
    pub fn signature(&self) -> &HookSig {
        &self.sig
    }

    /// The operation budget of one call.
    pub fn budget(&self) -> u64 {
        self.sig.budget.unwrap_or(DEFAULT_BUDGET)
    }

    /// Calls the hook with already-evaluated arguments (enum members given by
    /// name), with the [`DEFAULT_BACKSTOP`].
    pub fn call(&self, args: &[Val<'_>]) -> Result<Val<'static>, EvalFailure> {
        self.call_within(args, DEFAULT_BACKSTOP)
    }

    /// Calls the hook, stopping it (a [`FailureKind::Timeout`]) if it runs past `backstop`.
    pub fn call_within(&self, args: &[Val<'_>], backstop: Duration) -> Result<Val<'static>, EvalFailure> {
        if let Some(value) = self.call_native(args) {
            return self.convert_number(value);
        }
        self.call_script_within(args, backstop)
    }

    /// Whether the hook's function is straight-line arithmetic that runs without
    /// the script engine (once a call through rhai has told its operation count).
    pub fn has_native_form(&self) -> bool {
        self.native.is_some()
    }

    /// The operation count the native form charges per call, once a call through
    /// rhai has told it (`None` before, or without a native form).
    #[doc(hidden)]
    pub fn native_operations(&self) -> Option<u64> {
        let operations = self.native_operations.load(Ordering::Relaxed);
        (self.native.is_some() && operations > 0).then_some(operations)
    }

    /// Calls the hook through rhai even when it has a native form (for tests and
    /// benchmarks, which compare the two).
    pub fn call_script_within(&self, args: &[Val<'_>], backstop: Duration) -> Result<Val<'static>, EvalFailure> {
        let result = self.run_script(args, backstop)?;
        self.convert_result(result)
    }

    /// The number the native form computes, before the conversion to the declared
    /// result type; `None` where it gives up (or the hook has no native form).
    #[doc(hidden)]
    pub fn native_number(&self, args: &[Val<'_>]) -> Option<Number> {
        let native = self.native.as_ref()?;
        let mut numbers = [Number::Int(0); native::MAX_SLOTS];
        let numbers = numbers.get_mut(..args.len())?;
        for (number, arg) in numbers.iter_mut().zip(args) {
            *number = match arg {
                Val::Int(i) => Number::Int(*i),
                Val::Dec(d) => Number::Dec(*d),
                _ => return None,
            };
        }
        // Nothing the native form runs is meant to panic (its arithmetic is
        // checked), but a panic in rust_decimal must not escape: the call then
        // runs through rhai, which reports it as it always has.
        IN_CALL.with(|c| c.set(true));
        let value = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| native.run(numbers))).ok().flatten();
        IN_CALL.with(|c| c.set(false));
        value
    }

    /// The number rhai's call returns, before the conversion to the declared
    /// result type (`None` for anything else), or its failure's message.
    #[doc(hidden)]
    pub fn script_number(&self, args: &[Val<'_>]) -> Result<Option<Number>, String> {
        let result = self.run_script(args, DEFAULT_BACKSTOP).map_err(|e| e.message)?;
        Ok(number_of(&result))
    }

    /// The native form's value, once the operation count is known; it counts
    /// the operations rhai would have.
    fn call_native(&self, args: &[Val<'_>]) -> Option<Number> {
        let operations = self.native_operations.load(Ordering::Relaxed);
        if operations == 0 {
            return None;
        }
        let value = self.native_number(args)?;
        OPERATIONS.with(|o| o.set(operations));
        Some(value)
    }

    /// Runs the hook's function in rhai.
    fn run_script(&self, args: &[Val<'_>], backstop: Duration) -> Result<Dynamic, EvalFailure> {
        OPERATIONS.with(|o| o.set(0));
        if GIVE_UP_AFTER_A_TIMEOUT.load(Ordering::Relaxed) && A_CALL_MET_THE_BACKSTOP.load(Ordering::Relaxed) {
            return Err(EvalFailure {
                kind: FailureKind::Timeout,
                message: format!(
                    "hook `{}` was not called: a call before it met the wall-clock backstop, so the run is incomplete",
                    self.sig.name
                ),
            });
        }
        let mut values = Vec::with_capacity(args.len());
        for a in args {
            values.push(self.to_dynamic(*a)?);
        }
        // Only the hook's function runs: top-level statements of the script are
        // never evaluated, and no scope is kept between calls.
        let options = CallFnOptions::new().eval_ast(false).rewind_scope(false);
        DEADLINE.with(|d| d.set(Instant::now().checked_add(backstop)));
        IN_CALL.with(|c| c.set(true));
        // rhai can panic (Rust's sort panics on a comparator that is not a total
        // order); the engine is only read during a call, so it is still whole.
        let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            self.engine.call_fn_with_options(options, &mut Scope::new(), &self.ast, &self.sig.name, values)
        }));
        IN_CALL.with(|c| c.set(false));
        DEADLINE.with(|d| d.set(None));
        match result {
            Ok(Ok(result)) => {
                if self.native.is_some() && self.native_operations.load(Ordering::Relaxed) == 0 {
                    self.native_operations.store(OPERATIONS.with(Cell::get), Ordering::Relaxed);
                }
                Ok(result)
            }
            Ok(Err(e)) => Err(self.script_failure(*e, backstop)),
            Err(panic) => Err(self.failure(None, &format!("the script engine failed: {}", panic_text(&panic)))),
        }
    }

    /// Calls the hook and also returns what it printed (`print` and `debug`), for traces.
    pub fn call_traced(
        &self,
        args: &[Val<'_>],
        backstop: Duration,
    ) -> (Result<Val<'static>, EvalFailure>, Vec<String>) {
        PRINTED.with(|p| *p.borrow_mut() = Some(Vec::new()));
        let result = self.call_within(args, backstop);
        let printed = PRINTED.with(|p| p.borrow_mut().take()).unwrap_or_default();
        (result, printed)
    }

    fn to_dynamic(&self, v: Val<'_>) -> Result<Dynamic, EvalFailure> {
        Ok(match v {
            Val::Bool(b) => Dynamic::from_bool(b),
            Val::Int(i) => Dynamic::from_int(i),
            Val::Dec(d) => Dynamic::from_decimal(d),
            Val::Str(s) => Dynamic::from(s.to_string()),
            Val::Date(d) => Dynamic::from(d.to_string()),
            Val::Set(items) => set_array(items, &mut DataSizes::default()),
            Val::List(records, shape) => {
                // What rhai would refuse on entry (its data sizes, `data_check.rs`), refused
                // here with the sizes named; a list past the array limit is not built at all.
                let mut sizes = DataSizes::default();
                let array = if records.len() <= MAX_ARRAY_SIZE {
                    records_array(records, shape, &mut sizes)
                } else {
                    sizes.array_items = records.len();
                    Dynamic::UNIT
                };
                if !sizes.fit() {
                    return Err(self.failure(None, &sizes.refusal(records.len())));
                }
                array
            }
            // The checker rejects absent arguments, and the evaluator passes enum members by name.
            Val::None | Val::Enum(_) => {
                return Err(self.failure(None, &format!("internal: argument {v:?} cannot be passed to a script")))
            }
        })
    }

    /// A failure naming the hook and, when known, the script location.
    fn failure(&self, at: Option<(usize, usize)>, message: &str) -> EvalFailure {
        let path = self.sig.named.display();
        let place = match at {
            Some((line, col)) => format!("at {path}:{line}:{col}"),
            None => format!("in {path}"),
        };
        EvalFailure { kind: FailureKind::Hook, message: format!("hook `{}` failed {place}: {message}", self.sig.name) }
    }

    /// A rhai error as a failure at the deepest script position rhai knows; when it
    /// knows none (a budget or size limit), at the failing function's definition.
    fn script_failure(&self, err: EvalAltResult, backstop: Duration) -> EvalFailure {
        let mut function = None;
        let mut at = None;
        let mut innermost = err;
        while let EvalAltResult::ErrorInFunctionCall(name, _, next, pos) = innermost {
            at = line_col(pos).or(at);
            function = Some(name);
            innermost = *next;
        }
        let function = function.unwrap_or_else(|| self.sig.name.clone());
        let pos = innermost.take_position();
        let at = line_col(pos).or(at).or_else(|| fn_location(&self.script, &function));
        let message = match innermost {
            EvalAltResult::ErrorTooManyOperations(_) => {
                format!("ran out of its budget of {} operations", self.budget())
            }
            EvalAltResult::ErrorTerminated(..) => return self.past_backstop(at, backstop),
            EvalAltResult::ErrorStackOverflow(_) => {
                format!("called functions more than {MAX_CALL_LEVELS} levels deep")
            }
            EvalAltResult::ErrorDataTooLarge(what, _) => format!(
                "{what} over the limit (strings {MAX_STRING_SIZE} bytes, arrays {MAX_ARRAY_SIZE} items, maps \
                 {MAX_MAP_SIZE} entries)"
            ),
            other => other.to_string(),
        };
        let message = if function == self.sig.name { message } else { format!("{message} (in function `{function}`)") };
        self.failure(at, &message)
    }

    /// The failure of a call stopped by the wall-clock backstop: not the
    /// account's decision, but a run that cannot be trusted to be whole.
    fn past_backstop(&self, at: Option<(usize, usize)>, backstop: Duration) -> EvalFailure {
        A_CALL_MET_THE_BACKSTOP.store(true, Ordering::Relaxed);
        let place =
            at.map(|(line, col)| format!(" (at {}:{line}:{col})", self.sig.named.display())).unwrap_or_default();
        EvalFailure {
            kind: FailureKind::Timeout,
            message: format!(
                "hook `{}` ran past the wall-clock backstop of {} s{place} within its budget of {} operations; \
                 whether a call meets the backstop depends on the machine, so the run is incomplete",
                self.sig.name,
                backstop.as_secs_f64(),
                self.budget()
            ),
        }
    }

    /// The failure of a call that returned `found` (a rhai type name or a value).
    fn wrong_result(&self, found: &str) -> EvalFailure {
        let found = match found {
            "()" => "nothing",
            "i64" => "an integer",
            "decimal" => "a decimal",
            "bool" => "a bool",
            "string" => "a string",
            "array" => "an array",
            "map" => "a map",
            other => other,
        };
        let declared = self.sig.result.base.describe();
        self.failure(None, &format!("returned {found}, but it is declared to return {declared}"))
    }

    fn convert_result(&self, result: Dynamic) -> Result<Val<'static>, EvalFailure> {
        let wrong = |found: &str| self.wrong_result(found);
        match &self.sig.result.base {
            Base::Bool => result.as_bool().map(Val::Bool).map_err(wrong),
            Base::Int | Base::Dec => match number_of(&result) {
                Some(number) => self.convert_number(number),
                None => Err(wrong(result.type_name())),
            },
            Base::Date => {
                let text = result.into_immutable_string().map_err(wrong)?;
                crate::value::parse_date(&text)
                    .map(Val::Date)
                    .ok_or_else(|| wrong(&format!("\"{text}\", which is {}", crate::value::not_a_date(&text))))
            }
            // The checker only lets hooks return bool, int, decimal, money or date.
            other => Err(self.failure(None, &format!("internal: hooks cannot return {}", other.describe()))),
        }
    }

    /// A number returned by the script as the declared `int` or `decimal`: a
    /// whole decimal is an integer, an integer a decimal.
    fn convert_number(&self, number: Number) -> Result<Val<'static>, EvalFailure> {
        match (&self.sig.result.base, number) {
            (Base::Int, Number::Int(i)) => Ok(Val::Int(i)),
            (Base::Int, Number::Dec(d)) if d.fract().is_zero() => {
                i64::try_from(d).map(Val::Int).map_err(|_| self.wrong_result(&format!("{d}, out of the integer range")))
            }
            (Base::Int, Number::Dec(d)) => Err(self.wrong_result(&format!("{d}, which is not a whole number"))),
            (Base::Dec, Number::Dec(d)) => Ok(Val::Dec(d.normalize())),
            (Base::Dec, Number::Int(i)) => Ok(Val::Dec(i.into())),
            // Only `int` and `decimal` results convert from a number (rhai's type names).
            (_, Number::Int(_)) => Err(self.wrong_result("i64")),
            (_, Number::Dec(_)) => Err(self.wrong_result("decimal")),
        }
    }
}

/// A script's result as a number, when it is one.
fn number_of(result: &Dynamic) -> Option<Number> {
    match (result.as_int(), result.as_decimal()) {
        (Ok(i), _) => Some(Number::Int(i)),
        (_, Ok(d)) => Some(Number::Dec(d)),
        _ => None,
    }
}

/// What a caught panic said (its payload is a `&str` or a `String` when it says anything).
fn panic_text(payload: &(dyn std::any::Any + Send)) -> String {
    payload
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "it panicked".into())
}

fn line_col(pos: Position) -> Option<(usize, usize)> {
    Some((pos.line()?, pos.position().unwrap_or(1)))
}

/// A set as a script sees it: an array of its elements (dates as text).
fn set_array(items: &[SetItem], sizes: &mut DataSizes) -> Dynamic {
    sizes.array_items += items.len();
    Dynamic::from_array(
        items
            .iter()
            .map(|i| match i {
                SetItem::Str(s) => sizes.text(s),
                SetItem::Int(n) => Dynamic::from_int(*n),
                SetItem::Date(d) => sizes.text(&d.to_string()),
            })
            .collect(),
    )
}

/// What a value given to a script holds, counted as rhai counts it against
/// its limits: array items, map entries and bytes of text, nested ones included.
#[derive(Default)]
struct DataSizes {
    array_items: usize,
    map_entries: usize,
    text_bytes: usize,
}

impl DataSizes {
    fn fit(&self) -> bool {
        self.array_items <= MAX_ARRAY_SIZE && self.map_entries <= MAX_MAP_SIZE && self.text_bytes <= MAX_STRING_SIZE
    }

    fn text(&mut self, s: &str) -> Dynamic {
        self.text_bytes += s.len();
        Dynamic::from(s.to_string())
    }

    fn refusal(&self, records: usize) -> String {
        format!(
            "a list of {records} records is more than a script may hold (strings {MAX_STRING_SIZE} bytes, arrays \
             {MAX_ARRAY_SIZE} items, maps {MAX_MAP_SIZE} entries, nested ones included; it makes at least {} items, \
             {} entries, {} bytes)",
            self.array_items, self.map_entries, self.text_bytes
        )
    }
}

/// A list of records as a script sees it: an array of maps keyed by the
/// schema's field names, in the list's order (oldest first by its time key).
fn records_array(records: &[Record], shape: &ElementShape, sizes: &mut DataSizes) -> Dynamic {
    sizes.array_items += records.len();
    Dynamic::from_array(records.iter().map(|r| Dynamic::from_map(record_map(r, shape, sizes))).collect())
}

/// One record's fields as a map: absent optional fields as `()`, enum
/// members by name, dates as text, nested records as maps.
fn record_map(record: &Record, shape: &ElementShape, sizes: &mut DataSizes) -> rhai::Map {
    sizes.map_entries += shape.fields.len();
    let mut map = rhai::Map::new();
    for (name, field) in &shape.fields {
        let value = match field {
            FieldShape::Leaf { slot, members } => match record.slots.get(*slot) {
                Some(v) => value_dynamic(v, members.as_deref(), sizes),
                None => Dynamic::UNIT,
            },
            FieldShape::Record(inner) => Dynamic::from_map(record_map(record, inner, sizes)),
            FieldShape::List { slot, element } => match record.slots.get(*slot) {
                Some(Value::List(items)) => records_array(items, element, sizes),
                _ => Dynamic::from_array(Vec::new()),
            },
        };
        map.insert(name.as_ref().into(), value);
    }
    map
}

/// A stored leaf as a script sees it.
fn value_dynamic(v: &Value, members: Option<&[Box<str>]>, sizes: &mut DataSizes) -> Dynamic {
    match v {
        Value::None | Value::List(_) => Dynamic::UNIT,
        Value::Bool(b) => Dynamic::from_bool(*b),
        Value::Int(i) => Dynamic::from_int(*i),
        Value::Dec(d) => Dynamic::from_decimal(*d),
        Value::Str(s) => sizes.text(s),
        Value::Enum(i) => members.and_then(|m| m.get(*i as usize)).map_or(Dynamic::UNIT, |m| sizes.text(m)),
        Value::Date(d) => sizes.text(&d.to_string()),
        Value::Set(items) => set_array(items, sizes),
    }
}
