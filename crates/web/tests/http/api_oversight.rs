//! Supervision orders and extension requests over the API, the inbox they fill, and the
//! deadline monitor run by two app nodes at once against the same database.

use chrono::{DateTime, Utc};
use fengqiao_domain::model::notice::NoticeKind;
use fengqiao_domain::ports::Clock;
use fengqiao_domain::services::Services;
use reqwest::Method;
use serde_json::{Value, json};

use crate::support::TestApp;

async fn area_id(app: &TestApp, code: &str) -> String {
    app.services.store.area_by_code(code).await.unwrap().unwrap().id.to_string()
}

async fn user_id(app: &TestApp, username: &str) -> uuid::Uuid {
    app.services.store.user_by_username(username).await.unwrap().unwrap().id
}

async fn act(app: &TestApp, token: &str, case: &Value, action: Value) -> (u16, Value) {
    let id = case["id"].as_str().unwrap();
    let (_, now) = app.get(token, &format!("/api/v1/cases/{id}")).await;
    let version = now["version"].as_i64().unwrap_or(1);
    app.send(Method::POST, token, &format!("/api/v1/cases/{id}/actions"), json!({"expected_version": version, "action": action})).await
}

async fn ok(app: &TestApp, token: &str, case: &Value, action: Value) -> Value {
    let (s, b) = act(app, token, case, action.clone()).await;
    assert_eq!(s, 200, "{}: {action} → {b}", app.backend);
    b["case"].clone()
}

/// A dispute in the first grid, accepted by the community and assigned to the grid worker.
async fn assigned_case(app: &TestApp, title: &str) -> Value {
    let grid = app.token("grid").await;
    let community = app.token("community").await;
    let body = json!({
        "kind": "dispute", "category": "neighbour.noise", "title": title, "area_id": area_id(app, "150103003030G01").await,
        "channel": "grid_patrol",
        "parties": [{"role": "applicant", "name": "王秀英"}, {"role": "respondent", "name": "李建国"}]
    });
    let (s, case) = app.send(Method::POST, &grid, "/api/v1/cases", body).await;
    assert_eq!(s, 201, "{case}");
    ok(app, &community, &case, json!({"action": "accept", "note": null})).await;
    let grid_id = user_id(app, "grid").await;
    ok(app, &community, &case, json!({"action": "assign", "handler_id": grid_id, "handler_name": "", "note": null})).await
}

async fn inbox_kinds(app: &TestApp, token: &str) -> Vec<String> {
    let (s, b) = app.get(token, "/api/v1/inbox").await;
    assert_eq!(s, 200, "{b}");
    b["items"].as_array().unwrap().iter().map(|n| n["kind"].as_str().unwrap().to_string()).collect()
}

fn code(b: &Value) -> &str {
    b["code"].as_str().unwrap_or_default()
}

#[tokio::test]
async fn an_upper_tier_supervises_and_decides_extensions() {
    for app in TestApp::all().await {
        let (grid, community, street) = (app.token("grid").await, app.token("community").await, app.token("street").await);
        let case = assigned_case(&app, "深夜噪音扰民").await;
        assert_eq!(inbox_kinds(&app, &grid).await, ["assigned"], "{}: the new handler hears of it", app.backend);

        let today = fengqiao_domain::rules::calendar::local_date(app.clock.now()).to_string();
        let order = json!({"action": "supervise", "instructions": "请三日内反馈调解进展", "reply_by": today});
        let (s, b) = act(&app, &community, &case, order.clone()).await;
        assert_eq!((s, code(&b)), (403, "error-case-not-upper-tier"), "{}: {b}", app.backend);
        let (s, b) = act(&app, &street, &case, json!({"action": "supervise", "instructions": "  ", "reply_by": null})).await;
        assert_eq!((s, b["field"].as_str()), (422, Some("instructions")), "{b}");
        let (s, b) = act(&app, &street, &case, json!({"action": "supervise", "instructions": "x", "reply_by": "2020-01-01"})).await;
        assert_eq!((s, b["field"].as_str()), (422, Some("reply_by")), "{b}");
        let seq = app.audit_seq().await;
        let supervised = ok(&app, &street, &case, order.clone()).await;
        assert_eq!(supervised["supervision"]["instructions"], "请三日内反馈调解进展");
        assert_eq!(supervised["supervision"]["reply_by"], today.as_str());
        assert_eq!(app.audit_seq().await, seq + 1, "one audit row");
        let (s, b) = act(&app, &street, &case, order).await;
        assert_eq!((s, code(&b)), (409, "error-case-supervision-open"), "{b}");

        // Open orders are visible in the queues, and filterable.
        for token in [&community, &street] {
            let (_, page) = app.get(token, "/api/v1/cases?supervised=true").await;
            let ids: Vec<&str> = page["items"].as_array().unwrap().iter().map(|c| c["id"].as_str().unwrap()).collect();
            assert_eq!(ids, [case["id"].as_str().unwrap()], "{}", app.backend);
        }
        assert!(inbox_kinds(&app, &community).await.contains(&"supervised".to_string()));
        assert_eq!(inbox_kinds(&app, &grid).await, ["supervised", "assigned"], "newest first");

        let (s, b) = act(&app, &street, &case, json!({"action": "answer_supervision", "answer": "已处理"})).await;
        assert_eq!((s, code(&b)), (403, "error-case-answer-from-handling-tier"), "{b}");
        let answered = ok(&app, &grid, &case, json!({"action": "answer_supervision", "answer": "已约双方周五调解"})).await;
        assert!(answered["supervision"].is_null());
        assert_eq!(inbox_kinds(&app, &street).await, ["supervision_answered"]);
        let (s, b) = act(&app, &grid, &case, json!({"action": "answer_supervision", "answer": "再次回复"})).await;
        assert_eq!((s, code(&b)), (409, "error-case-no-open-supervision"), "{b}");
        let (_, page) = app.get(&street, "/api/v1/cases?supervised=true").await;
        assert!(page["items"].as_array().unwrap().is_empty());

        // The same actions by name in the path, fields flat.
        let id = case["id"].as_str().unwrap();
        let (s, b) = app
            .send(Method::POST, &street, &format!("/api/v1/cases/{id}/actions/supervise"), json!({"expected_version": 5, "instructions": "再次督办", "reply_by": null}))
            .await;
        assert_eq!(s, 200, "{}: {b}", app.backend);
        let (s, b) = app.send(Method::POST, &grid, &format!("/api/v1/cases/{id}/actions/answer_supervision"), json!({"expected_version": 6, "answer": "已回复"})).await;
        assert_eq!((s, b["case"]["supervision"].is_null()), (200, true), "{b}");

        // Extensions: asked by the handler, decided by the street, not twice at once.
        let (s, b) = act(&app, &grid, &case, json!({"action": "request_extension", "days": 0, "reason": "等待鉴定"})).await;
        assert_eq!((s, b["field"].as_str()), (422, Some("days")), "{b}");
        let (s, b) = act(&app, &street, &case, json!({"action": "decide_extension", "approve": true, "reason": null})).await;
        assert_eq!((s, code(&b)), (409, "error-case-no-pending-extension"), "{b}");
        let asked = ok(&app, &grid, &case, json!({"action": "request_extension", "days": 5, "reason": "等待房屋鉴定结果"})).await;
        assert_eq!(asked["pending_extension"]["days"], 5);
        let (s, b) = act(&app, &community, &case, json!({"action": "request_extension", "days": 2, "reason": "再等"})).await;
        assert_eq!((s, code(&b)), (409, "error-case-extension-pending"), "{b}");
        let (_, page) = app.get(&street, "/api/v1/cases?extension_pending=true").await;
        assert_eq!(page["items"].as_array().unwrap().len(), 1);
        assert_eq!(inbox_kinds(&app, &street).await[0], "extension_requested", "the tier above hears of it");
        let (s, b) = act(&app, &community, &case, json!({"action": "decide_extension", "approve": true, "reason": null})).await;
        assert_eq!((s, code(&b)), (403, "error-case-not-upper-tier"), "{b}");
        let (s, b) = act(&app, &street, &case, json!({"action": "decide_extension", "approve": false, "reason": ""})).await;
        assert_eq!((s, b["field"].as_str()), (422, Some("reason")), "{b}");
        let before: DateTime<Utc> = serde_json::from_value(asked["deadline"].clone()).unwrap();
        let approved = ok(&app, &street, &case, json!({"action": "decide_extension", "approve": true, "reason": "同意"})).await;
        let after: DateTime<Utc> = serde_json::from_value(approved["deadline"].clone()).unwrap();
        assert_eq!(after, app.services.case_settings().await.unwrap().deadlines.calendar.add_working_days(before, 5).unwrap(), "five working days on");
        assert!(approved["pending_extension"].is_null());
        assert_eq!(inbox_kinds(&app, &grid).await[0], "extension_approved");

        // The timeline names every step and replays to the case.
        let (_, timeline) = app.get(&grid, &format!("/api/v1/cases/{}/timeline", case["id"].as_str().unwrap())).await;
        let kinds: Vec<&str> = timeline.as_array().unwrap().iter().map(|e| e["kind"].as_str().unwrap()).collect();
        assert_eq!(kinds, ["report", "accept", "assign", "supervise", "answer_supervision", "supervise", "answer_supervision", "request_extension", "decide_extension"]);
        let id = uuid::Uuid::parse_str(case["id"].as_str().unwrap()).unwrap();
        let entries = app.services.store.case_timeline(id).await.unwrap();
        let stored = app.services.store.case_by_id(id).await.unwrap().unwrap();
        let mut intake = stored.clone();
        // The state at intake, from the first entry.
        intake.version = 1;
        intake.status = fengqiao_domain::model::case::CaseStatus::Reported;
        (intake.handler_id, intake.handler_name, intake.deadline, intake.accepted_at) = (None, None, None, None);
        intake.updated_at = entries[0].at;
        assert_eq!(fengqiao_domain::rules::workflow::replay(&intake, &entries).unwrap(), stored, "{}", app.backend);
    }
}

#[tokio::test]
async fn the_inbox_pages_filters_and_marks_read() {
    for app in TestApp::all().await {
        let (grid, community) = (app.token("grid").await, app.token("community").await);
        for i in 0..3 {
            assigned_case(&app, &format!("楼道堆物{i}")).await;
        }
        let (s, p1) = app.get(&grid, "/api/v1/inbox?limit=2").await;
        assert_eq!(s, 200);
        assert_eq!((p1["items"].as_array().unwrap().len(), p1["unread"].as_i64()), (2, Some(3)));
        let after = p1["next_after"].as_str().unwrap();
        let (_, p2) = app.get(&grid, &format!("/api/v1/inbox?limit=2&after={after}")).await;
        assert_eq!(p2["items"].as_array().unwrap().len(), 1);
        assert!(p2["next_after"].is_null());
        assert_eq!(p2["items"][0]["case_title"], "楼道堆物0", "oldest last");

        let first = p1["items"][0]["id"].as_str().unwrap();
        let (s, b) = app.send(Method::POST, &community, &format!("/api/v1/inbox/{first}/read"), json!({})).await;
        assert_eq!((s, code(&b)), (404, "error-notification-not-found"), "someone else's notice");
        let (s, _) = app.send(Method::POST, &grid, "/api/v1/inbox/not-a-uuid/read", json!({})).await;
        assert_eq!(s, 400);
        let (s, _) = app.send(Method::POST, &grid, &format!("/api/v1/inbox/{first}/read"), json!({})).await;
        assert_eq!(s, 204);
        let (_, unread) = app.get(&grid, "/api/v1/inbox?unread=true").await;
        assert_eq!((unread["items"].as_array().unwrap().len(), unread["unread"].as_i64()), (2, Some(2)));
        let (s, b) = app.send(Method::POST, &grid, "/api/v1/inbox/read-all", json!({})).await;
        assert_eq!((s, b["marked"].as_u64()), (200, Some(2)));
        let (_, none) = app.get(&grid, "/api/v1/inbox?unread=true").await;
        assert!(none["items"].as_array().unwrap().is_empty());
        let (s, _) = app.get(&grid, "/api/v1/inbox?limit=0").await;
        assert_eq!(s, 422);
        let (s, _) = app.http.get(app.url("/api/v1/inbox")).send().await.map(|r| (r.status().as_u16(), ())).unwrap();
        assert_eq!(s, 401);
    }
}

/// Notices of `kind` about each case, per person, as the store holds them.
async fn count(app: &TestApp, username: &str, kind: NoticeKind, cases: &[uuid::Uuid]) -> Vec<usize> {
    let user = user_id(app, username).await;
    let all = app.services.store.notifications(user, false, None, 200).await.unwrap();
    cases.iter().map(|c| all.iter().filter(|n| n.kind == kind && n.case_id == Some(*c)).count()).collect()
}

async fn both(a: &Services, b: &Services) -> (usize, usize) {
    let (x, y) = tokio::join!(a.check_deadlines(1), b.check_deadlines(1));
    let (x, y) = (x.unwrap(), y.unwrap());
    (x.warnings + y.warnings, x.overdue + y.overdue)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_nodes_warn_and_mark_overdue_exactly_once() {
    for app in TestApp::all().await {
        let mut cases = Vec::new();
        for i in 0..12 {
            let c = assigned_case(&app, &format!("噪音{i}")).await;
            cases.push(uuid::Uuid::parse_str(c["id"].as_str().unwrap()).unwrap());
        }
        let deadline = app.services.store.case_by_id(cases[0]).await.unwrap().unwrap().deadline.unwrap();
        let other = app.another_node().await;
        assert_eq!(both(&app.services, &other).await, (0, 0), "{}: nothing is near yet", app.backend);

        // Two hours before the deadline: well within one working day.
        app.clock.advance(deadline - app.clock.now() - chrono::Duration::hours(2));
        assert_eq!(both(&app.services, &other).await, (12, 0), "{}: each case warned once between the two", app.backend);
        assert_eq!(both(&app.services, &other).await, (0, 0), "{}: and not again", app.backend);
        assert_eq!(count(&app, "grid", NoticeKind::DeadlineWarning, &cases).await, vec![1; 12], "the handler, once each");
        assert_eq!(count(&app, "community", NoticeKind::DeadlineWarning, &cases).await, vec![1; 12], "the tier's supervisor");
        assert_eq!(count(&app, "street", NoticeKind::DeadlineWarning, &cases).await, vec![0; 12], "not the tier above");

        app.clock.advance(chrono::Duration::hours(3));
        assert_eq!(both(&app.services, &other).await, (0, 12), "{}", app.backend);
        assert_eq!(both(&app.services, &other).await, (0, 0));
        assert_eq!(count(&app, "grid", NoticeKind::Overdue, &cases).await, vec![1; 12]);
        let filter = fengqiao_domain::model::AuditFilter {
            scope_path: "/".into(),
            action_prefix: Some("case.overdue".into()),
            limit: 100,
            ..Default::default()
        };
        let audit = app.services.store.audit_page(&filter).await.unwrap();
        assert_eq!(audit.len(), 12, "{}: one audit row per overdue case", app.backend);

        // An approved extension moves the deadline: the new one is announced anew, once.
        let street = app.token("street").await;
        let grid = app.token("grid").await;
        let case = json!({"id": cases[0].to_string()});
        ok(&app, &grid, &case, json!({"action": "request_extension", "days": 3, "reason": "鉴定未出"})).await;
        let moved = ok(&app, &street, &case, json!({"action": "decide_extension", "approve": true, "reason": null})).await;
        let new_deadline: DateTime<Utc> = serde_json::from_value(moved["deadline"].clone()).unwrap();
        app.clock.advance(new_deadline - app.clock.now() - chrono::Duration::hours(1));
        let (warned, overdue) = both(&app.services, &other).await;
        assert_eq!((warned, overdue), (1, 0), "{}", app.backend);
        assert_eq!(count(&app, "grid", NoticeKind::DeadlineWarning, &cases[..1]).await, vec![2]);
    }
}
