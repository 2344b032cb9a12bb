//! `case` in canonical form: `case` where it stands, one branch a line two
//! columns in, `end` under the line's start:
//!
//! ```text
//! let tier = case
//!   when score >= 740 then "prime"
//!   else "subprime"
//! end
//! ```

use super::doc::Doc;
use super::Printer;
use crate::syntax::ast::{CaseBranch, Expr};

impl Printer<'_> {
    /// A case expression; comments between its branches keep their lines.
    pub(super) fn case(&mut self, e: &Expr, branches: &[CaseBranch], otherwise: Option<&Expr>) -> Doc {
        let head = self.tok(e.span.start as usize, "case");
        let mut body = Vec::new();
        let mut last_end = e.span.start as usize + "case".len();
        for branch in branches {
            let at = self.keyword(last_end, branch.when.span.start as usize, "when");
            body.extend([self.comments.trailing_before(at), Doc::Newline, self.tok(at, "when ")]);
            let when = self.expr(&branch.when);
            let then_kw = self.keyword(branch.when.span.end as usize, branch.then.span.start as usize, "then");
            body.extend([Doc::Align(Box::new(when)), self.comments.trailing_before(then_kw), Doc::text(" then ")]);
            let then = self.expr(&branch.then);
            body.push(Doc::Align(Box::new(then)));
            last_end = branch.then.span.end as usize;
        }
        if let Some(value) = otherwise {
            let at = self.keyword(last_end, value.span.start as usize, "else");
            body.extend([self.comments.trailing_before(at), Doc::Newline, self.tok(at, "else ")]);
            let value_doc = self.expr(value);
            body.push(Doc::Align(Box::new(value_doc)));
            last_end = value.span.end as usize;
        }
        let end = self.keyword(last_end, e.span.end as usize, "end");
        body.push(self.comments.trailing_before(end));
        Doc::Concat(vec![head, Doc::Indent(2, Box::new(Doc::Concat(body))), Doc::Newline, self.tok(end, "end")])
    }
}
