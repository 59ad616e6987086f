//! Attachments and the full intake form in the browser: a photo taken in with the case and
//! shown as a thumbnail, the case page's upload form with its CSRF token and refusals, and
//! an intake refused for one field that keeps everything else.

use crate::api_attachments::{FilePart, JPEG, actions_since, form_data};
use crate::api_registry::{building, household, synthetic_id};
use crate::support::{TestApp, csrf_in};
use crate::ui::sign_in;

/// Posts a multipart form; answers the status, the Location and the body.
pub(crate) async fn post_multipart(app: &TestApp, b: &reqwest::Client, path: &str, fields: &[(&str, &str)], files: &[FilePart<'_>]) -> (u16, String, String) {
    let (content_type, body) = form_data(fields, files);
    let r = b.post(app.url(path)).header("content-type", content_type).body(body).send().await.unwrap();
    let status = r.status().as_u16();
    let location = r.headers().get("location").map(|v| v.to_str().unwrap().to_string()).unwrap_or_default();
    (status, location, r.text().await.unwrap())
}

async fn page(app: &TestApp, b: &reqwest::Client, path: &str) -> (u16, String) {
    let r = b.get(app.url(path)).send().await.unwrap();
    (r.status().as_u16(), r.text().await.unwrap())
}

struct Intake {
    csrf: String,
    area: String,
}

async fn open_form(app: &TestApp, b: &reqwest::Client) -> Intake {
    let (s, form) = page(app, b, "/cases/new").await;
    assert_eq!(s, 200, "{}", app.backend);
    assert!(form.contains(r#"<input id="nc-files" type="file" name="files" accept="image/*,application/pdf" capture="environment" multiple"#), "{form}");
    assert!(form.contains("enctype=\"multipart/form-data\"") && form.contains("id=\"nc-locate\" hidden"), "location is an enhancement");
    let csrf = csrf_in(&form);
    assert!(form.contains(&format!("action=\"/cases/new?csrf_token={csrf}\"")));
    let area = app.services.store.area_by_code("150103003030G01").await.unwrap().unwrap().id.to_string();
    Intake { csrf, area }
}

fn dispute<'a>(f: &'a Intake, id_number: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("kind", "dispute"),
        ("category", "neighbour.water_leak"),
        ("title", "楼上漏水"),
        ("description", "卫生间漏水至楼下"),
        ("area_id", f.area.as_str()),
        ("address", "铁路小区3号楼1单元201"),
        ("lon", "111.651234"),
        ("lat", "40.812345"),
        ("channel", "grid_patrol"),
        ("risk", "ordinary"),
        ("p0_role", "applicant"),
        ("p0_kind", "person"),
        ("p0_name", "王秀英"),
        ("p0_id_number", id_number),
        ("p0_phone", "13904710000"),
        ("p1_role", "respondent"),
        ("p1_kind", "organisation"),
        ("p1_name", "铁路小区物业公司"),
        ("p2_role", "other"),
        ("p2_name", ""),
    ]
}

#[tokio::test]
async fn a_case_taken_in_with_a_photo_shows_its_thumbnail() {
    for app in TestApp::all().await {
        let b = app.browser();
        sign_in(&app, &b, "grid").await;
        let f = open_form(&app, &b).await;
        let id = synthetic_id("1965-04-02", 3);
        let path = format!("/cases/new?csrf_token={}", f.csrf);
        let (s, location, body) = post_multipart(&app, &b, &path, &dispute(&f, &id), &[("files", "漏水.jpg", "image/jpeg", JPEG)]).await;
        assert_eq!(s, 303, "{}: {body}", app.backend);
        let case = location.trim_end_matches("?ok=case-reported").to_string();
        let (_, shown) = page(&app, &b, &case).await;
        let thumb = format!("<img src=\"{case}/attachments/");
        assert!(shown.contains(&thumb) && shown.contains("漏水.jpg"), "{shown}");
        assert!(shown.contains("铁路小区物业公司") && !shown.contains("其他当事人"), "an empty box is no party");
        let stored = app.services.store.case_by_id(case.trim_start_matches("/cases/").parse().unwrap()).await.unwrap().unwrap();
        assert_eq!(stored.point.map(|p| (p.lon, p.lat)), Some((111.651234, 40.812345)), "{}: the map point is kept", app.backend);

        let src = shown.split(&thumb).nth(1).unwrap().split('"').next().unwrap();
        let seq = app.audit_seq().await;
        let r = b.get(app.url(&format!("{case}/attachments/{src}"))).send().await.unwrap();
        assert_eq!(r.status(), 200, "{}", app.backend);
        assert_eq!(r.headers()["content-type"], "image/jpeg");
        assert!(r.headers()["content-security-policy"].to_str().unwrap().contains("sandbox"));
        assert_eq!(r.bytes().await.unwrap().as_ref(), JPEG);
        assert_eq!(actions_since(&app, seq).await, ["case.attachment_view"], "{}", app.backend);

        // The case page's own upload form: the token rides in the query, like every upload.
        let csrf = csrf_in(&shown);
        let upload = format!("{case}/attachments");
        let more = [("files", "第二张.jpg", "image/jpeg", JPEG)];
        assert_eq!(post_multipart(&app, &b, &upload, &[("csrf_token", &csrf)], &more).await.0, 403, "{}: no token in the query", app.backend);
        assert_eq!(post_multipart(&app, &b, &format!("{upload}?csrf_token={csrf}x"), &[], &more).await.0, 403);
        let seq = app.audit_seq().await;
        let (s, location, _) = post_multipart(&app, &b, &format!("{upload}?csrf_token={csrf}"), &[], &more).await;
        assert_eq!((s, location.as_str()), (303, format!("{case}?ok=attachments-added#attachments").as_str()));
        assert_eq!(actions_since(&app, seq).await, ["case.attachment_add"]);
        // An iPhone's photo: kept and offered as a download, since most browsers cannot draw it.
        let heic = [("files", "IMG_0001.HEIC", "image/heic", b"\0\0\0\x18ftypheic\0\0\0\0mif1heic".as_slice())];
        assert_eq!(post_multipart(&app, &b, &format!("{upload}?csrf_token={csrf}"), &[], &heic).await.0, 303);
        let (_, listed) = page(&app, &b, &case).await;
        assert!(listed.contains("download>HEIC</a>") && listed.contains("IMG_0001.HEIC") && listed.matches("<img src=").count() == 2, "{listed}");
        let disguised = [("files", "照片.jpg", "image/jpeg", b"<html><script>alert(1)</script>".as_slice())];
        let (s, _, refused) = post_multipart(&app, &b, &format!("{upload}?csrf_token={csrf}"), &[], &disguised).await;
        assert_eq!(s, 415, "{}", app.backend);
        assert!(refused.contains("id=\"attach-error\"") && refused.contains("只能上传 JPEG"), "{refused}");

        // Someone from another district: the file does not exist for them.
        let o = app.browser();
        sign_in(&app, &o, "xc").await;
        assert_eq!(page(&app, &o, &format!("{case}/attachments/{src}")).await.0, 404);
    }
}

#[tokio::test]
async fn an_intake_refused_for_one_field_keeps_all_the_others() {
    for app in TestApp::all().await {
        let b = app.browser();
        sign_in(&app, &b, "grid").await;
        let f = open_form(&app, &b).await;
        let path = format!("/cases/new?csrf_token={}", f.csrf);
        let mut bad = synthetic_id("1965-04-02", 3);
        let last = if bad.ends_with('0') { "1" } else { "0" };
        bad.replace_range(17..18, last);
        let seq = app.audit_seq().await;
        let (s, _, refused) = post_multipart(&app, &b, &path, &dispute(&f, &bad), &[("files", "漏水.jpg", "image/jpeg", JPEG)]).await;
        assert_eq!(s, 422, "{}", app.backend);
        assert!(refused.contains("id=\"nc-p0-id-error\"") && refused.contains("身份证号校验位不对"), "the error sits by the ID field: {refused}");
        for kept in ["value=\"楼上漏水\"", "卫生间漏水至楼下", "value=\"铁路小区3号楼1单元201\"", "value=\"111.651234\"", "value=\"王秀英\"", "value=\"13904710000\"", "value=\"铁路小区物业公司\"", &format!("value=\"{bad}\"")] {
            assert!(refused.contains(kept), "{}: {kept} was lost", app.backend);
        }
        assert!(refused.contains("value=\"organisation\" checked") && refused.contains("value=\"neighbour.water_leak\" selected"));
        assert!(refused.contains("照片需要重新选择"), "the photo must be chosen again, and the page says so");
        assert_eq!(app.audit_seq().await, seq, "nothing was taken in");

        // A disguised photo refuses the whole intake before anything is written.
        let good = synthetic_id("1965-04-02", 3);
        let (s, _, refused) = post_multipart(&app, &b, &path, &dispute(&f, &good), &[("files", "漏水.jpg", "image/jpeg", b"MZ\x90\x00program")]).await;
        assert_eq!(s, 415, "{}", app.backend);
        assert!(refused.contains("id=\"nc-files-error\"") && refused.contains("value=\"楼上漏水\""), "{refused}");
        // A phone that is not one, on the organisation's box.
        let mut fields = dispute(&f, &good);
        fields.push(("p1_phone", "12345"));
        let (s, _, refused) = post_multipart(&app, &b, &path, &fields, &[]).await;
        assert_eq!(s, 422);
        assert!(refused.contains("电话号码应为 11 位手机号"), "{refused}");
        // No token: refused before anything is read.
        assert_eq!(post_multipart(&app, &b, "/cases/new", &dispute(&f, &good), &[]).await.0, 403);
        assert_eq!(app.audit_seq().await, seq, "{}: still nothing taken in", app.backend);
    }
}

#[tokio::test]
async fn a_party_is_linked_to_a_resident_found_by_name() {
    for app in TestApp::all().await {
        let community = app.token("community").await;
        let (_, bld) = building(&app, &community).await;
        let h = household(&app, &community, &bld, "201").await;
        let body = serde_json::json!({"household_id": h, "name": "王秀英", "id_number": synthetic_id("1965-04-02", 3), "relation": "head"});
        let (s, r) = app.send(reqwest::Method::POST, &community, "/api/v1/residents", body).await;
        assert_eq!(s, 201, "{r}");
        let resident = r["id"].as_str().unwrap().to_string();

        let b = app.browser();
        sign_in(&app, &b, "grid").await;
        let f = open_form(&app, &b).await;
        // With htmx: the matches for one box, swapped in.
        let (s, frag) = page(&app, &b, "/cases/new/residents?slot=0&p0_name=%E7%8E%8B").await;
        assert_eq!(s, 200);
        assert!(frag.contains(&format!("name=\"p0_resident_id\" value=\"{resident}\"")) && frag.contains("王秀英"), "{frag}");
        // Without JavaScript: the find button posts the form, which comes back with the choice.
        let path = format!("/cases/new?csrf_token={}", f.csrf);
        let mut fields = dispute(&f, "");
        fields.push(("find", "0"));
        let (s, _, found) = post_multipart(&app, &b, &path, &fields, &[]).await;
        assert_eq!(s, 200, "{}", app.backend);
        assert!(found.contains(&format!("value=\"{resident}\"")) && found.contains("value=\"楼上漏水\""), "{found}");

        let mut fields = dispute(&f, "");
        fields.push(("p0_resident_id", &resident));
        let (s, location, body) = post_multipart(&app, &b, &path, &fields, &[]).await;
        assert_eq!(s, 303, "{}: {body}", app.backend);
        let id = location.trim_start_matches("/cases/").trim_end_matches("?ok=case-reported").parse().unwrap();
        let parties = app.services.store.case_parties(id).await.unwrap();
        assert_eq!(parties[0].resident_id.map(|r| r.to_string()), Some(resident.clone()), "{}", app.backend);

        // A resident id from elsewhere is refused beside the box it was typed in.
        let mut fields = dispute(&f, "");
        let stranger = uuid::Uuid::now_v7().to_string();
        fields.push(("p0_resident_id", &stranger));
        let (s, _, refused) = post_multipart(&app, &b, &path, &fields, &[]).await;
        assert_eq!(s, 422);
        assert!(refused.contains("关联的居民不在您辖区的登记中"), "{refused}");
    }
}
