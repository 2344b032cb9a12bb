//! What became of the old version's guards in the new one, for the
//! report's guards section.

use crate::ir::TGuard;

/// How each new guard stands to the old version's: unchanged (its text is
/// there), replacing an old guard of the same outcome and kind (a count or a
/// percentage) that the new version dropped (`was`), or added; and the old
/// guards dropped and replaced by none.
pub(super) fn guard_changes(old: &[TGuard], new: &[TGuard]) -> (Vec<(Option<String>, bool)>, Vec<String>) {
    let kept = |g: &TGuard| new.iter().any(|n| n.text == g.text);
    let mut dropped: Vec<&TGuard> = old.iter().filter(|g| !kept(g)).collect();
    let same_kind = |a: &TGuard, b: &TGuard| {
        a.outcome == b.outcome && std::mem::discriminant(&a.bound) == std::mem::discriminant(&b.bound)
    };
    let changes = new
        .iter()
        .map(|g| {
            if old.iter().any(|o| o.text == g.text) {
                return (None, false);
            }
            match dropped.iter().position(|o| same_kind(o, g)) {
                Some(at) => (Some(dropped.remove(at).text.clone()), false),
                None => (None, true),
            }
        })
        .collect();
    (changes, dropped.into_iter().map(|g| g.text.clone()).collect())
}

#[cfg(test)]
mod tests {
    use super::guard_changes;
    use crate::check::check;

    /// The guards of a policy holding these lines.
    fn guards(lines: &str) -> Vec<crate::ir::TGuard> {
        let text =
            format!("policy \"p\" version \"1\"\nschema \"s.yaml\"\n{lines}\nrule \"r\" {{ when true then close }}\n");
        let path = std::path::Path::new("p.policy");
        let ast = crate::syntax::parse_policy(path, &text).unwrap_or_else(|e| panic!("{e:?}"));
        let schema = crate::schema::load_schema(std::path::Path::new("s.yaml"), "key: id\nfields:\n  id: string\n")
            .unwrap_or_else(|e| panic!("{e:?}"));
        check(&ast, path, &text, &schema).unwrap_or_else(|e| panic!("{e:?}")).0.guards
    }

    #[test]
    fn a_guard_replaces_only_one_of_its_outcome_and_kind() {
        let old = guards("guard close at most 50%\nguard close at most 10\nguard freeze at most 3");
        let new = guards("guard close at most 8\nguard close at most 5%\nguard restrict at most 2");
        let (changes, removed) = guard_changes(&old, &new);
        assert_eq!(
            changes,
            [
                (Some("close at most 10".to_string()), false),
                (Some("close at most 50%".to_string()), false),
                (None, true)
            ]
        );
        assert_eq!(removed, ["freeze at most 3"]);
        let (changes, removed) = guard_changes(&old, &old);
        assert!(changes.iter().all(|c| *c == (None, false)) && removed.is_empty());
    }
}
