//! `verdict lsp` through its protocol: a test client starts the real binary
//! and speaks JSON-RPC over its standard input and output.

mod lsp_support;

use lsp_support::{codes, hover_text, labels, open, range, workspace, Client, SCHEMA};
use serde_json::{json, Value};
use std::io::Write;
use std::path::Path;
use std::process::Command;
use std::time::Duration;

/// Line 7 (0-based) has `scroe` after a rule name with a character outside
/// the BMP: 19 UTF-16 units in, where a count of characters says 18 and of bytes 22.
const BROKEN: &str = r#"policy "p"
schema "account.schema.yaml"
hook risk(score: int) -> int from "risk.rhai"
batch watch from "watch.txt"

let late = count(overdues where days > 30)

rule "𝔼-é" { when scroe < 500 then close }

rule "r1" {
  when late > 2 and status == "active" and id in watch and risk(score) > 100
  then close notify sms "x"
}
"#;

#[test]
fn a_session_from_a_broken_policy_to_a_clean_one() {
    let dir = workspace("session");
    let mut client = Client::start(&dir);
    let init = client.initialize();
    assert_eq!(init["capabilities"]["hoverProvider"], true);
    assert_eq!(init["capabilities"]["textDocumentSync"]["change"], 2, "incremental changes");
    let registration = client.wait_for(|m| m["method"] == "client/registerCapability");
    assert_eq!(registration["params"]["registrations"][0]["method"], "workspace/didChangeWatchedFiles");
    let id = registration["id"].clone();
    client.send(&json!({"jsonrpc": "2.0", "id": id, "result": null}));

    let uri = client.uri("p.policy");
    open(&mut client, "p.policy", BROKEN);
    let diagnostics = client.diagnostics(&uri);
    assert_eq!(codes(&diagnostics), ["E0101"], "{diagnostics:?}");
    let unknown = &diagnostics[0];
    assert_eq!(unknown["range"], range(7, 19, 24), "UTF-16 columns: {unknown}");
    assert_eq!(unknown["severity"], 1);
    assert_eq!(unknown["source"], "verdict");
    assert!(unknown["message"].as_str().unwrap().contains("help: did you mean `score`?"), "{unknown}");

    // Hover over a field, through a nested list, while the policy still has an error.
    let hover = client.request("textDocument/hover", client.at("p.policy", 10, 66));
    let text = hover["contents"]["value"].as_str().unwrap();
    assert!(text.contains("score: int") && text.contains("current credit score"), "{text}");
    let hover = client.request("textDocument/hover", client.at("p.policy", 5, 33));
    let text = hover["contents"]["value"].as_str().unwrap();
    assert!(text.contains("overdues.days: int"), "an element field in `where`: {text}");
    let hover = client.request("textDocument/hover", client.at("p.policy", 10, 22));
    let text = hover["contents"]["value"].as_str().unwrap();
    assert!(
        text.contains("status: enum(active, frozen, closed)") && text.contains("what the account may still do"),
        "{text}"
    );

    // Definition of a field: the schema file, at the field's line.
    let definition = client.request("textDocument/definition", client.at("p.policy", 10, 65));
    assert_eq!(definition["uri"], client.uri("account.schema.yaml"));
    assert_eq!(definition["range"]["start"]["line"], 6, "{definition}");
    // Of a let: its declaration; of a hook: its function in the script; of a batch: its file.
    let definition = client.request("textDocument/definition", client.at("p.policy", 10, 8));
    assert_eq!(definition["range"], range(5, 4, 8));
    let definition = client.request("textDocument/definition", client.at("p.policy", 10, 61));
    assert_eq!(
        (definition["uri"].clone(), definition["range"].clone()),
        (json!(client.uri("risk.rhai")), range(1, 3, 7))
    );
    let definition = client.request("textDocument/definition", client.at("p.policy", 10, 51));
    assert_eq!(definition["uri"], client.uri("watch.txt"));

    // References of `late`, with and without its declaration.
    let mut params = client.at("p.policy", 5, 5);
    params["context"] = json!({"includeDeclaration": true});
    let references = client.request("textDocument/references", params.clone());
    let ranges: Vec<&Value> = references.as_array().unwrap().iter().map(|l| &l["range"]).collect();
    assert_eq!(ranges, [&range(5, 4, 8), &range(10, 7, 11)]);
    params["context"] = json!({"includeDeclaration": false});
    assert_eq!(client.request("textDocument/references", params).as_array().unwrap().len(), 1);
    // Of a field: its line in the schema is its declaration.
    let mut params = client.at("p.policy", 10, 22);
    params["context"] = json!({"includeDeclaration": true});
    let references = client.request("textDocument/references", params.clone());
    let places: Vec<(&Value, &Value)> =
        references.as_array().unwrap().iter().map(|l| (&l["uri"], &l["range"])).collect();
    let schema_uri = json!(client.uri("account.schema.yaml"));
    let uri_value = json!(client.uri("p.policy"));
    assert_eq!(places, [(&schema_uri, &range(5, 2, 38)), (&uri_value, &range(10, 20, 26))]);
    params["context"] = json!({"includeDeclaration": false});
    assert_eq!(client.request("textDocument/references", params).as_array().unwrap().len(), 1);

    // The outline.
    let symbols = client.request("textDocument/documentSymbol", json!({"textDocument": {"uri": uri}}));
    let names: Vec<&str> = symbols.as_array().unwrap().iter().map(|s| s["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["risk", "watch", "late", "𝔼-é", "r1"]);

    // Formatting: one whole-document edit in the `verdict fmt` layout.
    let edits = client.request(
        "textDocument/formatting",
        json!({"textDocument": {"uri": uri}, "options": {"tabSize": 2, "insertSpaces": true}}),
    );
    let formatted = edits[0]["newText"].as_str().unwrap();
    assert_eq!(formatted, verdict::format::format_source(Path::new("p.policy"), BROKEN).unwrap());
    assert_eq!(edits[0]["range"]["start"], json!({"line": 0, "character": 0}));

    // Fix the typo with an incremental change: the error goes, and the
    // reviewer's warnings (which wait for a policy without errors) come.
    let change = json!({"range": range(7, 19, 24), "text": "score"});
    client.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": uri, "version": 2}, "contentChanges": [change]}),
    );
    let published =
        client.wait_for(|m| m["method"] == "textDocument/publishDiagnostics" && m["params"]["uri"] == uri.as_str());
    assert_eq!(published["params"]["version"], 2, "the version the diagnostics are of: {published}");
    let diagnostics = published["params"]["diagnostics"].as_array().unwrap().clone();
    assert_eq!(codes(&diagnostics), ["W0112"], "{diagnostics:?}");
    assert_eq!((diagnostics[0]["severity"].clone(), diagnostics[0]["range"].clone()), (json!(2), range(7, 36, 41)));
    // Then the warning's fix: nothing is left.
    let change = json!({"range": range(7, 41, 41), "text": " notify letter \"closure\""});
    client.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": uri, "version": 3}, "contentChanges": [change]}),
    );
    assert_eq!(client.diagnostics(&uri), Vec::<Value>::new());

    // Hover now knows every let's type, the hook's signature and the batch's size.
    let hover = client.request("textDocument/hover", client.at("p.policy", 10, 8));
    assert!(hover["contents"]["value"].as_str().unwrap().contains("let late: int"), "{hover}");
    let hover = client.request("textDocument/hover", client.at("p.policy", 10, 61));
    assert!(hover["contents"]["value"].as_str().unwrap().contains("hook risk(score: int) -> int"), "{hover}");
    let hover = client.request("textDocument/hover", client.at("p.policy", 10, 51));
    assert!(hover["contents"]["value"].as_str().unwrap().contains("3 ids"), "{hover}");
    let hover = client.request("textDocument/hover", client.at("p.policy", 5, 13));
    assert!(hover["contents"]["value"].as_str().unwrap().contains("count(list where cond within D) -> int"), "{hover}");

    // The schema changes on disk: `score` is renamed, and the policy is checked again.
    std::fs::write(dir.join("account.schema.yaml"), SCHEMA.replace("  score: int", "  credit_score: int")).unwrap();
    let change = json!({"uri": client.uri("account.schema.yaml"), "type": 2});
    client.notify("workspace/didChangeWatchedFiles", json!({"changes": [change]}));
    let diagnostics = client.diagnostics(&uri);
    assert!(!diagnostics.is_empty() && codes(&diagnostics).iter().all(|c| *c == "E0101"), "{diagnostics:?}");

    // A syntax error in one rule does not hide the type errors of the others.
    let change = json!({"range": range(7, 19, 30), "text": "score <"});
    client.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": uri, "version": 4}, "contentChanges": [change]}),
    );
    let diagnostics = client.diagnostics(&uri);
    assert_eq!(codes(&diagnostics), ["P001", "E0101"], "{diagnostics:?}");
    assert_eq!(diagnostics[1]["range"], range(10, 64, 69), "`score` in r1: {diagnostics:?}");

    client.finish();
}

#[test]
fn completion_offers_fields_members_and_channels() {
    let mut client = Client::initialized("completion");
    let text = "policy \"p\"\nschema \"account.schema.yaml\"\nlet late = 1\nrule \"r\" {\n  when status == \n  then notify \n}\nrule \"s\" { when identity. }\n";
    open(&mut client, "c.policy", text);
    let _ = client.diagnostics(&client.uri("c.policy"));

    // In a condition: names, functions and the words of an expression, no
    // item, action or header keyword.
    let all = labels(&client.request("textDocument/completion", client.at("c.policy", 4, 7)));
    for wanted in ["score", "identity.verified", "overdues", "late", "count", "months_between", "and", "none", "not"] {
        assert!(all.iter().any(|l| l == wanted), "{wanted} in {all:?}");
    }
    for unwanted in ["rule", "policy", "reinstate", "scorecard", "first", "approve"] {
        assert!(!all.iter().any(|l| l == unwanted), "{unwanted} in {all:?}");
    }
    // In a let's value, the same, and the words of a table or a scorecard.
    let all = labels(&client.request("textDocument/completion", client.at("c.policy", 2, 11)));
    for wanted in ["score", "count", "case", "table", "scorecard", "first"] {
        assert!(all.iter().any(|l| l == wanted), "{wanted} in {all:?}");
    }
    for unwanted in ["rule", "policy", "reinstate", "approve", "notify"] {
        assert!(!all.iter().any(|l| l == unwanted), "{unwanted} in {all:?}");
    }
    // Elsewhere, every word.
    let all = labels(&client.request("textDocument/completion", client.at("c.policy", 8, 0)));
    for wanted in ["rule", "when", "scorecard", "first", "reinstate", "score"] {
        assert!(all.iter().any(|l| l == wanted), "{wanted} in {all:?}");
    }
    let members = client.request("textDocument/completion", client.at("c.policy", 4, 17));
    assert_eq!(labels(&members), ["\"active\"", "\"frozen\"", "\"closed\""]);
    assert_eq!(members[0]["textEdit"]["range"], range(4, 17, 17));
    let channels = labels(&client.request("textDocument/completion", client.at("c.policy", 5, 14)));
    assert_eq!(channels, ["sms", "push", "email", "call", "letter"]);
    let nested = labels(&client.request("textDocument/completion", client.at("c.policy", 7, 25)));
    assert_eq!(nested, ["verified"]);
    // Lines ended by a lone CR: a comment on an earlier line is not on this one.
    let lone_cr = "policy \"p\"\rschema \"account.schema.yaml\"\r# a note\rrule \"s\" { when identity. }\r";
    open(&mut client, "cr.policy", lone_cr);
    let nested = labels(&client.request("textDocument/completion", client.at("cr.policy", 3, 25)));
    assert_eq!(nested, ["verified"]);

    // Inside an auto-closed string after `in [`: the edit replaces both quotes.
    let change = json!({"range": range(4, 17, 17), "text": "or status in [\"\"]"});
    client.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": client.uri("c.policy"), "version": 2}, "contentChanges": [change]}),
    );
    let members = client.request("textDocument/completion", client.at("c.policy", 4, 32));
    assert_eq!(labels(&members).len(), 3);
    assert_eq!(members[1]["textEdit"], json!({"range": range(4, 31, 33), "newText": "\"frozen\""}));
    // With the cursor just after the opening quote of a member half typed,
    // the whole member is replaced, not the quote alone.
    let change = json!({"range": range(4, 32, 32), "text": "froz"});
    client.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": client.uri("c.policy"), "version": 3}, "contentChanges": [change]}),
    );
    let members = client.request("textDocument/completion", client.at("c.policy", 4, 32));
    assert_eq!(members[1]["textEdit"], json!({"range": range(4, 31, 37), "newText": "\"frozen\""}));
    // A member the list already holds is not offered again.
    let listing = "policy \"p\"\nschema \"account.schema.yaml\"\nrule \"l\" { when status in [\"active\", \n";
    open(&mut client, "l.policy", listing);
    let members = client.request("textDocument/completion", client.at("l.policy", 2, 37));
    assert_eq!(labels(&members), ["\"frozen\"", "\"closed\""]);

    // Nothing inside a comment or inside a text that is not an enum's member.
    let lines = "# a comment sta\nrule \"z\" { when true then tag \"abc \\\"d \n";
    let end = json!({"range": range(8, 0, 0), "text": lines});
    client.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": client.uri("c.policy"), "version": 4}, "contentChanges": [end]}),
    );
    for (line, character) in [(8, 15), (8, 3), (9, 41)] {
        let offered = client.request("textDocument/completion", client.at("c.policy", line, character));
        assert_eq!(offered, json!([]), "at {line}:{character}");
    }
    let after_the_text = labels(&client.request("textDocument/completion", client.at("c.policy", 9, 20)));
    assert!(after_the_text.iter().any(|l| l == "when"), "{after_the_text:?}");

    // Inside `where`, the element's fields come first, by their own names.
    let line = "rule \"w\" { when count(overdues where days > 3 and du\n";
    let end = json!({"range": range(10, 0, 0), "text": line});
    client.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": client.uri("c.policy"), "version": 5}, "contentChanges": [end]}),
    );
    let offered = client.request("textDocument/completion", client.at("c.policy", 10, 52));
    let names = labels(&offered);
    assert_eq!(names.get(..2), Some(&["due_on".to_string(), "days".to_string()][..]), "{names:?}");
    assert_eq!(offered[0]["textEdit"]["range"], range(10, 50, 52));

    // Inside a word, the whole word is replaced: `identity.ver|ified`.
    let line = "rule \"m\" { when identity.verified then close }\n";
    let end = json!({"range": range(11, 0, 0), "text": line});
    client.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": client.uri("c.policy"), "version": 6}, "contentChanges": [end]}),
    );
    let offered = client.request("textDocument/completion", client.at("c.policy", 11, 28));
    assert_eq!(labels(&offered), ["verified"]);
    assert_eq!(offered[0]["textEdit"], json!({"range": range(11, 25, 33), "newText": "verified"}));
    // So is a plain name's: `sco|re` and accepting `score` gives `score`,
    // not `scorere` (every offered item carries the edit, keywords too).
    let line = "rule \"n\" { when score > 1 then close }\n";
    let end = json!({"range": range(12, 0, 0), "text": line});
    client.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": client.uri("c.policy"), "version": 7}, "contentChanges": [end]}),
    );
    let offered = client.request("textDocument/completion", client.at("c.policy", 12, 19));
    let offered = offered.as_array().expect("a list of items");
    let score = offered.iter().find(|i| i["label"] == "score").expect("score offered");
    assert_eq!(score["textEdit"], json!({"range": range(12, 16, 21), "newText": "score"}));
    for item in offered {
        assert_eq!(item["textEdit"]["range"], range(12, 16, 21), "{item}");
    }

    // A policy that does not parse is not formatted.
    let refused = client.request_full(
        "textDocument/formatting",
        json!({"textDocument": {"uri": client.uri("c.policy")}, "options": {"tabSize": 2, "insertSpaces": true}}),
    );
    assert_eq!(refused["error"]["code"], -32803, "{refused}");
    client.notify("exit", Value::Null);
    assert_eq!(client.exit_code(), 1, "exit without shutdown");
}

#[test]
fn garbage_never_stops_the_server() {
    let dir = workspace("garbage");
    let mut client = Client::start(&dir);
    let early = client.request_full("textDocument/hover", client.at("x.policy", 0, 0));
    assert_eq!(early["error"]["code"], -32002, "before initialize: {early}");
    client.initialize();
    // The protocol allows one `initialize`: a second is refused, not answered
    // as if the session were starting again.
    let again = client.request_full("initialize", json!({"processId": null, "capabilities": {}}));
    assert_eq!(again["error"]["code"], -32600, "a second initialize: {again}");
    client.send_raw(b"{this is not json");
    let reply = client.wait_for(|m| m.get("error").is_some());
    assert_eq!((reply["id"].clone(), reply["error"]["code"].clone()), (Value::Null, json!(-32700)));
    client.send_raw(b"[1, 2, 3]");
    // Frames whose length cannot be read: the body is skipped up to the next
    // frame, which is answered (these once made the server deaf for good).
    for frame in [
        &b"Content-Length: abc\r\n\r\n{\"jsonrpc\":\"2.0\",\"method\":\"x\"}"[..],
        &b"Content-Type: application/vscode-jsonrpc; charset=utf-8\r\n\r\n{\"jsonrpc\":\"2.0\",\"method\":\"x\"}"[..],
    ] {
        client.stdin.write_all(frame).unwrap();
        client.send_raw(br#"{"jsonrpc": "2.0", "id": 77, "method": 3}"#);
        let reply = client.wait_for(|m| m["id"] == 77);
        assert_eq!(reply["error"]["code"], -32600, "an invalid request, answered by its id: {reply}");
    }
    client.send_raw(br#"{"jsonrpc": "2.0", "id": 99, "method": "textDocument/hover", "params": {"nonsense": true}}"#);
    let reply = client.wait_for(|m| m["id"] == 99);
    assert_eq!(reply["error"]["code"], -32602, "{reply}");
    // An id with neither a method, a result nor an error is answered, not dropped.
    client.send_raw(br#"{"jsonrpc": "2.0", "id": 78}"#);
    let reply = client.wait_for(|m| m["id"] == 78);
    assert_eq!(reply["error"]["code"], -32600, "{reply}");
    let unknown = client.request_full("workspace/nothingLikeThis", json!({}));
    assert_eq!(unknown["error"]["code"], -32601);
    client.notify("textDocument/didOpen", json!({"textDocument": 5}));
    client.notify("textDocument/didChange", json!({"textDocument": {"uri": client.uri("never-opened.policy"), "version": 1}, "contentChanges": [{"text": ""}]}));
    // A change that reaches past the end of the text is clamped to it.
    open(&mut client, "g.policy", "policy \"g\"\n");
    let far =
        json!({"range": {"start": {"line": 40, "character": 9}, "end": {"line": 2, "character": 0}}, "text": "é"});
    client.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": client.uri("g.policy"), "version": 2}, "contentChanges": [far]}),
    );
    // Still answering.
    let symbols =
        client.request("textDocument/documentSymbol", json!({"textDocument": {"uri": client.uri("g.policy")}}));
    assert!(symbols.is_array() || symbols.is_null());
    client.request("shutdown", Value::Null);
    let after = client.request_full("textDocument/hover", client.at("g.policy", 0, 0));
    assert_eq!(after["error"]["code"], -32600, "after shutdown: {after}");
    client.notify("exit", Value::Null);
    assert_eq!(client.exit_code(), 0);
}

#[test]
fn diagnostics_of_named_files_are_published_there_and_cleared() {
    let dir = workspace("named-files");
    std::fs::write(dir.join("watch.txt"), "A-1\nA-1\n").unwrap();
    let mut client = Client::start(&dir);
    client.initialize();
    let policy = "policy \"q\"\nschema \"account.schema.yaml\"\nbatch watch from \"watch.txt\"\n\
                  rule \"r\" { when id in watch then review \"desk\" }\n";
    open(&mut client, "q.policy", policy);
    let batch_uri = client.uri("watch.txt");
    let diagnostics = client.diagnostics(&batch_uri);
    assert_eq!(codes(&diagnostics), ["W0113"], "{diagnostics:?}");
    assert_eq!(diagnostics[0]["range"], range(1, 0, 3));
    let related = &diagnostics[0]["relatedInformation"][0];
    assert_eq!(
        (related["message"].clone(), related["location"]["uri"].clone()),
        (json!("listed again here"), json!(batch_uri))
    );
    let first = &diagnostics[0]["relatedInformation"][1];
    assert_eq!(
        (first["message"].clone(), first["location"]["uri"].clone(), first["location"]["range"].clone()),
        (json!("first listed here"), json!(batch_uri), range(0, 0, 3))
    );

    std::fs::write(dir.join("watch.txt"), "A-1\nA-2\n").unwrap();
    client.notify("workspace/didChangeWatchedFiles", json!({"changes": [{"uri": batch_uri, "type": 2}]}));
    assert_eq!(client.diagnostics(&batch_uri), Vec::<Value>::new());
    // A saved policy is checked again too.
    client.notify("textDocument/didSave", json!({"textDocument": {"uri": client.uri("q.policy")}}));
    assert_eq!(client.diagnostics(&client.uri("q.policy")), Vec::<Value>::new());
    client.finish();
}

/// A unique table whose rows 2 and 3 overlap (score 650 to 700), a table
/// with named outputs, a scorecard and a split, all used by one rule.
const DECISION_LOGIC: &str = r#"policy "t"
schema "account.schema.yaml"
let factor = table (score, status) -> decimal {
  < 600      | _ => 0.5
  [600, 700] | _ => 1.0
  >= 650     | _ => 1.2
}
let plan = table (score) -> (stage: string, template: string) first {
  < 500 => "call", "overdue-call"
  else  => "none", "none"
}
let app_score = scorecard base 600 {
  score "S01" "Score too low | thin file" {
    < 600  => -20
    >= 600 => 15
  }
  status "T01" {
    "active" => 10
    else     => -5
  }
}
split exp by id {
  control   90%
  treatment 10%
}
rule "r" {
  when factor < 1 and plan.stage != "none" and exp == "treatment"
  then escalate to plan.stage reasons from app_score
}
"#;

#[test]
fn tables_scorecards_and_splits_have_shapes_places_and_names() {
    let mut client = Client::initialized("decision-logic");
    let uri = client.uri("t.policy");
    open(&mut client, "t.policy", DECISION_LOGIC);

    // The overlap is reported at the later row, with both rows as related places.
    let diagnostics = client.diagnostics(&uri);
    assert_eq!(codes(&diagnostics), ["E0606"], "{diagnostics:?}");
    assert_eq!(diagnostics[0]["range"], range(5, 2, 23));
    let related: Vec<(Value, Value, Value)> = diagnostics[0]["relatedInformation"]
        .as_array()
        .expect("related information")
        .iter()
        .map(|r| (r["location"]["uri"].clone(), r["location"]["range"].clone(), r["message"].clone()))
        .collect();
    assert_eq!(
        related,
        [(json!(uri), range(5, 2, 23), json!("row 3")), (json!(uri), range(4, 2, 23), json!("row 2 matches it too"))]
    );

    // A table's shape, at its declaration and at a use, while the policy has the error.
    for (line, character) in [(2, 6), (26, 9)] {
        let text = hover_text(&mut client, "t.policy", line, character);
        for wanted in [
            "let factor = table (score, status) -> decimal\n",
            "hit policy: unique",
            "- `score`: int",
            "- `status`: enum(active, frozen, closed)",
            "outputs:\n- decimal",
            "3 rows, no `else` row",
        ] {
            assert!(text.contains(wanted), "{wanted:?} in the hover at {line}:{character}:\n{text}");
        }
    }

    // Fixed: row 3 starts above row 2's end.
    let change = json!({"range": range(5, 2, 23), "text": "> 700      | _ => 1.2"});
    client.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": uri, "version": 2}, "contentChanges": [change]}),
    );
    assert_eq!(client.diagnostics(&uri), Vec::<Value>::new());

    let text = hover_text(&mut client, "t.policy", 26, 23);
    for wanted in [
        "let plan = table (score) -> (stage: string, template: string) first\n",
        "hit policy: first",
        "- `plan.stage`: string",
        "- `plan.template`: string",
        "2 rows, the last an `else` row",
    ] {
        assert!(text.contains(wanted), "{wanted:?} in the hover of `plan`:\n{text}");
    }
    let text = hover_text(&mut client, "t.policy", 26, 29);
    assert!(text.contains("plan.stage: string") && text.contains("output of the decision table `plan`"), "{text}");
    let text = hover_text(&mut client, "t.policy", 27, 45);
    for wanted in [
        "scorecard base 600",
        "score: int, from 575 to 625",
        r"| `score`: int | `S01` Score too low \| thin file | 2 |",
        "| `status`: enum(active, frozen, closed) | `T01` | 2 |",
    ] {
        assert!(text.contains(wanted), "{wanted:?} in the hover of `app_score`:\n{text}");
    }
    let text = hover_text(&mut client, "t.policy", 26, 48);
    for wanted in ["split exp: enum(control, treatment)", "by `id`", "- `control`: 90%", "- `treatment`: 10%"] {
        assert!(text.contains(wanted), "{wanted:?} in the hover of `exp`:\n{text}");
    }

    // Definitions: the scorecard from `reasons from`, the split, a table's output in its header.
    let definition = client.request("textDocument/definition", client.at("t.policy", 27, 45));
    assert_eq!(definition["range"], range(11, 4, 13));
    let definition = client.request("textDocument/definition", client.at("t.policy", 26, 48));
    assert_eq!(definition["range"], range(21, 6, 9));
    let definition = client.request("textDocument/definition", client.at("t.policy", 27, 25));
    assert_eq!(definition["range"], range(7, 29, 34));
    // References of the output and of the scorecard.
    let mut params = client.at("t.policy", 7, 30);
    params["context"] = json!({"includeDeclaration": true});
    let references = client.request("textDocument/references", params);
    let ranges: Vec<&Value> = references.as_array().unwrap().iter().map(|l| &l["range"]).collect();
    assert_eq!(ranges, [&range(7, 29, 34), &range(26, 27, 32), &range(27, 24, 29)]);
    let mut params = client.at("t.policy", 11, 5);
    params["context"] = json!({"includeDeclaration": false});
    let references = client.request("textDocument/references", params);
    assert_eq!(references.as_array().unwrap().iter().map(|l| &l["range"]).collect::<Vec<_>>(), [&range(27, 43, 52)]);

    // The outline.
    let symbols = client.request("textDocument/documentSymbol", json!({"textDocument": {"uri": uri}}));
    let outline: Vec<(&str, &str)> = symbols
        .as_array()
        .unwrap()
        .iter()
        .map(|s| (s["name"].as_str().unwrap(), s["detail"].as_str().unwrap()))
        .collect();
    assert_eq!(
        outline,
        [
            ("factor", "table"),
            ("plan", "table"),
            ("app_score", "scorecard, 2 characteristics"),
            ("exp", "split: control | treatment"),
            ("r", "rule")
        ]
    );

    // Completion: a table's outputs after `plan.`, a split's arms after `exp ==`, and every name.
    let change = json!({"range": range(28, 1, 1), "text": "\nrule \"s\" { when plan. }\nrule \"u\" { when exp == }"});
    client.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": uri, "version": 3}, "contentChanges": [change]}),
    );
    let _ = client.diagnostics(&uri);
    let outputs = labels(&client.request("textDocument/completion", client.at("t.policy", 29, 21)));
    assert_eq!(outputs, ["stage", "template"]);
    let arms = labels(&client.request("textDocument/completion", client.at("t.policy", 30, 23)));
    assert_eq!(arms, ["\"control\"", "\"treatment\""]);
    let all = labels(&client.request("textDocument/completion", client.at("t.policy", 26, 7)));
    for wanted in ["factor", "plan", "app_score", "exp"] {
        assert!(all.iter().any(|l| l == wanted), "{wanted} in {all:?}");
    }
    // The same, in a document that has never parsed: opened half-typed.
    let broken = format!("{DECISION_LOGIC}rule \"s\" {{ when plan. }}\nrule \"u\" {{ when exp == }}\n");
    open(&mut client, "opened-broken.policy", &broken);
    let _ = client.diagnostics(&client.uri("opened-broken.policy"));
    let outputs = labels(&client.request("textDocument/completion", client.at("opened-broken.policy", 29, 21)));
    assert_eq!(outputs, ["stage", "template"]);
    let arms = labels(&client.request("textDocument/completion", client.at("opened-broken.policy", 30, 23)));
    assert_eq!(arms, ["\"control\"", "\"treatment\""]);
    client.finish();
}

#[test]
fn names_defined_twice_point_at_their_first_definition() {
    let mut client = Client::initialized("defined-twice");
    let uri = client.uri("d.policy");
    let text = "policy \"d\"\nschema \"account.schema.yaml\"\nlet low = score < 500\nlet low = score < 400\n\
                let status = 1\nrule \"r\" { when low then review \"desk\" }\nrule \"r\" { when low then tag \"x\" }\n";
    open(&mut client, "d.policy", text);
    let diagnostics = client.diagnostics(&uri);
    assert_eq!(codes(&diagnostics), ["E0403", "E0403", "E0402"], "{diagnostics:?}");
    let places = |d: &Value| -> Vec<(String, Value, String)> {
        d["relatedInformation"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| {
                let file = r["location"]["uri"].as_str().unwrap().rsplit('/').next().unwrap().to_string();
                (file, r["location"]["range"].clone(), r["message"].as_str().unwrap().to_string())
            })
            .collect()
    };
    let first = |line: u32, from: u32, to: u32| {
        ("d.policy".to_string(), range(line, from, to), "first defined here".to_string())
    };
    let again = |line: u32, from: u32, to: u32| {
        ("d.policy".to_string(), range(line, from, to), "defined again here".to_string())
    };
    assert_eq!(places(&diagnostics[0]), [again(3, 4, 7), first(2, 4, 7)]);
    // A let named like a field points into the schema, at the field's type.
    assert_eq!(
        places(&diagnostics[1]),
        [("account.schema.yaml".to_string(), range(5, 10, 38), "the schema field".to_string())]
    );
    assert_eq!(places(&diagnostics[2]), [again(6, 5, 8), first(5, 5, 8)]);
    client.finish();
}

#[test]
fn the_outline_nests_a_groups_rules() {
    let mut client = Client::initialized("outline");
    let uri = client.uri("o.policy");
    let text = "policy \"o\"\nschema \"account.schema.yaml\"\ngroup \"collections\" first {\n  \
                rule \"a\" { when score < 400 then review \"desk\" }\n  rule \"b\" priority 5 { when score < 300 then tag \"x\" }\n}\n\
                guard freeze at most 5%\n";
    open(&mut client, "o.policy", text);
    let _ = client.diagnostics(&uri);
    let symbols = client.request("textDocument/documentSymbol", json!({"textDocument": {"uri": uri}}));
    let group = &symbols[0];
    assert_eq!((group["name"].clone(), group["detail"].clone()), (json!("collections"), json!("group, first match")));
    let rules: Vec<(&str, &str)> = group["children"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| (s["name"].as_str().unwrap(), s["detail"].as_str().unwrap()))
        .collect();
    assert_eq!(rules, [("a", "rule"), ("b", "rule, priority 5")]);
    assert_eq!(group["selectionRange"], range(2, 6, 19));
    assert_eq!(symbols[1]["name"], "guard freeze");
    // A blank name is shown quoted: the protocol forbids empty or blank names.
    let blank = "policy \"o\"\nschema \"account.schema.yaml\"\nrule \"\" { when score < 4 then tag \"x\" }\n\
                 group \" \" { rule \"\\t\" { when score < 3 then tag \"y\" } }\n";
    client.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": uri, "version": 2}, "contentChanges": [{"text": blank}]}),
    );
    let symbols = client.request("textDocument/documentSymbol", json!({"textDocument": {"uri": uri}}));
    assert_eq!((symbols[0]["name"].clone(), symbols[1]["name"].clone()), (json!("\"\""), json!("\" \"")), "{symbols}");
    assert_eq!(symbols[1]["children"][0]["name"], json!("\"\\t\""), "{symbols}");
    client.finish();
}

#[test]
fn names_and_the_outline_survive_a_half_typed_rule() {
    let mut client = Client::initialized("half-typed");
    let uri = client.uri("h.policy");
    let text = "policy \"h\" version \"1\"\nschema \"account.schema.yaml\"\nlet u = score * 2\n\
                rule \"r\" { when u > 1 and scor > 1 then tag \"a\" }\nrule \"s\" { when u > 1 then tag \"b\" }\n";
    open(&mut client, "h.policy", text);
    let _ = client.diagnostics(&uri);
    let before = hover_text(&mut client, "h.policy", 3, 16);
    // A rule half typed at the end: the file no longer parses.
    let broken = format!("{text}rule \"t\" {{ when u > then }}\n");
    client.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": uri, "version": 2}, "contentChanges": [{"text": broken}]}),
    );
    let diagnostics = client.diagnostics(&uri);
    assert!(codes(&diagnostics).contains(&"P001") && codes(&diagnostics).contains(&"E0101"), "{diagnostics:?}");
    assert_eq!(hover_text(&mut client, "h.policy", 3, 16), before, "the let's hover, from the items that parse");
    let definition = client.request("textDocument/definition", client.at("h.policy", 3, 16));
    assert_eq!(definition["range"]["start"]["line"], 2, "{definition}");
    let symbols = client.request("textDocument/documentSymbol", json!({"textDocument": {"uri": uri}}));
    let names: Vec<&str> = symbols.as_array().unwrap().iter().filter_map(|s| s["name"].as_str()).collect();
    assert!(names.contains(&"u") && names.contains(&"r") && names.contains(&"s"), "{names:?}");
    client.finish();
}

#[test]
fn a_schema_two_open_policies_share_keeps_its_problems_until_both_let_go() {
    let dir = workspace("shared-schema");
    std::fs::write(dir.join("bad.schema.yaml"), "entity: account\nkey: id\nfields:\n  id: string\n  score: integr\n")
        .unwrap();
    let mut client = Client::start(&dir);
    client.initialize();
    let schema_uri = client.uri("bad.schema.yaml");
    let policy = "policy \"p\"\nschema \"bad.schema.yaml\"\nrule \"r\" { when true then tag \"x\" }\n";
    for name in ["a.policy", "b.policy"] {
        open(&mut client, name, policy);
        assert_eq!(codes(&client.diagnostics(&schema_uri)), ["S003"]);
    }
    // Closing one: the schema's problem stays, as the other policy still uses it.
    client.notify("textDocument/didClose", json!({"textDocument": {"uri": client.uri("a.policy")}}));
    let b = client.uri("b.policy");
    let symbols = json!({"jsonrpc": "2.0", "id": 500, "method": "textDocument/documentSymbol", "params": {"textDocument": {"uri": b}}});
    client.send(&symbols);
    loop {
        let message = client.incoming.recv_timeout(Duration::from_secs(60)).expect("an answer");
        let cleared = message["params"]["uri"] == json!(schema_uri) && message["params"]["diagnostics"] == json!([]);
        assert!(!cleared, "the shared schema's problems were cleared: {message}");
        if message["id"] == 500 {
            break;
        }
    }
    // Closing the last one clears them.
    client.notify("textDocument/didClose", json!({"textDocument": {"uri": b}}));
    assert_eq!(client.diagnostics(&schema_uri), Vec::<Value>::new());
    client.finish();
}

#[test]
fn a_hook_script_that_is_a_pipe_is_never_read() {
    // Reading a pipe nobody writes to would block the server for good.
    let dir = workspace("hook-pipe");
    let made = Command::new("mkfifo").arg(dir.join("risk.fifo")).status().unwrap();
    assert!(made.success());
    let mut client = Client::start(&dir);
    client.initialize();
    let policy = "policy \"p\"\nschema \"account.schema.yaml\"\nhook risk(score: int) -> int from \"risk.fifo\"\n\
                  rule \"r\" { when risk(score) > 1 then close }\n";
    open(&mut client, "p.policy", policy);
    let _ = client.diagnostics(&client.uri("p.policy"));
    let definition = client.request("textDocument/definition", client.at("p.policy", 3, 19));
    assert_eq!(
        (definition["uri"].clone(), definition["range"].clone()),
        (json!(client.uri("risk.fifo")), range(0, 0, 0))
    );
    client.finish();
}

#[test]
fn inside_where_an_element_fields_members_win_over_an_account_fields() {
    let dir = workspace("where-members");
    let schema = "entity: account\nkey: id\nfields:\n  id: string\n  kind: enum(retail, business)\n  \
                  events:\n    list:\n      at: date\n      kind: enum(login, payment)\n    by: at\n";
    std::fs::write(dir.join("events.schema.yaml"), schema).unwrap();
    let mut client = Client::start(&dir);
    client.initialize();
    let text = "policy \"p\"\nschema \"events.schema.yaml\"\nrule \"r\" { when kind == \n\
                rule \"s\" { when count(events where kind == \n";
    open(&mut client, "w.policy", text);
    let _ = client.diagnostics(&client.uri("w.policy"));
    let account = labels(&client.request("textDocument/completion", client.at("w.policy", 2, 25)));
    assert_eq!(account, ["\"retail\"", "\"business\""]);
    let element = labels(&client.request("textDocument/completion", client.at("w.policy", 3, 42)));
    assert_eq!(element, ["\"login\"", "\"payment\""]);
    client.finish();
}

#[test]
fn files_the_policy_names_are_reported_as_verdict_check_reports_them() {
    let dir = workspace("named-as-check");
    std::fs::write(dir.join("shared.rhai"), "fn a(score) {\n    eval(`${score} + 1`)\n}\n").unwrap();
    let mut client = Client::start(&dir);
    client.initialize();
    // A missing batch beside an unknown name; a script two hooks share, with a compile error.
    let missing_batch = "policy \"p\"\nschema \"account.schema.yaml\"\nbatch gone from \"no-such.txt\"\n\
                         rule \"r\" { when scroe > 1 and id in gone then close }\n";
    let shared_script = "policy \"q\"\nschema \"account.schema.yaml\"\nhook a(score: int) -> int from \"shared.rhai\"\n\
                         hook b(score: int) -> int from \"shared.rhai\"\nrule \"r\" { when a(score) > b(score) then close }\n";
    // A schema that does not load, a script that does not compile and a
    // missing batch: the schema's error does not hide the others, nor does
    // a syntax error in the policy.
    std::fs::write(dir.join("bad.schema.yaml"), "entity: account\nkey: id\nfields:\n  id: string\n  score: integr\n")
        .unwrap();
    for script in ["broken-r.rhai", "broken-s.rhai"] {
        std::fs::write(dir.join(script), "fn risk(score) {\n    score *\n}\n").unwrap();
    }
    let bad_schema = |script: &str, rule: &str| {
        format!(
            "policy \"r\"\nschema \"bad.schema.yaml\"\nhook risk(score: int) -> int from \"{script}\"\n\
             batch gone from \"no-such.txt\"\n{rule}\n"
        )
    };
    let broken_schema = bad_schema("broken-r.rhai", "rule \"r\" { when id in gone and risk(score) > 1 then close }");
    let and_no_parse = bad_schema("broken-s.rhai", "rule \"r\" { when id in gone and then close }");
    for (name, text, reported_in, expected) in [
        ("p.policy", missing_batch, "p.policy", &["E0101", "E0108"][..]),
        ("q.policy", shared_script, "shared.rhai", &["E0310"][..]),
        ("r.policy", broken_schema.as_str(), "r.policy", &["E0108"][..]),
        ("r.policy", broken_schema.as_str(), "broken-r.rhai", &["E0310"][..]),
        ("r.policy", broken_schema.as_str(), "bad.schema.yaml", &["S003"][..]),
        ("s.policy", and_no_parse.as_str(), "s.policy", &["E0108", "P001"][..]),
        ("s.policy", and_no_parse.as_str(), "broken-s.rhai", &["E0310"][..]),
    ] {
        open(&mut client, name, text);
        let mut by_server = codes(&client.diagnostics(&client.uri(reported_in))).join(" ");
        let checked = Command::new(env!("CARGO_BIN_EXE_verdict"))
            .args(["check", "--error-format", "json", name])
            .current_dir(&dir)
            .output()
            .unwrap();
        let reported: Vec<Value> = serde_json::from_slice(&checked.stdout).unwrap();
        let in_file = reported.iter().filter(|d| d["file"].as_str().unwrap().ends_with(reported_in));
        let mut by_check: Vec<&str> = in_file.map(|d| d["code"].as_str().unwrap()).collect();
        by_check.sort_unstable();
        let mut sorted: Vec<&str> = by_server.split(' ').collect();
        sorted.sort_unstable();
        by_server = sorted.join(" ");
        assert_eq!(
            (by_server.as_str(), by_check.join(" ")),
            (expected.join(" ").as_str(), expected.join(" ")),
            "{name}"
        );
    }
    client.finish();
}

#[test]
fn a_schema_fixed_on_disk_clears_its_problem_while_the_policy_does_not_parse() {
    let dir = workspace("schema-fix-unparsed");
    std::fs::write(dir.join("account.schema.yaml"), SCHEMA.replace("score: int", "score: intt")).unwrap();
    let mut client = Client::start(&dir);
    client.initialize();
    open(
        &mut client,
        "p.policy",
        "policy \"p\"\nschema \"account.schema.yaml\"\nrule \"r\" { when score < 1 then close ) }\n",
    );
    let schema_uri = client.uri("account.schema.yaml");
    assert_eq!(codes(&client.diagnostics(&schema_uri)), ["S003"]);
    std::fs::write(dir.join("account.schema.yaml"), SCHEMA).unwrap();
    client.notify("workspace/didChangeWatchedFiles", json!({"changes": [{"uri": schema_uri, "type": 2}]}));
    assert_eq!(client.diagnostics(&schema_uri), Vec::<Value>::new());
    client.finish();
}

#[test]
fn a_record_field_is_its_own_line_and_comment_not_its_first_child() {
    let dir = workspace("record-field");
    let schema = SCHEMA.replace(
        "  identity:\n    verified: bool\n",
        "  # KYC results\n  identity:   # the KYC record\n    verified: bool   # passed the id check\n",
    );
    std::fs::write(dir.join("account.schema.yaml"), &schema).unwrap();
    let mut client = Client::start(&dir);
    client.initialize();
    open(
        &mut client,
        "p.policy",
        "policy \"p\"\nschema \"account.schema.yaml\"\nrule \"r\" { when identity.verified then close }\n",
    );
    let _ = client.diagnostics(&client.uri("p.policy"));
    let text = hover_text(&mut client, "p.policy", 2, 19);
    assert!(text.contains("KYC results the KYC record") && !text.contains("passed the id check"), "{text}");
    let definition = client.request("textDocument/definition", client.at("p.policy", 2, 19));
    let line = schema.lines().position(|l| l.starts_with("  identity:")).unwrap() as u32;
    assert_eq!(definition["range"], range(line, 2, 10), "{definition}");
    let text = hover_text(&mut client, "p.policy", 2, 28);
    assert!(text.contains("passed the id check"), "{text}");
    client.finish();
}

#[test]
fn a_typed_space_offers_only_what_it_opens() {
    let mut client = Client::initialized("space-trigger");
    let text = "policy \"p\"\nschema \"account.schema.yaml\"\nrule \"r\" {\n  when status == \n  then close reason \"S1\" \"low\" \n}\n";
    open(&mut client, "p.policy", text);
    let _ = client.diagnostics(&client.uri("p.policy"));
    let typed = |line: u32, character: u32, client: &Client| {
        let mut at = client.at("p.policy", line, character);
        at["context"] = json!({"triggerKind": 2, "triggerCharacter": " "});
        at
    };
    let members = client.request("textDocument/completion", typed(3, 17, &client));
    assert_eq!(labels(&members), ["\"active\"", "\"frozen\"", "\"closed\""]);
    let after_reason = client.request("textDocument/completion", typed(4, 30, &client));
    assert_eq!(after_reason, json!([]));
    // Asked for (ctrl-space), the same place offers every name.
    let mut invoked = client.at("p.policy", 4, 30);
    invoked["context"] = json!({"triggerKind": 1});
    assert!(labels(&client.request("textDocument/completion", invoked)).iter().any(|l| l == "score"));
    client.finish();
}

#[test]
fn rename_changes_a_name_everywhere_or_says_why_it_cannot() {
    let mut client = Client::initialized("rename");
    let uri = client.uri("r.policy");
    let text = "policy \"r\"\nschema \"account.schema.yaml\"\nbatch watch from \"watch.txt\"\n\
                let late = count(overdues where days > 30)\n\
                let plan = table (late) -> (stage: string, queue: string) {\n  < 2 => \"soft\", \"a\"\n  >= 2 => \"hard\", \"b\"\n}\n\
                rule \"r1\" {\n  when late > 2 and id in watch\n  then escalate to plan.stage\n}\n";
    open(&mut client, "r.policy", text);
    client.diagnostics(&uri);

    // `late` at its use (line 9): the declaration and both uses, the rename's placeholder the name.
    let prepared = client.request("textDocument/prepareRename", client.at("r.policy", 9, 8));
    assert_eq!(prepared, json!({"range": range(9, 7, 11), "placeholder": "late"}));
    let mut params = client.at("r.policy", 9, 8);
    params["newName"] = json!("overdue_count");
    let edit = client.request("textDocument/rename", params);
    let ranges: Vec<Value> = edit["changes"][&uri].as_array().unwrap().iter().map(|e| e["range"].clone()).collect();
    assert_eq!(ranges, [range(3, 4, 8), range(4, 18, 22), range(9, 7, 11)]);
    assert!(edit["changes"][&uri].as_array().unwrap().iter().all(|e| e["newText"] == "overdue_count"));

    // A table's output: its name in the header and after `plan.`; a batch likewise.
    let mut params = client.at("r.policy", 10, 25);
    params["newName"] = json!("step");
    let edit = client.request("textDocument/rename", params);
    let ranges: Vec<Value> = edit["changes"][&uri].as_array().unwrap().iter().map(|e| e["range"].clone()).collect();
    assert_eq!(ranges, [range(4, 28, 33), range(10, 24, 29)]);
    let mut params = client.at("r.policy", 9, 27);
    params["newName"] = json!("watchlist");
    let edit = client.request("textDocument/rename", params);
    assert_eq!(edit["changes"][&uri].as_array().unwrap().len(), 2, "{edit}");

    // Refused, with the reason: another let's name, a field (one of a list's
    // elements, read inside `where`), a reserved word, the snapshot's date, not a name; a keyword
    // and a field cannot be renamed at all.
    for (new_name, why) in [
        ("plan", "`plan` is already defined"),
        ("days", "`days` is a field of the schema"),
        ("case", "`case` is a reserved word"),
        ("as_of", "`as_of` is the snapshot's date"),
        ("2x", "`2x` is not a name"),
    ] {
        let mut params = client.at("r.policy", 3, 5);
        params["newName"] = json!(new_name);
        let response = client.request_full("textDocument/rename", params);
        let message = response["error"]["message"].as_str().unwrap_or_default();
        assert!(message.contains(why), "{new_name}: {response}");
    }
    let response = client.request_full("textDocument/prepareRename", client.at("r.policy", 9, 3));
    assert!(response["error"]["message"].as_str().unwrap_or_default().contains("no name here"), "{response}");
    let response = client.request_full("textDocument/prepareRename", client.at("r.policy", 9, 20));
    assert!(response["error"]["message"].as_str().unwrap_or_default().contains("named by the schema"), "{response}");
    client.finish();
}

/// A let's enum members come from the last check that succeeded: the
/// comparison being typed is itself an error, and still completes.
#[test]
fn a_lets_members_complete_while_the_text_has_errors() {
    let mut client = Client::initialized("let-members");
    let uri = client.uri("t.policy");
    let text = "policy \"t\"\nschema \"account.schema.yaml\"\n\
                let tier = case when score >= 700 then \"prime\" when score >= 600 then \"near-prime\" else \"subprime\" end\n\
                rule \"r\" { when tier == \"prime\" then tag \"p\" }\n";
    open(&mut client, "t.policy", text);
    assert_eq!(client.diagnostics(&uri), Vec::<Value>::new());
    let typing = json!({"range": range(4, 0, 0), "text": "rule \"new\" {\n  when tier == "});
    client.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": uri, "version": 2}, "contentChanges": [typing]}),
    );
    assert!(!client.diagnostics(&uri).is_empty());
    let members = client.request("textDocument/completion", client.at("t.policy", 5, 15));
    assert_eq!(labels(&members), ["\"prime\"", "\"near-prime\"", "\"subprime\""]);
    client.finish();
}

/// After `reasons from` only the policy's scorecards are offered, as soon
/// as the space is typed.
#[test]
fn reasons_from_completes_the_scorecards() {
    let mut client = Client::initialized("reasons-from");
    let uri = client.uri("r.policy");
    let text = "policy \"r\"\nschema \"account.schema.yaml\"\n\
                let card = scorecard base 500 {\n  score \"S1\" \"Score\" {\n    < 600 => 0\n    >= 600 => 50\n  }\n}\n\
                let late = 1\nrule \"r\" { when card < 520 then restrict reasons from ";
    open(&mut client, "r.policy", text);
    client.diagnostics(&uri);
    let mut at = client.at("r.policy", 9, 54);
    at["context"] = json!({"triggerKind": 2, "triggerCharacter": " "});
    assert_eq!(labels(&client.request("textDocument/completion", at)), ["card"]);
    // Inside a name already written, the scorecard replaces it whole.
    let change = json!({"range": range(9, 54, 54), "text": "cxrd"});
    client.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": uri, "version": 2}, "contentChanges": [change]}),
    );
    let offered = client.request("textDocument/completion", client.at("r.policy", 9, 55));
    assert_eq!(offered[0]["textEdit"], json!({"range": range(9, 54, 58), "newText": "card"}));
    client.finish();
}

/// `as_of` is every policy's without a declaration: hovered, completed,
/// found as a reference, never renamed. A table's `money` output is shown
/// as money, as declared (the checked type calls it decimal).
#[test]
fn as_of_and_money_outputs_are_known_to_the_editor() {
    let mut client = Client::initialized("as-of");
    let uri = client.uri("a.policy");
    let text = "policy \"a\"\nschema \"account.schema.yaml\"\n\
                let plan = table (score) -> (cap: money) {\n  < 600 => 100\n  >= 600 => 200\n}\n\
                rule \"r\" { when as_of > 2026-01-01 and plan.cap > 150 then set limit to plan.cap }\n\
                rule \"s\" { when days_between(as_of, as_of) == 0 then tag \"t\" }\n";
    open(&mut client, "a.policy", text);
    assert_eq!(client.diagnostics(&uri), Vec::<Value>::new());
    let hover = client.request("textDocument/hover", client.at("a.policy", 6, 18));
    assert!(hover["contents"]["value"].as_str().unwrap().contains("as_of: date"), "{hover}");
    let hover = client.request("textDocument/hover", client.at("a.policy", 6, 46));
    assert!(hover["contents"]["value"].as_str().unwrap().contains("plan.cap: money"), "{hover}");
    let hover = client.request("textDocument/hover", client.at("a.policy", 2, 5));
    assert!(hover["contents"]["value"].as_str().unwrap().contains("`plan.cap`: money"), "{hover}");
    let mut refs = client.at("a.policy", 6, 18);
    refs["context"] = json!({"includeDeclaration": true});
    let found = client.request("textDocument/references", refs);
    assert_eq!(found.as_array().map(Vec::len), Some(3), "{found}");
    let mut params = client.at("a.policy", 6, 18);
    params["newName"] = json!("today");
    let response = client.request_full("textDocument/rename", params);
    assert!(response["error"]["message"].as_str().unwrap_or_default().contains("snapshot's date"), "{response}");
    let mut at = client.at("a.policy", 7, 0);
    at["context"] = json!({"triggerKind": 1});
    assert!(labels(&client.request("textDocument/completion", at)).iter().any(|l| l == "as_of"));
    client.finish();
}

/// A split's salt is its name when not written (§10.2): renamed, it keeps
/// the old name as its salt, so that no account changes arm; one with a
/// salt of its own is renamed alone.
#[test]
fn renaming_a_split_keeps_its_arms() {
    let mut client = Client::initialized("rename-split");
    let uri = client.uri("s.policy");
    let text = "policy \"s\"\nschema \"account.schema.yaml\"\nsplit trial by id { champion 50% challenger 50% }\n\
                split salted by id salt \"x\" { a 50% b 50% }\n\
                rule \"r\" { when trial == \"challenger\" and salted == \"a\" then tag \"t\" }\n";
    open(&mut client, "s.policy", text);
    client.diagnostics(&uri);
    let rename = |client: &mut Client, line: u32, character: u32, new_name: &str| -> Vec<(Value, String)> {
        let mut params = client.at("s.policy", line, character);
        params["newName"] = json!(new_name);
        let edit = client.request("textDocument/rename", params);
        let edits = edit["changes"][&uri].as_array().unwrap().iter();
        edits.map(|e| (e["range"].clone(), e["newText"].as_str().unwrap().to_string())).collect()
    };
    let renamed = rename(&mut client, 4, 17, "limit_test");
    assert_eq!(
        renamed,
        [
            (range(2, 6, 11), "limit_test".to_string()),
            (range(4, 16, 21), "limit_test".to_string()),
            (range(2, 17, 17), " salt \"trial\"".to_string()),
        ]
    );
    let renamed = rename(&mut client, 3, 7, "other");
    assert_eq!(renamed.len(), 2, "{renamed:?}");
    assert!(renamed.iter().all(|(_, text)| text == "other"), "{renamed:?}");
    // Renamed to itself, nothing changes.
    assert!(rename(&mut client, 2, 7, "trial").iter().all(|(_, text)| text == "trial"));
    client.finish();
}

#[test]
fn a_suggested_name_is_a_quick_fix() {
    let mut client = Client::initialized("quick-fix");
    let uri = client.uri("q.policy");
    let text = "policy \"q\"\nschema \"account.schema.yaml\"\nrule \"r\" { when scroe < 500 and status == \"closd\" then freeze }\n";
    open(&mut client, "q.policy", text);
    assert_eq!(codes(&client.diagnostics(&uri)), ["E0101", "E0106"]);

    let fixes = |client: &mut Client, from: u32, to: u32| -> Vec<(String, Value, String, bool)> {
        let params = json!({
            "textDocument": {"uri": uri},
            "range": range(2, from, to),
            "context": {"diagnostics": []},
        });
        let actions = client.request("textDocument/codeAction", params);
        actions
            .as_array()
            .unwrap()
            .iter()
            .map(|a| {
                let edit = &a["edit"]["changes"][&uri][0];
                let code = a["diagnostics"][0]["code"].as_str().unwrap_or_default().to_string();
                (edit["newText"].as_str().unwrap().to_string(), edit["range"].clone(), code, a["isPreferred"] == true)
            })
            .collect()
    };
    // The cursor in `scroe`: its fix alone; a selection over both: both, each with its diagnostic.
    assert_eq!(fixes(&mut client, 18, 18), [("score".to_string(), range(2, 16, 21), "E0101".to_string(), true)]);
    let both = fixes(&mut client, 0, 60);
    assert_eq!(both.len(), 2, "{both:?}");
    assert_eq!(both[1], ("\"closed\"".to_string(), range(2, 42, 49), "E0106".to_string(), true));
    // Nothing to fix where no diagnostic is.
    assert!(fixes(&mut client, 55, 57).is_empty());
    client.finish();
}

#[test]
fn a_list_written_like_a_range_offers_both_rewrites() {
    let mut client = Client::initialized("range-fix");
    let uri = client.uri("w.policy");
    let text =
        "policy \"w\"\nschema \"account.schema.yaml\"\nrule \"r\" { when score in [600, 700] then tag \"mid\" }\n";
    open(&mut client, "w.policy", text);
    assert_eq!(codes(&client.diagnostics(&uri)), ["W0115"]);
    let params = json!({"textDocument": {"uri": uri}, "range": range(2, 20, 20), "context": {"diagnostics": []}});
    let actions = client.request("textDocument/codeAction", params);
    let edits: Vec<(String, Value)> = actions
        .as_array()
        .unwrap()
        .iter()
        .map(|a| {
            let edit = &a["edit"]["changes"][&uri][0];
            (edit["newText"].as_str().unwrap().to_string(), edit["range"].clone())
        })
        .collect();
    // The whole `score in [600, 700]`, brackets included, is replaced.
    assert_eq!(
        edits,
        [
            ("(score >= 600 and score <= 700)".to_string(), range(2, 16, 35)),
            ("(score == 600 or score == 700)".to_string(), range(2, 16, 35)),
            // Or the warning allowed where it is, on a line of its own above the rule.
            ("# verdict: allow(W0115)\n".to_string(), range(2, 0, 0)),
        ]
    );
    client.finish();
}

#[test]
fn an_allowed_warning_is_not_shown_and_a_stale_allow_is() {
    let mut client = Client::initialized("allow");
    let uri = client.uri("a.policy");
    let text = "policy \"a\"\r\nschema \"account.schema.yaml\"\r\n  rule \"r\" { when score in [600, 700] then tag \"mid\" }\r\n";
    open(&mut client, "a.policy", text);
    assert_eq!(codes(&client.diagnostics(&uri)), ["W0115"]);
    let params = json!({"textDocument": {"uri": uri}, "range": range(2, 20, 20), "context": {"diagnostics": []}});
    let actions = client.request("textDocument/codeAction", params);
    let allow = actions.as_array().unwrap().last().unwrap().clone();
    assert_eq!(allow["title"], "Allow `W0115` here");
    // Indented as the line is, with the document's own line end.
    let edit = &allow["edit"]["changes"][&uri][0];
    assert_eq!(edit["newText"], "  # verdict: allow(W0115)\r\n");
    assert_eq!(edit["range"], range(2, 0, 0));
    let allowed = text.replace("  rule", "  # verdict: allow(W0115)\r\n  rule");
    let changes = json!([{"text": allowed}]);
    client.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": uri, "version": 2}, "contentChanges": changes}),
    );
    assert!(client.diagnostics(&uri).is_empty());
    // Once the list is a range, the allow silences nothing and says so.
    let fixed = allowed.replace("score in [600, 700]", "score >= 600 and score <= 700");
    let changes = json!([{"text": fixed}]);
    client.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": uri, "version": 3}, "contentChanges": changes}),
    );
    assert_eq!(codes(&client.diagnostics(&uri)), ["W0116"]);
    // A document of lone CR line ends (old Mac files) gets a lone CR.
    let cr_uri = client.uri("cr.policy");
    open(&mut client, "cr.policy", &text.replace("\r\n", "\r"));
    assert_eq!(codes(&client.diagnostics(&cr_uri)), ["W0115"]);
    let params = json!({"textDocument": {"uri": cr_uri}, "range": range(2, 20, 20), "context": {"diagnostics": []}});
    let actions = client.request("textDocument/codeAction", params);
    let allow = actions.as_array().unwrap().last().unwrap().clone();
    assert_eq!(allow["edit"]["changes"][&cr_uri][0]["newText"], "  # verdict: allow(W0115)\r");
    client.finish();
}

/// Semantic tokens tell fields, lets, hooks, built-ins and batches apart,
/// declarations marked, in the protocol's relative UTF-16 encoding.
#[test]
fn semantic_tokens_say_what_each_name_is() {
    let mut client = Client::start(&workspace("tokens"));
    // The legend, from the capabilities.
    let legend = client.initialize();
    let uri = client.uri("t.policy");
    let text = "policy \"t\"\nschema \"account.schema.yaml\"\nhook risk(score: int) -> int from \"risk.rhai\"\n\
                batch watch from \"watch.txt\"\nlet late = count(overdues where days > 30)\n\
                rule \"𝔼\" { when late > 2 and id in watch and risk(score) > 1 then close notify sms \"x\" }\n";
    open(&mut client, "t.policy", text);
    assert!(client.diagnostics(&uri).is_empty());
    let types: Vec<String> =
        serde_json::from_value(legend["capabilities"]["semanticTokensProvider"]["legend"]["tokenTypes"].clone())
            .unwrap_or_default();
    let modifiers: Vec<String> =
        serde_json::from_value(legend["capabilities"]["semanticTokensProvider"]["legend"]["tokenModifiers"].clone())
            .unwrap_or_default();
    let tokens = client.request("textDocument/semanticTokens/full", json!({"textDocument": {"uri": uri}}));
    let data: Vec<u32> = serde_json::from_value(tokens["data"].clone()).unwrap();
    assert_eq!(data.len() % 5, 0);
    // Decoded: (line, UTF-16 column, length, type, modifiers).
    let (mut line, mut column) = (0, 0);
    let mut decoded = Vec::new();
    for t in data.chunks(5) {
        line += t[0];
        column = if t[0] == 0 { column + t[1] } else { t[1] };
        let mods: Vec<&str> =
            (0..modifiers.len()).filter(|i| t[4] & (1 << i) != 0).map(|i| modifiers[i].as_str()).collect();
        decoded.push((line, column, t[2], types[t[3] as usize].as_str(), mods.join("+")));
    }
    let expected = [
        (2, 5, 4, "function", "declaration"),
        (3, 6, 5, "namespace", "declaration"),
        (4, 4, 4, "variable", "declaration+readonly"),
        (4, 11, 5, "function", "defaultLibrary"),
        (4, 17, 8, "property", ""),
        (4, 32, 4, "property", ""),
        // After `rule "𝔼"`: the 𝔼 is two UTF-16 units.
        (5, 17, 4, "variable", "readonly"),
        (5, 30, 2, "property", ""),
        (5, 36, 5, "namespace", ""),
        (5, 46, 4, "function", ""),
        (5, 51, 5, "property", ""),
    ];
    assert_eq!(decoded, expected.map(|(l, c, n, t, m)| (l, c, n, t, m.to_string())));
    client.finish();
}

#[test]
fn a_member_with_spaces_is_replaced_whole_and_text_is_never_a_member() {
    let dir = workspace("member-spaces");
    let schema = "key: id\nprohibited: [nationality]\nfields:\n  id: string\n  nationality: string\n  purpose: 'enum(\"car (new)\", \"car (used)\", \"education\", \"hold (till closed)\")'\n  should_notify: bool\n";
    std::fs::write(dir.join("app.schema.yaml"), schema).unwrap();
    let mut client = Client::start(&dir);
    client.initialize();
    let text = "policy \"p\"\nschema \"app.schema.yaml\"\n\
                rule \"r\" { when purpose == \"car (nw)\" then close }\n\
                rule \"s\" { when purpose in [\"car (\"] then close reason \"R1\" \"we notify \" }\n\
                rule \"t\" { when should_notify then tag \"when purpose == \" }\n\
                rule \"u\" { when purpose == \"ca and purpose != \"education\" then close }\n\
                rule \"v\" { when purpose == \"car then close reason \"R1\" \"x\" }\n";
    open(&mut client, "p.policy", text);
    let _ = client.diagnostics(&client.uri("p.policy"));
    let members = ["\"car (new)\"", "\"car (used)\"", "\"education\"", "\"hold (till closed)\""];

    // Inside a member with a space: the whole string, both quotes, is replaced.
    let offered = client.request("textDocument/completion", client.at("p.policy", 2, 35));
    assert_eq!(labels(&offered), members);
    assert_eq!(offered[0]["textEdit"], json!({"range": range(2, 27, 37), "newText": "\"car (new)\""}));
    let offered = client.request("textDocument/completion", client.at("p.policy", 3, 34));
    assert_eq!(offered[1]["textEdit"], json!({"range": range(3, 28, 35), "newText": "\"car (used)\""}));
    // A string left open does not swallow the code after it.
    let offered = client.request("textDocument/completion", client.at("p.policy", 5, 30));
    assert_eq!(offered[2]["textEdit"], json!({"range": range(5, 27, 30), "newText": "\"education\""}));
    // Nor the code up to the next string's opening quote, though each of its characters is in a member.
    let offered = client.request("textDocument/completion", client.at("p.policy", 6, 31));
    assert_eq!(offered[0]["textEdit"], json!({"range": range(6, 27, 31), "newText": "\"car (new)\""}));

    // An officer's own words are not code: no channels, no members.
    for (line, character) in [(3, 71), (4, 56)] {
        let offered = client.request("textDocument/completion", client.at("p.policy", line, character));
        assert_eq!(offered, json!([]), "at {line}:{character}");
    }
    // A prohibited field is never offered.
    let names = labels(&client.request("textDocument/completion", client.at("p.policy", 2, 16)));
    assert!(names.iter().any(|n| n == "purpose") && !names.iter().any(|n| n == "nationality"), "{names:?}");
    // `should_notify ` is a name ending in `notify`, not the keyword: no channels.
    let mut typed = client.at("p.policy", 4, 30);
    typed["context"] = json!({"triggerKind": 2, "triggerCharacter": " "});
    assert_eq!(client.request("textDocument/completion", typed), json!([]));
    client.finish();
}

/// The answers to the requests `ids`, in that order, whatever order they
/// come in (a request waits for its own document's check only).
fn answers(client: &mut Client, ids: &[u64]) -> Vec<Value> {
    let mut got: Vec<Value> = Vec::new();
    while got.len() < ids.len() {
        got.push(client.wait_for(|m| m["id"].as_u64().is_some_and(|id| ids.contains(&id))));
    }
    got.sort_by_key(|m| ids.iter().position(|id| m["id"] == *id));
    got
}

/// A policy whose check takes the server a while: `tables` tables it gives
/// up proving (E0607), each with one bool input per row and each row asking
/// `true` of its own. Its schema is written into `dir`.
fn slow_policy(dir: &Path, tables: usize) -> String {
    let n = 22;
    let fields: String = (0..n).map(|i| format!("  b{i}: bool\n")).collect();
    std::fs::write(dir.join("many.schema.yaml"), format!("entity: account\nkey: id\nfields:\n  id: string\n{fields}"))
        .unwrap();
    let inputs: Vec<String> = (0..n).map(|i| format!("b{i}")).collect();
    let rows: String = (0..n)
        .map(|r| {
            let cells: Vec<&str> = (0..n).map(|c| if c == r { "true" } else { "_" }).collect();
            format!("  {} => {r}\n", cells.join(" | "))
        })
        .collect();
    let table =
        |t: usize| format!("let t{t} = table ({}) -> int first {{\n{rows}  else => -1\n}}\n", inputs.join(", "));
    let tables: String = (0..tables).map(table).collect();
    format!("policy \"s\"\nschema \"many.schema.yaml\"\n{tables}rule \"r\" {{ when t0 > 1 then tag \"x\" }}\n")
}

/// A request cancelled while the server was busy is answered
/// `RequestCancelled` without being worked on.
#[test]
fn a_request_cancelled_while_the_server_was_busy_is_not_worked_on() {
    let dir = workspace("cancel");
    let slow = slow_policy(&dir, 1);
    let mut client = Client::start(&dir);
    client.initialize();
    open(&mut client, "slow.policy", &slow);
    let uri = client.uri("slow.policy");
    assert_eq!(codes(&client.diagnostics(&uri)), ["E0607"]);
    // An edit, then a hover on the document: the server checks it first, and
    // meanwhile a completion comes and is cancelled.
    let change = json!({"range": range(0, 0, 0), "text": "# edited\n"});
    client.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": uri, "version": 2}, "contentChanges": [change]}),
    );
    client.send(
        &json!({"jsonrpc": "2.0", "id": 901, "method": "textDocument/hover", "params": client.at("slow.policy", 1, 1)}),
    );
    std::thread::sleep(Duration::from_millis(200));
    client.send(&json!({"jsonrpc": "2.0", "id": 902, "method": "textDocument/completion", "params": client.at("slow.policy", 3, 1)}));
    client.notify("$/cancelRequest", json!({"id": 902}));
    let answers = answers(&mut client, &[901, 902]);
    assert!(answers[0].get("error").is_none(), "{}", answers[0]);
    assert_eq!(answers[1]["error"]["code"], -32800, "{}", answers[1]);
    client.finish();
}

/// A client serving several languages may open a schema or a hook script:
/// it is not checked as a policy (its own problems stay as they were
/// published); a notification that does not read is said in the log.
#[test]
fn documents_that_are_not_policies_are_left_alone() {
    let dir = workspace("not-policies");
    let mut client = Client::start(&dir);
    client.initialize();
    let schema = client.uri("account.schema.yaml");
    let item = json!({"uri": schema, "languageId": "yaml", "version": 1, "text": SCHEMA});
    client.notify("textDocument/didOpen", json!({"textDocument": item}));
    let log = client.wait_for(|m| m["method"] == "window/logMessage");
    assert!(log["params"]["message"].as_str().unwrap().contains("not a policy (language `yaml`)"), "{log}");
    // Closing it clears nothing either (a policy may have published the schema's problems there).
    client.notify("textDocument/didClose", json!({"textDocument": {"uri": schema}}));
    // A document named `.policy` is one whatever its language id, and the
    // next thing published is its diagnostics, not the schema's.
    let item = json!({"uri": client.uri("p.policy"), "languageId": "plaintext", "version": 1, "text": "policy \"p\"\nschema \"account.schema.yaml\"\nrule \"r\" { when scroe < 1 then close }\n"});
    client.notify("textDocument/didOpen", json!({"textDocument": item}));
    let published = client.wait_for(|m| m["method"] == "textDocument/publishDiagnostics");
    assert_eq!(published["params"]["uri"], client.uri("p.policy").as_str(), "{published}");
    assert!(codes(published["params"]["diagnostics"].as_array().unwrap()).contains(&"E0101"), "{published}");
    // A URI with a raw space does not read: the log says so.
    let item = json!({"uri": "file:///tmp/a b.policy", "languageId": "verdict-policy", "version": 1, "text": "policy \"p\"\n"});
    client.notify("textDocument/didOpen", json!({"textDocument": item}));
    let log = client.wait_for(|m| m["method"] == "window/logMessage");
    assert_eq!(log["params"]["type"], 2, "a warning: {log}");
    assert!(log["params"]["message"].as_str().unwrap().starts_with("textDocument/didOpen ignored: "), "{log}");
    client.finish();
}

/// Edits and requests about two documents, sent without waiting, while
/// their checks finish in the background: every request is answered once,
/// about the text it was asked about or refused as `ContentModified` when
/// the text changed before its check landed; the last of each document is
/// answered.
#[test]
fn requests_among_background_checks_are_all_answered() {
    let dir = workspace("interleaved");
    let mut client = Client::start(&dir);
    client.initialize();
    let text = |n: usize| {
        format!("policy \"p\"\nschema \"account.schema.yaml\"\nlet l{n} = score + {n}\nrule \"r\" {{ when l{n} > 1 then close }}\n")
    };
    for name in ["a.policy", "b.policy"] {
        open(&mut client, name, &text(0));
    }
    let rounds = 150;
    for n in 1..=rounds {
        for (d, name) in ["a.policy", "b.policy"].iter().enumerate() {
            let whole = json!({"text": text(n)});
            client.notify(
                "textDocument/didChange",
                json!({"textDocument": {"uri": client.uri(name), "version": n + 1}, "contentChanges": [whole]}),
            );
            let id = n * 2 + d;
            client.send(
                &json!({"jsonrpc": "2.0", "id": id, "method": "textDocument/hover", "params": client.at(name, 2, 5)}),
            );
        }
    }
    let mut answered = std::collections::BTreeSet::new();
    for _ in 2..=rounds * 2 + 1 {
        let answer = client.wait_for(|m| m.get("method").is_none() && m.get("id").is_some());
        let id = answer["id"].as_u64().unwrap() as usize;
        assert!(answered.insert(id), "answered twice: {answer}");
        if answer["error"]["code"] == -32801 {
            assert!(id / 2 < rounds, "the last request of each document is answered: {answer}");
            continue;
        }
        let n = id / 2;
        let shown = answer["result"]["contents"].to_string();
        assert!(shown.contains(&format!("score + {n}")), "the hover of text {n}: {shown}");
    }
    assert_eq!(answered.len(), rounds * 2);
    client.finish();
}

/// `text` with its `k`-th `true` (from 0) made `false`: a table whose proof
/// no earlier check made.
fn flipped(text: &str, k: usize) -> String {
    let at = text.match_indices("true").nth(k).map(|(i, _)| i).unwrap();
    format!("{}false{}", &text[..at], &text[at + 4..])
}

/// Requests about two documents whose checks overlap, one changed again
/// while its first check runs: each request waits for its own document's
/// check of the text it was asked about, and is answered from it. (Before
/// requests were parked, this order deadlocked the server.)
#[test]
fn requests_wait_for_their_own_documents_checks() {
    let dir = workspace("finished-meanwhile");
    let slow = slow_policy(&dir, 1);
    let mut client = Client::start(&dir);
    client.initialize();
    open(&mut client, "e.policy", &slow);
    assert_eq!(codes(&client.diagnostics(&client.uri("e.policy"))), ["E0607"]);
    open(&mut client, "d.policy", &flipped(&slow, 1));
    assert_eq!(codes(&client.diagnostics(&client.uri("d.policy"))), ["E0607"]);
    let change = |client: &mut Client, name: &str, text: &str| {
        let whole = json!({"text": text});
        let params = json!({"textDocument": {"uri": client.uri(name), "version": 2}, "contentChanges": [whole]});
        client.notify("textDocument/didChange", params);
    };
    // `d.policy` changes: its check (seconds: a new table) starts once the
    // change is taken; so does `e.policy`'s, which changes again at once
    // (its second check starts when the first ends), and a hover on it
    // waits. Meanwhile a hover on `d.policy` comes, then its check ends.
    change(&mut client, "d.policy", &flipped(&slow, 2).replace("let t0", "let d0"));
    std::thread::sleep(Duration::from_millis(100));
    change(&mut client, "e.policy", &flipped(&slow, 3));
    std::thread::sleep(Duration::from_millis(100));
    change(&mut client, "e.policy", &flipped(&slow, 4));
    client.send(
        &json!({"jsonrpc": "2.0", "id": 921, "method": "textDocument/hover", "params": client.at("e.policy", 2, 5)}),
    );
    std::thread::sleep(Duration::from_millis(100));
    client.send(
        &json!({"jsonrpc": "2.0", "id": 922, "method": "textDocument/hover", "params": client.at("d.policy", 2, 5)}),
    );
    let answers = answers(&mut client, &[921, 922]);
    assert!(answers[0].get("error").is_none(), "{}", answers[0]);
    let hover = &answers[1];
    assert!(hover["result"]["contents"].to_string().contains("d0"), "the hover of the changed text: {hover}");
    client.finish();
}

/// A long check of one policy holds up no answer about another document,
/// nor `shutdown`: the check runs on a thread of its own.
#[test]
fn a_long_check_of_one_policy_holds_up_no_other_answer() {
    let dir = workspace("slow-other");
    let slow = slow_policy(&dir, 6);
    let mut client = Client::start(&dir);
    client.initialize();
    open(
        &mut client,
        "other.policy",
        "policy \"o\"\nschema \"account.schema.yaml\"\nrule \"r\" { when score < 500 then close }\n",
    );
    let other = client.uri("other.policy");
    client.diagnostics(&other);
    open(&mut client, "slow.policy", &slow);
    let slow_uri = client.uri("slow.policy");
    let is_slow_checked =
        move |m: &Value| m["method"] == "textDocument/publishDiagnostics" && m["params"]["uri"] == slow_uri.as_str();
    // Time for the server to take the document and start its check; then,
    // as an editor does on opening, a request about it, which waits for it.
    std::thread::sleep(Duration::from_millis(300));
    client.send(&json!({"jsonrpc": "2.0", "id": 910, "method": "textDocument/documentSymbol", "params": {"textDocument": {"uri": client.uri("slow.policy")}}}));
    client.send(&json!({"jsonrpc": "2.0", "id": 911, "method": "textDocument/hover", "params": client.at("other.policy", 2, 20)}));
    let first = client.wait_for(|m| m["id"] == 910 || m["id"] == 911 || is_slow_checked(m));
    assert_eq!(first["id"], 911, "the hover waited for the other policy's check: {first}");
    assert!(first["result"]["contents"].to_string().contains("score"), "{first}");
    client.send(&json!({"jsonrpc": "2.0", "id": 912, "method": "shutdown", "params": null}));
    // The request still waiting is refused, then shutdown is answered.
    let refused = client.wait_for(|m| m["id"] == 910 || m["id"] == 912 || is_slow_checked(m));
    assert_eq!((refused["id"].clone(), refused["error"]["code"].clone()), (json!(910), json!(-32800)), "{refused}");
    let first = client.wait_for(|m| m["id"] == 912 || is_slow_checked(m));
    assert_eq!(first["id"], 912, "shutdown waited for a check: {first}");
    client.notify("exit", Value::Null);
    assert_eq!(client.exit_code(), 0);
}

/// A policy whose lines end with a lone CR (old Mac files) completes as any
/// other: its lets, hooks and splits are found on their own lines, and its
/// schema's fields while it does not parse (names were looked for at `\n`
/// alone, so only the first line's were found).
#[test]
fn a_policy_with_lone_carriage_returns_completes_its_names() {
    let mut client = Client::initialized("lone-cr");
    let text = "policy \"p\"\rschema \"account.schema.yaml\"\rlet late = count(overdues where days > 30)\r\
                split trial by id salt \"s\" { a 50%, b 50% }\rrule \"r\" { when la";
    open(&mut client, "cr.policy", text);
    let offered = labels(&client.request("textDocument/completion", client.at("cr.policy", 4, 19)));
    for name in ["late", "trial", "score", "identity.verified"] {
        assert!(offered.iter().any(|l| l == name), "{name} not in {offered:?}");
    }
    client.finish();
}

/// A channel after `notify`, offered inside a channel's name, replaces it whole.
#[test]
fn a_channel_offered_inside_a_word_replaces_it() {
    let mut client = Client::initialized("channel-word");
    let text =
        "policy \"p\"\nschema \"account.schema.yaml\"\nrule \"r\" { when score < 500 then close notify emxx \"t\" }\n";
    open(&mut client, "n.policy", text);
    let mut at = client.at("n.policy", 2, 49);
    at["context"] = json!({"triggerKind": 1});
    let offered = client.request("textDocument/completion", at);
    let email = offered.as_array().unwrap().iter().find(|i| i["label"] == "email").expect("email offered");
    assert_eq!(email["textEdit"], json!({"range": range(2, 46, 50), "newText": "email"}));
    client.finish();
}
