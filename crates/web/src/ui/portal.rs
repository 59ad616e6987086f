//! The residents' portal (群众端): public, no account, phone first. Submit a demand or dispute
//! with a photo and a location after agreeing to the privacy notice; get a tracking number;
//! follow the case's public timeline by it; rate the outcome when asked; read public notices.
//! Forms carry a CSRF token checked against a cookie (double submit), as sign-in does.

use askama::Template;
use axum::extract::multipart::MultipartRejection;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::StatusCode;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::CookieJar;
use base64::Engine;
use fengqiao_domain::DomainError;
use fengqiao_domain::model::case::{CaseKind, Satisfaction};
use fengqiao_domain::model::submission::open311_status;
use fengqiao_domain::services::submissions::{AreaPicks, AreaSteps, Location, PortalSubmit, Tracked};
use rand::RngCore;
use serde::Deserialize;

use super::portal_areas::{StepView, link_status, step_views};
use super::{Base, render_with};
use crate::AppState;
use crate::attachments::{AttachmentForm, read_form};
use crate::auth::{LOGIN_CSRF_COOKIE, cookie, request_client_addr};
use crate::error::{PageError, PageForm};
use crate::i18n::Lang;

/// The anonymous form token: the sign-in page's cookie, so one mechanism guards every form
/// posted without a session.
fn form_token(jar: &CookieJar) -> String {
    jar.get(LOGIN_CSRF_COOKIE).map(|c| c.value().to_string()).filter(|v| v.len() >= 32).unwrap_or_else(|| {
        let mut b = [0u8; 32];
        rand::rng().fill_bytes(&mut b);
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(b)
    })
}

pub struct Choice {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

#[derive(Default, Clone)]
pub struct Sent {
    pub kind: String,
    pub category: String,
    pub description: String,
    pub district: String,
    pub street: String,
    pub area: String,
    pub grid: String,
    pub address: String,
    pub lat: String,
    pub lon: String,
    pub name: String,
    pub phone: String,
    pub respondent: String,
    pub consent: bool,
}

impl Sent {
    fn picks(&self) -> AreaPicks {
        AreaPicks { district: self.district.clone(), street: self.street.clone(), area: self.area.clone(), grid: self.grid.clone() }
    }
}

#[derive(Template)]
#[template(path = "portal.html")]
struct PortalPage {
    l: Lang,
    base: Base,
    csrf: String,
    categories: Vec<Choice>,
    steps: Vec<StepView>,
    sent: Sent,
    error: Option<String>,
    /// A photo came with a form that is shown again; browsers cannot keep a chosen file.
    photo_again: bool,
    script: String,
}

/// How the form is drawn again: why (if it was refused), with which status, and whether a
/// photo was lost on the way.
struct Shown {
    error: Option<String>,
    status: StatusCode,
    photo_again: bool,
}

async fn show_form(state: &AppState, l: Lang, jar: CookieJar, sent: Sent, resolved: &AreaSteps, shown: Shown) -> Result<Response, PageError> {
    let csrf = form_token(&jar);
    let jar = jar.add(cookie(LOGIN_CSRF_COOKIE, csrf.clone(), state.config.cookie_secure, true, Some(3600)));
    let s = &state.services;
    let categories = s
        .open311_services()
        .await?
        .into_iter()
        .map(|c| {
            let value = format!("{}:{}", c.kind.as_str(), c.code.as_str());
            let name = match l {
                Lang::ZhCn => c.name_zh.clone(),
                Lang::En => c.name_en.clone(),
            };
            Choice { selected: value == format!("{}:{}", sent.kind, sent.category), label: format!("{} · {name}", l.t(&format!("case-kind-{}", c.kind.as_str()))), value }
        })
        .collect();
    let page = PortalPage {
        l,
        base: Base::new(None, "portal", "/portal", None),
        csrf,
        categories,
        steps: step_views(l, resolved),
        sent,
        error: shown.error,
        photo_again: shown.photo_again,
        script: crate::assets::url("portal.js"),
    };
    Ok((jar, render_with(shown.status, &page)).into_response())
}

/// The form's link may name the place already (`?area=150103003030` on a community's
/// poster), so a resident starts with it chosen.
#[derive(Deserialize, Default)]
pub struct FormQuery {
    #[serde(default)]
    district: String,
    #[serde(default)]
    street: String,
    #[serde(default)]
    area: String,
    #[serde(default)]
    grid: String,
}

pub async fn form(State(state): State<AppState>, l: Lang, jar: CookieJar, q: Result<Query<FormQuery>, QueryRejection>) -> Result<Response, PageError> {
    let (q, bad_query) = match q {
        Ok(Query(q)) => (q, false),
        Err(_) => (FormQuery::default(), true),
    };
    let sent = Sent { district: q.district, street: q.street, area: q.area, grid: q.grid, ..Sent::default() };
    let resolved = state.services.portal_area_steps(&sent.picks()).await?;
    let (error, status) = match (&resolved.problem, bad_query) {
        (Some(e), _) => (Some(l.t(e.code())), link_status(e)),
        (None, true) => (Some(l.t("error-portal-area-code")), StatusCode::BAD_REQUEST),
        (None, false) => (None, StatusCode::OK),
    };
    show_form(&state, l, jar, sent, &resolved, Shown { error, status, photo_again: false }).await
}

fn sent_of(f: &AttachmentForm) -> Sent {
    let get = |k: &str| f.field(k).unwrap_or("").to_string();
    let (kind, category) = get("category").split_once(':').map(|(k, c)| (k.to_string(), c.to_string())).unwrap_or_default();
    Sent {
        kind,
        category,
        description: get("description"),
        district: get("district"),
        street: get("street"),
        area: get("area"),
        grid: get("grid"),
        address: get("address"),
        lat: get("lat"),
        lon: get("lon"),
        name: get("name"),
        phone: get("phone"),
        respondent: get("respondent"),
        consent: f.field("consent") == Some("yes"),
    }
}

fn portal_error(l: Lang, e: &DomainError) -> (String, StatusCode) {
    let status = match e {
        DomainError::RateLimited { .. } => StatusCode::TOO_MANY_REQUESTS,
        DomainError::Invalid { key, .. } if *key == "error-attachment-too-large" => StatusCode::PAYLOAD_TOO_LARGE,
        _ => StatusCode::UNPROCESSABLE_ENTITY,
    };
    (l.t(e.code()), status)
}

pub async fn submit(State(state): State<AppState>, l: Lang, jar: CookieJar, parts: Parts, body: Result<Multipart, MultipartRejection>) -> Result<Response, PageError> {
    let mut sent = AttachmentForm::default();
    let read = match body {
        Ok(m) => read_form(m, &state.services.attachments, &mut sent).await,
        Err(_) => Err(DomainError::invalid("form", "error-bad-request")),
    };
    let shown = sent_of(&sent);
    let photo_again = sent.files.iter().any(|f| !f.bytes.is_empty());
    let resolved = state.services.portal_area_steps(&shown.picks()).await?;
    let refused = |e: &DomainError| {
        let (message, status) = portal_error(l, e);
        Shown { error: Some(message), status, photo_again }
    };
    if let Err(e) = read {
        return show_form(&state, l, jar, shown, &resolved, refused(&e)).await;
    }
    if let Some(e) = &resolved.problem {
        return show_form(&state, l, jar, shown, &resolved, refused(e)).await;
    }
    // A step's button: the form comes back with the next list, nothing is taken in.
    if sent.field("step").is_some() {
        return show_form(&state, l, jar, shown, &resolved, Shown { error: None, status: StatusCode::OK, photo_again }).await;
    }
    let coord = |s: &str| s.trim().parse::<f64>().ok();
    let lon_lat = match (coord(&shown.lon), coord(&shown.lat)) {
        (Some(lon), Some(lat)) => Some((lon, lat)),
        _ => None,
    };
    let form = PortalSubmit {
        kind: CaseKind::parse(&shown.kind).ok(),
        category: shown.category.clone(),
        description: shown.description.clone(),
        location: Location {
            lon_lat,
            area_code: resolved.deepest.as_ref().map(|a| a.code.as_str().to_string()),
            address: Some(shown.address.clone()).filter(|a| !a.trim().is_empty()),
        },
        name: Some(shown.name.clone()),
        phone: Some(shown.phone.clone()),
        respondent: Some(shown.respondent.clone()),
        consent: shown.consent,
    };
    let photos: Vec<_> = sent.files.into_iter().filter(|f| !f.bytes.is_empty()).collect();
    let addr = request_client_addr(&parts, &state);
    match state.services.portal_submit(form, photos, addr).await {
        Ok((_, sub)) => Ok(Redirect::to(&format!("/portal/track/{}?new=1", sub.token.as_str())).into_response()),
        Err(DomainError::Internal(e)) => Err(PageError(DomainError::Internal(e))),
        Err(e) => show_form(&state, l, jar, shown, &resolved, refused(&e)).await,
    }
}

pub struct Step {
    pub when: String,
    pub what: String,
    pub note: Option<String>,
}

#[derive(Template)]
#[template(path = "portal_track.html")]
struct TrackPage {
    l: Lang,
    base: Base,
    csrf: String,
    fresh: bool,
    token: String,
    grouped: String,
    number: String,
    title: String,
    status: String,
    closed: bool,
    agency: String,
    deadline: Option<String>,
    steps: Vec<Step>,
    may_rate: bool,
    rating: Option<String>,
}

#[derive(Template)]
#[template(path = "portal_lookup.html")]
struct LookupPage {
    l: Lang,
    base: Base,
    number: String,
    error: Option<String>,
}

#[derive(Deserialize)]
pub struct LookupQuery {
    number: Option<String>,
    new: Option<String>,
}

/// The lookup form; with a number it goes to that case's page.
pub async fn lookup(l: Lang, Query(q): Query<LookupQuery>) -> Response {
    match q.number.as_deref().map(str::trim).filter(|n| !n.is_empty()) {
        Some(n) => Redirect::to(&format!("/portal/track/{}", crate::auth::urlencode(n))).into_response(),
        None => render_with(StatusCode::OK, &LookupPage { l, base: Base::new(None, "portal", "/portal/track", None), number: String::new(), error: None }),
    }
}

fn track_page(l: Lang, csrf: String, fresh: bool, t: Tracked) -> TrackPage {
    let c = &t.case;
    let steps = t
        .steps
        .iter()
        .map(|s| Step { when: l.datetime(&s.at), what: l.t(&format!("case-status-{}", s.status.as_str().replace('_', "-"))), note: s.note.clone() })
        .collect();
    TrackPage {
        l,
        base: Base::new(None, "portal", "/portal/track", None),
        csrf,
        fresh,
        token: t.submission.token.as_str().to_string(),
        grouped: t.submission.token.grouped(),
        number: c.number.as_str().to_string(),
        title: c.title.clone(),
        status: l.t(&format!("case-status-{}", c.status.as_str().replace('_', "-"))),
        closed: open311_status(c.status) == "closed",
        agency: t.agency.clone(),
        deadline: c.deadline.as_ref().map(|d| l.datetime(d)),
        steps,
        may_rate: t.may_rate,
        rating: t.submission.rating.map(|r| l.t(&format!("case-satisfaction-{}", r.as_str().replace('_', "-")))),
    }
}

pub async fn track(State(state): State<AppState>, l: Lang, jar: CookieJar, Path(token): Path<String>, Query(q): Query<LookupQuery>) -> Response {
    match state.services.track(&token).await {
        Ok(t) => {
            let csrf = form_token(&jar);
            let jar = jar.add(cookie(LOGIN_CSRF_COOKIE, csrf.clone(), state.config.cookie_secure, true, Some(3600)));
            (jar, render_with(StatusCode::OK, &track_page(l, csrf, q.new.is_some(), t))).into_response()
        }
        Err(DomainError::NotFound(k)) => {
            let page = LookupPage { l, base: Base::new(None, "portal", "/portal/track", None), number: token.chars().take(40).collect(), error: Some(l.t(k)) };
            render_with(StatusCode::NOT_FOUND, &page)
        }
        Err(e) => PageError(e).into_response(),
    }
}

#[derive(Deserialize)]
pub struct RatingForm {
    rating: String,
}

pub async fn rate(State(state): State<AppState>, parts: Parts, Path(token): Path<String>, PageForm(f): PageForm<RatingForm>) -> Result<Response, PageError> {
    let rating = Satisfaction::parse(&f.rating)?;
    let addr = request_client_addr(&parts, &state);
    state.services.rate_outcome(&token, rating, addr).await?;
    Ok(Redirect::to(&format!("/portal/track/{}", crate::auth::urlencode(&token))).into_response())
}

#[derive(Template)]
#[template(path = "portal_notices.html")]
struct NoticesPage {
    l: Lang,
    base: Base,
}

/// Public notices (公示): decisions and vote results land here as later modules publish them.
pub async fn notices(l: Lang) -> Response {
    render_with(StatusCode::OK, &NoticesPage { l, base: Base::new(None, "portal", "/portal/notices", None) })
}
