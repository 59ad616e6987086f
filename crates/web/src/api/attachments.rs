//! A case's attachments over the API: upload (multipart), list, download.

use axum::Json;
use axum::extract::multipart::MultipartRejection;
use axum::extract::{Multipart, State};
use axum::http::StatusCode;
use axum::response::Response;
use fengqiao_domain::DomainError;
use fengqiao_domain::model::case::Attachment;
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::AppState;
use crate::attachments::{AttachmentForm, read_form, serve};
use crate::auth::ApiCaller;
use crate::error::{ApiError, ApiPath, Problem};

/// The upload: one or more files in fields named `files`.
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct AttachmentUpload {
    /// JPEG, PNG, WebP or HEIC photos, or PDFs; each at most the configured size (10 MiB by
    /// default). The type is read from the content: a file whose bytes disagree with its name
    /// or declared type is refused with 415.
    #[schema(value_type = Vec<String>, format = Binary)]
    files: Vec<Vec<u8>>,
}

#[derive(Serialize, ToSchema)]
pub struct AttachmentList {
    pub items: Vec<Attachment>,
}

/// Attaches files to a case. All files are checked before any is kept; the upload and each
/// file are written to the audit log. 413 for a file over the size limit, 415 for a type we
/// do not take or a disguised file, 422 for an empty file or more files than a case may hold.
#[utoipa::path(post, path = "/api/v1/cases/{id}/attachments", tag = "cases", security(("bearer" = [])), params(("id" = Uuid, Path)),
    request_body(content = AttachmentUpload, content_type = "multipart/form-data"),
    responses((status = 201, body = AttachmentList), (status = 400, body = Problem, content_type = "application/problem+json"),
        (status = 401, body = Problem, content_type = "application/problem+json"), (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"), (status = 413, body = Problem, content_type = "application/problem+json"),
        (status = 415, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn upload(
    State(state): State<AppState>,
    caller: ApiCaller,
    ApiPath(id): ApiPath<Uuid>,
    form: Result<Multipart, MultipartRejection>,
) -> Result<(StatusCode, Json<AttachmentList>), ApiError> {
    let s = &state.services;
    // Scope and permission first: an outsider learns nothing, whatever the body.
    s.case(&caller.actor, id).await?;
    let form = form.map_err(|_| DomainError::invalid("body", "error-media-type"))?;
    let mut sent = AttachmentForm::default();
    read_form(form, &s.attachments, &mut sent).await?;
    let items = s.attach(&caller.actor, id, &sent.files).await?;
    Ok((StatusCode::CREATED, Json(AttachmentList { items })))
}

/// A case's attachments, oldest first.
#[utoipa::path(get, path = "/api/v1/cases/{id}/attachments", tag = "cases", security(("bearer" = [])), params(("id" = Uuid, Path)),
    responses((status = 200, body = AttachmentList), (status = 400, body = Problem, content_type = "application/problem+json"),
        (status = 401, body = Problem, content_type = "application/problem+json"), (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn list(State(state): State<AppState>, caller: ApiCaller, ApiPath(id): ApiPath<Uuid>) -> Result<Json<AttachmentList>, ApiError> {
    Ok(Json(AttachmentList { items: state.services.attachments(&caller.actor, id).await? }))
}

/// The file itself, with the type sniffed at upload, `X-Content-Type-Options: nosniff` and a
/// sandboxing content security policy. Every download is written to the audit log.
#[utoipa::path(get, path = "/api/v1/cases/{id}/attachments/{attachment_id}", tag = "cases", security(("bearer" = [])),
    params(("id" = Uuid, Path), ("attachment_id" = Uuid, Path)),
    responses((status = 200, description = "The file's bytes", content(
            (Vec<u8> = "image/jpeg"), (Vec<u8> = "image/png"), (Vec<u8> = "image/webp"), (Vec<u8> = "image/heic"), (Vec<u8> = "application/pdf")),
            headers(("Content-Disposition" = String), ("X-Content-Type-Options" = String))),
        (status = 400, body = Problem, content_type = "application/problem+json"),
        (status = 401, body = Problem, content_type = "application/problem+json"), (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn download(State(state): State<AppState>, caller: ApiCaller, ApiPath((id, attachment_id)): ApiPath<(Uuid, Uuid)>) -> Result<Response, ApiError> {
    let (a, bytes) = state.services.attachment_content(&caller.actor, id, attachment_id).await?;
    Ok(serve(&a, bytes))
}
