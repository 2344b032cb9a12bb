//! Building a `case when … then … [else …] end` expression from its pairs.

use super::*;

impl AstBuilder<'_> {
    /// `case_expr`: its branches in order and its `else`, if written.
    pub(super) fn case(&self, pair: Pair<'_, Rule>) -> Built<ExprKind> {
        let mut branches = Vec::new();
        let mut otherwise = None;
        for p in pair.into_inner() {
            match p.as_rule() {
                Rule::case_branch => {
                    let mut exprs = p.clone().into_inner().filter(|x| x.as_rule() == Rule::expr);
                    let when = exprs.next().ok_or_else(|| self.bad(&p, "expected a condition after `when`"))?;
                    let then = exprs.next().ok_or_else(|| self.bad(&p, "expected a value after `then`"))?;
                    branches.push(CaseBranch { when: self.expr(when)?, then: self.expr(then)? });
                }
                Rule::case_else => {
                    let e = p.clone().into_inner().find(|x| x.as_rule() == Rule::expr);
                    let e = e.ok_or_else(|| self.bad(&p, "expected a value after `else`"))?;
                    otherwise = Some(Box::new(self.expr(e)?));
                }
                _ => {}
            }
        }
        Ok(ExprKind::Case { branches, otherwise })
    }
}
