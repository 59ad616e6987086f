//! `/admin/api-keys`: Open311 keys for other systems, issued, scoped and revoked by those who
//! manage accounts. A new key's secret is shown on the answer to the form, once.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, Uri};
use axum::response::{IntoResponse, Redirect, Response};
use fengqiao_domain::model::submission::ApiKey;
use fengqiao_domain::services::submissions::{DEFAULT_PER_MINUTE, NewApiKey};
use serde::Deserialize;
use uuid::Uuid;

use super::{Base, refused, render_with};
use crate::AppState;
use crate::auth::{PageCaller, SignedIn};
use crate::error::{PageError, PageForm};
use crate::i18n::Lang;

pub struct KeyRow {
    pub id: Uuid,
    pub name: String,
    pub prefix: String,
    pub area: String,
    pub per_minute: i32,
    pub created: String,
    pub revoked: Option<String>,
}

#[derive(Template)]
#[template(path = "api_keys.html")]
struct KeysPage {
    l: Lang,
    base: Base,
    csrf: String,
    keys: Vec<KeyRow>,
    /// The secret of the key just issued, shown this once.
    secret: Option<String>,
    name: String,
    area_code: String,
    per_minute: String,
    error: Option<String>,
}

#[derive(Deserialize, Default)]
pub struct IssueForm {
    name: String,
    area_code: String,
    per_minute: String,
}

async fn show(state: &AppState, l: Lang, c: &PageCaller, uri: &Uri, secret: Option<String>, typed: IssueForm, error: Option<String>, status: StatusCode, ok: Option<&str>) -> Result<Response, PageError> {
    let row = |k: ApiKey| KeyRow {
        id: k.id,
        name: k.name,
        prefix: k.prefix,
        area: fengqiao_domain::model::Area::path_codes(&k.area_path).last().map(|s| s.to_string()).unwrap_or_default(),
        per_minute: k.per_minute,
        created: l.datetime(&k.created_at),
        revoked: k.revoked_at.as_ref().map(|t| l.datetime(t)),
    };
    let keys = state.services.api_keys(&c.actor).await?.into_iter().map(row).collect();
    let notice = ok.filter(|k| *k == "api-key-revoked").map(|k| l.t(&format!("ok-{k}")));
    let per_minute = if typed.per_minute.is_empty() { DEFAULT_PER_MINUTE.to_string() } else { typed.per_minute };
    let page = KeysPage {
        base: Base::new(Some(c), "api-keys", &uri.to_string(), notice),
        csrf: c.csrf().to_string(),
        keys,
        secret,
        name: typed.name,
        area_code: typed.area_code,
        per_minute,
        error,
        l,
    };
    Ok(render_with(status, &page))
}

#[derive(Deserialize)]
pub struct OkQuery {
    ok: Option<String>,
}

pub async fn page(State(state): State<AppState>, l: Lang, uri: Uri, SignedIn(c): SignedIn, Query(q): Query<OkQuery>) -> Result<Response, PageError> {
    show(&state, l, &c, &uri, None, IssueForm::default(), None, StatusCode::OK, q.ok.as_deref()).await
}

pub async fn issue(State(state): State<AppState>, l: Lang, uri: Uri, SignedIn(c): SignedIn, PageForm(f): PageForm<IssueForm>) -> Result<Response, PageError> {
    let per_minute = match f.per_minute.trim() {
        "" => None,
        n => match n.parse::<i32>() {
            Ok(n) => Some(n),
            Err(_) => return show(&state, l, &c, &uri, None, f, Some(l.t("error-api-key-rate")), StatusCode::UNPROCESSABLE_ENTITY, None).await,
        },
    };
    let new = NewApiKey { name: f.name.clone(), area_code: f.area_code.clone(), per_minute };
    match state.services.issue_api_key(&c.actor, new).await {
        Ok(issued) => show(&state, l, &c, &uri, Some(issued.secret), IssueForm::default(), None, StatusCode::OK, None).await,
        Err(e) => match refused(&e) {
            Some(status) => show(&state, l, &c, &uri, None, f, Some(l.t(e.code())), status, None).await,
            None => Err(e.into()),
        },
    }
}

pub async fn revoke(State(state): State<AppState>, SignedIn(c): SignedIn, Path(id): Path<Uuid>) -> Result<Response, PageError> {
    state.services.revoke_api_key(&c.actor, id).await?;
    Ok(Redirect::to("/admin/api-keys?ok=api-key-revoked").into_response())
}
