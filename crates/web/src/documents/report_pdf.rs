//! A report in words as an A4 PDF: the title centred, the area and period, each section's
//! heading and its sentences as one indented paragraph, the dateline, page numbers.

use std::path::Path;

use super::pdf::{BODY, FontError, Layout, TOP, centred, load, write};
use super::report::ReportDocument;
use crate::i18n::Lang;

pub fn render(doc: &ReportDocument, font_path: &Path) -> Result<Vec<u8>, FontError> {
    let (data, index) = load(font_path)?;
    let face = ttf_parser::Face::parse(&data, index).map_err(|e| FontError(format!("{}: {e}", font_path.display())))?;
    let mut l = Layout { face, pages: vec![Vec::new()], y: TOP };
    centred(&mut l, &doc.title, 20.0);
    l.gap(0.8);
    let chinese = doc.lang == Lang::ZhCn;
    for (heading, text) in doc.paragraphs() {
        // A heading never ends a page alone.
        l.keep(BODY * 1.6 * 3.0);
        l.paragraph(&heading, false);
        l.paragraph(&text, chinese);
        l.gap(0.5);
    }
    if doc.sections.is_empty() {
        l.paragraph(&doc.lang.t("report-empty"), chinese);
    }
    l.gap(0.5);
    l.right(&doc.dateline, 12.0);
    let lang = doc.lang;
    let footer = move |page: usize, _total: usize| lang.t_args("report-page", &[("page", page.to_string())]);
    write(&l, &data, index, font_path, &doc.title, lang.code(), Some(&footer))
}
