//! The signed-in user's own page: who they are and changing their password.

use askama::Template;
use axum::extract::{Query, State};
use axum::http::{StatusCode, Uri};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::{Base, refused, render_with, role_label};
use crate::AppState;
use crate::auth::{PageCaller, SignedIn};
use crate::error::{PageError, PageForm};
use crate::i18n::Lang;

#[derive(Template)]
#[template(path = "profile.html")]
struct ProfilePage {
    l: Lang,
    base: Base,
    csrf: String,
    username: String,
    role_label: String,
    home_name: String,
    error: Option<String>,
}

#[derive(Deserialize)]
pub struct OkQuery {
    ok: Option<String>,
}

async fn show(state: &AppState, l: Lang, c: &PageCaller, uri: &Uri, ok: Option<&str>, error: Option<String>, status: StatusCode) -> Result<Response, PageError> {
    let home = state.services.home_area(&c.actor).await?;
    let page = ProfilePage {
        base: Base::new(Some(c), "profile", &uri.to_string(), super::notice(l, ok)),
        csrf: c.csrf().to_string(),
        username: c.actor.username.clone(),
        role_label: role_label(l, c.actor.role),
        home_name: format!("{}（{}）", home.name, home.code),
        error,
        l,
    };
    Ok(render_with(status, &page))
}

pub async fn page(State(state): State<AppState>, l: Lang, uri: Uri, SignedIn(c): SignedIn, Query(q): Query<OkQuery>) -> Result<Response, PageError> {
    show(&state, l, &c, &uri, q.ok.as_deref(), None, StatusCode::OK).await
}

#[derive(Deserialize)]
pub struct PasswordForm {
    current_password: String,
    new_password: String,
}

/// Changing one's password ends every session, this one included: sign in again.
pub async fn change_password(State(state): State<AppState>, l: Lang, uri: Uri, SignedIn(c): SignedIn, PageForm(f): PageForm<PasswordForm>) -> Result<Response, PageError> {
    match state.services.set_password(&c.actor, &c.actor.username, Some(&f.current_password), &f.new_password).await {
        Ok(()) => Ok(Redirect::to("/login").into_response()),
        Err(e) => match refused(&e) {
            Some(status) => show(&state, l, &c, &uri, None, Some(l.t(e.code())), status).await,
            None => Err(e.into()),
        },
    }
}
