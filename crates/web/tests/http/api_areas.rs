//! The area tree over the API: reads, scope, changes, and bad input that changes nothing.

use reqwest::Method;
use serde_json::json;

use crate::support::TestApp;

#[tokio::test]
async fn areas_read_within_scope_only() {
    for app in TestApp::all().await {
        let admin = app.token("admin").await;
        let (status, a) = app.get(&admin, "/api/v1/areas/150103003030").await;
        assert_eq!(status, 200);
        assert_eq!(a["name"], "巴彦淖尔北路社区");
        assert_eq!(a["level"], "community");
        assert_eq!(a["parent_code"], "150103003");
        assert_eq!(a["path"], "/1501/150103/150103003/150103003030/");
        let (_, kids) = app.get(&admin, "/api/v1/areas/1501/children").await;
        let codes: Vec<_> = kids["items"].as_array().unwrap().iter().map(|a| a["code"].as_str().unwrap().to_string()).collect();
        assert_eq!(codes, ["150102", "150103"]);

        // A grid worker sees their grid and nothing else: not even that other areas exist.
        let grid = app.token("grid").await;
        assert_eq!(app.get(&grid, "/api/v1/areas/150103003030G01").await.0, 200);
        for outside in ["/api/v1/areas/150103003030G02", "/api/v1/areas/150102", "/api/v1/areas/1501", "/api/v1/areas/150102/children"] {
            let (status, p) = app.get(&grid, outside).await;
            assert_eq!(status, 404, "{}: {outside}", app.backend);
            assert_eq!(p["code"], "error-area-not-found");
        }
        // Unknown and malformed codes answer the same 404.
        assert_eq!(app.get(&admin, "/api/v1/areas/999999").await.0, 404);
        assert_eq!(app.get(&admin, "/api/v1/areas/%E5%8C%BA").await.0, 404);
        let hm = app.token("hm").await;
        assert_eq!(app.get(&hm, "/api/v1/areas/150102002001").await.0, 404);
        assert_eq!(app.get(&hm, "/api/v1/areas/150103003001G01").await.0, 200);
        // A wrong query type is a 4xx, not a crash.
        assert_eq!(app.get(&admin, "/api/v1/areas/1501/children?include_retired=perhaps").await.0, 422);
    }
}

#[tokio::test]
async fn areas_create_rename_move_retire_with_audit() {
    for app in TestApp::all().await {
        let street = app.token("street").await;
        let before = app.audit_seq().await;
        let (status, g) = app
            .send(Method::POST, &street, "/api/v1/areas", json!({"parent_code": "150103003030", "code": "150103003030G03", "name": "第三网格"}))
            .await;
        assert_eq!(status, 201, "{}: {g}", app.backend);
        assert_eq!(g["level"], "grid");
        assert_eq!(app.audit_seq().await, before + 1);

        let (status, r) = app.send(Method::PATCH, &street, "/api/v1/areas/150103003030G03", json!({"version": 1, "name": "幸福网格"})).await;
        assert_eq!((status, r["name"].as_str(), r["version"].as_i64()), (200, Some("幸福网格"), Some(2)));
        // A stale version is a conflict and changes nothing.
        let seq = app.audit_seq().await;
        let (status, p) = app.send(Method::PATCH, &street, "/api/v1/areas/150103003030G03", json!({"version": 1, "name": "别的名字"})).await;
        assert_eq!((status, p["code"].as_str()), (409, Some("error-stale-version")));
        assert_eq!(app.audit_seq().await, seq);

        // Move the grid to the other community, then set and clear a boundary.
        let (status, m) = app.send(Method::PATCH, &street, "/api/v1/areas/150103003030G03", json!({"version": 2, "parent_code": "150103003001"})).await;
        assert_eq!(status, 200, "{m}");
        assert_eq!(m["path"], "/1501/150103/150103003/150103003001/150103003030G03/");
        let poly = json!({"type": "Polygon", "coordinates": [[[111.6, 40.8], [111.7, 40.8], [111.7, 40.9], [111.6, 40.8]]]});
        let (status, b) = app.send(Method::PATCH, &street, "/api/v1/areas/150103003030G03", json!({"version": 3, "boundary": poly})).await;
        assert_eq!((status, b["boundary"]["type"].as_str()), (200, Some("Polygon")));
        let (status, b) = app.send(Method::PATCH, &street, "/api/v1/areas/150103003030G03", json!({"version": 4, "boundary": null})).await;
        assert_eq!((status, b["boundary"].is_null()), (200, true));

        // Retire: refused while it has children; allowed for a leaf; hidden from children.
        let (status, p) = app.send(Method::PATCH, &street, "/api/v1/areas/150103003001", json!({"version": 1, "retired": true})).await;
        assert_eq!((status, p["code"].as_str()), (409, Some("error-area-has-children")));
        let (status, _) = app.send(Method::PATCH, &street, "/api/v1/areas/150103003030G03", json!({"version": 5, "retired": true})).await;
        assert_eq!(status, 200);
        let (_, kids) = app.get(&street, "/api/v1/areas/150103003001/children").await;
        assert_eq!(kids["items"].as_array().unwrap().len(), 1);
        let (_, kids) = app.get(&street, "/api/v1/areas/150103003001/children?include_retired=true").await;
        assert_eq!(kids["items"].as_array().unwrap().len(), 2);

        // The audit log has before and after for the rename.
        let admin = app.token("admin").await;
        let (_, log) = app.get(&admin, "/api/v1/audit?entity_type=area&entity_id=150103003030G03").await;
        let actions: Vec<_> = log["items"].as_array().unwrap().iter().map(|e| e["action"].as_str().unwrap().to_string()).collect();
        assert_eq!(actions, ["area.retire", "area.update", "area.update", "area.move", "area.update", "area.create"]);
        let rename = &log["items"][4];
        assert_eq!(rename["before"]["name"], "第三网格");
        assert_eq!(rename["after"]["name"], "幸福网格");
        assert_eq!(rename["actor_name"], "street");
    }
}

#[tokio::test]
async fn area_changes_outside_powers_or_scope_are_refused() {
    for app in TestApp::all().await {
        let grid = app.token("grid").await;
        let street = app.token("street").await;
        let hm = app.token("hm").await;
        let seq = app.audit_seq().await;
        let cases = [
            // A grid worker may not create areas at all.
            (&grid, Method::POST, "/api/v1/areas", json!({"parent_code": "150103003030G01", "code": "X1", "name": "x"}), 403),
            // Parent outside the caller's scope: as if it did not exist.
            (&street, Method::POST, "/api/v1/areas", json!({"parent_code": "150102002", "code": "150102002099", "name": "x"}), 404),
            // Grids have no children.
            (&street, Method::POST, "/api/v1/areas", json!({"parent_code": "150103003030G01", "code": "X2", "name": "x"}), 409),
            // Taken code, bad code, empty name, unknown field, wrong type.
            (&street, Method::POST, "/api/v1/areas", json!({"parent_code": "150103003030", "code": "150103003030G01", "name": "x"}), 409),
            (&street, Method::POST, "/api/v1/areas", json!({"parent_code": "150103003030", "code": "a/b", "name": "x"}), 422),
            (&street, Method::POST, "/api/v1/areas", json!({"parent_code": "150103003030", "code": "G9", "name": "  "}), 422),
            (&street, Method::POST, "/api/v1/areas", json!({"parent_code": "150103003030", "code": "G9", "name": "x", "colour": "red"}), 422),
            (&street, Method::POST, "/api/v1/areas", json!({"parent_code": "150103003030", "code": 9, "name": "x"}), 422),
            (&street, Method::POST, "/api/v1/areas", json!({"parent_code": "150103003030", "code": "G9", "name": "x", "boundary": {"type": "Point"}}), 422),
            // Changing one's own home area or above it.
            (&street, Method::PATCH, "/api/v1/areas/150103003", json!({"version": 1, "name": "x"}), 403),
            (&hm, Method::PATCH, "/api/v1/areas/150102", json!({"version": 1, "name": "x"}), 404),
            // Moving a community under a grid (wrong level) or under itself.
            (&street, Method::PATCH, "/api/v1/areas/150103003030", json!({"version": 1, "parent_code": "150103003001G01"}), 409),
            (&hm, Method::PATCH, "/api/v1/areas/150103003", json!({"version": 1, "parent_code": "150103003"}), 409),
            (&street, Method::PATCH, "/api/v1/areas/150103003030", json!({"version": 1, "retired": "yes"}), 422),
        ];
        for (token, method, path, body, want) in cases {
            let (status, p) = app.send(method.clone(), token, path, body.clone()).await;
            assert_eq!(status, want, "{}: {method} {path} {body} → {p}", app.backend);
        }
        assert_eq!(app.audit_seq().await, seq, "{}: refused requests wrote nothing", app.backend);
    }
}

#[tokio::test]
async fn concurrent_edits_one_wins_the_other_gets_409() {
    for app in TestApp::all().await {
        let a = app.token("street").await;
        let b = app.token("hm").await;
        let path = "/api/v1/areas/150103003030G02";
        let (r1, r2) = tokio::join!(
            app.send(Method::PATCH, &a, path, json!({"version": 1, "name": "甲"})),
            app.send(Method::PATCH, &b, path, json!({"version": 1, "name": "乙"})),
        );
        let mut statuses = [r1.0, r2.0];
        statuses.sort();
        assert_eq!(statuses, [200, 409], "{}", app.backend);
    }
}
