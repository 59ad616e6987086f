//! The Open311 shapes, built once as JSON values and written as JSON or XML.

use chrono::{DateTime, FixedOffset, Utc};
use fengqiao_domain::model::case::{CaseKind, CaseStatus, Category, TimelineEntry};
use fengqiao_domain::model::submission::{open311_status, service_code};
use fengqiao_domain::services::submissions::{PublicCase, RESPONDENT_ATTRIBUTE, RISK_ATTRIBUTE};
use serde_json::{Value, json};

use crate::i18n::Lang;

/// W3C datetimes in China Standard Time, as a Chinese client expects to read them.
pub fn w3c(t: &DateTime<Utc>) -> String {
    let cst = FixedOffset::east_opt(8 * 3600).expect("UTC+8 is a valid offset");
    t.with_timezone(&cst).to_rfc3339_opts(chrono::SecondsFormat::Secs, false)
}

fn name(l: Lang, c: &Category) -> &str {
    match l {
        Lang::ZhCn => &c.name_zh,
        Lang::En => &c.name_en,
    }
}

fn kind_label(l: Lang, k: CaseKind) -> String {
    l.t(&format!("case-kind-{}", k.as_str()))
}

pub fn service(l: Lang, c: &Category) -> Value {
    json!({
        "service_code": service_code(c.kind, c.code.as_str()),
        "service_name": name(l, c),
        "description": format!("{} · {}", kind_label(l, c.kind), name(l, c)),
        // Every service has at least the risk attribute, so clients read the definition.
        "metadata": true,
        "type": "realtime",
        "keywords": c.code.as_str().replace('.', ","),
        "group": kind_label(l, c.kind),
    })
}

pub fn definition(l: Lang, c: &Category) -> Value {
    let risks: Vec<Value> = ["ordinary", "major", "grave"]
        .iter()
        .map(|r| json!({"key": r, "name": l.t(&format!("case-risk-{r}"))}))
        .collect();
    let mut attributes = vec![json!({
        "variable": true, "code": RISK_ATTRIBUTE, "datatype": "singlevaluelist", "required": false,
        "datatype_description": l.t("open311-risk-datatype"), "order": 1, "description": l.t("open311-risk-description"), "values": risks,
    })];
    if c.kind == CaseKind::Dispute {
        attributes.push(json!({
            "variable": true, "code": RESPONDENT_ATTRIBUTE, "datatype": "string", "required": true,
            "datatype_description": l.t("open311-respondent-datatype"), "order": 2, "description": l.t("open311-respondent-description"),
        }));
    }
    json!({"service_code": service_code(c.kind, c.code.as_str()), "attributes": attributes})
}

/// What the outside is told about where the case stands: the status while open; the
/// outcome (or the refusal) once closed.
fn status_notes(l: Lang, p: &PublicCase) -> String {
    let c = &p.case;
    match (c.status, c.outcome) {
        (CaseStatus::Declined, _) => match p.decline_note.as_deref() {
            Some(n) => format!("{}：{n}", l.t("case-status-declined")),
            None => l.t("case-status-declined"),
        },
        (_, Some(o)) => l.t(&format!("case-outcome-{}", o.as_str().replace('_', "-"))),
        (s, None) => l.t(&format!("case-status-{}", s.as_str().replace('_', "-"))),
    }
}

pub fn request(l: Lang, p: &PublicCase) -> Value {
    let c = &p.case;
    let code = service_code(c.kind, c.category.as_str());
    // A dispute's account names neighbours and family: it stays with the office.
    let description = if c.kind == CaseKind::Dispute { String::new() } else { c.description.clone() };
    let area_code = fengqiao_domain::model::Area::path_codes(&c.area_path).last().map(|s| s.to_string());
    json!({
        "service_request_id": c.number.as_str(),
        "token": p.submission.token.as_str(),
        "status": open311_status(c.status),
        "status_notes": status_notes(l, p),
        "service_name": p.category.as_ref().map(|x| name(l, x).to_string()).unwrap_or_else(|| code.clone()),
        "service_code": code,
        "description": description,
        "agency_responsible": p.agency,
        "service_notice": "",
        "requested_datetime": w3c(&c.created_at),
        "updated_datetime": w3c(&c.updated_at),
        "expected_datetime": c.deadline.as_ref().map(w3c),
        "address": c.address,
        "address_id": area_code,
        "zipcode": null,
        "lat": c.point.map(|p| p.lat),
        "long": c.point.map(|p| p.lon),
        "media_url": p.submission.media_url,
    })
}

/// One entry of the FixMyStreet update feed.
pub fn update(l: Lang, number: &str, e: &TimelineEntry) -> Value {
    json!({
        "update_id": format!("{number}-{}", e.version),
        "service_request_id": number,
        "status": open311_status(e.to_status),
        "updated_datetime": w3c(&e.at),
        "description": l.t(&format!("case-status-{}", e.to_status.as_str().replace('_', "-"))),
        "media_url": null,
    })
}
