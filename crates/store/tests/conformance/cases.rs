//! The cases half of the port, on every backend.

use std::sync::Arc;

use fengqiao_domain::DomainError;
use fengqiao_domain::model::case::{
    Case, CaseAction, CaseDraft, CaseKind, CaseNumber, CaseStatus, CategoryTree, Channel, HandlingLevel, Party, PartyKind, PartyRole,
    RiskLevel, TimelineEntry,
};
use fengqiao_domain::model::{Area, AreaLevel, Protected};
use fengqiao_domain::ports::{CaseHistories, CaseHistory, CaseIntake, CaseQuery, CaseScope, Store};
use fengqiao_domain::rules::deadline::Deadlines;
use fengqiao_domain::rules::workflow::{self, Context};
use fengqiao_domain::services::operator;
use fengqiao_store::testing;
use uuid::Uuid;

use crate::{area, audit, now, tree};

pub(crate) fn intake(area: &Area, district: &str, kind: CaseKind, category: &str, title: &str) -> CaseIntake {
    let op = operator("tester");
    let deadlines = Deadlines::default();
    let ctx = Context { actor: &op, now: now(), deadlines: &deadlines };
    let draft = CaseDraft {
        kind,
        category: category.into(),
        title: title.into(),
        description: "楼上漏水，多次协商未果".into(),
        area_id: area.id,
        address: Some("铁路小区3号楼1单元201".into()),
        point: None,
        channel: Channel::GridPatrol,
        risk: RiskLevel::Ordinary,
        reporter_name: None,
    };
    let (case, entry) =
        workflow::report(&draft, area, &CategoryTree::defaults(), CaseNumber::compose(district, 2026, 0).unwrap(), &ctx).unwrap();
    let party = |role, name: &str, masked: &str| Party {
        id: Uuid::now_v7(),
        case_id: case.id,
        role,
        kind: PartyKind::Person,
        resident_id: None,
        name: name.into(),
        id_number: Some(Protected { cipher: "k1:secret".into(), hash: format!("h-{name}"), masked: masked.into() }),
        phone: None,
        created_at: now(),
    };
    let parties = vec![party(PartyRole::Applicant, "王秀英", "150101********0021"), party(PartyRole::Respondent, "李建国", "150101********0033")];
    CaseIntake { case, parties, entry, district_code: district.into(), year: 2026, submission: None }
}

pub(crate) fn case_audit(c: &Case) -> fengqiao_domain::model::NewAudit {
    let mut a = audit("case.report", &c.area_path);
    a.entity_type = "case".into();
    a.entity_id = c.id.to_string();
    a.after = Some(serde_json::json!({"title": c.title}));
    a
}

fn step(c: &Case, action: CaseAction) -> (Case, TimelineEntry) {
    let op = operator("tester");
    let deadlines = Deadlines::default();
    let t = workflow::apply(c, &action, &Context { actor: &op, now: now(), deadlines: &deadlines }).unwrap();
    (t.case, t.entry)
}

/// A supervision order (督办) issued at `at`, waiting for its answer.
pub(crate) fn supervision(at: chrono::DateTime<chrono::Utc>) -> fengqiao_domain::model::case::SupervisionOrder {
    fengqiao_domain::model::case::SupervisionOrder {
        issued_by: Uuid::now_v7(),
        issued_by_name: "区矛调中心".into(),
        issued_at: at,
        instructions: "三日内答复".into(),
        reply_by: None,
    }
}

pub(crate) async fn grid(s: &dyn Store) -> (Vec<Area>, Area) {
    let t = tree(s).await;
    let grid = area("150103003030G01", AreaLevel::Grid, Some(&t[4]));
    s.insert_areas(std::slice::from_ref(&grid), &[]).await.unwrap();
    (t, grid)
}

#[tokio::test]
async fn cases_are_taken_in_with_parties_timeline_number_and_audit() {
    for db in testing::all().await {
        let s = db.store.as_ref();
        let (_, grid) = grid(s).await;
        let i = intake(&grid, "150103", CaseKind::Dispute, "neighbour.water_leak", "楼上漏水");
        let head = s.audit_head().await.unwrap().0;
        let stored = s.insert_case(&i, &case_audit(&i.case)).await.unwrap();
        assert_eq!(stored.number.as_str(), "150103-2026-000001", "{}", db.name);
        assert_eq!(stored.handling_level, HandlingLevel::Community);
        let got = s.case_by_id(stored.id).await.unwrap().unwrap();
        assert_eq!(got, stored, "{}: round trip", db.name);
        assert_eq!(s.case_by_number(&stored.number).await.unwrap().as_ref(), Some(&stored));
        assert_eq!(s.case_parties(stored.id).await.unwrap(), i.parties, "{}: parties in order", db.name);
        assert_eq!(s.case_timeline(stored.id).await.unwrap(), vec![i.entry.clone()]);
        let rows = s.audit_chain(head, 10).await.unwrap();
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0].after.as_ref().unwrap()["number"], "150103-2026-000001", "{}: audit names the number", db.name);
        // Numbers count per district and year.
        let second = s.insert_case(&intake(&grid, "150103", CaseKind::Demand, "heating", "暖气不热"), &case_audit(&i.case)).await.unwrap();
        assert_eq!(second.number.as_str(), "150103-2026-000002");
        let mut other_year = intake(&grid, "150103", CaseKind::Demand, "heating", "暖气不热");
        other_year.year = 2025;
        assert_eq!(s.insert_case(&other_year, &case_audit(&i.case)).await.unwrap().number.as_str(), "150103-2025-000001");
    }
}

#[tokio::test]
async fn a_transition_is_guarded_by_the_version() {
    for db in testing::all().await {
        let s = db.store.as_ref();
        let (_, grid) = grid(s).await;
        let i = intake(&grid, "150103", CaseKind::Dispute, "neighbour.noise", "深夜噪音");
        let c = s.insert_case(&i, &case_audit(&i.case)).await.unwrap();
        let (accepted, entry) = step(&c, CaseAction::Accept { note: None });
        s.save_transition(&accepted, 1, &entry, &audit("case.accept", &c.area_path)).await.unwrap();
        let got = s.case_by_id(c.id).await.unwrap().unwrap();
        assert_eq!(got, accepted, "{}", db.name);
        assert_eq!(got.status, CaseStatus::Accepted);
        assert!(got.deadline.is_some(), "{}: the clock runs from acceptance", db.name);

        // A second writer who also saw version 1 loses, and writes nothing.
        let head = s.audit_head().await.unwrap().0;
        let (declined, entry) = step(&c, CaseAction::Decline { reason: "不属于受理范围".into() });
        let err = s.save_transition(&declined, 1, &entry, &audit("case.decline", &c.area_path)).await.unwrap_err();
        assert_eq!(err, DomainError::Conflict("error-case-version-stale"), "{}", db.name);
        assert_eq!(s.case_by_id(c.id).await.unwrap().unwrap(), accepted);
        assert_eq!(s.case_timeline(c.id).await.unwrap().len(), 2);
        assert_eq!(s.audit_head().await.unwrap().0, head, "{}: no audit row for the loser", db.name);

        // The stored timeline replays to the stored case.
        let timeline = s.case_timeline(c.id).await.unwrap();
        assert_eq!(workflow::replay(&c, &timeline).unwrap(), accepted);
    }
}

#[tokio::test]
async fn concurrent_intakes_get_distinct_numbers() {
    for db in testing::all().await {
        let store: Arc<dyn Store> = db.store.clone();
        let (_, grid) = grid(store.as_ref()).await;
        let mut tasks = Vec::new();
        for n in 0..8 {
            let s = store.clone();
            let i = intake(&grid, "150103", CaseKind::Hazard, "fire.ebike_charging", &format!("楼道充电{n}"));
            tasks.push(tokio::spawn(async move { s.insert_case(&i, &case_audit(&i.case)).await.unwrap().number }));
        }
        let mut numbers = Vec::new();
        for t in tasks {
            numbers.push(t.await.unwrap().to_string());
        }
        numbers.sort();
        let expected: Vec<String> = (1..=8).map(|n| format!("150103-2026-{n:06}")).collect();
        assert_eq!(numbers, expected, "{}", db.name);
    }
}

#[tokio::test]
async fn lists_are_scoped_filtered_and_paged_by_key() {
    for db in testing::all().await {
        let s = db.store.as_ref();
        let (t, grid) = grid(s).await;
        let (xc, community) = (&t[2], &t[4]);
        let elsewhere = area("150102001", AreaLevel::Street, Some(xc));
        s.insert_areas(std::slice::from_ref(&elsewhere), &[]).await.unwrap();
        let mut ours = Vec::new();
        for (kind, cat) in [
            (CaseKind::Dispute, "neighbour.noise"),
            (CaseKind::Dispute, "neighbour.water_leak"),
            (CaseKind::Dispute, "labour"),
            (CaseKind::Demand, "heating"),
            (CaseKind::Hazard, "gas"),
        ] {
            let i = intake(&grid, "150103", kind, cat, "本网格事件");
            ours.push(s.insert_case(&i, &case_audit(&i.case)).await.unwrap());
        }
        let i = intake(&elsewhere, "150102", CaseKind::Dispute, "neighbour.noise", "别处事件");
        let theirs = s.insert_case(&i, &case_audit(&i.case)).await.unwrap();

        let ids = |v: Vec<Case>| v.into_iter().map(|c| c.id).collect::<Vec<_>>();
        let newest_first: Vec<Uuid> = ours.iter().rev().map(|c| c.id).collect();
        let all_ours = ids(s.cases(&CaseQuery::new(CaseScope::Area(community.path.clone()), 50)).await.unwrap());
        assert_eq!(all_ours, newest_first, "{}: scope and order", db.name);
        assert!(!all_ours.contains(&theirs.id));

        // Pages by key: two, two, one, then nothing.
        let mut seen = Vec::new();
        let mut before = None;
        loop {
            let q = CaseQuery { before, ..CaseQuery::new(CaseScope::Area(grid.path.clone()), 2) };
            let page = s.cases(&q).await.unwrap();
            if page.is_empty() {
                break;
            }
            before = page.last().map(|c| c.id);
            seen.extend(ids(page));
        }
        assert_eq!(seen, newest_first, "{}: pages", db.name);

        let q = |f: &dyn Fn(&mut CaseQuery)| {
            let mut q = CaseQuery::new(CaseScope::Area(community.path.clone()), 50);
            f(&mut q);
            q
        };
        let neighbour = ids(s.cases(&q(&|q| q.category = Some("neighbour".into()))).await.unwrap());
        assert_eq!(neighbour, vec![ours[1].id, ours[0].id], "{}: a category matches its subcategories", db.name);
        assert_eq!(ids(s.cases(&q(&|q| q.kind = Some(CaseKind::Hazard))).await.unwrap()), vec![ours[4].id]);

        // The community's queue holds its grids' cases; the street's holds nothing yet.
        let queue = ids(s.cases(&CaseQuery::new(CaseScope::Handling(community.path.clone()), 50)).await.unwrap());
        assert_eq!(queue, newest_first, "{}: handling queue", db.name);
        assert!(s.cases(&CaseQuery::new(CaseScope::Handling(t[3].path.clone()), 50)).await.unwrap().is_empty());

        // Accept, assign and escalate: status, handler and queue filters follow.
        let handler = Uuid::now_v7();
        let (c, e) = step(&ours[0], CaseAction::Accept { note: None });
        s.save_transition(&c, 1, &e, &audit("case.accept", &c.area_path)).await.unwrap();
        let (c, e) = step(&c, CaseAction::Assign { handler_id: handler, handler_name: "调解员".into(), note: None });
        s.save_transition(&c, 2, &e, &audit("case.assign", &c.area_path)).await.unwrap();
        assert_eq!(ids(s.cases(&q(&|q| q.handler_id = Some(handler))).await.unwrap()), vec![c.id], "{}: handler", db.name);
        assert_eq!(ids(s.cases(&q(&|q| q.status = Some(CaseStatus::Assigned))).await.unwrap()), vec![c.id]);
        let (c2, e) = step(&ours[2], CaseAction::Accept { note: None });
        s.save_transition(&c2, 1, &e, &audit("case.accept", &c2.area_path)).await.unwrap();
        let (c2, e) = step(&c2, CaseAction::Escalate { reason: "涉及多个社区".into() });
        s.save_transition(&c2, 2, &e, &audit("case.escalate", &c2.area_path)).await.unwrap();
        assert_eq!(ids(s.cases(&CaseQuery::new(CaseScope::Handling(t[3].path.clone()), 50)).await.unwrap()), vec![c2.id], "{}: street queue", db.name);

        // Overdue: open cases whose deadline passed.
        let far = now() + chrono::Duration::days(400);
        let overdue = ids(s.cases(&q(&|q| q.overdue_at = Some(far))).await.unwrap());
        assert_eq!(overdue, vec![c2.id, c.id], "{}: overdue", db.name);
        assert!(s.cases(&q(&|q| q.overdue_at = Some(now()))).await.unwrap().is_empty());
    }
}

#[tokio::test]
async fn parties_are_paged_for_key_rotation_and_their_ciphers_replaced() {
    use fengqiao_domain::ports::{CipherUpdate, ProtectedColumn};
    for db in testing::all().await {
        let s = db.store.as_ref();
        let (_, grid) = grid(s).await;
        let mut all = Vec::new();
        for n in 0..3 {
            let i = intake(&grid, "150103", CaseKind::Dispute, "neighbour.noise", &format!("噪音{n}"));
            s.insert_case(&i, &case_audit(&i.case)).await.unwrap();
            all.extend(i.parties.iter().map(|p| p.id));
        }
        all.sort();
        let mut seen = Vec::new();
        let mut after = None;
        loop {
            let page = s.parties_after(after, 4).await.unwrap();
            let Some(last) = page.last() else { break };
            after = Some(last.id);
            seen.extend(page.iter().map(|p| p.id));
        }
        assert_eq!(seen, all, "{}: every party once, by id", db.name);

        let first = all[0];
        let updates = [CipherUpdate { column: ProtectedColumn::PartyIdNumber, id: first, cipher: "k2:new".into() }];
        s.replace_ciphers(&updates, &audit("keys.rotate", "/")).await.unwrap();
        let p = s.parties_after(None, 1).await.unwrap().remove(0);
        let id = p.id_number.unwrap();
        assert_eq!((p.id, id.cipher.as_str()), (first, "k2:new"), "{}", db.name);
        assert!(id.hash.starts_with("h-"), "the keyed hash stays");
    }
}

/// Every kind of action, stored and read back, replays to the stored case: the timeline's
/// columns and action JSON keep everything the workflow needs.
#[tokio::test]
async fn a_long_history_replays_from_the_stored_timeline() {
    use fengqiao_domain::model::case::{Outcome, PartnerRoom, Satisfaction};
    use fengqiao_domain::rules::access::Actor;
    let person = |name: &str| Actor { user_id: Uuid::now_v7(), username: name.into(), display_name: name.into(), ..operator(name) };
    let (handler, checker) = (person("handler"), person("checker"));
    for db in testing::all().await {
        let s = db.store.as_ref();
        let (_, grid) = grid(s).await;
        let i = intake(&grid, "150103", CaseKind::Dispute, "labour.wage_arrears", "拖欠工资");
        let intake_case = s.insert_case(&i, &case_audit(&i.case)).await.unwrap();
        let assign = || CaseAction::Assign { handler_id: handler.user_id, handler_name: "handler".into(), note: None };
        let conclude = || CaseAction::Conclude { outcome: Outcome::ResolvedByAgreement, summary: "达成协议".into() };
        let verify = |confirmed| CaseAction::Verify { confirmed, note: Some("核查".into()) };
        let steps: Vec<(&Actor, CaseAction)> = vec![
            (&checker, CaseAction::Accept { note: None }),
            (&checker, assign()),
            (&handler, CaseAction::Start { note: None }),
            (&handler, CaseAction::Refer { room: PartnerRoom::CourtAndUnion, note: None }),
            (&handler, CaseAction::RecordReferralOutcome { outcome: None, note: Some("退回".into()) }),
            (&checker, CaseAction::PutInBacklog { reason: "等待仲裁".into() }),
            (&checker, CaseAction::TakeOutOfBacklog { note: None }),
            (&checker, CaseAction::Escalate { reason: "涉及多个社区".into() }),
            (&checker, CaseAction::DispatchDown { to: HandlingLevel::Community, note: None }),
            (&checker, CaseAction::Return { reason: "社区力量不足".into() }),
            (&checker, assign()),
            (&handler, CaseAction::Note { text: "电话联系".into() }),
            (&handler, CaseAction::Start { note: None }),
            (&handler, conclude()),
            (&checker, verify(false)),
            (&handler, conclude()),
            (&checker, verify(true)),
            (&checker, CaseAction::FollowUp { satisfaction: Satisfaction::Dissatisfied, note: Some("不满意".into()) }),
            (&handler, conclude()),
            (&checker, verify(true)),
            (&checker, CaseAction::FollowUp { satisfaction: Satisfaction::Satisfied, note: None }),
            (&checker, CaseAction::Close { note: None }),
        ];
        let deadlines = Deadlines::default();
        let mut c = intake_case.clone();
        for (actor, action) in steps {
            let t = workflow::apply(&c, &action, &Context { actor, now: now(), deadlines: &deadlines })
                .unwrap_or_else(|e| panic!("{action:?} on {:?}: {e:?}", c.status));
            s.save_transition(&t.case, c.version, &t.entry, &audit("case.step", &c.area_path)).await.unwrap();
            c = t.case;
        }
        let stored = s.case_by_id(c.id).await.unwrap().unwrap();
        assert_eq!(stored, c, "{}", db.name);
        assert_eq!(stored.status, CaseStatus::Closed);
        assert_eq!((stored.reopened, stored.resolved_level), (2, Some(HandlingLevel::Street)), "{}", db.name);
        let timeline = s.case_timeline(c.id).await.unwrap();
        assert_eq!(timeline.len(), 23);
        assert_eq!(workflow::replay(&intake_case, &timeline).unwrap(), stored, "{}: replay", db.name);
    }
}

#[tokio::test]
async fn whole_histories_are_imported_at_once_and_numbering_continues_after_them() {
    for db in testing::all().await {
        let s = db.store.as_ref();
        let (_, grid) = grid(s).await;
        // One intake before the import, which must keep its number.
        let live = intake(&grid, "150103", CaseKind::Demand, "heating", "暖气不热");
        s.insert_case(&live, &case_audit(&live.case)).await.unwrap();

        let mut histories = Vec::new();
        for (seq, year) in [(7, 2026), (41, 2024)] {
            let i = intake(&grid, "150103", CaseKind::Dispute, "neighbour.noise", "噪音扰民");
            let mut c = i.case.clone();
            c.number = CaseNumber::compose("150103", year, seq).unwrap();
            let (accepted, e2) = step(&c, CaseAction::Accept { note: None });
            let mut accepted = accepted;
            accepted.number = c.number.clone();
            histories.push(CaseHistory { case: accepted, parties: i.parties.clone(), timeline: vec![i.entry.clone(), e2] });
        }
        let batch = CaseHistories {
            cases: histories.clone(),
            counters: vec![("150103".into(), 2026, 7), ("150103".into(), 2024, 41), ("150103".into(), 2025, 0)],
        };
        let head = s.audit_head().await.unwrap().0;
        s.import_case_histories(&batch, &audit("demo.cases", &grid.path)).await.unwrap();
        assert_eq!(s.audit_chain(head, 10).await.unwrap().len(), 1, "{}: one audit row for the batch", db.name);
        for h in &histories {
            assert_eq!(s.case_by_id(h.case.id).await.unwrap().as_ref(), Some(&h.case), "{}", db.name);
            assert_eq!(s.case_timeline(h.case.id).await.unwrap(), h.timeline);
            assert_eq!(s.case_parties(h.case.id).await.unwrap(), h.parties);
        }
        // Counters were raised to the numbers used, and never lowered.
        let next = |year: i32| {
            let mut i = intake(&grid, "150103", CaseKind::Demand, "heating", "暖气不热");
            i.year = year;
            i
        };
        let n = |c: Case| c.number.as_str().to_string();
        assert_eq!(n(s.insert_case(&next(2026), &case_audit(&live.case)).await.unwrap()), "150103-2026-000008", "{}", db.name);
        assert_eq!(n(s.insert_case(&next(2024), &case_audit(&live.case)).await.unwrap()), "150103-2024-000042");
        let small = CaseHistories { cases: vec![], counters: vec![("150103".into(), 2026, 3)] };
        s.import_case_histories(&small, &audit("demo.cases", &grid.path)).await.unwrap();
        assert_eq!(n(s.insert_case(&next(2026), &case_audit(&live.case)).await.unwrap()), "150103-2026-000009");

        // A batch with a duplicate number fails whole: nothing of it is written.
        let i = intake(&grid, "150103", CaseKind::Dispute, "neighbour.noise", "重复编号");
        let mut dup = i.case.clone();
        dup.number = CaseNumber::compose("150103", 2026, 7).unwrap();
        let fresh = intake(&grid, "150103", CaseKind::Dispute, "neighbour.noise", "新的一件");
        let mut ok = fresh.case.clone();
        ok.number = CaseNumber::compose("150103", 2026, 500).unwrap();
        let bad = CaseHistories {
            cases: vec![
                CaseHistory { case: ok.clone(), parties: vec![], timeline: vec![fresh.entry.clone()] },
                CaseHistory { case: dup, parties: vec![], timeline: vec![i.entry.clone()] },
            ],
            counters: vec![],
        };
        assert!(s.import_case_histories(&bad, &audit("demo.cases", &grid.path)).await.is_err(), "{}", db.name);
        assert_eq!(s.case_by_id(ok.id).await.unwrap(), None, "{}: rolled back", db.name);
    }
}
