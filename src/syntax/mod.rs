//! Parsing: policy text → AST with spans.

pub mod ast;
pub mod parser;

pub use parser::parse_policy;
