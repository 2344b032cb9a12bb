//! Columns that name no field but look like an optional field no column
//! gives (`Appeal_Open`, `appeal_opn` beside a schema's `appeal_open`).
//!
//! Spec §3 ignores fields the schema does not name, and a missing optional
//! field is `none`: a column renamed upstream or misspelt would make every
//! row read as `none` and decide otherwise, with nothing said. A missing
//! *required* field is an error per row already; this is its optional twin,
//! said once per input as a warning.

use crate::diagnostic::nearest_names;
use crate::schema::Schema;

/// A column that looks like an optional field given by no column.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NearMiss {
    /// The column as the input names it.
    pub column: String,
    /// The optional field it looks like.
    pub field: String,
}

impl std::fmt::Display for NearMiss {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let (column, field) = (&self.column, &self.field);
        write!(
            f,
            "the column `{column}` is no field of the schema: is it `{field}`? That optional field is in no \
             column, so every row reads it as none"
        )
    }
}

/// The columns of `names` (a CSV header) that name no field and are one
/// letter-case change or a typo away from an optional field that no column
/// names.
pub(crate) fn near_misses<'a>(schema: &Schema, names: impl IntoIterator<Item = &'a str> + Clone) -> Vec<NearMiss> {
    let given: std::collections::HashSet<&str> = names.clone().into_iter().collect();
    let leaves = schema.root.leaves();
    let absent: Vec<&str> = leaves
        .iter()
        .filter(|(path, field)| field.optional && !given.contains(path.as_str()))
        .map(|(path, _)| path.as_str())
        .collect();
    let unknown = names.into_iter().filter(|n| !n.is_empty() && *n != "as_of" && schema.lookup(n).is_none());
    near_misses_among(unknown, &absent)
}

/// Each of the `unknown` columns that looks like one of the `absent`
/// optional fields: the same but for letter case, else the nearest typo.
pub(crate) fn near_misses_among<'a>(unknown: impl IntoIterator<Item = &'a str>, absent: &[&str]) -> Vec<NearMiss> {
    if absent.is_empty() {
        return Vec::new();
    }
    unknown
        .into_iter()
        .filter_map(|column| {
            let field = absent
                .iter()
                .find(|f| f.eq_ignore_ascii_case(column))
                .copied()
                .or_else(|| nearest_names(column, absent.iter().copied(), 1).first().copied())?;
            Some(NearMiss { column: column.to_string(), field: field.to_string() })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_column_like_an_absent_optional_field_is_a_near_miss() {
        let text =
            "entity: account\nkey: id\nfields:\n  id: string\n  score: int\n  appeal_open: bool?\n  note: string?\n";
        let schema = crate::schema::load_schema(std::path::Path::new("s.yaml"), text).unwrap();
        let found = near_misses(&schema, ["id", "score", "Appeal_Open", "region", "nte", "note"]);
        assert_eq!(found, [NearMiss { column: "Appeal_Open".into(), field: "appeal_open".into() }]);
        // A field some column gives is no near miss for another column.
        assert!(near_misses(&schema, ["id", "appeal_open", "appeal_opn", "note"]).is_empty());
    }
}
