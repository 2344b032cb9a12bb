//! `W0119`: characters a reader of the policy cannot see, in its texts and
//! comments (anywhere else the parser refuses them). A bidirectional
//! control makes a line display otherwise than it runs (the Trojan Source
//! trick); a NUL or a zero-width space in a reason code reaches every
//! decision that names it, unseen.

use crate::diagnostic::{codes, Diagnostic, Span};
use crate::terminal::{invisible, BIDI, LINE_SEPARATOR};
use std::path::Path;

/// One warning per line holding an invisible character, at the first of them.
pub(super) fn characters(file: &Path, source: &str) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let mut line_start = 0;
    // Lines end as the parser ends them: a lone `\r` too.
    for line in source.split_inclusive(crate::syntax::LINE_END) {
        let mut found = line.char_indices().filter_map(|(at, c)| {
            // A byte-order mark opening the file is the encoding's, not the text's.
            let bom = c == '\u{feff}' && line_start + at == 0;
            invisible(c).filter(|_| !bom).map(|what| (at, c, what))
        });
        // A bidirectional control is the one to name, wherever it stands on the line.
        let first = found.next();
        let found = match first {
            Some((.., BIDI)) => first,
            _ => found.find(|(.., what)| *what == BIDI).or(first),
        };
        if let Some((at, c, what)) = found {
            let start = line_start + at;
            let span = Span::new(start, start + c.len_utf8());
            let code_point = format!("U+{:04X}", u32::from(c));
            let mut d = Diagnostic::warning(
                codes::INVISIBLE_CHARACTER,
                file,
                span,
                format!("{code_point} ({what}) is in this line, invisible to whoever reads it"),
            );
            d.help = Some(if what == BIDI {
                "delete it: it can make the line display otherwise than it runs".into()
            } else if what == LINE_SEPARATOR {
                "delete it: an editor may break the line there, and what follows it in a comment then looks like \
                 code that runs"
                    .into()
            } else {
                "delete it: a text keeps it, and every decision naming the text carries it unseen".into()
            });
            out.push(d);
        }
        line_start += line.len();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_line_with_an_invisible_character_is_named_once() {
        let source =
            "\u{feff}policy \"p\" version \"1\"\n# ok \u{202e} here\nlet a = \"R\u{0}\u{0}\"\nlet b = \"a\tb\"\n\
             let c = \"👨\u{200d}👩\u{200d}👧 می\u{200c}خواهم \u{200f}שלום\"\n# a\u{200b}b \u{202e} c\n";
        let found = characters(Path::new("p.policy"), source);
        let shown: Vec<(usize, &str)> = found.iter().map(|d| (d.span.start as usize, d.message.as_str())).collect();
        let rlo = source.find('\u{202e}').unwrap_or_default();
        let nul = source.find('\0').unwrap_or_default();
        let second_rlo = source.rfind('\u{202e}').unwrap_or_default();
        assert_eq!(
            shown,
            [
                (rlo, "U+202E (a bidirectional control) is in this line, invisible to whoever reads it"),
                (nul, "U+0000 (a NUL) is in this line, invisible to whoever reads it"),
                (second_rlo, "U+202E (a bidirectional control) is in this line, invisible to whoever reads it"),
            ]
        );
    }

    /// Characters that show as nothing, or as a space, and one an editor
    /// breaks the line at: each is said, one warning per line.
    #[test]
    fn fillers_soft_hyphens_tags_and_line_separators_are_said() {
        for c in ['\u{00ad}', '\u{3164}', '\u{115f}', '\u{ffa0}', '\u{2062}', '\u{180e}', '\u{e0041}', '\u{2028}'] {
            let source = format!("policy \"p\"\nlet a = \"R01{c}\"\n# note{c}rule\n");
            let found = characters(Path::new("p.policy"), &source);
            assert_eq!(found.len(), 2, "U+{:04X}: {found:?}", u32::from(c));
        }
    }

    #[test]
    fn lines_ended_by_a_lone_carriage_return_are_lines_too() {
        let source = "policy \"p\"\r# a\u{202e}b\rlet a = \"L\u{200b}X\"\r\nlet b = \"\u{0}\"\r";
        let found: Vec<usize> =
            characters(Path::new("p.policy"), source).iter().map(|d| d.span.start as usize).collect();
        let at = |c: char| source.find(c).unwrap_or_default();
        assert_eq!(found, [at('\u{202e}'), at('\u{200b}'), at('\0')]);
    }
}
