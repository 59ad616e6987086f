//! Actions named in the path, and the filters of the case list (tier, handler, intake
//! period), with the ways each is refused.

use reqwest::Method;
use serde_json::{Value, json};

use crate::support::TestApp;

async fn area_id(app: &TestApp, code: &str) -> String {
    app.services.store.area_by_code(code).await.unwrap().unwrap().id.to_string()
}

fn demand(area: &str, title: &str) -> Value {
    json!({"kind": "demand", "category": "public_facilities", "title": title, "area_id": area, "channel": "walk_in"})
}

async fn report(app: &TestApp, token: &str, body: Value) -> Value {
    let (s, c) = app.send(Method::POST, token, "/api/v1/cases", body).await;
    assert_eq!(s, 201, "{}: {c}", app.backend);
    c
}

fn ids(page: &Value) -> Vec<&str> {
    page["items"].as_array().unwrap().iter().map(|c| c["id"].as_str().unwrap()).collect()
}

#[tokio::test]
async fn an_action_named_in_the_path_takes_its_fields_flat() {
    for app in TestApp::all().await {
        let grid = app.token("grid").await;
        let community = app.token("community").await;
        // A client finds the area's id in the area itself, as intake needs it.
        let (_, area) = app.get(&grid, "/api/v1/areas/150103003030G01").await;
        assert_eq!(area["id"].as_str(), Some(area_id(&app, "150103003030G01").await.as_str()), "{area}");
        let c = report(&app, &grid, demand(area["id"].as_str().unwrap(), "路灯不亮")).await;
        let base = format!("/api/v1/cases/{}/actions", c["id"].as_str().unwrap());

        // Not possible now: 409 naming what is.
        let (s, p) = app.send(Method::POST, &community, &format!("{base}/close"), json!({"expected_version": 1})).await;
        assert_eq!((s, p["code"].as_str()), (409, Some("error-case-action-not-allowed-now")), "{}: {p}", app.backend);
        assert!(p["detail"].as_str().unwrap().contains("accept, decline, mark_duplicate, note"), "{p}");
        // A required field missing: 422 on the field.
        let (s, p) = app.send(Method::POST, &community, &format!("{base}/decline"), json!({"expected_version": 1})).await;
        assert_eq!(s, 422, "{p}");
        // An unknown name, the intake's name, or a body naming another action: 422, nothing written.
        for (name, body) in [
            ("fly", json!({"expected_version": 1})),
            ("report", json!({"expected_version": 1})),
            ("accept", json!({"expected_version": 1, "action": "decline", "reason": "x"})),
            ("accept", json!({"expected_version": 1, "note": 5})),
        ] {
            let (s, p) = app.send(Method::POST, &community, &format!("{base}/{name}"), body).await;
            assert_eq!(s, 422, "{name}: {p}");
        }
        let (s, p) = app.send(Method::POST, &community, &format!("{base}/accept"), json!({"note": "x"})).await;
        assert_eq!(s, 422, "expected_version is required: {p}");
        let (_, got) = app.get(&community, &format!("/api/v1/cases/{}", c["id"].as_str().unwrap())).await;
        assert_eq!((got["status"].as_str(), got["version"].as_i64()), (Some("reported"), Some(1)), "nothing was written");

        let (s, r) = app.send(Method::POST, &community, &format!("{base}/accept"), json!({"expected_version": 1, "note": "受理"})).await;
        assert_eq!((s, r["case"]["status"].as_str()), (200, Some("accepted")), "{r}");
        let (s, r) =
            app.send(Method::POST, &community, &format!("{base}/escalate"), json!({"expected_version": 2, "reason": "需街道协调"})).await;
        assert_eq!((s, r["case"]["handling_level"].as_str()), (200, Some("street")), "{r}");
        assert_eq!(r["entry"]["note"], "需街道协调");
        // Stale: 409.
        let (s, p) = app.send(Method::POST, &community, &format!("{base}/note"), json!({"expected_version": 2, "text": "电话联系"})).await;
        assert_eq!((s, p["code"].as_str()), (409, Some("error-case-version-stale")), "{p}");
        // The grid worker may not escalate: 403.
        let (s, _) = app.send(Method::POST, &grid, &format!("{base}/return"), json!({"expected_version": 3, "reason": "x"})).await;
        assert_eq!(s, 403);
    }
}

#[tokio::test]
async fn the_list_filters_by_tier_handler_and_intake_period() {
    for app in TestApp::all().await {
        let grid = app.token("grid").await;
        let community = app.token("community").await;
        let street = app.token("street").await;
        let g01 = area_id(&app, "150103003030G01").await;
        let a = report(&app, &grid, demand(&g01, "楼道灯坏")).await;
        let b = report(&app, &grid, demand(&g01, "井盖松动")).await;
        let act = |id: &Value, name: &str, body: Value| {
            let path = format!("/api/v1/cases/{}/actions/{name}", id.as_str().unwrap());
            let app = &app;
            let community = community.clone();
            async move { app.send(Method::POST, &community, &path, body).await }
        };
        assert_eq!(act(&b["id"], "accept", json!({"expected_version": 1})).await.0, 200);
        assert_eq!(act(&b["id"], "escalate", json!({"expected_version": 2, "reason": "需要街道协调"})).await.0, 200);
        let me = app.services.store.user_by_username("community").await.unwrap().unwrap().id;
        assert_eq!(act(&a["id"], "accept", json!({"expected_version": 1})).await.0, 200);
        let (s, r) = act(&a["id"], "assign", json!({"expected_version": 2, "handler_id": me, "handler_name": "x"})).await;
        assert_eq!(s, 200, "{r}");

        let (s, page) = app.get(&street, "/api/v1/cases?area=150103003&level=street").await;
        assert_eq!((s, ids(&page)), (200, vec![b["id"].as_str().unwrap()]), "{}: {page}", app.backend);
        let (_, page) = app.get(&street, "/api/v1/cases?area=150103003&level=community").await;
        assert_eq!(ids(&page), vec![a["id"].as_str().unwrap()]);
        let (_, page) = app.get(&street, &format!("/api/v1/cases?area=150103003&assignee={me}")).await;
        assert_eq!(ids(&page), vec![a["id"].as_str().unwrap()]);

        // The intake period is in local dates; today's cases are in today's period only.
        let today = fengqiao_domain::rules::calendar::local_date(chrono::Utc::now());
        let (_, page) = app.get(&street, &format!("/api/v1/cases?area=150103003&from={today}&to={today}")).await;
        assert_eq!(ids(&page).len(), 2, "{page}");
        let yesterday = today.pred_opt().unwrap();
        let (_, page) = app.get(&street, &format!("/api/v1/cases?area=150103003&from=2024-01-01&to={yesterday}")).await;
        assert_eq!(ids(&page).len(), 0, "{page}");

        // Open only: a declined case drops out, and from the office's page by default.
        let c = report(&app, &grid, demand(&g01, "重复登记的路灯")).await;
        assert_eq!(act(&c["id"], "decline", json!({"expected_version": 1, "reason": "重复登记"})).await.0, 200);
        let (_, page) = app.get(&street, "/api/v1/cases?area=150103003").await;
        assert_eq!(ids(&page).len(), 3);
        let (_, page) = app.get(&street, "/api/v1/cases?area=150103003&open=true").await;
        assert_eq!(ids(&page).len(), 2, "{page}");
        assert!(!ids(&page).contains(&c["id"].as_str().unwrap()));
        let browser = app.browser();
        crate::ui::sign_in(&app, &browser, "community").await;
        let html = |path: &'static str| {
            let (app, browser) = (&app, &browser);
            async move { crate::ui_cases::text(app, browser, path).await.1 }
        };
        let office = html("/cases?q=handling").await;
        assert!(office.contains("楼道灯坏") && !office.contains("重复登记的路灯"), "the office's queue is work to do");
        let everything = html("/cases?q=handling&status=").await;
        assert!(everything.contains("重复登记的路灯"), "all statuses when asked");

        let (s, p) = app.get(&street, "/api/v1/cases?from=2024-12-31&to=2024-01-01").await;
        assert_eq!((s, p["code"].as_str()), (422, Some("error-period-inverted")), "{p}");
        let (s, _) = app.get(&street, "/api/v1/cases?from=2024-13-01").await;
        assert_eq!(s, 422);
        let (s, _) = app.get(&street, "/api/v1/cases?level=city").await;
        assert_eq!(s, 422);
        let (s, p) = app.get(&community, &format!("/api/v1/cases?mine=true&assignee={}", uuid::Uuid::now_v7())).await;
        assert_eq!((s, p["code"].as_str()), (422, Some("error-case-assignee-and-mine")), "{p}");
        // A tier filter does not widen the scope: the grid worker of another grid sees nothing.
        let (s, p) = app.get(&grid, "/api/v1/cases?area=150103003&level=street").await;
        assert_eq!(s, 404, "{p}");
    }
}
