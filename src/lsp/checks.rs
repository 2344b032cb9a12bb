//! Checking documents in the background: a thread per check (at most as
//! many at once as the machine has cores), each result taken only if its
//! document has not changed since, and the requests about a document
//! parked while its check runs.

use super::{diagnostics, error, named_by_another, notify, send, Event, Server};
use lsp_server::{ErrorCode, Request, RequestId};
use lsp_types::Uri;
use std::io::Write;

/// The most checks run at once: a check of a policy with large tables is
/// all computation (and each runs on a thread with a large stack).
fn most_at_once() -> usize {
    std::thread::available_parallelism().map_or(2, usize::from)
}

impl Server {
    /// The events waiting now: at least one, then every other that waits.
    pub(super) fn next_burst(&mut self) -> Option<Vec<Event>> {
        let mut burst = vec![self.events.receiver.recv().ok()?];
        burst.extend(self.events.receiver.try_iter());
        Some(burst)
    }

    /// `request`, unless it is about an open document whose diagnostics are
    /// stale: then it is kept until that document's check lands.
    pub(super) fn park_if_checking(&mut self, request: Request) -> Option<Request> {
        if !self.initialized || self.shutting_down {
            return Some(request);
        }
        let about = request.params.get("textDocument").and_then(|d| d.get("uri")).and_then(|u| u.as_str());
        let about = about.and_then(|u| u.parse::<Uri>().ok());
        match about.filter(|uri| self.docs.get(uri).is_some_and(|d| d.dirty)) {
            Some(uri) => {
                self.parked.push((uri, request));
                None
            }
            None => Some(request),
        }
    }

    /// Starts a check of every changed document not already being checked,
    /// as far as [`most_at_once`] allows (the rest when one ends).
    pub(super) fn start_checks(&mut self, output: &mut impl Write) {
        let mut in_place = Vec::new();
        for doc in self.docs.values_mut().filter(|d| d.dirty && d.checking.is_none()) {
            if self.running >= most_at_once() {
                break;
            }
            let (sender, uri, generation) = (self.events.sender.clone(), doc.uri.clone(), doc.generation);
            let (path, text) = (doc.path.clone(), doc.text.clone());
            let started = std::thread::Builder::new().name("verdict-lsp-check".into()).spawn(move || {
                // A check that panics still answers: requests wait for it.
                let check = std::panic::AssertUnwindSafe(|| crate::load::analyze_policy_source(&path, &text));
                let analysis = std::panic::catch_unwind(check).unwrap_or_else(|_| {
                    crate::load::Analysis::failed(&path, "internal error checking this policy".into())
                });
                // The server may have stopped meanwhile: nobody to tell.
                let _ = sender.send(Event::Checked { uri, generation, analysis: Box::new(analysis) });
            });
            match started {
                Ok(_) => {
                    doc.checking = Some(generation);
                    self.running += 1;
                }
                Err(_) => in_place.push(doc.uri.clone()),
            }
        }
        for uri in in_place {
            if let Some(doc) = self.docs.get_mut(&uri) {
                doc.check();
                self.checked(output, &uri);
            }
        }
    }

    /// Takes a check that ended in the background, unless its document
    /// changed (or closed) while it ran (a newer check starts then).
    pub(super) fn install(
        &mut self,
        output: &mut impl Write,
        uri: &Uri,
        generation: u64,
        analysis: crate::load::Analysis,
    ) {
        self.running = self.running.saturating_sub(1);
        let Some(doc) = self.docs.get_mut(uri) else { return };
        if doc.checking == Some(generation) {
            doc.checking = None;
        }
        if doc.dirty && doc.generation == generation {
            doc.install(analysis);
            self.checked(output, uri);
        }
    }

    /// After `uri`'s check: its diagnostics published, the requests parked for it answered.
    fn checked(&mut self, output: &mut impl Write, uri: &Uri) {
        self.publish(output, uri);
        for request in self.unpark(|about, _| about == uri) {
            let response = self.request(request);
            send(output, response);
        }
    }

    /// Answers the parked requests about `uri` with `ContentModified`: the
    /// text they were asked about has changed or closed (the client asks
    /// again if it still wants to know).
    pub(super) fn text_changed(&mut self, output: &mut impl Write, uri: &Uri) {
        for request in self.unpark(|about, _| about == uri) {
            send(output, error(request.id, ErrorCode::ContentModified, "the document changed".into()));
        }
    }

    /// Answers the parked requests a `$/cancelRequest` names.
    pub(super) fn cancel_parked(&mut self, cancelled: &[RequestId], output: &mut impl Write) {
        for request in self.unpark(|_, request| cancelled.contains(&request.id)) {
            send(output, error(request.id, ErrorCode::RequestCanceled, "cancelled".into()));
        }
    }

    /// Answers every parked request with an error (at `shutdown`).
    pub(super) fn refuse_parked(&mut self, output: &mut impl Write, why: &str) {
        for request in self.unpark(|_, _| true) {
            send(output, error(request.id, ErrorCode::RequestCanceled, why.into()));
        }
    }

    /// Takes out the parked requests `which` picks, in the order they came.
    fn unpark(&mut self, which: impl Fn(&Uri, &Request) -> bool) -> Vec<Request> {
        let (picked, still): (Vec<_>, Vec<_>) =
            std::mem::take(&mut self.parked).into_iter().partition(|(about, request)| which(about, request));
        self.parked = still;
        picked.into_iter().map(|(_, request)| request).collect()
    }

    /// Publishes a document's diagnostics, and clears those it no longer has in other files.
    pub(super) fn publish(&mut self, output: &mut impl Write, uri: &Uri) {
        let Some(doc) = self.docs.get(uri) else { return };
        let lists = diagnostics::publish(doc);
        let elsewhere: Vec<Uri> = lists.iter().skip(1).map(|p| p.uri.clone()).collect();
        let before = self.published_elsewhere.insert(doc.uri.clone(), elsewhere.clone()).unwrap_or_default();
        let shared = |file: &Uri| named_by_another(&self.published_elsewhere, file, &doc.uri);
        for gone in before.into_iter().filter(|uri| !elsewhere.contains(uri) && !shared(uri)) {
            let cleared = lsp_types::PublishDiagnosticsParams::new(gone, vec![], None);
            notify(output, "textDocument/publishDiagnostics", cleared);
        }
        for list in lists {
            notify(output, "textDocument/publishDiagnostics", list);
        }
    }
}
