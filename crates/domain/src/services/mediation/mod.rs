//! The mediation file of a dispute: reading it, choosing mediators, recording sessions.
//! The agreement and judicial confirmation are in `agreement.rs`. Every timestamp comes from
//! the services' clock, so the demo loader can write a 2024 history with a fixed clock.

mod agreement;

use serde_json::json;
use uuid::Uuid;

use crate::error::{DomainError, Result};
use crate::model::case::{Case, Party};
use crate::model::mediation::{
    Agreement, ConfirmationWindow, JudicialConfirmation, MediationSession, Mediator, MediatorChoice, MediatorKind, NewSession,
};
use crate::model::{Area, Role};
use crate::rules::access::Actor;
use crate::rules::calendar::local_date;
use crate::rules::mediation::{check_being_handled, check_dispute, may_record};
use crate::services::Services;

/// Everything the case page and the API show of a case's mediation.
#[derive(Debug, Clone, PartialEq)]
pub struct MediationFile {
    pub case: Case,
    pub parties: Vec<Party>,
    pub sessions: Vec<MediationSession>,
    pub agreement: Option<Agreement>,
    pub confirmation: Option<JudicialConfirmation>,
    /// Once the agreement has taken effect: the 30 days for judicial confirmation.
    pub window: Option<ConfirmationWindow>,
    /// Whether the caller may write to the file (the status may still refuse a write).
    pub may_record: bool,
}

/// Every path from the root down to `path`, itself included: the areas whose people cover it.
pub(crate) fn ancestors(path: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut acc = String::from("/");
    for code in Area::path_codes(path) {
        acc.push_str(code);
        acc.push('/');
        out.push(acc.clone());
    }
    out
}

impl Services {
    /// A dispute in the caller's scope; elsewhere it does not exist, and other kinds have no file.
    async fn dispute(&self, actor: &Actor, case_id: Uuid) -> Result<Case> {
        let case = self.case(actor, case_id).await?;
        check_dispute(&case)?;
        Ok(case)
    }

    /// A dispute the caller may write the file of.
    async fn dispute_to_record(&self, actor: &Actor, case_id: Uuid) -> Result<Case> {
        let case = self.dispute(actor, case_id).await?;
        may_record(actor, &case)?;
        Ok(case)
    }

    pub async fn mediation_file(&self, actor: &Actor, case_id: Uuid) -> Result<MediationFile> {
        let case = self.dispute(actor, case_id).await?;
        let parties = self.store.case_parties(case_id).await?;
        let sessions = self.store.case_sessions(case_id).await?;
        let agreement = self.store.agreement(case_id).await?;
        let confirmation = self.store.judicial_confirmation(case_id).await?;
        let today = local_date(self.clock.now());
        let window = agreement.as_ref().and_then(|a| a.effective_on).map(|d| ConfirmationWindow::of(d, today));
        let may_record = may_record(actor, &case).is_ok();
        Ok(MediationFile { case, parties, sessions, agreement, confirmation, window, may_record })
    }

    /// Who can be named as a mediator on this case: mediator accounts that cover it or work
    /// inside its handling tier, its handler, and the invited and volunteer mediators of the
    /// registry who belong or are assigned there.
    pub async fn mediator_candidates(&self, actor: &Actor, case_id: Uuid) -> Result<Vec<Mediator>> {
        let case = self.dispute(actor, case_id).await?;
        self.candidates_for(&case).await
    }

    async fn candidates_for(&self, case: &Case) -> Result<Vec<Mediator>> {
        let up = ancestors(&case.area_path);
        let tier = case.handling_area_path();
        let mut out = Vec::new();
        if let Some(h) = case.handler_id
            && let Some(u) = self.store.user_by_id(h).await?
            && !u.disabled
            && u.role != Role::Mediator
        {
            out.push(Mediator { kind: MediatorKind::Staff, user_id: Some(u.id), person_id: None, name: u.display_name });
        }
        for u in self.store.mediator_accounts(&up, &tier).await? {
            out.push(Mediator { kind: MediatorKind::Staff, user_id: Some(u.id), person_id: None, name: u.display_name });
        }
        for p in self.store.mediator_people(&up, &tier).await? {
            let kind = if p.kind == crate::model::PersonKind::InvitedMediator { MediatorKind::Invited } else { MediatorKind::Volunteer };
            out.push(Mediator { kind, user_id: None, person_id: Some(p.id), name: p.name });
        }
        Ok(out)
    }

    /// The chosen mediators, each one a candidate of this case, with their names of today.
    async fn resolve_mediators(&self, case: &Case, choices: &[MediatorChoice]) -> Result<Vec<Mediator>> {
        let candidates = self.candidates_for(case).await?;
        choices
            .iter()
            .map(|c| {
                candidates
                    .iter()
                    .find(|m| (c.user_id.is_some() && m.user_id == c.user_id) || (c.person_id.is_some() && m.person_id == c.person_id))
                    .cloned()
                    .ok_or(DomainError::invalid("mediators", "error-mediator-not-available"))
            })
            .collect()
    }

    pub async fn mediation_sessions(&self, actor: &Actor, case_id: Uuid) -> Result<Vec<MediationSession>> {
        self.dispute(actor, case_id).await?;
        self.store.case_sessions(case_id).await
    }

    /// Records a session (调解笔录) held on the case.
    pub async fn add_session(&self, actor: &Actor, case_id: Uuid, new: NewSession) -> Result<MediationSession> {
        let case = self.dispute_to_record(actor, case_id).await?;
        check_being_handled(&case)?;
        let new = new.validate()?;
        let now = self.clock.now();
        if new.held_at > now + chrono::Duration::minutes(5) {
            return Err(DomainError::invalid("held_at", "error-session-in-future"));
        }
        if new.held_at < case.created_at - chrono::Duration::days(1) {
            return Err(DomainError::invalid("held_at", "error-session-before-case"));
        }
        let parties = self.store.case_parties(case_id).await?;
        if new.party_ids.iter().any(|id| !parties.iter().any(|p| p.id == *id)) {
            return Err(DomainError::invalid("party_ids", "error-party-not-of-case"));
        }
        let mediators = self.resolve_mediators(&case, &new.mediators).await?;
        let session = MediationSession {
            id: Uuid::now_v7(),
            case_id,
            held_at: new.held_at,
            place: new.place,
            mediators,
            party_ids: new.party_ids,
            others: new.others,
            record: new.record,
            recorded_by: actor.user_id,
            recorded_by_name: actor.display_name.clone(),
            created_at: now,
        };
        // The record itself may hold what parties said about each other: the audit keeps its
        // shape, the file keeps its words.
        let after = json!({
            "session_id": session.id, "held_at": session.held_at, "place": session.place,
            "mediators": session.mediators.iter().map(|m| &m.name).collect::<Vec<_>>(),
            "parties": session.party_ids.len(), "others": session.others.len(), "record_chars": session.record.chars().count(),
        });
        let audit = self.audit(actor, "mediation.session", "case", &case_id.to_string(), &case.area_path, None, Some(after));
        self.store.insert_mediation_session(&session, &case.area_path, &audit).await?;
        Ok(session)
    }
}
