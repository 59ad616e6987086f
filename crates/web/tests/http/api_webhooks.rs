//! The outbound webhook against a real HTTP receiver started in the test: configuration by
//! an administrator only, signed posts, retries with backoff, status visible, and two nodes
//! sending at once posting each event once.

use std::sync::{Arc, Mutex};

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use fengqiao_domain::services::oversight::sign;
use fengqiao_web::webhook::HttpSender;
use reqwest::Method;
use serde_json::{Value, json};

use crate::support::TestApp;

const SECRET: &str = "a-shared-secret-of-some-length";

#[derive(Clone, Default)]
struct Receiver {
    got: Arc<Mutex<Vec<(String, String, String)>>>,
    /// Answers 503 to this many posts first.
    fail_first: Arc<Mutex<usize>>,
}

async fn receive(State(r): State<Receiver>, headers: HeaderMap, body: Bytes) -> StatusCode {
    let header = |n: &str| headers.get(n).and_then(|v| v.to_str().ok()).unwrap_or_default().to_string();
    let mut fail = r.fail_first.lock().unwrap();
    if *fail > 0 {
        *fail -= 1;
        return StatusCode::SERVICE_UNAVAILABLE;
    }
    let body = String::from_utf8(body.to_vec()).unwrap();
    r.got.lock().unwrap().push((header("x-fengqiao-signature"), header("x-fengqiao-event"), body));
    StatusCode::NO_CONTENT
}

async fn start_receiver(fail_first: usize) -> (String, Receiver) {
    let r = Receiver { got: Arc::default(), fail_first: Arc::new(Mutex::new(fail_first)) };
    let app = axum::Router::new().route("/hook", axum::routing::post(receive)).with_state(r.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (format!("http://{addr}/hook"), r)
}

/// An event: the community assigns a fresh case to the grid worker.
async fn assignment(app: &TestApp) {
    let (grid, community) = (app.token("grid").await, app.token("community").await);
    let area = app.services.store.area_by_code("150103003030G01").await.unwrap().unwrap().id;
    let body = json!({"kind": "hazard", "category": "fire.corridor_clutter", "title": "楼道堆放杂物", "area_id": area, "channel": "grid_patrol"});
    let (s, case) = app.send(Method::POST, &grid, "/api/v1/cases", body).await;
    assert_eq!(s, 201, "{case}");
    let path = format!("/api/v1/cases/{}/actions", case["id"].as_str().unwrap());
    let (s, _) = app.send(Method::POST, &community, &path, json!({"expected_version": 1, "action": {"action": "accept", "note": null}})).await;
    assert_eq!(s, 200);
    let grid_id = app.services.store.user_by_username("grid").await.unwrap().unwrap().id;
    let assign = json!({"expected_version": 2, "action": {"action": "assign", "handler_id": grid_id, "handler_name": "", "note": null}});
    let (s, b) = app.send(Method::POST, &community, &path, assign).await;
    assert_eq!(s, 200, "{b}");
}

#[tokio::test]
async fn only_an_administrator_configures_webhooks_and_bad_input_is_refused() {
    for app in TestApp::all().await {
        let (admin, street) = (app.token("admin").await, app.token("street").await);
        let good = json!({"url": "https://hooks.example.cn/fq", "secret": SECRET});
        let (s, _) = app.send(Method::POST, &street, "/api/v1/webhooks", good.clone()).await;
        assert_eq!(s, 403, "{}", app.backend);
        let (s, _) = app.get(&street, "/api/v1/webhooks").await;
        assert_eq!(s, 403);
        for (body, field) in [
            (json!({"url": "ftp://x/y", "secret": SECRET}), "url"),
            (json!({"url": "https://user:pw@x.cn/y", "secret": SECRET}), "url"),
            (json!({"url": "https://x.cn/y", "secret": "short"}), "secret"),
        ] {
            let (s, b) = app.send(Method::POST, &admin, "/api/v1/webhooks", body).await;
            assert_eq!((s, b["field"].as_str()), (422, Some(field)), "{b}");
        }
        let (s, b) = app.send(Method::POST, &admin, "/api/v1/webhooks", json!({"url": "https://x.cn", "secret": SECRET, "extra": 1})).await;
        assert_eq!(s, 422, "unknown fields are refused: {b}");
        let seq = app.audit_seq().await;
        let (s, w) = app.send(Method::POST, &admin, "/api/v1/webhooks", good).await;
        assert_eq!(s, 201, "{w}");
        assert!(w.get("secret").is_none() && !w.to_string().contains(SECRET), "the secret is never shown");
        assert_eq!(app.audit_seq().await, seq + 1);
        let id = w["id"].as_str().unwrap();
        let (s, _) = app.send(Method::PATCH, &admin, &format!("/api/v1/webhooks/{id}"), json!({"active": false})).await;
        assert_eq!(s, 204);
        let (_, list) = app.get(&admin, "/api/v1/webhooks").await;
        assert_eq!(list[0]["active"], false);
        let missing = uuid::Uuid::now_v7();
        let (s, _) = app.send(Method::PATCH, &admin, &format!("/api/v1/webhooks/{missing}"), json!({"active": true})).await;
        assert_eq!(s, 404);
        let (s, _) = app.get(&admin, &format!("/api/v1/webhooks/{missing}/deliveries")).await;
        assert_eq!(s, 404);
    }
}

#[tokio::test]
async fn events_are_posted_signed_and_retried_with_backoff() {
    for app in TestApp::all().await {
        let (url, receiver) = start_receiver(1).await;
        let admin = app.token("admin").await;
        let (s, w) = app.send(Method::POST, &admin, "/api/v1/webhooks", json!({"url": url, "secret": SECRET})).await;
        assert_eq!(s, 201);
        let id = w["id"].as_str().unwrap().to_string();
        assignment(&app).await;
        let sender = HttpSender::new();

        // The receiver is down the first time: the delivery waits a minute, then goes.
        assert_eq!(app.services.deliver_webhooks(&sender).await.unwrap(), 1, "{}", app.backend);
        let (_, d) = app.get(&admin, &format!("/api/v1/webhooks/{id}/deliveries")).await;
        assert_eq!((d[0]["status"].as_str(), d[0]["attempts"].as_i64(), d[0]["last_status"].as_i64()), (Some("pending"), Some(1), Some(503)), "{d}");
        assert_eq!(app.services.deliver_webhooks(&sender).await.unwrap(), 0, "not due before the backoff");
        app.clock.advance(chrono::Duration::seconds(61));
        assert_eq!(app.services.deliver_webhooks(&sender).await.unwrap(), 1);
        let (_, d) = app.get(&admin, &format!("/api/v1/webhooks/{id}/deliveries")).await;
        assert_eq!((d[0]["status"].as_str(), d[0]["attempts"].as_i64()), (Some("delivered"), Some(2)), "{d}");
        assert!(d[0]["delivered_at"].is_string());

        let got = receiver.got.lock().unwrap().clone();
        assert_eq!(got.len(), 1);
        let (signature, event, body) = &got[0];
        assert_eq!(signature, &sign(SECRET, body), "HMAC-SHA256 of the exact body");
        assert_ne!(signature, &sign("another-secret-entirely", body));
        let payload: Value = serde_json::from_str(body).unwrap();
        assert_eq!((payload["kind"].as_str(), payload["case_title"].as_str()), (Some("assigned"), Some("楼道堆放杂物")));
        assert_eq!(payload["id"].as_str(), Some(event.as_str()));
    }
}

#[tokio::test]
async fn a_receiver_that_never_answers_is_given_up_after_the_last_attempt() {
    for app in TestApp::all().await {
        let (url, receiver) = start_receiver(usize::MAX).await;
        let admin = app.token("admin").await;
        let (_, w) = app.send(Method::POST, &admin, "/api/v1/webhooks", json!({"url": url, "secret": SECRET})).await;
        assignment(&app).await;
        let sender = HttpSender::new();
        for _ in 0..fengqiao_domain::services::oversight::MAX_ATTEMPTS {
            assert_eq!(app.services.deliver_webhooks(&sender).await.unwrap(), 1);
            app.clock.advance(chrono::Duration::hours(7));
        }
        assert_eq!(app.services.deliver_webhooks(&sender).await.unwrap(), 0, "given up");
        // Days went by: a fresh token.
        let admin = app.token("admin").await;
        let (_, d) = app.get(&admin, &format!("/api/v1/webhooks/{}/deliveries", w["id"].as_str().unwrap())).await;
        assert_eq!(d[0]["status"].as_str(), Some("failed"), "{}: {d}", app.backend);
        assert!(receiver.got.lock().unwrap().is_empty());
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_nodes_sending_at_once_post_each_event_once() {
    for app in TestApp::all().await {
        let (url, receiver) = start_receiver(0).await;
        let admin = app.token("admin").await;
        app.send(Method::POST, &admin, "/api/v1/webhooks", json!({"url": url, "secret": SECRET})).await;
        for _ in 0..6 {
            assignment(&app).await;
        }
        let other = app.another_node().await;
        let (a, b) = (HttpSender::new(), HttpSender::new());
        let (x, y) = tokio::join!(app.services.deliver_webhooks(&a), other.deliver_webhooks(&b));
        assert_eq!(x.unwrap() + y.unwrap(), 6, "{}", app.backend);
        let mut events: Vec<String> = receiver.got.lock().unwrap().iter().map(|(_, e, _)| e.clone()).collect();
        events.sort();
        events.dedup();
        assert_eq!((receiver.got.lock().unwrap().len(), events.len()), (6, 6), "{}: each event posted once", app.backend);
    }
}
