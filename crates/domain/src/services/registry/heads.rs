//! Building heads (楼栋长) and entrance heads (单元长): volunteers, usually residents of the
//! building, recorded as people who serve and set on the building or one of its entrances.

use uuid::Uuid;

use super::people::PERSON_PHONE_FIELD;
use super::residents::PHONE_FIELD;
use super::{not_found, protect};
use crate::error::{DomainError, Result};
use crate::model::{Building, Entrance, Person, PersonKind};
use crate::ports::{Page, RegistryBatch, RegistryUpdates};
use crate::privacy::mask_phone;
use crate::rules::access::{Actor, Permission};
use crate::services::Services;

/// Who is to head the place.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HeadPick {
    Nobody,
    /// A building or entrance head on record.
    Person(Uuid),
    /// A resident of the building, recorded as a person who serves on the way.
    Resident(Uuid),
}

impl HeadPick {
    /// The choice from its two possible references: neither is "nobody", both is an error.
    pub fn from_ids(person_id: Option<Uuid>, resident_id: Option<Uuid>) -> Result<HeadPick> {
        match (person_id, resident_id) {
            (None, None) => Ok(HeadPick::Nobody),
            (Some(p), None) => Ok(HeadPick::Person(p)),
            (None, Some(r)) => Ok(HeadPick::Resident(r)),
            (Some(_), Some(_)) => Err(DomainError::invalid("resident_id", "error-head-one-choice")),
        }
    }
}

/// The people a building's heads can be chosen from.
#[derive(Debug, Clone, Default)]
pub struct HeadCandidates {
    pub building_heads: Vec<Person>,
    pub entrance_heads: Vec<Person>,
}

impl Services {
    /// Building and entrance heads on record in the building's grid.
    pub async fn head_candidates(&self, actor: &Actor, building_id: Uuid) -> Result<HeadCandidates> {
        let b = self.visible_building(actor, building_id).await?;
        // The building is in scope, so its grid's subtree is too.
        let page = Page { scope_path: b.area_path.clone(), text: None, after: None, limit: super::MAX_PAGE };
        Ok(HeadCandidates {
            building_heads: self.store.people(&page, Some(PersonKind::BuildingHead)).await?,
            entrance_heads: self.store.people(&page, Some(PersonKind::EntranceHead)).await?,
        })
    }

    /// What a building or entrance head heads, among the first buildings of the area they
    /// belong to (a grid's buildings fit in one page). Empty for other kinds of people.
    pub async fn headed_by(&self, actor: &Actor, p: &Person) -> Result<Vec<(Building, Option<Entrance>)>> {
        actor.require(Permission::ViewRegistry)?;
        if !matches!(p.kind, PersonKind::BuildingHead | PersonKind::EntranceHead) || !actor.covers(&p.area_path) {
            return Ok(Vec::new());
        }
        let page = Page { scope_path: p.area_path.clone(), text: None, after: None, limit: super::MAX_PAGE };
        let buildings = self.store.buildings(&page, None).await?;
        let ids: Vec<Uuid> = buildings.iter().map(|b| b.id).collect();
        let entrances = self.store.entrances_of_buildings(&ids).await?;
        let mut out: Vec<(Building, Option<Entrance>)> = buildings.iter().filter(|b| b.head_person_id == Some(p.id)).map(|b| (b.clone(), None)).collect();
        for e in entrances.into_iter().filter(|e| e.head_person_id == Some(p.id)) {
            if let Some(b) = buildings.iter().find(|b| b.id == e.building_id) {
                out.push((b.clone(), Some(e)));
            }
        }
        Ok(out)
    }

    /// Sets (or clears) the head of a building, or of one of its entrances when `entrance_id`
    /// is given. Heads are part of the building's record, so whoever may change the building
    /// (a grid worker in their grid) may set them, including making a resident a head.
    pub async fn set_head(&self, actor: &Actor, building_id: Uuid, entrance_id: Option<Uuid>, pick: HeadPick) -> Result<Option<Person>> {
        let building = self.visible_building(actor, building_id).await?;
        actor.may_in(Permission::ManageRegistry, &building.area_path, "error-building-not-found")?;
        let mut entrance = match entrance_id {
            Some(e) => Some(self.store.entrances_of(building.id).await?.into_iter().find(|x| x.id == e).ok_or(DomainError::invalid("entrance_id", "error-entrance"))?),
            None => None,
        };
        let kind = if entrance.is_some() { PersonKind::EntranceHead } else { PersonKind::BuildingHead };
        let mut batch = RegistryBatch::default();
        let head = match pick {
            HeadPick::Nobody => None,
            HeadPick::Person(id) => {
                let p = self.store.person_by_id(id).await?.ok_or(not_found("error-person-not-found"))?;
                actor.may_in(Permission::ViewRegistry, &p.area_path, "error-person-not-found")?;
                if p.kind != kind {
                    return Err(DomainError::invalid("head", "error-head-kind"));
                }
                if !building.area_path.starts_with(&p.area_path) {
                    return Err(DomainError::invalid("head", "error-head-place"));
                }
                Some(p)
            }
            HeadPick::Resident(id) => {
                let (p, new) = self.head_from_resident(actor, &building, id, kind).await?;
                if new {
                    batch.people.push(p.clone());
                }
                Some(p)
            }
        };
        let head_id = head.as_ref().map(|p| p.id);
        let before = match &entrance {
            Some(e) => e.head_person_id,
            None => building.head_person_id,
        };
        if before == head_id && batch.people.is_empty() {
            return Ok(head);
        }
        let now = self.clock.now();
        let version = building.version;
        let mut changed = Building { version: version + 1, updated_at: now, ..building.clone() };
        match entrance.as_mut() {
            Some(e) => e.head_person_id = head_id,
            None => changed.head_person_id = head_id,
        }
        let place = serde_json::json!({ "building": building.name, "entrance": entrance.as_ref().map(|e| &e.name) });
        let mut audit = Vec::new();
        for p in &batch.people {
            let after = serde_json::json!({ "name": p.name, "kind": p.kind, "phone": p.phone.as_ref().map(|x| &x.masked), "from": "resident" });
            audit.push(self.audit(actor, "person.create", "person", &p.id.to_string(), &p.area_path, None, Some(after)));
        }
        let mut after = place.clone();
        after["head"] = serde_json::json!({ "id": head_id, "name": head.as_ref().map(|p| &p.name) });
        let mut prior = place;
        prior["head"] = serde_json::json!({ "id": before });
        audit.push(self.audit(actor, "building.head", "building", &building.id.to_string(), &building.area_path, Some(prior), Some(after)));
        let updates = RegistryUpdates { buildings: vec![(changed, version)], entrances: entrance.into_iter().collect(), ..Default::default() };
        self.store.apply_import(&batch, &updates, &audit).await?;
        Ok(head)
    }

    /// The person a resident of this building serves as: one already on record in the grid
    /// with the same name, kind and phone (so picking the same resident twice makes no
    /// duplicate), or a new one reachable at the resident's phone (`true`: still to be written).
    async fn head_from_resident(&self, actor: &Actor, building: &Building, resident_id: Uuid, kind: PersonKind) -> Result<(Person, bool)> {
        let r = self.resident(actor, resident_id).await?;
        let home = self.store.household_by_id(r.household_id).await?.ok_or(not_found("error-resident-not-found"))?;
        if home.building_id != Some(building.id) || r.moved_out {
            return Err(DomainError::invalid("head", "error-head-resident"));
        }
        let phone = match &r.phone {
            Some(stored) => {
                let vault = self.vault()?;
                let plain = vault.decrypt(PHONE_FIELD, &stored.cipher)?;
                Some(protect(vault, PERSON_PHONE_FIELD, &plain, mask_phone(&plain))?)
            }
            None => None,
        };
        let same = |p: &Person| p.kind == kind && p.area_id == building.area_id && p.phone.as_ref().map(|x| &x.hash) == phone.as_ref().map(|x| &x.hash);
        if let Some(p) = self.store.people_named(&building.area_path, std::slice::from_ref(&r.name)).await?.into_iter().find(same) {
            return Ok((p, false));
        }
        let now = self.clock.now();
        let person = Person {
            id: Uuid::now_v7(),
            name: r.name,
            kind,
            profession: None,
            organisation: None,
            phone,
            user_id: None,
            area_id: building.area_id,
            area_path: building.area_path.clone(),
            version: 1,
            created_at: now,
            updated_at: now,
        };
        Ok((person, true))
    }
}
