//! The fixed parts of a workbook around its sheets: package relationships, styles, the
//! workbook with its sheet list, and the content types. Written by hand because a streamed
//! workbook needs only these few, and each is a handful of lines of Office Open XML.

use std::fmt::Write as _;

const MAIN: &str = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";
const REL: &str = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";
const PACKAGE_REL: &str = "http://schemas.openxmlformats.org/package/2006/relationships";
const HEAD: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n";

/// Cell styles by index in `styles()`'s `cellXfs`.
pub const STYLE_HEADER: u8 = 1;
pub const STYLE_DATE: u8 = 2;

pub fn package_rels() -> String {
    format!(
        "{HEAD}<Relationships xmlns=\"{PACKAGE_REL}\"><Relationship Id=\"rId1\" \
         Type=\"{REL}/officeDocument\" Target=\"xl/workbook.xml\"/></Relationships>"
    )
}

/// Normal text; the header bold on a pale blue fill over a thin rule; dates as `yyyy-mm-dd`.
pub fn styles() -> String {
    let font = |bold: &str| format!("<font>{bold}<sz val=\"11\"/><name val=\"Calibri\"/><family val=\"2\"/></font>");
    format!(
        "{HEAD}<styleSheet xmlns=\"{MAIN}\">\
         <numFmts count=\"1\"><numFmt numFmtId=\"164\" formatCode=\"yyyy-mm-dd\"/></numFmts>\
         <fonts count=\"2\">{}{}</fonts>\
         <fills count=\"3\"><fill><patternFill patternType=\"none\"/></fill><fill><patternFill patternType=\"gray125\"/></fill>\
         <fill><patternFill patternType=\"solid\"><fgColor rgb=\"FFE7EEF7\"/><bgColor indexed=\"64\"/></patternFill></fill></fills>\
         <borders count=\"2\"><border><left/><right/><top/><bottom/><diagonal/></border>\
         <border><left/><right/><top/><bottom style=\"thin\"><color auto=\"1\"/></bottom><diagonal/></border></borders>\
         <cellStyleXfs count=\"1\"><xf numFmtId=\"0\" fontId=\"0\" fillId=\"0\" borderId=\"0\"/></cellStyleXfs>\
         <cellXfs count=\"3\"><xf numFmtId=\"0\" fontId=\"0\" fillId=\"0\" borderId=\"0\" xfId=\"0\"/>\
         <xf numFmtId=\"0\" fontId=\"1\" fillId=\"2\" borderId=\"1\" xfId=\"0\" applyFont=\"1\" applyFill=\"1\" applyBorder=\"1\"/>\
         <xf numFmtId=\"164\" fontId=\"0\" fillId=\"0\" borderId=\"0\" xfId=\"0\" applyNumberFormat=\"1\"/></cellXfs>\
         <cellStyles count=\"1\"><cellStyle name=\"Normal\" xfId=\"0\" builtinId=\"0\"/></cellStyles></styleSheet>",
        font(""),
        font("<b/>"),
    )
}

/// The start of a sheet, up to its first row: the frozen header and the column widths.
pub fn sheet_head(first: bool, widths: &[f64]) -> String {
    let mut s = format!(
        "{HEAD}<worksheet xmlns=\"{MAIN}\" xmlns:r=\"{REL}\"><sheetViews><sheetView {}workbookViewId=\"0\">\
         <pane ySplit=\"1\" topLeftCell=\"A2\" activePane=\"bottomLeft\" state=\"frozen\"/>\
         <selection pane=\"bottomLeft\" activeCell=\"A2\" sqref=\"A2\"/></sheetView></sheetViews>\
         <sheetFormatPr defaultRowHeight=\"15\"/>",
        if first { "tabSelected=\"1\" " } else { "" }
    );
    if !widths.is_empty() {
        s.push_str("<cols>");
        for (i, w) in widths.iter().enumerate() {
            let _ = write!(s, "<col min=\"{n}\" max=\"{n}\" width=\"{w}\" customWidth=\"1\"/>", n = i + 1);
        }
        s.push_str("</cols>");
    }
    s.push_str("<sheetData>");
    s
}

/// The end of a sheet whose rows end at `last_row` (1-based, the header's is 1).
pub fn sheet_tail(columns: usize, last_row: u32) -> String {
    if columns == 0 {
        return "</sheetData></worksheet>".to_string();
    }
    format!("</sheetData><autoFilter ref=\"A1:{}{last_row}\"/></worksheet>", crate::error::column_name(columns))
}

/// The workbook: its sheets in order, each with its filter's range (`_FilterDatabase`, which
/// Excel expects beside every autofilter).
pub fn workbook(sheets: &[(String, u32)], columns: usize) -> String {
    let mut list = String::new();
    let mut names = String::new();
    for (i, (name, last_row)) in sheets.iter().enumerate() {
        let _ = write!(list, "<sheet name=\"{}\" sheetId=\"{}\" r:id=\"rId{}\"/>", attr(name), i + 1, i + 1);
        if columns > 0 {
            let quoted = name.replace('\'', "''");
            let last = crate::error::column_name(columns);
            let _ = write!(names, "<definedName name=\"_xlnm._FilterDatabase\" localSheetId=\"{i}\" hidden=\"1\">{}</definedName>", attr(&format!("'{quoted}'!$A$1:${last}${last_row}")));
        }
    }
    let names = if names.is_empty() { String::new() } else { format!("<definedNames>{names}</definedNames>") };
    format!("{HEAD}<workbook xmlns=\"{MAIN}\" xmlns:r=\"{REL}\"><bookViews><workbookView/></bookViews><sheets>{list}</sheets>{names}</workbook>")
}

/// The workbook's parts: its sheets, its styles and, when cells share strings, their table.
pub fn workbook_rels(sheets: usize, shared_strings: bool) -> String {
    let mut s = format!("{HEAD}<Relationships xmlns=\"{PACKAGE_REL}\">");
    for i in 1..=sheets {
        let _ = write!(s, "<Relationship Id=\"rId{i}\" Type=\"{REL}/worksheet\" Target=\"worksheets/sheet{i}.xml\"/>");
    }
    let _ = write!(s, "<Relationship Id=\"rId{}\" Type=\"{REL}/styles\" Target=\"styles.xml\"/>", sheets + 1);
    if shared_strings {
        let _ = write!(s, "<Relationship Id=\"rId{}\" Type=\"{REL}/sharedStrings\" Target=\"sharedStrings.xml\"/>", sheets + 2);
    }
    s.push_str("</Relationships>");
    s
}

/// The start of the shared strings, before their `unique` `<si>` entries and `</sst>`.
pub fn shared_strings_head(unique: usize) -> String {
    format!("{HEAD}<sst xmlns=\"{MAIN}\" uniqueCount=\"{unique}\">")
}

pub fn content_types(sheets: usize, shared_strings: bool) -> String {
    let ct = "application/vnd.openxmlformats-officedocument.spreadsheetml";
    let mut s = format!(
        "{HEAD}<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">\
         <Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/>\
         <Default Extension=\"xml\" ContentType=\"application/xml\"/>\
         <Override PartName=\"/xl/workbook.xml\" ContentType=\"{ct}.sheet.main+xml\"/>\
         <Override PartName=\"/xl/styles.xml\" ContentType=\"{ct}.styles+xml\"/>"
    );
    for i in 1..=sheets {
        let _ = write!(s, "<Override PartName=\"/xl/worksheets/sheet{i}.xml\" ContentType=\"{ct}.worksheet+xml\"/>");
    }
    if shared_strings {
        let _ = write!(s, "<Override PartName=\"/xl/sharedStrings.xml\" ContentType=\"{ct}.sharedStrings+xml\"/>");
    }
    s.push_str("</Types>");
    s
}

/// Text for an attribute value.
fn attr(s: &str) -> String {
    let mut out = Vec::with_capacity(s.len());
    crate::xlsx_out::push_text(&mut out, s);
    String::from_utf8(out).unwrap_or_default().replace('"', "&quot;")
}
