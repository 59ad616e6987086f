//! `GET /api/v1/stats/cases`: the figures of an area and period, equal to a direct count of
//! the cases the API itself took in and worked, and every bad question refused clearly.

use reqwest::Method;
use serde_json::{Value, json};

use crate::support::TestApp;

async fn area_id(app: &TestApp, code: &str) -> String {
    app.services.store.area_by_code(code).await.unwrap().unwrap().id.to_string()
}

async fn act(app: &TestApp, token: &str, id: &str, version: i64, action: Value) {
    let mut body = action;
    body["expected_version"] = json!(version);
    let (s, r) = app.send(Method::POST, token, &format!("/api/v1/cases/{id}/actions"), json!({"expected_version": version, "action": body.clone()})).await;
    assert_eq!(s, 200, "{}: {body}: {r}", app.backend);
}

fn today() -> String {
    fengqiao_domain::rules::calendar::local_date(chrono::Utc::now()).to_string()
}

#[tokio::test]
async fn figures_count_what_was_taken_in_and_resolved() {
    for app in TestApp::all().await {
        let grid = app.token("grid").await;
        let community = app.token("community").await;
        let area = area_id(&app, "150103003030G01").await;
        let grid_user = app.services.store.user_by_username("grid").await.unwrap().unwrap();
        let mut ids = Vec::new();
        for (n, (kind, category)) in [("demand", "public_facilities"), ("demand", "public_facilities"), ("hazard", "fire.ebike_charging")].iter().enumerate() {
            let (s, c) = app
                .send(Method::POST, &grid, "/api/v1/cases", json!({"kind": kind, "category": category, "title": format!("事项{n}"), "area_id": area, "channel": "grid_patrol"}))
                .await;
            assert_eq!(s, 201, "{c}");
            ids.push(c["id"].as_str().unwrap().to_string());
        }
        // One demand resolved in the community, one declined, the hazard left open.
        let id = ids[0].as_str();
        act(&app, &community, id, 1, json!({"action": "accept"})).await;
        act(&app, &community, id, 2, json!({"action": "assign", "handler_id": grid_user.id, "handler_name": "x"})).await;
        act(&app, &grid, id, 3, json!({"action": "start"})).await;
        act(&app, &grid, id, 4, json!({"action": "conclude", "outcome": "resolved_otherwise", "summary": "已修复"})).await;
        act(&app, &community, &ids[1], 1, json!({"action": "decline", "reason": "重复登记"})).await;

        let today = today();
        let hm = app.token("hm").await;
        let leader = app.token("leader").await;
        for code in ["150103003030", "150103003", "150103"] {
            let (s, f) = app.get(&hm, &format!("/api/v1/stats/cases?area={code}&from={today}&to={today}")).await;
            assert_eq!(s, 200, "{}: {f}", app.backend);
            assert_eq!((f["intake"].as_i64(), f["resolved"].as_i64()), (Some(3), Some(1)), "{}: {code}: {f}", app.backend);
            assert_eq!(f["resolution_rate"].as_f64(), Some(0.3333), "cut, not rounded: {f}");
            assert_eq!(f["by_status"]["concluded"], 1);
            assert_eq!(f["by_status"]["declined"], 1);
            assert_eq!(f["by_status"]["reported"], 1);
            assert_eq!(f["by_kind"]["demand"]["intake"], 2);
            assert_eq!(f["by_level"]["community"], 1);
            assert_eq!(f["by_outcome"]["resolved_otherwise"], 1);
            assert_eq!(f["concluded_on_time"], 1);
        }
        // The street's children: the community holds all three.
        let (_, f) = app.get(&leader, &format!("/api/v1/stats/cases?area=150103003&from={today}&to={today}")).await;
        let child = f["children"].as_array().unwrap().iter().find(|c| c["area"]["code"] == "150103003030").expect("the community");
        assert_eq!(child["intake"], 3, "{f}");
        // Kind and category narrow it; a parent category takes in its children.
        let (_, f) = app.get(&hm, &format!("/api/v1/stats/cases?area=150103&from={today}&to={today}&kind=hazard")).await;
        assert_eq!(f["intake"], 1, "{f}");
        let (_, f) = app.get(&hm, &format!("/api/v1/stats/cases?area=150103&from={today}&to={today}&category=fire")).await;
        assert_eq!(f["intake"], 1, "{f}");
        // Yesterday: nothing.
        let yesterday = (chrono::NaiveDate::parse_from_str(&today, "%Y-%m-%d").unwrap() - chrono::Days::new(1)).to_string();
        let (_, f) = app.get(&community, &format!("/api/v1/stats/cases?area=150103003030&from={yesterday}&to={yesterday}")).await;
        assert_eq!((f["intake"].as_i64(), f["resolution_rate"].is_null()), (Some(0), true), "{f}");
        // Without an area: the caller's home area, this year to date.
        let (s, f) = app.get(&community, "/api/v1/stats/cases").await;
        assert_eq!((s, f["area"]["code"].as_str(), f["intake"].as_i64()), (200, Some("150103003030"), Some(3)), "{f}");

        // The hazard, accepted (so it has a deadline) and left open, runs past its deadline:
        // overdue in the street, in the child that holds it and in no other child; the
        // concluded and the declined never are.
        act(&app, &community, &ids[2], 1, json!({"action": "accept"})).await;
        app.clock.advance(chrono::Duration::days(60));
        let leader = app.token("leader").await;
        let (_, f) = app.get(&leader, &format!("/api/v1/stats/cases?area=150103003&from={today}&to={today}")).await;
        assert_eq!(f["overdue"], 1, "{}: {f}", app.backend);
        for c in f["children"].as_array().unwrap() {
            let expected = if c["area"]["code"] == "150103003030" { 1 } else { 0 };
            assert_eq!(c["overdue"], expected, "{}: {c}", app.backend);
        }
        let admin = app.token("admin").await;
        let (_, f) = app.get(&admin, &format!("/api/v1/stats/cases?area=1501&from={today}&to={today}")).await;
        let hm = f["children"].as_array().unwrap().iter().find(|c| c["area"]["code"] == "150103").expect("回民区");
        assert_eq!((f["overdue"].as_i64(), hm["overdue"].as_i64()), (Some(1), Some(1)), "{}: {f}", app.backend);

        // The background job moves the overdue mark past the hazard's deadline: the case now
        // counts from the sums, and the figures say the same. Concluding it takes it out of
        // both, and the sums still equal a recount.
        assert_eq!(app.services.settle_overdue().await.unwrap(), 1, "{}", app.backend);
        let (_, f) = app.get(&admin, &format!("/api/v1/stats/cases?area=1501&from={today}&to={today}")).await;
        let hm = f["children"].as_array().unwrap().iter().find(|c| c["area"]["code"] == "150103").expect("回民区");
        assert_eq!((f["overdue"].as_i64(), hm["overdue"].as_i64()), (Some(1), Some(1)), "{}: {f}", app.backend);
        // (Sixty days on, the morning's sessions have expired.)
        let (community, grid) = (app.token("community").await, app.token("grid").await);
        act(&app, &community, &ids[2], 2, json!({"action": "assign", "handler_id": grid_user.id, "handler_name": "x"})).await;
        act(&app, &grid, &ids[2], 3, json!({"action": "start"})).await;
        act(&app, &grid, &ids[2], 4, json!({"action": "conclude", "outcome": "resolved_otherwise", "summary": "已清理"})).await;
        let (_, f) = app.get(&admin, &format!("/api/v1/stats/cases?area=1501&from={today}&to={today}")).await;
        let check = app.services.check_case_stats(false, "test").await.unwrap();
        assert!(check.differences.is_empty(), "{}: {:?}", app.backend, check.differences.first());
        assert_eq!(f["overdue"], 0, "{}: {f}", app.backend);
    }
}

/// The satisfaction rate counts every follow-up visit: a dissatisfied one reopened the case,
/// and the case ends on a satisfied visit, yet the rate is one answer in two.
#[tokio::test]
async fn satisfaction_counts_every_visit() {
    for app in TestApp::all().await {
        let grid = app.token("grid").await;
        let community = app.token("community").await;
        let area = area_id(&app, "150103003030G01").await;
        let grid_user = app.services.store.user_by_username("grid").await.unwrap().unwrap();
        let (s, c) = app
            .send(Method::POST, &grid, "/api/v1/cases", json!({"kind": "demand", "category": "public_facilities", "title": "路灯不亮", "area_id": area, "channel": "grid_patrol"}))
            .await;
        assert_eq!(s, 201, "{c}");
        let id = c["id"].as_str().unwrap();
        act(&app, &community, id, 1, json!({"action": "accept"})).await;
        act(&app, &community, id, 2, json!({"action": "assign", "handler_id": grid_user.id, "handler_name": "x"})).await;
        act(&app, &grid, id, 3, json!({"action": "start"})).await;
        act(&app, &grid, id, 4, json!({"action": "conclude", "outcome": "resolved_otherwise", "summary": "已报修"})).await;
        act(&app, &community, id, 5, json!({"action": "verify", "confirmed": true})).await;
        act(&app, &community, id, 6, json!({"action": "follow_up", "satisfaction": "dissatisfied", "note": "灯仍不亮"})).await;
        act(&app, &grid, id, 7, json!({"action": "conclude", "outcome": "resolved_otherwise", "summary": "已更换灯具"})).await;
        act(&app, &community, id, 8, json!({"action": "verify", "confirmed": true})).await;
        act(&app, &community, id, 9, json!({"action": "follow_up", "satisfaction": "satisfied"})).await;
        let today = today();
        let (s, f) = app.get(&community, &format!("/api/v1/stats/cases?area=150103003030&from={today}&to={today}")).await;
        assert_eq!(s, 200, "{f}");
        let sat = &f["satisfaction"];
        assert_eq!((sat["satisfied"].as_i64(), sat["dissatisfied"].as_i64(), sat["satisfaction_rate"].as_f64()), (Some(1), Some(1), Some(0.5)), "{}: {f}", app.backend);
        assert_eq!((f["resolved"].as_i64(), f["by_status"]["followed_up"].as_i64()), (Some(1), Some(1)), "{f}");
        let check = app.services.check_case_stats(false, "test").await.unwrap();
        assert!(check.differences.is_empty(), "{}: {:?}", app.backend, check.differences.first());
    }
}

#[tokio::test]
async fn bad_questions_are_refused_clearly() {
    for app in TestApp::all().await {
        let community = app.token("community").await;
        for (query, status, code) in [
            ("area=150103003", 404, Some("error-area-not-found")),
            ("area=150102", 404, Some("error-area-not-found")),
            ("area=999999", 404, Some("error-area-not-found")),
            ("area=not-a-code", 404, Some("error-area-not-found")),
            ("from=2024-12-31&to=2024-01-01", 422, Some("error-period-inverted")),
            ("from=1990-01-01&to=2040-01-01", 422, Some("error-period-out-of-range")),
            ("from=2000-01-01&to=2049-12-31", 422, Some("error-period-too-long")),
            ("category=nonsense", 422, Some("error-case-category")),
            ("kind=hazard&category=labour", 422, Some("error-case-category")),
            ("from=2024-02-30", 422, Some("error-query")),
            ("kind=rumour", 422, Some("error-query")),
            ("colour=red", 422, Some("error-query")),
        ] {
            let (s, p) = app.get(&community, &format!("/api/v1/stats/cases?{query}")).await;
            assert_eq!(s, status, "{}: {query}: {p}", app.backend);
            if let Some(code) = code {
                assert_eq!(p["code"], code, "{query}: {p}");
            }
        }
        let (s, _) = app.get("", "/api/v1/stats/cases").await;
        assert_eq!(s, 401);
    }
}
