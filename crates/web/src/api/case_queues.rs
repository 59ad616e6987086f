//! A tier's office at work on its queue over the API: bulk assignment and the workload of
//! each handler.

use axum::Json;
use axum::extract::State;
use fengqiao_domain::services::cases::{BulkAssign, BulkItem};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use crate::AppState;
use crate::auth::ApiCaller;
use crate::error::{ApiError, ApiJson, ApiQuery, Problem, problem, status_of};
use crate::i18n::Lang;

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BulkCase {
    pub id: Uuid,
    /// The case's `version` as the caller last saw it.
    #[schema(minimum = 1)]
    pub expected_version: i64,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BulkAssignRequest {
    /// Who handles the cases: an account that handles cases, at home between the tier's area
    /// and each case's area.
    pub handler_id: Uuid,
    #[schema(max_length = 2000)]
    pub note: Option<String>,
    /// 1 to 100 cases, each once.
    #[schema(min_items = 1, max_items = 100)]
    pub cases: Vec<BulkCase>,
}

#[derive(Serialize, ToSchema)]
pub struct BulkCaseResult {
    pub id: Uuid,
    /// The status this case alone would have answered: 200 when assigned, 409 when it moved
    /// since `expected_version` or cannot be assigned now, 404 when it is not in the caller's
    /// scope, 422 when the handler cannot take it, 403 when the caller may not act for its tier.
    pub status: u16,
    /// The case's version after the assignment.
    pub version: Option<i64>,
    /// Why it was not assigned.
    pub problem: Option<Problem>,
}

#[derive(Serialize, ToSchema)]
pub struct BulkAssignResult {
    pub assigned: usize,
    pub refused: usize,
    /// One entry per case, in the order sent.
    pub results: Vec<BulkCaseResult>,
}

/// Assigns several cases of a queue to one handler. Each case goes through the workflow's
/// Assign action on its own, in its own transaction: a refused case is left exactly as it
/// was, the others are assigned. The answer is 200 with a result per case.
#[utoipa::path(post, path = "/api/v1/cases/bulk-assign", tag = "cases", security(("bearer" = [])), request_body = BulkAssignRequest,
    responses((status = 200, body = BulkAssignResult), (status = 400, body = Problem, content_type = "application/problem+json"),
        (status = 401, body = Problem, content_type = "application/problem+json"), (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 413, body = Problem, content_type = "application/problem+json"), (status = 415, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn bulk_assign(State(state): State<AppState>, caller: ApiCaller, lang: Lang, ApiJson(req): ApiJson<BulkAssignRequest>) -> Result<Json<BulkAssignResult>, ApiError> {
    let items = req.cases.into_iter().map(|c| BulkItem { id: c.id, expected_version: c.expected_version }).collect();
    let out = state.services.bulk_assign(&caller.actor, BulkAssign { items, handler_id: req.handler_id, note: req.note }).await?;
    let results: Vec<BulkCaseResult> = out
        .into_iter()
        .map(|r| match r.outcome {
            Ok(case) => BulkCaseResult { id: r.id, status: 200, version: Some(case.version), problem: None },
            Err(e) => BulkCaseResult { id: r.id, status: status_of(&e).as_u16(), version: None, problem: Some(problem(&e, lang, None)) },
        })
        .collect();
    let assigned = results.iter().filter(|r| r.status == 200).count();
    Ok(Json(BulkAssignResult { assigned, refused: results.len() - assigned, results }))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct WorkloadQuery {
    /// The tier's area code (its office); the caller's home area when absent.
    pub area: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct HandlerLoad {
    pub handler_id: Uuid,
    pub handler_name: String,
    /// Cases not yet concluded (or declined).
    pub open: i64,
    /// Open cases past their deadline now.
    pub overdue: i64,
    /// Cases concluded since the first of this month (Asia/Shanghai).
    pub concluded_this_month: i64,
}

#[derive(Serialize, ToSchema)]
pub struct WorkloadView {
    pub area_code: String,
    pub area_name: String,
    /// Handlers of the cases this office handles, by name.
    pub handlers: Vec<HandlerLoad>,
}

/// The workload of each handler in a tier's office.
#[utoipa::path(get, path = "/api/v1/cases/workload", tag = "cases", security(("bearer" = [])), params(WorkloadQuery),
    responses((status = 200, body = WorkloadView), (status = 400, body = Problem, content_type = "application/problem+json"),
        (status = 401, body = Problem, content_type = "application/problem+json"), (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn workload(State(state): State<AppState>, caller: ApiCaller, ApiQuery(q): ApiQuery<WorkloadQuery>) -> Result<Json<WorkloadView>, ApiError> {
    let w = state.services.workload(&caller.actor, q.area.as_deref()).await?;
    Ok(Json(WorkloadView {
        area_code: w.area_code,
        area_name: w.area_name,
        handlers: w
            .rows
            .into_iter()
            .map(|r| HandlerLoad { handler_id: r.handler_id, handler_name: r.handler_name, open: r.open, overdue: r.overdue, concluded_this_month: r.concluded_since })
            .collect(),
    }))
}
