//! The area browser: breadcrumbs, children, and (for those allowed) create, rename, move,
//! retire and restore.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, Uri};
use axum::response::{IntoResponse, Redirect, Response};
use fengqiao_domain::DomainError;
use fengqiao_domain::model::Area;
use fengqiao_domain::services::{AreaChange, NewArea};
use serde::Deserialize;

use super::{Base, level_label, refused, render_with};
use crate::AppState;
use crate::auth::{PageCaller, SignedIn};
use crate::error::{PageError, PageForm};
use crate::i18n::Lang;

#[derive(Template)]
#[template(path = "areas.html")]
struct AreaPage {
    l: Lang,
    base: Base,
    csrf: String,
    area: Area,
    trail: Vec<Area>,
    level_label: String,
    updated: String,
    children: Vec<Area>,
    children_title: String,
    empty_text: String,
    show_retired_link: bool,
    can_create: bool,
    create_title: String,
    can_change: bool,
    can_registry: bool,
    /// Who serves this area (name, what they do) and, for a grid, its duty list.
    serving: Vec<(uuid::Uuid, String, String)>,
    duties: Vec<String>,
    /// A grid's buildings: the addresses it answers for.
    buildings: Vec<(uuid::Uuid, String, String)>,
    form_code: String,
    form_name: String,
    error: Option<String>,
}

pub async fn home(State(state): State<AppState>, SignedIn(c): SignedIn) -> Result<Redirect, PageError> {
    let home = state.services.home_area(&c.actor).await?;
    Ok(Redirect::to(&format!("/areas/{}", home.code)))
}

#[derive(Deserialize)]
pub struct AreaQuery {
    retired: Option<String>,
    ok: Option<String>,
}

struct Draft {
    code: String,
    name: String,
    error: Option<String>,
}

async fn show(state: &AppState, l: Lang, c: &PageCaller, uri: &Uri, code: &str, include_retired: bool, ok: Option<&str>, draft: Draft, status: StatusCode) -> Result<Response, PageError> {
    let s = &state.services;
    let area = s.area(&c.actor, code).await?;
    let trail = s.area_trail(&c.actor, &area).await?;
    let children = s.area_children(&c.actor, code, include_retired).await?;
    let child_level = area.level.child();
    let can_create = child_level.is_some() && c.actor.may_create_under(&area).is_ok() && !area.retired;
    let can_registry = c.actor.role.has(fengqiao_domain::rules::access::Permission::ViewRegistry);
    let (people, duties) = if can_registry { s.serving(&c.actor, code).await? } else { (Vec::new(), Vec::new()) };
    let buildings = if can_registry && area.level == fengqiao_domain::model::AreaLevel::Grid {
        s.buildings(&c.actor, Some(code), None, None, None, 200).await?.into_iter().map(|b| (b.id, b.name, b.address)).collect()
    } else {
        Vec::new()
    };
    let serving = people
        .into_iter()
        .map(|p| {
            let what = match p.profession {
                Some(prof) => format!("{} · {}", l.t(&format!("profession-{}", prof.as_str())), p.organisation.unwrap_or_default()),
                None => l.t(&format!("person-{}", p.kind.as_str().replace('_', "-"))),
            };
            (p.id, p.name, what)
        })
        .collect();
    let page = AreaPage {
        base: Base::new(Some(c), "areas", &uri.to_string(), super::notice(l, ok)),
        csrf: c.csrf().to_string(),
        level_label: level_label(l, area.level),
        updated: l.datetime(&area.updated_at),
        children_title: child_level.map(|lv| level_label(l, lv)).unwrap_or_else(|| l.t("level-none")),
        empty_text: if child_level.is_some() { l.t("area-no-children") } else { l.t("area-grid-leaf") },
        show_retired_link: !include_retired && child_level.is_some(),
        can_create,
        create_title: child_level.map(|lv| l.t_args("area-create-title", &[("level", level_label(l, lv))])).unwrap_or_default(),
        can_change: c.actor.may_change_area(&area).is_ok(),
        can_registry,
        serving,
        duties,
        buildings,
        form_code: draft.code,
        form_name: draft.name,
        error: draft.error,
        trail,
        children,
        area,
        l,
    };
    Ok(render_with(status, &page))
}

pub async fn page(State(state): State<AppState>, l: Lang, uri: Uri, SignedIn(c): SignedIn, Path(code): Path<String>, Query(q): Query<AreaQuery>) -> Result<Response, PageError> {
    let empty = Draft { code: String::new(), name: String::new(), error: None };
    show(&state, l, &c, &uri, &code, q.retired.is_some(), q.ok.as_deref(), empty, StatusCode::OK).await
}

#[derive(Deserialize)]
pub struct CreateForm {
    code: String,
    name: String,
}

pub async fn create_child(State(state): State<AppState>, l: Lang, uri: Uri, SignedIn(c): SignedIn, Path(code): Path<String>, PageForm(f): PageForm<CreateForm>) -> Result<Response, PageError> {
    let new = NewArea { parent_code: code.clone(), code: f.code.clone(), name: f.name.clone(), boundary: None };
    match state.services.create_area(&c.actor, new).await {
        Ok(area) => Ok(Redirect::to(&format!("/areas/{}?ok=area-created", area.code)).into_response()),
        Err(e) => match refused(&e) {
            Some(status) => {
                let draft = Draft { code: f.code, name: f.name, error: Some(l.t(e.code())) };
                show(&state, l, &c, &uri, &code, false, None, draft, status).await
            }
            None => Err(e.into()),
        },
    }
}

#[derive(Deserialize)]
pub struct ChangeForm {
    op: String,
    version: i64,
    name: Option<String>,
    parent_code: Option<String>,
}

pub async fn change(State(state): State<AppState>, l: Lang, uri: Uri, SignedIn(c): SignedIn, Path(code): Path<String>, PageForm(f): PageForm<ChangeForm>) -> Result<Response, PageError> {
    let mut change = AreaChange { version: f.version, ..Default::default() };
    match f.op.as_str() {
        "rename" => change.name = f.name,
        "move" => change.parent_code = f.parent_code.map(|p| p.trim().to_string()),
        "retire" => change.retired = Some(true),
        "restore" => change.retired = Some(false),
        _ => return Err(DomainError::invalid("op", "error-bad-request").into()),
    }
    match state.services.change_area(&c.actor, &code, change).await {
        Ok(area) => Ok(Redirect::to(&format!("/areas/{}?ok=area-updated", area.code)).into_response()),
        Err(e) => match refused(&e) {
            Some(status) => {
                let draft = Draft { code: String::new(), name: String::new(), error: Some(l.t(e.code())) };
                show(&state, l, &c, &uri, &code, false, None, draft, status).await
            }
            None => Err(e.into()),
        },
    }
}
