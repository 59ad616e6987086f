//! The demo's territory: 呼和浩特市 and all its districts, so the city looks complete, and in
//! full detail the two districts the seed article is about, 新城区 and 回民区, down to three
//! grids in every community. Codes and names are the national statistical division codes.

use fengqiao_domain::services::DivisionRow;

const DIVISIONS_CSV: &str = include_str!("../../../../data/hohhot-divisions-2023.csv");

pub const CITY: &str = "1501";
/// 新城区 and 回民区.
pub const DETAILED_DISTRICTS: [&str; 2] = ["150102", "150103"];
const GRID_NAMES: [&str; 3] = ["第一网格", "第二网格", "第三网格"];

/// Grid codes extend their community's code; division codes are digits only, so the letter
/// cannot collide with a future official code.
pub fn grid_code(community_code: &str, n: usize) -> String {
    format!("{community_code}G{n:02}")
}

/// Every area of the demo world, grids included, as rows for `Services::import_divisions`.
pub fn demo_divisions() -> anyhow::Result<Vec<DivisionRow>> {
    let detailed = |code: &str| DETAILED_DISTRICTS.iter().any(|d| code.len() > d.len() && code.starts_with(d));
    with_grids(|r| match r.level.as_str() {
        "city" => r.code == CITY,
        "district" => r.parent_code == CITY,
        "street" | "community" => detailed(&r.code),
        _ => false,
    })
}

/// The whole city in detail, every community with its three grids: what `fengqiao gen` fills.
pub fn city_divisions() -> anyhow::Result<Vec<DivisionRow>> {
    with_grids(|_| true)
}

fn with_grids(keep: impl Fn(&DivisionRow) -> bool) -> anyhow::Result<Vec<DivisionRow>> {
    let mut reader = csv::Reader::from_reader(DIVISIONS_CSV.as_bytes());
    let all: Vec<DivisionRow> = reader.deserialize().collect::<Result<_, _>>()?;
    let mut rows: Vec<DivisionRow> = all.into_iter().filter(|r| keep(r)).collect();
    let grids: Vec<DivisionRow> = rows
        .iter()
        .filter(|r| r.level == "community")
        .flat_map(|c| {
            GRID_NAMES.iter().enumerate().map(|(i, name)| DivisionRow {
                code: grid_code(&c.code, i + 1),
                name: name.to_string(),
                level: "grid".to_string(),
                parent_code: c.code.clone(),
            })
        })
        .collect();
    rows.extend(grids);
    Ok(rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_selection_is_the_city_its_districts_and_two_districts_in_detail() {
        let rows = demo_divisions().unwrap();
        let count = |level: &str| rows.iter().filter(|r| r.level == level).count();
        assert_eq!(count("city"), 1);
        assert_eq!(count("district"), 10);
        assert_eq!(count("street"), 22);
        assert_eq!(count("grid"), 3 * count("community"));
        assert!(rows.iter().all(|r| r.level == "city" || r.level == "district" || DETAILED_DISTRICTS.iter().any(|d| r.code.starts_with(d))));
        assert!(rows.iter().any(|r| r.code == "150103003030G03" && r.parent_code == "150103003030"));
    }

    #[test]
    fn the_generated_city_has_every_community_and_about_four_thousand_grids() {
        let rows = city_divisions().unwrap();
        let count = |level: &str| rows.iter().filter(|r| r.level == level).count();
        assert_eq!((count("district"), count("street"), count("community")), (10, 99, 1396));
        assert_eq!(count("grid"), 4188);
    }
}
