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
                let value = Traced::of(value, enum_members(e));
                log.push(CaseTaken { at: e.span, branch: taken, otherwise: otherwise.is_some(), when, value });
            }
        }
        Ok(value)
    }
}

/// A case's branch in a JSON trace: the let it defines (when it is a let's
/// whole value), the branch taken (from 1, `"else"`, or null when no branch
/// held and there is no `else`) and the value.
pub fn case_json(taken: &CaseTaken, program: &crate::compile::Program) -> serde_json::Value {
    let mut out = serde_json::Map::new();
    if let Some(def) = program.lets.iter().find(|l| l.value.span == taken.at) {
        out.insert("let".into(), def.name.clone().into());
    }
    let branch = match (taken.branch, taken.otherwise) {
        (Some(i), _) => serde_json::Value::from(i + 1),
        (None, true) => "else".into(),
        (None, false) => serde_json::Value::Null,
    };
    out.insert("branch".into(), branch);
    out.insert("value".into(), taken.value.to_json());
    out.into()
}
