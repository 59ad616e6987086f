//! Estates and buildings, people who serve, and areas: created, checked, and updated on a
//! second import instead of duplicated.

use fengqiao_domain::model::{ImportKind, ImportStatus, Role};
use fengqiao_domain::ports::Page;
use fengqiao_store::testing;

use crate::support::{cells, p, problems, sheet, world};

fn page(path: &str) -> Page {
    Page { scope_path: path.into(), text: None, after: None, limit: 200 }
}

#[tokio::test]
async fn estates_buildings_and_entrances() {
    for db in testing::all().await {
        let w = world(db).await;
        let street = w.actor(Role::StreetStaff, "150103003").await;
        let keys = &["community_code", "estate", "estate_address", "building", "grid_code", "entrances", "floors"];
        let c = "150103003030";
        let rows = vec![
            cells(&[c, "铁路小区", "巴彦淖尔北路12号", "3", "150103003030G01", "2", "6"]),
            cells(&[c, "铁路小区", "", "4号楼", "150103003030G02", "3", ""]),
            cells(&[c, "电业局小区", "光明路8号", "", "", "", ""]),
            cells(&[c, "铁路小区", "", "5", "", "", ""]),
            cells(&[c, "铁路小区", "", "3", "150103003030G01", "", ""]),
            cells(&["150102002001", "别区小区", "锡林路1号", "", "", "", ""]),
            cells(&[c, "新小区", "", "1", "150103003030G03", "", "300"]),
        ];
        let job = w.import(&street, ImportKind::Places, sheet(ImportKind::Places, keys, rows.clone()), false).await;
        assert_eq!(job.status, ImportStatus::Rejected, "{}", w.name);
        let expected = vec![
            p(5, "网格代码", "error-import-required"),
            p(6, "楼栋", "error-import-duplicate-in-file"),
            p(7, "社区代码", "error-area-not-found"),
            p(8, "层数", "error-floors"),
        ];
        assert_eq!(problems(&job), expected, "{}", w.name);

        let job = w.import(&street, ImportKind::Places, sheet(ImportKind::Places, keys, rows[..3].to_vec()), false).await;
        let o = job.outcome.unwrap();
        assert_eq!((o.created, o.updated, o.unchanged), (3, 0, 0), "{}: {:?}", w.name, o.problems);
        let estates = w.s.store.estates(&page("/")).await.unwrap();
        assert_eq!(estates.len(), 2);
        let railway = estates.iter().find(|e| e.name == "铁路小区").unwrap();
        assert_eq!(railway.address, "巴彦淖尔北路12号", "the address given once serves every row of the estate");
        let buildings = w.s.store.buildings(&page("/"), Some(railway.id)).await.unwrap();
        let names: Vec<&str> = buildings.iter().map(|b| b.name.as_str()).collect();
        assert_eq!(names, ["3号楼", "4号楼"]);
        assert_eq!(w.s.store.entrances_of(buildings[1].id).await.unwrap().len(), 3);

        // Again, with one more entrance and a floor count: updates, no duplicates.
        let mut again = rows[..3].to_vec();
        again[0] = cells(&[c, "铁路小区", "巴彦淖尔北路12号", "3", "150103003030G01", "3", "7"]);
        let job = w.import(&street, ImportKind::Places, sheet(ImportKind::Places, keys, again), false).await;
        let o = job.outcome.unwrap();
        assert_eq!((o.created, o.updated, o.unchanged), (0, 1, 2), "{}", w.name);
        assert_eq!(w.s.store.estates(&page("/")).await.unwrap().len(), 2);
        let three = w.s.store.buildings(&page("/"), Some(railway.id)).await.unwrap().into_iter().find(|b| b.name == "3号楼").unwrap();
        assert_eq!((three.floors, three.version), (Some(7), 2));
        assert_eq!(w.s.store.entrances_of(three.id).await.unwrap().len(), 3);

        // A building cannot change grid through an import.
        let moved = vec![cells(&[c, "铁路小区", "", "3", "150103003030G05", "", ""])];
        let job = w.import(&street, ImportKind::Places, sheet(ImportKind::Places, keys, moved), false).await;
        assert_eq!(problems(&job), vec![p(2, "网格代码", "error-import-building-grid")]);
    }
}

#[tokio::test]
async fn people_who_serve_and_their_grids() {
    for db in testing::all().await {
        let w = world(db).await;
        let community = w.actor(Role::CommunityStaff, "150103003030").await;
        let keys = &["name", "kind", "profession", "organisation", "phone", "area_code", "assign_to"];
        let c = "150103003030";
        let rows = vec![
            cells(&["李振华", "网格员", "", "", "13904711111", c, "150103003030G01，150103003030G02"]),
            cells(&["张敏", "三官一律", "法官", "回民区人民法院", "", c, "150103003030G01"]),
            cells(&["王律", "三官一律", "", "", "", c, ""]),
            cells(&["赵干部", "包联干部", "", "", "", c, "150103003030G01"]),
            cells(&["钱多", "志愿者", "", "", "", c, ""]),
            cells(&["孙外", "网格员", "", "", "", "150102002001", ""]),
        ];
        let job = w.import(&community, ImportKind::People, sheet(ImportKind::People, keys, rows.clone()), true).await;
        let expected = vec![
            p(4, "身份(三官一律)", "error-profession"),
            p(5, "服务网格", "error-assign-level"),
            p(6, "类型", "error-person-kind"),
            p(7, "所属区域代码", "error-area-not-found"),
        ];
        assert_eq!(problems(&job), expected, "{}", w.name);
        let o = job.outcome.unwrap();
        assert_eq!((o.created, o.skipped), (2, 4));
        let people = w.s.store.people(&page("/"), None).await.unwrap();
        let li = people.iter().find(|p| p.name == "李振华").unwrap();
        assert_eq!(li.phone.as_ref().unwrap().masked, "139****1111");
        assert_eq!(w.s.store.assignments_of(li.id).await.unwrap().len(), 2);

        // The list of grids in the sheet is the whole list; unchanged people stay unchanged.
        let again = vec![cells(&["李振华", "网格员", "", "", "13904711111", c, "150103003030G03"]), rows[1].clone()];
        let job = w.import(&community, ImportKind::People, sheet(ImportKind::People, keys, again), false).await;
        let o = job.outcome.unwrap();
        assert_eq!((o.created, o.updated, o.unchanged), (0, 1, 1), "{}", w.name);
        let serving = w.s.store.assignments_of(li.id).await.unwrap();
        assert_eq!(serving.len(), 1);
        assert!(serving[0].area_path.ends_with("150103003030G03/"));
        assert_eq!(w.s.store.people(&page("/"), None).await.unwrap().len(), 2, "{}: no duplicates", w.name);
    }
}

#[tokio::test]
async fn areas_in_the_division_code_format() {
    for db in testing::all().await {
        let w = world(db).await;
        let street = w.actor(Role::StreetStaff, "150103003").await;
        let keys = &["code", "name", "level", "parent_code"];
        let rows = vec![
            cells(&["150103003099G01", "第一网格", "网格", "150103003099"]),
            cells(&["150103003099", "新华社区居民委员会", "community", "150103003"]),
            cells(&["150103003030G21", "第二十一网格", "grid", "150103003030"]),
            cells(&["150103003030G01", "第一网格", "grid", "150103003030"]),
            cells(&["150102002001G02", "第二网格", "grid", "150102002001"]),
            cells(&["150103003030G22", "第二十二网格", "街道", "150103003030"]),
            cells(&["150103003030G23", "", "grid", "150103003030"]),
            cells(&["150103003098G01", "孤儿网格", "grid", "150103003098"]),
        ];
        let job = w.import(&street, ImportKind::Areas, sheet(ImportKind::Areas, keys, rows.clone()), false).await;
        let expected = vec![
            p(6, "上级代码", "error-area-not-found"),
            p(7, "级别", "error-area-move-level"),
            p(8, "名称", "error-import-required"),
            p(9, "上级代码", "error-import-parent-missing"),
        ];
        assert_eq!(problems(&job), expected, "{}", w.name);
        let job = w.import(&street, ImportKind::Areas, sheet(ImportKind::Areas, keys, rows), true).await;
        let o = job.outcome.unwrap();
        assert_eq!((o.created, o.unchanged, o.skipped), (3, 1, 4), "{}: {:?}", w.name, o.problems);
        let community = w.s.store.area_by_code("150103003099").await.unwrap().unwrap();
        assert_eq!(community.name, "新华社区", "committee names become place names");
        let grid = w.s.store.area_by_code("150103003099G01").await.unwrap().unwrap();
        assert_eq!(grid.path, "/1501/150103/150103003/150103003099/150103003099G01/", "a parent later in the file is placed first");
    }
}
