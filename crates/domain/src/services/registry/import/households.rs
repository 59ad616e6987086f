//! Households and residents from one sheet, a resident per row. A household is its grid and
//! full address (地址 + 楼栋 + 单元 + 房号); a resident with an ID number is that number, and
//! one without is their name within the household. A building or entrance named in a row
//! and not yet on record is created in the row's grid, so the building page lists who lives
//! there. An empty cell never erases what is on record: offices often send partial sheets.

use std::collections::HashMap;

use chrono::NaiveDate;
use uuid::Uuid;

use super::{ImportColumn, Run, Tally, opt, req, words};
use crate::error::Result;
use crate::model::place::validate_text;
use crate::model::{AreaCode, AreaLevel, Building, Entrance, Household, ImportOutcome, Relation, Resident};
use crate::ports::{RegistryBatch, RegistryUpdates};
use crate::privacy::{Gender, IdNumber, PersonName, Phone, mask_id, mask_phone};
use crate::services::Services;
use crate::services::registry::protect;
use crate::services::registry::residents::{ID_FIELD, PHONE_FIELD, clean_tags};

pub(super) const COLUMNS: &[ImportColumn] = &[
    req("grid_code", &["网格代码", "Grid code", "网格编码", "网格编号", "grid_code", "grid"]),
    req("address", &["地址", "Address", "住址", "家庭住址"]),
    opt("building", &["楼栋", "Building", "楼号", "楼栋号"]),
    opt("entrance", &["单元", "Entrance", "单元号", "unit"]),
    opt("room", &["房号", "Room", "房间号", "门牌号"]),
    req("name", &["姓名", "Name"]),
    req("id_number", &["身份证号", "ID number", "身份证号码", "公民身份号码", "id_number"]),
    opt("gender", &["性别", "Gender", "sex"]),
    opt("birth_date", &["出生日期", "Birth date", "出生年月日", "date of birth", "birth_date"]),
    opt("phone", &["电话", "Phone", "联系电话", "手机", "手机号码", "mobile"]),
    req("relation", &["与户主关系", "Relation to head", "关系", "relation"]),
    opt("tags", &["标签", "Tags", "人员类别"]),
];

/// A row that passed every check of its own.
struct Row {
    grid: String,
    street: String,
    building: Option<String>,
    entrance: Option<String>,
    room: Option<String>,
    address: String,
    name: String,
    id: Option<IdNumber>,
    gender: Gender,
    birth: NaiveDate,
    phone: Option<Phone>,
    relation: Relation,
    /// `None`: the cell is empty, keep what is recorded.
    tags: Option<Vec<String>>,
}

fn optional_text(run: &mut Run, i: usize, key: &'static str, suffix: &str, message: &'static str, max: usize) -> Option<Option<String>> {
    let raw = run.sheet.get(i, key);
    if raw.is_empty() {
        return Some(None);
    }
    run.check(i, key, validate_text(key, message, &words::numbered(raw, suffix), max)).map(Some)
}

/// Checks one row on its own; every problem is recorded, not just the first.
fn read(run: &mut Run, i: usize, today: NaiveDate) -> Option<Row> {
    let grid = run.required(i, "grid_code").map(str::to_string);
    let grid = grid.and_then(|g| run.check(i, "grid_code", AreaCode::parse(&g))).map(|c| c.to_string());
    let street = run.required(i, "address").map(str::to_string);
    let street = street.and_then(|a| run.check(i, "address", validate_text("address", "error-address", &a, 128)));
    let building = optional_text(run, i, "building", "号楼", "error-place-name", 64);
    let entrance = optional_text(run, i, "entrance", "单元", "error-place-name", 16);
    let room = optional_text(run, i, "room", "", "error-room", 16);
    if matches!((&building, &entrance), (Some(None), Some(Some(_)))) {
        run.problems.cell(run.sheet, i, "entrance", "error-import-entrance-building");
    }
    let name = run.required(i, "name").map(str::to_string);
    let name = name.and_then(|n| run.check(i, "name", PersonName::parse(&n))).map(PersonName::into_string);

    let raw_id = run.sheet.get(i, "id_number").to_string();
    let id = match raw_id.is_empty() {
        true => Some(None),
        false => run.check(i, "id_number", IdNumber::parse_as_of(&raw_id, today)).map(Some),
    };
    let gender_cell = run.sheet.get(i, "gender").to_string();
    let gender = match gender_cell.is_empty() {
        true => Some(None),
        false => words::gender(&gender_cell).map(Some).or_else(|| {
            run.problems.cell(run.sheet, i, "gender", "error-gender");
            None
        }),
    };
    let birth_cell = run.sheet.get(i, "birth_date").to_string();
    let birth = match birth_cell.is_empty() {
        true => Some(None),
        false => words::date(&birth_cell).map(Some).or_else(|| {
            run.problems.cell(run.sheet, i, "birth_date", "error-date");
            None
        }),
    };
    let (gender, birth) = match (&id, gender, birth) {
        (Some(Some(id)), Some(g), Some(b)) => {
            let g_ok = g.is_none_or(|g| g == id.gender());
            let b_ok = b.is_none_or(|b| b == id.birth_date());
            if !g_ok {
                run.problems.cell(run.sheet, i, "gender", "error-id-gender-mismatch");
            }
            if !b_ok {
                run.problems.cell(run.sheet, i, "birth_date", "error-id-birth-mismatch");
            }
            (g_ok.then_some(id.gender()), b_ok.then_some(id.birth_date()))
        }
        (Some(None), g, b) => {
            if g == Some(None) {
                run.problems.cell(run.sheet, i, "gender", "error-gender-needed");
            }
            if b == Some(None) {
                run.problems.cell(run.sheet, i, "birth_date", "error-birth-date-needed");
            }
            (g.flatten(), b.flatten())
        }
        _ => (None, None),
    };
    let birth = birth.filter(|b| {
        let ok = *b <= today;
        if !ok {
            run.problems.cell(run.sheet, i, "birth_date", "error-birth-date-future");
        }
        ok
    });
    let phone_cell = run.sheet.get(i, "phone").to_string();
    let phone = match phone_cell.is_empty() {
        true => Some(None),
        false => run.check(i, "phone", Phone::parse(&phone_cell)).map(Some),
    };
    let relation = run.required(i, "relation").map(str::to_string).and_then(|r| {
        words::relation(&r).or_else(|| {
            run.problems.cell(run.sheet, i, "relation", "error-relation");
            None
        })
    });
    let tags_cell = run.sheet.get(i, "tags").to_string();
    let tags = match tags_cell.is_empty() {
        true => Some(None),
        false => {
            let named: Vec<String> = words::items(&tags_cell).iter().map(|t| words::tag(t).map(str::to_string).unwrap_or_else(|| t.to_string())).collect();
            run.check(i, "tags", clean_tags(&named)).map(Some)
        }
    };

    let (building, entrance, room) = (building?, entrance?, room?);
    let street = street?;
    let address: String = [Some(street.as_str()), building.as_deref(), entrance.as_deref(), room.as_deref()].into_iter().flatten().collect();
    if address.chars().count() > 128 {
        run.problems.cell(run.sheet, i, "address", "error-address");
        return None;
    }
    Some(Row {
        grid: grid?,
        street,
        entrance: entrance.filter(|_| building.is_some()),
        building,
        room,
        address,
        name: name?,
        id: id?,
        gender: gender?,
        birth: birth?,
        phone: phone?,
        relation: relation?,
        tags: tags?,
    })
}

impl Services {
    pub(super) async fn import_households(&self, run: &mut Run<'_>) -> Result<ImportOutcome> {
        let today = self.today();
        let vault = self.vault()?;
        let mut rows: Vec<Option<Row>> = Vec::with_capacity(run.rows());
        // Grid codes are checked even on rows with other problems, so that the report has
        // every problem of every row.
        let mut codes: Vec<Option<String>> = Vec::with_capacity(run.rows());
        for i in 0..run.rows() {
            codes.push(AreaCode::parse(run.sheet.get(i, "grid_code")).ok().map(|c| c.to_string()));
            rows.push(read(run, i, today));
            if i % 1000 == 999 {
                run.progress(self, i + 1).await?;
            }
        }

        // The grids named, each checked against the caller's scope.
        let areas = self.areas_named(codes.iter().flatten().cloned().collect()).await?;
        let mut grid_of: Vec<Option<crate::model::Area>> = vec![None; rows.len()];
        for (i, code) in codes.iter().enumerate() {
            if let Some(code) = code {
                grid_of[i] = run.area_in_scope(&areas, i, "grid_code", code, Some((AreaLevel::Grid, "error-building-grid")));
            }
        }

        // The same person twice in one file: the later row is the mistake.
        let mut first: HashMap<String, usize> = HashMap::new();
        for (i, row) in rows.iter().enumerate() {
            let Some(r) = row else { continue };
            let key = match &r.id {
                Some(id) => id.as_str().to_string(),
                None => format!("{}\u{0}{}\u{0}{}", r.grid, r.address, r.name),
            };
            match first.get(&key) {
                Some(line) => {
                    let column = if r.id.is_some() { "id_number" } else { "name" };
                    run.problems.cell_args(run.sheet, i, column, "error-import-duplicate-in-file", vec![("row", line.to_string())]);
                }
                None => {
                    first.insert(key, run.sheet.rows[i].line);
                }
            }
        }

        // What is on record: residents by ID number, households by address, buildings by name.
        let hashes: Vec<Option<String>> = rows.iter().map(|r| r.as_ref().and_then(|r| r.id.as_ref()).map(|id| vault.blind_index(ID_FIELD, id.as_str()))).collect();
        let wanted: Vec<String> = hashes.iter().flatten().cloned().collect();
        let by_hash: HashMap<String, Resident> =
            self.store.residents_by_id_hashes(&wanted).await?.into_iter().filter_map(|r| Some((r.id_number.as_ref()?.hash.clone(), r))).collect();
        for (i, h) in hashes.iter().enumerate() {
            if let Some(r) = h.as_ref().and_then(|h| by_hash.get(h))
                && !run.actor.covers(&r.area_path)
            {
                run.problems.cell(run.sheet, i, "id_number", "error-import-resident-elsewhere");
            }
        }
        let mut addresses: HashMap<Uuid, (String, Vec<String>)> = HashMap::new();
        let mut building_names: HashMap<Uuid, (String, Vec<String>)> = HashMap::new();
        for (i, r) in rows.iter().enumerate() {
            if let (Some(r), Some(g)) = (r, &grid_of[i]) {
                addresses.entry(g.id).or_insert_with(|| (g.path.clone(), Vec::new())).1.push(r.address.clone());
                if let Some(b) = &r.building {
                    building_names.entry(g.id).or_insert_with(|| (g.path.clone(), Vec::new())).1.push(b.clone());
                }
            }
        }
        let mut households: HashMap<(Uuid, String), Household> = HashMap::new();
        for (grid, (_, list)) in &mut addresses {
            list.sort();
            list.dedup();
            for h in self.store.households_at(*grid, list).await? {
                households.insert((h.area_id, h.address.clone()), h);
            }
        }
        let mut buildings: HashMap<(Uuid, String), Building> = HashMap::new();
        for (grid, (path, list)) in &mut building_names {
            list.sort();
            list.dedup();
            for b in self.store.buildings_named(path, list).await?.into_iter().filter(|b| b.area_id == *grid) {
                buildings.entry((b.area_id, b.name.clone())).or_insert(b);
            }
        }
        let building_ids: Vec<Uuid> = buildings.values().map(|b| b.id).collect();
        let mut entrances: HashMap<(Uuid, String), Entrance> =
            self.store.entrances_of_buildings(&building_ids).await?.into_iter().map(|e| ((e.building_id, e.name.clone()), e)).collect();
        // Residents without an ID number are found by name, in the households they name.
        let mut known: Vec<Uuid> = rows
            .iter()
            .zip(&grid_of)
            .filter_map(|(r, g)| Some((r.as_ref()?, g.as_ref()?)))
            .filter(|(r, _)| r.id.is_none())
            .filter_map(|(r, g)| households.get(&(g.id, r.address.clone())).map(|h| h.id))
            .collect();
        known.sort();
        known.dedup();
        let by_name: HashMap<(Uuid, String), Resident> =
            self.store.residents_of_households(&known).await?.into_iter().map(|r| ((r.household_id, r.name.clone()), r)).collect();
        run.progress(self, run.rows()).await?;
        if !run.may_write() {
            return Ok(run.rejected());
        }

        let now = self.clock.now();
        let (mut batch, mut updates, mut tally) = (RegistryBatch::default(), RegistryUpdates::default(), Tally::default());
        for (i, row) in rows.iter().enumerate() {
            let (Some(r), Some(grid)) = (row, &grid_of[i]) else { continue };
            if run.problems.is_bad(i) {
                continue;
            }
            let building = r.building.as_ref().map(|name| {
                buildings
                    .entry((grid.id, name.clone()))
                    .or_insert_with(|| {
                        let b = Building {
                            id: Uuid::now_v7(),
                            estate_id: None,
                            name: name.clone(),
                            area_id: grid.id,
                            area_path: grid.path.clone(),
                            address: format!("{}{name}", r.street),
                            floors: None,
                            head_person_id: None,
                            version: 1,
                            created_at: now,
                            updated_at: now,
                        };
                        batch.buildings.push(b.clone());
                        b
                    })
                    .id
            });
            let entrance = match (building, &r.entrance) {
                (Some(b), Some(name)) => Some(
                    entrances
                        .entry((b, name.clone()))
                        .or_insert_with(|| {
                            let e = Entrance { id: Uuid::now_v7(), building_id: b, name: name.clone(), head_person_id: None, created_at: now };
                            batch.entrances.push(e.clone());
                            e
                        })
                        .id,
                ),
                _ => None,
            };
            let household = households.entry((grid.id, r.address.clone())).or_insert_with(|| {
                let h = Household {
                    id: Uuid::now_v7(),
                    building_id: building,
                    entrance_id: entrance,
                    area_id: grid.id,
                    area_path: grid.path.clone(),
                    address: r.address.clone(),
                    room: r.room.clone(),
                    version: 1,
                    created_at: now,
                    updated_at: now,
                };
                batch.households.push(h.clone());
                h
            });
            let existing = match &hashes[i] {
                Some(h) => by_hash.get(h),
                None => by_name.get(&(household.id, r.name.clone())),
            };
            let phone = match &r.phone {
                Some(p) if existing.and_then(|e| e.phone.as_ref()).is_none_or(|old| old.hash != vault.blind_index(PHONE_FIELD, p.as_str())) => {
                    Some(protect(vault, PHONE_FIELD, p.as_str(), mask_phone(p.as_str()))?)
                }
                _ => None,
            };
            match existing {
                Some(old) => {
                    let mut new = old.clone();
                    new.name = r.name.clone();
                    new.relation = r.relation;
                    if phone.is_some() {
                        new.phone = phone;
                    }
                    if let Some(tags) = &r.tags {
                        new.tags = tags.clone();
                    }
                    new.household_id = household.id;
                    new.area_path = household.area_path.clone();
                    if new == *old {
                        tally.unchanged += 1;
                    } else {
                        new.version += 1;
                        new.updated_at = now;
                        updates.residents.push((new, old.version));
                        tally.updated += 1;
                    }
                }
                None => {
                    let id_number = r.id.as_ref().map(|id| protect(vault, ID_FIELD, id.as_str(), mask_id(id.as_str()))).transpose()?;
                    batch.residents.push(Resident {
                        id: Uuid::now_v7(),
                        household_id: household.id,
                        area_path: household.area_path.clone(),
                        name: r.name.clone(),
                        gender: r.gender,
                        birth_date: r.birth,
                        relation: r.relation,
                        id_number,
                        phone,
                        tags: r.tags.clone().unwrap_or_default(),
                        moved_out: false,
                        version: 1,
                        created_at: now,
                        updated_at: now,
                    });
                    tally.created += 1;
                }
            }
        }
        run.commit(self, batch, updates, tally).await
    }
}
