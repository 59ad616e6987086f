//! What an area boundary must look like before it is stored.
//!
//! **Coordinates are WGS84 longitude/latitude** (EPSG:4326, the only system GeoJSON allows,
//! RFC 7946 §4), and that is how they are stored and served. Be aware that maps built on
//! Chinese web map services (and the drawing tools that sit on them) work in GCJ-02, which
//! is offset from WGS84 by up to several hundred metres; CGCS2000 (EPSG:4490) on the other
//! hand agrees with WGS84 to a few centimetres. A file cannot say which one it holds, so we
//! accept what we are given as WGS84 and convert nothing: a boundary traced on a GCJ-02 map
//! will look shifted against WGS84 data. Converting is the exporter's job.
//!
//! The checks catch what goes wrong in practice: a point or line instead of an area, a
//! projected file (metres, not degrees), latitude and longitude swapped, a ring left open,
//! and a boundary traced so finely it would make every map page slow.

use std::ops::RangeInclusive;

use serde_json::{Value, json};

/// Positions one area's boundary may have. A street traced at building level needs a few
/// thousand; more only makes the map page heavy for a phone.
pub const MAX_POSITIONS: usize = 50_000;
/// Longitudes and latitudes of anywhere in China, with a margin.
pub const CHINA_LON: RangeInclusive<f64> = 73.0..=136.0;
pub const CHINA_LAT: RangeInclusive<f64> = 3.0..=54.0;

/// Why a geometry was refused: a message key and, where it helps to find the spot, a
/// language-neutral detail (a position, a count, a type name).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GeometryProblem {
    pub key: &'static str,
    pub detail: Option<String>,
}

fn problem(key: &'static str, detail: Option<String>) -> GeometryProblem {
    GeometryProblem { key, detail }
}

/// A geometry that passed: rebuilt with only `type` and two-dimensional `coordinates`, so
/// that foreign members (`bbox`, `crs`, altitudes) are not stored as if they meant something.
#[derive(Debug, Clone, PartialEq)]
pub struct CheckedGeometry {
    pub geometry: Value,
    pub positions: usize,
    /// [west, south, east, north]
    pub bbox: [f64; 4],
}

type Ring = Vec<[f64; 2]>;

struct Walk {
    positions: usize,
    bbox: [f64; 4],
}

impl Walk {
    fn position(&mut self, v: &Value) -> Result<[f64; 2], GeometryProblem> {
        let nums: Option<Vec<f64>> = v.as_array().and_then(|a| a.iter().map(Value::as_f64).collect());
        let [lon, lat] = match nums.as_deref() {
            Some([lon, lat]) | Some([lon, lat, _]) if lon.is_finite() && lat.is_finite() => [*lon, *lat],
            _ => return Err(problem("error-boundary-coordinates", Some(compact(v)))),
        };
        if !CHINA_LON.contains(&lon) || !CHINA_LAT.contains(&lat) {
            let at = Some(format!("[{lon}, {lat}]"));
            return Err(if CHINA_LON.contains(&lat) && CHINA_LAT.contains(&lon) {
                problem("error-boundary-swapped", at)
            } else if lon.abs() > 180.0 || lat.abs() > 90.0 {
                problem("error-boundary-projected", at)
            } else {
                problem("error-boundary-outside-china", at)
            });
        }
        self.positions += 1;
        if self.positions > MAX_POSITIONS {
            return Err(problem("error-boundary-too-many-positions", Some(MAX_POSITIONS.to_string())));
        }
        self.bbox = [self.bbox[0].min(lon), self.bbox[1].min(lat), self.bbox[2].max(lon), self.bbox[3].max(lat)];
        Ok([lon, lat])
    }

    fn ring(&mut self, v: &Value) -> Result<Ring, GeometryProblem> {
        let items = v.as_array().ok_or_else(|| problem("error-boundary-coordinates", Some(compact(v))))?;
        let ring = items.iter().map(|p| self.position(p)).collect::<Result<Ring, _>>()?;
        if ring.len() < 4 {
            return Err(problem("error-boundary-ring-short", Some(ring.len().to_string())));
        }
        if ring.first() != ring.last() {
            return Err(problem("error-boundary-ring-open", ring.first().map(|p| format!("[{}, {}]", p[0], p[1]))));
        }
        Ok(ring)
    }

    fn polygon(&mut self, v: &Value) -> Result<Vec<Ring>, GeometryProblem> {
        match v.as_array() {
            Some(rings) if !rings.is_empty() => rings.iter().map(|r| self.ring(r)).collect(),
            _ => Err(problem("error-boundary-coordinates", Some(compact(v)))),
        }
    }
}

/// A short rendering of a bad value for the report; a whole coordinate array is not useful.
fn compact(v: &Value) -> String {
    let s = v.to_string();
    if s.chars().count() <= 40 { s } else { format!("{}…", s.chars().take(40).collect::<String>()) }
}

/// Checks a GeoJSON geometry as a boundary: Polygon or MultiPolygon, positions within China,
/// rings of at least four positions and closed, at most `MAX_POSITIONS` positions.
pub fn check_geometry(g: &Value) -> Result<CheckedGeometry, GeometryProblem> {
    let kind = match g.get("type").and_then(Value::as_str) {
        Some(k) => k,
        None if g.is_null() => return Err(problem("error-boundary-no-geometry", None)),
        None => return Err(problem("error-boundary-geometry-type", Some(compact(g)))),
    };
    let coords = g.get("coordinates").unwrap_or(&Value::Null);
    let mut walk = Walk { positions: 0, bbox: [f64::MAX, f64::MAX, f64::MIN, f64::MIN] };
    let coordinates = match kind {
        "Polygon" => json!(walk.polygon(coords)?),
        "MultiPolygon" => match coords.as_array() {
            Some(polys) if !polys.is_empty() => json!(polys.iter().map(|p| walk.polygon(p)).collect::<Result<Vec<_>, _>>()?),
            _ => return Err(problem("error-boundary-coordinates", Some(compact(coords)))),
        },
        other => return Err(problem("error-boundary-geometry-type", Some(other.to_string()))),
    };
    Ok(CheckedGeometry { geometry: json!({"type": kind, "coordinates": coordinates}), positions: walk.positions, bbox: walk.bbox })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn square(lon: f64, lat: f64) -> Value {
        json!([[[lon, lat], [lon + 0.01, lat], [lon + 0.01, lat + 0.01], [lon, lat + 0.01], [lon, lat]]])
    }

    fn key(g: Value) -> &'static str {
        check_geometry(&g).unwrap_err().key
    }

    #[test]
    fn polygons_and_multipolygons_in_china_pass_and_are_cleaned() {
        let c = check_geometry(&json!({"type": "Polygon", "coordinates": square(111.6, 40.8), "bbox": [0, 0, 1, 1]})).unwrap();
        assert_eq!(c.positions, 5);
        assert_eq!(c.geometry.as_object().unwrap().len(), 2, "foreign members are dropped");
        assert!((c.bbox[2] - 111.61).abs() < 1e-9);
        let multi = json!({"type": "MultiPolygon", "coordinates": [square(111.6, 40.8), square(111.7, 40.8)]});
        assert_eq!(check_geometry(&multi).unwrap().positions, 10);
        // Altitudes are allowed by GeoJSON and dropped here.
        let three_d = json!({"type": "Polygon", "coordinates": [[[111.6, 40.8, 1050.0], [111.7, 40.8, 1050.0], [111.7, 40.9, 1050.0], [111.6, 40.8, 1050.0]]]});
        assert_eq!(check_geometry(&three_d).unwrap().geometry["coordinates"][0][0], json!([111.6, 40.8]));
    }

    #[test]
    fn wrong_kinds_of_geometry_are_named() {
        assert_eq!(key(Value::Null), "error-boundary-no-geometry");
        assert_eq!(check_geometry(&json!({"type": "Point", "coordinates": [111.6, 40.8]})).unwrap_err().detail.as_deref(), Some("Point"));
        assert_eq!(key(json!({"type": "LineString", "coordinates": [[111.6, 40.8], [111.7, 40.8]]})), "error-boundary-geometry-type");
        assert_eq!(key(json!({"type": "Polygon"})), "error-boundary-coordinates");
        assert_eq!(key(json!({"type": "Polygon", "coordinates": [[[111.6, "40.8"]]]})), "error-boundary-coordinates");
        assert_eq!(key(json!({"type": "MultiPolygon", "coordinates": []})), "error-boundary-coordinates");
    }

    #[test]
    fn coordinates_must_be_degrees_in_china_in_lon_lat_order() {
        assert_eq!(key(json!({"type": "Polygon", "coordinates": square(2.35, 48.85)})), "error-boundary-outside-china");
        assert_eq!(key(json!({"type": "Polygon", "coordinates": square(40.8, 111.6)})), "error-boundary-swapped");
        let metres = json!({"type": "Polygon", "coordinates": square(12_424_000.0, 4_983_000.0)});
        assert_eq!(check_geometry(&metres).unwrap_err(), GeometryProblem { key: "error-boundary-projected", detail: Some("[12424000, 4983000]".into()) });
    }

    #[test]
    fn rings_are_closed_and_not_too_fine() {
        let open = json!({"type": "Polygon", "coordinates": [[[111.6, 40.8], [111.7, 40.8], [111.7, 40.9], [111.6, 40.9]]]});
        assert_eq!(key(open), "error-boundary-ring-open");
        let short = json!({"type": "Polygon", "coordinates": [[[111.6, 40.8], [111.7, 40.8], [111.6, 40.8]]]});
        assert_eq!(key(short), "error-boundary-ring-short");
        let mut ring: Vec<Value> = (0..=MAX_POSITIONS).map(|i| json!([111.6 + i as f64 * 1e-6, 40.8])).collect();
        ring.push(json!([111.6, 40.8]));
        assert_eq!(key(json!({"type": "Polygon", "coordinates": [ring]})), "error-boundary-too-many-positions");
    }
}
