//! Account management: an administrator sees and manages only accounts in their subtree.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, Uri};
use axum::response::{IntoResponse, Redirect, Response};
use fengqiao_domain::model::User;
use fengqiao_domain::services::{AccountChange, NewAccount};
use serde::Deserialize;

use super::{Base, Htmx, grantable_roles, refused, render_with, role_label};
use crate::AppState;
use crate::auth::{PageCaller, SignedIn, urlencode};
use crate::error::{PageError, PageForm};
use crate::i18n::Lang;

pub struct Row {
    pub username: String,
    pub display_name: String,
    pub role: String,
    pub home: String,
    pub disabled: bool,
}

#[derive(Deserialize, Default)]
pub struct NewAccountForm {
    #[serde(default)]
    pub username: String,
    #[serde(default)]
    pub display_name: String,
    #[serde(default)]
    pub role: String,
    #[serde(default)]
    pub home_area_code: String,
    #[serde(default)]
    pub password: String,
}

#[derive(Template)]
#[template(path = "accounts.html")]
struct ListPage {
    l: Lang,
    base: Base,
    csrf: String,
    q: String,
    rows: Vec<Row>,
    next_after: Option<String>,
    roles: Vec<(&'static str, String)>,
    form: NewAccountForm,
    error: Option<String>,
}

/// The rows alone, for htmx's search-as-you-type.
#[derive(Template)]
#[template(path = "accounts_rows.html")]
struct ListRows {
    l: Lang,
    q: String,
    rows: Vec<Row>,
    next_after: Option<String>,
}

#[derive(Deserialize)]
pub struct ListQuery {
    q: Option<String>,
    after: Option<String>,
    ok: Option<String>,
}

const PAGE: i64 = 50;

async fn show_list(state: &AppState, l: Lang, c: &PageCaller, uri: &Uri, q: ListQuery, form: NewAccountForm, error: Option<String>, status: StatusCode, fragment: bool) -> Result<Response, PageError> {
    let users = state.services.accounts(&c.actor, q.after.clone(), q.q.clone(), PAGE).await?;
    let next_after = (users.len() as i64 == PAGE).then(|| users.last().map(|u| u.username.to_string())).flatten();
    let rows = users
        .into_iter()
        .map(|u| Row {
            username: u.username.to_string(),
            display_name: u.display_name,
            role: role_label(l, u.role),
            home: fengqiao_domain::model::Area::path_codes(&u.home_area_path).last().map(|s| s.to_string()).unwrap_or_default(),
            disabled: u.disabled,
        })
        .collect();
    if fragment {
        return Ok(render_with(status, &ListRows { l, q: q.q.unwrap_or_default(), rows, next_after }));
    }
    let page = ListPage {
        base: Base::new(Some(c), "accounts", &uri.to_string(), super::notice(l, q.ok.as_deref())),
        csrf: c.csrf().to_string(),
        q: q.q.unwrap_or_default(),
        rows,
        next_after,
        roles: grantable_roles(l, c),
        form,
        error,
        l,
    };
    Ok(render_with(status, &page))
}

pub async fn list(State(state): State<AppState>, l: Lang, uri: Uri, Htmx(fragment): Htmx, SignedIn(c): SignedIn, Query(q): Query<ListQuery>) -> Result<Response, PageError> {
    show_list(&state, l, &c, &uri, q, NewAccountForm::default(), None, StatusCode::OK, fragment).await
}

pub async fn create(State(state): State<AppState>, l: Lang, uri: Uri, SignedIn(c): SignedIn, PageForm(f): PageForm<NewAccountForm>) -> Result<Response, PageError> {
    let new = NewAccount {
        username: f.username.clone(),
        display_name: f.display_name.clone(),
        role: f.role.clone(),
        home_area_code: f.home_area_code.clone(),
        password: f.password.clone(),
    };
    match state.services.create_account(&c.actor, new).await {
        Ok(u) => Ok(Redirect::to(&format!("/accounts/{}?ok=account-created", urlencode(u.username.as_str()))).into_response()),
        Err(e) => match refused(&e) {
            Some(status) => {
                let q = ListQuery { q: None, after: None, ok: None };
                let form = NewAccountForm { password: String::new(), ..f };
                show_list(&state, l, &c, &uri, q, form, Some(l.t(e.code())), status, false).await
            }
            None => Err(e.into()),
        },
    }
}

#[derive(Template)]
#[template(path = "account.html")]
struct AccountPage {
    l: Lang,
    base: Base,
    csrf: String,
    user: User,
    home_code: String,
    roles: Vec<(&'static str, String)>,
    error: Option<String>,
}

#[derive(Deserialize)]
pub struct OkQuery {
    ok: Option<String>,
}

async fn show_account(state: &AppState, l: Lang, c: &PageCaller, uri: &Uri, username: &str, ok: Option<&str>, error: Option<String>, status: StatusCode) -> Result<Response, PageError> {
    let user = state.services.account(&c.actor, username).await?;
    let page = AccountPage {
        base: Base::new(Some(c), "accounts", &uri.to_string(), super::notice(l, ok)),
        csrf: c.csrf().to_string(),
        home_code: fengqiao_domain::model::Area::path_codes(&user.home_area_path).last().map(|s| s.to_string()).unwrap_or_default(),
        user,
        roles: grantable_roles(l, c),
        error,
        l,
    };
    Ok(render_with(status, &page))
}

pub async fn page(State(state): State<AppState>, l: Lang, uri: Uri, SignedIn(c): SignedIn, Path(username): Path<String>, Query(q): Query<OkQuery>) -> Result<Response, PageError> {
    show_account(&state, l, &c, &uri, &username, q.ok.as_deref(), None, StatusCode::OK).await
}

#[derive(Deserialize)]
pub struct EditForm {
    version: i64,
    display_name: String,
    role: String,
    home_area_code: String,
    disabled: Option<String>,
}

pub async fn update(State(state): State<AppState>, l: Lang, uri: Uri, SignedIn(c): SignedIn, Path(username): Path<String>, PageForm(f): PageForm<EditForm>) -> Result<Response, PageError> {
    let change = AccountChange {
        version: f.version,
        display_name: Some(f.display_name),
        role: Some(f.role),
        home_area_code: Some(f.home_area_code.trim().to_string()),
        disabled: Some(f.disabled.is_some()),
    };
    match state.services.change_account(&c.actor, &username, change).await {
        Ok(u) => Ok(Redirect::to(&format!("/accounts/{}?ok=account-updated", urlencode(u.username.as_str()))).into_response()),
        Err(e) => match refused(&e) {
            Some(status) => show_account(&state, l, &c, &uri, &username, None, Some(l.t(e.code())), status).await,
            None => Err(e.into()),
        },
    }
}

#[derive(Deserialize)]
pub struct ResetForm {
    new_password: String,
}

pub async fn reset_password(State(state): State<AppState>, l: Lang, uri: Uri, SignedIn(c): SignedIn, Path(username): Path<String>, PageForm(f): PageForm<ResetForm>) -> Result<Response, PageError> {
    match state.services.set_password(&c.actor, &username, None, &f.new_password).await {
        Ok(()) => Ok(Redirect::to(&format!("/accounts/{}?ok=password-reset", urlencode(&username))).into_response()),
        Err(e) => match refused(&e) {
            Some(status) => show_account(&state, l, &c, &uri, &username, None, Some(l.t(e.code())), status).await,
            None => Err(e.into()),
        },
    }
}
