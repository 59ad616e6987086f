//! "导出 XLSX / CSV" on the case queues: the ledger of exactly what the page's filters show.
//! The links work as plain downloads; `static/export.js`, where it runs, fetches the file
//! instead and shows how far it has come against the `X-Total-Count` the answer starts with.

use axum::extract::{Query, State};
use axum::response::Response;

use super::queue::{QueueQuery, filters};
use crate::AppState;
use crate::auth::SignedIn;
use crate::error::PageError;
use crate::exports::{Format, ledger};
use crate::i18n::Lang;

/// The export links of a queue page and the words the progress script shows.
pub struct Links {
    pub xlsx: String,
    pub csv: String,
    pub script: String,
    /// Messages with `{total}`, `{done}` and `{kb}` for the script to fill in.
    pub start: String,
    pub rows: String,
    pub building: String,
    pub bytes: String,
    pub done: String,
    pub failed: String,
}

impl Links {
    /// `filter` is the page's query string without the page key.
    pub fn new(l: Lang, filter: &str) -> Self {
        let slot = |k: &'static str| (k, format!("{{{k}}}"));
        Links {
            xlsx: format!("/cases/export.xlsx?{filter}"),
            csv: format!("/cases/export.csv?{filter}"),
            script: crate::assets::url("export.js"),
            start: l.t("export-progress-start"),
            rows: l.t_args("export-progress-rows", &[slot("total"), slot("done")]),
            building: l.t_args("export-progress-total", &[slot("total")]),
            bytes: l.t_args("export-progress-bytes", &[slot("kb")]),
            done: l.t("export-progress-done"),
            failed: l.t("export-progress-failed"),
        }
    }
}

async fn export(state: AppState, l: Lang, c: SignedIn, q: QueueQuery, format: Format) -> Result<Response, PageError> {
    let SignedIn(c) = c;
    let (_, _, list) = filters(&c, &q);
    let x = state.services.begin_case_export(&c.actor, list?, format.as_str()).await?;
    Ok(ledger::respond(state.services.clone(), l, x, format).await?)
}

pub async fn xlsx(State(state): State<AppState>, l: Lang, c: SignedIn, Query(q): Query<QueueQuery>) -> Result<Response, PageError> {
    export(state, l, c, q, Format::Xlsx).await
}

pub async fn csv(State(state): State<AppState>, l: Lang, c: SignedIn, Query(q): Query<QueueQuery>) -> Result<Response, PageError> {
    export(state, l, c, q, Format::Csv).await
}
