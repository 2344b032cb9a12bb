//! `verdict serve` over real HTTP: the real binary on a free port.

mod serve_support;

use serve_support::{decide_head, eval, fingerprint_of, policies_copy, read_all, send, Server, BIN};
use std::path::Path;
use std::time::Duration;

const POLICY: &str = "policies/lifecycle.policy";
const PORTFOLIO: &str = "policies/portfolio.jsonl";

fn portfolio_lines() -> Vec<String> {
    std::fs::read_to_string(PORTFOLIO).unwrap().lines().map(str::to_string).collect()
}

#[test]
fn every_snapshot_alone_and_the_whole_book_decide_as_eval_does() {
    let server = Server::start(Path::new(POLICY), &[]);
    let expected = eval(Path::new(POLICY), Path::new(PORTFOLIO));
    let whole = server.decide_lines(&std::fs::read_to_string(PORTFOLIO).unwrap());
    assert_eq!(whole.status, 200);
    assert_eq!(whole.content_type, "application/x-ndjson");
    assert_eq!(whole.body, expected, "JSON Lines in, eval's JSON Lines out, in order");
    for (line, decision) in portfolio_lines().iter().zip(expected.lines()) {
        let reply = server.decide(line);
        let status = match decision.contains("\"error\":{\"kind\":\"snapshot\"") {
            false => 200,
            true if serde_json::from_str::<serde_json::Value>(line).is_ok() => 422,
            true => 400,
        };
        assert_eq!(reply.status, status, "{line}");
        if status == 400 {
            // Its syntax error is placed within the body, as eval places it within a file of that line alone.
            let alone = std::env::temp_dir().join(format!("verdict-serve-alone-{}.jsonl", std::process::id()));
            std::fs::write(&alone, line).unwrap();
            assert_eq!(reply.body, eval(Path::new(POLICY), &alone));
        } else {
            assert_eq!(reply.body, format!("{decision}\n"));
        }
        assert_eq!(reply.content_type, "application/json");
        assert!(reply.decision_id.is_some());
    }
}

#[test]
fn generated_books_decide_as_eval_does() {
    // Emptied first: a folder left by an earlier run whose process had this
    // id holds books that synth, rightly, will not write over.
    let dir = std::env::temp_dir().join(format!("verdict-serve-synth-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let server = Server::start(Path::new(POLICY), &[]);
    for seed in 1..=4 {
        let book = dir.join(format!("book-{seed}.jsonl"));
        let made = std::process::Command::new(BIN)
            .args(["synth", "policies/account.schema.yaml", "--count", "400", "--seed", &seed.to_string(), "--output"])
            .arg(&book)
            .status()
            .unwrap();
        assert!(made.success());
        let expected = eval(Path::new(POLICY), &book);
        let text = std::fs::read_to_string(&book).unwrap();
        assert_eq!(server.decide_lines(&text).body, expected, "seed {seed}");
        for (line, decision) in text.lines().zip(expected.lines()).step_by(37) {
            assert_eq!(server.decide(line).body, format!("{decision}\n"), "seed {seed}");
        }
    }
}

#[test]
fn the_other_endpoints_answer() {
    let server = Server::start(Path::new(POLICY), &[]);
    let health = server.get("/healthz");
    assert_eq!((health.status, health.body.as_str()), (200, "{\"status\":\"ok\"}\n"));
    let body = server.get("/v1/policy").body;
    // The members in the order docs/serve.md shows them.
    assert!(body.starts_with("{\"name\":\"jiebei-lifecycle\",\"version\":\"2026.11.1\",\"fingerprint\":"), "{body}");
    let policy: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(policy["name"], "jiebei-lifecycle");
    assert_eq!(policy["version"], "2026.11.1");
    let fingerprint = policy["fingerprint"].as_str().unwrap().to_string();
    assert!(fingerprint.starts_with("sha256:"));
    assert!(policy["loaded_at"].as_str().unwrap().ends_with('Z'));
    assert_eq!(policy["engine"], concat!("verdict ", env!("CARGO_PKG_VERSION")));
    let decided = server.decide_lines(&std::fs::read_to_string(PORTFOLIO).unwrap());
    assert_eq!(decided.fingerprint.as_deref(), Some(fingerprint.as_str()));
    let _ = server.get("/v1/decide");

    let metrics = server.get("/metrics");
    assert_eq!(metrics.status, 200);
    assert!(metrics.content_type.starts_with("text/plain; version=0.0.4"));
    let m = &metrics.body;
    let outcomes: u64 = ["none", "limit", "reinstate", "restrict", "freeze", "close"]
        .iter()
        .map(|o| sample(m, &format!("verdict_decisions_total{{outcome=\"{o}\"}}")).unwrap_or(0))
        .sum();
    let errors = sample(m, "verdict_errors_total{kind=\"snapshot\"}").unwrap_or(0);
    let records = decided.body.lines().count() as u64;
    assert_eq!(outcomes + errors, records, "{m}");
    assert!(errors > 0, "the portfolio holds bad snapshots on purpose");
    assert_eq!(sample(m, "verdict_decide_duration_seconds_count"), Some(1), "{m}");
    assert!(m.contains("verdict_decide_duration_seconds_bucket{le=\"0.001\"}"));
    let info =
        format!("verdict_policy_info{{fingerprint=\"{fingerprint}\",name=\"jiebei-lifecycle\",version=\"2026.11.1\"}}");
    assert_eq!(sample(m, &info), Some(1), "{m}");
    assert_eq!(sample(m, "verdict_http_responses_total{code=\"405\",endpoint=\"/v1/decide\"}"), Some(1), "{m}");
}

/// The value of a sample line `NAME{LABELS} VALUE` in Prometheus' text.
fn sample(metrics: &str, name: &str) -> Option<u64> {
    metrics.lines().find_map(|l| l.strip_prefix(name)?.strip_prefix(' ')?.parse().ok())
}

#[test]
fn bad_requests_get_their_status_and_an_error_record() {
    let server = Server::start(Path::new(POLICY), &["--max-request-bytes", "4KiB"]);
    let kind = |body: &str| serde_json::from_str::<serde_json::Value>(body).unwrap()["error"]["kind"].clone();
    // A byte-order mark is skipped before the JSON, as `eval` skips it; a
    // lone surrogate escape in a field read is invalid JSON there too.
    let cases = [
        ("{not json", 400),
        ("", 400),
        ("\u{1}", 400),
        ("[1, 2]", 422),
        ("{\"id\": \"A-9\"}", 422),
        ("\u{feff}{\"id\": \"A-9\"}", 422),
        ("\u{feff}[]", 422),
        ("{\"id\": \"A\\ud800\"}", 400),
        ("{\"zz\": \"\\ud800\", \"id\": \"A-9\"}", 422),
    ];
    for (body, status) in cases {
        let reply = server.decide(body);
        assert_eq!(reply.status, status, "{body:?}: {}", reply.body);
        assert_eq!(kind(&reply.body), "snapshot", "{body:?}");
    }
    let missing = server.decide("{\"id\": \"A-9\"}");
    assert_eq!(serde_json::from_str::<serde_json::Value>(&missing.body).unwrap()["id"], "A-9");
    // A body is one JSON snapshot: its record is the one `eval` writes for a
    // `.json` file holding it, with no "line 1:" before a message without id.
    for body in ["{\"id\": null}", "\"str\"", "{\n  \"id\": null,\n  \"score\": 1\n}"] {
        let reply = server.decide(body);
        assert_eq!(reply.status, 422, "{body:?}: {}", reply.body);
        let file = std::env::temp_dir().join(format!("verdict-serve-one-{}.json", std::process::id()));
        std::fs::write(&file, body).unwrap();
        assert_eq!(reply.body, eval(Path::new(POLICY), &file), "{body:?}");
        assert!(!reply.body.contains("line 1:"), "{}", reply.body);
    }
    // Without `as_of` the record says how to give one here: the service has no default.
    let mut dateless: serde_json::Value = serde_json::from_str(&portfolio_lines()[0]).unwrap();
    dateless.as_object_mut().unwrap().remove("as_of");
    let reply = server.decide(&dateless.to_string());
    assert_eq!(reply.status, 422, "{}", reply.body);
    assert!(reply.body.contains("the decision service takes only the snapshot's own"), "{}", reply.body);
    let not_utf8 = server.post("/v1/decide", Some("application/json"), b"{\"id\": \"\xff\"}");
    assert_eq!(not_utf8.status, 400);

    // The body decides, not its label: JSON under any type but JSON Lines' is
    // one snapshot (curl's `-d` sends `application/x-www-form-urlencoded`),
    // and what is not JSON is a 400 whatever it was called.
    let csv = server.post("/v1/decide", Some("text/csv"), b"id\nA-1\n");
    assert_eq!((csv.status, kind(&csv.body)), (400, "snapshot".into()));
    let snapshot = portfolio_lines().remove(0);
    for media in ["application/x-www-form-urlencoded", "text/plain", "application/octet-stream"] {
        let labelled = server.post("/v1/decide", Some(media), snapshot.as_bytes());
        assert_eq!((labelled.status, labelled.content_type.as_str()), (200, "application/json"), "{media}");
    }
    let two = format!("{snapshot}\n{snapshot}\n");
    for media in ["application/x-ndjson", "application/jsonl", "application/x-jsonlines", "application/jsonlines"] {
        let lines = server.post("/v1/decide", Some(media), two.as_bytes());
        assert_eq!((lines.status, lines.body.lines().count()), (200, 2), "{media}");
        assert_eq!(lines.content_type, "application/x-ndjson", "{media}");
    }
    let untyped = server.post("/v1/decide", None, snapshot.as_bytes());
    assert_eq!(untyped.status, 200, "no content type is taken as JSON");
    let charset = server.post("/v1/decide", Some("application/json; charset=utf-8"), snapshot.as_bytes());
    assert_eq!(charset.status, 200);

    assert_eq!(server.get("/nowhere").status, 404);
    assert_eq!(server.get("/v1/decide").status, 405);
    assert_eq!(server.post("/healthz", None, b"").status, 405);
    // HEAD is answered where GET is (load balancers and uptime checks send it), without a body.
    for path in ["/healthz", "/v1/policy", "/metrics"] {
        let (status, length, _, body) = server.head(path);
        assert_eq!((status, body.as_str()), (200, ""), "{path}");
        assert_ne!(length.as_deref(), Some("0"), "{path}: the length is the GET body's");
    }
    let (status, _, allow, _) = server.head("/v1/decide");
    assert_eq!((status, allow.as_deref()), (405, Some("POST")));

    let oversize = server.decide_lines(&"x".repeat(5000));
    assert_eq!((oversize.status, kind(&oversize.body)), (413, "request".into()));
    // A line that fails is its record; the request is still 200.
    let mixed = format!("{snapshot}\n{{oops\n\n[3]\r\n{snapshot}");
    let reply = server.decide_lines(&mixed);
    assert_eq!(reply.status, 200);
    let records: Vec<&str> = reply.body.lines().collect();
    assert_eq!(records.len(), 4, "a blank line is no snapshot: {}", reply.body);
    assert_eq!(records[0], records[3]);
    assert!(records[1].contains("line 2") && records[2].contains("\"kind\":\"snapshot\""), "{}", reply.body);
    assert_eq!(server.decide_lines("").body, "");

    // A request hyper cannot parse is answered 400 by hyper itself, before
    // any handler: still counted among the responses.
    let before = sample(&server.get("/metrics").body, "verdict_http_responses_total{code=\"400\",endpoint=\"other\"}");
    let mut stream = server.connect();
    send(&mut stream, b"POST /v1/decide HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n{}");
    assert!(read_all(&mut stream).starts_with("HTTP/1.1 400"));
    // Counted as the connection ends, which may be just after the client saw it close.
    let counted = (0..100).any(|_| {
        let after =
            sample(&server.get("/metrics").body, "verdict_http_responses_total{code=\"400\",endpoint=\"other\"}");
        after == Some(before.unwrap_or(0) + 1) || {
            std::thread::sleep(Duration::from_millis(20));
            false
        }
    });
    assert!(counted, "{}", server.get("/metrics").body);
}

#[test]
fn a_body_over_the_limit_is_refused_before_it_is_read() {
    let server = Server::start(Path::new(POLICY), &["--max-request-bytes", "1000"]);
    // Announced larger than the limit: refused at once, the body never sent.
    let mut stream = server.connect();
    send(
        &mut stream,
        b"POST /v1/decide HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000000000\r\n\r\n",
    );
    let answer = read_all(&mut stream);
    assert!(answer.starts_with("HTTP/1.1 413"), "{answer}");
    // Chunked, without a length: refused once the limit is passed.
    let mut stream = server.connect();
    send(
        &mut stream,
        b"POST /v1/decide HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n",
    );
    for _ in 0..3 {
        send(&mut stream, format!("200\r\n{}\r\n", " ".repeat(0x200)).as_bytes());
    }
    let answer = read_all(&mut stream);
    assert!(answer.starts_with("HTTP/1.1 413"), "{answer}");
    // Exactly the limit is fine.
    let mut at_limit = portfolio_lines().remove(0).into_bytes();
    at_limit.resize(1000, b' ');
    assert_eq!(server.post("/v1/decide", Some("application/json"), &at_limit).status, 200);
}

/// A compressed body is refused with 415 naming its coding, before it is
/// read, rather than read as text that is not UTF-8; `identity` is no coding.
#[test]
fn a_compressed_body_is_refused_as_an_unsupported_encoding() {
    let server = Server::start(Path::new(POLICY), &[]);
    let snapshot = portfolio_lines().remove(0);
    let answer_to = |coding: &str| {
        let mut stream = server.connect();
        let head = format!(
            "POST /v1/decide HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Encoding: {coding}\r\n\
             Content-Length: {}\r\nConnection: close\r\n\r\n",
            snapshot.len()
        );
        send(&mut stream, head.as_bytes());
        send(&mut stream, snapshot.as_bytes());
        read_all(&mut stream)
    };
    let answer = answer_to("gzip");
    assert!(answer.starts_with("HTTP/1.1 415"), "{answer}");
    assert!(answer.to_ascii_lowercase().contains("accept-encoding: identity"), "{answer}");
    assert!(answer.contains("Content-Encoding: gzip") && answer.contains(r#""kind":"request""#), "{answer}");
    let answer = answer_to("identity");
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
}

/// A body's bytes do not bound its response (a 3-byte line of `{}` is
/// answered with an error record of about 225): the lines of a JSON Lines
/// body are bounded too, exactly at the limit, a last line without its line
/// end counted.
#[test]
fn a_body_of_more_lines_than_the_limit_is_refused_whole() {
    let server = Server::start(Path::new(POLICY), &["--max-request-lines", "3"]);
    let snapshot = portfolio_lines().remove(0);
    let kind = |body: &str| serde_json::from_str::<serde_json::Value>(body).unwrap()["error"]["kind"].clone();
    for (body, status, records) in [
        (format!("{snapshot}\n{snapshot}\n{snapshot}\n"), 200, 3),
        (format!("{snapshot}\n{snapshot}\n{snapshot}"), 200, 3),
        (format!("{snapshot}\n\n{snapshot}\n"), 200, 2),
        (format!("{snapshot}\n{snapshot}\n{snapshot}\n{snapshot}"), 413, 1),
        ("{}\n".repeat(4), 413, 1),
    ] {
        let reply = server.decide_lines(&body);
        assert_eq!((reply.status, reply.body.lines().count()), (status, records), "{body:?}: {}", reply.body);
        if status == 413 {
            assert_eq!(kind(&reply.body), "request");
            assert!(reply.body.contains("more than 3 lines (--max-request-lines)"), "{}", reply.body);
        }
    }
    // One JSON snapshot is one whatever its line ends.
    assert_eq!(server.decide(&format!("{}\n\n\n\n", snapshot)).status, 200);

    // Limits of nothing would refuse every body: refused at start-up instead.
    for (flag, value) in [("--max-request-lines", "0"), ("--max-request-bytes", "0"), ("--max-request-lines", "x")] {
        let out = std::process::Command::new(BIN).args(["serve", POLICY, flag, value]).output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{flag} {value}: {stderr}");
        assert!(stderr.contains(flag), "{stderr}");
    }
}

#[test]
fn slow_clients_time_out() {
    let server = Server::start(Path::new(POLICY), &["--client-timeout-ms", "300"]);
    let started = std::time::Instant::now();
    let mut headers = server.connect();
    send(&mut headers, b"GET /healthz HTTP/1.1\r\nHost: x\r\n");
    let mut body = server.connect();
    send(&mut body, b"POST /v1/decide HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{\"id\":");
    let answer = read_all(&mut body);
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
    assert!(!read_all(&mut headers).contains("200 OK"));
    assert!(started.elapsed() < Duration::from_secs(10));
    assert_eq!(server.get("/healthz").status, 200, "the service goes on");
}

#[test]
fn eval_and_hook_errors_are_decided_requests() {
    let dir = policies_copy("hook-error");
    std::fs::write(
        dir.join("hooks/fraud_risk.rhai"),
        "fn fraud_risk(score, utilization) { throw \"model offline\" }\n",
    )
    .unwrap();
    let policy = dir.join("lifecycle.policy");
    let expected = eval(&policy, Path::new(PORTFOLIO));
    let lines = portfolio_lines();
    let failing: Vec<(&String, &str)> =
        lines.iter().zip(expected.lines()).filter(|(_, d)| d.contains("\"kind\":\"hook\"")).collect();
    assert!(!failing.is_empty(), "some account calls the hook");
    let server = Server::start(&policy, &[]);
    for (line, decision) in failing {
        let reply = server.decide(line);
        assert_eq!((reply.status, reply.body), (200, format!("{decision}\n")));
    }
    let m = server.get("/metrics").body;
    assert!(sample(&m, "verdict_errors_total{kind=\"hook\"}").unwrap_or(0) > 0, "{m}");
}

#[test]
fn reload_swaps_a_good_policy_and_refuses_a_bad_one() {
    let dir = policies_copy("reload");
    let policy = dir.join("lifecycle.policy");
    let server = Server::start(&policy, &[]);
    let snapshot = portfolio_lines().remove(0);
    let old = fingerprint_of(&server.decide(&snapshot).body).unwrap();

    std::fs::write(
        &policy,
        "policy \"broken\" version \"1\"\nschema \"account.schema.yaml\"\nrule r { when nonsense > 1 then close }\n",
    )
    .unwrap();
    let refused = server.post("/v1/reload", None, b"");
    assert_eq!(refused.status, 422, "{}", refused.body);
    assert!(refused.body.starts_with("{\"reloaded\":false,\"error\":{\"kind\":\"policy\""), "{}", refused.body);
    let body: serde_json::Value = serde_json::from_str(&refused.body).unwrap();
    assert_eq!(body["reloaded"], false);
    let first = &body["diagnostics"][0];
    assert!(first["code"].is_string() && first["line"].is_u64() && first["message"].is_string(), "{body}");
    assert_eq!(fingerprint_of(&server.decide(&snapshot).body).unwrap(), old, "the old policy still serves");
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    while !server.stderr.lock().unwrap().contains("refused") {
        assert!(std::time::Instant::now() < deadline, "the refusal is logged");
        std::thread::sleep(Duration::from_millis(20));
    }
    // An error past column 65,535 (a policy generated on one line) once
    // panicked while its diagnostics were rendered: POST got no reply, and
    // the task that heard SIGHUP died (the SIGHUP below proves it lives).
    let long_line = format!("policy \"p\" version \"1\"\nschema \"account.schema.yaml\"\n{}oops\n", " ".repeat(70_000));
    std::fs::write(&policy, long_line).unwrap();
    let refused = server.post("/v1/reload", None, b"");
    assert_eq!(refused.status, 422, "{}", refused.body);
    server.signal("HUP");
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    while !server.stderr.lock().unwrap().contains("reload (SIGHUP) refused") {
        assert!(std::time::Instant::now() < deadline, "the SIGHUP refusal is logged");
        std::thread::sleep(Duration::from_millis(20));
    }
    assert!(!server.stderr.lock().unwrap().contains("panicked"), "{}", server.stderr.lock().unwrap());

    std::fs::copy(dir.join("lifecycle-v2.policy"), &policy).unwrap();
    let reloaded = server.post("/v1/reload", None, b"");
    assert_eq!(reloaded.status, 200, "{}", reloaded.body);
    let new = fingerprint_of(&server.decide(&snapshot).body).unwrap();
    assert_ne!(new, old);
    let info: serde_json::Value = serde_json::from_str(&server.get("/v1/policy").body).unwrap();
    assert_eq!((info["fingerprint"].as_str(), info["version"].as_str()), (Some(new.as_str()), Some("2027.01.1")));
    assert!(server.get("/metrics").body.contains(&format!("fingerprint=\"{new}\"")));
    assert!(!server.get("/metrics").body.contains(&format!("fingerprint=\"{old}\"")));
    assert_eq!(eval(&policy, Path::new(PORTFOLIO)), server.decide_lines(&portfolio_lines().join("\n")).body);

    // SIGHUP reloads too.
    std::fs::copy("policies/lifecycle.policy", &policy).unwrap();
    server.signal("HUP");
    let deadline = std::time::Instant::now() + Duration::from_secs(30);
    while fingerprint_of(&server.decide(&snapshot).body).unwrap() != old {
        assert!(std::time::Instant::now() < deadline, "SIGHUP did not reload");
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn a_reload_that_would_read_the_decision_log_is_refused() {
    // Start-up refuses a log that is a file of the policy; a reload must too,
    // or the policy's batch would be read back from its own decisions.
    let dir = policies_copy("reload-log");
    let policy = dir.join("lifecycle.policy");
    let log = dir.join("batches").join("decisions.log");
    let server = Server::start(&policy, &["--decision-log", log.to_str().unwrap()]);
    let snapshot = portfolio_lines().remove(0);
    let old = fingerprint_of(&server.decide(&snapshot).body).unwrap();
    let text = std::fs::read_to_string(&policy).unwrap();
    std::fs::write(&policy, text.replace("batches/reg-2023-q3.txt", "batches/decisions.log")).unwrap();
    let refused = server.post("/v1/reload", None, b"");
    assert_eq!(refused.status, 422, "{}", refused.body);
    assert!(refused.body.starts_with("{\"reloaded\":false,\"error\":{\"kind\":\"policy\""), "{}", refused.body);
    let body: serde_json::Value = serde_json::from_str(&refused.body).unwrap();
    assert_eq!(body["reloaded"], false);
    let message = body["error"]["message"].as_str().unwrap_or_default();
    assert!(message.contains("decisions.log") && message.contains("decision log"), "{body}");
    assert_eq!(body["diagnostics"], serde_json::json!([]), "every refusal has the list: {body}");
    // A policy that cannot be read is said to be so, in the log as in the body.
    std::fs::remove_file(&policy).unwrap();
    let gone = server.post("/v1/reload", None, b"");
    assert_eq!(gone.status, 422, "{}", gone.body);
    assert!(gone.body.contains("the policy cannot be loaded: cannot read"), "{}", gone.body);
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    while !server.stderr.lock().unwrap().contains("refused: the policy cannot be loaded: cannot read") {
        assert!(std::time::Instant::now() < deadline, "{}", server.stderr.lock().unwrap());
        std::thread::sleep(Duration::from_millis(20));
    }
    assert_eq!(fingerprint_of(&server.decide(&snapshot).body).unwrap(), old, "the old policy still serves");
}

#[test]
fn every_request_is_decided_wholly_by_one_policy_while_reloading() {
    let dir = policies_copy("atomic");
    let policy = dir.join("lifecycle.policy");
    let versions =
        [std::fs::read_to_string(&policy).unwrap(), std::fs::read_to_string(dir.join("lifecycle-v2.policy")).unwrap()];
    let book = portfolio_lines().join("\n");
    // Each policy's decisions of the book, by fingerprint.
    let mut expected = std::collections::HashMap::new();
    for text in &versions {
        std::fs::write(&policy, text).unwrap();
        let decisions = eval(&policy, Path::new(PORTFOLIO));
        let fingerprint = decisions.lines().find_map(fingerprint_of).unwrap();
        expected.insert(fingerprint, decisions);
    }
    assert_eq!(expected.len(), 2);
    std::fs::write(&policy, &versions[0]).unwrap();
    let server = std::sync::Arc::new(Server::start(&policy, &[]));
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let clients: Vec<_> = (0..4)
        .map(|_| {
            let (server, stop, book, expected) = (server.clone(), stop.clone(), book.clone(), expected.clone());
            std::thread::spawn(move || {
                let mut seen = std::collections::HashSet::new();
                while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                    let reply = server.decide_lines(&book);
                    assert_eq!(reply.status, 200);
                    let fingerprint = reply.fingerprint.unwrap();
                    assert_eq!(Some(&reply.body), expected.get(&fingerprint), "one policy decided every line");
                    seen.insert(fingerprint);
                }
                seen
            })
        })
        .collect();
    for round in 0..20 {
        std::fs::write(&policy, &versions[(round + 1) % 2]).unwrap();
        let reply = server.post("/v1/reload", None, b"");
        assert_eq!(reply.status, 200, "{}", reply.body);
        std::thread::sleep(Duration::from_millis(30));
    }
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    let mut seen = std::collections::HashSet::new();
    for client in clients {
        seen.extend(client.join().expect("no client saw a failure"));
    }
    assert_eq!(seen.len(), 2, "both policies served");
}

#[test]
fn sigterm_answers_requests_in_flight_then_flushes_the_log() {
    let log = std::env::temp_dir().join(format!("verdict-serve-drain-{}.log", std::process::id()));
    let _ = std::fs::remove_file(&log);
    let mut server = Server::start(Path::new(POLICY), &["--decision-log", log.to_str().unwrap()]);
    let snapshot = portfolio_lines().remove(0);
    let mut stream = server.connect();
    let head = decide_head(Some("application/json"), snapshot.len());
    send(&mut stream, head.as_bytes());
    let (first, rest) = snapshot.split_at(snapshot.len() / 2);
    send(&mut stream, first.as_bytes());
    std::thread::sleep(Duration::from_millis(200));
    server.signal("TERM");
    std::thread::sleep(Duration::from_millis(300));
    assert!(server.child.try_wait().unwrap().is_none(), "a request is still in flight");
    send(&mut stream, rest.as_bytes());
    let answer = read_all(&mut stream);
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    let expected = eval(Path::new(POLICY), Path::new(PORTFOLIO));
    assert!(answer.ends_with(&format!("{}\n", expected.lines().next().unwrap())), "{answer}");
    assert_eq!(server.wait(Duration::from_secs(30)), Some(0));
    let logged = std::fs::read_to_string(&log).unwrap();
    assert_eq!(logged.lines().count(), 1, "{logged}");

    // Restarted over its own log, the service appends to it.
    let mut server = Server::start(Path::new(POLICY), &["--decision-log", log.to_str().unwrap()]);
    assert_eq!(server.decide(&snapshot).status, 200);
    server.signal("TERM");
    assert_eq!(server.wait(Duration::from_secs(30)), Some(0));
    let logged = std::fs::read_to_string(&log).unwrap();
    assert_eq!(logged.lines().count(), 2, "{logged}");
}

/// A keep-alive connection idle when SIGTERM comes is not closed at once:
/// a request its client sends just then (or had sent, still unread in the
/// socket) is answered, with `connection: close`, within the linger.
#[test]
fn sigterm_answers_a_request_sent_on_an_idle_keep_alive_connection() {
    let mut server = Server::start(Path::new(POLICY), &[]);
    let snapshot = portfolio_lines().remove(0);
    let mut stream = server.connect();
    let request = format!("{}{snapshot}", decide_head(Some("application/json"), snapshot.len()));
    send(&mut stream, request.as_bytes());
    let first = read_one_response(&mut stream);
    assert!(first.starts_with("HTTP/1.1 200"), "{first}");
    server.signal("TERM");
    std::thread::sleep(Duration::from_millis(300));
    // A load balancer's probe is told to send new requests elsewhere.
    let probe = "GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
    let mut probing = server.connect();
    send(&mut probing, probe.as_bytes());
    let health = read_all(&mut probing);
    assert!(health.starts_with("HTTP/1.1 503"), "{health}");
    assert!(health.ends_with("{\"status\":\"stopping\",\"reason\":\"the service is shutting down: it answers only what was already sent\"}\n"), "{health}");
    send(&mut stream, request.as_bytes());
    let second = read_all(&mut stream);
    assert!(second.starts_with("HTTP/1.1 200"), "the request after SIGTERM is answered: {second:?}");
    assert!(second.to_ascii_lowercase().contains("connection: close"), "{second}");
    assert_eq!(server.wait(Duration::from_secs(30)), Some(0));
}

/// One HTTP/1.1 response with a `content-length`, read off a kept-alive connection.
fn read_one_response(stream: &mut std::net::TcpStream) -> String {
    use std::io::Read;
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") {
        stream.read_exact(&mut byte).expect("a response head");
        head.push(byte[0]);
    }
    let head = String::from_utf8_lossy(&head).into_owned();
    let length: usize = head
        .lines()
        .find_map(|l| l.to_ascii_lowercase().strip_prefix("content-length: ").map(|n| n.trim().parse().unwrap()))
        .expect("a content-length");
    let mut body = vec![0u8; length];
    stream.read_exact(&mut body).expect("its body");
    head + &String::from_utf8_lossy(&body)
}

/// A client that sends a large JSON Lines body and does not read its
/// response holds that response's memory, and a turn among the bodies
/// decided at once, only until it has read nothing for the client timeout:
/// then its connection is closed. Another body waits its turn meanwhile,
/// so responses held in memory never outnumber the turns.
#[test]
fn a_client_that_does_not_read_its_response_is_let_go() {
    let server = Server::start(Path::new(POLICY), &["--client-timeout-ms", "1000", "--json-lines-at-once", "1"]);
    // 100,000 lines of `{}`: 300 KB in, some 20 MB of error records out,
    // far more than the sockets' buffers hold.
    let body = "{}\n".repeat(100_000);
    let mut stalled = server.connect();
    let head = decide_head(Some("application/x-ndjson"), body.len());
    send(&mut stalled, head.as_bytes());
    send(&mut stalled, body.as_bytes());
    let mut status = [0u8; 12];
    std::io::Read::read_exact(&mut stalled, &mut status).unwrap();
    assert_eq!(&status, b"HTTP/1.1 200", "its response has begun: it holds the turn");

    let asked = std::time::Instant::now();
    let other = server.decide_lines(&portfolio_lines()[0]);
    assert_eq!(other.status, 200);
    assert!(
        asked.elapsed() >= Duration::from_millis(900),
        "answered after {:?}, before the stalled response was let go",
        asked.elapsed()
    );
    let rest = read_all(&mut stalled);
    let declared: usize = rest
        .lines()
        .find_map(|l| l.strip_prefix("content-length: "))
        .and_then(|n| n.trim().parse().ok())
        .expect("a Content-Length");
    let received = rest.split_once("\r\n\r\n").map_or(0, |(_, b)| b.len());
    assert!(received < declared, "the connection was closed: {received} of {declared} bytes");
    assert_eq!(server.get("/healthz").status, 200);
}

/// A client that begins a body and stalls holds no turn while it has sent
/// no more than a snapshot's worth: turns are taken for what is in memory,
/// so a few stalled uploads cannot keep every JSON Lines body waiting for
/// the client timeout (here 60 s; the other body is answered at once).
#[test]
fn a_stalled_small_upload_keeps_no_one_waiting() {
    let server = Server::start(Path::new(POLICY), &["--client-timeout-ms", "60000", "--json-lines-at-once", "1"]);
    let mut stalled_lines = server.connect();
    send(&mut stalled_lines, format!("{}{{", decide_head(Some("application/x-ndjson"), 100)).as_bytes());
    let mut stalled_large = server.connect();
    send(&mut stalled_large, format!("{}{{", decide_head(None, 1 << 20)).as_bytes());
    let asked = std::time::Instant::now();
    let other = server.decide_lines(&portfolio_lines()[0]);
    assert_eq!(other.status, 200);
    assert!(asked.elapsed() < Duration::from_secs(30), "answered after {:?}", asked.elapsed());
    drop((stalled_lines, stalled_large));
}

/// A large body waiting for its turn is not read: it stays with the client
/// (and the kernel's buffers), so memory does not grow with the clients
/// sending large bodies at once. Here the one turn is held by a client not
/// reading its response, and a 48 MB body cannot be sent meanwhile.
#[test]
fn a_large_body_is_read_only_in_its_turn() {
    let server = Server::start(
        Path::new(POLICY),
        &["--client-timeout-ms", "3000", "--json-lines-at-once", "1", "--max-request-bytes", "64MiB"],
    );
    let mut stalled = server.connect();
    let body = "{}\n".repeat(100_000);
    let head = decide_head(Some("application/x-ndjson"), body.len());
    send(&mut stalled, format!("{head}{body}").as_bytes());
    let mut status = [0u8; 12];
    std::io::Read::read_exact(&mut stalled, &mut status).unwrap();
    assert_eq!(&status, b"HTTP/1.1 200", "its response has begun: it holds the turn");

    // One snapshot padded to 48 MB, in a field the schema does not name: more
    // than the sockets buffer (a receive buffer may grow to 32 MB on Linux).
    let snapshot = portfolio_lines().remove(0);
    let large = snapshot.replacen('{', &format!("{{\"note\":\"{}\",", "x".repeat(48 << 20)), 1);
    let mut waiting = server.connect();
    waiting.set_write_timeout(Some(Duration::from_millis(1000))).unwrap();
    let head = decide_head(None, large.len());
    // Written a megabyte at a time; a write the service does not take within
    // the socket's write timeout returns what went (or nothing) after it.
    let request = format!("{head}{large}");
    let mut sent = 0;
    let blocked = loop {
        let end = request.len().min(sent + (1 << 20));
        let started = std::time::Instant::now();
        let written = std::io::Write::write(&mut waiting, &request.as_bytes()[sent..end]);
        sent += written.as_ref().map_or(0, |n| *n);
        if written.is_err() || started.elapsed() >= Duration::from_millis(900) {
            break true;
        }
        if sent == request.len() {
            break false;
        }
    };
    assert!(blocked && sent < 16 << 20, "the service took {sent} bytes of a body waiting its turn");
    drop(waiting);
    // Once the stalled client is let go, large bodies are read again.
    assert_eq!(server.decide_lines(&portfolio_lines()[0]).status, 200);
    assert_eq!(server.decide(&large).status, 200);
}

/// A policy whose hook runs long (towards its backstop) in single-snapshot
/// requests, more of them than there are cores: `/healthz` still answers at
/// once, and SIGTERM stops the service when the drain ends.
#[test]
fn slow_hooks_do_not_stop_the_other_endpoints() {
    let dir = policies_copy("slow-single");
    let endless = "fn fraud_risk(score, utilization) { let b = []; b.pad(9999, 0); loop { b.contains(1); } }\n";
    std::fs::write(dir.join("hooks/fraud_risk.rhai"), endless).unwrap();
    let mut server = Server::start(&dir.join("lifecycle.policy"), &["--drain-ms", "300"]);
    // Every snapshot of the book, each in a request of its own: the ones that
    // reach the hook run until its backstop of a minute.
    let mut streams = Vec::new();
    for snapshot in portfolio_lines() {
        let mut stream = server.connect();
        let head = decide_head(None, snapshot.len());
        send(&mut stream, format!("{head}{snapshot}").as_bytes());
        streams.push(stream);
    }
    std::thread::sleep(Duration::from_millis(500));
    let mut probe = server.connect();
    probe.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    send(&mut probe, b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    let answer = read_all(&mut probe);
    assert!(answer.starts_with("HTTP/1.1 200"), "/healthz did not answer: {answer:?}");
    let signalled = std::time::Instant::now();
    server.signal("TERM");
    assert_eq!(server.wait(Duration::from_secs(50)), Some(1), "{}", server.stderr.lock().unwrap());
    assert!(signalled.elapsed() < Duration::from_secs(20), "stopped after {:?}", signalled.elapsed());
}

/// A hook call longer than a worker thread gives it (5 ms), but within its
/// backstop, is a decision all the same, the one `verdict eval` makes: the
/// snapshot is decided again on the blocking pool.
#[test]
fn a_hook_slower_than_a_worker_allows_still_decides() {
    let dir = policies_copy("slowish");
    let slowish = "fn fraud_risk(score, utilization) {\n  let b = []; b.pad(9999, 0);\n  \
                   for i in 0..200 { b.contains(1); }\n  0.1\n}\n";
    std::fs::write(dir.join("hooks/fraud_risk.rhai"), slowish).unwrap();
    let policy = dir.join("lifecycle.policy");
    let expected = eval(&policy, Path::new(PORTFOLIO));
    let server = Server::start(&policy, &[]);
    let mut hooked = 0;
    let decided_by_eval = portfolio_lines().into_iter().zip(expected.lines()).filter(|(_, e)| !e.contains("\"error\""));
    for (snapshot, expected) in decided_by_eval {
        let decided = server.decide(&snapshot);
        assert_eq!(decided.body.trim_end(), expected, "{snapshot}");
        hooked += usize::from(expected.contains("\"limit-raise"));
    }
    assert!(hooked > 0, "some snapshots call the hook");
    // The hook is slower than a worker allows: `eval` with that backstop stops it.
    let brief = std::process::Command::new(BIN)
        .args(["eval", "-q", "--hook-backstop-ms", "5"])
        .arg(&policy)
        .arg(PORTFOLIO)
        .output()
        .unwrap();
    assert_eq!(brief.status.code(), Some(5), "{}", String::from_utf8_lossy(&brief.stderr));
}

/// A disk that refuses the decision log's lines (here `/dev/full`) stops
/// the decisions: `/healthz` and `/v1/decide` answer 503 until it takes them
/// again, and the lines it never took are counted at shutdown, with exit 4.
#[test]
fn a_decision_log_that_cannot_be_written_stops_the_decisions() {
    if !Path::new("/dev/full").exists() {
        return;
    }
    let mut server = Server::start(Path::new(POLICY), &["--decision-log", "/dev/full"]);
    let lines = portfolio_lines();
    assert_eq!(server.decide(&lines[0]).status, 200, "decided before the log failed");
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    while server.get("/healthz").status == 200 {
        assert!(std::time::Instant::now() < deadline, "/healthz never said the log fails");
        std::thread::sleep(Duration::from_millis(20));
    }
    let health = server.get("/healthz");
    assert_eq!(health.status, 503);
    let health: serde_json::Value = serde_json::from_str(&health.body).unwrap();
    assert_eq!(health["status"], "failing");
    assert!(health["reason"].as_str().unwrap().starts_with("the decision log cannot be written: "), "{health}");

    let refused = server.decide(&lines[1]);
    assert_eq!(refused.status, 503, "{}", refused.body);
    let record: serde_json::Value = serde_json::from_str(&refused.body).unwrap();
    assert_eq!(record["error"]["kind"], "request");
    // Shaped as every error record (spec §5): `id` (as far as it was read) first.
    assert!(refused.body.starts_with("{\"id\":null,\"error\":{\"kind\":\"request\",\"message\":"), "{}", refused.body);
    assert!(record["error"]["message"].as_str().unwrap().contains("no decision is made until it can be"));
    assert_eq!(refused.decision_id, None, "nothing was decided");
    assert_eq!(sample(&server.get("/metrics").body, "verdict_decision_log_failing"), Some(1));

    server.signal("TERM");
    assert_eq!(server.wait(Duration::from_secs(30)), Some(4));
    let said = "error: the decision log could not be written whole: 1 line was not written: ";
    let deadline = std::time::Instant::now() + Duration::from_secs(5);
    while !server.stderr.lock().unwrap().contains(said) && std::time::Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(20));
    }
    assert!(server.stderr.lock().unwrap().contains(said), "{}", server.stderr.lock().unwrap());
}

/// A file-size limit (`ulimit -f`, systemd's `LimitFSIZE=`) reached by the
/// decision log is a disk that refuses lines, not a signal that kills the
/// service mid-line: the log ends on a whole line, decisions stop (503),
/// and the lines not written are counted at shutdown.
#[test]
fn a_file_size_limit_on_the_decision_log_is_a_failing_disk_not_a_crash() {
    let log = std::env::temp_dir().join(format!("verdict-serve-fsize-{}.log", std::process::id()));
    let _ = std::fs::remove_file(&log);
    let mut server =
        Server::start_with_file_size_limit(40, Path::new(POLICY), &["--decision-log", log.to_str().unwrap()]);
    let snapshot = portfolio_lines().remove(0);
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    // Decided (200) until the log's writer finds the limit; then refused
    // (503), which may come before /healthz is asked again.
    loop {
        assert!(std::time::Instant::now() < deadline, "the log never filled: {}", server.stderr.lock().unwrap());
        match server.decide(&snapshot).status {
            200 => {}
            503 => break,
            other => panic!("a decision answered {other}"),
        }
    }
    assert!(server.child.try_wait().unwrap().is_none(), "the service is alive");
    assert_eq!(server.get("/healthz").status, 503);
    assert_eq!(server.decide(&snapshot).status, 503);
    server.signal("TERM");
    assert_eq!(server.wait(Duration::from_secs(30)), Some(4), "{}", server.stderr.lock().unwrap());
    // Empty when the writer's first batch was already over the limit (on a
    // loaded machine many requests are answered before it first writes):
    // the part written is taken back whole, as any cut line is.
    let logged = std::fs::read_to_string(&log).unwrap();
    assert!(logged.is_empty() || logged.ends_with('\n'), "no line is cut: {logged:?}");
    for line in logged.lines() {
        serde_json::from_str::<serde_json::Value>(line).expect("a whole JSON line");
    }
}

/// A request still deciding when the drain ends (here a hook looping
/// towards its backstop of a minute) is abandoned: the service stops then,
/// with exit 1, not when the request would have finished.
#[test]
fn a_request_running_past_the_drain_does_not_keep_the_service_alive() {
    let dir = policies_copy("drain");
    let endless = "fn fraud_risk(score, utilization) { let b = []; b.pad(9999, 0); loop { b.contains(1); } }\n";
    std::fs::write(dir.join("hooks/fraud_risk.rhai"), endless).unwrap();
    let mut server = Server::start(&dir.join("lifecycle.policy"), &["--drain-ms", "300"]);
    let book = portfolio_lines().join("\n");
    let mut stream = server.connect();
    let head = decide_head(Some("application/x-ndjson"), book.len());
    send(&mut stream, head.as_bytes());
    send(&mut stream, book.as_bytes());
    std::thread::sleep(Duration::from_millis(300));
    let signalled = std::time::Instant::now();
    server.signal("TERM");
    assert_eq!(server.wait(Duration::from_secs(50)), Some(1), "{}", server.stderr.lock().unwrap());
    assert!(signalled.elapsed() < Duration::from_secs(20), "stopped after {:?}", signalled.elapsed());
    let said = "still running after 0.3 s; stopped without answering them";
    let deadline = std::time::Instant::now() + Duration::from_secs(5);
    while !server.stderr.lock().unwrap().contains(said) && std::time::Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(20));
    }
    assert!(server.stderr.lock().unwrap().contains(said), "{}", server.stderr.lock().unwrap());
    assert!(!read_all(&mut stream).contains("200 OK"), "the request was not answered");
}

#[test]
fn the_decision_log_has_one_whole_line_per_record() {
    use sha2::{Digest, Sha256};
    let log = std::env::temp_dir().join(format!("verdict-serve-log-{}.log", std::process::id()));
    let _ = std::fs::remove_file(&log);
    let mut server = Server::start(Path::new(POLICY), &["--decision-log", log.to_str().unwrap()]);
    let lines = portfolio_lines();
    let single = server.decide(&lines[0]);
    let book = format!("{}\r\n\n{}", lines[1], lines[2..].join("\n"));
    let many = server.decide_lines(&book);
    server.signal("TERM");
    assert_eq!(server.wait(Duration::from_secs(30)), Some(0));

    let logged: Vec<serde_json::Value> = std::fs::read_to_string(&log)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).expect("a whole JSON line"))
        .collect();
    assert_eq!(logged.len(), lines.len());
    let sha = |text: &str| format!("{:x}", Sha256::digest(text.as_bytes()));
    let single_id = single.decision_id.unwrap();
    assert_eq!(logged[0]["decision_id"], single_id.as_str());
    assert_eq!(logged[0]["snapshot_sha256"], sha(&lines[0]));
    assert_eq!(logged[0]["engine"], concat!("verdict ", env!("CARGO_PKG_VERSION")));
    assert_eq!(logged[0]["decision"], serde_json::from_str::<serde_json::Value>(&single.body).unwrap());
    let many_id = many.decision_id.unwrap();
    let records: Vec<&str> = many.body.lines().collect();
    for (i, entry) in logged[1..].iter().enumerate() {
        // The book's line numbers: line 2 is blank.
        let line = if i == 0 { 1 } else { i + 2 };
        assert_eq!(entry["decision_id"], format!("{many_id}-{line}"));
        assert_eq!(entry["snapshot_sha256"], sha(&lines[i + 1]), "the line without its line ending");
        let decision: serde_json::Value = serde_json::from_str(records[i]).unwrap();
        assert_eq!(entry["decision"], decision);
        assert!(entry["time"].as_str().unwrap().ends_with('Z'));
        assert_eq!(entry["fingerprint"].as_str(), many.fingerprint.as_deref());
    }
}
