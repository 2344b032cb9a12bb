//! Parsing: policy text → AST with spans.

pub mod ast;
pub mod cells;
pub mod parser;
pub mod scorecard;

pub use parser::parse_policy;
