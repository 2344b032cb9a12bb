//! What the fired rules of one snapshot add up to: the outcome, its end,
//! the limit, and the reasons, actions and fired rules in firing order.

use super::{action_text, run, scorecard, split, ActionKey, ActionRecord, Ctx, Decision, Reason, DEDUP_IN_ORDER};
use crate::compile::{Program, Rule};
use crate::ir::{Outcome, TAction};
use crate::snapshot::Key;
use crate::value::{Date, Duration, EvalFailure, FailureKind};
use rust_decimal::Decimal;
use std::collections::HashSet;
use std::sync::Arc;

/// Accumulates what fired rules decide.
#[derive(Default)]
pub(super) struct Assembly {
    close: bool,
    /// The first fired freeze (with the day it ends, if it has a duration).
    freeze: Option<Option<Date>>,
    /// The first fired restriction (with the day it ends, if it has a duration).
    restrict: Option<Option<Date>>,
    /// A `reinstate` fired.
    reinstate: bool,
    /// The most severe admission decision fired (`approve`, `refer`, `decline`).
    admit: Option<Outcome>,
    /// The first fired rule (an index into the program's rules) that sets
    /// the limit: the one whose limit wins, computed once the outcome is known.
    pub(super) limit_rule: Option<usize>,
    pub(super) limit: Option<Decimal>,
    pub(super) reasons: Vec<Reason>,
    pub(super) actions: Vec<ActionRecord>,
    pub(super) fired: Vec<Arc<str>>,
    /// Built once `reasons` / `actions` pass [`DEDUP_IN_ORDER`].
    reason_codes: Option<HashSet<Arc<str>>>,
    action_keys: Option<HashSet<ActionKey<Arc<str>>>>,
}

impl Assembly {
    /// Fires `rule` (at `index`). `cards`: when tracing, where the
    /// breakdown of a scorecard that ranks reasons is kept for the trace.
    pub(super) fn fire<'a>(
        &mut self,
        ctx: &mut Ctx<'a>,
        index: usize,
        rule: &'a Rule,
        mut cards: Option<&mut Vec<scorecard::ScorecardTrace>>,
    ) -> Result<(), EvalFailure> {
        let lowered = cards.is_none();
        self.fired.push(rule.name.clone());
        for action in &rule.actions {
            let name = || rule.name.clone();
            match action {
                TAction::Close => self.close = true,
                // Only the first fired freeze (restriction) can decide `until`,
                // so only its end is computed, as for the limit.
                TAction::Freeze(d) if self.freeze.is_none() => {
                    self.freeze = Some(ends(ctx.as_of, *d, "freeze")?);
                }
                TAction::Restrict(d) if self.restrict.is_none() => {
                    self.restrict = Some(ends(ctx.as_of, *d, "restriction")?);
                }
                TAction::Freeze(_) | TAction::Restrict(_) => {}
                TAction::Reinstate => self.reinstate = true,
                TAction::Admit(o) => self.admit = self.admit.max(Some(*o)),
                // The first (highest-priority) rule to set the limit wins.
                TAction::SetLimit(_) => {
                    self.limit_rule.get_or_insert(index);
                }
                TAction::Reason(code, text) => {
                    let code = action_text::reason_code(ctx, code)?;
                    // The text is computed only for a code not given yet.
                    if !self.has_reason(&code) {
                        let text = match text {
                            Some(t) => Some(action_text::text(ctx, t)?),
                            None => None,
                        };
                        self.add_new_reason(Reason { code, text, rule: name() });
                    }
                }
                TAction::Notify(channel, template) => {
                    let template = action_text::text(ctx, template)?;
                    self.push(ActionRecord::Notify { channel: *channel, template, rule: name() })
                }
                TAction::Escalate(stage) => {
                    let stage = action_text::text(ctx, stage)?;
                    self.push(ActionRecord::Escalate { stage, rule: name() })
                }
                TAction::Review(queue) => {
                    let queue = action_text::text(ctx, queue)?;
                    self.push(ActionRecord::Review { queue, rule: name() })
                }
                TAction::Tag(label) => {
                    let label = action_text::text(ctx, label)?;
                    self.push(ActionRecord::Tag { label, rule: name() })
                }
                TAction::ReasonsFrom { scorecard: index, top } => {
                    let Some(card) = scorecard::scorecard_of(ctx.program, *index) else { continue };
                    if lowered {
                        // Untraced, the ranking runs the lowered scorecard; the
                        // same reasons, in the same order, as below.
                        let ranked = run::scorecard_reasons(ctx, *index, *top, |k| {
                            if let Some(c) = card.characteristics.get(k) {
                                self.reason(Reason { code: c.code.clone(), text: c.text.clone(), rule: name() });
                            }
                        });
                        if let Some(ranked) = ranked {
                            ranked?;
                            continue;
                        }
                    }
                    let cards = cards.as_deref_mut();
                    let added =
                        scorecard::reasons(ctx, (*index, card), *top, &rule.name, |c| self.has_reason(c), cards)?;
                    for reason in added {
                        self.reason(reason);
                    }
                }
            }
        }
        Ok(())
    }

    /// Whether the decision will carry a limit: not under `close`, and for
    /// an application only when it is approved.
    pub(super) fn carries_limit(&self, program: &Program) -> bool {
        if program.frame.application {
            self.admit == Some(Outcome::Approve)
        } else {
            !self.close
        }
    }

    /// Whether the decision already has a reason with this code.
    fn has_reason(&self, code: &str) -> bool {
        match &self.reason_codes {
            Some(codes) => codes.contains(code),
            None => self.reasons.iter().any(|r| &*r.code == code),
        }
    }

    /// Adds a reason unless its code was already given.
    fn reason(&mut self, reason: Reason) {
        if !self.has_reason(&reason.code) {
            self.add_new_reason(reason);
        }
    }

    /// Adds a reason whose code `has_reason` just said is new.
    fn add_new_reason(&mut self, reason: Reason) {
        if let Some(codes) = &mut self.reason_codes {
            codes.insert(reason.code.clone());
        }
        self.reasons.push(reason);
        if self.reason_codes.is_none() && self.reasons.len() > DEDUP_IN_ORDER {
            self.reason_codes = Some(self.reasons.iter().map(|r| r.code.clone()).collect());
        }
    }

    fn push(&mut self, action: ActionRecord) {
        let seen = match &mut self.action_keys {
            Some(keys) => !keys.insert(action.key().owned()),
            None => self.actions.iter().any(|a| a.key() == action.key()),
        };
        if !seen {
            self.actions.push(action);
            if self.action_keys.is_none() && self.actions.len() > DEDUP_IN_ORDER {
                self.action_keys = Some(self.actions.iter().map(|a| a.key().owned()).collect());
            }
        }
    }

    /// The decision of a traced account, scores included (the untraced
    /// path, `decide_untraced`, moves the lists out of the assembly itself).
    /// The lists are taken, the assembly stays where it is: moving it into a
    /// by-value `self` was a 224-byte `memcpy` per account.
    #[inline(always)]
    pub(super) fn finish(&mut self, id: Key, as_of: Date, ctx: &Ctx<'_>, scores: Vec<scorecard::Score>) -> Decision {
        let Verdict { outcome, until, limit } = self.verdict(ctx.program);
        Decision {
            id,
            as_of,
            outcome,
            until,
            limit,
            reasons: std::mem::take(&mut self.reasons),
            actions: std::mem::take(&mut self.actions),
            fired: std::mem::take(&mut self.fired),
            arms: split::named(&ctx.program.splits, &ctx.arms),
            scores,
            trace: None,
        }
    }

    /// The outcome, its end and the limit the fired rules decide.
    #[inline(always)]
    pub(super) fn verdict(&self, program: &Program) -> Verdict {
        if program.frame.application {
            return self.admission();
        }
        let (outcome, until) = if self.close {
            (Outcome::Close, None)
        } else if let Some(d) = self.freeze {
            (Outcome::Freeze, d)
        } else if let Some(d) = self.restrict {
            (Outcome::Restrict, d)
        } else if self.reinstate {
            (Outcome::Reinstate, None)
        } else if self.limit.is_some() {
            (Outcome::Limit, None)
        } else {
            (Outcome::None, None)
        };
        let limit = if outcome == Outcome::Close { Some(Decimal::ZERO) } else { self.limit };
        Verdict { outcome, until, limit }
    }
}

/// What the fired rules decide besides the lists: the outcome, the day it
/// ends, the limit.
pub(super) struct Verdict {
    pub(super) outcome: Outcome,
    pub(super) until: Option<Date>,
    pub(super) limit: Option<Decimal>,
}

impl Assembly {
    /// An application's verdict: `decline > refer > approve > none`; the
    /// limit set (the initial limit) only for an approved application.
    fn admission(&self) -> Verdict {
        let outcome = self.admit.unwrap_or(Outcome::None);
        let limit = if outcome == Outcome::Approve { self.limit } else { None };
        Verdict { outcome, until: None, limit }
    }
}

/// The day a freeze or restriction of `duration` from `as_of` ends: a date
/// verdict can write and read back, or the account fails (a `null` would read
/// as "no end", and year 10000 is refused as input).
fn ends(as_of: Date, duration: Option<Duration>, what: &str) -> Result<Option<Date>, EvalFailure> {
    let Some(d) = duration else { return Ok(None) };
    d.shift_within_range(as_of, false).map(Some).map_err(|out| EvalFailure {
        kind: FailureKind::Eval,
        message: format!("the {what} would end {out} ({as_of} + {d})"),
    })
}

/// A computed limit as the decision carries it: a credit limit below zero is
/// no limit, so it fails the account rather than being written (`-0` is 0).
pub(super) fn new_limit(limit: Decimal) -> Result<Decimal, EvalFailure> {
    if limit < Decimal::ZERO {
        return Err(EvalFailure {
            kind: FailureKind::Eval,
            message: format!("the new limit {} is negative", crate::value::format_decimal(limit)),
        });
    }
    Ok(if limit.is_zero() { Decimal::ZERO } else { limit })
}
