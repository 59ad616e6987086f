//! The registry half of the port, on every backend.

use chrono::NaiveDate;
use fengqiao_domain::DomainError;
use fengqiao_domain::model::{
    Area, AreaLevel, Assignment, Building, Entrance, Estate, Household, OrgKind, Organisation, Person, PersonKind, Profession, Protected,
    Relation, Resident,
};
use fengqiao_domain::ports::{HouseholdQuery, Page, RegistryBatch, ResidentQuery, Store};
use fengqiao_domain::privacy::Gender;
use fengqiao_store::testing;
use uuid::Uuid;

use crate::{area, audit, now, tree};

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

fn resident(h: &Household, name: &str, born: &str, id_hash: Option<&str>, tags: &[&str]) -> Resident {
    Resident {
        id: Uuid::now_v7(),
        household_id: h.id,
        area_path: h.area_path.clone(),
        name: name.into(),
        gender: Gender::Female,
        birth_date: d(born),
        relation: Relation::Head,
        id_number: id_hash.map(|hash| Protected { cipher: format!("k1:{hash}"), hash: hash.into(), masked: "150101********0021".into() }),
        phone: None,
        tags: tags.iter().map(|t| t.to_string()).collect(),
        moved_out: false,
        version: 1,
        created_at: now(),
        updated_at: now(),
    }
}

struct World {
    grid: Area,
    other_grid: Area,
    community: Area,
    estate: Estate,
    building: Building,
    households: Vec<Household>,
    residents: Vec<Resident>,
    person: Person,
}

async fn world(s: &dyn Store) -> World {
    let t = tree(s).await;
    let community = t[4].clone();
    let grid = area("150103003030G01", AreaLevel::Grid, Some(&community));
    let other_grid = area("150103003030G02", AreaLevel::Grid, Some(&community));
    s.insert_areas(&[grid.clone(), other_grid.clone()], &[]).await.unwrap();
    let org = |kind, name: &str| Organisation {
        id: Uuid::now_v7(),
        kind,
        name: name.into(),
        area_id: community.id,
        area_path: community.path.clone(),
        contact: None,
        version: 1,
        created_at: now(),
        updated_at: now(),
    };
    let company = org(OrgKind::PropertyCompany, "鑫源物业");
    let station = org(OrgKind::PropertyStation, "红色物业服务站");
    let estate = Estate {
        id: Uuid::now_v7(),
        name: "铁路小区".into(),
        area_id: community.id,
        area_path: community.path.clone(),
        address: "巴彦淖尔北路12号".into(),
        property_company_id: Some(company.id),
        property_station_id: Some(station.id),
        version: 1,
        created_at: now(),
        updated_at: now(),
    };
    let person = Person {
        id: Uuid::now_v7(),
        name: "李振华".into(),
        kind: PersonKind::LegalAdviser,
        profession: Some(Profession::Lawyer),
        organisation: Some("正义律师事务所".into()),
        phone: None,
        user_id: None,
        area_id: community.id,
        area_path: community.path.clone(),
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
        head_person_id: Some(person.id),
        version: 1,
        created_at: now(),
        updated_at: now(),
    };
    let entrance = Entrance { id: Uuid::now_v7(), building_id: building.id, name: "1单元".into(), head_person_id: None, created_at: now() };
    let household = |room: &str, g: &Area, b: Option<&Building>| Household {
        id: Uuid::now_v7(),
        building_id: b.map(|b| b.id),
        entrance_id: b.map(|_| entrance.id),
        area_id: g.id,
        area_path: g.path.clone(),
        address: format!("铁路小区3号楼1单元{room}"),
        room: Some(room.into()),
        version: 1,
        created_at: now(),
        updated_at: now(),
    };
    let households = vec![household("101", &grid, Some(&building)), household("102", &grid, Some(&building)), household("平房", &other_grid, None)];
    let residents = vec![
        resident(&households[0], "王秀英", "1950-03-12", Some("hash-a"), &["living_alone", "party_member"]),
        resident(&households[0], "王小明", "2015-06-01", None, &[]),
        resident(&households[1], "张建国", "1980-01-01", Some("hash-b"), &["veteran"]),
        resident(&households[2], "赵丽", "1990-09-09", None, &["低保户"]),
    ];
    let batch = RegistryBatch {
        organisations: vec![company, station],
        people: vec![person.clone()],
        assignments: vec![Assignment { person_id: person.id, area_id: grid.id, area_path: grid.path.clone(), created_at: now() }],
        estates: vec![estate.clone()],
        buildings: vec![building.clone()],
        entrances: vec![entrance],
        households: households.clone(),
        residents: residents.clone(),
        duties: vec![(grid.id, vec!["信息采集".into(), "矛盾纠纷排查".into()])],
    };
    s.insert_registry(&batch, &[audit("registry.load", &community.path)]).await.unwrap();
    World { grid, other_grid, community, estate, building, households, residents, person }
}

fn page(scope: &str) -> Page {
    Page { scope_path: scope.into(), text: None, after: None, limit: 100 }
}

#[tokio::test]
async fn registry_round_trips_and_scopes() {
    for db in testing::all().await {
        let s = db.store.as_ref();
        let w = world(s).await;
        let r0 = s.resident_by_id(w.residents[0].id).await.unwrap().unwrap();
        assert_eq!(r0, w.residents[0], "{}: resident round trip", db.name);
        assert_eq!(s.estate_by_id(w.estate.id).await.unwrap().unwrap(), w.estate);
        assert_eq!(s.building_by_id(w.building.id).await.unwrap().unwrap(), w.building);
        assert_eq!(s.household_by_id(w.households[2].id).await.unwrap().unwrap(), w.households[2]);
        assert_eq!(s.person_by_id(w.person.id).await.unwrap().unwrap(), w.person);
        assert_eq!(s.entrances_of(w.building.id).await.unwrap().len(), 1);
        assert_eq!(s.grid_duties(w.grid.id).await.unwrap(), ["信息采集", "矛盾纠纷排查"]);
        assert_eq!(s.people_assigned_to(w.grid.id).await.unwrap()[0].id, w.person.id);
        assert_eq!(s.assignments_of(w.person.id).await.unwrap()[0].area_id, w.grid.id);
        assert_eq!(s.organisations(&page(&w.community.path), Some(OrgKind::PropertyStation)).await.unwrap().len(), 1);

        // Scope: the grid sees its own households and residents, and the estate its building is in.
        let grid_scope = page(&w.grid.path);
        assert_eq!(s.households(&HouseholdQuery { page: grid_scope.clone(), building_id: None }).await.unwrap().len(), 2);
        assert_eq!(s.residents(&ResidentQuery { page: grid_scope.clone(), ..Default::default() }).await.unwrap().len(), 3);
        assert_eq!(s.estates(&grid_scope).await.unwrap().len(), 1, "{}: a grid sees its buildings' estate", db.name);
        assert!(s.estates(&page(&w.other_grid.path)).await.unwrap().is_empty());
        assert!(s.households(&HouseholdQuery { page: page("/1501/150102/"), building_id: None }).await.unwrap().is_empty());

        // Filters: name, tag, age bounds, building, household; keyset paging.
        let q = |f: &dyn Fn(&mut ResidentQuery)| {
            let mut q = ResidentQuery { page: page(&w.community.path), ..Default::default() };
            f(&mut q);
            q
        };
        let names = |v: Vec<Resident>| v.into_iter().map(|r| r.name).collect::<Vec<_>>();
        // A name search matches the start of names, in name (code point) order on both backends,
        // and pages on by the last id seen.
        assert_eq!(names(s.residents(&q(&|q| q.page.text = Some("王".into()))).await.unwrap()), ["王小明", "王秀英"]);
        let first = s.residents(&q(&|q| (q.page.text, q.page.limit) = (Some("王".into()), 1))).await.unwrap();
        let next = s.residents(&q(&|q| (q.page.text, q.page.after) = (Some("王".into()), Some(first[0].id)))).await.unwrap();
        assert_eq!((names(first), names(next)), (vec!["王小明".to_string()], vec!["王秀英".to_string()]));
        assert_eq!(names(s.residents(&q(&|q| q.page.text = Some("王秀英".into()))).await.unwrap()), ["王秀英"]);
        assert!(s.residents(&q(&|q| q.page.text = Some("秀英".into()))).await.unwrap().is_empty(), "{}: not the middle of a name", db.name);
        // A community is searched through its scope, the city through the name index: the
        // two plans must give the same answer, pages included.
        let wide = |text: &str, after: Option<uuid::Uuid>| ResidentQuery {
            page: Page { scope_path: "/1501/".into(), text: Some(text.into()), after, limit: 1 },
            ..Default::default()
        };
        let first_wide = s.residents(&wide("王", None)).await.unwrap();
        let next_wide = s.residents(&wide("王", Some(first_wide[0].id))).await.unwrap();
        assert_eq!((names(first_wide), names(next_wide)), (vec!["王小明".to_string()], vec!["王秀英".to_string()]), "{}", db.name);
        assert_eq!(names(s.residents(&q(&|q| q.tag = Some("低保户".into()))).await.unwrap()), ["赵丽"]);
        assert_eq!(names(s.residents(&q(&|q| q.born_by = Some(d("1964-11-26")))).await.unwrap()), ["王秀英"]);
        assert_eq!(names(s.residents(&q(&|q| q.born_after = Some(d("2010-11-26")))).await.unwrap()), ["王小明"]);
        assert_eq!(s.residents(&q(&|q| q.building_id = Some(w.building.id))).await.unwrap().len(), 3);
        assert_eq!(s.residents(&q(&|q| q.household_id = Some(w.households[1].id))).await.unwrap().len(), 1);
        let first = s.residents(&q(&|q| q.page.limit = 2)).await.unwrap();
        let rest = s.residents(&q(&|q| q.page.after = Some(first[1].id))).await.unwrap();
        assert_eq!(first.len() + rest.len(), 4);
        assert!(rest.iter().all(|r| r.id > first[1].id));
        // '%' in a search is literal.
        assert!(s.residents(&q(&|q| q.page.text = Some("%".into()))).await.unwrap().is_empty());
        assert_eq!(s.resident_by_id_hash("hash-b").await.unwrap().unwrap().name, "张建国");
    }
}

#[tokio::test]
async fn registry_updates_keep_indexes_and_refuse_duplicates() {
    for db in testing::all().await {
        let s = db.store.as_ref();
        let w = world(s).await;
        // The same ID number twice is refused and nothing of that batch is written.
        let dup = resident(&w.households[1], "冒名", "1950-03-12", Some("hash-a"), &[]);
        let err = s.insert_registry(&RegistryBatch { residents: vec![dup.clone()], ..Default::default() }, &[]).await.unwrap_err();
        assert!(matches!(err, DomainError::Conflict(_)), "{}: {err:?}", db.name);
        assert!(s.resident_by_id(dup.id).await.unwrap().is_none());

        // Tags are re-indexed on update; a stale version is refused.
        let mut r = w.residents[2].clone();
        r.tags = vec!["disabled".into()];
        r.version = 2;
        s.update_resident(&r, 1, &audit("resident.update", &r.area_path)).await.unwrap();
        let by_tag = |t: &str| ResidentQuery { page: page(&w.community.path), tag: Some(t.into()), ..Default::default() };
        assert!(s.residents(&by_tag("veteran")).await.unwrap().is_empty());
        assert_eq!(s.residents(&by_tag("disabled")).await.unwrap().len(), 1);
        assert_eq!(s.update_resident(&r, 1, &audit("x", "/")).await.unwrap_err(), DomainError::Conflict("error-stale-version"));

        // A household moved to another grid takes its residents (and their tags) with it.
        let mut h = w.households[0].clone();
        h.area_id = w.other_grid.id;
        h.area_path = w.other_grid.path.clone();
        h.version = 2;
        s.update_household(&h, 1, &audit("household.update", &h.area_path)).await.unwrap();
        let other = ResidentQuery { page: page(&w.other_grid.path), ..Default::default() };
        assert_eq!(s.residents(&other).await.unwrap().len(), 3);
        let tagged = ResidentQuery { page: page(&w.other_grid.path), tag: Some("living_alone".into()), ..Default::default() };
        assert_eq!(s.residents(&tagged).await.unwrap().len(), 1, "{}: tag index moved too", db.name);

        s.set_grid_duties(w.grid.id, &["入户走访".to_string()], &audit("grid.duties", &w.grid.path)).await.unwrap();
        assert_eq!(s.grid_duties(w.grid.id).await.unwrap(), ["入户走访"]);
    }
}

/// Moving a street to another district carries everything below it: places, people,
/// residents, their tags, and cases (by their own area and by their handling office).
#[tokio::test]
async fn a_moved_area_takes_its_registry_and_cases_along() {
    for db in testing::all().await {
        let s = db.store.as_ref();
        let w = world(s).await;
        let street = s.area_by_code("150103003").await.unwrap().unwrap();
        let xc = s.area_by_code("150102").await.unwrap().unwrap();
        let i = crate::cases::intake(&w.grid, "150103", fengqiao_domain::model::case::CaseKind::Dispute, "neighbour.water_leak", "楼上漏水");
        let case = s.insert_case(&i, &crate::cases::case_audit(&i.case)).await.unwrap();
        let residents = |path: String| ResidentQuery { page: page(&path), ..Default::default() };
        let tagged = |path: String| ResidentQuery { page: page(&path), tag: Some("低保户".into()), ..Default::default() };
        let before = s.residents(&residents(w.community.path.clone())).await.unwrap().len();
        assert!(before > 0);

        let mut moved = street.clone();
        moved.parent_id = Some(xc.id);
        moved.path = Area::child_path(&xc.path, &moved.code);
        moved.version = street.version + 1;
        s.move_area(&moved, street.version, &street.path, &crate::audit("area.move", &moved.path)).await.unwrap();

        let new_community = s.area_by_code("150103003030").await.unwrap().unwrap().path;
        assert!(new_community.starts_with("/1501/150102/"), "{}", db.name);
        assert_eq!(s.residents(&residents(new_community.clone())).await.unwrap().len(), before, "{}", db.name);
        assert!(s.residents(&residents(w.community.path.clone())).await.unwrap().is_empty(), "{}: nothing left under the old path", db.name);
        assert_eq!(s.residents(&tagged(new_community.clone())).await.unwrap().len(), 1, "{}: tags moved too", db.name);
        assert_eq!(s.estates(&page(&new_community)).await.unwrap().len(), 1);
        assert!(s.estates(&page(&w.community.path)).await.unwrap().is_empty());
        let households = s.households(&HouseholdQuery { page: page("/1501/150102/"), building_id: None }).await.unwrap();
        assert_eq!(households.len(), w.households.len(), "{}", db.name);
        assert!(s.people(&page(&new_community), None).await.unwrap().iter().any(|p| p.id == w.person.id));
        let assignments = s.assignments_of(w.person.id).await.unwrap();
        assert!(assignments.iter().all(|a| a.area_path.starts_with("/1501/150102/")), "{}: {assignments:?}", db.name);
        let case = s.case_by_id(case.id).await.unwrap().unwrap();
        assert!(case.area_path.starts_with("/1501/150102/150103003/"), "{}: {}", db.name, case.area_path);
        use fengqiao_domain::ports::{CaseQuery, CaseScope};
        let queue = |path: &str| CaseQuery::new(CaseScope::Handling(path.to_string()), 10);
        assert_eq!(s.cases(&queue(&new_community)).await.unwrap().len(), 1, "{}: in the community office's queue", db.name);
        assert!(s.cases(&queue(&w.community.path)).await.unwrap().is_empty(), "{}", db.name);
    }
}
