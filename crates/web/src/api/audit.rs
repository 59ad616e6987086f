//! The audit log over the API: newest first, filtered, limited to the caller's subtree.

use axum::Json;
use axum::extract::State;
use chrono::{DateTime, Utc};
use fengqiao_domain::model::{AuditEntry, AuditFilter};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::page_limit;
use crate::AppState;
use crate::auth::ApiCaller;
use crate::error::{ApiError, ApiQuery, Problem};

#[derive(Deserialize, IntoParams, Default)]
#[into_params(parameter_in = Query)]
pub struct AuditQuery {
    /// Exact username of the actor.
    pub actor: Option<String>,
    /// Action or its prefix, e.g. `area.` or `auth.login`.
    pub action: Option<String>,
    pub entity_type: Option<String>,
    pub entity_id: Option<String>,
    /// Inclusive lower bound (RFC 3339).
    pub from: Option<DateTime<Utc>>,
    /// Exclusive upper bound (RFC 3339).
    pub to: Option<DateTime<Utc>>,
    /// Keyset cursor: rows with a lower seq than this.
    #[param(minimum = 1)]
    pub before: Option<i64>,
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<i64>,
}

impl AuditQuery {
    pub fn into_filter(self) -> Result<AuditFilter, ApiError> {
        if self.before.is_some_and(|b| b < 1) {
            return Err(fengqiao_domain::DomainError::invalid("before", "error-query").into());
        }
        let clean = |s: Option<String>| s.map(|s| s.trim().to_string()).filter(|s| !s.is_empty());
        Ok(AuditFilter {
            scope_path: String::new(),
            actor_name: clean(self.actor),
            action_prefix: clean(self.action),
            entity_type: clean(self.entity_type),
            entity_id: clean(self.entity_id),
            from: self.from,
            to: self.to,
            before_seq: self.before,
            limit: page_limit(self.limit)?,
        })
    }
}

#[derive(Serialize, ToSchema)]
pub struct AuditPage {
    pub items: Vec<AuditEntry>,
    /// Pass as `before` for the next page; absent on the last page.
    pub next_before: Option<i64>,
}

#[utoipa::path(get, path = "/api/v1/audit", tag = "audit", security(("bearer" = [])), params(AuditQuery),
    responses((status = 200, body = AuditPage), (status = 400, body = Problem, content_type = "application/problem+json"), (status = 401, body = Problem, content_type = "application/problem+json"), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn list(State(state): State<AppState>, caller: ApiCaller, ApiQuery(q): ApiQuery<AuditQuery>) -> Result<Json<AuditPage>, ApiError> {
    let filter = q.into_filter()?;
    let limit = filter.limit;
    let items = state.services.audit_log(&caller.actor, filter).await?;
    let next_before = (items.len() as i64 == limit).then(|| items.last().map(|e| e.seq)).flatten();
    Ok(Json(AuditPage { items, next_before }))
}
