//! A hook's declaration: its parameter and result types, its budget.

use super::{did_you_mean, resolve, scalar_base, Checker, SCALAR_TYPE_NAMES};
use crate::diagnostic::codes;
use crate::ir::{Base, HookSig, Ty};
use crate::syntax::ast;

impl Checker<'_> {
    fn hook_type(&mut self, written: &ast::Spanned<String>) -> Option<Ty> {
        let base = match (scalar_base(&written.node), written.node.as_str()) {
            (Some(base), _) => base,
            (None, "set<string>") => Base::Set(Box::new(Base::Str)),
            (None, "set<int>") => Base::Set(Box::new(Base::Int)),
            (None, "set<date>") => Base::Set(Box::new(Base::Date)),
            // Any list field of the account; each call site types it with its elements.
            (None, "list") => Base::Records(Default::default()),
            (None, other) => {
                let names = SCALAR_TYPE_NAMES.into_iter().chain(["set<string>", "list"]);
                let written_otherwise =
                    || crate::schema::type_written_otherwise(other).map(|t| format!("did you mean `{t}`?"));
                let help = did_you_mean(other, names).or_else(written_otherwise).unwrap_or_else(|| {
                    "hook types are bool, int, decimal, money, string, date, set<string|int|date> and list (a list field, whole)".into()
                });
                self.err(codes::UNKNOWN_HOOK_TYPE, written.span, format!("unknown hook type `{other}`")).help =
                    Some(help);
                return None;
            }
        };
        Some(Ty::req(base))
    }

    pub(super) fn hook_sig(&mut self, h: &ast::HookDecl) -> Option<HookSig> {
        let mut params = Vec::new();
        let mut ok = true;
        for (name, ty) in &h.params {
            if params.iter().any(|(n, _)| n == &name.node) {
                self.err(codes::DUPLICATE_PARAMETER, name.span, format!("parameter `{}` is declared twice", name.node));
                ok = false;
            }
            match self.hook_type(ty) {
                Some(t) => params.push((name.node.clone(), t)),
                None => ok = false,
            }
        }
        let result = self.hook_type(&h.result);
        // A string result could not be checked against enum members as literals are, and
        // results are plain values that must not borrow from one call's script.
        if let Some(Ty { base: base @ (Base::Set(_) | Base::Str | Base::Records(_)), .. }) = &result {
            self.err(codes::HOOK_RESULT, h.result.span, format!("a hook cannot return {}", base.describe())).help =
                Some("a hook returns bool, int, decimal, money or date".into());
            return None;
        }
        match &h.budget {
            Some(budget) if budget.node == 0 => {
                self.err(codes::HOOK_BUDGET, budget.span, "a hook's budget must be at least 1 operation");
                ok = false;
            }
            Some(budget) if budget.node > crate::hooks::MAX_BUDGET => {
                let max = crate::hooks::MAX_BUDGET;
                self.err(codes::HOOK_BUDGET, budget.span, format!("a hook's budget is at most {max} operations"))
                    .help = Some(
                    "the budget is what stops a runaway script: one call of the largest takes about a second, \
                     and every call an account makes counts toward its work bound"
                        .into(),
                );
                ok = false;
            }
            _ => {}
        }
        let result = result?;
        ok.then(|| HookSig {
            name: h.name.node.clone(),
            params,
            result,
            path: resolve(self.file, &h.path.node),
            named: super::fold(std::path::Path::new(&h.path.node)),
            budget: h.budget.as_ref().map(|b| b.node),
            span: h.span,
        })
    }
}
