//! `/cases/new`: taking a case in on a phone in under a minute. Sensible defaults do most of
//! the typing: the caller's own grid, patrol as the channel for grid workers, ordinary risk,
//! the applicant and respondent boxes laid out. Photos go in the same form (multipart; the
//! CSRF token rides in the action's query string, as for every upload). A refused form comes
//! back as typed with each error beside its input; only the chosen files must be picked again,
//! which browsers do not allow a page to keep.

use askama::Template;
use axum::extract::multipart::MultipartRejection;
use axum::extract::{Multipart, Query, State};
use axum::http::{StatusCode, Uri};
use axum::response::{IntoResponse, Redirect, Response};
use fengqiao_domain::DomainError;
use fengqiao_domain::model::case::{CaseKind, Channel, PartyKind, PartyRole, RiskLevel};
use fengqiao_domain::model::{AreaLevel, Role};
use fengqiao_domain::rules::access::Permission;
use serde::Deserialize;

use super::intake_form::{IntakeForm, PARTY_SLOTS, PartySlot};
use super::label;
use crate::AppState;
use crate::attachments::{AttachmentForm, read_form};
use crate::auth::{PageCaller, SignedIn};
use crate::error::{PageError, status_of};
use crate::i18n::Lang;
use crate::ui::{Base, refused, render_with};

pub struct CategoryGroup {
    pub kind: &'static str,
    pub name: String,
    /// (code, name); subcategories indented, since `<optgroup>` cannot nest.
    pub options: Vec<(String, String)>,
}

/// A registered resident a party can be linked to.
pub struct ResidentMatch {
    pub id: String,
    pub name: String,
    /// Masked ID number, so two people of one name can be told apart.
    pub detail: String,
}

/// The resident-link control of one party box: a field for the id, or the matches of a
/// search to choose from. The same fragment answers the htmx search.
#[derive(Template)]
#[template(path = "case_resident_matches.html")]
pub struct ResidentLink {
    l: Lang,
    slot: usize,
    value: String,
    /// `None`: no search was made; `Some(empty)`: nobody matched.
    matches: Option<Vec<ResidentMatch>>,
}

pub struct PartyBox {
    pub slot: PartySlot,
    pub title: String,
    pub link: String,
    /// Open on the page: filled in, refused, or one of the first two boxes.
    pub open: bool,
}

#[derive(Template)]
#[template(path = "case_new.html")]
struct IntakePage {
    l: Lang,
    base: Base,
    csrf: String,
    form: IntakeForm,
    /// Problems by input name; the first also heads the form.
    errors: Vec<(String, String)>,
    files_again: bool,
    kinds: Vec<(&'static str, String)>,
    groups: Vec<CategoryGroup>,
    areas: Vec<(String, String)>,
    channels: Vec<(&'static str, String)>,
    risks: Vec<(&'static str, String)>,
    roles: Vec<(&'static str, String)>,
    party_kinds: Vec<(&'static str, String)>,
    parties: Vec<PartyBox>,
    files_hint: String,
    script: String,
}

impl IntakePage {
    fn err(&self, input: &str) -> Option<&str> {
        self.errors.iter().find(|(k, _)| k == input).map(|(_, v)| v.as_str())
    }
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

/// Residents in the caller's scope whose name starts with `q`; none without the right to
/// look residents up.
async fn find_residents(state: &AppState, c: &PageCaller, q: &str) -> Vec<ResidentMatch> {
    let q = q.trim();
    if q.is_empty() || !c.actor.role.has(Permission::ViewRegistry) {
        return Vec::new();
    }
    let found = state.services.residents(&c.actor, None, Some(q.to_string()), None, None, None, 8).await.unwrap_or_default();
    found
        .into_iter()
        .map(|r| ResidentMatch { id: r.id.to_string(), name: r.name, detail: r.id_number.map(|x| x.masked).unwrap_or_default() })
        .collect()
}

fn link(l: Lang, slot: &PartySlot, matches: Option<Vec<ResidentMatch>>) -> String {
    let t = ResidentLink { l, slot: slot.index, value: slot.resident_id.clone(), matches };
    t.render().unwrap_or_default()
}

struct Shown {
    form: IntakeForm,
    errors: Vec<(String, String)>,
    /// A box whose resident search ran without JavaScript, and what it found.
    found: Option<(usize, Vec<ResidentMatch>)>,
    files_again: bool,
    status: StatusCode,
}

impl Shown {
    fn fresh() -> Self {
        Shown { form: IntakeForm::fresh(), errors: Vec::new(), found: None, files_again: false, status: StatusCode::OK }
    }
}

fn choices<T: Copy>(l: Lang, prefix: &str, all: &[T], code: impl Fn(T) -> &'static str) -> Vec<(&'static str, String)> {
    all.iter().map(|x| (code(*x), label(l, prefix, code(*x)))).collect()
}

async fn show(state: &AppState, l: Lang, c: &PageCaller, uri: &Uri, shown: Shown) -> Result<Response, PageError> {
    c.actor.require(Permission::ReportCases)?;
    let Shown { mut form, errors, mut found, files_again, status } = shown;
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
    let tree = &state.services.cases.categories;
    let groups = CaseKind::ALL
        .iter()
        .map(|k| CategoryGroup {
            kind: k.as_str(),
            name: label(l, "case-kind", k.as_str()),
            options: tree
                .of_kind(*k)
                .filter(|cat| !cat.retired)
                .map(|cat| {
                    let name = if l == Lang::ZhCn { &cat.name_zh } else { &cat.name_en };
                    let indent = if cat.code.parent().is_some() { "\u{3000}" } else { "" };
                    (cat.code.as_str().to_string(), format!("{indent}{name}"))
                })
                .collect(),
        })
        .collect();
    let parties = form
        .parties
        .iter()
        .map(|slot| {
            let matches = found.as_mut().filter(|(i, _)| *i == slot.index).map(|(_, m)| std::mem::take(m));
            let refused = errors.iter().any(|(k, _)| k.starts_with(&format!("p{}_", slot.index)));
            let open = slot.index < 2 || refused || matches.is_some() || !slot.name.is_empty() || !slot.phone.is_empty() || !slot.id_number.is_empty();
            let title = l.t_args("intake-party-n", &[("n", (slot.index + 1).to_string())]);
            PartyBox { link: link(l, slot, matches), slot: slot.clone(), title, open }
        })
        .collect();
    let files_hint = super::attachments::files_hint(l, &state.services.attachments);
    let page = IntakePage {
        base: Base::new(Some(c), "cases", &uri.to_string(), None),
        csrf: c.csrf().to_string(),
        form,
        errors,
        files_again,
        kinds: choices(l, "case-kind", CaseKind::ALL, CaseKind::as_str),
        groups,
        areas,
        channels: choices(l, "case-channel", Channel::ALL, Channel::as_str),
        risks: choices(l, "case-risk", RiskLevel::ALL, RiskLevel::as_str),
        roles: choices(l, "party-role", PartyRole::ALL, PartyRole::as_str),
        party_kinds: choices(l, "party-kind", PartyKind::ALL, PartyKind::as_str),
        parties,
        files_hint,
        script: crate::assets::url("intake.js"),
        l,
    };
    Ok(render_with(status, &page))
}

pub async fn form(State(state): State<AppState>, l: Lang, uri: Uri, SignedIn(c): SignedIn) -> Result<Response, PageError> {
    show(&state, l, &c, &uri, Shown::fresh()).await
}

#[derive(Deserialize)]
pub struct MatchQuery {
    slot: usize,
    #[serde(flatten)]
    rest: std::collections::HashMap<String, String>,
}

/// `/cases/new/residents?slot=N&pN_name=…`: the matches for one party box, for htmx to swap
/// in without leaving the form.
pub async fn resident_matches(State(state): State<AppState>, l: Lang, SignedIn(c): SignedIn, Query(q): Query<MatchQuery>) -> Result<Response, PageError> {
    c.actor.require(Permission::ReportCases)?;
    if q.slot >= PARTY_SLOTS {
        return Err(DomainError::invalid("slot", "error-bad-request").into());
    }
    let name = q.rest.get(&format!("p{}_name", q.slot)).cloned().unwrap_or_default();
    let slot = PartySlot { index: q.slot, ..Default::default() };
    Ok(render_with(StatusCode::OK, &ResidentLink { l, slot: slot.index, value: String::new(), matches: Some(find_residents(&state, &c, &name).await) }))
}

/// What a refusal of the whole form shows, and with which status: 413 and 415 for files.
fn refusal(l: Lang, form: &IntakeForm, e: &DomainError) -> Option<(String, String, StatusCode)> {
    let status = match e {
        DomainError::Invalid { .. } => status_of(e),
        _ => refused(e)?,
    };
    Some((form.input_for(e), l.t(e.code()), status))
}

pub async fn create(State(state): State<AppState>, l: Lang, uri: Uri, SignedIn(c): SignedIn, body: Result<Multipart, MultipartRejection>) -> Result<Response, PageError> {
    let mut sent = AttachmentForm::default();
    let read = match body {
        Ok(m) => read_form(m, &state.services.attachments, &mut sent).await,
        Err(_) => Err(DomainError::invalid("form", "error-bad-request")),
    };
    let form = IntakeForm::from_fields(&sent.fields);
    let had_files = !sent.files.is_empty();
    let again = |form, errors, status| Shown { form, errors, found: None, files_again: had_files, status };
    if let Err(e) = read {
        let Some((input, message, status)) = refusal(l, &form, &e) else { return Err(e.into()) };
        return show(&state, l, &c, &uri, again(form, vec![(input, message)], status)).await;
    }
    // The no-JavaScript resident search: the form comes back with the matches to choose from.
    if let Some(slot) = sent.field("find").and_then(|v| v.parse::<usize>().ok()).filter(|s| *s < PARTY_SLOTS) {
        let found = find_residents(&state, &c, &form.parties[slot].name).await;
        let shown = Shown { found: Some((slot, found)), ..again(form, Vec::new(), StatusCode::OK) };
        return show(&state, l, &c, &uri, shown).await;
    }
    let new = match form.to_case() {
        Ok(new) => new,
        Err(problems) => {
            let errors = problems.into_iter().map(|(input, e)| (input, l.t(e.code()))).collect();
            return show(&state, l, &c, &uri, again(form, errors, StatusCode::UNPROCESSABLE_ENTITY)).await;
        }
    };
    match state.services.report_case_with(&c.actor, new, &sent.files).await {
        // Volunteer heads report but do not browse cases; they go home with the notice.
        Ok((case, _, _)) if c.actor.role.has(Permission::ViewCases) => Ok(Redirect::to(&format!("/cases/{}?ok=case-reported", case.id)).into_response()),
        Ok(_) => Ok(Redirect::to("/?ok=case-reported").into_response()),
        Err(e) => match refusal(l, &form, &e) {
            Some((input, message, status)) => show(&state, l, &c, &uri, again(form, vec![(input, message)], status)).await,
            None => Err(e.into()),
        },
    }
}
