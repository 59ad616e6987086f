//! People who serve and have no home in the registry's households: grid workers, the
//! 三官一律 legal advisers placed in 回民区's grids, and liaison cadres (包联干部) of district
//! departments paired with its communities; and every grid's duty list.

use fengqiao_domain::model::{Area, Assignment, Person, PersonKind, Profession};
use fengqiao_domain::ports::RegistryBatch;
use fengqiao_domain::privacy::{Gender, mask_phone};
use rand::Rng;
use rand::seq::index::sample;
use uuid::Uuid;

use super::names;
use super::places::{Community, pick};
use super::registry::{PERSON_PHONE_FIELD, World};

/// The standard 网格职责清单, as the seed's 赛罕路社区 lists it.
const DUTIES: [&str; 8] = [
    "信息采集：入户登记人口、房屋和单位信息，发生变化及时更新",
    "社情民意收集：走访居民，收集意见建议，及时上报社区",
    "矛盾纠纷排查调解：排查邻里、物业、家庭纠纷，能调则调，调不了的上报",
    "安全隐患排查：检查消防通道、燃气、电动车充电等隐患，督促整改",
    "便民服务：代办、帮办居民事项，解答政策咨询",
    "应急处置：突发事件第一时间到场，报告并协助处置",
    "政策宣传：宣传法律法规和惠民政策，开展法治宣传教育",
    "特殊人群关爱走访：定期走访独居老人、残疾人、低保户等，记录需求",
];

pub fn duties() -> Vec<String> {
    DUTIES.iter().map(|d| d.to_string()).collect()
}

/// How many of each of the 三官一律 there are among the advisers (police are the most).
const PROFESSIONS: [(Profession, usize); 4] =
    [(Profession::Police, 30), (Profession::Judge, 12), (Profession::Prosecutor, 9), (Profession::Lawyer, 22)];
const COURTS: &[&str] = &["回民区人民法院", "回民区人民法院", "回民区人民法院攸攸板人民法庭"];
const PROSECUTORS: &[&str] = &["回民区人民检察院"];
const LAW_FIRMS: &[&str] =
    &["内蒙古青城正和律师事务所", "内蒙古德衡律师事务所", "内蒙古信则律师事务所", "内蒙古北疆明理律师事务所", "呼和浩特市昭德律师事务所"];
const DEPARTMENTS: &[&str] = &[
    "回民区民政局", "回民区住房和城乡建设局", "回民区司法局", "回民区卫生健康委员会", "回民区教育局", "回民区人力资源和社会保障局",
    "回民区财政局", "回民区市场监督管理局", "回民区城市管理综合执法局", "回民区退役军人事务局", "回民区应急管理局", "回民区委组织部",
    "回民区委宣传部", "回民区委政法委员会", "回民区发展和改革委员会", "回民区统计局",
];

impl World<'_> {
    fn person(&mut self, name: String, kind: PersonKind, organisation: Option<String>, area: &Area) -> anyhow::Result<Person> {
        let phone = self.mobile();
        Ok(Person {
            id: Uuid::now_v7(),
            name,
            kind,
            profession: None,
            organisation,
            phone: Some(self.protect(PERSON_PHONE_FIELD, &phone, mask_phone(&phone))?),
            user_id: None,
            area_id: area.id,
            area_path: area.path.clone(),
            version: 1,
            created_at: self.now,
            updated_at: self.now,
        })
    }

    fn someone(&mut self, female_share: f64, born: std::ops::RangeInclusive<i32>) -> String {
        let g = if self.chance(female_share) { Gender::Female } else { Gender::Male };
        let year = self.rng.random_range(born);
        names::anyone(&mut self.rng, g, year)
    }

    fn assign(&self, batch: &mut RegistryBatch, person: Uuid, area: &Area) {
        batch.assignments.push(Assignment { person_id: person, area_id: area.id, area_path: area.path.clone(), created_at: self.now });
    }

    /// One or two workers per grid, employed by the community, most of them women.
    pub fn grid_workers(&mut self, communities: &[Community], batch: &mut RegistryBatch) -> anyhow::Result<()> {
        for c in communities {
            for grid in &c.grids {
                let n = if self.chance(0.3) { 2 } else { 1 };
                for k in 0..n {
                    let linked = self.linked.grid_worker.as_ref().filter(|a| k == 0 && a.grid_code == grid.code.as_str()).cloned();
                    let name = match &linked {
                        Some(a) => a.name.clone(),
                        None => self.someone(0.7, 1972..=1998),
                    };
                    let mut p = self.person(name, PersonKind::GridWorker, Some(format!("{}居委会", c.area.name)), grid)?;
                    p.user_id = linked.map(|a| a.user_id);
                    self.assign(batch, p.id, grid);
                    batch.people.push(p);
                }
            }
        }
        Ok(())
    }

    /// Each adviser serves one to three grids of one street: police officers those of their
    /// station's street. They belong to the community of their grids, or to the street when
    /// the grids lie in several communities.
    pub fn legal_advisers(&mut self, district: &Area, communities: &[Community], n: usize, batch: &mut RegistryBatch) -> anyhow::Result<()> {
        let professions = PROFESSIONS.iter().flat_map(|(p, k)| std::iter::repeat_n(*p, *k)).chain(std::iter::repeat(Profession::Lawyer)).take(n);
        for (i, profession) in professions.enumerate() {
            // The demo's legal adviser account is the first of them, in its own grid.
            let linked = self.linked.legal_adviser.clone().filter(|_| i == 0);
            let grids: Vec<(&Community, &Area)> = match &linked {
                Some(a) => communities.iter().flat_map(|c| c.grids.iter().map(move |g| (c, g))).filter(|(_, g)| g.code.as_str() == a.grid_code).collect(),
                None => {
                    let c = &communities[self.rng.random_range(0..communities.len())];
                    let street: Vec<(&Community, &Area)> =
                        communities.iter().filter(|x| x.street.id == c.street.id).flat_map(|c| c.grids.iter().map(move |g| (c, g))).collect();
                    let k = self.rng.random_range(1..=3).min(street.len());
                    sample(&mut self.rng, street.len(), k).into_iter().map(|i| street[i]).collect()
                }
            };
            anyhow::ensure!(!grids.is_empty(), "no grid for a legal adviser in {}", district.name);
            let first = grids[0].0;
            let home = if grids.iter().all(|(c, _)| c.area.id == first.area.id) { &first.area } else { &first.street };
            let street = first.street.name.strip_suffix("街道").unwrap_or(&first.street.name);
            let street = street.strip_suffix('镇').unwrap_or(street);
            let organisation = match profession {
                Profession::Police => format!("{street}派出所"),
                Profession::Judge => pick(&mut self.rng, COURTS).to_string(),
                Profession::Prosecutor => pick(&mut self.rng, PROSECUTORS).to_string(),
                Profession::Lawyer => pick(&mut self.rng, LAW_FIRMS).to_string(),
            };
            let name = match &linked {
                Some(a) => a.name.clone(),
                None => self.someone(0.4, 1965..=1994),
            };
            let mut p = self.person(name, PersonKind::LegalAdviser, Some(organisation), home)?;
            p.profession = Some(profession);
            p.user_id = linked.map(|a| a.user_id);
            for (_, g) in &grids {
                self.assign(batch, p.id, g);
            }
            batch.people.push(p);
        }
        Ok(())
    }

    /// One cadre of a district department paired with each community (双报到、双服务).
    pub fn liaison_cadres(&mut self, district: &Area, communities: &[Community], batch: &mut RegistryBatch) -> anyhow::Result<()> {
        for c in communities {
            let name = self.someone(0.45, 1968..=1992);
            let department = pick(&mut self.rng, DEPARTMENTS).to_string();
            let p = self.person(name, PersonKind::LiaisonCadre, Some(department), district)?;
            self.assign(batch, p.id, &c.area);
            batch.people.push(p);
        }
        Ok(())
    }
}
