//! The decision log (`--decision-log FILE`): one JSON line per record, written
//! by a thread of its own so that no request waits on the disk.
//!
//! A request hands its bodies over as they are (`Bytes` are shared, not
//! copied); the writer hashes each snapshot, builds the lines and appends
//! them with one write per batch, so lines are never interleaved, nor cut.
//! When the disk refuses them, decisions stop until it takes them again.
//!
//! What is held for the log is bounded in bytes, not only in requests: a
//! request's bodies take their size from a budget ([`HELD`]) until their
//! lines are on disk, and a request that would go over it waits for room.
//! Counted in requests alone, a disk slower than the service could hold
//! thousands of 16 MiB bodies.

use super::decide::RecordSpan;
use hyper::body::Bytes;
use sha2::{Digest, Sha256};
use std::fs::File;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, SystemTime};
use tokio::sync::{mpsc, OwnedSemaphorePermit, Semaphore};

/// Requests' records waiting to be written. Past this many requests behind,
/// a request waits (without holding a thread) until the disk catches up.
const QUEUE: usize = 4096;

/// The most KiB of request and response bodies held for the log (256 MiB):
/// past it, a request waits, as past [`QUEUE`], until lines reach the disk.
const HELD: u32 = 256 * 1024;

/// One request's records, as received and as answered.
pub struct Entry {
    /// The request's decision id (a record's is this id, with `-LINE` for JSON Lines).
    pub id: Arc<str>,
    /// Whether the request was JSON Lines.
    pub lines: bool,
    /// When the request was received.
    pub time: SystemTime,
    /// The fingerprint of the policy that decided.
    pub fingerprint: Arc<str>,
    /// The request body.
    pub input: Bytes,
    /// The response body.
    pub output: Bytes,
    /// Where each record lies in both.
    pub records: Vec<RecordSpan>,
}

enum Message {
    /// A request's records, with the share of [`HELD`] their bodies take
    /// (given back once their lines are written).
    Entry(Entry, OwnedSemaphorePermit),
    /// Write what came before, sync the file and stop.
    Close,
}

/// Whether the log is being written: shared by the writer, which knows,
/// and the requests, which are refused while it is not.
#[derive(Default)]
struct Health {
    failing: AtomicBool,
    /// Why, while failing.
    reason: Mutex<String>,
}

impl Health {
    fn failed(&self, error: &std::io::Error) {
        if let Ok(mut reason) = self.reason.lock() {
            *reason = error.to_string();
        }
        if !self.failing.swap(true, Ordering::SeqCst) {
            eprintln!(
                "error: the decision log could not be written: {error}; \
                 refusing decisions (503) until it can be"
            );
        }
    }

    fn written(&self, held: usize) {
        if self.failing.swap(false, Ordering::SeqCst) {
            eprintln!("verdict serve: the decision log is written again ({held} lines held meanwhile); deciding again");
        }
    }
}

/// The sending side of the log, kept by the service.
#[derive(Clone)]
pub struct LogSender {
    sender: mpsc::Sender<Message>,
    health: Arc<Health>,
    /// KiB of bodies that may still be held, of `held_kib`.
    room: Arc<Semaphore>,
    /// The most KiB of bodies held ([`HELD`]; less in tests).
    held_kib: u32,
}

impl LogSender {
    fn new(sender: mpsc::Sender<Message>, health: Arc<Health>, held_kib: u32) -> LogSender {
        LogSender { sender, health, room: Arc::new(Semaphore::new(held_kib as usize)), held_kib }
    }

    /// Queues a request's records; waits only when the writer is far behind
    /// (in requests or in bytes held).
    pub async fn send(&self, entry: Entry) {
        // A body larger than the whole budget goes alone rather than never.
        let kib = (entry.input.len() + entry.output.len()) / 1024 + 1;
        let share = u32::try_from(kib).unwrap_or(u32::MAX).min(self.held_kib);
        // The semaphore is never closed; the writer stops only at shutdown, after the last request.
        let Ok(permit) = Arc::clone(&self.room).acquire_many_owned(share).await else { return };
        let _ = self.sender.send(Message::Entry(entry, permit)).await;
    }

    /// Why the log cannot be written now, if it cannot: no decision is to
    /// be made then, as it would have no line in the audit trail.
    pub fn failure(&self) -> Option<String> {
        if !self.health.failing.load(Ordering::SeqCst) {
            return None;
        }
        Some(self.health.reason.lock().map(|r| r.clone()).unwrap_or_default())
    }
}

/// The writer thread, to be closed at shutdown.
pub struct LogWriter {
    sender: mpsc::Sender<Message>,
    thread: JoinHandle<std::io::Result<()>>,
}

/// Opens (or creates) `path` for appending and starts its writer.
pub fn open(path: &Path) -> std::io::Result<(LogSender, LogWriter)> {
    let file = LogFile::open(path)?;
    let (sender, receiver) = mpsc::channel(QUEUE);
    let health = Arc::new(Health::default());
    let shared = Arc::clone(&health);
    let thread = std::thread::Builder::new()
        .name("decision-log".into())
        .spawn(move || write_all(file, receiver, &shared, RETRY))?;
    Ok((LogSender::new(sender.clone(), health, HELD), LogWriter { sender, thread }))
}

impl LogWriter {
    /// Writes every record queued so far, syncs the file, and stops the writer.
    pub async fn close(self) -> std::io::Result<()> {
        let _ = self.sender.send(Message::Close).await;
        tokio::task::spawn_blocking(move || self.thread.join())
            .await
            .map_err(std::io::Error::other)?
            .map_err(|_| std::io::Error::other("the decision log's writer failed"))?
    }
}

/// How long the writer waits before writing again after a failure.
const RETRY: Duration = Duration::from_secs(1);

/// The most bytes of lines written at once, while the log is healthy.
const BATCH: usize = 1 << 20;

/// What the log is appended to: a file, or in tests one that fails on cue.
trait Sink: Write {
    /// Makes sure the lines go to the file now at the log's path (see [`LogFile`]).
    fn follow_path(&mut self) -> std::io::Result<()> {
        Ok(())
    }
    /// Its length now.
    fn len(&self) -> std::io::Result<u64>;
    /// Cuts it back to `len`.
    fn truncate(&self, len: u64) -> std::io::Result<()>;
    /// Syncs it to disk.
    fn sync(&self) -> std::io::Result<()>;
}

/// The log's file, kept at its path. A log rotated away (`mv`, as
/// logrotate does) or removed would otherwise take every later line into a
/// file nobody reads, or into none: before each write the path is looked
/// at, and a file that is no longer there is synced and left for a new one.
struct LogFile {
    file: File,
    path: PathBuf,
}

impl LogFile {
    fn open(path: &Path) -> std::io::Result<LogFile> {
        let mut file = std::fs::OpenOptions::new().create(true).append(true).open(path)?;
        if ends_inside_a_line(path) {
            // A run killed while writing (`kill -9`, a power cut) leaves its
            // last line cut: the next line would be glued to it, and a line
            // of this run's lost to every reader of the log.
            file.write_all(b"\n")?;
            eprintln!(
                "verdict serve: the decision log `{}` ended inside a line (a run stopped while writing it); a line \
                 end was added, so that its lines and this run's stay apart",
                verdict::terminal::escape(&path.display().to_string())
            );
        }
        Ok(LogFile { file, path: path.to_path_buf() })
    }

    /// Whether the file at the path is the one being written.
    fn still_at_its_path(&self) -> std::io::Result<bool> {
        let at_path = match std::fs::metadata(&self.path) {
            Ok(m) => m,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(false),
            Err(e) => return Err(e),
        };
        #[cfg(unix)]
        {
            use std::os::unix::fs::MetadataExt;
            let open = self.file.metadata()?;
            Ok((open.dev(), open.ino()) == (at_path.dev(), at_path.ino()))
        }
        #[cfg(not(unix))]
        {
            let _ = at_path;
            Ok(true)
        }
    }
}

/// Whether the file at `path` holds bytes and its last is not a line end.
/// Read through a handle of its own: a log the service may append to but
/// not read (mode 0200, a hardened audit set-up) is taken as whole.
fn ends_inside_a_line(path: &Path) -> bool {
    use std::io::{Read, Seek, SeekFrom};
    // A device or a FIFO has no length, and no last line of ours.
    if std::fs::metadata(path).map_or(true, |m| !m.is_file() || m.len() == 0) {
        return false;
    }
    let Ok(mut file) = std::fs::File::open(path) else { return false };
    let mut last = [0u8];
    let read = file.seek(SeekFrom::End(-1)).and_then(|_| file.read_exact(&mut last));
    read.is_ok() && last != *b"\n"
}

impl Write for LogFile {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.file.write(buf)
    }
    fn flush(&mut self) -> std::io::Result<()> {
        self.file.flush()
    }
}

impl Sink for LogFile {
    fn follow_path(&mut self) -> std::io::Result<()> {
        if self.still_at_its_path()? {
            return Ok(());
        }
        let _ = self.file.sync_data();
        *self = LogFile::open(&self.path)?;
        eprintln!(
            "verdict serve: the decision log `{}` was moved or removed; writing to a new one at that path",
            verdict::terminal::escape(&self.path.display().to_string())
        );
        Ok(())
    }
    fn len(&self) -> std::io::Result<u64> {
        self.file.metadata().map(|m| m.len())
    }
    fn truncate(&self, len: u64) -> std::io::Result<()> {
        self.file.set_len(len)
    }
    fn sync(&self) -> std::io::Result<()> {
        self.file.sync_data()
    }
}

/// The writer: takes every entry waiting and appends their lines at once.
/// A write that fails (a full disk) is taken back and tried again every
/// `retry` with everything that came since, the service refusing decisions
/// meanwhile: a line is never cut, nor glued to the next, nor dropped while
/// the service runs. At shutdown, lines the disk still refuses are counted
/// in the error returned.
fn write_all(
    mut sink: impl Sink,
    mut receiver: mpsc::Receiver<Message>,
    health: &Health,
    retry: Duration,
) -> std::io::Result<()> {
    let mut pending = Pending { lines: Vec::with_capacity(1 << 16), shares: Vec::new(), closing: false };
    loop {
        if pending.lines.is_empty() && !pending.closing {
            match receiver.blocking_recv() {
                Some(message) => pending.take(message),
                None => pending.closing = true,
            }
        }
        while !pending.closing && pending.lines.len() < BATCH {
            let Ok(message) = receiver.try_recv() else { break };
            pending.take(message);
        }
        match sink.follow_path().and_then(|()| append(&mut sink, &pending.lines)) {
            Ok(()) => {
                health.written(pending.line_count());
                pending.written();
                if pending.closing {
                    return sink.sync();
                }
            }
            Err(e) if pending.closing => {
                let lost = pending.line_count();
                let _ = sink.sync();
                let lines = if lost == 1 { "line was" } else { "lines were" };
                return Err(std::io::Error::new(e.kind(), format!("{lost} {lines} not written: {e}")));
            }
            Err(e) => {
                health.failed(&e);
                wait_to_retry(&mut receiver, &mut pending, retry);
            }
        }
    }
}

/// Lines not yet on disk, with the shares of the budget their requests took.
struct Pending {
    lines: Vec<u8>,
    shares: Vec<OwnedSemaphorePermit>,
    /// Whether the close has come: nothing follows it.
    closing: bool,
}

impl Pending {
    /// Adds a message's lines, or notes the close.
    fn take(&mut self, message: Message) {
        match message {
            Message::Entry(entry, share) => {
                append_lines(&mut self.lines, &entry);
                self.shares.push(share);
            }
            Message::Close => self.closing = true,
        }
    }

    /// The lines are on disk: their requests' shares go back to the budget.
    fn written(&mut self) {
        self.lines.clear();
        self.shares.clear();
    }

    fn line_count(&self) -> usize {
        memchr::memchr_iter(b'\n', &self.lines).count()
    }
}

/// Waits `retry` before the next attempt, taking what arrives meanwhile
/// (the requests in flight when the write failed; later ones are refused),
/// and stops waiting at the close, for one last attempt.
fn wait_to_retry(receiver: &mut mpsc::Receiver<Message>, pending: &mut Pending, retry: Duration) {
    let until = std::time::Instant::now() + retry;
    while !pending.closing && std::time::Instant::now() < until {
        std::thread::sleep(retry.min(Duration::from_millis(50)));
        while let Ok(message) = receiver.try_recv() {
            pending.take(message);
        }
    }
}

/// Appends `bytes` whole, or not at all: what a short write left (the disk
/// filled up midway) is cut off again, so the next attempt starts at a line.
fn append(sink: &mut impl Sink, bytes: &[u8]) -> std::io::Result<()> {
    let before = sink.len()?;
    let written = sink.write_all(bytes);
    if written.is_err() && sink.len().is_ok_and(|now| now != before) {
        sink.truncate(before)?;
    }
    written
}

/// Appends one line per record of `entry`.
fn append_lines(buf: &mut Vec<u8>, entry: &Entry) {
    let time = timestamp(entry.time);
    for record in &entry.records {
        let snapshot = entry.input.get(record.input.clone()).unwrap_or_default();
        let decision = entry.output.get(record.output.clone()).unwrap_or_default();
        buf.extend_from_slice(b"{\"decision_id\":\"");
        buf.extend_from_slice(entry.id.as_bytes());
        if entry.lines {
            buf.extend_from_slice(format!("-{}", record.line).as_bytes());
        }
        buf.extend_from_slice(b"\",\"time\":\"");
        buf.extend_from_slice(time.as_bytes());
        buf.extend_from_slice(b"\",\"fingerprint\":\"");
        buf.extend_from_slice(entry.fingerprint.as_bytes());
        buf.extend_from_slice(b"\",\"engine\":\"");
        buf.extend_from_slice(super::state::ENGINE.as_bytes());
        buf.extend_from_slice(b"\",\"snapshot_sha256\":\"");
        buf.extend_from_slice(hex(&Sha256::digest(snapshot)).as_bytes());
        buf.extend_from_slice(b"\",\"decision\":");
        buf.extend_from_slice(decision);
        buf.extend_from_slice(b"}\n");
    }
}

/// A time as RFC 3339 in UTC, to the microsecond.
pub fn timestamp(time: SystemTime) -> String {
    let since = time.duration_since(SystemTime::UNIX_EPOCH).unwrap_or_default();
    let secs = i64::try_from(since.as_secs()).unwrap_or(i64::MAX);
    chrono::DateTime::from_timestamp(secs, since.subsec_nanos())
        .map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Micros, true))
        .unwrap_or_default()
}

/// Lower-case hexadecimal.
fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write as _;
    bytes.iter().fold(String::with_capacity(bytes.len() * 2), |mut s, b| {
        let _ = write!(s, "{b:02x}");
        s
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cli::serve::decide::RecordSpan;

    /// A log cut inside its last line (a run killed while writing) gets a
    /// line end on opening, so the next run's first line is not glued to it;
    /// a whole log, or an empty one, is left as it is.
    #[test]
    fn a_log_cut_inside_a_line_is_ended_before_new_lines() {
        let dir = std::env::temp_dir().join(format!("verdict-log-cut-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        for (before, after) in [("{\"a\":1}\n{\"b\"", "{\"a\":1}\n{\"b\"\n"), ("{\"a\":1}\n", "{\"a\":1}\n"), ("", "")]
        {
            let path = dir.join("log.jsonl");
            std::fs::write(&path, before).unwrap();
            drop(LogFile::open(&path).unwrap());
            assert_eq!(std::fs::read_to_string(&path).unwrap(), after);
        }
        let _ = std::fs::remove_dir_all(dir);
    }

    /// A file on a disk with `room` bytes left (`None`: all it needs).
    #[derive(Clone, Default)]
    struct Disk(Arc<Mutex<(Vec<u8>, Option<usize>)>>);

    impl Write for Disk {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            let mut disk = self.0.lock().unwrap();
            let n = disk.1.map_or(buf.len(), |room| room.min(buf.len()));
            if n == 0 && !buf.is_empty() {
                return Err(std::io::Error::from(std::io::ErrorKind::StorageFull));
            }
            disk.0.extend_from_slice(&buf[..n]);
            disk.1 = disk.1.map(|room| room - n);
            Ok(n)
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    impl Sink for Disk {
        fn len(&self) -> std::io::Result<u64> {
            Ok(self.0.lock().unwrap().0.len() as u64)
        }
        fn truncate(&self, len: u64) -> std::io::Result<()> {
            self.0.lock().unwrap().0.truncate(len as usize);
            Ok(())
        }
        fn sync(&self) -> std::io::Result<()> {
            Ok(())
        }
    }

    /// A JSON Lines request of `n` snapshots, each decided `{"id":"ID-i"}`.
    fn entry(id: &str, n: usize) -> Entry {
        let (mut input, mut output, mut records) = (String::new(), String::new(), Vec::new());
        for line in 1..=n {
            let (i, o) = (input.len(), output.len());
            input.push_str(&format!("{{\"id\":\"{id}-{line}\"}}\n"));
            output.push_str(&format!("{{\"id\":\"{id}-{line}\",\"outcome\":\"none\"}}\n"));
            records.push(RecordSpan { line, input: i..input.len() - 1, output: o..output.len() - 1 });
        }
        Entry {
            id: id.into(),
            lines: true,
            time: SystemTime::UNIX_EPOCH,
            fingerprint: "sha256:0".into(),
            input: input.into(),
            output: output.into(),
            records,
        }
    }

    /// A share of a budget of its own, for messages sent straight to the writer.
    fn share() -> OwnedSemaphorePermit {
        Arc::new(Semaphore::new(1)).try_acquire_owned().unwrap()
    }

    fn start(disk: &Disk) -> (mpsc::Sender<Message>, Arc<Health>, JoinHandle<std::io::Result<()>>) {
        let (sender, receiver) = mpsc::channel(QUEUE);
        let health = Arc::new(Health::default());
        let (sink, shared) = (disk.clone(), Arc::clone(&health));
        let thread = std::thread::spawn(move || write_all(sink, receiver, &shared, Duration::from_millis(20)));
        (sender, health, thread)
    }

    fn wait_until(what: impl Fn() -> bool) {
        let until = std::time::Instant::now() + Duration::from_secs(10);
        while !what() {
            assert!(std::time::Instant::now() < until, "timed out");
            std::thread::sleep(Duration::from_millis(5));
        }
    }

    /// The disk fills up in the middle of a line: the cut line is taken
    /// back, decisions are refused, and once there is room again every
    /// line is there, whole, in order, the ones that came meanwhile too.
    #[test]
    fn a_full_disk_neither_cuts_nor_loses_a_line() {
        let disk = Disk(Arc::new(Mutex::new((Vec::new(), Some(300)))));
        let (sender, health, thread) = start(&disk);
        sender.blocking_send(Message::Entry(entry("A", 3), share())).unwrap();
        wait_until(|| health.failing.load(Ordering::SeqCst));
        assert!(disk.0.lock().unwrap().0.is_empty(), "the partial line was cut off");
        sender.blocking_send(Message::Entry(entry("B", 2), share())).unwrap();
        std::thread::sleep(Duration::from_millis(60));
        assert!(health.failing.load(Ordering::SeqCst), "still full");
        disk.0.lock().unwrap().1 = None;
        wait_until(|| !health.failing.load(Ordering::SeqCst));
        sender.blocking_send(Message::Close).unwrap();
        thread.join().unwrap().unwrap();
        let written = String::from_utf8(disk.0.lock().unwrap().0.clone()).unwrap();
        let ids: Vec<String> = written
            .lines()
            .map(|l| serde_json::from_str::<serde_json::Value>(l).expect("a whole line"))
            .map(|v| v["decision_id"].as_str().unwrap().to_string())
            .collect();
        assert_eq!(ids, ["A-1", "A-2", "A-3", "B-1", "B-2"]);
    }

    /// A log rotated away (`mv`) or removed is not written into a file
    /// nobody reads: the next lines go to a new file at the log's path.
    #[cfg(unix)]
    #[test]
    fn a_log_moved_or_removed_is_written_anew_at_its_path() {
        let dir = std::env::temp_dir().join(format!("verdict-log-rotated-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let (path, rotated) = (dir.join("decisions.log"), dir.join("decisions.log.1"));
        let (sender, receiver) = mpsc::channel(QUEUE);
        let health = Arc::new(Health::default());
        let (sink, shared) = (LogFile::open(&path).unwrap(), Arc::clone(&health));
        let thread = std::thread::spawn(move || write_all(sink, receiver, &shared, Duration::from_millis(20)));
        let lines = |p: &Path| std::fs::read_to_string(p).unwrap_or_default().lines().count();
        sender.blocking_send(Message::Entry(entry("A", 2), share())).unwrap();
        wait_until(|| lines(&path) == 2);
        std::fs::rename(&path, &rotated).unwrap();
        sender.blocking_send(Message::Entry(entry("B", 1), share())).unwrap();
        wait_until(|| lines(&path) == 1);
        std::fs::remove_file(&path).unwrap();
        sender.blocking_send(Message::Entry(entry("C", 3), share())).unwrap();
        sender.blocking_send(Message::Close).unwrap();
        thread.join().unwrap().unwrap();
        assert_eq!((lines(&rotated), lines(&path)), (2, 3));
        assert!(!health.failing.load(Ordering::SeqCst));
        let _ = std::fs::remove_dir_all(&dir);
    }

    /// At shutdown, lines the disk still refuses are counted, never dropped quietly.
    #[test]
    fn lines_still_refused_at_shutdown_are_counted() {
        let disk = Disk(Arc::new(Mutex::new((Vec::new(), Some(0)))));
        let (sender, health, thread) = start(&disk);
        sender.blocking_send(Message::Entry(entry("A", 3), share())).unwrap();
        wait_until(|| health.failing.load(Ordering::SeqCst));
        sender.blocking_send(Message::Close).unwrap();
        let error = thread.join().unwrap().expect_err("not written");
        assert!(error.to_string().starts_with("3 lines were not written: "), "{error}");
    }

    /// Past its budget of bytes held, a request waits for lines to reach the
    /// disk, however few requests are queued; a body larger than the whole
    /// budget still goes, alone. Every line is written, in order.
    #[test]
    fn bytes_held_for_the_log_are_bounded() {
        let disk = Disk(Arc::new(Mutex::new((Vec::new(), Some(0)))));
        let (sender, health, thread) = start(&disk);
        let log = LogSender::new(sender.clone(), Arc::clone(&health), 4);
        let runtime = tokio::runtime::Builder::new_current_thread().enable_time().build().unwrap();
        let within = |entry: Entry, ms: u64| {
            runtime.block_on(async { tokio::time::timeout(Duration::from_millis(ms), log.send(entry)).await.is_ok() })
        };
        // 200 lines of about 50 bytes in and out: 10 KiB, over twice the budget.
        assert!(within(entry("A", 200), 10_000), "a body larger than the budget goes alone");
        wait_until(|| health.failing.load(Ordering::SeqCst));
        assert!(!within(entry("B", 1), 200), "the budget is held by A's lines, which the disk refuses");
        disk.0.lock().unwrap().1 = None;
        assert!(within(entry("C", 1), 10_000), "A's lines are written, its share is back");
        sender.blocking_send(Message::Close).unwrap();
        thread.join().unwrap().unwrap();
        let written = String::from_utf8(disk.0.lock().unwrap().0.clone()).unwrap();
        assert_eq!(written.lines().count(), 201, "A's 200 and C's 1: B never got its turn");
    }
}
