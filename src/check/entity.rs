//! Which actions and guards fit the schema's entity: an account policy
//! decides with close, freeze, restrict, reinstate and limits; an
//! application policy (`entity: application`) with approve, refer and
//! decline (and `set limit to` for the initial limit).

use super::Checker;
use crate::diagnostic::{codes, Span};
use crate::ir::Outcome;
use crate::syntax::ast::ActionKind;

impl Checker<'_> {
    /// The status an action sets, if it is a status action (not `set limit`).
    pub(super) fn status_of(kind: &ActionKind) -> Option<Outcome> {
        match kind {
            ActionKind::Close => Some(Outcome::Close),
            ActionKind::Freeze(_) => Some(Outcome::Freeze),
            ActionKind::Restrict(_) => Some(Outcome::Restrict),
            ActionKind::Reinstate => Some(Outcome::Reinstate),
            ActionKind::Approve => Some(Outcome::Approve),
            ActionKind::Refer => Some(Outcome::Refer),
            ActionKind::Decline => Some(Outcome::Decline),
            _ => None,
        }
    }

    /// Whether `outcome`, written at `span` as an action (or a guard's
    /// outcome, `guard` true), fits the entity; reports it when not.
    pub(super) fn fits_entity(&mut self, outcome: Outcome, span: Span, guard: bool) -> bool {
        let application = self.schema.is_application();
        let what = if guard { "a guard on" } else { "the action" };
        let name = outcome.name();
        if application && !outcome.is_admission() {
            self.err(
                codes::ACCOUNT_ACTION_IN_APPLICATION,
                span,
                format!("{what} `{name}` is for accounts, and this policy decides applications"),
            )
            .help = Some(format!(
                "the schema `{}` says `entity: application`: decide with approve, refer or decline",
                self.schema.path.display()
            ));
            return false;
        }
        if !application && outcome.is_admission() {
            self.err(
                codes::ADMISSION_ACTION_IN_ACCOUNT,
                span,
                format!("{what} `{name}` decides applications, and this policy decides accounts"),
            )
            .help = Some(format!(
                "approve, refer and decline need a schema with `entity: application`; `{}` says `entity: {}`",
                self.schema.path.display(),
                self.schema.entity
            ));
            return false;
        }
        true
    }
}
