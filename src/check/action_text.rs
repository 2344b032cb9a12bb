//! The strings of actions (`escalate to`, `review`, `tag`, `notify`'s
//! template, a reason's code and text): a literal stays a value built once;
//! anything else must be a present string (an enum member reads as its name),
//! computed when the rule fires.

use super::expr::{member_name, Scope};
use super::Checker;
use crate::diagnostic::codes;
use crate::ir::*;
use crate::syntax::ast::{Expr, ExprKind};

impl Checker<'_> {
    /// Checks the string `what` of an action (e.g. "the stage of `escalate to`").
    pub(super) fn action_text(&mut self, e: &Expr, what: &str) -> Option<TText> {
        if let ExprKind::Str(s) = &e.kind {
            return Some(TText::Lit(s.as_str().into()));
        }
        let t = self.expr(e, Scope { element: None })?;
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
}
