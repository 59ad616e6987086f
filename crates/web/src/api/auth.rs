//! Bearer tokens for API clients.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use chrono::{DateTime, Utc};
use fengqiao_domain::model::SessionKind;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::AppState;
use crate::auth::{ApiCaller, request_client_addr};
use crate::error::{ApiError, ApiJson, Problem};

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TokenRequest {
    #[schema(min_length = 1, max_length = 64, example = "admin")]
    pub username: String,
    #[schema(min_length = 1, max_length = 256, example = "fengqiao-demo")]
    pub password: String,
}

#[derive(Serialize, ToSchema)]
pub struct TokenResponse {
    /// Send as `Authorization: Bearer <token>`.
    pub token: String,
    pub expires_at: DateTime<Utc>,
}

/// Exchanges a username and password for a bearer token. Failures are throttled per
/// account and per client address.
#[utoipa::path(post, path = "/api/v1/auth/token", tag = "auth", request_body = TokenRequest,
    responses(
        (status = 200, body = TokenResponse),
        (status = 400, body = Problem, content_type = "application/problem+json"), (status = 401, body = Problem, content_type = "application/problem+json"), (status = 413, body = Problem, content_type = "application/problem+json"),
        (status = 415, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json"), (status = 429, body = Problem, content_type = "application/problem+json")))]
pub async fn issue_token(
    State(state): State<AppState>,
    parts: axum::http::request::Parts,
    ApiJson(req): ApiJson<TokenRequest>,
) -> Result<Json<TokenResponse>, ApiError> {
    let addr = request_client_addr(&parts, &state);
    let out = state.services.login(&req.username, &req.password, addr, SessionKind::Api).await?;
    Ok(Json(TokenResponse { token: out.token, expires_at: out.session.expires_at }))
}

/// Revokes the token presented with this request.
#[utoipa::path(delete, path = "/api/v1/auth/token", tag = "auth", security(("bearer" = [])),
    responses((status = 204, description = "Revoked"), (status = 401, body = Problem, content_type = "application/problem+json")))]
pub async fn revoke_token(State(state): State<AppState>, caller: ApiCaller) -> Result<StatusCode, ApiError> {
    state.services.logout(&caller.actor, &caller.token).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Serialize, ToSchema)]
pub struct Me {
    pub username: String,
    pub display_name: String,
    pub role: fengqiao_domain::model::Role,
    /// Materialised path of the home area: the caller's scope.
    pub home_area_path: String,
    pub permissions: Vec<String>,
}

/// The caller's own account and powers.
#[utoipa::path(get, path = "/api/v1/me", tag = "auth", security(("bearer" = [])),
    responses((status = 200, body = Me), (status = 401, body = Problem, content_type = "application/problem+json")))]
pub async fn me(caller: ApiCaller) -> Json<Me> {
    let a = caller.actor;
    Json(Me {
        permissions: a.role.permissions().iter().map(|p| serde_json::to_value(p).ok().and_then(|v| v.as_str().map(String::from)).unwrap_or_default()).collect(),
        username: a.username,
        display_name: a.display_name,
        role: a.role,
        home_area_path: a.home_area_path,
    })
}
