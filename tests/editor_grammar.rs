//! The VS Code extension's TextMate grammar, tested by the npm tools made for
//! it (editors/vscode/tests/run.js): scope assertions on a file that uses
//! every scope, and snapshots of the scopes of every shipped policy. And the
//! extension itself, packaged into a `.vsix` by `vsce` (the standard tool,
//! a dev dependency from the npm registry) with every file it runs on. Needs
//! Node and npm; `npm ci --ignore-scripts` (nothing the tests run needs an
//! install script) runs first when editors/vscode/node_modules is
//! missing. Under `CI=true` a missing npm fails the test (.ci/run installs
//! it) instead of skipping it.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Mutex;

fn npm_works() -> bool {
    Command::new("npm").arg("--version").output().is_ok_and(|out| out.status.success())
}

/// The extension's folder with its npm packages installed, or `None` when
/// npm is missing outside CI (the test is skipped). Installs once for both
/// tests of this file.
fn extension_with_packages(test: &str) -> Option<PathBuf> {
    static INSTALLED: Mutex<bool> = Mutex::new(false);
    let extension = Path::new(env!("CARGO_MANIFEST_DIR")).join("editors/vscode");
    if !npm_works() {
        if std::env::var("CI").is_ok_and(|v| v == "true") {
            panic!("npm is missing: .ci/run installs Debian's nodejs and npm packages before the tests");
        }
        eprintln!("\n!!! SKIPPED {test}: npm is not installed (apt-get install nodejs npm) !!!\n");
        return None;
    }
    let mut installed = INSTALLED.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    let tools = ["vscode-tmgrammar-test", "vsce"];
    if !*installed && !tools.iter().all(|tool| extension.join("node_modules/.bin").join(tool).exists()) {
        let status = Command::new("npm")
            .args(["ci", "--no-audit", "--no-fund", "--ignore-scripts"])
            .current_dir(&extension)
            .status()
            .expect("run npm ci");
        assert!(status.success(), "`npm ci` failed in editors/vscode");
    }
    *installed = true;
    Some(extension)
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn the_textmate_grammar_passes_its_tests() {
    let Some(extension) = extension_with_packages("the_textmate_grammar_passes_its_tests") else { return };
    let out = Command::new("node").arg("tests/run.js").current_dir(&extension).output().expect("run node");
    assert!(out.status.success(), "the grammar tests failed:\n{}\n{}", text(&out.stdout), text(&out.stderr));
    assert!(text(&out.stdout).contains("shipped policies passed"), "{}", text(&out.stdout));
}

/// What the extension needs at run time: its manifest, the client, the
/// grammar, the language configuration, and the language client library.
const PACKAGED: &[&str] = &[
    "package.json",
    "extension.js",
    "language-configuration.json",
    "syntaxes/policy.tmLanguage.json",
    "README.md",
    "LICENSE",
    "node_modules/vscode-languageclient/node.js",
    "node_modules/vscode-languageclient/lib/node/main.js",
    "node_modules/vscode-jsonrpc/package.json",
];

#[test]
fn the_extension_packages_into_a_vsix() {
    let Some(extension) = extension_with_packages("the_extension_packages_into_a_vsix") else { return };
    let vsce = extension.join("node_modules/.bin/vsce");
    // What `vsce package` would take: everything the extension runs on, none of its tests.
    let out = Command::new(&vsce).arg("ls").current_dir(&extension).output().expect("run vsce ls");
    assert!(out.status.success(), "vsce ls failed:\n{}", text(&out.stderr));
    let listed = text(&out.stdout);
    let files: Vec<&str> = listed.lines().map(str::trim).collect();
    for wanted in PACKAGED {
        assert!(files.contains(wanted), "{wanted} is not packaged; vsce ls:\n{listed}");
    }
    assert!(!files.iter().any(|f| f.starts_with("tests/")), "the grammar tests are packaged:\n{listed}");

    let vsix = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("verdict-policy-{}.vsix", std::process::id()));
    let _ = std::fs::remove_file(&vsix);
    let out = Command::new(&vsce)
        .args(["package", "--out"])
        .arg(&vsix)
        .current_dir(&extension)
        .output()
        .expect("run vsce package");
    assert!(out.status.success(), "vsce package failed:\n{}\n{}", text(&out.stdout), text(&out.stderr));
    // A .vsix is a zip; its entries' names are stored as written, under `extension/`.
    let bytes = std::fs::read(&vsix).expect("vsce wrote the .vsix");
    assert!(bytes.starts_with(b"PK\x03\x04"), "not a zip");
    for wanted in PACKAGED.iter().map(|f| format!("extension/{f}")).chain(["extension.vsixmanifest".into()]) {
        let name = wanted.replace("README.md", "readme.md").replace("extension/LICENSE", "extension/LICENSE.txt");
        assert!(bytes.windows(name.len()).any(|w| w == name.as_bytes()), "{name} is not in the .vsix");
    }
    let _ = std::fs::remove_file(&vsix);
}
