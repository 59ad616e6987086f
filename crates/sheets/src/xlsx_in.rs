//! XLSX reading through calamine, behind a zip-bomb guard.

use std::io::Cursor;

use calamine::{DataRef, ExcelDateTime, Reader, SheetType, SheetVisible, Xlsx};
use chrono::{Duration, Timelike};
use zip::ZipArchive;

use crate::error::{CellErrorKind, SheetError};
use crate::read::{Limits, Table, TableBuilder};

/// Above this size an entry must not compress better than `MAX_RATIO`.
const RATIO_CHECK_ABOVE: u64 = 10 * 1024 * 1024;
/// Real worksheets compress about 5–30:1; a bomb of repeated bytes reaches 1000:1.
const MAX_RATIO: u64 = 100;
/// A workbook has a few dozen parts; thousands of entries only cost us time.
const MAX_ENTRIES: usize = 10_000;

pub(crate) fn read(bytes: &[u8], limits: &Limits) -> Result<Table, SheetError> {
    guard_archive(bytes, limits)?;
    let mut book: Xlsx<_> = Xlsx::new(Cursor::new(bytes)).map_err(unreadable)?;
    let sheet = pick_sheet(&book, limits)?;

    // Checked up front so a file with merged cells fails the same way whatever
    // its size, and before any row is read.
    let merged = book.merge_cells_by_sheet_name(&sheet).map_err(unreadable)?;
    if let Some(first) = merged.iter().map(|d| d.start).min() {
        return Err(cell_error(first, CellErrorKind::Merged));
    }

    let mut cells = book.worksheet_cells_reader(&sheet).map_err(unreadable)?;
    let mut builder = TableBuilder::new(limits);
    let mut current: Option<(u32, Vec<String>)> = None;
    while let Some(cell) = cells
        .next_cell_with_formula_metadata()
        .map_err(unreadable)?
    {
        if cell.formula.is_some() {
            return Err(cell_error(cell.pos, CellErrorKind::Formula));
        }
        let text = cell_text(&cell.value).map_err(|kind| cell_error(cell.pos, kind))?;
        if text.is_empty() {
            continue;
        }
        let (row, column) = (cell.pos.0, cell.pos.1 as usize);
        if column >= limits.max_columns {
            return Err(SheetError::TooManyColumns {
                max: limits.max_columns,
            });
        }
        if current.as_ref().is_none_or(|(r, _)| *r != row) {
            if let Some((r, values)) = current.take() {
                builder.push(r as usize + 1, values)?;
            }
            current = Some((row, Vec::new()));
        }
        if let Some((_, values)) = current.as_mut() {
            if values.len() <= column {
                values.resize(column + 1, String::new());
            }
            values[column] = text;
        }
    }
    if let Some((r, values)) = current {
        builder.push(r as usize + 1, values)?;
    }
    builder.finish(None, Some(sheet))
}

/// Refuses archives that would cost too much to inflate, before calamine
/// inflates anything. The declared sizes can be trusted because the zip crate
/// fails any entry that inflates past its declared size.
fn guard_archive(bytes: &[u8], limits: &Limits) -> Result<(), SheetError> {
    let mut zip = ZipArchive::new(Cursor::new(bytes)).map_err(|_| SheetError::NotASpreadsheet)?;
    if zip.len() > MAX_ENTRIES {
        return Err(SheetError::Suspicious {
            entry: format!("{} entries", zip.len()),
        });
    }
    let mut total: u64 = 0;
    let mut has_workbook = false;
    for index in 0..zip.len() {
        let entry = zip.by_index_raw(index).map_err(unreadable)?;
        let name = entry.name_raw();
        has_workbook |= name == b"xl/workbook.xml";
        total = total.saturating_add(entry.size());
        if total > limits.max_uncompressed_bytes {
            return Err(SheetError::TooLarge {
                max_bytes: limits.max_uncompressed_bytes,
            });
        }
        if entry.size() > RATIO_CHECK_ABOVE
            && entry.size() > entry.compressed_size().saturating_mul(MAX_RATIO)
        {
            let entry = String::from_utf8_lossy(name).into_owned();
            return Err(SheetError::Suspicious { entry });
        }
    }
    // A .docx, .ods or plain .zip is a zip too, but not something we read.
    if has_workbook {
        Ok(())
    } else {
        Err(SheetError::NotASpreadsheet)
    }
}

fn pick_sheet(book: &Xlsx<Cursor<&[u8]>>, limits: &Limits) -> Result<String, SheetError> {
    let sheets = book.sheets_metadata();
    if let Some(wanted) = &limits.sheet {
        let wanted_key = wanted.trim().to_lowercase();
        return sheets
            .iter()
            .find(|s| s.name.trim().to_lowercase() == wanted_key)
            .map(|s| s.name.clone())
            .ok_or_else(|| SheetError::SheetNotFound {
                name: wanted.clone(),
            });
    }
    sheets
        .iter()
        .find(|s| s.typ == SheetType::WorkSheet && s.visible == SheetVisible::Visible)
        .map(|s| s.name.clone())
        .ok_or(SheetError::Empty)
}

fn cell_error((row, column): (u32, u32), kind: CellErrorKind) -> SheetError {
    SheetError::Cell {
        row: row as usize + 1,
        column: column as usize + 1,
        kind,
    }
}

fn unreadable(err: impl std::fmt::Display) -> SheetError {
    SheetError::Unreadable {
        detail: err.to_string(),
    }
}

/// Renders a cell the way the user reads it in Excel, as plain text.
fn cell_text(value: &DataRef<'_>) -> Result<String, CellErrorKind> {
    Ok(match value {
        DataRef::Empty => String::new(),
        DataRef::String(s) => s.clone(),
        DataRef::SharedString(s) => (*s).to_string(),
        DataRef::Float(f) => format_number(*f).ok_or(CellErrorKind::NumberTooLong)?,
        DataRef::Int(i) if i.unsigned_abs() >= 1_000_000_000_000_000 => {
            return Err(CellErrorKind::NumberTooLong);
        }
        DataRef::Int(i) => i.to_string(),
        DataRef::Bool(true) => "TRUE".to_string(),
        DataRef::Bool(false) => "FALSE".to_string(),
        DataRef::DateTime(dt) => format_datetime(dt),
        DataRef::DateTimeIso(s) => s.strip_suffix("T00:00:00").unwrap_or(s).replace('T', " "),
        DataRef::DurationIso(s) => s.clone(),
        DataRef::Error(_) => return Err(CellErrorKind::ErrorValue),
    })
}

/// Excel keeps 15 significant digits, so anything with 16 or more integer
/// digits has already been rounded (an ID number typed into a number cell).
/// Smaller values are rounded to 15 digits as Excel displays them, which hides
/// binary noise such as 0.30000000000000004.
pub(crate) fn format_number(value: f64) -> Option<String> {
    if !value.is_finite() || value.abs() >= 1e15 {
        return None;
    }
    let rounded: f64 = format!("{value:.14e}").parse().ok()?;
    if rounded.fract() == 0.0 {
        Some(format!("{}", rounded as i64))
    } else {
        Some(format!("{rounded}"))
    }
}

/// Dates become ISO `YYYY-MM-DD`; a time of day is kept only when present, and
/// a bare time (serial below 1) is shown without the 1899 epoch date.
fn format_datetime(dt: &ExcelDateTime) -> String {
    if dt.is_duration() {
        let Some(d) = dt.as_duration() else {
            return dt.as_f64().to_string();
        };
        let secs = (d.num_milliseconds() + 500) / 1000;
        return format!("{}:{:02}:{:02}", secs / 3600, secs / 60 % 60, secs % 60);
    }
    let Some(at) = dt.as_datetime() else {
        return dt.as_f64().to_string();
    };
    let at = at + Duration::milliseconds(500);
    if dt.as_f64().abs() < 1.0 {
        at.format("%H:%M:%S").to_string()
    } else if at.hour() == 0 && at.minute() == 0 && at.second() == 0 {
        at.format("%Y-%m-%d").to_string()
    } else {
        at.format("%Y-%m-%d %H:%M:%S").to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_read_as_excel_shows_them() {
        assert_eq!(format_number(42.0).as_deref(), Some("42"));
        assert_eq!(format_number(-3.5).as_deref(), Some("-3.5"));
        assert_eq!(format_number(0.1 + 0.2).as_deref(), Some("0.3"));
        assert_eq!(format_number(13812345678.0).as_deref(), Some("13812345678"));
        assert_eq!(
            format_number(999_999_999_999_999.0).as_deref(),
            Some("999999999999999")
        );
        assert_eq!(format_number(1.50102199001011e17), None);
        assert_eq!(format_number(f64::NAN), None);
    }
}
