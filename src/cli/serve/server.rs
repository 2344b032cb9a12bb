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

/// Unsent bytes under which a connection's socket is writable again.
#[cfg(any(target_os = "linux", target_os = "android"))]
const UNSENT_LOW_WATER: u32 = 128 * 1024;

/// How long the service goes on serving after SIGTERM before it drains: a
/// keep-alive connection idle at the signal is closed by the drain, and a
/// request its client had already sent (still in the socket's buffer, not
/// yet read) would be lost with it; so would connections still waiting in
/// the listener's queue. Meanwhile those are read and answered as usual.
pub const LINGER: Duration = Duration::from_secs(1);

/// Serves until SIGTERM or Ctrl-C, then for [`LINGER`] more (within
/// `drain`), then drains: new connections are no longer accepted, idle ones
/// are closed, requests in flight are answered. Returns whether every
/// connection finished within `drain`.
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
    // A client may close its sending side once its request is sent (`nc -N`,
    // `socat`, some proxies) and still read the answer; without this, hyper
    // took the end of input for an abort and dropped the request unanswered.
    builder.half_close(true);
    let accepting = Accepting { listener, builder, graceful: GracefulShutdown::new(), service };
    accepting
        .until(async {
            tokio::select! {
                _ = terminate.recv() => {}
                _ = interrupt.recv() => {}
            }
        })
        .await;
    accepting.service.stopping.store(true, std::sync::atomic::Ordering::Relaxed);
    let linger = LINGER.min(drain);
    eprintln!(
        "verdict serve: shutting down; answering what is sent for {} ms more, then the requests in flight",
        linger.as_millis()
    );
    accepting.until(tokio::time::sleep(linger)).await;
    let Accepting { listener, graceful, .. } = accepting;
    drop(listener);
    Ok(tokio::time::timeout(drain - linger, graceful.shutdown()).await.is_ok())
}

/// The listener and what serves each connection it accepts.
struct Accepting {
    listener: TcpListener,
    builder: http1::Builder,
    graceful: GracefulShutdown,
    service: Arc<Service>,
}

impl Accepting {
    /// Accepts and serves connections until `stop` completes.
    async fn until(&self, stop: impl std::future::Future<Output = ()>) {
        tokio::pin!(stop);
        loop {
            tokio::select! {
                accepted = self.listener.accept() => match accepted {
                    Ok((stream, _)) => self.serve(stream),
                    Err(e) => {
                        // Out of file descriptors, most often: wait for some to close.
                        eprintln!("verdict serve: cannot accept a connection: {e}");
                        tokio::time::sleep(Duration::from_millis(50)).await;
                    }
                },
                () = &mut stop => return,
            }
        }
    }

    fn serve(&self, stream: tokio::net::TcpStream) {
        configure(&stream);
        // A client that stops reading its response is disconnected
        // after as long without progress, its response dropped.
        let mut stream = TimeoutStream::new(stream);
        stream.set_write_timeout(Some(self.service.limits.client_timeout));
        let io = TokioIo::new(Box::pin(stream));
        let shared = Arc::clone(&self.service);
        let svc = service_fn(move |request| handle(Arc::clone(&shared), request));
        let connection = self.graceful.watch(self.builder.serve_connection(io, svc));
        let service = Arc::clone(&self.service);
        tokio::spawn(async move {
            // A client that goes away or breaks the protocol ends only its connection.
            if let Err(e) = connection.await {
                if let Some(code) = answered_by_hyper(&e) {
                    service.metrics.respond("other", code);
                }
            }
        });
    }
}

/// A connection's socket options, set as it is accepted.
fn configure(stream: &tokio::net::TcpStream) {
    // Responses are written whole: no reason to wait for more.
    let _ = stream.set_nodelay(true);
    // Writable again once little is left unsent, not once a third of a send
    // buffer of megabytes is free: the write timeout measures progress, which
    // a slow but steady reader then shows every half second or so (one
    // reading 64 KiB every half second was cut off after 41 s with a 2 s
    // timeout; with this, it read on past 70 s).
    #[cfg(any(target_os = "linux", target_os = "android"))]
    let _ = socket2::SockRef::from(stream).set_tcp_notsent_lowat(UNSENT_LOW_WATER);
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_accepted_connection_is_writable_again_once_little_is_unsent() {
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        runtime.block_on(async {
            let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
            let addr = listener.local_addr().unwrap();
            let _client = tokio::net::TcpStream::connect(addr).await.unwrap();
            let (accepted, _) = listener.accept().await.unwrap();
            configure(&accepted);
            assert!(accepted.nodelay().unwrap());
            #[cfg(any(target_os = "linux", target_os = "android"))]
            assert_eq!(socket2::SockRef::from(&accepted).tcp_notsent_lowat().unwrap(), UNSENT_LOW_WATER);
        });
    }
}
