//! `verdict check POLICY`: parse, type-check and lint.

use super::render::{render_all, render_json, stderr_color};
use super::Exit;
use std::path::PathBuf;

/// Arguments of `verdict check`.
#[derive(clap::Args)]
#[command(after_help = super::examples_and_exit_codes("  verdict check policies/lifecycle.policy\n  verdict check --deny-warnings --error-format json policies/*.policy"))]
pub struct CheckArgs {
    /// The policy file(s).
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
    let mut exit = Exit::Ok;
    for path in &args.policies {
        let (diags, sources, ok) = match verdict::load_policy(path) {
            Ok(loaded) => (loaded.warnings, loaded.sources, true),
            Err(e) => (e.diagnostics, e.sources, false),
        };
        let errors = diags.iter().filter(|d| d.is_error()).count();
        let warnings = diags.len() - errors;
        if args.error_format == super::ErrorFormat::Json {
            if let Err(e) = super::files::print(&format!("{}\n", render_json(&diags, &sources))) {
                return exit.max(super::files::output_failed(&e));
            }
        } else {
            eprint!("{}", render_all(&diags, &sources, stderr_color()));
            if ok && args.deny_warnings && warnings > 0 {
                let plural = if warnings == 1 { "" } else { "s" };
                eprintln!("{}: {warnings} warning{plural}, denied by --deny-warnings", path.display());
            } else if ok {
                if !super::render::quiet() {
                    eprintln!("{}: ok ({warnings} warning{})", path.display(), if warnings == 1 { "" } else { "s" });
                }
            } else {
                eprintln!(
                    "{}: {errors} error{}, {warnings} warning{}",
                    path.display(),
                    if errors == 1 { "" } else { "s" },
                    if warnings == 1 { "" } else { "s" }
                );
            }
        }
        if !ok || (args.deny_warnings && warnings > 0) {
            exit = exit.max(Exit::Invalid);
        }
    }
    exit
}
