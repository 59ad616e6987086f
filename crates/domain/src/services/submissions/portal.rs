//! The residents' portal (群众端): submit without an account, follow the case by its tracking
//! number, rate the outcome once it is concluded. Personal data is taken only after consent to
//! the privacy notice, kept encrypted, and never shown back in full.

use chrono::{DateTime, Duration, Utc};
use serde_json::json;

use super::{Contact, Location, OutsideDraft, dispute_parties};
use crate::error::{DomainError, Result};
use crate::model::AreaLevel;
use crate::model::case::{Case, CaseKind, CaseStatus, Channel, RiskLevel, Satisfaction, multi_line};
use crate::model::submission::{Source, Submission, TrackingNumber};
use crate::rules::access::Actor;
use crate::services::Services;
use crate::services::cases::NewAttachment;

/// Submissions one client address may make in an hour: a family sharing a connection is
/// served, a flood is not. No CAPTCHA service is called, so this is the guard.
pub const PORTAL_PER_HOUR: i64 = 5;
const PORTAL_ACTOR: &str = "portal";
const DESCRIPTION_MAX: usize = 2000;

#[derive(Debug, Clone, Default)]
pub struct PortalSubmit {
    pub kind: Option<CaseKind>,
    pub category: String,
    pub description: String,
    pub location: Location,
    pub name: Option<String>,
    pub phone: Option<String>,
    /// For disputes: the other side.
    pub respondent: Option<String>,
    /// The resident ticked the privacy notice.
    pub consent: bool,
}

/// A step of the public timeline: what happened and when, without the staff's notes (they may
/// name people), except a refusal's reason, which is the answer the resident is owed.
#[derive(Debug, Clone)]
pub struct TrackedStep {
    pub at: DateTime<Utc>,
    pub status: CaseStatus,
    pub note: Option<String>,
}

#[derive(Debug, Clone)]
pub struct Tracked {
    pub case: Case,
    pub submission: Submission,
    pub agency: String,
    pub steps: Vec<TrackedStep>,
    /// The case is concluded and the resident has not rated it yet.
    pub may_rate: bool,
}

/// Open311's messages name its own fields (address_id); a resident is told what to do on the form.
fn portal_location_key(key: &'static str) -> &'static str {
    match key {
        "error-open311-address-id" => "error-portal-area-unknown",
        "error-open311-address-unplaced" | "error-open311-location-required" => "error-portal-area-required",
        "error-open311-outside" => "error-portal-area-outside",
        other => other,
    }
}

fn rate_key(addr: &str) -> String {
    format!("portal-submit:{addr}")
}

impl Services {
    /// Takes in a resident's matter with its photos. Photos are checked before the case is
    /// taken in, so a bad file refuses the whole form and leaves nothing behind.
    pub async fn portal_submit(&self, form: PortalSubmit, photos: Vec<NewAttachment>, client_addr: Option<String>) -> Result<(Case, Submission)> {
        if !form.consent {
            return Err(DomainError::invalid("consent", "error-portal-consent"));
        }
        let now = self.clock.now();
        let counter = rate_key(client_addr.as_deref().unwrap_or("unknown"));
        if self.store.login_failures_since(&counter, now - Duration::hours(1)).await? >= PORTAL_PER_HOUR {
            return Err(DomainError::RateLimited { retry_after_secs: 3600 });
        }
        let kind = form.kind.ok_or(DomainError::invalid("kind", "error-case-kind"))?;
        let settings = self.case_settings().await?;
        let category = settings.categories.check_for_intake(kind, &form.category)?.clone();
        let description =
            multi_line(&form.description, 1, DESCRIPTION_MAX).ok_or(DomainError::invalid("description", "error-portal-description"))?;
        let area = self.place("/", &form.location).await.map_err(|e| match e {
            DomainError::Invalid { key, .. } => DomainError::invalid("location", portal_location_key(key)),
            other => other,
        })?;
        // Open311 may stand a matter for a whole street; a resident names the community, or
        // lets the phone's position place it.
        if form.location.lon_lat.is_none() && !matches!(area.level, AreaLevel::Community | AreaLevel::Grid) {
            return Err(DomainError::invalid("area", "error-portal-area-incomplete"));
        }
        let contact = Contact::parse(form.name.as_deref(), form.phone.as_deref())?;
        let parties = dispute_parties(kind, &contact, form.respondent.as_deref())?;
        if !photos.is_empty() {
            self.check_attachments(&photos)?;
        }
        let actor = Actor::outside_channel(PORTAL_ACTOR, "/", client_addr.clone());
        let submission = self.submission(Source::Portal, None, &contact, true, None)?;
        let draft = OutsideDraft {
            category: &category,
            description,
            area_id: area.id,
            location: &form.location,
            channel: Channel::Online,
            risk: RiskLevel::Ordinary,
            reporter_name: contact.shown_name("居民"),
        };
        let (case, submission) = self.take_in(&actor, draft, parties, submission).await?;
        if !photos.is_empty() {
            self.attach_to(&actor, &case, &photos).await?;
        }
        // Counted after it landed: a refused form does not use up the resident's allowance.
        self.store.record_login_failure(&counter, now).await?;
        Ok((case, submission))
    }

    /// The public view of a case by its tracking number.
    pub async fn track(&self, token: &str) -> Result<Tracked> {
        let token = TrackingNumber::parse(token)?;
        let row = self.store.submission_by_token(&token).await?.ok_or(DomainError::NotFound("error-tracking-not-found"))?;
        let public = self.public_cases(vec![row]).await?.remove(0);
        let steps = self
            .store
            .case_timeline(public.case.id)
            .await?
            .into_iter()
            .map(|e| TrackedStep {
                at: e.at,
                status: e.to_status,
                note: if e.to_status == CaseStatus::Declined { e.note.clone() } else { None },
            })
            .collect();
        let may_rate = public.case.status.is_after_conclusion() && public.submission.rating.is_none();
        Ok(Tracked { case: public.case, submission: public.submission, agency: public.agency, steps, may_rate })
    }

    /// The resident rates the outcome, once, after the case is concluded.
    pub async fn rate_outcome(&self, token: &str, rating: Satisfaction, client_addr: Option<String>) -> Result<Tracked> {
        let tracked = self.track(token).await?;
        if !tracked.may_rate {
            return Err(DomainError::Conflict("error-portal-rating-closed"));
        }
        let actor = Actor::outside_channel(PORTAL_ACTOR, "/", client_addr);
        let audit = self.audit(&actor, "case.resident_rating", "case", &tracked.case.id.to_string(), &tracked.case.area_path, None, Some(json!({"rating": rating})));
        if !self.store.rate_submission(tracked.case.id, rating, self.clock.now(), &audit).await? {
            return Err(DomainError::Conflict("error-portal-rating-closed"));
        }
        self.track(token).await
    }
}
