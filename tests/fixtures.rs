//! Fixture folders: every valid policy checks clean (warnings allowed), every
//! invalid one fails with the diagnostic its file name starts with. The
//! rendered diagnostics are snapshotted.

use std::path::Path;
use std::process::Command;

fn check(path: &Path) -> (i32, String) {
    let dir = path.parent().and_then(Path::parent).expect("fixtures/<kind>/<file>");
    let rel = path.strip_prefix(dir).expect("under fixtures");
    let out = Command::new(env!("CARGO_BIN_EXE_verdict"))
        .arg("check")
        .arg(rel)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .output()
        .expect("run verdict");
    (out.status.code().unwrap_or(-1), String::from_utf8_lossy(&out.stderr).into_owned())
}

/// The code a fixture is about: the part of its name before the first `_` (e.g. `E0103`).
fn expected_code(path: &Path) -> Option<String> {
    let stem = path.file_stem()?.to_str()?;
    let code = stem.split('_').next()?;
    code.chars().next().is_some_and(|c| c.is_ascii_uppercase()).then(|| code.to_string())
}

#[test]
fn invalid_policies_fail_with_their_diagnostic() {
    insta::glob!("fixtures/invalid/*.policy", |path| {
        let (code, stderr) = check(path);
        assert_eq!(code, 2, "{} should not compile:\n{stderr}", path.display());
        let wanted = expected_code(path).expect("invalid fixtures are named after their code");
        assert!(stderr.contains(&format!("[{wanted}]")), "{} should report {wanted}:\n{stderr}", path.display());
        insta::assert_snapshot!(stderr);
    });
}

#[test]
fn valid_policies_compile() {
    insta::glob!("fixtures/valid/*.policy", |path| {
        let (code, stderr) = check(path);
        assert_eq!(code, 0, "{} should compile:\n{stderr}", path.display());
        if let Some(wanted) = expected_code(path) {
            assert!(stderr.contains(&format!("[{wanted}]")), "{} should warn {wanted}:\n{stderr}", path.display());
        }
        insta::assert_snapshot!(stderr);
    });
}
