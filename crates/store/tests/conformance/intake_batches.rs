//! Group commit of intakes: many callers at once, on a multi-threaded runtime so their
//! intakes really do meet in one batch.

use std::collections::BTreeMap;
use std::sync::Arc;

use fengqiao_domain::DomainError;
use fengqiao_domain::model::case::CaseKind;
use fengqiao_domain::ports::Store;
use fengqiao_domain::rules::audit_chain::ChainVerifier;
use fengqiao_store::testing;

use crate::cases::{case_audit, grid, intake};

/// Every caller gets its own case back with a number no one else got; per district and
/// year the numbers run 1..=n with no gap; each case's parties, first timeline entry and
/// audit row (naming its number) are stored; the audit chain still verifies.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_crowd_of_intakes_is_numbered_without_gaps_and_fully_stored() {
    for db in testing::all().await {
        let store: Arc<dyn Store> = db.store.clone();
        let (_, grid) = grid(store.as_ref()).await;
        let (head_before, _) = store.audit_head().await.unwrap();
        let mut tasks = Vec::new();
        for n in 0..300 {
            let s = store.clone();
            let (district, year) = [("150103", 2026), ("150102", 2026), ("150103", 2025)][n % 3];
            let mut i = intake(&grid, district, CaseKind::Dispute, "neighbour.water_leak", &format!("漏水{n}"));
            i.year = year;
            tasks.push(tokio::spawn(async move {
                let a = case_audit(&i.case);
                let stored = s.insert_case(&i, &a).await.unwrap();
                assert_eq!(stored.id, i.case.id, "each caller gets its own case back");
                stored
            }));
        }
        let mut by_counter: BTreeMap<String, Vec<u64>> = BTreeMap::new();
        let mut stored = Vec::new();
        for t in tasks {
            let c = t.await.unwrap();
            let (prefix, seq) = c.number.as_str().rsplit_once('-').unwrap();
            by_counter.entry(prefix.to_string()).or_default().push(seq.parse().unwrap());
            stored.push(c);
        }
        assert_eq!(by_counter.len(), 3, "{}", db.name);
        for (prefix, mut seqs) in by_counter {
            seqs.sort();
            assert_eq!(seqs, (1..=100).collect::<Vec<u64>>(), "{}: {prefix}", db.name);
        }
        for c in stored.iter().step_by(37) {
            let read = store.case_by_number(&c.number).await.unwrap().expect("stored");
            assert_eq!(read.id, c.id);
            assert_eq!(store.case_parties(c.id).await.unwrap().len(), 2, "{}", db.name);
            assert_eq!(store.case_timeline(c.id).await.unwrap().len(), 1, "{}", db.name);
        }
        let (head, head_hash) = store.audit_head().await.unwrap();
        assert_eq!(head - head_before, 300, "{}: one audit row per intake", db.name);
        let rows = store.audit_chain(0, 10_000).await.unwrap();
        let mut v = ChainVerifier::default();
        for r in &rows {
            v.feed(r).unwrap_or_else(|b| panic!("{}: chain broken: {b}", db.name));
        }
        v.finish(head, &head_hash).unwrap();
        let numbers: Vec<String> = rows
            .iter()
            .filter(|r| r.action == "case.report")
            .filter_map(|r| r.after.as_ref()?.get("number")?.as_str().map(String::from))
            .collect();
        assert_eq!(numbers.len(), 300, "{}: every audit row names its case's number", db.name);
        for c in &stored {
            let row = rows.iter().find(|r| r.entity_id == c.id.to_string()).unwrap();
            assert_eq!(row.after.as_ref().unwrap()["number"], c.number.as_str(), "{}", db.name);
        }
    }
}

/// A case that cannot be stored (here: its id is already taken) fails its own caller and
/// nobody else, even when it arrives in the same batch as others; it takes no number.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn one_bad_intake_in_a_batch_fails_alone() {
    for db in testing::all().await {
        let store: Arc<dyn Store> = db.store.clone();
        let (_, grid) = grid(store.as_ref()).await;
        let first = intake(&grid, "150103", CaseKind::Demand, "heating", "暖气不热");
        store.insert_case(&first, &case_audit(&first.case)).await.unwrap();
        let mut tasks = Vec::new();
        for n in 0..60 {
            let s = store.clone();
            let mut i = intake(&grid, "150103", CaseKind::Demand, "heating", &format!("暖气{n}"));
            if n == 30 {
                i.case.id = first.case.id;
                i.entry.case_id = first.case.id;
            }
            tasks.push(tokio::spawn(async move { s.insert_case(&i, &case_audit(&i.case)).await }));
        }
        let mut ok = Vec::new();
        for (n, t) in tasks.into_iter().enumerate() {
            match t.await.unwrap() {
                Ok(c) => ok.push(c.number.as_str().rsplit_once('-').unwrap().1.parse::<u64>().unwrap()),
                Err(e) => {
                    assert_eq!(n, 30, "{}: only the duplicate fails, not {n}: {e}", db.name);
                    assert!(matches!(e, DomainError::Conflict(_)), "{}: {e:?}", db.name);
                }
            }
        }
        ok.sort();
        assert_eq!(ok, (2..=60).collect::<Vec<u64>>(), "{}: no number lost to the failed intake", db.name);
    }
}
