//! What the server does with each request and notification it knows.

use super::{actions, completion, hover, navigate, rename, symbols, tokens, Document, Failure, Server};
use lsp_server::{ErrorCode, Notification, Request};
use lsp_types as lsp;
use serde::de::DeserializeOwned;
use serde_json::Value;
use std::io::Write;

impl Server {
    /// The result of a request, or why there is none.
    pub(super) fn answer(&mut self, request: Request) -> Result<Value, Failure> {
        let Request { method, params, .. } = request;
        let value = match method.as_str() {
            "initialize" => to_value(self.initialize(parse(params)?)),
            "shutdown" => {
                self.shutting_down = true;
                Value::Null
            }
            "textDocument/hover" => {
                let p: lsp::HoverParams = parse(params)?;
                let at = &p.text_document_position_params;
                to_value(self.at(&at.text_document.uri, at.position).and_then(|(doc, o)| hover::hover(doc, o)))
            }
            "textDocument/definition" => {
                let p: lsp::GotoDefinitionParams = parse(params)?;
                let at = &p.text_document_position_params;
                let found =
                    self.at(&at.text_document.uri, at.position).and_then(|(doc, o)| navigate::definition(doc, o));
                to_value(found.map(lsp::GotoDefinitionResponse::Scalar))
            }
            "textDocument/references" => {
                let p: lsp::ReferenceParams = parse(params)?;
                let at = &p.text_document_position;
                let include = p.context.include_declaration;
                to_value(
                    self.at(&at.text_document.uri, at.position).map(|(doc, o)| navigate::references(doc, o, include)),
                )
            }
            "textDocument/completion" => {
                let p: lsp::CompletionParams = parse(params)?;
                let at = &p.text_document_position;
                // A character that triggers completion by itself (a space,
                // a quote) asks only for what that character opens.
                let by_character =
                    p.context.as_ref().is_some_and(|c| c.trigger_kind == lsp::CompletionTriggerKind::TRIGGER_CHARACTER);
                let items = self
                    .at(&at.text_document.uri, at.position)
                    .map(|(doc, o)| completion::complete(doc, o, by_character));
                to_value(items.map(lsp::CompletionResponse::Array))
            }
            "textDocument/codeAction" => {
                let p: lsp::CodeActionParams = parse(params)?;
                let fixes = self.docs.get(&p.text_document.uri).map(|doc| {
                    let (from, to) = (doc.offset(p.range.start), doc.offset(p.range.end));
                    actions::quick_fixes(doc, from, to.max(from))
                });
                to_value(fixes)
            }
            "textDocument/prepareRename" => {
                let p: lsp::TextDocumentPositionParams = parse(params)?;
                let Some((doc, offset)) = self.at(&p.text_document.uri, p.position) else { return Ok(Value::Null) };
                let (range, placeholder) =
                    rename::prepare(doc, offset).map_err(|why| (ErrorCode::RequestFailed, why))?;
                to_value(lsp::PrepareRenameResponse::RangeWithPlaceholder { range, placeholder })
            }
            "textDocument/rename" => {
                let p: lsp::RenameParams = parse(params)?;
                let at = &p.text_document_position;
                let Some((doc, offset)) = self.at(&at.text_document.uri, at.position) else { return Ok(Value::Null) };
                let edit = rename::rename(doc, offset, &p.new_name).map_err(|why| (ErrorCode::RequestFailed, why))?;
                to_value(edit)
            }
            "textDocument/formatting" => {
                let p: lsp::DocumentFormattingParams = parse(params)?;
                to_value(self.format(&p.text_document.uri)?)
            }
            "textDocument/semanticTokens/full" => {
                let p: lsp::SemanticTokensParams = parse(params)?;
                let found = self.docs.get(&p.text_document.uri).map(tokens::full);
                to_value(found.map(lsp::SemanticTokensResult::Tokens))
            }
            "textDocument/documentSymbol" => {
                let p: lsp::DocumentSymbolParams = parse(params)?;
                let outline = self.docs.get(&p.text_document.uri).map(symbols::document_symbols);
                to_value(outline.map(lsp::DocumentSymbolResponse::Nested))
            }
            _ => return Err((ErrorCode::MethodNotFound, format!("verdict lsp does not answer `{method}`"))),
        };
        Ok(value)
    }

    fn initialize(&mut self, params: lsp::InitializeParams) -> lsp::InitializeResult {
        self.initialized = true;
        self.can_watch = params
            .capabilities
            .workspace
            .and_then(|w| w.did_change_watched_files)
            .and_then(|w| w.dynamic_registration)
            .unwrap_or(false);
        let sync = lsp::TextDocumentSyncOptions {
            open_close: Some(true),
            change: Some(lsp::TextDocumentSyncKind::INCREMENTAL),
            save: Some(lsp::TextDocumentSyncSaveOptions::Supported(true)),
            ..lsp::TextDocumentSyncOptions::default()
        };
        let completion = lsp::CompletionOptions {
            trigger_characters: Some([".", " ", "\"", "["].map(String::from).to_vec()),
            ..lsp::CompletionOptions::default()
        };
        let capabilities = lsp::ServerCapabilities {
            position_encoding: Some(lsp::PositionEncodingKind::UTF16),
            text_document_sync: Some(lsp::TextDocumentSyncCapability::Options(sync)),
            hover_provider: Some(lsp::HoverProviderCapability::Simple(true)),
            definition_provider: Some(lsp::OneOf::Left(true)),
            references_provider: Some(lsp::OneOf::Left(true)),
            completion_provider: Some(completion),
            document_formatting_provider: Some(lsp::OneOf::Left(true)),
            document_symbol_provider: Some(lsp::OneOf::Left(true)),
            code_action_provider: Some(lsp::CodeActionProviderCapability::Options(lsp::CodeActionOptions {
                code_action_kinds: Some(vec![lsp::CodeActionKind::QUICKFIX]),
                ..lsp::CodeActionOptions::default()
            })),
            rename_provider: Some(lsp::OneOf::Right(lsp::RenameOptions {
                prepare_provider: Some(true),
                work_done_progress_options: lsp::WorkDoneProgressOptions::default(),
            })),
            semantic_tokens_provider: Some(lsp::SemanticTokensServerCapabilities::SemanticTokensOptions(
                lsp::SemanticTokensOptions {
                    legend: tokens::legend(),
                    full: Some(lsp::SemanticTokensFullOptions::Bool(true)),
                    ..lsp::SemanticTokensOptions::default()
                },
            )),
            ..lsp::ServerCapabilities::default()
        };
        let server_info = lsp::ServerInfo { name: "verdict".into(), version: Some(env!("CARGO_PKG_VERSION").into()) };
        lsp::InitializeResult { capabilities, server_info: Some(server_info) }
    }

    /// An open document and the byte offset of a position in it.
    fn at(&self, uri: &lsp::Uri, position: lsp::Position) -> Option<(&Document, usize)> {
        let doc = self.docs.get(uri)?;
        Some((doc, doc.offset(position)))
    }

    /// The whole document in the `verdict fmt` layout, as one edit (none when it already is).
    fn format(&self, uri: &lsp::Uri) -> Result<Option<Vec<lsp::TextEdit>>, Failure> {
        let Some(doc) = self.docs.get(uri) else { return Ok(None) };
        let formatted = crate::format::format_source(&doc.path, &doc.text).map_err(|_| {
            (ErrorCode::RequestFailed, "the policy does not parse: fix its syntax errors to format it".to_string())
        })?;
        if formatted == doc.text {
            return Ok(Some(Vec::new()));
        }
        let whole = doc.lines.range(&doc.text, crate::diagnostic::Span::new(0, doc.text.len()));
        Ok(Some(vec![lsp::TextEdit::new(whole, formatted)]))
    }

    /// Applies a notification; one that does not read is dropped (a notification has no answer).
    pub(super) fn notification(&mut self, n: Notification, output: &mut impl Write) {
        let Notification { method, params } = n;
        match method.as_str() {
            "textDocument/didOpen" => {
                let Some(p) = read::<lsp::DidOpenTextDocumentParams>(params, &method, output) else { return };
                let item = p.text_document;
                if !is_policy(&item) {
                    // A client serving several languages may send its schema
                    // or hook files too: checked as policies, their own
                    // problems would be replaced by nonsense.
                    let message =
                        format!("{} is not a policy (language `{}`): not checked", item.uri.as_str(), item.language_id);
                    log(output, lsp::MessageType::LOG, message);
                    return;
                }
                let doc = Document::new(item.uri.clone(), item.text, item.version);
                self.docs.insert(item.uri, doc);
            }
            "textDocument/didChange" => {
                let Some(p) = read::<lsp::DidChangeTextDocumentParams>(params, &method, output) else { return };
                let Some(doc) = self.docs.get_mut(&p.text_document.uri) else { return };
                // Versions only grow (LSP): a change of a version the text is
                // already past was made to another text, and its ranges would
                // edit the wrong places.
                if p.text_document.version <= doc.version {
                    let message = format!(
                        "{}: a change of version {} ignored, the document being at version {}",
                        p.text_document.uri.as_str(),
                        p.text_document.version,
                        doc.version
                    );
                    log(output, lsp::MessageType::WARNING, message);
                    return;
                }
                doc.version = p.text_document.version;
                doc.apply(p.content_changes);
                self.text_changed(output, &p.text_document.uri);
            }
            "textDocument/didSave" => {
                let Some(p) = read::<lsp::DidSaveTextDocumentParams>(params, &method, output) else { return };
                if let Some(doc) = self.docs.get_mut(&p.text_document.uri) {
                    doc.mark_stale();
                }
            }
            "textDocument/didClose" => {
                let Some(p) = read::<lsp::DidCloseTextDocumentParams>(params, &method, output) else { return };
                let uri = p.text_document.uri;
                // A document never taken (not a policy) leaves what policies
                // published to its file (a schema's own problems) as it is.
                if self.docs.remove(&uri).is_none() {
                    return;
                }
                self.text_changed(output, &uri);
                let elsewhere = self.published_elsewhere.remove(&uri).unwrap_or_default();
                let elsewhere: Vec<_> = elsewhere
                    .into_iter()
                    .filter(|file| !super::named_by_another(&self.published_elsewhere, file, &uri))
                    .collect();
                for cleared in std::iter::once(uri).chain(elsewhere) {
                    super::notify(
                        output,
                        "textDocument/publishDiagnostics",
                        lsp::PublishDiagnosticsParams::new(cleared, vec![], None),
                    );
                }
            }
            "workspace/didChangeWatchedFiles" => {
                let Some(p) = read::<lsp::DidChangeWatchedFilesParams>(params, &method, output) else { return };
                let changed: Vec<_> = p.changes.iter().filter_map(|c| super::uri::to_path(&c.uri)).collect();
                for doc in self.docs.values_mut() {
                    if changed.iter().any(|file| doc.depends_on(file)) {
                        doc.mark_stale();
                    }
                }
            }
            _ => {}
        }
    }
}

/// The language ids editors give policies (VS Code and Helix, Neovim's
/// filetype, the bare word); any other document is still a policy when
/// its name ends in `.policy`.
const POLICY_LANGUAGES: [&str; 3] = ["verdict-policy", "verdict", "policy"];

fn is_policy(item: &lsp::TextDocumentItem) -> bool {
    POLICY_LANGUAGES.contains(&item.language_id.as_str()) || item.uri.path().as_str().ends_with(".policy")
}

/// A notification's parameters; when they do not read (a URI with a raw
/// space, say), the client's log says why, as a notification has no answer.
fn read<T: DeserializeOwned>(params: Value, method: &str, output: &mut impl Write) -> Option<T> {
    match parse(params) {
        Ok(p) => Some(p),
        Err((_, why)) => {
            log(output, lsp::MessageType::WARNING, format!("{method} ignored: {why}"));
            None
        }
    }
}

/// A line in the client's log.
fn log(output: &mut impl Write, typ: lsp::MessageType, message: String) {
    super::notify(output, "window/logMessage", lsp::LogMessageParams { typ, message });
}

fn parse<T: DeserializeOwned>(params: Value) -> Result<T, Failure> {
    serde_json::from_value(params).map_err(|e| (ErrorCode::InvalidParams, format!("the parameters do not read: {e}")))
}

fn to_value(value: impl serde::Serialize) -> Value {
    serde_json::to_value(value).unwrap_or(Value::Null)
}
