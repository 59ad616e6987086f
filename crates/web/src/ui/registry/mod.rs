//! Registry pages: residents, households, buildings, estates, people who serve and
//! organisations. Personal data is shown masked; a full value appears only after a reveal
//! with a reason, once, and is audited.

mod export;
mod heads;
mod orgs;
mod people;
mod places;
mod residents;

use axum::Router;
use axum::routing::{get, post};
use fengqiao_domain::model::{Area, AreaLevel, OrgKind, PersonKind, Profession, Relation, Resident};
use fengqiao_domain::privacy::Gender;

use serde::Deserialize;
use uuid::Uuid;

use crate::AppState;
use crate::auth::PageCaller;
use crate::i18n::Lang;

/// Query of the people and organisations lists: a search, a kind, a keyset cursor.
#[derive(Deserialize, Default)]
pub struct KindListQuery {
    #[serde(default)]
    q: String,
    #[serde(default)]
    kind: String,
    after: Option<Uuid>,
}

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/residents", get(residents::list))
        .route("/residents/export.xlsx", get(export::residents).post(export::residents_revealed))
        .route("/households/export.xlsx", get(export::households))
        .route("/estates/export.xlsx", get(export::estates))
        .route("/people/export.xlsx", get(export::people))
        .route("/residents/export.csv", get(export::residents_csv))
        .route("/households/export.csv", get(export::households_csv))
        .route("/estates/export.csv", get(export::estates_csv))
        .route("/people/export.csv", get(export::people_csv))
        .route("/residents/{id}", get(residents::page).post(residents::update))
        .route("/residents/{id}/reveal", post(residents::reveal))
        .route("/households", get(places::households))
        .route("/households/{id}", get(places::household))
        .route("/households/{id}/residents", post(residents::create))
        .route("/buildings/{id}", get(places::building))
        .route("/buildings/{id}/households", post(places::create_household))
        .route("/estates", get(places::estates))
        .route("/estates/{id}", get(places::estate))
        .route("/buildings/{id}/heads", post(heads::set))
        .route("/people", get(people::list).post(people::create))
        .route("/people/{id}", get(people::page))
        .route("/people/{id}/assign", post(people::assign))
        .route("/people/{id}/unassign", post(people::unassign))
        .route("/organisations", get(orgs::list).post(orgs::create))
        .route("/organisations/{id}", get(orgs::page))
}

pub fn person_kind_label(l: Lang, k: PersonKind) -> String {
    l.t(&format!("person-{}", k.as_str().replace('_', "-")))
}

pub fn profession_label(l: Lang, p: Profession) -> String {
    l.t(&format!("profession-{}", p.as_str()))
}

pub fn org_kind_label(l: Lang, k: OrgKind) -> String {
    l.t(&format!("org-{}", k.as_str().replace('_', "-")))
}

pub(crate) fn opt(s: &str) -> Option<String> {
    Some(s.trim().to_string()).filter(|s| !s.is_empty())
}

/// An area's name as people tell it apart: a grid with its community's (there are many 第一网格).
pub async fn area_label(state: &AppState, a: &Area) -> String {
    let parent = match (a.level, a.parent_id) {
        (AreaLevel::Grid, Some(id)) => state.services.store.area_by_id(id).await.ok().flatten(),
        _ => None,
    };
    match parent {
        Some(p) => format!("{} {}", p.name, a.name),
        None => a.name.clone(),
    }
}

/// An area offered in a form: its code, and a name that tells apart the many grids called
/// 第一网格.
pub struct AreaChoice {
    pub code: String,
    pub label: String,
    pub level: AreaLevel,
}

/// `root` and the areas up to two levels below it, or only those of `level` when given: the
/// choices of an area field. Two levels keep it to a handful of queries; deeper areas can
/// still be typed by code.
pub async fn area_choices(state: &AppState, c: &PageCaller, root: &Area, level: Option<AreaLevel>) -> Vec<AreaChoice> {
    const MOST: usize = 200;
    let keep = |a: &Area| level.is_none_or(|lv| a.level == lv);
    let label = |a: &Area, parent: &Area| if a.level == AreaLevel::Grid { format!("{} {}", parent.name, a.name) } else { a.name.clone() };
    let mut out = Vec::new();
    if keep(root) {
        out.push(AreaChoice { code: root.code.to_string(), label: area_label(state, root).await, level: root.level });
    }
    let mut frontier = vec![root.clone()];
    for _ in 0..2 {
        let mut next = Vec::new();
        for parent in &frontier {
            if level.is_some_and(|lv| parent.level == lv) || out.len() >= MOST {
                continue;
            }
            let children = state.services.area_children(&c.actor, parent.code.as_str(), false).await.unwrap_or_default();
            for a in children {
                if keep(&a) && out.len() < MOST {
                    out.push(AreaChoice { code: a.code.to_string(), label: label(&a, parent), level: a.level });
                }
                next.push(a);
            }
        }
        frontier = next;
    }
    out
}

pub fn gender_label(l: Lang, g: Gender) -> String {
    l.t(match g {
        Gender::Male => "gender-male",
        Gender::Female => "gender-female",
    })
}

pub fn relation_label(l: Lang, r: Relation) -> String {
    l.t(&format!("relation-{}", r.as_str()))
}

/// Known tags read as words; custom tags are shown as recorded.
pub fn tag_label(l: Lang, t: &str) -> String {
    let key = format!("tag-{}", t.replace('_', "-"));
    if t.is_ascii() { l.t(&key) } else { t.to_string() }
}

/// One resident as a list row.
pub struct ResidentRow {
    pub id: uuid::Uuid,
    pub name: String,
    pub gender: String,
    pub age: u32,
    pub relation: String,
    pub phone: Option<String>,
    pub tags: Vec<String>,
}

impl ResidentRow {
    pub fn new(l: Lang, r: Resident, today: chrono::NaiveDate) -> Self {
        ResidentRow {
            id: r.id,
            gender: gender_label(l, r.gender),
            age: fengqiao_domain::model::resident::age_on(r.birth_date, today),
            relation: relation_label(l, r.relation),
            tags: r.all_tags(today).iter().map(|t| tag_label(l, t)).collect(),
            phone: r.phone.map(|p| p.masked),
            name: r.name,
        }
    }
}
