//! Exports from the pages: the case queue's ledger links carry the page's filters and
//! download with the row count up front; every registry list has a CSV beside its XLSX, from
//! the same rows, masked and audited.

use fengqiao_sheets::{Limits, read_table};
use reqwest::Method;
use serde_json::json;

use crate::support::TestApp;
use crate::ui_cases::text;

#[tokio::test]
async fn the_queue_offers_its_own_ledger_with_the_filters_it_shows() {
    for app in TestApp::all().await {
        let grid = app.token("grid").await;
        let g01 = app.services.store.area_by_code("150103003030G01").await.unwrap().unwrap().id;
        for (kind, category, title) in [("demand", "public_facilities", "路灯不亮"), ("hazard", "fire", "楼道堆物")] {
            let body = json!({"kind": kind, "category": category, "title": title, "area_id": g01, "channel": "grid_patrol"});
            let (s, c) = app.send(Method::POST, &grid, "/api/v1/cases", body).await;
            assert_eq!(s, 201, "{}: {c}", app.backend);
        }
        let b = app.browser();
        crate::ui::sign_in(&app, &b, "community").await;
        let (s, html) = text(&app, &b, "/cases?q=area&kind=demand").await;
        assert_eq!(s, 200);
        let link = "/cases/export.csv?q=area&#38;status=&#38;kind=demand&#38;category=&#38;overdue=&#38;watch=";
        assert!(html.contains(link), "{html}");
        assert!(html.contains("/cases/export.xlsx?q=area&#38;status=&#38;kind=demand"));
        assert!(html.contains("/static/export.js?v="), "the progress script, never inline");

        let r = b.get(app.url(&link.replace("&#38;", "&"))).send().await.unwrap();
        assert_eq!((r.status().as_u16(), r.headers()["x-total-count"].to_str().unwrap()), (200, "1"), "{}", app.backend);
        let body = r.text().await.unwrap();
        assert!(body.contains("路灯不亮") && !body.contains("楼道堆物"), "{body}");
        let r = b.get(app.url("/cases/export.xlsx?q=area")).send().await.unwrap();
        assert_eq!(r.headers()["x-total-count"], "2");
        let t = read_table(&r.bytes().await.unwrap(), "x.xlsx", &Limits::default()).unwrap();
        assert_eq!(t.rows.len(), 2);
        // A page's bad filter is the error page, not a file.
        let r = b.get(app.url("/cases/export.csv?q=area&kind=fly")).send().await.unwrap();
        assert_eq!(r.status(), 422);
        assert!(r.headers()["content-type"].to_str().unwrap().starts_with("text/html"));
    }
}

#[tokio::test]
async fn registry_lists_export_as_csv_from_the_same_rows() {
    for app in TestApp::all().await {
        let community = app.token("community").await;
        let full = crate::api_exports::family_imported(&app, &community).await;
        let get = |path: &'static str| {
            let (app, token) = (&app, community.clone());
            async move { app.http.get(app.url(path)).bearer_auth(token).send().await.unwrap() }
        };
        let x = read_table(&get("/api/v1/residents/export.xlsx?area=150103003030").await.bytes().await.unwrap(), "x.xlsx", &Limits::default()).unwrap();
        let r = get("/api/v1/residents/export.csv?area=150103003030").await;
        assert_eq!(r.status(), 200, "{}", app.backend);
        assert_eq!(r.headers()["content-type"], "text/csv; charset=utf-8");
        assert!(r.headers()["content-disposition"].to_str().unwrap().contains(".csv"));
        let bytes = r.bytes().await.unwrap();
        assert!(bytes.starts_with(b"\xEF\xBB\xBF"));
        assert!(!std::str::from_utf8(&bytes).unwrap().contains(&full), "masked, as the list shows");
        let c = read_table(&bytes, "x.csv", &Limits::default()).unwrap();
        assert_eq!(c.headers, x.headers, "the same columns");
        assert_eq!(c.rows.iter().map(|r| &r.cells).collect::<Vec<_>>(), x.rows.iter().map(|r| &r.cells).collect::<Vec<_>>(), "the same rows");
        for path in ["/api/v1/households/export.csv", "/api/v1/estates/export.csv", "/api/v1/people/export.csv"] {
            assert_eq!(get(path).await.status(), 200, "{path}");
        }
        let admin = app.token("admin").await;
        let (_, log) = app.get(&admin, "/api/v1/audit?action=resident.export").await;
        assert_eq!(log["items"][0]["after"]["rows"], 3, "{log}");
        assert_eq!(app.get(&app.token("xc").await, "/api/v1/residents/export.csv?area=150103003030").await.0, 404);

        let b = app.browser();
        crate::ui::sign_in(&app, &b, "community").await;
        let (_, html) = text(&app, &b, "/residents").await;
        assert!(html.contains("/residents/export.csv?area="), "{html}");
        let r = b.get(app.url("/households/export.csv")).send().await.unwrap();
        assert_eq!(r.status(), 200);
    }
}
