//! Residents (居民) and their personal data. ID numbers and phones are stored three ways:
//! encrypted (the only copy of the full value), as a keyed hash (exact lookup and duplicate
//! detection without decrypting), and masked (what screens and lists show).

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::model::partner::string_enum;
use crate::privacy::Gender;

/// A protected value as stored: never the plain text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Protected {
    pub cipher: String,
    pub hash: String,
    pub masked: String,
}

string_enum!(
    /// Relation to the head of household.
    Relation, "relation", "error-relation" {
        Head => "head",
        Spouse => "spouse",
        Child => "child",
        Parent => "parent",
        Grandchild => "grandchild",
        Grandparent => "grandparent",
        Sibling => "sibling",
        Tenant => "tenant",
        Other => "other",
    }
);

/// Tags an office records. Elderly (60+) and children (under 14) are not stored: they are
/// computed from the birth date, so they are never out of date.
pub const RECORDED_TAGS: &[&str] = &["living_alone", "disabled", "low_income", "veteran", "party_member"];
pub const ELDERLY: &str = "elderly";
pub const CHILD: &str = "child";

/// A custom tag: short, no control characters, no spaces at the ends.
pub fn validate_tag(raw: &str) -> crate::Result<String> {
    // Length counts what was sent, as the API document states it.
    let t = raw.trim();
    if t.is_empty() || raw.chars().count() > 16 || t.chars().any(|c| c.is_control() || c == ',') {
        return Err(crate::DomainError::invalid("tags", "error-tag"));
    }
    Ok(t.to_string())
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Resident {
    pub id: Uuid,
    pub household_id: Uuid,
    /// The household's grid path, copied for scope checks without a join.
    pub area_path: String,
    pub name: String,
    pub gender: Gender,
    pub birth_date: NaiveDate,
    pub relation: Relation,
    pub id_number: Option<Protected>,
    pub phone: Option<Protected>,
    /// Recorded tags (see RECORDED_TAGS) and custom ones.
    pub tags: Vec<String>,
    pub moved_out: bool,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

pub fn age_on(birth: NaiveDate, day: NaiveDate) -> u32 {
    let mut age = day.year() - birth.year();
    if (day.month(), day.day()) < (birth.month(), birth.day()) {
        age -= 1;
    }
    age.max(0) as u32
}

impl Resident {
    /// Recorded tags plus the computed ones, as of `today`.
    pub fn all_tags(&self, today: NaiveDate) -> Vec<String> {
        let mut tags = self.tags.clone();
        let age = age_on(self.birth_date, today);
        if age >= 60 {
            tags.push(ELDERLY.to_string());
        }
        if age < 14 {
            tags.push(CHILD.to_string());
        }
        tags
    }
}

/// Latest birth date that still counts as elderly on `today` (60 or older).
pub fn elderly_born_by(today: NaiveDate) -> NaiveDate {
    today.with_year(today.year() - 60).unwrap_or_else(|| NaiveDate::from_ymd_opt(today.year() - 60, 2, 28).unwrap_or(today))
}

/// Earliest birth date of a child (under 14) on `today`.
pub fn child_born_after(today: NaiveDate) -> NaiveDate {
    today.with_year(today.year() - 14).unwrap_or_else(|| NaiveDate::from_ymd_opt(today.year() - 14, 2, 28).unwrap_or(today))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ages_and_computed_tags() {
        let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        assert_eq!(age_on(d("1964-11-27"), d("2024-11-26")), 59);
        assert_eq!(age_on(d("1964-11-26"), d("2024-11-26")), 60);
        assert_eq!(elderly_born_by(d("2024-11-26")), d("1964-11-26"));
        assert_eq!(child_born_after(d("2024-11-26")), d("2010-11-26"));
        assert_eq!(elderly_born_by(d("2024-02-29")), d("1964-02-29"));
        assert!(validate_tag("独居").is_ok());
        assert!(validate_tag("a,b").is_err());
        assert!(validate_tag(&"长".repeat(17)).is_err());
    }
}
