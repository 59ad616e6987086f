//! Reports in words over the API: an area's report for a period, worded in the request's
//! language (`lang`, else Accept-Language), with the figures it was written from.

use axum::Json;
use axum::extract::State;
use fengqiao_domain::services::reports::ReportPeriod;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::AppState;
use crate::auth::ApiCaller;
use crate::documents::report::{ReportDocument, report_document};
use crate::error::{ApiError, ApiPath, ApiQuery, Problem};
use crate::i18n::Lang;

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ReportQuery {
    /// The area's code; the caller's home area when absent. Outside the caller's scope: 404.
    pub area: Option<String>,
    /// `2024` (a year), `2024-Q1` (a quarter) or `2024-03` (a month); this year when absent.
    /// A period not yet over is reported to date; one not yet begun is refused (422).
    #[param(example = "2024", pattern = "^[0-9]{4}(-([Qq][1-4]|0[1-9]|1[0-2]))?$")]
    pub period: Option<String>,
    /// The language of the sentences: `zh-CN` (default) or `en`; else Accept-Language.
    #[param(example = "en")]
    #[allow(dead_code)] // read by the `Lang` extractor; here so the document lists it
    pub lang: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct ReportSectionView {
    /// The section's name: `cases`; later modules add theirs.
    pub id: String,
    pub heading: String,
    pub sentences: Vec<String>,
    #[schema(value_type = Object)]
    pub figures: serde_json::Value,
}

#[derive(Serialize, ToSchema)]
pub struct ReportView {
    #[schema(example = "新城区2024年基层治理工作情况")]
    pub title: String,
    /// The language the sentences are in.
    #[schema(example = "zh-CN")]
    pub lang: String,
    pub area_code: String,
    pub area_name: String,
    pub period: ReportPeriod,
    #[schema(example = "2024年")]
    pub period_label: String,
    pub dateline: String,
    /// Every section's sentences, in reading order.
    #[schema(example = json!(["2024年，全区共排查矛盾纠纷案件3413件，已化解3232件，化解率达到94.69%。"]))]
    pub sentences: Vec<String>,
    /// The figures behind the sentences: for one section, its figures; for the whole
    /// report, each section's under its name.
    #[schema(value_type = Object)]
    pub figures: serde_json::Value,
    pub sections: Vec<ReportSectionView>,
}

fn view(doc: ReportDocument, single: bool) -> ReportView {
    let figures = if single {
        doc.sections.first().map(|s| s.figures.clone()).unwrap_or_default()
    } else {
        serde_json::Value::Object(doc.sections.iter().map(|s| (s.id.to_string(), s.figures.clone())).collect())
    };
    ReportView {
        title: doc.title,
        lang: doc.lang.code().to_string(),
        area_code: doc.area_code,
        area_name: doc.area_name,
        period: doc.period,
        period_label: doc.period_label,
        dateline: doc.dateline,
        sentences: doc.sections.iter().flat_map(|s| s.sentences.iter().cloned()).collect(),
        figures,
        sections: doc
            .sections
            .into_iter()
            .map(|s| ReportSectionView { id: s.id.to_string(), heading: s.heading, sentences: s.sentences, figures: s.figures })
            .collect(),
    }
}

/// The whole report: every section the caller may read.
#[utoipa::path(get, path = "/api/v1/reports", tag = "reports", security(("bearer" = [])), params(ReportQuery),
    responses((status = 200, body = ReportView), (status = 400, body = Problem, content_type = "application/problem+json"),
        (status = 401, body = Problem, content_type = "application/problem+json"), (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn whole(State(state): State<AppState>, caller: ApiCaller, lang: Lang, ApiQuery(q): ApiQuery<ReportQuery>) -> Result<Json<ReportView>, ApiError> {
    let doc = report_document(&state, &caller.actor, lang, q.area.as_deref(), q.period.as_deref(), None).await?;
    Ok(Json(view(doc, false)))
}

/// One section of the report (`cases`: disputes, demands, hazards, rooms, timeliness and
/// satisfaction). An unknown section is 404; one the caller may not read, 403.
#[utoipa::path(get, path = "/api/v1/reports/{section}", tag = "reports", security(("bearer" = [])),
    params(("section" = String, Path, example = "cases"), ReportQuery),
    responses((status = 200, body = ReportView), (status = 400, body = Problem, content_type = "application/problem+json"),
        (status = 401, body = Problem, content_type = "application/problem+json"), (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn section(
    State(state): State<AppState>,
    caller: ApiCaller,
    lang: Lang,
    ApiPath(section): ApiPath<String>,
    ApiQuery(q): ApiQuery<ReportQuery>,
) -> Result<Json<ReportView>, ApiError> {
    let doc = report_document(&state, &caller.actor, lang, q.area.as_deref(), q.period.as_deref(), Some(&section)).await?;
    Ok(Json(view(doc, true)))
}
