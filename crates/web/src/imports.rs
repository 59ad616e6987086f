//! From an uploaded spreadsheet to an import job, shared by the API and the upload page.
//!
//! The request only stores the job and answers; a task on this node then reads the file
//! (XLSX or CSV, on a blocking thread: parsing is CPU work) and hands its rows to the
//! domain, which keeps the job's progress in the database. Any node can answer a poll; if
//! this node dies mid-way, the job stops reporting and is shown as interrupted.

use std::sync::Arc;

use axum::extract::Multipart;
use axum::extract::multipart::MultipartError;
use axum::http::StatusCode;
use fengqiao_domain::DomainError;
use fengqiao_domain::model::{ImportJob, ImportKind, ImportProblem};
use fengqiao_domain::rules::access::Actor;
use fengqiao_domain::services::Services;
use fengqiao_domain::services::registry::import::{columns, whole_file};
use fengqiao_domain::services::registry::{ImportRow, ImportSheet};
use fengqiao_sheets::{ColumnSpec, HeaderProblem, Limits, SheetError, Table, column_name, map_columns, read_table};

use crate::WebConfig;
use crate::i18n::Lang;

/// An upload form read whole: its text fields and its one file. The route's body limit
/// bounds the file, so holding it in memory is bounded too.
pub struct Upload {
    pub fields: Vec<(String, String)>,
    pub file_name: String,
    pub bytes: Vec<u8>,
}

impl Upload {
    pub fn field(&self, name: &str) -> Option<&str> {
        self.fields.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
    }
}

fn broken(e: MultipartError) -> DomainError {
    let key = if e.status() == StatusCode::PAYLOAD_TOO_LARGE { "error-too-large" } else { "error-bad-request" };
    DomainError::invalid("file", key)
}

pub async fn read_upload(mut form: Multipart) -> Result<Upload, DomainError> {
    let mut upload = Upload { fields: Vec::new(), file_name: String::new(), bytes: Vec::new() };
    let mut has_file = false;
    while let Some(field) = form.next_field().await.map_err(broken)? {
        match field.name().map(str::to_string) {
            Some(name) if name == "file" => {
                upload.file_name = field.file_name().unwrap_or("upload").to_string();
                upload.bytes = field.bytes().await.map_err(broken)?.to_vec();
                has_file = !upload.bytes.is_empty();
            }
            Some(name) => {
                let value = field.text().await.map_err(broken)?;
                upload.fields.push((name, value));
            }
            None => {}
        }
    }
    if !has_file {
        return Err(DomainError::invalid("file", "error-import-no-file"));
    }
    Ok(upload)
}

/// Reading limits for imports: the web settings, with the reader's defaults for the rest.
pub fn limits(config: &WebConfig) -> Limits {
    Limits { max_bytes: config.max_upload_bytes as u64, max_rows: config.max_import_rows, ..Limits::default() }
}

/// Records the job and starts reading the file in the background.
pub async fn start(services: Arc<Services>, config: &WebConfig, actor: &Actor, kind: ImportKind, upload: Upload, valid_rows_only: bool) -> Result<ImportJob, DomainError> {
    let job = services.start_import(actor, kind, &upload.file_name, valid_rows_only).await?;
    let (actor, id, limits) = (actor.clone(), job.id, limits(config));
    let file_name = job.file_name.clone();
    tokio::spawn(async move {
        let bytes = upload.bytes;
        let read = tokio::task::spawn_blocking(move || sheet_of(&bytes, &file_name, kind, &limits)).await;
        let result = match read {
            Ok(Ok(sheet)) => services.run_import(&actor, id, sheet).await.map(drop),
            Ok(Err(problems)) => services.reject_import(&actor, id, problems).await.map(drop),
            Err(e) => {
                tracing::error!(error = %e, job = %id, "reading an import file crashed");
                services.reject_import(&actor, id, vec![whole_file("error-internal", Vec::new())]).await.map(drop)
            }
        };
        if let Err(e) = result {
            tracing::error!(error = %e, job = %id, "import failed");
        }
    });
    Ok(job)
}

/// The rows of a file for the domain, or why the file cannot be imported at all.
pub fn sheet_of(bytes: &[u8], file_name: &str, kind: ImportKind, limits: &Limits) -> Result<ImportSheet, Vec<ImportProblem>> {
    let table = read_table(bytes, file_name, limits).map_err(|e| vec![sheet_problem(&e)])?;
    let specs: Vec<ColumnSpec> = columns(kind).iter().map(|c| ColumnSpec { key: c.key, headers: c.headers, required: c.required }).collect();
    let mapped = map_columns(&table, &specs).map_err(|problems| problems.iter().map(|p| header_problem(&table, p)).collect::<Vec<_>>())?;
    let present: Vec<(&'static str, usize, String)> =
        specs.iter().filter_map(|s| Some((s.key, mapped.index(s.key)?, mapped.header(s.key)?.to_string()))).collect();
    let warnings = mapped.warnings().iter().map(|p| header_problem(&table, p)).collect();
    let rows = table
        .rows
        .into_iter()
        .map(|mut r| ImportRow { line: r.line, values: present.iter().map(|(_, i, _)| r.cells.get_mut(*i).map(std::mem::take).unwrap_or_default()).collect() })
        .collect();
    Ok(ImportSheet { columns: present.into_iter().map(|(k, _, h)| (k, h)).collect(), rows, warnings })
}

fn owned(args: Vec<(&'static str, String)>) -> Vec<(String, String)> {
    args.into_iter().map(|(k, v)| (k.to_string(), v)).collect()
}

fn sheet_problem(e: &SheetError) -> ImportProblem {
    ImportProblem { row: e.row().unwrap_or(0), column: e.column().map(column_name).unwrap_or_default(), key: e.key().to_string(), value: String::new(), args: owned(e.args()) }
}

fn header_problem(table: &Table, p: &HeaderProblem) -> ImportProblem {
    let column = match p {
        HeaderProblem::Missing { expected, .. } => expected.to_string(),
        HeaderProblem::Duplicate { headers, .. } => headers.join("、"),
        HeaderProblem::Unknown { header, .. } => header.clone(),
        HeaderProblem::Unnamed { column } => column_name(*column),
    };
    ImportProblem { row: table.header_line, column, key: p.key().to_string(), value: String::new(), args: owned(p.args()) }
}

/// A problem as a sentence in the reader's language.
pub fn message(l: Lang, p: &ImportProblem) -> String {
    let args: Vec<(&'static str, String)> = p
        .args
        .iter()
        .map(|(k, v)| {
            // Fluent wants static names; the few an import uses are known.
            let name: &'static str = match k.as_str() {
                "row" => "row",
                "column" => "column",
                "columns" => "columns",
                "header" => "header",
                "headers" => "headers",
                "max" => "max",
                "max_mib" => "max_mib",
                "entry" => "entry",
                "name" => "name",
                _ => "detail",
            };
            (name, v.clone())
        })
        .collect();
    l.t_args(&p.key, &args)
}
