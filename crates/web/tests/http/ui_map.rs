//! The map page: a table of the same areas, an honest empty state with the upload form, a
//! file upload guarded by the CSRF token in the form's action, and ECharts only when drawn.

use serde_json::Value;

use crate::api_boundaries::{collection, feature, square};
use crate::support::{TestApp, csrf_in};
use crate::ui::sign_in;

/// A file upload as a browser sends it.
fn multipart(file: &str, code_property: &str) -> (String, Vec<u8>) {
    let boundary = "----fengqiao-test-boundary";
    let body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"grids.geojson\"\r\nContent-Type: application/geo+json\r\n\r\n{file}\r\n\
         --{boundary}\r\nContent-Disposition: form-data; name=\"code_property\"\r\n\r\n{code_property}\r\n--{boundary}--\r\n"
    );
    (format!("multipart/form-data; boundary={boundary}"), body.into_bytes())
}

async fn upload(app: &TestApp, b: &reqwest::Client, action: &str, file: &str) -> reqwest::Response {
    let (content_type, body) = multipart(file, "");
    b.post(app.url(action)).header("content-type", content_type).body(body).send().await.unwrap()
}

#[tokio::test]
async fn the_map_page_starts_empty_and_draws_after_an_upload() {
    for app in TestApp::all().await {
        let b = app.browser();
        sign_in(&app, &b, "street").await;
        let area = b.get(app.url("/areas/150103003")).send().await.unwrap().text().await.unwrap();
        assert!(area.contains("href=\"/areas/150103003/map\""), "{}: the area page links its map", app.backend);

        let page = b.get(app.url("/areas/150103003/map")).send().await.unwrap().text().await.unwrap();
        assert!(page.contains("<table") && page.contains("巴彦淖尔北路社区") && page.contains("150103003001"), "{}: the table lists the communities", app.backend);
        assert!(page.contains("还没有导入下级区域的边界"), "an honest empty state");
        assert!(page.contains("enctype=\"multipart/form-data\""), "with the upload form");
        assert!(!page.contains("echarts"), "no ECharts where nothing is drawn");
        let csrf = csrf_in(&page);
        let action = format!("/areas/150103003/boundaries?csrf_token={csrf}");

        // No token, or a forged one: refused before the file is looked at.
        let file = collection(vec![feature("150103003030", square(111.6, 40.8))]).to_string();
        let seq = app.audit_seq().await;
        assert_eq!(upload(&app, &b, "/areas/150103003/boundaries", &file).await.status(), 403);
        assert_eq!(upload(&app, &b, "/areas/150103003/boundaries?csrf_token=forged", &file).await.status(), 403);
        assert_eq!(app.audit_seq().await, seq);

        // A file with a problem comes back with the problem and nothing written.
        let bad = collection(vec![feature("150103003030", square(111.6, 40.8)), feature("150103003001", square(2.35, 48.85))]).to_string();
        let r = upload(&app, &b, &action, &bad).await;
        assert_eq!(r.status(), 422);
        let html = r.text().await.unwrap();
        assert!(html.contains("文件中有 1 处问题") && html.contains("第 2 个要素") && html.contains("坐标不在中国境内"), "{html}");
        assert!(html.contains("/lang/en?next=/areas/150103003/map\""), "switching language returns to the map, not the upload address");
        let r = upload(&app, &b, &action, "not json").await;
        assert_eq!(r.status(), 422);
        assert!(r.text().await.unwrap().contains("不是有效的 JSON"));
        assert_eq!(app.audit_seq().await, seq);

        // A clean file (here with a byte-order mark, as Windows tools write it) lands.
        let r = upload(&app, &b, &action, &format!("\u{feff}{file}")).await;
        assert_eq!(r.status(), 303, "{}", app.backend);
        assert_eq!(r.headers()["location"], "/areas/150103003/map?ok=boundaries-imported");
        assert_eq!(app.audit_seq().await, seq + 1);
        let page = b.get(app.url("/areas/150103003/map?ok=boundaries-imported")).send().await.unwrap().text().await.unwrap();
        assert!(page.contains("边界已导入"));
        assert!(page.contains("id=\"area-map\"") && page.contains("data-geojson=\"/areas/150103003/map.json\""));
        assert!(page.contains("/static/vendor/echarts/dist/echarts.min.js?v=") && page.contains("/static/map.js?v="));
        let r = b.get(app.url("/areas/150103003/map.json")).send().await.unwrap();
        assert_eq!(r.headers()["content-type"], "application/geo+json");
        let map: Value = r.json().await.unwrap();
        assert_eq!(map["features"][0]["properties"]["code"], "150103003030");
        // The script the page loads is served.
        let r = b.get(app.url("/static/vendor/echarts/dist/echarts.min.js")).send().await.unwrap();
        assert_eq!(r.status(), 200);
    }
}

#[tokio::test]
async fn a_grid_worker_sees_only_their_own_map_and_no_upload() {
    for app in TestApp::all().await {
        let b = app.browser();
        sign_in(&app, &b, "grid").await;
        for outside in ["/areas/150102/map", "/areas/150103003030/map", "/areas/150102/map.json"] {
            assert_eq!(b.get(app.url(outside)).send().await.unwrap().status(), 404, "{}: {outside}", app.backend);
        }
        let page = b.get(app.url("/areas/150103003030G01/map")).send().await.unwrap().text().await.unwrap();
        assert!(page.contains("没有下级区域"), "{}", app.backend);
        assert!(!page.contains("multipart/form-data"), "grid workers do not import boundaries");
        let area = b.get(app.url("/areas/150103003030G01")).send().await.unwrap().text().await.unwrap();
        assert!(!area.contains("/map\""), "a grid has no map link");
        // Even with a valid token, the import is the domain's decision: forbidden.
        let csrf = csrf_in(&page);
        let file = collection(vec![feature("150103003030G01", square(111.6, 40.8))]).to_string();
        let r = upload(&app, &b, &format!("/areas/150103003030G01/boundaries?csrf_token={csrf}"), &file).await;
        assert_eq!(r.status(), 403);
    }
}
