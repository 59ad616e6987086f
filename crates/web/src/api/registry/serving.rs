//! Who serves where, over the API: one person with the areas they serve, placing them in a
//! grid or taking them out, and setting a building's or an entrance's head.

use axum::Json;
use axum::extract::State;
use fengqiao_domain::model::{Area, Assignment};
use fengqiao_domain::services::registry::HeadPick;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use super::people::PersonView;
use crate::AppState;
use crate::auth::ApiCaller;
use crate::error::{ApiError, ApiJson, ApiPath, Problem};

#[derive(Serialize, ToSchema)]
pub struct AssignmentView {
    /// Code of the grid (or, for a liaison cadre, the community) served.
    pub area_code: String,
    pub area_path: String,
    pub since: chrono::DateTime<chrono::Utc>,
}

impl From<Assignment> for AssignmentView {
    fn from(a: Assignment) -> Self {
        let area_code = Area::path_codes(&a.area_path).last().map(|c| c.to_string()).unwrap_or_default();
        AssignmentView { area_code, area_path: a.area_path, since: a.created_at }
    }
}

#[derive(Serialize, ToSchema)]
pub struct PersonDetail {
    pub person: PersonView,
    pub assignments: Vec<AssignmentView>,
}

/// One person who serves, with the areas they serve.
#[utoipa::path(get, path = "/api/v1/people/{id}", tag = "registry", security(("bearer" = [])), params(("id" = Uuid, Path)),
    responses((status = 200, body = PersonDetail), (status = 400, body = Problem, content_type = "application/problem+json"),
        (status = 401, body = Problem, content_type = "application/problem+json"), (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn person(State(state): State<AppState>, caller: ApiCaller, ApiPath(id): ApiPath<Uuid>) -> Result<Json<PersonDetail>, ApiError> {
    let (p, assignments) = state.services.person(&caller.actor, id).await?;
    Ok(Json(PersonDetail { person: p.into(), assignments: assignments.into_iter().map(Into::into).collect() }))
}

/// Places the person in one more grid (a community, for a liaison cadre). Placing them where
/// they already serve changes nothing.
#[utoipa::path(put, path = "/api/v1/people/{id}/assignments/{code}", tag = "registry", security(("bearer" = [])),
    params(("id" = Uuid, Path), ("code" = String, Path, description = "Grid code, or community code for a liaison cadre")),
    responses((status = 200, body = Vec<AssignmentView>), (status = 400, body = Problem, content_type = "application/problem+json"),
        (status = 401, body = Problem, content_type = "application/problem+json"), (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"), (status = 409, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn assign(
    State(state): State<AppState>,
    caller: ApiCaller,
    ApiPath((id, code)): ApiPath<(Uuid, String)>,
) -> Result<Json<Vec<AssignmentView>>, ApiError> {
    let list = state.services.assign_person(&caller.actor, id, &code).await?;
    Ok(Json(list.into_iter().map(Into::into).collect()))
}

/// Takes the person out of an area they serve; an area they do not serve changes nothing.
#[utoipa::path(delete, path = "/api/v1/people/{id}/assignments/{code}", tag = "registry", security(("bearer" = [])),
    params(("id" = Uuid, Path), ("code" = String, Path)),
    responses((status = 200, body = Vec<AssignmentView>), (status = 400, body = Problem, content_type = "application/problem+json"),
        (status = 401, body = Problem, content_type = "application/problem+json"), (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"), (status = 409, body = Problem, content_type = "application/problem+json")))]
pub async fn unassign(
    State(state): State<AppState>,
    caller: ApiCaller,
    ApiPath((id, code)): ApiPath<(Uuid, String)>,
) -> Result<Json<Vec<AssignmentView>>, ApiError> {
    let list = state.services.unassign_person(&caller.actor, id, &code).await?;
    Ok(Json(list.into_iter().map(Into::into).collect()))
}

/// Who is to head a building, or one of its entrances.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SetHead {
    /// An entrance of the building; absent for the building itself.
    pub entrance_id: Option<Uuid>,
    /// A building or entrance head on record.
    pub person_id: Option<Uuid>,
    /// A resident of the building, who is recorded as a person who serves on the way.
    /// Give neither `person_id` nor `resident_id` to leave the post empty.
    pub resident_id: Option<Uuid>,
}

#[derive(Serialize, ToSchema)]
pub struct HeadView {
    /// The head now; null when the post is empty.
    pub head: Option<PersonView>,
}

/// Sets the head of a building (楼栋长) or of one of its entrances (单元长).
#[utoipa::path(put, path = "/api/v1/buildings/{id}/head", tag = "registry", security(("bearer" = [])), params(("id" = Uuid, Path)),
    request_body = SetHead,
    responses((status = 200, body = HeadView), (status = 400, body = Problem, content_type = "application/problem+json"),
        (status = 401, body = Problem, content_type = "application/problem+json"), (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"), (status = 409, body = Problem, content_type = "application/problem+json"),
        (status = 413, body = Problem, content_type = "application/problem+json"), (status = 415, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn set_head(
    State(state): State<AppState>,
    caller: ApiCaller,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(req): ApiJson<SetHead>,
) -> Result<Json<HeadView>, ApiError> {
    let pick = HeadPick::from_ids(req.person_id, req.resident_id)?;
    let head = state.services.set_head(&caller.actor, id, req.entrance_id, pick).await?;
    Ok(Json(HeadView { head: head.map(Into::into) }))
}
