//! `W0120`: one reason code given two different texts (by two rules, a rule
//! and a scorecard's characteristic, or two scorecards). A decision carries
//! both code and text, and a downstream system keyed on the code (an
//! adverse-action letter, a complaints report) would get two meanings for
//! one code depending on which rule fired. Only literal codes and texts are
//! compared, and a scorecard's only when some `reasons from` gives its
//! reasons (else its texts reach no decision); two characteristics of one
//! scorecard sharing a code are `W0613`'s.

use crate::diagnostic::{codes, Diagnostic, Span};
use crate::syntax::ast::{ActionKind, ExprKind, Item, PolicyAst, RuleDecl};
use std::collections::{HashMap, HashSet};
use std::path::Path;

/// A reason code written with its text (or without one), where the text
/// (or the code) is written.
struct Given<'a> {
    code: &'a str,
    /// `None` for a rule's `reason "S01"` without a text: its decisions
    /// carry the code with a `null` text.
    text: Option<&'a str>,
    at: Span,
    /// The scorecard item it is a characteristic of, if it is one.
    card: Option<usize>,
}

/// One warning for each text of a code that differs from its first text
/// (given outside the first text's scorecard), once per text; and one for
/// each rule giving the code without a text where it has one (before or
/// after), at that rule.
pub(super) fn reason_texts(ast: &PolicyAst, file: &Path) -> Vec<Diagnostic> {
    let given = given(ast);
    let mut first: HashMap<&str, &Given<'_>> = HashMap::new();
    for g in given.iter().filter(|g| g.text.is_some()) {
        first.entry(g.code).or_insert(g);
    }
    let mut said: HashSet<(&str, &str)> = HashSet::new();
    let mut out = Vec::new();
    for later in &given {
        let Some(earlier) = first.get(later.code).copied() else { continue };
        let same_card = later.card.is_some() && later.card == earlier.card;
        let (Some(text), Some(first_text)) = (later.text, earlier.text) else {
            if let (None, Some(first_text)) = (later.text, earlier.text) {
                out.push(without_text(file, later, earlier, first_text));
            }
            continue;
        };
        if std::ptr::eq(later, earlier) || text == first_text || same_card || !said.insert((later.code, text)) {
            continue;
        }
        let (first_text, text) = (crate::terminal::quoted(first_text), crate::terminal::quoted(text));
        let message =
            format!("the reason code `{}` is given another text here than before: {first_text} and {text}", later.code);
        out.push(
            Diagnostic::warning(codes::REASON_CODE_TEXTS, file, later.at, message)
                .with_label("another text")
                .with_related(file, earlier.at, "first given here")
                .with_help("give one code one text (or a code of its own to this text): decisions, letters and reports read the code"),
        );
    }
    out.sort_by_key(|d| d.span.start);
    out
}

/// A rule's `reason "S01"` without a text where `S01` has one: its decisions
/// carry the code with no wording.
fn without_text(file: &Path, bare: &Given<'_>, given: &Given<'_>, text: &str) -> Diagnostic {
    let code = bare.code;
    let text = crate::terminal::quoted(text);
    let message = format!("the reason code `{code}` is given no text here, and {text} elsewhere");
    Diagnostic::warning(codes::REASON_CODE_TEXTS, file, bare.at, message)
        .with_label("no text")
        .with_related(file, given.at, "its text")
        .with_help(format!(
            "give it its text, `reason \"{code}\" {text}`: decisions, letters and reports read the code"
        ))
}

/// Every literal code with a literal text, in file order: rules' reasons,
/// and the characteristics of the scorecards a `reasons from` names.
fn given(ast: &PolicyAst) -> Vec<Given<'_>> {
    let rules: Vec<&RuleDecl> = ast
        .items
        .iter()
        .flat_map(|item| match item {
            Item::Rule(decl) => std::slice::from_ref(decl).iter(),
            Item::Group(group) => group.rules.iter(),
            _ => [].iter(),
        })
        .collect();
    let giving_reasons = |name: &str| {
        rules
            .iter()
            .flat_map(|r| &r.actions)
            .any(|a| matches!(&a.kind, ActionKind::ReasonsFrom { scorecard, .. } if scorecard.node == name))
    };
    let mut out = Vec::new();
    for (index, item) in ast.items.iter().enumerate() {
        match item {
            Item::Rule(decl) => rule(decl, &mut out),
            Item::Group(group) => group.rules.iter().for_each(|decl| rule(decl, &mut out)),
            Item::Scorecard { name, card, .. } if giving_reasons(&name.node) => {
                for c in &card.characteristics {
                    if let Some(text) = &c.text {
                        out.push(Given {
                            code: &c.code.node,
                            text: Some(&text.node),
                            at: text.span,
                            card: Some(index),
                        });
                    }
                }
            }
            _ => {}
        }
    }
    out
}

/// A rule's reasons whose code is a literal, with their text when it is a
/// literal too, or none when none is written (an adverse-action letter keyed
/// on the code then gets no wording from this rule).
fn rule<'a>(decl: &'a RuleDecl, out: &mut Vec<Given<'a>>) {
    for action in &decl.actions {
        let ActionKind::Reason { code, text } = &action.kind else { continue };
        let ExprKind::Str(code_text) = &code.kind else { continue };
        match text.as_ref().map(|t| (&t.kind, t.span)) {
            Some((ExprKind::Str(written), at)) => {
                out.push(Given { code: code_text, text: Some(written), at, card: None })
            }
            Some(_) => {}
            None => out.push(Given { code: code_text, text: None, at: code.span, card: None }),
        }
    }
}
