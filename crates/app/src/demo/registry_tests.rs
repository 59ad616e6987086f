//! The demo registry against a real store, loaded the way `fengqiao demo` loads it: the
//! seed's figures, valid and unique ID numbers, heads who are older residents, density where
//! the seed is set, and values the services can read back.

use std::collections::HashSet;
use std::sync::Arc;

use fengqiao_domain::model::resident::age_on;
use fengqiao_domain::model::{AreaLevel, AuditFilter, OrgKind, PersonKind};
use fengqiao_domain::ports::{Clock, HouseholdQuery, Page, ResidentQuery, Store, SystemClock};
use fengqiao_domain::privacy::{IdNumber, Phone, Vault};
use fengqiao_domain::services::registry::{NewPerson, RevealField};
use fengqiao_domain::services::{AuthSettings, Services, operator};

use super::names::from_the_article;
use super::registry::{self, Counts, HUIMIN, ID_FIELD, PERSON_PHONE_FIELD, PHONE_FIELD, SEED_COMMUNITIES, Summary};

struct Loaded {
    _db: fengqiao_store::testing::TestDb,
    services: Services,
    vault: Arc<Vault>,
    summary: Summary,
}

async fn loaded() -> Loaded {
    let db = fengqiao_store::testing::sqlite().await;
    let vault = Arc::new(Vault::for_tests());
    let services = Services::new(db.store.clone(), Arc::new(SystemClock), AuthSettings::default(), vault.clone());
    super::build(&services, "fengqiao-demo").await.unwrap();
    let summary = registry::load(services.store.as_ref(), &vault, SystemClock.now()).await.unwrap();
    Loaded { _db: db, services, vault, summary }
}

fn page(scope: &str) -> Page {
    Page { scope_path: scope.to_string(), text: None, after: None, limit: 100_000 }
}

const HUIMIN_PATH: &str = "/1501/150103/";

#[tokio::test]
async fn the_registry_reproduces_the_seed() {
    // Bound whole: the temp dir inside must outlive the store.
    let loaded = loaded().await;
    let Loaded { services, vault, summary, .. } = &loaded;
    let store: &dyn Store = services.store.as_ref();
    let today = (SystemClock.now() + chrono::Duration::hours(8)).date_naive();

    let estates = store.estates(&page(HUIMIN_PATH)).await.unwrap();
    assert_eq!(estates.iter().filter(|e| e.property_station_id.is_some()).count(), 101, "红色物业 stations cover 101 estates");
    assert_eq!(estates.len(), registry::HUIMIN_ESTATES);
    assert!(estates.iter().any(|e| e.name.contains("家属")), "old family housing");
    assert_eq!(summary.written.estates_with_station, 101);

    let orgs = |kind| async move { store.organisations(&page(HUIMIN_PATH), Some(kind)).await.unwrap() };
    assert_eq!(orgs(OrgKind::SocialOrg).await.len(), 96);
    assert!(orgs(OrgKind::PropertyCompany).await.iter().any(|o| o.name.contains("居民")), "a company residents founded");
    for community in ["150103004017", "150102001010"] {
        let area = store.area_by_code(community).await.unwrap().unwrap();
        let units = store.organisations(&page(&area.path), Some(OrgKind::PartnerUnit)).await.unwrap();
        assert!(!units.is_empty(), "{community} has partner units");
    }

    let advisers = store.people(&page("/1501/"), Some(PersonKind::LegalAdviser)).await.unwrap();
    assert_eq!(advisers.len(), 73);
    for p in &advisers {
        assert!(p.profession.is_some() && p.organisation.is_some(), "{}", p.name);
        let assigned = store.assignments_of(p.id).await.unwrap();
        assert!((1..=3).contains(&assigned.len()), "{}", p.name);
        for a in assigned {
            let grid = store.area_by_id(a.area_id).await.unwrap().unwrap();
            assert!(grid.level == AreaLevel::Grid && grid.path.starts_with(HUIMIN_PATH), "{}: {}", p.name, grid.path);
            assert!(grid.path.starts_with(&p.area_path), "an adviser's grids lie in the adviser's area");
        }
    }
    for p in store.people(&page("/1501/"), None).await.unwrap() {
        assert!(!from_the_article(&p.name), "{}", p.name);
    }
    let legal = services.store.user_by_username("legal").await.unwrap().unwrap();
    assert!(advisers.iter().any(|p| p.user_id == Some(legal.id) && p.name == legal.display_name), "the demo adviser is one of them");

    // Every ID number decrypts to a valid one that matches the record, and none repeats.
    let residents = store.residents(&ResidentQuery { page: page("/1501/"), ..Default::default() }).await.unwrap();
    assert_eq!(residents.len(), summary.written.residents);
    assert!((6_000..=10_000).contains(&residents.len()), "{} residents", residents.len());
    let mut ids = HashSet::new();
    for r in &residents {
        let stored = r.id_number.as_ref().expect("every demo resident has an ID number");
        let id = IdNumber::parse(&vault.decrypt(ID_FIELD, &stored.cipher).unwrap()).unwrap();
        assert_eq!((id.birth_date(), id.gender(), id.region_code()), (r.birth_date, r.gender, "150101"));
        assert_eq!(stored.hash, vault.blind_index(ID_FIELD, id.as_str()));
        assert_eq!(stored.masked, id.masked());
        assert!(ids.insert(id.as_str().to_string()), "duplicate ID number");
        if let Some(p) = &r.phone {
            assert!(Phone::parse(&vault.decrypt(PHONE_FIELD, &p.cipher).unwrap()).is_ok());
        }
        assert!(!from_the_article(&r.name), "{}", r.name);
    }
    let share = |f: &dyn Fn(u32) -> bool| residents.iter().filter(|r| f(age_on(r.birth_date, today))).count() * 100 / residents.len();
    assert!((15..=35).contains(&share(&|a| a >= 60)), "elderly share {}%", share(&|a| a >= 60));
    assert!((5..=20).contains(&share(&|a| a < 14)), "children share {}%", share(&|a| a < 14));
    assert!(residents.iter().any(|r| r.relation == fengqiao_domain::model::Relation::Tenant));
    assert!(residents.iter().any(|r| r.tags.iter().any(|t| t == "living_alone")));

    // Heads are residents of their building (entrance), 55 or older.
    let buildings = store.buildings(&page("/1501/"), None).await.unwrap();
    let mut heads = 0;
    for b in &buildings {
        let living: Vec<_> = store.residents(&ResidentQuery { page: page("/1501/"), building_id: Some(b.id), ..Default::default() }).await.unwrap();
        let entrance_heads = store.entrances_of(b.id).await.unwrap().into_iter().filter_map(|e| e.head_person_id);
        for head in b.head_person_id.into_iter().chain(entrance_heads) {
            let p = store.person_by_id(head).await.unwrap().unwrap();
            assert!(matches!(p.kind, PersonKind::BuildingHead | PersonKind::EntranceHead));
            assert_eq!(p.area_id, b.area_id, "a head belongs to the building's grid");
            assert!(living.iter().any(|r| r.name == p.name && age_on(r.birth_date, today) >= 55), "{} in {}", p.name, b.address);
            heads += 1;
        }
    }
    assert!(heads > 100, "{heads} heads");
    assert_eq!(heads, summary.written.heads);

    for code in SEED_COMMUNITIES {
        let area = store.area_by_code(code).await.unwrap().unwrap();
        let n = store.households(&HouseholdQuery { page: page(&area.path), building_id: None }).await.unwrap().len();
        assert!(n >= 200, "{code}: {n} households");
    }

    let grid = store.area_by_code("150103003001G02").await.unwrap().unwrap();
    assert_eq!(store.grid_duties(grid.id).await.unwrap().len(), 8);
    let serving = store.people_assigned_to(grid.id).await.unwrap();
    assert!(serving.iter().any(|p| p.kind == PersonKind::GridWorker));
    let grid = store.area_by_code("150103003030G01").await.unwrap().unwrap();
    let worker = services.store.user_by_username("grid").await.unwrap().unwrap();
    let serving = store.people_assigned_to(grid.id).await.unwrap();
    assert!(serving.iter().any(|p| p.user_id == Some(worker.id)), "the demo grid worker serves the account's grid");

    // One summary audit row per district, not one per record, and the chain holds.
    let op = operator("test");
    let rows = services.audit_log(&op, AuditFilter { action_prefix: Some("demo.registry".into()), limit: 500, ..Default::default() }).await.unwrap();
    assert_eq!(rows.len(), 2);
    assert!(rows.iter().any(|r| r.entity_id == HUIMIN && r.after.as_ref().unwrap()["estates_with_station"] == 101));
    assert!(store.audit_head().await.unwrap().0 < 1_000);
    assert!(services.verify_audit().await.unwrap().broken.is_none());

    // The services read the values back: the field names match theirs.
    let r = &residents[0];
    let shown = services.reveal(&op, r.id, RevealField::IdNumber, "测试核对").await.unwrap();
    assert_eq!(shown, vault.decrypt(ID_FIELD, &r.id_number.as_ref().unwrap().cipher).unwrap());
    let with_phone = residents.iter().find(|r| r.phone.is_some()).unwrap();
    let shown = services.reveal(&op, with_phone.id, RevealField::Phone, "测试核对").await.unwrap();
    assert_eq!(shown, vault.decrypt(PHONE_FIELD, &with_phone.phone.as_ref().unwrap().cipher).unwrap());
    let person = NewPerson {
        name: "测试员".into(),
        kind: "grid_worker".into(),
        profession: None,
        organisation: None,
        phone: Some("13900001111".into()),
        area_code: "150103003001G02".into(),
        assign_to: vec![],
    };
    let created = services.create_person(&op, person).await.unwrap();
    assert_eq!(created.phone.unwrap().hash, vault.blind_index(PERSON_PHONE_FIELD, "13900001111"));
}

#[tokio::test]
async fn the_registry_is_the_same_every_time_and_loaded_once() {
    let a = loaded().await;
    let b = loaded().await;
    assert_eq!(a.summary.written, b.summary.written);
    let names = |l: &Loaded| {
        let store = l.services.store.clone();
        async move {
            let mut v: Vec<String> = store.residents(&ResidentQuery { page: page("/1501/"), ..Default::default() }).await.unwrap().into_iter().map(|r| r.name).collect();
            v.sort();
            v
        }
    };
    assert_eq!(names(&a).await, names(&b).await);

    // Run again on the same world (a reused PostgreSQL demo): nothing is written twice.
    let again = registry::load(a.services.store.as_ref(), &a.vault, SystemClock.now()).await.unwrap();
    assert_eq!(again.written, Counts::default());
    assert_eq!(again.kept, ["回民区", "新城区"]);
}
