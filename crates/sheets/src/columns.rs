//! Maps the headers users actually write onto the fields a use case expects.

use crate::read::{Row, Table};

/// One field an import understands, with every header text accepted for it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ColumnSpec {
    pub key: &'static str,
    /// Accepted header texts, e.g. `["身份证号", "公民身份号码", "id_number", "ID number"]`.
    /// The first one is what error messages name.
    pub headers: &'static [&'static str],
    pub required: bool,
}

impl ColumnSpec {
    pub const fn required(key: &'static str, headers: &'static [&'static str]) -> Self {
        Self {
            key,
            headers,
            required: true,
        }
    }

    pub const fn optional(key: &'static str, headers: &'static [&'static str]) -> Self {
        Self {
            key,
            headers,
            required: false,
        }
    }
}

/// What is wrong (or merely odd) with a file's header row. Columns are
/// 1-based, as in `SheetError::column()`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HeaderProblem {
    /// A required column is absent; `expected` is its first accepted header.
    Missing {
        key: &'static str,
        expected: &'static str,
    },
    /// Two columns claim the same field, so we cannot tell which one to trust.
    Duplicate {
        key: &'static str,
        headers: Vec<String>,
        columns: Vec<usize>,
    },
    /// A header we do not know; ignored, reported so a typo does not go unnoticed.
    Unknown { header: String, column: usize },
    /// A column holds data but its header cell is empty; ignored.
    Unnamed { column: usize },
}

impl HeaderProblem {
    /// Errors stop the import; warnings are shown but the import can go on.
    pub fn is_error(&self) -> bool {
        matches!(self, Self::Missing { .. } | Self::Duplicate { .. })
    }

    pub fn key(&self) -> &'static str {
        match self {
            Self::Missing { .. } => "error-sheet-column-missing",
            Self::Duplicate { .. } => "error-sheet-column-duplicate",
            Self::Unknown { .. } => "warning-sheet-column-unknown",
            Self::Unnamed { .. } => "warning-sheet-column-unnamed",
        }
    }

    pub fn args(&self) -> Vec<(&'static str, String)> {
        match self {
            Self::Missing { expected, .. } => vec![("header", (*expected).to_string())],
            Self::Duplicate {
                headers, columns, ..
            } => vec![
                ("headers", headers.join("、")),
                (
                    "columns",
                    columns
                        .iter()
                        .map(|c| crate::column_name(*c))
                        .collect::<Vec<_>>()
                        .join(", "),
                ),
            ],
            Self::Unknown { header, column } => {
                vec![
                    ("header", header.clone()),
                    ("column", crate::column_name(*column)),
                ]
            }
            Self::Unnamed { column } => vec![("column", crate::column_name(*column))],
        }
    }
}

/// The result of matching a table's headers against a spec.
#[derive(Debug, Clone)]
pub struct Mapped {
    /// (key, 0-based column index, header as written in the file)
    columns: Vec<(&'static str, usize, String)>,
    warnings: Vec<HeaderProblem>,
}

impl Mapped {
    /// The trimmed value of `key` in `row`; `None` when the column is absent
    /// or the cell is empty, so optional and blank are handled alike.
    pub fn get<'r>(&self, row: &'r Row, key: &str) -> Option<&'r str> {
        let index = self.index(key)?;
        row.cells
            .get(index)
            .map(String::as_str)
            .filter(|v| !v.is_empty())
    }

    /// Whether the file has a column for `key` at all.
    pub fn has(&self, key: &str) -> bool {
        self.index(key).is_some()
    }

    /// 0-based column index of `key` in the table.
    pub fn index(&self, key: &str) -> Option<usize> {
        self.columns
            .iter()
            .find(|(k, ..)| *k == key)
            .map(|(_, i, _)| *i)
    }

    /// The header of `key` as the user wrote it, for naming it back to them.
    pub fn header(&self, key: &str) -> Option<&str> {
        self.columns
            .iter()
            .find(|(k, ..)| *k == key)
            .map(|(.., h)| h.as_str())
    }

    pub fn warnings(&self) -> &[HeaderProblem] {
        &self.warnings
    }
}

/// Canonical form used to compare headers: all whitespace removed (templates
/// often contain full-width spaces or Alt+Enter line breaks), full-width ASCII
/// folded to half-width (`（手机）` = `(手机)`), a trailing required-marker
/// asterisk dropped (`姓名*`), and lower-cased.
pub fn normalize_header(header: &str) -> String {
    let folded: String = header
        .chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| match c {
            '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            _ => c,
        })
        .collect();
    folded.trim_end_matches('*').to_lowercase()
}

/// Matches headers to `spec`. On success the result still carries warnings;
/// on failure every problem is returned, warnings included, so the user can
/// fix the header row in one go.
pub fn map_columns(table: &Table, spec: &[ColumnSpec]) -> Result<Mapped, Vec<HeaderProblem>> {
    let mut found: Vec<Vec<usize>> = vec![Vec::new(); spec.len()];
    let mut problems = Vec::new();
    for (index, header) in table.headers.iter().enumerate() {
        let normalized = normalize_header(header);
        if normalized.is_empty() {
            let has_data = table
                .rows
                .iter()
                .any(|r| r.cells.get(index).is_some_and(|v| !v.is_empty()));
            if has_data {
                problems.push(HeaderProblem::Unnamed { column: index + 1 });
            }
            continue;
        }
        let owner = spec.iter().position(|s| {
            s.headers
                .iter()
                .any(|alias| normalize_header(alias) == normalized)
        });
        match owner {
            Some(field) => found[field].push(index),
            None => problems.push(HeaderProblem::Unknown {
                header: header.clone(),
                column: index + 1,
            }),
        }
    }

    let mut columns = Vec::new();
    for (field, indexes) in spec.iter().zip(&found) {
        match indexes.as_slice() {
            [] if field.required => problems.push(HeaderProblem::Missing {
                key: field.key,
                expected: field.headers.first().copied().unwrap_or(field.key),
            }),
            [] => {}
            [index] => columns.push((field.key, *index, table.headers[*index].clone())),
            many => problems.push(HeaderProblem::Duplicate {
                key: field.key,
                headers: many.iter().map(|i| table.headers[*i].clone()).collect(),
                columns: many.iter().map(|i| i + 1).collect(),
            }),
        }
    }

    if problems.iter().any(HeaderProblem::is_error) {
        problems.sort_by_key(|p| !p.is_error());
        Err(problems)
    } else {
        Ok(Mapped {
            columns,
            warnings: problems,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalization() {
        assert_eq!(normalize_header(" 身份证　号 "), "身份证号");
        assert_eq!(normalize_header("联系电话（手机）"), "联系电话(手机)");
        assert_eq!(normalize_header("姓名*"), "姓名");
        assert_eq!(normalize_header("ID\nNumber"), "idnumber");
        assert_eq!(normalize_header("Ｎａｍｅ"), "name");
    }
}
