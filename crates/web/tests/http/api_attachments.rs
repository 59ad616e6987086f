//! Case attachments over the API: a round trip with the headers that keep a file from acting
//! as a page, and every refusal: oversize, disguised, empty, too many, out of scope, no right.

use std::io::Write;

use fengqiao_store::{FsBlobStore, testing};
use reqwest::Method;
use serde_json::{Value, json};

use crate::support::{TestApp, test_config};

pub(crate) const JPEG: &[u8] = b"\xFF\xD8\xFF\xE0\x00\x10JFIF\x00\x01 a photo of a leaking ceiling";
pub(crate) const PDF: &[u8] = b"%PDF-1.7\n1 0 obj << >> endobj\n%%EOF\n";

/// One file part: field name, file name, declared type, bytes.
pub(crate) type FilePart<'a> = (&'a str, &'a str, &'a str, &'a [u8]);

/// A multipart body with text fields and files, and its content type.
pub(crate) fn form_data(fields: &[(&str, &str)], files: &[FilePart]) -> (String, Vec<u8>) {
    let boundary = "fengqiao-attachment-boundary-q3Xv9";
    let mut body = Vec::new();
    for (k, v) in fields {
        write!(body, "--{boundary}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n").unwrap();
    }
    for (field, name, content_type, bytes) in files {
        write!(body, "--{boundary}\r\nContent-Disposition: form-data; name=\"{field}\"; filename=\"{name}\"\r\nContent-Type: {content_type}\r\n\r\n").unwrap();
        body.extend_from_slice(bytes);
        body.extend_from_slice(b"\r\n");
    }
    write!(body, "--{boundary}--\r\n").unwrap();
    (format!("multipart/form-data; boundary={boundary}"), body)
}

async fn upload(app: &TestApp, token: &str, case: &str, files: &[FilePart<'_>]) -> (u16, Value) {
    let (content_type, body) = form_data(&[], files);
    let r = app.http.post(app.url(&format!("/api/v1/cases/{case}/attachments"))).bearer_auth(token).header("content-type", content_type).body(body).send().await.unwrap();
    let status = r.status().as_u16();
    (status, r.json().await.unwrap_or(Value::Null))
}

/// A hazard in the first grid, taken in by its grid worker; answers its id.
pub(crate) async fn hazard(app: &TestApp, token: &str) -> String {
    let area = app.services.store.area_by_code("150103003030G01").await.unwrap().unwrap().id;
    let body = json!({"kind": "hazard", "category": "fire.ebike_charging", "title": "楼道电动车充电", "area_id": area, "channel": "grid_patrol"});
    let (s, c) = app.send(Method::POST, token, "/api/v1/cases", body).await;
    assert_eq!(s, 201, "{}: {c}", app.backend);
    c["id"].as_str().unwrap().to_string()
}

/// The audit actions written after `seq`, in order.
pub(crate) async fn actions_since(app: &TestApp, seq: i64) -> Vec<String> {
    let rows = app.services.store.audit_chain(seq, 100).await.unwrap();
    rows.into_iter().map(|r| r.action).collect()
}

async fn round_trip(app: &TestApp) {
    let grid = app.token("grid").await;
    let case = hazard(app, &grid).await;
    let seq = app.audit_seq().await;
    let (s, up) = upload(app, &grid, &case, &[("files", "../../楼道充电.JPG", "image/jpeg", JPEG), ("files", "整改通知.pdf", "application/pdf", PDF)]).await;
    assert_eq!(s, 201, "{}: {up}", app.backend);
    assert_eq!(up["items"][0]["content_type"], "image/jpeg");
    assert_eq!(up["items"][0]["file_name"], "楼道充电.JPG", "no directories in names");
    assert_eq!(up["items"][1]["content_type"], "application/pdf");
    assert_eq!(up["items"][0]["size_bytes"], JPEG.len());
    assert_eq!(up["items"][0]["uploader_name"], "测试grid");
    assert_eq!(actions_since(app, seq).await, ["case.attachment_add", "case.attachment_add"], "{}: one audit row per file", app.backend);

    let (s, list) = app.get(&grid, &format!("/api/v1/cases/{case}/attachments")).await;
    assert_eq!(s, 200);
    assert_eq!(list["items"].as_array().unwrap().len(), 2);
    let photo = list["items"][0]["id"].as_str().unwrap();

    let seq = app.audit_seq().await;
    let r = app.http.get(app.url(&format!("/api/v1/cases/{case}/attachments/{photo}"))).bearer_auth(&grid).send().await.unwrap();
    assert_eq!(r.status(), 200);
    let h = r.headers().clone();
    assert_eq!(h["content-type"], "image/jpeg");
    assert_eq!(h["x-content-type-options"], "nosniff");
    let csp = h["content-security-policy"].to_str().unwrap();
    assert!(csp.contains("sandbox") && csp.contains("default-src 'none'"), "{csp}");
    let disposition = h["content-disposition"].to_str().unwrap();
    assert!(disposition.starts_with("inline;") && disposition.contains("filename*=UTF-8''"), "{disposition}");
    assert_eq!(r.bytes().await.unwrap().as_ref(), JPEG, "{}: the bytes come back unchanged", app.backend);
    assert_eq!(actions_since(app, seq).await, ["case.attachment_view"], "{}: downloads are audited", app.backend);

    let pdf = list["items"][1]["id"].as_str().unwrap();
    let r = app.http.get(app.url(&format!("/api/v1/cases/{case}/attachments/{pdf}"))).bearer_auth(&grid).send().await.unwrap();
    assert_eq!(r.headers()["content-type"], "application/pdf");
    assert!(r.headers()["content-disposition"].to_str().unwrap().starts_with("attachment;"), "PDFs are downloads, never pages of ours");
}

#[tokio::test]
async fn files_go_up_and_come_back_with_safe_headers_and_audit() {
    for app in TestApp::all().await {
        round_trip(&app).await;
    }
}

#[tokio::test]
async fn the_filesystem_blob_store_serves_the_same() {
    for db in testing::all().await {
        let root = db.dir.path().join("attachments");
        let blobs = std::sync::Arc::new(FsBlobStore::new(root.clone()));
        let app = TestApp::start_with(db, test_config(), |s| s.with_blobs(blobs)).await;
        round_trip(&app).await;
        let kept = std::fs::read_dir(&root).unwrap().count();
        assert_eq!(kept, 2, "{}: one directory per digest prefix under the data dir", app.backend);
        let in_db: Option<Vec<u8>> = app.services.store.get_db_blob(&hex_sha(JPEG)).await.unwrap();
        assert_eq!(in_db, None, "{}: nothing went to the database", app.backend);
    }
}

fn hex_sha(bytes: &[u8]) -> String {
    use sha2::Digest;
    hex::encode(sha2::Sha256::digest(bytes))
}

#[tokio::test]
async fn bad_files_are_refused_and_nothing_is_kept() {
    for app in TestApp::all().await {
        let grid = app.token("grid").await;
        let case = hazard(&app, &grid).await;
        let seq = app.audit_seq().await;
        let big = [JPEG, &vec![0u8; 10 * 1024 * 1024]].concat();
        let cases: [(&[FilePart], u16, &str); 7] = [
            (&[("files", "big.jpg", "image/jpeg", &big)], 413, "error-attachment-too-large"),
            (&[("files", "photo.jpg", "image/jpeg", b"MZ\x90\x00\x03\x00\x00\x00 program")], 415, "error-attachment-type"),
            (&[("files", "photo.jpg", "image/jpeg", b"<!doctype html><script>alert(document.cookie)</script>")], 415, "error-attachment-type"),
            (&[("files", "notice.pdf", "application/pdf", JPEG)], 415, "error-attachment-type"),
            (&[("files", "a.jpg", "image/jpeg", JPEG), ("files", "b.svg", "image/svg+xml", b"<svg onload=alert(1)>")], 415, "error-attachment-type"),
            (&[("files", "empty.jpg", "image/jpeg", b"")], 422, "error-attachment-empty"),
            (&[], 422, "error-attachment-none"),
        ];
        for (files, status, code) in cases {
            let (s, p) = upload(&app, &grid, &case, files).await;
            assert_eq!((s, p["code"].as_str().unwrap_or_default()), (status, code), "{}: {p}", app.backend);
        }
        // Not multipart at all.
        let (s, p) = app.send(Method::POST, &grid, &format!("/api/v1/cases/{case}/attachments"), json!({"files": []})).await;
        assert_eq!(s, 415, "{p}");
        assert_eq!(app.audit_seq().await, seq, "{}: nothing was audited", app.backend);
        let (_, list) = app.get(&grid, &format!("/api/v1/cases/{case}/attachments")).await;
        assert_eq!(list["items"].as_array().unwrap().len(), 0, "{}: nothing was kept", app.backend);
    }
}

#[tokio::test]
async fn an_upload_request_over_its_own_limit_is_refused_whole() {
    for db in testing::all().await {
        let config = fengqiao_web::WebConfig { max_attachment_request_bytes: 1024 * 1024, ..test_config() };
        let app = TestApp::start_with(db, config, |s| s).await;
        let grid = app.token("grid").await;
        let case = hazard(&app, &grid).await;
        let half = [JPEG, &vec![0u8; 600 * 1024]].concat();
        // Each file is within the per-file limit; together they are not within the request's.
        let (s, p) = upload(&app, &grid, &case, &[("files", "a.jpg", "image/jpeg", &half), ("files", "b.jpg", "image/jpeg", &half)]).await;
        assert_eq!((s, p["code"].as_str().unwrap_or_default()), (413, "error-attachment-too-large"), "{}: {p}", app.backend);
        let (_, list) = app.get(&grid, &format!("/api/v1/cases/{case}/attachments")).await;
        assert_eq!(list["items"].as_array().unwrap().len(), 0, "{}", app.backend);
    }
}

#[tokio::test]
async fn a_case_holds_a_limited_number_of_files() {
    for app in TestApp::all().await {
        let grid = app.token("grid").await;
        let case = hazard(&app, &grid).await;
        let max = app.services.attachments.max_per_case;
        let many: Vec<FilePart> = (0..=max).map(|_| ("files", "p.jpg", "image/jpeg", JPEG)).collect();
        let (s, p) = upload(&app, &grid, &case, &many).await;
        assert_eq!((s, p["code"].as_str().unwrap()), (422, "error-attachment-too-many"), "{}: one request with too many", app.backend);
        let (s, _) = upload(&app, &grid, &case, &many[..max - 1]).await;
        assert_eq!(s, 201);
        let (s, p) = upload(&app, &grid, &case, &many[..2]).await;
        assert_eq!((s, p["code"].as_str().unwrap()), (422, "error-attachment-too-many"), "{}: past the limit over two requests", app.backend);
        assert_eq!(upload(&app, &grid, &case, &many[..1]).await.0, 201, "exactly the limit is fine");
    }
}

#[tokio::test]
async fn attachments_are_scoped_and_need_the_right_to_report() {
    for app in TestApp::all().await {
        let grid = app.token("grid").await;
        let case = hazard(&app, &grid).await;
        let (_, up) = upload(&app, &grid, &case, &[("files", "a.jpg", "image/jpeg", JPEG)]).await;
        let photo = up["items"][0]["id"].as_str().unwrap().to_string();

        // Another district: the case does not exist for it.
        let xc = app.token("xc").await;
        assert_eq!(upload(&app, &xc, &case, &[("files", "a.jpg", "image/jpeg", JPEG)]).await.0, 404, "{}", app.backend);
        assert_eq!(app.get(&xc, &format!("/api/v1/cases/{case}/attachments")).await.0, 404);
        assert_eq!(app.get(&xc, &format!("/api/v1/cases/{case}/attachments/{photo}")).await.0, 404);

        // A leader sees cases but takes none in.
        let leader = app.token("leader").await;
        let (s, p) = upload(&app, &leader, &case, &[("files", "a.jpg", "image/jpeg", JPEG)]).await;
        assert_eq!((s, p["code"].as_str().unwrap()), (403, "error-forbidden"), "{}", app.backend);
        assert_eq!(app.get(&leader, &format!("/api/v1/cases/{case}/attachments")).await.0, 200);

        // An attachment is reached only through its own case.
        let other = hazard(&app, &grid).await;
        assert_eq!(app.get(&grid, &format!("/api/v1/cases/{other}/attachments/{photo}")).await.0, 404);
        assert_eq!(app.get(&grid, &format!("/api/v1/cases/{case}/attachments/{other}")).await.0, 404);
        let r = app.http.get(app.url(&format!("/api/v1/cases/{case}/attachments/{photo}"))).send().await.unwrap();
        assert_eq!(r.status(), 401, "no token, no file");
    }
}
