//! Parsing: policy text → AST with spans.

pub mod ast;
pub mod parser;
mod reserved;

pub use parser::parse_policy;
pub use reserved::{is_reserved, RESERVED_WORDS};
