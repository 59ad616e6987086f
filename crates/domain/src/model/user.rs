//! Staff accounts. Every account has a role and a home area; what it may do is its role,
//! applied within its home area's subtree (see `rules::access`).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::error::{DomainError, Result};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    SystemAdmin,
    DistrictStaff,
    StreetStaff,
    CommunityStaff,
    GridWorker,
    Mediator,
    LegalAdviser,
    BuildingHead,
    EntranceHead,
    Partner,
    Leader,
}

impl Role {
    pub const ALL: [Role; 11] = [
        Role::SystemAdmin,
        Role::DistrictStaff,
        Role::StreetStaff,
        Role::CommunityStaff,
        Role::GridWorker,
        Role::Mediator,
        Role::LegalAdviser,
        Role::BuildingHead,
        Role::EntranceHead,
        Role::Partner,
        Role::Leader,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::SystemAdmin => "system_admin",
            Role::DistrictStaff => "district_staff",
            Role::StreetStaff => "street_staff",
            Role::CommunityStaff => "community_staff",
            Role::GridWorker => "grid_worker",
            Role::Mediator => "mediator",
            Role::LegalAdviser => "legal_adviser",
            Role::BuildingHead => "building_head",
            Role::EntranceHead => "entrance_head",
            Role::Partner => "partner",
            Role::Leader => "leader",
        }
    }

    pub fn parse(s: &str) -> Result<Self> {
        Role::ALL
            .into_iter()
            .find(|r| r.as_str() == s)
            .ok_or(DomainError::invalid("role", "error-role"))
    }
}

/// Login names: ASCII letters, digits, '.', '_' and '-', 2–64 characters, stored lower-case
/// so that "Admin" and "admin" cannot be two accounts.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Username(String);

impl Username {
    pub fn parse(s: &str) -> Result<Self> {
        let s = s.trim().to_ascii_lowercase();
        let ok = (2..=64).contains(&s.len())
            && s.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'))
            && s.chars().next().is_some_and(|c| c.is_ascii_alphanumeric());
        if ok { Ok(Username(s)) } else { Err(DomainError::invalid("username", "error-username")) }
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}
impl TryFrom<String> for Username {
    type Error = DomainError;
    fn try_from(s: String) -> Result<Self> {
        Username::parse(&s)
    }
}
impl From<Username> for String {
    fn from(u: Username) -> String {
        u.0
    }
}
impl std::fmt::Display for Username {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

pub fn validate_display_name(raw: &str) -> Result<String> {
    let name = raw.trim();
    if name.is_empty() || raw.chars().count() > 64 || name.chars().any(|c| c.is_control()) {
        return Err(DomainError::invalid("display_name", "error-display-name"));
    }
    Ok(name.to_string())
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct User {
    pub id: Uuid,
    pub username: Username,
    pub display_name: String,
    pub role: Role,
    pub home_area_id: Uuid,
    /// Copied from the home area so scope checks need no join; rewritten when areas move.
    pub home_area_path: String,
    pub password_hash: String,
    pub disabled: bool,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn usernames_are_normalised_and_checked() {
        assert_eq!(Username::parse(" Admin ").unwrap().as_str(), "admin");
        assert!(Username::parse("grid.worker_01").is_ok());
        assert!(Username::parse("a").is_err());
        assert!(Username::parse("网格员").is_err());
        assert!(Username::parse("_x").is_err());
    }

    #[test]
    fn roles_round_trip() {
        for r in Role::ALL {
            assert_eq!(Role::parse(r.as_str()).unwrap(), r);
        }
        assert!(Role::parse("root").is_err());
    }
}
