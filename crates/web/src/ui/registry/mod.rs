//! Registry pages: residents, households, buildings, estates. Personal data is shown masked;
//! a full value appears only after a reveal with a reason, once, and is audited.

mod export;
mod places;
mod residents;

use axum::Router;
use axum::routing::{get, post};
use fengqiao_domain::model::{Relation, Resident};
use fengqiao_domain::privacy::Gender;

use crate::AppState;
use crate::i18n::Lang;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/residents", get(residents::list))
        .route("/residents/export.xlsx", get(export::residents).post(export::residents_revealed))
        .route("/households/export.xlsx", get(export::households))
        .route("/estates/export.xlsx", get(export::estates))
        .route("/people/export.xlsx", get(export::people))
        .route("/residents/{id}", get(residents::page).post(residents::update))
        .route("/residents/{id}/reveal", post(residents::reveal))
        .route("/households", get(places::households))
        .route("/households/{id}", get(places::household))
        .route("/households/{id}/residents", post(residents::create))
        .route("/buildings/{id}", get(places::building))
        .route("/buildings/{id}/households", post(places::create_household))
        .route("/estates", get(places::estates))
        .route("/estates/{id}", get(places::estate))
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
