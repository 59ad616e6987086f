//! Spreadsheet plumbing for imports and exports: read an uploaded XLSX or CSV
//! into plain strings with Excel row numbers, map its headers onto the fields
//! a use case expects, collect per-cell problems, and write XLSX or CSV back.
//!
//! Nothing here knows about residents or areas; the use cases in other crates
//! decide what a column means. Every error carries an i18n key so the web layer
//! can explain it in the user's language (see `MESSAGES.md`).

mod columns;
mod csv_in;
mod csv_out;
mod error;
mod read;
mod report;
mod write;
mod xlsx_in;
mod xlsx_out;
mod xlsx_parts;

pub use columns::{ColumnSpec, HeaderProblem, Mapped, map_columns, normalize_header};
pub use csv_out::{CsvWriter, guard_csv_text};
pub use error::{CellErrorKind, CellRef, CsvFault, SheetError, column_name};
pub use read::{Limits, Row, Table, TextEncoding, read_table};
pub use report::{CellProblem, ImportReport, MAX_PROBLEMS, MAX_VALUE_CHARS};
pub use write::{Cell, display_width};
pub use xlsx_out::XlsxWriter;
