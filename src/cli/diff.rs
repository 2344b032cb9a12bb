//! `verdict diff OLD NEW [SNAPSHOTS...]`: impact of a policy change.

use super::Exit;

/// Arguments of `verdict diff`.
#[derive(clap::Args)]
pub struct DiffArgs {}

pub fn run(_args: DiffArgs) -> Exit {
    eprintln!("verdict diff: not built yet");
    Exit::Invalid
}
