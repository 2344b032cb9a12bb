//! The words of a column error for a table handed over in memory (pyarrow,
//! pandas, polars through `decide_table`): its columns are the user's
//! columns, not a Parquet file's, so the message names the column as the
//! user knows it and claims no file format.

use super::ReadError;

impl ReadError {
    /// The message (with its help, in parentheses) for a table given in
    /// memory rather than read from a file: a column error says "column",
    /// never "Parquet column"; any other error reads as [`std::fmt::Display`].
    #[must_use]
    pub fn in_table_terms(&self) -> String {
        let message = match self {
            ReadError::Header(problems) => {
                // One a line: a help may itself hold a `;`.
                return problems.iter().map(ReadError::in_table_terms).collect::<Vec<_>>().join("\n");
            }
            ReadError::ParquetMissingColumn { field, .. } => {
                format!("the table has no column for the required field `{field}`")
            }
            ReadError::ParquetColumnType { column, found, expected } => {
                format!("column `{column}` is {found}; the field needs {expected}")
            }
            ReadError::ParquetFloatMoney { column, found } => {
                format!("column `{column}` holds binary floating point ({found}), which cannot hold money exactly")
            }
            ReadError::ParquetDuplicateColumn { field, routes } => {
                format!("the table gives the field `{field}` in {routes} columns")
            }
            other => other.to_string(),
        };
        match self.help() {
            Some(help) => format!("{message} ({help})"),
            None => message,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::ReadError;

    #[test]
    fn column_errors_name_the_column_without_a_file_format() {
        let wrong = ReadError::ParquetColumnType {
            column: "score".into(),
            found: "Utf8".into(),
            expected: "an integer column".into(),
        };
        assert_eq!(wrong.in_table_terms(), "column `score` is Utf8; the field needs an integer column");
        let float = ReadError::ParquetFloatMoney { column: "balance".into(), found: "Float64".into() };
        assert!(float.in_table_terms().starts_with("column `balance` holds binary floating point (Float64)"));
        let missing = ReadError::ParquetMissingColumn { field: "id".into(), suggestion: None };
        assert_eq!(
            missing.in_table_terms(),
            "the table has no column for the required field `id` (add a column `id` (or a struct column holding it))"
        );
        for e in [wrong, float, missing] {
            assert!(!e.in_table_terms().contains("Parquet"), "{}", e.in_table_terms());
        }
    }
}
