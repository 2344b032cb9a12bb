//! docs/reference.md cannot drift from the code: its function table is
//! generated from `builtins::BUILTINS` (rewrite it with
//! `VERDICT_UPDATE_DOCS=1 cargo test --test reference_doc`), it lists every
//! reserved word, every diagnostic code it names is registered, and it keeps
//! the sections other constructs fill.

use std::path::PathBuf;
use verdict::builtins::BUILTINS;
use verdict::diagnostic::codes;

const DOC: &str = "docs/reference.md";
const START: &str = "<!-- functions:begin -->\n";
const END: &str = "<!-- functions:end -->";

fn doc() -> (PathBuf, String) {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(DOC);
    let text = std::fs::read_to_string(&path).unwrap();
    (path, text)
}

fn table() -> String {
    let cell = |s: &str| s.replace('|', "\\|");
    let mut out = String::from("| function | result | what it does |\n| --- | --- | --- |\n");
    for f in BUILTINS {
        out.push_str(&format!("| `{}({})` | {} | {} |\n", f.name, cell(f.params), cell(f.result), cell(f.doc)));
    }
    out
}

#[test]
fn the_function_table_is_the_registry() {
    let (path, text) = doc();
    let start = text.find(START).expect("the table's start marker") + START.len();
    let end = text.find(END).expect("the table's end marker");
    let expected = table();
    if text[start..end] != expected && std::env::var_os("VERDICT_UPDATE_DOCS").is_some() {
        std::fs::write(&path, format!("{}{expected}{}", &text[..start], &text[end..])).unwrap();
        return;
    }
    assert_eq!(text[start..end], expected, "{DOC} is out of date: run with VERDICT_UPDATE_DOCS=1");
}

#[test]
fn every_reserved_word_is_listed() {
    let (_, text) = doc();
    let section = text.split("## Reserved words").nth(1).expect("a reserved words section");
    let section = section.split("\n## ").next().unwrap_or_default();
    for word in verdict::syntax::RESERVED_WORDS {
        assert!(section.split(|c: char| !c.is_alphanumeric() && c != '_').any(|w| w == word), "`{word}` is not listed");
    }
}

#[test]
fn the_codes_it_names_are_registered_and_it_points_to_the_full_list() {
    let (_, text) = doc();
    assert!(text.contains("(diagnostics.md)"), "the reference links the generated list of codes");
    let mut named = 0;
    for token in text.split('`') {
        let is_code = token.len() >= 4
            && token.starts_with(['P', 'S', 'E', 'W', 'R', 'D', 'T'])
            && token[1..].chars().all(|c| c.is_ascii_digit());
        if is_code {
            assert!(codes::info(token).is_some(), "{DOC} names `{token}`, which is not a registered code");
            named += 1;
        }
    }
    assert!(named > 20, "the reference names the codes of its constructs ({named})");
}

#[test]
fn the_sections_of_every_construct_are_there() {
    let (_, text) = doc();
    for heading in [
        "## Schema (YAML)",
        "### Lets",
        "### Batches",
        "### Hooks",
        "### Guards",
        "### Operators",
        "### Absent values and narrowing",
        "### Case expressions",
        "### Aggregates",
        "## Functions",
        "## Rules",
        "### Groups",
        "## Actions",
        "## Decision tables",
        "## Scorecards",
        "## Effective dates",
        "## Splits",
        "## Reinstatement",
        "## Admission",
        "## Reserved words",
        "## Diagnostics",
    ] {
        assert!(text.contains(&format!("{heading}\n")), "{DOC} lacks `{heading}`");
    }
}

#[test]
fn the_docs_and_shipped_examples_cite_the_reference_never_the_spec_by_section() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let mut files = vec![root.join("README.md")];
    // What a user reads: the docs, and the example policies, schemas and tests they copy.
    for folder in ["docs", "policies", "policies/tests"] {
        for entry in std::fs::read_dir(root.join(folder)).unwrap() {
            files.push(entry.unwrap().path());
        }
    }
    let read = |f: &&PathBuf| f.extension().is_some_and(|e| ["md", "policy", "yaml"].contains(&&*e.to_string_lossy()));
    for file in files.iter().filter(read) {
        let text = std::fs::read_to_string(file).unwrap();
        assert!(!text.contains("spec §") && !text.contains("§"), "{} cites the spec by section", file.display());
    }
}

/// The first fenced block of `doc` that starts with `opening`, up to `until` (or its end).
fn example(doc: &str, opening: &str, until: Option<&str>) -> String {
    let text = std::fs::read_to_string(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(doc)).unwrap();
    let start = text.find(&format!("```yaml\n{opening}")).expect("the example") + "```yaml\n".len();
    let block = &text[start..start + text[start..].find("```").expect("its end")];
    until.and_then(|u| block.find(u)).map_or(block, |end| &block[..end]).to_owned()
}

fn verdict(dir: &std::path::Path, args: &[&str]) -> (Option<i32>, String) {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_verdict")).args(args).current_dir(dir).output().unwrap();
    (out.status.code(), format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr)))
}

/// The schema the reference shows checks as a schema, and the test file
/// docs/testing.md shows (its inline case) passes against the shipped policy.
#[test]
fn the_examples_a_newcomer_copies_work() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("doc-examples-{}", std::process::id()));
    std::fs::create_dir_all(dir.join("tests")).unwrap();
    std::fs::write(dir.join("ref.schema.yaml"), example(DOC, "entity: account", None)).unwrap();
    let policy = "policy \"r\" version \"1\"\nschema \"ref.schema.yaml\"\nrule \"r\" { when score < 500 then freeze reason \"F\" }\n";
    std::fs::write(dir.join("ref.policy"), policy).unwrap();
    let (code, out) = verdict(&dir, &["check", "ref.policy"]);
    assert_eq!(code, Some(0), "{out}");

    // The shipped policy's files beside a `tests/` folder, as the example's `../lifecycle.policy` expects.
    for name in ["lifecycle.policy", "account.schema.yaml"] {
        std::fs::copy(root.join("policies").join(name), dir.join(name)).unwrap();
    }
    for sub in ["batches", "hooks"] {
        std::fs::create_dir_all(dir.join(sub)).unwrap();
        for entry in std::fs::read_dir(root.join("policies").join(sub)).unwrap() {
            let path = entry.unwrap().path();
            std::fs::copy(&path, dir.join(sub).join(path.file_name().unwrap())).unwrap();
        }
    }
    let test_file =
        example("docs/testing.md", "policy: ../lifecycle.policy", Some("  - name: a snapshot kept in a file"));
    std::fs::write(dir.join("tests/doc.test.yaml"), test_file).unwrap();
    let (code, out) = verdict(&dir, &["test", "tests/doc.test.yaml"]);
    assert_eq!(code, Some(0), "{out}");
    assert!(out.contains("1 passed, 0 failed"), "{out}");
    let _ = std::fs::remove_dir_all(&dir);
}
