//! CSV export that Excel opens correctly and safely.
//!
//! - UTF-8 with a byte-order mark: without it Chinese Excel assumes GBK and
//!   shows mojibake.
//! - RFC 4180 quoting and CRLF line ends.
//! - Formula injection guard: Excel evaluates a cell that starts with `=`,
//!   `+`, `-` or `@` (and tab or CR before them) as a formula, so a resident
//!   named `=HYPERLINK(...)` or `=cmd|...` would run in the exporter's Excel.
//!   Such cells get a leading apostrophe, as OWASP recommends; the apostrophe
//!   stays visible, which is the accepted cost. Our reader removes it again.
//! - Long digit strings (ID numbers, 11-digit phones) and digit strings with a
//!   leading zero get a leading tab, so Excel keeps them as text instead of
//!   showing `1.50102E+17` and losing digits when the file is saved again.
//!   Our reader trims the tab.

use std::borrow::Cow;
use std::io::Write;

use crate::error::SheetError;
use crate::write::{Cell, MinuteText};

pub struct CsvWriter<W: Write> {
    out: W,
    columns: usize,
    rows: usize,
    /// The record being written, kept between rows for its capacity.
    line: String,
}

impl<W: Write> CsvWriter<W> {
    /// Writes the byte-order mark and the header row.
    pub fn new(mut out: W, headers: &[&str]) -> Result<Self, SheetError> {
        out.write_all(b"\xEF\xBB\xBF").map_err(io_error)?;
        let mut writer = Self {
            out,
            columns: headers.len(),
            rows: 0,
            line: String::new(),
        };
        let headers: Vec<Cell> = headers.iter().map(|h| Cell::from(*h)).collect();
        writer.write_record(&headers)?;
        Ok(writer)
    }

    pub fn push_row(&mut self, cells: &[Cell]) -> Result<(), SheetError> {
        if cells.len() > self.columns {
            return Err(SheetError::Write {
                detail: "row has more cells than headers".into(),
            });
        }
        self.write_record(cells)?;
        self.rows += 1;
        Ok(())
    }

    /// Data rows written so far.
    pub fn rows_written(&self) -> usize {
        self.rows
    }

    /// Flushes and hands back the underlying writer.
    pub fn finish(mut self) -> Result<W, SheetError> {
        self.out.flush().map_err(io_error)?;
        Ok(self.out)
    }

    fn write_record(&mut self, cells: &[Cell]) -> Result<(), SheetError> {
        use std::fmt::Write as _;
        let line = &mut self.line;
        line.clear();
        for (i, cell) in cells.iter().enumerate() {
            if i > 0 {
                line.push(',');
            }
            match cell {
                Cell::Text(text) => push_quoted(line, &guard_csv_text(text)),
                Cell::Label(text) => push_quoted(line, &guard_csv_text(text)),
                Cell::Minute(t) => {
                    let _ = write!(line, "{}", MinuteText(t));
                }
                Cell::Int(n) => {
                    let _ = write!(line, "{n}");
                }
                Cell::Float(x) if x.is_finite() => {
                    let _ = write!(line, "{x}");
                }
                Cell::Float(_) | Cell::Empty => {}
                Cell::Date(d) => {
                    let _ = write!(line, "{}", d.format("%Y-%m-%d"));
                }
            }
        }
        // Short rows are padded so every record has the header's field count.
        for _ in cells.len()..self.columns {
            line.push(',');
        }
        line.push_str("\r\n");
        self.out.write_all(line.as_bytes()).map_err(io_error)
    }
}

/// Applies the injection and long-number guards described in the module docs.
pub fn guard_csv_text(text: &str) -> Cow<'_, str> {
    let first = text.chars().next();
    if first.is_some_and(|c| matches!(c, '=' | '+' | '-' | '@' | '\t' | '\r')) {
        return Cow::Owned(format!("'{text}"));
    }
    let digits = !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit());
    if digits && (text.len() >= 11 || (text.len() > 1 && text.starts_with('0'))) {
        return Cow::Owned(format!("\t{text}"));
    }
    Cow::Borrowed(text)
}

fn push_quoted(line: &mut String, text: &str) {
    let needs_quotes =
        text.contains([',', '"', '\n', '\r']) || text.starts_with(' ') || text.ends_with(' ');
    if needs_quotes {
        line.push('"');
        line.push_str(&text.replace('"', "\"\""));
        line.push('"');
    } else {
        line.push_str(text);
    }
}

fn io_error(err: std::io::Error) -> SheetError {
    SheetError::Write {
        detail: err.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn guards() {
        assert_eq!(guard_csv_text("=1+1"), "'=1+1");
        assert_eq!(guard_csv_text("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(guard_csv_text("-5"), "'-5");
        assert_eq!(guard_csv_text("150102199001011234"), "\t150102199001011234");
        assert_eq!(guard_csv_text("0471"), "\t0471");
        assert_eq!(guard_csv_text("12345"), "12345");
        assert_eq!(guard_csv_text("张三"), "张三");
        assert_eq!(guard_csv_text(""), "");
    }

    #[test]
    fn quoting_and_padding() {
        let mut w = CsvWriter::new(Vec::new(), &["a", "b", "c"]).unwrap();
        w.push_row(&[Cell::from("x,y"), Cell::from("say \"hi\"")])
            .unwrap();
        w.push_row(&[Cell::Int(3), Cell::Empty, Cell::from("two\nlines")])
            .unwrap();
        let out = String::from_utf8(w.finish().unwrap()).unwrap();
        assert_eq!(
            out,
            "\u{FEFF}a,b,c\r\n\"x,y\",\"say \"\"hi\"\"\",\r\n3,,\"two\nlines\"\r\n"
        );
    }
}
