//! The decision log (`--decision-log FILE`): one JSON line per record, written
//! by a thread of its own so that no request waits on the disk.
//!
//! A request hands its bodies over as they are (`Bytes` are shared, not
//! copied); the writer hashes each snapshot, builds the lines and appends
//! them with one write per batch, so lines are never interleaved, nor cut.

use super::decide::RecordSpan;
use hyper::body::Bytes;
use sha2::{Digest, Sha256};
use std::fs::File;
use std::io::Write;
use std::path::Path;
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::SystemTime;
use tokio::sync::mpsc;

/// Requests' records waiting to be written. Past this many requests behind,
/// a request waits (without holding a thread) until the disk catches up.
const QUEUE: usize = 4096;

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
    Entry(Entry),
    /// Write what came before, sync the file and stop.
    Close,
}

/// The sending side of the log, kept by the service.
#[derive(Clone)]
pub struct LogSender(mpsc::Sender<Message>);

impl LogSender {
    /// Queues a request's records; waits only when the writer is far behind.
    pub async fn send(&self, entry: Entry) {
        // The writer stops only at shutdown, after the last request.
        let _ = self.0.send(Message::Entry(entry)).await;
    }
}

/// The writer thread, to be closed at shutdown.
pub struct LogWriter {
    sender: mpsc::Sender<Message>,
    thread: JoinHandle<std::io::Result<()>>,
}

/// Opens (or creates) `path` for appending and starts its writer.
pub fn open(path: &Path) -> std::io::Result<(LogSender, LogWriter)> {
    let file = std::fs::OpenOptions::new().create(true).append(true).open(path)?;
    let (sender, receiver) = mpsc::channel(QUEUE);
    let thread = std::thread::Builder::new().name("decision-log".into()).spawn(move || write_all(file, receiver))?;
    Ok((LogSender(sender.clone()), LogWriter { sender, thread }))
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

/// The writer: takes every entry waiting, writes their lines at once.
fn write_all(mut file: File, mut receiver: mpsc::Receiver<Message>) -> std::io::Result<()> {
    let mut buf = Vec::with_capacity(1 << 16);
    let mut result = Ok(());
    while let Some(first) = receiver.blocking_recv() {
        let mut closing = false;
        let mut next = Some(first);
        while let Some(message) = next {
            match message {
                Message::Entry(entry) => append_lines(&mut buf, &entry),
                Message::Close => closing = true,
            }
            next = if closing || buf.len() > 1 << 20 { None } else { receiver.try_recv().ok() };
        }
        if let Err(e) = file.write_all(&buf) {
            // Reported once; the service goes on deciding.
            if result.is_ok() {
                eprintln!("error: the decision log could not be written: {e}");
                result = Err(e);
            }
        }
        buf.clear();
        if closing {
            break;
        }
    }
    file.sync_data()?;
    result
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
