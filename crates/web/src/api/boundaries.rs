//! Area boundaries over the API: importing a GeoJSON FeatureCollection, and an area's map as
//! GeoJSON. The UI's map page and upload form use the same builders and the same use case.

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use fengqiao_domain::DomainError;
use fengqiao_domain::model::{Area, AreaLevel};
use fengqiao_domain::services::{AreaMap, BoundaryArea, BoundaryOutcome, BoundaryReport};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::AppState;
use crate::auth::ApiCaller;
use crate::error::{ApiError, ApiJson, ApiPath, ApiQuery, Problem, problem};
use crate::i18n::Lang;

/// Boundary files are far larger than any form; this is the body limit of the routes that
/// take them (a city's grids traced finely are a few megabytes).
pub const BOUNDARY_BODY_LIMIT: usize = 10 * 1024 * 1024;

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ImportQuery {
    /// The feature property that holds the area code; by default `code`, then `网格代码`.
    #[param(max_length = 64, example = "GRID_CODE")]
    pub code_property: Option<String>,
}

/// A GeoJSON FeatureCollection of area boundaries (described for the OpenAPI document; the
/// handler reads any JSON and reports what does not fit, feature by feature).
#[derive(ToSchema)]
#[allow(dead_code)]
pub(crate) struct BoundaryCollection {
    #[schema(inline)]
    r#type: CollectionType,
    #[schema(min_items = 1, max_items = 10000)]
    features: Vec<BoundaryFeature>,
}

#[derive(ToSchema)]
#[allow(dead_code)]
enum CollectionType {
    FeatureCollection,
}

#[derive(ToSchema)]
#[allow(dead_code)]
enum FeatureType {
    Feature,
}

#[derive(ToSchema)]
#[allow(dead_code)]
struct BoundaryFeature {
    #[schema(inline)]
    r#type: FeatureType,
    /// Carries the area code under `code`, `网格代码`, or the name given as `code_property`;
    /// other properties are ignored.
    #[schema(value_type = Object, example = json!({"code": "150103003030G01"}))]
    properties: serde_json::Value,
    geometry: super::GeoJsonGeometry,
}

#[derive(Serialize, ToSchema)]
pub struct BoundaryAreaView {
    /// Position of the feature in the collection, from 0.
    pub index: usize,
    #[schema(example = "150103003030G01")]
    pub code: String,
    #[schema(example = "第一网格")]
    pub name: String,
    pub positions: usize,
    /// `added` (had none), `replaced`, or `unchanged` (the same boundary was stored; not audited again).
    #[schema(example = "added")]
    pub outcome: String,
}

impl From<BoundaryArea> for BoundaryAreaView {
    fn from(a: BoundaryArea) -> Self {
        let outcome = match a.outcome {
            BoundaryOutcome::Added => "added",
            BoundaryOutcome::Replaced => "replaced",
            BoundaryOutcome::Unchanged => "unchanged",
        };
        BoundaryAreaView { index: a.index, code: a.code, name: a.name, positions: a.positions, outcome: outcome.into() }
    }
}

/// The boundaries were saved.
#[derive(Serialize, ToSchema)]
pub struct BoundaryImported {
    pub features: usize,
    pub areas: Vec<BoundaryAreaView>,
}

#[derive(Serialize, ToSchema)]
pub struct FeatureProblem {
    pub index: usize,
    /// The area code the feature carries, if it carries one.
    pub code: Option<String>,
    /// Machine-readable, e.g. `error-boundary-ring-open`.
    #[schema(example = "error-boundary-ring-open")]
    pub problem: String,
    /// What is wrong, in the request's language.
    pub message: String,
    /// Where: a position, a type name, a limit.
    pub detail: Option<String>,
}

/// Nothing was saved: RFC 9457 problem. When features were refused, with the list of them;
/// when the body as a whole was not a usable FeatureCollection, without.
#[derive(Serialize, ToSchema)]
pub struct BoundaryProblems {
    #[serde(flatten)]
    pub problem: Problem,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub features: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub problems: Option<Vec<FeatureProblem>>,
}

pub(crate) fn feature_problems(l: Lang, report: &BoundaryReport) -> Vec<FeatureProblem> {
    report
        .problems
        .iter()
        .map(|p| FeatureProblem { index: p.index, code: p.code.clone(), problem: p.key.into(), message: l.t(p.key), detail: p.detail.clone() })
        .collect()
}

/// Sets the boundaries of many areas from one GeoJSON FeatureCollection: one feature per area,
/// a Polygon or MultiPolygon in WGS84 longitude/latitude, the area code in the property `code`
/// (or `网格代码`, or the one `code_property` names). Every feature is checked first; if any is
/// refused the answer is 422 with a problem per feature and nothing is saved. Areas must be
/// below the caller's home area. Coordinates are taken as WGS84 as given: data traced on
/// Chinese web maps (GCJ-02) is offset by up to a few hundred metres and is not converted.
#[utoipa::path(post, path = "/api/v1/areas/boundaries", tag = "areas", security(("bearer" = [])), params(ImportQuery),
    request_body(content = BoundaryCollection, content_type = "application/geo+json", description = "At most 10 MiB"),
    responses((status = 200, body = BoundaryImported), (status = 400, body = Problem, content_type = "application/problem+json"),
        (status = 401, body = Problem, content_type = "application/problem+json"), (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 409, body = Problem, content_type = "application/problem+json"), (status = 413, body = Problem, content_type = "application/problem+json"),
        (status = 415, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = BoundaryProblems, content_type = "application/problem+json", description = "Refused features, or a body that is not a FeatureCollection")))]
pub async fn import(
    State(state): State<AppState>,
    l: Lang,
    caller: ApiCaller,
    ApiQuery(q): ApiQuery<ImportQuery>,
    ApiJson(body): ApiJson<serde_json::Value>,
) -> Result<Response, ApiError> {
    let report = state.services.import_boundaries(&caller.actor, body, q.code_property.as_deref()).await?;
    if report.written {
        let areas = report.areas.into_iter().map(Into::into).collect();
        return Ok(Json(BoundaryImported { features: report.features, areas }).into_response());
    }
    let body = BoundaryProblems {
        problem: problem(&DomainError::invalid("features", "error-boundary-problems"), l, None),
        features: Some(report.features),
        problems: Some(feature_problems(l, &report)),
    };
    let mut res = (StatusCode::UNPROCESSABLE_ENTITY, Json(body)).into_response();
    res.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("application/problem+json"));
    Ok(res)
}

#[derive(Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum MapRole {
    /// The area whose map this is, drawn behind its children.
    Area,
    Child,
}

#[derive(Serialize, ToSchema)]
pub struct MapProperties {
    #[schema(example = "150103003030")]
    pub code: String,
    #[schema(example = "巴彦淖尔北路社区")]
    pub name: String,
    pub level: AreaLevel,
    pub role: MapRole,
    /// The UI page to open when the area is chosen on the map: its own map when it has
    /// areas within, else its area page.
    #[schema(example = "/areas/150103003030/map")]
    pub href: String,
}

#[derive(Serialize, ToSchema)]
pub struct MapFeature {
    #[schema(example = "Feature")]
    pub r#type: &'static str,
    pub id: String,
    #[schema(value_type = super::GeoJsonGeometry)]
    pub geometry: serde_json::Value,
    pub properties: MapProperties,
}

/// A GeoJSON FeatureCollection (WGS84).
#[derive(Serialize, ToSchema)]
pub struct MapCollection {
    #[schema(example = "FeatureCollection")]
    pub r#type: &'static str,
    pub features: Vec<MapFeature>,
}

fn feature(a: &Area, role: MapRole) -> Option<MapFeature> {
    let href = match (&role, a.level.child()) {
        (MapRole::Child, Some(_)) => format!("/areas/{}/map", a.code),
        _ => format!("/areas/{}", a.code),
    };
    Some(MapFeature {
        r#type: "Feature",
        id: a.code.to_string(),
        geometry: a.boundary.clone()?,
        properties: MapProperties { code: a.code.to_string(), name: a.name.clone(), level: a.level, role, href },
    })
}

/// The area (first, when it has a boundary) and those of its children that have one.
pub(crate) fn map_collection(m: &AreaMap) -> MapCollection {
    let features = feature(&m.area, MapRole::Area).into_iter().chain(m.children.iter().filter_map(|c| feature(c, MapRole::Child))).collect();
    MapCollection { r#type: "FeatureCollection", features }
}

pub(crate) fn geojson_response(m: &AreaMap) -> Response {
    let mut res = Json(map_collection(m)).into_response();
    res.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("application/geo+json"));
    res
}

/// An area's map: its children that have boundaries, and the area itself when it has one,
/// as GeoJSON for any map library. Areas outside the caller's scope answer 404.
#[utoipa::path(get, path = "/api/v1/areas/{code}/map", tag = "areas", security(("bearer" = [])),
    params(("code" = String, Path, description = "Area code")),
    responses((status = 200, body = MapCollection, content_type = "application/geo+json"), (status = 400, body = Problem, content_type = "application/problem+json"),
        (status = 401, body = Problem, content_type = "application/problem+json"), (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn map(State(state): State<AppState>, caller: ApiCaller, ApiPath(code): ApiPath<String>) -> Result<Response, ApiError> {
    Ok(geojson_response(&state.services.area_map(&caller.actor, &code).await?))
}
