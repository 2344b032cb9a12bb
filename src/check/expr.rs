//! Type-checking expressions: resolves every name to a slot, let, batch or
//! hook, assigns every node a type, and enforces the absent-value rule.

use super::call::CallSite;
use super::narrow::present_when;
use super::Checker;
use crate::diagnostic::{codes, did_you_mean, Diagnostic, Span};
use crate::ir::*;
use crate::schema::{FieldDef, FieldKind, RecordLayout, ScalarType};
use crate::syntax::ast::{BinaryOp, Expr, ExprKind, Ident, Spanned, UnaryOp};
use std::sync::Arc;

/// Where names are looked up while checking one expression.
#[derive(Clone, Copy)]
pub(super) struct Scope<'s> {
    /// The element of the list an enclosing aggregate visits (its fields shadow the account's).
    pub element: Option<&'s RecordLayout>,
}

/// The result of checking: a typed expression, or `None` after an error was reported.
pub(super) type Checked = Option<TExpr>;

pub(super) fn scalar_base(t: &ScalarType) -> Base {
    match t {
        ScalarType::Bool => Base::Bool,
        ScalarType::Int => Base::Int,
        ScalarType::Decimal | ScalarType::Money => Base::Dec,
        ScalarType::String => Base::Str,
        ScalarType::Date => Base::Date,
        ScalarType::Enum(m) => Base::Enum(m.clone()),
    }
}

pub(super) fn texpr(kind: TKind, ty: Ty, span: Span) -> TExpr {
    TExpr { kind, ty, span }
}

impl<'a> Checker<'a> {
    /// Checks an expression that must yield a present value of some type.
    pub(super) fn expr(&mut self, e: &Expr, scope: Scope<'_>) -> Checked {
        let t = self.expr_as_written(e, scope)?;
        Some(self.narrow(t))
    }

    /// [`Checker::expr`] without what narrowing knows.
    fn expr_as_written(&mut self, e: &Expr, scope: Scope<'_>) -> Checked {
        match &e.kind {
            ExprKind::Int(i) => Some(texpr(TKind::Const(Const::Int(*i)), Ty::req(Base::Int), e.span)),
            ExprKind::Decimal { value, .. } => {
                Some(texpr(TKind::Const(Const::Dec(*value)), Ty::req(Base::Dec), e.span))
            }
            ExprKind::Str(s) => Some(texpr(TKind::Const(Const::Str(s.as_str().into())), Ty::req(Base::Str), e.span)),
            ExprKind::Date(d) => Some(texpr(TKind::Const(Const::Date(*d)), Ty::req(Base::Date), e.span)),
            ExprKind::Duration(d) => self
                .duration_within_max(*d, e.span)
                .then(|| texpr(TKind::Const(Const::Duration(*d)), Ty::req(Base::Duration), e.span)),
            ExprKind::Bool(b) => Some(texpr(TKind::Const(Const::Bool(*b)), Ty::req(Base::Bool), e.span)),
            ExprKind::None => Some(texpr(TKind::Const(Const::None), Ty::opt(Base::NoneLit), e.span)),
            ExprKind::List(_) => {
                self.err(codes::LIST_OUT_OF_PLACE, e.span, "a list can only stand on the right of `in` or `not in`");
                None
            }
            ExprKind::Path(segments) => self.path(segments, e.span, scope),
            ExprKind::Call { name, args, filter, window } => {
                let call = CallSite { name, args, filter: filter.as_deref(), window: window.as_ref(), span: e.span };
                self.call(call, scope)
            }
            ExprKind::Unary { op, operand } => self.unary(op, operand, e.span, scope),
            ExprKind::Binary { op, lhs, rhs } => self.binary(op, lhs, rhs, e.span, scope),
            ExprKind::Case { branches, otherwise } => self.case(branches, otherwise.as_deref(), e.span, scope),
            ExprKind::Table(table) => self.table_value(table, e.span, scope),
        }
    }

    /// Reports a use of a value that may be absent; returns the expression for further checking.
    pub(super) fn present(&mut self, t: TExpr, what: &str) -> Checked {
        if t.ty.optional {
            let name = self.source_text(t.span);
            let default = match t.ty.base {
                Base::Bool => "false",
                // An action's text may not be empty (E0408, E0411).
                Base::Str | Base::Enum(_) if self.in_actions => "\"UNSPECIFIED\"",
                Base::Str | Base::Enum(_) => "\"\"",
                Base::Date => "as_of",
                _ => "0",
            };
            self.diags.push(
                Diagnostic::error(
                    codes::MAYBE_ABSENT,
                    self.file,
                    t.span,
                    format!("`{name}` may be absent (none) and cannot be used {what}"),
                )
                .with_label("may be none")
                .with_help(if self.in_actions {
                    // Narrowing stops at `then`: offering the test would send the officer round in a loop.
                    format!(
                        "say what absence means: `({name} ?? {default})`; a test in the rule's condition does \
                         not reach its actions (docs/reference.md#absent-values-and-narrowing)"
                    )
                } else if matches!(&t.kind, TKind::Agg(agg) if agg.filter.is_some()) {
                    // A test of the same text does not narrow it (its `where` is compared by
                    // its spans): offering the test would send the officer round in a loop.
                    format!(
                        "say what absence means: `({name} ?? {default})`, or name it with a `let` and test \
                         the name (`worst != none and …`): a test of an aggregate with `where` does not narrow \
                         it (docs/reference.md#absent-values-and-narrowing)"
                    )
                } else {
                    format!(
                        "say what absence means: `({name} ?? {default})`, or test it first: `{name} != none and …` \
                         (docs/reference.md#absent-values-and-narrowing)"
                    )
                }),
            );
            return None;
        }
        Some(t)
    }

    fn expect_base(&mut self, t: TExpr, want: &Base, what: &str) -> Checked {
        let t = self.present(t, what)?;
        if &t.ty.base == want || (matches!(want, Base::Dec) && t.ty.base == Base::Int) {
            let t = if matches!(want, Base::Dec) { to_dec(t) } else { t };
            return Some(t);
        }
        self.err(
            codes::TYPE_MISMATCH,
            t.span,
            format!("expected {} {what}, found {}", want.describe(), t.ty.describe()),
        );
        None
    }

    /// A condition: a present bool.
    pub(super) fn condition(&mut self, e: &Expr, scope: Scope<'_>, what: &str) -> Checked {
        let t = self.expr(e, scope)?;
        self.expect_base(t, &Base::Bool, what)
    }

    fn number(&mut self, e: &Expr, scope: Scope<'_>, what: &str) -> Checked {
        let t = self.expr(e, scope)?;
        let t = self.present(t, what)?;
        if t.ty.base.is_numeric() {
            return Some(t);
        }
        self.err(codes::TYPE_MISMATCH, t.span, format!("expected a number {what}, found {}", t.ty.describe()));
        None
    }

    #[expect(
        clippy::indexing_slicing,
        reason = "paths have at least one segment (the grammar requires a first name), argument counts are checked before arguments are read, and let and hook indices come from lookups in the same vectors"
    )]
    pub(super) fn path(&mut self, segments: &[Ident], span: Span, scope: Scope<'_>) -> Checked {
        let name = segments.iter().map(|s| s.node.as_str()).collect::<Vec<_>>().join(".");
        if scope.element.is_none_or(|e| segments.first().is_none_or(|s| e.field(&s.node).is_none())) {
            if let Some(output) = self.table_output_path(segments, span) {
                return output;
            }
        }
        // Element fields shadow everything else inside a `where`.
        if let Some(element) = scope.element {
            if element.field(&segments[0].node).is_some() {
                return self.field_path(element, Frame::Element, segments, span);
            }
        }
        // A let whose declaration failed (a table with named outputs too:
        // `plan.stage`) reports nothing more where it is used.
        if self.poisoned.contains(&segments[0].node) {
            return None;
        }
        if segments.len() == 1 {
            let first = &segments[0].node;
            if first == "as_of" {
                return Some(texpr(TKind::AsOf, Ty::req(Base::Date), span));
            }
            if let Some(&index) = self.let_index.get(first.as_str()) {
                let ty = self.lets[index].value.ty.clone();
                self.used_lets.insert(index);
                return Some(texpr(TKind::Let(index), ty, span));
            }
            if let Some(index) = self.splits.iter().position(|s| *s.name == **first) {
                let arms = self.splits[index].arms.clone();
                return Some(texpr(TKind::Split(index), Ty::req(Base::Enum(arms)), span));
            }
            if self.let_names_pending.contains(first.as_str()) {
                self.lets_named_early.insert(first.to_string());
                self.err(
                    codes::LET_ORDER,
                    span,
                    format!("`{first}` is a let defined later in the file (or it refers to itself)"),
                )
                .help = Some("a let may only use lets defined above it".into());
                return None;
            }
            if self.batches.iter().any(|b| b == first) {
                self.err(
                    codes::LIST_OUT_OF_PLACE,
                    span,
                    format!("`{first}` is a batch; it can only stand on the right of `in`"),
                );
                return None;
            }
        }
        let schema = self.schema;
        if schema.root.field(&segments[0].node).is_some() {
            return self.field_path(&schema.root, Frame::Account, segments, span);
        }
        let help = self.value_unquoted(&name).or_else(|| self.suggest_name(&name, scope));
        self.err(codes::UNKNOWN_NAME, span, format!("unknown name `{name}`")).help = help;
        None
    }

    /// The help for a bare word that is an arm of a split or a member of an
    /// enum field (`t == champion`, `status == frozen`): a value, written
    /// in quotes, where the checker looked for a name.
    fn value_unquoted(&self, word: &str) -> Option<String> {
        let quoted = format!("write it in quotes, `\"{word}\"`");
        if let Some(split) = self.splits.iter().find(|s| s.arms.iter().any(|arm| &**arm == word)) {
            return Some(format!("`{word}` is an arm of split `{}`: {quoted}", split.name));
        }
        let member = |ty: &ScalarType| matches!(ty, ScalarType::Enum(members) if members.iter().any(|m| &**m == word));
        let fields: Vec<String> = self
            .schema
            .root
            .leaves()
            .into_iter()
            .filter(|(path, field)| {
                let of_enum = match &field.kind {
                    FieldKind::Scalar(ty) | FieldKind::Set(ty) => member(ty),
                    _ => false,
                };
                of_enum && !self.schema.is_prohibited(path)
            })
            .map(|(path, _)| format!("`{path}`"))
            .collect();
        let whose = match fields.split_last()? {
            (last, []) => last.clone(),
            (last, rest) => format!("{} and {last}", rest.join(", ")),
        };
        Some(format!("`{word}` is a member of {whose}: {quoted}"))
    }

    /// The "did you mean" for an unknown name: the closest schema field, let
    /// (checked so far), batch, element field or `as_of`, in that order.
    fn suggest_name(&mut self, name: &str, scope: Scope<'_>) -> Option<String> {
        if self.name_suggestions >= super::MAX_NAME_SUGGESTIONS {
            return None;
        }
        self.name_suggestions += 1;
        let schema = self.schema;
        let prohibited = |path: &str| schema.is_prohibited(path);
        let root = self.root_leaves.get_or_insert_with(|| {
            schema.root.leaves().into_iter().map(|(p, _)| p).filter(|p| !prohibited(p)).collect()
        });
        // An element's field is prohibited through its list: `overdues.amount`.
        let list = self.element_lists.last();
        let element_allowed = |p: &String| !list.is_some_and(|list| prohibited(&format!("{list}.{p}")));
        let element: Vec<String> = scope
            .element
            .map(|e| e.leaves().into_iter().map(|(p, _)| p).filter(element_allowed).collect())
            .unwrap_or_default();
        let candidates = root
            .iter()
            .chain(self.lets.iter().map(|l| &l.name))
            .chain(self.batches.iter())
            .chain(element.iter())
            .map(String::as_str)
            .chain(self.splits.iter().map(|s| &*s.name))
            .chain(["as_of"]);
        did_you_mean(name, candidates)
    }

    #[expect(
        clippy::indexing_slicing,
        reason = "paths have at least one segment (the grammar requires a first name), argument counts are checked before arguments are read, and let and hook indices come from lookups in the same vectors"
    )]
    pub(super) fn field_path(
        &mut self,
        record: &RecordLayout,
        frame: Frame,
        segments: &[Ident],
        span: Span,
    ) -> Checked {
        let mut current = record;
        for (i, seg) in segments.iter().enumerate() {
            let Some(field) = current.field(&seg.node) else {
                let mut prefix = segments[..i].iter().map(|s| s.node.as_str()).collect::<Vec<_>>().join(".");
                // An element's field is named through its list: `overdues` has no field `amont`.
                if let (Frame::Element, Some(list)) = (frame, self.element_lists.last()) {
                    prefix = if prefix.is_empty() { list.to_string() } else { format!("{list}.{prefix}") };
                }
                let allowed = current.fields.iter().map(|f| f.name.as_str());
                let full = |name: &str| if prefix.is_empty() { name.to_string() } else { format!("{prefix}.{name}") };
                let allowed = allowed.filter(|name| !self.schema.is_prohibited(&full(name)));
                let help = did_you_mean(&seg.node, allowed);
                self.err(codes::UNKNOWN_NAME, seg.span, format!("`{prefix}` has no field `{}`", seg.node)).help = help;
                return None;
            };
            let path_so_far = segments[..=i].iter().map(|s| s.node.as_str()).collect::<Vec<_>>().join(".");
            let prohibited = match (frame, self.element_lists.last()) {
                (Frame::Account, _) => self.check_prohibited(&path_so_far, span),
                // A list element's field is named through its list: `overdues.amount`.
                (Frame::Element, Some(list)) => self.check_prohibited(&format!("{list}.{path_so_far}"), span),
                (Frame::Element, None) => false,
            };
            if prohibited {
                // Said once: how to read it (`gender ?? ""`) would be advice to use it.
                return None;
            }
            let last = i + 1 == segments.len();
            match (&field.kind, last) {
                (FieldKind::Record(inner), false) => current = inner,
                (FieldKind::Record(inner), true) => {
                    let help = inner
                        .fields
                        .first()
                        .map(|f| format!("name one of its fields, e.g. `{path_so_far}.{}`", f.name));
                    self.err(codes::NOT_A_VALUE, span, format!("`{path_so_far}` is a record, not a value")).help = help;
                    return None;
                }
                (FieldKind::List(_), _) => {
                    self.err(
                        codes::NOT_A_VALUE,
                        span,
                        format!("`{path_so_far}` is a list; use it in an aggregate such as `count({path_so_far})`"),
                    );
                    return None;
                }
                (_, false) => {
                    self.err(codes::UNKNOWN_NAME, segments[i + 1].span, format!("`{path_so_far}` has no fields"));
                    return None;
                }
                (kind, true) => return Some(self.leaf(field, kind, frame, span)),
            }
        }
        None
    }

    fn leaf(&self, field: &FieldDef, kind: &FieldKind, frame: Frame, span: Span) -> TExpr {
        let base = match kind {
            FieldKind::Scalar(s) => scalar_base(s),
            FieldKind::Set(s) => Base::Set(Box::new(scalar_base(s))),
            // Records and lists are handled by the caller.
            FieldKind::Record(_) | FieldKind::List(_) => Base::NoneLit,
        };
        let slot = field.slot.unwrap_or(0);
        texpr(TKind::Field { frame, slot }, Ty { base, optional: field.optional }, span)
    }

    fn unary(&mut self, op: &Spanned<UnaryOp>, operand: &Expr, span: Span, scope: Scope<'_>) -> Checked {
        match op.node {
            UnaryOp::Not => {
                let Some(t) = self.condition(operand, scope, "after `not`") else {
                    self.salvage_negated(operand.span, span);
                    return None;
                };
                Some(texpr(TKind::Not(Box::new(t)), Ty::req(Base::Bool), span))
            }
            UnaryOp::Neg => {
                let t = self.number(operand, scope, "after `-`")?;
                let kind = num_kind(&t.ty.base);
                let ty = t.ty.clone();
                Some(texpr(TKind::Neg(kind, Box::new(t)), ty, span))
            }
        }
    }

    fn binary(&mut self, op: &Spanned<BinaryOp>, lhs: &Expr, rhs: &Expr, span: Span, scope: Scope<'_>) -> Checked {
        let sym = op.node.symbol();
        match op.node {
            BinaryOp::And | BinaryOp::Or => {
                let and = op.node == BinaryOp::And;
                let l = self.condition(lhs, scope, &format!("on the left of `{sym}`"));
                // The right runs only when the left held (`and`) or failed (`or`): what that proves present is.
                let mut facts = Vec::new();
                match &l {
                    Some(l) => present_when(l, and, &mut facts),
                    // A left with an error of its own still proves what its checked parts do.
                    None => facts = self.salvaged_facts(lhs.span, and),
                }
                let r = self.knowing(&facts, |c| c.condition(rhs, scope, &format!("on the right of `{sym}`")));
                let (l, r) = match (l, r) {
                    (Some(l), Some(r)) => (Box::new(l), Box::new(r)),
                    (_, r) => {
                        self.salvage(span, and, facts, r.as_ref());
                        return None;
                    }
                };
                let kind = if and { TKind::And(l, r) } else { TKind::Or(l, r) };
                Some(texpr(kind, Ty::req(Base::Bool), span))
            }
            BinaryOp::In | BinaryOp::NotIn => self.membership(op.node == BinaryOp::NotIn, lhs, rhs, span, scope),
            BinaryOp::Coalesce => {
                let l = self.expr(lhs, scope);
                let r = self.expr(rhs, scope);
                let (l, r) = (l?, r?);
                if !l.ty.optional {
                    self.warn(
                        codes::NEVER_NONE,
                        l.span,
                        format!("`{}` is never none, so `?? ...` has no effect", self.source_text(l.span)),
                    );
                }
                let (l, r, base) = self.unify(l, r, sym)?;
                let ty = Ty { base, optional: r.ty.optional };
                Some(texpr(TKind::Coalesce(Box::new(l), Box::new(r)), ty, span))
            }
            BinaryOp::Eq | BinaryOp::Ne => {
                let negate = op.node == BinaryOp::Ne;
                if matches!(rhs.kind, ExprKind::None) || matches!(lhs.kind, ExprKind::None) {
                    let other = if matches!(rhs.kind, ExprKind::None) { lhs } else { rhs };
                    let t = self.expr(other, scope)?;
                    if !t.ty.optional {
                        self.warn(
                            codes::NEVER_NONE,
                            t.span,
                            format!("`{}` is never none, so this test is always {}", self.source_text(t.span), negate),
                        );
                    }
                    return Some(texpr(TKind::IsNone { negate, operand: Box::new(t) }, Ty::req(Base::Bool), span));
                }
                let cmp = if negate { CmpOp::Ne } else { CmpOp::Eq };
                self.comparison(cmp, lhs, rhs, span, scope)
            }
            BinaryOp::Lt
            | BinaryOp::Le
            | BinaryOp::Gt
            | BinaryOp::Ge
            | BinaryOp::Add
            | BinaryOp::Sub
            | BinaryOp::Mul
            | BinaryOp::Div => {
                if let Some(cmp) = CmpOp::from_binary(op.node) {
                    self.comparison(cmp, lhs, rhs, span, scope)
                } else {
                    let arith = ArithOp::from_binary(op.node)?;
                    self.arithmetic(arith, lhs, rhs, span, scope)
                }
            }
        }
    }

    fn comparison(&mut self, op: CmpOp, lhs: &Expr, rhs: &Expr, span: Span, scope: Scope<'_>) -> Checked {
        let what_l = format!("in a comparison (`{}`)", op.symbol());
        let l = self.expr(lhs, scope).and_then(|t| self.present(t, &what_l));
        let r = self.expr(rhs, scope).and_then(|t| self.present(t, &what_l));
        let (l, r) = (l?, r?);
        let ordered = !matches!(op, CmpOp::Eq | CmpOp::Ne);
        let (l, r, kind) = match (&l.ty.base, &r.ty.base) {
            (Base::Int, Base::Int) => (l, r, CmpKind::Int),
            (a, b) if a.is_numeric() && b.is_numeric() => (to_dec(l), to_dec(r), CmpKind::Dec),
            (Base::Date, Base::Date) => (l, r, CmpKind::Date),
            (Base::Str, Base::Str) if !ordered => (l, r, CmpKind::Str),
            (Base::Bool, Base::Bool) if !ordered => (l, r, CmpKind::Bool),
            (Base::Enum(a), Base::Enum(b)) if !ordered && a == b => (l, r, CmpKind::Enum),
            // A literal names a member (checked); any other string is compared with the member's name.
            (Base::Enum(members), Base::Str) if !ordered && is_str_literal(&r) => {
                let members = members.clone();
                let r = self.enum_literal(r, &members)?;
                (l, r, CmpKind::Enum)
            }
            (Base::Str, Base::Enum(members)) if !ordered && is_str_literal(&l) => {
                let members = members.clone();
                let l = self.enum_literal(l, &members)?;
                (l, r, CmpKind::Enum)
            }
            (Base::Enum(_), Base::Str | Base::Enum(_)) | (Base::Str, Base::Enum(_)) if !ordered => {
                (member_name(l), member_name(r), CmpKind::Str)
            }
            _ => {
                let help = match (&l.ty.base, &r.ty.base) {
                    (Base::Date, Base::Str) | (Base::Str, Base::Date)
                        if quoted_date(&l).or(quoted_date(&r)).is_some() =>
                    {
                        let date = quoted_date(&l).or(quoted_date(&r)).unwrap_or_default();
                        Some(format!("drop the quotes: `{date}` without quotes is a date, `\"{date}\"` is a string"))
                    }
                    (Base::Date, b) | (b, Base::Date) if b.is_numeric() => {
                        let number = if l.ty.base == Base::Date { &r } else { &l };
                        Some(match slashed_date(&self.source_text(number.span)) {
                            Some(date) => format!("a date is written with dashes: `{date}`"),
                            None => "compare dates with dates, e.g. `opened_on < as_of - 6 months`".to_string(),
                        })
                    }
                    (Base::Str, b) | (b, Base::Str)
                        if b.is_numeric() && quoted_number(&l).or(quoted_number(&r)).is_some() =>
                    {
                        let number = quoted_number(&l).or(quoted_number(&r)).unwrap_or_default();
                        Some(format!(
                            "drop the quotes: `{number}` without quotes is a number, `\"{number}\"` is a string"
                        ))
                    }
                    _ if ordered && !l.ty.base.is_numeric() => {
                        Some("`<`, `<=`, `>`, `>=` compare numbers or dates".to_string())
                    }
                    _ => None,
                };
                self.err(
                    codes::TYPE_MISMATCH,
                    span,
                    format!("cannot compare {} with {} using `{}`", l.ty.describe(), r.ty.describe(), op.symbol()),
                )
                .help = help;
                return None;
            }
        };
        Some(texpr(TKind::Cmp { op, kind, lhs: Box::new(l), rhs: Box::new(r) }, Ty::req(Base::Bool), span))
    }

    /// Turns a string literal into the enum member it names, or reports it.
    /// (Only literals come here: other strings are compared with members' names.)
    pub(super) fn enum_literal(&mut self, t: TExpr, members: &Arc<[Box<str>]>) -> Checked {
        let TKind::Const(Const::Str(s)) = &t.kind else {
            self.err(
                codes::TYPE_MISMATCH,
                t.span,
                "an enum field can only be compared with a literal such as `\"active\"`",
            );
            return None;
        };
        match members.iter().position(|m| **m == **s) {
            Some(i) => Some(texpr(
                TKind::Const(Const::Enum(u32::try_from(i).unwrap_or(u32::MAX))),
                Ty::req(Base::Enum(members.clone())),
                t.span,
            )),
            None => {
                let help = did_you_mean(s, members.iter().map(|m| &**m))
                    .unwrap_or_else(|| format!("the members are {}", crate::schema::enum_members_text(members)));
                self.err(
                    codes::NOT_A_MEMBER,
                    t.span,
                    format!("\"{s}\" is not a member of enum({})", crate::schema::enum_members_text(members)),
                )
                .help = Some(help);
                None
            }
        }
    }

    fn arithmetic(&mut self, op: ArithOp, lhs: &Expr, rhs: &Expr, span: Span, scope: Scope<'_>) -> Checked {
        let what = format!("in arithmetic (`{}`)", op.symbol());
        let l = self.expr(lhs, scope).and_then(|t| self.present(t, &what));
        let r = self.expr(rhs, scope).and_then(|t| self.present(t, &what));
        let (l, r) = (l?, r?);
        match (&l.ty.base, &r.ty.base, op) {
            (Base::Date, Base::Duration, ArithOp::Add | ArithOp::Sub) => {
                let TKind::Const(Const::Duration(by)) = r.kind else {
                    return None;
                };
                let kind = TKind::DateShift { subtract: op == ArithOp::Sub, date: Box::new(l), by };
                Some(texpr(kind, Ty::req(Base::Date), span))
            }
            (Base::Duration, Base::Date, ArithOp::Add) => {
                let TKind::Const(Const::Duration(by)) = l.kind else {
                    return None;
                };
                Some(texpr(TKind::DateShift { subtract: false, date: Box::new(r), by }, Ty::req(Base::Date), span))
            }
            (Base::Date, Base::Date, ArithOp::Sub) => {
                self.err(codes::TYPE_MISMATCH, span, "dates cannot be subtracted directly").help =
                    Some("use `days_between(a, b)` or `months_between(a, b)`".into());
                None
            }
            (Base::Int, Base::Int, ArithOp::Div) => Some(texpr(
                TKind::Arith { op, kind: NumKind::Dec, lhs: Box::new(to_dec(l)), rhs: Box::new(to_dec(r)) },
                Ty::req(Base::Dec),
                span,
            )),
            (Base::Int, Base::Int, _) => Some(texpr(
                TKind::Arith { op, kind: NumKind::Int, lhs: Box::new(l), rhs: Box::new(r) },
                Ty::req(Base::Int),
                span,
            )),
            (a, b, _) if a.is_numeric() && b.is_numeric() => Some(texpr(
                TKind::Arith { op, kind: NumKind::Dec, lhs: Box::new(to_dec(l)), rhs: Box::new(to_dec(r)) },
                Ty::req(Base::Dec),
                span,
            )),
            _ => {
                self.err(
                    codes::TYPE_MISMATCH,
                    span,
                    format!("cannot apply `{}` to {} and {}", op.symbol(), l.ty.describe(), r.ty.describe()),
                );
                None
            }
        }
    }

    /// Makes both sides of `??` one type (int widens to decimal).
    fn unify(&mut self, l: TExpr, r: TExpr, sym: &str) -> Option<(TExpr, TExpr, Base)> {
        match (&l.ty.base, &r.ty.base) {
            (a, b) if a == b => {
                let base = a.clone();
                Some((l, r, base))
            }
            (Base::NoneLit, _) => {
                let base = r.ty.base.clone();
                Some((l, r, base))
            }
            (_, Base::NoneLit) => {
                let base = l.ty.base.clone();
                Some((l, r, base))
            }
            (a, b) if a.is_numeric() && b.is_numeric() => Some((to_dec(l), to_dec(r), Base::Dec)),
            // A computed default makes the value a string.
            (Base::Enum(_), Base::Str) if !is_str_literal(&r) => Some((member_name(l), r, Base::Str)),
            (Base::Enum(members), Base::Str) => match with_default(members, &r) {
                Some((base, r)) => Some((l, r, base)),
                None => {
                    let members = members.clone();
                    let r = self.enum_literal(r, &members)?;
                    Some((l, r, Base::Enum(members)))
                }
            },
            _ => {
                self.err(
                    codes::TYPE_MISMATCH,
                    l.span.to(r.span),
                    format!(
                        "both sides of `{sym}` must have the same type, found {} and {}",
                        l.ty.describe(),
                        r.ty.describe()
                    ),
                );
                None
            }
        }
    }
}

/// `tier ?? "unknown"`: a default that is no member and is near none (so
/// not a misspelt one, which `enum_literal` reports) joins the members,
/// after them, so the members keep their indices. A default of one or two
/// characters is near nothing: grade `"C"` beside `"A"` and `"B"` is a
/// value of its own, not a typo.
fn with_default(members: &Arc<[Box<str>]>, default: &TExpr) -> Option<(Base, TExpr)> {
    let TKind::Const(Const::Str(s)) = &default.kind else { return None };
    let typo_sized = s.chars().count() >= 3;
    let near = typo_sized && did_you_mean(s, members.iter().map(|m| &**m)).is_some();
    let member_or_near = members.iter().any(|m| **m == **s) || near;
    if member_or_near {
        return None;
    }
    let index = u32::try_from(members.len()).ok()?;
    let widened: Arc<[Box<str>]> = members.iter().cloned().chain(std::iter::once(Box::from(&**s))).collect();
    let base = Base::Enum(widened);
    Some((base.clone(), texpr(TKind::Const(Const::Enum(index)), Ty::req(base), default.span)))
}

/// `2026/01/31` (or `2026/1/31`), which parses as two divisions: the date
/// it means, written `2026-01-31`.
fn slashed_date(text: &str) -> Option<String> {
    let parts: Vec<&str> = text.split('/').map(str::trim).collect();
    let [year, month, day] = parts.as_slice() else { return None };
    let date = format!("{year}-{month:0>2}-{day:0>2}");
    crate::value::parse_date(&date).map(|_| date)
}

/// The text of a string literal that reads as a date (`"2026-01-01"`).
fn quoted_date(t: &TExpr) -> Option<String> {
    match &t.kind {
        TKind::Const(Const::Str(s)) if crate::value::parse_date(s).is_some() => Some(s.to_string()),
        _ => None,
    }
}

/// The text of a string literal that reads as a plain number (`"1000"`, `"0.25"`).
fn quoted_number(t: &TExpr) -> Option<String> {
    match &t.kind {
        TKind::Const(Const::Str(s))
            if s.bytes().any(|b| b.is_ascii_digit())
                && s.bytes().all(|b| b.is_ascii_digit() || b == b'.' || b == b'-')
                && rust_decimal::Decimal::from_str_exact(s).is_ok() =>
        {
            Some(s.to_string())
        }
        _ => None,
    }
}

pub(super) fn num_kind(base: &Base) -> NumKind {
    if *base == Base::Int {
        NumKind::Int
    } else {
        NumKind::Dec
    }
}

/// Widens an int expression to decimal; other types pass through.
pub(super) fn to_dec(t: TExpr) -> TExpr {
    if t.ty.base != Base::Int {
        return t;
    }
    let span = t.span;
    let optional = t.ty.optional;
    if let TKind::Const(Const::Int(i)) = t.kind {
        return texpr(TKind::Const(Const::Dec(i.into())), Ty { base: Base::Dec, optional }, span);
    }
    texpr(TKind::ToDec(Box::new(t)), Ty { base: Base::Dec, optional }, span)
}

/// Whether `t` is a string literal (which may name an enum member).
fn is_str_literal(t: &TExpr) -> bool {
    matches!(t.kind, TKind::Const(Const::Str(_)))
}

/// An enum member as its name (a string, absent where the member may be):
/// for a comparison with a computed string, a case mixing members with
/// strings, an action's text. Any other value as it is.
pub(super) fn member_name(t: TExpr) -> TExpr {
    match t.ty.base {
        Base::Enum(_) => {
            let (span, optional) = (t.span, t.ty.optional);
            texpr(TKind::EnumName(Box::new(t)), Ty { base: Base::Str, optional }, span)
        }
        _ => t,
    }
}
