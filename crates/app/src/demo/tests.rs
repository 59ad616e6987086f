use fengqiao_domain::model::{AreaLevel, Role, SessionKind};
use fengqiao_domain::ports::SystemClock;
use fengqiao_domain::services::{AuthSettings, Services, operator};
use std::sync::Arc;

use super::world::grid_code;
use super::*;

async fn demo_services() -> (fengqiao_store::testing::TestDb, Services) {
    let db = fengqiao_store::testing::sqlite().await;
    let services = Services::new(db.store.clone(), Arc::new(SystemClock), AuthSettings::default(), std::sync::Arc::new(fengqiao_domain::privacy::Vault::for_tests()));
    (db, services)
}

#[tokio::test]
async fn the_seed_world_is_built_with_official_codes_grids_and_one_account_per_role() {
    let (_db, services) = demo_services().await;
    let built = build(&services, "fengqiao-demo").await.unwrap();
    assert_eq!(built.accounts_created, 11);
    let op = operator("test");
    for (code, name, level) in [
        ("1501", "呼和浩特市", AreaLevel::City),
        ("150102", "新城区", AreaLevel::District),
        ("150103", "回民区", AreaLevel::District),
        ("150105", "赛罕区", AreaLevel::District),
        ("150103003", "光明路街道", AreaLevel::Street),
        ("150103003030", "巴彦淖尔北路社区", AreaLevel::Community),
        ("150103003001", "什拉门更社区", AreaLevel::Community),
        ("150103004", "海拉尔西路街道", AreaLevel::Street),
        ("150103004017", "赛罕路社区", AreaLevel::Community),
        ("150102002", "锡林北路街道", AreaLevel::Street),
        ("150102001", "海拉尔东路街道", AreaLevel::Street),
        ("150102001010", "公安厅社区", AreaLevel::Community),
    ] {
        let area = services.area(&op, code).await.unwrap_or_else(|e| panic!("{code}: {e}"));
        assert_eq!((area.name.as_str(), area.level), (name, level), "{code}");
    }
    // Streets of districts outside the seed's two are left out; the districts themselves are there.
    assert!(services.area(&op, "150105001").await.is_err());
    assert!(services.area_children(&op, "150105", false).await.unwrap().is_empty());

    let grids = services.area_children(&op, "150103003030", false).await.unwrap();
    let codes: Vec<&str> = grids.iter().map(|g| g.code.as_str()).collect();
    assert_eq!(codes, ["150103003030G01", "150103003030G02", "150103003030G03"]);
    assert!(grids.iter().all(|g| g.level == AreaLevel::Grid));
    assert_eq!(grids[0].name, "第一网格");
    assert_eq!(grids[0].path, "/1501/150103/150103003/150103003030/150103003030G01/");
    assert!(services.area(&op, &grid_code("150102001010", 3)).await.is_ok());

    let accounts = services.accounts(&op, None, None, 200).await.unwrap();
    assert_eq!(accounts.len(), 11);
    let mut roles: Vec<Role> = accounts.iter().map(|u| u.role).collect();
    roles.sort_by_key(|r| r.as_str());
    let mut all = Role::ALL.to_vec();
    all.sort_by_key(|r| r.as_str());
    assert_eq!(roles, all, "one account per role");
    for a in DEMO_ACCOUNTS {
        let u = accounts.iter().find(|u| u.username.as_str() == a.username).unwrap();
        assert_eq!(u.role, a.role);
        assert!(u.home_area_path.ends_with(&format!("/{}/", a.area_code)), "{}: {}", a.username, u.home_area_path);
    }
    let admin = accounts.iter().find(|u| u.username.as_str() == "admin").unwrap();
    assert_eq!(admin.home_area_path, "/1501/");
    assert!(services.login("grid", "fengqiao-demo", None, SessionKind::Api).await.is_ok());
    // Every change went through the audited services.
    assert!(services.verify_audit().await.unwrap().broken.is_none());
}

#[tokio::test]
async fn building_again_keeps_the_world_and_resets_passwords() {
    let (_db, services) = demo_services().await;
    build(&services, "first-password").await.unwrap();
    let again = build(&services, "second-password").await.unwrap();
    assert_eq!(again, Built { areas_created: 0, accounts_created: 0 });
    assert!(services.login("leader", "second-password", None, SessionKind::Api).await.is_ok());
    assert!(services.login("leader", "first-password", None, SessionKind::Api).await.is_err());
}

#[test]
fn no_name_from_the_seed_article_is_used() {
    for a in DEMO_ACCOUNTS {
        assert!(!super::names::from_the_article(a.display_name), "{}", a.display_name);
    }
}
