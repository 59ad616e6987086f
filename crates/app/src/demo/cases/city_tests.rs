//! The city generator against real stores: a small ten-year history written the way
//! `fengqiao gen --cases` writes it, then read back and checked as a whole: every case is
//! there once under its own number, every timeline replays through the workflow, and the
//! mix of kinds, seasons, tiers and outcomes looks like a city's.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use chrono::{DateTime, Datelike, Duration, NaiveDate, TimeZone, Utc};
use fengqiao_domain::model::case::{ActionKind, Case, CaseDraft, CaseKind, CaseStatus, HandlingLevel, Outcome, PartnerRoom};
use fengqiao_domain::ports::{CaseQuery, CaseScope, SystemClock};
use fengqiao_domain::privacy::Vault;
use fengqiao_domain::rules::access::Actor;
use fengqiao_domain::rules::calendar::local_date;
use fengqiao_domain::rules::workflow::{self, Context};
use fengqiao_domain::services::{AuthSettings, Services};

use super::city::{Plan, generate};
use super::season;

const CASES: usize = 1500;

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 6, 15, 2, 0, 0).unwrap()
}

#[tokio::test]
async fn ten_years_of_a_city_replay_and_look_like_a_city() {
    for db in fengqiao_store::testing::all().await {
        let vault = Arc::new(Vault::for_tests());
        let services = Services::new(db.store.clone(), Arc::new(SystemClock), AuthSettings::default(), vault.clone());
        crate::demo::build(&services, "fengqiao-demo").await.unwrap();
        let store = services.store.as_ref();
        // One grid as populous as all the others together: it should take about half the cases.
        let crowded = "/1501/150103/150103003/150103003030/150103003030G01/".to_string();
        let mut population = HashMap::new();
        let grids = crate::demo::world::demo_divisions().unwrap().iter().filter(|r| r.level == "grid").count();
        population.insert(crowded.clone(), grids as u64 - 1);
        let settings = services.case_settings().await.unwrap();
        let plan = Plan { batch: 400, ..Plan::new(CASES) };
        let mut batches = 0;
        let written = generate(store, vault.clone(), &settings, now(), &population, &plan, |_| batches += 1).await.unwrap();
        assert_eq!((written.cases, written.batches), (CASES, batches), "{}", db.name);
        assert!(written.batches >= 4 && written.accounts > 300, "{}: {written:?}", db.name);

        let mut q = CaseQuery::new(CaseScope::Area("/1501/".into()), 100_000);
        q.kind = None;
        let cases = store.cases(&q).await.unwrap();
        assert_eq!(cases.len(), CASES, "{}", db.name);
        let numbers: HashSet<&str> = cases.iter().map(|c| c.number.as_str()).collect();
        assert_eq!(numbers.len(), CASES, "{}: numbers are unique", db.name);
        numbered_in_order(&cases);

        let first = now() - Duration::days(3653);
        assert!(cases.iter().all(|c| c.created_at > first && c.created_at <= now()), "{}: within ten years", db.name);
        let oldest = cases.iter().map(|c| c.created_at).min().unwrap();
        assert!(oldest < now() - Duration::days(3500), "{}: the history reaches back only to {oldest}", db.name);
        let in_crowded = cases.iter().filter(|c| c.area_path == crowded).count();
        assert!((CASES * 35 / 100..CASES * 65 / 100).contains(&in_crowded), "{}: {in_crowded} in the crowded grid", db.name);

        let kind = |k| cases.iter().filter(|c| c.kind == k).count();
        let (disputes, demands, hazards) = (kind(CaseKind::Dispute), kind(CaseKind::Demand), kind(CaseKind::Hazard));
        assert!(disputes > demands && demands > hazards && hazards > 0, "{}: {disputes} {demands} {hazards}", db.name);
        let heating = |months: &[u32]| {
            cases.iter().filter(|c| c.category.as_str() == "heating" && months.contains(&local_date(c.created_at).month())).count()
        };
        let (winter, summer) = (heating(&[12, 1, 2]), heating(&[6, 7, 8]));
        assert!(winter > 4 * summer.max(1), "{}: heating demands in winter {winter}, summer {summer}", db.name);

        let closed: Vec<&Case> = cases.iter().filter(|c| c.status == CaseStatus::Closed).collect();
        let level = |l| closed.iter().filter(|c| c.resolved_level == Some(l)).count();
        let (community, street) = (level(HandlingLevel::Community), level(HandlingLevel::Street));
        assert!(community > closed.len() * 85 / 100 && street > 0, "{}: {community} community, {street} street", db.name);
        let resolved = closed.iter().filter(|c| c.outcome.is_some_and(Outcome::is_resolved)).count();
        let rate = resolved as f64 / closed.len() as f64;
        assert!((0.88..0.97).contains(&rate), "{}: resolution rate {rate}", db.name);
        assert!(closed.iter().any(|c| c.outcome == Some(Outcome::ReferredToLitigation)));
        assert!(closed.iter().all(|c| c.satisfaction.is_some()), "{}: every closed case was followed up", db.name);
        let room = cases.iter().filter(|c| c.partner_room == Some(PartnerRoom::CourtAndUnion)).count();
        assert!(room > 5 && cases.iter().filter(|c| c.partner_room.is_some()).all(|c| c.category.as_str().starts_with("labour.")));
        let open: Vec<&Case> = cases.iter().filter(|c| c.status != CaseStatus::Closed).collect();
        assert_eq!(open.len(), written.open, "{}", db.name);
        assert!(!open.is_empty() && open.len() < CASES / 20, "{}: {} open", db.name, open.len());
        assert!(cases.iter().any(|c| c.concluded_at.zip(c.deadline).is_some_and(|(at, due)| at > due)), "{}: some ran late", db.name);

        // Every timeline is a record the workflow itself wrote: rebuilt from the intake, it
        // replays to the case as stored.
        let mut actors: HashMap<uuid::Uuid, Actor> = HashMap::new();
        let mut escalated = 0;
        for c in &cases {
            let t = store.case_timeline(c.id).await.unwrap();
            assert_eq!(t[0].kind, ActionKind::Report, "{}", c.number);
            assert!(t.windows(2).all(|w| w[0].at <= w[1].at) && t.last().unwrap().at <= now(), "{}: time runs forward, up to now", c.number);
            escalated += usize::from(t.iter().any(|e| e.kind == ActionKind::Escalate));
            if !actors.contains_key(&t[0].actor_id) {
                let user = store.user_by_id(t[0].actor_id).await.unwrap().unwrap();
                actors.insert(user.id, Actor::from_user(&user, None));
            }
            let area = store.area_by_id(c.area_id).await.unwrap().unwrap();
            let draft = CaseDraft {
                kind: c.kind,
                category: c.category.to_string(),
                title: c.title.clone(),
                description: c.description.clone(),
                area_id: c.area_id,
                address: c.address.clone(),
                point: c.point,
                channel: c.channel,
                risk: c.risk,
                reporter_name: Some(c.reporter_name.clone()),
            };
            let ctx = Context { actor: &actors[&t[0].actor_id], now: c.created_at, deadlines: &settings.deadlines };
            let (mut intake, _) = workflow::report(&draft, &area, &settings.categories, c.number.clone(), &ctx).unwrap();
            intake.id = c.id;
            assert_eq!(&workflow::replay(&intake, &t).unwrap(), c, "{}: the timeline replays", c.number);
        }
        assert!(escalated > 0, "{}", db.name);
    }
}

/// Intake times and sequence numbers of one district's year.
type Sequence = Vec<(DateTime<Utc>, u64)>;

/// Numbers run 1, 2, 3… per district and year in the order cases came in.
fn numbered_in_order(cases: &[Case]) {
    let mut by: HashMap<(String, i32), Sequence> = HashMap::new();
    for c in cases {
        let mut parts = c.number.as_str().split('-');
        let (district, year, seq) = (parts.next().unwrap(), parts.next().unwrap(), parts.next().unwrap());
        assert_eq!(year.parse::<i32>().unwrap(), local_date(c.created_at).year(), "{}", c.number);
        assert!(c.area_path.contains(&format!("/{district}/")), "{}", c.number);
        by.entry((district.to_string(), local_date(c.created_at).year())).or_default().push((c.created_at, seq.parse().unwrap()));
    }
    for (key, mut v) in by {
        v.sort();
        assert!(v.iter().enumerate().all(|(i, (_, seq))| *seq == i as u64 + 1), "{key:?}: {v:?}");
    }
}

#[test]
fn days_share_out_exactly_with_quiet_festivals() {
    let (first, last) = (NaiveDate::from_ymd_opt(2016, 11, 27).unwrap(), NaiveDate::from_ymd_opt(2026, 11, 26).unwrap());
    let days = super::city::per_day(first, last, 10_000_000);
    assert_eq!(days.iter().map(|(_, n)| n).sum::<usize>(), 10_000_000);
    assert_eq!((days[0].0, days.last().unwrap().0), (first, last));
    let week = |from: NaiveDate| days.iter().filter(|(d, _)| (from..from + Duration::days(7)).contains(d)).map(|(_, n)| n).sum::<usize>();
    let festival = season::spring_festival(2025).unwrap();
    assert!(week(festival) * 3 < week(festival + Duration::days(35)), "the festival week is quiet");
    let year = |y: i32| days.iter().filter(|(d, _)| d.year() == y).map(|(_, n)| n).sum::<usize>();
    assert!(year(2017) < year(2025), "more cases as the grid system grew");
}
