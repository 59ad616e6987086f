//! Building and entrance heads, set from the building page: heads on record or residents,
//! shown on the page, audited; wrong choices refused beside the form with the choice kept.

use reqwest::Method;
use serde_json::{Value, json};

use crate::support::{TestApp, csrf_in};
use crate::ui::sign_in;

struct Building {
    id: String,
    entrance: String,
    resident: String,
}

async fn building(app: &TestApp, token: &str) -> Building {
    let (_, e) = app.send(Method::POST, token, "/api/v1/estates", json!({"community_code": "150103003030", "name": "电业局家属楼", "address": "巴彦淖尔北路8号"})).await;
    let (s, b) = app
        .send(Method::POST, token, "/api/v1/buildings", json!({"grid_code": "150103003030G01", "estate_id": e["id"], "name": "2号楼", "address": "电业局家属楼2号楼", "entrances": 2}))
        .await;
    assert_eq!(s, 201, "{}: {b}", app.backend);
    let id = b["id"].as_str().unwrap().to_string();
    let (_, detail) = app.get(token, &format!("/api/v1/buildings/{id}")).await;
    let entrance = detail["entrances"][1]["id"].as_str().unwrap().to_string();
    let (_, h) = app.send(Method::POST, token, "/api/v1/households", json!({"building_id": id, "entrance_id": entrance, "room": "301"})).await;
    let body = json!({"household_id": h["id"], "name": "刘桂兰", "gender": "female", "birth_date": "1958-04-02", "phone": "13904719876", "relation": "head"});
    let (s, r) = app.send(Method::POST, token, "/api/v1/residents", body).await;
    assert_eq!(s, 201, "{r}");
    Building { id, entrance, resident: r["id"].as_str().unwrap().to_string() }
}

async fn person(app: &TestApp, token: &str, name: &str, kind: &str, grid: &str) -> String {
    let (s, p) = app.send(Method::POST, token, "/api/v1/people", json!({"name": name, "kind": kind, "area_code": grid})).await;
    assert_eq!(s, 201, "{p}");
    p["id"].as_str().unwrap().to_string()
}

#[tokio::test]
async fn heads_are_set_from_the_building_page_shown_and_audited() {
    for app in TestApp::all().await {
        let community = app.token("community").await;
        let bl = building(&app, &community).await;
        let head = person(&app, &community, "王建国", "building_head", "150103003030G01").await;
        let elsewhere = person(&app, &community, "张秀英", "building_head", "150103003030G02").await;
        let page_path = format!("/buildings/{}", bl.id);
        let heads_path = format!("/buildings/{}/heads", bl.id);

        let b = app.browser();
        sign_in(&app, &b, "grid").await;
        let page = b.get(app.url(&page_path)).send().await.unwrap().text().await.unwrap();
        assert!(page.contains(&format!("value=\"person:{head}\"")) && page.contains(&format!("value=\"resident:{}\"", bl.resident)), "{}: {page}", app.backend);
        assert!(!page.contains(&format!("person:{elsewhere}")), "only heads of this grid are offered");
        assert!(page.contains("未设"), "no head yet");
        let csrf = csrf_in(&page);

        let r = b.post(app.url(&heads_path)).form(&[("place", "building"), ("head", &format!("person:{head}"))]).send().await.unwrap();
        assert_eq!(r.status(), 403, "no form token");
        let seq = app.audit_seq().await;
        let r = b.post(app.url(&heads_path)).form(&[("csrf_token", csrf.as_str()), ("place", "building"), ("head", &format!("person:{head}"))]).send().await.unwrap();
        assert_eq!(r.status(), 303);
        let back = r.headers()["location"].to_str().unwrap().to_string();
        assert!(back.starts_with(&page_path));
        let page = b.get(app.url(&back)).send().await.unwrap().text().await.unwrap();
        assert!(page.contains(&format!("<a href=\"/people/{head}\">王建国</a>")) && page.contains("楼栋长、单元长已保存"));
        assert_eq!(app.audit_seq().await, seq + 1);
        let admin = app.token("admin").await;
        let seq = app.audit_seq().await;
        let (_, log) = app.get(&admin, "/api/v1/audit?action=building.head").await;
        let row: &Value = &log["items"][0];
        assert_eq!((row["entity_id"].as_str(), row["actor_name"].as_str()), (Some(bl.id.as_str()), Some("grid")), "{log}");
        assert_eq!(row["after"]["head"]["name"], "王建国");
        let theirs = b.get(app.url(&format!("/people/{head}"))).send().await.unwrap().text().await.unwrap();
        assert!(theirs.contains(&format!("href=\"/buildings/{}\"", bl.id)) && theirs.contains("2号楼 · 楼栋长"), "the head's page says what they head");

        // Wrong choices: refused beside the form, with what was chosen kept.
        let refuse = |place: String, pick: String| {
            let (b, url, csrf) = (b.clone(), app.url(&heads_path), csrf.clone());
            async move {
                let r = b.post(url).form(&[("csrf_token", csrf), ("place", place), ("head", pick)]).send().await.unwrap();
                (r.status().as_u16(), r.text().await.unwrap())
            }
        };
        let (s, html) = refuse(bl.entrance.clone(), format!("person:{head}")).await;
        assert_eq!(s, 422);
        assert!(html.contains("楼栋长应从楼栋长中选") && html.contains(&format!("<option value=\"{}\" selected>", bl.entrance)), "{html}");
        assert!(html.contains(&format!("<option value=\"person:{head}\" selected>")));
        let (s, html) = refuse("building".into(), format!("person:{elsewhere}")).await;
        assert_eq!(s, 422, "a person outside the grid worker's scope");
        assert!(html.contains("找不到这个人员") && html.contains("role=\"alert\""));
        let (s, html) = refuse("building".into(), "person:nonsense".into()).await;
        assert_eq!(s, 422);
        assert!(html.contains("请选择由谁担任"));
        assert_eq!(app.audit_seq().await, seq, "refusals write nothing");

        // A resident becomes the entrance head, recorded once as a person who serves.
        for _ in 0..2 {
            let r = b.post(app.url(&heads_path)).form(&[("csrf_token", csrf.as_str()), ("place", bl.entrance.as_str()), ("head", &format!("resident:{}", bl.resident))]).send().await.unwrap();
            assert_eq!(r.status(), 303, "{}", r.text().await.unwrap_or_default());
        }
        let (_, heads) = app.get(&community, "/api/v1/people?kind=entrance_head").await;
        let items = heads["items"].as_array().unwrap();
        assert_eq!(items.len(), 1, "{}: no duplicate for the same resident", app.backend);
        assert_eq!((items[0]["name"].as_str(), items[0]["phone"].as_str()), (Some("刘桂兰"), Some("139****9876")));
        let page = b.get(app.url(&page_path)).send().await.unwrap().text().await.unwrap();
        assert!(page.contains(&format!("<a href=\"/people/{}\">刘桂兰</a>", items[0]["id"].as_str().unwrap())));
        let theirs = b.get(app.url(&format!("/people/{}", items[0]["id"].as_str().unwrap()))).send().await.unwrap().text().await.unwrap();
        assert!(theirs.contains("2号楼2单元 · 单元长") && theirs.contains("139****9876"), "{theirs}");

        // Cleared again; a read-only leader may not change it.
        let r = b.post(app.url(&heads_path)).form(&[("csrf_token", csrf.as_str()), ("place", "building"), ("head", "none")]).send().await.unwrap();
        assert_eq!(r.status(), 303);
        let page = b.get(app.url(&page_path)).send().await.unwrap().text().await.unwrap();
        assert!(!page.contains(&format!("<a href=\"/people/{head}\">")));
        let lb = app.browser();
        sign_in(&app, &lb, "leader").await;
        let page = lb.get(app.url(&page_path)).send().await.unwrap().text().await.unwrap();
        assert!(!page.contains("action=\"/buildings/") && page.contains("刘桂兰"), "no forms for a read-only leader");
        let lcsrf = csrf_in(&page);
        let r = lb.post(app.url(&heads_path)).form(&[("csrf_token", lcsrf.as_str()), ("place", "building"), ("head", &format!("person:{head}"))]).send().await.unwrap();
        assert_eq!(r.status(), 403);
        assert!(r.text().await.unwrap().contains("没有这项权限"));
    }
}
