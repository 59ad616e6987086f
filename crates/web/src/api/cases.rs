//! Cases over the API: intake, the case and its timeline, the lists a caller works from,
//! and one endpoint for every workflow action. Parties' ID numbers and phones are masked in
//! every answer.

use axum::Json;
use chrono::NaiveDate;
use axum::extract::State;
use axum::http::StatusCode;
use fengqiao_domain::DomainError;
use fengqiao_domain::model::case::{
    ActionKind, Case, CaseAction, CaseDraft, CaseKind, CaseStatus, Category, Channel, GeoPoint, HandlingLevel, NewParty, Party, PartyKind,
    PartyRole, RiskLevel, TimelineEntry,
};
use fengqiao_domain::services::cases::{CaseList, CaseQueue, NewCase};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use crate::AppState;
use crate::api::page_limit;
use crate::api::registry::next_after;
use crate::auth::ApiCaller;
use crate::error::{ApiError, ApiJson, ApiPath, ApiQuery, Problem};

/// A party as every answer shows it: ID number and phone masked.
#[derive(Serialize, ToSchema)]
pub struct PartyView {
    pub id: Uuid,
    pub role: PartyRole,
    pub kind: PartyKind,
    pub resident_id: Option<Uuid>,
    pub name: String,
    /// Masked, e.g. `150102********1234`.
    pub id_number: Option<String>,
    /// Masked, e.g. `138****5678`.
    pub phone: Option<String>,
}

impl From<Party> for PartyView {
    fn from(p: Party) -> Self {
        PartyView {
            id: p.id,
            role: p.role,
            kind: p.kind,
            resident_id: p.resident_id,
            name: p.name,
            id_number: p.id_number.map(|x| x.masked),
            phone: p.phone.map(|x| x.masked),
        }
    }
}

/// A case with its parties and what the caller can do to it now.
#[derive(Serialize, ToSchema)]
pub struct CaseDetail {
    #[serde(flatten)]
    pub case: Case,
    pub parties: Vec<PartyView>,
    /// Actions the caller may take now; send one to `POST /api/v1/cases/{id}/actions`.
    pub allowed_actions: Vec<ActionKind>,
}

#[derive(Serialize, ToSchema)]
pub struct CasePage {
    pub items: Vec<Case>,
    /// Pass as `after` for the next page; absent on the last page.
    pub next_after: Option<Uuid>,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateCase {
    pub kind: CaseKind,
    /// A code of the kind's category tree, see `GET /api/v1/case-categories`.
    #[schema(example = "tenancy.utilities")]
    pub category: String,
    #[schema(example = "租户与房东水费纠纷", min_length = 1, max_length = 100)]
    pub title: String,
    #[serde(default)]
    #[schema(max_length = 5000)]
    pub description: String,
    /// The home area (属地): a grid, community, street or district in the caller's scope.
    pub area_id: Uuid,
    #[schema(max_length = 200)]
    pub address: Option<String>,
    pub point: Option<GeoPoint>,
    pub channel: Channel,
    /// `ordinary` when absent.
    pub risk: Option<RiskLevel>,
    /// Who reported, when not the caller.
    pub reporter_name: Option<String>,
    /// A dispute needs an applicant and a respondent; demands and hazards may have none.
    #[serde(default)]
    pub parties: Vec<NewParty>,
}

/// Takes in a case (排查). The number is allocated per district and year; the case starts
/// `reported` at the tier of its area, with no deadline until it is accepted.
#[utoipa::path(post, path = "/api/v1/cases", tag = "cases", security(("bearer" = [])), request_body = CreateCase,
    responses((status = 201, body = CaseDetail), (status = 400, body = Problem, content_type = "application/problem+json"),
        (status = 401, body = Problem, content_type = "application/problem+json"), (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"), (status = 413, body = Problem, content_type = "application/problem+json"),
        (status = 415, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn create(State(state): State<AppState>, caller: ApiCaller, ApiJson(req): ApiJson<CreateCase>) -> Result<(StatusCode, Json<CaseDetail>), ApiError> {
    let draft = CaseDraft {
        kind: req.kind,
        category: req.category,
        title: req.title,
        description: req.description,
        area_id: req.area_id,
        address: req.address,
        point: req.point,
        channel: req.channel,
        risk: req.risk.unwrap_or(RiskLevel::Ordinary),
        reporter_name: req.reporter_name,
    };
    let s = &state.services;
    let (case, parties) = s.report_case(&caller.actor, NewCase { draft, parties: req.parties }).await?;
    let allowed = fengqiao_domain::rules::workflow::allowed_actions(&case, &caller.actor);
    Ok((StatusCode::CREATED, Json(CaseDetail { case, parties: parties.into_iter().map(PartyView::from).collect(), allowed_actions: allowed })))
}

/// The filters of the case list, declared once for every endpoint that takes them (the list
/// and its exports), with what each endpoint adds.
macro_rules! case_filters {
    ($(#[$m:meta])* pub struct $name:ident { $($extra:tt)* }) => {
        #[derive(Deserialize, IntoParams)]
        #[into_params(parameter_in = Query)]
        $(#[$m])*
        pub struct $name {
            /// Area code in the caller's scope; the caller's home area when absent.
            pub area: Option<String>,
            /// `area` (default): cases lying in the area's subtree. `handling`: the queue of the
            /// area's own office, i.e. cases that tier handles now.
            #[param(inline)]
            pub queue: Option<QueueParam>,
            /// Only cases the caller handles.
            pub mine: Option<bool>,
            pub status: Option<CaseStatus>,
            pub kind: Option<CaseKind>,
            /// A category code; its subcategories match too.
            pub category: Option<String>,
            /// Only open cases past their deadline.
            pub overdue: Option<bool>,
            /// The tier handling it now: `community`, `street` or `district`.
            pub level: Option<HandlingLevel>,
            /// Only cases this account handles.
            pub assignee: Option<Uuid>,
            /// Taken in on or after this date (Asia/Shanghai), `YYYY-MM-DD`.
            #[param(value_type = Option<String>, format = Date, example = "2024-01-01")]
            pub from: Option<NaiveDate>,
            /// Taken in on or before this date (Asia/Shanghai), `YYYY-MM-DD`.
            #[param(value_type = Option<String>, format = Date, example = "2024-12-31")]
            pub to: Option<NaiveDate>,
            /// Only cases with an open supervision order (督办).
            pub supervised: Option<bool>,
            /// Only cases with an extension request waiting for a decision.
            pub extension_pending: Option<bool>,
            /// Only cases still being worked on: neither closed nor declined.
            pub open: Option<bool>,
            $($extra)*
        }

        impl $name {
            /// The filters as the domain takes them, from the first page.
            pub fn case_list(&self) -> CaseList {
                CaseList {
                    area_code: self.area.clone(),
                    queue: match self.queue {
                        Some(QueueParam::Handling) => CaseQueue::Handling,
                        _ => CaseQueue::Area,
                    },
                    mine: self.mine.unwrap_or(false),
                    status: self.status,
                    kind: self.kind,
                    category: self.category.clone(),
                    overdue: self.overdue.unwrap_or(false),
                    level: self.level,
                    assignee: self.assignee,
                    from: self.from,
                    to: self.to,
                    supervised: self.supervised.unwrap_or(false),
                    extension_pending: self.extension_pending.unwrap_or(false),
                    open_only: self.open.unwrap_or(false),
                    before: None,
                    limit: 0,
                }
            }
        }
    };
}
pub(crate) use case_filters;

case_filters!(
    pub struct CaseListQuery {
        /// `next_after` of the previous page.
        pub after: Option<Uuid>,
        #[param(minimum = 1, maximum = 200)]
        pub limit: Option<i64>,
    }
);

case_filters!(
    /// The list's filters, unpaged. Unlike the list, a parameter the export does not know is
    /// refused (422): a mistyped filter must not silently widen a file that leaves the system.
    #[serde(deny_unknown_fields)]
    pub struct CaseExportQuery {
        /// The language of the headers and labels: `zh-CN` (default) or `en`.
        #[param(example = "zh-CN")]
        pub lang: Option<String>,
    }
);

#[derive(Deserialize, ToSchema, Clone, Copy)]
#[serde(rename_all = "snake_case")]
pub enum QueueParam {
    Area,
    Handling,
}

/// Cases in the caller's scope, newest first, keyset-paginated; never counted in full.
#[utoipa::path(get, path = "/api/v1/cases", tag = "cases", security(("bearer" = [])), params(CaseListQuery),
    responses((status = 200, body = CasePage), (status = 400, body = Problem, content_type = "application/problem+json"),
        (status = 401, body = Problem, content_type = "application/problem+json"), (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn list(State(state): State<AppState>, caller: ApiCaller, ApiQuery(q): ApiQuery<CaseListQuery>) -> Result<Json<CasePage>, ApiError> {
    let limit = page_limit(q.limit)?;
    let query = CaseList { before: q.after, limit, ..q.case_list() };
    let items = state.services.cases(&caller.actor, query).await?;
    let next = next_after(&items, limit, |c| c.id);
    Ok(Json(CasePage { items, next_after: next }))
}

#[utoipa::path(get, path = "/api/v1/cases/{id}", tag = "cases", security(("bearer" = [])), params(("id" = Uuid, Path)),
    responses((status = 200, body = CaseDetail), (status = 400, body = Problem, content_type = "application/problem+json"),
        (status = 401, body = Problem, content_type = "application/problem+json"), (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn get_one(State(state): State<AppState>, caller: ApiCaller, ApiPath(id): ApiPath<Uuid>) -> Result<Json<CaseDetail>, ApiError> {
    let f = state.services.case_file(&caller.actor, id).await?;
    Ok(Json(CaseDetail { case: f.case, parties: f.parties.into_iter().map(PartyView::from).collect(), allowed_actions: f.allowed }))
}

/// Every step of the case, oldest first, intake included.
#[utoipa::path(get, path = "/api/v1/cases/{id}/timeline", tag = "cases", security(("bearer" = [])), params(("id" = Uuid, Path)),
    responses((status = 200, body = Vec<TimelineEntry>), (status = 400, body = Problem, content_type = "application/problem+json"),
        (status = 401, body = Problem, content_type = "application/problem+json"), (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn timeline(State(state): State<AppState>, caller: ApiCaller, ApiPath(id): ApiPath<Uuid>) -> Result<Json<Vec<TimelineEntry>>, ApiError> {
    Ok(Json(state.services.case_timeline(&caller.actor, id).await?))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ActRequest {
    /// The case's `version` as the caller last saw it; if someone acted since, 409.
    #[schema(minimum = 1)]
    pub expected_version: i64,
    #[schema(example = json!({"action": "escalate", "reason": "涉及多个社区，需街道协调"}))]
    pub action: CaseAction,
}

#[derive(Serialize, ToSchema)]
pub struct ActResult {
    pub case: Case,
    pub entry: TimelineEntry,
    /// The deadline could not be set because the working-day calendar lacks the year; an
    /// administrator must add it. The action itself was recorded.
    pub calendar_gap: bool,
}

/// Takes one workflow action. 409 when the case moved since `expected_version` or the action
/// is not possible in its status (the problem's detail lists what is possible now); 403 when
/// the caller may not take it here; 422 when a required reason or field is missing.
#[utoipa::path(post, path = "/api/v1/cases/{id}/actions", tag = "cases", security(("bearer" = [])), request_body = ActRequest, params(("id" = Uuid, Path)),
    responses((status = 200, body = ActResult), (status = 400, body = Problem, content_type = "application/problem+json"),
        (status = 401, body = Problem, content_type = "application/problem+json"), (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"), (status = 409, body = Problem, content_type = "application/problem+json"),
        (status = 413, body = Problem, content_type = "application/problem+json"), (status = 415, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn act(State(state): State<AppState>, caller: ApiCaller, ApiPath(id): ApiPath<Uuid>, ApiJson(req): ApiJson<ActRequest>) -> Result<Json<ActResult>, ApiError> {
    let s = &state.services;
    match s.act(&caller.actor, id, req.expected_version, req.action).await {
        Ok(o) => Ok(Json(ActResult { case: o.case, entry: o.entry, calendar_gap: o.calendar_gap })),
        Err(e @ DomainError::Conflict("error-case-action-not-allowed-now")) => {
            // Name what is possible instead, so the client can offer it.
            let allowed = s.allowed_actions(&caller.actor, id).await.unwrap_or_default();
            let list = allowed.iter().map(|a| a.as_str()).collect::<Vec<_>>().join(", ");
            Err(ApiError(e, Some(if list.is_empty() { "-".into() } else { list })))
        }
        Err(e) => Err(e.into()),
    }
}

/// The body of `POST /api/v1/cases/{id}/actions/{action}`: the version the caller saw and
/// the action's own fields, flat (what `CaseAction` lists under that action's name).
#[derive(Deserialize, ToSchema)]
#[schema(example = json!({"expected_version": 3, "reason": "涉及多个社区，需街道协调"}))]
pub struct NamedActRequest {
    /// The case's `version` as the caller last saw it; if someone acted since, 409.
    #[schema(minimum = 1)]
    pub expected_version: i64,
    /// The action's fields, e.g. `reason` for `escalate`, `handler_id` for `assign`,
    /// `outcome` and `summary` for `conclude` (see the `CaseAction` schema).
    #[serde(flatten)]
    #[schema(value_type = Object)]
    pub fields: serde_json::Map<String, serde_json::Value>,
}

/// Takes one workflow action named in the path (the glossary's names: `accept`, `decline`,
/// `assign`, `escalate`, `dispatch_down`, `return`, `put_in_backlog`, …). Same rules and
/// answers as `POST /api/v1/cases/{id}/actions`: 409 with what is possible now, 403, 422.
#[utoipa::path(post, path = "/api/v1/cases/{id}/actions/{action}", tag = "cases", security(("bearer" = [])), request_body = NamedActRequest,
    params(("id" = Uuid, Path), ("action" = ActionKind, Path, description = "The action's name")),
    responses((status = 200, body = ActResult), (status = 400, body = Problem, content_type = "application/problem+json"),
        (status = 401, body = Problem, content_type = "application/problem+json"), (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"), (status = 409, body = Problem, content_type = "application/problem+json"),
        (status = 413, body = Problem, content_type = "application/problem+json"), (status = 415, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn act_named(
    State(state): State<AppState>,
    caller: ApiCaller,
    ApiPath((id, name)): ApiPath<(Uuid, String)>,
    ApiJson(req): ApiJson<NamedActRequest>,
) -> Result<Json<ActResult>, ApiError> {
    let kind = ActionKind::parse(&name)?;
    if kind == ActionKind::Report {
        // The intake is `POST /api/v1/cases`; it has no action form.
        return Err(DomainError::invalid("action", "error-case-action").into());
    }
    let mut fields = req.fields;
    // The path names the action; a body naming another one is a client error, not a choice.
    match fields.get("action") {
        Some(serde_json::Value::String(a)) if a == kind.as_str() => {}
        None => {}
        Some(_) => return Err(DomainError::invalid("action", "error-case-action").into()),
    }
    fields.insert("action".into(), serde_json::Value::String(kind.as_str().into()));
    let action: CaseAction = serde_json::from_value(serde_json::Value::Object(fields)).map_err(|e| ApiError(DomainError::invalid("body", "error-json-fields"), Some(e.to_string())))?;
    act(State(state), caller, ApiPath(id), ApiJson(ActRequest { expected_version: req.expected_version, action })).await
}

/// A party's full ID number or phone, for a stated reason. Needs the reveal permission in the
/// case's area; every reveal is written to the audit log (never the value).
#[utoipa::path(post, path = "/api/v1/cases/{id}/parties/{party_id}/reveal", tag = "cases", security(("bearer" = [])),
    request_body = crate::api::registry::residents::RevealRequest, params(("id" = Uuid, Path), ("party_id" = Uuid, Path)),
    responses((status = 200, body = crate::api::registry::residents::Revealed), (status = 400, body = Problem, content_type = "application/problem+json"),
        (status = 401, body = Problem, content_type = "application/problem+json"), (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"), (status = 413, body = Problem, content_type = "application/problem+json"),
        (status = 415, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn reveal_party(
    State(state): State<AppState>,
    caller: ApiCaller,
    ApiPath((id, party_id)): ApiPath<(Uuid, Uuid)>,
    ApiJson(req): ApiJson<crate::api::registry::residents::RevealRequest>,
) -> Result<Json<crate::api::registry::residents::Revealed>, ApiError> {
    let value = state.services.reveal_party(&caller.actor, id, party_id, req.field.into(), &req.reason).await?;
    Ok(Json(crate::api::registry::residents::Revealed { value }))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CategoryQuery {
    /// One kind's categories; all kinds when absent.
    pub kind: Option<CaseKind>,
}

/// The category tree, parents before their children (`neighbour`, `neighbour.noise`, …).
#[utoipa::path(get, path = "/api/v1/case-categories", tag = "cases", security(("bearer" = [])), params(CategoryQuery),
    responses((status = 200, body = Vec<Category>), (status = 400, body = Problem, content_type = "application/problem+json"),
        (status = 401, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn categories(State(state): State<AppState>, _caller: ApiCaller, ApiQuery(q): ApiQuery<CategoryQuery>) -> Result<Json<Vec<Category>>, ApiError> {
    let settings = state.services.case_settings().await?;
    let tree = &settings.categories;
    let kinds: Vec<CaseKind> = match q.kind {
        Some(k) => vec![k],
        None => CaseKind::ALL.to_vec(),
    };
    Ok(Json(kinds.into_iter().flat_map(|k| tree.of_kind(k).cloned().collect::<Vec<_>>()).collect()))
}
