//! Setting a building's head (楼栋长) or an entrance's head (单元长) from the building page:
//! one form, the place and the person, where the person is a head on record or a resident
//! of the building who becomes one.

use axum::extract::{Path, State};
use axum::http::Uri;
use axum::response::{IntoResponse, Redirect, Response};
use fengqiao_domain::DomainError;
use fengqiao_domain::services::registry::{BuildingView, HeadPick};
use serde::Deserialize;
use uuid::Uuid;

use super::places::show_building;
use crate::AppState;
use crate::auth::{PageCaller, SignedIn};
use crate::error::{PageError, PageForm};
use crate::i18n::Lang;

/// What was chosen, kept when the form is shown again.
#[derive(Deserialize, Default)]
pub struct HeadForm {
    /// `building`, or an entrance's id.
    #[serde(default)]
    pub place: String,
    /// `none`, `person:<id>` or `resident:<id>`.
    #[serde(default)]
    pub head: String,
}

/// The choices of the head form, as (value, label).
#[derive(Default)]
pub struct HeadChoices {
    pub building_heads: Vec<(String, String)>,
    pub entrance_heads: Vec<(String, String)>,
    pub residents: Vec<(String, String)>,
}

pub async fn choices(state: &AppState, c: &PageCaller, v: &BuildingView) -> Result<HeadChoices, DomainError> {
    let candidates = state.services.head_candidates(&c.actor, v.building.id).await?;
    let entrance_name = |id: Option<Uuid>| v.entrances.iter().find(|e| Some(e.id) == id).map(|e| e.name.as_str()).unwrap_or("");
    let person = |p: fengqiao_domain::model::Person| {
        let label = match p.phone {
            Some(phone) => format!("{} · {}", p.name, phone.masked),
            None => p.name,
        };
        (format!("person:{}", p.id), label)
    };
    let residents = v
        .households
        .iter()
        .flat_map(|(h, rs)| {
            let room = format!("{}{}", entrance_name(h.entrance_id), h.room.as_deref().unwrap_or(""));
            rs.iter().filter(|r| !r.moved_out).map(move |r| (format!("resident:{}", r.id), format!("{} · {}", r.name, room)))
        })
        .collect();
    Ok(HeadChoices {
        building_heads: candidates.building_heads.into_iter().map(person).collect(),
        entrance_heads: candidates.entrance_heads.into_iter().map(person).collect(),
        residents,
    })
}

fn parse(f: &HeadForm) -> Result<(Option<Uuid>, HeadPick), DomainError> {
    let place = match f.place.as_str() {
        "building" => None,
        other => Some(other.parse().map_err(|_| DomainError::invalid("place", "error-entrance"))?),
    };
    let id = |s: &str| s.parse::<Uuid>().map_err(|_| DomainError::invalid("head", "error-head-pick"));
    let pick = match f.head.split_once(':') {
        _ if f.head == "none" => HeadPick::Nobody,
        Some(("person", p)) => HeadPick::Person(id(p)?),
        Some(("resident", r)) => HeadPick::Resident(id(r)?),
        _ => return Err(DomainError::invalid("head", "error-head-pick")),
    };
    Ok((place, pick))
}

pub async fn set(State(state): State<AppState>, l: Lang, uri: Uri, SignedIn(c): SignedIn, Path(id): Path<Uuid>, PageForm(f): PageForm<HeadForm>) -> Result<Response, PageError> {
    let result = match parse(&f) {
        Ok((entrance, pick)) => state.services.set_head(&c.actor, id, entrance, pick).await,
        Err(e) => Err(e),
    };
    match result {
        Ok(_) => Ok(Redirect::to(&format!("/buildings/{id}?ok=head-set#heads-h")).into_response()),
        // A person or resident that cannot be found is a wrong choice in this form, said
        // beside it; the building itself not being found is still the not-found page.
        // Without the permission there is no form to show the refusal beside: the error page says it.
        Err(e @ DomainError::Forbidden(_)) => Err(e.into()),
        Err(e @ (DomainError::NotFound("error-person-not-found") | DomainError::NotFound("error-resident-not-found"))) => {
            show_building(&state, l, &c, &uri, id, None, f, Some(l.t(e.code())), axum::http::StatusCode::UNPROCESSABLE_ENTITY).await
        }
        Err(e) => match crate::ui::refused(&e) {
            Some(status) => show_building(&state, l, &c, &uri, id, None, f, Some(l.t(e.code())), status).await,
            None => Err(e.into()),
        },
    }
}
