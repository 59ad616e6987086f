//! Fengqiao's HTTP surface. The JSON API (`api/`) and the server-rendered UI (`ui/`) call the
//! same domain services and differ only in rendering; authentication, CSRF, language and
//! security headers are shared layers.

pub mod api;
pub mod assets;
pub mod attachments;
pub mod auth;
pub mod documents;
pub mod error;
pub mod exports;
pub mod i18n;
pub mod imports;
pub mod open311;
pub mod security;
pub mod ui;
pub mod webhook;

use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::{StatusCode, Uri};
use axum::middleware;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use fengqiao_domain::DomainError;
use fengqiao_domain::services::Services;
use tower_http::compression::CompressionLayer;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::trace::TraceLayer;

/// Settings of the HTTP layer, filled from the app's configuration.
#[derive(Debug, Clone)]
pub struct WebConfig {
    /// Largest accepted request body; larger ones get 413.
    pub max_body_bytes: usize,
    /// Mark cookies `Secure`. Off only for plain-HTTP development on loopback.
    pub cookie_secure: bool,
    /// Take the client address from `X-Forwarded-For` (only behind a trusted reverse proxy).
    pub trust_forwarded_for: bool,
    /// Per-request time limit.
    pub request_timeout_secs: u64,
    /// Largest spreadsheet accepted for import; only the upload routes take bodies this big.
    pub max_upload_bytes: usize,
    /// Most data rows one imported sheet may have.
    pub max_import_rows: usize,
    /// Largest request that carries case attachments (several photos at once); each file is
    /// also held to the per-file limit of the attachment settings.
    pub max_attachment_request_bytes: usize,
    /// A CJK font (TrueType, OpenType or a collection) for the PDFs the server makes.
    pub pdf_font: std::path::PathBuf,
}

impl Default for WebConfig {
    fn default() -> Self {
        WebConfig {
            max_body_bytes: 1024 * 1024,
            cookie_secure: true,
            trust_forwarded_for: false,
            request_timeout_secs: 30,
            max_upload_bytes: 20 * 1024 * 1024,
            max_import_rows: 200_000,
            max_attachment_request_bytes: 64 * 1024 * 1024,
            pdf_font: documents::DEFAULT_FONT.into(),
        }
    }
}

#[derive(Clone)]
pub struct AppState {
    pub services: Arc<Services>,
    pub config: Arc<WebConfig>,
    /// This node's case search index; absent in tools and tests that do not search.
    pub search: Option<Arc<dyn fengqiao_domain::ports::CaseSearchIndex>>,
}

impl AppState {
    pub fn new(services: Services, config: WebConfig) -> Self {
        AppState { services: Arc::new(services), config: Arc::new(config), search: None }
    }

    pub fn with_search(mut self, index: Arc<dyn fengqiao_domain::ports::CaseSearchIndex>) -> Self {
        self.search = Some(index);
        self
    }

    /// The search index, or the error a node without one answers.
    pub fn search_index(&self) -> Result<&dyn fengqiao_domain::ports::CaseSearchIndex, fengqiao_domain::DomainError> {
        self.search.as_deref().ok_or_else(|| fengqiao_domain::DomainError::Internal("this node has no search index".into()))
    }
}

/// The whole application as one router; serve it with
/// `axum::serve(listener, router.into_make_service_with_connect_info::<SocketAddr>())`.
pub fn router(state: AppState) -> Router {
    // Uploads get their own body limit on their own routes; everything else keeps the small one.
    let upload = DefaultBodyLimit::max(state.config.max_upload_bytes);
    let attach = DefaultBodyLimit::max(state.config.max_attachment_request_bytes);
    let ui = ui::router()
        .merge(ui::uploads(upload))
        .merge(ui::case_uploads(attach))
        .layer(middleware::from_fn_with_state(state.clone(), auth::browser_session));
    let max_body = state.config.max_body_bytes;
    let timeout = Duration::from_secs(state.config.request_timeout_secs.max(1));
    Router::new()
        .merge(ui)
        .merge(api::router())
        .merge(open311::router())
        .merge(api::uploads(upload))
        .merge(api::case_uploads(attach))
        .route("/static/{*path}", get(assets::serve))
        .fallback(fallback)
        .with_state(state)
        .layer(middleware::from_fn(error::render_errors))
        .layer(DefaultBodyLimit::max(max_body))
        .layer(middleware::from_fn(security::headers))
        .layer(CompressionLayer::new())
        .layer(middleware::from_fn_with_state(timeout, time_limit))
        .layer(PropagateRequestIdLayer::x_request_id())
        .layer(TraceLayer::new_for_http())
        .layer(SetRequestIdLayer::x_request_id(MakeRequestUuid))
}

/// Every request gets `request_timeout_secs`, except exports: they answer once their rows
/// are counted and the export recorded (a registry export once spooled), which for a
/// city's million-row ledger takes longer than any page should, and then stream.
async fn time_limit(axum::extract::State(limit): axum::extract::State<Duration>, req: axum::extract::Request, next: middleware::Next) -> Response {
    if is_export(req.uri().path()) {
        return next.run(req).await;
    }
    match tokio::time::timeout(limit, next.run(req)).await {
        Ok(response) => response,
        Err(_) => StatusCode::REQUEST_TIMEOUT.into_response(),
    }
}

fn is_export(path: &str) -> bool {
    path.rsplit('/').next().is_some_and(|last| last == "export.xlsx" || last == "export.csv")
}

async fn fallback(uri: Uri) -> Response {
    if uri.path().starts_with("/api/") {
        error::ApiError(DomainError::NotFound("error-page-not-found"), None).into_response()
    } else {
        error::PageError(DomainError::NotFound("error-page-not-found")).into_response()
    }
}

#[cfg(test)]
mod tests {
    use super::is_export;

    #[test]
    fn only_exports_escape_the_time_limit() {
        assert!(is_export("/api/v1/cases/export.xlsx"));
        assert!(is_export("/cases/export.csv"));
        assert!(is_export("/api/v1/residents/export.xlsx"));
        assert!(!is_export("/api/v1/cases"));
        assert!(!is_export("/api/v1/cases/export.xlsx/more"));
        assert!(!is_export("/static/export.xlsx.js"));
        assert!(!is_export("/api/v1/stats/cases"));
    }
}
