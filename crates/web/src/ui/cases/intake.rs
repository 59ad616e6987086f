//! `/cases/new`: taking a case in on a phone in under a minute. Sensible defaults do most of
//! the typing: the caller's own grid, patrol as the channel for grid workers, ordinary risk.

use askama::Template;
use axum::extract::State;
use axum::http::{StatusCode, Uri};
use axum::response::{IntoResponse, Redirect, Response};
use fengqiao_domain::DomainError;
use fengqiao_domain::model::case::{CaseDraft, CaseKind, Channel, NewParty, PartyKind, PartyRole, RiskLevel};
use fengqiao_domain::model::{AreaLevel, Role};
use fengqiao_domain::rules::access::Permission;
use fengqiao_domain::services::cases::NewCase;
use serde::Deserialize;
use uuid::Uuid;

use super::label;
use crate::AppState;
use crate::auth::{PageCaller, SignedIn};
use crate::error::{PageError, PageForm};
use crate::i18n::Lang;
use crate::ui::{Base, refused, render_with};

/// What the form sends; every field a string, so a refused form comes back exactly as typed.
#[derive(Deserialize, Default)]
pub struct IntakeForm {
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub category: String,
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub area_id: String,
    #[serde(default)]
    pub address: String,
    #[serde(default)]
    pub channel: String,
    #[serde(default)]
    pub risk: String,
    #[serde(default)]
    pub applicant_name: String,
    #[serde(default)]
    pub applicant_phone: String,
    #[serde(default)]
    pub respondent_name: String,
    #[serde(default)]
    pub respondent_phone: String,
}

pub struct CategoryGroup {
    pub kind: &'static str,
    pub name: String,
    /// (code, name); subcategories indented, since `<optgroup>` cannot nest.
    pub options: Vec<(String, String)>,
}

#[derive(Template)]
#[template(path = "case_new.html")]
struct IntakePage {
    l: Lang,
    base: Base,
    csrf: String,
    form: IntakeForm,
    error: Option<String>,
    kinds: Vec<(&'static str, String)>,
    groups: Vec<CategoryGroup>,
    areas: Vec<(String, String)>,
    channels: Vec<(&'static str, String)>,
    risks: Vec<(&'static str, String)>,
}

/// Areas a case can be placed in: the caller's home area and what lies below it, down to
/// grids under a community. A city is no place for a case, and a district's grids are too
/// many for a select; its staff pick a street or community.
async fn area_choices(state: &AppState, c: &PageCaller) -> Result<Vec<(String, String)>, DomainError> {
    let s = &state.services;
    let home = s.home_area(&c.actor).await?;
    let mut out = Vec::new();
    if home.level != AreaLevel::City {
        out.push((home.id.to_string(), home.name.clone()));
    }
    if home.level == AreaLevel::Grid {
        return Ok(out);
    }
    for child in s.area_children(&c.actor, home.code.as_str(), false).await? {
        out.push((child.id.to_string(), format!("{} · {}", home.name, child.name)));
        if child.level == AreaLevel::Community && home.level == AreaLevel::Street {
            for grid in s.area_children(&c.actor, child.code.as_str(), false).await? {
                out.push((grid.id.to_string(), format!("{} · {}", child.name, grid.name)));
            }
        }
    }
    Ok(out)
}

async fn show(state: &AppState, l: Lang, c: &PageCaller, uri: &Uri, mut form: IntakeForm, error: Option<String>, status: StatusCode) -> Result<Response, PageError> {
    c.actor.require(Permission::ReportCases)?;
    let areas = area_choices(state, c).await?;
    if form.area_id.is_empty() {
        form.area_id = areas.first().map(|a| a.0.clone()).unwrap_or_default();
    }
    if form.channel.is_empty() {
        form.channel = if c.actor.role == Role::GridWorker { Channel::GridPatrol } else { Channel::WalkIn }.as_str().to_string();
    }
    if form.risk.is_empty() {
        form.risk = RiskLevel::Ordinary.as_str().to_string();
    }
    if form.kind.is_empty() {
        form.kind = CaseKind::Dispute.as_str().to_string();
    }
    let settings = state.services.case_settings().await?;
    let tree = &settings.categories;
    let groups = CaseKind::ALL
        .iter()
        .map(|k| CategoryGroup {
            kind: k.as_str(),
            name: label(l, "case-kind", k.as_str()),
            options: tree
                .of_kind(*k)
                .filter(|cat| tree.is_choosable(cat.kind, &cat.code))
                .map(|cat| {
                    let name = if l == Lang::ZhCn { &cat.name_zh } else { &cat.name_en };
                    let indent = if cat.code.parent().is_some() { "\u{3000}" } else { "" };
                    (cat.code.as_str().to_string(), format!("{indent}{name}"))
                })
                .collect(),
        })
        .collect();
    let page = IntakePage {
        base: Base::new(Some(c), "cases", &uri.to_string(), None),
        csrf: c.csrf().to_string(),
        form,
        error,
        kinds: CaseKind::ALL.iter().map(|k| (k.as_str(), label(l, "case-kind", k.as_str()))).collect(),
        groups,
        areas,
        channels: Channel::ALL.iter().map(|x| (x.as_str(), label(l, "case-channel", x.as_str()))).collect(),
        risks: RiskLevel::ALL.iter().map(|x| (x.as_str(), label(l, "case-risk", x.as_str()))).collect(),
        l,
    };
    Ok(render_with(status, &page))
}

pub async fn form(State(state): State<AppState>, l: Lang, uri: Uri, SignedIn(c): SignedIn) -> Result<Response, PageError> {
    show(&state, l, &c, &uri, IntakeForm::default(), None, StatusCode::OK).await
}

fn party(role: PartyRole, name: &str, phone: &str) -> Option<NewParty> {
    // A side left blank is no party; a phone without a name still goes in, to be refused by name.
    (!name.trim().is_empty() || !phone.trim().is_empty()).then(|| NewParty {
        role,
        kind: PartyKind::Person,
        resident_id: None,
        name: name.to_string(),
        id_number: None,
        phone: Some(phone.trim().to_string()).filter(|p| !p.is_empty()),
    })
}

fn new_case(f: &IntakeForm) -> Result<NewCase, DomainError> {
    let area_id = Uuid::parse_str(f.area_id.trim()).map_err(|_| DomainError::invalid("area_id", "error-area-not-found"))?;
    let draft = CaseDraft {
        kind: CaseKind::parse(&f.kind)?,
        category: f.category.clone(),
        title: f.title.clone(),
        description: f.description.clone(),
        area_id,
        address: Some(f.address.clone()),
        point: None,
        channel: Channel::parse(&f.channel)?,
        risk: RiskLevel::parse(&f.risk)?,
        reporter_name: None,
    };
    let parties = [party(PartyRole::Applicant, &f.applicant_name, &f.applicant_phone), party(PartyRole::Respondent, &f.respondent_name, &f.respondent_phone)]
        .into_iter()
        .flatten()
        .collect();
    Ok(NewCase { draft, parties })
}

pub async fn create(State(state): State<AppState>, l: Lang, uri: Uri, SignedIn(c): SignedIn, PageForm(f): PageForm<IntakeForm>) -> Result<Response, PageError> {
    let result = match new_case(&f) {
        Ok(new) => state.services.report_case(&c.actor, new).await,
        Err(e) => Err(e),
    };
    match result {
        // Volunteer heads report but do not browse cases; they go home with the notice.
        Ok((case, _)) if c.actor.role.has(Permission::ViewCases) => Ok(Redirect::to(&format!("/cases/{}?ok=case-reported", case.id)).into_response()),
        Ok(_) => Ok(Redirect::to("/?ok=case-reported").into_response()),
        Err(e) => match refused(&e) {
            Some(status) => show(&state, l, &c, &uri, f, Some(l.t(e.code())), status).await,
            None => Err(e.into()),
        },
    }
}
