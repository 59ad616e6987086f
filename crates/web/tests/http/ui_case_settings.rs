//! The settings pages and the queue's bulk assignment through their forms: who sees them,
//! CSRF, refused forms that keep what was typed, a calendar paste with the line at fault.

use serde_json::json;

use crate::api_imports::multipart;
use crate::support::{TestApp, csrf_in};
use crate::ui::sign_in;
use crate::ui_cases::{post, text};

#[tokio::test]
async fn an_administrator_keeps_categories_limits_and_years_through_the_pages() {
    for app in TestApp::all().await {
        let n = app.backend;
        let b = app.browser();
        sign_in(&app, &b, "admin").await;
        let (s, page) = text(&app, &b, "/settings/categories?kind=dispute").await;
        assert_eq!(s, 200, "{n}");
        assert!(page.contains("href=\"/settings\"") && page.contains("邻里纠纷") && page.contains("neighbour.noise"), "{n}");
        let csrf = csrf_in(&page);

        // Without the form token nothing happens.
        let (s, _, _) = post(&app, &b, "/settings/categories", &[("kind", "dispute"), ("parent", "neighbour"), ("word", "pets"), ("name_zh", "宠物扰民"), ("name_en", "Pets")]).await;
        assert_eq!(s, 403, "{n}");
        let add = [("csrf_token", csrf.as_str()), ("kind", "dispute"), ("parent", "neighbour"), ("word", "pets"), ("name_zh", "宠物扰民"), ("name_en", "Pets")];
        let (s, location, _) = post(&app, &b, "/settings/categories", &add).await;
        assert_eq!((s, location.as_str()), (303, "/settings/categories?kind=dispute&ok=category-added"), "{n}");
        let (s, _, page) = post(&app, &b, "/settings/categories", &add).await;
        assert_eq!(s, 409, "{n}");
        assert!(page.contains("该类型下已有这个分类代码") && page.contains("value=\"宠物扰民\""), "{n}: refused, with what was typed");
        let (s, _, page) = post(&app, &b, "/settings/categories", &[("csrf_token", csrf.as_str()), ("kind", "dispute"), ("parent", "nowhere"), ("word", "x"), ("name_zh", "某某"), ("name_en", "X")]).await;
        assert_eq!(s, 422, "{n}");
        assert!(page.contains("role=\"alert\"") && page.contains("value=\"某某\""), "{n}");
        let (s, location, _) = post(&app, &b, "/settings/categories/dispute/neighbour.pets", &[("csrf_token", csrf.as_str()), ("op", "retire")]).await;
        assert_eq!((s, location.as_str()), (303, "/settings/categories?kind=dispute&ok=category-changed"), "{n}");
        let (_, page) = text(&app, &b, "/settings/categories?kind=dispute").await;
        assert!(page.contains("已停用") && page.contains("恢复使用"), "{n}");
        let (s, _, page) = post(&app, &b, "/settings/categories/dispute/neighbour", &[("csrf_token", csrf.as_str()), ("op", "rename"), ("name_zh", ""), ("name_en", "Neighbours")]).await;
        assert_eq!(s, 422, "{n}");
        assert!(page.contains("分类名称"), "{n}: the row says why");

        // Deadlines: a zero is refused with the typed table kept; a good table is saved.
        let (s, page) = text(&app, &b, "/settings/deadlines?kind=hazard").await;
        assert_eq!(s, 200, "{n}");
        assert!(page.contains("name=\"community:\"") && page.contains("name=\"street:fire.ebike_charging\""), "{n}");
        let version = page.split("name=\"expected_version\" value=\"").nth(1).unwrap().split('"').next().unwrap().to_string();
        let mut cells = vec![("csrf_token", csrf.as_str()), ("kind", "hazard"), ("expected_version", version.as_str())];
        cells.extend([("community:", "0"), ("street:", "2"), ("district:", "3"), ("community:gas", "")]);
        let (s, _, page) = post(&app, &b, "/settings/deadlines", &cells).await;
        assert_eq!(s, 422, "{n}");
        assert!(page.contains("1 至 250") && page.contains("name=\"community:\" value=\"0\""), "{n}");
        let cells = [("csrf_token", csrf.as_str()), ("kind", "hazard"), ("expected_version", version.as_str()), ("community:", "2"), ("street:", "2"), ("district:", "3"), ("community:gas", "1")];
        let (s, location, _) = post(&app, &b, "/settings/deadlines", &cells).await;
        assert_eq!((s, location.as_str()), (303, "/settings/deadlines?kind=hazard&ok=limits-saved"), "{n}");
        let (s, _, _) = post(&app, &b, "/settings/deadlines", &cells).await;
        assert_eq!(s, 409, "{n}: the page's version is now stale");
        let limits = app.services.case_settings().await.unwrap();
        let gas = fengqiao_domain::model::case::CategoryCode::parse("gas").unwrap();
        let kind = fengqiao_domain::model::case::CaseKind::Hazard;
        assert_eq!(limits.deadlines.limits.working_days(kind, &gas, fengqiao_domain::model::case::HandlingLevel::Community), 1, "{n}");

        // Calendar: a paste with a bad second line names it; a good one is saved.
        let upload = |fields: Vec<(&'static str, String)>| {
            let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
            let (ct, body) = multipart(&fields, "", b"");
            b.post(app.url(&format!("/settings/calendar?csrf_token={}", fengqiao_web::auth::urlencode(&csrf)))).header("content-type", ct).body(body).send()
        };
        let r = upload(vec![("year", "2027".into()), ("text", "2027-01-01,holiday,元旦,New Year's Day\n2027-02-30,holiday,春节,Spring Festival".into())]).await.unwrap();
        assert_eq!(r.status(), 422, "{n}");
        let page = r.text().await.unwrap();
        assert!(page.contains("第 2 行") && page.contains("2027-02-30"), "{n}: the line at fault, the paste kept");
        let r = upload(vec![("year", "2027".into()), ("text", "date,kind,name_zh,name_en\n2026-12-31,holiday,元旦,New Year's Day".into())]).await.unwrap();
        assert_eq!(r.status(), 422, "{n}");
        assert!(r.text().await.unwrap().contains("第 2 行"), "{n}: counted as the administrator sees the paste");
        let r = upload(vec![("year", "2027".into()), ("text", "2027-01-01,holiday,元旦,New Year's Day\n2027-02-06,workday,春节调休上班,Spring Festival make-up working day".into())]).await.unwrap();
        assert_eq!((r.status().as_u16(), r.headers()["location"].to_str().unwrap()), (303, "/settings/calendar?ok=year-added"), "{n}");
        let (s, page) = text(&app, &b, "/settings/calendar/2027").await;
        assert_eq!(s, 200, "{n}");
        assert!(page.contains("2027年02月06日") && page.contains("调休上班"), "{n}");
        let r = b.post(app.url("/settings/calendar")).header("content-type", multipart(&[("year", "2028")], "", b"").0).body(multipart(&[("year", "2028")], "", b"").1).send().await.unwrap();
        assert_eq!(r.status(), 403, "{n}: an upload without the token");
    }
}

#[tokio::test]
async fn only_those_who_keep_the_settings_see_their_pages() {
    for app in TestApp::all().await {
        let b = app.browser();
        sign_in(&app, &b, "community").await;
        let (_, home) = text(&app, &b, "/").await;
        assert!(!home.contains("href=\"/settings\""), "{}: no settings link", app.backend);
        for path in ["/settings/categories", "/settings/deadlines", "/settings/calendar", "/settings/calendar/2025"] {
            assert_eq!(text(&app, &b, path).await.0, 403, "{}: {path}", app.backend);
        }
        let b = app.browser();
        sign_in(&app, &b, "hm").await;
        assert_eq!(text(&app, &b, "/settings/calendar").await.0, 200, "{}: a district office", app.backend);
    }
}

#[tokio::test]
async fn the_office_queue_assigns_ticked_cases_and_says_what_was_refused() {
    for app in TestApp::all().await {
        let n = app.backend;
        let grid = app.token("grid").await;
        let g01 = app.services.store.area_by_code("150103003030G01").await.unwrap().unwrap().id.to_string();
        let community = app.token("community").await;
        let mut ids = Vec::new();
        for title in ["一号楼楼道堆物", "二号楼楼道堆物"] {
            let body = json!({"kind": "hazard", "category": "fire.corridor_clutter", "title": title, "area_id": g01, "channel": "grid_patrol"});
            let (_, c) = app.send(reqwest::Method::POST, &grid, "/api/v1/cases", body).await;
            let id = c["id"].as_str().unwrap().to_string();
            app.send(reqwest::Method::POST, &community, &format!("/api/v1/cases/{id}/actions"), json!({"expected_version": 1, "action": {"action": "accept"}})).await;
            ids.push(id);
        }
        let b = app.browser();
        sign_in(&app, &b, "community").await;
        let (s, page) = text(&app, &b, "/cases?q=handling&kind=hazard&overdue=").await;
        assert_eq!(s, 200, "{n}");
        assert!(page.contains("action=\"/cases/bulk-assign\"") && page.contains(&format!("value=\"{}:2\"", ids[0])), "{n}: boxes carry the version");
        assert!(page.contains("name=\"category\"") && page.contains("name=\"overdue\"") && page.contains("href=\"/cases/workload\""), "{n}");
        let (_, mine) = text(&app, &b, "/cases?q=mine").await;
        assert!(!mine.contains("action=\"/cases/bulk-assign\""), "{n}: only the office's own queue assigns in bulk");
        let (_, none) = text(&app, &b, "/cases?q=handling&overdue=true").await;
        assert!(!none.contains(&ids[0]), "{n}: nothing is overdue yet");
        let csrf = csrf_in(&page);
        let handler = app.services.store.user_by_username("grid").await.unwrap().unwrap().id.to_string();
        let first = format!("{}:2", ids[0]);
        let stale = format!("{}:1", ids[1]);
        let form = [("csrf_token", csrf.as_str()), ("case", first.as_str()), ("case", stale.as_str()), ("handler_id", handler.as_str()), ("note", "")];
        let (s, _, page) = post(&app, &b, "/cases/bulk-assign", &form).await;
        assert_eq!(s, 200, "{n}");
        assert!(page.contains("已分派 1 件，未分派 1 件") && page.contains("这个事件刚被别人处理过"), "{n}");
        let (s, _, _) = post(&app, &b, "/cases/bulk-assign", &form[1..]).await;
        assert_eq!(s, 403, "{n}: CSRF");
        let (s, _, page) = post(&app, &b, "/cases/bulk-assign", &[("csrf_token", csrf.as_str()), ("handler_id", handler.as_str())]).await;
        assert_eq!(s, 200, "{n}");
        assert!(page.contains("请至少勾选一个事件"), "{n}");
        let (s, page) = text(&app, &b, "/cases/workload").await;
        assert_eq!(s, 200, "{n}");
        assert!(page.contains("测试grid") && page.contains("本月办结"), "{n}");
    }
}
