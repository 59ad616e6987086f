//! Residents: recording them with their personal data protected, changing them, listing
//! them by name, tag or age group, and revealing a full ID number or phone with a reason.

use chrono::NaiveDate;
use serde::Deserialize;
use uuid::Uuid;

use super::{not_found, page, protect};
use crate::error::{DomainError, Result};
use crate::model::resident::{CHILD, ELDERLY, RECORDED_TAGS, child_born_after, elderly_born_by, validate_tag};
use crate::model::{Protected, Relation, Resident};
use crate::ports::{RegistryBatch, ResidentQuery};
use crate::privacy::{Gender, IdNumber, PersonName, Phone, mask_id, mask_phone};
use crate::rules::access::{Actor, Permission};
use crate::services::Services;

pub const ID_FIELD: &str = "resident.id_number";
pub const PHONE_FIELD: &str = "resident.phone";

#[derive(Debug, Clone, Deserialize)]
pub struct NewResident {
    pub household_id: Uuid,
    pub name: String,
    /// Needed when there is no ID number; otherwise taken from it (and checked if given).
    pub gender: Option<Gender>,
    pub birth_date: Option<NaiveDate>,
    pub id_number: Option<String>,
    pub phone: Option<String>,
    pub relation: String,
    #[serde(default)]
    pub tags: Vec<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct ResidentChange {
    pub version: i64,
    pub name: Option<String>,
    /// An empty string removes the phone.
    pub phone: Option<String>,
    pub relation: Option<String>,
    pub tags: Option<Vec<String>>,
    pub household_id: Option<Uuid>,
    pub moved_out: Option<bool>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RevealField {
    IdNumber,
    Phone,
}

/// Recorded tags: known ones plus custom ones, without the computed age groups, each once.
pub(crate) fn clean_tags(tags: &[String]) -> Result<Vec<String>> {
    let mut out: Vec<String> = Vec::new();
    for t in tags {
        let t = validate_tag(t)?;
        if t == ELDERLY || t == CHILD {
            continue;
        }
        if !out.contains(&t) {
            out.push(t);
        }
    }
    out.sort_by_key(|t| (RECORDED_TAGS.iter().position(|k| k == t).unwrap_or(usize::MAX), t.clone()));
    Ok(out)
}

/// The reason given for seeing full personal data (a reveal, or an export that is not
/// masked): it goes into the audit log, so it must say something, briefly.
pub(crate) fn reveal_reason(reason: &str) -> Result<&str> {
    let reason = reason.trim();
    if reason.chars().count() < 2 || reason.chars().count() > 200 || reason.chars().any(|c| c.is_control()) {
        return Err(DomainError::invalid("reason", "error-reveal-reason"));
    }
    Ok(reason)
}

/// What the audit log keeps of a resident: masked values only.
fn summary(r: &Resident) -> serde_json::Value {
    serde_json::json!({
        "name": r.name, "gender": r.gender, "birth_date": r.birth_date, "relation": r.relation,
        "id_number": r.id_number.as_ref().map(|p| &p.masked), "phone": r.phone.as_ref().map(|p| &p.masked),
        "tags": r.tags, "household_id": r.household_id, "moved_out": r.moved_out,
    })
}

impl Services {
    fn protect_phone(&self, raw: &str) -> Result<Protected> {
        let phone = Phone::parse(raw)?;
        protect(self.vault()?, PHONE_FIELD, phone.as_str(), mask_phone(phone.as_str()))
    }

    pub async fn create_resident(&self, actor: &Actor, new: NewResident) -> Result<Resident> {
        let (household, _) = self.household(actor, new.household_id).await?;
        actor.may_in(Permission::ManageRegistry, &household.area_path, "error-household-not-found")?;
        let name = PersonName::parse(&new.name)?;
        let relation = Relation::parse(&new.relation)?;
        let tags = clean_tags(&new.tags)?;
        let (gender, birth_date, id_number) = match new.id_number.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
            Some(raw) => {
                let id = IdNumber::parse(raw)?;
                if new.birth_date.is_some_and(|d| d != id.birth_date()) {
                    return Err(DomainError::invalid("birth_date", "error-id-birth-mismatch"));
                }
                if new.gender.is_some_and(|g| g != id.gender()) {
                    return Err(DomainError::invalid("gender", "error-id-gender-mismatch"));
                }
                let protected = protect(self.vault()?, ID_FIELD, id.as_str(), mask_id(id.as_str()))?;
                if self.store.resident_by_id_hash(&protected.hash).await?.is_some() {
                    return Err(DomainError::Conflict("error-resident-duplicate"));
                }
                (id.gender(), id.birth_date(), Some(protected))
            }
            None => (
                new.gender.ok_or(DomainError::invalid("gender", "error-gender-needed"))?,
                new.birth_date.ok_or(DomainError::invalid("birth_date", "error-birth-date-needed"))?,
                None,
            ),
        };
        if birth_date > self.today() {
            return Err(DomainError::invalid("birth_date", "error-birth-date-future"));
        }
        let phone = new.phone.as_deref().map(str::trim).filter(|s| !s.is_empty()).map(|p| self.protect_phone(p)).transpose()?;
        let now = self.clock.now();
        let resident = Resident {
            id: Uuid::now_v7(),
            household_id: household.id,
            area_path: household.area_path.clone(),
            name: name.as_str().to_string(),
            gender,
            birth_date,
            relation,
            id_number,
            phone,
            tags,
            moved_out: false,
            version: 1,
            created_at: now,
            updated_at: now,
        };
        let audit = self.audit(actor, "resident.create", "resident", &resident.id.to_string(), &resident.area_path, None, Some(summary(&resident)));
        let batch = RegistryBatch { residents: vec![resident.clone()], ..Default::default() };
        self.store.insert_registry(&batch, &[audit]).await.map_err(|e| match e {
            // Two intakes of the same person at once: the unique index decides.
            DomainError::Conflict(_) => DomainError::Conflict("error-resident-duplicate"),
            other => other,
        })?;
        Ok(resident)
    }

    pub async fn resident(&self, actor: &Actor, id: Uuid) -> Result<Resident> {
        let r = self.store.resident_by_id(id).await?.ok_or(not_found("error-resident-not-found"))?;
        actor.may_in(Permission::ViewRegistry, &r.area_path, "error-resident-not-found")?;
        Ok(r)
    }

    pub async fn change_resident(&self, actor: &Actor, id: Uuid, change: ResidentChange) -> Result<Resident> {
        let current = self.resident(actor, id).await?;
        actor.may_in(Permission::ManageRegistry, &current.area_path, "error-resident-not-found")?;
        if change.version != current.version {
            return Err(DomainError::Conflict("error-stale-version"));
        }
        let mut r = current.clone();
        if let Some(n) = &change.name {
            r.name = PersonName::parse(n)?.as_str().to_string();
        }
        if let Some(p) = &change.phone {
            r.phone = if p.trim().is_empty() { None } else { Some(self.protect_phone(p)?) };
        }
        if let Some(rel) = &change.relation {
            r.relation = Relation::parse(rel)?;
        }
        if let Some(tags) = &change.tags {
            r.tags = clean_tags(tags)?;
        }
        if let Some(moved) = change.moved_out {
            r.moved_out = moved;
        }
        if let Some(h) = change.household_id.filter(|h| *h != current.household_id) {
            let (household, _) = self.household(actor, h).await?;
            actor.may_in(Permission::ManageRegistry, &household.area_path, "error-household-not-found")?;
            r.household_id = household.id;
            r.area_path = household.area_path;
        }
        if r == current {
            return Ok(current);
        }
        r.version += 1;
        r.updated_at = self.clock.now();
        let audit = self.audit(actor, "resident.update", "resident", &id.to_string(), &r.area_path, Some(summary(&current)), Some(summary(&r)));
        self.store.update_resident(&r, current.version, &audit).await?;
        Ok(r)
    }

    /// Residents in an area of the caller's scope, by name, tag (recorded, or `elderly` /
    /// `child` computed from the birth date), household.
    pub async fn residents(
        &self,
        actor: &Actor,
        area_code: Option<&str>,
        name: Option<String>,
        tag: Option<String>,
        household_id: Option<Uuid>,
        after: Option<Uuid>,
        limit: i64,
    ) -> Result<Vec<Resident>> {
        actor.require(Permission::ViewRegistry)?;
        let area = match area_code {
            Some(code) => Some(self.area(actor, code).await?),
            None => None,
        };
        let today = self.today();
        let mut q = ResidentQuery { page: page(actor, area.as_ref(), name, after, limit), household_id, ..Default::default() };
        match tag.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
            Some(ELDERLY) => q.born_by = Some(elderly_born_by(today)),
            Some(CHILD) => q.born_after = Some(child_born_after(today)),
            Some(t) => q.tag = Some(validate_tag(t)?),
            None => {}
        }
        self.store.residents(&q).await
    }

    /// The full value of a protected field. Needs the permission and a reason; the reveal
    /// (who, when, which field, why — never the value) goes to the audit log first.
    pub async fn reveal(&self, actor: &Actor, id: Uuid, field: RevealField, reason: &str) -> Result<String> {
        let r = self.resident(actor, id).await?;
        actor.may_in(Permission::RevealPersonalData, &r.area_path, "error-resident-not-found")?;
        let reason = reveal_reason(reason)?;
        let (stored, name, field_name) = match field {
            RevealField::IdNumber => (&r.id_number, ID_FIELD, "id_number"),
            RevealField::Phone => (&r.phone, PHONE_FIELD, "phone"),
        };
        let stored = stored.as_ref().ok_or(not_found("error-value-not-recorded"))?;
        let value = self.vault()?.decrypt(name, &stored.cipher)?;
        let audit = self.audit(
            actor,
            "resident.reveal",
            "resident",
            &id.to_string(),
            &r.area_path,
            None,
            Some(serde_json::json!({ "field": field_name, "reason": reason })),
        );
        self.store.append_audit(&[audit]).await?;
        Ok(value)
    }

    /// Today in Asia/Shanghai, for ages.
    pub fn today(&self) -> NaiveDate {
        self.clock.now().with_timezone(&chrono_tz::Asia::Shanghai).date_naive()
    }
}
