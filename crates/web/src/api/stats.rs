//! Case figures over the API: any area in the caller's scope, any period, read from the sums
//! the write path keeps (so a district's year answers in milliseconds).

use axum::Json;
use axum::extract::State;
use chrono::NaiveDate;
use fengqiao_domain::model::case::CaseKind;
use fengqiao_domain::model::stats::CaseFigures;
use fengqiao_domain::services::stats::FigureQuery;
use serde::Deserialize;
use utoipa::IntoParams;

use crate::AppState;
use crate::auth::ApiCaller;
use crate::error::{ApiError, ApiQuery, Problem};

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct FiguresQuery {
    /// Area code in the caller's scope; the caller's home area when absent.
    #[param(example = "150102")]
    pub area: Option<String>,
    /// First day of the period (Asia/Shanghai), `YYYY-MM-DD`; 1 January of `to`'s year when absent.
    #[param(value_type = Option<String>, format = Date, example = "2024-01-01")]
    pub from: Option<NaiveDate>,
    /// Last day of the period, inclusive; today when absent. At most about ten years after `from`.
    #[param(value_type = Option<String>, format = Date, example = "2024-12-31")]
    pub to: Option<NaiveDate>,
    pub kind: Option<CaseKind>,
    /// A category code; its subcategories count too.
    pub category: Option<String>,
}

/// The figures of the cases taken in during a period in an area's subtree, and the same for
/// each child area.
///
/// **Intake (排查)**: cases taken in during the period (by intake date, Asia/Shanghai).
/// **Resolved (化解)**: of those, the ones whose conclusion now stands as resolved by agreement
/// or resolved otherwise; a reopened case counts by its latest conclusion. **Resolution rate
/// (化解率)** = resolved ÷ intake, cut (not rounded) to four decimals as officials quote it:
/// 3,232 of 3,413 is `0.9469`. Rates are `null` when there is nothing to divide by. Every
/// figure counts the period's cases as they stand now, except **overdue**: the period's open
/// cases past their deadline at the time of asking. **Satisfaction rate (满意率)** = (satisfied
/// + basically satisfied) ÷ all follow-up answers, one per visit: a dissatisfied visit reopens
/// the case and still counts. `fengqiao stats verify` recounts every
/// stored sum from the raw records.
#[utoipa::path(get, path = "/api/v1/stats/cases", tag = "figures", security(("bearer" = [])), params(FiguresQuery),
    responses((status = 200, body = CaseFigures, example = json!({
            "area": {"code": "150102", "name": "新城区", "level": "district"}, "from": "2024-01-01", "to": "2024-12-31",
            "kind": "dispute", "category": null, "intake": 3413, "resolved": 3232, "resolution_rate": 0.9469})),
        (status = 400, body = Problem, content_type = "application/problem+json"),
        (status = 401, body = Problem, content_type = "application/problem+json"), (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn cases(State(state): State<AppState>, caller: ApiCaller, ApiQuery(q): ApiQuery<FiguresQuery>) -> Result<Json<CaseFigures>, ApiError> {
    let query = FigureQuery { area_code: q.area, from: q.from, to: q.to, kind: q.kind, category: q.category };
    Ok(Json(state.services.case_figures(&caller.actor, &query).await?))
}
