//! Matters brought in from outside: Open311 clients with API keys (`open311`, `keys`) and
//! residents on the public portal (`portal`). Both end in an ordinary case taken in by an
//! outside-channel actor, with a `Submission` kept beside it in the same transaction.

mod contact;
mod keys;
mod open311;
mod portal;
mod portal_areas;

use uuid::Uuid;

pub use contact::Contact as RevealedContact;
pub use keys::{DEFAULT_PER_MINUTE, IssuedKey, NewApiKey};
pub use open311::{Open311Query, Open311Request, PublicCase, RESPONDENT_ATTRIBUTE, RISK_ATTRIBUTE, UPDATES_MAX, WINDOW_DAYS, RECORDS_MAX};
pub use portal::{PORTAL_PER_HOUR, PortalSubmit, Tracked, TrackedStep};
pub use portal_areas::{AreaPicks, AreaStep, AreaSteps};

use crate::error::{DomainError, Result};
use crate::model::case::{Case, CaseDraft, CaseKind, Category, Channel, GeoPoint, HandlingLevel, NewParty, PartyKind, PartyRole, RiskLevel};
use crate::model::submission::{Source, Submission, TrackingNumber};
use crate::model::{Area, Protected};
use crate::privacy::{PersonName, Phone, mask_name, mask_phone};
use crate::rules::access::Actor;
use crate::rules::placing;
use crate::services::Services;
use crate::services::cases::NewCase;
use crate::services::registry::protect;

/// Vault field names of a submitter's contact.
pub const CONTACT_NAME_FIELD: &str = "submission.name";
pub const CONTACT_PHONE_FIELD: &str = "submission.phone";

/// Where a submitter says the matter lies.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Location {
    /// WGS84; GCJ-02 points from Chinese map apps must be converted by the client first.
    pub lon_lat: Option<(f64, f64)>,
    /// An area code (a grid or community) standing for the place.
    pub area_code: Option<String>,
    pub address: Option<String>,
}

/// The resident's contact, checked and ready to protect.
pub(crate) struct Contact {
    pub name: Option<PersonName>,
    pub phone: Option<Phone>,
}

impl Contact {
    pub(crate) fn parse(name: Option<&str>, phone: Option<&str>) -> Result<Contact> {
        let present = |s: Option<&str>| s.map(str::trim).filter(|s| !s.is_empty()).map(str::to_string);
        let name = present(name).map(|n| PersonName::parse(&n)).transpose()?;
        let phone = present(phone).map(|p| Phone::parse(&p)).transpose()?;
        Ok(Contact { name, phone })
    }

    /// The name the case shows: masked, so staff lists never carry it whole.
    pub(crate) fn shown_name(&self, channel_label: &str) -> String {
        match &self.name {
            Some(n) => mask_name(n.as_str()),
            None => channel_label.to_string(),
        }
    }
}

impl Services {
    /// The area a submission lies in, within `scope`: the deepest mapped area holding the point;
    /// else the area named by code; else the scope itself when cases can be placed on it.
    pub(crate) async fn place(&self, scope: &str, loc: &Location) -> Result<Area> {
        if let Some((lon, lat)) = loc.lon_lat {
            crate::model::case::GeoPoint::new(lon, lat).map_err(|_| DomainError::invalid("lat", "error-open311-coordinates"))?;
            let mapped = self.store.mapped_areas_under(scope).await?;
            return placing::deepest_holding(&mapped, lon, lat)
                .filter(|a| HandlingLevel::of_area(a.level).is_some())
                .cloned()
                .ok_or(DomainError::invalid("lat", "error-open311-outside"));
        }
        if let Some(code) = loc.area_code.as_deref().map(str::trim).filter(|c| !c.is_empty()) {
            let area = self.store.area_by_code(code).await?;
            return area
                .filter(|a| a.path.starts_with(scope) && !a.retired && HandlingLevel::of_area(a.level).is_some())
                .ok_or(DomainError::invalid("address_id", "error-open311-address-id"));
        }
        if loc.address.as_deref().is_some_and(|a| !a.trim().is_empty()) {
            let root = self.store.areas_by_codes(&[scope_code(scope)]).await?.into_iter().next();
            return root
                .filter(|a| HandlingLevel::of_area(a.level).is_some())
                .ok_or(DomainError::invalid("address_string", "error-open311-address-unplaced"));
        }
        Err(DomainError::invalid("lat", "error-open311-location-required"))
    }

    /// Takes in a matter from outside as an ordinary case with its submission beside it, in one
    /// transaction; answers both as stored.
    pub(crate) async fn take_in(&self, actor: &Actor, d: OutsideDraft<'_>, parties: Vec<NewParty>, submission: Submission) -> Result<(Case, Submission)> {
        let draft = CaseDraft {
            kind: d.category.kind,
            category: d.category.code.as_str().to_string(),
            title: title_of(&d.description, d.category),
            description: d.description,
            area_id: d.area_id,
            address: d.location.address.clone().filter(|a| !a.trim().is_empty()),
            point: d.location.lon_lat.map(|(lon, lat)| GeoPoint { lon, lat }),
            channel: d.channel,
            risk: d.risk,
            reporter_name: Some(d.reporter_name),
        };
        let (case, _) = self.report_case_submitted(actor, NewCase { draft, parties }, Some(submission.clone())).await?;
        let submission = Submission { case_id: case.id, ..submission };
        Ok((case, submission))
    }

    /// The submission record, the contact encrypted; its case id is filled in at intake.
    pub(crate) fn submission(&self, source: Source, api_key_id: Option<Uuid>, contact: &Contact, consent: bool, media_url: Option<String>) -> Result<Submission> {
        let vault = self.vault()?;
        let now = self.clock.now();
        let name: Option<Protected> =
            contact.name.as_ref().map(|n| protect(vault, CONTACT_NAME_FIELD, n.as_str(), mask_name(n.as_str()))).transpose()?;
        let phone = contact.phone.as_ref().map(|p| protect(vault, CONTACT_PHONE_FIELD, p.as_str(), mask_phone(p.as_str()))).transpose()?;
        Ok(Submission {
            case_id: Uuid::nil(),
            token: TrackingNumber::generate(),
            source,
            api_key_id,
            contact_name: name,
            contact_phone: phone,
            consent_at: consent.then_some(now),
            media_url,
            rating: None,
            rated_at: None,
            created_at: now,
        })
    }
}

/// What an outside channel knows of a new case.
pub(crate) struct OutsideDraft<'a> {
    pub category: &'a Category,
    pub description: String,
    pub area_id: Uuid,
    pub location: &'a Location,
    pub channel: Channel,
    pub risk: RiskLevel,
    /// Masked: the contact itself is kept encrypted with the submission.
    pub reporter_name: String,
}

/// The parties of a dispute from outside: the submitter (masked: their contact is kept
/// encrypted with the submission) and the other side as named.
pub(crate) fn dispute_parties(kind: CaseKind, contact: &Contact, respondent: Option<&str>) -> Result<Vec<NewParty>> {
    if kind != CaseKind::Dispute {
        return Ok(Vec::new());
    }
    let respondent = respondent.map(str::trim).filter(|r| !r.is_empty()).ok_or(DomainError::invalid("respondent", "error-open311-attribute-required"))?;
    Ok(vec![
        NewParty {
            role: PartyRole::Applicant,
            kind: PartyKind::Person,
            resident_id: None,
            name: contact.shown_name("匿名"),
            id_number: None,
            phone: contact.phone.as_ref().map(|p| p.as_str().to_string()),
        },
        NewParty { role: PartyRole::Respondent, kind: PartyKind::Person, resident_id: None, name: respondent.to_string(), id_number: None, phone: None },
    ])
}

/// A title from the description's first line, or the category's name when there is none.
pub(crate) fn title_of(description: &str, category: &Category) -> String {
    let first = description.lines().map(str::trim).find(|l| !l.is_empty()).unwrap_or("");
    let t: String = first.chars().take(40).collect();
    if t.is_empty() { category.name_zh.clone() } else { t }
}

fn scope_code(path: &str) -> String {
    Area::path_codes(path).last().map(|c| c.to_string()).unwrap_or_default()
}
