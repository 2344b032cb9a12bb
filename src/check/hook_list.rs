//! A list field given whole to a hook: `hook overdue_risk(overdues: list) -> decimal`
//! called as `overdue_risk(overdues)`. The script sees an array of maps, one
//! per element, keyed by the schema's field names (§4: "sets and lists
//! arrays (records as maps)").

use super::expr::texpr;
use super::Checker;
use crate::diagnostic::codes;
use crate::ir::{Base, Frame, TExpr, TKind, Ty};
use crate::schema::{FieldDef, FieldKind, RecordLayout, ScalarType};
use crate::syntax::ast::{Expr, ExprKind};
use crate::value::{ElementShape, FieldShape};
use std::sync::Arc;

impl Checker<'_> {
    /// The argument of a hook's `list` parameter: a path to one of the
    /// account's list fields, typed with its elements' fields.
    pub(super) fn list_argument(&mut self, arg: &Expr, hook: &str, pname: &str) -> Option<TExpr> {
        let schema = self.schema;
        let walked = walk(&schema.root, arg);
        // Each field on the way is read, as a path through it would be.
        for i in 1..=walked.len() {
            self.check_prohibited(&joined(arg, i), arg.span);
        }
        let found = list_of(arg, &walked);
        if let Some((path, FieldDef { kind: FieldKind::List(list), slot, .. }, true)) = found {
            let shape = shape_of(&list.element, &format!("{path}."), &schema.prohibited);
            let ty = Ty::req(Base::Records(Arc::new(shape)));
            return Some(texpr(TKind::Field { frame: Frame::Account, slot: slot.unwrap_or(0) }, ty, arg.span));
        }
        let help = match found {
            Some((list, _, _)) => format!("give the list field itself, `{list}`"),
            None => match schema.root.fields.iter().find(|f| matches!(f.kind, FieldKind::List(_))) {
                Some(f) => format!("give a list field itself, such as `{}`", f.name),
                None => "the schema has no list field".into(),
            },
        };
        let found_text = self.source_text(arg.span);
        let message = format!("hook `{hook}` expects a list field for `{pname}`, found `{found_text}`");
        self.err(codes::HOOK_ARGUMENT, arg.span, message).help = Some(help);
        None
    }

    /// A list field given to a hook parameter of another type: an error
    /// that says how to give a script a whole list. `None` when `arg` is not
    /// a list field.
    pub(super) fn misplaced_list(&mut self, arg: &Expr, hook: &str, pname: &str, expected: &Base) -> Option<()> {
        let (list, _, true) = list_of(arg, &walk(&self.schema.root, arg))? else {
            return None;
        };
        let message = format!("hook `{hook}` expects {} for `{pname}`, found the list `{list}`", expected.describe());
        self.err(codes::HOOK_ARGUMENT, arg.span, message).help = Some(format!(
            "declare the parameter `{pname}: list` to give the script the whole list, or give an aggregate such as `count({list})`"
        ));
        Some(())
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

/// The fields `arg`'s path names, in order, through nested records up to
/// the first field that is not one (empty when `arg` is not a path).
fn walk<'s>(root: &'s RecordLayout, arg: &Expr) -> Vec<&'s FieldDef> {
    let ExprKind::Path(segments) = &arg.kind else {
        return Vec::new();
    };
    let mut fields = Vec::new();
    let mut record = root;
    for seg in segments {
        let Some(field) = record.field(&seg.node) else { break };
        fields.push(field);
        match &field.kind {
            FieldKind::Record(inner) => record = inner,
            _ => break,
        }
    }
    fields
}

/// The list field a walk ended on: its path, its definition, and whether
/// `arg` names that list itself (`overdues`) rather than something under it
/// (`overdues.days`).
fn list_of<'s>(arg: &Expr, walked: &[&'s FieldDef]) -> Option<(String, &'s FieldDef, bool)> {
    let field = walked.last().filter(|f| matches!(f.kind, FieldKind::List(_)))?;
    let ExprKind::Path(segments) = &arg.kind else { return None };
    Some((joined(arg, walked.len()), field, walked.len() == segments.len()))
}

/// The first `n` segments of `arg`'s path, joined with dots.
fn joined(arg: &Expr, n: usize) -> String {
    match &arg.kind {
        ExprKind::Path(segments) => segments.iter().take(n).map(|s| s.node.as_str()).collect::<Vec<_>>().join("."),
        _ => String::new(),
    }
}
