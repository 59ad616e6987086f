use chrono::NaiveDate;
use fengqiao_sheets::*;

use super::{ID, read};

#[test]
fn xlsx_round_trip_keeps_ids_as_text() {
    let mut w = XlsxWriter::new(
        "居民/名单",
        &["姓名", "身份证号", "人数", "面积", "登记日期", "备注"],
    )
    .unwrap();
    let date = NaiveDate::from_ymd_opt(2026, 3, 1).unwrap();
    w.push_row(&[
        "张三".into(),
        ID.into(),
        Cell::Int(3),
        Cell::Float(88.5),
        Cell::Date(date),
        "=HYPERLINK(\"x\")".into(),
    ])
    .unwrap();
    w.push_row(&[
        "李四".into(),
        Cell::Empty,
        Cell::Int(1_234_567_890_123_456_789),
    ])
    .unwrap();
    assert_eq!(w.rows_written(), 2);
    assert!(w.push_row(&vec![Cell::Empty; 7]).is_err());
    let bytes = w.finish().unwrap();

    let t = read(&bytes).unwrap();
    assert_eq!(t.sheet.as_deref(), Some("居民_名单"));
    assert_eq!(
        t.headers,
        ["姓名", "身份证号", "人数", "面积", "登记日期", "备注"]
    );
    assert_eq!(
        t.rows[0].cells,
        ["张三", ID, "3", "88.5", "2026-03-01", "=HYPERLINK(\"x\")"]
    );
    assert_eq!(
        t.rows[1].cells[2], "1234567890123456789",
        "huge integers are kept as text"
    );
}

#[test]
fn csv_round_trip_with_injection_guard() {
    let mut w = CsvWriter::new(Vec::new(), &["姓名", "身份证号", "电话", "备注", "日期"]).unwrap();
    let date = NaiveDate::from_ymd_opt(2026, 3, 1).unwrap();
    w.push_row(&[
        "=cmd|' /C calc'!A0".into(),
        ID.into(),
        "04716281234".into(),
        "多行\n备注, 含逗号".into(),
        Cell::Date(date),
    ])
    .unwrap();
    w.push_row(&["@SUM(1)".into(), Cell::Int(-5), "+86 138".into()])
        .unwrap();
    let bytes = w.finish().unwrap();
    assert!(bytes.starts_with(b"\xEF\xBB\xBF"));
    let text = std::str::from_utf8(&bytes[3..]).unwrap();
    assert!(text.contains("'=cmd|"), "formula text is defused: {text}");
    assert!(
        text.contains(&format!("\t{ID}")),
        "long digits stay text in Excel"
    );

    let t = read(&bytes).unwrap();
    assert_eq!(t.encoding, Some(TextEncoding::Utf8Bom));
    assert_eq!(
        t.rows[0].cells,
        [
            "=cmd|' /C calc'!A0",
            ID,
            "04716281234",
            "多行\n备注, 含逗号",
            "2026-03-01"
        ]
    );
    assert_eq!(t.rows[1].cells, ["@SUM(1)", "-5", "+86 138", "", ""]);
}

#[test]
fn writers_can_move_to_a_blocking_thread() {
    fn assert_send<T: Send>() {}
    assert_send::<XlsxWriter>();
    assert_send::<CsvWriter<Vec<u8>>>();
}

#[test]
fn a_full_sheet_goes_on_in_the_next_sheet_with_the_headers_again() {
    use calamine::{Reader, Xlsx};
    // Sheets of three rows (the header and two data rows) stand for Excel's 1,048,576.
    let mut w = XlsxWriter::with_rows_per_sheet("台账", &["编号", "标题"], 3).unwrap();
    for i in 1..=5 {
        w.push_row(&[Cell::Int(i), format!("第{i}件").into()]).unwrap();
    }
    assert_eq!(w.rows_written(), 5, "rows of every sheet count");
    let bytes = w.finish().unwrap();

    let mut book: Xlsx<_> = Xlsx::new(std::io::Cursor::new(bytes)).unwrap();
    assert_eq!(book.sheet_names(), ["台账", "台账 (2)", "台账 (3)"]);
    let rows = |book: &mut Xlsx<_>, name: &str| -> Vec<Vec<String>> {
        book.worksheet_range(name).unwrap().rows().map(|r| r.iter().map(|c| c.to_string()).collect()).collect()
    };
    assert_eq!(rows(&mut book, "台账"), [["编号", "标题"], ["1", "第1件"], ["2", "第2件"]]);
    assert_eq!(rows(&mut book, "台账 (2)"), [["编号", "标题"], ["3", "第3件"], ["4", "第4件"]]);
    assert_eq!(rows(&mut book, "台账 (3)"), [["编号", "标题"], ["5", "第5件"]]);
}

/// Counts what reaches the destination, to see the workbook leave while rows still come.
#[derive(Clone, Default)]
struct Counted(std::sync::Arc<std::sync::atomic::AtomicUsize>);

impl std::io::Write for Counted {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.fetch_add(buf.len(), std::sync::atomic::Ordering::Relaxed);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[test]
fn a_large_workbook_leaves_as_its_rows_are_written() {
    let out = Counted::default();
    let mut w = XlsxWriter::to(out.clone(), "台账", &["编号", "标题", "地址"]).unwrap();
    let sent = || out.0.load(std::sync::atomic::Ordering::Relaxed);
    let start = sent();
    for i in 0..20_000 {
        w.push_row(&[Cell::Int(i), format!("第{i}件 楼上漏水，影响楼下住户").into(), format!("新城区{i}号楼").into()]).unwrap();
    }
    assert!(sent() > start + 100_000, "compressed rows went out before the end: {} bytes", sent());
    let before_end = sent();
    w.finish_into().unwrap();
    assert!(sent() > before_end, "the sheet list follows at the end");
}

#[test]
fn a_sheet_goes_on_in_the_next_before_its_xml_needs_zip64() {
    use calamine::{Reader, Xlsx};
    // 100 bytes of sheet XML stand for the 3.5 GiB after which a sheet would need ZIP64 sizes,
    // which LibreOffice cannot read in a streamed file.
    let mut w = XlsxWriter::with_sheet_bytes("台账", &["编号", "标题"], 100).unwrap();
    for i in 1..=4 {
        w.push_row(&[Cell::Int(i), format!("第{i}件").into()]).unwrap();
    }
    let bytes = w.finish().unwrap();
    let mut book: Xlsx<_> = Xlsx::new(std::io::Cursor::new(bytes)).unwrap();
    let names = book.sheet_names();
    assert!(names.len() > 1, "turned to a new sheet: {names:?}");
    let mut numbers = Vec::new();
    for name in names {
        let range = book.worksheet_range(&name).unwrap();
        let rows: Vec<Vec<String>> = range.rows().map(|r| r.iter().map(|c| c.to_string()).collect()).collect();
        assert_eq!(rows[0], ["编号", "标题"], "{name} starts with the header");
        numbers.extend(rows[1..].iter().map(|r| r[0].clone()));
    }
    assert_eq!(numbers, ["1", "2", "3", "4"], "every row once, in order");
}

#[test]
fn text_that_xml_or_excel_would_misread_reads_back_as_written() {
    use calamine::{Reader, Xlsx};
    let texts = ["a<b>&c\"'", "响\u{7}铃", "_x0041_ stays", "  两端空格  ", "多行\n备注", "=HYPERLINK(\"x\")"];
    let mut w = XlsxWriter::new("文字", &["内容"]).unwrap();
    for t in texts {
        w.push_row(&[t.into()]).unwrap();
    }
    let mut book: Xlsx<_> = Xlsx::new(std::io::Cursor::new(w.finish().unwrap())).unwrap();
    let range = book.worksheet_range("文字").unwrap();
    let read: Vec<String> = range.rows().skip(1).map(|r| r[0].to_string()).collect();
    assert_eq!(read, texts);
}

#[test]
fn dates_before_excels_calendar_stay_text_and_later_ones_are_dates() {
    use calamine::{Data, Reader, Xlsx};
    let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).unwrap();
    let mut w = XlsxWriter::new("日期", &["日期"]).unwrap();
    for date in [d(1899, 12, 1), d(1900, 2, 28), d(1900, 3, 1), d(2026, 3, 1)] {
        w.push_row(&[Cell::Date(date)]).unwrap();
    }
    let bytes = w.finish().unwrap();
    let t = read(&bytes).unwrap();
    let shown: Vec<&str> = t.rows.iter().map(|r| r.cells[0].as_str()).collect();
    assert_eq!(shown, ["1899-12-01", "1900-02-28", "1900-03-01", "2026-03-01"]);
    let mut book: Xlsx<_> = Xlsx::new(std::io::Cursor::new(bytes)).unwrap();
    let range = book.worksheet_range("日期").unwrap();
    let cells: Vec<Data> = range.rows().skip(1).map(|r| r[0].clone()).collect();
    assert!(matches!(cells[0], Data::String(_)) && matches!(cells[1], Data::String(_)), "{cells:?}");
    assert!(matches!(cells[2], Data::DateTime(_)) && matches!(cells[3], Data::DateTime(_)), "{cells:?}");
}

#[test]
fn labels_are_shared_once_and_read_back_as_text() {
    use calamine::{Data, Reader, Xlsx};
    use std::sync::Arc;
    let done: Arc<str> = "已化解".into();
    let open: Arc<str> = " 办理中 ".into();
    let odd: Arc<str> = "a<b>&\u{7}_x0041_".into();
    let t = NaiveDate::from_ymd_opt(2026, 3, 1).unwrap().and_hms_opt(8, 5, 59).unwrap();
    let mut w = XlsxWriter::new("台账", &["状态", "时间", "备注"]).unwrap();
    for i in 0..3 {
        w.push_row(&[Cell::Label(if i == 1 { open.clone() } else { done.clone() }), Cell::Minute(t), Cell::Label(odd.clone())]).unwrap();
    }
    w.push_row(&[Cell::Label("".into()), Cell::Minute(t)]).unwrap();
    let bytes = w.finish().unwrap();

    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes.clone())).unwrap();
    let mut sst = String::new();
    std::io::Read::read_to_string(&mut zip.by_name("xl/sharedStrings.xml").unwrap(), &mut sst).unwrap();
    assert_eq!(sst.matches("<si>").count(), 3, "each label once: {sst}");
    assert!(sst.contains("uniqueCount=\"3\""), "{sst}");

    let mut book: Xlsx<_> = Xlsx::new(std::io::Cursor::new(bytes)).unwrap();
    let range = book.worksheet_range("台账").unwrap();
    let rows: Vec<Vec<Data>> = range.rows().skip(1).map(|r| r.to_vec()).collect();
    let shown = |r: &Vec<Data>| r.iter().map(|c| c.to_string()).collect::<Vec<_>>();
    assert_eq!(shown(&rows[0]), ["已化解", "2026-03-01 08:05", "a<b>&\u{7}_x0041_"]);
    assert_eq!(shown(&rows[1]), [" 办理中 ", "2026-03-01 08:05", "a<b>&\u{7}_x0041_"], "spaces kept");
    assert_eq!(shown(&rows[3])[..2], ["", "2026-03-01 08:05"], "an empty label is an empty cell");
    assert!(matches!(rows[0][1], Data::String(_)), "minutes are text: {:?}", rows[0][1]);
}

#[test]
fn labels_past_a_full_table_go_into_their_cells() {
    use calamine::{Reader, Xlsx};
    // 40 bytes of shared strings stand for the 4 MiB after which labels are no longer shared.
    let mut w = XlsxWriter::with_shared_bytes("台账", &["状态"], 40).unwrap();
    let labels: Vec<String> = (0..6).map(|i| format!("第{i}类")).collect();
    for l in labels.iter().chain(&labels) {
        w.push_row(&[Cell::Label(l.as_str().into())]).unwrap();
    }
    let bytes = w.finish().unwrap();
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes.clone())).unwrap();
    let mut sst = String::new();
    std::io::Read::read_to_string(&mut zip.by_name("xl/sharedStrings.xml").unwrap(), &mut sst).unwrap();
    let shared = sst.matches("<si>").count();
    assert!((1..6).contains(&shared), "the table stopped growing: {shared} entries");
    let mut book: Xlsx<_> = Xlsx::new(std::io::Cursor::new(bytes)).unwrap();
    let read: Vec<String> = book.worksheet_range("台账").unwrap().rows().skip(1).map(|r| r[0].to_string()).collect();
    let want: Vec<String> = labels.iter().chain(&labels).cloned().collect();
    assert_eq!(read, want, "every label reads back, shared or not");
}

#[test]
fn csv_writes_labels_as_guarded_text_and_minutes_plainly() {
    let t = NaiveDate::from_ymd_opt(2026, 3, 1).unwrap().and_hms_opt(18, 30, 0).unwrap();
    let mut w = CsvWriter::new(Vec::new(), &["状态", "时间"]).unwrap();
    w.push_row(&[Cell::Label("=1+1".into()), Cell::Minute(t)]).unwrap();
    w.push_row(&[Cell::Label("甲,乙".into()), Cell::Empty]).unwrap();
    let out = String::from_utf8(w.finish().unwrap()).unwrap();
    assert_eq!(out, "\u{FEFF}状态,时间\r\n'=1+1,2026-03-01 18:30\r\n\"甲,乙\",\r\n");
}
