//! The strings of fired actions: a literal is the value built at load (an
//! `Arc` shared, no allocation); a computed one is evaluated when its rule
//! fires.

use super::expr::Ctx;
use crate::ir::TText;
use crate::value::{EvalFailure, Val};
use std::sync::Arc;

/// The action's string.
pub(super) fn text<'a>(ctx: &mut Ctx<'a>, t: &'a TText) -> Result<Arc<str>, EvalFailure> {
    match t {
        TText::Lit(s) => Ok(s.clone()),
        TText::Expr(e) => match ctx.eval(e)? {
            Val::Str(s) => Ok(s.into()),
            other => Err(EvalFailure::internal(format_args!("an action's text yielded {other:?}"))),
        },
    }
}

/// A reason's code: computed, it must not be empty (as a literal one may not be).
pub(super) fn reason_code<'a>(ctx: &mut Ctx<'a>, t: &'a TText) -> Result<Arc<str>, EvalFailure> {
    let code = text(ctx, t)?;
    if code.trim().is_empty() {
        return Err(EvalFailure::eval("a computed reason code is empty"));
    }
    Ok(code)
}
