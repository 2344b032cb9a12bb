//! Loading a policy from disk: read → parse → schema → check → batches and
//! hooks → compile, collecting every diagnostic along the way.

use crate::check::{self, BatchDecl, CheckedPolicy};
use crate::compile::{compile, Batch, Program};
use crate::diagnostic::{codes, Diagnostic, SourceMap, Span};
use crate::hooks::Hook;
use crate::schema::{load_schema, Schema};
use crate::syntax::{
    ast::{Item, PolicyAst},
    parser::{parse_policy_or_salvage, Salvage, Unparsed},
};
use sha2::{Digest, Sha256};
use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::Arc;

mod analysis;
pub use analysis::{analyze_policy_source, named_files, Analysis};

/// A policy ready to evaluate, with its warnings and the sources read.
#[derive(Debug)]
pub struct LoadedPolicy {
    /// The compiled program.
    pub program: Arc<Program>,
    /// Warnings from checking (errors stop the load).
    pub warnings: Vec<Diagnostic>,
    /// Every file read, for rendering diagnostics.
    pub sources: SourceMap,
    /// The parsed policy (for the formatter and explain).
    pub ast: PolicyAst,
}

/// A policy that failed to load: every diagnostic found, with the sources read.
#[derive(Debug, thiserror::Error)]
#[error("{}", self.summary())]
pub struct LoadError {
    /// Errors and warnings.
    pub diagnostics: Vec<Diagnostic>,
    /// Every file read.
    pub sources: SourceMap,
}

impl LoadError {
    /// "does not compile (N errors)", or, when the policy file itself could
    /// not be read (nothing else was), why: a missing file is not a policy
    /// with an error in it.
    fn summary(&self) -> String {
        let errors: Vec<&Diagnostic> = self.diagnostics.iter().filter(|d| d.is_error()).collect();
        match errors.as_slice() {
            [only] if only.code == codes::UNREADABLE_FILE && self.sources.files().is_empty() => {
                format!("the policy cannot be loaded: {}", only.message)
            }
            _ => format!("the policy does not compile ({} error(s))", errors.len()),
        }
    }
}

/// Stack for parsing, checking and compiling: expression trees may be up to
/// `MAX_OPERATORS` deep, and each stage walks them recursively. It is address
/// space, not memory: only the pages a deep policy touches are ever committed.
const LOAD_STACK: usize = 256 << 20;

/// Loads, checks and compiles the policy at `path`.
pub fn load_policy(path: &Path) -> Result<LoadedPolicy, LoadError> {
    let loaded = on_large_stack(|| {
        let mut loader = Loader::default();
        let text = match loader.read(path, path, Span::default()) {
            Ok(t) => t,
            Err(d) => return Err(loader.fail(vec![*d])),
        };
        load_policy_text(path, &text, loader)
    });
    loaded.unwrap_or_else(|e| Err(no_thread(&e)))
}

/// Loads a policy whose text is given (its schema, batches and hooks are still read from disk).
pub fn load_policy_source(path: &Path, text: &str) -> Result<LoadedPolicy, LoadError> {
    let loaded = on_large_stack(|| {
        let mut loader = Loader::default();
        loader.sources.add(path, text.into());
        loader.files.push((path.to_path_buf(), text.as_bytes().to_vec()));
        load_policy_text(path, text, loader)
    });
    loaded.unwrap_or_else(|e| Err(no_thread(&e)))
}

fn no_thread(e: &std::io::Error) -> LoadError {
    let message = format!("cannot start a thread to load the policy: {e}");
    LoadError {
        diagnostics: vec![Diagnostic::error(codes::INTERNAL, Path::new(""), Span::default(), message)],
        sources: SourceMap::default(),
    }
}

/// Runs `work` on a thread with a stack large enough for the deepest policy
/// the parser accepts (parsing, checking and printing recurse along the
/// expression tree), whatever the caller's own stack.
///
/// # Errors
///
/// When the thread cannot be started.
pub(crate) fn on_large_stack<T: Send>(work: impl FnOnce() -> T + Send) -> std::io::Result<T> {
    std::thread::scope(|scope| {
        let handle =
            std::thread::Builder::new().name("verdict-load".into()).stack_size(LOAD_STACK).spawn_scoped(scope, work)?;
        Ok(handle.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic)))
    })
}

fn load_policy_text(path: &Path, text: &str, mut loader: Loader) -> Result<LoadedPolicy, LoadError> {
    let ast = match parse_policy_or_salvage(path, text) {
        Ok(ast) => ast,
        Err(unparsed) => {
            let Unparsed { diagnostics: mut diags, salvage } = *unparsed;
            diags.extend(loader.beyond_syntax(path, text, salvage));
            in_reading_order(&mut diags, path);
            return Err(loader.fail(diags));
        }
    };
    let Some((schema_path, schema_span)) = check::schema_declaration(&ast, path) else {
        return Err(loader.fail(check::without_schema(&ast, path)));
    };
    // A schema that cannot be read or does not load stops the check, not the
    // report of the other files the policy names: all are said at once.
    let schema_text = loader.read(&schema_path, path, schema_span).map_err(|d| {
        let mut diags = vec![*d];
        diags.extend(loader.named_file_problems(&ast, path));
        loader.fail(diags)
    })?;
    let schema = load_schema(&schema_path, &schema_text).map_err(|mut diags| {
        diags.extend(loader.named_file_problems(&ast, path));
        loader.fail(diags)
    })?;
    let (checked, mut warnings) = match check::check(&ast, path, text, &schema) {
        Ok(checked) => checked,
        Err(mut diags) => {
            // The files the policy names are reported with its type errors, not after them.
            diags.extend(loader.named_file_problems(&ast, path));
            in_reading_order(&mut diags, path);
            return Err(loader.fail(diags));
        }
    };
    let (batches, hooks, mut diags) = loader.load_files(&checked, path);
    if diags.iter().any(Diagnostic::is_error) {
        diags.extend(warnings);
        return Err(loader.fail(diags));
    }
    warnings.extend(diags);
    let fingerprint = loader.fingerprint(path);
    let program = compile(checked, text, Arc::new(schema), batches, hooks, fingerprint);
    Ok(LoadedPolicy { program: Arc::new(program), warnings, sources: loader.sources, ast })
}

/// The name of a file beside the missing `path` that is a likely
/// misspelling of its name (`fraud_risk.rhai` for `fraud_rsk.rhai`), among
/// the first thousands of its folder's entries. Only the name: the folder
/// is as written, and a path would be relative to the policy's folder where
/// written, to the working folder where shown.
fn sibling_named_alike(path: &Path) -> Option<String> {
    const MOST_ENTRIES: usize = 10_000;
    let name = path.file_name()?.to_str()?;
    let folder = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let names: Vec<String> = std::fs::read_dir(folder)
        .ok()?
        .take(MOST_ENTRIES)
        .filter_map(|entry| {
            let entry = entry.ok()?;
            entry.file_type().ok()?.is_file().then(|| entry.file_name().into_string().ok()).flatten()
        })
        .collect();
    let nearest = crate::diagnostic::nearest_names(name, names.iter().map(String::as_str), 1);
    nearest.first().map(|found| (*found).to_string())
}

/// Sorts diagnostics by where they are in the policy (those in other files after, in their order).
fn in_reading_order(diags: &mut [Diagnostic], policy: &Path) {
    diags.sort_by_key(|d| (d.file != policy, if d.file == policy { d.span.start } else { 0 }));
}

#[derive(Default)]
struct Loader {
    sources: SourceMap,
    /// Every file the decisions depend on, in load order, for the fingerprint.
    files: Vec<(PathBuf, Vec<u8>)>,
}

impl Loader {
    fn fail(&mut self, diagnostics: Vec<Diagnostic>) -> LoadError {
        LoadError { diagnostics, sources: std::mem::take(&mut self.sources) }
    }

    fn fail_ref(&mut self, diagnostics: Vec<Diagnostic>) -> LoadError {
        self.fail(diagnostics)
    }

    /// Reads a file; a failure is reported at `span` in `from` (the declaration that named it).
    fn read(&mut self, path: &Path, from: &Path, span: Span) -> Result<String, Box<Diagnostic>> {
        // Only files a policy names: the policy itself (or a schema given on
        // the command line) may come from a pipe (`verdict check /dev/stdin`).
        if let Some(problem) = (path != from).then(|| not_a_file_to_read(path)).flatten() {
            let message = format!("cannot read `{}`: {problem}", path.display());
            return Err(Box::new(
                Diagnostic::error(codes::UNREADABLE_FILE, from, span, message).with_label("named here"),
            ));
        }
        match read_bounded(path) {
            Ok(bytes) => match crate::diagnostic::utf8_text(codes::UNREADABLE_FILE, path, bytes) {
                Ok(text) => {
                    self.sources.add(path, text.as_str().into());
                    self.files.push((path.to_path_buf(), text.as_bytes().to_vec()));
                    Ok(text)
                }
                // The policy's own bytes are said where they are; a file it
                // names, at the declaration (where an editor shows the
                // policy's problem), with the byte's place in the message
                // and as a related location.
                Err((d, shown)) if path == from => {
                    self.sources.add(path, shown.into());
                    Err(d)
                }
                Err((d, shown)) => {
                    let (line, column) = crate::diagnostic::line_col(&shown, d.span.start as usize);
                    let message = format!("{} (at line {line}, column {column})", d.message);
                    let mut named =
                        Diagnostic::error(codes::UNREADABLE_FILE, from, span, message).with_label("named here");
                    named.help = d.help;
                    self.sources.add(path, shown.into());
                    Err(Box::new(named.with_related(path, d.span, "not UTF-8")))
                }
            },
            Err(e) => {
                let mut d = Diagnostic::error(
                    codes::UNREADABLE_FILE,
                    from,
                    span,
                    format!("cannot read `{}`: {e}", path.display()),
                )
                .with_label("named here");
                if e.kind() == std::io::ErrorKind::NotFound {
                    d.help = written_with_backslashes(path)
                        .or_else(|| sibling_named_alike(path).map(|name| format!("did you mean `{name}`?")));
                }
                Err(Box::new(d))
            }
        }
    }

    /// The errors of a policy that does not parse in the items that do: its
    /// schema's, its type errors and its files', so that one run reports
    /// them all. Left out: errors that only say a name a broken item
    /// declares is missing, and warnings (an unused let may be used by a
    /// broken rule).
    fn beyond_syntax(&mut self, policy: &Path, text: &str, salvaged: Option<Salvage>) -> Vec<Diagnostic> {
        self.beyond_syntax_keeping(policy, text, salvaged).0
    }

    /// [`Loader::beyond_syntax`], keeping the items that parse and the schema
    /// they name (for the editor, whose names and outline come from them).
    fn beyond_syntax_keeping(
        &mut self,
        policy: &Path,
        text: &str,
        salvaged: Option<Salvage>,
    ) -> (Vec<Diagnostic>, Option<PolicyAst>, Option<Schema>) {
        let Some(salvaged) = salvaged else {
            return (Vec::new(), None, None);
        };
        let Some((schema_path, span)) = check::schema_declaration(&salvaged.ast, policy) else {
            return (Vec::new(), Some(salvaged.ast), None);
        };
        let schema = match self.read(&schema_path, policy, span) {
            Ok(schema_text) => load_schema(&schema_path, &schema_text),
            Err(d) => Err(vec![*d]),
        };
        let (schema, checked) = match schema {
            Ok(schema) => {
                let checked = check::check(&salvaged.ast, policy, &salvaged.text, &schema);
                (Some(schema), Ok(checked))
            }
            Err(diags) => (None, Err(diags)),
        };
        let mut found = match checked {
            Err(mut diags) => {
                diags.extend(self.named_file_problems(&salvaged.ast, policy));
                diags
            }
            Ok(Ok((checked, _warnings))) => self.load_files(&checked, policy).2,
            Ok(Err(mut diags)) => {
                diags.retain(|d| !salvaged.may_explain(d, text));
                diags.extend(self.named_file_problems(&salvaged.ast, policy));
                diags
            }
        };
        found.retain(Diagnostic::is_error);
        (found, Some(salvaged.ast), schema)
    }

    /// Where a policy that did not check names a batch or hook file that
    /// cannot be read (each once, at the declaration that names it first),
    /// and the errors of each hook script that does not compile.
    fn named_file_problems(&mut self, ast: &PolicyAst, policy: &Path) -> Vec<Diagnostic> {
        let named: Vec<(PathBuf, Span, Option<&crate::syntax::ast::HookDecl>)> = ast
            .items
            .iter()
            .filter_map(|item| match item {
                Item::Batch { path, span, .. } => Some((check::resolve(policy, &path.node), *span, None)),
                Item::Hook(h) => Some((check::resolve(policy, &h.path.node), h.span, Some(h))),
                _ => None,
            })
            .collect();
        let mut seen = HashSet::new();
        let mut out = Vec::new();
        for (file, span, hook) in &named {
            if !seen.insert(file.clone()) {
                continue;
            }
            match self.read(file, policy, *span) {
                Err(d) => out.push(*d),
                // Each script once, with every hook that names it.
                Ok(text) if hook.is_some() => {
                    let hooks: Vec<crate::hooks::Declared<'_>> = named
                        .iter()
                        .filter(|(f, _, _)| f == file)
                        .filter_map(|(_, _, h)| *h)
                        .map(|h| crate::hooks::Declared {
                            name: &h.name.node,
                            arity: h.params.len(),
                            file: policy,
                            span: h.span,
                        })
                        .collect();
                    out.extend(crate::hooks::script_problems(file, &text, &hooks));
                }
                Ok(_) => {}
            }
        }
        out
    }

    /// The batch and hook files of a checked policy, read and loaded, with
    /// their problems (each once: a script shared by several hooks is
    /// compiled for each).
    fn load_files(&mut self, checked: &CheckedPolicy, policy: &Path) -> (Vec<Batch>, Vec<Hook>, Vec<Diagnostic>) {
        let mut diags = Vec::new();
        let batches = self.batches(checked, policy, &mut diags);
        let hooks = self.hooks(checked, policy, &mut diags);
        dedup_in_place(&mut diags);
        (batches, hooks, diags)
    }

    fn batches(&mut self, checked: &CheckedPolicy, policy: &Path, diags: &mut Vec<Diagnostic>) -> Vec<Batch> {
        let mut out = Vec::new();
        for BatchDecl { name, path, span, int_use } in &checked.batches {
            match self.read(path, policy, *span) {
                Ok(text) => {
                    let entries = batch_entries(&text);
                    if entries.is_empty() {
                        diags.push(empty_batch(name, path, policy, *span));
                    }
                    if let Some(used) = int_use {
                        diags.extend(not_whole_numbers(name, path, &entries, (policy, *used)));
                    }
                    // Against an int, such a line is not a whole number: `E0109` names it.
                    if int_use.is_none() {
                        diags.extend(unseen_in_ids(name, path, &entries));
                    }
                    let mut ids = HashSet::new();
                    let mut repeated = Vec::new();
                    for &entry in &entries {
                        if !ids.insert(Box::from(entry.id)) {
                            repeated.push(entry);
                        }
                    }
                    // The first repeat's first listing, looked for only when there is a repeat.
                    let first_listed = repeated.first().and_then(|r| entries.iter().find(|e| e.id == r.id));
                    diags.extend(repeated_ids(name, path, &repeated).map(|d| match first_listed {
                        Some(first) => d.with_related(path, first.span, "first listed here"),
                        None => d,
                    }));
                    out.push(Batch::new(name.clone(), ids));
                }
                Err(d) => {
                    diags.push(*d);
                    out.push(Batch::new(name.clone(), Default::default()));
                }
            }
        }
        out
    }

    fn hooks(&mut self, checked: &CheckedPolicy, policy: &Path, diags: &mut Vec<Diagnostic>) -> Vec<Hook> {
        let mut out = Vec::new();
        for sig in &checked.hooks {
            let script = match self.read(&sig.path, policy, sig.span) {
                Ok(t) => t,
                Err(d) => {
                    diags.push(*d);
                    continue;
                }
            };
            match Hook::load(sig.clone(), &sig.path, &script, policy) {
                Ok(h) => out.push(h),
                Err(d) => diags.extend(d),
            }
        }
        out
    }

    /// `sha256:` over the policy's bytes, then each file it names (schema,
    /// hooks, batches: in load order) by its name relative to the policy's
    /// folder and its bytes. The policy's own name, and how its path was
    /// spelled (`./p`, `dir/../p`, absolute), do not count: the same files
    /// decide the same, and give the same fingerprint.
    fn fingerprint(&self, policy: &Path) -> String {
        let base = check::fold(policy.parent().unwrap_or_else(|| Path::new("")));
        let mut hasher = Sha256::new();
        for (i, (path, bytes)) in self.files.iter().enumerate() {
            let name = if i == 0 { String::new() } else { relative_name(&base, &check::fold(path)) };
            hasher.update((name.len() as u64).to_le_bytes());
            hasher.update(name.as_bytes());
            hasher.update((bytes.len() as u64).to_le_bytes());
            hasher.update(bytes);
        }
        let digest = hasher.finalize();
        let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
        format!("sha256:{hex}")
    }
}

/// `path` relative to the folder `base` (both folded), with `..` for each
/// level it lies above it, `/`-separated on every system.
fn relative_name(base: &Path, path: &Path) -> String {
    let (base, path): (Vec<_>, Vec<_>) = (base.components().collect(), path.components().collect());
    let common = base.iter().zip(&path).take_while(|(a, b)| a == b).count();
    let ups = base.len() - common;
    let downs = path.iter().skip(common).map(|c| c.as_os_str().to_string_lossy().into_owned());
    std::iter::repeat_n("..".to_string(), ups).chain(downs).collect::<Vec<_>>().join("/")
}

/// Removes repeats of a diagnostic (a script shared by several hooks is
/// compiled once per hook, and its errors would be reported as often).
fn dedup_in_place(diags: &mut Vec<Diagnostic>) {
    let mut seen = HashSet::new();
    diags.retain(|d| seen.insert((d.code, d.file.clone(), d.span.start, d.span.end, d.message.clone())));
}

/// One id of a batch file, where it stands.
#[derive(Clone, Copy, Debug)]
struct BatchEntry<'t> {
    id: &'t str,
    span: Span,
}

/// The ids of a batch file, one per line, read as a person means them: a
/// byte-order mark, `\r\n` or `\r` line ends and surrounding whitespace are
/// not part of an id; blank lines and `#` comments (a whole line, or after an
/// id and a space) are skipped. A `#` inside an id (`A#1`) is kept.
fn batch_entries(text: &str) -> Vec<BatchEntry<'_>> {
    let mut entries = Vec::new();
    let mut start = usize::from(text.starts_with('\u{feff}')) * '\u{feff}'.len_utf8();
    while let Some(rest) = text.get(start..) {
        let end = rest.find(['\n', '\r']).unwrap_or(rest.len());
        let line = rest.get(..end).unwrap_or_default();
        let comment = line
            .char_indices()
            .find(|&(i, c)| {
                c == '#'
                    && line.get(..i).is_some_and(|before| before.is_empty() || before.ends_with(char::is_whitespace))
            })
            .map_or(line.len(), |(i, _)| i);
        let kept = line.get(..comment).unwrap_or_default();
        let id = kept.trim();
        if !id.is_empty() {
            let id_start = start + (kept.len() - kept.trim_start().len());
            entries.push(BatchEntry { id, span: Span::new(id_start, id_start + id.len()) });
        }
        if end == rest.len() {
            break;
        }
        start += end + if rest.get(end..).is_some_and(|r| r.starts_with("\r\n")) { 2 } else { 1 };
    }
    entries
}

/// Ids a batch file lists more than once, shown at most this many by name in `W0113`.
const REPEATED_IDS_SHOWN: usize = 5;

/// `W0113`: one warning for a batch file that lists ids more than once (a
/// repeat is harmless to the decision, but often a typo for another id).
fn repeated_ids(name: &str, path: &Path, repeated: &[BatchEntry<'_>]) -> Option<Diagnostic> {
    let first = repeated.first()?;
    let mut seen = HashSet::new();
    let ids: Vec<&str> = repeated.iter().map(|e| e.id).filter(|id| seen.insert(*id)).collect();
    let shown: Vec<String> = ids.iter().take(REPEATED_IDS_SHOWN).map(|id| format!("`{id}`")).collect();
    let more = match ids.len().saturating_sub(REPEATED_IDS_SHOWN) {
        0 => String::new(),
        n => format!(" and {n} more"),
    };
    let message = match ids.len() {
        1 => format!("batch `{name}` lists {} more than once", shown.join(", ")),
        n => format!("batch `{name}` lists {n} ids more than once: {}{more}", shown.join(", ")),
    };
    Some(
        Diagnostic::warning(codes::REPEATED_BATCH_ID, path, first.span, message)
            .with_label("listed again here")
            .with_help("each id counts once; remove the repeated lines, and check that none is a typo for another id"),
    )
}

/// What makes a batch id's character one a reader cannot tell apart from
/// another (or from nothing), or `None`.
fn unseen(c: char) -> Option<String> {
    if let Some(what) = crate::terminal::invisible(c) {
        return Some(format!("U+{:04X} ({what})", u32::from(c)));
    }
    // A full-width letter, digit or mark (`Ａ`, `７`, `－`), as a Chinese input method types them.
    crate::diagnostic::full_width_form_of(c).map(|p| format!("`{c}` (U+{:04X}, a full-width `{p}`)", u32::from(c)))
}

/// `W0121`: one warning for a batch file whose ids hold invisible or
/// full-width characters: pasted from a document, or two files joined with
/// their byte-order marks, the id matches no account, and the account it
/// meant is quietly not in the batch.
fn unseen_in_ids(name: &str, path: &Path, entries: &[BatchEntry<'_>]) -> Option<Diagnostic> {
    let mut found = entries.iter().filter_map(|e| e.id.char_indices().find_map(|(at, c)| Some((e, at, c, unseen(c)?))));
    let (first, at, c, what) = found.next()?;
    let others = found.count();
    let start = first.span.start as usize + at;
    let more = match others {
        0 => String::new(),
        n => format!(" (and {})", crate::terminal::counted(n, "more id")),
    };
    let message =
        format!("batch `{name}` lists an id holding {what}{more}: it matches no account id written without it");
    Some(
        Diagnostic::warning(codes::BATCH_ID_UNSEEN, path, Span::new(start, start + c.len_utf8()), message)
            .with_label("here")
            .with_help("delete the character, or write the id as the book writes it"),
    )
}

/// `W0118`: a batch file that lists no id (empty, or only comments): its
/// rules can never act, which is what a failed export looks like, so a
/// regulatory closure would be quietly off. Said at the declaration.
fn empty_batch(name: &str, path: &Path, policy: &Path, span: Span) -> Diagnostic {
    let message = format!("batch `{name}` lists no ids: `{}` is empty or holds only comments", path.display());
    Diagnostic::warning(codes::EMPTY_BATCH, policy, span, message)
        .with_label("no account is in this batch")
        .with_help("check that the export writing the file ran; if no account is meant, remove the batch and its rules")
}

/// Lines of a batch file `E0109` points at, at most (its message counts them all).
const NOT_WHOLE_SHOWN: usize = 5;

/// `E0109`: one error for a batch matched against an `int` whose file lists
/// lines that are not whole numbers: they could never match an account, so
/// an account the file means to act on would silently be left alone.
fn not_whole_numbers(
    name: &str,
    path: &Path,
    entries: &[BatchEntry<'_>],
    (policy, used): (&Path, Span),
) -> Option<Diagnostic> {
    let bad: Vec<&BatchEntry<'_>> = entries.iter().filter(|e| e.id.parse::<i64>().is_err()).collect();
    let (first, others) = bad.split_first()?;
    let message = match bad.len() {
        1 => format!("batch `{name}` is matched against an int, but `{}` is not a whole number", first.id),
        n => format!("batch `{name}` is matched against an int, but {n} of its lines are not whole numbers"),
    };
    let mut d = Diagnostic::error(codes::BATCH_NOT_WHOLE_NUMBERS, path, first.span, message)
        .with_label("not a whole number: no account can match it")
        .with_help(
            "a batch matched against an int key lists one whole number per line (`1042`; `007` is 7): \
             correct the line, or comment it out with `#`",
        );
    for other in others.iter().take(NOT_WHOLE_SHOWN - 1) {
        d.relate(path, other.span, "not a whole number either");
    }
    Some(d.with_related(policy, used, "an int is looked up in the batch here"))
}

/// Loads just a schema file (for `synth` and snapshot tools).
pub fn load_schema_file(path: &Path) -> Result<Schema, LoadError> {
    let mut loader = Loader::default();
    let text = loader.read(path, path, Span::default()).map_err(|d| loader.fail_ref(vec![*d]))?;
    load_schema(path, &text).map_err(|d| loader.fail_ref(d))
}

/// A file's bytes, up to the bound of files read whole: the policy itself
/// may come from a pipe (`verdict check /dev/stdin`), so it is not refused
/// for being no regular file, but a device without end (`/dev/zero`) must
/// not fill the memory.
fn read_bounded(path: &Path) -> std::io::Result<Vec<u8>> {
    use std::io::Read;
    let limit = crate::snapshot::DEFAULT_MAX_FILE_BYTES;
    let mut bytes = Vec::new();
    std::fs::File::open(path)?.take(limit.saturating_add(1)).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > limit {
        return Err(std::io::Error::other(format!("it holds more than the {limit} bytes read whole")));
    }
    Ok(bytes)
}

/// Why a file a policy names (a schema, a hook script, a batch) is not one to
/// read whole: a device or a pipe (`/dev/stdin` would read the language
/// server's own input, `/dev/zero` without end) or a file over the bound of
/// files read whole. `None` when it may be read (or does not exist: reading
/// says so).
pub(crate) fn not_a_file_to_read(path: &Path) -> Option<String> {
    let meta = std::fs::metadata(path).ok()?;
    let limit = crate::snapshot::DEFAULT_MAX_FILE_BYTES;
    if !meta.is_file() && !meta.is_dir() {
        Some("it is not a regular file (a device, a pipe or a socket)".into())
    } else if meta.len() > limit {
        Some(format!("it is {} bytes, more than the {limit} read whole", meta.len()))
    } else {
        None
    }
}

/// A path written with Windows' `\` (`schemas\account.schema.yaml`): not
/// found where `\` is no separator, and a file "named alike" in the
/// policy's folder would be another one. The help says to write `/`, which
/// every system takes.
fn written_with_backslashes(path: &Path) -> Option<String> {
    let name = path.file_name()?.to_str()?;
    name.contains('\\').then(|| format!("paths are written with `/`, on Windows too: `{}`", name.replace('\\', "/")))
}
