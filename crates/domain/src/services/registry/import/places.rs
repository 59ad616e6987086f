//! Estates, buildings and their entrances. A row names an estate, a building, or a building
//! in an estate. An estate is its community and name; a building is its estate and name, or,
//! outside any estate, its grid and name. Entrances are numbered 1单元…N单元; a re-import
//! with more entrances adds the missing ones and never removes any.

use std::collections::{HashMap, HashSet};

use uuid::Uuid;

use super::{ImportColumn, Run, Tally, opt, req, words};
use crate::error::Result;
use crate::model::place::validate_text;
use crate::model::{Area, AreaCode, AreaLevel, Building, Entrance, Estate, ImportOutcome};
use crate::ports::{RegistryBatch, RegistryUpdates};
use crate::services::Services;

pub(super) const COLUMNS: &[ImportColumn] = &[
    req("community_code", &["社区代码", "Community code", "社区编码", "community_code"]),
    req("estate", &["小区名称", "Estate", "小区", "estate name"]),
    req("estate_address", &["小区地址", "Estate address", "地址", "address"]),
    opt("building", &["楼栋", "Building", "楼号"]),
    opt("grid_code", &["网格代码", "Grid code", "网格编码", "grid_code"]),
    opt("entrances", &["单元数", "Entrances", "单元数量"]),
    opt("floors", &["层数", "Floors", "楼层数"]),
];

struct Row {
    community: Option<String>,
    estate: Option<String>,
    address: Option<String>,
    building: Option<String>,
    grid: Option<String>,
    entrances: Option<u32>,
    floors: Option<i32>,
}

fn text(run: &mut Run, i: usize, key: &'static str, suffix: &str, message: &'static str, max: usize) -> Option<Option<String>> {
    let raw = run.sheet.get(i, key);
    if raw.is_empty() {
        return Some(None);
    }
    run.check(i, key, validate_text(key, message, &words::numbered(raw, suffix), max)).map(Some)
}

fn code(run: &mut Run, i: usize, key: &'static str, needed: bool) -> Option<Option<String>> {
    let raw = run.sheet.get(i, key).to_string();
    if raw.is_empty() {
        if needed {
            run.problems.cell(run.sheet, i, key, "error-import-required");
            return None;
        }
        return Some(None);
    }
    run.check(i, key, AreaCode::parse(&raw)).map(|c| Some(c.to_string()))
}

fn number(run: &mut Run, i: usize, key: &'static str, range: std::ops::RangeInclusive<i64>, message: &'static str) -> Option<Option<i64>> {
    let raw = run.sheet.get(i, key);
    if raw.is_empty() {
        return Some(None);
    }
    match words::count(raw).filter(|n| range.contains(n)) {
        Some(n) => Some(Some(n)),
        None => {
            run.problems.cell(run.sheet, i, key, message);
            None
        }
    }
}

fn read(run: &mut Run, i: usize) -> Option<Row> {
    let estate = text(run, i, "estate", "", "error-place-name", 64);
    let address = text(run, i, "estate_address", "", "error-address", 128);
    let building = text(run, i, "building", "号楼", "error-place-name", 64);
    let has_estate = matches!(estate, Some(Some(_)));
    let has_building = matches!(building, Some(Some(_)));
    if !has_estate && !has_building && estate.is_some() && building.is_some() {
        run.problems.cell(run.sheet, i, "estate", "error-import-required");
        return None;
    }
    let community = code(run, i, "community_code", has_estate);
    let grid = code(run, i, "grid_code", has_building);
    let entrances = number(run, i, "entrances", 0..=50, "error-entrances");
    let floors = number(run, i, "floors", 1..=200, "error-floors");
    if !has_building && matches!(entrances, Some(Some(n)) if n > 0) {
        run.problems.cell(run.sheet, i, "entrances", "error-import-entrance-building");
        return None;
    }
    Some(Row {
        community: community?,
        estate: estate?,
        address: address?,
        building: building?,
        grid: grid?,
        entrances: entrances?.map(|n| n as u32),
        floors: floors?.map(|n| n as i32),
    })
}

/// A building's identity: its estate and name, or its grid and name outside any estate.
#[derive(Clone, PartialEq, Eq, Hash)]
enum BuildingKey {
    InEstate(Uuid, String, String),
    InGrid(Uuid, String),
}

impl Services {
    pub(super) async fn import_places(&self, run: &mut Run<'_>) -> Result<ImportOutcome> {
        let rows: Vec<Option<Row>> = (0..run.rows()).map(|i| read(run, i)).collect();
        let codes: Vec<String> = rows.iter().flatten().flat_map(|r| [r.community.clone(), r.grid.clone()]).flatten().collect();
        let areas = self.areas_named(codes).await?;
        let mut places: Vec<Option<(Option<Area>, Option<Area>)>> = Vec::with_capacity(rows.len());
        for (i, row) in rows.iter().enumerate() {
            let Some(r) = row else {
                places.push(None);
                continue;
            };
            let community = match &r.community {
                Some(c) => run.area_in_scope(&areas, i, "community_code", c, Some((AreaLevel::Community, "error-estate-community"))).map(Some),
                None => Some(None),
            };
            let grid = match &r.grid {
                Some(g) => run.area_in_scope(&areas, i, "grid_code", g, Some((AreaLevel::Grid, "error-building-grid"))).map(Some),
                None => Some(None),
            };
            if let (Some(Some(c)), Some(Some(g))) = (&community, &grid)
                && !g.path.starts_with(&c.path)
            {
                run.problems.cell(run.sheet, i, "grid_code", "error-building-estate");
            }
            places.push(community.zip(grid));
        }

        // What is on record: estates of each community, buildings of each estate or grid.
        let good = |i: usize| rows[i].as_ref().zip(places[i].as_ref());
        let mut estate_names: HashMap<Uuid, Vec<String>> = HashMap::new();
        let mut building_names: HashMap<String, Vec<String>> = HashMap::new();
        for i in 0..rows.len() {
            let Some((r, (c, g))) = good(i) else { continue };
            if let (Some(c), Some(e)) = (c, &r.estate) {
                estate_names.entry(c.id).or_default().push(e.clone());
            }
            if let Some(b) = &r.building {
                let scope = if r.estate.is_some() { c.as_ref() } else { g.as_ref() };
                if let Some(a) = scope {
                    building_names.entry(a.path.clone()).or_default().push(b.clone());
                }
            }
        }
        let mut estates: HashMap<(Uuid, String), Estate> = HashMap::new();
        for (community, names) in &estate_names {
            for e in self.store.estates_named(*community, names).await? {
                estates.insert((e.area_id, e.name.clone()), e);
            }
        }
        let estate_name: HashMap<Uuid, (Uuid, String)> = estates.values().map(|e| (e.id, (e.area_id, e.name.clone()))).collect();
        let mut buildings: HashMap<BuildingKey, Building> = HashMap::new();
        for (path, names) in &building_names {
            for b in self.store.buildings_named(path, names).await? {
                let key = match b.estate_id.and_then(|e| estate_name.get(&e)) {
                    Some((c, e)) => BuildingKey::InEstate(*c, e.clone(), b.name.clone()),
                    None if b.estate_id.is_none() => BuildingKey::InGrid(b.area_id, b.name.clone()),
                    None => continue,
                };
                buildings.insert(key, b);
            }
        }
        let ids: Vec<Uuid> = buildings.values().map(|b| b.id).collect();
        let mut entrances: HashSet<(Uuid, String)> = self.store.entrances_of_buildings(&ids).await?.into_iter().map(|e| (e.building_id, e.name)).collect();

        // Checks that need the records: a building named twice, a building that would move
        // grid, a new estate without an address anywhere in the file.
        let key_of = |r: &Row, c: &Option<Area>, g: &Option<Area>| -> Option<BuildingKey> {
            let b = r.building.clone()?;
            match (&r.estate, c) {
                (Some(e), Some(c)) => Some(BuildingKey::InEstate(c.id, e.clone(), b)),
                _ => g.as_ref().map(|g| BuildingKey::InGrid(g.id, b)),
            }
        };
        let mut first: HashMap<BuildingKey, usize> = HashMap::new();
        let mut estate_address: HashMap<(Uuid, String), String> = HashMap::new();
        for i in 0..rows.len() {
            let Some((r, (c, g))) = good(i) else { continue };
            if let (Some(c), Some(e), Some(a)) = (c, &r.estate, &r.address) {
                estate_address.entry((c.id, e.clone())).or_insert_with(|| a.clone());
            }
            let Some(key) = key_of(r, c, g) else { continue };
            if let Some(line) = first.get(&key) {
                run.problems.cell_args(run.sheet, i, "building", "error-import-duplicate-in-file", vec![("row", line.to_string())]);
                continue;
            }
            first.insert(key.clone(), run.sheet.rows[i].line);
            if let (Some(b), Some(g)) = (buildings.get(&key), g)
                && b.area_id != g.id
            {
                run.problems.cell(run.sheet, i, "grid_code", "error-import-building-grid");
            }
        }
        for i in 0..rows.len() {
            let Some((r, (Some(c), _))) = good(i) else { continue };
            if let Some(e) = &r.estate {
                let key = (c.id, e.clone());
                if !estates.contains_key(&key) && !estate_address.contains_key(&key) {
                    run.problems.cell(run.sheet, i, "estate_address", "error-import-required");
                }
            }
        }
        run.progress(self, run.rows()).await?;
        if !run.may_write() {
            return Ok(run.rejected());
        }

        let now = self.clock.now();
        let (mut batch, mut updates, mut tally) = (RegistryBatch::default(), RegistryUpdates::default(), Tally::default());
        let mut touched: HashSet<Uuid> = HashSet::new();
        for i in 0..rows.len() {
            let Some((r, (c, g))) = good(i) else { continue };
            if run.problems.is_bad(i) {
                continue;
            }
            let mut created = false;
            let mut changed = false;
            let estate = match (c, &r.estate) {
                (Some(c), Some(name)) => {
                    let key = (c.id, name.clone());
                    let address = estate_address.get(&key).cloned();
                    let e = estates.entry(key).or_insert_with(|| {
                        created = true;
                        let e = Estate {
                            id: Uuid::now_v7(),
                            name: name.clone(),
                            area_id: c.id,
                            area_path: c.path.clone(),
                            address: address.clone().unwrap_or_default(),
                            property_company_id: None,
                            property_station_id: None,
                            version: 1,
                            created_at: now,
                            updated_at: now,
                        };
                        batch.estates.push(e.clone());
                        e
                    });
                    if !created
                        && touched.insert(e.id)
                        && let Some(a) = address.filter(|a| *a != e.address)
                    {
                        let old_version = e.version;
                        e.address = a;
                        e.version += 1;
                        e.updated_at = now;
                        updates.estates.push((e.clone(), old_version));
                        changed = true;
                    }
                    Some(e.clone())
                }
                _ => None,
            };
            if let (Some(key), Some(g)) = (key_of(r, c, g), g) {
                let name = r.building.clone().unwrap_or_default();
                created = false;
                let b = buildings.entry(key).or_insert_with(|| {
                    created = true;
                    let place = estate.as_ref().map(|e| e.name.clone()).or_else(|| r.address.clone()).unwrap_or_default();
                    let b = Building {
                        id: Uuid::now_v7(),
                        estate_id: estate.as_ref().map(|e| e.id),
                        name: name.clone(),
                        area_id: g.id,
                        area_path: g.path.clone(),
                        address: format!("{place}{name}"),
                        floors: r.floors,
                        head_person_id: None,
                        version: 1,
                        created_at: now,
                        updated_at: now,
                    };
                    batch.buildings.push(b.clone());
                    b
                });
                if !created && r.floors.is_some() && r.floors != b.floors {
                    let old_version = b.version;
                    b.floors = r.floors;
                    b.version += 1;
                    b.updated_at = now;
                    updates.buildings.push((b.clone(), old_version));
                    changed = true;
                }
                for n in 1..=r.entrances.unwrap_or(0) {
                    let name = format!("{n}单元");
                    if entrances.insert((b.id, name.clone())) {
                        batch.entrances.push(Entrance { id: Uuid::now_v7(), building_id: b.id, name, head_person_id: None, created_at: now });
                        changed = true;
                    }
                }
            }
            match (created, changed) {
                (true, _) => tally.created += 1,
                (false, true) => tally.updated += 1,
                (false, false) => tally.unchanged += 1,
            }
        }
        run.commit(self, batch, updates, tally).await
    }
}
