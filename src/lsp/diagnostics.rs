//! The checker's diagnostics as LSP diagnostics, grouped by the file they point into.

use super::document::Document;
use super::position::LineMap;
use crate::diagnostic::{Diagnostic, Severity};
use lsp_types::{
    DiagnosticRelatedInformation, DiagnosticSeverity, Location, NumberOrString, PublishDiagnosticsParams, Range, Uri,
};
use std::path::Path;

/// What to publish after checking `doc`: its own diagnostics first, then one
/// list per other file with diagnostics (a schema or a hook script with errors).
/// Only the document's own list carries its version: the other files are not
/// open as this text, or not open at all.
pub fn publish(doc: &Document) -> Vec<PublishDiagnosticsParams> {
    let mut out = vec![PublishDiagnosticsParams::new(doc.uri.clone(), Vec::new(), Some(doc.version))];
    for diagnostic in &doc.analysis.diagnostics {
        let Some((uri, converted)) = convert(doc, diagnostic) else { continue };
        match out.iter_mut().find(|p| p.uri == uri) {
            Some(list) => list.diagnostics.push(converted),
            None => out.push(PublishDiagnosticsParams::new(uri, vec![converted], None)),
        }
    }
    out
}

/// One diagnostic: the code, the message with its help line, and its label
/// and the other places it involves as related information.
pub(super) fn convert(doc: &Document, d: &Diagnostic) -> Option<(Uri, lsp_types::Diagnostic)> {
    let (uri, range) = locate(doc, &d.file, d.span)?;
    let message = match &d.help {
        Some(help) => format!("{}\nhelp: {help}", d.message),
        None => d.message.clone(),
    };
    // The label at the diagnostic's own range, then each other place it involves.
    let own = d.label.iter().map(|label| DiagnosticRelatedInformation {
        location: Location::new(uri.clone(), range),
        message: label.clone(),
    });
    let others = d.related.iter().filter_map(|r| {
        let (uri, range) = locate(doc, &r.file, r.span)?;
        Some(DiagnosticRelatedInformation { location: Location::new(uri, range), message: r.label.clone() })
    });
    let related: Vec<_> = own.chain(others).collect();
    let related = (!related.is_empty()).then_some(related);
    let severity = match d.severity {
        Severity::Error => DiagnosticSeverity::ERROR,
        Severity::Warning => DiagnosticSeverity::WARNING,
    };
    let converted = lsp_types::Diagnostic {
        range,
        severity: Some(severity),
        code: Some(NumberOrString::String(d.code.to_string())),
        source: Some("verdict".into()),
        message,
        related_information: related,
        ..lsp_types::Diagnostic::default()
    };
    Some((uri, converted))
}

/// The URI and range of a span in `file`: the document itself, or another file the check read.
pub fn locate(doc: &Document, file: &Path, span: crate::diagnostic::Span) -> Option<(Uri, Range)> {
    if file == doc.path || file.as_os_str().is_empty() {
        return Some((doc.uri.clone(), doc.lines.range(&doc.text, span)));
    }
    let uri = super::uri::from_path(file)?;
    let range = match doc.analysis.sources.get(file) {
        Some(source) => LineMap::new(&source.text).range(&source.text, span),
        None => Range::default(),
    };
    Some((uri, range))
}
