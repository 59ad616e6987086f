//! The written agreement (人民调解协议书) and the judicial confirmation that may follow it.
//! The agreement can be rewritten until everyone has signed; a rewrite voids the signatures
//! already given, because they were given to other words. Once all have signed it takes
//! effect that day and is frozen, and the parties have 30 days to apply to a court.

use serde_json::json;
use uuid::Uuid;

use crate::error::{DomainError, Result};
use crate::model::Area;
use crate::model::case::{Case, HandlingLevel, handling_path, optional_note};
use crate::model::mediation::{
    Agreement, AgreementDraft, AgreementParty, ConfirmationApplication, ConfirmationDecision, ConfirmationWindow, JudicialConfirmation,
    Signer, COURT_MAX,
};
use crate::rules::access::Actor;
use crate::rules::calendar::local_date;
use crate::rules::mediation::check_being_handled;
use crate::services::Services;

fn agreement_summary(a: &Agreement) -> serde_json::Value {
    json!({
        "number": a.number, "version": a.version, "parties": a.parties.len(),
        "signed": a.parties.iter().filter(|p| p.signed_at.is_some()).count(),
        "mediator_signed": a.mediator_signed_at.is_some(), "effective_on": a.effective_on,
    })
}

impl Services {
    pub async fn agreement(&self, actor: &Actor, case_id: Uuid) -> Result<Agreement> {
        self.dispute(actor, case_id).await?;
        self.store.agreement(case_id).await?.ok_or(DomainError::NotFound("error-agreement-not-found"))
    }

    /// The committee that seals agreements on this case: the one of its community (or of
    /// the street or district it lies in directly), named after the area.
    async fn committee_of(&self, case: &Case) -> Result<String> {
        let own = HandlingLevel::of_area(case.area_level).unwrap_or(HandlingLevel::District);
        let path = handling_path(&case.area_path, case.area_level, own);
        let code = Area::path_codes(&path).last().map(|c| c.to_string()).unwrap_or_default();
        let name = self.store.area_by_code(&code).await?.map(|a| a.name).unwrap_or_default();
        let base = name.trim_end_matches("居民委员会").trim_end_matches("居委会").trim_end_matches("村民委员会");
        Ok(format!("{base}人民调解委员会"))
    }

    /// Writes the agreement (the first time with `version` 0).
    pub async fn save_agreement(&self, actor: &Actor, case_id: Uuid, draft: AgreementDraft) -> Result<Agreement> {
        let case = self.dispute_to_record(actor, case_id).await?;
        check_being_handled(&case)?;
        let before = self.store.agreement(case_id).await?;
        if before.as_ref().is_some_and(Agreement::is_signed_by_all) {
            return Err(DomainError::Conflict("error-agreement-signed"));
        }
        let stored_version = before.as_ref().map_or(0, |a| a.version);
        if draft.version != stored_version {
            return Err(DomainError::Conflict("error-agreement-version-stale"));
        }
        let draft = draft.validate()?;
        let parties = self.store.case_parties(case_id).await?;
        let party_ids: Vec<Uuid> = if draft.party_ids.is_empty() { parties.iter().map(|p| p.id).collect() } else { draft.party_ids.clone() };
        if party_ids.iter().any(|id| !parties.iter().any(|p| p.id == *id)) {
            return Err(DomainError::invalid("party_ids", "error-party-not-of-case"));
        }
        if party_ids.len() < 2 {
            return Err(DomainError::invalid("party_ids", "error-agreement-needs-two-parties"));
        }
        let mediators = self.resolve_mediators(&case, &draft.mediators).await?;
        let now = self.clock.now();
        let committee = match draft.committee {
            Some(c) => c,
            None => self.committee_of(&case).await?,
        };
        let agreement = Agreement {
            case_id,
            number: draft.number.unwrap_or_else(|| case.number.to_string()),
            committee,
            facts: draft.facts,
            terms: draft.terms,
            performance: draft.performance,
            performance_due: draft.performance_due,
            // Signatures were given to the old words; the new ones must be signed again.
            parties: party_ids.into_iter().map(|party_id| AgreementParty { party_id, signed_at: None }).collect(),
            mediators,
            mediator_signed_at: None,
            effective_on: None,
            version: stored_version + 1,
            created_at: before.as_ref().map_or(now, |a| a.created_at),
            updated_at: now,
        };
        let audit = self.audit(
            actor,
            "mediation.agreement",
            "case",
            &case_id.to_string(),
            &case.area_path,
            before.as_ref().map(agreement_summary),
            Some(agreement_summary(&agreement)),
        );
        self.store.save_agreement(&agreement, &case.area_path, stored_version, &audit).await?;
        Ok(agreement)
    }

    /// Records that a party, or the mediator, has signed the paper agreement. The last
    /// signature makes it take effect that day (Asia/Shanghai).
    pub async fn sign_agreement(&self, actor: &Actor, case_id: Uuid, signer: Signer) -> Result<Agreement> {
        let case = self.dispute_to_record(actor, case_id).await?;
        check_being_handled(&case)?;
        let before = self.store.agreement(case_id).await?.ok_or(DomainError::NotFound("error-agreement-not-found"))?;
        if before.is_signed_by_all() {
            return Err(DomainError::Conflict("error-agreement-signed"));
        }
        let now = self.clock.now();
        let mut a = before.clone();
        match signer {
            Signer::Mediator => {
                if a.mediator_signed_at.is_some() {
                    return Err(DomainError::Conflict("error-agreement-already-signed"));
                }
                a.mediator_signed_at = Some(now);
            }
            Signer::Party { party_id } => {
                let p = a.parties.iter_mut().find(|p| p.party_id == party_id).ok_or(DomainError::invalid("party_id", "error-party-not-of-agreement"))?;
                if p.signed_at.is_some() {
                    return Err(DomainError::Conflict("error-agreement-already-signed"));
                }
                p.signed_at = Some(now);
            }
        }
        if a.is_signed_by_all() {
            a.effective_on = Some(local_date(now));
        }
        a.version += 1;
        a.updated_at = now;
        let mut after = agreement_summary(&a);
        after["signer"] = json!(signer);
        let audit = self.audit(actor, "mediation.sign", "case", &case_id.to_string(), &case.area_path, Some(agreement_summary(&before)), Some(after));
        self.store.save_agreement(&a, &case.area_path, before.version, &audit).await?;
        Ok(a)
    }

    /// The parties' joint application to a court, within 30 days of the agreement taking effect.
    pub async fn apply_for_confirmation(&self, actor: &Actor, case_id: Uuid, app: ConfirmationApplication) -> Result<JudicialConfirmation> {
        let case = self.dispute_to_record(actor, case_id).await?;
        let agreement = self.store.agreement(case_id).await?.ok_or(DomainError::Conflict("error-judicial-needs-agreement"))?;
        let effective_on = agreement.effective_on.ok_or(DomainError::Conflict("error-judicial-needs-agreement"))?;
        if self.store.judicial_confirmation(case_id).await?.is_some() {
            return Err(DomainError::Conflict("error-judicial-already-applied"));
        }
        let court = crate::model::case::one_line(&app.court, 1, COURT_MAX).ok_or(DomainError::invalid("court", "error-judicial-court"))?;
        let now = self.clock.now();
        if app.applied_on > local_date(now) {
            return Err(DomainError::invalid("applied_on", "error-date-in-future"));
        }
        if app.applied_on < effective_on {
            return Err(DomainError::invalid("applied_on", "error-judicial-before-agreement"));
        }
        if !ConfirmationWindow::admits(effective_on, app.applied_on) {
            return Err(DomainError::invalid("applied_on", "error-judicial-window-passed"));
        }
        let c = JudicialConfirmation {
            case_id,
            applied_on: app.applied_on,
            court,
            result: None,
            decided_on: None,
            note: None,
            created_at: now,
            updated_at: now,
        };
        let after = json!({ "applied_on": c.applied_on, "court": c.court, "agreement": agreement.number });
        let audit = self.audit(actor, "mediation.confirmation_apply", "case", &case_id.to_string(), &case.area_path, None, Some(after));
        self.store.insert_confirmation(&c, &case.area_path, &audit).await?;
        Ok(c)
    }

    /// The court's answer: confirmed or refused, on a day after the application.
    pub async fn decide_confirmation(&self, actor: &Actor, case_id: Uuid, d: ConfirmationDecision) -> Result<JudicialConfirmation> {
        let case = self.dispute_to_record(actor, case_id).await?;
        let before = self.store.judicial_confirmation(case_id).await?.ok_or(DomainError::Conflict("error-judicial-not-applied"))?;
        if before.result.is_some() {
            return Err(DomainError::Conflict("error-judicial-already-decided"));
        }
        let now = self.clock.now();
        if d.decided_on > local_date(now) {
            return Err(DomainError::invalid("decided_on", "error-date-in-future"));
        }
        if d.decided_on < before.applied_on {
            return Err(DomainError::invalid("decided_on", "error-judicial-decided-before-applied"));
        }
        let note = optional_note(d.note.as_deref(), "note")?;
        let c = JudicialConfirmation { result: Some(d.result), decided_on: Some(d.decided_on), note, updated_at: now, ..before };
        let after = json!({ "result": c.result, "decided_on": c.decided_on, "court": c.court });
        let audit = self.audit(actor, "mediation.confirmation_decide", "case", &case_id.to_string(), &case.area_path, None, Some(after));
        self.store.decide_confirmation(&c, &audit).await?;
        Ok(c)
    }
}
