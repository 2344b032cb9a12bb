//! The crate as a library: without its default `cli` feature it builds none of
//! the command line's dependencies.

use std::process::Command;

/// The crates a build of the library alone compiles (normal dependencies).
fn library_dependencies() -> Vec<String> {
    let out = Command::new(env!("CARGO"))
        .args(["tree", "--offline", "--locked", "--no-default-features", "-e", "normal", "--prefix", "none"])
        .args(["--format", "{p}"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("cargo runs");
    assert!(out.status.success(), "cargo tree failed: {}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8(out.stdout).expect("utf-8");
    let mut crates: Vec<String> =
        text.lines().filter_map(|line| line.split_whitespace().next()).map(str::to_owned).collect();
    crates.sort();
    crates.dedup();
    crates
}

#[test]
fn the_library_alone_compiles_none_of_the_command_lines_crates() {
    let crates = library_dependencies();
    for cli_only in ["clap", "miette", "indicatif", "ctrlc", "mimalloc"] {
        assert!(!crates.iter().any(|name| name == cli_only), "{cli_only} is built for the library: {crates:?}");
    }
    // 77 when this test was written (138 with the command line), 94 once the
    // library read and wrote Parquet (the arrow and parquet crates, which the
    // Python package and Spark decide through); a new dependency of the
    // library should be a decision, not an accident.
    assert!(crates.len() <= 100, "{} crates for the library alone: {crates:?}", crates.len());
}
