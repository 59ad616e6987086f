//! Resident lists, the resident page, recording a resident, changing one, and revealing.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, Uri};
use axum::response::{IntoResponse, Redirect, Response};
use fengqiao_domain::DomainError;
use fengqiao_domain::model::Relation;
use fengqiao_domain::model::resident::{CHILD, ELDERLY, RECORDED_TAGS};
use fengqiao_domain::rules::access::Permission;
use fengqiao_domain::services::registry::{NewResident, ResidentChange, RevealField};
use serde::Deserialize;
use uuid::Uuid;

use super::{ResidentRow, gender_label, opt, relation_label, tag_label};
use crate::AppState;
use crate::auth::{PageCaller, SignedIn, urlencode};
use crate::error::{PageError, PageForm};
use crate::i18n::Lang;
use crate::ui::{Base, Htmx, refused, render, render_with};

const PAGE: i64 = 50;

#[derive(Template)]
#[template(path = "residents.html")]
struct ListPage {
    l: Lang,
    base: Base,
    scope_name: String,
    q: String,
    tag: String,
    area: String,
    tag_choices: Vec<(String, String)>,
    rows: Vec<ResidentRow>,
    next_after: Option<Uuid>,
    next_link: String,
    error: Option<String>,
    csrf: String,
    can_reveal: bool,
}

#[derive(Template)]
#[template(path = "resident_rows.html")]
struct ListRows {
    l: Lang,
    rows: Vec<ResidentRow>,
    next_after: Option<Uuid>,
    next_link: String,
    error: Option<String>,
}

#[derive(Deserialize, Default)]
pub struct ListQuery {
    #[serde(default)]
    q: String,
    #[serde(default)]
    tag: String,
    #[serde(default)]
    area: String,
    after: Option<Uuid>,
}

pub async fn list(State(state): State<AppState>, l: Lang, uri: Uri, Htmx(fragment): Htmx, SignedIn(c): SignedIn, Query(q): Query<ListQuery>) -> Result<Response, PageError> {
    let s = &state.services;
    let area = opt(&q.area);
    let scope = match &area {
        Some(code) => s.area(&c.actor, code).await?,
        None => s.home_area(&c.actor).await?,
    };
    let (rows, error) = match s.residents(&c.actor, area.as_deref(), opt(&q.q), opt(&q.tag), None, q.after, PAGE).await {
        Ok(v) => (v, None),
        Err(e @ DomainError::Invalid { .. }) => (Vec::new(), Some(l.t(e.code()))),
        Err(e) => return Err(e.into()),
    };
    let next_after = (rows.len() as i64 == PAGE).then(|| rows.last().map(|r| r.id)).flatten();
    let today = s.today();
    let rows: Vec<ResidentRow> = rows.into_iter().map(|r| ResidentRow::new(l, r, today)).collect();
    let next_link = format!("/residents?q={}&tag={}&area={}&after=", urlencode(&q.q), urlencode(&q.tag), urlencode(&q.area));
    if fragment {
        return Ok(render(&ListRows { l, rows, next_after, next_link, error }));
    }
    let tag_choices = [ELDERLY, CHILD].iter().chain(RECORDED_TAGS.iter()).map(|t| (t.to_string(), tag_label(l, t))).collect();
    let page = ListPage {
        base: Base::new(Some(&c), "residents", &uri.to_string(), None),
        scope_name: format!("{}（{}）", scope.name, scope.code),
        q: q.q,
        tag: q.tag,
        area: q.area,
        tag_choices,
        rows,
        next_after,
        next_link,
        error,
        csrf: c.csrf().to_string(),
        can_reveal: c.actor.role.has(Permission::RevealPersonalData),
        l,
    };
    Ok(render(&page))
}

#[derive(Template)]
#[template(path = "resident.html")]
struct ResidentPage {
    l: Lang,
    base: Base,
    csrf: String,
    r: fengqiao_domain::model::Resident,
    household_address: String,
    gender: String,
    birth: String,
    age: u32,
    relation: String,
    tags: Vec<String>,
    recorded_tags: Vec<(String, String, bool)>,
    can_reveal: bool,
    can_edit: bool,
    revealed: Option<(String, String)>,
    error: Option<String>,
}

async fn show(state: &AppState, l: Lang, c: &PageCaller, uri: &Uri, id: Uuid, revealed: Option<(String, String)>, error: Option<String>, status: StatusCode) -> Result<Response, PageError> {
    let s = &state.services;
    let r = s.resident(&c.actor, id).await?;
    let (household, _) = s.household(&c.actor, r.household_id).await?;
    let today = s.today();
    let recorded_tags = RECORDED_TAGS.iter().map(|t| (t.to_string(), tag_label(l, t), r.tags.iter().any(|x| x == t))).collect();
    let page = ResidentPage {
        base: Base::new(Some(c), "residents", &uri.to_string(), None),
        csrf: c.csrf().to_string(),
        household_address: household.address,
        gender: gender_label(l, r.gender),
        birth: match l {
            Lang::ZhCn => r.birth_date.format("%Y年%m月%d日").to_string(),
            Lang::En => r.birth_date.to_string(),
        },
        age: fengqiao_domain::model::resident::age_on(r.birth_date, today),
        relation: relation_label(l, r.relation),
        tags: r.all_tags(today).iter().map(|t| tag_label(l, t)).collect(),
        recorded_tags,
        can_reveal: c.actor.role.has(Permission::RevealPersonalData),
        can_edit: c.actor.role.has(Permission::ManageRegistry),
        revealed,
        error,
        r,
        l,
    };
    Ok(render_with(status, &page))
}

pub async fn page(State(state): State<AppState>, l: Lang, uri: Uri, SignedIn(c): SignedIn, Path(id): Path<Uuid>) -> Result<Response, PageError> {
    show(&state, l, &c, &uri, id, None, None, StatusCode::OK).await
}

#[derive(Deserialize)]
pub struct RevealForm {
    field: String,
    reason: String,
}

/// The value is rendered into this one response only (no redirect, nothing cached: every
/// page is `no-store`), so it is not left behind in history or on a shared phone.
pub async fn reveal(State(state): State<AppState>, l: Lang, uri: Uri, SignedIn(c): SignedIn, Path(id): Path<Uuid>, PageForm(f): PageForm<RevealForm>) -> Result<Response, PageError> {
    let (field, label) = match f.field.as_str() {
        "id_number" => (RevealField::IdNumber, l.t("field-id-number")),
        "phone" => (RevealField::Phone, l.t("field-phone")),
        _ => return Err(DomainError::invalid("field", "error-bad-request").into()),
    };
    match state.services.reveal(&c.actor, id, field, &f.reason).await {
        Ok(value) => show(&state, l, &c, &uri, id, Some((label, value)), None, StatusCode::OK).await,
        Err(e) => match refused(&e) {
            Some(status) => show(&state, l, &c, &uri, id, None, Some(l.t(e.code())), status).await,
            None => Err(e.into()),
        },
    }
}

pub async fn update(State(state): State<AppState>, l: Lang, uri: Uri, SignedIn(c): SignedIn, Path(id): Path<Uuid>, PageForm(f): PageForm<Vec<(String, String)>>) -> Result<Response, PageError> {
    // Checkbox lists arrive as repeated fields, which a plain struct cannot hold.
    let get = |k: &str| f.iter().find(|(key, _)| key == k).map(|(_, v)| v.clone());
    let version = get("version").and_then(|v| v.parse().ok()).ok_or(DomainError::invalid("version", "error-bad-request"))?;
    let current = state.services.resident(&c.actor, id).await?;
    // Custom tags are kept; the checkboxes decide the recorded ones.
    let mut tags: Vec<String> = current.tags.iter().filter(|t| !RECORDED_TAGS.contains(&t.as_str())).cloned().collect();
    tags.extend(f.iter().filter(|(k, _)| k == "tag").map(|(_, v)| v.clone()));
    let change = ResidentChange {
        version,
        phone: get("phone").filter(|p| !p.trim().is_empty()),
        tags: Some(tags),
        moved_out: Some(get("moved_out").is_some()),
        ..Default::default()
    };
    match state.services.change_resident(&c.actor, id, change).await {
        Ok(_) => Ok(Redirect::to(&format!("/residents/{id}")).into_response()),
        Err(e) => match refused(&e) {
            Some(status) => show(&state, l, &c, &uri, id, None, Some(l.t(e.code())), status).await,
            None => Err(e.into()),
        },
    }
}

#[derive(Deserialize, Default)]
pub struct NewResidentForm {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub id_number: String,
    #[serde(default)]
    pub gender: String,
    #[serde(default)]
    pub birth_date: String,
    #[serde(default)]
    pub phone: String,
    #[serde(default)]
    pub relation: String,
}

pub async fn create(State(state): State<AppState>, l: Lang, uri: Uri, SignedIn(c): SignedIn, Path(household): Path<Uuid>, PageForm(f): PageForm<NewResidentForm>) -> Result<Response, PageError> {
    let gender = match f.gender.as_str() {
        "male" => Some(fengqiao_domain::privacy::Gender::Male),
        "female" => Some(fengqiao_domain::privacy::Gender::Female),
        _ => None,
    };
    let birth_date = match opt(&f.birth_date) {
        Some(d) => Some(chrono::NaiveDate::parse_from_str(&d, "%Y-%m-%d").map_err(|_| DomainError::invalid("birth_date", "error-date"))),
        None => None,
    };
    let result = match birth_date.transpose() {
        Err(e) => Err(e),
        Ok(birth_date) => {
            let new = NewResident {
                household_id: household,
                name: f.name.clone(),
                gender,
                birth_date,
                id_number: opt(&f.id_number),
                phone: opt(&f.phone),
                relation: if f.relation.is_empty() { Relation::Head.as_str().to_string() } else { f.relation.clone() },
                tags: Vec::new(),
            };
            state.services.create_resident(&c.actor, new).await
        }
    };
    match result {
        Ok(r) => Ok(Redirect::to(&format!("/households/{}#r-{}", household, r.id)).into_response()),
        Err(e) => match refused(&e) {
            Some(status) => super::places::show_household(&state, l, &c, &uri, household, f, Some(l.t(e.code())), status).await,
            None => Err(e.into()),
        },
    }
}
