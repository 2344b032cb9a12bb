//! One open policy: its text as the editor holds it, and what the last check of that text found.

use super::index::Index;
use super::position::LineMap;
use crate::ir::Base;
use crate::load::{analyze_policy_source, load_schema_file, Analysis};
use crate::schema::Schema;
use crate::syntax::ast::PolicyAst;
use lsp_types::{Position, TextDocumentContentChangeEvent, Uri};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

/// An open policy document.
#[derive(Debug)]
pub struct Document {
    /// Its URI, as the editor named it.
    pub uri: Uri,
    /// The file it stands for (the folder its schema, hooks and batches are found in).
    pub path: PathBuf,
    /// The text, with every change applied.
    pub text: String,
    /// The editor's version of `text`, given back with its diagnostics so
    /// that the editor can drop those of a text it has since changed.
    pub version: i32,
    /// Lines of `text`.
    pub lines: LineMap,
    /// The last check of `text` (stale while `dirty`).
    pub analysis: Analysis,
    /// Names of the last check, by offset and by target.
    pub index: Index,
    /// The schema to complete with: the last check's, else one found by
    /// reading the `schema "..."` line while the policy does not parse.
    pub schema: Option<Arc<Schema>>,
    /// The last parse that succeeded, kept while the text does not parse
    /// (a name half typed), so completion still knows tables and splits.
    pub last_parsed: Option<PolicyAst>,
    /// The members of each let holding an enum, from the last check that
    /// succeeded: kept while the text has errors (a comparison half typed),
    /// so that `tier == ` still completes them.
    pub let_members: Vec<(String, Vec<String>)>,
    /// Changed since the last check.
    pub dirty: bool,
    /// Which state of the text and the files it names this is (unique in
    /// the process, so a document closed and opened again never takes the
    /// check of its former text): a check's result is kept only if nothing
    /// changed while it ran.
    pub generation: u64,
    /// The generation a check running in the background was given, if one is.
    pub checking: Option<u64>,
}

impl Document {
    /// A document opened with `text` at the editor's `version`, not yet checked.
    pub fn new(uri: Uri, text: String, version: i32) -> Document {
        let path = super::uri::to_path(&uri).unwrap_or_else(|| {
            // An unsaved buffer: its files are looked for in the current folder.
            std::env::current_dir().unwrap_or_default().join("untitled.policy")
        });
        let lines = LineMap::new(&text);
        Document {
            uri,
            path,
            text,
            version,
            lines,
            analysis: Analysis::default(),
            index: Index::default(),
            schema: None,
            last_parsed: None,
            let_members: Vec::new(),
            dirty: true,
            generation: next_generation(),
            checking: None,
        }
    }

    /// Marks the last check stale: the text or a file it names changed.
    pub fn mark_stale(&mut self) {
        self.dirty = true;
        self.generation = next_generation();
    }

    /// Applies the editor's changes, in order (a change without a range replaces the text).
    pub fn apply(&mut self, changes: Vec<TextDocumentContentChangeEvent>) {
        for change in changes {
            match change.range {
                Some(range) => {
                    let start = self.lines.offset(&self.text, range.start);
                    let end = self.lines.offset(&self.text, range.end).max(start);
                    self.text.replace_range(start..end, &change.text);
                }
                None => self.text = change.text,
            }
            self.lines = LineMap::new(&self.text);
        }
        self.mark_stale();
    }

    /// Checks the text again, here and now.
    pub fn check(&mut self) {
        let analysis = analyze_policy_source(&self.path, &self.text);
        self.install(analysis);
    }

    /// Takes the check of the current text (made here or in the background).
    pub fn install(&mut self, analysis: Analysis) {
        let before = std::mem::replace(&mut self.analysis, analysis);
        self.last_parsed = match self.analysis.ast {
            Some(_) => None,
            None => before.ast.or(self.last_parsed.take()),
        };
        if let Some(checked) = &self.analysis.checked {
            let enums = checked.lets.iter().filter_map(|l| match &l.value.ty.base {
                Base::Enum(members) => Some((l.name.to_string(), members.iter().map(|m| m.to_string()).collect())),
                _ => None,
            });
            self.let_members = enums.collect();
        }
        // While the text does not parse, the names of the items that do.
        self.index = match self.items() {
            Some(ast) => Index::build(ast, self.analysis.schema.as_deref()),
            None => Index::default(),
        };
        self.schema = match &self.analysis.schema {
            Some(schema) => Some(Arc::clone(schema)),
            None if self.analysis.ast.is_none() => declared_schema(&self.path, &self.text).or(self.schema.take()),
            None => None,
        };
        self.dirty = false;
    }

    /// Whether the last check read (or tried to read) `file`.
    pub fn depends_on(&self, file: &Path) -> bool {
        let canonical = std::fs::canonicalize(file).ok();
        self.analysis
            .depends_on
            .iter()
            .any(|named| named == file || (canonical.is_some() && std::fs::canonicalize(named).ok() == canonical))
    }

    /// The items of the text as it is: all of them when it parses, else those that do.
    pub fn items(&self) -> Option<&PolicyAst> {
        self.analysis.ast.as_ref().or(self.analysis.salvaged.as_ref())
    }

    /// The declarations of the text, or of its last version that parsed
    /// (where the item being edited is whole), or of the items of the text
    /// that parse (a document opened broken has no version that parsed).
    pub fn declarations(&self) -> Option<&PolicyAst> {
        self.analysis.ast.as_ref().or(self.last_parsed.as_ref()).or(self.analysis.salvaged.as_ref())
    }

    /// The byte offset of an editor position.
    pub fn offset(&self, position: Position) -> usize {
        self.lines.offset(&self.text, position)
    }
}

/// A number no document state had before.
fn next_generation() -> u64 {
    static LAST: AtomicU64 = AtomicU64::new(0);
    LAST.fetch_add(1, Ordering::Relaxed) + 1
}

/// The schema of a policy that does not parse, from its `schema "..."` line, so completion still knows the fields.
fn declared_schema(path: &Path, text: &str) -> Option<Arc<Schema>> {
    // Lines as the parser ends them: a lone `\r` too.
    let text = &*crate::syntax::lone_carriage_returns_as_newlines(text);
    let line = text.lines().map(str::trim_start).find(|line| line.starts_with("schema "))?;
    let written = line.strip_prefix("schema")?.trim_start().strip_prefix('"')?;
    let written = written.get(..written.find('"')?)?;
    load_schema_file(&crate::check::resolve(path, written)).ok().map(Arc::new)
}
