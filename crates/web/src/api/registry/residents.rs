use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use chrono::NaiveDate;
use fengqiao_domain::model::Resident;
use fengqiao_domain::privacy::Gender;
use fengqiao_domain::services::registry::{NewResident, ResidentChange, RevealField};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use super::next_after;
use crate::AppState;
use crate::api::page_limit;
use crate::auth::ApiCaller;
use crate::error::{ApiError, ApiJson, ApiPath, ApiQuery, Problem};

/// A resident as every list and page shows them: ID number and phone masked.
#[derive(Serialize, ToSchema)]
pub struct ResidentView {
    pub id: Uuid,
    pub household_id: Uuid,
    pub name: String,
    pub gender: Gender,
    pub birth_date: NaiveDate,
    pub age: u32,
    pub relation: fengqiao_domain::model::Relation,
    /// Masked, e.g. `150102********1234`.
    pub id_number: Option<String>,
    /// Masked, e.g. `138****5678`.
    pub phone: Option<String>,
    /// Recorded tags plus `elderly` (60+) and `child` (under 14), computed today.
    pub tags: Vec<String>,
    pub moved_out: bool,
    pub version: i64,
}

impl ResidentView {
    pub fn new(r: Resident, today: NaiveDate) -> Self {
        ResidentView {
            age: fengqiao_domain::model::resident::age_on(r.birth_date, today),
            tags: r.all_tags(today),
            id: r.id,
            household_id: r.household_id,
            name: r.name,
            gender: r.gender,
            birth_date: r.birth_date,
            relation: r.relation,
            id_number: r.id_number.map(|p| p.masked),
            phone: r.phone.map(|p| p.masked),
            moved_out: r.moved_out,
            version: r.version,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct ResidentPage {
    pub items: Vec<ResidentView>,
    pub next_after: Option<Uuid>,
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ResidentQuery {
    /// Area code; the caller's home area when absent.
    pub area: Option<String>,
    /// The start of a name: a surname (`王`) or a whole name (`王秀英`). With it, residents
    /// come in name order; without it, in the order they were registered.
    pub q: Option<String>,
    /// A recorded tag, or `elderly` / `child`.
    pub tag: Option<String>,
    pub household: Option<Uuid>,
    pub after: Option<Uuid>,
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<i64>,
}

/// Residents in an area of the caller's scope, keyset-paginated, personal data masked.
#[utoipa::path(get, path = "/api/v1/residents", tag = "registry", security(("bearer" = [])), params(ResidentQuery),
    responses((status = 200, body = ResidentPage), (status = 400, body = Problem, content_type = "application/problem+json"),
        (status = 401, body = Problem, content_type = "application/problem+json"), (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn list(State(state): State<AppState>, caller: ApiCaller, ApiQuery(q): ApiQuery<ResidentQuery>) -> Result<Json<ResidentPage>, ApiError> {
    let limit = page_limit(q.limit)?;
    let s = &state.services;
    let items = s.residents(&caller.actor, q.area.as_deref(), q.q, q.tag, q.household, q.after, limit).await?;
    let next = next_after(&items, limit, |r| r.id);
    let today = s.today();
    Ok(Json(ResidentPage { items: items.into_iter().map(|r| ResidentView::new(r, today)).collect(), next_after: next }))
}

#[utoipa::path(get, path = "/api/v1/residents/{id}", tag = "registry", security(("bearer" = [])), params(("id" = Uuid, Path)),
    responses((status = 200, body = ResidentView), (status = 400, body = Problem, content_type = "application/problem+json"),
        (status = 401, body = Problem, content_type = "application/problem+json"), (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn get_one(State(state): State<AppState>, caller: ApiCaller, ApiPath(id): ApiPath<Uuid>) -> Result<Json<ResidentView>, ApiError> {
    let r = state.services.resident(&caller.actor, id).await?;
    Ok(Json(ResidentView::new(r, state.services.today())))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateResident {
    pub household_id: Uuid,
    #[schema(example = "王秀英", min_length = 1, max_length = 32)]
    pub name: String,
    /// Needed without an ID number; otherwise read from it.
    pub gender: Option<Gender>,
    pub birth_date: Option<NaiveDate>,
    /// GB 11643 resident identity number (18 characters; 15-digit legacy numbers are converted).
    #[schema(example = "150101195803120021")]
    pub id_number: Option<String>,
    #[schema(example = "13904710000")]
    pub phone: Option<String>,
    #[schema(example = "head")]
    pub relation: fengqiao_domain::model::Relation,
    #[serde(default)]
    #[schema(value_type = Vec<TagText>)]
    pub tags: Vec<String>,
}

/// Records a resident in a household. A person whose ID number is already on record
/// anywhere is refused with 409.
#[utoipa::path(post, path = "/api/v1/residents", tag = "registry", security(("bearer" = [])), request_body = CreateResident,
    responses((status = 201, body = ResidentView), (status = 400, body = Problem, content_type = "application/problem+json"),
        (status = 401, body = Problem, content_type = "application/problem+json"), (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"), (status = 409, body = Problem, content_type = "application/problem+json"),
        (status = 413, body = Problem, content_type = "application/problem+json"), (status = 415, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn create(State(state): State<AppState>, caller: ApiCaller, ApiJson(req): ApiJson<CreateResident>) -> Result<(StatusCode, Json<ResidentView>), ApiError> {
    let new = NewResident {
        household_id: req.household_id,
        name: req.name,
        gender: req.gender,
        birth_date: req.birth_date,
        id_number: req.id_number,
        phone: req.phone,
        relation: req.relation.as_str().to_string(),
        tags: req.tags,
    };
    let r = state.services.create_resident(&caller.actor, new).await?;
    Ok((StatusCode::CREATED, Json(ResidentView::new(r, state.services.today()))))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateResident {
    #[schema(minimum = 1)]
    pub version: i64,
    pub name: Option<String>,
    /// An empty string removes the phone.
    pub phone: Option<String>,
    pub relation: Option<fengqiao_domain::model::Relation>,
    #[schema(value_type = Option<Vec<TagText>>)]
    pub tags: Option<Vec<String>>,
    /// Move to another household.
    pub household_id: Option<Uuid>,
    pub moved_out: Option<bool>,
}

#[utoipa::path(patch, path = "/api/v1/residents/{id}", tag = "registry", security(("bearer" = [])), request_body = UpdateResident, params(("id" = Uuid, Path)),
    responses((status = 200, body = ResidentView), (status = 400, body = Problem, content_type = "application/problem+json"),
        (status = 401, body = Problem, content_type = "application/problem+json"), (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"), (status = 409, body = Problem, content_type = "application/problem+json"),
        (status = 413, body = Problem, content_type = "application/problem+json"), (status = 415, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn update(State(state): State<AppState>, caller: ApiCaller, ApiPath(id): ApiPath<Uuid>, ApiJson(req): ApiJson<UpdateResident>) -> Result<Json<ResidentView>, ApiError> {
    let change = ResidentChange {
        version: req.version,
        name: req.name,
        phone: req.phone,
        relation: req.relation.map(|r| r.as_str().to_string()),
        tags: req.tags,
        household_id: req.household_id,
        moved_out: req.moved_out,
    };
    let r = state.services.change_resident(&caller.actor, id, change).await?;
    Ok(Json(ResidentView::new(r, state.services.today())))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RevealRequest {
    pub field: RevealFieldName,
    /// Why the full value is needed; kept in the audit log. At least two visible characters.
    #[schema(example = "核实身份办理低保", min_length = 2, max_length = 200,
        pattern = "^\\s*[^\\s\\u0000-\\u001F\\u007F-\\u009F][^\\u0000-\\u001F\\u007F-\\u009F]*[^\\s\\u0000-\\u001F\\u007F-\\u009F]\\s*$")]
    pub reason: String,
}

#[derive(Deserialize, ToSchema, Clone, Copy)]
#[serde(rename_all = "snake_case")]
pub enum RevealFieldName {
    IdNumber,
    Phone,
}

impl From<RevealFieldName> for RevealField {
    fn from(f: RevealFieldName) -> Self {
        match f {
            RevealFieldName::IdNumber => RevealField::IdNumber,
            RevealFieldName::Phone => RevealField::Phone,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct Revealed {
    pub value: String,
}

/// The full ID number or phone of a resident, for a stated reason. Needs the
/// reveal permission; every reveal is written to the audit log (never the value).
#[utoipa::path(post, path = "/api/v1/residents/{id}/reveal", tag = "registry", security(("bearer" = [])), request_body = RevealRequest, params(("id" = Uuid, Path)),
    responses((status = 200, body = Revealed), (status = 400, body = Problem, content_type = "application/problem+json"),
        (status = 401, body = Problem, content_type = "application/problem+json"), (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"), (status = 413, body = Problem, content_type = "application/problem+json"),
        (status = 415, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn reveal(State(state): State<AppState>, caller: ApiCaller, ApiPath(id): ApiPath<Uuid>, ApiJson(req): ApiJson<RevealRequest>) -> Result<Json<Revealed>, ApiError> {
    let value = state.services.reveal(&caller.actor, id, req.field.into(), &req.reason).await?;
    Ok(Json(Revealed { value }))
}

/// A tag: a recorded one (`living_alone`, `disabled`, `low_income`, `veteran`, `party_member`)
/// or a custom one of at most 16 characters without commas. `elderly` and `child` are computed.
#[derive(ToSchema)]
#[schema(pattern = "^[^,\\u0000-\\u001F\\u007F-\\u009F]{1,16}$")]
#[allow(dead_code)]
pub struct TagText(String);
