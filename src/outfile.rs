//! Files verdict writes: replaced whole or not at all, and never a file that
//! is not ours.
//!
//! A regular file (or a path that does not exist yet) is written to a
//! temporary file beside it and renamed over it only when
//! [`OutputFile::commit`] is called, so a reader sees the old file or the new
//! one, never half of one. A file not committed is removed: on an error or a
//! panic by [`Drop`], on an interrupt by [`remove_partial_files`], which the
//! command line's signal handler calls.
//!
//! Anything else is written *through*, never replaced: a device
//! (`/dev/null`), a FIFO, a socket, and a descriptor's name (`/dev/stdout`,
//! `/dev/fd/3`, `/proc/self/fd/1`) whatever it refers to, since renaming over
//! those would destroy what the name stands for (run as root, a rename over
//! `/dev/null` replaces the machine's `/dev/null`). A symbolic link to a
//! regular file stays a link: its target is replaced.

mod ours;

pub use ours::{not_ours, OutputKind};
use std::fs::{File, Metadata, OpenOptions};
use std::hash::{BuildHasher, Hasher};
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;

/// Temporary files not yet committed, for [`remove_partial_files`].
static PARTIAL: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

/// Symbolic links followed before giving up, as Linux's `MAXSYMLINKS`.
const MAX_LINKS: usize = 40;

/// Names tried for a temporary file before giving up (each is random, so a
/// clash means something is planting files).
const TEMP_ATTEMPTS: usize = 16;

/// Held while outputs are renamed into place, so that an interrupt comes
/// before a run's renames or after them, never between two of them; true
/// once the run's outputs are all in place ([`commit_together`]).
static RENAMING: Mutex<bool> = Mutex::new(false);

/// Removes every temporary file not yet committed, for an interrupt handler
/// (which then exits): waits for renames under way ([`commit_together`]),
/// so that a run's outputs are all replaced or all left as they were. True
/// when the run's outputs were all replaced already (it was printing its
/// report): nothing was left as it was.
pub fn remove_partial_files() -> bool {
    let done = RENAMING.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    let replaced = *done;
    let partial = PARTIAL.lock().map(|mut p| std::mem::take(&mut *p)).unwrap_or_default();
    for path in partial {
        let _ = std::fs::remove_file(path);
    }
    // Held until the process exits: no rename starts after the files are gone.
    std::mem::forget(done);
    replaced
}

/// Temporary files of earlier runs beside `target` (`.NAME.<16 hex>.partial`,
/// as [`OutputFile::create`] names them, none of this process's): what a
/// run killed before it could remove them leaves (`kill -9`, an
/// out-of-memory kill, a power cut), hidden and as large as the output it
/// was writing; or the file of another run writing `target` now.
#[must_use]
pub fn left_beside(target: &Path) -> Vec<PathBuf> {
    let Some(name) = target.file_name().map(|n| n.to_string_lossy().into_owned()) else { return Vec::new() };
    let folder = target.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or_else(|| Path::new("."));
    let Ok(entries) = std::fs::read_dir(folder) else { return Vec::new() };
    let ours = PARTIAL.lock().map(|p| p.clone()).unwrap_or_default();
    let prefix = format!(".{name}.");
    let is_temporary = |file: &str| {
        let hex = file.strip_prefix(&prefix).and_then(|rest| rest.strip_suffix(".partial"));
        hex.is_some_and(|hex| hex.len() == 16 && hex.bytes().all(|b| b.is_ascii_hexdigit()))
    };
    let mut found: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .filter(|e| e.file_name().to_str().is_some_and(is_temporary))
        .filter(|e| !ours.iter().any(|o| o.file_name() == Some(e.file_name().as_os_str())))
        .map(|e| target.with_file_name(e.file_name()))
        .collect();
    found.sort();
    found
}

/// Renames each of `files` into place, in order, with no interrupt between
/// them, and marks the run's outputs as replaced (see
/// [`remove_partial_files`]). A run with several outputs (decisions and
/// their summary, a diff's changed accounts and its HTML report) prepares
/// them all first, so a failure or an interrupt while writing leaves every
/// one as it was; the most important goes first, so a failing rename
/// leaves the others, not it, as they were.
///
/// # Errors
///
/// The first rename that fails; the files after it are removed unrenamed.
pub fn commit_together(files: Vec<Prepared>) -> io::Result<()> {
    let mut done = RENAMING.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    for file in files {
        file.rename()?;
    }
    *done = true;
    Ok(())
}

fn track(path: &Path, pending: bool) {
    if let Ok(mut partial) = PARTIAL.lock() {
        partial.retain(|p| p != path);
        if pending {
            partial.push(path.to_path_buf());
        }
    }
}

/// A file being written in place of a target path.
pub struct OutputFile {
    writer: BufWriter<File>,
    how: How,
    /// The path as given, to name in errors.
    named: PathBuf,
}

enum How {
    /// A temporary file renamed over `target` on commit; removed unless committed.
    Replace { target: PathBuf, temp: PathBuf, committed: bool },
    /// The target itself, opened for writing (a device, a FIFO, a descriptor's name).
    Through,
}

/// What a path given as an output turns out to be.
enum Plan {
    /// A regular file (its metadata), or nothing yet: replace it, at this
    /// path, symbolic links resolved.
    Replace(PathBuf, Option<Metadata>),
    /// Not ours to replace: write through the path as given.
    Through,
}

impl OutputFile {
    /// Starts writing `target`: a temporary file beside a regular (or new)
    /// file, or the target itself when it is not a regular file.
    ///
    /// # Errors
    ///
    /// When the target cannot be opened or the temporary file created (the message names it).
    pub fn create(target: &Path) -> io::Result<OutputFile> {
        let named = target.to_path_buf();
        let (file, how) = match plan(target).map_err(|e| naming(target, e))? {
            Plan::Through => {
                // Appending: a descriptor's name then continues what the shell
                // opened (`>>` keeps the log), and a device or FIFO ignores it.
                let file = OpenOptions::new().append(true).open(target).map_err(|e| naming(target, e))?;
                (file, How::Through)
            }
            Plan::Replace(path, existing) => {
                // A rename needs no right to write the file it replaces: one
                // made read-only (`chmod a-w`) to keep it is refused, as the
                // shell's `>` refuses it.
                if existing.as_ref().is_some_and(|meta| meta.permissions().readonly()) {
                    let why = "it is read-only (make it writable, `chmod u+w`, if it may be replaced)";
                    return Err(naming(target, io::Error::new(io::ErrorKind::PermissionDenied, why)));
                }
                let (temp, file) = create_temp(&path, existing.as_ref()).map_err(|e| naming(target, e))?;
                (file, How::Replace { target: path, temp, committed: false })
            }
        };
        Ok(OutputFile { writer: BufWriter::with_capacity(1 << 16, file), how, named })
    }

    /// Flushes the file and, for a replacement, syncs it to disk and renames
    /// it over the target.
    ///
    /// # Errors
    ///
    /// When flushing, syncing or renaming fails; a temporary file is then removed.
    pub fn commit(self) -> io::Result<()> {
        let prepared = self.prepare()?;
        let _renaming = RENAMING.lock();
        prepared.rename()
    }

    /// Flushes the file and, for a replacement, syncs it to disk: what is
    /// left is the rename, by [`commit_together`] with the run's other outputs.
    ///
    /// # Errors
    ///
    /// When flushing or syncing fails; a temporary file is then removed.
    pub fn prepare(mut self) -> io::Result<Prepared> {
        self.flush()?;
        let How::Replace { target, temp, committed } = &mut self.how else {
            return Ok(Prepared { rename: None, named: std::mem::take(&mut self.named) });
        };
        self.writer.get_ref().sync_all().map_err(|e| naming(&self.named, e))?;
        // The temporary file is the prepared one's to rename or remove now.
        *committed = true;
        let rename = Some((std::mem::take(temp), std::mem::take(target)));
        Ok(Prepared { rename, named: std::mem::take(&mut self.named) })
    }
}

/// An output written and synced, waiting to be renamed into place; removed
/// if dropped unrenamed.
#[must_use = "a prepared output is removed unless it is committed"]
pub struct Prepared {
    /// The temporary file and its target; `None` for an output written through.
    rename: Option<(PathBuf, PathBuf)>,
    named: PathBuf,
}

impl Prepared {
    fn rename(mut self) -> io::Result<()> {
        let Some((temp, target)) = self.rename.take() else { return Ok(()) };
        let renamed = std::fs::rename(&temp, &target).map_err(|e| naming(&self.named, e));
        if renamed.is_err() {
            let _ = std::fs::remove_file(&temp);
        }
        track(&temp, false);
        renamed
    }
}

impl Drop for Prepared {
    fn drop(&mut self) {
        if let Some((temp, _)) = self.rename.take() {
            let _ = std::fs::remove_file(&temp);
            track(&temp, false);
        }
    }
}

/// `e`, saying which output it befell (its kind kept: a closed pipe stays one).
fn naming(path: &Path, e: io::Error) -> io::Error {
    io::Error::new(e.kind(), format!("cannot write `{}`: {e}", path.display()))
}

impl Write for OutputFile {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.writer.write(buf).map_err(|e| naming(&self.named, e))
    }
    fn write_all(&mut self, buf: &[u8]) -> io::Result<()> {
        self.writer.write_all(buf).map_err(|e| naming(&self.named, e))
    }
    fn flush(&mut self) -> io::Result<()> {
        self.writer.flush().map_err(|e| naming(&self.named, e))
    }
}

impl Drop for OutputFile {
    fn drop(&mut self) {
        if let How::Replace { temp, committed: false, .. } = &self.how {
            let _ = std::fs::remove_file(temp);
            track(temp, false);
        }
    }
}

/// Writes `text` to `path` whole or not at all (through it when it is not a regular file).
///
/// # Errors
///
/// As [`OutputFile::create`] and [`OutputFile::commit`].
pub fn write_whole(path: &Path, text: &[u8]) -> io::Result<()> {
    let mut file = OutputFile::create(path)?;
    file.write_all(text)?;
    file.commit()
}

/// True when an output at `path` would be replaced whole (a regular file, or
/// one not there yet); false when it would be written through (a device, a
/// FIFO, a descriptor's name), which nothing can take back.
pub fn replaces(path: &Path) -> bool {
    !matches!(plan(path), Ok(Plan::Through))
}

/// Follows `path`'s symbolic links to what a write would reach.
fn plan(path: &Path) -> io::Result<Plan> {
    let mut current = path.to_path_buf();
    for _ in 0..MAX_LINKS {
        let meta = match std::fs::symlink_metadata(&current) {
            Ok(m) => m,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Plan::Replace(current, None)),
            Err(e) => return Err(e),
        };
        let kind = meta.file_type();
        if kind.is_file() {
            return Ok(Plan::Replace(current, Some(meta)));
        }
        if !kind.is_symlink() || names_a_descriptor(&current) {
            return Ok(Plan::Through);
        }
        let link = std::fs::read_link(&current)?;
        // A relative link is relative to the folder holding it; an absolute one replaces the path.
        current = current.parent().map_or_else(|| link.clone(), |dir| dir.join(&link));
    }
    Err(io::Error::other("too many levels of symbolic links"))
}

/// True for a link in `/proc` (`/proc/self/fd/1`, which `/dev/stdout` and
/// `/dev/fd/N` lead to): it names an open descriptor, and its target is
/// whatever that descriptor is, reached only through the link.
fn names_a_descriptor(link: &Path) -> bool {
    let dir = link.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."));
    std::fs::canonicalize(dir).is_ok_and(|d| d.starts_with("/proc"))
}

/// Creates a new temporary file beside `target`, under a name no one can
/// guess, refusing any file already there (so a planted symbolic link cannot
/// redirect the write), with the owner and permissions of the file it will
/// replace.
fn create_temp(target: &Path, existing: Option<&Metadata>) -> io::Result<(PathBuf, File)> {
    let name = target.file_name().map_or_else(|| "output".into(), |n| n.to_string_lossy().into_owned());
    let mut last = io::Error::from(io::ErrorKind::AlreadyExists);
    for _ in 0..TEMP_ATTEMPTS {
        let temp = target.with_file_name(format!(".{name}.{:016x}.partial", unpredictable()));
        // Tracked before it exists, so an interrupt between the two still removes it.
        track(&temp, true);
        let mut options = OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        if existing.is_some() {
            // Private until it has the replaced file's permissions.
            std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        }
        match options.open(&temp) {
            Ok(file) => {
                if let Some(meta) = existing {
                    keep_owner_and_permissions(&file, meta).inspect_err(|_| {
                        let _ = std::fs::remove_file(&temp);
                        track(&temp, false);
                    })?;
                }
                return Ok((temp, file));
            }
            Err(e) => {
                track(&temp, false);
                if e.kind() != io::ErrorKind::AlreadyExists {
                    return Err(e);
                }
                last = e;
            }
        }
    }
    Err(io::Error::new(last.kind(), format!("no free name for a temporary file: {last}")))
}

/// Gives `file` the permissions of `meta` and, as far as we may, its owner
/// and group (a file replaced by root stays its user's).
fn keep_owner_and_permissions(file: &File, meta: &Metadata) -> io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        // Only the owner's own user or root may change it: otherwise this fails, and the file is ours.
        let _ = std::os::unix::fs::fchown(file, Some(meta.uid()), Some(meta.gid()));
    }
    file.set_permissions(meta.permissions())
}

/// A number no other process can predict: std's `RandomState` is keyed from
/// the operating system's random source; the time, process id and a counter
/// make each call differ even within one process.
fn unpredictable() -> u64 {
    static CALLS: AtomicU64 = AtomicU64::new(0);
    let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
    hasher.write_u64(CALLS.fetch_add(1, Ordering::Relaxed));
    hasher.write_u32(std::process::id());
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap_or_default();
    hasher.write_u128(now.as_nanos());
    hasher.finish()
}

/// What makes two paths the same file, for refusing an output that is also
/// an input: the device and inode of a file that exists, so `./x`, `x` and a
/// link to `x` are one; the resolved path of one that does not exist yet.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct FileIdentity(Identity);

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
enum Identity {
    #[cfg(unix)]
    Inode(u64, u64),
    Path(PathBuf),
}

impl FileIdentity {
    /// The identity of `path`; `None` for a character device (a terminal,
    /// `/dev/null`), which is a stream rather than a file and may be named
    /// as an input and an output at once.
    pub fn of(path: &Path) -> Option<FileIdentity> {
        match std::fs::metadata(path) {
            #[cfg(unix)]
            Ok(meta) => {
                use std::os::unix::fs::{FileTypeExt, MetadataExt};
                let stream = meta.file_type().is_char_device();
                (!stream).then(|| FileIdentity(Identity::Inode(meta.dev(), meta.ino())))
            }
            #[cfg(not(unix))]
            Ok(_) => Some(FileIdentity(Identity::Path(std::fs::canonicalize(path).unwrap_or_else(|_| path.into())))),
            Err(_) => Some(FileIdentity(Identity::Path(resolved_new_path(path)))),
        }
    }
}

/// A path that does not exist, as the output's links resolve it, its folder made canonical.
fn resolved_new_path(path: &Path) -> PathBuf {
    let target = match plan(path) {
        Ok(Plan::Replace(target, _)) => target,
        _ => path.to_path_buf(),
    };
    let dir = target.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."));
    match (std::fs::canonicalize(dir), target.file_name()) {
        (Ok(dir), Some(name)) => dir.join(name),
        _ => target,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scratch(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("verdict-outfile-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    /// Prepared outputs replace nothing until committed together, in order;
    /// one dropped unrenamed leaves no temporary file behind.
    #[test]
    fn prepared_outputs_replace_their_files_together_in_order() {
        let dir = scratch("together");
        let (a, b) = (dir.join("a"), dir.join("sub").join("b"));
        std::fs::create_dir(dir.join("sub")).unwrap();
        std::fs::write(&a, "old a").unwrap();
        let write = |path: &Path, text: &str| {
            let mut file = OutputFile::create(path).unwrap();
            file.write_all(text.as_bytes()).unwrap();
            file.prepare().unwrap()
        };
        let (first, second) = (write(&a, "new a"), write(&b, "new b"));
        assert_eq!(std::fs::read_to_string(&a).unwrap(), "old a");
        assert!(!b.exists());
        // The second's folder goes away: its rename fails, after the first's.
        std::fs::rename(dir.join("sub"), dir.join("moved")).unwrap();
        assert!(commit_together(vec![first, second]).is_err());
        assert_eq!(std::fs::read_to_string(&a).unwrap(), "new a");
        drop(write(&a, "newer a"));
        let names: Vec<_> = std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().file_name()).collect();
        assert_eq!(names.len(), 2, "only `a` and `moved`: {names:?}");
        assert_eq!(std::fs::read_to_string(&a).unwrap(), "new a");
    }

    #[test]
    fn temporary_names_differ_and_cannot_be_guessed_from_the_process_id() {
        let a = unpredictable();
        let b = unpredictable();
        assert_ne!(a, b);
        assert_ne!(a, u64::from(std::process::id()));
    }

    #[test]
    fn paths_to_one_file_have_one_identity() {
        let dir = scratch("identity");
        let file = dir.join("x");
        std::fs::write(&file, "x").unwrap();
        let dotted = dir.join(".").join("x");
        assert_eq!(FileIdentity::of(&file), FileIdentity::of(&dotted));
        assert_ne!(FileIdentity::of(&file), FileIdentity::of(&dir.join("y")));
        assert_eq!(FileIdentity::of(&dir.join("new")), FileIdentity::of(&dir.join(".").join("new")));
        #[cfg(unix)]
        {
            std::os::unix::fs::symlink(&file, dir.join("link")).unwrap();
            assert_eq!(FileIdentity::of(&file), FileIdentity::of(&dir.join("link")));
            std::os::unix::fs::symlink("new", dir.join("dangling")).unwrap();
            assert_eq!(FileIdentity::of(&dir.join("new")), FileIdentity::of(&dir.join("dangling")));
        }
    }

    #[test]
    fn a_replaced_file_keeps_its_permissions() {
        let dir = scratch("mode");
        let file = dir.join("secret.jsonl");
        std::fs::write(&file, "old").unwrap();
        #[cfg(unix)]
        std::fs::set_permissions(&file, std::os::unix::fs::PermissionsExt::from_mode(0o640)).unwrap();
        let before = std::fs::metadata(&file).unwrap().permissions();
        write_whole(&file, b"new").unwrap();
        assert_eq!(std::fs::read_to_string(&file).unwrap(), "new");
        assert_eq!(std::fs::metadata(&file).unwrap().permissions(), before);
    }

    #[test]
    fn a_read_only_file_is_not_replaced() {
        let dir = scratch("read-only");
        let file = dir.join("kept.jsonl");
        std::fs::write(&file, "old").unwrap();
        let mut read_only = std::fs::metadata(&file).unwrap().permissions();
        read_only.set_readonly(true);
        std::fs::set_permissions(&file, read_only).unwrap();
        let err = write_whole(&file, b"new").expect_err("refused");
        assert_eq!(err.kind(), io::ErrorKind::PermissionDenied);
        assert!(err.to_string().contains("kept.jsonl`: it is read-only"), "{err}");
        assert_eq!(std::fs::read_to_string(&file).unwrap(), "old");
        assert_eq!(std::fs::read_dir(&dir).unwrap().count(), 1, "no temporary file is left");
    }
}
