//! Arithmetic on literals that can only fail (`9223372036854775807 + 1`,
//! `1 / 0`, `9999-12-31 + 1 day`): folded at check time and reported where
//! it is written, before it becomes an `eval` error record for every account.
//!
//! Both are warnings, not errors: the language defines a failing computation
//! as an `eval` error record for the account that computes it, so a policy
//! that contains one still checks and runs as written. Only literals and the
//! arithmetic, negation, widening and date shifts over them are folded;
//! anything that reads the account is left alone. The warning says whether
//! the failure is certain to be computed:
//!
//! - `W0141` where the expression is computed for every account
//!   that decides: a rule's condition outside its short-circuited parts, for
//!   a rule without effective dates that is not behind an earlier rule of a
//!   `first` group; a let those positions read (a scorecard's let always);
//! - `W0140` anywhere else (after `and`/`or`, `??`, in a case
//!   branch after the first condition, a table's outputs, an aggregate's
//!   `where`, an action's value, a let read only from such places or not at
//!   all): the expression may never be reached, but when it is it fails, so
//!   it is dead weight at best.

use super::CheckedPolicy;
use crate::diagnostic::{codes, Diagnostic, Span};
use crate::ir::{Const, TAction, TExpr, TKind, TText};
use crate::value::Val;
use std::collections::HashSet;
use std::path::Path;

/// Reports every literal computation of the policy that always fails.
pub(super) fn failing_constants(policy: &CheckedPolicy, file: &Path, diags: &mut Vec<Diagnostic>) {
    let mut walk = Walk { file, diags, certain_lets: vec![false; policy.lets.len()], reported: HashSet::new() };
    for rule in &policy.rules {
        walk.visit(&rule.when, rule_always_evaluated(policy, rule));
        for action in &rule.actions {
            match action {
                TAction::SetLimit(e) => walk.limit(e),
                _ => {
                    for e in action_exprs(action) {
                        walk.visit(e, false);
                    }
                }
            }
        }
    }
    // A let reads only earlier lets, so walking them last to first settles
    // whether each is certain before it is visited.
    for (i, def) in policy.lets.iter().enumerate().rev() {
        let certain = walk.certain_lets.get(i).copied().unwrap_or(false) || is_scorecard(&def.value);
        walk.visit(&def.value, certain);
    }
}

/// Whether every account that decides evaluates the rule's condition.
fn rule_always_evaluated(policy: &CheckedPolicy, rule: &crate::ir::TRule) -> bool {
    if rule.effective.is_some() {
        return false;
    }
    let Some(group) = rule.group else { return true };
    let first_group = policy.groups.get(group).is_some_and(|g| g.first);
    // Only the first rule of a `first` group is reached by every account.
    !first_group || policy.rules.iter().find(|r| r.group == Some(group)).is_some_and(|r| r.name == rule.name)
}

fn is_scorecard(e: &TExpr) -> bool {
    matches!(e.kind, TKind::Scorecard(_))
}

fn text(t: &TText) -> Option<&TExpr> {
    match t {
        TText::Expr(e) => Some(e),
        TText::Lit(_) => None,
    }
}

fn action_exprs(action: &TAction) -> Vec<&TExpr> {
    match action {
        TAction::SetLimit(e) => vec![e],
        TAction::Notify(_, t) | TAction::Escalate(t) | TAction::Review(t) | TAction::Tag(t) => {
            text(t).into_iter().collect()
        }
        TAction::Reason(code, t) => text(code).into_iter().chain(t.as_ref().and_then(text)).collect(),
        _ => Vec::new(),
    }
}

struct Walk<'a> {
    file: &'a Path,
    diags: &'a mut Vec<Diagnostic>,
    /// Lets read from a position computed for every account.
    certain_lets: Vec<bool>,
    /// Spans already reported (a table's outputs are reached from each use).
    reported: HashSet<Span>,
}

impl Walk<'_> {
    /// Visits `e` (`certain`: computed whenever its declaration is, for
    /// every account); returns its value when it is a constant that folds.
    fn visit(&mut self, e: &TExpr, certain: bool) -> Option<Const> {
        match &e.kind {
            TKind::Const(c) => Some(c.clone()),
            TKind::Neg(_, a) | TKind::ToDec(a) => {
                let value = self.visit(a, certain)?;
                self.settle(e, fold_unary(&e.kind, &value), certain)
            }
            TKind::Arith { op, lhs, rhs, .. } => {
                let (l, r) = (self.visit(lhs, certain), self.visit(rhs, certain));
                let result = op.apply(l.as_ref()?.val(), r.as_ref()?.val()).map(val_const);
                self.settle(e, result.map_err(|f| f.message), certain)
            }
            TKind::DateShift { subtract, date, by } => {
                let Some(Const::Date(d)) = self.visit(date, certain) else { return None };
                let shifted = by.shift_within_range(d, *subtract).map(|d| Some(Const::Date(d)));
                let sign = if *subtract { "-" } else { "+" };
                self.settle(e, shifted.map_err(|out| format!("date out of range: {d} {sign} {by} is {out}")), certain)
            }
            TKind::Let(i) => {
                if let Some(flag) = self.certain_lets.get_mut(*i) {
                    *flag |= certain;
                }
                None
            }
            _ => {
                self.children(e, certain);
                None
            }
        }
    }

    /// Visits a new limit: a literal below zero is refused for every account
    /// whose rule fires, as a failing computation is.
    fn limit(&mut self, e: &TExpr) {
        let negative = match self.visit(e, false) {
            Some(Const::Int(i)) if i < 0 => Some(rust_decimal::Decimal::from(i)),
            Some(Const::Dec(d)) if d.is_sign_negative() && !d.is_zero() => Some(d),
            _ => None,
        };
        if let Some(limit) = negative.filter(|_| self.reported.insert(e.span)) {
            let message = format!(
                "the new limit {} is negative: every account this rule fires for will be an `eval` error record",
                crate::value::format_decimal(limit)
            );
            let diag = Diagnostic::warning(codes::CONSTANT_FAILS_WHEN_REACHED, self.file, e.span, message);
            self.diags.push(diag.with_label("below zero").with_help("a limit is zero or more: `0` cuts it to nothing"));
        }
    }

    /// Visits the subexpressions of a form that is not folded, each with
    /// whether it is computed whenever `e` is.
    fn children(&mut self, e: &TExpr, certain: bool) {
        match &e.kind {
            TKind::And(a, b) | TKind::Or(a, b) | TKind::Coalesce(a, b) => {
                self.visit(a, certain);
                self.visit(b, false);
            }
            TKind::Case { branches, otherwise } => {
                for (i, (when, then)) in branches.iter().enumerate() {
                    self.visit(when, certain && i == 0);
                    self.visit(then, false);
                }
                if let Some(other) = otherwise {
                    self.visit(other, false);
                }
            }
            TKind::TableOut { row, table, output } => {
                self.visit(row, certain);
                for value in table.all_values().skip(*output).step_by(table.outputs.len().max(1)) {
                    self.visit(value, false);
                }
            }
            TKind::Agg(agg) => {
                if let Some(filter) = &agg.filter {
                    self.visit(filter, false);
                }
            }
            _ => {
                for child in e.children() {
                    self.visit(child, certain);
                }
            }
        }
    }

    /// Reports a folded computation that failed; passes a value on.
    fn settle(&mut self, e: &TExpr, result: Result<Option<Const>, String>, certain: bool) -> Option<Const> {
        let why = match result {
            Ok(value) => return value,
            Err(why) => why,
        };
        if !self.reported.insert(e.span) {
            return None;
        }
        let help = "the operands are literals, so this fails for every account that computes it; \
                    write the value it should have";
        let diag = if certain {
            let message =
                format!("this computation always fails ({why}), and every account computes it: every decision will be an `eval` error record");
            Diagnostic::warning(codes::CONSTANT_FAILS, self.file, e.span, message)
        } else {
            let message = format!("this computation always fails ({why}) whenever it is reached");
            Diagnostic::warning(codes::CONSTANT_FAILS_WHEN_REACHED, self.file, e.span, message)
        };
        self.diags.push(diag.with_label(why).with_help(help));
        None
    }
}

/// `-c` or `c` widened to a decimal.
fn fold_unary(kind: &TKind, value: &Const) -> Result<Option<Const>, String> {
    match (kind, value) {
        (TKind::Neg(..), c) => negated(c),
        (TKind::ToDec(_), Const::Int(i)) => Ok(Some(Const::Dec((*i).into()))),
        (TKind::ToDec(_), Const::Dec(d)) => Ok(Some(Const::Dec(*d))),
        _ => Ok(None),
    }
}

/// `-c` for a number (`None` for anything else); negating the smallest int overflows.
pub(super) fn negated(c: &Const) -> Result<Option<Const>, String> {
    match c {
        Const::Int(i) => i.checked_neg().map(|n| Some(Const::Int(n))).ok_or_else(overflow),
        Const::Dec(d) => Ok(Some(Const::Dec(-*d))),
        _ => Ok(None),
    }
}

fn overflow() -> String {
    crate::value::EvalFailure::overflow().message
}

fn val_const(v: Val<'_>) -> Option<Const> {
    match v {
        Val::Int(i) => Some(Const::Int(i)),
        Val::Dec(d) => Some(Const::Dec(d)),
        _ => None,
    }
}
