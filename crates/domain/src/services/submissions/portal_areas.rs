//! Where a resident says a matter lies, chosen step by step: district → street → community →
//! grid (optional). A city has thousands of communities and grids, which no one can pick from
//! one list on a phone; each step lists only the children of the choice before it. Only codes,
//! names and levels leave here: they are public facts, written on every office's door.

use crate::error::{DomainError, Result};
use crate::model::{Area, AreaLevel};
use crate::services::Services;

/// One step of the choice: what may be chosen there and what is.
#[derive(Debug, Clone)]
pub struct AreaStep {
    /// The step's place in the chain; its options are the children of the step before.
    pub level: AreaLevel,
    pub options: Vec<Area>,
    pub chosen: Option<Area>,
}

/// The codes a form or a link sent, one per step. `area` is the community's, but may also be a
/// grid's: links, older forms and the tests send that one field alone.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct AreaPicks {
    pub district: String,
    pub street: String,
    pub area: String,
    pub grid: String,
}

/// The steps as far as the picks reach, and the first pick that could not be used, if any:
/// the steps above it stay chosen, so the form comes back with what was good in it.
#[derive(Debug)]
pub struct AreaSteps {
    pub steps: Vec<AreaStep>,
    pub deepest: Option<Area>,
    pub problem: Option<DomainError>,
}

impl AreaSteps {
    /// The chosen area, if it is one a matter may be placed in without coordinates.
    pub fn place(&self) -> Option<&Area> {
        self.deepest.as_ref().filter(|a| matches!(a.level, AreaLevel::Community | AreaLevel::Grid))
    }
}

const STEPS: [AreaLevel; 4] = [AreaLevel::District, AreaLevel::Street, AreaLevel::Community, AreaLevel::Grid];

/// The levels each posted field may name.
fn allowed(field: &str) -> &'static [AreaLevel] {
    match field {
        "district" => &[AreaLevel::District],
        "street" => &[AreaLevel::Street],
        "grid" => &[AreaLevel::Grid],
        _ => &[AreaLevel::Community, AreaLevel::Grid],
    }
}

impl Services {
    /// An active area by a code someone typed or posted. A malformed code and a wrong level
    /// are invalid input; an unknown or retired one is not found.
    pub async fn portal_area(&self, field: &'static str, code: &str, levels: &[AreaLevel]) -> Result<Area> {
        let code = crate::model::AreaCode::parse(code).map_err(|_| DomainError::invalid(field, "error-portal-area-code"))?;
        let area = self.store.area_by_code(code.as_str()).await?.filter(|a| !a.retired).ok_or(DomainError::NotFound("error-portal-area-unknown"))?;
        if !levels.is_empty() && !levels.contains(&area.level) {
            return Err(DomainError::invalid(field, "error-portal-area-level"));
        }
        Ok(area)
    }

    /// What may be chosen under `parent` (an area's code), or the districts without one.
    pub async fn portal_area_options(&self, parent: Option<&str>) -> Result<(Option<Area>, Vec<Area>)> {
        let Some(code) = parent.map(str::trim).filter(|c| !c.is_empty()) else {
            return Ok((None, self.store.active_areas_at_level(AreaLevel::District).await?));
        };
        let parent = self.portal_area("parent", code, &[AreaLevel::City, AreaLevel::District, AreaLevel::Street, AreaLevel::Community]).await?;
        let children = self.store.area_children(parent.id, false).await?;
        Ok((Some(parent), children))
    }

    /// Resolves the picks from the top down. A pick counts only if it lies under the one
    /// before: without JavaScript the form posts every select, so a changed district still
    /// sends the street chosen under the old one, which must then be dropped, not win.
    pub async fn portal_area_steps(&self, picks: &AreaPicks) -> Result<AreaSteps> {
        let mut deepest: Option<Area> = None;
        let mut problem = None;
        for (field, code) in [("district", &picks.district), ("street", &picks.street), ("area", &picks.area), ("grid", &picks.grid)] {
            if code.trim().is_empty() {
                continue;
            }
            let area = match self.portal_area(field, code, allowed(field)).await {
                Ok(a) => a,
                Err(DomainError::Internal(e)) => return Err(DomainError::Internal(e)),
                Err(e) => {
                    problem = Some(e);
                    break;
                }
            };
            if deepest.as_ref().is_some_and(|d| !area.path.starts_with(&d.path)) {
                break;
            }
            deepest = Some(area);
        }
        let mut steps = Vec::new();
        let mut options = self.store.active_areas_at_level(AreaLevel::District).await?;
        for level in STEPS {
            if options.is_empty() {
                break;
            }
            let chosen = deepest.as_ref().and_then(|d| options.iter().find(|o| d.path.starts_with(&o.path)).cloned());
            let next = match &chosen {
                Some(c) if level != AreaLevel::Grid => self.store.area_children(c.id, false).await?,
                _ => Vec::new(),
            };
            let done = chosen.is_none();
            steps.push(AreaStep { level, options, chosen });
            if done {
                break;
            }
            options = next;
        }
        Ok(AreaSteps { steps, deepest, problem })
    }
}
