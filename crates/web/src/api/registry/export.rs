//! Every registry list as an XLSX or a CSV file, from the same rows.

use axum::extract::State;
use axum::response::Response;
use fengqiao_domain::services::registry::ExportList;
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};

use crate::AppState;
use crate::auth::ApiCaller;
use crate::error::{ApiError, ApiQuery, Problem};
use crate::exports::Format;
use crate::i18n::Lang;

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ExportQuery {
    /// Area code; the caller's home area when absent.
    pub area: Option<String>,
    /// Full ID numbers and phones instead of masked ones. Needs the reveal permission and
    /// a `reason`; the export is audited either way.
    #[serde(default)]
    pub reveal: bool,
    #[param(min_length = 2, max_length = 200, example = "核对低保名单")]
    pub reason: Option<String>,
}

/// An XLSX workbook.
#[derive(ToSchema)]
#[schema(value_type = String, format = Binary)]
#[allow(dead_code)]
pub struct XlsxFile(Vec<u8>);

/// A CSV file: UTF-8 with a byte-order mark, RFC 4180 quoting.
#[derive(ToSchema)]
#[schema(value_type = String)]
#[allow(dead_code)]
pub struct CsvFile(String);

async fn export(state: AppState, l: Lang, caller: ApiCaller, list: ExportList, q: ExportQuery, format: Format) -> Result<Response, ApiError> {
    // A reason that is given is checked even without `reveal`, as the document states its bounds.
    if let Some(r) = &q.reason {
        let n = r.chars().count();
        if !(2..=200).contains(&n) {
            return Err(fengqiao_domain::DomainError::invalid("reason", "error-reveal-reason").into());
        }
    }
    let reason = q.reveal.then(|| q.reason.unwrap_or_default());
    let x = state.services.begin_export(&caller.actor, list, q.area.as_deref(), reason.as_deref()).await?;
    Ok(crate::exports::registry::respond(&state.services, l, x, format).await?)
}

macro_rules! export_endpoint {
    ($name:ident, $path:literal, $list:expr, $format:expr, $body:ty, $ctype:literal, $doc:literal) => {
        #[doc = $doc]
        #[utoipa::path(get, path = $path, tag = "registry", security(("bearer" = [])), params(ExportQuery),
            responses((status = 200, body = $body, content_type = $ctype),
                (status = 400, body = Problem, content_type = "application/problem+json"), (status = 401, body = Problem, content_type = "application/problem+json"),
                (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json"),
                (status = 422, body = Problem, content_type = "application/problem+json")))]
        pub async fn $name(State(state): State<AppState>, l: Lang, caller: ApiCaller, ApiQuery(q): ApiQuery<ExportQuery>) -> Result<Response, ApiError> {
            export(state, l, caller, $list, q, $format).await
        }
    };
}

export_endpoint!(residents, "/api/v1/residents/export.xlsx", ExportList::Residents, Format::Xlsx, XlsxFile, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "Residents of an area as XLSX, personal numbers masked unless revealed with a reason.");
export_endpoint!(households, "/api/v1/households/export.xlsx", ExportList::Households, Format::Xlsx, XlsxFile, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "Households of an area as XLSX.");
export_endpoint!(estates, "/api/v1/estates/export.xlsx", ExportList::Estates, Format::Xlsx, XlsxFile, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "Estates of an area as XLSX.");
export_endpoint!(people, "/api/v1/people/export.xlsx", ExportList::People, Format::Xlsx, XlsxFile, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "People who serve in an area as XLSX, phones masked unless revealed with a reason.");
export_endpoint!(residents_csv, "/api/v1/residents/export.csv", ExportList::Residents, Format::Csv, CsvFile, "text/csv", "Residents of an area as CSV (UTF-8 with BOM), personal numbers masked unless revealed with a reason.");
export_endpoint!(households_csv, "/api/v1/households/export.csv", ExportList::Households, Format::Csv, CsvFile, "text/csv", "Households of an area as CSV (UTF-8 with BOM).");
export_endpoint!(estates_csv, "/api/v1/estates/export.csv", ExportList::Estates, Format::Csv, CsvFile, "text/csv", "Estates of an area as CSV (UTF-8 with BOM).");
export_endpoint!(people_csv, "/api/v1/people/export.csv", ExportList::People, Format::Csv, CsvFile, "text/csv", "People who serve in an area as CSV (UTF-8 with BOM), phones masked unless revealed with a reason.");
