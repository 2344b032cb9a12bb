//! Source text → [`PolicyAst`], with pest doing the tokenizing and a Pratt
//! parser the precedence. Syntax errors become [`Diagnostic`]s worded for a
//! risk officer ("expected `then` after the condition"), and the parser
//! re-parses item by item after a failure so one run reports every broken item.

mod body_errors;
mod case;
mod cells;
mod expr;
mod int;
mod scorecard;
pub use cells::parse_cell;
mod errors;
mod idioms;
mod keywords;
mod row_errors;
mod salvage;
mod stop;

pub use keywords::keyword_texts;
pub use salvage::{salvage, LostItems, Salvage};
mod table;

use super::ast::*;
use crate::diagnostic::{codes, Diagnostic, Span};
use crate::value::{parse_date, Date, Duration};
use errors::{recover_errors, syntax_error, too_deep_at};
use keywords::is_keyword;
use pest::error::{ErrorVariant, InputLocation};
use pest::iterators::{Pair, Pairs};
use pest::pratt_parser::{Assoc, Op, PrattParser};
use pest::Parser as _;
use rust_decimal::Decimal;
use std::collections::HashSet;
use std::path::Path;
use std::sync::LazyLock;

#[derive(pest_derive::Parser)]
#[grammar = "../grammar/policy.pest"]
struct PolicyParser;

// pest's `set_call_limit` is not used: its limit is one process-wide value,
// captured when any parse starts, so a limit sized to one text would bound
// every policy parsed at the same time on other threads. The grammar never
// backtracks over more than one bracket level (its work is linear in the
// text), and `MAX_NESTING`, checked before pest runs, bounds its recursion.

/// Deepest bracket nesting accepted (parentheses, calls, lists).
pub const MAX_NESTING: usize = 256;
/// Most operators one expression may hold (its tree is at most this deep).
pub const MAX_OPERATORS: usize = 1000;

static PRATT: LazyLock<PrattParser<Rule>> = LazyLock::new(|| {
    PrattParser::new()
        .op(Op::infix(Rule::op_or, Assoc::Left))
        .op(Op::infix(Rule::op_and, Assoc::Left))
        .op(Op::prefix(Rule::op_not))
        .op(Op::infix(Rule::op_eq, Assoc::Left)
            | Op::infix(Rule::op_ne, Assoc::Left)
            | Op::infix(Rule::op_lt, Assoc::Left)
            | Op::infix(Rule::op_le, Assoc::Left)
            | Op::infix(Rule::op_gt, Assoc::Left)
            | Op::infix(Rule::op_ge, Assoc::Left)
            | Op::infix(Rule::op_in, Assoc::Left)
            | Op::infix(Rule::op_not_in, Assoc::Left))
        .op(Op::infix(Rule::op_coalesce, Assoc::Right))
        .op(Op::infix(Rule::op_add, Assoc::Left) | Op::infix(Rule::op_sub, Assoc::Left))
        .op(Op::infix(Rule::op_mul, Assoc::Left) | Op::infix(Rule::op_div, Assoc::Left))
        .op(Op::prefix(Rule::op_neg))
});

/// Parses a policy file. On failure, every syntax error found is returned.
pub fn parse_policy(file: &Path, text: &str) -> Result<PolicyAst, Vec<Diagnostic>> {
    if let Some(at) = too_deep_at(text) {
        return Err(vec![too_deep(file, at)]);
    }
    match PolicyParser::parse(Rule::policy_file, text) {
        Ok(pairs) => {
            let (items, diags) = build_items(file, pairs);
            if diags.is_empty() {
                Ok(PolicyAst { items })
            } else {
                Err(diags)
            }
        }
        Err(first) => Err(recover_errors(file, text, syntax_error(file, &first, (text, 0)))),
    }
}

/// The error of a text nested deeper than the parser goes, at `at`.
fn too_deep(file: &Path, at: usize) -> Diagnostic {
    Diagnostic::error(
        codes::TOO_DEEP,
        file,
        Span::new(at, at + 1),
        format!("expression nested more than {MAX_NESTING} levels deep"),
    )
    .with_help("split the expression with `let`")
}

/// A policy that does not parse: every syntax error, and the items that do
/// parse, ready to check (`None` when nothing can be).
#[derive(Debug)]
pub struct Unparsed {
    /// Every syntax error found.
    pub diagnostics: Vec<Diagnostic>,
    /// What can still be checked.
    pub salvage: Option<Salvage>,
}

/// [`parse_policy`], with the [`salvage`] of a policy that does not parse:
/// the items found broken while reporting its errors are not parsed again
/// to find them (an editor checks a half-typed policy on every keystroke).
pub fn parse_policy_or_salvage(file: &Path, text: &str) -> Result<PolicyAst, Box<Unparsed>> {
    if let Some(at) = too_deep_at(text) {
        return Err(Box::new(Unparsed { diagnostics: vec![too_deep(file, at)], salvage: None }));
    }
    match PolicyParser::parse(Rule::policy_file, text) {
        Ok(pairs) => match build_items(file, pairs) {
            (items, diags) if diags.is_empty() => Ok(PolicyAst { items }),
            // Every item parses; some do not build (an impossible date).
            (_, diagnostics) => {
                Err(Box::new(Unparsed { diagnostics, salvage: salvage::salvage_around(file, text, &[]) }))
            }
        },
        Err(first) => {
            let first = syntax_error(file, &first, (text, 0));
            let (diagnostics, broken) = errors::recover_errors_noting_broken(file, text, first);
            Err(Box::new(Unparsed { diagnostics, salvage: salvage::salvage_around(file, text, &broken) }))
        }
    }
}

/// The items of a parsed text, and every error building them found.
fn build_items(file: &Path, mut pairs: Pairs<'_, Rule>) -> (Vec<Item>, Vec<Diagnostic>) {
    let builder = AstBuilder::new(file);
    let mut diags = Vec::new();
    let mut items = Vec::new();
    let top = pairs.next().map(|file| file.into_inner()).into_iter().flatten();
    for pair in top.filter(|p| is_item(p.as_rule())) {
        match builder.whole_item(pair) {
            Ok(item) => items.push(item),
            Err(errors) => diags.extend(errors),
        }
    }
    (items, diags)
}

fn is_item(rule: Rule) -> bool {
    matches!(
        rule,
        Rule::policy_decl
            | Rule::schema_decl
            | Rule::hook_decl
            | Rule::batch_decl
            | Rule::let_decl
            | Rule::guard_decl
            | Rule::rule_decl
            | Rule::group_decl
            | Rule::split_decl
    )
}

/// The span of a top-level item.
pub fn item_span(item: &Item) -> Span {
    match item {
        Item::Policy { span, .. }
        | Item::Schema { span, .. }
        | Item::Batch { span, .. }
        | Item::Let { span, .. }
        | Item::Scorecard { span, .. } => *span,
        Item::Hook(h) => h.span,
        Item::Guard(g) => g.span,
        Item::Rule(r) => r.span,
        Item::Group(g) => g.span,
        Item::Split(s) => s.span,
    }
}

fn is_operator(rule: Rule) -> bool {
    matches!(
        rule,
        Rule::op_or
            | Rule::op_and
            | Rule::op_in
            | Rule::op_not_in
            | Rule::op_eq
            | Rule::op_ne
            | Rule::op_le
            | Rule::op_ge
            | Rule::op_lt
            | Rule::op_gt
            | Rule::op_coalesce
            | Rule::op_add
            | Rule::op_sub
            | Rule::op_mul
            | Rule::op_div
    )
}

struct AstBuilder<'a> {
    file: &'a Path,
    /// Errors of literals that build on with a stand-in (an impossible
    /// date), so that every one of an item is reported, not the first.
    noted: std::cell::RefCell<Vec<Diagnostic>>,
}

/// A diagnostic on the parser's internal error path, boxed so every `Result` stays small.
type Built<T> = Result<T, Box<Diagnostic>>;

/// A pair's span, from its first token to its last. pest skips whitespace and
/// comments before it tries a trailing repetition or optional part (an
/// expression's `(infix ~ primary)*`, `[budget N]`, a reason's `["text"]`)
/// and keeps what it skipped when the part is absent, so a pair's own span
/// can run on over the blank lines and comments that follow it.
fn span_of(pair: &Pair<'_, Rule>) -> Span {
    let s = pair.as_span();
    Span::new(s.start(), last_token_end(pair))
}

/// Where the last token of a pair ends: after its last inner pair, only the
/// rule's own punctuation (`)`, `]`, `}`) and what pest skipped can follow.
fn last_token_end(pair: &Pair<'_, Rule>) -> usize {
    let end = pair.as_span().end();
    let Some(last) = pair.clone().into_inner().next_back() else {
        // A token (or a rule made only of punctuation) is its text exactly.
        return end;
    };
    let from = last_token_end(&last);
    // INVARIANT: between the last inner pair and the end there is no string
    // (strings are pairs), so `#` starts a comment.
    let tail = pair.get_input().get(from..end).unwrap_or("");
    let mut tight = from;
    let mut offset = from;
    for line in tail.split_inclusive(super::LINE_END) {
        let code = line.split('#').next().unwrap_or("").trim_end();
        if !code.is_empty() {
            tight = offset + code.len();
        }
        offset += line.len();
    }
    tight
}

impl<'a> AstBuilder<'a> {
    fn new(file: &'a Path) -> Self {
        AstBuilder { file, noted: std::cell::RefCell::default() }
    }

    /// Builds a top-level item, or says everything wrong with it: each
    /// impossible date, and the error that stopped it.
    fn whole_item(&self, pair: Pair<'_, Rule>) -> Result<Item, Vec<Diagnostic>> {
        let built = self.item(pair);
        let mut errors = self.noted.take();
        match built {
            Ok(item) if errors.is_empty() => Ok(item),
            Ok(_) => Err(errors),
            Err(stopped) => {
                errors.push(*stopped);
                errors.sort_by_key(|d| d.span.start);
                Err(errors)
            }
        }
    }

    /// Builds a top-level item whose only errors are literals given stand-ins
    /// (an impossible date, a number too large), with where those literals
    /// are; `None` when building stopped.
    fn item_with_stand_ins(&self, pair: Pair<'_, Rule>) -> Option<(Item, Vec<Span>)> {
        let built = self.item(pair);
        let noted = self.noted.take();
        built.ok().map(|item| (item, noted.iter().map(|d| d.span).collect()))
    }

    /// The date a `date_lit` writes; an impossible one (`2026-02-30`) is
    /// noted and stands as a placeholder, so that building goes on.
    fn date(&self, pair: &Pair<'_, Rule>) -> Date {
        parse_date(pair.as_str()).unwrap_or_else(|| {
            self.noted.borrow_mut().push(*self.bad(pair, format!("`{}` is not a calendar date", pair.as_str())));
            Date::default()
        })
    }

    /// Notes a literal that cannot stand for what it writes (too large, too
    /// precise) and gives `stand_in` in its place, of the same type and
    /// never zero (no division by it), so that building, and checking what
    /// else the item says, go on; the item itself is still an error.
    fn stand_in<T>(&self, failure: Diagnostic, stand_in: T) -> T {
        self.noted.borrow_mut().push(failure);
        stand_in
    }

    fn bad(&self, pair: &Pair<'_, Rule>, message: impl Into<String>) -> Box<Diagnostic> {
        Box::new(Diagnostic::error(codes::INCOMPLETE_DECLARATION, self.file, span_of(pair), message))
    }

    fn next<'i>(&self, pairs: &mut Pairs<'i, Rule>, parent: &Pair<'i, Rule>) -> Built<Pair<'i, Rule>> {
        pairs.next().ok_or_else(|| self.bad(parent, "incomplete declaration"))
    }

    /// Skips keyword tokens and returns the next meaningful pair.
    fn next_non_kw<'i>(&self, pairs: &mut Pairs<'i, Rule>, parent: &Pair<'i, Rule>) -> Built<Pair<'i, Rule>> {
        loop {
            let pair = self.next(pairs, parent)?;
            if !is_keyword(pair.as_rule()) {
                return Ok(pair);
            }
        }
    }

    fn item(&self, pair: Pair<'_, Rule>) -> Built<Item> {
        let span = span_of(&pair);
        let rule = pair.as_rule();
        let outer = pair.clone();
        let mut inner = pair.into_inner();
        Ok(match rule {
            Rule::policy_decl => {
                let name = self.string(self.next_non_kw(&mut inner, &outer)?)?;
                let version = match inner.find(|p| p.as_rule() == Rule::string_lit) {
                    Some(p) => Some(self.string(p)?),
                    None => None,
                };
                Item::Policy { name, version, span }
            }
            Rule::schema_decl => Item::Schema { path: self.string(self.next_non_kw(&mut inner, &outer)?)?, span },
            Rule::hook_decl => Item::Hook(self.hook(outer)?),
            Rule::batch_decl => {
                let name = self.ident(self.next_non_kw(&mut inner, &outer)?);
                let path = self.string(self.next_non_kw(&mut inner, &outer)?)?;
                Item::Batch { name, path, span }
            }
            Rule::let_decl => {
                let name = self.ident(self.next_non_kw(&mut inner, &outer)?);
                let value = self.next_non_kw(&mut inner, &outer)?;
                if value.as_rule() == Rule::scorecard {
                    Item::Scorecard { name, card: Box::new(self.scorecard(value)?), span }
                } else {
                    Item::Let { name, value: self.expr(value)?, span }
                }
            }
            Rule::guard_decl => Item::Guard(self.guard(outer)?),
            Rule::rule_decl => Item::Rule(self.rule(outer)?),
            Rule::group_decl => Item::Group(self.group(outer)?),
            Rule::split_decl => Item::Split(self.split(outer)?),
            _ => return Err(self.bad(&outer, "unexpected declaration")),
        })
    }

    fn hook(&self, pair: Pair<'_, Rule>) -> Built<HookDecl> {
        let span = span_of(&pair);
        let mut name = None;
        let mut params = Vec::new();
        let mut result = None;
        let mut path = None;
        let mut budget = None;
        for p in pair.into_inner() {
            match p.as_rule() {
                Rule::ident => name = Some(self.ident(p)),
                Rule::hook_param => {
                    let mut it = p.clone().into_inner();
                    let pname = self.ident(self.next(&mut it, &p)?);
                    let ty = self.next(&mut it, &p)?;
                    params.push((pname, Spanned::new(ty.as_str().to_string(), span_of(&ty))));
                }
                Rule::type_name => result = Some(Spanned::new(p.as_str().to_string(), span_of(&p))),
                Rule::string_lit => path = Some(self.string(p)?),
                Rule::hook_budget => {
                    let mut it = p.clone().into_inner();
                    let n = self.next_non_kw(&mut it, &p)?;
                    let value = self.whole(&n, "a hook's budget (at most 10000000)")?;
                    let value = u64::try_from(value).map_err(|_| self.bad(&n, "a budget must be positive"))?;
                    budget = Some(Spanned::new(value, span_of(&n)));
                }
                _ => {}
            }
        }
        let missing = |what: &str| {
            Box::new(Diagnostic::error(
                codes::INCOMPLETE_DECLARATION,
                self.file,
                span,
                format!("hook declaration lacks {what}"),
            ))
        };
        Ok(HookDecl {
            name: name.ok_or_else(|| missing("a name"))?,
            params,
            result: result.ok_or_else(|| missing("a result type"))?,
            path: path.ok_or_else(|| missing("a script path"))?,
            budget,
            span,
        })
    }

    fn guard(&self, pair: Pair<'_, Rule>) -> Built<GuardDecl> {
        let span = span_of(&pair);
        let outer = pair.clone();
        let mut inner = pair.into_inner();
        let outcome_pair = self.next_non_kw(&mut inner, &outer)?;
        let outcome = Spanned::new(outcome_pair.as_str().to_string(), span_of(&outcome_pair));
        let bound_pair = self.next_non_kw(&mut inner, &outer)?;
        let bound = match bound_pair.as_rule() {
            Rule::percent_lit => {
                GuardBound::Percent(self.decimal_text(&bound_pair, bound_pair.as_str().trim_end_matches('%'))?)
            }
            _ => {
                let n = self.whole(&bound_pair, "a guard's bound")?;
                GuardBound::Count(u64::try_from(n).map_err(|_| self.bad(&bound_pair, "a bound must not be negative"))?)
            }
        };
        Ok(GuardDecl { outcome, bound: Spanned::new(bound, span_of(&bound_pair)), span })
    }

    fn group(&self, pair: Pair<'_, Rule>) -> Built<GroupDecl> {
        let span = span_of(&pair);
        let mut name = None;
        let mut first = false;
        let mut effective = None;
        let mut rules = Vec::new();
        for p in pair.into_inner() {
            match p.as_rule() {
                Rule::string_lit => name = Some(self.string(p)?),
                Rule::group_first => first = true,
                Rule::effective => effective = Some(self.effective(p)?),
                Rule::rule_decl => rules.push(self.rule(p)?),
                _ => {}
            }
        }
        let name = name.ok_or_else(|| {
            Box::new(Diagnostic::error(codes::INCOMPLETE_DECLARATION, self.file, span, "group lacks a name"))
        })?;
        Ok(GroupDecl { name, first, effective, rules, span })
    }

    fn rule(&self, pair: Pair<'_, Rule>) -> Built<RuleDecl> {
        let span = span_of(&pair);
        let mut name = None;
        let mut priority = None;
        let mut effective = None;
        let mut when = None;
        let mut actions = Vec::new();
        for p in pair.into_inner() {
            match p.as_rule() {
                Rule::string_lit => name = Some(self.string(p)?),
                Rule::priority => {
                    let mut it = p.clone().into_inner();
                    let n = self.next_non_kw(&mut it, &p)?;
                    priority = Some(Spanned::new(self.whole(&n, "a priority")?, span_of(&n)));
                }
                Rule::effective => effective = Some(self.effective(p)?),
                Rule::expr => when = Some(self.expr(p)?),
                Rule::kw_rule | Rule::kw_when | Rule::kw_then => {}
                _ => actions.push(self.action(p)?),
            }
        }
        let missing = |what: &str| {
            Box::new(Diagnostic::error(codes::INCOMPLETE_DECLARATION, self.file, span, format!("rule lacks {what}")))
        };
        Ok(RuleDecl {
            name: name.ok_or_else(|| missing("a name"))?,
            priority,
            effective,
            when: when.ok_or_else(|| missing("a condition"))?,
            actions,
            span,
        })
    }

    /// `split NAME by FIELD [salt "S"] { ARM PCT% ... }`.
    fn split(&self, pair: Pair<'_, Rule>) -> Built<SplitDecl> {
        let span = span_of(&pair);
        let outer = pair.clone();
        let mut name = None;
        let mut by = Vec::new();
        let mut salt = None;
        let mut arms = Vec::new();
        for p in pair.into_inner() {
            match p.as_rule() {
                Rule::ident => name = Some(self.ident(p)),
                Rule::path => by = self.segments(&p),
                Rule::split_salt => {
                    let mut it = p.clone().into_inner();
                    salt = Some(self.string(self.next_non_kw(&mut it, &p)?)?);
                }
                Rule::split_arm => {
                    let mut it = p.clone().into_inner();
                    let arm = self.ident(self.next(&mut it, &p)?);
                    let weight = self.next(&mut it, &p)?;
                    let value = self.decimal_text(&weight, weight.as_str().trim_end_matches('%'))?;
                    arms.push((arm, Spanned::new(value, span_of(&weight))));
                }
                _ => {}
            }
        }
        let name = name.ok_or_else(|| self.bad(&outer, "split lacks a name"))?;
        Ok(SplitDecl { name, by, salt, arms, span })
    }

    /// `effective FROM [to TO]`.
    fn effective(&self, pair: Pair<'_, Rule>) -> Built<Effective> {
        let span = span_of(&pair);
        let outer = pair.clone();
        let mut dates = pair.into_inner().filter(|p| p.as_rule() == Rule::date_lit);
        let date = |p: Pair<'_, Rule>| Spanned::new(self.date(&p), span_of(&p));
        let from = date(dates.next().ok_or_else(|| self.bad(&outer, "expected the first day"))?);
        let to = dates.next().map(date);
        Ok(Effective { from, to, span })
    }

    fn action(&self, pair: Pair<'_, Rule>) -> Built<Action> {
        let span = span_of(&pair);
        let rule = pair.as_rule();
        let outer = pair.clone();
        let mut args = pair.into_inner().filter(|p| p.as_rule() == Rule::expr);
        let mut text = |what: &str| -> Built<Expr> {
            match args.next() {
                Some(p) => self.expr(p),
                None => Err(self.bad(&outer, format!("expected {what}"))),
            }
        };
        let kind = match rule {
            Rule::close_action => ActionKind::Close,
            Rule::reinstate_action => ActionKind::Reinstate,
            Rule::approve_action => ActionKind::Approve,
            Rule::refer_action => ActionKind::Refer,
            Rule::decline_action => ActionKind::Decline,
            Rule::freeze_action | Rule::restrict_action => {
                let duration = match outer.clone().into_inner().find(|p| p.as_rule() == Rule::duration_lit) {
                    Some(d) => Some(Spanned::new(self.duration(&d)?, span_of(&d))),
                    None => None,
                };
                if rule == Rule::freeze_action {
                    ActionKind::Freeze(duration)
                } else {
                    ActionKind::Restrict(duration)
                }
            }
            Rule::set_limit_action => {
                let e = outer.clone().into_inner().find(|p| p.as_rule() == Rule::expr);
                match e {
                    Some(e) => ActionKind::SetLimit(self.expr(e)?),
                    None => return Err(self.bad(&outer, "expected the new limit")),
                }
            }
            Rule::notify_action => {
                let channel_pair = outer.clone().into_inner().find(|p| p.as_rule() == Rule::channel);
                let channel = match channel_pair {
                    Some(c) => Spanned::new(c.as_str().to_string(), span_of(&c)),
                    None => return Err(self.bad(&outer, "expected a channel")),
                };
                ActionKind::Notify { channel, template: text("a template name")? }
            }
            Rule::escalate_action => ActionKind::Escalate(text("a stage")?),
            Rule::review_action => ActionKind::Review(text("a queue")?),
            Rule::tag_action => ActionKind::Tag(text("a label")?),
            Rule::reasons_from_action => self.reasons_from(outer)?,
            Rule::reason_action => {
                let code = text("a reason code")?;
                let text = text("").ok();
                ActionKind::Reason { code, text }
            }
            _ => return Err(self.bad(&outer, "unexpected action")),
        };
        Ok(Action { kind, span })
    }

    fn ident(&self, pair: Pair<'_, Rule>) -> Ident {
        Spanned::new(pair.as_str().to_string(), span_of(&pair))
    }

    fn string(&self, pair: Pair<'_, Rule>) -> Built<Spanned<String>> {
        let span = span_of(&pair);
        let raw = pair.as_str();
        let body = raw.strip_prefix('"').and_then(|s| s.strip_suffix('"')).unwrap_or(raw);
        let mut out = String::with_capacity(body.len());
        let mut chars = body.chars();
        while let Some(c) = chars.next() {
            if c != '\\' {
                out.push(c);
                continue;
            }
            match chars.next() {
                Some('n') => out.push('\n'),
                Some('t') => out.push('\t'),
                Some(c @ ('"' | '\\')) => out.push(c),
                other => {
                    return Err(Box::new(
                        Diagnostic::error(
                            codes::UNKNOWN_ESCAPE,
                            self.file,
                            span,
                            format!("unknown escape `\\{}` in a string", other.map(String::from).unwrap_or_default()),
                        )
                        .with_help(if looks_like_a_path(body) {
                            "a file's path is written with `/`, on Windows too (`schemas/account.schema.yaml`)"
                        } else {
                            "the escapes are `\\\"`, `\\\\`, `\\n` and `\\t`"
                        }),
                    ))
                }
            }
        }
        Ok(Spanned::new(out, span))
    }

    fn int(&self, pair: &Pair<'_, Rule>) -> Built<i64> {
        self.signed_int(pair, false)
    }

    /// A whole number that is no expression's (a guard's bound, a
    /// priority, a budget): too large, its help says what it may be, not
    /// to write a decimal, which it cannot take.
    fn whole(&self, pair: &Pair<'_, Rule>, what: &str) -> Built<i64> {
        self.int(pair).map_err(|mut d| {
            d.help = Some(format!("{what} is a whole number, at most 9223372036854775807"));
            d
        })
    }

    fn decimal_text(&self, pair: &Pair<'_, Rule>, text: &str) -> Built<Decimal> {
        let digits: String = text.chars().filter(|c| *c != '_').collect();
        // `from_str_exact`: `parse` would round past 28 decimal places, so a
        // literal would silently mean another number than the one written.
        Decimal::from_str_exact(&digits)
            .map_err(|_| self.bad(pair, "number too large or too precise for an exact decimal"))
    }

    /// A `percent_lit`'s value: `2%` is `0.02`.
    fn percentage(&self, pair: &Pair<'_, Rule>) -> Built<Decimal> {
        let number = self.decimal_text(pair, pair.as_str().trim_end_matches('%'))?;
        // Division rounds past 28 decimal places: a quotient that does
        // not give the number back is refused, never rounded.
        number
            .checked_div(Decimal::ONE_HUNDRED)
            .filter(|v| v.checked_mul(Decimal::ONE_HUNDRED) == Some(number))
            .ok_or_else(|| self.bad(pair, "percentage too precise for an exact decimal"))
    }

    fn duration(&self, pair: &Pair<'_, Rule>) -> Built<Duration> {
        let mut it = pair.clone().into_inner();
        let n = self.next(&mut it, pair)?;
        let count = self.int(&n)?;
        let unit = self.next(&mut it, pair)?;
        let overflow = || self.bad(pair, "duration too long");
        Ok(match unit.as_str().trim_end_matches('s') {
            "day" => Duration::Days(count),
            "week" => Duration::Days(count.checked_mul(7).ok_or_else(overflow)?),
            "month" => Duration::Months(count),
            _ => Duration::Months(count.checked_mul(12).ok_or_else(overflow)?),
        })
    }
}

/// A string naming a file a policy loads (`schemas\account.schema.yaml`,
/// written as on Windows), by its extension.
fn looks_like_a_path(text: &str) -> bool {
    [".yaml", ".yml", ".rhai", ".txt", ".policy"].iter().any(|extension| text.ends_with(extension))
}
