//! People who serve and organisations: grid workers and 三官一律 placed in grids, liaison
//! cadres paired with communities, property companies, 红色物业 stations, social
//! organisations and partner units; and each grid's duty list.

use serde::Deserialize;
use uuid::Uuid;

use super::{not_found, page, protect};
use crate::error::{DomainError, Result};
use crate::model::place::validate_text;
use crate::model::{Assignment, OrgKind, Organisation, Person, PersonKind, Profession};
use crate::ports::{RegistryBatch, RegistryUpdates};
use crate::privacy::{PersonName, Phone, mask_phone};
use crate::rules::access::{Actor, Permission};
use crate::services::{Services, to_json};

pub const PERSON_PHONE_FIELD: &str = "person.phone";

#[derive(Debug, Clone, Deserialize)]
pub struct NewOrganisation {
    pub kind: String,
    pub name: String,
    pub area_code: String,
    pub contact: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct NewPerson {
    pub name: String,
    pub kind: String,
    /// Required for legal advisers: police, judge, prosecutor or lawyer.
    pub profession: Option<String>,
    pub organisation: Option<String>,
    pub phone: Option<String>,
    /// The area the person belongs to.
    pub area_code: String,
    /// Grids (or, for liaison cadres, communities) the person serves.
    #[serde(default)]
    pub assign_to: Vec<String>,
}

impl Services {
    pub async fn create_organisation(&self, actor: &Actor, new: NewOrganisation) -> Result<Organisation> {
        let area = self.area(actor, &new.area_code).await?;
        actor.may_in(Permission::ManagePeople, &area.path, "error-area-not-found")?;
        let now = self.clock.now();
        let org = Organisation {
            id: Uuid::now_v7(),
            kind: OrgKind::parse(&new.kind)?,
            name: validate_text("name", "error-place-name", &new.name, 64)?,
            area_id: area.id,
            area_path: area.path.clone(),
            contact: new.contact.as_deref().map(|c| validate_text("contact", "error-contact", c, 64)).transpose()?,
            version: 1,
            created_at: now,
            updated_at: now,
        };
        let audit = self.audit(actor, "organisation.create", "organisation", &org.id.to_string(), &org.area_path, None, to_json(&org));
        let batch = RegistryBatch { organisations: vec![org.clone()], ..Default::default() };
        self.store.insert_registry(&batch, &[audit]).await?;
        Ok(org)
    }

    pub async fn organisations(&self, actor: &Actor, kind: Option<OrgKind>, text: Option<String>, after: Option<Uuid>, limit: i64) -> Result<Vec<Organisation>> {
        actor.require(Permission::ViewRegistry)?;
        self.store.organisations(&page(actor, None, text, after, limit), kind).await
    }

    pub async fn create_person(&self, actor: &Actor, new: NewPerson) -> Result<Person> {
        let area = self.area(actor, &new.area_code).await?;
        actor.may_in(Permission::ManagePeople, &area.path, "error-area-not-found")?;
        let kind = PersonKind::parse(&new.kind)?;
        let profession = new.profession.as_deref().map(str::trim).filter(|p| !p.is_empty()).map(Profession::parse).transpose()?;
        if kind == PersonKind::LegalAdviser && profession.is_none() {
            return Err(DomainError::invalid("profession", "error-profession"));
        }
        let mut targets = Vec::new();
        for code in &new.assign_to {
            let target = self.area(actor, code).await?;
            actor.may_in(Permission::ManagePeople, &target.path, "error-area-not-found")?;
            if target.level != kind.assigned_to() {
                return Err(DomainError::invalid("assign_to", "error-assign-level"));
            }
            if !targets.iter().any(|t: &crate::model::Area| t.id == target.id) {
                targets.push(target);
            }
        }
        let phone = match new.phone.as_deref().map(str::trim).filter(|p| !p.is_empty()) {
            Some(p) => {
                let phone = Phone::parse(p)?;
                Some(protect(self.vault()?, PERSON_PHONE_FIELD, phone.as_str(), mask_phone(phone.as_str()))?)
            }
            None => None,
        };
        let now = self.clock.now();
        let person = Person {
            id: Uuid::now_v7(),
            name: PersonName::parse(&new.name)?.as_str().to_string(),
            kind,
            profession,
            organisation: new.organisation.as_deref().map(str::trim).filter(|o| !o.is_empty()).map(|o| validate_text("organisation", "error-place-name", o, 64)).transpose()?,
            phone,
            user_id: None,
            area_id: area.id,
            area_path: area.path.clone(),
            version: 1,
            created_at: now,
            updated_at: now,
        };
        let assignments: Vec<Assignment> =
            targets.iter().map(|t| Assignment { person_id: person.id, area_id: t.id, area_path: t.path.clone(), created_at: now }).collect();
        let after = serde_json::json!({
            "name": person.name, "kind": person.kind, "profession": person.profession, "organisation": person.organisation,
            "phone": person.phone.as_ref().map(|p| &p.masked), "assigned_to": targets.iter().map(|t| t.code.to_string()).collect::<Vec<_>>(),
        });
        let audit = self.audit(actor, "person.create", "person", &person.id.to_string(), &person.area_path, None, Some(after));
        let batch = RegistryBatch { people: vec![person.clone()], assignments, ..Default::default() };
        self.store.insert_registry(&batch, &[audit]).await?;
        Ok(person)
    }

    pub async fn people(&self, actor: &Actor, kind: Option<PersonKind>, text: Option<String>, after: Option<Uuid>, limit: i64) -> Result<Vec<Person>> {
        actor.require(Permission::ViewRegistry)?;
        self.store.people(&page(actor, None, text, after, limit), kind).await
    }

    /// A person is visible where they belong and where they serve: a grid worker sees the
    /// legal adviser a community placed in their grid, as the grid's page lists them.
    pub async fn person(&self, actor: &Actor, id: Uuid) -> Result<(Person, Vec<Assignment>)> {
        let p = self.store.person_by_id(id).await?.ok_or(not_found("error-person-not-found"))?;
        let assignments = self.store.assignments_of(p.id).await?;
        if !actor.covers(&p.area_path) && !assignments.iter().any(|a| actor.covers(&a.area_path)) {
            return Err(not_found("error-person-not-found"));
        }
        actor.require(Permission::ViewRegistry)?;
        Ok((p, assignments))
    }

    pub async fn organisation(&self, actor: &Actor, id: Uuid) -> Result<Organisation> {
        let o = self.store.organisation_by_id(id).await?.ok_or(not_found("error-org-not-found"))?;
        actor.may_in(Permission::ViewRegistry, &o.area_path, "error-org-not-found")?;
        Ok(o)
    }

    /// Places a person in one more grid (a community, for a liaison cadre).
    pub async fn assign_person(&self, actor: &Actor, person_id: Uuid, area_code: &str) -> Result<Vec<Assignment>> {
        let (p, list) = self.person_to_manage(actor, person_id).await?;
        let target = self.area(actor, area_code).await?;
        actor.may_in(Permission::ManagePeople, &target.path, "error-area-not-found")?;
        if target.level != p.kind.assigned_to() {
            return Err(DomainError::invalid("assign_to", "error-assign-level"));
        }
        if list.iter().any(|a| a.area_id == target.id) {
            return Ok(list);
        }
        let mut after = list.clone();
        after.push(Assignment { person_id: p.id, area_id: target.id, area_path: target.path.clone(), created_at: self.clock.now() });
        self.save_assignments(actor, p, &list, after, "person.assign").await
    }

    /// Takes a person out of one grid (or community) they serve.
    pub async fn unassign_person(&self, actor: &Actor, person_id: Uuid, area_code: &str) -> Result<Vec<Assignment>> {
        let (p, list) = self.person_to_manage(actor, person_id).await?;
        let Some(gone) = list.iter().find(|a| crate::model::Area::path_codes(&a.area_path).last() == Some(&area_code.trim())) else {
            return Ok(list);
        };
        actor.may_in(Permission::ManagePeople, &gone.area_path, "error-area-not-found")?;
        let after = list.iter().filter(|a| a.area_id != gone.area_id).cloned().collect();
        self.save_assignments(actor, p, &list, after, "person.unassign").await
    }

    async fn person_to_manage(&self, actor: &Actor, id: Uuid) -> Result<(Person, Vec<Assignment>)> {
        let p = self.store.person_by_id(id).await?.ok_or(not_found("error-person-not-found"))?;
        actor.may_in(Permission::ManagePeople, &p.area_path, "error-person-not-found")?;
        let assignments = self.store.assignments_of(p.id).await?;
        Ok((p, assignments))
    }

    /// Writes a person's assignments whole, bumping the person's version so that two people
    /// changing them at once cannot silently undo each other.
    async fn save_assignments(&self, actor: &Actor, p: Person, before: &[Assignment], after: Vec<Assignment>, action: &str) -> Result<Vec<Assignment>> {
        let codes = |list: &[Assignment]| -> Vec<String> {
            list.iter().filter_map(|a| crate::model::Area::path_codes(&a.area_path).last().map(|c| c.to_string())).collect()
        };
        let audit = self.audit(
            actor,
            action,
            "person",
            &p.id.to_string(),
            &p.area_path,
            Some(serde_json::json!({ "assigned_to": codes(before) })),
            Some(serde_json::json!({ "assigned_to": codes(&after) })),
        );
        let version = p.version;
        let changed = Person { version: version + 1, updated_at: self.clock.now(), ..p };
        let updates = RegistryUpdates { people: vec![(changed.clone(), version)], assignments: vec![(changed.id, after.clone())], ..Default::default() };
        self.store.apply_import(&RegistryBatch::default(), &updates, &[audit]).await?;
        Ok(after)
    }

    /// Who serves an area, and (for a grid) its duty list: what a grid worker sees of their grid.
    pub async fn serving(&self, actor: &Actor, area_code: &str) -> Result<(Vec<Person>, Vec<String>)> {
        let area = self.area(actor, area_code).await?;
        actor.require(Permission::ViewRegistry)?;
        let people = self.store.people_assigned_to(area.id).await?;
        let duties = self.store.grid_duties(area.id).await?;
        Ok((people, duties))
    }

    pub async fn set_grid_duties(&self, actor: &Actor, grid_code: &str, duties: Vec<String>) -> Result<Vec<String>> {
        let grid = self.area(actor, grid_code).await?;
        actor.may_in(Permission::ManagePeople, &grid.path, "error-area-not-found")?;
        if grid.level != crate::model::AreaLevel::Grid {
            return Err(DomainError::invalid("grid_code", "error-building-grid"));
        }
        if duties.len() > 50 {
            return Err(DomainError::invalid("duties", "error-duties"));
        }
        let duties: Vec<String> = duties
            .iter()
            .map(|d| d.trim())
            .filter(|d| !d.is_empty())
            .map(|d| validate_text("duties", "error-duties", d, 200))
            .collect::<Result<_>>()?;
        let before = self.store.grid_duties(grid.id).await?;
        let audit = self.audit(actor, "grid.duties", "area", grid.code.as_str(), &grid.path, to_json(&before), to_json(&duties));
        self.store.set_grid_duties(grid.id, &duties, &audit).await?;
        Ok(duties)
    }
}
