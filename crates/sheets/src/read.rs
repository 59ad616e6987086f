//! Entry point for reading an upload, and the table shape both readers share.

use crate::error::{CellErrorKind, SheetError};
use crate::{csv_in, xlsx_in};

/// Bounds on what an upload may cost us. The defaults fit a city district's
/// registry in one file while keeping a hostile upload from exhausting memory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Limits {
    /// Size of the uploaded file itself.
    pub max_bytes: u64,
    /// Data rows below the header.
    pub max_rows: usize,
    pub max_columns: usize,
    /// Sum of the declared sizes of everything inside an XLSX archive.
    pub max_uncompressed_bytes: u64,
    /// Worksheet to read; `None` means the first visible worksheet.
    pub sheet: Option<String>,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_bytes: 20 * 1024 * 1024,
            max_rows: 200_000,
            max_columns: 100,
            max_uncompressed_bytes: 200 * 1024 * 1024,
            sheet: None,
        }
    }
}

/// How a CSV file's bytes were decoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TextEncoding {
    Utf8,
    Utf8Bom,
    /// Decoded as GB18030, the superset of GBK that Chinese Excel writes.
    Gbk,
    /// UTF-16 with a byte-order mark, as Excel's "Unicode text" export writes.
    Utf16,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    /// Row number as Excel shows it (the header is normally row 1), so error
    /// messages point where the user will look.
    pub line: usize,
    /// Trimmed values, one per header; empty string for an empty cell.
    pub cells: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Table {
    /// Header texts as written in the file (trimmed). A column whose header
    /// cell is empty but which holds data has an empty header.
    pub headers: Vec<String>,
    /// Row number of the header row as Excel shows it; 1 unless empty rows precede it.
    pub header_line: usize,
    /// Data rows; rows with no value at all are skipped.
    pub rows: Vec<Row>,
    /// `Some` for CSV, `None` for XLSX.
    pub encoding: Option<TextEncoding>,
    /// Worksheet read, for XLSX.
    pub sheet: Option<String>,
}

/// Reads an uploaded spreadsheet, deciding the format from its content.
///
/// The content decides because names lie both ways: many older systems export
/// tab-separated text or HTML under `.xls`, and users rename files. The file
/// name only sharpens the error for documents that are plainly not tables
/// (`.pdf`, `.doc`, `.docx`), so the user is not shown header errors for them.
pub fn read_table(bytes: &[u8], file_name: &str, limits: &Limits) -> Result<Table, SheetError> {
    if bytes.len() as u64 > limits.max_bytes {
        return Err(SheetError::TooLarge {
            max_bytes: limits.max_bytes,
        });
    }
    match sniff(bytes) {
        Sniffed::Zip => xlsx_in::read(bytes, limits),
        Sniffed::Ole if is_document(file_name) => Err(SheetError::NotASpreadsheet),
        Sniffed::Ole => Err(SheetError::LegacyXls),
        Sniffed::Binary => Err(SheetError::NotASpreadsheet),
        Sniffed::Text if is_document(file_name) => Err(SheetError::NotASpreadsheet),
        Sniffed::Text => csv_in::read(bytes, limits),
    }
}

enum Sniffed {
    Zip,
    /// Compound File Binary: legacy `.xls`, or an encrypted `.xlsx`.
    Ole,
    Binary,
    Text,
}

fn sniff(bytes: &[u8]) -> Sniffed {
    const BINARY_MAGIC: &[&[u8]] = &[
        b"%PDF-",
        b"\x89PNG",
        b"\xFF\xD8\xFF",
        b"GIF8",
        b"\x1F\x8B",
        b"7z\xBC\xAF",
        b"Rar!",
        b"\x7FELF",
    ];
    if bytes.starts_with(b"PK\x03\x04") {
        Sniffed::Zip
    } else if bytes.starts_with(b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1") {
        Sniffed::Ole
    } else if BINARY_MAGIC.iter().any(|m| bytes.starts_with(m)) {
        Sniffed::Binary
    } else {
        Sniffed::Text
    }
}

/// Word processor and PDF files, which share containers with spreadsheets
/// (OLE with `.xls`, zip with `.xlsx`) but are never tables.
fn is_document(file_name: &str) -> bool {
    let ext = file_name
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase());
    matches!(
        ext.as_deref(),
        Some("pdf" | "doc" | "docx" | "wps" | "ppt" | "pptx")
    )
}

/// Collects rows from either reader and applies the rules they share, so CSV
/// and XLSX behave the same from the caller's point of view.
pub(crate) struct TableBuilder<'a> {
    limits: &'a Limits,
    headers: Option<(usize, Vec<String>)>,
    rows: Vec<Row>,
}

impl<'a> TableBuilder<'a> {
    pub(crate) fn new(limits: &'a Limits) -> Self {
        Self {
            limits,
            headers: None,
            rows: Vec::new(),
        }
    }

    /// `line` is the 1-based row number the user sees.
    pub(crate) fn push(&mut self, line: usize, mut cells: Vec<String>) -> Result<(), SheetError> {
        for cell in &mut cells {
            let trimmed = cell.trim();
            if trimmed.len() != cell.len() {
                *cell = trimmed.to_string();
            }
        }
        while cells.last().is_some_and(String::is_empty) {
            cells.pop();
        }
        if cells.is_empty() {
            return Ok(());
        }
        if cells.len() > self.limits.max_columns {
            return Err(SheetError::TooManyColumns {
                max: self.limits.max_columns,
            });
        }
        for (i, cell) in cells.iter().enumerate() {
            if is_mangled_long_number(cell) {
                let kind = CellErrorKind::NumberTooLong;
                return Err(SheetError::Cell {
                    row: line,
                    column: i + 1,
                    kind,
                });
            }
        }
        if self.headers.is_none() {
            self.headers = Some((line, cells));
            return Ok(());
        }
        // Checked before pushing so an oversized file fails at row max+1
        // instead of after the whole file is in memory.
        if self.rows.len() >= self.limits.max_rows {
            return Err(SheetError::TooManyRows {
                max: self.limits.max_rows,
            });
        }
        self.rows.push(Row { line, cells });
        Ok(())
    }

    pub(crate) fn finish(
        self,
        encoding: Option<TextEncoding>,
        sheet: Option<String>,
    ) -> Result<Table, SheetError> {
        let Some((header_line, mut headers)) = self.headers else {
            return Err(SheetError::Empty);
        };
        if self.rows.is_empty() {
            return Err(SheetError::Empty);
        }
        let width = self
            .rows
            .iter()
            .map(|r| r.cells.len())
            .max()
            .unwrap_or(0)
            .max(headers.len());
        headers.resize(width, String::new());
        let mut rows = self.rows;
        for row in &mut rows {
            row.cells.resize(width, String::new());
        }
        Ok(Table {
            headers,
            header_line,
            rows,
            encoding,
            sheet,
        })
    }
}

/// Recognises what Excel leaves behind after it has turned a long digit string
/// into a number and the file was saved again: `1.50102E+17`. The digits are
/// gone by then, so the file must be fixed at the source. Exponents from 10 up
/// cover 11-digit mobile numbers, which Excel displays this way in narrow columns.
pub(crate) fn is_mangled_long_number(text: &str) -> bool {
    let Some((mantissa, exponent)) = text.split_once(['E', 'e']) else {
        return false;
    };
    let mantissa = mantissa.strip_prefix(['-', '+']).unwrap_or(mantissa);
    let mut parts = mantissa.splitn(2, '.');
    let int_ok = parts
        .next()
        .is_some_and(|d| d.len() == 1 && d.bytes().all(|b| b.is_ascii_digit()));
    let frac_ok = parts
        .next()
        .is_none_or(|d| !d.is_empty() && d.bytes().all(|b| b.is_ascii_digit()));
    let exp = exponent.strip_prefix('+').unwrap_or(exponent);
    let exp_ok = !exp.is_empty() && exp.len() <= 3 && exp.bytes().all(|b| b.is_ascii_digit());
    int_ok && frac_ok && exp_ok && exp.parse::<u32>().is_ok_and(|e| e >= 10)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mangled_numbers() {
        assert!(is_mangled_long_number("1.50102E+17"));
        assert!(is_mangled_long_number("1.50102199001011E+17"));
        assert!(is_mangled_long_number("1.38123E+10"));
        assert!(!is_mangled_long_number("1.5E+3"));
        assert!(!is_mangled_long_number("E+17"));
        assert!(!is_mangled_long_number("12E+17x"));
        assert!(!is_mangled_long_number("Eleven"));
        assert!(!is_mangled_long_number("150102199001011234"));
    }

    #[test]
    fn builder_skips_empty_rows_and_pads() {
        let limits = Limits::default();
        let mut b = TableBuilder::new(&limits);
        b.push(1, vec![" 姓名 ".into(), "电话".into()]).unwrap();
        b.push(2, vec![String::new(), "  ".into()]).unwrap();
        b.push(3, vec!["张三".into()]).unwrap();
        b.push(4, vec!["李四".into(), "1".into(), "extra".into()])
            .unwrap();
        let t = b.finish(None, None).unwrap();
        assert_eq!(t.headers, ["姓名", "电话", ""]);
        assert_eq!(t.header_line, 1);
        assert_eq!(
            t.rows[0],
            Row {
                line: 3,
                cells: vec!["张三".into(), String::new(), String::new()]
            }
        );
        assert_eq!(t.rows[1].line, 4);
    }

    #[test]
    fn builder_limits() {
        let limits = Limits {
            max_rows: 1,
            max_columns: 2,
            ..Limits::default()
        };
        let mut b = TableBuilder::new(&limits);
        assert_eq!(
            b.push(1, vec!["a".into(), "b".into(), "c".into()]),
            Err(SheetError::TooManyColumns { max: 2 })
        );
        b.push(1, vec!["a".into()]).unwrap();
        b.push(2, vec!["x".into()]).unwrap();
        assert_eq!(
            b.push(3, vec!["y".into()]),
            Err(SheetError::TooManyRows { max: 1 })
        );
        let only_header = {
            let mut b = TableBuilder::new(&limits);
            b.push(1, vec!["a".into()]).unwrap();
            b.finish(None, None)
        };
        assert_eq!(only_header, Err(SheetError::Empty));
    }

    #[test]
    fn file_name_only_sharpens_text_errors() {
        let limits = Limits::default();
        assert_eq!(
            read_table(b"a,b\n1,2\n", "x.pdf", &limits),
            Err(SheetError::NotASpreadsheet)
        );
        let tsv_named_xls = read_table(b"BMI\tname\n1\t2\n", "export.xls", &limits).unwrap();
        assert_eq!(tsv_named_xls.headers, ["BMI", "name"]);
        let ole = b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1";
        assert_eq!(
            read_table(ole, "a.doc", &limits),
            Err(SheetError::NotASpreadsheet)
        );
        assert_eq!(
            read_table(ole, "a.xls", &limits),
            Err(SheetError::LegacyXls)
        );
    }
}
