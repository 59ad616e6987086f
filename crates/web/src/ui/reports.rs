//! The report in words as a page (print styles in report.css) and as a PDF, and the mediator
//! and room figures. A period or date that cannot be read comes back on the form with the
//! reason; an area outside the caller's scope is a 404 page.

use askama::Template;
use axum::extract::{Query, State};
use axum::http::{StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use chrono::{Datelike, NaiveDate};
use fengqiao_domain::DomainError;
use fengqiao_domain::model::mediator_figures::MediatorReport;
use fengqiao_domain::services::stats::FigureQuery;
use serde::Deserialize;

use super::{Base, render_with};
use crate::AppState;
use crate::auth::{SignedIn, urlencode};
use crate::documents::report::{ReportDocument, count, rate, report_document, today};
use crate::error::PageError;
use crate::i18n::Lang;

pub fn router() -> axum::Router<AppState> {
    use axum::routing::get;
    axum::Router::new()
        .route("/reports", get(page))
        .route("/reports.pdf", get(pdf))
        .route("/figures/mediators", get(mediators))
}

#[derive(Deserialize, Default)]
pub struct ReportForm {
    #[serde(default)]
    pub area: String,
    #[serde(default)]
    pub period: String,
}

#[derive(Template)]
#[template(path = "report.html")]
struct ReportPage {
    l: Lang,
    base: Base,
    css: String,
    area: String,
    period: String,
    doc: Option<ReportDocument>,
    pdf_link: String,
    error: Option<String>,
}

fn some(s: &str) -> Option<&str> {
    Some(s.trim()).filter(|s| !s.is_empty())
}

/// Whether a refusal belongs on the form (what was typed can be corrected) rather than on an
/// error page.
fn on_form(e: &DomainError) -> bool {
    matches!(e, DomainError::Invalid { .. })
}

pub async fn page(State(state): State<AppState>, l: Lang, SignedIn(c): SignedIn, uri: Uri, Query(f): Query<ReportForm>) -> Result<Response, PageError> {
    let area = match some(&f.area) {
        Some(a) => a.to_string(),
        None => state.services.home_area(&c.actor).await?.code.to_string(),
    };
    let period = some(&f.period).map(str::to_string).unwrap_or_else(|| today(&state).year().to_string());
    let base = Base::new(Some(&c), "reports", &uri.to_string(), None);
    let css = crate::assets::url("report.css");
    let pdf_link = format!("/reports.pdf?area={}&period={}&lang={}", urlencode(&area), urlencode(&period), l.code());
    match report_document(&state, &c.actor, l, Some(&area), Some(&period), None).await {
        Ok(doc) => Ok(render_with(StatusCode::OK, &ReportPage { l, base, css, area, period, doc: Some(doc), pdf_link, error: None })),
        Err(e) if on_form(&e) => {
            let page = ReportPage { l, base, css, area, period, doc: None, pdf_link, error: Some(l.t(e.code())) };
            Ok(render_with(StatusCode::UNPROCESSABLE_ENTITY, &page))
        }
        Err(e) => Err(e.into()),
    }
}

pub async fn pdf(State(state): State<AppState>, l: Lang, SignedIn(c): SignedIn, Query(f): Query<ReportForm>) -> Result<Response, PageError> {
    let doc = report_document(&state, &c.actor, l, some(&f.area), some(&f.period), None).await?;
    let bytes = crate::documents::report_pdf(&state, &doc).await?;
    Ok(([(header::CONTENT_TYPE, "application/pdf".to_string()), (header::CONTENT_DISPOSITION, format!("inline; filename=\"{}\"", doc.file_name()))], bytes).into_response())
}

#[derive(Deserialize, Default)]
pub struct FigureForm {
    #[serde(default)]
    pub area: String,
    #[serde(default)]
    pub from: String,
    #[serde(default)]
    pub to: String,
}

pub struct MediatorRow {
    pub name: String,
    pub cases: String,
    pub concluded: String,
    pub resolved: String,
    pub by_agreement: String,
    pub success_rate: String,
    pub share: String,
}

pub struct RoomRow {
    pub name: String,
    pub cases: String,
    pub by_agreement: String,
    pub success_rate: String,
    pub city_mediations: String,
    pub city_share: String,
}

#[derive(Template)]
#[template(path = "mediator_figures.html")]
struct MediatorPage {
    l: Lang,
    base: Base,
    f: FigureForm,
    title: String,
    handled: String,
    mediators: Vec<MediatorRow>,
    rooms: Vec<RoomRow>,
    error: Option<String>,
}

fn day(field: &'static str, s: &str) -> Result<Option<NaiveDate>, DomainError> {
    match some(s) {
        None => Ok(None),
        Some(s) => NaiveDate::parse_from_str(s, "%Y-%m-%d").map(Some).map_err(|_| DomainError::invalid(field, "error-query")),
    }
}

fn rows(l: Lang, r: &MediatorReport) -> (Vec<MediatorRow>, Vec<RoomRow>) {
    let pct = |x: Option<f64>| x.map(rate).unwrap_or_else(|| "—".to_string());
    let mediators = r
        .mediators
        .iter()
        .map(|m| MediatorRow {
            name: m.name.clone(),
            cases: count(l, m.cases),
            concluded: count(l, m.concluded),
            resolved: count(l, m.resolved),
            by_agreement: count(l, m.by_agreement),
            success_rate: pct(m.success_rate),
            share: pct(m.share),
        })
        .collect();
    let rooms = r
        .rooms
        .iter()
        .map(|x| RoomRow {
            name: l.t(&format!("case-room-{}", x.room.replace('_', "-"))),
            cases: count(l, x.cases),
            by_agreement: count(l, x.by_agreement),
            success_rate: pct(x.success_rate),
            city_mediations: format!(
                "{} {}",
                count(l, x.city_mediations),
                if l == Lang::ZhCn { x.category_name_zh.clone() } else { x.category_name_en.clone() }.unwrap_or_default()
            ),
            city_share: pct(x.city_share),
        })
        .collect();
    (mediators, rooms)
}

pub async fn mediators(State(state): State<AppState>, l: Lang, SignedIn(c): SignedIn, uri: Uri, Query(f): Query<FigureForm>) -> Result<Response, PageError> {
    let base = Base::new(Some(&c), "reports", &uri.to_string(), None);
    let answer = async {
        let q = FigureQuery { area_code: some(&f.area).map(str::to_string), from: day("from", &f.from)?, to: day("to", &f.to)?, kind: None, category: None };
        state.services.mediator_figures(&c.actor, &q).await
    }
    .await;
    match answer {
        Ok(r) => {
            let (mediators, rooms) = rows(l, &r);
            let title = format!("{} · {}", r.area.name, l.t("figures-mediators-title"));
            let handled = l.t_args("figures-handled", &[("n", count(l, r.handled))]);
            let f = FigureForm { area: r.area.code.clone(), from: r.from.to_string(), to: r.to.to_string() };
            Ok(render_with(StatusCode::OK, &MediatorPage { l, base, f, title, handled, mediators, rooms, error: None }))
        }
        Err(e) if on_form(&e) => {
            let page = MediatorPage { l, base, f, title: l.t("figures-mediators-title"), handled: String::new(), mediators: vec![], rooms: vec![], error: Some(l.t(e.code())) };
            Ok(render_with(StatusCode::UNPROCESSABLE_ENTITY, &page))
        }
        Err(e) => Err(e.into()),
    }
}
