//! The names nearest a misspelt one, for a help that lists a few rather than
//! one (an unknown function: "did you mean `sum` or `min`?").

/// Up to `n` candidates within a third of `name`'s length in edits, nearest
/// first (ties in the candidates' order).
pub(super) fn nearest<'a>(name: &str, candidates: impl IntoIterator<Item = &'a str>, n: usize) -> Vec<&'a str> {
    let name: Vec<char> = name.chars().collect();
    if name.len() > 64 {
        return Vec::new();
    }
    let limit = (name.len() / 3).max(1);
    let mut scored: Vec<(usize, usize, &str)> = candidates
        .into_iter()
        .enumerate()
        .filter_map(|(i, c)| {
            let d = distance(&name, &c.chars().collect::<Vec<_>>());
            (d <= limit).then_some((d, i, c))
        })
        .collect();
    scored.sort_unstable();
    scored.into_iter().take(n).map(|(_, _, c)| c).collect()
}

/// Levenshtein distance over characters.
fn distance(a: &[char], b: &[char]) -> usize {
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut diagonal = i;
        let mut left = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let up = row.get(j + 1).copied().unwrap_or(usize::MAX);
            let best = (diagonal + usize::from(ca != cb)).min(up.saturating_add(1)).min(left + 1);
            diagonal = up;
            left = best;
            if let Some(cell) = row.get_mut(j + 1) {
                *cell = best;
            }
        }
        if let Some(first) = row.first_mut() {
            *first = i + 1;
        }
    }
    row.last().copied().unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nearest_names_come_first_and_far_ones_not_at_all() {
        let names = ["count", "sum", "min", "max", "avg", "days_between", "months_between"];
        assert_eq!(nearest("mix", names, 3), ["min", "max"]);
        assert_eq!(nearest("day_between", names, 3), ["days_between"]);
        assert!(nearest("frobnicate", names, 3).is_empty());
        assert_eq!(distance(&['a', 'b'], &['b', 'a']), 2);
    }
}
