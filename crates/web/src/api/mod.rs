//! The JSON API under `/api/v1`, described by the OpenAPI document at `/api/openapi.json`.
//! Handlers extract, call one domain service, and shape the answer.

mod accounts;
mod api_keys;
mod areas;
pub(crate) mod attachments;
mod audit;
mod auth;
pub(crate) mod boundaries;
mod case_exports;
mod case_queues;
mod stats;
mod submissions;
mod case_settings;
pub mod cases;
mod docs;
mod health;
pub(crate) mod imports;
pub mod mediation;
mod oversight;
pub mod registry;
mod reports;
mod search;
mod mediator_stats;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::routing::{get, patch, post};

use crate::AppState;

pub use audit::AuditQuery as AuditQueryParams;
pub use docs::ApiDoc;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/healthz", get(health::healthz))
        .route("/api/openapi.json", get(docs::openapi_json))
        .route("/api/docs", get(docs::swagger_page))
        .route("/api/v1/auth/token", post(auth::issue_token).delete(auth::revoke_token))
        .route("/api/v1/me", get(auth::me))
        .route("/api/v1/areas", post(areas::create))
        .route("/api/v1/areas/{code}", get(areas::get_one).patch(areas::update))
        .route("/api/v1/areas/{code}/children", get(areas::children))
        .route("/api/v1/areas/boundaries", post(boundaries::import).layer(DefaultBodyLimit::max(boundaries::BOUNDARY_BODY_LIMIT)))
        .route("/api/v1/areas/{code}/map", get(boundaries::map))
        .route("/api/v1/accounts", get(accounts::list).post(accounts::create))
        .route("/api/v1/accounts/{username}", get(accounts::get_one).patch(accounts::update))
        .route("/api/v1/audit", get(audit::list))
        .route("/api/v1/cases", get(cases::list).post(cases::create))
        .route("/api/v1/search/cases", get(search::cases))
        .route("/api/v1/search/similar-cases", post(search::similar))
        .route("/api/v1/cases/{id}", get(cases::get_one))
        .route("/api/v1/cases/{id}/timeline", get(cases::timeline))
        .route("/api/v1/cases/{id}/actions", post(cases::act))
        .route("/api/v1/cases/{id}/actions/{action}", post(cases::act_named))
        .route("/api/v1/cases/{id}/parties/{party_id}/reveal", post(cases::reveal_party))
        .route("/api/v1/case-categories", get(cases::categories).post(case_settings::create_category))
        .route("/api/v1/case-categories/{kind}/{code}", patch(case_settings::change_category))
        .route("/api/v1/deadline-limits", get(case_settings::limits).put(case_settings::put_limits))
        .route("/api/v1/calendar/years", get(case_settings::years).post(case_settings::add_year))
        .route("/api/v1/calendar/years/{year}", get(case_settings::year))
        .route("/api/v1/cases/bulk-assign", post(case_queues::bulk_assign))
        .route("/api/v1/cases/workload", get(case_queues::workload))
        .route("/api/v1/stats/cases", get(stats::cases))
        .route("/api/v1/cases/export.xlsx", get(case_exports::xlsx))
        .route("/api/v1/cases/export.csv", get(case_exports::csv))
        .merge(mediation::router())
        .route("/api/v1/inbox", get(oversight::inbox))
        .route("/api/v1/inbox/read-all", post(oversight::read_all))
        .route("/api/v1/inbox/{id}/read", post(oversight::read_one))
        .route("/api/v1/webhooks", get(oversight::webhooks).post(oversight::create_webhook))
        .route("/api/v1/webhooks/{id}", patch(oversight::update_webhook))
        .route("/api/v1/webhooks/{id}/deliveries", get(oversight::deliveries))
        .merge(registry::router())
        .route("/api/v1/reports", get(reports::whole))
        .route("/api/v1/reports/{section}", get(reports::section))
        .route("/api/v1/stats/mediators", get(mediator_stats::mediators))
        .route("/api/v1/api-keys", get(api_keys::list).post(api_keys::issue))
        .route("/api/v1/api-keys/{id}/revoke", post(api_keys::revoke))
        .route("/api/v1/cases/{id}/submission", get(submissions::get_one))
        .route("/api/v1/cases/{id}/submission/reveal", post(submissions::reveal))
}

/// Routes that take spreadsheet uploads, under their own body limit.
pub fn uploads(limit: DefaultBodyLimit) -> Router<AppState> {
    Router::new()
        .route("/api/v1/imports", post(imports::create).layer(limit))
        .route("/api/v1/imports/{id}", get(imports::get_one))
}

/// Case attachments: uploads under their own body limit.
pub fn case_uploads(limit: DefaultBodyLimit) -> Router<AppState> {
    Router::new()
        .route("/api/v1/cases/{id}/attachments", get(attachments::list).post(attachments::upload).layer(limit))
        .route("/api/v1/cases/{id}/attachments/{attachment_id}", get(attachments::download))
}

/// The shape of an area boundary, for the OpenAPI document.
#[derive(utoipa::ToSchema)]
#[allow(dead_code)]
pub(crate) struct GeoJsonGeometry {
    #[schema(inline)]
    r#type: GeometryType,
    /// Positions as [longitude, latitude] in WGS84, nested as GeoJSON prescribes.
    #[schema(value_type = Vec<Value>)]
    coordinates: Vec<serde_json::Value>,
}

#[derive(utoipa::ToSchema)]
#[allow(dead_code)]
pub(crate) enum GeometryType {
    Polygon,
    MultiPolygon,
}

/// Page sizes outside 1–200 are refused rather than silently changed, so a client never
/// mistakes a short page for the end of the list.
pub(crate) fn page_limit(limit: Option<i64>) -> Result<i64, crate::error::ApiError> {
    match limit {
        None => Ok(50),
        Some(n) if (1..=200).contains(&n) => Ok(n),
        Some(_) => Err(fengqiao_domain::DomainError::invalid("limit", "error-query").into()),
    }
}
