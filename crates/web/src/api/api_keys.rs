//! API keys for Open311 clients: administrators issue them scoped to an area, list and revoke
//! them. The secret is answered once, on issue.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use fengqiao_domain::model::submission::ApiKey;
use fengqiao_domain::services::submissions::NewApiKey;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::AppState;
use crate::auth::ApiCaller;
use crate::error::{ApiError, ApiJson, ApiPath, Problem};

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct IssueKey {
    #[schema(example = "12345 热线对接", min_length = 1, max_length = 64)]
    pub name: String,
    /// The key submits and reads within this area's subtree.
    #[schema(example = "1501")]
    pub area_code: String,
    /// Requests per minute; 120 when absent.
    #[schema(minimum = 1, maximum = 600000)]
    pub per_minute: Option<i32>,
}

#[derive(Serialize, ToSchema)]
pub struct IssuedKeyView {
    #[serde(flatten)]
    pub key: ApiKey,
    /// Shown this once: only its hash is kept.
    pub secret: String,
}

#[derive(Serialize, ToSchema)]
pub struct KeyList {
    pub items: Vec<ApiKey>,
}

/// Issues a key (ManageAccounts, area in the caller's scope).
#[utoipa::path(post, path = "/api/v1/api-keys", tag = "open311", security(("bearer" = [])), request_body = IssueKey,
    responses((status = 201, body = IssuedKeyView), (status = 400, body = Problem, content_type = "application/problem+json"),
        (status = 401, body = Problem, content_type = "application/problem+json"), (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"), (status = 413, body = Problem, content_type = "application/problem+json"),
        (status = 415, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn issue(State(state): State<AppState>, caller: ApiCaller, ApiJson(req): ApiJson<IssueKey>) -> Result<(StatusCode, Json<IssuedKeyView>), ApiError> {
    let issued = state.services.issue_api_key(&caller.actor, NewApiKey { name: req.name, area_code: req.area_code, per_minute: req.per_minute }).await?;
    Ok((StatusCode::CREATED, Json(IssuedKeyView { key: issued.key, secret: issued.secret })))
}

/// Keys scoped to areas in the caller's subtree, newest first.
#[utoipa::path(get, path = "/api/v1/api-keys", tag = "open311", security(("bearer" = [])),
    responses((status = 200, body = KeyList), (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json")))]
pub async fn list(State(state): State<AppState>, caller: ApiCaller) -> Result<Json<KeyList>, ApiError> {
    Ok(Json(KeyList { items: state.services.api_keys(&caller.actor).await? }))
}

/// Revokes a key at once; requests with it are refused with 403 from then on.
#[utoipa::path(post, path = "/api/v1/api-keys/{id}/revoke", tag = "open311", security(("bearer" = [])),
    params(("id" = Uuid, Path)),
    responses((status = 200, body = ApiKey), (status = 400, body = Problem, content_type = "application/problem+json"),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, body = Problem, content_type = "application/problem+json")))]
pub async fn revoke(State(state): State<AppState>, caller: ApiCaller, ApiPath(id): ApiPath<Uuid>) -> Result<Json<ApiKey>, ApiError> {
    Ok(Json(state.services.revoke_api_key(&caller.actor, id).await?))
}
