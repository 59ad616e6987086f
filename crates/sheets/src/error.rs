//! Errors that make a whole file unusable.
//!
//! Each variant carries a stable i18n key (`key()`) and its Fluent arguments
//! (`args()`), so the web layer can translate without matching on variants.
//! The wording lives in `MESSAGES.md` beside this crate.

use std::fmt;

/// Why one specific cell made the file unreadable.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CellErrorKind {
    /// A formula's cached value may be stale, and recomputing it is out of scope.
    Formula,
    /// Merged regions hide which row a value belongs to.
    Merged,
    /// A number with more than 15 significant digits: Excel already rounded it,
    /// so an ID number or bank account stored as a number is corrupted.
    NumberTooLong,
    /// An Excel error value such as `#N/A` or `#REF!`.
    ErrorValue,
}

/// Why a CSV file could not be split into fields.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CsvFault {
    /// A `"` inside an unquoted field, or text right after a closing quote.
    StrayQuote,
    /// A quoted field still open at the end of the file.
    UnclosedQuote,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SheetError {
    #[error("the file is neither an XLSX workbook nor a CSV text file")]
    NotASpreadsheet,
    #[error("legacy .xls workbooks are not supported; save the file as .xlsx")]
    LegacyXls,
    #[error("the file looks like a workbook but cannot be read: {detail}")]
    Unreadable { detail: String },
    #[error("the file is larger than {max_bytes} bytes")]
    TooLarge { max_bytes: u64 },
    #[error("the workbook entry {entry:?} is compressed suspiciously well")]
    Suspicious { entry: String },
    #[error("the sheet has more than {max} data rows")]
    TooManyRows { max: usize },
    #[error("the sheet has more than {max} columns")]
    TooManyColumns { max: usize },
    #[error("the sheet has no data rows")]
    Empty,
    #[error("no worksheet named {name:?}")]
    SheetNotFound { name: String },
    #[error("CSV syntax error on line {line}: {fault:?}")]
    Csv { line: usize, fault: CsvFault },
    #[error("cell {}{row}: {kind:?}", column_name(*.column))]
    Cell {
        row: usize,
        column: usize,
        kind: CellErrorKind,
    },
    #[error("could not write the spreadsheet: {detail}")]
    Write { detail: String },
}

impl SheetError {
    /// Stable message key for the web layer's Fluent files.
    pub fn key(&self) -> &'static str {
        match self {
            Self::NotASpreadsheet => "error-sheet-not-spreadsheet",
            Self::LegacyXls => "error-sheet-legacy-xls",
            Self::Unreadable { .. } => "error-sheet-unreadable",
            Self::TooLarge { .. } => "error-sheet-too-large",
            Self::Suspicious { .. } => "error-sheet-suspicious",
            Self::TooManyRows { .. } => "error-sheet-too-many-rows",
            Self::TooManyColumns { .. } => "error-sheet-too-many-columns",
            Self::Empty => "error-sheet-empty",
            Self::SheetNotFound { .. } => "error-sheet-not-found",
            Self::Csv {
                fault: CsvFault::StrayQuote,
                ..
            } => "error-sheet-csv",
            Self::Csv {
                fault: CsvFault::UnclosedQuote,
                ..
            } => "error-sheet-csv-unclosed",
            Self::Cell { kind, .. } => match kind {
                CellErrorKind::Formula => "error-sheet-formula",
                CellErrorKind::Merged => "error-sheet-merged",
                CellErrorKind::NumberTooLong => "error-sheet-number-too-long",
                CellErrorKind::ErrorValue => "error-sheet-cell-error",
            },
            Self::Write { .. } => "error-sheet-write",
        }
    }

    /// 1-based row (XLSX) or text line (CSV) the error points at.
    pub fn row(&self) -> Option<usize> {
        match self {
            Self::Csv { line, .. } => Some(*line),
            Self::Cell { row, .. } => Some(*row),
            _ => None,
        }
    }

    /// 1-based column number; `column_name` turns it into Excel's letters.
    pub fn column(&self) -> Option<usize> {
        match self {
            Self::Cell { column, .. } => Some(*column),
            _ => None,
        }
    }

    /// Named arguments for the message, as Fluent expects them.
    pub fn args(&self) -> Vec<(&'static str, String)> {
        let mut args = Vec::new();
        match self {
            Self::TooLarge { max_bytes } => {
                args.push(("max_mib", (max_bytes / (1024 * 1024)).to_string()))
            }
            Self::Suspicious { entry } => args.push(("entry", entry.clone())),
            Self::TooManyRows { max } | Self::TooManyColumns { max } => {
                args.push(("max", max.to_string()))
            }
            Self::SheetNotFound { name } => args.push(("name", name.clone())),
            Self::Unreadable { detail } | Self::Write { detail } => {
                args.push(("detail", detail.clone()))
            }
            Self::Csv { line, .. } => args.push(("row", line.to_string())),
            Self::Cell { row, column, .. } => {
                args.push(("row", row.to_string()));
                args.push(("column", column_name(*column)));
            }
            Self::NotASpreadsheet | Self::LegacyXls | Self::Empty => {}
        }
        args
    }
}

/// Excel's column letters for a 1-based column number (1 → "A", 27 → "AA").
pub fn column_name(column: usize) -> String {
    let mut n = column;
    let mut letters = Vec::new();
    while n > 0 {
        let rem = (n - 1) % 26;
        letters.push(b'A' + rem as u8);
        n = (n - 1) / 26;
    }
    letters.reverse();
    String::from_utf8(letters).unwrap_or_default()
}

/// Displays a cell position the way Excel's name box does, e.g. `C12`.
pub struct CellRef {
    pub row: usize,
    pub column: usize,
}

impl fmt::Display for CellRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}{}", column_name(self.column), self.row)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn column_letters() {
        assert_eq!(column_name(1), "A");
        assert_eq!(column_name(26), "Z");
        assert_eq!(column_name(27), "AA");
        assert_eq!(column_name(702), "ZZ");
        assert_eq!(column_name(703), "AAA");
        assert_eq!(CellRef { row: 12, column: 3 }.to_string(), "C12");
    }

    #[test]
    fn every_key_is_documented() {
        let messages = include_str!("../MESSAGES.md");
        let cell = |kind| SheetError::Cell {
            row: 1,
            column: 1,
            kind,
        };
        let all = [
            SheetError::NotASpreadsheet,
            SheetError::LegacyXls,
            SheetError::Unreadable {
                detail: String::new(),
            },
            SheetError::TooLarge { max_bytes: 1 },
            SheetError::Suspicious {
                entry: String::new(),
            },
            SheetError::TooManyRows { max: 1 },
            SheetError::TooManyColumns { max: 1 },
            SheetError::Empty,
            SheetError::SheetNotFound {
                name: String::new(),
            },
            SheetError::Csv {
                line: 1,
                fault: CsvFault::StrayQuote,
            },
            SheetError::Csv {
                line: 1,
                fault: CsvFault::UnclosedQuote,
            },
            cell(CellErrorKind::Formula),
            cell(CellErrorKind::Merged),
            cell(CellErrorKind::NumberTooLong),
            cell(CellErrorKind::ErrorValue),
            SheetError::Write {
                detail: String::new(),
            },
        ];
        for error in all {
            assert!(
                messages.contains(&format!("`{}`", error.key())),
                "{} undocumented",
                error.key()
            );
            for (arg, _) in error.args() {
                assert!(messages.contains(&format!("${arg}")), "{arg} undocumented");
            }
        }
        for key in ["error-sheet-column-missing", "error-sheet-column-duplicate"] {
            assert!(messages.contains(key));
        }
        for key in [
            "warning-sheet-column-unknown",
            "warning-sheet-column-unnamed",
        ] {
            assert!(messages.contains(key));
        }
    }

    #[test]
    fn keys_and_positions() {
        let e = SheetError::Cell {
            row: 5,
            column: 2,
            kind: CellErrorKind::Formula,
        };
        assert_eq!(e.key(), "error-sheet-formula");
        assert_eq!((e.row(), e.column()), (Some(5), Some(2)));
        assert_eq!(
            e.args(),
            vec![("row", "5".to_string()), ("column", "B".to_string())]
        );
        assert_eq!(SheetError::Empty.row(), None);
    }
}
