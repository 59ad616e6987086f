//! Reading cases: one case with its parties, a case's timeline, and the lists a caller
//! works from (cases in an area, a tier's queue, the caller's own).

use chrono::NaiveDate;
use uuid::Uuid;

use super::NOT_FOUND;
use crate::error::{DomainError, Result};
use crate::model::case::{ActionKind, Case, CaseKind, CaseStatus, CategoryCode, HandlingLevel, Party, TimelineEntry};
use crate::rules::calendar::start_of_day;
use crate::ports::{CaseQuery, CaseScope};
use crate::rules::access::{Actor, Permission};
use crate::rules::workflow;
use crate::services::Services;
use crate::services::cases::{PARTY_ID_FIELD, PARTY_PHONE_FIELD};
use crate::services::registry::{MAX_PAGE, RevealField, reveal_reason};

/// A case as its page shows it.
#[derive(Debug, Clone, PartialEq)]
pub struct CaseFile {
    pub case: Case,
    pub parties: Vec<Party>,
    /// What the caller can do now.
    pub allowed: Vec<ActionKind>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum CaseQueue {
    /// Cases whose home area lies in the area's subtree.
    #[default]
    Area,
    /// Cases the area's own office handles now.
    Handling,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct CaseList {
    /// An area code in the caller's scope; the caller's home area when absent.
    pub area_code: Option<String>,
    pub queue: CaseQueue,
    /// Only cases the caller handles.
    pub mine: bool,
    pub status: Option<CaseStatus>,
    pub kind: Option<CaseKind>,
    pub category: Option<String>,
    pub overdue: bool,
    /// The tier handling it now.
    pub level: Option<HandlingLevel>,
    /// Only cases this account handles (any account; `mine` is the caller).
    pub assignee: Option<Uuid>,
    /// Taken in on or after this date (Asia/Shanghai).
    pub from: Option<NaiveDate>,
    /// Taken in on or before this date (Asia/Shanghai).
    pub to: Option<NaiveDate>,
    /// Only cases with an open supervision order.
    pub supervised: bool,
    /// Only cases with an extension request waiting.
    pub extension_pending: bool,
    /// Only cases neither closed nor declined.
    pub open_only: bool,
    pub before: Option<Uuid>,
    pub limit: i64,
}

impl Services {
    /// A case in the caller's scope; elsewhere it does not exist.
    pub async fn case(&self, actor: &Actor, id: Uuid) -> Result<Case> {
        let case = self.store.case_by_id(id).await?.ok_or(DomainError::NotFound(NOT_FOUND))?;
        actor.may_in(Permission::ViewCases, &case.area_path, NOT_FOUND)?;
        Ok(case)
    }

    pub async fn case_file(&self, actor: &Actor, id: Uuid) -> Result<CaseFile> {
        let case = self.case(actor, id).await?;
        let parties = self.store.case_parties(id).await?;
        let allowed = workflow::allowed_actions(&case, actor);
        Ok(CaseFile { case, parties, allowed })
    }

    pub async fn case_timeline(&self, actor: &Actor, id: Uuid) -> Result<Vec<TimelineEntry>> {
        self.case(actor, id).await?;
        self.store.case_timeline(id).await
    }

    /// A party's full ID number or phone, as for residents: the permission and a reason are
    /// needed, and the reveal (never the value) is audited first.
    pub async fn reveal_party(&self, actor: &Actor, case_id: Uuid, party_id: Uuid, field: RevealField, reason: &str) -> Result<String> {
        let case = self.case(actor, case_id).await?;
        actor.may_in(Permission::RevealPersonalData, &case.area_path, NOT_FOUND)?;
        let reason = reveal_reason(reason)?;
        let party = self.store.case_parties(case_id).await?.into_iter().find(|p| p.id == party_id);
        let party = party.ok_or(DomainError::NotFound("error-party-not-found"))?;
        let (stored, name, field_name) = match field {
            RevealField::IdNumber => (&party.id_number, PARTY_ID_FIELD, "id_number"),
            RevealField::Phone => (&party.phone, PARTY_PHONE_FIELD, "phone"),
        };
        let stored = stored.as_ref().ok_or(DomainError::NotFound("error-value-not-recorded"))?;
        let value = self.vault()?.decrypt(name, &stored.cipher)?;
        let after = serde_json::json!({ "party_id": party_id, "field": field_name, "reason": reason });
        let audit = self.audit(actor, "case.party_reveal", "case", &case_id.to_string(), &case.area_path, None, Some(after));
        self.store.append_audit(&[audit]).await?;
        Ok(value)
    }

    /// Newest first, by key; never counted in full.
    pub async fn cases(&self, actor: &Actor, q: CaseList) -> Result<Vec<Case>> {
        let query = self.case_query(actor, &q).await?;
        self.store.cases(&query).await
    }

    /// The store's query for a list, after the checks every list of cases makes: the area in
    /// the caller's scope (else 404), a period in order, a category that parses.
    pub(crate) async fn case_query(&self, actor: &Actor, q: &CaseList) -> Result<CaseQuery> {
        actor.require(Permission::ViewCases)?;
        let path = match q.area_code.as_deref() {
            Some(code) => self.area(actor, code).await?.path,
            None => actor.home_area_path.clone(),
        };
        let scope = match q.queue {
            CaseQueue::Area => CaseScope::Area(path),
            CaseQueue::Handling => CaseScope::Handling(path),
        };
        if let (Some(from), Some(to)) = (q.from, q.to)
            && from > to
        {
            return Err(DomainError::invalid("from", "error-period-inverted"));
        }
        if q.mine && q.assignee.is_some_and(|a| a != actor.user_id) {
            return Err(DomainError::invalid("assignee", "error-case-assignee-and-mine"));
        }
        let category = q.category.as_deref().map(str::trim).filter(|c| !c.is_empty()).map(CategoryCode::parse).transpose()?;
        let query = CaseQuery {
            status: q.status,
            kind: q.kind,
            category: category.map(|c| c.as_str().to_string()),
            handler_id: if q.mine { Some(actor.user_id) } else { q.assignee },
            level: q.level,
            taken_in_from: q.from.map(start_of_day),
            taken_in_before: q.to.and_then(|d| d.succ_opt()).map(start_of_day),
            overdue_at: q.overdue.then(|| self.clock.now()),
            before: q.before,
            supervised: q.supervised,
            extension_pending: q.extension_pending,
            open_only: q.open_only,
            ..CaseQuery::new(scope, q.limit.clamp(1, MAX_PAGE))
        };
        Ok(query)
    }
}
