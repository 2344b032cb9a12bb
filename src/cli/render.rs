//! Rendering diagnostics for people (miette: file:line:col, the source line,
//! a caret, help) or as JSON for tools.

use super::source::{ClippedLine, FileSource};
use miette::{GraphicalReportHandler, GraphicalTheme, LabeledSpan, SourceSpan};
use std::collections::HashMap;
use std::fmt;
use std::io::IsTerminal;
use std::path::Path;
use std::sync::Arc;
use verdict::diagnostic::{Diagnostic, LineIndex, Severity, SourceFile, SourceMap};
use verdict::terminal::{counted, escape};

/// One diagnostic as miette sees it. `S` is generic so a test can render
/// with miette's own whole-text source and compare.
struct Report<'a, S = FileSource> {
    diag: &'a Diagnostic,
    source: Option<&'a S>,
    location: String,
    /// The line clipped around the span, when `source` is it: spans are
    /// placed in it (a place outside it is left out).
    clip: Option<&'a ClippedLine>,
}

impl<S> Report<'_, S> {
    /// Where `span` stands in the source shown, and its length (at least 1).
    fn place(&self, span: verdict::diagnostic::Span) -> Option<SourceSpan> {
        let (start, end) = (span.start as usize, span.end as usize);
        let (start, end) = match self.clip {
            None => (start, end),
            Some(clip) => {
                let start = clip.place(start)?;
                (start, clip.place(end).unwrap_or(clip.kept_end()))
            }
        };
        Some(SourceSpan::new(start.into(), end.saturating_sub(start).max(1)))
    }
}

impl<S> fmt::Debug for Report<'_, S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.diag.message)
    }
}

impl<S> fmt::Display for Report<'_, S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // With a source excerpt miette prints `╭─[file:line:col]` itself; without one, say where.
        if self.source.is_none() {
            write!(f, "{}: ", self.location)?;
        }
        write!(f, "[{}] {}", self.diag.code, escape(&self.diag.message))
    }
}

impl<S> std::error::Error for Report<'_, S> {}

impl<S: miette::SourceCode> miette::Diagnostic for Report<'_, S> {
    fn severity(&self) -> Option<miette::Severity> {
        Some(match self.diag.severity {
            Severity::Error => miette::Severity::Error,
            Severity::Warning => miette::Severity::Warning,
        })
    }
    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.diag.help.as_ref().map(|h| Box::new(escape(h)) as Box<dyn fmt::Display>)
    }
    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        self.source.map(|s| s as &dyn miette::SourceCode)
    }
    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        self.source.as_ref()?;
        let label = LabeledSpan::new_primary_with_span(
            self.diag.label.as_deref().map(|l| escape(l).into_owned()),
            self.place(self.diag.span)?,
        );
        // The other places in the same file, each under its own label (a
        // place in another file, such as the schema, is left to the JSON and
        // the language server: one excerpt shows one file).
        let related =
            self.diag.related.iter().filter(|r| r.file == self.diag.file).filter_map(|r| {
                Some(LabeledSpan::new_with_span(Some(escape(&r.label).into_owned()), self.place(r.span)?))
            });
        Some(Box::new(std::iter::once(label).chain(related)))
    }
}

/// What rendering needs of one file, built at its first diagnostic and shared
/// by the rest: each diagnostic used to copy and scan the whole text.
struct Prepared<'s> {
    file: &'s SourceFile,
    lines: LineIndex,
    source: FileSource,
    /// The text with a space after it, built only if a diagnostic points at the end.
    padded: Option<FileSource>,
}

impl<'s> Prepared<'s> {
    fn new(file: &'s SourceFile) -> Self {
        let name = verdict::terminal::shown_path(&file.path);
        Prepared {
            file,
            lines: LineIndex::new(&file.text),
            source: FileSource::new(name, file.text.clone()),
            padded: None,
        }
    }

    fn line_col(&self, offset: u32) -> (usize, usize) {
        self.lines.line_col(&self.file.text, offset as usize)
    }
}

/// The files of `sources`, each prepared once, looked up by path.
struct PreparedFiles<'s> {
    sources: &'s SourceMap,
    files: HashMap<&'s Path, Prepared<'s>>,
}

impl<'s> PreparedFiles<'s> {
    fn new(sources: &'s SourceMap) -> Self {
        PreparedFiles { sources, files: HashMap::new() }
    }

    fn get(&mut self, path: &Path) -> Option<&mut Prepared<'s>> {
        let file = self.sources.get(path)?;
        Some(self.files.entry(&file.path).or_insert_with(|| Prepared::new(file)))
    }

    /// 1-based line and column, as [`SourceMap::line_col`] gives them.
    fn line_col(&mut self, path: &Path, offset: u32) -> (usize, usize) {
        self.get(path).map_or((1, 1), |p| p.line_col(offset))
    }
}

/// The longest source line shown whole under a diagnostic. miette pads its
/// carets with a formatting width, which panics past 65,535; a line that long
/// (a generated policy on one line) is no help to read either, so a wider
/// line is shown clipped around the span ([`ClippedLine`]).
const WIDEST_EXCERPT_LINE: usize = 4096;

/// Whether the lines `diag` would show are short enough to show.
fn excerpt_fits(diag: &Diagnostic, source: &FileSource) -> bool {
    let spans = std::iter::once(diag.span).chain(diag.related.iter().filter(|r| r.file == diag.file).map(|r| r.span));
    spans.into_iter().all(|span| source.widest_line_near(span.start as usize, span.end as usize) <= WIDEST_EXCERPT_LINE)
}

/// One report as miette renders it, or as one line should miette fail.
fn render_one<S: miette::SourceCode>(handler: &GraphicalReportHandler, report: &Report<'_, S>) -> String {
    let mut out = String::new();
    if handler.render_report(&mut out, report).is_err() {
        out = format!("{report}\n");
    }
    out
}

/// miette's box-drawing theme with carets under the span (`^^^^`, as a
/// compiler marks it) where miette draws a line: the mark a reader looks for
/// under the source line, and one that survives a terminal without the
/// box-drawing glyphs.
fn theme(color: bool) -> GraphicalTheme {
    let mut theme = if color { GraphicalTheme::unicode() } else { GraphicalTheme::unicode_nocolor() };
    theme.characters.underline = '^';
    theme
}

/// Renders diagnostics for a terminal (plain when `color` is false, as in tests and pipes).
pub fn render_all(diags: &[Diagnostic], sources: &SourceMap, color: bool) -> String {
    let handler = GraphicalReportHandler::new_themed(theme(color)).with_width(100).with_links(false);
    let mut files = PreparedFiles::new(sources);
    let mut out = String::new();
    // Past the cap, errors before warnings: the error that fails the run is
    // drawn even behind hundreds of warnings. The order of the file is kept.
    let (mut errors_left, mut warnings_left) = (MAX_RENDERED, MAX_RENDERED.saturating_sub(count_errors(diags)));
    let drawn: Vec<&Diagnostic> = diags
        .iter()
        .filter(|d| {
            let left = if d.is_error() { &mut errors_left } else { &mut warnings_left };
            let draw = *left > 0;
            *left = left.saturating_sub(1);
            draw
        })
        .collect();
    for diag in drawn.iter().copied() {
        let (line, col) = files.line_col(&diag.file, diag.span.start);
        let location = format!("{}:{line}:{col}", verdict::terminal::shown_path(&diag.file));
        let source = files.get(&diag.file).map(|p| {
            // miette cannot point past the end; give an end-of-file caret a place to stand.
            if diag.span.start as usize >= p.file.text.len() {
                let name = verdict::terminal::shown_path(&diag.file);
                &*p.padded.get_or_insert_with(|| FileSource::new(name, Arc::from(format!("{} ", p.file.text))))
            } else {
                &p.source
            }
        });
        let rendered = match source {
            Some(source) if !excerpt_fits(diag, source) => {
                // Too wide to show whole: the part of the line around the span.
                let clip = source.clipped(diag.span.start as usize, diag.span.end as usize);
                let report = Report { diag, source: Some(&clip), location, clip: Some(&clip) };
                render_one(&handler, &report)
            }
            source => render_one(&handler, &Report { diag, source, location, clip: None }),
        };
        out.push_str(&rendered);
        out.push('\n');
    }
    let hidden = diags.len() - drawn.len();
    if hidden > 0 {
        let errors = count_errors(diags) - count_errors(drawn.iter().copied());
        out.push_str(&format!(
            "… and {hidden} more not shown ({}, {}): fix the first ones and run again \
             (`verdict check --error-format json` lists every diagnostic of a policy)\n\n",
            counted(errors, "error"),
            counted(hidden - errors, "warning"),
        ));
    }
    out
}

fn count_errors<'a>(diags: impl IntoIterator<Item = &'a Diagnostic>) -> usize {
    diags.into_iter().filter(|d| d.is_error()).count()
}

/// Diagnostics drawn in full in one run; the rest are counted. A generated
/// policy with 100,000 misspelt members wrote 43 MB of excerpts, of which a
/// reader needs the first few to see the pattern.
const MAX_RENDERED: usize = 500;

/// `--color`: when diagnostics and help are colored.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum ColorChoice {
    /// When the stream is a terminal, `NO_COLOR` is not set to something and `TERM` is not `dumb`.
    #[default]
    Auto,
    /// Always, even into a file or a pipe.
    Always,
    /// Never.
    Never,
}

/// The global options that shape what is written for people: set once,
/// right after the command line is parsed.
#[derive(Clone, Copy, Debug, Default)]
pub struct Presentation {
    /// `--color`.
    pub color: ColorChoice,
    /// `--quiet`: only errors (and breached guards) on standard error.
    pub quiet: bool,
}

static PRESENTATION: std::sync::OnceLock<Presentation> = std::sync::OnceLock::new();

/// Records the global options (the first call wins; later ones are ignored).
pub fn set_presentation(presentation: Presentation) {
    let _ = PRESENTATION.set(presentation);
}

fn presentation() -> Presentation {
    PRESENTATION.get().copied().unwrap_or_default()
}

/// True when `--quiet` was given: summaries, progress and "ok" lines are left out.
pub fn quiet() -> bool {
    presentation().quiet
}

/// Whether a stream that is (or is not) a terminal gets colors.
pub fn color_for(is_terminal: bool) -> bool {
    match presentation().color {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            is_terminal && colors_allowed(std::env::var_os("NO_COLOR").as_deref(), std::env::var_os("TERM").as_deref())
        }
    }
}

/// `NO_COLOR` set to something (an empty value does not count, as
/// no-color.org says) or a terminal that says it is `dumb` turns color off.
fn colors_allowed(no_color: Option<&std::ffi::OsStr>, term: Option<&std::ffi::OsStr>) -> bool {
    let no_color = no_color.is_some_and(|v| !v.is_empty());
    let dumb = term.is_some_and(|t| t == "dumb");
    !no_color && !dumb
}

/// `--color` as the command line gives it, read before clap parses it, for
/// the help and the command-line errors clap renders before the options are
/// set (`verdict check --help --color never`).
pub fn color_in_args(args: impl IntoIterator<Item = std::ffi::OsString>) -> ColorChoice {
    let mut args = args.into_iter().map(|a| a.to_string_lossy().into_owned());
    let mut choice = ColorChoice::Auto;
    while let Some(arg) = args.next() {
        // After `--` every argument is a file's name, whatever it looks like.
        if arg == "--" {
            break;
        }
        let value = match arg.strip_prefix("--color") {
            Some("") => args.next(),
            Some(rest) => rest.strip_prefix('=').map(str::to_owned),
            None => continue,
        };
        choice = match value.as_deref() {
            Some("always") => ColorChoice::Always,
            Some("never") => ColorChoice::Never,
            _ => ColorChoice::Auto,
        };
    }
    choice
}

/// True when stderr gets colors (`--color`, else a terminal without NO_COLOR).
pub fn stderr_color() -> bool {
    color_for(std::io::stderr().is_terminal())
}

/// An input that could not be read, for stderr: its code, its name, why, and
/// how to fix it when there is something to suggest.
pub fn read_error(name: &str, error: &verdict::snapshot::ReadError) -> String {
    let mut out = String::new();
    for problem in error.problems() {
        out.push_str(&format!("error[{}]: `{}`: {}\n", problem.code(), escape(name), escape(&problem.to_string())));
        if let Some(help) = problem.help() {
            out.push_str(&format!("  help: {}\n", escape(&help)));
        }
    }
    out
}

/// Diagnostics as JSON values (file, line, column, code, message, help), for
/// `check --error-format json`, `test --format json` and the service's refused reloads.
pub fn diagnostics_json(diags: &[Diagnostic], sources: &SourceMap) -> Vec<serde_json::Value> {
    let mut files = PreparedFiles::new(sources);
    diags
        .iter()
        .map(|d| {
            let (line, col) = files.line_col(&d.file, d.span.start);
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
                "related": d.related.iter().map(|r| {
                    let (line, col) = files.line_col(&r.file, r.span.start);
                    serde_json::json!({
                        "file": r.file.display().to_string(),
                        "line": line,
                        "column": col,
                        "span": [r.span.start, r.span.end],
                        "label": r.label,
                    })
                }).collect::<Vec<_>>(),
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use miette::NamedSource;
    use verdict::diagnostic::{codes, Span};

    #[test]
    fn the_environment_turns_colors_off_with_a_non_empty_no_color_or_a_dumb_terminal() {
        let os = |s: &'static str| Some(std::ffi::OsStr::new(s));
        assert!(colors_allowed(None, os("xterm-256color")));
        assert!(colors_allowed(os(""), None), "an empty NO_COLOR does not count");
        assert!(!colors_allowed(os("1"), os("xterm")));
        assert!(!colors_allowed(None, os("dumb")));
    }

    #[test]
    fn color_is_read_from_the_command_line_as_written() {
        let args = |line: &str| line.split(' ').map(std::ffi::OsString::from).collect::<Vec<_>>();
        assert_eq!(color_in_args(args("verdict check --help --color never")), ColorChoice::Never);
        assert_eq!(color_in_args(args("verdict --color=always check --help")), ColorChoice::Always);
        assert_eq!(color_in_args(args("verdict check --help")), ColorChoice::Auto);
        assert_eq!(color_in_args(args("verdict check --color")), ColorChoice::Auto);
        assert_eq!(color_in_args(args("verdict check --bogus -- --color=always")), ColorChoice::Auto);
    }

    /// Rendering as it was before files were prepared once: every diagnostic
    /// with a fresh copy of the whole text, read by miette's own scan.
    fn render_each_with_whole_text(diags: &[Diagnostic], sources: &SourceMap) -> String {
        let handler = GraphicalReportHandler::new_themed(theme(false)).with_width(100).with_links(false);
        let mut out = String::new();
        for diag in diags {
            let (line, col) = sources.line_col(&diag.file, diag.span.start);
            let location = format!("{}:{line}:{col}", verdict::terminal::shown_path(&diag.file));
            let source = sources.get(&diag.file).map(|f| {
                let mut text = f.text.to_string();
                if diag.span.start as usize >= text.len() {
                    text.push(' ');
                }
                NamedSource::new(verdict::terminal::shown_path(&diag.file), text)
            });
            let report = Report { diag, source: source.as_ref(), location, clip: None };
            if handler.render_report(&mut out, &report).is_err() {
                out.push_str(&format!("{report}\n"));
            }
            out.push('\n');
        }
        out
    }

    #[test]
    fn many_diagnostics_render_as_each_did_with_the_whole_text() {
        let mut text = String::from("policy \"p\" version \"1\"\r\nschema \"s.yaml\"\n");
        for i in 0..60 {
            text.push_str(&format!("let näme_{i} = score + {i}\n"));
        }
        text.push_str("rule \"r\" {\n  when x\n  then close\n}");
        let mut sources = SourceMap::default();
        sources.add(Path::new("a.policy"), Arc::from(text.as_str()));
        sources.add(Path::new("b.policy"), Arc::from("let b = 1\n"));
        let at = |file: &str, start: usize, end: usize| {
            Diagnostic::warning(codes::UNUSED_LET, Path::new(file), Span::new(start, end), "unused").with_label("here")
        };
        let mut diags = Vec::new();
        // Every line start and a span across lines, in both files, interleaved, out of order.
        for (i, _) in text.match_indices('\n').rev() {
            diags.push(at("a.policy", i + 1, i + 4));
            diags.push(at("b.policy", 4, 5).with_help("did you mean `a`?"));
        }
        diags.push(at("a.policy", 0, 0));
        diags.push(at("a.policy", 30, 90));
        // At the end of a file, running past it, and in a file that was never read.
        diags.push(at("a.policy", text.len(), text.len()));
        diags.push(at("a.policy", text.len() - 3, text.len() + 9));
        diags.push(at("b.policy", 10, 10));
        diags.push(at("unread.policy", 3, 4));
        let want = render_each_with_whole_text(&diags, &sources);
        assert!(want.contains("a.policy:64") && want.contains("unread.policy:1:1"), "{want}");
        assert_eq!(render_all(&diags, &sources, false), want);
    }

    #[test]
    fn past_the_first_five_hundred_diagnostics_are_counted_not_drawn() {
        let text: String = (0..600).map(|i| format!("let a{i} = oops\n")).collect();
        let mut sources = SourceMap::default();
        sources.add(Path::new("a.policy"), Arc::from(text.as_str()));
        let diags: Vec<Diagnostic> = text
            .match_indices("oops")
            .enumerate()
            .map(|(i, (at, _))| {
                let d = |code| Diagnostic::error(code, Path::new("a.policy"), Span::new(at, at + 4), "unknown name");
                if i % 3 == 0 {
                    d(codes::UNKNOWN_NAME)
                } else {
                    Diagnostic { severity: verdict::diagnostic::Severity::Warning, ..d(codes::UNKNOWN_NAME) }
                }
            })
            .collect();
        let shown = render_all(&diags, &sources, false);
        assert_eq!(shown.matches("╭─[a.policy:").count(), 500, "{shown}");
        // Every one of the 200 errors is drawn, and the first 300 warnings.
        assert!(shown.contains("× [E0101] unknown name\n     ╭─[a.policy:598:12]"), "{shown}");
        assert!(shown.contains("╭─[a.policy:450:12]") && !shown.contains("╭─[a.policy:452:"), "{shown}");
        assert!(shown.ends_with("… and 100 more not shown (0 errors, 100 warnings): fix the first ones and run again (`verdict check --error-format json` lists every diagnostic of a policy)\n\n"), "{shown}");
        assert!(!render_all(&diags[..500], &sources, false).contains("more not shown"));
        // 501 warnings then an error: the error is drawn, a warning is not.
        let warning = |d: &Diagnostic| Diagnostic { severity: verdict::diagnostic::Severity::Warning, ..d.clone() };
        let mut late: Vec<Diagnostic> = diags.iter().take(599).map(warning).collect();
        late.extend(diags.get(599).map(|d| Diagnostic { severity: verdict::diagnostic::Severity::Error, ..d.clone() }));
        let shown = render_all(&late, &sources, false);
        assert!(shown.contains("× [E0101] unknown name\n     ╭─[a.policy:600:"), "{shown}");
        assert!(shown.ends_with("… and 100 more not shown (0 errors, 100 warnings): fix the first ones and run again (`verdict check --error-format json` lists every diagnostic of a policy)\n\n"), "{shown}");
    }

    #[test]
    fn a_diagnostic_on_a_line_too_long_to_show_whole_shows_the_part_around_it() {
        // miette panics padding a caret past column 65,535.
        let long = format!("policy \"p\" version \"1\"\n{}oops\nlet b = 1\n", " ".repeat(70_000));
        let mut sources = SourceMap::default();
        sources.add(Path::new("a.policy"), Arc::from(long.as_str()));
        let at = |start: usize, end: usize| {
            Diagnostic::error(codes::UNKNOWN_NAME, Path::new("a.policy"), Span::new(start, end), "unknown name `oops`")
                .with_help("did you mean `ok`?")
        };
        let oops = long.find("oops").unwrap_or_default();
        let below = long.find("let b").unwrap_or_default();
        let diags = [at(oops, oops + 4), at(below, below + 3), at(0, 6)];
        let shown = render_all(&diags, &sources, false);
        let clipped = format!(" 2 │ …{}oops\n   · {}^^^^\n", " ".repeat(60), " ".repeat(61));
        assert!(shown.contains(&format!("╭─[a.policy:2:70001]\n{clipped}")), "{shown}");
        assert!(shown.contains("did you mean `ok`?"), "{shown}");
        // The lines next to it show their own line only, without it.
        assert!(shown.contains("╭─[a.policy:3:1]\n 3 │ let b = 1\n"), "{shown}");
        assert!(shown.contains("╭─[a.policy:1:1]\n 1 │ policy \"p\" version \"1\"\n"), "{shown}");
        assert!(shown.len() < 2_000, "no more of the long line than the clip: {} bytes", shown.len());
        // A line two lines from a long one is shown as ever.
        let short = format!("policy \"p\" version \"1\"\n\nlet b = oops\n{}\n", " ".repeat(70_000));
        let mut sources = SourceMap::default();
        sources.add(Path::new("b.policy"), Arc::from(short.as_str()));
        let first = Diagnostic::error(codes::UNKNOWN_NAME, Path::new("b.policy"), Span::new(0, 6), "unknown");
        assert!(render_all(&[first], &sources, false).contains("╭─[b.policy:1:1]"));
        // Beside a long line, a first line after a byte-order mark: the mark
        // is neither shown nor counted, as in JSON.
        let bom = format!("\u{feff}rule \"r\" {{ when scroe > 1 }}\n# {}\n", "x".repeat(5_000));
        let mut sources = SourceMap::default();
        sources.add(Path::new("c.policy"), Arc::from(bom.as_str()));
        let scroe = bom.find("scroe").unwrap_or_default();
        let d = Diagnostic::error(codes::UNKNOWN_NAME, Path::new("c.policy"), Span::new(scroe, scroe + 5), "unknown");
        let shown = render_all(&[d], &sources, false);
        assert!(shown.contains("╭─[c.policy:1:17]\n 1 │ rule \"r\" { when scroe > 1 }\n"), "{shown}");
        assert!(shown.contains(&format!("   · {}^^^^^\n", " ".repeat(16))), "{shown}");
    }

    #[test]
    fn json_locations_are_those_of_the_source_map() {
        let mut sources = SourceMap::default();
        sources.add(Path::new("a.policy"), Arc::from("ab\ncé d\n"));
        let diags: Vec<Diagnostic> = (0..10)
            .map(|i| Diagnostic::error(codes::UNKNOWN_NAME, Path::new("a.policy"), Span::new(i, i + 1), "unknown"))
            .collect();
        let json = diagnostics_json(&diags, &sources);
        for (d, item) in diags.iter().zip(&json) {
            let (line, col) = sources.line_col(&d.file, d.span.start);
            assert_eq!((item["line"].as_u64(), item["column"].as_u64()), (Some(line as u64), Some(col as u64)));
        }
    }
}
