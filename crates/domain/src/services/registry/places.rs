//! Estates, buildings with their entrances, and households.

use serde::Deserialize;
use uuid::Uuid;

use super::{not_found, page};
use crate::error::{DomainError, Result};
use crate::model::place::validate_text;
use crate::model::{AreaLevel, Building, Entrance, Estate, Household, Resident};
use crate::ports::{HouseholdQuery, RegistryBatch, ResidentQuery};
use crate::rules::access::{Actor, Permission};
use crate::services::{Services, to_json};

#[derive(Debug, Clone, Deserialize)]
pub struct NewEstate {
    pub community_code: String,
    pub name: String,
    pub address: String,
    pub property_company_id: Option<Uuid>,
    pub property_station_id: Option<Uuid>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct NewBuilding {
    pub grid_code: String,
    pub estate_id: Option<Uuid>,
    pub name: String,
    pub address: String,
    pub floors: Option<i32>,
    /// How many entrances (单元) to create, named 1单元, 2单元, …
    pub entrances: u32,
}

#[derive(Debug, Clone, Deserialize)]
pub struct NewHousehold {
    /// Where the household lives: a building (its grid is the household's) …
    pub building_id: Option<Uuid>,
    pub entrance_id: Option<Uuid>,
    pub room: Option<String>,
    /// … or, for houses outside any building on record, a grid and a full address.
    pub grid_code: Option<String>,
    pub address: Option<String>,
}

/// A building with everything in it, for the building page.
#[derive(Debug, Clone)]
pub struct BuildingView {
    pub building: Building,
    pub estate: Option<Estate>,
    pub entrances: Vec<Entrance>,
    pub households: Vec<(Household, Vec<Resident>)>,
}

fn place_summary<T: serde::Serialize>(v: &T) -> Option<serde_json::Value> {
    to_json(v)
}

impl Services {
    pub async fn create_estate(&self, actor: &Actor, new: NewEstate) -> Result<Estate> {
        let community = self.area(actor, &new.community_code).await?;
        actor.may_in(Permission::ManageRegistry, &community.path, "error-area-not-found")?;
        if community.level != AreaLevel::Community {
            return Err(DomainError::invalid("community_code", "error-estate-community"));
        }
        for org in [new.property_company_id, new.property_station_id].into_iter().flatten() {
            let o = self.store.organisation_by_id(org).await?.ok_or(not_found("error-org-not-found"))?;
            actor.may_in(Permission::ViewRegistry, &o.area_path, "error-org-not-found")?;
        }
        let now = self.clock.now();
        let estate = Estate {
            id: Uuid::now_v7(),
            name: validate_text("name", "error-place-name", &new.name, 64)?,
            area_id: community.id,
            area_path: community.path.clone(),
            address: validate_text("address", "error-address", &new.address, 128)?,
            property_company_id: new.property_company_id,
            property_station_id: new.property_station_id,
            version: 1,
            created_at: now,
            updated_at: now,
        };
        let audit = self.audit(actor, "estate.create", "estate", &estate.id.to_string(), &estate.area_path, None, place_summary(&estate));
        let batch = RegistryBatch { estates: vec![estate.clone()], ..Default::default() };
        self.store.insert_registry(&batch, &[audit]).await?;
        Ok(estate)
    }

    /// An estate is visible to its community's subtree and to anyone inside that community
    /// (a grid worker sees the estates their buildings belong to).
    pub async fn estate(&self, actor: &Actor, id: Uuid) -> Result<Estate> {
        let e = self.store.estate_by_id(id).await?.ok_or(not_found("error-estate-not-found"))?;
        actor.require(Permission::ViewRegistry)?;
        if actor.covers(&e.area_path) || actor.home_area_path.starts_with(&e.area_path) {
            Ok(e)
        } else {
            Err(not_found("error-estate-not-found"))
        }
    }

    pub async fn estates(&self, actor: &Actor, text: Option<String>, after: Option<Uuid>, limit: i64) -> Result<Vec<Estate>> {
        actor.require(Permission::ViewRegistry)?;
        self.store.estates(&page(actor, None, text, after, limit)).await
    }

    pub async fn create_building(&self, actor: &Actor, new: NewBuilding) -> Result<Building> {
        let grid = self.area(actor, &new.grid_code).await?;
        actor.may_in(Permission::ManageRegistry, &grid.path, "error-area-not-found")?;
        if grid.level != AreaLevel::Grid {
            return Err(DomainError::invalid("grid_code", "error-building-grid"));
        }
        if let Some(estate_id) = new.estate_id {
            let estate = self.store.estate_by_id(estate_id).await?.ok_or(not_found("error-estate-not-found"))?;
            if !grid.path.starts_with(&estate.area_path) {
                return Err(DomainError::invalid("estate_id", "error-building-estate"));
            }
        }
        if new.floors.is_some_and(|f| !(1..=200).contains(&f)) {
            return Err(DomainError::invalid("floors", "error-floors"));
        }
        if new.entrances > 50 {
            return Err(DomainError::invalid("entrances", "error-entrances"));
        }
        let now = self.clock.now();
        let building = Building {
            id: Uuid::now_v7(),
            estate_id: new.estate_id,
            name: validate_text("name", "error-place-name", &new.name, 64)?,
            area_id: grid.id,
            area_path: grid.path.clone(),
            address: validate_text("address", "error-address", &new.address, 128)?,
            floors: new.floors,
            head_person_id: None,
            version: 1,
            created_at: now,
            updated_at: now,
        };
        let entrances = (1..=new.entrances)
            .map(|n| Entrance { id: Uuid::now_v7(), building_id: building.id, name: format!("{n}单元"), head_person_id: None, created_at: now })
            .collect();
        let audit =
            self.audit(actor, "building.create", "building", &building.id.to_string(), &building.area_path, None, place_summary(&building));
        let batch = RegistryBatch { buildings: vec![building.clone()], entrances, ..Default::default() };
        self.store.insert_registry(&batch, &[audit]).await?;
        Ok(building)
    }

    pub(super) async fn visible_building(&self, actor: &Actor, id: Uuid) -> Result<Building> {
        let b = self.store.building_by_id(id).await?.ok_or(not_found("error-building-not-found"))?;
        actor.may_in(Permission::ViewRegistry, &b.area_path, "error-building-not-found")?;
        Ok(b)
    }

    /// The building page: entrances → households → residents, in two queries.
    pub async fn building(&self, actor: &Actor, id: Uuid) -> Result<BuildingView> {
        let building = self.visible_building(actor, id).await?;
        let estate = match building.estate_id {
            Some(e) => self.store.estate_by_id(e).await?,
            None => None,
        };
        let entrances = self.store.entrances_of(building.id).await?;
        let scope = page(actor, None, None, None, super::MAX_PAGE);
        let households = self.store.households(&HouseholdQuery { page: scope.clone(), building_id: Some(building.id) }).await?;
        let mut residents = self
            .store
            .residents(&ResidentQuery { page: super::Page { limit: 5000, ..scope }, building_id: Some(building.id), ..Default::default() })
            .await?;
        let households = households
            .into_iter()
            .map(|h| {
                let mine: Vec<Resident> = residents.extract_if(.., |r| r.household_id == h.id).collect();
                (h, mine)
            })
            .collect();
        residents.clear();
        Ok(BuildingView { building, estate, entrances, households })
    }

    /// Buildings of an estate, or in an area of the caller's scope (a grid: the addresses it answers for).
    pub async fn buildings(&self, actor: &Actor, area_code: Option<&str>, estate_id: Option<Uuid>, text: Option<String>, after: Option<Uuid>, limit: i64) -> Result<Vec<Building>> {
        actor.require(Permission::ViewRegistry)?;
        let area = match area_code {
            Some(code) => Some(self.area(actor, code).await?),
            None => None,
        };
        self.store.buildings(&page(actor, area.as_ref(), text, after, limit), estate_id).await
    }

    pub async fn create_household(&self, actor: &Actor, new: NewHousehold) -> Result<Household> {
        let room = new.room.as_deref().map(|r| validate_text("room", "error-room", r, 16)).transpose()?;
        let (area_id, area_path, address, entrance_id) = match (new.building_id, &new.grid_code) {
            (Some(b), _) => {
                let building = self.visible_building(actor, b).await?;
                let entrance = match new.entrance_id {
                    Some(e) => Some(
                        self.store.entrances_of(building.id).await?.into_iter().find(|x| x.id == e).ok_or(DomainError::invalid("entrance_id", "error-entrance"))?,
                    ),
                    None => None,
                };
                let address = match &new.address {
                    Some(a) if !a.trim().is_empty() => validate_text("address", "error-address", a, 128)?,
                    _ => format!(
                        "{}{}{}",
                        building.address,
                        entrance.as_ref().map(|e| e.name.as_str()).unwrap_or(""),
                        room.as_deref().unwrap_or("")
                    ),
                };
                (building.area_id, building.area_path, address, entrance.map(|e| e.id))
            }
            (None, Some(code)) => {
                let grid = self.area(actor, code).await?;
                if grid.level != AreaLevel::Grid {
                    return Err(DomainError::invalid("grid_code", "error-building-grid"));
                }
                let address = validate_text("address", "error-address", new.address.as_deref().unwrap_or(""), 128)?;
                (grid.id, grid.path, address, None)
            }
            (None, None) => return Err(DomainError::invalid("building_id", "error-household-place")),
        };
        actor.may_in(Permission::ManageRegistry, &area_path, "error-area-not-found")?;
        let now = self.clock.now();
        let household = Household {
            id: Uuid::now_v7(),
            building_id: new.building_id,
            entrance_id,
            area_id,
            area_path,
            address,
            room,
            version: 1,
            created_at: now,
            updated_at: now,
        };
        let audit = self.audit(actor, "household.create", "household", &household.id.to_string(), &household.area_path, None, place_summary(&household));
        let batch = RegistryBatch { households: vec![household.clone()], ..Default::default() };
        self.store.insert_registry(&batch, &[audit]).await?;
        Ok(household)
    }

    pub async fn household(&self, actor: &Actor, id: Uuid) -> Result<(Household, Vec<Resident>)> {
        let h = self.store.household_by_id(id).await?.ok_or(not_found("error-household-not-found"))?;
        actor.may_in(Permission::ViewRegistry, &h.area_path, "error-household-not-found")?;
        let q = ResidentQuery { page: page(actor, None, None, None, super::MAX_PAGE), household_id: Some(h.id), ..Default::default() };
        let residents = self.store.residents(&q).await?;
        Ok((h, residents))
    }

    /// Households in an area of the caller's scope (their home area when none is named).
    pub async fn households(&self, actor: &Actor, area_code: Option<&str>, text: Option<String>, after: Option<Uuid>, limit: i64) -> Result<Vec<Household>> {
        actor.require(Permission::ViewRegistry)?;
        let area = match area_code {
            Some(code) => Some(self.area(actor, code).await?),
            None => None,
        };
        let q = HouseholdQuery { page: page(actor, area.as_ref(), text, after, limit), building_id: None };
        self.store.households(&q).await
    }
}
