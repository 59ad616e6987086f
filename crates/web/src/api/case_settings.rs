//! Case settings over the API: the category tree, the deadline limits and the calendar's
//! years. Reading needs a signed-in caller; changing needs `manage_case_settings` (system
//! administrators and district offices). Every change is audited and reaches every app node
//! within seconds. Changed limits and years apply to deadlines set afterwards; deadlines
//! already on cases stay.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use fengqiao_domain::model::case::{CaseKind, Category};
use fengqiao_domain::rules::calendar::CalendarDay;
use fengqiao_domain::rules::deadline::DeadlineLimit;
use fengqiao_domain::services::cases::settings::{CalendarYear, CategoryChange, NewCategory};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::AppState;
use crate::auth::ApiCaller;
use crate::error::{ApiError, ApiJson, ApiPath, Problem};

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateCategory {
    pub kind: CaseKind,
    /// The full dotted code: lower-case words of letters, digits and `_`, at most four deep.
    /// Its parent (the code without its last word) must exist in the same kind and be in use.
    #[schema(example = "tenancy.parking_space", min_length = 1, max_length = 64)]
    pub code: String,
    #[schema(example = "车位租赁", min_length = 1, max_length = 64)]
    pub name_zh: String,
    #[schema(example = "Parking space rental", min_length = 1, max_length = 64)]
    pub name_en: String,
}

/// Adds a category (or a subcategory, by its dotted code). 409 if the kind has the code;
/// 422 if the parent is unknown or retired.
#[utoipa::path(post, path = "/api/v1/case-categories", tag = "case settings", security(("bearer" = [])), request_body = CreateCategory,
    responses((status = 201, body = Category), (status = 400, body = Problem, content_type = "application/problem+json"),
        (status = 401, body = Problem, content_type = "application/problem+json"), (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 409, body = Problem, content_type = "application/problem+json"), (status = 413, body = Problem, content_type = "application/problem+json"),
        (status = 415, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn create_category(State(state): State<AppState>, caller: ApiCaller, ApiJson(req): ApiJson<CreateCategory>) -> Result<(StatusCode, Json<Category>), ApiError> {
    let new = NewCategory { kind: req.kind, code: req.code, name_zh: req.name_zh, name_en: req.name_en };
    Ok((StatusCode::CREATED, Json(state.services.add_category(&caller.actor, new).await?)))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ChangeCategory {
    #[schema(min_length = 1, max_length = 64)]
    pub name_zh: Option<String>,
    #[schema(min_length = 1, max_length = 64)]
    pub name_en: Option<String>,
    /// Retired categories stay on existing cases but are not offered on intake, nor is
    /// anything below them; `false` brings one back.
    pub retired: Option<bool>,
}

/// Renames, retires or brings back a category.
#[utoipa::path(patch, path = "/api/v1/case-categories/{kind}/{code}", tag = "case settings", security(("bearer" = [])),
    request_body = ChangeCategory, params(("kind" = CaseKind, Path), ("code" = String, Path, example = "neighbour.noise")),
    responses((status = 200, body = Category), (status = 400, body = Problem, content_type = "application/problem+json"),
        (status = 401, body = Problem, content_type = "application/problem+json"), (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"), (status = 413, body = Problem, content_type = "application/problem+json"),
        (status = 415, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn change_category(
    State(state): State<AppState>,
    caller: ApiCaller,
    ApiPath((kind, code)): ApiPath<(CaseKind, String)>,
    ApiJson(req): ApiJson<ChangeCategory>,
) -> Result<Json<Category>, ApiError> {
    let change = CategoryChange { name_zh: req.name_zh, name_en: req.name_en, retired: req.retired };
    Ok(Json(state.services.change_category(&caller.actor, kind, &code, change).await?))
}

#[derive(Serialize, ToSchema)]
pub struct LimitTable {
    /// The settings version; send it back as `expected_version` to change the table.
    pub version: i64,
    /// Every limit: each kind's default per level (no category) and the overrides.
    pub limits: Vec<DeadlineLimit>,
}

/// The deadline limits in working days, per kind × category × level. A case's limit is its
/// category's, else its nearest ancestor's, else its kind's default.
#[utoipa::path(get, path = "/api/v1/deadline-limits", tag = "case settings", security(("bearer" = [])),
    responses((status = 200, body = LimitTable), (status = 401, body = Problem, content_type = "application/problem+json")))]
pub async fn limits(State(state): State<AppState>, _caller: ApiCaller) -> Result<Json<LimitTable>, ApiError> {
    let s = state.services.case_settings().await?;
    Ok(Json(LimitTable { version: s.version, limits: s.deadlines.limits.list() }))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PutLimits {
    /// The `version` the table was read at; 409 if the settings changed since.
    pub expected_version: Option<i64>,
    /// The whole table: a default (no category) for every kind and level, overrides for
    /// known categories, each key once, 1–250 working days.
    pub limits: Vec<DeadlineLimit>,
}

/// Replaces the deadline table. Applies to deadlines set from now on (acceptance, escalation,
/// dispatch, return, reopening); deadlines already on cases stay.
#[utoipa::path(put, path = "/api/v1/deadline-limits", tag = "case settings", security(("bearer" = [])), request_body = PutLimits,
    responses((status = 200, body = LimitTable), (status = 400, body = Problem, content_type = "application/problem+json"),
        (status = 401, body = Problem, content_type = "application/problem+json"), (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 409, body = Problem, content_type = "application/problem+json"), (status = 413, body = Problem, content_type = "application/problem+json"),
        (status = 415, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn put_limits(State(state): State<AppState>, caller: ApiCaller, ApiJson(req): ApiJson<PutLimits>) -> Result<Json<LimitTable>, ApiError> {
    let s = state.services.set_deadline_limits(&caller.actor, req.limits, req.expected_version).await?;
    Ok(Json(LimitTable { version: s.version, limits: s.deadlines.limits.list() }))
}

#[derive(Serialize, ToSchema)]
pub struct YearSummary {
    pub year: i32,
    /// Days off listed for the year.
    pub holidays: usize,
    /// Weekend days listed as worked (调休上班).
    pub workdays: usize,
}

impl From<CalendarYear> for YearSummary {
    fn from(y: CalendarYear) -> Self {
        YearSummary { year: y.year, holidays: y.holidays, workdays: y.workdays }
    }
}

/// The years the working-day calendar holds. A deadline that would fall in a year not listed
/// cannot be set until that year is added.
#[utoipa::path(get, path = "/api/v1/calendar/years", tag = "case settings", security(("bearer" = [])),
    responses((status = 200, body = Vec<YearSummary>), (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json")))]
pub async fn years(State(state): State<AppState>, caller: ApiCaller) -> Result<Json<Vec<YearSummary>>, ApiError> {
    Ok(Json(state.services.calendar_years(&caller.actor).await?.into_iter().map(YearSummary::from).collect()))
}

/// One year's public holidays and make-up working days, in date order.
#[utoipa::path(get, path = "/api/v1/calendar/years/{year}", tag = "case settings", security(("bearer" = [])), params(("year" = i32, Path, example = 2025)),
    responses((status = 200, body = Vec<CalendarDay>), (status = 400, body = Problem, content_type = "application/problem+json"),
        (status = 401, body = Problem, content_type = "application/problem+json"), (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn year(State(state): State<AppState>, caller: ApiCaller, ApiPath(year): ApiPath<i32>) -> Result<Json<Vec<CalendarDay>>, ApiError> {
    Ok(Json(state.services.calendar_year(&caller.actor, year).await?))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AddYear {
    #[schema(minimum = 2000, maximum = 2100, example = 2027)]
    pub year: i32,
    /// The State Council notice's days: holidays (`holiday`, any weekday) and make-up working
    /// days (`workday`, only on a Saturday or Sunday), all in `year`, each date once.
    pub days: Vec<CalendarDay>,
    /// Replace the year if it is already there (a corrected notice); otherwise 409.
    #[serde(default)]
    pub replace: bool,
}

/// Adds a calendar year (or corrects one with `replace`).
#[utoipa::path(post, path = "/api/v1/calendar/years", tag = "case settings", security(("bearer" = [])), request_body = AddYear,
    responses((status = 201, body = YearSummary), (status = 400, body = Problem, content_type = "application/problem+json"),
        (status = 401, body = Problem, content_type = "application/problem+json"), (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 409, body = Problem, content_type = "application/problem+json"), (status = 413, body = Problem, content_type = "application/problem+json"),
        (status = 415, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn add_year(State(state): State<AppState>, caller: ApiCaller, ApiJson(req): ApiJson<AddYear>) -> Result<(StatusCode, Json<YearSummary>), ApiError> {
    let y = state.services.add_calendar_year(&caller.actor, req.year, req.days, req.replace).await?;
    Ok((StatusCode::CREATED, Json(y.into())))
}
