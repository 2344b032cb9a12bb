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

/// `fmt` keeps a trailing comment after the code it followed, which may then
/// stand on another line (a one-line rule laid out over several): the allow
/// comments of the fixture silence the same warnings before and after.
#[test]
fn allow_comments_silence_the_same_warnings_after_fmt() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("allow-fmt-{}", std::process::id()));
    std::fs::create_dir_all(dir.join("valid")).expect("scratch folder");
    std::fs::copy(root.join("account.schema.yaml"), dir.join("account.schema.yaml")).expect("schema");
    let source = std::fs::read_to_string(root.join("valid/W0116_unused_allow.policy")).expect("fixture");
    let formatted = verdict::format::format_source(Path::new("p.policy"), &source).expect("formats");
    assert_ne!(formatted, source, "the fixture is laid out otherwise than fmt would");
    let codes = |text: &str| {
        let path = dir.join("valid/p.policy");
        std::fs::write(&path, text).expect("write");
        let out = Command::new(env!("CARGO_BIN_EXE_verdict"))
            .args(["check", "--error-format", "json"])
            .arg(&path)
            .output()
            .expect("run verdict");
        let found: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
        let mut codes: Vec<String> =
            found.as_array().into_iter().flatten().filter_map(|d| d["code"].as_str().map(str::to_owned)).collect();
        codes.sort();
        codes
    };
    assert_eq!(codes(&formatted), codes(&source));
    let _ = std::fs::remove_dir_all(&dir);
}
