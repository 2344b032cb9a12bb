//! `verdict synth SCHEMA --count N --seed S`: a generated portfolio.

use super::Exit;

/// Arguments of `verdict synth`.
#[derive(clap::Args)]
pub struct SynthArgs {}

pub fn run(_args: SynthArgs) -> Exit {
    eprintln!("verdict synth: not built yet");
    Exit::Invalid
}
