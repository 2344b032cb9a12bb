//! `verdict test [PATHS...]`: run decision tests.

use super::Exit;

/// Arguments of `verdict test`.
#[derive(clap::Args)]
pub struct TestArgs {}

pub fn run(_args: TestArgs) -> Exit {
    eprintln!("verdict test: not built yet");
    Exit::Invalid
}
