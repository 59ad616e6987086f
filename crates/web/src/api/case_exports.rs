//! The case ledger (矛盾纠纷排查化解台账) as a file: the case list with the same filters and
//! scope, as XLSX or CSV. The answer comes at once with `X-Total-Count`, so a client can show
//! progress; the rows follow as they are read.

use axum::extract::State;
use axum::response::Response;

use crate::AppState;
use crate::api::cases::CaseExportQuery;
use crate::api::registry::export::{CsvFile, XlsxFile};
use crate::auth::ApiCaller;
use crate::error::{ApiError, ApiQuery, Problem};
use crate::exports::{Format, ledger};
use crate::i18n::Lang;

async fn export(state: AppState, l: Lang, caller: ApiCaller, q: CaseExportQuery, format: Format) -> Result<Response, ApiError> {
    let x = state.services.begin_case_export(&caller.actor, q.case_list(), format.as_str()).await?;
    Ok(ledger::respond(state.services.clone(), l, x, format).await?)
}

/// The case ledger as XLSX: the cases `GET /api/v1/cases` lists with the same filters, all of
/// them: an area's in the order taken in (oldest first); a handling queue's
/// newest first. Parties by name only. `X-Total-Count` tells how many rows follow; the
/// export is written to the audit log before the file leaves. The workbook streams as its rows
/// are read (a zip written front to back); past 1,048,575 rows it goes on in a second sheet.
#[utoipa::path(get, path = "/api/v1/cases/export.xlsx", tag = "cases", security(("bearer" = [])), params(CaseExportQuery),
    responses((status = 200, body = XlsxFile, content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            headers(("X-Total-Count" = i64, description = "Rows in the file"))),
        (status = 400, body = Problem, content_type = "application/problem+json"), (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn xlsx(State(state): State<AppState>, l: Lang, caller: ApiCaller, ApiQuery(q): ApiQuery<CaseExportQuery>) -> Result<Response, ApiError> {
    export(state, l, caller, q, Format::Xlsx).await
}

/// The case ledger as CSV (UTF-8 with a byte-order mark, RFC 4180), streamed row by row.
#[utoipa::path(get, path = "/api/v1/cases/export.csv", tag = "cases", security(("bearer" = [])), params(CaseExportQuery),
    responses((status = 200, body = CsvFile, content_type = "text/csv", headers(("X-Total-Count" = i64, description = "Rows in the file"))),
        (status = 400, body = Problem, content_type = "application/problem+json"), (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn csv(State(state): State<AppState>, l: Lang, caller: ApiCaller, ApiQuery(q): ApiQuery<CaseExportQuery>) -> Result<Response, ApiError> {
    export(state, l, caller, q, Format::Csv).await
}
