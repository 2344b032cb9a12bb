//! Checking a policy as an editor holds it: the text comes from memory (an
//! unsaved buffer), its schema, hooks and batches from disk next to the
//! document's path, and whatever could be understood is kept even when the
//! policy has errors (the language server hovers and completes over it).

use super::{in_reading_order, on_large_stack, Loader};
use crate::check::{self, CheckedPolicy};
use crate::diagnostic::{codes, Diagnostic, SourceMap, Span};
use crate::schema::{load_schema, Schema};
use crate::syntax::ast::{Item, PolicyAst};
use crate::syntax::parser::{parse_policy_or_salvage, Unparsed};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// What checking an in-memory policy found: every diagnostic, and each stage
/// that succeeded (later stages are `None` after the first that failed).
#[derive(Debug, Default)]
pub struct Analysis {
    /// Errors and warnings, of the policy and of the files it names, as `verdict check` reports them.
    pub diagnostics: Vec<Diagnostic>,
    /// Every file read (the policy's own text included), for positions in them.
    pub sources: SourceMap,
    /// The parsed policy, when it parses.
    pub ast: Option<PolicyAst>,
    /// When it does not: the items that do parse, with spans into its text.
    pub salvaged: Option<PolicyAst>,
    /// The schema, when the policy names one that loads.
    pub schema: Option<Arc<Schema>>,
    /// The checked policy, when it has no error of names or types.
    pub checked: Option<CheckedPolicy>,
    /// Each batch read: its name and how many distinct ids it lists.
    pub batch_sizes: Vec<(String, usize)>,
    /// The schema, batch and hook files the policy names (read or not), so a
    /// change to one of them can re-check it.
    pub depends_on: Vec<PathBuf>,
}

/// Checks the policy `text` as if it were the file at `path`: its schema,
/// batches and hooks are read from disk relative to `path`. Nothing is
/// compiled; the diagnostics are those loading the policy would report.
pub fn analyze_policy_source(path: &Path, text: &str) -> Analysis {
    on_large_stack(|| analyze(path, text))
        .unwrap_or_else(|e| Analysis::failed(path, format!("cannot start a thread to check the policy: {e}")))
}

impl Analysis {
    /// A check that could not be made: only why.
    pub fn failed(path: &Path, why: String) -> Analysis {
        Analysis {
            diagnostics: vec![Diagnostic::error(codes::INTERNAL, path, Span::default(), why)],
            ..Analysis::default()
        }
    }
}

fn analyze(path: &Path, text: &str) -> Analysis {
    let mut loader = Loader::default();
    loader.sources.add(path, text.into());
    let mut out = Analysis::default();
    let ast = match parse_policy_or_salvage(path, text) {
        Ok(ast) => ast,
        Err(unparsed) => {
            let Unparsed { mut diagnostics, salvage } = *unparsed;
            let (found, salvaged, schema) = loader.beyond_syntax_keeping(path, text, salvage);
            diagnostics.extend(found);
            in_reading_order(&mut diagnostics, path);
            let schema = schema.map(Arc::new);
            // What the items that parse name: a fix to one of those files re-checks the policy.
            let depends_on = salvaged.as_ref().map(|ast| named_files(ast, path)).unwrap_or_default();
            return Analysis { diagnostics, sources: loader.sources, salvaged, schema, depends_on, ..out };
        }
    };
    out.depends_on = named_files(&ast, path);
    let schema = schema_of(&ast, path, &mut loader, &mut out.diagnostics);
    if schema.is_none() && check::schema_declaration(&ast, path).is_some() {
        // As `verdict check`: a schema that does not load stops the check,
        // not the report of the other files the policy names.
        let named = loader.named_file_problems(&ast, path);
        out.diagnostics.extend(named);
    }
    if let Some(schema) = &schema {
        match check::check(&ast, path, text, schema) {
            Ok((checked, warnings)) => {
                let (batches, _, diags) = loader.load_files(&checked, path);
                out.batch_sizes = batches.iter().map(|b| (b.name.clone(), b.ids.len())).collect();
                out.diagnostics.extend(diags);
                out.diagnostics.extend(warnings);
                out.checked = Some(checked);
            }
            // As `verdict check`: the files the policy names are reported with its type errors.
            Err(diagnostics) => {
                out.diagnostics.extend(diagnostics);
                let unreadable = loader.named_file_problems(&ast, path);
                out.diagnostics.extend(unreadable);
            }
        }
    }
    Analysis { sources: loader.sources, ast: Some(ast), schema: schema.map(Arc::new), ..out }
}

/// Reads and loads the schema the policy names, reporting what fails.
fn schema_of(ast: &PolicyAst, path: &Path, loader: &mut Loader, diags: &mut Vec<Diagnostic>) -> Option<Schema> {
    let Some((schema_path, span)) = check::schema_declaration(ast, path) else {
        diags.extend(check::without_schema(ast, path));
        return None;
    };
    let schema_text = loader.read(&schema_path, path, span).map_err(|d| diags.push(*d)).ok()?;
    load_schema(&schema_path, &schema_text).map_err(|d| diags.extend(d)).ok()
}

/// The schema, batch and hook files a parsed policy names, resolved against its folder.
pub fn named_files(ast: &PolicyAst, path: &Path) -> Vec<PathBuf> {
    ast.items
        .iter()
        .filter_map(|item| match item {
            Item::Schema { path: written, .. } | Item::Batch { path: written, .. } => Some(&written.node),
            Item::Hook(hook) => Some(&hook.path.node),
            _ => None,
        })
        .map(|written| check::resolve(path, written))
        .collect()
}
