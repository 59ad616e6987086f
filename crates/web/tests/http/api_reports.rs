//! Reports in words over the API, the page and the PDF, and the mediator figures: worded in
//! the language asked for, refused for a bad or future period, 404 outside the caller's scope.

use chrono::Datelike;
use reqwest::Method;
use serde_json::json;

use crate::support::TestApp;
use crate::ui::sign_in;
use crate::ui_mediation::pdf_text;

async fn dispute(app: &TestApp) {
    let grid = app.token("grid").await;
    let area = app.services.store.area_by_code("150103003030G01").await.unwrap().unwrap().id.to_string();
    let body = json!({"kind": "dispute", "category": "neighbour.noise", "title": "楼上噪音扰民", "area_id": area, "channel": "grid_patrol",
        "parties": [{"role": "applicant", "name": "王秀英"}, {"role": "respondent", "name": "李建国"}]});
    let (s, c) = app.send(Method::POST, &grid, "/api/v1/cases", body).await;
    assert_eq!(s, 201, "{}: {c}", app.backend);
}

fn this_year(app: &TestApp) -> i32 {
    use fengqiao_domain::ports::Clock;
    fengqiao_domain::rules::calendar::local_date(app.clock.now()).year()
}

#[tokio::test]
async fn the_report_reads_in_the_language_asked_for_and_refuses_what_it_cannot_answer() {
    for app in TestApp::all().await {
        let n = app.backend;
        dispute(&app).await;
        let hm = app.token("hm").await;
        let year = this_year(&app);

        let (s, r) = app.get(&hm, &format!("/api/v1/reports/cases?area=150103&period={year}")).await;
        assert_eq!(s, 200, "{n}: {r}");
        assert_eq!(r["sentences"][0], "截至目前，全区共排查矛盾纠纷案件1件，已化解0件，化解率达到0.00%。", "{n}: {r}");
        assert_eq!((r["lang"].as_str(), r["period"]["to_date"].as_bool()), (Some("zh-CN"), Some(true)), "{n}");
        assert_eq!(r["figures"]["intake"], 1, "{n}: {r}");
        assert!(r["title"].as_str().unwrap().starts_with(&format!("回民区{year}年")), "{n}: {r}");

        let (s, r) = app.get(&hm, &format!("/api/v1/reports/cases?area=150103&period={year}&lang=en")).await;
        assert_eq!(s, 200);
        assert!(r["sentences"][0].as_str().unwrap().starts_with("So far this year, the district has taken in 1 "), "{n}: {r}");
        let r = app.http.get(app.url("/api/v1/reports?area=150103")).bearer_auth(&hm).header("accept-language", "en-GB,en;q=0.9").send().await.unwrap();
        let r: serde_json::Value = r.json().await.unwrap();
        assert_eq!(r["lang"], "en", "{n}: {r}");
        assert_eq!(r["figures"]["cases"]["intake"], 1, "{n}: the whole report keeps each section's figures by name");
        assert_eq!(r["sections"][0]["id"], "cases");

        // Bad and future periods, an unknown section, an area out of scope, no token.
        for (path, status, code) in [
            ("/api/v1/reports/cases?period=2024-13".to_string(), 422, "error-report-period"),
            ("/api/v1/reports/cases?period=yesterday".to_string(), 422, "error-report-period"),
            (format!("/api/v1/reports/cases?period={}", year + 1), 422, "error-report-period-future"),
            ("/api/v1/reports/votes".to_string(), 404, "error-report-section-not-found"),
            ("/api/v1/reports/cases?area=150102".to_string(), 404, "error-area-not-found"),
        ] {
            let (s, p) = app.get(&hm, &path).await;
            assert_eq!(s, status, "{n} {path}: {p}");
            assert_eq!(p["code"], code, "{n} {path}: {p}");
        }
        assert_eq!(app.http.get(app.url("/api/v1/reports/cases")).send().await.unwrap().status(), 401);

        // Mediator figures: scoped like everything else.
        let (s, r) = app.get(&hm, "/api/v1/stats/mediators?area=150103").await;
        assert_eq!(s, 200, "{n}: {r}");
        assert_eq!((r["area"]["code"].as_str(), r["city"]["code"].as_str()), (Some("150103"), Some("1501")), "{n}: {r}");
        assert_eq!(app.get(&hm, "/api/v1/stats/mediators?area=150102").await.0, 404);
        assert_eq!(app.get(&hm, "/api/v1/stats/mediators?from=2024-02-30").await.0 / 100, 4);
    }
}

#[tokio::test]
async fn the_report_page_prints_and_downloads_as_pdf() {
    for app in TestApp::all().await {
        let n = app.backend;
        dispute(&app).await;
        let year = this_year(&app);
        let b = app.browser();
        sign_in(&app, &b, "hm").await;
        let r = b.get(app.url(&format!("/reports?area=150103&period={year}"))).send().await.unwrap();
        assert_eq!(r.status(), 200, "{n}");
        let html = r.text().await.unwrap();
        assert!(html.contains("全区共排查矛盾纠纷案件1件") && html.contains("report.css") && html.contains("/reports.pdf?area=150103"), "{n}: {html}");

        let r = b.get(app.url("/reports?area=150103&period=2024-13")).send().await.unwrap();
        assert_eq!(r.status(), 422, "{n}");
        let html = r.text().await.unwrap();
        assert!(html.contains("role=\"alert\"") && html.contains("2024-Q1") && html.contains("value=\"2024-13\""), "{n}: the reason and what was typed");
        assert_eq!(b.get(app.url("/reports?area=150102")).send().await.unwrap().status(), 404, "{n}");

        let r = b.get(app.url(&format!("/reports.pdf?area=150103&period={year}"))).send().await.unwrap();
        assert_eq!(r.status(), 200, "{n}");
        assert_eq!(r.headers()["content-type"], "application/pdf");
        let text = pdf_text(&r.bytes().await.unwrap());
        assert!(text.contains("回民区") && text.contains("矛盾纠纷案件1件") && text.contains("第1页"), "{n}: {text}");
        let r = b.get(app.url(&format!("/reports.pdf?area=150103&period={year}&lang=en"))).send().await.unwrap();
        let text = pdf_text(&r.bytes().await.unwrap());
        assert!(text.contains("So far this year") && text.contains("Page 1"), "{n}: {text}");

        let r = b.get(app.url("/figures/mediators?area=150103")).send().await.unwrap();
        assert_eq!(r.status(), 200, "{n}");
        assert!(r.text().await.unwrap().contains("调解员"));
        assert_eq!(b.get(app.url("/figures/mediators?area=150103&from=2024-13-01")).send().await.unwrap().status(), 422, "{n}");
    }
}
