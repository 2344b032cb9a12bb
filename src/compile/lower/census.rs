//! What the lowering left to the interpreter: every `Generic` node of a
//! program's fast path (rule conditions, limits, lets), with where it is.
//! The fast path of a policy should have none; a test holds the example
//! policies to that, so that a form falling back to the interpreter (a
//! slower decision, not a wrong one) is caught rather than measured.

use super::scorecard::{Input, ScoreCode};
use super::table::{OutCode, RowCode};
use super::{AggCode, BoolCode, CaseCode, DateCode, DecCode, HookArg, HookCode, IntCode, LetCode, OptCode};
use crate::compile::Program;
use crate::ir::TExpr;

/// A node the interpreter runs on the fast path, and the rule or let it is in.
#[derive(Debug)]
pub struct GenericNode<'p> {
    /// `rule "name"`, `limit of rule "name"` or `let name`.
    pub place: String,
    /// The expression the interpreter evaluates.
    pub expr: &'p TExpr,
}

/// Every `Generic` node of `program`'s fast path, rules first, then lets.
pub fn generic_nodes(program: &Program) -> Vec<GenericNode<'_>> {
    let mut out = Vec::new();
    for rule in &program.rules {
        let mut found = Vec::new();
        rule.code.generics(&mut found);
        out.extend(found.into_iter().map(|expr| GenericNode { place: format!("rule {:?}", &*rule.name), expr }));
        let mut found = Vec::new();
        if let Some(limit) = &rule.limit_code {
            limit.generics(&mut found);
        }
        let place = || format!("limit of rule {:?}", &*rule.name);
        out.extend(found.into_iter().map(|expr| GenericNode { place: place(), expr }));
    }
    for (def, code) in program.lets.iter().zip(&program.let_code) {
        let mut found = Vec::new();
        match code {
            // The whole let is the interpreter's.
            LetCode::Generic => found.push(&def.value),
            other => other.generics(&mut found),
        }
        out.extend(found.into_iter().map(|expr| GenericNode { place: format!("let {}", def.name), expr }));
    }
    out
}

/// Lowered code whose `Generic` nodes can be listed.
pub trait Census {
    /// Pushes the expression of every `Generic` node under `self`.
    fn generics<'c>(&'c self, out: &mut Vec<&'c TExpr>);
}

/// The nodes under two operands (of the same or of different code types), in order.
fn both<'c>(a: &'c impl Census, b: &'c impl Census, out: &mut Vec<&'c TExpr>) {
    a.generics(out);
    b.generics(out);
}

impl<T: Census> Census for Box<T> {
    fn generics<'c>(&'c self, out: &mut Vec<&'c TExpr>) {
        (**self).generics(out);
    }
}

impl<T: Census> Census for CaseCode<T> {
    fn generics<'c>(&'c self, out: &mut Vec<&'c TExpr>) {
        for (when, then) in &self.branches {
            when.generics(out);
            then.generics(out);
        }
        self.otherwise.generics(out);
    }
}

impl<T: Census> Census for OutCode<T> {
    fn generics<'c>(&'c self, out: &mut Vec<&'c TExpr>) {
        self.row.generics(out);
        self.values.iter().for_each(|v| v.generics(out));
    }
}

impl Census for RowCode {
    fn generics<'c>(&'c self, out: &mut Vec<&'c TExpr>) {
        self.inputs.iter().for_each(|i| i.generics(out));
    }
}

impl Census for Input {
    fn generics<'c>(&'c self, out: &mut Vec<&'c TExpr>) {
        match self {
            Input::Int(c) => c.generics(out),
            Input::Dec(c) => c.generics(out),
            Input::Date(c) => c.generics(out),
            Input::Value(c) => c.generics(out),
        }
    }
}

impl<P> Census for ScoreCode<P> {
    fn generics<'c>(&'c self, out: &mut Vec<&'c TExpr>) {
        self.characteristics.iter().for_each(|c| c.input.generics(out));
    }
}

impl Census for HookCode {
    fn generics<'c>(&'c self, out: &mut Vec<&'c TExpr>) {
        for arg in &self.args {
            if let HookArg::Value(code, _) = arg {
                code.generics(out);
            }
        }
    }
}

impl Census for AggCode {
    fn generics<'c>(&'c self, out: &mut Vec<&'c TExpr>) {
        if let Some(filter) = &self.filter {
            filter.generics(out);
        }
    }
}

impl Census for LetCode {
    fn generics<'c>(&'c self, out: &mut Vec<&'c TExpr>) {
        match self {
            LetCode::Bool(c) => c.generics(out),
            LetCode::Int(c) => c.generics(out),
            LetCode::Dec(c) => c.generics(out),
            LetCode::Date(c) => c.generics(out),
            LetCode::Opt(c) => c.generics(out),
            // Its expression is the let's value, which only the program holds.
            LetCode::Generic => {}
        }
    }
}

impl Census for BoolCode {
    fn generics<'c>(&'c self, out: &mut Vec<&'c TExpr>) {
        match self {
            BoolCode::Const(_)
            | BoolCode::Slot(..)
            | BoolCode::SlotOr { .. }
            | BoolCode::Let(_)
            | BoolCode::IntSlotCmp { .. }
            | BoolCode::DecSlotCmp { .. }
            | BoolCode::IntLetCmp { .. }
            | BoolCode::DecLetCmp { .. }
            | BoolCode::EnumMask { .. }
            | BoolCode::ArmMask { .. }
            | BoolCode::EnumLetMask { .. }
            | BoolCode::InBatch { .. }
            | BoolCode::SetHas { .. } => {}
            BoolCode::Not(a) => a.generics(out),
            BoolCode::All(operands) | BoolCode::Any(operands) => operands.iter().for_each(|c| c.generics(out)),
            BoolCode::And(a, b) | BoolCode::Or(a, b) | BoolCode::BoolCmp(_, a, b) => both(a, b, out),
            BoolCode::Coalesce(a, b) => both(a, b, out),
            BoolCode::IntCmp(_, a, b) => both(a, b, out),
            BoolCode::DecCmp(_, a, b) => both(a, b, out),
            BoolCode::DateCmp(_, a, b) => both(a, b, out),
            BoolCode::StrCmp(_, a, b) => both(a, b, out),
            BoolCode::StrLetCmp { .. } => {}
            BoolCode::CountCmp { agg, .. } => agg.generics(out),
            BoolCode::IsNone { operand, .. } => operand.generics(out),
            BoolCode::Agg(agg) => agg.generics(out),
            BoolCode::Case(case) => case.generics(out),
            BoolCode::TableOut(t) => t.generics(out),
            BoolCode::Hook(h) => h.generics(out),
            BoolCode::Generic(e) => out.push(e),
        }
    }
}

impl Census for IntCode {
    fn generics<'c>(&'c self, out: &mut Vec<&'c TExpr>) {
        match self {
            IntCode::Const(_) | IntCode::Slot(..) | IntCode::Let(_) | IntCode::SetLen(..) => {}
            IntCode::Arith(_, a, b) | IntCode::Pick { a, b, .. } => both(a, b, out),
            IntCode::Neg(a) => a.generics(out),
            IntCode::Coalesce(a, b) => both(a, b, out),
            IntCode::DaysBetween(a, b) | IntCode::MonthsBetween(a, b) => both(a, b, out),
            IntCode::Agg(agg) | IntCode::Count(agg) => agg.generics(out),
            IntCode::ExtremeOr { agg, default } => both(agg, default, out),
            IntCode::Case(case) => case.generics(out),
            IntCode::Scorecard(card) => card.generics(out),
            IntCode::TableRow(row) => row.generics(out),
            IntCode::TableOut(t) => t.generics(out),
            IntCode::Hook(h) => h.generics(out),
            IntCode::Generic(e) => out.push(e),
        }
    }
}

impl Census for DecCode {
    fn generics<'c>(&'c self, out: &mut Vec<&'c TExpr>) {
        match self {
            DecCode::Const(_) | DecCode::Slot(..) | DecCode::Let(_) => {}
            DecCode::FromInt(a) => a.generics(out),
            DecCode::Arith(_, a, b) | DecCode::Pick { a, b, .. } => both(a, b, out),
            DecCode::Neg(a) | DecCode::Round(a, _) => a.generics(out),
            DecCode::Coalesce(a, b) => both(a, b, out),
            DecCode::Agg(agg) | DecCode::Sum(agg) => agg.generics(out),
            DecCode::Case(case) => case.generics(out),
            DecCode::Scorecard(card) => card.generics(out),
            DecCode::TableOut(t) => t.generics(out),
            DecCode::Hook(h) => h.generics(out),
            DecCode::Generic(e) => out.push(e),
        }
    }
}

impl Census for DateCode {
    fn generics<'c>(&'c self, out: &mut Vec<&'c TExpr>) {
        match self {
            DateCode::Const(_) | DateCode::Slot(..) | DateCode::AsOf | DateCode::Let(_) => {}
            DateCode::Shift { date, .. } => date.generics(out),
            DateCode::Coalesce(a, b) => both(a, b, out),
            DateCode::Case(case) => case.generics(out),
            DateCode::TableOut(t) => t.generics(out),
            DateCode::Generic(e) => out.push(e),
        }
    }
}

impl Census for OptCode {
    fn generics<'c>(&'c self, out: &mut Vec<&'c TExpr>) {
        match self {
            OptCode::Slot(..) | OptCode::Const(_) | OptCode::Absent | OptCode::Let(_) => {}
            OptCode::Agg(agg) => agg.generics(out),
            OptCode::Bool(c) => c.generics(out),
            OptCode::Int(c) => c.generics(out),
            OptCode::Dec(c) => c.generics(out),
            OptCode::Date(c) => c.generics(out),
            OptCode::Case(case) => case.generics(out),
            OptCode::TableOut(t) => t.generics(out),
            OptCode::Hook(h) => h.generics(out),
            OptCode::Coalesce(a, b) => both(a, b, out),
            OptCode::EnumName(named) => named.0.generics(out),
            OptCode::Generic(e) => out.push(e),
        }
    }
}
