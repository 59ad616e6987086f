//! The mediation file over the API: a dispute mediated in sessions, ended by an agreement
//! that everyone signs, printed as PDF and confirmed by a court; and every refusal (wrong
//! status, wrong kind, signed and frozen, too late for the court, out of scope, no right).

use chrono::Duration;
use fengqiao_domain::ports::Clock;
use fengqiao_domain::services::NewAccount;
use fengqiao_domain::services::operator;
use fengqiao_domain::services::registry::NewPerson;
use reqwest::Method;
use serde_json::{Value, json};

use crate::support::{PW, TestApp};

pub(crate) const ID_NUMBER_SEQ: u16 = 11;

pub(crate) fn id_number() -> String {
    let d = chrono::NaiveDate::from_ymd_opt(1972, 3, 9).unwrap();
    fengqiao_domain::privacy::synthetic_id("150101", d, ID_NUMBER_SEQ).as_str().to_string()
}

async fn area_id(app: &TestApp, code: &str) -> String {
    app.services.store.area_by_code(code).await.unwrap().unwrap().id.to_string()
}

async fn act(app: &TestApp, token: &str, id: &str, version: i64, action: Value) {
    let (s, r) = app.send(Method::POST, token, &format!("/api/v1/cases/{id}/actions"), json!({"expected_version": version, "action": action})).await;
    assert_eq!(s, 200, "{}: {r}", app.backend);
}

/// A water-fee dispute in the first grid, accepted by the community and, unless `start` is
/// false, taken up by the grid worker. Returns the case id.
pub(crate) async fn dispute(app: &TestApp, start: bool) -> String {
    let grid = app.token("grid").await;
    let community = app.token("community").await;
    let body = json!({
        "kind": "dispute", "category": "tenancy.utilities", "title": "租户与房东水费纠纷",
        "area_id": area_id(app, "150103003030G01").await, "channel": "joint_police_visit",
        "parties": [
            {"role": "applicant", "name": "王秀英", "id_number": id_number(), "phone": "13904710000"},
            {"role": "respondent", "name": "李建国", "phone": "13904710001"}
        ]
    });
    let (s, c) = app.send(Method::POST, &grid, "/api/v1/cases", body).await;
    assert_eq!(s, 201, "{c}");
    let id = c["id"].as_str().unwrap().to_string();
    let grid_user = app.services.store.user_by_username("grid").await.unwrap().unwrap();
    act(app, &community, &id, 1, json!({"action": "accept"})).await;
    act(app, &community, &id, 2, json!({"action": "assign", "handler_id": grid_user.id, "handler_name": ""})).await;
    if start {
        act(app, &grid, &id, 3, json!({"action": "start"})).await;
    }
    id
}

/// A mediator account in the community, a volunteer neighbour there and the district's
/// invited mediator (a retired judge); returns the two registry people's ids.
pub(crate) async fn mediators(app: &TestApp) -> (String, String) {
    let op = operator("test");
    app.services
        .create_account(&op, NewAccount {
            username: "med".into(),
            display_name: "赵玉华".into(),
            role: "mediator".into(),
            home_area_code: "150103003030".into(),
            password: PW.into(),
        })
        .await
        .unwrap();
    let person = |name: &str, kind: &str, area: &str| NewPerson {
        name: name.into(),
        kind: kind.into(),
        profession: None,
        organisation: None,
        phone: None,
        area_code: area.into(),
        assign_to: Vec::new(),
    };
    let volunteer = app.services.create_person(&op, person("刘桂兰", "volunteer_mediator", "150103003030")).await.unwrap();
    let invited = app.services.create_person(&op, person("高德明", "invited_mediator", "150103")).await.unwrap();
    // Someone of another street is never offered.
    app.services.create_person(&op, person("孙立", "volunteer_mediator", "150103004")).await.unwrap();
    (volunteer.id.to_string(), invited.id.to_string())
}

fn session(mediators: Value, party: &Value) -> Value {
    json!({
        "held_at": (chrono::Utc::now() - Duration::hours(2)).to_rfc3339(), "place": "巴彦淖尔北路社区调解室",
        "mediators": mediators, "party_ids": [party], "others": ["张敏（网格员）"],
        "record": "双方陈述了水费分摊的经过。\n调解员释明了相关规定。"
    })
}

fn agreement(version: i64, mediator: Value) -> Value {
    json!({
        "version": version, "facts": "申请人租住被申请人房屋，双方就水费分摊发生争议。",
        "terms": "一、被申请人退还申请人多收水费三百元。\n二、今后按分户水表读数结算。",
        "performance": "被申请人以现金方式一次性支付", "performance_due": null, "mediators": [mediator]
    })
}

#[tokio::test]
async fn a_dispute_is_mediated_signed_printed_and_confirmed() {
    for app in TestApp::all().await {
        let (volunteer, invited) = mediators(&app).await;
        let id = dispute(&app, true).await;
        let grid = app.token("grid").await;
        let base = format!("/api/v1/cases/{id}/mediation");
        let grid_user = app.services.store.user_by_username("grid").await.unwrap().unwrap();

        let (s, list) = app.get(&grid, &format!("{base}/mediators")).await;
        assert_eq!(s, 200, "{}: {list}", app.backend);
        let names: Vec<&str> = list.as_array().unwrap().iter().map(|m| m["name"].as_str().unwrap()).collect();
        assert_eq!(names, ["测试grid", "赵玉华", "高德明", "刘桂兰"], "handler, mediator account, invited, volunteer; not 孙立");
        assert_eq!(list[2]["kind"], "invited");
        assert_eq!(list[3]["kind"], "volunteer");

        let (_, file) = app.get(&grid, &base).await;
        assert_eq!((file["may_record"].as_bool(), file["sessions"].as_array().map(Vec::len)), (Some(true), Some(0)), "{file}");
        let applicant = file["parties"][0]["id"].clone();
        let respondent = file["parties"][1]["id"].clone();
        let (s, created) = app
            .send(Method::POST, &grid, &format!("{base}/sessions"), session(json!([{"user_id": grid_user.id}, {"person_id": volunteer}]), &applicant))
            .await;
        assert_eq!(s, 201, "{created}");
        assert_eq!(created["mediators"][1], json!({"kind": "volunteer", "user_id": null, "person_id": volunteer, "name": "刘桂兰"}));
        // The invited judge mediates the second session alone.
        let (s, _) = app.send(Method::POST, &grid, &format!("{base}/sessions"), session(json!([{"person_id": invited}]), &respondent)).await;
        assert_eq!(s, 201);
        let (_, sessions) = app.get(&grid, &format!("{base}/sessions")).await;
        assert_eq!(sessions.as_array().unwrap().len(), 2);
        assert_eq!(sessions[0]["others"], json!(["张敏（网格员）"]));

        let (s, a) = app.send(Method::PUT, &grid, &format!("{base}/agreement"), agreement(0, json!({"person_id": invited}))).await;
        assert_eq!(s, 200, "{a}");
        let case_number = app.get(&grid, &format!("/api/v1/cases/{id}")).await.1["number"].clone();
        assert_eq!(a["number"], case_number, "the case number when the committee keeps none");
        assert_eq!(a["committee"], "巴彦淖尔北路社区人民调解委员会");
        assert_eq!(a["parties"].as_array().unwrap().len(), 2, "all the case's parties by default");
        let sign_path = format!("{base}/agreement/sign");
        let sign = |who: Value| app.send(Method::POST, &grid, &sign_path, who);
        let (s, a) = sign(json!({"signer": "party", "party_id": applicant})).await;
        assert_eq!((s, a["effective_on"].clone()), (200, Value::Null), "{a}");
        let (s, p) = sign(json!({"signer": "party", "party_id": applicant})).await;
        assert_eq!((s, p["code"].as_str()), (409, Some("error-agreement-already-signed")));
        // A stale rewrite is refused; a fresh one voids the signature given to the old words.
        let (s, p) = app.send(Method::PUT, &grid, &format!("{base}/agreement"), agreement(1, json!({"person_id": invited}))).await;
        assert_eq!((s, p["code"].as_str()), (409, Some("error-agreement-version-stale")));
        let (s, a) = app.send(Method::PUT, &grid, &format!("{base}/agreement"), agreement(2, json!({"person_id": invited}))).await;
        assert_eq!((s, a["version"].as_i64()), (200, Some(3)), "{a}");
        assert_eq!(a["parties"][0]["signed_at"], Value::Null);
        for who in [json!({"signer": "party", "party_id": applicant}), json!({"signer": "party", "party_id": respondent}), json!({"signer": "mediator"})] {
            let (s, a) = sign(who).await;
            assert_eq!(s, 200, "{a}");
        }
        let today = fengqiao_domain::rules::calendar::local_date(app.clock.now()).to_string();
        let (_, file) = app.get(&grid, &base).await;
        assert_eq!(file["agreement"]["effective_on"], today.as_str(), "in force the day the last one signed");
        assert_eq!(file["confirmation_window"]["days_left"], 30);

        // Signed by all: frozen.
        let seq = app.audit_seq().await;
        let (s, p) = app.send(Method::PUT, &grid, &format!("{base}/agreement"), agreement(6, json!({"person_id": invited}))).await;
        assert_eq!((s, p["code"].as_str()), (409, Some("error-agreement-signed")), "{p}");
        let (s, _) = sign(json!({"signer": "mediator"})).await;
        assert_eq!(s, 409);
        assert_eq!(app.audit_seq().await, seq, "nothing written");

        // The PDF holds the real text, with the ID number masked.
        let r = app.http.get(app.url(&format!("{base}/agreement.pdf"))).bearer_auth(&grid).send().await.unwrap();
        assert_eq!(r.status(), 200);
        assert_eq!(r.headers()["content-type"], "application/pdf");
        let pdf = r.bytes().await.unwrap();
        let text = crate::ui_mediation::pdf_text(&pdf);
        for expected in ["人民调解协议书", "王秀英", "李建国", "高德明", "巴彦淖尔北路社区人民调解委员会", "退还申请人多收水费三百元", case_number.as_str().unwrap()] {
            assert!(text.contains(expected), "{}: {expected} missing in {text}", app.backend);
        }
        let masked = format!("{}********{}", &id_number()[..6], &id_number()[14..]);
        assert!(text.contains(&masked) && !text.contains(&id_number()), "{text}");

        // Judicial confirmation: not in the future, once, then the court's answer once.
        let tomorrow = (chrono::NaiveDate::parse_from_str(&today, "%Y-%m-%d").unwrap() + Duration::days(1)).to_string();
        let jc = format!("{base}/judicial-confirmation");
        let (s, p) = app.send(Method::POST, &grid, &jc, json!({"applied_on": tomorrow, "court": "回民区人民法院"})).await;
        assert_eq!((s, p["field"].as_str()), (422, Some("applied_on")), "{p}");
        let (s, j) = app.send(Method::POST, &grid, &jc, json!({"applied_on": today, "court": "呼和浩特市回民区人民法院"})).await;
        assert_eq!(s, 201, "{j}");
        let (s, _) = app.send(Method::POST, &grid, &jc, json!({"applied_on": today, "court": "呼和浩特市回民区人民法院"})).await;
        assert_eq!(s, 409);
        let (s, j) = app.send(Method::POST, &grid, &format!("{jc}/result"), json!({"result": "confirmed", "decided_on": today})).await;
        assert_eq!((s, j["result"].as_str()), (200, Some("confirmed")), "{j}");
        let (s, _) = app.send(Method::POST, &grid, &format!("{jc}/result"), json!({"result": "refused", "decided_on": today})).await;
        assert_eq!(s, 409);

        // Concluded by agreement, the case still points at it.
        act(&app, &grid, &id, 4, json!({"action": "conclude", "outcome": "resolved_by_agreement", "summary": "达成调解协议并经司法确认"})).await;
        let (s, a) = app.get(&app.token("community").await, &format!("{base}/agreement")).await;
        assert_eq!((s, a["effective_on"].as_str()), (200, Some(today.as_str())));

        let audit = app.services.store.audit_chain(0, 10_000).await.unwrap();
        let actions: Vec<&str> = audit.iter().filter(|a| a.entity_id == id && a.action.starts_with("mediation.")).map(|a| a.action.as_str()).collect();
        assert_eq!(actions, [
            "mediation.session", "mediation.session", "mediation.agreement", "mediation.sign", "mediation.agreement", "mediation.sign",
            "mediation.sign", "mediation.sign", "mediation.confirmation_apply", "mediation.confirmation_decide"
        ]);
        let all = serde_json::to_string(&audit.iter().map(|a| &a.after).collect::<Vec<_>>()).unwrap();
        assert!(!all.contains("调解员释明了相关规定") && !all.contains(&id_number()), "the audit keeps the shape, not the words");
    }
}

#[tokio::test]
async fn every_refusal_is_clear_and_writes_nothing() {
    for app in TestApp::all().await {
        let (volunteer, _) = mediators(&app).await;
        let grid = app.token("grid").await;
        let one = json!([{"person_id": volunteer}]);

        // Not yet taken up: 409.
        let assigned = dispute(&app, false).await;
        let seq = app.audit_seq().await;
        let party = app.get(&grid, &format!("/api/v1/cases/{assigned}/mediation")).await.1["parties"][0]["id"].clone();
        let (s, p) = app.send(Method::POST, &grid, &format!("/api/v1/cases/{assigned}/mediation/sessions"), session(one.clone(), &party)).await;
        assert_eq!((s, p["code"].as_str()), (409, Some("error-mediation-not-in-progress")), "{}: {p}", app.backend);

        // A hazard has no mediation file at all.
        let community = app.token("community").await;
        let (_, h) = app
            .send(Method::POST, &community, "/api/v1/cases", json!({"kind": "hazard", "category": "fire.ebike_charging", "title": "楼道电动车充电",
                "area_id": area_id(&app, "150103003030").await, "channel": "grid_patrol"}))
            .await;
        let (s, p) = app.get(&community, &format!("/api/v1/cases/{}/mediation", h["id"].as_str().unwrap())).await;
        assert_eq!((s, p["code"].as_str()), (409, Some("error-mediation-not-dispute")), "{p}");

        let id = dispute(&app, true).await;
        let base = format!("/api/v1/cases/{id}/mediation");
        // Outside the scope: 404, reading or writing.
        let xc = app.token("xc").await;
        assert_eq!(app.get(&xc, &base).await.0, 404);
        let (s, p) = app.send(Method::POST, &xc, &format!("{base}/sessions"), session(one.clone(), &party)).await;
        assert_eq!((s, p["code"].as_str()), (404, Some("error-case-not-found")));
        // Sees it, may not write it: 403.
        let leader = app.token("leader").await;
        assert_eq!(app.get(&leader, &base).await.0, 200);
        let (s, p) = app.send(Method::POST, &leader, &format!("{base}/sessions"), session(one.clone(), &party)).await;
        assert_eq!((s, p["code"].as_str()), (403, Some("error-mediation-not-yours")), "{p}");
        // Bad input: 422 with the field.
        let party = app.get(&grid, &base).await.1["parties"][0]["id"].clone();
        let mut blank = session(one.clone(), &party);
        blank["record"] = json!("   ");
        let (s, p) = app.send(Method::POST, &grid, &format!("{base}/sessions"), blank).await;
        assert_eq!((s, p["field"].as_str()), (422, Some("record")), "{p}");
        let (s, p) = app.send(Method::POST, &grid, &format!("{base}/sessions"), session(json!([{"person_id": uuid::Uuid::now_v7()}]), &party)).await;
        assert_eq!((s, p["code"].as_str()), (422, Some("error-mediator-not-available")), "{p}");
        let (s, p) = app.send(Method::POST, &grid, &format!("{base}/sessions"), session(json!([]), &party)).await;
        assert_eq!((s, p["field"].as_str()), (422, Some("mediators")), "{p}");
        let (s, p) = app.send(Method::POST, &grid, &format!("{base}/sessions"), session(one.clone(), &json!(uuid::Uuid::now_v7()))).await;
        assert_eq!((s, p["code"].as_str()), (422, Some("error-party-not-of-case")), "{p}");
        // Judicial confirmation needs a signed agreement.
        let today = fengqiao_domain::rules::calendar::local_date(app.clock.now());
        let jc = format!("{base}/judicial-confirmation");
        let (s, p) = app.send(Method::POST, &grid, &jc, json!({"applied_on": today, "court": "回民区人民法院"})).await;
        assert_eq!((s, p["code"].as_str()), (409, Some("error-judicial-needs-agreement")), "{p}");
        let audit = app.services.store.audit_chain(seq, 10_000).await.unwrap();
        assert!(audit.iter().all(|a| !a.action.starts_with("mediation.")), "no refused write left a trace");

        // Signed by all, then 31 days pass: too late for the court.
        let (s, a) = app.send(Method::PUT, &grid, &format!("{base}/agreement"), agreement(0, json!({"person_id": volunteer}))).await;
        assert_eq!(s, 200, "{a}");
        for p in a["parties"].as_array().unwrap() {
            app.send(Method::POST, &grid, &format!("{base}/agreement/sign"), json!({"signer": "party", "party_id": p["party_id"]})).await;
        }
        let (s, _) = app.send(Method::POST, &grid, &format!("{base}/agreement/sign"), json!({"signer": "mediator"})).await;
        assert_eq!(s, 200);
        app.clock.advance(Duration::days(31));
        let grid = app.token("grid").await;
        let (_, file) = app.get(&grid, &base).await;
        assert_eq!(file["confirmation_window"]["days_left"], -1, "{file}");
        let late = today + Duration::days(31);
        let (s, p) = app.send(Method::POST, &grid, &jc, json!({"applied_on": late, "court": "回民区人民法院"})).await;
        assert_eq!((s, p["code"].as_str(), p["field"].as_str()), (422, Some("error-judicial-window-passed"), Some("applied_on")), "{p}");
        // Filed on the last day and recorded late is a fact, and is kept.
        let (s, _) = app.send(Method::POST, &grid, &jc, json!({"applied_on": today + Duration::days(30), "court": "回民区人民法院"})).await;
        assert_eq!(s, 201);
    }
}
