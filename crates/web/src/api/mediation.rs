//! The mediation file of a dispute over the API: sessions, the agreement and its signatures,
//! the agreement as PDF, and judicial confirmation. Demands and hazards have no file (409).

use axum::Json;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use fengqiao_domain::model::mediation::{
    Agreement, AgreementDraft, ConfirmationApplication, ConfirmationDecision, ConfirmationWindow, JudicialConfirmation, MediationSession,
    Mediator, NewSession, Signer,
};
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::AppState;
use crate::api::cases::PartyView;
use crate::auth::ApiCaller;
use crate::error::{ApiError, ApiJson, ApiPath, Problem};

pub fn router() -> axum::Router<AppState> {
    use axum::routing::{get, post};
    axum::Router::new()
        .route("/api/v1/cases/{id}/mediation", get(file))
        .route("/api/v1/cases/{id}/mediation/mediators", get(mediators))
        .route("/api/v1/cases/{id}/mediation/sessions", get(sessions).post(add_session))
        .route("/api/v1/cases/{id}/mediation/agreement", get(agreement).put(put_agreement))
        .route("/api/v1/cases/{id}/mediation/agreement/sign", post(sign))
        .route("/api/v1/cases/{id}/mediation/agreement.pdf", get(agreement_pdf))
        .route("/api/v1/cases/{id}/mediation/judicial-confirmation", post(apply))
        .route("/api/v1/cases/{id}/mediation/judicial-confirmation/result", post(decide))
}

/// A PDF document, as bytes.
#[derive(ToSchema)]
#[schema(value_type = String, format = Binary)]
#[allow(dead_code)]
pub struct PdfFile(Vec<u8>);

/// A case's whole mediation file.
#[derive(Serialize, ToSchema)]
pub struct MediationFileView {
    pub case_id: Uuid,
    /// The case's parties (ID numbers and phones masked), whom sessions and the agreement name.
    pub parties: Vec<PartyView>,
    /// In the order they were held.
    pub sessions: Vec<MediationSession>,
    pub agreement: Option<Agreement>,
    pub judicial_confirmation: Option<JudicialConfirmation>,
    /// Present once the agreement has taken effect: the 30 days for judicial confirmation.
    pub confirmation_window: Option<ConfirmationWindow>,
    /// Whether the caller may write to the file: the handler, a supervisor of the handling
    /// tier, or a mediator whose scope covers the case.
    pub may_record: bool,
}

/// The mediation file: sessions, agreement, judicial confirmation and its window.
#[utoipa::path(get, path = "/api/v1/cases/{id}/mediation", tag = "mediation", security(("bearer" = [])), params(("id" = Uuid, Path)),
    responses((status = 200, body = MediationFileView), (status = 400, body = Problem, content_type = "application/problem+json"),
        (status = 401, body = Problem, content_type = "application/problem+json"), (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"), (status = 409, body = Problem, content_type = "application/problem+json")))]
pub async fn file(State(state): State<AppState>, caller: ApiCaller, ApiPath(id): ApiPath<Uuid>) -> Result<Json<MediationFileView>, ApiError> {
    let f = state.services.mediation_file(&caller.actor, id).await?;
    Ok(Json(MediationFileView {
        case_id: f.case.id,
        parties: f.parties.into_iter().map(PartyView::from).collect(),
        sessions: f.sessions,
        agreement: f.agreement,
        judicial_confirmation: f.confirmation,
        confirmation_window: f.window,
        may_record: f.may_record,
    }))
}

/// Who may be named as a mediator on this case: mediator accounts covering it, its handler,
/// and the registry's invited (特邀) and volunteer (乡里乡亲) mediators who serve there.
#[utoipa::path(get, path = "/api/v1/cases/{id}/mediation/mediators", tag = "mediation", security(("bearer" = [])), params(("id" = Uuid, Path)),
    responses((status = 200, body = Vec<Mediator>), (status = 400, body = Problem, content_type = "application/problem+json"),
        (status = 401, body = Problem, content_type = "application/problem+json"), (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"), (status = 409, body = Problem, content_type = "application/problem+json")))]
pub async fn mediators(State(state): State<AppState>, caller: ApiCaller, ApiPath(id): ApiPath<Uuid>) -> Result<Json<Vec<Mediator>>, ApiError> {
    Ok(Json(state.services.mediator_candidates(&caller.actor, id).await?))
}

/// The sessions (调解笔录) held on the case, in the order they were held.
#[utoipa::path(get, path = "/api/v1/cases/{id}/mediation/sessions", tag = "mediation", security(("bearer" = [])), params(("id" = Uuid, Path)),
    responses((status = 200, body = Vec<MediationSession>), (status = 400, body = Problem, content_type = "application/problem+json"),
        (status = 401, body = Problem, content_type = "application/problem+json"), (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"), (status = 409, body = Problem, content_type = "application/problem+json")))]
pub async fn sessions(State(state): State<AppState>, caller: ApiCaller, ApiPath(id): ApiPath<Uuid>) -> Result<Json<Vec<MediationSession>>, ApiError> {
    Ok(Json(state.services.mediation_sessions(&caller.actor, id).await?))
}

/// Records a session. Only while the case is in progress or with a partner room (else 409);
/// by the handler, a supervisor of the handling tier or a mediator in scope (else 403).
#[utoipa::path(post, path = "/api/v1/cases/{id}/mediation/sessions", tag = "mediation", security(("bearer" = [])), params(("id" = Uuid, Path)),
    request_body(content = NewSession, example = json!({
        "held_at": "2024-05-14T02:00:00Z", "place": "什拉门更社区调解室",
        "mediators": [{"user_id": "0190b2a4-7c1e-7cc0-9a52-1f0c3e0d9a01"}, {"person_id": "0190b2a4-7c1e-7cc0-9a52-1f0c3e0d9a02"}],
        "party_ids": ["0190b2a4-7c1e-7cc0-9a52-1f0c3e0d9a03"], "others": ["张敏（网格员）"],
        "record": "双方陈述了水费分摊的经过，调解员释明了相关规定……"})),
    responses((status = 201, body = MediationSession), (status = 400, body = Problem, content_type = "application/problem+json"),
        (status = 401, body = Problem, content_type = "application/problem+json"), (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"), (status = 409, body = Problem, content_type = "application/problem+json"),
        (status = 413, body = Problem, content_type = "application/problem+json"), (status = 415, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn add_session(State(state): State<AppState>, caller: ApiCaller, ApiPath(id): ApiPath<Uuid>, ApiJson(req): ApiJson<NewSession>) -> Result<(StatusCode, Json<MediationSession>), ApiError> {
    Ok((StatusCode::CREATED, Json(state.services.add_session(&caller.actor, id, req).await?)))
}

/// The agreement (人民调解协议书); 404 while none is written.
#[utoipa::path(get, path = "/api/v1/cases/{id}/mediation/agreement", tag = "mediation", security(("bearer" = [])), params(("id" = Uuid, Path)),
    responses((status = 200, body = Agreement), (status = 400, body = Problem, content_type = "application/problem+json"),
        (status = 401, body = Problem, content_type = "application/problem+json"), (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"), (status = 409, body = Problem, content_type = "application/problem+json")))]
pub async fn agreement(State(state): State<AppState>, caller: ApiCaller, ApiPath(id): ApiPath<Uuid>) -> Result<Json<Agreement>, ApiError> {
    Ok(Json(state.services.agreement(&caller.actor, id).await?))
}

/// Writes the agreement: `version` 0 the first time, then the version last read (409 when
/// stale). Rewriting voids signatures already given; once everyone has signed it is frozen (409).
#[utoipa::path(put, path = "/api/v1/cases/{id}/mediation/agreement", tag = "mediation", security(("bearer" = [])), params(("id" = Uuid, Path)),
    request_body(content = AgreementDraft, example = json!({
        "version": 0, "facts": "申请人王秀英租住被申请人李建国房屋，双方就2024年上半年水费分摊发生争议。",
        "terms": "一、被申请人按实际用量重新核算水费，退还申请人多收水费三百元。\n二、今后水费按分户水表读数结算。",
        "performance": "被申请人以现金方式一次性支付", "performance_due": "2024-05-31",
        "mediators": [{"user_id": "0190b2a4-7c1e-7cc0-9a52-1f0c3e0d9a01"}]})),
    responses((status = 200, body = Agreement), (status = 400, body = Problem, content_type = "application/problem+json"),
        (status = 401, body = Problem, content_type = "application/problem+json"), (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"), (status = 409, body = Problem, content_type = "application/problem+json"),
        (status = 413, body = Problem, content_type = "application/problem+json"), (status = 415, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn put_agreement(State(state): State<AppState>, caller: ApiCaller, ApiPath(id): ApiPath<Uuid>, ApiJson(req): ApiJson<AgreementDraft>) -> Result<Json<Agreement>, ApiError> {
    Ok(Json(state.services.save_agreement(&caller.actor, id, req).await?))
}

/// Records one signature on the paper agreement: a party's or the mediator's. The last one
/// makes it take effect that day; signing twice is a conflict.
#[utoipa::path(post, path = "/api/v1/cases/{id}/mediation/agreement/sign", tag = "mediation", security(("bearer" = [])), params(("id" = Uuid, Path)),
    request_body(content = Signer, example = json!({"signer": "party", "party_id": "0190b2a4-7c1e-7cc0-9a52-1f0c3e0d9a03"})),
    responses((status = 200, body = Agreement), (status = 400, body = Problem, content_type = "application/problem+json"),
        (status = 401, body = Problem, content_type = "application/problem+json"), (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"), (status = 409, body = Problem, content_type = "application/problem+json"),
        (status = 413, body = Problem, content_type = "application/problem+json"), (status = 415, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn sign(State(state): State<AppState>, caller: ApiCaller, ApiPath(id): ApiPath<Uuid>, ApiJson(req): ApiJson<Signer>) -> Result<Json<Agreement>, ApiError> {
    Ok(Json(state.services.sign_agreement(&caller.actor, id, req).await?))
}

/// The agreement as an A4 PDF in the official layout, ID numbers masked.
#[utoipa::path(get, path = "/api/v1/cases/{id}/mediation/agreement.pdf", tag = "mediation", security(("bearer" = [])), params(("id" = Uuid, Path)),
    responses((status = 200, description = "The agreement", content_type = "application/pdf", body = PdfFile),
        (status = 400, body = Problem, content_type = "application/problem+json"),
        (status = 401, body = Problem, content_type = "application/problem+json"), (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"), (status = 409, body = Problem, content_type = "application/problem+json")))]
pub async fn agreement_pdf(State(state): State<AppState>, caller: ApiCaller, ApiPath(id): ApiPath<Uuid>) -> Result<Response, ApiError> {
    let doc = crate::documents::agreement_document(&state, &caller.actor, id).await?;
    let bytes = crate::documents::pdf(&state, &doc).await?;
    Ok(pdf_response(bytes, &doc.number))
}

pub(crate) fn pdf_response(bytes: Vec<u8>, number: &str) -> Response {
    let name: String = number.chars().filter(|c| c.is_ascii_alphanumeric() || *c == '-').collect();
    (
        [(header::CONTENT_TYPE, "application/pdf".to_string()), (header::CONTENT_DISPOSITION, format!("inline; filename=\"agreement-{name}.pdf\""))],
        bytes,
    )
        .into_response()
}

/// Records the parties' joint application to a court. Needs an agreement everyone signed;
/// `applied_on` must fall within 30 days of it taking effect (422 after that).
#[utoipa::path(post, path = "/api/v1/cases/{id}/mediation/judicial-confirmation", tag = "mediation", security(("bearer" = [])), params(("id" = Uuid, Path)),
    request_body(content = ConfirmationApplication, example = json!({"applied_on": "2024-05-20", "court": "呼和浩特市回民区人民法院"})),
    responses((status = 201, body = JudicialConfirmation), (status = 400, body = Problem, content_type = "application/problem+json"),
        (status = 401, body = Problem, content_type = "application/problem+json"), (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"), (status = 409, body = Problem, content_type = "application/problem+json"),
        (status = 413, body = Problem, content_type = "application/problem+json"), (status = 415, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn apply(State(state): State<AppState>, caller: ApiCaller, ApiPath(id): ApiPath<Uuid>, ApiJson(req): ApiJson<ConfirmationApplication>) -> Result<(StatusCode, Json<JudicialConfirmation>), ApiError> {
    Ok((StatusCode::CREATED, Json(state.services.apply_for_confirmation(&caller.actor, id, req).await?)))
}

/// Records the court's answer (confirmed or refused) to the application.
#[utoipa::path(post, path = "/api/v1/cases/{id}/mediation/judicial-confirmation/result", tag = "mediation", security(("bearer" = [])), params(("id" = Uuid, Path)),
    request_body(content = ConfirmationDecision, example = json!({"result": "confirmed", "decided_on": "2024-05-28"})),
    responses((status = 200, body = JudicialConfirmation), (status = 400, body = Problem, content_type = "application/problem+json"),
        (status = 401, body = Problem, content_type = "application/problem+json"), (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"), (status = 409, body = Problem, content_type = "application/problem+json"),
        (status = 413, body = Problem, content_type = "application/problem+json"), (status = 415, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn decide(State(state): State<AppState>, caller: ApiCaller, ApiPath(id): ApiPath<Uuid>, ApiJson(req): ApiJson<ConfirmationDecision>) -> Result<Json<JudicialConfirmation>, ApiError> {
    Ok(Json(state.services.decide_confirmation(&caller.actor, id, req).await?))
}
