//! The mediation forms. Each posts a plain form, turns it into the same input the API takes,
//! and on success goes back to the case page; a refusal shows the section again on its own
//! page with what was typed and why, so nothing is lost.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::{StatusCode, Uri};
use axum::response::{IntoResponse, Redirect, Response};
use chrono::{NaiveDate, NaiveDateTime, TimeZone};
use fengqiao_domain::DomainError;
use fengqiao_domain::model::case::Case;
use fengqiao_domain::model::mediation::{
    AgreementDraft, ConfirmationApplication, ConfirmationDecision, ConfirmationResult, MediatorChoice, NewSession, Signer,
};
use uuid::Uuid;

use super::{MediationSection, section};
use crate::AppState;
use crate::auth::{PageCaller, SignedIn};
use crate::error::{PageError, PageForm};
use crate::i18n::Lang;
use crate::ui::{Base, refused, render_with};

type Form = Vec<(String, String)>;

#[derive(Template)]
#[template(path = "mediation.html")]
struct MediationPage {
    l: Lang,
    base: Base,
    csrf: String,
    case: Case,
    mediation: Option<MediationSection>,
}

async fn show(state: &AppState, l: Lang, c: &PageCaller, uri: &Uri, id: Uuid, refusal: Option<(String, String, Form)>, status: StatusCode) -> Result<Response, PageError> {
    let case = state.services.case(&c.actor, id).await?;
    let mut mediation = section(state, l, c, &case).await;
    if mediation.is_none() {
        return Err(DomainError::Conflict("error-mediation-not-dispute").into());
    }
    if let (Some(m), Some((form, message, typed))) = (mediation.as_mut(), refusal) {
        m.refused = Some(form);
        m.error = Some(message);
        m.typed = typed;
    }
    let page = MediationPage { base: Base::new(Some(c), "cases", &uri.to_string(), None), csrf: c.csrf().to_string(), case, mediation, l };
    Ok(render_with(status, &page))
}

pub async fn page(State(state): State<AppState>, l: Lang, uri: Uri, SignedIn(c): SignedIn, Path(id): Path<Uuid>) -> Result<Response, PageError> {
    show(&state, l, &c, &uri, id, None, StatusCode::OK).await
}

fn get<'a>(f: &'a Form, key: &str) -> &'a str {
    f.iter().find(|(k, _)| k == key).map(|(_, v)| v.as_str()).unwrap_or("")
}

fn all<'a>(f: &'a Form, key: &'a str) -> impl Iterator<Item = &'a str> + 'a {
    f.iter().filter(move |(k, _)| k == key).map(|(_, v)| v.as_str())
}

fn ids(f: &Form, key: &'static str) -> Result<Vec<Uuid>, DomainError> {
    all(f, key).map(|v| Uuid::parse_str(v.trim()).map_err(|_| DomainError::invalid(key, "error-party-not-of-case"))).collect()
}

fn mediators(f: &Form) -> Result<Vec<MediatorChoice>, DomainError> {
    all(f, "mediator")
        .map(|v| {
            let bad = || DomainError::invalid("mediators", "error-mediator-not-available");
            let (kind, id) = v.split_once(':').ok_or_else(bad)?;
            let id = Uuid::parse_str(id).map_err(|_| bad())?;
            match kind {
                "u" => Ok(MediatorChoice { user_id: Some(id), person_id: None }),
                "p" => Ok(MediatorChoice { user_id: None, person_id: Some(id) }),
                _ => Err(bad()),
            }
        })
        .collect()
}

fn day(raw: &str, field: &'static str) -> Result<NaiveDate, DomainError> {
    NaiveDate::parse_from_str(raw.trim(), "%Y-%m-%d").map_err(|_| DomainError::invalid(field, "error-mediation-date"))
}

/// A `datetime-local` value, read as Asia/Shanghai time.
fn local_time(raw: &str) -> Result<chrono::DateTime<chrono::Utc>, DomainError> {
    let t = NaiveDateTime::parse_from_str(raw.trim(), "%Y-%m-%dT%H:%M").map_err(|_| DomainError::invalid("held_at", "error-mediation-date"))?;
    chrono_tz::Asia::Shanghai
        .from_local_datetime(&t)
        .single()
        .map(|t| t.with_timezone(&chrono::Utc))
        .ok_or(DomainError::invalid("held_at", "error-mediation-date"))
}

/// After the service answered: back to the case, or the form again with the reason.
async fn answer<T>(state: &AppState, l: Lang, c: &PageCaller, uri: &Uri, id: Uuid, form: &str, typed: Form, result: Result<T, DomainError>) -> Result<Response, PageError> {
    match result {
        Ok(_) => Ok(Redirect::to(&format!("/cases/{id}?ok=mediation-saved#mediation")).into_response()),
        Err(e) => match refused(&e) {
            Some(status) => show(state, l, c, uri, id, Some((form.to_string(), l.t(e.code()), typed)), status).await,
            None => Err(e.into()),
        },
    }
}

pub async fn add_session(State(state): State<AppState>, l: Lang, uri: Uri, SignedIn(c): SignedIn, Path(id): Path<Uuid>, PageForm(f): PageForm<Form>) -> Result<Response, PageError> {
    let input = || -> Result<NewSession, DomainError> {
        Ok(NewSession {
            held_at: local_time(get(&f, "held_at"))?,
            place: get(&f, "place").to_string(),
            mediators: mediators(&f)?,
            party_ids: ids(&f, "party")?,
            others: get(&f, "others").lines().map(str::to_string).collect(),
            record: get(&f, "record").to_string(),
        })
    };
    let result = match input() {
        Ok(new) => state.services.add_session(&c.actor, id, new).await,
        Err(e) => Err(e),
    };
    answer(&state, l, &c, &uri, id, "session", f, result).await
}

pub async fn save_agreement(State(state): State<AppState>, l: Lang, uri: Uri, SignedIn(c): SignedIn, Path(id): Path<Uuid>, PageForm(f): PageForm<Form>) -> Result<Response, PageError> {
    let input = || -> Result<AgreementDraft, DomainError> {
        let due = get(&f, "performance_due");
        Ok(AgreementDraft {
            version: get(&f, "version").trim().parse().map_err(|_| DomainError::invalid("version", "error-agreement-version-stale"))?,
            number: Some(get(&f, "number").to_string()),
            committee: Some(get(&f, "committee").to_string()),
            facts: get(&f, "facts").to_string(),
            terms: get(&f, "terms").to_string(),
            performance: get(&f, "performance").to_string(),
            performance_due: if due.trim().is_empty() { None } else { Some(day(due, "performance_due")?) },
            party_ids: ids(&f, "party")?,
            mediators: mediators(&f)?,
        })
    };
    let result = match input() {
        Ok(d) => state.services.save_agreement(&c.actor, id, d).await,
        Err(e) => Err(e),
    };
    answer(&state, l, &c, &uri, id, "agreement", f, result).await
}

pub async fn sign(State(state): State<AppState>, l: Lang, uri: Uri, SignedIn(c): SignedIn, Path(id): Path<Uuid>, PageForm(f): PageForm<Form>) -> Result<Response, PageError> {
    let signer = match get(&f, "signer") {
        "mediator" => Ok(Signer::Mediator),
        other => other
            .strip_prefix("party:")
            .and_then(|p| Uuid::parse_str(p).ok())
            .map(|party_id| Signer::Party { party_id })
            .ok_or(DomainError::invalid("party_id", "error-party-not-of-agreement")),
    };
    let result = match signer {
        Ok(s) => state.services.sign_agreement(&c.actor, id, s).await,
        Err(e) => Err(e),
    };
    answer(&state, l, &c, &uri, id, "sign", f, result).await
}

pub async fn apply(State(state): State<AppState>, l: Lang, uri: Uri, SignedIn(c): SignedIn, Path(id): Path<Uuid>, PageForm(f): PageForm<Form>) -> Result<Response, PageError> {
    let result = match day(get(&f, "applied_on"), "applied_on") {
        Ok(applied_on) => {
            let app = ConfirmationApplication { applied_on, court: get(&f, "court").to_string() };
            state.services.apply_for_confirmation(&c.actor, id, app).await
        }
        Err(e) => Err(e),
    };
    answer(&state, l, &c, &uri, id, "apply", f, result).await
}

pub async fn decide(State(state): State<AppState>, l: Lang, uri: Uri, SignedIn(c): SignedIn, Path(id): Path<Uuid>, PageForm(f): PageForm<Form>) -> Result<Response, PageError> {
    let input = || -> Result<ConfirmationDecision, DomainError> {
        Ok(ConfirmationDecision {
            result: ConfirmationResult::parse(get(&f, "result"))?,
            decided_on: day(get(&f, "decided_on"), "decided_on")?,
            note: Some(get(&f, "note").to_string()),
        })
    };
    let result = match input() {
        Ok(d) => state.services.decide_confirmation(&c.actor, id, d).await,
        Err(e) => Err(e),
    };
    answer(&state, l, &c, &uri, id, "decide", f, result).await
}
