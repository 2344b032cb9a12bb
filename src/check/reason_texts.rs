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

/// A reason code written with its text, where the text is written.
struct Given<'a> {
    code: &'a str,
    text: &'a str,
    at: Span,
    /// The scorecard item it is a characteristic of, if it is one.
    card: Option<usize>,
}

/// One warning for each text of a code that differs from its first text
/// (given outside the first text's scorecard), once per text.
pub(super) fn reason_texts(ast: &PolicyAst, file: &Path) -> Vec<Diagnostic> {
    let mut first: HashMap<&str, &Given<'_>> = HashMap::new();
    let mut said: HashSet<(&str, &str)> = HashSet::new();
    let mut out = Vec::new();
    let given = given(ast);
    for later in &given {
        let Some(earlier) = first.get(later.code).copied() else {
            first.insert(later.code, later);
            continue;
        };
        let same_card = later.card.is_some() && later.card == earlier.card;
        if earlier.text == later.text || same_card || !said.insert((later.code, later.text)) {
            continue;
        }
        let message = format!(
            "the reason code `{}` is given another text here than before: {:?} and {:?}",
            later.code, earlier.text, later.text
        );
        out.push(
            Diagnostic::warning(codes::REASON_CODE_TEXTS, file, later.at, message)
                .with_label("another text")
                .with_related(file, earlier.at, "first given here")
                .with_help("give one code one text (or a code of its own to this text): decisions, letters and reports read the code"),
        );
    }
    out
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
                        out.push(Given { code: &c.code.node, text: &text.node, at: text.span, card: Some(index) });
                    }
                }
            }
            _ => {}
        }
    }
    out
}

/// A rule's reasons whose code and text are both literals.
fn rule<'a>(decl: &'a RuleDecl, out: &mut Vec<Given<'a>>) {
    for action in &decl.actions {
        let ActionKind::Reason { code, text: Some(text) } = &action.kind else { continue };
        if let (ExprKind::Str(code), ExprKind::Str(written)) = (&code.kind, &text.kind) {
            out.push(Given { code, text: written, at: text.span, card: None });
        }
    }
}
