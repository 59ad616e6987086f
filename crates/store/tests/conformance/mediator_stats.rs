//! Mediator and room counts: grouped by handler and by room over one subtree and period, on
//! every backend; cases outside the subtree or the period are not counted.

use chrono::{Duration, TimeZone, Utc};
use fengqiao_domain::model::AreaLevel;
use fengqiao_domain::model::case::{CaseKind, CaseStatus, Outcome, PartnerRoom};
use fengqiao_domain::ports::{CaseSlice, OutcomeCounts};
use fengqiao_store::testing;
use uuid::Uuid;

use crate::cases::{case_audit, intake};
use crate::{area, audit, tree};

#[tokio::test]
async fn counts_by_handler_and_room_within_the_slice() {
    for db in testing::all().await {
        let s = db.store.as_ref();
        let t = tree(s).await;
        let xc_street = area("150102001", AreaLevel::Street, Some(&t[2]));
        s.insert_areas(std::slice::from_ref(&xc_street), &[audit("area.create", "/1501/")]).await.unwrap();
        let (a, b) = (Uuid::now_v7(), Uuid::now_v7());
        let in_2024 = Utc.with_ymd_and_hms(2024, 3, 1, 2, 0, 0).unwrap();
        // (place, district, handler, category, outcome, room, taken in)
        let rows = [
            (&t[4], "150103", Some((a, "刘桂芳")), "labour.wage_arrears", Some(Outcome::ResolvedByAgreement), Some(PartnerRoom::CourtAndUnion), in_2024),
            (&t[4], "150103", Some((a, "刘桂芳")), "labour.contract", Some(Outcome::ReferredToLitigation), Some(PartnerRoom::CourtAndUnion), in_2024),
            (&t[4], "150103", Some((a, "刘桂芳")), "neighbour.noise", Some(Outcome::ResolvedOtherwise), None, in_2024),
            (&t[4], "150103", Some((a, "刘桂芳")), "neighbour.noise", None, None, in_2024),
            (&t[4], "150103", Some((b, "赵玉华")), "neighbour.noise", Some(Outcome::Unresolved), None, in_2024),
            (&t[4], "150103", None, "neighbour.noise", None, None, in_2024),
            // Outside the period, and outside 回民区: counted only city-wide.
            (&t[4], "150103", Some((b, "赵玉华")), "labour.contract", Some(Outcome::ResolvedByAgreement), None, in_2024 + Duration::days(400)),
            (&xc_street, "150102", Some((b, "赵玉华")), "labour.work_injury", Some(Outcome::Withdrawn), None, in_2024),
        ];
        for (n, (place, district, handler, category, outcome, room, at)) in rows.into_iter().enumerate() {
            let mut i = intake(place, district, CaseKind::Dispute, category, &format!("事项{n}"));
            i.case.created_at = at;
            i.case.updated_at = at;
            i.entry.at = at;
            if let Some((id, name)) = handler {
                i.case.handler_id = Some(id);
                i.case.handler_name = Some(name.to_string());
            }
            i.case.outcome = outcome;
            i.case.status = if outcome.is_some() { CaseStatus::Concluded } else { i.case.status };
            i.case.partner_room = room;
            s.insert_case(&i, &case_audit(&i.case)).await.unwrap();
        }
        let slice = |path: &str| CaseSlice {
            area_path: path.to_string(),
            taken_in_from: Utc.with_ymd_and_hms(2023, 12, 31, 16, 0, 0).unwrap(),
            taken_in_before: Utc.with_ymd_and_hms(2024, 12, 31, 16, 0, 0).unwrap(),
        };
        let huimin = slice(&t[1].path);
        let handlers = s.handler_counts(&huimin).await.unwrap();
        assert_eq!(handlers.len(), 2, "{}", db.name);
        assert_eq!((handlers[0].handler_id, handlers[0].handler_name.as_str()), (a, "刘桂芳"), "{}: most cases first", db.name);
        assert_eq!(handlers[0].counts, OutcomeCounts { cases: 4, concluded: 3, resolved: 2, by_agreement: 1 }, "{}", db.name);
        assert_eq!(handlers[1].counts, OutcomeCounts { cases: 1, concluded: 1, resolved: 0, by_agreement: 0 }, "{}", db.name);

        let rooms = s.room_counts(&huimin).await.unwrap();
        assert_eq!(rooms.len(), 1, "{}", db.name);
        assert_eq!((rooms[0].room.as_str(), &rooms[0].counts), ("court_and_union", &OutcomeCounts { cases: 2, concluded: 2, resolved: 1, by_agreement: 1 }));

        let city = slice(&t[0].path);
        assert_eq!(s.dispute_counts(&city, Some("labour")).await.unwrap(), OutcomeCounts { cases: 3, concluded: 3, resolved: 1, by_agreement: 1 }, "{}", db.name);
        assert_eq!(s.dispute_counts(&city, None).await.unwrap().cases, 7, "{}", db.name);
        assert_eq!(s.dispute_counts(&slice(&t[2].path), Some("neighbour")).await.unwrap(), OutcomeCounts::default(), "{}", db.name);
        assert!(s.handler_counts(&slice(&t[2].path)).await.unwrap().iter().all(|h| h.handler_id == b), "{}", db.name);
    }
}
