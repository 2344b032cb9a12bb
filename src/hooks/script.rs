//! A hook script on its own: compiled and checked against the declarations
//! that name it (also for a policy that does not check, so that its
//! scripts' errors are said with its own), and where it defines a function.

use super::{line_col, sandbox, DEFAULT_BUDGET};
use crate::diagnostic::{codes, did_you_mean, Diagnostic, Span};
use crate::terminal::counted;
use rhai::{ASTNode, Engine, Expr, ParseErrorType, Position, Stmt, AST};
use std::path::Path;

/// A hook script's own problems, found without the declaration that names
/// it: it does not compile, or assigns into an element. For a policy that
/// does not check, so that its scripts' errors are said with its own.
pub fn script_problems(script_path: &Path, script: &str, hooks: &[Declared<'_>]) -> Vec<Diagnostic> {
    match compile_script(&sandbox(DEFAULT_BUDGET), script_path, script) {
        Ok(ast) => hooks.iter().filter_map(|hook| hook.defined_in(&ast, script_path)).collect(),
        Err(diags) => diags,
    }
}

/// A hook as its declaration names it: the function a script must define.
pub struct Declared<'a> {
    /// The function's name.
    pub name: &'a str,
    /// How many parameters it is declared with.
    pub arity: usize,
    /// The policy declaring it.
    pub file: &'a Path,
    /// The declaration, in that policy.
    pub span: Span,
}

impl Declared<'_> {
    /// Why the script compiled to `ast` does not define this hook's
    /// function (`E0311`), if it does not: no such function, or another
    /// number of parameters.
    pub(super) fn defined_in(&self, ast: &AST, script_path: &Path) -> Option<Diagnostic> {
        let defined: Vec<(String, usize)> =
            ast.iter_functions().map(|f| (f.name.to_string(), f.params.len())).collect();
        let name = self.name;
        match defined.iter().find(|(n, _)| n == name) {
            Some((_, n)) if *n == self.arity => None,
            Some((_, n)) => Some(Diagnostic::error(
                codes::SCRIPT_FUNCTION,
                self.file,
                self.span,
                format!(
                    "hook `{name}` is declared with {} parameter(s) but `{}` defines it with {n}",
                    self.arity,
                    script_path.display()
                ),
            )),
            None => {
                let help =
                    crate::diagnostic::did_you_mean(name, defined.iter().map(|(n, _)| n.as_str())).or_else(|| {
                        (!defined.is_empty()).then(|| {
                            let names: Vec<String> = defined.iter().map(|(n, _)| format!("`{n}`")).collect();
                            format!("the script defines {}", names.join(", "))
                        })
                    });
                let message = format!("`{}` does not define a function `{name}`", script_path.display());
                Some(Diagnostic::error(codes::SCRIPT_FUNCTION, self.file, self.span, message).with_help_opt(help))
            }
        }
    }
}

/// Where `script` defines the function `name`: the byte offset of the name
/// in its `fn NAME (`.
pub fn function_defined(script: &str, name: &str) -> Option<usize> {
    let (_, at) = definition(script, name)?;
    Some(offset_of(script, at.line()?, at.position().unwrap_or(1)))
}

/// The positions of the `fn` and of the name that define `name` in
/// `script`, found by rhai's own tokenizer: never in a comment or a string
/// of whatever kind rhai has, spaced however rhai allows.
fn definition(script: &str, name: &str) -> Option<(Position, Position)> {
    use rhai::Token;
    super::fix_hashing_seed();
    let engine = Engine::new_raw();
    let read = as_rhai_reads(script);
    let text: &str = &read;
    let (tokens, _) = engine.lex([&text]);
    let mut previous: [Option<(Token, Position)>; 2] = [None, None];
    for (token, pos) in tokens {
        if token == Token::EOF {
            break;
        }
        if let ([Some((Token::Fn, at_fn)), Some((Token::Identifier(n), at_name))], Token::LeftParen) =
            (&previous, &token)
        {
            if n.as_str() == name {
                return Some((*at_fn, *at_name));
            }
        }
        previous = [previous[1].take(), Some((token, pos))];
    }
    None
}

/// Compiles a script in `engine`, refusing an assignment into an element or property.
pub(super) fn compile_script(engine: &Engine, script_path: &Path, script: &str) -> Result<AST, Vec<Diagnostic>> {
    let ast = engine.compile(&*as_rhai_reads(script)).map_err(|e| {
        let pos = e.position();
        let offset = offset_of(script, pos.line().unwrap_or(1), pos.position().unwrap_or(1));
        let d = Diagnostic::error(
            codes::SCRIPT_SYNTAX,
            script_path,
            Span::new(offset, offset + 1),
            format!("the script does not compile: {}", e.err_type()),
        );
        vec![match e.err_type() {
            ParseErrorType::VariableUndefined(name) => d.with_help(undefined_variable_help(name, script)),
            _ => d,
        }]
    })?;
    // A diagnostic at `pos` of the script.
    let refused = |code, pos: Position, message: &str, help: &str| {
        let offset = offset_of(script, pos.line().unwrap_or(1), pos.position().unwrap_or(1));
        vec![Diagnostic::error(code, script_path, Span::new(offset, offset + 1), message).with_help(help)]
    };
    if let Some(pos) = element_assignment(&ast) {
        return Err(refused(
            codes::SCRIPT_ELEMENT_ASSIGNMENT,
            pos,
            "a hook may not assign into an element or property",
            "build a new value instead: `a.push(x)`, `a + [x]`, `m + #{ k: v }`; rhai does not count what \
             such an assignment adds against the size limits",
        ));
    }
    if let Some(pos) = curried(&ast) {
        return Err(refused(
            codes::SCRIPT_CURRY,
            pos,
            "a hook may not curry a function pointer",
            "pass the value as an argument instead; rhai does not count what a pointer curries against the \
             size limits",
        ));
    }
    if let Some((pos, written, message, help)) = inexact(engine, script) {
        let offset = offset_of(script, pos.line().unwrap_or(1), pos.position().unwrap_or(1));
        let span = Span::new(offset, offset + written.len());
        return Err(vec![Diagnostic::error(codes::SCRIPT_INEXACT, script_path, span, message).with_help(help)]);
    }
    if let Some((pos, name, arity, help)) = unknown_call(engine, &ast) {
        let with = counted(arity, "argument");
        let offset = offset_of(script, pos.line().unwrap_or(1), pos.position().unwrap_or(1));
        let message = format!("the script calls `{name}` with {with}, and no function `{name}` takes {with}");
        return Err(vec![Diagnostic::error(
            codes::SCRIPT_UNKNOWN_FUNCTION,
            script_path,
            Span::new(offset, offset + name.len()),
            message,
        )
        .with_help(help)]);
    }
    Ok(ast)
}

/// The first number the script writes with more digits than an exact
/// decimal holds, or its first bit shift: rhai rounds the one and lets the
/// other lose every bit (`1 << 64` is 0) without an error, where every other
/// overflow of a hook is one. Found by rhai's own tokenizer, which keeps a
/// decimal's text as written. Gives where, what is written there, the
/// message and its help.
fn inexact(engine: &Engine, script: &str) -> Option<(Position, String, String, &'static str)> {
    use rhai::Token;
    let read = as_rhai_reads(script);
    let text: &str = &read;
    let (tokens, _) = engine.lex([&text]);
    for (token, pos) in tokens {
        match token {
            Token::EOF => break,
            Token::DecimalConstant(constant) => {
                let written = constant.1.as_str();
                let plain = !written.contains(['e', 'E']);
                // Zeros that end a fraction add no value (`0.1` and thirty zeros is 0.1).
                let fraction = if written.contains('.') { written.trim_end_matches('0') } else { written };
                if plain && rust_decimal::Decimal::from_str_exact(fraction).is_err() {
                    let message = format!("the number `{written}` has more digits than an exact decimal holds");
                    let help = "an exact decimal holds at most 28 decimal places and 28 significant digits: \
                                rhai would round this one silently";
                    return Some((pos, written.to_owned(), message, help));
                }
            }
            Token::LeftShift | Token::RightShift | Token::LeftShiftAssign | Token::RightShiftAssign => {
                let written = token.literal_syntax().to_owned();
                let message = format!("a hook may not shift bits (`{written}`)");
                let help = "a shift by 64 or more gives 0 without an error: multiply or divide by a power of two";
                return Some((pos, written, message, help));
            }
            _ => {}
        }
    }
    None
}

/// rhai's keyword functions, called like functions but not registered as any.
const KEYWORD_FUNCTIONS: &[&str] =
    &["print", "debug", "type_of", "Fn", "call", "curry", "is_shared", "is_def_var", "is_def_fn"];

/// The first call of a function that neither the script nor the sandbox
/// defines with that many arguments (`riskk(x)`, `abs(x, y)`), with where it
/// is and a help: the arguments the function takes, or a name it may have meant. rhai finds a function only
/// when the call runs, so such a call compiled and then failed for every
/// account that reached it. Calls by method (`x.abs()`, `f.call(x)`) are
/// left to run time, as are calls the script guards with `is_def_fn`.
fn unknown_call(engine: &Engine, ast: &AST) -> Option<(Position, String, usize, String)> {
    let sandbox = sandbox_functions(engine);
    let own: std::collections::HashSet<(String, usize)> =
        ast.iter_functions().map(|f| (f.name.to_string(), f.params.len())).collect();
    let known = || sandbox.iter().chain(&own);
    // Names the script asks about with `is_def_fn("name", n)`: a call of one
    // stands behind that test (`if is_def_fn("boost", 1) { boost(x) }`).
    let mut asked: std::collections::HashSet<String> = std::collections::HashSet::new();
    ast.walk(&mut |path: &[ASTNode]| {
        if let Some(ASTNode::Expr(Expr::FnCall(call, _)) | ASTNode::Stmt(Stmt::FnCall(call, _))) = path.last() {
            if let (true, Some(Expr::StringConstant(name, _))) = (call.name.as_str() == "is_def_fn", call.args.first())
            {
                asked.insert(name.to_string());
            }
        }
        true
    });
    // Variables: `f(x)` on a variable holding a function pointer is not a
    // call of it (rhai wants `f.call(x)`), so it fails too, with its own help.
    let mut bound: std::collections::HashSet<String> =
        ast.iter_functions().flat_map(|f| f.params.iter().map(|p| p.to_string()).collect::<Vec<_>>()).collect();
    ast.walk(&mut |path: &[ASTNode]| {
        if let Some(ASTNode::Stmt(Stmt::Var(x, ..))) = path.last() {
            bound.insert(x.0.name.to_string());
        }
        true
    });
    let mut found = None;
    ast.walk(&mut |path: &[ASTNode]| {
        if let Some(ASTNode::Expr(Expr::FnCall(call, pos)) | ASTNode::Stmt(Stmt::FnCall(call, pos))) = path.last() {
            let name = call.name.as_str();
            let plain = is_identifier(name) && !KEYWORD_FUNCTIONS.contains(&name) && !asked.contains(name);
            let key = (name.to_string(), call.args.len());
            if plain && !sandbox.contains(&key) && !own.contains(&key) {
                found = Some((*pos, name.to_string(), call.args.len()));
            }
        }
        found.is_none()
    });
    let (pos, name, arity) = found?;
    let mut arities: Vec<usize> = known().filter(|(n, _)| *n == name).map(|(_, a)| *a).collect();
    arities.sort_unstable();
    arities.dedup();
    let help = match arities.as_slice() {
        [] if bound.contains(&name) => {
            format!("`{name}` is a variable: a function pointer held in one is called with `{name}.call(...)`")
        }
        [] => {
            let names: std::collections::BTreeSet<&str> =
                known().map(|(n, _)| n.as_str()).filter(|n| is_identifier(n)).collect();
            did_you_mean(&name, names).unwrap_or_else(|| {
                "a hook calls the functions its script defines and rhai's own (`abs`, `min`, `max`, `round`, \
                 `floor`, `exp`, `ln`, `sqrt`, string and array functions)"
                    .into()
            })
        }
        [one] => format!("`{name}` takes {}", counted(*one, "argument")),
        [rest @ .., last] => {
            let rest: Vec<String> = rest.iter().map(usize::to_string).collect();
            format!("`{name}` takes {} or {}", rest.join(", "), counted(*last, "argument"))
        }
    };
    Some((pos, name, arity, help))
}

/// The functions the sandbox registers, by name and number of parameters:
/// the same for every hook (a budget or an operator setting changes none),
/// so listed once per process rather than at every load (a keystroke in
/// the editor checks the policy again).
fn sandbox_functions(engine: &Engine) -> &'static std::collections::HashSet<(String, usize)> {
    static KNOWN: std::sync::OnceLock<std::collections::HashSet<(String, usize)>> = std::sync::OnceLock::new();
    KNOWN.get_or_init(|| {
        engine
            .collect_fn_metadata(None, |f| Some((f.metadata.name.to_string(), f.metadata.num_params)), true)
            .into_iter()
            .collect()
    })
}

/// A name a script could call by: not an operator (`!`, `+`) nor a getter (`get$len`).
fn is_identifier(name: &str) -> bool {
    name.chars().next().is_some_and(|c| c.is_alphabetic() || c == '_')
        && name.chars().all(|c| c.is_alphanumeric() || c == '_')
}

/// What to say of a variable the script uses but never defines: the name
/// it likely meant, and what a hook can see. An anonymous function sees only
/// its own parameters (rhai's `no_closure`: what a closure captures is not
/// counted against the size limits, so a chain of closures each holding a
/// long string could fill the memory); a capture is refused here too.
fn undefined_variable_help(name: &str, script: &str) -> String {
    let scope = "a hook sees only its parameters and the variables it defines with `let`; an anonymous function \
                 (`|x| ...`) sees only its own parameters, not the variables around it";
    // Written elsewhere in the script: most likely a closure reaching out.
    if identifiers(script).filter(|w| *w == name).count() > 1 {
        return format!("`{name}` is not in scope here: {scope}; pass it as an argument instead");
    }
    // A one- or two-letter name is one edit from too many others to guess.
    let words = identifiers(script).filter(|w| *w != name && !KEYWORDS.contains(w));
    match did_you_mean(name, words).filter(|_| name.chars().count() > 2) {
        Some(suggestion) => format!("{suggestion} ({scope})"),
        None => scope.to_string(),
    }
}

/// rhai's keywords a hook may write, never what an undefined name meant.
const KEYWORDS: &[&str] = &[
    "let", "const", "fn", "if", "else", "switch", "while", "loop", "do", "until", "for", "in", "break", "continue",
    "return", "throw", "try", "catch", "true", "false", "this", "private", "global",
];

/// The words of a script that could name a variable, in order.
fn identifiers(script: &str) -> impl Iterator<Item = &str> {
    script
        .split(|c: char| !(c.is_alphanumeric() || c == '_'))
        .filter(|w| w.chars().next().is_some_and(|c| c.is_alphabetic() || c == '_'))
}

/// The first `curry` written in the script (`f.curry(x)`). (A closure that
/// captures a variable does not compile: rhai is built with `no_closure`.)
///
/// Values curried into a pointer are not counted against the size limits,
/// so a loop could nest them without bound, until the memory or the stack
/// gave out. An anonymous function that captures nothing (a comparator for
/// `sort`, a `filter` or `map` step) holds no value and stays allowed.
fn curried(ast: &AST) -> Option<Position> {
    let mut found = None;
    ast.walk(&mut |path: &[ASTNode]| {
        if let Some(ASTNode::Expr(Expr::FnCall(call, pos) | Expr::MethodCall(call, pos))) = path.last() {
            if call.name.as_str() == "curry" {
                found = Some(*pos);
            }
        }
        found.is_none()
    });
    found
}

/// The first assignment into an array element, map entry or property (`a[i] = v`,
/// `m.k += v`), anywhere in the script.
///
/// rhai checks only the assigned value against the size limits, not the array or
/// map it lands in, so `m[key] = value` in a loop could grow a map without bound
/// (with keys of any length). Every other way to grow a value is a function or
/// operator call, which rhai checks, so forbidding these assignments keeps every
/// value within the limits.
fn element_assignment(ast: &AST) -> Option<Position> {
    let mut found = None;
    ast.walk(&mut |path: &[ASTNode]| {
        if let Some(ASTNode::Stmt(Stmt::Assignment(x))) = path.last() {
            let target = &x.1.lhs;
            if !matches!(target, Expr::Variable(..) | Expr::ThisPtr(..)) {
                found = Some(target.start_position());
                return false;
            }
        }
        true
    });
    found
}

/// Where `fn name` is defined in a script (1-based line and column of `fn`).
pub(super) fn fn_location(script: &str, name: &str) -> Option<(usize, usize)> {
    line_col(definition(script, name)?.0)
}

/// The script as rhai is given it. rhai ends lines at `\n` alone and takes
/// a byte-order mark for a character it does not know: each lone `\r` is a
/// `\n` (one byte for one, so every offset stays) and the mark Windows
/// editors save is left out ([`offset_of`] puts it back in a position).
fn as_rhai_reads(script: &str) -> std::borrow::Cow<'_, str> {
    use std::borrow::Cow;
    match crate::syntax::lone_carriage_returns_as_newlines(script) {
        Cow::Borrowed(text) => Cow::Borrowed(text.strip_prefix('\u{feff}').unwrap_or(text)),
        Cow::Owned(text) => match text.strip_prefix('\u{feff}') {
            Some(rest) => Cow::Owned(rest.to_owned()),
            None => Cow::Owned(text),
        },
    }
}

fn offset_of(text: &str, line: usize, col: usize) -> usize {
    // rhai's position in the script as it read it (see `compile_script`).
    let col = if line == 1 && text.starts_with('\u{feff}') { col + 1 } else { col };
    let text = crate::syntax::lone_carriage_returns_as_newlines(text);
    let mut offset = 0;
    for (i, l) in text.split_inclusive('\n').enumerate() {
        if i + 1 == line {
            return offset + l.char_indices().nth(col.saturating_sub(1)).map_or(0, |(b, _)| b);
        }
        offset += l.len();
    }
    offset.min(text.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_function_is_found_where_it_is_defined_not_where_it_is_mentioned() {
        let script = "// helper: fn risk(x) is below\nlet s = \"fn risk(\";\n/* fn risk( */\nfn riskier(a) { a }\nfn  risk (score) {\n  score\n}\n";
        let at = function_defined(script, "risk").expect("defined");
        assert_eq!(&script[at - 4..at + 6], "fn  risk (", "{at}");
        assert_eq!(function_defined(script, "risky"), None);
        assert_eq!(function_defined("fn risk(x) { x }", "risk"), Some(3));
        assert_eq!(function_defined("fn risk", "risk"), None);
        // A back-tick string has no escapes; block comments nest.
        let script = "const P = `C:\\`;\nfn risk(x) { x }\n";
        assert_eq!(function_defined(script, "risk"), script.find("risk"));
        let script = "/* a /* fn risk(x) */ fn risk(y) */\nfn risk(z) { z }\n";
        assert_eq!(function_defined(script, "risk"), script.rfind("risk"));
    }

    #[test]
    fn calls_of_functions_that_exist_compile_and_others_are_named() {
        let engine = sandbox(DEFAULT_BUDGET);
        let path = Path::new("h.rhai");
        let codes = |script: &str| match compile_script(&engine, path, script) {
            Ok(_) => Vec::new(),
            Err(diags) => diags.iter().map(|d| (d.code, d.message.clone())).collect(),
        };
        // rhai's own functions, keyword functions, methods, a pointer called
        // through the variable holding it, and the script's own functions.
        let fine = "fn helper(x) { x }\nfn h(x) {\n  let f = Fn(\"helper\");\n  print(x); debug(x);\n  \
                    let n = 0; for i in range(0, 3) { n += i; }\n  \
                    let s = type_of(x); let t = parse_int(\"3\") + s.len() + [1, 2].filter(|v| v > 1).len();\n  \
                    if is_def_fn(\"helper\", 1) { f.call(x) + helper(x) + abs(x) + max(x, t) } else { round(x, 2) }\n  \
                    if is_def_fn(\"boost\", 1) { boost(x) } else { x }\n}\n";
        assert_eq!(codes(fine), []);
        assert_eq!(
            codes("fn h(x) { helpr(x) }\nfn helper(x) { x }"),
            [(
                codes::SCRIPT_UNKNOWN_FUNCTION,
                "the script calls `helpr` with 1 argument, and no function `helpr` takes 1 argument".to_string()
            )]
        );
        assert_eq!(codes("fn h(x) { helper(x, 2) }\nfn helper(x) { x }").len(), 1);
        // A pointer held in a variable is called with `.call`: `f(x)` fails at run time.
        let pointer = "fn h(x) { let f = Fn(\"helper\"); f(x) }\nfn helper(x) { x }";
        let Err(diags) = compile_script(&engine, path, pointer) else { panic!("`f(x)` on a pointer compiled") };
        assert_eq!(
            diags.iter().map(|d| d.help.as_deref()).collect::<Vec<_>>(),
            [Some("`f` is a variable: a function pointer held in one is called with `f.call(...)`")]
        );
        // Operators are no name to suggest.
        let suggested = compile_script(&engine, path, "fn h(x) { g(x) }").err().unwrap_or_default();
        assert!(suggested.iter().all(|d| !d.help.as_deref().unwrap_or("").contains("`!`")), "{suggested:?}");
        assert_eq!(codes("fn h(x) { if x > 1 { return abs(x, 1); } x }").len(), 1);
    }

    #[test]
    fn finds_function_definitions() {
        let script = "// fn f(x) in a comment\nfn g(x) { x }\n  private fn f (x) { x }";
        assert_eq!(fn_location(script, "g"), Some((2, 1)));
        assert_eq!(fn_location(script, "f"), Some((3, 11)));
        assert_eq!(fn_location("fn fg(x) {}\nfn f(x) {}", "f"), Some((2, 1)));
        assert_eq!(fn_location("fn g() {}", "f"), None);
    }
}
