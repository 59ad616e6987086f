//! A case's attachments on its page: thumbnails and links, an upload form (multipart, the
//! CSRF token in the action's query string), and the files themselves under the browser
//! session, served as the API serves them.

use axum::extract::multipart::MultipartRejection;
use axum::extract::{Multipart, Path, State};
use axum::http::Uri;
use axum::response::{IntoResponse, Redirect, Response};
use fengqiao_domain::DomainError;
use fengqiao_domain::model::case::{Attachment, AttachmentType, Case};
use fengqiao_domain::services::cases::AttachmentSettings;
use uuid::Uuid;

use super::page::{ATTACH, Refusal, show};
use crate::AppState;
use crate::attachments::{AttachmentForm, read_form, serve};
use crate::auth::SignedIn;
use crate::error::{PageError, status_of};
use crate::i18n::Lang;
use crate::ui::refused;

use super::page::AttachmentRow;

/// The limits in a sentence, under every file input.
pub(crate) fn files_hint(l: Lang, limits: &AttachmentSettings) -> String {
    l.t_args("attachment-hint", &[("max_mib", (limits.max_bytes / (1024 * 1024)).to_string()), ("max", limits.max_per_case.to_string())])
}

fn size(bytes: i64) -> String {
    if bytes < 1024 * 1024 { format!("{} KiB", (bytes + 1023) / 1024) } else { format!("{:.1} MiB", bytes as f64 / (1024.0 * 1024.0)) }
}

pub(super) fn rows(l: Lang, case: &Case, list: Vec<Attachment>) -> Vec<AttachmentRow> {
    list.into_iter()
        .map(|a| AttachmentRow {
            url: format!("/cases/{}/attachments/{}", case.id, a.id),
            thumbnail: a.content_type.is_web_image(),
            tile: if a.content_type == AttachmentType::Heic { "HEIC" } else { "PDF" },
            about: format!("{} · {} · {}", size(a.size_bytes), a.uploader_name, l.datetime(&a.created_at)),
            name: a.file_name,
        })
        .collect()
}

pub async fn upload(
    State(state): State<AppState>,
    l: Lang,
    uri: Uri,
    SignedIn(c): SignedIn,
    Path(id): Path<Uuid>,
    body: Result<Multipart, MultipartRejection>,
) -> Result<Response, PageError> {
    let s = &state.services;
    // Scope first: outside it the case does not exist, whatever was sent.
    s.case(&c.actor, id).await?;
    let mut sent = AttachmentForm::default();
    let result = match body {
        Ok(m) => match read_form(m, &s.attachments, &mut sent).await {
            Ok(()) => s.attach(&c.actor, id, &sent.files).await.map(drop),
            Err(e) => Err(e),
        },
        Err(_) => Err(DomainError::invalid("files", "error-bad-request")),
    };
    match result {
        Ok(()) => Ok(Redirect::to(&format!("/cases/{id}?ok=attachments-added#attachments")).into_response()),
        Err(e) => {
            let status = match &e {
                DomainError::Invalid { .. } => status_of(&e),
                other => refused(other).ok_or_else(|| PageError(e.clone()))?,
            };
            let refusal = Refusal { action: ATTACH.to_string(), typed: Vec::new(), message: l.t(e.code()), stale: false };
            show(&state, l, &c, &uri, id, None, Some(refusal), status).await
        }
    }
}

pub async fn download(State(state): State<AppState>, SignedIn(c): SignedIn, Path((id, attachment_id)): Path<(Uuid, Uuid)>) -> Result<Response, PageError> {
    let (a, bytes) = state.services.attachment_content(&c.actor, id, attachment_id).await?;
    Ok(serve(&a, bytes))
}

#[cfg(test)]
mod tests {
    #[test]
    fn sizes_are_rounded_up_to_what_people_read() {
        assert_eq!(super::size(1), "1 KiB");
        assert_eq!(super::size(3 * 1024 * 1024 / 2), "1.5 MiB");
    }
}
