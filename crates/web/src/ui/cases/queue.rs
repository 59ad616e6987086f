//! `/cases`: the queues a caller works from. Keyset "next page" only: a full count of a
//! district's cases would scan it on every visit from a phone.

use askama::Template;
use axum::extract::{Query, State};
use axum::http::Uri;
use axum::response::Response;
use fengqiao_domain::DomainError;
use fengqiao_domain::model::case::{CaseKind, CaseStatus};
use fengqiao_domain::rules::access::Permission;
use fengqiao_domain::services::cases::{CaseList, CaseQueue};
use serde::Deserialize;
use uuid::Uuid;

use super::{Deadline, category_name, label, level_label};
use crate::AppState;
use crate::auth::{PageCaller, SignedIn, urlencode};
use crate::error::PageError;
use crate::i18n::Lang;
use crate::ui::{Base, render};

const PAGE: i64 = 30;

pub struct Row {
    pub id: Uuid,
    pub version: i64,
    pub number: String,
    pub title: String,
    pub kind: String,
    pub category: String,
    pub status: String,
    pub status_code: &'static str,
    pub deadline: Deadline,
    pub level: String,
    pub supervised: bool,
}

#[derive(Template)]
#[template(path = "cases.html")]
struct QueuePage {
    l: Lang,
    base: Base,
    queue: String,
    status: String,
    kind: String,
    watch: String,
    queues: Vec<(&'static str, String)>,
    statuses: Vec<(&'static str, String)>,
    kinds: Vec<(&'static str, String)>,
    rows: Vec<Row>,
    next_link: Option<String>,
    /// The ledger of exactly what the filters show, as files.
    export: super::export::Links,
    error: Option<String>,
    can_report: bool,
    category: String,
    overdue: bool,
    categories: Vec<(String, Vec<(String, String)>)>,
    /// The bulk-assignment form: on the office's own queue, for those who run it.
    bulk: Option<super::bulk::BulkForm>,
}

/// The status filter's value for cases still being worked on.
const OPEN: &str = "open";

#[derive(Deserialize, Default)]
pub struct QueueQuery {
    #[serde(default)]
    pub(crate) q: String,
    /// A status, `open` (neither closed nor declined), or blank for all; absent means `open`
    /// in one's own and the office's queues, which are work to do, and all in the area's.
    pub(crate) status: Option<String>,
    #[serde(default)]
    pub(crate) kind: String,
    #[serde(default)]
    pub(crate) category: String,
    #[serde(default)]
    pub(crate) overdue: String,
    /// `supervised` or `extension`: cases with an open order or a pending request.
    #[serde(default)]
    pub(crate) watch: String,
    pub(crate) after: Option<Uuid>,
    pub(crate) ok: Option<String>,
}

pub async fn list(State(state): State<AppState>, l: Lang, uri: Uri, SignedIn(c): SignedIn, Query(q): Query<QueueQuery>) -> Result<Response, PageError> {
    show(&state, l, &c, &uri.to_string(), q, None).await
}

/// The queue a page asks for and its status choice, as the page shows them, and the list it
/// means (from the first page), or why the filters are wrong.
pub(crate) fn filters(c: &PageCaller, q: &QueueQuery) -> (String, String, Result<CaseList, DomainError>) {
    // Supervisors start from what their own office must handle; everyone else from their area,
    // which for a grid worker is their grid and so holds what they took in themselves.
    let queue = match q.q.as_str() {
        "mine" | "handling" | "area" => q.q.clone(),
        _ if c.actor.role.has(Permission::SuperviseCases) => "handling".to_string(),
        _ => "area".to_string(),
    };
    let status_choice = q.status.clone().unwrap_or_else(|| if queue == "area" { String::new() } else { OPEN.to_string() });
    let parsed = (|| -> Result<(Option<CaseStatus>, Option<CaseKind>), DomainError> {
        let status = Some(status_choice.trim()).filter(|v| !v.is_empty() && *v != OPEN).map(CaseStatus::parse).transpose()?;
        let kind = Some(q.kind.trim()).filter(|v| !v.is_empty()).map(CaseKind::parse).transpose()?;
        Ok((status, kind))
    })();
    let list = parsed.map(|(status, kind)| CaseList {
        queue: if queue == "handling" { CaseQueue::Handling } else { CaseQueue::Area },
        mine: queue == "mine",
        status,
        open_only: status_choice == OPEN,
        kind,
        category: Some(q.category.clone()).filter(|x| !x.trim().is_empty()),
        overdue: q.overdue == "true",
        supervised: q.watch == "supervised",
        extension_pending: q.watch == "extension",
        ..Default::default()
    });
    (queue, status_choice, list)
}

/// The queue page; after a bulk assignment, with its outcome on top.
pub(crate) async fn show(state: &AppState, l: Lang, c: &PageCaller, current: &str, q: QueueQuery, outcome: Option<super::bulk::BulkOutcome>) -> Result<Response, PageError> {
    c.actor.require(Permission::ViewCases)?;
    let s = &state.services;
    let (queue, status_choice, list) = filters(c, &q);
    let result = match list {
        Ok(list) => s.cases(&c.actor, CaseList { before: q.after, limit: PAGE, ..list }).await,
        Err(e) => Err(e),
    };
    let (cases, error) = match result {
        Ok(v) => (v, None),
        Err(e @ DomainError::Invalid { .. }) => (Vec::new(), Some(l.t(e.code()))),
        Err(e) => return Err(e.into()),
    };
    let now = s.clock.now();
    let settings = s.case_settings().await?;
    let tree = &settings.categories;
    let (status, kind, category, overdue, watch) = (urlencode(&status_choice), urlencode(&q.kind), urlencode(&q.category), urlencode(&q.overdue), urlencode(&q.watch));
    let filter = format!("q={}&status={status}&kind={kind}&category={category}&overdue={overdue}&watch={watch}", urlencode(&queue));
    let next_link = (cases.len() as i64 == PAGE).then(|| cases.last().map(|x| x.id)).flatten().map(|after| format!("/cases?{filter}&after={after}"));
    let rows = cases
        .iter()
        .map(|x| Row {
            id: x.id,
            version: x.version,
            number: x.number.to_string(),
            title: x.title.clone(),
            kind: label(l, "case-kind", x.kind.as_str()),
            category: category_name(l, tree, x.kind, x.category.as_str()),
            status: label(l, "case-status", x.status.as_str()),
            status_code: x.status.as_str(),
            deadline: Deadline::of(l, x, now),
            level: level_label(l, x.handling_level),
            supervised: x.supervision.is_some(),
        })
        .collect();
    let categories = CaseKind::ALL
        .iter()
        .map(|k| {
            let options = tree.of_kind(*k).map(|x| (x.code.to_string(), category_name(l, tree, *k, x.code.as_str()))).collect();
            (label(l, "case-kind", k.as_str()), options)
        })
        .collect();
    let bulk = if queue == "handling" && c.actor.role.has(Permission::SuperviseCases) {
        Some(super::bulk::form(state, l, c, outcome).await)
    } else {
        None
    };
    let page = QueuePage {
        base: Base::new(Some(c), "cases", current, crate::ui::notice(l, q.ok.as_deref())),
        category: q.category,
        overdue: q.overdue == "true",
        categories,
        bulk,
        queues: ["mine", "handling", "area"].into_iter().map(|k| (k, l.t(&format!("cases-queue-{k}")))).collect(),
        statuses: std::iter::once((OPEN, l.t("cases-filter-open")))
            .chain(CaseStatus::ALL.iter().map(|x| (x.as_str(), label(l, "case-status", x.as_str()))))
            .collect(),
        kinds: CaseKind::ALL.iter().map(|x| (x.as_str(), label(l, "case-kind", x.as_str()))).collect(),
        queue,
        status: status_choice,
        kind: q.kind,
        watch: q.watch,
        rows,
        next_link,
        export: super::export::Links::new(l, &filter),
        error,
        can_report: c.actor.role.has(Permission::ReportCases),
        l,
    };
    Ok(render(&page))
}
