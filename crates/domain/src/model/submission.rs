//! Matters brought in from outside the offices: by another system through Open311 with an API
//! key, or by a resident on the public portal. Each becomes an ordinary case; the submission
//! keeps what the outside needs to follow it (a tracking number that cannot be guessed, unlike
//! the sequential case number) and the resident's contact, encrypted.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use super::case::{CaseKind, CaseStatus, Satisfaction};
use super::resident::Protected;
use crate::error::{DomainError, Result};
use crate::model::partner::string_enum;

/// A key another system presents to submit through Open311. Only its hash is stored; the
/// prefix is kept so an administrator can tell keys apart in a list.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct ApiKey {
    pub id: Uuid,
    pub name: String,
    /// The first characters of the secret, e.g. `fq_1a2b`.
    pub prefix: String,
    /// The key submits and reads only within this area's subtree.
    pub area_id: Uuid,
    pub area_path: String,
    /// Requests allowed per minute; more are refused with 429.
    pub per_minute: i32,
    pub created_by: Option<Uuid>,
    pub created_at: DateTime<Utc>,
    pub revoked_at: Option<DateTime<Utc>>,
}

pub const API_KEY_NAME_MAX: usize = 64;
pub const PER_MINUTE_MAX: i32 = 600_000;

string_enum!(
    /// Where a submission came from.
    Source, "source", "error-submission-source" {
        /// Another system, through Open311 with an API key.
        Open311 => "open311",
        /// A resident on the public portal.
        Portal => "portal",
    }
);

/// What the outside keeps of a case it brought in.
#[derive(Debug, Clone, PartialEq)]
pub struct Submission {
    pub case_id: Uuid,
    pub token: TrackingNumber,
    pub source: Source,
    pub api_key_id: Option<Uuid>,
    pub contact_name: Option<Protected>,
    pub contact_phone: Option<Protected>,
    /// When the resident agreed to the privacy notice; personal data is taken only after.
    pub consent_at: Option<DateTime<Utc>>,
    pub media_url: Option<String>,
    /// The resident's own rating of the outcome, once asked.
    pub rating: Option<Satisfaction>,
    pub rated_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
}

/// The tracking number (查询码) a resident or a client follows a case by: 12 characters from
/// an alphabet without look-alikes (no 0/O, 1/I/L), about 59 bits, so numbers cannot be
/// walked the way sequential case numbers could.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(try_from = "String", into = "String")]
pub struct TrackingNumber(String);

const ALPHABET: &[u8] = b"23456789ABCDEFGHJKMNPQRSTUVWXYZ";
const TRACKING_LEN: usize = 12;

impl TrackingNumber {
    pub fn generate() -> Self {
        use rand::Rng;
        let mut rng = rand::rng();
        TrackingNumber((0..TRACKING_LEN).map(|_| ALPHABET[rng.random_range(0..ALPHABET.len())] as char).collect())
    }
    /// Accepts what people type: lower case, spaces and dashes between groups.
    pub fn parse(s: &str) -> Result<Self> {
        let cleaned: String = s.chars().filter(|c| !c.is_whitespace() && *c != '-').collect::<String>().to_ascii_uppercase();
        if cleaned.len() == TRACKING_LEN && cleaned.bytes().all(|b| ALPHABET.contains(&b)) {
            Ok(TrackingNumber(cleaned))
        } else {
            Err(DomainError::NotFound("error-tracking-not-found"))
        }
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
    /// `ABCD-EFGH-JKMN`: easier to read out on the phone.
    pub fn grouped(&self) -> String {
        self.0.as_bytes().chunks(4).map(|c| String::from_utf8_lossy(c).into_owned()).collect::<Vec<_>>().join("-")
    }
}

impl TryFrom<String> for TrackingNumber {
    type Error = DomainError;
    fn try_from(s: String) -> Result<Self> {
        TrackingNumber::parse(&s)
    }
}
impl From<TrackingNumber> for String {
    fn from(t: TrackingNumber) -> String {
        t.0
    }
}
impl std::fmt::Display for TrackingNumber {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// Open311's two states. A case counts as closed once it is concluded (the resident has an
/// answer) or declined; everything before is open.
pub fn open311_status(s: CaseStatus) -> &'static str {
    if s.is_after_conclusion() || s.is_terminal() { "closed" } else { "open" }
}

/// An Open311 service code: the case kind and the category code, `demand.environment`.
pub fn service_code(kind: CaseKind, category: &str) -> String {
    format!("{}.{category}", kind.as_str())
}

pub fn parse_service_code(code: &str) -> Option<(CaseKind, &str)> {
    let (kind, category) = code.split_once('.')?;
    Some((CaseKind::parse(kind).ok()?, category))
}

/// Longest description Open311 clients may send (the specification's limit).
pub const OPEN311_DESCRIPTION_MAX: usize = 4000;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tracking_numbers_read_back_however_typed() {
        let t = TrackingNumber::generate();
        assert_eq!(TrackingNumber::parse(&t.grouped().to_lowercase()).unwrap(), t);
        assert!(TrackingNumber::parse("ABCD-EFGH-JKM0").is_err(), "0 is not in the alphabet");
        assert!(TrackingNumber::parse("ABC").is_err());
    }

    #[test]
    fn service_codes_split_at_the_kind() {
        assert_eq!(service_code(CaseKind::Demand, "environment.litter"), "demand.environment.litter");
        assert_eq!(parse_service_code("demand.environment.litter"), Some((CaseKind::Demand, "environment.litter")));
        assert_eq!(parse_service_code("nothing.here"), None);
    }

    #[test]
    fn concluded_cases_are_closed_to_the_outside() {
        assert_eq!(open311_status(CaseStatus::Reported), "open");
        assert_eq!(open311_status(CaseStatus::Concluded), "closed");
        assert_eq!(open311_status(CaseStatus::Declined), "closed");
    }
}
