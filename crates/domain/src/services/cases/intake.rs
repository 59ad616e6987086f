//! Intake (排查): a case taken in by someone who may report in its area, with its parties'
//! personal data protected and a number allocated in the same transaction.

use chrono::Datelike;
use serde::Deserialize;
use serde_json::json;
use uuid::Uuid;

use super::{party_summary, state_summary};
use crate::error::{DomainError, Result};
use crate::model::case::{CaseDraft, CaseKind, CaseNumber, HandlingLevel, NewParty, Party, check_dispute_parties, handling_path};
use crate::model::{Area, Protected};
use crate::ports::CaseIntake;
use crate::privacy::{mask_id, mask_phone};
use crate::rules::access::{Actor, Permission};
use crate::rules::calendar::local_date;
use crate::rules::workflow::{self, Context};
use crate::services::Services;
use crate::services::registry::protect;

/// Vault field names of a party's personal data; their own, so a party's data and a
/// resident's can be rotated and revealed separately.
pub const PARTY_ID_FIELD: &str = "party.id_number";
pub const PARTY_PHONE_FIELD: &str = "party.phone";

/// Most parties one case may name: a building's worth of neighbours, not a petition.
const MAX_PARTIES: usize = 50;

#[derive(Debug, Clone, Deserialize)]
pub struct NewCase {
    pub draft: CaseDraft,
    #[serde(default)]
    pub parties: Vec<NewParty>,
}

/// The district a case's number is counted in: the home area's ancestor at district level.
fn district_code(area: &Area) -> Result<String> {
    let path = handling_path(&area.path, area.level, HandlingLevel::District);
    let codes = Area::path_codes(&path);
    if HandlingLevel::of_area(area.level).is_none() || codes.is_empty() {
        return Err(DomainError::invalid("area_id", "error-case-area-too-broad"));
    }
    Ok(codes[codes.len() - 1].to_string())
}

impl Services {
    pub async fn report_case(&self, actor: &Actor, new: NewCase) -> Result<(crate::model::case::Case, Vec<Party>)> {
        self.report_case_submitted(actor, new, None).await
    }

    /// Intake with what an outside channel keeps beside the case (its `case_id` is filled in
    /// here), written in the same transaction.
    pub(crate) async fn report_case_submitted(
        &self,
        actor: &Actor,
        new: NewCase,
        submission: Option<crate::model::submission::Submission>,
    ) -> Result<(crate::model::case::Case, Vec<Party>)> {
        actor.require(Permission::ReportCases)?;
        let area = self.store.area_by_id(new.draft.area_id).await?.ok_or(DomainError::NotFound("error-area-not-found"))?;
        // Scope before anything else, so an outsider learns nothing about the area.
        actor.may_in(Permission::ReportCases, &area.path, "error-area-not-found")?;
        if new.draft.kind == CaseKind::Dispute {
            check_dispute_parties(&new.parties)?;
        } else if new.parties.len() > MAX_PARTIES {
            return Err(DomainError::invalid("parties", "error-party-too-many"));
        }
        let now = self.clock.now();
        let year = local_date(now).year();
        let district = district_code(&area)?;
        let placeholder = CaseNumber::compose(&district, year, 0)?;
        let settings = self.case_settings().await?;
        let ctx = Context { actor, now, deadlines: &settings.deadlines };
        let (case, entry) = workflow::report(&new.draft, &area, &settings.categories, placeholder, &ctx)?;
        let mut parties = Vec::with_capacity(new.parties.len());
        for p in &new.parties {
            parties.push(self.party(actor, case.id, p, now).await?);
        }
        let after = json!({
            "kind": case.kind, "category": case.category, "title": case.title, "channel": case.channel, "risk": case.risk,
            "state": state_summary(&case), "parties": parties.iter().map(party_summary).collect::<Vec<_>>(),
        });
        let audit = self.audit(actor, "case.report", "case", &case.id.to_string(), &case.area_path, None, Some(after));
        let submission = submission.map(|s| crate::model::submission::Submission { case_id: case.id, ..s });
        let intake = CaseIntake { case, parties, entry, district_code: district, year, submission };
        let case = self.store.insert_case(&intake, &audit).await?;
        Ok((case, intake.parties))
    }

    async fn party(&self, actor: &Actor, case_id: Uuid, p: &NewParty, now: chrono::DateTime<chrono::Utc>) -> Result<Party> {
        let checked = p.validate()?;
        if let Some(rid) = checked.resident_id {
            // A link must name a resident the caller could look up; anything else is refused
            // the same way, so the link cannot probe for residents elsewhere.
            let r = self.store.resident_by_id(rid).await?;
            if !r.is_some_and(|r| actor.covers(&r.area_path)) {
                return Err(DomainError::invalid("resident_id", "error-party-resident"));
            }
        }
        let vault = self.vault()?;
        let id_number: Option<Protected> =
            checked.id_number.as_ref().map(|id| protect(vault, PARTY_ID_FIELD, id.as_str(), mask_id(id.as_str()))).transpose()?;
        let phone = checked.phone.as_ref().map(|ph| protect(vault, PARTY_PHONE_FIELD, ph.as_str(), mask_phone(ph.as_str()))).transpose()?;
        Ok(Party {
            id: Uuid::now_v7(),
            case_id,
            role: checked.role,
            kind: checked.kind,
            resident_id: checked.resident_id,
            name: checked.name,
            id_number,
            phone,
            created_at: now,
        })
    }
}
