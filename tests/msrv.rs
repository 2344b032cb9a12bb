//! The stated minimum Rust version is true of the lock file: no locked
//! dependency asks for a newer compiler than the manifest's `rust-version`.
//! (Our own code is held to it by clippy's `incompatible_msrv` lint, which
//! reads the same field.)

use std::process::Command;

fn version(text: &str) -> (u32, u32) {
    let mut parts = text.split('.').map(|part| part.parse::<u32>().expect("a numeric version"));
    (parts.next().expect("major"), parts.next().unwrap_or(0))
}

#[test]
fn no_locked_dependency_needs_a_newer_rust_than_ours() {
    let out = Command::new(env!("CARGO"))
        .args(["metadata", "--format-version", "1", "--offline", "--locked"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("cargo runs");
    assert!(out.status.success(), "cargo metadata failed: {}", String::from_utf8_lossy(&out.stderr));
    let metadata: serde_json::Value = serde_json::from_slice(&out.stdout).expect("cargo metadata prints JSON");
    let packages = metadata["packages"].as_array().expect("a package list");
    let ours = packages
        .iter()
        .find(|package| package["name"] == "verdict-policy")
        .and_then(|package| package["rust_version"].as_str())
        .map(version)
        .expect("our manifest states a rust-version");
    let newer: Vec<String> = packages
        .iter()
        .filter_map(|package| {
            let needs = version(package["rust_version"].as_str()?);
            (needs > ours).then(|| format!("{} {} needs {needs:?}", package["name"], package["version"]))
        })
        .collect();
    assert!(newer.is_empty(), "locked dependencies newer than our rust-version {ours:?}: {newer:?}");
}
