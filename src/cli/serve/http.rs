//! The endpoints: routing, deciding, responses.

use super::body::{read_body, Body, Refused};
use super::decide::{decide_lines, decide_single, Decided};
use super::log::Entry;
use super::reload::reload;
use super::state::Service;
use hyper::body::{Bytes, Incoming};
use hyper::header::{
    HeaderMap, HeaderName, HeaderValue, ACCEPT_ENCODING, ALLOW, CONNECTION, CONTENT_ENCODING, CONTENT_TYPE, RETRY_AFTER,
};
use hyper::{Method, Request, Response, StatusCode};
use std::convert::Infallible;
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};
use verdict::compile::Program;
use verdict::eval::EvalOptions;

/// The response header carrying the decision id.
pub const DECISION_ID: HeaderName = HeaderName::from_static("x-decision-id");
/// The response header carrying the fingerprint of the policy that decided.
pub const POLICY_FINGERPRINT: HeaderName = HeaderName::from_static("x-policy-fingerprint");

const JSON: &str = "application/json";
const JSON_LINES: &str = "application/x-ndjson";

/// Answers one request; never fails (a failure is a response).
pub async fn handle(service: Arc<Service>, request: Request<Incoming>) -> Result<Response<Body>, Infallible> {
    let path = request.uri().path();
    let (endpoint, allowed) = match path {
        "/v1/decide" => ("/v1/decide", Method::POST),
        "/v1/reload" => ("/v1/reload", Method::POST),
        "/v1/policy" => ("/v1/policy", Method::GET),
        "/healthz" => ("/healthz", Method::GET),
        "/metrics" => ("/metrics", Method::GET),
        _ => ("other", Method::GET),
    };
    let allow = if allowed == Method::POST { "POST" } else { "GET, HEAD" };
    // HEAD is GET without the body (hyper leaves the body out, keeping its length).
    let takes = |method: &Method| *method == allowed || (allowed == Method::GET && *method == Method::HEAD);
    let response = if endpoint == "other" {
        // A `CONNECT host:port` (or `OPTIONS *`) names no path: the request
        // line's method and target say what was asked.
        let target = if path.is_empty() || !path.starts_with('/') {
            format!("{} {}", request.method(), request.uri())
        } else {
            path.to_owned()
        };
        error(StatusCode::NOT_FOUND, &format!("no endpoint `{}`", printable(&target)))
    } else if !takes(request.method()) {
        let mut r = error(StatusCode::METHOD_NOT_ALLOWED, &format!("{endpoint} takes {allowed}"));
        r.headers_mut().insert(ALLOW, HeaderValue::from_static(allow));
        r
    } else {
        match endpoint {
            "/v1/decide" => decide(&service, request).await,
            "/v1/reload" => {
                let reloaded = reload(Arc::clone(&service), "POST /v1/reload").await;
                respond(status(reloaded.status), JSON, reloaded.body)
            }
            "/v1/policy" => respond(StatusCode::OK, JSON, service.policy.load().info_body.clone()),
            "/healthz" => health(&service),
            _ => {
                service.metrics.decision_log_failing(log_failure(&service).is_some());
                respond(StatusCode::OK, prometheus::TEXT_FORMAT, service.metrics.render())
            }
        }
    };
    service.metrics.respond(endpoint, response.status().as_u16());
    let mut response = response;
    if service.stopping.load(std::sync::atomic::Ordering::Relaxed) {
        response.headers_mut().insert(hyper::header::CONNECTION, HeaderValue::from_static("close"));
    }
    Ok(response)
}

/// `POST /v1/decide`: one JSON snapshot, or JSON Lines.
async fn decide(service: &Arc<Service>, request: Request<Incoming>) -> Response<Body> {
    let received = SystemTime::now();
    if let Some(refused) = encoded(request.headers()) {
        let mut response = refusal(refused);
        response.headers_mut().insert(ACCEPT_ENCODING, HeaderValue::from_static("identity"));
        return response;
    }
    let lines = is_json_lines(request.headers());
    let (body, turn) = match read_body(service, request, lines).await {
        Ok(read) => read,
        Err(refused) => return refusal(refused),
    };
    if let Some(reason) = log_failure(service) {
        let message = format!("the decision log cannot be written ({reason}): no decision is made until it can be");
        let mut response = error(StatusCode::SERVICE_UNAVAILABLE, &message);
        response.headers_mut().insert(RETRY_AFTER, HeaderValue::from_static("1"));
        return response;
    }
    let started = Instant::now();
    // INVARIANT: the policy is loaded once, so the whole request is decided by it.
    let served = service.policy.load_full();
    if lines {
        if let Some(refused) = too_many_lines(&body, service.limits.max_request_lines) {
            return refusal(refused);
        }
    }
    let decided = match decide_body(service, &served.program, &body, lines).await {
        Ok(decided) => decided,
        Err(e) => return error(StatusCode::INTERNAL_SERVER_ERROR, &format!("the request could not be decided: {e}")),
    };
    let Decided { body: output, records, tally, status: code } = decided;
    service.metrics.count(&tally, started.elapsed().as_secs_f64());
    let id = service.next_id();
    let output = Bytes::from(output);
    let mut response = respond(status(code), if lines { JSON_LINES } else { JSON }, output.clone());
    response.body_mut().hold(turn);
    if let Ok(v) = HeaderValue::from_str(&id) {
        response.headers_mut().insert(DECISION_ID, v);
    }
    if let Ok(v) = HeaderValue::from_str(&served.fingerprint) {
        response.headers_mut().insert(POLICY_FINGERPRINT, v);
    }
    if let Some(log) = &service.log {
        let fingerprint = Arc::clone(&served.fingerprint);
        log.send(Entry { id, lines, time: received, fingerprint, input: body, output, records }).await;
    }
    response
}

/// How long a hook call may run on a worker thread: a single snapshot is
/// decided there (microseconds, not worth a handover to another thread)
/// unless a hook call runs longer, when it is decided again on the blocking
/// pool with the whole backstop. A hook's operation budget bounds its
/// operations, not its time; were every worker in a long call, no other
/// endpoint, `/healthz` included, nor the drain's timer would run.
const ON_A_WORKER: Duration = Duration::from_millis(5);

/// Decides a body read whole: a single snapshot on this worker thread (see
/// [`ON_A_WORKER`]), JSON Lines on the blocking pool.
async fn decide_body(
    service: &Service,
    program: &Arc<Program>,
    body: &Bytes,
    lines: bool,
) -> Result<Decided, tokio::task::JoinError> {
    let options = service.eval;
    if !lines {
        let brief = EvalOptions { hook_backstop: options.hook_backstop.min(ON_A_WORKER), ..options };
        let decided = decide_single(program, body, brief);
        // Deciding is deterministic but for the clock: again, with the whole backstop, it is the same decision.
        if !decided.timed_out() || brief.hook_backstop == options.hook_backstop {
            return Ok(decided);
        }
    }
    let (program, input) = (Arc::clone(program), body.clone());
    tokio::task::spawn_blocking(move || {
        if lines {
            decide_lines(&program, &input, options)
        } else {
            decide_single(&program, &input, options)
        }
    })
    .await
}

/// Why the decision log cannot be written now, if there is one and it cannot.
fn log_failure(service: &Service) -> Option<String> {
    service.log.as_ref().and_then(super::log::LogSender::failure)
}

/// `GET /healthz`: 503 while decisions are refused for the decision log, so
/// that a load balancer sends them elsewhere.
fn health(service: &Service) -> Response<Body> {
    // `status` first, as the docs show it (a JSON map would sort the keys).
    let unavailable = |status: &str, reason: &str| {
        let quoted = |text: &str| serde_json::to_string(text).unwrap_or_default();
        let body = format!("{{\"status\":{},\"reason\":{}}}\n", quoted(status), quoted(reason));
        respond(StatusCode::SERVICE_UNAVAILABLE, JSON, body)
    };
    if let Some(reason) = log_failure(service) {
        return unavailable("failing", &format!("the decision log cannot be written: {reason}"));
    }
    // Shutting down (SIGTERM): a load balancer's probe sends the next requests elsewhere.
    if service.stopping.load(std::sync::atomic::Ordering::Relaxed) {
        return unavailable("stopping", "the service is shutting down: it answers only what was already sent");
    }
    respond(StatusCode::OK, JSON, &b"{\"status\":\"ok\"}\n"[..])
}

/// The response to a request refused before any snapshot was read.
fn refusal(refused: Refused) -> Response<Body> {
    let mut response = error(refused.status, &refused.message);
    if refused.close {
        response.headers_mut().insert(CONNECTION, HeaderValue::from_static("close"));
    }
    response
}

/// A JSON Lines body of more than `max` lines (a last line without its line
/// end counts too), refused whole: the client sends it again in parts.
fn too_many_lines(body: &[u8], max: usize) -> Option<Refused> {
    let ends = memchr::memchr_iter(b'\n', body).take(max.saturating_add(1)).count();
    let lines = ends + usize::from(body.last().is_some_and(|&b| b != b'\n'));
    (lines > max).then(|| Refused {
        status: StatusCode::PAYLOAD_TOO_LARGE,
        message: format!("the body has more than {max} lines (--max-request-lines): send its snapshots in parts"),
        close: false,
    })
}

/// A body sent compressed (`Content-Encoding: gzip`), refused with 415 before
/// it is read (RFC 9110 §15.5.16): read as it is, its bytes would be
/// reported as text that is not UTF-8, which names no cause.
fn encoded(headers: &HeaderMap) -> Option<Refused> {
    let codings: Vec<String> = headers
        .get_all(CONTENT_ENCODING)
        .iter()
        .flat_map(|v| v.to_str().unwrap_or("?").split(','))
        .map(|c| c.trim().to_ascii_lowercase())
        .filter(|c| !c.is_empty() && c != "identity")
        .collect();
    (!codings.is_empty()).then(|| Refused {
        status: StatusCode::UNSUPPORTED_MEDIA_TYPE,
        message: format!(
            "the body is sent with Content-Encoding: {}; this service reads bodies as they are (identity): send it uncompressed",
            codings.join(", ")
        ),
        close: true,
    })
}

/// Whether the body is JSON Lines (else one JSON snapshot). Any other
/// content type, or none, is read as one JSON snapshot: clients send JSON
/// under whatever type their tool defaults to (curl's `-d` says
/// `application/x-www-form-urlencoded`), and a body that is not JSON gets
/// its 400 from the reader whatever it was labelled.
fn is_json_lines(headers: &HeaderMap) -> bool {
    let Some(value) = headers.get(CONTENT_TYPE) else { return false };
    let media = value.to_str().unwrap_or_default();
    let media = media.split(';').next().unwrap_or_default().trim().to_ascii_lowercase();
    JSON_LINES_TYPES.contains(&media.as_str())
}

/// The media types JSON Lines goes by.
const JSON_LINES_TYPES: [&str; 5] = [
    "application/x-ndjson",
    "application/jsonl",
    "application/x-jsonlines",
    "application/jsonlines",
    "application/x-jsonl",
];

/// A status code from its number (all of ours are valid).
fn status(code: u16) -> StatusCode {
    StatusCode::from_u16(code).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
}

/// A response with a body and its content type.
fn respond(status: StatusCode, content_type: &'static str, body: impl Into<Bytes>) -> Response<Body> {
    let mut response = Response::new(Body::new(body.into()));
    *response.status_mut() = status;
    response.headers_mut().insert(CONTENT_TYPE, HeaderValue::from_static(content_type));
    response
}

/// A request refused before any snapshot was read: an error record of kind
/// `request`, shaped as every error record (spec §5: `id` as far as it
/// could be read, here `null`), so a client reads every 4xx one way.
fn error(status: StatusCode, message: &str) -> Response<Body> {
    // Written in the order of every record (`id` first); the message escaped by serde_json.
    let message = serde_json::to_string(message).unwrap_or_else(|_| "\"\"".into());
    let body = format!("{{\"id\":null,\"error\":{{\"kind\":\"request\",\"message\":{message}}}}}\n");
    respond(status, JSON, body)
}

/// Text from a client, cut short and with control characters escaped, fit for a message.
fn printable(text: &str) -> String {
    text.chars().take(200).flat_map(char::escape_debug).collect()
}
