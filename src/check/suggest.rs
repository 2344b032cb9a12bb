//! The names nearest a misspelt one, for a help that lists a few rather than
//! one (an unknown function: "did you mean `sum` or `min`?"). Distances are
//! strsim's optimal string alignment, as for every "did you mean".

/// Up to `n` candidates within a third of `name`'s length in edits, nearest
/// first (ties in the candidates' order).
pub(super) fn nearest<'a>(name: &str, candidates: impl IntoIterator<Item = &'a str>, n: usize) -> Vec<&'a str> {
    let name_chars = name.chars().count();
    if name_chars > crate::diagnostic::MAX_SUGGESTED_NAME_CHARS {
        return Vec::new();
    }
    let limit = (name_chars / 3).max(1);
    let mut scored: Vec<(usize, usize, &str)> = candidates
        .into_iter()
        .enumerate()
        // A length that differs by more than the limit needs more edits: skipped unmeasured.
        .filter(|(_, c)| name_chars.abs_diff(c.chars().count()) <= limit)
        .filter_map(|(i, c)| {
            let d = strsim::osa_distance(name, c);
            (d <= limit).then_some((d, i, c))
        })
        .collect();
    scored.sort_unstable();
    scored.into_iter().take(n).map(|(_, _, c)| c).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nearest_names_come_first_and_far_ones_not_at_all() {
        let names = ["count", "sum", "min", "max", "avg", "days_between", "months_between"];
        assert_eq!(nearest("mix", names, 3), ["min", "max"]);
        assert_eq!(nearest("day_between", names, 3), ["days_between"]);
        assert_eq!(nearest("cuont", names, 3), ["count"], "a swap of neighbours is one edit");
        assert!(nearest("frobnicate", names, 3).is_empty());
    }
}
