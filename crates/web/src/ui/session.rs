//! Signing in and out, and switching language.

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::CookieJar;
use base64::Engine;
use fengqiao_domain::DomainError;
use fengqiao_domain::model::SessionKind;
use rand::RngCore;
use serde::Deserialize;

use super::{Base, render_with};
use crate::AppState;
use crate::auth::{LOGIN_CSRF_COOKIE, MaybeSignedIn, SESSION_COOKIE, SignedIn, cookie, request_client_addr, safe_next};
use crate::error::PageError;
use crate::i18n::{LANG_COOKIE, Lang};

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage {
    l: Lang,
    base: Base,
    csrf: String,
    next: String,
    username: String,
    error: Option<String>,
}

#[derive(Deserialize)]
pub struct NextQuery {
    next: Option<String>,
}

fn login_csrf(jar: &CookieJar) -> String {
    jar.get(LOGIN_CSRF_COOKIE).map(|c| c.value().to_string()).filter(|v| v.len() >= 32).unwrap_or_else(|| {
        let mut b = [0u8; 32];
        rand::rng().fill_bytes(&mut b);
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(b)
    })
}

fn login_form(state: &AppState, l: Lang, jar: CookieJar, next: String, username: String, error: Option<String>, status: StatusCode) -> Response {
    let csrf = login_csrf(&jar);
    let jar = jar.add(cookie(LOGIN_CSRF_COOKIE, csrf.clone(), state.config.cookie_secure, true, Some(3600)));
    let page = LoginPage { l, base: Base::new(None, "", "/login", None), csrf, next, username, error };
    (jar, render_with(status, &page)).into_response()
}

pub async fn login_page(State(state): State<AppState>, l: Lang, jar: CookieJar, MaybeSignedIn(c): MaybeSignedIn, Query(q): Query<NextQuery>) -> Response {
    let next = safe_next(q.next.as_deref());
    if c.is_some() {
        return Redirect::to(&next).into_response();
    }
    login_form(&state, l, jar, next, String::new(), None, StatusCode::OK)
}

#[derive(Deserialize)]
pub struct LoginForm {
    username: String,
    password: String,
    next: Option<String>,
}

pub async fn login(State(state): State<AppState>, l: Lang, jar: CookieJar, parts: Parts, form: Result<Form<LoginForm>, axum::extract::rejection::FormRejection>) -> Response {
    let Ok(Form(form)) = form else {
        return PageError(DomainError::invalid("form", "error-bad-request")).into_response();
    };
    let next = safe_next(form.next.as_deref());
    let addr = request_client_addr(&parts, &state);
    match state.services.login(&form.username, &form.password, addr, SessionKind::Browser).await {
        Ok(out) => {
            // No Max-Age: the server decides when a session ends (it slides with use).
            let jar = jar
                .add(cookie(SESSION_COOKIE, out.token, state.config.cookie_secure, true, None))
                .remove(axum_extra::extract::cookie::Cookie::build(LOGIN_CSRF_COOKIE).path("/"));
            (jar, Redirect::to(&next)).into_response()
        }
        Err(e @ (DomainError::Unauthenticated(_) | DomainError::RateLimited { .. } | DomainError::Invalid { .. })) => {
            let status = if matches!(e, DomainError::RateLimited { .. }) { StatusCode::TOO_MANY_REQUESTS } else { StatusCode::UNAUTHORIZED };
            login_form(&state, l, jar, next, form.username.chars().take(64).collect(), Some(l.t(e.code())), status)
        }
        Err(e) => PageError(e).into_response(),
    }
}

pub async fn logout(State(state): State<AppState>, SignedIn(c): SignedIn, jar: CookieJar) -> Result<Response, PageError> {
    state.services.logout(&c.actor, &c.token).await?;
    let jar = jar.remove(axum_extra::extract::cookie::Cookie::build(SESSION_COOKIE).path("/"));
    Ok((jar, Redirect::to("/login")).into_response())
}

pub async fn switch_language(State(state): State<AppState>, Path(code): Path<String>, jar: CookieJar, Query(q): Query<NextQuery>) -> Response {
    let lang = Lang::parse(&code).unwrap_or_default();
    let jar = jar.add(cookie(LANG_COOKIE, lang.code().to_string(), state.config.cookie_secure, false, Some(365 * 24 * 3600)));
    (jar, Redirect::to(&safe_next(q.next.as_deref()))).into_response()
}
