//! One integration-test binary for the crate, to keep link time down; the
//! modules below split it by theme.

#[path = "sheets/csv_read.rs"]
mod csv_read;
#[path = "sheets/hostile.rs"]
mod hostile;
#[path = "sheets/mapping.rs"]
mod mapping;
#[path = "sheets/writing.rs"]
mod writing;
#[path = "sheets/xlsx_read.rs"]
mod xlsx_read;

use fengqiao_sheets::{CellErrorKind, Limits, SheetError, Table, read_table};
use rust_xlsxwriter::{Workbook, Worksheet};

pub const ID: &str = "150102199001011234";

pub fn xlsx(build: impl FnOnce(&mut Worksheet)) -> Vec<u8> {
    let mut book = Workbook::new();
    build(book.add_worksheet());
    book.save_to_buffer().unwrap()
}

pub fn read(bytes: &[u8]) -> Result<Table, SheetError> {
    read_table(bytes, "upload", &Limits::default())
}

pub fn cell_error(row: usize, column: usize, kind: CellErrorKind) -> Result<Table, SheetError> {
    Err(SheetError::Cell { row, column, kind })
}
