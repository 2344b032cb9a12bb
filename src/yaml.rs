//! A small YAML tree that keeps what serde's YAML support throws away: the
//! exact text of every scalar (so `12000.10` is never an f64) and where each
//! node stands in the file (so a schema or test error can point at it).
//!
//! Built from `saphyr-parser` events. Aliases are refused outright: a policy
//! file or snapshot has no use for them, and refusing them makes alias bombs
//! impossible.

use crate::diagnostic::Span;
use saphyr_parser::{Event, Parser, ScalarStyle};

/// Deepest nesting accepted; deeper input is an error rather than a stack overflow.
pub const MAX_DEPTH: usize = 256;

/// One YAML node with its location.
#[derive(Clone, Debug, PartialEq)]
pub struct YNode {
    /// What it is.
    pub kind: YKind,
    /// Byte span in the source.
    pub span: Span,
}

/// The kinds of YAML node.
#[derive(Clone, Debug, PartialEq)]
pub enum YKind {
    /// A scalar's text; `plain` is false when it was quoted or a block scalar
    /// (a quoted `"true"` is a string, a plain `true` a boolean).
    Scalar {
        /// The scalar's text, as written (unquoted, unescaped).
        text: String,
        /// False when it was quoted or a block scalar.
        plain: bool,
    },
    /// A sequence.
    Seq(Vec<YNode>),
    /// A mapping, in file order.
    Map(Vec<(YNode, YNode)>),
}

/// A YAML syntax error with its location.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct YamlError {
    /// What the parser said.
    pub message: String,
    /// Where.
    pub span: Span,
}

impl YNode {
    /// The scalar text, if this is a scalar.
    pub fn as_scalar(&self) -> Option<&str> {
        match &self.kind {
            YKind::Scalar { text, .. } => Some(text),
            _ => None,
        }
    }
    /// True for a plain `null`, `~` or empty scalar.
    pub fn is_null(&self) -> bool {
        matches!(&self.kind, YKind::Scalar { text, plain: true } if matches!(text.as_str(), "" | "~" | "null" | "Null" | "NULL"))
    }
    /// The value under `key`, if this is a mapping that has it.
    pub fn get(&self, key: &str) -> Option<&YNode> {
        match &self.kind {
            YKind::Map(entries) => entries.iter().find(|(k, _)| k.as_scalar() == Some(key)).map(|(_, v)| v),
            _ => None,
        }
    }
    /// A short name of the node's kind, for messages.
    pub fn kind_name(&self) -> &'static str {
        match &self.kind {
            YKind::Scalar { .. } => "a scalar",
            YKind::Seq(_) => "a list",
            YKind::Map(_) => "a mapping",
        }
    }
}

/// Parses every document of a YAML stream; the first error fails it all.
pub fn parse_documents(text: &str) -> Result<Vec<YNode>, YamlError> {
    parse_each_document(text).into_iter().collect()
}

/// Parses every document of a YAML stream, each on its own: a document with
/// an error (an alias, broken syntax) is that error, and the documents after
/// it are still read. After a syntax error the parser cannot go on, so
/// reading starts afresh at the next `---` line.
pub fn parse_each_document(text: &str) -> Vec<Result<YNode, YamlError>> {
    // The next `---` is looked for line by line, at `\n`: a lone `\r`, a line
    // end for the parser, is written so (one byte for one, spans unchanged).
    let text = &*crate::syntax::lone_carriage_returns_as_newlines(text);
    let offsets = CharOffsets::new(text);
    let mut builder = Builder { stack: Vec::new(), docs: Vec::new(), failed: None, done_to: 0 };
    let (mut base, mut base_chars) = (0, 0);
    while let Some(rest) = text.get(base..) {
        let stopped = builder.parse(rest, &offsets, base_chars);
        // A document that failed before the syntax error is reported once, for its first error.
        if let Some(error) = builder.failed.take().or(stopped.clone()) {
            builder.docs.push(Err(error));
        }
        if stopped.is_none() {
            break;
        }
        // The failed document runs from where the last one ended to the next `---`.
        let Some(next) = next_document(text, builder.done_to.max(base)) else { break };
        base_chars += text.get(base..next).map_or(0, |t| t.chars().count());
        base = next;
        builder.stack.clear();
        builder.done_to = next;
    }
    builder.docs
}

/// Where the document after the one at `from` starts: its `---` line (or the
/// line after a `...`), if there is one. Blank, comment and directive lines
/// before the document belong to it, as does its own `---`.
fn next_document(text: &str, from: usize) -> Option<usize> {
    let mut offset = from;
    let mut in_document = false;
    for line in text.get(from..)?.split_inclusive('\n') {
        let start = offset;
        offset += line.len();
        let trimmed = line.trim_end();
        match (in_document, is_document_marker(line), trimmed == "...") {
            (true, true, _) => return Some(start),
            (true, _, true) => return Some(offset),
            (false, true, _) => in_document = true,
            _ => in_document |= !is_blank_or_comment(trimmed),
        }
    }
    None
}

/// Whether `line` starts a document (`---`, alone or before content).
pub(crate) fn is_document_marker(line: &str) -> bool {
    let line = line.trim_end();
    line == "---" || line.starts_with("--- ") || line.starts_with("---\t")
}

/// Whether `line` holds nothing of a document: blank, a comment, a
/// directive (`%YAML`) or a document end (`...`).
pub(crate) fn is_blank_or_comment(line: &str) -> bool {
    let line = line.trim_start();
    line.is_empty() || line.starts_with('#') || line.starts_with('%') || line == "..."
}

/// Parses a single-document stream (an empty stream is an empty mapping).
#[expect(clippy::indexing_slicing, reason = "the document count was checked just above")]
pub fn parse_document(text: &str) -> Result<YNode, YamlError> {
    let mut docs = parse_documents(text)?;
    match docs.len() {
        0 => Ok(YNode { kind: YKind::Map(Vec::new()), span: Span::default() }),
        1 => Ok(docs.remove(0)),
        _ => Err(YamlError { message: "expected a single YAML document".into(), span: docs[1].span }),
    }
}

/// The tab a scanner error about one means, as a character index of `text`:
/// the scanner reports where it stopped, which is just after a tab that
/// indents, or the end of the token before it (often on the line above).
fn tab_near(text: &str, at: usize) -> usize {
    if at > 0 && text.chars().nth(at - 1) == Some('\t') {
        return at - 1;
    }
    // On the scanner's line, or in the next line's indentation: a tab
    // inside the next line's value is not the one it means.
    let mut next_line = false;
    for (n, c) in text.chars().skip(at).enumerate() {
        match c {
            '\t' => return at + n,
            '\n' if !next_line => next_line = true,
            ' ' | '\r' => {}
            _ if next_line => break,
            _ => {}
        }
    }
    at
}

enum Frame {
    Seq(Span, Vec<YNode>),
    Map(Span, Vec<(YNode, YNode)>, Option<YNode>),
}

struct Builder {
    stack: Vec<Frame>,
    docs: Vec<Result<YNode, YamlError>>,
    /// The error of the document being read, if it has one: its other events are ignored.
    failed: Option<YamlError>,
    /// Byte offset where the last finished document ends.
    done_to: usize,
}

impl Builder {
    /// Parses `text`, which starts `base_chars` characters into the whole
    /// stream, to its end; the syntax error that stopped it early, if any.
    fn parse(&mut self, text: &str, offsets: &CharOffsets, base_chars: usize) -> Option<YamlError> {
        let mut parser = Parser::new_from_str(text);
        while let Some(next) = parser.next_event() {
            match next {
                Ok((event, span)) => {
                    let span = offsets.span(base_chars + span.start.index(), base_chars + span.end.index());
                    self.on_event(event, span);
                }
                Err(e) => {
                    let mut at = e.marker().index();
                    if e.info().contains("tab") {
                        at = tab_near(text, at);
                    }
                    let at = base_chars + at;
                    return Some(YamlError { message: e.info().to_string(), span: offsets.span(at, at + 1) });
                }
            }
        }
        None
    }

    fn on_event(&mut self, event: Event<'_>, span: Span) {
        if let Event::DocumentEnd = event {
            if let Some(error) = self.failed.take() {
                self.docs.push(Err(error));
            }
            self.done_to = self.done_to.max(span.end as usize);
            return;
        }
        if self.failed.is_some() {
            return;
        }
        if let Err(error) = self.on_node_event(event, span) {
            self.stack.clear();
            self.failed = Some(error);
        }
    }

    fn on_node_event(&mut self, event: Event<'_>, span: Span) -> Result<(), YamlError> {
        match event {
            Event::Scalar(text, style, _, _) => {
                let plain = style == ScalarStyle::Plain;
                if plain && text == "<<" && self.expects_key() {
                    // YAML 1.1's merge key: a reader that takes it as a field
                    // would silently drop the fields it was meant to merge.
                    return Err(YamlError {
                        message: "YAML merge keys (`<<`) are not supported; write the fields out".into(),
                        span,
                    });
                }
                self.push(YNode { kind: YKind::Scalar { text: text.into_owned(), plain }, span });
            }
            Event::SequenceStart(..) => self.open(Frame::Seq(span, Vec::new()))?,
            Event::MappingStart(..) => self.open(Frame::Map(span, Vec::new(), None))?,
            Event::SequenceEnd | Event::MappingEnd => {
                let node = match self.stack.pop() {
                    Some(Frame::Seq(start, items)) => YNode { kind: YKind::Seq(items), span: start.to(span) },
                    Some(Frame::Map(start, entries, _)) => YNode { kind: YKind::Map(entries), span: start.to(span) },
                    None => return Err(YamlError { message: "unbalanced YAML".into(), span }),
                };
                self.push(node);
            }
            Event::Alias(_) => {
                return Err(YamlError {
                    message: "YAML aliases (`*name`) are not supported; write the value out".into(),
                    span,
                })
            }
            Event::Nothing | Event::StreamStart | Event::StreamEnd | Event::DocumentStart(_) | Event::DocumentEnd => {}
        }
        Ok(())
    }

    /// Whether the next node is a mapping's key.
    fn expects_key(&self) -> bool {
        matches!(self.stack.last(), Some(Frame::Map(_, _, None)))
    }

    fn open(&mut self, frame: Frame) -> Result<(), YamlError> {
        if self.stack.len() >= MAX_DEPTH {
            let span = match &frame {
                Frame::Seq(s, _) | Frame::Map(s, _, _) => *s,
            };
            return Err(YamlError { message: format!("YAML nested deeper than {MAX_DEPTH} levels"), span });
        }
        self.stack.push(frame);
        Ok(())
    }

    fn push(&mut self, node: YNode) {
        match self.stack.last_mut() {
            None => {
                self.done_to = self.done_to.max(node.span.end as usize);
                self.docs.push(Ok(node));
            }
            Some(Frame::Seq(_, items)) => items.push(node),
            Some(Frame::Map(_, entries, pending)) => match pending.take() {
                None => *pending = Some(node),
                Some(key) => entries.push((key, node)),
            },
        }
    }
}

/// Converts the parser's character indices to byte offsets.
struct CharOffsets {
    /// Byte offset of every character, plus the text length at the end; empty for ASCII text.
    bytes: Vec<usize>,
    len: usize,
}

impl CharOffsets {
    fn new(text: &str) -> Self {
        let bytes = if text.is_ascii() {
            Vec::new()
        } else {
            text.char_indices().map(|(i, _)| i).chain(std::iter::once(text.len())).collect()
        };
        CharOffsets { bytes, len: text.len() }
    }
    fn byte(&self, char_index: usize) -> usize {
        if self.bytes.is_empty() {
            char_index.min(self.len)
        } else {
            self.bytes.get(char_index).copied().unwrap_or(self.len)
        }
    }
    fn span(&self, start: usize, end: usize) -> Span {
        Span::new(self.byte(start), self.byte(end))
    }
}

/// One record as an item of a YAML block sequence (`- key: value` lines,
/// ending with a newline), so that records written one after another form a
/// single YAML list. Written with saphyr's emitter, the writing side of the
/// library this module reads with.
///
/// `record_json` is the record as the JSON encoder writes it: JSON is YAML,
/// so saphyr reads it with its keys in the decision's order (§5), not
/// sorted. Numbers keep their exact text. Strings that would read back as
/// something else are quoted: `"7000"`, `"true"`, `"null"` by the emitter,
/// and dates (`"2026-11-01"`), which YAML 1.1 readers such as PyYAML would
/// take for dates rather than the strings JSON has. `null` is written as such.
pub fn record_as_list_item(record_json: &str) -> Result<String, String> {
    use saphyr::LoadableYamlNode;
    let mut documents = saphyr::Yaml::load_from_str(record_json).map_err(|e| e.to_string())?;
    let record = documents.pop().ok_or("an empty record")?;
    let item = saphyr::Yaml::Sequence(vec![as_written(record)]);
    let mut text = String::new();
    saphyr::YamlEmitter::new(&mut text).dump(&item).map_err(|e| e.to_string())?;
    // The emitter starts every dump with a document marker; the records of one
    // run are items of one list, so it is left out.
    let body = text.strip_prefix("---\n").unwrap_or(&text);
    Ok(format!("{body}\n"))
}

/// `node` with its nulls spelt `null`, and every string a YAML 1.1 reader
/// could take for something else in double quotes.
fn as_written(node: saphyr::Yaml<'_>) -> saphyr::Yaml<'_> {
    use saphyr::{Scalar, Yaml};
    use std::borrow::Cow;
    match node {
        Yaml::Value(Scalar::Null) => Yaml::Representation(Cow::Borrowed("null"), ScalarStyle::Plain, None),
        Yaml::Value(Scalar::String(text)) if may_read_as_non_string(&text) || text.contains(breaks_yaml_1_1) => {
            // A JSON string is a YAML double-quoted scalar, escapes included;
            // JSON leaves the characters below as they are, YAML escapes them.
            let quoted = serde_json::to_string(text.as_ref()).unwrap_or_default();
            let inner = quoted.get(1..quoted.len().saturating_sub(1)).unwrap_or_default();
            let mut escaped = String::with_capacity(inner.len());
            for c in inner.chars() {
                match breaks_yaml_1_1(c) {
                    true => escaped.push_str(&format!("\\u{:04x}", u32::from(c))),
                    false => escaped.push(c),
                }
            }
            Yaml::Representation(Cow::Owned(escaped), ScalarStyle::DoubleQuoted, None)
        }
        Yaml::Sequence(items) => Yaml::Sequence(items.into_iter().map(as_written).collect()),
        Yaml::Mapping(fields) => Yaml::Mapping(fields.into_iter().map(|(k, v)| (k, as_written(v))).collect()),
        other => other,
    }
}

/// A character a YAML 1.1 reader (PyYAML) takes for a line break (NEL,
/// U+2028, U+2029) or refuses as unprintable (the C1 controls, U+FFFE,
/// U+FFFF) wherever it stands, quoted or not: only its escape is read back.
/// saphyr's emitter writes these as they are.
fn breaks_yaml_1_1(c: char) -> bool {
    matches!(c, '\u{80}'..='\u{9f}' | '\u{2028}' | '\u{2029}' | '\u{fffe}' | '\u{ffff}')
}

/// Whether a plain scalar of this text might be read as other than a string.
/// The emitter quotes what YAML 1.2 would resolve otherwise, but PyYAML and
/// other YAML 1.1 readers also take `2024_0001`, `0b1010` and `1_000.5` for
/// numbers and `2026-11-01` for a date: any text that starts with a digit or
/// a sign is quoted (an id such as `7abc` gains quotes it did not need).
/// YAML 1.1 also reads `y`, `N`, `on`, `Off` as booleans, `~` as null,
/// `.inf` and `.NaN` as numbers, and `<<` and `=` as keys of their own.
fn may_read_as_non_string(text: &str) -> bool {
    const YAML_1_1_WORDS: &[&str] = &[
        "y", "Y", "yes", "Yes", "YES", "n", "N", "no", "No", "NO", "true", "True", "TRUE", "false", "False", "FALSE",
        "on", "On", "ON", "off", "Off", "OFF", "~", "null", "Null", "NULL", ".inf", ".Inf", ".INF", ".nan", ".NaN",
        ".NAN", "<<", "=",
    ];
    text.starts_with(|c: char| c.is_ascii_digit() || c == '+' || c == '-') || YAML_1_1_WORDS.contains(&text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_a_yaml_1_1_reader_takes_for_numbers_or_dates_are_quoted() {
        let record =
            r#"{"id":"2024_0001","a":["0b1010","1__0","1_","0.1_0","+8","2026-11-01","A-1","say \"x\""],"n":7}"#;
        let text = record_as_list_item(record).unwrap();
        assert_eq!(
            text,
            "- id: \"2024_0001\"\n  a:\n    - \"0b1010\"\n    - \"1__0\"\n    - \"1_\"\n    - \"0.1_0\"\n    \
             - \"+8\"\n    - \"2026-11-01\"\n    - A-1\n    - \"say \\\"x\\\"\"\n  n: 7\n"
        );
        // Booleans, nulls and numbers only a YAML 1.1 reader sees.
        let text = record_as_list_item(r#"["y","N","On","off","~",".NaN","<<","=","yo","Nope"]"#).unwrap();
        assert_eq!(
            text,
            "- - \"y\"\n  - \"N\"\n  - \"On\"\n  - \"off\"\n  - \"~\"\n  - \".NaN\"\n  - \"<<\"\n  - \"=\"\n  - yo\n  - Nope\n"
        );
    }

    #[test]
    fn line_breaks_and_controls_a_yaml_1_1_reader_sees_are_escaped() {
        let record =
            "{\"id\":\"A\u{2028}B\",\"a\":[\"A\u{2029}B\",\"A\u{85}B\",\"A\u{9f}B\",\"A\u{fffe}B\",\"6\u{2028}\"]}";
        let text = record_as_list_item(record).unwrap();
        assert_eq!(
            text,
            "- id: \"A\\u2028B\"\n  a:\n    - \"A\\u2029B\"\n    - \"A\\u0085B\"\n    - \"A\\u009fB\"\n    \
             - \"A\\ufffeB\"\n    - \"6\\u2028\"\n"
        );
        // and read back as written
        let read = parse_document(&text).unwrap();
        let YKind::Seq(items) = &read.kind else { panic!("{text}") };
        let Some(YKind::Scalar { text: id, .. }) = items.first().and_then(|i| i.get("id")).map(|v| &v.kind) else {
            panic!("{text}")
        };
        assert_eq!(id, "A\u{2028}B");
    }

    #[test]
    fn a_tab_is_pointed_at_where_it_is() {
        for text in ["cases:\n  - name: x\n\tsnapshot: 1\n", "cases:\n\t- name: x\n"] {
            let tab = text.find('\t').unwrap_or_default();
            let Err(e) = parse_document(text) else { panic!("{text:?} parsed") };
            assert!(e.message.contains("tab"), "{}", e.message);
            assert_eq!(e.span.start as usize, tab, "{text:?}: {}", e.message);
        }
    }

    #[test]
    fn keeps_scalar_text_and_style() {
        let doc = parse_document("a: 12000.10\nb: \"true\"\nc: [1, x]\n").unwrap();
        assert_eq!(doc.get("a").unwrap().kind, YKind::Scalar { text: "12000.10".into(), plain: true });
        assert_eq!(doc.get("b").unwrap().kind, YKind::Scalar { text: "true".into(), plain: false });
        assert!(matches!(&doc.get("c").unwrap().kind, YKind::Seq(v) if v.len() == 2));
    }

    #[test]
    fn spans_point_at_values() {
        let text = "name: x\nkind: badtype\n";
        let doc = parse_document(text).unwrap();
        let span = doc.get("kind").unwrap().span;
        assert_eq!(&text[span.range()], "badtype");
    }

    #[test]
    fn refuses_merge_keys_but_not_the_text() {
        for text in ["a: 1\n<<: {b: 2}\n", "- {<<: {b: 2}}\n", "x:\n  <<:\n    b: 2\n"] {
            let err = parse_document(text).err().unwrap_or_else(|| panic!("{text:?} refused"));
            assert!(err.message.contains("merge keys"), "{text:?}: {}", err.message);
            assert_eq!(text.get(err.span.start as usize..err.span.end as usize), Some("<<"), "{text:?}");
        }
        // Quoted, or as a value, it is only text.
        for text in ["\"<<\": 1\n", "a: <<\n", "- <<\n"] {
            assert!(parse_document(text).is_ok(), "{text:?}");
        }
    }

    #[test]
    fn refuses_aliases() {
        let err = parse_document("a: &x [1]\nb: *x\n").unwrap_err();
        assert!(err.message.contains("aliases"));
    }

    /// Each document as its `id`, or `!` for an error.
    fn outline(text: &str) -> Vec<String> {
        let id = |d: &YNode| d.get("id").and_then(YNode::as_scalar).unwrap_or("?").to_string();
        parse_each_document(text).iter().map(|d| d.as_ref().map_or("!".into(), id)).collect()
    }

    #[test]
    fn a_bad_document_spoils_only_itself() {
        assert_eq!(outline("id: a\n---\nid: &x b\nc: *x\n---\nid: c\n"), ["a", "!", "c"]);
        // Lines ended by a lone CR: the next `---` is found all the same.
        assert_eq!(outline("id: a\r---\rid: [b\r---\rid: c\r"), ["a", "!", "c"]);
        // Broken syntax in the first, implicit, document; then in the last one.
        assert_eq!(outline("id: [a\n---\nid: b\n--- \nid: c\n---\nid: {d\n"), ["!", "b", "c", "!"]);
        // An unclosed flow collection runs into the next `---`: that document is still read.
        assert_eq!(outline("--- # one\nid: a\nx: [1,\n---\nid: b\n"), ["!", "b"]);
        // After `...` a document may start without `---`.
        assert_eq!(outline("id: 'a\n...\nid: b\n"), ["!", "b"]);
        // Two errors in one document are one error.
        assert_eq!(outline("id: &x a\nb: *x\nc: [\n---\nid: d\n"), ["!", "d"]);
        // Error spans are placed in the whole text, past multibyte characters.
        let text = "id: é\n---\nid: [b\n";
        let docs = parse_each_document(text);
        let Some(Err(e)) = docs.get(1) else { panic!("{docs:?}") };
        assert!(e.span.start as usize >= text.find("[b").unwrap(), "{e:?}");
        assert_eq!(parse_documents(text).unwrap_err(), e.clone());
    }

    /// Lines that make YAML streams of good and bad documents.
    const PIECES: &[&str] =
        &["---\n", "...\n", "id: a\n", "- [1, 2\n", "&x b\n", "*x\n", "'q\n", "k: v\n", "# c\n", "\n", "  - x\n"];

    proptest::proptest! {
        /// Whatever the text, reading ends, and a stream without an error reads as before.
        #[test]
        fn each_document_agrees_with_the_whole_stream(
            parts in proptest::collection::vec(
                proptest::sample::select(PIECES),
                0..12,
            )
        ) {
            let text = parts.concat();
            let each = parse_each_document(&text);
            match parse_documents(&text) {
                Ok(docs) => proptest::prop_assert_eq!(each, docs.into_iter().map(Ok).collect::<Vec<_>>()),
                Err(first) => proptest::prop_assert!(each.contains(&Err(first))),
            }
        }
    }

    #[test]
    fn bounds_depth() {
        let text = format!("{}{}", "[".repeat(MAX_DEPTH + 5), "]".repeat(MAX_DEPTH + 5));
        assert!(parse_documents(&text).is_err());
    }
}
