//! Finding the account to explain in a snapshot file: by id (an int key
//! asked for as a number), the `nth` of those sharing it, and when it is not
//! there, a help that names the ids the file does hold.

use super::ExplainError;
use crate::diagnostic::did_you_mean;
use crate::snapshot::{Key, ReadItem};
use std::path::Path;

/// The `nth` (1-based) snapshot with `id`, its 1-based position and how
/// many share the id; `entity` names what a snapshot is of, for the error.
pub(super) fn find(
    reader: impl Iterator<Item = ReadItem>,
    path: &Path,
    (id, nth): (&str, usize),
    entity: &str,
) -> Result<(usize, ReadItem, usize), ExplainError> {
    let mut found: Option<(usize, ReadItem)> = None;
    let mut same_id = 0;
    let mut ids = Vec::new();
    let mut count = 0;
    let mut first_unread: Option<String> = None;
    for (index, item) in reader.enumerate() {
        count += 1;
        let key = match &item {
            Ok(s) => Some(&s.id),
            Err(e) => e.id.as_ref(),
        };
        // An int key is asked for as a number: `--id 007` is account 7, as a batch file reads it.
        let asked_for = |key: &Key| match key {
            Key::Int(n) => id.trim().parse::<i64>() == Ok(*n),
            Key::Str(s) => &**s == id,
        };
        let item_id = key.map(|k| if asked_for(k) { id.to_string() } else { k.to_string() });
        if let (None, Err(e)) = (&first_unread, &item) {
            first_unread = Some(e.message.clone());
        }
        match item_id {
            Some(i) if i == id => {
                same_id += 1;
                if same_id == nth {
                    found = Some((index + 1, item));
                }
            }
            Some(i) => ids.push(i),
            None => {}
        }
    }
    match found {
        Some((position, item)) => Ok((position, item, same_id)),
        None if same_id > 0 => {
            Err(ExplainError::FewerThanNth { id: id.to_string(), file: path.to_path_buf(), same_id, nth })
        }
        None => {
            let help = did_you_mean(id, ids.iter().map(String::as_str))
                .or_else(|| {
                    let first = ids.iter().min_by(|a, b| natural_order(a, b))?;
                    let last = ids.iter().max_by(|a, b| natural_order(a, b))?;
                    Some(if first == last {
                        format!("its only id is `{first}`")
                    } else {
                        format!("its ids run from `{first}` to `{last}`")
                    })
                })
                .or_else(|| {
                    // Not one snapshot read, not even an id: most likely
                    // another format than the one it was read as (a YAML
                    // book piped in, read as JSON Lines).
                    let why = first_unread?;
                    Some(format!(
                        "none of its snapshots could be read (the first: {why}); \
                         if the file is in another format, say which with `--input-format`"
                    ))
                });
            Err(ExplainError::NotFound {
                entity: entity.to_string(),
                id: id.to_string(),
                file: path.to_path_buf(),
                count,
                help,
            })
        }
    }
}

/// Ids in the order a reader expects: runs of digits by their number, so
/// `A9` comes before `A10` (and `A-0009` beside `A-9`), the rest by its text.
fn natural_order(a: &str, b: &str) -> std::cmp::Ordering {
    let (mut a, mut b) = (a, b);
    loop {
        let (Some(x), Some(y)) = (a.chars().next(), b.chars().next()) else {
            return a.len().cmp(&b.len());
        };
        let step = if x.is_ascii_digit() && y.is_ascii_digit() {
            let (number_a, rest_a) = digit_run(a);
            let (number_b, rest_b) = digit_run(b);
            (a, b) = (rest_a, rest_b);
            let (number_a, number_b) = (number_a.trim_start_matches('0'), number_b.trim_start_matches('0'));
            number_a.len().cmp(&number_b.len()).then_with(|| number_a.cmp(number_b))
        } else {
            (a, b) = (&a[x.len_utf8()..], &b[y.len_utf8()..]);
            x.cmp(&y)
        };
        if step.is_ne() {
            return step;
        }
    }
}

/// The digits at the start of `text`, and what follows them.
fn digit_run(text: &str) -> (&str, &str) {
    text.split_at(text.find(|c: char| !c.is_ascii_digit()).unwrap_or(text.len()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_range_in_natural_order() {
        let mut ids = vec!["A29", "A9", "A1", "A10", "B2", "A-0009", "A-10", "é1", "A"];
        ids.sort_by(|a, b| natural_order(a, b));
        assert_eq!(ids, ["A", "A-0009", "A-10", "A1", "A9", "A10", "A29", "B2", "é1"]);
    }
}
