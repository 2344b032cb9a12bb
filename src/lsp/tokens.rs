//! Semantic tokens: what each name of the policy is, which a grammar of
//! words cannot tell — a schema field, a let, a table's named output, a
//! batch, a hook or a built-in function — with its declarations marked.
//! Keywords, literals and comments are the editor grammar's
//! (`editors/vscode/syntaxes`); names are what the checker resolved.

use super::document::Document;
use super::index::Target;
use lsp_types::{SemanticToken, SemanticTokenModifier, SemanticTokenType, SemanticTokens, SemanticTokensLegend};

/// The token types, in the legend's order (a token's type is its index here).
const TYPES: [SemanticTokenType; 4] = [
    SemanticTokenType::PROPERTY,
    SemanticTokenType::VARIABLE,
    SemanticTokenType::FUNCTION,
    SemanticTokenType::NAMESPACE,
];

/// The token modifiers, in the legend's order (bit `i` is modifier `i`).
const MODIFIERS: [SemanticTokenModifier; 3] =
    [SemanticTokenModifier::DECLARATION, SemanticTokenModifier::READONLY, SemanticTokenModifier::DEFAULT_LIBRARY];

const DECLARATION: u32 = 1;
const READONLY: u32 = 1 << 1;
const DEFAULT_LIBRARY: u32 = 1 << 2;

/// What the server says its tokens mean.
pub fn legend() -> SemanticTokensLegend {
    SemanticTokensLegend { token_types: TYPES.to_vec(), token_modifiers: MODIFIERS.to_vec() }
}

/// A target's type (index into [`TYPES`]) and modifiers: fields and a
/// table's outputs are properties; lets variables (read-only: a policy
/// never assigns); hooks functions, built-ins functions of the default
/// library; batches namespaces (`id in reg_2023_q3`).
fn kind(target: &Target) -> (u32, u32) {
    match target {
        Target::Field { .. } | Target::Output { .. } => (0, 0),
        Target::Let(_) | Target::AsOf => (1, READONLY),
        Target::Hook(_) => (2, 0),
        Target::Function(_) => (2, DEFAULT_LIBRARY),
        Target::Batch(_) => (3, 0),
    }
}

/// Every resolved name of the document's last check, in the protocol's
/// relative encoding (UTF-16 columns). Overlapping occurrences (a table's
/// output inside its `table.output`) keep the first, as tokens may not overlap.
pub fn full(doc: &Document) -> SemanticTokens {
    let mut occurrences: Vec<_> = doc.index.occurrences.iter().filter(|o| o.span.end > o.span.start).collect();
    occurrences.sort_by_key(|o| (o.span.start, std::cmp::Reverse(o.span.end)));
    let mut data = Vec::with_capacity(occurrences.len());
    let (mut line, mut column, mut end) = (0, 0, 0);
    for o in occurrences {
        if (o.span.start) < end {
            continue;
        }
        let range = doc.lines.range(&doc.text, o.span);
        // A name is one line; anything else is not a token.
        if range.start.line != range.end.line {
            continue;
        }
        let (token_type, mut modifiers) = kind(&o.target);
        if o.declaration {
            modifiers |= DECLARATION;
        }
        let delta_line = range.start.line - line;
        let delta_start = if delta_line == 0 { range.start.character - column } else { range.start.character };
        data.push(SemanticToken {
            delta_line,
            delta_start,
            length: range.end.character - range.start.character,
            token_type,
            token_modifiers_bitset: modifiers,
        });
        (line, column, end) = (range.start.line, range.start.character, o.span.end);
    }
    SemanticTokens { result_id: None, data }
}
