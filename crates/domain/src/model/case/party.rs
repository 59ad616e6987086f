//! Parties (当事人) to a case. A party's ID number and phone are personal data and are kept as
//! the registry keeps residents' (`Protected`: encrypted, keyed hash, masked). A party may be
//! a registered resident, linked by id, or someone from outside the area; an employer or a
//! property company can be a party too, and then has no ID number.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::error::{DomainError, Result};
use crate::model::Protected;
use crate::model::partner::string_enum;
use crate::privacy::{IdNumber, PersonName, Phone};

string_enum!(
    /// 申请人 / 被申请人 / 其他当事人.
    PartyRole, "role", "error-party-role" {
        Applicant => "applicant",
        Respondent => "respondent",
        Other => "other",
    }
);

string_enum!(
    /// A natural person or an organisation (单位).
    PartyKind, "party_kind", "error-party-kind" {
        Person => "person",
        Organisation => "organisation",
    }
);

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Party {
    pub id: Uuid,
    pub case_id: Uuid,
    pub role: PartyRole,
    pub kind: PartyKind,
    pub resident_id: Option<Uuid>,
    pub name: String,
    pub id_number: Option<Protected>,
    pub phone: Option<Protected>,
    pub created_at: DateTime<Utc>,
}

/// A party as a form sends it, with the plain values the service then protects.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct NewParty {
    pub role: PartyRole,
    #[serde(default = "person")]
    pub kind: PartyKind,
    pub resident_id: Option<Uuid>,
    pub name: String,
    pub id_number: Option<String>,
    pub phone: Option<String>,
}

fn person() -> PartyKind {
    PartyKind::Person
}

/// A party's checked values; the ID number and phone still need the vault.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckedParty {
    pub role: PartyRole,
    pub kind: PartyKind,
    pub resident_id: Option<Uuid>,
    pub name: String,
    pub id_number: Option<IdNumber>,
    pub phone: Option<Phone>,
}

pub const ORGANISATION_NAME_MAX: usize = 100;

impl NewParty {
    pub fn validate(&self) -> Result<CheckedParty> {
        let blank = |v: &Option<String>| v.as_deref().map(str::trim).filter(|s| !s.is_empty()).map(str::to_string);
        let name = match self.kind {
            PartyKind::Person => PersonName::parse(&self.name)?.into_string(),
            PartyKind::Organisation => super::one_line(&self.name, 1, ORGANISATION_NAME_MAX)
                .ok_or(DomainError::invalid("name", "error-party-organisation-name"))?,
        };
        let id_number = match (blank(&self.id_number), self.kind) {
            (None, _) => None,
            // An organisation's credit code is not an identity number and is not personal data.
            (Some(_), PartyKind::Organisation) => {
                return Err(DomainError::invalid("id_number", "error-party-id-for-organisation"));
            }
            (Some(s), PartyKind::Person) => Some(IdNumber::parse(&s)?),
        };
        let phone = blank(&self.phone).map(|s| Phone::parse(&s)).transpose()?;
        if self.resident_id.is_some() && self.kind == PartyKind::Organisation {
            return Err(DomainError::invalid("resident_id", "error-party-id-for-organisation"));
        }
        Ok(CheckedParty { role: self.role, kind: self.kind, resident_id: self.resident_id, name, id_number, phone })
    }
}

/// A dispute needs someone on each side; demands and hazards need no parties at all.
pub fn check_dispute_parties(parties: &[NewParty]) -> Result<()> {
    if parties.len() > 50 {
        return Err(DomainError::invalid("parties", "error-party-too-many"));
    }
    let has = |r: PartyRole| parties.iter().any(|p| p.role == r);
    if has(PartyRole::Applicant) && has(PartyRole::Respondent) {
        Ok(())
    } else {
        Err(DomainError::invalid("parties", "error-dispute-needs-both-sides"))
    }
}
