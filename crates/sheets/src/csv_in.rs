//! CSV reading: encoding detection and a strict RFC 4180 parser.
//!
//! The parser is our own rather than the `csv` crate's because that one
//! silently accepts stray quotes and swallows the rest of the file into one
//! field; users need the line of the broken quote instead.

use std::borrow::Cow;

use encoding_rs::{GB18030, UTF_16BE, UTF_16LE};

use crate::error::{CsvFault, SheetError};
use crate::read::{Limits, Table, TableBuilder, TextEncoding};

pub(crate) fn read(bytes: &[u8], limits: &Limits) -> Result<Table, SheetError> {
    let (text, encoding) = decode(bytes)?;
    if !looks_like_text(&text) {
        return Err(SheetError::NotASpreadsheet);
    }
    let delimiter = sniff_delimiter(&text);
    let mut builder = TableBuilder::new(limits);
    parse(&text, delimiter, |record, cells| {
        builder.push(record, cells)
    })?;
    builder.finish(Some(encoding), None)
}

/// UTF-8 first, because valid UTF-8 is almost never accidental; otherwise
/// GB18030, which decodes everything GBK (Chinese Excel's "CSV") produces.
fn decode(bytes: &[u8]) -> Result<(Cow<'_, str>, TextEncoding), SheetError> {
    if let Some(rest) = bytes.strip_prefix(b"\xEF\xBB\xBF") {
        let text = std::str::from_utf8(rest).map_err(|_| SheetError::NotASpreadsheet)?;
        return Ok((Cow::Borrowed(text), TextEncoding::Utf8Bom));
    }
    for (bom, encoding) in [(b"\xFF\xFE", UTF_16LE), (b"\xFE\xFF", UTF_16BE)] {
        if let Some(rest) = bytes.strip_prefix(bom) {
            let text = encoding
                .decode_without_bom_handling_and_without_replacement(rest)
                .ok_or(SheetError::NotASpreadsheet)?;
            return Ok((text, TextEncoding::Utf16));
        }
    }
    if let Ok(text) = std::str::from_utf8(bytes) {
        return Ok((Cow::Borrowed(text), TextEncoding::Utf8));
    }
    GB18030
        .decode_without_bom_handling_and_without_replacement(bytes)
        .map(|text| (text, TextEncoding::Gbk))
        .ok_or(SheetError::NotASpreadsheet)
}

/// Control characters never appear in a spreadsheet export, while random
/// binary data that happens to decode as GB18030 is full of them. A leading
/// `<` means an HTML or XML document, often an "xls" saved by a web system.
fn looks_like_text(text: &str) -> bool {
    let no_controls = !text
        .chars()
        .any(|c| c.is_control() && !matches!(c, '\t' | '\r' | '\n'));
    no_controls && !text.trim_start().starts_with('<')
}

/// Comma unless the header line has none but has tabs or semicolons (Excel's
/// "Unicode text" export uses tabs, some European locales use semicolons).
fn sniff_delimiter(text: &str) -> u8 {
    let first_line = text.lines().next().unwrap_or("");
    if first_line.contains(',') {
        b','
    } else if first_line.contains('\t') {
        b'\t'
    } else if first_line.contains(';') {
        b';'
    } else {
        b','
    }
}

/// Calls `on_record(record_number, fields)` for every record. Record numbers
/// count blank lines too, as Excel's row numbers do when it opens the file;
/// syntax errors report the physical text line, which is what an editor shows.
fn parse(
    text: &str,
    delimiter: u8,
    mut on_record: impl FnMut(usize, Vec<String>) -> Result<(), SheetError>,
) -> Result<(), SheetError> {
    let bytes = text.as_bytes();
    let mut pos = 0;
    let mut line = 1;
    let mut record = 0;
    while pos < bytes.len() {
        record += 1;
        let mut fields = Vec::new();
        loop {
            let field = parse_field(text, delimiter, &mut pos, &mut line)?;
            fields.push(unguard(field));
            if pos < bytes.len() && bytes[pos] == delimiter {
                pos += 1;
                if pos == bytes.len() {
                    fields.push(String::new());
                    break;
                }
            } else {
                break;
            }
        }
        if pos < bytes.len() && bytes[pos] == b'\r' {
            pos += 1;
        }
        if pos < bytes.len() && bytes[pos] == b'\n' {
            pos += 1;
        }
        line += 1;
        on_record(record, fields)?;
    }
    Ok(())
}

/// Parses one field starting at `pos`, leaving `pos` on the delimiter, the
/// line break, or the end of the text.
fn parse_field(
    text: &str,
    delimiter: u8,
    pos: &mut usize,
    line: &mut usize,
) -> Result<String, SheetError> {
    let bytes = text.as_bytes();
    let is_blank = |b: u8| (b == b' ' || b == b'\t') && b != delimiter;
    let mut start = *pos;
    while start < bytes.len() && is_blank(bytes[start]) {
        start += 1;
    }
    if start < bytes.len() && bytes[start] == b'"' {
        let opened_on = *line;
        let mut value = String::new();
        let mut i = start + 1;
        let mut chunk = i;
        loop {
            let Some(offset) = bytes[i..].iter().position(|&b| b == b'"' || b == b'\n') else {
                return Err(SheetError::Csv {
                    line: opened_on,
                    fault: CsvFault::UnclosedQuote,
                });
            };
            i += offset;
            if bytes[i] == b'\n' {
                *line += 1;
                i += 1;
                continue;
            }
            value.push_str(&text[chunk..i]);
            if bytes.get(i + 1) == Some(&b'"') {
                value.push('"');
                i += 2;
                chunk = i;
                continue;
            }
            i += 1;
            break;
        }
        while i < bytes.len() && is_blank(bytes[i]) {
            i += 1;
        }
        if i < bytes.len() && !matches!(bytes[i], b'\r' | b'\n') && bytes[i] != delimiter {
            return Err(SheetError::Csv {
                line: *line,
                fault: CsvFault::StrayQuote,
            });
        }
        *pos = i;
        // Line breaks inside a cell come back as plain '\n' whatever the file used.
        return Ok(if value.contains('\r') {
            value.replace("\r\n", "\n")
        } else {
            value
        });
    }
    let mut i = *pos;
    while i < bytes.len() && !matches!(bytes[i], b'\r' | b'\n') && bytes[i] != delimiter {
        if bytes[i] == b'"' {
            return Err(SheetError::Csv {
                line: *line,
                fault: CsvFault::StrayQuote,
            });
        }
        i += 1;
    }
    *pos = i;
    Ok(text[start..i].to_string())
}

/// Undoes the apostrophe `CsvWriter` puts before formula-like text, so that
/// our own exports read back unchanged.
fn unguard(field: String) -> String {
    let mut chars = field.chars();
    if chars.next() == Some('\'') && chars.next().is_some_and(|c| "=+-@".contains(c)) {
        field[1..].to_string()
    } else {
        field
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn records(text: &str) -> Result<Vec<(usize, Vec<String>)>, SheetError> {
        let mut out = Vec::new();
        parse(text, b',', |n, f| {
            out.push((n, f));
            Ok(())
        })?;
        Ok(out)
    }

    #[test]
    fn quoting_rules() {
        let got = records("a,\"b,c\",\"say \"\"hi\"\"\"\r\n\"multi\r\nline\",x\n,\n").unwrap();
        assert_eq!(got[0].1, ["a", "b,c", "say \"hi\""]);
        assert_eq!(got[1].1, ["multi\nline", "x"]);
        assert_eq!(got[2], (3, vec![String::new(), String::new()]));
    }

    #[test]
    fn blank_lines_keep_excel_numbering() {
        let got = records("h\n\nv\n").unwrap();
        assert_eq!(got.iter().map(|r| r.0).collect::<Vec<_>>(), [1, 2, 3]);
    }

    #[test]
    fn spaces_around_quoted_fields_are_tolerated() {
        let got = records("a, \"b\" ,c").unwrap();
        assert_eq!(got[0].1, ["a", "b", "c"]);
    }

    #[test]
    fn stray_and_unclosed_quotes() {
        let stray = SheetError::Csv {
            line: 2,
            fault: CsvFault::StrayQuote,
        };
        assert_eq!(records("a,b\n1,2\"3\n"), Err(stray.clone()));
        assert_eq!(records("a,b\n\"1\"x,2\n"), Err(stray));
        let unclosed = SheetError::Csv {
            line: 3,
            fault: CsvFault::UnclosedQuote,
        };
        assert_eq!(records("a\nb\n\"open\nmore\n"), Err(unclosed));
    }

    #[test]
    fn guard_is_undone() {
        assert_eq!(unguard("'=1+1".into()), "=1+1");
        assert_eq!(unguard("'abc".into()), "'abc");
        assert_eq!(unguard("'".into()), "'");
    }

    #[test]
    fn delimiters() {
        assert_eq!(sniff_delimiter("a\tb\n"), b'\t');
        assert_eq!(sniff_delimiter("a;b\n"), b';');
        assert_eq!(sniff_delimiter("a,b;c\n"), b',');
    }
}
