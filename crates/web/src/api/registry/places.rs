use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use chrono::{DateTime, Utc};
use fengqiao_domain::model::{Building, Entrance, Estate, Household};
use fengqiao_domain::services::registry::{NewBuilding, NewEstate, NewHousehold};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use super::next_after;
use super::residents::ResidentView;
use crate::AppState;
use crate::api::page_limit;
use crate::auth::ApiCaller;
use crate::error::{ApiError, ApiJson, ApiPath, ApiQuery, Problem};

#[derive(Serialize, ToSchema)]
pub struct EstateView {
    pub id: Uuid,
    pub name: String,
    pub area_path: String,
    pub address: String,
    pub property_company_id: Option<Uuid>,
    pub property_station_id: Option<Uuid>,
    pub version: i64,
}

impl From<Estate> for EstateView {
    fn from(e: Estate) -> Self {
        EstateView {
            id: e.id,
            name: e.name,
            area_path: e.area_path,
            address: e.address,
            property_company_id: e.property_company_id,
            property_station_id: e.property_station_id,
            version: e.version,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct HouseholdView {
    pub id: Uuid,
    pub building_id: Option<Uuid>,
    pub entrance_id: Option<Uuid>,
    /// The grid the household belongs to.
    pub area_path: String,
    pub address: String,
    pub room: Option<String>,
    pub version: i64,
    pub created_at: DateTime<Utc>,
}

impl From<Household> for HouseholdView {
    fn from(h: Household) -> Self {
        HouseholdView {
            id: h.id,
            building_id: h.building_id,
            entrance_id: h.entrance_id,
            area_path: h.area_path,
            address: h.address,
            room: h.room,
            version: h.version,
            created_at: h.created_at,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct HouseholdPage {
    pub items: Vec<HouseholdView>,
    pub next_after: Option<Uuid>,
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PlaceQuery {
    /// Area code; the caller's home area when absent.
    pub area: Option<String>,
    /// Part of a name or an address.
    pub q: Option<String>,
    pub after: Option<Uuid>,
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<i64>,
}

/// Households in an area of the caller's scope, keyset-paginated.
#[utoipa::path(get, path = "/api/v1/households", tag = "registry", security(("bearer" = [])), params(PlaceQuery),
    responses((status = 200, body = HouseholdPage), (status = 400, body = Problem, content_type = "application/problem+json"),
        (status = 401, body = Problem, content_type = "application/problem+json"), (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn households(State(state): State<AppState>, caller: ApiCaller, ApiQuery(q): ApiQuery<PlaceQuery>) -> Result<Json<HouseholdPage>, ApiError> {
    let limit = page_limit(q.limit)?;
    let items = state.services.households(&caller.actor, q.area.as_deref(), q.q, q.after, limit).await?;
    let next = next_after(&items, limit, |h| h.id);
    Ok(Json(HouseholdPage { items: items.into_iter().map(Into::into).collect(), next_after: next }))
}

#[derive(Serialize, ToSchema)]
pub struct HouseholdDetail {
    pub household: HouseholdView,
    pub residents: Vec<ResidentView>,
}

#[utoipa::path(get, path = "/api/v1/households/{id}", tag = "registry", security(("bearer" = [])), params(("id" = Uuid, Path)),
    responses((status = 200, body = HouseholdDetail), (status = 400, body = Problem, content_type = "application/problem+json"),
        (status = 401, body = Problem, content_type = "application/problem+json"), (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn household(State(state): State<AppState>, caller: ApiCaller, ApiPath(id): ApiPath<Uuid>) -> Result<Json<HouseholdDetail>, ApiError> {
    let (h, residents) = state.services.household(&caller.actor, id).await?;
    let today = state.services.today();
    Ok(Json(HouseholdDetail { household: h.into(), residents: residents.into_iter().map(|r| ResidentView::new(r, today)).collect() }))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateHousehold {
    pub building_id: Option<Uuid>,
    pub entrance_id: Option<Uuid>,
    #[schema(example = "502", min_length = 1, max_length = 16, pattern = "^[^\\u0000-\\u001F\\u007F-\\u009F]*[^\\s\\u0000-\\u001F\\u007F-\\u009F][^\\u0000-\\u001F\\u007F-\\u009F]*$")]
    pub room: Option<String>,
    /// For a house outside any recorded building: its grid and full address.
    pub grid_code: Option<String>,
    #[schema(min_length = 1, max_length = 128, pattern = "^[^\\u0000-\\u001F\\u007F-\\u009F]*[^\\s\\u0000-\\u001F\\u007F-\\u009F][^\\u0000-\\u001F\\u007F-\\u009F]*$")]
    pub address: Option<String>,
}

#[utoipa::path(post, path = "/api/v1/households", tag = "registry", security(("bearer" = [])), request_body = CreateHousehold,
    responses((status = 201, body = HouseholdView), (status = 400, body = Problem, content_type = "application/problem+json"),
        (status = 401, body = Problem, content_type = "application/problem+json"), (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"), (status = 413, body = Problem, content_type = "application/problem+json"),
        (status = 415, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn create_household(State(state): State<AppState>, caller: ApiCaller, ApiJson(req): ApiJson<CreateHousehold>) -> Result<(StatusCode, Json<HouseholdView>), ApiError> {
    let new = NewHousehold { building_id: req.building_id, entrance_id: req.entrance_id, room: req.room, grid_code: req.grid_code, address: req.address };
    let h = state.services.create_household(&caller.actor, new).await?;
    Ok((StatusCode::CREATED, Json(h.into())))
}

#[derive(Serialize, ToSchema)]
pub struct EstatePage {
    pub items: Vec<EstateView>,
    pub next_after: Option<Uuid>,
}

/// Estates in the caller's scope (and those their grid's buildings belong to).
#[utoipa::path(get, path = "/api/v1/estates", tag = "registry", security(("bearer" = [])), params(PlaceQuery),
    responses((status = 200, body = EstatePage), (status = 400, body = Problem, content_type = "application/problem+json"),
        (status = 401, body = Problem, content_type = "application/problem+json"), (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn estates(State(state): State<AppState>, caller: ApiCaller, ApiQuery(q): ApiQuery<PlaceQuery>) -> Result<Json<EstatePage>, ApiError> {
    let limit = page_limit(q.limit)?;
    let items = state.services.estates(&caller.actor, q.q, q.after, limit).await?;
    let next = next_after(&items, limit, |e| e.id);
    Ok(Json(EstatePage { items: items.into_iter().map(Into::into).collect(), next_after: next }))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateEstate {
    #[schema(example = "150103003030")]
    pub community_code: String,
    #[schema(example = "铁路小区", min_length = 1, max_length = 64, pattern = "^[^\\u0000-\\u001F\\u007F-\\u009F]*[^\\s\\u0000-\\u001F\\u007F-\\u009F][^\\u0000-\\u001F\\u007F-\\u009F]*$")]
    pub name: String,
    #[schema(example = "巴彦淖尔北路12号", min_length = 1, max_length = 128, pattern = "^[^\\u0000-\\u001F\\u007F-\\u009F]*[^\\s\\u0000-\\u001F\\u007F-\\u009F][^\\u0000-\\u001F\\u007F-\\u009F]*$")]
    pub address: String,
    pub property_company_id: Option<Uuid>,
    pub property_station_id: Option<Uuid>,
}

#[utoipa::path(post, path = "/api/v1/estates", tag = "registry", security(("bearer" = [])), request_body = CreateEstate,
    responses((status = 201, body = EstateView), (status = 400, body = Problem, content_type = "application/problem+json"),
        (status = 401, body = Problem, content_type = "application/problem+json"), (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"), (status = 409, body = Problem, content_type = "application/problem+json"),
        (status = 413, body = Problem, content_type = "application/problem+json"), (status = 415, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn create_estate(State(state): State<AppState>, caller: ApiCaller, ApiJson(req): ApiJson<CreateEstate>) -> Result<(StatusCode, Json<EstateView>), ApiError> {
    let new = NewEstate {
        community_code: req.community_code,
        name: req.name,
        address: req.address,
        property_company_id: req.property_company_id,
        property_station_id: req.property_station_id,
    };
    let e = state.services.create_estate(&caller.actor, new).await?;
    Ok((StatusCode::CREATED, Json(e.into())))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateBuilding {
    #[schema(example = "150103003030G01")]
    pub grid_code: String,
    pub estate_id: Option<Uuid>,
    #[schema(example = "3号楼", min_length = 1, max_length = 64, pattern = "^[^\\u0000-\\u001F\\u007F-\\u009F]*[^\\s\\u0000-\\u001F\\u007F-\\u009F][^\\u0000-\\u001F\\u007F-\\u009F]*$")]
    pub name: String,
    #[schema(example = "铁路小区3号楼", min_length = 1, max_length = 128, pattern = "^[^\\u0000-\\u001F\\u007F-\\u009F]*[^\\s\\u0000-\\u001F\\u007F-\\u009F][^\\u0000-\\u001F\\u007F-\\u009F]*$")]
    pub address: String,
    #[schema(minimum = 1, maximum = 200, value_type = Option<i32>)]
    #[serde(default, deserialize_with = "integral_opt")]
    pub floors: Option<i32>,
    /// Entrances to create (1单元 … N单元).
    #[schema(minimum = 0, maximum = 50, value_type = u32)]
    #[serde(deserialize_with = "integral")]
    pub entrances: u32,
}

#[derive(Serialize, ToSchema)]
pub struct EntranceView {
    pub id: Uuid,
    pub name: String,
    pub head_person_id: Option<Uuid>,
}

#[derive(Serialize, ToSchema)]
pub struct BuildingView {
    pub id: Uuid,
    pub estate_id: Option<Uuid>,
    pub name: String,
    pub area_path: String,
    pub address: String,
    pub floors: Option<i32>,
    pub head_person_id: Option<Uuid>,
    pub version: i64,
}

impl From<Building> for BuildingView {
    fn from(b: Building) -> Self {
        BuildingView {
            id: b.id,
            estate_id: b.estate_id,
            name: b.name,
            area_path: b.area_path,
            address: b.address,
            floors: b.floors,
            head_person_id: b.head_person_id,
            version: b.version,
        }
    }
}

fn entrance(e: Entrance) -> EntranceView {
    EntranceView { id: e.id, name: e.name, head_person_id: e.head_person_id }
}

#[utoipa::path(post, path = "/api/v1/buildings", tag = "registry", security(("bearer" = [])), request_body = CreateBuilding,
    responses((status = 201, body = BuildingView), (status = 400, body = Problem, content_type = "application/problem+json"),
        (status = 401, body = Problem, content_type = "application/problem+json"), (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"), (status = 413, body = Problem, content_type = "application/problem+json"),
        (status = 415, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn create_building(State(state): State<AppState>, caller: ApiCaller, ApiJson(req): ApiJson<CreateBuilding>) -> Result<(StatusCode, Json<BuildingView>), ApiError> {
    let new = NewBuilding {
        grid_code: req.grid_code,
        estate_id: req.estate_id,
        name: req.name,
        address: req.address,
        floors: req.floors,
        entrances: req.entrances,
    };
    let b = state.services.create_building(&caller.actor, new).await?;
    Ok((StatusCode::CREATED, Json(b.into())))
}

#[derive(Serialize, ToSchema)]
pub struct BuildingDetail {
    pub building: BuildingView,
    pub estate: Option<EstateView>,
    pub entrances: Vec<EntranceView>,
    pub households: Vec<HouseholdDetail>,
}

/// A building with its entrances, households and residents (masked).
#[utoipa::path(get, path = "/api/v1/buildings/{id}", tag = "registry", security(("bearer" = [])), params(("id" = Uuid, Path)),
    responses((status = 200, body = BuildingDetail), (status = 400, body = Problem, content_type = "application/problem+json"),
        (status = 401, body = Problem, content_type = "application/problem+json"), (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn building(State(state): State<AppState>, caller: ApiCaller, ApiPath(id): ApiPath<Uuid>) -> Result<Json<BuildingDetail>, ApiError> {
    let v = state.services.building(&caller.actor, id).await?;
    let today = state.services.today();
    Ok(Json(BuildingDetail {
        building: v.building.into(),
        estate: v.estate.map(Into::into),
        entrances: v.entrances.into_iter().map(entrance).collect(),
        households: v
            .households
            .into_iter()
            .map(|(h, rs)| HouseholdDetail { household: h.into(), residents: rs.into_iter().map(|r| ResidentView::new(r, today)).collect() })
            .collect(),
    }))
}

/// JSON Schema counts 31.0 as an integer; so do we, while still refusing 31.5.
fn integral<'de, D: serde::Deserializer<'de>, T: TryFrom<i64>>(d: D) -> Result<T, D::Error> {
    let f = f64::deserialize(d)?;
    if f.fract() != 0.0 || !f.is_finite() {
        return Err(serde::de::Error::custom("expected a whole number"));
    }
    T::try_from(f as i64).map_err(|_| serde::de::Error::custom("number out of range"))
}

fn integral_opt<'de, D: serde::Deserializer<'de>, T: TryFrom<i64>>(d: D) -> Result<Option<T>, D::Error> {
    match Option::<f64>::deserialize(d)? {
        None => Ok(None),
        Some(f) if f.fract() == 0.0 && f.is_finite() => T::try_from(f as i64).map(Some).map_err(|_| serde::de::Error::custom("number out of range")),
        Some(_) => Err(serde::de::Error::custom("expected a whole number")),
    }
}
