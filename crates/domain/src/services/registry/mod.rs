//! Use cases of the registry: places below the grid, households and residents, people who
//! serve. Every read is limited to the caller's subtree; personal data leaves the domain
//! masked unless a reveal is asked for, with a reason, by a role allowed to, and audited.

mod export;
mod heads;
pub mod import;
mod keys;
mod people;
mod places;
mod residents;

pub use export::{Export, ExportList, ExportRows, ExportedPerson, ExportedResident, code_of};
pub use heads::{HeadCandidates, HeadPick};
pub use import::{ImportColumn, ImportRow, ImportSheet};
pub use keys::RotationReport;
pub use people::{NewOrganisation, NewPerson};
pub use places::{BuildingView, NewBuilding, NewEstate, NewHousehold};
pub use residents::{NewResident, ResidentChange, RevealField};
pub(crate) use residents::reveal_reason;

use crate::error::{DomainError, Result};
use crate::model::{Area, Protected};
use crate::ports::Page;
use crate::privacy::Vault;
use crate::rules::access::Actor;

/// Largest page a list returns.
pub const MAX_PAGE: i64 = 200;

pub(crate) fn page(actor: &Actor, scope: Option<&Area>, text: Option<String>, after: Option<uuid::Uuid>, limit: i64) -> Page {
    Page {
        scope_path: scope.map(|a| a.path.clone()).unwrap_or_else(|| actor.home_area_path.clone()),
        text: text.map(|t| t.trim().to_string()).filter(|t| !t.is_empty()),
        after,
        limit: limit.clamp(1, MAX_PAGE),
    }
}

/// Encrypts, indexes and masks one personal value under its field name.
pub(crate) fn protect(vault: &Vault, field: &str, normalised: &str, masked: String) -> Result<Protected> {
    Ok(Protected { cipher: vault.encrypt(field, normalised)?, hash: vault.blind_index(field, normalised), masked })
}

pub(crate) fn not_found(key: &'static str) -> DomainError {
    DomainError::NotFound(key)
}
