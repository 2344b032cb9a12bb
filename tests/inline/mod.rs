//! Shared by the tests that write their schema inline (case expressions,
//! tables, scorecards): a policy body loaded over that schema, and one
//! account given as JSON fields over a default account.

// Each test crate includes this module and uses only some of it.
#![allow(dead_code)]

use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use verdict::snapshot::Snapshot;
use verdict::{LoadError, LoadedPolicy};

/// A fresh folder holding `schema` as `account.schema.yaml`.
pub fn folder_with_schema(schema: &str) -> PathBuf {
    static N: AtomicUsize = AtomicUsize::new(0);
    let dir = std::env::temp_dir().join(format!(
        "verdict-inline-{}-{}",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed)
    ));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("account.schema.yaml"), schema).unwrap();
    dir
}

/// Loads `body` (a policy's declarations and rules) as a policy over `schema`.
pub fn load_over(schema: &str, body: &str) -> Result<LoadedPolicy, LoadError> {
    let text = format!("policy \"t\" version \"1\"\nschema \"account.schema.yaml\"\n{body}\n");
    verdict::load_policy_source(&folder_with_schema(schema).join("t.policy"), &text)
}

/// The snapshot of `default_account` (a JSON object) with `fields` (another)
/// written over it.
pub fn snapshot(policy: &LoadedPolicy, default_account: &str, fields: &str) -> Snapshot {
    let mut account: serde_json::Map<String, serde_json::Value> = serde_json::from_str(default_account).unwrap();
    account.extend(serde_json::from_str::<serde_json::Map<String, serde_json::Value>>(fields).unwrap());
    let line = serde_json::to_string(&account).unwrap();
    verdict::snapshot::parse_json_snapshot(&line, &policy.program.schema).expect("snapshot fits")
}
