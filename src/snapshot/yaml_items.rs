//! A YAML list of snapshots whose syntax breaks in one item: the parser
//! cannot go on past a syntax error, so the document would be one error
//! record for all its snapshots. A list at the left margin (`- id: A-1`) is
//! read again item by item, so that every snapshot still yields its own
//! record, in order: the broken item its error, the others their decisions.

use super::yaml::snapshot_from_yaml;
use super::{ReadItem, SnapshotError};
use crate::diagnostic::line_col;
use crate::schema::Schema;
use crate::yaml::{is_blank_or_comment, is_document_marker, parse_document, YKind};

/// The records of the document around byte `error_at` (where its syntax
/// error was found), one per item, when it is a list at the left margin of
/// two items or more and an item alone fails too; `None` otherwise (the
/// document's own error is then its one record).
pub(super) fn read_items_apart(text: &str, error_at: usize, schema: &Schema) -> Option<Vec<ReadItem>> {
    let (start, end) = document_around(text, error_at);
    let document = text.get(start..end)?;
    let starts = item_starts(document)?;
    if starts.len() < 2 {
        return None;
    }
    let mut items = Vec::with_capacity(starts.len());
    for (i, &from) in starts.iter().enumerate() {
        let to = starts.get(i + 1).copied().unwrap_or(document.len());
        items.extend(read_item(text, start + from, document.get(from..to)?, schema));
    }
    // Items that all read alone were broken only together: not a case for this.
    items.iter().any(Result::is_err).then_some(items)
}

/// "invalid YAML at line L, column C: …", for byte `at` of `text`.
pub(super) fn invalid_yaml(text: &str, at: usize, message: &str) -> SnapshotError {
    let (line, column) = line_col(text, at);
    SnapshotError { id: None, message: format!("invalid YAML at line {line}, column {column}: {message}") }
}

/// One item's records (one, unless a line at the margin held several).
fn read_item(text: &str, offset: usize, item: &str, schema: &Schema) -> Vec<ReadItem> {
    match parse_document(item) {
        Ok(node) => match &node.kind {
            YKind::Seq(snapshots) => snapshots.iter().map(|s| snapshot_from_yaml(s, schema)).collect(),
            _ => vec![snapshot_from_yaml(&node, schema)],
        },
        Err(e) => vec![Err(invalid_yaml(text, offset + e.span.start as usize, &e.message))],
    }
}

/// The byte range of the document holding byte `at`: from its `---` line (or
/// the text's start) to the next `---` line (or the text's end). An error at
/// the very start of a `---` line was found at the end of the document
/// before it.
fn document_around(text: &str, at: usize) -> (usize, usize) {
    let (mut start, mut offset) = (0, 0);
    for line in text.split_inclusive('\n') {
        let here = offset;
        offset += line.len();
        if is_document_marker(line) {
            if here >= at {
                return (start, here);
            }
            start = here;
        }
    }
    (start, text.len())
}

/// Where each item of a list at the left margin starts, or `None` when the
/// document holds anything else at the margin.
fn item_starts(document: &str) -> Option<Vec<usize>> {
    let mut starts = Vec::new();
    let mut offset = 0;
    for line in document.split_inclusive('\n') {
        let here = offset;
        offset += line.len();
        let trimmed = line.trim_end();
        let filler = is_blank_or_comment(trimmed) || is_document_marker(line);
        if is_item(trimmed) {
            starts.push(here);
        } else if !filler && (starts.is_empty() || !line.starts_with([' ', '\t'])) {
            // Content at the margin that is not an item, or indented before the first item.
            return None;
        }
    }
    Some(starts)
}

fn is_item(line: &str) -> bool {
    line == "-" || line.starts_with("- ") || line.starts_with("-\t")
}

#[cfg(test)]
mod tests {
    use super::{document_around, item_starts};

    #[test]
    fn items_start_at_the_margin_and_nothing_else_is_there() {
        assert_eq!(item_starts("---\n# c\n- a: 1\n  b: 2\n-\n  a: 3\n- [x\n"), Some(vec![8, 22, 31]));
        assert_eq!(item_starts("a: 1\n- b\n"), None);
        assert_eq!(item_starts("  - a\n- b\n"), None);
        assert_eq!(item_starts("- {a: 1,\nb: 2}\n"), None);
    }

    #[test]
    fn the_document_around_an_error_ends_before_the_next_marker() {
        let text = "- a\n---\n- b\n- [c\n---\n- d\n";
        assert_eq!(document_around(text, 15), (4, 17));
        assert_eq!(document_around(text, 17), (4, 17));
        assert_eq!(document_around(text, 1), (0, 4));
        assert_eq!(document_around(text, 20), (17, text.len()));
    }
}
