//! `verdict lsp`: a language server for `.policy` files, over standard input
//! and output (docs/editors.md).
//!
//! One thread reads frames ([`transport`]); the server handles them in
//! order on the calling thread. Changes are applied as they come; once no
//! more messages wait (a burst of keystrokes is one change), each changed
//! document is checked again on a thread of its own ([`checks`]). A request
//! about a document whose check is under way is parked until that check
//! lands (answers may come out of order, as the protocol allows), so a
//! long check of one policy holds up no answer about another, nor
//! `shutdown`. A request cancelled before it is worked on is answered
//! `RequestCancelled`.

mod actions;
mod checks;
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
    let mut server = Server::new(Events { sender, receiver });
    loop {
        let Some(waiting) = server.next_burst() else { return Ending::Abrupt };
        // Everything that waits, taken at once: a request cancelled by a
        // later message of the same burst is not worked on.
        let cancelled: Vec<RequestId> = waiting.iter().filter_map(cancelled_id).collect();
        server.cancel_parked(&cancelled, &mut output);
        for event in waiting {
            let incoming = match event {
                Event::Frame(incoming) => incoming,
                Event::InputClosed => return Ending::Abrupt,
                Event::Checked { uri, generation, analysis } => {
                    server.install(&mut output, &uri, generation, *analysis);
                    continue;
                }
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
    /// How many checks run in the background.
    running: usize,
    /// Requests about a document being checked, in the order they came,
    /// answered when its check lands.
    parked: Vec<(Uri, Request)>,
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
            running: 0,
            parked: Vec::new(),
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
                // A request about a document whose check is under way waits
                // for it alone; any other is answered now.
                if let Some(request) = self.park_if_checking(request) {
                    if request.method == "shutdown" {
                        self.refuse_parked(output, "the server is shutting down");
                    }
                    let response = self.request(request);
                    send(output, response);
                }
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
