//! `/settings/...`: the case settings an administrator keeps — categories, deadline limits
//! and calendar years. Every page is a plain form; a refused form is shown again with what
//! was typed and why.

mod calendar;
mod categories;
mod deadlines;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use fengqiao_domain::model::case::CaseKind;

use crate::AppState;
use crate::i18n::Lang;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/settings", get(|| async { Redirect::to("/settings/categories").into_response() }))
        .route("/settings/categories", get(categories::page).post(categories::add))
        .route("/settings/categories/{kind}/{code}", post(categories::change))
        .route("/settings/deadlines", get(deadlines::page).post(deadlines::save))
        .route("/settings/calendar", get(calendar::page).post(calendar::add).layer(DefaultBodyLimit::max(calendar::MAX_UPLOAD)))
        .route("/settings/calendar/{year}", get(calendar::year))
}

/// The sections of the settings pages, for the tabs on top of each.
pub(crate) fn sections(l: Lang) -> Vec<(&'static str, String)> {
    ["categories", "deadlines", "calendar"].into_iter().map(|s| (s, l.t(&format!("settings-{s}")))).collect()
}

/// The kind tabs of the category and deadline pages; an unknown kind shows the first.
pub(crate) fn kind_of(raw: Option<&str>) -> CaseKind {
    raw.and_then(|k| CaseKind::parse(k).ok()).unwrap_or(CaseKind::Dispute)
}

pub(crate) fn kinds(l: Lang) -> Vec<(&'static str, String)> {
    CaseKind::ALL.iter().map(|k| (k.as_str(), crate::ui::cases::label(l, "case-kind", k.as_str()))).collect()
}

/// A notice after a redirect, from this module's fixed list so no text is injected.
pub(crate) fn notice(l: Lang, ok: Option<&str>) -> Option<String> {
    const KNOWN: &[&str] = &["category-added", "category-changed", "limits-saved", "year-added"];
    ok.filter(|k| KNOWN.contains(k)).map(|k| l.t(&format!("ok-{k}")))
}

pub(crate) fn redirect(to: &str) -> Response {
    Redirect::to(to).into_response()
}
