//! A case as the search index holds it: its texts, the fields the list filters ask about, and
//! its parties' names. A rebuild reads ten million of these, so a store reads only these
//! columns, a page in one piece (see `CaseChangeStore::searchable_after`), not whole cases.

use chrono::{DateTime, Utc};
use serde::Deserialize;
use uuid::Uuid;

use super::{Case, CaseKind, CaseNumber, CaseStatus, CategoryCode, GeoPoint, HandlingLevel, handling_path};
use crate::model::AreaLevel;

/// Deserialisable from a JSON array holding the fields in this order, which is how the
/// stores hand a page over.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct SearchableCase {
    pub id: Uuid,
    pub number: CaseNumber,
    pub kind: CaseKind,
    pub category: CategoryCode,
    pub title: String,
    pub description: String,
    pub address: Option<String>,
    pub area_path: String,
    pub area_level: AreaLevel,
    pub status: CaseStatus,
    pub handling_level: HandlingLevel,
    pub handler_id: Option<Uuid>,
    /// A supervision order (督办) waits for an answer.
    pub supervised: bool,
    /// An extension of the deadline waits for a decision.
    pub extension_pending: bool,
    pub created_at: DateTime<Utc>,
    pub deadline: Option<DateTime<Utc>>,
    pub lon: Option<f64>,
    pub lat: Option<f64>,
    /// Party names in the order they were taken in (never their ID numbers or phones).
    pub parties: Vec<String>,
}

impl SearchableCase {
    pub fn of(case: Case, parties: Vec<String>) -> Self {
        SearchableCase {
            id: case.id,
            number: case.number,
            kind: case.kind,
            category: case.category,
            title: case.title,
            description: case.description,
            address: case.address,
            area_path: case.area_path,
            area_level: case.area_level,
            status: case.status,
            handling_level: case.handling_level,
            handler_id: case.handler_id,
            supervised: case.supervision.is_some(),
            extension_pending: case.pending_extension.is_some(),
            created_at: case.created_at,
            deadline: case.deadline,
            lon: case.point.map(|p| p.lon),
            lat: case.point.map(|p| p.lat),
            parties,
        }
    }

    /// Where the case is handled now, as `Case::handling_area_path`.
    pub fn handling_area_path(&self) -> String {
        handling_path(&self.area_path, self.area_level, self.handling_level)
    }

    pub fn point(&self) -> Option<GeoPoint> {
        self.lon.zip(self.lat).map(|(lon, lat)| GeoPoint { lon, lat })
    }
}
