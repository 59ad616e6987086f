//! Import jobs, the bulk lookups imports resolve files with, and the import write, on every
//! backend.

use chrono::NaiveDate;
use fengqiao_domain::DomainError;
use fengqiao_domain::model::{
    Area, AreaLevel, Assignment, Building, Entrance, Estate, Household, ImportJob, ImportKind, ImportOutcome, ImportProblem, ImportStatus, Person,
    PersonKind, Protected, Relation, Resident,
};
use fengqiao_domain::ports::{RegistryBatch, RegistryUpdates, Store};
use fengqiao_domain::privacy::Gender;
use fengqiao_store::testing;
use uuid::Uuid;

use crate::{area, audit, now, tree};

fn job(actor: Option<Uuid>, file: &str) -> ImportJob {
    ImportJob {
        id: Uuid::now_v7(),
        actor_id: actor,
        actor_name: "importer".into(),
        area_path: "/1501/".into(),
        kind: ImportKind::Households,
        file_name: file.into(),
        valid_rows_only: true,
        status: ImportStatus::Queued,
        rows_total: 0,
        rows_done: 0,
        outcome: None,
        created_at: now(),
        updated_at: now(),
    }
}

#[tokio::test]
async fn import_jobs_keep_progress_and_outcome() {
    for db in testing::all().await {
        let s = db.store.as_ref();
        let me = Uuid::now_v7();
        let first = job(Some(me), "居民.xlsx");
        s.insert_import_job(&first).await.unwrap();
        let second = job(Some(me), "第二批.csv");
        s.insert_import_job(&second).await.unwrap();
        s.insert_import_job(&job(Some(Uuid::now_v7()), "别人的.xlsx")).await.unwrap();
        s.insert_import_job(&job(None, "operator.csv")).await.unwrap();
        assert_eq!(s.import_job(first.id).await.unwrap().as_ref(), Some(&first), "{}: round trip", db.name);

        let mut running = first.clone();
        running.status = ImportStatus::Validating;
        running.rows_total = 100_000;
        running.rows_done = 4_000;
        running.updated_at = now();
        s.update_import_job(&running).await.unwrap();
        assert_eq!(s.import_job(first.id).await.unwrap().unwrap(), running);

        let mut done = running.clone();
        done.status = ImportStatus::Done;
        done.rows_done = 100_000;
        let problem = ImportProblem {
            row: 7,
            column: "身份证号".into(),
            key: "error-import-duplicate-in-file".into(),
            value: "150102********1234".into(),
            args: vec![("row".into(), "3".into())],
        };
        done.outcome = Some(ImportOutcome { rows_total: 100_000, rows_valid: 99_999, created: 99_999, skipped: 1, written: true, problems: vec![problem], ..Default::default() });
        s.update_import_job(&done).await.unwrap();
        assert_eq!(s.import_job(first.id).await.unwrap().unwrap(), done, "{}: the outcome survives as written", db.name);

        let mine: Vec<String> = s.import_jobs_of(me, 10).await.unwrap().into_iter().map(|j| j.file_name).collect();
        assert_eq!(mine, ["第二批.csv", "居民.xlsx"], "{}: newest first, mine only", db.name);
        assert_eq!(s.import_jobs_of(me, 1).await.unwrap().len(), 1);
        assert!(s.import_job(Uuid::now_v7()).await.unwrap().is_none());
    }
}

fn resident(h: &Household, name: &str, hash: Option<&str>) -> Resident {
    Resident {
        id: Uuid::now_v7(),
        household_id: h.id,
        area_path: h.area_path.clone(),
        name: name.into(),
        gender: Gender::Male,
        birth_date: NaiveDate::from_ymd_opt(1980, 1, 1).unwrap(),
        relation: Relation::Head,
        id_number: hash.map(|h| Protected { cipher: format!("k:{h}"), hash: h.into(), masked: "150101********0011".into() }),
        phone: None,
        tags: vec!["veteran".into()],
        moved_out: false,
        version: 1,
        created_at: now(),
        updated_at: now(),
    }
}

fn household(grid: &Area, address: &str, building: Option<&Building>) -> Household {
    Household {
        id: Uuid::now_v7(),
        building_id: building.map(|b| b.id),
        entrance_id: None,
        area_id: grid.id,
        area_path: grid.path.clone(),
        address: address.into(),
        room: None,
        version: 1,
        created_at: now(),
        updated_at: now(),
    }
}

struct Fixture {
    community: Area,
    grid: Area,
    other: Area,
    estate: Estate,
    building: Building,
    homes: Vec<Household>,
    residents: Vec<Resident>,
    person: Person,
}

async fn fixture(s: &dyn Store) -> Fixture {
    let t = tree(s).await;
    let community = t[4].clone();
    let grid = area("150103003030G01", AreaLevel::Grid, Some(&community));
    let other = area("150103003030G02", AreaLevel::Grid, Some(&community));
    s.insert_areas(&[grid.clone(), other.clone()], &[]).await.unwrap();
    let estate = Estate {
        id: Uuid::now_v7(),
        name: "铁路小区".into(),
        area_id: community.id,
        area_path: community.path.clone(),
        address: "巴彦淖尔北路12号".into(),
        property_company_id: None,
        property_station_id: None,
        version: 1,
        created_at: now(),
        updated_at: now(),
    };
    let building = Building {
        id: Uuid::now_v7(),
        estate_id: Some(estate.id),
        name: "3号楼".into(),
        area_id: grid.id,
        area_path: grid.path.clone(),
        address: "铁路小区3号楼".into(),
        floors: Some(6),
        head_person_id: None,
        version: 1,
        created_at: now(),
        updated_at: now(),
    };
    let entrance = Entrance { id: Uuid::now_v7(), building_id: building.id, name: "1单元".into(), head_person_id: None, created_at: now() };
    let homes = vec![household(&grid, "铁路小区3号楼1单元101", Some(&building)), household(&other, "平房1号", None)];
    let residents = vec![resident(&homes[0], "王建国", Some("hash-1")), resident(&homes[0], "王小明", None), resident(&homes[1], "赵丽", Some("hash-2"))];
    let person = Person {
        id: Uuid::now_v7(),
        name: "李振华".into(),
        kind: PersonKind::GridWorker,
        profession: None,
        organisation: None,
        phone: None,
        user_id: None,
        area_id: community.id,
        area_path: community.path.clone(),
        version: 1,
        created_at: now(),
        updated_at: now(),
    };
    let batch = RegistryBatch {
        people: vec![person.clone()],
        assignments: vec![Assignment { person_id: person.id, area_id: grid.id, area_path: grid.path.clone(), created_at: now() }],
        estates: vec![estate.clone()],
        buildings: vec![building.clone()],
        entrances: vec![entrance],
        households: homes.clone(),
        residents: residents.clone(),
        ..Default::default()
    };
    s.insert_registry(&batch, &[]).await.unwrap();
    Fixture { community, grid, other, estate, building, homes, residents, person }
}

#[tokio::test]
async fn bulk_lookups_find_whole_files_of_keys() {
    for db in testing::all().await {
        let s = db.store.as_ref();
        let f = fixture(s).await;
        // More keys than one IN list holds, with the two real ones at the far ends.
        let mut hashes: Vec<String> = (0..1200).map(|i| format!("nobody-{i}")).collect();
        hashes[0] = "hash-2".into();
        hashes[1199] = "hash-1".into();
        let mut found: Vec<String> = s.residents_by_id_hashes(&hashes).await.unwrap().into_iter().map(|r| r.name).collect();
        found.sort();
        assert_eq!(found, ["王建国", "赵丽"], "{}", db.name);
        assert!(s.residents_by_id_hashes(&[]).await.unwrap().is_empty());
        assert_eq!(s.residents_of_households(&[f.homes[0].id]).await.unwrap().len(), 2);
        assert_eq!(s.households_by_ids(&[f.homes[1].id, Uuid::now_v7()]).await.unwrap(), vec![f.homes[1].clone()]);
        let at = s.households_at(f.grid.id, &["铁路小区3号楼1单元101".into(), "平房1号".into()]).await.unwrap();
        assert_eq!(at, vec![f.homes[0].clone()], "{}: only that grid's addresses", db.name);
        assert_eq!(s.estates_named(f.community.id, &["铁路小区".into(), "别的小区".into()]).await.unwrap(), vec![f.estate.clone()]);
        assert!(s.estates_named(f.grid.id, &["铁路小区".into()]).await.unwrap().is_empty());
        assert_eq!(s.buildings_named(&f.community.path, &["3号楼".into()]).await.unwrap(), vec![f.building.clone()]);
        assert!(s.buildings_named(&f.other.path, &["3号楼".into()]).await.unwrap().is_empty(), "{}: scoped", db.name);
        assert_eq!(s.entrances_of_buildings(&[f.building.id]).await.unwrap()[0].name, "1单元");
        assert_eq!(s.people_named(&f.community.path, &["李振华".into()]).await.unwrap(), vec![f.person.clone()]);
        assert!(s.people_named("/1501/150102/", &["李振华".into()]).await.unwrap().is_empty());
    }
}

#[tokio::test]
async fn an_import_writes_everything_or_nothing() {
    for db in testing::all().await {
        let s = db.store.as_ref();
        let f = fixture(s).await;
        let seq = s.audit_head().await.unwrap().0;

        // A stale version anywhere fails the whole import, new records included.
        let fresh_home = household(&f.grid, "铁路小区3号楼1单元102", Some(&f.building));
        let newcomer = resident(&fresh_home, "刘桂兰", Some("hash-3"));
        let batch = RegistryBatch { households: vec![fresh_home.clone()], residents: vec![newcomer.clone()], ..Default::default() };
        let mut moved = f.residents[0].clone();
        moved.household_id = fresh_home.id;
        moved.tags = vec!["party_member".into()];
        moved.version = 2;
        let stale = RegistryUpdates { residents: vec![(moved.clone(), 7)], ..Default::default() };
        let err = s.apply_import(&batch, &stale, &[audit("registry.import", &f.community.path)]).await.unwrap_err();
        assert_eq!(err, DomainError::Conflict("error-stale-version"), "{}", db.name);
        assert!(s.household_by_id(fresh_home.id).await.unwrap().is_none());
        assert_eq!(s.audit_head().await.unwrap().0, seq, "{}: no audit row either", db.name);
        // An entrance is only changed through its own building.
        let mut stray = s.entrances_of(f.building.id).await.unwrap().remove(0);
        stray.building_id = Uuid::now_v7();
        let err = s.apply_import(&RegistryBatch::default(), &RegistryUpdates { entrances: vec![stray], ..Default::default() }, &[]).await.unwrap_err();
        assert_eq!(err, DomainError::Conflict("error-stale-version"), "{}", db.name);

        // The same with the right versions lands whole, with one audit row.
        let mut estate = f.estate.clone();
        estate.address = "巴彦淖尔北路14号".into();
        estate.version = 2;
        let mut building = f.building.clone();
        building.floors = Some(7);
        building.version = 2;
        let mut person = f.person.clone();
        person.organisation = Some("光明路街道".into());
        person.version = 2;
        let mut entrance = s.entrances_of(f.building.id).await.unwrap().remove(0);
        entrance.head_person_id = Some(f.person.id);
        let updates = RegistryUpdates {
            estates: vec![(estate.clone(), 1)],
            buildings: vec![(building.clone(), 1)],
            residents: vec![(moved.clone(), 1)],
            people: vec![(person.clone(), 1)],
            assignments: vec![(f.person.id, vec![Assignment { person_id: f.person.id, area_id: f.other.id, area_path: f.other.path.clone(), created_at: now() }])],
            entrances: vec![entrance.clone()],
        };
        s.apply_import(&batch, &updates, &[audit("registry.import", &f.community.path)]).await.unwrap();
        assert_eq!(s.audit_head().await.unwrap().0, seq + 1);
        assert_eq!(s.resident_by_id(newcomer.id).await.unwrap().unwrap(), newcomer);
        assert_eq!(s.resident_by_id(moved.id).await.unwrap().unwrap(), moved, "{}", db.name);
        assert_eq!(s.estate_by_id(estate.id).await.unwrap().unwrap(), estate);
        assert_eq!(s.building_by_id(building.id).await.unwrap().unwrap(), building);
        assert_eq!(s.person_by_id(person.id).await.unwrap().unwrap(), person);
        assert_eq!(s.entrances_of(building.id).await.unwrap(), vec![entrance.clone()], "{}: entrance head set", db.name);
        let serving: Vec<Uuid> = s.assignments_of(f.person.id).await.unwrap().into_iter().map(|a| a.area_id).collect();
        assert_eq!(serving, [f.other.id], "{}: assignments replaced", db.name);
        let tagged = fengqiao_domain::ports::ResidentQuery {
            page: fengqiao_domain::ports::Page { scope_path: f.grid.path.clone(), text: None, after: None, limit: 10 },
            tag: Some("party_member".into()),
            ..Default::default()
        };
        assert_eq!(s.residents(&tagged).await.unwrap().len(), 1, "{}: tag index follows", db.name);
    }
}
