//! The spreadsheet upload page, an import's progress and result page, and column templates.
//! Progress is polled with htmx from the job row in the database, so any node can answer;
//! without JavaScript the page offers a refresh link instead.

use askama::Template;
use axum::Router;
use axum::extract::multipart::MultipartRejection;
use axum::extract::{DefaultBodyLimit, Multipart, Path, State};
use axum::http::{HeaderValue, StatusCode, Uri, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use fengqiao_domain::DomainError;
use fengqiao_domain::model::{ImportJob, ImportKind, ImportStatus};
use fengqiao_domain::services::registry::import::columns;
use fengqiao_sheets::XlsxWriter;
use uuid::Uuid;

use super::{Base, Htmx, render, render_with};
use crate::AppState;
use crate::auth::{PageCaller, SignedIn};
use crate::error::PageError;
use crate::i18n::Lang;
use crate::imports::{message, read_upload, start};

pub fn router(limit: DefaultBodyLimit) -> Router<AppState> {
    Router::new()
        .route("/import", get(page).post(upload).layer(limit))
        .route("/import/{id}", get(job))
        .route("/import/template/{file}", get(template))
}

pub struct KindChoice {
    pub value: &'static str,
    pub label: String,
    /// Column headers, required ones marked.
    pub columns: String,
}

pub struct RecentJob {
    pub id: Uuid,
    pub file_name: String,
    pub status: String,
    pub when: String,
}

#[derive(Template)]
#[template(path = "import.html")]
struct UploadPage {
    l: Lang,
    base: Base,
    csrf: String,
    kinds: Vec<KindChoice>,
    kind: String,
    file_hint: String,
    recent: Vec<RecentJob>,
    error: Option<String>,
}

fn kind_label(l: Lang, k: ImportKind) -> String {
    l.t(&format!("import-kind-{}", k.as_str()))
}

fn status_label(l: Lang, s: ImportStatus) -> String {
    l.t(&format!("import-status-{}", s.as_str()))
}

fn header_of(l: Lang, headers: &[&str]) -> String {
    let i = if l == Lang::En { 1 } else { 0 };
    headers.get(i).or(headers.first()).map(|h| h.to_string()).unwrap_or_default()
}

async fn show(state: &AppState, l: Lang, c: &PageCaller, uri: &Uri, kind: &str, error: Option<String>, status: StatusCode) -> Result<Response, PageError> {
    let s = &state.services;
    let kinds = ImportKind::ALL
        .into_iter()
        .filter(|k| s.may_import(&c.actor, *k).is_ok())
        .map(|k| KindChoice {
            value: k.as_str(),
            label: kind_label(l, k),
            columns: columns(k).iter().map(|c| format!("{}{}", header_of(l, c.headers), if c.required { "*" } else { "" })).collect::<Vec<_>>().join(if l == Lang::En { ", " } else { "、" }),
        })
        .collect();
    let recent = s
        .recent_imports(&c.actor, 10)
        .await?
        .into_iter()
        .map(|j| RecentJob { id: j.id, status: status_label(l, j.status), when: l.datetime(&j.created_at), file_name: j.file_name })
        .collect();
    let mib = (state.config.max_upload_bytes / (1024 * 1024)).to_string();
    let page = UploadPage {
        base: Base::new(Some(c), "import", &uri.to_string(), None),
        csrf: c.csrf().to_string(),
        kinds,
        kind: kind.to_string(),
        file_hint: l.t_args("import-file-hint", &[("max_mib", mib), ("max", state.config.max_import_rows.to_string())]),
        recent,
        error,
        l,
    };
    Ok(render_with(status, &page))
}

pub async fn page(State(state): State<AppState>, l: Lang, uri: Uri, SignedIn(c): SignedIn) -> Result<Response, PageError> {
    show(&state, l, &c, &uri, "", None, StatusCode::OK).await
}

pub async fn upload(State(state): State<AppState>, l: Lang, uri: Uri, SignedIn(c): SignedIn, form: Result<Multipart, MultipartRejection>) -> Result<Response, PageError> {
    let started = async {
        let form = form.map_err(|_| DomainError::invalid("file", "error-import-no-file"))?;
        let upload = read_upload(form).await?;
        let kind = ImportKind::parse(upload.field("kind").unwrap_or_default())?;
        let valid_rows_only = upload.field("valid_rows_only").is_some_and(|v| v == "true");
        start(state.services.clone(), &state.config, &c.actor, kind, upload, valid_rows_only).await
    }
    .await;
    match started {
        Ok(job) => Ok(Redirect::to(&format!("/import/{}", job.id)).into_response()),
        Err(e @ (DomainError::Invalid { .. } | DomainError::Forbidden(_))) => {
            let status = crate::error::status_of(&e);
            show(&state, l, &c, &uri, "", Some(l.t(e.code())), status).await
        }
        Err(e) => Err(e.into()),
    }
}

pub struct ProblemRow {
    pub row: String,
    pub column: String,
    pub message: String,
    pub value: String,
}

/// The part of the job page that changes; htmx polls it until the job is finished.
#[derive(Template)]
#[template(path = "import_status.html")]
struct StatusPart {
    l: Lang,
    id: Uuid,
    running: bool,
    failed: bool,
    status: String,
    done: i64,
    total: i64,
    progress: String,
    counts: Vec<(String, usize)>,
    summary: String,
    problems: Vec<ProblemRow>,
    omitted: String,
    warnings: Vec<ProblemRow>,
}

#[derive(Template)]
#[template(path = "import_job.html")]
struct JobPage {
    l: Lang,
    base: Base,
    file_name: String,
    kind: String,
    when: String,
    part: String,
}

fn rows(l: Lang, list: &[fengqiao_domain::model::ImportProblem]) -> Vec<ProblemRow> {
    list.iter()
        .map(|p| ProblemRow {
            row: if p.row == 0 { "—".into() } else { p.row.to_string() },
            column: p.column.clone(),
            message: message(l, p),
            value: p.value.clone(),
        })
        .collect()
}

fn status_part(l: Lang, j: &ImportJob) -> StatusPart {
    let o = j.outcome.clone().unwrap_or_default();
    let summary = match j.status {
        ImportStatus::Done if !o.written && o.created + o.updated == 0 => l.t("import-summary-nothing"),
        ImportStatus::Done => l.t("import-summary-done"),
        ImportStatus::Rejected => l.t("import-summary-rejected"),
        ImportStatus::Failed => l.t("import-summary-failed"),
        _ => String::new(),
    };
    StatusPart {
        id: j.id,
        running: !j.status.is_finished(),
        failed: matches!(j.status, ImportStatus::Rejected | ImportStatus::Failed),
        status: status_label(l, j.status),
        done: j.rows_done,
        total: j.rows_total.max(1),
        progress: l.t_args("import-progress", &[("done", j.rows_done.to_string()), ("total", j.rows_total.to_string())]),
        counts: [("import-created", o.created), ("import-updated", o.updated), ("import-unchanged", o.unchanged), ("import-skipped", o.skipped)]
            .into_iter()
            .map(|(k, n)| (l.t(k), n))
            .collect(),
        summary,
        problems: rows(l, &o.problems),
        omitted: if o.problems_omitted > 0 { l.t_args("import-omitted", &[("n", o.problems_omitted.to_string())]) } else { String::new() },
        warnings: rows(l, &o.warnings),
        l,
    }
}

pub async fn job(State(state): State<AppState>, l: Lang, uri: Uri, Htmx(fragment): Htmx, SignedIn(c): SignedIn, Path(id): Path<Uuid>) -> Result<Response, PageError> {
    let j = state.services.import_job(&c.actor, id).await?;
    let part = status_part(l, &j);
    if fragment {
        return Ok(render(&part));
    }
    let part = part.render().map_err(|e| DomainError::Internal(format!("template: {e}")))?;
    let page = JobPage {
        base: Base::new(Some(&c), "import", &uri.to_string(), None),
        file_name: j.file_name.clone(),
        kind: kind_label(l, j.kind),
        when: l.datetime(&j.created_at),
        part,
        l,
    };
    Ok(render(&page))
}

/// An empty workbook with a kind's headers, in the reader's language, to fill in.
pub async fn template(l: Lang, SignedIn(_): SignedIn, Path(file): Path<String>) -> Result<Response, PageError> {
    let kind = ImportKind::parse(file.trim_end_matches(".xlsx")).map_err(|_| DomainError::NotFound("error-page-not-found"))?;
    let heads: Vec<String> = columns(kind).iter().map(|c| header_of(l, c.headers)).collect();
    let refs: Vec<&str> = heads.iter().map(String::as_str).collect();
    let failed = |e: fengqiao_sheets::SheetError| DomainError::Internal(format!("template: {e}"));
    let bytes = XlsxWriter::new(&kind_label(l, kind), &refs).and_then(|w| w.finish()).map_err(failed)?;
    let mut res = bytes.into_response();
    let h = res.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"));
    if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"{}-template.xlsx\"", kind.as_str())) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    Ok(res)
}
