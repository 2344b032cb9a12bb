//! Shared by the integration tests: a variant of an example policy beside
//! copies of its files, and running the binary in a folder.

// Each test crate includes this module and uses only some of it.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Command;

/// Runs `verdict` with `args` in `dir` (colours off): its exit code, stdout
/// and stderr (invalid UTF-8 shown as replacement characters).
pub fn verdict_in(dir: &Path, args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_verdict"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .output()
        .expect("run verdict");
    let text = |b: &[u8]| String::from_utf8_lossy(b).into_owned();
    (out.status.code().unwrap_or(-1), text(&out.stdout), text(&out.stderr))
}

/// Runs `verdict` with `args` in the current folder (colours off), `input`
/// written to its stdin.
pub fn verdict_with_stdin(args: &[&str], input: &str) -> std::process::Output {
    use std::io::Write;
    let mut child = Command::new(env!("CARGO_BIN_EXE_verdict"))
        .args(args)
        .env("NO_COLOR", "1")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("run verdict");
    child.stdin.take().expect("stdin piped").write_all(input.as_bytes()).expect("write stdin");
    child.wait_with_output().expect("wait for verdict")
}

/// Writes `text` as the policy `name` in `dir`, beside copies of everything the
/// example policies depend on (the schema, every batch file, every hook
/// script), so the variant resolves its relative paths as the original does.
/// Copying whole folders means a new batch or hook needs no test edits.
pub fn policy_beside_example_files(dir: &Path, name: &str, text: &str) -> PathBuf {
    let examples = Path::new("policies");
    std::fs::create_dir_all(dir).unwrap();
    std::fs::copy(examples.join("account.schema.yaml"), dir.join("account.schema.yaml")).unwrap();
    for folder in ["batches", "hooks"] {
        std::fs::create_dir_all(dir.join(folder)).unwrap();
        for entry in std::fs::read_dir(examples.join(folder)).unwrap() {
            let from = entry.unwrap().path();
            std::fs::copy(&from, dir.join(folder).join(from.file_name().unwrap())).unwrap();
        }
    }
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

/// The repository's root (the example policies are under it).
pub fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A folder of this test process's own under the system's temporary folder
/// (`tag` names the test crate, `name` the test), created empty or kept.
pub fn temp_folder(tag: &str, name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("verdict-{tag}-{}-{name}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// `body` under a `policy`/`schema` header, loaded from a folder of its own
/// (`tag` names the test crate, `name` the test) beside a copy of the example
/// schema: the policy, or every diagnostic when it does not compile.
pub fn load_beside_schema(
    tag: &str,
    name: &str,
    body: &str,
) -> Result<verdict::LoadedPolicy, Vec<verdict::diagnostic::Diagnostic>> {
    let dir = temp_folder(tag, name);
    std::fs::copy("policies/account.schema.yaml", dir.join("account.schema.yaml")).unwrap();
    let text = format!("policy \"{tag}\" version \"1\"\nschema \"account.schema.yaml\"\n{body}");
    verdict::load_policy_source(&dir.join("p.policy"), &text).map_err(|e| e.diagnostics)
}

/// The codes of a load's diagnostics (none when it compiled).
pub fn codes(loaded: Result<verdict::LoadedPolicy, Vec<verdict::diagnostic::Diagnostic>>) -> Vec<&'static str> {
    match loaded {
        Ok(_) => vec![],
        Err(d) => d.iter().map(|d| d.code).collect(),
    }
}

/// A small deterministic generator (xorshift), so failures reproduce.
pub struct Rng(pub u64);

impl Rng {
    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    /// A number below `n`.
    pub fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }

    /// A number from `lo`, below `lo + span`.
    pub fn int(&mut self, lo: i64, span: u64) -> i64 {
        lo + self.below(span) as i64
    }
}
