//! The dashboard (数据驾驶舱): an area's case figures for a period, with charts, their tables,
//! a map shaded by open or overdue cases, and a drill-down into child areas; and the same
//! figures as a dark full-screen page for a wall display.

mod period;
mod view;

use askama::Template;
use axum::Router;
use axum::extract::{Query, State};
use axum::http::{StatusCode, Uri};
use axum::response::Response;
use axum::routing::get;
use fengqiao_domain::DomainError;
use fengqiao_domain::model::Area;
use fengqiao_domain::model::case::CaseKind;
use fengqiao_domain::model::stats::CaseFigures;
use fengqiao_domain::rules::access::Permission;
use fengqiao_domain::rules::calendar::local_date;
use fengqiao_domain::services::stats::FigureQuery;
use serde::Deserialize;

use super::{Base, render_with};
use crate::AppState;
use crate::auth::{PageCaller, SignedIn};
use crate::error::PageError;
use crate::i18n::Lang;
use period::PRESETS;
use view::View;

pub fn router() -> Router<AppState> {
    Router::new().route("/dashboard", get(page)).route("/dashboard/screen", get(screen))
}

/// Whether the navigation offers the dashboard: to the offices that read figures. Grid
/// workers and mediators may still open their own area's from its link.
pub fn in_nav(c: &PageCaller) -> bool {
    use fengqiao_domain::model::Role::*;
    c.actor.role.has(Permission::ViewCases) && !matches!(c.actor.role, GridWorker | Mediator | LegalAdviser)
}

/// Everything arrives as text: a typo in a date comes back on the page with its reason.
#[derive(Deserialize, Default)]
pub struct DashQuery {
    area: Option<String>,
    period: Option<String>,
    from: Option<String>,
    to: Option<String>,
    kind: Option<String>,
}

/// The picker as the page shows it again.
pub struct Picker {
    pub area: String,
    pub preset: String,
    pub from: String,
    pub to: String,
    pub kind: String,
    pub presets: Vec<(&'static str, String)>,
    pub kinds: Vec<(&'static str, String)>,
    /// The areas one may switch to from here: the way up from one's home area, then the
    /// current area's children.
    pub areas: Vec<(String, String)>,
}

/// What both pages show once the figures are in.
pub struct Shown {
    pub figures: CaseFigures,
    pub view: View,
    pub heading: String,
    pub period_text: String,
    /// The same page's query without the area, for links to other areas and the big screen.
    pub keep: String,
}

impl Shown {
    /// Whether the map has something to draw; the big screen fills its place otherwise.
    pub fn map_drawn(&self) -> bool {
        self.view.map.as_ref().is_some_and(|m| m.drawn > 0)
    }
}

struct Outcome {
    picker: Picker,
    shown: Result<Shown, String>,
    trail: Vec<Area>,
    status: StatusCode,
}

fn kind_of(text: Option<&str>) -> Result<Option<CaseKind>, DomainError> {
    match text.map(str::trim).filter(|k| !k.is_empty()) {
        None => Ok(None),
        Some(k) => CaseKind::ALL.iter().copied().find(|c| c.as_str() == k).map(Some).ok_or(DomainError::invalid("kind", "error-dashboard-kind")),
    }
}

async fn load(state: &AppState, l: Lang, c: &PageCaller, q: &DashQuery) -> Result<Outcome, PageError> {
    let s = &state.services;
    let today = local_date(s.clock.now());
    let area = match q.area.as_deref().map(str::trim).filter(|a| !a.is_empty()) {
        Some(code) => s.area(&c.actor, code).await?,
        None => s.home_area(&c.actor).await?,
    };
    let trail = s.area_trail(&c.actor, &area).await?;
    let children = s.area_children(&c.actor, area.code.as_str(), false).await?;
    let mut picker = Picker {
        area: area.code.to_string(),
        // A refused form shows again what was asked for: typed dates are 自定义, not the first choice.
        preset: period::preset_of(q.period.as_deref(), q.from.as_deref(), q.to.as_deref()).unwrap_or_default().to_string(),
        from: q.from.clone().unwrap_or_default(),
        to: q.to.clone().unwrap_or_default(),
        kind: q.kind.clone().unwrap_or_default(),
        presets: PRESETS.iter().map(|p| (*p, l.t(&format!("dashboard-period-{p}")))).collect(),
        kinds: CaseKind::ALL.iter().map(|k| (k.as_str(), super::cases::label(l, "case-kind", k.as_str()))).collect(),
        areas: trail.iter().chain(children.iter()).map(|a| (a.code.to_string(), a.name.clone())).collect(),
    };
    let refused = |picker, e: DomainError, trail| Ok(Outcome { picker, shown: Err(l.t(e.code())), trail, status: StatusCode::UNPROCESSABLE_ENTITY });
    let (period, kind) = match (period::parse(q.period.as_deref(), q.from.as_deref(), q.to.as_deref(), today), kind_of(q.kind.as_deref())) {
        (Ok(p), Ok(k)) => (p, k),
        (Err(e), _) | (_, Err(e)) => return refused(picker, e, trail),
    };
    let query = FigureQuery { area_code: Some(area.code.to_string()), from: period.from, to: period.to, kind, category: None };
    let figures = match s.case_figures(&c.actor, &query).await {
        Ok(f) => f,
        Err(e @ DomainError::Invalid { .. }) => return refused(picker, e, trail),
        Err(e) => return Err(e.into()),
    };
    picker.preset = period.preset.to_string();
    picker.from = figures.from.to_string();
    picker.to = figures.to.to_string();
    let mut keep = period.query();
    if let Some(k) = kind {
        keep.push_str(&format!("&kind={}", k.as_str()));
    }
    let trend = s.case_trend(&c.actor, &figures).await?;
    let open = s.case_open_by_child(&c.actor, &figures).await?;
    let settings = s.case_settings().await?;
    let extras = view::Extras { trend: &trend, open: &open, children: &children, categories: &settings.categories, keep: &keep };
    let view = view::build(l, &figures, &extras);
    let kind_text = kind.map(|k| super::cases::label(l, "case-kind", k.as_str())).unwrap_or_else(|| l.t("dashboard-all-kinds"));
    let shown = Shown {
        heading: l.t_args("dashboard-heading", &[("area", figures.area.name.clone())]),
        period_text: l.t_args("dashboard-period-text", &[("from", date(l, figures.from)), ("to", date(l, figures.to)), ("kind", kind_text)]),
        view,
        figures,
        keep,
    };
    Ok(Outcome { picker, shown: Ok(shown), trail, status: StatusCode::OK })
}

fn date(l: Lang, d: chrono::NaiveDate) -> String {
    match l {
        Lang::ZhCn => d.format("%Y年%m月%d日").to_string(),
        Lang::En => d.to_string(),
    }
}

fn scripts() -> (String, String) {
    (crate::assets::url("vendor/echarts/dist/echarts.min.js"), crate::assets::url("dashboard.js"))
}

#[derive(Template)]
#[template(path = "dashboard.html")]
struct DashboardPage {
    l: Lang,
    base: Base,
    picker: Picker,
    shown: Option<Shown>,
    error: Option<String>,
    trail: Vec<Area>,
    scripts: (String, String),
}

pub async fn page(State(state): State<AppState>, l: Lang, uri: Uri, SignedIn(c): SignedIn, Query(q): Query<DashQuery>) -> Result<Response, PageError> {
    let o = load(&state, l, &c, &q).await?;
    let (shown, error) = match o.shown {
        Ok(s) => (Some(s), None),
        Err(e) => (None, Some(e)),
    };
    let page = DashboardPage { base: Base::new(Some(&c), "dashboard", &uri.to_string(), None), picker: o.picker, shown, error, trail: o.trail, scripts: scripts(), l };
    Ok(render_with(o.status, &page))
}

#[derive(Template)]
#[template(path = "dashboard_screen.html")]
struct ScreenPage {
    l: Lang,
    picker: Picker,
    shown: Option<Shown>,
    error: Option<String>,
    updated: String,
    css: String,
    screen_js: String,
    scripts: (String, String),
}

/// The wall display: no navigation, dark, large numerals; `screen.js` fetches the page again
/// every minute and swaps the figures in, and without JavaScript a meta refresh does.
pub async fn screen(State(state): State<AppState>, l: Lang, SignedIn(c): SignedIn, Query(q): Query<DashQuery>) -> Result<Response, PageError> {
    let o = load(&state, l, &c, &q).await?;
    let (shown, error) = match o.shown {
        Ok(s) => (Some(s), None),
        Err(e) => (None, Some(e)),
    };
    let page = ScreenPage {
        updated: l.datetime(&state.services.clock.now()),
        css: crate::assets::url("screen.css"),
        screen_js: crate::assets::url("screen.js"),
        picker: o.picker,
        shown,
        error,
        scripts: scripts(),
        l,
    };
    Ok(render_with(o.status, &page))
}
