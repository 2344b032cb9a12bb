//! Inside an aggregate's `where`, the element's fields hide the account's
//! fields and the lets of the same name (`status` in `count(payments where
//! status == "frozen")` is the payment's). When the condition then fails to
//! check, the error says which name was taken for the element's, and how to
//! reach the account's.

use super::Checker;
use crate::diagnostic::codes;
use crate::schema::RecordLayout;
use crate::syntax::ast::{Expr, ExprKind};

impl Checker<'_> {
    /// Adds the note to the errors reported since `reported` inside the
    /// `where` condition `filter` over the elements of `list` (`element`).
    pub(super) fn note_shadowing(&mut self, filter: &Expr, element: &RecordLayout, list: &str, reported: usize) {
        let mut names = Vec::new();
        first_names(filter, &mut names);
        let schema = self.schema;
        let hidden = names.into_iter().find(|name| {
            element.field(name).is_some() && (schema.root.field(name).is_some() || self.let_index.contains_key(*name))
        });
        let Some(name) = hidden else { return };
        let note = format!(
            "Inside `where`, `{name}` is the field of an element of `{list}`, which hides the account's \
             `{name}`; for the account's, name it in a let first (`let account_{name} = {name}`) and use that"
        );
        let within =
            |d: &crate::diagnostic::Diagnostic| filter.span.start <= d.span.start && d.span.end <= filter.span.end;
        let errors = self.diags.iter_mut().skip(reported);
        for d in errors.filter(|d| matches!(d.code, codes::NOT_A_MEMBER | codes::TYPE_MISMATCH) && within(d)) {
            d.help = Some(match d.help.take() {
                Some(help) => format!("{help}. {note}"),
                None => note.clone(),
            });
        }
    }
}

/// The first segment of every path in `e`, outside nested aggregates'
/// own `where` (which has its own element).
fn first_names<'e>(e: &'e Expr, out: &mut Vec<&'e str>) {
    match &e.kind {
        ExprKind::Path(segments) => out.extend(segments.first().map(|s| s.node.as_str())),
        ExprKind::Call { args, .. } => args.iter().for_each(|a| first_names(a, out)),
        _ => e.for_each_child(|child| first_names(child, out)),
    }
}
