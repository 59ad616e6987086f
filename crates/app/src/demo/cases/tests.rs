//! The demo's cases against a real store, loaded the way `fengqiao demo` loads them: the
//! seed's 2024 figures come out of the histories, every history is a sound record, and the
//! demo accounts find work waiting.

use std::sync::Arc;

use chrono::NaiveDate;
use fengqiao_domain::model::case::{ActionKind, Case, CaseKind, CaseStatus, Channel, HandlingLevel, Outcome, PartnerRoom};
use fengqiao_domain::ports::{CaseQuery, CaseScope, Clock, SystemClock};
use fengqiao_domain::privacy::Vault;
use fengqiao_domain::rules::access::Actor;
use fengqiao_domain::rules::calendar::start_of_day;
use fengqiao_domain::rules::workflow;
use fengqiao_domain::services::{AuthSettings, Services};

use super::{INVITED_MEDIATOR, plan};

async fn all(services: &Services, path: &str, kind: Option<CaseKind>, year: Option<i32>) -> Vec<Case> {
    let mut q = CaseQuery::new(CaseScope::Area(path.to_string()), 100_000);
    q.kind = kind;
    if let Some(y) = year {
        q.taken_in_from = Some(start_of_day(NaiveDate::from_ymd_opt(y, 1, 1).unwrap()));
        q.taken_in_before = Some(start_of_day(NaiveDate::from_ymd_opt(y + 1, 1, 1).unwrap()));
    }
    services.store.cases(&q).await.unwrap()
}

async fn everything_count(services: &Services) -> usize {
    all(services, "/1501/", None, None).await.len()
}

fn resolved(cases: &[Case]) -> usize {
    cases.iter().filter(|c| c.outcome.is_some_and(Outcome::is_resolved)).count()
}

#[tokio::test]
async fn the_seeds_figures_come_out_of_sound_histories() {
    let db = fengqiao_store::testing::sqlite().await;
    let vault = Arc::new(Vault::for_tests());
    let services = Services::new(db.store.clone(), Arc::new(SystemClock), AuthSettings::default(), vault.clone());
    crate::demo::build(&services, "fengqiao-demo").await.unwrap();
    let summary = super::load(services.store.as_ref(), &vault, &services.case_settings().await.unwrap(), SystemClock.now()).await.unwrap();
    assert!(!summary.kept && summary.cases > 6000 && summary.accounts > 300, "{summary:?}");

    // 新城区, 2024: 3,413 disputes taken in, 3,232 resolved (94.69%).
    let xincheng = all(&services, "/1501/150102/", Some(CaseKind::Dispute), Some(2024)).await;
    assert_eq!((xincheng.len(), resolved(&xincheng)), (plan::XINCHENG_DISPUTES, plan::XINCHENG_RESOLVED));
    // Its labour room: 300 mediated, 58% by agreement, 40% of the city's labour mediations.
    let room: Vec<Case> = xincheng.iter().filter(|c| c.partner_room == Some(PartnerRoom::CourtAndUnion)).cloned().collect();
    assert_eq!((room.len(), resolved(&room)), (300, 174));
    let city = all(&services, "/1501/", Some(CaseKind::Dispute), Some(2024)).await;
    let labour = city.iter().filter(|c| c.category.as_str().starts_with("labour") && c.status == CaseStatus::Closed).count();
    assert_eq!(labour, 750, "the room's 300 are 40% of the city's labour mediations");
    // 回民区: 153 property disputes and 406 demands resolved.
    let huimin = all(&services, "/1501/150103/", None, Some(2024)).await;
    let property = huimin.iter().filter(|c| c.kind == CaseKind::Dispute && c.category.as_str().starts_with("property_management"));
    assert_eq!(property.filter(|c| c.outcome.is_some_and(Outcome::is_resolved)).count(), plan::HUIMIN_PROPERTY_RESOLVED);
    let demands: Vec<Case> = huimin.iter().filter(|c| c.kind == CaseKind::Demand).cloned().collect();
    assert_eq!(resolved(&demands), plan::HUIMIN_DEMANDS_RESOLVED);
    // The same figures from the sums the store keeps, as the dashboard and API read them,
    // and those sums equal a recount from the records.
    let op = fengqiao_domain::services::operator("tester");
    let year = |code: &str, kind| fengqiao_domain::services::stats::FigureQuery {
        area_code: Some(code.into()),
        from: NaiveDate::from_ymd_opt(2024, 1, 1),
        to: NaiveDate::from_ymd_opt(2024, 12, 31),
        kind,
        category: None,
    };
    let f = services.case_figures(&op, &year("150102", Some(CaseKind::Dispute))).await.unwrap();
    assert_eq!((f.intake, f.resolved, f.resolution_rate), (3413, 3232, Some(0.9469)));
    let labour_room = f.rooms.iter().find(|r| r.room == "court_and_union").unwrap();
    assert_eq!((labour_room.cases, labour_room.resolved, labour_room.success_rate), (300, Some(174), Some(0.58)));
    let f = services.case_figures(&op, &year("150103", None)).await.unwrap();
    assert_eq!(f.by_kind["demand"].resolved as usize, plan::HUIMIN_DEMANDS_RESOLVED);
    let property: i64 = f.by_category.iter().filter(|c| c.kind == "dispute" && c.category.starts_with("property_management")).map(|c| c.figures.resolved).sum();
    assert_eq!(property as usize, plan::HUIMIN_PROPERTY_RESOLVED);
    let check = services.check_case_stats(false, "tester").await.unwrap();
    assert!(check.differences.is_empty() && check.cases as usize == everything_count(&services).await, "{:?}", check.differences.first());

    // The water-fee dispute: grid worker and police together, ended by agreement, where it arose.
    let water = huimin.iter().find(|c| c.title.contains("用水费用")).expect("the water-fee dispute");
    assert_eq!((water.channel, water.outcome, water.resolved_level), (Channel::JointPoliceVisit, Some(Outcome::ResolvedByAgreement), Some(HandlingLevel::Community)));
    assert_eq!(water.handler_name.as_deref(), Some("刘桂芳"), "the demo mediator of 什拉门更社区 handled it");
    assert!(water.area_path.contains("/150103003001/"));
    // Its mediation file: a session with the police officer present and a signed agreement.
    let sessions = services.store.case_sessions(water.id).await.unwrap();
    assert_eq!(sessions.len(), 1);
    assert!(sessions[0].others.iter().any(|o| o.contains("民警")) && sessions[0].held_at < water.concluded_at.unwrap());
    let agreement = services.store.agreement(water.id).await.unwrap().expect("the agreement");
    assert!(agreement.is_signed_by_all() && agreement.committee == "什拉门更社区人民调解委员会", "{agreement:?}");
    assert!(summary.mediation_files > 10, "{summary:?}");

    // Every history is whole: it starts with the intake, its versions run without gaps, and
    // its last entry is where the case stands. Some went up a tier and were resolved there.
    let everything = all(&services, "/1501/", None, None).await;
    let mut escalated = 0;
    for c in everything.iter().step_by(23) {
        let t = services.store.case_timeline(c.id).await.unwrap();
        assert_eq!(t[0].kind, ActionKind::Report, "{}", c.number);
        assert!(t.iter().enumerate().all(|(i, e)| e.version == i as i64 + 1), "{}", c.number);
        let last = t.last().unwrap();
        assert_eq!((last.version, last.to_status, last.to_level), (c.version, c.status, c.handling_level), "{}", c.number);
        assert!(t.windows(2).all(|w| w[0].at <= w[1].at), "{}: time runs forward", c.number);
        escalated += usize::from(t.iter().any(|e| e.kind == ActionKind::Escalate));
    }
    assert!(escalated > 0, "some cases went up a tier");
    assert!(everything.iter().any(|c| c.resolved_level == Some(HandlingLevel::Street)));
    let referred = room.iter().find(|c| c.outcome == Some(Outcome::ResolvedByAgreement)).unwrap();
    let t = services.store.case_timeline(referred.id).await.unwrap();
    assert!(t.iter().any(|e| e.note.as_deref().is_some_and(|n| n.contains(INVITED_MEDIATOR))), "the invited mediator is on record");

    // The demo accounts have work: the community head can accept something now.
    let head = services.store.user_by_username("community").await.unwrap().unwrap();
    let head = Actor::from_user(&head, None);
    let queue = all(&services, &head.home_area_path, None, None).await;
    assert!(queue.iter().any(|c| workflow::allowed_actions(c, &head).contains(&ActionKind::Accept)), "a case waits to be accepted");

    // Loading again keeps what is there.
    let again = super::load(services.store.as_ref(), &vault, &services.case_settings().await.unwrap(), SystemClock.now()).await.unwrap();
    assert!(again.kept);
}
