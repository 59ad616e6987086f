//! Case categories: a tree per kind, written as dotted codes (`tenancy.utilities` lies under
//! `tenancy`), so the tree is visible in the code itself and a prefix match finds a subtree.
//! Offices add their own categories; the defaults below follow the headings that the seed and
//! common dispute-screening (矛盾纠纷排查) ledgers use.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::CaseKind;
use crate::error::{DomainError, Result};

#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct CategoryCode(String);

impl CategoryCode {
    /// Lower-case ASCII words of letters, digits and `_`, joined by dots; at most four deep.
    pub fn parse(s: &str) -> Result<Self> {
        let s = s.trim();
        let segments: Vec<&str> = s.split('.').collect();
        let ok = (1..=64).contains(&s.len())
            && segments.len() <= 4
            && segments.iter().all(|seg| {
                !seg.is_empty()
                    && seg.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
                    && seg.chars().next().is_some_and(|c| c.is_ascii_lowercase())
            });
        if ok { Ok(CategoryCode(s.to_string())) } else { Err(DomainError::invalid("category", "error-case-category")) }
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
    pub fn parent(&self) -> Option<CategoryCode> {
        self.0.rfind('.').map(|i| CategoryCode(self.0[..i].to_string()))
    }
    /// This code and its ancestors, most specific first: the order deadline overrides are
    /// looked up in.
    pub fn lineage(&self) -> Vec<&str> {
        let mut out = vec![self.0.as_str()];
        let mut s = self.0.as_str();
        while let Some(i) = s.rfind('.') {
            s = &s[..i];
            out.push(s);
        }
        out
    }
}

impl TryFrom<String> for CategoryCode {
    type Error = DomainError;
    fn try_from(s: String) -> Result<Self> {
        CategoryCode::parse(&s)
    }
}
impl From<CategoryCode> for String {
    fn from(c: CategoryCode) -> String {
        c.0
    }
}
impl std::fmt::Display for CategoryCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Category {
    pub kind: CaseKind,
    #[schema(value_type = String)]
    pub code: CategoryCode,
    pub name_zh: String,
    pub name_en: String,
    /// Retired categories stay for old cases but are not offered on intake.
    #[serde(default)]
    pub retired: bool,
}

/// All categories of all kinds. Codes are unique within a kind (`other` exists in each).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct CategoryTree {
    // Keyed by the kind's name: the kinds carry no order of their own.
    by_kind: BTreeMap<(&'static str, String), Category>,
}

impl CategoryTree {
    /// Every parent must exist in the same kind, and no code may appear twice.
    pub fn from_categories(categories: impl IntoIterator<Item = Category>) -> Result<Self> {
        let mut by_kind = BTreeMap::new();
        for c in categories {
            let name_ok = |s: &str| super::one_line(s, 1, 64).is_some();
            if !name_ok(&c.name_zh) || !name_ok(&c.name_en) {
                return Err(DomainError::invalid("name", "error-case-category-name"));
            }
            if by_kind.insert((c.kind.as_str(), c.code.as_str().to_string()), c).is_some() {
                return Err(DomainError::Conflict("error-case-category-duplicate"));
            }
        }
        for (kind, code) in by_kind.keys() {
            let code = CategoryCode(code.clone());
            if let Some(p) = code.parent()
                && !by_kind.contains_key(&(*kind, p.0))
            {
                return Err(DomainError::invalid("category", "error-case-category-parent"));
            }
        }
        Ok(CategoryTree { by_kind })
    }

    pub fn defaults() -> Self {
        let rows = DEFAULTS.iter().map(|(kind, code, zh, en)| Category {
            kind: *kind,
            code: CategoryCode::parse(code).expect("default category codes are valid"),
            name_zh: zh.to_string(),
            name_en: en.to_string(),
            retired: false,
        });
        CategoryTree::from_categories(rows).expect("default categories form a tree")
    }

    pub fn get(&self, kind: CaseKind, code: &str) -> Option<&Category> {
        self.by_kind.get(&(kind.as_str(), code.to_string()))
    }

    /// The category a new case may use: it exists for this kind and neither it nor any of
    /// its ancestors is retired (retiring a heading retires what lies under it for intake).
    pub fn check_for_intake(&self, kind: CaseKind, code: &str) -> Result<&Category> {
        let code = CategoryCode::parse(code)?;
        match self.get(kind, code.as_str()) {
            Some(c) if self.is_choosable(kind, &c.code) => Ok(c),
            _ => Err(DomainError::invalid("category", "error-case-category")),
        }
    }

    /// Offered on intake: present, and no retired category on its lineage.
    pub fn is_choosable(&self, kind: CaseKind, code: &CategoryCode) -> bool {
        code.lineage().into_iter().all(|c| self.get(kind, c).is_some_and(|x| !x.retired))
    }

    /// Whether an administrator may add this category: a new code in its kind, under an
    /// existing parent that is still in use. Names are checked as for any tree.
    pub fn check_new(&self, c: &Category) -> Result<()> {
        let name_ok = |s: &str| super::one_line(s, 1, 64).is_some();
        if !name_ok(&c.name_zh) || !name_ok(&c.name_en) {
            return Err(DomainError::invalid("name", "error-case-category-name"));
        }
        if self.get(c.kind, c.code.as_str()).is_some() {
            return Err(DomainError::Conflict("error-case-category-duplicate"));
        }
        if let Some(p) = c.code.parent() {
            match self.get(c.kind, p.as_str()) {
                None => return Err(DomainError::invalid("code", "error-case-category-parent")),
                Some(_) if !self.is_choosable(c.kind, &p) => return Err(DomainError::invalid("code", "error-case-category-parent-retired")),
                Some(_) => {}
            }
        }
        Ok(())
    }

    /// Every category of every kind, kinds in name order and codes in order within a kind.
    pub fn all(&self) -> impl Iterator<Item = &Category> {
        self.by_kind.values()
    }

    /// One kind's categories in code order, so a parent precedes its children.
    pub fn of_kind(&self, kind: CaseKind) -> impl Iterator<Item = &Category> {
        self.by_kind.range((kind.as_str(), String::new())..).take_while(move |((k, _), _)| *k == kind.as_str()).map(|(_, c)| c)
    }

    pub fn children(&self, kind: CaseKind, parent: &str) -> Vec<&Category> {
        self.of_kind(kind).filter(|c| c.code.parent().is_some_and(|p| p.as_str() == parent)).collect()
    }

    pub fn len(&self) -> usize {
        self.by_kind.len()
    }
    pub fn is_empty(&self) -> bool {
        self.by_kind.is_empty()
    }
}

use CaseKind::{Demand as M, Dispute as D, Hazard as H};

const DEFAULTS: &[(CaseKind, &str, &str, &str)] = &[
    (D, "neighbour", "邻里纠纷", "Neighbours"),
    (D, "neighbour.noise", "噪音扰民", "Noise"),
    (D, "neighbour.water_leak", "漏水渗水", "Water leaks"),
    (D, "neighbour.shared_space", "公共空间占用", "Shared space"),
    (D, "property_management", "物业纠纷", "Property management"),
    (D, "property_management.fees", "物业费", "Property fees"),
    (D, "property_management.service", "物业服务质量", "Service quality"),
    (D, "property_management.parking", "停车管理", "Parking"),
    (D, "labour", "劳动争议", "Labour"),
    (D, "labour.wage_arrears", "拖欠工资", "Wage arrears"),
    (D, "labour.work_injury", "工伤", "Work injury"),
    (D, "labour.contract", "劳动合同", "Employment contract"),
    (D, "private_lending", "民间借贷", "Private lending"),
    (D, "family", "婚姻家庭纠纷", "Family and marriage"),
    (D, "family.marriage", "婚姻", "Marriage"),
    (D, "family.support", "赡养抚养", "Support of elders and children"),
    (D, "family.inheritance", "继承", "Inheritance"),
    (D, "land", "土地纠纷", "Land"),
    (D, "land.contract", "土地承包", "Land contracts"),
    (D, "land.homestead", "宅基地", "Homesteads"),
    (D, "land.expropriation", "征地拆迁", "Expropriation"),
    (D, "tenancy", "房屋租赁纠纷", "Tenancy"),
    (D, "tenancy.rent", "租金押金", "Rent and deposits"),
    (D, "tenancy.utilities", "水电暖费", "Utility charges"),
    (D, "consumer", "消费纠纷", "Consumer"),
    (D, "traffic", "交通事故纠纷", "Traffic accidents"),
    (D, "medical", "医疗纠纷", "Medical"),
    (D, "contract", "合同纠纷", "Other contracts"),
    (D, "damage", "损害赔偿纠纷", "Damages"),
    (D, "other", "其他纠纷", "Other disputes"),
    (M, "public_facilities", "公共设施", "Public facilities"),
    (M, "environment", "环境卫生", "Environment and sanitation"),
    (M, "heating", "供暖", "Heating"),
    (M, "utilities", "水电气", "Water, power and gas"),
    (M, "property_services", "物业服务", "Property services"),
    (M, "roads_parking", "道路与停车", "Roads and parking"),
    (M, "elderly_care", "养老服务", "Elderly care"),
    (M, "social_assistance", "社会救助", "Social assistance"),
    (M, "employment", "就业", "Employment"),
    (M, "education", "教育", "Education"),
    (M, "health", "医疗卫生", "Health"),
    (M, "policy_inquiry", "政策咨询", "Policy questions"),
    (M, "other", "其他诉求", "Other demands"),
    (H, "fire", "消防安全", "Fire safety"),
    (H, "fire.corridor_clutter", "楼道堆物", "Clutter in corridors"),
    (H, "fire.ebike_charging", "电动车违规充电", "E-bike charging"),
    (H, "fire.blocked_exit", "消防通道堵塞", "Blocked fire lanes"),
    (H, "gas", "燃气安全", "Gas"),
    (H, "electrical", "用电安全", "Electrical"),
    (H, "building", "房屋建筑安全", "Buildings and structures"),
    (H, "road_traffic", "道路交通安全", "Road traffic"),
    (H, "public_security", "治安隐患", "Public security"),
    (H, "food_safety", "食品安全", "Food safety"),
    (H, "natural_disaster", "自然灾害", "Natural hazards"),
    (H, "special_equipment", "特种设备（电梯等）", "Lifts and special equipment"),
    (H, "other", "其他隐患", "Other hazards"),
];
