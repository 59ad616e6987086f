//! Case search over the API, on both backends: two-character words, surnames for the roles
//! that may search names, the caller's scope (never returned, never counted), the list's
//! filters, every kind of bad input, and the change feed keeping each node's index current.

use reqwest::Method;
use serde_json::{Value, json};

use crate::support::TestApp;

async fn area_id(app: &TestApp, code: &str) -> String {
    app.services.store.area_by_code(code).await.unwrap().unwrap().id.to_string()
}

async fn report(app: &TestApp, token: &str, body: Value) -> Value {
    let (s, c) = app.send(Method::POST, token, "/api/v1/cases", body).await;
    assert_eq!(s, 201, "{}: {c}", app.backend);
    c
}

fn case(kind: &str, category: &str, title: &str, description: &str, area: &str) -> Value {
    let mut c = json!({"kind": kind, "category": category, "title": title, "description": description, "area_id": area, "channel": "grid_patrol"});
    if kind == "dispute" {
        c["parties"] = json!([{"role": "applicant", "name": "赵丽"}, {"role": "respondent", "name": "钱强"}]);
    }
    c
}

async fn search(app: &TestApp, token: &str, query: &str) -> (u16, Value) {
    app.get(token, &format!("/api/v1/search/cases?{query}")).await
}

fn q(text: &str) -> String {
    format!("q={}", fengqiao_web_encode(text))
}

fn fengqiao_web_encode(s: &str) -> String {
    s.bytes().map(|b| if b.is_ascii_alphanumeric() { (b as char).to_string() } else { format!("%{b:02X}") }).collect()
}

fn numbers(page: &Value) -> Vec<String> {
    page["items"].as_array().unwrap().iter().map(|h| h["number"].as_str().unwrap().to_string()).collect()
}

/// Four cases in the first grid, one in another district.
async fn world(app: &TestApp) -> (Value, Value, Value, Value) {
    let grid = app.token("grid").await;
    let xc = app.token("xc").await;
    let g1 = area_id(app, "150103003030G01").await;
    let mut leak = case("dispute", "tenancy.utilities", "楼上卫生间漏水殃及楼下", "3号楼2单元楼上住户卫生间防水层老化，楼下天花板渗水发霉。", &g1);
    leak["address"] = json!("巴彦淖尔北路3号楼2单元");
    leak["parties"] = json!([{"role": "applicant", "name": "王秀英", "phone": "13904710000"}, {"role": "respondent", "name": "李建国"}]);
    let leak = report(app, &grid, leak).await;
    let noise = report(app, &grid, case("demand", "other", "广场舞噪音扰民", "每晚八点后小区广场舞音响声音过大，影响老人休息。", &g1)).await;
    let html = report(app, &grid, case("hazard", "building", "<script>alert(1)</script>井盖缺失", "人行道井盖缺失，夜间有跌落危险。' OR 1=1 --", &g1)).await;
    let xc_area = area_id(app, "150102002001").await;
    let outside = report(app, &xc, case("dispute", "tenancy.utilities", "厨房水管漏水", "锡林北路小区厨房水管漏水。", &xc_area)).await;
    app.index_changes().await;
    (leak, noise, html, outside)
}

#[tokio::test]
async fn two_character_words_find_cases_ranked_and_marked() {
    for db in fengqiao_store::testing::all().await {
        let app = TestApp::with_search(db).await;
        let (leak, noise, ..) = world(&app).await;
        let grid = app.token("grid").await;
        let (s, page) = search(&app, &grid, &q("漏水")).await;
        assert_eq!(s, 200, "{}: {page}", app.backend);
        assert_eq!(numbers(&page), [leak["number"].as_str().unwrap()], "{}: {page}", app.backend);
        assert_eq!(page["total"], 1);
        assert!(page["items"][0]["title_html"].as_str().unwrap().contains("<mark>漏水</mark>"), "{page}");
        let (_, page) = search(&app, &grid, &q("噪音")).await;
        assert_eq!(numbers(&page), [noise["number"].as_str().unwrap()]);
        // A word inside a longer one, an address with digits, and two terms that must both match.
        for text in ["渗水", "3号楼", "防水 楼下", "巴彦淖尔"] {
            let (_, page) = search(&app, &grid, &q(text)).await;
            assert_eq!(numbers(&page), [leak["number"].as_str().unwrap()], "{}: {text}: {page}", app.backend);
        }
        let (_, page) = search(&app, &grid, &q("漏水 噪音")).await;
        assert_eq!(page["total"], 0, "every term must match");
        // The case number itself.
        let (_, page) = search(&app, &grid, &q(leak["number"].as_str().unwrap())).await;
        assert_eq!(numbers(&page), [leak["number"].as_str().unwrap()]);
    }
}

#[tokio::test]
async fn search_combines_with_the_list_filters_and_never_leaves_the_scope() {
    for db in fengqiao_store::testing::all().await {
        let app = TestApp::with_search(db).await;
        let (leak, _, _, outside) = world(&app).await;
        let grid = app.token("grid").await;
        let (_, page) = search(&app, &grid, &format!("{}&kind=demand", q("漏水"))).await;
        assert_eq!(page["total"], 0, "{}: the leak is a dispute", app.backend);
        let (_, page) = search(&app, &grid, &format!("{}&kind=dispute&status=reported&open=true", q("漏水"))).await;
        assert_eq!(numbers(&page), [leak["number"].as_str().unwrap()]);
        // The other district's leak is neither returned nor counted, for anyone outside it.
        for who in ["grid", "community", "street", "hm"] {
            let token = app.token(who).await;
            let (_, page) = search(&app, &token, &q("漏水")).await;
            assert!(!numbers(&page).contains(&outside["number"].as_str().unwrap().to_string()), "{who}");
            assert_eq!(page["total"], 1, "{}: {who} counts only their own: {page}", app.backend);
        }
        let xc = app.token("xc").await;
        let (_, page) = search(&app, &xc, &q("漏水")).await;
        assert_eq!(numbers(&page), [outside["number"].as_str().unwrap()]);
        // Naming an area outside the scope is refused as not found, as in the list.
        let (s, _) = search(&app, &grid, &format!("{}&area=150102", q("漏水"))).await;
        assert_eq!(s, 404);
    }
}

#[tokio::test]
async fn party_names_only_for_roles_that_work_with_people_and_audited() {
    for db in fengqiao_store::testing::all().await {
        let app = TestApp::with_search(db).await;
        let (leak, ..) = world(&app).await;
        let grid = app.token("grid").await;
        let before = app.audit_seq().await;
        for name in ["王", "王秀英", "李建国"] {
            let (_, page) = search(&app, &grid, &q(name)).await;
            assert_eq!(numbers(&page), [leak["number"].as_str().unwrap()], "{}: {name}: {page}", app.backend);
        }
        let (_, page) = search(&app, &grid, &q("王")).await;
        assert!(page["items"][0]["parties_html"].as_str().unwrap().contains("<mark>王</mark>秀英"), "{page}");
        let audit = app.services.store.audit_chain(before, 100).await.unwrap();
        assert_eq!(audit.iter().filter(|a| a.action == "case.search_party").count(), 4, "{}: each name search is audited", app.backend);
        // A leader sees cases but does not look people up: names neither match nor show.
        let leader = app.token("leader").await;
        let (_, page) = search(&app, &leader, &q("王秀英")).await;
        assert_eq!(page["total"], 0, "{page}");
        let (_, page) = search(&app, &leader, &q("漏水")).await;
        assert_eq!(page["items"][0]["parties_html"], Value::Null, "{page}");
    }
}

#[tokio::test]
async fn bad_queries_get_clear_errors_and_syntax_is_only_text() {
    for db in fengqiao_store::testing::all().await {
        let app = TestApp::with_search(db).await;
        let (leak, _, html, _) = world(&app).await;
        let grid = app.token("grid").await;
        for (query, code) in [
            ("".to_string(), "error-search-empty"),
            (q("   "), "error-search-empty"),
            (q(&"x".repeat(10_000)), "error-search-too-long"),
            (q(&format!("漏水{}", " 水".repeat(20))), "error-search-too-many-terms"),
            (q("\"*:("), "error-search-no-words"),
        ] {
            let (s, p) = search(&app, &grid, &query).await;
            assert_eq!((s, p["code"].as_str()), (422, Some(code)), "{}: {p}", app.backend);
        }
        for text in ["漏水\"", "漏水*", "漏水:", "(漏水", "\"漏水\"", "*:漏水()"] {
            let (s, page) = search(&app, &grid, &q(text)).await;
            assert_eq!(s, 200, "{text}: {page}");
            assert_eq!(numbers(&page), [leak["number"].as_str().unwrap()], "{}: {text}", app.backend);
        }
        let (s, page) = search(&app, &grid, &q("' OR 1=1 --")).await;
        assert_eq!(s, 200, "{page}");
        assert!(numbers(&page).iter().all(|n| n == html["number"].as_str().unwrap()), "SQL is text, found only where written: {page}");
        let (_, page) = search(&app, &grid, &q("<script>井盖")).await;
        let hit = &page["items"][0];
        assert_eq!(hit["number"], html["number"], "{page}");
        let title = hit["title_html"].as_str().unwrap();
        assert!(!title.contains("<script>") && title.contains("&lt;"), "escaped in snippets: {title}");
        let (s, _) = search(&app, &grid, &format!("{}&offset=5000", q("漏水"))).await;
        assert_eq!(s, 422);
    }
}

#[tokio::test]
async fn every_node_finds_a_change_once_it_follows_the_feed() {
    for db in fengqiao_store::testing::all().await {
        let app = TestApp::with_search(db).await;
        let (leak, ..) = world(&app).await;
        // A second node with its own index, built from the database.
        let other = app.another_node().await;
        let index = std::sync::Arc::new(fengqiao_search::CaseIndex::in_memory(1).unwrap());
        let follower = fengqiao_search::Follower::new(other, index.clone());
        follower.catch_up(&mut |_, _| {}).await.unwrap();
        assert_eq!(index.len(), 4, "{}: built from every case", app.backend);
        // A case taken in on the first node, and a transition of another.
        let grid = app.token("grid").await;
        let g1 = area_id(&app, "150103003030G01").await;
        let fresh = report(&app, &grid, case("hazard", "fire.ebike_charging", "电动车楼道充电", "5号楼楼道有电动车飞线充电。", &g1)).await;
        let community = app.token("community").await;
        let path = format!("/api/v1/cases/{}/actions", leak["id"].as_str().unwrap());
        let (s, _) = app.send(Method::POST, &community, &path, json!({"expected_version": 1, "action": {"action": "accept"}})).await;
        assert_eq!(s, 200);
        assert_eq!(follower.catch_up(&mut |_, _| {}).await.unwrap(), 2, "{}: exactly the two changed cases", app.backend);
        use fengqiao_domain::ports::CaseSearchIndex;
        let mut list = fengqiao_domain::ports::CaseQuery::new(fengqiao_domain::ports::CaseScope::Area("/".into()), 10);
        let q = |words: &[&str], filter: &fengqiao_domain::ports::CaseQuery| fengqiao_domain::ports::CaseSearchQuery {
            words: words.iter().map(|w| w.to_string()).collect(),
            filter: filter.clone(),
            with_parties: false,
            offset: 0,
            limit: 10,
        };
        assert_eq!(index.search(&q(&["充电"], &list)).unwrap().hits[0].id.to_string(), fresh["id"].as_str().unwrap());
        list.status = Some(fengqiao_domain::model::case::CaseStatus::Accepted);
        assert_eq!(index.search(&q(&["漏水"], &list)).unwrap().total, 1, "the new status is searchable");
        // Nothing new: nothing to do.
        assert_eq!(follower.catch_up(&mut |_, _| {}).await.unwrap(), 0);
    }
}

#[tokio::test]
async fn intake_suggests_open_cases_nearby_with_similar_text() {
    for db in fengqiao_store::testing::all().await {
        let app = TestApp::with_search(db).await;
        let (leak, ..) = world(&app).await;
        let grid = app.token("grid").await;
        let g1 = area_id(&app, "150103003030G01").await;
        let g2 = area_id(&app, "150103003030G02").await;
        let draft = |area: &str, category: &str| {
            json!({"kind": "dispute", "category": category, "title": "楼上漏水", "description": "卫生间漏水，天花板发霉", "area_id": area})
        };
        let (s, hits) = app.send(Method::POST, &grid, "/api/v1/search/similar-cases", draft(&g1, "tenancy.utilities")).await;
        assert_eq!(s, 200, "{}: {hits}", app.backend);
        assert_eq!(hits.as_array().unwrap().len(), 1, "{hits}");
        assert_eq!(hits[0]["id"], leak["id"]);
        // Another category, or another grid with no point given: nothing.
        let (_, hits) = app.send(Method::POST, &grid, "/api/v1/search/similar-cases", draft(&g1, "neighbour.noise")).await;
        assert_eq!(hits, json!([]));
        let community = app.token("community").await;
        let (_, hits) = app.send(Method::POST, &community, "/api/v1/search/similar-cases", draft(&g2, "tenancy.utilities")).await;
        assert_eq!(hits, json!([]), "{hits}");
        // An area outside the caller's scope is not found.
        let xc_area = area_id(&app, "150102002001").await;
        let (s, _) = app.send(Method::POST, &grid, "/api/v1/search/similar-cases", draft(&xc_area, "tenancy.utilities")).await;
        assert_eq!(s, 404);
    }
}

async fn act(app: &TestApp, token: &str, case: &Value, version: i64, action: Value) -> (u16, Value) {
    let path = format!("/api/v1/cases/{}/actions", case["id"].as_str().unwrap());
    app.send(Method::POST, token, &path, json!({"expected_version": version, "action": action})).await
}

#[tokio::test]
async fn a_matter_taken_in_twice_is_closed_as_a_duplicate_and_counted_once() {
    for db in fengqiao_store::testing::all().await {
        let app = TestApp::with_search(db).await;
        let (leak, _, _, outside) = world(&app).await;
        let grid = app.token("grid").await;
        let g1 = area_id(&app, "150103003030G01").await;
        let again = report(&app, &grid, case("dispute", "tenancy.utilities", "楼上漏水", "3号楼楼上卫生间漏水，又来反映", &g1)).await;
        let third = report(&app, &grid, case("dispute", "tenancy.utilities", "楼上漏水第三次", "同一户漏水", &g1)).await;
        let mark = |original: &Value| json!({"action": "mark_duplicate", "original": original["number"], "note": "同一户"});
        // Refused: itself, a number nobody has, a case outside the scope (as if it did not exist).
        for (original, code) in [(&again, "error-case-duplicate-of-itself"), (&json!({"number": "150103-2024-999999"}), "error-case-original-not-found"), (&outside, "error-case-original-not-found")] {
            let (s, p) = act(&app, &grid, &again, 1, mark(original)).await;
            assert_eq!((s, p["code"].as_str()), (422, Some(code)), "{}: {p}", app.backend);
        }
        // Whoever took it in marks it: closed at once, linked on the timeline.
        let (s, done) = act(&app, &grid, &again, 1, mark(&leak)).await;
        assert_eq!(s, 200, "{}: {done}", app.backend);
        let (_, got) = app.get(&grid, &format!("/api/v1/cases/{}", again["id"].as_str().unwrap())).await;
        assert_eq!((got["status"].as_str(), got["outcome"].as_str()), (Some("closed"), Some("duplicate")), "{got}");
        let (_, timeline) = app.get(&grid, &format!("/api/v1/cases/{}/timeline", again["id"].as_str().unwrap())).await;
        let last = timeline.as_array().unwrap().last().unwrap();
        assert_eq!(last["kind"], "mark_duplicate");
        assert!(last["note"].as_str().unwrap().starts_with(leak["number"].as_str().unwrap()), "{last}");
        // A chain of duplicates always ends at a counted case.
        let (s, p) = act(&app, &grid, &third, 1, mark(&again)).await;
        assert_eq!((s, p["code"].as_str()), (422, Some("error-case-duplicate-of-duplicate")));
        // Nobody concludes with "duplicate" as an outcome.
        let community = app.token("community").await;
        let grid_user = app.services.store.user_by_username("grid").await.unwrap().unwrap();
        act(&app, &community, &third, 1, json!({"action": "accept"})).await;
        act(&app, &community, &third, 2, json!({"action": "assign", "handler_id": grid_user.id, "handler_name": "x"})).await;
        act(&app, &grid, &third, 3, json!({"action": "start"})).await;
        let (s, p) = act(&app, &grid, &third, 4, json!({"action": "conclude", "outcome": "duplicate", "summary": "重复"})).await;
        assert_eq!((s, p["code"].as_str()), (422, Some("error-case-outcome-duplicate-by-mark")), "{p}");

        // Figures: the duplicate is neither taken in again nor resolved, only counted as one.
        let today = fengqiao_domain::rules::calendar::local_date(chrono::Utc::now()).to_string();
        let hm = app.token("hm").await;
        let (s, f) = app.get(&hm, &format!("/api/v1/stats/cases?area=150103003030&from={today}&to={today}")).await;
        assert_eq!(s, 200, "{f}");
        assert_eq!((f["intake"].as_i64(), f["resolved"].as_i64()), (Some(4), Some(0)), "{}: leak, noise, hazard, third: {f}", app.backend);
        assert_eq!(f["by_outcome"]["duplicate"], 1, "{f}");
        assert_eq!(f["by_status"]["closed"], 0, "{f}");
        let check = app.services.check_case_stats(false, "test").await.unwrap();
        assert!(check.differences.is_empty(), "{}: stats verify agrees: {:?}", app.backend, check.differences);
        // Closed, so no longer suggested nor among open results.
        app.index_changes().await;
        let (_, page) = search(&app, &grid, &format!("{}&open=true", q("漏水"))).await;
        assert!(!numbers(&page).contains(&again["number"].as_str().unwrap().to_string()), "{page}");
    }
}
