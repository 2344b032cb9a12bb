//! Output files written whole or not at all.
//!
//! Each output goes to a temporary file beside its target and is renamed over
//! the target only when [`AtomicFile::commit`] is called, so a reader sees the
//! old file or the new one, never half of one. A file not committed is
//! removed: on an error or a panic by [`Drop`], on Ctrl-C or SIGTERM by the
//! handler [`remove_partial_files_on_interrupt`] installs (which then exits
//! with 130).

use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// Temporary files not yet committed, for the interrupt handler.
static PARTIAL: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

/// Exit status after an interrupt (128 + SIGINT, as shells report it).
pub const INTERRUPTED: u8 = 130;

/// Installs the Ctrl-C / SIGTERM handler that removes uncommitted temporary
/// files and exits. The handler runs on a thread of its own, not in signal
/// context, so it may touch the file system.
pub fn remove_partial_files_on_interrupt() {
    let _ = ctrlc::set_handler(|| {
        let partial = PARTIAL.lock().map(|mut p| std::mem::take(&mut *p)).unwrap_or_default();
        for path in partial {
            let _ = std::fs::remove_file(path);
        }
        std::process::exit(i32::from(INTERRUPTED));
    });
}

fn track(path: &Path, pending: bool) {
    if let Ok(mut partial) = PARTIAL.lock() {
        partial.retain(|p| p != path);
        if pending {
            partial.push(path.to_path_buf());
        }
    }
}

/// A file being written in place of `target`.
pub struct AtomicFile {
    target: PathBuf,
    temp: PathBuf,
    writer: BufWriter<File>,
    committed: bool,
}

impl AtomicFile {
    /// Starts writing a replacement for `target`.
    ///
    /// # Errors
    ///
    /// When the temporary file cannot be created (the message names it).
    pub fn create(target: &Path) -> io::Result<AtomicFile> {
        let name = target.file_name().map_or_else(|| "output".into(), |n| n.to_string_lossy().into_owned());
        let temp = target.with_file_name(format!(".{name}.{}.partial", std::process::id()));
        // Tracked before it exists, so an interrupt between the two still removes it.
        track(&temp, true);
        let file = File::create(&temp).map_err(|e| {
            track(&temp, false);
            io::Error::new(e.kind(), format!("cannot create `{}`: {e}", temp.display()))
        })?;
        let writer = BufWriter::with_capacity(1 << 16, file);
        Ok(AtomicFile { target: target.to_path_buf(), temp, writer, committed: false })
    }

    /// Flushes the file to disk and renames it over the target, keeping the
    /// target's permissions if it existed.
    ///
    /// # Errors
    ///
    /// When flushing, syncing or renaming fails; the temporary file is then removed.
    pub fn commit(mut self) -> io::Result<()> {
        self.writer.flush()?;
        self.writer.get_ref().sync_all()?;
        if let Ok(meta) = std::fs::metadata(&self.target) {
            std::fs::set_permissions(&self.temp, meta.permissions())?;
        }
        std::fs::rename(&self.temp, &self.target)
            .map_err(|e| io::Error::new(e.kind(), format!("cannot write `{}`: {e}", self.target.display())))?;
        self.committed = true;
        track(&self.temp, false);
        Ok(())
    }
}

impl Write for AtomicFile {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.writer.write(buf)
    }
    fn write_all(&mut self, buf: &[u8]) -> io::Result<()> {
        self.writer.write_all(buf)
    }
    fn flush(&mut self) -> io::Result<()> {
        self.writer.flush()
    }
}

impl Drop for AtomicFile {
    fn drop(&mut self) {
        if !self.committed {
            let _ = std::fs::remove_file(&self.temp);
            track(&self.temp, false);
        }
    }
}

/// Writes `text` to `path` whole or not at all.
///
/// # Errors
///
/// As [`AtomicFile::create`] and [`AtomicFile::commit`].
pub fn write_whole(path: &Path, text: &[u8]) -> io::Result<()> {
    let mut file = AtomicFile::create(path)?;
    file.write_all(text)?;
    file.commit()
}
