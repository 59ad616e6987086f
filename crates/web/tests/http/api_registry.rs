//! The registry over the API: places, residents with masked personal data, audited reveals,
//! validation, duplicates and scope.

use reqwest::Method;
use serde_json::{Value, json};

use crate::support::TestApp;

/// A valid synthetic ID number (region 150101 is never issued to residents).
pub(crate) fn synthetic_id(birth: &str, seq: u16) -> String {
    let d = chrono::NaiveDate::parse_from_str(birth, "%Y-%m-%d").unwrap();
    fengqiao_domain::privacy::synthetic_id("150101", d, seq).as_str().to_string()
}

pub(crate) async fn building(app: &TestApp, token: &str) -> (String, String) {
    let (s, e) = app.send(Method::POST, token, "/api/v1/estates", json!({"community_code": "150103003030", "name": "铁路小区", "address": "巴彦淖尔北路12号"})).await;
    assert_eq!(s, 201, "{}: {e}", app.backend);
    let (s, b) = app
        .send(Method::POST, token, "/api/v1/buildings", json!({"grid_code": "150103003030G01", "estate_id": e["id"], "name": "3号楼", "address": "铁路小区3号楼", "floors": 6, "entrances": 2}))
        .await;
    assert_eq!(s, 201, "{b}");
    (e["id"].as_str().unwrap().to_string(), b["id"].as_str().unwrap().to_string())
}

pub(crate) async fn household(app: &TestApp, token: &str, building: &str, room: &str) -> String {
    let (_, detail) = app.get(token, &format!("/api/v1/buildings/{building}")).await;
    let entrance = detail["entrances"][0]["id"].clone();
    let (s, h) = app.send(Method::POST, token, "/api/v1/households", json!({"building_id": building, "entrance_id": entrance, "room": room})).await;
    assert_eq!(s, 201, "{h}");
    assert_eq!(h["address"], format!("铁路小区3号楼1单元{room}"));
    h["id"].as_str().unwrap().to_string()
}

#[tokio::test]
async fn residents_are_recorded_masked_and_revealed_with_a_reason() {
    for app in TestApp::all().await {
        let community = app.token("community").await;
        let (_, b) = building(&app, &community).await;
        let h = household(&app, &community, &b, "502").await;
        let id = synthetic_id("1950-03-12", 2);
        let (s, r) = app
            .send(Method::POST, &community, "/api/v1/residents", json!({"household_id": h, "name": "王秀英", "id_number": id, "phone": "+86 139 0471 0000", "relation": "head", "tags": ["living_alone", "party_member"]}))
            .await;
        assert_eq!(s, 201, "{}: {r}", app.backend);
        assert_eq!(r["gender"], "female", "gender read from the ID number");
        assert_eq!(r["birth_date"], "1950-03-12");
        assert_eq!(r["id_number"], format!("{}********{}", &id[..6], &id[14..]));
        assert_eq!(r["phone"], "139****0000");
        let tags: Vec<&str> = r["tags"].as_array().unwrap().iter().map(|t| t.as_str().unwrap()).collect();
        assert!(tags.contains(&"elderly") && tags.contains(&"living_alone"), "{tags:?}");
        let rid = r["id"].as_str().unwrap().to_string();

        // The full values never appear in lists or the audit log.
        let (_, list) = app.get(&community, "/api/v1/residents?area=150103003030").await;
        let text = list.to_string();
        assert!(text.contains("王秀英") && !text.contains(&id) && !text.contains("13904710000"));
        let admin = app.token("admin").await;
        let (_, log) = app.get(&admin, "/api/v1/audit?action=resident.&limit=200").await;
        assert!(!log.to_string().contains(&id), "audit rows hold masked values only");

        // Reveal: needs a reason, the permission and the scope; it is audited.
        let reveal_path = format!("/api/v1/residents/{rid}/reveal");
        let reveal = |token: String, body: Value| {
            let path = reveal_path.clone();
            let app = &app;
            async move { app.send(Method::POST, &token, &path, body).await }
        };
        let (s, p) = reveal(community.clone(), json!({"field": "id_number", "reason": " "})).await;
        assert_eq!((s, p["code"].as_str()), (422, Some("error-reveal-reason")));
        let (s, v) = reveal(community.clone(), json!({"field": "id_number", "reason": "核实身份办理低保"})).await;
        assert_eq!((s, v["value"].as_str()), (200, Some(id.as_str())));
        let (s, v) = reveal(community.clone(), json!({"field": "phone", "reason": "电话回访"})).await;
        assert_eq!((s, v["value"].as_str()), (200, Some("13904710000")));
        let leader = app.token("leader").await;
        assert_eq!(reveal(leader.clone(), json!({"field": "phone", "reason": "想看看"})).await.0, 403, "a read-only leader may not reveal");
        let xc = app.token("xc").await;
        assert_eq!(reveal(xc.clone(), json!({"field": "phone", "reason": "想看看"})).await.0, 404, "outside scope it does not exist");
        let (_, log) = app.get(&admin, "/api/v1/audit?action=resident.reveal").await;
        let items = log["items"].as_array().unwrap();
        assert_eq!(items.len(), 2);
        assert_eq!(items[1]["after"]["reason"], "核实身份办理低保");
        assert_eq!(items[1]["actor_name"], "community");
        assert!(!log.to_string().contains("13904710000"));

        // Filters: computed and recorded tags.
        let (_, elderly) = app.get(&community, "/api/v1/residents?tag=elderly").await;
        assert_eq!(elderly["items"].as_array().unwrap().len(), 1);
        let (_, none) = app.get(&community, "/api/v1/residents?tag=child").await;
        assert!(none["items"].as_array().unwrap().is_empty());
        let (_, party) = app.get(&community, "/api/v1/residents?tag=party_member").await;
        assert_eq!(party["items"].as_array().unwrap().len(), 1);
    }
}

#[tokio::test]
async fn bad_personal_data_and_duplicates_are_refused_and_change_nothing() {
    for app in TestApp::all().await {
        let community = app.token("community").await;
        let (_, b) = building(&app, &community).await;
        let h = household(&app, &community, &b, "101").await;
        let good = synthetic_id("1980-01-01", 11);
        let mut bad_check = good.clone();
        let last = bad_check.pop().unwrap();
        bad_check.push(if last == '0' { '1' } else { '0' });
        let seq = app.audit_seq().await;
        let cases = [
            (json!({"household_id": h, "name": "张三", "id_number": bad_check, "relation": "head"}), "error-id-check-digit"),
            (json!({"household_id": h, "name": "张三", "id_number": "150101199002300011", "relation": "head"}), "error-id-birth-date"),
            (json!({"household_id": h, "name": "张三", "id_number": "990101198001010011", "relation": "head"}), "error-id-region"),
            (json!({"household_id": h, "name": "张三", "id_number": "15010119800101001", "relation": "head"}), "error-id-length"),
            (json!({"household_id": h, "name": "张三", "phone": "1390471000", "gender": "male", "birth_date": "1980-01-01", "relation": "head"}), "error-phone"),
            (json!({"household_id": h, "name": "张三3", "gender": "male", "birth_date": "1980-01-01", "relation": "head"}), "error-person-name"),
            (json!({"household_id": h, "name": "张三", "relation": "head"}), "error-gender-needed"),
            (json!({"household_id": h, "name": "张三", "gender": "male", "birth_date": "2999-01-01", "relation": "head"}), "error-birth-date-future"),
            (json!({"household_id": h, "name": "张三", "id_number": good, "gender": "female", "relation": "head"}), "error-id-gender-mismatch"),
        ];
        for (body, code) in cases {
            let (s, p) = app.send(Method::POST, &community, "/api/v1/residents", body.clone()).await;
            assert_eq!((s, p["code"].as_str()), (422, Some(code)), "{}: {body} → {p}", app.backend);
        }
        assert_eq!(app.get(&community, "/api/v1/residents?limit=0").await.0, 422);
        let (s, _) = app.send(Method::POST, &community, "/api/v1/residents", json!({"household_id": h, "name": "张三", "relation": "cousin", "gender": "male", "birth_date": "1980-01-01"})).await;
        assert_eq!(s, 422, "unknown relation");
        assert_eq!(app.audit_seq().await, seq, "{}: refused input wrote nothing", app.backend);

        // The same person twice (even formatted differently, even as a 15-digit number) is a duplicate.
        let body = json!({"household_id": h, "name": "张三", "id_number": good, "relation": "head"});
        assert_eq!(app.send(Method::POST, &community, "/api/v1/residents", body).await.0, 201);
        let lower = json!({"household_id": h, "name": "张三", "id_number": format!(" {} ", good.to_lowercase()), "relation": "spouse"});
        let (s, p) = app.send(Method::POST, &community, "/api/v1/residents", lower).await;
        assert_eq!((s, p["code"].as_str()), (409, Some("error-resident-duplicate")));
        let legacy = format!("{}{}", &good[..6], &good[8..17]);
        let (s, p) = app.send(Method::POST, &community, "/api/v1/residents", json!({"household_id": h, "name": "张三", "id_number": legacy, "relation": "spouse"})).await;
        assert_eq!((s, p["code"].as_str()), (409, Some("error-resident-duplicate")), "15-digit form of the same number");
    }
}

#[tokio::test]
async fn the_registry_is_scoped_like_everything_else() {
    for app in TestApp::all().await {
        let community = app.token("community").await;
        let (estate, b) = building(&app, &community).await;
        let h = household(&app, &community, &b, "201").await;
        let grid = app.token("grid").await;
        // The grid worker of G01 sees the building, its household and the estate it belongs to.
        assert_eq!(app.get(&grid, &format!("/api/v1/buildings/{b}")).await.0, 200);
        assert_eq!(app.get(&grid, &format!("/api/v1/households/{h}")).await.0, 200);
        let (_, estates) = app.get(&grid, "/api/v1/estates").await;
        assert_eq!(estates["items"][0]["id"].as_str(), Some(estate.as_str()));
        let (_, households) = app.get(&grid, "/api/v1/households?area=150103003030G01").await;
        assert_eq!(households["items"].as_array().unwrap().len(), 1);
        // Another grid's list, another district's worker: 404.
        assert_eq!(app.get(&grid, "/api/v1/households?area=150103003030G02").await.0, 404);
        let xc = app.token("xc").await;
        assert_eq!(app.get(&xc, &format!("/api/v1/households/{h}")).await.0, 404);
        assert_eq!(app.get(&xc, &format!("/api/v1/buildings/{b}")).await.0, 404);
        let (_, none) = app.get(&xc, "/api/v1/residents").await;
        assert!(none["items"].as_array().unwrap().is_empty());
        // A building placed in a grid outside the caller's scope, or in a community: refused.
        let (s, _) = app.send(Method::POST, &grid, "/api/v1/buildings", json!({"grid_code": "150103003030G02", "name": "5号楼", "address": "x", "entrances": 1})).await;
        assert_eq!(s, 404);
        let (s, p) = app.send(Method::POST, &community, "/api/v1/buildings", json!({"grid_code": "150103003030", "name": "5号楼", "address": "x", "entrances": 1})).await;
        assert_eq!((s, p["code"].as_str()), (422, Some("error-building-grid")));

        // People who serve: a legal adviser needs a profession; assignments go to grids.
        let (s, p) = app.send(Method::POST, &community, "/api/v1/people", json!({"name": "李振华", "kind": "legal_adviser", "area_code": "150103003030", "assign_to": ["150103003030G01"]})).await;
        assert_eq!((s, p["code"].as_str()), (422, Some("error-profession")));
        let (s, p) = app
            .send(Method::POST, &community, "/api/v1/people", json!({"name": "李振华", "kind": "legal_adviser", "profession": "lawyer", "organisation": "正义律师事务所", "phone": "0471-6912345", "area_code": "150103003030", "assign_to": ["150103003030G01"]}))
            .await;
        assert_eq!(s, 201, "{p}");
        assert_eq!(p["phone"], "0471-*****45");
        let (s, p) = app.send(Method::POST, &community, "/api/v1/people", json!({"name": "赵干部", "kind": "liaison_cadre", "area_code": "150103003030", "assign_to": ["150103003030G01"]})).await;
        assert_eq!((s, p["code"].as_str()), (422, Some("error-assign-level")), "cadres pair with communities");
        let (s, d) = app.send(Method::PUT, &community, "/api/v1/areas/150103003030G01/serving", json!({"duties": ["信息采集", "矛盾纠纷排查", " "]})).await;
        assert_eq!(s, 200, "{d}");
        let (_, serving) = app.get(&grid, "/api/v1/areas/150103003030G01/serving").await;
        assert_eq!(serving["duties"], json!(["信息采集", "矛盾纠纷排查"]));
        assert_eq!(serving["people"][0]["name"], "李振华");
        assert_eq!(app.send(Method::PUT, &grid, "/api/v1/areas/150103003030G01/serving", json!({"duties": []})).await.0, 403);
        let (s, o) = app.send(Method::POST, &community, "/api/v1/organisations", json!({"kind": "property_station", "name": "红色物业服务站", "area_code": "150103003030"})).await;
        assert_eq!(s, 201, "{o}");
        let (_, orgs) = app.get(&grid, "/api/v1/organisations").await;
        assert!(orgs["items"].as_array().unwrap().is_empty(), "registered at the community, above the grid");
        let (_, orgs) = app.get(&community, "/api/v1/organisations?kind=property_station").await;
        assert_eq!(orgs["items"].as_array().unwrap().len(), 1);
    }
}
