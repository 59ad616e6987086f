//! The residents' portal: submit with consent and a photo, get a tracking number, follow the
//! case by it; every refusal (no consent, no CSRF token, a flood from one address, an unknown
//! number, a rating before the outcome) says why and writes nothing.

use serde_json::json;

use crate::api_attachments::{JPEG, form_data};
use crate::support::{TestApp, csrf_in};

/// The portal form in a fresh browser; answers the browser and the form's token.
async fn open_form(app: &TestApp) -> (reqwest::Client, String) {
    let browser = app.browser();
    let r = browser.get(app.url("/portal")).send().await.unwrap();
    assert_eq!(r.status(), 200);
    let html = r.text().await.unwrap();
    assert!(html.contains("个人信息保护告知") && html.contains("capture=\"environment\""), "zh-CN first, photo from the camera");
    (browser.clone(), csrf_in(&html))
}

fn fields<'a>(extra: &[(&'a str, &'a str)]) -> Vec<(&'a str, &'a str)> {
    let mut f = vec![
        ("category", "demand:heating"),
        ("description", "整栋楼暖气不热<script>alert(1)</script>"),
        ("area", "150103003030G01"),
        ("address", "铁路小区3号楼"),
        ("name", "王秀英"),
        ("phone", "13904710000"),
        ("consent", "yes"),
    ];
    for (k, v) in extra {
        f.retain(|(x, _)| x != k);
        if !v.is_empty() {
            f.push((k, v));
        }
    }
    f
}

async fn submit(app: &TestApp, browser: &reqwest::Client, csrf: &str, f: &[(&str, &str)], photo: bool) -> reqwest::Response {
    let files: Vec<(&str, &str, &str, &[u8])> = if photo { vec![("files", "暖气.jpg", "image/jpeg", JPEG)] } else { vec![] };
    let (ct, body) = form_data(f, &files);
    browser.post(app.url(&format!("/portal/submit?csrf_token={}", urlencoding(csrf)))).header("content-type", ct).body(body).send().await.unwrap()
}

fn urlencoding(s: &str) -> String {
    s.bytes().map(|b| if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) { (b as char).to_string() } else { format!("%{b:02X}") }).collect()
}

#[tokio::test]
async fn a_resident_submits_and_follows_the_case_by_number() {
    for app in TestApp::all().await {
        let (browser, csrf) = open_form(&app).await;
        let r = submit(&app, &browser, &csrf, &fields(&[]), true).await;
        assert_eq!(r.status(), 303, "{}", app.backend);
        let to = r.headers()["location"].to_str().unwrap().to_string();
        assert!(to.starts_with("/portal/track/") && to.ends_with("?new=1"), "{to}");
        let token = to.trim_start_matches("/portal/track/").trim_end_matches("?new=1").to_string();

        let page = browser.get(app.url(&to)).send().await.unwrap().text().await.unwrap();
        assert!(page.contains(&format!("data-tracking=\"{token}\"")) && page.contains("已上报"), "{page}");
        assert!(page.contains("巴彦淖尔北路社区"), "the handling office is named: {page}");
        // Typed the way people read it out: lower case, in groups.
        let grouped = format!("{}-{}-{}", &token[..4], &token[4..8], &token[8..]).to_lowercase();
        let r = browser.get(app.url(&format!("/portal/track?number={grouped}"))).send().await.unwrap();
        let r = browser.get(app.url(r.headers()["location"].to_str().unwrap())).send().await.unwrap();
        assert_eq!(r.status(), 200);

        // The case is an ordinary online intake with its photo; the contact is encrypted and masked.
        let t = app.services.track(&token).await.unwrap();
        assert_eq!(t.case.channel.as_str(), "online");
        assert!(t.case.description.contains("<script>"), "kept as typed");
        assert!(!page.contains("<script>alert(1)</script>"), "and escaped on every page");
        let sub = t.submission;
        assert!(sub.consent_at.is_some());
        let name = sub.contact_name.unwrap();
        assert!(!name.cipher.contains("王秀英") && name.masked == "王**");
        assert_eq!(t.case.reporter_name, "王**");
        let grid = app.token("admin").await;
        let (_, files) = app.get(&grid, &format!("/api/v1/cases/{}/attachments", t.case.id)).await;
        assert_eq!(files["items"].as_array().map(Vec::len).or(files.as_array().map(Vec::len)), Some(1), "{files}");

        // Rating waits for the outcome.
        let r = browser.post(app.url(&format!("/portal/track/{token}/rating"))).form(&[("csrf_token", csrf.as_str()), ("rating", "satisfied")]).send().await.unwrap();
        assert_eq!(r.status(), 409);

        // English on request.
        let en = browser.get(app.url(&format!("/portal/track/{token}?lang=en"))).send().await.unwrap().text().await.unwrap();
        assert!(en.contains("Tracking number"));
    }
}

#[tokio::test]
async fn refusals_say_why_and_write_nothing() {
    for app in TestApp::all().await {
        let (browser, csrf) = open_form(&app).await;
        let seq = app.audit_seq().await;
        let r = submit(&app, &browser, &csrf, &fields(&[("consent", "")]), false).await;
        assert_eq!(r.status(), 422);
        let html = r.text().await.unwrap();
        assert!(html.contains("请先阅读并同意") && html.contains("铁路小区3号楼"), "the form comes back filled in");
        let r = submit(&app, &browser, "not-the-token", &fields(&[]), false).await;
        assert_eq!(r.status(), 403, "CSRF");
        let r = submit(&app, &browser, &csrf, &fields(&[("category", "dispute:tenancy.utilities")]), false).await;
        assert_eq!(r.status(), 422, "a dispute names the other side");
        let r = submit(&app, &browser, &csrf, &fields(&[("area", "")]), false).await;
        assert_eq!(r.status(), 422, "no location");
        let r = submit(&app, &browser, &csrf, &fields(&[("phone", "12")]), false).await;
        assert_eq!(r.status(), 422, "a phone that is no phone");
        assert_eq!(app.audit_seq().await, seq, "nothing written");

        let r = browser.get(app.url("/portal/track/ABCDEFGHJKMN")).send().await.unwrap();
        assert_eq!(r.status(), 404);
        assert!(r.text().await.unwrap().contains("没有这个查询码"));
        let r = browser.get(app.url("/portal/track/x")).send().await.unwrap();
        assert_eq!(r.status(), 404);
        let notices = browser.get(app.url("/portal/notices")).send().await.unwrap();
        assert_eq!(notices.status(), 200);
    }
}

#[tokio::test]
async fn a_flood_from_one_address_is_held_back() {
    for app in TestApp::all().await {
        let (browser, csrf) = open_form(&app).await;
        let allowed = fengqiao_domain::services::submissions::PORTAL_PER_HOUR;
        for i in 0..allowed {
            let r = submit(&app, &browser, &csrf, &fields(&[]), false).await;
            assert_eq!(r.status(), 303, "{}: submission {i}", app.backend);
        }
        let seq = app.audit_seq().await;
        let r = submit(&app, &browser, &csrf, &fields(&[]), false).await;
        assert_eq!(r.status(), 429);
        assert_eq!(app.audit_seq().await, seq);
        app.clock.advance(chrono::Duration::minutes(61));
        let r = submit(&app, &browser, &csrf, &fields(&[]), false).await;
        assert_eq!(r.status(), 303, "an hour later the address may submit again");
        let _ = json!(null);
    }
}

#[tokio::test]
async fn the_resident_rates_the_outcome_once_and_sees_a_refusal_with_its_reason() {
    for app in TestApp::all().await {
        let (browser, csrf) = open_form(&app).await;
        let token_of = |r: reqwest::Response| r.headers()["location"].to_str().unwrap().trim_start_matches("/portal/track/").trim_end_matches("?new=1").to_string();
        let done = token_of(submit(&app, &browser, &csrf, &fields(&[]), false).await);
        let refused = token_of(submit(&app, &browser, &csrf, &fields(&[("description", "重复的诉求")]), false).await);
        let (community, grid) = (app.token("community").await, app.token("grid").await);
        let handler = app.services.store.user_by_username("grid").await.unwrap().unwrap().id;
        let case = |t: &str| {
            let t = t.to_string();
            let s = app.services.clone();
            async move { s.track(&t).await.unwrap().case.id }
        };
        let act = |who: &str, id: uuid::Uuid, v: i64, action: serde_json::Value| {
            let (who, app) = (who.to_string(), &app);
            async move {
                let (s, r) = app.send(reqwest::Method::POST, &who, &format!("/api/v1/cases/{id}/actions"), json!({"expected_version": v, "action": action})).await;
                assert_eq!(s, 200, "{}: {r}", app.backend);
            }
        };
        let id = case(&done).await;
        act(&community, id, 1, json!({"action": "accept"})).await;
        act(&community, id, 2, json!({"action": "assign", "handler_id": handler, "handler_name": "测试grid"})).await;
        act(&grid, id, 3, json!({"action": "start"})).await;
        act(&grid, id, 4, json!({"action": "conclude", "outcome": "resolved_otherwise", "summary": "已维修"})).await;
        act(&community, case(&refused).await, 1, json!({"action": "decline", "reason": "与已受理事项重复"})).await;

        let page = browser.get(app.url(&format!("/portal/track/{done}"))).send().await.unwrap().text().await.unwrap();
        assert!(page.contains("已办结") && page.contains("name=\"rating\""), "asked to rate once concluded");
        let rate = |v: &'static str| browser.post(app.url(&format!("/portal/track/{done}/rating"))).form(&[("csrf_token", csrf.as_str()), ("rating", v)]).send();
        assert_eq!(rate("basically_satisfied").await.unwrap().status(), 303);
        assert_eq!(rate("dissatisfied").await.unwrap().status(), 409, "once only");
        let page = browser.get(app.url(&format!("/portal/track/{done}"))).send().await.unwrap().text().await.unwrap();
        assert!(page.contains("基本满意") && !page.contains("name=\"rating\""));

        // Staff see the resident's word on the case, apart from their own follow-up, which
        // is what the figures count.
        act(&community, id, 5, json!({"action": "verify", "confirmed": true})).await;
        act(&community, id, 6, json!({"action": "follow_up", "satisfaction": "satisfied"})).await;
        let office = app.browser();
        crate::ui::sign_in(&app, &office, "community").await;
        let page = office.get(app.url(&format!("/cases/{id}"))).send().await.unwrap().text().await.unwrap();
        let rated = page.find("id=\"resident-rating\"").map(|at| &page[at..]).unwrap_or_else(|| panic!("{}: {page}", app.backend));
        assert!(rated.contains("基本满意") && rated.contains("在群众端") && rated.contains("不计这一评价"), "{rated}");
        assert!(page.contains("回访满意度</dt><dd>满意</dd>"), "the follow-up beside it");
        let rated_at = app.services.store.submission_of_case(id).await.unwrap().unwrap().rated_at.unwrap();
        let shanghai = rated_at.with_timezone(&chrono_tz::Asia::Shanghai);
        assert!(rated.contains(&shanghai.format("%Y年%m月%d日 %H:%M").to_string()), "when: {rated}");
        let en = office.get(app.url(&format!("/cases/{id}?lang=en"))).send().await.unwrap().text().await.unwrap();
        assert!(en.contains("The resident&#39;s own rating") || en.contains("The resident's own rating") , "{en}");
        assert!(en.contains("Basically satisfied") && en.contains("on the public portal"));
        let declined = office.get(app.url(&format!("/cases/{}", case(&refused).await))).send().await.unwrap().text().await.unwrap();
        assert!(declined.contains("尚未评价"), "not rated yet, and it says so");

        let page = browser.get(app.url(&format!("/portal/track/{refused}"))).send().await.unwrap().text().await.unwrap();
        assert!(page.contains("与已受理事项重复"), "a refusal shows its reason");
        let number = app.services.track(&refused).await.unwrap().case.number.to_string();
        let r: serde_json::Value = app.http.get(app.url(&format!("/open311/v2/requests/{number}.json"))).send().await.unwrap().json().await.unwrap();
        assert_eq!(r[0]["status"], "closed");
        assert!(r[0]["status_notes"].as_str().unwrap().contains("与已受理事项重复"), "{r}");
        let en: serde_json::Value = app.http.get(app.url(&format!("/open311/v2/requests/{number}.json"))).header("accept-language", "en").send().await.unwrap().json().await.unwrap();
        assert!(en[0]["status_notes"].as_str().unwrap().starts_with("Declined"), "{en}");
    }
}
