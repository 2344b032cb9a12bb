//! Accepting connections, the signals, and a graceful shutdown that lets
//! every request in flight finish.

use super::http::handle;
use super::reload::reload;
use super::state::Service;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use std::sync::Arc;
use std::time::Duration;
use tokio::net::TcpListener;
use tokio::signal::unix::{signal, SignalKind};
use tokio_io_timeout::TimeoutStream;

/// How long requests in flight may take to finish once shutdown begins, by default.
pub const DRAIN: Duration = Duration::from_secs(30);

/// Serves until SIGTERM or Ctrl-C, then drains: new connections are no
/// longer accepted, idle ones are closed, requests in flight are answered.
/// Returns whether every connection finished within `drain`.
pub async fn serve(listener: TcpListener, service: Arc<Service>, drain: Duration) -> std::io::Result<bool> {
    let mut terminate = signal(SignalKind::terminate())?;
    let mut interrupt = signal(SignalKind::interrupt())?;
    let hangup = signal(SignalKind::hangup())?;
    // A file-size limit (`ulimit -f`, systemd's LimitFSIZE=) kills a process
    // that writes past it, mid-line, unless SIGXFSZ is handled: handled, the
    // write fails (EFBIG) and the decision log's failure handling takes over.
    // The handler stays installed for the life of the process.
    let _file_size = signal(SignalKind::from_raw(libc::SIGXFSZ))?;
    tokio::spawn(reload_on_hangup(hangup, Arc::clone(&service)));
    let mut builder = http1::Builder::new();
    // A client that takes longer than this to send its request's headers is
    // disconnected (its body has the same time, in `http::read_body`).
    builder.timer(TokioTimer::new()).header_read_timeout(service.limits.client_timeout);
    let graceful = GracefulShutdown::new();
    loop {
        tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => {
                    // Responses are written whole: no reason to wait for more.
                    let _ = stream.set_nodelay(true);
                    // A client that stops reading its response is disconnected
                    // after as long without progress, its response dropped.
                    let mut stream = TimeoutStream::new(stream);
                    stream.set_write_timeout(Some(service.limits.client_timeout));
                    let io = TokioIo::new(Box::pin(stream));
                    let shared = Arc::clone(&service);
                    let svc = service_fn(move |request| handle(Arc::clone(&shared), request));
                    let connection = graceful.watch(builder.serve_connection(io, svc));
                    let service = Arc::clone(&service);
                    tokio::spawn(async move {
                        // A client that goes away or breaks the protocol ends only its connection.
                        if let Err(e) = connection.await {
                            if let Some(code) = answered_by_hyper(&e) {
                                service.metrics.respond("other", code);
                            }
                        }
                    });
                }
                Err(e) => {
                    // Out of file descriptors, most often: wait for some to close.
                    eprintln!("verdict serve: cannot accept a connection: {e}");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                }
            },
            _ = terminate.recv() => break,
            _ = interrupt.recv() => break,
        }
    }
    drop(listener);
    eprintln!("verdict serve: shutting down; answering the requests in flight");
    Ok(tokio::time::timeout(drain, graceful.shutdown()).await.is_ok())
}

/// Reloads the policy on every SIGHUP, each reload a task of its own: one
/// that panicked (a bug) must not stop the next SIGHUP from being heard.
async fn reload_on_hangup(mut hangup: tokio::signal::unix::Signal, service: Arc<Service>) {
    while hangup.recv().await.is_some() {
        let service = Arc::clone(&service);
        if let Err(e) = tokio::spawn(async move { reload(service, "SIGHUP").await }).await {
            eprintln!("verdict serve: reload (SIGHUP) failed: {e}; still serving, still listening for SIGHUP");
        }
    }
}

/// The status hyper answered a request it could not parse with, before any
/// handler saw it (a malformed request line or header, headers too large):
/// counted in `/metrics` as every response is. Its body is hyper's (empty).
fn answered_by_hyper(e: &hyper::Error) -> Option<u16> {
    if e.is_parse_too_large() {
        Some(431)
    } else if e.is_parse() {
        Some(400)
    } else {
        None
    }
}
