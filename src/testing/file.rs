//! Reading a `*.test.yaml` file (spec §7) into its parts, with a diagnostic
//! (file, span, help) for every problem. Expectations are read later, once the
//! policy is loaded, so that rule names and reason codes can be checked.

use crate::diagnostic::{codes, did_you_mean, Diagnostic, Span};
use crate::value::{parse_date, Date};
use crate::yaml::{YKind, YNode};
use std::collections::{HashMap, HashSet};
use std::path::{Component, Path, PathBuf};

/// A test file's parts.
#[derive(Debug)]
pub(crate) struct TestFile {
    /// The policy under test, resolved against the test file's folder.
    pub policy: PathBuf,
    /// Where the policy is named.
    pub policy_span: Span,
    /// `as_of` for snapshots without one.
    pub as_of: Option<Date>,
    /// The cases, in file order.
    pub cases: Vec<CaseSpec>,
    /// A golden test over a whole portfolio.
    pub golden: Option<GoldenSpec>,
}

/// One case as written.
#[derive(Debug)]
pub(crate) struct CaseSpec {
    /// Its name.
    pub name: String,
    /// The case's mapping.
    pub span: Span,
    /// Where its snapshot comes from.
    pub snapshot: SnapshotSource,
    /// The `expect:` mapping, read once the policy is known.
    pub expect: YNode,
}

/// Where a case's snapshot comes from.
#[derive(Debug)]
pub(crate) enum SnapshotSource {
    /// `snapshot:` written in the test file (already merged over `base_snapshot:`).
    Inline(YNode),
    /// `snapshot_file:` (and optionally `snapshot_id:` to pick one account of several).
    File { path: PathBuf, span: Span, id: Option<(String, Span)> },
}

/// `golden:` with `snapshots:`.
#[derive(Debug)]
pub(crate) struct GoldenSpec {
    /// The golden file (expected records, JSON Lines).
    pub golden: PathBuf,
    /// Where it is named.
    pub golden_span: Span,
    /// The portfolio decided.
    pub snapshots: PathBuf,
    /// Where it is named.
    pub snapshots_span: Span,
}

const TOP_KEYS: [&str; 6] = ["policy", "as_of", "base_snapshot", "cases", "golden", "snapshots"];
const CASE_KEYS: [&str; 5] = ["name", "snapshot", "snapshot_file", "snapshot_id", "expect"];

/// Collects diagnostics against one test file.
pub(crate) struct Reader<'a> {
    /// The test file.
    pub file: &'a Path,
    /// Problems found so far.
    pub diags: Vec<Diagnostic>,
}

impl Reader<'_> {
    /// Records an error.
    pub fn error(&mut self, code: &'static str, span: Span, message: impl Into<String>) {
        self.diags.push(Diagnostic::error(code, self.file, span, message));
    }

    /// Records an error with a help line.
    pub fn error_help(&mut self, code: &'static str, span: Span, message: impl Into<String>, help: impl Into<String>) {
        self.diags.push(Diagnostic::error(code, self.file, span, message).with_help(help));
    }

    /// The entries of a mapping, or an error.
    pub fn map<'n>(&mut self, node: &'n YNode, what: &str) -> Option<&'n [(YNode, YNode)]> {
        match &node.kind {
            YKind::Map(entries) => Some(entries),
            _ => {
                self.error(
                    codes::TEST_SHAPE,
                    node.span,
                    format!("{what} must be a mapping, found {}", node.kind_name()),
                );
                None
            }
        }
    }

    /// The items of a list, or an error.
    pub fn seq<'n>(&mut self, node: &'n YNode, what: &str) -> Option<&'n [YNode]> {
        match &node.kind {
            YKind::Seq(items) => Some(items),
            _ => {
                self.error(codes::TEST_SHAPE, node.span, format!("{what} must be a list, found {}", node.kind_name()));
                None
            }
        }
    }

    /// A scalar's text, or an error.
    pub fn text<'n>(&mut self, node: &'n YNode, what: &str) -> Option<&'n str> {
        match &node.kind {
            YKind::Scalar { text, .. } if !node.is_null() => Some(text),
            _ => {
                let found = if node.is_null() { "nothing" } else { node.kind_name() };
                self.error(codes::TEST_SHAPE, node.span, format!("{what} must be a single value, found {found}"));
                None
            }
        }
    }

    /// A date, or an error.
    pub fn date(&mut self, node: &YNode, what: &str) -> Option<Date> {
        let text = self.text(node, what)?;
        let date = parse_date(text);
        if date.is_none() {
            self.error(codes::TEST_VALUE, node.span, format!("{what} `{text}` is {}", crate::value::not_a_date(text)));
        }
        date
    }

    /// Reports every key of `entries` not in `known`, with a suggestion.
    pub fn known_keys(&mut self, entries: &[(YNode, YNode)], known: &[&str], what: &str) {
        for (key, _) in entries {
            let name = key.as_scalar().unwrap_or_default();
            if !known.contains(&name) {
                let help = did_you_mean(name, known.iter().copied())
                    .unwrap_or_else(|| format!("{what} may have: {}", known.join(", ")));
                self.error_help(codes::TEST_UNKNOWN_KEY, key.span, format!("unknown key `{name}` in {what}"), help);
            }
        }
    }
}

/// The value under `key` in a mapping's entries.
pub(crate) fn get<'n>(entries: &'n [(YNode, YNode)], key: &str) -> Option<&'n YNode> {
    entries.iter().find(|(k, _)| k.as_scalar() == Some(key)).map(|(_, v)| v)
}

/// The span of the key `key` in a mapping's entries.
fn key_span(entries: &[(YNode, YNode)], key: &str) -> Option<Span> {
    entries.iter().find(|(k, _)| k.as_scalar() == Some(key)).map(|(k, _)| k.span)
}

/// Reports each key a mapping of the test file gives twice (`cases:`,
/// `expect:`, a field of `expect`): YAML keeps the first and the rest would
/// silently test nothing. Snapshots are left to the snapshot reader, which
/// makes the same mistake that snapshot's error.
fn repeated_keys(node: &YNode, r: &mut Reader<'_>) {
    match &node.kind {
        YKind::Map(entries) => {
            for (i, (key, value)) in entries.iter().enumerate() {
                let Some(name) = key.as_scalar() else { continue };
                if let Some((first, _)) = entries.iter().take(i).find(|(k, _)| k.as_scalar() == Some(name)) {
                    let file = r.file;
                    let message = format!("`{name}` is given twice; only the first would be read");
                    r.error_help(codes::TEST_DUPLICATE, key.span, message, "give each key once (merge the two)");
                    if let Some(d) = r.diags.last_mut() {
                        d.relate(file, first.span, "first given here");
                    }
                }
                if !matches!(name, "snapshot" | "base_snapshot") {
                    repeated_keys(value, r);
                }
            }
        }
        YKind::Seq(items) => items.iter().for_each(|item| repeated_keys(item, r)),
        _ => {}
    }
}

/// Reads a test file's document; problems go to `r.diags`. `None` when it names no policy.
pub(crate) fn read_test_file(doc: &YNode, r: &mut Reader<'_>) -> Option<TestFile> {
    repeated_keys(doc, r);
    let entries = r.map(doc, "a test file")?;
    r.known_keys(entries, &TOP_KEYS, "a test file");
    let dir = r.file.parent().unwrap_or_else(|| Path::new("")).to_path_buf();
    let policy = match get(entries, "policy") {
        Some(node) => match r.text(node, "`policy`") {
            Some(p) if p.trim().is_empty() => {
                r.error_help(
                    codes::TEST_MISSING,
                    node.span,
                    "the test file's `policy` is empty",
                    "name the policy file, relative to the test file: `policy: ../my.policy`",
                );
                None
            }
            p => p.map(|p| (normalize(&dir.join(p)), node.span)),
        },
        None => {
            r.error_help(
                codes::TEST_MISSING,
                doc.span,
                "the test file names no policy",
                "add `policy: ../my.policy` (relative to the test file)",
            );
            None
        }
    };
    let as_of = get(entries, "as_of").and_then(|n| r.date(n, "`as_of`"));
    let base = get(entries, "base_snapshot").and_then(|n| r.map(n, "`base_snapshot`").map(|_| n));
    let cases = match get(entries, "cases") {
        Some(node) if node.is_null() => Vec::new(),
        Some(node) => r.seq(node, "`cases`").map(|items| read_cases(items, base, &dir, r)).unwrap_or_default(),
        None => Vec::new(),
    };
    let golden = read_golden(entries, doc.span, &dir, r);
    if get(entries, "cases").is_none() && get(entries, "golden").is_none() && get(entries, "snapshots").is_none() {
        r.error_help(
            codes::TEST_MISSING,
            doc.span,
            "the test file has no `cases:` and no `golden:`",
            "add `cases:` with one or more cases, or `golden:` with `snapshots:`",
        );
    } else if let Some(node) = get(entries, "cases").filter(|n| holds_nothing(n) && golden_absent(entries)) {
        // A file that cannot fail would pass forever, whatever the policy becomes.
        r.error_help(
            codes::TEST_MISSING,
            node.span,
            "`cases` holds no case: this test file tests nothing and could never fail",
            "add one or more cases (name, snapshot, expect), or `golden:` with `snapshots:`",
        );
    }
    // Even with errors, the rest is still read against the policy, so that one
    // run reports every mistake of the file.
    let (policy, policy_span) = policy?;
    Some(TestFile { policy, policy_span, as_of, cases, golden })
}

fn read_golden(entries: &[(YNode, YNode)], whole: Span, dir: &Path, r: &mut Reader<'_>) -> Option<GoldenSpec> {
    match (get(entries, "golden"), get(entries, "snapshots")) {
        (None, None) => None,
        (Some(g), Some(s)) => {
            let golden = r.text(g, "`golden`")?;
            let snapshots = r.text(s, "`snapshots`")?;
            Some(GoldenSpec {
                golden: normalize(&dir.join(golden)),
                golden_span: g.span,
                snapshots: normalize(&dir.join(snapshots)),
                snapshots_span: s.span,
            })
        }
        (Some(_), None) => {
            let span = key_span(entries, "golden").unwrap_or(whole);
            r.error_help(
                codes::TEST_MISSING,
                span,
                "`golden:` needs `snapshots:`, the portfolio whose decisions it keeps",
                "add `snapshots: ../portfolio.jsonl` (relative to the test file)",
            );
            None
        }
        (None, Some(_)) => {
            let span = key_span(entries, "snapshots").unwrap_or(whole);
            r.error_help(
                codes::TEST_MISSING,
                span,
                "`snapshots:` needs `golden:`, the file that keeps their decisions",
                "add `golden: my.golden.jsonl` and run `verdict test --accept` to write it",
            );
            None
        }
    }
}

/// Whether a `cases:` value holds no case at all (`[]` or nothing), as
/// opposed to cases that could not be read, which are reported themselves.
fn holds_nothing(node: &YNode) -> bool {
    node.is_null() || matches!(&node.kind, crate::yaml::YKind::Seq(items) if items.is_empty())
}

/// Whether the file has neither `golden:` nor `snapshots:`.
fn golden_absent(entries: &[(YNode, YNode)]) -> bool {
    get(entries, "golden").is_none() && get(entries, "snapshots").is_none()
}

fn read_cases(items: &[YNode], base: Option<&YNode>, dir: &Path, r: &mut Reader<'_>) -> Vec<CaseSpec> {
    let mut names = HashSet::new();
    let mut cases = Vec::new();
    for (index, item) in items.iter().enumerate() {
        let Some(entries) = r.map(item, "a case") else {
            continue;
        };
        r.known_keys(entries, &CASE_KEYS, "a case");
        let head = case_head(item, entries);
        let name = match get(entries, "name") {
            Some(n) => match r.text(n, "a case's `name`") {
                // A case is reported and told apart by its name: an empty one names nothing.
                Some(t) if t.trim().is_empty() => {
                    r.error(codes::TEST_MISSING, n.span, "a case's `name` is empty");
                    None
                }
                t => t.map(|t| (t.to_string(), n.span)),
            },
            None => {
                r.error(codes::TEST_MISSING, head, "this case has no `name`");
                None
            }
        };
        if let Some((name, span)) = &name {
            if !names.insert(name.clone()) {
                r.error_help(
                    codes::TEST_DUPLICATE,
                    *span,
                    format!("two cases are named `{name}`"),
                    "give every case of a file its own name",
                );
            }
        }
        let snapshot = read_source(entries, head, base, dir, r);
        let expect = match get(entries, "expect") {
            Some(e) => r.map(e, "`expect`").map(|_| e.clone()),
            None => {
                r.error_help(
                    codes::TEST_MISSING,
                    head,
                    "this case has no `expect`",
                    "say what the decision must be, e.g. `expect: {outcome: none}`",
                );
                None
            }
        };
        // A case without a readable name (an error already) is still kept,
        // under its position, so that what it expects is checked too: the
        // file is not run with an error, but every problem is reported.
        let name = name.map_or_else(|| format!("case {}", index + 1), |(name, _)| name);
        if let (Some(snapshot), Some(expect)) = (snapshot, expect) {
            cases.push(CaseSpec { name, span: item.span, snapshot, expect });
        }
    }
    cases
}

/// Where a case is pointed at for what it lacks: its first key, or its
/// name (the whole case would run to the next one).
fn case_head(item: &YNode, entries: &[(YNode, YNode)]) -> Span {
    let name_key = entries.iter().find(|(k, _)| k.as_scalar() == Some("name"));
    name_key.or(entries.first()).map_or(item.span, |(k, _)| k.span)
}

fn read_source(
    entries: &[(YNode, YNode)],
    whole: Span,
    base: Option<&YNode>,
    dir: &Path,
    r: &mut Reader<'_>,
) -> Option<SnapshotSource> {
    let id = get(entries, "snapshot_id");
    match (get(entries, "snapshot"), get(entries, "snapshot_file")) {
        (Some(inline), None) => {
            if let Some(id) = id {
                r.error_help(
                    codes::TEST_CONFLICT,
                    id.span,
                    "`snapshot_id` picks an account of a `snapshot_file`",
                    "write the `id` inside the `snapshot:` mapping instead",
                );
            }
            r.map(inline, "`snapshot`")?;
            Some(SnapshotSource::Inline(match base {
                Some(base) => merge(base, inline),
                None => inline.clone(),
            }))
        }
        (None, Some(file)) => {
            let path = r.text(file, "`snapshot_file`")?;
            let id = match id {
                Some(node) => Some((r.text(node, "`snapshot_id`")?.to_string(), node.span)),
                None => None,
            };
            Some(SnapshotSource::File { path: normalize(&dir.join(path)), span: file.span, id })
        }
        (Some(_), Some(file)) => {
            r.error(codes::TEST_CONFLICT, file.span, "a case has either `snapshot` or `snapshot_file`, not both");
            None
        }
        (None, None) => {
            r.error_help(
                codes::TEST_MISSING,
                whole,
                "this case has no snapshot",
                "add `snapshot:` (a mapping) or `snapshot_file:` (a file next to the test)",
            );
            None
        }
    }
}

/// `over` laid over `base`: mappings merge key by key (recursively), anything
/// else in `over` replaces what `base` has. Spans stay those of the node written.
pub(crate) fn merge(base: &YNode, over: &YNode) -> YNode {
    let (YKind::Map(b), YKind::Map(o)) = (&base.kind, &over.kind) else {
        return over.clone();
    };
    // Keys by name on both sides, so a snapshot of many fields is not searched key by key.
    let over_keys: HashMap<Option<&str>, usize> =
        o.iter().enumerate().rev().map(|(i, (k, _))| (k.as_scalar(), i)).collect();
    let base_keys: HashSet<Option<&str>> = b.iter().map(|(k, _)| k.as_scalar()).collect();
    let mut entries: Vec<(YNode, YNode)> = b
        .iter()
        .map(|(k, v)| match over_keys.get(&k.as_scalar()).and_then(|&i| o.get(i)) {
            Some((ok, ov)) => (ok.clone(), merge(v, ov)),
            None => (k.clone(), v.clone()),
        })
        .collect();
    // A key the overlay gives twice stays twice, so the snapshot reader
    // reports it rather than one of the two silently winning.
    for (i, (k, v)) in o.iter().enumerate() {
        let laid_over = base_keys.contains(&k.as_scalar()) && over_keys.get(&k.as_scalar()) == Some(&i);
        if !laid_over {
            entries.push((k.clone(), v.clone()));
        }
    }
    YNode { kind: YKind::Map(entries), span: over.span }
}

/// `a/b/../c` → `a/c`, dropping `.`: paths as a person would write them, for
/// messages and for loading each policy once.
pub fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => match out.components().next_back() {
                Some(Component::Normal(_)) => {
                    out.pop();
                }
                Some(Component::RootDir | Component::Prefix(_)) => {}
                _ => out.push(".."),
            },
            other => out.push(other),
        }
    }
    if out.as_os_str().is_empty() {
        out.push(".");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::yaml::parse_document;

    #[test]
    fn paths_are_normalized_lexically() {
        assert_eq!(normalize(Path::new("policies/tests/../lifecycle.policy")), Path::new("policies/lifecycle.policy"));
        assert_eq!(normalize(Path::new("./a/./b")), Path::new("a/b"));
        assert_eq!(normalize(Path::new("../x/../../y")), Path::new("../../y"));
        assert_eq!(normalize(Path::new("a/..")), Path::new("."));
    }

    #[test]
    fn merge_overrides_key_by_key() {
        let base = parse_document("a: 1\nn: {x: 1, y: 2}\nl: [1, 2]\n").unwrap();
        let over = parse_document("n: {y: 3}\nl: [9]\nb: 2\n").unwrap();
        let m = merge(&base, &over);
        assert_eq!(m.get("a").and_then(YNode::as_scalar), Some("1"));
        assert_eq!(m.get("n").and_then(|n| n.get("x")).and_then(YNode::as_scalar), Some("1"));
        assert_eq!(m.get("n").and_then(|n| n.get("y")).and_then(YNode::as_scalar), Some("3"));
        assert!(matches!(&m.get("l").unwrap().kind, YKind::Seq(v) if v.len() == 1));
        assert_eq!(m.get("b").and_then(YNode::as_scalar), Some("2"));
    }

    #[test]
    fn merge_keeps_a_key_the_overlay_repeats() {
        let base = parse_document("a: 1\nb: 2\n").unwrap();
        let over = parse_document("a: 3\nc: 4\na: 5\nc: 6\n").unwrap();
        let YKind::Map(entries) = merge(&base, &over).kind else { panic!("a map") };
        let pairs: Vec<(&str, &str)> =
            entries.iter().map(|(k, v)| (k.as_scalar().unwrap(), v.as_scalar().unwrap())).collect();
        assert_eq!(pairs, [("a", "3"), ("b", "2"), ("c", "4"), ("a", "5"), ("c", "6")]);
    }

    #[test]
    fn merging_wide_snapshots_keeps_base_order_then_new_keys() {
        // Keys are matched by hashing: 20,000 on each side would otherwise be
        // 400 million comparisons.
        let n = 20_000;
        let base: String = (0..n).map(|i| format!("k{i}: {i}\n")).collect();
        let over: String = (0..n).rev().map(|i| format!("k{}: x{i}\n", i + n / 2)).collect();
        let m = merge(&parse_document(&base).unwrap(), &parse_document(&over).unwrap());
        let YKind::Map(entries) = &m.kind else { panic!("a map") };
        assert_eq!(entries.len(), n + n / 2);
        let key = |i: usize| entries[i].0.as_scalar().unwrap().to_string();
        assert_eq!((key(0), key(n - 1), key(n)), ("k0".into(), format!("k{}", n - 1), format!("k{}", n + n / 2 - 1)));
        assert_eq!(m.get("k3").and_then(YNode::as_scalar), Some("3"));
        assert_eq!(m.get(&format!("k{}", n / 2)).and_then(YNode::as_scalar), Some("x0"));
    }
}
