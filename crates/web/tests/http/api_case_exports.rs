//! The case ledger as XLSX and CSV: the list's filters and scope, the official's columns in
//! the reader's language, parties by name only, CSV that Excel opens safely, every export
//! audited, and the ways an export is refused.

use fengqiao_sheets::{Limits, read_table};
use reqwest::Method;
use serde_json::{Value, json};

use crate::support::TestApp;

const HEADERS_ZH: [&str; 20] = [
    "编号", "类型", "类别", "标题", "发生地", "地址", "来源渠道", "风险等级", "登记时间", "当事人", "当前状态", "办理层级", "承办人", "办理期限",
    "是否超期", "办结时间", "办理结果", "化解层级", "回访满意度", "是否督办",
];

struct Download {
    status: u16,
    total: Option<i64>,
    content_type: String,
    bytes: Vec<u8>,
}

impl Download {
    fn problem(&self) -> Value {
        serde_json::from_slice(&self.bytes).unwrap_or(Value::Null)
    }
}

async fn download(app: &TestApp, token: &str, path: &str) -> Download {
    let r = app.http.get(app.url(path)).bearer_auth(token).send().await.unwrap();
    let status = r.status().as_u16();
    let total = r.headers().get("x-total-count").map(|v| v.to_str().unwrap().parse().unwrap());
    let content_type = r.headers().get("content-type").map(|v| v.to_str().unwrap().to_string()).unwrap_or_default();
    if status == 200 {
        let d = r.headers()["content-disposition"].to_str().unwrap();
        assert!(d.starts_with("attachment;") && d.contains("filename*=UTF-8''"), "{d}");
    }
    Download { status, total, content_type, bytes: r.bytes().await.unwrap().to_vec() }
}

/// RFC 4180, strictly: quoted fields with doubled quotes, CRLF between records. Written here
/// rather than borrowed from our reader, so the test does not agree with the writer by
/// sharing its assumptions.
fn parse_csv(text: &str) -> Vec<Vec<String>> {
    let (mut rows, mut row, mut field) = (Vec::new(), Vec::new(), String::new());
    let mut chars = text.chars().peekable();
    let mut quoted = false;
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                chars.next();
                field.push('"');
            }
            (true, '"') => quoted = false,
            (true, c) => field.push(c),
            (false, '"') if field.is_empty() => quoted = true,
            (false, ',') => row.push(std::mem::take(&mut field)),
            (false, '\r') => {
                assert_eq!(chars.next(), Some('\n'), "records end in CRLF");
                row.push(std::mem::take(&mut field));
                rows.push(std::mem::take(&mut row));
            }
            (false, c) => field.push(c),
        }
    }
    assert!(field.is_empty() && row.is_empty(), "the file ends with a whole record");
    rows
}

async fn area_id(app: &TestApp, code: &str) -> String {
    app.services.store.area_by_code(code).await.unwrap().unwrap().id.to_string()
}

fn synthetic_id(birth: &str, seq: u16) -> String {
    let d = chrono::NaiveDate::parse_from_str(birth, "%Y-%m-%d").unwrap();
    fengqiao_domain::privacy::synthetic_id("150101", d, seq).as_str().to_string()
}

async fn report(app: &TestApp, token: &str, body: Value) -> Value {
    let (s, c) = app.send(Method::POST, token, "/api/v1/cases", body).await;
    assert_eq!(s, 201, "{}: {c}", app.backend);
    c
}

#[tokio::test]
async fn the_ledger_exports_the_filtered_scoped_list_without_personal_numbers() {
    for app in TestApp::all().await {
        let grid = app.token("grid").await;
        let street = app.token("street").await;
        let g01 = area_id(&app, "150103003030G01").await;
        let id = synthetic_id("1980-05-01", 7);
        let dispute = report(&app, &grid, json!({
            "kind": "dispute", "category": "tenancy.utilities", "title": "=cmd|' /C calc'!A0", "area_id": g01,
            "address": "光明路 1号, 2单元", "channel": "walk_in", "risk": "major",
            "parties": [
                {"role": "applicant", "name": "王秀英", "id_number": id, "phone": "13904710000"},
                {"role": "respondent", "name": "李建国", "phone": "13904710001"}
            ]
        }))
        .await;
        report(&app, &grid, json!({"kind": "demand", "category": "public_facilities", "title": "路灯,\"坏了\"", "area_id": g01, "channel": "hotline"})).await;

        // XLSX, in the street's scope, only disputes.
        let x = download(&app, &street, "/api/v1/cases/export.xlsx?area=150103003&kind=dispute").await;
        assert_eq!(x.status, 200, "{}: {:?}", app.backend, x.problem());
        assert_eq!(x.content_type, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
        assert_eq!(x.total, Some(1), "the count comes up front");
        let t = read_table(&x.bytes, "ledger.xlsx", &Limits::default()).unwrap();
        assert_eq!(t.headers, HEADERS_ZH);
        assert_eq!(t.rows.len(), 1);
        let cells = &t.rows[0].cells;
        let col = |h: &str| cells[HEADERS_ZH.iter().position(|x| *x == h).unwrap()].as_str();
        assert_eq!(col("编号"), dispute["number"].as_str().unwrap());
        assert_eq!((col("类型"), col("标题"), col("风险等级"), col("来源渠道")), ("矛盾纠纷", "=cmd|' /C calc'!A0", "较大", "来访"), "{cells:?}");
        assert!(!col("类别").contains("tenancy"), "a label, not a code: {}", col("类别"));
        assert_eq!(col("发生地"), "巴彦淖尔北路社区 第一网格");
        assert_eq!(col("当事人"), "王秀英、李建国");
        assert_eq!((col("当前状态"), col("办理层级"), col("是否超期"), col("是否督办")), ("已上报", "社区", "否", "否"), "{cells:?}");
        let today = fengqiao_domain::rules::calendar::local_date(chrono::Utc::now()).to_string();
        assert!(col("登记时间").starts_with(&today), "Asia/Shanghai: {}", col("登记时间"));
        let everything: String = t.rows.iter().flat_map(|r| r.cells.iter().cloned()).collect::<Vec<_>>().join("|");
        for secret in [&id[..], "13904710000", "13904710001", &id[14..], "****"] {
            assert!(!everything.contains(secret), "{}: no personal numbers, masked or plain ({secret})", app.backend);
        }

        // CSV of the whole street: both cases, BOM, quoting, formulas defused.
        let c = download(&app, &street, "/api/v1/cases/export.csv?area=150103003").await;
        assert_eq!((c.status, c.total), (200, Some(2)));
        assert_eq!(c.content_type, "text/csv; charset=utf-8");
        assert!(c.bytes.starts_with(b"\xEF\xBB\xBF"), "a byte-order mark, so Excel reads UTF-8");
        let text = std::str::from_utf8(&c.bytes[3..]).unwrap();
        let rows = parse_csv(text);
        assert_eq!(rows[0], HEADERS_ZH);
        assert_eq!(rows.len(), 3, "{text}");
        assert!(rows.iter().all(|r| r.len() == 20));
        let titles: Vec<&str> = rows[1..].iter().map(|r| r[3].as_str()).collect();
        assert_eq!(titles, ["'=cmd|' /C calc'!A0", "路灯,\"坏了\""], "one grid, in the order taken in; the formula gets an apostrophe");
        assert!(text.contains("\"路灯,\"\"坏了\"\"\""), "comma and quotes are quoted: {text}");
        assert!(text.contains("\"光明路 1号, 2单元\""));
        for secret in [&id[..], "13904710000", "13904710001", "****"] {
            assert!(!text.contains(secret), "{secret}");
        }

        // English headers and labels when asked.
        let en = download(&app, &street, "/api/v1/cases/export.csv?area=150103003&kind=demand&lang=en").await;
        let rows = parse_csv(std::str::from_utf8(&en.bytes[3..]).unwrap());
        assert_eq!((rows[0][0].as_str(), rows[1][1].as_str()), ("Number", "Demand"), "{rows:?}");

        // Every export is in the audit log, with its filters and row count.
        let admin = app.token("admin").await;
        let (_, log) = app.get(&admin, "/api/v1/audit?action=case.export").await;
        let items = log["items"].as_array().unwrap();
        assert_eq!(items.len(), 3, "{}: {log}", app.backend);
        let first = &items[items.len() - 1]["after"];
        assert_eq!((first["format"].as_str(), first["area"].as_str(), first["rows"].as_i64()), (Some("xlsx"), Some("150103003"), Some(1)), "{first}");
        assert_eq!(first["filters"]["kind"], "dispute");
        assert!(!log.to_string().contains(&id), "the audit log holds no numbers");
    }
}

#[tokio::test]
async fn an_export_is_refused_like_the_list_never_answered_with_an_empty_file() {
    for app in TestApp::all().await {
        let grid = app.token("grid").await;
        let community = app.token("community").await;
        let before = app.audit_seq().await;
        for (token, path, status) in [
            // Outside the caller's scope, or no such area: 404, not an empty file.
            (&grid, "/api/v1/cases/export.xlsx?area=150103003", 404),
            (&community, "/api/v1/cases/export.csv?area=150103003001", 404),
            (&community, "/api/v1/cases/export.csv?area=999999", 404),
            // Unknown values, unknown parameters and paging: 422.
            (&community, "/api/v1/cases/export.xlsx?kind=fly", 422),
            (&community, "/api/v1/cases/export.csv?level=city", 422),
            (&community, "/api/v1/cases/export.csv?from=2024-13-01", 422),
            (&community, "/api/v1/cases/export.csv?from=2024-12-31&to=2024-01-01", 422),
            (&community, "/api/v1/cases/export.csv?stauts=closed", 422),
            (&community, "/api/v1/cases/export.xlsx?limit=10", 422),
            (&community, "/api/v1/cases/export.csv?category=%20bad%20code", 422),
        ] {
            let d = download(&app, token, path).await;
            assert_eq!(d.status, status, "{}: {path}: {:?}", app.backend, d.problem());
            assert_eq!(d.content_type, "application/problem+json", "{path}");
            assert_eq!(d.total, None);
        }
        assert_eq!(download(&app, "nope", "/api/v1/cases/export.csv").await.status, 401);
        assert_eq!(app.audit_seq().await, before, "a refused export is not recorded as one");

        // An empty list in scope is a file with its header row.
        let d = download(&app, &grid, "/api/v1/cases/export.csv?status=closed").await;
        assert_eq!((d.status, d.total), (200, Some(0)));
        assert_eq!(parse_csv(std::str::from_utf8(&d.bytes[3..]).unwrap()).len(), 1);
    }
}
