//! What the registry (places, residents, people who serve) needs from storage. Like `Store`,
//! every write is one transaction together with its audit rows; every list is scoped by an
//! area path and paged by key, never counted in full.

use async_trait::async_trait;
use chrono::NaiveDate;
use uuid::Uuid;

use crate::error::Result;
use crate::model::{
    Assignment, Building, Entrance, Estate, Household, NewAudit, OrgKind, Organisation, Person, PersonKind, Resident,
};

/// New records written together, e.g. a household with its residents, or a whole demo world.
#[derive(Debug, Clone, Default)]
pub struct RegistryBatch {
    pub organisations: Vec<Organisation>,
    pub people: Vec<Person>,
    pub assignments: Vec<Assignment>,
    pub estates: Vec<Estate>,
    pub buildings: Vec<Building>,
    pub entrances: Vec<Entrance>,
    pub households: Vec<Household>,
    pub residents: Vec<Resident>,
    /// (grid area id, duties in order)
    pub duties: Vec<(Uuid, Vec<String>)>,
}

impl RegistryBatch {
    pub fn is_empty(&self) -> bool {
        self.organisations.is_empty()
            && self.people.is_empty()
            && self.assignments.is_empty()
            && self.estates.is_empty()
            && self.buildings.is_empty()
            && self.entrances.is_empty()
            && self.households.is_empty()
            && self.residents.is_empty()
            && self.duties.is_empty()
    }
}

/// Changes to records already on record, written with an import's new records (or on their
/// own, by a change that spans records). Each carries the version it was read at: a record
/// someone changed meanwhile fails the whole write.
#[derive(Debug, Clone, Default)]
pub struct RegistryUpdates {
    pub estates: Vec<(Estate, i64)>,
    pub buildings: Vec<(Building, i64)>,
    pub residents: Vec<(Resident, i64)>,
    pub people: Vec<(Person, i64)>,
    /// People whose assignments become exactly these.
    pub assignments: Vec<(Uuid, Vec<Assignment>)>,
    /// Entrances with a changed name or head. They carry no version of their own: whoever
    /// changes one also bumps its building's, in `buildings`, and that guards both.
    pub entrances: Vec<Entrance>,
}

impl RegistryUpdates {
    pub fn is_empty(&self) -> bool {
        self.estates.is_empty()
            && self.buildings.is_empty()
            && self.residents.is_empty()
            && self.people.is_empty()
            && self.assignments.is_empty()
            && self.entrances.is_empty()
    }
}

/// A keyset page request: rows after `after` (by id), at most `limit`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Page {
    pub scope_path: String,
    pub text: Option<String>,
    pub after: Option<Uuid>,
    pub limit: i64,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct ResidentQuery {
    pub page: Page,
    pub household_id: Option<Uuid>,
    pub building_id: Option<Uuid>,
    pub tag: Option<String>,
    /// Born on or before (elderly filter).
    pub born_by: Option<NaiveDate>,
    /// Born after (children filter).
    pub born_after: Option<NaiveDate>,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct HouseholdQuery {
    pub page: Page,
    pub building_id: Option<Uuid>,
}

/// Which protected column a re-encrypted value belongs to (key rotation).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProtectedColumn {
    ResidentIdNumber,
    ResidentPhone,
    PersonPhone,
    PartyIdNumber,
    PartyPhone,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CipherUpdate {
    pub column: ProtectedColumn,
    pub id: Uuid,
    pub cipher: String,
}

#[async_trait]
pub trait RegistryStore: Send + Sync {
    /// Replaces ciphertexts only (hashes and masks do not change when keys rotate), in one
    /// transaction with one audit row for the batch.
    async fn replace_ciphers(&self, updates: &[CipherUpdate], audit: &NewAudit) -> Result<()>;
    async fn insert_registry(&self, batch: &RegistryBatch, audit: &[NewAudit]) -> Result<()>;
    async fn update_household(&self, h: &Household, expected_version: i64, audit: &NewAudit) -> Result<()>;
    /// Saves a resident, its tag index and, when the household changed, its scope path.
    async fn update_resident(&self, r: &Resident, expected_version: i64, audit: &NewAudit) -> Result<()>;
    async fn set_grid_duties(&self, grid_id: Uuid, duties: &[String], audit: &NewAudit) -> Result<()>;

    async fn organisation_by_id(&self, id: Uuid) -> Result<Option<Organisation>>;
    async fn organisations(&self, page: &Page, kind: Option<OrgKind>) -> Result<Vec<Organisation>>;
    async fn estate_by_id(&self, id: Uuid) -> Result<Option<Estate>>;
    /// Estates in scope, and estates with a building in scope (a grid sees its estates).
    async fn estates(&self, page: &Page) -> Result<Vec<Estate>>;
    async fn building_by_id(&self, id: Uuid) -> Result<Option<Building>>;
    async fn buildings(&self, page: &Page, estate_id: Option<Uuid>) -> Result<Vec<Building>>;
    async fn entrances_of(&self, building_id: Uuid) -> Result<Vec<Entrance>>;
    async fn household_by_id(&self, id: Uuid) -> Result<Option<Household>>;
    async fn households(&self, q: &HouseholdQuery) -> Result<Vec<Household>>;
    async fn resident_by_id(&self, id: Uuid) -> Result<Option<Resident>>;
    async fn residents(&self, q: &ResidentQuery) -> Result<Vec<Resident>>;
    /// Exact lookup by keyed hash of the ID number, across all areas (duplicates anywhere count).
    async fn resident_by_id_hash(&self, hash: &str) -> Result<Option<Resident>>;
    async fn person_by_id(&self, id: Uuid) -> Result<Option<Person>>;
    async fn people(&self, page: &Page, kind: Option<PersonKind>) -> Result<Vec<Person>>;
    /// People assigned to this area (grid workers and advisers of a grid; cadres of a community).
    async fn people_assigned_to(&self, area_id: Uuid) -> Result<Vec<Person>>;
    async fn assignments_of(&self, person_id: Uuid) -> Result<Vec<Assignment>>;
    async fn grid_duties(&self, grid_id: Uuid) -> Result<Vec<String>>;

    // Bulk lookups for imports and exports: each takes a whole file's (or page's) keys, so a
    // 100,000-row file costs a few hundred queries instead of a few hundred thousand.
    async fn residents_by_id_hashes(&self, hashes: &[String]) -> Result<Vec<Resident>>;
    async fn residents_of_households(&self, household_ids: &[Uuid]) -> Result<Vec<Resident>>;
    async fn households_by_ids(&self, ids: &[Uuid]) -> Result<Vec<Household>>;
    /// Households of one grid at these exact addresses.
    async fn households_at(&self, area_id: Uuid, addresses: &[String]) -> Result<Vec<Household>>;
    /// Estates of one community with these names.
    async fn estates_named(&self, area_id: Uuid, names: &[String]) -> Result<Vec<Estate>>;
    /// Buildings in a subtree with these names.
    async fn buildings_named(&self, scope_path: &str, names: &[String]) -> Result<Vec<Building>>;
    async fn entrances_of_buildings(&self, building_ids: &[Uuid]) -> Result<Vec<Entrance>>;
    /// People in a subtree with these names.
    async fn people_named(&self, scope_path: &str, names: &[String]) -> Result<Vec<Person>>;
    /// New records, changed records and their audit rows, in one transaction: an import, or a
    /// change that spans records (a building's head made from a resident, a person's grids).
    async fn apply_import(&self, batch: &RegistryBatch, updates: &RegistryUpdates, audit: &[NewAudit]) -> Result<()>;
}
