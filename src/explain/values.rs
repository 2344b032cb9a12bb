//! The values an account computed on its way to a decision: its lets, each
//! with its definition as written, and its hook calls.

use super::{squash, Argument, HookExplanation, LetExplanation};
use crate::compile::Program;
use crate::eval::Trace;
use crate::ir::{TAction, TExpr, TKind};
use crate::terminal::counted;
use crate::value::{format_decimal, Traced};

pub(super) fn lets(program: &Program, trace: &Trace, source: &str) -> Vec<LetExplanation> {
    let mut values: Vec<Option<Traced>> = vec![None; program.lets.len()];
    for (index, value) in &trace.lets {
        if let Some(slot) = values.get_mut(*index) {
            *slot = Some(trace.operand(value).into_owned());
        }
    }
    program
        .lets
        .iter()
        .zip(values)
        .map(|(def, value)| LetExplanation {
            name: def.name.clone(),
            definition: definition_text(&def.value, source),
            value,
            branch: trace.cases.iter().find(|c| c.at == def.value.span).map(|c| branch_text(c, source)),
            is_row: def.is_table_of_outputs(),
            failed: None,
            fallbacks: Vec::new(),
        })
        .collect()
}

/// Marks the lets the account's failure (`error`, which names each let on
/// its path as "(in let `x`)") went through with why each failed, worked
/// out again on its own; a scorecard's with its failing characteristic.
pub(super) fn mark_failed(
    lets: &mut [LetExplanation],
    program: &Program,
    snapshot: &crate::snapshot::Snapshot,
    default_as_of: Option<crate::value::Date>,
    error: &str,
    source: &str,
) {
    for (index, l) in lets.iter_mut().enumerate() {
        if l.value.is_some() || !error.contains(&format!("(in let `{}`)", l.name)) {
            continue;
        }
        let Some(failure) = crate::eval::let_failure(program, snapshot, default_as_of, index) else { continue };
        let card = crate::eval::scorecard::scorecard_of(program, index);
        let characteristic = failure.characteristic.and_then(|c| card?.characteristics.get(c));
        l.failed = Some(match characteristic {
            Some(c) => {
                let input = squash(source.get(c.input.span.range()).unwrap_or("?"));
                format!("{}, in characteristic {} `{input}`", failure.message, c.code)
            }
            // Failed through another let: that one says why.
            None if failure.through.is_some() => failure.message,
            None => {
                // What it read, so that `division by zero` comes with `credit_limit = 0`.
                let Some((def, as_of)) = program.lets.get(index).zip(snapshot.as_of.or(default_as_of)) else {
                    continue;
                };
                let mut ctx = crate::eval::Ctx::new(program, &snapshot.record, as_of);
                let read = reads_of(&mut ctx, &def.value, source);
                match read.is_empty() {
                    true => failure.message,
                    false => format!("{} (it read {})", failure.message, super::reads_text(&read)),
                }
            }
        });
    }
}

/// How the decision's limit was computed: the first rule to fire with a
/// `set limit to` (the one whose limit a decision carries), its expression
/// and what it read, worked out again on the account's values.
pub(super) fn limit(
    rules: &[super::RuleExplanation],
    program: &Program,
    snapshot: &crate::snapshot::Snapshot,
    default_as_of: Option<crate::value::Date>,
    source: &str,
) -> Option<super::LimitExplanation> {
    let as_of = snapshot.as_of.or(default_as_of)?;
    let (explained, expr) = rules.iter().zip(&program.rules).find_map(|(explained, rule)| {
        let fired = matches!(explained.status, super::RuleOutcome::Fired);
        let set = rule.actions.iter().find_map(|a| if let TAction::SetLimit(e) = a { Some(e) } else { None });
        set.filter(|_| fired).map(|e| (explained, e))
    })?;
    let mut ctx = crate::eval::Ctx::new(program, &snapshot.record, as_of);
    Some(super::LimitExplanation {
        rule: explained.rule.clone(),
        expr: squash(source.get(expr.span.range()).unwrap_or("?")),
        reads: reads_of(&mut ctx, expr, source),
    })
}

/// The values of the account fields and lets `e` reads directly (each
/// once; one that fails to compute is left out), as written.
fn reads_of<'a>(ctx: &mut crate::eval::Ctx<'a>, e: &'a TExpr, source: &str) -> Vec<super::Read> {
    let mut read = Vec::new();
    direct_reads(e, &mut read);
    let mut out: Vec<super::Read> = Vec::new();
    // An expression that is itself the read (a bare flag or let) says its value already.
    for r in read.into_iter().filter(|r| r.span != e.span) {
        let text = squash(source.get(r.span.range()).unwrap_or("?"));
        if out.iter().any(|o| o.expr == text) {
            continue;
        }
        if let Ok(v) = ctx.eval(r) {
            out.push(super::Read { expr: text, value: Traced::of_shared(v, crate::eval::enum_members(r)) });
        }
    }
    out
}

/// A let's definition as written; a table or a scorecard, which have
/// sections of their own, by its head and size only.
fn definition_text(value: &TExpr, source: &str) -> String {
    let text = source.get(value.span.range()).unwrap_or("?");
    let head = |text: &str| squash(text.split('{').next().unwrap_or(text).trim_end());
    match &value.kind {
        // `plan.stage`: a named output, a let of its own (see `check::table`).
        TKind::TableOut { row, table, output } if matches!(row.kind, TKind::Let(_)) => {
            let name = table.outputs.get(*output).and_then(|(name, _)| name.as_deref()).unwrap_or("?");
            let of = squash(text.split('.').next().unwrap_or(text));
            format!("output `{name}` of the table `{of}`")
        }
        TKind::TableOut { table, .. } | TKind::TableRow(table) => {
            let otherwise = if table.else_values.is_some() { " and else" } else { "" };
            format!("{} {{ {}{otherwise} }}", head(text), counted(table.rows.len(), "row"))
        }
        TKind::Scorecard(card) => {
            let count = counted(card.characteristics.len(), "characteristic");
            format!("scorecard base {} {{ {count} }}", format_decimal(card.base))
        }
        _ => squash(text),
    }
}

/// The branch a case took, as written.
fn branch_text(taken: &crate::eval::CaseTaken, source: &str) -> String {
    match (taken.when, taken.otherwise) {
        (Some(when), _) => format!("when {}", squash(source.get(when.range()).unwrap_or("?"))),
        (None, true) => "else".into(),
        (None, false) => "no branch held".into(),
    }
}

pub(super) fn hooks(program: &Program, trace: &Trace) -> Vec<HookExplanation> {
    trace
        .hooks
        .iter()
        .map(|call| {
            let hook = program.hooks.get(call.hook);
            let params = hook.map(|h| &h.signature().params);
            let args = call
                .args
                .iter()
                .enumerate()
                .map(|(i, v)| {
                    let name = params.and_then(|p| p.get(i)).map_or_else(|| format!("#{}", i + 1), |p| p.0.clone());
                    Argument { name, value: v.clone() }
                })
                .collect();
            let result = call.result.clone();
            HookExplanation {
                hook: hook.map_or_else(|| format!("#{}", call.hook), |h| h.name().to_string()),
                args,
                result,
                printed: call.printed.clone(),
            }
        })
        .collect()
}

/// Fills in what each evaluated condition read when its trace recorded no
/// operands (a bare flag, `x ?? d`, `x != none`, a call): the account's
/// fields and the lets it reads directly, each worked out again on its own,
/// so that `(closure_requested ?? false) → false` says whether the field was
/// absent or false. Fields read inside an aggregate's `where` are an
/// element's, not the account's, and are left to the aggregate.
///
/// And marks each evaluated condition and computed let with the fallbacks
/// it took: the `x` of each `x ?? d` in it that was none, so that
/// `(income ?? 0) > 500 → 0 > 500` says whether `income` was 0 or absent
/// (an auditor cannot tell otherwise).
pub(super) fn fill_reads(
    rules: &mut [super::RuleExplanation],
    lets: &mut [LetExplanation],
    program: &Program,
    snapshot: &crate::snapshot::Snapshot,
    default_as_of: Option<crate::value::Date>,
    source: &str,
) {
    let Some(as_of) = snapshot.as_of.or(default_as_of) else { return };
    let mut ctx = crate::eval::Ctx::new(program, &snapshot.record, as_of);
    for (explained, rule) in rules.iter_mut().zip(&program.rules) {
        for (c, leaf) in explained.conditions.iter_mut().zip(&rule.condition.leaves) {
            if c.value.is_none() {
                continue;
            }
            fallbacks_taken(&mut ctx, &leaf.expr, source, &mut c.fallbacks);
            // Under `not`, the leaf's own value is already its first read
            // (`any(...) = true`); what it looked at follows, as reads of their own.
            let own_value_only = leaf.negated && c.reads.len() == 1 && c.reads.iter().all(|r| r.expr == leaf.text);
            if !(c.reads.is_empty() || own_value_only) {
                continue;
            }
            c.reads_beside = !own_value_only;
            if let Some(element) = deciding_element(&mut ctx, program, &leaf.expr) {
                c.reads.extend(element);
                continue;
            }
            // A read that fails now failed then too, and the rule says so.
            for read in reads_of(&mut ctx, &leaf.expr, source) {
                if c.reads.iter().all(|r| r.expr != read.expr) {
                    c.reads.push(read);
                }
            }
        }
    }
    for (l, def) in lets.iter_mut().zip(&program.lets) {
        if l.value.is_some() {
            fallbacks_taken(&mut ctx, &def.value, source, &mut l.fallbacks);
        }
    }
}

/// The `x` of each `x ?? d` in `e` whose `x` (a field or let of the
/// account, an aggregate over an empty list) is none, in order, where `e`
/// was evaluated (not in an aggregate's `where`, whose elements the
/// aggregate says).
fn fallbacks_taken<'a>(ctx: &mut crate::eval::Ctx<'a>, e: &'a TExpr, source: &str, out: &mut Vec<super::Read>) {
    match &e.kind {
        TKind::Coalesce(first, default) => {
            // An element's field is the aggregate's to say.
            let read = !matches!(first.kind, TKind::Const(_) | TKind::Field { frame: crate::ir::Frame::Element, .. });
            if read && matches!(ctx.eval(first), Ok(crate::value::Val::None)) {
                let expr = squash(source.get(first.span.range()).unwrap_or("?"));
                if out.iter().all(|r| r.expr != expr) {
                    out.push(super::Read { expr, value: Traced::of_shared(crate::value::Val::None, None) });
                }
                // The default was evaluated in its place: `a ?? b ?? 0` may take `b`'s too.
                fallbacks_taken(ctx, default, source, out);
            } else {
                fallbacks_taken(ctx, first, source, out);
            }
        }
        // Only what was evaluated: the right of `and`/`or` when the left did
        // not decide, a case's conditions up to the one that held and its value.
        TKind::And(a, b) | TKind::Or(a, b) => {
            fallbacks_taken(ctx, a, source, out);
            let deciding = matches!(e.kind, TKind::Or(..));
            if ctx.truth(a).is_ok_and(|held| held != deciding) {
                fallbacks_taken(ctx, b, source, out);
            }
        }
        TKind::Case { branches, otherwise } => {
            for (when, then) in branches {
                fallbacks_taken(ctx, when, source, out);
                match ctx.truth(when) {
                    Ok(true) => return fallbacks_taken(ctx, then, source, out),
                    Ok(false) => {}
                    Err(_) => return,
                }
            }
            if let Some(value) = otherwise {
                fallbacks_taken(ctx, value, source, out);
            }
        }
        // A table's output: its row's inputs (a table's or scorecard's
        // inputs are its children, all evaluated); an element's fields are
        // the aggregate's to say.
        TKind::TableOut { row, .. } => fallbacks_taken(ctx, row, source, out),
        TKind::Agg(_) => {}
        _ => e.children().into_iter().for_each(|c| fallbacks_taken(ctx, c, source, out)),
    }
}

/// The account fields and lets `e` reads, outside any aggregate, in order.
/// A table's or scorecard's inputs are not its own reads (the tables and
/// lets sections show them, and a table's every row would be listed).
fn direct_reads<'e>(e: &'e TExpr, out: &mut Vec<&'e TExpr>) {
    match &e.kind {
        TKind::Field { frame: crate::ir::Frame::Account, .. } | TKind::Let(_) => out.push(e),
        TKind::Agg(_) | TKind::Field { .. } | TKind::TableRow(_) | TKind::TableOut { .. } | TKind::Scorecard(_) => {}
        _ => e.children().into_iter().for_each(|c| direct_reads(c, out)),
    }
}

/// For `any(list where c)` and `all(list where c)` (of the account's list,
/// possibly `within` a window), the element that decided: the first one `c`
/// holds for (`any`), or fails for (`all`), with the fields `c` read of it.
/// An element is named by its `by:` key where the list has one
/// (`overdues[due_on=2026-10-20].days = 120`): lists are kept sorted by
/// it, so a position would not be the one in the book. None when no
/// element decided (every element is as good an example as another).
fn deciding_element<'a>(
    ctx: &mut crate::eval::Ctx<'a>,
    program: &'a Program,
    e: &'a TExpr,
) -> Option<Vec<super::Read>> {
    use crate::ir::AggFunc;
    use crate::value::Value;
    let TKind::Agg(agg) = &e.kind else { return None };
    let (Some(filter), None, true) = (&agg.filter, agg.field, matches!(agg.func, AggFunc::Any | AggFunc::All)) else {
        return None;
    };
    let leaves = program.schema.root.leaves();
    let (list_name, list) = leaves.iter().find_map(|(path, f)| match &f.kind {
        crate::schema::FieldKind::List(list) if f.slot == Some(agg.list_slot) => Some((path, list)),
        _ => None,
    })?;
    let account = ctx.account;
    let Some(Value::List(elements)) = account.slots.get(agg.list_slot) else { return None };
    let lower = ctx.window_start(agg).ok()?;
    let wanted = agg.func == AggFunc::Any;
    let saved = ctx.element;
    let found = elements.iter().enumerate().find(|(_, element)| {
        ctx.element = Some(element);
        ctx.in_window(element, agg, lower) && ctx.truth(filter).is_ok_and(|holds| holds == wanted)
    });
    ctx.element = saved;
    let (index, element) = found?;
    let element_leaves = list.element.leaves();
    let which = match &list.by {
        Some((key, slot)) => format!("{key}={}", Traced::of(element.val(*slot), None)),
        None => index.to_string(),
    };
    let mut fields = Vec::new();
    element_reads(filter, &mut fields);
    let mut out: Vec<super::Read> = Vec::new();
    for (slot, field) in fields {
        let Some((name, _)) = element_leaves.iter().find(|(_, f)| f.slot == Some(slot)) else { continue };
        let expr = format!("{list_name}[{which}].{name}");
        if out.iter().all(|r| r.expr != expr) {
            let value = Traced::of_shared(element.val(slot), crate::eval::enum_members(field));
            out.push(super::Read { expr, value });
        }
    }
    Some(out)
}

/// The list element's fields a `where` condition reads (each slot with
/// the expression reading it), in order.
fn element_reads<'e>(e: &'e TExpr, out: &mut Vec<(usize, &'e TExpr)>) {
    match &e.kind {
        TKind::Field { frame: crate::ir::Frame::Element, slot } => out.push((*slot, e)),
        TKind::Agg(_) => {}
        _ => e.children().into_iter().for_each(|c| element_reads(c, out)),
    }
}
