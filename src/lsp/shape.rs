//! Hover over a decision table's, a scorecard's or a split's name: its shape
//! rather than its text (a table of forty rows does not fit a hover). Read
//! from the parsed policy, so it shows while the policy has errors; the
//! types of inputs come from the last check when there is one, else from the
//! schema for an input that is a field.

use super::document::Document;
use crate::ir::table::TTable;
use crate::ir::{TExpr, TKind};
use crate::syntax::ast::{Expr, ExprKind, Item, SplitDecl};
use crate::syntax::scorecard::ScorecardDecl;
use crate::syntax::table::TableExpr;
use rust_decimal::Decimal;
use std::fmt::Write as _;

/// The shape of the table, scorecard or split called `name`, if it is one.
pub fn describe(doc: &Document, name: &str) -> Option<String> {
    doc.items()?.items.iter().find_map(|item| match item {
        Item::Let { name: n, value, .. } if n.node == name => match &value.kind {
            ExprKind::Table(table) => Some(table_shape(doc, name, table)),
            _ => None,
        },
        Item::Scorecard { name: n, card, .. } if n.node == name => Some(scorecard_shape(doc, name, card)),
        Item::Split(split) if split.name.node == name => Some(split_shape(split)),
        _ => None,
    })
}

/// The type of output `output` of the table `table` (`plan.stage: string`).
pub fn output(doc: &Document, table: &str, output: &str) -> Option<String> {
    let written = doc.items()?.items.iter().find_map(|item| match item {
        Item::Let { name, value, .. } if name.node == table => match &value.kind {
            ExprKind::Table(t) => Some(t),
            _ => None,
        },
        _ => None,
    })?;
    let declared = written.outputs.iter().find(|o| o.name.as_ref().is_some_and(|n| n.node == output))?;
    // As declared: `money` stays money (the checked type calls it decimal).
    let ty = &declared.ty.node;
    Some(format!("```verdict\n{table}.{output}: {ty}\n```\nan output of the decision table `{table}`"))
}

fn table_shape(doc: &Document, name: &str, table: &TableExpr) -> String {
    let checked = checked_table(doc, name);
    let policy = if table.first { "first (the first matching row wins)" } else { "unique (no two rows overlap)" };
    let header = doc.text.get(table.header.range()).map_or("table".into(), one_line);
    let mut text = format!("```verdict\nlet {name} = {header}\n```\nhit policy: {policy}\n\ninputs:\n");
    for (i, input) in table.inputs.iter().enumerate() {
        // A field's type as the schema writes it (`money`, which the checked type calls decimal).
        let ty =
            input_field_type(doc, input).or_else(|| checked.and_then(|t| t.inputs.get(i)).map(|i| i.ty.describe()));
        let _ = writeln!(text, "- `{}`{}", written(doc, input), ty.map(|t| format!(": {t}")).unwrap_or_default());
    }
    text.push_str("\noutputs:\n");
    for output in &table.outputs {
        // As declared: `money` stays money (the checked type calls it decimal).
        let ty = &output.ty.node;
        let _ = match &output.name {
            Some(out) => writeln!(text, "- `{name}.{}`: {ty}", out.node),
            None => writeln!(text, "- {ty}"),
        };
    }
    let rows = table.rows.len();
    let has_else = table.rows.iter().any(|r| r.is_else);
    let _ = write!(
        text,
        "\n{}{}",
        crate::terminal::counted(rows, "row"),
        if has_else { ", the last an `else` row" } else { ", no `else` row" }
    );
    text
}

/// The checked table a `let` holds, when the policy checked.
fn checked_table<'d>(doc: &'d Document, name: &str) -> Option<&'d TTable> {
    let def = doc.analysis.checked.as_ref()?.lets.iter().find(|l| l.name == name)?;
    table_in(&def.value)
}

fn table_in(value: &TExpr) -> Option<&TTable> {
    match &value.kind {
        TKind::TableRow(table) | TKind::TableOut { table, .. } => Some(table),
        TKind::ToDec(inner) => table_in(inner),
        _ => None,
    }
}

fn scorecard_shape(doc: &Document, name: &str, card: &ScorecardDecl) -> String {
    let checked = doc.analysis.checked.as_ref().and_then(|c| c.lets.iter().find(|l| l.name == name));
    let checked = checked.and_then(|l| match &l.value.kind {
        TKind::Scorecard(card) => Some(card),
        _ => None,
    });
    let base = card.base.node;
    let int = base.int && card.characteristics.iter().flat_map(|c| &c.bins).all(|b| b.points.node.int);
    let (mut low, mut high) = (base.value, base.value);
    for c in &card.characteristics {
        let points = c.bins.iter().map(|b| b.points.node.value);
        low += points.clone().min().unwrap_or(Decimal::ZERO);
        high += points.max().unwrap_or(Decimal::ZERO);
    }
    let mut text = format!(
        "```verdict\nlet {name} = scorecard base {}\n```\nscore: {}, from {} to {}\n\n\
         | characteristic | reason | bins |\n| --- | --- | --- |\n",
        base.value,
        if int { "int" } else { "decimal" },
        low.normalize(),
        high.normalize()
    );
    for (i, c) in card.characteristics.iter().enumerate() {
        let ty = input_field_type(doc, &c.input)
            .or_else(|| checked.and_then(|s| s.characteristics.get(i)).map(|c| c.input.ty.describe()))
            .map(|ty| format!(": {ty}"));
        let reason = c.text.as_ref().map_or(String::new(), |t| format!(" {}", text_in_cell(&t.node)));
        let _ = writeln!(
            text,
            "| `{}`{} | `{}`{} | {} |",
            written(doc, &c.input),
            ty.unwrap_or_default(),
            text_in_cell(&c.code.node),
            reason,
            c.bins.len()
        );
    }
    text
}

fn split_shape(split: &SplitDecl) -> String {
    let by: Vec<&str> = split.by.iter().map(|s| s.node.as_str()).collect();
    let arms: Vec<String> =
        split.arms.iter().map(|(arm, weight)| format!("- `{}`: {}%", arm.node, weight.node)).collect();
    let members: Vec<&str> = split.arms.iter().map(|(arm, _)| arm.node.as_str()).collect();
    let salt = split.salt.as_ref().map_or(split.name.node.as_str(), |s| s.node.as_str());
    format!(
        "```verdict\nsplit {}: enum({})\n```\nan experiment: each account falls in one arm, by `{}` (salt \"{salt}\")\n\n{}",
        split.name.node,
        members.join(", "),
        by.join("."),
        arms.join("\n")
    )
}

/// An input's type when it is a schema field, from the schema alone.
fn input_field_type(doc: &Document, input: &Expr) -> Option<String> {
    let ExprKind::Path(segments) = &input.kind else { return None };
    let path: Vec<&str> = segments.iter().map(|s| s.node.as_str()).collect();
    let schema = doc.analysis.schema.as_deref()?;
    crate::schema::lookup_through_lists(&schema.root, &path.join(".")).map(crate::schema::FieldDef::type_text)
}

/// An expression as written, on one line (a `|` escaped: it stands in a Markdown table).
fn written(doc: &Document, expr: &Expr) -> String {
    in_cell(doc.text.get(expr.span.range()).unwrap_or(""))
}

/// Text on one line with its `|` escaped, to stand in a Markdown table's cell.
fn in_cell(text: &str) -> String {
    one_line(text).replace('|', "\\|")
}

/// A text's value (not source: no comments, no strings) on one line, its
/// `|` escaped and what a terminal would act on written visibly.
fn text_in_cell(text: &str) -> String {
    let spaced = text.split_whitespace().collect::<Vec<_>>().join(" ");
    crate::terminal::escape(&spaced).replace('|', "\\|")
}

fn one_line(text: &str) -> String {
    crate::syntax::one_line(text)
}

#[cfg(test)]
mod tests {
    /// A reason text is a value: a line end, a `#` or a `"` in it is text,
    /// written on the row's one line (a line end split the table in two).
    #[test]
    fn a_texts_value_stands_on_its_row() {
        assert_eq!(
            super::text_in_cell("Overdue  \"repayments\nin the #last | 12"),
            "Overdue \"repayments in the #last \\| 12"
        );
        assert_eq!(super::text_in_cell("a\u{1b}[2Jb"), "a\\u{1b}[2Jb");
    }
}
