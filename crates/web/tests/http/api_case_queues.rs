//! A tier's queue over the API: bulk assignment (a stale case, a handler outside the tier,
//! cases outside scope, each refused on its own) and the workload per handler.

use fengqiao_domain::services::{NewAccount, operator};
use reqwest::Method;
use serde_json::json;

use crate::support::{PW, TestApp};

async fn area_id(app: &TestApp, code: &str) -> String {
    app.services.store.area_by_code(code).await.unwrap().unwrap().id.to_string()
}

async fn user_id(app: &TestApp, username: &str) -> String {
    app.services.store.user_by_username(username).await.unwrap().unwrap().id.to_string()
}

/// A hazard reported in `area` and accepted by `supervisor`: at version 2.
async fn accepted(app: &TestApp, reporter: &str, supervisor: &str, area: &str, title: &str) -> String {
    let body = json!({"kind": "hazard", "category": "fire.corridor_clutter", "title": title, "area_id": area_id(app, area).await, "channel": "grid_patrol"});
    let (s, c) = app.send(Method::POST, reporter, "/api/v1/cases", body).await;
    assert_eq!(s, 201, "{}: {c}", app.backend);
    let id = c["id"].as_str().unwrap().to_string();
    let path = format!("/api/v1/cases/{id}/actions");
    let (s, r) = app.send(Method::POST, supervisor, &path, json!({"expected_version": 1, "action": {"action": "accept"}})).await;
    assert_eq!(s, 200, "{}: {r}", app.backend);
    id
}

#[tokio::test]
async fn bulk_assignment_reports_each_case_and_writes_nothing_for_a_refused_one() {
    for app in TestApp::all().await {
        let n = app.backend;
        let (grid, community) = (app.token("grid").await, app.token("community").await);
        let a = accepted(&app, &grid, &community, "150103003030G01", "一号楼楼道堆物").await;
        let b = accepted(&app, &grid, &community, "150103003030G01", "二号楼楼道堆物").await;
        let c = accepted(&app, &grid, &community, "150103003030G01", "三号楼楼道堆物").await;
        let xc = app.token("xc").await;
        let elsewhere = accepted(&app, &xc, &xc, "150102002001", "新城区的隐患").await;
        let handler = user_id(&app, "grid").await;
        let head = app.audit_seq().await;

        let cases = json!([
            {"id": a, "expected_version": 2},
            {"id": b, "expected_version": 1},
            {"id": c, "expected_version": 2},
            {"id": elsewhere, "expected_version": 2},
            {"id": uuid::Uuid::now_v7(), "expected_version": 2},
        ]);
        let (s, r) = app.send(Method::POST, &community, "/api/v1/cases/bulk-assign", json!({"handler_id": handler, "note": "请本周内清理", "cases": cases})).await;
        assert_eq!(s, 200, "{n}: {r}");
        let statuses: Vec<i64> = r["results"].as_array().unwrap().iter().map(|x| x["status"].as_i64().unwrap()).collect();
        assert_eq!(statuses, vec![200, 409, 200, 404, 404], "{n}: {r}");
        assert_eq!((r["assigned"].as_i64(), r["refused"].as_i64()), (Some(2), Some(3)), "{n}");
        assert_eq!(r["results"][0]["version"], 3, "{n}");
        assert_eq!(r["results"][1]["problem"]["code"], "error-case-version-stale", "{n}");
        // A case outside scope and one that does not exist answer alike: nothing is leaked.
        assert_eq!(r["results"][3]["problem"], r["results"][4]["problem"], "{n}");
        assert_eq!(r["results"][3]["problem"]["code"], "error-case-not-found", "{n}");
        assert_eq!(app.audit_seq().await, head + 2, "{n}: one audit row per assigned case, none for the others");

        let (_, got) = app.get(&community, &format!("/api/v1/cases/{a}")).await;
        assert_eq!((got["status"].as_str(), got["handler_name"].as_str()), (Some("assigned"), Some("测试grid")), "{n}: {got}");
        let (_, got) = app.get(&community, &format!("/api/v1/cases/{b}")).await;
        assert_eq!((got["status"].as_str(), got["version"].as_i64()), (Some("accepted"), Some(2)), "{n}: the stale case is as it was");
        let (_, got) = app.get(&xc, &format!("/api/v1/cases/{elsewhere}")).await;
        assert_eq!(got["status"], "accepted", "{n}");

        // A handler outside the tier: a grid worker of another community.
        app.services
            .create_account(&operator("test"), NewAccount {
                username: "grid3".into(),
                display_name: "测试grid3".into(),
                role: "grid_worker".into(),
                home_area_code: "150103003001G01".into(),
                password: PW.into(),
            })
            .await
            .unwrap();
        let outsider = user_id(&app, "grid3").await;
        let (s, r) = app.send(Method::POST, &community, "/api/v1/cases/bulk-assign", json!({"handler_id": outsider, "cases": [{"id": b, "expected_version": 2}]})).await;
        assert_eq!((s, r["results"][0]["status"].as_i64()), (200, Some(422)), "{n}: {r}");
        assert_eq!(r["results"][0]["problem"]["code"], "error-case-assignee-out-of-scope", "{n}");
        assert_eq!(r["results"][0]["problem"]["field"], "handler_id", "{n}");

        // Whole-request refusals: no right to assign, nothing to assign, a case twice.
        let body = json!({"handler_id": handler, "cases": [{"id": b, "expected_version": 2}]});
        let (s, p) = app.send(Method::POST, &grid, "/api/v1/cases/bulk-assign", body).await;
        assert_eq!((s, p["code"].as_str()), (403, Some("error-forbidden")), "{n}");
        let (s, p) = app.send(Method::POST, &community, "/api/v1/cases/bulk-assign", json!({"handler_id": handler, "cases": []})).await;
        assert_eq!((s, p["code"].as_str()), (422, Some("error-bulk-size")), "{n}");
        let twice = json!({"handler_id": handler, "cases": [{"id": b, "expected_version": 2}, {"id": b, "expected_version": 2}]});
        let (s, p) = app.send(Method::POST, &community, "/api/v1/cases/bulk-assign", twice).await;
        assert_eq!((s, p["code"].as_str()), (422, Some("error-bulk-duplicate")), "{n}");
        let (s, _) = app.send(Method::POST, &community, "/api/v1/cases/bulk-assign", json!({"handler_id": handler, "cases": [{"id": b}]})).await;
        assert_eq!(s, 422, "{n}: the version is required");
    }
}

#[tokio::test]
async fn the_workload_counts_each_handlers_open_overdue_and_concluded_cases() {
    for app in TestApp::all().await {
        let n = app.backend;
        let (grid, community) = (app.token("grid").await, app.token("community").await);
        let a = accepted(&app, &grid, &community, "150103003030G01", "一号楼楼道堆物").await;
        let b = accepted(&app, &grid, &community, "150103003030G01", "二号楼楼道堆物").await;
        let handler = user_id(&app, "grid").await;
        let cases = json!([{"id": a, "expected_version": 2}, {"id": b, "expected_version": 2}]);
        let (s, _) = app.send(Method::POST, &community, "/api/v1/cases/bulk-assign", json!({"handler_id": handler, "cases": cases})).await;
        assert_eq!(s, 200, "{n}");
        let (s, w) = app.get(&community, "/api/v1/cases/workload").await;
        assert_eq!(s, 200, "{n}: {w}");
        assert_eq!(w["area_code"], "150103003030");
        assert_eq!(w["handlers"], json!([{"handler_id": handler, "handler_name": "测试grid", "open": 2, "overdue": 0, "concluded_this_month": 0}]), "{n}");

        // The handler concludes one; both deadlines (one working day) then pass.
        let path = format!("/api/v1/cases/{a}/actions");
        let (s, r) = app.send(Method::POST, &grid, &path, json!({"expected_version": 3, "action": {"action": "start"}})).await;
        assert_eq!(s, 200, "{n}: {r}");
        let conclude = json!({"expected_version": 4, "action": {"action": "conclude", "outcome": "resolved_otherwise", "summary": "已清理"}});
        let (s, r) = app.send(Method::POST, &grid, &path, conclude).await;
        assert_eq!(s, 200, "{n}: {r}");
        app.clock.advance(chrono::Duration::days(6));
        // Tokens live a day: sign in again after the week.
        let (grid, community) = (app.token("grid").await, app.token("community").await);
        let (_, w) = app.get(&community, "/api/v1/cases/workload?area=150103003030").await;
        assert_eq!((&w["handlers"][0]["open"], &w["handlers"][0]["overdue"]), (&json!(1), &json!(1)), "{n}: {w}");
        // Concluded this month, unless the six days crossed into the next one.
        let month = |t: chrono::DateTime<chrono::Utc>| fengqiao_domain::rules::calendar::local_date(t).format("%Y-%m").to_string();
        let now = fengqiao_domain::ports::Clock::now(app.clock.as_ref());
        let expected = if month(now) == month(now - chrono::Duration::days(6)) { 1 } else { 0 };
        assert_eq!(w["handlers"][0]["concluded_this_month"], expected, "{n}: {w}");

        // Another district's office is not in scope; a grid worker sees an office of none.
        let (s, p) = app.get(&community, "/api/v1/cases/workload?area=150102").await;
        assert_eq!((s, p["code"].as_str()), (404, Some("error-area-not-found")), "{n}");
        let (s, w) = app.get(&grid, "/api/v1/cases/workload").await;
        assert_eq!((s, w["handlers"].as_array().map(Vec::len)), (200, Some(0)), "{n}: {w}");
    }
}
