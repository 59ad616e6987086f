//! The demo's cases: the seed article's 2024 in 新城区 and 回民区 (`plan`), each case walked
//! through the workflow by the offices that would have handled it (`staff`, `story`), and a
//! few recent cases waiting in the demo accounts' queues, so there is work to do on sign-in.
//!
//! Written with one `import_case_histories` per district: thousands of cases through the
//! services would cost a transaction and an audit row each, and the demo must serve in seconds.

pub mod city;
mod mediation;
mod plan;
mod season;
mod staff;
mod story;
mod texts;

#[cfg(test)]
mod city_tests;
#[cfg(test)]
mod tests;
#[cfg(test)]
mod report_tests;
#[cfg(test)]
mod search_quality;

use std::collections::BTreeMap;

use anyhow::Context as _;
use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc};
use fengqiao_domain::model::case::{CaseKind, CaseNumber, CaseStatus, Channel, HandlingLevel, PartnerRoom, Party, PartyKind, PartyRole, RiskLevel};
use fengqiao_domain::model::{Area, NewAudit, Protected};
use fengqiao_domain::ports::{CaseHistories, CaseHistory, CaseQuery, CaseScope, Store};
use fengqiao_domain::privacy::{Gender, Vault, mask_phone};
use fengqiao_domain::rules::calendar::{local_date, start_of_day};
use fengqiao_domain::services::cases::{CaseSettings, PARTY_PHONE_FIELD};
use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use uuid::Uuid;

pub use plan::{LABOUR_ROOM_CASES, LABOUR_ROOM_RESOLVED, XINCHENG_DISPUTES, XINCHENG_RESOLVED};
use plan::{Ending, Group, Place};
use staff::Offices;
use story::{Brief, Chain, Referral, Stop};

use super::DEMO_ACTOR;
use super::names::anyone;
use super::places::{self, Community};
use crate::messages::Explain;

/// The invited mediator of the 新城区 labour room, a retired judge (the name is invented).
pub const INVITED_MEDIATOR: &str = "贺守正";
/// 什拉门更社区, where the seed's tenant and landlord fell out over the water bill.
const SHILAMENGENG: &str = "150103003001";
/// Communities whose demo accounts get recent cases in their queues.
const LIVE_COMMUNITIES: [&str; 2] = ["150103003030", SHILAMENGENG];

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Summary {
    pub cases: usize,
    pub accounts: usize,
    /// Settled disputes given a session and a signed agreement.
    pub mediation_files: usize,
    /// The database already held cases (a reused demo world): nothing was written.
    pub kept: bool,
}

impl Summary {
    pub fn lines(&self) -> String {
        if self.kept {
            return "Cases already present and kept.\n".to_string();
        }
        format!(
            "Cases: {} (2024 as the seed reports it: 新城区 {XINCHENG_DISPUTES} disputes taken in, {XINCHENG_RESOLVED} resolved; \
             its labour room {LABOUR_ROOM_CASES} mediated, {LABOUR_ROOM_RESOLVED} by agreement), handled by {} office accounts; \
             {} mediation files with signed agreements.\n",
            self.cases, self.accounts, self.mediation_files
        )
    }
}

/// Everything a district's cases need to be placed and numbered.
struct District {
    area: Area,
    communities: Vec<Community>,
    histories: Vec<CaseHistory>,
}

pub async fn load(store: &dyn Store, vault: &Vault, settings: &CaseSettings, now: DateTime<Utc>) -> anyhow::Result<Summary> {
    if !store.cases(&CaseQuery::new(CaseScope::Area("/".into()), 1)).await.explained()?.is_empty() {
        return Ok(Summary { kept: true, ..Summary::default() });
    }
    let mut districts: BTreeMap<String, District> = BTreeMap::new();
    for code in ["150102", "150103"] {
        let (area, communities) = places::tree(store, code, &[]).await?;
        districts.insert(code.to_string(), District { area, communities, histories: Vec::new() });
    }
    let city = store.area_by_code(super::world::CITY).await.explained()?.context("the demo city")?;
    for area in store.area_children(city.id, false).await.explained()? {
        districts.entry(area.code.to_string()).or_insert(District { area, communities: Vec::new(), histories: Vec::new() });
    }
    let (offices, accounts) = staff_offices(store, districts.values(), now).await?;

    let mut rng = StdRng::seed_from_u64(2024);
    let mut maker = Maker { rng: &mut rng, vault, settings, offices: &offices, until: None };
    for group in plan::groups() {
        maker.group(&group, &mut districts)?;
    }
    maker.water_fee_dispute(districts.get_mut("150103").context("回民区")?)?;
    maker.recent(districts.get_mut("150103").context("回民区")?, now)?;

    let files_in = mediation::communities(&districts.get("150103").context("回民区")?.communities);
    let mut total = 0;
    let mut files = 0;
    for d in districts.values_mut() {
        if d.histories.is_empty() {
            continue;
        }
        let batch = numbered(std::mem::take(&mut d.histories), d.area.code.as_str())?;
        total += batch.cases.len();
        let audit = NewAudit {
            at: now,
            actor_id: None,
            actor_name: DEMO_ACTOR.to_string(),
            action: "demo.cases".to_string(),
            entity_type: "case".to_string(),
            entity_id: d.area.code.to_string(),
            area_path: d.area.path.clone(),
            before: None,
            after: Some(serde_json::json!({ "cases": batch.cases.len() })),
            client_addr: None,
        };
        store.import_case_histories(&batch, &audit).await.explained().with_context(|| format!("loading the cases of {}", d.area.name))?;
        files += mediation::write(store, &batch.cases, &files_in).await?;
    }
    Ok(Summary { cases: total, accounts, mediation_files: files, kept: false })
}

/// Finds or creates the offices of every district, street and community of `districts`.
async fn staff_offices<'a>(store: &dyn Store, districts: impl Iterator<Item = &'a District>, now: DateTime<Utc>) -> anyhow::Result<(Offices, usize)> {
    let mut office_areas: Vec<Area> = Vec::new();
    for d in districts {
        office_areas.push(d.area.clone());
        let mut streets = BTreeMap::new();
        for c in &d.communities {
            streets.insert(c.street.code.to_string(), c.street.clone());
            office_areas.push(c.area.clone());
        }
        office_areas.extend(streets.into_values());
    }
    staff::provide(store, &office_areas, now).await
}

/// Numbers in order of intake, per year, as the counter would have given them.
fn numbered(mut histories: Vec<CaseHistory>, district: &str) -> anyhow::Result<CaseHistories> {
    histories.sort_by_key(|h| h.case.created_at);
    let mut last: BTreeMap<i32, i64> = BTreeMap::new();
    for h in &mut histories {
        let year = local_date(h.case.created_at).year();
        let seq = last.entry(year).or_insert(0);
        *seq += 1;
        h.case.number = CaseNumber::compose(district, year, *seq as u64).explained()?;
    }
    let counters = last.into_iter().map(|(year, seq)| (district.to_string(), year, seq)).collect();
    Ok(CaseHistories { cases: histories, counters })
}

struct Maker<'a> {
    rng: &'a mut StdRng,
    vault: &'a Vault,
    settings: &'a CaseSettings,
    offices: &'a Offices,
    /// Where histories stop (`Brief::until`).
    until: Option<DateTime<Utc>>,
}

impl Maker<'_> {
    fn group(&mut self, g: &Group, districts: &mut BTreeMap<String, District>) -> anyhow::Result<()> {
        let mut stops: Vec<(bool, Ending)> = vec![(true, Ending::Open); g.resolved];
        let mut left = g.count - g.resolved;
        for (i, (ending, n)) in g.others.iter().enumerate() {
            let n = if i + 1 == g.others.len() { left } else { (*n).min(left) };
            stops.extend(std::iter::repeat_n((false, *ending), n));
            left -= n;
        }
        stops.shuffle(self.rng);
        let targets: Vec<String> = match g.place {
            Place::Grids(code) => vec![code.to_string()],
            Place::OtherDistricts => districts.iter().filter(|(_, d)| d.communities.is_empty()).map(|(c, _)| c.clone()).collect(),
        };
        for (i, (resolved, ending)) in stops.into_iter().enumerate() {
            let district = districts.get_mut(&targets[i % targets.len()]).context("district")?;
            let stop = match Stop::of(ending, resolved, self.rng) {
                // A mediation room succeeds by agreement: its 174 of 300 are the seed's 58%.
                Stop::Closed(o) if g.labour_room && o.is_resolved() => Stop::Closed(fengqiao_domain::model::case::Outcome::ResolvedByAgreement),
                other => other,
            };
            // Open and backlogged cases came in at the end of the year.
            let at = if resolved || matches!(ending, Ending::Concluded(_)) { self.moment_in(plan::YEAR) } else { self.late_in(plan::YEAR) };
            let category = pick(self.rng, g.categories).to_string();
            let channel = *pick(self.rng, g.channels);
            let referral = g.labour_room.then(|| Referral {
                room: PartnerRoom::CourtAndUnion,
                name: "新城区“法院+工会”劳动争议诉调工作室".to_string(),
                mediator: INVITED_MEDIATOR.to_string(),
            });
            let h = self.case(district, g.kind, &category, channel, at, stop, referral, None).with_context(|| format!("demo group {}", g.name))?;
            district.histories.push(h);
        }
        Ok(())
    }

    /// Places a case in a random grid of the district (or at district level), builds its
    /// brief and parties, and walks it.
    #[allow(clippy::too_many_arguments)]
    fn case(
        &mut self,
        d: &District,
        kind: CaseKind,
        category: &str,
        channel: Channel,
        at: DateTime<Utc>,
        stop: Stop,
        referral: Option<Referral>,
        grid: Option<(&Community, &Area)>,
    ) -> anyhow::Result<CaseHistory> {
        let (area, community) = match grid {
            Some((c, g)) => (g.clone(), Some(c)),
            None if d.communities.is_empty() => (d.area.clone(), None),
            None => {
                let c = &d.communities[self.rng.random_range(0..d.communities.len())];
                (c.grids[self.rng.random_range(0..c.grids.len())].clone(), Some(c))
            }
        };
        let mut chain_offices = Vec::new();
        if let Some(c) = community {
            chain_offices.push((HandlingLevel::Community, self.offices.of(&c.area.path)?));
            chain_offices.push((HandlingLevel::Street, self.offices.of(&c.street.path)?));
        }
        chain_offices.push((HandlingLevel::District, self.offices.of(&d.area.path)?));
        let chain = Chain { offices: chain_offices };
        let address = match community {
            Some(c) => format!("{}{}{}号楼{}单元", c.district, c.area.name.trim_end_matches("居委会"), self.rng.random_range(1..30), self.rng.random_range(1..5)),
            None => d.area.name.to_string(),
        };
        let parties = self.parties(kind, category, at)?;
        let walk_in = matches!(channel, Channel::WalkIn | Channel::Hotline | Channel::Online);
        let brief = Brief {
            kind,
            category: category.to_string(),
            title: texts::title(self.rng, category),
            description: texts::description(category, &address),
            address,
            channel,
            risk: if self.rng.random_bool(0.04) { RiskLevel::Major } else { RiskLevel::Ordinary },
            reporter_name: if walk_in { parties.first().map(|p| p.name.clone()) } else { None },
            at,
            number: CaseNumber::compose(d.area.code.as_str(), local_date(at).year(), 0).explained()?,
            referral,
            may_escalate: true,
            until: self.until,
        };
        let deadlines = &self.settings.deadlines;
        story::walk(self.rng, brief, parties, &area, &chain, stop, &self.settings.categories, deadlines)
    }

    fn parties(&mut self, kind: CaseKind, category: &str, at: DateTime<Utc>) -> anyhow::Result<Vec<Party>> {
        let mut out = Vec::new();
        let with_applicant = match kind {
            CaseKind::Dispute => true,
            CaseKind::Demand => self.rng.random_bool(0.6),
            CaseKind::Hazard => false,
        };
        if with_applicant {
            out.push(self.person(PartyRole::Applicant, at)?);
        }
        if kind == CaseKind::Dispute {
            if category.starts_with("labour") || category.starts_with("property_management") {
                let name = texts::company(self.rng, category);
                out.push(Party { kind: PartyKind::Organisation, name, phone: None, ..self.person(PartyRole::Respondent, at)? });
            } else {
                out.push(self.person(PartyRole::Respondent, at)?);
            }
        }
        Ok(out)
    }

    fn person(&mut self, role: PartyRole, at: DateTime<Utc>) -> anyhow::Result<Party> {
        let gender = if self.rng.random_bool(0.5) { Gender::Male } else { Gender::Female };
        let birth_year = self.rng.random_range(1950..2002);
        let name = anyone(self.rng, gender, birth_year);
        // The demo's synthetic range: 0000 in the middle, as in the registry.
        let phone = self.rng.random_bool(0.8).then(|| format!("139{:04}{:04}", 0, self.rng.random_range(0..10_000)));
        let phone = phone.map(|p| self.protect(&p)).transpose()?;
        Ok(Party { id: Uuid::now_v7(), case_id: Uuid::nil(), role, kind: PartyKind::Person, resident_id: None, name, id_number: None, phone, created_at: at })
    }

    fn protect(&self, phone: &str) -> anyhow::Result<Protected> {
        let cipher = self.vault.encrypt(PARTY_PHONE_FIELD, phone).explained()?;
        Ok(Protected { cipher, hash: self.vault.blind_index(PARTY_PHONE_FIELD, phone), masked: mask_phone(phone) })
    }

    /// A time in office hours on a day of `year`, more in the heating season and summer, when
    /// neighbours and pipes give most trouble.
    fn moment_in(&mut self, year: i32) -> DateTime<Utc> {
        const WEIGHTS: [u32; 12] = [10, 7, 9, 8, 8, 9, 10, 10, 8, 8, 10, 11];
        let month = pick_index(self.rng, &WEIGHTS) as u32 + 1;
        let day = self.rng.random_range(1..=28);
        self.at(NaiveDate::from_ymd_opt(year, month, day).expect("a valid date"))
    }

    fn late_in(&mut self, year: i32) -> DateTime<Utc> {
        let day = self.rng.random_range(0..40);
        self.at(NaiveDate::from_ymd_opt(year, 11, 20).expect("a valid date") + Duration::days(day))
    }

    fn at(&mut self, date: NaiveDate) -> DateTime<Utc> {
        start_of_day(date) + Duration::minutes(self.rng.random_range(8 * 60 + 30..17 * 60 + 30))
    }

    /// The seed's story: in 什拉门更社区 a tenant and a landlord fell out over the water bill;
    /// the grid worker and the police officer went together, and it ended in agreement.
    fn water_fee_dispute(&mut self, huimin: &mut District) -> anyhow::Result<()> {
        let community = huimin.communities.iter().find(|c| c.area.code.as_str() == SHILAMENGENG).context("什拉门更社区")?;
        let grid = &community.grids[0];
        let at = start_of_day(NaiveDate::from_ymd_opt(2024, 7, 16).expect("a valid date")) + Duration::minutes(10 * 60 + 20);
        let stop = Stop::Closed(fengqiao_domain::model::case::Outcome::ResolvedByAgreement);
        let mut h = self.case(huimin, CaseKind::Dispute, "tenancy.utilities", Channel::JointPoliceVisit, at, stop, None, Some((community, grid)))?;
        h.case.title = "租户与房东因用水费用发生纠纷".to_string();
        h.case.description = "什拉门更社区某小区租户反映，与房东就用水费用分摊发生矛盾。网格员与派出所民警第一时间到纠纷发生地实地走访，\
             了解矛盾根源，平息双方情绪，耐心劝解。"
            .to_string();
        huimin.histories.push(h);
        Ok(())
    }

    /// A handful of cases from the last two weeks in the demo accounts' communities, stopped
    /// at every step before handling, so each demo account has something to act on.
    fn recent(&mut self, huimin: &mut District, now: DateTime<Utc>) -> anyhow::Result<()> {
        let stops = [CaseStatus::Reported, CaseStatus::Reported, CaseStatus::Accepted, CaseStatus::Assigned, CaseStatus::InProgress, CaseStatus::InProgress];
        let mut made = Vec::new();
        for code in LIVE_COMMUNITIES {
            let c = huimin.communities.iter().find(|c| c.area.code.as_str() == code).context("a live community")?;
            for (i, status) in stops.iter().enumerate() {
                let grid = &c.grids[i % c.grids.len()];
                let (kind, mix): (CaseKind, &[(&str, u32)]) = match i % 3 {
                    0 => (CaseKind::Dispute, &[("neighbour.water_leak", 2), ("neighbour.noise", 1)]),
                    1 => (CaseKind::Demand, &[("heating", 2), ("public_facilities", 1)]),
                    _ => (CaseKind::Hazard, &[("fire.ebike_charging", 1)]),
                };
                let category = pick(self.rng, mix).to_string();
                let at = now - Duration::days(self.rng.random_range(6..14)) - Duration::hours(self.rng.random_range(0..8));
                let at = self.at(local_date(at));
                made.push(self.case(huimin, kind, &category, Channel::GridPatrol, at, Stop::At(*status), None, Some((c, grid)))?);
            }
        }
        huimin.histories.extend(made);
        Ok(())
    }
}

fn pick<'a, T>(rng: &mut StdRng, weighted: &'a [(T, u32)]) -> &'a T {
    let weights: Vec<u32> = weighted.iter().map(|(_, w)| *w).collect();
    &weighted[pick_index(rng, &weights)].0
}

fn pick_index(rng: &mut StdRng, weights: &[u32]) -> usize {
    let total: u32 = weights.iter().sum();
    let mut r = rng.random_range(0..total);
    for (i, w) in weights.iter().enumerate() {
        if r < *w {
            return i;
        }
        r -= w;
    }
    weights.len() - 1
}
