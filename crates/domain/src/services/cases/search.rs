//! Finding cases by their words (全文检索) and, at intake, cases that may be the same matter
//! (重复件提示). The index answers; these methods decide who may ask what: the scope and the
//! list filters come from the same checks as the case list, and party names are searched and
//! shown only for roles that work with the people in their cases.

use chrono::Duration;
use uuid::Uuid;

use crate::error::{DomainError, Result};
use crate::model::Role;
use crate::model::case::{CaseKind, CategoryCode, GeoPoint};
use crate::ports::{CaseHit, CaseSearchIndex, CaseSearchPage, CaseSearchQuery, SimilarCasesQuery};
use crate::rules::access::{Actor, Permission};
use crate::services::Services;
use crate::services::cases::CaseList;

/// Characters a query may hold: enough for a sentence, bounded so one request cannot make
/// the index do unbounded work.
pub const QUERY_MAX: usize = 100;
/// Terms (separated by spaces) a query may hold.
pub const TERMS_MAX: usize = 8;
/// Results are ranked, so pages go by offset; deeper than this, narrow the search instead.
pub const OFFSET_MAX: usize = 1000;
pub const PAGE_MAX: usize = 100;
/// Cases taken in this recently are offered as possible duplicates.
pub const SIMILAR_DAYS: i64 = 30;
/// Cases within this distance of a new one count as near it.
pub const SIMILAR_RADIUS_M: f64 = 300.0;
pub const SIMILAR_MAX: usize = 5;

#[derive(Debug, Clone, Default, PartialEq)]
pub struct CaseSearch {
    pub text: String,
    /// The case list's filters; `before` and `limit` are ignored.
    pub list: CaseList,
    pub offset: usize,
    pub limit: usize,
}

/// What an intake form holds so far.
#[derive(Debug, Clone, PartialEq)]
pub struct IntakeDraft {
    pub kind: CaseKind,
    pub category: String,
    pub text: String,
    pub area_id: Uuid,
    pub point: Option<GeoPoint>,
}

/// Roles whose work is with the parties themselves may find cases by a party's name; leaders
/// (read-only) and legal advisers see cases, but looking people up is not their task.
pub fn may_search_party_names(role: Role) -> bool {
    role.has(Permission::ViewCases) && role.has(Permission::RevealPersonalData)
}

/// The query's terms: trimmed, split on white space; empty and overlong queries are refused.
pub fn query_terms(text: &str) -> Result<Vec<String>> {
    if text.chars().count() > QUERY_MAX {
        return Err(DomainError::invalid("q", "error-search-too-long"));
    }
    let terms: Vec<String> = text.split_whitespace().map(str::to_string).collect();
    if terms.is_empty() {
        return Err(DomainError::invalid("q", "error-search-empty"));
    }
    if terms.len() > TERMS_MAX {
        return Err(DomainError::invalid("q", "error-search-too-many-terms"));
    }
    Ok(terms)
}

impl Services {
    pub async fn search_cases(&self, actor: &Actor, index: &dyn CaseSearchIndex, s: CaseSearch) -> Result<CaseSearchPage> {
        let words = query_terms(&s.text)?;
        if s.offset > OFFSET_MAX {
            return Err(DomainError::invalid("offset", "error-search-offset"));
        }
        let filter = self.case_query(actor, &s.list).await?;
        let with_parties = may_search_party_names(actor.role);
        let q = CaseSearchQuery { words, filter, with_parties, offset: s.offset, limit: s.limit.clamp(1, PAGE_MAX) };
        let page = index.search(&q)?;
        self.audit_party_matches(actor, &s.text, &page.hits).await?;
        Ok(page)
    }

    /// Open cases like the one being taken in: same kind and category, taken in within
    /// `SIMILAR_DAYS`, in the same area or within `SIMILAR_RADIUS_M`, with words in common.
    pub async fn similar_cases(&self, actor: &Actor, index: &dyn CaseSearchIndex, d: IntakeDraft) -> Result<Vec<CaseHit>> {
        actor.require(Permission::ViewCases)?;
        let area = self.store.area_by_id(d.area_id).await?.ok_or(DomainError::NotFound("error-area-not-found"))?;
        actor.may_in(Permission::ViewCases, &area.path, "error-area-not-found")?;
        let category = CategoryCode::parse(&d.category)?;
        if d.text.chars().count() > crate::model::case::DESCRIPTION_MAX + crate::model::case::TITLE_MAX + 1 {
            return Err(DomainError::invalid("text", "error-search-too-long"));
        }
        let q = SimilarCasesQuery {
            text: d.text,
            kind: d.kind.as_str().to_string(),
            category: category.as_str().to_string(),
            area_path: area.path,
            point: d.point,
            radius_m: SIMILAR_RADIUS_M,
            since: self.clock.now() - Duration::days(SIMILAR_DAYS),
            scope_path: actor.home_area_path.clone(),
            with_parties: may_search_party_names(actor.role),
            limit: SIMILAR_MAX,
        };
        index.similar(&q)
    }

    /// Finding someone's cases by their name is a use of personal data: it is audited with
    /// what was asked and which cases it found, never silently.
    async fn audit_party_matches(&self, actor: &Actor, text: &str, hits: &[CaseHit]) -> Result<()> {
        let found: Vec<String> = hits.iter().filter(|h| h.matched_party).map(|h| h.number.clone()).collect();
        if found.is_empty() {
            return Ok(());
        }
        let after = serde_json::json!({ "query": text, "cases": found });
        let audit = self.audit(actor, "case.search_party", "case_search", &actor.user_id.to_string(), &actor.home_area_path, None, Some(after));
        self.store.append_audit(&[audit]).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn queries_are_bounded_and_not_empty() {
        assert!(query_terms("   ").is_err());
        assert!(query_terms(&"漏".repeat(10_000)).is_err());
        assert!(query_terms(&"a ".repeat(TERMS_MAX + 1)).is_err());
        assert_eq!(query_terms(" 漏水  3号楼 ").unwrap(), ["漏水", "3号楼"]);
    }

    #[test]
    fn party_names_are_for_roles_that_work_with_people() {
        assert!(may_search_party_names(Role::GridWorker) && may_search_party_names(Role::Mediator));
        assert!(!may_search_party_names(Role::Leader) && !may_search_party_names(Role::LegalAdviser));
        assert!(!may_search_party_names(Role::BuildingHead) && !may_search_party_names(Role::Partner));
    }
}
