//! Rename: a let's (a table's, a scorecard's, a split's), a batch's or a
//! table output's name, at its declaration and every use, in one edit. A
//! rename that would change what the policy means is refused with the
//! reason, as `verdict check` would give it afterwards; a split without a
//! salt is given its old name as one, so that no account changes arm.

use super::document::Document;
use super::index::Target;
use crate::schema::{FieldKind, RecordLayout};
use crate::syntax::ast::{ExprKind, Item};
use lsp_types::{Range, TextEdit, WorkspaceEdit};
use std::collections::HashMap;

/// The name at `offset` and where it is written, when it can be renamed.
pub fn prepare(doc: &Document, offset: usize) -> Result<(Range, String), String> {
    let occurrence = renamable(doc, offset)?;
    let written = doc.text.get(occurrence.0.range()).unwrap_or_default().to_owned();
    Ok((doc.lines.range(&doc.text, occurrence.0), written))
}

/// Every place the name at `offset` is written, as edits to `new_name`.
pub fn rename(doc: &Document, offset: usize, new_name: &str) -> Result<WorkspaceEdit, String> {
    let (at, target) = renamable(doc, offset)?;
    let old = doc.text.get(at.range()).unwrap_or_default();
    if new_name != old {
        refuse_clash(doc, &target, new_name)?;
    }
    let mut edits: Vec<TextEdit> =
        doc.index.of(&target).map(|o| TextEdit::new(doc.lines.range(&doc.text, o.span), new_name.to_owned())).collect();
    if new_name != old {
        edits.extend(keep_salt(doc, &target, old));
    }
    Ok(WorkspaceEdit { changes: Some(HashMap::from([(doc.uri.clone(), edits)])), ..WorkspaceEdit::default() })
}

/// For a split without a `salt`, whose salt is its name (§10.2): the edit
/// writing the old name as its salt, so that every account keeps its arm.
/// Renamed without it, the split would assign other accounts to each arm.
fn keep_salt(doc: &Document, target: &Target, old: &str) -> Option<TextEdit> {
    let Target::Let(name) = target else { return None };
    let items = doc.analysis.ast.as_ref()?.items.as_slice();
    let split = items.iter().find_map(|item| match item {
        Item::Split(split) if split.name.node == *name => Some(split),
        _ => None,
    })?;
    if split.salt.is_some() {
        return None;
    }
    let by = split.by.last()?.span;
    let at = doc.lines.range(&doc.text, crate::diagnostic::Span { start: by.end, end: by.end });
    Some(TextEdit::new(at, format!(" salt \"{old}\"")))
}

/// The occurrence at `offset` and its target, or why it cannot be renamed.
fn renamable(doc: &Document, offset: usize) -> Result<(crate::diagnostic::Span, Target), String> {
    // Names in items that do not parse are not indexed: renaming around them would miss some.
    if doc.analysis.ast.is_none() {
        return Err("the policy does not parse: fix its syntax errors first, then rename".into());
    }
    let occurrence = doc.index.at(offset).ok_or("there is no name here to rename")?;
    match &occurrence.target {
        Target::Let(_) | Target::Batch(_) | Target::Output { .. } => Ok((occurrence.span, occurrence.target.clone())),
        Target::Hook(name) => {
            Err(format!("hook `{name}` is also the name of its function in the script: rename both by hand"))
        }
        Target::Field { .. } => Err("a field is named by the schema: rename it there, and in every policy".into()),
        Target::Function(name) => Err(format!("`{name}` is a built-in function")),
        Target::AsOf => Err("`as_of` is the snapshot's date, which every policy reads by that name".into()),
    }
}

/// Why `new_name` cannot take the place of the target's name, if it cannot.
fn refuse_clash(doc: &Document, target: &Target, new_name: &str) -> Result<(), String> {
    let is_identifier = new_name.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
        && new_name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    if !is_identifier {
        return Err(format!("`{new_name}` is not a name: names are ASCII letters, digits and `_`, not first a digit"));
    }
    if crate::syntax::is_reserved(new_name) {
        return Err(format!("`{new_name}` is a reserved word of the language"));
    }
    if crate::check::RESERVED_NAMES.contains(&new_name) {
        return Err(format!("`{new_name}` is the snapshot's date, which every policy reads by that name"));
    }
    let items = doc.analysis.ast.as_ref().map(|ast| ast.items.as_slice()).unwrap_or_default();
    if let Target::Output { table, .. } = target {
        let taken = items.iter().any(|item| match item {
            Item::Let { name, value, .. } if name.node == *table => match &value.kind {
                ExprKind::Table(t) => t.outputs.iter().any(|o| o.name.as_ref().is_some_and(|n| n.node == new_name)),
                _ => false,
            },
            _ => false,
        });
        return match taken {
            true => Err(format!("the table `{table}` has an output `{new_name}` already")),
            false => Ok(()),
        };
    }
    if items.iter().any(|item| declared_name(item) == Some(new_name)) {
        return Err(format!("`{new_name}` is already defined in this policy"));
    }
    // A field of the account would be hidden, one of a list's elements would
    // win over the name inside `where`: either changes what the policy reads.
    if doc.schema.as_deref().is_some_and(|schema| read_bare(&schema.root, new_name)) {
        return Err(format!("`{new_name}` is a field of the schema: the policy would read another value"));
    }
    Ok(())
}

/// The name an item declares (a let, scorecard, batch, hook or split).
fn declared_name(item: &Item) -> Option<&str> {
    match item {
        Item::Let { name, .. } | Item::Scorecard { name, .. } | Item::Batch { name, .. } => Some(&name.node),
        Item::Hook(hook) => Some(&hook.name.node),
        Item::Split(split) => Some(&split.name.node),
        _ => None,
    }
}

/// Whether a policy may read `name` as a field written alone: one of
/// `layout` (the account), or of the elements of a list within it (inside
/// `where`). A nested record's fields are written after its name.
fn read_bare(layout: &RecordLayout, name: &str) -> bool {
    layout.fields.iter().any(|field| field.name == name || list_within(&field.kind, name))
}

fn list_within(kind: &FieldKind, name: &str) -> bool {
    match kind {
        FieldKind::Record(inner) => inner.fields.iter().any(|field| list_within(&field.kind, name)),
        FieldKind::List(list) => read_bare(&list.element, name),
        FieldKind::Scalar(_) | FieldKind::Set(_) => false,
    }
}
