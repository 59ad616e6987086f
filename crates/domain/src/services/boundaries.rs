//! Area boundaries: importing the boundaries a GIS tool drew, as one GeoJSON FeatureCollection,
//! and what a map page of an area draws.
//!
//! Boundaries are stored and served as WGS84. Files traced on Chinese web maps hold GCJ-02
//! instead, and nothing in a file says which it is: we take what we are given as WGS84 and
//! convert nothing (see `rules::boundary` for why and what that means on the map).

use std::collections::{HashMap, HashSet};

use serde::Serialize;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use super::Services;
use crate::error::{DomainError, Result};
use crate::model::{Area, AreaCode};
use crate::ports::BoundaryChange;
use crate::rules::access::{Actor, Permission};
use crate::rules::boundary::{CheckedGeometry, check_geometry};

/// Features one import may carry; a whole city's grids are a few thousand.
pub const MAX_FEATURES: usize = 10_000;
/// Where a feature's area code is looked for when the caller names no property: our own
/// name, and the column name Chinese grid registers use.
pub const CODE_PROPERTIES: [&str; 2] = ["code", "网格代码"];

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum BoundaryOutcome {
    /// The area had no boundary.
    Added,
    Replaced,
    /// The same boundary was already stored: nothing written, nothing audited.
    Unchanged,
}

/// A feature that passed every check.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BoundaryArea {
    /// Position of the feature in the collection, from 0.
    pub index: usize,
    pub code: String,
    pub name: String,
    pub positions: usize,
    pub outcome: BoundaryOutcome,
}

/// A feature that did not; `key` is the message key, `detail` a language-neutral pointer
/// to the spot (a position, a type name).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BoundaryProblem {
    pub index: usize,
    pub code: Option<String>,
    pub key: &'static str,
    pub detail: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BoundaryReport {
    pub features: usize,
    /// Whether the boundaries were saved, which happens only when no feature has a problem.
    pub written: bool,
    pub areas: Vec<BoundaryArea>,
    pub problems: Vec<BoundaryProblem>,
}

/// What an area's map shows: the area and its active children (with or without boundaries,
/// so that a page can list what is still missing).
#[derive(Debug, Clone, PartialEq)]
pub struct AreaMap {
    pub area: Area,
    pub children: Vec<Area>,
}

fn invalid(field: &'static str, key: &'static str) -> DomainError {
    DomainError::invalid(field, key)
}

/// The collection's features, or why the body is not one.
fn feature_list(geojson: &Value) -> Result<&Vec<Value>> {
    let features = match (geojson.get("type").and_then(Value::as_str), geojson.get("features")) {
        (Some("FeatureCollection"), Some(Value::Array(f))) => f,
        _ => return Err(invalid("body", "error-boundary-collection")),
    };
    if features.is_empty() {
        return Err(invalid("features", "error-boundary-empty"));
    }
    if features.len() > MAX_FEATURES {
        return Err(invalid("features", "error-boundary-too-many-features"));
    }
    Ok(features)
}

/// The area code a feature carries: text, or a whole number as spreadsheets export codes.
fn feature_code(feature: &Value, property: Option<&str>) -> Option<String> {
    let props = feature.get("properties")?;
    let value = match property {
        Some(p) => props.get(p)?,
        None => CODE_PROPERTIES.iter().find_map(|p| props.get(*p))?,
    };
    match value {
        Value::String(s) => Some(s.trim().to_string()).filter(|s| !s.is_empty()),
        Value::Number(n) if n.is_u64() => Some(n.to_string()),
        _ => None,
    }
}

/// Why a feature was refused: the code it carries (if any), the message key, the detail.
type Refusal = (Option<String>, &'static str, Option<String>);

fn read_feature(feature: &Value, property: Option<&str>) -> Result<(String, CheckedGeometry), Refusal> {
    if feature.get("type").and_then(Value::as_str) != Some("Feature") {
        return Err((None, "error-boundary-not-feature", None));
    }
    let code = feature_code(feature, property).ok_or((None, "error-boundary-no-code", None))?;
    let checked = check_geometry(feature.get("geometry").unwrap_or(&Value::Null)).map_err(|p| (Some(code.clone()), p.key, p.detail))?;
    Ok((code, checked))
}

/// What the audit log keeps of a boundary: enough to tell which one it was without storing
/// tens of thousands of positions per row.
fn fingerprint(geometry: &Value) -> Value {
    json!({"type": geometry.get("type"), "sha256": hex::encode(Sha256::digest(geometry.to_string().as_bytes()))})
}

impl Services {
    /// Sets the boundaries of the areas a GeoJSON FeatureCollection names, one feature per
    /// area, the code in the property `code_property` (else `code`, else `网格代码`).
    ///
    /// Every feature is checked before anything is written: geometry (see `rules::boundary`),
    /// the code, and that the area is one the caller may change. Problems are reported per
    /// feature; if there is any, nothing is written. Otherwise all boundaries land in one
    /// transaction with one `area.boundary` audit row per changed area.
    ///
    /// Coordinates are stored as given and served as WGS84; GCJ-02 input (from Chinese web
    /// map tools) is not detected or converted.
    pub async fn import_boundaries(&self, actor: &Actor, geojson: Value, code_property: Option<&str>) -> Result<BoundaryReport> {
        actor.require(Permission::ManageAreas)?;
        let property = match code_property.map(str::trim).filter(|p| !p.is_empty()) {
            Some(p) if p.chars().count() > 64 => return Err(invalid("code_property", "error-boundary-code-property")),
            other => other,
        };
        let features = feature_list(&geojson)?;
        let mut problems = Vec::new();
        let mut parsed = Vec::new();
        let mut seen = HashSet::new();
        for (index, feature) in features.iter().enumerate() {
            match read_feature(feature, property) {
                Err((code, key, detail)) => problems.push(BoundaryProblem { index, code, key, detail }),
                Ok((code, _)) if !seen.insert(code.clone()) => {
                    problems.push(BoundaryProblem { index, code: Some(code), key: "error-boundary-duplicate-code", detail: None })
                }
                Ok((code, checked)) => parsed.push((index, code, checked)),
            }
        }

        let codes: Vec<String> = parsed.iter().filter(|p| AreaCode::parse(&p.1).is_ok()).map(|p| p.1.clone()).collect();
        let mut found: HashMap<String, Area> = HashMap::new();
        for chunk in codes.chunks(500) {
            found.extend(self.store.areas_by_codes(chunk).await?.into_iter().map(|a| (a.code.to_string(), a)));
        }
        let mut planned = Vec::new();
        for (index, code, checked) in parsed {
            // Unknown and out of scope read the same, so an import cannot probe for areas.
            let Some(area) = found.remove(&code).filter(|a| actor.covers(&a.path)) else {
                problems.push(BoundaryProblem { index, code: Some(code), key: "error-area-not-found", detail: None });
                continue;
            };
            if let Err(e) = actor.may_change_area(&area) {
                problems.push(BoundaryProblem { index, code: Some(code), key: e.code(), detail: None });
                continue;
            }
            planned.push((index, area, checked));
        }
        problems.sort_by_key(|p| p.index);

        let now = self.clock.now();
        let mut report = BoundaryReport { features: features.len(), written: false, areas: Vec::new(), problems };
        let (mut changes, mut audits) = (Vec::new(), Vec::new());
        for (index, area, checked) in planned {
            let outcome = match &area.boundary {
                None => BoundaryOutcome::Added,
                Some(old) if *old == checked.geometry => BoundaryOutcome::Unchanged,
                Some(_) => BoundaryOutcome::Replaced,
            };
            let code = area.code.to_string();
            report.areas.push(BoundaryArea { index, code: code.clone(), name: area.name.clone(), positions: checked.positions, outcome });
            if outcome == BoundaryOutcome::Unchanged {
                continue;
            }
            let mut after = fingerprint(&checked.geometry);
            after["positions"] = json!(checked.positions);
            after["bbox"] = json!(checked.bbox);
            let before = area.boundary.as_ref().map(fingerprint);
            audits.push(self.audit(actor, "area.boundary", "area", &code, &area.path, before, Some(after)));
            changes.push(BoundaryChange { area_id: area.id, boundary: Some(checked.geometry), version: area.version + 1, updated_at: now });
        }
        if !report.problems.is_empty() {
            return Ok(report);
        }
        self.store.set_boundaries(&changes, &audits).await?;
        report.written = true;
        Ok(report)
    }

    /// An area and its active children, for its map page. Scoped like every read.
    pub async fn area_map(&self, actor: &Actor, code: &str) -> Result<AreaMap> {
        let area = self.area(actor, code).await?;
        let children = self.store.area_children(area.id, false).await?;
        Ok(AreaMap { area, children })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_come_from_the_named_property_or_the_usual_ones() {
        let f = json!({"type": "Feature", "properties": {"code": " 150103003030 ", "网格代码": "X", "gid": 150103003030u64}});
        assert_eq!(feature_code(&f, None).as_deref(), Some("150103003030"));
        assert_eq!(feature_code(&f, Some("gid")).as_deref(), Some("150103003030"));
        assert_eq!(feature_code(&f, Some("missing")), None);
        let chinese = json!({"type": "Feature", "properties": {"网格代码": "150103003030G01"}});
        assert_eq!(feature_code(&chinese, None).as_deref(), Some("150103003030G01"));
        assert_eq!(feature_code(&json!({"type": "Feature", "properties": {"code": 1.5}}), None), None);
        assert_eq!(feature_code(&json!({"type": "Feature", "properties": null}), None), None);
    }

    #[test]
    fn only_feature_collections_are_taken() {
        assert_eq!(feature_list(&json!({"type": "Polygon", "coordinates": []})).unwrap_err().code(), "error-boundary-collection");
        assert_eq!(feature_list(&json!([1, 2])).unwrap_err().code(), "error-boundary-collection");
        assert_eq!(feature_list(&json!({"type": "FeatureCollection", "features": []})).unwrap_err().code(), "error-boundary-empty");
        let many = json!({"type": "FeatureCollection", "features": vec![json!(null); MAX_FEATURES + 1]});
        assert_eq!(feature_list(&many).unwrap_err().code(), "error-boundary-too-many-features");
    }
}
