//! Rendering diagnostics for people (miette: file:line:col, the source line,
//! a caret, help) or as JSON for tools.

use miette::{GraphicalReportHandler, GraphicalTheme, LabeledSpan, NamedSource, SourceSpan};
use std::fmt;
use std::io::IsTerminal;
use verdict::diagnostic::{Diagnostic, Severity, SourceMap};

struct Report<'a> {
    diag: &'a Diagnostic,
    source: Option<NamedSource<String>>,
    location: String,
}

impl fmt::Debug for Report<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.diag.message)
    }
}

impl fmt::Display for Report<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // With a source excerpt miette prints `╭─[file:line:col]` itself; without one, say where.
        if self.source.is_none() {
            write!(f, "{}: ", self.location)?;
        }
        write!(f, "[{}] {}", self.diag.code, self.diag.message)
    }
}

impl std::error::Error for Report<'_> {}

impl miette::Diagnostic for Report<'_> {
    fn severity(&self) -> Option<miette::Severity> {
        Some(match self.diag.severity {
            Severity::Error => miette::Severity::Error,
            Severity::Warning => miette::Severity::Warning,
        })
    }
    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.diag.help.as_ref().map(|h| Box::new(h) as Box<dyn fmt::Display>)
    }
    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        self.source.as_ref().map(|s| s as &dyn miette::SourceCode)
    }
    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        self.source.as_ref()?;
        let span = self.diag.span;
        let len = (span.end - span.start).max(1) as usize;
        let label =
            LabeledSpan::new_with_span(self.diag.label.clone(), SourceSpan::new((span.start as usize).into(), len));
        Some(Box::new(std::iter::once(label)))
    }
}

/// Renders diagnostics for a terminal (plain when `color` is false, as in tests and pipes).
pub fn render_all(diags: &[Diagnostic], sources: &SourceMap, color: bool) -> String {
    let theme = if color { GraphicalTheme::unicode() } else { GraphicalTheme::unicode_nocolor() };
    let handler = GraphicalReportHandler::new_themed(theme).with_width(100).with_links(false);
    let mut out = String::new();
    for diag in diags {
        let (line, col) = sources.line_col(&diag.file, diag.span.start);
        let location = format!("{}:{line}:{col}", diag.file.display());
        let source = sources.get(&diag.file).map(|f| {
            let mut text = f.text.to_string();
            // miette cannot point past the end; give an end-of-file caret a place to stand.
            if diag.span.start as usize >= text.len() {
                text.push(' ');
            }
            NamedSource::new(diag.file.display().to_string(), text)
        });
        let report = Report { diag, source, location };
        if handler.render_report(&mut out, &report).is_err() {
            out.push_str(&format!("{report}\n"));
        }
        out.push('\n');
    }
    out
}

/// True when stderr is a terminal (and NO_COLOR is not set).
pub fn stderr_color() -> bool {
    std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none()
}

/// Diagnostics as JSON, one object each, for editors and pipelines.
pub fn render_json(diags: &[Diagnostic], sources: &SourceMap) -> String {
    let items: Vec<serde_json::Value> = diags
        .iter()
        .map(|d| {
            let (line, col) = sources.line_col(&d.file, d.span.start);
            serde_json::json!({
                "severity": if d.is_error() { "error" } else { "warning" },
                "code": d.code,
                "message": d.message,
                "file": d.file.display().to_string(),
                "line": line,
                "column": col,
                "span": [d.span.start, d.span.end],
                "label": d.label,
                "help": d.help,
            })
        })
        .collect();
    serde_json::to_string_pretty(&items).unwrap_or_default()
}
