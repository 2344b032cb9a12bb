//! Parsing: policy text → AST with spans.

pub mod ast;
pub mod cells;
pub mod parser;
mod reserved;
pub mod scorecard;
pub mod table;

pub use parser::parse_policy;
pub use reserved::{is_reserved, RESERVED_WORDS};
