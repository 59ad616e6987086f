//! Every list exports to XLSX: masked unless revealed with a reason, audited, scoped.

use fengqiao_domain::services::{NewAccount, operator};
use fengqiao_sheets::{Limits, Table, read_table};
use serde_json::Value;

use crate::api_imports::{csv, family, id, import};
use crate::support::{PW, TestApp};

async fn export(app: &TestApp, token: &str, path: &str) -> (u16, Option<Table>, Value) {
    let r = app.http.get(app.url(path)).bearer_auth(token).send().await.unwrap();
    let status = r.status().as_u16();
    if status != 200 {
        return (status, None, r.json().await.unwrap_or(Value::Null));
    }
    assert_eq!(r.headers()["content-type"], "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
    let disposition = r.headers()["content-disposition"].to_str().unwrap().to_string();
    assert!(disposition.starts_with("attachment;") && disposition.contains("filename*=UTF-8''"), "{disposition}");
    let bytes = r.bytes().await.unwrap();
    // An empty list exports its header row only, which the reader calls an empty sheet.
    let table = match read_table(&bytes, "export.xlsx", &Limits::default()) {
        Err(fengqiao_sheets::SheetError::Empty) => None,
        read => Some(read.unwrap()),
    };
    (status, table, Value::Null)
}

fn column(t: &Table, header: &str) -> Vec<String> {
    let i = t.headers.iter().position(|h| h == header).unwrap_or_else(|| panic!("no column {header} in {:?}", t.headers));
    t.rows.iter().map(|r| r.cells[i].clone()).collect()
}

/// Imports a family of three into 150103003030 and answers the grandmother's full ID number.
pub(crate) async fn family_imported(app: &TestApp, token: &str) -> String {
    let lines = family();
    let job = import(app, token, "kind=households", "居民.csv", &csv(&lines.iter().map(String::as_str).collect::<Vec<_>>())).await;
    assert_eq!(job["created"], 3, "{job}");
    id("1950-03-12", 2)
}

#[tokio::test]
async fn exports_mask_personal_numbers_unless_revealed_with_a_reason() {
    for app in TestApp::all().await {
        let community = app.token("community").await;
        let full = family_imported(&app, &community).await;

        let (status, table, _) = export(&app, &community, "/api/v1/residents/export.xlsx?area=150103003030").await;
        assert_eq!(status, 200, "{}", app.backend);
        let t = table.unwrap();
        assert_eq!(t.rows.len(), 3);
        let ids = column(&t, "身份证号");
        assert!(ids.contains(&format!("{}********{}", &full[..6], &full[14..])), "{ids:?}");
        assert!(!ids.contains(&full));
        assert!(column(&t, "电话").contains(&"139****0000".to_string()));
        assert!(column(&t, "标签").iter().any(|tags| tags.contains("独居") && tags.contains("老年人")));

        // Full numbers need the permission and a reason.
        let (status, _, p) = export(&app, &community, "/api/v1/residents/export.xlsx?area=150103003030&reveal=true").await;
        assert_eq!((status, p["code"].as_str()), (422, Some("error-reveal-reason")));
        let leader = app.token("leader").await;
        assert_eq!(export(&app, &leader, "/api/v1/residents/export.xlsx?reveal=true&reason=看看").await.0, 403);
        assert_eq!(export(&app, &leader, "/api/v1/residents/export.xlsx").await.0, 200, "a leader may export masked");
        let (status, table, _) = export(&app, &community, "/api/v1/residents/export.xlsx?area=150103003030&reveal=true&reason=核对低保名单").await;
        assert_eq!(status, 200);
        let t = table.unwrap();
        assert!(column(&t, "身份证号").contains(&full));
        assert!(column(&t, "电话").contains(&"13904710000".to_string()));

        let admin = app.token("admin").await;
        let (_, log) = app.get(&admin, "/api/v1/audit?action=resident.export").await;
        let items = log["items"].as_array().unwrap();
        assert_eq!(items.len(), 3, "{}: every export is audited", app.backend);
        let revealed = &items[0]["after"];
        assert_eq!((revealed["rows"].as_u64(), revealed["revealed"].as_bool(), revealed["reason"].as_str()), (Some(3), Some(true), Some("核对低保名单")));
        assert!(!log.to_string().contains(&full), "the audit log never holds the numbers");

        // A revealed export is a valid import: the same people, nothing to change.
        let mut bytes = Vec::new();
        let r = app.http.get(app.url("/api/v1/residents/export.xlsx?area=150103003030&reveal=true&reason=整理后重新导入")).bearer_auth(&community).send().await.unwrap();
        bytes.extend_from_slice(&r.bytes().await.unwrap());
        let again = import(&app, &community, "kind=households", "导出.xlsx", &bytes).await;
        assert_eq!((again["status"].as_str(), again["unchanged"].as_u64(), again["created"].as_u64()), (Some("done"), Some(3), Some(0)), "{}: {again}", app.backend);

        // The other lists, in English when asked.
        for path in ["/api/v1/households/export.xlsx", "/api/v1/estates/export.xlsx", "/api/v1/people/export.xlsx"] {
            assert_eq!(export(&app, &community, path).await.0, 200, "{path}");
        }
        let r = app.http.get(app.url("/api/v1/households/export.xlsx?area=150103003030G01")).bearer_auth(&community).header("accept-language", "en").send().await.unwrap();
        let t = read_table(&r.bytes().await.unwrap(), "x.xlsx", &Limits::default()).unwrap();
        assert_eq!(t.headers[..3], ["Grid code", "Address", "Room"]);
        assert_eq!(column(&t, "Address"), ["铁路小区3号楼1单元502"]);
    }
}

#[tokio::test]
async fn lists_the_caller_cannot_see_do_not_export() {
    for app in TestApp::all().await {
        let xc = app.token("xc").await;
        let (status, _, p) = export(&app, &xc, "/api/v1/residents/export.xlsx?area=150103003030").await;
        assert_eq!((status, p["code"].as_str()), (404, Some("error-area-not-found")), "{}", app.backend);
        let grid = app.token("grid").await;
        assert_eq!(export(&app, &grid, "/api/v1/households/export.xlsx?area=150103003030G02").await.0, 404);
        assert_eq!(export(&app, &grid, "/api/v1/households/export.xlsx?area=150103003030G01").await.0, 200);
        app.services
            .create_account(&operator("test"), NewAccount {
                username: "partner".into(),
                display_name: "共建单位".into(),
                role: "partner".into(),
                home_area_code: "150103003030".into(),
                password: PW.into(),
            })
            .await
            .unwrap();
        let partner = app.token("partner").await;
        assert_eq!(export(&app, &partner, "/api/v1/residents/export.xlsx").await.0, 403, "partner units never see residents");
        let r = app.http.get(app.url("/api/v1/residents/export.xlsx")).send().await.unwrap();
        assert_eq!(r.status(), 401);
    }
}

#[tokio::test]
async fn the_api_document_lists_imports_and_exports() {
    let app = TestApp::all().await.remove(0);
    let doc: Value = app.http.get(app.url("/api/openapi.json")).send().await.unwrap().json().await.unwrap();
    for path in ["/api/v1/imports", "/api/v1/imports/{id}", "/api/v1/residents/export.xlsx", "/api/v1/households/export.xlsx", "/api/v1/estates/export.xlsx", "/api/v1/people/export.xlsx"] {
        assert!(doc["paths"][path].is_object(), "{path} is documented");
    }
    assert!(doc["paths"]["/api/v1/imports"]["post"]["requestBody"]["content"]["multipart/form-data"].is_object());
}
