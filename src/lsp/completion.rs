//! Completion from the text before the cursor, so it works while the line
//! being typed does not parse yet: channels after `notify`, enum members
//! (and a split's arms) after `==`, `!=` and `in [`, fields after
//! `record.` and a table's outputs after `plan.`, else every name.

use super::document::Document;
use crate::builtins::BUILTINS;
use crate::ir::Channel;
use crate::schema::{lookup_through_lists, FieldDef, FieldKind, RecordLayout, ScalarType, Schema};
use crate::syntax::ast::{ExprKind, Item};
use crate::syntax::parser::keyword_texts;
use crate::syntax::RESERVED_WORDS;
use lsp_types::{CompletionItem, CompletionItemKind, CompletionTextEdit, Documentation, Range, TextEdit};

/// The words of the language, offered where a name may start: the grammar's
/// keywords, the reserved words that are not keywords (`and`, `true`,
/// `none`, ...) and `first`, which the grammar spells out in the rules of
/// groups and tables instead of a keyword rule.
fn words() -> impl Iterator<Item = &'static str> {
    let operators_and_literals = RESERVED_WORDS.iter().copied().filter(|w| !keyword_texts().any(|k| k == *w));
    keyword_texts().chain(operators_and_literals).chain(["first"])
}

/// The completions at byte `offset` of the document. `by_character`: the
/// client asks because a trigger character was typed (a space, a quote, `[`,
/// `.`), not because a name is being typed or the user asked: then only what
/// that character opens is offered (channels, members, fields), never every
/// name, which would pop up after each space.
pub fn complete(doc: &Document, offset: usize, by_character: bool) -> Vec<CompletionItem> {
    let text = doc.text.as_str();
    let offset = floor_boundary(text, offset);
    // Any line end, a lone CR's too: else a comment on an earlier line of a
    // lone-CR file seems to be on this one, and nothing is offered.
    let line_start = text.get(..offset).and_then(|t| t.rfind(crate::syntax::LINE_END)).map_or(0, |i| i + 1);
    let before = text.get(line_start..offset).unwrap_or("");
    let word_len =
        before.len() - before.trim_end_matches(|c: char| c.is_ascii_alphanumeric() || c == '_' || c == '.').len();
    let (head, word) = before.split_at(before.len() - word_len);
    let word_start = line_start + head.len();
    // Completing inside a word replaces the whole word: `identity.ver|ified`
    // and accepting `verified` gives `verified`, not `verifiedified`.
    let rest = text.get(offset..).unwrap_or("");
    let word_end = offset + rest.len() - rest.trim_start_matches(|c: char| c.is_ascii_alphanumeric() || c == '_').len();
    let replace = |from: usize| doc.lines.range(text, crate::diagnostic::Span::new(from, word_end));
    let inside = inside_of(before);
    match inside {
        Inside::Comment => return Vec::new(),
        Inside::String(open) => return string_members(doc, before, line_start + open, offset),
        Inside::Code => {}
    }
    if ends_with_word(head.trim_end(), "notify") && head.ends_with(char::is_whitespace) && !word.contains('.') {
        let channels =
            Channel::ALL.iter().map(|(name, _)| item(name, CompletionItemKind::ENUM_MEMBER, Some("channel")));
        return replacing(channels.collect(), replace(word_start));
    }
    let element = where_list(head);
    if let Some(members) = compared_enum(doc, head, element) {
        return members.iter().map(|m| member_item(m, replace(word_start))).collect();
    }
    if let Some((prefix, partial)) = word.rsplit_once('.') {
        let range = replace(offset - partial.len());
        return nested_fields(doc, prefix, range);
    }
    let trimmed = head.trim_end();
    if ends_with_word(trimmed, "from") && trimmed.trim_end_matches("from").trim_end().ends_with("reasons") {
        // `reasons from` names a scorecard, and nothing else.
        return replacing(scorecards(doc), replace(word_start));
    }
    if by_character {
        return Vec::new();
    }
    let mut items = everything(doc);
    let before_word = text.get(..word_start).unwrap_or("");
    if in_condition(before_word) {
        // A condition is an expression: no item, action or header keyword.
        items.retain(|i| i.kind != Some(CompletionItemKind::KEYWORD) || EXPRESSION_WORDS.contains(&i.label.as_str()));
    } else if in_let_value(before_word) {
        // So is a let's value, which may also be a table or a scorecard.
        let allowed = |w: &str| EXPRESSION_WORDS.contains(&w) || LET_VALUE_WORDS.contains(&w);
        items.retain(|i| i.kind != Some(CompletionItemKind::KEYWORD) || allowed(&i.label));
    }
    if let Some(list) = element {
        // In `where`, the element's fields are names of their own.
        let range = replace(word_start);
        let fields = nested_fields(doc, list, range).into_iter().map(|mut f| {
            f.sort_text = Some(format!("0{}", f.label));
            f
        });
        items.splice(0..0, fields);
    }
    replacing(items, replace(word_start))
}

/// `items`, each replacing the whole word at `word` (unless it says what it
/// replaces), as a field's after a dot does: without an edit the client
/// inserts at the cursor, and `sco|re` with `score` accepted read `scorere`.
fn replacing(mut items: Vec<CompletionItem>, word: Range) -> Vec<CompletionItem> {
    for item in items.iter_mut().filter(|i| i.text_edit.is_none()) {
        item.text_edit = Some(CompletionTextEdit::Edit(TextEdit::new(word, item.label.clone())));
    }
    items
}

/// The list whose `where` the end of `head` is in: `any(overdues where rep`
/// and `count(overdues where days > 3 and ` give `overdues`.
fn where_list(head: &str) -> Option<&str> {
    // The unclosed parentheses, innermost first: the aggregate's may hold
    // others (`where kind == "a" and (days > 2 or `).
    let mut depth = 0usize;
    let unclosed = head.char_indices().rev().filter(|&(_, c)| match c {
        ')' => {
            depth += 1;
            false
        }
        '(' if depth == 0 => true,
        '(' => {
            depth -= 1;
            false
        }
        _ => false,
    });
    unclosed.map(|(open, _)| open).find_map(|open| {
        let inside = head.get(open + 1..)?.trim_start();
        let list_len =
            inside.find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '.')).unwrap_or(inside.len());
        let (list, rest) = inside.split_at(list_len);
        let rest = rest.trim_start().strip_prefix("where")?;
        (!list.is_empty() && rest.starts_with(char::is_whitespace)).then_some(list)
    })
}

/// Where the end of a line's text stands: in code, a comment, or a string
/// opened at that byte of the line.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Inside {
    Code,
    Comment,
    String(usize),
}

/// What the end of `line` (text from a line start) is inside: strings and
/// comments never span lines in the language.
fn inside_of(line: &str) -> Inside {
    let mut inside = Inside::Code;
    let mut escaped = false;
    for (at, c) in line.char_indices() {
        inside = match (inside, c) {
            (Inside::Code, '#') => return Inside::Comment,
            (Inside::Code, '"') => Inside::String(at),
            (Inside::String(_), '\\') if !escaped => {
                escaped = true;
                continue;
            }
            (Inside::String(_), '"') if !escaped => Inside::Code,
            (state, _) => state,
        };
        escaped = false;
    }
    inside
}

/// In a string opened at byte `open`: an enum's members if the string is
/// one's (`status == "fro`, `purpose in ["car (n`), else nothing, for a
/// reason's or a tag's text is the officer's own words. The edit replaces
/// the whole string, its quotes and the member's text after the cursor too.
fn string_members(doc: &Document, before: &str, open: usize, offset: usize) -> Vec<CompletionItem> {
    let text = doc.text.as_str();
    let line_start = offset - before.len();
    let head = before.get(..open - line_start).unwrap_or("");
    let Some(members) = compared_enum(doc, head, where_list(head)) else { return Vec::new() };
    let typed = text.get(open + 1..offset).unwrap_or("");
    let after = text.get(offset..).unwrap_or("");
    let line_rest = after.find(crate::syntax::LINE_END).map_or(after, |end| &after[..end]);
    let end = offset + member_rest(&members, typed, line_rest);
    let range = doc.lines.range(text, crate::diagnostic::Span::new(open, end));
    members.iter().map(|m| member_item(m, range)).collect()
}

/// How many bytes after the cursor belong to the member being typed: up to
/// and with the closing quote when what lies before it could be a member's
/// (the start of one, `"car| (new)"`, or a misspelt tail, `"car (n|w)"`,
/// which holds no space), else the word the cursor is in, which must not
/// swallow the code after a string left open (`"fr| and kind == "x"`,
/// `"ca| then close reason "R1"`), with a quote right after it.
fn member_rest(members: &[String], typed: &str, line_rest: &str) -> usize {
    if let Some(close) = line_rest.find('"') {
        let rest = line_rest.get(..close).unwrap_or_default();
        let whole = format!("{typed}{rest}");
        let starts_one = members.iter().any(|m| m.starts_with(&whole));
        let tail = !rest.contains(char::is_whitespace) && rest.chars().all(|c| members.iter().any(|m| m.contains(c)));
        if !rest.contains('\\') && (starts_one || tail) {
            return close + 1;
        }
    }
    let word = line_rest.len() - line_rest.trim_start_matches(|c: char| c.is_alphanumeric() || "_-.".contains(c)).len();
    word + usize::from(line_rest.get(word..).is_some_and(|r| r.starts_with('"')))
}

/// The words an expression may hold (a `case` inside a condition included).
const EXPRESSION_WORDS: &[&str] =
    &["and", "or", "not", "in", "true", "false", "none", "case", "when", "then", "else", "end", "within", "where"];

/// The words a let's value may hold beyond an expression's.
const LET_VALUE_WORDS: &[&str] = &["table", "first", "scorecard", "base"];

/// The keywords that begin a declaration (an item of the policy).
const DECLARATION_WORDS: &[&str] = &["policy", "schema", "hook", "batch", "let", "guard", "rule", "group", "split"];

/// Whether `before` (the text up to the word being typed) ends inside a
/// let's value: the last line that begins a declaration begins a `let`,
/// its `=` is written, and the value has not ended: a word at the start of
/// a line begins a declaration, and so does one after a line that closes a
/// table or scorecard (`}`) or a `case` (`end`) at the start of a line.
fn in_let_value(before: &str) -> bool {
    let lines: Vec<&str> = before.split(crate::syntax::LINE_END).collect();
    if lines.last().is_none_or(|current| current.is_empty()) {
        return false;
    }
    for (n, line) in lines.iter().enumerate().rev() {
        let first = line.split_whitespace().next().unwrap_or("");
        let at_start = !line.starts_with(char::is_whitespace);
        let is_current = n + 1 == lines.len();
        if !is_current && at_start && (first.starts_with('}') || first == "end") {
            return false;
        }
        if DECLARATION_WORDS.contains(&first) {
            return first == "let" && lines.get(n..).is_some_and(|value| value.iter().any(|l| l.contains('=')));
        }
    }
    false
}

/// Whether `before` (the text up to the word being typed) ends inside a
/// rule's condition: its last `when`, `then` or brace is a `when`. A `case`
/// inside the condition ends it early here, and then everything is offered.
fn in_condition(before: &str) -> bool {
    let words = before.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '{' || c == '}'));
    let mut last = words.map(|w| if w.contains(['{', '}']) { "{" } else { w }).rev();
    last.find(|w| matches!(*w, "when" | "then" | "{")).is_some_and(|w| w == "when")
}

/// The scorecards the policy declares, for `reasons from`.
fn scorecards(doc: &Document) -> Vec<CompletionItem> {
    let Some(items) = doc.declarations() else { return Vec::new() };
    items
        .items
        .iter()
        .filter_map(|declared| match declared {
            Item::Scorecard { name, .. } => Some(item(&name.node, CompletionItemKind::VARIABLE, Some("scorecard"))),
            _ => None,
        })
        .collect()
}

/// `text` ends with `word` as a whole word (`notify`, not `should_notify`).
fn ends_with_word(text: &str, word: &str) -> bool {
    text.strip_suffix(word)
        .is_some_and(|rest| !rest.ends_with(|c: char| c.is_ascii_alphanumeric() || c == '_' || c == '.'))
}

fn floor_boundary(text: &str, mut offset: usize) -> usize {
    offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

/// The members of the enum compared in `head` (`status == `, `status in [..., `), if any;
/// inside `where` of the list `element`, its element's fields are names too.
fn compared_enum(doc: &Document, head: &str, element: Option<&str>) -> Option<Vec<String>> {
    let trimmed = head.trim_end();
    // The members a list being written already holds are not offered again.
    let mut listed: Vec<&str> = Vec::new();
    let lhs = if let Some(rest) = trimmed.strip_suffix("==").or_else(|| trimmed.strip_suffix("!=")) {
        rest
    } else {
        // Inside an open list after `in`: `status in ["active", `.
        let open = trimmed.rfind('[')?;
        if trimmed.get(open..)?.contains(']') {
            return None;
        }
        listed = trimmed.get(open + 1..)?.split('"').skip(1).step_by(2).collect();
        let before_list = trimmed.get(..open)?.trim_end();
        let rest = before_list.strip_suffix("in").filter(|r| r.ends_with(char::is_whitespace))?;
        rest.trim_end().strip_suffix("not").filter(|r| r.ends_with(char::is_whitespace)).unwrap_or(rest)
    };
    let lhs = lhs.trim_end();
    let path_len = lhs.len() - lhs.trim_end_matches(|c: char| c.is_ascii_alphanumeric() || c == '_' || c == '.').len();
    let path = lhs.get(lhs.len() - path_len..)?;
    // Inside `where`, an element field shadows an account field of the same name.
    let in_element = element.and_then(|list| enum_members(doc, &format!("{list}.{path}")));
    let mut members = in_element.or_else(|| enum_members(doc, path))?;
    members.retain(|m| !listed.contains(&m.as_str()));
    Some(members)
}

/// The members of the enum a field or a let named `path` holds.
fn enum_members(doc: &Document, path: &str) -> Option<Vec<String>> {
    let schema = doc.schema.as_deref()?;
    if let Some(def) = lookup_through_lists(&schema.root, path) {
        return match &def.kind {
            FieldKind::Scalar(ScalarType::Enum(members)) | FieldKind::Set(ScalarType::Enum(members)) => {
                Some(members.iter().map(|m| m.to_string()).collect())
            }
            _ => None,
        };
    }
    if let Some(arms) = split_arms(doc, path) {
        return Some(arms);
    }
    // From the last check that succeeded: a comparison being typed is an error.
    doc.let_members.iter().find(|(name, _)| name == path).map(|(_, members)| members.clone())
}

/// The arms of the split called `name`, from the last parse.
fn split_arms(doc: &Document, name: &str) -> Option<Vec<String>> {
    doc.declarations()?.items.iter().find_map(|item| match item {
        Item::Split(split) if split.name.node == name => {
            Some(split.arms.iter().map(|(arm, _)| arm.node.clone()).collect())
        }
        _ => None,
    })
}

/// The named outputs of the table the let `name` holds (`plan.` offers `stage`, `template`).
fn table_outputs(doc: &Document, name: &str, range: Range) -> Option<Vec<CompletionItem>> {
    let table = doc.declarations()?.items.iter().find_map(|item| match item {
        Item::Let { name: n, value, .. } if n.node == name => match &value.kind {
            ExprKind::Table(table) => Some(table),
            _ => None,
        },
        _ => None,
    })?;
    let items = table.outputs.iter().filter_map(|output| {
        let label = &output.name.as_ref()?.node;
        Some(CompletionItem {
            text_edit: Some(CompletionTextEdit::Edit(TextEdit::new(range, label.clone()))),
            ..item(label, CompletionItemKind::FIELD, Some(&output.ty.node))
        })
    });
    Some(items.collect())
}

fn member_item(member: &str, range: Range) -> CompletionItem {
    let quoted = format!("\"{}\"", member.replace('\\', "\\\\").replace('"', "\\\""));
    CompletionItem {
        label: quoted.clone(),
        kind: Some(CompletionItemKind::ENUM_MEMBER),
        filter_text: Some(quoted.clone()),
        text_edit: Some(CompletionTextEdit::Edit(TextEdit::new(range, quoted))),
        ..CompletionItem::default()
    }
}

/// The fields of the record or list element at `prefix` (`identity.`, `overdues.`).
fn nested_fields(doc: &Document, prefix: &str, range: Range) -> Vec<CompletionItem> {
    if let Some(outputs) = table_outputs(doc, prefix, range) {
        return outputs;
    }
    let Some(schema) = doc.schema.as_deref() else { return Vec::new() };
    let record = match lookup_through_lists(&schema.root, prefix).map(|def| &def.kind) {
        Some(FieldKind::Record(record)) => record,
        Some(FieldKind::List(list)) => &list.element,
        _ => return Vec::new(),
    };
    // A prohibited field is never offered: a policy may not read it.
    record
        .fields
        .iter()
        .filter(|field| !schema.is_prohibited(&format!("{prefix}.{}", field.name)))
        .map(|field| CompletionItem {
            text_edit: Some(CompletionTextEdit::Edit(TextEdit::new(range, field.name.clone()))),
            ..field_item(&field.name, field)
        })
        .collect()
}

/// Every name that may start an expression or a declaration.
fn everything(doc: &Document) -> Vec<CompletionItem> {
    let mut items: Vec<CompletionItem> = words().map(|k| item(k, CompletionItemKind::KEYWORD, None)).collect();
    for (keyword, kind) in [("let", CompletionItemKind::VARIABLE), ("batch", CompletionItemKind::CONSTANT)] {
        for name in declared(&doc.text, keyword) {
            let detail = let_type(doc, name).unwrap_or_else(|| keyword.to_string());
            items.push(item(name, kind, Some(&detail)));
        }
    }
    for name in declared(&doc.text, "hook") {
        items.push(item(name, CompletionItemKind::FUNCTION, Some("hook")));
    }
    for name in declared(&doc.text, "split") {
        items.push(item(name, CompletionItemKind::ENUM, Some("split")));
    }
    items.push(item("as_of", CompletionItemKind::CONSTANT, Some("date: the snapshot's date")));
    for f in BUILTINS {
        items.push(CompletionItem {
            detail: Some(f.signature()),
            documentation: Some(Documentation::String(f.doc.into())),
            ..item(f.name, CompletionItemKind::FUNCTION, None)
        });
    }
    if let Some(schema) = doc.schema.as_deref() {
        push_fields(schema, &schema.root, "", &mut items);
    }
    items
}

/// Fields with their whole paths: `score`, `identity`, `identity.verified`;
/// never a prohibited one.
fn push_fields(schema: &Schema, record: &RecordLayout, prefix: &str, items: &mut Vec<CompletionItem>) {
    for field in &record.fields {
        let path = format!("{prefix}{}", field.name);
        if schema.is_prohibited(&path) {
            continue;
        }
        items.push(field_item(&path, field));
        if let FieldKind::Record(inner) = &field.kind {
            push_fields(schema, inner, &format!("{path}."), items);
        }
    }
}

fn field_item(label: &str, field: &FieldDef) -> CompletionItem {
    item(label, CompletionItemKind::FIELD, Some(&field.type_text()))
}

fn item(label: &str, kind: CompletionItemKind, detail: Option<&str>) -> CompletionItem {
    CompletionItem {
        label: label.to_string(),
        kind: Some(kind),
        detail: detail.map(str::to_string),
        ..CompletionItem::default()
    }
}

fn let_type(doc: &Document, name: &str) -> Option<String> {
    let checked = doc.analysis.checked.as_ref()?;
    checked.lets.iter().find(|l| l.name == name).map(|l| l.value.ty.describe())
}

/// The names declared with `keyword NAME` at the start of a line, read from
/// the text so that they complete while the policy does not parse.
fn declared<'t>(text: &'t str, keyword: &str) -> Vec<&'t str> {
    // Lines end as the parser ends them: a lone `\r` too.
    text.split(crate::syntax::LINE_END)
        .filter_map(|line| line.trim_start().strip_prefix(keyword)?.strip_prefix([' ', '\t']))
        .filter_map(|rest| {
            let rest = rest.trim_start();
            let end = rest.find(|c: char| !(c.is_ascii_alphanumeric() || c == '_')).unwrap_or(rest.len());
            rest.get(..end).filter(|name| !name.is_empty())
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::{in_let_value, where_list};

    #[test]
    fn a_lets_value_ends_where_a_declaration_may_begin() {
        for inside in ["let x = ", "let x = score +\n  ", "let x = case\n  when a then 1\n  else "] {
            assert!(in_let_value(inside), "{inside:?}");
        }
        let after = [
            "let ",
            "let x = score > 700\n",
            "let x = score > 700\n\n",
            "let x = 1 # note\n# more\n",
            "let x = case\n  when a then 1\nend\n  ",
            "let t = table (a) -> int {\n  < 1 => 2\n}\n  ",
            "rule \"r\" {\n  when ",
        ];
        for outside in after {
            assert!(!in_let_value(outside), "{outside:?}");
        }
    }

    #[test]
    fn the_list_of_an_open_where_is_found_before_the_cursor() {
        assert_eq!(where_list("when any(overdues where "), Some("overdues"));
        assert_eq!(where_list("when count(events where kind == \"a\" and (days > 2 or "), Some("events"));
        assert_eq!(where_list("when count(a.b where "), Some("a.b"));
        assert_eq!(where_list("when any(overdues where days > 3) and "), None);
        assert_eq!(where_list("when any(overdues "), None);
        assert_eq!(where_list("when max(overdues.days) > "), None);
        assert_eq!(where_list("when any(overdues whereabouts "), None);
    }
}
