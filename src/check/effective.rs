//! `effective FROM [to TO]` on rules and groups: the days a rule takes part.
//! A rule in a dated group takes part only on the days both allow.

use super::Checker;
use crate::diagnostic::codes;
use crate::ir::EffectiveDays;
use crate::syntax::ast;

impl Checker<'_> {
    /// The days a written clause allows, or `None` (reported) when its last
    /// day is before its first.
    pub(super) fn effective_days(&mut self, written: &ast::Effective) -> Option<EffectiveDays> {
        let from = written.from.node;
        let to = written.to.as_ref();
        if let Some(to) = to.filter(|to| to.node < from) {
            self.err(
                codes::EFFECTIVE_DATES,
                to.span,
                format!("the last day {} is before the first day {from}: this would never be in effect", to.node),
            )
            .help = Some("write the first day after `effective` and the last one after `to`".into());
            return None;
        }
        Some(EffectiveDays { from, to: to.map(|t| t.node) })
    }

    /// A rule's days: its own within its group's. `Err` when its own clause is wrong (reported).
    pub(super) fn rule_days(
        &mut self,
        rule: &ast::RuleDecl,
        group: Option<EffectiveDays>,
    ) -> Result<Option<EffectiveDays>, ()> {
        let own = match &rule.effective {
            Some(written) => Some(self.effective_days(written).ok_or(())?),
            None => None,
        };
        Ok(match (own, group) {
            (Some(a), Some(b)) => {
                let both = a.intersect(b);
                if both.to.is_some_and(|to| to < both.from) {
                    let span = rule.effective.as_ref().map_or(rule.name.span, |e| e.span);
                    self.warn(
                        codes::NEVER_FIRES,
                        span,
                        format!(
                            "rule \"{}\" can never fire: its dates ({a}) and its group's ({b}) share no day",
                            rule.name.node
                        ),
                    )
                    .help = Some("a rule of a dated group takes part only on days both allow".into());
                }
                Some(both)
            }
            (a, b) => a.or(b),
        })
    }
}
