//! People who serve, with the grids (or, for liaison cadres, communities) they serve. A
//! person is their name, kind and home area. A filled 服务网格 cell is the whole list of
//! where they serve: grids left out are unassigned; an empty cell leaves assignments alone.

use std::collections::{HashMap, HashSet};

use uuid::Uuid;

use super::{ImportColumn, Run, Tally, opt, req, words};
use crate::error::Result;
use crate::model::place::validate_text;
use crate::model::{Area, AreaCode, Assignment, ImportOutcome, Person, PersonKind, Profession};
use crate::ports::{RegistryBatch, RegistryUpdates};
use crate::privacy::{PersonName, Phone, mask_phone};
use crate::services::Services;
use crate::services::registry::people::PERSON_PHONE_FIELD;
use crate::services::registry::protect;

pub(super) const COLUMNS: &[ImportColumn] = &[
    req("name", &["姓名", "Name"]),
    req("kind", &["类型", "Kind", "人员类型", "type"]),
    opt("profession", &["身份(三官一律)", "Profession", "身份", "三官一律"]),
    opt("organisation", &["单位", "Organisation", "工作单位", "organization"]),
    opt("phone", &["电话", "Phone", "联系电话", "手机"]),
    req("area_code", &["所属区域代码", "Area code", "区域代码", "area_code"]),
    opt("assign_to", &["服务网格", "Serves", "服务区域", "assign_to"]),
];

struct Row {
    name: String,
    kind: PersonKind,
    profession: Option<Profession>,
    organisation: Option<String>,
    phone: Option<Phone>,
    area: String,
    /// `None`: the cell is empty, keep the assignments on record.
    assign_to: Option<Vec<String>>,
}

fn read(run: &mut Run, i: usize) -> Option<Row> {
    let name = run.required(i, "name").and_then(|n| run.check(i, "name", PersonName::parse(n))).map(PersonName::into_string);
    let kind = run.required(i, "kind").and_then(|k| {
        words::person_kind(k).or_else(|| {
            run.problems.cell(run.sheet, i, "kind", "error-person-kind");
            None
        })
    });
    let raw = run.sheet.get(i, "profession");
    let profession = match raw.is_empty() {
        true => Some(None),
        false => words::profession(raw).map(Some).or_else(|| {
            run.problems.cell(run.sheet, i, "profession", "error-profession");
            None
        }),
    };
    if kind == Some(PersonKind::LegalAdviser) && profession == Some(None) {
        run.problems.cell(run.sheet, i, "profession", "error-profession");
    }
    let raw = run.sheet.get(i, "organisation");
    let organisation = match raw.is_empty() {
        true => Some(None),
        false => run.check(i, "organisation", validate_text("organisation", "error-place-name", raw, 64)).map(Some),
    };
    let raw = run.sheet.get(i, "phone");
    let phone = match raw.is_empty() {
        true => Some(None),
        false => run.check(i, "phone", Phone::parse(raw)).map(Some),
    };
    let area = run.required(i, "area_code").and_then(|a| run.check(i, "area_code", AreaCode::parse(a))).map(|c| c.to_string());
    let raw = run.sheet.get(i, "assign_to");
    let assign_to = match raw.is_empty() {
        true => Some(None),
        false => words::items(raw).into_iter().map(|c| run.check(i, "assign_to", AreaCode::parse(c)).map(|c| c.to_string())).collect::<Option<Vec<_>>>().map(Some),
    };
    let kind = kind?;
    if kind == PersonKind::LegalAdviser && profession == Some(None) {
        return None;
    }
    Some(Row { name: name?, kind, profession: profession?, organisation: organisation?, phone: phone?, area: area?, assign_to: assign_to? })
}

type PersonKey = (String, PersonKind, Uuid);

impl Services {
    pub(super) async fn import_people(&self, run: &mut Run<'_>) -> Result<ImportOutcome> {
        let vault = self.vault()?;
        let rows: Vec<Option<Row>> = (0..run.rows()).map(|i| read(run, i)).collect();
        let codes: Vec<String> = rows.iter().flatten().flat_map(|r| std::iter::once(r.area.clone()).chain(r.assign_to.iter().flatten().cloned())).collect();
        let areas = self.areas_named(codes).await?;
        let mut placed: Vec<Option<(Area, Option<Vec<Area>>)>> = Vec::with_capacity(rows.len());
        let mut first: HashMap<PersonKey, usize> = HashMap::new();
        for (i, row) in rows.iter().enumerate() {
            let Some(r) = row else {
                placed.push(None);
                continue;
            };
            let home = run.area_in_scope(&areas, i, "area_code", &r.area, None);
            let targets = match &r.assign_to {
                Some(codes) => {
                    let level = (r.kind.assigned_to(), "error-assign-level");
                    let found: Vec<Option<Area>> = codes.iter().map(|c| run.area_in_scope(&areas, i, "assign_to", c, Some(level))).collect();
                    found.into_iter().collect::<Option<Vec<Area>>>().map(Some)
                }
                None => Some(None),
            };
            if let Some(home) = &home {
                let key = (r.name.clone(), r.kind, home.id);
                match first.get(&key) {
                    Some(line) => run.problems.cell_args(run.sheet, i, "name", "error-import-duplicate-in-file", vec![("row", line.to_string())]),
                    None => {
                        first.insert(key, run.sheet.rows[i].line);
                    }
                }
            }
            placed.push(home.zip(targets));
        }

        let mut names: Vec<String> = rows.iter().flatten().map(|r| r.name.clone()).collect();
        names.sort();
        names.dedup();
        let on_record: HashMap<PersonKey, Person> = self
            .store
            .people_named(&run.actor.home_area_path, &names)
            .await?
            .into_iter()
            .map(|p| ((p.name.clone(), p.kind, p.area_id), p))
            .collect();
        run.progress(self, run.rows()).await?;
        if !run.may_write() {
            return Ok(run.rejected());
        }

        let now = self.clock.now();
        let (mut batch, mut updates, mut tally) = (RegistryBatch::default(), RegistryUpdates::default(), Tally::default());
        for (i, row) in rows.iter().enumerate() {
            let (Some(r), Some((home, targets))) = (row, &placed[i]) else { continue };
            if run.problems.is_bad(i) {
                continue;
            }
            let assignments = |person_id: Uuid| -> Option<Vec<Assignment>> {
                let mut seen = HashSet::new();
                targets.as_ref().map(|t| {
                    t.iter()
                        .filter(|a| seen.insert(a.id))
                        .map(|a| Assignment { person_id, area_id: a.id, area_path: a.path.clone(), created_at: now })
                        .collect()
                })
            };
            let old = on_record.get(&(r.name.clone(), r.kind, home.id));
            let phone = match &r.phone {
                Some(p) if old.and_then(|o| o.phone.as_ref()).is_none_or(|x| x.hash != vault.blind_index(PERSON_PHONE_FIELD, p.as_str())) => {
                    Some(protect(vault, PERSON_PHONE_FIELD, p.as_str(), mask_phone(p.as_str()))?)
                }
                _ => None,
            };
            match old {
                Some(old) => {
                    let mut new = old.clone();
                    new.profession = r.profession.or(old.profession);
                    new.organisation = r.organisation.clone().or_else(|| old.organisation.clone());
                    if phone.is_some() {
                        new.phone = phone;
                    }
                    let mut changed = false;
                    if let Some(wanted) = assignments(old.id) {
                        let now_serving: HashSet<Uuid> = self.store.assignments_of(old.id).await?.iter().map(|a| a.area_id).collect();
                        if now_serving != wanted.iter().map(|a| a.area_id).collect() {
                            updates.assignments.push((old.id, wanted));
                            changed = true;
                        }
                    }
                    if new != *old {
                        new.version += 1;
                        new.updated_at = now;
                        updates.people.push((new, old.version));
                        changed = true;
                    }
                    if changed { tally.updated += 1 } else { tally.unchanged += 1 }
                }
                None => {
                    let person = Person {
                        id: Uuid::now_v7(),
                        name: r.name.clone(),
                        kind: r.kind,
                        profession: r.profession,
                        organisation: r.organisation.clone(),
                        phone,
                        user_id: None,
                        area_id: home.id,
                        area_path: home.path.clone(),
                        version: 1,
                        created_at: now,
                        updated_at: now,
                    };
                    batch.assignments.extend(assignments(person.id).unwrap_or_default());
                    batch.people.push(person);
                    tally.created += 1;
                }
            }
        }
        run.commit(self, batch, updates, tally).await
    }
}
