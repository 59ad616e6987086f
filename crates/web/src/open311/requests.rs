//! The Open311 handlers: parse the spec's parameters, call one use case, answer in the format
//! the file name asks for.

use std::collections::BTreeMap;

use axum::body::Bytes;
use axum::extract::{FromRequestParts, Path, RawQuery, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, NaiveDate, Utc};
use fengqiao_domain::DomainError;
use fengqiao_domain::model::submission::ApiKey;
use fengqiao_domain::services::submissions::{Location, Open311Query, Open311Request};
use serde_json::{Value, json};

use super::{Format, Open311Error, answer, split_file, views};
use crate::AppState;
use crate::i18n::Lang;

/// The caller's address, for rate limits and the audit log.
pub struct Client(pub Option<String>);

impl FromRequestParts<AppState> for Client {
    type Rejection = std::convert::Infallible;
    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        Ok(Client(crate::auth::request_client_addr(parts, state)))
    }
}

/// Parameters as pairs: Open311 repeats names and nests `attribute[code]`.
struct Params(Vec<(String, String)>);

impl Params {
    fn parse(raw: &str, fmt: Format, lang: Lang) -> Result<Params, Open311Error> {
        serde_urlencoded::from_str::<Vec<(String, String)>>(raw)
            .map(Params)
            .map_err(|_| Open311Error { fmt, lang, error: DomainError::invalid("query", "error-bad-request") })
    }
    fn get(&self, name: &str) -> Option<&str> {
        self.0.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str()).filter(|v| !v.trim().is_empty())
    }
    /// Comma-separated lists, also given as repeated parameters.
    fn list(&self, name: &str) -> Vec<String> {
        self.0.iter().filter(|(k, _)| k == name).flat_map(|(_, v)| v.split(',')).map(|s| s.trim().to_string()).filter(|s| !s.is_empty()).collect()
    }
    fn attributes(&self) -> BTreeMap<String, String> {
        self.0
            .iter()
            .filter_map(|(k, v)| Some((k.strip_prefix("attribute[")?.strip_suffix(']')?.to_string(), v.clone())))
            .collect()
    }
}

struct Call {
    fmt: Format,
    lang: Lang,
}

impl Call {
    fn of(file: &str, lang: Lang) -> Result<(Call, &str), Open311Error> {
        match split_file(file) {
            Some((stem, fmt)) => Ok((Call { fmt, lang }, stem)),
            None => Err(Open311Error { fmt: Format::Json, lang, error: DomainError::NotFound("error-page-not-found") }),
        }
    }
    fn err(&self, error: DomainError) -> Open311Error {
        Open311Error { fmt: self.fmt, lang: self.lang, error }
    }
    fn ok(&self, root: &str, v: &Value) -> Response {
        answer(self.fmt, StatusCode::OK, root, v)
    }
}

/// The scope of a read: the key's area when a key is given (and the read audited), else the
/// named jurisdiction, else everything submitted.
async fn read_scope(state: &AppState, call: &Call, p: &Params, client: &Client, what: &str) -> Result<String, Open311Error> {
    let s = &state.services;
    let jurisdiction = match p.get("jurisdiction_id") {
        Some(j) => Some(s.open311_jurisdiction(j).await.map_err(|e| call.err(e))?),
        None => None,
    };
    if let Some(secret) = p.get("api_key") {
        let key = s.api_key_for(secret).await.map_err(|e| call.err(e))?;
        s.open311_audit_read(&key, what, client.0.clone()).await.map_err(|e| call.err(e))?;
        return Ok(key.area_path);
    }
    Ok(jurisdiction.map(|a| a.path).unwrap_or_else(|| "/".to_string()))
}

fn date(call: &Call, p: &Params, name: &'static str) -> Result<Option<DateTime<Utc>>, Open311Error> {
    let Some(v) = p.get(name) else { return Ok(None) };
    if let Ok(t) = DateTime::parse_from_rfc3339(v.trim()) {
        return Ok(Some(t.with_timezone(&Utc)));
    }
    // A bare date means its first instant in China Standard Time.
    match NaiveDate::parse_from_str(v.trim(), "%Y-%m-%d") {
        Ok(d) => Ok(d.and_hms_opt(0, 0, 0).and_then(|t| t.checked_sub_signed(chrono::Duration::hours(8))).map(|t| t.and_utc())),
        Err(_) => Err(call.err(DomainError::invalid(name, "error-open311-date"))),
    }
}

/// The resources at the root have fixed routes (so a wrong method is a 405 naming the right
/// ones); their last segment says which and in what format.
fn file_of(uri: &Uri) -> &str {
    uri.path().rsplit('/').next().unwrap_or("")
}

/// `GET services`, `GET requests` and `GET servicerequestupdates`.
pub async fn root_get(State(state): State<AppState>, lang: Lang, client: Client, uri: Uri, RawQuery(q): RawQuery) -> Response {
    let result: Result<Response, Open311Error> = async {
        let (call, stem) = Call::of(file_of(&uri), lang)?;
        let p = Params::parse(q.as_deref().unwrap_or(""), call.fmt, lang)?;
        let s = &state.services;
        match stem {
            "services" => {
                read_scope(&state, &call, &p, &client, "services").await?;
                let list: Vec<Value> = s.open311_services().await.map_err(|e| call.err(e))?.iter().map(|c| views::service(lang, c)).collect();
                Ok(call.ok("services", &Value::Array(list)))
            }
            "requests" => {
                let scope = read_scope(&state, &call, &p, &client, "requests").await?;
                let query = Open311Query {
                    numbers: p.list("service_request_id").into_iter().map(|n| n.to_ascii_uppercase()).collect(),
                    service_codes: p.list("service_code"),
                    start: date(&call, &p, "start_date")?,
                    end: date(&call, &p, "end_date")?,
                    statuses: p.list("status"),
                };
                let rows = s.open311_requests(&scope, &query).await.map_err(|e| call.err(e))?;
                Ok(call.ok("service_requests", &Value::Array(rows.iter().map(|r| views::request(lang, r)).collect())))
            }
            "servicerequestupdates" => {
                let scope = read_scope(&state, &call, &p, &client, "servicerequestupdates").await?;
                let rows = s.open311_updates(&scope, date(&call, &p, "start_date")?, date(&call, &p, "end_date")?).await.map_err(|e| call.err(e))?;
                let list: Vec<Value> = rows.iter().map(|(c, e)| views::update(lang, c.number.as_str(), e)).collect();
                Ok(call.ok("service_request_updates", &Value::Array(list)))
            }
            _ => Err(call.err(DomainError::NotFound("error-page-not-found"))),
        }
    }
    .await;
    result.unwrap_or_else(IntoResponse::into_response)
}

/// The reads of one named thing: a service's definition, a request, a token.
#[derive(Clone, Copy)]
enum Named {
    /// `GET services/{service_code}`: the definition with its attributes.
    Definition,
    /// `GET requests/{id}`: a list of one, as the specification has it.
    Request,
    /// `GET tokens/{token}`: the request a token became.
    Token,
}

async fn read_named(state: AppState, lang: Lang, client: Client, file: String, q: Option<String>, what: Named) -> Response {
    let result: Result<Response, Open311Error> = async {
        let (call, name) = Call::of(&file, lang)?;
        let p = Params::parse(q.as_deref().unwrap_or(""), call.fmt, lang)?;
        let s = &state.services;
        match what {
            Named::Definition => {
                read_scope(&state, &call, &p, &client, "service_definition").await?;
                let c = s.open311_service(name).await.map_err(|e| call.err(e))?;
                Ok(call.ok("service_definition", &views::definition(lang, &c)))
            }
            Named::Request => {
                let scope = read_scope(&state, &call, &p, &client, "request").await?;
                let r = s.open311_request(&scope, name).await.map_err(|e| call.err(e))?;
                Ok(call.ok("service_requests", &json!([views::request(lang, &r)])))
            }
            Named::Token => {
                let scope = read_scope(&state, &call, &p, &client, "token").await?;
                let r = s.open311_token(&scope, name).await.map_err(|e| call.err(e))?;
                Ok(call.ok("service_requests", &json!([{"service_request_id": r.case.number.as_str(), "token": r.submission.token.as_str()}])))
            }
        }
    }
    .await;
    result.unwrap_or_else(IntoResponse::into_response)
}

pub async fn definition(State(state): State<AppState>, lang: Lang, client: Client, Path(file): Path<String>, RawQuery(q): RawQuery) -> Response {
    read_named(state, lang, client, file, q, Named::Definition).await
}

pub async fn one_request(State(state): State<AppState>, lang: Lang, client: Client, Path(file): Path<String>, RawQuery(q): RawQuery) -> Response {
    read_named(state, lang, client, file, q, Named::Request).await
}

pub async fn token(State(state): State<AppState>, lang: Lang, client: Client, Path(file): Path<String>, RawQuery(q): RawQuery) -> Response {
    read_named(state, lang, client, file, q, Named::Token).await
}

fn number(call: &Call, p: &Params, name: &'static str) -> Result<Option<f64>, Open311Error> {
    match p.get(name) {
        None => Ok(None),
        Some(v) => v.trim().parse::<f64>().map(Some).map_err(|_| call.err(DomainError::invalid(name, "error-open311-coordinates"))),
    }
}

/// `POST requests`: form-encoded, `api_key` required.
pub async fn submit(
    State(state): State<AppState>,
    lang: Lang,
    client: Client,
    uri: Uri,
    headers: HeaderMap,
    body: Result<Bytes, axum::extract::rejection::BytesRejection>,
) -> Response {
    let result: Result<Response, Open311Error> = async {
        let (call, stem) = Call::of(file_of(&uri), lang)?;
        if stem != "requests" {
            return Err(call.err(DomainError::NotFound("error-page-not-found")));
        }
        let form = headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"));
        if !form {
            return Err(call.err(DomainError::invalid("body", "error-open311-form")));
        }
        let body = body.map_err(|_| call.err(DomainError::invalid("body", "error-too-large")))?;
        let raw = std::str::from_utf8(&body).map_err(|_| call.err(DomainError::invalid("body", "error-bad-request")))?;
        let p = Params::parse(raw, call.fmt, lang)?;
        let s = &state.services;
        let secret = p.get("api_key").ok_or_else(|| call.err(DomainError::Unauthenticated("error-api-key-missing")))?;
        let key: ApiKey = s.api_key_for(secret).await.map_err(|e| call.err(e))?;
        if let Some(j) = p.get("jurisdiction_id") {
            s.open311_jurisdiction(j).await.map_err(|e| call.err(e))?;
        }
        let service_code = p.get("service_code").ok_or_else(|| call.err(DomainError::invalid("service_code", "error-open311-service-code-required")))?;
        let (lat, long) = (number(&call, &p, "lat")?, number(&call, &p, "long")?);
        let lon_lat = match (lat, long) {
            (Some(lat), Some(lon)) => Some((lon, lat)),
            (None, None) => None,
            _ => return Err(call.err(DomainError::invalid("long", "error-open311-coordinates"))),
        };
        let req = Open311Request {
            service_code: service_code.to_string(),
            description: p.get("description").unwrap_or("").to_string(),
            location: Location { lon_lat, area_code: p.get("address_id").map(str::to_string), address: p.get("address_string").map(str::to_string) },
            attributes: p.attributes(),
            first_name: p.get("first_name").map(str::to_string),
            last_name: p.get("last_name").map(str::to_string),
            phone: p.get("phone").map(str::to_string),
            media_url: p.get("media_url").map(str::to_string),
        };
        let (case, sub) = s.open311_submit(&key, req, client.0.clone()).await.map_err(|e| call.err(e))?;
        let body = json!([{"service_request_id": case.number.as_str(), "token": sub.token.as_str(), "service_notice": "", "account_id": null}]);
        Ok(answer(call.fmt, StatusCode::CREATED, "service_requests", &body))
    }
    .await;
    result.unwrap_or_else(IntoResponse::into_response)
}
