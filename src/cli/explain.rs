//! `verdict explain POLICY SNAPSHOT --id ID`: one decision, explained.

use super::Exit;

/// Arguments of `verdict explain`.
#[derive(clap::Args)]
pub struct ExplainArgs {}

pub fn run(_args: ExplainArgs) -> Exit {
    eprintln!("verdict explain: not built yet");
    Exit::Invalid
}
