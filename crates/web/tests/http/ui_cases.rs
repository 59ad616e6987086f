//! Case pages: intake through the form, the queues, scope, an action through its form, a
//! stale version shown on the page, a refused form that keeps what was typed, and CSRF.

use fengqiao_domain::services::{NewAccount, operator};

use crate::support::{PW, TestApp, csrf_in};
use crate::ui::sign_in;

async fn text(app: &TestApp, b: &reqwest::Client, path: &str) -> (u16, String) {
    let r = b.get(app.url(path)).send().await.unwrap();
    (r.status().as_u16(), r.text().await.unwrap())
}

async fn post(app: &TestApp, b: &reqwest::Client, path: &str, form: &[(&str, &str)]) -> (u16, String, String) {
    let r = b.post(app.url(path)).form(form).send().await.unwrap();
    let status = r.status().as_u16();
    let location = r.headers().get("location").map(|v| v.to_str().unwrap().to_string()).unwrap_or_default();
    (status, location, r.text().await.unwrap())
}

/// The intake form is multipart: its token rides in the action's query string.
async fn post_intake(app: &TestApp, b: &reqwest::Client, fields: &[(&str, &str)]) -> (u16, String, String) {
    let path = match fields.iter().find(|(k, _)| *k == "csrf_token") {
        Some((_, t)) => format!("/cases/new?csrf_token={t}"),
        None => "/cases/new".to_string(),
    };
    crate::ui_attachments::post_multipart(app, b, &path, fields, &[]).await
}

async fn area_id(app: &TestApp, code: &str) -> String {
    app.services.store.area_by_code(code).await.unwrap().unwrap().id.to_string()
}

/// The grid worker takes in a water-fee dispute through the form; returns the case's path.
async fn intake(app: &TestApp, b: &reqwest::Client) -> String {
    let (s, form) = text(app, b, "/cases/new").await;
    assert_eq!(s, 200, "{}", app.backend);
    assert!(form.contains("value=\"grid_patrol\" selected"), "a grid worker's channel defaults to patrol");
    let csrf = csrf_in(&form);
    let g01 = area_id(app, "150103003030G01").await;
    let fields = [
        ("csrf_token", csrf.as_str()),
        ("kind", "dispute"),
        ("category", "tenancy.utilities"),
        ("title", "租户与房东水费纠纷"),
        ("description", "租户认为水费分摊不合理"),
        ("area_id", g01.as_str()),
        ("address", "什拉门更小区3号楼"),
        ("channel", "grid_patrol"),
        ("risk", "ordinary"),
        ("p0_name", "王秀英"),
        ("p0_phone", "13904710000"),
        ("p1_name", "李建国"),
        ("p1_phone", ""),
    ];
    let (s, location, body) = post_intake(app, b, &fields).await;
    assert_eq!(s, 303, "{}: {body}", app.backend);
    assert!(location.starts_with("/cases/") && location.ends_with("?ok=case-reported"), "{location}");
    location.trim_end_matches("?ok=case-reported").to_string()
}

#[tokio::test]
async fn a_grid_worker_reports_a_case_on_the_form_and_finds_it_in_the_queue() {
    for app in TestApp::all().await {
        let b = app.browser();
        sign_in(&app, &b, "grid").await;
        let (_, home) = text(&app, &b, "/").await;
        assert!(home.contains("href=\"/cases/new\"") && home.contains("href=\"/cases\""), "home offers intake, the navigation the queue");
        let case = intake(&app, &b).await;

        let (s, page) = text(&app, &b, &format!("{case}?ok=case-reported")).await;
        assert_eq!(s, 200);
        assert!(page.contains("事件已上报") && page.contains("租户与房东水费纠纷") && page.contains("已上报"), "{page}");
        assert!(page.contains("139****0000") && !page.contains("13904710000"), "phones are masked");
        assert!(page.contains("登记事件") && page.contains("测试grid"), "the intake is the first timeline line");

        let (_, area) = text(&app, &b, "/cases?q=area").await;
        assert!(area.contains(&format!("href=\"{case}\"")), "the case is in the grid worker's area queue");
        let (_, mine) = text(&app, &b, "/cases?q=mine").await;
        assert!(!mine.contains(&format!("href=\"{case}\"")) && mine.contains("class=\"empty\""), "not theirs to handle until assigned");
        let (_, hazards) = text(&app, &b, "/cases?q=area&kind=hazard").await;
        assert!(!hazards.contains(&format!("href=\"{case}\"")), "the kind filter applies");

        // The community's office handles it: it is in their queue to handle.
        let c = app.browser();
        sign_in(&app, &c, "community").await;
        let (_, queue) = text(&app, &c, "/cases").await;
        assert!(queue.contains(&format!("href=\"{case}\"")) && queue.contains("aria-current=\"page\">本级待办"), "{queue}");

        // A grid worker of the neighbouring grid: the case does not exist for them.
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
        let o = app.browser();
        sign_in(&app, &o, "grid2").await;
        let (s, _) = text(&app, &o, &case).await;
        assert_eq!(s, 404, "{}", app.backend);
        let (_, queue) = text(&app, &o, "/cases?q=area").await;
        assert!(!queue.contains(&format!("href=\"{case}\"")));

        // In English too.
        let (_, en) = text(&app, &b, "/cases?lang=en&q=area").await;
        assert!(en.contains("In my area") && en.contains("Dispute") && en.contains("Reported"), "{en}");
    }
}

#[tokio::test]
async fn an_action_through_its_form_moves_the_case_and_a_stale_one_is_told() {
    for app in TestApp::all().await {
        let g = app.browser();
        sign_in(&app, &g, "grid").await;
        let case = intake(&app, &g).await;
        let (_, seen) = text(&app, &g, &case).await;
        assert!(!seen.contains("value=\"accept\""), "a grid worker may not accept");

        let b = app.browser();
        sign_in(&app, &b, "community").await;
        let (_, page) = text(&app, &b, &case).await;
        assert!(page.contains("value=\"accept\"") && page.contains("value=\"decline\"") && !page.contains("value=\"close\""), "only the actions allowed now");
        let csrf = csrf_in(&page);
        let act = format!("{case}/act");

        // A decline without a reason is refused beside its form; nothing moves.
        let (s, _, refused) = post(&app, &b, &act, &[("csrf_token", &csrf), ("expected_version", "1"), ("action", "decline"), ("reason", "  ")]).await;
        assert_eq!(s, 422);
        assert!(refused.contains("role=\"alert\"") && refused.contains("<details class=\"card\" open>"), "{refused}");

        let (s, location, _) = post(&app, &b, &act, &[("csrf_token", &csrf), ("expected_version", "1"), ("action", "accept"), ("note", "属实，予以受理")]).await;
        assert_eq!(s, 303, "{}", app.backend);
        assert!(location.ends_with("?ok=case-acted"));
        let (_, after) = text(&app, &b, &location).await;
        assert!(after.contains("已受理") && after.contains("受理事件") && after.contains("属实，予以受理"), "{after}");
        assert!(after.contains("name=\"expected_version\" value=\"2\"") && after.contains("value=\"assign\""));
        assert!(after.contains("测试grid（网格员）"), "the grid worker can be named handler");

        // Someone who still saw version 1: the clear conflict message on the page, 409.
        let (s, _, stale) = post(&app, &b, &act, &[("csrf_token", &csrf), ("expected_version", "1"), ("action", "decline"), ("reason", "重复登记")]).await;
        assert_eq!(s, 409, "{}", app.backend);
        assert!(stale.contains("这个事件刚被别人处理过") && stale.contains("name=\"expected_version\" value=\"2\""), "{stale}");

        // Without the form token: refused, nothing written.
        let (s, _, _) = post(&app, &b, &act, &[("expected_version", "2"), ("action", "note"), ("text", "电话回访")]).await;
        assert_eq!(s, 403);
        let (_, still) = text(&app, &b, &case).await;
        assert!(!still.contains("电话回访"));

        // Escalation moves the tier, and the timeline says where it went.
        let (s, _, _) = post(&app, &b, &act, &[("csrf_token", &csrf), ("expected_version", "2"), ("action", "escalate"), ("reason", "涉及多个社区，需街道协调")]).await;
        assert_eq!(s, 303);
        let (_, up) = text(&app, &b, &case).await;
        assert!(up.contains("→ 街道") && up.contains("涉及多个社区，需街道协调"), "{up}");
    }
}

#[tokio::test]
async fn a_refused_intake_keeps_what_was_typed() {
    for app in TestApp::all().await {
        let b = app.browser();
        sign_in(&app, &b, "grid").await;
        let (_, form) = text(&app, &b, "/cases/new").await;
        let csrf = csrf_in(&form);
        let g01 = area_id(&app, "150103003030G01").await;
        let mut fields = vec![
            ("csrf_token", csrf.as_str()),
            ("kind", "hazard"),
            ("category", ""),
            ("title", "   "),
            ("description", "楼道堆放杂物，堵塞消防通道"),
            ("area_id", g01.as_str()),
            ("address", "3号楼2单元"),
            ("channel", "grid_patrol"),
            ("risk", "major"),
        ];
        let (s, _, page) = post_intake(&app, &b, &fields).await;
        assert_eq!(s, 422, "{}", app.backend);
        assert!(page.contains("role=\"alert\"") && page.contains("楼道堆放杂物，堵塞消防通道") && page.contains("value=\"3号楼2单元\""), "{page}");
        assert!(page.contains("value=\"major\" checked") && page.contains("value=\"hazard\" checked"));
        fields[3] = ("title", "");
        fields[2] = ("category", "fire");
        let (s, _, page) = post_intake(&app, &b, &fields).await;
        assert_eq!(s, 422);
        assert!(page.contains("标题需为 1 至 100 个字符"), "{page}");

        // A dispute with one side only.
        let dispute = [("csrf_token", csrf.as_str()), ("kind", "dispute"), ("category", "neighbour"), ("title", "邻里噪音"), ("area_id", g01.as_str()), ("channel", "walk_in"), ("risk", "ordinary"), ("p0_name", "王秀英")];
        let (s, _, page) = post_intake(&app, &b, &dispute).await;
        assert_eq!(s, 422);
        assert!(page.contains("矛盾纠纷至少需要一名申请人和一名被申请人") && page.contains("value=\"王秀英\""));

        // Without the form token.
        let (s, _, _) = post_intake(&app, &b, &dispute[1..]).await;
        assert_eq!(s, 403);
        let (_, area) = text(&app, &b, "/cases?q=area").await;
        assert!(area.contains("class=\"empty\""), "nothing was taken in");
    }
}
