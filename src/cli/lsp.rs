//! `verdict lsp`: the language server, over standard input and output (docs/editors.md).

use super::Exit;

/// Arguments of `verdict lsp`.
#[derive(clap::Args)]
#[command(after_help = "Examples:
  verdict lsp            (started by the editor: VS Code's extension in editors/vscode, or any LSP client)

Exit codes:
  0    the client sent `shutdown`, then `exit`
  1    `exit` without `shutdown`, or the input closed
  2    the command line is wrong")]
pub struct LspArgs {
    /// Talk over standard input and output (the only transport; accepted because editors pass it).
    #[arg(long)]
    stdio: bool,
}

pub fn run(args: LspArgs) -> Exit {
    let _ = args.stdio;
    match verdict::lsp::serve(std::io::BufReader::new(std::io::stdin()), std::io::stdout().lock()) {
        verdict::lsp::Ending::Clean => Exit::Ok,
        verdict::lsp::Ending::Abrupt => Exit::Failures,
    }
}
