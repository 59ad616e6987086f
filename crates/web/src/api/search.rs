//! Case search over the API: ranked, with matches marked, combinable with the case list's
//! filters, and always within the caller's scope.

use axum::Json;
use axum::extract::State;
use chrono::NaiveDate;
use fengqiao_domain::model::case::{CaseKind, CaseStatus, GeoPoint, HandlingLevel};
use fengqiao_domain::ports::CaseHit;
use fengqiao_domain::services::cases::{CaseList, CaseQueue, CaseSearch, IntakeDraft};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use crate::AppState;
use crate::api::cases::{QueueParam, case_filters};
use crate::auth::ApiCaller;
use crate::error::{ApiError, ApiJson, ApiQuery, Problem};

case_filters!(
    pub struct CaseSearchParams {
        /// The words to find, up to 100 characters; space-separated terms must all match.
        /// Matched against title, description, address, category, case number and, for roles
        /// that may, parties' names. Every character is text: there is no query syntax.
        #[param(example = "漏水", required = true, min_length = 1, max_length = 100)]
        pub q: Option<String>,
        /// Results to skip (ranked results page by offset), at most 1000.
        #[param(minimum = 0, maximum = 1000)]
        pub offset: Option<usize>,
        #[param(minimum = 1, maximum = 100)]
        pub limit: Option<usize>,
    }
);

#[derive(Serialize, ToSchema)]
pub struct SearchPage {
    /// Cases in the caller's scope that match, on every page together.
    pub total: usize,
    /// Best first. `title_html`, `snippet_html`, `address_html` and `parties_html` are escaped
    /// HTML whose only markup is `<mark>` around what matched.
    pub items: Vec<CaseHit>,
    /// Pass as `offset` for the next page; absent on the last page.
    pub next_offset: Option<usize>,
}

/// Finds cases by their words (Chinese word segmentation: two-character words such as 漏水
/// match), ranked by relevance. A query that matches cases outside the caller's scope does
/// not return them or count them.
#[utoipa::path(get, path = "/api/v1/search/cases", tag = "cases", security(("bearer" = [])), params(CaseSearchParams),
    responses((status = 200, body = SearchPage), (status = 400, body = Problem, content_type = "application/problem+json"),
        (status = 401, body = Problem, content_type = "application/problem+json"), (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn cases(State(state): State<AppState>, caller: ApiCaller, ApiQuery(p): ApiQuery<CaseSearchParams>) -> Result<Json<SearchPage>, ApiError> {
    let offset = p.offset.unwrap_or(0);
    let limit = p.limit.unwrap_or(20);
    let search = CaseSearch { text: p.q.clone().unwrap_or_default(), list: p.case_list(), offset, limit };
    let page = state.services.search_cases(&caller.actor, state.search_index()?, search).await?;
    let shown = offset + page.hits.len();
    let next_offset = (shown < page.total && !page.hits.is_empty()).then_some(shown);
    Ok(Json(SearchPage { total: page.total, items: page.hits, next_offset }))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SimilarRequest {
    pub kind: CaseKind,
    #[schema(example = "tenancy.utilities")]
    pub category: String,
    #[schema(example = "楼上卫生间漏水", max_length = 100)]
    pub title: String,
    #[serde(default)]
    #[schema(max_length = 5000)]
    pub description: String,
    /// The home area the new case would lie in.
    pub area_id: Uuid,
    pub point: Option<GeoPoint>,
}

/// Possible duplicates of a case being taken in: open cases of the same kind and category,
/// taken in within 30 days, in the same area or within 300 m, with words in common; best first.
#[utoipa::path(post, path = "/api/v1/search/similar-cases", tag = "cases", security(("bearer" = [])), request_body = SimilarRequest,
    responses((status = 200, body = Vec<CaseHit>), (status = 400, body = Problem, content_type = "application/problem+json"),
        (status = 401, body = Problem, content_type = "application/problem+json"), (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"), (status = 415, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn similar(State(state): State<AppState>, caller: ApiCaller, ApiJson(r): ApiJson<SimilarRequest>) -> Result<Json<Vec<CaseHit>>, ApiError> {
    let draft = IntakeDraft { kind: r.kind, category: r.category, text: format!("{}\n{}", r.title, r.description), area_id: r.area_id, point: r.point };
    Ok(Json(state.services.similar_cases(&caller.actor, state.search_index()?, draft).await?))
}
