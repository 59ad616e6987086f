use std::io::{Cursor, Write};

use fengqiao_sheets::*;
use zip::ZipWriter;
use zip::write::SimpleFileOptions;

use super::{read, xlsx};

fn zip_with(entries: &[(&str, &[u8])], zeros: Option<(&str, usize)>) -> Vec<u8> {
    let mut zip = ZipWriter::new(Cursor::new(Vec::new()));
    let options = SimpleFileOptions::default();
    for (name, data) in entries {
        zip.start_file(*name, options).unwrap();
        zip.write_all(data).unwrap();
    }
    if let Some((name, size)) = zeros {
        zip.start_file(name, options).unwrap();
        let chunk = vec![0u8; 1 << 16];
        for _ in 0..size / chunk.len() {
            zip.write_all(&chunk).unwrap();
        }
    }
    zip.finish().unwrap().into_inner()
}

#[test]
fn zip_bomb_disguised_as_xlsx_is_refused() {
    let bomb = zip_with(
        &[("xl/workbook.xml", b"<workbook/>")],
        Some(("xl/worksheets/sheet1.xml", 20 << 20)),
    );
    assert!(
        bomb.len() < 1 << 20,
        "the bomb itself is small: {}",
        bomb.len()
    );
    let err = read(&bomb).unwrap_err();
    assert_eq!(
        err,
        SheetError::Suspicious {
            entry: "xl/worksheets/sheet1.xml".into()
        }
    );
    assert_eq!(err.key(), "error-sheet-suspicious");
}

#[test]
fn declared_uncompressed_size_is_capped() {
    let normal = xlsx(|s| {
        s.write_string(0, 0, "姓名").unwrap();
        s.write_string(1, 0, "张三").unwrap();
    });
    let tight = Limits {
        max_uncompressed_bytes: 1024,
        ..Limits::default()
    };
    assert_eq!(
        read_table(&normal, "a.xlsx", &tight),
        Err(SheetError::TooLarge { max_bytes: 1024 })
    );
    let small_upload = Limits {
        max_bytes: 100,
        ..Limits::default()
    };
    assert_eq!(
        read_table(&normal, "a.xlsx", &small_upload),
        Err(SheetError::TooLarge { max_bytes: 100 })
    );
}

#[test]
fn files_that_are_not_spreadsheets() {
    let mut state: u32 = 0x1234_5678;
    let random: Vec<u8> = (0..4096)
        .map(|_| {
            state = state.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
            (state >> 24) as u8
        })
        .collect();
    assert_eq!(read(&random), Err(SheetError::NotASpreadsheet));
    assert_eq!(
        read(b"%PDF-1.7\n%\xE2\xE3\xCF\xD3\n1 0 obj"),
        Err(SheetError::NotASpreadsheet)
    );
    let docx = zip_with(&[("word/document.xml", b"<w:document/>")], None);
    assert_eq!(read(&docx), Err(SheetError::NotASpreadsheet));
    assert_eq!(
        read(b"PK\x03\x04truncated"),
        Err(SheetError::NotASpreadsheet)
    );
    let ole = b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1\0\0\0\0";
    assert_eq!(read(ole), Err(SheetError::LegacyXls));
    assert_eq!(
        read(b"<html><body><table>"),
        Err(SheetError::NotASpreadsheet)
    );
    let broken = zip_with(&[("xl/workbook.xml", b"not xml at all")], None);
    assert!(matches!(read(&broken), Err(SheetError::Unreadable { .. })));
}
