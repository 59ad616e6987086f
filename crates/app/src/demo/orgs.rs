//! Organisations: property companies (among them the 本土化 companies residents founded),
//! 红色物业 property service stations, social organisations and partner units (共建单位).
//! All names are invented in the style of the real ones.

use std::collections::HashMap;

use fengqiao_domain::model::{Area, OrgKind, Organisation};
use rand::Rng;
use rand::seq::SliceRandom;
use uuid::Uuid;

use super::places::{Community, Site, pick};
use super::registry::World;

/// (name, code of the area it is registered with, founded by residents).
const COMPANIES: &[(&str, &str, bool)] = &[
    ("呼和浩特市青城安居物业服务有限公司", "150103", false),
    ("内蒙古鑫泰物业管理有限公司", "150103", false),
    ("呼和浩特市恒信物业服务有限责任公司", "150103", false),
    ("光明路街道居民自管物业服务中心", "150103003", true),
    ("海拉尔西路街道邻里守望物业服务有限公司", "150103004", true),
    ("什拉门更社区居民自治物业服务社", "150103003001", true),
    ("呼和浩特市北辰物业服务有限公司", "150102", false),
    ("内蒙古祥泰物业服务有限责任公司", "150102", false),
    ("锡林北路街道居民自管物业服务中心", "150102002", true),
];

/// (name, community it is paired with).
const PARTNER_UNITS: &[(&str, &str)] = &[
    ("呼和浩特市塞北建工集团有限公司", "150103004017"),
    ("回民区海拉尔西路消防救援站", "150103004017"),
    ("呼和浩特市青城热力有限责任公司", "150103004017"),
    ("内蒙古北辰交通工程有限公司", "150102001010"),
    ("新城区海拉尔东路消防救援站", "150102001010"),
    ("呼和浩特市青城交通安全宣传中心", "150102001010"),
    ("回民区住房和城乡建设局机关党支部", "150103003030"),
];

/// Social organisations are named prefix + brand + what they do: 内蒙古暖阳助老服务中心.
const ORG_PREFIXES: &[&str] = &["内蒙古", "呼和浩特市", "回民区", "回民区", "STREET"];
const ORG_BRANDS: &[&str] = &[
    "暖阳", "益心", "同心", "善行", "德润", "和美", "彩虹", "晨曦", "春雨", "向阳", "乐龄", "安康", "青禾", "知行",
    "馨家", "仁爱", "守望", "启明", "雁归", "绿源", "融和", "伊心", "草原", "星火", "红石榴", "老吾老", "幸福里", "邻里情",
];
const ORG_THEMES: &[&str] = &[
    "助老服务中心", "青少年成长服务社", "社会工作服务中心", "社工事务所", "志愿者协会", "心理健康服务中心",
    "残疾人康复服务中心", "家庭综合服务中心", "文化艺术团", "环保公益协会", "民族团结促进会", "邻里互助会",
    "养老服务中心", "儿童关爱中心", "健康促进会", "书画协会", "公益服务中心", "义工联合会", "社区发展促进中心",
    "爱心助学会", "义诊服务队", "法律援助服务社",
];

fn organisation(kind: OrgKind, name: &str, area: &Area, now: chrono::DateTime<chrono::Utc>) -> Organisation {
    Organisation {
        id: Uuid::now_v7(),
        kind,
        name: name.to_string(),
        area_id: area.id,
        area_path: area.path.clone(),
        contact: None,
        version: 1,
        created_at: now,
        updated_at: now,
    }
}

/// The area with this code among the district, its streets and communities.
fn find<'a>(district: &'a Area, communities: &'a [Community], code: &str) -> Option<&'a Area> {
    std::iter::once(district)
        .chain(communities.iter().flat_map(|c| [&c.street, &c.area]))
        .find(|a| a.code.as_str() == code)
}

impl World<'_> {
    /// Most estates have a property company; a third of the old 家属楼 were abandoned by theirs
    /// (弃管小区), and where residents founded their own company it tends the old estates.
    pub fn companies(&mut self, district: &Area, communities: &[Community], sites: &mut [Site]) -> Vec<Organisation> {
        let now = self.now;
        let mut fresh = Vec::new();
        let orgs: Vec<(Organisation, bool)> = COMPANIES
            .iter()
            .filter_map(|(name, code, local)| {
                let area = find(district, communities, code)?;
                // The city generator writes a district street by street: a district's company
                // is created with the first street and only used by the rest.
                let org = self.companies_issued.entry(name).or_insert_with(|| {
                    let o = organisation(OrgKind::PropertyCompany, name, area, now);
                    fresh.push(o.clone());
                    o
                });
                Some((org.clone(), *local))
            })
            .collect();
        for site in sites.iter_mut() {
            if !self.chance(if site.old { 0.65 } else { 0.95 }) {
                continue;
            }
            let serves = |(o, _): &&(Organisation, bool)| site.estate.area_path.starts_with(&o.area_path);
            let local: Vec<&(Organisation, bool)> = orgs.iter().filter(serves).filter(|(_, l)| *l).collect();
            let firms: Vec<&(Organisation, bool)> = orgs.iter().filter(serves).filter(|(_, l)| !*l).collect();
            let choice = if site.old && !local.is_empty() && self.chance(0.6) { &local } else { &firms };
            if !choice.is_empty() {
                site.estate.property_company_id = Some(choice[self.rng.random_range(0..choice.len())].0.id);
            }
        }
        fresh
    }

    /// Exactly `covered` estates get the station of their community; a community has a
    /// station only if it covers one of its estates.
    pub fn stations(&mut self, communities: &[Community], sites: &mut [Site], covered: usize) -> anyhow::Result<Vec<Organisation>> {
        anyhow::ensure!(sites.len() >= covered, "only {} estates for {covered} covered by stations", sites.len());
        let mut order: Vec<usize> = (0..sites.len()).collect();
        order.shuffle(&mut self.rng);
        order.truncate(covered);
        order.sort_unstable();
        let mut stations: HashMap<usize, Organisation> = HashMap::new();
        let mut out = Vec::new();
        let now = self.now;
        for i in order {
            let c = sites[i].community;
            let station = stations.entry(c).or_insert_with(|| {
                let area = &communities[c].area;
                let o = organisation(OrgKind::PropertyStation, &format!("{}红色物业服务站", area.name), area, now);
                out.push(o.clone());
                o
            });
            sites[i].estate.property_station_id = Some(station.id);
        }
        Ok(out)
    }

    /// `n` social organisations with distinct brand and purpose, registered with the district
    /// or, for those named after a street, with that street.
    pub fn social_orgs(&mut self, district: &Area, communities: &[Community], n: usize) -> Vec<Organisation> {
        let mut streets: Vec<&Area> = communities.iter().map(|c| &c.street).collect();
        streets.dedup_by_key(|s| s.id);
        let mut seen = std::collections::HashSet::new();
        let mut out = Vec::new();
        while out.len() < n.min(ORG_BRANDS.len() * ORG_THEMES.len()) {
            let (brand, theme) = (pick(&mut self.rng, ORG_BRANDS), pick(&mut self.rng, ORG_THEMES));
            if !seen.insert((brand, theme)) {
                continue;
            }
            let (prefix, area) = match pick(&mut self.rng, ORG_PREFIXES) {
                "STREET" => {
                    let s = streets[self.rng.random_range(0..streets.len())];
                    (s.name.as_str(), s)
                }
                p => (p, district),
            };
            out.push(organisation(OrgKind::SocialOrg, &format!("{prefix}{brand}{theme}"), area, self.now));
        }
        out
    }

    pub fn partner_units(&mut self, communities: &[Community]) -> Vec<Organisation> {
        PARTNER_UNITS
            .iter()
            .filter_map(|(name, code)| communities.iter().find(|c| c.area.code.as_str() == *code).map(|c| organisation(OrgKind::PartnerUnit, name, &c.area, self.now)))
            .collect()
    }
}
