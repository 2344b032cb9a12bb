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
        Target::Function(_) => None,
    }
}

/// Every use of the name at `offset` (and its declaration, when asked).
pub fn references(doc: &Document, offset: usize, include_declaration: bool) -> Vec<Location> {
    let Some(occurrence) = doc.index.at(offset) else { return Vec::new() };
    doc.index
        .of(&occurrence.target)
        .filter(|o| include_declaration || !o.declaration)
        .map(|o| Location::new(doc.uri.clone(), doc.lines.range(&doc.text, o.span)))
        .collect()
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
    let range = match function_defined(&script, name) {
        Some(start) => LineMap::new(&script).range(&script, Span::new(start, start + name.len())),
        None => Range::default(),
    };
    file_location(&path, range)
}

/// Where a rhai script's `fn NAME (` writes the function's name: outside
/// comments and strings, with any spacing rhai allows between the words.
fn function_defined(script: &str, name: &str) -> Option<usize> {
    let bytes = script.as_bytes();
    let word = |at: usize, text: &str| {
        bytes.get(at..at + text.len()) == Some(text.as_bytes())
            && !bytes.get(at + text.len()).is_some_and(|b| b.is_ascii_alphanumeric() || *b == b'_')
            && !(at > 0 && bytes.get(at - 1).is_some_and(|b| b.is_ascii_alphanumeric() || *b == b'_'))
    };
    let skip_space = |mut at: usize| {
        while bytes.get(at).is_some_and(u8::is_ascii_whitespace) {
            at += 1;
        }
        at
    };
    let mut at = 0;
    while let Some(&b) = bytes.get(at) {
        let rest = bytes.get(at..).unwrap_or_default();
        if rest.starts_with(b"//") {
            at += rest.iter().position(|&c| c == b'\n').unwrap_or(rest.len());
        } else if rest.starts_with(b"/*") {
            at += block_comment_length(rest);
        } else if b == b'`' {
            // A back-tick string has no escapes: it ends at the next back-tick.
            at += 1 + rest.iter().skip(1).position(|&c| c == b'`').map_or(rest.len() - 1, |end| end + 1);
        } else if b == b'"' || b == b'\'' {
            // A string or character literal, to its unescaped closing quote.
            let mut end = at + 1;
            while let Some(&c) = bytes.get(end) {
                end += if c == b'\\' { 2 } else { 1 };
                if c == b {
                    break;
                }
            }
            at = end;
        } else if word(at, "fn") {
            let start = skip_space(at + 2);
            if word(start, name) && bytes.get(skip_space(start + name.len())) == Some(&b'(') {
                return Some(start);
            }
            at += 2;
        } else {
            at += 1;
        }
    }
    None
}

/// The line a schema field is written on, from its indentation to the end of its type.
fn field_line(text: &str, span: Span) -> Range {
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

/// The length of the block comment `text` starts with; rhai's nest
/// (`/* a /* b */ c */` is one comment).
fn block_comment_length(text: &[u8]) -> usize {
    let mut depth = 0usize;
    let mut at = 0;
    while at < text.len() {
        match text.get(at..at + 2) {
            Some(b"/*") => {
                depth += 1;
                at += 2;
            }
            Some(b"*/") => {
                depth = depth.saturating_sub(1);
                at += 2;
                if depth == 0 {
                    return at;
                }
            }
            _ => at += 1,
        }
    }
    text.len()
}

#[cfg(test)]
mod tests {
    use super::function_defined;

    #[test]
    fn a_function_is_found_where_it_is_defined_not_where_it_is_mentioned() {
        let script = "// helper: fn risk(x) is below\nlet s = \"fn risk(\";\n/* fn risk( */\nfn riskier(a) { a }\nfn  risk (score) {\n  score\n}\n";
        let at = function_defined(script, "risk").expect("defined");
        assert_eq!(&script[at - 4..at + 6], "fn  risk (", "{at}");
        assert_eq!(function_defined(script, "risky"), None);
        assert_eq!(function_defined("fn risk(x) { x }", "risk"), Some(3));
        assert_eq!(function_defined("fn risk", "risk"), None);
        // A back-tick string has no escapes; block comments nest.
        let script = "const P = `C:\\`;\nfn risk(x) { x }\n";
        assert_eq!(function_defined(script, "risk"), script.find("risk"));
        let script = "/* a /* fn risk(x) */ fn risk(y) */\nfn risk(z) { z }\n";
        assert_eq!(function_defined(script, "risk"), script.rfind("risk"));
    }
}
