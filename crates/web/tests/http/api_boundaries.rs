//! Boundary import and area maps over the API: a clean file lands whole with its audit
//! rows; any bad feature is reported by index and code and nothing is written; maps are scoped.

use reqwest::Method;
use serde_json::{Value, json};

use crate::support::TestApp;

pub(crate) fn square(lon: f64, lat: f64) -> Value {
    json!({"type": "Polygon", "coordinates": [[[lon, lat], [lon + 0.01, lat], [lon + 0.01, lat + 0.01], [lon, lat + 0.01], [lon, lat]]]})
}

pub(crate) fn feature(code: &str, geometry: Value) -> Value {
    json!({"type": "Feature", "properties": {"code": code, "name": "随便"}, "geometry": geometry})
}

pub(crate) fn collection(features: Vec<Value>) -> Value {
    json!({"type": "FeatureCollection", "features": features})
}

const IMPORT: &str = "/api/v1/areas/boundaries";

/// Posts a file that must be refused whole: 422, the problem for `index`, nothing written.
async fn refused(app: &TestApp, token: &str, body: Value, index: usize, problem: &str) -> Value {
    let seq = app.audit_seq().await;
    let (status, p) = app.send(Method::POST, token, IMPORT, body).await;
    assert_eq!(status, 422, "{}: {p}", app.backend);
    assert_eq!(p["code"], "error-boundary-problems");
    let found = p["problems"].as_array().unwrap().iter().find(|x| x["index"] == index).unwrap_or_else(|| panic!("no problem for {index}: {p}"));
    assert_eq!(found["problem"], problem, "{}: {p}", app.backend);
    assert!(found["message"].as_str().is_some_and(|m| !m.is_empty()));
    assert_eq!(app.audit_seq().await, seq, "{}: nothing written", app.backend);
    found.clone()
}

#[tokio::test]
async fn a_clean_collection_sets_every_boundary_in_one_go() {
    for app in TestApp::all().await {
        let street = app.token("street").await;
        let seq = app.audit_seq().await;
        let mut chinese = feature("ignored", square(111.62, 40.81));
        chinese["properties"] = json!({"网格代码": "150103003001", "名称": "什拉门更社区"});
        let body = collection(vec![feature("150103003030", square(111.6, 40.8)), chinese]);
        let (status, r) = app.send(Method::POST, &street, IMPORT, body.clone()).await;
        assert_eq!(status, 200, "{}: {r}", app.backend);
        assert_eq!(r["features"], 2);
        assert_eq!(r["areas"][0]["code"], "150103003030");
        assert_eq!(r["areas"][0]["outcome"], "added");
        assert_eq!(r["areas"][1]["name"], "什拉门更社区");
        assert_eq!(app.audit_seq().await, seq + 2, "one audit row per area");
        let (_, a) = app.get(&street, "/api/v1/areas/150103003030").await;
        assert_eq!(a["boundary"], square(111.6, 40.8));
        assert_eq!(a["version"], 2);
        let (_, log) = app.get(&app.token("admin").await, "/api/v1/audit?action=area.boundary").await;
        assert_eq!(log["items"][0]["after"]["positions"], 5, "{}: {log}", app.backend);

        // The same file again changes nothing and is not audited again.
        let seq = app.audit_seq().await;
        let (status, r) = app.send(Method::POST, &street, IMPORT, body).await;
        assert_eq!((status, r["areas"][0]["outcome"].as_str()), (200, Some("unchanged")));
        assert_eq!(app.audit_seq().await, seq);

        // A property named by the caller; a new shape replaces the old one.
        let mut named = feature("x", square(111.64, 40.82));
        named["properties"] = json!({"GRID": "150103003030"});
        let (status, r) = app.send(Method::POST, &street, &format!("{IMPORT}?code_property=GRID"), collection(vec![named])).await;
        assert_eq!((status, r["areas"][0]["outcome"].as_str()), (200, Some("replaced")), "{r}");
    }
}

#[tokio::test]
async fn any_bad_feature_refuses_the_whole_file() {
    for app in TestApp::all().await {
        let street = app.token("street").await;
        let good = feature("150103003030", square(111.6, 40.8));
        let with = |bad: Value| collection(vec![good.clone(), bad]);

        let mut no_code = feature("", square(111.6, 40.8));
        no_code["properties"] = json!({"name": "无名"});
        refused(&app, &street, with(no_code), 1, "error-boundary-no-code").await;
        let p = refused(&app, &street, with(feature("150103009999", square(111.6, 40.8))), 1, "error-area-not-found").await;
        assert_eq!(p["code"], "150103009999");
        // Another district's community reads exactly like an unknown code.
        refused(&app, &street, with(feature("150102002001", square(111.6, 40.8))), 1, "error-area-not-found").await;
        // The caller's own home area is above what they may change.
        refused(&app, &street, with(feature("150103003", square(111.6, 40.8))), 1, "error-area-above-scope").await;
        let p = refused(&app, &street, with(feature("150103003001", json!({"type": "Point", "coordinates": [111.6, 40.8]}))), 1, "error-boundary-geometry-type").await;
        assert_eq!(p["detail"], "Point");
        refused(&app, &street, with(feature("150103003001", square(2.35, 48.85))), 1, "error-boundary-outside-china").await;
        let open = json!({"type": "Polygon", "coordinates": [[[111.6, 40.8], [111.7, 40.8], [111.7, 40.9], [111.6, 40.9]]]});
        refused(&app, &street, with(feature("150103003001", open)), 1, "error-boundary-ring-open").await;
        refused(&app, &street, with(good.clone()), 1, "error-boundary-duplicate-code").await;

        // Far more positions than any area needs, in a body far above the usual 16 KiB limit.
        let mut ring: Vec<Value> = (0..50_001).map(|i| json!([111.6 + f64::from(i) * 1e-7, 40.8])).collect();
        ring.push(json!([111.6, 40.81]));
        ring.push(json!([111.6, 40.8]));
        let fine = feature("150103003001", json!({"type": "Polygon", "coordinates": [ring]}));
        let p = refused(&app, &street, with(fine), 1, "error-boundary-too-many-positions").await;
        assert_eq!(p["detail"], "50000");
        let (_, a) = app.get(&street, "/api/v1/areas/150103003030").await;
        assert_eq!(a["boundary"], Value::Null, "{}: the good feature was not written either", app.backend);
    }
}

#[tokio::test]
async fn the_file_must_be_a_collection_the_caller_may_import() {
    for app in TestApp::all().await {
        let street = app.token("street").await;
        for (body, code) in [
            (feature("150103003030", square(111.6, 40.8)), "error-boundary-collection"),
            (square(111.6, 40.8), "error-boundary-collection"),
            (json!([1, 2, 3]), "error-boundary-collection"),
            (collection(vec![]), "error-boundary-empty"),
        ] {
            let (status, p) = app.send(Method::POST, &street, IMPORT, body).await;
            assert_eq!((status, p["code"].as_str()), (422, Some(code)), "{}: {p}", app.backend);
        }
        let r = app.http.post(app.url(IMPORT)).bearer_auth(&street).header("content-type", "application/geo+json").body("{\"type\":").send().await.unwrap();
        assert_eq!(r.status(), 400);
        assert_eq!(r.headers()["content-type"], "application/problem+json");
        // GeoJSON's own media type is accepted.
        let body = collection(vec![feature("150103003030", square(111.6, 40.8))]).to_string();
        let r = app.http.post(app.url(IMPORT)).bearer_auth(&street).header("content-type", "application/geo+json").body(body.clone()).send().await.unwrap();
        assert_eq!(r.status(), 200);
        // Ten megabytes is the limit of this route.
        let huge = format!("{{\"type\": \"FeatureCollection\", {}\"features\": []}}", " ".repeat(11 * 1024 * 1024));
        let r = app.http.post(app.url(IMPORT)).bearer_auth(&street).header("content-type", "application/json").body(huge).send().await.unwrap();
        assert_eq!(r.status(), 413);
        // Grid workers do not manage areas; without a token there is no caller at all.
        let (status, p) = app.send(Method::POST, &app.token("grid").await, IMPORT, serde_json::from_str(&body).unwrap()).await;
        assert_eq!((status, p["code"].as_str()), (403, Some("error-forbidden")));
        assert_eq!(app.http.post(app.url(IMPORT)).json(&json!({})).send().await.unwrap().status(), 401);
    }
}

#[tokio::test]
async fn an_area_map_is_its_children_with_boundaries_within_scope() {
    for app in TestApp::all().await {
        let street = app.token("street").await;
        let body = collection(vec![feature("150103003", square(111.6, 40.8)), feature("150103003030", square(111.6, 40.8))]);
        let (status, _) = app.send(Method::POST, &app.token("hm").await, IMPORT, body).await;
        assert_eq!(status, 200);
        let r = app.http.get(app.url("/api/v1/areas/150103003/map")).bearer_auth(&street).send().await.unwrap();
        assert_eq!(r.status(), 200);
        assert_eq!(r.headers()["content-type"], "application/geo+json");
        let map: Value = r.json().await.unwrap();
        assert_eq!(map["type"], "FeatureCollection");
        let features = map["features"].as_array().unwrap();
        assert_eq!(features.len(), 2, "the street and the one community with a boundary: {map}");
        assert_eq!(features[0]["properties"]["role"], "area");
        assert_eq!(features[0]["properties"]["href"], "/areas/150103003");
        let p = &features[1]["properties"];
        assert_eq!((p["code"].as_str(), p["name"].as_str(), p["level"].as_str()), (Some("150103003030"), Some("巴彦淖尔北路社区"), Some("community")));
        assert_eq!(p["role"], "child");
        assert_eq!(p["href"], "/areas/150103003030/map");
        assert_eq!(features[1]["geometry"], square(111.6, 40.8));

        // A grid worker asking for another district's map, or their community's, gets 404.
        let grid = app.token("grid").await;
        for outside in ["/api/v1/areas/150102/map", "/api/v1/areas/150103003030/map", "/api/v1/areas/nope!/map"] {
            let (status, p) = app.get(&grid, outside).await;
            assert_eq!((status, p["code"].as_str()), (404, Some("error-area-not-found")), "{}: {outside}", app.backend);
        }
        let (status, own) = app.get(&grid, "/api/v1/areas/150103003030G01/map").await;
        assert_eq!((status, own["features"].as_array().map(Vec::len)), (200, Some(0)));
    }
}
