//! Registry lists as XLSX, shared by the API and the pages.
//!
//! Pages of the list go one by one into rust_xlsxwriter's constant-memory writer, which
//! keeps finished rows in a temporary file, and the finished workbook is streamed from a
//! temporary file too: a large export costs disk, not memory. Column names are the import's,
//! in the reader's language, so an exported file (revealed) can be edited and imported back.

use axum::body::Body;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use fengqiao_domain::DomainError;
use fengqiao_domain::model::ImportKind;
use fengqiao_domain::services::Services;
use fengqiao_domain::services::registry::import::columns;
use fengqiao_domain::services::registry::{Export, ExportList, ExportRows, code_of};
use fengqiao_sheets::{Cell, SheetError, XlsxWriter};

use crate::i18n::Lang;
use crate::ui::registry::{gender_label, relation_label, tag_label};

/// The name of an import column in the reader's language.
fn head(l: Lang, kind: ImportKind, key: &str) -> String {
    let c = columns(kind).iter().find(|c| c.key == key).expect("export columns are import columns");
    let i = if l == Lang::En { 1 } else { 0 };
    c.headers.get(i).or(c.headers.first()).map(|h| h.to_string()).unwrap_or_default()
}

fn headers(l: Lang, list: ExportList) -> Vec<String> {
    use ImportKind::*;
    let h = |kind, keys: &[&str]| keys.iter().map(|k| head(l, kind, k)).collect::<Vec<_>>();
    match list {
        ExportList::Residents => {
            let mut v = h(Households, &["grid_code", "address", "name", "id_number", "gender", "birth_date"]);
            v.push(l.t("export-age"));
            v.extend(h(Households, &["phone", "relation", "tags"]));
            v.push(l.t("resident-moved-out"));
            v
        }
        ExportList::Households => {
            let mut v = h(Households, &["grid_code", "address", "room"]);
            v.push(l.t("export-recorded"));
            v
        }
        ExportList::Estates => h(Places, &["community_code", "estate", "estate_address"]),
        ExportList::People => h(People, &["name", "kind", "profession", "organisation", "phone", "area_code"]),
    }
}

fn text(s: impl Into<String>) -> Cell {
    Cell::Text(s.into())
}

fn failed(e: SheetError) -> DomainError {
    DomainError::Internal(format!("export: {e}"))
}

fn rows(l: Lang, page: ExportRows) -> Vec<Vec<Cell>> {
    let yes_no = |b: bool| text(if b { l.t("yes") } else { String::new() });
    let sep = if l == Lang::En { ", " } else { "，" };
    match page {
        ExportRows::Residents(v) => v
            .into_iter()
            .map(|x| {
                let r = x.resident;
                let tags: Vec<String> = x.tags.iter().map(|t| tag_label(l, t)).collect();
                vec![
                    text(x.grid_code),
                    text(x.address),
                    text(r.name),
                    Cell::from(x.id_number),
                    text(gender_label(l, r.gender)),
                    Cell::Date(r.birth_date),
                    Cell::Int(x.age as i64),
                    Cell::from(x.phone),
                    text(relation_label(l, r.relation)),
                    text(tags.join(sep)),
                    yes_no(r.moved_out),
                ]
            })
            .collect(),
        ExportRows::Households(v) => v
            .into_iter()
            .map(|h| {
                let grid = code_of(&h.area_path);
                vec![text(grid), text(h.address), Cell::from(h.room), Cell::Date(h.created_at.with_timezone(&chrono_tz::Asia::Shanghai).date_naive())]
            })
            .collect(),
        ExportRows::Estates(v) => v.into_iter().map(|e| vec![text(code_of(&e.area_path)), text(e.name), text(e.address)]).collect(),
        ExportRows::People(v) => v
            .into_iter()
            .map(|x| {
                let p = x.person;
                vec![
                    text(p.name),
                    text(l.t(&format!("person-{}", p.kind.as_str().replace('_', "-")))),
                    Cell::from(p.profession.map(|f| l.t(&format!("profession-{}", f.as_str())))),
                    Cell::from(p.organisation),
                    Cell::from(x.phone),
                    text(x.area_code),
                ]
            })
            .collect(),
    }
}

/// `filename*` of RFC 6266 / 5987: UTF-8, percent-encoded, so Chinese names survive.
fn rfc5987(s: &str) -> String {
    s.bytes()
        .map(|b| if b.is_ascii_alphanumeric() || b"-._~".contains(&b) { (b as char).to_string() } else { format!("%{b:02X}") })
        .collect()
}

/// Writes the whole export, records it in the audit log, then streams the file.
pub async fn respond(services: &Services, l: Lang, mut x: Export) -> Result<Response, DomainError> {
    let list_name = l.t(&format!("export-list-{}", x.list.as_str()));
    let heads = headers(l, x.list);
    let refs: Vec<&str> = heads.iter().map(String::as_str).collect();
    let mut book = XlsxWriter::new(&list_name, &refs).map_err(failed)?;
    while let Some(page) = services.export_page(&mut x).await? {
        for row in rows(l, page) {
            book.push_row(&row).map_err(failed)?;
        }
    }
    let file = tempfile::tempfile().map_err(|e| DomainError::Internal(format!("export: {e}")))?;
    let mut file = tokio::task::spawn_blocking(move || -> Result<std::fs::File, DomainError> {
        book.finish_to(&file).map_err(failed)?;
        Ok(file)
    })
    .await
    .map_err(|e| DomainError::Internal(format!("export: {e}")))??;
    // Audit first: a file that could not be recorded does not leave.
    services.finish_export(&x).await?;
    use std::io::Seek;
    file.rewind().map_err(|e| DomainError::Internal(format!("export: {e}")))?;
    let stream = tokio_util::io::ReaderStream::new(tokio::fs::File::from_std(file));
    let day = services.today().format("%Y%m%d");
    let name = format!("{list_name}-{}-{day}.xlsx", x.area.code);
    let ascii = format!("{}-{}-{day}.xlsx", x.list.as_str(), x.area.code);
    let disposition = format!("attachment; filename=\"{ascii}\"; filename*=UTF-8''{}", rfc5987(&name));
    let mut res = Body::from_stream(stream).into_response();
    let h = res.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"));
    if let Ok(v) = HeaderValue::from_str(&disposition) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    Ok(res)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_keep_chinese() {
        assert_eq!(rfc5987("居民 a.xlsx"), "%E5%B1%85%E6%B0%91%20a.xlsx");
        assert_eq!(head(Lang::ZhCn, ImportKind::Households, "id_number"), "身份证号");
        assert_eq!(head(Lang::En, ImportKind::Households, "id_number"), "ID number");
        assert_eq!(headers(Lang::ZhCn, ExportList::Residents).len(), 11);
    }
}
