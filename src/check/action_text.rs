//! The strings of actions (`escalate to`, `review`, `tag`, `notify`'s
//! template, a reason's code and text): a literal stays a value built once;
//! anything else must be a present string (an enum member reads as its name),
//! computed when the rule fires.

use super::expr::{member_name, Scope};
use super::Checker;
use crate::diagnostic::codes;
use crate::diagnostic::Span;
use crate::ir::*;
use crate::syntax::ast::{BinaryOp, Expr, ExprKind};

impl Checker<'_> {
    /// Checks the string `what` of an action (e.g. "the stage of `escalate to`").
    /// With `empty`, a text that may be empty (`""`, also as a fallback or a
    /// case's value) is that code's error: a blank code, stage or template
    /// would go out in the decision as such.
    pub(super) fn action_text(&mut self, e: &Expr, what: &str, empty: Option<&'static str>) -> Option<TText> {
        if let Some((code, at)) = empty.zip(empty_text_it_may_take(e)) {
            let literal = matches!(&e.kind, ExprKind::Str(_));
            let d = self.err(code, at, format!("{what} cannot be empty"));
            if !literal {
                d.label = Some("it would be empty here".into());
                d.help = Some("give a text that says what happened (e.g. `\"UNSPECIFIED\"`)".into());
            }
            return None;
        }
        if let ExprKind::Str(s) = &e.kind {
            return Some(TText::Lit(s.as_str().into()));
        }
        let reported = self.diags.len();
        let Some(t) = self.expr(e, Scope { element: None }) else {
            self.suggest_quotes(e, reported);
            return None;
        };
        let t = self.present(t, &format!("as {what}"))?;
        let t = match &t.ty.base {
            Base::Str | Base::Enum(_) => member_name(t),
            other => {
                let message = format!("expected a string as {what}, found {}", other.describe());
                self.err(codes::TYPE_MISMATCH, t.span, message).help =
                    Some("an action's text is a string: a literal, a let or a case of strings".into());
                return None;
            }
        };
        self.shallow_enough(&t).then_some(TText::Expr(t))
    }

    /// `reason R01 "…"`, `escalate to legal`: a bare word the checker does
    /// not know, where an action's text goes, is most likely the text
    /// itself; its "unknown name" says to quote it.
    fn suggest_quotes(&mut self, e: &Expr, reported: usize) {
        let ExprKind::Path(segments) = &e.kind else { return };
        let [word] = segments.as_slice() else { return };
        let unknown = self.diags.iter_mut().skip(reported).find(|d| d.code == codes::UNKNOWN_NAME && d.span == e.span);
        if let Some(d) = unknown {
            let quoted = format!("`\"{}\"`", word.node);
            // "did you mean" stays first: editors offer it as a quick fix.
            d.help = Some(match d.help.take() {
                Some(meant) => format!("{meant} If `{}` is the text itself, quote it: {quoted}", word.node),
                None => format!("texts are quoted: {quoted}"),
            });
        }
    }
}

/// Where `e` may be a blank string literal: itself, either side of `??`, a
/// case's value or its `else`.
fn empty_text_it_may_take(e: &Expr) -> Option<Span> {
    match &e.kind {
        ExprKind::Str(s) if s.trim().is_empty() => Some(e.span),
        ExprKind::Binary { op, lhs, rhs } if op.node == BinaryOp::Coalesce => {
            empty_text_it_may_take(lhs).or_else(|| empty_text_it_may_take(rhs))
        }
        ExprKind::Case { branches, otherwise } => branches
            .iter()
            .find_map(|b| empty_text_it_may_take(&b.then))
            .or_else(|| otherwise.as_deref().and_then(empty_text_it_may_take)),
        _ => None,
    }
}
