//! `/cases/{id}/agreement`: the 人民调解协议书 as a page set for A4 paper (the browser prints
//! it), and `/cases/{id}/agreement.pdf`, the same document made on the server.

use askama::Template;
use axum::extract::{Path, State};
use axum::response::Response;
use uuid::Uuid;

use crate::AppState;
use crate::auth::SignedIn;
use crate::documents::{AgreementDocument, TITLE, agreement_document};
use crate::error::PageError;
use crate::i18n::Lang;
use crate::ui::render;

#[derive(Template)]
#[template(path = "agreement_print.html")]
struct PrintPage {
    l: Lang,
    title: &'static str,
    doc: AgreementDocument,
    css: String,
}

pub async fn page(State(state): State<AppState>, l: Lang, SignedIn(c): SignedIn, Path(id): Path<Uuid>) -> Result<Response, PageError> {
    let doc = agreement_document(&state, &c.actor, id).await?;
    Ok(render(&PrintPage { l, title: TITLE, doc, css: crate::assets::url("agreement.css") }))
}

pub async fn pdf(State(state): State<AppState>, SignedIn(c): SignedIn, Path(id): Path<Uuid>) -> Result<Response, PageError> {
    let doc = agreement_document(&state, &c.actor, id).await?;
    let bytes = crate::documents::pdf(&state, &doc).await?;
    Ok(crate::api::mediation::pdf_response(bytes, &doc.number))
}
