//! `verdict lsp` and the versions of a document's changes: the real binary
//! over stdio, as in `tests/lsp.rs`.

mod lsp_support;

use lsp_support::{open, range, Client};
use serde_json::json;

const POLICY: &str =
    "policy \"p\"\nschema \"account.schema.yaml\"\nrule \"r\" { when scroe > 1 then close notify letter \"c\" }\n";

/// A change of a version the document is past (sent late, or twice) is
/// refused with a warning, not applied to a text its ranges were not
/// written for.
#[test]
fn a_change_of_an_older_version_is_not_applied() {
    let mut client = Client::initialized("versions");
    open(&mut client, "p.policy", POLICY);
    let uri = client.uri("p.policy");
    let fix = json!({"range": range(2, 16, 21), "text": "score"});
    client
        .notify("textDocument/didChange", json!({"textDocument": {"uri": uri, "version": 3}, "contentChanges": [fix]}));
    assert_eq!(client.diagnostics(&uri), Vec::<serde_json::Value>::new());
    let stale = json!({"range": range(2, 16, 21), "text": "other"});
    client.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": uri, "version": 2}, "contentChanges": [stale]}),
    );
    let warned = client.wait_for(|m| m["method"] == "window/logMessage");
    let message = warned["params"]["message"].as_str().unwrap_or_default();
    assert!(message.contains("a change of version 2 ignored, the document being at version 3"), "{warned}");
    // The next version is applied to the text the stale change left alone:
    // had `other` replaced `score`, the policy would name an unknown field.
    let comment = json!({"range": range(0, 0, 0), "text": "# reviewed\n"});
    client.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": uri, "version": 4}, "contentChanges": [comment]}),
    );
    assert_eq!(client.diagnostics(&uri), Vec::<serde_json::Value>::new());
    client.finish();
}
