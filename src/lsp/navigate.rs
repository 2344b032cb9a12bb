//! Go to definition and find references.

use super::document::Document;
use super::index::Target;
use super::position::LineMap;
use crate::diagnostic::Span;
use crate::syntax::ast::Item;
use lsp_types::{Location, Position, Range};
use std::path::Path;

/// Where the name at `offset` is defined: a let's (a table's, a
/// scorecard's, a split's) declaration, a table output's name in the
/// table's header, a batch's
/// file, a hook's function in its script, a field's line in the schema.
pub fn definition(doc: &Document, offset: usize) -> Option<Location> {
    let occurrence = doc.index.at(offset)?;
    match &occurrence.target {
        Target::Let(_) | Target::Output { .. } => {
            let decl = doc.index.of(&occurrence.target).find(|o| o.declaration)?;
            Some(Location::new(doc.uri.clone(), doc.lines.range(&doc.text, decl.span)))
        }
        Target::Batch(name) => {
            let written = doc.items()?.items.iter().find_map(|item| match item {
                Item::Batch { name: n, path, .. } if n.node == *name => Some(&path.node),
                _ => None,
            })?;
            file_location(&crate::check::resolve(&doc.path, written), Range::default())
        }
        Target::Hook(name) => hook(doc, name),
        Target::Field { schema_span, .. } => {
            let schema = doc.analysis.schema.as_deref()?;
            let source = doc.analysis.sources.get(&schema.path)?;
            let range = field_line(&source.text, *schema_span);
            file_location(&schema.path, range)
        }
        Target::Function(_) | Target::AsOf => None,
    }
}

/// Every use of the name at `offset` (and its declaration, when asked: a
/// field's is its line in the schema).
pub fn references(doc: &Document, offset: usize, include_declaration: bool) -> Vec<Location> {
    let Some(occurrence) = doc.index.at(offset) else { return Vec::new() };
    let in_schema = match occurrence.target {
        Target::Field { .. } if include_declaration => definition(doc, offset),
        _ => None,
    };
    let uses = doc
        .index
        .of(&occurrence.target)
        .filter(|o| include_declaration || !o.declaration)
        .map(|o| Location::new(doc.uri.clone(), doc.lines.range(&doc.text, o.span)));
    in_schema.into_iter().chain(uses).collect()
}

/// A hook's `fn NAME(` in its script, else the script's start.
fn hook(doc: &Document, name: &str) -> Option<Location> {
    let decl = doc.items()?.items.iter().find_map(|item| match item {
        Item::Hook(h) if h.name.node == name => Some(h),
        _ => None,
    })?;
    let path = crate::check::resolve(&doc.path, &decl.path.node);
    // A device or a pipe is not read (`/dev/stdin` is the server's own input).
    let readable = crate::load::not_a_file_to_read(&path).is_none();
    let script = if readable { std::fs::read_to_string(&path).unwrap_or_default() } else { String::new() };
    let range = match crate::hooks::function_defined(&script, name) {
        Some(start) => LineMap::new(&script).range(&script, Span::new(start, start + name.len())),
        None => Range::default(),
    };
    file_location(&path, range)
}

/// The line a schema field is written on, from its indentation to the end of its type.
fn field_line(text: &str, span: Span) -> Range {
    // A lone `\r` ends a line too: written `\n`, one byte for one.
    let text = &*crate::syntax::lone_carriage_returns_as_newlines(text);
    let lines = LineMap::new(text);
    let type_end = lines.position(text, span.end as usize);
    let line_start = text.get(..span.start as usize).and_then(|before| before.rfind('\n')).map_or(0, |i| i + 1);
    let line = text.get(line_start..).and_then(|rest| rest.lines().next()).unwrap_or("");
    let indent = line.len() - line.trim_start().len();
    let start = lines.position(text, line_start + indent);
    Range::new(start, Position::new(start.line, type_end.character.max(start.character)))
}

fn file_location(path: &Path, range: Range) -> Option<Location> {
    Some(Location::new(super::uri::from_path(path)?, range))
}
