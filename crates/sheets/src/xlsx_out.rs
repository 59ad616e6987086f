//! XLSX written as a stream: each row's XML goes straight into the deflated sheet of a zip
//! written front to back, so a million-row ledger needs neither memory nor a temporary file,
//! and its first bytes can leave while later rows are still being read.
//!
//! The price of writing front to back: column widths come before the rows in a sheet, so they
//! are measured on the first `SAMPLE_ROWS` rows (held back until then), and the sheet list,
//! which names every sheet, is written last (a zip's entries may come in any order). Entries
//! carry their sizes after their data (zip data descriptors), which Excel, LibreOffice and
//! WPS read.

use std::collections::HashMap;
use std::io::Write;
use std::sync::Arc;

use zip::write::{SimpleFileOptions, StreamWriter};
use zip::{CompressionMethod, ZipWriter};

use crate::error::SheetError;
use crate::write::{Cell, MAX_CELL_CHARS, MinuteText, MAX_EXACT_INT, display_width, sheet_name_for_excel, truncate_chars};
use crate::xlsx_parts::{self as parts, STYLE_DATE, STYLE_HEADER};

/// Excel's limits: rows per sheet, characters per sheet name.
const MAX_EXCEL_ROWS: u32 = 1_048_576;
const MAX_SHEET_NAME_CHARS: usize = 31;
const MIN_WIDTH: usize = 8;
const MAX_WIDTH: usize = 60;
/// Rows whose widths set the columns' widths.
const SAMPLE_ROWS: u32 = 1000;
/// Sheet XML gathered before it is handed to the compressor.
const FLUSH_BYTES: usize = 256 * 1024;
/// A sheet's XML past which its rows go on in the next sheet: a zip entry past 4 GiB needs
/// ZIP64 sizes, and LibreOffice cannot open a streamed entry that has them. A ledger row takes
/// about 1.3 KB, so Excel's row limit comes first unless rows are unusually long.
const MAX_SHEET_BYTES: u64 = 3584 * 1024 * 1024;
/// Shared strings' XML past which further labels are written into their cells: the table is
/// held until the end, so a caller that labels unique texts cannot grow it without bound.
const MAX_SHARED_BYTES: usize = 4 * 1024 * 1024;

/// Writes a workbook of one sheet (more when the rows pass Excel's limit) into `W`.
/// Never uses ZIP64, so every reader opens it.
pub struct XlsxWriter<W: Write = Vec<u8>> {
    zip: ZipWriter<StreamWriter<W>>,
    /// Rows a sheet takes, header included, before the rows go on in a new sheet.
    rows_per_sheet: u32,
    sheet_name: String,
    headers: Vec<String>,
    /// Name and last row of each finished sheet.
    done_sheets: Vec<(String, u32)>,
    /// The next row's number in the current sheet (the header is row 1).
    next_row: u32,
    /// Sheet XML after which the rows go on in a new sheet.
    sheet_bytes: u64,
    /// XML written into the current sheet so far.
    written: u64,
    /// Column letters, `A`, `B`…, computed once.
    letters: Vec<Vec<u8>>,
    /// Widest display width seen per column while sampling, header included.
    widths: Vec<usize>,
    /// True until the column widths are known; the sheet's rows wait in `xml` meanwhile.
    sampling: bool,
    /// The current sheet's XML not yet compressed.
    xml: Vec<u8>,
    /// Each label's index in the shared strings, and the shared strings' `<si>` entries.
    shared: HashMap<Arc<str>, u32>,
    shared_xml: Vec<u8>,
    /// Shared strings' XML past which labels go into their cells.
    shared_bytes: usize,
}

impl XlsxWriter<Vec<u8>> {
    /// A workbook built in memory.
    pub fn new(sheet_name: &str, headers: &[&str]) -> Result<Self, SheetError> {
        Self::to(Vec::new(), sheet_name, headers)
    }

    /// As `new`, with sheets of `rows` rows (header included) instead of Excel's 1,048,576, so
    /// that tests can reach the turn to a new sheet.
    pub fn with_rows_per_sheet(sheet_name: &str, headers: &[&str], rows: u32) -> Result<Self, SheetError> {
        let mut w = Self::new(sheet_name, headers)?;
        w.rows_per_sheet = rows.clamp(2, MAX_EXCEL_ROWS);
        Ok(w)
    }

    /// As `new`, with sheets that turn after `bytes` of XML instead of 3.5 GiB, for tests.
    pub fn with_sheet_bytes(sheet_name: &str, headers: &[&str], bytes: u64) -> Result<Self, SheetError> {
        let mut w = Self::new(sheet_name, headers)?;
        w.sheet_bytes = bytes;
        Ok(w)
    }

    /// As `new`, with a table of shared strings full after `bytes` instead of 4 MiB, for tests.
    pub fn with_shared_bytes(sheet_name: &str, headers: &[&str], bytes: usize) -> Result<Self, SheetError> {
        let mut w = Self::new(sheet_name, headers)?;
        w.shared_bytes = bytes;
        Ok(w)
    }

    /// Finishes the workbook and answers its bytes.
    pub fn finish(self) -> Result<Vec<u8>, SheetError> {
        self.finish_into()
    }
}

impl<W: Write> XlsxWriter<W> {
    /// Starts a workbook written into `out` as rows come. Invalid characters in `sheet_name`
    /// are replaced, as Excel would refuse them.
    pub fn to(out: W, sheet_name: &str, headers: &[&str]) -> Result<Self, SheetError> {
        if headers.len() > u16::MAX as usize {
            return Err(write_error("too many columns"));
        }
        let mut zip = ZipWriter::new_stream(out);
        zip.start_file("_rels/.rels", options()).map_err(zip_error)?;
        zip.write_all(parts::package_rels().as_bytes()).map_err(io_error)?;
        zip.start_file("xl/styles.xml", options()).map_err(zip_error)?;
        zip.write_all(parts::styles().as_bytes()).map_err(io_error)?;
        Ok(Self {
            zip,
            rows_per_sheet: MAX_EXCEL_ROWS,
            sheet_name: sheet_name_for_excel(sheet_name),
            headers: headers.iter().map(|h| h.to_string()).collect(),
            done_sheets: Vec::new(),
            next_row: 2,
            sheet_bytes: MAX_SHEET_BYTES,
            written: 0,
            letters: (1..=headers.len()).map(|c| crate::error::column_name(c).into_bytes()).collect(),
            widths: headers.iter().map(|h| display_width(h)).collect(),
            sampling: true,
            xml: Vec::with_capacity(FLUSH_BYTES + 64 * 1024),
            shared: HashMap::new(),
            shared_xml: Vec::new(),
            shared_bytes: MAX_SHARED_BYTES,
        })
    }

    /// Data rows written so far, in every sheet.
    pub fn rows_written(&self) -> usize {
        // A finished sheet's last row is its data rows plus the header's.
        let done: usize = self.done_sheets.iter().map(|(_, last)| *last as usize - 1).sum();
        done + (self.next_row - 2) as usize
    }

    /// Appends one row. Cells beyond the header count are an error, because they would
    /// appear under no header.
    pub fn push_row(&mut self, cells: &[Cell]) -> Result<(), SheetError> {
        if cells.len() > self.headers.len() {
            return Err(write_error("row has more cells than headers"));
        }
        if self.next_row > self.rows_per_sheet || self.written + self.xml.len() as u64 > self.sheet_bytes {
            // A sheet holds at most 1,048,576 rows (and here 3.5 GiB); a larger ledger goes on
            // in the next sheet rather than failing half-way through a download.
            self.turn_sheet()?;
        }
        self.row_xml(cells);
        if self.sampling {
            for (col, cell) in cells.iter().enumerate() {
                self.widths[col] = self.widths[col].max(cell_width(cell));
            }
            if self.next_row - 1 >= SAMPLE_ROWS {
                self.open_sheet()?;
            }
        } else if self.xml.len() >= FLUSH_BYTES {
            self.flush_xml()?;
        }
        Ok(())
    }

    /// Finishes the workbook into its destination and answers it.
    pub fn finish_into(mut self) -> Result<W, SheetError> {
        self.close_sheet()?;
        let sheets = self.done_sheets.len();
        let shared = !self.shared.is_empty();
        if shared {
            self.zip.start_file("xl/sharedStrings.xml", options()).map_err(zip_error)?;
            self.zip.write_all(parts::shared_strings_head(self.shared.len()).as_bytes()).map_err(io_error)?;
            self.zip.write_all(&self.shared_xml).map_err(io_error)?;
            self.zip.write_all(b"</sst>").map_err(io_error)?;
        }
        for (name, part) in [
            ("xl/workbook.xml", parts::workbook(&self.done_sheets, self.headers.len())),
            ("xl/_rels/workbook.xml.rels", parts::workbook_rels(sheets, shared)),
            ("[Content_Types].xml", parts::content_types(sheets, shared)),
        ] {
            self.zip.start_file(name, options()).map_err(zip_error)?;
            self.zip.write_all(part.as_bytes()).map_err(io_error)?;
        }
        Ok(self.zip.finish().map_err(zip_error)?.into_inner())
    }

    /// The name of the sheet being written: the first as asked, the next `名称 (2)`, `名称 (3)`…
    fn current_name(&self) -> String {
        let n = self.done_sheets.len() + 1;
        if n == 1 {
            return self.sheet_name.clone();
        }
        let suffix = format!(" ({n})");
        let keep = MAX_SHEET_NAME_CHARS - suffix.chars().count();
        format!("{}{suffix}", self.sheet_name.chars().take(keep).collect::<String>())
    }

    /// Starts the current sheet's entry with its head and header row, then the rows held back.
    fn open_sheet(&mut self) -> Result<(), SheetError> {
        let index = self.done_sheets.len();
        self.zip.start_file(format!("xl/worksheets/sheet{}.xml", index + 1), options()).map_err(zip_error)?;
        // Two characters of padding leave room for the filter button.
        let widths: Vec<f64> = self.widths.iter().map(|w| (w + 2).clamp(MIN_WIDTH, MAX_WIDTH) as f64).collect();
        let mut head = parts::sheet_head(index == 0, &widths).into_bytes();
        head.extend_from_slice(b"<row r=\"1\">");
        for (col, h) in self.headers.iter().enumerate() {
            cell_start(&mut head, Some((&self.letters[col], 1)), Some(STYLE_HEADER));
            inline_text(&mut head, h);
        }
        head.extend_from_slice(b"</row>");
        self.zip.write_all(&head).map_err(io_error)?;
        self.written = head.len() as u64;
        self.sampling = false;
        self.flush_xml()
    }

    fn close_sheet(&mut self) -> Result<(), SheetError> {
        if self.sampling {
            self.open_sheet()?;
        }
        let last_row = self.next_row - 1;
        self.xml.extend_from_slice(parts::sheet_tail(self.headers.len(), last_row).as_bytes());
        self.flush_xml()?;
        self.done_sheets.push((self.current_name(), last_row));
        self.next_row = 2;
        Ok(())
    }

    fn turn_sheet(&mut self) -> Result<(), SheetError> {
        self.close_sheet()?;
        self.open_sheet()
    }

    fn flush_xml(&mut self) -> Result<(), SheetError> {
        self.zip.write_all(&self.xml).map_err(io_error)?;
        self.written += self.xml.len() as u64;
        self.xml.clear();
        Ok(())
    }

    fn row_xml(&mut self, cells: &[Cell]) {
        let row = self.next_row;
        self.next_row += 1;
        let (x, mut table) = (&mut self.xml, SharedStrings { index: &mut self.shared, xml: &mut self.shared_xml, limit: self.shared_bytes });
        x.extend_from_slice(b"<row r=\"");
        push_number(x, u64::from(row));
        x.extend_from_slice(b"\">");
        // The column the next cell takes when its reference is left out.
        let mut next = 0;
        for (col, cell) in cells.iter().enumerate() {
            if is_blank(cell) {
                continue;
            }
            // Readers place a cell without a reference right after the one before; only a
            // cell after a gap says where it stands. That is a fifth of a ledger's XML, which
            // the compressor would otherwise have to read.
            let at = (col != next).then(|| (self.letters[col].as_slice(), row));
            next = col + 1;
            match cell {
                Cell::Text(text) => {
                    cell_start(x, at, None);
                    inline_text(x, truncate_chars(text, MAX_CELL_CHARS));
                }
                Cell::Label(text) => match table.index_of(text) {
                    Some(i) => {
                        cell_ref(x, at, None);
                        x.extend_from_slice(b" t=\"s\"><v>");
                        push_number(x, u64::from(i));
                        x.extend_from_slice(b"</v></c>");
                    }
                    None => {
                        cell_start(x, at, None);
                        inline_text(x, truncate_chars(text, MAX_CELL_CHARS));
                    }
                },
                Cell::Minute(t) => {
                    cell_start(x, at, None);
                    x.extend_from_slice(b"<is><t>");
                    let _ = write!(x, "{}", MinuteText(t));
                    x.extend_from_slice(b"</t></is></c>");
                }
                // Excel rounds integers past 15 digits, so those are kept as text.
                Cell::Int(n) if n.unsigned_abs() > MAX_EXACT_INT => {
                    cell_start(x, at, None);
                    inline_text(x, &n.to_string());
                }
                Cell::Int(n) => {
                    number_start(x, at, None);
                    if *n < 0 {
                        x.push(b'-');
                    }
                    push_number(x, n.unsigned_abs());
                    x.extend_from_slice(b"</v></c>");
                }
                Cell::Float(f) if f.is_finite() => {
                    number_start(x, at, None);
                    let _ = write!(x, "{f}");
                    x.extend_from_slice(b"</v></c>");
                }
                Cell::Float(_) | Cell::Empty => {}
                // Excel's serials begin in 1900 and count a 29 February 1900 that never was;
                // earlier dates are kept as text rather than shown wrong.
                Cell::Date(d) if *d < first_true_serial_day() => {
                    cell_start(x, at, None);
                    inline_text(x, &d.format("%Y-%m-%d").to_string());
                }
                Cell::Date(d) => {
                    number_start(x, at, Some(STYLE_DATE));
                    let serial = d.signed_duration_since(excel_epoch()).num_days();
                    push_number(x, serial.unsigned_abs());
                    x.extend_from_slice(b"</v></c>");
                }
            }
        }
        x.extend_from_slice(b"</row>");
    }
}

/// The workbook's table of shared strings, as one row's cells add to it.
struct SharedStrings<'a> {
    index: &'a mut HashMap<Arc<str>, u32>,
    xml: &'a mut Vec<u8>,
    limit: usize,
}

impl SharedStrings<'_> {
    /// A label's index, added at its first sighting; `None` once the table is full, and the
    /// label goes into its cell instead.
    fn index_of(&mut self, text: &Arc<str>) -> Option<u32> {
        if let Some(&i) = self.index.get(text) {
            return Some(i);
        }
        if self.xml.len() >= self.limit {
            return None;
        }
        let i = u32::try_from(self.index.len()).ok()?;
        self.xml.extend_from_slice(b"<si>");
        text_element(self.xml, truncate_chars(text, MAX_CELL_CHARS));
        self.xml.extend_from_slice(b"</si>");
        self.index.insert(text.clone(), i);
        Some(i)
    }
}

fn options() -> SimpleFileOptions {
    // Compressing the sheet's XML is a large export's biggest single cost. Level 2 is zlib-ng's
    // greedy matcher: on the ledger it took about a sixth less time than level 3 for files 7% larger;
    // level 1 (its "quick" matcher) was slower still overall, as its far larger output costs more
    // to checksum, copy and send than it saves (BENCHMARKS.md, seventh and eighth sessions).
    SimpleFileOptions::default().compression_method(CompressionMethod::Deflated).compression_level(Some(2))
}

/// Day 0 of Excel's date serials (1900 system, counting its phantom 29 February 1900).
fn excel_epoch() -> chrono::NaiveDate {
    chrono::NaiveDate::from_ymd_opt(1899, 12, 30).unwrap_or_default()
}

/// The first day whose serial counted from `excel_epoch` is the one Excel shows.
fn first_true_serial_day() -> chrono::NaiveDate {
    chrono::NaiveDate::from_ymd_opt(1900, 3, 1).unwrap_or_default()
}

fn cell_width(cell: &Cell) -> usize {
    match cell {
        Cell::Text(t) => display_width(t),
        Cell::Label(t) => display_width(t),
        Cell::Minute(_) => 16,
        Cell::Int(n) => n.to_string().len(),
        Cell::Float(f) if f.is_finite() => f.to_string().len().min(12),
        Cell::Float(_) | Cell::Empty => 0,
        Cell::Date(_) => 10,
    }
}

/// A cell's start: its reference when `at` gives one (column letters and row), its style.
fn cell_ref(x: &mut Vec<u8>, at: Option<(&[u8], u32)>, style: Option<u8>) {
    x.extend_from_slice(b"<c");
    if let Some((letters, row)) = at {
        x.extend_from_slice(b" r=\"");
        x.extend_from_slice(letters);
        push_number(x, u64::from(row));
        x.push(b'"');
    }
    if let Some(s) = style {
        x.extend_from_slice(b" s=\"");
        push_number(x, u64::from(s));
        x.push(b'"');
    }
}

fn cell_start(x: &mut Vec<u8>, at: Option<(&[u8], u32)>, style: Option<u8>) {
    cell_ref(x, at, style);
    x.extend_from_slice(b" t=\"inlineStr\">");
}

fn number_start(x: &mut Vec<u8>, at: Option<(&[u8], u32)>, style: Option<u8>) {
    cell_ref(x, at, style);
    x.extend_from_slice(b"><v>");
}

/// A cell that writes nothing: empty text, a missing or non-finite number.
fn is_blank(cell: &Cell) -> bool {
    match cell {
        Cell::Text(t) => t.is_empty(),
        Cell::Label(t) => t.is_empty(),
        Cell::Float(f) => !f.is_finite(),
        Cell::Empty => true,
        Cell::Int(_) | Cell::Minute(_) | Cell::Date(_) => false,
    }
}

/// The rest of an inline text cell.
fn inline_text(x: &mut Vec<u8>, text: &str) {
    x.extend_from_slice(b"<is>");
    text_element(x, text);
    x.extend_from_slice(b"</is></c>");
}

/// A `<t>` element, in a cell or in the shared strings; spaces at either end kept.
fn text_element(x: &mut Vec<u8>, text: &str) {
    let keep_spaces = text.starts_with(char::is_whitespace) || text.ends_with(char::is_whitespace);
    x.extend_from_slice(if keep_spaces { b"<t xml:space=\"preserve\">" } else { b"<t>" });
    push_text(x, text);
    x.extend_from_slice(b"</t>");
}

fn push_number(x: &mut Vec<u8>, mut n: u64) {
    let mut digits = [0u8; 20];
    let mut i = digits.len();
    loop {
        i -= 1;
        digits[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    x.extend_from_slice(&digits[i..]);
}

/// Text as XML character data. Characters XML cannot hold (most control characters, U+FFFE,
/// U+FFFF) are written as Excel's `_xHHHH_` escapes, and a `_x` that would read as such an
/// escape gets its underscore escaped, so every text reads back exactly as it was.
pub(crate) fn push_text(x: &mut Vec<u8>, text: &str) {
    let bytes = text.as_bytes();
    let mut from = 0;
    for (i, &b) in bytes.iter().enumerate() {
        let escape: Option<std::borrow::Cow<'static, [u8]>> = match b {
            b'&' => Some(b"&amp;"[..].into()),
            b'<' => Some(b"&lt;"[..].into()),
            b'>' => Some(b"&gt;"[..].into()),
            b'\t' | b'\n' | b'\r' => None,
            0..=0x1f => Some(format!("_x{b:04X}_").into_bytes().into()),
            b'_' if looks_like_escape(&bytes[i..]) => Some(b"_x005F_"[..].into()),
            0xEF if matches!(bytes.get(i + 1..i + 3), Some([0xBF, 0xBE | 0xBF])) => {
                Some(format!("_xFFF{}_", if bytes[i + 2] == 0xBE { 'E' } else { 'F' }).into_bytes().into())
            }
            _ => None,
        };
        if let Some(e) = escape {
            x.extend_from_slice(&bytes[from..i]);
            x.extend_from_slice(&e);
            // U+FFFE and U+FFFF are three bytes; the escape stands for all of them.
            from = if b == 0xEF { i + 3 } else { i + 1 };
        }
    }
    if from < bytes.len() {
        x.extend_from_slice(&bytes[from..]);
    }
}

/// `_xHHHH_`, which Excel would read as one escaped character.
fn looks_like_escape(s: &[u8]) -> bool {
    s.len() >= 7 && s[1] == b'x' && s[2..6].iter().all(u8::is_ascii_hexdigit) && s[6] == b'_'
}

fn io_error(e: std::io::Error) -> SheetError {
    write_error(&e.to_string())
}

fn zip_error(e: zip::result::ZipError) -> SheetError {
    write_error(&e.to_string())
}

fn write_error(detail: &str) -> SheetError {
    SheetError::Write { detail: detail.to_string() }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(s: &str) -> String {
        let mut x = Vec::new();
        push_text(&mut x, s);
        String::from_utf8(x).unwrap()
    }

    #[test]
    fn text_is_escaped_for_xml_and_for_excel() {
        assert_eq!(text("a<b>&c"), "a&lt;b&gt;&amp;c");
        assert_eq!(text("多行\n备注\t"), "多行\n备注\t");
        assert_eq!(text("响\u{7}铃"), "响_x0007_铃");
        assert_eq!(text("x\u{FFFE}y\u{FFFF}"), "x_xFFFE_y_xFFFF_");
        assert_eq!(text("_x0041_ 与 _x12"), "_x005F_x0041_ 与 _x12");
    }

    #[test]
    fn numbers_are_written_in_full() {
        let mut x = Vec::new();
        push_number(&mut x, 0);
        x.push(b' ');
        push_number(&mut x, u64::MAX);
        assert_eq!(String::from_utf8(x).unwrap(), format!("0 {}", u64::MAX));
    }
}
