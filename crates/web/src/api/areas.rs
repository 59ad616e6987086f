//! The area tree over the API.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use chrono::{DateTime, Utc};
use fengqiao_domain::model::{Area, AreaLevel};
use fengqiao_domain::services::{AreaChange, NewArea};
use serde::{Deserialize, Deserializer, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::AppState;
use crate::auth::ApiCaller;
use crate::error::{ApiError, ApiJson, ApiPath, ApiQuery, Problem};

#[derive(Serialize, ToSchema)]
pub struct AreaView {
    /// What other resources refer to the area by, e.g. a case's `area_id`.
    pub id: uuid::Uuid,
    /// National division code where one exists.
    #[schema(example = "150103")]
    pub code: String,
    #[schema(example = "回民区")]
    pub name: String,
    pub level: AreaLevel,
    pub parent_code: Option<String>,
    /// Codes from the root, e.g. `/1501/150103/`.
    pub path: String,
    pub retired: bool,
    /// Send back in PATCH; a stale version is refused with 409.
    pub version: i64,
    /// GeoJSON Polygon or MultiPolygon (WGS84), if drawn.
    #[schema(value_type = Option<Object>)]
    pub boundary: Option<serde_json::Value>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<Area> for AreaView {
    fn from(a: Area) -> Self {
        let codes = Area::path_codes(&a.path);
        let parent_code = codes.len().checked_sub(2).map(|i| codes[i].to_string());
        AreaView {
            id: a.id,
            code: a.code.to_string(),
            name: a.name,
            level: a.level,
            parent_code,
            path: a.path,
            retired: a.retired,
            version: a.version,
            boundary: a.boundary,
            created_at: a.created_at,
            updated_at: a.updated_at,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct AreaList {
    pub items: Vec<AreaView>,
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ChildrenQuery {
    /// Include retired children.
    #[serde(default)]
    pub include_retired: bool,
}

/// One area. Areas outside the caller's scope answer 404, as if they did not exist.
#[utoipa::path(get, path = "/api/v1/areas/{code}", tag = "areas", security(("bearer" = [])),
    params(("code" = String, Path, description = "Area code")),
    responses((status = 200, body = AreaView), (status = 400, body = Problem, content_type = "application/problem+json"), (status = 401, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn get_one(State(state): State<AppState>, caller: ApiCaller, ApiPath(code): ApiPath<String>) -> Result<Json<AreaView>, ApiError> {
    Ok(Json(state.services.area(&caller.actor, &code).await?.into()))
}

/// The direct children of an area, ordered by code.
#[utoipa::path(get, path = "/api/v1/areas/{code}/children", tag = "areas", security(("bearer" = [])),
    params(("code" = String, Path, description = "Area code"), ChildrenQuery),
    responses((status = 200, body = AreaList), (status = 400, body = Problem, content_type = "application/problem+json"), (status = 401, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn children(
    State(state): State<AppState>,
    caller: ApiCaller,
    ApiPath(code): ApiPath<String>,
    ApiQuery(q): ApiQuery<ChildrenQuery>,
) -> Result<Json<AreaList>, ApiError> {
    let items = state.services.area_children(&caller.actor, &code, q.include_retired).await?;
    Ok(Json(AreaList { items: items.into_iter().map(Into::into).collect() }))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateArea {
    /// The parent; the new area's level is the one below it.
    #[schema(example = "150103003030", min_length = 2, max_length = 32)]
    pub parent_code: String,
    #[schema(example = "150103003030G04", min_length = 2, max_length = 32, pattern = "^[0-9A-Za-z][0-9A-Za-z-]{1,31}$")]
    pub code: String,
    #[schema(example = "第四网格", min_length = 1, max_length = 64, pattern = "^[^\\u0000-\\u001F\\u007F-\\u009F]*[^\\s\\u0000-\\u001F\\u007F-\\u009F][^\\u0000-\\u001F\\u007F-\\u009F]*$")]
    pub name: String,
    #[schema(value_type = Option<super::GeoJsonGeometry>)]
    pub boundary: Option<serde_json::Value>,
}

/// Creates an area below one in the caller's scope (needs the area-management permission).
#[utoipa::path(post, path = "/api/v1/areas", tag = "areas", security(("bearer" = [])), request_body = CreateArea,
    responses((status = 201, body = AreaView), (status = 400, body = Problem, content_type = "application/problem+json"), (status = 401, body = Problem, content_type = "application/problem+json"), (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"), (status = 409, body = Problem, content_type = "application/problem+json"), (status = 413, body = Problem, content_type = "application/problem+json"), (status = 415, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn create(State(state): State<AppState>, caller: ApiCaller, ApiJson(req): ApiJson<CreateArea>) -> Result<(StatusCode, Json<AreaView>), ApiError> {
    let new = NewArea { parent_code: req.parent_code, code: req.code, name: req.name, boundary: req.boundary };
    let area = state.services.create_area(&caller.actor, new).await?;
    Ok((StatusCode::CREATED, Json(area.into())))
}

/// `null` and absent differ for the boundary: null removes it, absent leaves it.
fn some_nullable<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Option<serde_json::Value>>, D::Error> {
    Ok(Some(Option::deserialize(d)?))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateArea {
    /// The version last read; a stale one is refused with 409.
    #[schema(minimum = 1)]
    pub version: i64,
    #[schema(min_length = 1, max_length = 64, pattern = "^[^\\u0000-\\u001F\\u007F-\\u009F]*[^\\s\\u0000-\\u001F\\u007F-\\u009F][^\\u0000-\\u001F\\u007F-\\u009F]*$")]
    pub name: Option<String>,
    /// Move the area (and its subtree) under another parent of the level above it.
    pub parent_code: Option<String>,
    /// Retire (true) or restore (false). An area with active children or accounts cannot retire.
    pub retired: Option<bool>,
    #[serde(default, deserialize_with = "some_nullable")]
    #[schema(value_type = Option<super::GeoJsonGeometry>)]
    pub boundary: Option<Option<serde_json::Value>>,
}

/// Renames, moves, retires or restores an area, or sets its boundary. Only areas strictly
/// below the caller's home area can be changed.
#[utoipa::path(patch, path = "/api/v1/areas/{code}", tag = "areas", security(("bearer" = [])), request_body = UpdateArea,
    params(("code" = String, Path, description = "Area code")),
    responses((status = 200, body = AreaView), (status = 400, body = Problem, content_type = "application/problem+json"), (status = 401, body = Problem, content_type = "application/problem+json"), (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"), (status = 409, body = Problem, content_type = "application/problem+json"), (status = 413, body = Problem, content_type = "application/problem+json"), (status = 415, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn update(
    State(state): State<AppState>,
    caller: ApiCaller,
    ApiPath(code): ApiPath<String>,
    ApiJson(req): ApiJson<UpdateArea>,
) -> Result<Json<AreaView>, ApiError> {
    let change = AreaChange { version: req.version, name: req.name, parent_code: req.parent_code, retired: req.retired, boundary: req.boundary };
    Ok(Json(state.services.change_area(&caller.actor, &code, change).await?.into()))
}
