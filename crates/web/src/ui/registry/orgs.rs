//! Organisations: property companies, 红色物业 stations, social organisations and partner
//! units (共建单位) — the list, one organisation's page, and recording one.

use super::KindListQuery;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, Uri};
use axum::response::{IntoResponse, Redirect, Response};
use fengqiao_domain::DomainError;
use fengqiao_domain::model::{Area, AreaLevel, OrgKind, Organisation};
use fengqiao_domain::rules::access::Permission;
use fengqiao_domain::services::registry::NewOrganisation;
use serde::Deserialize;
use uuid::Uuid;

use super::{AreaChoice, area_choices, opt, org_kind_label};
use crate::AppState;
use crate::auth::{PageCaller, SignedIn, urlencode};
use crate::error::{PageError, PageForm};
use crate::i18n::Lang;
use crate::ui::{Base, notice, refused, render_with};

const PAGE: i64 = 50;

pub struct OrgRow {
    pub id: Uuid,
    pub name: String,
    pub kind: String,
    pub contact: Option<String>,
}

impl OrgRow {
    fn new(l: Lang, o: Organisation) -> Self {
        OrgRow { id: o.id, kind: org_kind_label(l, o.kind), name: o.name, contact: o.contact }
    }
}

#[derive(Template)]
#[template(path = "organisations.html")]
struct ListPage {
    l: Lang,
    base: Base,
    csrf: String,
    scope_name: String,
    q: String,
    kind: String,
    kinds: Vec<(&'static str, String)>,
    rows: Vec<OrgRow>,
    next_link: Option<String>,
    error: Option<String>,
    can_manage: bool,
    areas: Vec<AreaChoice>,
    form: NewOrgForm,
    form_error: Option<String>,
}


#[derive(Deserialize, Default)]
pub struct NewOrgForm {
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub area_code: String,
    #[serde(default)]
    pub contact: String,
}

pub async fn list(State(state): State<AppState>, l: Lang, uri: Uri, SignedIn(c): SignedIn, Query(q): Query<KindListQuery>) -> Result<Response, PageError> {
    show_list(&state, l, &c, &uri, q, NewOrgForm::default(), None, StatusCode::OK).await
}

async fn show_list(state: &AppState, l: Lang, c: &PageCaller, uri: &Uri, q: KindListQuery, mut form: NewOrgForm, form_error: Option<String>, status: StatusCode) -> Result<Response, PageError> {
    let s = &state.services;
    let found = match opt(&q.kind).map(|k| OrgKind::parse(&k)).transpose() {
        Ok(kind) => s.organisations(&c.actor, kind, opt(&q.q), q.after, PAGE).await,
        Err(e) => Err(e),
    };
    let (items, error) = match found {
        Ok(v) => (v, None),
        Err(e @ DomainError::Invalid { .. }) => (Vec::new(), Some(l.t(e.code()))),
        Err(e) => return Err(e.into()),
    };
    let next_link = (items.len() as i64 == PAGE)
        .then(|| items.last().map(|o| format!("/organisations?q={}&kind={}&after={}", urlencode(&q.q), urlencode(&q.kind), o.id)))
        .flatten();
    let home = s.home_area(&c.actor).await?;
    let can_manage = c.actor.role.has(Permission::ManagePeople);
    // Organisations register with a community, street or district, never a grid.
    let areas = if can_manage { area_choices(state, c, &home, None).await.into_iter().filter(|a| a.level != AreaLevel::Grid).collect() } else { Vec::new() };
    if form.area_code.is_empty() && form_error.is_none() && home.level != AreaLevel::Grid {
        form.area_code = home.code.to_string();
    }
    let page = ListPage {
        base: Base::new(Some(c), "organisations", &uri.to_string(), None),
        csrf: c.csrf().to_string(),
        scope_name: format!("{}（{}）", home.name, home.code),
        q: q.q,
        kind: q.kind,
        kinds: OrgKind::ALL.iter().map(|k| (k.as_str(), org_kind_label(l, *k))).collect(),
        rows: items.into_iter().map(|o| OrgRow::new(l, o)).collect(),
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

pub async fn create(State(state): State<AppState>, l: Lang, uri: Uri, SignedIn(c): SignedIn, PageForm(f): PageForm<NewOrgForm>) -> Result<Response, PageError> {
    let new = NewOrganisation { kind: f.kind.clone(), name: f.name.clone(), area_code: f.area_code.trim().to_string(), contact: opt(&f.contact) };
    match state.services.create_organisation(&c.actor, new).await {
        Ok(o) => Ok(Redirect::to(&format!("/organisations/{}?ok=organisation-created", o.id)).into_response()),
        // Without the permission there is no form to show the refusal beside: the error page says it.
        Err(e @ DomainError::Forbidden(_)) => Err(e.into()),
        Err(e) => match refused(&e) {
            Some(status) => show_list(&state, l, &c, &uri, KindListQuery::default(), f, Some(l.t(e.code())), status).await,
            None => Err(e.into()),
        },
    }
}

#[derive(Template)]
#[template(path = "organisation.html")]
struct OrgPage {
    l: Lang,
    base: Base,
    o: OrgRow,
    area: Option<(String, String)>,
}

#[derive(Deserialize)]
pub struct OkQuery {
    ok: Option<String>,
}

pub async fn page(State(state): State<AppState>, l: Lang, uri: Uri, SignedIn(c): SignedIn, Path(id): Path<Uuid>, Query(q): Query<OkQuery>) -> Result<Response, PageError> {
    let s = &state.services;
    let o = s.organisation(&c.actor, id).await?;
    let area = s.area(&c.actor, Area::path_codes(&o.area_path).last().copied().unwrap_or_default()).await.ok().map(|a| (a.code.to_string(), a.name));
    let page = OrgPage { base: Base::new(Some(&c), "organisations", &uri.to_string(), notice(l, q.ok.as_deref())), o: OrgRow::new(l, o), area, l };
    Ok(render_with(StatusCode::OK, &page))
}
