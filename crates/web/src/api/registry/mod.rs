//! The registry over the API: places, households, residents (personal data masked), people
//! who serve and organisations.

pub(crate) mod export;
pub(crate) mod people;
pub(crate) mod places;
pub(crate) mod residents;
pub(crate) mod serving;

use axum::Router;
use axum::routing::{get, post, put};

use crate::AppState;

pub use people::{OrganisationView, PersonView};
pub use places::{BuildingDetail, EstateView, HouseholdView};
pub use residents::ResidentView;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/residents", get(residents::list).post(residents::create))
        .route("/api/v1/residents/export.xlsx", get(export::residents))
        .route("/api/v1/households/export.xlsx", get(export::households))
        .route("/api/v1/estates/export.xlsx", get(export::estates))
        .route("/api/v1/people/export.xlsx", get(export::people))
        .route("/api/v1/residents/export.csv", get(export::residents_csv))
        .route("/api/v1/households/export.csv", get(export::households_csv))
        .route("/api/v1/estates/export.csv", get(export::estates_csv))
        .route("/api/v1/people/export.csv", get(export::people_csv))
        .route("/api/v1/residents/{id}", get(residents::get_one).patch(residents::update))
        .route("/api/v1/residents/{id}/reveal", post(residents::reveal))
        .route("/api/v1/households", get(places::households).post(places::create_household))
        .route("/api/v1/households/{id}", get(places::household))
        .route("/api/v1/estates", get(places::estates).post(places::create_estate))
        .route("/api/v1/buildings", post(places::create_building))
        .route("/api/v1/buildings/{id}", get(places::building))
        .route("/api/v1/buildings/{id}/head", put(serving::set_head))
        .route("/api/v1/people/{id}", get(serving::person))
        .route("/api/v1/people/{id}/assignments/{code}", put(serving::assign).delete(serving::unassign))
        .route("/api/v1/people", get(people::list).post(people::create))
        .route("/api/v1/organisations", get(people::organisations).post(people::create_organisation))
        .route("/api/v1/areas/{code}/serving", get(people::serving).put(people::set_duties))
}

/// Keyset cursor of the next page: the last id when the page is full.
pub(crate) fn next_after<T>(items: &[T], limit: i64, id: impl Fn(&T) -> uuid::Uuid) -> Option<uuid::Uuid> {
    (items.len() as i64 == limit).then(|| items.last().map(id)).flatten()
}
