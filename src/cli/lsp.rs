//! `verdict lsp`: the language server, over standard input and output (docs/editors.md).

use super::Exit;

/// Arguments of `verdict lsp`.
#[derive(clap::Args)]
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
