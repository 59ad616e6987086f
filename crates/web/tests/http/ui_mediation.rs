//! The mediation section of a dispute's page: a session and an agreement through their
//! forms, a refused form that keeps what was typed, CSRF, the print view and its PDF; and no
//! section on a demand.

use reqwest::Method;
use serde_json::json;

use crate::api_mediation::{dispute, id_number, mediators};
use crate::support::{TestApp, csrf_in};
use crate::ui::sign_in;
use crate::ui_cases::{post, text};

/// The text of a PDF, as poppler reads it: proof that the document holds real text.
pub(crate) fn pdf_text(pdf: &[u8]) -> String {
    assert!(pdf.starts_with(b"%PDF-"), "not a PDF");
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("a.pdf");
    std::fs::write(&file, pdf).unwrap();
    let out = std::process::Command::new("pdftotext")
        .args(["-enc", "UTF-8"])
        .arg(&file)
        .arg("-")
        .output()
        .expect("pdftotext (Debian's poppler-utils; `cargo xtask test` installs it) reads the agreement back");
    assert!(out.status.success(), "pdftotext: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

#[tokio::test]
async fn the_handler_records_a_session_and_an_agreement_on_the_case_page() {
    for app in TestApp::all().await {
        let (volunteer, _) = mediators(&app).await;
        let id = dispute(&app, true).await;
        let b = app.browser();
        sign_in(&app, &b, "grid").await;
        let (s, page) = text(&app, &b, &format!("/cases/{id}")).await;
        assert_eq!(s, 200, "{}", app.backend);
        assert!(page.contains("id=\"mediation\"") && page.contains("调解档案"), "the section is on a dispute's page");
        assert!(page.contains(&format!("value=\"p:{volunteer}\"")), "the volunteer can be chosen");
        let csrf = csrf_in(&page);
        let mediator = format!("p:{volunteer}");

        let session_path = format!("/cases/{id}/mediation/session");
        let fields = [
            ("csrf_token", csrf.as_str()),
            ("held_at", "2020-01-01T09:30"),
            ("place", "社区调解室"),
            ("mediator", mediator.as_str()),
            ("others", "张敏（网格员）"),
            ("record", "双方各自陈述。"),
        ];
        // Before the case existed: refused on the page, with what was typed.
        let (s, _, body) = post(&app, &b, &session_path, &fields).await;
        assert_eq!(s, 422, "{body}");
        assert!(body.contains("调解时间不能早于事件登记") && body.contains("双方各自陈述。") && body.contains("社区调解室"), "{body}");
        let now = crate_local_now(&app);
        let mut ok = fields;
        ok[1] = ("held_at", now.as_str());
        let (s, location, body) = post(&app, &b, &session_path, &ok).await;
        assert_eq!((s, location.as_str()), (303, format!("/cases/{id}?ok=mediation-saved#mediation").as_str()), "{body}");
        // Without the form token nothing happens.
        let (s, _, _) = post(&app, &b, &session_path, &ok[1..]).await;
        assert_eq!(s, 403);
        let (_, page) = text(&app, &b, &format!("/cases/{id}")).await;
        assert!(page.contains("双方各自陈述。") && page.contains("刘桂兰（乡里乡亲）"), "{page}");
        assert_eq!(app.services.store.case_sessions(id.parse().unwrap()).await.unwrap().len(), 1);

        let agreement = [
            ("csrf_token", csrf.as_str()),
            ("version", "0"),
            ("number", ""),
            ("committee", ""),
            ("facts", "双方就水费分摊发生争议。"),
            ("terms", "被申请人退还三百元。"),
            ("performance", ""),
            ("performance_due", "2030-01-31"),
            ("mediator", mediator.as_str()),
        ];
        let (s, _, body) = post(&app, &b, &format!("/cases/{id}/mediation/agreement"), &agreement).await;
        assert_eq!(s, 422);
        assert!(body.contains("请填写履行方式") && body.contains("被申请人退还三百元。"), "the terms typed are kept");
        let mut ok = agreement;
        ok[6] = ("performance", "现金一次性支付");
        let (s, _, body) = post(&app, &b, &format!("/cases/{id}/mediation/agreement"), &ok).await;
        assert_eq!(s, 303, "{body}");

        let (s, print) = text(&app, &b, &format!("/cases/{id}/agreement")).await;
        assert_eq!(s, 200);
        let masked = format!("{}********{}", &id_number()[..6], &id_number()[14..]);
        assert!(print.contains("人民调解协议书") && print.contains(&masked) && !print.contains(&id_number()), "{print}");
        assert!(print.contains("履行期限：2030年1月31日前") && print.contains("本协议一式3份"), "{print}");
        let r = b.get(app.url(&format!("/cases/{id}/agreement.pdf"))).send().await.unwrap();
        assert_eq!(r.status(), 200);
        let pdf = pdf_text(&r.bytes().await.unwrap());
        assert!(pdf.contains("纠纷主要事实") && pdf.contains("刘桂兰"), "{pdf}");

        // Someone out of scope finds neither page.
        let other = app.browser();
        sign_in(&app, &other, "xc").await;
        assert_eq!(text(&app, &other, &format!("/cases/{id}/agreement")).await.0, 404);
        assert_eq!(other.get(app.url(&format!("/cases/{id}/agreement.pdf"))).send().await.unwrap().status(), 404);
    }
}

fn crate_local_now(app: &TestApp) -> String {
    use fengqiao_domain::ports::Clock;
    (app.clock.now() - chrono::Duration::minutes(1)).with_timezone(&chrono_tz::Asia::Shanghai).format("%Y-%m-%dT%H:%M").to_string()
}

#[tokio::test]
async fn a_demand_has_no_mediation_section() {
    for app in TestApp::all().await {
        let community = app.token("community").await;
        let area = app.services.store.area_by_code("150103003030").await.unwrap().unwrap().id;
        let (_, c) = app
            .send(Method::POST, &community, "/api/v1/cases", json!({"kind": "demand", "category": "heating", "title": "暖气不热", "area_id": area, "channel": "hotline"}))
            .await;
        let b = app.browser();
        sign_in(&app, &b, "community").await;
        let id = c["id"].as_str().unwrap();
        let (s, page) = text(&app, &b, &format!("/cases/{id}")).await;
        assert_eq!(s, 200);
        assert!(!page.contains("id=\"mediation\""));
        assert_eq!(text(&app, &b, &format!("/cases/{id}/mediation")).await.0, 409);
    }
}
