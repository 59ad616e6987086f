//! The audit viewer: newest first, filtered, limited to the caller's subtree.

use askama::Template;
use axum::extract::{Query, State};
use axum::http::Uri;
use axum::response::Response;
use chrono::{NaiveDate, TimeZone};
use fengqiao_domain::DomainError;
use serde::Deserialize;

use super::{Base, Htmx, render};
use crate::AppState;
use crate::api::AuditQueryParams;
use crate::auth::{SignedIn, urlencode};
use crate::error::PageError;
use crate::i18n::Lang;

pub struct Row {
    pub seq: i64,
    pub when: String,
    pub actor: String,
    pub action: String,
    pub entity: String,
    pub change: String,
}

#[derive(Deserialize, Default)]
pub struct Filters {
    #[serde(default)]
    pub actor: String,
    #[serde(default)]
    pub action: String,
    #[serde(default)]
    pub entity_type: String,
    #[serde(default)]
    pub entity_id: String,
    /// Days as the date picker sends them (YYYY-MM-DD), Asia/Shanghai.
    #[serde(default)]
    pub from: String,
    #[serde(default)]
    pub to: String,
    pub before: Option<i64>,
}

#[derive(Template)]
#[template(path = "audit.html")]
struct AuditPage {
    l: Lang,
    base: Base,
    f: Filters,
    rows: Vec<Row>,
    next_before: Option<i64>,
    next_link: String,
    error: Option<String>,
}

/// The rows alone, for htmx when a filter changes.
#[derive(Template)]
#[template(path = "audit_rows.html")]
struct AuditRows {
    l: Lang,
    rows: Vec<Row>,
    next_before: Option<i64>,
    next_link: String,
    error: Option<String>,
}

/// Start of a Shanghai calendar day in UTC.
fn day_start(s: &str) -> Result<Option<chrono::DateTime<chrono::Utc>>, DomainError> {
    if s.trim().is_empty() {
        return Ok(None);
    }
    let d = NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d").map_err(|_| DomainError::invalid("from", "error-date"))?;
    let local = chrono_tz::Asia::Shanghai
        .from_local_datetime(&d.and_hms_opt(0, 0, 0).unwrap_or_default())
        .single()
        .ok_or(DomainError::invalid("from", "error-date"))?;
    Ok(Some(local.with_timezone(&chrono::Utc)))
}

pub async fn page(State(state): State<AppState>, l: Lang, uri: Uri, Htmx(fragment): Htmx, SignedIn(c): SignedIn, Query(f): Query<Filters>) -> Result<Response, PageError> {
    let (from, to) = match (day_start(&f.from), day_start(&f.to)) {
        (Ok(a), Ok(b)) => (a, b.map(|t| t + chrono::Duration::days(1))),
        _ => (None, None),
    };
    let date_error = (day_start(&f.from).is_err() || day_start(&f.to).is_err()).then(|| l.t("error-date"));
    let q = AuditQueryParams {
        actor: Some(f.actor.clone()),
        action: Some(f.action.clone()),
        entity_type: Some(f.entity_type.clone()),
        entity_id: Some(f.entity_id.clone()),
        from,
        to,
        before: f.before,
        limit: Some(50),
    };
    let filter = q.into_filter().map_err(|e| PageError(e.0))?;
    let limit = filter.limit;
    let entries = state.services.audit_log(&c.actor, filter).await?;
    let next_before = (entries.len() as i64 == limit).then(|| entries.last().map(|e| e.seq)).flatten();
    let rows = entries
        .into_iter()
        .map(|e| {
            let change = match (&e.before, &e.after) {
                (None, None) => String::new(),
                (b, a) => format!(
                    "{}\n→ {}",
                    b.as_ref().map(|v| serde_json::to_string_pretty(v).unwrap_or_default()).unwrap_or_else(|| "—".into()),
                    a.as_ref().map(|v| serde_json::to_string_pretty(v).unwrap_or_default()).unwrap_or_else(|| "—".into())
                ),
            };
            Row { seq: e.seq, when: l.datetime(&e.at), actor: e.actor_name, action: l.action(&e.action), entity: format!("{}:{}", e.entity_type, e.entity_id), change }
        })
        .collect();
    let next_link = format!(
        "/audit?actor={}&entity_type={}&entity_id={}&action={}&from={}&to={}&before=",
        urlencode(&f.actor), urlencode(&f.entity_type), urlencode(&f.entity_id), urlencode(&f.action), urlencode(&f.from), urlencode(&f.to)
    );
    if fragment {
        return Ok(render(&AuditRows { l, rows, next_before, next_link, error: date_error }));
    }
    let page = AuditPage { base: Base::new(Some(&c), "audit", &uri.to_string(), None), f, rows, next_before, next_link, error: date_error, l };
    Ok(render(&page))
}
