//! An area's map: its children drawn from their imported boundaries (ECharts, our own GeoJSON,
//! no tiles), a table of the same areas for screen readers and small phones, and the
//! boundary upload for those who manage areas. ECharts is loaded only when there is
//! something to draw.

use askama::Template;
use axum::extract::multipart::MultipartRejection;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::{StatusCode, Uri};
use axum::response::{IntoResponse, Redirect, Response};
use fengqiao_domain::DomainError;
use fengqiao_domain::model::Area;
use fengqiao_domain::rules::access::Permission;
use serde::Deserialize;

use super::{Base, level_label, render_with};
use crate::AppState;
use crate::api::boundaries::{FeatureProblem, feature_problems, geojson_response};
use crate::auth::{PageCaller, SignedIn};
use crate::error::PageError;
use crate::i18n::Lang;

/// Problems listed on the page; a file with thousands of bad features needs fixing at the
/// source, and the first hundred show what kind of fix.
const SHOWN_PROBLEMS: usize = 100;

pub struct ProblemLine {
    /// "Feature 3": counted from 1, as people count.
    pub place: String,
    pub code: Option<String>,
    pub message: String,
    pub detail: Option<String>,
}

pub struct Row {
    pub code: String,
    pub name: String,
    pub href: String,
    pub has_boundary: bool,
}

#[derive(Template)]
#[template(path = "area_map.html")]
struct MapPage {
    l: Lang,
    base: Base,
    csrf: String,
    area: Area,
    trail: Vec<Area>,
    title: String,
    children_title: String,
    rows: Vec<Row>,
    drawn: usize,
    /// Set only when something is drawn, so pages without a map never load ECharts.
    scripts: Option<(String, String)>,
    can_import: bool,
    code_property: String,
    error: Option<String>,
    problems: Vec<ProblemLine>,
    more_problems: Option<String>,
    map_aria: String,
}

#[derive(Deserialize)]
pub struct MapQuery {
    ok: Option<String>,
}

/// What to show with the page: a notice after a redirect, or what the upload form sent
/// back and why it was refused.
#[derive(Default)]
struct Outcome {
    notice: Option<String>,
    code_property: String,
    error: Option<String>,
    problems: Vec<FeatureProblem>,
}

async fn show(state: &AppState, l: Lang, c: &PageCaller, current: &str, code: &str, outcome: Outcome, status: StatusCode) -> Result<Response, PageError> {
    let m = state.services.area_map(&c.actor, code).await?;
    let trail = state.services.area_trail(&c.actor, &m.area).await?;
    let rows: Vec<Row> = m
        .children
        .iter()
        .map(|a| Row {
            code: a.code.to_string(),
            name: a.name.clone(),
            href: if a.level.child().is_some() { format!("/areas/{}/map", a.code) } else { format!("/areas/{}", a.code) },
            has_boundary: a.boundary.is_some(),
        })
        .collect();
    let drawn = rows.iter().filter(|r| r.has_boundary).count();
    let scripts = (drawn > 0).then(|| (crate::assets::url("vendor/echarts/dist/echarts.min.js"), crate::assets::url("map.js")));
    let more = outcome.problems.len().saturating_sub(SHOWN_PROBLEMS);
    let more_problems = (more > 0).then(|| l.t_args("boundary-import-more", &[("count", more.to_string())]));
    let problems = outcome
        .problems
        .into_iter()
        .take(SHOWN_PROBLEMS)
        .map(|p| ProblemLine {
            place: l.t_args("boundary-import-feature", &[("n", (p.index + 1).to_string())]),
            code: p.code,
            message: p.message,
            detail: p.detail,
        })
        .collect();
    let page = MapPage {
        base: Base::new(Some(c), "areas", current, outcome.notice),
        csrf: c.csrf().to_string(),
        title: l.t_args("map-title", &[("name", m.area.name.clone())]),
        map_aria: l.t_args("map-aria", &[("name", m.area.name.clone())]),
        children_title: m.area.level.child().map(|lv| level_label(l, lv)).unwrap_or_else(|| l.t("level-none")),
        can_import: c.actor.role.has(Permission::ManageAreas),
        code_property: outcome.code_property,
        error: outcome.error,
        more_problems,
        problems,
        drawn,
        scripts,
        rows,
        trail,
        area: m.area,
        l,
    };
    Ok(render_with(status, &page))
}

pub async fn page(State(state): State<AppState>, l: Lang, uri: Uri, SignedIn(c): SignedIn, Path(code): Path<String>, Query(q): Query<MapQuery>) -> Result<Response, PageError> {
    let outcome = Outcome { notice: super::notice(l, q.ok.as_deref()), ..Outcome::default() };
    show(&state, l, &c, &uri.to_string(), &code, outcome, StatusCode::OK).await
}

/// The GeoJSON `static/map.js` draws; the same document as `GET /api/v1/areas/{code}/map`,
/// under the browser session instead of a bearer token.
pub async fn data(State(state): State<AppState>, SignedIn(c): SignedIn, Path(code): Path<String>) -> Result<Response, PageError> {
    Ok(geojson_response(&state.services.area_map(&c.actor, &code).await?))
}

/// The file and the optional property name from the upload form. A form this small is read
/// whole; the route's body limit bounds the file.
async fn read_upload(mut form: Multipart) -> Result<(Option<Vec<u8>>, String), DomainError> {
    let (mut file, mut property) = (None, String::new());
    let broken = |e: axum::extract::multipart::MultipartError| {
        let key = if e.status() == StatusCode::PAYLOAD_TOO_LARGE { "error-too-large" } else { "error-boundary-upload" };
        DomainError::invalid("file", key)
    };
    while let Some(field) = form.next_field().await.map_err(broken)? {
        match field.name() {
            Some("file") => file = Some(field.bytes().await.map_err(broken)?.to_vec()).filter(|b| !b.is_empty()),
            Some("code_property") => property = field.text().await.map_err(broken)?,
            _ => {}
        }
    }
    Ok((file, property))
}

pub async fn upload(State(state): State<AppState>, l: Lang, SignedIn(c): SignedIn, Path(code): Path<String>, form: Result<Multipart, MultipartRejection>) -> Result<Response, PageError> {
    // The map page is the place to come back to, so it must be one the caller may see.
    state.services.area(&c.actor, &code).await?;
    let mut outcome = Outcome::default();
    // The language switch must lead back to the map, not to this POST-only address.
    let current = format!("/areas/{code}/map");
    let refused = |outcome: Outcome, status| show(&state, l, &c, &current, &code, outcome, status);
    let read = match form {
        Ok(form) => read_upload(form).await,
        Err(_) => Err(DomainError::invalid("file", "error-boundary-upload")),
    };
    let (file, property) = match read {
        Ok(v) => v,
        Err(e) => return refused(Outcome { error: Some(l.t(e.code())), ..outcome }, StatusCode::BAD_REQUEST).await,
    };
    outcome.code_property = property.trim().to_string();
    let Some(bytes) = file else {
        return refused(Outcome { error: Some(l.t("error-boundary-no-file")), ..outcome }, StatusCode::UNPROCESSABLE_ENTITY).await;
    };
    // GeoJSON exported on Windows often starts with a byte-order mark, which JSON forbids.
    let text = bytes.strip_prefix("\u{feff}".as_bytes()).unwrap_or(&bytes);
    let Ok(geojson) = serde_json::from_slice::<serde_json::Value>(text) else {
        return refused(Outcome { error: Some(l.t("error-boundary-json")), ..outcome }, StatusCode::UNPROCESSABLE_ENTITY).await;
    };
    let property = Some(outcome.code_property.as_str()).filter(|p| !p.is_empty());
    match state.services.import_boundaries(&c.actor, geojson, property).await {
        Ok(report) if report.written => Ok(Redirect::to(&format!("/areas/{code}/map?ok=boundaries-imported")).into_response()),
        Ok(report) => {
            outcome.error = Some(l.t_args("boundary-import-problems", &[("count", report.problems.len().to_string())]));
            outcome.problems = feature_problems(l, &report);
            refused(outcome, StatusCode::UNPROCESSABLE_ENTITY).await
        }
        Err(e) => match super::refused(&e) {
            Some(status) => refused(Outcome { error: Some(l.t(e.code())), ..outcome }, status).await,
            None => Err(e.into()),
        },
    }
}
