//! The submissions half of the port (Open311 keys, submissions beside their cases, the areas a
//! point is placed in), on every backend.

use fengqiao_domain::model::case::{CaseKind, Satisfaction};
use fengqiao_domain::model::submission::{ApiKey, Source, Submission, TrackingNumber};
use fengqiao_domain::model::{AreaLevel, Protected};
use fengqiao_domain::ports::{CaseIntake, Store, SubmissionQuery};
use fengqiao_store::testing;
use uuid::Uuid;

use crate::cases::{case_audit, grid, intake};
use crate::{audit, now};

fn key(area: &fengqiao_domain::model::Area, name: &str) -> ApiKey {
    ApiKey {
        id: Uuid::now_v7(),
        name: name.into(),
        prefix: "fq_abcd".into(),
        area_id: area.id,
        area_path: area.path.clone(),
        per_minute: 60,
        created_by: None,
        created_at: now(),
        revoked_at: None,
    }
}

fn submitted(mut i: CaseIntake, key: Option<&ApiKey>) -> CaseIntake {
    i.submission = Some(Submission {
        case_id: i.case.id,
        token: TrackingNumber::generate(),
        source: if key.is_some() { Source::Open311 } else { Source::Portal },
        api_key_id: key.map(|k| k.id),
        contact_name: Some(Protected { cipher: "k1:name".into(), hash: "h-name".into(), masked: "王**".into() }),
        contact_phone: None,
        consent_at: Some(now()),
        media_url: Some("https://example.org/a.jpg".into()),
        rating: None,
        rated_at: None,
        created_at: i.case.created_at,
    });
    i
}

#[tokio::test]
async fn keys_are_kept_by_hash_listed_in_scope_and_revoked_once() {
    for db in testing::all().await {
        let s: &dyn Store = db.store.as_ref();
        let (t, g) = grid(s).await;
        let city = key(&t[0], "city");
        let local = key(&g, "grid");
        s.insert_api_key(&city, "hash-city", &audit("api_key.issue", &t[0].path)).await.unwrap();
        s.insert_api_key(&local, "hash-grid", &audit("api_key.issue", &g.path)).await.unwrap();
        assert_eq!(s.api_key_by_hash("hash-city").await.unwrap(), Some(city.clone()), "{}", db.name);
        assert_eq!(s.api_key_by_hash("nothing").await.unwrap(), None);
        assert_eq!(s.api_key_by_id(local.id).await.unwrap(), Some(local.clone()));
        assert_eq!(s.api_keys_under(&g.path).await.unwrap(), vec![local.clone()]);
        assert_eq!(s.api_keys_under(&t[0].path).await.unwrap().len(), 2);
        let (seq, _) = s.audit_head().await.unwrap();
        assert!(s.revoke_api_key(local.id, now(), &audit("api_key.revoke", &g.path)).await.unwrap());
        assert!(!s.revoke_api_key(local.id, now(), &audit("api_key.revoke", &g.path)).await.unwrap());
        assert_eq!(s.audit_head().await.unwrap().0, seq + 1, "a second revoke writes nothing");
        assert!(s.api_key_by_id(local.id).await.unwrap().unwrap().revoked_at.is_some());
    }
}

#[tokio::test]
async fn submissions_land_with_their_cases_and_are_found_by_token_and_filters() {
    for db in testing::all().await {
        let s: &dyn Store = db.store.as_ref();
        let (t, g) = grid(s).await;
        let k = key(&t[0], "city");
        s.insert_api_key(&k, "hash-city", &audit("api_key.issue", &t[0].path)).await.unwrap();
        let a = submitted(intake(&g, "150103", CaseKind::Demand, "heating", "暖气不热"), Some(&k));
        let b = submitted(intake(&g, "150103", CaseKind::Hazard, "gas", "燃气管道老化"), None);
        let plain = intake(&g, "150103", CaseKind::Demand, "heating", "网格员上报");
        let ca = s.insert_case(&a, &case_audit(&a.case)).await.unwrap();
        let cb = s.insert_case(&b, &case_audit(&b.case)).await.unwrap();
        s.insert_case(&plain, &case_audit(&plain.case)).await.unwrap();

        let token = a.submission.as_ref().unwrap().token.clone();
        let (case, sub) = s.submission_by_token(&token).await.unwrap().unwrap();
        assert_eq!((case.id, case.number.clone()), (ca.id, ca.number.clone()), "{}", db.name);
        assert_eq!(sub, a.submission.clone().unwrap());
        assert_eq!(s.submission_of_case(cb.id).await.unwrap().unwrap().source, Source::Portal);
        assert_eq!(s.submission_of_case(plain.case.id).await.unwrap(), None);

        let q = |f: &dyn Fn(&mut SubmissionQuery)| {
            let mut q = SubmissionQuery { scope_path: t[0].path.clone(), limit: 1000, ..Default::default() };
            f(&mut q);
            q
        };
        let numbers = |rows: Vec<(fengqiao_domain::model::case::Case, Submission)>| rows.into_iter().map(|(c, _)| c.number.to_string()).collect::<Vec<_>>();
        assert_eq!(numbers(s.submitted_cases(&q(&|_| {})).await.unwrap()), vec![cb.number.to_string(), ca.number.to_string()], "newest first, only submissions");
        assert_eq!(numbers(s.submitted_cases(&q(&|q| q.services = vec![(CaseKind::Demand, "heating".into())])).await.unwrap()), vec![ca.number.to_string()]);
        assert_eq!(numbers(s.submitted_cases(&q(&|q| q.numbers = vec![cb.number.to_string()])).await.unwrap()), vec![cb.number.to_string()]);
        assert!(s.submitted_cases(&q(&|q| q.closed = Some(true))).await.unwrap().is_empty());
        assert_eq!(s.submitted_cases(&q(&|q| q.closed = Some(false))).await.unwrap().len(), 2);
        assert!(s.submitted_cases(&q(&|q| q.from = Some(now() + chrono::Duration::hours(1)))).await.unwrap().is_empty());
        assert!(s.submitted_cases(&q(&|q| q.scope_path = "/9999/".into())).await.unwrap().is_empty());
        assert_eq!(s.submitted_cases(&q(&|q| q.limit = 1)).await.unwrap().len(), 1);

        let updates = s.submission_updates(&t[0].path, now() - chrono::Duration::hours(1), now() + chrono::Duration::hours(1), 100).await.unwrap();
        assert_eq!(updates.len(), 2, "the intake entries of the two submitted cases");

        let (seq, _) = s.audit_head().await.unwrap();
        assert!(s.rate_submission(ca.id, Satisfaction::Satisfied, now(), &audit("case.resident_rating", &ca.area_path)).await.unwrap());
        assert!(!s.rate_submission(ca.id, Satisfaction::Dissatisfied, now(), &audit("case.resident_rating", &ca.area_path)).await.unwrap());
        assert_eq!(s.audit_head().await.unwrap().0, seq + 1);
        assert_eq!(s.submission_of_case(ca.id).await.unwrap().unwrap().rating, Some(Satisfaction::Satisfied));
    }
}

#[tokio::test]
async fn areas_for_placing_are_the_mapped_ones_and_the_active_ones_by_level() {
    for db in testing::all().await {
        let s: &dyn Store = db.store.as_ref();
        let (t, g) = grid(s).await;
        assert!(s.mapped_areas_under(&t[0].path).await.unwrap().is_empty(), "{}", db.name);
        let mut mapped = g.clone();
        mapped.boundary = Some(serde_json::json!({"type": "Polygon", "coordinates": [[[111.6, 40.8], [111.7, 40.8], [111.7, 40.9], [111.6, 40.8]]]}));
        s.update_area(&mapped, g.version, &audit("area.boundary", &g.path)).await.unwrap();
        let found = s.mapped_areas_under(&t[0].path).await.unwrap();
        assert_eq!(found.iter().map(|a| a.id).collect::<Vec<_>>(), vec![g.id]);
        assert!(s.mapped_areas_under("/9999/").await.unwrap().is_empty());
        let grids = s.active_areas_at_level(AreaLevel::Grid).await.unwrap();
        assert_eq!(grids.iter().map(|a| a.id).collect::<Vec<_>>(), vec![g.id], "{}", db.name);
        let districts = s.active_areas_at_level(AreaLevel::District).await.unwrap();
        assert_eq!(districts.iter().map(|a| a.code.as_str()).collect::<Vec<_>>(), ["150102", "150103"], "by path");
        let mut gone = s.area_by_id(g.id).await.unwrap().unwrap();
        gone.retired = true;
        s.update_area(&gone, gone.version, &audit("area.retire", &g.path)).await.unwrap();
        assert!(s.active_areas_at_level(AreaLevel::Grid).await.unwrap().is_empty(), "retired areas are no choice");
    }
}
