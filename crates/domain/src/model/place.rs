//! Places below the grid: estates (小区), buildings (楼栋), entrances (单元) and the
//! households (户) that live at an address. An estate lies in a community and may span
//! grids; each building belongs to one grid, and so does every household in it: together
//! with the area tree this answers "whose grid is this address in".

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Estate {
    pub id: Uuid,
    pub name: String,
    /// The community the estate lies in.
    pub area_id: Uuid,
    pub area_path: String,
    pub address: String,
    pub property_company_id: Option<Uuid>,
    /// The 红色物业 property service station that covers it, if any.
    pub property_station_id: Option<Uuid>,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Building {
    pub id: Uuid,
    pub estate_id: Option<Uuid>,
    /// e.g. 3号楼
    pub name: String,
    /// The grid responsible for it.
    pub area_id: Uuid,
    pub area_path: String,
    pub address: String,
    pub floors: Option<i32>,
    /// The 楼栋长, a person who serves.
    pub head_person_id: Option<Uuid>,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Entrance {
    pub id: Uuid,
    pub building_id: Uuid,
    /// e.g. 1单元
    pub name: String,
    /// The 单元长.
    pub head_person_id: Option<Uuid>,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Household {
    pub id: Uuid,
    pub building_id: Option<Uuid>,
    pub entrance_id: Option<Uuid>,
    /// The grid the household belongs to (its building's grid when it has one).
    pub area_id: Uuid,
    pub area_path: String,
    /// Full address as written on letters, e.g. 光明路12号院3号楼1单元502.
    pub address: String,
    pub room: Option<String>,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// Free-text fields of places: required, bounded, no control characters.
pub fn validate_text(field: &'static str, key: &'static str, raw: &str, max: usize) -> crate::Result<String> {
    let s = raw.trim();
    if s.is_empty() || raw.chars().count() > max || s.chars().any(|c| c.is_control()) {
        return Err(crate::DomainError::invalid(field, key));
    }
    Ok(s.to_string())
}
