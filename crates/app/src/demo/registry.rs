//! The demo's registry: estates, buildings, households and residents, and the people and
//! organisations who serve them, as the seed article describes 回民区 and 新城区.
//!
//! Records are built directly and written with one `insert_registry` per district, under one
//! summary audit row each: going through the services would cost a transaction and an audit
//! row per record, ten thousand of each, and the demo must be serving within seconds.
//! The content is deterministic (a seeded RNG per district); only ids, timestamps and the
//! nonces inside the ciphertexts change between runs.

use std::collections::HashSet;

use anyhow::Context;
use chrono::{DateTime, Duration, NaiveDate, Utc};
use fengqiao_domain::model::{Area, NewAudit, OrgKind, PersonKind, Protected};
use fengqiao_domain::ports::{Page, RegistryBatch, Store};
use fengqiao_domain::privacy::{IdNumber, Vault, mask_id, synthetic_id};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde::Serialize;

use super::places::{self, Community};
use super::{DEMO_ACTOR, DEMO_ACCOUNTS};
use crate::messages::Explain;

/// Field names the services encrypt and index under. They are part of the stored format
/// (the associated data of each ciphertext and the keyed hash), so they must equal the
/// constants in `fengqiao_domain::services::registry`, which that module keeps private;
/// the tests reveal values through the services to prove they do.
pub const ID_FIELD: &str = "resident.id_number";
pub const PHONE_FIELD: &str = "resident.phone";
pub const PERSON_PHONE_FIELD: &str = "person.phone";

/// "市辖区" of Hohhot: registers nobody, so no synthetic number is a real resident's.
const ID_REGION: &str = "150101";

pub const HUIMIN: &str = "150103";
pub const XINCHENG: &str = "150102";
/// The 新城区 streets the seed article names; the district's other streets stay empty.
pub const XINCHENG_STREETS: [&str; 2] = ["150102001", "150102002"];

/// Communities the seed names (巴彦淖尔北路, 什拉门更, 赛罕路, 公安厅) and one in 锡林北路街道,
/// where its neighbours' dispute took place: these are filled densely, the rest sampled.
pub const SEED_COMMUNITIES: [&str; 5] = ["150103003030", "150103003001", "150103004017", "150102001010", "150102002007"];

/// The article's figures: 101 estates covered by 红色物业 stations, 73 legal advisers in
/// grids, 96 social organisations. 120 estates leaves some uncovered, as in life.
pub const HUIMIN_ESTATES: usize = 120;
pub const STATION_ESTATES: usize = 101;
pub const LEGAL_ADVISERS: usize = 73;
pub const SOCIAL_ORGS: usize = 96;

/// What one district's batch holds; also the `after` of its audit row.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Counts {
    pub estates: usize,
    pub estates_with_station: usize,
    pub buildings: usize,
    pub entrances: usize,
    pub households: usize,
    pub residents: usize,
    pub organisations: usize,
    pub social_orgs: usize,
    pub people: usize,
    pub grid_workers: usize,
    pub legal_advisers: usize,
    pub heads: usize,
    pub grids_with_duties: usize,
}

impl Counts {
    pub fn of(b: &RegistryBatch) -> Counts {
        let people = |k: PersonKind| b.people.iter().filter(|p| p.kind == k).count();
        Counts {
            estates: b.estates.len(),
            estates_with_station: b.estates.iter().filter(|e| e.property_station_id.is_some()).count(),
            buildings: b.buildings.len(),
            entrances: b.entrances.len(),
            households: b.households.len(),
            residents: b.residents.len(),
            organisations: b.organisations.len(),
            social_orgs: b.organisations.iter().filter(|o| o.kind == OrgKind::SocialOrg).count(),
            people: b.people.len(),
            grid_workers: people(PersonKind::GridWorker),
            legal_advisers: people(PersonKind::LegalAdviser),
            heads: people(PersonKind::BuildingHead) + people(PersonKind::EntranceHead),
            grids_with_duties: b.duties.len(),
        }
    }

    pub(super) fn add(&mut self, o: &Counts) {
        self.estates += o.estates;
        self.estates_with_station += o.estates_with_station;
        self.buildings += o.buildings;
        self.entrances += o.entrances;
        self.households += o.households;
        self.residents += o.residents;
        self.organisations += o.organisations;
        self.social_orgs += o.social_orgs;
        self.people += o.people;
        self.grid_workers += o.grid_workers;
        self.legal_advisers += o.legal_advisers;
        self.heads += o.heads;
        self.grids_with_duties += o.grids_with_duties;
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Summary {
    /// What was written now.
    pub written: Counts,
    /// Districts whose registry was already there (a reused demo world), left as they were.
    pub kept: Vec<String>,
}

impl Summary {
    pub fn lines(&self) -> String {
        let c = &self.written;
        if c.estates == 0 && !self.kept.is_empty() {
            return format!("Registry of {} already present and kept.\n", self.kept.join(", "));
        }
        let mut s = format!(
            "Registry: {} estates ({} with a 红色物业 station), {} buildings, {} households, {} residents;\n\
             {} legal advisers, {} grid workers, {} building and entrance heads, {} social organisations.\n",
            c.estates, c.estates_with_station, c.buildings, c.households, c.residents, c.legal_advisers, c.grid_workers, c.heads, c.social_orgs
        );
        if !self.kept.is_empty() {
            s.push_str(&format!("Registry of {} already present and kept.\n", self.kept.join(", ")));
        }
        s
    }
}

/// A demo account that is also a person who serves, so that its own grid lists it.
#[derive(Debug, Clone)]
pub(super) struct Account {
    pub user_id: uuid::Uuid,
    pub name: String,
    pub grid_code: String,
}

#[derive(Debug, Clone, Default)]
pub(super) struct Linked {
    pub grid_worker: Option<Account>,
    pub legal_adviser: Option<Account>,
}

/// State shared by the generators of all districts: what must be unique across the whole
/// demo (ID numbers, phones, estate names and addresses) and the keys that protect values.
pub(super) struct World<'v> {
    pub rng: StdRng,
    pub now: DateTime<Utc>,
    /// The date in China, against which ages and birth dates are reckoned.
    pub today: NaiveDate,
    pub linked: Linked,
    vault: &'v Vault,
    used_ids: HashSet<(NaiveDate, u16)>,
    used_phones: HashSet<String>,
    pub used_names: HashSet<String>,
    /// Set by the city-scale generator (`fengqiao gen`): every community is filled densely
    /// with this many estates, and uniqueness is kept per community instead of world-wide.
    pub city: Option<CityScale>,
    /// Mobile numbers issued in city mode, where the demo's small synthetic range runs out.
    phones_issued: u64,
    /// Property companies already in a batch, by name.
    pub companies_issued: std::collections::HashMap<&'static str, fengqiao_domain::model::Organisation>,
}

/// How densely `fengqiao gen` fills each community.
#[derive(Debug, Clone, Copy)]
pub struct CityScale {
    /// On average: each community gets the whole part and, by chance, one more.
    pub estates_per_community: f64,
}

/// Prefixes of the three carriers. Every number has 0000 in the middle four digits so that a
/// revealed number reads as made up; mainland China reserves no range for fiction, so this is
/// as far as "obviously synthetic" can go while passing validation.
const MOBILE_PREFIXES: [&str; 20] =
    ["139", "138", "137", "136", "135", "159", "158", "152", "150", "188", "187", "130", "131", "132", "155", "156", "186", "133", "153", "189"];

impl<'v> World<'v> {
    pub fn new(vault: &'v Vault, now: DateTime<Utc>) -> Self {
        World {
            rng: StdRng::seed_from_u64(0),
            now,
            // China keeps UTC+8 all year.
            today: (now + Duration::hours(8)).date_naive(),
            linked: Linked::default(),
            vault,
            used_ids: HashSet::new(),
            used_phones: HashSet::new(),
            used_names: HashSet::new(),
            city: None,
            phones_issued: 0,
            companies_issued: Default::default(),
        }
    }

    /// Each district draws from its own stream, so a change to one leaves the other alone.
    pub(super) fn reseed(&mut self, code: &str) {
        let seed = code.bytes().fold(0xf3e9_u64, |h, b| h.wrapping_mul(131).wrapping_add(u64::from(b)));
        self.rng = StdRng::seed_from_u64(seed);
    }

    pub fn protect(&self, field: &str, normalised: &str, masked: String) -> anyhow::Result<Protected> {
        Ok(Protected { cipher: self.vault.encrypt(field, normalised).explained()?, hash: self.vault.blind_index(field, normalised), masked })
    }

    /// A synthetic ID number for this birth date and gender, never issued twice in the demo
    /// (the store refuses a second resident with the same keyed hash). The sequence's last
    /// digit carries the gender, so only every other sequence is a candidate.
    pub fn id_number(&mut self, birth: NaiveDate, male: bool) -> anyhow::Result<IdNumber> {
        let start = self.rng.random_range(1..500u16);
        for step in 0..499 {
            let k = 1 + (start - 1 + step) % 499;
            let seq = 2 * k + u16::from(male);
            if self.used_ids.insert((birth, seq)) {
                return Ok(synthetic_id(ID_REGION, birth, seq));
            }
        }
        anyhow::bail!("no synthetic ID number left for {birth}")
    }

    pub fn protected_id(&mut self, birth: NaiveDate, male: bool) -> anyhow::Result<Protected> {
        let id = self.id_number(birth, male)?;
        self.protect(ID_FIELD, id.as_str(), mask_id(id.as_str()))
    }

    /// A mobile number no one else in the demo has.
    pub fn mobile(&mut self) -> String {
        if self.city.is_some() {
            return self.city_mobile();
        }
        loop {
            let prefix = MOBILE_PREFIXES[self.rng.random_range(0..MOBILE_PREFIXES.len())];
            let n = format!("{prefix}0000{:04}", self.rng.random_range(0..10_000));
            if self.used_phones.insert(n.clone()) {
                return n;
            }
        }
    }

    /// Millions of distinct numbers without remembering them: the count of numbers issued,
    /// spread over the carriers and multiplied by a constant coprime to 10⁸, is a bijection
    /// onto the eight digits after the prefix, so no two are the same.
    fn city_mobile(&mut self) -> String {
        let n = self.phones_issued;
        self.phones_issued += 1;
        let prefix = MOBILE_PREFIXES[(n % MOBILE_PREFIXES.len() as u64) as usize];
        let digits = (n / MOBILE_PREFIXES.len() as u64).wrapping_mul(48_271) % 100_000_000;
        format!("{prefix}{digits:08}")
    }

    /// Seed communities are filled to the last flat; in city mode, all of them.
    pub fn dense(&self, c: &Community) -> bool {
        self.city.is_some() || c.dense()
    }

    pub fn chance(&mut self, p: f64) -> bool {
        self.rng.random_bool(p.clamp(0.0, 1.0))
    }
}

/// Builds the registry of the demo districts; a district that already has estates (a reused
/// demo world on PostgreSQL) is left alone. Every district is still generated, so that the
/// numbers issued to the others are the same as on the first run and cannot collide.
pub async fn load(store: &dyn Store, vault: &Vault, now: DateTime<Utc>) -> anyhow::Result<Summary> {
    let mut world = World::new(vault, now);
    world.linked = linked_accounts(store).await?;
    let mut summary = Summary::default();
    for (code, streets) in [(HUIMIN, &[][..]), (XINCHENG, &XINCHENG_STREETS[..])] {
        let (district, communities) = places::tree(store, code, streets).await?;
        world.reseed(code);
        let batch = world.district(&district, &communities)?;
        let present = Page { scope_path: district.path.clone(), text: None, after: None, limit: 1 };
        if !store.estates(&present).await.explained()?.is_empty() {
            summary.kept.push(district.name.clone());
            continue;
        }
        let counts = Counts::of(&batch);
        let audit = NewAudit {
            at: now,
            actor_id: None,
            actor_name: DEMO_ACTOR.to_string(),
            action: "demo.registry".to_string(),
            entity_type: "registry".to_string(),
            entity_id: district.code.to_string(),
            area_path: district.path.clone(),
            before: None,
            after: Some(serde_json::to_value(&counts)?),
            client_addr: None,
        };
        store.insert_registry(&batch, &[audit]).await.explained().with_context(|| format!("loading the registry of {}", district.name))?;
        summary.written.add(&counts);
    }
    Ok(summary)
}

pub(super) async fn linked_accounts(store: &dyn Store) -> anyhow::Result<Linked> {
    let mut linked = Linked::default();
    for a in DEMO_ACCOUNTS {
        let slot = match a.username {
            "grid" => &mut linked.grid_worker,
            "legal" => &mut linked.legal_adviser,
            _ => continue,
        };
        if let Some(u) = store.user_by_username(a.username).await.explained()? {
            *slot = Some(Account { user_id: u.id, name: u.display_name.clone(), grid_code: a.area_code.to_string() });
        }
    }
    Ok(linked)
}

impl World<'_> {
    /// One district's whole registry, in the order `insert_registry` writes it.
    pub(super) fn district(&mut self, district: &Area, communities: &[Community]) -> anyhow::Result<RegistryBatch> {
        // The seed's own counts (120 estates, 101 stations, 73 advisers) belong to the demo; a
        // generated city fills every district the same way.
        let huimin = district.code.as_str() == HUIMIN && self.city.is_none();
        let mut batch = RegistryBatch::default();
        let mut sites = self.estates(communities, huimin.then_some(HUIMIN_ESTATES))?;
        batch.organisations.extend(self.companies(district, communities, &mut sites));
        if huimin {
            batch.organisations.extend(self.stations(communities, &mut sites, STATION_ESTATES)?);
            batch.organisations.extend(self.social_orgs(district, communities, SOCIAL_ORGS));
        }
        batch.organisations.extend(self.partner_units(communities));
        for (i, c) in communities.iter().enumerate() {
            self.fill(c, sites.iter_mut().filter(|s| s.community == i));
        }
        self.residents_and_heads(&mut sites, huimin, &mut batch)?;
        self.grid_workers(communities, &mut batch)?;
        if huimin {
            self.legal_advisers(district, communities, LEGAL_ADVISERS, &mut batch)?;
            self.liaison_cadres(district, communities, &mut batch)?;
        }
        batch.duties = communities.iter().flat_map(|c| c.grids.iter()).map(|g| (g.id, super::serving::duties())).collect();
        places::flatten(sites, &mut batch);
        Ok(batch)
    }
}
