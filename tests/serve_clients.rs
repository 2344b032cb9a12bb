//! `verdict serve` with clients that use HTTP/1.1 the less common ways it
//! allows: the real binary on a free port, raw sockets.

mod serve_support;

use serve_support::{decide_head, read_all, send, Server};
use std::net::Shutdown;
use std::path::Path;

const POLICY: &str = "policies/lifecycle.policy";

/// A client may close its sending side once its request is sent (`nc -N`,
/// `socat`, health-check scripts piping into `nc`, some proxies) and still
/// read the response: every such request is answered, none dropped without
/// a trace. A race before: most got an empty reply.
#[test]
fn a_client_that_half_closes_after_its_request_is_answered() {
    let server = Server::start(Path::new(POLICY), &[]);
    let snapshot = std::fs::read_to_string("policies/portfolio.jsonl").expect("the portfolio");
    let snapshot = snapshot.lines().next().expect("a snapshot");
    let decide = format!("{}{snapshot}", decide_head(Some("application/json"), snapshot.len()));
    let requests = [decide.as_str(), "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n", "GET /v1/policy HTTP/1.0\r\n\r\n"];
    for round in 0..10 {
        for request in requests {
            let mut stream = server.connect();
            send(&mut stream, request.as_bytes());
            stream.shutdown(Shutdown::Write).expect("half-closed");
            let response = read_all(&mut stream);
            assert!(response.contains(" 200 OK\r\n"), "round {round}, {request:?}: {response:?}");
        }
    }
}

/// A request whose target is no path (`CONNECT host:port`, `OPTIONS *`) is
/// told which request found no endpoint, not an empty name.
#[test]
fn a_request_without_a_path_is_named_by_its_request_line() {
    let server = Server::start(Path::new(POLICY), &[]);
    for (request, named) in [
        ("CONNECT x:80 HTTP/1.1\r\nHost: x:80\r\n\r\n", "no endpoint `CONNECT x:80`"),
        ("OPTIONS * HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", "no endpoint `OPTIONS *`"),
    ] {
        let mut stream = server.connect();
        send(&mut stream, request.as_bytes());
        stream.shutdown(Shutdown::Write).expect("half-closed");
        let response = read_all(&mut stream);
        assert!(response.starts_with("HTTP/1.1 404"), "{request:?}: {response}");
        assert!(response.contains(named), "{request:?}: {response}");
    }
}
