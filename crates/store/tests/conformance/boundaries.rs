//! Setting many boundaries at once: all or nothing, version-checked, audited in the same
//! transaction.

use fengqiao_domain::DomainError;
use fengqiao_domain::ports::BoundaryChange;
use fengqiao_store::testing;
use serde_json::json;

use crate::{audit, now, tree};

/// Built from text, as boundaries arrive: the stored text then reads back to the same value.
fn square(lon: f64) -> serde_json::Value {
    let text = format!("[[[{lon}, 40.8], [{lon}1, 40.8], [{lon}1, 40.81], [{lon}, 40.8]]]");
    json!({"type": "Polygon", "coordinates": serde_json::from_str::<serde_json::Value>(&text).unwrap()})
}

#[tokio::test]
async fn boundaries_are_set_together_or_not_at_all() {
    for db in testing::all().await {
        let s = db.store.as_ref();
        let t = tree(s).await;
        let (street, community) = (&t[3], &t[4]);
        let head = s.audit_head().await.unwrap().0;
        let at = now();
        let change = |a: &fengqiao_domain::model::Area, lon: f64, version: i64| BoundaryChange {
            area_id: a.id,
            boundary: Some(square(lon)),
            version,
            updated_at: at,
        };

        s.set_boundaries(&[change(street, 111.6, 2), change(community, 111.62, 2)], &[audit("area.boundary", &street.path), audit("area.boundary", &community.path)])
            .await
            .unwrap();
        let back = s.area_by_code("150103003030").await.unwrap().unwrap();
        assert_eq!(back.boundary, Some(square(111.62)), "{}", db.name);
        assert_eq!((back.version, back.updated_at), (2, at));
        assert_eq!(s.audit_head().await.unwrap().0, head + 2, "{}: one audit row per area", db.name);

        // One stale row refuses the whole batch: the fresh one stays as it was, no audit row.
        let err = s
            .set_boundaries(&[change(street, 111.65, 3), change(community, 111.66, 2)], &[audit("area.boundary", &street.path)])
            .await
            .unwrap_err();
        assert_eq!(err, DomainError::Conflict("error-stale-version"), "{}", db.name);
        assert_eq!(s.area_by_code("150103003").await.unwrap().unwrap().boundary, Some(square(111.6)));
        assert_eq!(s.audit_head().await.unwrap().0, head + 2);

        // A boundary can also be removed; an empty batch is harmless.
        s.set_boundaries(&[BoundaryChange { area_id: street.id, boundary: None, version: 3, updated_at: at }], &[audit("area.boundary", &street.path)])
            .await
            .unwrap();
        assert_eq!(s.area_by_code("150103003").await.unwrap().unwrap().boundary, None);
        s.set_boundaries(&[], &[]).await.unwrap();
        assert_eq!(s.audit_head().await.unwrap().0, head + 3);
    }
}
