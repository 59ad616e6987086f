//! Use cases of the area tree.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::{Services, to_json};
use crate::error::{DomainError, Result};
use crate::model::area::{validate_area_name, validate_boundary};
use crate::model::{Area, AreaCode, AreaLevel, NewAudit};
use crate::rules::access::Actor;

#[derive(Debug, Clone, Deserialize)]
pub struct NewArea {
    pub parent_code: String,
    pub code: String,
    pub name: String,
    pub boundary: Option<serde_json::Value>,
}

/// A change to an area; `version` is the version the caller last saw.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct AreaChange {
    pub version: i64,
    pub name: Option<String>,
    pub parent_code: Option<String>,
    pub retired: Option<bool>,
    /// `Some(None)` removes the boundary.
    pub boundary: Option<Option<serde_json::Value>>,
}

/// One row of the national division table (`data/hohhot-divisions-2023.csv`).
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
pub struct DivisionRow {
    pub code: String,
    pub name: String,
    pub level: String,
    pub parent_code: String,
}

/// Community committees are listed by their committee's name (…社区居委会); people call the
/// place by the community's name.
pub fn common_area_name(official: &str) -> String {
    for suffix in ["居民委员会", "居委会", "村民委员会", "村委会"] {
        if let Some(stem) = official.strip_suffix(suffix) {
            if stem.ends_with("社区") || stem.ends_with('村') || stem.ends_with("嘎查") {
                return stem.to_string();
            }
            return format!("{stem}{}", if suffix.starts_with('村') { "村" } else { "社区" });
        }
    }
    official.to_string()
}

fn summary(a: &Area) -> serde_json::Value {
    serde_json::json!({
        "code": a.code, "name": a.name, "level": a.level, "path": a.path,
        "retired": a.retired, "has_boundary": a.boundary.is_some(), "version": a.version,
    })
}

impl Services {
    async fn find_area(&self, actor: &Actor, code: &str) -> Result<Area> {
        let code = AreaCode::parse(code).map_err(|_| DomainError::NotFound("error-area-not-found"))?;
        let area = self.store.area_by_code(code.as_str()).await?.ok_or(DomainError::NotFound("error-area-not-found"))?;
        actor.may_see_area(&area)?;
        Ok(area)
    }

    pub async fn area(&self, actor: &Actor, code: &str) -> Result<Area> {
        self.find_area(actor, code).await
    }

    /// The caller's own home area: where their screens start.
    pub async fn home_area(&self, actor: &Actor) -> Result<Area> {
        self.store.area_by_id(actor.home_area_id).await?.ok_or(DomainError::NotFound("error-area-not-found"))
    }

    pub async fn area_children(&self, actor: &Actor, code: &str, include_retired: bool) -> Result<Vec<Area>> {
        let area = self.find_area(actor, code).await?;
        self.store.area_children(area.id, include_retired).await
    }

    /// Ancestors from the caller's home down to the area, for breadcrumbs; never above scope.
    pub async fn area_trail(&self, actor: &Actor, area: &Area) -> Result<Vec<Area>> {
        let codes: Vec<String> = Area::path_codes(&area.path).iter().map(|s| s.to_string()).collect();
        let mut trail = self.store.areas_by_codes(&codes).await?;
        trail.retain(|a| actor.covers(&a.path));
        trail.sort_by_key(|a| a.path.len());
        Ok(trail)
    }

    pub async fn create_area(&self, actor: &Actor, new: NewArea) -> Result<Area> {
        let parent = self.find_area(actor, &new.parent_code).await?;
        actor.may_create_under(&parent)?;
        if parent.retired {
            return Err(DomainError::Conflict("error-area-parent-retired"));
        }
        // The request is well formed; it is the parent's current state that refuses it.
        let level = parent.level.child().ok_or(DomainError::Conflict("error-area-no-children"))?;
        let code = AreaCode::parse(&new.code)?;
        let name = validate_area_name(&new.name)?;
        let boundary = new.boundary.as_ref().map(validate_boundary).transpose()?;
        if self.store.area_by_code(code.as_str()).await?.is_some() {
            return Err(DomainError::Conflict("error-area-code-taken"));
        }
        let now = self.clock.now();
        let area = Area {
            id: Uuid::now_v7(),
            path: Area::child_path(&parent.path, &code),
            code,
            name,
            level,
            parent_id: Some(parent.id),
            boundary,
            retired: false,
            version: 1,
            created_at: now,
            updated_at: now,
        };
        let audit = self.audit(actor, "area.create", "area", area.code.as_str(), &area.path, None, Some(summary(&area)));
        self.store.insert_areas(std::slice::from_ref(&area), &[audit]).await?;
        Ok(area)
    }

    pub async fn change_area(&self, actor: &Actor, code: &str, change: AreaChange) -> Result<Area> {
        let area = self.find_area(actor, code).await?;
        actor.may_change_area(&area)?;
        if change.version != area.version {
            return Err(DomainError::Conflict("error-stale-version"));
        }
        let mut updated = area.clone();
        if let Some(name) = &change.name {
            updated.name = validate_area_name(name)?;
        }
        if let Some(boundary) = &change.boundary {
            updated.boundary = boundary.as_ref().map(validate_boundary).transpose()?;
        }
        if let Some(retired) = change.retired {
            if retired && !area.retired {
                if self.store.count_active_descendants(&area.path).await? > 0 {
                    return Err(DomainError::Conflict("error-area-has-children"));
                }
                if self.store.count_active_users_in(&area.path).await? > 0 {
                    return Err(DomainError::Conflict("error-area-has-accounts"));
                }
            }
            updated.retired = retired;
        }
        let moving = match &change.parent_code {
            Some(p) if Some(p.as_str()) != self.parent_code(&area) => Some(self.find_area(actor, p).await?),
            _ => None,
        };
        if let Some(parent) = &moving {
            actor.may_create_under(parent)?;
            if parent.level.child() != Some(area.level) {
                return Err(DomainError::Conflict("error-area-move-level"));
            }
            if parent.path.starts_with(&area.path) {
                return Err(DomainError::Conflict("error-area-move-into-self"));
            }
            if parent.retired {
                return Err(DomainError::Conflict("error-area-parent-retired"));
            }
            updated.parent_id = Some(parent.id);
            updated.path = Area::child_path(&parent.path, &area.code);
        }
        if updated == area {
            return Ok(area);
        }
        updated.updated_at = self.clock.now();
        updated.version = area.version + 1;
        let action = match (&moving, change.retired) {
            (Some(_), _) => "area.move",
            (None, Some(true)) if !area.retired => "area.retire",
            (None, Some(false)) if area.retired => "area.restore",
            _ => "area.update",
        };
        let audit =
            self.audit(actor, action, "area", area.code.as_str(), &updated.path, Some(summary(&area)), Some(summary(&updated)));
        if moving.is_some() {
            self.store.move_area(&updated, area.version, &area.path, &audit).await?;
        } else {
            self.store.update_area(&updated, area.version, &audit).await?;
        }
        Ok(updated)
    }

    fn parent_code<'a>(&self, area: &'a Area) -> Option<&'a str> {
        let codes = Area::path_codes(&area.path);
        codes.len().checked_sub(2).map(|i| codes[i])
    }

    /// Loads division rows (parents before children or in any order) below `root_parent`
    /// in one transaction. Existing codes are skipped, so loading twice changes nothing.
    pub async fn import_divisions(&self, actor: &Actor, rows: &[DivisionRow]) -> Result<usize> {
        let fresh = self.plan_divisions(actor, rows).await?;
        let audits: Vec<NewAudit> = fresh
            .iter()
            .map(|a| self.audit(actor, "area.create", "area", a.code.as_str(), &a.path, None, to_json(&summary(a))))
            .collect();
        self.store.insert_areas(&fresh, &audits).await?;
        Ok(fresh.len())
    }

    /// The areas division rows add: parents placed before children whatever the order of
    /// the rows, codes already on record skipped. The command line and the spreadsheet
    /// import share it, so both make the same tree of the same rows.
    pub(crate) async fn plan_divisions(&self, actor: &Actor, rows: &[DivisionRow]) -> Result<Vec<Area>> {
        use std::collections::HashMap;
        let mut by_code: HashMap<String, Area> = HashMap::new();
        let mut pending: Vec<&DivisionRow> = rows.iter().collect();
        pending.sort_by_key(|r| AreaLevel::parse(&r.level).map(|l| l as u8).unwrap_or(u8::MAX));
        let now = self.clock.now();
        let mut fresh = Vec::new();
        for row in pending {
            let level = AreaLevel::parse(&row.level)?;
            let code = AreaCode::parse(&row.code)?;
            if by_code.contains_key(code.as_str()) || self.store.area_by_code(code.as_str()).await?.is_some() {
                continue;
            }
            let parent = match by_code.get(&row.parent_code) {
                Some(p) => Some(p.clone()),
                None => self.store.area_by_code(&row.parent_code).await?,
            };
            let (parent_id, path) = match (&parent, level) {
                (Some(p), _) if p.level.child() == Some(level) => (Some(p.id), Area::child_path(&p.path, &code)),
                (None, AreaLevel::City) => (None, Area::root_path(&code)),
                _ => return Err(DomainError::invalid("parent_code", "error-area-move-level")),
            };
            if !actor.covers(&path) {
                return Err(DomainError::NotFound("error-area-not-found"));
            }
            let area = Area {
                id: Uuid::now_v7(),
                code,
                name: validate_area_name(&common_area_name(&row.name))?,
                level,
                parent_id,
                path,
                boundary: None,
                retired: false,
                version: 1,
                created_at: now,
                updated_at: now,
            };
            by_code.insert(area.code.to_string(), area.clone());
            fresh.push(area);
        }
        Ok(fresh)
    }
}

#[cfg(test)]
mod tests {
    use super::common_area_name;

    #[test]
    fn committee_names_become_place_names() {
        assert_eq!(common_area_name("巴彦淖尔北路社区居委会"), "巴彦淖尔北路社区");
        assert_eq!(common_area_name("什拉门更社区居民委员会"), "什拉门更社区");
        assert_eq!(common_area_name("光明路社区"), "光明路社区");
        assert_eq!(common_area_name("回民区"), "回民区");
        assert_eq!(common_area_name("上土城村村民委员会"), "上土城村");
    }
}
