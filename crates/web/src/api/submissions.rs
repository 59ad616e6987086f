//! What came in from outside with a case (Open311 or the residents' portal), as the office sees
//! it: the source, the tracking number, the resident's rating and contact masked; the contact in
//! full only for a stated reason, audited.

use axum::Json;
use axum::extract::State;
use chrono::{DateTime, Utc};
use fengqiao_domain::model::case::Satisfaction;
use fengqiao_domain::model::submission::{Source, Submission};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::AppState;
use crate::auth::ApiCaller;
use crate::error::{ApiError, ApiJson, ApiPath, Problem};

#[derive(Serialize, ToSchema)]
pub struct SubmissionView {
    pub source: Source,
    /// The tracking number the resident or client follows the case by.
    pub token: String,
    pub api_key_id: Option<Uuid>,
    /// Masked, e.g. `王**`.
    pub contact_name: Option<String>,
    /// Masked, e.g. `139****0000`.
    pub contact_phone: Option<String>,
    pub consent_at: Option<DateTime<Utc>>,
    pub media_url: Option<String>,
    pub rating: Option<Satisfaction>,
    pub rated_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
}

impl From<Submission> for SubmissionView {
    fn from(s: Submission) -> Self {
        SubmissionView {
            source: s.source,
            token: s.token.as_str().to_string(),
            api_key_id: s.api_key_id,
            contact_name: s.contact_name.map(|p| p.masked),
            contact_phone: s.contact_phone.map(|p| p.masked),
            consent_at: s.consent_at,
            media_url: s.media_url,
            rating: s.rating,
            rated_at: s.rated_at,
            created_at: s.created_at,
        }
    }
}

/// A case's submission, for cases the caller may see; 404 for cases taken in by staff.
#[utoipa::path(get, path = "/api/v1/cases/{id}/submission", tag = "open311", security(("bearer" = [])), params(("id" = Uuid, Path)),
    responses((status = 200, body = SubmissionView), (status = 400, body = Problem, content_type = "application/problem+json"),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn get_one(State(state): State<AppState>, caller: ApiCaller, ApiPath(id): ApiPath<Uuid>) -> Result<Json<SubmissionView>, ApiError> {
    Ok(Json(state.services.case_submission(&caller.actor, id).await?.into()))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RevealContact {
    /// Why the full contact is needed; kept in the audit log.
    #[schema(example = "回访核实办理结果", min_length = 2, max_length = 200)]
    pub reason: String,
}

#[derive(Serialize, ToSchema)]
pub struct RevealedContactView {
    pub name: Option<String>,
    pub phone: Option<String>,
}

/// The submitter's full name and phone, for a stated reason; needs the reveal permission in the
/// case's area, and the reveal (never the values) is audited.
#[utoipa::path(post, path = "/api/v1/cases/{id}/submission/reveal", tag = "open311", security(("bearer" = [])), request_body = RevealContact,
    params(("id" = Uuid, Path)),
    responses((status = 200, body = RevealedContactView), (status = 400, body = Problem, content_type = "application/problem+json"),
        (status = 401, body = Problem, content_type = "application/problem+json"), (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"), (status = 413, body = Problem, content_type = "application/problem+json"),
        (status = 415, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn reveal(State(state): State<AppState>, caller: ApiCaller, ApiPath(id): ApiPath<Uuid>, ApiJson(req): ApiJson<RevealContact>) -> Result<Json<RevealedContactView>, ApiError> {
    let c = state.services.reveal_submitter(&caller.actor, id, &req.reason).await?;
    Ok(Json(RevealedContactView { name: c.name, phone: c.phone }))
}
