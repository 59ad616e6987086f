//! The inbox (站内信) and the outbound webhook over the API. The inbox is the caller's own;
//! webhooks are a system administrator's.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use fengqiao_domain::model::notice::{Delivery, Notification};
use fengqiao_domain::services::oversight::WebhookView;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use crate::AppState;
use crate::api::page_limit;
use crate::api::registry::next_after;
use crate::auth::ApiCaller;
use crate::error::{ApiError, ApiJson, ApiPath, ApiQuery, Problem};

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct InboxQuery {
    /// Only notices not yet read.
    pub unread: Option<bool>,
    /// `next_after` of the previous page.
    pub after: Option<Uuid>,
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<i64>,
}

#[derive(Serialize, ToSchema)]
pub struct InboxPage {
    pub items: Vec<Notification>,
    pub unread: i64,
    /// Pass as `after` for the next page; absent on the last one.
    pub next_after: Option<Uuid>,
}

/// The caller's notices, newest first, keyset-paginated: assignments, supervision orders and
/// answers, extension requests and decisions, deadline warnings and overdue cases.
#[utoipa::path(get, path = "/api/v1/inbox", tag = "inbox", security(("bearer" = [])), params(InboxQuery),
    responses((status = 200, body = InboxPage), (status = 400, body = Problem, content_type = "application/problem+json"),
        (status = 401, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn inbox(State(state): State<AppState>, caller: ApiCaller, ApiQuery(q): ApiQuery<InboxQuery>) -> Result<Json<InboxPage>, ApiError> {
    let limit = page_limit(q.limit)?;
    let s = &state.services;
    let items = s.inbox(&caller.actor, q.unread.unwrap_or(false), q.after, limit).await?;
    let next = next_after(&items, limit, |n| n.id);
    Ok(Json(InboxPage { unread: s.unread_count(&caller.actor).await?, items, next_after: next }))
}

/// Marks one notice read; reading it again keeps the first time. 404 for a notice that is not
/// the caller's.
#[utoipa::path(post, path = "/api/v1/inbox/{id}/read", tag = "inbox", security(("bearer" = [])), params(("id" = Uuid, Path)),
    responses((status = 204), (status = 400, body = Problem, content_type = "application/problem+json"),
        (status = 401, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn read_one(State(state): State<AppState>, caller: ApiCaller, ApiPath(id): ApiPath<Uuid>) -> Result<StatusCode, ApiError> {
    state.services.mark_read(&caller.actor, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Serialize, ToSchema)]
pub struct ReadAll {
    pub marked: u64,
}

#[utoipa::path(post, path = "/api/v1/inbox/read-all", tag = "inbox", security(("bearer" = [])),
    responses((status = 200, body = ReadAll), (status = 401, body = Problem, content_type = "application/problem+json")))]
pub async fn read_all(State(state): State<AppState>, caller: ApiCaller) -> Result<Json<ReadAll>, ApiError> {
    Ok(Json(ReadAll { marked: state.services.mark_all_read(&caller.actor).await? }))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewWebhook {
    /// Absolute http(s) URL of the receiver.
    #[schema(example = "https://hooks.example.cn/fengqiao")]
    pub url: String,
    /// 16–200 characters; the receiver checks `X-Fengqiao-Signature: sha256=<hex HMAC-SHA256 of the body>`.
    pub secret: String,
}

/// Every endpoint; secrets are never shown again.
#[utoipa::path(get, path = "/api/v1/webhooks", tag = "webhooks", security(("bearer" = [])),
    responses((status = 200, body = Vec<WebhookView>), (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json")))]
pub async fn webhooks(State(state): State<AppState>, caller: ApiCaller) -> Result<Json<Vec<WebhookView>>, ApiError> {
    Ok(Json(state.services.webhooks(&caller.actor).await?))
}

/// Adds an endpoint: from now on every event is queued for it and posted, signed, with
/// retries and backoff.
#[utoipa::path(post, path = "/api/v1/webhooks", tag = "webhooks", security(("bearer" = [])), request_body = NewWebhook,
    responses((status = 201, body = WebhookView), (status = 400, body = Problem, content_type = "application/problem+json"),
        (status = 401, body = Problem, content_type = "application/problem+json"), (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 413, body = Problem, content_type = "application/problem+json"), (status = 415, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn create_webhook(State(state): State<AppState>, caller: ApiCaller, ApiJson(req): ApiJson<NewWebhook>) -> Result<(StatusCode, Json<WebhookView>), ApiError> {
    Ok((StatusCode::CREATED, Json(state.services.add_webhook(&caller.actor, &req.url, &req.secret).await?)))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct WebhookChange {
    pub active: bool,
}

/// Pauses or resumes an endpoint; a paused one gets no new deliveries.
#[utoipa::path(patch, path = "/api/v1/webhooks/{id}", tag = "webhooks", security(("bearer" = [])), request_body = WebhookChange, params(("id" = Uuid, Path)),
    responses((status = 204), (status = 400, body = Problem, content_type = "application/problem+json"),
        (status = 401, body = Problem, content_type = "application/problem+json"), (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"), (status = 413, body = Problem, content_type = "application/problem+json"),
        (status = 415, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn update_webhook(State(state): State<AppState>, caller: ApiCaller, ApiPath(id): ApiPath<Uuid>, ApiJson(req): ApiJson<WebhookChange>) -> Result<StatusCode, ApiError> {
    state.services.set_webhook_active(&caller.actor, id, req.active).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The latest deliveries to an endpoint with their status, attempts and last answer.
#[utoipa::path(get, path = "/api/v1/webhooks/{id}/deliveries", tag = "webhooks", security(("bearer" = [])), params(("id" = Uuid, Path)),
    responses((status = 200, body = Vec<Delivery>), (status = 400, body = Problem, content_type = "application/problem+json"),
        (status = 401, body = Problem, content_type = "application/problem+json"), (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn deliveries(State(state): State<AppState>, caller: ApiCaller, ApiPath(id): ApiPath<Uuid>) -> Result<Json<Vec<Delivery>>, ApiError> {
    Ok(Json(state.services.webhook_deliveries(&caller.actor, id, 100).await?))
}
