//! Hover: what a name under the cursor is — a field's type and schema
//! comment, a let's type and definition, a function's signature and doc, a
//! hook's signature, a batch's size; a table's, a scorecard's or a split's
//! shape ([`super::shape`]).

use super::document::Document;
use super::index::Target;
use crate::builtins;
use crate::diagnostic::Span;
use crate::schema::Schema;
use crate::syntax::ast::Item;
use lsp_types::{Hover, HoverContents, MarkupContent, MarkupKind};

/// The hover of the name at `offset`, if there is one.
pub fn hover(doc: &Document, offset: usize) -> Option<Hover> {
    let occurrence = doc.index.at(offset)?;
    let text = match &occurrence.target {
        Target::Field { path, .. } => field(doc, path)?,
        Target::Let(name) => super::shape::describe(doc, name).or_else(|| let_text(doc, name))?,
        Target::Function(name) => {
            let f = builtins::lookup(name)?;
            format!("```verdict\n{}\n```\n{}", f.signature(), f.doc)
        }
        Target::Hook(name) => {
            let decl = declaration_text(doc, |item| matches!(item, Item::Hook(h) if h.name.node == *name))?;
            format!("```verdict\n{decl}\n```\nA hook: a rhai function called with these arguments.")
        }
        Target::Batch(name) => batch(doc, name)?,
        Target::Output { table, output } => super::shape::output(doc, table, output)?,
        Target::AsOf => "```verdict\nas_of: date\n```\nThe snapshot's date: its own `as_of`, else the run's \
                         default (`--as-of`, `as_of=` in Python). Every policy reads it; no schema declares it."
            .to_string(),
    };
    let range = Some(doc.lines.range(&doc.text, occurrence.span));
    Some(Hover { contents: HoverContents::Markup(MarkupContent { kind: MarkupKind::Markdown, value: text }), range })
}

fn field(doc: &Document, path: &str) -> Option<String> {
    let schema = doc.analysis.schema.as_deref()?;
    let def = crate::schema::lookup_through_lists(&schema.root, path)?;
    let mut text = format!("```verdict\n{path}: {}\n```", def.type_text());
    if let Some(comment) = schema_comment(doc, schema, def.span) {
        text.push('\n');
        text.push_str(&comment);
    }
    Some(text)
}

/// The comment the schema has for a field: full-line comments right above
/// its line, and a comment after it on its own line.
fn schema_comment(doc: &Document, schema: &Schema, span: Span) -> Option<String> {
    let source = doc.analysis.sources.get(&schema.path)?;
    // A lone `\r` ends a line too: written `\n`, one byte for one.
    let text = &*crate::syntax::lone_carriage_returns_as_newlines(&source.text);
    let line_start = text.get(..span.start as usize)?.rfind('\n').map_or(0, |i| i + 1);
    let line = text.get(line_start..)?.lines().next()?;
    let mut comments: Vec<&str> = text
        .get(..line_start)?
        .lines()
        .rev()
        .map_while(|above| above.trim_start().strip_prefix('#'))
        .map(str::trim)
        .collect();
    comments.reverse();
    if let Some((_, after)) = line.split_once(" #") {
        comments.push(after.trim());
    }
    let comment = comments.join(" ");
    (!comment.is_empty()).then_some(comment)
}

fn let_text(doc: &Document, name: &str) -> Option<String> {
    let decl = declaration_text(doc, |item| matches!(item, Item::Let { name: n, .. } if n.node == name))?;
    let ty = doc
        .analysis
        .checked
        .as_ref()
        .and_then(|c| c.lets.iter().find(|l| l.name == name))
        .map(|l| l.value.ty.describe());
    Some(match ty {
        Some(ty) => format!("```verdict\nlet {name}: {ty}\n```\n```verdict\n{decl}\n```"),
        None => format!("```verdict\n{decl}\n```"),
    })
}

fn batch(doc: &Document, name: &str) -> Option<String> {
    let decl = declaration_text(doc, |item| matches!(item, Item::Batch { name: n, .. } if n.node == name))?;
    let size = doc.analysis.batch_sizes.iter().find(|(n, _)| n == name).map(|(_, size)| *size);
    Some(match size {
        Some(1) => format!("```verdict\n{decl}\n```\n1 id"),
        Some(size) => format!("```verdict\n{decl}\n```\n{size} ids"),
        None => format!("```verdict\n{decl}\n```"),
    })
}

/// The text of the first top-level declaration that `is` picks, as written.
fn declaration_text(doc: &Document, is: impl Fn(&Item) -> bool) -> Option<String> {
    let item = doc.items()?.items.iter().find(|item| is(item))?;
    doc.text.get(crate::syntax::parser::item_span(item).range()).map(str::to_string)
}
