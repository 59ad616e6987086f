//! One domain error, rendered two ways. Handlers return `ApiError` or `PageError`, which
//! carry only the error; a layer that knows the request's language turns them into an
//! RFC 9457 problem+json body (API) or an error page (UI). This keeps every handler free of
//! language plumbing while every message still reaches the user in their language.

use axum::extract::rejection::{FormRejection, JsonRejection, PathRejection, QueryRejection};
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{Html, IntoResponse, Response};
use fengqiao_domain::DomainError;
use serde::Serialize;

use crate::i18n::{Lang, negotiate};

/// An error answered by the API, rendered as problem+json by `render_problems`.
#[derive(Debug, Clone)]
pub struct ApiError(pub DomainError, pub Option<String>);

/// An error answered by a UI page, rendered as an HTML page by `render_error_pages`.
#[derive(Debug, Clone)]
pub struct PageError(pub DomainError);

impl From<DomainError> for ApiError {
    fn from(e: DomainError) -> Self {
        ApiError(e, None)
    }
}
impl From<DomainError> for PageError {
    fn from(e: DomainError) -> Self {
        PageError(e)
    }
}

pub fn status_of(e: &DomainError) -> StatusCode {
    match e {
        DomainError::NotFound(_) => StatusCode::NOT_FOUND,
        DomainError::Invalid { key, .. } => match *key {
            "error-json-syntax" | "error-bad-request" => StatusCode::BAD_REQUEST,
            "error-media-type" | "error-attachment-type" => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "error-too-large" | "error-attachment-too-large" => StatusCode::PAYLOAD_TOO_LARGE,
            _ => StatusCode::UNPROCESSABLE_ENTITY,
        },
        DomainError::Forbidden(k) if *k == "error-csrf" => StatusCode::FORBIDDEN,
        DomainError::Forbidden(_) => StatusCode::FORBIDDEN,
        DomainError::Unauthenticated(_) => StatusCode::UNAUTHORIZED,
        DomainError::Conflict(_) => StatusCode::CONFLICT,
        DomainError::RateLimited { .. } => StatusCode::TOO_MANY_REQUESTS,
        DomainError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
    }
}

fn stash(e: &DomainError, extra: Option<String>, page: bool) -> Response {
    if let DomainError::Internal(detail) = e {
        tracing::error!(%detail, "internal error");
    }
    let mut res = status_of(e).into_response();
    if let DomainError::RateLimited { retry_after_secs } = e {
        if let Ok(v) = HeaderValue::from_str(&retry_after_secs.to_string()) {
            res.headers_mut().insert(header::RETRY_AFTER, v);
        }
    }
    if let DomainError::Unauthenticated(_) = e {
        res.headers_mut().insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer realm=\"fengqiao\""));
    }
    res.extensions_mut().insert(Pending { error: e.clone(), extra, page });
    res
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        stash(&self.0, self.1, false)
    }
}
impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        stash(&self.0, None, true)
    }
}

#[derive(Clone)]
struct Pending {
    error: DomainError,
    extra: Option<String>,
    page: bool,
}

/// RFC 9457 body.
#[derive(Serialize, utoipa::ToSchema)]
pub struct Problem {
    /// A URI naming the kind of problem, stable across languages.
    #[serde(rename = "type")]
    pub kind: String,
    pub title: String,
    pub status: u16,
    /// What happened and what to do next, in the request's language.
    pub detail: String,
    /// Machine-readable code, e.g. `error-area-not-found`.
    pub code: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
}

pub fn problem(e: &DomainError, lang: Lang, extra: Option<&str>) -> Problem {
    let status = status_of(e);
    let mut detail = lang.t(e.code());
    if let Some(x) = extra {
        detail = format!("{detail} ({x})");
    }
    Problem {
        kind: format!("/problems/{}", e.code().trim_start_matches("error-")),
        title: status.canonical_reason().unwrap_or("Error").to_string(),
        status: status.as_u16(),
        detail,
        code: e.code().to_string(),
        field: match e {
            DomainError::Invalid { field, .. } => Some(field.to_string()),
            _ => None,
        },
    }
}

/// Middleware: turns a stashed error into its body, in the language of the request.
pub async fn render_errors(req: Request, next: Next) -> Response {
    let (parts, body) = req.into_parts();
    let lang = negotiate(&parts);
    let mut res = next.run(Request::from_parts(parts, body)).await;
    let Some(p) = res.extensions_mut().remove::<Pending>() else { return res };
    let (mut head, _) = res.into_parts();
    head.headers.remove(header::CONTENT_LENGTH);
    if p.page {
        head.headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("text/html; charset=utf-8"));
        let html = crate::ui::error_page(lang, head.status, &p.error);
        Response::from_parts(head, Html(html).into_response().into_body())
    } else {
        head.headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("application/problem+json"));
        let body = serde_json::to_string(&problem(&p.error, lang, p.extra.as_deref())).unwrap_or_default();
        Response::from_parts(head, axum::body::Body::from(body))
    }
}

impl From<JsonRejection> for ApiError {
    fn from(r: JsonRejection) -> Self {
        let detail = Some(r.body_text());
        let key = match &r {
            JsonRejection::JsonDataError(_) => "error-json-fields",
            JsonRejection::JsonSyntaxError(_) => "error-json-syntax",
            JsonRejection::MissingJsonContentType(_) => "error-media-type",
            JsonRejection::BytesRejection(_) if r.status() == StatusCode::PAYLOAD_TOO_LARGE => "error-too-large",
            _ => "error-bad-request",
        };
        ApiError(DomainError::invalid("body", key), detail)
    }
}

impl From<QueryRejection> for ApiError {
    fn from(r: QueryRejection) -> Self {
        ApiError(DomainError::invalid("query", "error-query"), Some(r.body_text()))
    }
}

impl From<PathRejection> for ApiError {
    fn from(r: PathRejection) -> Self {
        ApiError(DomainError::invalid("path", "error-bad-request"), Some(r.body_text()))
    }
}

impl From<FormRejection> for PageError {
    fn from(r: FormRejection) -> Self {
        let key = if r.status() == StatusCode::PAYLOAD_TOO_LARGE { "error-too-large" } else { "error-bad-request" };
        PageError(DomainError::invalid("form", key))
    }
}

/// JSON body extractor whose failures are problem+json with a clear message.
#[derive(FromRequest)]
#[from_request(via(axum::Json), rejection(ApiError))]
pub struct ApiJson<T>(pub T);

/// Query extractor whose failures are problem+json.
#[derive(FromRequestParts)]
#[from_request(via(axum::extract::Query), rejection(ApiError))]
pub struct ApiQuery<T>(pub T);

/// Path extractor whose failures are problem+json.
#[derive(FromRequestParts)]
#[from_request(via(axum::extract::Path), rejection(ApiError))]
pub struct ApiPath<T>(pub T);

impl<T: Serialize> IntoResponse for ApiJson<T> {
    fn into_response(self) -> Response {
        axum::Json(self.0).into_response()
    }
}

/// Form extractor for UI pages; a malformed form gets the error page, not plain text.
#[derive(FromRequest)]
#[from_request(via(axum::Form), rejection(PageError))]
pub struct PageForm<T>(pub T);
