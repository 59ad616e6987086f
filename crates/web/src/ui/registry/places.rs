//! Household, building and estate pages.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, Uri};
use axum::response::{IntoResponse, Redirect, Response};
use fengqiao_domain::model::{Area, Estate, Relation};
use fengqiao_domain::rules::access::Permission;
use fengqiao_domain::services::registry::NewHousehold;
use serde::Deserialize;
use uuid::Uuid;

use super::heads::{HeadChoices, HeadForm};
use super::residents::NewResidentForm;
use super::{ResidentRow, relation_label};
use crate::AppState;
use crate::auth::{PageCaller, SignedIn, urlencode};
use crate::error::{PageError, PageForm};
use crate::i18n::Lang;
use crate::ui::{Base, refused, render, render_with};

#[derive(Template)]
#[template(path = "household.html")]
struct HouseholdPage {
    l: Lang,
    base: Base,
    csrf: String,
    h: fengqiao_domain::model::Household,
    building_id: Option<Uuid>,
    grid_name: String,
    rows: Vec<ResidentRow>,
    next_after: Option<Uuid>,
    next_link: String,
    can_edit: bool,
    relations: Vec<(&'static str, String)>,
    form: NewResidentForm,
    /// For the member rows (shared template); refusals of the form go to `form_error`,
    /// next to the form, so they are shown once.
    error: Option<String>,
    form_error: Option<String>,
}

async fn area_by_path(state: &AppState, c: &PageCaller, path: &str) -> Option<Area> {
    let code = Area::path_codes(path).last()?.to_string();
    state.services.area(&c.actor, &code).await.ok()
}

pub(super) async fn show_household(state: &AppState, l: Lang, c: &PageCaller, uri: &Uri, id: Uuid, form: NewResidentForm, error: Option<String>, status: StatusCode) -> Result<Response, PageError> {
    let s = &state.services;
    let (h, residents) = s.household(&c.actor, id).await?;
    let today = s.today();
    let grid_name = area_by_path(state, c, &h.area_path).await.map(|a| a.name).unwrap_or_default();
    let page = HouseholdPage {
        base: Base::new(Some(c), "residents", &uri.to_string(), None),
        csrf: c.csrf().to_string(),
        building_id: h.building_id,
        grid_name,
        rows: residents.into_iter().map(|r| ResidentRow::new(l, r, today)).collect(),
        next_after: None,
        next_link: String::new(),
        can_edit: c.actor.role.has(Permission::ManageRegistry),
        relations: Relation::ALL.iter().map(|r| (r.as_str(), relation_label(l, *r))).collect(),
        form,
        error: None,
        form_error: error,
        h,
        l,
    };
    Ok(render_with(status, &page))
}

pub async fn household(State(state): State<AppState>, l: Lang, uri: Uri, SignedIn(c): SignedIn, Path(id): Path<Uuid>) -> Result<Response, PageError> {
    show_household(&state, l, &c, &uri, id, NewResidentForm::default(), None, StatusCode::OK).await
}

pub struct HouseholdLink {
    pub id: Uuid,
    pub room: String,
    pub members: String,
}

pub struct EntranceBlock {
    pub id: Uuid,
    pub name: String,
    /// The 单元长: (person id, name).
    pub head: Option<(Uuid, String)>,
    pub households: Vec<HouseholdLink>,
}

#[derive(Template)]
#[template(path = "building.html")]
struct BuildingPage {
    l: Lang,
    base: Base,
    csrf: String,
    b: fengqiao_domain::model::Building,
    estate: Option<Estate>,
    grid_code: String,
    grid_name: String,
    head: Option<(Uuid, String)>,
    entrances: Vec<EntranceBlock>,
    loose: Vec<HouseholdLink>,
    can_edit: bool,
    error: Option<String>,
    heads: HeadChoices,
    head_form: HeadForm,
    head_error: Option<String>,
}

/// A head as shown: read from the store directly, because a head (a building's own resident)
/// is shown to whoever may see the building.
async fn person_link(state: &AppState, id: Option<Uuid>) -> Option<(Uuid, String)> {
    state.services.store.person_by_id(id?).await.ok().flatten().map(|p| (p.id, p.name))
}

/// The building page; `error` belongs to the new-household form, `head_error` to the heads form.
pub(super) async fn show_building(state: &AppState, l: Lang, c: &PageCaller, uri: &Uri, id: Uuid, error: Option<String>, head_form: HeadForm, head_error: Option<String>, status: StatusCode) -> Result<Response, PageError> {
    let v = state.services.building(&c.actor, id).await?;
    let can_edit = c.actor.may_in(Permission::ManageRegistry, &v.building.area_path, "error-building-not-found").is_ok();
    let heads = if can_edit { super::heads::choices(state, c, &v).await? } else { HeadChoices::default() };
    let ok = uri.query().and_then(|q| q.split('&').find_map(|kv| kv.strip_prefix("ok=")));
    let grid = area_by_path(state, c, &v.building.area_path).await;
    let link = |h: &fengqiao_domain::model::Household, n: usize| HouseholdLink {
        id: h.id,
        room: h.room.clone().unwrap_or_else(|| h.address.clone()),
        members: l.t_args("household-count", &[("n", n.to_string())]),
    };
    let mut entrances = Vec::new();
    for e in &v.entrances {
        entrances.push(EntranceBlock {
            id: e.id,
            name: e.name.clone(),
            head: person_link(state, e.head_person_id).await,
            households: v.households.iter().filter(|(h, _)| h.entrance_id == Some(e.id)).map(|(h, rs)| link(h, rs.len())).collect(),
        });
    }
    let loose = v.households.iter().filter(|(h, _)| h.entrance_id.is_none()).map(|(h, rs)| link(h, rs.len())).collect();
    let page = BuildingPage {
        base: Base::new(Some(c), "estates", &uri.to_string(), crate::ui::notice(l, ok)),
        csrf: c.csrf().to_string(),
        grid_code: grid.as_ref().map(|g| g.code.to_string()).unwrap_or_default(),
        grid_name: grid.map(|g| g.name).unwrap_or_default(),
        head: person_link(state, v.building.head_person_id).await,
        estate: v.estate,
        b: v.building,
        entrances,
        loose,
        can_edit,
        error,
        heads,
        head_form,
        head_error,
        l,
    };
    Ok(render_with(status, &page))
}

pub async fn building(State(state): State<AppState>, l: Lang, uri: Uri, SignedIn(c): SignedIn, Path(id): Path<Uuid>) -> Result<Response, PageError> {
    show_building(&state, l, &c, &uri, id, None, HeadForm::default(), None, StatusCode::OK).await
}

#[derive(Deserialize)]
pub struct NewHouseholdForm {
    entrance_id: Option<Uuid>,
    room: String,
}

pub async fn create_household(State(state): State<AppState>, l: Lang, uri: Uri, SignedIn(c): SignedIn, Path(id): Path<Uuid>, PageForm(f): PageForm<NewHouseholdForm>) -> Result<Response, PageError> {
    let new = NewHousehold { building_id: Some(id), entrance_id: f.entrance_id, room: Some(f.room), grid_code: None, address: None };
    match state.services.create_household(&c.actor, new).await {
        Ok(h) => Ok(Redirect::to(&format!("/households/{}", h.id)).into_response()),
        Err(e) => match refused(&e) {
            Some(status) => show_building(&state, l, &c, &uri, id, Some(l.t(e.code())), HeadForm::default(), None, status).await,
            None => Err(e.into()),
        },
    }
}

#[derive(Template)]
#[template(path = "estates.html")]
struct EstatesPage {
    l: Lang,
    base: Base,
    title: String,
    estate: Option<Estate>,
    station: Option<String>,
    company: Option<String>,
    q: String,
    items: Vec<(String, String, String)>,
    empty: String,
    next_link: Option<String>,
}

#[derive(Deserialize, Default)]
pub struct ListQuery {
    #[serde(default)]
    q: String,
    #[serde(default)]
    area: String,
    after: Option<Uuid>,
}

const PAGE: i64 = 50;

pub async fn estates(State(state): State<AppState>, l: Lang, uri: Uri, SignedIn(c): SignedIn, Query(q): Query<ListQuery>) -> Result<Response, PageError> {
    let text = Some(q.q.trim().to_string()).filter(|t| !t.is_empty());
    let list = state.services.estates(&c.actor, text, q.after, PAGE).await?;
    let next_link = (list.len() as i64 == PAGE).then(|| list.last().map(|e| format!("/estates?q={}&after={}", urlencode(&q.q), e.id))).flatten();
    let page = EstatesPage {
        base: Base::new(Some(&c), "estates", &uri.to_string(), None),
        title: l.t("nav-estates"),
        estate: None,
        station: None,
        company: None,
        q: q.q,
        items: list.into_iter().map(|e| (format!("/estates/{}", e.id), e.name, e.address)).collect(),
        empty: l.t("estates-empty"),
        next_link,
        l,
    };
    Ok(render(&page))
}

pub async fn estate(State(state): State<AppState>, l: Lang, uri: Uri, SignedIn(c): SignedIn, Path(id): Path<Uuid>) -> Result<Response, PageError> {
    let s = &state.services;
    let e = s.estate(&c.actor, id).await?;
    let buildings = s.buildings(&c.actor, None, Some(e.id), None, None, 200).await?;
    let org = |id: Option<Uuid>| async move { s.store.organisation_by_id(id?).await.ok().flatten().map(|o| o.name) };
    let page = EstatesPage {
        base: Base::new(Some(&c), "estates", &uri.to_string(), None),
        title: e.name.clone(),
        station: org(e.property_station_id).await,
        company: org(e.property_company_id).await,
        estate: Some(e),
        q: String::new(),
        items: buildings
            .into_iter()
            .map(|b| (format!("/buildings/{}", b.id), b.name, b.floors.map(|f| l.t_args("floors-count", &[("n", f.to_string())])).unwrap_or_default()))
            .collect(),
        empty: l.t("estate-no-buildings"),
        next_link: None,
        l,
    };
    Ok(render(&page))
}

#[derive(Template)]
#[template(path = "households.html")]
struct HouseholdsPage {
    l: Lang,
    base: Base,
    scope_name: String,
    area: String,
    q: String,
    items: Vec<fengqiao_domain::model::Household>,
    next_link: Option<String>,
}

pub async fn households(State(state): State<AppState>, l: Lang, uri: Uri, SignedIn(c): SignedIn, Query(q): Query<ListQuery>) -> Result<Response, PageError> {
    let s = &state.services;
    let area = Some(q.area.trim().to_string()).filter(|a| !a.is_empty());
    let scope = match &area {
        Some(code) => s.area(&c.actor, code).await?,
        None => s.home_area(&c.actor).await?,
    };
    let text = Some(q.q.trim().to_string()).filter(|t| !t.is_empty());
    let items = s.households(&c.actor, area.as_deref(), text, q.after, PAGE).await?;
    let next_link = (items.len() as i64 == PAGE)
        .then(|| items.last().map(|h| format!("/households?area={}&q={}&after={}", urlencode(&q.area), urlencode(&q.q), h.id)))
        .flatten();
    let page = HouseholdsPage {
        base: Base::new(Some(&c), "residents", &uri.to_string(), None),
        scope_name: format!("{}（{}）", scope.name, scope.code),
        area: q.area,
        q: q.q,
        items,
        next_link,
        l,
    };
    Ok(render(&page))
}
