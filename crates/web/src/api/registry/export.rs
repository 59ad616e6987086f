//! Every registry list as an XLSX file.

use axum::extract::State;
use axum::response::Response;
use fengqiao_domain::services::registry::ExportList;
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};

use crate::AppState;
use crate::auth::ApiCaller;
use crate::error::{ApiError, ApiQuery, Problem};
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

async fn export(state: AppState, l: Lang, caller: ApiCaller, list: ExportList, q: ExportQuery) -> Result<Response, ApiError> {
    // A reason that is given is checked even without `reveal`, as the document states its bounds.
    if let Some(r) = &q.reason {
        let n = r.chars().count();
        if !(2..=200).contains(&n) {
            return Err(fengqiao_domain::DomainError::invalid("reason", "error-reveal-reason").into());
        }
    }
    let reason = q.reveal.then(|| q.reason.unwrap_or_default());
    let x = state.services.begin_export(&caller.actor, list, q.area.as_deref(), reason.as_deref()).await?;
    Ok(crate::exports::registry::respond(&state.services, l, x, crate::exports::Format::Xlsx).await?)
}

macro_rules! export_endpoint {
    ($name:ident, $path:literal, $list:expr, $doc:literal) => {
        #[doc = $doc]
        #[utoipa::path(get, path = $path, tag = "registry", security(("bearer" = [])), params(ExportQuery),
            responses((status = 200, body = XlsxFile, content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
                (status = 400, body = Problem, content_type = "application/problem+json"), (status = 401, body = Problem, content_type = "application/problem+json"),
                (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json"),
                (status = 422, body = Problem, content_type = "application/problem+json")))]
        pub async fn $name(State(state): State<AppState>, l: Lang, caller: ApiCaller, ApiQuery(q): ApiQuery<ExportQuery>) -> Result<Response, ApiError> {
            export(state, l, caller, $list, q).await
        }
    };
}

export_endpoint!(residents, "/api/v1/residents/export.xlsx", ExportList::Residents, "Residents of an area as XLSX, personal numbers masked unless revealed with a reason.");
export_endpoint!(households, "/api/v1/households/export.xlsx", ExportList::Households, "Households of an area as XLSX.");
export_endpoint!(estates, "/api/v1/estates/export.xlsx", ExportList::Estates, "Estates of an area as XLSX.");
export_endpoint!(people, "/api/v1/people/export.xlsx", ExportList::People, "People who serve in an area as XLSX, phones masked unless revealed with a reason.");
