//! The server-rendered UI. Every page works without JavaScript; forms post and redirect.
//! Pages share `Base` (navigation, language switch, notices) rendered by `base.html`.

mod accounts;
mod api_keys;
mod areas;
mod audit;
pub(crate) mod cases;
mod dashboard;
mod home;
mod imports;
mod maps;
mod mediation;
mod oversight;
mod portal;
mod portal_areas;
mod profile;
pub(crate) mod registry;
mod reports;
mod session;
mod settings;

use askama::Template;
use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use fengqiao_domain::DomainError;
use fengqiao_domain::model::{AreaLevel, Role};
use fengqiao_domain::rules::access::Permission;

use crate::AppState;
use crate::auth::PageCaller;
use crate::i18n::Lang;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/", get(home::page))
        .route("/login", get(session::login_page).post(session::login))
        .route("/logout", post(session::logout))
        .route("/lang/{code}", get(session::switch_language))
        .route("/profile", get(profile::page))
        .route("/profile/password", post(profile::change_password))
        .route("/areas", get(areas::home))
        .route("/areas/{code}", get(areas::page).post(areas::change))
        .route("/areas/{code}/children", post(areas::create_child))
        .route("/areas/{code}/map", get(maps::page))
        .route("/areas/{code}/map.json", get(maps::data))
        .route("/areas/{code}/boundaries", post(maps::upload).layer(DefaultBodyLimit::max(crate::api::boundaries::BOUNDARY_BODY_LIMIT)))
        .route("/accounts", get(accounts::list).post(accounts::create))
        .route("/accounts/{username}", get(accounts::page).post(accounts::update))
        .route("/accounts/{username}/password", post(accounts::reset_password))
        .route("/audit", get(audit::page))
        .merge(registry::router())
        .merge(cases::router())
        .merge(settings::router())
        .merge(mediation::router())
        .merge(oversight::router())
        .merge(dashboard::router())
        .merge(reports::router())
        .route("/admin/api-keys", get(api_keys::page).post(api_keys::issue))
        .route("/admin/api-keys/{id}/revoke", post(api_keys::revoke))
        .route("/portal", get(portal::form))
        .route("/portal/areas.json", get(portal_areas::options))
        .route("/portal/track", get(portal::lookup))
        .route("/portal/track/{token}", get(portal::track))
        .route("/portal/track/{token}/rating", post(portal::rate))
        .route("/portal/notices", get(portal::notices))
}

/// Pages that take spreadsheet uploads, under their own body limit.
pub fn uploads(limit: DefaultBodyLimit) -> Router<AppState> {
    imports::router(limit)
}

/// Case pages that take attachments (intake, the case's upload form), under their own limit.
pub fn case_uploads(limit: DefaultBodyLimit) -> Router<AppState> {
    cases::uploads(limit.clone()).route("/portal/submit", post(portal::submit).layer(limit))
}

/// Whether htmx made this request: it then wants only the fragment it swaps in, not the
/// whole page (the same handler serves both, so pages keep working without JavaScript).
pub struct Htmx(pub bool);

impl<S: Send + Sync> axum::extract::FromRequestParts<S> for Htmx {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut axum::http::request::Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(Htmx(parts.headers.get("hx-request").is_some_and(|v| v == "true")))
    }
}

/// What the navigation needs to know about the signed-in user.
pub struct Nav {
    pub display_name: String,
    pub csrf: String,
    pub section: &'static str,
    pub can_accounts: bool,
    pub can_audit: bool,
    pub can_registry: bool,
    pub can_import: bool,
    pub can_cases: bool,
    pub can_settings: bool,
    pub can_webhooks: bool,
    /// Unread notices, for the badge on the inbox link.
    pub unread: i64,
    pub can_dashboard: bool,
}

pub struct Base {
    pub nav: Option<Nav>,
    /// Path and query of this page, for the language switch to come back to.
    pub current: String,
    pub notice: Option<String>,
    pub css: String,
    pub htmx: String,
    pub js: String,
}

impl Base {
    pub fn new(caller: Option<&PageCaller>, section: &'static str, current: &str, notice: Option<String>) -> Self {
        Base {
            nav: caller.map(|c| Nav {
                display_name: c.actor.display_name.clone(),
                csrf: c.session.csrf_token.clone(),
                section,
                can_accounts: c.actor.role.has(Permission::ManageAccounts),
                can_audit: c.actor.role.has(Permission::ViewAudit),
                can_registry: c.actor.role.has(Permission::ViewRegistry),
                can_cases: c.actor.role.has(Permission::ViewCases),
                can_settings: c.actor.role.has(Permission::ManageCaseSettings),
                can_webhooks: oversight::can_webhooks(c),
                unread: c.unread,
                can_dashboard: dashboard::in_nav(c),
                can_import: fengqiao_domain::model::ImportKind::ALL
                    .iter()
                    .any(|k| c.actor.role.has(fengqiao_domain::services::registry::import::permission(*k))),
            }),
            current: current.to_string(),
            notice,
            css: crate::assets::url("app.css"),
            htmx: crate::assets::url("vendor/htmx.org/dist/htmx.min.js"),
            js: crate::assets::url("app.js"),
        }
    }
}

pub fn render(t: &impl Template) -> Response {
    render_with(StatusCode::OK, t)
}

pub fn render_with(status: StatusCode, t: &impl Template) -> Response {
    match t.render() {
        Ok(html) => (status, Html(html)).into_response(),
        Err(e) => {
            tracing::error!(error = %e, "template failed");
            (StatusCode::INTERNAL_SERVER_ERROR, "template error").into_response()
        }
    }
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage {
    l: Lang,
    base: Base,
    title: String,
    message: String,
}

/// The page behind every `PageError` (see `error::render_errors`).
pub fn error_page(l: Lang, status: StatusCode, e: &DomainError) -> String {
    let title = match status {
        StatusCode::NOT_FOUND => l.t("error-title-not-found"),
        StatusCode::FORBIDDEN => l.t("error-title-forbidden"),
        StatusCode::TOO_MANY_REQUESTS => l.t("error-title-busy"),
        s if s.is_server_error() => l.t("error-title-server"),
        _ => l.t("error-title-request"),
    };
    let page = ErrorPage { l, base: Base::new(None, "", "/", None), title, message: l.t(e.code()) };
    page.render().unwrap_or_else(|_| "error".into())
}

/// The page for URLs that match nothing.
pub async fn not_found() -> crate::error::PageError {
    crate::error::PageError(DomainError::NotFound("error-page-not-found"))
}

pub fn role_label(l: Lang, r: Role) -> String {
    l.t(&format!("role-{}", r.as_str().replace('_', "-")))
}

pub fn level_label(l: Lang, level: AreaLevel) -> String {
    l.t(&format!("level-{}", level.as_str()))
}

/// Role choices offered to this caller: only roles they may grant.
pub fn grantable_roles(l: Lang, caller: &PageCaller) -> Vec<(&'static str, String)> {
    Role::ALL.into_iter().filter(|r| caller.actor.role.may_grant(*r)).map(|r| (r.as_str(), role_label(l, r))).collect()
}

/// A notice shown after a redirect (`?ok=key`), from a fixed list so no text is injected.
pub fn notice(l: Lang, ok: Option<&str>) -> Option<String> {
    const KNOWN: &[&str] = &[
        "area-created", "area-updated", "boundaries-imported", "account-created", "account-updated", "password-changed", "password-reset",
        "person-created", "person-assigned", "person-unassigned", "organisation-created", "head-set", "case-reported", "case-acted", "attachments-added", "mediation-saved",
    ];
    ok.filter(|k| KNOWN.contains(k)).map(|k| l.t(&format!("ok-{k}")))
}

/// Errors a form can be shown again for, with what was typed and the reason, so nothing is
/// lost; anything else is an error page.
pub fn refused(e: &DomainError) -> Option<StatusCode> {
    match e {
        DomainError::Invalid { .. } => Some(StatusCode::UNPROCESSABLE_ENTITY),
        DomainError::Conflict(_) => Some(StatusCode::CONFLICT),
        DomainError::Forbidden(_) => Some(StatusCode::FORBIDDEN),
        DomainError::NotFound("error-area-not-found") => Some(StatusCode::UNPROCESSABLE_ENTITY),
        _ => None,
    }
}
