//! People who serve: the list, the person page with the grids they serve (each with who
//! else serves there and its duty list), recording a person and placing them in grids.

use super::KindListQuery;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, Uri};
use axum::response::{IntoResponse, Redirect, Response};
use fengqiao_domain::DomainError;
use fengqiao_domain::model::{Area, Person, PersonKind, Profession};
use fengqiao_domain::rules::access::Permission;
use fengqiao_domain::services::registry::NewPerson;
use serde::Deserialize;
use uuid::Uuid;

use super::{AreaChoice, area_choices, area_label, opt, person_kind_label, profession_label};
use crate::AppState;
use crate::auth::{PageCaller, SignedIn, urlencode};
use crate::error::{PageError, PageForm};
use crate::i18n::Lang;
use crate::ui::{Base, Htmx, level_label, notice, refused, render, render_with};

const PAGE: i64 = 50;

/// One person as a list row: what they do in words, the phone masked.
pub struct PersonRow {
    pub id: Uuid,
    pub name: String,
    pub what: String,
    pub organisation: Option<String>,
    pub phone: Option<String>,
}

impl PersonRow {
    pub fn new(l: Lang, p: Person) -> Self {
        let what = match p.profession {
            Some(prof) => format!("{} · {}", person_kind_label(l, p.kind), profession_label(l, prof)),
            None => person_kind_label(l, p.kind),
        };
        PersonRow { id: p.id, name: p.name, what, organisation: p.organisation, phone: p.phone.map(|x| x.masked) }
    }
}

#[derive(Template)]
#[template(path = "people.html")]
struct ListPage {
    l: Lang,
    base: Base,
    csrf: String,
    scope_name: String,
    q: String,
    kind: String,
    kinds: Vec<(&'static str, String)>,
    professions: Vec<(&'static str, String)>,
    rows: Vec<PersonRow>,
    next_after: Option<Uuid>,
    next_link: String,
    error: Option<String>,
    can_manage: bool,
    areas: Vec<AreaChoice>,
    form: NewPersonForm,
    form_error: Option<String>,
}

#[derive(Template)]
#[template(path = "people_rows.html")]
struct ListRows {
    l: Lang,
    rows: Vec<PersonRow>,
    next_after: Option<Uuid>,
    next_link: String,
    error: Option<String>,
}


#[derive(Deserialize, Default)]
pub struct NewPersonForm {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub profession: String,
    #[serde(default)]
    pub organisation: String,
    #[serde(default)]
    pub phone: String,
    #[serde(default)]
    pub area_code: String,
    #[serde(default)]
    pub assign_to: String,
}

pub async fn list(State(state): State<AppState>, l: Lang, uri: Uri, Htmx(fragment): Htmx, SignedIn(c): SignedIn, Query(q): Query<KindListQuery>) -> Result<Response, PageError> {
    show_list(&state, l, &c, &uri, q, fragment, NewPersonForm::default(), None, StatusCode::OK).await
}

async fn show_list(state: &AppState, l: Lang, c: &PageCaller, uri: &Uri, q: KindListQuery, fragment: bool, mut form: NewPersonForm, form_error: Option<String>, status: StatusCode) -> Result<Response, PageError> {
    let s = &state.services;
    let found = match opt(&q.kind).map(|k| PersonKind::parse(&k)).transpose() {
        Ok(kind) => s.people(&c.actor, kind, opt(&q.q), q.after, PAGE).await,
        Err(e) => Err(e),
    };
    let (items, error) = match found {
        Ok(v) => (v, None),
        Err(e @ DomainError::Invalid { .. }) => (Vec::new(), Some(l.t(e.code()))),
        Err(e) => return Err(e.into()),
    };
    let next_after = (items.len() as i64 == PAGE).then(|| items.last().map(|p| p.id)).flatten();
    let rows: Vec<PersonRow> = items.into_iter().map(|p| PersonRow::new(l, p)).collect();
    let next_link = format!("/people?q={}&kind={}&after=", urlencode(&q.q), urlencode(&q.kind));
    if fragment {
        return Ok(render(&ListRows { l, rows, next_after, next_link, error }));
    }
    let home = s.home_area(&c.actor).await?;
    let can_manage = c.actor.role.has(Permission::ManagePeople);
    let areas = if can_manage { area_choices(state, c, &home, None).await } else { Vec::new() };
    if form.area_code.is_empty() && form_error.is_none() {
        form.area_code = home.code.to_string();
    }
    let page = ListPage {
        base: Base::new(Some(c), "people", &uri.to_string(), None),
        csrf: c.csrf().to_string(),
        scope_name: format!("{}（{}）", home.name, home.code),
        q: q.q,
        kind: q.kind,
        kinds: PersonKind::ALL.iter().map(|k| (k.as_str(), person_kind_label(l, *k))).collect(),
        professions: Profession::ALL.iter().map(|p| (p.as_str(), profession_label(l, *p))).collect(),
        rows,
        next_after,
        next_link,
        error,
        can_manage,
        areas,
        form,
        form_error,
        l,
    };
    Ok(render_with(status, &page))
}

pub async fn create(State(state): State<AppState>, l: Lang, uri: Uri, SignedIn(c): SignedIn, PageForm(f): PageForm<NewPersonForm>) -> Result<Response, PageError> {
    let new = NewPerson {
        name: f.name.clone(),
        kind: f.kind.clone(),
        profession: opt(&f.profession),
        organisation: opt(&f.organisation),
        phone: opt(&f.phone),
        area_code: f.area_code.trim().to_string(),
        assign_to: opt(&f.assign_to).into_iter().collect(),
    };
    match state.services.create_person(&c.actor, new).await {
        Ok(p) => Ok(Redirect::to(&format!("/people/{}?ok=person-created", p.id)).into_response()),
        // Without the permission there is no form to show the refusal beside: the error page says it.
        Err(e @ DomainError::Forbidden(_)) => Err(e.into()),
        Err(e) => match refused(&e) {
            Some(status) => show_list(&state, l, &c, &uri, KindListQuery::default(), false, f, Some(l.t(e.code())), status).await,
            None => Err(e.into()),
        },
    }
}

/// A grid (or community) the person serves, as far as the caller can see it.
pub struct ServedArea {
    pub code: String,
    pub name: String,
    pub level: String,
    /// Others serving there: (id, name, what they do).
    pub others: Vec<(Uuid, String, String)>,
    pub duties: Vec<String>,
}

#[derive(Template)]
#[template(path = "person.html")]
struct PersonPage {
    l: Lang,
    base: Base,
    csrf: String,
    p: PersonRow,
    area: Option<(String, String)>,
    /// Building and entrance heads: what they head, as (building id, words).
    is_head: bool,
    headed: Vec<(Uuid, String)>,
    served: Vec<ServedArea>,
    can_manage: bool,
    choices: Vec<AreaChoice>,
    form_code: String,
    error: Option<String>,
}

#[derive(Deserialize)]
pub struct OkQuery {
    ok: Option<String>,
}

async fn show_person(state: &AppState, l: Lang, c: &PageCaller, uri: &Uri, id: Uuid, ok: Option<&str>, form_code: String, error: Option<String>, status: StatusCode) -> Result<Response, PageError> {
    let s = &state.services;
    let (p, assignments) = s.person(&c.actor, id).await?;
    let home = s.area(&c.actor, Area::path_codes(&p.area_path).last().copied().unwrap_or_default()).await.ok();
    let mut served = Vec::new();
    for a in &assignments {
        let Some(code) = Area::path_codes(&a.area_path).last().map(|c| c.to_string()) else { continue };
        // Grids outside the caller's scope stay out of sight, as everywhere.
        let Ok(area) = s.area(&c.actor, &code).await else { continue };
        let (people, duties) = s.serving(&c.actor, &code).await?;
        let others = people.into_iter().filter(|o| o.id != p.id).map(|o| (o.id, o.name.clone(), PersonRow::new(l, o).what)).collect();
        served.push(ServedArea { code, name: area_label(state, &area).await, level: level_label(l, area.level), others, duties });
    }
    let is_head = matches!(p.kind, PersonKind::BuildingHead | PersonKind::EntranceHead);
    let headed = s
        .headed_by(&c.actor, &p)
        .await?
        .into_iter()
        .map(|(b, e)| match e {
            Some(e) => (b.id, format!("{}{} · {}", b.name, e.name, l.t("entrance-head"))),
            None => (b.id, format!("{} · {}", b.name, l.t("building-head"))),
        })
        .collect();
    let area = match home {
        Some(ref a) => Some((a.code.to_string(), area_label(state, a).await)),
        None => None,
    };
    let can_manage = c.actor.may_in(Permission::ManagePeople, &p.area_path, "error-person-not-found").is_ok();
    let mut choices = match (&home, can_manage) {
        (Some(root), true) => area_choices(state, c, root, Some(p.kind.assigned_to())).await,
        _ => Vec::new(),
    };
    choices.retain(|a| !assignments.iter().any(|x| Area::path_codes(&x.area_path).last() == Some(&a.code.as_str())));
    let page = PersonPage {
        base: Base::new(Some(c), "people", &uri.to_string(), notice(l, ok)),
        csrf: c.csrf().to_string(),
        area,
        is_head,
        headed,
        p: PersonRow::new(l, p),
        served,
        can_manage,
        choices,
        form_code,
        error,
        l,
    };
    Ok(render_with(status, &page))
}

pub async fn page(State(state): State<AppState>, l: Lang, uri: Uri, SignedIn(c): SignedIn, Path(id): Path<Uuid>, Query(q): Query<OkQuery>) -> Result<Response, PageError> {
    show_person(&state, l, &c, &uri, id, q.ok.as_deref(), String::new(), None, StatusCode::OK).await
}

#[derive(Deserialize)]
pub struct AreaForm {
    #[serde(default)]
    area_code: String,
}

pub async fn assign(State(state): State<AppState>, l: Lang, uri: Uri, SignedIn(c): SignedIn, Path(id): Path<Uuid>, PageForm(f): PageForm<AreaForm>) -> Result<Response, PageError> {
    match state.services.assign_person(&c.actor, id, f.area_code.trim()).await {
        Ok(_) => Ok(Redirect::to(&format!("/people/{id}?ok=person-assigned")).into_response()),
        Err(e) => match refused(&e) {
            Some(status) => show_person(&state, l, &c, &uri, id, None, f.area_code, Some(l.t(e.code())), status).await,
            None => Err(e.into()),
        },
    }
}

pub async fn unassign(State(state): State<AppState>, l: Lang, uri: Uri, SignedIn(c): SignedIn, Path(id): Path<Uuid>, PageForm(f): PageForm<AreaForm>) -> Result<Response, PageError> {
    match state.services.unassign_person(&c.actor, id, f.area_code.trim()).await {
        Ok(_) => Ok(Redirect::to(&format!("/people/{id}?ok=person-unassigned")).into_response()),
        Err(e) => match refused(&e) {
            Some(status) => show_person(&state, l, &c, &uri, id, None, String::new(), Some(l.t(e.code())), status).await,
            None => Err(e.into()),
        },
    }
}
