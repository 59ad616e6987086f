//! The portal's place choice, district → street → community → grid: without JavaScript each
//! step posts the form back and it returns with the next list and everything typed; the
//! public list the script fetches gives codes and names only; every bad code says why.

use crate::api_attachments::{JPEG, form_data};
use crate::support::{TestApp, csrf_in};

async fn open_form(app: &TestApp) -> (reqwest::Client, String) {
    let browser = app.browser();
    let html = browser.get(app.url("/portal")).send().await.unwrap().text().await.unwrap();
    (browser.clone(), csrf_in(&html))
}

const TYPED: [(&str, &str); 6] = [
    ("category", "demand:heating"),
    ("description", "楼道灯坏了<b>三天</b>"),
    ("address", "铁路小区3号楼"),
    ("name", "王秀英"),
    ("phone", "13904710000"),
    ("consent", "yes"),
];

async fn post(app: &TestApp, browser: &reqwest::Client, csrf: &str, place: &[(&str, &str)], photo: bool) -> reqwest::Response {
    let mut f: Vec<(&str, &str)> = TYPED.to_vec();
    f.extend_from_slice(place);
    let files: Vec<(&str, &str, &str, &[u8])> = if photo { vec![("files", "灯.jpg", "image/jpeg", JPEG)] } else { vec![] };
    let (ct, body) = form_data(&f, &files);
    browser.post(app.url(&format!("/portal/submit?csrf_token={csrf}"))).header("content-type", ct).body(body).send().await.unwrap()
}

/// The options of one step's select, as (code, name, selected); None when the step is hidden.
fn step(html: &str, field: &str) -> Option<Vec<(String, String, bool)>> {
    let start = html.find(&format!("data-step=\"{field}\""))?;
    let block = &html[start..];
    let block = &block[..block.find("</select>").unwrap()];
    if block.starts_with(&format!("data-step=\"{field}\" hidden")) {
        return None;
    }
    Some(
        block
            .split("<option value=\"")
            .skip(2)
            .map(|o| {
                let (code, rest) = o.split_once('"').unwrap();
                let name = rest[rest.find('>').unwrap() + 1..rest.find("</option>").unwrap()].to_string();
                (code.to_string(), name, rest.starts_with(" selected"))
            })
            .collect(),
    )
}

fn codes(opts: &[(String, String, bool)]) -> Vec<&str> {
    opts.iter().map(|(c, _, _)| c.as_str()).collect()
}

fn chosen(opts: &[(String, String, bool)]) -> Option<&str> {
    opts.iter().find(|o| o.2).map(|o| o.0.as_str())
}

#[tokio::test]
async fn the_place_is_chosen_step_by_step_and_nothing_typed_is_lost() {
    for app in TestApp::all().await {
        let (browser, csrf) = open_form(&app).await;
        let first = browser.get(app.url("/portal")).send().await.unwrap().text().await.unwrap();
        assert_eq!(step(&first, "district").map(|o| codes(&o).join(",")), Some("150102,150103".into()), "{}: districts only", app.backend);
        assert!(step(&first, "street").is_none() && !first.contains("什拉门更社区") && !first.contains("第一网格"), "no community is listed up front");
        assert!(first.contains("formnovalidate") && first.contains("/static/portal.js"), "each step has a button that works without the script");

        let seq = app.audit_seq().await;
        let r = post(&app, &browser, &csrf, &[("district", "150103"), ("step", "district")], true).await;
        assert_eq!(r.status(), 200, "{}", app.backend);
        let html = r.text().await.unwrap();
        assert_eq!(step(&html, "street").map(|o| codes(&o).join(",")), Some("150103003,150103004".into()));
        assert!(step(&html, "area").is_none());
        for kept in ["楼道灯坏了&#60;b&#62;三天", "value=\"铁路小区3号楼\"", "value=\"13904710000\"", "value=\"王秀英\"", "value=\"yes\" required checked"] {
            assert!(html.contains(kept), "{kept} is kept: {html}");
        }
        assert!(html.contains("请重新选择照片"), "a photo cannot come back, and the page says so");
        assert!(!html.contains("<b>三天</b>"), "escaped");

        let html = post(&app, &browser, &csrf, &[("district", "150103"), ("street", "150103003"), ("step", "street")], false).await.text().await.unwrap();
        let communities = step(&html, "area").unwrap();
        assert_eq!(codes(&communities), ["150103003001", "150103003030"]);
        assert_eq!(chosen(&step(&html, "street").unwrap()), Some("150103003"));
        assert!(!html.contains("请重新选择照片"));

        let html = post(&app, &browser, &csrf, &[("district", "150103"), ("street", "150103003"), ("area", "150103003030"), ("step", "area")], false).await.text().await.unwrap();
        let grids = step(&html, "grid").unwrap();
        assert_eq!(codes(&grids), ["150103003030G01", "150103003030G02"]);
        assert_eq!(chosen(&grids), None, "the grid is optional");

        // Without the script a changed district still posts the old street and community:
        // they are dropped, not kept under the wrong district.
        let html = post(&app, &browser, &csrf, &[("district", "150102"), ("street", "150103003"), ("area", "150103003030"), ("step", "district")], false).await.text().await.unwrap();
        let streets = step(&html, "street").unwrap();
        assert_eq!((codes(&streets), chosen(&streets)), (vec!["150102002"], None));
        assert!(step(&html, "area").is_none());
        assert_eq!(app.audit_seq().await, seq, "a step writes nothing");

        // Stopping at the street without a location is refused with what to do next.
        let r = post(&app, &browser, &csrf, &[("district", "150103"), ("street", "150103003")], false).await;
        assert_eq!(r.status(), 422);
        let html = r.text().await.unwrap();
        assert!(html.contains("请继续选到社区") && step(&html, "area").is_some(), "and the communities are there to choose");

        let token = |r: reqwest::Response| {
            assert_eq!(r.status(), 303);
            r.headers()["location"].to_str().unwrap().trim_start_matches("/portal/track/").trim_end_matches("?new=1").to_string()
        };
        let community = token(post(&app, &browser, &csrf, &[("district", "150103"), ("street", "150103003"), ("area", "150103003030"), ("grid", "")], false).await);
        assert!(app.services.track(&community).await.unwrap().case.area_path.ends_with("/150103003030/"), "{}", app.backend);
        let grid = token(post(&app, &browser, &csrf, &[("district", "150103"), ("street", "150103003"), ("area", "150103003030"), ("grid", "150103003030G02")], false).await);
        assert!(app.services.track(&grid).await.unwrap().case.area_path.ends_with("/150103003030G02/"));
    }
}

#[tokio::test]
async fn bad_area_codes_are_refused_with_the_reason_and_write_nothing() {
    for app in TestApp::all().await {
        let (browser, csrf) = open_form(&app).await;
        let seq = app.audit_seq().await;
        for (place, says) in [
            (("area", "150199999999"), "没有这个地区"),
            (("area", "150103003"), "不能在这一步选择"),
            (("district", "150103003030"), "不能在这一步选择"),
            (("grid", "150103003030"), "不能在这一步选择"),
            (("area", "<script>x</script>"), "地区代码格式不对"),
        ] {
            let r = post(&app, &browser, &csrf, &[place], false).await;
            assert_eq!(r.status(), 422, "{}: {place:?}", app.backend);
            let html = r.text().await.unwrap();
            assert!(html.contains(says) && html.contains("value=\"铁路小区3号楼\""), "{place:?}: {says}");
            assert!(!html.contains("<script>x"), "escaped");
            let r = post(&app, &browser, &csrf, &[place, ("step", "area")], false).await;
            assert_eq!(r.status(), 422, "a step with a bad code says so too: {place:?}");
        }
        assert_eq!(app.audit_seq().await, seq, "nothing written");

        // A link may name the place: a community's poster, say.
        let html = browser.get(app.url("/portal?area=150103003030")).send().await.unwrap().text().await.unwrap();
        assert_eq!(chosen(&step(&html, "district").unwrap()), Some("150103"));
        assert_eq!(chosen(&step(&html, "street").unwrap()), Some("150103003"));
        assert_eq!(chosen(&step(&html, "area").unwrap()), Some("150103003030"));
        for (link, status, says) in [
            ("/portal?area=150199999999", 404, "没有这个地区"),
            ("/portal?street=150103", 400, "不能在这一步选择"),
            ("/portal?district=%3Cb%3E", 400, "地区代码格式不对"),
            ("/portal?area=150199999999&lang=en", 404, "There is no such area"),
        ] {
            let r = browser.get(app.url(link)).send().await.unwrap();
            assert_eq!(r.status(), status, "{link}");
            let html = r.text().await.unwrap();
            assert!(html.contains(says) && step(&html, "district").is_some(), "{link}: the form is still there");
        }
    }
}

#[tokio::test]
async fn the_public_area_list_gives_codes_and_names_and_refuses_bad_input() {
    for app in TestApp::all().await {
        let get = |q: &str| app.http.get(app.url(&format!("/portal/areas.json{q}"))).send();
        let r = get("").await.unwrap();
        assert_eq!(r.status(), 200, "{}", app.backend);
        assert!(r.headers()["cache-control"].to_str().unwrap().starts_with("public"), "anyone may cache it");
        let v: serde_json::Value = r.json().await.unwrap();
        assert_eq!(v["parent"], serde_json::Value::Null);
        assert_eq!(v["items"][0], serde_json::json!({"code": "150102", "name": "新城区", "level": "district", "field": "district"}), "{v}");

        let v: serde_json::Value = get("?parent=150103003").await.unwrap().json().await.unwrap();
        assert_eq!(v["parent"]["name"], "光明路街道");
        let names: Vec<_> = v["items"].as_array().unwrap().iter().map(|a| a["name"].as_str().unwrap()).collect();
        assert_eq!(names, ["什拉门更社区", "巴彦淖尔北路社区"]);
        assert!(v["items"].as_array().unwrap().iter().all(|a| a["field"] == "area" && a.as_object().unwrap().len() == 4), "codes, names, levels: nothing more");
        let v: serde_json::Value = get("?parent=150103003030").await.unwrap().json().await.unwrap();
        assert_eq!(v["items"].as_array().unwrap().len(), 2);
        assert!(v["items"].as_array().unwrap().iter().all(|a| a["field"] == "grid"));

        for (q, status, key) in [
            ("?parent=150103003030G01", 400, "error-portal-area-level"),
            ("?parent=150199999999", 404, "error-portal-area-unknown"),
            ("?parent=%3Cscript%3E", 400, "error-portal-area-code"),
            ("?parent=" , 200, ""),
        ] {
            let r = get(q).await.unwrap();
            assert_eq!(r.status(), status, "{q}");
            let v: serde_json::Value = r.json().await.unwrap();
            if status != 200 {
                assert_eq!(v["error"], key, "{q}");
                assert!(v["message"].as_str().is_some_and(|m| !m.is_empty()));
            }
        }
        let en: serde_json::Value = get("?parent=150199999999&lang=en").await.unwrap().json().await.unwrap();
        assert!(en["message"].as_str().unwrap().starts_with("There is no such area"), "{en}");
    }
}
