//! Case pages: the queues, intake from a phone, and the case with its timeline and the
//! actions allowed now. Everything posts a plain form and works without JavaScript.

mod attachments;
mod bulk;
mod export;
mod intake;
mod intake_form;
mod page;
mod queue;
mod search;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::routing::{get, post};
use fengqiao_domain::model::case::{Case, CaseKind, CategoryTree, HandlingLevel};

use crate::AppState;
use crate::i18n::Lang;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/cases", get(queue::list))
        .route("/cases/search", get(search::page))
        .route("/cases/export.xlsx", get(export::xlsx))
        .route("/cases/export.csv", get(export::csv))
        .route("/cases/new/residents", get(intake::resident_matches))
        .route("/cases/new/similar", get(search::similar))
        .route("/cases/{id}/attachments/{attachment_id}", get(attachments::download))
        .route("/cases/bulk-assign", post(bulk::assign))
        .route("/cases/workload", get(bulk::workload))
        .route("/cases/{id}", get(page::page))
        .route("/cases/{id}/act", post(page::act))
}

/// Forms that carry files, under the attachment body limit.
pub fn uploads(limit: DefaultBodyLimit) -> Router<AppState> {
    Router::new()
        .route("/cases/new", get(intake::form).post(intake::create).layer(limit))
        .route("/cases/{id}/attachments", post(attachments::upload).layer(limit))
}

/// Labels of the domain's string enums: one key per value, `{prefix}-{value}` with dashes.
pub(crate) fn label(l: Lang, prefix: &str, value: &str) -> String {
    l.t(&format!("{prefix}-{}", value.replace('_', "-")))
}

pub(crate) fn level_label(l: Lang, level: HandlingLevel) -> String {
    label(l, "case-level", level.as_str())
}

/// A category's name in the page's language; the code itself if the tree lost it.
pub(crate) fn category_name(l: Lang, tree: &CategoryTree, kind: CaseKind, code: &str) -> String {
    match tree.get(kind, code) {
        Some(c) => match l {
            Lang::ZhCn => c.name_zh.clone(),
            Lang::En => c.name_en.clone(),
        },
        None => code.to_string(),
    }
}

/// A deadline as the queue and the case page show it; "overdue" is a word, not only a colour.
pub(crate) struct Deadline {
    pub text: String,
    pub overdue: bool,
}

impl Deadline {
    pub fn of(l: Lang, c: &Case, now: chrono::DateTime<chrono::Utc>) -> Self {
        match c.deadline {
            Some(d) => Deadline { text: l.datetime(&d), overdue: c.is_overdue(now) },
            None => Deadline { text: l.t("case-no-deadline"), overdue: false },
        }
    }
}
