use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use fengqiao_domain::model::{OrgKind, Organisation, Person, PersonKind, Profession};
use fengqiao_domain::services::registry::{NewOrganisation, NewPerson};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use super::next_after;
use crate::AppState;
use crate::api::page_limit;
use crate::auth::ApiCaller;
use crate::error::{ApiError, ApiJson, ApiPath, ApiQuery, Problem};

#[derive(Serialize, ToSchema)]
pub struct PersonView {
    pub id: Uuid,
    pub name: String,
    pub kind: PersonKind,
    pub profession: Option<Profession>,
    pub organisation: Option<String>,
    /// Masked.
    pub phone: Option<String>,
    pub area_path: String,
}

impl From<Person> for PersonView {
    fn from(p: Person) -> Self {
        PersonView {
            id: p.id,
            name: p.name,
            kind: p.kind,
            profession: p.profession,
            organisation: p.organisation,
            phone: p.phone.map(|x| x.masked),
            area_path: p.area_path,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct PersonPage {
    pub items: Vec<PersonView>,
    pub next_after: Option<Uuid>,
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PeopleQuery {
    pub kind: Option<PersonKind>,
    /// Part of a name or organisation.
    pub q: Option<String>,
    pub after: Option<Uuid>,
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<i64>,
}

/// People who serve in the caller's scope.
#[utoipa::path(get, path = "/api/v1/people", tag = "registry", security(("bearer" = [])), params(PeopleQuery),
    responses((status = 200, body = PersonPage), (status = 400, body = Problem, content_type = "application/problem+json"),
        (status = 401, body = Problem, content_type = "application/problem+json"), (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn list(State(state): State<AppState>, caller: ApiCaller, ApiQuery(q): ApiQuery<PeopleQuery>) -> Result<Json<PersonPage>, ApiError> {
    let limit = page_limit(q.limit)?;
    let items = state.services.people(&caller.actor, q.kind, q.q, q.after, limit).await?;
    let next = next_after(&items, limit, |p| p.id);
    Ok(Json(PersonPage { items: items.into_iter().map(Into::into).collect(), next_after: next }))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreatePerson {
    #[schema(example = "李振华")]
    pub name: String,
    pub kind: PersonKind,
    /// Required for legal advisers.
    pub profession: Option<Profession>,
    #[schema(example = "光明路派出所", max_length = 64)]
    pub organisation: Option<String>,
    pub phone: Option<String>,
    #[schema(example = "150103003030")]
    pub area_code: String,
    /// Grid codes (community codes for liaison cadres) the person serves.
    #[serde(default)]
    pub assign_to: Vec<String>,
}

#[utoipa::path(post, path = "/api/v1/people", tag = "registry", security(("bearer" = [])), request_body = CreatePerson,
    responses((status = 201, body = PersonView), (status = 400, body = Problem, content_type = "application/problem+json"),
        (status = 401, body = Problem, content_type = "application/problem+json"), (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"), (status = 413, body = Problem, content_type = "application/problem+json"),
        (status = 415, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn create(State(state): State<AppState>, caller: ApiCaller, ApiJson(req): ApiJson<CreatePerson>) -> Result<(StatusCode, Json<PersonView>), ApiError> {
    let new = NewPerson {
        name: req.name,
        kind: req.kind.as_str().to_string(),
        profession: req.profession.map(|p| p.as_str().to_string()),
        organisation: req.organisation,
        phone: req.phone,
        area_code: req.area_code,
        assign_to: req.assign_to,
    };
    let p = state.services.create_person(&caller.actor, new).await?;
    Ok((StatusCode::CREATED, Json(p.into())))
}

#[derive(Serialize, ToSchema)]
pub struct OrganisationView {
    pub id: Uuid,
    pub kind: OrgKind,
    pub name: String,
    pub area_path: String,
    pub contact: Option<String>,
}

impl From<Organisation> for OrganisationView {
    fn from(o: Organisation) -> Self {
        OrganisationView { id: o.id, kind: o.kind, name: o.name, area_path: o.area_path, contact: o.contact }
    }
}

#[derive(Serialize, ToSchema)]
pub struct OrganisationPage {
    pub items: Vec<OrganisationView>,
    pub next_after: Option<Uuid>,
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct OrgQuery {
    pub kind: Option<OrgKind>,
    pub q: Option<String>,
    pub after: Option<Uuid>,
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<i64>,
}

#[utoipa::path(get, path = "/api/v1/organisations", tag = "registry", security(("bearer" = [])), params(OrgQuery),
    responses((status = 200, body = OrganisationPage), (status = 400, body = Problem, content_type = "application/problem+json"),
        (status = 401, body = Problem, content_type = "application/problem+json"), (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn organisations(State(state): State<AppState>, caller: ApiCaller, ApiQuery(q): ApiQuery<OrgQuery>) -> Result<Json<OrganisationPage>, ApiError> {
    let limit = page_limit(q.limit)?;
    let items = state.services.organisations(&caller.actor, q.kind, q.q, q.after, limit).await?;
    let next = next_after(&items, limit, |o| o.id);
    Ok(Json(OrganisationPage { items: items.into_iter().map(Into::into).collect(), next_after: next }))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateOrganisation {
    pub kind: OrgKind,
    #[schema(example = "光明路红色物业服务站", min_length = 1, max_length = 64, pattern = "^[^\\u0000-\\u001F\\u007F-\\u009F]*[^\\s\\u0000-\\u001F\\u007F-\\u009F][^\\u0000-\\u001F\\u007F-\\u009F]*$")]
    pub name: String,
    pub area_code: String,
    #[schema(min_length = 1, max_length = 64, pattern = "^[^\\u0000-\\u001F\\u007F-\\u009F]*[^\\s\\u0000-\\u001F\\u007F-\\u009F][^\\u0000-\\u001F\\u007F-\\u009F]*$")]
    pub contact: Option<String>,
}

#[utoipa::path(post, path = "/api/v1/organisations", tag = "registry", security(("bearer" = [])), request_body = CreateOrganisation,
    responses((status = 201, body = OrganisationView), (status = 400, body = Problem, content_type = "application/problem+json"),
        (status = 401, body = Problem, content_type = "application/problem+json"), (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"), (status = 409, body = Problem, content_type = "application/problem+json"),
        (status = 413, body = Problem, content_type = "application/problem+json"), (status = 415, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn create_organisation(State(state): State<AppState>, caller: ApiCaller, ApiJson(req): ApiJson<CreateOrganisation>) -> Result<(StatusCode, Json<OrganisationView>), ApiError> {
    let new = NewOrganisation { kind: req.kind.as_str().to_string(), name: req.name, area_code: req.area_code, contact: req.contact };
    let o = state.services.create_organisation(&caller.actor, new).await?;
    Ok((StatusCode::CREATED, Json(o.into())))
}

#[derive(Serialize, ToSchema)]
pub struct Serving {
    pub people: Vec<PersonView>,
    /// The grid's duty list (网格职责清单), in order.
    pub duties: Vec<String>,
}

/// Who serves an area (grid workers and legal advisers of a grid, liaison cadres of a
/// community) and, for a grid, its duty list.
#[utoipa::path(get, path = "/api/v1/areas/{code}/serving", tag = "registry", security(("bearer" = [])), params(("code" = String, Path)),
    responses((status = 200, body = Serving), (status = 400, body = Problem, content_type = "application/problem+json"),
        (status = 401, body = Problem, content_type = "application/problem+json"), (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn serving(State(state): State<AppState>, caller: ApiCaller, ApiPath(code): ApiPath<String>) -> Result<Json<Serving>, ApiError> {
    let (people, duties) = state.services.serving(&caller.actor, &code).await?;
    Ok(Json(Serving { people: people.into_iter().map(Into::into).collect(), duties }))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Duties {
    /// Blank items are dropped; each item at most 200 characters, no control characters.
    #[schema(max_items = 50, value_type = Vec<DutyText>)]
    pub duties: Vec<String>,
}

/// Replaces a grid's duty list.
#[utoipa::path(put, path = "/api/v1/areas/{code}/serving", tag = "registry", security(("bearer" = [])), request_body = Duties, params(("code" = String, Path)),
    responses((status = 200, body = Serving), (status = 400, body = Problem, content_type = "application/problem+json"),
        (status = 401, body = Problem, content_type = "application/problem+json"), (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"), (status = 413, body = Problem, content_type = "application/problem+json"),
        (status = 415, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn set_duties(State(state): State<AppState>, caller: ApiCaller, ApiPath(code): ApiPath<String>, ApiJson(req): ApiJson<Duties>) -> Result<Json<Serving>, ApiError> {
    state.services.set_grid_duties(&caller.actor, &code, req.duties).await?;
    let (people, duties) = state.services.serving(&caller.actor, &code).await?;
    Ok(Json(Serving { people: people.into_iter().map(Into::into).collect(), duties }))
}

/// One item of a duty list, for the OpenAPI document.
#[derive(ToSchema)]
#[schema(pattern = "^[^\\u0000-\\u001F\\u007F-\\u009F]{0,200}$")]
#[allow(dead_code)]
pub struct DutyText(String);
