//! The UI over HTTP: sign-in with CSRF, sessions in the database, forms that refuse
//! without the token, language switching, scoped pages and friendly errors.

use crate::support::{PW, TestApp, csrf_in};

pub(crate) async fn sign_in(app: &TestApp, browser: &reqwest::Client, username: &str) {
    let page = browser.get(app.url("/login")).send().await.unwrap().text().await.unwrap();
    let csrf = csrf_in(&page);
    let r = browser
        .post(app.url("/login"))
        .form(&[("csrf_token", csrf.as_str()), ("username", username), ("password", PW), ("next", "/areas")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303, "{}: sign-in redirects", app.backend);
    assert_eq!(r.headers()["location"], "/areas");
    let cookie = r.headers().get_all("set-cookie").iter().map(|v| v.to_str().unwrap().to_string()).find(|c| c.starts_with("fq_session=")).unwrap();
    assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"), "{cookie}");
}

#[tokio::test]
async fn sign_in_needs_the_form_token_and_right_password() {
    for app in TestApp::all().await {
        let b = app.browser();
        let r = b.get(app.url("/")).send().await.unwrap();
        assert_eq!(r.status(), 303);
        assert!(r.headers()["location"].to_str().unwrap().starts_with("/login"));

        // No CSRF token: refused before the password is even looked at.
        let r = b.post(app.url("/login")).form(&[("username", "admin"), ("password", PW)]).send().await.unwrap();
        assert_eq!(r.status(), 403);
        assert!(r.text().await.unwrap().contains("表单已过期"));

        // Pages are Chinese first even for an English browser; the switch is on every page.
        let page = b.get(app.url("/login")).header("accept-language", "en-US,en;q=0.9").send().await.unwrap().text().await.unwrap();
        assert!(page.contains("<html lang=\"zh-CN\">") && page.contains("data-lang=\"en\""));
        let csrf = csrf_in(&page);
        let r = b.post(app.url("/login")).form(&[("csrf_token", csrf.as_str()), ("username", "admin"), ("password", "nope-nope")]).send().await.unwrap();
        assert_eq!(r.status(), 401);
        let html = r.text().await.unwrap();
        assert!(html.contains("role=\"alert\"") && html.contains("用户名或密码不正确"));
        assert!(html.contains("value=\"admin\""), "the typed username is kept");
    }
}

#[tokio::test]
async fn signed_in_pages_are_scoped_and_forms_need_csrf() {
    for app in TestApp::all().await {
        let b = app.browser();
        sign_in(&app, &b, "street").await;
        let home = b.get(app.url("/")).send().await.unwrap().text().await.unwrap();
        assert!(home.contains("光明路街道"), "{}: home shows the home area", app.backend);
        let r = b.get(app.url("/areas")).send().await.unwrap();
        assert_eq!(r.headers()["location"], "/areas/150103003");
        let page = b.get(app.url("/areas/150103003")).send().await.unwrap().text().await.unwrap();
        assert!(page.contains("巴彦淖尔北路社区") && page.contains("href=\"/areas/150103003030\""));
        let r = b.get(app.url("/areas/150102")).send().await.unwrap();
        assert_eq!(r.status(), 404, "out of scope looks like nothing");
        assert!(r.text().await.unwrap().contains("找不到这个区域"));

        // A form post without the session's token changes nothing.
        let seq = app.audit_seq().await;
        let r = b.post(app.url("/areas/150103003030/children")).form(&[("code", "150103003030G07"), ("name", "第七网格")]).send().await.unwrap();
        assert_eq!(r.status(), 403);
        let r = b.post(app.url("/areas/150103003030/children")).form(&[("csrf_token", "forged"), ("code", "150103003030G07"), ("name", "第七网格")]).send().await.unwrap();
        assert_eq!(r.status(), 403);
        assert_eq!(app.audit_seq().await, seq);

        // With it, the area is created and the browser lands on it.
        let page = b.get(app.url("/areas/150103003030")).send().await.unwrap().text().await.unwrap();
        let csrf = csrf_in(&page);
        let r = b.post(app.url("/areas/150103003030/children")).form(&[("csrf_token", csrf.as_str()), ("code", "150103003030G07"), ("name", "第七网格")]).send().await.unwrap();
        assert_eq!(r.status(), 303);
        assert_eq!(r.headers()["location"], "/areas/150103003030G07?ok=area-created");
        // A refused form comes back with what was typed and the reason.
        let r = b.post(app.url("/areas/150103003030/children")).form(&[("csrf_token", csrf.as_str()), ("code", "150103003030G07"), ("name", "重复网格")]).send().await.unwrap();
        assert_eq!(r.status(), 409);
        let html = r.text().await.unwrap();
        assert!(html.contains("这个代码已被使用") && html.contains("重复网格"));
        // Names are escaped, never executed.
        let r = b.post(app.url("/areas/150103003030/children")).form(&[("csrf_token", csrf.as_str()), ("code", "150103003030G08"), ("name", "<script>alert(1)</script>")]).send().await.unwrap();
        assert_eq!(r.status(), 303);
        let html = b.get(app.url("/areas/150103003030")).send().await.unwrap().text().await.unwrap();
        assert!(html.contains("&#60;script&#62;alert(1)") && !html.contains("<script>alert(1)"), "{html}");
    }
}

#[tokio::test]
async fn language_switch_and_logout() {
    for app in TestApp::all().await {
        let b = app.browser();
        sign_in(&app, &b, "admin").await;
        let r = b.get(app.url("/lang/en?next=/areas/1501")).send().await.unwrap();
        assert_eq!(r.headers()["location"], "/areas/1501");
        let html = b.get(app.url("/areas/1501")).send().await.unwrap().text().await.unwrap();
        assert!(html.contains("<html lang=\"en\">") && html.contains(">Areas<") && html.contains("data-lang=\"zh-CN\""));
        // No open redirect through the switch.
        let r = b.get(app.url("/lang/zh-CN?next=//evil.example")).send().await.unwrap();
        assert_eq!(r.headers()["location"], "/");
        let html = b.get(app.url("/")).send().await.unwrap().text().await.unwrap();
        assert!(html.contains(">区域<"));

        // The accounts and audit pages work for an admin.
        assert_eq!(b.get(app.url("/accounts")).send().await.unwrap().status(), 200);
        let audit = b.get(app.url("/audit?action=auth.")).send().await.unwrap().text().await.unwrap();
        assert!(audit.contains("<td>登录</td>"), "actions read as words");
        assert_eq!(b.get(app.url("/audit?from=not-a-date")).send().await.unwrap().status(), 200);

        let home = b.get(app.url("/")).send().await.unwrap().text().await.unwrap();
        let csrf = csrf_in(&home);
        let r = b.post(app.url("/logout")).form(&[("csrf_token", csrf.as_str())]).send().await.unwrap();
        assert_eq!(r.headers()["location"], "/login");
        // The session is gone from the database, not just from the browser.
        let r = b.get(app.url("/")).send().await.unwrap();
        assert_eq!(r.status(), 303);
    }
}

#[tokio::test]
async fn grid_worker_sees_no_admin_pages() {
    for app in TestApp::all().await {
        let b = app.browser();
        sign_in(&app, &b, "grid").await;
        let home = b.get(app.url("/")).send().await.unwrap().text().await.unwrap();
        assert!(!home.contains("href=\"/accounts\"") && !home.contains("href=\"/audit\""));
        let r = b.get(app.url("/accounts")).send().await.unwrap();
        assert_eq!(r.status(), 403);
        assert_eq!(b.get(app.url("/no/such/page")).send().await.unwrap().status(), 404);
    }
}

#[tokio::test]
async fn htmx_gets_fragments_and_plain_requests_get_pages() {
    for app in TestApp::all().await {
        let b = app.browser();
        sign_in(&app, &b, "hm").await;
        let full = b.get(app.url("/accounts?q=street")).send().await.unwrap().text().await.unwrap();
        assert!(full.starts_with("<!doctype html>") && full.contains("id=\"account-rows\""));
        let part = b.get(app.url("/accounts?q=street")).header("hx-request", "true").send().await.unwrap().text().await.unwrap();
        assert!(!part.contains("<html") && part.contains("href=\"/accounts/street\"") && !part.contains("href=\"/accounts/hm\""), "{part}");
        let part = b.get(app.url("/audit?action=auth.login")).header("hx-request", "true").send().await.unwrap().text().await.unwrap();
        assert!(!part.contains("<html") && part.contains("<table>"), "{part}");
    }
}
