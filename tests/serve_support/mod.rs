//! A `verdict serve` started for a test on a free port, and an HTTP client for it.

#![allow(dead_code, reason = "each test file uses some of the helpers")]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

pub const BIN: &str = env!("CARGO_BIN_EXE_verdict");

/// A running service; killed when dropped.
pub struct Server {
    pub child: Child,
    /// `127.0.0.1:PORT`.
    pub addr: String,
    /// Everything it wrote to standard error so far.
    pub stderr: Arc<Mutex<String>>,
    agent: ureq::Agent,
}

/// A response: status, headers we look at, body.
#[derive(Debug)]
pub struct Reply {
    pub status: u16,
    pub body: String,
    pub content_type: String,
    pub decision_id: Option<String>,
    pub fingerprint: Option<String>,
}

impl Server {
    /// Starts `verdict serve POLICY --addr 127.0.0.1:0 EXTRA...` and waits until it listens.
    pub fn start(policy: &Path, extra: &[&str]) -> Server {
        let mut command = Command::new(BIN);
        command.arg("serve").arg(policy).args(["--addr", "127.0.0.1:0"]).args(extra);
        Server::spawn(command)
    }

    /// As [`Server::start`], under a file-size limit of `blocks` of the
    /// shell's `ulimit -f` (512 or 1,024 bytes, as the shell counts).
    pub fn start_with_file_size_limit(blocks: u32, policy: &Path, extra: &[&str]) -> Server {
        let mut command = Command::new("sh");
        command
            .args(["-c", &format!("ulimit -f {blocks} && exec \"$0\" \"$@\"")])
            .arg(BIN)
            .arg("serve")
            .arg(policy)
            .args(["--addr", "127.0.0.1:0"])
            .args(extra);
        Server::spawn(command)
    }

    fn spawn(mut command: Command) -> Server {
        let mut child = command.stdout(Stdio::null()).stderr(Stdio::piped()).spawn().expect("verdict serve starts");
        let stderr = Arc::new(Mutex::new(String::new()));
        let mut reader = BufReader::new(child.stderr.take().expect("piped stderr"));
        let (tx, rx) = std::sync::mpsc::channel();
        let log = Arc::clone(&stderr);
        std::thread::spawn(move || {
            let mut line = String::new();
            while reader.read_line(&mut line).unwrap_or(0) > 0 {
                if let Some(addr) = line.trim_end().split("listening on http://").nth(1) {
                    let _ = tx.send(addr.to_string());
                }
                log.lock().unwrap().push_str(&line);
                line.clear();
            }
        });
        let addr = match rx.recv_timeout(Duration::from_secs(60)) {
            Ok(addr) => addr,
            Err(_) => {
                let _ = child.kill();
                panic!("verdict serve did not start: {}", stderr.lock().unwrap());
            }
        };
        let agent = ureq::Agent::config_builder().http_status_as_error(false).build().into();
        Server { child, addr, stderr, agent }
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    pub fn get(&self, path: &str) -> Reply {
        let response = self.agent.get(&self.url(path)).call().expect("GET answered");
        reply(response)
    }

    /// HEAD: the status, the `Content-Length` and `Allow` headers, and the body (which must be empty).
    pub fn head(&self, path: &str) -> (u16, Option<String>, Option<String>, String) {
        let response = self.agent.head(&self.url(path)).call().expect("HEAD answered");
        let header = |name: &str| response.headers().get(name).map(|v| v.to_str().unwrap().to_string());
        let (length, allow) = (header("content-length"), header("allow"));
        let reply = reply(response);
        (reply.status, length, allow, reply.body)
    }

    /// POSTs `body` with a content type (none when `None`).
    pub fn post(&self, path: &str, content_type: Option<&str>, body: &[u8]) -> Reply {
        let mut request = self.agent.post(&self.url(path));
        if let Some(ct) = content_type {
            request = request.header("Content-Type", ct);
        }
        let response = request.send(body).expect("POST answered");
        reply(response)
    }

    pub fn decide(&self, snapshot: &str) -> Reply {
        self.post("/v1/decide", Some("application/json"), snapshot.as_bytes())
    }

    pub fn decide_lines(&self, lines: &str) -> Reply {
        self.post("/v1/decide", Some("application/x-ndjson"), lines.as_bytes())
    }

    /// Sends a signal (`TERM`, `HUP`) to the service.
    pub fn signal(&self, name: &str) {
        let status = Command::new("kill").arg(format!("-{name}")).arg(self.child.id().to_string()).status();
        assert!(status.expect("kill runs").success());
    }

    /// Waits for the service to exit; its exit code.
    pub fn wait(&mut self, within: Duration) -> Option<i32> {
        let deadline = Instant::now() + within;
        while Instant::now() < deadline {
            if let Some(status) = self.child.try_wait().expect("wait") {
                return status.code();
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        panic!("verdict serve did not stop: {}", self.stderr.lock().unwrap());
    }

    /// A raw connection, for what a client library would not send.
    pub fn connect(&self) -> TcpStream {
        let stream = TcpStream::connect(&self.addr).expect("connects");
        stream.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
        stream
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn reply(mut response: ureq::http::Response<ureq::Body>) -> Reply {
    let header = |name: &str| response.headers().get(name).map(|v| v.to_str().unwrap().to_string());
    let (content_type, decision_id, fingerprint) =
        (header("content-type").unwrap_or_default(), header("x-decision-id"), header("x-policy-fingerprint"));
    let body = response.body_mut().with_config().limit(1 << 30).read_to_string().expect("a text body");
    Reply { status: response.status().as_u16(), body, content_type, decision_id, fingerprint }
}

/// Reads what the server sends until it closes the connection (or the read times out).
pub fn read_all(stream: &mut TcpStream) -> String {
    let mut out = Vec::new();
    let _ = stream.read_to_end(&mut out);
    String::from_utf8_lossy(&out).into_owned()
}

/// The head of a raw `POST /v1/decide` of `length` bytes, with its content type if any.
pub fn decide_head(content_type: Option<&str>, length: usize) -> String {
    let content_type = content_type.map_or_else(String::new, |t| format!("Content-Type: {t}\r\n"));
    format!("POST /v1/decide HTTP/1.1\r\nHost: x\r\n{content_type}Content-Length: {length}\r\n\r\n")
}

/// Writes raw bytes.
pub fn send(stream: &mut TcpStream, bytes: &[u8]) {
    stream.write_all(bytes).expect("written");
    stream.flush().unwrap();
}

/// `verdict eval POLICY FILE`'s standard output.
pub fn eval(policy: &Path, snapshots: &Path) -> String {
    let out = Command::new(BIN).arg("eval").arg(policy).arg(snapshots).output().expect("eval runs");
    String::from_utf8(out.stdout).unwrap()
}

/// A copy of `policies/` in a fresh directory, so its files can be changed.
pub fn policies_copy(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("verdict-serve-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    copy_dir(Path::new("policies"), &dir);
    dir
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

/// The `policy.fingerprint` of a decision line, or `None` for an error record.
pub fn fingerprint_of(line: &str) -> Option<String> {
    let value: serde_json::Value = serde_json::from_str(line).expect("a JSON record");
    value["policy"]["fingerprint"].as_str().map(str::to_string)
}
