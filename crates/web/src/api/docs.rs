//! The OpenAPI document and Swagger UI (served from the embedded swagger-ui-dist package).

use axum::Json;
use axum::response::Html;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

use super::{accounts, areas, attachments, audit, auth, boundaries, case_exports, case_queues, case_settings, cases, health, imports, mediation, oversight, registry, stats};
use super::{api_keys, mediator_stats, reports, search, submissions};
use crate::error::Problem;

#[derive(OpenApi)]
#[openapi(
    info(title = "Fengqiao API", description = "枫桥 grassroots-governance platform. Every operation is scoped to the caller's \
        home area subtree: things outside it answer 404. Errors are RFC 9457 problem+json in the request's language \
        (Accept-Language: zh-CN by default, en)."),
    paths(
        health::healthz, auth::issue_token, auth::revoke_token, auth::me,
        areas::get_one, areas::children, areas::create, areas::update, boundaries::import, boundaries::map,
        accounts::list, accounts::get_one, accounts::create, accounts::update,
        audit::list,
        registry::residents::list, registry::residents::get_one, registry::residents::create, registry::residents::update,
        registry::residents::reveal,
        registry::places::households, registry::places::household, registry::places::create_household,
        registry::places::estates, registry::places::create_estate, registry::places::create_building, registry::places::building,
        registry::people::list, registry::people::create, registry::people::organisations, registry::people::create_organisation,
        registry::people::serving, registry::people::set_duties,
        registry::serving::person, registry::serving::assign, registry::serving::unassign, registry::serving::set_head,
        imports::create, imports::get_one,
        registry::export::residents, registry::export::households, registry::export::estates, registry::export::people,
        registry::export::residents_csv, registry::export::households_csv, registry::export::estates_csv, registry::export::people_csv,
        cases::create, cases::list, cases::get_one, cases::timeline, cases::act, cases::act_named, cases::reveal_party, cases::categories,
        search::cases, search::similar,
        attachments::upload, attachments::list, attachments::download,
        case_queues::bulk_assign, case_queues::workload, case_exports::xlsx, case_exports::csv,
        case_settings::create_category, case_settings::change_category, case_settings::limits, case_settings::put_limits,
        case_settings::years, case_settings::year, case_settings::add_year,
        mediation::file, mediation::mediators, mediation::sessions, mediation::add_session, mediation::agreement, mediation::put_agreement,
        mediation::sign, mediation::agreement_pdf, mediation::apply, mediation::decide,
        oversight::inbox, oversight::read_one, oversight::read_all,
        oversight::webhooks, oversight::create_webhook, oversight::update_webhook, oversight::deliveries,
        stats::cases,
        reports::whole, reports::section,
        mediator_stats::mediators,
        api_keys::issue, api_keys::list, api_keys::revoke, submissions::get_one, submissions::reveal,
    ),
    components(schemas(Problem)),
    modifiers(&BearerAuth),
    tags((name = "areas", description = "The area tree: city → district → street → community → grid"),
         (name = "accounts", description = "Staff accounts, roles and scope"),
         (name = "audit", description = "The append-only, hash-chained audit log"),
         (name = "registry", description = "Estates, buildings, households, residents (personal data masked), people who serve"),
         (name = "cases", description = "Disputes, demands and hazards: intake, the workflow's actions, timelines and queues (parties' personal data masked)"),
         (name = "case settings", description = "Case categories, deadline limits and the working-day calendar, shared by every office and app node"),
         (name = "mediation", description = "A dispute's mediation file: sessions (调解笔录), the agreement (人民调解协议书) with its signatures and PDF, judicial confirmation (司法确认) within 30 days"),
         (name = "inbox", description = "The caller's in-app notices (站内信)"),
         (name = "webhooks", description = "Outbound webhook endpoints for other channels, signed with HMAC-SHA256"),
         (name = "figures", description = "Figures officials quote (排查, 化解, 化解率 …) for any area and period, from sums kept by every write and provable by a recount; mediators and partner mediation rooms"),
         (name = "open311", description = "API keys for Open311 clients and what came in with a case from outside (contact masked; revealed only with a reason); the Open311 GeoReport v2 surface itself is described at /open311/openapi.json"),
         (name = "reports", description = "Reports in words: an area's monthly, quarterly or yearly report as sentences in zh-CN or en, with the figures behind them"))
)]
pub struct ApiDoc;

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).description(Some("Token from POST /api/v1/auth/token")).build()),
        );
    }
}

pub async fn openapi_json() -> Json<utoipa::openapi::OpenApi> {
    Json(ApiDoc::openapi())
}

pub async fn swagger_page() -> Html<String> {
    Html(format!(
        r#"<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Fengqiao API</title><link rel="stylesheet" href="{css}"></head>
<body><main id="swagger-ui"></main><script src="{bundle}"></script><script src="{init}"></script></body></html>"#,
        css = crate::assets::url("vendor/swagger-ui-dist/swagger-ui.css"),
        bundle = crate::assets::url("vendor/swagger-ui-dist/swagger-ui-bundle.js"),
        init = crate::assets::url("docs.js"),
    ))
}
