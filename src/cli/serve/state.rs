//! The policy being served, swapped whole on reload, and what every request shares.

use super::log::{timestamp, LogSender};
use super::metrics::Metrics;
use arc_swap::ArcSwap;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, SystemTime};
use verdict::compile::Program;
use verdict::eval::EvalOptions;

/// A loaded policy and when it was loaded.
pub struct Served {
    /// The compiled program.
    pub program: Arc<Program>,
    /// Its fingerprint, shared with the decision log's entries.
    pub fingerprint: Arc<str>,
    /// Name, version, fingerprint and load time.
    pub info: PolicyInfo,
    /// `GET /v1/policy`'s body: `info` as a JSON line.
    pub info_body: Vec<u8>,
}

impl Served {
    /// Wraps a freshly loaded program.
    pub fn new(program: Arc<Program>, loaded: SystemTime) -> Served {
        let info = PolicyInfo {
            name: program.name.to_string(),
            version: program.version.to_string(),
            fingerprint: program.fingerprint.to_string(),
            loaded_at: timestamp(loaded),
            engine: ENGINE,
        };
        let mut info_body = serde_json::to_vec(&info).unwrap_or_default();
        info_body.push(b'\n');
        Served { fingerprint: program.fingerprint.as_str().into(), program, info, info_body }
    }
}

/// `GET /v1/policy`'s body, its members in the order docs/serve.md shows
/// them (a `json!` map would sort them).
#[derive(Clone, Debug, serde::Serialize)]
pub struct PolicyInfo {
    pub name: String,
    pub version: String,
    pub fingerprint: String,
    /// When it was loaded, UTC.
    pub loaded_at: String,
    /// The engine that decides with it ([`ENGINE`]).
    pub engine: &'static str,
}

/// The engine's version, in `/v1/policy` and on every line of the decision
/// log: the same files can decide otherwise under another engine (a fix in
/// how a value is read), so replaying a decision needs both.
pub const ENGINE: &str = concat!("verdict ", env!("CARGO_PKG_VERSION"));

/// Limits on what a client may send, and how slowly.
#[derive(Clone, Copy, Debug)]
pub struct Limits {
    /// The largest request body (413 beyond it).
    pub max_request_bytes: u64,
    /// The most lines a JSON Lines body may have (413 beyond it).
    pub max_request_lines: usize,
    /// How long a client may take to send a request's headers, or its body,
    /// or go without reading any of its response.
    pub client_timeout: Duration,
    /// How many large bodies (JSON Lines, or over `body::FREE_BODY`) are
    /// read, decided or answered at once.
    pub json_lines_at_once: usize,
}

/// What every request shares.
pub struct Service {
    /// The policy deciding now. Each request loads it once, so it is decided
    /// wholly by one policy, whatever reloads happen meanwhile.
    pub policy: ArcSwap<Served>,
    /// The policy file given on the command line, loaded again on reload.
    pub path: PathBuf,
    /// Evaluation options for every snapshot.
    pub eval: EvalOptions,
    /// Request limits.
    pub limits: Limits,
    /// The metrics.
    pub metrics: Metrics,
    /// The decision log, when asked for.
    pub log: Option<LogSender>,
    /// Its file: a reloaded policy may not read it, as the first may not.
    pub log_path: Option<PathBuf>,
    /// One reload at a time.
    pub reloading: tokio::sync::Mutex<()>,
    /// Turns of the large bodies (JSON Lines, or over `body::FREE_BODY`)
    /// read, decided and answered at once: two per core by default
    /// (`Limits::json_lines_at_once`). A body is read past `body::FREE_BODY`
    /// only once it has its turn (a JSON Lines body decided only then), and
    /// keeps it until the client has read its response (or the
    /// connection is closed), so memory stays bounded however many clients
    /// send large bodies together, and however slowly they read. One per core
    /// left a core idle while a finished body's response was written and the
    /// next body read: 13% fewer decisions/s with four clients
    /// (`benches/serve.sh 3`); two keep it busy.
    pub turns: Arc<tokio::sync::Semaphore>,
    /// Set at SIGTERM: each response from then on says `connection: close`,
    /// so that a client stops sending on its kept-alive connection while
    /// the service still answers (the drain's linger).
    pub stopping: std::sync::atomic::AtomicBool,
    ids: Ids,
}

impl Service {
    /// A service over an already loaded policy.
    pub fn new(served: Served, path: PathBuf, eval: EvalOptions, limits: Limits, metrics: Metrics) -> Service {
        metrics.serving(&served.program, unix_seconds(SystemTime::now()));
        Service {
            policy: ArcSwap::from_pointee(served),
            path,
            eval,
            limits,
            metrics,
            log: None,
            log_path: None,
            reloading: tokio::sync::Mutex::new(()),
            turns: Arc::new(tokio::sync::Semaphore::new(limits.json_lines_at_once)),
            stopping: std::sync::atomic::AtomicBool::new(false),
            ids: Ids::new(),
        }
    }

    /// The next decision id.
    pub fn next_id(&self) -> Arc<str> {
        self.ids.next()
    }
}

/// Decision ids: the process's start (microseconds since the epoch, in hex),
/// its pid, and a sequence number, so ids are unique across restarts and
/// across instances on one machine.
struct Ids {
    prefix: String,
    next: AtomicU64,
}

impl Ids {
    fn new() -> Ids {
        let started = SystemTime::now().duration_since(SystemTime::UNIX_EPOCH).unwrap_or_default();
        Ids { prefix: format!("{:x}-{:x}-", started.as_micros(), std::process::id()), next: AtomicU64::new(1) }
    }

    fn next(&self) -> Arc<str> {
        let n = self.next.fetch_add(1, Ordering::Relaxed);
        format!("{}{n}", self.prefix).into()
    }
}

/// Seconds since the Unix epoch.
pub fn unix_seconds(time: SystemTime) -> i64 {
    time.duration_since(SystemTime::UNIX_EPOCH).map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
}
