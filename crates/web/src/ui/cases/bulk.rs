//! Bulk assignment from the office's queue (`/cases?q=handling`) and the workload page
//! (`/cases/workload`). Each ticked case goes through the workflow's Assign action on its
//! own; the queue is shown again with what was assigned and why the others were not.

use askama::Template;
use axum::extract::{Query, State};
use axum::http::Uri;
use axum::response::Response;
use fengqiao_domain::DomainError;
use fengqiao_domain::rules::access::Permission;
use fengqiao_domain::services::cases::{BulkAssign, BulkItem};
use serde::Deserialize;
use uuid::Uuid;

use super::queue::{QueueQuery, show};
use crate::AppState;
use crate::auth::{PageCaller, SignedIn};
use crate::error::{PageError, PageForm};
use crate::i18n::Lang;
use crate::ui::{Base, render};

pub struct Refused {
    pub number: String,
    pub reason: String,
}

/// What a bulk assignment did, for the page that follows it.
pub struct BulkOutcome {
    pub summary: String,
    pub refused: Vec<Refused>,
    pub error: Option<String>,
}

pub struct BulkForm {
    pub csrf: String,
    pub handlers: Vec<(String, String)>,
    pub outcome: Option<BulkOutcome>,
}

/// Who the office can name as handler: active accounts at or below the caller's home that
/// handle cases. The domain checks each case again when it is assigned.
pub(crate) async fn form(state: &AppState, l: Lang, c: &PageCaller, outcome: Option<BulkOutcome>) -> BulkForm {
    let users = state.services.accounts(&c.actor, None, None, 200).await.unwrap_or_default();
    let handlers = users
        .into_iter()
        .filter(|u| !u.disabled && u.role.has(Permission::HandleCases) && u.home_area_path.starts_with(&c.actor.home_area_path))
        .map(|u| (u.id.to_string(), format!("{}（{}）", u.display_name, crate::ui::role_label(l, u.role))))
        .collect();
    BulkForm { csrf: c.csrf().to_string(), handlers, outcome }
}

pub async fn assign(State(state): State<AppState>, l: Lang, SignedIn(c): SignedIn, PageForm(f): PageForm<Vec<(String, String)>>) -> Result<Response, PageError> {
    let get = |k: &str| f.iter().find(|(key, _)| key == k).map(|(_, v)| v.trim().to_string()).unwrap_or_default();
    // Each box carries `id:version`, the version the page showed.
    let items: Result<Vec<BulkItem>, DomainError> = f
        .iter()
        .filter(|(k, _)| k == "case")
        .map(|(_, v)| {
            let (id, version) = v.split_once(':').ok_or(DomainError::invalid("case", "error-bad-request"))?;
            Ok(BulkItem {
                id: id.parse().map_err(|_| DomainError::invalid("case", "error-bad-request"))?,
                expected_version: version.parse().map_err(|_| DomainError::invalid("case", "error-bad-request"))?,
            })
        })
        .collect();
    let handler: Result<Uuid, DomainError> = get("handler_id").parse().map_err(|_| DomainError::invalid("handler_id", "error-case-assignee-cannot-handle"));
    let result = match (items, handler) {
        (Ok(items), _) if items.is_empty() => Err(DomainError::invalid("case", "error-bulk-none")),
        (Ok(items), Ok(handler_id)) => {
            let note = Some(get("note")).filter(|n| !n.is_empty());
            state.services.bulk_assign(&c.actor, BulkAssign { items, handler_id, note }).await
        }
        (Err(e), _) | (_, Err(e)) => Err(e),
    };
    let outcome = match result {
        Ok(results) => {
            let mut refused = Vec::new();
            for r in &results {
                if let Err(e) = &r.outcome {
                    // The number only for cases the caller may see; others stay unnamed.
                    let number = state.services.case(&c.actor, r.id).await.map(|x| x.number.to_string()).unwrap_or_else(|_| "—".into());
                    refused.push(Refused { number, reason: l.t(e.code()) });
                }
            }
            let assigned = results.len() - refused.len();
            let summary = l.t_args("cases-bulk-done", &[("assigned", assigned.to_string()), ("refused", refused.len().to_string())]);
            BulkOutcome { summary, refused, error: None }
        }
        Err(e @ (DomainError::Invalid { .. } | DomainError::Forbidden(_))) => BulkOutcome { summary: String::new(), refused: Vec::new(), error: Some(l.t(e.code())) },
        Err(e) => return Err(e.into()),
    };
    let q = QueueQuery { q: "handling".into(), ..Default::default() };
    show(&state, l, &c, "/cases?q=handling", q, Some(outcome)).await
}

pub struct LoadRow {
    pub name: String,
    pub open: i64,
    pub overdue: i64,
    pub concluded: i64,
}

#[derive(Template)]
#[template(path = "case_workload.html")]
struct WorkloadPage {
    l: Lang,
    base: Base,
    title: String,
    rows: Vec<LoadRow>,
}

#[derive(Deserialize)]
pub struct AreaQuery {
    area: Option<String>,
}

pub async fn workload(State(state): State<AppState>, l: Lang, uri: Uri, SignedIn(c): SignedIn, Query(q): Query<AreaQuery>) -> Result<Response, PageError> {
    let area = q.area.as_deref().map(str::trim).filter(|a| !a.is_empty());
    let w = state.services.workload(&c.actor, area).await?;
    let page = WorkloadPage {
        base: Base::new(Some(&c), "cases", &uri.to_string(), None),
        title: l.t_args("cases-workload-title", &[("area", w.area_name)]),
        rows: w.rows.into_iter().map(|r| LoadRow { name: r.handler_name, open: r.open, overdue: r.overdue, concluded: r.concluded_since }).collect(),
        l,
    };
    Ok(render(&page))
}
