//! The figures' sums against a recount: random workloads (intakes on random days, random
//! steps through the workflow, an area moved) on every backend, and afterwards every stored
//! sum must equal a recount from the raw cases, and the figures a direct count.

use std::sync::Arc;

use chrono::{Datelike, Duration, NaiveDate, TimeZone, Utc};
use fengqiao_domain::model::case::{Case, CaseAction, CaseKind, HandlingLevel, Outcome, PartnerRoom, Satisfaction};
use fengqiao_domain::model::{Area, AreaLevel};
use fengqiao_domain::ports::{OverdueQuery, StatsFilter, Store};
use fengqiao_domain::rules::case_stats::{Grain, idx};
use fengqiao_domain::rules::deadline::Deadlines;
use fengqiao_domain::rules::workflow::{self, Context};
use fengqiao_domain::services::operator;
use fengqiao_store::testing;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use uuid::Uuid;

use crate::cases::{case_audit, intake};
use crate::{area, audit, tree};

/// Mostly the next natural step (so cases get concluded and closed), sometimes anything.
fn next_action(c: &Case, rng: &mut StdRng) -> CaseAction {
    use fengqiao_domain::model::case::CaseStatus::*;
    if rng.random_bool(0.3) {
        return random_action(rng);
    }
    match c.status {
        Reported => CaseAction::Accept { note: None },
        Accepted => CaseAction::Assign { handler_id: Uuid::nil(), handler_name: "调解员".into(), note: None },
        Assigned => CaseAction::Start { note: None },
        InProgress | Backlog | Referred | Declined | Concluded | Verified | FollowedUp | Closed => random_action(rng),
    }
}

fn random_action(rng: &mut StdRng) -> CaseAction {
    let outcome = *[Outcome::ResolvedByAgreement, Outcome::ResolvedOtherwise, Outcome::Unresolved, Outcome::Withdrawn, Outcome::ReferredToLitigation]
        .get(rng.random_range(0..5))
        .unwrap();
    match rng.random_range(0..14) {
        0 | 1 => CaseAction::Accept { note: None },
        2 => CaseAction::Decline { reason: "不属于受理范围".into() },
        3 => CaseAction::Assign { handler_id: Uuid::nil(), handler_name: "调解员".into(), note: None },
        4 => CaseAction::Start { note: None },
        5 | 6 => CaseAction::Conclude { outcome, summary: "双方达成一致".into() },
        7 => CaseAction::Verify { confirmed: rng.random_bool(0.8), note: None },
        8 => CaseAction::FollowUp {
            satisfaction: *[Satisfaction::Satisfied, Satisfaction::BasicallySatisfied, Satisfaction::Dissatisfied].get(rng.random_range(0..3)).unwrap(),
            note: None,
        },
        9 => CaseAction::Close { note: None },
        10 => CaseAction::Escalate { reason: "涉及多个社区".into() },
        11 => CaseAction::Refer { room: PartnerRoom::CourtAndUnion, note: None },
        12 => CaseAction::RecordReferralOutcome { outcome: Some(outcome), note: None },
        _ => CaseAction::DispatchDown { to: HandlingLevel::Community, note: None },
    }
}

async fn world(s: &dyn Store) -> (Vec<Area>, Vec<Area>) {
    let t = tree(s).await;
    let other_street = area("150103004", AreaLevel::Street, Some(&t[1]));
    let other_community = area("150103004010", AreaLevel::Community, Some(&other_street));
    let xc_street = area("150102001", AreaLevel::Street, Some(&t[2]));
    let xc_community = area("150102001001", AreaLevel::Community, Some(&xc_street));
    let grid_a = area("150103003030G01", AreaLevel::Grid, Some(&t[4]));
    let grid_b = area("150103004010G02", AreaLevel::Grid, Some(&other_community));
    let more = vec![other_street, other_community, xc_street, xc_community.clone(), grid_a.clone(), grid_b.clone()];
    s.insert_areas(&more, &[audit("area.create", "/1501/")]).await.unwrap();
    (t, vec![grid_a, grid_b, xc_community])
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sums_equal_a_recount_after_random_workloads() {
    for seed in [1u64, 2, 3] {
        for db in testing::all().await {
            let store: Arc<dyn Store> = db.store.clone();
            let s = store.as_ref();
            let (t, places) = world(s).await;
            let mut rng = StdRng::seed_from_u64(seed);
            let op = operator("tester");
            // Checks and visits are someone else's than the handler's.
            let mut checker = operator("checker");
            checker.user_id = Uuid::now_v7();
            let deadlines = Deadlines::default();
            let mut cases: Vec<Case> = Vec::new();
            for n in 0..60 {
                let place = &places[rng.random_range(0..places.len())];
                let district = if place.path.contains("/150102/") { "150102" } else { "150103" };
                let kind = [CaseKind::Dispute, CaseKind::Demand, CaseKind::Hazard][rng.random_range(0..3)];
                let category = match kind {
                    CaseKind::Dispute => ["neighbour.water_leak", "labour.wage_arrears", "property_management.fees"][rng.random_range(0..3)],
                    CaseKind::Demand => "heating",
                    CaseKind::Hazard => "fire.ebike_charging",
                };
                let mut i = intake(place, district, kind, category, &format!("事项{n}"));
                // Any hour of 2024–2025: days and months on both sides of a boundary.
                let at = Utc.with_ymd_and_hms(2024, 1, 1, 0, 0, 0).unwrap() + Duration::minutes(rng.random_range(0..(2 * 366 * 24 * 60)));
                i.case.created_at = at;
                i.case.updated_at = at;
                i.entry.at = at;
                cases.push(s.insert_case(&i, &case_audit(&i.case)).await.unwrap());
            }
            let mut steps = 0;
            let mut settled = 0;
            for n in 0..1500 {
                // The overdue mark moves now and then, a few deadlines at a time (ties included),
                // to random instants before the day the figures are read for below.
                if n % 100 == 50 {
                    let now = Utc.with_ymd_and_hms(2024, 1, 1, 0, 0, 0).unwrap() + Duration::hours(rng.random_range(0..(17 * 30 * 24)));
                    for _ in 0..rng.random_range(1..4) {
                        settled += s.settle_overdue(now, rng.random_range(1..4)).await.unwrap().cases;
                    }
                }
                let k = rng.random_range(0..cases.len());
                let c = &cases[k];
                let action = next_action(c, &mut rng);
                let actor = if matches!(action, CaseAction::Verify { .. } | CaseAction::FollowUp { .. }) { &checker } else { &op };
                let ctx = Context { actor, now: c.updated_at + Duration::hours(rng.random_range(1..400)), deadlines: &deadlines };
                let Ok(t) = workflow::apply(c, &action, &ctx) else { continue };
                s.save_transition(&t.case, c.version, &t.entry, &audit("case.step", &c.area_path)).await.unwrap();
                cases[k] = t.case;
                steps += 1;
            }
            let resolved = cases.iter().filter(|c| c.outcome.is_some_and(Outcome::is_resolved)).count();
            assert!(steps > 150 && resolved > 3, "{}: the walk must get somewhere ({steps} steps, {resolved} resolved)", db.name);
            assert!(settled > 0, "{} seed {seed}: the mark must pass some deadlines for this to test anything", db.name);

            // Move a street (with its community and grid) to the other district.
            let street = s.area_by_code("150103004").await.unwrap().unwrap();
            let mut moved = street.clone();
            moved.parent_id = Some(t[2].id);
            moved.path = Area::child_path(&t[2].path, &moved.code);
            moved.version += 1;
            s.move_area(&moved, street.version, &street.path, &audit("area.move", &street.path)).await.unwrap();
            for c in cases.iter_mut() {
                if let Some(rest) = c.area_path.strip_prefix(&street.path) {
                    c.area_path = format!("{}{rest}", moved.path);
                }
            }

            let mut seen = Vec::new();
            let check = s.verify_case_stats(&t[0].path, &mut |p| seen.push(p)).await.unwrap();
            assert_eq!(check.cases, cases.len() as u64, "{}", db.name);
            // One report per area, counting up to every area and every case.
            let last = *seen.last().expect("progress was reported");
            assert_eq!((last.areas_done, last.cases), (last.areas, check.cases), "{}", db.name);
            assert_eq!(seen.len() as u64, last.areas, "{}", db.name);
            assert!(seen.windows(2).all(|w| w[0].areas_done < w[1].areas_done && w[0].cases <= w[1].cases), "{}", db.name);
            assert!(check.differences.is_empty(), "{} seed {seed}: {:#?}", db.name, &check.differences[..check.differences.len().min(3)]);

            // And the figures read back are a direct count of the cases.
            for (code, path) in [("1501", "/1501/"), ("150102", "/1501/150102/"), ("150103", "/1501/150103/")] {
                let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).unwrap();
                // Two whole years (year rows), and a stretch across a new year (days, months, days).
                for (from, until) in [(d(2024, 1, 1), d(2026, 1, 1)), (d(2024, 3, 17), d(2025, 2, 3))] {
                    let ranges = fengqiao_domain::services::stats::ranges(from, until - chrono::Days::new(1));
                    let grains: Vec<Grain> = ranges.iter().map(|r| r.grain).collect();
                    let expected_grains: &[Grain] = if from == d(2024, 1, 1) { &[Grain::Year] } else { &[Grain::Day, Grain::Month, Grain::Day] };
                    assert_eq!(grains, expected_grains, "the periods read");
                    let sums = s.sum_case_stats(&StatsFilter { area_codes: vec![code.into()], ranges, kind: None, category: None }).await.unwrap();
                    let got = |name| sums.iter().map(|x| x.counters[idx(name)]).sum::<i64>();
                    let inside: Vec<_> = cases
                        .iter()
                        .filter(|c| c.area_path.starts_with(path))
                        .filter(|c| {
                            let day = fengqiao_domain::rules::calendar::local_date(c.created_at);
                            day >= from && day < until
                        })
                        .collect();
                    assert_eq!(got("intake"), inside.len() as i64, "{} {code} {from}", db.name);
                    assert_eq!(got("resolved"), inside.iter().filter(|c| c.outcome.is_some_and(Outcome::is_resolved)).count() as i64, "{} {code}", db.name);
                    assert_eq!(got("st_closed"), inside.iter().filter(|c| c.status.as_str() == "closed").count() as i64, "{} {code}", db.name);
                    // The same through the totals, which read only the named columns.
                    let totals = s.sum_case_totals(&StatsFilter { area_codes: vec![code.into()], ranges: fengqiao_domain::services::stats::ranges(from, until - chrono::Days::new(1)), kind: None, category: None }, &["resolved", "intake"]).await.unwrap();
                    assert_eq!(totals.iter().map(|t| (t.area_code.as_str(), t.values.clone())).collect::<Vec<_>>(), [(code, vec![got("resolved"), got("intake")])], "{}", db.name);
                    // With a kind the totals cannot serve (they hold every kind): the detailed rows do.
                    let disputes = |f: &StatsFilter| StatsFilter { kind: Some("dispute".into()), ..f.clone() };
                    let all = StatsFilter { area_codes: vec![code.into()], ranges: fengqiao_domain::services::stats::ranges(from, until - chrono::Days::new(1)), kind: None, category: None };
                    let detailed: i64 = s.sum_case_stats(&disputes(&all)).await.unwrap().iter().map(|x| x.counters[idx("intake")]).sum();
                    let of_kind = s.sum_case_totals(&disputes(&all), &["intake"]).await.unwrap();
                    assert_eq!(of_kind.iter().map(|t| t.values[0]).sum::<i64>(), detailed, "{} {code}: one kind", db.name);
                    assert_eq!(detailed, inside.iter().filter(|c| c.kind.as_str() == "dispute").count() as i64, "{} {code}", db.name);
                    // And with a category alone (its sub-categories included), the same.
                    if let Some(first) = inside.first() {
                        let top = first.category.as_str().split('.').next().unwrap_or_default().to_string();
                        let of_category = StatsFilter { category: Some(top.clone()), ..all.clone() };
                        let got: i64 = s.sum_case_totals(&of_category, &["intake"]).await.unwrap().iter().map(|t| t.values[0]).sum();
                        let direct = inside.iter().filter(|c| c.category.as_str() == top || c.category.as_str().starts_with(&format!("{top}."))).count() as i64;
                        assert_eq!(got, direct, "{} {code}: category {top}", db.name);
                        assert!(direct > 0, "{}: the first case's own category counts it", db.name);
                    }
                }
            }

            // Overdue (settled sums plus the live part, every child in one pass) is a direct count
            // too: with the mark behind the day asked about, and after it moved past it.
            let at = Utc.with_ymd_and_hms(2025, 6, 1, 0, 0, 0).unwrap();
            let later = Utc.with_ymd_and_hms(2026, 3, 1, 0, 0, 0).unwrap();
            check_overdue(s, &cases, at, &db.name, seed).await;
            // Every node runs the job: two moving the mark at once must not both add a case.
            let settle_all = || async {
                while !s.settle_overdue(Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap(), 3).await.unwrap().caught_up {}
            };
            tokio::join!(settle_all(), settle_all());
            check_overdue(s, &cases, at, &db.name, seed).await;
            check_overdue(s, &cases, later, &db.name, seed).await;
            let check = s.verify_case_stats(&t[0].path, &mut |_| {}).await.unwrap();
            assert!(check.differences.is_empty(), "{} seed {seed}, mark moved: {:#?}", db.name, check.differences.first());

            // Only the store's own counter names reach the SQL text.
            let f = StatsFilter { area_codes: vec!["1501".into()], ranges: fengqiao_domain::services::stats::ranges(NaiveDate::from_ymd_opt(2024, 1, 1).unwrap(), NaiveDate::from_ymd_opt(2024, 12, 31).unwrap()), kind: None, category: None };
            assert!(s.sum_case_totals(&f, &["intake) FROM cases; --"]).await.is_err(), "{}", db.name);

            // A rebuild of sums that were damaged below the application repairs them: a detailed
            // row, and an area total.
            for sql in [DAMAGE_DAY_ROW, DAMAGE_TOTAL] {
                exec(&db, sql).await;
                let broken = s.verify_case_stats(&t[0].path, &mut |_| {}).await.unwrap();
                assert!(!broken.differences.is_empty(), "{}: the damage is seen ({sql})", db.name);
                let rebuilt = s.rebuild_case_stats(&t[0].path, &mut |_| {}).await.unwrap();
                assert_eq!(rebuilt.differences.len(), broken.differences.len(), "{}", db.name);
                let after = s.verify_case_stats(&t[0].path, &mut |_| {}).await.unwrap();
                assert!(after.differences.is_empty(), "{}: {:?}", db.name, after.differences.first());
            }
            let c = NaiveDate::from_ymd_opt;
            let year = StatsFilter { area_codes: vec!["150103".into()], ranges: fengqiao_domain::services::stats::ranges(c(2024, 1, 1).unwrap(), c(2024, 12, 31).unwrap()), kind: None, category: None };
            let detailed: i64 = s.sum_case_stats(&year).await.unwrap().iter().map(|x| x.counters[idx("intake")]).sum();
            assert_eq!(s.sum_case_totals(&year, &["intake"]).await.unwrap()[0].values[0], detailed, "{}: the rebuilt totals add up", db.name);
        }
    }
}

/// Overdue at `at` for the city and 回民区 and each of their children, through the figures'
/// reads, against a count of the cases in hand.
async fn check_overdue(s: &dyn Store, cases: &[Case], at: chrono::DateTime<Utc>, db: &str, seed: u64) {
    let open = |c: &&Case| !matches!(c.status.as_str(), "concluded" | "verified" | "followed_up" | "closed" | "declined");
    let taken_in = |c: &&Case| c.created_at >= Utc.with_ymd_and_hms(2023, 12, 31, 16, 0, 0).unwrap() && c.created_at < Utc.with_ymd_and_hms(2025, 12, 31, 16, 0, 0).unwrap();
    let direct = |p: &str| cases.iter().filter(open).filter(taken_in).filter(|c| c.area_path.starts_with(p) && c.deadline.is_some_and(|d| d < at)).count() as i64;
    let city_children: &[(&str, &str)] = &[("150102", "/1501/150102/"), ("150103", "/1501/150103/")];
    let district_children: &[(&str, &str)] = &[("150103003", "/1501/150103/150103003/")];
    for (code, path, children) in [("1501", "/1501/", city_children), ("150103", "/1501/150103/", district_children)] {
        let child_codes: Vec<String> = children.iter().map(|(c, _)| c.to_string()).collect();
        let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).unwrap();
        let filter = StatsFilter { area_codes: vec![code.to_string()], ranges: fengqiao_domain::services::stats::ranges(d(2024, 1, 1), d(2025, 12, 31)), kind: None, category: None };
        let q = OverdueQuery {
            area_path: path.into(),
            taken_in_from: Utc.with_ymd_and_hms(2023, 12, 31, 16, 0, 0).unwrap(),
            taken_in_before: Utc.with_ymd_and_hms(2025, 12, 31, 16, 0, 0).unwrap(),
            now: at,
            kind: None,
            category: None,
        };
        let got = s.figure_sums(&filter, &child_codes, &q, children[0].1.len()).await.unwrap();
        let unsettled = |path: &str| got.overdue_unsettled.iter().filter(|(k, _)| k.starts_with(path)).map(|(_, n)| n).sum::<i64>();
        let settled: i64 = got.sums.iter().map(|x| x.counters[idx("overdue_settled")]).sum();
        assert!(got.sums.iter().all(|x| x.area_code == code), "{db}: the detail is the area's own");
        assert_eq!(settled + unsettled(path), direct(path), "{db} seed {seed}: overdue at {at} in {path}");
        // The benchmark's second opinion, counted from the cases alone, says the same.
        let raw = s.recount_figures(path, q.taken_in_from, q.taken_in_before, at).await.unwrap();
        let own: i64 = got.sums.iter().map(|x| x.counters[idx("intake")]).sum();
        let own_resolved: i64 = got.sums.iter().map(|x| x.counters[idx("resolved")]).sum();
        assert_eq!((raw.intake, raw.resolved, raw.overdue), (own, own_resolved, direct(path)), "{db} seed {seed}: recount of {path} at {at}");
        let kept = |c: &&Case| c.outcome != Some(Outcome::Duplicate);
        for (child_code, child_path) in children {
            // CHILD_COUNTERS: intake, resolved, overdue_settled.
            let v = got.children.iter().find(|t| t.area_code == *child_code).map_or(vec![0, 0, 0], |t| t.values.clone());
            let inside: Vec<&Case> = cases.iter().filter(taken_in).filter(kept).filter(|c| c.area_path.starts_with(child_path)).collect();
            assert_eq!(v[0], inside.len() as i64, "{db} seed {seed}: intake in {child_path}");
            assert_eq!(v[1], inside.iter().filter(|c| c.outcome.is_some_and(Outcome::is_resolved)).count() as i64, "{db} seed {seed}: resolved in {child_path}");
            assert_eq!(v[2] + unsettled(child_path), direct(child_path), "{db} seed {seed}: overdue at {at} in {child_path}");
        }
    }
    assert!(direct("/1501/") > 0, "{db} seed {seed}: some cases must be overdue at {at} for this to test anything");
}

/// Subtracts one intake from one of 回民区's stored day rows, as a stray SQL edit would.
const DAMAGE_DAY_ROW: &str = "UPDATE case_stats SET intake = intake - 1 WHERE area_code = '150103' AND grain = 'day' \
               AND period = (SELECT MIN(period) FROM case_stats WHERE area_code = '150103' AND grain = 'day')";
/// Adds one to 回民区's area total of 2024.
const DAMAGE_TOTAL: &str = "UPDATE case_totals SET intake = intake + 1 WHERE area_code = '150103' AND grain = 'year' AND period = '2024-01-01'";


/// Each dissatisfied follow-up is an answer the satisfaction figures count, though it reopened
/// the case and the case ends on a satisfied visit; and migration 0022 finds those made before
/// the count existed in the timeline, and has the sums recounted.
#[tokio::test]
async fn dissatisfied_follow_ups_count_as_answers_and_migration_0022_finds_earlier_ones() {
    for db in testing::all().await {
        let s = db.store.as_ref();
        let (t, grid) = crate::cases::grid(s).await;
        let i = intake(&grid, "150103", CaseKind::Dispute, "labour.wage_arrears", "拖欠工资");
        let mut c = s.insert_case(&i, &case_audit(&i.case)).await.unwrap();
        let op = operator("handler");
        let mut checker = operator("checker");
        checker.user_id = Uuid::now_v7();
        let conclude = || CaseAction::Conclude { outcome: Outcome::ResolvedByAgreement, summary: "达成协议".into() };
        let verify = || CaseAction::Verify { confirmed: true, note: None };
        let visit = |satisfaction| CaseAction::FollowUp { satisfaction, note: Some("回访".into()) };
        let steps = [
            (&op, CaseAction::Accept { note: None }),
            (&op, CaseAction::Assign { handler_id: op.user_id, handler_name: "handler".into(), note: None }),
            (&op, CaseAction::Start { note: None }),
            (&op, conclude()),
            (&checker, verify()),
            (&checker, visit(Satisfaction::Dissatisfied)),
            (&op, conclude()),
            (&checker, verify()),
            (&checker, visit(Satisfaction::Dissatisfied)),
            (&op, conclude()),
            (&checker, verify()),
            (&checker, visit(Satisfaction::Satisfied)),
        ];
        let deadlines = Deadlines::default();
        for (actor, action) in steps {
            let ctx = Context { actor, now: c.updated_at + Duration::hours(2), deadlines: &deadlines };
            let t = workflow::apply(&c, &action, &ctx).unwrap_or_else(|e| panic!("{action:?} on {:?}: {e:?}", c.status));
            s.save_transition(&t.case, c.version, &t.entry, &audit("case.step", &c.area_path)).await.unwrap();
            c = t.case;
        }
        let stored = s.case_by_id(c.id).await.unwrap().unwrap();
        assert_eq!((stored.dissatisfied_follow_ups, stored.satisfaction, stored.reopened), (2, Some(Satisfaction::Satisfied), 2), "{}", db.name);
        let sat = |rows: &[fengqiao_domain::ports::StatsSum], name: &str| rows.iter().map(|r| r.counters[idx(name)]).sum::<i64>();
        let year = c.created_at.year();
        let f = StatsFilter {
            area_codes: vec!["150103".into()],
            ranges: fengqiao_domain::services::stats::ranges(NaiveDate::from_ymd_opt(year, 1, 1).unwrap(), NaiveDate::from_ymd_opt(year, 12, 31).unwrap()),
            kind: None,
            category: None,
        };
        let rows = s.sum_case_stats(&f).await.unwrap();
        assert_eq!((sat(&rows, "sat_satisfied"), sat(&rows, "sat_dissatisfied")), (1, 2), "{}: three visits, two dissatisfied", db.name);
        assert!(s.verify_case_stats(&t[0].path, &mut |_| {}).await.unwrap().differences.is_empty(), "{}", db.name);

        // A database from before the count: the column at zero and sums that agree with that.
        exec(&db, "UPDATE cases SET dissatisfied_follow_ups = 0").await;
        s.rebuild_case_stats(&t[0].path, &mut |_| {}).await.unwrap();
        assert_eq!(sat(&s.sum_case_stats(&f).await.unwrap(), "sat_dissatisfied"), 0, "{}", db.name);
        // The migration's own statements, after the column it adds.
        let file = match db.url {
            Some(_) => include_str!("../../migrations/postgres/0022_dissatisfied_follow_ups.sql"),
            None => include_str!("../../migrations/sqlite/0022_dissatisfied_follow_ups.sql"),
        };
        let adds_column = "ALTER TABLE cases ADD COLUMN dissatisfied_follow_ups INTEGER NOT NULL DEFAULT 0;";
        assert!(file.contains(adds_column), "the test skips exactly the column's statement");
        exec(&db, &file.replace(adds_column, "")).await;
        assert_eq!(s.case_by_id(c.id).await.unwrap().unwrap().dissatisfied_follow_ups, 2, "{}: found in the timeline", db.name);
        assert_eq!(s.get_meta("case_stats_stale").await.unwrap().as_deref(), Some("migration 0022"), "{}", db.name);
        let stale = s.verify_case_stats(&t[0].path, &mut |_| {}).await.unwrap();
        assert!(!stale.differences.is_empty(), "{}: the sums have not counted them yet", db.name);
        s.rebuild_case_stats(&t[0].path, &mut |_| {}).await.unwrap();
        assert_eq!(sat(&s.sum_case_stats(&f).await.unwrap(), "sat_dissatisfied"), 2, "{}: recounted", db.name);
    }
}

/// Runs statements straight on the test database, below the application.
async fn exec(db: &testing::TestDb, sql: &str) {
    use sqlx::Connection;
    let sql = sqlx::AssertSqlSafe(sql.to_string());
    match &db.url {
        Some(url) => {
            let mut c = sqlx::PgConnection::connect(url).await.unwrap();
            sqlx::raw_sql(sql).execute(&mut c).await.unwrap();
        }
        None => {
            let file = db.dir.path().join(fengqiao_store::SQLITE_FILE);
            let mut c = sqlx::SqliteConnection::connect(&format!("sqlite://{}", file.display())).await.unwrap();
            sqlx::raw_sql(sql).execute(&mut c).await.unwrap();
        }
    }
}
