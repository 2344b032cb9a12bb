//! `verdict serve POLICY [--addr HOST:PORT]`: the decision service.
//!
//! `POST /v1/decide` decides one JSON snapshot, or JSON Lines, with exactly
//! the bytes `verdict eval` writes; `GET /v1/policy`, `GET /healthz`,
//! `GET /metrics`; `POST /v1/reload` and SIGHUP load the policy again and
//! swap it in only if it checks. See docs/serve.md.
//!
//! ```text
//! server (accept, signals) ──▶ http (route, read body within limits) ──▶ decide (library)
//!                                   │                                       │
//!                                   └── state: the policy (ArcSwap), metrics, log ◀──┘
//! ```

mod body;
mod decide;
mod http;
mod log;
mod metrics;
mod reload;
mod server;
mod state;

use super::files::{policy_files, refuse_clashes};
use super::render::{render_all, stderr_color};
use super::Exit;
use state::{Limits, Served, Service};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, SystemTime};
use verdict::eval::EvalOptions;
use verdict::terminal::escape;

/// The largest request body unless `--max-request-bytes` says otherwise.
const DEFAULT_MAX_REQUEST_BYTES: u64 = 16 << 20;

/// The most lines a JSON Lines body may have unless `--max-request-lines` says otherwise.
///
/// The bytes a body may have do not bound its response: a line of `{}` is 3
/// bytes in and an error record of about 225 out, so 16 MiB of them would be
/// answered with more than a gigabyte, held whole for the decision log. At
/// this many lines a response stays within some hundred megabytes.
const DEFAULT_MAX_REQUEST_LINES: usize = 100_000;

/// How long a client may take over a request's headers, or its body.
const DEFAULT_CLIENT_TIMEOUT: Duration = Duration::from_secs(10);

/// Arguments of `verdict serve`.
#[derive(clap::Args)]
#[command(after_help = "Examples:
  verdict serve policies/lifecycle.policy --addr 127.0.0.1:8080
  verdict serve policies/lifecycle.policy --decision-log decisions.jsonl --max-request-lines 10000

Exit codes:
  0    stopped by SIGTERM or Ctrl-C, every request in flight answered and the log written
  1    stopped, but a request was still running after the 30 s it is given (it is left unanswered)
  2    the policy does not compile, the address cannot be taken, the log cannot be opened, or the command line is wrong
  4    the decision log could not be written whole")]
pub struct ServeArgs {
    /// The policy file (loaded again on `POST /v1/reload` and SIGHUP).
    policy: PathBuf,
    /// Address to listen on (port 0: any free port; the address taken is printed).
    #[arg(long, value_name = "HOST:PORT", default_value = "127.0.0.1:8080")]
    addr: String,
    /// Largest request body; a larger one is refused with 413 [default: 16MiB].
    #[arg(long, value_name = "SIZE", value_parser = super::byte_size)]
    max_request_bytes: Option<u64>,
    /// Most lines of a JSON Lines body (snapshots per request); more are refused with 413 [default: 100000].
    #[arg(long, value_name = "N", value_parser = at_least_one_line)]
    max_request_lines: Option<usize>,
    /// Append one JSON line per decision to FILE (id, time, fingerprint, snapshot hash, decision).
    #[arg(long, value_name = "FILE")]
    decision_log: Option<PathBuf>,
    /// Milliseconds a client may take to send a request's headers, or its body (default 10 s).
    #[arg(long, value_name = "MS", hide = true)]
    client_timeout_ms: Option<u64>,
    /// Milliseconds one hook call may run before its account is a `timeout` error record (default a minute).
    #[arg(long, value_name = "MS", hide = true)]
    hook_backstop_ms: Option<u64>,
    /// Milliseconds the requests in flight get to finish after SIGTERM (default 30 s).
    #[arg(long, value_name = "MS", hide = true)]
    drain_ms: Option<u64>,
    /// Large bodies (JSON Lines, or over 64 KiB) read, decided or answered at once (default two per core).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..), hide = true)]
    json_lines_at_once: Option<u32>,
}

/// `--max-request-lines`: 0 would refuse every JSON Lines body but an empty one.
fn at_least_one_line(text: &str) -> Result<usize, String> {
    match text.trim().parse::<usize>() {
        Ok(0) => Err("it must be at least 1 (0 would refuse every JSON Lines body)".into()),
        Ok(n) => Ok(n),
        Err(_) => Err(format!("`{text}` is not a whole number of lines")),
    }
}

pub fn run(args: ServeArgs) -> Exit {
    let loaded = match verdict::load_policy(&args.policy) {
        Ok(l) => l,
        Err(e) => {
            eprint!("{}", render_all(&e.diagnostics, &e.sources, stderr_color()));
            return Exit::Invalid;
        }
    };
    // The log is appended to for as long as the service runs: never to the
    // policy, its schema, a hook or a batch (a reload would then read decisions).
    let log = args.decision_log.as_deref().map(|path| ("--decision-log", path));
    if refuse_clashes(log.as_slice(), &policy_files(&loaded.sources)) {
        return Exit::Invalid;
    }
    let limits = Limits {
        max_request_bytes: args.max_request_bytes.unwrap_or(DEFAULT_MAX_REQUEST_BYTES),
        max_request_lines: args.max_request_lines.unwrap_or(DEFAULT_MAX_REQUEST_LINES),
        client_timeout: args.client_timeout_ms.map_or(DEFAULT_CLIENT_TIMEOUT, Duration::from_millis),
        json_lines_at_once: args.json_lines_at_once.map_or_else(
            || std::thread::available_parallelism().map_or(1, usize::from).saturating_mul(2),
            |n| usize::try_from(n).unwrap_or(1),
        ),
    };
    let eval = EvalOptions { hook_backstop: super::hook_backstop(args.hook_backstop_ms), ..EvalOptions::default() };
    let metrics = match metrics::Metrics::new() {
        Ok(m) => m,
        Err(e) => {
            eprintln!("error: the metrics could not be set up: {e}");
            return Exit::Invalid;
        }
    };
    let served = Served::new(loaded.program, SystemTime::now());
    let service = Service::new(served, args.policy.clone(), eval, limits, metrics);
    // Hooks run on the runtime's threads, and may need a deep stack (`HOOK_STACK`).
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .thread_stack_size(verdict::hooks::HOOK_STACK)
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: cannot start the service's threads: {e}");
            return Exit::Invalid;
        }
    };
    let drain = args.drain_ms.map_or(server::DRAIN, Duration::from_millis);
    let exit = runtime.block_on(serve(service, &args.addr, args.decision_log, drain));
    // A request still deciding after the drain (a hook near its backstop, a
    // long body) is abandoned unanswered: dropping the runtime would wait
    // for it, keeping the process alive past the time it was given.
    runtime.shutdown_timeout(Duration::ZERO);
    exit
}

/// Binds, opens the log, serves until a signal, then drains and closes the log.
async fn serve(mut service: Service, addr: &str, decision_log: Option<PathBuf>, drain: Duration) -> Exit {
    let writer = match decision_log.as_deref().map(log::open).transpose() {
        Ok(opened) => opened.map(|(sender, writer)| {
            service.log = Some(sender);
            service.log_path.clone_from(&decision_log);
            writer
        }),
        Err(e) => {
            let path = decision_log.as_deref().unwrap_or_else(|| "".as_ref()).display();
            eprintln!("error: cannot open the decision log `{path}`: {e}");
            return Exit::Invalid;
        }
    };
    let listener = match tokio::net::TcpListener::bind(addr).await {
        Ok(l) => l,
        Err(e) => {
            eprintln!("error: cannot listen on `{addr}`: {e}");
            return Exit::Invalid;
        }
    };
    let bound = listener.local_addr().map_or_else(|_| addr.to_string(), |a| a.to_string());
    let served = service.policy.load_full();
    eprintln!(
        "verdict serve: {} {} ({}) listening on http://{bound}",
        escape(&served.program.name),
        escape(&served.program.version),
        served.program.fingerprint
    );
    drop(served);
    let service = Arc::new(service);
    let mut exit = match server::serve(listener, Arc::clone(&service), drain).await {
        Ok(true) => Exit::Ok,
        Ok(false) => {
            eprintln!(
                "verdict serve: some requests were still running after {} s; stopped without answering them",
                drain.as_secs_f64()
            );
            Exit::Failures
        }
        Err(e) => {
            eprintln!("error: cannot watch for signals: {e}");
            Exit::Invalid
        }
    };
    if let Some(writer) = writer {
        if let Err(e) = writer.close().await {
            eprintln!("error: the decision log could not be written whole: {e}");
            exit = exit.max(Exit::Output);
        }
    }
    eprintln!("verdict serve: stopped");
    exit
}
