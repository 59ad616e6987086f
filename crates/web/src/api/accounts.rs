//! Staff accounts over the API. An administrator sees and manages only accounts homed in
//! their subtree.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use chrono::{DateTime, Utc};
use fengqiao_domain::model::{Role, User};
use fengqiao_domain::services::{AccountChange, NewAccount};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::page_limit;
use crate::AppState;
use crate::auth::ApiCaller;
use crate::error::{ApiError, ApiJson, ApiPath, ApiQuery, Problem};

#[derive(Serialize, ToSchema)]
pub struct AccountView {
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub home_area_path: String,
    pub disabled: bool,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<User> for AccountView {
    fn from(u: User) -> Self {
        AccountView {
            username: u.username.to_string(),
            display_name: u.display_name,
            role: u.role,
            home_area_path: u.home_area_path,
            disabled: u.disabled,
            version: u.version,
            created_at: u.created_at,
            updated_at: u.updated_at,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct AccountPage {
    pub items: Vec<AccountView>,
    /// Pass as `after` for the next page; absent on the last page.
    pub next_after: Option<String>,
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AccountQuery {
    /// Keyset cursor: the last username of the previous page.
    pub after: Option<String>,
    /// Part of a username or display name.
    pub q: Option<String>,
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<i64>,
}

#[utoipa::path(get, path = "/api/v1/accounts", tag = "accounts", security(("bearer" = [])), params(AccountQuery),
    responses((status = 200, body = AccountPage), (status = 400, body = Problem, content_type = "application/problem+json"), (status = 401, body = Problem, content_type = "application/problem+json"), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn list(State(state): State<AppState>, caller: ApiCaller, ApiQuery(q): ApiQuery<AccountQuery>) -> Result<Json<AccountPage>, ApiError> {
    let limit = page_limit(q.limit)?;
    let items = state.services.accounts(&caller.actor, q.after, q.q, limit).await?;
    let next_after = (items.len() as i64 == limit).then(|| items.last().map(|u| u.username.to_string())).flatten();
    Ok(Json(AccountPage { items: items.into_iter().map(Into::into).collect(), next_after }))
}

#[utoipa::path(get, path = "/api/v1/accounts/{username}", tag = "accounts", security(("bearer" = [])),
    params(("username" = String, Path)),
    responses((status = 200, body = AccountView), (status = 400, body = Problem, content_type = "application/problem+json"), (status = 401, body = Problem, content_type = "application/problem+json"), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn get_one(State(state): State<AppState>, caller: ApiCaller, ApiPath(username): ApiPath<String>) -> Result<Json<AccountView>, ApiError> {
    Ok(Json(state.services.account(&caller.actor, &username).await?.into()))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateAccount {
    #[schema(example = "grid-wang", min_length = 2, max_length = 64, pattern = "^[A-Za-z0-9][A-Za-z0-9._-]{1,63}$")]
    pub username: String,
    #[schema(example = "王建平", min_length = 1, max_length = 64, pattern = "^[^\\u0000-\\u001F\\u007F-\\u009F]*[^\\s\\u0000-\\u001F\\u007F-\\u009F][^\\u0000-\\u001F\\u007F-\\u009F]*$")]
    pub display_name: String,
    pub role: Role,
    #[schema(example = "150103003030G01")]
    pub home_area_code: String,
    #[schema(min_length = 8, max_length = 256)]
    pub password: String,
}

/// Creates an account homed inside the caller's subtree, with a role no more powerful
/// than the caller's own.
#[utoipa::path(post, path = "/api/v1/accounts", tag = "accounts", security(("bearer" = [])), request_body = CreateAccount,
    responses((status = 201, body = AccountView), (status = 400, body = Problem, content_type = "application/problem+json"), (status = 401, body = Problem, content_type = "application/problem+json"), (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"), (status = 409, body = Problem, content_type = "application/problem+json"), (status = 413, body = Problem, content_type = "application/problem+json"), (status = 415, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn create(State(state): State<AppState>, caller: ApiCaller, ApiJson(req): ApiJson<CreateAccount>) -> Result<(StatusCode, Json<AccountView>), ApiError> {
    let new = NewAccount {
        username: req.username,
        display_name: req.display_name,
        role: req.role.as_str().to_string(),
        home_area_code: req.home_area_code,
        password: req.password,
    };
    let user = state.services.create_account(&caller.actor, new).await?;
    Ok((StatusCode::CREATED, Json(user.into())))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateAccount {
    #[schema(minimum = 1)]
    pub version: i64,
    #[schema(min_length = 1, max_length = 64, pattern = "^[^\\u0000-\\u001F\\u007F-\\u009F]*[^\\s\\u0000-\\u001F\\u007F-\\u009F][^\\u0000-\\u001F\\u007F-\\u009F]*$")]
    pub display_name: Option<String>,
    pub role: Option<Role>,
    pub home_area_code: Option<String>,
    pub disabled: Option<bool>,
}

/// Changes an account's name, role, home area, or disables it (which ends its sessions).
#[utoipa::path(patch, path = "/api/v1/accounts/{username}", tag = "accounts", security(("bearer" = [])), request_body = UpdateAccount,
    params(("username" = String, Path)),
    responses((status = 200, body = AccountView), (status = 400, body = Problem, content_type = "application/problem+json"), (status = 401, body = Problem, content_type = "application/problem+json"), (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"), (status = 409, body = Problem, content_type = "application/problem+json"), (status = 413, body = Problem, content_type = "application/problem+json"), (status = 415, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn update(
    State(state): State<AppState>,
    caller: ApiCaller,
    ApiPath(username): ApiPath<String>,
    ApiJson(req): ApiJson<UpdateAccount>,
) -> Result<Json<AccountView>, ApiError> {
    let change = AccountChange {
        version: req.version,
        display_name: req.display_name,
        role: req.role.map(|r| r.as_str().to_string()),
        home_area_code: req.home_area_code,
        disabled: req.disabled,
    };
    Ok(Json(state.services.change_account(&caller.actor, &username, change).await?.into()))
}
