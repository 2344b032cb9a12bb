//! verdict: a rule engine for consumer-credit lifecycle decisions.

pub mod diagnostic;
pub mod schema;
pub mod syntax;
pub mod value;
pub mod yaml;
pub mod check;
pub mod ir;
pub mod snapshot;
