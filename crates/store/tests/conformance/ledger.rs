//! The ledger's walks: in the order taken in (intake time, then id), through the area's cases
//! or along the period's; every case once, filters and period honoured, the same order both
//! ways, and the same count the export announces.

use chrono::Duration;
use fengqiao_domain::model::AreaLevel;
use fengqiao_domain::model::case::{Case, CaseKind, LedgerCase};
use fengqiao_domain::ports::{CaseQuery, CaseScope, LedgerKey, LedgerWalk};
use fengqiao_store::testing;
use uuid::Uuid;

use crate::cases::{case_audit, grid, intake, supervision};
use crate::{area, now};

#[tokio::test]
async fn an_areas_ledger_is_walked_in_intake_order_every_case_once_either_way() {
    for db in testing::all().await {
        let s = db.store.as_ref();
        let (t, g1) = grid(s).await;
        let community = &t[4];
        let g2 = area("150103003030G02", AreaLevel::Grid, Some(community));
        s.insert_areas(std::slice::from_ref(&g2), &[]).await.unwrap();
        let outside = area("150102001", AreaLevel::Street, Some(&t[2]));
        s.insert_areas(std::slice::from_ref(&outside), &[]).await.unwrap();

        // Taken in out of order across three places; two share one instant, so the id decides.
        let start = now() - Duration::days(30);
        let plan: [(&fengqiao_domain::model::Area, i64, CaseKind); 8] = [
            (&g2, 3, CaseKind::Dispute),
            (&g1, 5, CaseKind::Demand),
            (community, 1, CaseKind::Dispute),
            (&g1, 2, CaseKind::Dispute),
            (&g2, 3, CaseKind::Demand),
            (&g1, 9, CaseKind::Dispute),
            (community, 7, CaseKind::Demand),
            (&outside, 4, CaseKind::Dispute),
        ];
        let mut taken: Vec<Case> = Vec::new();
        for (place, day, kind) in plan {
            let district = if place.code.as_str().starts_with("150102") { "150102" } else { "150103" };
            let mut i = intake(place, district, kind, if kind == CaseKind::Demand { "heating" } else { "labour" }, "台账");
            i.case.created_at = start + Duration::days(day);
            if day == 5 {
                // One under supervision, so the ledger's 督办 column is seen both ways.
                i.case.supervision = Some(supervision(i.case.created_at));
            }
            taken.push(s.insert_case(&i, &case_audit(&i.case)).await.unwrap());
        }
        let key = |c: &Case| (c.created_at, c.id);
        let expected = |keep: &dyn Fn(&Case) -> bool| {
            let mut v: Vec<&Case> = taken.iter().filter(|c| c.area_path.starts_with(&community.path) && keep(c)).collect();
            v.sort_by_key(|c| key(c));
            v.into_iter().map(|c| c.id).collect::<Vec<Uuid>>()
        };
        let walk = |q: CaseQuery, how: LedgerWalk| async move {
            let mut seen = Vec::new();
            let mut after: Option<LedgerKey> = None;
            loop {
                let page = s.ledger_cases(&q, how, after.as_ref()).await.unwrap();
                assert!(page.len() as i64 <= q.limit);
                let Some(last) = page.last() else { break };
                after = Some(LedgerKey::of(last));
                seen.extend(page);
            }
            seen
        };
        // Every column as the case holds it, parties' names in the order taken in.
        let mut lines = Vec::new();
        for c in &taken {
            let names = s.case_parties(c.id).await.unwrap().into_iter().map(|p| p.name).collect();
            lines.push(LedgerCase::of(c.clone(), names));
        }
        assert!(lines.iter().any(|l| l.supervised) && lines.iter().any(|l| !l.supervised && l.parties.len() == 2), "{}", db.name);
        let walk = |q: CaseQuery, how: LedgerWalk| {
            let lines = &lines;
            let walked = walk(q, how);
            async move {
                let seen = walked.await;
                for line in &seen {
                    assert_eq!(Some(line), lines.iter().find(|l| l.id == line.id), "{}: the ledger's columns", db.name);
                }
                seen.into_iter().map(|c| c.id).collect::<Vec<Uuid>>()
            }
        };

        for how in [LedgerWalk::InArea, LedgerWalk::InTime] {
            let all = CaseQuery::new(CaseScope::Area(community.path.clone()), 2);
            let seen = walk(all.clone(), how).await;
            assert_eq!(seen, expected(&|_| true), "{} {how:?}: intake time, then id; pages of two", db.name);
            assert_eq!(s.count_cases(&all).await.unwrap(), seen.len() as i64, "{}: the announced count is the walk's", db.name);

            let disputes = CaseQuery { kind: Some(CaseKind::Dispute), ..all.clone() };
            let seen_disputes = walk(disputes.clone(), how).await;
            assert_eq!(seen_disputes, expected(&|c| c.kind == CaseKind::Dispute), "{} {how:?}: a filter holds on every page", db.name);
            assert_eq!(s.count_cases(&disputes).await.unwrap(), seen_disputes.len() as i64, "{}: counted with the filter", db.name);

            let from = start + Duration::days(3);
            let before = start + Duration::days(7);
            let period = CaseQuery { taken_in_from: Some(from), taken_in_before: Some(before), ..all.clone() };
            let in_period = expected(&|c| c.created_at >= from && c.created_at < before);
            assert_eq!(in_period.len(), 3, "the two of day 3 and the one of day 5");
            assert_eq!(walk(period.clone(), how).await, in_period, "{} {how:?}: the intake period", db.name);
            assert_eq!(s.count_cases(&period).await.unwrap(), 3, "{}: the period's count, from the index alone", db.name);
            let everywhere = taken.iter().filter(|c| c.created_at >= from && c.created_at < before).count() as i64;
            assert_eq!(everywhere, 4, "the community's three and the other street's one of day 4");
            assert_eq!(s.count_taken_in(Some(from), Some(before)).await.unwrap(), everywhere, "{}: taken in anywhere in the period", db.name);
            assert_eq!(s.count_taken_in(None, Some(before)).await.unwrap(), 6, "{}: an open start", db.name);
            assert_eq!(s.count_taken_in(None, None).await.unwrap(), 8, "{}: every case", db.name);

            // `before` belongs to the newest-first list; the walk ignores it.
            let stale = CaseQuery { before: Some(Uuid::nil()), ..all };
            assert_eq!(walk(stale, how).await.len(), 7, "{} {how:?}", db.name);
        }
    }
}
