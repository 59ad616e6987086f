//! Spreadsheet imports over the API: upload a file, get a job, poll it.

use axum::Json;
use axum::extract::multipart::MultipartRejection;
use axum::extract::{Multipart, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use fengqiao_domain::DomainError;
use fengqiao_domain::model::{ImportJob, ImportKind, ImportProblem, ImportStatus};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use crate::AppState;
use crate::auth::ApiCaller;
use crate::error::{ApiError, ApiPath, ApiQuery, Problem};
use crate::i18n::Lang;
use crate::imports::{message, read_upload, start};

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ImportParams {
    pub kind: ImportKind,
    /// Import the rows without problems and skip the others. By default a file with any
    /// problem is not imported at all.
    #[serde(default)]
    pub valid_rows_only: bool,
}

/// The upload: one file.
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct ImportUpload {
    /// An .xlsx workbook, or a CSV file in UTF-8 (with or without BOM), GBK or UTF-16. The
    /// first row holds the headers; templates are at `/import/template/{kind}.xlsx`.
    #[schema(value_type = String, format = Binary)]
    file: Vec<u8>,
}

#[derive(Serialize, ToSchema)]
pub struct ImportProblemView {
    /// Row as the spreadsheet shows it; 0 for the file as a whole.
    pub row: usize,
    /// The column's header as written in the file (or its letter).
    pub column: String,
    #[schema(example = "error-id-check-digit")]
    pub code: String,
    /// What is wrong, in the request's language.
    pub message: String,
    /// The cell's value, shortened; ID numbers and phones masked.
    pub value: String,
}

#[derive(Serialize, ToSchema)]
pub struct ImportJobView {
    pub id: Uuid,
    pub kind: ImportKind,
    pub file_name: String,
    pub status: ImportStatus,
    pub valid_rows_only: bool,
    pub rows_total: i64,
    /// Rows checked so far.
    pub rows_done: i64,
    pub created: usize,
    pub updated: usize,
    pub unchanged: usize,
    /// Rows left out for their problems (with `valid_rows_only`).
    pub skipped: usize,
    /// Whether anything was written.
    pub written: bool,
    /// By row; at most 1000.
    pub problems: Vec<ImportProblemView>,
    pub problems_omitted: usize,
    /// Things that did not stop the import, such as ignored columns.
    pub warnings: Vec<ImportProblemView>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

fn problem_view(l: Lang, p: &ImportProblem) -> ImportProblemView {
    ImportProblemView { row: p.row, column: p.column.clone(), code: p.key.clone(), message: message(l, p), value: p.value.clone() }
}

impl ImportJobView {
    pub fn new(l: Lang, j: ImportJob) -> Self {
        let o = j.outcome.unwrap_or_default();
        ImportJobView {
            id: j.id,
            kind: j.kind,
            file_name: j.file_name,
            status: j.status,
            valid_rows_only: j.valid_rows_only,
            rows_total: j.rows_total,
            rows_done: j.rows_done,
            created: o.created,
            updated: o.updated,
            unchanged: o.unchanged,
            skipped: o.skipped,
            written: o.written,
            problems: o.problems.iter().map(|p| problem_view(l, p)).collect(),
            problems_omitted: o.problems_omitted,
            warnings: o.warnings.iter().map(|p| problem_view(l, p)).collect(),
            created_at: j.created_at,
            updated_at: j.updated_at,
        }
    }
}

/// Starts importing a spreadsheet. The whole file is checked before anything is written;
/// the answer comes at once, with a job to poll at `Location`.
#[utoipa::path(post, path = "/api/v1/imports", tag = "registry", security(("bearer" = [])), params(ImportParams),
    request_body(content = ImportUpload, content_type = "multipart/form-data"),
    responses((status = 202, body = ImportJobView, headers(("Location" = String, description = "The job to poll"))),
        (status = 400, body = Problem, content_type = "application/problem+json"), (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"), (status = 413, body = Problem, content_type = "application/problem+json"),
        (status = 415, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn create(State(state): State<AppState>, l: Lang, caller: ApiCaller, ApiQuery(q): ApiQuery<ImportParams>, form: Result<Multipart, MultipartRejection>) -> Result<Response, ApiError> {
    state.services.may_import(&caller.actor, q.kind)?;
    let form = form.map_err(|_| DomainError::invalid("body", "error-media-type"))?;
    let upload = read_upload(form).await?;
    let job = start(state.services.clone(), &state.config, &caller.actor, q.kind, upload, q.valid_rows_only).await?;
    let location = format!("/api/v1/imports/{}", job.id);
    let mut res = (StatusCode::ACCEPTED, Json(ImportJobView::new(l, job))).into_response();
    if let Ok(v) = HeaderValue::from_str(&location) {
        res.headers_mut().insert(header::LOCATION, v);
    }
    Ok(res)
}

/// An import's progress, and when it is finished, what it did and every problem found.
#[utoipa::path(get, path = "/api/v1/imports/{id}", tag = "registry", security(("bearer" = [])), params(("id" = Uuid, Path)),
    responses((status = 200, body = ImportJobView), (status = 400, body = Problem, content_type = "application/problem+json"),
        (status = 401, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn get_one(State(state): State<AppState>, l: Lang, caller: ApiCaller, ApiPath(id): ApiPath<Uuid>) -> Result<Json<ImportJobView>, ApiError> {
    let job = state.services.import_job(&caller.actor, id).await?;
    Ok(Json(ImportJobView::new(l, job)))
}
