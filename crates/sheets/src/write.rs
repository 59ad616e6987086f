//! A value in an exported row, and what both writers (XLSX, CSV) need to know of Excel.

use std::sync::Arc;

use chrono::{Datelike, NaiveDate, NaiveDateTime, Timelike};

/// One value in an exported row.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    /// Always written as a text cell, so an ID number or a phone number with
    /// a leading zero is never turned into a number by Excel.
    Text(String),
    /// Text that many rows repeat (a status, a category's name, a place). The XLSX writer
    /// keeps one copy of each in the workbook's shared strings and has the cells point to it,
    /// so a million rows do not carry the same words a million times; a reader sees text.
    Label(Arc<str>),
    /// A local time shown as text to the minute, `2026-03-01 08:05`: written straight into
    /// the row, where a formatted `Text` would cost an allocation a cell.
    Minute(NaiveDateTime),
    Int(i64),
    Float(f64),
    Date(NaiveDate),
    Empty,
}

impl From<&str> for Cell {
    fn from(value: &str) -> Self {
        Cell::Text(value.to_string())
    }
}

impl From<String> for Cell {
    fn from(value: String) -> Self {
        Cell::Text(value)
    }
}

impl From<Arc<str>> for Cell {
    fn from(value: Arc<str>) -> Self {
        Cell::Label(value)
    }
}

impl From<i64> for Cell {
    fn from(value: i64) -> Self {
        Cell::Int(value)
    }
}

impl From<f64> for Cell {
    fn from(value: f64) -> Self {
        Cell::Float(value)
    }
}

impl From<NaiveDate> for Cell {
    fn from(value: NaiveDate) -> Self {
        Cell::Date(value)
    }
}

impl<T: Into<Cell>> From<Option<T>> for Cell {
    fn from(value: Option<T>) -> Self {
        value.map_or(Cell::Empty, Into::into)
    }
}

/// `Cell::Minute`'s text; four-digit years, as every date a ledger holds has.
pub(crate) struct MinuteText<'a>(pub &'a NaiveDateTime);

impl std::fmt::Display for MinuteText<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let t = self.0;
        write!(f, "{:04}-{:02}-{:02} {:02}:{:02}", t.year(), t.month(), t.day(), t.hour(), t.minute())
    }
}

/// Excel's limits: characters per cell, characters per sheet name.
pub(crate) const MAX_CELL_CHARS: usize = 32_767;
const MAX_SHEET_NAME_CHARS: usize = 31;
/// Excel rounds integers beyond this to 15 significant digits, so larger ones
/// are written as text to keep every digit.
pub(crate) const MAX_EXACT_INT: u64 = 999_999_999_999_999;

/// Width of text in Excel's character units, counting CJK and other
/// full-width characters as two, so Chinese columns are not cut off.
pub fn display_width(text: &str) -> usize {
    text.lines()
        .map(|line| line.chars().map(|c| if is_wide(c) { 2 } else { 1 }).sum())
        .max()
        .unwrap_or(0)
}

fn is_wide(c: char) -> bool {
    matches!(c as u32,
        0x1100..=0x115F | 0x2E80..=0x303E | 0x3041..=0x33FF | 0x3400..=0x4DBF
        | 0x4E00..=0x9FFF | 0xA000..=0xA4CF | 0xAC00..=0xD7A3 | 0xF900..=0xFAFF
        | 0xFE30..=0xFE4F | 0xFF00..=0xFF60 | 0xFFE0..=0xFFE6 | 0x20000..=0x3FFFD)
}

pub(crate) fn sheet_name_for_excel(name: &str) -> String {
    let cleaned: String = name
        .chars()
        .map(|c| if "[]:*?/\\".contains(c) { '_' } else { c })
        .take(MAX_SHEET_NAME_CHARS)
        .collect();
    let cleaned = cleaned.trim_matches('\'').trim().to_string();
    if cleaned.is_empty() {
        "Sheet1".to_string()
    } else {
        cleaned
    }
}

/// Excel refuses longer cells outright; losing the tail of an exceptional
/// text beats failing the whole export.
pub(crate) fn truncate_chars(text: &str, max: usize) -> &str {
    if text.len() <= max {
        // No more characters than bytes: nothing to count.
        return text;
    }
    match text.char_indices().nth(max) {
        Some((cut, _)) => &text[..cut],
        None => text,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn widths_count_cjk_double() {
        assert_eq!(display_width("abc"), 3);
        assert_eq!(display_width("身份证号"), 8);
        assert_eq!(display_width("（全角）"), 8);
        assert_eq!(display_width("短\n很长的一行"), 10);
    }

    #[test]
    fn sheet_names_are_made_legal() {
        assert_eq!(sheet_name_for_excel("居民/户籍[2026]"), "居民_户籍_2026_");
        assert_eq!(sheet_name_for_excel(""), "Sheet1");
        assert_eq!(sheet_name_for_excel(&"长".repeat(40)).chars().count(), 31);
    }

    #[test]
    fn option_cells() {
        assert_eq!(Cell::from(None::<&str>), Cell::Empty);
        assert_eq!(Cell::from(Some(5i64)), Cell::Int(5));
    }

    #[test]
    fn minutes_are_padded_and_drop_seconds() {
        let t = NaiveDate::from_ymd_opt(2026, 3, 1).unwrap().and_hms_opt(8, 5, 59).unwrap();
        assert_eq!(MinuteText(&t).to_string(), "2026-03-01 08:05");
    }
}
