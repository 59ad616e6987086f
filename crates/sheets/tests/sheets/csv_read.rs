use fengqiao_sheets::*;

use super::{ID, cell_error, read};

const CSV: &str = "姓名,身份证号,地址\n张三,150102199001011234,\"回民区, 新华西街\"\n";

#[test]
fn csv_encodings() {
    let utf8 = read(CSV.as_bytes()).unwrap();
    assert_eq!(utf8.encoding, Some(TextEncoding::Utf8));
    assert_eq!(utf8.rows[0].cells, ["张三", ID, "回民区, 新华西街"]);

    let bom = [b"\xEF\xBB\xBF".as_slice(), CSV.as_bytes()].concat();
    let with_bom = read(&bom).unwrap();
    assert_eq!(with_bom.encoding, Some(TextEncoding::Utf8Bom));
    assert_eq!(
        with_bom.headers[0], "姓名",
        "the BOM must not stick to the first header"
    );

    let (gbk, _, unmappable) = encoding_rs::GBK.encode(CSV);
    assert!(!unmappable);
    assert!(std::str::from_utf8(&gbk).is_err());
    let from_gbk = read(&gbk).unwrap();
    assert_eq!(from_gbk.encoding, Some(TextEncoding::Gbk));
    assert_eq!(
        from_gbk,
        Table {
            encoding: Some(TextEncoding::Gbk),
            ..utf8.clone()
        }
    );

    let utf16: Vec<u8> = [0xFF, 0xFE]
        .into_iter()
        .chain(CSV.encode_utf16().flat_map(u16::to_le_bytes))
        .collect();
    assert_eq!(read(&utf16).unwrap().rows, utf8.rows);
}

#[test]
fn csv_line_endings_quotes_and_blank_rows() {
    let text = "姓名,备注\r\n张三,\"第一行\r\n第二行\"\r\n\r\n李四,\"他说\"\"好\"\"\"\r\n,\r\n\r\n";
    let t = read(text.as_bytes()).unwrap();
    assert_eq!(t.rows.len(), 2);
    assert_eq!(
        t.rows[0],
        Row {
            line: 2,
            cells: vec!["张三".into(), "第一行\n第二行".into()]
        }
    );
    assert_eq!(
        t.rows[1],
        Row {
            line: 4,
            cells: vec!["李四".into(), "他说\"好\"".into()]
        }
    );
}

#[test]
fn csv_stray_quote_reports_its_line() {
    let err = read("姓名,电话\n张三,138\n李\"四,139\n".as_bytes()).unwrap_err();
    assert_eq!(
        err,
        SheetError::Csv {
            line: 3,
            fault: CsvFault::StrayQuote
        }
    );
    assert_eq!(err.key(), "error-sheet-csv");
    assert_eq!(err.row(), Some(3));
    let unclosed = read("姓名\n\"张三\n李四\n".as_bytes()).unwrap_err();
    assert_eq!(
        unclosed,
        SheetError::Csv {
            line: 2,
            fault: CsvFault::UnclosedQuote
        }
    );
}

#[test]
fn csv_limits_and_damage() {
    let limits = Limits {
        max_rows: 2,
        ..Limits::default()
    };
    let rows = "a\n1\n2\n3\n4\n";
    assert_eq!(
        read_table(rows.as_bytes(), "a.csv", &limits),
        Err(SheetError::TooManyRows { max: 2 })
    );
    assert_eq!(read(b""), Err(SheetError::Empty));
    let late_header = read("\n,\n姓名\n张三\n".as_bytes()).unwrap();
    assert_eq!((late_header.header_line, late_header.rows[0].line), (3, 4));
    assert_eq!(read(b"\xEF\xBB\xBF\r\n ,\n"), Err(SheetError::Empty));
    let mangled = "姓名,身份证号\n张三,1.50102E+17\n";
    assert_eq!(
        read(mangled.as_bytes()),
        cell_error(2, 2, CellErrorKind::NumberTooLong)
    );
}
