//! Placing a map point in the area tree: the deepest mapped area whose boundary holds it.
//! Boundaries are GeoJSON in WGS84 (longitude, latitude), as the boundary import checked them.

use serde_json::Value;

use crate::model::Area;

/// Even-odd ray casting over one ring of [lon, lat] positions.
fn in_ring(ring: &[Value], lon: f64, lat: f64) -> bool {
    let pts: Vec<(f64, f64)> = ring
        .iter()
        .filter_map(|p| Some((p.get(0)?.as_f64()?, p.get(1)?.as_f64()?)))
        .collect();
    let mut inside = false;
    let n = pts.len();
    if n < 3 {
        return false;
    }
    let mut j = n - 1;
    for i in 0..n {
        let (xi, yi) = pts[i];
        let (xj, yj) = pts[j];
        if (yi > lat) != (yj > lat) && lon < (xj - xi) * (lat - yi) / (yj - yi) + xi {
            inside = !inside;
        }
        j = i;
    }
    inside
}

/// A polygon holds the point when its outer ring does and none of its holes do.
fn in_polygon(rings: &[Value], lon: f64, lat: f64) -> bool {
    let mut rings = rings.iter().filter_map(Value::as_array);
    match rings.next() {
        Some(outer) if in_ring(outer, lon, lat) => rings.all(|hole| !in_ring(hole, lon, lat)),
        _ => false,
    }
}

/// Whether a Polygon or MultiPolygon (or a Feature wrapping one) holds the point.
pub fn contains(geometry: &Value, lon: f64, lat: f64) -> bool {
    let g = if geometry["type"] == "Feature" { &geometry["geometry"] } else { geometry };
    let Some(coords) = g["coordinates"].as_array() else { return false };
    match g["type"].as_str() {
        Some("Polygon") => in_polygon(coords, lon, lat),
        Some("MultiPolygon") => coords.iter().filter_map(Value::as_array).any(|p| in_polygon(p, lon, lat)),
        _ => false,
    }
}

/// The deepest of `areas` whose boundary holds the point; none when no mapped area does.
/// Depth is the path's length, so a grid wins over its community.
pub fn deepest_holding<'a>(areas: &'a [Area], lon: f64, lat: f64) -> Option<&'a Area> {
    areas
        .iter()
        .filter(|a| a.boundary.as_ref().is_some_and(|b| contains(b, lon, lat)))
        .max_by_key(|a| a.path.len())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn square(x: f64, y: f64, d: f64) -> Value {
        json!({"type": "Polygon", "coordinates": [[[x, y], [x + d, y], [x + d, y + d], [x, y + d], [x, y]]]})
    }

    #[test]
    fn points_inside_outside_and_in_holes() {
        let sq = square(111.6, 40.8, 0.1);
        assert!(contains(&sq, 111.65, 40.85));
        assert!(!contains(&sq, 111.75, 40.85));
        let holed = json!({"type": "Polygon", "coordinates": [
            [[0.0, 0.0], [10.0, 0.0], [10.0, 10.0], [0.0, 10.0], [0.0, 0.0]],
            [[4.0, 4.0], [6.0, 4.0], [6.0, 6.0], [4.0, 6.0], [4.0, 4.0]]]});
        assert!(contains(&holed, 1.0, 1.0));
        assert!(!contains(&holed, 5.0, 5.0), "a hole is outside");
        let multi = json!({"type": "MultiPolygon", "coordinates": [sq["coordinates"].clone(), square(0.0, 0.0, 1.0)["coordinates"].clone()]});
        assert!(contains(&multi, 0.5, 0.5));
        assert!(!contains(&json!({"type": "Point", "coordinates": [0, 0]}), 0.0, 0.0));
    }
}
