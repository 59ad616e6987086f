//! Spreadsheet imports over the API: jobs, polling, re-imports, and every kind of bad file.

use std::io::{Cursor, Write};
use std::time::Duration;

use fengqiao_store::testing;
use serde_json::Value;

use crate::support::{TestApp, test_config};

pub(crate) const HEADER: &str = "网格代码,地址,楼栋,单元,房号,姓名,身份证号,性别,出生日期,电话,与户主关系,标签";

/// A CSV as Excel saves it: UTF-8 with a byte-order mark, CRLF line ends.
pub(crate) fn csv(lines: &[&str]) -> Vec<u8> {
    let mut out = b"\xEF\xBB\xBF".to_vec();
    out.extend(lines.join("\r\n").into_bytes());
    out
}

pub(crate) fn xlsx(build: impl FnOnce(&mut rust_xlsxwriter::Worksheet)) -> Vec<u8> {
    let mut book = rust_xlsxwriter::Workbook::new();
    build(book.add_worksheet());
    book.save_to_buffer().unwrap()
}

pub(crate) fn id(birth: &str, seq: u16) -> String {
    let d = chrono::NaiveDate::parse_from_str(birth, "%Y-%m-%d").unwrap();
    fengqiao_domain::privacy::synthetic_id("150101", d, seq).as_str().to_string()
}

/// Three people of one household in grid G01.
pub(crate) fn family() -> Vec<String> {
    vec![
        HEADER.to_string(),
        format!("150103003030G01,铁路小区,3,1,502,王秀英,{},,,13904710000,户主,\"独居,党员\"", id("1950-03-12", 2)),
        format!("150103003030G01,铁路小区,3,1,502,王建国,{},,,,配偶,", id("1948-01-09", 3)),
        "150103003030G01,铁路小区,3,1,502,王小明,,男,2015-06-01,,孙子,".to_string(),
    ]
}

pub(crate) fn multipart(fields: &[(&str, &str)], file_name: &str, bytes: &[u8]) -> (String, Vec<u8>) {
    let boundary = "fengqiao-test-boundary-7MA4YWxkTrZu0gW";
    let mut body = Vec::new();
    for (k, v) in fields {
        write!(body, "--{boundary}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n").unwrap();
    }
    write!(body, "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{file_name}\"\r\nContent-Type: application/octet-stream\r\n\r\n").unwrap();
    body.extend_from_slice(bytes);
    write!(body, "\r\n--{boundary}--\r\n").unwrap();
    (format!("multipart/form-data; boundary={boundary}"), body)
}

/// Uploads a file; answers the status, the body and the Location.
pub(crate) async fn upload(app: &TestApp, token: &str, query: &str, file_name: &str, bytes: &[u8]) -> (u16, Value, Option<String>) {
    let (content_type, body) = multipart(&[], file_name, bytes);
    let r = app.http.post(app.url(&format!("/api/v1/imports?{query}"))).bearer_auth(token).header("content-type", content_type).body(body).send().await.unwrap();
    let status = r.status().as_u16();
    let location = r.headers().get("location").map(|v| v.to_str().unwrap().to_string());
    (status, r.json().await.unwrap_or(Value::Null), location)
}

/// Polls a job until it is finished.
pub(crate) async fn finished(app: &TestApp, token: &str, location: &str) -> Value {
    for _ in 0..1200 {
        let (status, job) = app.get(token, location).await;
        assert_eq!(status, 200, "{}: {job}", app.backend);
        if ["done", "rejected", "failed"].contains(&job["status"].as_str().unwrap_or("")) {
            return job;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("{}: the import never finished", app.backend);
}

/// Uploads and waits: the finished job.
pub(crate) async fn import(app: &TestApp, token: &str, query: &str, file_name: &str, bytes: &[u8]) -> Value {
    let (status, job, location) = upload(app, token, query, file_name, bytes).await;
    assert_eq!(status, 202, "{}: {job}", app.backend);
    finished(app, token, &location.expect("a Location to poll")).await
}

fn codes(job: &Value) -> Vec<(u64, String, String)> {
    job["problems"].as_array().unwrap().iter().map(|p| (p["row"].as_u64().unwrap(), p["column"].as_str().unwrap().to_string(), p["code"].as_str().unwrap().to_string())).collect()
}

fn first_code(job: &Value) -> String {
    job["problems"][0]["code"].as_str().unwrap_or_default().to_string()
}

#[tokio::test]
async fn a_csv_imports_as_a_job_and_a_second_import_updates_instead_of_duplicating() {
    for app in TestApp::all().await {
        let community = app.token("community").await;
        let file = csv(&family().iter().map(String::as_str).collect::<Vec<_>>());
        let (status, job, location) = upload(&app, &community, "kind=households", "居民.csv", &file).await;
        assert_eq!(status, 202, "{}: {job}", app.backend);
        let location = location.unwrap();
        assert_eq!(location, format!("/api/v1/imports/{}", job["id"].as_str().unwrap()));
        let job = finished(&app, &community, &location).await;
        assert_eq!((job["status"].as_str(), job["created"].as_u64(), job["written"].as_bool()), (Some("done"), Some(3), Some(true)), "{job}");
        assert_eq!(job["file_name"], "居民.csv");
        let (_, list) = app.get(&community, "/api/v1/residents?area=150103003030G01").await;
        assert_eq!(list["items"].as_array().unwrap().len(), 3);

        let again = import(&app, &community, "kind=households", "居民.csv", &file).await;
        assert_eq!((again["created"].as_u64(), again["unchanged"].as_u64()), (Some(0), Some(3)), "{}: {again}", app.backend);
        let (_, list) = app.get(&community, "/api/v1/residents?area=150103003030G01").await;
        assert_eq!(list["items"].as_array().unwrap().len(), 3, "{}: no duplicates", app.backend);
        let admin = app.token("admin").await;
        let (_, log) = app.get(&admin, "/api/v1/audit?action=registry.import").await;
        assert_eq!(log["items"].as_array().unwrap().len(), 1, "{}: one audit row per import that wrote", app.backend);

        // Only the importer sees the job; a read-only role may not import; bad requests say why.
        let grid = app.token("grid").await;
        assert_eq!(app.get(&grid, &location).await.0, 404);
        let leader = app.token("leader").await;
        assert_eq!(upload(&app, &leader, "kind=households", "a.csv", &file).await.0, 403);
        let (status, p, _) = upload(&app, &community, "kind=cases", "a.csv", &file).await;
        assert_eq!((status, p["code"].as_str()), (422, Some("error-query")));
        let (status, p, _) = upload(&app, &community, "kind=households", "empty.csv", b"").await;
        assert_eq!((status, p["code"].as_str()), (422, Some("error-import-no-file")));
        let (status, _) = app.send(reqwest::Method::POST, &community, "/api/v1/imports?kind=households", serde_json::json!({})).await;
        assert_eq!(status, 415);
    }
}

#[tokio::test]
async fn unreadable_spreadsheets_are_refused_with_the_reason() {
    for app in TestApp::all().await {
        let t = app.token("community").await;
        let refused = |job: Value| {
            assert_eq!(job["status"], "rejected", "{job}");
            assert_eq!(job["written"], false);
            job
        };
        let job = refused(import(&app, &t, "kind=households", "wrong.csv", &csv(&["name,phone", "张三,13904710000"])).await);
        let missing: Vec<String> = job["problems"].as_array().unwrap().iter().filter(|p| p["code"] == "error-sheet-column-missing").map(|p| p["column"].as_str().unwrap().to_string()).collect();
        assert!(missing.contains(&"网格代码".to_string()) && missing.contains(&"身份证号".to_string()), "{}: {missing:?}", app.backend);
        assert!(job["problems"][0]["message"].as_str().unwrap().contains("缺少必填列"));

        let merged = xlsx(|s| {
            s.merge_range(0, 0, 0, 5, "巴彦淖尔北路社区居民花名册", &rust_xlsxwriter::Format::new()).unwrap();
            s.write_string(1, 0, "姓名").unwrap();
            s.write_string(2, 0, "张三").unwrap();
        });
        assert_eq!(first_code(&refused(import(&app, &t, "kind=households", "merged.xlsx", &merged).await)), "error-sheet-merged");

        let formula = xlsx(|s| {
            for (c, h) in HEADER.split(',').enumerate() {
                s.write_string(0, c as u16, h).unwrap();
            }
            s.write_string(1, 0, "150103003030G01").unwrap();
            s.write_formula(1, 5, "=CONCAT(\"王\",\"芳\")").unwrap();
        });
        let job = refused(import(&app, &t, "kind=households", "formula.xlsx", &formula).await);
        assert_eq!(codes(&job), vec![(2, "F".to_string(), "error-sheet-formula".to_string())]);
        assert!(job["problems"][0]["message"].as_str().unwrap().contains("第 2 行 F 列是公式"), "{job}");

        let empty = csv(&[HEADER]);
        assert_eq!(first_code(&refused(import(&app, &t, "kind=households", "empty.csv", &empty).await)), "error-sheet-empty");

        let stray = csv(&[HEADER, "150103003030G01,铁路\"小区,3,1,1,张三,,男,1990-01-01,,户主,"]);
        let job = refused(import(&app, &t, "kind=households", "stray.csv", &stray).await);
        assert_eq!((job["problems"][0]["code"].as_str(), job["problems"][0]["row"].as_u64()), (Some("error-sheet-csv"), Some(2)));

        let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
        zip.start_file("xl/workbook.xml", zip::write::SimpleFileOptions::default()).unwrap();
        zip.write_all(b"<workbook/>").unwrap();
        zip.start_file("xl/worksheets/sheet1.xml", zip::write::SimpleFileOptions::default()).unwrap();
        let zeros = vec![0u8; 1 << 16];
        for _ in 0..(20 << 20) / zeros.len() {
            zip.write_all(&zeros).unwrap();
        }
        let bomb = zip.finish().unwrap().into_inner();
        assert!(bomb.len() < 1 << 20);
        assert_eq!(first_code(&refused(import(&app, &t, "kind=households", "居民.xlsx", &bomb).await)), "error-sheet-suspicious");

        let pdf = b"%PDF-1.7\n%\xE2\xE3\xCF\xD3\n1 0 obj\n<<>>\nendobj\n";
        assert_eq!(first_code(&refused(import(&app, &t, "kind=households", "居民.xlsx", pdf).await)), "error-sheet-not-spreadsheet");

        // Chinese Excel saves CSV in GBK: it is read as such.
        let text = [HEADER, &format!("150103003030G01,铁路小区,3,1,601,刘桂兰,{},,,,户主,低保", id("1955-05-05", 4))].join("\r\n");
        let (gbk, _, unmappable) = encoding_rs::GBK.encode(&text);
        assert!(!unmappable);
        let job = import(&app, &t, "kind=households", "gbk.csv", &gbk).await;
        assert_eq!((job["status"].as_str(), job["created"].as_u64()), (Some("done"), Some(1)), "{}: {job}", app.backend);
        let (_, list) = app.get(&t, "/api/v1/residents?q=刘桂兰").await;
        assert_eq!(list["items"][0]["tags"][0], "low_income", "{list}");
    }
}

#[tokio::test]
async fn a_sheet_over_the_row_limit_is_refused() {
    for db in testing::all().await {
        let app = TestApp::start(db, fengqiao_web::WebConfig { max_import_rows: 3, ..test_config() }).await;
        let t = app.token("community").await;
        let mut lines = family();
        lines.push("150103003030G01,铁路小区,3,1,502,王小红,,女,2016-06-01,,孙女,".into());
        let job = import(&app, &t, "kind=households", "big.csv", &csv(&lines.iter().map(String::as_str).collect::<Vec<_>>())).await;
        assert_eq!((job["status"].as_str(), first_code(&job).as_str()), (Some("rejected"), "error-sheet-too-many-rows"), "{job}");
        assert!(job["problems"][0]["message"].as_str().unwrap().contains("数据超过 3 行"));
    }
}

#[tokio::test]
async fn bad_id_numbers_are_reported_by_row_and_column_in_the_callers_language() {
    for app in TestApp::all().await {
        let t = app.token("grid").await;
        let good = id("1950-03-12", 2);
        let bad_check = format!("{}{}", &good[..17], if good.ends_with('1') { "2" } else { "1" });
        let lines = [
            HEADER.to_string(),
            format!("150103003030G01,铁路小区,3,1,101,王秀英,{good},,,,户主,"),
            format!("150103003030G01,铁路小区,3,1,102,李四,{bad_check},,,,户主,"),
            "150103003030G01,铁路小区,3,1,103,张三,150101195002300021,,,,户主,".to_string(),
            "150103003030G01,铁路小区,3,1,104,赵五,990101195003120021,,,,户主,".to_string(),
            format!("150103003030G02,铁路小区,3,1,105,钱六,{},,,,户主,", id("1960-01-01", 5)),
            format!("150103003030G01,铁路小区,3,1,106,王秀英,{good},,,,户主,"),
        ];
        let file = csv(&lines.iter().map(String::as_str).collect::<Vec<_>>());
        let (_, _, location) = upload(&app, &t, "kind=households", "id.csv", &file).await;
        let location = location.unwrap();
        finished(&app, &t, &location).await;
        let r = app.http.get(app.url(&location)).bearer_auth(&t).header("accept-language", "en").send().await.unwrap();
        let job: Value = r.json().await.unwrap();
        assert_eq!(job["status"], "rejected");
        let expected = vec![
            (3, "身份证号".to_string(), "error-id-check-digit".to_string()),
            (4, "身份证号".to_string(), "error-id-birth-date".to_string()),
            (5, "身份证号".to_string(), "error-id-region".to_string()),
            (6, "网格代码".to_string(), "error-area-not-found".to_string()),
            (7, "身份证号".to_string(), "error-import-duplicate-in-file".to_string()),
        ];
        assert_eq!(codes(&job), expected, "{}", app.backend);
        assert!(job["problems"][0]["message"].as_str().unwrap().contains("check digit"), "{job}");
        assert_eq!(job["problems"][4]["message"], "The same as row 2.");
        assert!(!job.to_string().contains(&bad_check), "ID numbers come back masked");

        let job = import(&app, &t, "kind=households&valid_rows_only=true", "id.csv", &file).await;
        assert_eq!((job["status"].as_str(), job["created"].as_u64(), job["skipped"].as_u64()), (Some("done"), Some(1), Some(5)), "{job}");
    }
}
