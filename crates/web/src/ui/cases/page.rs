//! `/cases/{id}`: the case, its parties (masked), its timeline, and one form for each action
//! the caller may take now. Each form carries the version the caller saw, so two people
//! acting at once see the second one's refusal on the page, not an error page.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, Uri};
use axum::response::{IntoResponse, Redirect, Response};
use fengqiao_domain::DomainError;
use fengqiao_domain::model::case::{ActionKind, Case, CaseAction, HandlingLevel, Outcome, PartnerRoom, Satisfaction};
use fengqiao_domain::model::submission::Source;
use fengqiao_domain::rules::access::Permission;
use serde::Deserialize;
use serde_json::{Map, Value};
use uuid::Uuid;

use super::{Deadline, category_name, label, level_label};
use crate::AppState;
use crate::auth::{PageCaller, SignedIn};
use crate::error::{PageError, PageForm};
use crate::i18n::Lang;
use crate::ui::{Base, refused, render_with};

/// One control of an action form; the template draws any action from a list of these.
pub struct Field {
    pub name: &'static str,
    pub label: String,
    /// `textarea` or `select`.
    pub control: &'static str,
    pub required: bool,
    pub options: Vec<(String, String)>,
    /// What was typed, when this form was refused.
    pub value: String,
}

pub struct ActionForm {
    pub name: &'static str,
    pub label: String,
    pub fields: Vec<Field>,
    /// Why this form was refused; the form is then open with the input kept.
    pub error: Option<String>,
}

/// An open supervision order or a pending extension request, as the case page states it.
pub struct OversightNote {
    pub title: String,
    pub by: String,
    pub text: String,
    pub due: Option<String>,
}

/// What an extension step decided, which its note alone may not say.
fn oversight_what(l: Lang, e: &fengqiao_domain::model::case::TimelineEntry) -> Option<String> {
    let what = l.action(&format!("case.{}", e.kind.as_str()));
    match e.action.as_ref()? {
        CaseAction::RequestExtension { days, .. } => Some(l.t_args("case-extension-requested-days", &[("what", what), ("days", days.to_string())])),
        CaseAction::DecideExtension { approve, .. } => {
            let decision = l.t(if *approve { "case-extension-approve" } else { "case-extension-refuse" });
            Some(format!("{what} · {decision}"))
        }
        _ => None,
    }
}

fn oversight_notes(l: Lang, case: &Case) -> Vec<OversightNote> {
    let mut out = Vec::new();
    if let Some(o) = &case.supervision {
        out.push(OversightNote {
            title: l.t("case-supervision-open"),
            by: l.t_args("case-supervision-by", &[("name", o.issued_by_name.clone()), ("when", l.datetime(&o.issued_at))]),
            text: o.instructions.clone(),
            due: o.reply_by.map(|d| l.t_args("case-supervision-reply-by", &[("date", d.to_string())])),
        });
    }
    if let Some(r) = &case.pending_extension {
        let args = [("name", r.requested_by_name.clone()), ("when", l.datetime(&r.requested_at)), ("days", r.days.to_string())];
        out.push(OversightNote { title: l.t("case-extension-pending"), by: l.t_args("case-extension-by", &args), text: r.reason.clone(), due: None });
    }
    out
}

pub struct PartyRow {
    pub role: String,
    pub name: String,
    pub phone: Option<String>,
}

/// An attachment as the case page lists it.
pub struct AttachmentRow {
    pub url: String,
    pub name: String,
    /// Drawn as a thumbnail; other files are links.
    pub thumbnail: bool,
    /// What a file that is no thumbnail is, on its tile (PDF, HEIC).
    pub tile: &'static str,
    pub about: String,
}

pub struct TimelineRow {
    pub when: String,
    pub who: String,
    pub what: String,
    pub status: String,
    /// The tier it went to, on the lines that moved it between tiers.
    pub level: Option<String>,
    pub note: Option<String>,
}

/// What the resident said of the outcome on the portal, beside what staff recorded at the
/// follow-up: the two can differ, and only the follow-up is counted in the figures.
pub struct ResidentRating {
    pub rating: Option<String>,
    /// When and through which door, as one sentence.
    pub via: Option<String>,
}

async fn resident_rating(state: &AppState, l: Lang, c: &PageCaller, id: Uuid) -> Result<Option<ResidentRating>, DomainError> {
    let sub = match state.services.case_submission(&c.actor, id).await {
        Ok(s) => s,
        Err(DomainError::NotFound(_)) => return Ok(None),
        Err(e) => return Err(e),
    };
    // An Open311 client's case has no resident who could rate it, unless one did by its number.
    if sub.rating.is_none() && sub.source != Source::Portal {
        return Ok(None);
    }
    Ok(Some(ResidentRating {
        rating: sub.rating.map(|r| label(l, "case-satisfaction", r.as_str())),
        via: sub.rated_at.map(|at| l.t_args("case-resident-rating-via", &[("when", l.datetime(&at))])),
    }))
}

#[derive(Template)]
#[template(path = "case.html")]
struct CasePage {
    l: Lang,
    base: Base,
    csrf: String,
    case: Case,
    kind: String,
    category: String,
    status: String,
    level: String,
    channel: String,
    risk: String,
    deadline: Deadline,
    outcome: Option<String>,
    parties: Vec<PartyRow>,
    timeline: Vec<TimelineRow>,
    actions: Vec<ActionForm>,
    oversight: Vec<OversightNote>,
    /// A refusal that concerns the whole case (someone acted first), above the forms.
    conflict: Option<String>,
    attachments: Vec<AttachmentRow>,
    /// The upload form, for those who may add files.
    can_attach: bool,
    attach_error: Option<String>,
    files_hint: String,
    /// Disputes only: sessions, agreement, judicial confirmation.
    mediation: Option<crate::ui::mediation::MediationSection>,
    /// Satisfaction as staff recorded it at the follow-up; the figures count this one.
    follow_up: Option<String>,
    resident: Option<ResidentRating>,
}

fn options<T: Copy>(l: Lang, prefix: &str, all: &[T], code: impl Fn(T) -> &'static str) -> Vec<(String, String)> {
    all.iter().map(|x| (code(*x).to_string(), label(l, prefix, code(*x)))).collect()
}

fn text(l: Lang, name: &'static str, key: &str, required: bool) -> Field {
    Field { name, label: l.t(key), control: "textarea", required, options: Vec::new(), value: String::new() }
}

fn select(l: Lang, name: &'static str, key: &str, options: Vec<(String, String)>) -> Field {
    Field { name, label: l.t(key), control: "select", required: true, options, value: String::new() }
}

/// People the caller could name as handler: active accounts in the case's area that handle
/// cases. Only supervisors assign, and they all manage accounts, so the list is theirs to read.
async fn assignees(state: &AppState, l: Lang, c: &PageCaller, case: &Case) -> Vec<(String, String)> {
    let Ok(users) = state.services.accounts(&c.actor, None, None, 200).await else { return Vec::new() };
    let tier = case.handling_area_path();
    users
        .into_iter()
        .filter(|u| !u.disabled && u.role.has(Permission::HandleCases))
        .filter(|u| u.home_area_path.starts_with(&tier) || case.area_path.starts_with(&u.home_area_path))
        .map(|u| (u.id.to_string(), format!("{}（{}）", u.display_name, crate::ui::role_label(l, u.role))))
        .collect()
}

/// The fields each action needs, exactly those `CaseAction` carries.
async fn action_form(state: &AppState, l: Lang, c: &PageCaller, case: &Case, a: ActionKind) -> ActionForm {
    // A duplicate is marked as one with a link to its original, never chosen as an outcome.
    let concluded: Vec<Outcome> = Outcome::ALL.iter().copied().filter(|o| o.is_concluded_by_handler()).collect();
    let outcomes = options(l, "case-outcome", &concluded, Outcome::as_str);
    let fields = match a {
        ActionKind::Decline | ActionKind::Escalate | ActionKind::Return | ActionKind::PutInBacklog => vec![text(l, "reason", "case-field-reason", true)],
        ActionKind::Note => vec![text(l, "text", "case-field-note", true)],
        ActionKind::Assign => vec![select(l, "handler_id", "case-field-assignee", assignees(state, l, c, case).await), text(l, "note", "case-field-note", false)],
        ActionKind::Conclude => vec![select(l, "outcome", "case-field-outcome", outcomes), text(l, "summary", "case-field-summary", true)],
        ActionKind::Verify => {
            let yes_no = vec![("true".into(), l.t("case-verify-confirmed")), ("false".into(), l.t("case-verify-failed"))];
            vec![select(l, "confirmed", "case-field-verify", yes_no), text(l, "note", "case-field-note", false)]
        }
        ActionKind::FollowUp => {
            vec![select(l, "satisfaction", "case-field-satisfaction", options(l, "case-satisfaction", Satisfaction::ALL, Satisfaction::as_str)), text(l, "note", "case-field-note", false)]
        }
        ActionKind::DispatchDown => {
            // Below the current tier, and no lower than the tier of the case's own area.
            let floor = HandlingLevel::of_area(case.area_level).unwrap_or(HandlingLevel::District);
            let levels = HandlingLevel::ALL.into_iter().filter(|x| *x < case.handling_level && *x >= floor).map(|x| (x.as_str().to_string(), level_label(l, x))).collect();
            vec![select(l, "to", "case-field-to-level", levels), text(l, "note", "case-field-note", false)]
        }
        ActionKind::Refer => vec![select(l, "room", "case-field-room", options(l, "case-room", PartnerRoom::ALL, PartnerRoom::as_str)), text(l, "note", "case-field-note", false)],
        ActionKind::RecordReferralOutcome => {
            let mut o = vec![(String::new(), l.t("case-referral-handed-back"))];
            o.extend(outcomes);
            // The empty choice is a real answer here, so the select is not `required`.
            vec![Field { required: false, ..select(l, "outcome", "case-field-outcome", o) }, text(l, "note", "case-field-note", false)]
        }
        ActionKind::Supervise => vec![text(l, "instructions", "case-field-instructions", true), Field { control: "date", required: false, ..text(l, "reply_by", "case-field-reply-by", false) }],
        ActionKind::AnswerSupervision => vec![text(l, "answer", "case-field-answer", true)],
        ActionKind::RequestExtension => vec![Field { control: "number", ..text(l, "days", "case-field-extension-days", true) }, text(l, "reason", "case-field-reason", true)],
        ActionKind::DecideExtension => {
            let yes_no = vec![("true".into(), l.t("case-extension-approve")), ("false".into(), l.t("case-extension-refuse"))];
            vec![select(l, "approve", "case-field-decision", yes_no), text(l, "reason", "case-field-decision-reason", false)]
        }
        ActionKind::MarkDuplicate => vec![Field { control: "text", ..text(l, "original", "case-field-original", true) }, text(l, "note", "case-field-note", false)],
        ActionKind::Accept | ActionKind::Start | ActionKind::Close | ActionKind::TakeOutOfBacklog | ActionKind::Report => vec![text(l, "note", "case-field-note", false)],
    };
    ActionForm { name: a.as_str(), label: label(l, "case-do", a.as_str()), fields, error: None }
}

/// What a refused form brings back: which action, what was typed, and why. The upload form
/// is the action `ATTACH`.
pub(super) struct Refusal {
    pub action: String,
    pub typed: Vec<(String, String)>,
    pub message: String,
    pub stale: bool,
}

pub(super) const ATTACH: &str = "attach";

pub(super) async fn show(state: &AppState, l: Lang, c: &PageCaller, uri: &Uri, id: Uuid, notice: Option<String>, refusal: Option<Refusal>, status: StatusCode) -> Result<Response, PageError> {
    let s = &state.services;
    let file = s.case_file(&c.actor, id).await?;
    let timeline = s.case_timeline(&c.actor, id).await?;
    let case = file.case;
    let mut actions = Vec::new();
    for a in &file.allowed {
        let mut form = action_form(state, l, c, &case, *a).await;
        if let Some(r) = refusal.as_ref().filter(|r| !r.stale && r.action == form.name) {
            for f in &mut form.fields {
                f.value = r.typed.iter().find(|(k, _)| k == f.name).map(|(_, v)| v.clone()).unwrap_or_default();
            }
            form.error = Some(r.message.clone());
        }
        actions.push(form);
    }
    let conflict = refusal
        .as_ref()
        .filter(|r| r.action != ATTACH && (r.stale || !file.allowed.iter().any(|a| a.as_str() == r.action)))
        .map(|r| r.message.clone());
    let attach_error = refusal.as_ref().filter(|r| r.action == ATTACH).map(|r| r.message.clone());
    let attachments = super::attachments::rows(l, &case, s.attachments(&c.actor, id).await?);
    let files_hint = super::attachments::files_hint(l, &s.attachments);
    let mediation = crate::ui::mediation::section(state, l, c, &case).await;
    let resident = resident_rating(state, l, c, id).await?;
    let page = CasePage {
        mediation,
        follow_up: case.satisfaction.map(|x| label(l, "case-satisfaction", x.as_str())),
        resident,
        base: Base::new(Some(c), "cases", &uri.to_string(), notice),
        csrf: c.csrf().to_string(),
        kind: label(l, "case-kind", case.kind.as_str()),
        category: category_name(l, &s.case_settings().await?.categories, case.kind, case.category.as_str()),
        status: label(l, "case-status", case.status.as_str()),
        level: level_label(l, case.handling_level),
        channel: label(l, "case-channel", case.channel.as_str()),
        risk: label(l, "case-risk", case.risk.as_str()),
        deadline: Deadline::of(l, &case, s.clock.now()),
        outcome: case.outcome.map(|o| label(l, "case-outcome", o.as_str())),
        parties: file
            .parties
            .into_iter()
            .map(|p| PartyRow { role: label(l, "party-role", p.role.as_str()), name: p.name, phone: p.phone.map(|x| x.masked) })
            .collect(),
        timeline: timeline
            .into_iter()
            .map(|e| TimelineRow {
                when: l.datetime(&e.at),
                what: oversight_what(l, &e).unwrap_or_else(|| l.action(&format!("case.{}", e.kind.as_str()))),
                who: e.actor_name,
                status: label(l, "case-status", e.to_status.as_str()),
                level: e.from_level.filter(|f| *f != e.to_level).map(|_| level_label(l, e.to_level)),
                note: e.note,
            })
            .collect(),
        actions,
        oversight: oversight_notes(l, &case),
        conflict,
        attachments,
        can_attach: c.actor.may_in(Permission::ReportCases, &case.area_path, "error-case-not-found").is_ok(),
        attach_error,
        files_hint,
        case,
        l,
    };
    Ok(render_with(status, &page))
}

#[derive(Deserialize)]
pub struct OkQuery {
    ok: Option<String>,
}

pub async fn page(State(state): State<AppState>, l: Lang, uri: Uri, SignedIn(c): SignedIn, Path(id): Path<Uuid>, Query(q): Query<OkQuery>) -> Result<Response, PageError> {
    show(&state, l, &c, &uri, id, crate::ui::notice(l, q.ok.as_deref()), None, StatusCode::OK).await
}

/// The form as the action the API takes: the same tagged shape, so the domain checks every
/// field the same way whichever door the action came through.
fn to_action(form: &[(String, String)]) -> Result<(i64, CaseAction), DomainError> {
    let get = |k: &str| form.iter().find(|(key, _)| key == k).map(|(_, v)| v.as_str());
    let version = get("expected_version").and_then(|v| v.trim().parse().ok()).ok_or(DomainError::invalid("expected_version", "error-bad-request"))?;
    let mut m = Map::new();
    for (k, v) in form {
        let value = match k.as_str() {
            "csrf_token" | "expected_version" => continue,
            "confirmed" | "approve" => Value::Bool(v == "true"),
            // A number the domain checks for range; anything else is its missing-field error.
            "days" => v.trim().parse::<u32>().map(Value::from).unwrap_or(Value::Null),
            "reply_by" if v.trim().is_empty() => Value::Null,
            // An empty choice of outcome means the room handed the case back without one.
            "outcome" if v.is_empty() => Value::Null,
            _ => Value::String(v.clone()),
        };
        m.insert(k.clone(), value);
    }
    if get("action") == Some("assign") {
        // The service puts the account's own name on the case.
        m.insert("handler_name".into(), Value::String(String::new()));
    }
    let action: CaseAction = serde_json::from_value(Value::Object(m)).map_err(|_| DomainError::invalid("action", "error-case-action-incomplete"))?;
    Ok((version, action))
}

pub async fn act(State(state): State<AppState>, l: Lang, uri: Uri, SignedIn(c): SignedIn, Path(id): Path<Uuid>, PageForm(f): PageForm<Vec<(String, String)>>) -> Result<Response, PageError> {
    let result = match to_action(&f) {
        Ok((version, action)) => state.services.act(&c.actor, id, version, action).await,
        Err(e) => Err(e),
    };
    match result {
        Ok(_) => Ok(Redirect::to(&format!("/cases/{id}?ok=case-acted")).into_response()),
        Err(e) => match refused(&e) {
            Some(status) => {
                let action = f.iter().find(|(k, _)| k == "action").map(|(_, v)| v.clone()).unwrap_or_default();
                let stale = matches!(e, DomainError::Conflict(_));
                let refusal = Refusal { action, typed: f, message: l.t(e.code()), stale };
                show(&state, l, &c, &uri, id, None, Some(refusal), status).await
            }
            None => Err(e.into()),
        },
    }
}
