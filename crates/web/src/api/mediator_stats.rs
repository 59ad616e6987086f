//! Mediator and partner-room figures over the API.

use axum::Json;
use axum::extract::State;
use chrono::NaiveDate;
use fengqiao_domain::model::mediator_figures::MediatorReport;
use fengqiao_domain::services::stats::FigureQuery;
use serde::Deserialize;
use utoipa::IntoParams;

use crate::AppState;
use crate::auth::ApiCaller;
use crate::error::{ApiError, ApiQuery, Problem};

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct MediatorQuery {
    /// The area's code; the caller's home area when absent. Outside the caller's scope: 404.
    pub area: Option<String>,
    /// First intake day (Asia/Shanghai); 1 January of `to`'s year when absent.
    #[param(value_type = Option<String>, format = Date, example = "2024-01-01")]
    pub from: Option<NaiveDate>,
    /// Last intake day; today when absent.
    #[param(value_type = Option<String>, format = Date, example = "2024-12-31")]
    pub to: Option<NaiveDate>,
}

/// Per mediator (the staff member cases were assigned to): cases of the period, concluded,
/// resolved, by agreement, success rate (resolved ÷ concluded) and share of the area's
/// handled cases. Per partner room: cases, by agreement, success rate and share of the
/// city's mediations of the category it takes (labour for the union rooms).
#[utoipa::path(get, path = "/api/v1/stats/mediators", tag = "figures", security(("bearer" = [])), params(MediatorQuery),
    responses((status = 200, body = MediatorReport), (status = 400, body = Problem, content_type = "application/problem+json"),
        (status = 401, body = Problem, content_type = "application/problem+json"), (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn mediators(State(state): State<AppState>, caller: ApiCaller, ApiQuery(q): ApiQuery<MediatorQuery>) -> Result<Json<MediatorReport>, ApiError> {
    let fq = FigureQuery { area_code: q.area, from: q.from, to: q.to, kind: None, category: None };
    Ok(Json(state.services.mediator_figures(&caller.actor, &fq).await?))
}
