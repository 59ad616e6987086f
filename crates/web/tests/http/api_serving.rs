//! Who serves where, over the API: a person's assignments and building/entrance heads.

use reqwest::Method;
use serde_json::json;

use crate::api_registry::{building, household, synthetic_id};
use crate::support::TestApp;

#[tokio::test]
async fn people_are_placed_in_grids_and_taken_out_within_scope() {
    for app in TestApp::all().await {
        let community = app.token("community").await;
        let grid = app.token("grid").await;
        let (s, p) = app
            .send(Method::POST, &community, "/api/v1/people", json!({"name": "李振华", "kind": "legal_adviser", "profession": "lawyer", "area_code": "150103003030", "assign_to": ["150103003030G01"]}))
            .await;
        assert_eq!(s, 201, "{p}");
        let id = p["id"].as_str().unwrap().to_string();
        let path = |code: &str| format!("/api/v1/people/{id}/assignments/{code}");
        let before = app.audit_seq().await;

        let (s, list) = app.send(Method::PUT, &community, &path("150103003030G02"), json!(null)).await;
        assert_eq!(s, 200, "{}: {list}", app.backend);
        let codes: Vec<&str> = list.as_array().unwrap().iter().map(|a| a["area_code"].as_str().unwrap()).collect();
        assert_eq!(codes, ["150103003030G01", "150103003030G02"]);
        // Placing again changes nothing and writes nothing.
        let seq = app.audit_seq().await;
        assert_eq!(app.send(Method::PUT, &community, &path("150103003030G02"), json!(null)).await.0, 200);
        assert_eq!(app.audit_seq().await, seq);
        assert_eq!(seq, before + 1, "one audit row for the assignment");

        let (s, detail) = app.get(&grid, &format!("/api/v1/people/{id}")).await;
        assert_eq!(s, 200, "a grid worker sees who is assigned to the grid: {detail}");
        assert_eq!(detail["assignments"].as_array().unwrap().len(), 2);

        // Refusals: a community is not a grid; a grid of another community is out of scope;
        // a grid worker may not place people; an unknown person is not found.
        let (s, e) = app.send(Method::PUT, &community, &path("150103003030"), json!(null)).await;
        assert_eq!((s, e["code"].as_str()), (422, Some("error-assign-level")));
        assert_eq!(app.send(Method::PUT, &community, &path("150103003001G01"), json!(null)).await.0, 404);
        // The person is registered at the community, above a grid worker's subtree.
        assert_eq!(app.send(Method::PUT, &grid, &path("150103003030G03"), json!(null)).await.0, 404);
        let unknown = format!("/api/v1/people/{}/assignments/150103003030G01", uuid::Uuid::now_v7());
        assert_eq!(app.send(Method::PUT, &community, &unknown, json!(null)).await.0, 404);

        let (s, list) = app.send(Method::DELETE, &community, &path("150103003030G01"), json!(null)).await;
        assert_eq!(s, 200);
        assert_eq!(list.as_array().unwrap().len(), 1);
        assert_eq!(list[0]["area_code"], "150103003030G02");
        let admin = app.token("admin").await;
        let (s, audit) = app.get(&admin, "/api/v1/audit?entity_type=person&limit=200").await;
        assert_eq!(s, 200, "{audit}");
        let actions: Vec<&str> = audit["items"].as_array().unwrap().iter().filter_map(|r| r["action"].as_str()).collect();
        assert!(actions.contains(&"person.assign") && actions.contains(&"person.unassign"), "{actions:?}");
    }
}

#[tokio::test]
async fn heads_are_set_from_residents_or_people_on_record_and_cleared() {
    for app in TestApp::all().await {
        let community = app.token("community").await;
        let (_, b) = building(&app, &community).await;
        let h = household(&app, &community, &b, "301").await;
        let (s, r) = app
            .send(Method::POST, &community, "/api/v1/residents", json!({"household_id": h, "name": "马桂兰", "id_number": synthetic_id("1956-04-02", 4), "phone": "13904710001", "relation": "head"}))
            .await;
        assert_eq!(s, 201, "{r}");
        let head = format!("/api/v1/buildings/{b}/head");

        // A resident of the building becomes its head, recorded as a person with a masked phone.
        let (s, set) = app.send(Method::PUT, &community, &head, json!({"resident_id": r["id"]})).await;
        assert_eq!(s, 200, "{}: {set}", app.backend);
        assert_eq!((set["head"]["name"].as_str(), set["head"]["kind"].as_str()), (Some("马桂兰"), Some("building_head")));
        assert_eq!(set["head"]["phone"], "139****0001");
        let (_, detail) = app.get(&community, &format!("/api/v1/buildings/{b}")).await;
        assert_eq!(detail["building"]["head_person_id"], set["head"]["id"]);

        // The same person heads an entrance too, chosen as a person on record this time.
        let entrance = detail["entrances"][0]["id"].clone();
        let (s, e) = app.send(Method::PUT, &community, &head, json!({"entrance_id": entrance, "person_id": set["head"]["id"]})).await;
        assert_eq!((s, e["code"].as_str()), (422, Some("error-head-kind")), "a building head is not an entrance head");
        let (s, e) = app.send(Method::PUT, &community, &head, json!({"entrance_id": entrance, "resident_id": r["id"]})).await;
        assert_eq!(s, 200, "{e}");
        assert_eq!(e["head"]["kind"], "entrance_head");

        // Bad input: both choices, unknown fields, a wrong type, a building out of scope.
        let (s, e) = app.send(Method::PUT, &community, &head, json!({"person_id": set["head"]["id"], "resident_id": r["id"]})).await;
        assert_eq!((s, e["code"].as_str()), (422, Some("error-head-one-choice")));
        assert_eq!(app.send(Method::PUT, &community, &head, json!({"who": "x"})).await.0, 422);
        assert_eq!(app.send(Method::PUT, &community, &head, json!({"resident_id": 5})).await.0, 422);
        // 新城区's office cannot see a building in 回民区.
        let xc = app.token("xc").await;
        assert_eq!(app.send(Method::PUT, &xc, &head, json!({})).await.0, 404);
        let outsider = format!("/api/v1/buildings/{}/head", uuid::Uuid::now_v7());
        assert_eq!(app.send(Method::PUT, &community, &outsider, json!({})).await.0, 404);

        // Nobody: the post is emptied.
        let (s, cleared) = app.send(Method::PUT, &community, &head, json!({})).await;
        assert_eq!((s, cleared["head"].is_null()), (200, true), "{cleared}");
        let (_, detail) = app.get(&community, &format!("/api/v1/buildings/{b}")).await;
        assert!(detail["building"]["head_person_id"].is_null());
    }
}
