//! The values an account computed on its way to a decision: its lets, each
//! with its definition as written, and its hook calls.

use super::{squash, Argument, HookExplanation, LetExplanation};
use crate::compile::Program;
use crate::eval::Trace;
use crate::ir::{TExpr, TKind};
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
            is_row: matches!(def.value.kind, TKind::TableRow(_)),
            failed: None,
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
            None => failure.message,
        });
    }
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
            let rows = table.rows.len();
            let noun = if rows == 1 { "row" } else { "rows" };
            format!("{} {{ {rows} {noun}{otherwise} }}", head(text))
        }
        TKind::Scorecard(card) => {
            let count = card.characteristics.len();
            let noun = if count == 1 { "characteristic" } else { "characteristics" };
            format!("scorecard base {} {{ {count} {noun} }}", format_decimal(card.base))
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
