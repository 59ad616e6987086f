//! Estates, buildings, entrances and the households in them. 回民区's old estates are mostly
//! work units' family housing (家属楼), five or six storeys without lifts, two flats per
//! landing; newer estates have a floor more. Grid workers divide a community by buildings,
//! so an estate's buildings are spread over the community's three grids.

use anyhow::Context;
use fengqiao_domain::model::{Area, Building, Entrance, Estate, Household};
use fengqiao_domain::ports::{RegistryBatch, Store};
use rand::Rng;
use rand::seq::SliceRandom;
use uuid::Uuid;

use super::registry::{SEED_COMMUNITIES, World};
use crate::messages::Explain;

/// A community with the street it lies in and its grids.
#[derive(Debug, Clone)]
pub struct Community {
    pub area: Area,
    pub street: Area,
    pub grids: Vec<Area>,
    /// Written at the start of addresses: 回民区.
    pub district: String,
}

impl Community {
    pub fn dense(&self) -> bool {
        SEED_COMMUNITIES.contains(&self.area.code.as_str())
    }

    pub fn village(&self) -> bool {
        self.area.name.ends_with('村')
    }

    /// The community's name without 社区/村: often the road it lies on.
    pub fn stem(&self) -> &str {
        let n = self.area.name.as_str();
        n.strip_suffix("社区").or_else(|| n.strip_suffix('村')).unwrap_or(n)
    }
}

/// An estate with what stands in it, before it is flattened into a batch.
pub struct Site {
    pub community: usize,
    pub estate: Estate,
    /// 家属楼 and the like: older buildings, older residents.
    pub old: bool,
    pub buildings: Vec<Block>,
}

pub struct Block {
    pub building: Building,
    pub entrances: Vec<(Entrance, Vec<Household>)>,
}

/// The district and its communities with their grids; `streets`, when not empty, limits the
/// district to those streets.
pub async fn tree(store: &dyn Store, code: &str, streets: &[&str]) -> anyhow::Result<(Area, Vec<Community>)> {
    let district = store.area_by_code(code).await.explained()?.with_context(|| format!("the demo areas lack {code}"))?;
    let mut communities = Vec::new();
    for street in store.area_children(district.id, false).await.explained()? {
        if !streets.is_empty() && !streets.contains(&street.code.as_str()) {
            continue;
        }
        for area in store.area_children(street.id, false).await.explained()? {
            let grids = store.area_children(area.id, false).await.explained()?;
            anyhow::ensure!(!grids.is_empty(), "community {} has no grids", area.code);
            communities.push(Community { area, street: street.clone(), grids, district: district.name.clone() });
        }
    }
    Ok((district, communities))
}

/// Work units whose staff housing became today's old estates.
const UNITS: &[&str] = &[
    "铁路局", "电业局", "粮食局", "毛纺厂", "糖厂", "邮电局", "卫生局", "供销社", "农机厂", "制药厂", "电子厂", "化工厂",
    "建筑公司", "市政公司", "地质队", "公交公司", "自来水公司", "卷烟厂", "乳品厂", "木材公司", "百货公司", "交通局",
    "气象局", "林业局", "水利局", "商业局", "印刷厂", "棉纺厂", "机床厂", "锅炉厂", "皮革厂", "汽修厂", "医药公司",
    "物资局", "民委", "教育局", "粮油公司", "食品公司", "第二毛纺厂", "石油公司", "煤炭局", "农牧局", "冶金局",
    "电力设计院", "车辆段", "机务段", "工务段", "电务段", "回民医院", "商业储运公司",
];
const OLD_SUFFIXES: &[&str] = &["家属楼", "家属楼", "家属楼", "家属院", "宿舍楼"];
const NEW_PREFIXES: &[&str] = &[
    "光明", "富丽", "金园", "阳光", "龙翔", "沿河", "果园", "铁路", "新华", "锦绣", "盛世", "馨园", "康居", "祥和",
    "颐和", "枫林", "泰和", "民族", "丽苑", "紫薇", "书香", "和平", "天骄", "青城", "兴盛", "安和", "福盈", "怡景",
    "嘉和", "如意", "百合", "春华", "塞北", "团结", "振华", "同乐", "长庆", "昌盛", "西河", "清真寺巷",
];
const NEW_SUFFIXES: &[&str] = &["小区", "小区", "小区", "花园", "佳苑", "家园", "新村", "嘉园", "雅苑"];
const VILLAGE_SUFFIXES: &[&str] = &["新村", "安置小区", "嘉园"];

/// Estates per community where the seed is set; elsewhere one to three in 回民区 (to reach
/// the district's total) and two in 新城区.
const DENSE_ESTATES: usize = 4;

impl World<'_> {
    pub fn estates(&mut self, communities: &[Community], total: Option<usize>) -> anyhow::Result<Vec<Site>> {
        let mut counts: Vec<usize> = communities
            .iter()
            .map(|c| match self.city {
                Some(scale) => {
                    let whole = scale.estates_per_community.trunc();
                    whole as usize + usize::from(self.chance(scale.estates_per_community - whole))
                }
                None if c.dense() => DENSE_ESTATES,
                None => if total.is_some() { 1 } else { 2 },
            })
            .collect();
        if let Some(total) = total {
            let thin: Vec<usize> = (0..communities.len()).filter(|&i| !communities[i].dense()).collect();
            let mut left = total.checked_sub(counts.iter().sum()).context("more communities than demo estates")?;
            anyhow::ensure!(left <= thin.len() * 2, "too many demo estates for the communities");
            while left > 0 {
                let i = thin[self.rng.random_range(0..thin.len())];
                if counts[i] < 3 {
                    counts[i] += 1;
                    left -= 1;
                }
            }
        }
        let mut sites = Vec::new();
        for (i, (c, n)) in communities.iter().zip(counts).enumerate() {
            if self.city.is_some() {
                // Names and addresses need only be unique within a community (the database's
                // rule); world-wide, a city's worth would exhaust the lists.
                self.used_names.clear();
            }
            let dense = self.dense(c);
            // Buildings take the community's grids in turn, from a random first one.
            let mut next_grid = self.rng.random_range(0..c.grids.len());
            for k in 0..n {
                let old = !c.village() && self.chance(0.6);
                let name = self.estate_name(c, old, k);
                let address = self.estate_address(c, &name);
                let estate = Estate {
                    id: Uuid::now_v7(),
                    name,
                    area_id: c.area.id,
                    area_path: c.area.path.clone(),
                    address,
                    property_company_id: None,
                    property_station_id: None,
                    version: 1,
                    created_at: self.now,
                    updated_at: self.now,
                };
                let buildings = if dense { self.rng.random_range(3..=5) } else { self.rng.random_range(2..=8) };
                let blocks = (1..=buildings)
                    .map(|b| {
                        let grid = &c.grids[next_grid % c.grids.len()];
                        next_grid += 1;
                        self.block(&estate, b, grid, old, dense)
                    })
                    .collect();
                sites.push(Site { community: i, estate, old, buildings: blocks });
            }
        }
        Ok(sites)
    }

    fn estate_name(&mut self, c: &Community, old: bool, k: usize) -> String {
        if c.village() {
            // Villages being rebuilt get resettlement estates named after them.
            let suffix = VILLAGE_SUFFIXES[k % VILLAGE_SUFFIXES.len()];
            return match k / VILLAGE_SUFFIXES.len() {
                0 => format!("{}{suffix}", c.stem()),
                phase => format!("{}{suffix}{}期", c.stem(), phase + 1),
            };
        }
        loop {
            let name = if old {
                format!("{}{}", pick(&mut self.rng, UNITS), pick(&mut self.rng, OLD_SUFFIXES))
            } else {
                format!("{}{}", pick(&mut self.rng, NEW_PREFIXES), pick(&mut self.rng, NEW_SUFFIXES))
            };
            if self.used_names.insert(name.clone()) {
                return name;
            }
        }
    }

    /// 回民区巴彦淖尔北路23号电业局家属楼: on the community's road where it is named after one,
    /// otherwise on the street's road, or in the village.
    fn estate_address(&mut self, c: &Community, name: &str) -> String {
        let district = &c.district;
        let street = c.street.name.strip_suffix("街道").unwrap_or(&c.street.name);
        let road = if c.stem().ends_with(['路', '街', '巷']) {
            c.stem().to_string()
        } else if street.ends_with(['路', '街']) {
            street.to_string()
        } else {
            format!("{}{}", c.street.name, c.area.name)
        };
        loop {
            let no = self.rng.random_range(1..=240);
            if self.used_names.insert(format!("{road}{no}号")) {
                return format!("{district}{road}{no}号{name}");
            }
        }
    }

    fn block(&mut self, estate: &Estate, n: usize, grid: &Area, old: bool, dense: bool) -> Block {
        let floors: i32 = if old { self.rng.random_range(5..=6) } else { self.rng.random_range(6..=7) };
        let entrances = if dense { self.rng.random_range(2..=3) } else { self.rng.random_range(1..=4) };
        let name = format!("{n}号楼");
        let building = Building {
            id: Uuid::now_v7(),
            estate_id: Some(estate.id),
            address: format!("{}{name}", estate.address),
            name,
            area_id: grid.id,
            area_path: grid.path.clone(),
            floors: Some(floors),
            head_person_id: None,
            version: 1,
            created_at: self.now,
            updated_at: self.now,
        };
        let entrances = (1..=entrances)
            .map(|e| {
                let entrance =
                    Entrance { id: Uuid::now_v7(), building_id: building.id, name: format!("{e}单元"), head_person_id: None, created_at: self.now };
                (entrance, Vec::new())
            })
            .collect();
        Block { building, entrances }
    }

    /// Households of one community. Where the seed is set nearly every flat is registered;
    /// elsewhere a sample of 10–30 households fills a few entrances, so that a building page
    /// there still reads like a real stairwell rather than one flat in twenty.
    pub fn fill<'s>(&mut self, c: &Community, sites: impl Iterator<Item = &'s mut Site>) {
        let mut stairs: Vec<(&Building, &mut (Entrance, Vec<Household>))> = Vec::new();
        for site in sites {
            for block in &mut site.buildings {
                for e in &mut block.entrances {
                    stairs.push((&block.building, e));
                }
            }
        }
        let dense = self.dense(c);
        let (mut left, occupied) = if dense { (usize::MAX, 0.88) } else { (self.rng.random_range(10..=30), 0.8) };
        if !dense {
            stairs.shuffle(&mut self.rng);
        }
        for (building, (entrance, households)) in stairs {
            for floor in 1..=building.floors.unwrap_or(6) {
                for flat in 1..=2 {
                    if left == 0 || !self.chance(occupied) {
                        continue;
                    }
                    left -= 1;
                    let room = format!("{floor}{flat:02}");
                    households.push(Household {
                        id: Uuid::now_v7(),
                        building_id: Some(building.id),
                        entrance_id: Some(entrance.id),
                        area_id: building.area_id,
                        area_path: building.area_path.clone(),
                        address: format!("{}{}{room}", building.address, entrance.name),
                        room: Some(room),
                        version: 1,
                        created_at: self.now,
                        updated_at: self.now,
                    });
                }
            }
        }
    }
}

pub fn pick<'a, R: Rng>(rng: &mut R, list: &'a [&'a str]) -> &'a str {
    list[rng.random_range(0..list.len())]
}

/// Moves the sites into the batch: estates, then buildings, entrances and households.
pub fn flatten(sites: Vec<Site>, batch: &mut RegistryBatch) {
    for site in sites {
        batch.estates.push(site.estate);
        for block in site.buildings {
            batch.buildings.push(block.building);
            for (entrance, households) in block.entrances {
                batch.entrances.push(entrance);
                batch.households.extend(households);
            }
        }
    }
}
