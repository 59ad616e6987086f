//! Per-cell validation results, as plain data the web layer translates.

use crate::columns::Mapped;
use crate::read::Row;

/// Values are echoed back so the user recognises the cell, but a whole pasted
/// paragraph would swamp the report.
pub const MAX_VALUE_CHARS: usize = 64;

/// A report for a 200,000-row file full of mistakes would be larger than the
/// file; past this many the rest are only counted.
pub const MAX_PROBLEMS: usize = 1000;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CellProblem {
    /// Row number as Excel shows it.
    pub row: usize,
    /// Header as written in the file; empty when the problem is the whole row.
    pub column: String,
    /// i18n message key, e.g. `error-id-number-check-digit`.
    pub key: &'static str,
    /// The offending value, shortened to `MAX_VALUE_CHARS` characters.
    pub value: String,
}

impl CellProblem {
    pub fn new(row: usize, column: impl Into<String>, key: &'static str, value: &str) -> Self {
        Self {
            row,
            column: column.into(),
            key,
            value: truncate(value),
        }
    }
}

fn truncate(value: &str) -> String {
    match value.char_indices().nth(MAX_VALUE_CHARS) {
        Some((cut, _)) => format!("{}…", &value[..cut]),
        None => value.to_string(),
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImportReport {
    pub rows_read: usize,
    pub rows_valid: usize,
    pub problems: Vec<CellProblem>,
    /// Problems found beyond `MAX_PROBLEMS` and not kept.
    pub problems_omitted: usize,
}

impl ImportReport {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn is_clean(&self) -> bool {
        self.problems.is_empty() && self.problems_omitted == 0
    }

    pub fn push(&mut self, problem: CellProblem) {
        if self.problems.len() < MAX_PROBLEMS {
            self.problems.push(problem);
        } else {
            self.problems_omitted += 1;
        }
    }

    /// Records a problem with the cell of `column_key` in `row`, naming the
    /// column by the header the user wrote and echoing the cell's value.
    pub fn cell(&mut self, mapped: &Mapped, row: &Row, column_key: &str, key: &'static str) {
        let column = mapped.header(column_key).unwrap_or(column_key).to_string();
        let value = mapped.get(row, column_key).unwrap_or("");
        self.push(CellProblem::new(row.line, column, key, value));
    }

    /// Records a problem with a row as a whole, such as a duplicate record.
    pub fn row(&mut self, row: &Row, key: &'static str) {
        self.push(CellProblem::new(row.line, String::new(), key, ""));
    }

    /// Number of distinct rows with at least one kept problem.
    pub fn rows_with_problems(&self) -> usize {
        let mut rows: Vec<usize> = self.problems.iter().map(|p| p.row).collect();
        rows.sort_unstable();
        rows.dedup();
        rows.len()
    }

    /// Orders problems by row, then column, for display next to the file.
    pub fn sort(&mut self) {
        self.problems
            .sort_by(|a, b| (a.row, &a.column).cmp(&(b.row, &b.column)));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_truncated_by_characters() {
        let long = "身".repeat(100);
        let p = CellProblem::new(3, "姓名", "error-x", &long);
        assert_eq!(p.value.chars().count(), MAX_VALUE_CHARS + 1);
        assert!(p.value.ends_with('…'));
        assert_eq!(CellProblem::new(3, "a", "k", "short").value, "short");
    }

    #[test]
    fn problems_are_capped() {
        let mut report = ImportReport::new();
        for i in 0..MAX_PROBLEMS + 5 {
            report.push(CellProblem::new(i, "a", "k", "v"));
        }
        assert_eq!(report.problems.len(), MAX_PROBLEMS);
        assert_eq!(report.problems_omitted, 5);
        assert!(!report.is_clean());
        assert_eq!(report.rows_with_problems(), MAX_PROBLEMS);
    }
}
