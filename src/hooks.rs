//! rhai scoring hooks: compiled once at load, called per account in a sandbox.
//!
//! The engine starts from `Engine::new_raw()` with only arithmetic, logic,
//! string, array and map packages: no file, network, clock, environment or
//! module access. Every call has an operation budget and limits on call depth,
//! expression depth, string and array size, so a hostile script ends in an
//! error record for that account, never a hung or crashed run.
//!
//! rhai is built with `decimal` and `no_float`: a literal like `0.5` in a
//! script is an exact decimal, so `utilization < 0.5` compares exactly.

use crate::diagnostic::{Diagnostic, Span};
use crate::eval::{EvalFailure, FailureKind, Val};
use crate::ir::{Base, HookSig};
use rhai::packages::{
    ArithmeticPackage, BasicArrayPackage, BasicMapPackage, BasicMathPackage, BasicStringPackage, LogicPackage,
    MoreStringPackage, Package,
};
use rhai::{Dynamic, Engine, AST};
use std::path::Path;

/// Operations a hook call may use unless the policy sets `budget N`.
pub const DEFAULT_BUDGET: u64 = 100_000;

/// A loaded hook: its signature, its sandboxed engine and its compiled script.
pub struct Hook {
    sig: HookSig,
    engine: Engine,
    ast: AST,
}

impl std::fmt::Debug for Hook {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Hook").field("sig", &self.sig).finish_non_exhaustive()
    }
}

/// A sandboxed engine with the given operation budget.
pub fn sandbox(budget: u64) -> Engine {
    let mut engine = Engine::new_raw();
    engine.register_global_module(ArithmeticPackage::new().as_shared_module());
    engine.register_global_module(LogicPackage::new().as_shared_module());
    engine.register_global_module(BasicMathPackage::new().as_shared_module());
    engine.register_global_module(BasicStringPackage::new().as_shared_module());
    engine.register_global_module(MoreStringPackage::new().as_shared_module());
    engine.register_global_module(BasicArrayPackage::new().as_shared_module());
    engine.register_global_module(BasicMapPackage::new().as_shared_module());
    engine.set_max_operations(budget);
    engine.set_max_call_levels(32);
    engine.set_max_expr_depths(64, 32);
    engine.set_max_string_size(64 * 1024);
    engine.set_max_array_size(10_000);
    engine.set_max_map_size(10_000);
    engine.set_max_functions(256);
    engine.set_max_variables(1_000);
    engine.on_print(|_| {});
    engine.on_debug(|_, _, _| {});
    engine
}

impl Hook {
    /// Compiles a hook's script and checks that it defines the declared function.
    pub fn load(sig: HookSig, script_path: &Path, script: &str, decl_file: &Path) -> Result<Hook, Vec<Diagnostic>> {
        let engine = sandbox(sig.budget.unwrap_or(DEFAULT_BUDGET));
        let ast = engine.compile(script).map_err(|e| {
            let pos = e.position();
            let offset = offset_of(script, pos.line().unwrap_or(1), pos.position().unwrap_or(1));
            vec![Diagnostic::error(
                "E0310",
                script_path,
                Span::new(offset, offset + 1),
                format!("rhai syntax error: {}", e.err_type()),
            )]
        })?;
        let defined: Vec<(String, usize)> =
            ast.iter_functions().map(|f| (f.name.to_string(), f.params.len())).collect();
        match defined.iter().find(|(n, _)| *n == sig.name) {
            Some((_, n)) if *n == sig.params.len() => Ok(Hook { sig, engine, ast }),
            Some((_, n)) => Err(vec![Diagnostic::error(
                "E0311",
                decl_file,
                sig.span,
                format!(
                    "hook `{}` is declared with {} parameter(s) but `{}` defines it with {n}",
                    sig.name,
                    sig.params.len(),
                    script_path.display()
                ),
            )]),
            None => {
                let help =
                    crate::diagnostic::did_you_mean(&sig.name, defined.iter().map(|(n, _)| n.as_str())).or_else(|| {
                        (!defined.is_empty()).then(|| {
                            format!(
                                "the script defines {}",
                                defined.iter().map(|(n, _)| format!("`{n}`")).collect::<Vec<_>>().join(", ")
                            )
                        })
                    });
                Err(vec![Diagnostic::error(
                    "E0311",
                    decl_file,
                    sig.span,
                    format!("`{}` does not define a function `{}`", script_path.display(), sig.name),
                )
                .with_help_opt(help)])
            }
        }
    }

    /// The hook's name.
    pub fn name(&self) -> &str {
        &self.sig.name
    }

    /// The hook's signature.
    pub fn signature(&self) -> &HookSig {
        &self.sig
    }

    /// Calls the hook with already-evaluated arguments.
    pub fn call(&self, args: &[Val<'_>]) -> Result<Val<'static>, EvalFailure> {
        let args: Vec<Dynamic> = args.iter().map(|v| to_dynamic(*v)).collect();
        let mut scope = rhai::Scope::new();
        let result: Dynamic = self
            .engine
            .call_fn(&mut scope, &self.ast, &self.sig.name, args)
            .map_err(|e| self.failure(&e.to_string()))?;
        self.convert_result(result)
    }

    fn failure(&self, message: &str) -> EvalFailure {
        EvalFailure {
            kind: FailureKind::Hook,
            message: format!("hook `{}` ({}) failed: {message}", self.sig.name, self.sig.path.display()),
        }
    }

    fn convert_result(&self, result: Dynamic) -> Result<Val<'static>, EvalFailure> {
        let wrong = |found: &str| {
            self.failure(&format!("returned {found}, but it is declared to return {}", self.sig.result.base.describe()))
        };
        match &self.sig.result.base {
            Base::Bool => result.as_bool().map(Val::Bool).map_err(wrong),
            Base::Int => match result.as_int() {
                Ok(i) => Ok(Val::Int(i)),
                Err(found) => match result.as_decimal() {
                    Ok(d) if d.fract().is_zero() => {
                        i64::try_from(d).map(Val::Int).map_err(|_| wrong("a number out of range"))
                    }
                    _ => Err(wrong(found)),
                },
            },
            Base::Dec => match result.as_decimal() {
                Ok(d) => Ok(Val::Dec(d)),
                Err(found) => result.as_int().map(|i| Val::Dec(i.into())).map_err(|_| wrong(found)),
            },
            Base::Date => {
                let text = result.into_immutable_string().map_err(wrong)?;
                crate::value::parse_date(&text)
                    .map(Val::Date)
                    .ok_or_else(|| wrong(&format!("\"{text}\", which is not a YYYY-MM-DD date")))
            }
            other => Err(self.failure(&format!("hooks cannot return {}", other.describe()))),
        }
    }
}

fn to_dynamic(v: Val<'_>) -> Dynamic {
    match v {
        Val::None => Dynamic::UNIT,
        Val::Bool(b) => Dynamic::from_bool(b),
        Val::Int(i) => Dynamic::from_int(i),
        Val::Dec(d) => Dynamic::from_decimal(d),
        Val::Str(s) => Dynamic::from(s.to_string()),
        Val::Enum(i) => Dynamic::from_int(i64::from(i)),
        Val::Date(d) => Dynamic::from(d.to_string()),
        Val::Set(items) => Dynamic::from_array(items.iter().map(|i| Dynamic::from(i.to_string())).collect()),
    }
}

fn offset_of(text: &str, line: usize, col: usize) -> usize {
    let mut offset = 0;
    for (i, l) in text.split_inclusive('\n').enumerate() {
        if i + 1 == line {
            return offset + l.char_indices().nth(col.saturating_sub(1)).map_or(0, |(b, _)| b);
        }
        offset += l.len();
    }
    offset.min(text.len())
}
