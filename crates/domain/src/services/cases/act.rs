//! Taking an action on a case: the workflow decides, the store writes the new state, its
//! timeline entry and the audit row together, guarded by the version the caller saw.

use serde_json::json;
use uuid::Uuid;

use super::{NOT_FOUND, state_summary};
use crate::error::{DomainError, Result};
use crate::model::case::{ActionKind, Case, CaseAction, TimelineEntry};
use crate::rules::access::{Actor, Permission};
use crate::rules::workflow::{self, Context};
use crate::services::Services;

#[derive(Debug, Clone, PartialEq)]
pub struct ActOutcome {
    pub case: Case,
    pub entry: TimelineEntry,
    /// The clock restarted but the calendar lacks the year: the case has no deadline until an
    /// administrator adds it. The action still happened.
    pub calendar_gap: bool,
}

impl Services {
    pub async fn act(&self, actor: &Actor, id: Uuid, expected_version: i64, action: CaseAction) -> Result<ActOutcome> {
        let case = self.store.case_by_id(id).await?.ok_or(DomainError::NotFound(NOT_FOUND))?;
        actor.may_in(Permission::ViewCases, &case.area_path, NOT_FOUND)?;
        workflow::check_version(&case, expected_version)?;
        // The name on the case is the account's, whatever the client sent.
        let (action, assignee) = match action {
            CaseAction::Assign { handler_id, note, .. } => {
                let user = self.store.user_by_id(handler_id).await?;
                let name = user.as_ref().map(|u| u.display_name.clone()).unwrap_or_else(|| "-".into());
                (CaseAction::Assign { handler_id, handler_name: name, note }, Some(user))
            }
            other => (other, None),
        };
        if let CaseAction::MarkDuplicate { original, .. } = &action {
            self.check_original(actor, &case, original).await?;
        }
        let settings = self.case_settings().await?;
        let ctx = Context { actor, now: self.clock.now(), deadlines: &settings.deadlines };
        let t = workflow::apply(&case, &action, &ctx)?;
        // Checked after `apply`, so a caller who may not assign is told that first.
        if let Some(user) = assignee {
            let u = user.ok_or(DomainError::invalid("handler_id", "error-case-assignee-cannot-handle"))?;
            workflow::check_assignee(&case, u.role, &u.home_area_path, u.disabled)?;
        }
        let kind = t.entry.kind;
        let mut after = state_summary(&t.case);
        if let (Some(obj), Some(note)) = (after.as_object_mut(), t.entry.note.as_ref()) {
            obj.insert("note".into(), json!(note));
        }
        let audit = self.audit(
            actor,
            &format!("case.{}", kind.as_str()),
            "case",
            &id.to_string(),
            &t.case.area_path,
            Some(state_summary(&case)),
            Some(after),
        );
        let events = super::notices::for_transition(&case, &t.case, &t.entry, actor);
        self.store.save_transition_with_events(&t.case, expected_version, &t.entry, &audit, &events).await?;
        Ok(ActOutcome { case: t.case, entry: t.entry, calendar_gap: t.calendar_gap.is_some() })
    }

    /// The case a duplicate points at must be another case the caller can see, and not itself
    /// a duplicate, so every chain of duplicates ends at a case that is counted.
    async fn check_original(&self, actor: &Actor, case: &Case, original: &crate::model::case::CaseNumber) -> Result<()> {
        let found = self.store.case_by_number(original).await?.filter(|o| actor.may_in(Permission::ViewCases, &o.area_path, NOT_FOUND).is_ok());
        let found = found.ok_or(DomainError::invalid("original", "error-case-original-not-found"))?;
        if found.id == case.id {
            return Err(DomainError::invalid("original", "error-case-duplicate-of-itself"));
        }
        if found.outcome == Some(crate::model::case::Outcome::Duplicate) {
            return Err(DomainError::invalid("original", "error-case-duplicate-of-duplicate"));
        }
        Ok(())
    }

    /// What the caller can do to the case now: the buttons a page shows, the list a 409 names.
    pub async fn allowed_actions(&self, actor: &Actor, id: Uuid) -> Result<Vec<ActionKind>> {
        let case = self.case(actor, id).await?;
        Ok(workflow::allowed_actions(&case, actor))
    }
}
