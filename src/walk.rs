//! The one way verdict finds files under the paths a user names (`fmt`,
//! `test`): a file named directly is taken whatever its name; a folder is
//! searched recursively, in sorted order, for names with the wanted ending,
//! skipping hidden folders and cache folders (those tagged with a
//! `CACHEDIR.TAG`, as cargo's `target` and many tools' caches are: their
//! copies of policies and tests are not the user's) and never following a
//! symbolic link to a folder
//! (so a `loop -> .` link cannot make a file appear twice or the walk
//! endless). Each file appears once, however many paths lead to it.

use std::path::{Path, PathBuf};

/// A path that could not be read or listed.
#[derive(Debug, thiserror::Error)]
#[error("cannot read `{path}`: {source}")]
pub struct WalkError {
    /// The path.
    pub path: PathBuf,
    /// Why.
    #[source]
    pub source: std::io::Error,
}

/// Every file under `paths` whose name ends with `ending` (files named
/// directly are kept whatever their name), in the order described above.
///
/// # Errors
///
/// The first path that does not exist or cannot be listed.
pub fn find_files(paths: &[PathBuf], ending: &str) -> Result<Vec<PathBuf>, WalkError> {
    let mut out = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for path in paths {
        let meta = std::fs::metadata(path).map_err(|source| WalkError { path: path.clone(), source })?;
        let found = if meta.is_dir() { under(path, ending)? } else { vec![path.clone()] };
        for file in found {
            // The same file reached twice (two overlapping paths, a symlink to a file) is taken once.
            let identity = std::fs::canonicalize(&file).unwrap_or_else(|_| file.clone());
            if seen.insert(identity) {
                out.push(file);
            }
        }
    }
    Ok(out)
}

fn under(dir: &Path, ending: &str) -> Result<Vec<PathBuf>, WalkError> {
    let walker = walkdir::WalkDir::new(dir).follow_links(false).sort_by_file_name().into_iter();
    let mut out = Vec::new();
    for entry in walker.filter_entry(|e| e.depth() == 0 || !(is_hidden_dir(e) || is_cache_dir(e))) {
        let entry = entry.map_err(|e| {
            let path = e.path().map_or_else(|| dir.to_path_buf(), Path::to_path_buf);
            WalkError { path, source: e.into() }
        })?;
        let name = entry.file_name().to_string_lossy();
        // A symlink to a file is followed (a policy linked into a folder is
        // meant to be there); a symlink to a folder is not descended.
        let is_file = entry.file_type().is_file() || (entry.path_is_symlink() && entry.path().is_file());
        if is_file && name.ends_with(ending) {
            out.push(entry.into_path());
        }
    }
    Ok(out)
}

fn is_hidden_dir(entry: &walkdir::DirEntry) -> bool {
    entry.file_type().is_dir() && entry.file_name().to_string_lossy().starts_with('.')
}

/// A folder tagged as a cache by the Cache Directory Tagging Specification
/// (<https://bford.info/cachedir/>): a `CACHEDIR.TAG` file that starts with
/// its signature.
fn is_cache_dir(entry: &walkdir::DirEntry) -> bool {
    const SIGNATURE: &[u8] = b"Signature: 8a477f597d28d172789f06886806bc55";
    if !entry.file_type().is_dir() {
        return false;
    }
    let mut start = [0u8; SIGNATURE.len()];
    std::fs::File::open(entry.path().join("CACHEDIR.TAG"))
        .and_then(|mut tag| std::io::Read::read_exact(&mut tag, &mut start))
        .is_ok_and(|()| start == SIGNATURE)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(unix)]
    #[test]
    fn a_symlink_loop_lists_each_file_once_and_ends() {
        let dir = std::env::temp_dir().join(format!("verdict-walk-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join("sub/.hidden")).unwrap();
        std::fs::write(dir.join("a.policy"), "").unwrap();
        std::fs::write(dir.join("sub/b.policy"), "").unwrap();
        std::fs::write(dir.join("sub/.hidden/c.policy"), "").unwrap();
        std::fs::create_dir_all(dir.join("target/tmp")).unwrap();
        std::fs::write(dir.join("target/CACHEDIR.TAG"), "Signature: 8a477f597d28d172789f06886806bc55\n# cargo\n")
            .unwrap();
        std::fs::write(dir.join("target/tmp/d.policy"), "").unwrap();
        std::fs::create_dir_all(dir.join("untagged")).unwrap();
        std::fs::write(dir.join("untagged/CACHEDIR.TAG"), "not the signature").unwrap();
        std::fs::write(dir.join("untagged/e.policy"), "").unwrap();
        std::fs::write(dir.join("sub/notes.txt"), "").unwrap();
        std::os::unix::fs::symlink(".", dir.join("loop")).unwrap();
        std::os::unix::fs::symlink("a.policy", dir.join("z-link.policy")).unwrap();
        let found = find_files(&[dir.clone(), dir.join("sub/b.policy")], ".policy").unwrap();
        let names: Vec<String> = found.iter().map(|p| p.strip_prefix(&dir).unwrap().display().to_string()).collect();
        assert_eq!(names, ["a.policy", "sub/b.policy", "untagged/e.policy"]);
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn a_missing_path_is_an_error_naming_it() {
        let err = find_files(&[PathBuf::from("no/such/folder")], ".policy").unwrap_err();
        assert!(err.to_string().contains("no/such/folder"), "{err}");
    }
}
