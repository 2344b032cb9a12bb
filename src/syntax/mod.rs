//! Parsing: policy text → AST with spans.

pub mod ast;
pub mod cells;
pub mod parser;
mod reserved;
pub mod scorecard;
pub mod table;

pub use parser::parse_policy;
pub use reserved::{is_reserved, RESERVED_WORDS};

/// Where a line, and so a comment, ends: `\n`, or a lone `\r` (old Mac
/// line ends), as in the grammar's `COMMENT`. The formatter's comment scans
/// and the parser's span trimming end a comment at the same places.
pub const LINE_END: [char; 2] = ['\n', '\r'];
