//! Keys of a case's inline snapshot that name no field of the schema. A
//! book's snapshot may carry columns the policy does not read, and they are
//! ignored; in a snapshot written by hand for a test, such a key is most
//! likely a misspelt field (`balanse`), and the case then tests the base
//! snapshot's value, not the one written. Warned, not refused: the snapshot
//! is still read exactly as a YAML snapshot is.

use super::file::Reader;
use crate::diagnostic::{codes, did_you_mean, Diagnostic, Span};
use crate::schema::{FieldKind, RecordLayout};
use crate::yaml::{YKind, YNode};
use std::collections::HashSet;

/// Warns, once per key as written (a `base_snapshot` key is laid under
/// every case), of each key of `node` the schema does not know.
pub(super) fn warn_unknown_keys(node: &YNode, root: &RecordLayout, warned: &mut HashSet<Span>, r: &mut Reader<'_>) {
    walk(node, root, true, warned, r);
}

fn walk(node: &YNode, layout: &RecordLayout, at_root: bool, warned: &mut HashSet<Span>, r: &mut Reader<'_>) {
    let YKind::Map(entries) = &node.kind else { return };
    for (key, value) in entries {
        let Some(name) = key.as_scalar() else { continue };
        match layout.position(name).and_then(|i| layout.fields.get(i)) {
            Some(field) => match &field.kind {
                FieldKind::Record(inner) => walk(value, inner, false, warned, r),
                FieldKind::List(list) => {
                    if let YKind::Seq(items) = &value.kind {
                        for item in items {
                            walk(item, &list.element, false, warned, r);
                        }
                    }
                }
                FieldKind::Scalar(_) | FieldKind::Set(_) => {}
            },
            None if at_root && name == "as_of" => {}
            None if warned.insert(key.span) => {
                let names = layout.fields.iter().map(|f| f.name.as_str());
                let help = did_you_mean(name, names).map_or_else(
                    || "a key the schema does not name is ignored, as in a book's snapshot".to_string(),
                    |meant| format!("{meant} A key the schema does not name is ignored, as in a book's snapshot"),
                );
                let message = format!("`{name}` is not a field of the schema: no policy reads it");
                r.diags.push(Diagnostic::warning(codes::TEST_SNAPSHOT_KEY, r.file, key.span, message).with_help(help));
            }
            None => {}
        }
    }
}
