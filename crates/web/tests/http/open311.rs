//! Open311 GeoReport v2 as a client sees it: services and definitions, submitting with an API
//! key, reading requests back by number and token, the update feed; JSON and XML agreeing;
//! and every refusal the specification names, each answered in its error shape with nothing
//! written.

use reqwest::Method;
use serde_json::{Value, json};

use crate::api_boundaries::{collection, feature, square};
use crate::support::TestApp;

/// A key scoped to `area`, issued by the administrator; answers (id, secret).
pub(crate) async fn key(app: &TestApp, area: &str, per_minute: i64) -> (String, String) {
    let admin = app.token("admin").await;
    let (s, k) = app.send(Method::POST, &admin, "/api/v1/api-keys", json!({"name": "12345 热线", "area_code": area, "per_minute": per_minute})).await;
    assert_eq!(s, 201, "{}: {k}", app.backend);
    assert!(k["secret"].as_str().unwrap().starts_with(k["prefix"].as_str().unwrap()));
    (k["id"].as_str().unwrap().to_string(), k["secret"].as_str().unwrap().to_string())
}

/// The first community of 光明路街道 mapped as a square at (111.6, 40.8), its first grid inside it.
pub(crate) async fn map_community(app: &TestApp) {
    let street = app.token("street").await;
    let g01 = json!({"type": "Polygon", "coordinates": [[[111.6, 40.8], [111.605, 40.8], [111.605, 40.81], [111.6, 40.81], [111.6, 40.8]]]});
    let body = collection(vec![feature("150103003030", square(111.6, 40.8)), feature("150103003030G01", g01)]);
    let (s, r) = app.send(Method::POST, &street, "/api/v1/areas/boundaries", body).await;
    assert_eq!(s, 200, "{}: {r}", app.backend);
}

pub(crate) async fn get(app: &TestApp, path: &str) -> (u16, String) {
    let r = app.http.get(app.url(path)).send().await.unwrap();
    (r.status().as_u16(), r.text().await.unwrap())
}

pub(crate) async fn post(app: &TestApp, path: &str, form: &[(&str, &str)]) -> (u16, String) {
    let r = app.http.post(app.url(path)).form(form).send().await.unwrap();
    (r.status().as_u16(), r.text().await.unwrap())
}

fn json_of(s: &str) -> Value {
    serde_json::from_str(s).unwrap_or_else(|e| panic!("not JSON ({e}): {s}"))
}

/// An error answer in the specification's shape, in both formats.
fn is_error(body: &str, code: u16) -> bool {
    if body.starts_with("<?xml") {
        return body.contains(&format!("<errors><error><code>{code}</code><description>"));
    }
    let v = json_of(body);
    v[0]["code"] == code && v[0]["description"].as_str().is_some_and(|d| !d.is_empty())
}

#[tokio::test]
async fn services_and_definitions_in_both_formats() {
    for app in TestApp::all().await {
        let (s, body) = get(&app, "/open311/v2/services.json").await;
        assert_eq!(s, 200, "{}: {body}", app.backend);
        let services = json_of(&body);
        let codes: Vec<&str> = services.as_array().unwrap().iter().map(|x| x["service_code"].as_str().unwrap()).collect();
        assert!(codes.contains(&"demand.heating") && codes.contains(&"dispute.tenancy.utilities"), "{codes:?}");
        assert!(services.as_array().unwrap().iter().all(|x| x["metadata"] == true && x["type"] == "realtime"));
        let (s, xml) = get(&app, "/open311/v2/services.xml").await;
        assert_eq!(s, 200);
        assert!(xml.starts_with("<?xml") && xml.contains("<services><service>") && xml.contains("<service_code>demand.heating</service_code>"));
        assert_eq!(xml.matches("<service>").count(), codes.len(), "XML and JSON list the same services");

        let (s, def) = get(&app, "/open311/v2/services/dispute.tenancy.utilities.json").await;
        assert_eq!(s, 200, "{def}");
        let def = json_of(&def);
        assert_eq!(def["service_code"], "dispute.tenancy.utilities");
        let respondent = def["attributes"].as_array().unwrap().iter().find(|a| a["code"] == "respondent").unwrap();
        assert_eq!((respondent["required"].as_bool(), respondent["datatype"].as_str()), (Some(true), Some("string")));
        let (_, def_xml) = get(&app, "/open311/v2/services/dispute.tenancy.utilities.xml").await;
        assert!(def_xml.contains("<service_definition>") && def_xml.contains("<attributes><attribute>") && def_xml.contains("<values><value><key>"));

        for path in ["/open311/v2/services/demand.nothing.json", "/open311/v2/services/demand.nothing.xml", "/open311/v2/services.json?jurisdiction_id=9999"] {
            let (s, body) = get(&app, path).await;
            assert_eq!(s, 404, "{path}: {body}");
            assert!(is_error(&body, 404), "{path}: {body}");
        }
        let (s, _) = get(&app, "/open311/v2/services.json?jurisdiction_id=1501").await;
        assert_eq!(s, 200);
    }
}

#[tokio::test]
async fn a_request_is_taken_in_and_read_back_by_number_and_token() {
    for app in TestApp::all().await {
        map_community(&app).await;
        let (_, secret) = key(&app, "1501", 100).await;
        let seq = app.audit_seq().await;
        let (s, body) = post(&app, "/open311/v2/requests.json", &[
            ("api_key", &secret), ("service_code", "demand.heating"), ("lat", "40.805"), ("long", "111.602"),
            ("address_string", "铁路小区3号楼"), ("description", "整栋楼暖气不热\n已经三天了"), ("first_name", "秀英"), ("last_name", "王"),
            ("phone", "13904710000"), ("attribute[risk]", "major"), ("jurisdiction_id", "1501"),
        ]).await;
        assert_eq!(s, 201, "{}: {body}", app.backend);
        let made = json_of(&body);
        let number = made[0]["service_request_id"].as_str().unwrap().to_string();
        let token = made[0]["token"].as_str().unwrap().to_string();
        assert!(number.starts_with("150103-"), "{number}");

        // The case lies in the grid that holds the point, taken in through the API channel.
        let admin = app.token("admin").await;
        let (_, list) = app.get(&admin, "/api/v1/cases?area=1501").await;
        let case = list["items"].as_array().unwrap().iter().find(|c| c["number"] == number.as_str()).unwrap().clone();
        assert_eq!((case["channel"].as_str(), case["risk"].as_str()), (Some("api"), Some("major")));
        assert_eq!(case["reporter_name"], "王**", "the contact is masked on the case");
        let sub = app.services.store.submission_of_case(case["id"].as_str().unwrap().parse().unwrap()).await.unwrap().unwrap();
        let phone = sub.contact_phone.unwrap();
        assert!(!phone.cipher.contains("13904710000") && phone.masked.contains("****"), "phone encrypted at rest");
        let actions: Vec<String> = app.services.store.audit_chain(seq, 10).await.unwrap().into_iter().map(|r| r.actor_name + " " + &r.action).collect();
        assert!(actions.contains(&"open311:12345 热线 case.report".to_string()), "{actions:?}");

        let (s, one) = get(&app, &format!("/open311/v2/requests/{number}.json")).await;
        assert_eq!(s, 200, "{one}");
        let one = json_of(&one);
        assert_eq!(one.as_array().unwrap().len(), 1);
        let r = &one[0];
        assert_eq!((r["status"].as_str(), r["service_code"].as_str(), r["address_id"].as_str()), (Some("open"), Some("demand.heating"), Some("150103003030G01")));
        assert_eq!((r["lat"].as_f64(), r["long"].as_f64()), (Some(40.805), Some(111.602)));
        assert!(r["requested_datetime"].as_str().unwrap().ends_with("+08:00"));
        assert_eq!(r["agency_responsible"], "巴彦淖尔北路社区");
        assert_eq!(r["description"], "整栋楼暖气不热\n已经三天了");

        // XML says the same.
        let (_, xml) = get(&app, &format!("/open311/v2/requests/{number}.xml")).await;
        for field in ["service_request_id", "status", "service_code", "address_id", "agency_responsible", "requested_datetime"] {
            let v = r[field].as_str().unwrap();
            assert!(xml.contains(&format!("<{field}>{v}</{field}>")), "{field} differs: {xml}");
        }

        let (s, t) = get(&app, &format!("/open311/v2/tokens/{token}.json")).await;
        assert_eq!(s, 200);
        assert_eq!(json_of(&t), json!([{"service_request_id": number, "token": token}]));
        let (_, all) = get(&app, "/open311/v2/requests.json?status=open&service_code=demand.heating").await;
        assert!(json_of(&all).as_array().unwrap().iter().any(|x| x["service_request_id"] == number.as_str()));
        let (_, closed) = get(&app, "/open311/v2/requests.json?status=closed").await;
        assert_eq!(json_of(&closed), json!([]));
        let (_, updates) = get(&app, "/open311/v2/servicerequestupdates.json").await;
        assert_eq!(json_of(&updates)[0]["service_request_id"], number.as_str());

        // The office sees the contact masked, and in full only with a reason, audited.
        let id = case["id"].as_str().unwrap();
        let (s, sub) = app.get(&admin, &format!("/api/v1/cases/{id}/submission")).await;
        assert_eq!((s, sub["source"].as_str(), sub["contact_phone"].as_str()), (200, Some("open311"), Some("139****0000")), "{sub}");
        assert_eq!(sub["token"], token.as_str());
        let (s, _) = app.send(Method::POST, &admin, &format!("/api/v1/cases/{id}/submission/reveal"), json!({"reason": ""})).await;
        assert_eq!(s, 422, "a reason is required");
        let seq = app.audit_seq().await;
        let (s, full) = app.send(Method::POST, &admin, &format!("/api/v1/cases/{id}/submission/reveal"), json!({"reason": "回访核实"})).await;
        assert_eq!((s, full["name"].as_str(), full["phone"].as_str()), (200, Some("王秀英"), Some("13904710000")), "{full}");
        let rows = app.services.store.audit_chain(seq, 10).await.unwrap();
        assert_eq!(rows[0].action, "case.submitter_reveal");
        assert!(!rows[0].after.as_ref().unwrap().to_string().contains("13904710000"), "the value is never logged");
        let (s, _) = app.get(&app.token("xc").await, &format!("/api/v1/cases/{id}/submission")).await;
        assert_eq!(s, 404, "outside the caller's scope");

        // A read with a key is audited.
        let seq = app.audit_seq().await;
        let (s, _) = get(&app, &format!("/open311/v2/requests.json?api_key={secret}")).await;
        assert_eq!(s, 200);
        let rows = app.services.store.audit_chain(seq, 10).await.unwrap();
        assert_eq!(rows.iter().map(|r| r.action.as_str()).collect::<Vec<_>>(), vec!["open311.read"]);
    }
}

#[tokio::test]
async fn disputes_need_the_other_side_and_keep_their_account_private() {
    for app in TestApp::all().await {
        let (_, secret) = key(&app, "150103", 100).await;
        let base = [("api_key", secret.as_str()), ("service_code", "dispute.tenancy.utilities"), ("address_id", "150103003030"), ("description", "房东多收水费")];
        let (s, body) = post(&app, "/open311/v2/requests.json", &base).await;
        assert_eq!(s, 400, "{body}");
        assert!(is_error(&body, 400));
        let mut with = base.to_vec();
        with.push(("attribute[respondent]", "李四"));
        let (s, body) = post(&app, "/open311/v2/requests.xml", &with).await;
        assert_eq!(s, 201, "{body}");
        assert!(body.contains("<service_requests><request><account_id/>"), "{body}");
        let number = body.split("<service_request_id>").nth(1).unwrap().split('<').next().unwrap().to_string();
        let (_, one) = get(&app, &format!("/open311/v2/requests/{number}.json")).await;
        assert_eq!(json_of(&one)[0]["description"], "", "a dispute's account is not published");
    }
}

#[tokio::test]
async fn bad_requests_are_refused_in_the_spec_shape_and_write_nothing() {
    for app in TestApp::all().await {
        map_community(&app).await;
        let (key_id, secret) = key(&app, "1501", 100).await;
        // The first use of the case settings seeds them (an audit row of its own) before we count.
        get(&app, "/open311/v2/services.json").await;
        let long = "a".repeat(4001);
        let ok = |extra: &[(&'static str, &str)]| {
            let mut f: Vec<(&str, String)> = vec![("api_key", secret.clone()), ("service_code", "demand.heating".into()), ("address_id", "150103003030".into())];
            for (k, v) in extra {
                f.retain(|(x, _)| x != k);
                f.push((*k, v.to_string()));
            }
            f
        };
        let cases: Vec<(&str, Vec<(&str, String)>, u16)> = vec![
            ("missing api_key", ok(&[]).into_iter().filter(|(k, _)| *k != "api_key").collect(), 403),
            ("unknown api_key", ok(&[("api_key", "fq_not_a_key_at_all_0000")]), 403),
            ("unknown service", ok(&[("service_code", "demand.nothing")]), 404),
            ("unknown jurisdiction", ok(&[("jurisdiction_id", "9999")]), 404),
            ("no location", ok(&[("address_id", "")]), 400),
            ("outside the jurisdiction", ok(&[("address_id", ""), ("lat", "39.9"), ("long", "116.4")]), 400),
            ("lat without long", ok(&[("address_id", ""), ("lat", "40.805")]), 400),
            ("address_id out of the tree", ok(&[("address_id", "9999")]), 400),
            ("4,001 characters", ok(&[("description", &long)]), 400),
            ("bad risk", ok(&[("attribute[risk]", "apocalyptic")]), 400),
        ];
        for (what, form, status) in cases {
            let seq = app.audit_seq().await;
            let pairs: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
            for fmt in ["json", "xml"] {
                let (s, body) = post(&app, &format!("/open311/v2/requests.{fmt}"), &pairs).await;
                assert_eq!(s, status, "{}: {what} ({fmt}): {body}", app.backend);
                assert!(is_error(&body, status), "{what}: {body}");
            }
            assert_eq!(app.audit_seq().await, seq, "{what}: nothing written");
        }
        // A body over the server's limit is refused in the same shape.
        let huge = "长".repeat(20_000);
        let (s, body) = post(&app, "/open311/v2/requests.json", &[("api_key", secret.as_str()), ("description", huge.as_str())]).await;
        assert!(s == 413 && is_error(&body, 413), "{body}");
        // JSON bodies are not Open311.
        let r = app.http.post(app.url("/open311/v2/requests.json")).json(&json!({"api_key": secret})).send().await.unwrap();
        assert_eq!(r.status(), 400);

        for (what, query) in [
            ("a window over 90 days", "start_date=2026-01-01T00:00:00Z&end_date=2026-05-01T00:00:00Z"),
            ("a malformed date", "start_date=yesterday"),
            ("an unknown status", "status=pending"),
        ] {
            let (s, body) = get(&app, &format!("/open311/v2/requests.json?{query}")).await;
            assert_eq!(s, 400, "{what}: {body}");
            assert!(is_error(&body, 400));
        }
        let (s, body) = get(&app, "/open311/v2/requests/150103-2026-999999.xml").await;
        assert!(s == 404 && is_error(&body, 404), "{body}");
        let (s, body) = get(&app, "/open311/v2/tokens/ABCDEFGHJKMN.json").await;
        assert!(s == 404 && is_error(&body, 404), "{body}");
        let (s, _) = get(&app, "/open311/v2/services.yaml").await;
        assert_eq!(s, 404);
        let r = app.http.post(app.url("/open311/v2/services.json")).form(&[("x", "1")]).send().await.unwrap();
        assert_eq!(r.status(), 405, "read-only resources refuse other methods");
        assert!(r.headers()["allow"].to_str().unwrap().contains("GET"));

        // A revoked key is refused from then on.
        let admin = app.token("admin").await;
        let (s, k) = app.send(Method::POST, &admin, &format!("/api/v1/api-keys/{key_id}/revoke"), json!({})).await;
        assert_eq!(s, 200, "{k}");
        assert!(k["revoked_at"].is_string());
        let pairs: Vec<(&str, String)> = ok(&[]);
        let pairs: Vec<(&str, &str)> = pairs.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let (s, body) = post(&app, "/open311/v2/requests.json", &pairs).await;
        assert!(s == 403 && is_error(&body, 403), "{body}");
        let (s, _) = app.send(Method::POST, &admin, &format!("/api/v1/api-keys/{key_id}/revoke"), json!({})).await;
        assert_eq!(s, 409, "revoked once");
    }
}

#[tokio::test]
async fn keys_are_scoped_rate_limited_and_managed_in_scope() {
    for app in TestApp::all().await {
        // A key of 新城区 cannot place a case in 回民区.
        let (_, xc) = key(&app, "150102", 2).await;
        let form = [("api_key", xc.as_str()), ("service_code", "demand.heating"), ("address_id", "150103003030")];
        let (s, body) = post(&app, "/open311/v2/requests.json", &form).await;
        assert_eq!(s, 400, "{body}");
        let (s, _) = get(&app, &format!("/open311/v2/services.json?api_key={xc}")).await;
        assert_eq!(s, 200);
        let (s, body) = get(&app, &format!("/open311/v2/services.json?api_key={xc}")).await;
        assert_eq!(s, 429, "the third request in a minute is over the key's limit: {body}");
        assert!(is_error(&body, 429));
        app.clock.advance(chrono::Duration::seconds(61));
        let (s, _) = get(&app, &format!("/open311/v2/services.json?api_key={xc}")).await;
        assert_eq!(s, 200, "the window slides");

        // Issuing and listing keys stays in scope; grid workers may not.
        let hm = app.token("hm").await;
        let (s, _) = app.send(Method::POST, &hm, "/api/v1/api-keys", json!({"name": "x", "area_code": "150102"})).await;
        assert_eq!(s, 404, "新城区 is outside 回民区's scope");
        let (_, list) = app.get(&hm, "/api/v1/api-keys").await;
        assert_eq!(list["items"], json!([]), "{}: the 新城区 key is not 回民区's to see", app.backend);
        let grid = app.token("grid").await;
        let (s, _) = app.get(&grid, "/api/v1/api-keys").await;
        assert_eq!(s, 403);
        let admin = app.token("admin").await;
        let (_, list) = app.get(&admin, "/api/v1/api-keys").await;
        assert_eq!(list["items"].as_array().unwrap().len(), 1);
        assert!(list["items"][0].get("secret").is_none(), "the secret is shown once only");
    }
}

#[tokio::test]
async fn the_open311_document_describes_the_surface() {
    for app in TestApp::all().await.into_iter().take(1) {
        let (s, doc) = get(&app, "/open311/openapi.json").await;
        assert_eq!(s, 200);
        let doc = json_of(&doc);
        let post = &doc["paths"]["/open311/v2/requests.json"]["post"];
        assert!(post["requestBody"]["content"]["application/x-www-form-urlencoded"].is_object());
        let links = &post["responses"]["201"]["links"];
        assert_eq!(links["GetRequest"]["operationId"], "request_json");
        assert_eq!(links["GetToken"]["parameters"]["token"], "$response.body#/0/token");
        assert!(doc["paths"]["/open311/v2/servicerequestupdates.xml"].is_object());
    }
}

#[tokio::test]
async fn administrators_issue_and_revoke_keys_on_a_page() {
    for app in TestApp::all().await {
        let b = app.browser();
        crate::ui::sign_in(&app, &b, "admin").await;
        let html = b.get(app.url("/admin/api-keys")).send().await.unwrap().text().await.unwrap();
        assert!(html.contains("还没有密钥"), "an empty state that says what to do");
        let csrf = crate::support::csrf_in(&html);
        let r = b.post(app.url("/admin/api-keys")).form(&[("csrf_token", csrf.as_str()), ("name", "<b>热线</b>"), ("area_code", "9999"), ("per_minute", "60")]).send().await.unwrap();
        assert_eq!(r.status(), 422, "an unknown area is refused on the form");
        let r = b.post(app.url("/admin/api-keys")).form(&[("csrf_token", csrf.as_str()), ("name", "<b>热线</b>"), ("area_code", "150103"), ("per_minute", "60")]).send().await.unwrap();
        assert_eq!(r.status(), 200);
        let html = r.text().await.unwrap();
        let secret = html.split("data-secret>").nth(1).unwrap().split('<').next().unwrap().to_string();
        assert!(secret.starts_with("fq_") && html.contains("&#60;b&#62;热线"), "shown once, names escaped");
        let (s, _) = get(&app, &format!("/open311/v2/services.json?api_key={secret}")).await;
        assert_eq!(s, 200, "the key works");
        let again = b.get(app.url("/admin/api-keys")).send().await.unwrap().text().await.unwrap();
        assert!(!again.contains(&secret), "the secret is not shown again");
        let id = again.split("/admin/api-keys/").nth(1).unwrap().split('/').next().unwrap().to_string();
        let r = b.post(app.url(&format!("/admin/api-keys/{id}/revoke"))).form(&[("csrf_token", csrf.as_str())]).send().await.unwrap();
        assert_eq!(r.status(), 303);
        let (s, _) = get(&app, &format!("/open311/v2/services.json?api_key={secret}")).await;
        assert_eq!(s, 403, "revoked");
        let grid = app.browser();
        crate::ui::sign_in(&app, &grid, "grid").await;
        let r = grid.get(app.url("/admin/api-keys")).send().await.unwrap();
        assert_eq!(r.status(), 403, "grid workers manage no keys");
    }
}
