//! Tokens, throttling, errors as problem+json, health, headers.

use chrono::Duration;
use reqwest::Method;
use serde_json::{Value, json};

use crate::support::{PW, TestApp};

#[tokio::test]
async fn health_names_the_backend() {
    for app in TestApp::all().await {
        let r = app.http.get(app.url("/healthz")).send().await.unwrap();
        assert_eq!(r.status(), 200);
        let body: Value = r.json().await.unwrap();
        assert_eq!(body["status"], "ok");
        assert_eq!(body["database"], app.backend);
        assert!(body["version"].as_str().is_some_and(|v| !v.is_empty()));
    }
}

#[tokio::test]
async fn tokens_issue_use_and_revoke() {
    for app in TestApp::all().await {
        let r = app.http.post(app.url("/api/v1/auth/token")).json(&json!({"username": "hm", "password": PW})).send().await.unwrap();
        assert_eq!(r.status(), 200);
        let body: Value = r.json().await.unwrap();
        let token = body["token"].as_str().unwrap().to_string();
        assert!(body["expires_at"].as_str().is_some());
        let (status, me) = app.get(&token, "/api/v1/me").await;
        assert_eq!((status, me["role"].as_str()), (200, Some("district_staff")));

        let r = app.http.delete(app.url("/api/v1/auth/token")).bearer_auth(&token).send().await.unwrap();
        assert_eq!(r.status(), 204);
        let (status, problem) = app.get(&token, "/api/v1/me").await;
        assert_eq!(status, 401, "{}: revoked token refused", app.backend);
        assert_eq!(problem["code"], "error-session-invalid");

        // No token, a garbage token, a wrong scheme.
        let r = app.http.get(app.url("/api/v1/me")).send().await.unwrap();
        assert_eq!(r.status(), 401);
        assert_eq!(r.headers()["content-type"], "application/problem+json");
        assert!(r.headers().contains_key("www-authenticate"));
        assert_eq!(app.get("garbage", "/api/v1/me").await.0, 401);
        let r = app.http.get(app.url("/api/v1/me")).header("authorization", "Basic YWRtaW46eA==").send().await.unwrap();
        assert_eq!(r.status(), 401);
    }
}

#[tokio::test]
async fn tokens_expire() {
    for app in TestApp::all().await {
        let token = app.token("admin").await;
        assert_eq!(app.get(&token, "/api/v1/me").await.0, 200);
        app.clock.advance(Duration::hours(25));
        let (status, problem) = app.get(&token, "/api/v1/me").await;
        assert_eq!(status, 401);
        assert_eq!(problem["code"], "error-session-expired");
    }
}

#[tokio::test]
async fn bad_credentials_are_refused_and_then_throttled() {
    for app in TestApp::all().await {
        let login = |u: &str, p: &str| app.http.post(app.url("/api/v1/auth/token")).json(&json!({"username": u, "password": p})).send();
        let r = login("street", "wrong-password").await.unwrap();
        assert_eq!(r.status(), 401);
        let body: Value = r.json().await.unwrap();
        assert_eq!(body["code"], "error-login-failed");
        assert_eq!(login("nobody", PW).await.unwrap().status(), 401);
        for _ in 0..4 {
            login("street", "wrong-password").await.unwrap();
        }
        // Five failures: even the right password is refused for the window.
        let r = login("street", PW).await.unwrap();
        assert_eq!(r.status(), 429, "{}", app.backend);
        assert!(r.headers().contains_key("retry-after"));
        app.clock.advance(Duration::minutes(16));
        assert_eq!(login("street", PW).await.unwrap().status(), 200);
        // Failed logins are on the audit record.
        let token = app.token("admin").await;
        let (_, page) = app.get(&token, "/api/v1/audit?action=auth.login_failed").await;
        assert!(page["items"].as_array().unwrap().len() >= 5);
    }
}

#[tokio::test]
async fn malformed_requests_get_clear_4xx_in_the_callers_language() {
    for app in TestApp::all().await {
        let post = |body: &'static str, ct: &'static str| {
            app.http.post(app.url("/api/v1/auth/token")).header("content-type", ct).header("accept-language", "en").body(body).send()
        };
        let r = post("{not json", "application/json").await.unwrap();
        assert_eq!(r.status(), 400);
        let p: Value = r.json().await.unwrap();
        assert_eq!(p["code"], "error-json-syntax");
        assert!(p["detail"].as_str().unwrap().contains("not valid JSON"), "{p}");
        assert_eq!(post(r#"{"username": 5, "password": "x"}"#, "application/json").await.unwrap().status(), 422);
        assert_eq!(post(r#"{"username": "admin"}"#, "application/json").await.unwrap().status(), 422);
        assert_eq!(post(r#"{"username":"admin","password":"x"}"#, "text/plain").await.unwrap().status(), 415);
        // Chinese by default.
        let r = app.http.post(app.url("/api/v1/auth/token")).header("content-type", "application/json").body("[").send().await.unwrap();
        let p: Value = r.json().await.unwrap();
        assert!(p["detail"].as_str().unwrap().starts_with("请求内容不是有效的 JSON。"), "{p}");
        // Oversized body: configured limit 16 KiB.
        let big = json!({"username": "admin", "password": "x".repeat(20_000)});
        let r = app.http.post(app.url("/api/v1/auth/token")).json(&big).send().await.unwrap();
        assert_eq!(r.status(), 413, "{}", app.backend);
        // Unknown API path.
        let r = app.http.get(app.url("/api/v1/nothing-here")).send().await.unwrap();
        assert_eq!(r.status(), 404);
        assert_eq!(r.headers()["content-type"], "application/problem+json");
    }
}

#[tokio::test]
async fn security_headers_and_openapi() {
    for app in TestApp::all().await {
        let r = app.http.get(app.url("/login")).send().await.unwrap();
        let h = r.headers();
        assert!(h["content-security-policy"].to_str().unwrap().contains("frame-ancestors 'none'"));
        assert_eq!(h["x-content-type-options"], "nosniff");
        assert_eq!(h["x-frame-options"], "DENY");
        assert!(h.contains_key("x-request-id"));
        let doc: Value = app.http.get(app.url("/api/openapi.json")).send().await.unwrap().json().await.unwrap();
        assert!(doc["openapi"].as_str().unwrap().starts_with("3."));
        for p in ["/api/v1/areas/{code}", "/api/v1/areas/{code}/children", "/api/v1/auth/token", "/healthz", "/api/v1/audit"] {
            assert!(doc["paths"].get(p).is_some(), "{p} documented");
        }
        let docs = app.http.get(app.url("/api/docs")).send().await.unwrap().text().await.unwrap();
        assert!(docs.contains("swagger-ui-bundle.js"));
        let bundle_path = docs.split("src=\"").nth(1).unwrap().split('"').next().unwrap();
        let r = app.http.get(app.url(bundle_path)).send().await.unwrap();
        assert_eq!(r.status(), 200);
        assert!(r.headers()["cache-control"].to_str().unwrap().contains("immutable"));
        // Method not allowed on a known path.
        let (status, _) = app.send(Method::PUT, "x", "/api/v1/auth/token", json!({})).await;
        assert_eq!(status, 405);
    }
}
