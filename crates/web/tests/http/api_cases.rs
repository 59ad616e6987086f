//! Cases over the API: intake with masked parties, scope, the whole workflow, and every
//! way an action can be refused (illegal now, stale, wrong person, missing reason).

use fengqiao_domain::services::{NewAccount, operator};
use reqwest::Method;
use serde_json::{Value, json};

use crate::support::{PW, TestApp};

fn synthetic_id(birth: &str, seq: u16) -> String {
    let d = chrono::NaiveDate::parse_from_str(birth, "%Y-%m-%d").unwrap();
    fengqiao_domain::privacy::synthetic_id("150101", d, seq).as_str().to_string()
}

async fn area_id(app: &TestApp, code: &str) -> String {
    app.services.store.area_by_code(code).await.unwrap().unwrap().id.to_string()
}

/// A grid worker of the second grid of the same community.
async fn second_grid_worker(app: &TestApp) -> String {
    app.services
        .create_account(&operator("test"), NewAccount {
            username: "grid2".into(),
            display_name: "测试grid2".into(),
            role: "grid_worker".into(),
            home_area_code: "150103003030G02".into(),
            password: PW.into(),
        })
        .await
        .unwrap();
    app.token("grid2").await
}

fn dispute(area: &str, id_number: &str) -> Value {
    json!({
        "kind": "dispute", "category": "tenancy.utilities", "title": "租户与房东水费纠纷",
        "description": "租户认为水费分摊不合理", "area_id": area, "channel": "joint_police_visit",
        "parties": [
            {"role": "applicant", "name": "王秀英", "id_number": id_number, "phone": "13904710000"},
            {"role": "respondent", "name": "李建国", "phone": "13904710001"}
        ]
    })
}

async fn report(app: &TestApp, token: &str, body: Value) -> Value {
    let (s, c) = app.send(Method::POST, token, "/api/v1/cases", body).await;
    assert_eq!(s, 201, "{}: {c}", app.backend);
    c
}

async fn act(app: &TestApp, token: &str, case: &Value, version: i64, action: Value) -> (u16, Value) {
    let path = format!("/api/v1/cases/{}/actions", case["id"].as_str().unwrap());
    app.send(Method::POST, token, &path, json!({"expected_version": version, "action": action})).await
}

#[tokio::test]
async fn a_grid_worker_takes_in_a_case_with_parties_masked_everywhere() {
    for app in TestApp::all().await {
        let grid = app.token("grid").await;
        let g01 = area_id(&app, "150103003030G01").await;
        let id = synthetic_id("1980-05-01", 7);
        let c = report(&app, &grid, dispute(&g01, &id)).await;
        let year = chrono::Utc::now().format("%Y").to_string();
        assert_eq!(c["number"], format!("150103-{year}-000001"), "{}", app.backend);
        assert_eq!(c["status"], "reported");
        assert_eq!(c["handling_level"], "community", "a grid's case starts with its community");
        assert_eq!(c["deadline"], Value::Null, "the clock starts on acceptance");
        assert_eq!(c["reporter_name"], "测试grid");
        assert_eq!(c["parties"][0]["id_number"], format!("{}********{}", &id[..6], &id[14..]));
        assert_eq!(c["parties"][0]["phone"], "139****0000");
        assert_eq!(c["allowed_actions"], json!(["mark_duplicate", "note"]), "a grid worker cannot accept, only say it was taken in twice");

        let path = format!("/api/v1/cases/{}", c["id"].as_str().unwrap());
        let (s, got) = app.get(&grid, &path).await;
        assert_eq!(s, 200);
        assert_eq!(got["parties"], c["parties"]);
        let community = app.token("community").await;
        let (_, got) = app.get(&community, &path).await;
        assert_eq!(got["allowed_actions"], json!(["accept", "decline", "mark_duplicate", "note"]));
        let (s, timeline) = app.get(&grid, &format!("{path}/timeline")).await;
        assert_eq!(s, 200);
        assert_eq!(timeline.as_array().unwrap().len(), 1);
        assert_eq!(timeline[0]["kind"], "report");

        // Nothing anywhere holds the plain ID number or phone.
        for body in [c.to_string(), got.to_string(), timeline.to_string()] {
            assert!(!body.contains(&id) && !body.contains("13904710000"), "{body}");
        }
        let audit = app.services.store.audit_chain(0, 10_000).await.unwrap();
        let row = audit.iter().find(|a| a.action == "case.report").expect("intake audited");
        assert_eq!(row.after.as_ref().unwrap()["number"], c["number"]);
        let all = serde_json::to_string(&audit.iter().map(|a| (&a.before, &a.after)).collect::<Vec<_>>()).unwrap();
        assert!(!all.contains(&id) && !all.contains("13904710000"), "audit keeps masked values only");
        assert!(all.contains("139****0000"));
    }
}

#[tokio::test]
async fn cases_outside_the_scope_do_not_exist() {
    for app in TestApp::all().await {
        let grid = app.token("grid").await;
        let grid2 = second_grid_worker(&app).await;
        let xc = app.token("xc").await;
        let c = report(&app, &grid, dispute(&area_id(&app, "150103003030G01").await, &synthetic_id("1980-05-01", 7))).await;
        let path = format!("/api/v1/cases/{}", c["id"].as_str().unwrap());
        for token in [&grid2, &xc] {
            let (s, p) = app.get(token, &path).await;
            assert_eq!(s, 404, "{}: {p}", app.backend);
            assert_eq!(p["code"], "error-case-not-found");
            assert_eq!(app.get(token, &format!("{path}/timeline")).await.0, 404);
            let (s, list) = app.get(token, "/api/v1/cases").await;
            assert_eq!(s, 200);
            assert_eq!(list["items"], json!([]), "not in their lists either");
            let (s, _) = act(&app, token, &c, 1, json!({"action": "note", "text": "看看"})).await;
            assert_eq!(s, 404);
        }
        // Reporting into someone else's grid is refused the same way.
        let (s, p) = app.send(Method::POST, &grid2, "/api/v1/cases", dispute(&area_id(&app, "150103003030G01").await, &synthetic_id("1980-05-01", 8))).await;
        assert_eq!((s, p["code"].as_str()), (404, Some("error-area-not-found")));
        let (s, p) = app.get(&grid, "/api/v1/cases?area=150102").await;
        assert_eq!(s, 404, "{p}");

        // Those above see it, in their area list and, for the community, in its queue.
        let community = app.token("community").await;
        for (token, query) in [(&grid, ""), (&community, "?queue=handling"), (&app.token("hm").await, "?area=150103003&kind=dispute")] {
            let (s, list) = app.get(token, &format!("/api/v1/cases{query}")).await;
            assert_eq!(s, 200, "{list}");
            assert_eq!(list["items"][0]["id"], c["id"], "{query}");
        }
        let (_, list) = app.get(&app.token("street").await, "/api/v1/cases?area=150103003&queue=handling").await;
        assert_eq!(list["items"], json!([]), "the street's queue holds nothing until escalation");
    }
}

#[tokio::test]
async fn a_dispute_goes_from_report_to_closed_and_every_refusal_is_clear() {
    for app in TestApp::all().await {
        let grid = app.token("grid").await;
        let community = app.token("community").await;
        let c = report(&app, &grid, dispute(&area_id(&app, "150103003030G01").await, &synthetic_id("1975-01-02", 3))).await;
        let grid_user = app.services.store.user_by_username("grid").await.unwrap().unwrap();

        // Illegal now: 409 naming what is possible, in the request's language.
        let r = app
            .http
            .post(app.url(&format!("/api/v1/cases/{}/actions", c["id"].as_str().unwrap())))
            .bearer_auth(&community)
            .header("accept-language", "en")
            .json(&json!({"expected_version": 1, "action": {"action": "close", "note": null}}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 409);
        assert_eq!(r.headers()["content-type"], "application/problem+json");
        let p: Value = r.json().await.unwrap();
        assert_eq!(p["code"], "error-case-action-not-allowed-now", "{p}");
        assert!(p["detail"].as_str().unwrap().contains("not possible") && p["detail"].as_str().unwrap().contains("accept, decline, mark_duplicate, note"), "{p}");

        // Missing or blank reasons are 422, nothing written.
        let (s, p) = act(&app, &community, &c, 1, json!({"action": "decline"})).await;
        assert_eq!(s, 422, "{p}");
        let (s, p) = act(&app, &community, &c, 1, json!({"action": "decline", "reason": "  "})).await;
        assert_eq!((s, p["code"].as_str(), p["field"].as_str()), (422, Some("error-case-reason-required"), Some("reason")));
        // Not a supervisor: 403.
        let (s, _) = act(&app, &grid, &c, 1, json!({"action": "accept"})).await;
        assert_eq!(s, 403);

        let (s, r) = act(&app, &community, &c, 1, json!({"action": "accept", "note": "受理"})).await;
        assert_eq!(s, 200, "{r}");
        assert_eq!(r["case"]["status"], "accepted");
        assert!(r["case"]["deadline"].is_string(), "the clock runs from acceptance");

        // Someone else acting on what they saw as version 1: 409, nothing written.
        let seq = app.audit_seq().await;
        let (s, p) = act(&app, &community, &c, 1, json!({"action": "decline", "reason": "重复登记"})).await;
        assert_eq!((s, p["code"].as_str()), (409, Some("error-case-version-stale")), "{p}");
        assert_eq!(app.audit_seq().await, seq);

        let steps: Vec<(&String, Value, &str)> = vec![
            (&community, json!({"action": "assign", "handler_id": grid_user.id, "handler_name": "ignored", "note": null}), "assigned"),
            (&grid, json!({"action": "start"}), "in_progress"),
            (&grid, json!({"action": "conclude", "outcome": "resolved_by_agreement", "summary": "双方达成调解协议，按户分摊水费"}), "concluded"),
        ];
        let mut version = 2;
        for (token, action, status) in steps {
            let (s, r) = act(&app, token, &c, version, action.clone()).await;
            assert_eq!(s, 200, "{}: {action}: {r}", app.backend);
            assert_eq!(r["case"]["status"], status);
            version += 1;
        }
        let (_, now) = app.get(&community, &format!("/api/v1/cases/{}", c["id"].as_str().unwrap())).await;
        assert_eq!(now["handler_name"], "测试grid", "the name comes from the account");
        assert_eq!(now["resolved_level"], "community");

        // The handler cannot verify their own work.
        let (s, p) = act(&app, &grid, &c, version, json!({"action": "verify", "confirmed": true})).await;
        assert_eq!(s, 403, "{p}");

        for (action, status) in [
            (json!({"action": "verify", "confirmed": true}), "verified"),
            (json!({"action": "follow_up", "satisfaction": "satisfied"}), "followed_up"),
            (json!({"action": "close"}), "closed"),
        ] {
            let (s, r) = act(&app, &community, &c, version, action).await;
            assert_eq!((s, r["case"]["status"].as_str()), (200, Some(status)), "{r}");
            version += 1;
        }
        let (_, timeline) = app.get(&grid, &format!("/api/v1/cases/{}/timeline", c["id"].as_str().unwrap())).await;
        let kinds: Vec<&str> = timeline.as_array().unwrap().iter().map(|e| e["kind"].as_str().unwrap()).collect();
        assert_eq!(kinds, ["report", "accept", "assign", "start", "conclude", "verify", "follow_up", "close"]);
        let audit = app.services.store.audit_chain(0, 10_000).await.unwrap();
        let actions: Vec<&str> = audit.iter().filter(|a| a.entity_id == c["id"].as_str().unwrap()).map(|a| a.action.as_str()).collect();
        assert_eq!(actions, ["case.report", "case.accept", "case.assign", "case.start", "case.conclude", "case.verify", "case.follow_up", "case.close"]);
        let (_, closed) = app.get(&community, &format!("/api/v1/cases/{}", c["id"].as_str().unwrap())).await;
        assert_eq!(closed["allowed_actions"], json!([]), "closed is terminal");
    }
}

#[tokio::test]
async fn a_handler_who_is_staff_may_not_verify_and_escalation_moves_the_queue() {
    for app in TestApp::all().await {
        let community = app.token("community").await;
        let street = app.token("street").await;
        let me = app.services.store.user_by_username("community").await.unwrap().unwrap();
        let c = report(&app, &community, json!({"kind": "hazard", "category": "fire.ebike_charging", "title": "楼道电动车充电",
            "area_id": area_id(&app, "150103003030").await, "channel": "grid_patrol"})).await;
        let mut v = 1;
        for action in [json!({"action": "accept"}), json!({"action": "assign", "handler_id": me.id, "handler_name": "x"}), json!({"action": "start"}),
                       json!({"action": "conclude", "outcome": "resolved_otherwise", "summary": "已移除"})] {
            let (s, r) = act(&app, &community, &c, v, action).await;
            assert_eq!(s, 200, "{r}");
            v += 1;
        }
        let (s, p) = act(&app, &community, &c, v, json!({"action": "verify", "confirmed": true})).await;
        assert_eq!((s, p["code"].as_str()), (403, Some("error-case-verifier-is-handler")), "{p}");

        // A second case escalated to the street leaves the community's queue for the street's.
        let c2 = report(&app, &community, json!({"kind": "demand", "category": "heating", "title": "整栋楼暖气不热",
            "area_id": area_id(&app, "150103003030").await, "channel": "hotline"})).await;
        act(&app, &community, &c2, 1, json!({"action": "accept"})).await;
        let (s, r) = act(&app, &community, &c2, 2, json!({"action": "escalate", "reason": "需街道协调热力公司"})).await;
        assert_eq!(s, 200, "{r}");
        assert_eq!(r["case"]["handling_level"], "street");
        let (_, q) = app.get(&street, "/api/v1/cases?queue=handling").await;
        assert_eq!(q["items"].as_array().unwrap().iter().map(|c| &c["id"]).collect::<Vec<_>>(), vec![&c2["id"]]);
        // The community still sees it but acts for the street no more.
        let (s, p) = act(&app, &community, &c2, 3, json!({"action": "assign", "handler_id": me.id, "handler_name": "x"})).await;
        assert_eq!((s, p["code"].as_str()), (403, Some("error-other-tier")), "{p}");
        let (_, mine) = app.get(&community, "/api/v1/cases?mine=true").await;
        assert_eq!(mine["items"].as_array().unwrap().len(), 1, "{mine}");
        let (_, open) = app.get(&community, "/api/v1/cases?status=accepted").await;
        assert_eq!(open["items"][0]["id"], c2["id"]);
    }
}

#[tokio::test]
async fn of_two_people_acting_at_once_one_wins() {
    for app in TestApp::all().await {
        let community = app.token("community").await;
        let c = report(&app, &app.token("grid").await, dispute(&area_id(&app, "150103003030G01").await, &synthetic_id("1980-05-01", 7))).await;
        let accept = act(&app, &community, &c, 1, json!({"action": "accept"}));
        let decline = act(&app, &community, &c, 1, json!({"action": "decline", "reason": "不属于受理范围"}));
        let ((s1, r1), (s2, r2)) = tokio::join!(accept, decline);
        let mut statuses = [s1, s2];
        statuses.sort();
        assert_eq!(statuses, [200, 409], "{}: {r1} {r2}", app.backend);
        let loser = if s1 == 409 { &r1 } else { &r2 };
        assert_eq!(loser["code"], "error-case-version-stale");
        let (_, timeline) = app.get(&community, &format!("/api/v1/cases/{}/timeline", c["id"].as_str().unwrap())).await;
        assert_eq!(timeline.as_array().unwrap().len(), 2, "one action recorded");
    }
}

#[tokio::test]
async fn bad_intakes_are_refused_with_the_field_named() {
    for app in TestApp::all().await {
        let grid = app.token("grid").await;
        let g01 = area_id(&app, "150103003030G01").await;
        let r = app.http.post(app.url("/api/v1/cases")).bearer_auth(&grid).header("content-type", "application/json").body("{\"kind\": ").send().await.unwrap();
        assert_eq!(r.status(), 400, "{}", app.backend);
        let (s, p) = app.send(Method::POST, &grid, "/api/v1/cases", json!({"kind": "dispute", "title": "缺字段"})).await;
        assert_eq!((s, p["code"].as_str()), (422, Some("error-json-fields")), "{p}");
        let mut bad = dispute(&g01, &synthetic_id("1980-05-01", 7));
        bad["category"] = json!("heating");
        let (s, p) = app.send(Method::POST, &grid, "/api/v1/cases", bad).await;
        assert_eq!((s, p["code"].as_str(), p["field"].as_str()), (422, Some("error-case-category"), Some("category")), "a demand's category on a dispute");
        let mut one_sided = dispute(&g01, &synthetic_id("1980-05-01", 7));
        one_sided["parties"].as_array_mut().unwrap().pop();
        let (s, p) = app.send(Method::POST, &grid, "/api/v1/cases", one_sided).await;
        assert_eq!((s, p["code"].as_str()), (422, Some("error-dispute-needs-both-sides")));
        let mut bad_id = dispute(&g01, "150101198005010000");
        bad_id["title"] = json!("身份证号错误");
        assert_eq!(app.send(Method::POST, &grid, "/api/v1/cases", bad_id).await.0, 422);
        let mut city = dispute(&area_id(&app, "1501").await, &synthetic_id("1980-05-01", 7));
        city["title"] = json!("整个市");
        assert_eq!(app.send(Method::POST, &app.token("admin").await, "/api/v1/cases", city).await.1["code"], "error-case-area-too-broad");
        let (s, p) = app.get(&grid, "/api/v1/cases?status=nonsense").await;
        assert_eq!((s, p["code"].as_str()), (422, Some("error-query")));
        let (_, list) = app.get(&grid, "/api/v1/cases").await;
        assert_eq!(list["items"], json!([]), "nothing was taken in");
        // Leaders look, never report.
        let (s, _) = app.send(Method::POST, &app.token("leader").await, "/api/v1/cases", dispute(&g01, &synthetic_id("1980-05-01", 7))).await;
        assert_eq!(s, 403);

        let (s, cats) = app.get(&grid, "/api/v1/case-categories?kind=hazard").await;
        assert_eq!(s, 200);
        assert!(cats.as_array().unwrap().iter().all(|c| c["kind"] == "hazard"));
        assert!(cats.as_array().unwrap().iter().any(|c| c["code"] == "fire.ebike_charging" && c["name_zh"] == "电动车违规充电"));
        let doc: Value = app.http.get(app.url("/api/openapi.json")).send().await.unwrap().json().await.unwrap();
        for path in ["/api/v1/cases", "/api/v1/cases/{id}", "/api/v1/cases/{id}/timeline", "/api/v1/cases/{id}/actions", "/api/v1/case-categories"] {
            assert!(doc["paths"][path].is_object(), "{path} documented");
        }
        assert!(doc["paths"]["/api/v1/cases/{id}/actions"]["post"]["responses"]["409"]["content"]["application/problem+json"].is_object());
    }
}

#[tokio::test]
async fn deadlines_run_on_working_days_and_overdue_cases_are_listed() {
    for app in TestApp::all().await {
        let community = app.token("community").await;
        let hazard = json!({"kind": "hazard", "category": "gas", "title": "燃气管道老化", "area_id": area_id(&app, "150103003030").await, "channel": "grid_patrol"});
        let c = report(&app, &community, hazard.clone()).await;
        let (_, r) = act(&app, &community, &c, 1, json!({"action": "accept"})).await;
        assert_eq!(r["calendar_gap"], false);
        let (_, open) = app.get(&community, "/api/v1/cases?overdue=true").await;
        assert_eq!(open["items"], json!([]), "{}: a hazard has a working day", app.backend);
        // A hazard is due within one working day; ten days later it is overdue.
        app.clock.advance(chrono::Duration::days(10));
        let community = app.token("community").await;
        let (_, late) = app.get(&community, "/api/v1/cases?overdue=true").await;
        assert_eq!(late["items"][0]["id"], c["id"], "{late}");

        // Past the years the calendar covers, the action still happens, without a deadline.
        app.clock.advance(chrono::Duration::days(3 * 366));
        let community = app.token("community").await;
        let c2 = report(&app, &community, hazard).await;
        let (s, r) = act(&app, &community, &c2, 1, json!({"action": "accept"})).await;
        assert_eq!(s, 200, "{r}");
        assert_eq!((r["calendar_gap"].as_bool(), r["case"]["deadline"].is_null()), (Some(true), true));
    }
}

#[tokio::test]
async fn a_partys_full_id_number_is_revealed_only_with_a_reason_and_audited() {
    for app in TestApp::all().await {
        let grid = app.token("grid").await;
        let id = synthetic_id("1980-05-01", 9);
        let c = report(&app, &grid, dispute(&area_id(&app, "150103003030G01").await, &id)).await;
        let path = format!("/api/v1/cases/{}/parties/{}/reveal", c["id"].as_str().unwrap(), c["parties"][0]["id"].as_str().unwrap());
        let community = app.token("community").await;
        let (s, r) = app.send(Method::POST, &community, &path, json!({"field": "id_number", "reason": "核实当事人身份"})).await;
        assert_eq!((s, r["value"].as_str()), (200, Some(id.as_str())), "{}: {r}", app.backend);
        let (s, r) = app.send(Method::POST, &community, &path, json!({"field": "phone", "reason": "电话回访"})).await;
        assert_eq!((s, r["value"].as_str()), (200, Some("13904710000")));
        let (s, p) = app.send(Method::POST, &community, &path, json!({"field": "phone", "reason": " "})).await;
        assert_eq!((s, p["code"].as_str()), (422, Some("error-reveal-reason")));
        let (s, _) = app.send(Method::POST, &app.token("leader").await, &path, json!({"field": "phone", "reason": "看看"})).await;
        assert_eq!(s, 403, "leaders do not see personal data");
        let (s, _) = app.send(Method::POST, &app.token("xc").await, &path, json!({"field": "phone", "reason": "看看"})).await;
        assert_eq!(s, 404);
        let respondent_id = format!("/api/v1/cases/{}/parties/{}/reveal", c["id"].as_str().unwrap(), c["parties"][1]["id"].as_str().unwrap());
        let (s, p) = app.send(Method::POST, &community, &respondent_id, json!({"field": "id_number", "reason": "核实身份"})).await;
        assert_eq!((s, p["code"].as_str()), (404, Some("error-value-not-recorded")));

        let audit = app.services.store.audit_chain(0, 10_000).await.unwrap();
        let reveals: Vec<_> = audit.iter().filter(|a| a.action == "case.party_reveal").collect();
        assert_eq!(reveals.len(), 2);
        assert_eq!(reveals[0].after.as_ref().unwrap()["reason"], "核实当事人身份");
        let all = serde_json::to_string(&audit.iter().map(|a| &a.after).collect::<Vec<_>>()).unwrap();
        assert!(!all.contains(&id) && !all.contains("13904710000"), "the value itself is never audited");
    }
}
