//! Households and residents: every problem reported by row and column, duplicates, scope,
//! valid rows only, and re-imports that update instead of duplicating.

use fengqiao_domain::model::{AuditFilter, ImportKind, ImportStatus, Role};
use fengqiao_domain::ports::{Page, ResidentQuery};
use fengqiao_store::testing;

use crate::support::{World, cells, id, p, problems, sheet, world};

const KEYS: &[&str] = &["grid_code", "address", "building", "entrance", "room", "name", "id_number", "gender", "birth_date", "phone", "relation", "tags"];

fn row(grid: &str, room: &str, name: &str, id_number: &str, phone: &str, relation: &str, tags: &str) -> Vec<String> {
    cells(&[grid, "铁路小区", "3", "1", room, name, id_number, "", "", phone, relation, tags])
}

async fn residents_in(w: &World, path: &str) -> Vec<fengqiao_domain::model::Resident> {
    let q = ResidentQuery { page: Page { scope_path: path.into(), text: None, after: None, limit: 200 }, ..Default::default() };
    w.s.store.residents(&q).await.unwrap()
}

#[tokio::test]
async fn every_problem_is_reported_by_row_and_column_and_nothing_is_written() {
    for db in testing::all().await {
        let w = world(db).await;
        let community = w.actor(Role::CommunityStaff, "150103003030").await;
        let good = id("1950-03-12", 2);
        let mut bad_check = good.clone();
        bad_check.replace_range(17.., if good.ends_with('1') { "2" } else { "1" });
        let g = "150103003030G01";
        let rows = vec![
            row(g, "502", "王秀英", &good, "13904710000", "户主", "独居，党员"),
            row(g, "503", "李四", &bad_check, "", "户主", ""),
            row(g, "504", "张三", "150101195002300021", "", "户主", ""),
            row(g, "505", "赵五", "990101195003120021", "", "户主", ""),
            row(g, "506", "钱六", "150101500312006", "", "户主", ""),
            cells(&[g, "铁路小区", "3", "1", "507", "孙七", &id("1960-01-01", 4), "男", "", "", "户主", ""]),
            row(g, "508", "周八", &id("1970-01-01", 5), "12345", "邻居", ""),
            row(g, "509", "吴九", "", "", "子女", ""),
            row("150103003001G01", "510", "郑十", &id("1980-01-01", 7), "", "户主", ""),
            cells(&[g, "铁路小区", "", "2", "511", "王十一", &id("1981-01-01", 9), "", "", "", "户主", ""]),
        ];
        let job = w.import(&community, ImportKind::Households, sheet(ImportKind::Households, KEYS, rows.clone()), false).await;
        assert_eq!(job.status, ImportStatus::Rejected, "{}", w.name);
        let expected = vec![
            p(3, "身份证号", "error-id-check-digit"),
            p(4, "身份证号", "error-id-birth-date"),
            p(5, "身份证号", "error-id-region"),
            p(7, "性别", "error-id-gender-mismatch"),
            p(8, "与户主关系", "error-relation"),
            p(8, "电话", "error-phone"),
            p(9, "出生日期", "error-birth-date-needed"),
            p(9, "性别", "error-gender-needed"),
            p(10, "网格代码", "error-area-not-found"),
            p(11, "单元", "error-import-entrance-building"),
        ];
        assert_eq!(problems(&job), expected, "{}", w.name);
        let outcome = job.outcome.clone().unwrap();
        assert_eq!((outcome.rows_total, outcome.rows_valid, outcome.created, outcome.written), (10, 2, 0, false));
        let echoed = &outcome.problems[0].value;
        assert!(echoed.contains('*') && !echoed.contains(&bad_check), "ID numbers are echoed masked: {echoed}");
        assert!(residents_in(&w, "/").await.is_empty(), "{}: nothing written", w.name);

        // The valid rows only: the 15-digit number is converted, the rest skipped.
        let job = w.import(&community, ImportKind::Households, sheet(ImportKind::Households, KEYS, rows), true).await;
        assert_eq!(job.status, ImportStatus::Done);
        let o = job.outcome.unwrap();
        assert_eq!((o.created, o.skipped, o.written), (2, 8, true), "{}", w.name);
        let mut names: Vec<String> = residents_in(&w, "/").await.into_iter().map(|r| r.name).collect();
        names.sort();
        assert_eq!(names, ["王秀英", "钱六"]);
        let audit = w.s.store.audit_page(&AuditFilter { scope_path: "/".into(), action_prefix: Some("registry.import".into()), limit: 10, ..Default::default() }).await.unwrap();
        assert_eq!(audit.len(), 1, "{}: one audit row for the whole import", w.name);
        assert_eq!(audit[0].after.as_ref().unwrap()["created"], 2);
        assert_eq!(audit[0].after.as_ref().unwrap()["file"], "测试.xlsx");
    }
}

#[tokio::test]
async fn duplicates_and_reimports_update_instead_of_adding() {
    for db in testing::all().await {
        let w = world(db).await;
        let community = w.actor(Role::CommunityStaff, "150103003030").await;
        let street = w.actor(Role::StreetStaff, "150103003").await;
        let g = "150103003030G01";
        let (a, b, elsewhere) = (id("1950-03-12", 2), id("1952-05-01", 3), id("1960-07-07", 5));
        let first = vec![row(g, "101", "王建国", &a, "13904710001", "户主", "退役军人"), row(g, "101", "刘桂兰", &b, "", "配偶", ""), cells(&[g, "铁路小区", "3", "1", "101", "王小明", "", "男", "2015-06-01", "", "孙子", ""])];

        // The same person twice in one file: the later row is the mistake.
        let mut twice = first.clone();
        twice.push(row(g, "102", "王建国", &a, "", "户主", ""));
        let job = w.import(&community, ImportKind::Households, sheet(ImportKind::Households, KEYS, twice), false).await;
        assert_eq!(problems(&job), vec![p(5, "身份证号", "error-import-duplicate-in-file")], "{}", w.name);
        assert_eq!(job.outcome.as_ref().unwrap().problems[0].args, vec![("row".to_string(), "2".to_string())]);

        let job = w.import(&community, ImportKind::Households, sheet(ImportKind::Households, KEYS, first.clone()), false).await;
        assert_eq!(job.outcome.as_ref().unwrap().created, 3, "{}: {:?}", w.name, problems(&job));
        let households = w.s.store.households(&fengqiao_domain::ports::HouseholdQuery { page: Page { scope_path: "/".into(), text: None, after: None, limit: 50 }, building_id: None }).await.unwrap();
        assert_eq!(households.len(), 1, "three people, one household");
        assert_eq!(households[0].address, "铁路小区3号楼1单元101");
        assert!(households[0].building_id.is_some() && households[0].entrance_id.is_some(), "building and entrance created");

        // The same file again changes nothing.
        let job = w.import(&community, ImportKind::Households, sheet(ImportKind::Households, KEYS, first.clone()), false).await;
        let o = job.outcome.unwrap();
        assert_eq!((o.created, o.updated, o.unchanged, o.written), (0, 0, 3, false), "{}", w.name);
        assert_eq!(residents_in(&w, "/").await.len(), 3);

        // A changed phone, a tag and a move update the records on file.
        let changed = vec![row(g, "102", "王建国", &a, "13904710002", "户主", "退役军人、党员"), first[1].clone(), first[2].clone()];
        let job = w.import(&community, ImportKind::Households, sheet(ImportKind::Households, KEYS, changed), false).await;
        let o = job.outcome.unwrap();
        assert_eq!((o.created, o.updated, o.unchanged), (0, 1, 2), "{}", w.name);
        let all = residents_in(&w, "/").await;
        assert_eq!(all.len(), 3, "{}: no duplicate", w.name);
        let jianguo = all.iter().find(|r| r.name == "王建国").unwrap();
        assert_eq!(jianguo.phone.as_ref().unwrap().masked, "139****0002");
        assert_eq!(jianguo.tags, ["veteran", "party_member"]);
        assert_eq!(jianguo.version, 2);
        let home = w.s.store.household_by_id(jianguo.household_id).await.unwrap().unwrap();
        assert_eq!(home.address, "铁路小区3号楼1单元102");

        // A person on record outside the caller's scope is not recorded twice.
        let other = vec![cells(&["150103003001G01", "什拉门更小区", "", "", "1", "马丽", &elsewhere, "", "", "", "户主", ""])];
        let job = w.import(&street, ImportKind::Households, sheet(ImportKind::Households, KEYS, other), false).await;
        assert_eq!(job.outcome.unwrap().created, 1);
        let job = w.import(&community, ImportKind::Households, sheet(ImportKind::Households, KEYS, vec![row(g, "103", "马丽", &elsewhere, "", "户主", "")]), false).await;
        assert_eq!(problems(&job), vec![p(2, "身份证号", "error-import-resident-elsewhere")], "{}", w.name);

        // A grid worker may import into their own grid only.
        let worker = w.actor(Role::GridWorker, "150103003030G02").await;
        let job = w.import(&worker, ImportKind::Households, sheet(ImportKind::Households, KEYS, vec![row(g, "104", "冯十二", &id("1990-01-01", 11), "", "户主", "")]), false).await;
        assert_eq!(problems(&job), vec![p(2, "网格代码", "error-area-not-found")]);
        let leader = w.actor(Role::Leader, "150103").await;
        assert!(w.s.start_import(&leader, ImportKind::Households, "x.csv", false).await.is_err(), "a read-only role may not import");
    }
}
