//! Accounts over the API: an administrator manages only accounts inside their subtree.

use reqwest::Method;
use serde_json::json;

use crate::support::{PW, TestApp};

#[tokio::test]
async fn admins_manage_accounts_inside_their_subtree() {
    for app in TestApp::all().await {
        let hm = app.token("hm").await;
        let new = json!({"username": "Grid-Wang", "display_name": "王网格", "role": "grid_worker", "home_area_code": "150103003030G02", "password": "long-enough-pw"});
        let (status, u) = app.send(Method::POST, &hm, "/api/v1/accounts", new).await;
        assert_eq!(status, 201, "{}: {u}", app.backend);
        assert_eq!(u["username"], "grid-wang");
        assert!(u.get("password_hash").is_none());

        // Listing is scoped: the district sees its own people, not 新城区's.
        let (_, page) = app.get(&hm, "/api/v1/accounts?limit=200").await;
        let names: Vec<_> = page["items"].as_array().unwrap().iter().map(|u| u["username"].as_str().unwrap().to_string()).collect();
        assert!(names.contains(&"grid-wang".to_string()) && names.contains(&"street".to_string()));
        assert!(!names.contains(&"xc".to_string()) && !names.contains(&"admin".to_string()), "{names:?}");
        assert_eq!(app.get(&hm, "/api/v1/accounts/xc").await.0, 404);
        // Page sizes outside 1–200 are refused, not silently changed.
        assert_eq!(app.get(&hm, "/api/v1/accounts?limit=0").await.0, 422);
        assert_eq!(app.get(&hm, "/api/v1/accounts?limit=500").await.0, 422);
        assert_eq!(app.get(&hm, "/api/v1/accounts?limit=ten").await.0, 422);
        let (_, one) = app.get(&hm, "/api/v1/accounts?limit=1").await;
        assert!(one["next_after"].is_string());

        // Disable: the account can no longer sign in.
        let (status, d) = app.send(Method::PATCH, &hm, "/api/v1/accounts/grid-wang", json!({"version": 1, "disabled": true})).await;
        assert_eq!((status, d["disabled"].as_bool()), (200, Some(true)));
        let r = app.http.post(app.url("/api/v1/auth/token")).json(&json!({"username": "grid-wang", "password": "long-enough-pw"})).send().await.unwrap();
        assert_eq!(r.status(), 401);
    }
}

#[tokio::test]
async fn accounts_above_the_makers_scope_or_powers_are_refused() {
    for app in TestApp::all().await {
        let seq = app.audit_seq().await;
        let hm = app.token("hm").await;
        let community = app.token("community").await;
        let grid = app.token("grid").await;
        let acct = |role: &str, area: &str| {
            json!({"username": "newbie", "display_name": "新人", "role": role, "home_area_code": area, "password": "long-enough-pw"})
        };
        let cases = [
            (&hm, acct("street_staff", "1501"), 404),             // home above the maker's scope
            (&hm, acct("street_staff", "150102002"), 404),        // another district
            (&hm, acct("system_admin", "150103003"), 403),        // role above the maker's own
            (&hm, acct("district_staff", "150103"), 403),         // a peer with the same powers at the same level
            (&community, acct("leader", "150103003030"), 403),    // leader can read audit; community staff cannot
            (&grid, acct("grid_worker", "150103003030G01"), 403), // grid workers manage no accounts
            (&hm, acct("emperor", "150103003"), 422),             // unknown role
            (&hm, json!({"username": "x", "display_name": "新人", "role": "grid_worker", "home_area_code": "150103003", "password": "long-enough-pw"}), 422),
            (&hm, json!({"username": "shorty", "display_name": "新人", "role": "grid_worker", "home_area_code": "150103003", "password": "short"}), 422),
            (&hm, json!({"username": "street", "display_name": "重名", "role": "grid_worker", "home_area_code": "150103003", "password": PW}), 409),
        ];
        for (token, body, want) in cases {
            let (status, p) = app.send(Method::POST, token, "/api/v1/accounts", body.clone()).await;
            assert_eq!(status, want, "{}: {body} → {p}", app.backend);
        }
        // Changing an account into something the maker may not grant, or one's own role.
        let (status, _) = app.send(Method::PATCH, &hm, "/api/v1/accounts/street", json!({"version": 1, "home_area_code": "150102"})).await;
        assert_eq!(status, 404);
        let (status, _) = app.send(Method::PATCH, &hm, "/api/v1/accounts/hm", json!({"version": 1, "role": "system_admin"})).await;
        assert_eq!(status, 403);
        assert_eq!(app.audit_seq().await, seq + 3, "{}: only the three token logins were recorded", app.backend);
    }
}

#[tokio::test]
async fn audit_is_scoped_and_needs_the_permission() {
    for app in TestApp::all().await {
        let xc = app.token("xc").await;
        let (status, page) = app.get(&xc, "/api/v1/audit?limit=200").await;
        assert_eq!(status, 200);
        for e in page["items"].as_array().unwrap() {
            assert!(e["area_path"].as_str().unwrap().starts_with("/1501/150102/"), "{e}");
        }
        let grid = app.token("grid").await;
        assert_eq!(app.get(&grid, "/api/v1/audit").await.0, 403);
        let leader = app.token("leader").await;
        assert_eq!(app.get(&leader, "/api/v1/audit").await.0, 200);
        assert_eq!(app.get(&leader, "/api/v1/audit?from=yesterday").await.0, 422);
        assert_eq!(app.get(&leader, "/api/v1/audit?before=0").await.0, 422);
        let (_, p) = app.get(&leader, "/api/v1/audit?limit=2").await;
        let before = p["next_before"].as_i64().unwrap();
        let (_, p2) = app.get(&leader, &format!("/api/v1/audit?limit=2&before={before}")).await;
        assert!(p2["items"][0]["seq"].as_i64().unwrap() < before);
    }
}
