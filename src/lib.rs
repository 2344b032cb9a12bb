//! verdict: a rule engine and policy language for consumer-credit lifecycle decisions.
//!
//! The pipeline, one module per stage:
//!
//! ```text
//! policy text ──syntax──▶ AST ──check (+schema)──▶ typed IR ──compile──▶ Program
//! AST ──format──▶ policy text in the canonical layout (`verdict fmt`)
//! snapshots ──snapshot──▶ slot records ──eval(Program)──▶ Decisions ──output──▶ JSON/YAML/CSV/table
//! ```
//!
//! ```
//! use verdict::{load_policy, evaluate, EvalOptions};
//! use verdict::snapshot::{parse_json_snapshot};
//!
//! let policy = load_policy("policies/lifecycle.policy".as_ref()).expect("the example policy compiles");
//! let program = &policy.program;
//! let line = r#"{"id":"A-1","as_of":"2026-11-01","status":"active","credit_limit":"10000","balance":"2500",
//!   "score":700,"opened_on":"2024-01-15","identity":{"verified":true,"mismatch_fields":[]},
//!   "tags":[],"score_history":[],"overdues":[],"applications":[]}"#;
//! let snapshot = parse_json_snapshot(line, &program.schema).expect("the snapshot fits the schema");
//! let decision = evaluate(program, &snapshot, EvalOptions::default()).expect("no evaluation error");
//! println!("{} → {}", decision.id, decision.outcome.name());
//! ```

// Library code never panics on input: failures are diagnostics or error
// records. Indexing that an invariant makes safe is allowed case by case with
// `#[expect(clippy::indexing_slicing, reason = ...)]` naming the invariant.
#![warn(missing_docs)]
#![cfg_attr(not(test), deny(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing))]

// The stages inside the pipeline (the AST, the checker, the typed IR and the
// compiler) are public for the crate's own tests, benchmarks and fuzzers but
// hidden from the documentation: they change with the language and are not
// promised to library users, who load policies (`load_policy`), read
// snapshots (`snapshot`), decide (`evaluate`, `stream`) and write decisions
// (`output`).
pub mod builtins;
pub mod caught;
#[doc(hidden)]
pub mod cells;
#[doc(hidden)]
pub mod check;
pub mod columns;
#[doc(hidden)]
pub mod compile;
pub mod decision;
pub mod diagnostic;
pub mod diff;
pub mod eval;
pub mod explain;
pub mod format;
#[doc(hidden)]
pub mod fuzzing;
pub mod hooks;
pub mod import;
#[doc(hidden)]
pub mod ir;
pub mod load;
/// The language server (`verdict lsp`); part of the command line's feature.
#[cfg(feature = "cli")]
pub mod lsp;
pub mod markup;
pub mod outfile;
pub mod output;
pub mod schema;
pub mod snapshot;
pub mod stability;
pub mod stream;
#[doc(hidden)]
pub mod syntax;
pub mod synth;
pub mod terminal;
pub mod testing;
pub mod value;
pub mod walk;
pub mod yaml;

pub use compile::Program;
pub use eval::{evaluate, Decision, ErrorRecord, EvalOptions, Outputs};
pub use ir::{Channel, Outcome};
pub use load::{load_policy, load_policy_source, LoadError, LoadedPolicy};

/// The README's code blocks, compiled and run as doctests so that its library
/// example stays true.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;
