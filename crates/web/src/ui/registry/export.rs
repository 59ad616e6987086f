//! "导出 Excel" on the registry lists. A plain link exports masked; full personal numbers
//! need a form with a reason, posted so that the reason is not left in the browser's
//! history and the CSRF check applies.

use axum::extract::{Query, State};
use axum::response::Response;
use fengqiao_domain::services::registry::ExportList;
use serde::Deserialize;

use crate::AppState;
use crate::auth::SignedIn;
use crate::error::{PageError, PageForm};
use crate::exports::Format;
use crate::i18n::Lang;

#[derive(Deserialize, Default)]
pub struct ExportQuery {
    #[serde(default)]
    area: String,
}

#[derive(Deserialize, Default)]
pub struct RevealForm {
    #[serde(default)]
    area: String,
    #[serde(default)]
    reason: String,
}

async fn export(state: &AppState, l: Lang, c: &crate::auth::PageCaller, list: ExportList, area: &str, reason: Option<&str>) -> Result<Response, PageError> {
    export_as(state, l, c, list, area, reason, Format::Xlsx).await
}

async fn export_as(state: &AppState, l: Lang, c: &crate::auth::PageCaller, list: ExportList, area: &str, reason: Option<&str>, format: Format) -> Result<Response, PageError> {
    let area = Some(area.trim()).filter(|a| !a.is_empty());
    let x = state.services.begin_export(&c.actor, list, area, reason).await?;
    Ok(crate::exports::registry::respond(&state.services, l, x, format).await?)
}

pub async fn residents(State(state): State<AppState>, l: Lang, SignedIn(c): SignedIn, Query(q): Query<ExportQuery>) -> Result<Response, PageError> {
    export(&state, l, &c, ExportList::Residents, &q.area, None).await
}

pub async fn residents_revealed(State(state): State<AppState>, l: Lang, SignedIn(c): SignedIn, PageForm(f): PageForm<RevealForm>) -> Result<Response, PageError> {
    export(&state, l, &c, ExportList::Residents, &f.area, Some(&f.reason)).await
}

pub async fn households(State(state): State<AppState>, l: Lang, SignedIn(c): SignedIn, Query(q): Query<ExportQuery>) -> Result<Response, PageError> {
    export(&state, l, &c, ExportList::Households, &q.area, None).await
}

pub async fn estates(State(state): State<AppState>, l: Lang, SignedIn(c): SignedIn, Query(q): Query<ExportQuery>) -> Result<Response, PageError> {
    export(&state, l, &c, ExportList::Estates, &q.area, None).await
}

pub async fn people(State(state): State<AppState>, l: Lang, SignedIn(c): SignedIn, Query(q): Query<ExportQuery>) -> Result<Response, PageError> {
    export(&state, l, &c, ExportList::People, &q.area, None).await
}

/// `/{list}/export.csv`: the same rows as the XLSX, masked.
async fn csv(state: AppState, l: Lang, c: SignedIn, q: ExportQuery, list: ExportList) -> Result<Response, PageError> {
    export_as(&state, l, &c.0, list, &q.area, None, Format::Csv).await
}

pub async fn residents_csv(State(state): State<AppState>, l: Lang, c: SignedIn, Query(q): Query<ExportQuery>) -> Result<Response, PageError> {
    csv(state, l, c, q, ExportList::Residents).await
}

pub async fn households_csv(State(state): State<AppState>, l: Lang, c: SignedIn, Query(q): Query<ExportQuery>) -> Result<Response, PageError> {
    csv(state, l, c, q, ExportList::Households).await
}

pub async fn estates_csv(State(state): State<AppState>, l: Lang, c: SignedIn, Query(q): Query<ExportQuery>) -> Result<Response, PageError> {
    csv(state, l, c, q, ExportList::Estates).await
}

pub async fn people_csv(State(state): State<AppState>, l: Lang, c: SignedIn, Query(q): Query<ExportQuery>) -> Result<Response, PageError> {
    csv(state, l, c, q, ExportList::People).await
}
