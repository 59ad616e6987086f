//! The mediation section of a dispute's page: sessions, the agreement with its signatures,
//! judicial confirmation and its 30-day window, and a form for each thing the caller may
//! record now. A refused form comes back on `/cases/{id}/mediation` with what was typed and
//! why; the print view and the PDF of the agreement are in `print.rs`.

mod forms;
mod print;

use axum::Router;
use axum::routing::{get, post};
use chrono::{DateTime, NaiveDate, Utc};
use fengqiao_domain::model::case::{Case, CaseKind, CaseStatus, Party};
use fengqiao_domain::model::mediation::{ConfirmationResult, Mediator, MediatorKind};
use fengqiao_domain::services::mediation::MediationFile;
use uuid::Uuid;

use fengqiao_domain::rules::calendar::local_date;

use crate::AppState;
use crate::auth::PageCaller;
use crate::i18n::Lang;
use crate::ui::cases::label;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/cases/{id}/mediation", get(forms::page))
        .route("/cases/{id}/mediation/session", post(forms::add_session))
        .route("/cases/{id}/mediation/agreement", post(forms::save_agreement))
        .route("/cases/{id}/mediation/sign", post(forms::sign))
        .route("/cases/{id}/mediation/confirmation", post(forms::apply))
        .route("/cases/{id}/mediation/confirmation/result", post(forms::decide))
        .route("/cases/{id}/agreement", get(print::page))
        .route("/cases/{id}/agreement.pdf", get(print::pdf))
}

pub struct SessionRow {
    pub when: String,
    pub place: String,
    pub mediators: String,
    pub participants: String,
    pub record: String,
    pub by: String,
}

pub struct SignRow {
    pub party_id: String,
    pub label: String,
    pub signed: Option<String>,
}

/// What the agreement form starts from: the agreement as stored, or a blank one naming all
/// the case's parties.
#[derive(Default)]
pub struct AgreementDraftForm {
    pub version: i64,
    pub number: String,
    pub committee: String,
    pub facts: String,
    pub terms: String,
    pub performance: String,
    pub due: String,
    pub party_ids: Vec<String>,
    pub mediator_values: Vec<String>,
}

pub struct AgreementRow {
    pub number: String,
    pub mediators: String,
    pub parties: Vec<SignRow>,
    pub mediator_signed: Option<String>,
    /// 2024年5月14日 once everyone has signed: it is then in force and frozen.
    pub effective: Option<String>,
}

pub struct ConfirmationRow {
    pub applied_on: String,
    pub court: String,
    pub result: Option<String>,
    pub decided_on: Option<String>,
    pub note: Option<String>,
}

/// Everything the section draws, and a refused form's input.
pub struct MediationSection {
    pub case_id: Uuid,
    pub may_record: bool,
    /// Sessions and the agreement are written only while the case is being handled.
    pub open: bool,
    pub sessions: Vec<SessionRow>,
    /// (`u:<id>` or `p:<id>`, name and kind) of whoever may be named as a mediator.
    pub candidates: Vec<(String, String)>,
    pub parties: Vec<(String, String)>,
    pub agreement: Option<AgreementRow>,
    pub draft: AgreementDraftForm,
    /// Signed by all: in force, frozen, and judicial confirmation may follow.
    pub agreement_effective: bool,
    /// The judicial-confirmation window, in words; `window_closed` when it has passed.
    pub window: Option<String>,
    pub window_closed: bool,
    pub confirmation: Option<ConfirmationRow>,
    pub can_apply: bool,
    pub can_decide: bool,
    pub now_local: String,
    pub today: String,
    /// The form that was refused (`session`, `agreement`, `sign`, `apply`, `decide`).
    pub refused: Option<String>,
    pub error: Option<String>,
    pub typed: Vec<(String, String)>,
}

impl MediationSection {
    /// What was typed in `form`'s field `key`, when that form was refused; else `default`.
    pub fn v(&self, form: &str, key: &str, default: &str) -> String {
        if self.refused.as_deref() == Some(form) {
            self.typed.iter().find(|(k, _)| k == key).map(|(_, v)| v.clone()).unwrap_or_default()
        } else {
            default.to_string()
        }
    }

    /// Whether a checkbox is ticked: as typed after a refusal, else as `default` says.
    pub fn checked(&self, form: &str, key: &str, value: &str, default: bool) -> bool {
        if self.refused.as_deref() == Some(form) {
            self.typed.iter().any(|(k, v)| k == key && v == value)
        } else {
            default
        }
    }

    pub fn is_refused(&self, form: &str) -> bool {
        self.refused.as_deref() == Some(form)
    }
}

pub(crate) fn local(t: &DateTime<Utc>) -> String {
    t.with_timezone(&chrono_tz::Asia::Shanghai).format("%Y-%m-%dT%H:%M").to_string()
}

fn date(l: Lang, d: NaiveDate) -> String {
    match l {
        Lang::ZhCn => crate::documents::chinese_date(d),
        Lang::En => d.format("%Y-%m-%d").to_string(),
    }
}

/// `name（note）` in Chinese, `name (note)` in English.
fn with_note(l: Lang, name: &str, note: &str) -> String {
    match l {
        Lang::ZhCn => format!("{name}（{note}）"),
        Lang::En => format!("{name} ({note})"),
    }
}

fn mediator_label(l: Lang, m: &Mediator) -> String {
    match m.kind {
        MediatorKind::Staff => m.name.clone(),
        k => with_note(l, &m.name, &l.t(&format!("mediator-kind-{}", k.as_str()))),
    }
}

fn mediator_value(m: &Mediator) -> String {
    match (m.user_id, m.person_id) {
        (Some(u), _) => format!("u:{u}"),
        (_, Some(p)) => format!("p:{p}"),
        _ => String::new(),
    }
}

fn party_label(l: Lang, p: &Party) -> String {
    with_note(l, &p.name, &label(l, "party-role", p.role.as_str()))
}

/// The section for a case's page; none for demands and hazards, which have no file.
pub async fn section(state: &AppState, l: Lang, c: &PageCaller, case: &Case) -> Option<MediationSection> {
    if case.kind != CaseKind::Dispute {
        return None;
    }
    let s = &state.services;
    let file = s.mediation_file(&c.actor, case.id).await.ok()?;
    let candidates = if file.may_record { s.mediator_candidates(&c.actor, case.id).await.unwrap_or_default() } else { Vec::new() };
    Some(build(l, file, candidates, s.clock.now()))
}

fn build(l: Lang, f: MediationFile, candidates: Vec<Mediator>, now: DateTime<Utc>) -> MediationSection {
    let name_of = |id: &Uuid| f.parties.iter().find(|p| p.id == *id).map(|p| party_label(l, p)).unwrap_or_default();
    let sessions = f
        .sessions
        .iter()
        .map(|s| SessionRow {
            when: l.datetime(&s.held_at),
            place: s.place.clone(),
            mediators: s.mediators.iter().map(|m| mediator_label(l, m)).collect::<Vec<_>>().join("、"),
            participants: s.party_ids.iter().map(name_of).chain(s.others.iter().cloned()).collect::<Vec<_>>().join("、"),
            record: s.record.clone(),
            by: s.recorded_by_name.clone(),
        })
        .collect();
    let draft = match &f.agreement {
        Some(a) => AgreementDraftForm {
            version: a.version,
            number: a.number.clone(),
            committee: a.committee.clone(),
            facts: a.facts.clone(),
            terms: a.terms.clone(),
            performance: a.performance.clone(),
            due: a.performance_due.map(|d| d.to_string()).unwrap_or_default(),
            party_ids: a.parties.iter().map(|p| p.party_id.to_string()).collect(),
            mediator_values: a.mediators.iter().map(mediator_value).collect(),
        },
        None => AgreementDraftForm { party_ids: f.parties.iter().map(|p| p.id.to_string()).collect(), ..Default::default() },
    };
    let agreement = f.agreement.as_ref().map(|a| AgreementRow {
        number: a.number.clone(),
        mediators: a.mediators.iter().map(|m| mediator_label(l, m)).collect::<Vec<_>>().join("、"),
        parties: a
            .parties
            .iter()
            .map(|p| SignRow { party_id: p.party_id.to_string(), label: name_of(&p.party_id), signed: p.signed_at.map(|t| date(l, local_date(t))) })
            .collect(),
        mediator_signed: a.mediator_signed_at.map(|t| date(l, local_date(t))),
        effective: a.effective_on.map(|d| date(l, d)),
    });
    let (window, window_closed) = match (&f.window, &f.confirmation) {
        (Some(w), None) if w.is_open() => {
            (Some(l.t_args("mediation-window-open", &[("date", date(l, w.ends_on)), ("days", w.days_left.to_string())])), false)
        }
        (Some(w), None) => (Some(l.t_args("mediation-window-closed", &[("date", date(l, w.ends_on))])), true),
        _ => (None, false),
    };
    let confirmation = f.confirmation.as_ref().map(|j| ConfirmationRow {
        applied_on: date(l, j.applied_on),
        court: j.court.clone(),
        result: j.result.map(|r: ConfirmationResult| l.t(&format!("judicial-result-{}", r.as_str()))),
        decided_on: j.decided_on.map(|d| date(l, d)),
        note: j.note.clone(),
    });
    let open = matches!(f.case.status, CaseStatus::InProgress | CaseStatus::Referred);
    MediationSection {
        case_id: f.case.id,
        may_record: f.may_record,
        open,
        sessions,
        candidates: candidates.iter().map(|m| (mediator_value(m), mediator_label(l, m))).collect(),
        parties: f.parties.iter().map(|p| (p.id.to_string(), party_label(l, p))).collect(),
        can_apply: f.may_record && f.window.is_some() && !window_closed && f.confirmation.is_none(),
        can_decide: f.may_record && f.confirmation.as_ref().is_some_and(|j| j.result.is_none()),
        draft,
        agreement_effective: agreement.as_ref().is_some_and(|a| a.effective.is_some()),
        agreement,
        window,
        window_closed,
        confirmation,
        now_local: local(&now),
        today: local_date(now).to_string(),
        refused: None,
        error: None,
        typed: Vec::new(),
    }
}
