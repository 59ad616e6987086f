use chrono::NaiveDate;
use fengqiao_sheets::*;
use rust_xlsxwriter::{Format, Workbook};

use super::{ID, cell_error, read, xlsx};

#[test]
fn xlsx_cells_read_as_excel_shows_them() {
    let bytes = xlsx(|s| {
        let date = Format::new().set_num_format("yyyy-mm-dd");
        for (c, h) in ["姓名", "身份证号", "出生日期", "年龄", "分数", "手机"]
            .iter()
            .enumerate()
        {
            s.write_string(0, c as u16, *h).unwrap();
        }
        s.write_string(1, 0, " 张三 ").unwrap();
        s.write_string(1, 1, ID).unwrap();
        s.write_date_with_format(1, 2, NaiveDate::from_ymd_opt(1990, 1, 1).unwrap(), &date)
            .unwrap();
        s.write_number(1, 3, 36).unwrap();
        s.write_number(1, 4, 3.5).unwrap();
        s.write_number(1, 5, 13812345678.0).unwrap();
        // Row 3 left empty on purpose; row 4 has a gap in column B.
        s.write_string(3, 0, "李四").unwrap();
        s.write_boolean(3, 3, true).unwrap();
    });
    let t = read(&bytes).unwrap();
    assert_eq!(
        t.headers,
        ["姓名", "身份证号", "出生日期", "年龄", "分数", "手机"]
    );
    assert_eq!(t.encoding, None);
    assert_eq!(t.sheet.as_deref(), Some("Sheet1"));
    assert_eq!(t.rows.len(), 2);
    assert_eq!(t.rows[0].line, 2);
    assert_eq!(
        t.rows[0].cells,
        ["张三", ID, "1990-01-01", "36", "3.5", "13812345678"]
    );
    assert_eq!(t.rows[1].line, 4);
    assert_eq!(t.rows[1].cells, ["李四", "", "", "TRUE", "", ""]);
}

#[test]
fn xlsx_formula_is_refused() {
    let bytes = xlsx(|s| {
        s.write_string(0, 0, "数量").unwrap();
        s.write_number(1, 0, 1).unwrap();
        s.write_formula(2, 0, "=A2+1").unwrap();
    });
    assert_eq!(read(&bytes), cell_error(3, 1, CellErrorKind::Formula));
}

#[test]
fn xlsx_merged_cells_are_refused() {
    let bytes = xlsx(|s| {
        s.merge_range(0, 0, 0, 3, "某某社区居民信息表", &Format::new())
            .unwrap();
        s.write_string(1, 0, "姓名").unwrap();
        s.write_string(2, 0, "张三").unwrap();
    });
    let err = read(&bytes).unwrap_err();
    assert_eq!(
        err,
        SheetError::Cell {
            row: 1,
            column: 1,
            kind: CellErrorKind::Merged
        }
    );
    assert_eq!(err.key(), "error-sheet-merged");
}

#[test]
fn xlsx_id_number_stored_as_number_is_refused() {
    let bytes = xlsx(|s| {
        s.write_string(0, 0, "姓名").unwrap();
        s.write_string(0, 1, "身份证号").unwrap();
        s.write_string(1, 0, "张三").unwrap();
        s.write_number(1, 1, 150102199001011234.0).unwrap();
    });
    let err = read(&bytes).unwrap_err();
    assert_eq!(
        err,
        SheetError::Cell {
            row: 2,
            column: 2,
            kind: CellErrorKind::NumberTooLong
        }
    );
    assert_eq!((err.row(), err.column()), (Some(2), Some(2)));
    assert_eq!(err.key(), "error-sheet-number-too-long");

    // The same damage after a CSV round trip through Excel arrives as text.
    let bytes = xlsx(|s| {
        s.write_string(0, 0, "身份证号").unwrap();
        s.write_string(1, 0, "1.50102E+17").unwrap();
    });
    assert_eq!(read(&bytes), cell_error(2, 1, CellErrorKind::NumberTooLong));
}

#[test]
fn xlsx_empty_sheets() {
    assert_eq!(read(&xlsx(|_| {})), Err(SheetError::Empty));
    let header_only = xlsx(|s| {
        s.write_string(0, 0, "姓名").unwrap();
    });
    assert_eq!(read(&header_only), Err(SheetError::Empty));
}

#[test]
fn xlsx_sheet_selection() {
    let mut book = Workbook::new();
    let hidden = book.add_worksheet().set_name("说明").unwrap();
    hidden.write_string(0, 0, "填写说明").unwrap();
    hidden.write_string(1, 0, "请勿修改表头").unwrap();
    hidden.set_hidden(true);
    let data = book.add_worksheet().set_name("居民").unwrap();
    data.write_string(0, 0, "姓名").unwrap();
    data.write_string(1, 0, "张三").unwrap();
    // Excel cannot hide the active sheet, so the data sheet takes that role.
    data.set_active(true);
    let bytes = book.save_to_buffer().unwrap();

    let t = read(&bytes).unwrap();
    assert_eq!(t.sheet.as_deref(), Some("居民"));
    let named = Limits {
        sheet: Some("说明".into()),
        ..Limits::default()
    };
    assert_eq!(
        read_table(&bytes, "a.xlsx", &named).unwrap().rows[0].cells,
        ["请勿修改表头"]
    );
    let missing = Limits {
        sheet: Some("户籍".into()),
        ..Limits::default()
    };
    assert_eq!(
        read_table(&bytes, "a.xlsx", &missing),
        Err(SheetError::SheetNotFound {
            name: "户籍".into()
        })
    );
}

#[test]
fn xlsx_too_many_rows_and_columns() {
    let bytes = xlsx(|s| {
        s.write_string(0, 0, "编号").unwrap();
        for r in 1..=11 {
            s.write_number(r, 0, r).unwrap();
        }
    });
    let limits = Limits {
        max_rows: 10,
        ..Limits::default()
    };
    let err = read_table(&bytes, "a.xlsx", &limits).unwrap_err();
    assert_eq!(err, SheetError::TooManyRows { max: 10 });
    assert_eq!(err.args(), [("max", "10".to_string())]);
    let exactly = Limits {
        max_rows: 11,
        ..Limits::default()
    };
    assert_eq!(
        read_table(&bytes, "a.xlsx", &exactly).unwrap().rows.len(),
        11
    );

    let wide = xlsx(|s| {
        s.write_string(0, 0, "a").unwrap();
        s.write_string(1, 5, "far right").unwrap();
    });
    let narrow = Limits {
        max_columns: 5,
        ..Limits::default()
    };
    assert_eq!(
        read_table(&wide, "a.xlsx", &narrow),
        Err(SheetError::TooManyColumns { max: 5 })
    );
}

#[test]
fn xlsx_with_100k_rows_is_read() {
    let mut w = XlsxWriter::new("居民", &["姓名", "身份证号", "年龄", "出生日期"]).unwrap();
    let born = NaiveDate::from_ymd_opt(1960, 5, 4).unwrap();
    for i in 0..100_000i64 {
        let id = format!("15010219600504{:04}", i % 10_000);
        w.push_row(&[
            Cell::Text(format!("居民{i}")),
            Cell::Text(id),
            Cell::Int(66),
            Cell::Date(born),
        ])
        .unwrap();
    }
    let bytes = w.finish().unwrap();
    let t = read(&bytes).unwrap();
    assert_eq!(t.rows.len(), 100_000);
    let last = t.rows.last().unwrap();
    assert_eq!(last.line, 100_001);
    assert_eq!(
        last.cells,
        ["居民99999", "150102196005049999", "66", "1960-05-04"]
    );
}
