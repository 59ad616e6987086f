//! The agreement as an A4 PDF. krilla embeds only the glyphs used (a subset of the CJK font)
//! with a ToUnicode map, so the text can be searched and copied, and the file stays small.
//! Lines are broken here by measuring each character with the font's own advances; CJK text
//! may break between any two characters, except before closing punctuation (避头点).

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use krilla::Document;
use krilla::geom::Point;
use krilla::metadata::Metadata;
use krilla::page::PageSettings;
use krilla::text::{Font, TextDirection};

use super::{AgreementDocument, TITLE};

/// The font could not be used; the message says which file and what to install.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FontError(pub String);

impl std::fmt::Display for FontError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for FontError {}

/// Debian's fonts-noto-cjk: a serif face, as official papers are set in 宋体.
pub const DEFAULT_FONT: &str = "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc";

/// A4 in points, and the margins of the national standard for official documents (GB/T 9704:
/// 37 mm top, 35 mm bottom, 28 mm left, 26 mm right).
pub(super) const PAGE_W: f32 = 595.28;
pub(super) const PAGE_H: f32 = 841.89;
pub(super) const MM: f32 = 72.0 / 25.4;
pub(super) const LEFT: f32 = 28.0 * MM;
pub(super) const RIGHT: f32 = 26.0 * MM;
pub(super) const TOP: f32 = 37.0 * MM;
pub(super) const BOTTOM: f32 = 35.0 * MM;
pub(super) const BODY: f32 = 14.0;
const LEADING: f32 = 1.6;

/// Font files are tens of megabytes: read once per path, then shared.
/// A font file's path, its bytes and the face used in it.
type LoadedFont = (PathBuf, Arc<Vec<u8>>, u32);
static LOADED: Mutex<Option<LoadedFont>> = Mutex::new(None);

pub(super) fn load(path: &Path) -> Result<(Arc<Vec<u8>>, u32), FontError> {
    let mut cache = LOADED.lock().unwrap_or_else(|e| e.into_inner());
    if let Some((p, data, index)) = cache.as_ref()
        && p == path
    {
        return Ok((data.clone(), *index));
    }
    let data = std::fs::read(path).map_err(|e| {
        FontError(format!(
            "cannot read the PDF font {}: {e}. Install Debian's fonts-noto-cjk, or set http.pdf_font (FENGQIAO_HTTP__PDF_FONT) to a CJK TrueType/OpenType font",
            path.display()
        ))
    })?;
    let index = simplified_chinese_face(&data).ok_or_else(|| FontError(format!("{} is not a font with Chinese characters", path.display())))?;
    let data = Arc::new(data);
    *cache = Some((path.to_path_buf(), data.clone(), index));
    Ok((data, index))
}

/// In a collection, the face for simplified Chinese (Noto CJK puts JP first); in a single
/// font, the font itself, if it has the characters.
fn simplified_chinese_face(data: &[u8]) -> Option<u32> {
    let count = ttf_parser::fonts_in_collection(data).unwrap_or(1);
    let has_chinese = |i: u32| ttf_parser::Face::parse(data, i).ok().is_some_and(|f| f.glyph_index('调').is_some());
    let sc = (0..count).find(|i| {
        ttf_parser::Face::parse(data, *i).ok().is_some_and(|f| {
            f.names().into_iter().any(|n| n.name_id == ttf_parser::name_id::FAMILY && n.to_string().is_some_and(|s| s.ends_with(" SC")))
        })
    });
    sc.or_else(|| (0..count).find(|i| has_chinese(*i)))
}

/// One line of text placed on a page.
pub(super) struct Placed {
    x: f32,
    y: f32,
    size: f32,
    text: String,
}

pub(super) struct Layout<'a> {
    pub(super) face: ttf_parser::Face<'a>,
    pub(super) pages: Vec<Vec<Placed>>,
    pub(super) y: f32,
}

/// Runs of ASCII letters, digits and `*-.:/` (kept whole), and every other character alone.
fn tokens(text: &str) -> Vec<&str> {
    let word = |c: char| c.is_ascii_alphanumeric() || "*-.:/".contains(c);
    let mut out = Vec::new();
    let mut start = None;
    for (i, c) in text.char_indices() {
        match (start, word(c)) {
            (None, true) => start = Some(i),
            (Some(_), true) => {}
            (Some(s), false) => {
                out.push(&text[s..i]);
                start = None;
                out.push(&text[i..i + c.len_utf8()]);
            }
            (None, false) => out.push(&text[i..i + c.len_utf8()]),
        }
    }
    if let Some(s) = start {
        out.push(&text[s..]);
    }
    out
}

const NO_LINE_START: &str = "，。、；：！？）》」』”’％,.;:!?)";

impl<'a> Layout<'a> {
    pub(super) fn width(&self, text: &str, size: f32) -> f32 {
        let upem = f32::from(self.face.units_per_em());
        text.chars()
            .map(|c| self.face.glyph_index(c).and_then(|g| self.face.glyph_hor_advance(g)).map_or(size, |a| f32::from(a) / upem * size))
            .sum()
    }

    /// Breaks a paragraph into lines no wider than `max`: between any two CJK characters, but
    /// never inside a run of Latin letters and digits (a phone number, a date like 31日).
    fn wrap(&self, text: &str, size: f32, max: f32, indent: f32) -> Vec<String> {
        let mut lines = Vec::new();
        let mut line = String::new();
        let mut w = indent;
        for token in tokens(text) {
            let tw = self.width(token, size);
            let starts_closed = token.chars().next().is_some_and(|c| NO_LINE_START.contains(c));
            if w + tw > max && !line.is_empty() && !starts_closed {
                lines.push(std::mem::take(&mut line));
                w = 0.0;
            }
            if token == " " && line.is_empty() {
                // English text breaks at spaces; the space does not begin the next line.
                continue;
            }
            if tw > max {
                // A run longer than a line: break it where it overflows.
                for c in token.chars() {
                    let cw = self.width(c.encode_utf8(&mut [0; 4]), size);
                    if w + cw > max && !line.is_empty() {
                        lines.push(std::mem::take(&mut line));
                        w = 0.0;
                    }
                    line.push(c);
                    w += cw;
                }
                continue;
            }
            line.push_str(token);
            w += tw;
        }
        lines.push(line);
        lines
    }

    /// Starts a new page unless `h` more fits on this one: keeps a block together.
    pub(super) fn keep(&mut self, h: f32) {
        if self.y + h > PAGE_H - BOTTOM {
            self.pages.push(Vec::new());
            self.y = TOP;
        }
    }

    pub(super) fn advance(&mut self, h: f32) {
        if self.y + h > PAGE_H - BOTTOM {
            self.pages.push(Vec::new());
            self.y = TOP;
        }
        self.y += h;
    }

    pub(super) fn put(&mut self, x: f32, size: f32, text: String) {
        let y = self.y;
        if let Some(page) = self.pages.last_mut() {
            page.push(Placed { x, y, size, text });
        }
    }

    /// A paragraph (line breaks kept), first lines indented by two characters.
    pub(super) fn paragraph(&mut self, text: &str, indent_first: bool) {
        let max = PAGE_W - LEFT - RIGHT;
        for para in text.lines() {
            let indent = if indent_first { 2.0 * BODY } else { 0.0 };
            for (i, line) in self.wrap(para.trim_end(), BODY, max, indent).into_iter().enumerate() {
                self.advance(BODY * LEADING);
                let x = if i == 0 { LEFT + indent } else { LEFT };
                self.put(x, BODY, line);
            }
        }
    }

    pub(super) fn right(&mut self, text: &str, size: f32) {
        self.advance(size * LEADING);
        let x = PAGE_W - RIGHT - self.width(text, size);
        self.put(x, size, text.to_string());
    }

    pub(super) fn gap(&mut self, lines: f32) {
        self.advance(BODY * LEADING * lines);
    }
}

/// Draws the document; the font is read from `font_path` (once per process).
pub fn render(doc: &AgreementDocument, font_path: &Path) -> Result<Vec<u8>, FontError> {
    let (data, index) = load(font_path)?;
    let face = ttf_parser::Face::parse(&data, index).map_err(|e| FontError(format!("{}: {e}", font_path.display())))?;
    let mut l = Layout { face, pages: vec![Vec::new()], y: TOP };

    centred(&mut l, TITLE, 22.0);
    l.gap(0.5);
    l.right(&format!("编号：{}", doc.number), 12.0);
    l.gap(0.5);
    for p in &doc.parties {
        l.paragraph(&p.line(), false);
    }
    l.gap(0.5);
    l.paragraph("纠纷主要事实、争议事项：", false);
    l.paragraph(&doc.facts, true);
    l.paragraph("经人民调解委员会调解，双方当事人自愿达成如下协议：", false);
    l.paragraph(&doc.terms, true);
    l.paragraph("履行方式、时限：", false);
    l.paragraph(doc.performance_text(), true);
    l.paragraph(&doc.copies_clause(), true);
    l.gap(0.5);
    // The signatures, seal and date stay on one page.
    l.keep((doc.parties.len() as f32 + 5.0) * BODY * LEADING);
    l.paragraph("当事人（签名或盖章）：", false);
    for p in &doc.parties {
        l.paragraph(&format!("{}　{}：＿＿＿＿＿＿＿＿", p.role, p.name), true);
    }
    l.gap(0.5);
    l.paragraph(&format!("人民调解员（签名）：{}　＿＿＿＿＿＿＿＿", doc.mediators.join("、")), false);
    l.gap(0.5);
    l.right(&format!("{}（印章）", doc.committee), BODY);
    l.right(&doc.date_line(), BODY);

    write(&l, &data, index, font_path, &format!("{TITLE} {}", doc.number), "zh-CN", None)
}

/// Draws a title centred at the top of the current page.
pub(super) fn centred(l: &mut Layout, text: &str, size: f32) {
    l.advance(size);
    let x = (PAGE_W - l.width(text, size)) / 2.0;
    l.put(x, size, text.to_string());
}

/// Writes the laid-out pages as a PDF; `footer` gives the text centred at the foot of each page
/// (a page number), from the page's number and the count.
pub(super) fn write(
    l: &Layout,
    data: &Arc<Vec<u8>>,
    index: u32,
    font_path: &Path,
    title: &str,
    language: &str,
    footer: Option<&dyn Fn(usize, usize) -> String>,
) -> Result<Vec<u8>, FontError> {
    let font = Font::new(krilla::Data::from(data.clone()), index).ok_or_else(|| FontError(format!("{}: unreadable font", font_path.display())))?;
    let mut document = Document::new();
    document.set_metadata(Metadata::new().title(title.to_string()).language(language.to_string()));
    let settings = PageSettings::from_wh(PAGE_W, PAGE_H).ok_or_else(|| FontError("page size".into()))?;
    let total = l.pages.len();
    for (i, placed) in l.pages.iter().enumerate() {
        let mut page = document.start_page_with(settings.clone());
        let mut surface = page.surface();
        for p in placed {
            surface.draw_text(Point::from_xy(p.x, p.y), font.clone(), p.size, &p.text, false, TextDirection::Auto);
        }
        if let Some(f) = footer {
            let text = f(i + 1, total);
            let size = 10.5;
            let x = (PAGE_W - l.width(&text, size)) / 2.0;
            surface.draw_text(Point::from_xy(x, PAGE_H - BOTTOM / 2.0), font.clone(), size, &text, false, TextDirection::Auto);
        }
        surface.finish();
        page.finish();
    }
    document.finish().map_err(|e| FontError(format!("PDF: {e:?}")))
}

#[cfg(test)]
mod tests {
    use super::tokens;

    #[test]
    fn latin_runs_stay_whole_and_cjk_breaks_anywhere() {
        assert_eq!(tokens("电话：139****0000，5月31日"), ["电", "话", "：", "139****0000", "，", "5", "月", "31", "日"]);
        assert_eq!(tokens("编号 150103-2024-000001"), ["编", "号", " ", "150103-2024-000001"]);
    }
}
