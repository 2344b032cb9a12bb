//! Reading a schema file: YAML into a [`Schema`], every problem reported
//! with its place in the file (not just the first).

use super::*;

/// Loads and validates a schema file; every problem is reported, not just the first.
pub fn load_schema(path: &Path, text: &str) -> Result<Schema, Vec<Diagnostic>> {
    let doc = yaml::parse_document(text).map_err(|e| {
        let d = Diagnostic::error(codes::SCHEMA_YAML, path, e.span, format!("invalid YAML: {}", e.message));
        vec![match crate::diagnostic::full_width_near(text, e.span) {
            Some(help) => d.with_help(help),
            None => d,
        }]
    })?;
    let mut loader = SchemaLoader { path, diags: Vec::new(), in_list: None };
    let schema = loader.schema(&doc);
    match schema {
        Some(schema) if loader.diags.is_empty() => Ok(schema),
        _ => {
            // Said in the file's order, as a reader meets them: the loader
            // visits sections in its own order (a repeated `by:` was said
            // after a repeated section further down).
            let mut diags = loader.diags;
            diags.sort_by_key(|d| d.span.start);
            Err(diags)
        }
    }
}

struct SchemaLoader<'a> {
    path: &'a Path,
    diags: Vec<Diagnostic>,
    /// The list whose records are being read, if any: a list inside them is refused.
    in_list: Option<String>,
}

impl SchemaLoader<'_> {
    #[expect(
        clippy::indexing_slicing,
        reason = "the diagnostic was pushed on the line above, so the vector is not empty"
    )]
    fn error(&mut self, code: &'static str, span: Span, message: impl Into<String>) -> &mut Diagnostic {
        self.diags.push(Diagnostic::error(code, self.path, span, message));
        let last = self.diags.len() - 1;
        &mut self.diags[last]
    }

    fn schema(&mut self, doc: &YNode) -> Option<Schema> {
        let YKind::Map(entries) = &doc.kind else {
            self.error(codes::SCHEMA_SHAPE, doc.span, "a schema must be a mapping with `entity`, `key` and `fields`");
            return None;
        };
        for (key, _) in entries {
            let name = key.as_scalar().unwrap_or("");
            if !["entity", "key", "prohibited", "fields"].contains(&name) {
                let help = did_you_mean(name, ["entity", "key", "prohibited", "fields"]);
                self.error(codes::SCHEMA_SHAPE, key.span, format!("unknown schema section `{name}`")).help = help;
            }
        }
        // Here, before any section can stop the reading: said whatever else is wrong.
        self.repeated_keys(entries, "the schema");
        let entity = self.scalar_section(doc, "entity").unwrap_or_else(|| "account".into());
        let Some(fields) = doc.get("fields") else {
            self.error(codes::SCHEMA_SHAPE, doc.span, "the schema has no `fields` section");
            return None;
        };
        let mut next_slot = 0;
        let root = self.record(fields, &mut next_slot, 0)?;
        let root = root.into_frame_root(next_slot);
        let mut schema = Schema {
            path: self.path.to_path_buf(),
            entity,
            key: String::new(),
            key_slot: 0,
            prohibited: Vec::new(),
            root,
        };
        self.key(doc, &mut schema);
        self.prohibited(doc, &mut schema);
        Some(schema)
    }

    fn scalar_section(&mut self, doc: &YNode, name: &str) -> Option<String> {
        let node = doc.get(name)?;
        match node.as_scalar() {
            Some(s) => Some(s.to_string()),
            None => {
                self.error(codes::SCHEMA_SHAPE, node.span, format!("`{name}` must be a single name"));
                None
            }
        }
    }

    fn key(&mut self, doc: &YNode, schema: &mut Schema) {
        let Some(node) = doc.get("key") else {
            self.error(codes::SCHEMA_KEY, doc.span, "the schema has no `key` (the field that identifies a snapshot)");
            return;
        };
        let Some(key) = node.as_scalar() else {
            self.error(codes::SCHEMA_KEY, node.span, "`key` must be a field name");
            return;
        };
        match schema.lookup(key) {
            // A snapshot without its key could be neither decided nor told apart.
            Some(FieldDef {
                kind: FieldKind::Scalar(ScalarType::String | ScalarType::Int), optional: true, ..
            }) => {
                self.error(codes::SCHEMA_KEY, node.span, format!("the key `{key}` must be a required field")).help =
                    Some(format!("every snapshot has its key: declare `{key}` without `?`"));
            }
            Some(FieldDef {
                kind: FieldKind::Scalar(ScalarType::String | ScalarType::Int), slot: Some(slot), ..
            }) => {
                let slot = *slot;
                schema.key = key.to_string();
                schema.key_slot = slot;
            }
            Some(_) => {
                self.error(codes::SCHEMA_KEY, node.span, format!("the key `{key}` must be a `string` or `int` field"));
            }
            // Declared, but its type was refused: that error is the one to fix.
            None if declared(doc, key) => {}
            None => {
                let names: Vec<String> = schema.root.leaves().into_iter().map(|(p, _)| p).collect();
                let help = did_you_mean(key, names.iter().map(String::as_str));
                self.error(codes::SCHEMA_KEY, node.span, format!("the key `{key}` is not a field of the schema"))
                    .help = help;
            }
        }
    }

    fn prohibited(&mut self, doc: &YNode, schema: &mut Schema) {
        let Some(node) = doc.get("prohibited") else {
            return;
        };
        let YKind::Seq(items) = &node.kind else {
            self.error(codes::SCHEMA_SHAPE, node.span, "`prohibited` must be a list of field names");
            return;
        };
        for item in items {
            match item.as_scalar() {
                Some(name) if lookup_through_lists(&schema.root, name).is_some() => {
                    schema.prohibited.push(name.to_string())
                }
                Some(name) if declared(doc, name) => {}
                Some(name) => {
                    let names: Vec<String> = schema.root.leaves().into_iter().map(|(p, _)| p).collect();
                    let help = did_you_mean(name, names.iter().map(String::as_str));
                    self.error(
                        codes::SCHEMA_PROHIBITED,
                        item.span,
                        format!("prohibited field `{name}` is not in the schema"),
                    )
                    .help = help;
                }
                None => {
                    self.error(codes::SCHEMA_SHAPE, item.span, "`prohibited` must be a list of field names");
                }
            }
        }
    }

    /// A mapping of fields; nested records share `next_slot` with their parent frame.
    fn record(&mut self, node: &YNode, next_slot: &mut usize, depth: usize) -> Option<RecordLayout> {
        let YKind::Map(entries) = &node.kind else {
            self.error(
                codes::SCHEMA_SHAPE,
                node.span,
                format!("expected a mapping of field names to types, found {}", node.kind_name()),
            );
            return None;
        };
        if depth > 32 {
            self.error(codes::SCHEMA_SHAPE, node.span, "records are nested too deeply (more than 32 levels)");
            return None;
        }
        let mut fields: Vec<FieldDef> = Vec::new();
        // Names seen so far, so a schema of many fields is not compared field by field.
        let mut seen: HashSet<&str> = HashSet::new();
        for (key, value) in entries {
            let name = key.as_scalar().unwrap_or("").to_string();
            if !is_identifier(&name) {
                // A key that is no text (`[a]: int`) is named by what it is.
                let what =
                    key.as_scalar().map_or_else(|| format!("{} as a key", key.kind_name()), |_| format!("`{name}`"));
                self.error(codes::SCHEMA_FIELD_NAME, key.span, format!("{what} is not a valid field name")).help =
                    Some("field names are ASCII letters, digits and `_`, starting with a letter or `_`".into());
                continue;
            }
            if name == "as_of" && depth == 0 {
                self.error(
                    codes::SCHEMA_FIELD_NAME,
                    key.span,
                    "`as_of` is built in (the snapshot's date); it cannot be a schema field",
                );
                continue;
            }
            if crate::syntax::is_reserved(&name) {
                self.error(
                    codes::SCHEMA_FIELD_NAME,
                    key.span,
                    format!("`{name}` is a reserved word of the policy language; it cannot be a field name"),
                )
                .help = Some(format!(
                    "rename the field (e.g. `{name}_value`, with the snapshots' key renamed to match); the reserved \
                     words are listed in docs/reference.md"
                ));
                continue;
            }
            if !seen.insert(key.as_scalar().unwrap_or("")) {
                self.error(codes::SCHEMA_FIELD_NAME, key.span, format!("field `{name}` is defined twice"));
                continue;
            }
            if let Some(field) = self.field(name, key.span, value, next_slot, depth) {
                fields.push(field);
            }
        }
        Some(RecordLayout::new(fields))
    }

    fn field(
        &mut self,
        name: String,
        name_span: Span,
        value: &YNode,
        next_slot: &mut usize,
        depth: usize,
    ) -> Option<FieldDef> {
        match &value.kind {
            YKind::Scalar { text, .. } => {
                let (ty, optional) = match text.strip_suffix('?') {
                    Some(inner) => (inner.trim(), true),
                    None => (text.trim(), false),
                };
                let kind = self.type_name(ty, value.span)?;
                let slot = Some(take_slot(next_slot));
                Some(FieldDef { name, kind, optional, slot, span: value.span })
            }
            // `list: int`: a list's `list:` holds its records' fields, and a
            // scalar there would make a record with a field named `list`.
            YKind::Map(entries)
                if value.get("list").is_some_and(|l| !matches!(l.kind, YKind::Map(_)))
                    && entries.iter().all(|(k, _)| matches!(k.as_scalar(), Some("list" | "by"))) =>
            {
                let list = value.get("list").unwrap_or(value);
                let found = list.as_scalar().map_or_else(|| list.kind_name().to_owned(), |t| format!("`{t}`"));
                self.error(
                    codes::SCHEMA_LIST,
                    list.span,
                    format!("`{name}`'s `list:` holds {found}; it takes the fields of the list's records"),
                )
                .help =
                    Some("a list of records is `list:` with one field a line under it, and `by:` its date key".into());
                None
            }
            YKind::Map(_) if value.get("list").is_some_and(|l| matches!(l.kind, YKind::Map(_))) => {
                if let Some(outer) = self.in_list.clone() {
                    // The language aggregates a list of an account, not a
                    // list within each record of another; and a list of
                    // lists would let a snapshot grow with each level.
                    self.error(
                        codes::SCHEMA_LIST,
                        name_span,
                        format!("`{name}` is a list inside the records of the list `{outer}`; a list's records hold fields, sets and records, not lists"),
                    )
                    .help = Some(format!(
                        "make `{name}` a list of its own among the account's fields, its records naming the `{outer}` record they belong to"
                    ));
                    return None;
                }
                self.in_list = Some(name.clone());
                let list = self.list(value);
                self.in_list = None;
                let list = list?;
                Some(FieldDef {
                    name,
                    kind: FieldKind::List(list),
                    optional: false,
                    slot: Some(take_slot(next_slot)),
                    span: name_span,
                })
            }
            YKind::Map(_) => {
                let record = self.record(value, next_slot, depth + 1)?;
                Some(FieldDef { name, kind: FieldKind::Record(record), optional: false, slot: None, span: name_span })
            }
            YKind::Seq(_) => {
                self.error(
                    codes::SCHEMA_TYPE,
                    value.span,
                    format!("field `{name}` has a list where a type was expected"),
                )
                .help = Some("a list of records is written `list:` (its fields) and `by:` (its date key)".into());
                None
            }
        }
    }

    /// Reports each key of a mapping given twice: only the first would be
    /// read, so a second `prohibited:` (a fair-lending list) or `by:` would
    /// be dropped without a word. Fields given twice are `S007`, said where
    /// records are read.
    fn repeated_keys(&mut self, entries: &[(YNode, YNode)], within: &str) {
        let mut seen = std::collections::HashSet::new();
        for (key, _) in entries {
            let name = key.as_scalar().unwrap_or("");
            if !seen.insert(name) {
                let message = format!("`{name}` is given twice in {within}: only the first would be read");
                self.error(codes::SCHEMA_SHAPE, key.span, message).help = Some("give it once".into());
            }
        }
    }

    fn list(&mut self, node: &YNode) -> Option<ListLayout> {
        if let YKind::Map(entries) = &node.kind {
            self.repeated_keys(entries, "a list field");
            for (key, _) in entries {
                let k = key.as_scalar().unwrap_or("");
                if k != "list" && k != "by" {
                    self.error(
                        codes::SCHEMA_LIST,
                        key.span,
                        format!("unexpected `{k}` in a list field; only `list:` and `by:` belong here"),
                    );
                }
            }
        }
        let mut next_slot = 0;
        let element = self.record(node.get("list")?, &mut next_slot, 0)?;
        let element = element.into_frame_root(next_slot);
        let by = match node.get("by") {
            None => None,
            Some(by_node) => {
                let Some(by_name) = by_node.as_scalar().filter(|name| !name.trim().is_empty()) else {
                    let found = by_node.kind_name();
                    self.error(
                        codes::SCHEMA_LIST,
                        by_node.span,
                        format!("`by:` names the list's date field; found {found}"),
                    )
                    .help = Some("write the field's name: `by: due_on`".into());
                    return None;
                };
                match element.field(by_name) {
                    Some(FieldDef {
                        kind: FieldKind::Scalar(ScalarType::Date),
                        optional: false,
                        slot: Some(slot),
                        ..
                    }) => Some((by_name.to_string(), *slot)),
                    Some(_) => {
                        self.error(
                            codes::SCHEMA_LIST,
                            by_node.span,
                            format!("`by: {by_name}` must name a required `date` field of the list"),
                        );
                        None
                    }
                    // Declared, but the field was refused (a reserved name, say): that error is the one to fix.
                    None if node.get("list").is_some_and(|list| list.get(by_name).is_some()) => None,
                    None => {
                        let help = did_you_mean(by_name, element.fields.iter().map(|f| f.name.as_str()));
                        self.error(
                            codes::SCHEMA_LIST,
                            by_node.span,
                            format!("`by: {by_name}` is not a field of the list"),
                        )
                        .help = help;
                        None
                    }
                }
            }
        };
        Some(ListLayout { element, by })
    }

    fn type_name(&mut self, ty: &str, span: Span) -> Option<FieldKind> {
        if let Some(inner) = ty.strip_prefix("set<").and_then(|s| s.strip_suffix('>')) {
            return match self.scalar_type(inner.trim(), span)? {
                ScalarType::Decimal | ScalarType::Money | ScalarType::Bool => {
                    self.error(codes::SCHEMA_TYPE, span, format!("`set<{}>` is not supported", inner.trim())).help =
                        Some("sets hold `string`, `int`, `date` or `enum(...)` values".into());
                    None
                }
                t => Some(FieldKind::Set(t)),
            };
        }
        self.scalar_type(ty, span).map(FieldKind::Scalar)
    }

    fn scalar_type(&mut self, ty: &str, span: Span) -> Option<ScalarType> {
        Some(match ty {
            "bool" => ScalarType::Bool,
            "int" => ScalarType::Int,
            "decimal" => ScalarType::Decimal,
            "money" => ScalarType::Money,
            "string" => ScalarType::String,
            "date" => ScalarType::Date,
            _ => {
                if let Some(inner) = ty.strip_prefix("enum(").and_then(|s| s.strip_suffix(')')) {
                    return match parse_enum_members(inner) {
                        Ok(members) => Some(ScalarType::Enum(members.into())),
                        Err(problem) => {
                            let (problem, help) = match problem {
                                EnumProblem::Twice(member) => {
                                    (format!("member `{member}` is listed twice"), "list each member once".into())
                                }
                                EnumProblem::Malformed(problem) => (problem, "write members as `enum(a, b)`; quote one holding a comma or spaces: `enum(\"car, other\", none)`".into()),
                                EnumProblem::FullWidth { found, meant } => (
                                    crate::diagnostic::full_width_said(found, meant),
                                    format!("write `{}`; a member that holds `{found}` is quoted", ascii_commas_outside_quotes(ty)),
                                ),
                            };
                            self.error(codes::SCHEMA_TYPE, span, format!("`{ty}`: {problem}")).help = Some(help);
                            None
                        }
                    };
                }
                let help = full_width_type(ty)
                    .or_else(|| did_you_mean(ty, TYPE_NAMES))
                    .or_else(|| type_written_otherwise(ty).map(|t| format!("did you mean `{t}`?")))
                    .unwrap_or_else(|| format!("the types are {}", TYPE_NAMES.join(", ")));
                let message =
                    if ty.is_empty() { "the field has no type".to_owned() } else { format!("unknown type `{ty}`") };
                self.error(codes::SCHEMA_TYPE, span, message).help = Some(help);
                return None;
            }
        })
    }
}

/// The help for a type written with full-width brackets (`enum（a, b）`,
/// `set＜string＞`, as a Chinese input method types them).
fn full_width_type(ty: &str) -> Option<String> {
    let (name, brackets) = ty.split_at(ty.find(|c: char| !c.is_ascii_alphabetic())?);
    let (first, last) = (brackets.chars().next()?, brackets.chars().next_back()?);
    let open = crate::diagnostic::ascii_for_full_width(first).unwrap_or(first);
    let close = crate::diagnostic::ascii_for_full_width(last).unwrap_or(last);
    let shaped = matches!((name, open, close), ("enum", '(', ')') | ("set", '<', '>'));
    if !shaped || (open, close) == (first, last) || brackets.chars().count() < 2 {
        return None;
    }
    let inner = brackets.get(first.len_utf8()..brackets.len() - last.len_utf8())?;
    let (found, meant) = if open == first { (last, close) } else { (first, open) };
    let said = crate::diagnostic::full_width_said(found, meant);
    Some(format!("{said}: did you mean `{name}{open}{inner}{close}`?"))
}

fn take_slot(next: &mut usize) -> usize {
    let slot = *next;
    *next += 1;
    slot
}

/// Whether the document's `fields` declare `path` (dotted, through list
/// fields' `list:`), whatever its type: a field whose type was refused is
/// missing from the schema, and naming it again as unknown would only
/// repeat that error.
fn declared(doc: &YNode, path: &str) -> bool {
    let mut node = doc.get("fields");
    for (i, segment) in path.split('.').enumerate() {
        node = node.and_then(|n| if i == 0 { Some(n) } else { n.get("list").or(Some(n)) }).and_then(|n| n.get(segment));
    }
    node.is_some()
}
