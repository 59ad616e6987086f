//! The upload page: CSRF for multipart forms, progress polled with htmx, problems listed in
//! the user's language; export links; and the upload routes' own body limit.

use std::time::Duration;

use fengqiao_store::testing;

use crate::api_imports::{HEADER, csv, family, id, multipart};
use crate::support::{TestApp, csrf_in, test_config};
use crate::ui::sign_in;

async fn post_upload(app: &TestApp, br: &reqwest::Client, query: &str, kind: &str, file: &[u8]) -> reqwest::Response {
    let (content_type, body) = multipart(&[("kind", kind), ("valid_rows_only", "false")], "居民.csv", file);
    br.post(app.url(&format!("/import{query}"))).header("content-type", content_type).body(body).send().await.unwrap()
}

/// The job page once the job is finished, fetched the way htmx polls it.
async fn result(app: &TestApp, br: &reqwest::Client, path: &str) -> String {
    for _ in 0..1200 {
        let part = br.get(app.url(path)).header("hx-request", "true").send().await.unwrap().text().await.unwrap();
        if !part.contains("hx-trigger") {
            assert!(!part.contains("<html"), "htmx gets the fragment only");
            return part;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("{}: the import never finished", app.backend);
}

#[tokio::test]
async fn the_upload_page_checks_the_token_and_shows_progress_then_problems() {
    for app in TestApp::all().await {
        let br = app.browser();
        sign_in(&app, &br, "community").await;
        let page = br.get(app.url("/import")).send().await.unwrap().text().await.unwrap();
        assert!(page.contains("enctype=\"multipart/form-data\"") && page.contains("accept=\".xlsx,.csv\""), "{}", app.backend);
        assert!(page.contains("住户与居民") && page.contains("网格代码*"));
        let csrf = csrf_in(&page);
        assert!(page.contains(&format!("action=\"/import?csrf_token={csrf}\"")), "the token rides in the action's query");

        // The CSRF check reads multipart tokens from the query only, compared in full.
        let lines = family();
        let good = csv(&lines.iter().map(String::as_str).collect::<Vec<_>>());
        assert_eq!(post_upload(&app, &br, "", "households", &good).await.status(), 403);
        assert_eq!(post_upload(&app, &br, &format!("?csrf_token={}x", &csrf), "households", &good).await.status(), 403);
        assert_eq!(post_upload(&app, &br, &format!("?csrf_token={}", &csrf[..csrf.len() - 1]), "households", &good).await.status(), 403);

        let r = post_upload(&app, &br, &format!("?csrf_token={csrf}"), "households", &good).await;
        assert_eq!(r.status(), 303, "{}", app.backend);
        let job = r.headers()["location"].to_str().unwrap().to_string();
        assert!(job.starts_with("/import/"));
        let page = br.get(app.url(&job)).send().await.unwrap().text().await.unwrap();
        assert!(page.contains("居民.csv") && page.contains("id=\"import-status\""));
        let done = result(&app, &br, &job).await;
        assert!(done.contains("导入完成") && done.contains("<dd class=\"mono\">3</dd>"), "{done}");

        // A file with problems: nothing imported, each problem by row and column, in Chinese.
        let good_id = id("1960-01-01", 4);
        let bad_id = format!("{}{}", &good_id[..17], if good_id.ends_with('1') { "2" } else { "1" });
        let bad = csv(&[HEADER, &format!("150103003030G01,铁路小区,3,1,503,李四,{bad_id},,,,户主,"), "150103003030G09,铁路小区,3,1,504,张三,,,,,户主,"]);
        let r = post_upload(&app, &br, &format!("?csrf_token={csrf}"), "households", &bad).await;
        let job = r.headers()["location"].to_str().unwrap().to_string();
        let page = result(&app, &br, &job).await;
        assert!(page.contains("没有导入任何内容"), "{page}");
        assert!(page.contains("<td class=\"num\">2</td><td>身份证号</td>") && page.contains("校验位"), "{page}");
        assert!(page.contains("<td class=\"num\">3</td><td>网格代码</td>"), "{page}");
        let recent = br.get(app.url("/import")).send().await.unwrap().text().await.unwrap();
        assert!(recent.contains(&job) && recent.contains("未导入"));

        // Another person cannot open the job.
        let other = app.browser();
        sign_in(&app, &other, "street").await;
        assert_eq!(other.get(app.url(&job)).send().await.unwrap().status(), 404);

        // A template to fill in.
        let r = br.get(app.url("/import/template/households.xlsx")).send().await.unwrap();
        assert_eq!(r.status(), 200);
        let t = fengqiao_sheets::read_table(&r.bytes().await.unwrap(), "t.xlsx", &fengqiao_sheets::Limits::default()).unwrap_err();
        assert_eq!(t, fengqiao_sheets::SheetError::Empty, "a template has headers and no rows");
    }
}

#[tokio::test]
async fn list_pages_export_masked_and_reveal_only_with_a_reason() {
    for app in TestApp::all().await {
        let community = app.token("community").await;
        let lines = family();
        crate::api_imports::import(&app, &community, "kind=households", "居民.csv", &csv(&lines.iter().map(String::as_str).collect::<Vec<_>>())).await;
        let br = app.browser();
        sign_in(&app, &br, "community").await;
        let page = br.get(app.url("/residents?area=150103003030")).send().await.unwrap().text().await.unwrap();
        assert!(page.contains("href=\"/residents/export.xlsx?area=150103003030\"") && page.contains("导出 Excel"), "{}", app.backend);
        let csrf = csrf_in(&page);
        let r = br.get(app.url("/residents/export.xlsx?area=150103003030")).send().await.unwrap();
        assert_eq!(r.status(), 200);
        let bytes = r.bytes().await.unwrap();
        let full = id("1950-03-12", 2);
        let text = String::from_utf8_lossy(&bytes).to_string();
        assert!(!text.contains(&full));
        let r = br.post(app.url("/residents/export.xlsx")).form(&[("area", "150103003030"), ("reason", "核对名单")]).send().await.unwrap();
        assert_eq!(r.status(), 403, "no CSRF token");
        let r = br.post(app.url("/residents/export.xlsx")).form(&[("csrf_token", csrf.as_str()), ("area", "150103003030"), ("reason", "")]).send().await.unwrap();
        assert_eq!(r.status(), 422);
        let r = br.post(app.url("/residents/export.xlsx")).form(&[("csrf_token", csrf.as_str()), ("area", "150103003030"), ("reason", "核对名单")]).send().await.unwrap();
        assert_eq!(r.status(), 200);
        let t = fengqiao_sheets::read_table(&r.bytes().await.unwrap(), "x.xlsx", &fengqiao_sheets::Limits::default()).unwrap();
        assert!(t.rows.iter().any(|row| row.cells.contains(&full)), "{}", app.backend);
        for list in ["/households", "/estates"] {
            let page = br.get(app.url(list)).send().await.unwrap().text().await.unwrap();
            assert!(page.contains(&format!("href=\"{list}/export.xlsx")), "{list}");
        }
    }
}

#[tokio::test]
async fn only_upload_routes_take_large_bodies() {
    for db in testing::all().await {
        let app = TestApp::start(db, fengqiao_web::WebConfig { max_upload_bytes: 256 * 1024, ..test_config() }).await;
        let t = app.token("community").await;
        // 100 KiB: six times the ordinary body limit, yet fine for an upload.
        let mut lines = vec![HEADER.to_string()];
        for i in 0..1000 {
            lines.push(format!("150103003030G01,幸福小区,{},1,{},居民{},,男,1990-01-01,,户主,", i % 9 + 1, 100 + i, "甲乙丙丁"[i % 4 * 3..i % 4 * 3 + 3].to_string() + "某"));
        }
        let file = csv(&lines.iter().map(String::as_str).collect::<Vec<_>>());
        assert!(file.len() > 64 * 1024 && file.len() < 256 * 1024, "{}", file.len());
        let (status, job, _) = crate::api_imports::upload(&app, &t, "kind=households", "big.csv", &file).await;
        assert_eq!(status, 202, "{}: {job}", app.backend);
        let too_big = vec![b'x'; 300 * 1024];
        let (status, p, _) = crate::api_imports::upload(&app, &t, "kind=households", "huge.csv", &too_big).await;
        assert_eq!((status, p["code"].as_str()), (413, Some("error-too-large")));
        let body = serde_json::json!({"community_code": "150103003030", "name": "小区".repeat(20_000), "address": "x"});
        let (status, _) = app.send(reqwest::Method::POST, &t, "/api/v1/estates", body).await;
        assert_eq!(status, 413, "other routes keep the small limit");
    }
}
