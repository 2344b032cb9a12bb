//! `verdict completions SHELL` and `verdict man`: shell completions and a
//! man page, generated from the command line's own definition so they never
//! drift from it.

use super::files::{output_failed, print};
use super::Exit;
use clap::CommandFactory;

/// Arguments of `verdict completions`.
#[derive(clap::Args)]
#[command(after_help = super::examples_and_exit_codes(
    "  verdict completions bash > ~/.local/share/bash-completion/completions/verdict\n  verdict completions zsh > ~/.zfunc/_verdict",
    &[(0, "the script was written"), (2, "the command line is wrong")]
))]
pub struct CompletionsArgs {
    /// The shell to complete for.
    shell: clap_complete::Shell,
}

/// Arguments of `verdict man`.
#[derive(clap::Args)]
#[command(after_help = super::examples_and_exit_codes(
    "  verdict man > ~/.local/share/man/man1/verdict.1 && man verdict\n  \
     for c in check eval test fmt explain diff; do verdict man $c > ~/.local/share/man/man1/verdict-$c.1; done",
    &[(0, "the page was written"), (2, "no such subcommand, or the command line is wrong")]
))]
pub struct ManArgs {
    /// A subcommand, for its own page (`verdict-eval(1)`, as the main page's list names it).
    #[arg(value_name = "SUBCOMMAND")]
    command: Option<String>,
}

/// Writes the completion script for `args.shell` to standard output.
pub fn completions(args: CompletionsArgs) -> Exit {
    let mut command = super::Cli::command();
    let mut script = Vec::new();
    clap_complete::generate(args.shell, &mut command, "verdict", &mut script);
    print(&String::from_utf8_lossy(&script)).map_or_else(|e| output_failed(&e), |()| Exit::Ok)
}

/// Writes the man page (roff) of verdict or of one subcommand to standard output.
pub fn man(args: ManArgs) -> Exit {
    let mut command = super::Cli::command();
    command.build();
    let man = match &args.command {
        None => clap_mangen::Man::new(command),
        Some(name) => match command.find_subcommand(name) {
            Some(sub) => {
                let sub = sub.clone().bin_name(format!("verdict {name}"));
                clap_mangen::Man::new(sub).title(format!("verdict-{name}"))
            }
            None => {
                let names: Vec<&str> = command.get_subcommands().map(clap::Command::get_name).collect();
                eprintln!("error: no subcommand `{name}`; the subcommands are {}", names.join(", "));
                return Exit::Invalid;
            }
        },
    };
    let mut page = Vec::new();
    let rendered = man.render(&mut page);
    if let Err(e) = rendered {
        return output_failed(&e);
    }
    print(&String::from_utf8_lossy(&page)).map_or_else(|e| output_failed(&e), |()| Exit::Ok)
}
