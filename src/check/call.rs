//! Checking calls: built-in functions (looked up in [`crate::builtins`]) and hooks.

use super::expr::{member_name, texpr, to_dec, Checked, Scope};
use super::Checker;
use crate::builtins::{self, FnKind, ScalarFn, BUILTINS};
use crate::diagnostic::{codes, Span};
use crate::ir::*;
use crate::syntax::ast::{Expr, Ident, Spanned};
use crate::terminal::counted;
use crate::value::Duration;

/// A call as written: `name(args) where filter within window`.
#[derive(Clone, Copy)]
pub(super) struct CallSite<'e> {
    /// The function's name.
    pub name: &'e Ident,
    /// Its arguments.
    pub args: &'e [Expr],
    /// `where COND`, which only an aggregate takes.
    pub filter: Option<&'e Expr>,
    /// `within D`, which only an aggregate takes.
    pub window: Option<&'e Spanned<Duration>>,
    /// The whole call.
    pub span: Span,
}

impl Checker<'_> {
    /// The nearest names (built-in functions and the policy's hooks), then every function there is.
    fn unknown_function_help(&self, fname: &str, args: &[Expr]) -> String {
        let names = BUILTINS.iter().map(|b| b.name).chain(self.hooks.iter().map(|h| h.name.as_str()));
        let quoted = |names: Vec<&str>| names.iter().map(|n| format!("`{n}`")).collect::<Vec<_>>();
        let first = args.first().map(|a| self.source_text(a.span));
        if let Some(form) = builtins::written_otherwise(fname, first.as_deref()) {
            return format!("a policy writes this `{form}` (docs/reference.md#functions)");
        }
        let near = quoted(crate::diagnostic::nearest_names(fname, names, 3));
        let mut builtins: Vec<&str> = BUILTINS.iter().map(|b| b.name).collect();
        builtins.dedup();
        let mut help = match near.as_slice() {
            [] => String::new(),
            [one] => format!("did you mean {one}? "),
            [init @ .., last] => format!("did you mean {} or {last}? ", init.join(", ")),
        };
        help.push_str(&format!("the functions are {}", builtins.join(", ")));
        if !self.hooks.is_empty() {
            let hooks: Vec<&str> = self.hooks.iter().map(|h| h.name.as_str()).collect();
            help.push_str(&format!(", and the policy's hooks {}", hooks.join(", ")));
        }
        help.push_str(" (docs/reference.md#functions)");
        help
    }

    /// Checks a call: an aggregate, a hook or a scalar built-in function.
    pub(super) fn call(&mut self, call: CallSite<'_>, scope: Scope<'_>) -> Checked {
        let fname = call.name.node.as_str();
        let builtin = builtins::lookup(fname);
        let scalar = match builtin.map(|b| b.kind) {
            Some(FnKind::Aggregate(func)) => return self.aggregate(func, call, scope),
            Some(FnKind::AggregateOrPair(func, _)) if call.args.len() != 2 => return self.aggregate(func, call, scope),
            Some(FnKind::AggregateOrPair(_, pair)) => Some(ScalarFn::Pair(pair)),
            Some(FnKind::Scalar(scalar)) => Some(scalar),
            None => None,
        };
        if let Some(f) = call.filter {
            self.err(
                codes::CLAUSE_OUT_OF_PLACE,
                f.span,
                format!("`where` only belongs in an aggregate, not in `{fname}(...)`"),
            );
        }
        if let Some(w) = call.window {
            self.err(
                codes::CLAUSE_OUT_OF_PLACE,
                w.span,
                format!("`within` only belongs in an aggregate, not in `{fname}(...)`"),
            );
        }
        if let Some(hook) = self.hooks.iter().position(|h| h.name == fname) {
            return self.hook_call(hook, call.args, call.span, scope);
        }
        if self.poisoned.contains(fname) {
            if let Some(&declared) = self.failed_hook_arity.get(fname).filter(|n| **n != call.args.len()) {
                let found = call.args.len();
                self.err(
                    codes::ARITY,
                    call.span,
                    format!("hook `{fname}` takes {declared} argument(s), found {found}"),
                );
            }
            return None;
        }
        let (Some(builtin), Some(scalar)) = (builtin, scalar) else {
            let help = self.unknown_function_help(fname, call.args);
            self.err(codes::UNKNOWN_FUNCTION, call.name.span, format!("unknown function `{fname}`")).help = Some(help);
            return None;
        };
        // Every argument is checked before any failure stops the call, so
        // two wrong arguments are reported in one run.
        let what = format!("as an argument of `{fname}`");
        let checked: Vec<Checked> =
            call.args.iter().map(|a| self.expr(a, scope).and_then(|t| self.present(t, &what))).collect();
        let targs: Vec<TExpr> = checked.into_iter().collect::<Option<_>>()?;
        let is_pair = matches!(scalar, ScalarFn::Pair(_));
        if !is_pair && targs.len() != builtin.arity {
            let n = builtin.arity;
            let message = format!("`{fname}` takes {}, found {}", counted(n, "argument"), targs.len());
            self.err(codes::ARITY, call.span, message);
            return None;
        }
        let (func, ty, targs) = self.scalar_call(fname, scalar, targs, call.span)?;
        Some(texpr(TKind::Call { func, args: targs }, ty, call.span))
    }

    /// Types a scalar built-in's arguments, already counted; gives what it
    /// lowers to, its type and its arguments (numbers made alike for `min`/`max`).
    #[expect(
        clippy::indexing_slicing,
        reason = "the caller checked the argument count against the function's arity (a pair has two)"
    )]
    fn scalar_call(
        &mut self,
        fname: &str,
        scalar: ScalarFn,
        mut targs: Vec<TExpr>,
        span: Span,
    ) -> Option<(Builtin, Ty, Vec<TExpr>)> {
        // An enum's value has the length of its member's name.
        if matches!(scalar, ScalarFn::Length) && matches!(targs[0].ty.base, Base::Enum(_)) {
            targs = targs.into_iter().map(member_name).collect();
        }
        let (func, base) = match scalar {
            ScalarFn::Number(func) => (func, self.numeric_arg(&targs[0], fname)?),
            ScalarFn::Round => (Builtin::Round, self.round_args(&targs)?),
            ScalarFn::Pair(func) => {
                let base = self.pair_base(fname, &targs, span)?;
                let targs = if base == Base::Dec { targs.into_iter().map(to_dec).collect() } else { targs };
                return Some((func, Ty::req(base), targs));
            }
            ScalarFn::TwoDates(func) => {
                let not_dates: Vec<(Span, String)> =
                    targs.iter().filter(|t| t.ty.base != Base::Date).map(|t| (t.span, t.ty.describe())).collect();
                for (span, found) in &not_dates {
                    self.err(codes::TYPE_MISMATCH, *span, format!("`{fname}` takes two dates, found {found}"));
                }
                if !not_dates.is_empty() {
                    return None;
                }
                (func, Base::Int)
            }
            ScalarFn::Length => {
                let func = match targs[0].ty.base {
                    Base::Str => Builtin::LenStr,
                    Base::Set(_) => Builtin::LenSet,
                    _ => {
                        self.err(
                            codes::TYPE_MISMATCH,
                            targs[0].span,
                            format!("`len` takes a string or a set, found {}", targs[0].ty.describe()),
                        );
                        return None;
                    }
                };
                (func, Base::Int)
            }
        };
        Some((func, Ty::req(base), targs))
    }

    /// `round(x, places)`: a number, and a whole number of places within
    /// range; both are checked, whichever is wrong.
    #[expect(clippy::indexing_slicing, reason = "`round` is called with its two arguments (checked by arity)")]
    fn round_args(&mut self, targs: &[TExpr]) -> Option<Base> {
        let base = self.numeric_arg(&targs[0], "round");
        let places = &targs[1];
        if places.ty.base != Base::Int {
            self.err(codes::TYPE_MISMATCH, places.span, "the number of decimal places must be a whole number");
            return None;
        }
        if let Some(n) = const_int(places).filter(|p| !(0..=MAX_ROUND_PLACES).contains(p)) {
            let message = format!("`round` takes 0 to {MAX_ROUND_PLACES} decimal places, found {n}");
            self.err(codes::TYPE_MISMATCH, places.span, message);
            return None;
        }
        base
    }

    /// `min(a, b)`/`max(a, b)`: two numbers (int if both are) or two dates.
    #[expect(clippy::indexing_slicing, reason = "a pair is a call of `min`/`max` with exactly two arguments")]
    fn pair_base(&mut self, fname: &str, targs: &[TExpr], span: Span) -> Option<Base> {
        let (a, b) = (&targs[0].ty.base, &targs[1].ty.base);
        match (a, b) {
            (Base::Int, Base::Int) => Some(Base::Int),
            (x, y) if x.is_numeric() && y.is_numeric() => Some(Base::Dec),
            (Base::Date, Base::Date) => Some(Base::Date),
            _ => {
                let message = format!(
                    "`{fname}(a, b)` needs two numbers or two dates, found {} and {}",
                    a.describe(),
                    b.describe()
                );
                self.err(codes::TYPE_MISMATCH, span, message);
                None
            }
        }
    }

    fn numeric_arg(&mut self, t: &TExpr, fname: &str) -> Option<Base> {
        if t.ty.base.is_numeric() {
            Some(t.ty.base.clone())
        } else {
            self.err(codes::TYPE_MISMATCH, t.span, format!("`{fname}` takes a number, found {}", t.ty.describe()));
            None
        }
    }

    #[expect(
        clippy::indexing_slicing,
        reason = "paths have at least one segment (the grammar requires a first name), argument counts are checked before arguments are read, and let and hook indices come from lookups in the same vectors"
    )]
    fn hook_call(&mut self, hook: usize, args: &[Expr], span: Span, scope: Scope<'_>) -> Checked {
        self.used_hooks.insert(hook);
        let sig = self.hooks[hook].clone();
        if args.len() != sig.params.len() {
            self.err(
                codes::ARITY,
                span,
                format!("hook `{}` takes {} argument(s), found {}", sig.name, sig.params.len(), args.len()),
            )
            .help = Some(format!(
                "declared as `{}({})`",
                sig.name,
                sig.params.iter().map(|(n, t)| format!("{n}: {}", t.base.describe())).collect::<Vec<_>>().join(", ")
            ));
            return None;
        }
        // Every argument is checked, so two wrong ones are reported in one run.
        let checked: Vec<Option<TExpr>> =
            args.iter().zip(&sig.params).map(|(arg, param)| self.hook_argument(&sig.name, arg, param, scope)).collect();
        let targs = checked.into_iter().collect::<Option<Vec<_>>>()?;
        Some(texpr(TKind::Hook { hook, args: targs }, sig.result.clone(), span))
    }

    /// One argument of a call of hook `name`, for parameter `pname: pty`.
    fn hook_argument(&mut self, name: &str, arg: &Expr, (pname, pty): &(String, Ty), scope: Scope<'_>) -> Checked {
        if let Base::Records(_) = pty.base {
            return self.list_argument(arg, name, pname);
        }
        if self.misplaced_list(arg, name, pname, &pty.base).is_some() {
            return None;
        }
        let t = self.expr(arg, scope)?;
        let t = self.present(t, &format!("as hook argument `{pname}`"))?;
        match (&pty.base, &t.ty.base) {
            (a, b) if a == b => Some(t),
            (Base::Dec, Base::Int) => Some(to_dec(t)),
            (Base::Str, Base::Enum(_)) => Some(t),
            _ => {
                let message =
                    format!("hook `{name}` expects {} for `{pname}`, found {}", pty.base.describe(), t.ty.describe());
                self.err(codes::HOOK_ARGUMENT, t.span, message);
                None
            }
        }
    }
}

/// The value of a whole-number literal, signed or not (`28`, `-1`).
fn const_int(e: &TExpr) -> Option<i64> {
    match &e.kind {
        TKind::Const(Const::Int(n)) => Some(*n),
        TKind::Neg(NumKind::Int, inner) => const_int(inner).and_then(i64::checked_neg),
        _ => None,
    }
}
