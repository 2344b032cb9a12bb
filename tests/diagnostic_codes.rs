//! The diagnostic code registry is the only place a code is written, and
//! `docs/diagnostics.md` lists every code it declares.

use std::path::{Path, PathBuf};
use verdict::diagnostic::codes::{CodeInfo, ALL};
use verdict::diagnostic::Severity;

const REGISTRY: &str = "src/diagnostic/codes.rs";
const DOC: &str = "docs/diagnostics.md";
const TABLE_START: &str =
    "<!-- codes:start (generated from src/diagnostic/codes.rs; VERDICT_UPDATE_DOCS=1 rewrites it) -->\n";
const TABLE_END: &str = "<!-- codes:end -->\n";

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The quoted code literals of a text: `"` then one of the prefixes, 3 or 4 digits, `"`.
fn code_literals(text: &str) -> Vec<&str> {
    let bytes = text.as_bytes();
    let mut found = Vec::new();
    for (i, _) in text.match_indices('"') {
        let rest = &bytes[i + 1..];
        let digits = rest.iter().skip(1).take_while(|b| b.is_ascii_digit()).count();
        let closes = rest.get(1 + digits) == Some(&b'"');
        if matches!(rest.first(), Some(b'E' | b'W' | b'P' | b'S' | b'R' | b'T' | b'D' | b'I'))
            && (3..=4).contains(&digits)
            && closes
        {
            found.push(&text[i..i + digits + 3]);
        }
    }
    found
}

#[test]
fn no_code_is_written_outside_the_registry() {
    let mut files = Vec::new();
    rust_files(&root().join("src"), &mut files);
    let registry = root().join(REGISTRY);
    let mut strays = Vec::new();
    for file in files.iter().filter(|f| **f != registry) {
        let text = std::fs::read_to_string(file).unwrap();
        for literal in code_literals(&text) {
            strays.push(format!("{}: {literal}", file.strip_prefix(root()).unwrap().display()));
        }
    }
    assert!(strays.is_empty(), "use the constants of {REGISTRY} instead of:\n{}", strays.join("\n"));
}

#[test]
fn the_scan_finds_a_code_literal() {
    assert_eq!(code_literals(r#"Diagnostic::error("E0102", f) "R01" "W0105""#), ["\"E0102\"", "\"W0105\""]);
}

#[test]
fn every_code_is_unique_documented_and_of_its_prefixs_severity() {
    let mut seen = std::collections::HashSet::new();
    for c in ALL {
        assert!(seen.insert(c.code), "{} is declared twice", c.code);
        assert!(seen.insert(c.name), "the name {} is used twice", c.name);
        assert!(c.doc.len() > 10 && c.doc.ends_with('.'), "{} needs a documentation paragraph", c.code);
        // A policy's warnings are W codes; a test file's problems are T codes of either severity.
        if !c.code.starts_with('T') {
            let warning = c.code.starts_with('W');
            assert_eq!(c.severity == Severity::Warning, warning, "{} has the wrong severity", c.code);
        }
        assert!(!c.doc.contains('|') && !c.doc.contains('\n'), "{}: the doc must fit a table cell", c.code);
    }
}

fn table(codes: &[CodeInfo]) -> String {
    let mut out = String::from("| code | name | severity | meaning |\n| --- | --- | --- | --- |\n");
    for c in codes {
        let severity = match c.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        out.push_str(&format!("| `{}` | {} | {severity} | {} |\n", c.code, c.name, c.doc));
    }
    out
}

#[test]
fn the_docs_list_every_code() {
    let path = root().join(DOC);
    let doc = std::fs::read_to_string(&path).unwrap();
    let start = doc.find(TABLE_START).expect("the table's start marker") + TABLE_START.len();
    let end = doc.find(TABLE_END).expect("the table's end marker");
    let expected = table(ALL);
    if doc[start..end] != expected && std::env::var_os("VERDICT_UPDATE_DOCS").is_some() {
        std::fs::write(&path, format!("{}{expected}{}", &doc[..start], &doc[end..])).unwrap();
        return;
    }
    assert_eq!(doc[start..end], expected, "{DOC} is out of date: run with VERDICT_UPDATE_DOCS=1");
}

/// Every diagnostic the fixtures give carries a registered code, with the
/// severity the registry declares for it.
#[test]
fn diagnostics_carry_registered_codes_of_their_severity() {
    let mut seen = 0;
    for folder in ["tests/fixtures/valid", "tests/fixtures/invalid"] {
        let mut policies: Vec<PathBuf> = std::fs::read_dir(root().join(folder))
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|e| e == "policy"))
            .collect();
        policies.sort();
        for path in policies {
            let diagnostics = match verdict::load_policy(&path) {
                Ok(loaded) => loaded.warnings,
                Err(e) => e.diagnostics,
            };
            for d in diagnostics {
                let info = verdict::diagnostic::codes::info(d.code)
                    .unwrap_or_else(|| panic!("{}: {} is not in the registry", path.display(), d.code));
                assert_eq!(info.severity, d.severity, "{}: {}", path.display(), d.code);
                seen += 1;
            }
        }
    }
    assert!(seen > 50, "the fixtures gave only {seen} diagnostics");
}

/// A code the docs or the README name is one the registry declares.
#[test]
fn the_docs_name_only_registered_codes() {
    let mut docs: Vec<PathBuf> = std::fs::read_dir(root().join("docs")).unwrap().map(|e| e.unwrap().path()).collect();
    docs.push(root().join("README.md"));
    for path in docs.iter().filter(|p| p.extension().is_some_and(|e| e == "md")) {
        let text = std::fs::read_to_string(path).unwrap();
        for (i, _) in text.match_indices('`') {
            let rest = &text[i + 1..];
            let Some(end) = rest.find('`') else { continue };
            let word = &rest[..end];
            let digits = word.get(1..).unwrap_or("");
            let is_code = word.starts_with(['E', 'W', 'P', 'S', 'R', 'T', 'D'])
                && (3..=4).contains(&digits.len())
                && digits.bytes().all(|b| b.is_ascii_digit());
            if is_code {
                assert!(verdict::diagnostic::codes::info(word).is_some(), "{} names {word}", path.display());
            }
        }
    }
}
