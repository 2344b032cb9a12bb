//! The VS Code extension's TextMate grammar, tested by the npm tools made for
//! it (editors/vscode/tests/run.js): scope assertions on a file that uses
//! every scope, and snapshots of the scopes of every shipped policy. Needs
//! Node and npm; `npm ci --ignore-scripts` (nothing the tests run needs an
//! install script) runs first when editors/vscode/node_modules is
//! missing. Under `CI=true` a missing npm fails the test (.ci/run installs
//! it) instead of skipping it.

use std::path::Path;
use std::process::Command;

fn npm_works() -> bool {
    Command::new("npm").arg("--version").output().is_ok_and(|out| out.status.success())
}

#[test]
fn the_textmate_grammar_passes_its_tests() {
    let extension = Path::new(env!("CARGO_MANIFEST_DIR")).join("editors/vscode");
    if !npm_works() {
        if std::env::var("CI").is_ok_and(|v| v == "true") {
            panic!("npm is missing: .ci/run installs Debian's nodejs and npm packages before the tests");
        }
        eprintln!("\n!!! SKIPPED the_textmate_grammar_passes_its_tests: npm is not installed (apt-get install nodejs npm) !!!\n");
        return;
    }
    if !extension.join("node_modules/.bin/vscode-tmgrammar-test").exists() {
        let status = Command::new("npm")
            .args(["ci", "--no-audit", "--no-fund", "--ignore-scripts"])
            .current_dir(&extension)
            .status()
            .expect("run npm ci");
        assert!(status.success(), "`npm ci` failed in editors/vscode");
    }
    let out = Command::new("node").arg("tests/run.js").current_dir(&extension).output().expect("run node");
    let text = |b: &[u8]| String::from_utf8_lossy(b).into_owned();
    assert!(out.status.success(), "the grammar tests failed:\n{}\n{}", text(&out.stdout), text(&out.stderr));
    assert!(text(&out.stdout).contains("shipped policies passed"), "{}", text(&out.stdout));
}
