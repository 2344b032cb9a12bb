//! The outline of a policy: rules, groups (with their rules), lets, batches,
//! hooks and guards, in file order.

use super::document::Document;
use crate::diagnostic::Span;
use crate::syntax::ast::{Expr, ExprKind, Item, RuleDecl};
use lsp_types::{DocumentSymbol, SymbolKind};

/// One entry of the outline, before positions are computed.
struct Outline {
    name: String,
    detail: Option<String>,
    kind: SymbolKind,
    /// The whole declaration.
    span: Span,
    /// The part to select (its name).
    name_span: Span,
    children: Vec<Outline>,
}

/// The outline of the last parse of `doc` (empty while it does not parse).
pub fn document_symbols(doc: &Document) -> Vec<DocumentSymbol> {
    // While the text does not parse, the outline of the items that do.
    let Some(ast) = doc.items() else { return Vec::new() };
    ast.items.iter().filter_map(outline).map(|o| to_symbol(doc, o)).collect()
}

/// The outline entry of a top-level item. A new kind of declaration (a
/// split, say) gets its arm here; a new kind of `let` value gets one in [`let_kind`].
fn outline(item: &Item) -> Option<Outline> {
    let entry = |name: &str, detail: Option<String>, kind, span, name_span| Outline {
        name: name.to_string(),
        detail,
        kind,
        span,
        name_span,
        children: Vec::new(),
    };
    Some(match item {
        Item::Let { name, value, span } => {
            let (kind, detail) = let_kind(value);
            entry(&name.node, Some(detail.into()), kind, *span, name.span)
        }
        Item::Rule(rule) => rule_outline(rule),
        Item::Group(group) => Outline {
            children: group.rules.iter().map(rule_outline).collect(),
            ..entry(
                &group.name.node,
                Some(group_detail(group.first)),
                SymbolKind::NAMESPACE,
                group.span,
                group.name.span,
            )
        },
        Item::Batch { name, span, .. } => entry(&name.node, Some("batch".into()), SymbolKind::ARRAY, *span, name.span),
        Item::Hook(hook) => {
            entry(&hook.name.node, Some("hook".into()), SymbolKind::FUNCTION, hook.span, hook.name.span)
        }
        Item::Guard(guard) => {
            entry(&format!("guard {}", guard.outcome.node), None, SymbolKind::CONSTANT, guard.span, guard.outcome.span)
        }
        Item::Scorecard { name, card, span } => {
            let detail =
                format!("scorecard, {}", crate::terminal::counted(card.characteristics.len(), "characteristic"));
            entry(&name.node, Some(detail), SymbolKind::CLASS, *span, name.span)
        }
        Item::Split(split) => {
            let arms: Vec<&str> = split.arms.iter().map(|(arm, _)| arm.node.as_str()).collect();
            let detail = format!("split: {}", arms.join(" | "));
            entry(&split.name.node, Some(detail), SymbolKind::ENUM, split.span, split.name.span)
        }
        Item::Policy { .. } | Item::Schema { .. } => return None,
    })
}

/// How a `let` shows in the outline, by what its value is. Tables and
/// scorecards (`let NAME = table ...`) get their own arm: `STRUCT`, `CLASS`.
fn let_kind(value: &Expr) -> (SymbolKind, &'static str) {
    match &value.kind {
        ExprKind::Int(_)
        | ExprKind::Decimal { .. }
        | ExprKind::Str(_)
        | ExprKind::Date(_)
        | ExprKind::Duration(_)
        | ExprKind::Bool(_)
        | ExprKind::None
        | ExprKind::List(_) => (SymbolKind::CONSTANT, "let"),
        ExprKind::Table(_) => (SymbolKind::STRUCT, "table"),
        _ => (SymbolKind::VARIABLE, "let"),
    }
}

fn group_detail(first: bool) -> String {
    if first {
        "group, first match".into()
    } else {
        "group".into()
    }
}

fn rule_outline(rule: &RuleDecl) -> Outline {
    let detail = match rule.priority() {
        0 => "rule".to_string(),
        p => format!("rule, priority {p}"),
    };
    Outline {
        name: rule.name.node.clone(),
        detail: Some(detail),
        kind: SymbolKind::EVENT,
        span: rule.span,
        name_span: rule.name.span,
        children: Vec::new(),
    }
}

#[expect(deprecated, reason = "`DocumentSymbol::deprecated` must still be given; `tags` replaced it")]
fn to_symbol(doc: &Document, o: Outline) -> DocumentSymbol {
    // The protocol forbids an empty or blank name (VS Code drops the outline):
    // a rule named `""` or `" "` is shown as written, quotes and all.
    let name = if o.name.trim().is_empty() { format!("{:?}", o.name) } else { o.name };
    DocumentSymbol {
        name,
        detail: o.detail,
        kind: o.kind,
        tags: None,
        deprecated: None,
        range: doc.lines.range(&doc.text, o.span),
        selection_range: doc.lines.range(&doc.text, o.name_span),
        children: Some(o.children.into_iter().map(|c| to_symbol(doc, c)).collect()).filter(|c: &Vec<_>| !c.is_empty()),
    }
}
