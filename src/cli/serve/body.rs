//! Bodies: a request's read within its limits, and in turn when it is
//! large; a response's handed to the connection a chunk at a time.
//!
//! Memory is bounded by turns ([`Service::turns`]): a body is read past its
//! first [`FREE_BODY`] bytes only once it holds one, and a JSON Lines body is
//! decided only once it holds one; either keeps it until its response has
//! been read by the client. The rest of a body waiting its turn stays in the
//! client's and the kernel's buffers, not in ours. A turn is taken for what
//! has arrived, never for what a header promises: a client that stalls after
//! a few bytes holds none, so it keeps no other body waiting.

use super::state::Service;
use http_body_util::BodyExt;
use hyper::body::{Bytes, Frame, Incoming, SizeHint};
use hyper::header::CONTENT_LENGTH;
use hyper::{Request, StatusCode};
use std::convert::Infallible;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use tokio::sync::OwnedSemaphorePermit;

/// The bytes of a single-snapshot body read without a turn: a snapshot is a
/// few kilobytes, and a connection cannot hold more than this unqueued.
pub const FREE_BODY: usize = 64 << 10;

/// The largest piece of a response handed to the connection at once.
const CHUNK: usize = 64 << 10;

/// A turn among the large bodies read, decided and answered at once.
pub type Turn = OwnedSemaphorePermit;

/// Every response's body: whole, in memory, handed to the connection a
/// chunk at a time, as it takes them. The connection takes the next chunk
/// only when it has written most of the last, so the body (and the turn it
/// holds, with its memory) is dropped only when the client has read nearly
/// all of it, or its connection is closed.
pub struct Body {
    rest: Bytes,
    turn: Option<Turn>,
}

impl Body {
    pub fn new(bytes: Bytes) -> Body {
        Body { rest: bytes, turn: None }
    }

    /// Keeps `turn` until the body has been sent (or dropped).
    pub fn hold(&mut self, turn: Option<Turn>) {
        self.turn = turn;
    }
}

impl hyper::body::Body for Body {
    type Data = Bytes;
    type Error = Infallible;

    fn poll_frame(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<Option<Result<Frame<Bytes>, Infallible>>> {
        let body = self.get_mut();
        if body.rest.is_empty() {
            body.turn = None;
            return Poll::Ready(None);
        }
        let chunk = body.rest.split_to(body.rest.len().min(CHUNK));
        Poll::Ready(Some(Ok(Frame::data(chunk))))
    }

    fn is_end_stream(&self) -> bool {
        self.rest.is_empty()
    }

    fn size_hint(&self) -> SizeHint {
        SizeHint::with_exact(self.rest.len() as u64)
    }
}

/// A request refused before any snapshot was read.
pub struct Refused {
    pub status: StatusCode,
    pub message: String,
    /// Close the connection: the rest of the request is not read.
    pub close: bool,
}

/// Waits for a turn. A closed semaphore (never: it is not closed) gives none.
pub async fn take_turn(service: &Service) -> Option<Turn> {
    Arc::clone(&service.turns).acquire_owned().await.ok()
}

/// Reads a request's body: 413 past the size limit (at once when its
/// Content-Length says so, else as soon as it is passed, without reading
/// further), 408 when the client is too slow. A body takes a turn once it
/// is over [`FREE_BODY`], a JSON Lines body (`lines`) at the latest once it
/// has arrived; the turn is returned with the body. The client's time
/// starts again after a wait for a turn, which was the service's, not the client's.
pub async fn read_body(
    service: &Service,
    request: Request<Incoming>,
    lines: bool,
) -> Result<(Bytes, Option<Turn>), Refused> {
    let max = service.limits.max_request_bytes;
    let declared = request.headers().get(CONTENT_LENGTH).and_then(|v| v.to_str().ok()?.trim().parse::<u64>().ok());
    if declared.is_some_and(|n| n > max) {
        return Err(too_large(max));
    }
    let mut turn = None;
    let timeout = service.limits.client_timeout;
    let mut deadline = tokio::time::Instant::now() + timeout;
    let mut body = request.into_body();
    let mut read: Vec<u8> = Vec::new();
    loop {
        let frame = match tokio::time::timeout_at(deadline, body.frame()).await {
            Err(_) => {
                return Err(refused(
                    StatusCode::REQUEST_TIMEOUT,
                    format!("the body did not arrive within {} s", timeout.as_secs_f64()),
                ))
            }
            Ok(None) => break,
            Ok(Some(Err(e))) => {
                return Err(refused(StatusCode::BAD_REQUEST, format!("the body could not be read: {e}")))
            }
            Ok(Some(Ok(frame))) => frame,
        };
        let Ok(data) = frame.into_data() else { continue };
        let total = read.len() + data.len();
        if total as u64 > max {
            return Err(too_large(max));
        }
        if turn.is_none() && total > FREE_BODY {
            turn = take_turn(service).await;
            deadline = tokio::time::Instant::now() + timeout;
        }
        read.extend_from_slice(&data);
    }
    if lines && turn.is_none() {
        turn = take_turn(service).await;
    }
    Ok((Bytes::from(read), turn))
}

fn too_large(max: u64) -> Refused {
    refused(StatusCode::PAYLOAD_TOO_LARGE, format!("the body is over the limit of {max} bytes"))
}

/// A refusal that closes the connection: the rest of the body is not read.
fn refused(status: StatusCode, message: String) -> Refused {
    Refused { status, message, close: true }
}
