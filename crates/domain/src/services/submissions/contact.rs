//! The office's side of a submission: what came in from outside and how to reach the resident.
//! Staff see the contact masked; the full name and phone only with a stated reason, and every
//! such reveal is in the audit log (never the values).

use serde_json::json;
use uuid::Uuid;

use super::{CONTACT_NAME_FIELD, CONTACT_PHONE_FIELD};
use crate::error::{DomainError, Result};
use crate::model::submission::Submission;
use crate::rules::access::{Actor, Permission};
use crate::services::Services;
use crate::services::registry::reveal_reason;

const NOT_SUBMITTED: &str = "error-submission-not-found";

/// A submitter's contact in full.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Contact {
    pub name: Option<String>,
    pub phone: Option<String>,
}

impl Services {
    /// The submission beside a case the caller may see; contact masked.
    pub async fn case_submission(&self, actor: &Actor, case_id: Uuid) -> Result<Submission> {
        self.case(actor, case_id).await?;
        self.store.submission_of_case(case_id).await?.ok_or(DomainError::NotFound(NOT_SUBMITTED))
    }

    pub async fn reveal_submitter(&self, actor: &Actor, case_id: Uuid, reason: &str) -> Result<Contact> {
        let case = self.case(actor, case_id).await?;
        actor.may_in(Permission::RevealPersonalData, &case.area_path, "error-case-not-found")?;
        let reason = reveal_reason(reason)?;
        let sub = self.store.submission_of_case(case_id).await?.ok_or(DomainError::NotFound(NOT_SUBMITTED))?;
        let vault = self.vault()?;
        let name = sub.contact_name.as_ref().map(|p| vault.decrypt(CONTACT_NAME_FIELD, &p.cipher)).transpose()?;
        let phone = sub.contact_phone.as_ref().map(|p| vault.decrypt(CONTACT_PHONE_FIELD, &p.cipher)).transpose()?;
        let after = json!({"field": "submitter", "reason": reason});
        let audit = self.audit(actor, "case.submitter_reveal", "case", &case_id.to_string(), &case.area_path, None, Some(after));
        self.store.append_audit(&[audit]).await?;
        Ok(Contact { name, phone })
    }
}
