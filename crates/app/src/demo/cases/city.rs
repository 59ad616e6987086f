//! `fengqiao gen --cases N`: ten years of a whole city's cases, walked through the workflow
//! by the offices of every community, street and district, the way the demo walks its year.
//!
//! Cases are spread over the grids by how many people the registry put there, over the days
//! by `season`, and numbered in order of intake per district and year. One thread plans the
//! days in order (numbers need that), the walks run on every core, and batches of a few
//! thousand go through `import_case_histories`, so whatever the store keeps alongside cases
//! stays as current as it would for the demo.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use anyhow::Context as _;
use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc};
use fengqiao_domain::model::case::{CaseKind, CaseNumber, CaseStatus, Outcome, PartnerRoom};
use fengqiao_domain::model::NewAudit;
use fengqiao_domain::ports::{CaseHistories, CaseHistory, Store};
use fengqiao_domain::privacy::{Gender, Vault};
use fengqiao_domain::rules::calendar::{local_date, start_of_day};
use fengqiao_domain::rules::deadline::Deadlines;
use fengqiao_domain::services::cases::CaseSettings;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

use super::plan::{DEMAND_MIX, DISPUTE_MIX, FIELD, HAZARD_MIX, LABOUR_MIX, PATROL};
use super::season;
use super::staff::Offices;
use super::story::{Referral, Stop};
use super::{District, INVITED_MEDIATOR, Maker, pick, pick_index};
use crate::demo::names::anyone;
use crate::demo::{DEMO_ACTOR, places, world};
use crate::messages::Explain;

/// What to generate.
#[derive(Debug, Clone)]
pub struct Plan {
    pub cases: usize,
    /// How far back the history reaches, ending on the day of generation.
    pub years: u32,
    /// Cases per `import_case_histories`.
    pub batch: usize,
    /// Threads that walk cases.
    pub workers: usize,
    pub seed: u64,
}

impl Plan {
    pub fn new(cases: usize) -> Plan {
        let workers = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(2);
        Plan { cases, years: 10, batch: 4000, workers, seed: 2016 }
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Written {
    pub cases: usize,
    /// Not yet closed at the moment of generation.
    pub open: usize,
    pub accounts: usize,
    pub batches: usize,
}

/// Disputes first, as in every report of the grid system; then demands, then hazards.
const KINDS: &[(CaseKind, u32)] = &[(CaseKind::Dispute, 60), (CaseKind::Demand, 30), (CaseKind::Hazard, 10)];
/// Categories the demo's single year does without, rarer ones that ten years do see.
const MORE_DISPUTES: &[(&str, u32)] = &[("land.contract", 1), ("land.expropriation", 1), ("medical", 2)];
const MORE_DEMANDS: &[(&str, u32)] = &[("employment", 2), ("education", 2), ("health", 2), ("other", 2)];
const MORE_HAZARDS: &[(&str, u32)] =
    &[("road_traffic", 2), ("public_security", 2), ("food_safety", 1), ("natural_disaster", 1), ("other", 1)];
/// Share of labour disputes sent to their district's 法院+工会 room.
const REFERRED_LABOUR: f64 = 0.35;

/// A grid, by the indices of its district and community.
struct Spot {
    district: usize,
    community: usize,
    grid: usize,
}

/// Everything the walkers read, shared by every thread.
struct Shared {
    districts: Vec<District>,
    spots: Vec<Spot>,
    offices: Offices,
    vault: Arc<Vault>,
    settings: CaseSettings,
    /// Each district's labour room.
    rooms: Vec<Referral>,
    now: DateTime<Utc>,
    seed: u64,
}

/// A case placed and numbered, before its walk.
struct Planned {
    index: u64,
    at: DateTime<Utc>,
    spot: usize,
    number: CaseNumber,
}

/// `population` holds the residents of each grid by path; a grid without any still gets the
/// odd case (passers-by, shops, unregistered tenants).
pub async fn generate(
    store: &dyn Store,
    vault: Arc<Vault>,
    settings: &CaseSettings,
    now: DateTime<Utc>,
    population: &HashMap<String, u64>,
    plan: &Plan,
    mut progress: impl FnMut(&Written),
) -> anyhow::Result<Written> {
    let city = store.area_by_code(world::CITY).await.explained()?.context("the city is missing")?;
    let mut districts = Vec::new();
    for area in store.area_children(city.id, false).await.explained()? {
        let (area, communities) = places::tree(store, area.code.as_str(), &[]).await?;
        districts.push(District { area, communities, histories: Vec::new() });
    }
    let (offices, accounts) = super::staff_offices(store, districts.iter(), now).await?;

    let mut spots = Vec::new();
    let mut cumulative = Vec::new();
    let mut total = 0.0;
    for (di, d) in districts.iter().enumerate() {
        for (ci, c) in d.communities.iter().enumerate() {
            for (gi, g) in c.grids.iter().enumerate() {
                total += 1.0 + population.get(&g.path).copied().unwrap_or(0) as f64;
                spots.push(Spot { district: di, community: ci, grid: gi });
                cumulative.push(total);
            }
        }
    }
    anyhow::ensure!(!spots.is_empty(), "the city has no grids to put cases in");

    let today = local_date(now);
    let first = today.with_year(today.year() - plan.years as i32).context("a date ten years back")? + Duration::days(1);
    let base = &settings.deadlines;
    // Deadlines of cases taken in late this year run into the next.
    let calendar = season::calendar_for(&base.calendar, first.year()..=today.year() + 1)?;
    let deadlines = Deadlines { calendar, limits: base.limits.clone() };
    let settings = CaseSettings { deadlines: Arc::new(deadlines), ..settings.clone() };
    let mut rng = StdRng::seed_from_u64(plan.seed);
    let rooms = districts
        .iter()
        .map(|d| Referral {
            room: PartnerRoom::CourtAndUnion,
            name: format!("{}“法院+工会”劳动争议诉调工作室", d.area.name),
            mediator: if d.area.code.as_str() == crate::demo::registry::XINCHENG {
                INVITED_MEDIATOR.to_string()
            } else {
                let gender = if rng.random_bool(0.5) { Gender::Male } else { Gender::Female };
                let born = rng.random_range(1950..1965);
                anyone(&mut rng, gender, born)
            },
        })
        .collect();
    let shared = Arc::new(Shared { districts, spots, offices, vault, settings, rooms, now, seed: plan.seed });

    let days = per_day(first, today, plan.cases);
    let (tx, mut rx) = tokio::sync::mpsc::channel::<CaseHistories>(2);
    let producer = {
        let (shared, plan) = (shared.clone(), plan.clone());
        std::thread::spawn(move || produce(&shared, &days, cumulative, &plan, tx))
    };
    let mut written = Written { accounts, ..Written::default() };
    let mut failed = None;
    while let Some(batch) = rx.recv().await {
        let (from, to) = (batch.cases.first().map(|h| h.case.created_at), batch.cases.last().map(|h| h.case.created_at));
        let audit = NewAudit {
            at: now,
            actor_id: None,
            actor_name: DEMO_ACTOR.to_string(),
            action: "generate.cases".to_string(),
            entity_type: "case".to_string(),
            entity_id: city.code.to_string(),
            area_path: city.path.clone(),
            before: None,
            after: Some(serde_json::json!({ "cases": batch.cases.len(), "from": from, "to": to })),
            client_addr: None,
        };
        if let Err(e) = store.import_case_histories(&batch, &audit).await.explained() {
            failed = Some(e.context("writing a batch of generated cases"));
            break;
        }
        written.cases += batch.cases.len();
        written.open += batch.cases.iter().filter(|h| h.case.status != CaseStatus::Closed).count();
        written.batches += 1;
        progress(&written);
    }
    // Dropping the receiver ends a producer still at work.
    drop(rx);
    let produced = producer.join().map_err(|_| anyhow::anyhow!("the case generator panicked"))?;
    if let Some(e) = failed {
        return Err(e);
    }
    produced?;
    Ok(written)
}

/// How many cases each day from `first` to `last` takes in: `cases` in all, shared out by
/// weight. Rounding the running total rather than each day keeps the shares right even when a
/// day's share is a fraction of a case.
pub(super) fn per_day(first: NaiveDate, last: NaiveDate, cases: usize) -> Vec<(NaiveDate, usize)> {
    let span = (last - first).num_days().max(0) as f64;
    let days: Vec<NaiveDate> = first.iter_days().take_while(|d| *d <= last).collect();
    let weights: Vec<f64> = days.iter().map(|d| season::day_weight(*d, (span - (*d - first).num_days() as f64) / 365.25)).collect();
    let sum: f64 = weights.iter().sum();
    let (mut running, mut given, n) = (0.0, 0usize, days.len());
    let mut out = Vec::with_capacity(n);
    for (i, (day, w)) in days.into_iter().zip(weights).enumerate() {
        running += w / sum * cases as f64;
        let upto = if i + 1 == n { cases } else { (running.round() as usize).min(cases) };
        out.push((day, upto - given));
        given = upto;
    }
    out
}

/// Plans the days in order, numbering as it goes, and sends the walked batches to the writer.
fn produce(shared: &Shared, days: &[(NaiveDate, usize)], cumulative: Vec<f64>, plan: &Plan, tx: tokio::sync::mpsc::Sender<CaseHistories>) -> anyhow::Result<()> {
    let mut rng = StdRng::seed_from_u64(plan.seed.wrapping_add(1));
    let total = *cumulative.last().expect("at least one grid");
    let mut last_seq: HashMap<(usize, i32), u64> = HashMap::new();
    let mut chunk: Vec<Planned> = Vec::with_capacity(plan.batch + 4096);
    let mut index = 0u64;
    for (i, (day, n)) in days.iter().enumerate() {
        let mut today: Vec<(DateTime<Utc>, usize)> = (0..*n)
            .map(|_| {
                // Grid patrols, walk-ins and the hotline: from eight in the morning to eight at night.
                let at = start_of_day(*day) + Duration::minutes(rng.random_range(8 * 60..20 * 60)) + Duration::seconds(rng.random_range(0..60));
                let at = if at >= shared.now { shared.now - Duration::minutes(rng.random_range(1..120)) } else { at };
                let r = rng.random_range(0.0..total);
                (at, cumulative.partition_point(|c| *c <= r).min(cumulative.len() - 1))
            })
            .collect();
        today.sort_by_key(|(at, _)| *at);
        for (at, spot) in today {
            let d = &shared.districts[shared.spots[spot].district];
            let year = local_date(at).year();
            let seq = last_seq.entry((shared.spots[spot].district, year)).or_insert(0);
            *seq += 1;
            let number = CaseNumber::compose(d.area.code.as_str(), year, *seq).explained()?;
            chunk.push(Planned { index, at, spot, number });
            index += 1;
        }
        if chunk.len() >= plan.batch || (i + 1 == days.len() && !chunk.is_empty()) {
            let batch = walk_all(shared, std::mem::take(&mut chunk), plan.workers)?;
            if tx.blocking_send(batch).is_err() {
                return Ok(());
            }
        }
    }
    Ok(())
}

fn walk_all(shared: &Shared, chunk: Vec<Planned>, workers: usize) -> anyhow::Result<CaseHistories> {
    let size = chunk.len().div_ceil(workers.max(1)).max(1);
    let parts: Vec<anyhow::Result<Vec<CaseHistory>>> = std::thread::scope(|s| {
        let handles: Vec<_> = chunk.chunks(size).map(|part| s.spawn(move || part.iter().map(|p| walk_one(shared, p)).collect())).collect();
        handles.into_iter().map(|h| h.join().unwrap_or_else(|_| Err(anyhow::anyhow!("a case walker panicked")))).collect()
    });
    let mut cases = Vec::with_capacity(chunk.len());
    for part in parts {
        cases.extend(part?);
    }
    // The highest number of each district and year in this batch: cases are in intake order.
    let mut counters: BTreeMap<(String, i32), i64> = BTreeMap::new();
    for p in &chunk {
        let d = &shared.districts[shared.spots[p.spot].district];
        let year = local_date(p.at).year();
        let seq: i64 = p.number.as_str().rsplit('-').next().and_then(|s| s.parse().ok()).context("a generated number")?;
        counters.insert((d.area.code.to_string(), year), seq);
    }
    Ok(CaseHistories { cases, counters: counters.into_iter().map(|((d, y), s)| (d, y, s)).collect() })
}

fn walk_one(shared: &Shared, p: &Planned) -> anyhow::Result<CaseHistory> {
    // One stream per case: the same plan gives the same city whatever the number of threads.
    let mut rng = StdRng::seed_from_u64(shared.seed ^ p.index.wrapping_mul(0x9e37_79b9_7f4a_7c15));
    let spot = &shared.spots[p.spot];
    let d = &shared.districts[spot.district];
    let c = &d.communities[spot.community];
    let grid = &c.grids[spot.grid];
    let date = local_date(p.at);
    let kind = *pick(&mut rng, KINDS);
    let category = category(&mut rng, kind, date, c.village());
    let labour = category.starts_with("labour.");
    let referral = (labour && rng.random_bool(REFERRED_LABOUR)).then(|| shared.rooms[spot.district].clone());
    let channel = *pick(&mut rng, if kind == CaseKind::Hazard { PATROL } else { FIELD });
    let stop = stop(&mut rng, kind, labour, shared.now - p.at);
    let mut maker = Maker { rng: &mut rng, vault: &shared.vault, settings: &shared.settings, offices: &shared.offices, until: Some(shared.now) };
    let mut h = maker.case(d, kind, category, channel, p.at, stop, referral, Some((c, grid)))?;
    h.case.number = p.number.clone();
    Ok(h)
}

/// A category of `kind` by the city's mix, bent by the season and by whether the place is a
/// village, where land comes up and property companies do not.
fn category(rng: &mut StdRng, kind: CaseKind, date: NaiveDate, village: bool) -> &'static str {
    let mixes: [&[(&'static str, u32)]; 2] = match kind {
        CaseKind::Dispute => [DISPUTE_MIX, MORE_DISPUTES],
        CaseKind::Demand => [DEMAND_MIX, MORE_DEMANDS],
        CaseKind::Hazard => [HAZARD_MIX, MORE_HAZARDS],
    };
    let labour: &[(&'static str, u32)] = if kind == CaseKind::Dispute { LABOUR_MIX } else { &[] };
    let all = mixes[0].iter().chain(mixes[1]).chain(labour);
    let weighted: Vec<(&'static str, u32)> = all
        .map(|(code, w)| {
            let place = match (village, *code) {
                (true, c) if c.starts_with("land.") => 8.0,
                (true, c) if c.starts_with("property_management") || c == "property_services" || c.starts_with("tenancy") => 0.15,
                (true, "neighbour.noise" | "fire.ebike_charging" | "special_equipment") => 0.3,
                _ => 1.0,
            };
            (*code, ((*w as f64) * 100.0 * place * season::category_factor(code, date)).round().max(1.0) as u32)
        })
        .collect();
    let weights: Vec<u32> = weighted.iter().map(|(_, w)| *w).collect();
    weighted[pick_index(rng, &weights)].0
}

/// How a case ends: most resolved; labour disputes go to court far more often; a few recent
/// cases stall where they are (and run past their deadline).
fn stop(rng: &mut StdRng, kind: CaseKind, labour: bool, age: Duration) -> Stop {
    if age < Duration::days(60) && rng.random_bool(0.04) {
        let at = [CaseStatus::Reported, CaseStatus::Accepted, CaseStatus::Assigned, CaseStatus::InProgress, CaseStatus::InProgress];
        return Stop::At(at[rng.random_range(0..at.len())]);
    }
    let roll = rng.random_range(0..1000);
    let resolved = |rng: &mut StdRng, agreement: f64| {
        Stop::Closed(if rng.random_bool(agreement) { Outcome::ResolvedByAgreement } else { Outcome::ResolvedOtherwise })
    };
    match kind {
        CaseKind::Dispute if labour => match roll {
            0..620 => resolved(rng, 0.8),
            620..920 => Stop::Closed(Outcome::ReferredToLitigation),
            920..970 => Stop::Closed(Outcome::Unresolved),
            _ => Stop::Closed(Outcome::Withdrawn),
        },
        CaseKind::Dispute => match roll {
            0..945 => resolved(rng, 0.7),
            945..967 => Stop::Closed(Outcome::ReferredToLitigation),
            967..982 => Stop::Closed(Outcome::Withdrawn),
            982..995 => Stop::Closed(Outcome::Unresolved),
            _ => Stop::At(CaseStatus::Backlog),
        },
        CaseKind::Demand => match roll {
            0..930 => resolved(rng, 0.0),
            930..975 => Stop::Closed(Outcome::Unresolved),
            _ => Stop::At(CaseStatus::Backlog),
        },
        CaseKind::Hazard => match roll {
            0..975 => resolved(rng, 0.0),
            _ => Stop::At(CaseStatus::Backlog),
        },
    }
}
