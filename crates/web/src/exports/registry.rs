//! Registry lists as XLSX or CSV. The whole file is spooled before it leaves, because the
//! audit row states how many rows left. Column names are the import's, in the reader's
//! language, so an exported file (revealed) can be edited and imported back.

use axum::response::Response;
use fengqiao_domain::DomainError;
use fengqiao_domain::model::ImportKind;
use fengqiao_domain::services::Services;
use fengqiao_domain::services::registry::import::columns;
use fengqiao_domain::services::registry::{Export, ExportList, ExportRows, code_of};
use fengqiao_sheets::Cell;

use super::{Format, Pages, Sheet};

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

struct RegistryPages<'a> {
    services: &'a Services,
    l: Lang,
    x: &'a mut Export,
}

impl Pages for RegistryPages<'_> {
    async fn next_page(&mut self) -> Result<Option<Vec<Vec<Cell>>>, DomainError> {
        Ok(self.services.export_page(self.x).await?.map(|page| rows(self.l, page)))
    }
}

/// Writes the whole export, records it in the audit log, then streams the file.
pub async fn respond(services: &Services, l: Lang, mut x: Export, format: Format) -> Result<Response, DomainError> {
    let title = l.t(&format!("export-list-{}", x.list.as_str()));
    let day = services.today().format("%Y%m%d");
    let sheet = Sheet {
        file: format!("{title}-{}-{day}", x.area.code),
        name: title,
        ascii: format!("{}-{}-{day}", x.list.as_str(), x.area.code),
        headers: headers(l, x.list),
    };
    let (file, _) = super::spool(format, &sheet, &mut RegistryPages { services, l, x: &mut x }).await?;
    // Audit first: a file that could not be recorded does not leave.
    services.finish_export(&x).await?;
    Ok(super::spooled(file, format, &sheet))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_are_the_imports() {
        assert_eq!(head(Lang::ZhCn, ImportKind::Households, "id_number"), "身份证号");
        assert_eq!(head(Lang::En, ImportKind::Households, "id_number"), "ID number");
        assert_eq!(headers(Lang::ZhCn, ExportList::Residents).len(), 11);
    }
}
