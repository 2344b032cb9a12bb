//! Straight-line hooks without the script engine: a hook whose function body
//! is `let` statements and a final expression over its `int` and `decimal`
//! parameters, compiled at load from rhai's (optimized) AST into a small tree
//! that computes what rhai would, bit for bit.
//!
//! A rhai call costs about a microsecond before the script does anything
//! (`call_fn_with_options` builds its global state and function-resolution
//! caches afresh on every call, and walks the AST over `Dynamic`s); the native
//! form evaluates the same operations on `i64` and `Decimal` directly.
//!
//! Exactness: each operation below calls the same rust_decimal or `i64`
//! function, on the same argument types, as the sandbox function it stands
//! for (rhai's, named at each one in rhai 1.27's source, or the sandbox's
//! own, such as the exact decimal operators of `super::arithmetic`). On any failure (overflow,
//! division by zero, a math function without a result, an argument of an
//! unexpected kind) the native form gives up and the call runs through rhai,
//! which then reports the error with its own message and position. rhai's
//! optimizer has already folded constant operators in the AST this is compiled
//! from, with the same functions (it leaves an overridden operator, on
//! decimals, unfolded), so evaluating what is left gives the same values.
//!
//! Everything else (conditions, loops, comparisons, `&&`/`||`, strings,
//! arrays, maps, method calls, calls of the script's own functions, `print`)
//! is not recognised: such a hook always runs through rhai.

use super::exp::exp;
use rhai::{ASTFlags, ASTNode, Expr, FnCallExpr, Stmt, Token, AST, INT};
use rust_decimal::{Decimal, MathematicalOps, RoundingStrategy};

use crate::ir::ops::ArithOp;
use crate::ir::{Base, HookSig};

/// Most parameters and `let`s a recognised body may have (its slots live on
/// the stack during a call).
pub(super) const MAX_SLOTS: usize = 16;

/// A number as rhai holds it: `INT` (i64) or, rhai being built `decimal` and
/// `no_float`, an exact `Decimal`.
#[derive(Clone, Copy, Debug)]
pub enum Number {
    /// rhai's `INT`.
    Int(INT),
    /// rhai's `Decimal`.
    Dec(Decimal),
}

impl Number {
    /// The value as a decimal, as rhai converts an `INT` operand mixed with a
    /// decimal (`Decimal::from`, `impl_decimal!` in `src/func/builtin.rs`).
    fn dec(self) -> Decimal {
        match self {
            Number::Int(i) => Decimal::from(i),
            Number::Dec(d) => d,
        }
    }

    fn kind(self) -> Kind {
        match self {
            Number::Int(_) => Kind::Int,
            Number::Dec(_) => Kind::Dec,
        }
    }
}

/// The type of a value, known at load for every node of a recognised body.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Int,
    Dec,
}

/// A function of one argument the sandbox provides for numbers.
#[derive(Clone, Copy, Debug)]
enum Func {
    Exp,
    Ln,
    Log,
    Sqrt,
    /// `round(x)`, decimals only.
    Round,
    Abs,
    /// `floor(x)`, decimals only.
    Floor,
    /// `ceiling(x)`, decimals only.
    Ceiling,
    ToDecimal,
}

#[derive(Debug)]
enum Node {
    Const(Number),
    /// A parameter or an earlier `let`'s value.
    Slot(usize),
    /// Unary `-`.
    Neg(Box<Node>),
    Binary(ArithOp, Box<(Node, Node)>),
    Call(Func, Box<Node>),
    /// `round(x, places)`.
    RoundTo(Box<(Node, Node)>),
}

/// The native form of a hook's function.
#[derive(Debug)]
pub struct Native {
    /// The declared kind of each parameter (slots `0..params.len()`).
    params: Vec<Kind>,
    /// Each `let`'s value, stored in the slot after the parameters and earlier `let`s.
    lets: Vec<Node>,
    result: Node,
}

impl Native {
    /// The native form of hook `sig`'s function in `ast`, when its body is
    /// straight-line arithmetic over `int` and `decimal` parameters with an
    /// `int` or `decimal` result; `None` otherwise.
    pub fn compile(ast: &AST, sig: &HookSig) -> Option<Native> {
        if !matches!(sig.result.base, Base::Int | Base::Dec) {
            return None;
        }
        let params: Vec<Kind> = sig.params.iter().map(|(_, ty)| kind_of(&ty.base)).collect::<Option<_>>()?;
        let arity = params.len();
        let def = ast.iter_fn_def().find(|f| f.name == sig.name && f.params.len() == arity)?;
        let mut builder = Builder {
            scope: def.params.iter().map(|p| p.to_string()).zip(params.iter().copied()).collect(),
            script_functions: ast.iter_functions().map(|f| (f.name.to_string(), f.params.len())).collect(),
            lets: Vec::new(),
            result: None,
            failed: false,
        };
        // Only the body's own statements have a path of length one: a copy of the
        // AST with just this function and no top-level statements walks nothing else.
        let single = ast.clone_functions_only_filtered(|_, _, _, name, n| name == sig.name && n == arity);
        single.walk(&mut |path: &[ASTNode]| {
            if let [ASTNode::Stmt(stmt)] = path {
                builder.statement(stmt);
            }
            !builder.failed
        });
        if builder.failed || builder.scope.len() > MAX_SLOTS {
            return None;
        }
        Some(Native { params, lets: builder.lets, result: builder.result? })
    }

    /// The value rhai's call would return, or `None` where rhai's call would
    /// fail (or the arguments are not of the declared kinds).
    pub fn run(&self, args: &[Number]) -> Option<Number> {
        if args.len() != self.params.len() || args.iter().zip(&self.params).any(|(a, k)| a.kind() != *k) {
            return None;
        }
        let mut slots = [Number::Int(0); MAX_SLOTS];
        for (slot, arg) in slots.iter_mut().zip(args) {
            *slot = *arg;
        }
        for (i, node) in self.lets.iter().enumerate() {
            let value = eval(node, &slots)?;
            *slots.get_mut(args.len() + i)? = value;
        }
        eval(&self.result, &slots)
    }
}

fn kind_of(base: &Base) -> Option<Kind> {
    match base {
        Base::Int => Some(Kind::Int),
        Base::Dec => Some(Kind::Dec),
        _ => None,
    }
}

/// Compiles a body statement by statement, in order.
struct Builder {
    /// Names in scope and their kinds: parameters, then `let`s (a name's slot is
    /// its index; a later `let` of the same name shadows an earlier one).
    scope: Vec<(String, Kind)>,
    /// The script's functions (name, arity): a call of one of these is not the sandbox's.
    script_functions: Vec<(String, usize)>,
    lets: Vec<Node>,
    result: Option<Node>,
    failed: bool,
}

impl Builder {
    fn statement(&mut self, stmt: &Stmt) {
        if self.failed || self.result.is_some() {
            self.failed = true;
            return;
        }
        let done = match stmt {
            // `let x = e;` / `const x = e;` (inside a function, nothing is exported)
            Stmt::Var(var, flags, _) if !flags.contains(ASTFlags::EXPORTED) => {
                let (ident, value, _) = &**var;
                self.expr(value).map(|(node, kind)| {
                    self.lets.push(node);
                    self.scope.push((ident.name.to_string(), kind));
                })
            }
            Stmt::Expr(e) => self.expr(e).map(|(node, _)| self.result = Some(node)),
            Stmt::FnCall(call, _) => self.call(call).map(|(node, _)| self.result = Some(node)),
            // `return e` (with `BREAK` it is `throw e`)
            Stmt::Return(Some(e), flags, _) if *flags == ASTFlags::NONE => {
                self.expr(e).map(|(node, _)| self.result = Some(node))
            }
            _ => None,
        };
        self.failed = done.is_none() || self.scope.len() > MAX_SLOTS;
    }

    fn expr(&self, e: &Expr) -> Option<(Node, Kind)> {
        match e {
            Expr::IntegerConstant(i, _) => Some((Node::Const(Number::Int(*i)), Kind::Int)),
            // A decimal literal, or a constant the optimizer folded.
            Expr::DynamicConstant(value, _) => match (value.as_int(), value.as_decimal()) {
                (Ok(i), _) => Some((Node::Const(Number::Int(i)), Kind::Int)),
                (_, Ok(d)) => Some((Node::Const(Number::Dec(d)), Kind::Dec)),
                _ => None,
            },
            Expr::Variable(var, _, _) => {
                let name = var.1.as_str();
                let slot = self.scope.iter().rposition(|(n, _)| n == name)?;
                let (_, kind) = self.scope.get(slot)?;
                Some((Node::Slot(slot), *kind))
            }
            Expr::FnCall(call, _) => self.call(call),
            _ => None,
        }
    }

    fn call(&self, call: &FnCallExpr) -> Option<(Node, Kind)> {
        if call.capture_parent_scope {
            return None;
        }
        match (&call.op_token, call.args.as_slice()) {
            (Some(Token::Minus | Token::UnaryMinus), [x]) => {
                let (x, kind) = self.expr(x)?;
                Some((Node::Neg(Box::new(x)), kind))
            }
            // Unary `+` is the package's `plus`, which returns its argument
            // (`gen_signed_functions` and `decimal_functions::plus`, src/packages/arithmetic.rs).
            (Some(Token::Plus | Token::UnaryPlus), [x]) => self.expr(x),
            (Some(token), [x, y]) => {
                let op = match token {
                    Token::Plus => ArithOp::Add,
                    Token::Minus => ArithOp::Sub,
                    Token::Multiply => ArithOp::Mul,
                    Token::Divide => ArithOp::Div,
                    _ => return None,
                };
                let ((x, kx), (y, ky)) = (self.expr(x)?, self.expr(y)?);
                let kind = if kx == Kind::Int && ky == Kind::Int { Kind::Int } else { Kind::Dec };
                Some((Node::Binary(op, Box::new((x, y))), kind))
            }
            (Some(_), _) => None,
            (None, args) => self.function(call.name.as_str(), args),
        }
    }

    /// A call of a function the sandbox registers, with the argument kinds it
    /// has an overload for (a call rhai cannot resolve is not recognised).
    fn function(&self, name: &str, args: &[Expr]) -> Option<(Node, Kind)> {
        // The script's own functions are found before the engine's.
        if self.script_functions.iter().any(|(n, arity)| n == name && *arity == args.len()) {
            return None;
        }
        match args {
            [x] => {
                let (x, kind) = self.expr(x)?;
                let (func, result) = match (name, kind) {
                    ("exp", _) => (Func::Exp, Kind::Dec),
                    ("ln", _) => (Func::Ln, Kind::Dec),
                    ("log", _) => (Func::Log, Kind::Dec),
                    ("sqrt", _) => (Func::Sqrt, Kind::Dec),
                    ("round", Kind::Dec) => (Func::Round, Kind::Dec),
                    ("abs", kind) => (Func::Abs, kind),
                    ("floor", Kind::Dec) => (Func::Floor, Kind::Dec),
                    ("ceiling", Kind::Dec) => (Func::Ceiling, Kind::Dec),
                    ("to_decimal", _) => (Func::ToDecimal, Kind::Dec),
                    _ => return None,
                };
                Some((Node::Call(func, Box::new(x)), result))
            }
            [x, places] if name == "round" => {
                let ((x, kx), (places, kp)) = (self.expr(x)?, self.expr(places)?);
                (kx == Kind::Dec && kp == Kind::Int).then(|| (Node::RoundTo(Box::new((x, places))), Kind::Dec))
            }
            _ => None,
        }
    }
}

/// A node's value; `None` where rhai's evaluation fails.
fn eval(node: &Node, slots: &[Number; MAX_SLOTS]) -> Option<Number> {
    match node {
        Node::Const(n) => Some(*n),
        Node::Slot(i) => slots.get(*i).copied(),
        // `eval_fn_call_expr`'s unary fast path (src/func/call.rs): `checked_neg`
        // on an INT (overflow is an error), plain negation on a Decimal.
        Node::Neg(x) => match eval(x, slots)? {
            Number::Int(i) => i.checked_neg().map(Number::Int),
            Number::Dec(d) => Some(Number::Dec(-d)),
        },
        Node::Binary(op, operands) => binary(*op, eval(&operands.0, slots)?, eval(&operands.1, slots)?),
        Node::Call(func, x) => call(*func, eval(x, slots)?),
        // The sandbox's `round(Decimal, INT)` (src/hooks.rs `sandbox`): a
        // negative number of places is an error.
        Node::RoundTo(operands) => {
            let (x, places) = (eval(&operands.0, slots)?, eval(&operands.1, slots)?);
            match (x, places) {
                (Number::Dec(d), Number::Int(p)) => {
                    let places = u32::try_from(p).ok()?;
                    Some(Number::Dec(d.round_dp_with_strategy(places, RoundingStrategy::MidpointAwayFromZero)))
                }
                _ => None,
            }
        }
    }
}

/// The sandbox's operators: rhai's built-ins on two `INT`s
/// (`get_builtin_binary_op_fn`, src/func/builtin.rs), the sandbox's exact
/// ones on decimals (`super::arithmetic`).
fn binary(op: ArithOp, x: Number, y: Number) -> Option<Number> {
    match (x, y) {
        // INT with INT: `arith_basic::INT::functions` (src/packages/arithmetic.rs):
        // checked arithmetic, overflow is an error; `/` is `checked_div`
        // (truncating; `i64::MIN / -1` overflows) after a zero check.
        (Number::Int(x), Number::Int(y)) => {
            let value = match op {
                ArithOp::Add => x.checked_add(y),
                ArithOp::Sub => x.checked_sub(y),
                ArithOp::Mul => x.checked_mul(y),
                ArithOp::Div if y == 0 => None,
                ArithOp::Div => x.checked_div(y),
            };
            value.map(Number::Int)
        }
        // A decimal with a decimal or an INT (either side): the INT through
        // `Decimal::from`, then the sandbox's exact operators
        // (`super::arithmetic`): `/` by zero is an error before the division.
        _ => op.decimals(x.dec(), y.dec()).ok().map(Number::Dec),
    }
}

/// The sandbox's functions of one number.
fn call(func: Func, x: Number) -> Option<Number> {
    let value = match (func, x) {
        // The sandbox's own `exp` for both kinds (src/hooks.rs `sandbox`).
        (Func::Exp, x) => exp(x.dec())?,
        // `ln`, `log`, `sqrt` of an INT: the sandbox's (`Decimal::from` first); of a
        // Decimal: `decimal_functions` in src/packages/math_basic.rs. Both call
        // `checked_ln`, `checked_log10` and `sqrt`; `None` is an error.
        (Func::Ln, x) => x.dec().checked_ln()?,
        (Func::Log, x) => x.dec().checked_log10()?,
        (Func::Sqrt, x) => x.dec().sqrt()?,
        // The sandbox's `round(Decimal)`: half away from zero.
        (Func::Round, Number::Dec(d)) => d.round_dp_with_strategy(0, RoundingStrategy::MidpointAwayFromZero),
        // `abs`: `gen_signed_functions` (`checked_abs`, overflow is an error) and
        // `decimal_functions::abs` (src/packages/arithmetic.rs).
        (Func::Abs, Number::Int(i)) => return i.checked_abs().map(Number::Int),
        (Func::Abs, Number::Dec(d)) => d.abs(),
        // `floor` and `ceiling`: `decimal_functions` in src/packages/math_basic.rs.
        (Func::Floor, Number::Dec(d)) => d.floor(),
        (Func::Ceiling, Number::Dec(d)) => d.ceil(),
        // `to_decimal`: `gen_conv_functions!` in src/packages/math_basic.rs.
        (Func::ToDecimal, x) => x.dec(),
        (Func::Round | Func::Floor | Func::Ceiling, Number::Int(_)) => return None,
    };
    Some(Number::Dec(value))
}
