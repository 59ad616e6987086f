//! `/inbox`: the signed-in person's notices (站内信), each linking to its case; and
//! `/admin/webhooks`: a system administrator's outbound endpoints and their deliveries.

use askama::Template;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, Uri};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use fengqiao_domain::model::Role;
use fengqiao_domain::model::notice::NoticeKind;
use serde::Deserialize;
use uuid::Uuid;

use super::{Base, refused, render_with};
use crate::AppState;
use crate::auth::{PageCaller, SignedIn, urlencode};
use crate::error::{PageError, PageForm};
use crate::i18n::Lang;

const PAGE: i64 = 30;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/inbox", get(inbox))
        .route("/inbox/read-all", post(read_all))
        .route("/inbox/{id}/read", post(read_one))
        .route("/admin/webhooks", get(webhooks).post(create_webhook))
        .route("/admin/webhooks/{id}", get(webhook).post(toggle_webhook))
}

/// Confirmations of this module's forms; anything else in `ok` is ignored.
fn ok_notice(l: Lang, ok: Option<&str>) -> Option<String> {
    const KNOWN: &[&str] = &["inbox-read-all", "webhook-created", "webhook-updated"];
    ok.filter(|k| KNOWN.contains(k)).map(|k| l.t(&format!("ok-{k}")))
}

pub struct Item {
    pub id: Uuid,
    pub kind: String,
    pub case_id: Option<Uuid>,
    pub case_label: String,
    pub actor: Option<String>,
    pub body: Option<String>,
    pub when: String,
    pub unread: bool,
}

#[derive(Template)]
#[template(path = "inbox.html")]
struct InboxPage {
    l: Lang,
    base: Base,
    csrf: String,
    items: Vec<Item>,
    unread_only: bool,
    unread: i64,
    next_link: Option<String>,
}

#[derive(Deserialize, Default)]
pub struct InboxQuery {
    #[serde(default)]
    unread: String,
    after: Option<Uuid>,
    ok: Option<String>,
}

pub async fn inbox(State(state): State<AppState>, l: Lang, uri: Uri, SignedIn(c): SignedIn, Query(q): Query<InboxQuery>) -> Result<Response, PageError> {
    let s = &state.services;
    let unread_only = q.unread == "1";
    let notes = s.inbox(&c.actor, unread_only, q.after, PAGE).await?;
    let next_link = (notes.len() as i64 == PAGE)
        .then(|| notes.last().map(|n| format!("/inbox?unread={}&after={}", urlencode(&q.unread), n.id)))
        .flatten();
    let items = notes
        .into_iter()
        .map(|n| Item {
            id: n.id,
            kind: super::cases::label(l, "notice-kind", n.kind.as_str()),
            case_id: n.case_id,
            case_label: format!("{} {}", n.case_number.unwrap_or_default(), n.case_title.unwrap_or_default()),
            actor: n.actor_name,
            // The monitor's notices carry the deadline's date; say what it is.
            body: match n.kind {
                NoticeKind::DeadlineWarning | NoticeKind::Overdue => n.body.map(|d| l.t_args("inbox-deadline", &[("date", d)])),
                _ => n.body,
            },
            when: l.datetime(&n.created_at),
            unread: n.read_at.is_none(),
        })
        .collect();
    let page = InboxPage {
        base: Base::new(Some(&c), "inbox", &uri.to_string(), ok_notice(l, q.ok.as_deref())),
        csrf: c.csrf().to_string(),
        items,
        unread_only,
        unread: s.unread_count(&c.actor).await?,
        next_link,
        l,
    };
    Ok(render_with(StatusCode::OK, &page))
}

#[derive(Deserialize)]
pub struct ReadForm {
    /// Where to go next: the case, or back to the inbox.
    #[serde(default)]
    open: String,
}

/// Marks a notice read, then opens its case when asked: the link in the inbox is this form,
/// so following it is reading it.
pub async fn read_one(State(state): State<AppState>, SignedIn(c): SignedIn, Path(id): Path<Uuid>, PageForm(f): PageForm<ReadForm>) -> Result<Response, PageError> {
    state.services.mark_read(&c.actor, id).await?;
    let to = match Uuid::parse_str(&f.open) {
        Ok(case) => format!("/cases/{case}"),
        Err(_) => "/inbox".to_string(),
    };
    Ok(Redirect::to(&to).into_response())
}

#[derive(Deserialize)]
pub struct Empty {}

pub async fn read_all(State(state): State<AppState>, SignedIn(c): SignedIn, PageForm(_): PageForm<Empty>) -> Result<Response, PageError> {
    state.services.mark_all_read(&c.actor).await?;
    Ok(Redirect::to("/inbox?ok=inbox-read-all").into_response())
}

pub struct EndpointRow {
    pub id: Uuid,
    pub url: String,
    pub active: bool,
    pub created: String,
}

pub struct DeliveryRow {
    pub when: String,
    pub kind: String,
    pub status: String,
    pub status_code: &'static str,
    pub attempts: i32,
    pub last: String,
}

#[derive(Template)]
#[template(path = "webhooks.html")]
struct WebhooksPage {
    l: Lang,
    base: Base,
    csrf: String,
    endpoints: Vec<EndpointRow>,
    /// The endpoint whose deliveries are shown, if one is open.
    open: Option<EndpointRow>,
    deliveries: Vec<DeliveryRow>,
    url: String,
    error: Option<String>,
}

async fn show_webhooks(state: &AppState, l: Lang, c: &PageCaller, uri: &Uri, open: Option<Uuid>, ok: Option<&str>, typed: (String, Option<String>), status: StatusCode) -> Result<Response, PageError> {
    let s = &state.services;
    let row = |w: fengqiao_domain::services::oversight::WebhookView| EndpointRow { id: w.id, url: w.url, active: w.active, created: l.datetime(&w.created_at) };
    let endpoints: Vec<EndpointRow> = s.webhooks(&c.actor).await?.into_iter().map(row).collect();
    let (open, deliveries) = match open {
        Some(id) => {
            let list = s.webhook_deliveries(&c.actor, id, 100).await?;
            let open = endpoints.iter().find(|e| e.id == id).map(|e| EndpointRow { url: e.url.clone(), created: e.created.clone(), ..*e });
            let rows = list
                .into_iter()
                .map(|d| DeliveryRow {
                    when: l.datetime(&d.created_at),
                    kind: super::cases::label(l, "notice-kind", d.kind.as_str()),
                    status: super::cases::label(l, "delivery-status", d.status.as_str()),
                    status_code: d.status.as_str(),
                    attempts: d.attempts,
                    last: d.last_error.or(d.last_status.map(|x| format!("HTTP {x}"))).unwrap_or_default(),
                })
                .collect();
            (open, rows)
        }
        None => (None, Vec::new()),
    };
    let page = WebhooksPage {
        base: Base::new(Some(c), "webhooks", &uri.to_string(), ok_notice(l, ok)),
        csrf: c.csrf().to_string(),
        endpoints,
        open,
        deliveries,
        url: typed.0,
        error: typed.1,
        l,
    };
    Ok(render_with(status, &page))
}

#[derive(Deserialize)]
pub struct OkQuery {
    ok: Option<String>,
}

pub async fn webhooks(State(state): State<AppState>, l: Lang, uri: Uri, SignedIn(c): SignedIn, Query(q): Query<OkQuery>) -> Result<Response, PageError> {
    show_webhooks(&state, l, &c, &uri, None, q.ok.as_deref(), (String::new(), None), StatusCode::OK).await
}

pub async fn webhook(State(state): State<AppState>, l: Lang, uri: Uri, SignedIn(c): SignedIn, Path(id): Path<Uuid>, Query(q): Query<OkQuery>) -> Result<Response, PageError> {
    show_webhooks(&state, l, &c, &uri, Some(id), q.ok.as_deref(), (String::new(), None), StatusCode::OK).await
}

#[derive(Deserialize)]
pub struct WebhookForm {
    url: String,
    secret: String,
}

pub async fn create_webhook(State(state): State<AppState>, l: Lang, uri: Uri, SignedIn(c): SignedIn, PageForm(f): PageForm<WebhookForm>) -> Result<Response, PageError> {
    match state.services.add_webhook(&c.actor, &f.url, &f.secret).await {
        Ok(_) => Ok(Redirect::to("/admin/webhooks?ok=webhook-created").into_response()),
        Err(e) => match refused(&e) {
            // The secret is not shown again, even to the person who typed it.
            Some(status) => show_webhooks(&state, l, &c, &uri, None, None, (f.url, Some(l.t(e.code()))), status).await,
            None => Err(e.into()),
        },
    }
}

#[derive(Deserialize)]
pub struct ToggleForm {
    active: String,
}

pub async fn toggle_webhook(State(state): State<AppState>, SignedIn(c): SignedIn, Path(id): Path<Uuid>, PageForm(f): PageForm<ToggleForm>) -> Result<Response, PageError> {
    state.services.set_webhook_active(&c.actor, id, f.active == "true").await?;
    Ok(Redirect::to(&format!("/admin/webhooks/{id}?ok=webhook-updated")).into_response())
}

/// Only a system administrator sees the webhook page in the menu.
pub fn can_webhooks(c: &PageCaller) -> bool {
    c.actor.role == Role::SystemAdmin
}
