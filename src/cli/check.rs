//! `verdict check POLICY`: parse, type-check and lint.

use super::render::{diagnostics_json, render_all, stderr_color};
use super::Exit;
use std::path::PathBuf;
use verdict::diagnostic::codes;
use verdict::terminal::counted;

/// Arguments of `verdict check`.
#[derive(clap::Args)]
#[command(after_help = super::examples_and_exit_codes("  verdict check policies/lifecycle.policy\n  verdict check --deny-warnings --error-format json policies/*.policy", &[
    (0, "every policy compiles (warnings allowed, unless --deny-warnings)"),
    (2, "a policy (or schema, hook, batch) does not compile or cannot be read, a warning under --deny-warnings, or the command line is wrong"),
]))]
pub struct CheckArgs {
    /// The policy files, or folders: a folder stands for the `.policy` files under it.
    #[arg(required = true)]
    policies: Vec<PathBuf>,
    /// Treat warnings as errors (exit 2 when there are any).
    #[arg(long)]
    deny_warnings: bool,
    /// How diagnostics are written.
    #[arg(long, value_name = "FORMAT", default_value = "human")]
    error_format: super::ErrorFormat,
}

pub fn run(args: CheckArgs) -> Exit {
    let (policies, mut exit) = policies_named(&args.policies);
    // Every policy's diagnostics in one array, each naming the policy whose
    // check found it: one document a pipeline parses, however many files.
    let mut as_json = Vec::new();
    for path in &policies {
        let (diags, sources, ok) = match verdict::load_policy(path) {
            Ok(loaded) => (loaded.warnings, loaded.sources, true),
            Err(mut e) => {
                told_what_it_is(path, &mut e.diagnostics);
                (e.diagnostics, e.sources, false)
            }
        };
        let errors = diags.iter().filter(|d| d.is_error()).count();
        let warnings = diags.len() - errors;
        if args.error_format == super::ErrorFormat::Json {
            let policy = serde_json::Value::from(path.display().to_string());
            as_json.extend(diagnostics_json(&diags, &sources).into_iter().map(|mut d| {
                if let Some(fields) = d.as_object_mut() {
                    fields.insert("policy".into(), policy.clone());
                }
                d
            }));
        } else {
            eprint!("{}", render_all(&diags, &sources, stderr_color()));
            if ok && args.deny_warnings && warnings > 0 {
                eprintln!(
                    "{}: {}, denied by --deny-warnings",
                    verdict::terminal::shown_path(path),
                    counted(warnings, "warning")
                );
            } else if ok {
                if !super::render::quiet() {
                    eprintln!("{}: ok ({})", verdict::terminal::shown_path(path), counted(warnings, "warning"));
                }
            } else {
                eprintln!(
                    "{}: {}, {}",
                    verdict::terminal::shown_path(path),
                    counted(errors, "error"),
                    counted(warnings, "warning")
                );
            }
        }
        if !ok || (args.deny_warnings && warnings > 0) {
            exit = exit.max(Exit::Invalid);
        }
    }
    if args.error_format == super::ErrorFormat::Json {
        let document = serde_json::to_string_pretty(&as_json).unwrap_or_default();
        if let Err(e) = super::files::print(&format!("{document}\n")) {
            return exit.max(super::files::output_failed(&e));
        }
    }
    exit
}

/// The policies to check: a folder stands for the `.policy` files under it
/// (as for `fmt` and `test`); any other path is checked as named, so that a
/// missing one gets its diagnostic. Exit 2 for a folder that holds none.
fn policies_named(paths: &[PathBuf]) -> (Vec<PathBuf>, Exit) {
    let mut out: Vec<PathBuf> = Vec::new();
    let mut exit = Exit::Ok;
    // A policy named twice (itself and in its folder) is checked once.
    let mut seen = std::collections::HashSet::new();
    let mut take = |out: &mut Vec<PathBuf>, path: PathBuf| {
        if seen.insert(std::fs::canonicalize(&path).unwrap_or_else(|_| path.clone())) {
            out.push(path);
        }
    };
    for path in paths {
        if !path.is_dir() {
            take(&mut out, path.clone());
            continue;
        }
        match verdict::walk::find_files(std::slice::from_ref(path), ".policy") {
            Ok(found) if found.is_empty() => {
                eprintln!("error: no policy (`*.policy`) under `{}`", verdict::terminal::shown_path(path));
                exit = Exit::Invalid;
            }
            Ok(found) => found.into_iter().for_each(|file| take(&mut out, file)),
            Err(e) => {
                eprintln!("error: {e}");
                exit = Exit::Invalid;
            }
        }
    }
    (out, exit)
}

/// A schema, test file or portfolio given to `check` fails as a policy with
/// a syntax error that does not say why: the first error says what the file
/// looks like, and which command reads it.
fn told_what_it_is(path: &std::path::Path, diags: &mut [verdict::diagnostic::Diagnostic]) {
    let Some(first) = diags.first_mut().filter(|d| d.code == codes::SYNTAX && d.help.is_none()) else {
        return;
    };
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or_default();
    let shown = verdict::terminal::shown_path(path);
    let ends = |endings: &[&str]| endings.iter().any(|e| name.ends_with(e));
    first.help = if ends(&[".test.yaml", ".test.yml"]) {
        Some(format!("`{name}` is a test file, not a policy: run it with `verdict test {shown}`"))
    } else if ends(&[".schema.yaml", ".schema.yml"]) {
        Some(format!(
            "`{name}` is a schema, not a policy: it is checked with the policy that names it (`schema \"{name}\"`)"
        ))
    } else if verdict::snapshot::Format::of_file(path).is_ok() {
        Some(format!("`{name}` looks like a portfolio, not a policy: decide it with `verdict eval POLICY {shown}`"))
    } else {
        None
    };
}
