//! The dashboard: tiles and tables that equal the figures of cases taken in and worked over
//! the API, drill-down links one level down, the big screen without navigation, areas out of
//! scope as 404 and bad periods explained on the page.

use fengqiao_domain::ports::Clock;
use reqwest::Method;
use serde_json::{Value, json};

use crate::support::TestApp;
use crate::ui::sign_in;

async fn area_id(app: &TestApp, code: &str) -> String {
    app.services.store.area_by_code(code).await.unwrap().unwrap().id.to_string()
}

async fn act(app: &TestApp, token: &str, id: &str, version: i64, action: Value) {
    let (s, r) = app.send(Method::POST, token, &format!("/api/v1/cases/{id}/actions"), json!({"expected_version": version, "action": action})).await;
    assert_eq!(s, 200, "{}: {r}", app.backend);
}

async fn report(app: &TestApp, token: &str, kind: &str, category: &str, area: &str) -> String {
    let body = json!({"kind": kind, "category": category, "title": "楼道灯不亮", "area_id": area_id(app, area).await, "channel": "grid_patrol"});
    let (s, c) = app.send(Method::POST, token, "/api/v1/cases", body).await;
    assert_eq!(s, 201, "{}: {c}", app.backend);
    c["id"].as_str().unwrap().to_string()
}

/// The number a tile shows.
fn tile(html: &str, key: &str) -> String {
    let at = html.find(&format!("data-tile=\"{key}\"")).unwrap_or_else(|| panic!("no tile {key}"));
    let rest = &html[at..];
    let num = rest.find("class=\"tile-num\">").expect("a number") + "class=\"tile-num\">".len();
    rest[num..].split('<').next().unwrap().to_string()
}

/// The cells of the table row headed by `label` in the chart section `id`.
fn row(html: &str, id: &str, label: &str) -> Vec<String> {
    let section = &html[html.find(&format!("id=\"chart-{id}\"")).unwrap_or_else(|| panic!("no chart {id}"))..];
    let section = &section[..section.find("</section>").unwrap()];
    let at = section.find(&format!(">{label}<")).unwrap_or_else(|| panic!("no row {label} in {id}: {section}"));
    let tr = &section[at..section[at..].find("</tr>").unwrap() + at];
    tr.split("<td class=\"num\">").skip(1).map(|c| c.split('<').next().unwrap().to_string()).collect()
}

/// Four cases today: in 巴彦淖尔北路社区 a demand resolved in the community, one declined and a
/// hazard accepted and left to run late; in 什拉门更社区 one demand just reported.
async fn world(app: &TestApp) -> String {
    let grid = app.token("grid").await;
    let community = app.token("community").await;
    let street = app.token("street").await;
    let grid_user = app.services.store.user_by_username("grid").await.unwrap().unwrap();
    let resolved = report(app, &grid, "demand", "public_facilities", "150103003030G01").await;
    let declined = report(app, &grid, "demand", "public_facilities", "150103003030G01").await;
    let hazard = report(app, &grid, "hazard", "fire.ebike_charging", "150103003030G01").await;
    report(app, &street, "demand", "public_facilities", "150103003001G01").await;
    act(app, &community, &resolved, 1, json!({"action": "accept"})).await;
    act(app, &community, &resolved, 2, json!({"action": "assign", "handler_id": grid_user.id, "handler_name": "x"})).await;
    act(app, &grid, &resolved, 3, json!({"action": "start"})).await;
    act(app, &grid, &resolved, 4, json!({"action": "conclude", "outcome": "resolved_otherwise", "summary": "已修复"})).await;
    act(app, &community, &declined, 1, json!({"action": "decline", "reason": "重复登记"})).await;
    act(app, &community, &hazard, 1, json!({"action": "accept"})).await;
    let today = fengqiao_domain::rules::calendar::local_date(app.clock.now()).to_string();
    // A hazard is due within a working day; ten days on it is overdue.
    app.clock.advance(chrono::Duration::days(10));
    today
}

#[tokio::test]
async fn the_tiles_and_tables_show_the_figures_and_lead_down() {
    for app in TestApp::all().await {
        let today = world(&app).await;
        let b = app.browser();
        sign_in(&app, &b, "street").await;
        let home = b.get(app.url("/")).send().await.unwrap().text().await.unwrap();
        assert!(home.contains("href=\"/dashboard\""), "{}: the street office finds the dashboard in its navigation", app.backend);

        let period = format!("period=custom&from={today}&to={today}");
        let r = b.get(app.url(&format!("/dashboard?area=150103003&{period}"))).send().await.unwrap();
        assert_eq!(r.status(), 200, "{}", app.backend);
        let html = r.text().await.unwrap();
        assert!(html.contains("光明路街道数据驾驶舱"), "{html}");
        assert_eq!(tile(&html, "intake"), "4", "{}", app.backend);
        assert_eq!(tile(&html, "resolved"), "1");
        assert_eq!(tile(&html, "rate"), "25.00%");
        assert_eq!(tile(&html, "overdue"), "1", "the hazard ran late");
        assert_eq!(tile(&html, "on-time"), "100.00%");
        assert_eq!(tile(&html, "satisfaction"), "—", "nobody has answered a follow-up");
        // The definitions are on the page.
        assert!(html.contains("统计口径") && html.contains("保留四位小数、不四舍五入"));
        // Every chart has its table, with the same numbers.
        let month = &today[..7];
        assert_eq!(row(&html, "trend", month), ["4", "1", "25.00%"]);
        assert_eq!(row(&html, "kinds", "诉求"), ["3", "1", "33.33%"]);
        assert_eq!(row(&html, "kinds", "安全隐患"), ["1", "0", "0.00%"]);
        assert_eq!(row(&html, "levels", "社区"), ["1", "100.00%"]);
        assert!(html.contains("data-chart=\"{&#34;kind&#34;:&#34;line&#34;"), "the trend chart's numbers, escaped into an attribute");
        // Child areas: figures, open and overdue, and a link one level down keeping the period.
        let link = format!("/dashboard?area=150103003030&#38;{}", period.replace('&', "&#38;"));
        assert!(html.contains(&format!("<a href=\"{link}\">巴彦淖尔北路社区</a>")), "{html}");
        assert_eq!(row(&html, "children", "巴彦淖尔北路社区"), ["3", "1", "33.33%", "1", "1"], "the hazard is open and late; the resolved demand is done");
        assert_eq!(row(&html, "children", "什拉门更社区"), ["1", "0", "0.00%", "1", "0"]);
        // No boundaries in this world: the map says so.
        assert!(html.contains("下级区域还没有导入边界"));
        assert!(html.contains("/static/dashboard.js?v="));

        // Drill down.
        let html = b.get(app.url(&link.replace("&#38;", "&"))).send().await.unwrap().text().await.unwrap();
        assert!(html.contains("巴彦淖尔北路社区数据驾驶舱"));
        assert_eq!((tile(&html, "intake"), tile(&html, "resolved"), tile(&html, "rate")), ("3".into(), "1".into(), "33.33%".into()));
        assert!(html.contains("<a href=\"/dashboard?area=150103003&amp;period=custom"), "the trail leads back up with the period");

        // English: the same numbers, its own words.
        let html = b.get(app.url(&format!("/dashboard?area=150103003&{period}&lang=en"))).send().await.unwrap().text().await.unwrap();
        assert!(html.contains("Resolution rate") && html.contains("Child areas compared"));
        assert_eq!(tile(&html, "rate"), "25.00%");

        // Kind narrows the figures.
        let html = b.get(app.url(&format!("/dashboard?area=150103003&{period}&kind=hazard"))).send().await.unwrap().text().await.unwrap();
        assert_eq!(tile(&html, "intake"), "1");

        // The big screen: the same tiles, dark, no navigation, refreshing itself.
        let r = b.get(app.url(&format!("/dashboard/screen?area=150103003&{period}"))).send().await.unwrap();
        assert_eq!(r.status(), 200);
        let html = r.text().await.unwrap();
        assert_eq!((tile(&html, "intake"), tile(&html, "rate")), ("4".into(), "25.00%".into()));
        assert!(html.contains("class=\"screen\"") && !html.contains("mainnav"), "no navigation chrome");
        assert!(html.contains("/static/screen.js?v=") && html.contains("/static/screen.css?v=") && html.contains("data-refresh=\"60\""));
        for asset in ["/static/dashboard.js", "/static/screen.js", "/static/screen.css"] {
            assert_eq!(b.get(app.url(asset)).send().await.unwrap().status(), 200, "{asset}");
        }
    }
}

#[tokio::test]
async fn out_of_scope_areas_are_404_and_bad_periods_are_explained() {
    for app in TestApp::all().await {
        let b = app.browser();
        sign_in(&app, &b, "community").await;
        for area in ["150103003", "150102", "999999"] {
            let r = b.get(app.url(&format!("/dashboard?area={area}"))).send().await.unwrap();
            assert_eq!(r.status(), 404, "{}: {area}", app.backend);
            assert_eq!(b.get(app.url(&format!("/dashboard/screen?area={area}"))).send().await.unwrap().status(), 404);
        }
        for (query, says) in [
            ("period=custom&from=2024-12-31&to=2024-01-01", "起始日期晚于截止日期"),
            ("period=custom&from=2024-02-30&to=2024-03-01", "日期格式不对"),
            ("period=custom&from=1990-01-01&to=2024-01-01", "日期须在 2000 年至 2099 年之间"),
            ("period=custom&from=2000-01-01&to=2049-12-31", "统计期间最长约十年"),
            ("period=decade", "没有这种统计期间"),
            ("kind=rumour", "没有这种案件类型"),
        ] {
            let r = b.get(app.url(&format!("/dashboard?{query}"))).send().await.unwrap();
            assert_eq!(r.status(), 422, "{}: {query}", app.backend);
            let html = r.text().await.unwrap();
            assert!(html.contains("role=\"alert\"") && html.contains(says), "{query}: {html}");
            assert!(html.contains("class=\"filters dash-picker\"") && !html.contains("data-tile="), "the picker to correct it, no figures");
        }
        // What was typed comes back in the form, as a custom period even when the link named none.
        for query in ["period=custom&from=2024-12-31&to=2024-01-01", "from=2024-12-31&to=2024-01-01"] {
            let html = b.get(app.url(&format!("/dashboard?{query}"))).send().await.unwrap().text().await.unwrap();
            assert!(html.contains("name=\"from\" value=\"2024-12-31\""), "{query}");
            assert!(html.contains("<option value=\"custom\" selected>") && !html.contains("<option value=\"month\" selected>"), "{query}: {html}");
        }
        // No question at all: one's own area, this year to date.
        let r = b.get(app.url("/dashboard")).send().await.unwrap();
        assert_eq!(r.status(), 200);
        let html = r.text().await.unwrap();
        assert!(html.contains("巴彦淖尔北路社区数据驾驶舱") && html.contains("<option value=\"year\" selected>"), "{html}");
        assert!(html.contains("该期间没有排查受理的案件"), "an honest empty state");

        // A grid worker sees their own grid's figures, without the navigation entry.
        let g = app.browser();
        sign_in(&app, &g, "grid").await;
        let r = g.get(app.url("/dashboard")).send().await.unwrap();
        assert_eq!(r.status(), 200);
        let html = r.text().await.unwrap();
        assert!(html.contains("第一网格数据驾驶舱") && !html.contains("href=\"/dashboard\""));
        assert!(html.contains("本区域没有下级区域"));

        // Signed out: to the sign-in page.
        let r = app.browser().get(app.url("/dashboard")).send().await.unwrap();
        assert_eq!(r.status(), 303);
    }
}
