//! A list field given whole to a hook: `hook overdue_risk(overdues: list) -> decimal`
//! called as `overdue_risk(overdues)`. The script sees an array of maps, one
//! per element, keyed by the schema's field names (§4: "sets and lists
//! arrays (records as maps)").

use super::expr::texpr;
use super::Checker;
use crate::diagnostic::codes;
use crate::ir::{Base, Frame, TExpr, TKind, Ty};
use crate::schema::{FieldKind, RecordLayout, ScalarType};
use crate::syntax::ast::{Expr, ExprKind};
use crate::value::{ElementShape, FieldShape};
use std::sync::Arc;

impl Checker<'_> {
    /// The argument of a hook's `list` parameter: a path to one of the
    /// account's list fields, typed with its elements' fields.
    pub(super) fn list_argument(&mut self, arg: &Expr, hook: &str, pname: &str) -> Option<TExpr> {
        let found = match &arg.kind {
            ExprKind::Path(segments) => self.list_field(segments.iter().map(|s| s.node.as_str()), arg),
            _ => None,
        };
        if found.is_none() {
            let help = match list_prefix(&self.schema.root, arg) {
                Some((list, _)) => format!("give the list field itself, `{list}`"),
                None => match self.schema.root.fields.iter().find(|f| matches!(f.kind, FieldKind::List(_))) {
                    Some(f) => format!("give a list field itself, such as `{}`", f.name),
                    None => "the schema has no list field".into(),
                },
            };
            let found_text = self.source_text(arg.span);
            let message = format!("hook `{hook}` expects a list field for `{pname}`, found `{found_text}`");
            self.err(codes::HOOK_ARGUMENT, arg.span, message).help = Some(help);
        }
        found
    }

    /// A list field given to a hook parameter of another type: an error
    /// that says how to give a script a whole list. `None` when `arg` is not
    /// a list field.
    pub(super) fn misplaced_list(&mut self, arg: &Expr, hook: &str, pname: &str, expected: &Base) -> Option<()> {
        let (list, true) = list_prefix(&self.schema.root, arg)? else {
            return None;
        };
        let message = format!("hook `{hook}` expects {} for `{pname}`, found the list `{list}`", expected.describe());
        self.err(codes::HOOK_ARGUMENT, arg.span, message).help = Some(format!(
            "declare the parameter `{pname}: list` to give the script the whole list, or give an aggregate such as `count({list})`"
        ));
        Some(())
    }

    /// The list field at `path` among the account's fields (through nested records).
    fn list_field<'p>(&mut self, mut path: impl Iterator<Item = &'p str>, arg: &Expr) -> Option<TExpr> {
        let schema = self.schema;
        let mut record = &schema.root;
        let mut walked = String::new();
        loop {
            let name = path.next()?;
            let field = record.field(name)?;
            if !walked.is_empty() {
                walked.push('.');
            }
            walked.push_str(name);
            self.check_prohibited(&walked, arg.span);
            match &field.kind {
                FieldKind::Record(inner) => record = inner,
                FieldKind::List(list) if path.next().is_none() => {
                    let shape = shape_of(&list.element, &format!("{walked}."), &schema.prohibited);
                    let ty = Ty::req(Base::Records(Arc::new(shape)));
                    let slot = field.slot.unwrap_or(0);
                    return Some(texpr(TKind::Field { frame: Frame::Account, slot }, ty, arg.span));
                }
                _ => return None,
            }
        }
    }
}

/// The fields a script sees of one element of a list at `prefix` (`overdues.`),
/// leaving out the schema's prohibited fields: a hook is policy code too.
fn shape_of(layout: &RecordLayout, prefix: &str, prohibited: &[String]) -> ElementShape {
    let mut fields = Vec::with_capacity(layout.fields.len());
    for f in &layout.fields {
        let path = format!("{prefix}{}", f.name);
        if prohibited.contains(&path) {
            continue;
        }
        let slot = f.slot.unwrap_or(0);
        let shape = match &f.kind {
            FieldKind::Scalar(ScalarType::Enum(members)) => FieldShape::Leaf { slot, members: Some(members.clone()) },
            FieldKind::Scalar(_) | FieldKind::Set(_) => FieldShape::Leaf { slot, members: None },
            FieldKind::Record(inner) => FieldShape::Record(shape_of(inner, &format!("{path}."), prohibited)),
            FieldKind::List(list) => {
                FieldShape::List { slot, element: Arc::new(shape_of(&list.element, &format!("{path}."), prohibited)) }
            }
        };
        fields.push((f.name.as_str().into(), shape));
    }
    ElementShape { fields }
}

/// The path to the first list field `arg` names, and whether it names that
/// list itself (`overdues`) rather than something under it (`overdues.days`).
fn list_prefix(root: &RecordLayout, arg: &Expr) -> Option<(String, bool)> {
    let ExprKind::Path(segments) = &arg.kind else {
        return None;
    };
    let mut record = root;
    for (i, seg) in segments.iter().enumerate() {
        match &record.field(&seg.node)?.kind {
            FieldKind::Record(inner) => record = inner,
            FieldKind::List(_) => {
                let path = segments.iter().take(i + 1).map(|s| s.node.as_str()).collect::<Vec<_>>().join(".");
                return Some((path, i + 1 == segments.len()));
            }
            _ => return None,
        }
    }
    None
}
