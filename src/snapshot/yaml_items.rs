//! A YAML list of snapshots whose syntax breaks in one item: the parser
//! cannot go on past a syntax error, so the document would be one error
//! record for all its snapshots. A block list (`- id: A-1`, at the margin or
//! indented as a whole) or a flow list of one mapping a line is read again
//! item by item, so that every snapshot still yields its own record, in
//! order: the broken item its error, the others their decisions.

use super::convert::key_as_written;
use super::reader::{bad_in, not_utf8_message, unless_replaced};
use super::yaml::snapshot_from_yaml;
use super::{Key, ReadItem, SnapshotError};
use crate::diagnostic::line_col;
use crate::schema::Schema;
use crate::yaml::{is_blank_or_comment, is_document_marker, parse_document, YKind, YNode, YamlError};

/// The records of the document around byte `error_at` (where its syntax
/// error was found, or the one before it), one per item, when it is a block
/// or flow list of two items or more and an item alone fails too; `None`
/// otherwise (the document's own error is then its one record).
pub(super) fn read_items_apart(
    (text, bad): (&str, &[usize]),
    error: &YamlError,
    schema: &Schema,
) -> Option<Vec<ReadItem>> {
    let error_at = error.span.start as usize;
    let (start, end) = document_around(text, error_at);
    items_apart((text, bad), (start, end), error, schema).or_else(|| {
        // An item left open at a document's end is found broken only on
        // the next document's first line: the list is the one before.
        let between = text.get(start..error_at)?;
        let first_line =
            between.matches('\n').count() == 1 && between.rsplit('\n').next().is_some_and(|l| l.trim().is_empty());
        let before = document_around(text, start.checked_sub(1).filter(|_| first_line)?);
        items_apart((text, bad), before, error, schema)
    })
}

/// [`read_items_apart`] for the document at `start..end` of `text`.
fn items_apart(
    (text, bad): (&str, &[usize]),
    (start, end): (usize, usize),
    error: &YamlError,
    schema: &Schema,
) -> Option<Vec<ReadItem>> {
    let document = text.get(start..end)?;
    // A flow list is cut and read with its comments blanked out (offsets kept).
    let (source, ranges): (std::borrow::Cow<'_, str>, Vec<(usize, usize)>) = match item_starts(document) {
        Some(starts) => {
            let ends = starts.iter().skip(1).copied().chain([document.len()]);
            (document.into(), starts.iter().copied().zip(ends).collect())
        }
        None => {
            let blanked = blank_comments(document);
            let ranges = flow_items(&blanked)?;
            (blanked.into(), ranges)
        }
    };
    if ranges.len() < 2 {
        return None;
    }
    let mut items = Vec::with_capacity(ranges.len());
    for (from, to) in ranges {
        let item = (start + from, source.get(from..to)?);
        match not_utf8(text, item, "list item", bad, schema) {
            Some(not_utf8) => items.push(Err(not_utf8)),
            None => items.extend(read_item(text, item, error, schema)),
        }
    }
    // Items that all read alone were broken only together: not a case for this.
    items.iter().any(Result::is_err).then_some(items)
}

/// "invalid YAML at line L, column C: …", for byte `at` of `text`.
pub(super) fn invalid_yaml(text: &str, at: usize, message: &str) -> SnapshotError {
    let (line, column) = line_col(text, at);
    SnapshotError { id: None, message: format!("invalid YAML at line {line}, column {column}: {message}") }
}

/// The error record of `unit` (a list item or a document, at byte `start`
/// of `text`), if it holds a byte that was not UTF-8 (`bad`: offsets in
/// `text` of bytes now NULs), with its id as far as its lines before that
/// byte give it.
pub(super) fn not_utf8(
    text: &str,
    (start, unit): (usize, &str),
    what: &str,
    bad: &[usize],
    schema: &Schema,
) -> Option<SnapshotError> {
    let first = *bad_in(bad, start, start + unit.len()).first()?;
    let (line, column) = line_col(text, start);
    // The key as the unit reads with its bad bytes as U+FFFD, unless one is in it.
    let readable = parse_document(&unit.replace('\0', "\u{fffd}")).ok().and_then(|node| key_of(&node, schema));
    Some(SnapshotError {
        id: unless_replaced(readable).or_else(|| id_before(unit, first - start, schema)),
        message: not_utf8_message(&format!("the {what} at line {line}, column {column}"), first - start + 1),
    })
}

/// The key of the snapshot `node` is (or the one item of the list it is).
fn key_of(node: &YNode, schema: &Schema) -> Option<Key> {
    let snapshot = match &node.kind {
        YKind::Seq(items) if items.len() == 1 => items.first()?,
        _ => node,
    };
    let key = schema.key.split('.').try_fold(snapshot, |record, name| record.get(name))?;
    let written = key.as_scalar()?;
    // An int key written as one is named as a number, as the JSON readers
    // and every decision name it (`"id": 3`, not `"id": "3"`).
    let int_key = matches!(
        schema.lookup(&schema.key).map(|field| &field.kind),
        Some(crate::schema::FieldKind::Scalar(crate::schema::ScalarType::Int))
    );
    match written.parse::<i64>() {
        Ok(number) if int_key && matches!(key.kind, YKind::Scalar { plain: true, .. }) => Some(Key::Int(number)),
        _ => key_as_written(written),
    }
}

/// Lines before a broken line that may be left out (a flow collection opened
/// there) to find some that read, at most.
const LINES_DROPPED_FOR_AN_ID: usize = 8;

/// The key of the snapshot that `unit` (a document or an item) holds, read
/// from its lines before the one of byte `error_at` (within `unit`), where
/// its syntax broke: an error record's id "as far as it could be read".
pub(super) fn id_before(unit: &str, error_at: usize, schema: &Schema) -> Option<Key> {
    id_before_line(unit, error_at, schema).or_else(|| id_in_flow_mapping(unit, error_at, schema))
}

/// The key of a flow mapping (`{id: A-1, score: [5, …}`, alone or as a
/// block list's item) broken at byte `error_at`, from its entries before
/// the break: the text up to each `,` before it (the last first), closed
/// with a `}`.
fn id_in_flow_mapping(unit: &str, error_at: usize, schema: &Schema) -> Option<Key> {
    // Alone, or as a block list's item (`- {id: A-1, …`).
    let opening = unit.trim_start();
    let opening = opening.strip_prefix('-').map_or(opening, str::trim_start);
    if !opening.starts_with('{') {
        return None;
    }
    let before = unit.get(..error_at.min(unit.len()))?;
    before.rmatch_indices(',').take(LINES_DROPPED_FOR_AN_ID).find_map(|(comma, _)| {
        let closed = format!("{}}}", before.get(..comma)?);
        parse_document(&closed).ok().and_then(|node| key_of(&node, schema))
    })
}

fn id_before_line(unit: &str, error_at: usize, schema: &Schema) -> Option<Key> {
    let mut end = error_at.min(unit.len());
    for _ in 0..=LINES_DROPPED_FOR_AN_ID {
        end = unit.get(..end)?.rfind('\n').map_or(0, |i| i + 1);
        if let Ok(node) = parse_document(unit.get(..end)?) {
            return key_of(&node, schema);
        }
        // Before the line break that ended the previous line.
        end = end.checked_sub(1)?;
    }
    None
}

/// One item's records (one, unless a line at the margin held several), the
/// item being `item` at byte `offset` of `text`. An item failing where the
/// whole document did (`error`) fails for the document's reason: an alias
/// alone is "unknown anchor", though what is wrong is that it is an alias.
fn read_item(text: &str, (offset, item): (usize, &str), error: &YamlError, schema: &Schema) -> Vec<ReadItem> {
    match parse_document(item) {
        Ok(node) => match &node.kind {
            YKind::Seq(snapshots) => snapshots.iter().map(|s| snapshot_from_yaml(s, schema)).collect(),
            _ => vec![snapshot_from_yaml(&node, schema)],
        },
        Err(e) => {
            let at = offset + e.span.start as usize;
            let mut message = if at == error.span.start as usize { error.message.clone() } else { e.message };
            let id = if is_glued_item(item) {
                message.push_str("; a `-` starts a list item only with a space after it (`- id: …`)");
                // Read as the item it was meant to be, its `-` and key apart.
                id_before(&format!("- {}", item.get(1..).unwrap_or_default()), e.span.start as usize + 1, schema)
            } else {
                id_before(item, e.span.start as usize, schema)
            };
            vec![Err(SnapshotError { id, ..invalid_yaml(text, at, &message) })]
        }
    }
}

/// Each line of `text` (with its line end) and the offset it starts at.
fn lines_at(text: &str) -> impl Iterator<Item = (usize, &str)> {
    text.split_inclusive('\n').scan(0, |offset, line| {
        let here = *offset;
        *offset += line.len();
        Some((here, line))
    })
}

/// The byte range of the document holding byte `at`: from its `---` line (or
/// the text's start) to the next `---` line (or the text's end). An error at
/// the very start of a `---` line was found at the end of the document
/// before it.
pub(super) fn document_around(text: &str, at: usize) -> (usize, usize) {
    let mut start = 0;
    for (here, line) in lines_at(text) {
        if is_document_marker(line) {
            if here >= at {
                return (start, here);
            }
            start = here;
        }
    }
    (start, text.len())
}

/// Where each item of a block list starts, or `None` when the document does
/// not begin as one. The list's margin is the indent of its first item (a
/// list indented as a whole reads as one at the left margin). A line at the
/// margin that is not an item (a key that lost its indentation) belongs to
/// the item before it, which then fails alone; a `-` glued to its key
/// (`-id: A-2`) starts an item; a line left of the margin ends the list.
fn item_starts(document: &str) -> Option<Vec<usize>> {
    let mut starts = Vec::new();
    let mut margin = None;
    for (here, line) in lines_at(document) {
        let trimmed = line.trim_end();
        if is_blank_or_comment(trimmed) || is_document_marker(line) {
            continue;
        }
        let indent = trimmed.len() - trimmed.trim_start_matches(' ').len();
        let at_margin = trimmed.get(indent..).unwrap_or_default();
        match margin {
            None if is_item(at_margin) => margin = Some(indent),
            // Content before the first item: not a list.
            None => return None,
            Some(m) if indent < m => return None,
            Some(m) if indent > m => continue,
            Some(_) if is_item(at_margin) || is_glued_item(at_margin) => {}
            Some(_) => continue,
        }
        starts.push(here);
    }
    Some(starts)
}

/// The byte ranges of the mappings of a flow list written one mapping a
/// line (`[{id: A-1, …},` then ` {id: A-2, …}]`; its comments blanked by
/// [`blank_comments`]), each without its `,` and the list's brackets;
/// `None` when the document is not such a list. A mapping starts at each
/// line whose first character is a `{`; one that does not read alone but
/// does with the lines after it (a nested mapping opened at the start of a
/// line) is taken with them.
fn flow_items(document: &str) -> Option<Vec<(usize, usize)>> {
    let mut starts = Vec::new();
    let mut opened = false;
    for (here, line) in lines_at(document) {
        let content = line.trim_start_matches([' ', '\t']);
        let indent = line.len() - content.len();
        if content.trim().is_empty() || is_document_marker(line) || content.starts_with('%') {
            continue;
        }
        if !opened {
            // The list's `[`, and its first mapping on that line or the next.
            let inner = content.strip_prefix('[')?;
            opened = true;
            let brace = inner.len() - inner.trim_start_matches([' ', '\t']).len();
            match inner.get(brace..) {
                Some(rest) if rest.starts_with('{') => starts.push(here + indent + 1 + brace),
                Some(rest) if rest.trim().is_empty() => {}
                _ => return None,
            }
        } else if content.starts_with('{') {
            starts.push(here + indent);
        }
    }
    let last = starts.len().checked_sub(1)?;
    let ends = starts.iter().skip(1).copied().chain([document.len()]);
    let pieces: Vec<(usize, usize)> = starts
        .iter()
        .copied()
        .zip(ends)
        .enumerate()
        .map(|(i, (from, to))| {
            let item = document.get(from..to).unwrap_or_default().trim_end();
            let item = if i == last { item.strip_suffix(']').map_or(item, str::trim_end) } else { item };
            let item = item.strip_suffix(',').unwrap_or(item);
            (from, from + item.len())
        })
        .collect();
    Some(joined_where_whole(document, &pieces))
}

/// Pieces of a flow list, each joined to the pieces after it (up to
/// [`PIECES_JOINED`]) when it does not read as a mapping alone but does with
/// them: a mapping nested in an item, opened at the start of a line.
fn joined_where_whole(document: &str, pieces: &[(usize, usize)]) -> Vec<(usize, usize)> {
    let mapping = |from: usize, to: usize| {
        document.get(from..to).and_then(|t| parse_document(t).ok()).is_some_and(|n| matches!(n.kind, YKind::Map(_)))
    };
    let mut joined = Vec::with_capacity(pieces.len());
    let mut i = 0;
    while let Some(&(from, to)) = pieces.get(i) {
        let whole = (!mapping(from, to))
            .then(|| {
                (i + 1..pieces.len().min(i + 1 + PIECES_JOINED))
                    .find(|&j| pieces.get(j).is_some_and(|p| mapping(from, p.1)))
            })
            .flatten();
        match whole.and_then(|j| Some((j, pieces.get(j)?.1))) {
            Some((j, end)) => {
                joined.push((from, end));
                i = j + 1;
            }
            None => {
                joined.push((from, to));
                i += 1;
            }
        }
    }
    joined
}

/// How many lines opening a mapping one item of a flow list may span.
const PIECES_JOINED: usize = 8;

/// `text` with its comments replaced by spaces, byte for byte (so offsets
/// stay): a `#` at a line's start or after a space or tab, outside a quoted
/// scalar, to the line's end. A quote opens a scalar only where one may
/// begin (after `[`, `{`, `,`, `:` or a line's start, spaces between), so
/// the `'` of `O'Brien` opens none.
fn blank_comments(text: &str) -> String {
    let mut out = Vec::with_capacity(text.len());
    let (mut quote, mut comment, mut escaped) = (None, false, false);
    // A `'` right after the one that closed a single-quoted scalar is its
    // escape (`'O''Brien'`): the scalar goes on.
    let mut single_closed = false;
    let mut before = b'\n';
    for &b in text.as_bytes() {
        let reopens = std::mem::take(&mut single_closed) && b == b'\'';
        let blank = match (quote, b) {
            _ if reopens => {
                quote = Some(b);
                false
            }
            (_, b'\n') => {
                comment = false;
                false
            }
            _ if comment => true,
            (Some(q), _) => {
                if escaped {
                    escaped = false;
                } else if q == b'"' && b == b'\\' {
                    escaped = true;
                } else if b == q {
                    quote = None;
                    single_closed = q == b'\'';
                }
                false
            }
            (None, b'#') if matches!(before, b' ' | b'\t' | b'\n' | b'\r') => {
                comment = true;
                true
            }
            (None, b'"' | b'\'') if matches!(before, b'[' | b'{' | b',' | b':' | b' ' | b'\t' | b'\n') => {
                let opener = out.iter().rev().find(|c: &&u8| !matches!(c, b' ' | b'\t')).copied().unwrap_or(b'\n');
                if matches!(opener, b'[' | b'{' | b',' | b':' | b'\n') {
                    quote = Some(b);
                }
                false
            }
            _ => false,
        };
        out.push(if blank { b' ' } else { b });
        before = b;
    }
    // Every byte of a comment is replaced, to its line's end: no character
    // is cut, so the text is still UTF-8.
    String::from_utf8(out).unwrap_or_else(|_| text.to_owned())
}

fn is_item(line: &str) -> bool {
    line == "-" || line.starts_with("- ") || line.starts_with("-\t")
}

/// `-id: A-2`: an item whose `-` lost its space, at the margin of a list.
fn is_glued_item(line: &str) -> bool {
    line.strip_prefix('-')
        .and_then(|rest| rest.chars().next())
        .is_some_and(|c| c.is_alphanumeric() || c == '_' || c == '{')
}

#[cfg(test)]
mod tests {
    use super::{blank_comments, document_around, flow_items, item_starts};

    #[test]
    fn items_start_at_the_margin_and_nothing_else_is_there() {
        assert_eq!(item_starts("---\n# c\n- a: 1\n  b: 2\n-\n  a: 3\n- [x\n"), Some(vec![8, 22, 31]));
        assert_eq!(item_starts("a: 1\n- b\n"), None);
        assert_eq!(item_starts("  - a\n- b\n"), None);
        // A list indented as a whole has its margin at its first item.
        assert_eq!(item_starts("  - a: 1\n    b: 2\n  - [x\n  -c: 3\n"), Some(vec![0, 18, 25]));
        assert_eq!(item_starts("    - a\n  - b\n"), None);
        // A line at the margin after an item is part of it; a glued `-` starts one.
        assert_eq!(item_starts("- {a: 1,\nb: 2}\n"), Some(vec![0]));
        assert_eq!(item_starts("- a: 1\nb: 2\n-c: 3\n- d\n"), Some(vec![0, 12, 18]));
    }

    #[test]
    fn a_flow_list_of_one_mapping_a_line_is_cut_into_its_mappings() {
        fn cut(document: &str) -> Option<Vec<String>> {
            let blanked = blank_comments(document);
            let ranges = flow_items(&blanked)?;
            Some(ranges.iter().map(|&(a, b)| blanked[a..b].trim_end().to_owned()).collect())
        }
        let text = "# book\n[{id: A, n: {x: 1}},\n {id: B, n: [5},\n {id: C}]\n";
        assert_eq!(cut(text).unwrap(), ["{id: A, n: {x: 1}}", "{id: B, n: [5}", "{id: C}"]);
        // `[` alone on its line; a nested mapping opening a line is its item's.
        let text = "[\n  {id: A,\n    n:\n  {x: 1}},\n  {id: B}\n]\n";
        assert_eq!(cut(text).unwrap(), ["{id: A,\n    n:\n  {x: 1}}", "{id: B}"]);
        // Comments anywhere, items in other columns.
        let text = "[  # book\n{id: A, n: 'O''Brien # not a comment'},  # first\n# between\n   {id: B, n: [x},\n {id: C}]  # end\n";
        assert_eq!(cut(text).unwrap(), ["{id: A, n: 'O''Brien # not a comment'}", "{id: B, n: [x}", "{id: C}"]);
        assert_eq!(cut("- {id: A}\n"), None);
        assert_eq!(cut("[1, 2]\n"), None);
    }

    #[test]
    fn comments_are_blanked_byte_for_byte_outside_quotes() {
        let text = "a: \"x # y\" # c é\nb: O'Brien # d\n#e\n";
        let blanked = blank_comments(text);
        assert_eq!(blanked.len(), text.len());
        assert_eq!(blanked.split('\n').map(str::trim_end).collect::<Vec<_>>(), ["a: \"x # y\"", "b: O'Brien", "", ""]);
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
