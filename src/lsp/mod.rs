//! `verdict lsp`: a language server for `.policy` files, over standard input
//! and output (docs/editors.md).
//!
//! One thread reads frames ([`transport`]); the server answers them in
//! order on the calling thread. Changes are applied as they come; once no
//! more messages wait (a burst of keystrokes is one change), each changed
//! document is checked again on a thread of its own, so that a long check
//! of one policy holds up no answer about another (nor `shutdown`). A
//! request about a document waits for that document's check only. A
//! request cancelled within the burst it came in is answered
//! `RequestCancelled` without being worked on.

mod actions;
mod completion;
mod diagnostics;
mod document;
mod handlers;
mod hover;
mod index;
mod navigate;
mod position;
mod rename;
mod shape;
mod symbols;
mod tokens;
mod transport;
mod uri;

pub use document::Document;
pub use transport::{Frames, Garbage, Incoming};

use lsp_server::{ErrorCode, Message, Notification, Request, RequestId, Response};
use lsp_types::Uri;
use std::collections::HashMap;
use std::io::{BufRead, Write};
use std::sync::mpsc;

/// How the session ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Ending {
    /// `exit` after `shutdown`: exit code 0.
    Clean,
    /// `exit` without `shutdown`, or the input closed: exit code 1, as the protocol asks.
    Abrupt,
}

/// What the server's thread waits for: a frame from the client, the end
/// of its input, or a check finished in the background.
enum Event {
    Frame(Incoming),
    InputClosed,
    Checked { uri: Uri, generation: u64, analysis: Box<crate::load::Analysis> },
}

/// Serves one client on `input` and `output` until it exits or goes away.
pub fn serve(input: impl BufRead + Send + 'static, mut output: impl Write) -> Ending {
    let (sender, receiver) = mpsc::channel();
    let frames_to = sender.clone();
    // The reader ends when the input does or the server stops listening.
    std::thread::spawn(move || {
        let mut frames = transport::Frames::new(input);
        while let Ok(Some(incoming)) = frames.read() {
            if frames_to.send(Event::Frame(incoming)).is_err() {
                return;
            }
        }
        let _ = frames_to.send(Event::InputClosed);
    });
    let mut server = Server::new(Events { sender, receiver, held: Vec::new() });
    loop {
        let Some(waiting) = server.next_burst() else { return Ending::Abrupt };
        // Everything that waits, taken at once: a request cancelled by a
        // later message of the same burst is not worked on.
        let cancelled: Vec<RequestId> = waiting.iter().filter_map(cancelled_id).collect();
        // Finished checks first: a request of the burst about their document
        // would otherwise wait for a result already taken off the channel.
        // (Each is kept only if its document has not changed since.)
        let (checked, frames): (Vec<Event>, Vec<Event>) =
            waiting.into_iter().partition(|e| matches!(e, Event::Checked { .. }));
        for event in checked {
            if let Event::Checked { uri, generation, analysis } = event {
                server.install(&mut output, &uri, generation, *analysis);
            }
        }
        for event in frames {
            let incoming = match event {
                Event::Frame(incoming) => incoming,
                Event::InputClosed => return Ending::Abrupt,
                Event::Checked { .. } => continue,
            };
            if let Incoming::Message(Message::Request(r)) = &incoming {
                if cancelled.contains(&r.id) && server.initialized && !server.shutting_down {
                    send(&mut output, error(r.id.clone(), ErrorCode::RequestCanceled, "cancelled".into()));
                    continue;
                }
            }
            if let Some(ending) = server.take(incoming, &mut output) {
                return ending;
            }
        }
        server.start_checks(&mut output);
    }
}

/// The server's side of its event channel.
struct Events {
    sender: mpsc::Sender<Event>,
    receiver: mpsc::Receiver<Event>,
    /// Events received while waiting for a check, in order, for the next burst.
    held: Vec<Event>,
}

/// The request a `$/cancelRequest` notification cancels.
fn cancelled_id(event: &Event) -> Option<RequestId> {
    match event {
        Event::Frame(Incoming::Message(Message::Notification(n))) if n.method == "$/cancelRequest" => {
            transport::request_id(n.params.get("id")?.clone())
        }
        _ => None,
    }
}

/// Whether an open policy other than `policy` last published diagnostics to
/// `file` (a schema both name): its problems stay until every one lets go.
fn named_by_another<'a>(
    published_elsewhere: impl IntoIterator<Item = (&'a Uri, &'a Vec<Uri>)>,
    file: &Uri,
    policy: &Uri,
) -> bool {
    published_elsewhere.into_iter().any(|(other, files)| other != policy && files.contains(file))
}

/// The server's state between messages.
struct Server {
    initialized: bool,
    shutting_down: bool,
    /// Whether the client lets the server register file watchers.
    can_watch: bool,
    docs: HashMap<Uri, Document>,
    /// For each document, the other files it last published diagnostics to
    /// (a schema, a hook script), to clear them once they are gone.
    published_elsewhere: HashMap<Uri, Vec<Uri>>,
    next_request: i32,
    /// The channel frames and finished checks arrive on.
    events: Events,
}

impl Server {
    fn new(events: Events) -> Server {
        Server {
            initialized: false,
            shutting_down: false,
            can_watch: false,
            docs: HashMap::new(),
            published_elsewhere: HashMap::new(),
            next_request: 0,
            events,
        }
    }

    /// Handles one frame; `Some` when the session ends.
    fn take(&mut self, incoming: Incoming, output: &mut impl Write) -> Option<Ending> {
        match incoming {
            Incoming::Garbage(garbage) => {
                let _ = transport::write_garbage_error(output, &garbage);
                None
            }
            Incoming::Message(Message::Request(request)) => {
                // Only the document a request is about needs its check now
                // (the others are checked once no message waits), and
                // `shutdown` none: a long check of another policy must not
                // hold up an answer.
                let about = request.params.get("textDocument").and_then(|d| d.get("uri")).and_then(|u| u.as_str());
                if let Some(about) = about.and_then(|u| u.parse::<Uri>().ok()) {
                    self.check_now(output, &about);
                }
                let response = self.request(request);
                send(output, response);
                None
            }
            Incoming::Message(Message::Notification(n)) if n.method == "exit" => {
                Some(if self.shutting_down { Ending::Clean } else { Ending::Abrupt })
            }
            Incoming::Message(Message::Notification(n)) => {
                if n.method == "initialized" {
                    self.watch_files(output);
                }
                if self.initialized {
                    self.notification(n, output);
                }
                None
            }
            // Answers to our own requests (the watcher registration) need nothing.
            Incoming::Message(Message::Response(_)) => None,
        }
    }

    fn request(&mut self, request: Request) -> Response {
        let id = request.id.clone();
        if self.shutting_down {
            return error(id, ErrorCode::InvalidRequest, "the server is shutting down".into());
        }
        match (self.initialized, request.method == "initialize") {
            (false, false) => {
                return error(id, ErrorCode::ServerNotInitialized, "the server is not initialized yet".into())
            }
            // The protocol sends `initialize` once; answering a second would
            // restart nothing yet tell the client it had.
            (true, true) => return error(id, ErrorCode::InvalidRequest, "the server is already initialized".into()),
            _ => {}
        }
        let answer = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| self.answer(request)));
        match answer {
            Ok(Ok(value)) => Response { id, response_result: Ok(value) },
            Ok(Err((code, message))) => error(id, code, message),
            Err(_) => error(id, ErrorCode::InternalError, "internal error answering this request".into()),
        }
    }

    /// The events waiting now: those held back first, then at least one more.
    fn next_burst(&mut self) -> Option<Vec<Event>> {
        let mut burst = std::mem::take(&mut self.events.held);
        if burst.is_empty() {
            burst.push(self.events.receiver.recv().ok()?);
        }
        burst.extend(self.events.receiver.try_iter());
        Some(burst)
    }

    /// Starts a check of every changed document not already being checked.
    fn start_checks(&mut self, output: &mut impl Write) {
        let mut in_place = Vec::new();
        for doc in self.docs.values_mut().filter(|d| d.dirty && d.checking.is_none()) {
            let (sender, uri, generation) = (self.events.sender.clone(), doc.uri.clone(), doc.generation);
            let (path, text) = (doc.path.clone(), doc.text.clone());
            let started = std::thread::Builder::new().name("verdict-lsp-check".into()).spawn(move || {
                // A check that panics still answers: a request waiting for it would wait forever.
                let check = std::panic::AssertUnwindSafe(|| crate::load::analyze_policy_source(&path, &text));
                let analysis = std::panic::catch_unwind(check).unwrap_or_else(|_| {
                    crate::load::Analysis::failed(&path, "internal error checking this policy".into())
                });
                let analysis = Box::new(analysis);
                // The server may have stopped meanwhile: nobody to tell.
                let _ = sender.send(Event::Checked { uri, generation, analysis });
            });
            match started {
                Ok(_) => doc.checking = Some(generation),
                Err(_) => in_place.push(doc.uri.clone()),
            }
        }
        for uri in in_place {
            self.check_now(output, &uri);
        }
    }

    /// Makes `uri`'s diagnostics current before a request about it is
    /// answered: waits for its check when one of its current text runs,
    /// else checks it here.
    fn check_now(&mut self, output: &mut impl Write, uri: &Uri) {
        let Some(doc) = self.docs.get(uri).filter(|d| d.dirty) else { return };
        if doc.checking == Some(doc.generation) {
            let generation = doc.generation;
            while let Ok(event) = self.events.receiver.recv() {
                match event {
                    Event::Checked { uri: checked, generation: g, analysis } => {
                        self.install(output, &checked, g, *analysis);
                        if checked == *uri && g == generation {
                            return;
                        }
                    }
                    other => self.events.held.push(other),
                }
            }
        }
        if let Some(doc) = self.docs.get_mut(uri).filter(|d| d.dirty) {
            doc.check();
            self.publish(output, uri);
        }
    }

    /// Takes a check finished in the background, unless the document
    /// changed (or closed) while it ran: a newer check is started then.
    fn install(&mut self, output: &mut impl Write, uri: &Uri, generation: u64, analysis: crate::load::Analysis) {
        let Some(doc) = self.docs.get_mut(uri) else { return };
        if doc.checking == Some(generation) {
            doc.checking = None;
        }
        if doc.dirty && doc.generation == generation {
            doc.install(analysis);
            self.publish(output, uri);
        }
    }

    /// Publishes a document's diagnostics, and clears those it no longer has in other files.
    fn publish(&mut self, output: &mut impl Write, uri: &Uri) {
        let Some(doc) = self.docs.get(uri) else { return };
        let lists = diagnostics::publish(doc);
        let elsewhere: Vec<Uri> = lists.iter().skip(1).map(|p| p.uri.clone()).collect();
        let before = self.published_elsewhere.insert(doc.uri.clone(), elsewhere.clone()).unwrap_or_default();
        let shared = |file: &Uri| named_by_another(&self.published_elsewhere, file, &doc.uri);
        for gone in before.into_iter().filter(|uri| !elsewhere.contains(uri) && !shared(uri)) {
            notify(
                output,
                "textDocument/publishDiagnostics",
                lsp_types::PublishDiagnosticsParams::new(gone, vec![], None),
            );
        }
        for list in lists {
            notify(output, "textDocument/publishDiagnostics", list);
        }
    }

    /// Asks the client to report changes to the files policies name.
    fn watch_files(&mut self, output: &mut impl Write) {
        if !self.can_watch {
            return;
        }
        let watchers = ["**/*.yaml", "**/*.yml", "**/*.rhai", "**/*.txt"]
            .map(|glob| lsp_types::FileSystemWatcher {
                glob_pattern: lsp_types::GlobPattern::String(glob.into()),
                kind: None,
            })
            .to_vec();
        let options = lsp_types::DidChangeWatchedFilesRegistrationOptions { watchers };
        let registration = lsp_types::Registration {
            id: "verdict-watched-files".into(),
            method: "workspace/didChangeWatchedFiles".into(),
            register_options: serde_json::to_value(options).ok(),
        };
        let params = lsp_types::RegistrationParams { registrations: vec![registration] };
        self.next_request += 1;
        let request = Request {
            id: RequestId::from(self.next_request),
            method: "client/registerCapability".into(),
            params: serde_json::to_value(params).unwrap_or_default(),
        };
        let _ = transport::write(output, &Message::Request(request));
    }
}

/// A failed request's answer.
type Failure = (ErrorCode, String);

fn error(id: RequestId, code: ErrorCode, message: String) -> Response {
    Response::new_err(id, code as i32, message)
}

fn send(output: &mut impl Write, response: Response) {
    // A client that stopped reading is noticed when its input closes.
    let _ = transport::write(output, &Message::Response(response));
}

fn notify(output: &mut impl Write, method: &str, params: impl serde::Serialize) {
    let params = serde_json::to_value(params).unwrap_or_default();
    let _ = transport::write(output, &Message::Notification(Notification { method: method.into(), params }));
}
