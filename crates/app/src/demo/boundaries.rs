//! Synthetic boundaries for the demo's maps: 光明路街道 in 回民区 cut into its communities
//! and each community into its grids, tiling a box of about 8 × 5.5 km where the real street
//! lies. The shapes are invented (real ones come from the office's GIS) but tile exactly:
//! neighbours share every vertex of their common edge, as a drawing tool would make them.
//! They go in through the same import use case an office uses.

use fengqiao_domain::services::{BoundaryReport, Services, operator};
use serde_json::{Value, json};

use super::DEMO_ACTOR;
use crate::messages::Explain;

pub const STREET: &str = "150103003";
const WEST: f64 = 111.60;
const EAST: f64 = 111.70;
const SOUTH: f64 = 40.80;
const NORTH: f64 = 40.85;
/// Communities per row, south to north; extra communities beyond these cells get none.
const ROWS: [usize; 3] = [4, 4, 3];
/// Spacing of the vertices along the wavy edges, in degrees of longitude (about 400 m).
const STEP: f64 = 0.005;

/// Six decimals (about 0.1 m): tidy files, and neighbours compute identical vertices.
fn round6(v: f64) -> f64 {
    (v * 1e6).round() / 1e6
}

/// The edge between row `k - 1` and row `k`: gently wavy, as streets follow roads and
/// ditches; the street's own south and north edges are straight.
fn edge(k: usize, x: f64) -> f64 {
    let base = SOUTH + (NORTH - SOUTH) * k as f64 / ROWS.len() as f64;
    let wave = if k == 0 || k == ROWS.len() { 0.0 } else { 0.0015 * ((x - WEST) * 60.0 + k as f64).sin() };
    round6(base + wave)
}

/// Where divider `j` of row `r` meets the row's bottom or top edge: evenly spaced, nudged
/// by a fixed amount so that the cells are not all alike.
fn divider(r: usize, j: usize, top: bool) -> f64 {
    let n = ROWS[r];
    let even = WEST + (EAST - WEST) * j as f64 / n as f64;
    if j == 0 || j == n {
        return round6(even);
    }
    round6(even + 0.004 * ((r * 7 + j * 3 + usize::from(top)) as f64).sin())
}

/// A quadrilateral-ish cell of row `row`: from `bottom.0` to `bottom.1` along its bottom
/// edge, `top.0` to `top.1` along its top edge, straight sides.
#[derive(Debug, Clone, Copy)]
struct Cell {
    row: usize,
    bottom: (f64, f64),
    top: (f64, f64),
}

impl Cell {
    /// The same cell cut into `n` slices from west to east.
    fn slices(self, n: usize) -> Vec<Cell> {
        let at = |(a, b): (f64, f64), i: usize| round6(a + (b - a) * i as f64 / n as f64);
        (0..n).map(|i| Cell { row: self.row, bottom: (at(self.bottom, i), at(self.bottom, i + 1)), top: (at(self.top, i), at(self.top, i + 1)) }).collect()
    }
}

/// Vertices on each edge: the regular ones and every cell corner on it, so that cells on
/// either side of an edge walk through the same points.
fn breaks(cells: &[Cell]) -> Vec<Vec<f64>> {
    let mut on: Vec<Vec<f64>> = (0..=ROWS.len()).map(|_| (0..=((EAST - WEST) / STEP).round() as usize).map(|i| round6(WEST + STEP * i as f64)).collect()).collect();
    for c in cells {
        on[c.row].extend([c.bottom.0, c.bottom.1]);
        on[c.row + 1].extend([c.top.0, c.top.1]);
    }
    for xs in &mut on {
        xs.sort_by(f64::total_cmp);
        xs.dedup();
    }
    on
}

/// The cell as a GeoJSON Polygon, counter-clockwise as RFC 7946 asks.
fn polygon(c: Cell, breaks: &[Vec<f64>]) -> Value {
    let along = |k: usize, (from, to): (f64, f64)| -> Vec<[f64; 2]> {
        breaks[k].iter().filter(|x| **x >= from && **x <= to).map(|x| [*x, edge(k, *x)]).collect()
    };
    let mut ring = along(c.row, c.bottom);
    let mut top = along(c.row + 1, c.top);
    top.reverse();
    ring.extend(top);
    ring.push(ring[0]);
    json!({"type": "Polygon", "coordinates": [ring]})
}

/// Boundaries for the street, its communities (in code order, one per cell) and their grids
/// (in code order, slices of their community), as (code, geometry).
pub fn street_plan(communities: &[(String, Vec<String>)]) -> Vec<(String, Value)> {
    let rows: Vec<Cell> = (0..ROWS.len())
        .flat_map(|r| (0..ROWS[r]).map(move |j| Cell { row: r, bottom: (divider(r, j, false), divider(r, j + 1, false)), top: (divider(r, j, true), divider(r, j + 1, true)) }))
        .collect();
    let mut cells: Vec<(String, Cell)> = Vec::new();
    for ((code, grids), cell) in communities.iter().zip(&rows) {
        cells.push((code.clone(), *cell));
        cells.extend(grids.iter().cloned().zip(cell.slices(grids.len())));
    }
    let all: Vec<Cell> = cells.iter().map(|(_, c)| *c).collect();
    let on = breaks(&all);
    // The street's outline: south edge, east side up through each row edge, north edge, back down the west side.
    let mut ring: Vec<[f64; 2]> = on[0].iter().map(|x| [*x, edge(0, *x)]).collect();
    ring.extend((1..ROWS.len()).map(|k| [EAST, edge(k, EAST)]));
    ring.extend(on[ROWS.len()].iter().rev().map(|x| [*x, edge(ROWS.len(), *x)]));
    ring.extend((1..ROWS.len()).rev().map(|k| [WEST, edge(k, WEST)]));
    ring.push(ring[0]);
    let mut plan = vec![(STREET.to_string(), json!({"type": "Polygon", "coordinates": [ring]}))];
    plan.extend(cells.into_iter().map(|(code, c)| (code, polygon(c, &on))));
    plan
}

/// Draws the street's map: imports the plan's boundaries as the demo operator.
pub async fn draw(services: &Services) -> anyhow::Result<BoundaryReport> {
    let actor = operator(DEMO_ACTOR);
    let mut communities = Vec::new();
    for c in services.area_children(&actor, STREET, false).await.explained()? {
        let grids = services.area_children(&actor, c.code.as_str(), false).await.explained()?;
        communities.push((c.code.to_string(), grids.into_iter().map(|g| g.code.to_string()).collect()));
    }
    let features: Vec<Value> = street_plan(&communities)
        .into_iter()
        .map(|(code, geometry)| json!({"type": "Feature", "properties": {"code": code}, "geometry": geometry}))
        .collect();
    let report = services.import_boundaries(&actor, json!({"type": "FeatureCollection", "features": features}), None).await.explained()?;
    if !report.written {
        anyhow::bail!("the demo boundaries were refused: {:?}", report.problems);
    }
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;
    use fengqiao_domain::rules::boundary::check_geometry;

    /// Shoelace area of a polygon's outer ring, in square degrees.
    fn area(g: &Value) -> f64 {
        let ring = g["coordinates"][0].as_array().unwrap();
        let p: Vec<(f64, f64)> = ring.iter().map(|v| (v[0].as_f64().unwrap(), v[1].as_f64().unwrap())).collect();
        p.windows(2).map(|w| w[0].0 * w[1].1 - w[1].0 * w[0].1).sum::<f64>() / 2.0
    }

    fn guangming() -> Vec<(String, Vec<String>)> {
        ["001", "020", "021", "022", "023", "024", "025", "027", "028", "029", "030"]
            .iter()
            .map(|c| {
                let code = format!("150103003{c}");
                let grids = (1..=3).map(|n| crate::demo::world::grid_code(&code, n)).collect();
                (code, grids)
            })
            .collect()
    }

    #[test]
    fn the_street_is_tiled_by_its_communities_and_each_community_by_its_grids() {
        let plan = street_plan(&guangming());
        assert_eq!(plan.len(), 1 + 11 + 33);
        for (code, g) in &plan {
            let checked = check_geometry(g).unwrap_or_else(|p| panic!("{code}: {p:?}"));
            assert!(checked.bbox[0] >= WEST && checked.bbox[2] <= EAST, "{code}");
            assert!(area(g) > 0.0, "{code} is counter-clockwise");
        }
        let of = |code: &str| area(&plan.iter().find(|(c, _)| c == code).unwrap().1);
        let communities: f64 = guangming().iter().map(|(c, _)| of(c)).sum();
        assert!((communities - of(STREET)).abs() < 1e-9, "communities cover the street exactly");
        for (c, grids) in guangming() {
            let sum: f64 = grids.iter().map(|g| of(g)).sum();
            assert!((sum - of(&c)).abs() < 1e-9, "{c}: grids cover the community");
        }
    }
}
