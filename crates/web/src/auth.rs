//! Who is calling. API clients present a bearer token; browsers carry a session cookie and
//! must echo the session's CSRF token with every form they post. Both end in the same
//! `Actor` that the domain's rules take.

use std::collections::HashMap;
use std::net::SocketAddr;

use axum::extract::{ConnectInfo, FromRequestParts, Request, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, Method, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::CookieJar;
use axum_extra::extract::cookie::{Cookie, SameSite};
use fengqiao_domain::DomainError;
use fengqiao_domain::model::{Session, SessionKind};
use fengqiao_domain::rules::access::Actor;

use crate::AppState;
use crate::error::{ApiError, PageError};

pub const SESSION_COOKIE: &str = "fq_session";
pub const LOGIN_CSRF_COOKIE: &str = "fq_login_csrf";
pub const CSRF_FIELD: &str = "csrf_token";
pub const CSRF_HEADER: &str = "x-csrf-token";

/// The client's address: the socket peer, or the first `X-Forwarded-For` hop when the
/// operator has said a trusted proxy sits in front.
pub fn client_addr(parts_headers: &HeaderMap, peer: Option<SocketAddr>, trust_forwarded: bool) -> Option<String> {
    if trust_forwarded {
        if let Some(first) = parts_headers
            .get("x-forwarded-for")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(',').next())
            .map(str::trim)
            .filter(|s| s.parse::<std::net::IpAddr>().is_ok())
        {
            return Some(first.to_string());
        }
    }
    peer.map(|p| p.ip().to_string())
}

pub fn request_client_addr(parts: &Parts, state: &AppState) -> Option<String> {
    let peer = parts.extensions.get::<ConnectInfo<SocketAddr>>().map(|c| c.0);
    client_addr(&parts.headers, peer, state.config.trust_forwarded_for)
}

/// The caller of an API operation, from `Authorization: Bearer <token>`.
pub struct ApiCaller {
    pub actor: Actor,
    pub token: String,
}

pub fn bearer(headers: &HeaderMap) -> Option<&str> {
    let v = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = v.split_once(' ')?;
    scheme.eq_ignore_ascii_case("bearer").then(|| token.trim())
}

impl FromRequestParts<AppState> for ApiCaller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let token = bearer(&parts.headers).ok_or(DomainError::Unauthenticated("error-token-missing"))?.to_string();
        let addr = request_client_addr(parts, state);
        let (actor, _) = state.services.authenticate(&token, SessionKind::Api, addr).await?;
        Ok(ApiCaller { actor, token })
    }
}

/// A signed-in browser user, put in place by `browser_session`.
#[derive(Clone)]
pub struct PageCaller {
    pub actor: Actor,
    pub session: Session,
    pub token: String,
    /// Unread inbox notices, counted once per page for the badge in the header.
    pub unread: i64,
}

impl PageCaller {
    pub fn csrf(&self) -> &str {
        &self.session.csrf_token
    }
}

/// Page handlers that need a signed-in user take this; without one they redirect to login.
pub struct SignedIn(pub PageCaller);

pub struct ToLogin(String);

impl IntoResponse for ToLogin {
    fn into_response(self) -> Response {
        Redirect::to(&format!("/login?next={}", urlencode(&self.0))).into_response()
    }
}

impl<S: Send + Sync> FromRequestParts<S> for SignedIn {
    type Rejection = ToLogin;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        match parts.extensions.get::<PageCaller>() {
            Some(c) => Ok(SignedIn(c.clone())),
            None => Err(ToLogin(parts.uri.path_and_query().map(|p| p.as_str()).unwrap_or("/").to_string())),
        }
    }
}

/// Optional variant for pages that also serve anonymous visitors (login, errors).
pub struct MaybeSignedIn(pub Option<PageCaller>);

impl<S: Send + Sync> FromRequestParts<S> for MaybeSignedIn {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(MaybeSignedIn(parts.extensions.get::<PageCaller>().cloned()))
    }
}

pub fn urlencode(s: &str) -> String {
    serde_urlencoded::to_string([("", s)]).map(|x| x.trim_start_matches('=').to_string()).unwrap_or_default()
}

/// Only same-site paths are followed after login or a language switch (no open redirects).
pub fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(n) if n.starts_with('/') && !n.starts_with("//") && !n.contains('\\') && !n.starts_with("/login") => n.to_string(),
        _ => "/".to_string(),
    }
}

/// UI middleware: resolves the session cookie once per request and enforces CSRF on every
/// state-changing request. The token comes in the form field `csrf_token` (forms work
/// without JavaScript) or the `X-CSRF-Token` header (htmx). File uploads (multipart) carry it
/// in the query string of the form's action instead: their bodies can be far larger than a
/// form's, so they are streamed to the handler under its own size limit, never read here.
pub async fn browser_session(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let (mut parts, body) = req.into_parts();
    let jar = CookieJar::from_headers(&parts.headers);
    let addr = request_client_addr(&parts, &state);
    let mut clear_cookie = false;
    if let Some(c) = jar.get(SESSION_COOKIE) {
        match state.services.authenticate(c.value(), SessionKind::Browser, addr).await {
            Ok((actor, session)) => {
                // Pages show the inbox badge; assets and the API do not need the count.
                let page = !parts.uri.path().starts_with("/static/") && !parts.uri.path().starts_with("/api/");
                let unread = if page { state.services.unread_count(&actor).await.unwrap_or(0) } else { 0 };
                parts.extensions.insert(PageCaller { actor, session, token: c.value().to_string(), unread });
            }
            Err(DomainError::Internal(e)) => return PageError(DomainError::Internal(e)).into_response(),
            Err(_) => clear_cookie = true,
        }
    }
    let unsafe_method = !matches!(parts.method, Method::GET | Method::HEAD | Method::OPTIONS);
    let body = if unsafe_method {
        let header = parts.headers.get(CSRF_HEADER).and_then(|v| v.to_str().ok()).map(str::to_string);
        let (presented, body) = if is_multipart(&parts.headers) {
            (header.or_else(|| query_field(parts.uri.query(), CSRF_FIELD)), body)
        } else {
            let bytes = match axum::body::to_bytes(body, state.config.max_body_bytes).await {
                Ok(b) => b,
                Err(_) => return PageError(DomainError::invalid("form", "error-too-large")).into_response(),
            };
            let presented = header.or_else(|| form_field(&parts.headers, &bytes, CSRF_FIELD));
            (presented, axum::body::Body::from(bytes))
        };
        // Forms posted without a session (sign-in, the residents' portal) are checked against
        // the anonymous form cookie: double submit.
        let anonymous_form = parts.uri.path() == "/login" || parts.uri.path().starts_with("/portal/");
        let expected = if anonymous_form {
            jar.get(LOGIN_CSRF_COOKIE).map(|c| c.value().to_string())
        } else {
            parts.extensions.get::<PageCaller>().map(|c| c.session.csrf_token.clone())
        };
        let ok = matches!((&presented, &expected), (Some(p), Some(e)) if !e.is_empty() && constant_eq(p, e));
        if !ok {
            tracing::warn!(path = %parts.uri.path(), "rejected a form without a valid CSRF token");
            return PageError(DomainError::Forbidden("error-csrf")).into_response();
        }
        body
    } else {
        body
    };
    let mut res = next.run(Request::from_parts(parts, body)).await;
    if clear_cookie {
        let gone = Cookie::build((SESSION_COOKIE, "")).path("/").max_age(time_zero()).build();
        if let Ok(v) = gone.to_string().parse() {
            res.headers_mut().append(header::SET_COOKIE, v);
        }
    }
    res
}

fn time_zero() -> time::Duration {
    time::Duration::ZERO
}

fn form_field(headers: &HeaderMap, body: &[u8], name: &str) -> Option<String> {
    let is_form = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"));
    if !is_form {
        return None;
    }
    let fields: HashMap<String, String> = serde_urlencoded::from_bytes::<Vec<(String, String)>>(body).ok()?.into_iter().collect();
    fields.get(name).cloned()
}

fn is_multipart(headers: &HeaderMap) -> bool {
    headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).is_some_and(|v| v.starts_with("multipart/form-data"))
}

fn query_field(query: Option<&str>, name: &str) -> Option<String> {
    let pairs = serde_urlencoded::from_str::<Vec<(String, String)>>(query?).ok()?;
    pairs.into_iter().find(|(k, _)| k == name).map(|(_, v)| v)
}

fn constant_eq(a: &str, b: &str) -> bool {
    a.len() == b.len() && a.bytes().zip(b.bytes()).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// Builds a cookie with the flags every Fengqiao cookie carries.
pub fn cookie(name: &'static str, value: String, secure: bool, http_only: bool, max_age_secs: Option<i64>) -> Cookie<'static> {
    let mut b = Cookie::build((name, value)).path("/").same_site(SameSite::Lax).http_only(http_only).secure(secure);
    if let Some(s) = max_age_secs {
        b = b.max_age(time::Duration::seconds(s));
    }
    b.build()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn next_paths_stay_on_site() {
        assert_eq!(safe_next(Some("/areas/1501")), "/areas/1501");
        assert_eq!(safe_next(Some("//evil.example")), "/");
        assert_eq!(safe_next(Some("https://evil.example")), "/");
        assert_eq!(safe_next(Some("/\\evil")), "/");
        assert_eq!(safe_next(None), "/");
    }

    #[test]
    fn bearer_parsing() {
        let mut h = HeaderMap::new();
        h.insert(header::AUTHORIZATION, "Bearer abc".parse().unwrap());
        assert_eq!(bearer(&h), Some("abc"));
        h.insert(header::AUTHORIZATION, "Basic abc".parse().unwrap());
        assert_eq!(bearer(&h), None);
    }

    #[test]
    fn multipart_tokens_come_from_the_query_and_must_match_whole() {
        assert_eq!(query_field(Some("csrf_token=abc%2B1&x=2"), CSRF_FIELD).as_deref(), Some("abc+1"));
        assert_eq!(query_field(Some("x=2"), CSRF_FIELD), None);
        assert_eq!(query_field(None, CSRF_FIELD), None);
        assert!(constant_eq("abc", "abc"));
        assert!(!constant_eq("abc", "abd") && !constant_eq("abc", "ab") && !constant_eq("", "a"));
        let mut h = HeaderMap::new();
        h.insert(header::CONTENT_TYPE, "multipart/form-data; boundary=x".parse().unwrap());
        assert!(is_multipart(&h));
        h.insert(header::CONTENT_TYPE, "application/x-www-form-urlencoded".parse().unwrap());
        assert!(!is_multipart(&h));
    }

    #[test]
    fn forwarded_for_only_when_trusted() {
        let mut h = HeaderMap::new();
        h.insert("x-forwarded-for", "203.0.113.9, 10.0.0.1".parse().unwrap());
        let peer: SocketAddr = "127.0.0.1:5000".parse().unwrap();
        assert_eq!(client_addr(&h, Some(peer), false).as_deref(), Some("127.0.0.1"));
        assert_eq!(client_addr(&h, Some(peer), true).as_deref(), Some("203.0.113.9"));
    }
}
