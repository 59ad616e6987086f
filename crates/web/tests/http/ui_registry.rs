//! Registry pages: recording residents through forms, masked display, reveal with a reason.

use reqwest::Method;
use serde_json::json;

use crate::support::{TestApp, csrf_in};
use crate::ui::sign_in;

#[tokio::test]
async fn a_grid_worker_records_a_resident_and_reveals_a_phone_with_a_reason() {
    for app in TestApp::all().await {
        let community = app.token("community").await;
        let (_, e) = app.send(Method::POST, &community, "/api/v1/estates", json!({"community_code": "150103003030", "name": "电业局家属楼", "address": "巴彦淖尔北路8号"})).await;
        let (_, b) = app
            .send(Method::POST, &community, "/api/v1/buildings", json!({"grid_code": "150103003030G01", "estate_id": e["id"], "name": "2号楼", "address": "电业局家属楼2号楼", "entrances": 2}))
            .await;
        let building = b["id"].as_str().unwrap().to_string();

        let br = app.browser();
        sign_in(&app, &br, "grid").await;
        // Estate → building → new household, all from the grid worker's phone.
        let estates = br.get(app.url("/estates")).send().await.unwrap().text().await.unwrap();
        assert!(estates.contains("电业局家属楼"), "{}", app.backend);
        let page = br.get(app.url(&format!("/buildings/{building}"))).send().await.unwrap().text().await.unwrap();
        assert!(page.contains("1单元") && page.contains("2单元"));
        let csrf = csrf_in(&page);
        let entrance = page.split("<option value=\"").nth(1).unwrap().split('"').next().unwrap().to_string();
        let r = br.post(app.url(&format!("/buildings/{building}/households"))).form(&[("csrf_token", csrf.as_str()), ("entrance_id", &entrance), ("room", "301")]).send().await.unwrap();
        assert_eq!(r.status(), 303);
        let household = r.headers()["location"].to_str().unwrap().to_string();

        // A refused resident keeps what was typed.
        let bad = [("csrf_token", csrf.as_str()), ("name", "刘桂兰"), ("id_number", "150101195001010000"), ("phone", "13904711234"), ("relation", "head")];
        let r = br.post(app.url(&format!("{household}/residents"))).form(&bad).send().await.unwrap();
        assert_eq!(r.status(), 422);
        let html = r.text().await.unwrap();
        assert!(html.contains("校验位") && html.contains("value=\"刘桂兰\"") && html.contains("value=\"13904711234\""), "{html}");
        assert_eq!(html.matches("校验位").count(), 1, "the refusal is shown once, beside the form");
        let id = fengqiao_domain::privacy::synthetic_id("150101", chrono::NaiveDate::from_ymd_opt(1950, 1, 1).unwrap(), 4);
        let good = [("csrf_token", csrf.as_str()), ("name", "刘桂兰"), ("id_number", id.as_str()), ("phone", "13904711234"), ("relation", "head")];
        let r = br.post(app.url(&format!("{household}/residents"))).form(&good).send().await.unwrap();
        assert_eq!(r.status(), 303, "{}", r.text().await.unwrap_or_default());
        let html = br.get(app.url(&household)).send().await.unwrap().text().await.unwrap();
        assert!(html.contains("刘桂兰") && html.contains("139****1234") && !html.contains("13904711234"));
        assert!(html.contains("老年人"), "elderly is computed and shown");
        let resident = html.split("href=\"/residents/").nth(1).unwrap().split('"').next().unwrap().to_string();

        // The resident page masks; a reveal needs the form token and a reason, and shows the value once.
        let page = br.get(app.url(&format!("/residents/{resident}"))).send().await.unwrap().text().await.unwrap();
        assert!(page.contains(&format!("{}********{}", &id.as_str()[..6], &id.as_str()[14..])) && !page.contains(id.as_str()));
        let r = br.post(app.url(&format!("/residents/{resident}/reveal"))).form(&[("field", "phone"), ("reason", "电话回访")]).send().await.unwrap();
        assert_eq!(r.status(), 403, "no CSRF token");
        let r = br.post(app.url(&format!("/residents/{resident}/reveal"))).form(&[("csrf_token", csrf.as_str()), ("field", "phone"), ("reason", "")]).send().await.unwrap();
        assert_eq!(r.status(), 422);
        let r = br.post(app.url(&format!("/residents/{resident}/reveal"))).form(&[("csrf_token", csrf.as_str()), ("field", "id_number"), ("reason", "核实身份")]).send().await.unwrap();
        assert_eq!(r.status(), 200);
        assert!(r.text().await.unwrap().contains(id.as_str()));
        let again = br.get(app.url(&format!("/residents/{resident}"))).send().await.unwrap().text().await.unwrap();
        assert!(!again.contains(id.as_str()), "the value is not kept on the page");

        // Residents list and search; a partner unit sees no registry at all.
        let list = br.get(app.url("/residents?q=刘&tag=elderly")).send().await.unwrap().text().await.unwrap();
        assert!(list.contains("刘桂兰"));
        let pb = app.browser();
        sign_in(&app, &pb, "street").await;
        let area = pb.get(app.url("/areas/150103003030G01")).send().await.unwrap().text().await.unwrap();
        assert!(area.contains("href=\"/households?area=150103003030G01\""));
    }
}
