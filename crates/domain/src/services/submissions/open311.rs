//! Open311 GeoReport v2 use cases: services are the case categories in use; a request is a
//! case taken in through a key, followed by its case number or by the submission's token.

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, Duration, Utc};
use serde_json::json;

use super::keys::key_actor_name;
use super::{Contact, Location, OutsideDraft, dispute_parties};
use crate::error::{DomainError, Result};
use crate::model::case::{Case, CaseKind, Category, Channel, RiskLevel, TimelineEntry, multi_line};
use crate::model::submission::{ApiKey, OPEN311_DESCRIPTION_MAX, Source, Submission, TrackingNumber, parse_service_code};
use crate::ports::SubmissionQuery;
use crate::rules::access::Actor;
use crate::services::Services;

/// The specification's default and longest window of `GET requests`.
pub const WINDOW_DAYS: i64 = 90;
/// The specification's cap on records in one answer.
pub const RECORDS_MAX: i64 = 1000;
/// Most updates in one `servicerequestupdates` answer.
pub const UPDATES_MAX: i64 = 1000;
/// Attribute codes of the service definitions.
pub const RISK_ATTRIBUTE: &str = "risk";
pub const RESPONDENT_ATTRIBUTE: &str = "respondent";

/// A `POST requests` as the client sent it.
#[derive(Debug, Clone, Default)]
pub struct Open311Request {
    pub service_code: String,
    pub description: String,
    pub location: Location,
    pub attributes: BTreeMap<String, String>,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub phone: Option<String>,
    pub media_url: Option<String>,
}

/// A `GET requests` filter. Dates are already parsed; the window is checked here.
#[derive(Debug, Clone, Default)]
pub struct Open311Query {
    pub numbers: Vec<String>,
    pub service_codes: Vec<String>,
    pub start: Option<DateTime<Utc>>,
    pub end: Option<DateTime<Utc>>,
    /// `open`, `closed`, or both.
    pub statuses: Vec<String>,
}

/// A submitted case with what its public view needs: the name of the office handling it.
#[derive(Debug, Clone)]
pub struct PublicCase {
    pub case: Case,
    pub submission: Submission,
    pub category: Option<Category>,
    pub agency: String,
    /// Why it was declined, when it was: the answer the outside is owed.
    pub decline_note: Option<String>,
}

impl Services {
    /// The categories in use, as Open311 services, in kind then code order.
    pub async fn open311_services(&self) -> Result<Vec<Category>> {
        let settings = self.case_settings().await?;
        let tree = &settings.categories;
        Ok(tree.all().filter(|c| tree.is_choosable(c.kind, &c.code)).cloned().collect())
    }

    pub async fn open311_service(&self, code: &str) -> Result<Category> {
        let not_found = DomainError::NotFound("error-open311-service-not-found");
        let (kind, category) = parse_service_code(code).ok_or(not_found.clone())?;
        let settings = self.case_settings().await?;
        settings.categories.check_for_intake(kind, category).cloned().map_err(|_| not_found)
    }

    /// Takes in a request through a key: the case lies in the key's area, found from the
    /// request's location, and starts `reported` like any other intake.
    pub async fn open311_submit(&self, key: &ApiKey, req: Open311Request, client_addr: Option<String>) -> Result<(Case, Submission)> {
        let category = self.open311_service(&req.service_code).await?;
        if req.description.chars().count() > OPEN311_DESCRIPTION_MAX {
            return Err(DomainError::invalid("description", "error-open311-description"));
        }
        let description = multi_line(&req.description, 0, OPEN311_DESCRIPTION_MAX).ok_or(DomainError::invalid("description", "error-open311-description"))?;
        let risk = match req.attributes.get(RISK_ATTRIBUTE).map(|s| s.trim()).filter(|s| !s.is_empty()) {
            None => RiskLevel::Ordinary,
            Some(r) => RiskLevel::parse(r).map_err(|_| DomainError::invalid("attribute", "error-open311-attribute-value"))?,
        };
        let respondent = req.attributes.get(RESPONDENT_ATTRIBUTE).map(String::as_str);
        if category.kind == CaseKind::Dispute && respondent.is_none_or(|r| r.trim().is_empty()) {
            return Err(DomainError::invalid("attribute", "error-open311-attribute-required"));
        }
        let area = self.place(&key.area_path, &req.location).await?;
        let name = match (req.last_name.as_deref().map(str::trim), req.first_name.as_deref().map(str::trim)) {
            (Some(l), Some(f)) if !l.is_empty() && !f.is_empty() => Some(join_name(l, f)),
            (Some(n), _) | (_, Some(n)) if !n.is_empty() => Some(n.to_string()),
            _ => None,
        };
        let contact = Contact::parse(name.as_deref(), req.phone.as_deref())?;
        let parties = dispute_parties(category.kind, &contact, respondent)?;
        let media_url = req.media_url.as_deref().map(str::trim).filter(|u| !u.is_empty()).map(check_media_url).transpose()?;
        let actor = Actor::outside_channel(&key_actor_name(key), &key.area_path, client_addr);
        let submission = self.submission(Source::Open311, Some(key.id), &contact, false, media_url)?;
        let draft = OutsideDraft {
            category: &category,
            description,
            area_id: area.id,
            location: &req.location,
            channel: Channel::Api,
            risk,
            reporter_name: contact.shown_name(&key.name),
        };
        self.take_in(&actor, draft, parties, submission).await
    }

    /// `jurisdiction_id`: an area code of this deployment (the city's, for one city).
    pub async fn open311_jurisdiction(&self, code: &str) -> Result<crate::model::Area> {
        let area = self.store.area_by_code(code.trim()).await?;
        area.filter(|a| !a.retired).ok_or(DomainError::NotFound("error-open311-jurisdiction"))
    }

    /// `GET requests`: submitted cases in `scope`, newest first, within the window.
    pub async fn open311_requests(&self, scope: &str, q: &Open311Query) -> Result<Vec<PublicCase>> {
        let now = self.clock.now();
        let (from, to) = match (q.start, q.end) {
            (Some(s), Some(e)) => (s, e),
            (Some(s), None) => (s, (s + Duration::days(WINDOW_DAYS)).min(now)),
            (None, Some(e)) => (e - Duration::days(WINDOW_DAYS), e),
            (None, None) => (now - Duration::days(WINDOW_DAYS), now),
        };
        if to < from || to - from > Duration::days(WINDOW_DAYS) {
            return Err(DomainError::invalid("start_date", "error-open311-date-range"));
        }
        let mut services = Vec::new();
        for code in &q.service_codes {
            let c = self.open311_service(code).await?;
            services.push((c.kind, c.code.as_str().to_string()));
        }
        let closed = match (q.statuses.iter().any(|s| s == "open"), q.statuses.iter().any(|s| s == "closed")) {
            (true, false) => Some(false),
            (false, true) => Some(true),
            _ => None,
        };
        if q.statuses.iter().any(|s| s != "open" && s != "closed") {
            return Err(DomainError::invalid("status", "error-open311-status"));
        }
        let query = SubmissionQuery {
            scope_path: scope.to_string(),
            numbers: q.numbers.clone(),
            services,
            from: Some(from),
            to: Some(to),
            closed,
            limit: RECORDS_MAX,
        };
        let rows = self.store.submitted_cases(&query).await?;
        self.public_cases(rows).await
    }

    /// One request by its case number, in scope.
    pub async fn open311_request(&self, scope: &str, number: &str) -> Result<PublicCase> {
        let query = SubmissionQuery { scope_path: scope.to_string(), numbers: vec![number.trim().to_ascii_uppercase()], limit: 1, ..Default::default() };
        let rows = self.store.submitted_cases(&query).await?;
        self.public_cases(rows).await?.into_iter().next().ok_or(DomainError::NotFound("error-open311-request-not-found"))
    }

    /// `tokens/{token}`: the case a token stands for, in scope.
    pub async fn open311_token(&self, scope: &str, token: &str) -> Result<PublicCase> {
        let not_found = DomainError::NotFound("error-open311-token-not-found");
        let token = TrackingNumber::parse(token).map_err(|_| not_found.clone())?;
        let row = self.store.submission_by_token(&token).await?.filter(|(c, _)| c.area_path.starts_with(scope)).ok_or(not_found)?;
        Ok(self.public_cases(vec![row]).await?.remove(0))
    }

    /// The FixMyStreet update feed: timeline entries of submitted cases in the window.
    pub async fn open311_updates(&self, scope: &str, start: Option<DateTime<Utc>>, end: Option<DateTime<Utc>>) -> Result<Vec<(Case, TimelineEntry)>> {
        let now = self.clock.now();
        let end = end.unwrap_or(now);
        let start = start.unwrap_or(end - Duration::days(1));
        if end < start || end - start > Duration::days(WINDOW_DAYS) {
            return Err(DomainError::invalid("start_date", "error-open311-date-range"));
        }
        self.store.submission_updates(scope, start, end, UPDATES_MAX).await
    }

    pub(crate) async fn public_cases(&self, rows: Vec<(Case, Submission)>) -> Result<Vec<PublicCase>> {
        let settings = self.case_settings().await?;
        let mut offices: HashMap<String, String> = HashMap::new();
        let mut out = Vec::with_capacity(rows.len());
        for (case, submission) in rows {
            let path = case.handling_area_path();
            let agency = match offices.get(&path) {
                Some(a) => a.clone(),
                None => {
                    let code = crate::model::Area::path_codes(&path).last().map(|c| c.to_string()).unwrap_or_default();
                    let name = self.store.area_by_code(&code).await?.map(|a| a.name).unwrap_or(code);
                    offices.insert(path, name.clone());
                    name
                }
            };
            let category = settings.categories.get(case.kind, case.category.as_str()).cloned();
            let decline_note = if case.status == crate::model::case::CaseStatus::Declined {
                self.store.case_timeline(case.id).await?.into_iter().rev().find_map(|e| e.note)
            } else {
                None
            };
            out.push(PublicCase { case, submission, category, agency, decline_note });
        }
        Ok(out)
    }

    /// Audit rows for a key's reads name what was read, not the answer.
    pub async fn open311_audit_read(&self, key: &ApiKey, what: &str, client_addr: Option<String>) -> Result<()> {
        self.audit_key_use(key, "open311.read", &key.id.to_string(), client_addr, json!({"read": what})).await
    }
}

/// Chinese names are surname first with no space; Latin ones "First Last".
fn join_name(last: &str, first: &str) -> String {
    if last.chars().chain(first.chars()).any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)) {
        format!("{last}{first}")
    } else {
        format!("{first} {last}")
    }
}

fn check_media_url(u: &str) -> Result<String> {
    let ok = (u.starts_with("https://") || u.starts_with("http://")) && u.len() <= 500 && !u.chars().any(|c| c.is_control() || c.is_whitespace());
    if ok { Ok(u.to_string()) } else { Err(DomainError::invalid("media_url", "error-open311-media-url")) }
}
