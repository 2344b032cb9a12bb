//! Evaluating `case when … then … [else …] end`: conditions in order, the
//! value of the first that holds and nothing after it; none without `else`.

use super::expr::{Ctx, EvalResult};
use super::trace::{enum_members, CaseTaken};
use crate::ir::TExpr;
use crate::value::{Traced, Val};

impl<'a> Ctx<'a> {
    /// The case's value; when tracing, which branch gave it is recorded.
    pub(crate) fn case(
        &mut self,
        e: &'a TExpr,
        branches: &'a [(TExpr, TExpr)],
        otherwise: Option<&'a TExpr>,
    ) -> EvalResult<'a> {
        let mut taken = None;
        for (index, (when, _)) in branches.iter().enumerate() {
            if self.truth(when)? {
                taken = Some(index);
                break;
            }
        }
        let value = match (taken.and_then(|i| branches.get(i)), otherwise) {
            (Some((_, then)), _) => self.eval(then)?,
            (None, Some(value)) => self.eval(value)?,
            (None, None) => Val::None,
        };
        // Inside an aggregate a case runs once per element: traces show account-level values.
        if self.element.is_none() {
            if let Some(log) = &mut self.case_log {
                let when = taken.and_then(|i| branches.get(i)).map(|(w, _)| w.span);
                let value = Traced::of_shared(value, enum_members(e));
                log.push(CaseTaken { at: e.span, branch: taken, otherwise: otherwise.is_some(), when, value });
            }
        }
        Ok(value)
    }
}
