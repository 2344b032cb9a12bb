//! `verdict fmt [--check] FILES...`: canonical layout.

use super::Exit;

/// Arguments of `verdict fmt`.
#[derive(clap::Args)]
pub struct FmtArgs {}

pub fn run(_args: FmtArgs) -> Exit {
    eprintln!("verdict fmt: not built yet");
    Exit::Invalid
}
