use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::Serialize;
use utoipa::ToSchema;

use crate::AppState;

#[derive(Serialize, ToSchema)]
pub struct Health {
    /// `ok`, or `unavailable` when the database does not answer.
    pub status: &'static str,
    /// `sqlite` or `postgres`.
    pub database: &'static str,
    pub version: &'static str,
}

/// Liveness and readiness in one: answers 200 only when the database answers.
#[utoipa::path(get, path = "/healthz", tag = "platform",
    responses((status = 200, body = Health), (status = 503, body = Health)))]
pub async fn healthz(State(state): State<AppState>) -> (StatusCode, Json<Health>) {
    let store = &state.services.store;
    let ok = store.ping().await.is_ok();
    let health = Health {
        status: if ok { "ok" } else { "unavailable" },
        database: store.backend().as_str(),
        version: env!("CARGO_PKG_VERSION"),
    };
    (if ok { StatusCode::OK } else { StatusCode::SERVICE_UNAVAILABLE }, Json(health))
}
