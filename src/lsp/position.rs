//! Byte offsets (what spans hold) to LSP positions and back. LSP counts a
//! column in UTF-16 code units, so `é` is one and `𝔼` two, whatever its bytes.

use crate::diagnostic::Span;
use lsp_types::{Position, Range};

/// Where each line of one text starts, to map offsets in it both ways.
#[derive(Clone, Debug)]
pub struct LineMap {
    /// Byte offset of each line's first character; the first is 0.
    starts: Vec<usize>,
}

impl LineMap {
    /// Indexes the lines of `text`, ended by `\n`, `\r\n` or a lone `\r` (as the
    /// protocol counts them; a `\r` before `\n` belongs to no column).
    pub fn new(text: &str) -> LineMap {
        let mut starts = vec![0];
        starts.extend(crate::diagnostic::line_ends_of(text));
        LineMap { starts }
    }

    /// The position of byte `offset` of `text` (clamped to the text, and back to a character boundary).
    pub fn position(&self, text: &str, offset: usize) -> Position {
        let mut offset = offset.min(text.len());
        while !text.is_char_boundary(offset) {
            offset -= 1;
        }
        let line = self.starts.partition_point(|&start| start <= offset).saturating_sub(1);
        let start = self.starts.get(line).copied().unwrap_or(0);
        let column = text.get(start..offset).map_or(0, |s| s.encode_utf16().count());
        Position::new(to_u32(line), to_u32(column))
    }

    /// The range of `span` in `text`. An end inside a character takes the
    /// whole character (a span of its first byte would otherwise be empty).
    pub fn range(&self, text: &str, span: Span) -> Range {
        let mut end = (span.end as usize).min(text.len());
        while !text.is_char_boundary(end) {
            end += 1;
        }
        Range::new(self.position(text, span.start as usize), self.position(text, end))
    }

    /// The byte offset of `position` in `text`. A column past the end of its
    /// line means the line's end, a line past the last the text's end (as the
    /// protocol asks), and a column inside a surrogate pair the character's start.
    pub fn offset(&self, text: &str, position: Position) -> usize {
        let Some(&start) = self.starts.get(position.line as usize) else {
            return text.len();
        };
        let end = self.starts.get(position.line as usize + 1).map_or(text.len(), |next| next - 1);
        let line = text.get(start..end).unwrap_or("");
        let line = line.strip_suffix('\r').unwrap_or(line);
        let mut units = 0usize;
        for (i, c) in line.char_indices() {
            units += c.len_utf16();
            if units > position.character as usize {
                return start + i;
            }
        }
        start + line.len()
    }
}

fn to_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_are_utf16_code_units() {
        let text = "let a = \"é𝔼x\"\nrule\r\nz";
        let map = LineMap::new(text);
        let x = text.find('x').unwrap();
        // `let a = "` is 9 units, `é` one, `𝔼` two.
        assert_eq!(map.position(text, x), Position::new(0, 12));
        assert_eq!(map.offset(text, Position::new(0, 12)), x);
        let z = text.find('z').unwrap();
        assert_eq!(map.position(text, z), Position::new(2, 0));
        assert_eq!(map.offset(text, Position::new(2, 0)), z);
    }

    #[test]
    fn offsets_clamp_to_lines_and_characters() {
        let text = "ab𝔼\r\ncd";
        let map = LineMap::new(text);
        assert_eq!(map.offset(text, Position::new(0, 99)), text.find('\r').unwrap(), "past the end: before `\\r\\n`");
        assert_eq!(map.offset(text, Position::new(0, 3)), 2, "inside a surrogate pair: the character's start");
        assert_eq!(map.offset(text, Position::new(7, 0)), text.len());
        assert_eq!(map.position(text, 3), Position::new(0, 2), "inside a UTF-8 sequence: its start");
        assert_eq!(map.position(text, 999), Position::new(1, 2));
    }

    #[test]
    fn a_range_ending_inside_a_character_takes_all_of_it() {
        let text = "when score\r😀 then";
        let map = LineMap::new(text);
        let emoji = text.find('😀').unwrap();
        let range = map.range(text, Span::new(emoji, emoji + 1));
        assert_eq!((range.start, range.end), (Position::new(1, 0), Position::new(1, 2)));
    }

    #[test]
    fn a_lone_carriage_return_ends_a_line() {
        let text = "ab\rcd\r\ne";
        let map = LineMap::new(text);
        assert_eq!(map.position(text, 4), Position::new(1, 1), "`d`");
        assert_eq!(map.offset(text, Position::new(1, 1)), 4);
        assert_eq!(map.offset(text, Position::new(0, 99)), 2, "past the end of line 0: before its `\\r`");
        assert_eq!(map.position(text, 7), Position::new(2, 0), "`e`");
    }

    #[test]
    fn offsets_and_positions_round_trip() {
        let text = "a\n\nβγ\r\n𝔼𝔼 x\n";
        let map = LineMap::new(text);
        for (offset, _) in text.char_indices().filter(|&(_, c)| c != '\n' && c != '\r') {
            assert_eq!(map.offset(text, map.position(text, offset)), offset, "offset {offset}");
        }
    }
}
