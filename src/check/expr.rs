//! Type-checking expressions: resolves every name to a slot, let, batch or
//! hook, assigns every node a type, and enforces the absent-value rule.

use super::Checker;
use crate::builtins::{self, FnKind, BUILTINS};
use crate::diagnostic::{codes, did_you_mean, Diagnostic, Span};
use crate::ir::*;
use crate::schema::{FieldDef, FieldKind, ListLayout, RecordLayout, ScalarType};
use crate::syntax::ast::{BinaryOp, Expr, ExprKind, Ident, Spanned, UnaryOp};
use crate::value::Duration;
use std::sync::Arc;

/// Where names are looked up while checking one expression.
#[derive(Clone, Copy)]
pub(super) struct Scope<'s> {
    /// The element of the list an enclosing aggregate visits (its fields shadow the account's).
    pub element: Option<&'s RecordLayout>,
}

/// The result of checking: a typed expression, or `None` after an error was reported.
type Checked = Option<TExpr>;

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

fn texpr(kind: TKind, ty: Ty, span: Span) -> TExpr {
    TExpr { kind, ty, span }
}

impl<'a> Checker<'a> {
    /// Checks an expression that must yield a present value of some type.
    pub(super) fn expr(&mut self, e: &Expr, scope: Scope<'_>) -> Checked {
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
                self.call(name, args, filter.as_deref(), window.as_ref(), e.span, scope)
            }
            ExprKind::Unary { op, operand } => self.unary(op, operand, e.span, scope),
            ExprKind::Binary { op, lhs, rhs } => self.binary(op, lhs, rhs, e.span, scope),
        }
    }

    /// Reports a use of a value that may be absent; returns the expression for further checking.
    pub(super) fn present(&mut self, t: TExpr, what: &str) -> Checked {
        if t.ty.optional {
            let name = self.source_text(t.span);
            let default = match t.ty.base {
                Base::Bool => "false",
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
                .with_help(format!(
                    "say what absence means: `({name} ?? {default})`, or test it with `{name} != none`"
                )),
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
    fn path(&mut self, segments: &[Ident], span: Span, scope: Scope<'_>) -> Checked {
        let name = segments.iter().map(|s| s.node.as_str()).collect::<Vec<_>>().join(".");
        // Element fields shadow everything else inside a `where`.
        if let Some(element) = scope.element {
            if element.field(&segments[0].node).is_some() {
                return self.field_path(element, Frame::Element, segments, span);
            }
        }
        if segments.len() == 1 {
            let first = &segments[0].node;
            if self.poisoned.contains(first) {
                return None;
            }
            if first == "as_of" {
                return Some(texpr(TKind::AsOf, Ty::req(Base::Date), span));
            }
            if let Some(&index) = self.let_index.get(first.as_str()) {
                let ty = self.lets[index].value.ty.clone();
                self.used_lets.insert(index);
                return Some(texpr(TKind::Let(index), ty, span));
            }
            if self.let_names_pending.contains(first.as_str()) {
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
        let help = self.suggest_name(&name, scope);
        self.err(codes::UNKNOWN_NAME, span, format!("unknown name `{name}`")).help = help;
        None
    }

    /// The "did you mean" for an unknown name: the closest schema field, let
    /// (checked so far), batch, element field or `as_of`, in that order.
    fn suggest_name(&mut self, name: &str, scope: Scope<'_>) -> Option<String> {
        if self.name_suggestions >= super::MAX_NAME_SUGGESTIONS {
            return None;
        }
        self.name_suggestions += 1;
        let schema = self.schema;
        let root = self.root_leaves.get_or_insert_with(|| schema.root.leaves().into_iter().map(|(p, _)| p).collect());
        let element: Vec<String> =
            scope.element.map(|e| e.leaves().into_iter().map(|(p, _)| p).collect()).unwrap_or_default();
        let candidates = root
            .iter()
            .chain(self.lets.iter().map(|l| &l.name))
            .chain(self.batches.iter())
            .chain(element.iter())
            .map(String::as_str)
            .chain(["as_of"]);
        did_you_mean(name, candidates)
    }

    #[expect(
        clippy::indexing_slicing,
        reason = "paths have at least one segment (the grammar requires a first name), argument counts are checked before arguments are read, and let and hook indices come from lookups in the same vectors"
    )]
    fn field_path(&mut self, record: &RecordLayout, frame: Frame, segments: &[Ident], span: Span) -> Checked {
        let mut current = record;
        for (i, seg) in segments.iter().enumerate() {
            let Some(field) = current.field(&seg.node) else {
                let prefix = segments[..i].iter().map(|s| s.node.as_str()).collect::<Vec<_>>().join(".");
                let help = did_you_mean(&seg.node, current.fields.iter().map(|f| f.name.as_str()));
                self.err(codes::UNKNOWN_NAME, seg.span, format!("`{prefix}` has no field `{}`", seg.node)).help = help;
                return None;
            };
            let path_so_far = segments[..=i].iter().map(|s| s.node.as_str()).collect::<Vec<_>>().join(".");
            match (frame, self.element_lists.last()) {
                (Frame::Account, _) => self.check_prohibited(&path_so_far, span),
                // A list element's field is named through its list: `overdues.amount`.
                (Frame::Element, Some(list)) => self.check_prohibited(&format!("{list}.{path_so_far}"), span),
                (Frame::Element, None) => {}
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
                let t = self.condition(operand, scope, "after `not`")?;
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
                let l = self.condition(lhs, scope, &format!("on the left of `{sym}`"));
                let r = self.condition(rhs, scope, &format!("on the right of `{sym}`"));
                let (l, r) = (Box::new(l?), Box::new(r?));
                let kind = if op.node == BinaryOp::And { TKind::And(l, r) } else { TKind::Or(l, r) };
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
            (Base::Enum(members), Base::Str) if !ordered => {
                let members = members.clone();
                let r = self.enum_literal(r, &members)?;
                (l, r, CmpKind::Enum)
            }
            (Base::Str, Base::Enum(members)) if !ordered => {
                let members = members.clone();
                let l = self.enum_literal(l, &members)?;
                (l, r, CmpKind::Enum)
            }
            _ => {
                let help = match (&l.ty.base, &r.ty.base) {
                    (Base::Date, b) if b.is_numeric() => {
                        Some("compare dates with dates, e.g. `opened_on < as_of - 6 months`".to_string())
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
    fn enum_literal(&mut self, t: TExpr, members: &Arc<[Box<str>]>) -> Checked {
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
            (Base::Enum(members), Base::Str) => {
                let members = members.clone();
                let r = self.enum_literal(r, &members)?;
                Some((l, r, Base::Enum(members)))
            }
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

    #[expect(
        clippy::indexing_slicing,
        reason = "paths have at least one segment (the grammar requires a first name), argument counts are checked before arguments are read, and let and hook indices come from lookups in the same vectors"
    )]
    fn membership(&mut self, negate: bool, lhs: &Expr, rhs: &Expr, span: Span, scope: Scope<'_>) -> Checked {
        let what = "on the left of `in`";
        let needle = self.expr(lhs, scope).and_then(|t| self.present(t, what));
        let bool_ty = Ty::req(Base::Bool);
        // A batch named by the right-hand side.
        if let ExprKind::Path(segs) = &rhs.kind {
            if segs.len() == 1 && scope.element.is_none_or(|e| e.field(&segs[0].node).is_none()) {
                if let Some(batch) = self.batches.iter().position(|b| *b == segs[0].node) {
                    self.used_batches.insert(batch);
                    let needle = needle?;
                    if !matches!(needle.ty.base, Base::Str | Base::Int) {
                        self.err(
                            codes::TYPE_MISMATCH,
                            needle.span,
                            format!(
                                "a batch holds account ids; expected a string or int, found {}",
                                needle.ty.describe()
                            ),
                        );
                        return None;
                    }
                    return Some(texpr(TKind::InBatch { negate, needle: Box::new(needle), batch }, bool_ty, span));
                }
            }
        }
        if let ExprKind::List(items) = &rhs.kind {
            let needle = needle?;
            let mut consts = Vec::with_capacity(items.len());
            for item in items {
                let t = self.expr(item, scope)?;
                let t = match (&needle.ty.base, &t.ty.base) {
                    (Base::Enum(m), Base::Str) => {
                        let m = m.clone();
                        self.enum_literal(t, &m)?
                    }
                    (a, b) if a == b || (a.is_numeric() && b.is_numeric()) => t,
                    _ => {
                        self.err(
                            codes::TYPE_MISMATCH,
                            t.span,
                            format!(
                                "list item is {}, but the left of `in` is {}",
                                t.ty.describe(),
                                needle.ty.describe()
                            ),
                        );
                        return None;
                    }
                };
                match t.kind {
                    TKind::Const(c) => consts.push(numeric_like(c, &needle.ty.base)),
                    _ => {
                        self.err(codes::LIST_ITEM_NOT_LITERAL, t.span, "list items must be literals");
                        return None;
                    }
                }
            }
            return Some(texpr(TKind::InList { negate, needle: Box::new(needle), items: consts }, bool_ty, span));
        }
        let set = self.expr(rhs, scope).and_then(|t| self.present(t, "on the right of `in`"));
        let (needle, set) = (needle?, set?);
        let Base::Set(elem) = &set.ty.base else {
            self.err(
                codes::TYPE_MISMATCH,
                set.span,
                format!("`in` needs a list `[...]`, a set field or a batch on its right, found {}", set.ty.describe()),
            )
            .help = Some("for a batch, declare it: `batch name from \"file.txt\"`".into());
            return None;
        };
        let compatible = match (&**elem, &needle.ty.base) {
            (Base::Enum(_), Base::Str) | (Base::Str, Base::Enum(_)) => true,
            (a, b) => a == b,
        };
        if !compatible {
            self.err(
                codes::TYPE_MISMATCH,
                needle.span,
                format!("the set holds {}, but the left of `in` is {}", elem.describe(), needle.ty.describe()),
            );
            return None;
        }
        Some(texpr(TKind::InSet { negate, needle: Box::new(needle), set: Box::new(set) }, bool_ty, span))
    }

    #[expect(
        clippy::indexing_slicing,
        reason = "paths have at least one segment (the grammar requires a first name), argument counts are checked before arguments are read, and let and hook indices come from lookups in the same vectors"
    )]
    fn call(
        &mut self,
        name: &Ident,
        args: &[Expr],
        filter: Option<&Expr>,
        window: Option<&Spanned<Duration>>,
        span: Span,
        scope: Scope<'_>,
    ) -> Checked {
        let fname = name.node.as_str();
        let builtin = builtins::lookup(fname);
        let is_pair = matches!(builtin.map(|b| b.kind), Some(FnKind::AggregateOrPair(..))) && args.len() == 2;
        match builtin.map(|b| b.kind) {
            Some(FnKind::Aggregate(func) | FnKind::AggregateOrPair(func, _)) if !is_pair => {
                return self.aggregate(func, name, args, filter, window, span, scope);
            }
            _ => {}
        }
        if let Some(f) = filter {
            self.err(
                codes::CLAUSE_OUT_OF_PLACE,
                f.span,
                format!("`where` only belongs in an aggregate, not in `{fname}(...)`"),
            );
        }
        if let Some(w) = window {
            self.err(
                codes::CLAUSE_OUT_OF_PLACE,
                w.span,
                format!("`within` only belongs in an aggregate, not in `{fname}(...)`"),
            );
        }
        if let Some(hook) = self.hooks.iter().position(|h| h.name == fname) {
            return self.hook_call(hook, args, span, scope);
        }
        if self.poisoned.contains(fname) {
            return None;
        }
        let Some(builtin) = builtin else {
            let names = BUILTINS.iter().map(|b| b.name).chain(self.hooks.iter().map(|h| h.name.as_str()));
            let help = did_you_mean(fname, names);
            self.err(codes::UNKNOWN_FUNCTION, name.span, format!("unknown function `{fname}`")).help = help;
            return None;
        };
        let checked: Vec<Checked> = args.iter().map(|a| self.expr(a, scope)).collect();
        let mut targs = Vec::with_capacity(checked.len());
        for c in checked {
            targs.push(self.present(c?, &format!("as an argument of `{fname}`"))?);
        }
        if !is_pair && targs.len() != builtin.arity {
            let n = builtin.arity;
            let message =
                format!("`{fname}` takes {n} argument{}, found {}", if n == 1 { "" } else { "s" }, targs.len());
            self.err(codes::ARITY, span, message);
            return None;
        }
        let (func, ty) = match builtin.kind {
            FnKind::Number(func) => (func, Ty::req(self.numeric_arg(&targs[0], fname)?)),
            FnKind::Round => {
                let base = self.numeric_arg(&targs[0], fname)?;
                if targs[1].ty.base != Base::Int {
                    self.err(
                        codes::TYPE_MISMATCH,
                        targs[1].span,
                        "the number of decimal places must be a whole number",
                    );
                    return None;
                }
                if let Some(places) = const_int(&targs[1]).filter(|p| !(0..=MAX_ROUND_PLACES).contains(p)) {
                    let message = format!("`round` takes 0 to {MAX_ROUND_PLACES} decimal places, found {places}");
                    self.err(codes::TYPE_MISMATCH, targs[1].span, message);
                    return None;
                }
                (Builtin::Round, Ty::req(base))
            }
            FnKind::AggregateOrPair(_, func) => {
                let (a, b) = (&targs[0].ty.base, &targs[1].ty.base);
                let base = match (a, b) {
                    (Base::Int, Base::Int) => Base::Int,
                    (x, y) if x.is_numeric() && y.is_numeric() => Base::Dec,
                    (Base::Date, Base::Date) => Base::Date,
                    _ => {
                        self.err(
                            codes::TYPE_MISMATCH,
                            span,
                            format!(
                                "`{fname}(a, b)` needs two numbers or two dates, found {} and {}",
                                a.describe(),
                                b.describe()
                            ),
                        );
                        return None;
                    }
                };
                if base == Base::Dec {
                    targs = targs.into_iter().map(to_dec).collect();
                }
                (func, Ty::req(base))
            }
            FnKind::TwoDates(func) => {
                for t in &targs {
                    if t.ty.base != Base::Date {
                        self.err(
                            codes::TYPE_MISMATCH,
                            t.span,
                            format!("`{fname}` takes two dates, found {}", t.ty.describe()),
                        );
                        return None;
                    }
                }
                (func, Ty::req(Base::Int))
            }
            FnKind::Length => {
                let func = match targs[0].ty.base {
                    Base::Str => Builtin::LenStr,
                    Base::Set(_) => Builtin::LenSet,
                    _ => {
                        self.err(
                            codes::TYPE_MISMATCH,
                            targs[0].span,
                            format!("`len` takes a string or a set, found {}", targs[0].ty.describe()),
                        );
                        return None;
                    }
                };
                (func, Ty::req(Base::Int))
            }
            FnKind::Aggregate(_) => return None,
        };
        Some(texpr(TKind::Call { func, args: targs }, ty, span))
    }

    fn numeric_arg(&mut self, t: &TExpr, fname: &str) -> Option<Base> {
        if t.ty.base.is_numeric() {
            Some(t.ty.base.clone())
        } else {
            self.err(codes::TYPE_MISMATCH, t.span, format!("`{fname}` takes a number, found {}", t.ty.describe()));
            None
        }
    }

    #[expect(
        clippy::indexing_slicing,
        reason = "paths have at least one segment (the grammar requires a first name), argument counts are checked before arguments are read, and let and hook indices come from lookups in the same vectors"
    )]
    fn hook_call(&mut self, hook: usize, args: &[Expr], span: Span, scope: Scope<'_>) -> Checked {
        self.used_hooks.insert(hook);
        let sig = self.hooks[hook].clone();
        if args.len() != sig.params.len() {
            self.err(
                codes::ARITY,
                span,
                format!("hook `{}` takes {} argument(s), found {}", sig.name, sig.params.len(), args.len()),
            )
            .help = Some(format!(
                "declared as `{}({})`",
                sig.name,
                sig.params.iter().map(|(n, t)| format!("{n}: {}", t.base.describe())).collect::<Vec<_>>().join(", ")
            ));
            return None;
        }
        let mut targs = Vec::with_capacity(args.len());
        for (arg, (pname, pty)) in args.iter().zip(&sig.params) {
            let t = self.expr(arg, scope)?;
            let t = self.present(t, &format!("as hook argument `{pname}`"))?;
            let t = match (&pty.base, &t.ty.base) {
                (a, b) if a == b => t,
                (Base::Dec, Base::Int) => to_dec(t),
                (Base::Str, Base::Enum(_)) => t,
                _ => {
                    self.err(
                        codes::HOOK_ARGUMENT,
                        t.span,
                        format!(
                            "hook `{}` expects {} for `{pname}`, found {}",
                            sig.name,
                            pty.base.describe(),
                            t.ty.describe()
                        ),
                    );
                    return None;
                }
            };
            targs.push(t);
        }
        Some(texpr(TKind::Hook { hook, args: targs }, sig.result.clone(), span))
    }

    #[allow(clippy::too_many_arguments)]
    #[expect(
        clippy::indexing_slicing,
        reason = "paths have at least one segment (the grammar requires a first name), argument counts are checked before arguments are read, and let and hook indices come from lookups in the same vectors"
    )]
    fn aggregate(
        &mut self,
        func: AggFunc,
        name: &Ident,
        args: &[Expr],
        filter: Option<&Expr>,
        window: Option<&Spanned<Duration>>,
        span: Span,
        scope: Scope<'_>,
    ) -> Checked {
        let fname = name.node.as_str();
        let [arg] = args else {
            self.err(codes::ARITY, span, format!("`{fname}` takes one list, such as `{fname}(overdues)`"));
            return None;
        };
        let Some(segments) = (match &arg.kind {
            ExprKind::Path(s) => Some(s),
            _ => None,
        }) else {
            self.err(
                codes::NOT_AGGREGATABLE,
                arg.span,
                format!("`{fname}` aggregates a list field (or a set), such as `{fname}(overdues.days)`"),
            );
            return None;
        };
        // A set field: only `count` applies.
        let resolved = self.resolve_list(segments, arg.span, scope)?;
        let (list_slot, list, field_seg) = match resolved {
            ListOrSet::Set(t) => {
                if func != AggFunc::Count || filter.is_some() || window.is_some() {
                    self.err(codes::NOT_AGGREGATABLE, span, format!("a set supports `count(set)` and `len(set)` only; `{fname}` with `where`/`within` needs a list field"));
                    return None;
                }
                return Some(texpr(TKind::SetCount(Box::new(t)), Ty::req(Base::Int), span));
            }
            ListOrSet::List { slot, layout, field, path } => {
                self.element_lists.push(path);
                (slot, layout, field)
            }
        };
        let elem_scope = Scope { element: Some(&list.element) };
        let filter_t = match filter {
            Some(f) => self.condition(f, elem_scope, "after `where`").map(Some),
            None => Some(None),
        };
        let projected = match (&filter_t, field_seg) {
            (Some(_), Some(seg)) => {
                self.field_path(&list.element, Frame::Element, std::slice::from_ref(seg), seg.span).map(Some)
            }
            (Some(_), None) => Some(None),
            (None, _) => None,
        };
        self.element_lists.pop();
        let filter_t = filter_t?;
        let window_t = match window {
            Some(w) if !self.duration_within_max(w.node, w.span) => return None,
            Some(w) => match &list.by {
                Some((_, by_slot)) => Some((w.node, *by_slot)),
                None => {
                    self.err(
                        codes::NO_DATE_KEY,
                        w.span,
                        "`within` needs the list to have a date key (`by:` in the schema)",
                    );
                    return None;
                }
            },
            None => None,
        };
        let by_slot = list.by.as_ref().map(|(_, s)| *s);
        let projected = projected?;
        let mut agg =
            Aggregate { func, list_slot, field: None, num: None, filter: filter_t, window: window_t, by_slot };
        let ty = match func {
            AggFunc::Count => Ty::req(Base::Int),
            AggFunc::Any | AggFunc::All => {
                if let Some(p) = &projected {
                    if p.ty.base != Base::Bool {
                        self.err(
                            codes::NOT_AGGREGATABLE,
                            p.span,
                            format!("`{fname}` of a field needs a bool field, found {}", p.ty.describe()),
                        );
                        return None;
                    }
                }
                Ty::req(Base::Bool)
            }
            AggFunc::Sum | AggFunc::Min | AggFunc::Max | AggFunc::Avg | AggFunc::Latest | AggFunc::Earliest => {
                let Some(p) = &projected else {
                    let example = list
                        .element
                        .fields
                        .iter()
                        .find(|f| {
                            matches!(
                                f.kind,
                                FieldKind::Scalar(ScalarType::Int | ScalarType::Decimal | ScalarType::Money)
                            )
                        })
                        .or(list.element.fields.first())
                        .map_or("amount", |f| f.name.as_str());
                    self.err(
                        codes::NOT_AGGREGATABLE,
                        arg.span,
                        format!(
                            "`{fname}` needs a field of the list, such as `{fname}({}.{example})`",
                            segments[0].node
                        ),
                    );
                    return None;
                };
                if matches!(func, AggFunc::Latest | AggFunc::Earliest) && by_slot.is_none() {
                    self.err(
                        codes::NO_DATE_KEY,
                        span,
                        format!("`{fname}` needs the list to have a date key (`by:` in the schema)"),
                    );
                    return None;
                }
                let base = p.ty.base.clone();
                let ok = match func {
                    AggFunc::Sum | AggFunc::Avg => base.is_numeric(),
                    AggFunc::Min | AggFunc::Max => base.is_numeric() || base == Base::Date,
                    _ => true,
                };
                if !ok {
                    self.err(
                        codes::NOT_AGGREGATABLE,
                        p.span,
                        format!("`{fname}` needs a number field, found {}", p.ty.describe()),
                    );
                    return None;
                }
                agg.num = if base.is_numeric() { Some(num_kind(&base)) } else { None };
                match func {
                    AggFunc::Sum => Ty::req(base),
                    AggFunc::Avg => {
                        agg.num = Some(NumKind::Dec);
                        Ty::opt(Base::Dec)
                    }
                    _ => Ty::opt(base),
                }
            }
        };
        if let Some(TExpr { kind: TKind::Field { slot, .. }, .. }) = projected {
            agg.field = Some(slot);
        }
        Some(texpr(TKind::Agg(Box::new(agg)), ty, span))
    }

    #[expect(
        clippy::indexing_slicing,
        reason = "paths have at least one segment (the grammar requires a first name), argument counts are checked before arguments are read, and let and hook indices come from lookups in the same vectors"
    )]
    fn resolve_list<'s>(&mut self, segments: &'s [Ident], span: Span, scope: Scope<'_>) -> Option<ListOrSet<'a, 's>> {
        let schema: &'a crate::schema::Schema = self.schema;
        let mut current = &schema.root;
        for (i, seg) in segments.iter().enumerate() {
            let Some(field) = current.field(&seg.node) else {
                // Not a field: maybe a set-valued let, or a typo.
                break;
            };
            let path_so_far = segments[..=i].iter().map(|s| s.node.as_str()).collect::<Vec<_>>().join(".");
            self.check_prohibited(&path_so_far, span);
            match &field.kind {
                FieldKind::Record(inner) => current = inner,
                FieldKind::List(layout) => {
                    let rest = &segments[i + 1..];
                    if rest.len() > 1 {
                        self.err(
                            codes::NOT_AGGREGATABLE,
                            span,
                            "an aggregate can project one field of the list element",
                        );
                        return None;
                    }
                    return Some(ListOrSet::List {
                        slot: field.slot.unwrap_or(0),
                        layout,
                        field: rest.first(),
                        path: path_so_far,
                    });
                }
                FieldKind::Set(_) | FieldKind::Scalar(_) => break,
            }
        }
        let t = self.path(segments, span, scope)?;
        match t.ty.base {
            Base::Set(_) => Some(ListOrSet::Set(self.present(t, "in an aggregate")?)),
            _ => {
                self.err(
                    codes::NOT_AGGREGATABLE,
                    span,
                    format!("`{}` is {}, not a list field or a set", self.source_text(span), t.ty.describe()),
                );
                None
            }
        }
    }
}

enum ListOrSet<'a, 's> {
    Set(TExpr),
    List { slot: usize, layout: &'a ListLayout, field: Option<&'s Ident>, path: String },
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

/// The value of a whole-number literal, signed or not (`28`, `-1`).
fn const_int(e: &TExpr) -> Option<i64> {
    match &e.kind {
        TKind::Const(Const::Int(n)) => Some(*n),
        TKind::Neg(NumKind::Int, inner) => const_int(inner).and_then(i64::checked_neg),
        _ => None,
    }
}

fn numeric_like(c: Const, target: &Base) -> Const {
    match (c, target) {
        (Const::Int(i), Base::Dec) => Const::Dec(i.into()),
        (c, _) => c,
    }
}
