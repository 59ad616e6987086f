//! What the search index reads: every case by id, a page at a time, for a rebuild, and named
//! cases for the change feed; each with the texts, filter fields and party names it indexes.

use chrono::Duration;
use fengqiao_domain::model::AreaLevel;
use fengqiao_domain::model::case::{Case, CaseKind, ExtensionRequest, GeoPoint, SearchableCase};
use fengqiao_domain::ports::Store;
use fengqiao_store::testing;
use uuid::Uuid;

use crate::cases::{case_audit, grid, intake, supervision};
use crate::{area, now};

async fn as_indexed(s: &dyn Store, c: &Case) -> SearchableCase {
    let names = s.case_parties(c.id).await.unwrap().into_iter().map(|p| p.name).collect();
    SearchableCase::of(s.case_by_id(c.id).await.unwrap().unwrap(), names)
}

#[tokio::test]
async fn the_index_reads_every_case_by_id_with_its_texts_flags_and_parties() {
    for db in testing::all().await {
        let s = db.store.as_ref();
        let (t, g1) = grid(s).await;
        let outside = area("150102001", AreaLevel::Street, Some(&t[2]));
        s.insert_areas(std::slice::from_ref(&outside), &[]).await.unwrap();

        let mut taken: Vec<Case> = Vec::new();
        for n in 0..5 {
            let place = if n == 3 { &outside } else { &g1 };
            let district = if n == 3 { "150102" } else { "150103" };
            let mut i = intake(place, district, CaseKind::Dispute, "neighbour.water_leak", "楼上漏水");
            i.case.created_at = now() - Duration::days(10 - n);
            if n == 1 {
                // Everything optional set, and text JSON must carry intact.
                i.case.description = "他说：\"漏水\"\\n第二行\n😀 <b>&amp;</b> \u{1}".into();
                i.case.address = None;
                i.case.point = Some(GeoPoint { lon: 111.6708, lat: 40.8183 });
                i.case.handler_id = Some(Uuid::now_v7());
                i.case.supervision = Some(supervision(i.case.created_at));
                i.case.pending_extension = Some(ExtensionRequest {
                    requested_by: Uuid::now_v7(),
                    requested_by_name: "网格员".into(),
                    requested_at: i.case.created_at,
                    days: 5,
                    reason: "当事人外出".into(),
                });
            }
            if n == 2 {
                i.parties.clear();
            }
            taken.push(s.insert_case(&i, &case_audit(&i.case)).await.unwrap());
        }
        let mut expected = Vec::new();
        for c in &taken {
            expected.push(as_indexed(s, c).await);
        }
        expected.sort_by_key(|c| c.id);
        let full = &expected;
        assert!(full.iter().any(|c| c.supervised && c.extension_pending && c.point().is_some() && c.address.is_none()), "{}", db.name);
        assert!(full.iter().any(|c| c.parties.is_empty()) && full.iter().any(|c| c.parties.len() == 2), "{}", db.name);

        // Pages of two, by id, outside the community too.
        let mut seen = Vec::new();
        let mut after = None;
        loop {
            let page = s.searchable_after(after, 2).await.unwrap();
            assert!(page.len() <= 2, "{}", db.name);
            let Some(last) = page.last() else { break };
            after = Some(last.id);
            seen.extend(page);
        }
        assert_eq!(seen, expected, "{}: every case once, by id, each column as the case holds it", db.name);

        let wanted = [taken[4].id, Uuid::now_v7(), taken[1].id];
        let mut named = s.searchable_by_ids(&wanted).await.unwrap();
        named.sort_by_key(|c| c.id);
        let mut both: Vec<SearchableCase> = expected.iter().filter(|c| c.id == taken[4].id || c.id == taken[1].id).cloned().collect();
        both.sort_by_key(|c| c.id);
        assert_eq!(named, both, "{}: the named cases; an unknown id is left out", db.name);
        assert!(s.searchable_by_ids(&[]).await.unwrap().is_empty(), "{}", db.name);
    }
}
