//! Case settings over the API on every backend: categories added, renamed and retired (and
//! what intake then accepts), deadline limits, calendar years, who may change them, and a
//! second app node on the same database seeing each change.

use fengqiao_domain::model::case::CaseKind;
use reqwest::Method;
use serde_json::{Value, json};

use crate::support::TestApp;

async fn area_id(app: &TestApp, code: &str) -> String {
    app.services.store.area_by_code(code).await.unwrap().unwrap().id.to_string()
}

async fn intake(app: &TestApp, token: &str, kind: &str, category: &str) -> (u16, Value) {
    let g01 = area_id(app, "150103003030G01").await;
    let mut body = json!({"kind": kind, "category": category, "title": "楼道堆放杂物", "area_id": g01, "channel": "grid_patrol"});
    if kind == "dispute" {
        body["parties"] = json!([{"role": "applicant", "name": "王秀英"}, {"role": "respondent", "name": "李建国"}]);
    }
    app.send(Method::POST, token, "/api/v1/cases", body).await
}

fn code(p: &Value) -> (Option<&str>, Option<&str>) {
    (p["code"].as_str(), p["field"].as_str())
}

#[tokio::test]
async fn administrators_add_rename_and_retire_categories() {
    for app in TestApp::all().await {
        let n = app.backend;
        let admin = app.token("admin").await;
        let (s, c) = app
            .send(Method::POST, &admin, "/api/v1/case-categories", json!({"kind": "hazard", "code": "fire.lithium", "name_zh": "锂电池", "name_en": "Lithium batteries"}))
            .await;
        assert_eq!(s, 201, "{n}: {c}");
        assert_eq!(c["code"], "fire.lithium");
        let (_, list) = app.get(&admin, "/api/v1/case-categories?kind=hazard").await;
        assert!(list.as_array().unwrap().iter().any(|c| c["code"] == "fire.lithium" && c["name_zh"] == "锂电池"), "{n}");
        let grid = app.token("grid").await;
        assert_eq!(intake(&app, &grid, "hazard", "fire.lithium").await.0, 201, "{n}: a new category is offered at once");

        // Bad input: an unknown parent, the same code again, a malformed code, empty names.
        let add = |body: Value| app.send(Method::POST, &admin, "/api/v1/case-categories", body);
        let (s, p) = add(json!({"kind": "hazard", "code": "nosuch.child", "name_zh": "无", "name_en": "None"})).await;
        assert_eq!((s, code(&p)), (422, (Some("error-case-category-parent"), Some("code"))), "{n}: {p}");
        let (s, p) = add(json!({"kind": "hazard", "code": "fire.lithium", "name_zh": "再来", "name_en": "Again"})).await;
        assert_eq!((s, code(&p).0), (409, Some("error-case-category-duplicate")), "{n}: {p}");
        let (s, p) = add(json!({"kind": "hazard", "code": "Fire Lithium", "name_zh": "错", "name_en": "Bad"})).await;
        assert_eq!((s, code(&p)), (422, (Some("error-case-category"), Some("code"))), "{n}: {p}");
        let (s, p) = add(json!({"kind": "hazard", "code": "gas.leak", "name_zh": " ", "name_en": "Leak"})).await;
        assert_eq!((s, code(&p)), (422, (Some("error-case-category-name"), Some("name"))), "{n}: {p}");
        // The same code in another kind is a different category.
        let (s, _) = add(json!({"kind": "demand", "code": "lithium", "name_zh": "锂电池回收", "name_en": "Battery recycling"})).await;
        assert_eq!(s, 201, "{n}");

        // Rename, then retire: old cases keep it, intake refuses it and what lies below it.
        let (s, c) = app.send(Method::PATCH, &admin, "/api/v1/case-categories/hazard/fire.lithium", json!({"name_zh": "锂电池火灾"})).await;
        assert_eq!((s, c["name_zh"].as_str(), c["name_en"].as_str()), (200, Some("锂电池火灾"), Some("Lithium batteries")), "{n}: {c}");
        let (s, c) = app.send(Method::PATCH, &admin, "/api/v1/case-categories/dispute/tenancy", json!({"retired": true})).await;
        assert_eq!((s, &c["retired"]), (200, &json!(true)), "{n}: {c}");
        let (s, p) = intake(&app, &grid, "dispute", "tenancy").await;
        assert_eq!((s, code(&p)), (422, (Some("error-case-category"), Some("category"))), "{n}: a retired category is refused");
        let (s, _) = intake(&app, &grid, "dispute", "tenancy.rent").await;
        assert_eq!(s, 422, "{n}: so is one under it");
        let (s, p) = add(json!({"kind": "dispute", "code": "tenancy.parking", "name_zh": "车位", "name_en": "Parking"})).await;
        assert_eq!((s, code(&p).0), (422, Some("error-case-category-parent-retired")), "{n}: {p}");
        app.send(Method::PATCH, &admin, "/api/v1/case-categories/dispute/tenancy", json!({"retired": false})).await;
        assert_eq!(intake(&app, &grid, "dispute", "tenancy.rent").await.0, 201, "{n}: brought back");

        let (s, p) = app.send(Method::PATCH, &admin, "/api/v1/case-categories/dispute/nothing.here", json!({"retired": true})).await;
        assert_eq!((s, code(&p).0), (404, Some("error-case-category-not-found")), "{n}");
        let (s, p) = app.send(Method::PATCH, &admin, "/api/v1/case-categories/dispute/neighbour", json!({"name_en": ""})).await;
        assert_eq!((s, code(&p).0), (422, Some("error-case-category-name")), "{n}");

        // Only those who keep the settings may change them; every change is audited.
        let community = app.token("community").await;
        let (s, p) = app.send(Method::POST, &community, "/api/v1/case-categories", json!({"kind": "hazard", "code": "fire.candles", "name_zh": "蜡烛", "name_en": "Candles"})).await;
        assert_eq!((s, code(&p).0), (403, Some("error-forbidden")), "{n}");
        let (s, _) = app.send(Method::PATCH, &community, "/api/v1/case-categories/dispute/neighbour", json!({"retired": true})).await;
        assert_eq!(s, 403, "{n}");
        let district = app.token("hm").await;
        let (s, _) = app.send(Method::POST, &district, "/api/v1/case-categories", json!({"kind": "hazard", "code": "fire.candles", "name_zh": "蜡烛", "name_en": "Candles"})).await;
        assert_eq!(s, 201, "{n}: district offices keep them too");
        let (_, audit) = app.get(&admin, "/api/v1/audit?limit=50").await;
        let actions: Vec<&str> = audit["items"].as_array().unwrap().iter().filter_map(|e| e["action"].as_str()).collect();
        for a in ["case_settings.category_add", "case_settings.category_rename", "case_settings.category_retire", "case_settings.category_restore"] {
            assert!(actions.contains(&a), "{n}: {a} audited in {actions:?}");
        }
    }
}

fn table(limits: &Value) -> Vec<Value> {
    limits["limits"].as_array().unwrap().clone()
}

#[tokio::test]
async fn deadline_limits_are_a_table_that_applies_to_later_deadlines() {
    for app in TestApp::all().await {
        let n = app.backend;
        let admin = app.token("admin").await;
        let (s, got) = app.get(&admin, "/api/v1/deadline-limits").await;
        assert_eq!(s, 200, "{n}");
        let version = got["version"].as_i64().unwrap();
        assert!(table(&got).contains(&json!({"kind": "dispute", "category": "labour", "level": "community", "working_days": 10})), "{n}: {got}");

        let put = |limits: Vec<Value>, v: Option<i64>| app.send(Method::PUT, &admin, "/api/v1/deadline-limits", json!({"expected_version": v, "limits": limits}));
        let with = |f: &dyn Fn(&mut Value)| {
            let mut t = table(&got);
            for l in t.iter_mut() {
                f(l);
            }
            t
        };
        let hazard_community = |l: &Value| l["kind"] == "hazard" && l["category"].is_null() && l["level"] == "community";
        for (days, key) in [(json!(0), "error-deadline-limit"), (json!(251), "error-deadline-limit"), (json!(100000), "error-deadline-limit"), (json!(-1), "error-json-fields"), (json!(2.5), "error-json-fields")] {
            let t = with(&|l| {
                if hazard_community(l) {
                    l["working_days"] = days.clone();
                }
            });
            let (s, p) = put(t, Some(version)).await;
            assert_eq!((s, code(&p).0), (422, Some(key)), "{n}: {days} days: {p}");
        }
        let missing: Vec<Value> = table(&got).into_iter().filter(|l| !hazard_community(l)).collect();
        let (s, p) = put(missing, Some(version)).await;
        assert_eq!((s, code(&p).0), (422, Some("error-deadline-limit-default-missing")), "{n}");
        let mut twice = table(&got);
        twice.push(twice[0].clone());
        let (s, p) = put(twice, Some(version)).await;
        assert_eq!((s, code(&p).0), (422, Some("error-deadline-limit-duplicate")), "{n}");
        let mut unknown = table(&got);
        unknown.push(json!({"kind": "hazard", "category": "noise", "level": "street", "working_days": 3}));
        let (s, p) = put(unknown, Some(version)).await;
        assert_eq!((s, code(&p).0), (422, Some("error-case-category")), "{n}");
        let community = app.token("community").await;
        let (s, _) = app.send(Method::PUT, &community, "/api/v1/deadline-limits", json!({"limits": table(&got)})).await;
        assert_eq!(s, 403, "{n}");

        // A hazard case accepted before the change keeps its deadline; one accepted after gets
        // the new limit (3 working days instead of 1).
        let grid = app.token("grid").await;
        let (_, before) = intake(&app, &grid, "hazard", "fire.corridor_clutter").await;
        let accept = |c: &Value| {
            let path = format!("/api/v1/cases/{}/actions", c["id"].as_str().unwrap());
            let (app, community) = (&app, &community);
            async move { app.send(Method::POST, community, &path, json!({"expected_version": 1, "action": {"action": "accept"}})).await }
        };
        let (_, early) = accept(&before).await;
        let t = with(&|l| {
            if hazard_community(l) {
                l["working_days"] = json!(3);
            }
        });
        let (s, saved) = put(t.clone(), Some(version)).await;
        assert_eq!(s, 200, "{n}: {saved}");
        assert!(saved["version"].as_i64().unwrap() > version);
        let (s, p) = put(t, Some(version)).await;
        assert_eq!((s, code(&p).0), (409, Some("error-settings-version-stale")), "{n}: a second writer with the old version");
        let (_, after) = intake(&app, &grid, "hazard", "fire.corridor_clutter").await;
        let (_, late) = accept(&after).await;
        let day = |v: &Value| chrono::DateTime::parse_from_rfc3339(v["case"]["deadline"].as_str().unwrap()).unwrap();
        let cal = fengqiao_domain::rules::calendar::Calendar::china();
        let gap = cal
            .working_days_between(fengqiao_domain::rules::calendar::local_date(day(&early).into()), fengqiao_domain::rules::calendar::local_date(day(&late).into()))
            .unwrap();
        assert_eq!(gap, 2, "{n}: {early} then {late}");
        let (_, kept) = app.get(&community, &format!("/api/v1/cases/{}", before["id"].as_str().unwrap())).await;
        assert_eq!(kept["deadline"], early["case"]["deadline"], "{n}: the earlier deadline stays");
        let (_, audit) = app.get(&admin, "/api/v1/audit?limit=10").await;
        assert!(audit["items"].as_array().unwrap().iter().any(|e| e["action"] == "case_settings.limits"), "{n}");
    }
}

fn day(date: &str, kind: &str) -> Value {
    json!({"date": date, "kind": kind, "name_zh": "元旦", "name_en": "New Year's Day"})
}

#[tokio::test]
async fn calendar_years_are_listed_and_added_with_their_rows_checked() {
    for app in TestApp::all().await {
        let n = app.backend;
        let admin = app.token("admin").await;
        let (s, years) = app.get(&admin, "/api/v1/calendar/years").await;
        assert_eq!(s, 200, "{n}");
        let listed: Vec<i64> = years.as_array().unwrap().iter().map(|y| y["year"].as_i64().unwrap()).collect();
        assert_eq!(listed, vec![2024, 2025, 2026], "{n}");
        assert_eq!(years[0]["holidays"], 28, "{n}: {years}");

        let add = |body: Value| app.send(Method::POST, &admin, "/api/v1/calendar/years", body);
        let bad = [
            (json!({"year": 2027, "days": [day("2027-13-01", "holiday")]}), 422, "error-json-fields"),
            (json!({"year": 2027, "days": [day("2027/01/01", "holiday")]}), 422, "error-json-fields"),
            (json!({"year": 2027, "days": [day("2028-01-01", "holiday")]}), 422, "error-calendar-other-year"),
            (json!({"year": 2027, "days": [day("2027-01-01", "holiday"), day("2027-01-01", "holiday")]}), 422, "error-calendar-duplicate-date"),
            (json!({"year": 2027, "days": [day("2027-01-02", "holiday"), day("2027-01-02", "workday")]}), 422, "error-calendar-holiday-and-workday"),
            (json!({"year": 2027, "days": [day("2027-01-01", "holiday"), day("2027-01-04", "workday")]}), 422, "error-calendar-workday-on-weekday"),
            (json!({"year": 2027, "days": [day("2027-01-09", "workday")]}), 422, "error-calendar-no-holiday"),
            (json!({"year": 20277, "days": [day("2027-01-01", "holiday")]}), 422, "error-calendar-year"),
            (json!({"year": 2027, "days": [{"date": "2027-01-01", "kind": "holiday", "name_zh": "", "name_en": "x"}]}), 422, "error-calendar-name"),
            (json!({"year": 2025, "days": [day("2025-01-01", "holiday")]}), 409, "error-calendar-year-exists"),
        ];
        for (body, status, key) in bad {
            let (s, p) = add(body.clone()).await;
            assert_eq!((s, code(&p).0), (status, Some(key)), "{n}: {body}: {p}");
        }
        let community = app.token("community").await;
        let (s, _) = app.send(Method::POST, &community, "/api/v1/calendar/years", json!({"year": 2027, "days": [day("2027-01-01", "holiday")]})).await;
        assert_eq!(s, 403, "{n}");

        let rows = json!([day("2027-01-01", "holiday"), day("2027-02-06", "workday"), day("2027-02-08", "holiday")]);
        let (s, y) = add(json!({"year": 2027, "days": rows})).await;
        assert_eq!((s, &y["holidays"], &y["workdays"]), (201, &json!(2), &json!(1)), "{n}: {y}");
        let (s, got) = app.get(&community, "/api/v1/calendar/years/2027").await;
        assert_eq!((s, got.as_array().map(Vec::len)), (200, Some(3)), "{n}: anyone who sees cases reads the calendar");
        let (s, _) = app.get(&community, "/api/v1/calendar/years/2031").await;
        assert_eq!(s, 404, "{n}");
        let (s, y) = add(json!({"year": 2027, "days": [day("2027-01-01", "holiday")], "replace": true})).await;
        assert_eq!((s, &y["holidays"], &y["workdays"]), (201, &json!(1), &json!(0)), "{n}: a corrected notice replaces the year");
        let (_, years) = app.get(&admin, "/api/v1/calendar/years").await;
        assert_eq!(years.as_array().unwrap().len(), 4, "{n}");
        let (_, audit) = app.get(&admin, "/api/v1/audit?limit=5").await;
        assert!(audit["items"].as_array().unwrap().iter().any(|e| e["action"] == "case_settings.calendar_year"), "{n}");
    }
}

#[tokio::test]
async fn a_second_node_on_the_same_database_sees_every_change() {
    for app in TestApp::all().await {
        let n = app.backend;
        let other = app.second_node().await;
        let before = other.case_settings().await.unwrap();
        assert!(before.categories.get(CaseKind::Hazard, "fire.candles").is_none(), "{n}");
        let admin = app.token("admin").await;
        let (s, _) = app.send(Method::POST, &admin, "/api/v1/case-categories", json!({"kind": "hazard", "code": "fire.candles", "name_zh": "蜡烛", "name_en": "Candles"})).await;
        assert_eq!(s, 201, "{n}");
        let after = other.case_settings().await.unwrap();
        assert!(after.version > before.version, "{n}");
        assert_eq!(after.categories.get(CaseKind::Hazard, "fire.candles").map(|c| c.name_zh.as_str()), Some("蜡烛"), "{n}");
        let (s, _) = app
            .send(Method::POST, &admin, "/api/v1/calendar/years", json!({"year": 2027, "days": [day("2027-01-01", "holiday")]}))
            .await;
        assert_eq!(s, 201, "{n}");
        assert!(other.case_settings().await.unwrap().deadlines.calendar.years().any(|y| y == 2027), "{n}");
        // A third node that has loaded the settings sees a change made on the second.
        let third = app.second_node().await;
        assert!(!third.case_settings().await.unwrap().categories.get(CaseKind::Hazard, "fire.candles").unwrap().retired, "{n}");
        let change = fengqiao_domain::services::cases::settings::CategoryChange { retired: Some(true), ..Default::default() };
        other.change_category(&fengqiao_domain::services::operator("t"), CaseKind::Hazard, "fire.candles", change).await.unwrap();
        assert!(third.case_settings().await.unwrap().categories.get(CaseKind::Hazard, "fire.candles").unwrap().retired, "{n}");
    }
}
