//! The territory tree: city → district → street → community → grid.
//!
//! Each area stores a materialised path of codes ("/1501/150103/150103003/") so that
//! "everything in this subtree" is one indexed prefix match on every backend, including the
//! distributed Postgres-compatible engines that do badly with recursive queries.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::error::{DomainError, Result};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum AreaLevel {
    City,
    District,
    Street,
    Community,
    Grid,
}

impl AreaLevel {
    pub const ALL: [AreaLevel; 5] =
        [AreaLevel::City, AreaLevel::District, AreaLevel::Street, AreaLevel::Community, AreaLevel::Grid];

    pub fn as_str(self) -> &'static str {
        match self {
            AreaLevel::City => "city",
            AreaLevel::District => "district",
            AreaLevel::Street => "street",
            AreaLevel::Community => "community",
            AreaLevel::Grid => "grid",
        }
    }

    pub fn parse(s: &str) -> Result<Self> {
        AreaLevel::ALL
            .into_iter()
            .find(|l| l.as_str() == s)
            .ok_or(DomainError::invalid("level", "error-area-level"))
    }

    /// The level a child of this level has; grids have no children in the area tree
    /// (estates and buildings hang below grids in their own tables).
    pub fn child(self) -> Option<AreaLevel> {
        match self {
            AreaLevel::City => Some(AreaLevel::District),
            AreaLevel::District => Some(AreaLevel::Street),
            AreaLevel::Street => Some(AreaLevel::Community),
            AreaLevel::Community => Some(AreaLevel::Grid),
            AreaLevel::Grid => None,
        }
    }
}

/// An area code: the national statistical division code where one exists (1501, 150103003030),
/// otherwise a code the office assigns (grids: community code plus a sequence).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct AreaCode(String);

impl AreaCode {
    pub fn parse(s: &str) -> Result<Self> {
        let s = s.trim();
        let ok = (2..=32).contains(&s.len())
            && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
            && s.chars().next().is_some_and(|c| c.is_ascii_alphanumeric());
        if ok { Ok(AreaCode(s.to_string())) } else { Err(DomainError::invalid("code", "error-area-code")) }
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for AreaCode {
    type Error = DomainError;
    fn try_from(s: String) -> Result<Self> {
        AreaCode::parse(&s)
    }
}
impl From<AreaCode> for String {
    fn from(c: AreaCode) -> String {
        c.0
    }
}
impl std::fmt::Display for AreaCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Area {
    pub id: Uuid,
    pub code: AreaCode,
    pub name: String,
    pub level: AreaLevel,
    pub parent_id: Option<Uuid>,
    /// Materialised path of codes from the root, with leading and trailing '/'.
    pub path: String,
    /// GeoJSON geometry (Polygon or MultiPolygon), WGS84.
    pub boundary: Option<serde_json::Value>,
    pub retired: bool,
    /// Optimistic concurrency: every update bumps it, a stale update is a conflict.
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl Area {
    pub fn child_path(parent_path: &str, code: &AreaCode) -> String {
        format!("{parent_path}{code}/")
    }
    pub fn root_path(code: &AreaCode) -> String {
        format!("/{code}/")
    }
    /// Is `other` this area or one of its descendants?
    pub fn contains_path(&self, other_path: &str) -> bool {
        other_path.starts_with(&self.path)
    }
    /// Codes from the root down to this area, this one included.
    pub fn path_codes(path: &str) -> Vec<&str> {
        path.split('/').filter(|s| !s.is_empty()).collect()
    }
}

/// Names are what officials see; never truncated, so they must be sane in length.
pub fn validate_area_name(raw: &str) -> Result<String> {
    let name = raw.trim();
    if name.is_empty() || raw.chars().count() > 64 || name.chars().any(|c| c.is_control()) {
        return Err(DomainError::invalid("name", "error-area-name"));
    }
    Ok(name.to_string())
}

/// A boundary must be a GeoJSON Polygon or MultiPolygon geometry (or a Feature wrapping one)
/// that passes `rules::boundary`, the same checks a boundary import makes.
pub fn validate_boundary(v: &serde_json::Value) -> Result<serde_json::Value> {
    let geometry = match v.get("type").and_then(|t| t.as_str()) {
        Some("Feature") => v.get("geometry").unwrap_or(&serde_json::Value::Null),
        _ => v,
    };
    crate::rules::boundary::check_geometry(geometry).map(|c| c.geometry).map_err(|p| DomainError::invalid("boundary", p.key))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_accept_division_codes_and_reject_junk() {
        assert!(AreaCode::parse("150103003030").is_ok());
        assert!(AreaCode::parse("G-01").is_ok());
        assert!(AreaCode::parse("").is_err());
        assert!(AreaCode::parse("1").is_err());
        assert!(AreaCode::parse("15/01").is_err());
        assert!(AreaCode::parse("-15").is_err());
        assert!(AreaCode::parse(&"9".repeat(33)).is_err());
    }

    #[test]
    fn paths_nest() {
        let city = AreaCode::parse("1501").unwrap();
        let root = Area::root_path(&city);
        let district = Area::child_path(&root, &AreaCode::parse("150103").unwrap());
        assert_eq!(district, "/1501/150103/");
        assert_eq!(Area::path_codes(&district), vec!["1501", "150103"]);
        assert!(district.starts_with(&root));
        // A sibling whose code shares a prefix must not count as inside.
        assert!(!"/1501/1501031/".starts_with(&district));
    }

    #[test]
    fn level_chain() {
        assert_eq!(AreaLevel::City.child(), Some(AreaLevel::District));
        assert_eq!(AreaLevel::Grid.child(), None);
        assert_eq!(AreaLevel::parse("street").unwrap(), AreaLevel::Street);
        assert!(AreaLevel::parse("estate").is_err());
    }

    #[test]
    fn names_and_boundaries_are_checked() {
        assert!(validate_area_name("  回民区 ").is_ok());
        assert!(validate_area_name("").is_err());
        assert!(validate_area_name(&"区".repeat(65)).is_err());
        let poly = serde_json::json!({"type":"Polygon","coordinates":[[[111.6,40.8],[111.7,40.8],[111.7,40.9],[111.6,40.8]]]});
        assert!(validate_boundary(&poly).is_ok());
        let feature = serde_json::json!({"type":"Feature","geometry":poly,"properties":{}});
        assert_eq!(validate_boundary(&feature).unwrap()["type"], "Polygon");
        assert!(validate_boundary(&serde_json::json!({"type":"Point","coordinates":[1,2]})).is_err());
    }
}
