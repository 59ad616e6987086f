//! Open311 GeoReport v2 under `/open311/v2/`, in JSON and XML, with the FixMyStreet update
//! feed. Anyone may list services and read requests; submitting needs an API key, and a key
//! on a read scopes it to the key's area and puts the read in the audit log. Errors use the
//! specification's shape, `[{"code": 404, "description": "…"}]`, not problem+json.
//!
//! Coordinates are WGS84. Chinese map SDKs (AMap, Tencent, Baidu) hand out GCJ-02 or BD-09
//! points, offset by hundreds of metres; clients convert them to WGS84 before sending, as the
//! portal does not need to (a phone's Geolocation API answers in WGS84).

mod docs;
mod requests;
mod views;
pub mod xml;

use axum::Router;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use fengqiao_domain::DomainError;
use serde_json::{Value, json};

use crate::AppState;
use crate::i18n::Lang;

pub use docs::open311_document;

pub fn router() -> Router<AppState> {
    let mut r = Router::new().route("/open311/openapi.json", get(docs::serve));
    for fmt in ["json", "xml"] {
        r = r
            .route(&format!("/open311/v2/services.{fmt}"), get(requests::root_get))
            .route(&format!("/open311/v2/requests.{fmt}"), get(requests::root_get).post(requests::submit))
            .route(&format!("/open311/v2/servicerequestupdates.{fmt}"), get(requests::root_get));
    }
    r.route("/open311/v2/services/{file}", get(requests::definition))
        .route("/open311/v2/requests/{file}", get(requests::one_request))
        .route("/open311/v2/tokens/{file}", get(requests::token))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Json,
    Xml,
}

/// `services.json` → ("services", Json). Anything else is not a resource here.
pub fn split_file(file: &str) -> Option<(&str, Format)> {
    let (stem, ext) = file.rsplit_once('.')?;
    let fmt = match ext {
        "json" => Format::Json,
        "xml" => Format::Xml,
        _ => return None,
    };
    (!stem.is_empty()).then_some((stem, fmt))
}

/// An answer in the format asked for; `root` names the XML document element.
pub fn answer(fmt: Format, status: StatusCode, root: &str, v: &Value) -> Response {
    match fmt {
        Format::Json => (status, [(header::CONTENT_TYPE, "application/json; charset=utf-8")], v.to_string()).into_response(),
        Format::Xml => (status, [(header::CONTENT_TYPE, "text/xml; charset=utf-8")], xml::document(root, v)).into_response(),
    }
}

/// The specification's statuses: 400 for anything wrong with the request, 403 for the key,
/// 404 for what does not exist; and the HTTP ones it leaves to us (429, 500).
fn status_of(e: &DomainError) -> StatusCode {
    match e {
        DomainError::NotFound(_) => StatusCode::NOT_FOUND,
        DomainError::Invalid { key, .. } if *key == "error-too-large" => StatusCode::PAYLOAD_TOO_LARGE,
        DomainError::Invalid { .. } => StatusCode::BAD_REQUEST,
        DomainError::Unauthenticated(_) | DomainError::Forbidden(_) => StatusCode::FORBIDDEN,
        DomainError::Conflict(_) => StatusCode::CONFLICT,
        DomainError::RateLimited { .. } => StatusCode::TOO_MANY_REQUESTS,
        DomainError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
    }
}

/// An Open311 error answer: a list of one error, its description in the request's language
/// and naming the field at fault.
pub struct Open311Error {
    pub fmt: Format,
    pub lang: Lang,
    pub error: DomainError,
}

impl IntoResponse for Open311Error {
    fn into_response(self) -> Response {
        if let DomainError::Internal(detail) = &self.error {
            tracing::error!(%detail, "internal error");
        }
        let status = status_of(&self.error);
        let mut description = self.lang.t(self.error.code());
        if let DomainError::Invalid { field, .. } = &self.error {
            description = format!("{field}: {description}");
        }
        let body = json!([{"code": status.as_u16(), "description": description}]);
        let mut res = answer(self.fmt, status, "errors", &body);
        if let DomainError::RateLimited { retry_after_secs } = self.error {
            res.headers_mut().insert(header::RETRY_AFTER, retry_after_secs.into());
        }
        res
    }
}
