//! What a formatted file keeps of how it was saved: its line ends and a
//! leading byte-order mark. A policy written on Windows (CRLF, often with a
//! BOM) comes back as it was apart from the layout, so `fmt` does not turn
//! every line of it into a change.

/// How a policy file was saved.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct Saved {
    /// It starts with a byte-order mark.
    bom: bool,
    /// Its line end: that of its first line (`\n` when it has none).
    end: &'static str,
}

impl Saved {
    /// How `text` was saved.
    pub(super) fn of(text: &str) -> Saved {
        let bom = text.starts_with('\u{feff}');
        Saved { bom, end: crate::syntax::line_end_of(text) }
    }

    /// `formatted` (which ends lines with `\n` and has no BOM) saved the same way.
    /// Every `\n` of the formatter's output is a line end: a string literal
    /// cannot hold one, and a comment ends before its line's end.
    pub(super) fn apply(self, formatted: String) -> String {
        if !self.bom && self.end == "\n" {
            return formatted;
        }
        let mut out = String::with_capacity(formatted.len() + formatted.len() / 16 + 3);
        if self.bom {
            out.push('\u{feff}');
        }
        if self.end == "\n" {
            out.push_str(&formatted);
        } else {
            out.push_str(&formatted.replace('\n', self.end));
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::Saved;

    #[test]
    fn the_first_line_end_and_a_bom_are_kept() {
        assert_eq!(Saved::of("a\r\nb\nc").apply("x\ny\n".into()), "x\r\ny\r\n");
        assert_eq!(Saved::of("a\rb").apply("x\ny\n".into()), "x\ry\r");
        assert_eq!(Saved::of("a\nb\r\n").apply("x\n".into()), "x\n");
        assert_eq!(Saved::of("\u{feff}a").apply("x\n".into()), "\u{feff}x\n");
        assert_eq!(Saved::of("\u{feff}a\r\n").apply("x\n".into()), "\u{feff}x\r\n");
        assert_eq!(Saved::of("").apply("x\n".into()), "x\n");
    }
}
