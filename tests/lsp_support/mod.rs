//! A test client for `verdict lsp`: it starts the real binary and speaks
//! JSON-RPC over its standard input and output, and a workspace folder for it.

// Each test crate includes this module and uses only some of it.
#![allow(dead_code)]

use serde_json::{json, Value};
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{channel, Receiver};
use std::time::{Duration, Instant};

pub const SCHEMA: &str = "\
entity: account
key: id
fields:
  id: string
  # what the account may still do
  status: enum(active, frozen, closed)
  score: int                     # current credit score
  identity:
    verified: bool
  overdues:
    list:
      due_on: date
      days: int
    by: due_on
";

pub struct Client {
    pub child: Child,
    pub stdin: ChildStdin,
    pub incoming: Receiver<Value>,
    pub next_id: i64,
    pub dir: PathBuf,
}

impl Client {
    pub fn start(dir: &Path) -> Client {
        let mut child = Command::new(env!("CARGO_BIN_EXE_verdict"))
            .arg("lsp")
            .current_dir(dir)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("start verdict lsp");
        let stdin = child.stdin.take().unwrap();
        let mut stdout = BufReader::new(child.stdout.take().unwrap());
        let (sender, incoming) = channel();
        std::thread::spawn(move || {
            while let Some(message) = read_frame(&mut stdout) {
                if sender.send(message).is_err() {
                    break;
                }
            }
        });
        Client { child, stdin, incoming, next_id: 0, dir: dir.to_path_buf() }
    }

    pub fn send(&mut self, message: &Value) {
        self.send_raw(&serde_json::to_vec(message).unwrap());
    }

    pub fn send_raw(&mut self, body: &[u8]) {
        write!(self.stdin, "Content-Length: {}\r\n\r\n", body.len()).unwrap();
        self.stdin.write_all(body).unwrap();
        self.stdin.flush().unwrap();
    }

    pub fn notify(&mut self, method: &str, params: Value) {
        self.send(&json!({"jsonrpc": "2.0", "method": method, "params": params}));
    }

    /// Sends a request and waits for its response (the whole response).
    pub fn request_full(&mut self, method: &str, params: Value) -> Value {
        self.next_id += 1;
        let id = self.next_id;
        self.send(&json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}));
        self.wait_for(|m| m["id"].as_i64() == Some(id) && m.get("method").is_none())
    }

    pub fn request(&mut self, method: &str, params: Value) -> Value {
        let response = self.request_full(method, params);
        assert!(response.get("error").is_none(), "{method} failed: {response}");
        response["result"].clone()
    }

    /// The next message that `wanted` picks, skipping others; fails after 60 s.
    pub fn wait_for(&mut self, wanted: impl Fn(&Value) -> bool) -> Value {
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            let message = self.incoming.recv_timeout(left).expect("the server answered within 60 s");
            if wanted(&message) {
                return message;
            }
        }
    }

    /// The next diagnostics published for `uri`.
    pub fn diagnostics(&mut self, uri: &str) -> Vec<Value> {
        let message = self
            .wait_for(|m| m["method"] == "textDocument/publishDiagnostics" && m["params"]["uri"].as_str() == Some(uri));
        message["params"]["diagnostics"].as_array().unwrap().clone()
    }

    pub fn uri(&self, name: &str) -> String {
        format!("file://{}", self.dir.join(name).display())
    }

    pub fn at(&self, name: &str, line: u32, character: u32) -> Value {
        json!({"textDocument": {"uri": self.uri(name)}, "position": {"line": line, "character": character}})
    }

    pub fn initialize(&mut self) -> Value {
        let capabilities = json!({"workspace": {"didChangeWatchedFiles": {"dynamicRegistration": true}}});
        let result =
            self.request("initialize", json!({"processId": null, "rootUri": null, "capabilities": capabilities}));
        self.notify("initialized", json!({}));
        result
    }

    /// A server started in a fresh workspace folder named after `name`, initialized.
    pub fn initialized(name: &str) -> Client {
        let mut client = Client::start(&workspace(name));
        client.initialize();
        client
    }

    /// Ends the session as a client should (`shutdown`, then `exit`) and
    /// checks the server exits with 0.
    pub fn finish(mut self) {
        self.request("shutdown", Value::Null);
        self.notify("exit", Value::Null);
        assert_eq!(self.exit_code(), 0);
    }

    /// Waits for the process to end; its exit code.
    pub fn exit_code(mut self) -> i32 {
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status.code().unwrap_or(-1);
            }
            assert!(Instant::now() < deadline, "verdict lsp did not exit");
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

pub fn read_frame(input: &mut impl BufRead) -> Option<Value> {
    let mut length = 0;
    loop {
        let mut line = String::new();
        if input.read_line(&mut line).ok()? == 0 {
            return None;
        }
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        if let Some(n) = line.strip_prefix("Content-Length: ") {
            length = n.parse().ok()?;
        }
    }
    let mut body = vec![0; length];
    input.read_exact(&mut body).ok()?;
    serde_json::from_slice(&body).ok()
}

/// A folder with the policy's schema, hook script and batch file.
pub fn workspace(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("lsp-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("account.schema.yaml"), SCHEMA).unwrap();
    std::fs::write(dir.join("risk.rhai"), "// scores twice\nfn risk(score) {\n  score * 2\n}\n").unwrap();
    std::fs::write(dir.join("watch.txt"), "A-1\nA-2\nA-3\n").unwrap();
    // Canonical, so that the URIs the server derives from paths are the ones written here.
    dir.canonicalize().unwrap()
}

pub fn codes(diagnostics: &[Value]) -> Vec<&str> {
    diagnostics.iter().map(|d| d["code"].as_str().unwrap()).collect()
}

pub fn range(line: u32, from: u32, to: u32) -> Value {
    json!({"start": {"line": line, "character": from}, "end": {"line": line, "character": to}})
}

pub fn labels(completion: &Value) -> Vec<String> {
    completion.as_array().unwrap().iter().map(|i| i["label"].as_str().unwrap().to_string()).collect()
}

pub fn open(client: &mut Client, name: &str, text: &str) {
    std::fs::write(client.dir.join(name), text).unwrap();
    let doc = json!({"uri": client.uri(name), "languageId": "verdict-policy", "version": 1, "text": text});
    client.notify("textDocument/didOpen", json!({"textDocument": doc}));
}

pub fn hover_text(client: &mut Client, name: &str, line: u32, character: u32) -> String {
    let hover = client.request("textDocument/hover", client.at(name, line, character));
    hover["contents"]["value"].as_str().unwrap_or_else(|| panic!("a hover at {line}:{character}: {hover}")).to_string()
}
