//! `verdict completions SHELL` and `verdict man`: shell completions and a
//! man page, generated from the command line's own definition so they never
//! drift from it.

use super::files::{output_failed, print};
use super::Exit;
use clap::CommandFactory;

/// Arguments of `verdict completions`.
#[derive(clap::Args)]
#[command(after_help = super::examples_and_exit_codes(
    "  verdict completions bash > ~/.local/share/bash-completion/completions/verdict\n  verdict completions zsh > ~/.zfunc/_verdict"
))]
pub struct CompletionsArgs {
    /// The shell to complete for.
    shell: clap_complete::Shell,
}

/// Arguments of `verdict man`.
#[derive(clap::Args)]
#[command(after_help = super::examples_and_exit_codes(
    "  verdict man > ~/.local/share/man/man1/verdict.1 && man verdict"
))]
pub struct ManArgs {}

/// Writes the completion script for `args.shell` to standard output.
pub fn completions(args: CompletionsArgs) -> Exit {
    let mut command = super::Cli::command();
    let mut script = Vec::new();
    clap_complete::generate(args.shell, &mut command, "verdict", &mut script);
    print(&String::from_utf8_lossy(&script)).map_or_else(|e| output_failed(&e), |()| Exit::Ok)
}

/// Writes the man page (roff) to standard output.
pub fn man(_args: ManArgs) -> Exit {
    let mut page = Vec::new();
    let rendered = clap_mangen::Man::new(super::Cli::command()).render(&mut page);
    if let Err(e) = rendered {
        return output_failed(&e);
    }
    print(&String::from_utf8_lossy(&page)).map_or_else(|e| output_failed(&e), |()| Exit::Ok)
}
