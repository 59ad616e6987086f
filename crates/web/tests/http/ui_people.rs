//! Pages of people who serve and organisations: lists with filters and key pages, scope,
//! recording through forms (refusals keep what was typed), placing people in grids.

use reqwest::Method;
use serde_json::{Value, json};

use crate::support::{TestApp, csrf_in};
use crate::ui::sign_in;

async fn person(app: &TestApp, token: &str, body: Value) -> String {
    let (s, p) = app.send(Method::POST, token, "/api/v1/people", body).await;
    assert_eq!(s, 201, "{}: {p}", app.backend);
    p["id"].as_str().unwrap().to_string()
}

async fn organisation(app: &TestApp, token: &str, kind: &str, name: &str, area: &str) -> String {
    let (s, o) = app.send(Method::POST, token, "/api/v1/organisations", json!({"kind": kind, "name": name, "area_code": area})).await;
    assert_eq!(s, 201, "{}: {o}", app.backend);
    o["id"].as_str().unwrap().to_string()
}

async fn text(app: &TestApp, b: &reqwest::Client, path: &str) -> (u16, String) {
    let r = b.get(app.url(path)).send().await.unwrap();
    (r.status().as_u16(), r.text().await.unwrap())
}

#[tokio::test]
async fn lists_of_people_and_organisations_filter_page_and_mask() {
    for app in TestApp::all().await {
        let community = app.token("community").await;
        let worker = json!({"name": "李振华", "kind": "grid_worker", "phone": "13904711234", "area_code": "150103003030G01", "assign_to": ["150103003030G01"]});
        let worker = person(&app, &community, worker).await;
        let adviser = json!({"name": "赵律师", "kind": "legal_adviser", "profession": "lawyer", "organisation": "光明律师事务所", "area_code": "150103003030", "assign_to": ["150103003030G02"]});
        person(&app, &community, adviser).await;
        // More than a page, so that the next-page link appears.
        for i in 0..50 {
            let name = format!("王{}", ["一", "二", "三", "四", "五", "六", "七", "八", "九", "十"][i % 10]);
            person(&app, &community, json!({"name": name, "kind": "building_head", "area_code": "150103003030G01"})).await;
        }
        organisation(&app, &community, "property_company", "鑫源物业", "150103003030").await;
        organisation(&app, &community, "social_org", "夕阳红志愿服务队", "150103003030").await;

        let b = app.browser();
        sign_in(&app, &b, "community").await;
        let (s, html) = text(&app, &b, "/people").await;
        assert_eq!(s, 200, "{}", app.backend);
        assert!(html.contains("href=\"/people\" aria-current=\"page\""), "the navigation links the page");
        assert!(html.contains(&format!("href=\"/people/{worker}\"")) && html.contains("139****1234") && !html.contains("13904711234"));
        let next = html.split("href=\"/people?q=&#38;kind=&#38;after=").nth(1).unwrap_or_else(|| panic!("a full page links the next one: {html}")).split('"').next().unwrap().to_string();
        let (_, second) = text(&app, &b, &format!("/people?after={next}")).await;
        assert!(second.contains("class=\"card person\"") && !second.contains(&format!("/people/{worker}\"")), "the next page goes on after the first");

        let (_, advisers) = text(&app, &b, "/people?kind=legal_adviser").await;
        assert!(advisers.contains("赵律师") && advisers.contains("三官一律 · 律师 · 光明律师事务所"), "{advisers}");
        assert!(!advisers.contains("李振华") && !advisers.contains("王一"));
        let (_, by_org) = text(&app, &b, &format!("/people?q={}", "律师事务所")).await;
        assert!(by_org.contains("赵律师") && !by_org.contains("李振华"), "search covers the organisation");
        let (s, bad) = text(&app, &b, "/people?kind=mayor").await;
        assert_eq!(s, 200);
        assert!(bad.contains("没有这种服务人员类型") && bad.contains("role=\"alert\""));
        // htmx asks for the rows only.
        let rows = b.get(app.url("/people?q=李")).header("hx-request", "true").send().await.unwrap().text().await.unwrap();
        assert!(rows.contains("李振华") && !rows.contains("<html"));

        let (_, orgs) = text(&app, &b, "/organisations").await;
        assert!(orgs.contains("鑫源物业") && orgs.contains("夕阳红志愿服务队") && orgs.contains("物业公司"));
        let (_, companies) = text(&app, &b, "/organisations?kind=property_company").await;
        assert!(companies.contains("鑫源物业") && !companies.contains("夕阳红志愿服务队"));
        let (_, found) = text(&app, &b, &format!("/organisations?q={}", "夕阳")).await;
        assert!(found.contains("夕阳红志愿服务队") && !found.contains("鑫源物业"));
        let (_, bad) = text(&app, &b, "/organisations?kind=bank").await;
        assert!(bad.contains("单位类型应为"));

        // In English too.
        let (_, en) = text(&app, &b, "/people?lang=en&kind=legal_adviser").await;
        assert!(en.contains("People who serve") && en.contains("Legal adviser · Lawyer"), "{en}");
    }
}

#[tokio::test]
async fn a_grid_worker_sees_their_grid_only_and_cannot_record_people() {
    for app in TestApp::all().await {
        let community = app.token("community").await;
        let mine = person(&app, &community, json!({"name": "李振华", "kind": "grid_worker", "area_code": "150103003030G01", "assign_to": ["150103003030G01"]})).await;
        let theirs = person(&app, &community, json!({"name": "张建军", "kind": "grid_worker", "area_code": "150103003030G02", "assign_to": ["150103003030G02"]})).await;
        // Registered with the community, placed in the worker's grid: the worker sees them.
        let adviser = json!({"name": "赵律师", "kind": "legal_adviser", "profession": "lawyer", "area_code": "150103003030", "assign_to": ["150103003030G01"]});
        let adviser = person(&app, &community, adviser).await;
        let (s, d) = app.send(Method::PUT, &community, "/api/v1/areas/150103003030G01/serving", json!({"duties": ["入户走访，更新住户信息", "矛盾纠纷排查"]})).await;
        assert_eq!(s, 200, "{d}");
        let org_here = organisation(&app, &community, "social_org", "第一网格志愿队", "150103003030G01").await;
        let org_there = organisation(&app, &community, "social_org", "第二网格志愿队", "150103003030G02").await;

        let b = app.browser();
        sign_in(&app, &b, "grid").await;
        let (_, list) = text(&app, &b, "/people").await;
        assert!(list.contains("李振华") && !list.contains("张建军"), "{}", app.backend);
        assert!(!list.contains("method=\"post\" action=\"/people\""), "no form to record people");
        assert_eq!(text(&app, &b, &format!("/people/{theirs}")).await.0, 404, "another grid's person does not exist for them");
        assert_eq!(text(&app, &b, &format!("/organisations/{org_there}")).await.0, 404, "nor another grid's organisation");
        let (s, org) = text(&app, &b, &format!("/organisations/{org_here}")).await;
        assert!(s == 200 && org.contains("第一网格志愿队") && org.contains("社会组织"));
        let (s, me) = text(&app, &b, &format!("/people/{mine}")).await;
        assert_eq!(s, 200);
        assert!(me.contains("网格员") && me.contains("href=\"/areas/150103003030G01\""));
        assert!(me.contains("入户走访，更新住户信息") && me.contains("网格职责清单"), "the grid's duty list is on its worker's page");
        assert!(me.contains(&format!("href=\"/people/{adviser}\"")), "who else serves the grid");
        assert!(!me.contains("/assign\""), "no assigning without the permission");
        let (s, a) = text(&app, &b, &format!("/people/{adviser}")).await;
        assert!(s == 200 && a.contains("律师"));
        let (_, grid) = text(&app, &b, "/areas/150103003030G01").await;
        assert!(grid.contains(&format!("href=\"/people/{mine}\"")), "the grid page links who serves it");

        // Recording is refused even with a valid form token, and writes nothing.
        let csrf = csrf_in(&list);
        let seq = app.audit_seq().await;
        let form = [("csrf_token", csrf.as_str()), ("name", "钱多多"), ("kind", "grid_worker"), ("area_code", "150103003030G01")];
        let r = b.post(app.url("/people")).form(&form).send().await.unwrap();
        assert_eq!(r.status(), 403);
        assert!(r.text().await.unwrap().contains("没有这项权限"), "the refusal says why");
        let r = b.post(app.url("/organisations")).form(&[("csrf_token", csrf.as_str()), ("kind", "social_org"), ("name", "某队"), ("area_code", "150103003030G01")]).send().await.unwrap();
        assert_eq!(r.status(), 403);
        let r = b.post(app.url(&format!("/people/{mine}/assign"))).form(&[("csrf_token", csrf.as_str()), ("area_code", "150103003030G02")]).send().await.unwrap();
        assert_eq!(r.status(), 403, "placing people needs the permission");
        assert_eq!(app.audit_seq().await, seq, "{}: nothing written", app.backend);
    }
}

#[tokio::test]
async fn people_and_organisations_are_recorded_and_placed_through_forms() {
    for app in TestApp::all().await {
        let b = app.browser();
        sign_in(&app, &b, "community").await;
        let (_, page) = text(&app, &b, "/people").await;
        assert!(page.contains("action=\"/people\"") && page.contains("value=\"150103003030\""), "the form starts at the home area");
        let csrf = csrf_in(&page);
        let post = |path: &'static str, form: Vec<(&'static str, String)>| {
            let b = b.clone();
            let url = app.url(path);
            async move { b.post(url).form(&form).send().await.unwrap() }
        };
        let base = |name: &str, kind: &str, area: &str| {
            vec![
                ("csrf_token", csrf.clone()),
                ("name", name.to_string()),
                ("kind", kind.to_string()),
                ("profession", String::new()),
                ("organisation", "光明路街道办事处".to_string()),
                ("phone", "13904715678".to_string()),
                ("area_code", area.to_string()),
                ("assign_to", "150103003030G01".to_string()),
            ]
        };
        let r = b.post(app.url("/people")).form(&[("name", "李振华"), ("kind", "grid_worker"), ("area_code", "150103003030")]).send().await.unwrap();
        assert_eq!(r.status(), 403, "no form token");
        let seq = app.audit_seq().await;
        for (form, message) in [
            (base("", "grid_worker", "150103003030"), "姓名应为"),
            (base("李振华", "mayor", "150103003030"), "没有这种服务人员类型"),
            (base("李振华", "legal_adviser", "150103003030"), "三官一律须注明身份"),
            (base("李振华", "grid_worker", "150102002001"), "找不到这个区域"),
        ] {
            let r = post("/people", form).await;
            assert_eq!(r.status(), 422, "{}: {message}", app.backend);
            let html = r.text().await.unwrap();
            assert!(html.contains(message), "{message}: {html}");
            assert_eq!(html.matches(message).count(), 1, "shown once, beside the form");
            assert!(html.contains("value=\"光明路街道办事处\"") && html.contains("value=\"13904715678\"") && html.contains("value=\"150103003030G01\""), "typed input is kept");
        }
        let kept = post("/people", base("李振华", "mayor", "150103003030")).await.text().await.unwrap();
        assert!(kept.contains("value=\"李振华\""), "the name is kept too");
        assert_eq!(app.audit_seq().await, seq, "{}: refusals write nothing", app.backend);

        let r = post("/people", base("李振华", "grid_worker", "150103003030")).await;
        assert_eq!(r.status(), 303, "{}", r.text().await.unwrap_or_default());
        let at = r.headers()["location"].to_str().unwrap().to_string();
        assert!(at.starts_with("/people/") && at.ends_with("?ok=person-created"));
        let id = at.trim_start_matches("/people/").split('?').next().unwrap().to_string();
        let (_, me) = text(&app, &b, &at).await;
        assert!(me.contains("服务人员已登记") && me.contains("139****5678") && !me.contains("13904715678"));
        assert!(me.contains("光明路街道办事处") && me.contains("href=\"/areas/150103003030G01\""));

        // Placed in a second grid, refused a community (a grid worker serves grids), taken out again.
        let assign = |code: &str| vec![("csrf_token", csrf.clone()), ("area_code", code.to_string())];
        let r = b.post(app.url(&format!("/people/{id}/assign"))).form(&assign("150103003030")).send().await.unwrap();
        assert_eq!(r.status(), 422);
        let html = r.text().await.unwrap();
        assert!(html.contains("网格员和三官一律应分派到网格") && html.contains("<option value=\"150103003030G02\">"), "the grids not yet served are offered: {html}");
        assert!(!html.contains("<option value=\"150103003030G01\">"));
        let r = b.post(app.url(&format!("/people/{id}/assign"))).form(&assign("150103003030G02")).send().await.unwrap();
        assert_eq!(r.status(), 303);
        let (_, me) = text(&app, &b, &format!("/people/{id}")).await;
        assert!(me.contains("href=\"/areas/150103003030G02\""));
        // Every grid of the community served: the code is typed, and kept when refused.
        let r = b.post(app.url(&format!("/people/{id}/assign"))).form(&assign("150102002001")).send().await.unwrap();
        assert_eq!(r.status(), 422, "a grid out of scope is a wrong code in the form");
        let html = r.text().await.unwrap();
        assert!(html.contains("找不到这个区域") && html.contains("value=\"150102002001\""));
        let r = b.post(app.url(&format!("/people/{id}/unassign"))).form(&assign("150103003030G01")).send().await.unwrap();
        assert_eq!(r.status(), 303);
        let (_, me) = text(&app, &b, &format!("/people/{id}")).await;
        assert!(!me.contains("href=\"/areas/150103003030G01\"") && me.contains("href=\"/areas/150103003030G02\""));
        let admin = app.token("admin").await;
        let (_, log) = app.get(&admin, "/api/v1/audit?action=person.&limit=50").await;
        let actions: Vec<&str> = log["items"].as_array().unwrap().iter().map(|e| e["action"].as_str().unwrap()).collect();
        assert!(actions.contains(&"person.assign") && actions.contains(&"person.unassign") && actions.contains(&"person.create"), "{actions:?}");
        assert!(!log.to_string().contains("13904715678"), "audit rows hold masked values only");

        // Organisations: the same form rules.
        let org = |name: &str, kind: &str| vec![("csrf_token", csrf.clone()), ("kind", kind.to_string()), ("name", name.to_string()), ("area_code", "150103003030".to_string()), ("contact", "0471-6661234".to_string())];
        let r = b.post(app.url("/organisations")).form(&org(" ", "social_org")).send().await.unwrap();
        assert_eq!(r.status(), 422);
        let html = r.text().await.unwrap();
        assert!(html.contains("名称不能为空") && html.contains("value=\"0471-6661234\""));
        let r = b.post(app.url("/organisations")).form(&org("光明社工站", "bank")).send().await.unwrap();
        assert_eq!(r.status(), 422);
        assert!(r.text().await.unwrap().contains("value=\"光明社工站\""));
        let r = b.post(app.url("/organisations")).form(&org("光明社工站", "social_org")).send().await.unwrap();
        assert_eq!(r.status(), 303);
        let (_, o) = text(&app, &b, r.headers()["location"].to_str().unwrap()).await;
        assert!(o.contains("单位已登记") && o.contains("光明社工站") && o.contains("0471-6661234"));
    }
}
