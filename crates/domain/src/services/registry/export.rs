//! Registry lists taken away as files. What leaves is what the list shows: personal numbers
//! masked. Full ID numbers and phones leave only for a caller with the reveal permission who
//! states a reason, and every export (who, which list, which area, how many rows, why) is in
//! the audit log, because a file outlives the screen it came from.
//!
//! An export is read page by page by key, so a district's residents never sit in memory at
//! once; the caller writes each page out before asking for the next.

use std::collections::HashMap;

use chrono::NaiveDate;
use uuid::Uuid;

use super::people::PERSON_PHONE_FIELD;
use super::residents::{ID_FIELD, PHONE_FIELD, reveal_reason};
use crate::error::Result;
use crate::model::resident::age_on;
use crate::model::{Area, Estate, Household, Person, Protected, Resident};
use crate::ports::{HouseholdQuery, Page, ResidentQuery};
use crate::privacy::Vault;
use crate::rules::access::{Actor, Permission};
use crate::services::Services;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportList {
    Residents,
    Households,
    Estates,
    People,
}

impl ExportList {
    pub fn as_str(self) -> &'static str {
        match self {
            ExportList::Residents => "residents",
            ExportList::Households => "households",
            ExportList::Estates => "estates",
            ExportList::People => "people",
        }
    }

    fn action(self) -> &'static str {
        match self {
            ExportList::Residents => "resident.export",
            ExportList::Households => "household.export",
            ExportList::Estates => "estate.export",
            ExportList::People => "person.export",
        }
    }
}

/// An export under way.
#[derive(Debug, Clone)]
pub struct Export {
    pub list: ExportList,
    /// The area exported, the caller's home area unless they named one.
    pub area: Area,
    actor: Actor,
    reason: Option<String>,
    after: Option<Uuid>,
    done: bool,
    today: NaiveDate,
    /// Rows handed out so far.
    pub rows: usize,
}

impl Export {
    /// Whether full personal numbers are in this export.
    pub fn revealed(&self) -> bool {
        self.reason.is_some()
    }
}

#[derive(Debug, Clone)]
pub struct ExportedResident {
    pub resident: Resident,
    pub grid_code: String,
    pub address: String,
    pub age: u32,
    /// Recorded tags and the computed age groups.
    pub tags: Vec<String>,
    /// Masked, unless the export reveals.
    pub id_number: Option<String>,
    pub phone: Option<String>,
}

#[derive(Debug, Clone)]
pub struct ExportedPerson {
    pub person: Person,
    pub area_code: String,
    /// Masked, unless the export reveals.
    pub phone: Option<String>,
}

#[derive(Debug, Clone)]
pub enum ExportRows {
    Residents(Vec<ExportedResident>),
    Households(Vec<Household>),
    Estates(Vec<Estate>),
    People(Vec<ExportedPerson>),
}

/// Rows per page: large enough that a big export costs few queries, small enough to keep
/// memory flat.
const EXPORT_PAGE: i64 = 1000;

/// The code of the area a path ends in.
pub fn code_of(path: &str) -> String {
    Area::path_codes(path).last().map(|c| c.to_string()).unwrap_or_default()
}

fn shown(vault: Option<&Vault>, field: &str, p: &Option<Protected>) -> Result<Option<String>> {
    match (vault, p) {
        (Some(v), Some(p)) => v.decrypt(field, &p.cipher).map(Some),
        (None, p) => Ok(p.as_ref().map(|p| p.masked.clone())),
        (_, None) => Ok(None),
    }
}

impl Services {
    /// Starts an export of a list in an area of the caller's scope. `reveal_reason`, when
    /// given, asks for full personal numbers: that needs the reveal permission and a reason.
    pub async fn begin_export(&self, actor: &Actor, list: ExportList, area_code: Option<&str>, reveal_reason_given: Option<&str>) -> Result<Export> {
        actor.require(Permission::ViewRegistry)?;
        let area = match area_code.map(str::trim).filter(|c| !c.is_empty()) {
            Some(code) => self.area(actor, code).await?,
            None => self.home_area(actor).await?,
        };
        let reason = match reveal_reason_given {
            Some(r) => {
                actor.may_in(Permission::RevealPersonalData, &area.path, "error-area-not-found")?;
                Some(reveal_reason(r)?.to_string())
            }
            None => None,
        };
        Ok(Export { list, area, actor: actor.clone(), reason, after: None, done: false, today: self.today(), rows: 0 })
    }

    /// The next page of an export, `None` at the end.
    pub async fn export_page(&self, x: &mut Export) -> Result<Option<ExportRows>> {
        if x.done {
            return Ok(None);
        }
        let page = Page { scope_path: x.area.path.clone(), text: None, after: x.after, limit: EXPORT_PAGE };
        let vault = if x.revealed() { Some(self.vault()?) } else { None };
        let (rows, last) = match x.list {
            ExportList::Residents => {
                let list = self.store.residents(&ResidentQuery { page, ..Default::default() }).await?;
                let mut ids: Vec<Uuid> = list.iter().map(|r| r.household_id).collect();
                ids.sort();
                ids.dedup();
                let homes: HashMap<Uuid, Household> = self.store.households_by_ids(&ids).await?.into_iter().map(|h| (h.id, h)).collect();
                let last = list.last().map(|r| r.id);
                let mut out = Vec::with_capacity(list.len());
                for r in list {
                    out.push(ExportedResident {
                        grid_code: code_of(&r.area_path),
                        address: homes.get(&r.household_id).map(|h| h.address.clone()).unwrap_or_default(),
                        age: age_on(r.birth_date, x.today),
                        tags: r.all_tags(x.today),
                        id_number: shown(vault, ID_FIELD, &r.id_number)?,
                        phone: shown(vault, PHONE_FIELD, &r.phone)?,
                        resident: r,
                    });
                }
                (ExportRows::Residents(out), last)
            }
            ExportList::Households => {
                let list = self.store.households(&HouseholdQuery { page, building_id: None }).await?;
                let last = list.last().map(|h| h.id);
                (ExportRows::Households(list), last)
            }
            ExportList::Estates => {
                let list = self.store.estates(&page).await?;
                let last = list.last().map(|e| e.id);
                (ExportRows::Estates(list), last)
            }
            ExportList::People => {
                let list = self.store.people(&page, None).await?;
                let last = list.last().map(|p| p.id);
                let mut out = Vec::with_capacity(list.len());
                for p in list {
                    out.push(ExportedPerson { area_code: code_of(&p.area_path), phone: shown(vault, PERSON_PHONE_FIELD, &p.phone)?, person: p });
                }
                (ExportRows::People(out), last)
            }
        };
        let n = match &rows {
            ExportRows::Residents(v) => v.len(),
            ExportRows::Households(v) => v.len(),
            ExportRows::Estates(v) => v.len(),
            ExportRows::People(v) => v.len(),
        };
        x.rows += n;
        x.after = last;
        x.done = (n as i64) < EXPORT_PAGE;
        Ok(if n == 0 { None } else { Some(rows) })
    }

    /// Records the finished export in the audit log. Callers hand the file out only after
    /// this succeeds, so no file leaves unrecorded.
    pub async fn finish_export(&self, x: &Export) -> Result<()> {
        let after = serde_json::json!({
            "list": x.list.as_str(), "area": x.area.code, "rows": x.rows, "revealed": x.revealed(), "reason": x.reason,
        });
        let audit = self.audit(&x.actor, x.list.action(), "export", x.area.code.as_str(), &x.area.path, None, Some(after));
        self.store.append_audit(&[audit]).await
    }
}
