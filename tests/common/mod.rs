//! Shared by the integration tests that need a variant of an example policy.

use std::path::{Path, PathBuf};

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
