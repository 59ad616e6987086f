//! Oversight in the browser: the supervise, answer, extension forms on the case page, the
//! inbox with its badge in the header, and the administrator's webhook page.

use crate::support::{TestApp, csrf_in};
use crate::ui::sign_in;

async fn text(app: &TestApp, b: &reqwest::Client, path: &str) -> (u16, String) {
    let r = b.get(app.url(path)).send().await.unwrap();
    (r.status().as_u16(), r.text().await.unwrap())
}

async fn post(app: &TestApp, b: &reqwest::Client, path: &str, form: &[(&str, &str)]) -> (u16, String, String) {
    let r = b.post(app.url(path)).form(form).send().await.unwrap();
    let status = r.status().as_u16();
    let location = r.headers().get("location").map(|v| v.to_str().unwrap().to_string()).unwrap_or_default();
    (status, location, r.text().await.unwrap())
}

/// An assigned dispute, through the API; answers its page path.
async fn assigned(app: &TestApp) -> String {
    use reqwest::Method;
    use serde_json::json;
    let (grid, community) = (app.token("grid").await, app.token("community").await);
    let area = app.services.store.area_by_code("150103003030G01").await.unwrap().unwrap().id;
    let body = json!({"kind": "dispute", "category": "neighbour.noise", "title": "深夜噪音扰民", "area_id": area, "channel": "grid_patrol",
        "parties": [{"role": "applicant", "name": "王秀英"}, {"role": "respondent", "name": "李建国"}]});
    let (_, case) = app.send(Method::POST, &grid, "/api/v1/cases", body).await;
    let path = format!("/api/v1/cases/{}/actions", case["id"].as_str().unwrap());
    app.send(Method::POST, &community, &path, json!({"expected_version": 1, "action": {"action": "accept", "note": null}})).await;
    let grid_id = app.services.store.user_by_username("grid").await.unwrap().unwrap().id;
    let (s, _) = app
        .send(Method::POST, &community, &path, json!({"expected_version": 2, "action": {"action": "assign", "handler_id": grid_id, "handler_name": "", "note": null}}))
        .await;
    assert_eq!(s, 200);
    format!("/cases/{}", case["id"].as_str().unwrap())
}

#[tokio::test]
async fn supervision_and_extension_through_the_case_page_and_the_inbox() {
    for app in TestApp::all().await {
        let case = assigned(&app).await;
        let street = app.browser();
        sign_in(&app, &street, "street").await;
        let (_, page) = text(&app, &street, &case).await;
        assert!(page.contains("value=\"supervise\"") && page.contains("type=\"date\""), "{}: the street may supervise", app.backend);
        assert!(!page.contains("value=\"answer_supervision\""), "nothing to answer yet");
        let csrf = csrf_in(&page);
        let act = format!("{case}/act");
        let (s, _, refused) =
            post(&app, &street, &act, &[("csrf_token", &csrf), ("expected_version", "3"), ("action", "supervise"), ("instructions", " "), ("reply_by", "")]).await;
        assert_eq!(s, 422);
        assert!(refused.contains("role=\"alert\""));
        let order = [("csrf_token", csrf.as_str()), ("expected_version", "3"), ("action", "supervise"), ("instructions", "请三日内反馈"), ("reply_by", "")];
        let (s, location, _) = post(&app, &street, &act, &order).await;
        assert_eq!(s, 303, "{}", app.backend);
        let (_, after) = text(&app, &street, &location).await;
        assert!(after.contains("待回复的督办") && after.contains("请三日内反馈") && after.contains("督办事件"), "{after}");

        // The handler sees the badge on every page, opens the notice, and lands on the case.
        let grid = app.browser();
        sign_in(&app, &grid, "grid").await;
        let (_, home) = text(&app, &grid, "/").await;
        assert!(home.contains("href=\"/inbox\"") && home.contains("<span class=\"badge\">2</span>"), "{home}");
        let (_, inbox) = text(&app, &grid, "/inbox").await;
        assert!(inbox.contains("督办通知") && inbox.contains("分派给您的事件") && inbox.contains("请三日内反馈"), "{inbox}");
        let first = inbox.split("action=\"/inbox/").skip(1).find(|s| !s.starts_with("read-all")).unwrap().split('/').next().unwrap().to_string();
        let case_id = case.trim_start_matches("/cases/");
        let csrf = csrf_in(&inbox);
        let (s, location, _) = post(&app, &grid, &format!("/inbox/{first}/read"), &[("csrf_token", &csrf), ("open", case_id)]).await;
        assert_eq!((s, location.as_str()), (303, case.as_str()));
        let (_, page) = text(&app, &grid, &case).await;
        assert!(page.contains("<span class=\"badge\">1</span>") && page.contains("value=\"answer_supervision\""), "{page}");
        let (s, _, _) = post(&app, &grid, &format!("/inbox/{first}/read"), &[("open", case_id)]).await;
        assert_eq!(s, 403, "without the form token");

        let csrf = csrf_in(&page);
        let (s, _, _) = post(&app, &grid, &act, &[("csrf_token", &csrf), ("expected_version", "4"), ("action", "answer_supervision"), ("answer", "已约双方周五调解")]).await;
        assert_eq!(s, 303);
        // A number that is not one keeps the form open with what was typed.
        let ask = [("csrf_token", csrf.as_str()), ("expected_version", "5"), ("action", "request_extension"), ("days", "五"), ("reason", "等待鉴定结果")];
        let (s, _, refused) = post(&app, &grid, &act, &ask).await;
        assert_eq!(s, 422, "{}", app.backend);
        assert!(refused.contains("等待鉴定结果") && refused.contains("role=\"alert\""), "{refused}");
        let ask = [("csrf_token", csrf.as_str()), ("expected_version", "5"), ("action", "request_extension"), ("days", "5"), ("reason", "等待鉴定结果")];
        let (s, _, _) = post(&app, &grid, &act, &ask).await;
        assert_eq!(s, 303);

        let (_, page) = text(&app, &street, &case).await;
        assert!(page.contains("待审批的延期申请") && page.contains("value=\"decide_extension\""), "{page}");
        let csrf = csrf_in(&page);
        let (s, _, _) = post(&app, &street, &act, &[("csrf_token", &csrf), ("expected_version", "6"), ("action", "decide_extension"), ("approve", "true"), ("reason", "")]).await;
        assert_eq!(s, 303);
        let (_, page) = text(&app, &street, &case).await;
        assert!(!page.contains("待审批的延期申请") && page.contains("审批延期 · 同意延期"), "{page}");
        assert!(page.contains("申请延期（5 个工作日）"), "the timeline says how long");

        // Read all, in English too.
        let (_, inbox) = text(&app, &grid, "/inbox?unread=1").await;
        let csrf = csrf_in(&inbox);
        let (s, location, _) = post(&app, &grid, "/inbox/read-all", &[("csrf_token", &csrf)]).await;
        assert_eq!((s, location.as_str()), (303, "/inbox?ok=inbox-read-all"));
        let (_, inbox) = text(&app, &grid, "/inbox?unread=1").await;
        assert!(inbox.contains("暂无消息") && !inbox.contains("class=\"badge\""), "{inbox}");
        grid.get(app.url("/lang/en?next=/inbox")).send().await.unwrap();
        let (_, en) = text(&app, &grid, "/inbox").await;
        assert!(en.contains("Supervision order") && en.contains("Extension approved"), "{en}");

        // Queues filter on open orders.
        let (_, queue) = text(&app, &street, "/cases?q=area&watch=supervised").await;
        let (_, all) = text(&app, &street, "/cases?q=area").await;
        assert!(!queue.contains(&format!("href=\"{case}\"")) && all.contains(&format!("href=\"{case}\"")), "answered, no longer supervised");

        // A deadline warning names its date.
        app.clock.advance(chrono::Duration::days(40));
        app.services.check_deadlines(1).await.unwrap();
        // Weeks went by: sign in again.
        let grid = app.browser();
        sign_in(&app, &grid, "grid").await;
        let (_, inbox) = text(&app, &grid, "/inbox?unread=1").await;
        assert!(inbox.contains("事件已超期") && inbox.contains("办理时限：20"), "{inbox}");
    }
}

#[tokio::test]
async fn the_webhook_page_is_for_administrators() {
    for app in TestApp::all().await {
        let street = app.browser();
        sign_in(&app, &street, "street").await;
        let (s, _) = text(&app, &street, "/admin/webhooks").await;
        assert_eq!(s, 403, "{}", app.backend);
        let (_, home) = text(&app, &street, "/").await;
        assert!(!home.contains("href=\"/admin/webhooks\""));

        let admin = app.browser();
        sign_in(&app, &admin, "admin").await;
        let (s, page) = text(&app, &admin, "/admin/webhooks").await;
        assert_eq!(s, 200);
        assert!(page.contains("尚未配置外发通知地址") && page.contains("href=\"/admin/webhooks\""), "{page}");
        let csrf = csrf_in(&page);
        let (s, _, refused) = post(&app, &admin, "/admin/webhooks", &[("csrf_token", &csrf), ("url", "ftp://nope"), ("secret", "a-long-enough-secret")]).await;
        assert_eq!(s, 422);
        assert!(refused.contains("ftp://nope") && !refused.contains("a-long-enough-secret"), "the URL is kept, the secret not echoed");
        let (s, location, _) =
            post(&app, &admin, "/admin/webhooks", &[("csrf_token", &csrf), ("url", "https://hooks.example.cn/fq"), ("secret", "a-long-enough-secret")]).await;
        assert_eq!((s, location.as_str()), (303, "/admin/webhooks?ok=webhook-created"));
        let (_, page) = text(&app, &admin, &location).await;
        assert!(page.contains("https://hooks.example.cn/fq") && page.contains("启用中"), "{page}");
        let id = page.split("href=\"/admin/webhooks/").nth(1).unwrap().split('"').next().unwrap().to_string();
        let (s, _, _) = post(&app, &admin, &format!("/admin/webhooks/{id}"), &[("csrf_token", &csrf), ("active", "false")]).await;
        assert_eq!(s, 303);
        let (_, page) = text(&app, &admin, &format!("/admin/webhooks/{id}")).await;
        assert!(page.contains("已暂停") && page.contains("暂无发送记录"), "{page}");
    }
}
