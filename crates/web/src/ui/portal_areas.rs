//! The portal's place choice, district → street → community → grid. Without JavaScript each
//! step's button posts the form back and the page returns with the next list and everything
//! typed; with it, `portal.js` fetches the next list from `/portal/areas.json`, which answers
//! only codes, names and levels (public facts) and may be cached by anyone.

use axum::Json;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use fengqiao_domain::DomainError;
use fengqiao_domain::model::{Area, AreaLevel};
use fengqiao_domain::services::submissions::AreaSteps;
use serde::{Deserialize, Serialize};

use super::portal::Choice;
use crate::AppState;
use crate::error::PageError;
use crate::i18n::Lang;

/// One select of the choice as the form draws it; steps not reached yet are drawn hidden and
/// disabled, for the script to fill in.
pub struct StepView {
    pub field: &'static str,
    pub label: String,
    pub placeholder: String,
    pub options: Vec<Choice>,
    pub shown: bool,
    /// The button that lists the next step's choices when there is no script.
    pub next: Option<String>,
}

/// The form field of each step; the community's is `area`, the field the form always had.
pub fn field_of(level: AreaLevel) -> &'static str {
    match level {
        AreaLevel::City | AreaLevel::District => "district",
        AreaLevel::Street => "street",
        AreaLevel::Community => "area",
        AreaLevel::Grid => "grid",
    }
}

pub fn step_views(l: Lang, resolved: &AreaSteps) -> Vec<StepView> {
    [AreaLevel::District, AreaLevel::Street, AreaLevel::Community, AreaLevel::Grid]
        .into_iter()
        .map(|level| {
            let step = resolved.steps.iter().find(|s| s.level == level);
            let chosen = step.and_then(|s| s.chosen.as_ref()).map(|a| a.id);
            let options = step
                .map(|s| s.options.iter().map(|a| Choice { value: a.code.as_str().to_string(), label: a.name.clone(), selected: Some(a.id) == chosen }).collect())
                .unwrap_or_default();
            let key = level.as_str();
            StepView {
                field: field_of(level),
                label: l.t(&format!("portal-area-{key}")),
                placeholder: l.t(&format!("portal-area-choose-{key}")),
                options,
                shown: step.is_some(),
                next: (level != AreaLevel::Grid).then(|| l.t(&format!("portal-area-next-{key}"))),
            }
        })
        .collect()
}

#[derive(Deserialize)]
pub struct OptionsQuery {
    parent: Option<String>,
}

#[derive(Serialize)]
struct Item {
    code: String,
    name: String,
    level: &'static str,
    /// The form field this area is chosen in.
    field: &'static str,
}

impl From<&Area> for Item {
    fn from(a: &Area) -> Item {
        Item { code: a.code.as_str().to_string(), name: a.name.clone(), level: a.level.as_str(), field: field_of(a.level) }
    }
}

#[derive(Serialize)]
struct Options {
    parent: Option<Item>,
    items: Vec<Item>,
}

fn refusal(l: Lang, status: StatusCode, key: &str) -> Response {
    (status, Json(serde_json::json!({"error": key, "message": l.t(key)}))).into_response()
}

/// `GET /portal/areas.json?parent=CODE`: the areas a resident may choose under an area, or the
/// districts without one.
pub async fn options(State(state): State<AppState>, l: Lang, q: Result<Query<OptionsQuery>, QueryRejection>) -> Response {
    let Ok(Query(q)) = q else { return refusal(l, StatusCode::BAD_REQUEST, "error-portal-area-code") };
    match state.services.portal_area_options(q.parent.as_deref()).await {
        Ok((parent, children)) => {
            let body = Options { parent: parent.as_ref().map(Item::from), items: children.iter().map(Item::from).collect() };
            let mut res = Json(body).into_response();
            // Areas change a few times a year; ten minutes of staleness costs nothing.
            res.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("public, max-age=600"));
            res
        }
        Err(DomainError::NotFound(k)) => refusal(l, StatusCode::NOT_FOUND, k),
        Err(DomainError::Invalid { key, .. }) => refusal(l, StatusCode::BAD_REQUEST, key),
        Err(e) => PageError(e).into_response(),
    }
}

/// The status a GET of the form answers for a bad code in its link.
pub fn link_status(e: &DomainError) -> StatusCode {
    match e {
        DomainError::NotFound(_) => StatusCode::NOT_FOUND,
        _ => StatusCode::BAD_REQUEST,
    }
}
