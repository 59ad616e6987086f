//! The oversight half of the port, on every backend: oversight state on the case, events
//! fanned out to the inbox and the webhook outbox, the monitor's claims, and delivery leases.

use chrono::Duration;
use fengqiao_domain::model::case::{Case, CaseAction, CaseKind, CaseStatus, ExtensionRequest, SupervisionOrder};
use fengqiao_domain::model::notice::{Audience, DeliveryResult, DeliveryStatus, NewEvent, NoticeKind, WebhookEndpoint};
use fengqiao_domain::model::{AreaLevel, NewAudit, Role};
use fengqiao_domain::ports::{CaseQuery, CaseScope, Store};
use fengqiao_domain::rules::deadline::Deadlines;
use fengqiao_domain::rules::workflow::{self, Context};
use fengqiao_domain::services::operator;
use fengqiao_store::testing;
use uuid::Uuid;

use crate::cases::{case_audit, intake};
use crate::{area, audit, now, tree, user};

/// A case in a grid of the community, accepted (deadline running), stored.
async fn accepted(s: &dyn Store, grid: &fengqiao_domain::model::Area, title: &str) -> Case {
    let i = intake(grid, "150103", CaseKind::Dispute, "neighbour.noise", title);
    let c = s.insert_case(&i, &case_audit(&i.case)).await.unwrap();
    let op = operator("tester");
    let d = Deadlines::default();
    let t = workflow::apply(&c, &CaseAction::Accept { note: None }, &Context { actor: &op, now: now(), deadlines: &d }).unwrap();
    s.save_transition(&t.case, 1, &t.entry, &audit("case.accept", &c.area_path)).await.unwrap();
    t.case
}

fn event(c: &Case, kind: NoticeKind, audience: Vec<Audience>, actor: Option<Uuid>) -> NewEvent {
    NewEvent {
        id: Uuid::now_v7(),
        kind,
        case_id: c.id,
        case_number: c.number.to_string(),
        case_title: c.title.clone(),
        actor_id: actor,
        actor_name: Some("测试".into()),
        body: Some("请反馈".into()),
        at: now(),
        audience,
    }
}

fn alert(c: &Case, kind: NoticeKind) -> (NewEvent, NewAudit) {
    (event(c, kind, vec![Audience::Supervisors(c.handling_area_path())], None), audit("case.deadline_warning", &c.area_path))
}

#[tokio::test]
async fn oversight_state_and_events_are_stored_with_the_step() {
    for db in testing::all().await {
        let s = db.store.as_ref();
        let t = tree(s).await;
        let (street, community) = (&t[3], &t[4]);
        let grid = area("150103003030G01", AreaLevel::Grid, Some(community));
        s.insert_areas(std::slice::from_ref(&grid), &[]).await.unwrap();
        let boss = user("boss", community, Role::CommunityStaff);
        let handler = user("handler", &grid, Role::GridWorker);
        let mut gone = user("gone", community, Role::CommunityStaff);
        gone.disabled = true;
        let above = user("above", street, Role::StreetStaff);
        for u in [&boss, &handler, &gone, &above] {
            s.insert_user(u, &audit("account.create", &u.home_area_path)).await.unwrap();
        }
        let active = WebhookEndpoint {
            id: Uuid::now_v7(),
            url: "https://a.example/h".into(),
            secret_cipher: "k1:x".into(),
            active: true,
            created_at: now(),
            updated_at: now(),
        };
        let paused = WebhookEndpoint { id: Uuid::now_v7(), active: false, ..active.clone() };
        for w in [&active, &paused] {
            s.insert_webhook(w, &audit("webhook.create", "/")).await.unwrap();
        }

        let c = accepted(s, &grid, "噪音").await;
        let mut next = c.clone();
        next.version += 1;
        next.supervision = Some(SupervisionOrder {
            issued_by: above.id,
            issued_by_name: "街道".into(),
            issued_at: now(),
            instructions: "限期化解".into(),
            reply_by: Some(chrono::NaiveDate::from_ymd_opt(2026, 12, 1).unwrap()),
        });
        next.pending_extension =
            Some(ExtensionRequest { requested_by: boss.id, requested_by_name: "社区".into(), requested_at: now(), days: 3, reason: "鉴定".into() });
        let entry = workflow::apply(&c, &CaseAction::Note { text: "x".into() }, &Context { actor: &operator("t"), now: now(), deadlines: &Deadlines::default() })
            .unwrap()
            .entry;
        // The handler is also named directly, and the actor is among the supervisors: one row each, none for the actor.
        let e = event(&next, NoticeKind::Supervised, vec![Audience::Supervisors(community.path.clone()), Audience::User(handler.id), Audience::User(handler.id)], Some(above.id));
        s.save_transition_with_events(&next, c.version, &entry, &audit("case.supervise", &c.area_path), std::slice::from_ref(&e)).await.unwrap();
        assert_eq!(s.case_by_id(c.id).await.unwrap().unwrap(), next, "{}: oversight state round-trips", db.name);

        let q = |supervised, extension_pending| CaseQuery { supervised, extension_pending, ..CaseQuery::new(CaseScope::Area(community.path.clone()), 10) };
        let other = accepted(s, &grid, "另一件").await;
        assert_eq!(s.cases(&q(true, false)).await.unwrap().iter().map(|c| c.id).collect::<Vec<_>>(), [c.id]);
        assert_eq!(s.cases(&q(false, true)).await.unwrap().len(), 1);
        let all = s.cases(&q(false, false)).await.unwrap();
        assert_eq!((all.len(), all[0].id), (2, other.id));

        for (u, n) in [(&boss, 1), (&handler, 1), (&gone, 0), (&above, 0)] {
            assert_eq!(s.notifications(u.id, false, None, 10).await.unwrap().len(), n, "{}: {}", db.name, u.username);
        }
        let note = &s.notifications(handler.id, true, None, 10).await.unwrap()[0];
        assert_eq!((note.id, note.kind, note.case_id, note.read_at), (e.id, NoticeKind::Supervised, Some(c.id), None));
        assert!(s.mark_notification_read(handler.id, e.id, now()).await.unwrap());
        assert!(!s.mark_notification_read(boss.id, Uuid::now_v7(), now()).await.unwrap());
        assert_eq!(s.unread_notifications(handler.id).await.unwrap(), 0);
        assert_eq!(s.mark_all_notifications_read(boss.id, now()).await.unwrap(), 1);

        assert_eq!(s.deliveries(active.id, 10).await.unwrap().len(), 1, "{}: queued for the active endpoint", db.name);
        assert!(s.deliveries(paused.id, 10).await.unwrap().is_empty(), "not for the paused one");

        // A stale step writes neither the case nor its events.
        let e2 = event(&next, NoticeKind::Assigned, vec![Audience::User(handler.id)], None);
        let err = s.save_transition_with_events(&next, c.version, &entry, &audit("case.x", &c.area_path), &[e2]).await.unwrap_err();
        assert_eq!(err, fengqiao_domain::DomainError::Conflict("error-case-version-stale"));
        assert_eq!(s.notifications(handler.id, false, None, 10).await.unwrap().len(), 1);
    }
}

#[tokio::test]
async fn monitor_claims_and_delivery_leases_happen_once() {
    for db in testing::all().await {
        let s = db.store.as_ref();
        let t = tree(s).await;
        let community = &t[4];
        let grid = area("150103003030G01", AreaLevel::Grid, Some(community));
        s.insert_areas(std::slice::from_ref(&grid), &[]).await.unwrap();
        let boss = user("boss", community, Role::CommunityStaff);
        s.insert_user(&boss, &audit("account.create", &community.path)).await.unwrap();
        let w = WebhookEndpoint { id: Uuid::now_v7(), url: "https://a.example/h".into(), secret_cipher: "k1:x".into(), active: true, created_at: now(), updated_at: now() };
        s.insert_webhook(&w, &audit("webhook.create", "/")).await.unwrap();
        let mut cases = Vec::new();
        for i in 0..5 {
            cases.push(accepted(s, &grid, &format!("噪音{i}")).await);
        }
        let deadline = cases[0].deadline.unwrap();

        assert!(s.claim_deadline_alerts(now(), now(), 100, &alert).await.unwrap().is_empty(), "{}: not yet", db.name);
        let at = deadline - Duration::hours(2);
        let warned = s.claim_deadline_alerts(at, deadline, 2, &alert).await.unwrap();
        assert_eq!(warned.len(), 2, "{}: the limit holds", db.name);
        assert_eq!(s.claim_deadline_alerts(at, deadline, 100, &alert).await.unwrap().len(), 3);
        assert!(s.claim_deadline_alerts(at, deadline, 100, &alert).await.unwrap().is_empty(), "each once");
        let late = deadline + Duration::hours(1);
        let overdue = s.claim_deadline_alerts(late, late, 100, &alert).await.unwrap();
        assert_eq!((overdue.len(), overdue.iter().all(|e| e.kind == NoticeKind::Overdue)), (5, true), "{}", db.name);
        assert!(s.claim_deadline_alerts(late, late, 100, &alert).await.unwrap().is_empty());
        assert_eq!(s.unread_notifications(boss.id).await.unwrap(), 10);

        // The monitor's marks are not workflow state: the case itself did not move.
        let c = s.case_by_id(cases[0].id).await.unwrap().unwrap();
        assert_eq!((c.status, c.version), (CaseStatus::Accepted, cases[0].version));

        // Deliveries: leased once, not again while leased, retried when due, finished.
        let leased = s.lease_deliveries(late, late + Duration::minutes(1), 3).await.unwrap();
        assert_eq!(leased.len(), 3, "{}", db.name);
        assert!(leased.iter().all(|(d, e)| d.attempts == 1 && e.id == w.id));
        let rest = s.lease_deliveries(late, late + Duration::minutes(1), 100).await.unwrap();
        assert_eq!(rest.len(), 7, "only what was not leased");
        assert!(s.lease_deliveries(late, late + Duration::minutes(1), 100).await.unwrap().is_empty());
        let (d, _) = &leased[0];
        let done = DeliveryResult { status: DeliveryStatus::Delivered, http_status: Some(200), error: None, next_attempt_at: late, at: late };
        s.finish_delivery(d.endpoint_id, d.event_id, &done).await.unwrap();
        let (d2, _) = &leased[1];
        let retry = DeliveryResult { status: DeliveryStatus::Pending, http_status: Some(500), error: Some("HTTP 500".into()), next_attempt_at: late + Duration::minutes(5), at: late };
        s.finish_delivery(d2.endpoint_id, d2.event_id, &retry).await.unwrap();
        let later = late + Duration::minutes(2);
        let again = s.lease_deliveries(later, later + Duration::minutes(1), 100).await.unwrap();
        // The other 8 leases lapsed after a minute; the retried one waits for its time.
        assert_eq!(again.len(), 8, "{}", db.name);
        assert!(again.iter().all(|(x, _)| x.event_id != d2.event_id && x.event_id != d.event_id), "neither the delivered nor the waiting one");
        let list = s.deliveries(w.id, 100).await.unwrap();
        let first = list.iter().find(|x| x.event_id == d.event_id).unwrap();
        assert_eq!((first.status, first.last_status, first.delivered_at.is_some()), (DeliveryStatus::Delivered, Some(200), true));
    }
}
