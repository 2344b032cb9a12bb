//! What can still be checked of a policy that does not parse: the items that
//! do, so that one run reports the type errors in them beside the syntax
//! errors (a risk officer fixing a typo should not meet a second round of
//! errors that were there all along).
//!
//! The broken items are blanked out of the text, byte for byte, so that the
//! items left keep their offsets and the checker's spans point into the
//! original file. What the blanked items declared is kept as [`LostItems`],
//! so that an error which only says "this name is not declared" about one of
//! them is not reported as if the policy lacked it.

use super::errors::item_starts;
use super::*;
use crate::syntax::LINE_END;

/// The part of a broken policy that parses, ready to check.
#[derive(Debug)]
pub struct Salvage {
    /// The items that parse and build, with spans into the original text.
    pub ast: PolicyAst,
    /// The original text with the broken items blanked (same length, same lines).
    pub text: String,
    /// What the broken items declared.
    pub lost: LostItems,
    /// The literals that stand in for ones written wrong (`2026-02-30`, a
    /// number too large): their items are kept, so that the errors beside
    /// them are found, but nothing said about the stand-ins is true.
    pub stand_ins: Vec<Span>,
    /// The items holding stand-ins.
    pub items_with_stand_ins: Vec<Span>,
}

/// What is proved of a whole table, scorecard or effective range: a
/// stand-in among its values makes any finding about them untrue, wherever
/// in the item it is said (a gap at the table's header, an overlap at a
/// later row).
const PROVED_OF_VALUES: &[&str] = &[
    codes::EMPTY_CELL,
    codes::TABLE_GAP,
    codes::TABLE_OVERLAP,
    codes::TABLE_TOO_LARGE,
    codes::SCORECARD_GAP,
    codes::SCORECARD_OVERLAP,
    codes::SCORECARD_ELSE,
    codes::EFFECTIVE_DATES,
];

impl Salvage {
    /// Whether `diagnostic`, found by checking the salvaged items, may be
    /// about what the broken items took away or a stand-in put in.
    #[must_use]
    pub fn may_explain(&self, diagnostic: &Diagnostic, text: &str) -> bool {
        let overlaps = |s: &Span, at: Span| s.start < at.end.max(at.start.saturating_add(1)) && at.start < s.end;
        let at = diagnostic.span;
        let spans = || std::iter::once(at).chain(diagnostic.related.iter().map(|r| r.span));
        self.lost.may_explain(diagnostic, text)
            || spans().any(|at| self.stand_ins.iter().any(|s| overlaps(s, at)))
            || (PROVED_OF_VALUES.contains(&diagnostic.code)
                && spans().any(|at| self.items_with_stand_ins.iter().any(|item| overlaps(item, at))))
    }
}

/// The declarations that were in broken items.
#[derive(Debug, Default)]
pub struct LostItems {
    /// Names of lets, hooks, batches and splits declared by a broken item.
    names: Vec<String>,
    /// A broken item may have declared a name that could not be read.
    unnamed: bool,
    /// The `policy` line may be among the broken items.
    header: bool,
}

impl LostItems {
    /// Whether `diagnostic`, found by checking the salvaged items, may only
    /// say that something a broken item declared is missing.
    #[must_use]
    pub fn may_explain(&self, diagnostic: &Diagnostic, text: &str) -> bool {
        match diagnostic.code {
            // `reasons from NAME` says "not a scorecard" of a name no let declares.
            codes::UNKNOWN_NAME | codes::UNKNOWN_FUNCTION | codes::NOT_A_SCORECARD => {
                let written = text.get(diagnostic.span.range()).unwrap_or("");
                let name = leading_identifier(written.trim_start());
                self.unnamed || self.names.iter().any(|lost| lost == name)
            }
            codes::POLICY_HEADER => self.header,
            _ => false,
        }
    }

    /// Records what the broken item whose text is `item` declared.
    fn note(&mut self, item: &str) {
        let item = item.trim_start_matches(|c: char| c.is_whitespace() || c == '\u{feff}');
        let keyword = leading_identifier(item);
        match keyword {
            "let" | "hook" | "batch" | "split" => {
                // The word written as the name, identifier or not (`let é = 1`,
                // `let 2x = 1`): an unknown name elsewhere is that word or is
                // not explained by this item; `let = 1` declares nothing.
                let rest = item.get(keyword.len()..).unwrap_or("").trim_start();
                let word_end = rest.find(|c: char| c.is_whitespace() || "=(:{\"#".contains(c)).unwrap_or(rest.len());
                let written = rest.get(..word_end).unwrap_or("");
                match leading_identifier(written) {
                    "" if written.is_empty() => {}
                    "" => self.names.push(written.to_owned()),
                    name => self.names.push(name.to_owned()),
                }
            }
            "policy" => self.header = true,
            "schema" | "guard" | "rule" | "group" => {}
            // Text before the first item that is not a comment: it may be a
            // misspelt declaration of anything.
            _ if !is_only_comments(item) => (self.unnamed, self.header) = (true, true),
            _ => {}
        }
    }
}

/// The identifier `text` starts with, or "" (an identifier does not start with a digit).
fn leading_identifier(text: &str) -> &str {
    if text.starts_with(|c: char| c.is_ascii_digit()) {
        return "";
    }
    let end = text.find(|c: char| !(c.is_ascii_alphanumeric() || c == '_')).unwrap_or(text.len());
    text.get(..end).unwrap_or("")
}

fn is_only_comments(text: &str) -> bool {
    text.split(LINE_END).all(|line| {
        let line = line.trim();
        line.is_empty() || line.starts_with('#')
    })
}

/// The items of `text` that parse, or `None` when nothing can be checked
/// (the text is too deeply nested, or the items left do not parse together).
#[must_use]
pub fn salvage(file: &Path, text: &str) -> Option<Salvage> {
    if too_deep_at(text).is_some() {
        return None;
    }
    let starts = item_starts(text);
    let broken: Vec<std::ops::Range<usize>> = starts
        .iter()
        .enumerate()
        .map(|(i, &start)| start..starts.get(i + 1).copied().unwrap_or(text.len()))
        .filter(|item| text.get(item.clone()).is_some_and(|chunk| !parses(chunk)))
        .collect();
    salvage_around(file, text, &broken)
}

/// [`salvage`] of a text whose items that do not parse on their own are
/// already known (`broken`, found while reporting its syntax errors).
pub(super) fn salvage_around(file: &Path, text: &str, broken: &[std::ops::Range<usize>]) -> Option<Salvage> {
    let mut lost = LostItems::default();
    let mut kept = text.as_bytes().to_vec();
    // Text before the first item (comments, or a misspelt first declaration).
    let first = item_starts(text).first().copied().unwrap_or(text.len());
    let lead = (first > 0).then_some(0..first);
    for item in lead.iter().filter(|lead| text.get((*lead).clone()).is_some_and(|t| !parses(t))).chain(broken) {
        let (Some(chunk), Some(kept_chunk)) = (text.get(item.clone()), kept.get_mut(item.clone())) else {
            continue;
        };
        if !chunk.is_empty() {
            lost.note(chunk);
            blank(kept_chunk);
        }
    }
    let text = String::from_utf8(kept).ok()?;
    let mut pairs = PolicyParser::parse(Rule::policy_file, &text).ok()?;
    let builder = AstBuilder::new(file);
    let mut items = Vec::new();
    let mut stand_ins = Vec::new();
    let mut items_with_stand_ins = Vec::new();
    let top = pairs.next().map(|file| file.into_inner()).into_iter().flatten();
    for pair in top.filter(|p| is_item(p.as_rule())) {
        let written = pair.as_str();
        match builder.item_with_stand_ins(pair) {
            Some((item, at)) => {
                if !at.is_empty() {
                    items_with_stand_ins.push(item_span(&item));
                }
                items.push(item);
                stand_ins.extend(at);
            }
            None => lost.note(written),
        }
    }
    Some(Salvage { ast: PolicyAst { items }, text, lost, stand_ins, items_with_stand_ins })
}

fn parses(chunk: &str) -> bool {
    chunk.is_empty() || PolicyParser::parse(Rule::policy_file, chunk).is_ok()
}

/// Replaces text by spaces, keeping its line ends (and so every line and column after it).
fn blank(bytes: &mut [u8]) {
    for b in bytes {
        if *b != b'\n' && *b != b'\r' {
            *b = b' ';
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn salvaged(text: &str) -> Salvage {
        salvage(Path::new("t.policy"), text).expect("salvageable")
    }

    #[test]
    fn broken_items_are_blanked_and_the_rest_keep_their_offsets() {
        let text = "policy \"p\"\nlet a = = 1\nlet b = 2\nrule \"r\" { when b > 1 then close }\n";
        let s = salvaged(text);
        assert_eq!(s.text.len(), text.len());
        assert_eq!(s.text.lines().nth(1), Some("           "));
        assert_eq!(s.ast.items.len(), 3);
        let b = text.find("let b").unwrap_or(0);
        assert_eq!(item_span(&s.ast.items[1]).start as usize, b);
        assert_eq!(s.lost.names, ["a"]);
        assert!(!s.lost.unnamed && !s.lost.header);
    }

    /// The salvage made while reporting a policy's errors, from the items
    /// found broken then, is the one made afresh.
    #[test]
    fn the_salvage_of_a_parse_is_the_salvage_made_afresh() {
        for text in [
            "policy \"p\"\nlet a = = 1\nlet b = 2\nrule \"r\" { when b > 1 then close }\n",
            "# lead\npolcy \"p\"\nrule \"r\" { when true then close }\nrule \"s\" { when then }\n",
            "policy \"p\"\nlet d = 2026-02-30\nrule \"r\" { when d > as_of then close }\n",
            "policy \"p\"\nrule \"r\" { when (1 then close }\nlet x = 1\n",
        ] {
            let file = Path::new("t.policy");
            let Err(unparsed) = super::super::parse_policy_or_salvage(file, text) else { panic!("{text} parsed") };
            assert_eq!(format!("{:?}", unparsed.salvage), format!("{:?}", salvage(file, text)), "{text}");
            assert_eq!(Some(unparsed.diagnostics), parse_policy(file, text).err(), "{text}");
        }
    }

    #[test]
    fn what_broken_items_declared_is_remembered() {
        let s = salvaged("policy \"p\" x\nhook h( -> int from \"h.rhai\"\nbatch 7 from \"b\"\nsplit s by { }\n");
        // A name that is no identifier is kept as written: only that word is explained.
        assert_eq!(s.lost.names, ["h", "7", "s"]);
        assert!(!s.lost.unnamed && s.lost.header);
        assert!(s.ast.items.is_empty());
        // A let with no name at all declares nothing: the others' unknown names stand.
        let s = salvaged("policy \"p\"\nlet = 1\nlet é = 2\nlet b = scroe\n");
        assert_eq!(s.lost.names, ["é"]);
        assert!(!s.lost.unnamed);
    }

    #[test]
    fn text_before_the_first_item_is_kept_when_it_is_comments() {
        let s = salvaged("\u{feff}# a policy\npolicy \"p\"\nrule \"r\" { when then }\n");
        assert!(!s.lost.unnamed && !s.lost.header);
        let s = salvaged("polcy \"p\"\nrule \"r\" { when true then close }\n");
        assert!(s.lost.unnamed && s.lost.header);
        assert_eq!(s.ast.items.len(), 1);
    }

    #[test]
    fn only_unknown_names_the_lost_items_declared_are_explained() {
        let text = "let total = x + 1\nlet other = y\n";
        let mut lost = LostItems::default();
        lost.note("let x = (");
        let at = |word: &str| {
            let start = text.find(word).unwrap_or(0);
            Span::new(start, start + word.len())
        };
        let unknown = |word| Diagnostic::error(codes::UNKNOWN_NAME, Path::new("t"), at(word), "unknown");
        assert!(lost.may_explain(&unknown("x"), text));
        assert!(!lost.may_explain(&unknown("y"), text));
        let reasons = Diagnostic::error(codes::NOT_A_SCORECARD, Path::new("t"), at("x"), "not a scorecard");
        assert!(lost.may_explain(&reasons, text));
        let mismatch = Diagnostic::error(codes::TYPE_MISMATCH, Path::new("t"), at("x"), "mismatch");
        assert!(!lost.may_explain(&mismatch, text));
    }
}
